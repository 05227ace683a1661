//! What every page shares: the base template context with its navigation, the list of
//! sources at the foot, links to briefings and vendors, and the way a body is rendered into a
//! page and its problems reported against the file that wrote it.

use serde::Serialize;
use tera::Context;

use super::super::body::{BodyError, BodyPlace, Heading, RenderedBody, render_body};
use super::super::charts::travel::{self, Headline};
use super::super::charts::vendor_class;
use super::super::citations::{Citations, SECONDHAND_MARK, kind_label};
use super::super::figure::Travelling;
use super::super::templates::Ui;
use crate::diagnostics::{Diagnostic, Loc};
use crate::model::{
    Briefing, ChartKind, ChartSpec, Credit, Dataset, ImageFile, OutputFile, Ref, Segment, Site,
    SourceFile, Vendor,
};
use crate::period::Period;
use crate::routes;

/// A page ready for its template: output path, template, context, and the charts and files
/// (chart CSVs, downloads) it made.
pub struct PageParts {
    pub path: String,
    pub template: &'static str,
    pub context: Context,
    pub charts: usize,
    pub files: Vec<OutputFile>,
    /// The SVG images drawn into the page, in page order, so the link check can read them
    /// without the HTML tokenizer.
    pub drawn: Vec<String>,
    /// The search page's index terms, for a caller that keeps them.
    pub search: Option<super::super::search::Index>,
    /// More pages the job makes: each chart's own page and embed page.
    pub extra: Vec<ExtraPage>,
    /// Images to draw: chart PNGs and social cards.
    pub images: Vec<ImageFile>,
    /// The charts' parts, for the page's own card (its lead chart).
    pub lead: Option<(String, Option<Headline>)>,
}

/// A page made alongside a job's own: its path, template, context and the SVG drawn in it.
pub struct ExtraPage {
    pub path: String,
    pub template: &'static str,
    pub context: Context,
    pub drawn: Vec<String>,
}

/// A chart's page and embed page link back to the page it appears on.
pub struct Appearance<'a> {
    pub title: &'a str,
    pub path: &'a str,
}

impl PageParts {
    pub fn new(path: String, template: &'static str, context: Context) -> PageParts {
        PageParts {
            path,
            template,
            context,
            charts: 0,
            files: Vec::new(),
            drawn: Vec::new(),
            search: None,
            extra: Vec::new(),
            images: Vec::new(),
            lead: None,
        }
    }

    /// Takes over the charts, files and images a body made, and makes each chart's own
    /// page, embed page, SVG, PNG and card, in the words of `ui`; the charts appear on `on`.
    pub fn keep_made(&mut self, site: &Site, ui: &Ui, body: &mut RenderedBody, on: &Appearance) {
        self.charts += body.charts;
        self.files.append(&mut body.files);
        self.drawn.append(&mut body.drawn);
        for chart in body.travel.drain(..) {
            if self.lead.is_none() {
                let wide = chart.drawn.first().cloned().unwrap_or_default();
                self.lead = Some((wide, chart.headline.clone()));
            }
            chart_pages(self, site, ui, chart, on);
        }
    }

    /// Gives the page its social card: drawn from `card` (SVG), described by `alt`.
    pub fn with_card(&mut self, site: &Site, svg: String, alt: &str) {
        let path = routes::card(&self.path);
        insert_card(&mut self.context, site, &path, alt);
        self.images.push(ImageFile {
            path,
            svg,
            scale: 1.0,
        });
    }

    /// The page's card: its title, the headline figure (or its lead chart's latest value)
    /// and its lead chart.
    pub fn card_with_lead(
        &mut self,
        site: &Site,
        ui: &Ui,
        title: &str,
        headline: Option<Headline>,
    ) {
        let (chart, lead_headline) = match &self.lead {
            Some((wide, headline)) => (Some(wide.as_str()), headline.clone()),
            None => (None, None),
        };
        let headline = headline.or(lead_headline);
        let svg = travel::card(&site.config.title, title, headline.as_ref(), chart);
        let alt = card_alt(ui, title, headline.as_ref());
        self.with_card(site, svg, &alt);
    }
}

