//! Markdown bodies: splitting them into prose, figure references, citations and chart
//! blocks (at parse time, so `check` sees every problem), and rendering them to HTML with
//! pulldown-cmark once the site is validated.

use std::collections::BTreeSet;

use pulldown_cmark::{CodeBlockKind, Event, HeadingLevel, Options, Parser, Tag, TagEnd};

use crate::charts::{ChartData, Variant, render_svg};
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::html::{escape, slugify};
use crate::load::SourceFile;
use crate::model::{ChartKind, ChartSpec, FigureRef, Loc, Ref, Segment};
use crate::period::Period;
use crate::render::OutputFile;
use crate::validate::Site;
use crate::yaml::{NodeKind, Reader, parse_yaml};

fn markdown_options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_SMART_PUNCTUATION
}

/// Splits a body (which starts at byte `offset` of `file`) into segments.
pub fn split_body(
    file: &SourceFile,
    body: &str,
    offset: usize,
    diagnostics: &mut Diagnostics,
) -> Vec<Segment> {
    // Code is left alone: `{{` inside code is text, and only ```chart blocks become charts.
    let mut code: Vec<(std::ops::Range<usize>, Option<String>)> = Vec::new();
    let mut in_chart: Option<(usize, String)> = None;
    for (event, range) in Parser::new_ext(body, markdown_options()).into_offset_iter() {
        match event {
            Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(info))) if info.trim() == "chart" => {
                in_chart = Some((range.start, String::new()));
            }
            Event::Text(text) if in_chart.is_some() => {
                if let Some((_, yaml)) = in_chart.as_mut() {
                    yaml.push_str(&text);
                }
            }
            Event::End(TagEnd::CodeBlock) if in_chart.is_some() => {
                if let Some((start, yaml)) = in_chart.take() {
                    code.push((start..range.end, Some(yaml)));
                }
            }
            Event::Start(Tag::CodeBlock(_))
            | Event::Code(_)
            | Event::Html(_)
            | Event::InlineHtml(_) => {
                code.push((range, None));
            }
            _ => {}
        }
    }
    code.sort_by_key(|(r, _)| r.start);
    // Nested ranges (a code block's own events) collapse into the outer one.
    let mut merged: Vec<(std::ops::Range<usize>, Option<String>)> = Vec::new();
    for (range, chart) in code {
        match merged.last_mut() {
            Some((last, _)) if range.start < last.end => last.end = last.end.max(range.end),
            _ => merged.push((range, chart)),
        }
    }

    let mut segments = Vec::new();
    let mut cursor = 0;
    for (range, chart) in merged {
        if let Some(yaml) = chart {
            split_prose(
                file,
                body,
                cursor..range.start,
                offset,
                &mut segments,
                diagnostics,
            );
            let (fence_line, _) = crate::diagnostics::line_column(&file.text, offset + range.start);
            if let Some(spec) = parse_chart(file, &yaml, fence_line, diagnostics) {
                segments.push(Segment::Chart(spec));
            }
            cursor = range.end;
        } else {
            split_prose(
                file,
                body,
                cursor..range.start,
                offset,
                &mut segments,
                diagnostics,
            );
            if let Some(text) = body.get(range.start.max(cursor)..range.end) {
                segments.push(Segment::Markdown(text.to_string()));
            }
            cursor = cursor.max(range.end);
        }
    }
    split_prose(
        file,
        body,
        cursor..body.len(),
        offset,
        &mut segments,
        diagnostics,
    );
    segments
}

