//! A chart made to travel alone: one self-contained SVG with its title, legend, source line
//! and the site's name inside the image, its own stylesheet (light, with a dark variant) and
//! no outside reference; and the 1,200 × 630 social card a page is shared with. Both are
//! drawn in the chart font's metrics, so the PNGs made from them (`crate::raster`) wrap and
//! fit text as the page does.

use super::data::ChartData;
use super::draw::svg_legend;
use super::text::{fit, is_wide, text_width};
use crate::colour;
use crate::escape::svg;
use crate::model::ChartKind;

/// Light and dark colours of the chart's own parts, as the site's stylesheet has them.
const TEXT: (&str, &str) = ("#1a1a1a", "#ececec");
const MUTED: (&str, &str) = ("#555555", "#b5b5b5");
const GRID: &str = "#33363b";
const AXIS: &str = "#8a8d93";
const REST: &str = "#6b6e73";
const BACKGROUND: (&str, &str) = ("#ffffff", "#16181b");

/// The fonts a copy names: the chart font first (what the PNG is drawn in), then the ones
/// readers have for Chinese.
const FONTS: &str = "'DejaVu Sans','Quarterly Chart Sans','PingFang SC','Noto Sans CJK SC','Microsoft YaHei',sans-serif";

/// The chart's most recent value, for a card: the first series' latest value, what it is and
/// the firm it is credited to.
#[derive(Clone, Debug)]
pub struct Headline {
    pub value: String,
    /// What the value is, and when: "Revenue, Q3 2025".
    pub what: String,
    pub firm: String,
    /// The card's line that credits the firm: "Source: Canalys".
    pub source: String,
}

/// The words of `text` in lines of at most `max` px at `size`; a word longer than a line
/// is cut with an ellipsis. Chinese, written without spaces, breaks between its
/// characters as well (never before closing punctuation, nor after opening).
pub fn wrap(text: &str, size: f64, max: f64) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    // A line's width grows by each word and the space before it: the font kerns no pair
    // with a space, so measuring the words alone gives the line's width.
    let space = text_width(" ", size);
    let mut width = 0.0;
    for (word, spaced) in breakable_pieces(text) {
        let word_width = text_width(word, size);
        let gap = if spaced { space } else { 0.0 };
        if line.is_empty() {
            line.push_str(word);
            width = word_width;
        } else if width + gap + word_width <= max {
            if spaced {
                line.push(' ');
            }
            line.push_str(word);
            width += gap + word_width;
        } else {
            lines.push(std::mem::take(&mut line));
            line.push_str(word);
            width = word_width;
        }
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines.into_iter().map(|l| fit(&l, size, max)).collect()
}

/// The pieces a line of `text` may break between, each with whether a space comes before
/// it: its words, and within a word every wide (CJK) character on its own, kept with the
/// punctuation that may not start or end a line.
fn breakable_pieces(text: &str) -> Vec<(&str, bool)> {
    let closing = |c: char| "，。、：；！？）」』》〉”’".contains(c);
    let opening = |c: char| "（「『《〈“‘".contains(c);
    let mut pieces = Vec::new();
    for word in text.split_whitespace() {
        let mut start = 0;
        let mut previous: Option<char> = None;
        for (at, c) in word.char_indices() {
            let breaks =
                previous.is_some_and(|p| (is_wide(c) || is_wide(p)) && !closing(c) && !opening(p));
            if breaks {
                if let Some(piece) = word.get(start..at) {
                    pieces.push((piece, start == 0));
                }
                start = at;
            }
            previous = Some(c);
        }
        if let Some(piece) = word.get(start..) {
            pieces.push((piece, start == 0));
        }
    }
    pieces
}

/// At most `count` lines of `text`, the last ending in an ellipsis when more was left.
fn wrap_at_most(text: &str, size: f64, max: f64, count: usize) -> Vec<String> {
    let mut lines = wrap(text, size, max);
    if lines.len() > count {
        // The lines left over joined again: with a space between words, with none where
        // a line broke between Chinese characters.
        let mut rest = String::new();
        for line in lines.split_off(count.saturating_sub(1)) {
            let wide_join = rest.chars().next_back().is_some_and(is_wide)
                || line.chars().next().is_some_and(is_wide);
            if !rest.is_empty() && !wide_join {
                rest.push(' ');
            }
            rest.push_str(&line);
        }
        lines.push(fit(&rest, size, max));
        lines.truncate(count);
    }
    lines
}

