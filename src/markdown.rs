//! Markdown bodies: splitting them into prose, figure references, citations and chart
//! blocks (at parse time, so `check` sees every problem), and rendering them to HTML with
//! pulldown-cmark once the site is validated.

use std::collections::BTreeSet;

use pulldown_cmark::{CodeBlockKind, Event, HeadingLevel, Options, Parser, Tag, TagEnd};

use crate::charts::{ChartData, Variant, render_svg};
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::html::{escape, slugify};
use crate::load::SourceFile;
use crate::model::{
    Calculation, ChartKind, ChartSpec, Citation, Expr, FigureRef, Link, Loc, Op, Quotation, Ref,
    Segment,
};
use crate::model::{Value, Version};
use crate::period::Period;
use crate::render::OutputFile;
use crate::validate::{Credit, Site};
use crate::yaml::{NodeKind, Reader, parse_yaml};

fn markdown_options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_SMART_PUNCTUATION
}

/// Splits a body (which starts at byte `offset` of `file`) into segments, and collects the
/// links it writes. Numbers typed into the prose are warned about here, where their
/// positions are known.
pub fn split_body(
    file: &SourceFile,
    body: &str,
    offset: usize,
    diagnostics: &mut Diagnostics,
) -> (Vec<Segment>, Vec<Link>) {
    // Code is left alone: `{{` inside code is text, and only ```chart blocks become charts.
    let mut code: Vec<(std::ops::Range<usize>, Option<String>)> = Vec::new();
    let mut in_chart: Option<(usize, String)> = None;
    let mut in_code = false;
    let mut prose: Vec<std::ops::Range<usize>> = Vec::new();
    let mut links = Vec::new();
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
            Event::Start(Tag::CodeBlock(_)) => {
                in_code = true;
                code.push((range, None));
            }
            Event::End(TagEnd::CodeBlock) => in_code = false,
            Event::Code(_) | Event::Html(_) | Event::InlineHtml(_) => {
                code.push((range, None));
            }
            Event::Text(_) if !in_code => prose.push(range),
            Event::Start(Tag::Link { dest_url, .. }) => {
                let (line, column) =
                    crate::diagnostics::line_column(&file.text, offset + range.start);
                links.push(Link {
                    href: dest_url.to_string(),
                    at: Loc {
                        line,
                        column,
                        len: body.get(range).map_or(1, |t| t.chars().count()),
                    },
                });
            }
            _ => {}
        }
    }
    warn_typed_numbers(file, body, offset, &prose, diagnostics);
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
    (segments, links)
}

/// Every number written into prose rather than bound to a dataset value or quoted from a
/// source, as a warning: it has no source, and nothing keeps it in step with the data.
fn warn_typed_numbers(
    file: &SourceFile,
    body: &str,
    offset: usize,
    prose: &[std::ops::Range<usize>],
    diagnostics: &mut Diagnostics,
) {
    let references = reference_spans(body);
    for range in prose {
        let Some(text) = body.get(range.clone()) else {
            continue;
        };
        for number in typed_numbers(text) {
            let start = range.start + number.start;
            if references.iter().any(|r| r.contains(&start)) {
                continue;
            }
            let written = &text[number.clone()];
            diagnostics.push(
                Diagnostic::error(&file.path, format!("number typed in prose: `{written}`"))
                    .at_offset(&file.text, offset + start, number.len())
                    .with_hint(TYPED_NUMBER_HINT)
                    .warning(),
            );
        }
    }
}

pub const TYPED_NUMBER_HINT: &str = "a number in the text has no source and can drift from the data: write the dataset value as `{{dataset.column@PERIOD}}`, or quote the source's own words with `{{quote SOURCE \"…\"}}` (the words must be in the source's `quote:` in sources.yaml)";

