//! Rendering a validated body to HTML: figures printed from the data with their footnotes,
//! quotes and calculations, charts with their source lines and data tables, and markdown by
//! pulldown-cmark with unique heading ids.

use std::collections::BTreeSet;

use pulldown_cmark::{Event, HeadingLevel, Parser, Tag, TagEnd};

use super::charts::{ChartData, Variant, render_svg};
use super::citations::Citations;
use crate::escape::escape;
use crate::model::{
    Calculation, ChartKind, ChartSpec, Credit, Data, FigureRef, OutputFile, Segment,
    markdown_options,
};
use crate::routes;

/// A rendered body: its HTML, its headings (level, id, text) and how many charts it drew.
pub struct RenderedBody {
    pub html: String,
    pub headings: Vec<(u8, String, String)>,
    pub charts: usize,
    /// Files the body links to: one CSV per chart.
    pub files: Vec<OutputFile>,
}

/// Renders a validated body. `chart_prefix` keeps chart ids unique on the page; `root` is
/// the relative path from the page to the site root, for links to chart CSVs.
pub fn render_body(
    segments: &[Segment],
    data: &Data,
    citations: &mut Citations,
    chart_prefix: &str,
    root: &str,
) -> RenderedBody {
    let mut markdown = String::new();
    let mut charts = Vec::new();
    let mut files = Vec::new();
    for segment in segments {
        match segment {
            Segment::Markdown(text) => markdown.push_str(text),
            Segment::Figure(figure) => markdown.push_str(&render_figure(figure, data, citations)),
            Segment::Cite(citation) => {
                if let Some(credit) = data.credit(&citation.source.id, citation.firm.as_ref()) {
                    let secondhand = credit.source.kind.is_secondhand();
                    markdown.push_str(&citations.marker(credit, secondhand));
                }
            }
            Segment::Quote(quote) => {
                let citation = &quote.citation;
                if let Some(credit) = data.credit(&citation.source.id, citation.firm.as_ref()) {
                    let secondhand = credit.source.kind.is_secondhand();
                    markdown.push_str(&format!(
                        "<q class=\"quoted\">{}</q>{}",
                        escape(&quote.text),
                        citations.marker(credit, secondhand)
                    ));
                }
            }
            Segment::Calc(calc) => markdown.push_str(&render_calculation(calc, data, citations)),
            Segment::Chart(spec) => {
                let id = format!("{chart_prefix}{}", charts.len() + 1);
                if let Some((html, csv)) = render_chart_figure(spec, data, citations, &id, root) {
                    charts.push(html);
                    files.push(csv);
                    markdown.push_str(&format!(
                        "\n\n<div data-chart=\"{}\"></div>\n\n",
                        charts.len() - 1
                    ));
                }
            }
        }
    }
    let (mut html, headings) = markdown_to_html(&markdown);
    for (i, chart) in charts.iter().enumerate() {
        html = html.replacen(&format!("<div data-chart=\"{i}\"></div>"), chart, 1);
    }
    RenderedBody {
        html,
        headings,
        charts: charts.len(),
        files,
    }
}

