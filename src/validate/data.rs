//! Checks on the datasets: every value's source and firm, shares of one whole that add up,
//! and stated growth rates against the series they describe.

use std::collections::BTreeMap;

use super::checker::Checker;
use crate::diagnostics::suggestion;
use crate::format::{decimals_of, format_number};
use crate::model::{Data, Dataset, Qualifier, Row, Unit, Value, published_range};

pub fn check_dataset(checker: &mut Checker, data: &Data, dataset: &Dataset) {
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
        let Some(b) = checker.resolve_column(&dataset.file, dataset, base, base.at) else {
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
