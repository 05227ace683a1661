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

/// A page a figure or a statement was read on. The page is not the firm: a news report
/// carries figures that an analyst firm or a company produced, sometimes from several.
#[derive(Clone, Debug)]
pub struct Source {
    pub id: String,
    pub publisher: String,
    pub title: String,
    pub url: String,
    pub published: Option<String>,
    /// The firms whose figures the page reports, its default first. Empty when the figures
    /// are the publisher's own.
    pub firms: Vec<String>,
    pub kind: SourceKind,
    pub note: Option<String>,
    /// Sentences quoted from the page, backing what the prose cites it for.
    pub quotes: Vec<String>,
    pub at: Loc,
}

impl Source {
    /// The firm credited for a figure read on this page when none is named.
    pub fn default_firm(&self) -> &str {
        self.firms
            .first()
            .map_or(self.publisher.as_str(), String::as_str)
    }

    /// Whether `firm` produced figures this page reports.
    pub fn reports(&self, firm: &str) -> bool {
        if self.firms.is_empty() {
            firm == self.publisher
        } else {
            self.firms.iter().any(|f| f == firm)
        }
    }
}

/// What kind of page a source is: how close it stands to the firm that made the figures.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SourceKind {
    /// The firm's own release or results.
    Release,
    /// A news or trade report of the figures (the default).
    Report,
    /// Wire copy (Xinhua, AP, IANS) carried by another outlet.
    Wire,
    /// Another outlet's story, or the firm's release, copied by a site.
    Repost,
    /// A site that rewrites other outlets' reports.
    Aggregator,
    /// A commentary or opinion piece that cites the figures in passing.
    Opinion,
}

impl SourceKind {
    pub const NAMES: [&'static str; 6] = [
        "release",
        "report",
        "wire",
        "repost",
        "aggregator",
        "opinion",
    ];

    pub fn parse(text: &str) -> Option<SourceKind> {
        Some(match text {
            "release" => SourceKind::Release,
            "report" => SourceKind::Report,
            "wire" => SourceKind::Wire,
            "repost" => SourceKind::Repost,
            "aggregator" => SourceKind::Aggregator,
            "opinion" => SourceKind::Opinion,
            _ => return None,
        })
    }

    pub fn name(self) -> &'static str {
        match self {
            SourceKind::Release => "release",
            SourceKind::Report => "report",
            SourceKind::Wire => "wire",
            SourceKind::Repost => "repost",
            SourceKind::Aggregator => "aggregator",
            SourceKind::Opinion => "opinion",
        }
    }

    /// Pages at second hand or worse: a figure read only on one says so wherever it is shown.
    pub fn is_secondhand(self) -> bool {
        matches!(
            self,
            SourceKind::Repost | SourceKind::Aggregator | SourceKind::Opinion
        )
    }

    /// How a footnote labels the page, for the kinds readers should weigh.
    pub fn label(self) -> Option<&'static str> {
        match self {
            SourceKind::Repost => Some("Repost"),
            SourceKind::Aggregator => Some("Aggregator"),
            SourceKind::Opinion => Some("Opinion piece"),
            SourceKind::Wire => Some("Wire copy"),
            SourceKind::Release | SourceKind::Report => None,
        }
    }
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

/// How a figure was published when it is not an exact number: a bound or an approximation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Qualifier {
    /// "over", "more than", "exceeding": at least the number.
    Over,
    /// "under", "less than": at most the number.
    Under,
    /// "about", "around": near the number, either side.
    About,
    /// "close to" in the sense of approaching, "nearly": a little below the number.
    JustUnder,
}

impl Qualifier {
    pub const NAMES: [&'static str; 4] = ["over", "under", "about", "just under"];

    pub fn parse(text: &str) -> Option<Qualifier> {
        match text {
            "over" => Some(Qualifier::Over),
            "under" => Some(Qualifier::Under),
            "about" => Some(Qualifier::About),
            "just under" => Some(Qualifier::JustUnder),
            _ => None,
        }
    }

    pub fn word(self) -> &'static str {
        match self {
            Qualifier::Over => "over",
            Qualifier::Under => "under",
            Qualifier::About => "about",
            Qualifier::JustUnder => "just under",
        }
    }
}

