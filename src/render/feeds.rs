//! What feed readers and crawlers get: the Atom feed of the latest briefings in full and
//! the sitemap of every page, with absolute URLs.

use serde::Serialize;
use tera::Context;

use super::body::{BodyPlace, render_body};
use super::citations::Citations;
use super::pages::insert_sources;
use super::templates::Templates;
use crate::diagnostics::Diagnostic;
use crate::model::{Briefing, Site};
use crate::routes;

#[derive(Serialize)]
struct FeedEntry {
    title: String,
    url: String,
    updated: String,
    summary: String,
    /// The whole briefing as HTML, its links absolute, its sources listed at its foot.
    content: String,
}

/// The Atom feed: the latest briefings (`feed_entries` in site.yaml), newest first, each in
/// full, with absolute URLs. Dates come from the content (the end of each briefing's
/// quarter), never from the clock.
pub fn feed_context(site: &Site, templates: &Templates) -> Result<Context, Box<Diagnostic>> {
    let mut context = Context::new();
    let base = &site.config.base_url;
    let entries = site
        .briefings
        .iter()
        .rev()
        .take(site.config.feed_entries)
        .map(|b| {
            let url = format!("{base}{}", routes::briefing(b.period));
            Ok(FeedEntry {
                title: b.title.clone(),
                updated: format!("{}T00:00:00Z", b.period.end_date()),
                summary: b.summary.clone(),
                content: entry_content(site, templates, b, &url)?,
                url,
            })
        })
        .collect::<Result<Vec<FeedEntry>, Box<Diagnostic>>>()?;
    let updated = entries
        .first()
        .map_or_else(|| "1970-01-01T00:00:00Z".to_string(), |e| e.updated.clone());
    context.insert("site_title", &site.config.title);
    context.insert("site_description", &site.config.description);
    context.insert("author", &site.config.author);
    context.insert("base_url", base);
    context.insert("updated", &updated);
    context.insert("entries", &entries);
    Ok(context)
}

/// A briefing as a feed reader shows it, through the `feed-entry.html` template: the body
/// with absolute links and its charts as description and table, then its sources.
fn entry_content(
    site: &Site,
    templates: &Templates,
    briefing: &Briefing,
    url: &str,
) -> Result<String, Box<Diagnostic>> {
    let mut citations = Citations::linking_to(url);
    let place = BodyPlace {
        chart_prefix: &routes::chart_prefix(&briefing.period.slug()),
        root: &site.config.base_url,
        feed_page: Some(url),
        document: &briefing.chart_document(),
        site_title: &site.config.title,
        base_url: &site.config.base_url,
    };
    let body = render_body(&briefing.body, &site.data, &mut citations, &place).map_err(|e| {
        Box::new(
            Diagnostic::error(&briefing.file.path, e.message).at_loc(&briefing.file.text, e.at),
        )
    })?;
    let mut context = Context::new();
    context.insert("body", &body.html);
    insert_sources(&mut context, site, &citations);
    templates.render("feed-entry.html", &context)
}

/// How many URLs one sitemap may list, by the sitemaps protocol.
pub const SITEMAP_URLS: usize = 50_000;

/// The sitemap: every HTML page of the site but the 404 page, with absolute URLs, as
/// (path, template, context). Past [`SITEMAP_URLS`] pages, `sitemap.xml` is an index of
/// sitemaps of that many pages each.
pub fn sitemaps(site: &Site, pages: &[String]) -> Vec<(String, &'static str, Context)> {
    sitemaps_of(&site.config.base_url, pages, SITEMAP_URLS)
}

fn sitemaps_of(
    base: &str,
    pages: &[String],
    per_sitemap: usize,
) -> Vec<(String, &'static str, Context)> {
    let mut urls: Vec<String> = pages
        .iter()
        .filter(|path| path.as_str() != routes::NOT_FOUND && !routes::is_embed(path))
        .map(|path| routes::absolute(base, path))
        .collect();
    urls.sort();
    let listing = |urls: &[String]| {
        let mut context = Context::new();
        context.insert("urls", urls);
        context
    };
    if urls.len() <= per_sitemap {
        return vec![(routes::SITEMAP.to_string(), "sitemap.xml", listing(&urls))];
    }
    let mut files = Vec::new();
    let mut parts = Vec::new();
    for (n, chunk) in urls.chunks(per_sitemap.max(1)).enumerate() {
        let path = routes::sitemap_part(n + 1);
        parts.push(routes::absolute(base, &path));
        files.push((path, "sitemap.xml", listing(chunk)));
    }
    let mut index = Context::new();
    index.insert("sitemaps", &parts);
    files.push((routes::SITEMAP.to_string(), "sitemap-index.xml", index));
    files
}

#[cfg(test)]
mod tests {
    use super::*;

    fn urls(context: &Context, key: &str) -> Vec<String> {
        context
            .get(key)
            .and_then(|v| v.as_array())
            .map(|a| {
                a.iter()
                    .filter_map(|u| u.as_str().map(String::from))
                    .collect()
            })
            .unwrap_or_default()
    }

    #[test]
    fn past_the_limit_the_sitemap_becomes_an_index_of_parts() {
        let pages: Vec<String> = ["index.html", "404.html", "a.html", "b.html", "c.html"]
            .iter()
            .map(|p| p.to_string())
            .collect();
        let base = "https://example.org/s/";
        let one = sitemaps_of(base, &pages, 4);
        assert_eq!(one.len(), 1);
        assert_eq!(
            (one[0].0.as_str(), one[0].1),
            ("sitemap.xml", "sitemap.xml")
        );
        assert_eq!(urls(&one[0].2, "urls").len(), 4, "every page but the 404");

        let split = sitemaps_of(base, &pages, 3);
        let names: Vec<(&str, &str)> = split.iter().map(|(p, t, _)| (p.as_str(), *t)).collect();
        assert_eq!(
            names,
            [
                ("sitemap-1.xml", "sitemap.xml"),
                ("sitemap-2.xml", "sitemap.xml"),
                ("sitemap.xml", "sitemap-index.xml"),
            ]
        );
        assert_eq!(
            urls(&split[0].2, "urls"),
            [
                "https://example.org/s/",
                "https://example.org/s/a.html",
                "https://example.org/s/b.html"
            ]
        );
        assert_eq!(urls(&split[1].2, "urls"), ["https://example.org/s/c.html"]);
        assert_eq!(
            urls(&split[2].2, "sitemaps"),
            [
                "https://example.org/s/sitemap-1.xml",
                "https://example.org/s/sitemap-2.xml"
            ]
        );
    }
}
