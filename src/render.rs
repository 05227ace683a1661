//! Fourth stage: render every page of a validated `Site` into memory: markdown bodies with
//! their charts, then tera templates around them. Output paths are relative to `dist/`, and
//! every link in a page is relative too, so the site works from disk and under any sub-path.

use rayon::prelude::*;
use serde::Serialize;
use tera::{Context, Tera};

use crate::charts::{ChartData, Variant, render_svg};
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::load::SourceFile;
use crate::markdown::{Citations, render_body};
use crate::model::{Briefing, ChartKind, ChartSpec, Ref, Segment};
use crate::validate::Site;

/// The built-in templates and stylesheet; a site's own `templates/` overrides them by name.
const BUILTIN_TEMPLATES: [(&str, &str); 5] = [
    ("sources.html", include_str!("../templates/sources.html")),
    ("base.html", include_str!("../templates/base.html")),
    ("home.html", include_str!("../templates/home.html")),
    ("briefing.html", include_str!("../templates/briefing.html")),
    ("page.html", include_str!("../templates/page.html")),
];
const CHART_FONT: &[u8] = include_bytes!("../assets/fonts/chart-sans.woff2");
const BUILTIN_ASSETS: [(&str, &[u8]); 1] =
    [("style.css", include_bytes!("../templates/static/style.css"))];

/// One file of the built site.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutputFile {
    pub path: String,
    pub bytes: Vec<u8>,
}

#[derive(Debug, Default)]
pub struct RenderedSite {
    pub files: Vec<OutputFile>,
    pub pages: usize,
    pub charts: usize,
}

#[derive(Serialize)]
struct NavItem {
    label: String,
    href: String,
    current: bool,
}

#[derive(Serialize)]
struct SourceItem {
    id: String,
    publisher: String,
    title: String,
    url: String,
    published: Option<String>,
    firm: Option<String>,
    note: Option<String>,
}

#[derive(Serialize)]
struct Heading {
    level: u8,
    id: String,
    text: String,
}

#[derive(Serialize)]
struct BriefingLink {
    href: String,
    title: String,
    period: String,
    summary: String,
}

#[derive(Serialize)]
struct YearGroup {
    year: u16,
    briefings: Vec<BriefingLink>,
}

#[derive(Serialize)]
struct HeadlineCard {
    label: String,
    value: String,
    period: String,
    source: String,
    /// The figure over every period up to the latest, as a small inline SVG.
    sparkline: String,
}

/// The templates in use: (name, path shown in diagnostics, text). A site's own
/// `templates/<name>` replaces the built-in one.
fn template_sources(templates: &[SourceFile]) -> Vec<(&'static str, String, String)> {
    BUILTIN_TEMPLATES
        .iter()
        .map(|(name, builtin)| {
            let path = format!("templates/{name}");
            match templates.iter().find(|t| t.path == path) {
                Some(own) => (*name, path, own.text.clone()),
                None => (*name, format!("{path} (built in)"), builtin.to_string()),
            }
        })
        .collect()
}

