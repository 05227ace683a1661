//! YAML as a tree of nodes that remember where they were written. serde-saphyr does the
//! parsing (and rejects duplicate keys); we read the tree by hand so that every type error,
//! unknown key and bad reference can point at its own line and column.

use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_saphyr::Spanned;

pub use super::node::{Node, NodeKind};
use crate::diagnostics::{Diagnostic, Diagnostics, Loc, suggestion};
use crate::model::{Ref, SourceFile, Translation, Translations};
use crate::period::Period;

struct Kind(NodeKind);

impl<'de> Deserialize<'de> for Kind {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(KindVisitor)
    }
}

struct KindVisitor;

impl<'de> Visitor<'de> for KindVisitor {
    type Value = Kind;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("any YAML value")
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Kind, E> {
        Ok(Kind(NodeKind::Bool(v)))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Kind, E> {
        Ok(Kind(NodeKind::Int(v)))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Kind, E> {
        Ok(Kind(
            i64::try_from(v).map_or(NodeKind::Float(v as f64), NodeKind::Int),
        ))
    }
    fn visit_i128<E: de::Error>(self, v: i128) -> Result<Kind, E> {
        Ok(Kind(NodeKind::Float(v as f64)))
    }
    fn visit_u128<E: de::Error>(self, v: u128) -> Result<Kind, E> {
        Ok(Kind(NodeKind::Float(v as f64)))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Kind, E> {
        Ok(Kind(NodeKind::Float(v)))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Kind, E> {
        Ok(Kind(NodeKind::Str(v.to_string())))
    }
    fn visit_string<E: de::Error>(self, v: String) -> Result<Kind, E> {
        Ok(Kind(NodeKind::Str(v)))
    }
    fn visit_unit<E: de::Error>(self) -> Result<Kind, E> {
        Ok(Kind(NodeKind::Null))
    }
    fn visit_none<E: de::Error>(self) -> Result<Kind, E> {
        Ok(Kind(NodeKind::Null))
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Kind, D::Error> {
        Kind::deserialize(d)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Kind, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element::<Node>()? {
            items.push(item);
        }
        Ok(Kind(NodeKind::Seq(items)))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Kind, A::Error> {
        let mut entries = Vec::new();
        while let Some((key, value)) = map.next_entry::<Node, Node>()? {
            entries.push((key, value));
        }
        Ok(Kind(NodeKind::Map(entries)))
    }
}

impl<'de> Deserialize<'de> for Node {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let spanned = Spanned::<Kind>::deserialize(deserializer)?;
        let at = spanned.referenced;
        let kind = spanned.value.0;
        let len = match &kind {
            NodeKind::Str(s) => s.chars().count(),
            NodeKind::Seq(_) | NodeKind::Map(_) | NodeKind::Null => 1,
            _ => at.span().len().max(1) as usize,
        };
        Ok(Node {
            kind,
            line: at.line() as usize,
            column: at.column() as usize,
            len,
            offset: at
                .span()
                .byte_offset()
                .and_then(|o| usize::try_from(o).ok()),
        })
    }
}

/// Parses a whole YAML file, reporting a syntax error as a diagnostic.
pub fn parse_file(file: &SourceFile, diagnostics: &mut Diagnostics) -> Option<Node> {
    match parse_yaml(file, &file.text, 1) {
        Ok(node) => Some(node),
        Err(d) => {
            diagnostics.push(*d);
            None
        }
    }
}

/// Parses `text` (the whole of `file`, or the front matter of a markdown file starting at
/// `first_line`) into a node tree, or one diagnostic pointing at the syntax error.
pub fn parse_yaml(
    file: &SourceFile,
    text: &str,
    first_line: usize,
) -> Result<Node, Box<Diagnostic>> {
    if text.trim().is_empty() {
        return Ok(Node {
            kind: NodeKind::Map(Vec::new()),
            line: first_line,
            column: 1,
            len: 1,
            offset: None,
        });
    }
    if let Some(mut node) = super::quick_yaml::parse(text) {
        place(&mut node, &Lines::of(text), first_line);
        return Ok(node);
    }
    full(file, text, first_line)
}

/// `parse_yaml` by the full parser alone.
fn full(file: &SourceFile, text: &str, first_line: usize) -> Result<Node, Box<Diagnostic>> {
    // YAML 1.2 booleans only, so `y:` and `no:` are keys and text, not true and false.
    let mut options = serde_saphyr::Options::default();
    options.strict_booleans = true;
    options.with_snippet = false;
    // Every level of nesting is a level of recursion in the deserializer and in the node
    // tree; content needs six at most, and a deep file must be an error, not a stack overflow.
    let mut budget = serde_saphyr::Budget::default();
    budget.max_depth = MAX_DEPTH;
    options.budget = Some(budget);
    match serde_saphyr::from_str_with_options::<Node>(text, options) {
        Ok(mut node) => {
            place(&mut node, &Lines::of(text), first_line);
            Ok(node)
        }
        Err(err) => {
            let location = err.location();
            let message = yaml_error_message(&err);
            let mut diagnostic = Diagnostic::error(&file.path, message.0).with_hint(message.1);
            if let Some(loc) = location {
                let lines = Lines::of(text);
                let found = match loc.span().byte_offset() {
                    Some(offset) => lines.position(usize::try_from(offset).unwrap_or(usize::MAX)),
                    None => (loc.line() as usize, loc.column() as usize),
                };
                let (line, column) = lines.within(found);
                diagnostic = diagnostic.at(&file.text, line + first_line - 1, column, 1);
            }
            Err(Box::new(diagnostic))
        }
    }
}

/// The lines of a text as diagnostics count them (ended by `\n`), to turn the parser's byte
/// offsets into lines and columns. The parser counts lines its own way (a lone `\r` ends one
/// for YAML), which would point past the line meant, or past the end of the file.
struct Lines<'t> {
    text: &'t str,
    /// The byte offset where each line starts.
    starts: Vec<usize>,
    /// How many lines the text has, and the length of the last (in characters).
    count: usize,
    last: usize,
}

impl<'t> Lines<'t> {
    fn of(text: &'t str) -> Lines<'t> {
        let starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        Lines {
            text,
            starts,
            count: text.lines().count(),
            last: text.lines().next_back().map_or(0, |l| l.chars().count()),
        }
    }

    /// The 1-based line and column (in characters) of a byte offset.
    fn position(&self, offset: usize) -> (usize, usize) {
        let mut offset = offset.min(self.text.len());
        while !self.text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = self.starts.partition_point(|&start| start <= offset).max(1);
        let start = self.starts.get(line - 1).copied().unwrap_or(0);
        let column = self
            .text
            .get(start..offset)
            .map_or(0, |t| t.chars().count())
            + 1;
        (line, column)
    }

    /// `position` moved onto a line the text has: a position after the last line (an
    /// unclosed quote or a block cut short is found at the very end) goes to the end of the
    /// last line, the one that ends too soon.
    fn within(&self, (line, column): (usize, usize)) -> (usize, usize) {
        if line > self.count && self.count > 0 {
            (self.count, self.last + 1)
        } else {
            (line, column)
        }
    }
}

/// Gives every node of a tree parsed from `lines` its line (counted from `first_line`, where
/// the text starts in its file) and column.
fn place(node: &mut Node, lines: &Lines, first_line: usize) {
    let (line, column) = match node.offset {
        Some(offset) => lines.within(lines.position(offset)),
        None => (node.line, node.column),
    };
    node.line = line + first_line - 1;
    node.column = column;
    match &mut node.kind {
        NodeKind::Seq(items) => items.iter_mut().for_each(|n| place(n, lines, first_line)),
        NodeKind::Map(entries) => entries.iter_mut().for_each(|(k, v)| {
            place(k, lines, first_line);
            place(v, lines, first_line);
        }),
        _ => {}
    }
}

/// How deep maps and lists may nest in a YAML file (a dataset's values nest six deep).
const MAX_DEPTH: usize = 16;

/// The first line of serde-saphyr's message (without its own snippet), and a hint.
fn yaml_error_message(err: &serde_saphyr::Error) -> (String, String) {
    if let serde_saphyr::Error::Budget {
        breach: serde_saphyr::budget::BudgetBreach::Depth { .. },
        ..
    } = err
    {
        return (
            format!("invalid YAML: maps and lists nested more than {MAX_DEPTH} deep"),
            "content never nests this deep: check the brackets and the indentation".to_string(),
        );
    }
    let full = err.to_string();
    let first = full
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty())
        .unwrap_or("invalid YAML");
    let first = first.strip_prefix("error: ").unwrap_or(first);
    // serde-saphyr prefixes "line L column C: "; we print the position ourselves.
    let first = match first
        .strip_prefix("line ")
        .and_then(|rest| rest.split_once(": "))
    {
        Some((_, message)) => message,
        None => first,
    };
    // …and sometimes suffixes " at line L, column C" too.
    let first = match first.rfind(" at line ") {
        Some(i) if first[i..].contains("column") => &first[..i],
        _ => first,
    };
    if let Some(rest) = first.strip_prefix("duplicate mapping key: ") {
        let key = rest.split(',').next().unwrap_or(rest).trim();
        return (
            format!("duplicate key `{key}`"),
            "each key may appear once in a map: remove or rename one of them".to_string(),
        );
    }
    (
        format!("invalid YAML: {first}"),
        "check the indentation and quoting on this line; text with `: ` or starting with `%`, `@`, `*` or `&` needs quotes".to_string(),
    )
}

/// Reads typed values out of nodes, turning every mismatch into a diagnostic for `file`.
pub struct Reader<'a> {
    pub file: &'a SourceFile,
    pub diagnostics: &'a mut Diagnostics,
}

impl<'a> Reader<'a> {
    pub fn new(file: &'a SourceFile, diagnostics: &'a mut Diagnostics) -> Self {
        Reader { file, diagnostics }
    }

    /// A reader for the same file and diagnostics, for a helper that takes its own.
    pub fn reborrow(&mut self) -> Reader<'_> {
        Reader {
            file: self.file,
            diagnostics: self.diagnostics,
        }
    }

    pub fn error_at(&mut self, node: &Node, message: impl Into<String>, hint: impl Into<String>) {
        self.error_at_loc(node.loc(), message, hint);
    }

    pub fn error_at_loc(&mut self, at: Loc, message: impl Into<String>, hint: impl Into<String>) {
        let hint = hint.into();
        let mut d = Diagnostic::error(&self.file.path, message).at_loc(&self.file.text, at);
        if !hint.is_empty() {
            d = d.with_hint(hint);
        }
        self.diagnostics.push(d);
    }

    /// A reference by id to a source, vendor, dataset, column or page, with where it was
    /// written; whether it resolves is for `validate` to say.
    pub fn reference(&mut self, node: &Node, what: &str) -> Option<Ref> {
        let id = self.text(node, what)?;
        Some(Ref { id, at: node.loc() })
    }

    /// An id the site makes a file or an anchor of: lowercase letters, digits, `-` and `_`.
    pub fn id(&mut self, node: &Node, what: &str) -> Option<String> {
        let id = self.text(node, what)?;
        let ok = !id.is_empty()
            && id
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_');
        if !ok {
            self.error_at(
                node,
                format!("`{id}` is not a valid id"),
                "ids use lowercase letters, digits, `-` and `_` only",
            );
            return None;
        }
        Some(id)
    }

    /// A period such as `2023-Q3`, `2023-H1` or `2023`.
    pub fn period(&mut self, node: &Node) -> Option<Period> {
        let text = match &node.kind {
            NodeKind::Str(s) => s.clone(),
            NodeKind::Int(i) => i.to_string(),
            _ => {
                self.error_at(
                    node,
                    format!("expected a period, found {}", node.describe()),
                    "write `2023-Q3`, `2023-H1` or `2023`",
                );
                return None;
            }
        };
        match text.parse::<Period>() {
            Ok(p) => Some(p),
            Err(e) => {
                self.error_at(node, e.0, "");
                None
            }
        }
    }

    /// One text or a list of texts (`firm: Canalys` or `firm: [IDC, Canalys]`).
    pub fn text_or_list(&mut self, node: &Node, what: &str) -> Vec<String> {
        match &node.kind {
            NodeKind::Seq(items) => items.iter().filter_map(|i| self.text(i, what)).collect(),
            _ => self.text(node, what).into_iter().collect(),
        }
    }

    /// The entries of a map, or an error if `node` is something else.
    pub fn map<'n>(&mut self, node: &'n Node, what: &str) -> &'n [(Node, Node)] {
        match &node.kind {
            NodeKind::Map(entries) => entries,
            _ => {
                self.error_at(
                    node,
                    format!(
                        "expected {what} as a map of keys to values, found {}",
                        node.describe()
                    ),
                    "",
                );
                &[]
            }
        }
    }

