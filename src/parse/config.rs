//! `content/site.yaml`: the site's title, address, language, navigation and headline figures.

use super::yaml::{Reader, parse_file};
use crate::diagnostics::Diagnostics;
use crate::model::{ColumnRef, NavLink, Ref, SiteConfig, SourceFile};

/// How many of the latest briefings the Atom feed carries when `site.yaml` does not say.
pub const DEFAULT_FEED_ENTRIES: usize = 20;

pub fn parse_site(file: &SourceFile, diagnostics: &mut Diagnostics) -> Option<SiteConfig> {
    let root = parse_file(file, diagnostics)?;
    let mut r = Reader::new(file, diagnostics);
    let entries = r.map(&root, "the site configuration");
    let f = r.fields(
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
        ],
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
            let nf = r.fields(entries, &["label", "target"], "a navigation link");
            let label = nf
                .require("label", item, &mut r, "this link")
                .and_then(|n| r.text(n, "`label`"));
            let target = nf
                .require("target", item, &mut r, "this link")
                .and_then(|n| r.reference(n, "`target`"));
            if let (Some(label), Some(target)) = (label, target) {
                navigation.push(NavLink { label, target });
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
    Some(SiteConfig {
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