/// `<text>` lines from `top` (the first baseline), `step` apart; returns where the next
/// line would go.
fn lines(out: &mut String, lines: &[String], x: f64, top: f64, step: f64, attrs: &str) -> f64 {
    let mut y = top;
    for line in lines {
        out.push_str(&format!(
            "<text x=\"{x}\" y=\"{y}\" {attrs}>{}</text>\n",
            svg(line)
        ));
        y += step;
    }
    y
}

/// The drawn chart `drawn` (an `<svg>` element) placed at `x`, `y` and `width` wide inside
/// another image; returns it and its height.
fn nested(drawn: &str, x: f64, y: f64, width: f64) -> (String, f64) {
    let (w, h) = view_box(drawn).unwrap_or((640.0, 340.0));
    let height = (width * h / w).round();
    let placed = drawn.replacen(
        "<svg ",
        // Drawn whole, as on the page: no clip at its edges (which would cost the PNG
        // renderer a layer per chart as well).
        &format!(
            "<svg x=\"{x}\" y=\"{y}\" width=\"{width}\" height=\"{height}\" overflow=\"visible\" "
        ),
        1,
    );
    (placed, height)
}

/// The width and height of an `<svg viewBox="0 0 w h">`.
fn view_box(drawn: &str) -> Option<(f64, f64)> {
    let start = drawn.find("viewBox=\"")? + "viewBox=\"".len();
    let rest = drawn.get(start..)?;
    let values: Vec<f64> = rest
        .get(..rest.find('"')?)?
        .split_whitespace()
        .filter_map(|v| v.parse().ok())
        .collect();
    match values.as_slice() {
        [_, _, w, h] if *w > 0.0 && *h > 0.0 => Some((*w, *h)),
        _ => None,
    }
}

/// The stylesheet of a copy: the chart font and the label halos, then in dark mode every
/// colour the site's stylesheet changes, the series' own included. Renderers without media
/// queries keep the light colours the elements carry.
fn style(chart: &ChartData) -> String {
    let mut dark = format!(
        ".bg{{fill:{bg}}}text{{fill:{text}}}.tick,.note,.muted{{fill:{muted}}}\
         .value,.label,.note{{stroke:{bg}}}.grid{{stroke:{GRID}}}.axis,.annot{{stroke:{AXIS}}}\
         .ref{{stroke:{text}}}.rest{{fill:{REST}}}.pat-line{{stroke:{bg}}}.pat-dot{{fill:{bg}}}",
        bg = BACKGROUND.1,
        text = TEXT.1,
        muted = MUTED.1,
    );
    for s in &chart.series {
        let c = colour::dark_variant(&s.colour, colour::MARK_CONTRAST);
        let k = &s.class;
        dark.push_str(&format!(
            ".line.{k}{{stroke:{c}}}.mark.{k},.key.{k},.bar.{k},.seg.{k},.pat.{k}{{fill:{c}}}"
        ));
    }
    format!(
        "<style>text{{font-family:{FONTS}}}\
         .value,.label,.note{{paint-order:stroke;stroke:{bg};stroke-width:3px;stroke-linejoin:round}}\
         .annot,.ref{{stroke-dasharray:4 3}}\
         @media (prefers-color-scheme:dark){{{dark}}}</style>\n",
        bg = BACKGROUND.0
    )
}

/// How wide the chart is drawn in a copy, and the margin around it.
const MARGIN: f64 = 16.0;

/// Where everything of a standalone chart goes: its lines of text, the top of its legend
/// and of its chart, and its size.
struct Layout {
    title: Vec<String>,
    legend: Option<f64>,
    chart: f64,
    source: Vec<String>,
    source_y: f64,
    site: Vec<String>,
    site_y: f64,
    /// The address, its font size and its line.
    address: (String, f64, f64),
    size: (f64, f64),
}

