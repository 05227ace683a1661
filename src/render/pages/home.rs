//! The home page: the latest headline figures with sparklines, the long-run trend of the
//! first of them, and every briefing by year.

use serde::Serialize;

use super::super::charts::{ChartData, Variant, render_svg};
use super::super::citations::{Citations, kind_label};
use super::super::templates::Ui;
use super::archive::{YearLink, year_link, years};
use super::common::{
    Appearance, BriefingLink, PageError, PageParts, base_context, briefing_link, chart_of,
    headline_figures, insert_sources, page_body, site_card, site_headline,
};
use crate::diagnostics::Diagnostic;
use crate::model::{ChartKind, ChartSpec, Dataset, ImageFile, Ref, Segment, Site};
use crate::period::Period;
use crate::routes;

#[derive(Serialize)]
struct HeadlineCard {
    label: String,
    value: String,
    period: String,
    /// The firm credited, and the page when that is all there is and it is second-hand.
    source: String,
    /// The figure over every period up to the latest, as a small inline SVG.
    sparkline: String,
}

#[derive(Serialize)]
struct YearGroup {
    year: u16,
    /// The year as the site's language writes it: `2023`; 2023年.
    label: String,
    briefings: Vec<BriefingLink>,
}

pub fn home(site: &Site, ui: &Ui) -> Result<PageParts, PageError> {
    let path = routes::HOME;
    let mut context = base_context(
        site,
        ui,
        path,
        "home",
        &site.config.title,
        &site.config.description,
    );
    let figures = headline_figures(site);
    let mut cards = Vec::new();
    for (n, (dataset, column)) in figures.iter().enumerate() {
        if let Some(card) = headline_card(site, ui, dataset, *column, n)? {
            cards.push(card);
        }
    }
    context.insert("headline", &cards);
    // The long-run trend: the first headline figure over every period it has.
    let mut citations = Citations::new(ui);
    let mut parts = PageParts::new(path.to_string(), "home.html", context);
    parts.drawn = cards.into_iter().map(|card| card.sparkline).collect();
    let mut trend = String::new();
    if let Some(spec) = home_chart(site, ui) {
        let mut body = page_body(
            site,
            ui,
            &[Segment::Chart(spec)],
            &mut citations,
            "home-chart-",
            "home",
            path,
            None,
        )?;
        let on = Appearance {
            title: &site.config.title,
            path,
        };
        parts.keep_made(site, ui, &mut body, &on);
        trend = body.html;
    }
    parts.context.insert("trend", &trend);
    parts.card_with_lead(site, ui, &site.config.title, site_headline(site, ui));
    parts.images.push(ImageFile {
        path: routes::SITE_CARD.to_string(),
        svg: site_card(site),
        scale: 1.0,
    });
    insert_sources(&mut parts.context, site, ui, &citations);
    parts.context.insert("latest", &latest(site));
    let all_years = years(site);
    let recent: Vec<YearLink> = all_years
        .iter()
        .take(HOME_YEARS)
        .map(|y| year_link(site, *y, ""))
        .collect();
    parts.context.insert("archive_years", &recent);
    parts.context.insert("year_count", &all_years.len());
    parts
        .context
        .insert("briefing_count", &site.briefings.len());
    Ok(parts)
}

/// The home page's chart: the first headline figure over every period it has.
pub fn home_chart(site: &Site, ui: &Ui) -> Option<ChartSpec> {
    let (dataset, column) = headline_figures(site).into_iter().next()?;
    let mut spec = chart_of(dataset, ui, column, ChartKind::Line, dataset.title.clone());
    // Named by its data, which the site chooses, rather than by a dataset's title.
    spec.id = Some(Ref {
        id: format!(
            "home-{}-{}",
            dataset.id,
            dataset.columns.get(column).map_or("", |c| c.id.as_str())
        ),
        at: Default::default(),
    });
    Some(spec)
}

/// How many of the latest briefings the home page lists.
const HOME_BRIEFINGS: usize = 8;
/// How many of the latest years the home page links to; the archive has them all.
const HOME_YEARS: usize = 10;

/// A card for the latest value of a headline figure, with its sparkline; none when the
/// column has no values yet.
fn headline_card(
    site: &Site,
    ui: &Ui,
    dataset: &Dataset,
    column: usize,
    n: usize,
) -> Result<Option<HeadlineCard>, PageError> {
    let Some((row, value)) = dataset
        .rows
        .iter()
        .rev()
        .find_map(|r| r.cells.get(column)?.as_ref().map(|v| (r, v)))
    else {
        return Ok(None);
    };
    let Some(credit) = site.data.credit(&value.source.id, value.firm.as_ref()) else {
        return Ok(None);
    };
    let label = dataset.columns[column].label.clone();
    let spec = chart_of(
        dataset,
        ui,
        column,
        ChartKind::Sparkline,
        ui.fill(
            "sparkline_title",
            &[("figure", &label), ("dataset", &dataset.title)],
        ),
    );
    let data = ChartData::resolve(&spec, dataset, &site.data.vendors);
    let sparkline = render_svg(
        &data,
        &spec.title,
        &data.describe(),
        &format!("spark-{}", n + 1),
        Variant::Spark,
    )
    .map_err(|problem| {
        Box::new(Diagnostic::error(
            &dataset.file.path,
            format!("the sparkline of `{}` cannot be drawn: {problem}", label),
        ))
    })?;
    let firm = credit.firm;
    let source = if site.data.only_secondhand(value, value.number) {
        ui.fill(
            "headline_secondhand",
            &[
                ("firm", firm),
                ("publisher", &credit.source.publisher),
                (
                    "kind",
                    kind_label(ui, credit.source.kind).unwrap_or_default(),
                ),
            ],
        )
    } else {
        firm.to_string()
    };
    Ok(Some(HeadlineCard {
        sparkline,
        label,
        value: dataset.format_value(column, value.number, value.qualifier),
        period: site.edition.language.period(row.period),
        source,
    }))
}

/// The latest briefings, newest first, grouped by year.
fn latest(site: &Site) -> Vec<YearGroup> {
    let mut groups: Vec<YearGroup> = Vec::new();
    for b in site.briefings.iter().rev().take(HOME_BRIEFINGS) {
        let link = briefing_link(site, b, "");
        let year = b.period.year();
        match groups.last_mut() {
            Some(group) if group.year == year => group.briefings.push(link),
            _ => groups.push(YearGroup {
                year,
                label: site.edition.language.period(Period::Year { year }),
                briefings: vec![link],
            }),
        }
    }
    groups
}
