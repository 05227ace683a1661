//! Fourth stage: render every page of a validated `Site` (what each page shows is in
//! `pages`), then the feed, the sitemap and the static assets, handing each file to the
//! output as soon as it is made and keeping only what the link check needs: each page's
//! links and ids. Output paths are relative to `dist/`, and no two outputs may claim the
//! same path.

mod body;
pub mod charts;
mod citations;
mod downloads;
mod feeds;
mod figure;
mod pages;
mod reuse;
mod search;
mod templates;

use rayon::prelude::*;

use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::links::{PageLinks, Resolver, links_and_ids, page_links};
use std::collections::BTreeSet;

use crate::model::{Briefing, ImageFile, OutputFile, Site, SourceFile};
use crate::output::{RanJob, Sink};
use crate::routes;
pub use pages::PageJob;
use templates::Templates;
pub use templates::{BUILTIN_TEMPLATES, TemplateSource, template_diagnostic, untranslated_strings};

const CHART_FONT: &[u8] = include_bytes!("../../assets/fonts/chart-sans.woff2");

/// The built-in files of `static/`; a site's own `templates/static/<name>` replaces one.
pub const BUILTIN_ASSETS: [(&str, &[u8]); 3] = [
    (
        "style.css",
        include_bytes!("../../templates/static/style.css"),
    ),
    (
        "search.js",
        include_bytes!("../../templates/static/search.js"),
    ),
    (
        "favicon.svg",
        include_bytes!("../../templates/static/favicon.svg"),
    ),
];

/// A file of the built site and what made it, to name both makers when two want one path.
struct Made {
    path: String,
    origin: String,
}

/// What rendering leaves behind once every file is with the output.
#[derive(Debug, Default)]
pub struct Rendered {
    pub pages: usize,
    pub charts: usize,
    /// Every file of the site, relative to the output directory, in path order.
    pub paths: Vec<String>,
    /// The links and ids of every HTML file, in path order.
    pub links: Vec<(String, PageLinks)>,
    /// Each page job and the files it made, the page first (kept for the preview server).
    pub jobs: Vec<(PageJob, Vec<String>)>,
    /// The search index's terms, when asked to keep them.
    pub search: Option<SearchIndex>,
    /// The pages of jobs that did not run, kept from the build before as they were.
    pub kept: Vec<String>,
}

/// One rendered page and the files that came with it, already with the output.
struct PageDone {
    search: Option<search::Index>,
    made: Vec<Made>,
    /// The links and ids of each page made: the job's own first, then its charts' pages.
    links: Vec<(String, PageLinks)>,
    /// The pages of a job kept from the build before, which was not read again.
    kept: Vec<String>,
    charts: usize,
}

/// Renders the site, handing every file to `sink` as soon as it is made. Fails with every
/// problem found: a page that cannot be rendered, a file that cannot be written, two
/// outputs with one path.
pub fn render_site(
    site: &Site,
    templates: &[SourceFile],
    assets: &[(String, Vec<u8>)],
    sink: &dyn Sink,
) -> Result<Rendered, Diagnostics> {
    render_site_keeping(&[site], templates, assets, sink, false, 0)
}

/// `render_site`, keeping what the preview server updates one edit at a time when
/// `keep_search`: the search index's terms, and the files each page job made. For a sink
/// that records its builds, `shared` is a hash of what every page reads (the program, the
/// templates and static files, the site's settings and data): a job whose inputs are as
/// the sink recorded is not run, and its files are kept.
pub fn render_site_keeping(
    sites: &[&Site],
    templates: &[SourceFile],
    assets: &[(String, Vec<u8>)],
    sink: &dyn Sink,
    keep_search: bool,
    shared: u128,
) -> Result<Rendered, Diagnostics> {
    let Some(site) = sites.first().copied() else {
        return Ok(Rendered::default());
    };
    let mut diagnostics = Diagnostics::new();
    let mut rendered = Rendered::default();
    let mut made = Vec::new();
    let mut page_paths = Vec::new();
    for (n, edition) in sites.iter().enumerate() {
        let templates = Templates::load(templates, &edition.config.language)?;
        render_edition(
            edition,
            &templates,
            sink,
            keep_search && n == 0,
            shared,
            Done {
                diagnostics: &mut diagnostics,
                rendered: &mut rendered,
                made: &mut made,
                page_paths: &mut page_paths,
            },
        );
    }
    let templates = Templates::load(templates, &site.config.language)?;
    let sitemaps = feeds::sitemaps(sites, &page_paths);
    for (path, template, context) in sitemaps {
        let origin = format!("the template templates/{template}");
        match templates.render(template, &context) {
            Ok(xml) => match put(sink, &path, xml.into_bytes(), origin) {
                Ok(m) => made.push(m),
                Err(d) => diagnostics.push(*d),
            },
            Err(d) => diagnostics.push(*d),
        }
    }
    for (path, bytes, origin) in static_files(site, assets) {
        if path.ends_with(".html") {
            let page = links_and_ids(&String::from_utf8_lossy(&bytes));
            rendered.links.push((path.clone(), page));
        }
        match put(sink, &path, bytes, origin) {
            Ok(m) => made.push(m),
            Err(d) => diagnostics.push(*d),
        }
    }
    check_collisions(&mut made, &mut diagnostics);
    if diagnostics.has_errors() {
        return Err(diagnostics);
    }
    rendered.paths = made.into_iter().map(|m| m.path).collect();
    rendered.links.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(rendered)
}

