//! What a build makes: the files of the site, and what the command line reports about it.

use crate::diagnostics::Diagnostics;
use crate::timings::Timings;

/// One file of the built site, its path relative to the output directory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutputFile {
    pub path: String,
    pub bytes: Vec<u8>,
}

/// An image of the built site, still as the SVG it is drawn from: the output draws it as a
/// PNG at `scale` times its size (or takes it from its cache), the preview server when asked.
#[derive(Debug, Clone, PartialEq)]
pub struct ImageFile {
    pub path: String,
    pub svg: String,
    pub scale: f32,
}

/// A finished build, with what the command line reports about it.
#[derive(Debug, Default)]
pub struct RenderedSite {
    /// Images not drawn yet (a build in memory leaves them as their SVG), in path order.
    pub images: Vec<ImageFile>,
    /// The files of the site, for a build into memory; empty when they went to a directory.
    pub files: Vec<OutputFile>,
    pub pages: usize,
    pub charts: usize,
    /// Problems that did not stop the build.
    pub warnings: Diagnostics,
    pub timings: Timings,
}
