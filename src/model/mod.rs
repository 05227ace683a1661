//! The content model, below every stage: what the site is made of once parsed (`Content`),
//! once checked (`Site`), and once built (`OutputFile`). Ids are plain strings checked by
//! `validate`; every item keeps the position it was written at so later problems can point
//! back at the source.

mod body;
mod built;
mod data;
mod file;
mod site;

pub use body::*;
pub use built::*;
pub use data::*;
pub use file::SourceFile;
pub use site::*;

use std::collections::BTreeSet;

use crate::diagnostics::Diagnostics;

/// Everything parsed from content/, not yet cross-checked.
#[derive(Clone, Debug)]
pub struct Content {
    pub config: SiteConfig,
    pub sources: Vec<Source>,
    pub vendors: Vec<Vendor>,
    pub datasets: Vec<Dataset>,
    pub briefings: Vec<Briefing>,
    pub pages: Vec<Page>,
    /// Translated briefings and pages (`2023-q3.zh.md`), each with its language path.
    pub translated_briefings: Vec<(String, Briefing)>,
    pub translated_pages: Vec<(String, Page)>,
    /// The files sources and vendors were read from, to point at what they lack.
    pub sources_file: Option<SourceFile>,
    pub vendors_file: Option<SourceFile>,
    /// Which edition of the site this content is.
    pub edition: Edition,
    /// Problems found while parsing. Validation still runs, so one run reports both kinds,
    /// but it does not report references into files that failed to parse.
    pub problems: Diagnostics,
    pub broken: Broken,
}

/// Files that had parse errors: references into them are not checked, because the error
/// in the file itself is the one to fix.
#[derive(Clone, Debug, Default)]
pub struct Broken {
    pub sources: bool,
    pub vendors: bool,
    pub datasets: BTreeSet<String>,
}
