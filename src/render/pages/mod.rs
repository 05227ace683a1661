//! What each page of the site shows: one file per kind of page, each returning the template
//! to render and its context. Links in pages are relative to the page, so the site works
//! from disk and under any sub-path; only the 404 page, which a host serves at any path,
//! links absolutely.

mod archive;
mod common;
mod data;
mod documents;
mod home;
mod not_found;
mod search;
mod vendors;

pub use common::{PageError, PageParts, insert_sources, mentions};
pub use data::page_count as dataset_page_count;
pub use search::{document, text_of};

use super::templates::Ui;
use crate::model::Site;

/// Every page of the site, in a stable order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum PageJob {
    Home,
    Archive,
    ArchiveYear(u16),
    Briefing(usize),
    Page(usize),
    Vendor(usize),
    Vendors,
    Data,
    Dataset(usize, usize),
    Search,
    NotFound,
}

/// Every page to render. The long jobs come first (the search index, the datasets' pages
/// and downloads), so the short ones fill in around them and no core waits at the end; the
/// order of the jobs changes nothing in the output.
pub fn jobs(site: &Site) -> Vec<PageJob> {
    let mut jobs = vec![PageJob::Search];
    for (i, dataset) in site.data.datasets.iter().enumerate() {
        jobs.extend((1..=data::page_count(dataset)).map(|page| PageJob::Dataset(i, page)));
    }
    jobs.extend([PageJob::Home, PageJob::Archive]);
    jobs.extend(archive::years(site).into_iter().map(PageJob::ArchiveYear));
    jobs.extend((0..site.briefings.len()).map(PageJob::Briefing));
    jobs.extend((0..site.pages.len()).map(PageJob::Page));
    jobs.extend((0..site.data.vendors.len()).map(PageJob::Vendor));
    jobs.extend([PageJob::Vendors, PageJob::Data, PageJob::NotFound]);
    jobs
}

/// The template a job's page is rendered with (what `build_page` gives).
pub fn template_of(job: PageJob) -> &'static str {
    match job {
        PageJob::Home => "home.html",
        PageJob::Archive => "archive.html",
        PageJob::ArchiveYear(_) => "archive-year.html",
        PageJob::Briefing(_) => "briefing.html",
        PageJob::Page(_) => "page.html",
        PageJob::Vendor(_) => "vendor.html",
        PageJob::Vendors => "vendors.html",
        PageJob::Data => "data.html",
        PageJob::Dataset(..) => "dataset.html",
        PageJob::Search => "search.html",
        PageJob::NotFound => "404.html",
    }
}

/// Every template a page job renders with: its page's, and for a job whose page draws
/// charts, those of each chart's own page and embed page.
pub fn templates_of(job: PageJob) -> Vec<&'static str> {
    let mut templates = vec![template_of(job)];
    if matches!(
        job,
        PageJob::Home | PageJob::Briefing(_) | PageJob::Page(_) | PageJob::Vendor(_)
    ) {
        templates.extend(["chart.html", "embed.html"]);
    }
    templates
}

/// What the page of `job` shows, its own words in the language of `ui`.
pub fn build_page(site: &Site, job: PageJob, ui: &Ui) -> Result<PageParts, PageError> {
    match job {
        PageJob::Home => home::home(site, ui),
        PageJob::Archive => archive::archive(site, ui),
        PageJob::ArchiveYear(year) => archive::archive_year(site, year, ui),
        PageJob::Briefing(i) => documents::briefing(site, i, ui),
        PageJob::Page(i) => documents::page(site, i, ui),
        PageJob::Vendor(i) => vendors::vendor(site, i, ui),
        PageJob::Vendors => vendors::vendors(site, ui),
        PageJob::Data => data::data(site, ui),
        PageJob::Dataset(i, page) => data::dataset_page(site, i, page, ui),
        PageJob::Search => search::search(site, ui),
        PageJob::NotFound => not_found::not_found(site, ui),
    }
}
