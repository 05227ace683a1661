//! What each page of the site shows: one function per kind of page (home, briefing, page,
//! vendor, vendor index, data, search, 404), each returning the template to render and its
//! context. Links in pages are relative to the page, so the site works from disk and under
//! any sub-path; only the 404 page, which a host serves at any path, links absolutely.

use serde::Serialize;
use tera::Context;

use super::body::render_body;
use super::charts::{ChartData, Variant, render_svg};
use super::citations::Citations;
use crate::diagnostics::Loc;
use crate::escape::escape;
use crate::model::OutputFile;
use crate::model::{Briefing, ChartKind, ChartSpec, Dataset, Ref, Segment, Vendor};
use crate::model::{Credit, Site};
use crate::period::Period;
use crate::routes;

/// A page ready for its template: output path, template, context, and the charts and files
/// (chart CSVs) its body made.
pub struct PageParts {
    pub path: String,
    pub template: &'static str,
    pub context: Context,
    pub charts: usize,
    pub files: Vec<OutputFile>,
}

/// Every page of the site, in a stable order.
#[derive(Clone, Copy, Debug)]
pub enum PageJob {
    Home,
    Briefing(usize),
    Page(usize),
    Vendor(usize),
    Vendors,
    Data,
    Search,
    NotFound,
}

pub fn jobs(site: &Site) -> Vec<PageJob> {
    let mut jobs = vec![PageJob::Home];
    jobs.extend((0..site.briefings.len()).map(PageJob::Briefing));
    jobs.extend((0..site.pages.len()).map(PageJob::Page));
    jobs.extend((0..site.data.vendors.len()).map(PageJob::Vendor));
    jobs.extend([
        PageJob::Vendors,
        PageJob::Data,
        PageJob::Search,
        PageJob::NotFound,
    ]);
    jobs
}

pub fn build_page(site: &Site, job: PageJob) -> PageParts {
    match job {
        PageJob::Home => home(site),
        PageJob::Briefing(i) => briefing(site, i),
        PageJob::Page(i) => page(site, i),
        PageJob::Vendor(i) => vendor(site, i),
        PageJob::Vendors => vendors(site),
        PageJob::Data => data(site),
        PageJob::Search => search(site),
        PageJob::NotFound => not_found(site),
    }
}

#[derive(Serialize)]
struct NavItem {
    label: String,
    href: String,
    current: bool,
}

/// What every template gets: where the root is, the site, the navigation, the page's own
/// title and description, and its absolute URL for feeds, crawlers and social cards.
fn base_context(site: &Site, path: &str, current: &str, title: &str, description: &str) -> Context {
    let root = routes::root_of(path);
    let mut context = Context::new();
    context.insert("root", &root);
    context.insert("site_title", &site.config.title);
    context.insert("site_description", &site.config.description);
    context.insert("language", &site.config.language);
    context.insert("author", &site.config.author);
    context.insert("base_url", &site.config.base_url);
    context.insert("title", title);
    context.insert(
        "description",
        if description.is_empty() {
            site.config.description.as_str()
        } else {
            description
        },
    );
    let page_url = if path == "index.html" {
        site.config.base_url.clone()
    } else {
        format!("{}{path}", site.config.base_url)
    };
    context.insert("page_url", &page_url);
    context.insert(
        "og_type",
        if current == "briefing" {
            "article"
        } else {
            "website"
        },
    );
    let nav: Vec<NavItem> = site
        .config
        .navigation
        .iter()
        .map(|link| NavItem {
            label: link.label.clone(),
            href: format!("{root}{}", routes::navigation_target(&link.target.id)),
            current: link.target.id == current,
        })
        .collect();
    context.insert("nav", &nav);
    context
}

/// One footnote: the firm credited, the page it was read on, what kind of page it is, and
/// the sentences quoted from it.
#[derive(Serialize)]
struct SourceItem {
    id: String,
    firm: String,
    publisher: String,
    title: String,
    url: String,
    published: Option<String>,
    /// "aggregator", "repost", "opinion piece" or "wire copy"; none for reports and releases.
    kind: Option<String>,
    note: Option<String>,
    quotes: Vec<String>,
}

fn source_items(site: &Site, citations: &Citations) -> Vec<SourceItem> {
    citations
        .cited
        .iter()
        .filter_map(|c| {
            let source = site.data.source(&c.source)?;
            let credit = Credit {
                source,
                firm: &c.firm,
            };
            Some(SourceItem {
                id: routes::source_anchor(&credit),
                firm: c.firm.clone(),
                publisher: source.publisher.clone(),
                title: source.title.clone(),
                url: source.url.clone(),
                published: source.published.clone(),
                kind: source.kind.label().map(str::to_lowercase),
                note: source.note.clone(),
                quotes: source.quotes.clone(),
            })
        })
        .collect()
}

