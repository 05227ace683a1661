//! Second stage: turn the loaded files into typed content. Each file is read on its own;
//! references between files (sources, vendors, datasets) are checked later by `validate`.
//! Every problem is collected, so one run reports them all.

use rayon::prelude::*;

use crate::diagnostics::{Diagnostic, Diagnostics, Severity};
use crate::load::ContentFiles;
use crate::model::SourceFile;
mod body;
mod chart;
pub mod yaml;

use crate::diagnostics::Loc;
use crate::model::*;
use crate::period::Period;
use body::split_body;
use yaml::{Node, NodeKind, Reader, parse_yaml};

/// Parses every file. Fails only when the site configuration is unusable; other problems
/// travel with the content so that validation can add its own to the same report.
pub fn parse_content(files: &ContentFiles) -> Result<Content, Diagnostics> {
    let mut diagnostics = Diagnostics::new();
    let mut broken = Broken::default();
    let config = match &files.site {
        Some(file) => parse_site(file, &mut diagnostics),
        None => None,
    };
    let before = diagnostics.error_count();
    let sources = files
        .sources
        .as_ref()
        .map(|f| parse_sources(f, &mut diagnostics))
        .unwrap_or_default();
    broken.sources = diagnostics.error_count() > before;
    let before = diagnostics.error_count();
    let vendors = files
        .vendors
        .as_ref()
        .map(|f| parse_vendors(f, &mut diagnostics))
        .unwrap_or_default();
    broken.vendors = diagnostics.error_count() > before;
    let datasets = parse_each(&files.datasets, parse_dataset, &mut diagnostics);
    for file in &files.datasets {
        if diagnostics
            .iter()
            .any(|d| d.file == file.path && d.severity == Severity::Error)
        {
            broken.datasets.insert(file.stem().to_string());
        }
    }
    let briefings = parse_each(&files.briefings, parse_briefing, &mut diagnostics);
    let pages = parse_each(&files.pages, parse_page, &mut diagnostics);
    match config {
        Some(config) => Ok(Content {
            config,
            sources,
            vendors,
            datasets,
            briefings,
            pages,
            problems: diagnostics,
            broken,
        }),
        None => Err(diagnostics),
    }
}

/// Parses files in parallel, keeping their order and every diagnostic.
fn parse_each<T: Send>(
    files: &[SourceFile],
    parse: fn(&SourceFile, &mut Diagnostics) -> Option<T>,
    diagnostics: &mut Diagnostics,
) -> Vec<T> {
    let results: Vec<(Option<T>, Diagnostics)> = files
        .par_iter()
        .map(|file| {
            let mut found = Diagnostics::new();
            let parsed = parse(file, &mut found);
            (parsed, found)
        })
        .collect();
    let mut parsed = Vec::with_capacity(results.len());
    for (item, found) in results {
        diagnostics.extend(found);
        parsed.extend(item);
    }
    parsed
}

fn loc(node: &Node) -> Loc {
    Loc {
        line: node.line,
        column: node.column,
        len: node.len,
    }
}

fn reference(reader: &mut Reader, node: &Node, what: &str) -> Option<Ref> {
    let id = reader.text(node, what)?;
    Some(Ref { id, at: loc(node) })
}

fn whole_file(file: &SourceFile, diagnostics: &mut Diagnostics) -> Option<Node> {
    match parse_yaml(file, &file.text, 1) {
        Ok(node) => Some(node),
        Err(d) => {
            diagnostics.push(*d);
            None
        }
    }
}

