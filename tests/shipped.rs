//! The shipped China cloud edition: it builds, and it holds what the product promises.

use std::path::Path;

use quarterly::model::Segment;

fn shipped_root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn the_shipped_site_builds_with_a_briefing_for_every_quarter_with_figures() {
    let out = tempfile::tempdir().unwrap();
    let dist = out.path().join("dist");
    let built = quarterly::build(shipped_root(), &dist, Default::default())
        .unwrap_or_else(|d| panic!("{d}"));

    let files = quarterly::load::load_content(shipped_root()).unwrap();
    let content = quarterly::parse::parse_content(&files).unwrap();
    assert!(
        content.briefings.len() >= 24,
        "{} briefings",
        content.briefings.len()
    );
    assert!(
        content.briefings.iter().all(|b| !b.draft),
        "no shipped briefing is a draft"
    );
    for briefing in &content.briefings {
        let mut words = 0;
        let mut charts = 0;
        for segment in &briefing.body {
            match segment {
                Segment::Markdown(text) => {
                    words += text
                        .split_whitespace()
                        .filter(|w| w.chars().any(char::is_alphanumeric))
                        .count()
                }
                Segment::Figure(_) => words += 1,
                Segment::Chart(_) => charts += 1,
                Segment::Cite(_) => {}
            }
        }
        assert!(
            words >= 250,
            "{}: {words} words of commentary",
            briefing.file.path
        );
        assert!(charts >= 2, "{}: {charts} charts", briefing.file.path);
        let html = std::fs::read_to_string(
            dist.join(format!("briefings/{}.html", briefing.period.slug())),
        )
        .unwrap();
        assert!(html.matches("<figure class=\"chart\"").count() >= 2);
    }
    for page in ["about", "methodology"] {
        assert!(dist.join(format!("{page}.html")).exists(), "{page} page");
    }
    assert!(built.charts >= 48);
}

#[test]
fn every_svg_in_the_shipped_site_is_well_formed_and_labelled() {
    let out = tempfile::tempdir().unwrap();
    let dist = out.path().join("dist");
    quarterly::build(shipped_root(), &dist, Default::default()).unwrap_or_else(|d| panic!("{d}"));
    let mut seen = 0;
    for entry in walkdir::WalkDir::new(&dist) {
        let entry = entry.unwrap();
        if entry.path().extension().and_then(|e| e.to_str()) != Some("html") {
            continue;
        }
        let html = std::fs::read_to_string(entry.path()).unwrap();
        let mut ids = std::collections::BTreeSet::new();
        for (start, _) in html.match_indices("<svg ") {
            let end = html[start..].find("</svg>").map(|e| start + e + 6).unwrap();
            let svg = &html[start..end];
            let doc = roxmltree::Document::parse(svg).unwrap_or_else(|e| {
                panic!(
                    "{}: SVG is not well-formed XML: {e}",
                    entry.path().display()
                )
            });
            let root = doc.root_element();
            assert_eq!(root.attribute("role"), Some("img"));
            let labelled = root.attribute("aria-labelledby").unwrap();
            for id in labelled.split(' ') {
                assert!(
                    ids.insert(id.to_string()),
                    "id {id} repeats on {}",
                    entry.path().display()
                );
                assert!(doc.descendants().any(|n| n.attribute("id") == Some(id)));
            }
            let desc = doc.descendants().find(|n| n.has_tag_name("desc")).unwrap();
            assert!(
                desc.text().unwrap_or("").len() > 40,
                "a description generated from the data"
            );
            seen += 1;
        }
    }
    assert!(seen >= 48, "{seen} charts");
}

#[test]
fn disagreements_and_series_breaks_are_stated_on_the_pages_they_concern() {
    let out = tempfile::tempdir().unwrap();
    let dist = out.path().join("dist");
    quarterly::build(shipped_root(), &dist, Default::default()).unwrap_or_else(|d| panic!("{d}"));
    let read = |p: &str| std::fs::read_to_string(dist.join(p)).unwrap();
    // The 2019 restatement: both published values of China's Q4 2019 share of world spend,
    // and of 2019's spend, appear on the Q4 2019 briefing.
    let q4_2019 = read("briefings/2019-q4.html");
    for value in [">10.8%<", ">12%<", "US$11.5bn"] {
        assert!(q4_2019.contains(value), "2019-q4 shows {value}");
    }
    // The Q2 2023 accounting change is marked on the chart that spans it.
    assert!(read("briefings/2023-q2.html").contains("Alibaba accounting change"));
    // 2025-Q4 comes from Omdia, and its source line says so.
    assert!(read("briefings/2025-q4.html").contains("Omdia"));
    let methodology = read("methodology.html");
    for needle in ["Omdia", "IDC", "restate", "97"] {
        assert!(
            methodology.contains(needle),
            "methodology mentions {needle}"
        );
    }
}

#[test]
fn quarterly_check_passes_on_the_shipped_content_and_builds_are_identical() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_quarterly"))
        .args(["check", "--root"])
        .arg(shipped_root())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("no problems"));

    let tmp = tempfile::tempdir().unwrap();
    let (a, b) = (tmp.path().join("a"), tmp.path().join("b"));
    quarterly::build(shipped_root(), &a, Default::default()).unwrap_or_else(|d| panic!("{d}"));
    quarterly::build(shipped_root(), &b, Default::default()).unwrap_or_else(|d| panic!("{d}"));
    let files = |dir: &Path| -> Vec<(String, Vec<u8>)> {
        walkdir::WalkDir::new(dir)
            .sort_by_file_name()
            .into_iter()
            .filter_map(Result::ok)
            .filter(|e| e.file_type().is_file())
            .map(|e| {
                let rel = e
                    .path()
                    .strip_prefix(dir)
                    .unwrap()
                    .to_string_lossy()
                    .into_owned();
                (rel, std::fs::read(e.path()).unwrap())
            })
            .collect()
    };
    let (fa, fb) = (files(&a), files(&b));
    assert!(fa.len() > 30);
    assert!(fa == fb, "two builds of the shipped site differ");
}
