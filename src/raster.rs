//! SVG to PNG, for the images that travel without the site: chart downloads, feed images
//! and social cards. resvg draws them with the shipped chart font loaded explicitly (never
//! a system font, which would change the output between machines), so the same SVG gives
//! the same bytes on every build. Its version is pinned in `Cargo.toml`; [`RENDERER`] names
//! it in the cache key, so a new renderer never reuses an old image.

use std::sync::{Arc, OnceLock};

use resvg::tiny_skia::{Pixmap, Transform};
use resvg::usvg::{self, fontdb};
use rustc_hash::FxHashMap;

/// What draws the images, as part of every cached image's key.
pub const RENDERER: &str = "resvg 0.49.0, chart-sans.ttf, chart-cjk.ttf, 256 colours, deflate 5";

/// The font every image is drawn in: the chart font pages measure text with.
const FONT: &[u8] = include_bytes!("../assets/fonts/chart-sans.ttf");
const FONT_FAMILY: &str = "DejaVu Sans";
/// The CJK characters the site's text uses (a Noto Sans CJK SC subset made by
/// `assets/fonts/cjk-subset.py`): a character the chart font lacks falls back to it.
const CJK_FONT: &[u8] = include_bytes!("../assets/fonts/chart-cjk.ttf");

/// A hash of the fonts images are drawn with, for the image cache's keys.
pub fn fonts_hash() -> u128 {
    static HASH: OnceLock<u128> = OnceLock::new();
    *HASH.get_or_init(|| {
        let mut hasher = xxhash_rust::xxh3::Xxh3::new();
        hasher.update(FONT);
        hasher.update(CJK_FONT);
        hasher.digest128()
    })
}

/// The characters of `text` that neither shipped font has, each once, in order: an image
/// would draw them as empty boxes.
pub fn missing_glyphs(text: &str) -> Vec<char> {
    use ab_glyph::{Font, FontRef};
    static FONTS: OnceLock<Option<(FontRef<'static>, FontRef<'static>)>> = OnceLock::new();
    let Some((latin, cjk)) = FONTS
        .get_or_init(|| {
            Some((
                FontRef::try_from_slice(FONT).ok()?,
                FontRef::try_from_slice(CJK_FONT).ok()?,
            ))
        })
        .as_ref()
    else {
        return Vec::new();
    };
    let mut missing = Vec::new();
    for c in text.chars() {
        // The chart font has every printable ASCII character.
        let drawn = (' '..='~').contains(&c)
            || c.is_whitespace()
            || c.is_control()
            || latin.glyph_id(c).0 != 0
            || cjk.glyph_id(c).0 != 0;
        if !drawn && !missing.contains(&c) {
            missing.push(c);
        }
    }
    missing
}

fn fonts() -> Arc<fontdb::Database> {
    static FONTS: OnceLock<Arc<fontdb::Database>> = OnceLock::new();
    FONTS
        .get_or_init(|| {
            let mut db = fontdb::Database::new();
            db.load_font_data(FONT.to_vec());
            db.load_font_data(CJK_FONT.to_vec());
            // Every generic family is the chart font: a name the SVG gives that is not
            // loaded falls back to it, never to a font of the machine.
            db.set_sans_serif_family(FONT_FAMILY);
            db.set_serif_family(FONT_FAMILY);
            db.set_monospace_family(FONT_FAMILY);
            db.set_cursive_family(FONT_FAMILY);
            db.set_fantasy_family(FONT_FAMILY);
            Arc::new(db)
        })
        .clone()
}

/// `svg` drawn at `scale` times its size, as PNG bytes.
pub fn png(svg: &str, scale: f32) -> Result<Vec<u8>, String> {
    let options = usvg::Options {
        font_family: FONT_FAMILY.to_string(),
        fontdb: fonts(),
        ..usvg::Options::default()
    };
    let tree = usvg::Tree::from_str(svg, &options).map_err(|e| e.to_string())?;
    let size = tree.size();
    let width = (size.width() * scale).round() as u32;
    let height = (size.height() * scale).round() as u32;
    let mut pixmap =
        Pixmap::new(width, height).ok_or_else(|| format!("an image of {width} × {height}"))?;
    pixmap.fill(resvg::tiny_skia::Color::WHITE);
    resvg::render(
        &tree,
        Transform::from_scale(scale, scale),
        &mut pixmap.as_mut(),
    );
    encode(&pixmap)
}

