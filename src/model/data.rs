//! What the datasets are made of: sources and the firms behind them, vendors, units and
//! qualifiers, columns, values with every published version, rows and series breaks, and the
//! site's own settings.

use super::file::SourceFile;
use crate::diagnostics::Loc;
use crate::format::{decimals_of, format_number};
use crate::language::{Bound, Currency, Language};
use crate::period::{Granularity, Period};

/// Translations of a record's text fields, written beside them with the language's path as
/// a suffix: `title_zh: …` is the `title` of the edition published under `zh/`. In the
/// order written.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Translations(pub Vec<Translation>, pub Vec<(String, Loc)>);

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Translation {
    /// The field translated (`title`).
    pub field: String,
    /// The language's path (`zh`).
    pub suffix: String,
    pub text: String,
    pub at: Loc,
}

impl Translations {
    /// The translation of `field` into the language published under `suffix`.
    pub fn get(&self, field: &str, suffix: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|t| t.field == field && t.suffix == suffix)
            .map(|t| t.text.as_str())
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Where the original of `field` was written, to point a missing translation at it.
    pub fn original_at(&self, field: &str) -> Option<Loc> {
        self.1.iter().find(|(f, _)| f == field).map(|(_, at)| *at)
    }
}

/// A firm's name, with its translations (`name_zh`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FirmName {
    pub name: String,
    pub translations: Translations,
    pub at: Loc,
}

/// One further edition of the site, in `languages:` of `site.yaml`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LanguageConfig {
    /// The BCP 47 tag its pages are marked with (`zh-Hans`).
    pub tag: String,
    /// Its folder in the built site, the suffix of its translated files (`2023-q3.zh.md`)
    /// and of its translated fields (`title_zh`).
    pub path: String,
    pub at: Loc,
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
    pub headline: Vec<ColumnRef>,
    /// How many of the latest briefings the Atom feed carries, in full.
    pub feed_entries: usize,
    /// The site's further editions; the default one (`language`) is at the root.
    pub languages: Vec<LanguageConfig>,
    /// Firms the sources name that other editions write in their own language
    /// (Alibaba Group is 阿里巴巴集团); a firm not listed keeps its name everywhere.
    pub firms: Vec<FirmName>,
    pub translations: Translations,
    pub file: SourceFile,
}

/// A dataset column named as `dataset.column`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ColumnRef {
    pub dataset: Ref,
    pub column: Ref,
}

#[derive(Clone, Debug)]
pub struct NavLink {
    pub label: String,
    /// `home`, `data` or a page id.
    pub target: Ref,
    pub translations: Translations,
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
    pub translations: Translations,
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
    pub translations: Translations,
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
        self.format_in(Language::EnGb, number, decimals)
    }

    /// Formats a number as readers of `language` see it: 92亿美元, 334亿元, 18%.
    pub fn format_in(self, language: Language, number: f64, decimals: usize) -> String {
        match self {
            Unit::UsdBn => language.billions(Currency::Usd, number, decimals),
            Unit::CnyBn => language.billions(Currency::Cny, number, decimals),
            Unit::Percent => language.percent(number, decimals),
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

    /// The unit as an axis or table heading in `language` shows it: `US$ bn`; 亿美元.
    pub fn axis_label_in(self, language: Language) -> &'static str {
        match self {
            Unit::UsdBn => language.amount_unit(Currency::Usd),
            Unit::CnyBn => language.amount_unit(Currency::Cny),
            Unit::Percent => "%",
        }
    }
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

    /// `value` bounded as this qualifier says, in `language`: `over US$9bn`, 超过90亿美元.
    pub fn qualify_in(self, language: Language, value: &str) -> String {
        let bound = match self {
            Qualifier::Over => Bound::Over,
            Qualifier::Under => Bound::Under,
            Qualifier::About => Bound::About,
            Qualifier::JustUnder => Bound::JustUnder,
        };
        language.qualified(bound, value)
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
    pub translations: Translations,
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
    pub translations: Translations,
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
    pub translations: Translations,
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
    pub translations: Translations,
    pub at: Loc,
}

#[derive(Clone, Debug)]
pub struct SeriesBreak {
    pub period: Period,
    pub label: String,
    pub note: String,
    pub translations: Translations,
    pub at: Loc,
}

#[derive(Clone, Debug)]
pub struct Dataset {
    pub id: String,
    pub file: SourceFile,
    pub title: String,
    pub description: String,
    pub translations: Translations,
    /// The language the edition this dataset belongs to writes its values in.
    pub language: Language,
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
        let text = col
            .unit
            .format_in(self.language, number, self.decimals(column, number));
        match qualifier {
            Some(q) => q.qualify_in(self.language, &text),
            None => text,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
    }
}
