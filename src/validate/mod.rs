//! Third stage: cross-check the parsed content and produce a `Site` that later stages can
//! trust: every reference resolves, periods line up, shares add up. All problems are
//! collected before failing.

use std::collections::BTreeMap;

use crate::diagnostics::{Diagnostic, Diagnostics, Loc, suggestion};
use crate::format::{decimals_of, format_number};
use crate::model::SourceFile;
use crate::model::*;

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

    /// A value, citation or quote is credited to a firm the page reports: the one named, or
    /// the page's only firm. A page that reports several firms' figures must be told which.
    fn check_firm(
        &mut self,
        data: &Data,
        file: &SourceFile,
        source: &Ref,
        firm: Option<&Ref>,
        what: &str,
    ) {
        let Some(page) = data.source(&source.id) else {
            return;
        };
        let firms = if page.firms.is_empty() {
            vec![page.publisher.as_str()]
        } else {
            page.firms.iter().map(String::as_str).collect()
        };
        let listed = firms
            .iter()
            .map(|f| format!("`{f}`"))
            .collect::<Vec<_>>()
            .join(", ");
        match firm {
            Some(firm) if !page.reports(&firm.id) => {
                let guess = crate::diagnostics::did_you_mean(&firm.id, firms.iter().copied())
                    .map(|best| format!("did you mean `{best}`? "))
                    .unwrap_or_default();
                self.error(
                    file,
                    firm.at,
                    format!(
                        "source `{}` reports no figures by `{}`",
                        page.id, firm.id
                    ),
                    format!(
                        "{guess}the page reports figures by {listed}; if it also reports this firm's, add the firm to its `firm:` in content/data/sources.yaml"
                    ),
                );
            }
            None if firms.len() > 1 => self.error(
                file,
                source.at,
                format!(
                    "source `{}` reports figures by {listed}: say which firm produced {what}",
                    page.id
                ),
                format!(
                    "add `firm: {}` (or another of its firms) beside the source",
                    firms[0]
                ),
            ),
            _ => {}
        }
    }

    /// Words quoted in prose must be part of a sentence the source entry records, or of
    /// the page's headline.
    fn check_quote(&mut self, data: &Data, file: &SourceFile, quote: &Quotation) {
        let source = &quote.citation.source;
        let Some(page) = data.source(&source.id) else {
            return;
        };
        let squash = |t: &str| t.split_whitespace().collect::<Vec<_>>().join(" ");
        let wanted = squash(&quote.text);
        if page
            .quotes
            .iter()
            .chain(std::iter::once(&page.title))
            .any(|q| squash(q).contains(&wanted))
        {
            return;
        }
        let hint = if page.quotes.is_empty() {
            format!(
                "record the sentence these words come from under `quote:` in source `{}` (content/data/sources.yaml), exactly as the page has it; a source's title also counts",
                page.id
            )
        } else {
            format!(
                "the sentences recorded for `{}` are: {}",
                page.id,
                page.quotes
                    .iter()
                    .map(|q| format!("\"{q}\""))
                    .collect::<Vec<_>>()
                    .join("; ")
            )
        };
        self.error(
            file,
            source.at,
            format!(
                "source `{}` records no sentence containing \"{}\"",
                page.id, quote.text
            ),
            hint,
        );
    }

    /// A statement cited to a page should have the sentence that supports it on record.
    fn check_cited_statement(&mut self, data: &Data, file: &SourceFile, citation: &Citation) {
        let Some(page) = data.source(&citation.source.id) else {
            return;
        };
        if page.quotes.is_empty() {
            self.warning(
                file,
                citation.source.at,
                format!(
                    "a statement is cited to `{}`, which records no sentence supporting it",
                    page.id
                ),
                format!(
                    "add the sentence from the page under `quote:` in source `{}` (content/data/sources.yaml), so a reader and a checker can see what the page says",
                    page.id
                ),
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
    let data = Data::new(sources, vendors, datasets);
    for dataset in &data.datasets {
        check_dataset(&mut checker, &data, dataset);
    }

    if !drafts {
        briefings.retain(|b| !b.draft);
    }
    briefings.sort_by_key(|b| b.period);

    let site = Site {
        config,
        data,
        briefings,
        pages,
        warnings: Diagnostics::new(),
    };
    for briefing in &site.briefings {
        check_body(&mut checker, &site, &briefing.file, &briefing.body);
    }
    for page in &site.pages {
        check_body(&mut checker, &site, &page.file, &page.body);
    }
    let page_ids: Vec<&str> = site.pages.iter().map(|p| p.id.as_str()).collect();
    let mut targets = vec!["home"];
    targets.extend(crate::routes::BUILT_IN_TARGETS);
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
            .and_then(|(d, c)| site.data.dataset(d).map(|ds| (ds, c)))
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

fn check_dataset(checker: &mut Checker, data: &Data, dataset: &Dataset) {
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
            for version in value.versions() {
                checker.check_source(file, version.source);
                checker.check_firm(data, file, version.source, version.firm, "this value");
            }
        }
        check_shares(checker, dataset, row);
    }
    check_growth(checker, dataset);
}

/// A growth column against the series it describes. The stated year-on-year growth and the
/// value it is applied to imply a value a year earlier; when that cannot be the published one,
/// allowing for rounding and for qualifiers (a value "over 5" is a bound, "about 20" a
/// tolerance), warn with all three numbers, their sources, and the base the growth implies.
/// Usually the base was restated; a `note:` on the growth value must then say why the figures
/// differ. A note saying the difference is unexplained does not count.
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
            let Some(disagreement) = GrowthDisagreement::find(growth, now, then) else {
                continue;
            };
            let explained = growth.note.as_deref().is_some_and(|n| !says_unexplained(n));
            if explained {
                continue;
            }
            let fmt = |c: usize, v: f64, q: Option<Qualifier>| dataset.format_value(c, v, q);
            let message = format!(
                "stated growth of {} in {} implies a {year_before} {} of {}, but {} was published",
                fmt(g, growth.number, growth.qualifier),
                row.period,
                dataset.columns[b].label.to_lowercase(),
                disagreement.implied_base(dataset, b, then.number),
                fmt(b, then.number, then.qualifier),
            );
            let sources = format!(
                "`{}` gives {} for {}, and `{}` growth of {}; against the {} published for {year_before} (`{}`) the growth would be {}",
                now.source.id,
                fmt(b, now.number, now.qualifier),
                row.period,
                growth.source.id,
                fmt(g, growth.number, growth.qualifier),
                fmt(b, then.number, then.qualifier),
                then.source.id,
                disagreement.implied_growth(),
            );
            let ask = if growth.note.is_some() {
                "the `note:` on the growth value says the difference is unexplained; say why the figures differ (usually the year-earlier figure was restated: name the restatement)"
            } else {
                "check each against its source; if the year-earlier figure was restated, add a `note:` to the growth value that names the restatement and says why the figures differ"
            };
            checker.warning(
                &dataset.file,
                growth.at,
                message,
                format!("{sources}; {ask}"),
            );
        }
    }
}

