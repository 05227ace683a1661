//! Internal links in the rendered site: every `href` and `src` that stays inside the site
//! must name a file that is built, and every `#fragment` an id on that page. Pages are read
//! as a browser reads them: an HTML tokenizer finds the attributes, a URL parser resolves them.
//! Pages are read as they are rendered, so the check needs no second pass over the output;
//! the plain HTML the site writes is read by a quicker scanner (`quick`) that gives the
//! tokenizer's answer, and hands anything else to the tokenizer.

mod page;
mod quick;

pub use page::PageLinks;

use std::cell::{Cell, RefCell};
use std::collections::BTreeSet;
use std::sync::LazyLock;

use html5ever::TokenizerResult;
use html5ever::tendril::StrTendril;
use html5ever::tokenizer::states::RawKind;
use html5ever::tokenizer::{
    BufferQueue, Tag, TagKind, Token, TokenSink, TokenSinkResult, Tokenizer, TokenizerOpts,
};
use percent_encoding::percent_decode_str;
use rayon::prelude::*;
use rustc_hash::{FxHashMap, FxHashSet};
use url::Url;

use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::model::{Link, OutputFile, Site, SourceFile};
use crate::routes;

/// The links and ids of one page, read in a single pass of an HTML tokenizer.
pub fn links_and_ids(html: &str) -> PageLinks {
    page_links(html, &[])
}

/// The links and ids of a page, as [`links_and_ids`] reads them, except that each image of
/// `drawn` (SVG this build drew into the page, in page order) is read by a quick scan rather
/// than by the tokenizer: drawn markup escapes every quote in its text, so each ` id="` or
/// ` href="` in it starts an attribute. An image the page does not hold verbatim is read
/// with the rest of the page.
pub fn page_links(html: &str, drawn: &[String]) -> PageLinks {
    let mut page = quick_page_links(html, drawn).unwrap_or_else(|| tokenized(html, drawn));
    quick::dedupe(&mut page.links);
    page
}

/// The links and ids of a page by the quick reading, where it can tell.
fn quick_page_links(html: &str, drawn: &[String]) -> Option<PageLinks> {
    let mut page = PageLinks::default();
    let mut rest = html;
    for image in drawn.iter().filter(|image| !image.is_empty()) {
        let Some(at) = find_verbatim(rest, image) else {
            continue;
        };
        quick::read(rest.get(..at)?, &mut page)?;
        scan_drawn(image, &mut page);
        rest = rest.get(at + image.len()..)?;
    }
    quick::read(rest, &mut page)?;
    Some(page)
}

/// The links and ids of a page read by the HTML tokenizer, drawn images by their scan.
fn tokenized(html: &str, drawn: &[String]) -> PageLinks {
    let tokenizer = Tokenizer::new(Collector::default(), TokenizerOpts::default());
    let input = BufferQueue::default();
    let read = |text: &str| {
        for chunk in chunks(text) {
            input.push_back(StrTendril::from_slice(chunk));
        }
        // Only a sink that runs scripts pauses the tokenizer; feeding again resumes it.
        while !matches!(tokenizer.feed(&input), TokenizerResult::Done) {}
    };
    let mut rest = html;
    for image in drawn.iter().filter(|image| !image.is_empty()) {
        let Some(at) = find_verbatim(rest, image) else {
            continue;
        };
        read(&rest[..at]);
        scan_drawn(image, &mut tokenizer.sink.page.borrow_mut());
        rest = &rest[at + image.len()..];
    }
    read(rest);
    tokenizer.end();
    tokenizer.sink.page.into_inner()
}

/// Where `needle` first stands in `haystack`. A drawn image is long, so its first bytes find
/// the candidates and a comparison (which parts at its id when it is another image)
/// confirms each.
fn find_verbatim(haystack: &str, needle: &str) -> Option<usize> {
    let mut head = needle.len().min(16);
    while !needle.is_char_boundary(head) {
        head -= 1;
    }
    let prefix = &needle[..head];
    let mut from = 0;
    while let Some(found) = haystack[from..].find(prefix) {
        let at = from + found;
        if haystack[at..].starts_with(needle) {
            return Some(at);
        }
        from = at + 1;
        while !haystack.is_char_boundary(from) {
            from += 1;
        }
    }
    None
}

/// The ids and links of markup this build drew, where a `"` only ever delimits a value, so
/// each `id="`, `href="` or `src="` after whitespace starts one of the attributes wanted.
fn scan_drawn(markup: &str, page: &mut PageLinks) {
    static NAMES: LazyLock<[(memchr::memmem::Finder<'static>, bool); 3]> = LazyLock::new(|| {
        [
            (memchr::memmem::Finder::new("id=\""), true),
            (memchr::memmem::Finder::new("href=\""), false),
            (memchr::memmem::Finder::new("src=\""), false),
        ]
    });
    let bytes = markup.as_bytes();
    // (where the value starts, whether it is an id), in the order written.
    let mut found: Vec<(usize, bool)> = Vec::new();
    for (finder, is_id) in NAMES.iter() {
        for at in finder.find_iter(bytes) {
            let after_space = at
                .checked_sub(1)
                .and_then(|before| bytes.get(before))
                .is_some_and(u8::is_ascii_whitespace);
            if after_space {
                found.push((at + finder.needle().len(), *is_id));
            }
        }
    }
    found.sort_unstable();
    for (start, is_id) in found {
        let Some(rest) = markup.get(start..) else {
            continue;
        };
        let Some(len) = memchr::memchr(b'"', rest.as_bytes()) else {
            continue;
        };
        let value = decode_references(rest.get(..len).unwrap_or(""));
        if is_id {
            page.ids.insert(value);
        } else {
            page.links.push(value);
        }
    }
}

