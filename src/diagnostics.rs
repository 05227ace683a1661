//! Problems found in content, as data: each has a file, a position, a message and a hint,
//! and prints rustc-style with the offending line underlined. Stages collect every problem
//! they find before failing, so an editor sees all of them in one run.

use std::borrow::Cow;
use std::collections::BTreeSet;
use std::fmt;
use std::ops::Range;
use std::sync::Arc;

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

/// The line a diagnostic points into, or the part of it around the span. It refers to the
/// text it was cut from rather than copying it, so a file with thousands of warnings does
/// not hold thousands of copies of its lines.
#[derive(Clone, Debug)]
pub struct Snippet {
    /// The text the line is in: the whole file when it is shared, else the line itself.
    source: Arc<str>,
    /// The bytes of `source` shown.
    shown: Range<usize>,
    /// Whether the line goes on before or after what is shown.
    cut_before: bool,
    cut_after: bool,
    /// The 1-based column (in characters) of the shown text where the span starts.
    pub column: usize,
}

impl PartialEq for Snippet {
    fn eq(&self, other: &Snippet) -> bool {
        self.column == other.column && self.text() == other.text()
    }
}

impl Eq for Snippet {}

/// Lines longer than this many characters are shown cut down to the part around the span.
const SNIPPET_WIDTH: usize = 140;
/// How many characters a cut-down snippet shows before the span.
const SNIPPET_BEFORE: usize = 50;

impl Snippet {
    /// The line `line` (the bytes of `source` it spans) with the span at `column` (1-based,
    /// in characters) of `len` characters; a line wider than a terminal keeps the span and
    /// some context, the cuts marked with `…`.
    fn of(source: Arc<str>, line: Range<usize>, column: usize, len: usize) -> Snippet {
        let text = source.get(line.clone()).unwrap_or("");
        let width = text.chars().count();
        if width <= SNIPPET_WIDTH {
            return Snippet {
                source,
                shown: line,
                cut_before: false,
                cut_after: false,
                column,
            };
        }
        let span_start = column.saturating_sub(1).min(width);
        let start = span_start.saturating_sub(SNIPPET_BEFORE);
        let end = (span_start + len.max(1))
            .max(start + SNIPPET_WIDTH)
            .min(width);
        let byte = |chars: usize| {
            text.char_indices()
                .nth(chars)
                .map_or(text.len(), |(i, _)| i)
        };
        Snippet {
            shown: line.start + byte(start)..line.start + byte(end),
            source,
            cut_before: start > 0,
            cut_after: end < width,
            column: span_start - start + 1 + usize::from(start > 0),
        }
    }

    /// The snippet as printed.
    pub fn text(&self) -> String {
        let shown = self.source.get(self.shown.clone()).unwrap_or("");
        let mut text = String::with_capacity(shown.len() + 6);
        if self.cut_before {
            text.push('…');
        }
        text.push_str(shown);
        if self.cut_after {
            text.push('…');
        }
        text
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
        self.snippet = text.lines().nth(line - 1).map(|l| {
            let l = l.trim_end();
            Snippet::of(Arc::from(l), 0..l.len(), column, len)
        });
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
        text: &Arc<str>,
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
        let shown = lines.line_range(text, line);
        let trimmed = text.get(shown.clone()).map_or(0, |l| l.trim_end().len());
        located.snippet = Some(Snippet::of(
            Arc::clone(text),
            shown.start..shown.start + trimmed,
            column,
            len,
        ));
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
        text.get(self.line_range(text, line)).unwrap_or("")
    }

