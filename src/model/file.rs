//! The files content is read from.

use std::sync::Arc;

/// A file read from the site, named by its path relative to the site root. Its text is
/// shared, not copied, by everything made from it (a briefing keeps its file to point
/// problems into it), so a site's text is held once however many stages use it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SourceFile {
    pub path: String,
    pub text: Arc<str>,
}

impl SourceFile {
    pub fn new(path: impl Into<String>, text: impl Into<String>) -> Self {
        SourceFile {
            path: path.into(),
            text: Arc::from(text.into()),
        }
    }

    /// The file name without directory or extension (`2023-q3` for `briefings/2023-q3.md`).
    pub fn stem(&self) -> &str {
        let name = self.path.rsplit('/').next().unwrap_or(&self.path);
        name.rsplit_once('.').map_or(name, |(stem, _)| stem)
    }

    /// The language path of a translation (`zh` for `briefings/2023-q3.zh.md`), or `None`
    /// for a file in the default language.
    pub fn translation(&self) -> Option<&str> {
        let (_, suffix) = self.stem().rsplit_once('.')?;
        crate::language::is_language_path(suffix).then_some(suffix)
    }

    /// The name a briefing or page goes by in every language: its stem without the
    /// translation's suffix (`2023-q3` for `2023-q3.zh.md`).
    pub fn document_stem(&self) -> &str {
        match self.translation() {
            Some(suffix) => self
                .stem()
                .strip_suffix(suffix)
                .and_then(|s| s.strip_suffix('.'))
                .unwrap_or(self.stem()),
            None => self.stem(),
        }
    }
}
