//! Fourth stage: render every page of a validated `Site` into memory (what each page shows
//! is in `pages`), then the feed, the sitemap and the static assets. Output paths are
//! relative to `dist/`.

use rayon::prelude::*;
use serde::Serialize;
use tera::{Context, Tera};

mod body;
pub mod charts;
mod citations;
mod downloads;
mod figure;
mod pages;
mod search;

use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::model::{OutputFile, RenderedSite, Site, SourceFile};
use crate::routes;
use pages::PageParts;

/// The built-in templates and stylesheet; a site's own `templates/` overrides them by name.
pub const BUILTIN_TEMPLATES: [(&str, &str); 12] = [
    ("sources.html", include_str!("../../templates/sources.html")),
    ("base.html", include_str!("../../templates/base.html")),
    ("home.html", include_str!("../../templates/home.html")),
    (
        "briefing.html",
        include_str!("../../templates/briefing.html"),
    ),
    ("page.html", include_str!("../../templates/page.html")),
    ("vendor.html", include_str!("../../templates/vendor.html")),
    ("vendors.html", include_str!("../../templates/vendors.html")),
    ("data.html", include_str!("../../templates/data.html")),
    ("search.html", include_str!("../../templates/search.html")),
    ("404.html", include_str!("../../templates/404.html")),
    ("feed.xml", include_str!("../../templates/feed.xml")),
    ("sitemap.xml", include_str!("../../templates/sitemap.xml")),
];
const CHART_FONT: &[u8] = include_bytes!("../../assets/fonts/chart-sans.woff2");
/// The built-in files of `static/`; a site's own `templates/static/<name>` replaces one.
pub const BUILTIN_ASSETS: [(&str, &[u8]); 3] = [
    (
        "style.css",
        include_bytes!("../../templates/static/style.css"),
    ),
    (
        "search.js",
        include_bytes!("../../templates/static/search.js"),
    ),
    (
        "favicon.svg",
        include_bytes!("../../templates/static/favicon.svg"),
    ),
];

/// The templates in use: (name, path shown in diagnostics, text). A site's own
/// `templates/<name>` replaces the built-in one.
fn template_sources(templates: &[SourceFile]) -> Vec<(&'static str, String, String)> {
    BUILTIN_TEMPLATES
        .iter()
        .map(|(name, builtin)| {
            let path = format!("templates/{name}");
            match templates.iter().find(|t| t.path == path) {
                Some(own) => (*name, path, own.text.clone()),
                None => (*name, format!("{path} (built in)"), builtin.to_string()),
            }
        })
        .collect()
}

