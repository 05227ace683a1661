//! Text from content is escaped for the context it lands in. Every editor-controlled field
//! of a small site (site settings, navigation, sources, vendors in both languages, dataset,
//! column and value texts, briefing and page front matter, chart titles, captions and
//! labels) gets a hostile string, and the site is built twice: once with a plain token in
//! each field, once with the hostile strings. Every output is then read back with a real
//! parser (HTML5 for pages, XML for the feed and sitemap, CSV and JSON readers for the
//! downloads, JSON readers for the search index's scripts) and must have the same structure
//! as the plain build, with
//! each token's place holding exactly the hostile string. Characters no HTML or XML document
//! can carry are expected back as U+FFFD.

use proptest::prelude::*;
use quarterly::load::ContentFiles;
use quarterly::model::{OutputFile, SourceFile};

/// How many fields the site has; `{F00}` … in the templates below.
const FIELDS: usize = 30;

const SITE: &str = "title: {F00}
description: {F01}
base_url: https://example.org/site/
author: {F02}
navigation:
  - label: {F03}
    target: home
  - label: {F04}
    target: about
headline:
  - market.spend
";

const SOURCES: &str = "report:
  publisher: {F05}
  title: {F06}
  url: {F07}
  published: 2023-11-20
  firm: [{F08}, {F09}]
  kind: repost
  note: {F10}
  quote: {F11}
";

const VENDORS: &str = "alibaba-cloud:
  name: {F12}
  name_zh: {F13}
  colour: \"#D55E00\"
";

const MARKET: &str = "title: {F14}
description: {F15}
source: report
columns:
  spend:
    label: {F16}
    unit: USD bn
  share:
    label: {F17}
    unit: \"%\"
    vendor: alibaba-cloud
    part_of: market
breaks:
  - period: 2023-Q2
    label: {F18}
    note: {F19}
rows:
  - period: 2023-Q1
    firm: {F08}
    spend: 7.7
    share: 39
  - period: 2023-Q2
    firm: {F08}
    spend: {value: 8.1, note: {F20}}
    share: {value: 36, firm: {F09}}
  - period: 2023-Q3
    firm: {F08}
    spend: 9.2
    share: 35
";

const BRIEFING: &str = "---
title: {F21}
period: 2023-Q3
summary: {F22}
---

## The quarter

Spend was {{market.spend@2023-Q3}}, and Alibaba had {{market.share@2023-Q3}}.

```chart
id: hostile-line
kind: line
title: {F23}
data: market
y: spend
caption: {F24}
annotate:
  - period: 2023-Q1
    label: {F25}
reference:
  - value: 8
    label: {F26}
```

```chart
id: hostile-bar
kind: bar
title: {F27}
data: market
y: share
```
";

const ABOUT: &str = "---
title: {F28}
description: {F29}
---

About this site.
";

