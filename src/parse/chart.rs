//! A ```chart block's YAML, as a chart spec with every key's position. Read in the phases
//! the block is written in: what to draw (kind, title, dataset, columns), which periods
//! (range or single period), and what to mark (annotations, reference lines).

use super::yaml::{Fields, Node, NodeKind, Reader, parse_yaml};
use crate::diagnostics::{Diagnostics, Loc, suggestion};
use crate::model::{Annotation, ChartKind, ChartSpec, Ref, ReferenceLine, SourceFile};
use crate::period::Period;

const KEYS: [&str; 11] = [
    "id",
    "kind",
    "title",
    "data",
    "y",
    "from",
    "to",
    "period",
    "annotate",
    "reference",
    "caption",
];

/// Parses the YAML of a chart block whose fence (```chart) is on `fence_line`.
pub fn parse_chart(
    file: &SourceFile,
    yaml: &str,
    fence_line: usize,
    diagnostics: &mut Diagnostics,
) -> Option<ChartSpec> {
    let node = match parse_yaml(file, yaml, fence_line + 1) {
        Ok(node) => node,
        Err(d) => {
            diagnostics.push(*d);
            return None;
        }
    };
    let mut r = Reader::new(file, diagnostics);
    if !matches!(node.kind, NodeKind::Map(_)) {
        r.error_at(
            &node,
            "a chart block holds a YAML map",
            "write `kind:`, `title:`, `data:` and `y:` lines",
        );
        return None;
    }
    // A missing key is reported at the fence, where the block starts.
    let fence = Node {
        kind: NodeKind::Null,
        line: fence_line,
        column: 1,
        len: 8,
        offset: None,
    };
    let entries = r.map(&node, "a chart");
    let f = r.fields(entries, &KEYS, "a chart");
    let kind = f
        .require("kind", &fence, &mut r, "the chart")
        .and_then(|n| chart_kind(&mut r, n));
    let title = f
        .require("title", &fence, &mut r, "the chart")
        .and_then(|n| r.text(n, "`title`"));
    let data = f
        .require("data", &fence, &mut r, "the chart")
        .and_then(|n| r.reference(n, "`data`"));
    let columns = f
        .require("y", &fence, &mut r, "the chart")
        .map(|n| match &n.kind {
            NodeKind::Seq(items) => items
                .iter()
                .filter_map(|i| r.reference(i, "a column"))
                .collect(),
            _ => r.reference(n, "a column").into_iter().collect(),
        });
    let from = period_at(&mut r, &f, "from");
    let to = period_at(&mut r, &f, "to");
    let period = period_at(&mut r, &f, "period");
    let annotations = f
        .get("annotate")
        .map(|n| annotations(&mut r, n))
        .unwrap_or_default();
    let references = f
        .get("reference")
        .map(|n| reference_lines(&mut r, n))
        .unwrap_or_default();
    let caption = f.get("caption").and_then(|n| r.text(n, "`caption`"));
    let id = f.get("id").and_then(|n| {
        let at = n.loc();
        r.id(n, "`id`").map(|id| Ref { id, at })
    });
    Some(ChartSpec {
        id,
        kind: kind?,
        title: title?,
        caption,
        data: data?,
        columns: columns?,
        from,
        to,
        period,
        annotations,
        references,
        at: fence.loc(),
    })
}

fn chart_kind(r: &mut Reader, node: &Node) -> Option<ChartKind> {
    let text = r.text(node, "`kind`")?;
    let kind = ChartKind::parse(&text);
    if kind.is_none() {
        let hint = suggestion(&text, "chart kind", ChartKind::NAMES);
        r.error_at(node, format!("unknown chart kind `{text}`"), hint);
    }
    kind
}

/// The period under `key`, with where it was written.
fn period_at(r: &mut Reader, f: &Fields, key: &str) -> Option<(Period, Loc)> {
    let n = f.get(key)?;
    Some((r.period(n)?, n.loc()))
}

/// `annotate:`: labelled markers at periods.
fn annotations(r: &mut Reader, node: &Node) -> Vec<Annotation> {
    let mut found = Vec::new();
    for item in r.seq(node, "`annotate`") {
        let entries = r.map(item, "an annotation");
        let af = r.fields(entries, &["period", "label"], "an annotation");
        let period = af
            .require("period", item, r, "the annotation")
            .and_then(|n| Some((r.period(n)?, n.loc())));
        let label = af
            .require("label", item, r, "the annotation")
            .and_then(|n| r.text(n, "`label`"));
        if let (Some((period, at)), Some(label)) = (period, label) {
            found.push(Annotation { period, label, at });
        }
    }
    found
}

/// `reference:`: labelled horizontal lines at values.
fn reference_lines(r: &mut Reader, node: &Node) -> Vec<ReferenceLine> {
    let mut found = Vec::new();
    for item in r.seq(node, "`reference`") {
        let entries = r.map(item, "a reference line");
        let rf = r.fields(entries, &["value", "label"], "a reference line");
        let value = rf
            .require("value", item, r, "the reference line")
            .and_then(|n| r.number(n, "`value`"));
        let label = rf
            .get("label")
            .and_then(|n| r.text(n, "`label`"))
            .unwrap_or_default();
        if let Some(value) = value {
            found.push(ReferenceLine { value, label });
        }
    }
    found
}