/// What a card says, for `og:image:alt`.
fn card_alt(ui: &Ui, title: &str, headline: Option<&Headline>) -> String {
    match headline {
        Some(h) => ui.fill(
            "card_alt",
            &[
                ("title", title),
                ("value", &h.value),
                ("what", &h.what),
                ("firm", &h.firm),
            ],
        ),
        None => title.to_string(),
    }
}

/// The `og:image` of a page: its card's address, size and text.
pub fn insert_card(context: &mut Context, site: &Site, card: &str, alt: &str) {
    context.insert(
        "card_url",
        &routes::absolute_file(&site.config.base_url, card),
    );
    context.insert("card_width", &routes::CARD_SIZE.0);
    context.insert("card_height", &routes::CARD_SIZE.1);
    context.insert("card_alt", alt);
}

/// A chart's own page and embed page, its SVG file, its PNG and its card.
fn chart_pages(parts: &mut PageParts, site: &Site, ui: &Ui, chart: Travelling, on: &Appearance) {
    let page_path = routes::chart_page(&chart.id);
    let embed_path = routes::chart_embed(&chart.id);
    let page_url = routes::absolute(&site.config.base_url, &page_path);
    let embed_url = routes::absolute(&site.config.base_url, &embed_path);
    let (width, height) = chart.size;
    // The iframe keeps the chart's own proportions (a little taller for the text around
    // it), so no script has to resize it.
    let ratio = format!("{} / {}", width.round(), (height * 1.35).round());
    let snippet = format!(
        "<iframe src=\"{}\" title=\"{}\" loading=\"lazy\" style=\"width: 100%; aspect-ratio: {ratio}; border: 0;\"></iframe>",
        crate::escape::html_attr(&embed_url),
        crate::escape::html_attr(&chart.title)
    );
    let card_path = routes::card(&page_path);
    let alt = card_alt(ui, &chart.title, chart.headline.as_ref());
    // What the chart's page and its embed page both show, and the card they are shared with.
    let chart_fields = |context: &mut Context| {
        context.insert("title", &chart.title);
        context.insert("description", &chart.description);
        context.insert("frame", &chart.frame);
        context.insert("caption", &chart.caption);
        context.insert("chart_sources", &chart.sources);
        context.insert("table", &chart.table);
        context.insert("page_url", &page_url);
        insert_card(context, site, &card_path, &alt);
    };
    let mut context = base_context(
        site,
        ui,
        &page_path,
        "chart",
        &chart.title,
        &chart.description,
    );
    chart_fields(&mut context);
    context.insert("chart_id", &chart.id);
    context.insert("snippet", &snippet);
    context.insert("embed_url", &embed_url);
    let download = |label: &str, extension: &str, note: &str| Download {
        label: label.to_string(),
        href: format!("{}.{extension}", chart.id),
        note: ui.get(note).to_string(),
    };
    context.insert(
        "downloads",
        &[
            download("SVG", "svg", "download_svg_note"),
            download("PNG", "png", "download_png_note"),
            download("CSV", "csv", "download_csv_note"),
        ],
    );
    context.insert("embed_href", &format!("../{embed_path}"));
    let appears = AppearsIn {
        title: on.title.to_string(),
        href: format!("../{}", on.path),
    };
    context.insert("appears_in", &[&appears]);
    let mut embed = Context::new();
    chart_fields(&mut embed);
    embed.insert("language", &site.config.language);
    embed.insert("site_title", &site.config.title);
    embed.insert("og_type", "website");
    embed.insert("page_href", &format!("../{page_path}"));
    embed.insert("site_url", &site.config.base_url);
    embed.insert("root", "../");
    embed.insert(
        "assets",
        &format!(
            "../{}",
            "../".repeat(site.edition.prefix().matches('/').count())
        ),
    );
    parts.extra.push(ExtraPage {
        path: page_path,
        template: "chart.html",
        context,
        drawn: chart.drawn.clone(),
    });
    parts.extra.push(ExtraPage {
        path: embed_path,
        template: "embed.html",
        context: embed,
        drawn: chart.drawn,
    });
    parts.images.push(ImageFile {
        path: routes::chart_png(&chart.id),
        svg: chart.svg.clone(),
        scale: 2.0,
    });
    parts.images.push(ImageFile {
        path: card_path,
        svg: chart.card,
        scale: 1.0,
    });
    parts.files.push(OutputFile {
        path: routes::chart_svg(&chart.id),
        bytes: chart.svg.into_bytes(),
    });
}

