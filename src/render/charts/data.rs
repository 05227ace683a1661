//! What a chart shows, resolved from its spec and dataset: the periods, one series per
//! column with its colour class, the markers, and the description and CSV made from them.

use crate::colour;
use crate::escape::csv_field;
use crate::format::{decimals_of, plain_number};
use crate::language::Language;
use crate::model::{ChartKind, ChartSpec, Dataset, Row, Unit, Vendor};
use crate::period::Period;

/// One line, one set of bars or one set of segments.
#[derive(Clone, Debug)]
pub struct Series {
    pub column: usize,
    pub label: String,
    /// The vendor's Chinese name, when the column is a vendor's and its label is not that
    /// name already (as it is in the Chinese edition).
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

/// How a series moved over a chart's periods.
enum Movement {
    /// From its first value to its last, with its highest in between (when that is
    /// neither).
    Range {
        first: (Period, f64),
        last: (Period, f64),
        peak: Option<(Period, f64)>,
    },
    /// Its only value.
    One(Period, f64),
    None,
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
    /// The language its words and numbers are written in: its dataset's.
    pub language: Language,
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
                    name_zh: vendor
                        .map(|v| v.name_zh.clone())
                        .filter(|n| !n.is_empty() && *n != column.label),
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
            language: dataset.language,
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

    /// A number in the chart's unit (a tick, what is not broken out), in its language.
    pub fn format_unit(&self, value: f64, decimals: usize) -> String {
        self.unit.format_in(self.language, value, decimals)
    }

    /// A period as the chart's language writes it: `Q3 2023`; 2023年第三季度.
    pub fn period_label(&self, period: Period) -> String {
        self.language.period(period)
    }

    /// What the chart calls the part of a whole its sources do not break out.
    pub fn rest_label(&self) -> &'static str {
        match self.language {
            Language::EnGb => "Not broken out",
            Language::ZhHans => "未单列",
        }
    }

    /// A name with its value, as direct labels and legends show them: `Alibaba Cloud 36%`;
    /// 阿里云：36%.
    pub fn labelled(&self, name: &str, value: &str) -> String {
        match self.language {
            Language::EnGb => format!("{name} {value}"),
            Language::ZhHans => format!("{name}：{value}"),
        }
    }

    /// The kind of chart as its description names it: `Bar chart`; 柱状图 (分组柱状图 for
    /// bars of several series).
    fn kind_name(&self) -> &'static str {
        match self.language {
            Language::EnGb => self.kind.name(),
            Language::ZhHans => match self.kind {
                ChartKind::Line => "折线图",
                ChartKind::Bar if self.series.len() > 1 => "分组柱状图",
                ChartKind::Bar => "柱状图",
                ChartKind::HBar => "条形图",
                ChartKind::Stacked => "堆叠柱状图",
                ChartKind::Stacked100 => "百分比堆叠柱状图",
                ChartKind::Donut => "环形图",
                ChartKind::Sparkline => "迷你走势图",
            },
        }
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

    /// A sentence or two saying what the chart shows, from the data, in its language: for
    /// one period, each value largest first; for a range, how each series moved, where it
    /// has gaps, and what is marked on it.
    pub fn describe(&self) -> String {
        match self.language {
            Language::EnGb => self.describe_en(),
            Language::ZhHans => self.describe_zh(),
        }
    }

