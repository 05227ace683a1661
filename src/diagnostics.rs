//! Problems found in content, as data: each has a file, a position, a message and a hint,
//! and prints rustc-style with the offending line underlined. Stages collect every problem
//! they find before failing, so an editor sees all of them in one run.

use std::borrow::Cow;
use std::fmt;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    Error,
    Warning,
}

/// Where something was written in its file: a 1-based line and column (in characters) and
/// the length of the span, for content items and for the problems found in them.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Loc {
    pub line: usize,
    pub column: usize,
    pub len: usize,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    pub severity: Severity,
    pub file: String,
    pub position: Option<Loc>,
    /// The text of the offending line, kept so the diagnostic prints without the file; of
    /// a long line, only the part around the span.
    pub snippet: Option<Snippet>,
    pub message: String,
    /// Most hints are fixed sentences, shared by every diagnostic of their kind.
    pub hint: Option<Cow<'static, str>>,
}

/// The line a diagnostic points into, or the part of it around the span.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Snippet {
    pub text: String,
    /// The 1-based column (in characters) of `text` where the span starts.
    pub column: usize,
}

/// Lines longer than this many characters are shown cut down to the part around the span.
const SNIPPET_WIDTH: usize = 140;
/// How many characters a cut-down snippet shows before the span.
const SNIPPET_BEFORE: usize = 50;

impl Snippet {
    /// `line` with the span at `column` (1-based, in characters) of `len` characters; a line
    /// wider than a terminal keeps the span and some context, the cuts marked with `…`.
    fn of(line: &str, column: usize, len: usize) -> Snippet {
        let width = line.chars().count();
        if width <= SNIPPET_WIDTH {
            return Snippet {
                text: line.to_string(),
                column,
            };
        }
        let span_start = column.saturating_sub(1).min(width);
        let start = span_start.saturating_sub(SNIPPET_BEFORE);
        let end = (span_start + len.max(1))
            .max(start + SNIPPET_WIDTH)
            .min(width);
        let mut text = String::new();
        if start > 0 {
            text.push('…');
        }
        text.extend(line.chars().skip(start).take(end - start));
        if end < width {
            text.push('…');
        }
        Snippet {
            text,
            column: span_start - start + 1 + usize::from(start > 0),
        }
    }
}

impl Diagnostic {
    pub fn error(file: &str, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            file: file.to_string(),
            position: None,
            snippet: None,
            message: message.into(),
            hint: None,
        }
    }

    /// Points the diagnostic at `line`:`column` of `text` (the file's contents), underlining
    /// `len` characters (at least one).
    pub fn at(mut self, text: &str, line: usize, column: usize, len: usize) -> Self {
        let line = line.max(1);
        let column = column.max(1);
        self.snippet = text
            .lines()
            .nth(line - 1)
            .map(|l| Snippet::of(l.trim_end(), column, len));
        self.position = Some(Loc {
            line,
            column,
            len: len.max(1),
        });
        self
    }

    /// Points the diagnostic at a byte offset range of `text`, finding its line in `lines`
    /// (the index of `text`) rather than by reading `text` from the start.
    pub fn at_offset_in(
        self,
        text: &str,
        lines: &LineIndex,
        start: usize,
        len_bytes: usize,
    ) -> Self {
        let (line, column) = lines.line_column(text, start);
        let end = (start + len_bytes).min(text.len());
        let span_text = text.get(start..end).unwrap_or("");
        let len = span_text.lines().next().unwrap_or("").chars().count();
        let len = len.max(1);
        let mut located = self;
        located.position = Some(Loc { line, column, len });
        located.snippet = Some(Snippet::of(lines.line(text, line).trim_end(), column, len));
        located
    }

    /// Points the diagnostic at `loc` in `text` (the file's contents).
    pub fn at_loc(self, text: &str, loc: Loc) -> Self {
        self.at(text, loc.line, loc.column, loc.len)
    }

    /// Points the diagnostic at a byte offset range of `text`.
    pub fn at_offset(self, text: &str, start: usize, len_bytes: usize) -> Self {
        let (line, column) = line_column(text, start);
        let end = (start + len_bytes).min(text.len());
        let span_text = text.get(start..end).unwrap_or("");
        let len = span_text.lines().next().unwrap_or("").chars().count();
        self.at(text, line, column, len)
    }

    pub fn with_hint(mut self, hint: impl Into<Cow<'static, str>>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    pub fn warning(mut self) -> Self {
        self.severity = Severity::Warning;
        self
    }
}

/// The 1-based line and column (in characters) of a byte offset.
pub fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let offset = floor_char_boundary(text, offset.min(text.len()));
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = before[line_start..].chars().count() + 1;
    (line, column)
}

