//! The geometry of a chart's SVG as a reader's browser draws it: the box each mark and each
//! text covers, with text measured by the font the pages draw chart text in, so tests can
//! check that everything is inside the viewBox and that labels do not collide.
//!
//! Plotters moves every point that falls outside the drawing area onto its edge, so what can
//! leave the viewBox is what extends from a point: a text's width, a marker's radius, a
//! stroke. Where a mark sits against the data is for the tests of each chart kind.

#![allow(dead_code)]

use quarterly::render::charts::text::text_width;
use roxmltree::{Document, Node};

/// A box in SVG units.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Bounds {
    pub left: f64,
    pub top: f64,
    pub right: f64,
    pub bottom: f64,
}

impl Bounds {
    pub fn contains(&self, inner: &Bounds) -> bool {
        inner.left >= self.left
            && inner.top >= self.top
            && inner.right <= self.right
            && inner.bottom <= self.bottom
    }

    /// Whether the boxes share an area (touching edges do not count).
    pub fn overlaps(&self, other: &Bounds) -> bool {
        self.left < other.right
            && other.left < self.right
            && self.top < other.bottom
            && other.top < self.bottom
    }

    pub fn centre_y(&self) -> f64 {
        (self.top + self.bottom) / 2.0
    }
}

fn number(node: Node, attr: &str) -> f64 {
    let value = node
        .attribute(attr)
        .unwrap_or_else(|| panic!("<{}> without {attr}", node.tag_name().name()));
    value
        .parse()
        .unwrap_or_else(|e| panic!("<{}> {attr}=\"{value}\": {e}", node.tag_name().name()))
}

/// The `viewBox` of the document's root `<svg>`.
pub fn view_box(doc: &Document) -> Bounds {
    let root = doc.root_element();
    let values: Vec<f64> = root
        .attribute("viewBox")
        .expect("a viewBox")
        .split_whitespace()
        .map(|v| v.parse().expect("a number"))
        .collect();
    let [x, y, w, h] = values[..] else {
        panic!("viewBox {values:?}");
    };
    Bounds {
        left: x,
        top: y,
        right: x + w,
        bottom: y + h,
    }
}

/// The drawn elements of a chart, in drawing order: rectangles, circles, paths and texts
/// outside pattern definitions (whose contents are drawn in the pattern's own space).
pub fn drawn<'a, 'i>(doc: &'a Document<'i>) -> Vec<Node<'a, 'i>> {
    doc.root_element()
        .descendants()
        .filter(|n| matches!(n.tag_name().name(), "rect" | "circle" | "path" | "text"))
        .filter(|n| !n.ancestors().any(|a| a.has_tag_name("defs")))
        .collect()
}

/// Whether `node`'s class list has `class`.
pub fn has_class(node: Node, class: &str) -> bool {
    node.attribute("class")
        .is_some_and(|c| c.split(' ').any(|c| c == class))
}

/// The classes of `node` that name a colour (`c-alibaba-cloud`, `c-p0`).
pub fn colour_class<'a>(node: Node<'a, '_>) -> Option<&'a str> {
    node.attribute("class")?
        .split(' ')
        .find(|c| c.starts_with("c-"))
}

