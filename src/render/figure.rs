//! A chart as a page shows it: title, the SVG in its wide and narrow variants, a legend
//! where series are not labelled directly, caption, a source line that credits each firm via
//! the pages its values were read on, the data table and the CSV download.

use super::charts::travel::{self, Headline};
use super::charts::{ChartData, Variant, legend, render_svg, size};
use super::citations::{Citations, kind_label};
use super::templates::Ui;
use crate::escape::{html_attr, html_text, url};
use crate::model::{ChartKind, ChartSpec, Credit, Data, Edition, OutputFile, Source};
use crate::routes;

/// A chart as a page shows it.
pub struct Figure {
    pub html: String,
    /// The chart's data as CSV, linked from the figure.
    pub csv: OutputFile,
    /// The SVG images drawn, as they stand in `html`.
    pub drawn: Vec<String>,
    /// What the chart's own page, embed page and images are made of (not for the feed).
    pub travel: Option<Travelling>,
}

/// Where a chart is drawn: its anchor on the page, its id across the site, the way back to
/// the site root, and the site's name and address for the copies that travel alone.
pub struct ChartPlace<'p> {
    pub anchor: &'p str,
    pub id: &'p str,
    pub root: &'p str,
    /// When the chart goes into the feed: the address of its page.
    pub feed_page: Option<&'p str>,
    pub site_title: &'p str,
    pub base_url: &'p str,
    /// The edition the chart is shown in, and its words.
    pub edition: &'p Edition,
    pub ui: &'p Ui,
}

/// A chart's parts for its own page, its embed page, its standalone SVG and its card.
pub struct Travelling {
    pub id: String,
    pub title: String,
    pub description: String,
    /// The legend (where there is one) and the drawn variants, as the figure has them.
    pub frame: String,
    pub caption: Option<String>,
    /// The source line, each page linked directly (no footnotes on those pages).
    pub sources: String,
    /// The data table with its CSV link, for a page in `charts/` or `embed/`.
    pub table: String,
    /// The chart as one self-contained SVG file.
    pub svg: String,
    /// The chart's social card, as SVG to be drawn.
    pub card: String,
    pub headline: Option<Headline>,
    /// The variants drawn (wide first, for the card of the page the chart leads), as the
    /// frame has them.
    pub drawn: Vec<String>,
    /// The width and height of the standalone SVG.
    pub size: (f64, f64),
}