/// Where each line of a text starts, so byte offsets become lines and columns without
/// reading the text from its start each time: a file with many problems stays quick.
pub struct LineIndex {
    starts: Vec<usize>,
}

impl LineIndex {
    pub fn new(text: &str) -> LineIndex {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        LineIndex { starts }
    }

    /// The 1-based line and column (in characters) of a byte offset of `text`, the text
    /// this index was made from; the same as [`line_column`].
    pub fn line_column(&self, text: &str, offset: usize) -> (usize, usize) {
        let offset = floor_char_boundary(text, offset.min(text.len()));
        let line = self.starts.partition_point(|&s| s <= offset).max(1);
        let start = self.starts.get(line - 1).copied().unwrap_or(0);
        let column = text.get(start..offset).map_or(0, |t| t.chars().count()) + 1;
        (line, column)
    }

    /// The text of 1-based line `line`, without its line break.
    pub fn line<'t>(&self, text: &'t str, line: usize) -> &'t str {
        let start = self
            .starts
            .get(line.wrapping_sub(1))
            .copied()
            .unwrap_or(text.len());
        let end = self
            .starts
            .get(line)
            .map_or(text.len(), |next| next.saturating_sub(1));
        text.get(start..end.max(start))
            .unwrap_or("")
            .trim_end_matches('\r')
    }
}

fn floor_char_boundary(text: &str, mut offset: usize) -> usize {
    while offset > 0 && !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

/// Styles for the parts of a diagnostic; all empty when printing plain text.
struct Palette {
    error: anstyle::Style,
    warning: anstyle::Style,
    frame: anstyle::Style,
    help: anstyle::Style,
    bold: anstyle::Style,
}

impl Palette {
    fn new(styled: bool) -> Palette {
        use anstyle::{AnsiColor, Style};
        if !styled {
            return Palette {
                error: Style::new(),
                warning: Style::new(),
                frame: Style::new(),
                help: Style::new(),
                bold: Style::new(),
            };
        }
        Palette {
            error: AnsiColor::Red.on_default().bold(),
            warning: AnsiColor::Yellow.on_default().bold(),
            frame: AnsiColor::Blue.on_default().bold(),
            help: AnsiColor::Cyan.on_default().bold(),
            bold: Style::new().bold(),
        }
    }
}

impl Diagnostic {
    /// The diagnostic as rustc prints it, with ANSI colours when `styled`.
    pub fn render(&self, styled: bool) -> String {
        let p = Palette::new(styled);
        let paint = |style: anstyle::Style, text: &str| format!("{style}{text}{style:#}");
        let (label, style) = match self.severity {
            Severity::Error => ("error", p.error),
            Severity::Warning => ("warning", p.warning),
        };
        let mut out = format!(
            "{}{}\n",
            paint(style, label),
            paint(p.bold, &format!(": {}", self.message))
        );
        let help = |out: &mut String, pad: &str| {
            if let Some(hint) = &self.hint {
                out.push_str(&format!(
                    "{pad}{} {} {hint}\n",
                    paint(p.frame, "="),
                    paint(p.help, "help:")
                ));
            }
        };
        match (&self.position, &self.snippet) {
            (Some(pos), Some(snippet)) => {
                let gutter = pos.line.to_string().len();
                let pad = " ".repeat(gutter);
                out.push_str(&format!(
                    "{pad}{} {}:{}:{}\n",
                    paint(p.frame, "-->"),
                    self.file,
                    pos.line,
                    pos.column
                ));
                out.push_str(&format!("{pad} {}\n", paint(p.frame, "|")));
                out.push_str(&format!(
                    "{} {}\n",
                    paint(p.frame, &format!("{} |", pos.line)),
                    snippet.text
                ));
                // Tabs keep their width so the carets line up under the span.
                let column = snippet.column.max(1);
                let lead: String = snippet
                    .text
                    .chars()
                    .take(column - 1)
                    .map(|c| if c == '\t' { '\t' } else { ' ' })
                    .collect();
                let available = snippet.text.chars().count().saturating_sub(column - 1);
                let carets = "^".repeat(pos.len.min(available.max(1)));
                out.push_str(&format!(
                    "{pad} {} {lead}{}\n",
                    paint(p.frame, "|"),
                    paint(style, &carets)
                ));
                help(&mut out, &format!("{pad} "));
            }
            (Some(pos), None) => {
                out.push_str(&format!(
                    "  {} {}:{}:{}\n",
                    paint(p.frame, "-->"),
                    self.file,
                    pos.line,
                    pos.column
                ));
                help(&mut out, "  ");
            }
            _ => {
                out.push_str(&format!("  {} {}\n", paint(p.frame, "-->"), self.file));
                help(&mut out, "  ");
            }
        }
        out
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.render(false))
    }
}

