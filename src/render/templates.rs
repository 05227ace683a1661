//! The templates pages are rendered with: the built-in ones, overridden by name by a site's
//! own `templates/`, plus every other template the site keeps there (partials its templates
//! include). HTML templates print values through `escape::html_attr`, XML templates (the
//! feed and the sitemap) through `escape::xml`. Errors point into the template's own text.
//!
//! The words of the pages themselves (headings, navigation, notes) come from a catalogue
//! per language (`templates/i18n/<language>.yaml`): templates print them as `{{ ui.KEY }}`,
//! with `{name}` filled by `{{ ui.KEY | fill(name=value) }}`. The site's language picks
//! the built-in catalogue, and a site's own file of that name replaces any of its keys.

use std::collections::BTreeMap;

use tera::{Context, Kwargs, State, Tera};

use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::escape;
use crate::language::Language;
use crate::model::SourceFile;
use crate::parse::yaml;

/// The built-in catalogues of UI strings, by language; the first is the default.
pub const BUILTIN_CATALOGUES: [(&str, &str); 2] = [
    ("en-GB", include_str!("../../templates/i18n/en-GB.yaml")),
    ("zh-Hans", include_str!("../../templates/i18n/zh-Hans.yaml")),
];

/// Where a site keeps its catalogues of UI strings.
pub const CATALOGUE_DIR: &str = "templates/i18n/";

/// The built-in catalogue for `language`: the one of the language its tag names (`zh-CN`
/// and `zh` take `zh-Hans`, `en-US` takes `en-GB`), else the default.
fn builtin_catalogue(language: &str) -> (&'static str, &'static str) {
    let tag = Language::from_tag(language).tag();
    BUILTIN_CATALOGUES
        .iter()
        .find(|(t, _)| *t == tag)
        .copied()
        .unwrap_or(BUILTIN_CATALOGUES[0])
}

/// Whether a catalogue is built in for `language`'s language (`zh-CN` has `zh-Hans`'s).
fn has_builtin_catalogue(language: &str) -> bool {
    let primary = |tag: &str| {
        tag.split(['-', '_'])
            .next()
            .unwrap_or("")
            .to_ascii_lowercase()
    };
    BUILTIN_CATALOGUES
        .iter()
        .any(|(tag, _)| primary(tag) == primary(language))
}

/// The site's own catalogue for `language`: `templates/i18n/<tag>.yaml` for the built-in
/// catalogue's tag, or, for a language with none built in, for the language's own tag.
fn own_catalogue<'t>(site_templates: &'t [SourceFile], language: &str) -> Option<&'t SourceFile> {
    let tag = if has_builtin_catalogue(language) {
        builtin_catalogue(language).0
    } else {
        language
    };
    let path = format!("{CATALOGUE_DIR}{tag}.yaml");
    site_templates.iter().find(|t| t.path == path)
}

/// The UI strings of `language`: the built-in catalogue (the default one for a language
/// with none), with the keys of the site's own catalogue for it in their place.
pub fn catalogue(
    site_templates: &[SourceFile],
    language: &str,
) -> Result<BTreeMap<String, String>, Diagnostics> {
    let (tag, builtin) = builtin_catalogue(language);
    let mut diagnostics = Diagnostics::new();
    let builtin = SourceFile::new(format!("{CATALOGUE_DIR}{tag}.yaml (built in)"), builtin);
    let mut strings = read_catalogue(&builtin, &mut diagnostics);
    if let Some(own) = own_catalogue(site_templates, language) {
        strings.extend(read_catalogue(own, &mut diagnostics));
    }
    if diagnostics.has_errors() {
        return Err(diagnostics);
    }
    Ok(strings)
}

/// The UI strings an edition in `language` shows in the default catalogue's words, as
/// warnings: none for a language with a built-in catalogue; else one for a site with no
/// catalogue of the language, or one for each string its catalogue lacks.
pub fn untranslated_strings(site_templates: &[SourceFile], language: &str) -> Vec<Diagnostic> {
    if has_builtin_catalogue(language) {
        return Vec::new();
    }
    let (default_tag, default) = BUILTIN_CATALOGUES[0];
    let mut ignored = Diagnostics::new();
    let keys = read_catalogue(&SourceFile::new("", default), &mut ignored);
    let path = format!("{CATALOGUE_DIR}{language}.yaml");
    let Some(own) = own_catalogue(site_templates, language) else {
        return vec![
            Diagnostic::error(
                &path,
                format!(
                    "no catalogue of UI strings for `{language}`: its pages show the {} words of `{default_tag}`",
                    keys.len()
                ),
            )
            .with_hint(format!(
                "copy templates/i18n/{default_tag}.yaml of the quarterly repository to {path} and translate every string"
            ))
            .warning(),
        ];
    };
    let given = read_catalogue(own, &mut ignored);
    keys.keys()
        .filter(|key| !given.contains_key(*key))
        .map(|key| {
            Diagnostic::error(
                &own.path,
                format!("the UI string `{key}` has no `{language}` translation"),
            )
            .with_hint(format!(
                "add `{key}:` to {}; until then the pages show the `{default_tag}` words",
                own.path
            ))
            .warning()
        })
        .collect()
}

