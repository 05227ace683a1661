//! A quick reading of the links and ids of HTML that keeps to the plain cases of the HTML
//! tokenizer: text, start and end tags with their attributes in any quoting, comments, the
//! doctype, and the raw text of `<title>`, `<style>`, `<textarea>` and empty `<script>`
//! elements, with the character references the site's own escaping writes. At anything else
//! (other character references, script content, inline SVG or MathML that the build did
//! not draw, carriage returns, a tag cut off by the end) it gives up and returns `None`, so
//! the caller reads the page with the full tokenizer. Where it answers, it answers as the
//! tokenizer does; the tests compare the two on generated and built pages.

use rustc_hash::FxHashSet;

use super::page::PageLinks;

/// HTML's whitespace inside tags: tab, line feed, form feed and space (carriage returns are
/// refused up front).
fn is_space(b: u8) -> bool {
    matches!(b, b'\t' | b'\n' | b'\x0C' | b' ')
}

/// Reads `html` into `page`, or `None` where only the full tokenizer can say.
pub fn read(html: &str, page: &mut PageLinks) -> Option<()> {
    if html.contains(['\r', '\0']) {
        return None;
    }
    let bytes = html.as_bytes();
    let mut at = 0;
    while let Some(found) = html.get(at..)?.find('<') {
        at += found;
        let next = bytes.get(at + 1).copied();
        at = match next {
            Some(b'!') => markup_declaration(html, at)?,
            Some(b'/') => end_tag(html, at)?,
            Some(b'?') => bogus_comment(html, at + 1)?,
            Some(c) if c.is_ascii_alphabetic() => start_tag(html, at, page)?,
            // A `<` that opens nothing is text.
            _ => at + 1,
        };
    }
    Some(())
}

/// `<!--…-->`, the doctype, or a bogus comment; where reading goes on.
fn markup_declaration(html: &str, at: usize) -> Option<usize> {
    let rest = html.get(at..)?;
    if let Some(comment) = rest.strip_prefix("<!--") {
        // The odd endings (`<!-->`, `<!--->`, `--!>`) are left to the tokenizer.
        if comment.starts_with('>') || comment.starts_with("->") {
            return None;
        }
        let end = comment.find("-->")?;
        if comment.get(..end)?.contains("--!>") {
            return None;
        }
        return Some(at + 4 + end + 3);
    }
    if rest.get(..9)?.eq_ignore_ascii_case("<!doctype") || rest.starts_with("<![CDATA[") {
        let end = rest.find('>')?;
        // A quoted identifier may hold a `>`.
        if rest.get(..end)?.contains(['"', '\'']) || rest.starts_with("<![") {
            return None;
        }
        return Some(at + end + 1);
    }
    bogus_comment(html, at + 1)
}

/// A bogus comment runs to the next `>`.
fn bogus_comment(html: &str, from: usize) -> Option<usize> {
    let end = html.get(from..)?.find('>')?;
    Some(from + end + 1)
}

/// `</name …>`: its attributes are read (a quoted one may hold a `>`) and dropped.
fn end_tag(html: &str, at: usize) -> Option<usize> {
    let bytes = html.as_bytes();
    match bytes.get(at + 2).copied() {
        Some(c) if c.is_ascii_alphabetic() => {
            let mut ignored = PageLinks::default();
            let (_, after) = tag(html, at + 2, &mut ignored, false)?;
            Some(after)
        }
        // `</>` is dropped.
        Some(b'>') => Some(at + 3),
        Some(_) => bogus_comment(html, at + 2),
        None => None,
    }
}

/// `<name …>`: its ids and links go into `page`; after a raw text element, reading goes on
/// after its end tag.
fn start_tag(html: &str, at: usize, page: &mut PageLinks) -> Option<usize> {
    let (name, after) = tag(html, at + 1, page, true)?;
    match name {
        Some(
            raw @ ("title" | "textarea" | "style" | "xmp" | "iframe" | "noembed" | "noframes"),
        ) => raw_text_end(html, after, raw),
        // Script data has escapes of its own; an empty script is plain.
        Some("script") => {
            let closes = html
                .get(after..after + "</script".len())
                .is_some_and(|t| t.eq_ignore_ascii_case("</script"));
            let follows = html.as_bytes().get(after + "</script".len()).copied();
            if closes && follows.is_some_and(|b| is_space(b) || b == b'/' || b == b'>') {
                end_tag(html, after)
            } else {
                None
            }
        }
        Some("plaintext" | "svg" | "math") => None,
        _ => Some(after),
    }
}