/// A file a chart's page offers.
#[derive(Serialize)]
struct Download {
    label: String,
    href: String,
    /// What the file is, after its link.
    note: String,
}

/// A page a chart appears on, for its own page.
#[derive(Serialize)]
struct AppearsIn {
    title: String,
    href: String,
}

/// A problem that stops a page, as a diagnostic.
pub type PageError = Box<Diagnostic>;

#[derive(Serialize)]
struct NavItem {
    label: String,
    href: String,
    current: bool,
}

/// The site's navigation, each link prefixed with `prefix` (the way back to the root, or the
/// site's absolute address), the one for `current` marked.
fn navigation(site: &Site, prefix: &str, current: &str) -> Vec<NavItem> {
    site.config
        .navigation
        .iter()
        .map(|link| NavItem {
            label: link.label.clone(),
            href: format!("{prefix}{}", routes::navigation_target(&link.target.id)),
            current: link.target.id == current,
        })
        .collect()
}

/// What every template gets: where the root is, the site, the navigation, the page's own
/// title and description, and its absolute URL for feeds, crawlers and social cards.
pub fn base_context(
    site: &Site,
    ui: &Ui,
    path: &str,
    current: &str,
    title: &str,
    description: &str,
) -> Context {
    let root = routes::root_of(path);
    let mut context = Context::new();
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
    context.insert("page_url", &routes::absolute(&site.config.base_url, path));
    context.insert(
        "og_type",
        if current == "briefing" {
            "article"
        } else {
            "website"
        },
    );
    context.insert("nav", &navigation(site, &root, current));
    let site_root = format!(
        "{root}{}",
        "../".repeat(site.edition.prefix().matches('/').count())
    );
    insert_editions(&mut context, site, path, &site_root);
    context.insert("assets", &site_root);
    context.insert("root", &root);
    insert_card(
        &mut context,
        site,
        routes::SITE_CARD,
        &site_card_alt(site, ui),
    );
    context
}

/// One version of a page in one edition, for the language switcher and the alternate links.
#[derive(Serialize)]
struct Version {
    /// The language its content is in (`zh-Hans`; the default one for a page shown
    /// untranslated).
    hreflang: String,
    /// The language's name in itself, and its tag.
    name: String,
    tag: String,
    /// The way there from this page, and its absolute address.
    href: String,
    url: String,
    current: bool,
    /// Whether the edition shows this page untranslated, in the default language.
    untranslated: bool,
}

/// The page's versions in every edition (`versions`), whether this one shows it
/// untranslated (`untranslated`: the default language's tag and name), and the URL of the
/// version in the default language (`x_default`). A site in one language gets none.
fn insert_editions(context: &mut Context, site: &Site, path: &str, site_root: &str) {
    let editions = &site.edition.editions;
    if editions.len() < 2 {
        context.insert("versions", &Vec::<Version>::new());
        return;
    }
    let default_tag = editions.first().map_or("", |e| e.tag.as_str());
    let versions: Vec<Version> = editions
        .iter()
        .enumerate()
        .map(|(n, e)| {
            let untranslated = n > 0 && e.untranslated.contains(path);
            let prefix = if e.path.is_empty() {
                String::new()
            } else {
                format!("{}/", e.path)
            };
            Version {
                hreflang: if untranslated {
                    default_tag.to_string()
                } else {
                    e.tag.clone()
                },
                name: e.name.clone(),
                tag: e.tag.clone(),
                href: format!("{site_root}{prefix}{path}"),
                url: routes::absolute(&e.base_url, path),
                current: e.path == site.edition.path,
                untranslated,
            }
        })
        .collect();
    if let Some(first) = editions.first() {
        context.insert("x_default", &routes::absolute(&first.base_url, path));
        if site.edition.untranslated.contains(path) {
            context.insert("untranslated", &first.tag);
            let original = crate::language::Language::from_tag(&first.tag);
            context.insert("untranslated_name", original.name_in(site.edition.language));
        }
    }
    context.insert("versions", &versions);
}

