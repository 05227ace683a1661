//! Rendering a validated body to HTML: figures printed from the data with their footnotes,
//! quotes and calculations, charts with their source lines and data tables, and markdown by
//! pulldown-cmark with unique heading ids. Validation has resolved every reference, but a
//! lookup that still fails, or a chart that cannot be drawn, is an error, never an empty spot.

use std::collections::BTreeSet;

use pulldown_cmark::{CowStr, Event, HeadingLevel, Parser, Tag, TagEnd};
use serde::Serialize;
use url::Url;

use super::citations::Citations;
use super::figure::{ChartPlace, Travelling, render_chart_figure};
use super::templates::Ui;
use crate::diagnostics::Loc;
use crate::escape::{html_attr, markdown_text};
use crate::model::{
    Calculation, Citation, Credit, Data, Edition, FigureRef, OutputFile, Segment, markdown_options,
};
use crate::routes;

/// A rendered body: its HTML, its headings and how many charts it drew.
pub struct RenderedBody {
    pub html: String,
    pub headings: Vec<Heading>,
    pub charts: usize,
    /// Files the body links to: one CSV per chart.
    pub files: Vec<OutputFile>,
    /// The SVG images of its charts, as they stand in `html`.
    pub drawn: Vec<String>,
    /// What each chart's own page and images are made of, once per chart.
    pub travel: Vec<Travelling>,
}

/// A heading of a body, with the id it was given.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Heading {
    pub level: u8,
    pub id: String,
    pub text: String,
}

/// What stopped a body from rendering, and where in its file that part was written.
#[derive(Debug)]
pub struct BodyError {
    pub message: String,
    pub at: Loc,
}

/// Where a body's charts get their ids and its links their way back to the site root.
pub struct BodyPlace<'p> {
    /// Keeps chart ids unique on the page: charts are `{chart_prefix}1`, `{chart_prefix}2`…
    pub chart_prefix: &'p str,
    /// The relative path from the page to the site root, for links to chart CSVs; the
    /// site's address when the body goes into the feed.
    pub root: &'p str,
    /// When the body goes into the feed: the address of its page. Its links are made
    /// absolute against it and its charts come as description and table; the page itself
    /// makes the charts' files.
    pub feed_page: Option<&'p str>,
    /// The name chart ids start with on this page (`routes::chart_id`).
    pub document: &'p str,
    /// The site's name and address, which copies of a chart carry.
    pub site_title: &'p str,
    pub base_url: &'p str,
    /// The edition the body is shown in, and its words.
    pub edition: &'p Edition,
    pub ui: &'p Ui,
}

/// Renders a validated body against the site's data.
pub fn render_body(
    segments: &[Segment],
    data: &Data,
    citations: &mut Citations,
    place: &BodyPlace,
) -> Result<RenderedBody, BodyError> {
    let mut markdown = String::new();
    let mut charts = Vec::new();
    let mut files = Vec::new();
    let mut drawn = Vec::new();
    let mut travel = Vec::new();
    let mut made = BTreeSet::new();
    for segment in segments {
        match segment {
            Segment::Markdown(text) => markdown.push_str(text),
            Segment::Figure(figure) => {
                markdown.push_str(&render_figure(figure, data, citations, place)?)
            }
            Segment::Cite(citation) => {
                let credit = credit_of(data, citation)?;
                let secondhand = credit.source.kind.is_secondhand();
                markdown.push_str(&citations.marker(credit, secondhand));
            }
            Segment::Quote(quote) => {
                let credit = credit_of(data, &quote.citation)?;
                let secondhand = credit.source.kind.is_secondhand();
                // Quoted words are the page's own, in its language: marked where that is not
                // the edition's.
                let lang = place
                    .edition
                    .foreign_tag(credit.source)
                    .map(|tag| format!(" lang=\"{}\"", html_attr(tag)))
                    .unwrap_or_default();
                markdown.push_str(&format!(
                    "<q class=\"quoted\"{lang}>{}</q>{}",
                    markdown_text(&quote.text),
                    citations.marker(credit, secondhand)
                ));
            }
            Segment::Calc(calc) => {
                markdown.push_str(&render_calculation(calc, data, citations, place)?)
            }
            Segment::Chart(spec) => {
                let anchor = format!("{}{}", place.chart_prefix, charts.len() + 1);
                let id = routes::id_of_chart(place.document, spec);
                let chart_place = ChartPlace {
                    anchor: &anchor,
                    id: &id,
                    root: place.root,
                    feed_page: place.feed_page,
                    site_title: place.site_title,
                    base_url: place.base_url,
                    edition: place.edition,
                    ui: place.ui,
                };
                let figure = render_chart_figure(spec, data, citations, &chart_place).map_err(
                    |problem| BodyError {
                        message: format!("the chart `{}` cannot be drawn: {problem}", spec.title),
                        at: spec.at,
                    },
                )?;
                charts.push(figure.html);
                // The same chart twice on a page (validation allows no other repeat) makes
                // its files once.
                if place.feed_page.is_none() && made.insert(id) {
                    files.push(figure.csv);
                    travel.extend(figure.travel);
                }
                drawn.extend(figure.drawn);
                markdown.push_str(&format!(
                    "\n\n<div data-chart=\"{}\"></div>\n\n",
                    charts.len() - 1
                ));
            }
        }
    }
    let base = place.feed_page.and_then(|page| Url::parse(page).ok());
    let (mut html, headings) = markdown_to_html(&markdown, base.as_ref());
    for (i, chart) in charts.iter().enumerate() {
        html = html.replacen(&format!("<div data-chart=\"{i}\"></div>"), chart, 1);
    }
    Ok(RenderedBody {
        html,
        headings,
        charts: if place.feed_page.is_some() {
            0
        } else {
            charts.len()
        },
        files,
        drawn,
        travel,
    })
}