/// Where the raw text of element `name` that starts at `from` ends: after its end tag,
/// `</name` followed by whitespace, `/` or `>`, in any case.
fn raw_text_end(html: &str, from: usize, name: &str) -> Option<usize> {
    let bytes = html.as_bytes();
    let mut at = from;
    loop {
        at += html.get(at..)?.find("</")?;
        let candidate = html.get(at + 2..at + 2 + name.len());
        let follows = bytes.get(at + 2 + name.len()).copied();
        if candidate.is_some_and(|c| c.eq_ignore_ascii_case(name))
            && follows.is_some_and(|b| is_space(b) || b == b'/' || b == b'>')
        {
            return end_tag(html, at);
        }
        at += 2;
    }
}

/// The elements whose names change how reading goes on, and `link` (whose `rel` decides
/// whether its `href` counts).
const NAMED: [&str; 13] = [
    "title",
    "textarea",
    "style",
    "xmp",
    "iframe",
    "noembed",
    "noframes",
    "script",
    "plaintext",
    "svg",
    "math",
    "link",
    "a",
];

/// The attributes the check reads; `rel` only on `link`.
#[derive(Clone, Copy, PartialEq)]
enum Wanted {
    Id,
    Href,
    Src,
    Rel,
}

/// A tag from its name at `from`: its name when it is one of [`NAMED`], and where reading
/// goes on. With `collect`, its ids and links go into `page`.
fn tag(
    html: &str,
    from: usize,
    page: &mut PageLinks,
    collect: bool,
) -> Option<(Option<&'static str>, usize)> {
    let bytes = html.as_bytes();
    let mut at = from;
    while bytes
        .get(at)
        .is_some_and(|&b| !is_space(b) && b != b'/' && b != b'>')
    {
        at += 1;
    }
    let written = html.get(from..at)?;
    // Most tags are none of them, and only a few have a name of the same length.
    let name = NAMED
        .iter()
        .filter(|n| n.len() == written.len())
        .find(|n| n.eq_ignore_ascii_case(written))
        .copied();
    // The first of each wanted attribute; a repeated one is dropped, as the tokenizer
    // drops it.
    let mut found: [Option<String>; 4] = [None, None, None, None];
    let mut seen = [false; 4];
    let mut src_first = false;
    loop {
        while bytes.get(at).is_some_and(|&b| is_space(b) || b == b'/') {
            at += 1;
        }
        if *bytes.get(at)? == b'>' {
            at += 1;
            break;
        }
        let (attribute, value, after) = attribute(html, at)?;
        at = after;
        let wanted = if attribute.eq_ignore_ascii_case("id") {
            Wanted::Id
        } else if attribute.eq_ignore_ascii_case("href") {
            Wanted::Href
        } else if attribute.eq_ignore_ascii_case("src") {
            Wanted::Src
        } else if attribute.eq_ignore_ascii_case("rel") {
            Wanted::Rel
        } else {
            continue;
        };
        let slot = wanted as usize;
        if seen[slot] || !collect {
            continue;
        }
        seen[slot] = true;
        if wanted == Wanted::Src && !seen[Wanted::Href as usize] {
            src_first = true;
        }
        found[slot] = Some(decode(value)?);
    }
    let [id, href, src, rel] = found;
    let canonical = name == Some("link")
        && rel.as_deref().is_some_and(|rel| {
            rel.split_ascii_whitespace()
                .any(|r| r.eq_ignore_ascii_case("canonical"))
        });
    if let Some(id) = id {
        page.ids.insert(id);
    }
    // Links in the order written, as the tokenizer gives them.
    if !canonical {
        let (first, second) = if src_first { (src, href) } else { (href, src) };
        page.links.extend(first.into_iter().chain(second));
    }
    Some((name, at))
}