/// What the site's card, which pages without their own share, says: its name and what it
/// is. It shows no figure, so that no page but the home page changes with the data.
pub fn site_card_alt(site: &Site, ui: &Ui) -> String {
    ui.fill(
        "site_card_alt",
        &[
            ("title", &site.config.title),
            ("description", &site.config.description),
        ],
    )
}

/// The site's card, as SVG to be drawn.
pub fn site_card(site: &Site) -> String {
    travel::card(&site.config.title, &site.config.description, None, None)
}

/// The site's latest figure: the first headline figure's most recent value, with its firm.
pub fn site_headline(site: &Site, ui: &Ui) -> Option<Headline> {
    headline_figures(site)
        .into_iter()
        .find_map(|(dataset, column)| {
            let (row, value) = dataset
                .rows
                .iter()
                .rev()
                .find_map(|r| r.cells.get(column)?.as_ref().map(|v| (r, v)))?;
            let credit = site.data.credit(&value.source.id, value.firm.as_ref())?;
            let label = &dataset.columns.get(column)?.label;
            Some(headline_of(
                site,
                ui,
                dataset.format_value(column, value.number, value.qualifier),
                label,
                row.period,
                credit.firm,
            ))
        })
}

/// A headline figure for a card: its value, what it is and when, and the firm credited.
pub fn headline_of(
    site: &Site,
    ui: &Ui,
    value: String,
    label: &str,
    period: Period,
    firm: &str,
) -> Headline {
    Headline {
        value,
        what: ui.fill(
            "figure_when",
            &[
                ("figure", label),
                ("period", &site.edition.language.period(period)),
            ],
        ),
        firm: firm.to_string(),
        source: ui.fill("card_source", &[("firm", firm)]),
    }
}

/// Links from every page point at the site's absolute address instead of back to the root:
/// for the 404 page, which a host serves at whatever path was asked for.
pub fn make_links_absolute(context: &mut Context, site: &Site) {
    context.insert("root", &site.config.base_url);
    context.insert("assets", site.root_url());
    context.insert("nav", &navigation(site, &site.config.base_url, ""));
}

/// One footnote: the firm credited, the page it was read on, what kind of page it is, and
/// the sentences quoted from it.
#[derive(Serialize)]
struct SourceItem {
    id: String,
    /// The firm as the page's language names it.
    firm: String,
    publisher: String,
    /// Whether the page is the firm's own (its publisher is the firm).
    own: bool,
    title: String,
    url: String,
    /// The date as the page's language writes it.
    published: Option<String>,
    /// "aggregator", "repost", "opinion piece" or "wire copy" in the page's language; none
    /// for reports and releases.
    kind: Option<String>,
    note: Option<String>,
    quotes: Vec<String>,
    /// The language of the page's own words (its title, the sentences quoted), when it is
    /// not the page's.
    lang: Option<String>,
}

fn source_items(site: &Site, ui: &Ui, citations: &Citations) -> Vec<SourceItem> {
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
                own: c.firm == source.publisher,
                title: source.title.clone(),
                url: source.url.clone(),
                published: source
                    .published
                    .as_deref()
                    .map(|date| site.edition.language.date(date)),
                kind: kind_label(ui, source.kind).map(str::to_string),
                note: source.note.clone(),
                quotes: source.quotes.clone(),
                lang: site.edition.foreign_tag(source).map(str::to_string),
            })
        })
        .collect()
}

/// The list of sources at a page's foot, and whether it must explain the second-hand mark.
pub fn insert_sources(context: &mut Context, site: &Site, ui: &Ui, citations: &Citations) {
    context.insert("sources", &source_items(site, ui, citations));
    context.insert("secondhand_marked", &citations.secondhand_marked);
    context.insert("secondhand_mark", SECONDHAND_MARK);
}

/// A body's table of contents: its second-level headings.
pub fn contents(headings: &[Heading]) -> Vec<&Heading> {
    headings.iter().filter(|h| h.level == 2).collect()
}

/// Renders a body for the page at `path`. A problem is reported in `file`, the markdown the
/// body was written in, or at the page when the site made the body itself.
#[allow(clippy::too_many_arguments)]
pub fn page_body(
    site: &Site,
    ui: &Ui,
    segments: &[Segment],
    citations: &mut Citations,
    chart_prefix: &str,
    document: &str,
    path: &str,
    file: Option<&SourceFile>,
) -> Result<RenderedBody, PageError> {
    let root = routes::root_of(path);
    let place = BodyPlace {
        chart_prefix,
        root: &root,
        feed_page: None,
        document,
        site_title: &site.config.title,
        base_url: &site.config.base_url,
        edition: &site.edition,
        ui,
    };
    render_body(segments, &site.data, citations, &place).map_err(|e| body_error(file, path, e))
}

