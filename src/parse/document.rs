//! Briefings and pages: YAML front matter between `---` lines, then a markdown body.

use super::body::split_body;
use super::yaml::{Node, NodeKind, Reader, parse_yaml};
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::model::{Briefing, Page, SourceFile};
use crate::period::Granularity;
use crate::routes::RESERVED_PAGE_IDS;

/// Splits `---` front matter from a markdown file: (front matter text, its first line,
/// body text, the body's byte offset in the file).
fn split_front_matter(file: &SourceFile) -> Option<(&str, usize, &str, usize)> {
    let text = file.text.strip_prefix('\u{feff}').unwrap_or(&file.text);
    let bom = file.text.len() - text.len();
    let first_end = text.find('\n')?;
    if text[..first_end].trim_end() != "---" {
        return None;
    }
    let rest = &text[first_end + 1..];
    let mut offset = 0;
    for line in rest.split_inclusive('\n') {
        if line.trim_end() == "---" {
            let fm = &rest[..offset];
            let body_start = first_end + 1 + offset + line.len();
            return Some((fm, 2, &text[body_start..], bom + body_start));
        }
        offset += line.len();
    }
    None
}

fn front_matter<'f>(
    file: &'f SourceFile,
    allowed: &[&str],
    diagnostics: &mut Diagnostics,
) -> Option<(Node, &'f str, usize)> {
    let Some((fm, first_line, body, body_offset)) = split_front_matter(file) else {
        diagnostics.push(
            Diagnostic::error(&file.path, "missing front matter")
                .at(&file.text, 1, 1, 1)
                .with_hint("start the file with a `---` line, the front matter (title, period, summary), and another `---` line"),
        );
        return None;
    };
    let root = match parse_yaml(file, fm, first_line) {
        Ok(node) => node,
        Err(d) => {
            diagnostics.push(*d);
            return None;
        }
    };
    let mut r = Reader::new(file, diagnostics);
    let entries = r.map(&root, "the front matter");
    let _ = r.fields(entries, allowed, "the front matter");
    Some((root, body, body_offset))
}

fn front_field<'n>(root: &'n Node, name: &str) -> Option<&'n Node> {
    match &root.kind {
        NodeKind::Map(entries) => entries
            .iter()
            .find(|(k, _)| k.as_text().as_deref() == Some(name))
            .map(|(_, v)| v),
        _ => None,
    }
}

pub fn parse_briefing(file: &SourceFile, diagnostics: &mut Diagnostics) -> Option<Briefing> {
    let (root, body, body_offset) =
        front_matter(file, &["title", "period", "summary", "draft"], diagnostics)?;
    let mut r = Reader::new(file, diagnostics);
    let need = |r: &mut Reader, name: &str| {
        let found = front_field(&root, name);
        if found.is_none() {
            r.error_at(
                &root,
                format!("the front matter has no `{name}`"),
                format!("add `{name}:`"),
            );
        }
        found
    };
    let title = need(&mut r, "title").and_then(|n| r.text(n, "`title`"));
    let summary = need(&mut r, "summary").and_then(|n| r.text(n, "`summary`"));
    let draft = front_field(&root, "draft")
        .and_then(|n| r.boolean(n, "`draft`"))
        .unwrap_or(false);
    let period = need(&mut r, "period").and_then(|n| {
        let p = r.period(n)?;
        if p.granularity() != Granularity::Quarter {
            r.error_at(
                n,
                format!("a briefing covers a quarter, not `{p}`"),
                "write the quarter, e.g. `2023-Q3`",
            );
            return None;
        }
        if file.document_stem() != p.slug() {
            let suffix = file
                .translation()
                .map(|s| format!(".{s}"))
                .unwrap_or_default();
            r.error_at(
                n,
                format!(
                    "the file is named `{}.md` but its period is `{p}`",
                    file.stem()
                ),
                format!(
                    "rename the file to `{}{suffix}.md` or correct the period",
                    p.slug()
                ),
            );
            return None;
        }
        Some(p)
    });
    let (body, links) = split_body(file, body, body_offset, diagnostics);
    Some(Briefing {
        period: period?,
        title: title?,
        summary: summary?,
        draft,
        file: file.clone(),
        body,
        links,
        original: None,
    })
}

pub fn parse_page(file: &SourceFile, diagnostics: &mut Diagnostics) -> Option<Page> {
    let id = file.document_stem().to_string();
    let (root, body, body_offset) =
        front_matter(file, &["title", "description", "chart_index"], diagnostics)?;
    let mut r = Reader::new(file, diagnostics);
    let valid_id = !id.is_empty()
        && id
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        && !RESERVED_PAGE_IDS.contains(&id.as_str());
    if !valid_id {
        r.diagnostics.push(
            Diagnostic::error(&file.path, format!("`{id}` cannot be a page name")).with_hint(
                format!(
                    "page file names use lowercase letters, digits and `-`, and may not be one the site uses itself: {}",
                    RESERVED_PAGE_IDS.join(", ")
                ),
            ),
        );
    }
    let title = match front_field(&root, "title") {
        Some(n) => r.text(n, "`title`"),
        None => {
            r.error_at(&root, "the front matter has no `title`", "add `title:`");
            None
        }
    };
    let description = front_field(&root, "description")
        .and_then(|n| r.text(n, "`description`"))
        .unwrap_or_default();
    let chart_index = front_field(&root, "chart_index")
        .and_then(|n| r.boolean(n, "`chart_index`"))
        .unwrap_or(false);
    let (body, links) = split_body(file, body, body_offset, diagnostics);
    if !valid_id {
        return None;
    }
    Some(Page {
        id,
        title: title?,
        description,
        chart_index,
        file: file.clone(),
        body,
        links,
        original: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_front_matter_and_reports_body_offset() {
        let file = SourceFile::new("content/pages/about.md", "---\ntitle: About\n---\nHello\n");
        let (fm, line, body, offset) = split_front_matter(&file).unwrap();
        assert_eq!(fm, "title: About\n");
        assert_eq!(line, 2);
        assert_eq!(body, "Hello\n");
        assert_eq!(&file.text[offset..], "Hello\n");
    }
}