/// The list of sources at a page's foot, and whether it must explain the second-hand mark.
fn insert_sources(context: &mut Context, site: &Site, citations: &Citations) {
    context.insert("sources", &source_items(site, citations));
    context.insert("secondhand_marked", &citations.secondhand_marked);
    context.insert("secondhand_mark", super::citations::SECONDHAND_MARK);
}

#[derive(Serialize)]
struct Heading {
    id: String,
    text: String,
}

fn headings(list: &[(u8, String, String)]) -> Vec<Heading> {
    list.iter()
        .filter(|(level, _, _)| *level == 2)
        .map(|(_, id, text)| Heading {
            id: id.clone(),
            text: text.clone(),
        })
        .collect()
}

#[derive(Serialize)]
pub struct BriefingLink {
    pub href: String,
    pub title: String,
    pub period: String,
    pub summary: String,
}

fn briefing_link(b: &Briefing, root: &str) -> BriefingLink {
    BriefingLink {
        href: format!("{root}{}", routes::briefing(b.period)),
        title: b.title.clone(),
        period: b.period.label(),
        summary: b.summary.clone(),
    }
}

#[derive(Serialize)]
struct YearGroup {
    year: u16,
    briefings: Vec<BriefingLink>,
}

fn years(site: &Site) -> Vec<YearGroup> {
    let mut groups: Vec<YearGroup> = Vec::new();
    for b in site.briefings.iter().rev() {
        let link = briefing_link(b, "");
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

/// The headline figures as (dataset, column index).
fn headline_figures(site: &Site) -> Vec<(&Dataset, usize)> {
    site.config
        .headline
        .iter()
        .filter_map(|figure| site.data.column(figure))
        .collect()
}

/// A chart of one column over every period it has, made by the site rather than written.
fn chart_of(dataset: &Dataset, column: usize, kind: ChartKind, title: String) -> ChartSpec {
    let at = Loc::default();
    let reference = |id: &str| Ref {
        id: id.to_string(),
        at,
    };
    ChartSpec {
        kind,
        title,
        caption: None,
        data: reference(&dataset.id),
        columns: vec![reference(&dataset.columns[column].id)],
        from: None,
        to: None,
        period: None,
        annotations: Vec::new(),
        references: Vec::new(),
        at,
    }
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

fn home(site: &Site) -> PageParts {
    let path = "index.html";
    let mut context = base_context(
        site,
        path,
        "home",
        &site.config.title,
        &site.config.description,
    );
    let figures = headline_figures(site);
    let cards: Vec<HeadlineCard> = figures
        .iter()
        .enumerate()
        .filter_map(|(n, (dataset, column))| {
            let (row, value) = dataset
                .rows
                .iter()
                .rev()
                .find_map(|r| r.cells.get(*column)?.as_ref().map(|v| (r, v)))?;
            let credit = site.data.credit(&value.source.id, value.firm.as_ref())?;
            let label = dataset.columns[*column].label.clone();
            let spec = chart_of(
                dataset,
                *column,
                ChartKind::Sparkline,
                format!("{label}, {}", dataset.title),
            );
            let data = ChartData::resolve(&spec, dataset, &site.data.vendors);
            Some(HeadlineCard {
                sparkline: render_svg(
                    &data,
                    &spec.title,
                    &format!("spark-{}", n + 1),
                    Variant::Spark,
                ),
                label,
                value: dataset.format_value(*column, value.number, value.qualifier),
                period: row.period.label(),
                source: if site.data.only_secondhand(value, value.number) {
                    format!(
                        "{} (via {}, {})",
                        credit.firm,
                        credit.source.publisher,
                        credit
                            .source
                            .kind
                            .label()
                            .unwrap_or_default()
                            .to_lowercase()
                    )
                } else {
                    credit.firm.to_string()
                },
            })
        })
        .collect();
    context.insert("headline", &cards);
    // The long-run trend: the first headline figure over every period it has.
    let mut citations = Citations::default();
    let trend = figures.first().map(|(dataset, column)| {
        let spec = chart_of(dataset, *column, ChartKind::Line, dataset.title.clone());
        render_body(
            &[Segment::Chart(spec)],
            &site.data,
            &mut citations,
            "home-chart-",
            "",
        )
    });
    let charts = trend.as_ref().map_or(0, |t| t.charts);
    let files = trend.as_ref().map(|t| t.files.clone()).unwrap_or_default();
    context.insert("trend", &trend.map(|t| t.html).unwrap_or_default());
    insert_sources(&mut context, site, &citations);
    context.insert("years", &years(site));
    PageParts {
        path: path.to_string(),
        template: "home.html",
        context,
        charts,
        files,
    }
}

#[derive(Serialize)]
struct FigureCell {
    /// The value with its unit, or empty when none was published.
    value: String,
    /// The footnote marker of its source (HTML).
    cite: String,
    period: String,
}

#[derive(Serialize)]
struct KeyFigure {
    label: String,
    now: FigureCell,
    previous: FigureCell,
    year_before: FigureCell,
}

fn figure_cell(
    site: &Site,
    dataset: &Dataset,
    column: usize,
    period: Option<Period>,
    citations: &mut Citations,
) -> FigureCell {
    let value = period.and_then(|p| dataset.value(column, p));
    FigureCell {
        value: value
            .map(|v| dataset.format_value(column, v.number, v.qualifier))
            .unwrap_or_default(),
        cite: value
            .map(|v| citations.value_marker(&site.data, v, &v.version_from(None)))
            .unwrap_or_default(),
        period: period.map(|p| p.label()).unwrap_or_default(),
    }
}

fn briefing(site: &Site, i: usize) -> PageParts {
    let briefing = &site.briefings[i];
    let path = routes::briefing(briefing.period);
    let mut citations = Citations::default();
    // Key figures, and what changed against the quarter and the year before: the headline
    // figures at the three periods, each footnoted. Values are shown, never differences
    // computed from them.
    let key_figures: Vec<KeyFigure> = headline_figures(site)
        .into_iter()
        .filter(|(dataset, _)| dataset.granularity == briefing.period.granularity())
        .filter(|(dataset, column)| dataset.value(*column, briefing.period).is_some())
        .map(|(dataset, column)| KeyFigure {
            label: dataset.columns[column].label.clone(),
            now: figure_cell(site, dataset, column, Some(briefing.period), &mut citations),
            previous: figure_cell(
                site,
                dataset,
                column,
                briefing.period.previous(),
                &mut citations,
            ),
            year_before: figure_cell(
                site,
                dataset,
                column,
                briefing.period.year_before(),
                &mut citations,
            ),
        })
        .collect();
    let prefix = format!("chart-{}-", briefing.period.slug());
    let body = render_body(&briefing.body, &site.data, &mut citations, &prefix, "../");
    let mut context = base_context(site, &path, "briefing", &briefing.title, &briefing.summary);
    context.insert("period", &briefing.period.label());
    context.insert("period_id", &briefing.period.to_string());
    context.insert("summary", &briefing.summary);
    context.insert("draft", &briefing.draft);
    context.insert("key_figures", &key_figures);
    context.insert("body", &body.html);
    context.insert("toc", &headings(&body.headings));
    insert_sources(&mut context, site, &citations);
    let link = |b: Option<&Briefing>| b.map(|b| briefing_link(b, "../"));
    context.insert(
        "previous",
        &link(i.checked_sub(1).and_then(|j| site.briefings.get(j))),
    );
    context.insert("next", &link(site.briefings.get(i + 1)));
    let mentioned: Vec<VendorLink> = site
        .data
        .vendors
        .iter()
        .filter(|v| mentions(site, briefing, v))
        .map(|v| vendor_link(v, "../"))
        .collect();
    context.insert("vendors", &mentioned);
    PageParts {
        path,
        template: "briefing.html",
        context,
        charts: body.charts,
        files: body.files,
    }
}

fn page(site: &Site, i: usize) -> PageParts {
    let page = &site.pages[i];
    let path = format!("{}.html", page.id);
    let mut citations = Citations::default();
    let body = render_body(
        &page.body,
        &site.data,
        &mut citations,
        &format!("chart-{}-", page.id),
        "",
    );
    let mut context = base_context(site, &path, &page.id, &page.title, &page.description);
    context.insert("body", &body.html);
    context.insert("toc", &headings(&body.headings));
    insert_sources(&mut context, site, &citations);
    PageParts {
        path,
        template: "page.html",
        context,
        charts: body.charts,
        files: body.files,
    }
}

#[derive(Serialize)]
struct VendorLink {
    href: String,
    name: String,
    name_zh: String,
    class: String,
}

fn vendor_link(v: &Vendor, root: &str) -> VendorLink {
    VendorLink {
        href: format!("{root}{}", routes::vendor(&v.id)),
        name: v.name.clone(),
        name_zh: v.name_zh.clone(),
        class: super::charts::vendor_class(&v.id),
    }
}

/// Whether a briefing mentions a vendor: by name (in English or Chinese) in its text, or by
/// a figure or chart drawn from one of the vendor's columns.
fn mentions(site: &Site, briefing: &Briefing, vendor: &Vendor) -> bool {
    let is_vendors = |dataset: &str, column: &str| {
        site.data
            .dataset(dataset)
            .and_then(|d| d.column_index(column).and_then(|c| d.columns.get(c)))
            .and_then(|c| c.vendor.as_ref())
            .is_some_and(|v| v.id == vendor.id)
    };
    briefing.body.iter().any(|segment| match segment {
        Segment::Markdown(text) => {
            text.contains(&vendor.name)
                || (!vendor.name_zh.is_empty() && text.contains(&vendor.name_zh))
        }
        Segment::Figure(f) => is_vendors(&f.dataset.id, &f.column.id),
        Segment::Calc(c) => c
            .expr
            .figures()
            .iter()
            .any(|f| is_vendors(&f.dataset.id, &f.column.id)),
        Segment::Chart(c) => c.columns.iter().any(|col| is_vendors(&c.data.id, &col.id)),
        Segment::Cite(_) | Segment::Quote(_) => false,
    })
}

fn vendor(site: &Site, i: usize) -> PageParts {
    let vendor = &site.data.vendors[i];
    let path = routes::vendor(&vendor.id);
    let title = if vendor.name_zh.is_empty() {
        vendor.name.clone()
    } else {
        format!("{} ({})", vendor.name, vendor.name_zh)
    };
    let description = format!(
        "{}: its share of the market, its growth, and every briefing that discusses it.",
        vendor.name
    );
    // One chart per dataset that has a column for this vendor: a line over the periods, or
    // bars where a dataset has a single period.
    let segments: Vec<Segment> = site
        .data
        .datasets
        .iter()
        .filter_map(|dataset| {
            let column = dataset
                .columns
                .iter()
                .position(|c| c.vendor.as_ref().is_some_and(|v| v.id == vendor.id))?;
            let values = dataset
                .rows
                .iter()
                .filter(|r| r.cells.get(column).is_some_and(Option::is_some))
                .count();
            if values == 0 {
                return None;
            }
            let kind = if values > 1 {
                ChartKind::Line
            } else {
                ChartKind::Bar
            };
            Some(Segment::Chart(chart_of(
                dataset,
                column,
                kind,
                dataset.title.clone(),
            )))
        })
        .collect();
    let mut citations = Citations::default();
    let body = render_body(
        &segments,
        &site.data,
        &mut citations,
        &format!("chart-{}-", vendor.id),
        "../",
    );
    let mentioned: Vec<BriefingLink> = site
        .briefings
        .iter()
        .rev()
        .filter(|b| mentions(site, b, vendor))
        .map(|b| briefing_link(b, "../"))
        .collect();
    let mut context = base_context(site, &path, "vendors", &title, &description);
    context.insert("vendor", &vendor_link(vendor, "../"));
    context.insert("body", &body.html);
    context.insert("briefings", &mentioned);
    insert_sources(&mut context, site, &citations);
    PageParts {
        path,
        template: "vendor.html",
        context,
        charts: body.charts,
        files: body.files,
    }
}

fn vendors(site: &Site) -> PageParts {
    let path = "vendors.html";
    let mut context = base_context(
        site,
        path,
        "vendors",
        "Vendors",
        "Every cloud vendor the briefings follow.",
    );
    let list: Vec<VendorLink> = site
        .data
        .vendors
        .iter()
        .map(|v| vendor_link(v, ""))
        .collect();
    context.insert("vendors", &list);
    PageParts {
        path: path.to_string(),
        template: "vendors.html",
        context,
        charts: 0,
        files: Vec::new(),
    }
}

#[derive(Serialize)]
struct DataTable {
    id: String,
    title: String,
    description: String,
    columns: Vec<String>,
    rows: Vec<DataRow>,
    breaks: Vec<String>,
    csv: String,
    json: String,
}

#[derive(Serialize)]
struct DataRow {
    period: String,
    /// Each cell as HTML: the value, its footnote, and any other published values.
    cells: Vec<String>,
}

fn data(site: &Site) -> PageParts {
    let path = "data.html";
    let mut citations = Citations::default();
    let mut files = Vec::new();
    let tables: Vec<DataTable> = site
        .data
        .datasets
        .iter()
        .map(|dataset| {
            files.push(OutputFile {
                path: routes::dataset_csv(&dataset.id),
                bytes: super::downloads::dataset_csv(dataset, site).into_bytes(),
            });
            files.push(OutputFile {
                path: routes::dataset_json(&dataset.id),
                bytes: super::downloads::dataset_json(dataset, site).into_bytes(),
            });
            DataTable {
                id: dataset.id.clone(),
                title: dataset.title.clone(),
                description: dataset.description.clone(),
                columns: dataset
                    .columns
                    .iter()
                    .map(|c| format!("{} ({})", c.label, c.unit.axis_label()))
                    .collect(),
                rows: dataset
                    .rows
                    .iter()
                    .map(|row| DataRow {
                        period: row.period.label(),
                        cells: row
                            .cells
                            .iter()
                            .enumerate()
                            .map(|(c, cell)| {
                                data_cell(site, dataset, c, cell.as_ref(), &mut citations)
                            })
                            .collect(),
                    })
                    .collect(),
                breaks: dataset
                    .breaks
                    .iter()
                    .map(|b| format!("{}: {}. {}", b.period.label(), b.label, b.note))
                    .collect(),
                csv: routes::dataset_csv(&dataset.id),
                json: routes::dataset_json(&dataset.id),
            }
        })
        .collect();
    let mut context = base_context(
        site,
        path,
        "data",
        "Data",
        "Every dataset behind the briefings, value by value with its source, and as CSV and JSON.",
    );
    context.insert("datasets", &tables);
    insert_sources(&mut context, site, &citations);
    PageParts {
        path: path.to_string(),
        template: "data.html",
        context,
        charts: 0,
        files,
    }
}

fn data_cell(
    site: &Site,
    dataset: &Dataset,
    column: usize,
    cell: Option<&crate::model::Value>,
    citations: &mut Citations,
) -> String {
    let Some(value) = cell else {
        return String::new();
    };
    let versions = value.versions();
    let mut html = String::new();
    for (i, version) in versions.iter().enumerate() {
        let shown = escape(&dataset.format_value(column, version.number, version.qualifier));
        let marker = citations.value_marker(&site.data, value, version);
        if i == 0 {
            html.push_str(&format!("{shown}{marker}"));
            if let Some(note) = version.note {
                html.push_str(&format!("<span class=\"also\">{}</span>", escape(note)));
            }
        } else {
            html.push_str(&format!(
                "<span class=\"also\">also published: {shown}{marker}</span>"
            ));
        }
    }
    html
}

#[derive(Serialize)]
struct SearchEntry {
    /// Title, period, link, summary, and the text of the briefing, for the search script.
    t: String,
    p: String,
    u: String,
    s: String,
    x: String,
}

fn search(site: &Site) -> PageParts {
    let path = "search.html";
    let entries: Vec<SearchEntry> = site
        .briefings
        .iter()
        .rev()
        .map(|b| SearchEntry {
            t: b.title.clone(),
            p: b.period.label(),
            u: routes::briefing(b.period),
            s: b.summary.clone(),
            x: super::search::plain_text(&site.data, &b.body),
        })
        .collect();
    // JSON inside a <script type="application/json"> element: "</" must not end it early.
    let index = serde_json::to_string(&entries)
        .unwrap_or_else(|_| "[]".to_string())
        .replace("</", "<\\/");
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
    PageParts {
        path: path.to_string(),
        template: "search.html",
        context,
        charts: 0,
        files: Vec::new(),
    }
}

fn not_found(site: &Site) -> PageParts {
    let path = "404.html";
    let mut context = base_context(
        site,
        path,
        "",
        "Page not found",
        "The page you asked for is not here.",
    );
    // A host serves this page at whatever path was asked for, so its links are absolute.
    context.insert("root", &site.config.base_url);
    let nav: Vec<NavItem> = site
        .config
        .navigation
        .iter()
        .map(|link| NavItem {
            label: link.label.clone(),
            href: format!(
                "{}{}",
                site.config.base_url,
                routes::navigation_target(&link.target.id)
            ),
            current: false,
        })
        .collect();
    context.insert("nav", &nav);
    context.insert(
        "latest",
        &site
            .briefings
            .last()
            .map(|b| briefing_link(b, &site.config.base_url)),
    );
    PageParts {
        path: path.to_string(),
        template: "404.html",
        context,
        charts: 0,
        files: Vec::new(),
    }
}
