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
    let ui = templates.ui();
    let mut citations = Citations::linking_to(url, ui);
    let place = BodyPlace {
        chart_prefix: &routes::chart_prefix(&briefing.period.slug()),
        root: &site.config.base_url,
        feed_page: Some(url),
        document: &briefing.chart_document(),
        site_title: &site.config.title,
        base_url: &site.config.base_url,
        edition: &site.edition,
        ui,
    };
    let body = render_body(&briefing.body, &site.data, &mut citations, &place).map_err(|e| {
        Box::new(
            Diagnostic::error(&briefing.file.path, e.message).at_loc(&briefing.file.text, e.at),
        )
    })?;
    let mut context = Context::new();
    context.insert("body", &body.html);
    insert_sources(&mut context, site, ui, &citations);
    templates.render("feed-entry.html", &context)
}

/// How many URLs one sitemap may list, by the sitemaps protocol.
pub const SITEMAP_URLS: usize = 50_000;

/// The sitemap: every HTML page of the site but the 404 page, with absolute URLs, as
/// (path, template, context). Past [`SITEMAP_URLS`] pages, `sitemap.xml` is an index of
/// sitemaps of that many pages each.
pub fn sitemaps(sites: &[&Site], pages: &[String]) -> Vec<(String, &'static str, Context)> {
    let Some(first) = sites.first() else {
        return Vec::new();
    };
    let editions: Vec<SitemapEdition> = sites
        .iter()
        .map(|s| SitemapEdition {
            prefix: s.edition.prefix(),
            tag: s.config.language.clone(),
            untranslated: &s.edition.untranslated,
        })
        .collect();
    sitemaps_of(&first.config.base_url, pages, &editions, SITEMAP_URLS)
}

/// What the sitemap says of each edition: where its pages are, their language, and which
/// of them are shown untranslated (not listed as its language's version).
struct SitemapEdition<'a> {
    prefix: String,
    tag: String,
    untranslated: &'a std::collections::BTreeSet<String>,
}

/// One address of the sitemap, with its versions in every language when the site has more
/// than one (`xhtml:link rel="alternate" hreflang`, the default language also as `x-default`).
#[derive(Serialize)]
struct SitemapUrl {
    loc: String,
    alternates: Vec<Alternate>,
}

#[derive(Serialize)]
pub struct Alternate {
    pub hreflang: String,
    pub href: String,
}

/// The absolute URL of the page at `path` of the edition in the folder `prefix` (`zh/`):
/// an edition's home page is its folder.
fn absolute_in(base: &str, prefix: &str, path: &str) -> String {
    routes::absolute(&format!("{base}{prefix}"), path)
}

/// The versions of the page at `path` (relative to its edition) in every edition that
/// translates it, the default also as `x-default`; none for a site in one language.
fn alternates_of(
    base: &str,
    path: &str,
    editions: &[SitemapEdition],
    exists: &dyn Fn(&str) -> bool,
) -> Vec<Alternate> {
    if editions.len() < 2 {
        return Vec::new();
    }
    let mut found = Vec::new();
    for (n, edition) in editions.iter().enumerate() {
        let full = format!("{}{path}", edition.prefix);
        if (n > 0 && edition.untranslated.contains(path)) || !exists(&full) {
            continue;
        }
        let href = absolute_in(base, &edition.prefix, path);
        if n == 0 {
            found.push(Alternate {
                hreflang: "x-default".to_string(),
                href: href.clone(),
            });
        }
        found.push(Alternate {
            hreflang: edition.tag.clone(),
            href,
        });
    }
    if found.len() < 3 { Vec::new() } else { found }
}

fn sitemaps_of(
    base: &str,
    pages: &[String],
    editions: &[SitemapEdition],
    per_sitemap: usize,
) -> Vec<(String, &'static str, Context)> {
    let all: std::collections::BTreeSet<&str> = pages.iter().map(String::as_str).collect();
    let exists = |p: &str| all.contains(p);
    let mut urls: Vec<SitemapUrl> = pages
        .iter()
        .filter(|path| {
            let own = editions
                .iter()
                .skip(1)
                .find_map(|e| path.strip_prefix(e.prefix.as_str()))
                .unwrap_or(path);
            own != routes::NOT_FOUND && !routes::is_embed(own)
        })
        .map(|path| {
            let own = editions
                .iter()
                .skip(1)
                .find_map(|e| path.strip_prefix(e.prefix.as_str()))
                .unwrap_or(path);
            let prefix = path.strip_suffix(own).unwrap_or_default();
            SitemapUrl {
                loc: absolute_in(base, prefix, own),
                alternates: alternates_of(base, own, editions, &exists),
            }
        })
        .collect();
    urls.sort_by(|a, b| a.loc.cmp(&b.loc));
    let listing = |urls: &[SitemapUrl]| {
        let mut context = Context::new();
        context.insert("urls", urls);
        context.insert("languages", &(editions.len() > 1));
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
                    .filter_map(|u| {
                        let loc = u.get_from_path("loc").unwrap_or(u);
                        loc.as_str().map(String::from)
                    })
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
        let one = sitemaps_of(base, &pages, &[], 4);
        assert_eq!(one.len(), 1);
        assert_eq!(
            (one[0].0.as_str(), one[0].1),
            ("sitemap.xml", "sitemap.xml")
        );
        assert_eq!(urls(&one[0].2, "urls").len(), 4, "every page but the 404");

        let split = sitemaps_of(base, &pages, &[], 3);
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
