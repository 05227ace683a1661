//! Which page jobs a build into a directory it built before need not run again: each job
//! gets a name that lasts from one build to the next and a fingerprint of everything it
//! reads. The output keeps the fingerprints; a job whose fingerprint is the one recorded
//! made the same files then as it would now.
//!
//! What each job reads, as `pages` renders it:
//!
//! - every job reads the shared inputs: the program itself, the templates and static files,
//!   `site.yaml`, the sources, the vendors, every dataset, and which briefings and pages
//!   have translations (every page links its versions) (the caller's `shared`);
//! - a briefing reads its own file and those of the briefings before and after it (the
//!   page links them by title and period); a translation also reads the file it
//!   translates, whose charts and headings name its own;
//! - a page reads its own file (and, translated, its original's), unless it lists every
//!   chart of the site;
//! - every other job (the home page, the archive and its years, the vendors' pages and
//!   index, the data pages, the search index, the 404 page, a page that lists every chart)
//!   lists or searches the briefings and pages, and reads all of them.
//!
//! A fingerprint that reads more than the job does only makes the job run more often; one
//! that reads less would keep a stale page, so `tests/reuse.rs` compares a build after each
//! kind of edit with a build made from nothing.

use xxhash_rust::xxh3::Xxh3;

use super::pages::PageJob;
use crate::model::{Site, SourceFile};

/// The fingerprints of one build's jobs.
pub struct Fingerprints {
    shared: u128,
    /// The shared inputs, every briefing and every page.
    everything: u128,
}

fn add_file(hasher: &mut Xxh3, file: Option<&SourceFile>) {
    match file {
        Some(file) => {
            hasher.update(&(file.path.len() as u64).to_le_bytes());
            hasher.update(file.path.as_bytes());
            hasher.update(&(file.text.len() as u64).to_le_bytes());
            hasher.update(file.text.as_bytes());
        }
        None => hasher.update(&u64::MAX.to_le_bytes()),
    }
}

impl Fingerprints {
    /// The fingerprints of the jobs of `site`, whose shared inputs hash to `shared`.
    pub fn new(site: &Site, shared: u128) -> Fingerprints {
        let mut hasher = Xxh3::new();
        hasher.update(b"everything");
        hasher.update(&shared.to_le_bytes());
        for briefing in &site.briefings {
            add_file(&mut hasher, Some(&briefing.file));
            add_file(&mut hasher, briefing.original.as_ref());
        }
        hasher.update(b"pages");
        for page in &site.pages {
            add_file(&mut hasher, Some(&page.file));
            add_file(&mut hasher, page.original.as_ref());
        }
        Fingerprints {
            shared,
            everything: hasher.digest128(),
        }
    }

    /// The name of `job` that lasts from build to build, and its fingerprint.
    pub fn of(&self, site: &Site, job: PageJob) -> (String, u128) {
        let with = |kind: &str, files: &[Option<&SourceFile>]| {
            let mut hasher = Xxh3::new();
            hasher.update(kind.as_bytes());
            hasher.update(&self.shared.to_le_bytes());
            for file in files {
                add_file(&mut hasher, *file);
            }
            hasher.digest128()
        };
        match job {
            PageJob::Briefing(i) => {
                let file =
                    |j: Option<usize>| j.and_then(|j| site.briefings.get(j)).map(|b| &b.file);
                let own = file(Some(i));
                // A translation's charts and headings take their ids from its original.
                let original = site.briefings.get(i).and_then(|b| b.original.as_ref());
                let key = own.map_or_else(|| format!("briefing {i}"), |f| f.path.clone());
                let print = with(
                    "briefing",
                    &[
                        file(i.checked_sub(1)),
                        own,
                        original,
                        file(i.checked_add(1)),
                    ],
                );
                (key, print)
            }
            PageJob::Page(i) => match site.pages.get(i) {
                Some(page) if !page.chart_index => (
                    page.file.path.clone(),
                    with("page", &[Some(&page.file), page.original.as_ref()]),
                ),
                Some(page) => (page.file.path.clone(), self.everything),
                None => (format!("page {i}"), self.everything),
            },
            PageJob::Vendor(i) => {
                let id = site.data.vendors.get(i).map_or("", |v| v.id.as_str());
                (format!("vendor {id}"), self.everything)
            }
            PageJob::Dataset(i, page) => {
                let path = site
                    .data
                    .datasets
                    .get(i)
                    .map_or("", |d| d.file.path.as_str());
                (format!("{path} page {page}"), self.everything)
            }
            PageJob::ArchiveYear(year) => (format!("archive {year}"), self.everything),
            other => (format!("{other:?}"), self.everything),
        }
    }
}