/// A YAML double-quoted scalar that reads back as `text`, whatever it holds.
fn yaml_string(text: &str) -> String {
    let mut out = String::from("\"");
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if (c as u32) < 0x20 || c == '\u{7F}' => {
                out.push_str(&format!("\\x{:02X}", c as u32))
            }
            c if matches!(c as u32, 0x80..=0x9F | 0xFEFF | 0x2028 | 0x2029) => {
                out.push_str(&format!("\\u{:04X}", c as u32))
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// The part of a field that is not the test's: a source URL must be a web address.
fn prefix(i: usize) -> &'static str {
    if i == 7 {
        "https://sources.example/?q="
    } else {
        ""
    }
}

fn fill(template: &str, values: &[String]) -> String {
    let mut text = template.to_string();
    for (i, v) in values.iter().enumerate() {
        let field = format!("{}{v}", prefix(i));
        text = text.replace(&format!("{{F{i:02}}}"), &yaml_string(&field));
    }
    text
}

fn site(values: &[String]) -> ContentFiles {
    let file = |path: &str, template: &str| SourceFile::new(path, fill(template, values));
    ContentFiles {
        site: Some(file("content/site.yaml", SITE)),
        sources: Some(file("content/data/sources.yaml", SOURCES)),
        vendors: Some(file("content/data/vendors.yaml", VENDORS)),
        datasets: vec![file("content/data/market.yaml", MARKET)],
        briefings: vec![file("content/briefings/2023-q3.md", BRIEFING)],
        pages: vec![file("content/pages/about.md", ABOUT)],
        ..ContentFiles::default()
    }
}

fn build(files: &ContentFiles) -> Result<Vec<OutputFile>, String> {
    let options = quarterly::BuildOptions {
        drafts: true,
        ..Default::default()
    };
    let rendered = quarterly::render_from_files(files, options).map_err(|d| d.to_string())?;
    // Images come as the SVG they are drawn from: their text is escaped as any SVG's.
    let images = rendered.images.into_iter().map(|i| OutputFile {
        path: format!("{}.svg", i.path),
        bytes: i.svg.into_bytes(),
    });
    let mut files: Vec<OutputFile> = rendered.files.into_iter().chain(images).collect();
    files.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(files)
}

/// The plain token of field `i`: letters only, so it lands as it is in every context.
fn token(i: usize) -> String {
    format!("Qz{}zQ", (b'a' + i as u8) as char)
}

/// What a field reads back as: characters no document can carry become U+FFFD.
fn published(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '\t' | '\n' | '\r' => c,
            c if (c as u32) < 0x20 || c == '\u{7F}' || c == '\u{FFFE}' || c == '\u{FFFF}' => {
                '\u{FFFD}'
            }
            c => c,
        })
        .collect()
}

/// `plain` with every token replaced by its hostile value as it reads back: in HTML and XML
/// with the characters no document can carry replaced, elsewhere (JSON, CSV) exactly.
fn expected(plain: &str, hostile: &[String], markup: bool) -> String {
    let mut text = plain.to_string();
    for (i, v) in hostile.iter().enumerate() {
        let back = if markup { published(v) } else { v.clone() };
        text = text.replace(&token(i), &back);
    }
    text
}

/// One node of a parsed HTML page: an element with its sorted attributes, or text.
#[derive(Debug, PartialEq)]
enum HtmlNode {
    Element(String, Vec<(String, String)>),
    Text(String),
    Other,
}

fn html_nodes(html: &str) -> Vec<HtmlNode> {
    let document = scraper::Html::parse_document(html);
    assert!(
        document.errors.is_empty() || !html.is_empty(),
        "parse errors are allowed, structure is compared"
    );
    document
        .tree
        .root()
        .descendants()
        .map(|node| match node.value() {
            scraper::Node::Element(e) => {
                let mut attrs: Vec<(String, String)> = e
                    .attrs()
                    .map(|(k, v)| (k.to_string(), v.to_string()))
                    .collect();
                attrs.sort();
                HtmlNode::Element(e.name().to_string(), attrs)
            }
            scraper::Node::Text(t) => HtmlNode::Text(t.to_string()),
            _ => HtmlNode::Other,
        })
        .collect()
}

fn compare_json(
    page: &str,
    plain: &serde_json::Value,
    hostile: &serde_json::Value,
    values: &[String],
) {
    use serde_json::Value;
    match (plain, hostile) {
        (Value::String(p), Value::String(h)) => {
            assert_eq!(h, &expected(p, values, false), "{page}: JSON string")
        }
        (Value::Array(p), Value::Array(h)) => {
            assert_eq!(p.len(), h.len(), "{page}: JSON array length");
            for (p, h) in p.iter().zip(h) {
                compare_json(page, p, h, values);
            }
        }
        (Value::Object(p), Value::Object(h)) => {
            let keys: Vec<&String> = p.keys().collect();
            assert_eq!(keys, h.keys().collect::<Vec<_>>(), "{page}: JSON keys");
            for (k, p) in p {
                compare_json(page, p, &h[k], values);
            }
        }
        (p, h) => assert_eq!(p, h, "{page}: JSON value"),
    }
}