fn parse_site(file: &SourceFile, diagnostics: &mut Diagnostics) -> Option<SiteConfig> {
    let root = whole_file(file, diagnostics)?;
    let mut r = Reader::new(file, diagnostics);
    let entries = r.map(&root, "the site configuration");
    let f = r.fields(
        entries,
        &[
            "title",
            "description",
            "base_url",
            "language",
            "author",
            "navigation",
            "headline",
        ],
        "site.yaml",
    );
    let title = f
        .require("title", &root, &mut r, "site.yaml")
        .and_then(|n| r.text(n, "`title`"));
    let base_url = f
        .require("base_url", &root, &mut r, "site.yaml")
        .and_then(|n| {
            let url = r.text(n, "`base_url`")?;
            if !(url.starts_with("https://") || url.starts_with("http://")) {
                r.error_at(
                    n,
                    "`base_url` must be an absolute http(s) URL",
                    "for example `https://example.org/china-cloud/`",
                );
                return None;
            }
            Some(if url.ends_with('/') {
                url
            } else {
                format!("{url}/")
            })
        });
    let text_or = |r: &mut Reader, name: &str, default: &str| {
        f.get(name)
            .and_then(|n| r.text(n, name))
            .unwrap_or_else(|| default.to_string())
    };
    let description = text_or(&mut r, "description", "");
    let language = text_or(&mut r, "language", "en");
    let author = text_or(&mut r, "author", "");
    let mut navigation = Vec::new();
    if let Some(nav) = f.get("navigation") {
        for item in r.seq(nav, "`navigation`") {
            let entries = r.map(item, "a navigation link");
            let nf = r.fields(entries, &["label", "target"], "a navigation link");
            let label = nf
                .require("label", item, &mut r, "this link")
                .and_then(|n| r.text(n, "`label`"));
            let target = nf
                .require("target", item, &mut r, "this link")
                .and_then(|n| reference(&mut r, n, "`target`"));
            if let (Some(label), Some(target)) = (label, target) {
                navigation.push(NavLink { label, target });
            }
        }
    }
    let mut headline = Vec::new();
    if let Some(list) = f.get("headline") {
        for item in r.seq(list, "`headline`") {
            if let Some(figure) = reference(&mut r, item, "a headline figure") {
                headline.push(figure);
            }
        }
    }
    Some(SiteConfig {
        headline,
        file: file.clone(),
        title: title?,
        description,
        base_url: base_url?,
        language,
        author,
        navigation,
    })
}

/// Ids name files and anchors, so they are kept to lowercase letters, digits, `-` and `_`.
fn check_id(r: &mut Reader, node: &Node, what: &str) -> Option<String> {
    let id = r.text(node, what)?;
    let ok = !id.is_empty()
        && id
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_');
    if !ok {
        r.error_at(
            node,
            format!("`{id}` is not a valid id"),
            "ids use lowercase letters, digits, `-` and `_` only",
        );
        return None;
    }
    Some(id)
}

fn parse_sources(file: &SourceFile, diagnostics: &mut Diagnostics) -> Vec<Source> {
    let Some(root) = whole_file(file, diagnostics) else {
        return Vec::new();
    };
    let mut r = Reader::new(file, diagnostics);
    let mut sources = Vec::new();
    for (key, value) in r.map(&root, "sources") {
        let Some(id) = check_id(&mut r, key, "a source id") else {
            continue;
        };
        let entries = r.map(value, &format!("source `{id}`"));
        let what = format!("source `{id}`");
        let f = r.fields(
            entries,
            &[
                "publisher",
                "title",
                "url",
                "published",
                "firm",
                "kind",
                "note",
                "quote",
            ],
            &what,
        );
        let publisher = f
            .require("publisher", key, &mut r, &what)
            .and_then(|n| r.text(n, "`publisher`"));
        let title = f
            .require("title", key, &mut r, &what)
            .and_then(|n| r.text(n, "`title`"));
        let url = f.require("url", key, &mut r, &what).and_then(|n| {
            let url = r.text(n, "`url`")?;
            if !(url.starts_with("https://") || url.starts_with("http://")) {
                r.error_at(n, "a source `url` must start with https:// or http://", "");
                return None;
            }
            Some(url)
        });
        let published = f.get("published").and_then(|n| {
            let text = r.text(n, "`published`")?;
            if !is_date_or_month(&text) {
                r.error_at(
                    n,
                    format!("`{text}` is not a date"),
                    "write `YYYY-MM-DD` or `YYYY-MM`, or leave `published` out when unknown",
                );
                return None;
            }
            Some(text)
        });
        let firms = f
            .get("firm")
            .map(|n| text_or_list(&mut r, n, "`firm`"))
            .unwrap_or_default();
        let kind = f
            .get("kind")
            .and_then(|n| {
                let text = r.text(n, "`kind`")?;
                let kind = SourceKind::parse(&text);
                if kind.is_none() {
                    let hint = crate::diagnostics::suggestion(&text, "kind", SourceKind::NAMES);
                    r.error_at(
                        n,
                        format!("unknown source kind `{text}`"),
                        format!(
                            "{hint} (kinds: {})",
                            SourceKind::NAMES.map(|k| format!("`{k}`")).join(", ")
                        ),
                    );
                }
                kind
            })
            .unwrap_or(SourceKind::Report);
        let note = f.get("note").and_then(|n| r.text(n, "`note`"));
        let quotes = f
            .get("quote")
            .map(|n| text_or_list(&mut r, n, "`quote`"))
            .unwrap_or_default();
        if let (Some(publisher), Some(title), Some(url)) = (publisher, title, url) {
            sources.push(Source {
                id,
                publisher,
                title,
                url,
                published,
                firms,
                kind,
                note,
                quotes,
                at: loc(key),
            });
        }
    }
    sources
}