    pub fn seq<'n>(&mut self, node: &'n Node, what: &str) -> &'n [Node] {
        match &node.kind {
            NodeKind::Seq(items) => items,
            NodeKind::Null => &[],
            _ => {
                self.error_at(
                    node,
                    format!("expected {what} as a list, found {}", node.describe()),
                    "start each item on its own line with `- `",
                );
                &[]
            }
        }
    }

    /// Checks a map's keys against `allowed`, reporting unknown ones with a suggestion.
    pub fn fields<'n>(
        &mut self,
        entries: &'n [(Node, Node)],
        allowed: &[&str],
        what: &str,
    ) -> Fields<'n> {
        self.fields_translated(entries, allowed, &[], what)
    }

    /// `fields`, also taking the translations of the `translatable` ones: `title_zh` is
    /// `title` in the language published under `zh/`.
    pub fn fields_translated<'n>(
        &mut self,
        entries: &'n [(Node, Node)],
        allowed: &[&str],
        translatable: &[&str],
        what: &str,
    ) -> Fields<'n> {
        let mut fields = Fields {
            entries: Vec::new(),
            translated: Vec::new(),
            originals: Vec::new(),
        };
        for (key, value) in entries {
            let Some(name) = key.as_text() else {
                self.error_at(
                    key,
                    format!("a key of {what} must be text, found {}", key.describe()),
                    "",
                );
                continue;
            };
            if !allowed.contains(&name.as_str()) {
                if let Some((field, suffix)) = translation_key(&name, translatable) {
                    fields.translated.push((field, suffix, value));
                    continue;
                }
                let hint = suggestion(&name, "key", allowed.iter().copied());
                self.error_at(key, format!("unknown key `{name}` in {what}"), hint);
                continue;
            }
            if translatable.contains(&name.as_str()) {
                fields.originals.push((name.clone(), key.loc()));
            }
            fields.entries.push((name, key, value));
        }
        fields
    }

    pub fn text(&mut self, node: &Node, what: &str) -> Option<String> {
        match &node.kind {
            NodeKind::Str(s) => Some(s.clone()),
            NodeKind::Int(_) | NodeKind::Float(_) | NodeKind::Bool(_) => node.as_text(),
            _ => {
                self.error_at(
                    node,
                    format!("expected {what} as text, found {}", node.describe()),
                    "",
                );
                None
            }
        }
    }

    pub fn number(&mut self, node: &Node, what: &str) -> Option<f64> {
        match node.as_f64() {
            Some(n) => Some(n),
            None => {
                let hint = match node.as_str() {
                    Some(s)
                        if s.trim_start().starts_with(['>', '<', '~'])
                            || s.contains("over")
                            || s.contains("about") =>
                    {
                        "write the number alone and add `qualifier: over` (or under, about) in a value map"
                    }
                    Some(s) if s.ends_with('%') => {
                        "leave out the `%`: the column's unit says what the number means"
                    }
                    Some(_) => "write a plain number such as `9.2`",
                    None => "",
                };
                self.error_at(
                    node,
                    format!("expected {what} as a number, found {}", node.describe()),
                    hint,
                );
                None
            }
        }
    }

    pub fn boolean(&mut self, node: &Node, what: &str) -> Option<bool> {
        match node.kind {
            NodeKind::Bool(b) => Some(b),
            _ => {
                self.error_at(
                    node,
                    format!(
                        "expected {what} as true or false, found {}",
                        node.describe()
                    ),
                    "",
                );
                None
            }
        }
    }
}