/// A chart with everything beside it: title, the SVG (wide and narrow), a legend where
/// series are not labelled directly, caption, source line, data table and CSV download.
/// For the feed (`feed_page`, the page's address, is set), the chart comes as its
/// description and its table, with a link to the drawing on the page: feed readers show
/// no inline SVG and no stylesheet.
pub fn render_chart_figure(
    spec: &ChartSpec,
    data: &Data,
    citations: &mut Citations,
    place: &ChartPlace,
) -> Result<Figure, String> {
    let (id, root, feed_page, ui) = (place.anchor, place.root, place.feed_page, place.ui);
    let dataset = data
        .dataset(&spec.data.id)
        .ok_or_else(|| format!("dataset `{}` is not in the site", spec.data.id))?;
    let chart = ChartData::resolve(spec, dataset, &data.vendors);
    let mut html = format!(
        "<figure class=\"chart chart-{}\" id=\"{id}\">\n<figcaption class=\"chart-title\">{}</figcaption>\n",
        kind_class(spec.kind),
        html_text(&spec.title)
    );
    // The source line names exactly the pages and firms of the values drawn.
    let mut credits: Vec<(Credit, bool)> = Vec::new();
    for s in &chart.series {
        for row in chart.rows {
            let Some(Some(v)) = row.cells.get(s.column) else {
                continue;
            };
            let credit = data
                .credit(&v.source.id, v.firm.as_ref())
                .ok_or_else(|| format!("source `{}` is not in the site", v.source.id))?;
            let secondhand = data.only_secondhand(v, v.number);
            match credits
                .iter_mut()
                .find(|(c, _)| c.source.id == credit.source.id && c.firm == credit.firm)
            {
                // One footnote per page and firm: marked when any value drawn from it has no
                // better source.
                Some((_, marked)) => *marked |= secondhand,
                None => credits.push((credit, secondhand)),
            }
        }
    }
    let description = chart.describe();
    let (drawn, frame) = match feed_page {
        Some(_) => {
            // Feed readers drop inline SVG and the site's CSS: the chart comes as its PNG.
            // Its width as drawn (the PNG is twice that); its height follows from the file.
            let variant = if chart.kind == ChartKind::Sparkline {
                Variant::Spark
            } else {
                Variant::Wide
            };
            let width = travel::standalone_width(size(&chart, variant));
            html.push_str(&format!(
                "<p><img src=\"{}\" alt=\"{}\" width=\"{width}\"></p>\n<p><a href=\"{}\">{}</a>{}</p>",
                html_attr(&format!("{}{}", place.base_url, routes::chart_png(place.id))),
                html_attr(&description),
                html_attr(&format!("{}{}", place.base_url, routes::chart_page(place.id))),
                html_text(ui.get("chart_own_page")),
                html_text(ui.get("chart_own_page_after"))
            ));
            (Vec::new(), String::new())
        }
        None => {
            let mut frame = String::new();
            if spec.kind == ChartKind::Bar && chart.series.len() > 1 {
                frame.push_str(&legend(&chart, id));
            }
            let drawn = draw(&chart, &spec.title, id)?;
            match drawn.as_slice() {
                [wide, narrow] => {
                    frame.push_str("<div class=\"chart-frame\">\n");
                    frame.push_str(wide);
                    frame.push('\n');
                    frame.push_str(narrow);
                    frame.push_str("\n</div>");
                }
                images => images.iter().for_each(|svg| frame.push_str(svg)),
            }
            html.push_str(&frame);
            frame.push('\n');
            (drawn, frame)
        }
    };
    html.push('\n');
    if let Some(caption) = &spec.caption {
        html.push_str(&format!(
            "<p class=\"chart-caption\">{}</p>\n",
            html_text(caption)
        ));
    }
    html.push_str(&source_line(&credits, citations, ui));
    let csv_path = routes::chart_csv(place.id);
    html.push_str(&data_table(
        &chart,
        &format!("{root}{csv_path}"),
        feed_page.is_none(),
        ui,
    ));
    if feed_page.is_none() {
        html.push_str(&format!(
            "<p class=\"chart-permalink\"><a href=\"{}\">{}</a></p>\n",
            url(&format!("{root}{}", routes::chart_page(place.id))),
            html_text(ui.get("share_chart"))
        ));
    }
    html.push_str("</figure>");
    let csv = OutputFile {
        path: csv_path,
        bytes: chart.csv().into_bytes(),
    };
    let travel = (feed_page.is_none() && !drawn.is_empty()).then(|| {
        travelling(
            spec,
            data,
            &chart,
            &credits,
            place,
            description,
            drawn.clone(),
            frame,
        )
    });
    Ok(Figure {
        html,
        csv,
        drawn,
        travel,
    })
}

/// The parts the chart's own page, embed page, SVG file and card are made of.
#[allow(clippy::too_many_arguments)]
fn travelling(
    spec: &ChartSpec,
    data: &Data,
    chart: &ChartData,
    credits: &[(Credit, bool)],
    place: &ChartPlace,
    description: String,
    drawn: Vec<String>,
    frame: String,
) -> Travelling {
    let ui = place.ui;
    let wide = drawn.first().map_or("", String::as_str);
    let address = format!("{}{}", place.base_url, routes::chart_page(place.id));
    let (svg, size) = travel::standalone(
        chart,
        wide,
        place.id,
        &spec.title,
        &description,
        &source_text(credits, ui),
        place.site_title,
        &address,
    );
    let headline = headline(chart, data, ui);
    let card = travel::card(place.site_title, &spec.title, headline.as_ref(), Some(wide));
    Travelling {
        id: place.id.to_string(),
        title: spec.title.clone(),
        description,
        frame,
        caption: spec.caption.clone(),
        sources: linked_source_line(credits, place.edition, ui),
        table: data_table(
            chart,
            &format!("../{}", routes::chart_csv(place.id)),
            false,
            ui,
        ),
        svg,
        card,
        headline,
        drawn,
        size,
    }
}