/// Finds `{{ … }}` references in a stretch of prose.
fn split_prose(
    file: &SourceFile,
    body: &str,
    range: std::ops::Range<usize>,
    offset: usize,
    segments: &mut Vec<Segment>,
    diagnostics: &mut Diagnostics,
) {
    let Some(text) = body.get(range.clone()) else {
        return;
    };
    let mut rest = 0;
    while let Some(open) = text[rest..].find("{{").map(|i| i + rest) {
        let Some(close) = text[open..].find("}}").map(|i| i + open) else {
            let at = offset + range.start + open;
            diagnostics.push(
                Diagnostic::error(&file.path, "unclosed `{{`")
                    .at_offset(&file.text, at, 2)
                    .with_hint("close the reference with `}}`, e.g. `{{market.spend@2023-Q3}}`"),
            );
            break;
        };
        if open > rest {
            segments.push(Segment::Markdown(text[rest..open].to_string()));
        }
        let inner = &text[open + 2..close];
        let at_byte = offset + range.start + open;
        let (line, column) = crate::diagnostics::line_column(&file.text, at_byte);
        let loc = Loc {
            line,
            column,
            len: text[open..close + 2].chars().count(),
        };
        match parse_reference(inner, loc) {
            Ok(segment) => segments.push(segment),
            Err((message, hint)) => diagnostics.push(
                Diagnostic::error(&file.path, message)
                    .at(&file.text, loc.line, loc.column, loc.len)
                    .with_hint(hint),
            ),
        }
        rest = close + 2;
    }
    if rest < text.len() {
        segments.push(Segment::Markdown(text[rest..].to_string()));
    }
}

/// `cite SOURCE` or `DATASET.COLUMN@PERIOD[~SOURCE]`.
fn parse_reference(inner: &str, at: Loc) -> Result<Segment, (String, String)> {
    let inner = inner.trim();
    let usage = "write `{{dataset.column@2023-Q3}}`, `{{dataset.column@2023-Q3~source-id}}` or `{{cite source-id}}`";
    if let Some(id) = inner.strip_prefix("cite ") {
        return Ok(Segment::Cite(Ref {
            id: id.trim().to_string(),
            at,
        }));
    }
    let Some((name, rest)) = inner.split_once('@') else {
        return Err((
            format!("`{{{{{inner}}}}}` names no period"),
            usage.to_string(),
        ));
    };
    let Some((dataset, column)) = name.split_once('.') else {
        return Err((
            format!("`{name}` should be `dataset.column`"),
            usage.to_string(),
        ));
    };
    let (period_text, source) = match rest.split_once('~') {
        Some((p, s)) => (p, Some(s.trim())),
        None => (rest, None),
    };
    let period: Period = period_text
        .trim()
        .parse()
        .map_err(|e: crate::period::PeriodError| (e.0, usage.to_string()))?;
    Ok(Segment::Figure(FigureRef {
        dataset: Ref {
            id: dataset.trim().to_string(),
            at,
        },
        column: Ref {
            id: column.trim().to_string(),
            at,
        },
        period,
        source: source.map(|s| Ref {
            id: s.to_string(),
            at,
        }),
        at,
    }))
}

