//! The shipped China cloud edition: it builds, and it holds what the product promises.

mod svg;

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
                Segment::Figure(_) | Segment::Calc(_) => words += 1,
                Segment::Chart(_) => charts += 1,
                Segment::Cite(_) | Segment::Quote(_) => {}
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
        assert!(html.matches("<figure class=\"chart ").count() >= 2);
    }
    for page in ["about", "methodology"] {
        assert!(dist.join(format!("{page}.html")).exists(), "{page} page");
    }
    assert!(built.charts >= 48);
}

/// Every `<tag …>…</tag>` element of `html` (not nested in itself).
fn elements<'h>(html: &'h str, open: &str, close: &str) -> Vec<&'h str> {
    let mut found = Vec::new();
    let mut rest = html;
    while let Some(start) = rest.find(open) {
        let Some(len) = rest[start..].find(close) else {
            break;
        };
        found.push(&rest[start..start + len + close.len()]);
        rest = &rest[start + len + close.len()..];
    }
    found
}

#[test]
fn every_svg_parses_and_every_chart_has_its_table_csv_and_source_line() {
    let out = tempfile::tempdir().unwrap();
    let dist = out.path().join("dist");
    quarterly::build(shipped_root(), &dist, Default::default()).unwrap_or_else(|d| panic!("{d}"));
    let mut charts = 0;
    for entry in walkdir::WalkDir::new(&dist) {
        let entry = entry.unwrap();
        if entry.path().extension().and_then(|e| e.to_str()) != Some("html") {
            continue;
        }
        let page = entry.path().display().to_string();
        let html = std::fs::read_to_string(entry.path()).unwrap();
        let mut ids = std::collections::BTreeSet::new();
        for svg in elements(&html, "<svg ", "</svg>") {
            let doc = roxmltree::Document::parse(svg)
                .unwrap_or_else(|e| panic!("{page}: SVG is not well-formed XML: {e}"));
            let root = doc.root_element();
            if root
                .attribute("class")
                .is_some_and(|c| c.contains("chart-svg"))
            {
                assert_eq!(root.attribute("role"), Some("img"), "{page}");
                assert!(
                    root.attribute("width").is_none() && root.attribute("viewBox").is_some(),
                    "{page}"
                );
                let labelled = root.attribute("aria-labelledby").unwrap();
                for id in labelled.split(' ') {
                    assert!(ids.insert(id.to_string()), "id {id} repeats on {page}");
                    assert!(doc.descendants().any(|n| n.attribute("id") == Some(id)));
                }
                let desc = doc.descendants().find(|n| n.has_tag_name("desc")).unwrap();
                assert!(
                    desc.text().unwrap_or("").len() > 40,
                    "a description generated from the data"
                );
                // Every mark is drawn inside the viewBox, and so is every text (labels, notes,
                // ticks and values, measured with the chart font), and no two texts overlap.
                let outside = svg::marks_outside_view_box(&doc)
                    .into_iter()
                    .chain(svg::texts_outside_view_box(
                        &doc,
                        &["label", "note", "tick", "value"],
                    ))
                    .chain(svg::overlapping_texts(&doc))
                    .collect::<Vec<_>>();
                assert!(outside.is_empty(), "{page}:\n{}", outside.join("\n"));
                // Direct labels, bar names and legend entries each get their own line.
                let crowded = svg::crowded_labels(&doc, 16.0);
                assert!(crowded.is_empty(), "{page}:\n{}", crowded.join("\n"));
            }
        }
        for figure in elements(&html, "<figure class=\"chart ", "</figure>") {
            charts += 1;
            assert!(
                figure.contains("class=\"chart-svg "),
                "{page}: a chart without its SVG"
            );
            // "Source: …", or in the Chinese edition 资料来源：….
            assert!(
                figure.contains("<p class=\"chart-source\">Source")
                    || figure.contains("<p class=\"chart-source\">资料来源："),
                "{page}: a chart without a source line"
            );
            let table = elements(figure, "<tbody>", "</tbody>");
            assert_eq!(table.len(), 1, "{page}: a chart without its data table");
            let rows = table[0].matches("<tr>").count();
            let href = figure
                .split("href=\"")
                .find(|h| h.contains(".csv\""))
                .unwrap_or_else(|| panic!("{page}: no CSV link"));
            let href = &href[..href.find('"').unwrap()];
            let csv_path = entry.path().parent().unwrap().join(href);
            let csv = std::fs::read_to_string(&csv_path)
                .unwrap_or_else(|e| panic!("{page}: {href}: {e}"));
            assert_eq!(
                csv.lines().count(),
                rows + 1,
                "{page}: the CSV holds the table's rows and a header"
            );
        }
    }
    assert!(charts >= 60, "{charts} charts");
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

#[test]
fn the_gallery_shows_every_chart_kind_in_light_and_dark() {
    let out = tempfile::tempdir().unwrap();
    let dist = out.path().join("dist");
    quarterly::build(shipped_root(), &dist, Default::default()).unwrap_or_else(|d| panic!("{d}"));
    let gallery = std::fs::read_to_string(dist.join("charts.html")).unwrap();
    for kind in [
        "line",
        "bar",
        "hbar",
        "stacked",
        "stacked100",
        "donut",
        "sparkline",
    ] {
        let figure = format!("<figure class=\"chart chart-{kind}\"");
        assert!(
            gallery.matches(&figure).count() >= 2,
            "{kind} in light and dark"
        );
    }
    assert!(gallery.contains("<ul class=\"legend\">"), "grouped bars");
    assert!(
        gallery.contains("<div class=\"theme-dark\">")
            && gallery.contains("<div class=\"theme-light\">")
    );
    let css = std::fs::read_to_string(dist.join("static/charts.css")).unwrap();
    assert!(css.contains(".theme-dark {") && css.contains(".theme-light {"));
}
