//! Briefings and pages: their bodies with contents and sources, and for a briefing its key
//! figures against the quarter and the year before, the vendors it discusses, and its
//! neighbours.

use serde::Serialize;

use super::super::citations::Citations;
use super::common::{
    PageError, PageParts, VendorLink, base_context, briefing_link, contents, headline_figures,
    insert_sources, mentions, page_body, vendor_link,
};
use crate::model::{Briefing, Data, Dataset, Site};
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
        period: period.map(|p| p.label()).unwrap_or_default(),
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
            let mut cell = |p| figure_cell(&site.data, dataset, column, p, citations);
            KeyFigure {
                label: dataset.columns[column].label.clone(),
                now: cell(Some(period)),
                previous: cell(period.previous()),
                year_before: cell(period.year_before()),
            }
        })
        .collect()
}

pub fn briefing(site: &Site, i: usize) -> Result<PageParts, PageError> {
    let briefing = &site.briefings[i];
    let path = routes::briefing(briefing.period);
    let mut citations = Citations::default();
    let key_figures = key_figures(site, briefing.period, &mut citations);
    let mut body = page_body(
        site,
        &briefing.body,
        &mut citations,
        &routes::chart_prefix(&briefing.period.slug()),
        &path,
        Some(&briefing.file),
    )?;
    let mut context = base_context(site, &path, "briefing", &briefing.title, &briefing.summary);
    context.insert("period", &briefing.period.label());
    context.insert("period_id", &briefing.period.to_string());
    context.insert("summary", &briefing.summary);
    context.insert("draft", &briefing.draft);
    context.insert("key_figures", &key_figures);
    context.insert("body", &body.html);
    context.insert("toc", &contents(&body.headings));
    insert_sources(&mut context, site, &citations);
    let link = |b: Option<&Briefing>| b.map(|b| briefing_link(b, "../"));
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
    parts.keep_made(&mut body);
    Ok(parts)
}

pub fn page(site: &Site, i: usize) -> Result<PageParts, PageError> {
    let page = &site.pages[i];
    let path = routes::page(&page.id);
    let mut citations = Citations::default();
    let mut body = page_body(
        site,
        &page.body,
        &mut citations,
        &routes::chart_prefix(&page.id),
        &path,
        Some(&page.file),
    )?;
    let mut context = base_context(site, &path, &page.id, &page.title, &page.description);
    context.insert("body", &body.html);
    context.insert("toc", &contents(&body.headings));
    insert_sources(&mut context, site, &citations);
    let mut parts = PageParts::new(path, "page.html", context);
    parts.keep_made(&mut body);
    Ok(parts)
}
