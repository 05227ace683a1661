//! The built shipped site as a reader and a crawler meet it: the link checker finds links
//! broken into a built page, every page links to its stylesheets and the feed, footnote
//! markers carry their footnote's number, each chart's CSV holds the chart's data, the Atom
//! feed and the sitemap parse with real parsers and list every briefing, and every page has
//! its title, description and Open Graph tags.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Builds the shipped site into a temporary `dist/`, and reads back every file it wrote.
fn build() -> (tempfile::TempDir, PathBuf, Vec<OutputFile>) {
    let out = tempfile::tempdir().unwrap();
    let dist = out.path().join("dist");
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    quarterly::build(root, &dist, Default::default()).unwrap_or_else(|d| panic!("{d}"));
    let files = walkdir::WalkDir::new(&dist)
        .sort_by_file_name()
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| OutputFile {
            path: e
                .path()
                .strip_prefix(&dist)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/"),
            bytes: std::fs::read(e.path()).unwrap(),
        })
        .collect();
    (out, dist, files)
}

fn html_files(dist: &Path) -> BTreeMap<String, String> {
    walkdir::WalkDir::new(dist)
        .sort_by_file_name()
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.path().extension().and_then(|x| x.to_str()) == Some("html"))
        .map(|e| {
            let rel = e
                .path()
                .strip_prefix(dist)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            (rel, std::fs::read_to_string(e.path()).unwrap())
        })
        .collect()
}

use quarterly::links::{broken_links, links_and_ids};
use quarterly::model::OutputFile;

const BASE_URL: &str = "https://example.org/china-cloud-quarterly/";

/// The built HTML pages, by path.
fn pages(files: &[OutputFile]) -> BTreeMap<&str, String> {
    files
        .iter()
        .filter(|f| f.path.ends_with(".html"))
        .map(|f| {
            let html = String::from_utf8(f.bytes.clone()).expect("UTF-8");
            (f.path.as_str(), html)
        })
        .collect()
}

fn select<'h>(html: &'h scraper::Html, selector: &str) -> Vec<scraper::ElementRef<'h>> {
    let selector = scraper::Selector::parse(selector).unwrap();
    html.select(&selector).collect()
}

#[test]
fn the_link_checker_reports_exactly_the_links_broken_in_a_built_page() {
    let (_tmp, _dist, site) = build();
    let (broken, checked) = broken_links(&site, BASE_URL);
    assert!(broken.is_empty(), "the build checks its own links");
    assert!(checked > 1000, "{checked} links checked");

    // One briefing gains three broken links among links that resolve (to a page, to an
    // anchor on the page, through the site's own URL) and one that leaves the site.
    let mut files = site.clone();
    let page = "briefings/2023-q3.html";
    let file = files.iter_mut().find(|f| f.path == page).unwrap();
    let added = concat!(
        "<p><a href=\"../briefings/2031-q1.html\">a quarter not written</a>",
        " <a href=\"../about.html\">about</a>",
        " <a href=\"../methodology.html#no-such-section\">a section not there</a>",
        " <a href=\"#main\">top</a>",
        " <img src=\"../static/missing.svg\" alt=\"\">",
        " <a href=\"https://example.org/china-cloud-quarterly/data.html\">data</a>",
        " <a href=\"https://elsewhere.example/gone.html\">elsewhere</a></p>",
    );
    let html = String::from_utf8(file.bytes.clone()).unwrap();
    assert!(html.contains("</main>"));
    file.bytes = html
        .replacen("</main>", &format!("{added}</main>"), 1)
        .into_bytes();
    let (broken, _) = broken_links(&files, BASE_URL);
    let mut found: Vec<(&str, &str, &str)> = broken
        .iter()
        .map(|b| (b.page.as_str(), b.href.as_str(), b.problem.as_str()))
        .collect();
    found.sort();
    let expected = [
        ("../briefings/2031-q1.html", "briefings/2031-q1.html"),
        ("../methodology.html#no-such-section", "no-such-section"),
        ("../static/missing.svg", "static/missing.svg"),
    ];
    assert_eq!(found.len(), expected.len(), "{found:#?}");
    for ((on, href, problem), (wanted, names)) in found.iter().zip(expected) {
        assert_eq!((*on, *href), (page, wanted));
        assert!(problem.contains(names), "{href}: {problem}");
    }

    // A file taken out of the site is reported on every page that links to it, and only there.
    let files: Vec<_> = site
        .iter()
        .filter(|f| f.path != "about.html")
        .cloned()
        .collect();
    let (broken, _) = broken_links(&files, BASE_URL);
    let reported: BTreeSet<&str> = broken.iter().map(|b| b.page.as_str()).collect();
    let linking: BTreeSet<&str> = pages(&site)
        .into_iter()
        .filter(|(path, html)| {
            *path != "about.html"
                && links_and_ids(html).links.iter().any(|href| {
                    quarterly::links::resolve(path, href, BASE_URL)
                        .is_some_and(|(target, _)| target == "about.html")
                })
        })
        .map(|(path, _)| path)
        .collect();
    assert!(
        linking.len() > 40,
        "the navigation links every page to about.html"
    );
    assert_eq!(reported, linking);
    for b in &broken {
        assert!(
            b.problem.contains("about.html"),
            "{}: {}",
            b.href,
            b.problem
        );
    }
}

