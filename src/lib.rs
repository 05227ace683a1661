//! quarterly: a static report site generator. Editors keep YAML datasets and markdown
//! commentary in `content/`; `build` turns them into an HTML site with charts drawn at build
//! time. The pipeline, one module per stage:
//!
//! ```text
//! load ─▶ parse ─▶ validate ─▶ render (pages: markdown + charts + templates) ─▶ output
//! ```

pub mod charts;
pub mod diagnostics;
pub mod downloads;
pub mod html;
pub mod links;
pub mod load;
pub mod markdown;
pub mod model;
pub mod output;
pub mod pages;
pub mod parse;
pub mod period;
pub mod render;
pub mod scaffold;
pub mod search;
pub mod serve;
pub mod validate;
pub mod yaml;

use std::path::Path;

use diagnostics::Diagnostics;
use render::RenderedSite;

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
    check_links(&rendered, &site.config.base_url)?;
    Ok(rendered)
}

/// A broken internal link fails the build: a template or a page links to something the
/// site does not have.
fn check_links(rendered: &RenderedSite, base_url: &str) -> Result<(), Diagnostics> {
    let (broken, _) = links::broken_links(&rendered.files, base_url);
    if broken.is_empty() {
        return Ok(());
    }
    let mut diagnostics = rendered.warnings.clone();
    for (page, href, problem) in broken {
        diagnostics.push(
            diagnostics::Diagnostic::error(
                &format!("dist/{page}"),
                format!("broken link `{href}`: {problem}"),
            )
            .with_hint("fix the link in the template or page that writes it"),
        );
    }
    Err(diagnostics)
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
