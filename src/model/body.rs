//! What briefings and pages are made of: markdown split into prose and the parts the site
//! generates (figures, citations, quotes, calculations and chart blocks).

use pulldown_cmark::Options;

use super::data::{Dataset, Ref, Row, Unit};
use super::file::SourceFile;
use crate::diagnostics::Loc;
use crate::period::Period;

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
    /// The chart's own id, when its block gives one (`id:`); else the site derives one from
    /// the page and the title (`routes::chart_id`).
    pub id: Option<Ref>,
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

impl ChartSpec {
    /// Whether two blocks draw the same chart: everything but where they were written. The
    /// same chart twice on one page is one chart with one permalink.
    pub fn same_chart(&self, other: &ChartSpec) -> bool {
        let ids = |refs: &[Ref]| refs.iter().map(|r| r.id.clone()).collect::<Vec<_>>();
        let period = |p: &Option<(crate::period::Period, Loc)>| p.map(|(p, _)| p);
        self.kind == other.kind
            && self.title == other.title
            && self.caption == other.caption
            && self.data.id == other.data.id
            && ids(&self.columns) == ids(&other.columns)
            && period(&self.from) == period(&other.from)
            && period(&self.to) == period(&other.to)
            && period(&self.period) == period(&other.period)
            && self.annotations.len() == other.annotations.len()
            && self
                .annotations
                .iter()
                .zip(&other.annotations)
                .all(|(a, b)| a.period == b.period && a.label == b.label)
            && self.references.len() == other.references.len()
            && self
                .references
                .iter()
                .zip(&other.references)
                .all(|(a, b)| a.value.to_bits() == b.value.to_bits() && a.label == b.label)
    }

    /// The dataset columns the chart draws, in order; names the dataset lacks are left out
    /// (validation reports them).
    pub fn column_indices(&self, dataset: &Dataset) -> Vec<usize> {
        self.columns
            .iter()
            .filter_map(|c| dataset.column_index(&c.id))
            .collect()
    }

    /// The rows the chart shows: its range, or its one period for single-period kinds.
    pub fn rows<'d>(&self, dataset: &'d Dataset, columns: &[usize]) -> &'d [Row] {
        if self.kind.is_single_period() {
            match self.single_period(dataset, columns) {
                Some(p) => dataset.rows_between(Some(p), Some(p)),
                None => &[],
            }
        } else {
            dataset.rows_between(self.from.map(|(p, _)| p), self.to.map(|(p, _)| p))
        }
    }

    /// Whether any of the columns has a value in the rows the chart shows.
    pub fn has_values(&self, dataset: &Dataset) -> bool {
        let columns = self.column_indices(dataset);
        self.rows(dataset, &columns).iter().any(|r| {
            columns
                .iter()
                .any(|&c| r.cells.get(c).is_some_and(Option::is_some))
        })
    }

    /// The period a single-period chart shows: `period:`, else `to:`, else the latest row
    /// with a value in any of the columns.
    pub fn single_period(&self, dataset: &Dataset, columns: &[usize]) -> Option<Period> {
        if let Some((p, _)) = self.period {
            return Some(p);
        }
        let to = self.to.map(|(p, _)| p);
        dataset
            .rows
            .iter()
            .rev()
            .filter(|r| to.is_none_or(|t| r.period <= t))
            .find(|r| {
                columns
                    .iter()
                    .any(|&c| r.cells.get(c).is_some_and(Option::is_some))
            })
            .map(|r| r.period)
    }
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
    /// For a translation, the file it translates: its chart and heading ids come from it.
    pub original: Option<SourceFile>,
}

#[derive(Clone, Debug)]
pub struct Page {
    pub id: String,
    pub title: String,
    pub description: String,
    /// Whether the page lists every chart of the site's briefings and pages, each linked to
    /// its own page (`chart_index: true`).
    pub chart_index: bool,
    pub file: SourceFile,
    pub body: Vec<Segment>,
    pub links: Vec<Link>,
    /// For a translation, the file it translates: its chart and heading ids come from it.
    pub original: Option<SourceFile>,
}

/// The chart blocks of a body, in order.
pub fn charts_of(body: &[Segment]) -> impl Iterator<Item = &ChartSpec> {
    body.iter().filter_map(|s| match s {
        Segment::Chart(spec) => Some(spec),
        _ => None,
    })
}

impl Briefing {
    /// The name its charts' ids start with: its period, as in its file name.
    pub fn chart_document(&self) -> String {
        self.period.slug()
    }
}

/// The markdown dialect bodies are written in: CommonMark with tables, footnotes,
/// strikethrough and typographic quotes.
pub fn markdown_options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_SMART_PUNCTUATION
        | Options::ENABLE_HEADING_ATTRIBUTES
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
}
