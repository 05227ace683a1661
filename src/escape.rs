//! Escaping by output context: text from content reaches the site through exactly one of
//! these functions, chosen by where it lands (HTML text, an HTML attribute, a URL attribute,
//! JSON inside a script element, JSON inside a JavaScript file, XML, SVG, a CSV field).
//! Characters no HTML or XML document can carry (control characters other than tab and line
//! breaks) become U+FFFD, the replacement character; a carriage return is kept as a character
//! reference so it reads back as itself rather than as a line feed.

use std::io::{self, Write};

/// Whether `c` can stand in an HTML or XML document at all.
fn is_publishable(c: char) -> bool {
    !matches!(c, '\u{0}'..='\u{8}' | '\u{B}' | '\u{C}' | '\u{E}'..='\u{1F}' | '\u{7F}' | '\u{FFFE}' | '\u{FFFF}')
}

/// Escapes markup characters, and the quotes too when `quotes`. Runs of characters that
/// stay as they are, nearly all of any text, are copied whole.
fn markup(text: &str, quotes: bool) -> String {
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len() + text.len() / 8);
    let mut start = 0;
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        let (replacement, len): (&str, usize) = match b {
            b'&' => ("&amp;", 1),
            b'<' => ("&lt;", 1),
            b'>' => ("&gt;", 1),
            b'"' if quotes => ("&quot;", 1),
            b'\'' if quotes => ("&#39;", 1),
            b'\r' => ("&#13;", 1),
            b'\t' | b'\n' => {
                i += 1;
                continue;
            }
            0..=0x1F | 0x7F => ("\u{FFFD}", 1),
            // U+FFFE and U+FFFF, the noncharacters no document may hold.
            0xEF if matches!(bytes.get(i + 1..i + 3), Some([0xBF, 0xBE | 0xBF])) => ("\u{FFFD}", 3),
            _ => {
                i += 1;
                continue;
            }
        };
        out.push_str(text.get(start..i).unwrap_or_default());
        out.push_str(replacement);
        i += len;
        start = i;
    }
    out.push_str(text.get(start..).unwrap_or_default());
    out
}

/// Text between HTML tags.
pub fn html_text(text: &str) -> String {
    markup(text, false)
}

