//! The data pages: an index of the datasets, and for each its table (in pages of a few
//! hundred rows), value by value with every published version and its footnote, and its
//! CSV and JSON downloads.

use serde::Serialize;

use super::super::citations::Citations;
use super::super::downloads::{dataset_csv, dataset_json};
use super::super::templates::Ui;
use super::common::{PageError, PageParts, base_context, insert_sources};
use crate::diagnostics::Diagnostic;
use crate::escape::html_text;
use crate::model::{Data, Dataset, OutputFile, Site, Value};
use crate::routes;

/// How many rows a page of a dataset's table holds; longer datasets get more pages.
pub const ROWS_PER_PAGE: usize = 400;

/// A dataset as the data index lists it.
#[derive(Serialize)]
struct DatasetEntry {
    /// The id the dataset's section had when all tables stood on this page, so old links
    /// still land on it.
    id: String,
    title: String,
    description: String,
    href: String,
    columns: Vec<String>,
    rows: usize,
    first: String,
    last: String,
    csv: String,
    json: String,
}

/// A page of a dataset's table.
#[derive(Serialize)]
struct DataRow {
    period: String,
    /// Each cell as HTML: the value, its footnote, and any other published values.
    cells: Vec<String>,
}

#[derive(Serialize)]
struct PageLink {
    href: String,
    label: String,
}

/// How many pages the table of `dataset` takes.
pub fn page_count(dataset: &Dataset) -> usize {
    dataset.rows.len().div_ceil(ROWS_PER_PAGE).max(1)
}

/// `data.html`: every dataset, what it holds, and where to read and download it.
pub fn data(site: &Site, ui: &Ui) -> Result<PageParts, PageError> {
    let path = routes::DATA;
    let entries: Vec<DatasetEntry> = site
        .data
        .datasets
        .iter()
        .map(|dataset| DatasetEntry {
            id: dataset.id.clone(),
            title: dataset.title.clone(),
            description: dataset.description.clone(),
            href: routes::dataset_page(&dataset.id, 1),
            columns: column_headings(dataset, ui),
            rows: dataset.rows.len(),
            first: dataset
                .rows
                .first()
                .map(|r| dataset.language.period(r.period))
                .unwrap_or_default(),
            last: dataset
                .rows
                .last()
                .map(|r| dataset.language.period(r.period))
                .unwrap_or_default(),
            csv: routes::dataset_csv(&dataset.id),
            json: routes::dataset_json(&dataset.id),
        })
        .collect();
    let mut context = base_context(
        site,
        ui,
        path,
        "data",
        ui.get("data"),
        ui.get("data_description"),
    );
    context.insert("datasets", &entries);
    Ok(PageParts::new(path.to_string(), "data.html", context))
}

/// A page of one dataset's table, each value with its footnote and every other published
/// version. The first page holds the latest rows, each page in time order; the first page
/// also makes the downloads.
pub fn dataset_page(
    site: &Site,
    index: usize,
    page: usize,
    ui: &Ui,
) -> Result<PageParts, PageError> {
    let Some(dataset) = site.data.datasets.get(index) else {
        return Err(Box::new(Diagnostic::error(
            "content/data/",
            format!("no dataset number {index}"),
        )));
    };
    let path = routes::dataset_page(&dataset.id, page);
    let pages = page_count(dataset);
    let end = end_of(dataset, page);
    let start = end.saturating_sub(ROWS_PER_PAGE);
    let mut citations = Citations::new(ui);
    let rows: Vec<DataRow> = dataset
        .rows
        .get(start..end)
        .unwrap_or(&[])
        .iter()
        .map(|row| DataRow {
            period: dataset.language.period(row.period),
            cells: row
                .cells
                .iter()
                .enumerate()
                .map(|(c, cell)| {
                    data_cell(&site.data, ui, dataset, c, cell.as_ref(), &mut citations)
                })
                .collect(),
        })
        .collect();
    let link = |p: usize| PageLink {
        href: format!("../{}", routes::dataset_page(&dataset.id, p)),
        label: rows_label(dataset, ui, p),
    };
    let mut context = base_context(
        site,
        ui,
        &path,
        "data",
        &dataset.title,
        &dataset.description,
    );
    context.insert("columns", &column_headings(dataset, ui));
    context.insert("dataset_description", &dataset.description);
    context.insert("rows_label", &rows_label(dataset, ui, page));
    context.insert("rows", &rows);
    context.insert(
        "breaks",
        &dataset
            .breaks
            .iter()
            .map(|b| {
                ui.fill(
                    "series_break_text",
                    &[
                        ("period", &dataset.language.period(b.period)),
                        ("label", &b.label),
                        ("note", &b.note),
                    ],
                )
            })
            .collect::<Vec<_>>(),
    );
    context.insert("csv", &format!("../{}", routes::dataset_csv(&dataset.id)));
    context.insert("json", &format!("../{}", routes::dataset_json(&dataset.id)));
    context.insert("later", &(page > 1).then(|| link(page - 1)));
    context.insert("earlier", &(page < pages).then(|| link(page + 1)));
    insert_sources(&mut context, site, ui, &citations);
    let mut parts = PageParts::new(path, "dataset.html", context);
    if page == 1 {
        parts.files = downloads(site, dataset)?;
    }
    Ok(parts)
}

/// Each column as its table heads it: "Spend (US$ bn)".
fn column_headings(dataset: &Dataset, ui: &Ui) -> Vec<String> {
    dataset
        .columns
        .iter()
        .map(|c| {
            ui.fill(
                "column_unit",
                &[
                    ("column", &c.label),
                    ("unit", c.unit.axis_label_in(dataset.language)),
                ],
            )
        })
        .collect()
}

/// The periods page `page` of a dataset's table covers: "Q1 2019 to Q4 2024".
fn rows_label(dataset: &Dataset, ui: &Ui, page: usize) -> String {
    let end = end_of(dataset, page);
    let first = dataset.rows.get(end.saturating_sub(ROWS_PER_PAGE));
    let last = dataset.rows.get(end.saturating_sub(1));
    let label = |period| dataset.language.period(period);
    match (first, last) {
        (Some(a), Some(b)) if a.period == b.period => label(a.period),
        (Some(a), Some(b)) => ui.fill(
            "period_span",
            &[("first", &label(a.period)), ("last", &label(b.period))],
        ),
        _ => ui.get("no_rows").to_string(),
    }
}

/// Where page `page` of a dataset's table ends (exclusive), counting rows oldest first.
fn end_of(dataset: &Dataset, page: usize) -> usize {
    dataset
        .rows
        .len()
        .saturating_sub((page.max(1) - 1) * ROWS_PER_PAGE)
}

/// A dataset as CSV and JSON.
fn downloads(site: &Site, dataset: &Dataset) -> Result<Vec<OutputFile>, PageError> {
    let json = dataset_json(dataset, &site.data).map_err(|problem| {
        Box::new(Diagnostic::error(
            &dataset.file.path,
            format!(
                "the JSON download of dataset `{}` cannot be written: {problem}",
                dataset.id
            ),
        ))
    })?;
    Ok(vec![
        OutputFile {
            path: routes::dataset_csv(&dataset.id),
            bytes: dataset_csv(dataset, &site.data).into_bytes(),
        },
        OutputFile {
            path: routes::dataset_json(&dataset.id),
            bytes: json.into_bytes(),
        },
    ])
}

/// One cell: the value and its footnote, its note, and every other published version.
fn data_cell(
    data: &Data,
    ui: &Ui,
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
                "<span class=\"also\">{}{shown}{marker}</span>",
                html_text(ui.get("also_published"))
            ));
        }
    }
    html
}
