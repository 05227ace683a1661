//! The templates pages are rendered with: the built-in ones, overridden by name by a site's
//! own `templates/`, plus every other template the site keeps there (partials its templates
//! include). HTML templates print values through `escape::html_attr`, XML templates (the
//! feed and the sitemap) through `escape::xml`. Errors point into the template's own text.

use tera::{Context, Tera};

use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::escape;
use crate::model::SourceFile;

/// The built-in templates; a site's own `templates/` overrides them by name.
const BUILTIN: [(&str, &str); 12] = [
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

/// One template in use: its name for tera, the path diagnostics show, and its text.
struct Source {
    name: String,
    path: String,
    text: String,
}

pub struct Templates {
    html: Tera,
    xml: Tera,
    sources: Vec<Source>,
}

impl Templates {
    /// Every built-in template (or the site's version of it) and every other template in the
    /// site's `templates/`, each checked for syntax errors.
    pub fn load(site_templates: &[SourceFile]) -> Result<Templates, Diagnostics> {
        let mut sources: Vec<Source> = BUILTIN
            .iter()
            .map(|(name, text)| {
                let path = format!("templates/{name}");
                match site_templates.iter().find(|t| t.path == path) {
                    Some(own) => Source {
                        name: name.to_string(),
                        path,
                        text: own.text.clone(),
                    },
                    None => Source {
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
                sources.push(Source {
                    name: name.to_string(),
                    path: own.path.clone(),
                    text: own.text.clone(),
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
                diagnostics.push(diagnostic(&sources, &source.name, &err));
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
            .map_err(|err| Box::new(diagnostic(&self.sources, name, &err)))
    }
}

/// A tera error as one of our diagnostics, pointing into the template it names.
fn diagnostic(sources: &[Source], rendering: &str, err: &tera::Error) -> Diagnostic {
    let report = match err.kind() {
        tera::ErrorKind::SyntaxError(report) | tera::ErrorKind::RenderingError(report) => {
            Some(report)
        }
        _ => None,
    };
    let Some(report) = report else {
        return Diagnostic::error(
            &format!("templates/{rendering}"),
            format!("template error: {err}"),
        );
    };
    let (path, text) = sources
        .iter()
        .find(|s| s.name == report.filename())
        .map(|s| (s.path.as_str(), s.text.as_str()))
        .unwrap_or(("templates/", ""));
    let span = report.span();
    let len = if span.start_line == span.end_line {
        span.end_col.saturating_sub(span.start_col)
    } else {
        1
    };
    let mut d = Diagnostic::error(path, format!("template error: {}", report.message()));
    if !text.is_empty() {
        d = d.at(text, span.start_line, span.start_col + 1, len);
    }
    if report.filename() != rendering {
        d = d.with_hint(format!("while rendering `{rendering}`"));
    }
    d
}