fn body_error(file: Option<&SourceFile>, path: &str, error: BodyError) -> PageError {
    Box::new(match file {
        Some(file) => Diagnostic::error(&file.path, error.message).at_loc(&file.text, error.at),
        None => Diagnostic::error(&format!("dist/{path}"), error.message),
    })
}

#[derive(Serialize)]
pub struct BriefingLink {
    pub href: String,
    pub title: String,
    pub period: String,
    pub summary: String,
}

/// A link to briefing `b` from a page at `root`, its period written as `site`'s language
/// writes it.
pub fn briefing_link(site: &Site, b: &Briefing, root: &str) -> BriefingLink {
    BriefingLink {
        href: format!("{root}{}", routes::briefing(b.period)),
        title: b.title.clone(),
        period: site.edition.language.period(b.period),
        summary: b.summary.clone(),
    }
}

#[derive(Serialize)]
pub struct VendorLink {
    href: String,
    name: String,
    /// The vendor's Chinese name beside its name, where that is not the Chinese name
    /// already (as it is in the Chinese edition); else empty.
    name_zh: String,
    class: String,
}

pub fn vendor_link(v: &Vendor, root: &str) -> VendorLink {
    VendorLink {
        href: format!("{root}{}", routes::vendor(&v.id)),
        name: v.name.clone(),
        name_zh: chinese_beside(v).to_string(),
        class: vendor_class(&v.id),
    }
}

/// A vendor's Chinese name, to show beside its name where that is not it already.
pub fn chinese_beside(v: &Vendor) -> &str {
    if v.name_zh == v.name { "" } else { &v.name_zh }
}

/// Whether a briefing mentions a vendor: by name (in English or Chinese) in its text, or by
/// a figure, calculation or chart drawn from one of the vendor's columns.
pub fn mentions(site: &Site, briefing: &Briefing, vendor: &Vendor) -> bool {
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

/// The headline figures as (dataset, column index).
pub fn headline_figures(site: &Site) -> Vec<(&Dataset, usize)> {
    site.config
        .headline
        .iter()
        .filter_map(|figure| site.data.column(figure))
        .collect()
}

/// How many periods a chart the site makes (not one an editor wrote) shows at most: the
/// latest ones. A long series stays readable and its page light; the data pages have it all.
pub const CHART_WINDOW: usize = 40;

/// A chart of one column over the latest periods it has (at most [`CHART_WINDOW`]), made
/// by the site rather than written. A chart that leaves earlier periods out says so, in
/// the words of `ui`.
pub fn chart_of(
    dataset: &Dataset,
    ui: &Ui,
    column: usize,
    kind: ChartKind,
    title: String,
) -> ChartSpec {
    let at = Loc::default();
    let reference = |id: &str| Ref {
        id: id.to_string(),
        at,
    };
    let with_values: Vec<_> = dataset
        .rows
        .iter()
        .filter(|r| r.cells.get(column).is_some_and(Option::is_some))
        .map(|r| r.period)
        .collect();
    let window = with_values.len().saturating_sub(CHART_WINDOW);
    let (from, caption) = match (with_values.get(window), with_values.first()) {
        (Some(start), Some(first)) if window > 0 && kind != ChartKind::Sparkline => (
            Some((*start, at)),
            Some(ui.fill(
                "chart_window",
                &[
                    ("count", &CHART_WINDOW.to_string()),
                    ("total", &with_values.len().to_string()),
                    ("first", &dataset.language.period(*first)),
                ],
            )),
        ),
        (Some(start), _) if window > 0 => (Some((*start, at)), None),
        _ => (None, None),
    };
    ChartSpec {
        id: None,
        kind,
        title,
        caption,
        data: reference(&dataset.id),
        columns: vec![reference(&dataset.columns[column].id)],
        from,
        to: None,
        period: None,
        annotations: Vec::new(),
        references: Vec::new(),
        at,
    }
}
