//! quarterly: a static report site generator. Editors keep YAML datasets and markdown
//! commentary in `content/`; `build` turns them into an HTML site with charts drawn at build
//! time. The pipeline, one module (or folder) per stage, each a function from typed input to
//! typed output, with I/O only at the two ends:
//!
//! ```text
//! load ─▶ parse ─▶ validate ─▶ render (pages, bodies, charts, downloads, search) ─▶ links
//!                                      │ each file as it is made
//!                                      ▼
//!                                    output (a staging directory, published at the end)
//! ```
//!
//! Below every stage: `model` (what the site is made of, before and after checking),
//! `routes` (every output path), `diagnostics`, `timings`, and the leaves `period`,
//! `format`, `language` (how each language writes periods and amounts), `escape` and
//! `colour`. On top: the commands `serve` and `scaffold` (`new`).

pub mod colour;
pub mod diagnostics;
pub mod edition;
pub mod escape;
pub mod format;
pub mod incremental;
pub mod language;
pub mod links;
pub mod load;
pub mod model;
pub mod output;
pub mod parse;
pub mod period;
pub mod raster;
pub mod render;
pub mod routes;
pub mod scaffold;
pub mod serve;
pub mod timings;
pub mod validate;

use std::path::Path;

use rayon::prelude::*;

use diagnostics::{Diagnostic, Diagnostics};
use load::ContentFiles;
use model::RenderedSite;
use output::{ImageCache, Memory, Nowhere, Sink, Staging};
use timings::Timings;

/// How many warnings a build (and the preview server) shows in full; `check` shows all.
pub const WARNINGS_SHOWN: usize = 20;

#[derive(Clone, Copy, Debug, Default)]
pub struct BuildOptions {
    /// Include briefings marked `draft: true`.
    pub drafts: bool,
    /// Keep only this many warnings in full and count the rest (a build that shows a few);
    /// every one when `None` (`check`).
    pub keep_warnings: Option<usize>,
    /// Run every page job, even into a directory a build made before (still writing only
    /// the files that changed).
    pub fresh: bool,
}

/// Builds the site at `root` into `out`, writing each file as it is rendered into a staging
/// directory that replaces `out` only when the whole build succeeded. On any error `out` is
/// left exactly as it was. A build into a directory built before (with its record in the
/// site's cache folder) runs only the page jobs whose inputs changed and writes only the
/// files that changed, moving them in once the build succeeded; `options.fresh` runs every
/// page job.
pub fn build(root: &Path, out: &Path, options: BuildOptions) -> Result<RenderedSite, Diagnostics> {
    let cannot_write = |err: std::io::Error| {
        let mut d = Diagnostics::new();
        d.push(Diagnostic::error(
            &out.display().to_string(),
            format!("cannot write the site: {err}"),
        ));
        d
    };
    let cache = ImageCache::open(root).map_err(cannot_write)?;
    let mut staging = Staging::new(out).map_err(cannot_write)?.with_cache(cache);
    // Without the program's own bytes no fingerprint can tell what changed: no record.
    if program_hash().is_some() {
        let record = output::record_file(root, out).map_err(cannot_write)?;
        staging = staging.recording(record, !options.fresh);
    }
    let mut built = run(root, options, &staging)?;
    built.timings.writing = staging.busy();
    if let Some(cache) = staging.cache() {
        built.timings.images = Some(cache.report());
    }
    built.timings.reuse = staging.reuse_report();
    built
        .timings
        .time("write", || staging.publish())
        .map_err(cannot_write)?;
    Ok(built)
}

/// Everything `build` does except writing: every page is rendered and every link checked.
pub fn check(root: &Path, options: BuildOptions) -> Result<RenderedSite, Diagnostics> {
    run(root, options, &Nowhere)
}

/// Builds the site at `root` into memory, for the preview server and for tests.
pub fn render_in_memory(root: &Path, options: BuildOptions) -> Result<RenderedSite, Diagnostics> {
    let memory = Memory::default();
    let mut built = run(root, options, &memory)?;
    (built.files, built.images) = memory.into_parts();
    Ok(built)
}

/// Parses, validates and renders files already in memory, and checks the links of the
/// result: everything `render_in_memory` does after reading the disk.
pub fn render_from_files(
    files: &ContentFiles,
    options: BuildOptions,
) -> Result<RenderedSite, Diagnostics> {
    let memory = Memory::default();
    let mut built = run_loaded(files, options, &memory, Timings::default())?;
    (built.files, built.images) = memory.into_parts();
    Ok(built)
}