    /// `describe` in English: "Line chart of A and B from Q1 2022 to Q3 2023. A rose from…"
    fn describe_en(&self) -> String {
        let (Some(first), Some(last)) = (self.periods.first(), self.periods.last()) else {
            return "The chart has no data.".to_string();
        };
        let names: Vec<&str> = self.series.iter().map(|s| s.label.as_str()).collect();
        if self.kind.is_single_period() {
            return self.describe_one_period_en(&names, *first);
        }
        let mut text = format!(
            "{} of {} from {} to {}.",
            self.kind_name(),
            self.language.join_names(&names),
            first.label(),
            last.label()
        );
        for s in &self.series {
            text.push_str(&self.describe_series_en(s));
            text.push_str(&self.describe_gaps_en(s));
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
    fn describe_one_period_en(&self, names: &[&str], period: Period) -> String {
        let parts: Vec<String> = self
            .largest_first()
            .into_iter()
            .map(|(s, v)| format!("{} {}", s.label, self.format(s, v)))
            .collect();
        let mut text = format!(
            "{} of {} in {}: {}.",
            self.kind_name(),
            self.language.join_names(names),
            period.label(),
            parts.join(", ")
        );
        if let Some(rest) = self.remainder(0) {
            text.push_str(&format!(
                " The remaining {} is not broken out.",
                self.format_unit(rest, self.remainder_decimals(0))
            ));
        }
        let missing = self.unpublished();
        if !missing.is_empty() {
            text.push_str(&format!(
                " No value was published for {}.",
                self.language.join_names(&missing)
            ));
        }
        text
    }

    /// How a series moved: from its first value to its last, and its peak in between.
    fn describe_series_en(&self, s: &Series) -> String {
        match self.movement(s) {
            Movement::Range {
                first: (p0, v0),
                last: (p1, v1),
                peak,
            } => {
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
                    self.format(s, v0),
                    p0.label(),
                    self.format(s, v1),
                    p1.label()
                );
                if let Some((p, v)) = peak {
                    text.push_str(&format!(
                        ", peaking at {} in {}",
                        self.format(s, v),
                        p.label()
                    ));
                }
                text.push('.');
                text
            }
            Movement::One(p, v) => {
                format!(" {} was {} in {}.", s.label, self.format(s, v), p.label())
            }
            Movement::None => format!(" {} has no values in this range.", s.label),
        }
    }

    /// The periods a series has no value for, named when they are few.
    fn describe_gaps_en(&self, s: &Series) -> String {
        let gaps: Vec<String> = self.gaps(s).into_iter().map(Period::label).collect();
        match gaps.as_slice() {
            [] => String::new(),
            [one] => format!(" No value was published for {one}."),
            few if few.len() <= 3 => {
                let list: Vec<&str> = few.iter().map(String::as_str).collect();
                format!(
                    " No values were published for {}.",
                    self.language.join_names(&list)
                )
            }
            many => format!(
                " No values were published for {} of the periods shown.",
                many.len()
            ),
        }
    }

    /// `describe` in Chinese, written as Chinese writes it: 折线图：阿里云和腾讯云，
    /// 2022年第一季度至2023年第三季度。阿里云从36.7%升至39%……
    fn describe_zh(&self) -> String {
        let (Some(first), Some(last)) = (self.periods.first(), self.periods.last()) else {
            return "图表没有数据。".to_string();
        };
        let names: Vec<&str> = self.series.iter().map(|s| s.label.as_str()).collect();
        let names = self.language.join_names(&names);
        if self.kind.is_single_period() {
            return self.describe_one_period_zh(&names, *first);
        }
        let mut text = format!(
            "{}：{names}，{}至{}。",
            self.kind_name(),
            self.period_label(*first),
            self.period_label(*last)
        );
        for s in &self.series {
            text.push_str(&self.describe_series_zh(s));
            text.push_str(&self.describe_gaps_zh(s));
        }
        for m in &self.markers {
            if let Some(p) = self.periods.get(m.index) {
                text.push_str(&format!("{}标注：{}。", self.period_label(*p), m.label));
            }
        }
        text
    }

    /// A one-period chart in Chinese: 条形图：阿里云、华为云和腾讯云，2023年第三季度。阿里云为39%，……
    fn describe_one_period_zh(&self, names: &str, period: Period) -> String {
        let parts: Vec<String> = self
            .largest_first()
            .into_iter()
            .map(|(s, v)| format!("{}为{}", s.label, self.format(s, v)))
            .collect();
        let mut text = format!(
            "{}：{names}，{}。",
            self.kind_name(),
            self.period_label(period)
        );
        if !parts.is_empty() {
            text.push_str(&parts.join("，"));
            text.push('。');
        }
        if let Some(rest) = self.remainder(0) {
            text.push_str(&format!(
                "其余{}未单列。",
                self.format_unit(rest, self.remainder_decimals(0))
            ));
        }
        let missing = self.unpublished();
        if !missing.is_empty() {
            text.push_str(&format!(
                "{}未公布数值。",
                self.language.join_names(&missing)
            ));
        }
        text
    }

    /// How a series moved, in Chinese: 支出从73亿美元升至92亿美元，峰值为2023年第二季度的
    /// 95亿美元 (腾讯云从2022年第一季度的15.7%降至2023年第三季度的15%, where its values do not
    /// span the chart).
    fn describe_series_zh(&self, s: &Series) -> String {
        match self.movement(s) {
            Movement::Range {
                first: (p0, v0),
                last: (p1, v1),
                peak,
            } => {
                // The periods are named where they are not the chart's first and last,
                // which its first sentence names.
                let whole = self.periods.first() == Some(&p0) && self.periods.last() == Some(&p1);
                let at = |p: Period, value: f64| {
                    let value = self.format(s, value);
                    if whole {
                        value
                    } else {
                        format!("{}的{value}", self.period_label(p))
                    }
                };
                let (a, b) = (at(p0, v0), at(p1, v1));
                let mut text = if v1 > v0 {
                    format!("{}从{a}升至{b}", s.label)
                } else if v1 < v0 {
                    format!("{}从{a}降至{b}", s.label)
                } else {
                    format!(
                        "{}在{}和{}均为{}",
                        s.label,
                        self.period_label(p0),
                        self.period_label(p1),
                        self.format(s, v0)
                    )
                };
                if let Some((p, v)) = peak {
                    text.push_str(&format!(
                        "，峰值为{}的{}",
                        self.period_label(p),
                        self.format(s, v)
                    ));
                }
                text.push('。');
                text
            }
            Movement::One(p, v) => {
                format!(
                    "{}，{}为{}。",
                    self.period_label(p),
                    s.label,
                    self.format(s, v)
                )
            }
            Movement::None => format!("{}在此期间没有数值。", s.label),
        }
    }

    /// The periods a series has no value for, in Chinese, named when they are few.
    fn describe_gaps_zh(&self, s: &Series) -> String {
        let gaps: Vec<String> = self
            .gaps(s)
            .into_iter()
            .map(|p| self.period_label(p))
            .collect();
        match gaps.as_slice() {
            [] => String::new(),
            few if few.len() <= 3 => {
                let list: Vec<&str> = few.iter().map(String::as_str).collect();
                format!(
                    "{}{}的数值未公布。",
                    s.label,
                    self.language.join_names(&list)
                )
            }
            many => format!(
                "所示时期中，{}有{}个时期的数值未公布。",
                s.label,
                many.len()
            ),
        }
    }

    /// The values of a one-period chart, largest first.
    fn largest_first(&self) -> Vec<(&Series, f64)> {
        let mut values: Vec<(&Series, f64)> = self
            .series
            .iter()
            .filter_map(|s| s.values.first().copied().flatten().map(|v| (s, v)))
            .collect();
        values.sort_by(|a, b| b.1.total_cmp(&a.1));
        values
    }

    /// The series of a one-period chart with no value published.
    fn unpublished(&self) -> Vec<&str> {
        self.series
            .iter()
            .filter(|s| s.values.first().copied().flatten().is_none())
            .map(|s| s.label.as_str())
            .collect()
    }

    /// The periods and values a series has.
    fn known(&self, s: &Series) -> Vec<(Period, f64)> {
        self.periods
            .iter()
            .zip(&s.values)
            .filter_map(|(p, v)| v.map(|v| (*p, v)))
            .collect()
    }

    /// How a series moved over the chart: its first and last values and, when it is
    /// neither, its highest; or its one value; or none.
    fn movement(&self, s: &Series) -> Movement {
        let known = self.known(s);
        match (known.first(), known.last()) {
            (Some(&first), Some(&last)) if known.len() > 1 => {
                let peak = known
                    .iter()
                    .copied()
                    .reduce(|a, b| if b.1 > a.1 { b } else { a })
                    .filter(|(p, _)| *p != last.0 && *p != first.0);
                Movement::Range { first, last, peak }
            }
            (Some(&(p, v)), _) => Movement::One(p, v),
            _ => Movement::None,
        }
    }

    /// The periods shown that a series has no value for; none for a series with no values.
    fn gaps(&self, s: &Series) -> Vec<Period> {
        if s.values.iter().all(Option::is_none) {
            return Vec::new();
        }
        self.periods
            .iter()
            .zip(&s.values)
            .filter(|(_, v)| v.is_none())
            .map(|(p, _)| *p)
            .collect()
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
            header.push(format!("{} ({})", self.rest_label(), self.unit.name()));
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