/// The character references the markup escapes write, decoded.
fn decode_references(value: &str) -> String {
    if !value.contains('&') {
        return value.to_string();
    }
    value
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&#13;", "\r")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

/// `html` in pieces that end on character boundaries: a tendril holds at most 4 GiB.
fn chunks(html: &str) -> impl Iterator<Item = &str> {
    const CHUNK: usize = 1 << 20;
    let mut rest = html;
    std::iter::from_fn(move || {
        if rest.is_empty() {
            return None;
        }
        let mut end = rest.len().min(CHUNK);
        while !rest.is_char_boundary(end) {
            end -= 1;
        }
        let (chunk, after) = rest.split_at(end);
        rest = after;
        Some(chunk)
    })
}

/// Collects attributes from start tags. The tokenizer alone reads `<script>` or `<style>`
/// content as markup and CDATA in SVG as a comment; a browser's tree builder tells it not
/// to, and so does this sink, without building a tree.
#[derive(Default)]
struct Collector {
    page: RefCell<PageLinks>,
    /// How many `<svg>` and `<math>` elements are open: inside them, HTML's raw-text
    /// elements are ordinary markup and CDATA sections are text.
    foreign_depth: Cell<usize>,
}

impl Collector {
    fn collect(&self, tag: &Tag) {
        let canonical = &*tag.name == "link"
            && tag.attrs.iter().any(|a| {
                &*a.name.local == "rel"
                    && a.value
                        .split_ascii_whitespace()
                        .any(|rel| rel.eq_ignore_ascii_case("canonical"))
            });
        let mut page = self.page.borrow_mut();
        for attr in &tag.attrs {
            match &*attr.name.local {
                "id" => {
                    page.ids.insert(attr.value.to_string());
                }
                "href" | "src" if !canonical => page.links.push(attr.value.to_string()),
                _ => {}
            }
        }
    }
}

impl TokenSink for Collector {
    type Handle = ();

    fn process_token(&self, token: Token, _line: u64) -> TokenSinkResult<()> {
        let Token::TagToken(tag) = token else {
            return TokenSinkResult::Continue;
        };
        let foreign_root = matches!(&*tag.name, "svg" | "math");
        if tag.kind == TagKind::EndTag {
            if foreign_root {
                self.foreign_depth
                    .set(self.foreign_depth.get().saturating_sub(1));
            }
            return TokenSinkResult::Continue;
        }
        self.collect(&tag);
        if foreign_root && !tag.self_closing {
            self.foreign_depth.set(self.foreign_depth.get() + 1);
        }
        if self.foreign_depth.get() > 0 {
            return TokenSinkResult::Continue;
        }
        // As the tree builder switches the tokenizer for these elements. `<noscript>` stays
        // markup, as for a reader without scripts, so the links inside it are checked too.
        match &*tag.name {
            "title" | "textarea" => TokenSinkResult::RawData(RawKind::Rcdata),
            "style" | "xmp" | "iframe" | "noembed" | "noframes" => {
                TokenSinkResult::RawData(RawKind::Rawtext)
            }
            "script" => TokenSinkResult::RawData(RawKind::ScriptData),
            "plaintext" => TokenSinkResult::Plaintext,
            _ => TokenSinkResult::Continue,
        }
    }

    fn adjusted_current_node_present_but_not_in_html_namespace(&self) -> bool {
        self.foreign_depth.get() > 0
    }
}

/// Two made-up site roots that differ only in their last segment. A relative link resolved
/// from the same page under both stays inside the site exactly when both results keep their
/// root: one that climbs above it lands on the same path from either, and the URL parser
/// stops `..` at the host, so no single root could tell.
static MADE_UP_ROOTS: LazyLock<(Url, Url)> = LazyLock::new(|| {
    let root = |url| Url::parse(url).expect("a constant URL");
    (
        root("https://site.invalid/a/"),
        root("https://site.invalid/b/"),
    )
});

/// A page's address where it is published, and under the two made-up roots.
struct PageAddress<'r> {
    site_root: &'r Url,
    published: Url,
    under_a: Url,
    under_b: Url,
}

impl<'r> PageAddress<'r> {
    fn new(site_root: &'r Url, page: &str) -> Self {
        let (a, b) = &*MADE_UP_ROOTS;
        PageAddress {
            site_root,
            published: page_under(site_root, page),
            under_a: page_under(a, page),
            under_b: page_under(b, page),
        }
    }
}

/// The site's root URL: `base_url` as a directory. A base that is not an http(s) URL can
/// hold no absolute link, so the first made-up root stands in for it.
fn site_root(base_url: &str) -> Url {
    match Url::parse(base_url) {
        Ok(mut url) if matches!(url.scheme(), "http" | "https") => {
            if !url.path().ends_with('/') {
                let directory = format!("{}/", url.path());
                url.set_path(&directory);
            }
            url.set_query(None);
            url.set_fragment(None);
            url
        }
        _ => MADE_UP_ROOTS.0.clone(),
    }
}

/// `page`, a path relative to the site root, as a URL under `root`; each segment is
/// percent-encoded, so no character of a file name can read as a query or a fragment.
fn page_under(root: &Url, page: &str) -> Url {
    let mut url = root.clone();
    if let Ok(mut segments) = url.path_segments_mut() {
        segments.pop_if_empty().extend(page.split('/'));
    }
    url
}

/// Where a link leads.
enum Destination {
    /// Out of the site, or not a page fetch at all (`mailto:`, `data:`…): not ours to check.
    Elsewhere,
    /// A path in the site.
    Site(Target),
}

struct Target {
    /// The file, percent-decoded, relative to the site root; `index.html` for a directory.
    /// A link above the root gets a path starting with `../`, which no file of the site has.
    path: String,
    /// Whether the link left the site root, where nothing of the build can be.
    above_root: bool,
    /// The fragment after `#`, as the URL parser serialises it (percent-encoded).
    fragment: Option<String>,
}

/// Where `href` leads from the page at `address`, as a browser on the published site
/// follows it; a link that names no host but climbs above the site root leads nowhere.
fn destination(address: &PageAddress, href: &str) -> Destination {
    let has_scheme = !matches!(
        Url::parse(href),
        Err(url::ParseError::RelativeUrlWithoutBase)
    );
    match leading_slashes(href) {
        // Relative to the page: the part that can climb above the root.
        0 if !has_scheme => beside_the_page(address, href),
        // Relative to the host's root, so only the published site says where it leads.
        1 if !has_scheme => match address.published.join(href) {
            Ok(url) => match inside(&url, address.site_root) {
                Some(target) => Destination::Site(target),
                None => above_root(&url, address.site_root),
            },
            Err(_) => Destination::Elsewhere,
        },
        // A scheme or a host of its own: internal only under the site's root.
        _ => address
            .published
            .join(href)
            .ok()
            .and_then(|url| inside(&url, address.site_root))
            .map_or(Destination::Elsewhere, Destination::Site),
    }
}

/// A relative path resolved from the page under both made-up roots.
fn beside_the_page(address: &PageAddress, href: &str) -> Destination {
    let (root_a, root_b) = &*MADE_UP_ROOTS;
    let (Ok(a), Ok(b)) = (address.under_a.join(href), address.under_b.join(href)) else {
        return Destination::Elsewhere;
    };
    match (inside(&a, root_a), inside(&b, root_b)) {
        (Some(target), Some(same)) if target.path == same.path => Destination::Site(target),
        _ => above_root(&a, root_a),
    }
}

