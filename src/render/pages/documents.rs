//! Briefings and pages: their bodies with contents and sources, and for a briefing its key
//! figures against the quarter and the year before, the vendors it discusses, and its
//! neighbours.

use serde::Serialize;

use super::super::charts::travel::Headline;
use super::super::citations::Citations;
use super::super::templates::Ui;
use super::common::{
    Appearance, PageError, PageParts, VendorLink, base_context, briefing_link, contents,
    headline_figures, headline_of, insert_sources, mentions, page_body, vendor_link,
};
use super::home::home_chart;
use super::vendors::vendor_charts;
use crate::model::{Briefing, ChartSpec, Data, Dataset, Site};
use crate::period::Period;
use crate::routes;

#[derive(Serialize)]
struct FigureCell {
    /// The value with its unit, or empty when none was published.
    value: String,
    /// The footnote marker of its source (HTML).
    cite: String,
    period: String,
}

#[derive(Serialize)]
struct KeyFigure {
    label: String,
    now: FigureCell,
    previous: FigureCell,
    year_before: FigureCell,
}

fn figure_cell(
    site: &Site,
    data: &Data,
    dataset: &Dataset,
    column: usize,
    period: Option<Period>,
    citations: &mut Citations,
) -> FigureCell {
    let value = period.and_then(|p| dataset.value(column, p));
    FigureCell {
        value: value
            .map(|v| dataset.format_value(column, v.number, v.qualifier))
            .unwrap_or_default(),
        cite: value
            .map(|v| citations.value_marker(data, v, &v.version_from(None)))
            .unwrap_or_default(),
        period: period
            .map(|p| site.edition.language.period(p))
            .unwrap_or_default(),
    }
}

/// Key figures, and what changed against the quarter and the year before: the headline
/// figures at the three periods, each footnoted. Values are shown, never differences
/// computed from them.
fn key_figures(site: &Site, period: Period, citations: &mut Citations) -> Vec<KeyFigure> {
    headline_figures(site)
        .into_iter()
        .filter(|(dataset, _)| dataset.granularity == period.granularity())
        .filter(|(dataset, column)| dataset.value(*column, period).is_some())
        .map(|(dataset, column)| {
            let mut cell = |p| figure_cell(site, &site.data, dataset, column, p, citations);
            KeyFigure {
                label: dataset.columns[column].label.clone(),
                now: cell(Some(period)),
                previous: cell(period.previous()),
                year_before: cell(period.year_before()),
            }
        })
        .collect()
}

/// A briefing's headline figure: the first of the site's headline figures with a value in
/// its period, with the firm it is credited to.
fn briefing_headline(site: &Site, ui: &Ui, period: Period) -> Option<Headline> {
    headline_figures(site)
        .into_iter()
        .find_map(|(dataset, column)| {
            let value = dataset.value(column, period)?;
            let credit = site.data.credit(&value.source.id, value.firm.as_ref())?;
            Some(headline_of(
                site,
                ui,
                dataset.format_value(column, value.number, value.qualifier),
                &dataset.columns.get(column)?.label,
                period,
                credit.firm,
            ))
        })
}

pub fn briefing(site: &Site, i: usize, ui: &Ui) -> Result<PageParts, PageError> {
    let briefing = &site.briefings[i];
    let path = routes::briefing(briefing.period);
    let mut citations = Citations::new(ui);
    let key_figures = key_figures(site, briefing.period, &mut citations);
    let mut body = page_body(
        site,
        ui,
        &briefing.body,
        &mut citations,
        &routes::chart_prefix(&briefing.period.slug()),
        &briefing.chart_document(),
        &path,
        Some(&briefing.file),
    )?;
    let mut context = base_context(
        site,
        ui,
        &path,
        "briefing",
        &briefing.title,
        &briefing.summary,
    );
    context.insert("period", &site.edition.language.period(briefing.period));
    context.insert("period_id", &briefing.period.to_string());
    context.insert("summary", &briefing.summary);
    context.insert("draft", &briefing.draft);
    context.insert("key_figures", &key_figures);
    context.insert("body", &body.html);
    context.insert("toc", &contents(&body.headings));
    insert_sources(&mut context, site, ui, &citations);
    let link = |b: Option<&Briefing>| b.map(|b| briefing_link(site, b, "../"));
    context.insert(
        "previous",
        &link(i.checked_sub(1).and_then(|j| site.briefings.get(j))),
    );
    context.insert("next", &link(site.briefings.get(i + 1)));
    let mentioned: Vec<VendorLink> = site
        .data
        .vendors
        .iter()
        .filter(|v| mentions(site, briefing, v))
        .map(|v| vendor_link(v, "../"))
        .collect();
    context.insert("vendors", &mentioned);
    let mut parts = PageParts::new(path, "briefing.html", context);
    let on = Appearance {
        title: &briefing.title,
        path: &parts.path.clone(),
    };
    parts.keep_made(site, ui, &mut body, &on);
    let headline = briefing_headline(site, ui, briefing.period);
    parts.card_with_lead(site, ui, &briefing.title, headline);
    Ok(parts)
}

