//! `quarterly init`: writes a small, working, generic publication (a site file, two sources,
//! two vendors, one dataset, one briefing, an about page) and copies of the built-in
//! templates and the briefing archetype, so editors start from something that builds.

use std::path::Path;

use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::render::{BUILTIN_ASSETS, BUILTIN_TEMPLATES};

/// The starter publication's own files, by path under the site root. Kept as files in
/// `starter/` so they can be read and edited as what they are.
pub const STARTER_FILES: [(&str, &str); 7] = [
    (
        "content/site.yaml",
        include_str!("../../starter/content/site.yaml"),
    ),
    (
        "content/data/sources.yaml",
        include_str!("../../starter/content/data/sources.yaml"),
    ),
    (
        "content/data/vendors.yaml",
        include_str!("../../starter/content/data/vendors.yaml"),
    ),
    (
        "content/data/market.yaml",
        include_str!("../../starter/content/data/market.yaml"),
    ),
    (
        "content/briefings/2025-q4.md",
        include_str!("../../starter/content/briefings/2025-q4.md"),
    ),
    (
        "content/pages/about.md",
        include_str!("../../starter/content/pages/about.md"),
    ),
    (
        "templates/archetypes/briefing.md",
        include_str!("../../starter/templates/archetypes/briefing.md"),
    ),
];

/// Why `init` wrote nothing.
#[derive(Debug)]
pub enum InitError {
    /// The directory already holds a site: a usage error, and nothing was touched.
    Refused(String),
    /// A file could not be written; everything `init` had written was removed.
    Failed(Diagnostics),
}

/// Every file `init` writes: the starter publication, then the built-in templates and
/// static files, which the site's own copies override once they exist.
fn starter_site() -> Vec<(String, &'static [u8])> {
    let own = STARTER_FILES
        .iter()
        .map(|(path, text)| (path.to_string(), text.as_bytes()));
    let templates = BUILTIN_TEMPLATES
        .iter()
        .map(|(name, text)| (format!("templates/{name}"), text.as_bytes()));
    let assets = BUILTIN_ASSETS
        .iter()
        .map(|(name, bytes)| (format!("templates/static/{name}"), *bytes));
    own.chain(templates).chain(assets).collect()
}

/// Writes the starter publication into `root` (created if need be), and returns the paths
/// written. A directory that already has `content/` or `templates/` is refused.
pub fn init(root: &Path) -> Result<Vec<String>, InitError> {
    let refuse = |dir: &str| {
        InitError::Refused(format!(
            "`{}` already has a `{dir}/`; `init` starts a new site and changes nothing in an existing one",
            root.display()
        ))
    };
    for dir in ["content", "templates"] {
        if root.join(dir).exists() {
            return Err(refuse(dir));
        }
    }
    let failed = |path: &str, err: std::io::Error| {
        let mut diagnostics = Diagnostics::new();
        diagnostics.push(Diagnostic::error(
            path,
            format!("cannot write {path}: {err}"),
        ));
        InitError::Failed(diagnostics)
    };
    std::fs::create_dir_all(root).map_err(|e| failed(&root.display().to_string(), e))?;
    // Only directories made here are ever removed again.
    let mut made: Vec<&str> = Vec::new();
    let written = write_starter(root, &mut made);
    if written.is_err() {
        for dir in &made {
            let _ = std::fs::remove_dir_all(root.join(dir));
        }
    }
    written.map_err(|(path, err)| match err.kind() {
        std::io::ErrorKind::AlreadyExists if path == "content" || path == "templates" => {
            refuse(&path)
        }
        _ => failed(&path, err),
    })
}

/// Makes `content/` and `templates/` (recording each in `made`) and writes every file
/// into them; the error names the path that failed.
fn write_starter(
    root: &Path,
    made: &mut Vec<&'static str>,
) -> Result<Vec<String>, (String, std::io::Error)> {
    for dir in ["content", "templates"] {
        // `create_dir` fails on an existing directory, so a site that appeared since the
        // check above is still left alone.
        std::fs::create_dir(root.join(dir)).map_err(|e| (dir.to_string(), e))?;
        made.push(dir);
    }
    let mut written = Vec::new();
    for (path, bytes) in starter_site() {
        let target = root.join(&path);
        if let Some(dir) = target.parent() {
            std::fs::create_dir_all(dir).map_err(|e| (path.clone(), e))?;
        }
        let mut file = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&target)
            .map_err(|e| (path.clone(), e))?;
        std::io::Write::write_all(&mut file, bytes).map_err(|e| (path.clone(), e))?;
        written.push(path);
    }
    Ok(written)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_starter_site_has_each_file_once_and_every_template() {
        let files = starter_site();
        let mut paths: Vec<&str> = files.iter().map(|(p, _)| p.as_str()).collect();
        let count = paths.len();
        paths.sort_unstable();
        paths.dedup();
        assert_eq!(paths.len(), count, "no path is written twice");
        assert!(paths.contains(&"templates/base.html"));
        assert!(paths.contains(&"templates/static/favicon.svg"));
        assert!(paths.contains(&"templates/archetypes/briefing.md"));
    }

    #[test]
    fn the_starter_site_says_nothing_of_the_shipped_edition() {
        for (path, text) in STARTER_FILES {
            let lower = text.to_lowercase();
            for word in ["china", "chinese", "cloud", "canalys", "alibaba"] {
                assert!(!lower.contains(word), "{path} mentions {word}");
            }
        }
    }
}
