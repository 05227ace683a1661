//! Checks on briefings and pages: every figure, citation, quote and calculation resolves,
//! and every chart block can be drawn honestly from its dataset.

use super::checker::Checker;
use crate::model::{
    ChartKind, ChartSpec, Citation, Data, Dataset, FigureRef, Segment, SourceFile, Unit,
};

pub fn check_body(checker: &mut Checker, data: &Data, file: &SourceFile, body: &[Segment]) {
    for segment in body {
        match segment {
            Segment::Markdown(_) => {}
            Segment::Cite(citation) => {
                check_citation(checker, data, file, citation, "what is cited");
                checker.check_cited_statement(data, file, citation);
            }
            Segment::Quote(quote) => {
                check_citation(checker, data, file, &quote.citation, "the words quoted");
                checker.check_quote(data, file, quote);
            }
            Segment::Figure(figure) => {
                check_figure(checker, data, file, figure);
            }
            Segment::Calc(calc) => {
                let mut resolved = true;
                for figure in calc.expr.figures() {
                    resolved &= check_figure(checker, data, file, figure);
                }
                if resolved && let Err(problem) = data.calculate(calc) {
                    checker.error(
                        file,
                        calc.at,
                        format!("cannot calculate this figure: {problem}"),
                        "figures in a calculation must have values; amounts add only to amounts in the same unit".to_string(),
                    );
                }
            }
            Segment::Chart(spec) => check_chart(checker, data, file, spec),
        }
    }
}

/// A citation names a known source, and a firm that source reports.
fn check_citation(
    checker: &mut Checker,
    data: &Data,
    file: &SourceFile,
    citation: &Citation,
    what: &str,
) {
    checker.check_source(file, &citation.source);
    checker.check_firm(data, file, &citation.source, citation.firm.as_ref(), what);
}

/// A figure reference names a dataset, a column and a period that has a value, and a
/// source that published it. Returns whether it resolves.
fn check_figure(checker: &mut Checker, data: &Data, file: &SourceFile, figure: &FigureRef) -> bool {
    let Some(dataset) = checker.resolve_dataset(data, file, &figure.dataset) else {
        return false;
    };
    let Some(column) = checker.resolve_column(file, dataset, &figure.column, figure.at) else {
        return false;
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
        return false;
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
    true
}

/// A chart block: its dataset and columns exist and share a unit, its periods are of the
/// dataset's kind, its kind suits its columns, and its range holds something to draw.
fn check_chart(checker: &mut Checker, data: &Data, file: &SourceFile, spec: &ChartSpec) {
    let Some(dataset) = checker.resolve_dataset(data, file, &spec.data) else {
        return;
    };
    let columns = check_chart_columns(checker, file, spec, dataset);
    check_chart_periods(checker, file, spec, dataset);
    check_chart_kind(checker, file, spec, dataset, columns.as_deref());
    if columns.is_some() && !spec.has_values(dataset) {
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

/// The columns' indices when every one resolves and they share one unit.
fn check_chart_columns(
    checker: &mut Checker,
    file: &SourceFile,
    spec: &ChartSpec,
    dataset: &Dataset,
) -> Option<Vec<usize>> {
    if spec.columns.is_empty() {
        checker.error(
            file,
            spec.at,
            "the chart names no columns in `y:`".to_string(),
            String::new(),
        );
        return None;
    }
    let resolved: Vec<Option<usize>> = spec
        .columns
        .iter()
        .map(|c| checker.resolve_column(file, dataset, c, c.at))
        .collect();
    let indices: Vec<usize> = resolved.iter().flatten().copied().collect();
    let units: Vec<Unit> = indices.iter().map(|&i| dataset.columns[i].unit).collect();
    if units.windows(2).any(|w| w[0] != w[1]) {
        checker.error(
            file,
            spec.at,
            "a chart's columns must share one unit".to_string(),
            "draw columns with different units in separate charts".to_string(),
        );
    }
    (indices.len() == resolved.len()).then_some(indices)
}

/// `from:`, `to:`, `period:` and annotations name periods of the dataset's kind, in order.
fn check_chart_periods(
    checker: &mut Checker,
    file: &SourceFile,
    spec: &ChartSpec,
    dataset: &Dataset,
) {
    let wrong_kind = |checker: &mut Checker, period: crate::period::Period, at| {
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
    };
    for (period, at) in [spec.from, spec.to].into_iter().flatten() {
        wrong_kind(checker, period, at);
    }
    for a in &spec.annotations {
        wrong_kind(checker, a.period, a.at);
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
}

/// Shares of one whole for donuts and 100 % stacks; one column for sparklines.
fn check_chart_kind(
    checker: &mut Checker,
    file: &SourceFile,
    spec: &ChartSpec,
    dataset: &Dataset,
    columns: Option<&[usize]>,
) {
    if let (true, Some(columns)) = (spec.kind.needs_one_whole(), columns) {
        let wholes: Vec<Option<&str>> = columns
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
}