fn credit_of<'d>(data: &'d Data, citation: &'d Citation) -> Result<Credit<'d>, BodyError> {
    data.credit(&citation.source.id, citation.firm.as_ref())
        .ok_or_else(|| BodyError {
            message: format!("source `{}` is not in the site", citation.source.id),
            at: citation.source.at,
        })
}

/// pulldown-cmark with ids on every heading (it makes none itself), unique on the page.
/// A body's markdown as HTML, each heading given an id, and its headings. With `base`,
/// every link and image is made absolute against it.
fn markdown_to_html(markdown: &str, base: Option<&Url>) -> (String, Vec<Heading>) {
    let events: Vec<Event> = Parser::new_ext(markdown, markdown_options())
        .map(|event| match base {
            Some(base) => absolute(event, base),
            None => event,
        })
        .collect();
    let mut out_events = Vec::with_capacity(events.len());
    let mut used = BTreeSet::new();
    let mut headings = Vec::new();
    for (i, event) in events.iter().enumerate() {
        let Event::Start(Tag::Heading {
            level,
            id: given,
            classes,
            attrs,
        }) = event
        else {
            out_events.push(event.clone());
            continue;
        };
        let mut text = String::new();
        for e in &events[i + 1..] {
            match e {
                Event::End(TagEnd::Heading(_)) => break,
                Event::Text(t) | Event::Code(t) => text.push_str(t),
                _ => {}
            }
        }
        // An id written with the heading (`## Title {#id}`, as a translation carries its
        // original's) is kept as it is.
        let slug = match given {
            Some(id) => {
                used.insert(id.to_string());
                id.to_string()
            }
            None => routes::unique_slug(&text, &mut used),
        };
        headings.push(Heading {
            level: heading_number(*level),
            id: slug.clone(),
            text,
        });
        out_events.push(Event::Start(Tag::Heading {
            level: *level,
            id: Some(slug.into()),
            classes: classes.clone(),
            attrs: attrs.clone(),
        }));
    }
    let mut html = String::with_capacity(markdown.len() * 3 / 2);
    pulldown_cmark::html::push_html(&mut html, out_events.into_iter());
    (html, headings)
}

/// A link or image with its destination made absolute against `base`; any other event as
/// it is. A destination the URL parser cannot read stays as written.
fn absolute<'e>(event: Event<'e>, base: &Url) -> Event<'e> {
    let resolve = |dest: CowStr<'e>| match base.join(&dest) {
        Ok(url) => CowStr::from(url.to_string()),
        Err(_) => dest,
    };
    match event {
        Event::Start(Tag::Link {
            link_type,
            dest_url,
            title,
            id,
        }) => Event::Start(Tag::Link {
            link_type,
            dest_url: resolve(dest_url),
            title,
            id,
        }),
        Event::Start(Tag::Image {
            link_type,
            dest_url,
            title,
            id,
        }) => Event::Start(Tag::Image {
            link_type,
            dest_url: resolve(dest_url),
            title,
            id,
        }),
        event => event,
    }
}