/// The subpaths of a path's `d` (written with M, L, H, V and Z), as points.
pub fn subpaths(d: &str) -> Vec<Vec<(f64, f64)>> {
    let mut tokens = Vec::new();
    let mut current = String::new();
    for c in d.chars() {
        if c.is_ascii_alphabetic() {
            if !current.trim().is_empty() {
                tokens.push(current.clone());
            }
            current.clear();
            tokens.push(c.to_string());
        } else if c == ' ' || c == ',' {
            if !current.is_empty() {
                tokens.push(current.clone());
            }
            current.clear();
        } else {
            current.push(c);
        }
    }
    if !current.is_empty() {
        tokens.push(current);
    }
    let mut paths: Vec<Vec<(f64, f64)>> = Vec::new();
    let mut at = (0.0, 0.0);
    let mut command = ' ';
    let mut i = 0;
    let num = |i: usize| -> f64 {
        tokens
            .get(i)
            .and_then(|t| t.parse().ok())
            .unwrap_or_else(|| panic!("a number at token {i} of `{d}`"))
    };
    while i < tokens.len() {
        if let Some(c) = tokens[i].chars().next().filter(char::is_ascii_alphabetic) {
            command = c;
            i += 1;
            if c == 'Z' || c == 'z' {
                continue;
            }
        }
        match command {
            'M' => {
                at = (num(i), num(i + 1));
                paths.push(vec![at]);
                i += 2;
                command = 'L';
                continue;
            }
            'L' => {
                at = (num(i), num(i + 1));
                i += 2;
            }
            'H' => {
                at.0 = num(i);
                i += 1;
            }
            'V' => {
                at.1 = num(i);
                i += 1;
            }
            other => panic!("path command {other} in `{d}`"),
        }
        paths.last_mut().expect("a path starts with M").push(at);
    }
    paths
}

/// The box a text covers: its advance width measured with the chart font, placed by its
/// anchor, and one em tall, 0.8 em of it above the baseline (the convention the charts place
/// text by: `dy=".8em"` hangs text below `y`, `dy=".35em"` centres it on `y`).
pub fn text_bounds(node: Node) -> Bounds {
    let size = number(node, "font-size");
    let text: String = node
        .descendants()
        .filter(|n| n.is_text())
        .filter_map(|n| n.text())
        .collect();
    let width = text_width(&text, size);
    let (x, y) = (number(node, "x"), number(node, "y"));
    let left = match node.attribute("text-anchor") {
        None | Some("start") => x,
        Some("middle") => x - width / 2.0,
        Some("end") => x - width,
        Some(other) => panic!("text-anchor {other}"),
    };
    let dy = match node.attribute("dy") {
        None => 0.0,
        Some(em) => {
            let em: f64 = em
                .strip_suffix("em")
                .and_then(|n| n.parse().ok())
                .unwrap_or_else(|| panic!("dy {em}"));
            em * size
        }
    };
    let baseline = y + dy;
    Bounds {
        left,
        top: baseline - 0.8 * size,
        right: left + width,
        bottom: baseline + 0.2 * size,
    }
}

/// The box a drawn element covers, strokes included.
pub fn bounds(node: Node) -> Bounds {
    let stroke = if node.attribute("stroke").is_some_and(|s| s != "none") {
        node.attribute("stroke-width")
            .map_or(1.0, |w| w.parse().expect("a stroke width"))
            / 2.0
    } else {
        0.0
    };
    let mut b = match node.tag_name().name() {
        "rect" => {
            let (x, y) = (number(node, "x"), number(node, "y"));
            Bounds {
                left: x,
                top: y,
                right: x + number(node, "width"),
                bottom: y + number(node, "height"),
            }
        }
        "circle" => {
            let (x, y, r) = (number(node, "cx"), number(node, "cy"), number(node, "r"));
            Bounds {
                left: x - r,
                top: y - r,
                right: x + r,
                bottom: y + r,
            }
        }
        "path" => {
            let points: Vec<(f64, f64)> = subpaths(node.attribute("d").expect("d"))
                .into_iter()
                .flatten()
                .collect();
            assert!(!points.is_empty(), "an empty path");
            Bounds {
                left: points.iter().map(|p| p.0).fold(f64::INFINITY, f64::min),
                top: points.iter().map(|p| p.1).fold(f64::INFINITY, f64::min),
                right: points.iter().map(|p| p.0).fold(f64::NEG_INFINITY, f64::max),
                bottom: points.iter().map(|p| p.1).fold(f64::NEG_INFINITY, f64::max),
            }
        }
        "text" => return text_bounds(node),
        other => panic!("no bounds for <{other}>"),
    };
    b.left -= stroke;
    b.top -= stroke;
    b.right += stroke;
    b.bottom += stroke;
    b
}

