//! Every dataset as files a reader can take away: CSV in long form (one published value a
//! line, with its source) and JSON with the whole structure.

use serde::Serialize;

use crate::escape::csv_field;
use crate::format::plain_number;
use crate::model::{Data, Dataset, Version};

/// `period,column,value,unit,qualifier,published_as,firm,source,source_kind,source_url,note`,
/// one line per published value: the main one (`main`) and each other published version
/// (`also`), each credited to the firm that produced it and the page it was read on.
pub fn dataset_csv(dataset: &Dataset, data: &Data) -> String {
    let mut out = String::from(
        "period,column,value,unit,qualifier,published_as,firm,source,source_kind,source_url,note\n",
    );
    for row in &dataset.rows {
        for (column, cell) in dataset.columns.iter().zip(&row.cells) {
            let Some(value) = cell else { continue };
            for (i, version) in value.versions().iter().enumerate() {
                let credit = data.credit(&version.source.id, version.firm);
                let fields = [
                    row.period.to_string(),
                    column.id.clone(),
                    plain_number(version.number),
                    column.unit.name().to_string(),
                    version
                        .qualifier
                        .map(|q| q.word().to_string())
                        .unwrap_or_default(),
                    if i == 0 { "main" } else { "also" }.to_string(),
                    credit.map(|c| c.firm.to_string()).unwrap_or_default(),
                    version.source.id.clone(),
                    credit
                        .map(|c| c.source.kind.name().to_string())
                        .unwrap_or_default(),
                    credit.map(|c| c.source.url.clone()).unwrap_or_default(),
                    version.note.unwrap_or("").to_string(),
                ];
                out.push_str(
                    &fields
                        .iter()
                        .map(|f| csv_field(f))
                        .collect::<Vec<_>>()
                        .join(","),
                );
                out.push('\n');
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
    /// The firm that produced the figure.
    firm: &'a str,
    /// The page it was read on (an id into `sources`).
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
    kind: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    published: Option<&'a str>,
}

pub fn dataset_json<'a>(dataset: &'a Dataset, data: &'a Data) -> Result<String, String> {
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
                    let json = |version: &Version<'a>| JsonValue {
                        value: version.number,
                        firm: data
                            .credit(&version.source.id, version.firm)
                            .map_or("", |c| c.firm),
                        source: &version.source.id,
                        qualifier: version.qualifier.map(|q| q.word()),
                        note: version.note,
                        also: Vec::new(),
                    };
                    let versions = v.versions();
                    used.extend(versions.iter().map(|v| v.source.id.as_str()));
                    let mut main = json(&versions[0]);
                    main.also = versions[1..].iter().map(json).collect();
                    Some((column.id.as_str(), main))
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
            .filter_map(|id| data.source(id))
            .map(|s| JsonSource {
                id: &s.id,
                publisher: &s.publisher,
                title: &s.title,
                url: &s.url,
                kind: s.kind.name(),
                published: s.published.as_deref(),
            })
            .collect(),
    };
    let mut text = serde_json::to_string_pretty(&json).map_err(|e| e.to_string())?;
    text.push('\n');
    Ok(text)
}
