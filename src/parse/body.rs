//! Markdown bodies at parse time: split into prose, figure references, citations, quotes,
//! calculations and chart blocks, with the links they write, so `check` sees every problem
//! before anything is rendered. Numbers typed into the prose are warned about here.

use pulldown_cmark::{CodeBlockKind, Event, Parser, Tag, TagEnd};

use super::chart::parse_chart;
use crate::diagnostics::{Diagnostic, Diagnostics, LineIndex, Loc};
use crate::model::{
    Calculation, Citation, Expr, FigureRef, Link, Op, Quotation, Ref, Segment, SourceFile,
    markdown_options,
};
use crate::period::Period;

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
    let lines = LineIndex::new(&file.text);
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
                let (line, column) = lines.line_column(&file.text, offset + range.start);
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
    warn_typed_numbers(file, &lines, body, offset, &prose, diagnostics);
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
                &lines,
                body,
                cursor..range.start,
                offset,
                &mut segments,
                diagnostics,
            );
            let (fence_line, _) = lines.line_column(&file.text, offset + range.start);
            if let Some(spec) = parse_chart(file, &yaml, fence_line, diagnostics) {
                segments.push(Segment::Chart(spec));
            }
            cursor = range.end;
        } else {
            split_prose(
                file,
                &lines,
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
        &lines,
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
    lines: &LineIndex,
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
            if !diagnostics.keeps_more_warnings() {
                diagnostics.count_warning(&file.path);
                continue;
            }
            let written = &text[number.clone()];
            diagnostics.push(
                Diagnostic::error(&file.path, format!("number typed in prose: `{written}`"))
                    .at_offset_in(&file.text, lines, offset + start, number.len())
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
    lines: &LineIndex,
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
                    .at_offset_in(&file.text, lines, at, 2)
                    .with_hint("close the reference with `}}`, e.g. `{{market.spend@2023-Q3}}`"),
            );
            break;
        };
        if open > rest {
            segments.push(Segment::Markdown(text[rest..open].to_string()));
        }
        let inner = &text[open + 2..close];
        let at_byte = offset + range.start + open;
        let (line, column) = lines.line_column(&file.text, at_byte);
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
    // Brackets nest the parser's recursion and operators the expression tree's, which is
    // evaluated and dropped recursively: a bound on tokens bounds both.
    if tokens.len() > MAX_CALC_TOKENS {
        return Err((
            format!(
                "the calculation is too long: {} numbers, figures, operators and brackets, at most {MAX_CALC_TOKENS}",
                tokens.len()
            ),
            usage,
        ));
    }
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

/// How many numbers, figures, operators and brackets a calculation may have.
const MAX_CALC_TOKENS: usize = 100;

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

    /// Terms joined by `+` and `-`.
    fn sum(&mut self) -> Result<Expr, String> {
        self.chain(&[("+", Op::Add), ("-", Op::Sub)], Self::product)
    }

    /// Terms joined by `*` and `/`, which bind tighter.
    fn product(&mut self) -> Result<Expr, String> {
        self.chain(&[("*", Op::Mul), ("/", Op::Div)], Self::term)
    }

    /// Operands read by `operand`, joined left to right by any of `ops`.
    fn chain(
        &mut self,
        ops: &[(&str, Op)],
        operand: fn(&mut Self) -> Result<Expr, String>,
    ) -> Result<Expr, String> {
        let mut left = operand(self)?;
        while let Some(op) = self
            .peek()
            .and_then(|t| ops.iter().find(|(name, _)| *name == t).map(|(_, op)| *op))
        {
            self.next += 1;
            left = Expr::Binary(Box::new(left), op, Box::new(operand(self)?));
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
    fn long_or_deeply_bracketed_calculations_are_errors_not_stack_overflows() {
        // A thousand brackets overflowed the parser's stack, and ten thousand terms the
        // evaluation's, before calculations were bounded.
        let deep = format!(
            "{{{{calc {}market.spend@2023-Q3{}}}}}\n",
            "(".repeat(1_000),
            ")".repeat(1_000)
        );
        let long = format!("{{{{calc 1{}}}}}\n", " + 1".repeat(10_000));
        for body in [deep, long] {
            let (segments, d) = split(&body);
            assert!(d.to_string().contains("the calculation is too long"), "{d}");
            assert!(!segments.iter().any(|s| matches!(s, Segment::Calc(_))));
        }
        let (segments, d) = split(&format!("{{{{calc 1{}}}}}\n", " + 1".repeat(49)));
        assert!(d.is_empty(), "{d}");
        assert!(matches!(segments[0], Segment::Calc(_)));
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
}
