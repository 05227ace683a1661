//! The checked site and the lookups later stages make in it.

use std::collections::{BTreeMap, BTreeSet};

use super::body::{Briefing, Calculation, FigureRef, Input, Page, Quantity};
use super::data::{ColumnRef, Dataset, Ref, SiteConfig, Source, Unit, Value, Vendor};
use crate::diagnostics::Diagnostics;
use crate::format::format_number;
use crate::language::Language;

/// Content that passed validation: `validate` builds one, and every later stage can trust
/// that its references resolve.
#[derive(Debug)]
pub struct Site {
    pub config: SiteConfig,
    pub data: Data,
    /// Sorted by period, oldest first.
    pub briefings: Vec<Briefing>,
    pub pages: Vec<Page>,
    /// Which edition of the site this is, and where the others are.
    pub edition: Edition,
    /// Problems that do not stop a build (`check --deny-warnings` makes them errors).
    pub warnings: Diagnostics,
}

/// Which edition of a site a `Site` is: its language, its folder in the built site (empty
/// for the default edition, at the root), every edition's address, and the pages it shows in
/// the default language for want of a translation.
#[derive(Clone, Debug, Default)]
pub struct Edition {
    pub language: Language,
    /// `zh` for the edition under `zh/`; empty for the default one.
    pub path: String,
    /// Every edition of the site, the default one first.
    pub editions: Vec<EditionLink>,
    /// The paths of pages (`briefings/2023-q3.html`) this edition shows untranslated.
    pub untranslated: BTreeSet<String>,
}

impl Site {
    /// The address of the whole site: the default edition's (an edition's own
    /// `config.base_url` ends in its folder).
    pub fn root_url(&self) -> &str {
        self.edition
            .editions
            .first()
            .map_or(self.config.base_url.as_str(), |e| e.base_url.as_str())
    }
}

impl Edition {
    /// Where this edition's files go in the built site: `zh/`, or nothing at the root.
    pub fn prefix(&self) -> String {
        if self.path.is_empty() {
            String::new()
        } else {
            format!("{}/", self.path)
        }
    }

    /// Whether the site has more than one edition.
    pub fn is_multilingual(&self) -> bool {
        self.editions.len() > 1
    }

    /// The tag to mark a source's own words with (its title, the sentences quoted from it)
    /// on this edition's pages: the default edition's, when the page was published in the
    /// default language (it has no title in this edition's) and this edition is written in
    /// another. None on the default edition's pages, and for a page in this edition's
    /// language.
    pub fn foreign_tag(&self, source: &Source) -> Option<&str> {
        let default = self.editions.first()?;
        let foreign = !self.path.is_empty()
            && Language::from_tag(&default.tag) != self.language
            && source.translations.get("title", &self.path).is_none();
        foreign.then_some(default.tag.as_str())
    }
}

/// One edition as the others link to it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct EditionLink {
    /// The BCP 47 tag of its pages (`zh-Hans`).
    pub tag: String,
    /// Its folder (`zh`); empty for the default edition.
    pub path: String,
    /// Its absolute address, ending in `/`.
    pub base_url: String,
    /// The language's name in itself (简体中文), for the language switcher.
    pub name: String,
    /// The paths of pages (`briefings/2023-q3.html`) it shows untranslated.
    pub untranslated: BTreeSet<String>,
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
        // Written as the figures it is calculated from are: the datasets of one edition are
        // all in its language.
        let language = calc
            .expr
            .figures()
            .first()
            .and_then(|f| self.dataset(&f.dataset.id))
            .map_or(Language::default(), |d| d.language);
        Ok(match (result.quantity, calc.percent) {
            (Quantity::Amount(unit), false) => {
                unit.format_in(language, result.value, result.decimals)
            }
            (Quantity::Plain, true) => {
                Unit::Percent.format_in(language, result.value, result.decimals)
            }
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