/// Everything after loading: the checked site, and what rendering it into `sink` left.
pub fn pipeline(
    files: &ContentFiles,
    options: BuildOptions,
    sink: &dyn Sink,
    timings: &mut Timings,
    keep_search: bool,
) -> Result<(model::Site, render::Rendered), Diagnostics> {
    let reported = Diagnostics::keeping_warnings(options.keep_warnings.unwrap_or(usize::MAX));
    let mut content = timings.time("parse", || parse::parse_content_into(files, reported))?;
    let (site, others) = timings.time("validate", || {
        edition::default_edition(&mut content);
        let localized: Vec<_> = content
            .config
            .languages
            .iter()
            .map(|language| edition::localize(&content, language))
            .collect();
        let mut glyphs = edition::glyph_warnings(&content);
        for (localized, _) in &localized {
            glyphs.extend(edition::glyph_warnings(localized));
        }
        let mut site = validate::validate_site(content, options.drafts)?;
        // UI strings a language's catalogue lacks, for every edition.
        let tags = std::iter::once(site.config.language.clone())
            .chain(site.config.languages.iter().map(|l| l.tag.clone()));
        for tag in tags {
            glyphs.extend(render::untranslated_strings(&files.templates, &tag));
        }
        let mut seen = std::collections::BTreeSet::new();
        for warning in glyphs {
            if seen.insert(warning.to_string()) {
                site.warnings.push(warning);
            }
        }
        let mut others = Vec::new();
        let mut problems = Diagnostics::new();
        for (localized, missing) in localized {
            let suffix = format!(".{}.md", localized.edition.path);
            for warning in missing {
                site.warnings.push(warning);
            }
            match validate::validate_site(localized, options.drafts) {
                Ok(other) => {
                    // The edition's own warnings are its translations'; the rest are the
                    // default edition's again.
                    for warning in other.warnings.iter() {
                        if warning.file.ends_with(&suffix) {
                            site.warnings.push(warning.clone());
                        }
                    }
                    others.push(other);
                }
                Err(found) => {
                    for d in found.iter() {
                        if d.file.ends_with(&suffix) || d.severity == diagnostics::Severity::Error {
                            problems.push(d.clone());
                        }
                    }
                }
            }
        }
        if problems.has_errors() {
            problems.extend(std::mem::take(&mut site.warnings));
            return Err(problems);
        }
        Ok((site, others))
    })?;
    let shared = if sink.records() {
        shared_inputs(files, options)
    } else {
        0
    };
    let mut rendered = timings.time("render", || {
        let mut sites = vec![&site];
        sites.extend(&others);
        render::render_site_keeping(
            &sites,
            &files.templates,
            &files.assets,
            sink,
            keep_search,
            shared,
        )
    })?;
    timings.time("links", || {
        if rendered.kept.is_empty() {
            return links::check_links(&rendered.links, &rendered.paths, &site, &site.warnings);
        }
        // Kept pages whose links may have broken are read again and checked with the rest.
        let mut pages = std::mem::take(&mut rendered.links);
        let at_risk = sink.kept_pages_at_risk();
        let read: Vec<(String, links::PageLinks)> = at_risk
            .into_par_iter()
            .filter_map(|path| {
                let html = sink.read_kept(&path)?;
                let links = links::links_and_ids(&html);
                Some((path, links))
            })
            .collect();
        pages.extend(read);
        let read_kept = |path: &str| sink.read_kept(path);
        let checked = links::check_links_keeping(
            &pages,
            &rendered.paths,
            &rendered.kept,
            &read_kept,
            &site,
            &site.warnings,
        );
        rendered.links = pages;
        checked
    })?;
    Ok((site, rendered))
}

/// A hash of this program's own bytes: a new version may make any page differently.
fn program_hash() -> Option<u128> {
    static HASH: std::sync::OnceLock<Option<u128>> = std::sync::OnceLock::new();
    *HASH.get_or_init(|| {
        let program = std::env::current_exe().ok()?;
        let bytes = std::fs::read(program).ok()?;
        Some(xxhash_rust::xxh3::xxh3_128(&bytes))
    })
}

/// A hash of what every page of a build reads: the program, the options, the templates and
/// static files, the site's settings, sources, vendors and datasets.
fn shared_inputs(files: &ContentFiles, options: BuildOptions) -> u128 {
    let mut hasher = xxhash_rust::xxh3::Xxh3::new();
    hasher.update(&program_hash().unwrap_or_default().to_le_bytes());
    hasher.update(&[u8::from(options.drafts)]);
    let mut add = |name: &str, bytes: &[u8]| {
        hasher.update(&(name.len() as u64).to_le_bytes());
        hasher.update(name.as_bytes());
        hasher.update(&(bytes.len() as u64).to_le_bytes());
        hasher.update(bytes);
    };
    let singles = [&files.site, &files.sources, &files.vendors];
    for file in singles.into_iter().flatten().chain(&files.datasets) {
        add(&file.path, file.text.as_bytes());
    }
    // Which briefings and pages have translations decides every page's links to its other
    // versions (a translation's text is read by its own edition's jobs alone).
    add("translations", b"");
    for file in &files.translations {
        add(&file.path, b"");
    }
    add("templates", b"");
    for file in &files.templates {
        add(&file.path, file.text.as_bytes());
    }
    add("assets", b"");
    for (name, bytes) in &files.assets {
        add(name, bytes);
    }
    hasher.digest128()
}

/// The pipeline: load, then the rest.
fn run(root: &Path, options: BuildOptions, sink: &dyn Sink) -> Result<RenderedSite, Diagnostics> {
    let mut timings = Timings::default();
    let files = timings.time("load", || load::load_content(root))?;
    run_loaded(&files, options, sink, timings)
}

/// Parse, validate, render (handing each file to `sink`), and check that every internal
/// link of the result resolves.
fn run_loaded(
    files: &ContentFiles,
    options: BuildOptions,
    sink: &dyn Sink,
    mut timings: Timings,
) -> Result<RenderedSite, Diagnostics> {
    let (site, rendered) = pipeline(files, options, sink, &mut timings, false)?;
    Ok(RenderedSite {
        files: Vec::new(),
        images: Vec::new(),
        pages: rendered.pages,
        charts: rendered.charts,
        warnings: site.warnings,
        timings,
    })
}
