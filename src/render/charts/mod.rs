//! Charts: a validated chart block and its dataset become inline SVG, drawn at build time
//! with plotters through `canvas::ClassedSvg`, a backend that writes compact SVG with classes
//! so the site's CSS themes it (dark mode included). Each chart comes in a wide and a narrow
//! variant, with a title and a description generated from the data, a data table and a CSV.

mod canvas;
mod data;
mod draw;
pub mod scale;
pub mod text;
pub mod travel;

use crate::colour;
use crate::escape::svg;
use crate::model::Vendor;

pub use data::{ChartData, Series, palette_class, vendor_class};
pub use draw::{Variant, legend, size, svg_legend};

/// One variant of a chart as an accessible SVG element whose ids start with `id`, described
/// by `description` (the chart's `describe()`, worked out once for all its variants), or
/// what stopped it from being drawn.
pub fn render_svg(
    data: &ChartData,
    title: &str,
    description: &str,
    id: &str,
    variant: Variant,
) -> Result<String, String> {
    let (body, width, height) = draw::draw(data, id, variant)?;
    let class = match variant {
        Variant::Wide => "chart-svg chart-wide",
        Variant::Narrow => "chart-svg chart-narrow",
        Variant::Spark => "chart-svg chart-spark",
    };
    Ok(format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {width} {height}\" class=\"{class}\" role=\"img\" aria-labelledby=\"{id}-title {id}-desc\">\n<title id=\"{id}-title\">{}</title>\n<desc id=\"{id}-desc\">{}</desc>\n{}</svg>",
        svg(title),
        svg(description),
        body
    ))
}

/// The stylesheet that gives every vendor one colour across the site, in light and dark
/// mode, plus the default palette.
pub fn colour_stylesheet(vendors: &[Vendor]) -> String {
    let mut light = String::new();
    let mut dark = String::new();
    let mut classes = String::new();
    let mut entry = |class: &str, colour: &str| {
        light.push_str(&format!("  --{class}: {colour};\n"));
        dark.push_str(&format!(
            "  --{class}: {};\n",
            colour::dark_variant(colour, colour::MARK_CONTRAST)
        ));
        classes.push_str(&format!(".{class} {{ --c: var(--{class}); }}\n"));
    };
    for v in vendors {
        entry(&vendor_class(&v.id), &v.colour);
    }
    for (n, c) in colour::PALETTE.iter().enumerate() {
        entry(&palette_class(n), c);
    }
    // Dark colours apply in dark mode and inside `.theme-dark`; `.theme-light` keeps the light
    // ones whatever the reader's setting (the gallery shows both side by side).
    let indented: String = dark.lines().map(|l| format!("  {l}\n")).collect();
    format!(
        "/* Generated from content/data/vendors.yaml: one colour per vendor, light and dark. */\n\
         :root {{\n{light}}}\n\
         @media (prefers-color-scheme: dark) {{\n  :root {{\n{indented}  }}\n}}\n\
         .theme-dark {{\n{dark}}}\n\
         .theme-light {{\n{light}}}\n\
         {classes}"
    )
}