/// Where the editions' renders gather what they made.
struct Done<'a> {
    diagnostics: &'a mut Diagnostics,
    rendered: &'a mut Rendered,
    made: &'a mut Vec<Made>,
    page_paths: &'a mut Vec<String>,
}

/// Renders one edition's pages and its feed into its folder (`site.edition.prefix()`).
fn render_edition(
    site: &Site,
    templates: &Templates,
    sink: &dyn Sink,
    keep_search: bool,
    shared: u128,
    done: Done,
) {
    let Done {
        diagnostics,
        rendered,
        made,
        page_paths,
    } = done;
    let prefix = site.edition.prefix();
    let jobs = pages::jobs(site);
    let recording = sink.records().then(|| Recording {
        prints: reuse::Fingerprints::new(site, shared),
        resolver: Resolver::new(site.root_url()),
    });

    // Pages are independent of each other, so they render in parallel; `collect` keeps
    // their order, and the output does not depend on which thread did what.
    let results: Vec<Result<PageDone, Box<Diagnostic>>> = jobs
        .par_iter()
        .map(|job| {
            let Some(recording) = &recording else {
                return render_page(site, templates, *job, sink, keep_search);
            };
            let (key, fingerprint) = recording.prints.of(site, *job);
            let key = format!("{prefix}{key}");
            if let Some(record) = sink.reuse(&key, fingerprint) {
                let origin = origin_of(site, *job);
                return Ok(PageDone {
                    search: None,
                    made: record
                        .outputs
                        .into_iter()
                        .map(|path| Made {
                            path,
                            origin: origin.clone(),
                        })
                        .collect(),
                    links: Vec::new(),
                    kept: record.pages,
                    charts: usize::try_from(record.charts).unwrap_or(usize::MAX),
                });
            }
            let done = render_page(site, templates, *job, sink, keep_search)?;
            sink.ran(RanJob {
                key,
                fingerprint,
                charts: u32::try_from(done.charts).unwrap_or(u32::MAX),
                outputs: done.made.iter().map(|m| m.path.clone()).collect(),
                pages: done
                    .links
                    .iter()
                    .map(|(path, links)| {
                        let targets = recording.resolver.targets(path, links);
                        (path.clone(), links.ids_hash(), targets)
                    })
                    .collect(),
            });
            Ok(done)
        })
        .collect();

    for (job, result) in jobs.iter().zip(results) {
        match result {
            Ok(mut done) => {
                if let Some(index) = done.search.take() {
                    rendered.search = Some(SearchIndex(index));
                }
                if keep_search {
                    rendered.jobs.push((
                        *job,
                        done.made.iter().rev().map(|m| m.path.clone()).collect(),
                    ));
                }
                page_paths.extend(done.links.iter().map(|(path, _)| path.clone()));
                page_paths.extend(done.kept.iter().cloned());
                rendered.kept.extend(done.kept);
                rendered.links.extend(done.links);
                made.extend(done.made);
                rendered.pages += 1;
                rendered.charts += done.charts;
            }
            Err(d) => diagnostics.push(*d),
        }
    }
    match feeds::feed_context(site, templates) {
        Ok(context) => {
            let path = format!("{prefix}{}", routes::FEED);
            let origin = "the template templates/feed.xml".to_string();
            match templates.render("feed.xml", &context) {
                Ok(xml) => match put(sink, &path, xml.into_bytes(), origin) {
                    Ok(m) => made.push(m),
                    Err(d) => diagnostics.push(*d),
                },
                Err(d) => diagnostics.push(*d),
            }
        }
        Err(d) => diagnostics.push(*d),
    }
}

/// What a build that records itself needs of each job: its fingerprint, and where its
/// pages' links lead.
struct Recording {
    prints: reuse::Fingerprints,
    resolver: Resolver,
}

