//! The built shipped site as a reader and a crawler meet it: every internal link and anchor
//! resolves, the Atom feed and the sitemap parse with real parsers and list every briefing,
//! and every page has its title, description and Open Graph tags.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

fn build() -> (tempfile::TempDir, PathBuf, quarterly::model::RenderedSite) {
    let out = tempfile::tempdir().unwrap();
    let dist = out.path().join("dist");
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let site = quarterly::build(root, &dist, Default::default()).unwrap_or_else(|d| panic!("{d}"));
    (out, dist, site)
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

use quarterly::links::links_and_ids;

#[test]
fn every_internal_link_and_anchor_resolves() {
    let (_tmp, _dist, site) = build();
    let (broken, checked) =
        quarterly::links::broken_links(&site.files, "https://example.org/china-cloud-quarterly/");
    assert!(checked > 1000, "{checked} links checked");
    let broken: Vec<String> = broken
        .iter()
        .map(|b| format!("{}: {}: {}", b.page, b.href, b.problem))
        .collect();
    assert!(
        broken.is_empty(),
        "{} broken links:\n{}",
        broken.len(),
        broken.join("\n")
    );
}

#[test]
fn links_in_pages_are_relative_so_the_site_works_from_disk_and_under_any_path() {
    let (_tmp, dist, _) = build();
    for (page, html) in html_files(&dist) {
        if page == "404.html" {
            continue; // served at any path, so it links absolutely
        }
        // The canonical link, left out of `links`, is the one absolute link a page keeps.
        for link in links_and_ids(&html).links {
            assert!(!link.starts_with('/'), "{page}: root-relative link {link}");
            assert!(
                !link.starts_with("https://example.org/"),
                "{page}: absolute internal link {link}"
            );
        }
    }
}

#[test]
fn the_atom_feed_and_sitemap_parse_and_list_every_briefing() {
    let (_tmp, dist, _) = build();
    let briefings: Vec<String> = std::fs::read_dir(dist.join("briefings"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(briefings.len() >= 24);

    let feed_xml = std::fs::read(dist.join("feed.xml")).unwrap();
    let feed = feed_rs::parser::parse(&feed_xml[..]).expect("a valid Atom feed");
    assert_eq!(feed.feed_type, feed_rs::model::FeedType::Atom);
    assert_eq!(feed.entries.len(), briefings.len());
    for entry in &feed.entries {
        let link = &entry.links[0].href;
        assert!(
            link.starts_with("https://example.org/china-cloud-quarterly/briefings/"),
            "{link}"
        );
        assert!(briefings.iter().any(|b| link.ends_with(b.as_str())));
        assert!(entry.updated.is_some() && entry.summary.is_some());
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
    for b in &briefings {
        let url = format!("https://example.org/china-cloud-quarterly/briefings/{b}");
        assert!(locs.contains(&url.as_str()), "sitemap lists {url}");
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
    // All JavaScript together stays under 10 KB.
    let js: u64 = walkdir::WalkDir::new(&dist)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.path().extension().and_then(|x| x.to_str()) == Some("js"))
        .map(|e| e.metadata().unwrap().len())
        .sum();
    assert!(js < 10_000, "{js} bytes of JavaScript");
}
