//! A quick reader for the plain YAML most content is written in: block maps and lists,
//! one value per line, plain or quoted text without escapes, whole numbers and decimals,
//! `true` and `false`, and lists of plain words in brackets. It gives the same tree, with
//! the same positions, as the full parser would, and gives up (`None`) on anything else:
//! comments after a value, text over several lines, anchors, escapes, unusual numbers,
//! duplicate keys, tabs. The full parser then reads the text and reports what is wrong.
//! Front matter and chart blocks are read thousands of times in a large site; the full
//! parser's start-up for each of them cost more than reading them.

use super::node::{Node, NodeKind};

/// How deep the quick reader follows blocks; deeper text goes to the full parser.
const MAX_DEPTH: usize = 8;

/// `text` as a tree, or `None` when it is not in the plain form this reader knows.
pub fn parse(text: &str) -> Option<Node> {
    if text.contains(['\t', '\r', '\u{feff}']) {
        return None;
    }
    let mut lines = Vec::new();
    let mut start = 0;
    for line in text.split_inclusive('\n') {
        let body = line.strip_suffix('\n').unwrap_or(line);
        let content = body.trim_start_matches(' ');
        let indent = body.len() - content.len();
        let content = content.trim_end_matches(' ');
        if !(content.is_empty() || content.starts_with('#')) {
            if content.starts_with("---") || content.starts_with("...") {
                return None;
            }
            lines.push(Line {
                at: start + indent,
                indent,
                content,
            });
        }
        start += line.len();
    }
    let first = *lines.first()?;
    if first.indent != 0 {
        return None;
    }
    let mut reader = Quick { lines, next: 0 };
    let node = reader.block(0, 0)?;
    // Every line must have been read: one left over is indented as nothing before it is.
    (reader.next == reader.lines.len()).then_some(node)
}

/// A line with something on it: where its text starts, its indent and its text.
#[derive(Clone, Copy)]
struct Line<'t> {
    at: usize,
    indent: usize,
    content: &'t str,
}

struct Quick<'t> {
    lines: Vec<Line<'t>>,
    next: usize,
}

impl<'t> Quick<'t> {
    /// The map or list starting at the next line, which is indented `indent`.
    fn block(&mut self, indent: usize, depth: usize) -> Option<Node> {
        if depth > MAX_DEPTH {
            return None;
        }
        let line = self.lines.get(self.next)?;
        if line.indent != indent {
            return None;
        }
        if is_item(line.content) {
            self.list(indent, depth)
        } else {
            self.map(indent, depth)
        }
    }

    fn map(&mut self, indent: usize, depth: usize) -> Option<Node> {
        let mut entries: Vec<(Node, Node)> = Vec::new();
        let mut at = None;
        while let Some(&line) = self.lines.get(self.next) {
            if line.indent < indent {
                break;
            }
            if line.indent > indent || is_item(line.content) {
                return None;
            }
            let (key_text, rest) = split_key(line.content)?;
            let key = plain(key_text, line.at)?;
            if entries.iter().any(|(k, _)| k.kind == key.kind) {
                return None;
            }
            at.get_or_insert(line.at);
            self.next += 1;
            let value_at = line.at + (line.content.len() - rest.len());
            let value = if rest.is_empty() {
                self.nested(indent, true, depth)?
            } else {
                value(rest, value_at)?
            };
            entries.push((key, value));
        }
        Some(collection(NodeKind::Map(entries), at?))
    }

    fn list(&mut self, indent: usize, depth: usize) -> Option<Node> {
        let mut items = Vec::new();
        let at = self.lines.get(self.next)?.at;
        while let Some(&line) = self.lines.get(self.next) {
            if line.indent < indent {
                break;
            }
            if line.indent > indent {
                return None;
            }
            if !is_item(line.content) {
                // The next key of the map this list is the value of, at the same indent.
                break;
            }
            let rest = line.content.get(1..)?;
            let item = rest.trim_start_matches(' ');
            let item_indent = indent + 1 + (rest.len() - item.len());
            let item_at = line.at + 1 + (rest.len() - item.len());
            if item.is_empty() {
                self.next += 1;
                items.push(self.nested(indent, false, depth)?);
            } else if split_key(item).is_some() {
                // `- key: value`: a map whose first line starts after the dash.
                if let Some(slot) = self.lines.get_mut(self.next) {
                    *slot = Line {
                        at: item_at,
                        indent: item_indent,
                        content: item,
                    };
                }
                items.push(self.block(item_indent, depth + 1)?);
            } else if is_item(item) {
                return None;
            } else {
                self.next += 1;
                items.push(value(item, item_at)?);
            }
        }
        // A list is where its first dash is.
        Some(collection(NodeKind::Seq(items), at))
    }

    /// The value of a key or item with nothing after it on its line: the block indented
    /// under it, a list at the key's own indent (YAML allows it for a key's value), or
    /// nothing.
    fn nested(&mut self, indent: usize, of_key: bool, depth: usize) -> Option<Node> {
        match self.lines.get(self.next) {
            Some(next) if next.indent > indent => self.block(next.indent, depth + 1),
            Some(next) if of_key && next.indent == indent && is_item(next.content) => {
                // A list at its key's indent is where its first item is (with a dash
                // alone on the first line, somewhere not worth matching).
                if next.content == "-" {
                    return None;
                }
                let mut list = self.block(indent, depth + 1)?;
                if let NodeKind::Seq(items) = &list.kind {
                    list.offset = items.first()?.offset;
                }
                Some(list)
            }
            // An empty value: where the full parser places it is not worth matching.
            _ => None,
        }
    }
}