/// A drawn element, for messages: its tag, class and text.
pub fn describe(node: Node) -> String {
    let text = node.text().map_or(String::new(), |t| format!(" `{t}`"));
    format!(
        "<{} class=\"{}\">{text}",
        node.tag_name().name(),
        node.attribute("class").unwrap_or("")
    )
}

/// Every drawn element (text measured with the chart font) that is not wholly inside the
/// viewBox, described with its box.
pub fn outside_view_box(doc: &Document) -> Vec<String> {
    let view = view_box(doc);
    drawn(doc)
        .into_iter()
        .filter_map(|n| {
            let b = bounds(n);
            (!view.contains(&b)).then(|| format!("{} at {b:?}, outside {view:?}", describe(n)))
        })
        .collect()
}

/// Every drawn element but text that is not wholly inside the viewBox.
pub fn marks_outside_view_box(doc: &Document) -> Vec<String> {
    let view = view_box(doc);
    drawn(doc)
        .into_iter()
        .filter(|n| !n.has_tag_name("text"))
        .filter_map(|n| {
            let b = bounds(n);
            (!view.contains(&b)).then(|| format!("{} at {b:?}, outside {view:?}", describe(n)))
        })
        .collect()
}

/// Every text with one of `classes` whose box (measured with the chart font) is not wholly
/// inside the viewBox, and every other text whose anchor point is not.
pub fn texts_outside_view_box(doc: &Document, classes: &[&str]) -> Vec<String> {
    let view = view_box(doc);
    drawn(doc)
        .into_iter()
        .filter(|n| n.has_tag_name("text"))
        .filter_map(|n| {
            let b = if classes.iter().any(|c| has_class(n, c)) {
                text_bounds(n)
            } else {
                let (x, y) = (number(n, "x"), number(n, "y"));
                Bounds {
                    left: x,
                    top: y,
                    right: x,
                    bottom: y,
                }
            };
            (!view.contains(&b)).then(|| format!("{} at {b:?}, outside {view:?}", describe(n)))
        })
        .collect()
}

/// Every pair of texts whose boxes overlap, described.
pub fn overlapping_texts(doc: &Document) -> Vec<String> {
    let texts: Vec<(Node, Bounds)> = drawn(doc)
        .into_iter()
        .filter(|n| n.has_tag_name("text"))
        .map(|n| (n, text_bounds(n)))
        .collect();
    let mut found = Vec::new();
    for (i, (a, ab)) in texts.iter().enumerate() {
        for (b, bb) in &texts[i + 1..] {
            if ab.overlaps(bb) {
                found.push(format!(
                    "{} at {ab:?} overlaps {} at {bb:?}",
                    describe(*a),
                    describe(*b)
                ));
            }
        }
    }
    found
}

/// The `class="label"` texts that share a column with another label and sit closer to it
/// than `gap`, centre to centre: direct labels, bar names and legend entries must each get
/// their own line.
pub fn crowded_labels(doc: &Document, gap: f64) -> Vec<String> {
    let labels: Vec<(Node, Bounds)> = drawn(doc)
        .into_iter()
        .filter(|n| n.has_tag_name("text") && has_class(*n, "label"))
        .map(|n| (n, text_bounds(n)))
        .collect();
    let mut found = Vec::new();
    for (i, (a, ab)) in labels.iter().enumerate() {
        for (b, bb) in &labels[i + 1..] {
            let same_column = ab.left < bb.right && bb.left < ab.right;
            let apart = (ab.centre_y() - bb.centre_y()).abs();
            // (The centres are whole pixels apart, up to floating-point error.)
            if same_column && apart < gap - 1e-6 {
                found.push(format!(
                    "{} and {} are {apart} apart",
                    describe(*a),
                    describe(*b)
                ));
            }
        }
    }
    found
}