/// One text or a list of texts (`firm: Canalys` or `firm: [IDC, Canalys]`).
fn text_or_list(r: &mut Reader, node: &Node, what: &str) -> Vec<String> {
    match &node.kind {
        NodeKind::Seq(items) => items.iter().filter_map(|i| r.text(i, what)).collect(),
        _ => r.text(node, what).into_iter().collect(),
    }
}

fn is_date_or_month(text: &str) -> bool {
    let parts: Vec<&str> = text.split('-').collect();
    let digits = |s: &str, n: usize| s.len() == n && s.bytes().all(|b| b.is_ascii_digit());
    let in_range =
        |s: &str, lo: u32, hi: u32| s.parse::<u32>().is_ok_and(|v| (lo..=hi).contains(&v));
    match parts.as_slice() {
        [y, m] => digits(y, 4) && digits(m, 2) && in_range(m, 1, 12),
        [y, m, d] => {
            digits(y, 4) && digits(m, 2) && digits(d, 2) && in_range(m, 1, 12) && in_range(d, 1, 31)
        }
        _ => false,
    }
}

fn parse_vendors(file: &SourceFile, diagnostics: &mut Diagnostics) -> Vec<Vendor> {
    let Some(root) = whole_file(file, diagnostics) else {
        return Vec::new();
    };
    let mut r = Reader::new(file, diagnostics);
    let mut vendors = Vec::new();
    for (key, value) in r.map(&root, "vendors") {
        let Some(id) = check_id(&mut r, key, "a vendor id") else {
            continue;
        };
        let what = format!("vendor `{id}`");
        let entries = r.map(value, &what);
        let f = r.fields(entries, &["name", "name_zh", "colour"], &what);
        let name = f
            .require("name", key, &mut r, &what)
            .and_then(|n| r.text(n, "`name`"));
        let name_zh = f
            .get("name_zh")
            .and_then(|n| r.text(n, "`name_zh`"))
            .unwrap_or_default();
        let colour = f.require("colour", key, &mut r, &what).and_then(|n| {
            let c = r.text(n, "`colour`")?;
            let ok =
                c.len() == 7 && c.starts_with('#') && c[1..].bytes().all(|b| b.is_ascii_hexdigit());
            if !ok {
                r.error_at(
                    n,
                    format!("`{c}` is not a colour"),
                    "write a hex colour in quotes, such as \"#D55E00\"",
                );
                return None;
            }
            let c = c.to_ascii_uppercase();
            if let Some(problem) = crate::colour::contrast_problem(&c) {
                r.error_at(
                    n,
                    problem,
                    "darken the colour; charts draw it on a white page",
                );
                return None;
            }
            Some(c)
        });
        if let (Some(name), Some(colour)) = (name, colour) {
            vendors.push(Vendor {
                id,
                name,
                name_zh,
                colour,
                at: loc(key),
            });
        }
    }
    vendors
}

