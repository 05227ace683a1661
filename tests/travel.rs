//! Charts that travel: every chart of the shipped site has its own page, a standalone SVG, a
//! PNG, an embed page and a card; every page has a social card; the feed carries each chart
//! as an image with its table. Reference PNGs are compared byte for byte; after an intended
//! change to how charts or images are drawn, regenerate them with
//!
//!     QUARTERLY_BLESS=1 cargo test --test travel
//!
//! and look at the new images before committing them.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use quarterly::raster::png_size;
use scraper::{Html, Selector};

const BASE_URL: &str = "https://example.org/china-cloud-quarterly/";

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The shipped site, built once for every test here.
fn dist() -> &'static Path {
    static BUILT: OnceLock<(tempfile::TempDir, PathBuf)> = OnceLock::new();
    let (_, dist) = BUILT.get_or_init(|| {
        let tmp = tempfile::tempdir().unwrap();
        let dist = tmp.path().join("dist");
        quarterly::build(repo(), &dist, Default::default()).unwrap_or_else(|d| panic!("{d}"));
        (tmp, dist)
    });
    dist
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn select<'a>(doc: &'a Html, css: &str) -> Vec<scraper::ElementRef<'a>> {
    doc.select(&Selector::parse(css).unwrap()).collect()
}

/// Every HTML page of the site, relative to `dist`.
fn html_pages(dist: &Path) -> Vec<String> {
    let mut pages: Vec<String> = walkdir::WalkDir::new(dist)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.path().extension().is_some_and(|x| x == "html"))
        .map(|e| {
            e.path()
                .strip_prefix(dist)
                .unwrap()
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    pages.sort();
    pages
}

/// The editions of the shipped site: the default one at the root, the Chinese one in `zh/`.
const EDITIONS: [&str; 2] = ["", "zh/"];

/// The pages of the edition in the folder `edition` (`zh/`, or `""` for the root), relative
/// to `dist`.
fn edition_pages(dist: &Path, edition: &str) -> Vec<String> {
    html_pages(dist)
        .into_iter()
        .filter(|p| match edition {
            "" => !EDITIONS.iter().any(|e| !e.is_empty() && p.starts_with(e)),
            folder => p.starts_with(folder),
        })
        .collect()
}

/// The ids of every chart the pages of `edition` link to as "Share, embed or download this
/// chart".
fn linked_chart_ids(dist: &Path, edition: &str) -> BTreeSet<String> {
    let mut ids = BTreeSet::new();
    for page in edition_pages(dist, edition) {
        let doc = Html::parse_document(&read(&dist.join(&page)));
        for a in select(&doc, "figure.chart .chart-permalink a") {
            let href = a.value().attr("href").unwrap();
            let (target, _) = quarterly::links::resolve(&page, href, BASE_URL)
                .unwrap_or_else(|| panic!("{page}: {href}"));
            let id = target
                .strip_prefix(edition)
                .and_then(|t| t.strip_prefix("charts/"))
                .and_then(|t| t.strip_suffix(".html"))
                .unwrap_or_else(|| panic!("{page}: {target} is not a chart's page"));
            ids.insert(id.to_string());
        }
    }
    ids
}

#[test]
fn every_chart_has_its_page_svg_png_csv_embed_page_and_card() {
    // Each edition draws every chart in its language, and names it as the other does.
    assert_eq!(
        linked_chart_ids(dist(), ""),
        linked_chart_ids(dist(), "zh/")
    );
    for edition in EDITIONS {
        every_chart_of_an_edition_has_its_files(edition);
    }
}

/// The checks of `every_chart_has_its_page_svg_png_csv_embed_page_and_card` for the
/// charts of `edition`.
fn every_chart_of_an_edition_has_its_files(edition: &str) {
    let ids = linked_chart_ids(dist(), edition);
    let dist = &dist().join(edition);
    // Every chart: the 28 briefings have two or more each, and the gallery, the vendors and
    // the home page have theirs.
    assert!(ids.len() > 60, "{} charts", ids.len());
    let pages: BTreeSet<String> = std::fs::read_dir(dist.join("charts"))
        .unwrap()
        .filter_map(|e| {
            let name = e.unwrap().file_name().to_string_lossy().into_owned();
            name.strip_suffix(".html").map(String::from)
        })
        .collect();
    assert_eq!(
        pages, ids,
        "a page for every chart, and no page without one"
    );
    for id in &ids {
        let svg = read(&dist.join(format!("charts/{id}.svg")));
        let png = std::fs::read(dist.join(format!("charts/{id}.png"))).unwrap();
        let (w, h) = png_size(&png).unwrap_or_else(|| panic!("{id}.png is a PNG"));
        let doc = roxmltree::Document::parse(&svg).unwrap();
        let attr =
            |name: &str| -> f64 { doc.root_element().attribute(name).unwrap().parse().unwrap() };
        assert_eq!(
            (f64::from(w), f64::from(h)),
            (2.0 * attr("width"), 2.0 * attr("height")),
            "{id}.png is its SVG at twice the size"
        );
        assert!(png.len() <= 60 * 1024, "{id}.png is {} bytes", png.len());
        assert!(dist.join(format!("charts/{id}.csv")).is_file(), "{id}.csv");
        assert!(
            dist.join(format!("embed/{id}.html")).is_file(),
            "{id} embed"
        );
        let card = std::fs::read(dist.join(format!("cards/charts/{id}.png"))).unwrap();
        assert_eq!(png_size(&card), Some((1200, 630)), "{id} card");
        assert!(
            card.len() <= 100 * 1024,
            "{id} card is {} bytes",
            card.len()
        );
    }
}

#[test]
fn a_charts_page_has_the_chart_its_table_sources_downloads_and_embed_code() {
    let dist = dist();
    let id = "2023-q3-quarterly-spend-on-cloud-infrastructure-services";
    let html = read(&dist.join(format!("charts/{id}.html")));
    let doc = Html::parse_document(&html);
    assert_eq!(select(&doc, "svg.chart-wide").len(), 1, "the wide chart");
    assert_eq!(
        select(&doc, "svg.chart-narrow").len(),
        1,
        "the narrow chart"
    );
    assert!(!select(&doc, "table").is_empty(), "its data table");
    let source = select(&doc, "p.chart-source");
    assert_eq!(source.len(), 1);
    // The source line links the pages themselves: this page has no footnotes.
    assert!(
        select(&doc, "p.chart-source a").iter().all(|a| a
            .value()
            .attr("href")
            .is_some_and(|h| h.starts_with("https://"))),
        "{}",
        source[0].html()
    );
    let downloads: Vec<&str> = select(&doc, ".downloads a")
        .iter()
        .filter_map(|a| a.value().attr("href"))
        .collect();
    assert_eq!(
        downloads,
        [
            format!("{id}.svg"),
            format!("{id}.png"),
            format!("{id}.csv")
        ]
    );
    let appears: Vec<&str> = select(&doc, "main ul a")
        .iter()
        .filter_map(|a| a.value().attr("href"))
        .filter(|h| h.starts_with("../briefings/"))
        .collect();
    assert_eq!(appears, ["../briefings/2023-q3.html"]);
    // The snippet, shown as text, is an iframe that needs no script to size itself.
    let snippet: String = select(&doc, "pre.snippet")[0].text().collect();
    let frame = Html::parse_fragment(&snippet);
    let iframe = select(&frame, "iframe");
    assert_eq!(iframe.len(), 1, "{snippet}");
    let iframe = iframe[0].value();
    assert_eq!(
        iframe.attr("src"),
        Some(format!("{BASE_URL}embed/{id}.html").as_str())
    );
    assert_eq!(iframe.attr("loading"), Some("lazy"));
    assert!(iframe.attr("title").is_some_and(|t| !t.is_empty()));
    let style = iframe.attr("style").unwrap_or_default();
    assert!(
        style.contains("width: 100%") && style.contains("aspect-ratio:"),
        "{style}"
    );
    assert!(!snippet.contains("<script"), "{snippet}");
}

#[test]
fn an_embed_page_has_no_chrome_no_script_and_opens_links_in_a_new_tab() {
    let dist = dist();
    for entry in std::fs::read_dir(dist.join("embed")).unwrap() {
        let path = entry.unwrap().path();
        let html = read(&path);
        let doc = Html::parse_document(&html);
        let name = path.display();
        assert!(select(&doc, "script").is_empty(), "{name}: no script");
        assert!(
            select(&doc, "header, nav, footer").is_empty(),
            "{name}: no chrome"
        );
        assert_eq!(select(&doc, "figure.chart").len(), 1, "{name}");
        let base = select(&doc, "head base");
        assert_eq!(
            base.first().and_then(|b| b.value().attr("target")),
            Some("_blank"),
            "{name}: every link opens in a new tab"
        );
        assert!(
            select(&doc, "a")
                .iter()
                .all(|a| a.value().attr("target").is_none_or(|t| t == "_blank")),
            "{name}"
        );
        assert_eq!(
            select(&doc, "meta[name=robots]")
                .first()
                .and_then(|m| m.value().attr("content")),
            Some("noindex"),
            "{name}"
        );
    }
    let sitemap = read(&dist.join("sitemap.xml"));
    assert!(
        !sitemap.contains("/embed/"),
        "embed pages are not in the sitemap"
    );
    assert!(sitemap.contains("/charts/"), "charts' pages are");
}

#[test]
fn every_page_has_a_social_card_of_1200_by_630_that_exists() {
    let dist = dist();
    let mut own_cards = 0;
    for page in html_pages(dist) {
        let doc = Html::parse_document(&read(&dist.join(&page)));
        // A page of the edition in `zh/` has that edition's cards.
        let (edition, own_page) = match page.strip_prefix("zh/") {
            Some(own) => ("zh/", own),
            None => ("", page.as_str()),
        };
        let meta = |property: &str| -> String {
            select(
                &doc,
                &format!("meta[property=\"{property}\"], meta[name=\"{property}\"]"),
            )
            .first()
            .and_then(|m| m.value().attr("content"))
            .unwrap_or_else(|| panic!("{page}: no {property}"))
            .to_string()
        };
        let image = meta("og:image");
        let file = image
            .strip_prefix(BASE_URL)
            .unwrap_or_else(|| panic!("{page}: {image} is not on the site"));
        let bytes =
            std::fs::read(dist.join(file)).unwrap_or_else(|e| panic!("{page}: {file}: {e}"));
        assert_eq!(png_size(&bytes), Some((1200, 630)), "{page}: {file}");
        assert!(bytes.len() <= 100 * 1024, "{file}: {} bytes", bytes.len());
        assert_eq!(meta("og:image:width"), "1200", "{page}");
        assert_eq!(meta("og:image:height"), "630", "{page}");
        assert!(!meta("og:image:alt").is_empty(), "{page}");
        assert_eq!(meta("twitter:card"), "summary_large_image", "{page}");
        let own = match own_page.strip_prefix("embed/") {
            // An embed page is shared with its chart's card.
            Some(chart) => quarterly::routes::card(&format!("charts/{chart}")),
            None => quarterly::routes::card(own_page),
        };
        if file == format!("{edition}{own}") {
            own_cards += 1;
        } else {
            assert_eq!(
                file,
                format!("{edition}cards/site.png"),
                "{page}: its own card or the site's"
            );
            assert!(
                !own_page.starts_with("briefings/") && !own_page.starts_with("charts/"),
                "{page}: briefings and charts have cards of their own"
            );
        }
    }
    assert!(own_cards > 90, "{own_cards} pages with their own card");
    // A briefing's card says its headline figure and its firm.
    let doc = Html::parse_document(&read(&dist.join("briefings/2023-q3.html")));
    let alt = select(&doc, "meta[property=\"og:image:alt\"]")[0]
        .value()
        .attr("content")
        .unwrap()
        .to_string();
    assert!(
        alt.contains("US$9.2bn") && alt.contains("Q3 2023") && alt.contains("Canalys"),
        "{alt}"
    );
}

#[test]
fn a_standalone_svg_is_self_contained_and_says_where_it_came_from() {
    let dist = dist();
    for id in linked_chart_ids(dist, "") {
        let svg = read(&dist.join(format!("charts/{id}.svg")));
        let doc = roxmltree::Document::parse(&svg).unwrap_or_else(|e| panic!("{id}: {e}"));
        for node in doc.descendants() {
            for attr in node.attributes() {
                let value = attr.value();
                assert!(
                    !attr.name().ends_with("href"),
                    "{id}: no links out ({}={value})",
                    attr.name()
                );
                assert!(
                    !value.contains("url(") || value.starts_with("url(#"),
                    "{id}: only references inside the file: {value}"
                );
            }
        }
        let style: String = doc
            .descendants()
            .filter(|n| n.has_tag_name("style"))
            .filter_map(|n| n.text())
            .collect();
        assert!(style.contains("prefers-color-scheme:dark"), "{id}: {style}");
        assert!(
            !style.contains("@import") && !style.contains("@font-face"),
            "{id}"
        );
        let text: Vec<&str> = doc
            .descendants()
            .filter(|n| n.has_tag_name("text"))
            .filter_map(|n| n.text())
            .collect();
        let all = text.join(" ");
        assert!(
            all.contains("China Cloud Quarterly"),
            "{id}: the site's name"
        );
        assert!(
            all.contains(&format!("charts/{id}.html")),
            "{id}: its address"
        );
        assert!(all.contains("Source"), "{id}: its source line");
    }
}

#[test]
fn a_standalone_svg_shows_the_same_chart_text_as_the_page() {
    let dist = dist();
    let html = read(&dist.join("briefings/2023-q3.html"));
    let doc = Html::parse_document(&html);
    let inline = select(&doc, "svg.chart-wide");
    assert!(inline.len() >= 2);
    let ids: Vec<String> = select(&doc, "figure.chart .chart-permalink a")
        .iter()
        .map(|a| {
            let href = a.value().attr("href").unwrap();
            href.trim_start_matches("../charts/")
                .trim_end_matches(".html")
                .to_string()
        })
        .collect();
    for (svg, id) in inline.iter().zip(&ids) {
        let page_text: Vec<String> = svg
            .select(&Selector::parse("text").unwrap())
            .map(|t| t.text().collect())
            .collect();
        let standalone = read(&dist.join(format!("charts/{id}.svg")));
        let doc = roxmltree::Document::parse(&standalone).unwrap();
        let nested = doc
            .descendants()
            .find(|n| n.has_tag_name("svg") && n.attribute("class").is_some())
            .expect("the chart inside");
        let copy_text: Vec<String> = nested
            .descendants()
            .filter(|n| n.has_tag_name("text"))
            .map(|n| n.text().unwrap_or_default().to_string())
            .collect();
        assert_eq!(copy_text, page_text, "{id}");
    }
}

/// Charts whose PNGs are compared with committed references: a line, grouped bars with
/// patterns and a donut.
const REFERENCE_CHARTS: [&str; 3] = [
    "2019-q4-quarterly-spend-on-cloud-infrastructure-services",
    "charts-shares-of-spend-quarter-by-quarter",
    "charts-shares-of-the-leading-providers-in-q3-2023",
];

#[test]
fn chart_pngs_match_the_reference_images_byte_for_byte() {
    let dist = dist();
    let bless = std::env::var_os("QUARTERLY_BLESS").is_some();
    let dir = repo().join("tests/reference");
    for id in REFERENCE_CHARTS {
        let made = std::fs::read(dist.join(format!("charts/{id}.png")))
            .unwrap_or_else(|e| panic!("{id}: {e}"));
        let reference = dir.join(format!("{id}.png"));
        if bless {
            std::fs::create_dir_all(&dir).unwrap();
            std::fs::write(&reference, &made).unwrap();
            continue;
        }
        let expected = std::fs::read(&reference).unwrap_or_else(|e| {
            panic!(
                "{}: {e}; QUARTERLY_BLESS=1 cargo test --test travel writes it",
                reference.display()
            )
        });
        assert!(
            made == expected,
            "charts/{id}.png differs from {}: if the change is intended, run \
             QUARTERLY_BLESS=1 cargo test --test travel and look at the new image",
            reference.display()
        );
    }
}

#[test]
fn the_feed_is_atom_with_each_chart_as_an_image_that_resolves_and_its_table() {
    let dist = dist();
    let xml = std::fs::read(dist.join("feed.xml")).unwrap();
    let feed = feed_rs::parser::parse(&xml[..]).expect("the feed parses as Atom");
    assert!(!feed.entries.is_empty());
    let mut images = 0;
    for entry in &feed.entries {
        let body = entry
            .content
            .as_ref()
            .and_then(|c| c.body.clone())
            .expect("each entry has its content");
        let doc = Html::parse_fragment(&body);
        assert!(select(&doc, "svg").is_empty(), "no inline SVG in a feed");
        for figure in select(&doc, "figure.chart") {
            let img = figure
                .select(&Selector::parse("img").unwrap())
                .next()
                .expect("a chart as an image");
            let src = img.value().attr("src").unwrap();
            let file = src
                .strip_prefix(BASE_URL)
                .unwrap_or_else(|| panic!("{src} is absolute, on the site"));
            let bytes = std::fs::read(dist.join(file)).unwrap_or_else(|e| panic!("{src}: {e}"));
            assert!(png_size(&bytes).is_some(), "{src} is a PNG");
            let alt = img.value().attr("alt").unwrap_or_default();
            assert!(alt.len() > 40, "the generated description: {alt}");
            assert!(
                figure
                    .select(&Selector::parse("table").unwrap())
                    .next()
                    .is_some(),
                "the chart's table follows its image"
            );
            images += 1;
        }
    }
    assert!(images >= feed.entries.len() * 2, "{images} images");
}

#[test]
fn the_gallery_links_every_charts_page() {
    let dist = dist();
    for edition in EDITIONS {
        let gallery = dist.join(edition).join("charts.html");
        let doc = Html::parse_document(&read(&gallery));
        let listed: BTreeSet<String> = select(&doc, ".chart-index li a")
            .iter()
            .filter_map(|a| a.value().attr("href"))
            .map(|h| {
                h.trim_start_matches("charts/")
                    .trim_end_matches(".html")
                    .to_string()
            })
            .collect();
        assert_eq!(
            listed,
            linked_chart_ids(dist, edition),
            "{edition}charts.html"
        );
    }
}