/// The chart's most recent value of its first series, with the firm it is credited to.
fn headline(chart: &ChartData, data: &Data, ui: &Ui) -> Option<Headline> {
    let series = chart.series.first()?;
    let (period, value) = chart
        .periods
        .iter()
        .zip(&chart.period_rows)
        .rev()
        .find_map(|(p, row)| Some((p, row.as_ref()?.cells.get(series.column)?.as_ref()?)))?;
    let credit = data.credit(&value.source.id, value.firm.as_ref())?;
    let firm = credit.firm;
    Some(Headline {
        value: chart
            .dataset
            .format_value(series.column, value.number, value.qualifier),
        what: ui.fill(
            "figure_when",
            &[
                ("figure", &series.label),
                ("period", &chart.period_label(*period)),
            ],
        ),
        firm: firm.to_string(),
        source: ui.fill("card_source", &[("firm", firm)]),
    })
}

/// The source line as plain text, for images: "Sources: Canalys via SCMP, The Register."
fn source_text(credits: &[(Credit, bool)], ui: &Ui) -> String {
    let groups = publishers_by_firm(credits, ui);
    let parts: Vec<String> = groups
        .iter()
        .map(|(firm, publishers)| {
            let names: Vec<&str> = publishers
                .iter()
                .map(|(name, _)| shown_publisher(name, ui))
                .collect();
            if is_own_release(publishers) {
                firm.to_string()
            } else {
                ui.fill(
                    "firm_via",
                    &[
                        ("firm", firm),
                        ("publishers", &names.join(ui.get("list_separator"))),
                    ],
                )
            }
        })
        .collect();
    ui.fill(
        source_line_key(credits),
        &[("sources", &parts.join(ui.get("group_separator")))],
    )
}

/// The source line with each page linked directly, for pages without footnotes. A link
/// whose page's title (its tooltip) and name are both in another language than the
/// edition's is marked with theirs.
fn linked_source_line(credits: &[(Credit, bool)], edition: &Edition, ui: &Ui) -> String {
    let groups = publishers_by_firm(credits, ui);
    let parts: Vec<String> = groups
        .iter()
        .map(|(original, publishers)| {
            let firm = original;
            let links: Vec<String> = publishers
                .iter()
                .map(|(name, pages)| {
                    let own = name == OWN_RELEASE;
                    let text = if own { firm } else { name };
                    let anchors: Vec<String> = pages
                        .iter()
                        .map(|source| {
                            let name_as_published = if own {
                                firm == original
                            } else {
                                source
                                    .translations
                                    .get("publisher", &edition.path)
                                    .is_none()
                            };
                            let lang = edition
                                .foreign_tag(source)
                                .filter(|_| name_as_published)
                                .map(|tag| format!(" lang=\"{}\"", html_attr(tag)))
                                .unwrap_or_default();
                            format!(
                                "<a href=\"{}\" title=\"{}\"{lang}>{}</a>",
                                url(&source.url),
                                html_attr(&source.title),
                                html_text(text)
                            )
                        })
                        .collect();
                    anchors.join(", ")
                })
                .collect();
            let list = links.join(&html_text(ui.get("list_separator")));
            if is_own_release(publishers) {
                list
            } else {
                ui.fill_html(
                    "firm_via",
                    &[("firm", &html_text(firm)), ("publishers", &list)],
                )
            }
        })
        .collect();
    source_paragraph(ui, credits, &parts)
}

/// The catalogue's source line for `credits`: one source, or several.
/// The source line of a chart: "Sources: …" with each credit of `parts` (HTML already).
fn source_paragraph(ui: &Ui, credits: &[(Credit, bool)], parts: &[String]) -> String {
    format!(
        "<p class=\"chart-source\">{}</p>\n",
        ui.fill_html(
            source_line_key(credits),
            &[(
                "sources",
                &parts.join(&html_text(ui.get("group_separator")))
            )],
        )
    )
}