fn parse_chart(
    file: &SourceFile,
    yaml: &str,
    fence_line: usize,
    diagnostics: &mut Diagnostics,
) -> Option<ChartSpec> {
    let node = match parse_yaml(file, yaml, fence_line + 1) {
        Ok(node) => node,
        Err(d) => {
            diagnostics.push(*d);
            return None;
        }
    };
    let fence = Loc {
        line: fence_line,
        column: 1,
        len: 8,
    };
    let mut r = Reader::new(file, diagnostics);
    if !matches!(node.kind, NodeKind::Map(_)) {
        r.error_at(
            &node,
            "a chart block holds a YAML map",
            "write `kind:`, `title:`, `data:` and `y:` lines",
        );
        return None;
    }
    let entries = r.map(&node, "a chart");
    let f = r.fields(
        entries,
        &[
            "kind",
            "title",
            "data",
            "y",
            "from",
            "to",
            "period",
            "annotate",
            "reference",
            "caption",
        ],
        "a chart",
    );
    let at_fence = crate::yaml::Node {
        kind: NodeKind::Null,
        line: fence.line,
        column: 1,
        len: 8,
    };
    let kind = f
        .require("kind", &at_fence, &mut r, "the chart")
        .and_then(|n| {
            let text = r.text(n, "`kind`")?;
            let kind = ChartKind::parse(&text);
            if kind.is_none() {
                let hint = crate::diagnostics::suggestion(&text, "chart kind", ChartKind::NAMES);
                r.error_at(n, format!("unknown chart kind `{text}`"), hint);
            }
            kind
        });
    let title = f
        .require("title", &at_fence, &mut r, "the chart")
        .and_then(|n| r.text(n, "`title`"));
    let data = f
        .require("data", &at_fence, &mut r, "the chart")
        .and_then(|n| {
            Some(Ref {
                id: r.text(n, "`data`")?,
                at: Loc {
                    line: n.line,
                    column: n.column,
                    len: n.len,
                },
            })
        });
    let to_ref = |r: &mut Reader, n: &crate::yaml::Node| {
        Some(Ref {
            id: r.text(n, "a column")?,
            at: Loc {
                line: n.line,
                column: n.column,
                len: n.len,
            },
        })
    };
    let columns = f
        .require("y", &at_fence, &mut r, "the chart")
        .map(|n| match &n.kind {
            NodeKind::Seq(items) => items.iter().filter_map(|i| to_ref(&mut r, i)).collect(),
            _ => to_ref(&mut r, n).into_iter().collect::<Vec<_>>(),
        });
    let period = |r: &mut Reader, name: &str| {
        let n = f.get(name)?;
        let text = n.as_text()?;
        match text.parse::<Period>() {
            Ok(p) => Some((
                p,
                Loc {
                    line: n.line,
                    column: n.column,
                    len: n.len,
                },
            )),
            Err(e) => {
                r.error_at(n, e.0, "");
                None
            }
        }
    };
    let from = period(&mut r, "from");
    let to = period(&mut r, "to");
    let single = period(&mut r, "period");
    let mut annotations = Vec::new();
    if let Some(list) = f.get("annotate") {
        for item in r.seq(list, "`annotate`") {
            let entries = r.map(item, "an annotation");
            let af = r.fields(entries, &["period", "label"], "an annotation");
            let p = af
                .require("period", item, &mut r, "the annotation")
                .and_then(|n| {
                    let text = n.as_text()?;
                    match text.parse::<Period>() {
                        Ok(p) => Some((p, n)),
                        Err(e) => {
                            r.error_at(n, e.0, "");
                            None
                        }
                    }
                });
            let label = af
                .require("label", item, &mut r, "the annotation")
                .and_then(|n| r.text(n, "`label`"));
            if let (Some((period, n)), Some(label)) = (p, label) {
                annotations.push(crate::model::Annotation {
                    period,
                    label,
                    at: Loc {
                        line: n.line,
                        column: n.column,
                        len: n.len,
                    },
                });
            }
        }
    }
    let mut references = Vec::new();
    if let Some(list) = f.get("reference") {
        for item in r.seq(list, "`reference`") {
            let entries = r.map(item, "a reference line");
            let rf = r.fields(entries, &["value", "label"], "a reference line");
            let value = rf
                .require("value", item, &mut r, "the reference line")
                .and_then(|n| r.number(n, "`value`"));
            let label = rf
                .get("label")
                .and_then(|n| r.text(n, "`label`"))
                .unwrap_or_default();
            if let Some(value) = value {
                references.push(crate::model::ReferenceLine { value, label });
            }
        }
    }
    let caption = f.get("caption").and_then(|n| r.text(n, "`caption`"));
    Some(ChartSpec {
        kind: kind?,
        title: title?,
        caption,
        data: data?,
        columns: columns?,
        from,
        to,
        period: single,
        annotations,
        references,
        at: fence,
    })
}

/// What a page cites, numbered in order of first use; the list is printed at its foot.
#[derive(Debug, Default)]
pub struct Citations {
    pub sources: Vec<String>,
}

impl Citations {
    pub fn number(&mut self, id: &str) -> usize {
        match self.sources.iter().position(|s| s == id) {
            Some(i) => i + 1,
            None => {
                self.sources.push(id.to_string());
                self.sources.len()
            }
        }
    }

    fn marker(&mut self, id: &str) -> String {
        format!("<sup class=\"cite\">{}</sup>", self.anchor(id))
    }

    /// A footnote marker for `id`, numbered in this page's list of sources.
    pub fn marker_html(&mut self, id: &str) -> String {
        self.marker(id)
    }