impl Layout {
    fn of(
        chart: &ChartData,
        (chart_width, chart_height): (f64, f64),
        title: &str,
        source: &str,
        site: &str,
        address: &str,
    ) -> Layout {
        let title = wrap(title, 18.0, chart_width);
        let mut y = MARGIN + 16.0 + 24.0 * title.len() as f64;
        let legend = (chart.kind == ChartKind::Bar && chart.series.len() > 1).then(|| {
            let top = y - 6.0;
            y += legend_height(chart, chart_width);
            top
        });
        let chart_top = y - 8.0;
        let height = (chart_width * chart_height / chart_width).round();
        y += height + 8.0;
        let source = wrap(source, 12.0, chart_width);
        let source_y = y;
        y += 16.0 * source.len() as f64;
        let site = wrap(site, 12.0, chart_width);
        let site_y = y + 4.0;
        // The address on a line of its own, smaller when it is long: never cut.
        let address_size = (12.0 * chart_width / text_width(address, 12.0))
            .min(12.0)
            .floor()
            .max(6.0);
        y = site_y + 16.0 * site.len() as f64;
        let address_y = y;
        y += 16.0;
        Layout {
            title,
            legend,
            chart: chart_top,
            source,
            source_y,
            site,
            site_y,
            address: (address.to_string(), address_size, address_y),
            size: (chart_width + 2.0 * MARGIN, (y - 16.0 + MARGIN).round()),
        }
    }
}

/// The width of a chart's standalone SVG, from the size of its drawing: for the feed's
/// `<img>` of its PNG.
pub fn standalone_width(chart_size: (u32, u32)) -> f64 {
    f64::from(chart_size.0) + 2.0 * MARGIN
}

/// How tall a legend of `chart`'s series is at `max` px wide.
fn legend_height(chart: &ChartData, max: f64) -> f64 {
    svg_legend(chart, "", 0.0, 0.0, max).1
}

/// A chart as one SVG file that says where it came from: its title, a legend where series
/// are not labelled on the chart, the chart (`drawn`, its wide variant), the source line and
/// the site's name and address. `title` and `description` name it for screen readers.
/// Returns the SVG and its width and height.
#[allow(clippy::too_many_arguments)]
pub fn standalone(
    chart: &ChartData,
    drawn: &str,
    id: &str,
    title: &str,
    description: &str,
    source: &str,
    site: &str,
    address: &str,
) -> (String, (f64, f64)) {
    let chart_size = view_box(drawn).unwrap_or((640.0, 340.0));
    let layout = Layout::of(chart, chart_size, title, source, site, address);
    let (width, height) = layout.size;
    let mut body = String::new();
    lines(
        &mut body,
        &layout.title,
        MARGIN,
        MARGIN + 16.0,
        24.0,
        &format!("font-size=\"18\" fill=\"{}\"", TEXT.0),
    );
    if let Some(y) = layout.legend {
        let (legend, _) = svg_legend(chart, &format!("{id}-legend"), MARGIN, y, chart_size.0);
        body.push_str(&legend);
    }
    let (placed, _) = nested(drawn, MARGIN, layout.chart, chart_size.0);
    body.push_str(&placed);
    body.push('\n');
    let muted = format!("class=\"muted\" font-size=\"12\" fill=\"{}\"", MUTED.0);
    lines(
        &mut body,
        &layout.source,
        MARGIN,
        layout.source_y,
        16.0,
        &muted,
    );
    lines(&mut body, &layout.site, MARGIN, layout.site_y, 16.0, &muted);
    let (address, size, y) = &layout.address;
    lines(
        &mut body,
        std::slice::from_ref(address),
        MARGIN,
        *y,
        0.0,
        &format!("class=\"muted\" font-size=\"{size}\" fill=\"{}\"", MUTED.0),
    );
    let svg = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {width} {height}\" width=\"{width}\" height=\"{height}\" role=\"img\" aria-labelledby=\"{id}-t {id}-d\">\n\
         <title id=\"{id}-t\">{}</title>\n<desc id=\"{id}-d\">{}</desc>\n{}\
         <rect class=\"bg\" width=\"{width}\" height=\"{height}\" fill=\"{}\"/>\n{body}</svg>\n",
        svg(title),
        svg(description),
        style(chart),
        BACKGROUND.0
    );
    (svg, layout.size)
}

