//! Third stage: cross-check the parsed content and produce a `Site` that later stages can
//! trust: every reference resolves, periods line up, shares add up. All problems are
//! collected before failing.

use std::collections::BTreeMap;

use crate::diagnostics::{Diagnostic, Diagnostics, suggestion};
use crate::load::SourceFile;
use crate::model::*;

/// Content that passed validation. Only `validate` builds one.
#[derive(Debug)]
pub struct Site {
    pub config: SiteConfig,
    pub sources: Vec<Source>,
    pub vendors: Vec<Vendor>,
    pub datasets: Vec<Dataset>,
    /// Sorted by period, oldest first.
    pub briefings: Vec<Briefing>,
    pub pages: Vec<Page>,
    /// Problems that do not stop a build (`check --deny-warnings` makes them errors).
    pub warnings: Diagnostics,
    source_index: BTreeMap<String, usize>,
    dataset_index: BTreeMap<String, usize>,
}

impl Site {
    pub fn source(&self, id: &str) -> Option<&Source> {
        self.source_index.get(id).and_then(|i| self.sources.get(*i))
    }

    pub fn dataset(&self, id: &str) -> Option<&Dataset> {
        self.dataset_index
            .get(id)
            .and_then(|i| self.datasets.get(*i))
    }
}

struct Checker {
    diagnostics: Diagnostics,
    source_ids: Vec<String>,
    vendor_ids: Vec<String>,
    broken: Broken,
}

impl Checker {
    fn warning(&mut self, file: &SourceFile, at: Loc, message: String, hint: String) {
        self.diagnostics.push(
            Diagnostic::error(&file.path, message)
                .at(&file.text, at.line, at.column, at.len)
                .with_hint(hint)
                .warning(),
        );
    }

    fn error(&mut self, file: &SourceFile, at: Loc, message: String, hint: String) {
        let mut d =
            Diagnostic::error(&file.path, message).at(&file.text, at.line, at.column, at.len);
        if !hint.is_empty() {
            d = d.with_hint(hint);
        }
        self.diagnostics.push(d);
    }

    fn check_source(&mut self, file: &SourceFile, source: &Ref) {
        if !self.broken.sources && !self.source_ids.contains(&source.id) {
            let hint = suggestion(
                &source.id,
                "source",
                self.source_ids.iter().map(String::as_str),
            );
            let hint = format!("{hint} (sources are defined in content/data/sources.yaml)");
            self.error(
                file,
                source.at,
                format!("unknown source `{}`", source.id),
                hint,
            );
        }
    }
}

pub fn validate_site(content: Content, drafts: bool) -> Result<Site, Diagnostics> {
    let Content {
        config,
        sources,
        vendors,
        datasets,
        mut briefings,
        pages,
        problems,
        broken,
    } = content;
    let mut checker = Checker {
        broken,
        diagnostics: problems,
        source_ids: sources.iter().map(|s| s.id.clone()).collect(),
        vendor_ids: vendors.iter().map(|v| v.id.clone()).collect(),
    };
    let source_index: BTreeMap<String, usize> = sources
        .iter()
        .enumerate()
        .map(|(i, s)| (s.id.clone(), i))
        .collect();
    let dataset_index: BTreeMap<String, usize> = datasets
        .iter()
        .enumerate()
        .map(|(i, d)| (d.id.clone(), i))
        .collect();

    for dataset in &datasets {
        check_dataset(&mut checker, dataset);
    }

    if !drafts {
        briefings.retain(|b| !b.draft);
    }
    briefings.sort_by_key(|b| b.period);

    let site = Site {
        config,
        sources,
        vendors,
        datasets,
        briefings,
        pages,
        warnings: Diagnostics::new(),
        source_index,
        dataset_index,
    };
    for briefing in &site.briefings {
        check_body(&mut checker, &site, &briefing.file, &briefing.body);
    }
    for page in &site.pages {
        check_body(&mut checker, &site, &page.file, &page.body);
    }
    let page_ids: Vec<&str> = site.pages.iter().map(|p| p.id.as_str()).collect();
    let mut targets = vec!["home"];
    targets.extend(crate::pages::BUILT_IN_TARGETS);
    targets.extend(page_ids.iter().copied());
    for link in &site.config.navigation {
        if !targets.contains(&link.target.id.as_str()) {
            let hint = suggestion(&link.target.id, "target", targets.iter().copied());
            checker.error(
                &site.config.file,
                link.target.at,
                format!("navigation target `{}` is not a page", link.target.id),
                format!("{hint} (a target is `home`, `data`, `vendors`, `search` or the name of a file in content/pages/)"),
            );
        }
    }
    for figure in &site.config.headline {
        let found = figure
            .id
            .split_once('.')
            .and_then(|(d, c)| site.dataset(d).map(|ds| (ds, c)))
            .filter(|(ds, c)| ds.column_index(c).is_some());
        let in_broken_file = figure
            .id
            .split_once('.')
            .is_some_and(|(d, _)| checker.broken.datasets.contains(d));
        if found.is_none() && !in_broken_file {
            checker.error(
                &site.config.file,
                figure.at,
                format!("headline figure `{}` is not a dataset column", figure.id),
                "write `dataset.column`, e.g. `market.spend`".to_string(),
            );
        }
    }
    if checker.diagnostics.has_errors() {
        return Err(checker.diagnostics);
    }
    let mut site = site;
    site.warnings = checker.diagnostics;
    Ok(site)
}