/// The pixels as an indexed PNG of at most 256 colours. A chart is a few flat colours on
/// white and the shades its edges are smoothed with: the 256 most used colours are kept
/// exactly, and any rarer shade becomes the nearest of them. A third the size of 24-bit
/// colour, and quicker to compress. Every image is drawn on white, so alpha carries nothing.
fn encode(pixmap: &Pixmap) -> Result<Vec<u8>, String> {
    let pixels: Vec<u32> = pixmap
        .data()
        .chunks_exact(4)
        .map(|p| u32::from(p[0]) << 16 | u32::from(p[1]) << 8 | u32::from(p[2]))
        .collect();
    let (palette, indices) = quantize(&pixels);
    let mut bytes = Vec::new();
    let mut encoder = png::Encoder::new(&mut bytes, pixmap.width(), pixmap.height());
    encoder.set_color(png::ColorType::Indexed);
    encoder.set_depth(png::BitDepth::Eight);
    encoder.set_palette(
        palette
            .iter()
            .flat_map(|c| [(c >> 16) as u8, (c >> 8) as u8, *c as u8])
            .collect::<Vec<u8>>(),
    );
    // Measured on the shipped charts: level 5 without filters is as small as the slowest
    // settings within a tenth, at a fifth of their time.
    encoder.set_deflate_compression(png::DeflateCompression::Level(5));
    encoder.set_filter(png::Filter::NoFilter);
    let mut writer = encoder.write_header().map_err(|e| e.to_string())?;
    writer
        .write_image_data(&indices)
        .map_err(|e| e.to_string())?;
    writer.finish().map_err(|e| e.to_string())?;
    Ok(bytes)
}

/// At most 256 colours for `pixels` (0xRRGGBB), the most used first, and each pixel's
/// index among them. Runs of one colour, most of any chart, are looked up once.
fn quantize(pixels: &[u32]) -> (Vec<u32>, Vec<u8>) {
    let mut counts: FxHashMap<u32, u32> = FxHashMap::default();
    for run in pixels.chunk_by(|a, b| a == b) {
        if let Some(&colour) = run.first() {
            *counts.entry(colour).or_default() += run.len() as u32;
        }
    }
    let mut by_use: Vec<(u32, u32)> = counts.into_iter().collect();
    // Most used first; ties by colour, so the palette never depends on hashing.
    by_use.sort_unstable_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    let palette: Vec<u32> = by_use.iter().take(256).map(|&(c, _)| c).collect();
    let mut index: FxHashMap<u32, u8> = palette
        .iter()
        .enumerate()
        .map(|(i, &c)| (c, i as u8))
        .collect();
    let mut indices = Vec::with_capacity(pixels.len());
    for run in pixels.chunk_by(|a, b| a == b) {
        let Some(&colour) = run.first() else { continue };
        let i = *index
            .entry(colour)
            .or_insert_with(|| nearest(&palette, colour));
        indices.extend(std::iter::repeat_n(i, run.len()));
    }
    (palette, indices)
}

/// The index of the colour of `palette` nearest `colour`, by squared distance in RGB.
fn nearest(palette: &[u32], colour: u32) -> u8 {
    let channels = |c: u32| {
        [
            (c >> 16) as i32 & 255,
            (c >> 8) as i32 & 255,
            c as i32 & 255,
        ]
    };
    let [r, g, b] = channels(colour);
    palette
        .iter()
        .enumerate()
        .min_by_key(|&(_, &p)| {
            let [pr, pg, pb] = channels(p);
            (r - pr).pow(2) + (g - pg).pow(2) + (b - pb).pow(2)
        })
        .map_or(0, |(i, _)| i as u8)
}

