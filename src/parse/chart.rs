//! A ```chart block's YAML, as a chart spec with every key's position.

use super::yaml::{NodeKind, Reader, parse_yaml};
use crate::diagnostics::{Diagnostics, Loc};
use crate::model::{ChartKind, ChartSpec, Ref, SourceFile};
use crate::period::Period;

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
    let fence = Loc {
        line: fence_line,
        column: 1,
        len: 8,
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
    let entries = r.map(&node, "a chart");
    let f = r.fields(
        entries,
        &[
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
        ],
        "a chart",
    );
    let at_fence = super::yaml::Node {
        kind: NodeKind::Null,
        line: fence.line,
        column: 1,
        len: 8,
    };
    let kind = f
        .require("kind", &at_fence, &mut r, "the chart")
        .and_then(|n| {
            let text = r.text(n, "`kind`")?;
            let kind = ChartKind::parse(&text);
            if kind.is_none() {
                let hint = crate::diagnostics::suggestion(&text, "chart kind", ChartKind::NAMES);
                r.error_at(n, format!("unknown chart kind `{text}`"), hint);
            }
            kind
        });
    let title = f
        .require("title", &at_fence, &mut r, "the chart")
        .and_then(|n| r.text(n, "`title`"));
    let data = f
        .require("data", &at_fence, &mut r, "the chart")
        .and_then(|n| {
            Some(Ref {
                id: r.text(n, "`data`")?,
                at: Loc {
                    line: n.line,
                    column: n.column,
                    len: n.len,
                },
            })
        });
    let to_ref = |r: &mut Reader, n: &super::yaml::Node| {
        Some(Ref {
            id: r.text(n, "a column")?,
            at: Loc {
                line: n.line,
                column: n.column,
                len: n.len,
            },
        })
    };
    let columns = f
        .require("y", &at_fence, &mut r, "the chart")
        .map(|n| match &n.kind {
            NodeKind::Seq(items) => items.iter().filter_map(|i| to_ref(&mut r, i)).collect(),
            _ => to_ref(&mut r, n).into_iter().collect::<Vec<_>>(),
        });
    let period = |r: &mut Reader, name: &str| {
        let n = f.get(name)?;
        let text = n.as_text()?;
        match text.parse::<Period>() {
            Ok(p) => Some((
                p,
                Loc {
                    line: n.line,
                    column: n.column,
                    len: n.len,
                },
            )),
            Err(e) => {
                r.error_at(n, e.0, "");
                None
            }
        }
    };
    let from = period(&mut r, "from");
    let to = period(&mut r, "to");
    let single = period(&mut r, "period");
    let mut annotations = Vec::new();
    if let Some(list) = f.get("annotate") {
        for item in r.seq(list, "`annotate`") {
            let entries = r.map(item, "an annotation");
            let af = r.fields(entries, &["period", "label"], "an annotation");
            let p = af
                .require("period", item, &mut r, "the annotation")
                .and_then(|n| {
                    let text = n.as_text()?;
                    match text.parse::<Period>() {
                        Ok(p) => Some((p, n)),
                        Err(e) => {
                            r.error_at(n, e.0, "");
                            None
                        }
                    }
                });
            let label = af
                .require("label", item, &mut r, "the annotation")
                .and_then(|n| r.text(n, "`label`"));
            if let (Some((period, n)), Some(label)) = (p, label) {
                annotations.push(crate::model::Annotation {
                    period,
                    label,
                    at: Loc {
                        line: n.line,
                        column: n.column,
                        len: n.len,
                    },
                });
            }
        }
    }
    let mut references = Vec::new();
    if let Some(list) = f.get("reference") {
        for item in r.seq(list, "`reference`") {
            let entries = r.map(item, "a reference line");
            let rf = r.fields(entries, &["value", "label"], "a reference line");
            let value = rf
                .require("value", item, &mut r, "the reference line")
                .and_then(|n| r.number(n, "`value`"));
            let label = rf
                .get("label")
                .and_then(|n| r.text(n, "`label`"))
                .unwrap_or_default();
            if let Some(value) = value {
                references.push(crate::model::ReferenceLine { value, label });
            }
        }
    }
    let caption = f.get("caption").and_then(|n| r.text(n, "`caption`"));
    Some(ChartSpec {
        kind: kind?,
        title: title?,
        caption,
        data: data?,
        columns: columns?,
        from,
        to,
        period: single,
        annotations,
        references,
        at: fence,
    })
}
