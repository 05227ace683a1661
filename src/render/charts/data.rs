//! What a chart shows, resolved from its spec and dataset: the periods, one series per
//! column with its colour class, the markers, and the description and CSV made from them.

use crate::colour;
use crate::escape::csv_field;
use crate::format::{decimals_of, join_names, plain_number};
use crate::model::{ChartKind, ChartSpec, Dataset, Row, Unit, Vendor};
use crate::period::Period;

/// One line, one set of bars or one set of segments.
#[derive(Clone, Debug)]
pub struct Series {
    pub column: usize,
    pub label: String,
    /// The vendor's Chinese name, when the column is a vendor's.
    pub name_zh: Option<String>,
    /// `c-<vendor>` or `c-p<n>`: the CSS class that gives the series its colour.
    pub class: String,
    /// The light-mode colour, kept as a presentation attribute for readers without CSS.
    pub colour: String,
    pub values: Vec<Option<f64>>,
}

/// A vertical marker: a series break from the dataset or an annotation from the chart block.
#[derive(Clone, Debug)]
pub struct Marker {
    pub index: usize,
    pub label: String,
    /// Breaks sit between periods; annotations on one.
    pub between: bool,
}

/// What a chart shows, resolved from its spec and dataset.
#[derive(Clone, Debug)]
pub struct ChartData<'a> {
    pub kind: ChartKind,
    pub dataset: &'a Dataset,
    /// The dataset's rows in the chart's range (one row for single-period kinds).
    pub rows: &'a [Row],
    /// Every period from the first row to the last, with no period skipped: a period the
    /// dataset has no row for is shown as a gap, not left out of the axis.
    pub periods: Vec<Period>,
    /// The row of each period, where there is one.
    pub period_rows: Vec<Option<&'a Row>>,
    pub series: Vec<Series>,
    pub markers: Vec<Marker>,
    pub references: Vec<(f64, String)>,
    pub unit: Unit,
}

/// The CSS class for the `n`th colour of the default palette.
pub fn palette_class(n: usize) -> String {
    format!("c-p{n}")
}

/// The CSS class for a vendor's colour.
pub fn vendor_class(vendor: &str) -> String {
    format!("c-{vendor}")
}

impl<'a> ChartData<'a> {
    /// Resolves a validated spec: the rows in range and one series per column.
    pub fn resolve(spec: &ChartSpec, dataset: &'a Dataset, vendors: &[Vendor]) -> Self {
        let indices = spec.column_indices(dataset);
        let rows = spec.rows(dataset, &indices);
        let mut periods: Vec<Period> = Vec::new();
        if let (Some(first), Some(last)) = (rows.first(), rows.last()) {
            let mut p = first.period;
            while p <= last.period && periods.len() <= rows.len() * 4 + 4 {
                periods.push(p);
                match p.next() {
                    Some(next) => p = next,
                    None => break,
                }
            }
        }
        let period_rows: Vec<Option<&Row>> = periods
            .iter()
            .map(|p| {
                rows.binary_search_by_key(p, |r| r.period)
                    .ok()
                    .and_then(|i| rows.get(i))
            })
            .collect();
        let mut palette = 0;
        let series = indices
            .iter()
            .map(|&index| {
                let column = &dataset.columns[index];
                let vendor = column
                    .vendor
                    .as_ref()
                    .and_then(|v| vendors.iter().find(|x| x.id == v.id));
                let (class, colour) = match vendor {
                    Some(v) => (vendor_class(&v.id), v.colour.clone()),
                    None => {
                        let n = palette % colour::PALETTE.len();
                        palette += 1;
                        (palette_class(n), colour::PALETTE[n].to_string())
                    }
                };
                Series {
                    column: index,
                    label: column.label.clone(),
                    name_zh: vendor.map(|v| v.name_zh.clone()).filter(|n| !n.is_empty()),
                    class,
                    colour,
                    values: period_rows
                        .iter()
                        .map(|r| {
                            r.and_then(|r| r.cells.get(index)?.as_ref())
                                .map(|v| v.number)
                        })
                        .collect(),
                }
            })
            .collect();
        let mut markers = Vec::new();
        for b in &dataset.breaks {
            // A break at the first period shown has nothing before it to break from.
            if let Some(i) = periods
                .iter()
                .position(|p| *p == b.period)
                .filter(|i| *i > 0)
            {
                markers.push(Marker {
                    index: i,
                    label: b.label.clone(),
                    between: true,
                });
            }
        }
        for a in &spec.annotations {
            if let Some(i) = periods.iter().position(|p| *p == a.period) {
                markers.push(Marker {
                    index: i,
                    label: a.label.clone(),
                    between: false,
                });
            }
        }
        let unit = indices
            .first()
            .map_or(Unit::Percent, |&i| dataset.columns[i].unit);
        ChartData {
            kind: spec.kind,
            dataset,
            rows,
            periods,
            period_rows,
            series,
            markers,
            references: spec
                .references
                .iter()
                .map(|r| (r.value, r.label.clone()))
                .collect(),
            unit,
        }
    }