fn compare_html(page: &str, plain: &str, hostile: &str, values: &[String]) {
    let (p, h) = (html_nodes(plain), html_nodes(hostile));
    assert_eq!(p.len(), h.len(), "{page}: same number of nodes");
    let mut in_json_script = false;
    for (p, h) in p.iter().zip(&h) {
        match (p, h) {
            (HtmlNode::Element(pn, pa), HtmlNode::Element(hn, ha)) => {
                assert_eq!(pn, hn, "{page}: same elements in the same order");
                let names =
                    |a: &[(String, String)]| a.iter().map(|x| x.0.clone()).collect::<Vec<_>>();
                assert_eq!(
                    names(pa),
                    names(ha),
                    "{page}: <{pn}> has the same attributes"
                );
                // Attributes that hold no field may differ: chart geometry follows the
                // width of the text it makes room for.
                for ((name, pv), (_, hv)) in pa.iter().zip(ha) {
                    if pv.contains("zQ") {
                        assert_eq!(hv, &expected(pv, values, true), "{page}: <{pn} {name}>");
                    }
                }
                in_json_script = pn == "script"
                    && pa
                        .iter()
                        .any(|(k, v)| k == "type" && v == "application/json");
            }
            (HtmlNode::Text(pt), HtmlNode::Text(ht)) if in_json_script => {
                let pj: serde_json::Value = serde_json::from_str(pt).expect("index parses");
                let hj: serde_json::Value = serde_json::from_str(ht)
                    .unwrap_or_else(|e| panic!("{page}: the search index still parses: {e}"));
                compare_json(page, &pj, &hj, values);
                in_json_script = false;
            }
            // The embed code on a chart's page is HTML shown as text: its title attribute,
            // read as HTML, reads back as written.
            (HtmlNode::Text(pt), HtmlNode::Text(ht)) if pt.starts_with("<iframe ") => {
                let title = |html: &str| {
                    let doc = scraper::Html::parse_fragment(html);
                    let iframe = scraper::Selector::parse("iframe").unwrap();
                    doc.select(&iframe)
                        .next()
                        .and_then(|e| e.value().attr("title"))
                        .map(String::from)
                };
                assert_eq!(
                    title(ht),
                    title(pt).map(|t| expected(&t, values, true)),
                    "{page}: the embed code's title reads back"
                );
            }
            (HtmlNode::Text(pt), HtmlNode::Text(ht)) => {
                let want = expected(pt, values, true);
                // A chart label too wide for its room is cut short with an ellipsis.
                let cut_to_fit = ht
                    .strip_suffix('…')
                    .is_some_and(|start| want.starts_with(start));
                if !cut_to_fit {
                    assert_eq!(ht, &want, "{page}: text reads back");
                }
            }
            (HtmlNode::Other, HtmlNode::Other) => {}
            (p, h) => panic!("{page}: {p:?} became {h:?}"),
        }
    }
}

fn compare_xml(page: &str, plain: &str, hostile: &str, values: &[String]) {
    let p = roxmltree::Document::parse(plain).expect("plain XML parses");
    let h = roxmltree::Document::parse(hostile)
        .unwrap_or_else(|e| panic!("{page}: the XML still parses: {e}"));
    let pn: Vec<roxmltree::Node> = p.descendants().collect();
    let hn: Vec<roxmltree::Node> = h.descendants().collect();
    assert_eq!(pn.len(), hn.len(), "{page}: same number of XML nodes");
    for (p, h) in pn.iter().zip(&hn) {
        assert_eq!(p.tag_name(), h.tag_name(), "{page}");
        // An Atom entry's HTML content is a page of its own, escaped into the XML.
        let html_content = |n: &roxmltree::Node| {
            n.parent_element().is_some_and(|e| {
                e.tag_name().name() == "content" && e.attribute("type") == Some("html")
            })
        };
        if let (Some(pt), Some(ht)) = (p.text(), h.text())
            && p.is_text()
        {
            if html_content(p) {
                compare_html(&format!("{page} (entry content)"), pt, ht, values);
            } else {
                assert_eq!(ht, expected(pt, values, true), "{page}: XML text");
            }
        }
        for (pa, ha) in p.attributes().zip(h.attributes()) {
            assert_eq!(pa.name(), ha.name(), "{page}");
            assert_eq!(
                ha.value(),
                expected(pa.value(), values, true),
                "{page}: XML attribute"
            );
        }
    }
}

