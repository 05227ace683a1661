//! `content/data/sources.yaml` (the pages figures were read on, the firms behind them and
//! what kind of page each is) and `content/data/vendors.yaml`.

use super::yaml::{Reader, parse_file};
use crate::diagnostics::{Diagnostics, suggestion};
use crate::model::{Source, SourceFile, SourceKind, Vendor};

pub fn parse_sources(file: &SourceFile, diagnostics: &mut Diagnostics) -> Vec<Source> {
    let Some(root) = parse_file(file, diagnostics) else {
        return Vec::new();
    };
    let mut r = Reader::new(file, diagnostics);
    let mut sources = Vec::new();
    for (key, value) in r.map(&root, "sources") {
        let Some(id) = r.id(key, "a source id") else {
            continue;
        };
        let entries = r.map(value, &format!("source `{id}`"));
        let what = format!("source `{id}`");
        let f = r.fields_translated(
            entries,
            &[
                "publisher",
                "title",
                "url",
                "published",
                "firm",
                "kind",
                "note",
                "quote",
            ],
            &["publisher", "title", "note"],
            &what,
        );
        let translations = f.translations(&mut r);
        let publisher = f
            .require("publisher", key, &mut r, &what)
            .and_then(|n| r.text(n, "`publisher`"));
        let title = f
            .require("title", key, &mut r, &what)
            .and_then(|n| r.text(n, "`title`"));
        let url = f.require("url", key, &mut r, &what).and_then(|n| {
            let url = r.text(n, "`url`")?;
            if !(url.starts_with("https://") || url.starts_with("http://")) {
                r.error_at(n, "a source `url` must start with https:// or http://", "");
                return None;
            }
            Some(url)
        });
        let published = f.get("published").and_then(|n| {
            let text = r.text(n, "`published`")?;
            if !is_date_or_month(&text) {
                r.error_at(
                    n,
                    format!("`{text}` is not a date"),
                    "write `YYYY-MM-DD` or `YYYY-MM`, or leave `published` out when unknown",
                );
                return None;
            }
            Some(text)
        });
        let firms = f
            .get("firm")
            .map(|n| r.text_or_list(n, "`firm`"))
            .unwrap_or_default();
        let kind = f
            .get("kind")
            .and_then(|n| {
                let text = r.text(n, "`kind`")?;
                let kind = SourceKind::parse(&text);
                if kind.is_none() {
                    let hint = suggestion(&text, "kind", SourceKind::NAMES);
                    r.error_at(
                        n,
                        format!("unknown source kind `{text}`"),
                        format!(
                            "{hint} (kinds: {})",
                            SourceKind::NAMES.map(|k| format!("`{k}`")).join(", ")
                        ),
                    );
                }
                kind
            })
            .unwrap_or(SourceKind::Report);
        let note = f.get("note").and_then(|n| r.text(n, "`note`"));
        let quotes = f
            .get("quote")
            .map(|n| r.text_or_list(n, "`quote`"))
            .unwrap_or_default();
        if let (Some(publisher), Some(title), Some(url)) = (publisher, title, url) {
            sources.push(Source {
                id,
                publisher,
                title,
                url,
                published,
                firms,
                kind,
                note,
                quotes,
                translations,
                at: key.loc(),
            });
        }
    }
    sources
}

fn is_date_or_month(text: &str) -> bool {
    let parts: Vec<&str> = text.split('-').collect();
    let digits = |s: &str, n: usize| s.len() == n && s.bytes().all(|b| b.is_ascii_digit());
    let in_range =
        |s: &str, lo: u32, hi: u32| s.parse::<u32>().is_ok_and(|v| (lo..=hi).contains(&v));
    match parts.as_slice() {
        [y, m] => digits(y, 4) && digits(m, 2) && in_range(m, 1, 12),
        [y, m, d] => {
            digits(y, 4) && digits(m, 2) && digits(d, 2) && in_range(m, 1, 12) && in_range(d, 1, 31)
        }
        _ => false,
    }
}

pub fn parse_vendors(file: &SourceFile, diagnostics: &mut Diagnostics) -> Vec<Vendor> {
    let Some(root) = parse_file(file, diagnostics) else {
        return Vec::new();
    };
    let mut r = Reader::new(file, diagnostics);
    let mut vendors = Vec::new();
    for (key, value) in r.map(&root, "vendors") {
        let Some(id) = r.id(key, "a vendor id") else {
            continue;
        };
        let what = format!("vendor `{id}`");
        let entries = r.map(value, &what);
        let f = r.fields_translated(entries, &["name", "name_zh", "colour"], &["name"], &what);
        let translations = f.translations(&mut r);
        let name = f
            .require("name", key, &mut r, &what)
            .and_then(|n| r.text(n, "`name`"));
        let name_zh = f
            .get("name_zh")
            .and_then(|n| r.text(n, "`name_zh`"))
            .unwrap_or_default();
        let colour = f.require("colour", key, &mut r, &what).and_then(|n| {
            let c = r.text(n, "`colour`")?;
            let ok =
                c.len() == 7 && c.starts_with('#') && c[1..].bytes().all(|b| b.is_ascii_hexdigit());
            if !ok {
                r.error_at(
                    n,
                    format!("`{c}` is not a colour"),
                    "write a hex colour in quotes, such as \"#D55E00\"",
                );
                return None;
            }
            let c = c.to_ascii_uppercase();
            if let Some(problem) = crate::colour::contrast_problem(&c) {
                r.error_at(
                    n,
                    problem,
                    "darken the colour; charts draw it on a white page",
                );
                return None;
            }
            Some(c)
        });
        if let (Some(name), Some(colour)) = (name, colour) {
            vendors.push(Vendor {
                id,
                name,
                name_zh,
                colour,
                translations,
                at: key.loc(),
            });
        }
    }
    vendors
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_and_months_are_checked() {
        assert!(is_date_or_month("2021-02-22"));
        assert!(is_date_or_month("2021-02"));
        assert!(!is_date_or_month("2021-13"));
        assert!(!is_date_or_month("unknown"));
    }
}
