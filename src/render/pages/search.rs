//! The search page: the index of every briefing the search script looks through, and a list
//! of every briefing for readers without JavaScript.

use serde::Serialize;

use super::super::search::plain_text;
use super::common::{PageError, PageParts, base_context, briefing_link};
use crate::diagnostics::Diagnostic;
use crate::escape::json_in_script;
use crate::model::Site;
use crate::routes;

/// One briefing in the search index. The short names keep the index small; the script
/// reads them as named here.
#[derive(Serialize)]
struct SearchEntry {
    #[serde(rename = "t")]
    title: String,
    #[serde(rename = "p")]
    period: String,
    #[serde(rename = "u")]
    url: String,
    #[serde(rename = "s")]
    summary: String,
    /// The briefing's text as readers see it, figures included.
    #[serde(rename = "x")]
    text: String,
}

pub fn search(site: &Site) -> Result<PageParts, PageError> {
    let path = routes::SEARCH;
    let entries: Vec<SearchEntry> = site
        .briefings
        .iter()
        .rev()
        .map(|b| SearchEntry {
            title: b.title.clone(),
            period: b.period.label(),
            url: routes::briefing(b.period),
            summary: b.summary.clone(),
            text: plain_text(&site.data, &b.body),
        })
        .collect();
    let index = json_in_script(&entries).map_err(|problem| {
        Box::new(Diagnostic::error(
            &format!("dist/{path}"),
            format!("the search index cannot be written: {problem}"),
        ))
    })?;
    let mut context = base_context(site, path, "search", "Search", "Search every briefing.");
    context.insert("index", &index);
    context.insert(
        "briefings",
        &site
            .briefings
            .iter()
            .rev()
            .map(|b| briefing_link(b, ""))
            .collect::<Vec<_>>(),
    );
    Ok(PageParts::new(path.to_string(), "search.html", context))
}