fn heading_number(level: HeadingLevel) -> u8 {
    match level {
        HeadingLevel::H1 => 1,
        HeadingLevel::H2 => 2,
        HeadingLevel::H3 => 3,
        HeadingLevel::H4 => 4,
        HeadingLevel::H5 => 5,
        HeadingLevel::H6 => 6,
    }
}

fn no_value(figure: &FigureRef) -> BodyError {
    BodyError {
        message: format!(
            "`{}.{}` has no value for {}",
            figure.dataset.id, figure.column.id, figure.period
        ),
        at: figure.at,
    }
}

/// The markdown-free HTML for one inline figure.
fn render_figure(
    figure: &FigureRef,
    data: &Data,
    citations: &mut Citations,
    place: &BodyPlace,
) -> Result<String, BodyError> {
    let (dataset, column, value) = data.figure(figure).ok_or_else(|| no_value(figure))?;
    let version = value.version_from(figure.source.as_ref().map(|s| s.id.as_str()));
    let text = dataset.format_value(column, version.number, version.qualifier);
    let label = dataset.columns.get(column).map_or("", |c| c.label.as_str());
    let title = place.ui.fill(
        "figure_when",
        &[
            ("figure", label),
            ("period", &place.edition.language.period(figure.period)),
        ],
    );
    Ok(format!(
        "<span class=\"figure\" title=\"{}\">{}</span>{}",
        html_attr(&title),
        markdown_text(&text),
        citations.value_marker(data, value, &version)
    ))
}

/// A calculated figure, marked as the site's own arithmetic, with the footnotes of every
/// value it was calculated from.
fn render_calculation(
    calc: &Calculation,
    data: &Data,
    citations: &mut Citations,
    place: &BodyPlace,
) -> Result<String, BodyError> {
    let ui = place.ui;
    let text = data.calculate(calc).map_err(|problem| BodyError {
        message: format!("cannot calculate this figure: {problem}"),
        at: calc.at,
    })?;
    let mut inputs = Vec::new();
    let mut markers: Vec<String> = Vec::new();
    for figure in calc.expr.figures() {
        let (dataset, column, value) = data.figure(figure).ok_or_else(|| no_value(figure))?;
        let version = value.version_from(figure.source.as_ref().map(|s| s.id.as_str()));
        inputs.push(ui.fill(
            "calculation_input",
            &[
                (
                    "figure",
                    dataset.columns.get(column).map_or("", |c| c.label.as_str()),
                ),
                ("period", &place.edition.language.period(figure.period)),
                (
                    "value",
                    &dataset.format_value(column, version.number, version.qualifier),
                ),
            ],
        ));
        let marker = citations.value_marker(data, value, &version);
        if !markers.contains(&marker) {
            markers.push(marker);
        }
    }
    let title = ui.fill(
        "calculated_from",
        &[("inputs", &inputs.join(ui.get("group_separator")))],
    );
    Ok(format!(
        "<span class=\"figure calculated\" title=\"{}\">{}</span>{}",
        html_attr(&title),
        markdown_text(&text),
        markers.join("")
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headings_get_unique_ids() {
        let (html, headings) =
            markdown_to_html("## What changed\n\ntext\n\n## What changed\n", None);
        assert!(html.contains("<h2 id=\"what-changed\">"), "{html}");
        assert!(html.contains("<h2 id=\"what-changed-2\">"), "{html}");
        assert_eq!(
            headings[1],
            Heading {
                level: 2,
                id: "what-changed-2".to_string(),
                text: "What changed".to_string()
            }
        );
    }

    #[test]
    fn for_the_feed_every_link_and_image_is_absolute() {
        let base = Url::parse("https://example.org/s/briefings/2023-q3.html").unwrap();
        let (html, _) = markdown_to_html(
            "[m](../methodology.html#growth) [q](2023-q2.html) [f](#spend) [e](https://else.where/x) ![i](../static/a.png) [mail](mailto:a@b.c)",
            Some(&base),
        );
        for href in [
            "href=\"https://example.org/s/methodology.html#growth\"",
            "href=\"https://example.org/s/briefings/2023-q2.html\"",
            "href=\"https://example.org/s/briefings/2023-q3.html#spend\"",
            "href=\"https://else.where/x\"",
            "src=\"https://example.org/s/static/a.png\"",
            "href=\"mailto:a@b.c\"",
        ] {
            assert!(html.contains(href), "{href} in {html}");
        }
        let (page, _) = markdown_to_html("[m](../methodology.html)", None);
        assert!(page.contains("href=\"../methodology.html\""), "{page}");
    }
}