/// `url` as a path of the site at `root`, when it is under it.
fn inside(url: &Url, root: &Url) -> Option<Target> {
    let same_origin = url.scheme() == root.scheme()
        && url.host() == root.host()
        && url.port_or_known_default() == root.port_or_known_default();
    if !same_origin {
        return None;
    }
    let rest = url.path().strip_prefix(root.path())?;
    Some(Target {
        path: file_path(rest),
        above_root: false,
        fragment: url.fragment().map(str::to_string),
    })
}

/// A link that left the site root, shown as a path from the root to where it lands.
fn above_root(url: &Url, root: &Url) -> Destination {
    let levels = root.path().matches('/').count().saturating_sub(1);
    let reached = url.path().strip_prefix('/').unwrap_or(url.path());
    Destination::Site(Target {
        path: format!("{}{}", "../".repeat(levels.max(1)), file_path(reached)),
        above_root: true,
        fragment: url.fragment().map(str::to_string),
    })
}

/// A URL path below the root as a file name of the site.
fn file_path(encoded: &str) -> String {
    let mut path = percent_decode_str(encoded).decode_utf8_lossy().into_owned();
    if path.is_empty() || path.ends_with('/') {
        path.push_str("index.html");
    }
    path
}

/// How many of `/path` (one) or `//host/path` (two) start a link, as the URL parser reads
/// it: leading spaces and control characters dropped, tabs and newlines ignored anywhere,
/// `\` read as `/`.
fn leading_slashes(href: &str) -> usize {
    href.trim_start_matches(|c: char| c <= ' ')
        .chars()
        .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
        .take(2)
        .take_while(|c| matches!(c, '/' | '\\'))
        .count()
}

/// Resolves `href` on the page at `page` to a site path and a fragment (percent-decoded);
/// `None` for links that leave the site or are no page fetch (`mailto:`, `data:`…).
/// Absolute links under `base_url` (the 404 page's) count as internal. A link that climbs
/// above the site root resolves to a path starting with `../`, which no file has.
pub fn resolve(page: &str, href: &str, base_url: &str) -> Option<(String, Option<String>)> {
    let target = match plain_destination(page, href) {
        Some(target) => target,
        None => match destination(&PageAddress::new(&site_root(base_url), page), href) {
            Destination::Elsewhere => return None,
            Destination::Site(target) => target,
        },
    };
    let fragment = target.fragment.as_deref().map(decoded);
    Some((target.path, fragment))
}

/// Where `href` leads from `page`, worked out without the URL parser for the plain relative
/// links the site writes: a path of letters, digits, `.`, `-`, `_`, `~` and `/` (not
/// starting with `/`, no empty segment inside) and a fragment of the same but `/`. Such a
/// link resolves as the parser would resolve it; `None` for any other, and for one that
/// climbs above the root, which the parser resolves and names.
fn plain_destination(page: &str, href: &str) -> Option<Target> {
    let plain = |c: char| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_' | '~');
    let (path, fragment) = match href.split_once('#') {
        Some((path, fragment)) => (path, Some(fragment)),
        None => (href, None),
    };
    let fine = path.chars().all(|c| plain(c) || c == '/')
        && fragment.is_none_or(|f| f.chars().all(plain))
        && !path.starts_with('/')
        && !path.contains("//");
    if !fine {
        return None;
    }
    let fragment = fragment.map(str::to_string);
    if path.is_empty() {
        return Some(Target {
            path: page.to_string(),
            above_root: false,
            fragment,
        });
    }
    // The page's directory, then each segment of the link.
    let mut segments: Vec<&str> = page.split('/').collect();
    segments.pop();
    let mut directory = false;
    for segment in path.split('/') {
        directory = true;
        match segment {
            "" | "." => {}
            ".." => {
                segments.pop()?;
            }
            name => {
                segments.push(name);
                directory = false;
            }
        }
    }
    let mut resolved = segments.join("/");
    if directory {
        if !resolved.is_empty() {
            resolved.push('/');
        }
        resolved.push_str("index.html");
    }
    Some(Target {
        path: resolved,
        above_root: false,
        fragment,
    })
}

/// A fragment as a browser matches it against ids the second time, percent-decoded.
fn decoded(fragment: &str) -> String {
    percent_decode_str(fragment)
        .decode_utf8_lossy()
        .into_owned()
}

/// A link on a built page that leads nowhere in the site.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BrokenLink {
    /// The built page it is on, relative to the site root.
    pub page: String,
    /// The `href` or `src` as a browser reads it from the HTML: the attribute's value with
    /// character references decoded (`a&amp;b` in the file is `a&b` here).
    pub href: String,
    /// What is wrong: the file is not in the site, it has no such id, or the link climbs
    /// above the site root.
    pub problem: String,
    /// A link from the same page to a file of the site with the name asked for, when there
    /// is exactly one.
    pub suggestion: Option<String>,
}

/// Every broken internal link among `files`, and how many internal links were checked.
pub fn broken_links(files: &[OutputFile], base_url: &str) -> (Vec<BrokenLink>, usize) {
    let paths: Vec<String> = files.iter().map(|f| f.path.clone()).collect();
    let pages: Vec<(String, PageLinks)> = files
        .par_iter()
        .filter(|f| f.path.ends_with(".html"))
        .map(|f| {
            (
                f.path.clone(),
                links_and_ids(&String::from_utf8_lossy(&f.bytes)),
            )
        })
        .collect();
    broken_links_among(&pages, &paths, base_url)
}

/// Every broken internal link on `pages` (each page's path and what it links to) in a site
/// of the files at `paths`, and how many internal links were checked.
pub fn broken_links_among(
    pages: &[(String, PageLinks)],
    paths: &[String],
    base_url: &str,
) -> (Vec<BrokenLink>, usize) {
    let pages: Vec<(&str, &PageLinks)> = pages.iter().map(|(p, l)| (p.as_str(), l)).collect();
    broken_links_on(&pages, None, paths.iter().map(String::as_str), base_url)
}