/// The range of true values a published figure allows: half a unit of its last decimal
/// either side when exact; from the number up for "over", down for "under"; and 5% of the
/// number (at least the rounding) either side for "about", below it for "just under".
pub fn published_range(number: f64, qualifier: Option<Qualifier>) -> (f64, f64) {
    let half = 0.5 * 10f64.powi(-(decimals_of(number) as i32));
    let loose = half.max(0.05 * number.abs());
    match qualifier {
        None => (number - half, number + half),
        Some(Qualifier::Over) => (number, f64::INFINITY),
        Some(Qualifier::Under) => (f64::NEG_INFINITY, number),
        Some(Qualifier::About) => (number - loose, number + loose),
        Some(Qualifier::JustUnder) => (number - loose, number),
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

/// One published figure: the number, the page it was read on, the firm that produced it
/// (when the page reports more than one firm's figures), and any other published versions.
#[derive(Clone, Debug)]
pub struct Value {
    pub number: f64,
    pub source: Ref,
    pub firm: Option<Ref>,
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
    pub firm: Option<Ref>,
    pub qualifier: Option<Qualifier>,
    pub note: Option<String>,
    pub at: Loc,
}

/// One published version of a figure, main or alternative, seen the same way.
#[derive(Clone, Copy, Debug)]
pub struct Version<'a> {
    pub number: f64,
    pub source: &'a Ref,
    pub firm: Option<&'a Ref>,
    pub qualifier: Option<Qualifier>,
    pub note: Option<&'a str>,
}

impl Value {
    /// Every published version, the main one first.
    pub fn versions(&self) -> Vec<Version<'_>> {
        let mut all = vec![Version {
            number: self.number,
            source: &self.source,
            firm: self.firm.as_ref(),
            qualifier: self.qualifier,
            note: self.note.as_deref(),
        }];
        all.extend(self.also.iter().map(|a| Version {
            number: a.number,
            source: &a.source,
            firm: a.firm.as_ref(),
            qualifier: a.qualifier,
            note: a.note.as_deref(),
        }));
        all
    }

    /// The version published by `source`, or the main one.
    pub fn version_from(&self, source: Option<&str>) -> Version<'_> {
        let versions = self.versions();
        let main = versions[0];
        source
            .and_then(|id| versions.into_iter().find(|v| v.source.id == id))
            .unwrap_or(main)
    }
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

/// A source cited in prose, with the firm whose statement it carries when the page reports
/// several: `{{cite SOURCE}}`, `{{cite SOURCE (FIRM)}}`.
#[derive(Clone, Debug)]
pub struct Citation {
    pub source: Ref,
    pub firm: Option<Ref>,
}

/// Words or a number quoted from a source, printed with its footnote:
/// `{{quote SOURCE "above 20 percent"}}`. The text must be part of a sentence the source
/// entry records under `quote:`.
#[derive(Clone, Debug)]
pub struct Quotation {
    pub citation: Citation,
    pub text: String,
}

/// A figure the site computes from dataset values, shown as such:
/// `{{calc market.spend@2025-Q1 / (1 + market.growth@2025-Q1 / 100)}}`. Percentages enter
/// the arithmetic as plain numbers (16% is 16); a result that is a plain number is shown as
/// a percentage when the expression ends with `%`.
#[derive(Clone, Debug)]
pub struct Calculation {
    pub expr: Expr,
    pub percent: bool,
    pub at: Loc,
}

#[derive(Clone, Debug)]
pub enum Expr {
    Number(f64),
    Figure(FigureRef),
    Binary(Box<Expr>, Op, Box<Expr>),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Op {
    Add,
    Sub,
    Mul,
    Div,
}

/// What a calculated value is: an amount in a currency unit, or a plain number.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Quantity {
    Amount(Unit),
    Plain,
}

/// A dataset value as a calculation reads it: the number, its unit, and the decimals it was
/// published with.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Input {
    pub number: f64,
    pub unit: Unit,
    pub decimals: usize,
}

/// A calculated value, its kind, and the decimals its inputs were published with.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Calculated {
    pub value: f64,
    pub quantity: Quantity,
    pub decimals: usize,
}

impl Expr {
    /// Every dataset value the expression reads.
    pub fn figures(&self) -> Vec<&FigureRef> {
        match self {
            Expr::Number(_) => Vec::new(),
            Expr::Figure(f) => vec![f],
            Expr::Binary(a, _, b) => {
                let mut all = a.figures();
                all.extend(b.figures());
                all
            }
        }
    }

