//! Starting new content, above the stages it uses: `new` renders a quarter's briefing from the
//! site's archetype and lists the dataset rows the quarter still lacks; `init` writes a small
//! working publication to start from. Neither ever overwrites a file.

mod archetype;
mod init;

use std::path::Path;

use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::model::Content;
use crate::period::{Granularity, Period};

pub use archetype::{Archetype, briefing_archetype, render_briefing};
pub use init::{InitError, init};

/// What `new` did, for the command line to report.
pub struct Scaffolded {
    pub path: String,
    pub period: Period,
    /// One line per quarterly dataset that has no value yet for the period.
    pub missing: Vec<String>,
}

/// The quarter after the latest briefing, read from the file names in content/briefings/.
pub fn next_period(root: &Path) -> Option<Period> {
    let dir = root.join("content/briefings");
    let latest = std::fs::read_dir(dir)
        .ok()?
        .filter_map(Result::ok)
        .filter_map(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            name.strip_suffix(".md")?.parse::<Period>().ok()
        })
        .filter(|p| p.granularity() == Granularity::Quarter)
        .max()?;
    latest.next()
}

/// What each quarterly dataset still lacks for `period`.
pub fn missing_rows(content: &Content, period: Period) -> Vec<String> {
    content
        .datasets
        .iter()
        .filter(|d| d.granularity == Granularity::Quarter)
        .filter_map(|d| {
            let Some(row) = d.row(period) else {
                return Some(format!(
                    "{}: no row for {period} (add one to content/data/{}.yaml)",
                    d.id, d.id
                ));
            };
            let empty: Vec<&str> = d
                .columns
                .iter()
                .zip(&row.cells)
                .filter(|(_, cell)| cell.is_none())
                .map(|(c, _)| c.id.as_str())
                .collect();
            (!empty.is_empty())
                .then(|| format!("{}: {period} has no value for {}", d.id, empty.join(", ")))
        })
        .collect()
}

fn failure(diagnostic: Diagnostic) -> Diagnostics {
    let mut diagnostics = Diagnostics::new();
    diagnostics.push(diagnostic);
    diagnostics
}

/// Writes the briefing for `period` under `root`, rendered from the site's archetype. An
/// existing file is never touched, and a briefing the archetype cannot make is not written.
/// `content` (the site as parsed, when it parses) gives the archetype the site's datasets.
pub fn new_briefing(
    root: &Path,
    period: Period,
    content: Option<&Content>,
) -> Result<Scaffolded, Diagnostics> {
    let relative = format!("content/briefings/{}.md", period.slug());
    if period.granularity() != Granularity::Quarter {
        return Err(failure(
            Diagnostic::error(
                "content/briefings/",
                format!("a briefing covers a quarter, not `{period}`"),
            )
            .with_hint("name a quarter, such as `quarterly new 2026-Q1`"),
        ));
    }
    let path = root.join(&relative);
    let exists = || {
        failure(Diagnostic::error(
            &relative,
            format!("{relative} already exists; it was left as it is"),
        ))
    };
    if path.exists() {
        return Err(exists());
    }
    let archetype = briefing_archetype(root)?;
    let text = render_briefing(&archetype, period, &relative, content)?;
    let cannot_write = |err: std::io::Error| {
        failure(Diagnostic::error(
            &relative,
            format!("cannot write {relative}: {err}"),
        ))
    };
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(cannot_write)?;
    }
    // `create_new` fails if the file appeared meanwhile, so an existing briefing is never
    // touched; a write that fails half-way removes what it wrote.
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&path)
        .map_err(|e| match e.kind() {
            std::io::ErrorKind::AlreadyExists => exists(),
            _ => cannot_write(e),
        })?;
    if let Err(err) = std::io::Write::write_all(&mut file, text.as_bytes()) {
        drop(file);
        let _ = std::fs::remove_file(&path);
        return Err(cannot_write(err));
    }
    Ok(Scaffolded {
        path: relative,
        period,
        missing: content.map(|c| missing_rows(c, period)).unwrap_or_default(),
    })
}