/// [`broken_links_among`] for pages and paths held elsewhere, checking the links of only
/// the pages in `only` when given (the ids of every page still count).
pub fn broken_links_on<'p>(
    pages: &[(&'p str, &'p PageLinks)],
    only: Option<&BTreeSet<String>>,
    paths: impl Iterator<Item = &'p str>,
    base_url: &str,
) -> (Vec<BrokenLink>, usize) {
    let paths: FxHashSet<&str> = paths.collect();
    let ids: FxHashMap<&str, &FxHashSet<String>> = pages
        .iter()
        .map(|(page, links)| (*page, &links.ids))
        .collect();
    let pages: Vec<(&str, &PageLinks)> = match only {
        Some(only) => pages
            .iter()
            .filter(|(page, _)| only.contains(*page))
            .copied()
            .collect(),
        None => pages.to_vec(),
    };
    let sets = Sets {
        paths: &paths,
        ids: &ids,
    };
    broken_links_in(&pages, &sets, base_url)
}

/// The files and ids of a site, as the link check asks about them.
pub trait SiteFiles: Sync {
    /// Whether the site has a file at `path`.
    fn has(&self, path: &str) -> bool;
    /// The ids of the page at `path`.
    fn ids_of(&self, path: &str) -> Option<&FxHashSet<String>>;
    /// Every file's path (only asked for when a broken link needs a hint).
    fn all(&self) -> Vec<&str>;
}

/// A site's files and ids gathered into sets, for a whole build.
struct Sets<'s> {
    paths: &'s FxHashSet<&'s str>,
    ids: &'s FxHashMap<&'s str, &'s FxHashSet<String>>,
}

impl SiteFiles for Sets<'_> {
    fn has(&self, path: &str) -> bool {
        self.paths.contains(path)
    }

    fn ids_of(&self, path: &str) -> Option<&FxHashSet<String>> {
        self.ids.get(path).copied()
    }

    fn all(&self) -> Vec<&str> {
        self.paths.iter().copied().collect()
    }
}

/// The broken links among `pages`, checked against `site`, and how many internal links were
/// checked. The preview server and a rebuild look files up where they keep them rather
/// than gathering every path of the site into a set for a few pages made again.
pub fn broken_links_in(
    pages: &[(&str, &PageLinks)],
    site: &dyn SiteFiles,
    base_url: &str,
) -> (Vec<BrokenLink>, usize) {
    let mut pages = pages.to_vec();
    // The report lists pages in path order, whatever order they were built in.
    pages.sort_by(|a, b| a.0.cmp(b.0));
    // Built only when a broken link needs a hint: most checks find none, and at 10,000
    // briefings the map of 150,000 file names would be most of a preview update's time.
    let by_name = std::sync::OnceLock::new();
    let root = site_root(base_url);
    let checker = Checker {
        site,
        by_name: &by_name,
        root: &root,
    };
    let checked_pages: Vec<(Vec<BrokenLink>, usize)> = pages
        .par_iter()
        .map(|(page, links)| checker.check(page, &links.links))
        .collect();
    let mut broken = Vec::new();
    let mut checked = 0;
    for (page_broken, page_checked) in checked_pages {
        broken.extend(page_broken);
        checked += page_checked;
    }
    (broken, checked)
}

/// What a link is checked against.
struct Checker<'s> {
    site: &'s dyn SiteFiles,
    by_name: &'s std::sync::OnceLock<FxHashMap<&'s str, Option<&'s str>>>,
    root: &'s Url,
}

/// Where each link of `page` leads in the site, skipping those that leave it.
fn site_targets<'l>(
    root: &Url,
    page: &str,
    links: &'l [String],
) -> impl Iterator<Item = (&'l String, Target)> {
    let address = std::cell::OnceCell::new();
    links.iter().filter_map(move |href| {
        let target = match plain_destination(page, href) {
            Some(target) => target,
            None => match destination(address.get_or_init(|| PageAddress::new(root, page)), href) {
                Destination::Site(target) => target,
                Destination::Elsewhere => return None,
            },
        };
        Some((href, target))
    })
}

/// Where the links of pages lead, for a build that records them: when the page is not
/// made again, its links still hold as long as what they lead to does.
pub struct Resolver {
    root: Url,
}

impl Resolver {
    pub fn new(base_url: &str) -> Resolver {
        Resolver {
            root: site_root(base_url),
        }
    }

    /// The files and fragments of the site that `page` links to, other than itself: each
    /// `path` or `path#fragment` once.
    pub fn targets(&self, page: &str, links: &PageLinks) -> Vec<String> {
        let mut targets: Vec<String> = site_targets(&self.root, page, &links.links)
            .filter(|(_, target)| !target.above_root && target.path != page)
            .map(
                |(_, target)| match target.fragment.filter(|f| !f.is_empty()) {
                    Some(fragment) => format!("{}#{fragment}", target.path),
                    None => target.path,
                },
            )
            .collect();
        targets.sort_unstable();
        targets.dedup();
        targets
    }
}

impl Checker<'_> {
    /// The broken links among `links` on `page`, and how many of them are internal.
    fn check(&self, page: &str, links: &[String]) -> (Vec<BrokenLink>, usize) {
        let mut broken = Vec::new();
        let mut checked = 0;
        for (href, target) in site_targets(self.root, page, links) {
            checked += 1;
            let broken_link = |problem: String, suggestion: Option<String>| BrokenLink {
                page: page.to_string(),
                href: href.clone(),
                problem,
                suggestion,
            };
            if target.above_root || !self.site.has(target.path.as_str()) {
                let problem = if target.above_root {
                    "it climbs above the site root".to_string()
                } else {
                    format!("{} is not in the site", target.path)
                };
                broken.push(broken_link(problem, self.same_name(page, &target.path)));
                continue;
            }
            let Some(fragment) = target.fragment.filter(|f| !f.is_empty()) else {
                continue;
            };
            // A browser looks for the fragment as written, then percent-decoded.
            let readable = decoded(&fragment);
            let found = self
                .site
                .ids_of(target.path.as_str())
                .is_some_and(|ids| ids.contains(&fragment) || ids.contains(&readable));
            if !found {
                let problem = format!("{} has no id `{readable}`", target.path);
                broken.push(broken_link(problem, None));
            }
        }
        (broken, checked)
    }

    /// The one file of the site named like `target`, as a link from `page`.
    fn same_name(&self, page: &str, target: &str) -> Option<String> {
        let name = target.rsplit('/').next()?;
        let by_name = self
            .by_name
            .get_or_init(|| files_by_name(self.site.all().into_iter()));
        let only = (*by_name.get(name)?)?;
        Some(format!("{}{only}", "../".repeat(page.matches('/').count())))
    }
}