    /// Evaluates with `lookup` giving each figure's number, unit and decimals; an error says
    /// what cannot be computed (amounts in different units, a division by zero).
    pub fn evaluate(
        &self,
        lookup: &dyn Fn(&FigureRef) -> Option<Input>,
    ) -> Result<Calculated, String> {
        match self {
            Expr::Number(n) => Ok(Calculated {
                value: *n,
                quantity: Quantity::Plain,
                decimals: 0,
            }),
            Expr::Figure(f) => {
                let Input {
                    number: value,
                    unit,
                    decimals,
                } = lookup(f).ok_or_else(|| {
                    format!(
                        "`{}.{}@{}` has no value",
                        f.dataset.id, f.column.id, f.period
                    )
                })?;
                let quantity = match unit {
                    Unit::Percent => Quantity::Plain,
                    other => Quantity::Amount(other),
                };
                Ok(Calculated {
                    value,
                    quantity,
                    decimals,
                })
            }
            Expr::Binary(a, op, b) => {
                let (a, b) = (a.evaluate(lookup)?, b.evaluate(lookup)?);
                let decimals = a.decimals.max(b.decimals);
                let (value, quantity) = match (op, a.quantity, b.quantity) {
                    (Op::Add | Op::Sub, x, y) if x == y => (
                        if *op == Op::Add {
                            a.value + b.value
                        } else {
                            a.value - b.value
                        },
                        x,
                    ),
                    (Op::Add | Op::Sub, _, _) => {
                        return Err(
                            "cannot add or subtract an amount and a plain number, or amounts in different units"
                                .to_string(),
                        );
                    }
                    (Op::Mul, Quantity::Plain, q) | (Op::Mul, q, Quantity::Plain) => {
                        (a.value * b.value, q)
                    }
                    (Op::Mul, _, _) => {
                        return Err("cannot multiply two amounts".to_string());
                    }
                    (Op::Div, _, _) if b.value == 0.0 => {
                        return Err("the calculation divides by zero".to_string());
                    }
                    (Op::Div, q, Quantity::Plain) => (a.value / b.value, q),
                    (Op::Div, x, y) if x == y => (a.value / b.value, Quantity::Plain),
                    (Op::Div, _, _) => {
                        return Err(
                            "cannot divide a plain number by an amount, or amounts in different units"
                                .to_string(),
                        );
                    }
                };
                Ok(Calculated {
                    value,
                    quantity,
                    decimals,
                })
            }
        }
    }
}

/// A link written in markdown, kept with its position so a broken one is reported where it
/// was written.
#[derive(Clone, Debug)]
pub struct Link {
    pub href: String,
    pub at: Loc,
}

/// A markdown body split into plain markdown and the parts the site generates.
#[derive(Clone, Debug)]
pub enum Segment {
    Markdown(String),
    Figure(FigureRef),
    Cite(Citation),
    Quote(Quotation),
    Calc(Calculation),
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
    pub links: Vec<Link>,
}

#[derive(Clone, Debug)]
pub struct Page {
    pub id: String,
    pub title: String,
    pub description: String,
    pub file: SourceFile,
    pub body: Vec<Segment>,
    pub links: Vec<Link>,
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

    fn figure(column: &str) -> Expr {
        let at = Loc::default();
        let r = |id: &str| Ref {
            id: id.to_string(),
            at,
        };
        Expr::Figure(FigureRef {
            dataset: r("d"),
            column: r(column),
            period: "2025-Q1".parse().unwrap(),
            source: None,
            at,
        })
    }

    fn binary(a: Expr, op: Op, b: Expr) -> Expr {
        Expr::Binary(Box::new(a), op, Box::new(b))
    }

    #[test]
    fn calculations_keep_units_apart_and_carry_the_inputs_precision() {
        let input = |number, unit, decimals| {
            Some(Input {
                number,
                unit,
                decimals,
            })
        };
        let lookup = |f: &FigureRef| match f.column.id.as_str() {
            "spend" => input(11.6, Unit::UsdBn, 1),
            "growth" => input(16.0, Unit::Percent, 0),
            "yuan" => input(33.4, Unit::CnyBn, 1),
            "zero" => input(0.0, Unit::UsdBn, 0),
            _ => None,
        };
        let base = binary(
            figure("spend"),
            Op::Div,
            binary(
                Expr::Number(1.0),
                Op::Add,
                binary(figure("growth"), Op::Div, Expr::Number(100.0)),
            ),
        );
        let result = base.evaluate(&lookup).unwrap();
        assert_eq!(result.quantity, Quantity::Amount(Unit::UsdBn));
        assert!((result.value - 10.0).abs() < 0.001);
        assert_eq!(result.decimals, 1);
        let ratio = binary(figure("spend"), Op::Div, figure("spend"))
            .evaluate(&lookup)
            .unwrap();
        assert_eq!(ratio.quantity, Quantity::Plain);
        assert!(
            binary(figure("spend"), Op::Add, figure("yuan"))
                .evaluate(&lookup)
                .is_err(),
            "dollars and yuan do not add"
        );
        assert!(
            binary(figure("spend"), Op::Mul, figure("spend"))
                .evaluate(&lookup)
                .is_err()
        );
        assert_eq!(
            binary(figure("spend"), Op::Div, figure("zero")).evaluate(&lookup),
            Err("the calculation divides by zero".to_string())
        );
        assert!(figure("missing").evaluate(&lookup).is_err());
    }

    #[test]
    fn published_ranges_follow_the_qualifier() {
        assert_eq!(published_range(16.0, None), (15.5, 16.5));
        assert_eq!(published_range(5.0, Some(Qualifier::Over)).0, 5.0);
        assert!(published_range(5.0, Some(Qualifier::Over)).1.is_infinite());
        assert_eq!(published_range(20.0, Some(Qualifier::About)), (19.0, 21.0));
        assert_eq!(
            published_range(20.0, Some(Qualifier::JustUnder)),
            (19.0, 20.0)
        );
        assert!(
            published_range(20.0, Some(Qualifier::Under))
                .0
                .is_infinite()
        );
    }

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
