//! What a build makes: the files of the site, in memory until they are written.

use crate::diagnostics::Diagnostics;

/// One file of the built site, its path relative to the output directory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutputFile {
    pub path: String,
    pub bytes: Vec<u8>,
}

/// The whole built site, with what the command line reports about it.
#[derive(Debug, Default)]
pub struct RenderedSite {
    pub files: Vec<OutputFile>,
    pub pages: usize,
    pub charts: usize,
    /// Problems that did not stop the build.
    pub warnings: Diagnostics,
}