pub fn build_tera(sources: &[(&'static str, String, String)]) -> Result<Tera, Diagnostics> {
    let mut tera = Tera::new();
    let mut diagnostics = Diagnostics::new();
    for (name, _, text) in sources {
        if let Err(err) = tera.add_raw_template(name, text) {
            diagnostics.push(template_diagnostic(sources, name, &err));
        }
    }
    if diagnostics.has_errors() {
        return Err(diagnostics);
    }
    Ok(tera)
}

/// A tera error as one of our diagnostics, pointing into the template it names.
fn template_diagnostic(
    sources: &[(&'static str, String, String)],
    rendering: &str,
    err: &tera::Error,
) -> Diagnostic {
    let report = match err.kind() {
        tera::ErrorKind::SyntaxError(report) | tera::ErrorKind::RenderingError(report) => {
            Some(report)
        }
        _ => None,
    };
    let Some(report) = report else {
        return Diagnostic::error(
            &format!("templates/{rendering}"),
            format!("template error: {err}"),
        );
    };
    let (path, text) = sources
        .iter()
        .find(|(name, _, _)| *name == report.filename())
        .map(|(_, path, text)| (path.as_str(), text.as_str()))
        .unwrap_or(("templates/", ""));
    let span = report.span();
    let len = if span.start_line == span.end_line {
        span.end_col.saturating_sub(span.start_col)
    } else {
        1
    };
    let mut d = Diagnostic::error(path, format!("template error: {}", report.message()));
    if !text.is_empty() {
        d = d.at(text, span.start_line, span.start_col + 1, len);
    }
    if report.filename() != rendering {
        d = d.with_hint(format!("while rendering `{rendering}`"));
    }
    d
}

pub fn render_site(
    site: &Site,
    templates: &[SourceFile],
    assets: &[(String, Vec<u8>)],
) -> Result<RenderedSite, Diagnostics> {
    let sources = template_sources(templates);
    let tera = build_tera(&sources)?;

    // Pages are independent of each other, so they render in parallel; `collect` keeps
    // their order, and the output does not depend on which thread did what.
    let mut jobs = vec![PageJob::Home];
    jobs.extend((0..site.briefings.len()).map(PageJob::Briefing));
    jobs.extend((0..site.pages.len()).map(PageJob::Page));
    let results: Vec<Result<(OutputFile, PageParts), Box<Diagnostic>>> = jobs
        .par_iter()
        .map(|job| {
            let parts = page_context(site, *job);
            match tera.render(parts.template, &parts.context) {
                Ok(html) => Ok((
                    OutputFile {
                        path: parts.path.clone(),
                        bytes: html.into_bytes(),
                    },
                    parts,
                )),
                Err(err) => Err(Box::new(template_diagnostic(
                    &sources,
                    parts.template,
                    &err,
                ))),
            }
        })
        .collect();

    let mut out = RenderedSite::default();
    let mut diagnostics = Diagnostics::new();
    for result in results {
        match result {
            Ok((file, parts)) => {
                out.files.push(file);
                out.files.extend(parts.files);
                out.pages += 1;
                out.charts += parts.charts;
            }
            Err(d) => diagnostics.push(*d),
        }
    }
    if diagnostics.has_errors() {
        return Err(diagnostics);
    }
    for (name, bytes) in BUILTIN_ASSETS {
        if !assets.iter().any(|(n, _)| n == name) {
            out.files.push(OutputFile {
                path: format!("static/{name}"),
                bytes: bytes.to_vec(),
            });
        }
    }
    for (name, bytes) in assets {
        out.files.push(OutputFile {
            path: format!("static/{name}"),
            bytes: bytes.clone(),
        });
    }
    out.files.push(OutputFile {
        path: "static/charts.css".to_string(),
        bytes: crate::charts::colour_stylesheet(&site.vendors).into_bytes(),
    });
    out.files.push(OutputFile {
        path: "static/chart-sans.woff2".to_string(),
        bytes: CHART_FONT.to_vec(),
    });
    out.files.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(out)
}

#[derive(Clone, Copy)]
enum PageJob {
    Home,
    Briefing(usize),
    Page(usize),
}

/// What one page needs: its output path, its template, its context and how many charts
/// its body drew.
/// A page ready for its template: output path, template, context, and the charts and
/// files (chart CSVs) its body made.
struct PageParts {
    path: String,
    template: &'static str,
    context: Context,
    charts: usize,
    files: Vec<OutputFile>,
}

fn page_context(site: &Site, job: PageJob) -> PageParts {
    match job {
        PageJob::Home => {
            let mut context = base_context(
                site,
                "",
                "home",
                &site.config.title,
                &site.config.description,
            );
            context.insert("headline", &headline_cards(site));
            let mut citations = Citations::default();
            let trend = trend_chart(site).map(|segment| {
                render_body(
                    std::slice::from_ref(&segment),
                    site,
                    &mut citations,
                    "home-chart-",
                    "",
                )
            });
            let charts = trend.as_ref().map_or(0, |t| t.charts);
            let files = trend.as_ref().map(|t| t.files.clone()).unwrap_or_default();
            context.insert("trend", &trend.map(|t| t.html).unwrap_or_default());
            context.insert("sources", &source_items(site, &citations));
            context.insert("years", &years(site, ""));
            PageParts {
                path: "index.html".to_string(),
                template: "home.html",
                context,
                charts,
                files,
            }
        }
        PageJob::Briefing(i) => {
            let briefing = &site.briefings[i];
            let mut citations = Citations::default();
            let prefix = format!("chart-{}-", briefing.period.slug());
            let body = render_body(&briefing.body, site, &mut citations, &prefix, "../");
            let mut context =
                base_context(site, "../", "briefing", &briefing.title, &briefing.summary);
            context.insert("period", &briefing.period.label());
            context.insert("period_id", &briefing.period.to_string());
            context.insert("summary", &briefing.summary);
            context.insert("draft", &briefing.draft);
            context.insert("body", &body.html);
            context.insert("toc", &headings(&body.headings));
            context.insert("sources", &source_items(site, &citations));
            let link = |b: Option<&Briefing>| b.map(|b| briefing_link(b, ""));
            context.insert(
                "previous",
                &link(i.checked_sub(1).and_then(|j| site.briefings.get(j))),
            );
            context.insert("next", &link(site.briefings.get(i + 1)));
            PageParts {
                path: format!("briefings/{}.html", briefing.period.slug()),
                template: "briefing.html",
                context,
                charts: body.charts,
                files: body.files,
            }
        }
        PageJob::Page(i) => {
            let page = &site.pages[i];
            let mut citations = Citations::default();
            let body = render_body(
                &page.body,
                site,
                &mut citations,
                &format!("chart-{}-", page.id),
                "",
            );
            let mut context = base_context(site, "", &page.id, &page.title, &page.description);
            context.insert("body", &body.html);
            context.insert("toc", &headings(&body.headings));
            context.insert("sources", &source_items(site, &citations));
            PageParts {
                path: format!("{}.html", page.id),
                template: "page.html",
                context,
                charts: body.charts,
                files: body.files,
            }
        }
    }
}

fn base_context(site: &Site, root: &str, current: &str, title: &str, description: &str) -> Context {
    let mut context = Context::new();
    context.insert("root", root);
    context.insert("site_title", &site.config.title);
    context.insert("site_description", &site.config.description);
    context.insert("language", &site.config.language);
    context.insert("author", &site.config.author);
    context.insert("title", title);
    context.insert("description", description);
    let nav: Vec<NavItem> = site
        .config
        .navigation
        .iter()
        .map(|link| {
            let target = link.target.id.as_str();
            let href = if target == "home" {
                format!("{root}index.html")
            } else {
                format!("{root}{target}.html")
            };
            NavItem {
                label: link.label.clone(),
                href,
                current: target == current,
            }
        })
        .collect();
    context.insert("nav", &nav);
    context
}

fn headings(list: &[(u8, String, String)]) -> Vec<Heading> {
    list.iter()
        .filter(|(level, _, _)| *level == 2)
        .map(|(level, id, text)| Heading {
            level: *level,
            id: id.clone(),
            text: text.clone(),
        })
        .collect()
}

fn source_items(site: &Site, citations: &Citations) -> Vec<SourceItem> {
    citations
        .sources
        .iter()
        .filter_map(|id| site.source(id))
        .map(|s| SourceItem {
            id: s.id.clone(),
            publisher: s.publisher.clone(),
            title: s.title.clone(),
            url: s.url.clone(),
            published: s.published.clone(),
            firm: s.firm.clone(),
            note: s.note.clone(),
        })
        .collect()
}

fn briefing_link(b: &Briefing, prefix: &str) -> BriefingLink {
    BriefingLink {
        href: format!("{prefix}{}.html", b.period.slug()),
        title: b.title.clone(),
        period: b.period.label(),
        summary: b.summary.clone(),
    }
}

fn years(site: &Site, root: &str) -> Vec<YearGroup> {
    let mut groups: Vec<YearGroup> = Vec::new();
    for b in site.briefings.iter().rev() {
        let link = briefing_link(b, &format!("{root}briefings/"));
        match groups.last_mut() {
            Some(group) if group.year == b.period.year() => group.briefings.push(link),
            _ => groups.push(YearGroup {
                year: b.period.year(),
                briefings: vec![link],
            }),
        }
    }
    groups
}

/// The latest published value of each headline figure.
fn headline_cards(site: &Site) -> Vec<HeadlineCard> {
    site.config
        .headline
        .iter()
        .enumerate()
        .filter_map(|(n, figure)| {
            let (dataset_id, column_id) = figure.id.split_once('.')?;
            let dataset = site.dataset(dataset_id)?;
            let column = dataset.column_index(column_id)?;
            let (row, value) = dataset
                .rows
                .iter()
                .rev()
                .find_map(|r| r.cells.get(column)?.as_ref().map(|v| (r, v)))?;
            let source = site.source(&value.source.id)?;
            let label = dataset.columns[column].label.clone();
            let spec = chart_of(
                figure,
                dataset_id,
                column_id,
                ChartKind::Sparkline,
                format!("{label}, {}", dataset.title),
            );
            let data = ChartData::resolve(&spec, dataset, &site.vendors);
            Some(HeadlineCard {
                sparkline: render_svg(
                    &data,
                    &spec.title,
                    &format!("spark-{}", n + 1),
                    Variant::Spark,
                ),
                label,
                value: dataset.format_value(column, value.number, value.qualifier),
                period: row.period.label(),
                source: source
                    .firm
                    .clone()
                    .unwrap_or_else(|| source.publisher.clone()),
            })
        })
        .collect()
}

/// A chart of one column over every period it has.
fn chart_of(
    figure: &Ref,
    dataset: &str,
    column: &str,
    kind: ChartKind,
    title: String,
) -> ChartSpec {
    let reference = |id: &str| Ref {
        id: id.to_string(),
        at: figure.at,
    };
    ChartSpec {
        kind,
        title,
        caption: None,
        data: reference(dataset),
        columns: vec![reference(column)],
        from: None,
        to: None,
        period: None,
        annotations: Vec::new(),
        references: Vec::new(),
        at: figure.at,
    }
}

/// A line chart of the first headline figure over every period it has.
fn trend_chart(site: &Site) -> Option<Segment> {
    let figure = site.config.headline.first()?;
    let (dataset_id, column_id) = figure.id.split_once('.')?;
    let dataset = site.dataset(dataset_id)?;
    let column = dataset.column_index(column_id)?;
    if !dataset
        .rows
        .iter()
        .any(|r| r.cells.get(column).is_some_and(Option::is_some))
    {
        return None;
    }
    Some(Segment::Chart(chart_of(
        figure,
        dataset_id,
        column_id,
        ChartKind::Line,
        dataset.title.clone(),
    )))
}