    /// The bytes of 1-based line `line`, without its line break.
    pub fn line_range(&self, text: &str, line: usize) -> Range<usize> {
        let start = self
            .starts
            .get(line.wrapping_sub(1))
            .copied()
            .unwrap_or(text.len());
        let end = self
            .starts
            .get(line)
            .map_or(text.len(), |next| next.saturating_sub(1))
            .max(start);
        let line_text = text.get(start..end).unwrap_or("");
        start..start + line_text.trim_end_matches('\r').len()
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
        // `--> file:line:column`
        let place = |pos: &Loc| {
            format!(
                "{} {}:{}:{}",
                paint(p.frame, "-->"),
                self.file,
                pos.line,
                pos.column
            )
        };
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
                let text = snippet.text();
                let gutter = pos.line.to_string().len();
                let pad = " ".repeat(gutter);
                out.push_str(&format!("{pad}{}\n", place(pos)));
                out.push_str(&format!("{pad} {}\n", paint(p.frame, "|")));
                out.push_str(&format!(
                    "{} {}\n",
                    paint(p.frame, &format!("{} |", pos.line)),
                    text
                ));
                // Tabs keep their width so the carets line up under the span.
                let column = snippet.column.max(1);
                let lead: String = text
                    .chars()
                    .take(column - 1)
                    .map(|c| if c == '\t' { '\t' } else { ' ' })
                    .collect();
                let available = text.chars().count().saturating_sub(column - 1);
                let carets = "^".repeat(pos.len.min(available.max(1)));
                out.push_str(&format!(
                    "{pad} {} {lead}{}\n",
                    paint(p.frame, "|"),
                    paint(style, &carets)
                ));
                help(&mut out, &format!("{pad} "));
            }
            (Some(pos), None) => {
                out.push_str(&format!("  {}\n", place(pos)));
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
/// Every error is kept; warnings past a limit (a build shows only the first few) are only
/// counted, with the files they are in, so thousands of them cost no memory.
#[derive(Debug, Clone)]
pub struct Diagnostics {
    items: Vec<Diagnostic>,
    /// How many warnings are kept in full.
    keep_warnings: usize,
    kept_warnings: usize,
    /// The warnings past the limit: how many, and the files they are in.
    counted: usize,
    counted_files: BTreeSet<String>,
}

impl Default for Diagnostics {
    fn default() -> Self {
        Diagnostics::keeping_warnings(usize::MAX)
    }
}

impl Diagnostics {
    pub fn new() -> Self {
        Self::default()
    }

    /// Diagnostics that keep every error but only the first `n` warnings in full.
    pub fn keeping_warnings(n: usize) -> Self {
        Diagnostics {
            items: Vec::new(),
            keep_warnings: n,
            kept_warnings: 0,
            counted: 0,
            counted_files: BTreeSet::new(),
        }
    }

    /// Empty diagnostics with the same limit on warnings as these.
    pub fn like(&self) -> Self {
        Diagnostics::keeping_warnings(self.keep_warnings)
    }

    /// Whether a warning pushed now would be kept in full; when not, a stage with many can
    /// [`count_warning`](Self::count_warning) instead of building each.
    pub fn keeps_more_warnings(&self) -> bool {
        self.kept_warnings < self.keep_warnings
    }

    /// Counts a warning in `file` that would not be kept.
    pub fn count_warning(&mut self, file: &str) {
        self.counted += 1;
        if !self.counted_files.contains(file) {
            self.counted_files.insert(file.to_string());
        }
    }

    pub fn push(&mut self, diagnostic: Diagnostic) {
        if diagnostic.severity == Severity::Warning {
            if !self.keeps_more_warnings() {
                self.count_warning(&diagnostic.file);
                return;
            }
            self.kept_warnings += 1;
        }
        self.items.push(diagnostic);
    }

    pub fn extend(&mut self, other: Diagnostics) {
        for d in other.items {
            self.push(d);
        }
        self.counted += other.counted;
        self.counted_files.extend(other.counted_files);
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
            + self.counted
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty() && self.counted == 0
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
            let files: BTreeSet<&str> = self
                .items
                .iter()
                .filter(|d| d.severity == Severity::Warning)
                .map(|d| d.file.as_str())
                .chain(self.counted_files.iter().map(String::as_str))
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
        self.kept_warnings = 0;
        if self.counted > 0 {
            let files = self.counted_files.len();
            self.items.push(Diagnostic::error(
                &format!("{files} files"),
                format!("{} more warnings, counted but not kept", self.counted),
            ));
            self.counted = 0;
            self.counted_files.clear();
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
        let b = super::Diagnostic::error("f", "m").at_offset_in(
            &std::sync::Arc::from(text),
            &index,
            17,
            6,
        );
        assert_eq!(a, b);
        // A long line is cut the same way whichever way the diagnostic was placed.
        let long = format!(
            "short\n{}数字 here{}\r\nend",
            "é".repeat(150),
            "x".repeat(150)
        );
        let index = super::LineIndex::new(&long);
        let at = long.find("here").unwrap();
        let a = super::Diagnostic::error("f", "m").at_offset(&long, at, 4);
        let b = super::Diagnostic::error("f", "m").at_offset_in(
            &std::sync::Arc::from(long.as_str()),
            &index,
            at,
            4,
        );
        assert_eq!(a, b);
        assert_eq!(a.render(false), b.render(false));
        assert!(a.render(false).contains("…éé"), "{}", a.render(false));
    }

    #[test]
    fn past_the_limit_warnings_are_counted_with_their_files_and_errors_are_all_kept() {
        use super::{Diagnostic, Diagnostics};
        let mut kept = Diagnostics::keeping_warnings(2);
        let mut from_a_file = Diagnostics::new();
        for (file, n) in [
            ("a.md", 1),
            ("b.md", 2),
            ("b.md", 3),
            ("c.md", 4),
            ("c.md", 5),
        ] {
            from_a_file.push(Diagnostic::error(file, format!("w{n}")).warning());
        }
        from_a_file.push(Diagnostic::error("c.md", "an error"));
        kept.extend(from_a_file);
        kept.push(Diagnostic::error("d.md", "w6").warning());
        assert_eq!(kept.warning_count(), 6);
        assert_eq!(kept.error_count(), 1);
        let kept_messages: Vec<&str> = kept.iter().map(|d| d.message.as_str()).collect();
        assert_eq!(kept_messages, ["w1", "w2", "an error"]);
        let text = kept.render(false);
        assert!(
            text.contains("… and 4 more warnings not shown (6 in all, in 4 files)"),
            "{text}"
        );
        assert!(text.ends_with("1 error, 6 warnings\n"), "{text}");
        let denied = kept.deny_warnings();
        assert_eq!(denied.warning_count(), 0);
        assert_eq!(
            denied.error_count(),
            4,
            "two kept, the error, and the count of the rest"
        );
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