/// Each file name of the site with its path, or `None` when several files share it.
fn files_by_name<'p>(paths: impl Iterator<Item = &'p str>) -> FxHashMap<&'p str, Option<&'p str>> {
    let mut by_name: FxHashMap<&str, Option<&str>> = FxHashMap::default();
    for path in paths {
        let name = path.rsplit('/').next().unwrap_or(path);
        by_name
            .entry(name)
            .and_modify(|only| *only = None)
            .or_insert(Some(path));
    }
    by_name
}

/// A broken internal link fails the build: a template or a page links to something the
/// site does not have. A link written in a briefing or page is reported at the line of the
/// markdown file that wrote it; one written by a template, at the page it appeared on. The
/// error comes with `warnings`, so a failed build still shows every problem.
pub fn check_links(
    pages: &[(String, PageLinks)],
    paths: &[String],
    site: &Site,
    warnings: &Diagnostics,
) -> Result<(), Diagnostics> {
    let (broken, _) = broken_links_among(pages, paths, &site.config.base_url);
    report_broken(broken, site, warnings)
}

/// [`check_links`] for a build that kept pages of the build before as they were: `pages`
/// are the pages it made (and any kept page whose links may have broken, read again), and
/// `kept` the other kept pages. Their links held before and lead where they did; their ids
/// are read from `read` only when a link asks for one.
pub fn check_links_keeping(
    pages: &[(String, PageLinks)],
    paths: &[String],
    kept: &[String],
    read: &(dyn Fn(&str) -> Option<String> + Sync),
    site: &Site,
    warnings: &Diagnostics,
) -> Result<(), Diagnostics> {
    let files = Kept {
        paths: paths.iter().map(String::as_str).collect(),
        ids: pages.iter().map(|(p, l)| (p.as_str(), &l.ids)).collect(),
        kept: kept
            .iter()
            .map(|p| (p.as_str(), std::sync::OnceLock::new()))
            .collect(),
        read,
    };
    let pages: Vec<(&str, &PageLinks)> = pages.iter().map(|(p, l)| (p.as_str(), l)).collect();
    let (broken, _) = broken_links_in(&pages, &files, &site.config.base_url);
    report_broken(broken, site, warnings)
}

/// The files of a build that kept pages, whose ids are read when first asked for.
struct Kept<'s> {
    paths: FxHashSet<&'s str>,
    ids: FxHashMap<&'s str, &'s FxHashSet<String>>,
    kept: FxHashMap<&'s str, std::sync::OnceLock<FxHashSet<String>>>,
    read: &'s (dyn Fn(&str) -> Option<String> + Sync),
}

impl SiteFiles for Kept<'_> {
    fn has(&self, path: &str) -> bool {
        self.paths.contains(path)
    }

    fn ids_of(&self, path: &str) -> Option<&FxHashSet<String>> {
        if let Some(ids) = self.ids.get(path) {
            return Some(ids);
        }
        let once = self.kept.get(path)?;
        Some(once.get_or_init(|| {
            (self.read)(path)
                .map(|html| links_and_ids(&html).ids)
                .unwrap_or_default()
        }))
    }

    fn all(&self) -> Vec<&str> {
        self.paths.iter().copied().collect()
    }
}

/// The broken links found, as diagnostics after `warnings`; none is a pass.
fn report_broken(
    broken: Vec<BrokenLink>,
    site: &Site,
    warnings: &Diagnostics,
) -> Result<(), Diagnostics> {
    if broken.is_empty() {
        return Ok(());
    }
    let mut diagnostics = warnings.clone();
    for link in broken {
        let BrokenLink {
            page,
            href,
            problem,
            suggestion,
        } = link;
        let message = format!("broken link `{href}`: {problem}");
        let hint = match &suggestion {
            Some(better) => {
                format!("did you mean `{better}`? links are relative to the built page `{page}`")
            }
            None => format!("links are relative to the built page `{page}`"),
        };
        let written = links_written_for(site, &page)
            .map(|(file, links)| {
                let found: Vec<_> = links.iter().filter(|l| same_href(&l.href, &href)).collect();
                (file, found)
            })
            .filter(|(_, found)| !found.is_empty());
        match written {
            Some((file, found)) => {
                for link in found {
                    diagnostics.push(
                        Diagnostic::error(&file.path, message.clone())
                            .at(&file.text, link.at.line, link.at.column, link.at.len)
                            .with_hint(hint.clone()),
                    );
                }
            }
            None => diagnostics.push(
                Diagnostic::error(&format!("dist/{page}"), message).with_hint(
                    format!("{hint}; no briefing or page writes this link, so a template does: fix it in templates/"),
                ),
            ),
        }
    }
    Err(diagnostics)
}

/// The markdown file behind a built page, and the links it writes.
fn links_written_for<'s>(site: &'s Site, page: &str) -> Option<(&'s SourceFile, &'s [Link])> {
    if let Some(b) = site
        .briefings
        .iter()
        .find(|b| routes::briefing(b.period) == page)
    {
        return Some((&b.file, &b.links));
    }
    site.pages
        .iter()
        .find(|p| routes::page(&p.id) == page)
        .map(|p| (&p.file, p.links.as_slice()))
}