/// Notes that admit the difference is not understood do not explain it.
fn says_unexplained(note: &str) -> bool {
    let note = note.to_lowercase();
    [
        "not explain",
        "unexplained",
        "no explanation",
        "not explained",
    ]
    .iter()
    .any(|p| note.contains(p))
}

/// A stated growth rate that its two published values cannot produce.
struct GrowthDisagreement {
    /// The range of year-earlier values the growth and the later value imply.
    base: (f64, f64),
    /// The range of growth rates the two published values imply, in per cent.
    growth: (f64, f64),
}

impl GrowthDisagreement {
    fn find(growth: &Value, now: &Value, then: &Value) -> Option<GrowthDisagreement> {
        let (n0, n1) = published_range(now.number, now.qualifier);
        let (t0, t1) = published_range(then.number, then.qualifier);
        let (g0, g1) = published_range(growth.number, growth.qualifier);
        if t0 <= 0.0 || g0 <= -100.0 {
            return None;
        }
        let lowest = (n0 / t1 - 1.0) * 100.0;
        let highest = (n1 / t0 - 1.0) * 100.0;
        if g1 >= lowest && g0 <= highest {
            return None;
        }
        Some(GrowthDisagreement {
            base: (n0 / (1.0 + g1 / 100.0), n1 / (1.0 + g0 / 100.0)),
            growth: (lowest, highest),
        })
    }

