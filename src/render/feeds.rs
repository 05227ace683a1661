//! What feed readers and crawlers get: the Atom feed of every briefing and the sitemap of
//! every page, with absolute URLs.

use serde::Serialize;
use tera::Context;

use crate::model::Site;
use crate::routes;

#[derive(Serialize)]
struct FeedEntry {
    title: String,
    url: String,
    updated: String,
    summary: String,
}

/// The Atom feed: every briefing, newest first, with absolute URLs. Dates come from the
/// content (the end of each briefing's quarter), never from the clock.
pub fn feed_context(site: &Site) -> Context {
    let mut context = Context::new();
    let base = &site.config.base_url;
    let entries: Vec<FeedEntry> = site
        .briefings
        .iter()
        .rev()
        .map(|b| FeedEntry {
            title: b.title.clone(),
            url: format!("{base}{}", routes::briefing(b.period)),
            updated: format!("{}T00:00:00Z", b.period.end_date()),
            summary: b.summary.clone(),
        })
        .collect();
    let updated = entries
        .first()
        .map_or_else(|| "1970-01-01T00:00:00Z".to_string(), |e| e.updated.clone());
    context.insert("site_title", &site.config.title);
    context.insert("site_description", &site.config.description);
    context.insert("author", &site.config.author);
    context.insert("base_url", base);
    context.insert("updated", &updated);
    context.insert("entries", &entries);
    context
}

/// The sitemap: every HTML page of the site but the 404 page, with absolute URLs.
pub fn sitemap_context(site: &Site, pages: &[String]) -> Context {
    let base = &site.config.base_url;
    let mut urls: Vec<String> = pages
        .iter()
        .filter(|path| path.as_str() != routes::NOT_FOUND)
        .map(|path| routes::absolute(base, path))
        .collect();
    urls.sort();
    let mut context = Context::new();
    context.insert("urls", &urls);
    context
}