fn compare_csv(page: &str, plain: &[u8], hostile: &[u8], values: &[String]) {
    let rows = |bytes: &[u8]| -> Vec<Vec<String>> {
        csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(bytes)
            .records()
            .map(|r| r.expect("CSV parses").iter().map(str::to_string).collect())
            .collect()
    };
    let (p, h) = (rows(plain), rows(hostile));
    assert_eq!(p.len(), h.len(), "{page}: same rows");
    for (p, h) in p.iter().zip(&h) {
        let expect: Vec<String> = p.iter().map(|f| expected(f, values, false)).collect();
        assert_eq!(h, &expect, "{page}: CSV fields read back");
    }
}

/// The JSON a file of the search index hands to the page: `quarterlySearch("d",0,JSON);`.
/// The file is ASCII, so it reads the same in any encoding.
fn index_json(page: &str, text: &str) -> serde_json::Value {
    assert!(text.is_ascii(), "{page}: the search index is ASCII");
    let json = text
        .strip_prefix("quarterlySearch(\"")
        .and_then(|rest| rest.split_once(',')?.1.split_once(','))
        .and_then(|(_, rest)| rest.strip_suffix(");\n"))
        .unwrap_or_else(|| panic!("{page}: not a call of quarterlySearch: {text}"));
    serde_json::from_str(json).unwrap_or_else(|e| panic!("{page}: the search index parses: {e}"))
}

fn check(values: Vec<String>) {
    let tokens: Vec<String> = (0..FIELDS).map(token).collect();
    let plain = build(&site(&tokens)).expect("the plain site builds");
    let hostile = build(&site(&values))
        .unwrap_or_else(|d| panic!("the hostile site builds:\n{d}\nvalues: {values:?}"));
    let paths = |files: &[OutputFile]| files.iter().map(|f| f.path.clone()).collect::<Vec<_>>();
    assert_eq!(paths(&plain), paths(&hostile), "the same files are built");
    for (p, h) in plain.iter().zip(&hostile) {
        let (pt, ht) = (
            String::from_utf8_lossy(&p.bytes),
            String::from_utf8_lossy(&h.bytes),
        );
        if p.path.ends_with(".html") {
            compare_html(&p.path, &pt, &ht, &values);
        } else if p.path.ends_with(".svg") {
            compare_svg(&p.path, &pt, &ht, &values);
        } else if p.path.ends_with(".xml") {
            compare_xml(&p.path, &pt, &ht, &values);
        } else if p.path.ends_with(".csv") {
            compare_csv(&p.path, &p.bytes, &h.bytes, &values);
        } else if p.path.starts_with("search/d-") {
            // What a result shows: titles and summaries, exactly as written.
            let (pj, hj) = (index_json(&p.path, &pt), index_json(&h.path, &ht));
            compare_json(&p.path, &pj, &hj, &values);
        } else if p.path.starts_with("search/t-") {
            // Terms come from the text, so the two builds have different ones; each still
            // reads back as an object of token to postings.
            for (page, text) in [(&p.path, &pt), (&h.path, &ht)] {
                assert!(index_json(page, text).is_object(), "{page}");
            }
        } else if p.path.ends_with(".json") {
            let pj: serde_json::Value = serde_json::from_str(&pt).expect("JSON parses");
            let hj: serde_json::Value = serde_json::from_str(&ht).expect("hostile JSON parses");
            compare_json(&p.path, &pj, &hj, &values);
        }
    }
}