/// The byte ranges of every `{{ … }}` in a body.
fn reference_spans(body: &str) -> Vec<std::ops::Range<usize>> {
    let mut spans = Vec::new();
    let mut rest = 0;
    while let Some(open) = body[rest..].find("{{").map(|i| i + rest) {
        let close = body[open..].find("}}").map_or(body.len(), |i| i + open + 2);
        spans.push(open..close);
        rest = close;
    }
    spans
}

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// The byte ranges of numbers stated in `text`, with any unit written after them (`%`,
/// ` per cent`, `bn`). Not numbers in this sense: years (`2023`), days of a month (`15 May`),
/// and digits that are part of a name or label (`Q3`, `H1`, `COVID-19`, `5G`).
pub fn typed_numbers(text: &str) -> Vec<std::ops::Range<usize>> {
    let bytes = text.as_bytes();
    let mut found = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if !bytes[i].is_ascii_digit() {
            i += 1;
            continue;
        }
        let start = i;
        while i < bytes.len()
            && (bytes[i].is_ascii_digit()
                || (matches!(bytes[i], b'.' | b',')
                    && bytes.get(i + 1).is_some_and(u8::is_ascii_digit)))
        {
            i += 1;
        }
        let digits = &text[start..i];
        let before = text[..start].chars().next_back();
        let before2 = text[..start].chars().rev().nth(1);
        let part_of_a_name = before.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '\'')
            || (before == Some('-') && before2.is_some_and(char::is_alphabetic));
        let after = &text[i..];
        let letters: String = after
            .chars()
            .take_while(|c| c.is_ascii_alphabetic())
            .collect();
        let unit_letters = ["bn", "b", "m", "mn", "k", "tn", "x"];
        let domain = after.starts_with('.') && after[1..].starts_with(|c: char| c.is_alphabetic());
        if part_of_a_name
            || domain
            || (!letters.is_empty() && !unit_letters.contains(&letters.to_lowercase().as_str()))
        {
            continue;
        }
        let is_year = digits.len() == 4
            && digits
                .parse::<u32>()
                .is_ok_and(|y| (1900..=2099).contains(&y));
        let word_after = after
            .trim_start()
            .split(|c: char| !c.is_alphabetic())
            .next();
        let word_before = text[..start]
            .trim_end()
            .rsplit(|c: char| !c.is_alphabetic())
            .next();
        let is_day = digits.parse::<u32>().is_ok_and(|d| (1..=31).contains(&d))
            && (word_after.is_some_and(|w| MONTHS.contains(&w))
                || word_before.is_some_and(|w| MONTHS.contains(&w)));
        if is_year || is_day {
            continue;
        }
        let mut end = i + letters.len();
        let rest = &text[end..];
        for unit in [
            "%",
            " per cent",
            " percent",
            " percentage points",
            " billion",
            " million",
        ] {
            if rest.starts_with(unit) {
                end += unit.len();
                break;
            }
        }
        found.push(start..end);
        i = end;
    }
    found
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

/// `cite SOURCE [(FIRM)]`, `quote SOURCE [(FIRM)] "TEXT"` or `DATASET.COLUMN@PERIOD[~SOURCE]`.
fn parse_reference(inner: &str, at: Loc) -> Result<Segment, (String, String)> {
    let inner = inner.trim();
    if let Some(rest) = inner.strip_prefix("cite ") {
        return parse_citation(rest, at).map(Segment::Cite);
    }
    if let Some(rest) = inner.strip_prefix("calc ") {
        return parse_calculation(rest, at).map(Segment::Calc);
    }
    if let Some(rest) = inner.strip_prefix("quote ") {
        let quote_usage = "write `{{quote source-id \"the words quoted\"}}`, with the words in straight double quotes".to_string();
        let Some(open) = rest.find('"') else {
            return Err(("a quote needs the words it quotes".to_string(), quote_usage));
        };
        let text = rest[open + 1..].trim_end();
        let Some(text) = text.strip_suffix('"').filter(|t| !t.trim().is_empty()) else {
            return Err((
                "the quoted words are not closed with `\"`".to_string(),
                quote_usage,
            ));
        };
        let citation = parse_citation(&rest[..open], at)?;
        return Ok(Segment::Quote(Quotation {
            citation,
            text: text.to_string(),
        }));
    }
    parse_figure(inner, at).map(Segment::Figure)
}