#[test]
fn every_page_links_to_both_stylesheets_and_the_feed() {
    let (_tmp, _dist, site) = build();
    for (page, html) in pages(&site) {
        let doc = scraper::Html::parse_document(&html);
        let targets = |selector: &str| -> BTreeSet<String> {
            select(&doc, selector)
                .iter()
                .filter_map(|link| link.value().attr("href"))
                .filter_map(|href| quarterly::links::resolve(page, href, BASE_URL))
                .map(|(target, _)| target)
                .collect()
        };
        let stylesheets = targets("head link[rel=stylesheet]");
        assert!(
            stylesheets.contains("static/style.css") && stylesheets.contains("static/charts.css"),
            "{page}: {stylesheets:?}"
        );
        // Each edition has its own feed.
        let feed = if page.starts_with("zh/") {
            "zh/feed.xml"
        } else {
            "feed.xml"
        };
        let feeds = targets("head link[rel=alternate][type=\"application/atom+xml\"]");
        assert_eq!(feeds, BTreeSet::from([feed.to_string()]), "{page}");
    }
}

#[test]
fn every_footnote_marker_is_numbered_as_its_footnote_and_every_footnote_is_cited() {
    let (_tmp, _dist, site) = build();
    let mut markers = 0;
    for (page, html) in pages(&site) {
        let doc = scraper::Html::parse_document(&html);
        let cites = select(&doc, "a[href^=\"#source-\"]");
        let lists = select(&doc, "ol.sources");
        if cites.is_empty() && lists.is_empty() {
            continue;
        }
        assert_eq!(lists.len(), 1, "{page}: one list of sources");
        let footnotes: Vec<&str> = lists[0]
            .children()
            .filter_map(scraper::ElementRef::wrap)
            .map(|li| {
                assert_eq!(li.value().name(), "li");
                li.value()
                    .id()
                    .unwrap_or_else(|| panic!("{page}: a footnote without an id"))
            })
            .collect();
        let mut cited = BTreeSet::new();
        for cite in &cites {
            markers += 1;
            let id = &cite.value().attr("href").unwrap()[1..];
            let number = footnotes
                .iter()
                .position(|f| *f == id)
                .unwrap_or_else(|| panic!("{page}: #{id} is not a footnote"))
                + 1;
            let text: String = cite.text().collect();
            let digits: String = text.chars().filter(char::is_ascii_digit).collect();
            assert_eq!(
                digits,
                number.to_string(),
                "{page}: marker {text} for #{id}"
            );
            let label = cite.value().attr("aria-label").unwrap_or("");
            // The catalogue's `source_number` in the page's language: "Source 1", 资料来源1.
            let (word, then) = if page.starts_with("zh/") {
                ("资料来源", "，")
            } else {
                ("Source ", ",")
            };
            assert!(
                label == format!("{word}{number}")
                    || label.starts_with(&format!("{word}{number}{then}")),
                "{page}: marker for #{id} labelled {label:?}"
            );
            cited.insert(id);
        }
        let uncited: Vec<_> = footnotes.iter().filter(|f| !cited.contains(*f)).collect();
        assert!(
            uncited.is_empty(),
            "{page}: footnotes never cited: {uncited:?}"
        );
    }
    assert!(markers > 1000, "{markers} footnote markers");
}

