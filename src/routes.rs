//! Where everything the site writes goes, and the names it keeps for itself. Every output
//! path, every anchor the site makes, and every name a page may not take are decided here
//! and nowhere else, so two parts of the build cannot disagree about a link.

use crate::model::{ChartSpec, Credit};
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
pub const RESERVED_PAGE_IDS: [&str; 11] = [
    "embed",
    "cards",
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

/// The folder of every chart's own files: its page, its CSV, its SVG and its PNG.
pub const CHARTS: &str = "charts/";

/// A chart's id across the site: the one its block gives, or the page's name (a briefing's
/// period, a page's id) and the chart's title, as a slug of at most [`CHART_ID_TITLE`]
/// characters of title cut at a word. Editing a title changes the id; an `id:` keeps it.
pub fn chart_id(document: &str, own: Option<&str>, title: &str) -> String {
    if let Some(id) = own {
        return id.to_string();
    }
    let title = slug(title);
    let mut cut = title.as_str();
    if cut.len() > CHART_ID_TITLE {
        // Slugs are ASCII, so any length is a character boundary; cut at a word's end.
        let at_word_end = cut.as_bytes().get(CHART_ID_TITLE) == Some(&b'-');
        cut = &cut[..CHART_ID_TITLE];
        if let Some(end) = cut.rfind('-').filter(|_| !at_word_end) {
            cut = &cut[..end];
        }
    }
    format!("{document}-{cut}")
}

/// The id of the chart `spec` draws on the page named `document`. A title with no Latin
/// letter or digit to make a slug of (one in Chinese) names the chart by its data instead:
/// the dataset and the columns drawn.
pub fn id_of_chart(document: &str, spec: &ChartSpec) -> String {
    let own = spec.id.as_ref().map(|r| r.id.as_str());
    if own.is_none() && !spec.title.chars().any(|c| c.is_ascii_alphanumeric()) {
        let columns: Vec<&str> = spec.columns.iter().map(|c| c.id.as_str()).collect();
        return format!("{document}-{}-{}", spec.data.id, columns.join("-"));
    }
    chart_id(document, own, &spec.title)
}

/// How much of its title a derived chart id keeps.
pub const CHART_ID_TITLE: usize = 48;

/// A chart's own page, its permalink.
pub fn chart_page(id: &str) -> String {
    format!("{CHARTS}{id}.html")
}

/// A chart's data as CSV.
pub fn chart_csv(id: &str) -> String {
    format!("{CHARTS}{id}.csv")
}

/// A chart as one self-contained SVG file, with its title, source line and the site's name.
pub fn chart_svg(id: &str) -> String {
    format!("{CHARTS}{id}.svg")
}

/// That SVG drawn as a PNG at twice its size.
pub fn chart_png(id: &str) -> String {
    format!("{CHARTS}{id}.png")
}

/// A chart alone, for other sites to show in an `<iframe>`.
pub fn chart_embed(id: &str) -> String {
    format!("embed/{id}.html")
}

/// Whether a path is an embed page: they are left out of the sitemap.
pub fn is_embed(path: &str) -> bool {
    path.starts_with("embed/")
}

/// The social card of the page at `path` (1,200 × 630 PNG): `cards/` and the page's path
/// with `.png` for `.html`. The home page's card stands for every page without its own.
pub fn card(path: &str) -> String {
    format!("{CARDS}{}.png", path.strip_suffix(".html").unwrap_or(path))
}

/// The folder of the social cards.
pub const CARDS: &str = "cards/";

/// The card of every page without one of its own: the site's name and description.
pub const SITE_CARD: &str = "cards/site.png";

/// How large a social card is, in pixels.
pub const CARD_SIZE: (u32, u32) = (1200, 630);

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

/// The id of a heading with `text`, unique among the ids `used` on its page (which it joins):
/// its slug, or the slug and `-2`, `-3`… after the first.
pub fn unique_slug(text: &str, used: &mut std::collections::BTreeSet<String>) -> String {
    let base = slug(text);
    let mut unique = base.clone();
    let mut n = 2;
    while !used.insert(unique.clone()) {
        unique = format!("{base}-{n}");
        n += 1;
    }
    unique
}

/// The absolute URL of a page, for feeds, sitemaps and canonical links.
pub fn absolute(base_url: &str, path: &str) -> String {
    if path == HOME {
        base_url.to_string()
    } else {
        format!("{base_url}{path}")
    }
}

/// The absolute URL of any file of the site.
pub fn absolute_file(base_url: &str, path: &str) -> String {
    format!("{base_url}{path}")
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
        assert_eq!(
            card("briefings/2023-q3.html"),
            "cards/briefings/2023-q3.png"
        );
        assert_eq!(card(HOME), "cards/index.png");
    }

    #[test]
    fn chart_ids_come_from_the_block_or_the_page_and_title() {
        assert_eq!(chart_id("2023-q3", Some("own"), "Any title"), "own");
        assert_eq!(
            chart_id("2023-q3", None, "Spend, mainland China (USD bn)"),
            "2023-q3-spend-mainland-china-usd-bn"
        );
        let long = chart_id(
            "p",
            None,
            "Quarterly spend on cloud infrastructure services in mainland China by vendor",
        );
        assert_eq!(long, "p-quarterly-spend-on-cloud-infrastructure-services");
        assert!(long.len() <= "p-".len() + CHART_ID_TITLE);
    }
}
