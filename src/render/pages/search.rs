//! The search page: a form, and the index its script loads when a reader searches (see
//! `render::search` for the format). Without JavaScript the page leads to the archive,
//! from which every briefing is reached by year.

use super::super::search::{BLOCK, Document, Index, SHARDS, index_files_of, plain_text};
use super::super::templates::Ui;
use super::common::{PageError, PageParts, base_context, mentions};
use crate::diagnostics::Diagnostic;
use crate::model::{Briefing, Site};
use crate::routes;

/// What a briefing is found by: its title, period, summary, text and the names (English
/// and Chinese) of the vendors it discusses, as its page lists them.
pub fn text_of(site: &Site, briefing: &Briefing) -> String {
    let mut text = [
        briefing.title.as_str(),
        &site.edition.language.period(briefing.period),
        &briefing.summary,
        &plain_text(&site.data, &briefing.body),
    ]
    .join(" ");
    for vendor in site
        .data
        .vendors
        .iter()
        .filter(|v| mentions(site, briefing, v))
    {
        for name in [&vendor.name, &vendor.name_zh] {
            text.push(' ');
            text.push_str(name);
        }
    }
    text
}

/// A briefing as a result shows it, its period as `site`'s language writes it.
pub fn document(site: &Site, briefing: &Briefing) -> Document {
    Document {
        title: briefing.title.clone(),
        period: site.edition.language.period(briefing.period),
        url: routes::briefing(briefing.period),
        summary: briefing.summary.clone(),
    }
}

pub fn search(site: &Site, ui: &Ui) -> Result<PageParts, PageError> {
    let path = routes::SEARCH;
    let documents: Vec<Document> = site.briefings.iter().map(|b| document(site, b)).collect();
    let text = |id: usize| {
        site.briefings
            .get(id)
            .map_or_else(String::new, |b| text_of(site, b))
    };
    let index = Index::build(documents.len(), text);
    let files = index_files_of(&index, &documents).map_err(|problem| {
        Box::new(Diagnostic::error(
            &format!("dist/{}", routes::SEARCH_INDEX),
            format!("the search index cannot be written: {problem}"),
        ))
    })?;
    let root = routes::root_of(path);
    let mut context = base_context(
        site,
        ui,
        path,
        "search",
        ui.get("search"),
        ui.get("search_description"),
    );
    context.insert("index", &format!("{root}{}", routes::SEARCH_INDEX));
    context.insert("shards", &SHARDS);
    context.insert("block", &BLOCK);
    let mut parts = PageParts::new(path.to_string(), "search.html", context);
    parts.files = files;
    parts.search = Some(index);
    Ok(parts)
}