/// The number a table cell or CSV field shows, if any, in billions for amounts: `over
/// US$5bn` is 5, and so is 超过50亿美元 (an amount in 亿, a hundred million).
fn number_in(text: &str) -> Option<f64> {
    let text = text.replace(',', "");
    let start = text.find(|c: char| c.is_ascii_digit() || c == '-')?;
    let digits: String = text[start..]
        .chars()
        .take_while(|c| c.is_ascii_digit() || *c == '.' || *c == '-')
        .collect();
    let number: f64 = digits.parse().unwrap_or_else(|e| panic!("{text}: {e}"));
    Some(if text.contains('亿') {
        number / 10.0
    } else {
        number
    })
}

/// The name in a column heading, without its unit: `Spend (US$ bn)` is `Spend`, and
/// 支出（亿美元） is 支出.
fn series_name(heading: &str) -> &str {
    let name = heading.rsplit_once(" (").map_or(heading, |(name, _)| name);
    name.rsplit_once('（').map_or(name, |(name, _)| name)
}

#[test]
fn every_chart_csv_holds_the_series_periods_and_values_of_its_chart() {
    let (_tmp, _dist, site) = build();
    let csvs: BTreeMap<&str, &[u8]> = site
        .iter()
        .filter(|f| f.path.ends_with(".csv"))
        .map(|f| (f.path.as_str(), f.bytes.as_slice()))
        .collect();
    let mut charts = 0;
    for (page, html) in pages(&site) {
        let doc = scraper::Html::parse_document(&html);
        for figure in select(&doc, "figure.chart") {
            charts += 1;
            let id = figure.value().id().unwrap_or("a chart");
            let figure = scraper::Html::parse_fragment(&figure.html());
            let hrefs: Vec<&str> = select(&figure, "a[href$=\".csv\"]")
                .iter()
                .filter_map(|a| a.value().attr("href"))
                .collect();
            assert_eq!(hrefs.len(), 1, "{page} {id}: one CSV link");
            let (target, _) = quarterly::links::resolve(page, hrefs[0], BASE_URL).unwrap();
            let csv = csvs
                .get(target.as_str())
                .unwrap_or_else(|| panic!("{page} {id}: {target} is not built"));
            let mut reader = csv::Reader::from_reader(*csv);
            let header: Vec<String> = reader
                .headers()
                .unwrap()
                .iter()
                .map(str::to_string)
                .collect();
            let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();

            // The columns: the period, then each series the table shows, by name.
            let headings: Vec<String> = select(&figure, "thead th")
                .iter()
                .map(|th| th.text().collect())
                .collect();
            assert_eq!(header[0], "period", "{page} {id}");
            let names: Vec<&str> = header[1..].iter().map(|h| series_name(h)).collect();
            let shown: Vec<&str> = headings[1..].iter().map(|h| series_name(h)).collect();
            assert_eq!(names, shown, "{page} {id}: {target}");
            // Each series the chart is drawn with is named in the SVG's description.
            let desc: String = select(&figure, "svg desc")
                .first()
                .map(|d| d.text().collect())
                .unwrap_or_default();
            for name in names
                .iter()
                .filter(|n| **n != "Not broken out" && **n != "未单列")
            {
                assert!(desc.contains(name), "{page} {id}: {name} not in {desc:?}");
            }

            // The rows: the table's periods and values, a missing value left empty.
            let table = select(&figure, "tbody tr");
            assert_eq!(rows.len(), table.len(), "{page} {id}: {target}");
            for (row, tr) in rows.iter().zip(&table) {
                let period: quarterly::period::Period = row[0].parse().unwrap();
                let th: String = select_in(tr, "th").concat();
                let language = if page.starts_with("zh/") {
                    quarterly::language::Language::ZhHans
                } else {
                    quarterly::language::Language::EnGb
                };
                assert_eq!(language.period(period), th, "{page} {id}: {target}");
                let cells = select_in(tr, "td");
                assert_eq!(cells.len(), row.len() - 1, "{page} {id}: {target}");
                for (field, cell) in row.iter().skip(1).zip(&cells) {
                    let expected = number_in(cell);
                    let value = (!field.is_empty()).then(|| field.parse::<f64>().unwrap());
                    assert_eq!(value, expected, "{page} {id}: {target} {period}: {cell}");
                }
            }
        }
    }
    assert!(charts >= 100, "{charts} charts");
}

