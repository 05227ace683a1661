//! The archive: an index of every year with briefings, and a page per year listing them, so
//! every briefing can be reached in two steps however many there are.

use serde::Serialize;

use super::super::templates::Ui;
use super::common::{BriefingLink, PageError, PageParts, base_context, briefing_link, mentions};
use crate::model::{Briefing, Site};
use crate::period::Period;
use crate::routes;

/// A year of the archive, as the index and the home page link to it.
#[derive(Serialize)]
pub struct YearLink {
    pub year: u16,
    /// The year as the site's language writes it: `2023`; 2023年.
    pub label: String,
    pub href: String,
    pub count: usize,
}

#[derive(Serialize)]
struct Decade {
    id: String,
    label: String,
    years: Vec<YearLink>,
}

/// A briefing as its year's page lists it: with the vendors it discusses, so a reader who
/// came from a vendor's page finds its briefings.
#[derive(Serialize)]
struct ArchiveEntry {
    #[serde(flatten)]
    link: BriefingLink,
    vendors: Vec<String>,
}

/// The years that have briefings, newest first, with how many each has.
pub fn years(site: &Site) -> Vec<u16> {
    let mut years: Vec<u16> = site.briefings.iter().map(|b| b.period.year()).collect();
    years.dedup();
    years.reverse();
    years
}

/// A link to the archive page of `year`, from a page at `root`.
pub fn year_link(site: &Site, year: u16, root: &str) -> YearLink {
    YearLink {
        year,
        label: site.edition.language.period(Period::Year { year }),
        href: format!("{root}{}", routes::archive_year(year)),
        count: briefings_of(site, year).len(),
    }
}

/// The briefings of `year`, oldest first (briefings are sorted by period).
fn briefings_of(site: &Site, year: u16) -> &[Briefing] {
    let start = site.briefings.partition_point(|b| b.period.year() < year);
    let end = site.briefings.partition_point(|b| b.period.year() <= year);
    site.briefings.get(start..end).unwrap_or(&[])
}

/// The decade of `year` as the archive heads it, in the words of `ui`: "2020s".
pub fn decade_label(ui: &Ui, year: u16) -> String {
    ui.fill("decade", &[("decade", &(year - year % 10).to_string())])
}

/// The id of the archive's section for the decade of `year`, the same in every language.
pub fn decade_id(year: u16) -> String {
    format!("decade-{}s", year - year % 10)
}

/// `archive.html`: every year with briefings, newest first, grouped by decade.
pub fn archive(site: &Site, ui: &Ui) -> Result<PageParts, PageError> {
    let path = routes::ARCHIVE;
    let mut decades: Vec<Decade> = Vec::new();
    for year in years(site) {
        let label = decade_label(ui, year);
        let link = year_link(site, year, "");
        match decades.last_mut() {
            Some(d) if d.label == label => d.years.push(link),
            _ => decades.push(Decade {
                id: decade_id(year),
                label,
                years: vec![link],
            }),
        }
    }
    let mut context = base_context(
        site,
        ui,
        path,
        "home",
        ui.get("archive"),
        ui.get("archive_description"),
    );
    context.insert("decades", &decades);
    context.insert("briefing_count", &site.briefings.len());
    Ok(PageParts::new(path.to_string(), "archive.html", context))
}

/// `archive/{year}.html`: the briefings of one year, newest first, with the years on
/// either side.
pub fn archive_year(site: &Site, year: u16, ui: &Ui) -> Result<PageParts, PageError> {
    let path = routes::archive_year(year);
    let briefings: Vec<ArchiveEntry> = briefings_of(site, year)
        .iter()
        .rev()
        .map(|b| ArchiveEntry {
            link: briefing_link(site, b, "../"),
            vendors: site
                .data
                .vendors
                .iter()
                .filter(|v| mentions(site, b, v))
                .map(|v| v.name.clone())
                .collect(),
        })
        .collect();
    let years = years(site);
    let position = years.iter().position(|y| *y == year);
    // `years` runs newest first: the later year is before this one, the earlier after it.
    let later = position
        .and_then(|i| i.checked_sub(1))
        .and_then(|i| years.get(i))
        .map(|y| year_link(site, *y, "../"));
    let earlier = position
        .and_then(|i| years.get(i + 1))
        .map(|y| year_link(site, *y, "../"));
    let year_text = year.to_string();
    let title = ui.fill("briefings_of_year", &[("year", &year_text)]);
    let mut context = base_context(
        site,
        ui,
        &path,
        "home",
        &title,
        &ui.fill("archive_year_description", &[("year", &year_text)]),
    );
    context.insert("year", &year);
    context.insert("briefings", &briefings);
    context.insert("earlier", &earlier);
    context.insert("later", &later);
    Ok(PageParts::new(path, "archive-year.html", context))
}
