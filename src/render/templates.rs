//! The templates pages are rendered with: the built-in ones, overridden by name by a site's
//! own `templates/`, plus every other template the site keeps there (partials its templates
//! include). HTML templates print values through `escape::html_attr`, XML templates (the
//! feed and the sitemap) through `escape::xml`. Errors point into the template's own text.

use tera::{Context, Tera};

use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::escape;
use crate::model::SourceFile;

/// The built-in templates; a site's own `templates/` overrides them by name.
pub const BUILTIN_TEMPLATES: [(&str, &str); 20] = [
    ("social.html", include_str!("../../templates/social.html")),
    ("sources.html", include_str!("../../templates/sources.html")),
    ("base.html", include_str!("../../templates/base.html")),
    ("home.html", include_str!("../../templates/home.html")),
    ("archive.html", include_str!("../../templates/archive.html")),
    (
        "archive-year.html",
        include_str!("../../templates/archive-year.html"),
    ),
    (
        "briefing.html",
        include_str!("../../templates/briefing.html"),
    ),
    ("page.html", include_str!("../../templates/page.html")),
    ("chart.html", include_str!("../../templates/chart.html")),
    ("embed.html", include_str!("../../templates/embed.html")),
    ("vendor.html", include_str!("../../templates/vendor.html")),
    ("vendors.html", include_str!("../../templates/vendors.html")),
    ("data.html", include_str!("../../templates/data.html")),
    ("dataset.html", include_str!("../../templates/dataset.html")),
    ("search.html", include_str!("../../templates/search.html")),
    ("404.html", include_str!("../../templates/404.html")),
    (
        "feed-entry.html",
        include_str!("../../templates/feed-entry.html"),
    ),
    ("feed.xml", include_str!("../../templates/feed.xml")),
    ("sitemap.xml", include_str!("../../templates/sitemap.xml")),
    (
        "sitemap-index.xml",
        include_str!("../../templates/sitemap-index.xml"),
    ),
];

/// One template in use: its name for tera, the path diagnostics show, and its text.
pub struct TemplateSource {
    pub name: String,
    pub path: String,
    pub text: String,
}

pub struct Templates {
    html: Tera,
    xml: Tera,
    sources: Vec<TemplateSource>,
}

impl Templates {
    /// Every built-in template (or the site's version of it) and every other template in the
    /// site's `templates/`, each checked for syntax errors.
    pub fn load(site_templates: &[SourceFile]) -> Result<Templates, Diagnostics> {
        let mut sources: Vec<TemplateSource> = BUILTIN_TEMPLATES
            .iter()
            .map(|(name, text)| {
                let path = format!("templates/{name}");
                match site_templates.iter().find(|t| t.path == path) {
                    Some(own) => TemplateSource {
                        name: name.to_string(),
                        path,
                        text: own.text.to_string(),
                    },
                    None => TemplateSource {
                        name: name.to_string(),
                        path: format!("{path} (built in)"),
                        text: text.to_string(),
                    },
                }
            })
            .collect();
        for own in site_templates {
            let Some(name) = own.path.strip_prefix("templates/") else {
                continue;
            };
            if !sources.iter().any(|s| s.name == name) {
                sources.push(TemplateSource {
                    name: name.to_string(),
                    path: own.path.clone(),
                    text: own.text.to_string(),
                });
            }
        }
        let mut html = Tera::new();
        html.set_escape_fn(escape::html_attr_to);
        html.autoescape_on([".html"]);
        let mut xml = Tera::new();
        xml.set_escape_fn(escape::xml_to);
        xml.autoescape_on([".xml"]);
        let mut diagnostics = Diagnostics::new();
        for source in &sources {
            let tera = if source.name.ends_with(".xml") {
                &mut xml
            } else {
                &mut html
            };
            if let Err(err) = tera.add_raw_template(&source.name, &source.text) {
                diagnostics.push(template_diagnostic(&sources, &source.name, &err));
            }
        }
        if diagnostics.has_errors() {
            return Err(diagnostics);
        }
        Ok(Templates { html, xml, sources })
    }

    /// Renders the template `name` (`home.html`, `feed.xml`) with `context`.
    pub fn render(&self, name: &str, context: &Context) -> Result<String, Box<Diagnostic>> {
        if !self.sources.iter().any(|s| s.name == name) {
            return Err(Box::new(
                Diagnostic::error(&format!("templates/{name}"), format!("no template `{name}`"))
                    .with_hint(format!(
                        "this kind of page is rendered with templates/{name}; create it, or remove the site's empty templates/ folder to use the built-in one"
                    )),
            ));
        }
        let tera = if name.ends_with(".xml") {
            &self.xml
        } else {
            &self.html
        };
        tera.render(name, context)
            .map_err(|err| Box::new(template_diagnostic(&self.sources, name, &err)))
    }
}

/// A tera error as one of our diagnostics, pointing into the template it names.
pub fn template_diagnostic(
    sources: &[TemplateSource],
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
        .find(|s| s.name == place.template)
        .map(|s| (s.path.as_str(), s.text.as_str()))
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
