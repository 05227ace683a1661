//! `quarterly new [PERIOD]`: writes the next quarter's briefing with its front matter, the
//! standard chart blocks and prompts for the editor, and lists the dataset rows the quarter
//! still lacks. It never overwrites a file.

use std::path::Path;

use crate::model::Content;
use crate::period::{Granularity, Period};

/// What `new` did, for the command line to report.
pub struct Scaffolded {
    pub path: String,
    pub period: Period,
    /// One line per quarterly dataset that has no value yet for the period.
    pub missing: Vec<String>,
}

/// The quarter after the latest briefing, read from the file names in content/briefings/.
pub fn next_period(root: &Path) -> Option<Period> {
    let dir = root.join("content/briefings");
    let latest = std::fs::read_dir(dir)
        .ok()?
        .filter_map(Result::ok)
        .filter_map(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            name.strip_suffix(".md")?.parse::<Period>().ok()
        })
        .filter(|p| p.granularity() == Granularity::Quarter)
        .max()?;
    latest.next()
}

/// What each quarterly dataset still lacks for `period`.
pub fn missing_rows(content: &Content, period: Period) -> Vec<String> {
    content
        .datasets
        .iter()
        .filter(|d| d.granularity == Granularity::Quarter)
        .filter_map(|d| {
            let Some(row) = d.row(period) else {
                return Some(format!(
                    "{}: no row for {period} (add one to content/data/{}.yaml)",
                    d.id, d.id
                ));
            };
            let empty: Vec<&str> = d
                .columns
                .iter()
                .zip(&row.cells)
                .filter(|(_, cell)| cell.is_none())
                .map(|(c, _)| c.id.as_str())
                .collect();
            (!empty.is_empty())
                .then(|| format!("{}: {period} has no value for {}", d.id, empty.join(", ")))
        })
        .collect()
}

/// The briefing text for `period`: a draft with prompts, figure references to fill in, and
/// the standard charts ending at the quarter.
pub fn briefing_text(period: Period) -> String {
    let previous = period
        .previous()
        .map_or_else(|| "the previous quarter".to_string(), |p| p.label());
    let year_before = period
        .year_before()
        .map_or_else(|| "a year earlier".to_string(), |p| p.label());
    let from = period
        .year_before()
        .and_then(|p| p.year_before())
        .unwrap_or(period);
    format!(
        r#"---
title: "{label}: "
period: {period}
summary: One or two sentences for the home page and the feed.
draft: true
---

<!-- Write figures as references so text and charts cannot drift apart, for example
     {{{{market.spend@{period}}}}} or {{{{vendor-shares.alibaba-cloud@{period}}}}}.
     `quarterly check` says which references have no value yet. Remove `draft: true` to publish. -->

## The quarter in brief

<!-- What the quarter's figures say: spend, growth, share of world spend. -->

```chart
kind: line
title: Quarterly spend on cloud infrastructure services, mainland China
data: market
y: spend
from: {from}
to: {period}
```

## What changed

<!-- Against {previous} and against {year_before}. -->

```chart
kind: bar
title: Year-on-year growth in spend
data: market
y: growth
from: {from}
to: {period}
```

## Vendors

<!-- The leaders' shares and growth; who gained and who lost. -->

```chart
kind: line
title: Shares of the leading providers
data: vendor-shares
y: [alibaba-cloud, huawei-cloud, tencent-cloud]
from: {from}
to: {period}
```

## Caveats

<!-- Disagreements between sources, restatements, series breaks, and figures not published. -->
"#,
        label = period.label(),
    )
}

/// Writes the briefing for `period` under `root`, refusing to overwrite anything.
pub fn scaffold(
    root: &Path,
    period: Period,
    content: Option<&Content>,
) -> Result<Scaffolded, String> {
    if period.granularity() != Granularity::Quarter {
        return Err(format!("a briefing covers a quarter, not `{period}`"));
    }
    let relative = format!("content/briefings/{}.md", period.slug());
    let path = root.join(&relative);
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)
            .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    }
    // `create_new` fails if the file exists, so an existing briefing is never touched.
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&path)
        .map_err(|e| match e.kind() {
            std::io::ErrorKind::AlreadyExists => {
                format!("{relative} already exists; it was left as it is")
            }
            _ => format!("cannot write {relative}: {e}"),
        })?;
    std::io::Write::write_all(&mut file, briefing_text(period).as_bytes())
        .map_err(|e| format!("cannot write {relative}: {e}"))?;
    Ok(Scaffolded {
        path: relative,
        period,
        missing: content.map(|c| missing_rows(c, period)).unwrap_or_default(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_scaffold_is_a_valid_draft_for_its_quarter() {
        let text = briefing_text("2026-Q1".parse().unwrap());
        assert!(text.contains("period: 2026-Q1\n"));
        assert!(text.contains("draft: true\n"));
        assert!(text.contains("{{market.spend@2026-Q1}}"), "{text}");
        assert!(text.contains("from: 2024-Q1\nto: 2026-Q1"));
        assert!(text.contains("Against Q4 2025 and against Q1 2025."));
        assert_eq!(text.matches("```chart").count(), 3);
    }
}
