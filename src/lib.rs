//! quarterly: a static report site generator. Editors keep YAML datasets and markdown
//! commentary in `content/`; `build` turns them into an HTML site with charts drawn at build
//! time. The pipeline, one module (or folder) per stage, each a function from typed input to
//! typed output, with I/O only at the two ends:
//!
//! ```text
//! load ─▶ parse ─▶ validate ─▶ render (pages, bodies, charts, downloads, search) ─▶ links ─▶ output
//! ```
//!
//! Below every stage: `model` (what the site is made of, before and after checking),
//! `routes` (every output path), `diagnostics`, and the leaves `period`, `format`, `escape`
//! and `colour`. On top: the commands `serve` and `scaffold` (`new`).

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
use percent_encoding::percent_decode_str;

#[derive(Clone, Copy, Debug, Default)]
pub struct BuildOptions {
    /// Include briefings marked `draft: true`.
    pub drafts: bool,
}

/// Loads, parses, validates and renders the site at `root`, in memory, and checks that
/// every internal link of the result resolves.
pub fn render_from_disk(root: &Path, options: BuildOptions) -> Result<RenderedSite, Diagnostics> {
    let files = load::load_content(root)?;
    let content = parse::parse_content(&files)?;
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

/// Whether an `href` of built HTML, character references decoded as the link check reads
/// it, is the destination a markdown link was written with. pulldown-cmark percent-encodes
/// spaces, non-ASCII and other bytes unsafe in an href, so both are compared decoded.
fn same_href(written: &str, built: &str) -> bool {
    percent_decode_str(written).eq(percent_decode_str(built))
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

#[cfg(test)]
mod tests {
    use super::same_href;

    #[test]
    fn a_built_href_matches_the_markdown_destination_it_came_from() {
        assert!(same_href("about.html", "about.html"));
        assert!(same_href("a b.html", "a%20b.html"));
        assert!(same_href("data.html?x=1&y=2", "data.html?x=1&y=2"));
        assert!(same_href("关于.html", "%E5%85%B3%E4%BA%8E.html"));
        assert!(same_href("50%25.html", "50%25.html"));
        assert!(!same_href("about.html", "about.html#x"));
        assert!(!same_href("a b.html", "a%2520b.html"));
    }
}