    /// The implied year-earlier value, to the precision the published one was given at.
    fn implied_base(&self, dataset: &Dataset, column: usize, published: f64) -> String {
        let (lo, hi) = self.base;
        let decimals = dataset.decimals(column, published);
        let unit = dataset
            .columns
            .get(column)
            .map_or(Unit::Percent, |c| c.unit);
        let at = |v: f64| unit.format(v, decimals);
        if hi.is_infinite() {
            format!("at least {}", at(lo))
        } else if lo <= 0.0 {
            format!("at most {}", at(hi))
        } else if at(lo) == at(hi) {
            format!("about {}", at(lo))
        } else {
            format!("between {} and {}", at(lo), at(hi))
        }
    }

    fn implied_growth(&self) -> String {
        let (lo, hi) = self.growth;
        let pct = |v: f64| Unit::Percent.format(v, 1);
        if hi.is_infinite() {
            format!("at least {}", pct(lo))
        } else if lo.is_infinite() {
            format!("at most {}", pct(hi))
        } else if pct(lo) == pct(hi) {
            pct(lo)
        } else {
            format!("between {} and {}", pct(lo), pct(hi))
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
    let dataset_ids: Vec<&str> = site.data.datasets.iter().map(|d| d.id.as_str()).collect();
    for segment in body {
        match segment {
            Segment::Markdown(_) => {}
            Segment::Cite(citation) => {
                checker.check_source(file, &citation.source);
                checker.check_firm(
                    &site.data,
                    file,
                    &citation.source,
                    citation.firm.as_ref(),
                    "what is cited",
                );
                checker.check_cited_statement(&site.data, file, citation);
            }
            Segment::Quote(quote) => {
                let citation = &quote.citation;
                checker.check_source(file, &citation.source);
                checker.check_firm(
                    &site.data,
                    file,
                    &citation.source,
                    citation.firm.as_ref(),
                    "the words quoted",
                );
                checker.check_quote(&site.data, file, quote);
            }
            Segment::Figure(figure) => {
                check_figure(checker, site, file, figure, &dataset_ids);
            }
            Segment::Calc(calc) => {
                let mut resolved = true;
                for figure in calc.expr.figures() {
                    resolved &= check_figure(checker, site, file, figure, &dataset_ids);
                }
                if resolved && let Err(problem) = site.data.calculate(calc) {
                    checker.error(
                        file,
                        calc.at,
                        format!("cannot calculate this figure: {problem}"),
                        "figures in a calculation must have values; amounts add only to amounts in the same unit".to_string(),
                    );
                }
            }
            Segment::Chart(spec) => check_chart(checker, site, file, spec, &dataset_ids),
        }
    }
}

/// A figure reference names a dataset, a column and a period that has a value, and a
/// source that published it. Returns whether it resolves.
fn check_figure(
    checker: &mut Checker,
    site: &Site,
    file: &SourceFile,
    figure: &FigureRef,
    dataset_ids: &[&str],
) -> bool {
    let unknown_dataset = |checker: &mut Checker, r: &Ref| {
        let hint = suggestion(&r.id, "dataset", dataset_ids.iter().copied());
        checker.error(file, r.at, format!("unknown dataset `{}`", r.id), hint);
    };
    if checker.broken.datasets.contains(&figure.dataset.id) {
        return false;
    }
    let Some(dataset) = site.data.dataset(&figure.dataset.id) else {
        unknown_dataset(checker, &figure.dataset);
        return false;
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
    let Some(dataset) = site.data.dataset(&spec.data.id) else {
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
        && !spec.has_values(dataset)
    {
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
