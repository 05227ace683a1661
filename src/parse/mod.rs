//! Second stage: turn the loaded files into typed content. Each file is read on its own;
//! references between files (sources, vendors, datasets) are checked later by `validate`.
//! Every problem is collected, so one run reports them all.

mod body;
mod chart;
mod config;
mod dataset;
mod document;
mod node;
mod quick_yaml;
mod sources;
pub mod yaml;

use rayon::prelude::*;

use crate::diagnostics::{Diagnostics, Severity};
use crate::load::ContentFiles;
use crate::model::{Briefing, Broken, Content, SourceFile};
use config::parse_site;
use dataset::parse_dataset;
use document::{parse_briefing, parse_page};
use sources::{parse_sources, parse_vendors};

/// Parses every file. Fails only when the site configuration is unusable; other problems
/// travel with the content so that validation can add its own to the same report.
pub fn parse_content(files: &ContentFiles) -> Result<Content, Diagnostics> {
    parse_content_into(files, Diagnostics::new())
}

/// `parse_content`, reporting into `diagnostics` (which may keep only the first warnings).
pub fn parse_content_into(
    files: &ContentFiles,
    mut diagnostics: Diagnostics,
) -> Result<Content, Diagnostics> {
    let mut broken = Broken::default();
    let config = match &files.site {
        Some(file) => parse_site(file, &mut diagnostics),
        None => {
            diagnostics.push(crate::load::missing_site_configuration());
            None
        }
    };
    let before = diagnostics.error_count();
    let sources = files
        .sources
        .as_ref()
        .map(|f| parse_sources(f, &mut diagnostics))
        .unwrap_or_default();
    broken.sources = diagnostics.error_count() > before;
    let before = diagnostics.error_count();
    let vendors = files
        .vendors
        .as_ref()
        .map(|f| parse_vendors(f, &mut diagnostics))
        .unwrap_or_default();
    broken.vendors = diagnostics.error_count() > before;
    let datasets = parse_each(&files.datasets, parse_dataset, &mut diagnostics);
    for file in &files.datasets {
        if diagnostics
            .iter()
            .any(|d| d.file == file.path && d.severity == Severity::Error)
        {
            broken.datasets.insert(file.stem().to_string());
        }
    }
    let briefings = parse_each(&files.briefings, parse_briefing, &mut diagnostics);
    let pages = parse_each(&files.pages, parse_page, &mut diagnostics);
    let (briefing_files, page_files): (Vec<SourceFile>, Vec<SourceFile>) = files
        .translations
        .iter()
        .cloned()
        .partition(|f| f.path.starts_with("content/briefings/"));
    let language_of = |file: &SourceFile| file.translation().unwrap_or_default().to_string();
    let translated_briefings = parse_each(&briefing_files, parse_briefing, &mut diagnostics)
        .into_iter()
        .map(|b| (language_of(&b.file), b))
        .collect();
    let translated_pages = parse_each(&page_files, parse_page, &mut diagnostics)
        .into_iter()
        .map(|p| (language_of(&p.file), p))
        .collect();
    match config {
        Some(config) => Ok(Content {
            config,
            sources,
            vendors,
            datasets,
            briefings,
            pages,
            translated_briefings,
            translated_pages,
            sources_file: files.sources.clone(),
            vendors_file: files.vendors.clone(),
            edition: Default::default(),
            problems: diagnostics,
            broken,
        }),
        None => Err(diagnostics),
    }
}

/// Parses one briefing on its own, as `new` checks the file it is about to write: the
/// briefing, or the errors that stop it from parsing (warnings are left to `check`).
pub fn parse_one_briefing(file: &SourceFile) -> Result<Briefing, Diagnostics> {
    let mut diagnostics = Diagnostics::new();
    let briefing = parse_briefing(file, &mut diagnostics);
    match briefing {
        Some(briefing) if !diagnostics.has_errors() => Ok(briefing),
        _ => Err(diagnostics),
    }
}

/// Parses one page on its own, as the preview server does after an edit to it.
pub fn parse_one_page(file: &SourceFile) -> Result<crate::model::Page, Diagnostics> {
    let mut diagnostics = Diagnostics::new();
    let page = parse_page(file, &mut diagnostics);
    match page {
        Some(page) if !diagnostics.has_errors() => Ok(page),
        _ => Err(diagnostics),
    }
}

/// Parses one dataset file on its own, as the preview server does after an edit to it: the
/// dataset, or the errors that stop it from parsing.
pub fn parse_one_dataset(file: &SourceFile) -> Result<crate::model::Dataset, Diagnostics> {
    let mut diagnostics = Diagnostics::new();
    let dataset = parse_dataset(file, &mut diagnostics);
    match dataset {
        Some(dataset) if !diagnostics.has_errors() => Ok(dataset),
        _ => Err(diagnostics),
    }
}

/// Parses files in parallel, keeping their order and every diagnostic (that `diagnostics`
/// keeps). Files go a few hundred at a time, so the problems of only those are held at once.
fn parse_each<T: Send>(
    files: &[SourceFile],
    parse: fn(&SourceFile, &mut Diagnostics) -> Option<T>,
    diagnostics: &mut Diagnostics,
) -> Vec<T> {
    const AT_ONCE: usize = 256;
    let mut parsed = Vec::with_capacity(files.len());
    for some in files.chunks(AT_ONCE) {
        // Once the report keeps no more warnings, files only count theirs.
        let keep = if diagnostics.keeps_more_warnings() {
            diagnostics.like()
        } else {
            Diagnostics::keeping_warnings(0)
        };
        let results: Vec<(Option<T>, Diagnostics)> = some
            .par_iter()
            .map(|file| {
                let mut found = keep.like();
                let item = parse(file, &mut found);
                (item, found)
            })
            .collect();
        for (item, found) in results {
            diagnostics.extend(found);
            parsed.extend(item);
        }
    }
    parsed
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_without_a_site_configuration_fail_with_that_error() {
        // Parsing without `content/site.yaml` once failed with no diagnostic at all.
        let files = ContentFiles {
            briefings: vec![SourceFile::new(
                "content/briefings/2023-q3.md",
                "---\ntitle: T\nperiod: 2023-Q3\nsummary: S\n---\nText.\n",
            )],
            ..ContentFiles::default()
        };
        let Err(problems) = parse_content(&files) else {
            panic!("no site, no content");
        };
        assert_eq!(problems.error_count(), 1, "{problems}");
        assert!(
            problems.to_string().contains("missing site configuration"),
            "{problems}"
        );
    }
}
