//! The data page: every dataset as a table, value by value with every published version
//! and its footnote, and each dataset as CSV and JSON downloads.

use serde::Serialize;

use super::super::citations::Citations;
use super::super::downloads::{dataset_csv, dataset_json};
use super::common::{PageError, PageParts, base_context, insert_sources};
use crate::diagnostics::Diagnostic;
use crate::escape::html_text;
use crate::model::{Data, Dataset, OutputFile, Site, Value};
use crate::routes;

#[derive(Serialize)]
struct DataTable {
    id: String,
    title: String,
    description: String,
    columns: Vec<String>,
    rows: Vec<DataRow>,
    breaks: Vec<String>,
    csv: String,
    json: String,
}

#[derive(Serialize)]
struct DataRow {
    period: String,
    /// Each cell as HTML: the value, its footnote, and any other published values.
    cells: Vec<String>,
}

pub fn data(site: &Site) -> Result<PageParts, PageError> {
    let path = routes::DATA;
    let mut citations = Citations::default();
    let mut files = Vec::new();
    let mut tables = Vec::new();
    for dataset in &site.data.datasets {
        files.push(OutputFile {
            path: routes::dataset_csv(&dataset.id),
            bytes: dataset_csv(dataset, &site.data).into_bytes(),
        });
        let json = dataset_json(dataset, &site.data).map_err(|problem| {
            Box::new(Diagnostic::error(
                &dataset.file.path,
                format!(
                    "the JSON download of dataset `{}` cannot be written: {problem}",
                    dataset.id
                ),
            ))
        })?;
        files.push(OutputFile {
            path: routes::dataset_json(&dataset.id),
            bytes: json.into_bytes(),
        });
        tables.push(table(&site.data, dataset, &mut citations));
    }
    let mut context = base_context(
        site,
        path,
        "data",
        "Data",
        "Every dataset behind the briefings, value by value with its source, and as CSV and JSON.",
    );
    context.insert("datasets", &tables);
    insert_sources(&mut context, site, &citations);
    let mut parts = PageParts::new(path.to_string(), "data.html", context);
    parts.files = files;
    Ok(parts)
}

fn table(data: &Data, dataset: &Dataset, citations: &mut Citations) -> DataTable {
    DataTable {
        id: dataset.id.clone(),
        title: dataset.title.clone(),
        description: dataset.description.clone(),
        columns: dataset
            .columns
            .iter()
            .map(|c| format!("{} ({})", c.label, c.unit.axis_label()))
            .collect(),
        rows: dataset
            .rows
            .iter()
            .map(|row| DataRow {
                period: row.period.label(),
                cells: row
                    .cells
                    .iter()
                    .enumerate()
                    .map(|(c, cell)| data_cell(data, dataset, c, cell.as_ref(), citations))
                    .collect(),
            })
            .collect(),
        breaks: dataset
            .breaks
            .iter()
            .map(|b| format!("{}: {}. {}", b.period.label(), b.label, b.note))
            .collect(),
        csv: routes::dataset_csv(&dataset.id),
        json: routes::dataset_json(&dataset.id),
    }
}

/// One cell: the value and its footnote, its note, and every other published version.
fn data_cell(
    data: &Data,
    dataset: &Dataset,
    column: usize,
    cell: Option<&Value>,
    citations: &mut Citations,
) -> String {
    let Some(value) = cell else {
        return String::new();
    };
    let mut html = String::new();
    for (i, version) in value.versions().iter().enumerate() {
        let shown = html_text(&dataset.format_value(column, version.number, version.qualifier));
        let marker = citations.value_marker(data, value, version);
        if i == 0 {
            html.push_str(&format!("{shown}{marker}"));
            if let Some(note) = version.note {
                html.push_str(&format!("<span class=\"also\">{}</span>", html_text(note)));
            }
        } else {
            html.push_str(&format!(
                "<span class=\"also\">also published: {shown}{marker}</span>"
            ));
        }
    }
    html
}