/// Whether an `href` of built HTML, character references decoded as the link check reads
/// it, is the destination a markdown link was written with. pulldown-cmark percent-encodes
/// spaces, non-ASCII and other bytes unsafe in an href, so both are compared decoded.
fn same_href(written: &str, built: &str) -> bool {
    percent_decode_str(written).eq(percent_decode_str(built))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_links_resolve_as_the_url_parser_resolves_them() {
        let pages = [
            "index.html",
            "briefings/2023-q3.html",
            "a/b/c.html",
            "data/x.html",
        ];
        let pieces = [
            "a",
            "b.html",
            "..",
            ".",
            "/",
            "#x",
            "-y",
            "_z",
            "~w",
            "index.html",
            "#",
        ];
        let root = site_root(BASE);
        let mut state = 11u64;
        let mut answered = 0;
        for _ in 0..20_000 {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            let page = pages[(state >> 40) as usize % pages.len()];
            let mut href = String::new();
            for k in 0..(1 + (state >> 20) % 6) {
                href.push_str(pieces[((state >> (k * 5)) as usize) % pieces.len()]);
            }
            let by_parser = match destination(&PageAddress::new(&root, page), &href) {
                Destination::Site(t) => Some((t.path, t.above_root, t.fragment)),
                Destination::Elsewhere => None,
            };
            if let Some(quick) = plain_destination(page, &href) {
                answered += 1;
                assert_eq!(
                    Some((quick.path, quick.above_root, quick.fragment)),
                    by_parser,
                    "{href} from {page}"
                );
            }
        }
        assert!(
            answered > 5_000,
            "the quick way answered {answered} of 20,000"
        );
        // The site's own links take the quick way.
        for (page, href) in [
            ("briefings/2023-q3.html", "../data/market.html#spend"),
            ("index.html", "briefings/2023-q3.html"),
            ("a/b/c.html", "./"),
            ("a/b/c.html", "#source-canalys-q3"),
        ] {
            assert!(plain_destination(page, href).is_some(), "{href}");
        }
    }

    #[test]
    fn a_built_href_matches_the_markdown_destination_it_came_from() {
        assert!(same_href("about.html", "about.html"));
        assert!(same_href("a b.html", "a%20b.html"));
        assert!(same_href("data.html?x=1&y=2", "data.html?x=1&y=2"));
        assert!(same_href("关于.html", "%E5%85%B3%E4%BA%8E.html"));
        assert!(same_href("50%25.html", "50%25.html"));
        assert!(!same_href("about.html", "about.html#x"));
        assert!(!same_href("a b.html", "a%2520b.html"));
    }

    const BASE: &str = "https://example.org/s/";

    fn file(path: &str, html: &str) -> OutputFile {
        OutputFile {
            path: path.to_string(),
            bytes: html.as_bytes().to_vec(),
        }
    }

    /// The broken links as `page href: problem`, and how many links were checked.
    fn check(files: &[OutputFile]) -> (Vec<String>, usize) {
        let (broken, checked) = broken_links(files, BASE);
        let broken = broken
            .iter()
            .map(|b| format!("{} {}: {}", b.page, b.href, b.problem))
            .collect();
        (broken, checked)
    }

    /// A site of `index.html` holding `body`, beside a briefing and a stylesheet.
    fn check_index(body: &str) -> (Vec<String>, usize) {
        check(&[
            file("index.html", body),
            file("briefings/2023-q3.html", "<h2 id=\"spend\">Spend</h2>"),
            file("static/style.css", "body {}"),
        ])
    }

    #[test]
    fn finds_missing_files_and_anchors_and_follows_relative_paths() {
        let files = [
            file(
                "index.html",
                "<a href=\"briefings/a.html#x\">a</a> <a href=\"#top\">t</a> <a href=\"https://else.where/\">e</a>",
            ),
            file(
                "briefings/a.html",
                "<h2 id=\"x\">x</h2><a href=\"../index.html\">home</a><a href=\"../gone.html\">g</a><a href=\"https://example.org/s/briefings/a.html#y\">y</a>",
            ),
        ];
        let (broken, checked) = broken_links(&files, "https://example.org/s/");
        assert_eq!(checked, 5);
        let problems: Vec<String> = broken
            .iter()
            .map(|b| format!("{} {}: {}", b.page, b.href, b.problem))
            .collect();
        assert_eq!(
            problems,
            [
                "briefings/a.html ../gone.html: gone.html is not in the site",
                "briefings/a.html https://example.org/s/briefings/a.html#y: briefings/a.html has no id `y`",
                "index.html #top: index.html has no id `top`",
            ]
        );
    }

    #[test]
    fn suggests_the_one_file_with_the_name_asked_for() {
        let files = [
            file("briefings/a.html", "<a href=\"about.html\">about</a>"),
            file("about.html", "<p>about</p>"),
        ];
        let (broken, _) = broken_links(&files, "https://e/");
        assert_eq!(broken[0].suggestion.as_deref(), Some("../about.html"));
    }

    #[test]
    fn suggests_nothing_when_several_files_have_the_name() {
        let files = [
            file("briefings/a.html", "<a href=\"about.html\">about</a>"),
            file("about.html", "<p>about</p>"),
            file("vendors/about.html", "<p>about</p>"),
        ];
        let (broken, _) = broken_links(&files, "https://e/");
        assert_eq!(
            broken,
            [BrokenLink {
                page: "briefings/a.html".to_string(),
                href: "about.html".to_string(),
                problem: "briefings/about.html is not in the site".to_string(),
                suggestion: None,
            }]
        );
    }

    #[test]
    fn links_above_the_root_are_broken() {
        let (broken, _) = broken_links(
            &[file("index.html", "<a href=\"../x.html\">x</a>")],
            "https://e/",
        );
        assert_eq!(broken.len(), 1);
        assert_eq!(broken[0].suggestion, None);
        assert_eq!(resolve("a.html", "https://other/x", "https://e/"), None);
    }

    #[test]
    fn links_that_climb_above_the_root_are_broken_even_when_they_come_back() {
        let files = [
            file(
                "briefings/2023-q3.html",
                "<a href=\"../index.html\">fine</a>\
                 <a href=\"../../index.html\">out</a>\
                 <a href=\"../../s/index.html\">out and back</a>\
                 <a href=\"../../a/index.html\">out and back by another name</a>\
                 <a href=\"../../b/index.html\">and another</a>\
                 <a href=\"./../%2e%2e/index.html\">encoded dots</a>",
            ),
            file("index.html", ""),
        ];
        let (broken, checked) = check(&files);
        assert_eq!(
            broken,
            [
                "briefings/2023-q3.html ../../index.html: it climbs above the site root",
                "briefings/2023-q3.html ../../s/index.html: it climbs above the site root",
                "briefings/2023-q3.html ../../a/index.html: it climbs above the site root",
                "briefings/2023-q3.html ../../b/index.html: it climbs above the site root",
                "briefings/2023-q3.html ./../%2e%2e/index.html: it climbs above the site root",
            ]
        );
        assert_eq!(checked, 6);
        let (with_suggestion, _) = broken_links(&files, BASE);
        assert_eq!(
            with_suggestion[0].suggestion.as_deref(),
            Some("../index.html")
        );
        assert_eq!(
            resolve("index.html", "../x.html", BASE),
            Some(("../x.html".to_string(), None))
        );
    }

    #[test]
    fn root_relative_links_resolve_from_the_host() {
        let (broken, checked) = check_index(
            "<a href=\"/s/briefings/2023-q3.html\">in the site</a>\
             <a href=\"/briefings/2023-q3.html\">above it</a>",
        );
        assert_eq!(
            broken,
            ["index.html /briefings/2023-q3.html: it climbs above the site root"]
        );
        assert_eq!(checked, 2);
    }

    #[test]
    fn single_quoted_unquoted_and_multi_line_attributes_are_read() {
        let (broken, checked) = check_index(
            "<a href='briefings/2023-q3.html'>q</a><a href='gone-1.html'>g</a>\
             <a href=gone-2.html>g</a><a class=x href=briefings/2023-q3.html>q</a>\
             <a\n  class=\"x\"\n  href=\"gone-3.html\"\n>g</a>\
             <img\n src=gone-4.png alt=''>",
        );
        assert_eq!(
            broken,
            [
                "index.html gone-1.html: gone-1.html is not in the site",
                "index.html gone-2.html: gone-2.html is not in the site",
                "index.html gone-3.html: gone-3.html is not in the site",
                "index.html gone-4.png: gone-4.png is not in the site",
            ]
        );
        assert_eq!(checked, 5, "a link written twice on a page is checked once");
    }

    #[test]
    fn upper_case_attribute_names_are_read() {
        let (broken, _) = check_index("<A HREF=\"gone.html\">g</A><IMG SRC=\"gone.png\">");
        assert_eq!(
            broken,
            [
                "index.html gone.html: gone.html is not in the site",
                "index.html gone.png: gone.png is not in the site",
            ]
        );
    }

    #[test]
    fn character_references_in_hrefs_and_ids_are_decoded() {
        let files = [
            file(
                "index.html",
                "<a href=\"briefings&#x2F;2023-q3.html#a&amp;b\">hex</a>\
                 <a href=\"briefings&#47;2023-q3.html#caf&#233;\">decimal</a>\
                 <a href=\"briefings/2023-q3.html#a&amp;amp;b\">double</a>\
                 <a href=\"gone.html?a=1&amp;b=2\">query</a>",
            ),
            file(
                "briefings/2023-q3.html",
                "<h2 id=\"a&amp;b\">a</h2><h2 id='caf&eacute;'>c</h2>",
            ),
        ];
        let (broken, checked) = check(&files);
        assert_eq!(
            broken,
            [
                "index.html briefings/2023-q3.html#a&amp;b: briefings/2023-q3.html has no id `a&amp;b`",
                "index.html gone.html?a=1&b=2: gone.html is not in the site",
            ]
        );
        assert_eq!(checked, 4);
    }

    #[test]
    fn upper_case_schemes_are_schemes() {
        let (broken, checked) = check_index(
            "<a href=\"HTTPS://example.org/s/gone.html\">ours</a>\
             <a href=\"HTTP://elsewhere.example/gone.html\">theirs</a>\
             <a href=\"MailTo:editor@example.org\">mail</a>\
             <a href=\"Https://EXAMPLE.ORG/s/briefings/2023-q3.html\">ours, found</a>",
        );
        assert_eq!(
            broken,
            ["index.html HTTPS://example.org/s/gone.html: gone.html is not in the site"]
        );
        assert_eq!(checked, 2);
    }

    #[test]
    fn mail_phone_script_and_data_links_are_left_alone() {
        let (broken, checked) = check_index(
            "<a href=\"mailto:editor@example.org\">m</a><a href=\"tel:+4412345\">t</a>\
             <a href=\"javascript:void(0)\">j</a><img src=\"data:image/png;base64,AAAA\">\
             <a href=\"ftp://example.org/s/gone.html\">f</a><a href=\"urn:isbn:0451450523\">u</a>",
        );
        assert_eq!(broken, Vec::<String>::new());
        assert_eq!(checked, 0);
    }

    #[test]
    fn protocol_relative_links_are_external_unless_under_the_base() {
        let (broken, checked) = check_index(
            "<script src=\"//cdn.example.net/gone.js\"></script>\
             <a href=\"\\\\cdn.example.net/gone.html\">backslashes</a>\
             <a href=\"//example.org/other/gone.html\">same host, other site</a>\
             <a href=\"//example.org/s/gone.html\">ours</a>",
        );
        assert_eq!(
            broken,
            ["index.html //example.org/s/gone.html: gone.html is not in the site"]
        );
        assert_eq!(checked, 1);
    }

    #[test]
    fn absolute_links_under_the_base_url_are_checked_as_internal() {
        let files = [
            file(
                "404.html",
                "<a href=\"https://example.org/s/\">home</a>\
                 <a href=\"https://example.org/s/briefings/2023-q3.html#spend\">q3</a>\
                 <link rel=\"stylesheet\" href=\"https://example.org/s/static/style.css\">\
                 <a href=\"https://example.org/s/briefings/2019-q1.html\">gone</a>\
                 <a href=\"https://example.org/s/briefings/\">a directory</a>\
                 <a href=\"http://example.org/s/gone.html\">other scheme</a>\
                 <a href=\"https://example.org:8443/s/gone.html\">other port</a>\
                 <a href=\"https://example.org/sister/gone.html\">other path</a>",
            ),
            file("index.html", ""),
            file("briefings/2023-q3.html", "<h2 id=\"spend\">Spend</h2>"),
            file("static/style.css", "body {}"),
        ];
        let (broken, checked) = check(&files);
        assert_eq!(
            broken,
            [
                "404.html https://example.org/s/briefings/2019-q1.html: briefings/2019-q1.html is not in the site",
                "404.html https://example.org/s/briefings/: briefings/index.html is not in the site",
            ]
        );
        assert_eq!(checked, 5);
    }

    #[test]
    fn the_canonical_link_is_not_checked() {
        let (broken, checked) = check_index(
            "<link rel=\"canonical\" href=\"https://example.org/s/published-elsewhere.html\">\
             <link REL=\"alternate Canonical\" href=\"https://example.org/s/also-skipped.html\">\
             <meta property=\"og:url\" content=\"https://example.org/s/not-a-link.html\">\
             <link rel=\"stylesheet\" href=\"static/gone.css\">",
        );
        assert_eq!(
            broken,
            ["index.html static/gone.css: static/gone.css is not in the site"]
        );
        assert_eq!(checked, 1);
    }

    #[test]
    fn percent_encoded_paths_are_decoded_before_the_lookup() {
        let files = [
            file(
                "index.html",
                "<a href=\"data/market%20share.csv\">space</a>\
                 <a href=\"data/%E5%B8%82%E5%9C%BA.csv\">encoded</a>\
                 <a href=\"data/市场.csv\">as written</a>\
                 <a href=\"data/market%2520share.csv\">encoded twice</a>\
                 <a href=\"data/%FF.csv\">not UTF-8</a>",
            ),
            file("data/market share.csv", ""),
            file("data/市场.csv", ""),
        ];
        let (broken, checked) = check(&files);
        assert_eq!(
            broken,
            [
                "index.html data/market%2520share.csv: data/market%20share.csv is not in the site",
                "index.html data/%FF.csv: data/\u{FFFD}.csv is not in the site",
            ]
        );
        assert_eq!(checked, 5);
    }

    #[test]
    fn query_strings_are_ignored() {
        let (broken, checked) = check_index(
            "<a href=\"briefings/2023-q3.html?from=home#spend\">q</a>\
             <a href=\"?page=2\">this page</a>\
             <a href=\"gone.html?briefings/2023-q3.html\">g</a>",
        );
        assert_eq!(
            broken,
            ["index.html gone.html?briefings/2023-q3.html: gone.html is not in the site"]
        );
        assert_eq!(checked, 3);
    }

    #[test]
    fn fragments_are_checked_against_the_ids_of_the_target_page() {
        let (broken, checked) = check_index(
            "<p id=\"intro\">i</p>\
             <a href=\"#intro\">here, found</a><a href=\"#outro\">here, missing</a>\
             <a href=\"#\">empty</a><a href=\"\">this page</a>\
             <a href=\"briefings/2023-q3.html#spend\">there, found</a>\
             <a href=\"briefings/2023-q3.html#Spend\">ids are case-sensitive</a>\
             <a href=\"static/style.css#spend\">no ids in a stylesheet</a>\
             <a href=\"#spend\">an id of another page</a>",
        );
        assert_eq!(
            broken,
            [
                "index.html #outro: index.html has no id `outro`",
                "index.html briefings/2023-q3.html#Spend: briefings/2023-q3.html has no id `Spend`",
                "index.html static/style.css#spend: static/style.css has no id `spend`",
                "index.html #spend: index.html has no id `spend`",
            ]
        );
        assert_eq!(checked, 8);
    }

    #[test]
    fn percent_encoded_fragments_match_ids_as_written_or_decoded() {
        let (broken, checked) = check_index(
            "<h2 id=café>c</h2><h2 id=50%>p</h2><h2 id=a%20b>s</h2>\
             <a href=\"#caf%C3%A9\">encoded</a><a href=\"#café\">as written</a>\
             <a href=\"#50%25\">percent sign</a><a href=\"#a%20b\">an id with a percent</a>\
             <a href=\"#na%C3%AFve\">missing</a>",
        );
        assert_eq!(
            broken,
            ["index.html #na%C3%AFve: index.html has no id `naïve`"]
        );
        assert_eq!(checked, 5);
    }

    #[test]
    fn script_style_and_comment_contents_are_not_markup() {
        let (broken, checked) = check_index(
            "<script>document.write('<a href=\"gone-1.html\">')</script>\
             <style>/* <a href=\"gone-2.html\"> */</style>\
             <!-- <a href=\"gone-3.html\"> -->\
             <textarea><a href=\"gone-4.html\"></textarea>\
             <title><img src=gone-5.png></title>\
             <noscript><a href=\"gone-6.html\">read without scripts</a></noscript>\
             <svg><style><![CDATA[ a > b { } <a href=\"gone-8.html\"> ]]></style>\
             <a href=\"gone-7.html\">in SVG</a></svg>",
        );
        assert_eq!(
            broken,
            [
                "index.html gone-6.html: gone-6.html is not in the site",
                "index.html gone-7.html: gone-7.html is not in the site",
            ]
        );
        assert_eq!(checked, 2);
    }

    #[test]
    fn drawn_images_read_by_the_quick_scan_give_what_the_tokenizer_gives() {
        let wide = "<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" aria-labelledby=\"c-w-title\">\n\
            <title id=\"c-w-title\">Spend &quot;quoted&quot; id=&quot;x&quot; &amp; more</title>\n\
            <defs><pattern id=\"c-w-p1\" width=\"6\"><rect fill=\"#FFF\"/></pattern></defs>\n\
            <a href=\"data/a&amp;b.csv\"><text x=\"1\">a &lt; b</text></a></svg>";
        let narrow = wide.replace("c-w-", "c-n-");
        let html = format!(
            "<p id=\"before\"><a href=\"x.html\">x</a></p><figure id=\"c\">{wide}\n{narrow}</figure>\
             <a href=\"#c-w-p1\">y</a><p id=\"after\">"
        );
        let drawn = [wide.to_string(), narrow.clone()];
        assert_eq!(page_links(&html, &drawn), links_and_ids(&html));
        let page = page_links(&html, &drawn);
        assert_eq!(
            page.links,
            ["x.html", "data/a&b.csv", "#c-w-p1"],
            "in page order, each once"
        );
        assert!(page.ids.contains("c-n-p1") && page.ids.contains("c-w-title"));
        assert!(!page.ids.contains("x"), "words in a title are no id");
        // An image the page does not hold as drawn is read with the page.
        let altered = html.replace("a &lt; b", "changed");
        assert_eq!(page_links(&altered, &drawn), links_and_ids(&altered));
    }

    #[test]
    fn links_and_ids_reads_a_page_once_in_document_order() {
        let page = links_and_ids(
            "<html><head><link rel=canonical href=https://e/x.html>\
             <link rel=stylesheet href='s.css'></head>\
             <body><img id=logo src=\"logo.svg\" srcset=\"logo-2x.svg 2x\">\
             <a href=\"a.html?x=1&amp;y=2\" id=\"a&#38;b\">a</a>",
        );
        assert_eq!(page.links, ["s.css", "logo.svg", "a.html?x=1&y=2"]);
        let mut ids: Vec<&str> = page.ids.iter().map(String::as_str).collect();
        ids.sort_unstable();
        assert_eq!(ids, ["a&b", "logo"]);
    }

    #[test]
    fn damaged_html_never_panics() {
        for html in [
            "<a href=",
            "<a href='",
            "<a href=\"#",
            "<a href=\"&#xFFFFFFFF;\">",
            "<a href=\"&#0;\">",
            "<svg><![CDATA[",
            "<script>",
            "<a href=\"http://[::1\">",
            "<a href=\"//\">",
            "<a href=\"%\">",
            "<a href=\"../../../../..\">",
            "\u{FEFF}<a href=x>",
        ] {
            let _ = check_index(html);
        }
        let long = format!("<p>{}</p><a href=\"gone.html\">", "é".repeat(1 << 20));
        assert_eq!(
            check_index(&long).0,
            ["index.html gone.html: gone.html is not in the site"]
        );
    }
}