/// The width and height a PNG's header gives.
pub fn png_size(bytes: &[u8]) -> Option<(u32, u32)> {
    if bytes.get(..8)? != b"\x89PNG\r\n\x1a\n" || bytes.get(12..16)? != b"IHDR" {
        return None;
    }
    let be = |at: usize| Some(u32::from_be_bytes(bytes.get(at..at + 4)?.try_into().ok()?));
    Some((be(16)?, be(20)?))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `text` drawn alone on a small image.
    fn drawn(text: &str) -> Vec<u8> {
        let svg = format!(
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"60\" height=\"20\"><text x=\"2\" y=\"15\" font-size=\"14\">{text}</text></svg>"
        );
        png(&svg, 1.0).unwrap()
    }

    #[test]
    fn chinese_text_is_drawn_with_the_shipped_cjk_font() {
        // Without a CJK font the ideographs would be empty boxes or nothing; each of these
        // draws differently, as different glyphs do.
        let blank = drawn("");
        let china = drawn("中国");
        let cloud = drawn("云");
        assert_ne!(china, blank);
        assert_ne!(china, cloud);
        assert_ne!(drawn("阿里云"), drawn("华为云"));
        assert!(missing_glyphs("中国云市场，Q3 2023").is_empty());
        // A character the subset lacks is found, once. (Written as a number, so that the
        // subset, made from every character of the sources, does not take it in.)
        let rare = char::from_u32(0x9F98).unwrap();
        assert_eq!(missing_glyphs(&format!("{rare}{rare}云")), [rare]);
    }

    #[test]
    fn draws_at_the_scale_asked_and_reads_its_own_header() {
        let svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"30\" height=\"20\"><text x=\"2\" y=\"14\" font-size=\"12\">Ab</text></svg>";
        let bytes = png(svg, 2.0).unwrap();
        assert_eq!(png_size(&bytes), Some((60, 40)));
        assert_eq!(
            png(svg, 2.0).unwrap(),
            bytes,
            "the same SVG gives the same bytes"
        );
    }

    #[test]
    fn text_is_drawn_in_the_shipped_font_whatever_family_is_named() {
        let text = |family: &str| {
            format!(
                "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"60\" height=\"20\"><text x=\"2\" y=\"14\" font-size=\"12\" font-family=\"{family}\">Ab</text></svg>"
            )
        };
        let blank = png(
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"60\" height=\"20\"></svg>",
            1.0,
        )
        .unwrap();
        let named = png(&text("DejaVu Sans"), 1.0).unwrap();
        assert_ne!(named, blank, "the text is drawn");
        assert_eq!(png(&text("No Such Font, sans-serif"), 1.0).unwrap(), named);
    }

    #[test]
    fn rare_shades_take_the_nearest_of_the_256_most_used_colours() {
        // 300 colours: 0..300 once each, and colour 0 many more times.
        let mut pixels: Vec<u32> = (0..300).map(|c| c * 0x010101 % 0x1000000).collect();
        pixels.extend(std::iter::repeat_n(0, 50));
        let (palette, indices) = quantize(&pixels);
        assert_eq!(palette.len(), 256);
        assert_eq!(palette[0], 0, "the most used colour comes first");
        assert_eq!(indices.len(), pixels.len());
        for (pixel, &i) in pixels.iter().zip(&indices) {
            let kept = palette[usize::from(i)];
            if palette.contains(pixel) {
                assert_eq!(kept, *pixel, "a palette colour is kept exactly");
            } else {
                assert!(palette.iter().all(|&p| {
                    let d = |a: u32, b: u32| {
                        let c = |x: u32, s: u32| ((x >> s) & 255) as i32;
                        (c(a, 16) - c(b, 16)).pow(2)
                            + (c(a, 8) - c(b, 8)).pow(2)
                            + (c(a, 0) - c(b, 0)).pow(2)
                    };
                    d(*pixel, kept) <= d(*pixel, p)
                }));
            }
        }
    }

    #[test]
    fn broken_svg_is_an_error() {
        assert!(png("<svg", 1.0).is_err());
        assert_eq!(png_size(b"GIF89a"), None);
    }
}