/// The text of each `selector` match inside `element`.
fn select_in(element: &scraper::ElementRef, selector: &str) -> Vec<String> {
    let selector = scraper::Selector::parse(selector).unwrap();
    element
        .select(&selector)
        .map(|e| e.text().collect())
        .collect()
}

#[test]
fn links_in_pages_are_relative_so_the_site_works_from_disk_and_under_any_path() {
    let (_tmp, dist, _) = build();
    for (page, html) in html_files(&dist) {
        if page == "404.html" || page == "zh/404.html" {
            continue; // served at any path, so it links absolutely
        }
        // The canonical link, left out of `links`, and the versions of the page in each
        // language (which crawlers need absolute) are the absolute links a page keeps.
        let doc = scraper::Html::parse_document(&html);
        let versions: BTreeSet<&str> = select(&doc, "head link[rel=alternate][hreflang]")
            .iter()
            .filter_map(|l| l.value().attr("href"))
            .collect();
        for link in links_and_ids(&html).links {
            if versions.contains(link.as_str()) {
                continue;
            }
            assert!(!link.starts_with('/'), "{page}: root-relative link {link}");
            assert!(
                !link.starts_with("https://example.org/"),
                "{page}: absolute internal link {link}"
            );
        }
    }
}

#[test]
fn the_atom_feed_carries_the_latest_briefings_in_full_and_the_sitemap_lists_every_one() {
    let (_tmp, dist, _) = build();
    let mut briefings: Vec<String> = std::fs::read_dir(dist.join("briefings"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    briefings.sort();
    assert!(briefings.len() >= 24);

    // Each edition has its feed: the English one at the root, the Chinese one in zh/.
    for edition in ["", "zh/"] {
        let feed_xml = std::fs::read(dist.join(format!("{edition}feed.xml"))).unwrap();
        let feed = feed_rs::parser::parse(&feed_xml[..]).expect("a valid Atom feed");
        assert_eq!(feed.feed_type, feed_rs::model::FeedType::Atom);
        // The 20 latest, newest first.
        let latest: Vec<&String> = briefings.iter().rev().take(20).collect();
        assert_eq!(feed.entries.len(), latest.len());
        for (entry, briefing) in feed.entries.iter().zip(&latest) {
            let link = &entry.links[0].href;
            assert_eq!(
                link,
                &format!("https://example.org/china-cloud-quarterly/{edition}briefings/{briefing}")
            );
            assert!(entry.updated.is_some() && entry.summary.is_some());
            // The whole briefing: its text, its charts as tables, its sources; every link
            // absolute, and every link into the site to a file that was built.
            let content = entry
                .content
                .as_ref()
                .and_then(|c| c.body.as_deref())
                .unwrap();
            let html = scraper::Html::parse_fragment(content);
            assert!(
                !select(&html, "figure table").is_empty(),
                "{briefing}: charts as tables"
            );
            assert!(
                select(&html, "svg").is_empty(),
                "{briefing}: no inline SVG in a feed"
            );
            assert!(
                !select(&html, "ol.sources li").is_empty(),
                "{briefing}: sources"
            );
            let page = std::fs::read_to_string(dist.join(edition).join("briefings").join(briefing))
                .unwrap();
            let first_paragraph = select(&scraper::Html::parse_document(&page), ".prose > p")
                .first()
                .map(|p| p.text().collect::<String>())
                .unwrap();
            // Footnotes are numbered within the entry, so compare the words before the first.
            let opening: String = first_paragraph.chars().take(40).collect();
            assert!(
                html.root_element()
                    .text()
                    .collect::<String>()
                    .contains(&opening),
                "{briefing}: the entry holds the text of the page"
            );
            for a in select(&html, "a[href]") {
                let href = a.value().attr("href").unwrap();
                assert!(
                    href.starts_with("https://") || href.starts_with("http://"),
                    "{briefing}: {href} is absolute"
                );
                if let Some(path) = href.strip_prefix("https://example.org/china-cloud-quarterly/")
                {
                    let file = path.split('#').next().unwrap();
                    assert!(dist.join(file).is_file(), "{briefing}: {href} is built");
                }
            }
        }
    }

    let sitemap = std::fs::read_to_string(dist.join("sitemap.xml")).unwrap();
    let doc = roxmltree::Document::parse(&sitemap).expect("well-formed sitemap");
    assert_eq!(
        doc.root_element().tag_name().namespace(),
        Some("http://www.sitemaps.org/schemas/sitemap/0.9")
    );
    let locs: Vec<&str> = doc
        .descendants()
        .filter(|n| n.has_tag_name("loc"))
        .filter_map(|n| n.text())
        .collect();
    // Every briefing in both languages, each listed with its versions in both.
    for b in &briefings {
        let en = format!("https://example.org/china-cloud-quarterly/briefings/{b}");
        let zh = format!("https://example.org/china-cloud-quarterly/zh/briefings/{b}");
        for url in [&en, &zh] {
            assert!(locs.contains(&url.as_str()), "sitemap lists {url}");
            let entry = doc
                .descendants()
                .find(|n| n.has_tag_name("url") && n.children().any(|c| c.text() == Some(url)))
                .unwrap();
            let versions: Vec<(&str, &str)> = entry
                .children()
                .filter(|c| c.has_tag_name(("http://www.w3.org/1999/xhtml", "link")))
                .map(|c| {
                    (
                        c.attribute("hreflang").unwrap_or(""),
                        c.attribute("href").unwrap_or(""),
                    )
                })
                .collect();
            assert_eq!(
                versions,
                [
                    ("x-default", en.as_str()),
                    ("en-GB", en.as_str()),
                    ("zh-Hans", zh.as_str())
                ],
                "{url}"
            );
        }
    }
    assert!(
        locs.iter()
            .all(|l| l.starts_with("https://example.org/china-cloud-quarterly/"))
    );
    assert!(!locs.iter().any(|l| l.ends_with("404.html")));
}

#[test]
fn every_page_has_a_title_description_and_open_graph_tags() {
    let (_tmp, dist, _) = build();
    for (page, html) in html_files(&dist) {
        for needle in [
            "<title>",
            "<meta name=\"description\" content=\"",
            "<meta property=\"og:title\"",
            "<meta property=\"og:description\"",
            "<meta property=\"og:url\" content=\"https://example.org/china-cloud-quarterly/",
            "<link rel=\"canonical\"",
        ] {
            assert!(html.contains(needle), "{page} lacks {needle}");
        }
        assert!(
            !html.contains("content=\"\""),
            "{page} has an empty meta tag"
        );
    }
}

#[test]
fn every_reader_page_exists_and_stays_small() {
    let (_tmp, dist, _) = build();
    for page in [
        "index.html",
        "data.html",
        "vendors.html",
        "search.html",
        "404.html",
        "about.html",
        "methodology.html",
        "charts.html",
    ] {
        assert!(dist.join(page).is_file(), "{page}");
    }
    for vendor in [
        "alibaba-cloud",
        "huawei-cloud",
        "tencent-cloud",
        "baidu-ai-cloud",
    ] {
        let html = std::fs::read_to_string(dist.join(format!("vendors/{vendor}.html"))).unwrap();
        assert!(
            html.contains("<figure class=\"chart"),
            "{vendor} has charts"
        );
        assert!(
            html.contains("briefings/20"),
            "{vendor} lists briefings that mention it"
        );
    }
    for dataset in ["market", "vendor-shares", "alibaba-revenue"] {
        let csv = std::fs::read_to_string(dist.join(format!("data/{dataset}.csv"))).unwrap();
        assert!(csv.starts_with(
            "period,column,value,unit,qualifier,published_as,firm,source,source_kind,source_url,note\n"
        ));
        let json: serde_json::Value = serde_json::from_str(
            &std::fs::read_to_string(dist.join(format!("data/{dataset}.json"))).unwrap(),
        )
        .unwrap();
        assert_eq!(json["id"], dataset);
        assert!(json["rows"].as_array().is_some_and(|r| !r.is_empty()));
    }
    // A briefing page, charts and all, stays under 150 KB before compression.
    for entry in std::fs::read_dir(dist.join("briefings")).unwrap() {
        let size = entry.unwrap().metadata().unwrap().len();
        assert!(size < 150_000, "{size} bytes");
    }
    // All JavaScript together stays under 10 KB: the scripts, not the search index under
    // search/, which is data in script form that the search page loads as a reader searches.
    let js: u64 = walkdir::WalkDir::new(&dist)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.path().extension().and_then(|x| x.to_str()) == Some("js"))
        .filter(|e| {
            !e.path()
                .parent()
                .is_some_and(|folder| folder.ends_with("search"))
        })
        .map(|e| e.metadata().unwrap().len())
        .sum();
    assert!(js < 10_000, "{js} bytes of JavaScript");
}
