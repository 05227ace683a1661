//! The content model: what the site is made of once parsed. Ids are plain strings checked by
//! `validate`; every item keeps the position it was written at so later problems can point
//! back at the source.

use std::collections::BTreeSet;

use crate::diagnostics::Diagnostics;
use crate::load::SourceFile;
use crate::period::{Granularity, Period};

/// Where something was written in its file (1-based, columns in characters).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Loc {
    pub line: usize,
    pub column: usize,
    pub len: usize,
}

/// A reference by id to a source, vendor, dataset, column or page, with where it was written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Ref {
    pub id: String,
    pub at: Loc,
}

#[derive(Clone, Debug)]
pub struct SiteConfig {
    pub title: String,
    pub description: String,
    pub base_url: String,
    pub language: String,
    pub author: String,
    pub navigation: Vec<NavLink>,
    /// Figures shown as cards on the home page, latest value first: `dataset.column`.
    pub headline: Vec<Ref>,
    pub file: SourceFile,
}

#[derive(Clone, Debug)]
pub struct NavLink {
    pub label: String,
    /// `home`, `data` or a page id.
    pub target: Ref,
}

#[derive(Clone, Debug)]
pub struct Source {
    pub id: String,
    pub publisher: String,
    pub title: String,
    pub url: String,
    pub published: Option<String>,
    pub firm: Option<String>,
    pub note: Option<String>,
    pub at: Loc,
}

#[derive(Clone, Debug)]
pub struct Vendor {
    pub id: String,
    pub name: String,
    pub name_zh: String,
    pub colour: String,
    pub at: Loc,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Unit {
    UsdBn,
    CnyBn,
    Percent,
}

impl Unit {
    pub fn parse(text: &str) -> Option<Unit> {
        match text {
            "USD bn" => Some(Unit::UsdBn),
            "CNY bn" => Some(Unit::CnyBn),
            "%" => Some(Unit::Percent),
            _ => None,
        }
    }

    pub const NAMES: [&'static str; 3] = ["USD bn", "CNY bn", "%"];

    pub fn name(self) -> &'static str {
        match self {
            Unit::UsdBn => "USD bn",
            Unit::CnyBn => "CNY bn",
            Unit::Percent => "%",
        }
    }

    /// Formats a number as readers see it: `US$9.2bn`, `CNY 33.4bn`, `18%`.
    pub fn format(self, number: f64, decimals: usize) -> String {
        let n = format_number(number, decimals);
        match self {
            Unit::UsdBn => format!("US${n}bn"),
            Unit::CnyBn => format!("CNY {n}bn"),
            Unit::Percent => format!("{n}%"),
        }
    }

    /// The unit as an axis or table heading shows it.
    pub fn axis_label(self) -> &'static str {
        match self {
            Unit::UsdBn => "US$ bn",
            Unit::CnyBn => "CNY bn",
            Unit::Percent => "%",
        }
    }
}

/// A number with a fixed count of decimals, with a minus sign only when it is negative.
pub fn format_number(number: f64, decimals: usize) -> String {
    let text = format!("{number:.decimals$}");
    if text.starts_with('-') && text.trim_start_matches(['-', '0', '.']).is_empty() {
        text.trim_start_matches('-').to_string()
    } else {
        text
    }
}

/// How many decimals a number was written with (`60.8` → 1, `58` → 0).
pub fn decimals_of(number: f64) -> usize {
    let text = number.to_string();
    text.split_once('.')
        .map_or(0, |(_, frac)| frac.len())
        .min(6)
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Qualifier {
    Over,
    Under,
    About,
}

impl Qualifier {
    pub fn parse(text: &str) -> Option<Qualifier> {
        match text {
            "over" => Some(Qualifier::Over),
            "under" => Some(Qualifier::Under),
            "about" => Some(Qualifier::About),
            _ => None,
        }
    }

    pub fn word(self) -> &'static str {
        match self {
            Qualifier::Over => "over",
            Qualifier::Under => "under",
            Qualifier::About => "about",
        }
    }
}

#[derive(Clone, Debug)]
pub struct Column {
    pub id: String,
    pub label: String,
    pub unit: Unit,
    pub precision: Option<usize>,
    pub vendor: Option<Ref>,
    pub part_of: Option<String>,
    /// For a year-on-year growth column: the column whose series it describes.
    pub growth_of: Option<Ref>,
    pub at: Loc,
}

