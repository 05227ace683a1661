//! First stage: read `content/` and `templates/` from disk into memory. Nothing is
//! interpreted here; later stages see only `ContentFiles`, so they can be tested without disk.

use std::path::{Path, PathBuf};

use rayon::prelude::*;
use walkdir::WalkDir;

use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::model::SourceFile;

/// Everything the site is made from, sorted by path so later stages are deterministic.
#[derive(Clone, Debug, Default)]
pub struct ContentFiles {
    pub site: Option<SourceFile>,
    pub sources: Option<SourceFile>,
    pub vendors: Option<SourceFile>,
    pub datasets: Vec<SourceFile>,
    pub briefings: Vec<SourceFile>,
    pub pages: Vec<SourceFile>,
    /// Translations of briefings and pages (`2023-q3.zh.md`), beside what they translate.
    pub translations: Vec<SourceFile>,
    /// Templates and static assets from `templates/`; the built-in ones fill any gap.
    pub templates: Vec<SourceFile>,
    pub assets: Vec<(String, Vec<u8>)>,
}

/// Reads the site at `root`. Unreadable files and files in unexpected places are reported,
/// not skipped silently.
pub fn load_content(root: &Path) -> Result<ContentFiles, Diagnostics> {
    let mut diagnostics = Diagnostics::new();
    let mut files = ContentFiles::default();
    let content = root.join("content");
    if !content.is_dir() {
        diagnostics.push(
            Diagnostic::error(
                "content/",
                format!("no `content/` directory in {}", root.display()),
            )
            .with_hint("run quarterly from the site root, or pass --root DIR"),
        );
        return Err(diagnostics);
    }
    let mut wanted = Vec::new();
    for (relative, absolute) in walk(root, &content, &mut diagnostics) {
        if !relative.ends_with(".yaml") && !relative.ends_with(".md") {
            if !is_ignorable(&relative) {
                diagnostics.push(
                    Diagnostic::error(&relative, "unexpected file in content/")
                        .with_hint("content/ holds .yaml data and .md text; move other files to templates/static/"),
                );
            }
            continue;
        }
        wanted.push((relative, absolute));
    }
    // Files are read in parallel and kept in the walk's order.
    let read: Vec<(String, std::io::Result<String>)> = wanted
        .into_par_iter()
        .map(|(relative, absolute)| {
            let text = std::fs::read_to_string(&absolute);
            (relative, text)
        })
        .collect();
    for (relative, text) in read {
        let text = match text {
            Ok(text) => text,
            Err(err) => {
                diagnostics.push(Diagnostic::error(
                    &relative,
                    format!("cannot read file: {err}"),
                ));
                continue;
            }
        };
        let file = SourceFile::new(relative.clone(), text);
        let document =
            relative.starts_with("content/briefings/") || relative.starts_with("content/pages/");
        if document && depth(&relative) == 3 && file.translation().is_some() {
            files.translations.push(file);
            continue;
        }
        match relative.as_str() {
            "content/site.yaml" => files.site = Some(file),
            "content/data/sources.yaml" => files.sources = Some(file),
            "content/data/vendors.yaml" => files.vendors = Some(file),
            p if p.starts_with("content/data/") && p.ends_with(".yaml") && depth(p) == 3 => files.datasets.push(file),
            p if p.starts_with("content/briefings/") && p.ends_with(".md") && depth(p) == 3 => {
                files.briefings.push(file)
            }
            p if p.starts_with("content/pages/") && p.ends_with(".md") && depth(p) == 3 => files.pages.push(file),
            _ => diagnostics.push(Diagnostic::error(&relative, "this file is in no known place").with_hint(
                "site.yaml goes in content/, datasets in content/data/, briefings in content/briefings/, pages in content/pages/",
            )),
        }
    }
    if files.site.is_none() {
        diagnostics.push(missing_site_configuration());
    }
    let (templates, assets) = read_templates(root, &mut diagnostics);
    files.templates = templates;
    files.assets = assets;
    if diagnostics.has_errors() {
        return Err(diagnostics);
    }
    Ok(files)
}

