//! Text measurement for chart layout, with the font the pages draw chart text in
//! (`assets/fonts/chart-sans.ttf`), so labels are placed by their real width on every machine.
//! CJK ideographs are not in that font; they are one em wide in every CJK font, so they are
//! measured as such and drawn with the reader's own CJK font.

use std::sync::OnceLock;

use ab_glyph::{Font, FontRef, GlyphId, ScaleFont};

pub const FONT: &[u8] = include_bytes!("../../../assets/fonts/chart-sans.ttf");

fn font() -> Option<&'static FontRef<'static>> {
    static FONT_REF: OnceLock<Option<FontRef<'static>>> = OnceLock::new();
    FONT_REF
        .get_or_init(|| FontRef::try_from_slice(FONT).ok())
        .as_ref()
}

/// Whether a character is drawn full-width (one em) in CJK fonts.
pub fn is_wide(c: char) -> bool {
    matches!(c as u32,
        0x1100..=0x115F | 0x2E80..=0x303E | 0x3041..=0x33FF | 0x3400..=0x4DBF | 0x4E00..=0x9FFF
        | 0xA000..=0xA4CF | 0xAC00..=0xD7A3 | 0xF900..=0xFAFF | 0xFE30..=0xFE4F | 0xFF00..=0xFF60
        | 0xFFE0..=0xFFE6 | 0x20000..=0x3FFFD)
}

/// The printable ASCII characters, whose glyphs, advances and kerning are looked up once:
/// chart text is mostly these, and measuring it is much of drawing a chart.
const ASCII: std::ops::RangeInclusive<u8> = b' '..=b'~';
const ASCII_COUNT: usize = 95;

/// The font's unscaled metrics of the printable ASCII characters.
struct AsciiMetrics {
    glyph: [GlyphId; ASCII_COUNT],
    advance: [f32; ASCII_COUNT],
    /// Kerning of each pair, first character major.
    kern: Vec<f32>,
}