/// Every problem found so far. Stages push into it and carry on, so one run reports all.
#[derive(Debug, Default, Clone)]
pub struct Diagnostics {
    items: Vec<Diagnostic>,
}

impl Diagnostics {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn push(&mut self, diagnostic: Diagnostic) {
        self.items.push(diagnostic);
    }

    pub fn extend(&mut self, other: Diagnostics) {
        self.items.extend(other.items);
    }

    pub fn has_errors(&self) -> bool {
        self.items.iter().any(|d| d.severity == Severity::Error)
    }

    pub fn error_count(&self) -> usize {
        self.items
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .count()
    }

    pub fn warning_count(&self) -> usize {
        self.items
            .iter()
            .filter(|d| d.severity == Severity::Warning)
            .count()
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    pub fn iter(&self) -> impl Iterator<Item = &Diagnostic> {
        self.items.iter()
    }

    /// Sorts by file and position so output does not depend on the order stages ran in.
    pub fn sorted(mut self) -> Self {
        self.items.sort_by(|a, b| {
            let key = |d: &Diagnostic| {
                let (l, c) = d.position.as_ref().map_or((0, 0), |p| (p.line, p.column));
                (l, c, d.severity)
            };
            a.file
                .cmp(&b.file)
                .then_with(|| key(a).cmp(&key(b)))
                .then_with(|| a.message.cmp(&b.message))
        });
        self.items.dedup();
        self
    }
}

impl Diagnostics {
    /// Every diagnostic and a count, with ANSI colours when `styled`.
    pub fn render(&self, styled: bool) -> String {
        self.render_some(styled, usize::MAX)
    }

    /// Every error but only the first `warnings` warnings, then how many more there are and
    /// a count: a build that warns about thousands of lines shows a few and stays readable.
    pub fn render_some(&self, styled: bool, warnings: usize) -> String {
        let mut out = String::new();
        let mut shown = 0;
        for d in &self.items {
            if d.severity == Severity::Warning {
                if shown == warnings {
                    continue;
                }
                shown += 1;
            }
            out.push_str(&d.render(styled));
            out.push('\n');
        }
        let hidden = self.warning_count() - shown;
        if hidden > 0 {
            let files: std::collections::BTreeSet<&str> = self
                .items
                .iter()
                .filter(|d| d.severity == Severity::Warning)
                .map(|d| d.file.as_str())
                .collect();
            out.push_str(&format!(
                "… and {hidden} more {} not shown ({} in all, in {} {}); `quarterly check` lists every one\n",
                if hidden == 1 { "warning" } else { "warnings" },
                self.warning_count(),
                files.len(),
                if files.len() == 1 { "file" } else { "files" },
            ));
        }
        let (e, w) = (self.error_count(), self.warning_count());
        let plural = |n: usize, word: &str| {
            if n == 1 {
                format!("1 {word}")
            } else {
                format!("{n} {word}s")
            }
        };
        match (e, w) {
            (0, 0) => {}
            (0, w) => out.push_str(&format!("{}\n", plural(w, "warning"))),
            (e, 0) => out.push_str(&format!("{}\n", plural(e, "error"))),
            (e, w) => out.push_str(&format!(
                "{}, {}\n",
                plural(e, "error"),
                plural(w, "warning")
            )),
        }
        out
    }

    /// Warnings become errors (`check --deny-warnings`).
    pub fn deny_warnings(mut self) -> Self {
        for d in &mut self.items {
            d.severity = Severity::Error;
        }
        self
    }
}

impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.render(false))
    }
}

/// The closest of `candidates` to `wanted`, if it is close enough to be a likely typo.
pub fn did_you_mean<'a>(
    wanted: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    candidates
        .into_iter()
        .map(|c| (strsim::osa_distance(wanted, c), c))
        .filter(|(d, _)| *d <= (wanted.chars().count() / 4).max(1))
        .min_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.cmp(b.1)))
        .map(|(_, c)| c)
}