/// One attribute from its name at `from`: its name as written, its raw value (character
/// references not yet decoded), and where reading goes on.
fn attribute(html: &str, from: usize) -> Option<(&str, &str, usize)> {
    let bytes = html.as_bytes();
    let mut at = from;
    // A name may start with `=`; it then runs to whitespace, `/`, `>` or `=`.
    at += 1;
    while bytes
        .get(at)
        .is_some_and(|&b| !is_space(b) && !matches!(b, b'/' | b'>' | b'='))
    {
        at += 1;
    }
    let name = html.get(from..at)?;
    let mut look = at;
    while bytes.get(look).copied().is_some_and(is_space) {
        look += 1;
    }
    if bytes.get(look) != Some(&b'=') {
        return Some((name, "", at));
    }
    at = look + 1;
    while bytes.get(at).copied().is_some_and(is_space) {
        at += 1;
    }
    let (raw, after) = match bytes.get(at)? {
        quote @ (b'"' | b'\'') => {
            let close = html.get(at + 1..)?.find(char::from(*quote))?;
            (html.get(at + 1..at + 1 + close)?, at + 1 + close + 1)
        }
        b'>' => ("", at),
        _ => {
            let start = at;
            while bytes.get(at).is_some_and(|&b| !is_space(b) && b != b'>') {
                at += 1;
            }
            bytes.get(at)?;
            (html.get(start..at)?, at)
        }
    };
    Some((name, raw, after))
}

/// An attribute value with its character references decoded: the few the site's escaping
/// writes, and numeric ones of ordinary characters. Any other `&` that could start a
/// reference is left to the tokenizer.
fn decode(raw: &str) -> Option<String> {
    if !raw.contains('&') {
        return Some(raw.to_string());
    }
    let mut out = String::with_capacity(raw.len());
    let mut rest = raw;
    while let Some(amp) = rest.find('&') {
        out.push_str(rest.get(..amp)?);
        rest = rest.get(amp..)?;
        let after = rest.as_bytes().get(1).copied();
        if !after.is_some_and(|b| b.is_ascii_alphanumeric() || b == b'#') {
            out.push('&');
            rest = rest.get(1..)?;
            continue;
        }
        let end = rest.find(';')?;
        let reference = rest.get(1..end)?;
        let c = match reference {
            "amp" => '&',
            "lt" => '<',
            "gt" => '>',
            "quot" => '"',
            "apos" => '\'',
            _ => numeric(reference)?,
        };
        out.push(c);
        rest = rest.get(end + 1..)?;
    }
    out.push_str(rest);
    Some(out)
}

/// `#39` or `#x27` as its character, for printable characters outside the ranges the
/// tokenizer remaps (C0 and C1 controls, surrogates, noncharacters).
fn numeric(reference: &str) -> Option<char> {
    let digits = reference.strip_prefix('#')?;
    let code = match digits.strip_prefix(['x', 'X']) {
        Some(hex) if !hex.is_empty() && hex.len() <= 6 => u32::from_str_radix(hex, 16).ok()?,
        None if !digits.is_empty() && digits.len() <= 7 => digits.parse().ok()?,
        _ => return None,
    };
    let plain = (0x20..0x7F).contains(&code)
        || (code >= 0xA0 && (code & 0xFFFE) != 0xFFFE && !(0xFDD0..=0xFDEF).contains(&code));
    if plain { char::from_u32(code) } else { None }
}