pub fn build_tera(sources: &[(&'static str, String, String)]) -> Result<Tera, Diagnostics> {
    let mut tera = Tera::new();
    let mut diagnostics = Diagnostics::new();
    for (name, _, text) in sources {
        if let Err(err) = tera.add_raw_template(name, text) {
            diagnostics.push(template_diagnostic(sources, name, &err));
        }
    }
    if diagnostics.has_errors() {
        return Err(diagnostics);
    }
    Ok(tera)
}

/// A tera error as one of our diagnostics, pointing into the template it names. `sources`
/// are (template name, path shown in diagnostics, text), as tera was given them.
pub fn template_diagnostic(
    sources: &[(&'static str, String, String)],
    rendering: &str,
    err: &tera::Error,
) -> Diagnostic {
    let place = match err.kind() {
        tera::ErrorKind::SyntaxError(report) | tera::ErrorKind::RenderingError(report) => {
            let span = report.span();
            let len = if span.start_line == span.end_line {
                span.end_col.saturating_sub(span.start_col)
            } else {
                1
            };
            Some(TemplatePlace {
                template: report.filename().to_string(),
                line: span.start_line,
                column: span.start_col + 1,
                len,
                message: report.message().to_string(),
            })
        }
        tera::ErrorKind::Msg(text) => place_in_message(text),
        _ => None,
    };
    let Some(place) = place else {
        return Diagnostic::error(
            &format!("templates/{rendering}"),
            format!("template error: {err}"),
        );
    };
    let (path, text) = sources
        .iter()
        .find(|(name, _, _)| *name == place.template)
        .map(|(_, path, text)| (path.as_str(), text.as_str()))
        .unwrap_or(("templates/", ""));
    let mut d = Diagnostic::error(path, format!("template error: {}", place.message));
    if !text.is_empty() {
        d = d.at(text, place.line, place.column, place.len);
    }
    if place.template != rendering {
        d = d.with_hint(format!("while rendering `{rendering}`"));
    }
    d
}

/// Where in which template tera found a problem, and what it said.
struct TemplatePlace {
    template: String,
    line: usize,
    column: usize,
    len: usize,
    message: String,
}

/// Tera reports some problems (an unknown filter, test or function) as text already laid out
/// rustc-style rather than as a report with a span; the place is read back from its
/// `--> template:line:column` line and the length from its carets.
fn place_in_message(text: &str) -> Option<TemplatePlace> {
    let mut lines = text.lines();
    let message = lines.next()?.trim().strip_prefix("error: ")?.to_string();
    let location = lines.find_map(|l| l.trim().strip_prefix("--> "))?;
    let mut parts = location.rsplitn(3, ':');
    let column = parts.next()?.parse().ok()?;
    let line = parts.next()?.parse().ok()?;
    let template = parts.next()?.to_string();
    let len = text
        .lines()
        .filter(|l| l.contains('^'))
        .map(|l| l.matches('^').count())
        .next()
        .unwrap_or(1);
    Some(TemplatePlace {
        template,
        line,
        column,
        len,
        message,
    })
}

pub fn render_site(
    site: &Site,
    templates: &[SourceFile],
    assets: &[(String, Vec<u8>)],
) -> Result<RenderedSite, Diagnostics> {
    let sources = template_sources(templates);
    let tera = build_tera(&sources)?;

    // Pages are independent of each other, so they render in parallel; `collect` keeps
    // their order, and the output does not depend on which thread did what.
    let results: Vec<Result<(OutputFile, PageParts), Box<Diagnostic>>> = pages::jobs(site)
        .par_iter()
        .map(|job| {
            let parts = pages::build_page(site, *job)?;
            match tera.render(parts.template, &parts.context) {
                Ok(html) => Ok((
                    OutputFile {
                        path: parts.path.clone(),
                        bytes: html.into_bytes(),
                    },
                    parts,
                )),
                Err(err) => Err(Box::new(template_diagnostic(
                    &sources,
                    parts.template,
                    &err,
                ))),
            }
        })
        .collect();

    let mut out = RenderedSite {
        warnings: site.warnings.clone(),
        ..RenderedSite::default()
    };
    let mut diagnostics = Diagnostics::new();
    for result in results {
        match result {
            Ok((file, parts)) => {
                out.files.push(file);
                out.files.extend(parts.files);
                out.pages += 1;
                out.charts += parts.charts;
            }
            Err(d) => diagnostics.push(*d),
        }
    }
    for (path, template, context) in [
        ("feed.xml", "feed.xml", feed_context(site)),
        (
            "sitemap.xml",
            "sitemap.xml",
            sitemap_context(site, &out.files),
        ),
    ] {
        match tera.render(template, &context) {
            Ok(xml) => out.files.push(OutputFile {
                path: path.to_string(),
                bytes: xml.into_bytes(),
            }),
            Err(err) => diagnostics.push(template_diagnostic(&sources, template, &err)),
        }
    }
    if diagnostics.has_errors() {
        return Err(diagnostics);
    }
    for (name, bytes) in BUILTIN_ASSETS {
        if !assets.iter().any(|(n, _)| n == name) {
            out.files.push(OutputFile {
                path: format!("static/{name}"),
                bytes: bytes.to_vec(),
            });
        }
    }
    for (name, bytes) in assets {
        out.files.push(OutputFile {
            path: format!("static/{name}"),
            bytes: bytes.clone(),
        });
    }
    out.files.push(OutputFile {
        path: "static/charts.css".to_string(),
        bytes: charts::colour_stylesheet(&site.data.vendors).into_bytes(),
    });
    out.files.push(OutputFile {
        path: "static/chart-sans.woff2".to_string(),
        bytes: CHART_FONT.to_vec(),
    });
    out.files.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(out)
}

#[derive(Serialize)]
struct FeedEntry {
    title: String,
    url: String,
    updated: String,
    summary: String,
}

/// The Atom feed: every briefing, newest first, with absolute URLs. Dates come from the
/// content (the end of each briefing's quarter), never from the clock.
fn feed_context(site: &Site) -> Context {
    let mut context = Context::new();
    let base = &site.config.base_url;
    let entries: Vec<FeedEntry> = site
        .briefings
        .iter()
        .rev()
        .map(|b| FeedEntry {
            title: b.title.clone(),
            url: format!("{base}{}", routes::briefing(b.period)),
            updated: format!("{}T00:00:00Z", b.period.end_date()),
            summary: b.summary.clone(),
        })
        .collect();
    let updated = entries
        .first()
        .map_or_else(|| "1970-01-01T00:00:00Z".to_string(), |e| e.updated.clone());
    context.insert("site_title", &site.config.title);
    context.insert("site_description", &site.config.description);
    context.insert("author", &site.config.author);
    context.insert("base_url", base);
    context.insert("updated", &updated);
    context.insert("entries", &entries);
    context
}

/// The sitemap: every HTML page of the site but the 404 page, with absolute URLs.
fn sitemap_context(site: &Site, files: &[OutputFile]) -> Context {
    let base = &site.config.base_url;
    let mut urls: Vec<String> = files
        .iter()
        .filter(|f| f.path.ends_with(".html") && f.path != "404.html")
        .map(|f| {
            if f.path == "index.html" {
                base.clone()
            } else {
                format!("{base}{}", f.path)
            }
        })
        .collect();
    urls.sort();
    let mut context = Context::new();
    context.insert("urls", &urls);
    context
}
