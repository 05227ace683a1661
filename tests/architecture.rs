//! The module graph has no cycles: each file of `src/` may name only files below it, so the
//! stages read in one direction (model and leaves at the bottom, `lib.rs` and the commands on
//! top). A file "names" another when it refers to an item through a `crate::` or `super::`
//! path, in a `use` or inline; a `mod` declaration of a child is not an edge, and test modules
//! at the foot of a file are left out. A cycle fails the test with the files and the paths
//! that tie them.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// A module path (`["render", "charts"]`) to the file that defines it.
fn module_files(src: &Path) -> BTreeMap<Vec<String>, PathBuf> {
    let mut modules = BTreeMap::new();
    for entry in walkdir::WalkDir::new(src).sort_by_file_name() {
        let entry = entry.expect("walk src/");
        let path = entry.path();
        if path.extension().and_then(|e| e.to_str()) != Some("rs") {
            continue;
        }
        let relative = path.strip_prefix(src).expect("under src/");
        let mut parts: Vec<String> = relative
            .with_extension("")
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect();
        if parts.last().map(String::as_str) == Some("mod") {
            parts.pop();
        }
        if parts == ["lib"] || parts == ["main"] {
            parts = vec![format!("<{}>", parts[0])];
        }
        modules.insert(parts, path.to_path_buf());
    }
    modules
}

/// The module path a file defines (`src/render/charts/mod.rs` → `render::charts`).
fn module_of(file: &Path, modules: &BTreeMap<Vec<String>, PathBuf>) -> Vec<String> {
    modules
        .iter()
        .find(|(_, f)| f.as_path() == file)
        .map(|(m, _)| m.clone())
        .expect("every file is a module")
}

/// The code of a file without comments, string literals and its test module.
fn code_of(text: &str) -> String {
    let text = text.split("#[cfg(test)]").next().unwrap_or(text);
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '/' if chars.peek() == Some(&'/') => {
                for c in chars.by_ref() {
                    if c == '\n' {
                        out.push('\n');
                        break;
                    }
                }
            }
            '"' => {
                let mut escaped = false;
                for c in chars.by_ref() {
                    if escaped {
                        escaped = false;
                    } else if c == '\\' {
                        escaped = true;
                    } else if c == '"' {
                        break;
                    }
                }
                out.push_str("\"\"");
            }
            c => out.push(c),
        }
    }
    out
}

/// Every path written as `crate::a::b…` or `super::…` in `code`, with `use` groups
/// (`crate::a::{b, c::d}`) expanded, as segments relative to the crate root.
fn referenced_paths(code: &str, here: &[String]) -> Vec<Vec<String>> {
    let mut found = Vec::new();
    for start in ["crate::", "super::"] {
        let mut from = 0;
        while let Some(i) = code[from..].find(start).map(|i| i + from) {
            from = i + start.len();
            let before = code[..i].chars().next_back();
            if before.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == ':') {
                continue;
            }
            let mut base: Vec<String> = if start == "crate::" {
                Vec::new()
            } else {
                // `super` in `a/b.rs` is `a`; in `a/b/mod.rs` (module `a::b`) it is also `a`.
                let mut parent = here.to_vec();
                parent.pop();
                parent
            };
            let mut j = from;
            // Further `super::` segments.
            while code[j..].starts_with("super::") {
                base.pop();
                j += "super::".len();
            }
            expand(&code[j..], &base, &mut found);
        }
    }
    // Paths through the file's own child modules (`mod draw;` … `draw::draw(…)`).
    let children: Vec<&str> = code
        .lines()
        .filter_map(|l| {
            let l = l
                .trim()
                .trim_start_matches("pub ")
                .trim_start_matches("pub(crate) ");
            l.strip_prefix("mod ")?.strip_suffix(';')
        })
        .collect();
    for child in children {
        let start = format!("{child}::");
        let mut from = 0;
        while let Some(i) = code[from..].find(&start).map(|i| i + from) {
            from = i + start.len();
            let before = code[..i].chars().next_back();
            if before.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == ':') {
                continue;
            }
            let mut base = here.to_vec();
            base.push(child.to_string());
            expand(&code[from..], &base, &mut found);
        }
    }
    found
}

/// Expands the path starting at `rest` (after `prefix`) into full paths.
fn expand(rest: &str, prefix: &[String], found: &mut Vec<Vec<String>>) {
    let mut path = prefix.to_vec();
    let mut chars = rest.char_indices().peekable();
    let mut segment = String::new();
    while let Some((_, c)) = chars.next() {
        if c.is_alphanumeric() || c == '_' {
            segment.push(c);
        } else if c == ':' && chars.peek().map(|(_, c)| *c) == Some(':') {
            chars.next();
            path.push(std::mem::take(&mut segment));
            if chars.peek().map(|(_, c)| *c) == Some('{') {
                let (j, _) = chars.next().expect("peeked");
                let group = &rest[j + 1..];
                for item in split_group(group) {
                    expand(item.trim(), &path, found);
                }
                return;
            }
        } else {
            break;
        }
    }
    if !segment.is_empty() {
        path.push(segment);
    }
    found.push(path);
}