/// A briefing or page and its charts, for a page that lists every chart.
#[derive(Serialize)]
struct ChartsOf {
    title: String,
    href: String,
    charts: Vec<ChartLink>,
}

#[derive(Serialize)]
struct ChartLink {
    title: String,
    href: String,
}

/// Every chart of the site, each once, linked to its own page, from a page at the site
/// root: the briefings' (newest first), the pages', the home page's and the vendors'.
fn chart_index(site: &Site, ui: &Ui) -> Vec<ChartsOf> {
    let of = |document: String, title: &str, path: String, specs: Vec<&ChartSpec>| {
        let mut seen = std::collections::BTreeSet::new();
        let charts: Vec<ChartLink> = specs
            .into_iter()
            .filter_map(|spec| {
                let id = routes::id_of_chart(&document, spec);
                seen.insert(id.clone()).then(|| ChartLink {
                    title: spec.title.clone(),
                    href: routes::chart_page(&id),
                })
            })
            .collect();
        (!charts.is_empty()).then(|| ChartsOf {
            title: title.to_string(),
            href: path,
            charts,
        })
    };
    let briefings = site.briefings.iter().rev().filter_map(|b| {
        of(
            b.chart_document(),
            &b.title,
            routes::briefing(b.period),
            crate::model::charts_of(&b.body).collect(),
        )
    });
    let pages = site.pages.iter().filter_map(|p| {
        of(
            p.id.clone(),
            &p.title,
            routes::page(&p.id),
            crate::model::charts_of(&p.body).collect(),
        )
    });
    let home = home_chart(site, ui);
    let home = of(
        "home".to_string(),
        &site.config.title,
        routes::HOME.to_string(),
        home.iter().collect(),
    );
    let vendors: Vec<(String, String, Vec<ChartSpec>)> = site
        .data
        .vendors
        .iter()
        .map(|v| {
            (
                v.name.clone(),
                routes::vendor(&v.id),
                vendor_charts(site, ui, v),
            )
        })
        .collect();
    let vendors = vendors.iter().filter_map(|(name, path, specs)| {
        of(String::new(), name, path.clone(), specs.iter().collect())
    });
    briefings.chain(pages).chain(home).chain(vendors).collect()
}

pub fn page(site: &Site, i: usize, ui: &Ui) -> Result<PageParts, PageError> {
    let page = &site.pages[i];
    let path = routes::page(&page.id);
    let mut citations = Citations::new(ui);
    let mut body = page_body(
        site,
        ui,
        &page.body,
        &mut citations,
        &routes::chart_prefix(&page.id),
        &page.id,
        &path,
        Some(&page.file),
    )?;
    let mut context = base_context(site, ui, &path, &page.id, &page.title, &page.description);
    context.insert("body", &body.html);
    context.insert("toc", &contents(&body.headings));
    if page.chart_index {
        context.insert("chart_index", &chart_index(site, ui));
    }
    insert_sources(&mut context, site, ui, &citations);
    let mut parts = PageParts::new(path, "page.html", context);
    let on = Appearance {
        title: &page.title,
        path: &parts.path.clone(),
    };
    parts.keep_made(site, ui, &mut body, &on);
    Ok(parts)
}
