//! A chart as a page shows it: title, the SVG in its wide and narrow variants, a legend
//! where series are not labelled directly, caption, a source line that credits each firm via
//! the pages its values were read on, the data table and the CSV download.

use super::charts::{ChartData, Variant, legend, render_svg};
use super::citations::Citations;
use crate::escape::{html_text, url};
use crate::model::{ChartKind, ChartSpec, Credit, Data, OutputFile};
use crate::routes;

/// A chart as a page shows it.
pub struct Figure {
    pub html: String,
    /// The chart's data as CSV, linked from the figure.
    pub csv: OutputFile,
    /// The SVG images drawn, as they stand in `html`.
    pub drawn: Vec<String>,
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
    id: &str,
    root: &str,
    feed_page: Option<&str>,
) -> Result<Figure, String> {
    let dataset = data
        .dataset(&spec.data.id)
        .ok_or_else(|| format!("dataset `{}` is not in the site", spec.data.id))?;
    let chart = ChartData::resolve(spec, dataset, &data.vendors);
    let mut html = format!(
        "<figure class=\"chart chart-{}\" id=\"{id}\">\n<figcaption class=\"chart-title\">{}</figcaption>\n",
        kind_class(spec.kind),
        html_text(&spec.title)
    );
    let drawn = match feed_page {
        Some(page) => {
            html.push_str(&format!(
                "<p>{} <a href=\"{}\">See the chart on its page</a>.</p>",
                html_text(&chart.describe()),
                url(&format!("{page}#{id}"))
            ));
            Vec::new()
        }
        None => {
            if spec.kind == ChartKind::Bar && chart.series.len() > 1 {
                html.push_str(&legend(&chart, id));
            }
            let drawn = draw(&chart, &spec.title, id)?;
            match drawn.as_slice() {
                [wide, narrow] => {
                    html.push_str("<div class=\"chart-frame\">\n");
                    html.push_str(wide);
                    html.push('\n');
                    html.push_str(narrow);
                    html.push_str("\n</div>");
                }
                images => images.iter().for_each(|svg| html.push_str(svg)),
            }
            drawn
        }
    };
    html.push('\n');
    if let Some(caption) = &spec.caption {
        html.push_str(&format!(
            "<p class=\"chart-caption\">{}</p>\n",
            html_text(caption)
        ));
    }
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
    html.push_str(&source_line(&credits, citations));
    let csv_path = routes::chart_csv(id);
    html.push_str(&data_table(
        &chart,
        &format!("{root}{csv_path}"),
        feed_page.is_none(),
    ));
    html.push_str("</figure>");
    let csv = OutputFile {
        path: csv_path,
        bytes: chart.csv().into_bytes(),
    };
    Ok(Figure { html, csv, drawn })
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
                    html_text(&p.name),
                    p.anchors.join(", ")
                )
            };
            match publishers.as_slice() {
                [only] if only.name == OWN_RELEASE => {
                    cited(only).replacen(OWN_RELEASE, &html_text(&firm), 1)
                }
                _ => {
                    let list: Vec<String> = publishers.iter().map(cited).collect();
                    format!("{} via {}", html_text(&firm), list.join(", "))
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
fn data_table(data: &ChartData, csv_href: &str, folded: bool) -> String {
    let mut t = String::from(if folded {
        "<details class=\"chart-data\"><summary>Data table</summary>\n"
    } else {
        ""
    });
    t.push_str("<table>\n<thead><tr><th scope=\"col\">Period</th>");
    for s in &data.series {
        t.push_str(&format!(
            "<th scope=\"col\">{} ({})</th>",
            html_text(&s.label),
            html_text(data.unit.axis_label())
        ));
    }
    let whole = data.kind.needs_one_whole();
    if whole {
        t.push_str(&format!(
            "<th scope=\"col\">Not broken out ({})</th>",
            html_text(data.unit.axis_label())
        ));
    }
    t.push_str("</tr></thead>\n<tbody>\n");
    for (i, (period, row)) in data.periods.iter().zip(&data.period_rows).enumerate() {
        t.push_str(&format!(
            "<tr><th scope=\"row\">{}</th>",
            html_text(&period.label())
        ));
        for s in &data.series {
            let cell = row.and_then(|r| r.cells.get(s.column)?.as_ref());
            match cell {
                Some(v) => t.push_str(&format!(
                    "<td>{}</td>",
                    html_text(&data.dataset.format_value(s.column, v.number, v.qualifier))
                )),
                None => t.push_str("<td class=\"missing\">not published</td>"),
            }
        }
        if whole {
            match data.remainder(i) {
                Some(rest) => t.push_str(&format!(
                    "<td>{}</td>",
                    html_text(&data.unit.format(rest, data.remainder_decimals(i)))
                )),
                None => t.push_str("<td class=\"missing\">–</td>"),
            }
        }
        t.push_str("</tr>\n");
    }
    t.push_str(&format!(
        "</tbody>\n</table>\n<p><a href=\"{}\" download>Download these values as CSV</a></p>\n",
        url(csv_href)
    ));
    if folded {
        t.push_str("</details>\n");
    }
    t
}