    pub fn has_values(&self) -> bool {
        self.series
            .iter()
            .any(|s| s.values.iter().any(Option::is_some))
    }

    pub fn format(&self, series: &Series, value: f64) -> String {
        self.dataset.format_value(series.column, value, None)
    }

    /// For parts of one whole: what the columns shown leave out (100 less their sum), per row.
    pub fn remainder(&self, row: usize) -> Option<f64> {
        if !self.kind.needs_one_whole() {
            return None;
        }
        let known: Vec<f64> = self
            .series
            .iter()
            .filter_map(|s| s.values.get(row).copied().flatten())
            .collect();
        if known.is_empty() {
            return None;
        }
        let rest = 100.0 - known.iter().sum::<f64>();
        let scale = 10f64.powi(self.remainder_decimals(row) as i32);
        (rest > 0.05).then_some((rest * scale).round() / scale)
    }

    /// As many decimals as the most precise share the remainder is computed from.
    pub fn remainder_decimals(&self, row: usize) -> usize {
        self.series
            .iter()
            .filter_map(|s| s.values.get(row).copied().flatten())
            .map(decimals_of)
            .max()
            .unwrap_or(0)
    }

    /// A sentence or two saying what the chart shows, from the data: for one period, each
    /// value largest first; for a range, how each series moved, where it has gaps, and what
    /// is marked on it.
    pub fn describe(&self) -> String {
        let (Some(first), Some(last)) = (self.periods.first(), self.periods.last()) else {
            return "The chart has no data.".to_string();
        };
        let names: Vec<&str> = self.series.iter().map(|s| s.label.as_str()).collect();
        if self.kind.is_single_period() {
            return self.describe_one_period(&names, *first);
        }
        let mut text = format!(
            "{} of {} from {} to {}.",
            self.kind.name(),
            join_names(&names),
            first.label(),
            last.label()
        );
        for s in &self.series {
            text.push_str(&self.describe_series(s));
            text.push_str(&self.describe_gaps(s));
        }
        for m in &self.markers {
            if let Some(p) = self.periods.get(m.index) {
                text.push_str(&format!(" Marked at {}: {}.", p.label(), m.label));
            }
        }
        text
    }

    /// Every value of a one-period chart, largest first, with what is not broken out and
    /// what was not published.
    fn describe_one_period(&self, names: &[&str], period: Period) -> String {
        let mut parts: Vec<(f64, String)> = self
            .series
            .iter()
            .filter_map(|s| {
                s.values
                    .first()
                    .copied()
                    .flatten()
                    .map(|v| (v, format!("{} {}", s.label, self.format(s, v))))
            })
            .collect();
        parts.sort_by(|a, b| b.0.total_cmp(&a.0));
        let mut text = format!(
            "{} of {} in {}: {}.",
            self.kind.name(),
            join_names(names),
            period.label(),
            parts
                .into_iter()
                .map(|(_, t)| t)
                .collect::<Vec<_>>()
                .join(", ")
        );
        if let Some(rest) = self.remainder(0) {
            text.push_str(&format!(
                " The remaining {} is not broken out.",
                self.unit.format(rest, self.remainder_decimals(0))
            ));
        }
        let missing: Vec<&str> = self
            .series
            .iter()
            .filter(|s| s.values.first().copied().flatten().is_none())
            .map(|s| s.label.as_str())
            .collect();
        if !missing.is_empty() {
            text.push_str(&format!(
                " No value was published for {}.",
                join_names(&missing)
            ));
        }
        text
    }

