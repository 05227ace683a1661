//! Every chart kind, drawn from a fixture site: the SVG structure each kind promises, and the
//! things every chart shares (role, title, description, unique ids, no fixed size, escaping).

mod fixture;

use fixture::Site;

const KINDS: &str = "---
title: Every kind
---

```chart
kind: line
title: Growth
data: growth
y: [alibaba-cloud, tencent-cloud]
annotate:
  - period: 2023-Q2
    label: Something happened
reference:
  - value: 20
    label: Twenty
```

```chart
kind: bar
title: Spend
data: market
y: spend
```

```chart
kind: grouped
title: Shares grouped
data: vendor-shares
y: [alibaba-cloud, tencent-cloud]
```

```chart
kind: hbar
title: Shares in one quarter
data: vendor-shares
y: [alibaba-cloud, tencent-cloud]
period: 2023-Q3
```

```chart
kind: stacked
title: Shares stacked
data: vendor-shares
y: [alibaba-cloud, tencent-cloud]
```

```chart
kind: stacked100
title: Shares of the whole
data: vendor-shares
y: [alibaba-cloud, tencent-cloud]
```

```chart
kind: donut
title: One quarter's shares
data: vendor-shares
y: [alibaba-cloud, tencent-cloud]
```

```chart
kind: sparkline
title: Spend, small
data: market
y: spend
```
";

