//! Every chart kind, drawn from a fixture site: the SVG structure each kind promises, the
//! things every chart shares (role, title, description, unique ids, no fixed size, escaping,
//! everything inside the viewBox, no colliding text), and the geometry that carries the data:
//! bars on the zero line, gaps for missing values, direct labels beside their own series.

mod fixture;
mod svg;

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

/// Every SVG of a figure (the wide and the narrow variant), as its own document.
fn svgs(figure: &str) -> Vec<String> {
    figure
        .split("<svg xmlns=")
        .skip(1)
        .map(|svg| format!("<svg xmlns={}", &svg[..svg.find("</svg>").unwrap() + 6]))
        .collect()
}

fn parse(svg: &str) -> roxmltree::Document<'_> {
    roxmltree::Document::parse(svg).unwrap_or_else(|e| panic!("{e}: {svg}"))
}

/// The drawn elements with `class`, as boxes.
fn boxes(doc: &roxmltree::Document, class: &str) -> Vec<svg::Bounds> {
    svg::drawn(doc)
        .into_iter()
        .filter(|n| svg::has_class(*n, class))
        .map(svg::bounds)
        .collect()
}

/// The drawn elements with both classes (`mark`, `c-alibaba-cloud`), as boxes.
fn boxes_of(doc: &roxmltree::Document, class: &str, colour: &str) -> Vec<svg::Bounds> {
    svg::drawn(doc)
        .into_iter()
        .filter(|n| svg::has_class(*n, class) && svg::has_class(*n, colour))
        .map(svg::bounds)
        .collect()
}

/// The height of the zero line: the one horizontal `axis` line of a chart over periods.
fn zero_line(doc: &roxmltree::Document) -> f64 {
    let axes: Vec<_> = svg::drawn(doc)
        .into_iter()
        .filter(|n| svg::has_class(*n, "axis"))
        .collect();
    assert_eq!(axes.len(), 1, "one zero line");
    let points = &svg::subpaths(axes[0].attribute("d").unwrap())[0];
    assert_eq!(points[0].1, points[1].1, "a horizontal zero line");
    points[0].1
}

/// The height of the grid line whose tick reads `label`.
fn tick_at(doc: &roxmltree::Document, label: &str) -> f64 {
    svg::drawn(doc)
        .into_iter()
        .find(|n| svg::has_class(*n, "tick") && n.text() == Some(label))
        .unwrap_or_else(|| panic!("no tick `{label}`"))
        .attribute("y")
        .unwrap()
        .parse()
        .unwrap()
}

/// The bars (`bar` and patterned `bar-p` rectangles) of a chart over periods.
fn bars(doc: &roxmltree::Document) -> Vec<svg::Bounds> {
    let mut found = boxes(doc, "bar");
    found.extend(boxes(doc, "bar-p"));
    found
}

/// Every bar of a bar or grouped chart stands on the zero line: its bottom is on it, or, for a
/// value below zero, its top. Returns how many bars hang below zero.
fn assert_bars_stand_on_zero(svg: &str) -> usize {
    let doc = parse(svg);
    let zero = zero_line(&doc);
    let bars = bars(&doc);
    assert!(!bars.is_empty());
    let mut below = 0;
    for bar in &bars {
        assert!(bar.bottom > bar.top, "an empty bar {bar:?}");
        if bar.top == zero {
            below += 1;
        } else {
            assert_eq!(bar.bottom, zero, "a bar off the zero line: {bar:?}\n{svg}");
        }
    }
    below
}