/// `DATASET.COLUMN@PERIOD[~SOURCE]`.
fn parse_figure(inner: &str, at: Loc) -> Result<FigureRef, (String, String)> {
    let usage = "write `{{dataset.column@2023-Q3}}`, `{{dataset.column@2023-Q3~source-id}}`, `{{cite source-id}}` or `{{quote source-id \"words\"}}`";
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
    Ok(FigureRef {
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
    })
}

/// `EXPR [%]`, where EXPR is numbers and `dataset.column@PERIOD` figures joined by
/// `+ - * /` and brackets, `*` and `/` binding tighter.
fn parse_calculation(text: &str, at: Loc) -> Result<Calculation, (String, String)> {
    let usage = "write arithmetic on figures, e.g. `{{calc market.spend@2025-Q1 / (1 + market.growth@2025-Q1 / 100)}}`; end with `%` to show a plain number as a percentage".to_string();
    let text = text.trim();
    let (text, percent) = match text.strip_suffix('%') {
        Some(rest) => (rest.trim_end(), true),
        None => (text, false),
    };
    let tokens = calc_tokens(text).map_err(|m| (m, usage.clone()))?;
    let mut parser = CalcParser {
        tokens: &tokens,
        next: 0,
        at,
    };
    let expr = parser.sum().map_err(|m| (m, usage.clone()))?;
    if let Some(extra) = tokens.get(parser.next) {
        return Err((format!("unexpected `{extra}` in the calculation"), usage));
    }
    Ok(Calculation { expr, percent, at })
}

fn calc_tokens(text: &str) -> Result<Vec<String>, String> {
    let mut tokens = Vec::new();
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        match c {
            c if c.is_whitespace() => {}
            '+' | '-' | '*' | '/' | '(' | ')' => tokens.push(c.to_string()),
            c if c.is_alphanumeric() || c == '.' => {
                let mut end = i + c.len_utf8();
                while let Some(&(j, d)) = chars.peek() {
                    // A figure runs on through its `@PERIOD` and `~source`, hyphens included.
                    let figure = text[i..j].contains('@');
                    if d.is_alphanumeric()
                        || matches!(d, '.' | '_' | '@' | '~')
                        || (d == '-'
                            && (figure
                                || !text[i..j].chars().all(|c| c.is_ascii_digit() || c == '.')))
                    {
                        end = j + d.len_utf8();
                        chars.next();
                    } else {
                        break;
                    }
                }
                tokens.push(text[i..end].to_string());
            }
            other => return Err(format!("`{other}` cannot be part of a calculation")),
        }
    }
    Ok(tokens)
}

struct CalcParser<'t> {
    tokens: &'t [String],
    next: usize,
    at: Loc,
}

impl CalcParser<'_> {
    fn peek(&self) -> Option<&str> {
        self.tokens.get(self.next).map(String::as_str)
    }

    fn sum(&mut self) -> Result<Expr, String> {
        let mut left = self.product()?;
        while let Some(op) = self.peek().and_then(|t| match t {
            "+" => Some(Op::Add),
            "-" => Some(Op::Sub),
            _ => None,
        }) {
            self.next += 1;
            left = Expr::Binary(Box::new(left), op, Box::new(self.product()?));
        }
        Ok(left)
    }

    fn product(&mut self) -> Result<Expr, String> {
        let mut left = self.term()?;
        while let Some(op) = self.peek().and_then(|t| match t {
            "*" => Some(Op::Mul),
            "/" => Some(Op::Div),
            _ => None,
        }) {
            self.next += 1;
            left = Expr::Binary(Box::new(left), op, Box::new(self.term()?));
        }
        Ok(left)
    }

    fn term(&mut self) -> Result<Expr, String> {
        let Some(token) = self.peek().map(str::to_string) else {
            return Err("the calculation ends too soon".to_string());
        };
        self.next += 1;
        if token == "(" {
            let inner = self.sum()?;
            if self.peek() != Some(")") {
                return Err("a `(` in the calculation is not closed".to_string());
            }
            self.next += 1;
            return Ok(inner);
        }
        if let Ok(n) = token.parse::<f64>()
            && n.is_finite()
        {
            return Ok(Expr::Number(n));
        }
        if token.contains('@') {
            return parse_figure(&token, self.at)
                .map(Expr::Figure)
                .map_err(|(message, _)| message);
        }
        Err(format!(
            "`{token}` is neither a number nor a figure such as `market.spend@2023-Q3`"
        ))
    }
}

