//! Colours and contrast (WCAG 2 relative luminance). Vendor colours are checked against the
//! light page; their dark-mode variants are derived by lightening until marks keep 3:1
//! against the dark page.

/// The page backgrounds charts sit on, in light and dark mode (see templates/static/style.css).
pub const LIGHT_BACKGROUND: &str = "#FFFFFF";
pub const DARK_BACKGROUND: &str = "#16181B";
/// Marks (lines, bars, segments) need 3:1 against the background; text needs 4.5:1.
pub const MARK_CONTRAST: f64 = 3.0;

/// Colour-blind-safe defaults (Okabe–Ito hues, darkened for 3:1 on white) for columns that
/// are not tied to a vendor.
pub const PALETTE: [&str; 6] = [
    "#0072B2", "#D55E00", "#007A5A", "#AA4499", "#8A5A00", "#5F5F5F",
];

pub fn parse_hex(hex: &str) -> Option<(u8, u8, u8)> {
    let h = hex.strip_prefix('#')?;
    if h.len() != 6 || !h.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    let channel = |i: usize| u8::from_str_radix(h.get(i..i + 2)?, 16).ok();
    Some((channel(0)?, channel(2)?, channel(4)?))
}

fn to_hex((r, g, b): (u8, u8, u8)) -> String {
    format!("#{r:02X}{g:02X}{b:02X}")
}

fn luminance((r, g, b): (u8, u8, u8)) -> f64 {
    let lin = |c: u8| {
        let c = f64::from(c) / 255.0;
        if c <= 0.04045 {
            c / 12.92
        } else {
            ((c + 0.055) / 1.055).powf(2.4)
        }
    };
    0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b)
}

/// The WCAG contrast ratio of two colours, from 1 to 21.
pub fn contrast(a: &str, b: &str) -> f64 {
    let (Some(a), Some(b)) = (parse_hex(a), parse_hex(b)) else {
        return 1.0;
    };
    let (la, lb) = (luminance(a), luminance(b));
    let (hi, lo) = if la > lb { (la, lb) } else { (lb, la) };
    (hi + 0.05) / (lo + 0.05)
}

/// What is wrong with a vendor colour that keeps less than 3:1 against the page.
pub fn contrast_problem(colour: &str) -> Option<String> {
    let ratio = contrast(colour, LIGHT_BACKGROUND);
    (ratio < MARK_CONTRAST).then(|| {
        format!(
            "colour {colour} has a contrast of {}:1 against the page; chart marks need at least 3:1",
            crate::format::format_number(ratio, 1)
        )
    })
}

/// `colour` mixed towards white just enough to keep `ratio` against the dark background.
pub fn dark_variant(colour: &str, ratio: f64) -> String {
    let Some((r, g, b)) = parse_hex(colour) else {
        return colour.to_string();
    };
    for step in 0..=20 {
        let t = f64::from(step) / 20.0;
        let mix = |c: u8| (f64::from(c) + (255.0 - f64::from(c)) * t).round() as u8;
        let candidate = to_hex((mix(r), mix(g), mix(b)));
        if contrast(&candidate, DARK_BACKGROUND) >= ratio {
            return candidate;
        }
    }
    "#FFFFFF".to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn contrast_matches_wcag_reference_values() {
        assert!((contrast("#000000", "#FFFFFF") - 21.0).abs() < 1e-9);
        assert!((contrast("#767676", "#FFFFFF") - 4.54).abs() < 0.01);
        assert_eq!(contrast("#123456", "#123456"), 1.0);
    }

    #[test]
    fn the_palette_keeps_three_to_one_in_both_modes() {
        for colour in PALETTE {
            assert!(
                contrast(colour, LIGHT_BACKGROUND) >= MARK_CONTRAST,
                "{colour} on light"
            );
            let dark = dark_variant(colour, MARK_CONTRAST);
            assert!(
                contrast(&dark, DARK_BACKGROUND) >= MARK_CONTRAST,
                "{dark} on dark"
            );
        }
    }

    #[test]
    fn dark_variants_change_only_what_they_must() {
        assert_eq!(dark_variant("#D55E00", 3.0), "#D55E00");
        assert_ne!(dark_variant("#5F5F5F", 3.0), "#5F5F5F");
    }
}