/// The templates, read and checked once for many renders (the preview server's).
pub struct Prepared(Templates);

pub fn prepare(templates: &[SourceFile], language: &str) -> Result<Prepared, Diagnostics> {
    Templates::load(templates, language).map(Prepared)
}

/// How many pages a dataset's table takes.
pub fn dataset_pages(dataset: &crate::model::Dataset) -> usize {
    pages::dataset_page_count(dataset)
}

/// The template a page job's page is rendered with.
pub fn template_of(job: PageJob) -> &'static str {
    pages::template_of(job)
}

/// Every template a page job renders with (its page's, and its charts' pages').
pub fn templates_of(job: PageJob) -> Vec<&'static str> {
    pages::templates_of(job)
}

/// Every page job of the site, in the order a build renders them.
pub fn page_jobs(site: &Site) -> Vec<PageJob> {
    pages::jobs(site)
}

/// What rendering one page job made: the path and links of each of its pages (its own
/// first), and every file's path (the page first).
pub struct JobDone {
    pub job: PageJob,
    pub links: Vec<(String, PageLinks)>,
    pub paths: Vec<String>,
}

/// Renders `jobs` alone, handing their files to `sink`, as a build renders them.
pub fn render_jobs(
    site: &Site,
    prepared: &Prepared,
    jobs: &[PageJob],
    sink: &dyn Sink,
) -> Result<Vec<JobDone>, Diagnostics> {
    let results: Vec<Result<PageDone, Box<Diagnostic>>> = jobs
        .par_iter()
        .map(|job| render_page(site, &prepared.0, *job, sink, false))
        .collect();
    let mut diagnostics = Diagnostics::new();
    let mut done = Vec::new();
    for (job, result) in jobs.iter().zip(results) {
        match result {
            Ok(page) => done.push(JobDone {
                job: *job,
                paths: page.made.iter().rev().map(|m| m.path.clone()).collect(),
                links: page.links,
            }),
            Err(d) => diagnostics.push(*d),
        }
    }
    if diagnostics.has_errors() {
        return Err(diagnostics);
    }
    Ok(done)
}

/// The Atom feed alone, as a build writes it.
pub fn render_feed(site: &Site, prepared: &Prepared) -> Result<OutputFile, Box<Diagnostic>> {
    let context = feeds::feed_context(site, &prepared.0)?;
    let xml = prepared.0.render("feed.xml", &context)?;
    Ok(OutputFile {
        path: routes::FEED.to_string(),
        bytes: xml.into_bytes(),
    })
}

/// The sitemap (or sitemaps and their index) of a site with the pages at `page_paths`, as
/// a build writes them.
pub fn render_sitemaps(
    site: &Site,
    prepared: &Prepared,
    page_paths: &[String],
) -> Result<Vec<OutputFile>, Box<Diagnostic>> {
    feeds::sitemaps(&[site], page_paths)
        .into_iter()
        .map(|(path, template, context)| {
            let xml = prepared.0.render(template, &context)?;
            Ok(OutputFile {
                path,
                bytes: xml.into_bytes(),
            })
        })
        .collect()
}

/// Where the briefing at place `k` stands once the one at `from` left and one came to `to`
/// (either or both): the places after the gap move one down, those from the slot one up.
pub fn moved_place(k: usize, from: Option<usize>, to: Option<usize>) -> usize {
    let k = match from {
        Some(a) if k > a => k - 1,
        _ => k,
    };
    match to {
        Some(t) if k >= t => k + 1,
        _ => k,
    }
}

/// The problem of a search index file that cannot be written.
fn index_problem(e: serde_json::Error) -> Box<Diagnostic> {
    Box::new(Diagnostic::error(
        &format!("dist/{}", routes::SEARCH_INDEX),
        format!("the search index cannot be written: {e}"),
    ))
}

/// The file of the `block`th block of search results, as a build writes it; none when the
/// site has no briefings there.
fn results_block(site: &Site, block: usize) -> Result<Option<OutputFile>, Box<Diagnostic>> {
    let documents: Vec<search::Document> = site
        .briefings
        .iter()
        .skip(block * search::BLOCK)
        .take(search::BLOCK)
        .map(|b| pages::document(site, b))
        .collect();
    if documents.is_empty() {
        return Ok(None);
    }
    search::docs_file(&documents, block)
        .map(Some)
        .map_err(index_problem)
}

/// The search index's terms, kept to be updated one briefing at a time.
#[derive(Debug)]
pub struct SearchIndex(search::Index);

