//! A dataset file: its title, typed columns, series breaks and rows, each value with its
//! source, firm, qualifier, note and any other published versions. Read in the phases the
//! file is written in: the header, the columns, the breaks, then the rows against them.

use std::collections::BTreeMap;

use super::yaml::{Node, NodeKind, Reader, parse_file, translation_key};
use crate::diagnostics::{Diagnostics, suggestion};
use crate::model::{
    Alternative, Column, Dataset, Qualifier, Ref, Row, SeriesBreak, SourceFile, Translation,
    Translations, Unit, Value,
};
use crate::period::{Granularity, Period};

pub fn parse_dataset(file: &SourceFile, diagnostics: &mut Diagnostics) -> Option<Dataset> {
    let id = file.stem().to_string();
    let root = parse_file(file, diagnostics)?;
    let mut r = Reader::new(file, diagnostics);
    let entries = r.map(&root, "a dataset");
    let f = r.fields_translated(
        entries,
        &[
            "title",
            "description",
            "source",
            "columns",
            "breaks",
            "rows",
        ],
        &["title", "description"],
        "a dataset",
    );
    let translations = f.translations(&mut r);
    let title = f
        .require("title", &root, &mut r, "the dataset")
        .and_then(|n| r.text(n, "`title`"));
    let description = f
        .get("description")
        .and_then(|n| r.text(n, "`description`"))
        .unwrap_or_default();
    let default_source = f.get("source").and_then(|n| r.reference(n, "`source`"));
    let columns = f
        .require("columns", &root, &mut r, "the dataset")
        .map(|n| parse_columns(&mut r, n))
        .unwrap_or_default();
    let breaks = f
        .get("breaks")
        .map(|n| parse_breaks(&mut r, n))
        .unwrap_or_default();
    let (rows, granularity) = f
        .require("rows", &root, &mut r, "the dataset")
        .map(|n| parse_rows(&mut r, n, &id, &columns, default_source.as_ref()))
        .unwrap_or_default();
    for b in &breaks {
        if granularity.is_some_and(|g| g != b.period.granularity()) {
            r.error_at_loc(
                b.at,
                format!(
                    "series break at `{}` does not match this dataset's periods",
                    b.period
                ),
                "",
            );
        }
    }
    Some(Dataset {
        id,
        file: file.clone(),
        title: title?,
        description,
        translations,
        language: Default::default(),
        granularity: granularity.unwrap_or(Granularity::Quarter),
        columns,
        breaks,
        rows,
    })
}

/// The `columns:` map: one typed column per key.
fn parse_columns(r: &mut Reader, node: &Node) -> Vec<Column> {
    let mut columns = Vec::new();
    for (key, value) in r.map(node, "`columns`") {
        if let Some(column) = parse_column(r, key, value) {
            columns.push(column);
        }
    }
    columns
}

fn parse_column(r: &mut Reader, key: &Node, value: &Node) -> Option<Column> {
    let cid = r.id(key, "a column id")?;
    if ROW_KEYS.contains(&cid.as_str()) {
        r.error_at(
            key,
            format!("`{cid}` cannot be a column id"),
            "rows use `period`, `source`, `firm` and `note` themselves; choose another name",
        );
        return None;
    }
    let what = format!("column `{cid}`");
    let entries = r.map(value, &what);
    let cf = r.fields_translated(
        entries,
        &[
            "label",
            "unit",
            "precision",
            "vendor",
            "part_of",
            "growth_of",
        ],
        &["label"],
        &what,
    );
    let translations = cf.translations(r);
    let label = cf
        .get("label")
        .and_then(|n| r.text(n, "`label`"))
        .unwrap_or_else(|| cid.clone());
    let unit = cf.require("unit", key, r, &what).and_then(|n| {
        let text = r.text(n, "`unit`")?;
        let unit = Unit::parse(&text);
        if unit.is_none() {
            let hint = format!(
                "known units: {}",
                Unit::NAMES.map(|u| format!("`{u}`")).join(", ")
            );
            r.error_at(n, format!("unknown unit `{text}`"), hint);
        }
        unit
    });
    let precision = cf.get("precision").and_then(|n| match n.kind {
        NodeKind::Int(p) if (0..=6).contains(&p) => Some(p as usize),
        _ => {
            r.error_at(
                n,
                "`precision` must be a whole number of decimals from 0 to 6",
                "",
            );
            None
        }
    });
    let vendor = cf.get("vendor").and_then(|n| r.reference(n, "`vendor`"));
    let part_of = cf.get("part_of").and_then(|n| r.text(n, "`part_of`"));
    let growth_of = cf
        .get("growth_of")
        .and_then(|n| r.reference(n, "`growth_of`"));
    Some(Column {
        id: cid,
        label,
        unit: unit?,
        precision,
        vendor,
        part_of,
        growth_of,
        translations,
        at: key.loc(),
    })
}