fn period_of(r: &mut Reader, node: &Node) -> Option<Period> {
    let text = match &node.kind {
        NodeKind::Str(s) => s.clone(),
        NodeKind::Int(i) => i.to_string(),
        _ => {
            r.error_at(
                node,
                format!("expected a period, found {}", node.describe()),
                "write `2023-Q3`, `2023-H1` or `2023`",
            );
            return None;
        }
    };
    match text.parse::<Period>() {
        Ok(p) => Some(p),
        Err(e) => {
            r.error_at(node, e.0, "");
            None
        }
    }
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

fn parse_dataset(file: &SourceFile, diagnostics: &mut Diagnostics) -> Option<Dataset> {
    let id = file.stem().to_string();
    let root = whole_file(file, diagnostics)?;
    let mut r = Reader::new(file, diagnostics);
    let entries = r.map(&root, "a dataset");
    let f = r.fields(
        entries,
        &[
            "title",
            "description",
            "source",
            "columns",
            "breaks",
            "rows",
        ],
        "a dataset",
    );
    let title = f
        .require("title", &root, &mut r, "the dataset")
        .and_then(|n| r.text(n, "`title`"));
    let description = f
        .get("description")
        .and_then(|n| r.text(n, "`description`"))
        .unwrap_or_default();
    let default_source = f
        .get("source")
        .and_then(|n| reference(&mut r, n, "`source`"));

    let mut columns: Vec<Column> = Vec::new();
    if let Some(cols) = f.require("columns", &root, &mut r, "the dataset") {
        for (key, value) in r.map(cols, "`columns`") {
            let Some(cid) = check_id(&mut r, key, "a column id") else {
                continue;
            };
            if ROW_KEYS.contains(&cid.as_str()) {
                r.error_at(
                    key,
                    format!("`{cid}` cannot be a column id"),
                    "rows use `period`, `source`, `firm` and `note` themselves; choose another name",
                );
                continue;
            }
            let what = format!("column `{cid}`");
            let entries = r.map(value, &what);
            let cf = r.fields(
                entries,
                &[
                    "label",
                    "unit",
                    "precision",
                    "vendor",
                    "part_of",
                    "growth_of",
                ],
                &what,
            );
            let label = cf
                .get("label")
                .and_then(|n| r.text(n, "`label`"))
                .unwrap_or_else(|| cid.clone());
            let unit = cf.require("unit", key, &mut r, &what).and_then(|n| {
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
            let vendor = cf
                .get("vendor")
                .and_then(|n| reference(&mut r, n, "`vendor`"));
            let part_of = cf.get("part_of").and_then(|n| r.text(n, "`part_of`"));
            let growth_of = cf
                .get("growth_of")
                .and_then(|n| reference(&mut r, n, "`growth_of`"));
            if let Some(unit) = unit {
                columns.push(Column {
                    id: cid,
                    label,
                    unit,
                    precision,
                    vendor,
                    part_of,
                    growth_of,
                    at: loc(key),
                });
            }
        }
    }

    let mut breaks = Vec::new();
    if let Some(list) = f.get("breaks") {
        for item in r.seq(list, "`breaks`") {
            let entries = r.map(item, "a series break");
            let bf = r.fields(entries, &["period", "label", "note"], "a series break");
            let period = bf
                .require("period", item, &mut r, "the break")
                .and_then(|n| period_of(&mut r, n));
            let label = bf
                .require("label", item, &mut r, "the break")
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
                    at: loc(item),
                });
            }
        }
    }

    let mut rows: Vec<Row> = Vec::new();
    let mut seen: std::collections::BTreeMap<Period, usize> = std::collections::BTreeMap::new();
    let mut granularity = None;
    if let Some(list) = f.require("rows", &root, &mut r, "the dataset") {
        for item in r.seq(list, "`rows`") {
            let Some(row) = parse_row(&mut r, item, &columns, default_source.as_ref()) else {
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
    }
    rows.sort_by_key(|row| row.period);
    for b in &breaks {
        if Some(b.period.granularity()) != granularity && granularity.is_some() {
            r.error_at_loc(
                b.at,
                format!(
                    "series break at `{}` does not match this dataset's periods",
                    b.period
                ),
            );
        }
    }
    Some(Dataset {
        id,
        file: file.clone(),
        title: title?,
        description,
        granularity: granularity.unwrap_or(crate::period::Granularity::Quarter),
        columns,
        breaks,
        rows,
    })
}

impl Reader<'_> {
    fn error_at_loc(&mut self, at: Loc, message: String) {
        self.diagnostics
            .push(Diagnostic::error(&self.file.path, message).at(
                &self.file.text,
                at.line,
                at.column,
                at.len,
            ));
    }
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
    let mut period_key = None;
    for (key, _) in entries {
        if key.as_text().as_deref() == Some("period") {
            period_key = Some(key);
        }
    }
    for (key, value) in entries {
        match key.as_text().as_deref() {
            Some("period") => period = period_of(r, value),
            Some("source") => row_source = reference(r, value, "`source`"),
            Some("firm") => row_firm = reference(r, value, "`firm`"),
            Some("note") => note = r.text(value, "`note`"),
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
        let Some(index) = columns.iter().position(|c| c.id == name) else {
            let hint = crate::diagnostics::suggestion(
                &name,
                "column",
                columns.iter().map(|c| c.id.as_str()),
            );
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
        at: loc(item),
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
            let f = r.fields(
                entries,
                &["value", "source", "firm", "qualifier", "note", "also"],
                "a value",
            );
            let number_node = f.require("value", node, &mut r.reborrow(), "this value")?;
            let number = if number_node.is_null() {
                None
            } else {
                r.number(number_node, &format!("`{column}`"))
            };
            let (source, row_firm) = match f.get("source") {
                Some(n) => (reference(r, n, "`source`"), None),
                None => (row_source.cloned(), row.firm.cloned()),
            };
            let firm = match f.get("firm") {
                Some(n) => reference(r, n, "`firm`"),
                None => row_firm,
            };
            let qualifier = f.get("qualifier").and_then(|n| qualifier_of(r, n));
            let note = f.get("note").and_then(|n| r.text(n, "`note`"));
            let mut also = Vec::new();
            if let Some(list) = f.get("also") {
                for alt in r.seq(list, "`also`") {
                    let entries = r.map(alt, "another published value");
                    let af = r.fields(
                        entries,
                        &["value", "source", "firm", "qualifier", "note"],
                        "another published value",
                    );
                    let n = af
                        .require("value", alt, &mut r.reborrow(), "this value")
                        .and_then(|n| r.number(n, "`value`"));
                    let s = af
                        .require("source", alt, &mut r.reborrow(), "another published value")
                        .and_then(|n| reference(r, n, "`source`"));
                    let q = af.get("qualifier").and_then(|n| qualifier_of(r, n));
                    let note = af.get("note").and_then(|n| r.text(n, "`note`"));
                    let firm = af.get("firm").and_then(|n| reference(r, n, "`firm`"));
                    if let (Some(number), Some(source)) = (n, s) {
                        also.push(Alternative {
                            number,
                            source,
                            firm,
                            qualifier: q,
                            note,
                            at: loc(alt),
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
                at: loc(number_node),
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
                at: loc(node),
            })
        }
    }
}

impl<'a> Reader<'a> {
    fn reborrow(&mut self) -> Reader<'_> {
        Reader {
            file: self.file,
            diagnostics: self.diagnostics,
        }
    }
}

/// Splits `---` front matter from a markdown file: (front matter text, its first line,
/// body text, the body's byte offset in the file).
fn split_front_matter(file: &SourceFile) -> Option<(&str, usize, &str, usize)> {
    let text = file.text.strip_prefix('\u{feff}').unwrap_or(&file.text);
    let bom = file.text.len() - text.len();
    let first_end = text.find('\n')?;
    if text[..first_end].trim_end() != "---" {
        return None;
    }
    let rest = &text[first_end + 1..];
    let mut offset = 0;
    for line in rest.split_inclusive('\n') {
        if line.trim_end() == "---" {
            let fm = &rest[..offset];
            let body_start = first_end + 1 + offset + line.len();
            return Some((fm, 2, &text[body_start..], bom + body_start));
        }
        offset += line.len();
    }
    None
}

fn front_matter<'f>(
    file: &'f SourceFile,
    allowed: &[&str],
    diagnostics: &mut Diagnostics,
) -> Option<(Node, &'f str, usize)> {
    let Some((fm, first_line, body, body_offset)) = split_front_matter(file) else {
        diagnostics.push(
            Diagnostic::error(&file.path, "missing front matter")
                .at(&file.text, 1, 1, 1)
                .with_hint("start the file with a `---` line, the front matter (title, period, summary), and another `---` line"),
        );
        return None;
    };
    let root = match parse_yaml(file, fm, first_line) {
        Ok(node) => node,
        Err(d) => {
            diagnostics.push(*d);
            return None;
        }
    };
    let mut r = Reader::new(file, diagnostics);
    let entries = r.map(&root, "the front matter");
    let _ = r.fields(entries, allowed, "the front matter");
    Some((root, body, body_offset))
}

fn front_field<'n>(root: &'n Node, name: &str) -> Option<&'n Node> {
    match &root.kind {
        NodeKind::Map(entries) => entries
            .iter()
            .find(|(k, _)| k.as_text().as_deref() == Some(name))
            .map(|(_, v)| v),
        _ => None,
    }
}

fn parse_briefing(file: &SourceFile, diagnostics: &mut Diagnostics) -> Option<Briefing> {
    let (root, body, body_offset) =
        front_matter(file, &["title", "period", "summary", "draft"], diagnostics)?;
    let mut r = Reader::new(file, diagnostics);
    let need = |r: &mut Reader, name: &str| {
        let found = front_field(&root, name);
        if found.is_none() {
            r.error_at(
                &root,
                format!("the front matter has no `{name}`"),
                format!("add `{name}:`"),
            );
        }
        found
    };
    let title = need(&mut r, "title").and_then(|n| r.text(n, "`title`"));
    let summary = need(&mut r, "summary").and_then(|n| r.text(n, "`summary`"));
    let draft = front_field(&root, "draft")
        .and_then(|n| r.boolean(n, "`draft`"))
        .unwrap_or(false);
    let period = need(&mut r, "period").and_then(|n| {
        let p = period_of(&mut r, n)?;
        if p.granularity() != crate::period::Granularity::Quarter {
            r.error_at(
                n,
                format!("a briefing covers a quarter, not `{p}`"),
                "write the quarter, e.g. `2023-Q3`",
            );
            return None;
        }
        if file.stem() != p.slug() {
            r.error_at(
                n,
                format!(
                    "the file is named `{}.md` but its period is `{p}`",
                    file.stem()
                ),
                format!("rename the file to `{}.md` or correct the period", p.slug()),
            );
            return None;
        }
        Some(p)
    });
    let (body, links) = split_body(file, body, body_offset, diagnostics);
    Some(Briefing {
        period: period?,
        title: title?,
        summary: summary?,
        draft,
        file: file.clone(),
        body,
        links,
    })
}

fn parse_page(file: &SourceFile, diagnostics: &mut Diagnostics) -> Option<Page> {
    let id = file.stem().to_string();
    let (root, body, body_offset) = front_matter(file, &["title", "description"], diagnostics)?;
    let mut r = Reader::new(file, diagnostics);
    let valid_id = !id.is_empty()
        && id
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        && !RESERVED_PAGE_IDS.contains(&id.as_str());
    if !valid_id {
        r.diagnostics.push(Diagnostic::error(&file.path, format!("`{id}` cannot be a page name")).with_hint(
            "page file names use lowercase letters, digits and `-`, and may not be one the site uses itself: index, 404, data, briefings, static, vendors, search, feed",
        ));
    }
    let title = match front_field(&root, "title") {
        Some(n) => r.text(n, "`title`"),
        None => {
            r.error_at(&root, "the front matter has no `title`", "add `title:`");
            None
        }
    };
    let description = front_field(&root, "description")
        .and_then(|n| r.text(n, "`description`"))
        .unwrap_or_default();
    let (body, links) = split_body(file, body, body_offset, diagnostics);
    if !valid_id {
        return None;
    }
    Some(Page {
        id,
        title: title?,
        description,
        file: file.clone(),
        body,
        links,
    })
}

/// Output names the site itself uses.
pub const RESERVED_PAGE_IDS: [&str; 8] = [
    "index",
    "404",
    "data",
    "briefings",
    "static",
    "vendors",
    "search",
    "feed",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_front_matter_and_reports_body_offset() {
        let file = SourceFile::new("content/pages/about.md", "---\ntitle: About\n---\nHello\n");
        let (fm, line, body, offset) = split_front_matter(&file).unwrap();
        assert_eq!(fm, "title: About\n");
        assert_eq!(line, 2);
        assert_eq!(body, "Hello\n");
        assert_eq!(&file.text[offset..], "Hello\n");
    }

    #[test]
    fn dates_and_months_are_checked() {
        assert!(is_date_or_month("2021-02-22"));
        assert!(is_date_or_month("2021-02"));
        assert!(!is_date_or_month("2021-13"));
        assert!(!is_date_or_month("unknown"));
    }

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