    /// The periods and values a series has.
    fn known(&self, s: &Series) -> Vec<(Period, f64)> {
        self.periods
            .iter()
            .zip(&s.values)
            .filter_map(|(p, v)| v.map(|v| (*p, v)))
            .collect()
    }

    /// How a series moved: from its first value to its last, and its peak in between.
    fn describe_series(&self, s: &Series) -> String {
        let known = self.known(s);
        match (known.first(), known.last()) {
            (Some((p0, v0)), Some((p1, v1))) if known.len() > 1 => {
                let verb = if v1 > v0 {
                    "rose"
                } else if v1 < v0 {
                    "fell"
                } else {
                    "was unchanged"
                };
                let mut text = format!(
                    " {} {verb} from {} in {} to {} in {}",
                    s.label,
                    self.format(s, *v0),
                    p0.label(),
                    self.format(s, *v1),
                    p1.label()
                );
                let peak = known
                    .iter()
                    .fold(known[0], |a, b| if b.1 > a.1 { *b } else { a });
                if peak.0 != *p1 && peak.0 != *p0 {
                    text.push_str(&format!(
                        ", peaking at {} in {}",
                        self.format(s, peak.1),
                        peak.0.label()
                    ));
                }
                text.push('.');
                text
            }
            (Some((p, v)), _) => {
                format!(" {} was {} in {}.", s.label, self.format(s, *v), p.label())
            }
            _ => format!(" {} has no values in this range.", s.label),
        }
    }

    /// The periods a series has no value for, named when they are few.
    fn describe_gaps(&self, s: &Series) -> String {
        if self.known(s).is_empty() {
            return String::new();
        }
        let gaps: Vec<String> = self
            .periods
            .iter()
            .zip(&s.values)
            .filter(|(_, v)| v.is_none())
            .map(|(p, _)| p.label())
            .collect();
        match gaps.as_slice() {
            [] => String::new(),
            [one] => format!(" No value was published for {one}."),
            few if few.len() <= 3 => {
                let list: Vec<&str> = few.iter().map(String::as_str).collect();
                format!(" No values were published for {}.", join_names(&list))
            }
            many => format!(
                " No values were published for {} of the periods shown.",
                many.len()
            ),
        }
    }

    /// The values shown, as CSV: a period column, one column per series (with its unit) and,
    /// for parts of one whole, what is not broken out. Missing values are empty cells.
    pub fn csv(&self) -> String {
        let mut header = vec!["period".to_string()];
        for s in &self.series {
            header.push(format!("{} ({})", s.label, self.unit.name()));
        }
        let whole = self.kind.needs_one_whole();
        if whole {
            header.push(format!("Not broken out ({})", self.unit.name()));
        }
        let mut out = header
            .iter()
            .map(|h| csv_field(h))
            .collect::<Vec<_>>()
            .join(",");
        out.push('\n');
        for (i, period) in self.periods.iter().enumerate() {
            let mut fields = vec![period.to_string()];
            for s in &self.series {
                fields.push(
                    s.values
                        .get(i)
                        .copied()
                        .flatten()
                        .map(plain_number)
                        .unwrap_or_default(),
                );
            }
            if whole {
                fields.push(self.remainder(i).map(plain_number).unwrap_or_default());
            }
            out.push_str(&fields.join(","));
            out.push('\n');
        }
        out
    }
}