fn ascii_metrics(font: &FontRef<'static>) -> &'static AsciiMetrics {
    static METRICS: OnceLock<AsciiMetrics> = OnceLock::new();
    METRICS.get_or_init(|| {
        let glyph: [GlyphId; ASCII_COUNT] =
            std::array::from_fn(|i| font.glyph_id(char::from(*ASCII.start() + i as u8)));
        let advance = glyph.map(|g| font.h_advance_unscaled(g));
        let kern = glyph
            .iter()
            .flat_map(|&a| glyph.iter().map(move |&b| font.kern_unscaled(a, b)))
            .collect();
        AsciiMetrics {
            glyph,
            advance,
            kern,
        }
    })
}

/// The index of a printable ASCII character in the metrics tables.
fn ascii_index(c: char) -> Option<usize> {
    u8::try_from(c)
        .ok()
        .filter(|b| ASCII.contains(b))
        .map(|b| usize::from(b - ASCII.start()))
}

/// The advance width of `text` at `size` px, kerning included.
pub fn text_width(text: &str, size: f64) -> f64 {
    let Some(font) = font() else {
        // The font is compiled in; this fallback only keeps a broken build from panicking.
        return text.chars().count() as f64 * size * 0.6;
    };
    // ab_glyph scales by the font's height (ascent to descent); CSS sizes are ems.
    let units = font.units_per_em().unwrap_or(1000.0);
    let scaled = font.as_scaled(size as f32 * font.height_unscaled() / units);
    // The same arithmetic as `ScaleFont::h_advance` and `kern`, on looked-up values.
    let factor = scaled.h_scale_factor();
    let ascii = ascii_metrics(font);
    let mut width = 0.0f64;
    // The glyph before, and its index when it is printable ASCII.
    let mut previous: Option<(GlyphId, Option<usize>)> = None;
    for c in text.chars() {
        if is_wide(c) {
            width += size;
            previous = None;
            continue;
        }
        let index = ascii_index(c);
        let glyph = match index.and_then(|i| ascii.glyph.get(i)) {
            Some(&g) => g,
            None => scaled.glyph_id(c),
        };
        if let Some((prev, prev_index)) = previous {
            let kern = match (prev_index, index) {
                (Some(a), Some(b)) => ascii.kern.get(a * ASCII_COUNT + b).copied(),
                _ => None,
            };
            width += f64::from(match kern {
                Some(unscaled) => factor * unscaled,
                None => scaled.kern(prev, glyph),
            });
        }
        let advance = if glyph.0 == 0 {
            // Not in the font: assume an average Latin width rather than nothing.
            size * 0.6
        } else {
            match index.and_then(|i| ascii.advance.get(i)) {
                Some(&unscaled) => f64::from(factor * unscaled),
                None => f64::from(scaled.h_advance(glyph)),
            }
        };
        width += advance;
        previous = Some((glyph, index));
    }
    width
}

/// Cuts `text` to fit `max` px, ending with an ellipsis when anything was cut.
pub fn fit(text: &str, size: f64, max: f64) -> String {
    if text_width(text, size) <= max {
        return text.to_string();
    }
    let mut out: String = text.to_string();
    while !out.is_empty() {
        out.pop();
        let candidate = format!("{}…", out.trim_end());
        if text_width(&candidate, size) <= max {
            return candidate;
        }
    }
    String::new()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Widths measured glyph by glyph from the font, without the tables.
    fn measured_directly(text: &str, size: f64) -> f64 {
        let font = font().unwrap();
        let units = font.units_per_em().unwrap_or(1000.0);
        let scaled = font.as_scaled(size as f32 * font.height_unscaled() / units);
        let mut width = 0.0f64;
        let mut previous = None;
        for c in text.chars() {
            if is_wide(c) {
                width += size;
                previous = None;
                continue;
            }
            let glyph = scaled.glyph_id(c);
            if let Some(prev) = previous {
                width += f64::from(scaled.kern(prev, glyph));
            }
            width += if glyph.0 == 0 {
                size * 0.6
            } else {
                f64::from(scaled.h_advance(glyph))
            };
            previous = Some(glyph);
        }
        width
    }

    #[test]
    fn the_tables_give_the_widths_the_font_gives_to_the_last_bit() {
        for text in [
            "AVATAR To Wa Yo LT Ty",
            "US$14.7bn",
            "Q4 '25",
            "Alibaba Cloud 阿里云 37%",
            "Café — naïve ½ ‰",
            "\u{E000}x",
            "",
            " ~!@#$%^&*()_+{}|:\"<>?",
        ] {
            for size in [9.0, 11.0, 12.0, 13.5, 16.0] {
                let (fast, slow) = (text_width(text, size), measured_directly(text, size));
                assert_eq!(
                    fast.to_bits(),
                    slow.to_bits(),
                    "{text:?} at {size}: {fast} {slow}"
                );
            }
        }
    }

    #[test]
    fn latin_text_is_measured_with_the_shipped_font() {
        let w = text_width("Alibaba Cloud", 13.0);
        // The advances of these glyphs in DejaVu Sans add up to 6.9 em.
        assert!((88.0..91.0).contains(&w), "{w}");
        assert!(text_width("WWW", 13.0) > text_width("iii", 13.0) * 2.0);
    }

    #[test]
    fn chinese_names_are_one_em_a_character() {
        assert_eq!(text_width("阿里云", 13.0), 39.0);
        assert_eq!(text_width("百度智能云", 12.0), 60.0);
        let mixed = text_width("Alibaba Cloud 阿里云", 13.0);
        assert!((mixed - (text_width("Alibaba Cloud ", 13.0) + 39.0)).abs() < 1e-9);
    }

    #[test]
    fn fitting_cuts_with_an_ellipsis() {
        let cut = fit("Amazon Web Services", 13.0, 60.0);
        assert!(cut.ends_with('…'), "{cut}");
        assert!(text_width(&cut, 13.0) <= 60.0);
        assert_eq!(fit("AWS", 13.0, 60.0), "AWS");
    }
}
