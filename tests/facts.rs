//! The shipped datasets against the sourced facts file (`../shared/data/china-cloud-facts.yaml`
//! beside the repository): every value, including every `also` value, must be a record of that
//! file with the same period, metric, value and source URL, credited to the same firm, and
//! every record must be used unless it is listed below with the reason it is left out.
//!
//! Without the facts file the build script marks the test ignored, so `cargo test` reports it
//! as ignored; under `CI=true` it runs, and fails.

use std::path::{Path, PathBuf};

use quarterly::model::{Dataset, Qualifier, Source};
use quarterly::period::Period;
use serde::Deserialize;

#[derive(Deserialize)]
struct FactsFile {
    records: Vec<Fact>,
}

#[derive(Deserialize, Debug)]
struct Fact {
    period: String,
    metric: String,
    value: FactValue,
    unit: String,
    firm: String,
    source_url: String,
}

/// The firm a record names, as the site names it: the facts file adds how the figure was
/// released ("Alibaba Group (company results)") and once calls the company just "Alibaba".
fn firm_of(fact: &Fact) -> &str {
    match fact.firm.split(" (").next().unwrap_or("") {
        "Alibaba" => "Alibaba Group",
        firm => firm,
    }
}

#[derive(Deserialize, Debug)]
#[serde(untagged)]
enum FactValue {
    Number(f64),
    Text(String),
}

/// Records deliberately kept out of the datasets, with why (also stated on the methodology page).
const LEFT_OUT: [(&str, &str, &str); 3] = [
    (
        "2023-Q1",
        "share_top4_combined_as_printed",
        "implausible 97% printed by one outlet; unverified",
    ),
    (
        "2019-FY",
        "share_baidu_ai_cloud",
        "cloud7 gives Tencent's 17.3% to Baidu, almost certainly in error",
    ),
    (
        "2019-Q3",
        "alibaba_cloud_segment_spend",
        "a Canalys spend estimate for one vendor; no dataset holds it",
    ),
];

fn facts_path() -> Option<PathBuf> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/data/china-cloud-facts.yaml");
    path.exists().then_some(path)
}

/// The metric names a dataset column may hold.
fn metrics_for(dataset: &str, column: &str) -> Vec<String> {
    let vendor = column.replace('-', "_");
    let list: &[&str] = match (dataset, column) {
        ("market", "spend") => &["total_spend"],
        ("market", "growth") => &["yoy_growth"],
        ("market", "global_share") => &["share_of_global_spend"],
        ("market", "partner_share") => &["partner_channel_share_of_revenue"],
        ("market-annual", "spend") => &["annual_total_spend"],
        ("market-annual", "growth") => &["annual_yoy_growth"],
        ("market-annual", "forecast_spend") => &["forecast_annual_total_spend"],
        ("market-annual", "forecast_growth") => &["forecast_annual_yoy_growth"],
        ("vendor-shares" | "vendor-shares-annual", "top3") => &["share_top3_combined"],
        ("vendor-shares" | "vendor-shares-annual", "top4") => &["share_top4_combined"],
        ("vendor-shares" | "vendor-shares-annual", _) => return vec![format!("share_{vendor}")],
        ("vendor-growth" | "vendor-growth-annual", "top3") => &["top3_combined_growth"],
        ("vendor-growth" | "vendor-growth-annual", "top4") => &["top4_combined_growth"],
        ("vendor-growth" | "vendor-growth-annual", _) => return vec![format!("growth_{vendor}")],
        ("alibaba-revenue", "revenue_cny" | "revenue_usd") => &["alibaba_cloud_revenue"],
        ("alibaba-revenue", "growth") => &["alibaba_cloud_revenue_yoy_growth"],
        ("pledges", "alibaba_cny") => &[
            "alibaba_cloud_investment_pledge_3yr",
            "alibaba_ai_cloud_investment_pledge_3yr",
        ],
        ("idc-annual" | "idc-half", "iaas") => &["idc_public_cloud_iaas_market", "idc_iaas_market"],
        ("idc-annual" | "idc-half", "iaas_cny") => &["idc_public_cloud_iaas_market"],
        ("idc-annual" | "idc-half", "iaas_growth") => {
            &["idc_public_cloud_iaas_yoy_growth", "idc_iaas_yoy_growth"]
        }
        ("idc-annual" | "idc-half", "services") => &["idc_public_cloud_services_market"],
        ("idc-annual" | "idc-half", "services_growth") => &["idc_public_cloud_services_yoy_growth"],
        ("idc-annual" | "idc-half", "paas") => &["idc_paas_market"],
        ("idc-annual" | "idc-half", "iaas_paas_growth") => &[
            "idc_public_cloud_iaas_paas_yoy_growth",
            "idc_iaas_paas_yoy_growth",
        ],
        ("idc-quarterly", "iaas") => &["idc_iaas_market"],
        ("idc-quarterly", _) => return vec![format!("idc_share_{vendor}")],
        ("ai-cloud-shares", _) => return vec![format!("ai_cloud_share_{vendor}")],
        ("ai-cloud-market", "size") => &["ai_cloud_market_size"],
        ("ai-cloud-market", "forecast_size") => &["forecast_ai_cloud_market_size"],
        _ => &[],
    };
    list.iter().map(|s| s.to_string()).collect()
}