/// The recognised entries of a map, looked up by name.
pub struct Fields<'n> {
    entries: Vec<(String, &'n Node, &'n Node)>,
    /// Translated fields: (field, language path, value).
    translated: Vec<(String, String, &'n Node)>,
    /// Where each translatable field was written.
    originals: Vec<(String, Loc)>,
}

/// `title_zh` as a translation of `title` (one of `translatable`) into the language
/// published under `zh`: a path is two or three lowercase letters, then optionally `-` and
/// up to eight letters or digits (`pt-br`).
pub fn translation_key(name: &str, translatable: &[&str]) -> Option<(String, String)> {
    translatable.iter().find_map(|field| {
        let suffix = name.strip_prefix(field)?.strip_prefix('_')?;
        is_language_path(suffix).then(|| (field.to_string(), suffix.to_string()))
    })
}

pub use crate::language::is_language_path;

impl<'n> Fields<'n> {
    /// The translations given beside the fields, read as text.
    pub fn translations(&self, reader: &mut Reader) -> Translations {
        let mut found = Vec::new();
        for (field, suffix, node) in &self.translated {
            if let Some(text) = reader.text(node, &format!("`{field}_{suffix}`")) {
                found.push(Translation {
                    field: field.clone(),
                    suffix: suffix.clone(),
                    text,
                    at: node.loc(),
                });
            }
        }
        Translations(found, self.originals.clone())
    }