/// The items of a `{a, b::{c, d}, e}` group, up to its closing brace.
fn split_group(group: &str) -> Vec<&str> {
    let mut items = Vec::new();
    let mut depth = 0;
    let mut start = 0;
    for (i, c) in group.char_indices() {
        match c {
            '{' => depth += 1,
            '}' if depth == 0 => {
                items.push(&group[start..i]);
                return items;
            }
            '}' => depth -= 1,
            ',' if depth == 0 => {
                items.push(&group[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    items
}

/// The deepest module a path names.
fn file_of<'m>(
    path: &[String],
    modules: &'m BTreeMap<Vec<String>, PathBuf>,
) -> Option<&'m PathBuf> {
    (1..=path.len()).rev().find_map(|n| modules.get(&path[..n]))
}

#[test]
fn no_module_imports_another_that_imports_it_back() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let modules = module_files(&src);
    // file -> (file it names -> the paths that name it)
    let mut edges: BTreeMap<PathBuf, BTreeMap<PathBuf, BTreeSet<String>>> = BTreeMap::new();
    for file in modules.values() {
        let text = std::fs::read_to_string(file).expect("read source");
        let here = module_of(file, &modules);
        for path in referenced_paths(&code_of(&text), &here) {
            let Some(target) = file_of(&path, &modules) else {
                continue;
            };
            if target == file {
                continue;
            }
            edges
                .entry(file.clone())
                .or_default()
                .entry(target.clone())
                .or_default()
                .insert(path.join("::"));
        }
    }
    assert!(
        edges.values().map(BTreeMap::len).sum::<usize>() > 40,
        "the scan found the imports"
    );

    // Depth-first search for a back edge; report the cycle it closes.
    let mut cycles = Vec::new();
    let mut state: BTreeMap<&PathBuf, u8> = BTreeMap::new();
    let mut stack: Vec<&PathBuf> = Vec::new();
    fn visit<'a>(
        node: &'a PathBuf,
        edges: &'a BTreeMap<PathBuf, BTreeMap<PathBuf, BTreeSet<String>>>,
        state: &mut BTreeMap<&'a PathBuf, u8>,
        stack: &mut Vec<&'a PathBuf>,
        cycles: &mut Vec<String>,
    ) {
        state.insert(node, 1);
        stack.push(node);
        for (next, via) in edges.get(node).into_iter().flatten() {
            match state.get(next) {
                Some(1) => {
                    let from = stack.iter().position(|n| *n == next).unwrap_or(0);
                    let name = |p: &PathBuf| {
                        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
                        p.strip_prefix(root).unwrap_or(p).display().to_string()
                    };
                    let mut ring: Vec<String> = stack[from..].iter().map(|p| name(p)).collect();
                    ring.push(name(next));
                    cycles.push(format!(
                        "{} (closed by {})",
                        ring.join(" -> "),
                        via.iter().cloned().collect::<Vec<_>>().join(", ")
                    ));
                }
                Some(_) => {}
                None => visit(next, edges, state, stack, cycles),
            }
        }
        stack.pop();
        state.insert(node, 2);
    }
    for file in modules.values() {
        if !state.contains_key(file) {
            visit(file, &edges, &mut state, &mut stack, &mut cycles);
        }
    }
    assert!(
        cycles.is_empty(),
        "import cycles between modules:\n{}",
        cycles.join("\n")
    );
}

#[test]
fn the_scanner_sees_groups_nested_paths_and_super() {
    let here = vec!["render".to_string(), "body".to_string()];
    let paths = referenced_paths(
        "mod draw;\nuse crate::model::{Data, body::{Segment, Op}};\nlet x = super::charts::draw(1);\nuse super::super::routes;\nlet y = draw::Variant::Wide;",
        &here,
    );
    let shown: Vec<String> = paths.iter().map(|p| p.join("::")).collect();
    assert!(shown.contains(&"model::Data".to_string()), "{shown:?}");
    assert!(
        shown.contains(&"model::body::Segment".to_string()),
        "{shown:?}"
    );
    assert!(
        shown.contains(&"render::charts::draw".to_string()),
        "{shown:?}"
    );
    assert!(shown.contains(&"routes".to_string()), "{shown:?}");
    assert!(
        !shown.contains(&"render::routes".to_string()),
        "`super::super::` is read once, from its start: {shown:?}"
    );
    assert!(
        shown.contains(&"render::body::draw::Variant::Wide".to_string()),
        "{shown:?}"
    );
    assert_eq!(code_of("a // crate::x\n\"crate::y\" b"), "a \n\"\" b");
}