fn collection(kind: NodeKind, at: usize) -> Node {
    Node {
        kind,
        line: 0,
        column: 0,
        len: 1,
        offset: Some(at),
    }
}

/// A list item: a dash followed by a space or nothing.
fn is_item(content: &str) -> bool {
    content == "-" || content.starts_with("- ")
}

/// `key: rest` (rest without its leading spaces, maybe empty) for a line holding a key
/// written as a plain word.
fn split_key(content: &str) -> Option<(&str, &str)> {
    let end = content
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '-'))
        .unwrap_or(content.len());
    let (key, rest) = content.split_at(end);
    let rest = rest.strip_prefix(':')?;
    if key.is_empty() || !(rest.is_empty() || rest.starts_with(' ')) {
        return None;
    }
    Some((key, rest.trim_start_matches(' ')))
}

/// A value on the rest of a line: quoted text, a list of plain words in brackets, or a
/// plain scalar.
fn value(text: &str, at: usize) -> Option<Node> {
    match text.as_bytes().first()? {
        b'"' | b'\'' => quoted(text, at),
        b'[' => flow_list(text, at),
        _ => plain(text, at),
    }
}

fn quoted(text: &str, at: usize) -> Option<Node> {
    let quote = text.get(..1)?;
    let inner = text.strip_prefix(quote)?.strip_suffix(quote)?;
    if inner.contains(quote) || inner.contains('\\') {
        return None;
    }
    Some(Node {
        kind: NodeKind::Str(inner.to_string()),
        line: 0,
        column: 0,
        len: inner.chars().count(),
        offset: Some(at),
    })
}

fn flow_list(text: &str, at: usize) -> Option<Node> {
    let inner = text.strip_prefix('[')?.strip_suffix(']')?;
    let mut items = Vec::new();
    if !inner.trim_matches(' ').is_empty() {
        let mut offset = at + 1;
        for part in inner.split(',') {
            let item = part.trim_start_matches(' ');
            let item_at = offset + (part.len() - item.len());
            let item = item.trim_end_matches(' ');
            if item.contains(['[', ']', '{', '}', '"', '\'']) {
                return None;
            }
            items.push(plain(item, item_at)?);
            offset += part.len() + 1;
        }
    }
    Some(collection(NodeKind::Seq(items), at))
}

/// Words YAML (or a lenient reader of it) may take for something other than text.
/// (`yes`, `no`, `y` and `n` are text: booleans are YAML 1.2's.)
const SPECIAL: [&str; 7] = ["~", "null", "true", "false", "inf", "nan", "infinity"];

/// A plain scalar: text, a whole number, a decimal, `true` or `false`.
fn plain(text: &str, at: usize) -> Option<Node> {
    let first = text.chars().next()?;
    // Every indicator YAML gives a meaning to is ASCII, so text may start with any other
    // character that is not a space or a control (《南华早报》, “quoted”).
    let simple = first.is_alphanumeric()
        || first == '('
        || (first == '-' && text.len() > 1)
        || !(first.is_ascii() || first.is_whitespace() || first.is_control());
    if !simple
        || text.contains(": ")
        || text.contains(" #")
        || text.ends_with(':')
        || text.contains(['\n', '\t'])
    {
        return None;
    }
    let node = |kind, len| {
        Some(Node {
            kind,
            line: 0,
            column: 0,
            len,
            offset: Some(at),
        })
    };
    match text {
        "true" => return node(NodeKind::Bool(true), 4),
        "false" => return node(NodeKind::Bool(false), 5),
        _ => {}
    }
    let lower = text.to_ascii_lowercase();
    if SPECIAL.contains(&lower.as_str()) {
        return None;
    }
    let digits = text.strip_prefix('-').unwrap_or(text);
    if digits.starts_with(|c: char| c.is_ascii_digit()) {
        let (whole, fraction) = match digits.split_once('.') {
            Some((w, f)) => (w, Some(f)),
            None => (digits, None),
        };
        let all_digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
        let plain_whole = all_digits(whole) && (whole == "0" || !whole.starts_with('0'));
        return match fraction {
            None if plain_whole => node(NodeKind::Int(text.parse().ok()?), text.len()),
            Some(f) if plain_whole && all_digits(f) => {
                node(NodeKind::Float(text.parse().ok()?), text.len())
            }
            _ if is_period(text) || !number_like(text) => {
                node(NodeKind::Str(text.to_string()), text.chars().count())
            }
            _ => None,
        };
    }
    if first == '-' {
        return None;
    }
    node(NodeKind::Str(text.to_string()), text.chars().count())
}

/// Whether any reader could take `text` for a number, a date or a time: only digits,
/// letters and `.+-_:` (`10% growth` and `3 vendors` are text to all of them).
fn number_like(text: &str) -> bool {
    text.bytes()
        .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'+' | b'-' | b'_' | b':'))
}

/// `2023-Q3`, `2023-H1`: text, as every YAML reader takes it.
fn is_period(text: &str) -> bool {
    let b = text.as_bytes();
    b.len() == 7
        && b.get(..4).is_some_and(|y| y.iter().all(u8::is_ascii_digit))
        && b.get(4) == Some(&b'-')
        && matches!(
            (b.get(5), b.get(6)),
            (Some(b'Q'), Some(b'1'..=b'4')) | (Some(b'H'), Some(b'1'..=b'2'))
        )
}