/// The templates and static assets of the site at `root`, as `load_content` reads them.
pub fn load_templates(root: &Path) -> Result<Templates, Diagnostics> {
    let mut diagnostics = Diagnostics::new();
    let read = read_templates(root, &mut diagnostics);
    if diagnostics.has_errors() {
        return Err(diagnostics);
    }
    Ok(read)
}

/// Templates (`.html` and `.xml` files) and static assets (name, bytes).
pub type Templates = (Vec<SourceFile>, Vec<(String, Vec<u8>)>);

fn read_templates(root: &Path, diagnostics: &mut Diagnostics) -> Templates {
    let mut templates_read = Vec::new();
    let mut assets = Vec::new();
    let templates = root.join("templates");
    if templates.is_dir() {
        for (relative, absolute) in walk(root, &templates, diagnostics) {
            // Archetypes are what `new` starts a file from, not pages of the site: the build
            // neither reads nor renders them, whatever their extension.
            if relative.starts_with(ARCHETYPES_DIR) {
                continue;
            }
            let bytes = match std::fs::read(&absolute) {
                Ok(bytes) => bytes,
                Err(err) => {
                    diagnostics.push(Diagnostic::error(
                        &relative,
                        format!("cannot read file: {err}"),
                    ));
                    continue;
                }
            };
            let catalogue = relative.starts_with("templates/i18n/") && relative.ends_with(".yaml");
            if relative.ends_with(".html") || relative.ends_with(".xml") || catalogue {
                match String::from_utf8(bytes) {
                    Ok(text) => templates_read.push(SourceFile::new(relative, text)),
                    Err(_) => diagnostics
                        .push(Diagnostic::error(&relative, "template is not valid UTF-8")),
                }
            } else if let Some(asset) = relative.strip_prefix("templates/static/") {
                assets.push((asset.to_string(), bytes));
            }
        }
    }
    (templates_read, assets)
}

/// Where a site keeps the templates `quarterly new` renders new content from.
pub const ARCHETYPES_DIR: &str = "templates/archetypes/";

/// The problem with a site that has no `content/site.yaml`.
pub fn missing_site_configuration() -> Diagnostic {
    Diagnostic::error("content/site.yaml", "missing site configuration").with_hint(
        "create content/site.yaml with at least `title:` and `base_url:` (see docs/content.md)",
    )
}

fn depth(path: &str) -> usize {
    path.split('/').count()
}

/// Whether a build passes over the file at `path` in `content/` (an editor's backup or swap
/// file, or a hidden file that is not `.md` or `.yaml`).
pub fn is_ignored(path: &str) -> bool {
    !path.ends_with(".yaml") && !path.ends_with(".md") && is_ignorable(path)
}

fn is_ignorable(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path);
    name.starts_with('.') || name.ends_with('~') || name.ends_with(".swp")
}

/// Files under `dir`, as (path relative to `root` with forward slashes, absolute path),
/// sorted by name. Hidden directories are skipped.
fn walk(root: &Path, dir: &Path, diagnostics: &mut Diagnostics) -> Vec<(String, PathBuf)> {
    let mut found = Vec::new();
    let walker = WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !e.file_name().to_string_lossy().starts_with('.'));
    for entry in walker {
        match entry {
            Ok(entry) if entry.file_type().is_file() => {
                let relative = entry.path().strip_prefix(root).unwrap_or(entry.path());
                let relative = relative
                    .components()
                    .map(|c| c.as_os_str().to_string_lossy())
                    .collect::<Vec<_>>()
                    .join("/");
                found.push((relative, entry.path().to_path_buf()));
            }
            Ok(_) => {}
            Err(err) => {
                let path = err
                    .path()
                    .map_or_else(|| dir.display().to_string(), |p| p.display().to_string());
                diagnostics.push(Diagnostic::error(&path, format!("cannot read: {err}")));
            }
        }
    }
    found
}
