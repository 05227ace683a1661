//! What a build makes: the files of the site, and what the command line reports about it.

use crate::diagnostics::Diagnostics;
use crate::timings::Timings;

/// One file of the built site, its path relative to the output directory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutputFile {
    pub path: String,
    pub bytes: Vec<u8>,
}

/// A finished build, with what the command line reports about it.
#[derive(Debug, Default)]
pub struct RenderedSite {
    /// The files of the site, for a build into memory; empty when they went to a directory.
    pub files: Vec<OutputFile>,
    pub pages: usize,
    pub charts: usize,
    /// Problems that did not stop the build.
    pub warnings: Diagnostics,
    pub timings: Timings,
}
