//! A YAML value as content reads it: a tree of nodes that remember where they were
//! written, whichever parser made it.

use crate::diagnostics::Loc;

#[derive(Clone, Debug, PartialEq)]
pub enum NodeKind {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(String),
    Seq(Vec<Node>),
    Map(Vec<(Node, Node)>),
}

/// A YAML value with its 1-based line and column and the length of its text (for scalars).
#[derive(Clone, Debug, PartialEq)]
pub struct Node {
    pub kind: NodeKind,
    pub line: usize,
    pub column: usize,
    pub len: usize,
    /// Where the parser found it, as a byte offset into the text parsed, when it says; the
    /// line and column are worked out from it once the whole text is parsed.
    pub offset: Option<usize>,
}

impl Node {
    pub fn describe(&self) -> &'static str {
        match self.kind {
            NodeKind::Null => "nothing",
            NodeKind::Bool(_) => "a true/false value",
            NodeKind::Int(_) | NodeKind::Float(_) => "a number",
            NodeKind::Str(_) => "text",
            NodeKind::Seq(_) => "a list",
            NodeKind::Map(_) => "a map of keys to values",
        }
    }

    /// The scalar as text, as an editor would read it (`2021` the number reads as "2021").
    pub fn as_text(&self) -> Option<String> {
        match &self.kind {
            NodeKind::Str(s) => Some(s.clone()),
            NodeKind::Int(i) => Some(i.to_string()),
            NodeKind::Float(f) => Some(f.to_string()),
            NodeKind::Bool(b) => Some(b.to_string()),
            _ => None,
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match &self.kind {
            NodeKind::Str(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_f64(&self) -> Option<f64> {
        match self.kind {
            NodeKind::Int(i) => Some(i as f64),
            NodeKind::Float(f) if f.is_finite() => Some(f),
            _ => None,
        }
    }

    pub fn is_null(&self) -> bool {
        matches!(self.kind, NodeKind::Null)
    }

    /// Where the node was written.
    pub fn loc(&self) -> Loc {
        Loc {
            line: self.line,
            column: self.column,
            len: self.len,
        }
    }
}