/// A social card, 1,200 × 630: the site's name, the page's title, the headline figure with
/// its firm, and the lead chart (its wide variant), each where a feed shows it large enough
/// to read. Drawn only to be made a PNG, so it keeps to light colours.
pub fn card(site: &str, title: &str, headline: Option<&Headline>, chart: Option<&str>) -> String {
    let (w, h) = crate::routes::CARD_SIZE;
    let left = 60.0;
    let mut body = String::new();
    lines(
        &mut body,
        &[fit(site, 28.0, 1080.0)],
        left,
        78.0,
        0.0,
        &format!("font-size=\"28\" fill=\"{}\"", MUTED.0),
    );
    // A card with nothing but its text gives the text the room.
    let (size, count) = if headline.is_none() && chart.is_none() {
        (44.0, 7)
    } else {
        (46.0, 2)
    };
    let title_lines = wrap_at_most(title, size, 1080.0, count);
    let y = lines(
        &mut body,
        &title_lines,
        left,
        150.0,
        size + 10.0,
        &format!("font-size=\"{size}\" fill=\"{}\"", TEXT.0),
    );
    let top = y + 10.0;
    let figure_width = if chart.is_some() { 380.0 } else { 1080.0 };
    if let Some(headline) = headline {
        // A figure is never cut: a long one is set smaller until it fits.
        let size = (64.0 * figure_width / text_width(&headline.value, 64.0))
            .min(64.0)
            .floor();
        let y = lines(
            &mut body,
            std::slice::from_ref(&headline.value),
            left,
            top + 60.0,
            0.0,
            &format!("font-size=\"{size}\" fill=\"{}\"", TEXT.0),
        );
        let y = lines(
            &mut body,
            &wrap_at_most(&headline.what, 26.0, figure_width, 3),
            left,
            y + 44.0,
            34.0,
            &format!("font-size=\"26\" fill=\"{}\"", TEXT.0),
        );
        lines(
            &mut body,
            &wrap_at_most(&headline.source, 24.0, figure_width, 2),
            left,
            y + 6.0,
            32.0,
            &format!("font-size=\"24\" fill=\"{}\"", MUTED.0),
        );
    }
    if let Some(drawn) = chart {
        let (x, width) = if headline.is_some() {
            (470.0, 680.0_f64)
        } else {
            (left, 1080.0)
        };
        let room = f64::from(h) - top - 20.0;
        let (cw, ch) = view_box(drawn).unwrap_or((640.0, 340.0));
        // As wide as the space allows, and no taller than what is left below the title.
        let width = width.min(room * cw / ch).round();
        let (placed, _) = nested(drawn, x, top, width);
        body.push_str(&placed);
        body.push('\n');
    }
    format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {w} {h}\" width=\"{w}\" height=\"{h}\">\n\
         <style>text{{font-family:{FONTS}}}\
         .value,.label,.note{{paint-order:stroke;stroke:{bg};stroke-width:3px;stroke-linejoin:round}}\
         .annot,.ref{{stroke-dasharray:4 3}}</style>\n\
         <rect width=\"{w}\" height=\"{h}\" fill=\"{bg}\"/>\n\
         <rect width=\"{w}\" height=\"10\" fill=\"#0b5cad\"/>\n{body}</svg>\n",
        bg = BACKGROUND.0
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrapping_keeps_every_word_in_order_and_each_line_fits() {
        let text = "Quarterly spend on cloud infrastructure services in mainland China by vendor";
        let lines = wrap(text, 18.0, 200.0);
        assert!(lines.len() > 1);
        assert_eq!(lines.join(" "), text);
        assert!(lines.iter().all(|l| text_width(l, 18.0) <= 200.0));
    }

    #[test]
    fn chinese_wraps_between_its_characters_and_keeps_punctuation_with_them() {
        let text = "中国大陆云基础设施服务季度支出，2022年第一季度至2023年第三季度";
        let lines = wrap(text, 18.0, 150.0);
        assert!(lines.len() > 1, "{lines:?}");
        assert_eq!(lines.concat(), text);
        assert!(
            lines.iter().all(|l| text_width(l, 18.0) <= 150.0),
            "{lines:?}"
        );
        assert!(lines.iter().all(|l| !l.starts_with('，')), "{lines:?}");
        let mixed = wrap("资料来源：Canalys（经DataCenterNews Asia）。", 12.0, 1000.0);
        assert_eq!(mixed, ["资料来源：Canalys（经DataCenterNews Asia）。"]);
    }

    #[test]
    fn a_title_too_long_for_the_card_ends_in_an_ellipsis() {
        let long = "word ".repeat(200);
        let lines = wrap_at_most(&long, 46.0, 1080.0, 2);
        assert_eq!(lines.len(), 2);
        assert!(lines[1].ends_with('…'));
    }

    #[test]
    fn a_nested_chart_keeps_its_aspect_ratio() {
        let drawn = "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 640 340\"></svg>";
        let (placed, height) = nested(drawn, 10.0, 20.0, 320.0);
        assert_eq!(height, 170.0);
        assert!(placed.starts_with(
            "<svg x=\"10\" y=\"20\" width=\"320\" height=\"170\" overflow=\"visible\" "
        ));
    }
}
