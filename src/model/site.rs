//! The checked site and the lookups later stages make in it.

use std::collections::BTreeMap;

use super::body::{Briefing, Calculation, FigureRef, Input, Page, Quantity};
use super::data::{ColumnRef, Dataset, Ref, SiteConfig, Source, Unit, Value, Vendor};
use crate::diagnostics::Diagnostics;
use crate::format::format_number;

/// Content that passed validation: `validate` builds one, and every later stage can trust
/// that its references resolve.
#[derive(Debug)]
pub struct Site {
    pub config: SiteConfig,
    pub data: Data,
    /// Sorted by period, oldest first.
    pub briefings: Vec<Briefing>,
    pub pages: Vec<Page>,
    /// Problems that do not stop a build (`check --deny-warnings` makes them errors).
    pub warnings: Diagnostics,
}

/// The reference data a page's body is rendered against: sources, vendors and datasets,
/// with lookups by id. This, not the whole `Site`, is what rendering a body needs.
#[derive(Debug)]
pub struct Data {
    pub sources: Vec<Source>,
    pub vendors: Vec<Vendor>,
    pub datasets: Vec<Dataset>,
    source_index: BTreeMap<String, usize>,
    dataset_index: BTreeMap<String, usize>,
}

impl Data {
    pub fn new(sources: Vec<Source>, vendors: Vec<Vendor>, datasets: Vec<Dataset>) -> Data {
        let source_index = sources
            .iter()
            .enumerate()
            .map(|(i, s)| (s.id.clone(), i))
            .collect();
        let dataset_index = datasets
            .iter()
            .enumerate()
            .map(|(i, d)| (d.id.clone(), i))
            .collect();
        Data {
            sources,
            vendors,
            datasets,
            source_index,
            dataset_index,
        }
    }

    pub fn vendor(&self, id: &str) -> Option<&Vendor> {
        self.vendors.iter().find(|v| v.id == id)
    }

    pub fn source(&self, id: &str) -> Option<&Source> {
        self.source_index.get(id).and_then(|i| self.sources.get(*i))
    }

    pub fn dataset(&self, id: &str) -> Option<&Dataset> {
        self.dataset_index
            .get(id)
            .and_then(|i| self.datasets.get(*i))
    }

    /// The dataset and column index a `dataset.column` reference names.
    pub fn column(&self, column: &ColumnRef) -> Option<(&Dataset, usize)> {
        let dataset = self.dataset(&column.dataset.id)?;
        Some((dataset, dataset.column_index(&column.column.id)?))
    }

    /// The dataset value a figure reference names: its dataset, column index and value.
    pub fn figure(&self, figure: &FigureRef) -> Option<(&Dataset, usize, &Value)> {
        let dataset = self.dataset(&figure.dataset.id)?;
        let column = dataset.column_index(&figure.column.id)?;
        let value = dataset.value(column, figure.period)?;
        Some((dataset, column, value))
    }

    /// A calculated figure as readers see it, to the precision of its inputs, or what makes
    /// it impossible to compute.
    pub fn calculate(&self, calc: &Calculation) -> Result<String, String> {
        let lookup = |figure: &FigureRef| {
            let (dataset, column, value) = self.figure(figure)?;
            let version = value.version_from(figure.source.as_ref().map(|s| s.id.as_str()));
            let unit = dataset.columns.get(column)?.unit;
            Some(Input {
                number: version.number,
                unit,
                decimals: dataset.decimals(column, version.number),
            })
        };
        let result = calc.expr.evaluate(&lookup)?;
        if !result.value.is_finite() {
            return Err("the calculation has no finite result".to_string());
        }
        Ok(match (result.quantity, calc.percent) {
            (Quantity::Amount(unit), false) => unit.format(result.value, result.decimals),
            (Quantity::Plain, true) => Unit::Percent.format(result.value, result.decimals),
            (Quantity::Plain, false) => format_number(result.value, result.decimals),
            (Quantity::Amount(_), true) => {
                return Err(
                    "the result is an amount, not a plain number: leave out the `%`".to_string(),
                );
            }
        })
    }

    /// The page and the firm to credit for something read on `source`: `firm` when named,
    /// else the page's default firm.
    pub fn credit<'a>(&'a self, source: &str, firm: Option<&'a Ref>) -> Option<Credit<'a>> {
        let source = self.source(source)?;
        Some(Credit {
            source,
            firm: firm.map_or(source.default_firm(), |f| f.id.as_str()),
        })
    }

    /// Whether every page that published `number` for this figure is second-hand (a repost,
    /// an aggregator or an opinion piece), so readers must be told where it is shown.
    pub fn only_secondhand(&self, value: &Value, number: f64) -> bool {
        value
            .versions()
            .iter()
            .filter(|v| v.number == number)
            .all(|v| {
                self.source(&v.source.id)
                    .is_some_and(|s| s.kind.is_secondhand())
            })
    }
}

/// Who a figure or statement is credited to: the page it was read on and the firm that made it.
#[derive(Clone, Copy, Debug)]
pub struct Credit<'a> {
    pub source: &'a Source,
    pub firm: &'a str,
}
