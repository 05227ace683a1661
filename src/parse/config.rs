//! `content/site.yaml`: the site's title, address, language, navigation and headline figures.

use super::yaml::{Reader, is_language_path, parse_file};
use crate::diagnostics::Diagnostics;
use crate::model::{ColumnRef, FirmName, LanguageConfig, NavLink, Ref, SiteConfig, SourceFile};

/// How many of the latest briefings the Atom feed carries when `site.yaml` does not say.
pub const DEFAULT_FEED_ENTRIES: usize = 20;

pub fn parse_site(file: &SourceFile, diagnostics: &mut Diagnostics) -> Option<SiteConfig> {
    let root = parse_file(file, diagnostics)?;
    let mut r = Reader::new(file, diagnostics);
    let entries = r.map(&root, "the site configuration");
    let f = r.fields_translated(
        entries,
        &[
            "title",
            "description",
            "base_url",
            "language",
            "author",
            "navigation",
            "headline",
            "feed_entries",
            "languages",
            "firms",
        ],
        &["title", "description", "author"],
        "site.yaml",
    );
    let title = f
        .require("title", &root, &mut r, "site.yaml")
        .and_then(|n| r.text(n, "`title`"));
    let base_url = f
        .require("base_url", &root, &mut r, "site.yaml")
        .and_then(|n| {
            let url = r.text(n, "`base_url`")?;
            if !(url.starts_with("https://") || url.starts_with("http://")) {
                r.error_at(
                    n,
                    "`base_url` must be an absolute http(s) URL",
                    "for example `https://example.org/china-cloud/`",
                );
                return None;
            }
            Some(if url.ends_with('/') {
                url
            } else {
                format!("{url}/")
            })
        });
    let text_or = |r: &mut Reader, name: &str, default: &str| {
        f.get(name)
            .and_then(|n| r.text(n, name))
            .unwrap_or_else(|| default.to_string())
    };
    let description = text_or(&mut r, "description", "");
    let language = text_or(&mut r, "language", "en");
    let author = text_or(&mut r, "author", "");
    let feed_entries = match f.get("feed_entries") {
        None => DEFAULT_FEED_ENTRIES,
        Some(n) => match n.as_f64() {
            Some(v) if v >= 1.0 && v.fract() == 0.0 && v <= 10_000.0 => v as usize,
            _ => {
                r.error_at(
                    n,
                    "`feed_entries` must be a whole number from 1 to 10000",
                    format!("the feed carries the latest {DEFAULT_FEED_ENTRIES} briefings when it is left out"),
                );
                DEFAULT_FEED_ENTRIES
            }
        },
    };
    let mut navigation = Vec::new();
    if let Some(nav) = f.get("navigation") {
        for item in r.seq(nav, "`navigation`") {
            let entries = r.map(item, "a navigation link");
            let nf = r.fields_translated(
                entries,
                &["label", "target"],
                &["label"],
                "a navigation link",
            );
            let translations = nf.translations(&mut r);
            let label = nf
                .require("label", item, &mut r, "this link")
                .and_then(|n| r.text(n, "`label`"));
            let target = nf
                .require("target", item, &mut r, "this link")
                .and_then(|n| r.reference(n, "`target`"));
            if let (Some(label), Some(target)) = (label, target) {
                navigation.push(NavLink {
                    label,
                    target,
                    translations,
                });
            }
        }
    }
    let mut headline = Vec::new();
    if let Some(list) = f.get("headline") {
        for item in r.seq(list, "`headline`") {
            let Some(figure) = r.reference(item, "a headline figure") else {
                continue;
            };
            match figure.id.split_once('.') {
                Some((dataset, column)) => headline.push(ColumnRef {
                    dataset: Ref {
                        id: dataset.to_string(),
                        at: figure.at,
                    },
                    column: Ref {
                        id: column.to_string(),
                        at: figure.at,
                    },
                }),
                None => r.error_at(
                    item,
                    format!("headline figure `{}` names no column", figure.id),
                    "write `dataset.column`, e.g. `market.spend`",
                ),
            }
        }
    }
    let mut languages: Vec<LanguageConfig> = Vec::new();
    if let Some(list) = f.get("languages") {
        for item in r.seq(list, "`languages`") {
            let entries = r.map(item, "a language");
            let lf = r.fields(entries, &["tag", "path"], "a language");
            let tag = lf
                .require("tag", item, &mut r, "this language")
                .and_then(|n| r.text(n, "`tag`"));
            let path = lf.require("path", item, &mut r, "this language").and_then(|n| {
                let path = r.text(n, "`path`")?;
                if !is_language_path(&path) {
                    r.error_at(
                        n,
                        format!("`{path}` cannot name a language's folder"),
                        "write two or three lowercase letters, as `zh` or `fr`, optionally with a region: `pt-br`",
                    );
                    return None;
                }
                if let Some(first) = languages.iter().find(|l| l.path == path) {
                    r.error_at(
                        n,
                        format!("two languages are published under `{path}/`"),
                        format!("the first is `{}` at line {}; give each its own path", first.tag, first.at.line),
                    );
                    return None;
                }
                Some(path)
            });
            if let (Some(tag), Some(path)) = (tag, path) {
                languages.push(LanguageConfig {
                    tag,
                    path,
                    at: item.loc(),
                });
            }
        }
    }
    let mut firms = Vec::new();
    if let Some(list) = f.get("firms") {
        for item in r.seq(list, "`firms`") {
            let entries = r.map(item, "a firm");
            let ff = r.fields_translated(entries, &["name"], &["name"], "a firm");
            let translations = ff.translations(&mut r);
            if let Some(name) = ff
                .require("name", item, &mut r, "this firm")
                .and_then(|n| r.text(n, "`name`"))
            {
                firms.push(FirmName {
                    name,
                    translations,
                    at: item.loc(),
                });
            }
        }
    }
    let translations = f.translations(&mut r);
    Some(SiteConfig {
        firms,
        languages,
        translations,
        headline,
        feed_entries,
        file: file.clone(),
        title: title?,
        description,
        base_url: base_url?,
        language,
        author,
        navigation,
    })
}
