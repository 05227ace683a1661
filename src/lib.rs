//! quarterly: a static report site generator. Editors keep YAML datasets and markdown
//! commentary in `content/`; `build` turns them into an HTML site with charts drawn at build
//! time. The pipeline, one module per stage:
//!
//! ```text
//! load ─▶ parse ─▶ validate ─▶ render (pages: markdown + charts + templates) ─▶ output
//! ```

pub mod colour;
pub mod diagnostics;
pub mod escape;
pub mod format;
pub mod links;
pub mod load;
pub mod model;
pub mod output;
pub mod parse;
pub mod period;
pub mod render;
pub mod routes;
pub mod scaffold;
pub mod serve;
pub mod validate;

use std::path::Path;

use diagnostics::Diagnostics;
use model::{RenderedSite, Site};

#[derive(Clone, Copy, Debug, Default)]
pub struct BuildOptions {
    /// Include briefings marked `draft: true`.
    pub drafts: bool,
}

/// Loads, parses, validates and renders the site at `root`, in memory, and checks that
/// every internal link of the result resolves.
pub fn render_from_disk(root: &Path, options: BuildOptions) -> Result<RenderedSite, Diagnostics> {
    let files = load::load_content(root)?;
    render_from_files(&files, options)
}

/// Parses, validates and renders files already in memory, and checks that every internal
/// link of the result resolves: everything `render_from_disk` does after reading the disk.
pub fn render_from_files(
    files: &load::ContentFiles,
    options: BuildOptions,
) -> Result<RenderedSite, Diagnostics> {
    let content = parse::parse_content(files)?;
    let site = validate::validate_site(content, options.drafts)?;
    let rendered = render::render_site(&site, &files.templates, &files.assets)?;
    check_links(&rendered, &site)?;
    Ok(rendered)
}

/// A broken internal link fails the build: a template or a page links to something the
/// site does not have. A link written in a briefing or page is reported at the line of the
/// markdown file that wrote it; one written by a template, at the page it appeared on.
fn check_links(rendered: &RenderedSite, site: &Site) -> Result<(), Diagnostics> {
    let (broken, _) = links::broken_links(&rendered.files, &site.config.base_url);
    if broken.is_empty() {
        return Ok(());
    }
    let mut diagnostics = rendered.warnings.clone();
    for link in broken {
        let links::BrokenLink {
            page,
            href,
            problem,
            suggestion,
        } = link;
        let message = format!("broken link `{href}`: {problem}");
        let hint = match &suggestion {
            Some(better) => {
                format!("did you mean `{better}`? links are relative to the built page `{page}`")
            }
            None => format!("links are relative to the built page `{page}`"),
        };
        let written = links_written_for(site, &page)
            .map(|(file, links)| {
                let found: Vec<_> = links.iter().filter(|l| same_href(&l.href, &href)).collect();
                (file, found)
            })
            .filter(|(_, found)| !found.is_empty());
        match written {
            Some((file, found)) => {
                for link in found {
                    diagnostics.push(
                        diagnostics::Diagnostic::error(&file.path, message.clone())
                            .at(&file.text, link.at.line, link.at.column, link.at.len)
                            .with_hint(hint.clone()),
                    );
                }
            }
            None => diagnostics.push(
                diagnostics::Diagnostic::error(&format!("dist/{page}"), message).with_hint(
                    format!("{hint}; no briefing or page writes this link, so a template does: fix it in templates/"),
                ),
            ),
        }
    }
    Err(diagnostics)
}

/// The markdown file behind a built page, and the links it writes.
fn links_written_for<'s>(
    site: &'s Site,
    page: &str,
) -> Option<(&'s model::SourceFile, &'s [model::Link])> {
    if let Some(b) = site
        .briefings
        .iter()
        .find(|b| routes::briefing(b.period) == page)
    {
        return Some((&b.file, &b.links));
    }
    site.pages
        .iter()
        .find(|p| routes::page(&p.id) == page)
        .map(|p| (&p.file, p.links.as_slice()))
}

/// Whether an `href` in built HTML is the destination a markdown link was written with
/// (pulldown-cmark escapes `&` and percent-encodes spaces).
fn same_href(written: &str, built: &str) -> bool {
    let built = built.replace("&amp;", "&");
    written == built || written.replace(' ', "%20") == built
}

/// Everything `check` does: the whole pipeline except writing.
pub fn check(root: &Path, options: BuildOptions) -> Result<RenderedSite, Diagnostics> {
    render_from_disk(root, options)
}

/// Builds the site at `root` into `out`. On any error `out` is left exactly as it was.
pub fn build(root: &Path, out: &Path, options: BuildOptions) -> Result<RenderedSite, Diagnostics> {
    let rendered = render_from_disk(root, options)?;
    output::write_site_atomically(out, &rendered.files).map_err(|err| {
        let mut d = Diagnostics::new();
        d.push(diagnostics::Diagnostic::error(
            &out.display().to_string(),
            format!("cannot write the site: {err}"),
        ));
        d
    })?;
    Ok(rendered)
}