fn check_dataset(checker: &mut Checker, dataset: &Dataset) {
    let file = &dataset.file;
    for column in &dataset.columns {
        if let Some(vendor) = &column.vendor
            && !checker.broken.vendors
            && !checker.vendor_ids.contains(&vendor.id)
        {
            let hint = suggestion(
                &vendor.id,
                "vendor",
                checker.vendor_ids.iter().map(String::as_str),
            );
            let hint = format!("{hint} (vendors are defined in content/data/vendors.yaml)");
            checker.error(
                file,
                vendor.at,
                format!("unknown vendor `{}`", vendor.id),
                hint,
            );
        }
    }
    for row in &dataset.rows {
        for value in row.cells.iter().flatten() {
            checker.check_source(file, &value.source);
            for alt in &value.also {
                checker.check_source(file, &alt.source);
            }
        }
        check_shares(checker, dataset, row);
    }
    check_growth(checker, dataset);
}

/// The range a published number stands for: half a unit either side of its last decimal.
fn bounds(number: f64) -> (f64, f64) {
    let half = 0.5 * 10f64.powi(-(decimals_of(number) as i32));
    (number - half, number + half)
}

/// A growth column against the series it describes: when the stated year-on-year growth
/// cannot come from the two published values (allowing for their rounding), warn, quoting
/// all three numbers and their sources.
fn check_growth(checker: &mut Checker, dataset: &Dataset) {
    for (g, column) in dataset.columns.iter().enumerate() {
        let Some(base) = &column.growth_of else {
            continue;
        };
        let Some(b) = dataset.column_index(&base.id) else {
            let hint = suggestion(
                &base.id,
                "column",
                dataset.columns.iter().map(|c| c.id.as_str()),
            );
            checker.error(
                &dataset.file,
                base.at,
                format!("`growth_of` names no column `{}`", base.id),
                hint,
            );
            continue;
        };
        for row in &dataset.rows {
            let Some(growth) = row.cells.get(g).and_then(|c| c.as_ref()) else {
                continue;
            };
            let Some(year_before) = row.period.year_before() else {
                continue;
            };
            let (Some(now), Some(then)) =
                (dataset.value(b, row.period), dataset.value(b, year_before))
            else {
                continue;
            };
            // A note on the growth value means an editor has looked and explained it.
            if growth.note.is_some()
                || growth.qualifier.is_some()
                || now.qualifier.is_some()
                || then.qualifier.is_some()
                || then.number <= 0.0
            {
                continue;
            }
            let ((n0, n1), (t0, t1), (g0, g1)) = (
                bounds(now.number),
                bounds(then.number),
                bounds(growth.number),
            );
            let lowest = (n0 / t1 - 1.0) * 100.0;
            let highest = (n1 / t0 - 1.0) * 100.0;
            if g1 < lowest || g0 > highest {
                let implied = (now.number / then.number - 1.0) * 100.0;
                let fmt = |c: usize, v: f64| dataset.format_value(c, v, None);
                checker.warning(
                    &dataset.file,
                    growth.at,
                    format!(
                        "stated growth of {} in {} disagrees with the series: {} against {} in {} is {}",
                        fmt(g, growth.number),
                        row.period,
                        fmt(b, now.number),
                        fmt(b, then.number),
                        year_before,
                        Unit::Percent.format(implied, 1),
                    ),
                    format!(
                        "the growth is from `{}`, the values from `{}` and `{}`; check each against its source; once explained, add a `note:` to the growth value saying why",
                        growth.source.id, now.source.id, then.source.id
                    ),
                );
            }
        }
    }
}