/// The keys and strings of one catalogue file, each problem reported at its place.
fn read_catalogue(file: &SourceFile, diagnostics: &mut Diagnostics) -> BTreeMap<String, String> {
    let mut strings = BTreeMap::new();
    let Some(node) = yaml::parse_file(file, diagnostics) else {
        return strings;
    };
    let mut reader = yaml::Reader::new(file, diagnostics);
    for (key, value) in reader.map(&node, "a catalogue of UI strings") {
        let (Some(key), Some(value)) = (
            reader.text(key, "the name of a UI string"),
            reader.text(value, "a UI string"),
        ) else {
            continue;
        };
        strings.insert(key, value);
    }
    strings
}

/// The UI strings of one language, for the words pages get from Rust (titles and
/// descriptions of the site's own pages) as templates get them from `ui`.
#[derive(Clone, Debug, Default)]
pub struct Ui(BTreeMap<String, String>);

impl Ui {
    /// The string `key` (every built-in catalogue has every key the code asks for).
    pub fn get<'a>(&'a self, key: &'a str) -> &'a str {
        self.0.get(key).map_or(key, String::as_str)
    }

    /// The string `key` with each `{name}` of `values` filled in.
    pub fn fill(&self, key: &str, values: &[(&str, &str)]) -> String {
        fill_values(self.get(key), values)
    }

    /// `fill` for HTML the code writes itself: the string `key` escaped as HTML text, with
    /// each `{name}` of `values` (HTML already) filled in as it is.
    pub fn fill_html(&self, key: &str, values: &[(&str, &str)]) -> String {
        fill_values(&escape::html_text(self.get(key)), values)
    }
}

/// A UI string (`text`, from `Ui::get`) with each `{name}` of `values` filled in, once.
pub fn fill_values(text: &str, values: &[(&str, &str)]) -> String {
    fill_in(text, |name| {
        values
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v.to_string())
    })
}

/// `{{ ui.KEY | fill(name=value) }}`: the string with each `{name}` given a value.
fn fill(text: &str, kwargs: Kwargs, _: &State) -> String {
    fill_in(text, |name| {
        kwargs
            .iter()
            .find(|(key, _)| key.to_string() == name)
            .map(|(_, v)| v.to_string())
    })
}