/// `SOURCE` or `SOURCE (FIRM)`.
fn parse_citation(text: &str, at: Loc) -> Result<Citation, (String, String)> {
    let text = text.trim();
    let (id, firm) = match text.split_once('(') {
        Some((id, rest)) => {
            let Some(firm) = rest.trim_end().strip_suffix(')') else {
                return Err((
                    format!("`({rest}` is not closed"),
                    "name the firm in brackets: `{{cite source-id (Canalys)}}`".to_string(),
                ));
            };
            (id.trim(), Some(firm.trim()))
        }
        None => (text, None),
    };
    if id.is_empty() || id.contains(char::is_whitespace) {
        return Err((
            format!("`{text}` is not a source id"),
            "write `{{cite source-id}}` or `{{cite source-id (Firm)}}`".to_string(),
        ));
    }
    Ok(Citation {
        source: Ref {
            id: id.to_string(),
            at,
        },
        firm: firm.map(|f| Ref {
            id: f.to_string(),
            at,
        }),
    })
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

/// What a page cites, numbered in order of first use; the list is printed at its foot. A
/// page that reports several firms' figures gets a footnote per firm, so each names its own.
#[derive(Debug, Default)]
pub struct Citations {
    pub cited: Vec<Cited>,
    /// Whether a figure on the page was marked as read only at second hand.
    pub secondhand_marked: bool,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cited {
    pub source: String,
    pub firm: String,
}

/// The mark beside a figure whose only sources are second-hand, explained above the sources.
pub const SECONDHAND_MARK: &str = "†";

impl Citations {
    pub fn number(&mut self, credit: Credit) -> usize {
        let cited = Cited {
            source: credit.source.id.clone(),
            firm: credit.firm.to_string(),
        };
        match self.cited.iter().position(|c| *c == cited) {
            Some(i) => i + 1,
            None => {
                self.cited.push(cited);
                self.cited.len()
            }
        }
    }

    /// A footnote marker for a figure or statement, numbered in this page's list of sources;
    /// `secondhand_only` adds the mark that says its only sources are second-hand.
    pub fn marker(&mut self, credit: Credit, secondhand_only: bool) -> String {
        format!(
            "<sup class=\"cite\">{}</sup>",
            self.anchor(credit, secondhand_only)
        )
    }

    fn anchor(&mut self, credit: Credit, secondhand_only: bool) -> String {
        let n = self.number(credit);
        if secondhand_only {
            self.secondhand_marked = true;
            format!(
                "<a href=\"#{}\" aria-label=\"Source {n}, the only source, second-hand\">{n}{SECONDHAND_MARK}</a>",
                escape(&credit.anchor())
            )
        } else {
            format!(
                "<a href=\"#{}\" aria-label=\"Source {n}\">{n}</a>",
                escape(&credit.anchor())
            )
        }
    }

    /// The marker for one published version of a dataset value.
    pub fn value_marker(&mut self, site: &Site, value: &Value, version: &Version) -> String {
        match site.credit(&version.source.id, version.firm) {
            Some(credit) => self.marker(credit, site.only_secondhand(value, version.number)),
            None => String::new(),
        }
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
            Segment::Cite(citation) => {
                if let Some(credit) = site.credit(&citation.source.id, citation.firm.as_ref()) {
                    let secondhand = credit.source.kind.is_secondhand();
                    markdown.push_str(&citations.marker(credit, secondhand));
                }
            }
            Segment::Quote(quote) => {
                let citation = &quote.citation;
                if let Some(credit) = site.credit(&citation.source.id, citation.firm.as_ref()) {
                    let secondhand = credit.source.kind.is_secondhand();
                    markdown.push_str(&format!(
                        "<q class=\"quoted\">{}</q>{}",
                        escape(&quote.text),
                        citations.marker(credit, secondhand)
                    ));
                }
            }
            Segment::Calc(calc) => markdown.push_str(&render_calculation(calc, site, citations)),
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
    let version = value.version_from(figure.source.as_ref().map(|s| s.id.as_str()));
    let text = dataset.format_value(column, version.number, version.qualifier);
    format!(
        "<span class=\"figure\" title=\"{}, {}\">{}</span>{}",
        escape(&dataset.columns[column].label),
        escape(&figure.period.label()),
        escape(&text),
        citations.value_marker(site, value, &version)
    )
}

/// A calculated figure, marked as the site's own arithmetic, with the footnotes of every
/// value it was calculated from.
fn render_calculation(calc: &Calculation, site: &Site, citations: &mut Citations) -> String {
    let Ok(text) = site.calculate(calc) else {
        return String::new();
    };
    let mut inputs = Vec::new();
    let mut markers: Vec<String> = Vec::new();
    for figure in calc.expr.figures() {
        let Some((dataset, column, value)) = site.figure(figure) else {
            continue;
        };
        let version = value.version_from(figure.source.as_ref().map(|s| s.id.as_str()));
        inputs.push(format!(
            "{}, {}: {}",
            dataset.columns[column].label,
            figure.period.label(),
            dataset.format_value(column, version.number, version.qualifier)
        ));
        let marker = citations.value_marker(site, value, &version);
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
    // The source line names exactly the pages and firms of the values drawn.
    let mut credits: Vec<(Credit, bool)> = Vec::new();
    for s in &data.series {
        for row in data.rows {
            let Some(Some(v)) = row.cells.get(s.column) else {
                continue;
            };
            let Some(credit) = site.credit(&v.source.id, v.firm.as_ref()) else {
                continue;
            };
            let secondhand = site.only_secondhand(v, v.number);
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
        let (segments, _) = split_body(&file, body, 0, &mut d);
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
                Segment::Quote(_) => "quote",
                Segment::Calc(_) => "calc",
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
    fn citations_and_quotes_name_their_source_and_firm() {
        let body = "A {{cite netease (Canalys)}} B {{quote omdia-q4 \"above 20 percent\"}} C {{quote x (IDC) \"接近 20%\"}}\n";
        let (segments, d) = split(body);
        assert!(d.is_empty(), "{d}");
        let Segment::Cite(cite) = &segments[1] else {
            panic!("{segments:?}")
        };
        assert_eq!(cite.source.id, "netease");
        assert_eq!(cite.firm.as_ref().map(|f| f.id.as_str()), Some("Canalys"));
        let Segment::Quote(q) = &segments[3] else {
            panic!("{segments:?}")
        };
        assert_eq!(
            (q.citation.source.id.as_str(), q.text.as_str()),
            ("omdia-q4", "above 20 percent")
        );
        assert!(q.citation.firm.is_none());
        let Segment::Quote(q) = &segments[5] else {
            panic!("{segments:?}")
        };
        assert_eq!(q.citation.firm.as_ref().map(|f| f.id.as_str()), Some("IDC"));
        assert_eq!(q.text, "接近 20%");
    }

    #[test]
    fn malformed_citations_and_quotes_are_errors() {
        let (_, d) = split(
            "{{quote src above}} {{quote src \"open}} {{cite two words}} {{cite src (Canalys}}\n",
        );
        let text = d.to_string();
        assert!(text.contains("a quote needs the words it quotes"), "{text}");
        assert!(text.contains("not closed with"), "{text}");
        assert!(text.contains("`two words` is not a source id"), "{text}");
        assert!(text.contains("`(Canalys` is not closed"), "{text}");
    }

    #[test]
    fn numbers_typed_in_prose_are_found_but_not_years_days_or_labels() {
        let found = |text: &str| -> Vec<String> {
            typed_numbers(text)
                .into_iter()
                .map(|r| text[r].to_string())
                .collect()
        };
        assert_eq!(
            found("In Q3 2023 spend rose 18% to US$9.2bn, up 20 per cent on 15 May and May 15."),
            ["18%", "9.2bn", "20 per cent"]
        );
        assert_eq!(
            found("COVID-19, 5G, H1, Q4'20, 2019-2025, 163.com"),
            Vec::<String>::new()
        );
        assert_eq!(found("1,207亿元 and 97 percent"), ["1,207", "97 percent"]);
    }

    #[test]
    fn typed_numbers_are_warned_about_where_written_but_not_in_references_or_code() {
        let (_, d) =
            split("Spend {{market.spend@2023-Q3}} grew\n\n18% in `42` and\n\n```\n99\n```\n");
        let text = d.to_string();
        assert_eq!(d.warning_count(), 1, "{text}");
        assert!(text.contains("number typed in prose: `18%`"), "{text}");
        assert!(text.contains("2023-q3.md:3:1"), "{text}");
    }

    #[test]
    fn links_are_kept_with_where_they_were_written() {
        let file = SourceFile::new(
            "content/briefings/2023-q3.md",
            "Intro\n\nSee [the method](methodology.html#x).\n",
        );
        let mut d = Diagnostics::new();
        let (_, links) = split_body(&file, &file.text, 0, &mut d);
        assert_eq!(links.len(), 1);
        assert_eq!(links[0].href, "methodology.html#x");
        assert_eq!((links[0].at.line, links[0].at.column), (3, 5));
    }

    #[test]
    fn calculations_parse_with_precedence_and_figures() {
        let (segments, d) = split(
            "{{calc market.spend@2025-Q1 / (1 + market.growth@2025-Q1 / 100)}} and {{calc (a.b@2020 - a.b@2019~src-1) * 100 %}}\n",
        );
        assert!(d.is_empty(), "{d}");
        let Segment::Calc(c) = &segments[0] else {
            panic!("{segments:?}")
        };
        assert!(!c.percent);
        let Expr::Binary(left, Op::Div, right) = &c.expr else {
            panic!("{:?}", c.expr)
        };
        assert!(matches!(**left, Expr::Figure(ref f) if f.column.id == "spend"));
        assert!(matches!(**right, Expr::Binary(_, Op::Add, _)));
        let Segment::Calc(c) = &segments[2] else {
            panic!("{segments:?}")
        };
        assert!(c.percent);
        let figures = c.expr.figures();
        assert_eq!(figures.len(), 2);
        assert_eq!(
            figures[1].source.as_ref().map(|s| s.id.as_str()),
            Some("src-1")
        );
    }

    #[test]
    fn malformed_calculations_are_errors() {
        let (_, d) = split(
            "{{calc market.spend@2025-Q1 /}} {{calc (1 + 2}} {{calc 1 $ 2}} {{calc spend + 1}}\n",
        );
        let text = d.to_string();
        assert!(text.contains("the calculation ends too soon"), "{text}");
        assert!(
            text.contains("a `(` in the calculation is not closed"),
            "{text}"
        );
        assert!(
            text.contains("`$` cannot be part of a calculation"),
            "{text}"
        );
        assert!(
            text.contains("`spend` is neither a number nor a figure"),
            "{text}"
        );
    }

    #[test]
    fn headings_get_unique_ids() {
        let (html, headings) = markdown_to_html("## What changed\n\ntext\n\n## What changed\n");
        assert!(html.contains("<h2 id=\"what-changed\">"), "{html}");
        assert!(html.contains("<h2 id=\"what-changed-2\">"), "{html}");
        assert_eq!(headings.len(), 2);
    }
}