/// One published figure: the number, who published it, and any other published versions.
#[derive(Clone, Debug)]
pub struct Value {
    pub number: f64,
    pub source: Ref,
    pub qualifier: Option<Qualifier>,
    pub note: Option<String>,
    pub also: Vec<Alternative>,
    pub at: Loc,
}

/// Another published value for the same figure (a restatement, or a disagreeing source).
#[derive(Clone, Debug)]
pub struct Alternative {
    pub number: f64,
    pub source: Ref,
    pub qualifier: Option<Qualifier>,
    pub note: Option<String>,
    pub at: Loc,
}

#[derive(Clone, Debug)]
pub struct Row {
    pub period: Period,
    pub note: Option<String>,
    /// One cell per column, in column order; `None` is a missing value.
    pub cells: Vec<Option<Value>>,
    pub at: Loc,
}

#[derive(Clone, Debug)]
pub struct SeriesBreak {
    pub period: Period,
    pub label: String,
    pub note: String,
    pub at: Loc,
}

#[derive(Clone, Debug)]
pub struct Dataset {
    pub id: String,
    pub file: SourceFile,
    pub title: String,
    pub description: String,
    pub granularity: Granularity,
    pub columns: Vec<Column>,
    pub breaks: Vec<SeriesBreak>,
    /// Sorted by period; periods are unique.
    pub rows: Vec<Row>,
}

impl Dataset {
    pub fn column_index(&self, id: &str) -> Option<usize> {
        self.columns.iter().position(|c| c.id == id)
    }

    /// The row for `period` (rows are sorted, so this is a binary search).
    pub fn row(&self, period: Period) -> Option<&Row> {
        self.rows
            .binary_search_by_key(&period, |r| r.period)
            .ok()
            .and_then(|i| self.rows.get(i))
    }

    /// The rows from `from` to `to` inclusive (either open), as one slice.
    pub fn rows_between(&self, from: Option<Period>, to: Option<Period>) -> &[Row] {
        let start = from.map_or(0, |f| self.rows.partition_point(|r| r.period < f));
        let end = to.map_or(self.rows.len(), |t| {
            self.rows.partition_point(|r| r.period <= t)
        });
        self.rows.get(start..end.max(start)).unwrap_or(&[])
    }

    pub fn value(&self, column: usize, period: Period) -> Option<&Value> {
        self.row(period)?.cells.get(column)?.as_ref()
    }

    /// Decimals to show for a value of `column`: the column's precision, else as written.
    pub fn decimals(&self, column: usize, number: f64) -> usize {
        self.columns
            .get(column)
            .and_then(|c| c.precision)
            .unwrap_or_else(|| decimals_of(number))
    }

