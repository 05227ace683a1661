//! What the link check keeps of a page.

use rustc_hash::FxHashSet;

/// What a page links to, and what other pages can link to on it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PageLinks {
    /// Every `href` and `src` on the page, once each in the order they first appear, with
    /// character references decoded as a browser decodes them (`&amp;` reads `&`). The
    /// `<link rel="canonical">` is left out: it names where the page will be published, not
    /// a file of the build.
    pub links: Vec<String>,
    /// Every `id` on the page, character references decoded.
    pub ids: FxHashSet<String>,
}
impl PageLinks {
    /// A hash of the page's ids, the same whatever order they were found in.
    pub fn ids_hash(&self) -> u64 {
        self.ids.iter().fold(0u64, |sum, id| {
            sum.wrapping_add(xxhash_rust::xxh3::xxh3_64(id.as_bytes()))
        })
    }
}