/// pulldown-cmark with ids on every heading (it makes none itself), unique on the page.
fn markdown_to_html(markdown: &str) -> (String, Vec<(u8, String, String)>) {
    let events: Vec<Event> = Parser::new_ext(markdown, markdown_options()).collect();
    let mut out_events = Vec::with_capacity(events.len());
    let mut used = BTreeSet::new();
    let mut headings = Vec::new();
    let mut i = 0;
    while i < events.len() {
        if let Event::Start(Tag::Heading {
            level,
            id: None,
            classes,
            attrs,
        }) = &events[i]
        {
            let mut text = String::new();
            for e in &events[i + 1..] {
                match e {
                    Event::End(TagEnd::Heading(_)) => break,
                    Event::Text(t) | Event::Code(t) => text.push_str(t),
                    _ => {}
                }
            }
            let base = routes::slug(&text);
            let mut slug = base.clone();
            let mut n = 2;
            while !used.insert(slug.clone()) {
                slug = format!("{base}-{n}");
                n += 1;
            }
            headings.push((heading_number(*level), slug.clone(), text));
            out_events.push(Event::Start(Tag::Heading {
                level: *level,
                id: Some(slug.into()),
                classes: classes.clone(),
                attrs: attrs.clone(),
            }));
        } else {
            out_events.push(events[i].clone());
        }
        i += 1;
    }
    let mut html = String::with_capacity(markdown.len() * 3 / 2);
    pulldown_cmark::html::push_html(&mut html, out_events.into_iter());
    (html, headings)
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

/// The markdown-free HTML for one inline figure (validated, so every lookup succeeds).
fn render_figure(figure: &FigureRef, data: &Data, citations: &mut Citations) -> String {
    let Some(dataset) = data.dataset(&figure.dataset.id) else {
        return String::new();
    };
    let Some(column) = dataset.column_index(&figure.column.id) else {
        return String::new();
    };
    let Some(value) = dataset.value(column, figure.period) else {
        return String::new();
    };
    let version = value.version_from(figure.source.as_ref().map(|s| s.id.as_str()));
    let text = dataset.format_value(column, version.number, version.qualifier);
    format!(
        "<span class=\"figure\" title=\"{}, {}\">{}</span>{}",
        escape(&dataset.columns[column].label),
        escape(&figure.period.label()),
        escape(&text),
        citations.value_marker(data, value, &version)
    )
}

/// A calculated figure, marked as the site's own arithmetic, with the footnotes of every
/// value it was calculated from.
fn render_calculation(calc: &Calculation, data: &Data, citations: &mut Citations) -> String {
    let Ok(text) = data.calculate(calc) else {
        return String::new();
    };
    let mut inputs = Vec::new();
    let mut markers: Vec<String> = Vec::new();
    for figure in calc.expr.figures() {
        let Some((dataset, column, value)) = data.figure(figure) else {
            continue;
        };
        let version = value.version_from(figure.source.as_ref().map(|s| s.id.as_str()));
        inputs.push(format!(
            "{}, {}: {}",
            dataset.columns[column].label,
            figure.period.label(),
            dataset.format_value(column, version.number, version.qualifier)
        ));
        let marker = citations.value_marker(data, value, &version);
        if !markers.contains(&marker) {
            markers.push(marker);
        }
    }
    format!(
        "<span class=\"figure calculated\" title=\"Calculated by the editors from {}\">{}</span>{}",
        escape(&inputs.join("; ")),
        escape(&text),
        markers.join("")
    )
}

/// "Sources: Canalys via SCMP¹, The Register²; Omdia via Nestia (repost)³." Pages are
/// grouped by the firm credited for the values drawn, in the order the values use them; a
/// firm's own release needs no "via", and a second-hand page says what it is.
fn source_line(credits: &[(Credit, bool)], citations: &mut Citations) -> String {
    struct Publisher {
        name: String,
        anchors: Vec<String>,
    }
    let mut groups: Vec<(String, Vec<Publisher>)> = Vec::new();
    for (credit, secondhand_only) in credits {
        let source = credit.source;
        let name = if credit.firm == source.publisher {
            OWN_RELEASE.to_string()
        } else {
            match source.kind.label() {
                Some(label) if source.kind.is_secondhand() => {
                    format!("{} ({})", source.publisher, label.to_lowercase())
                }
                _ => source.publisher.clone(),
            }
        };
        let anchor = citations.anchor(*credit, *secondhand_only);
        let index = match groups.iter().position(|(f, _)| f == credit.firm) {
            Some(i) => i,
            None => {
                groups.push((credit.firm.to_string(), Vec::new()));
                groups.len() - 1
            }
        };
        let publishers = &mut groups[index].1;
        match publishers.iter_mut().find(|p| p.name == name) {
            Some(p) => p.anchors.push(anchor),
            None => publishers.push(Publisher {
                name,
                anchors: vec![anchor],
            }),
        }
    }
    let parts: Vec<String> = groups
        .into_iter()
        .map(|(firm, publishers)| {
            let cited = |p: &Publisher| {
                format!(
                    "{}<sup class=\"cite\">{}</sup>",
                    escape(&p.name),
                    p.anchors.join(", ")
                )
            };
            match publishers.as_slice() {
                [only] if only.name == OWN_RELEASE => {
                    cited(only).replacen(OWN_RELEASE, &escape(&firm), 1)
                }
                _ => {
                    let list: Vec<String> = publishers.iter().map(cited).collect();
                    format!("{} via {}", escape(&firm), list.join(", "))
                }
            }
        })
        .collect();
    format!(
        "<p class=\"chart-source\">{}: {}.</p>\n",
        if credits.len() == 1 {
            "Source"
        } else {
            "Sources"
        },
        parts.join("; ")
    )
}

const OWN_RELEASE: &str = "own release";

/// A chart with everything beside it: title, the SVG (wide and narrow), a legend where
/// series are not labelled directly, caption, source line, data table and CSV download.
fn render_chart_figure(
    spec: &ChartSpec,
    data: &Data,
    citations: &mut Citations,
    id: &str,
    root: &str,
) -> Option<(String, OutputFile)> {
    let dataset = data.dataset(&spec.data.id)?;
    let chart = ChartData::resolve(spec, dataset, &data.vendors);
    let mut html = format!(
        "<figure class=\"chart chart-{}\" id=\"{id}\">\n<figcaption class=\"chart-title\">{}</figcaption>\n",
        kind_class(spec.kind),
        escape(&spec.title)
    );
    if spec.kind == ChartKind::Bar && chart.series.len() > 1 {
        html.push_str(&legend(&chart, id));
    }
    if spec.kind == ChartKind::Sparkline {
        html.push_str(&render_svg(&chart, &spec.title, id, Variant::Spark));
    } else {
        html.push_str("<div class=\"chart-frame\">\n");
        html.push_str(&render_svg(
            &chart,
            &spec.title,
            &format!("{id}-w"),
            Variant::Wide,
        ));
        html.push('\n');
        html.push_str(&render_svg(
            &chart,
            &spec.title,
            &format!("{id}-n"),
            Variant::Narrow,
        ));
        html.push_str("\n</div>");
    }
    html.push('\n');
    if let Some(caption) = &spec.caption {
        html.push_str(&format!(
            "<p class=\"chart-caption\">{}</p>\n",
            escape(caption)
        ));
    }
    // The source line names exactly the pages and firms of the values drawn.
    let mut credits: Vec<(Credit, bool)> = Vec::new();
    for s in &chart.series {
        for row in chart.rows {
            let Some(Some(v)) = row.cells.get(s.column) else {
                continue;
            };
            let Some(credit) = data.credit(&v.source.id, v.firm.as_ref()) else {
                continue;
            };
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
    html.push_str(&source_line(&credits, citations));
    let csv_path = routes::chart_csv(id);
    html.push_str(&data_table(&chart, &format!("{root}{csv_path}")));
    html.push_str("</figure>");
    let csv = OutputFile {
        path: csv_path,
        bytes: chart.csv().into_bytes(),
    };
    Some((html, csv))
}

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

/// A legend whose swatches carry the same colour and fill pattern as the bars.
fn legend(data: &ChartData, id: &str) -> String {
    let mut html = String::from("<ul class=\"legend\">");
    for (i, s) in data.series.iter().enumerate() {
        let prefix = format!("{id}-k{i}");
        let defs = if i == 0 {
            String::new()
        } else {
            format!("<defs>{}</defs>", super::charts::pattern(&prefix, i, s))
        };
        let fill = if i == 0 {
            s.colour.clone()
        } else {
            format!("url(#{prefix}-p{i})")
        };
        let class = if i == 0 { "bar" } else { "bar-p" };
        html.push_str(&format!(
            "<li><svg class=\"swatch\" viewBox=\"0 0 12 12\" aria-hidden=\"true\">{defs}<rect class=\"{class} {}\" width=\"12\" height=\"12\" fill=\"{fill}\"/></svg>{}</li>",
            s.class,
            escape(&s.label)
        ));
    }
    html.push_str("</ul>\n");
    html
}

fn data_table(data: &ChartData, csv_href: &str) -> String {
    let mut t = String::from(
        "<details class=\"chart-data\"><summary>Data table</summary>\n<table>\n<thead><tr><th scope=\"col\">Period</th>",
    );
    for s in &data.series {
        t.push_str(&format!(
            "<th scope=\"col\">{} ({})</th>",
            escape(&s.label),
            escape(data.unit.axis_label())
        ));
    }
    let whole = data.kind.needs_one_whole();
    if whole {
        t.push_str(&format!(
            "<th scope=\"col\">Not broken out ({})</th>",
            escape(data.unit.axis_label())
        ));
    }
    t.push_str("</tr></thead>\n<tbody>\n");
    for (i, (period, row)) in data.periods.iter().zip(&data.period_rows).enumerate() {
        t.push_str(&format!(
            "<tr><th scope=\"row\">{}</th>",
            escape(&period.label())
        ));
        for s in &data.series {
            let cell = row.and_then(|r| r.cells.get(s.column)?.as_ref());
            match cell {
                Some(v) => t.push_str(&format!(
                    "<td>{}</td>",
                    escape(&data.dataset.format_value(s.column, v.number, v.qualifier))
                )),
                None => t.push_str("<td class=\"missing\">not published</td>"),
            }
        }
        if whole {
            match data.remainder(i) {
                Some(rest) => t.push_str(&format!(
                    "<td>{}</td>",
                    escape(&data.unit.format(rest, data.remainder_decimals(i)))
                )),
                None => t.push_str("<td class=\"missing\">–</td>"),
            }
        }
        t.push_str("</tr>\n");
    }
    t.push_str(&format!(
        "</tbody>\n</table>\n<p><a href=\"{}\" download>Download these values as CSV</a></p>\n</details>\n",
        escape(csv_href)
    ));
    t
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headings_get_unique_ids() {
        let (html, headings) = markdown_to_html("## What changed\n\ntext\n\n## What changed\n");
        assert!(html.contains("<h2 id=\"what-changed\">"), "{html}");
        assert!(html.contains("<h2 id=\"what-changed-2\">"), "{html}");
        assert_eq!(headings.len(), 2);
    }
}
