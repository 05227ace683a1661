//! Every dataset as files a reader can take away: CSV in long form (one published value a
//! line, with its source) and JSON with the whole structure.

use serde::Serialize;

use crate::model::{Dataset, format_number};
use crate::validate::Site;

pub fn csv_path(dataset: &str) -> String {
    format!("data/{dataset}.csv")
}

pub fn json_path(dataset: &str) -> String {
    format!("data/{dataset}.json")
}

/// A CSV field, quoted when it holds a comma, a quote or a line break.
pub fn csv_field(text: &str) -> String {
    if text.contains([',', '"', '\n']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_string()
    }
}

/// A number as it was written, for CSV.
pub fn csv_number(v: f64) -> String {
    format_number(v, crate::model::decimals_of(v))
}

/// `period,column,value,unit,qualifier,published_as,source,source_url,note`, one line per
/// published value: the main one (`main`) and each other published version (`also`).
pub fn dataset_csv(dataset: &Dataset, site: &Site) -> String {
    let mut out =
        String::from("period,column,value,unit,qualifier,published_as,source,source_url,note\n");
    for row in &dataset.rows {
        for (column, cell) in dataset.columns.iter().zip(&row.cells) {
            let Some(value) = cell else { continue };
            let url = |id: &str| site.source(id).map(|s| s.url.clone()).unwrap_or_default();
            let mut line = |n: f64,
                            q: Option<crate::model::Qualifier>,
                            role: &str,
                            source: &str,
                            note: Option<&str>| {
                let fields = [
                    row.period.to_string(),
                    column.id.clone(),
                    csv_number(n),
                    column.unit.name().to_string(),
                    q.map(|q| q.word().to_string()).unwrap_or_default(),
                    role.to_string(),
                    source.to_string(),
                    url(source),
                    note.unwrap_or("").to_string(),
                ];
                out.push_str(
                    &fields
                        .iter()
                        .map(|f| csv_field(f))
                        .collect::<Vec<_>>()
                        .join(","),
                );
                out.push('\n');
            };
            line(
                value.number,
                value.qualifier,
                "main",
                &value.source.id,
                value.note.as_deref(),
            );
            for alt in &value.also {
                line(
                    alt.number,
                    alt.qualifier,
                    "also",
                    &alt.source.id,
                    alt.note.as_deref(),
                );
            }
        }
    }
    out
}

#[derive(Serialize)]
struct JsonDataset<'a> {
    id: &'a str,
    title: &'a str,
    description: &'a str,
    columns: Vec<JsonColumn<'a>>,
    breaks: Vec<JsonBreak<'a>>,
    rows: Vec<JsonRow<'a>>,
    sources: Vec<JsonSource<'a>>,
}

#[derive(Serialize)]
struct JsonColumn<'a> {
    id: &'a str,
    label: &'a str,
    unit: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    vendor: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    part_of: Option<&'a str>,
}

#[derive(Serialize)]
struct JsonBreak<'a> {
    period: String,
    label: &'a str,
    note: &'a str,
}

#[derive(Serialize)]
struct JsonRow<'a> {
    period: String,
    /// Column id to value; a column with no published value is left out.
    values: std::collections::BTreeMap<&'a str, JsonValue<'a>>,
}

#[derive(Serialize)]
struct JsonValue<'a> {
    value: f64,
    source: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    qualifier: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    note: Option<&'a str>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    also: Vec<JsonValue<'a>>,
}

#[derive(Serialize)]
struct JsonSource<'a> {
    id: &'a str,
    publisher: &'a str,
    title: &'a str,
    url: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    published: Option<&'a str>,
}

pub fn dataset_json(dataset: &Dataset, site: &Site) -> String {
    let mut used: Vec<&str> = Vec::new();
    let rows = dataset
        .rows
        .iter()
        .map(|row| JsonRow {
            period: row.period.to_string(),
            values: dataset
                .columns
                .iter()
                .zip(&row.cells)
                .filter_map(|(column, cell)| {
                    let v = cell.as_ref()?;
                    used.push(&v.source.id);
                    used.extend(v.also.iter().map(|a| a.source.id.as_str()));
                    Some((
                        column.id.as_str(),
                        JsonValue {
                            value: v.number,
                            source: &v.source.id,
                            qualifier: v.qualifier.map(|q| q.word()),
                            note: v.note.as_deref(),
                            also: v
                                .also
                                .iter()
                                .map(|a| JsonValue {
                                    value: a.number,
                                    source: &a.source.id,
                                    qualifier: a.qualifier.map(|q| q.word()),
                                    note: a.note.as_deref(),
                                    also: Vec::new(),
                                })
                                .collect(),
                        },
                    ))
                })
                .collect(),
        })
        .collect();
    used.sort_unstable();
    used.dedup();
    let json = JsonDataset {
        id: &dataset.id,
        title: &dataset.title,
        description: &dataset.description,
        columns: dataset
            .columns
            .iter()
            .map(|c| JsonColumn {
                id: &c.id,
                label: &c.label,
                unit: c.unit.name(),
                vendor: c.vendor.as_ref().map(|v| v.id.as_str()),
                part_of: c.part_of.as_deref(),
            })
            .collect(),
        breaks: dataset
            .breaks
            .iter()
            .map(|b| JsonBreak {
                period: b.period.to_string(),
                label: &b.label,
                note: &b.note,
            })
            .collect(),
        rows,
        sources: used
            .into_iter()
            .filter_map(|id| site.source(id))
            .map(|s| JsonSource {
                id: &s.id,
                publisher: &s.publisher,
                title: &s.title,
                url: &s.url,
                published: s.published.as_deref(),
            })
            .collect(),
    };
    let mut text = serde_json::to_string_pretty(&json).unwrap_or_else(|_| "{}".to_string());
    text.push('\n');
    text
}