/// Text placed in a markdown body before it is rendered (a figure, quoted words): every
/// ASCII punctuation character is written as a character reference, so markdown reads none
/// of it as syntax (no emphasis, no typographic quotes in quoted words), and the rendered
/// page shows exactly the text.
pub fn markdown_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len() * 2);
    for c in text.chars() {
        match c {
            '\r' => out.push_str("&#13;"),
            c if c.is_ascii_punctuation() => out.push_str(&format!("&#{};", c as u32)),
            c if !is_publishable(c) => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

/// A value inside a quoted HTML attribute (either quote).
pub fn html_attr(text: &str) -> String {
    markup(text, true)
}

/// `html_attr` for tera: every value a template prints goes through it, whether it lands
/// between tags or in an attribute.
pub fn html_attr_to(text: &str, out: &mut dyn Write) -> io::Result<()> {
    out.write_all(html_attr(text).as_bytes())
}

/// A URL inside an `href` or `src` attribute. Only web links, mail links and links within the
/// site are written; anything else (a `javascript:` URL, say) becomes a link to nothing.
pub fn url(href: &str) -> String {
    let scheme = href
        .split_once(':')
        .map(|(s, _)| s)
        .filter(|s| !s.contains(['/', '?', '#']));
    match scheme.map(str::to_ascii_lowercase).as_deref() {
        None | Some("http" | "https" | "mailto") => html_attr(href),
        Some(_) => "#".to_string(),
    }
}

/// Text and attribute values of XML documents: the Atom feed and the sitemap.
pub fn xml(text: &str) -> String {
    markup(text, true)
}

/// `xml` for tera, for the feed and sitemap templates.
pub fn xml_to(text: &str, out: &mut dyn Write) -> io::Result<()> {
    out.write_all(xml(text).as_bytes())
}

/// Text and attribute values of an SVG image, whether it stands inline in a page or alone
/// in a file: XML rules, which inline SVG in HTML reads the same way.
pub fn svg(text: &str) -> String {
    markup(text, true)
}

/// A value as JSON for a `<script type="application/json">` element: `<`, `>` and `&` are
/// written as `\u` escapes, so no `</script>` or `<!--` in the content can end or bend the
/// element, and the JSON reads back the same.
pub fn json_in_script<T: serde::Serialize>(value: &T) -> Result<String, serde_json::Error> {
    let json = serde_json::to_string(value)?;
    let mut out = String::with_capacity(json.len());
    for c in json.chars() {
        match c {
            '<' => out.push_str("\\u003c"),
            '>' => out.push_str("\\u003e"),
            '&' => out.push_str("\\u0026"),
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            c => out.push(c),
        }
    }
    Ok(out)
}

/// A value as JSON inside a JavaScript file that a page loads with `<script src>` (the search
/// index). Everything outside ASCII is written as a `\u` escape, so the file reads the same
/// whatever encoding a host declares or a browser assumes for it, and U+2028 and U+2029, which
/// older engines take for line breaks, cannot end a string. `<`, `>` and `&` are escaped as in
/// `json_in_script`, so the text could not close a script element even if it were inlined.
/// Outside strings JSON is ASCII, so only string contents change, and the JSON reads back the
/// same.
pub fn json_in_js_file<T: serde::Serialize>(value: &T) -> Result<String, serde_json::Error> {
    let json = serde_json::to_string(value)?;
    let mut out = String::with_capacity(json.len() + json.len() / 4);
    for c in json.chars() {
        match c {
            '<' | '>' | '&' => out.push_str(&format!("\\u{:04x}", c as u32)),
            c if c.is_ascii() => out.push(c),
            c => {
                let mut units = [0u16; 2];
                for unit in c.encode_utf16(&mut units) {
                    out.push_str(&format!("\\u{unit:04x}"));
                }
            }
        }
    }
    Ok(out)
}

/// A CSV field, quoted when it holds a comma, a quote or a line break.
pub fn csv_field(text: &str) -> String {
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_context_escapes_what_would_break_it() {
        assert_eq!(html_text("A&B <b>\"'"), "A&amp;B &lt;b&gt;\"'");
        assert_eq!(html_attr("A&B <b>\"'"), "A&amp;B &lt;b&gt;&quot;&#39;");
        assert_eq!(xml("a\u{1}b\rc"), "a\u{FFFD}b&#13;c");
        assert_eq!(url("https://e.org/?a=1&b=2"), "https://e.org/?a=1&amp;b=2");
        assert_eq!(url("../about.html#x"), "../about.html#x");
        assert_eq!(url("JavaScript:alert(1)"), "#");
        assert_eq!(csv_field("a,\"b\""), "\"a,\"\"b\"\"\"");
        assert_eq!(csv_field("plain"), "plain");
    }

    #[test]
    fn markdown_text_survives_markdown_as_written() {
        let text = "China's *top* `3` -- \"so\"...";
        let html = markdown_text(text);
        assert!(!html.contains(['\'', '*', '`', '"']), "{html}");
        let mut rendered = String::new();
        pulldown_cmark::html::push_html(
            &mut rendered,
            pulldown_cmark::Parser::new_ext(&html, crate::model::markdown_options()),
        );
        assert_eq!(rendered, "<p>China's *top* `3` -- \"so\"...</p>\n");
    }

    #[test]
    fn json_in_a_javascript_file_is_ascii_and_reads_back() {
        let text = "</script><!-- & \u{2028}\u{2029} \"q\" 阿里云 😀 \u{1}\\";
        let json = json_in_js_file(&vec![text]).unwrap();
        assert!(json.is_ascii(), "{json}");
        assert!(!json.contains(['<', '>', '&']), "{json}");
        assert!(
            json.contains("\\u2028") && json.contains("\\ud83d\\ude00"),
            "{json}"
        );
        let back: Vec<String> = serde_json::from_str(&json).unwrap();
        assert_eq!(back, [text]);
    }

    #[test]
    fn json_in_a_script_cannot_close_it() {
        let json = json_in_script(&vec!["</script><!-- & \u{2028}"]).unwrap();
        assert!(!json.contains('<') && !json.contains('>') && !json.contains('&'));
        let back: Vec<String> = serde_json::from_str(&json).unwrap();
        assert_eq!(back, ["</script><!-- & \u{2028}"]);
    }
}