/// Each link once, in the order of its first appearance.
pub fn dedupe(links: &mut Vec<String>) {
    let keep: Vec<bool> = {
        let mut seen: FxHashSet<&str> = FxHashSet::default();
        seen.reserve(links.len());
        links
            .iter()
            .map(|link| seen.insert(link.as_str()))
            .collect()
    };
    let mut keep = keep.into_iter();
    links.retain(|_| keep.next().unwrap_or(true));
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::super::tokenized;
    use super::*;

    fn quick(html: &str) -> Option<PageLinks> {
        let mut page = PageLinks::default();
        read(html, &mut page)?;
        dedupe(&mut page.links);
        Some(page)
    }

    fn by_tokenizer(html: &str) -> PageLinks {
        let mut page = tokenized(html, &[]);
        dedupe(&mut page.links);
        page
    }

    /// Pieces of HTML that exercise every state the quick reading knows, and many it
    /// leaves to the tokenizer.
    const PIECES: &[&str] = &[
        "<a href=\"x.html\">",
        "<a href='y.html'>",
        "<a href=z.html>",
        "</a>",
        "<A HREF=\"U.html\">",
        "<p id=\"a\">",
        "<p id='b c'>",
        "<div ID=d>",
        "<img src=\"i.png\" id='i'>",
        "<img/src=s.png>",
        "<a href = \"sp.html\" >",
        "<a href=\"dup1\" href=\"dup2\">",
        "<link rel=\"canonical\" href=\"c.html\">",
        "<LINK REL=Canonical HREF=d.html>",
        "<link rel=\"stylesheet canonical\" href=\"e.css\">",
        "<link rel=stylesheet href=f.css>",
        "<!--",
        "-->",
        "--!>",
        "<!-->",
        "<!--->",
        "<!DOCTYPE html>",
        "<!doctype html public \"a>b\">",
        "<!x>",
        "<?pi>",
        "</ a>",
        "</>",
        "< a>",
        "<3",
        "a<b",
        "</a title=\">\">",
        "<title>",
        "</title>",
        "</TITLE >",
        "<textarea>",
        "</textarea>",
        "<style>",
        "</style>",
        "<script>",
        "</script>",
        "<script src=\"s.js\"></script>",
        "<noscript>",
        "</noscript>",
        "<svg>",
        "</svg>",
        "<math>",
        "<![CDATA[",
        "]]>",
        "<plaintext>",
        "&amp;",
        "&lt;",
        "&gt;",
        "&quot;",
        "&#39;",
        "&#x41;",
        "&#0;",
        "&#128;",
        "&notit;",
        "&",
        "\"",
        "'",
        "<",
        ">",
        "=",
        "/",
        " ",
        "\n",
        "\t",
        "\x0C",
        "\r",
        "id=",
        "href=",
        "src=",
        "<a href=\"q?a=1&amp;b=2\">",
        "<a href=\"q?a=1&b=2\">",
        "<a href=\"&#x2F;p\">",
        "<a href=\"#frag\">",
        "<a href=\"%E4%B8%AD.html\">",
        "<a href=\"中.html\" id=\"中\">",
        "text",
        "é",
        "中",
        "<br/>",
        "<input value=\"a > b\" id=v>",
        "<a =x href=eq.html>",
        "<a href=\"unterminated",
        "<a href=",
        "<a",
        "<x src=s1 href=h1>",
        "<x href=h2 src=s2>",
        "<x title=\"a &copy; b\" href=h3>",
        "<x rel=canonical href=h4>",
        "<link href=h5 rel=canonical>",
        "<link rel=\"canonical\" rel=\"x\" href=h6>",
    ];

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(4000))]

        #[test]
        fn where_the_quick_reading_answers_it_answers_as_the_tokenizer_does(
            picks in proptest::collection::vec(0..PIECES.len(), 0..24)
        ) {
            let html: String = picks.iter().map(|&i| PIECES[i]).collect();
            if let Some(page) = quick(&html) {
                prop_assert_eq!(page, by_tokenizer(&html), "{:?}", html);
            }
        }
    }

    #[test]
    fn the_quick_reading_answers_for_many_generated_pages() {
        // So the comparison above is not empty: a simple generator over the same pieces.
        let mut state = 7u64;
        let mut answered = 0;
        for _ in 0..2000 {
            let mut html = String::new();
            for _ in 0..12 {
                state = state
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                html.push_str(PIECES[(state >> 33) as usize % PIECES.len()]);
            }
            if let Some(page) = quick(&html) {
                answered += 1;
                assert_eq!(page, by_tokenizer(&html), "{html:?}");
            }
        }
        assert!(answered > 200, "answered {answered} of 2000");
    }

    #[test]
    fn plain_pages_are_read_quickly() {
        let page = "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
            <title>A &amp; B</title><link rel=\"canonical\" href=\"https://e/x.html\">\
            <link rel=\"stylesheet\" href=\"s.css\"><style>a > b {}</style></head>\
            <body><!-- note --><a class=\"skip\" href=\"#main\">Skip</a>\
            <main id=\"main\"><p>Less than < and &lt; text, a=\"b\" too.</p>\
            <a href='q?a=1&amp;b=2' title=\"x > y\">q</a><textarea><a href=\"no\"></textarea>\
            <script src=\"search.js\"></script></main></body></html>";
        let quick = quick(page).expect("a page of plain HTML is read quickly");
        assert_eq!(quick, by_tokenizer(page));
        assert_eq!(quick.links, ["s.css", "#main", "q?a=1&b=2", "search.js"]);
        for tricky in [
            "<script>var a = '<a href=\"x\">';</script>",
            "<svg><a href=\"x\"/></svg>",
            "<a href=\"x&copy;\">",
            "<p>\r\n</p>",
            "<a href=\"x\"",
        ] {
            assert_eq!(
                super::read(tricky, &mut PageLinks::default()),
                None,
                "{tricky}"
            );
        }
    }
}