/// `text` with each `{name}` that `value` knows replaced, in one pass, so a value is never
/// filled in again; any other brace stays as written.
fn fill_in(text: &str, value: impl Fn(&str) -> Option<String>) -> String {
    let mut out = String::with_capacity(text.len() + 16);
    let mut rest = text;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let value = after
            .find('}')
            .and_then(|close| Some((close, value(&after[..close])?)));
        match value {
            Some((close, value)) => {
                out.push_str(&value);
                rest = &after[close + 1..];
            }
            None => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

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
    ui: Ui,
}

impl Templates {
    /// Every built-in template (or the site's version of it) and every other template in the
    /// site's `templates/`, each checked for syntax errors, with the UI strings of
    /// `language`.
    pub fn load(site_templates: &[SourceFile], language: &str) -> Result<Templates, Diagnostics> {
        let ui = catalogue(site_templates, language)?;
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
            if own.path.starts_with(CATALOGUE_DIR) {
                continue;
            }
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
        for tera in [&mut html, &mut xml] {
            tera.register_filter("fill", fill);
            tera.global_context().insert("ui", &ui);
            // The space between words, which Chinese does not put between its own and a
            // number or a Latin word: `{{ space }}` where a template puts one.
            tera.global_context()
                .insert("space", Language::from_tag(language).word_space());
        }
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
        Ok(Templates {
            html,
            xml,
            sources,
            ui: Ui(ui),
        })
    }

    /// The UI strings the templates print, for the words pages get from Rust.
    pub fn ui(&self) -> &Ui {
        &self.ui
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

#[cfg(test)]
mod tests {
    use super::*;

    fn strings_of(tag: &str) -> BTreeMap<String, String> {
        catalogue(&[], tag).unwrap_or_else(|d| panic!("{d}"))
    }

    #[test]
    fn every_built_in_catalogue_has_the_same_keys() {
        let default = strings_of(BUILTIN_CATALOGUES[0].0);
        assert!(default.len() > 50, "{}", default.len());
        for (tag, _) in BUILTIN_CATALOGUES {
            let strings = strings_of(tag);
            let missing: Vec<_> = default
                .keys()
                .filter(|k| !strings.contains_key(*k))
                .collect();
            let extra: Vec<_> = strings
                .keys()
                .filter(|k| !default.contains_key(*k))
                .collect();
            assert!(
                missing.is_empty() && extra.is_empty(),
                "{tag}: missing {missing:?}, extra {extra:?}"
            );
            assert!(
                strings.values().all(|s| !s.trim().is_empty() || s == " "),
                "{tag}"
            );
        }
    }

    #[test]
    fn every_ui_string_a_template_prints_is_in_the_catalogues() {
        let default = strings_of(BUILTIN_CATALOGUES[0].0);
        for (name, text) in BUILTIN_TEMPLATES {
            let mut rest = text;
            while let Some(at) = rest.find("ui.") {
                let key: String = rest[at + 3..]
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                    .collect();
                assert!(default.contains_key(&key), "{name} prints ui.{key}");
                rest = &rest[at + 3..];
            }
        }
    }

    #[test]
    fn a_language_takes_its_catalogue_or_that_of_its_language_or_the_default() {
        assert_eq!(builtin_catalogue("zh-Hans").0, "zh-Hans");
        assert_eq!(builtin_catalogue("zh-CN").0, "zh-Hans");
        assert_eq!(builtin_catalogue("zh").0, "zh-Hans");
        assert_eq!(builtin_catalogue("en-US").0, "en-GB");
        assert_eq!(builtin_catalogue("fr").0, "en-GB");
        assert_eq!(strings_of("zh-CN")["key_figures"], "关键数据");
    }

    #[test]
    fn a_sites_catalogue_replaces_keys_and_reports_problems_at_their_place() {
        let own = SourceFile::new(
            "templates/i18n/en-GB.yaml",
            "key_figures: \"The numbers\"\nextra: \"Kept for the site's own templates\"\n",
        );
        let strings = catalogue(std::slice::from_ref(&own), "en-GB").unwrap();
        assert_eq!(strings["key_figures"], "The numbers");
        assert_eq!(strings["what_changed"], "What changed");
        assert!(strings.contains_key("extra"));
        let broken = SourceFile::new("templates/i18n/en-GB.yaml", "key_figures: [1, 2]\n");
        let problems = catalogue(&[broken], "en-GB").unwrap_err().to_string();
        assert!(
            problems.contains("templates/i18n/en-GB.yaml:1"),
            "{problems}"
        );
    }

    #[test]
    fn rust_gets_the_same_strings_filled_in_once() {
        let page = SourceFile::new("templates/try.html", "");
        let templates = Templates::load(std::slice::from_ref(&page), "zh-Hans").unwrap();
        let ui = templates.ui();
        assert_eq!(ui.get("page_not_found"), "找不到页面");
        assert_eq!(
            ui.fill("briefings_of_year", &[("year", "2023")]),
            "2023年简报"
        );
        assert_eq!(
            ui.fill("briefings_discussing", &[("vendor", "{vendor}")]),
            "涉及{vendor}的简报"
        );
        assert_eq!(ui.fill("period_range", &[("first", "a")]), "，a至{last}");
    }

    #[test]
    fn rust_gets_html_and_spaces_in_the_sites_language() {
        let page = SourceFile::new("templates/try.html", "a{{ space }}b");
        for (language, spaced) in [("en-GB", "a b"), ("zh-Hans", "ab")] {
            let templates = Templates::load(std::slice::from_ref(&page), language).unwrap();
            assert_eq!(
                templates.render("try.html", &Context::new()).unwrap(),
                spaced
            );
        }
        let own = SourceFile::new(
            "templates/i18n/en-GB.yaml",
            "firm_via: \"{firm} & {publishers}\"\n",
        );
        let templates = Templates::load(std::slice::from_ref(&own), "en-GB").unwrap();
        let ui = templates.ui();
        assert_eq!(
            ui.fill_html("firm_via", &[("firm", "<b>A</b>"), ("publishers", "B")]),
            "<b>A</b> &amp; B",
            "the string escaped, the values as given"
        );
    }

    #[test]
    fn templates_print_the_strings_of_the_sites_language_filled_in() {
        let page = SourceFile::new(
            "templates/try.html",
            "{{ ui.key_figures }}|{{ ui.briefings_discussing | fill(vendor=name) }}",
        );
        let mut context = Context::new();
        context.insert("name", "{vendor} <b>");
        for (language, expected) in [
            (
                "en-GB",
                "Key figures|Briefings that discuss {vendor} &lt;b&gt;",
            ),
            ("zh-Hans", "关键数据|涉及{vendor} &lt;b&gt;的简报"),
        ] {
            let templates = Templates::load(std::slice::from_ref(&page), language).unwrap();
            assert_eq!(templates.render("try.html", &context).unwrap(), expected);
        }
    }
}