/// The `breaks:` list: periods where a series changes its basis.
fn parse_breaks(r: &mut Reader, node: &Node) -> Vec<SeriesBreak> {
    let mut breaks = Vec::new();
    for item in r.seq(node, "`breaks`") {
        let entries = r.map(item, "a series break");
        let bf = r.fields_translated(
            entries,
            &["period", "label", "note"],
            &["label", "note"],
            "a series break",
        );
        let translations = bf.translations(r);
        let period = bf
            .require("period", item, r, "the break")
            .and_then(|n| r.period(n));
        let label = bf
            .require("label", item, r, "the break")
            .and_then(|n| r.text(n, "`label`"));
        let note = bf
            .get("note")
            .and_then(|n| r.text(n, "`note`"))
            .unwrap_or_default();
        if let (Some(period), Some(label)) = (period, label) {
            breaks.push(SeriesBreak {
                period,
                label,
                note,
                translations,
                at: item.loc(),
            });
        }
    }
    breaks
}

/// The `rows:` list, sorted by period; a period may appear once, and every row must have
/// the same kind of period as the first. Returns the rows and that kind.
fn parse_rows(
    r: &mut Reader,
    node: &Node,
    id: &str,
    columns: &[Column],
    default_source: Option<&Ref>,
) -> (Vec<Row>, Option<Granularity>) {
    let mut rows: Vec<Row> = Vec::new();
    let mut seen: BTreeMap<Period, usize> = BTreeMap::new();
    let mut granularity = None;
    for item in r.seq(node, "`rows`") {
        let Some(row) = parse_row(r, item, columns, default_source) else {
            continue;
        };
        if let Some(line) = seen.get(&row.period) {
            r.error_at(
                item,
                format!("duplicate period `{}` in dataset `{id}`", row.period),
                format!(
                    "`{}` already has a row at line {line}; merge the two rows",
                    row.period
                ),
            );
            continue;
        }
        let g = row.period.granularity();
        match granularity {
            None => granularity = Some(g),
            Some(first) if first != g => {
                r.error_at(
                        item,
                        format!("`{}` is a {}, but this dataset's rows are {}s", row.period, g.noun(), first.noun()),
                        "keep one kind of period per dataset; put other periods in a dataset of their own",
                    );
                continue;
            }
            _ => {}
        }
        seen.insert(row.period, row.at.line);
        rows.push(row);
    }
    rows.sort_by_key(|row| row.period);
    (rows, granularity)
}

fn qualifier_of(r: &mut Reader, node: &Node) -> Option<Qualifier> {
    let text = r.text(node, "`qualifier`")?;
    let q = Qualifier::parse(&text);
    if q.is_none() {
        r.error_at(
            node,
            format!("unknown qualifier `{text}`"),
            format!(
                "use {}",
                Qualifier::NAMES.map(|q| format!("`{q}`")).join(", ")
            ),
        );
    }
    q
}