    fn anchor(&mut self, id: &str) -> String {
        let n = self.number(id);
        format!(
            "<a href=\"#source-{}\" aria-label=\"Source {n}\">{n}</a>",
            escape(id)
        )
    }
}

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
    site: &Site,
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
            Segment::Figure(figure) => markdown.push_str(&render_figure(figure, site, citations)),
            Segment::Cite(source) => markdown.push_str(&citations.marker(&source.id)),
            Segment::Chart(spec) => {
                let id = format!("{chart_prefix}{}", charts.len() + 1);
                if let Some((html, csv)) = render_chart_figure(spec, site, citations, &id, root) {
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
            let base = slugify(&text);
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
fn render_figure(figure: &FigureRef, site: &Site, citations: &mut Citations) -> String {
    let Some(dataset) = site.dataset(&figure.dataset.id) else {
        return String::new();
    };
    let Some(column) = dataset.column_index(&figure.column.id) else {
        return String::new();
    };
    let Some(value) = dataset.value(column, figure.period) else {
        return String::new();
    };
    let (number, source, qualifier) = match &figure.source {
        Some(wanted) if wanted.id != value.source.id => {
            match value.also.iter().find(|a| a.source.id == wanted.id) {
                Some(alt) => (alt.number, &alt.source.id, alt.qualifier),
                None => (value.number, &value.source.id, value.qualifier),
            }
        }
        _ => (value.number, &value.source.id, value.qualifier),
    };
    let text = dataset.format_value(column, number, qualifier);
    format!(
        "<span class=\"figure\" title=\"{}, {}\">{}</span>{}",
        escape(&dataset.columns[column].label),
        escape(&figure.period.label()),
        escape(&text),
        citations.marker(source)
    )
}

/// "Sources: Canalys via SCMP¹, The Register²; Omdia via Nestia³." Sources are grouped by
/// the firm behind the figures, in the order the values use them.
/// A publisher and the footnote anchors of the pages of it that a chart cites.
type Cited = (String, Vec<String>);

fn source_line(ids: &[&str], site: &Site, citations: &mut Citations) -> String {
    let mut groups: Vec<(String, Vec<Cited>)> = Vec::new();
    for source in ids.iter().filter_map(|id| site.source(id)) {
        let firm = source
            .firm
            .clone()
            .unwrap_or_else(|| source.publisher.clone());
        let who = if firm == source.publisher {
            "own release".to_string()
        } else {
            source.publisher.clone()
        };
        let anchor = citations.anchor(&source.id);
        let index = match groups.iter().position(|(f, _)| *f == firm) {
            Some(i) => i,
            None => {
                groups.push((firm, Vec::new()));
                groups.len() - 1
            }
        };
        let publishers = &mut groups[index].1;
        match publishers.iter_mut().find(|(p, _)| *p == who) {
            Some((_, anchors)) => anchors.push(anchor),
            None => publishers.push((who, vec![anchor])),
        }
    }
    let parts: Vec<String> = groups
        .into_iter()
        .map(|(firm, publishers)| {
            let cited = |who: &str, anchors: &[String]| {
                format!(
                    "{}<sup class=\"cite\">{}</sup>",
                    escape(who),
                    anchors.join(", ")
                )
            };
            match publishers.as_slice() {
                // A firm's own release needs no "via".
                [(who, anchors)] if who == "own release" => cited(&firm, anchors),
                _ => {
                    let list: Vec<String> =
                        publishers.iter().map(|(who, a)| cited(who, a)).collect();
                    format!("{} via {}", escape(&firm), list.join(", "))
                }
            }
        })
        .collect();
    format!(
        "<p class=\"chart-source\">{}: {}.</p>\n",
        if ids.len() == 1 { "Source" } else { "Sources" },
        parts.join("; ")
    )
}

/// Where a chart's CSV is written, relative to the site root.
pub fn chart_csv_path(id: &str) -> String {
    format!("data/charts/{id}.csv")
}

/// A chart with everything beside it: title, the SVG (wide and narrow), a legend where
/// series are not labelled directly, caption, source line, data table and CSV download.
fn render_chart_figure(
    spec: &ChartSpec,
    site: &Site,
    citations: &mut Citations,
    id: &str,
    root: &str,
) -> Option<(String, OutputFile)> {
    let dataset = site.dataset(&spec.data.id)?;
    let data = ChartData::resolve(spec, dataset, &site.vendors);
    let mut html = format!(
        "<figure class=\"chart chart-{}\" id=\"{id}\">\n<figcaption class=\"chart-title\">{}</figcaption>\n",
        kind_class(spec.kind),
        escape(&spec.title)
    );
    if spec.kind == ChartKind::Bar && data.series.len() > 1 {
        html.push_str(&legend(&data, id));
    }
    if spec.kind == ChartKind::Sparkline {
        html.push_str(&render_svg(&data, &spec.title, id, Variant::Spark));
    } else {
        html.push_str("<div class=\"chart-frame\">\n");
        html.push_str(&render_svg(
            &data,
            &spec.title,
            &format!("{id}-w"),
            Variant::Wide,
        ));
        html.push('\n');
        html.push_str(&render_svg(
            &data,
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
    // The source line names exactly the sources of the values drawn.
    let mut sources: Vec<&str> = Vec::new();
    for s in &data.series {
        for row in data.rows {
            if let Some(Some(v)) = row.cells.get(s.column)
                && !sources.contains(&v.source.id.as_str())
            {
                sources.push(&v.source.id);
            }
        }
    }
    html.push_str(&source_line(&sources, site, citations));
    let csv_path = chart_csv_path(id);
    html.push_str(&data_table(&data, &format!("{root}{csv_path}")));
    html.push_str("</figure>");
    let csv = OutputFile {
        path: csv_path,
        bytes: data.csv().into_bytes(),
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
            format!("<defs>{}</defs>", crate::charts::pattern(&prefix, i, s))
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

    fn split(body: &str) -> (Vec<Segment>, Diagnostics) {
        let file = SourceFile::new("content/briefings/2023-q3.md", body);
        let mut d = Diagnostics::new();
        let segments = split_body(&file, body, 0, &mut d);
        (segments, d)
    }

    #[test]
    fn finds_figures_citations_and_charts_but_not_in_code() {
        let body = "Spend was {{market.spend@2023-Q3}} {{cite canalys}}.\n\n`{{not.this@2023-Q3}}`\n\n```chart\nkind: line\ntitle: T\ndata: market\ny: spend\n```\n\nEnd.\n";
        let (segments, d) = split(body);
        assert!(d.is_empty(), "{d}");
        let kinds: Vec<&str> = segments
            .iter()
            .map(|s| match s {
                Segment::Markdown(_) => "md",
                Segment::Figure(_) => "figure",
                Segment::Cite(_) => "cite",
                Segment::Chart(_) => "chart",
            })
            .collect();
        assert_eq!(
            kinds,
            [
                "md", "figure", "md", "cite", "md", "md", "md", "chart", "md"
            ]
        );
        let Segment::Figure(f) = &segments[1] else {
            panic!()
        };
        assert_eq!(
            (f.dataset.id.as_str(), f.column.id.as_str()),
            ("market", "spend")
        );
        assert_eq!((f.at.line, f.at.column), (1, 11));
        let Segment::Chart(c) = &segments[7] else {
            panic!()
        };
        assert_eq!(c.at.line, 5);
        assert_eq!(c.columns[0].at.line, 9, "chart YAML lines are file lines");
    }

    #[test]
    fn bad_references_are_reported_where_written() {
        let (_, d) =
            split("Line one.\nSpend {{market.spend@2023-Q5}} and {{market.spend}} and {{oops\n");
        let text = d.to_string();
        assert!(text.contains("2:7"), "{text}");
        assert!(text.contains("quarters run from Q1 to Q4"), "{text}");
        assert!(text.contains("names no period"), "{text}");
        assert!(text.contains("unclosed `{{`"), "{text}");
    }

    #[test]
    fn chart_block_errors_point_into_the_block() {
        let (_, d) = split("Intro\n\n```chart\nkind: pie\ntitle: T\ndata: market\ny: spend\n```\n");
        let text = d.to_string();
        assert!(text.contains("unknown chart kind `pie`"), "{text}");
        assert!(text.contains(":4:7"), "{text}");
    }

    #[test]
    fn headings_get_unique_ids() {
        let (html, headings) = markdown_to_html("## What changed\n\ntext\n\n## What changed\n");
        assert!(html.contains("<h2 id=\"what-changed\">"), "{html}");
        assert!(html.contains("<h2 id=\"what-changed-2\">"), "{html}");
        assert_eq!(headings.len(), 2);
    }
}