/// A "did you mean" hint, or a list of what is known when nothing is close.
pub fn suggestion<'a>(
    wanted: &str,
    what: &str,
    candidates: impl IntoIterator<Item = &'a str> + Clone,
) -> String {
    if let Some(best) = did_you_mean(wanted, candidates.clone()) {
        return format!("did you mean `{best}`?");
    }
    let all: Vec<&str> = candidates.into_iter().collect();
    if all.is_empty() {
        return format!("no {what} is defined yet");
    }
    let shown: Vec<String> = all.iter().take(8).map(|c| format!("`{c}`")).collect();
    let more = if all.len() > 8 {
        format!(" and {} more", all.len() - 8)
    } else {
        String::new()
    };
    format!("known {what}s: {}{more}", shown.join(", "))
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_line_index_agrees_with_reading_from_the_start() {
        let text = "first line\r\nsecond, naïve 数字\n\nfourth\nno break at the end";
        let index = super::LineIndex::new(text);
        for offset in 0..=text.len() + 2 {
            assert_eq!(
                index.line_column(text, offset),
                super::line_column(text, offset),
                "offset {offset}"
            );
        }
        assert_eq!(index.line(text, 1), "first line");
        assert_eq!(index.line(text, 2), "second, naïve 数字");
        assert_eq!(index.line(text, 3), "");
        assert_eq!(index.line(text, 5), "no break at the end");
        assert_eq!(index.line(text, 6), "");
        let a = super::Diagnostic::error("f", "m").at_offset(text, 17, 6);
        let b = super::Diagnostic::error("f", "m").at_offset_in(text, &index, 17, 6);
        assert_eq!(a, b);
    }

    #[test]
    fn a_long_line_shows_the_part_around_the_span() {
        let line = format!("{}needle{}", "a".repeat(200), "b".repeat(200));
        let d = super::Diagnostic::error("f.md", "found").at(&line, 1, 201, 6);
        let shown = d.render(false);
        let snippet_line = shown.lines().nth(3).unwrap();
        let caret_line = shown.lines().nth(4).unwrap();
        assert!(
            snippet_line.contains("…aaa") && snippet_line.ends_with("bbb…"),
            "{shown}"
        );
        assert!(snippet_line.chars().count() < 160, "{shown}");
        // The carets still sit under the span, and the header keeps the real column.
        let at = caret_line.chars().position(|c| c == '^').unwrap();
        let under: String = snippet_line.chars().skip(at).take(6).collect();
        assert_eq!(under, "needle", "{shown}");
        assert!(shown.contains("f.md:1:201"), "{shown}");
        // A short line is shown whole.
        let short = super::Diagnostic::error("f.md", "found").at("x needle y", 1, 3, 6);
        assert!(short.render(false).contains("1 | x needle y"));
    }
    use super::*;

    #[test]
    fn prints_rustc_style_with_underline_and_hint() {
        let text = "rows:\n  - period: 2019-Q2\n    source: canalys-2023q3\n";
        let d = Diagnostic::error(
            "content/data/market.yaml",
            "unknown source `canalys-2023q3`",
        )
        .at(text, 3, 13, 14)
        .with_hint("did you mean `canalys-2023-q3`?");
        let shown = d.to_string();
        assert_eq!(
            shown,
            "error: unknown source `canalys-2023q3`\n --> content/data/market.yaml:3:13\n  |\n3 |     source: canalys-2023q3\n  |             ^^^^^^^^^^^^^^\n  = help: did you mean `canalys-2023-q3`?\n"
        );
    }

    #[test]
    fn offsets_map_to_lines_and_character_columns() {
        let text = "a\n阿里云 x\n";
        let offset = text.find('x').unwrap();
        assert_eq!(line_column(text, offset), (2, 5));
        assert_eq!(line_column(text, 0), (1, 1));
        assert_eq!(line_column(text, 10_000), (3, 1));
    }

    #[test]
    fn suggests_only_close_names() {
        let known = ["canalys-2023-q3", "scmp-2019-alibaba"];
        assert_eq!(
            did_you_mean("canalys-2023q3", known),
            Some("canalys-2023-q3")
        );
        assert_eq!(did_you_mean("zzz", known), None);
        assert_eq!(
            did_you_mean("abuot", ["about"]),
            Some("about"),
            "a swap counts once"
        );
        assert_eq!(
            did_you_mean("pie", ["line", "bar"]),
            None,
            "short words need a close match"
        );
        assert!(suggestion("zzz", "source", known).starts_with("known sources: "));
    }

    #[test]
    fn colours_only_when_asked() {
        let d = Diagnostic::error("f", "bad")
            .at("x = 1\n", 1, 5, 1)
            .with_hint("fix it");
        assert!(!d.render(false).contains('\u{1b}'));
        let styled = d.render(true);
        assert!(
            styled.contains("\u{1b}[1m\u{1b}[31m") || styled.contains("\u{1b}[31m"),
            "{styled:?}"
        );
        // Stripped of its colours, the styled text is the plain text.
        let stripped: String = anstream::adapter::strip_str(&styled).to_string();
        assert_eq!(stripped, d.render(false));
    }

    #[test]
    fn counts_and_summarises() {
        let mut all = Diagnostics::new();
        all.push(Diagnostic::error("a", "one"));
        all.push(Diagnostic::error("b", "two").warning());
        assert!(all.has_errors());
        assert!(all.to_string().ends_with("1 error, 1 warning\n"));
    }
}