fn parse_row(
    r: &mut Reader,
    item: &Node,
    columns: &[Column],
    default_source: Option<&Ref>,
) -> Option<Row> {
    let entries = r.map(item, "a row");
    let mut period = None;
    let mut row_source = default_source.cloned();
    let mut row_firm = None;
    let mut note = None;
    let mut cells: Vec<Option<Value>> = vec![None; columns.len()];
    let mut translations = Vec::new();
    let mut note_at = None;
    let mut period_key = None;
    for (key, _) in entries {
        if key.as_text().as_deref() == Some("period") {
            period_key = Some(key);
        }
    }
    for (key, value) in entries {
        match key.as_text().as_deref() {
            Some("period") => period = r.period(value),
            Some("source") => row_source = r.reference(value, "`source`"),
            Some("firm") => row_firm = r.reference(value, "`firm`"),
            Some("note") => {
                note = r.text(value, "`note`");
                note_at = Some(("note".to_string(), key.loc()));
            }
            _ => {}
        }
    }
    let row_default = RowDefault {
        source: row_source.as_ref(),
        firm: row_firm.as_ref(),
    };
    for (key, value) in entries {
        let Some(name) = key.as_text() else { continue };
        if ROW_KEYS.contains(&name.as_str()) {
            continue;
        }
        if let Some((field, suffix)) = translation_key(&name, &["note"]) {
            if let Some(text) = r.text(value, &format!("`{name}`")) {
                translations.push(Translation {
                    field,
                    suffix,
                    text,
                    at: value.loc(),
                });
            }
            continue;
        }
        let Some(index) = columns.iter().position(|c| c.id == name) else {
            let hint = suggestion(&name, "column", columns.iter().map(|c| c.id.as_str()));
            r.error_at(
                key,
                format!("unknown column `{name}`"),
                format!("{hint} (columns are declared under `columns:`)"),
            );
            continue;
        };
        cells[index] = parse_value(r, value, &row_default, &name);
    }
    if period_key.is_none() {
        r.error_at(
            item,
            "this row has no `period`",
            "add `period: 2023-Q3` (or the row's period) as its first key",
        );
    }
    Some(Row {
        period: period?,
        note,
        cells,
        translations: Translations(translations, note_at.into_iter().collect()),
        at: item.loc(),
    })
}

/// Keys a row uses itself; no column may have one of these ids.
const ROW_KEYS: [&str; 4] = ["period", "source", "firm", "note"];

/// What a row says of all its values: the page they were read on and the firm that made
/// them. The row's firm goes only with the row's source: a value read elsewhere names its own.
struct RowDefault<'a> {
    source: Option<&'a Ref>,
    firm: Option<&'a Ref>,
}