/// Every stack starts at the zero line and its segments follow each other with the one-pixel
/// gap every segment has, the part not broken out on top. Returns the top of each stack.
fn assert_stacks_stand_on_zero(svg: &str) -> Vec<f64> {
    let doc = parse(svg);
    let zero = zero_line(&doc);
    let mut segments = bars(&doc);
    segments.extend(
        boxes(&doc, "rest")
            .into_iter()
            // The key beside the label is small; the stacks' parts are as wide as a band.
            .filter(|b| b.right - b.left > 20.0),
    );
    let mut stacks: std::collections::BTreeMap<i64, Vec<svg::Bounds>> = Default::default();
    for s in segments {
        stacks.entry(s.left as i64).or_default().push(s);
    }
    assert!(!stacks.is_empty());
    stacks
        .values_mut()
        .map(|stack| {
            stack.sort_by(|a, b| b.bottom.total_cmp(&a.bottom));
            let mut base = zero;
            for segment in stack.iter() {
                assert_eq!(
                    segment.bottom,
                    base - 1.0,
                    "a stack with a gap or an overlap:\n{svg}"
                );
                base = segment.top;
            }
            base
        })
        .collect()
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
            // Everything is drawn inside the viewBox, text measured with the chart font, and
            // no two texts overlap. (Plotters moves points that fall outside onto the edge, so
            // what can stray is a text's width, a marker's radius or a line's stroke.)
            let outside = svg::outside_view_box(&doc);
            assert!(outside.is_empty(), "{}", outside.join("\n"));
            let overlapping = svg::overlapping_texts(&doc);
            assert!(overlapping.is_empty(), "{}", overlapping.join("\n"));
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

    // Every bar, in both variants, stands on the zero line.
    for figure in [figures[1], figures[2]] {
        for svg in svgs(figure) {
            assert_eq!(assert_bars_stand_on_zero(&svg), 0, "no value is below zero");
        }
    }
    // Horizontal bars start at the vertical zero line.
    for svg in svgs(figures[3]) {
        let doc = parse(&svg);
        let zero = boxes(&doc, "axis");
        assert_eq!(zero.len(), 1);
        let zero = (zero[0].left + zero[0].right) / 2.0;
        let bars = bars(&doc);
        assert_eq!(bars.len(), 2);
        assert!(
            bars.iter().all(|b| b.left == zero && b.right > zero),
            "{svg}"
        );
    }
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
    // Stacks stand on the zero line, segment on segment; a 100 % stack reaches the 100% line.
    for svg in svgs(figures[4]) {
        assert_eq!(assert_stacks_stand_on_zero(&svg).len(), 2);
    }
    for svg in svgs(figures[5]) {
        let hundred = tick_at(&parse(&svg), "100%");
        let tops = assert_stacks_stand_on_zero(&svg);
        assert_eq!(tops, [hundred, hundred], "{svg}");
    }
    let csv = site.read("dist/charts/kinds-shares-of-the-whole.csv");
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
    let csv = site.read("dist/charts/kinds-spend.csv");
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

/// Five quarters with a missing value and a negative one.
const CHANGE: &str = "title: Change
source: canalys-2023-q3
columns:
  alibaba-cloud: {label: Alibaba Cloud, unit: \"%\", vendor: alibaba-cloud}
  tencent-cloud: {label: Tencent Cloud, unit: \"%\", vendor: tencent-cloud}
rows:
  - {period: 2022-Q3, alibaba-cloud: 5, tencent-cloud: 10}
  - {period: 2022-Q4, alibaba-cloud: 6, tencent-cloud: -3}
  - {period: 2023-Q1, alibaba-cloud: ~, tencent-cloud: 12}
  - {period: 2023-Q2, alibaba-cloud: 8, tencent-cloud: 13}
  - {period: 2023-Q3, alibaba-cloud: 9, tencent-cloud: 14}
";

/// The fixture site with `page` and `dataset` (as `content/data/{name}.yaml`), built: the
/// page's figures.
fn built_page(page: &str, name: &str, dataset: &str) -> Vec<String> {
    let site = Site::new();
    site.write("content/pages/extra.md", page);
    site.write(&format!("content/data/{name}.yaml"), dataset);
    let out = site.run(&["build"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let html = site.read("dist/extra.html");
    figures(&html).into_iter().map(str::to_string).collect()
}

/// The horizontal centre of a box.
fn centre_x(b: &svg::Bounds) -> f64 {
    (b.left + b.right) / 2.0
}

#[test]
fn a_missing_value_is_a_gap_in_the_line_never_a_join_or_a_zero() {
    let figures = built_page(
        "---\ntitle: Gaps\n---\n\n```chart\nkind: line\ntitle: Change\ndata: change\ny: [alibaba-cloud, tencent-cloud]\n```\n",
        "change",
        CHANGE,
    );
    for svg in svgs(&figures[0]) {
        let doc = parse(&svg);
        // Tencent Cloud has all five quarters: its marks give the x of each.
        let quarters: Vec<f64> = boxes_of(&doc, "mark", "c-tencent-cloud")
            .iter()
            .map(centre_x)
            .collect();
        assert_eq!(quarters.len(), 5, "{svg}");
        // Alibaba Cloud has no value for the third: a mark on each other quarter, none on it.
        let marks: Vec<f64> = boxes_of(&doc, "mark", "c-alibaba-cloud")
            .iter()
            .map(centre_x)
            .collect();
        let (q, x) = (&quarters, |i: usize| quarters[i]);
        assert_eq!(marks, [x(0), x(1), x(3), x(4)], "quarters at {q:?}\n{svg}");
        // Two lines, one each side of the gap: none joins across it or dips to a zero in it.
        let lines: Vec<Vec<f64>> = svg::drawn(&doc)
            .into_iter()
            .filter(|n| svg::has_class(*n, "line") && svg::has_class(*n, "c-alibaba-cloud"))
            .flat_map(|n| svg::subpaths(n.attribute("d").unwrap()))
            .map(|points| points.iter().map(|p| p.0).collect())
            .collect();
        assert_eq!(
            lines,
            [vec![x(0), x(1)], vec![x(3), x(4)]],
            "quarters at {q:?}\n{svg}"
        );
    }
}

#[test]
fn bars_below_zero_hang_from_the_zero_line_and_a_missing_value_draws_no_bar() {
    let figures = built_page(
        "---\ntitle: Gaps\n---\n\n```chart\nkind: bar\ntitle: Change\ndata: change\ny: [alibaba-cloud, tencent-cloud]\n```\n",
        "change",
        CHANGE,
    );
    for svg in svgs(&figures[0]) {
        assert_eq!(assert_bars_stand_on_zero(&svg), 1, "Tencent Cloud's -3%");
        let doc = parse(&svg);
        assert_eq!(
            boxes(&doc, "c-alibaba-cloud").len(),
            4,
            "no bar for the gap"
        );
        assert_eq!(boxes(&doc, "c-tencent-cloud").len(), 5);
        // The axis reaches below zero for the negative bar, and the zero line is above it.
        let zero = zero_line(&doc);
        assert!(tick_at(&doc, "0") == zero, "{svg}");
        let lowest = bars(&doc).iter().map(|b| b.bottom).fold(0.0, f64::max);
        assert!(lowest > zero, "{svg}");
    }
}

/// Series whose latest values are nearly equal, so their direct labels must be moved apart.
const CLOSE: &str = "title: Close
source: canalys-2023-q3
columns:
  alibaba-cloud: {label: Alibaba Cloud, unit: \"%\", vendor: alibaba-cloud}
  tencent-cloud: {label: Tencent Cloud, unit: \"%\", vendor: tencent-cloud}
  others: {label: Others, unit: \"%\"}
rows:
  - {period: 2023-Q1, alibaba-cloud: 30, tencent-cloud: 5, others: 15}
  - {period: 2023-Q2, alibaba-cloud: 40, tencent-cloud: 1, others: 1.2}
  - {period: 2023-Q3, alibaba-cloud: 20.4, tencent-cloud: 20, others: 20.2}
";

#[test]
fn direct_labels_never_crowd_and_each_sits_beside_its_own_series_key() {
    let figures = built_page(
        "---\ntitle: Close\n---\n\n```chart\nkind: line\ntitle: Close at the end\ndata: close\ny: [alibaba-cloud, tencent-cloud, others]\n```\n\n```chart\nkind: stacked\ntitle: Thin on top\ndata: close\ny: [alibaba-cloud, tencent-cloud, others]\nto: 2023-Q2\n```\n",
        "close",
        CLOSE,
    );
    // The label of each series with its latest value (of the last stack, for the stacks) and
    // the series' colour class, from the top of the chart down. Others has no vendor: the
    // first palette colour.
    let expected = [
        (
            "line",
            [
                ("Alibaba Cloud 20.4%", "c-alibaba-cloud"),
                ("Others 20.2%", "c-p0"),
                ("Tencent Cloud 20%", "c-tencent-cloud"),
            ],
        ),
        (
            "stacked",
            [
                ("Others 1.2%", "c-p0"),
                ("Tencent Cloud 1%", "c-tencent-cloud"),
                ("Alibaba Cloud 40%", "c-alibaba-cloud"),
            ],
        ),
    ];
    for (figure, (kind, labels)) in figures.iter().zip(expected) {
        assert!(figure.starts_with(&format!("chart-{kind}\"")), "{figure}");
        for svg in svgs(figure) {
            let doc = parse(&svg);
            let crowded = svg::crowded_labels(&doc, 16.0);
            assert!(crowded.is_empty(), "{}\n{svg}", crowded.join("\n"));
            let outside = svg::outside_view_box(&doc);
            assert!(outside.is_empty(), "{}", outside.join("\n"));
            let overlapping = svg::overlapping_texts(&doc);
            assert!(overlapping.is_empty(), "{}", overlapping.join("\n"));

            // Each label, top to bottom, with the key drawn just before it.
            let drawn = svg::drawn(&doc);
            let mut found: Vec<(f64, String, roxmltree::Node)> = drawn
                .iter()
                .enumerate()
                .filter(|(_, n)| svg::has_class(**n, "label"))
                .map(|(i, n)| {
                    let y: f64 = n.attribute("y").unwrap().parse().unwrap();
                    (y, n.text().unwrap().to_string(), drawn[i - 1])
                })
                .collect();
            found.sort_by(|a, b| a.0.total_cmp(&b.0));
            let texts: Vec<&str> = found.iter().map(|f| f.1.as_str()).collect();
            let names: Vec<&str> = labels.iter().map(|l| l.0).collect();
            assert_eq!(texts, names, "labels in the order of their values\n{svg}");
            for ((y, text, key), (_, class)) in found.iter().zip(labels) {
                assert!(
                    svg::has_class(*key, "key") || svg::has_class(*key, "key-p"),
                    "{text} has a key"
                );
                let colour = svg::colour_class(*key).unwrap();
                assert_eq!(colour, class, "{text}'s key");
                // Centred on the label (a triangle marker is half a pixel taller above).
                let off = svg::bounds(*key).centre_y() - y;
                assert!(
                    off.abs() <= 0.5,
                    "{text}'s key is {off} off its label\n{svg}"
                );
                // The series is drawn in the key's colour, and a line's key is its marker.
                let marks: Vec<_> = drawn
                    .iter()
                    .filter(|n| svg::colour_class(**n) == Some(colour))
                    .filter(|n| {
                        ["mark", "bar", "bar-p"]
                            .iter()
                            .any(|c| svg::has_class(**n, c))
                    })
                    .collect();
                assert!(!marks.is_empty(), "{text}: no marks in {colour}\n{svg}");
                if kind == "line" {
                    assert!(
                        marks
                            .iter()
                            .all(|m| m.tag_name().name() == key.tag_name().name()),
                        "{text}'s key has its marker's shape"
                    );
                }
            }
        }
    }
}