/// The number a record states, in the dataset's units, and how it was qualified.
fn stated(fact: &Fact) -> Option<(f64, Option<Qualifier>)> {
    // One IDC figure is published in units of CNY 100 million; datasets use CNY bn.
    let scale = if fact.unit.starts_with("CNY 100 million") {
        0.1
    } else {
        1.0
    };
    match &fact.value {
        FactValue::Number(n) => Some((n * scale, None)),
        FactValue::Text(t) => {
            let (q, n) = if let Some(n) = t.strip_prefix("over ") {
                (Qualifier::Over, n)
            } else if let Some(n) = t.strip_prefix("close to ") {
                // 接近 20%: approaching the number from below.
                (Qualifier::JustUnder, n)
            } else {
                return None;
            };
            Some((n.trim().parse::<f64>().ok()? * scale, Some(q)))
        }
    }
}

struct Published<'a> {
    dataset: &'a Dataset,
    column: &'a str,
    period: Period,
    number: f64,
    qualifier: Option<Qualifier>,
    source: &'a str,
    /// The firm the site credits: the value's own, else its source's.
    firm: String,
}

#[test]
#[cfg_attr(
    quarterly_missing_facts,
    ignore = "needs ../shared/data/china-cloud-facts.yaml beside the repository: clone the repository next to shared/"
)]
fn every_shipped_figure_is_a_sourced_fact_and_every_fact_is_used() {
    let Some(path) = facts_path() else {
        let message = "the facts file ../shared/data/china-cloud-facts.yaml is not beside the repository; \
                       clone the repository next to shared/ to run this test";
        assert!(std::env::var("CI").as_deref() != Ok("true"), "{message}");
        eprintln!("skipped: {message}");
        return;
    };
    let text = std::fs::read_to_string(&path).unwrap();
    let facts: FactsFile = serde_saphyr::from_str(&text).unwrap();

    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let files = quarterly::load::load_content(root).unwrap_or_else(|d| panic!("{d}"));
    let content = quarterly::parse::parse_content(&files).unwrap_or_else(|d| panic!("{d}"));
    let source = |id: &str| -> &Source {
        content
            .sources
            .iter()
            .find(|s| s.id == id)
            .unwrap_or_else(|| panic!("unknown source {id}"))
    };

    let mut published = Vec::new();
    for dataset in &content.datasets {
        for row in &dataset.rows {
            for (column, cell) in dataset.columns.iter().zip(&row.cells) {
                let Some(value) = cell else { continue };
                for version in value.versions() {
                    published.push(Published {
                        dataset,
                        column: &column.id,
                        period: row.period,
                        number: version.number,
                        qualifier: version.qualifier,
                        source: &version.source.id,
                        firm: version.firm.map_or_else(
                            || source(&version.source.id).default_firm().to_string(),
                            |f| f.id.clone(),
                        ),
                    });
                }
            }
        }
    }
    assert!(
        published.len() > 200,
        "the shipped datasets hold {} values",
        published.len()
    );

    let mut used = vec![false; facts.records.len()];
    let mut problems = Vec::new();
    for p in &published {
        let metrics = metrics_for(&p.dataset.id, p.column);
        let url = &source(p.source).url;
        let found = facts.records.iter().enumerate().find(|(i, f)| {
            !used[*i]
                && metrics.contains(&f.metric)
                && f.period.parse::<Period>().ok() == Some(p.period)
                && &f.source_url == url
                && stated(f).is_some_and(|(n, q)| {
                    (n - p.number).abs() < 1e-9 && (q.is_none() || q == p.qualifier)
                })
        });
        match found {
            Some((i, fact)) => {
                used[i] = true;
                if firm_of(fact) != p.firm {
                    problems.push(format!(
                        "{}.{}@{} = {} from `{}` is credited to {}, but the facts file says {}",
                        p.dataset.id, p.column, p.period, p.number, p.source, p.firm, fact.firm
                    ));
                }
            }
            None => problems.push(format!(
                "{}.{}@{} = {} from `{}` matches no record of the facts file",
                p.dataset.id, p.column, p.period, p.number, p.source
            )),
        }
    }
    for (fact, used) in facts.records.iter().zip(&used) {
        let left_out = LEFT_OUT
            .iter()
            .any(|(period, metric, _)| *period == fact.period && *metric == fact.metric);
        if !used && !left_out {
            problems.push(format!(
                "record {} {} {:?} is in no dataset",
                fact.period, fact.metric, fact.value
            ));
        }
        if *used && left_out {
            problems.push(format!(
                "record {} {} is used but listed as left out",
                fact.period, fact.metric
            ));
        }
    }
    assert!(
        problems.is_empty(),
        "{} problems:\n{}",
        problems.len(),
        problems.join("\n")
    );
}