fn parse_value(r: &mut Reader, node: &Node, row: &RowDefault, column: &str) -> Option<Value> {
    let row_source = row.source;
    let missing_source = |r: &mut Reader, node: &Node| {
        r.error_at(
            node,
            format!("value for `{column}` has no source"),
            "add `source:` to the row (or to the dataset), or write the value as a map with its own `source:`",
        );
    };
    match &node.kind {
        NodeKind::Null => None,
        NodeKind::Map(entries) => {
            let f = r.fields_translated(
                entries,
                &["value", "source", "firm", "qualifier", "note", "also"],
                &["note"],
                "a value",
            );
            let translations = f.translations(r);
            let number_node = f.require("value", node, &mut r.reborrow(), "this value")?;
            let number = if number_node.is_null() {
                None
            } else {
                r.number(number_node, &format!("`{column}`"))
            };
            let (source, row_firm) = match f.get("source") {
                Some(n) => (r.reference(n, "`source`"), None),
                None => (row_source.cloned(), row.firm.cloned()),
            };
            let firm = match f.get("firm") {
                Some(n) => r.reference(n, "`firm`"),
                None => row_firm,
            };
            let qualifier = f.get("qualifier").and_then(|n| qualifier_of(r, n));
            let note = f.get("note").and_then(|n| r.text(n, "`note`"));
            let mut also = Vec::new();
            if let Some(list) = f.get("also") {
                for alt in r.seq(list, "`also`") {
                    let entries = r.map(alt, "another published value");
                    let af = r.fields_translated(
                        entries,
                        &["value", "source", "firm", "qualifier", "note"],
                        &["note"],
                        "another published value",
                    );
                    let translations = af.translations(r);
                    let n = af
                        .require("value", alt, &mut r.reborrow(), "this value")
                        .and_then(|n| r.number(n, "`value`"));
                    let s = af
                        .require("source", alt, &mut r.reborrow(), "another published value")
                        .and_then(|n| r.reference(n, "`source`"));
                    let q = af.get("qualifier").and_then(|n| qualifier_of(r, n));
                    let note = af.get("note").and_then(|n| r.text(n, "`note`"));
                    let firm = af.get("firm").and_then(|n| r.reference(n, "`firm`"));
                    if let (Some(number), Some(source)) = (n, s) {
                        also.push(Alternative {
                            number,
                            source,
                            firm,
                            qualifier: q,
                            note,
                            translations,
                            at: alt.loc(),
                        });
                    }
                }
            }
            let number = number?;
            let Some(source) = source else {
                missing_source(r, node);
                return None;
            };
            Some(Value {
                number,
                source,
                firm,
                qualifier,
                note,
                also,
                translations,
                at: number_node.loc(),
            })
        }
        _ => {
            let number = r.number(node, &format!("`{column}`"))?;
            let Some(source) = row_source.cloned() else {
                missing_source(r, node);
                return None;
            };
            Some(Value {
                number,
                source,
                firm: row.firm.cloned(),
                qualifier: None,
                note: None,
                also: Vec::new(),
                translations: Default::default(),
                at: node.loc(),
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dataset(text: &str) -> (Option<Dataset>, Diagnostics) {
        let mut d = Diagnostics::new();
        let file = SourceFile::new("content/data/market.yaml", text);
        (parse_dataset(&file, &mut d), d)
    }

    #[test]
    fn parses_values_in_all_their_forms() {
        let (ds, d) = dataset(
            "title: T\nsource: a\ncolumns:\n  spend: {unit: USD bn}\n  share: {unit: \"%\"}\nrows:\n  - period: 2019-Q3\n    spend: 2.9\n    share: {value: 80, qualifier: over, source: b, also: [{value: 81, source: c}]}\n  - period: 2019-Q2\n    spend: ~\n",
        );
        assert!(d.is_empty(), "{d}");
        let ds = ds.unwrap();
        assert_eq!(ds.rows[0].period.to_string(), "2019-Q2", "rows are sorted");
        assert!(ds.rows[0].cells[0].is_none(), "~ is missing, not zero");
        let v = ds.rows[1].cells[1].as_ref().unwrap();
        assert_eq!(
            (v.number, v.source.id.as_str(), v.qualifier),
            (80.0, "b", Some(Qualifier::Over))
        );
        assert_eq!(v.also[0].source.id, "c");
        assert_eq!(ds.rows[1].cells[0].as_ref().unwrap().source.id, "a");
    }

    #[test]
    fn reports_every_row_problem_with_its_line() {
        let (_, d) = dataset(
            "title: T\ncolumns:\n  spend: {unit: USD bn}\nrows:\n  - period: 2019-Q2\n    source: a\n    spend: lots\n  - period: 2019-Q2\n    source: a\n    spnd: 1\n  - period: 2019-H1\n    spend: 1\n",
        );
        let text = d.to_string();
        assert!(
            text.contains("expected `spend` as a number, found text"),
            "{text}"
        );
        assert!(text.contains("market.yaml:7:"), "{text}");
        assert!(text.contains("duplicate period `2019-Q2`"), "{text}");
        assert!(text.contains("unknown column `spnd`"), "{text}");
        assert!(text.contains("did you mean `spend`?"), "{text}");
        assert!(
            text.contains("is a half year, but this dataset's rows are quarters"),
            "{text}"
        );
    }
}