fn source_line_key(credits: &[(Credit, bool)]) -> &'static str {
    if credits.len() == 1 {
        "chart_source_one"
    } else {
        "chart_source_many"
    }
}

/// Whether a firm's pages are its own release alone, which the line names by the firm.
fn is_own_release(publishers: &[PublisherPages]) -> bool {
    matches!(publishers, [(only, _)] if only == OWN_RELEASE)
}

/// A publisher as a source line names it: a firm's own release as the catalogue says.
fn shown_publisher<'a>(name: &'a str, ui: &'a Ui) -> &'a str {
    if name == OWN_RELEASE {
        ui.get("own_release")
    } else {
        name
    }
}

/// Each firm credited, in order, with the publishers whose pages it is read from (a firm's
/// own release as [`OWN_RELEASE`]) and each publisher's pages.
type PublisherPages<'a> = (String, Vec<&'a Source>);

fn publishers_by_firm<'a>(
    credits: &[(Credit<'a>, bool)],
    ui: &Ui,
) -> Vec<(String, Vec<PublisherPages<'a>>)> {
    let mut groups: Vec<(String, Vec<PublisherPages<'a>>)> = Vec::new();
    for (credit, _) in credits {
        let source = credit.source;
        let name = publisher_name(credit, ui);
        let index = match groups.iter().position(|(f, _)| f == credit.firm) {
            Some(i) => i,
            None => {
                groups.push((credit.firm.to_string(), Vec::new()));
                groups.len() - 1
            }
        };
        let Some((_, publishers)) = groups.get_mut(index) else {
            continue;
        };
        match publishers.iter_mut().find(|(n, _)| *n == name) {
            Some((_, pages)) => pages.push(source),
            None => publishers.push((name, vec![source])),
        }
    }
    groups
}

/// How a source line names the publisher of a credited page: [`OWN_RELEASE`] for a firm's
/// own page, and what kind of page a second-hand one is, in the words of `ui`.
fn publisher_name(credit: &Credit, ui: &Ui) -> String {
    let source = credit.source;
    if credit.firm == source.publisher {
        OWN_RELEASE.to_string()
    } else {
        match kind_label(ui, source.kind) {
            Some(label) if source.kind.is_secondhand() => ui.fill(
                "publisher_kind",
                &[("publisher", &source.publisher), ("kind", label)],
            ),
            _ => source.publisher.clone(),
        }
    }
}

/// The chart's SVG: one for a sparkline, else a wide and a narrow variant.
fn draw(chart: &ChartData, title: &str, id: &str) -> Result<Vec<String>, String> {
    let description = chart.describe();
    if chart.kind == ChartKind::Sparkline {
        return Ok(vec![render_svg(
            chart,
            title,
            &description,
            id,
            Variant::Spark,
        )?]);
    }
    Ok(vec![
        render_svg(
            chart,
            title,
            &description,
            &format!("{id}-w"),
            Variant::Wide,
        )?,
        render_svg(
            chart,
            title,
            &description,
            &format!("{id}-n"),
            Variant::Narrow,
        )?,
    ])
}

/// "Sources: Canalys via SCMP¹, The Register²; Omdia via Nestia (repost)³." Pages are
/// grouped by the firm credited for the values drawn, in the order the values use them; a
/// firm's own release needs no "via", and a second-hand page says what it is.
fn source_line(credits: &[(Credit, bool)], citations: &mut Citations, ui: &Ui) -> String {
    struct Publisher {
        name: String,
        anchors: Vec<String>,
    }
    let mut groups: Vec<(String, Vec<Publisher>)> = Vec::new();
    for (credit, secondhand_only) in credits {
        let name = publisher_name(credit, ui);
        let anchor = citations.anchor(*credit, *secondhand_only);
        let index = match groups.iter().position(|(f, _)| f == credit.firm) {
            Some(i) => i,
            None => {
                groups.push((credit.firm.to_string(), Vec::new()));
                groups.len() - 1
            }
        };
        let Some((_, publishers)) = groups.get_mut(index) else {
            continue;
        };
        match publishers.iter_mut().find(|p| p.name == name) {
            Some(p) => p.anchors.push(anchor),
            None => publishers.push(Publisher {
                name,
                anchors: vec![anchor],
            }),
        }
    }
    let separator = html_text(ui.get("list_separator"));
    let parts: Vec<String> = groups
        .into_iter()
        .map(|(firm, publishers)| {
            let firm = html_text(&firm);
            let cited = |name: &str, p: &Publisher| {
                format!("{name}<sup class=\"cite\">{}</sup>", p.anchors.join(", "))
            };
            match publishers.as_slice() {
                [only] if only.name == OWN_RELEASE => cited(&firm, only),
                _ => {
                    let list: Vec<String> = publishers
                        .iter()
                        .map(|p| cited(&html_text(shown_publisher(&p.name, ui)), p))
                        .collect();
                    ui.fill_html(
                        "firm_via",
                        &[("firm", &firm), ("publishers", &list.join(&separator))],
                    )
                }
            }
        })
        .collect();
    source_paragraph(ui, credits, &parts)
}

const OWN_RELEASE: &str = "own release";

fn kind_class(kind: ChartKind) -> &'static str {
    match kind {
        ChartKind::Line => "line",
        ChartKind::Bar => "bar",
        ChartKind::HBar => "hbar",
        ChartKind::Stacked => "stacked",
        ChartKind::Stacked100 => "stacked100",
        ChartKind::Donut => "donut",
        ChartKind::Sparkline => "sparkline",
    }
}

/// The chart's values as a table, folded away under "Data table" when `folded`.
fn data_table(data: &ChartData, csv_href: &str, folded: bool, ui: &Ui) -> String {
    let mut t = if folded {
        format!(
            "<details class=\"chart-data\"><summary>{}</summary>\n",
            html_text(ui.get("data_table"))
        )
    } else {
        String::new()
    };
    let unit = data.unit.axis_label_in(data.language);
    let heading =
        |column: &str| html_text(&ui.fill("column_unit", &[("column", column), ("unit", unit)]));
    t.push_str(&format!(
        "<table>\n<thead><tr><th scope=\"col\">{}</th>",
        html_text(ui.get("period"))
    ));
    for s in &data.series {
        t.push_str(&format!("<th scope=\"col\">{}</th>", heading(&s.label)));
    }
    let whole = data.kind.needs_one_whole();
    if whole {
        t.push_str(&format!(
            "<th scope=\"col\">{}</th>",
            heading(data.rest_label())
        ));
    }
    t.push_str("</tr></thead>\n<tbody>\n");
    let not_published = html_text(ui.get("not_published"));
    for (i, (period, row)) in data.periods.iter().zip(&data.period_rows).enumerate() {
        t.push_str(&format!(
            "<tr><th scope=\"row\">{}</th>",
            html_text(&data.period_label(*period))
        ));
        for s in &data.series {
            let cell = row.and_then(|r| r.cells.get(s.column)?.as_ref());
            match cell {
                Some(v) => t.push_str(&format!(
                    "<td>{}</td>",
                    html_text(&data.dataset.format_value(s.column, v.number, v.qualifier))
                )),
                None => t.push_str(&format!("<td class=\"missing\">{not_published}</td>")),
            }
        }
        if whole {
            match data.remainder(i) {
                Some(rest) => t.push_str(&format!(
                    "<td>{}</td>",
                    html_text(&data.format_unit(rest, data.remainder_decimals(i)))
                )),
                None => t.push_str("<td class=\"missing\">–</td>"),
            }
        }
        t.push_str("</tr>\n");
    }
    t.push_str(&format!(
        "</tbody>\n</table>\n<p><a href=\"{}\" download>{}</a></p>\n",
        url(csv_href),
        html_text(ui.get("download_csv"))
    ));
    if folded {
        t.push_str("</details>\n");
    }
    t
}