    pub fn get(&self, name: &str) -> Option<&'n Node> {
        self.entries
            .iter()
            .find(|(n, _, _)| n == name)
            .map(|(_, _, v)| *v)
    }

    /// A required field; reports it missing at `parent` if absent.
    pub fn require(
        &self,
        name: &str,
        parent: &Node,
        reader: &mut Reader,
        what: &str,
    ) -> Option<&'n Node> {
        let found = self.get(name);
        if found.is_none() {
            reader.error_at(
                parent,
                format!("{what} has no `{name}`"),
                format!("add `{name}:`"),
            );
        }
        found
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Node, Box<Diagnostic>> {
        let file = SourceFile::new("t.yaml", text);
        parse_yaml(&file, text, 1)
    }

    #[test]
    fn nodes_know_their_position() {
        let node = parse("a: 1\nb:\n  - x\n  - 2.5\n").unwrap();
        let NodeKind::Map(entries) = &node.kind else {
            panic!("not a map")
        };
        let (key, value) = &entries[1];
        assert_eq!(key.as_str(), Some("b"));
        assert_eq!((key.line, key.column), (2, 1));
        let NodeKind::Seq(items) = &value.kind else {
            panic!("not a seq")
        };
        assert_eq!((items[0].line, items[0].column), (3, 5));
        assert_eq!(items[1].as_f64(), Some(2.5));
    }

    #[test]
    fn duplicate_keys_are_errors_with_a_line() {
        let err = parse("a: 1\nb: 2\na: 3\n").unwrap_err();
        assert!(err.message.contains("duplicate key"), "{}", err.message);
        assert_eq!(err.position.map(|p| p.line), Some(3));
    }

    #[test]
    fn only_yaml_1_2_booleans_are_booleans() {
        let node = parse("y: yes\nn: true\n").unwrap();
        let NodeKind::Map(entries) = &node.kind else {
            panic!()
        };
        assert_eq!(entries[0].0.as_str(), Some("y"));
        assert_eq!(entries[0].1.as_str(), Some("yes"));
        assert_eq!(entries[1].1.kind, NodeKind::Bool(true));
    }

    #[test]
    fn syntax_errors_point_at_a_line() {
        let err = parse("a: [1, 2\nb: 3\n").unwrap_err();
        assert!(err.message.starts_with("invalid YAML"), "{}", err.message);
        assert!(err.position.is_some());
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_stack_overflow() {
        // Each level costs the deserializer tens of kilobytes of stack in a debug build:
        // sixty levels overflowed a 2 MiB thread before the depth was limited.
        for text in [
            format!("y: {}1{}\n", "[".repeat(60), "]".repeat(60)),
            format!("y: {}1{}\n", "{a: ".repeat(60), "}".repeat(60)),
            (0..60).map(|i| format!("{}a:\n", "  ".repeat(i))).collect(),
        ] {
            let err = parse(&text).unwrap_err();
            assert!(
                err.message.contains("nested more than 16 deep"),
                "{}",
                err.message
            );
            assert_eq!(err.position.map(|p| p.line > 0), Some(true), "{err:?}");
        }
        assert!(parse(&format!("y: {}1{}\n", "[".repeat(15), "]".repeat(15))).is_ok());
    }

    #[test]
    fn an_error_at_the_end_of_the_file_points_at_its_last_line() {
        // An unclosed quote is found at the end of the text, once shown as line 3 of a
        // file of two lines.
        let text = "a: 1\nb: \"open\n";
        let err = parse(text).unwrap_err();
        let at = err.position.expect("a position");
        assert_eq!((at.line, at.column), (2, 9), "{err}");
        assert_eq!(err.snippet.map(|s| s.text()).as_deref(), Some("b: \"open"));
        let file = SourceFile::new("t.md", "---\ntitle: \"open\n---\n");
        let err = parse_yaml(&file, "title: \"open\n", 2).unwrap_err();
        assert_eq!(err.position.map(|p| p.line), Some(2), "{err}");
    }

    #[test]
    fn a_lone_carriage_return_does_not_shift_the_lines() {
        // YAML ends a line at a lone `\r`; diagnostics count lines by `\n`, so positions
        // after one pointed a line too far, past the end of the file at its last line.
        let text = "a: 1\r\nb:\r c: 2\nd: [1\r";
        let err = parse(text).unwrap_err();
        let at = err.position.expect("a position");
        assert!(at.line <= text.lines().count(), "{err:?}");
        let node = parse("a: 1\rb: x\nc: y\n").unwrap();
        let NodeKind::Map(entries) = &node.kind else {
            panic!()
        };
        let lines: Vec<(usize, usize)> = entries.iter().map(|(k, _)| (k.line, k.column)).collect();
        assert_eq!(lines, [(1, 1), (1, 6), (2, 1)]);
        // A file of one line: the document it holds (nothing) is on that line.
        assert_eq!(parse("...\r").unwrap().line, 1);
    }

    #[test]
    fn front_matter_lines_are_shifted() {
        let file = SourceFile::new("t.md", "---\ntitle: x\n---\n");
        let node = parse_yaml(&file, "title: x\n", 2).unwrap();
        let NodeKind::Map(entries) = &node.kind else {
            panic!()
        };
        assert_eq!(entries[0].0.line, 2);
    }

    /// The tree without the parsers' own offsets (`place` has turned them into lines and
    /// columns), to compare what the two readers give.
    fn positions_only(mut node: Node) -> Node {
        node.offset = None;
        node.kind = match node.kind {
            NodeKind::Seq(items) => NodeKind::Seq(items.into_iter().map(positions_only).collect()),
            NodeKind::Map(entries) => NodeKind::Map(
                entries
                    .into_iter()
                    .map(|(k, v)| (positions_only(k), positions_only(v)))
                    .collect(),
            ),
            other => other,
        };
        node
    }

    /// Whether the quick reader takes `text`; when it does, its tree must be the full
    /// parser's, position for position.
    fn quick_agrees(text: &str) -> bool {
        let Some(mut quick) = super::super::quick_yaml::parse(text) else {
            return false;
        };
        place(&mut quick, &Lines::of(text), 3);
        let file = SourceFile::new("t.yaml", text);
        let full = full(&file, text, 3).unwrap_or_else(|e| {
            panic!("the quick reader took what the full parser refuses: {e}\n{text}")
        });
        assert_eq!(positions_only(quick), positions_only(full), "\n{text}");
        true
    }

    /// The YAML texts of the shipped content: data files, front matter and chart blocks.
    fn shipped_yaml() -> Vec<(String, String)> {
        let root = concat!(env!("CARGO_MANIFEST_DIR"), "/content");
        let mut texts = Vec::new();
        for entry in walkdir::WalkDir::new(root).sort_by_file_name() {
            let entry = entry.unwrap();
            let path = entry.path().display().to_string();
            let Ok(text) = std::fs::read_to_string(entry.path()) else {
                continue;
            };
            if path.ends_with(".yaml") {
                texts.push((path, text));
            } else if path.ends_with(".md") {
                if let Some(front) = text
                    .strip_prefix("---\n")
                    .and_then(|rest| rest.split_once("\n---\n"))
                {
                    texts.push((format!("{path} front matter"), format!("{}\n", front.0)));
                }
                for (i, block) in text.split("```chart\n").skip(1).enumerate() {
                    let yaml = block.split("```").next().unwrap_or_default();
                    texts.push((format!("{path} chart {i}"), yaml.to_string()));
                }
            }
        }
        texts
    }

    #[test]
    fn the_quick_reader_reads_the_shipped_content_as_the_full_parser_does() {
        let texts = shipped_yaml();
        assert!(texts.len() > 60, "{}", texts.len());
        let mut untaken = Vec::new();
        for (path, text) in &texts {
            if !quick_agrees(text) {
                untaken.push(path.as_str());
            }
        }
        // Front matter and chart blocks are plain, and read thousands of times in a large
        // site: each must be taken.
        let plain: Vec<&&str> = untaken
            .iter()
            .filter(|p| p.contains("front matter") || p.contains(" chart "))
            .collect();
        assert!(plain.is_empty(), "not taken by the quick reader: {plain:?}");
    }

    #[test]
    fn the_quick_reader_reads_each_form_as_the_full_parser_does() {
        for text in [
            "title: \"Q3 2023: a title\"\nperiod: 2023-Q3\nsummary: It's plain, with (brackets) and 18%.\n",
            "kind: line\ny: [alibaba-cloud, huawei-cloud,  tencent-cloud ]\nfrom: 2022-Q1\nempty: []\n",
            "a: 1\nb: -2.50\nc: 0\nd: true\ne: false\nf: 'single'\ng: 阿里云 (Alibaba Cloud)\nh: yes\ny: n\n",
            "# a comment\ncolumns:\n  spend:\n    label: Spend\n    unit: USD bn\n\n    precision: 1\nrows:\n  - period: 2023\n    spend: 2.0\n  - period: 2024-H1\n    spend:\n      value: 3\n      firm: [IDC, Canalys]\n",
            "list:\n- a\n- b\nnext: c\n",
            "-   a\n- key: v\n  more: w\n-\n  - deep\n  - deeper: x\n",
            "url: https://example.org/a#b\nnote: C# and F#\n",
            "2021: year\n-3: minus\n",
            "caption: 《南华早报》报道的Canalys估算。\nnote: “quoted” and ·dotted·\n",
        ] {
            assert!(quick_agrees(text), "not taken:\n{text}");
        }
        // Forms the quick reader leaves to the full parser.
        for text in [
            "a: 1 # comment\n",
            "a: \"esc\\\"aped\"\n",
            "a: 'it''s'\n",
            "a: >-\n  folded\n",
            "a: plain\n  continued\n",
            "a: &anchor x\nb: *anchor\n",
            "a: 1\na: 2\n",
            "a: ~\n",
            "a:\n",
            "a: True\n",
            "a: 1e3\n",
            "a: 0x1F\n",
            "a: 007\n",
            "a: 2024-01-15\n",
            "a: .5\n",
            "a: {b: 1}\n",
            "a: [x, [y]]\n",
            "a:\tb\n",
            "a: 1\r\n",
            "  a: 1\n",
            "a: 1\n b: 2\n",
            "- a\nb: 1\n",
            "a: b: c\n",
            "a: 99999999999999999999\n",
        ] {
            assert!(!quick_agrees(text), "taken:\n{text}");
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(2000))]

        /// Texts built from plain and tricky pieces: whatever the quick reader takes, it
        /// reads as the full parser does.
        #[test]
        fn the_quick_reader_agrees_with_the_full_parser(
            lines in proptest::collection::vec(
                (0usize..4, 0usize..6, 0usize..12, 0usize..40),
                1..12,
            )
        ) {
            const KEYS: [&str; 6] = ["a", "b", "y", "2021", "key-name", "t_1"];
            const VALUES: [&str; 46] = [
                "1", "01", "-2.5", "1.0", "1e3", "true", "True", "yes", "null", "~", "2023-Q3",
                "2024-01-15", "a: b", "a #b", "a#b", "\"q: x\"", "'s'", "'it''s'", "\"a\\\"b\"",
                "[a, b]", "[]", "[a, [b]]", "阿里云", "(x)", "-x", "- x", "", "x:", ".5", "+1",
                "0x1F", "1_000", "9223372036854775808", "text with spaces", "[1, 2.5, c]",
                "- k: v", "-", "https://a.b/c", "inf", "'[x]'", "《书名》报道", "“q” x",
                "\u{3000}全角空格", "—dash", "·x: y", "。",
            ];
            let mut text = String::new();
            for (indent, key, shape, value) in lines {
                let value = VALUES[value];
                let key = KEYS[key];
                text.push_str(&"  ".repeat(indent));
                match shape {
                    0..=5 => text.push_str(&format!("{key}: {value}")),
                    6 | 7 => text.push_str(&format!("- {value}")),
                    8 => text.push_str(&format!("- {key}: {value}")),
                    9 => text.push_str(&format!("{key}:")),
                    10 => text.push('-'),
                    _ => text.push_str("# note"),
                }
                text.push('\n');
            }
            quick_agrees(&text);
        }
    }

    /// A tree to write as block YAML: a scalar as written, a map or a list.
    #[derive(Clone, Debug)]
    enum Shape {
        Scalar(&'static str),
        Map(Vec<(&'static str, Shape)>),
        List(Vec<Shape>),
    }

    fn shape() -> impl proptest::strategy::Strategy<Value = Shape> {
        use proptest::prelude::*;
        const KEYS: [&str; 8] = ["a", "b", "y", "2021", "key-name", "t_1", "period", "n"];
        const VALUES: [&str; 24] = [
            "1",
            "-2.5",
            "1.0",
            "0",
            "true",
            "false",
            "yes",
            "2023-Q3",
            "2024",
            "a#b",
            "\"q: x\"",
            "'s'",
            "[a, b]",
            "[]",
            "阿里云 (Alibaba)",
            "(x)",
            "text with spaces",
            "[1, 2.5, c]",
            "https://a.b/c",
            "'[x]'",
            "10% growth",
            "US$9.2bn",
            "\"\"",
            "x-y",
        ];
        let scalar = proptest::sample::select(VALUES.to_vec()).prop_map(Shape::Scalar);
        scalar.prop_recursive(4, 40, 5, |inner| {
            prop_oneof![
                proptest::collection::vec(
                    (proptest::sample::select(KEYS.to_vec()), inner.clone()),
                    1..5
                )
                .prop_map(Shape::Map),
                proptest::collection::vec(inner, 1..5).prop_map(Shape::List),
            ]
        })
    }

    /// Writes `shape` as the value of what comes before it on the current line, at
    /// `indent`; `step` is the indent of nested blocks, `compact` writes a list's maps as
    /// `- key: value` and a key's list at the key's own indent, `notes` adds comment and
    /// blank lines.
    fn write(
        shape: &Shape,
        indent: usize,
        step: usize,
        compact: bool,
        notes: bool,
        out: &mut String,
    ) {
        let pad = |n: usize| " ".repeat(n);
        match shape {
            Shape::Scalar(s) => {
                out.push(' ');
                out.push_str(s);
                out.push('\n');
            }
            Shape::Map(entries) => {
                out.push('\n');
                for (k, v) in entries {
                    if notes {
                        out.push_str(&format!("{}# note\n\n", pad(indent)));
                    }
                    out.push_str(&format!("{}{k}:", pad(indent)));
                    let nested = match v {
                        Shape::List(_) if compact => indent,
                        _ => indent + step,
                    };
                    write(v, nested, step, compact, notes, out);
                }
            }
            Shape::List(items) => {
                out.push('\n');
                for item in items {
                    match item {
                        Shape::Map(entries) if compact => {
                            for (i, (k, v)) in entries.iter().enumerate() {
                                let lead = if i == 0 {
                                    format!("{}- ", pad(indent))
                                } else {
                                    pad(indent + 2)
                                };
                                out.push_str(&format!("{lead}{k}:"));
                                write(v, indent + 2 + step, step, compact, notes, out);
                            }
                        }
                        _ => {
                            out.push_str(&format!("{}-", pad(indent)));
                            write(item, indent + step, step, compact, notes, out);
                        }
                    }
                }
            }
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(2000))]

        /// Well-formed block YAML of every shape: the quick reader reads what it takes as
        /// the full parser does.
        #[test]
        fn the_quick_reader_reads_block_yaml_as_the_full_parser_does(
            entries in proptest::collection::vec((proptest::sample::select(vec!["a", "b", "key"]), shape()), 1..4),
            step in 1usize..4,
            compact: bool,
            notes: bool,
        ) {
            let mut text = String::new();
            let mut seen = std::collections::BTreeSet::new();
            for (k, v) in entries.iter().filter(|(k, _)| seen.insert(*k)) {
                text.push_str(&format!("{k}:"));
                let nested = match v {
                    Shape::List(_) if compact => 0,
                    _ => step,
                };
                write(v, nested, step, compact, notes, &mut text);
            }
            quick_agrees(&text);
        }
    }
}