    /// A value as readers see it, with its qualifier: `over 80%`.
    pub fn format_value(&self, column: usize, number: f64, qualifier: Option<Qualifier>) -> String {
        let Some(col) = self.columns.get(column) else {
            return format_number(number, decimals_of(number));
        };
        let text = col.unit.format(number, self.decimals(column, number));
        match qualifier {
            Some(q) => format!("{} {text}", q.word()),
            None => text,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ChartKind {
    /// One line per column over the periods.
    Line,
    /// Vertical bars over the periods; grouped when there are several columns.
    Bar,
    /// Horizontal bars: the columns at one period, largest first.
    HBar,
    /// Columns stacked per period.
    Stacked,
    /// Shares of one whole stacked to 100 %, the part not broken out shown as such.
    Stacked100,
    /// Shares of one whole at one period.
    Donut,
    /// A small line with no axes, for key-figure cards.
    Sparkline,
}

impl ChartKind {
    pub const NAMES: [&'static str; 8] = [
        "line",
        "bar",
        "grouped",
        "hbar",
        "stacked",
        "stacked100",
        "donut",
        "sparkline",
    ];

    pub fn parse(text: &str) -> Option<ChartKind> {
        Some(match text {
            "line" => ChartKind::Line,
            "bar" | "grouped" => ChartKind::Bar,
            "hbar" => ChartKind::HBar,
            "stacked" => ChartKind::Stacked,
            "stacked100" => ChartKind::Stacked100,
            "donut" => ChartKind::Donut,
            "sparkline" => ChartKind::Sparkline,
            _ => return None,
        })
    }

    /// Kinds that show one period rather than a range.
    pub fn is_single_period(self) -> bool {
        matches!(self, ChartKind::HBar | ChartKind::Donut)
    }

    /// Kinds that show parts of one whole.
    pub fn needs_one_whole(self) -> bool {
        matches!(self, ChartKind::Stacked100 | ChartKind::Donut)
    }

    pub fn name(self) -> &'static str {
        match self {
            ChartKind::Line => "Line chart",
            ChartKind::Bar => "Bar chart",
            ChartKind::HBar => "Horizontal bar chart",
            ChartKind::Stacked => "Stacked bar chart",
            ChartKind::Stacked100 => "100% stacked bar chart",
            ChartKind::Donut => "Donut chart",
            ChartKind::Sparkline => "Sparkline",
        }
    }
}

/// A labelled marker at a period.
#[derive(Clone, Debug)]
pub struct Annotation {
    pub period: Period,
    pub label: String,
    pub at: Loc,
}

/// A labelled horizontal line at a value.
#[derive(Clone, Debug)]
pub struct ReferenceLine {
    pub value: f64,
    pub label: String,
}

/// A chart as declared in a ```chart block.
#[derive(Clone, Debug)]
pub struct ChartSpec {
    pub kind: ChartKind,
    pub title: String,
    pub caption: Option<String>,
    pub data: Ref,
    pub columns: Vec<Ref>,
    pub from: Option<(Period, Loc)>,
    pub to: Option<(Period, Loc)>,
    /// The one period a donut or horizontal bar chart shows (default: the latest with data).
    pub period: Option<(Period, Loc)>,
    pub annotations: Vec<Annotation>,
    pub references: Vec<ReferenceLine>,
    pub at: Loc,
}

/// `{{dataset.column@PERIOD~source}}` in prose.
#[derive(Clone, Debug)]
pub struct FigureRef {
    pub dataset: Ref,
    pub column: Ref,
    pub period: Period,
    pub source: Option<Ref>,
    pub at: Loc,
}

/// A markdown body split into plain markdown and the parts the site generates.
#[derive(Clone, Debug)]
pub enum Segment {
    Markdown(String),
    Figure(FigureRef),
    Cite(Ref),
    Chart(ChartSpec),
}

#[derive(Clone, Debug)]
pub struct Briefing {
    pub period: Period,
    pub title: String,
    pub summary: String,
    pub draft: bool,
    pub file: SourceFile,
    pub body: Vec<Segment>,
}

#[derive(Clone, Debug)]
pub struct Page {
    pub id: String,
    pub title: String,
    pub description: String,
    pub file: SourceFile,
    pub body: Vec<Segment>,
}

/// Everything parsed from content/, not yet cross-checked.
#[derive(Clone, Debug)]
pub struct Content {
    pub config: SiteConfig,
    pub sources: Vec<Source>,
    pub vendors: Vec<Vendor>,
    pub datasets: Vec<Dataset>,
    pub briefings: Vec<Briefing>,
    pub pages: Vec<Page>,
    /// Problems found while parsing. Validation still runs, so one run reports both kinds,
    /// but it does not report references into files that failed to parse.
    pub problems: Diagnostics,
    pub broken: Broken,
}

/// Files that had parse errors: references into them are not checked, because the error
/// in the file itself is the one to fix.
#[derive(Clone, Debug, Default)]
pub struct Broken {
    pub sources: bool,
    pub vendors: bool,
    pub datasets: BTreeSet<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_units_and_qualifiers() {
        assert_eq!(Unit::UsdBn.format(9.2, 1), "US$9.2bn");
        assert_eq!(Unit::CnyBn.format(33.4, 1), "CNY 33.4bn");
        assert_eq!(Unit::Percent.format(58.0, 0), "58%");
        assert_eq!(Unit::Percent.format(-0.01, 1), "0.0%");
        assert_eq!(decimals_of(60.8), 1);
        assert_eq!(decimals_of(58.0), 0);
        assert_eq!(decimals_of(120.669), 3);
    }
}
