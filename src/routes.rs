//! Where everything the site writes goes, and the names it keeps for itself. Every output
//! path, every anchor the site makes, and every name a page may not take are decided here
//! and nowhere else, so two parts of the build cannot disagree about a link.

use crate::model::Credit;
use crate::period::Period;

pub const HOME: &str = "index.html";
pub const NOT_FOUND: &str = "404.html";
pub const VENDORS: &str = "vendors.html";
pub const DATA: &str = "data.html";
pub const SEARCH: &str = "search.html";
pub const FEED: &str = "feed.xml";
pub const SITEMAP: &str = "sitemap.xml";
pub const ARCHIVE: &str = "archive.html";
pub const CHART_STYLESHEET: &str = "static/charts.css";
pub const CHART_FONT: &str = "static/chart-sans.woff2";

/// The folder of the search index, loaded by the search page's script only when a reader
/// searches. `search.js` makes the same file names from it: `t-` and the shard number as two
/// lowercase hex digits, `d-` and the block number in decimal, then `.js`.
pub const SEARCH_INDEX: &str = "search/";

/// Navigation targets the site provides itself, besides `home` and the pages.
pub const BUILT_IN_TARGETS: [&str; 3] = ["data", "vendors", "search"];

/// Page ids the site's own output uses: a page with one of these names would collide with it.
pub const RESERVED_PAGE_IDS: [&str; 9] = [
    "index",
    "404",
    "data",
    "briefings",
    "static",
    "vendors",
    "search",
    "feed",
    "archive",
];

pub fn briefing(period: Period) -> String {
    format!("briefings/{}.html", period.slug())
}

/// One shard of the search index's terms: every token whose hash falls in `shard` (0–255).
pub fn search_terms(shard: usize) -> String {
    format!("{SEARCH_INDEX}t-{shard:02x}.js")
}

/// One block of the search index's briefings: what a result shows, for a run of ids.
pub fn search_docs(block: usize) -> String {
    format!("{SEARCH_INDEX}d-{block}.js")
}

pub fn page(id: &str) -> String {
    format!("{id}.html")
}

pub fn vendor(id: &str) -> String {
    format!("vendors/{id}.html")
}

/// The archive page of one year's briefings.
pub fn archive_year(year: u16) -> String {
    format!("archive/{year}.html")
}

/// A page of a dataset's table: the first page (the latest rows) is `data/{id}.html`.
pub fn dataset_page(id: &str, page: usize) -> String {
    if page <= 1 {
        format!("data/{id}.html")
    } else {
        format!("data/{id}-{page}.html")
    }
}

/// One part of a sitemap split because it has more URLs than one sitemap may hold.
pub fn sitemap_part(n: usize) -> String {
    format!("sitemap-{n}.xml")
}

pub fn dataset_csv(id: &str) -> String {
    format!("data/{id}.csv")
}

pub fn dataset_json(id: &str) -> String {
    format!("data/{id}.json")
}

/// A chart's CSV, by the chart's id on its page.
pub fn chart_csv(chart_id: &str) -> String {
    format!("data/charts/{chart_id}.csv")
}

/// A file of `templates/static/`, and the built-in assets.
pub fn asset(name: &str) -> String {
    format!("static/{name}")
}

/// The page a navigation target names: `home`, a built-in page or a page id.
pub fn navigation_target(target: &str) -> String {
    match target {
        "home" => HOME.to_string(),
        "vendors" => VENDORS.to_string(),
        other => page(other),
    }
}

/// The path from a page at `path` back to the site root: "" or "../".
pub fn root_of(path: &str) -> String {
    "../".repeat(path.matches('/').count())
}

/// The absolute URL of a page, for feeds, sitemaps and canonical links.
pub fn absolute(base_url: &str, path: &str) -> String {
    if path == HOME {
        base_url.to_string()
    } else {
        format!("{base_url}{path}")
    }
}

/// The id of a briefing's or page's charts, numbered in order on the page.
pub fn chart_prefix(page: &str) -> String {
    format!("chart-{page}-")
}

/// A URL-safe slug for heading anchors: lowercase ASCII letters and digits joined by `-`.
pub fn slug(text: &str) -> String {
    let mut slug = String::new();
    for c in text.chars() {
        if c.is_ascii_alphanumeric() {
            slug.push(c.to_ascii_lowercase());
        } else if !slug.ends_with('-') && !slug.is_empty() {
            slug.push('-');
        }
    }
    let slug = slug.trim_end_matches('-').to_string();
    if slug.is_empty() {
        "section".to_string()
    } else {
        slug
    }
}

/// A footnote's anchor: one per source page, and one more per other firm the page reports.
pub fn source_anchor(credit: &Credit) -> String {
    if credit.firm == credit.source.default_firm() {
        format!("source-{}", credit.source.id)
    } else {
        format!("source-{}--{}", credit.source.id, slug(credit.firm))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_are_ascii_and_never_empty() {
        assert_eq!(slug("What changed, and why?"), "what-changed-and-why");
        assert_eq!(slug("阿里云"), "section");
    }

    #[test]
    fn paths_are_relative_to_the_site_root() {
        assert_eq!(
            briefing("2023-Q3".parse().unwrap()),
            "briefings/2023-q3.html"
        );
        assert_eq!(root_of("briefings/2023-q3.html"), "../");
        assert_eq!(navigation_target("home"), "index.html");
        assert_eq!(absolute("https://e.org/", HOME), "https://e.org/");
        assert_eq!(search_terms(10), "search/t-0a.js");
        assert_eq!(search_terms(255), "search/t-ff.js");
        assert_eq!(search_docs(312), "search/d-312.js");
    }
}