/// The fixture site plus a page with one chart of every kind, built.
fn built() -> (Site, String) {
    let site = with_kinds();
    let out = site.run(&["build"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let html = site.read("dist/kinds.html");
    (site, html)
}

const GROWTH: &str = "title: Growth
source: canalys-2023-q3
columns:
  alibaba-cloud: {label: Alibaba Cloud, unit: \"%\", vendor: alibaba-cloud}
  tencent-cloud: {label: Tencent Cloud, unit: \"%\", vendor: tencent-cloud}
rows:
  - {period: 2023-Q1, alibaba-cloud: 2, tencent-cloud: 10}
  - {period: 2023-Q2, alibaba-cloud: 4, tencent-cloud: 12}
  - {period: 2023-Q3, alibaba-cloud: 7, tencent-cloud: 11}
";

fn with_kinds() -> Site {
    let site = Site::new();
    site.write("content/pages/kinds.md", KINDS);
    site.write("content/data/growth.yaml", GROWTH);
    site
}

/// The figures of the page, in order.
fn figures(html: &str) -> Vec<&str> {
    html.split("<figure class=\"chart ")
        .skip(1)
        .map(|f| &f[..f.find("</figure>").unwrap()])
        .collect()
}

/// The wide SVG of a figure.
fn wide(figure: &str) -> &str {
    let start = figure.find("<svg xmlns=").unwrap();
    let end = figure[start..].find("</svg>").unwrap() + start + 6;
    &figure[start..end]
}

#[test]
fn every_kind_is_an_accessible_well_formed_svg() {
    let (_site, html) = built();
    let figures = figures(&html);
    assert_eq!(figures.len(), 8);
    let mut ids = std::collections::BTreeSet::new();
    for figure in &figures {
        for svg in figure.split("<svg xmlns=").skip(1) {
            let svg = format!("<svg xmlns={}", &svg[..svg.find("</svg>").unwrap() + 6]);
            let doc = roxmltree::Document::parse(&svg).unwrap_or_else(|e| panic!("{e}: {svg}"));
            let root = doc.root_element();
            assert_eq!(root.attribute("role"), Some("img"));
            assert!(root.attribute("width").is_none() && root.attribute("height").is_none());
            assert!(root.attribute("viewBox").is_some());
            for id in root.attribute("aria-labelledby").unwrap().split(' ') {
                assert!(ids.insert(id.to_string()), "{id} twice");
            }
            assert!(
                doc.descendants()
                    .any(|n| n.has_tag_name("title") && n.text().is_some_and(|t| !t.is_empty()))
            );
            assert!(
                doc.descendants()
                    .any(|n| n.has_tag_name("desc") && n.text().is_some_and(|t| t.len() > 30))
            );
            // Compact output: no element is drawn invisible, no coordinate has long decimals.
            assert!(!svg.contains("opacity=\"0\""));
            assert!(!svg.chars().collect::<String>().contains(".0000"));
            assert!(svg.len() < 12_000, "{} bytes", svg.len());
            // Text is at least 12 px in SVG units: the wide variant is only shown at 640 px or wider,
            // and the narrow one (340 units) keeps it above 11 px on a 360 px phone.
            for node in doc.descendants().filter(|n| n.has_tag_name("text")) {
                let size: f64 = node.attribute("font-size").unwrap().parse().unwrap();
                assert!(size >= 12.0, "{size}px text");
            }
        }
    }
}

#[test]
fn line_charts_have_markers_direct_labels_annotations_and_reference_lines() {
    let (_site, html) = built();
    let svg = wide(figures(&html)[0]);
    assert_eq!(svg.matches("class=\"line c-alibaba-cloud\"").count(), 1);
    // Different marker shapes: circles for the first series, squares for the second.
    assert!(svg.contains("<circle class=\"mark c-alibaba-cloud\""));
    assert!(svg.contains("<rect class=\"mark c-tencent-cloud\""));
    assert!(
        svg.contains(">Alibaba Cloud 7%</text>"),
        "direct label on the last value"
    );
    assert!(svg.contains(">Tencent Cloud 11%</text>"));
    assert!(svg.contains("class=\"annot\""));
    assert!(svg.contains(">Something happened</text>"));
    assert!(svg.contains("class=\"ref\""));
    assert!(svg.contains(">Twenty</text>"));
    assert!(svg.contains("Marked at Q2 2023: Something happened."));
}

#[test]
fn bars_start_at_zero_with_value_labels_and_grouped_bars_use_patterns() {
    let (_site, html) = built();
    let figures = figures(&html);
    let bar = wide(figures[1]);
    // Two bars (the missing quarter is a gap), each labelled with its value.
    assert_eq!(bar.matches("class=\"bar c-p0\"").count(), 2);
    assert!(bar.contains(">US$9.2bn</text>") && bar.contains(">US$7.7bn</text>"));
    assert!(bar.contains("class=\"axis\""), "a zero baseline");
    assert!(bar.contains(">0</text>"), "the axis starts at zero");

    let grouped = figures[2];
    assert!(
        grouped.contains("<ul class=\"legend\">"),
        "grouped bars have a legend"
    );
    assert!(
        grouped.contains("fill=\"url(#"),
        "the legend swatch carries the pattern"
    );
    let svg = wide(grouped);
    assert_eq!(svg.matches("class=\"bar c-alibaba-cloud\"").count(), 2);
    assert_eq!(svg.matches("class=\"bar-p c-tencent-cloud\"").count(), 2);
}

#[test]
fn horizontal_bars_are_sorted_and_name_vendors_in_both_languages() {
    let (_site, html) = built();
    let svg = wide(figures(&html)[3]);
    let alibaba = svg
        .find(">Alibaba Cloud 阿里云</text>")
        .expect("English and Chinese name");
    let tencent = svg.find(">Tencent Cloud 腾讯云</text>").unwrap();
    assert!(alibaba < tencent, "largest first");
    assert!(svg.contains(">36%</text>"));
    assert!(svg.contains("Horizontal bar chart of Alibaba Cloud and Tencent Cloud in Q3 2023: Alibaba Cloud 36%, Tencent Cloud 16%."));
}

#[test]
fn stacks_and_hundred_percent_stacks_show_what_is_not_broken_out() {
    let (site, html) = built();
    let figures = figures(&html);
    let stacked = wide(figures[4]);
    assert_eq!(stacked.matches("class=\"bar c-alibaba-cloud\"").count(), 2);
    assert!(
        !stacked.contains("class=\"rest\""),
        "a plain stack has no remainder"
    );
    let full = wide(figures[5]);
    assert_eq!(
        full.matches("<rect class=\"rest\"").count(),
        3,
        "two stacks and the label's key"
    );
    assert!(full.contains(">Not broken out 48%</text>"), "{full}");
    assert!(full.contains(">100%</text>"), "the axis reaches 100%");
    let csv = site.read("dist/data/charts/chart-kinds-6.csv");
    assert_eq!(
        csv,
        "period,Alibaba Cloud (%),Tencent Cloud (%),Not broken out (%)\n2023-Q1,39,15,46\n2023-Q2,,,\n2023-Q3,36,16,48\n"
    );
}

#[test]
fn donuts_label_every_segment_and_the_remainder() {
    let (_site, html) = built();
    let figure = figures(&html)[6];
    let svg = wide(figure);
    assert!(svg.contains("class=\"seg c-alibaba-cloud\""));
    assert!(
        svg.contains("class=\"seg-p c-tencent-cloud\""),
        "second segment patterned"
    );
    assert!(svg.contains(">Alibaba Cloud 阿里云 36%</text>"));
    assert!(svg.contains(">Not broken out 48%</text>"));
    assert!(
        svg.contains(">Q3 2023</text>"),
        "the latest period by default"
    );
}

#[test]
fn sparklines_are_small_lines_without_text() {
    let (_site, html) = built();
    let figure = figures(&html)[7];
    let svg = wide(figure);
    assert!(svg.contains("class=\"chart-svg chart-spark\""));
    assert!(svg.contains("viewBox=\"0 0 120 32\""));
    assert!(!svg.contains("<text"));
    assert_eq!(
        figure.matches("<svg xmlns=").count(),
        1,
        "no narrow variant"
    );
    // Q1 and Q3 are split by a missing Q2: two dots, no line.
    assert_eq!(svg.matches("class=\"mark c-p0\"").count(), 2);
}

#[test]
fn hostile_labels_are_escaped_in_every_kind() {
    let site = with_kinds();
    site.edit(
        "content/data/vendor-shares.yaml",
        "label: Alibaba Cloud",
        "label: \"A&B <script>\"",
    );
    site.edit(
        "content/data/vendors.yaml",
        "name_zh: 阿里云",
        "name_zh: \"</text><script>x</script>\"",
    );
    site.edit(
        "content/data/market.yaml",
        "label: Spend",
        "label: \"Spend & \\\"more\\\" <b>\"",
    );
    let out = site.run(&["build"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let html = site.read("dist/kinds.html");
    assert!(!html.contains("<script>"));
    assert!(!html.contains("<b>"));
    for figure in figures(&html) {
        for svg in figure.split("<svg xmlns=").skip(1) {
            let svg = format!("<svg xmlns={}", &svg[..svg.find("</svg>").unwrap() + 6]);
            roxmltree::Document::parse(&svg).unwrap_or_else(|e| panic!("{e}: {svg}"));
        }
    }
    assert!(html.contains("A&amp;B &lt;script&gt;"));
    let csv = site.read("dist/data/charts/chart-kinds-2.csv");
    assert!(
        csv.starts_with("period,\"Spend & \"\"more\"\" <b> (USD bn)\"\n"),
        "{csv}"
    );
}

#[test]
fn chart_blocks_that_cannot_be_drawn_honestly_are_errors() {
    let site = Site::new();
    site.write(
        "content/pages/bad.md",
        "---\ntitle: Bad\n---\n\n```chart\nkind: donut\ntitle: Mixed\ndata: market\ny: [spend, growth]\n```\n\n```chart\nkind: sparkline\ntitle: Two\ndata: vendor-shares\ny: [alibaba-cloud, tencent-cloud]\n```\n\n```chart\nkind: hbar\ntitle: Missing\ndata: vendor-shares\ny: alibaba-cloud\nperiod: 2022-Q4\n```\n",
    );
    site.edit("content/data/vendors.yaml", "\"#0072B2\"", "\"#F0E442\"");
    let out = site.run(&["check"]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("a donut chart shows shares of one whole"),
        "{err}"
    );
    assert!(
        err.contains("a chart's columns must share one unit"),
        "{err}"
    );
    assert!(err.contains("a sparkline draws one column"), "{err}");
    assert!(
        err.contains("dataset `vendor-shares` has no row for 2022-Q4"),
        "{err}"
    );
    assert!(
        err.contains("colour #F0E442 has a contrast of 1.3:1 against the page"),
        "{err}"
    );
}

#[test]
fn vendor_colours_come_from_css_in_light_and_dark() {
    let (site, _html) = built();
    let css = site.read("dist/static/charts.css");
    assert!(css.contains("--c-alibaba-cloud: #D55E00;"));
    assert!(css.contains(".c-alibaba-cloud { --c: var(--c-alibaba-cloud); }"));
    let dark = &css[css.find("prefers-color-scheme: dark").unwrap()..];
    assert!(dark.contains("--c-alibaba-cloud: #"));
    let page = site.read("dist/kinds.html");
    assert!(page.contains("static/charts.css"));
    let style = site.read("dist/static/style.css");
    assert!(style.contains("font-family: \"Quarterly Chart Sans\""));
    assert!(site.root().join("dist/static/chart-sans.woff2").exists());
}