pub fn search_index(site: &Site) -> SearchIndex {
    SearchIndex(search::Index::build(site.briefings.len(), |id| {
        site.briefings
            .get(id)
            .map_or_else(String::new, |b| pages::text_of(site, b))
    }))
}

/// The ids of the vendors a briefing discusses, as its pages list them.
pub fn mentioned_vendors(site: &Site, briefing: &Briefing) -> Vec<String> {
    site.data
        .vendors
        .iter()
        .filter(|v| pages::mentions(site, briefing, v))
        .map(|v| v.id.clone())
        .collect()
}

/// What the search finds a briefing by (its text, title, period, summary and vendors).
pub fn search_text(site: &Site, briefing: &Briefing) -> String {
    pages::text_of(site, briefing)
}

impl SearchIndex {
    /// A briefing left place `from` (with the search text it had), or came to place `to`
    /// of `site`, or both (it moved): the ids of the briefings after it move one over. The
    /// index files that changed, as a build writes them, and the blocks of results there
    /// are no longer (the site had `old_len` briefings).
    pub fn relocate(
        &mut self,
        site: &Site,
        from: Option<(usize, &str)>,
        to: Option<usize>,
        old_len: usize,
    ) -> Result<(Vec<OutputFile>, Vec<String>), Box<Diagnostic>> {
        let mut shards = BTreeSet::new();
        if let Some((a, old_text)) = from {
            shards.extend(self.0.replace(a, old_text, ""));
        }
        let gap = from.map(|(a, _)| a);
        shards.extend(self.0.renumber(|id| {
            let moved = moved_place(id as usize, gap, to);
            u32::try_from(moved).unwrap_or(u32::MAX)
        }));
        if let Some(t) = to {
            let text = site
                .briefings
                .get(t)
                .map_or_else(String::new, |b| pages::text_of(site, b));
            shards.extend(self.0.replace(t, "", &text));
        }
        let mut files = Vec::new();
        for n in shards {
            files.push(self.0.shard_file(n).map_err(index_problem)?);
        }
        // The blocks from the first place touched: to the other place for a move, to the
        // end when the briefings after it all moved over.
        let len = site.briefings.len();
        let places: Vec<usize> = from.map(|(a, _)| a).into_iter().chain(to).collect();
        let first = places.iter().min().copied().unwrap_or(0);
        let last = match (from, to) {
            (Some(_), Some(_)) => places.iter().max().copied().unwrap_or(0),
            _ => len.saturating_sub(1),
        };
        if len > 0 {
            for block in first / search::BLOCK..=last.min(len - 1) / search::BLOCK {
                files.extend(results_block(site, block)?);
            }
        }
        let gone = (len.div_ceil(search::BLOCK)..old_len.div_ceil(search::BLOCK))
            .map(routes::search_docs)
            .collect();
        Ok((files, gone))
    }

    /// Briefing `i` of `site` was `old_text` to search (`search_text`) and is now what
    /// `site` holds: the index files that changed, as a build writes them.
    pub fn update(
        &mut self,
        site: &Site,
        i: usize,
        old_text: &str,
        old_document_same: bool,
    ) -> Result<Vec<OutputFile>, Box<Diagnostic>> {
        let Some(briefing) = site.briefings.get(i) else {
            return Ok(Vec::new());
        };
        let new_text = pages::text_of(site, briefing);
        let mut files = Vec::new();
        for n in self.0.replace(i, old_text, &new_text) {
            files.push(self.0.shard_file(n).map_err(index_problem)?);
        }
        if !old_document_same {
            files.extend(results_block(site, i / search::BLOCK)?);
        }
        Ok(files)
    }
}

/// Renders one page, reads its links, and hands it and its files to `sink`.
fn render_page(
    site: &Site,
    templates: &Templates,
    job: PageJob,
    sink: &dyn Sink,
    keep_search: bool,
) -> Result<PageDone, Box<Diagnostic>> {
    let mut parts = pages::build_page(site, job, templates.ui())?;
    debug_assert_eq!(parts.template, pages::template_of(job), "{job:?}");
    let search = parts.search.take().filter(|_| keep_search);
    let html = templates.render(parts.template, &parts.context)?;
    let prefix = site.edition.prefix();
    let page_path = format!("{prefix}{}", parts.path);
    let mut links = vec![(page_path.clone(), page_links(&html, &parts.drawn))];
    drop(parts.drawn);
    let origin = origin_of(site, job);
    let mut made =
        Vec::with_capacity(parts.files.len() + 2 * parts.extra.len() + parts.images.len() + 1);
    for file in parts.files {
        let path = format!("{prefix}{}", file.path);
        made.push(put(sink, &path, file.bytes, origin.clone())?);
    }
    for mut image in parts.images {
        image.path = format!("{prefix}{}", image.path);
        made.push(put_image(sink, image, origin.clone())?);
    }
    for extra in parts.extra {
        let html = templates.render(extra.template, &extra.context)?;
        let path = format!("{prefix}{}", extra.path);
        links.push((path.clone(), page_links(&html, &extra.drawn)));
        made.push(put(sink, &path, html.into_bytes(), origin.clone())?);
    }
    made.push(put(sink, &page_path, html.into_bytes(), origin)?);
    Ok(PageDone {
        search,
        made,
        links,
        kept: Vec::new(),
        charts: parts.charts,
    })
}

