//! Fourth stage: render every page of a validated `Site` into memory (what each page shows
//! is in `pages`), then the feed, the sitemap and the static assets. Output paths are
//! relative to `dist/`, and no two outputs may claim the same path.

mod body;
pub mod charts;
mod citations;
mod downloads;
mod feeds;
mod figure;
mod pages;
mod search;
mod templates;

use rayon::prelude::*;

use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::model::{OutputFile, RenderedSite, Site, SourceFile};
use crate::routes;
use pages::{PageJob, PageParts};
use templates::Templates;
pub use templates::{BUILTIN_TEMPLATES, TemplateSource, template_diagnostic};

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
    file: OutputFile,
    origin: String,
}

pub fn render_site(
    site: &Site,
    templates: &[SourceFile],
    assets: &[(String, Vec<u8>)],
) -> Result<RenderedSite, Diagnostics> {
    let templates = Templates::load(templates)?;

    // Pages are independent of each other, so they render in parallel; `collect` keeps
    // their order, and the output does not depend on which thread did what.
    let results: Vec<Result<(String, PageParts), Box<Diagnostic>>> = pages::jobs(site)
        .par_iter()
        .map(|job| {
            let parts = pages::build_page(site, *job)?;
            let html = templates.render(parts.template, &parts.context)?;
            Ok((html, parts))
        })
        .collect();

    let mut diagnostics = Diagnostics::new();
    let mut made = Vec::new();
    let mut page_paths = Vec::new();
    let (mut pages, mut charts) = (0, 0);
    for (job, result) in pages::jobs(site).into_iter().zip(results) {
        match result {
            Ok((html, parts)) => {
                let origin = origin_of(site, job);
                page_paths.push(parts.path.clone());
                made.push(Made {
                    file: OutputFile {
                        path: parts.path,
                        bytes: html.into_bytes(),
                    },
                    origin: origin.clone(),
                });
                made.extend(parts.files.into_iter().map(|file| Made {
                    file,
                    origin: origin.clone(),
                }));
                pages += 1;
                charts += parts.charts;
            }
            Err(d) => diagnostics.push(*d),
        }
    }
    for (path, template, context) in [
        (routes::FEED, "feed.xml", feeds::feed_context(site)),
        (
            routes::SITEMAP,
            "sitemap.xml",
            feeds::sitemap_context(site, &page_paths),
        ),
    ] {
        match templates.render(template, &context) {
            Ok(xml) => made.push(Made {
                file: OutputFile {
                    path: path.to_string(),
                    bytes: xml.into_bytes(),
                },
                origin: format!("the template templates/{template}"),
            }),
            Err(d) => diagnostics.push(*d),
        }
    }
    made.extend(static_files(site, assets));
    check_collisions(&made, &mut diagnostics);
    if diagnostics.has_errors() {
        return Err(diagnostics);
    }
    let mut files: Vec<OutputFile> = made.into_iter().map(|m| m.file).collect();
    files.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(RenderedSite {
        files,
        pages,
        charts,
        warnings: site.warnings.clone(),
    })
}

/// The site's own static files, the built-in ones it does not replace, and the files made
/// for charts: their colours and their font.
fn static_files(site: &Site, assets: &[(String, Vec<u8>)]) -> Vec<Made> {
    let mut made = Vec::new();
    for (name, bytes) in BUILTIN_ASSETS {
        if !assets.iter().any(|(n, _)| n == name) {
            made.push(Made {
                file: OutputFile {
                    path: routes::asset(name),
                    bytes: bytes.to_vec(),
                },
                origin: format!("the built-in {name}"),
            });
        }
    }
    for (name, bytes) in assets {
        made.push(Made {
            file: OutputFile {
                path: routes::asset(name),
                bytes: bytes.clone(),
            },
            origin: format!("templates/static/{name}"),
        });
    }
    made.push(Made {
        file: OutputFile {
            path: routes::CHART_STYLESHEET.to_string(),
            bytes: charts::colour_stylesheet(&site.data.vendors).into_bytes(),
        },
        origin: "the chart colours made from content/data/vendors.yaml".to_string(),
    });
    made.push(Made {
        file: OutputFile {
            path: routes::CHART_FONT.to_string(),
            bytes: CHART_FONT.to_vec(),
        },
        origin: "the built-in chart font".to_string(),
    });
    made
}

/// What makes a page's files, for collision reports.
fn origin_of(site: &Site, job: PageJob) -> String {
    match job {
        PageJob::Home => "the home page".to_string(),
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
        PageJob::Search => "the search page".to_string(),
        PageJob::NotFound => "the 404 page".to_string(),
    }
}

/// Two things that would write the same path are an error naming both: one would silently
/// replace the other, and writing them at once would race.
fn check_collisions(made: &[Made], diagnostics: &mut Diagnostics) {
    let mut by_path: Vec<&Made> = made.iter().collect();
    by_path.sort_by(|a, b| a.file.path.cmp(&b.file.path));
    for pair in by_path.windows(2) {
        let [first, second] = pair else { continue };
        if first.file.path == second.file.path {
            diagnostics.push(
                Diagnostic::error(
                    &format!("dist/{}", first.file.path),
                    format!(
                        "two outputs would be written to `{}`: {} and {}",
                        first.file.path, first.origin, second.origin
                    ),
                )
                .with_hint("rename one of them; each file of the site must come from one place"),
            );
        }
    }
}