/// Shares of one whole may not add up to more than 100 %, beyond what rounding of the
/// published figures can explain (half a unit in the last decimal written, per value).
fn check_shares(checker: &mut Checker, dataset: &Dataset, row: &Row) {
    let mut wholes: BTreeMap<&str, (f64, f64, Vec<&str>)> = BTreeMap::new();
    for (column, cell) in dataset.columns.iter().zip(&row.cells) {
        let (Some(whole), Some(value)) = (&column.part_of, cell) else {
            continue;
        };
        let entry = wholes
            .entry(whole.as_str())
            .or_insert((0.0, 0.0, Vec::new()));
        entry.0 += value.number;
        entry.1 += 0.5 * 10f64.powi(-(decimals_of(value.number) as i32));
        entry.2.push(column.id.as_str());
    }
    for (whole, (sum, slack, columns)) in wholes {
        if sum > 100.0 + slack + 1e-9 {
            checker.error(
                &dataset.file,
                row.at,
                format!(
                    "shares of `{whole}` in {} add up to {}%, more than 100%",
                    row.period,
                    format_number(sum, 1)
                ),
                format!(
                    "the columns {} are parts of one whole; check each value against its source",
                    columns
                        .iter()
                        .map(|c| format!("`{c}`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            );
        }
    }
}

fn check_body(checker: &mut Checker, site: &Site, file: &SourceFile, body: &[Segment]) {
    let dataset_ids: Vec<&str> = site.datasets.iter().map(|d| d.id.as_str()).collect();
    let unknown_dataset = |checker: &mut Checker, r: &Ref| {
        let hint = suggestion(&r.id, "dataset", dataset_ids.iter().copied());
        checker.error(file, r.at, format!("unknown dataset `{}`", r.id), hint);
    };
    for segment in body {
        match segment {
            Segment::Markdown(_) => {}
            Segment::Cite(source) => checker.check_source(file, source),
            Segment::Figure(figure) => {
                if checker.broken.datasets.contains(&figure.dataset.id) {
                    continue;
                }
                let Some(dataset) = site.dataset(&figure.dataset.id) else {
                    unknown_dataset(checker, &figure.dataset);
                    continue;
                };
                let Some(column) = dataset.column_index(&figure.column.id) else {
                    let hint = suggestion(
                        &figure.column.id,
                        "column",
                        dataset.columns.iter().map(|c| c.id.as_str()),
                    );
                    checker.error(
                        file,
                        figure.at,
                        format!(
                            "dataset `{}` has no column `{}`",
                            dataset.id, figure.column.id
                        ),
                        hint,
                    );
                    continue;
                };
                let Some(value) = dataset.value(column, figure.period) else {
                    let known: Vec<String> = dataset
                        .rows
                        .iter()
                        .filter(|r| r.cells.get(column).is_some_and(Option::is_some))
                        .map(|r| r.period.to_string())
                        .collect();
                    let hint = match (known.first(), known.last()) {
                        (Some(a), Some(b)) => format!(
                            "`{}.{}` has values from {a} to {b}",
                            dataset.id, figure.column.id
                        ),
                        _ => format!("`{}.{}` has no values yet", dataset.id, figure.column.id),
                    };
                    checker.error(
                        file,
                        figure.at,
                        format!(
                            "`{}.{}` has no value for {}",
                            dataset.id, figure.column.id, figure.period
                        ),
                        hint,
                    );
                    continue;
                };
                if let Some(wanted) = &figure.source {
                    let published: Vec<&str> = std::iter::once(value.source.id.as_str())
                        .chain(value.also.iter().map(|a| a.source.id.as_str()))
                        .collect();
                    if !published.contains(&wanted.id.as_str()) {
                        checker.error(
                            file,
                            figure.at,
                            format!(
                                "source `{}` published no value for `{}.{}` in {}",
                                wanted.id, dataset.id, figure.column.id, figure.period
                            ),
                            format!(
                                "values for it come from {}",
                                published
                                    .iter()
                                    .map(|s| format!("`{s}`"))
                                    .collect::<Vec<_>>()
                                    .join(", ")
                            ),
                        );
                    }
                }
            }
            Segment::Chart(spec) => check_chart(checker, site, file, spec, &dataset_ids),
        }
    }
}

fn check_chart(
    checker: &mut Checker,
    site: &Site,
    file: &SourceFile,
    spec: &ChartSpec,
    dataset_ids: &[&str],
) {
    if checker.broken.datasets.contains(&spec.data.id) {
        return;
    }
    let Some(dataset) = site.dataset(&spec.data.id) else {
        let hint = suggestion(&spec.data.id, "dataset", dataset_ids.iter().copied());
        checker.error(
            file,
            spec.data.at,
            format!("unknown dataset `{}`", spec.data.id),
            hint,
        );
        return;
    };
    if spec.columns.is_empty() {
        checker.error(
            file,
            spec.at,
            "the chart names no columns in `y:`".to_string(),
            String::new(),
        );
    }
    for column in &spec.columns {
        if dataset.column_index(&column.id).is_none() {
            let hint = suggestion(
                &column.id,
                "column",
                dataset.columns.iter().map(|c| c.id.as_str()),
            );
            checker.error(
                file,
                column.at,
                format!("dataset `{}` has no column `{}`", dataset.id, column.id),
                hint,
            );
        }
    }
    let units: Vec<Unit> = spec
        .columns
        .iter()
        .filter_map(|c| dataset.column_index(&c.id))
        .map(|i| dataset.columns[i].unit)
        .collect();
    if units.windows(2).any(|w| w[0] != w[1]) {
        checker.error(
            file,
            spec.at,
            "a chart's columns must share one unit".to_string(),
            "draw columns with different units in separate charts".to_string(),
        );
    }
    for (period, at) in [spec.from, spec.to].into_iter().flatten() {
        if period.granularity() != dataset.granularity {
            checker.error(
                file,
                at,
                format!(
                    "`{period}` is a {}, but dataset `{}` has one row per {}",
                    period.granularity().noun(),
                    dataset.id,
                    dataset.granularity.noun()
                ),
                String::new(),
            );
        }
    }
    if let (Some((from, at)), Some((to, _))) = (spec.from, spec.to)
        && from > to
    {
        checker.error(
            file,
            at,
            format!("the chart starts ({from}) after it ends ({to})"),
            String::new(),
        );
    }
    let indices: Vec<usize> = spec
        .columns
        .iter()
        .filter_map(|c| dataset.column_index(&c.id))
        .collect();
    if spec.kind.needs_one_whole() && indices.len() == spec.columns.len() {
        let wholes: Vec<Option<&str>> = indices
            .iter()
            .map(|&i| dataset.columns[i].part_of.as_deref())
            .collect();
        if wholes.iter().any(Option::is_none) || wholes.windows(2).any(|w| w[0] != w[1]) {
            checker.error(
                file,
                spec.at,
                format!("a {} shows shares of one whole, but these columns are not all `part_of` the same whole", spec.kind.name().to_lowercase()),
                "choose columns with the same `part_of`, or use `stacked` or `bar`".to_string(),
            );
        }
    }
    if spec.kind == ChartKind::Sparkline && spec.columns.len() != 1 {
        checker.error(
            file,
            spec.at,
            "a sparkline draws one column".to_string(),
            "name one column in `y:`".to_string(),
        );
    }
    if let Some((period, at)) = spec.period {
        if !spec.kind.is_single_period() {
            checker.error(
                file,
                at,
                "`period:` is for charts of one period (hbar, donut)".to_string(),
                "use `from:` and `to:` for a range".to_string(),
            );
        } else if dataset.row(period).is_none() {
            checker.error(
                file,
                at,
                format!("dataset `{}` has no row for {period}", dataset.id),
                String::new(),
            );
        }
    }
    for a in &spec.annotations {
        if a.period.granularity() != dataset.granularity {
            checker.error(
                file,
                a.at,
                format!(
                    "`{}` is a {}, but dataset `{}` has one row per {}",
                    a.period,
                    a.period.granularity().noun(),
                    dataset.id,
                    dataset.granularity.noun()
                ),
                String::new(),
            );
        }
    }
    if spec
        .columns
        .iter()
        .all(|c| dataset.column_index(&c.id).is_some())
        && !spec.columns.is_empty()
    {
        let data = crate::charts::ChartData::resolve(spec, dataset, &site.vendors);
        if !data.has_values() {
            checker.error(
                file,
                spec.at,
                format!(
                    "the chart's range holds no values of dataset `{}`",
                    dataset.id
                ),
                "widen `from:`/`to:` or choose columns that have values in this range".to_string(),
            );
        }
    }
}