/// A chart's standalone SVG, or the SVG an image is drawn from: text in them is wrapped into
/// lines and cut to fit, so it cannot read back whole; what holds is that every piece
/// stays text. The hostile file parses, has the same elements, no script, handler or link,
/// and its `<title>` and `<desc>` read back as written.
fn compare_svg(page: &str, plain: &str, hostile: &str, values: &[String]) {
    let p = roxmltree::Document::parse(plain).unwrap_or_else(|e| panic!("{page}: {e}"));
    let h = roxmltree::Document::parse(hostile)
        .unwrap_or_else(|e| panic!("{page}: the hostile SVG parses: {e}"));
    for node in h.descendants().filter(|n| n.is_element()) {
        let name = node.tag_name().name();
        assert!(
            !matches!(name, "script" | "foreignObject" | "a" | "iframe"),
            "{page}: <{name}>"
        );
        for attr in node.attributes() {
            assert!(
                !attr.name().starts_with("on") && !attr.name().ends_with("href"),
                "{page}: {}",
                attr.name()
            );
        }
    }
    let named = |doc: &roxmltree::Document, tag: &str| -> Vec<String> {
        doc.descendants()
            .filter(|n| n.has_tag_name(tag))
            .map(|n| n.text().unwrap_or_default().to_string())
            .collect()
    };
    for tag in ["title", "desc"] {
        let want: Vec<String> = named(&p, tag)
            .iter()
            .map(|t| expected(t, values, true))
            .collect();
        assert_eq!(named(&h, tag), want, "{page}: <{tag}> reads back");
    }
    let elements = |doc: &roxmltree::Document| -> Vec<String> {
        doc.descendants()
            .filter(|n| n.is_element() && n.tag_name().name() != "text")
            .map(|n| n.tag_name().name().to_string())
            .collect()
    };
    assert_eq!(elements(&p), elements(&h), "{page}: the same drawing");
}

/// Pieces that break one context or another, and characters that are hard to carry.
fn hostile_piece() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("<".to_string()),
        Just(">".to_string()),
        Just("&".to_string()),
        Just("&amp;".to_string()),
        Just("\"".to_string()),
        Just("'".to_string()),
        Just("</".to_string()),
        Just("</script>".to_string()),
        Just("<!--".to_string()),
        Just("-->".to_string()),
        Just("]]>".to_string()),
        Just("{{".to_string()),
        Just("}}".to_string()),
        Just("\\".to_string()),
        Just("\u{1}".to_string()),
        Just("\u{7}".to_string()),
        Just("\u{1B}".to_string()),
        Just("\r".to_string()),
        Just("\u{200F}".to_string()),
        Just("\u{202E}".to_string()),
        Just("😀".to_string()),
        Just("𝕏".to_string()),
        Just("阿里云".to_string()),
        Just(",".to_string()),
        Just(" ".to_string()),
        "[a-z]{1,3}",
    ]
}

/// A hostile value for field `i`: a marker no other text contains (so no field is found by
/// accident in another, as vendor names are in prose), then a few hostile pieces.
fn hostile_value(i: usize) -> impl Strategy<Value = String> {
    prop::collection::vec(hostile_piece(), 1..4)
        .prop_map(move |pieces| format!("§{}{}", (b'a' + i as u8) as char, pieces.concat()))
}

fn hostile_values() -> impl Strategy<Value = Vec<String>> {
    (0..FIELDS).map(hostile_value).collect::<Vec<_>>()
}

fn cases() -> u32 {
    std::env::var("QUARTERLY_ESCAPING_CASES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(48)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(), ..ProptestConfig::default() })]

    #[test]
    fn hostile_text_in_every_field_reads_back_as_written(values in hostile_values()) {
        check(values);
    }
}

#[test]
fn the_worst_pieces_together_in_every_field() {
    let worst = "</script><!--\"'&amp;]]>{{\\\u{1}\r\u{202E}😀-->";
    check((0..FIELDS).map(|i| format!("§{i}{worst}")).collect());
}