/// Hands one image to `sink`, remembering what made it.
fn put_image(sink: &dyn Sink, image: ImageFile, origin: String) -> Result<Made, Box<Diagnostic>> {
    let path = image.path.clone();
    match sink.put_image(image) {
        Ok(()) => Ok(Made { path, origin }),
        Err(err) => Err(Box::new(Diagnostic::error(
            &format!("dist/{path}"),
            format!("cannot write `{path}` ({origin}): {err}"),
        ))),
    }
}

/// Hands one file to `sink`, remembering what made it.
fn put(
    sink: &dyn Sink,
    path: &str,
    bytes: Vec<u8>,
    origin: String,
) -> Result<Made, Box<Diagnostic>> {
    match sink.put(path, bytes) {
        Ok(()) => Ok(Made {
            path: path.to_string(),
            origin,
        }),
        Err(err) => Err(Box::new(Diagnostic::error(
            &format!("dist/{path}"),
            format!("cannot write `{path}` ({origin}): {err}"),
        ))),
    }
}

/// The site's own static files, the built-in ones it does not replace, and the files made
/// for charts: their colours and their font; each with what made it.
fn static_files(site: &Site, assets: &[(String, Vec<u8>)]) -> Vec<(String, Vec<u8>, String)> {
    let mut files = Vec::new();
    for (name, bytes) in BUILTIN_ASSETS {
        if !assets.iter().any(|(n, _)| n == name) {
            files.push((
                routes::asset(name),
                bytes.to_vec(),
                format!("the built-in {name}"),
            ));
        }
    }
    for (name, bytes) in assets {
        files.push((
            routes::asset(name),
            bytes.clone(),
            format!("templates/static/{name}"),
        ));
    }
    files.push((
        routes::CHART_STYLESHEET.to_string(),
        charts::colour_stylesheet(&site.data.vendors).into_bytes(),
        "the chart colours made from content/data/vendors.yaml".to_string(),
    ));
    files.push((
        routes::CHART_FONT.to_string(),
        CHART_FONT.to_vec(),
        "the built-in chart font".to_string(),
    ));
    files
}

/// What makes a page's files, for collision reports.
fn origin_of(site: &Site, job: PageJob) -> String {
    match job {
        PageJob::Home => "the home page".to_string(),
        PageJob::Archive => "the archive".to_string(),
        PageJob::ArchiveYear(year) => format!("the archive page of {year}"),
        PageJob::Briefing(i) => site
            .briefings
            .get(i)
            .map_or_else(String::new, |b| b.file.path.clone()),
        PageJob::Page(i) => site
            .pages
            .get(i)
            .map_or_else(String::new, |p| p.file.path.clone()),
        PageJob::Vendor(i) => site.data.vendors.get(i).map_or_else(String::new, |v| {
            format!("the page of vendor `{}` (content/data/vendors.yaml)", v.id)
        }),
        PageJob::Vendors => "the vendor index".to_string(),
        PageJob::Data => "the data page".to_string(),
        PageJob::Dataset(i, _) => site
            .data
            .datasets
            .get(i)
            .map_or_else(String::new, |d| d.file.path.clone()),
        PageJob::Search => "the search page".to_string(),
        PageJob::NotFound => "the 404 page".to_string(),
    }
}

/// Two things that would write the same path are an error naming both: one would silently
/// replace the other. The files went out already, but a failed build never publishes them.
/// `made` ends up in path order.
fn check_collisions(made: &mut [Made], diagnostics: &mut Diagnostics) {
    made.sort_by(|a, b| a.path.cmp(&b.path));
    for pair in made.windows(2) {
        let [first, second] = pair else { continue };
        if first.path == second.path {
            diagnostics.push(
                Diagnostic::error(
                    &format!("dist/{}", first.path),
                    format!(
                        "two outputs would be written to `{}`: {} and {}",
                        first.path, first.origin, second.origin
                    ),
                )
                .with_hint("rename one of them; each file of the site must come from one place"),
            );
        }
    }
}
