//! Drawing each kind of chart: layout (margins measured from the real text widths, round
//! ticks, labels that do not collide) and the plotters elements that make it up.

use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::canvas::{DrawResult, Painter};
use super::data::{ChartData, Series};
use super::scale::{Ticks, ticks};
use super::text::{fit, text_width};
use crate::escape::html_text;
use crate::language::Language;
use crate::model::ChartKind;

/// The wide variant fills a desktop column; the narrow one keeps text legible on a phone;
/// the spark variant is a key-figure card's small line.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Variant {
    Wide,
    Narrow,
    Spark,
}

impl Variant {
    fn width(self) -> u32 {
        match self {
            Variant::Wide => 640,
            Variant::Narrow => 340,
            Variant::Spark => 120,
        }
    }

    fn height(self) -> u32 {
        match self {
            Variant::Wide => 340,
            Variant::Narrow => 300,
            Variant::Spark => 32,
        }
    }
}

const TEXT: f64 = 13.0;
const SMALL: f64 = 12.0;
const INK: RGBColor = RGBColor(0x1A, 0x1A, 0x1A);
const MUTED: RGBColor = RGBColor(0x55, 0x55, 0x55);
const GRID: RGBColor = RGBColor(0xE3, 0xE3, 0xE3);
const AXIS: RGBColor = RGBColor(0x76, 0x76, 0x76);
/// The part of a whole the sources do not break out: grey with 3:1 against the page.
const REST: RGBColor = RGBColor(0x8F, 0x8F, 0x8F);

/// Why a chart whose values no axis can hold is not drawn: their span, or the round tick
/// above them, is beyond the largest number a float holds.
const OFF_THE_SCALE: &str = "its values are too large to put on an axis";

fn rgb(hex: &str) -> RGBColor {
    let (r, g, b) = crate::colour::parse_hex(hex).unwrap_or((0x55, 0x55, 0x55));
    RGBColor(r, g, b)
}

fn at(x: f64, y: f64) -> (i32, i32) {
    (x.round() as i32, y.round() as i32)
}

fn style(size: f64, colour: RGBColor, h: HPos, v: VPos) -> TextStyle<'static> {
    ("sans-serif", size)
        .into_font()
        .color(&colour)
        .pos(Pos::new(h, v))
}

/// Draws `data` and returns the SVG body (defs and elements) with the viewBox size, or
/// what stopped it.
pub fn draw(data: &ChartData, id: &str, variant: Variant) -> Result<(String, u32, u32), String> {
    let (width, height) = size(data, variant);
    let painter = Painter::new(width, height);
    let prefix = id.to_string();
    let drawn = match (variant, data.kind) {
        (Variant::Spark, _) | (_, ChartKind::Sparkline) => sparkline(&painter, data),
        (_, ChartKind::Line | ChartKind::Bar | ChartKind::Stacked | ChartKind::Stacked100) => {
            periodic(&painter, data, variant, &prefix)
        }
        (_, ChartKind::HBar) => hbar(&painter, data, variant),
        (_, ChartKind::Donut) => donut(&painter, data, variant, &prefix),
    };
    drawn.map_err(|err| err.to_string())?;
    Ok((painter.finish(), width, height))
}

/// The width and height of a variant of `data`'s chart.
pub fn size(data: &ChartData, variant: Variant) -> (u32, u32) {
    let (width, mut height) = (variant.width(), variant.height());
    if variant != Variant::Spark {
        match data.kind {
            ChartKind::HBar => height = hbar_height(data),
            ChartKind::Donut if variant == Variant::Narrow => {
                height = 250 + 22 * (data.series.len() as u32 + 1)
            }
            ChartKind::Donut => height = 260,
            _ => {}
        }
    }
    (width, height)
}

/// The fill pattern of series `i` (from the second on), so series in bars and segments differ
/// by more than colour: diagonal one way, the other way, dots, then horizontal lines.
fn pattern(prefix: &str, i: usize, s: &Series) -> String {
    let (angle, body) = match i % 4 {
        1 => (
            45,
            "<path class=\"pat-line\" d=\"M0 0V6\" stroke=\"#FFFFFF\" stroke-width=\"2\"/>",
        ),
        2 => (
            -45,
            "<path class=\"pat-line\" d=\"M0 0V6\" stroke=\"#FFFFFF\" stroke-width=\"2\"/>",
        ),
        3 => (
            0,
            "<circle class=\"pat-dot\" cx=\"3\" cy=\"3\" r=\"1.3\" fill=\"#FFFFFF\"/>",
        ),
        _ => (
            0,
            "<path class=\"pat-line\" d=\"M0 0H6\" stroke=\"#FFFFFF\" stroke-width=\"2\"/>",
        ),
    };
    format!(
        "<pattern id=\"{prefix}-p{i}\" width=\"6\" height=\"6\" patternUnits=\"userSpaceOnUse\" patternTransform=\"rotate({angle})\"><rect class=\"pat {}\" width=\"6\" height=\"6\" fill=\"{}\"/>{body}</pattern>",
        s.class, s.colour
    )
}

/// The patterns of every series but the first.
pub fn pattern_defs(prefix: &str, series: &[Series]) -> String {
    let defs: String = series
        .iter()
        .enumerate()
        .skip(1)
        .map(|(i, s)| pattern(prefix, i, s))
        .collect();
    if defs.is_empty() {
        defs
    } else {
        format!("<defs>{defs}</defs>")
    }
}

/// The class and fill override of series `i` drawn as `kind` (`bar`, `seg`, `key`): the
/// first series in its colour, the others in their pattern (`bar-p` and so on, which CSS
/// leaves unfilled so the pattern shows).
fn paint(prefix: &str, i: usize, kind: &str, series: &Series) -> (String, Option<String>) {
    match fill_of(prefix, i) {
        Some(fill) => (format!("{kind}-p {}", series.class), Some(fill)),
        None => (format!("{kind} {}", series.class), None),
    }
}

/// The fill of series `i`: its colour for the first, a pattern for the others.
fn fill_of(prefix: &str, i: usize) -> Option<String> {
    (i > 0).then(|| format!("url(#{prefix}-p{i})"))
}

/// A legend for grouped bars, whose swatches carry the same class, colour and fill pattern
/// as the bars they stand for.
pub fn legend(data: &ChartData, id: &str) -> String {
    let mut html = String::from("<ul class=\"legend\">");
    for (i, s) in data.series.iter().enumerate() {
        let prefix = format!("{id}-k{i}");
        let defs = if i == 0 {
            String::new()
        } else {
            format!("<defs>{}</defs>", pattern(&prefix, i, s))
        };
        let (class, fill) = paint(&prefix, i, "bar", s);
        html.push_str(&format!(
            "<li><svg class=\"swatch\" viewBox=\"0 0 12 12\" aria-hidden=\"true\">{defs}<rect class=\"{class}\" width=\"12\" height=\"12\" fill=\"{}\"/></svg>{}</li>",
            fill.unwrap_or_else(|| s.colour.clone()),
            html_text(&s.label)
        ));
    }
    html.push_str("</ul>\n");
    html
}

/// The same legend inside an image: a row of swatches and labels from (`x`, `y`), wrapping
/// at `max` px; returns it and the height it takes.
pub fn svg_legend(data: &ChartData, id: &str, x: f64, y: f64, max: f64) -> (String, f64) {
    let mut svg = String::new();
    let (mut at, mut row) = (x, 0.0);
    for (i, s) in data.series.iter().enumerate() {
        let prefix = format!("{id}-k{i}");
        let width = 18.0 + super::text::text_width(&s.label, 12.0) + 16.0;
        if at > x && at + width > x + max {
            at = x;
            row += 20.0;
        }
        if i > 0 {
            svg.push_str(&format!("<defs>{}</defs>", pattern(&prefix, i, s)));
        }
        let (class, fill) = paint(&prefix, i, "bar", s);
        svg.push_str(&format!(
            "<rect class=\"{class}\" x=\"{at}\" y=\"{}\" width=\"12\" height=\"12\" fill=\"{}\"/><text x=\"{}\" y=\"{}\" font-size=\"12\" fill=\"#1a1a1a\">{}</text>",
            y + row,
            fill.unwrap_or_else(|| s.colour.clone()),
            at + 18.0,
            y + row + 10.5,
            crate::escape::svg(&s.label)
        ));
        at += width;
    }
    svg.push('\n');
    (svg, row + 24.0)
}

/// A marker shape per series, so lines differ by more than colour.
fn marker(
    painter: &Painter,
    class: &str,
    shape: usize,
    x: f64,
    y: f64,
    colour: RGBColor,
) -> DrawResult {
    let (cx, cy) = at(x, y);
    match shape % 4 {
        0 => painter.draw(class, &Circle::new((cx, cy), 4, colour.filled())),
        1 => painter.draw(
            class,
            &Rectangle::new([(cx - 4, cy - 4), (cx + 4, cy + 4)], colour.filled()),
        ),
        2 => painter.draw(
            class,
            &Polygon::new(
                vec![(cx, cy - 5), (cx + 5, cy + 4), (cx - 5, cy + 4)],
                colour.filled(),
            ),
        ),
        _ => painter.draw(
            class,
            &Polygon::new(
                vec![(cx, cy - 5), (cx + 5, cy), (cx, cy + 5), (cx - 5, cy)],
                colour.filled(),
            ),
        ),
    }
}

/// Moves label centres apart to at least `gap`, keeping them within `lo..=hi`.
fn spread(mut ys: Vec<(usize, f64)>, gap: f64, lo: f64, hi: f64) -> Vec<(usize, f64)> {
    ys.sort_by(|a, b| a.1.total_cmp(&b.1));
    for i in 1..ys.len() {
        if ys[i].1 < ys[i - 1].1 + gap {
            ys[i].1 = ys[i - 1].1 + gap;
        }
    }
    if let Some(last) = ys.last().map(|l| l.1) {
        let over = last - hi;
        if over > 0.0 {
            for y in ys.iter_mut() {
                y.1 -= over;
            }
        }
    }
    for y in ys.iter_mut() {
        y.1 = y.1.max(lo);
    }
    ys
}

/// The plot area of a chart over periods.
struct Frame {
    left: f64,
    right: f64,
    top: f64,
    bottom: f64,
    band: f64,
    ticks: Ticks,
}

impl Frame {
    fn x(&self, i: usize) -> f64 {
        self.left + (i as f64 + 0.5) * self.band
    }

    fn y(&self, v: f64) -> f64 {
        let (lo, hi) = (self.ticks.lo(), self.ticks.hi());
        self.bottom - (v - lo) / (hi - lo) * (self.bottom - self.top)
    }
}

/// Line, bar, grouped, stacked and 100 % stacked charts: periods across, values up. Laid
/// out in phases: the value range and its ticks, the margins the text needs, then the axes,
/// period labels, markers, the series themselves, reference lines and direct labels.
fn periodic(painter: &Painter, data: &ChartData, variant: Variant, prefix: &str) -> DrawResult {
    let narrow = variant == Variant::Narrow;
    let (lo, hi) = value_range(data);
    let Some(ticks) = ticks(lo, hi, if narrow { 4 } else { 5 }) else {
        return Err(OFF_THE_SCALE.into());
    };
    let labels = end_labels(data);
    let max_label = painter.width * if narrow { 0.42 } else { 0.34 };
    let mut frame = layout(painter, data, ticks, &labels, max_label);
    let notes = place_notes(painter, data, &frame);
    let rows = notes.iter().map(|n| n.row + 1).max().unwrap_or(0);
    if rows > 1 {
        frame.top += NOTE_ROW * (rows - 1) as f64;
    }
    draw_value_axis(painter, data, &frame)?;
    draw_period_labels(painter, data, &frame, narrow)?;
    draw_markers(painter, &frame, &notes, rows)?;
    match data.kind {
        ChartKind::Line => lines(painter, data, &frame)?,
        ChartKind::Bar => bars(painter, data, &frame, prefix, narrow)?,
        _ => stacks(painter, data, &frame, prefix)?,
    }
    draw_references(painter, data, &frame)?;
    draw_end_labels(painter, data, &frame, &labels, prefix, max_label)
}

/// The range the value axis must cover: stacks add up, 100 % stacks always reach 100, and
/// reference lines are included.
fn value_range(data: &ChartData) -> (f64, f64) {
    let stacked = matches!(data.kind, ChartKind::Stacked | ChartKind::Stacked100);
    let mut lo = 0.0f64;
    let mut hi = 0.0f64;
    for i in 0..data.periods.len().max(1) {
        let values = data
            .series
            .iter()
            .filter_map(|s| s.values.get(i).copied().flatten());
        if stacked {
            hi = hi.max(values.filter(|v| *v > 0.0).sum());
        } else {
            for v in values {
                lo = lo.min(v);
                hi = hi.max(v);
            }
        }
    }
    for (v, _) in &data.references {
        lo = lo.min(*v);
        hi = hi.max(*v);
    }
    if data.kind == ChartKind::Stacked100 {
        hi = 100.0;
    }
    (lo, hi)
}

/// The plot area: room on the left for the tick labels, on the right for the direct labels,
/// at the top for marker labels and at the bottom for the period labels.
fn layout(
    painter: &Painter,
    data: &ChartData,
    ticks: Ticks,
    labels: &[EndLabel],
    max_label: f64,
) -> Frame {
    let tick_width = ticks
        .values
        .iter()
        .map(|v| text_width(&tick_label(data, &ticks, *v), SMALL))
        .fold(0.0, f64::max);
    let label_width = labels
        .iter()
        .map(|l| text_width(&l.text, SMALL).min(max_label))
        .fold(0.0, f64::max);
    let label_margin = if labels.is_empty() {
        0.0
    } else {
        label_width + 20.0
    };
    let left = tick_width + 10.0;
    let right = painter.width - label_margin - 8.0;
    Frame {
        left,
        right,
        // Room above the plot for marker notes, or for the values printed above bars.
        top: if !data.markers.is_empty() {
            30.0
        } else if bar_values_shown(data) {
            16.0
        } else {
            10.0
        },
        bottom: painter.height - 24.0,
        band: (right - left) / data.periods.len().max(1) as f64,
        ticks,
    }
}

/// A tick's label: the value with its unit, and zero as a plain 0.
fn tick_label(data: &ChartData, ticks: &Ticks, v: f64) -> String {
    if v == 0.0 {
        "0".to_string()
    } else {
        data.format_unit(v, ticks.decimals())
    }
}

/// The class and colour of the grid line at `v`: the zero line is the axis.
fn grid_line(v: f64) -> (&'static str, RGBColor) {
    if v == 0.0 {
        ("axis", AXIS)
    } else {
        ("grid", GRID)
    }
}

/// Grid lines and their labels; the zero line is the axis.
fn draw_value_axis(painter: &Painter, data: &ChartData, frame: &Frame) -> DrawResult {
    for v in &frame.ticks.values {
        let y = frame.y(*v);
        let (class, colour) = grid_line(*v);
        painter.draw(
            class,
            &PathElement::new(
                vec![at(frame.left, y), at(frame.right, y)],
                colour.stroke_width(1),
            ),
        )?;
        painter.draw(
            "tick",
            &Text::new(
                tick_label(data, &frame.ticks, *v),
                at(frame.left - 6.0, y),
                style(SMALL, MUTED, HPos::Right, VPos::Center),
            ),
        )?;
    }
    Ok(())
}

/// Period labels: as many as fit, always including the last.
fn draw_period_labels(
    painter: &Painter,
    data: &ChartData,
    frame: &Frame,
    narrow: bool,
) -> DrawResult {
    let n = data.periods.len().max(1);
    let long_of = |i: usize| {
        data.periods
            .get(i)
            .map(|p| data.language.period(*p))
            .unwrap_or_default()
    };
    // Short labels on a narrow chart or for many periods; in Chinese, whose long labels
    // (2023年第三季度) are twice as wide as English ones, also wherever the long ones would
    // not fit under each period.
    let short = narrow
        || n > 8
        || (data.language != Language::EnGb
            && (0..n).any(|i| text_width(&long_of(i), SMALL) + 10.0 > frame.band));
    let label_of = |i: usize| {
        data.periods
            .get(i)
            .map(|p| {
                if short {
                    data.language.short_period(*p)
                } else {
                    data.language.period(*p)
                }
            })
            .unwrap_or_default()
    };
    let widest = (0..n)
        .map(|i| text_width(&label_of(i), SMALL))
        .fold(0.0, f64::max);
    let every = (((widest + 10.0) / frame.band).ceil() as usize).max(1);
    // From the last period back, every `every`th label, each centred under its period unless
    // that would take it past the right edge or under the value axis's labels; a label that
    // would then crowd the one to its right is left out.
    let mut free_until = painter.width - 1.0;
    for i in (0..n).rev().step_by(every) {
        let label = label_of(i);
        let width = text_width(&label, SMALL);
        let x = frame.x(i);
        let (x, anchor, left, right) = if x + width / 2.0 > painter.width - 1.0 {
            let x = painter.width - 1.0;
            (x, HPos::Right, x - width, x)
        } else if x - width / 2.0 < frame.left - 2.0 {
            let x = frame.left - 2.0;
            (x, HPos::Left, x, x + width)
        } else {
            (x, HPos::Center, x - width / 2.0, x + width / 2.0)
        };
        if right > free_until {
            continue;
        }
        free_until = left - 6.0;
        painter.draw(
            "tick",
            &Text::new(
                label,
                at(x, frame.bottom + 6.0),
                style(SMALL, MUTED, anchor, VPos::Top),
            ),
        )?;
    }
    Ok(())
}

/// Whether bars carry their values above them: when there is one series, so nothing else
/// tells the bars apart.
fn bar_values_shown(data: &ChartData) -> bool {
    data.kind == ChartKind::Bar && data.series.len() == 1
}

/// The height of a row of marker notes above the plot.
const NOTE_ROW: f64 = 14.0;

/// A marker's note: where its line is, where its text goes and which row it takes.
struct Note<'a> {
    label: &'a str,
    line_x: f64,
    text_x: f64,
    anchor: HPos,
    /// The width the text may take before it is cut short.
    room: f64,
    row: usize,
}

/// Where each marker's note goes: beside its line, on the first row where it does not run
/// into the note before it (a second row when two markers stand close).
fn place_notes<'a>(painter: &Painter, data: &'a ChartData, frame: &Frame) -> Vec<Note<'a>> {
    let mut row_ends: Vec<f64> = Vec::new();
    let mut notes = Vec::new();
    let mut markers: Vec<(f64, &str)> = data
        .markers
        .iter()
        .map(|m| {
            let x = if m.between {
                frame.x(m.index) - frame.band / 2.0
            } else {
                frame.x(m.index)
            };
            (x, m.label.as_str())
        })
        .collect();
    markers.sort_by(|a, b| a.0.total_cmp(&b.0));
    for (x, label) in markers {
        let room_right = painter.width - x - 6.0;
        let width = text_width(label, SMALL);
        let (anchor, text_x, room) = if width <= room_right || x < painter.width / 2.0 {
            (HPos::Left, x + 4.0, room_right)
        } else {
            (HPos::Right, x - 4.0, x - 6.0)
        };
        let shown = width.min(room);
        let (left, right) = match anchor {
            HPos::Right => (text_x - shown, text_x),
            _ => (text_x, text_x + shown),
        };
        let row = row_ends
            .iter()
            .position(|end| left > end + 6.0)
            .unwrap_or(row_ends.len());
        match row_ends.get_mut(row) {
            Some(end) => *end = right,
            None => row_ends.push(right),
        }
        notes.push(Note {
            label,
            line_x: x,
            text_x,
            anchor,
            room,
            row,
        });
    }
    notes
}

/// Series breaks (between periods) and annotations (on a period): a line through the plot,
/// and the note above it on its row.
fn draw_markers(painter: &Painter, frame: &Frame, notes: &[Note], rows: usize) -> DrawResult {
    for note in notes {
        painter.draw(
            "annot",
            &PathElement::new(
                vec![
                    at(note.line_x, frame.top - 4.0),
                    at(note.line_x, frame.bottom),
                ],
                AXIS.stroke_width(1),
            ),
        )?;
        let y = frame.top - 26.0 - NOTE_ROW * (rows.max(1) - 1 - note.row) as f64;
        painter.draw(
            "note",
            &Text::new(
                fit(note.label, SMALL, note.room),
                at(note.text_x, y),
                style(SMALL, MUTED, note.anchor, VPos::Top),
            ),
        )?;
    }
    Ok(())
}

/// Labelled horizontal lines at reference values.
fn draw_references(painter: &Painter, data: &ChartData, frame: &Frame) -> DrawResult {
    for (v, label) in &data.references {
        let y = frame.y(*v);
        painter.draw(
            "ref",
            &PathElement::new(
                vec![at(frame.left, y), at(frame.right, y)],
                INK.stroke_width(1),
            ),
        )?;
        if !label.is_empty() {
            painter.draw(
                "note",
                &Text::new(
                    fit(label, SMALL, frame.right - frame.left),
                    at(frame.right, y - 4.0),
                    style(SMALL, MUTED, HPos::Right, VPos::Bottom),
                ),
            )?;
        }
    }
    Ok(())
}

/// The direct labels at the right end, spread so they never overlap, each with a key that
/// matches its series (a marker for lines, a swatch for stacks).
fn draw_end_labels(
    painter: &Painter,
    data: &ChartData,
    frame: &Frame,
    labels: &[EndLabel],
    prefix: &str,
    max_label: f64,
) -> DrawResult {
    let wanted: Vec<(usize, f64)> = labels
        .iter()
        .enumerate()
        .map(|(i, l)| (i, frame.y(l.value)))
        .collect();
    let placed = spread(wanted, 16.0, frame.top + 6.0, frame.bottom - 6.0);
    for (i, y) in placed {
        let label = &labels[i];
        let x = frame.right + 8.0;
        match label.series {
            // One line needs no key beside its label: the line ends right there.
            Some(_) if data.kind == ChartKind::Line && data.series.len() == 1 => {}
            Some(s) if data.kind == ChartKind::Line => {
                let colour = rgb(&data.series[s].colour);
                marker(
                    painter,
                    &format!("key {}", data.series[s].class),
                    s,
                    x + 4.0,
                    y,
                    colour,
                )?;
            }
            Some(s) => swatch(painter, data, s, prefix, x, y)?,
            None => {
                painter.draw(
                    "rest",
                    &Rectangle::new([at(x, y - 5.0), at(x + 9.0, y + 5.0)], REST.filled()),
                )?;
            }
        }
        painter.draw(
            "label",
            &Text::new(
                fit(&label.text, SMALL, max_label),
                at(x + 13.0, y),
                style(SMALL, INK, HPos::Left, VPos::Center),
            ),
        )?;
    }
    Ok(())
}

fn swatch(
    painter: &Painter,
    data: &ChartData,
    s: usize,
    prefix: &str,
    x: f64,
    y: f64,
) -> DrawResult {
    let series = &data.series[s];
    let (class, fill) = paint(prefix, s, "key", series);
    painter.draw_filled(
        &class,
        fill.as_deref(),
        &Rectangle::new(
            [at(x, y - 5.0), at(x + 9.0, y + 5.0)],
            rgb(&series.colour).filled(),
        ),
    )
}

/// A direct label at the right end of a chart.
struct EndLabel {
    /// The series it names, or none for the part not broken out.
    series: Option<usize>,
    text: String,
    /// The value that sets its height.
    value: f64,
}

/// Each line's last value, or each segment of the last stack, so no legend is needed to
/// tell series apart.
fn end_labels(data: &ChartData) -> Vec<EndLabel> {
    match data.kind {
        ChartKind::Line => data
            .series
            .iter()
            .enumerate()
            .filter_map(|(i, s)| {
                let last = s.values.iter().rev().find_map(|v| *v)?;
                let text = if data.series.len() == 1 {
                    data.format(s, last)
                } else {
                    data.labelled(&s.label, &data.format(s, last))
                };
                Some(EndLabel {
                    series: Some(i),
                    text,
                    value: last,
                })
            })
            .collect(),
        ChartKind::Stacked | ChartKind::Stacked100 => stack_labels(data),
        _ => Vec::new(),
    }
}

/// The segments of the last stack that has any value, and what it does not break out.
fn stack_labels(data: &ChartData) -> Vec<EndLabel> {
    let Some(row) = (0..data.periods.len()).rev().find(|&i| {
        data.series
            .iter()
            .any(|s| s.values.get(i).copied().flatten().is_some())
    }) else {
        return Vec::new();
    };
    let mut base = 0.0;
    let mut out = Vec::new();
    for (i, s) in data.series.iter().enumerate() {
        if let Some(v) = s.values.get(row).copied().flatten().filter(|v| *v > 0.0) {
            out.push(EndLabel {
                series: Some(i),
                text: data.labelled(&s.label, &data.format(s, v)),
                value: base + v / 2.0,
            });
            base += v;
        }
    }
    if let Some(rest) = data.remainder(row) {
        out.push(EndLabel {
            series: None,
            text: data.labelled(
                data.rest_label(),
                &data.format_unit(rest, data.remainder_decimals(row)),
            ),
            value: base + rest / 2.0,
        });
    }
    out
}

/// The values of a series split at its gaps into runs of points, so a missing value is drawn
/// as a gap, never as a zero.
fn runs<T>(values: &[Option<f64>], mut point: impl FnMut(usize, f64) -> T) -> Vec<Vec<T>> {
    let mut runs: Vec<Vec<T>> = vec![Vec::new()];
    for (i, v) in values.iter().enumerate() {
        match (v, runs.last_mut()) {
            (Some(v), Some(run)) => run.push(point(i, *v)),
            _ => runs.push(Vec::new()),
        }
    }
    runs.retain(|r| !r.is_empty());
    runs
}

fn lines(painter: &Painter, data: &ChartData, frame: &Frame) -> DrawResult {
    for (i, s) in data.series.iter().enumerate() {
        let colour = rgb(&s.colour);
        for run in runs(&s.values, |j, v| at(frame.x(j), frame.y(v)))
            .iter()
            .filter(|r| r.len() > 1)
        {
            painter.draw(
                &format!("line {}", s.class),
                &PathElement::new(run.clone(), colour.stroke_width(2)),
            )?;
        }
        // Every point is marked where there is room; where periods are packed tightly, only
        // points that stand alone (between gaps) and the latest one, so the line stays legible.
        let roomy = frame.band >= 14.0;
        let last = s.values.iter().rposition(Option::is_some);
        for (j, v) in s.values.iter().enumerate() {
            let Some(v) = v else { continue };
            let alone = j.checked_sub(1).is_none_or(|k| s.values[k].is_none())
                && s.values.get(j + 1).is_none_or(Option::is_none);
            if roomy || alone || Some(j) == last {
                marker(
                    painter,
                    &format!("mark {}", s.class),
                    i,
                    frame.x(j),
                    frame.y(*v),
                    colour,
                )?;
            }
        }
    }
    Ok(())
}

fn bars(
    painter: &Painter,
    data: &ChartData,
    frame: &Frame,
    prefix: &str,
    narrow: bool,
) -> DrawResult {
    painter.raw(&pattern_defs(prefix, &data.series));
    let m = data.series.len().max(1) as f64;
    let group = frame.band * 0.76;
    let width = group / m;
    let zero = frame.y(0.0);
    let values_shown = bar_values_shown(data);
    for (j, s) in data.series.iter().enumerate() {
        let (class, fill) = paint(prefix, j, "bar", s);
        for (i, v) in s.values.iter().enumerate() {
            let Some(v) = v else { continue };
            let x0 = frame.x(i) - group / 2.0 + j as f64 * width;
            let y = frame.y(*v);
            let gap = if m > 1.0 { 1.0 } else { 0.0 };
            painter.draw_filled(
                &class,
                fill.as_deref(),
                &Rectangle::new(
                    [at(x0 + gap, y.min(zero)), at(x0 + width - gap, y.max(zero))],
                    rgb(&s.colour).filled(),
                ),
            )?;
            let label = data.format(s, *v);
            if values_shown
                && text_width(&label, SMALL) + 4.0 <= frame.band
                && (!narrow || data.periods.len() <= 8)
            {
                let (ly, v_pos) = if *v >= 0.0 {
                    (y - 3.0, VPos::Bottom)
                } else {
                    (y + 3.0, VPos::Top)
                };
                painter.draw(
                    "value",
                    &Text::new(
                        label,
                        at(frame.x(i), ly),
                        style(SMALL, INK, HPos::Center, v_pos),
                    ),
                )?;
            }
        }
    }
    Ok(())
}

fn stacks(painter: &Painter, data: &ChartData, frame: &Frame, prefix: &str) -> DrawResult {
    painter.raw(&pattern_defs(prefix, &data.series));
    let width = frame.band * 0.7;
    for i in 0..data.periods.len() {
        let x0 = frame.x(i) - width / 2.0;
        let mut base = 0.0;
        let mut any = false;
        for (j, s) in data.series.iter().enumerate() {
            let Some(v) = s.values.get(i).copied().flatten().filter(|v| *v > 0.0) else {
                continue;
            };
            any = true;
            let (class, fill) = paint(prefix, j, "bar", s);
            let (y0, y1) = (frame.y(base), frame.y(base + v));
            painter.draw_filled(
                &class,
                fill.as_deref(),
                &Rectangle::new(
                    [at(x0, y1), at(x0 + width, y0 - 1.0)],
                    rgb(&s.colour).filled(),
                ),
            )?;
            base += v;
        }
        if let (true, Some(rest)) = (any, data.remainder(i)) {
            let (y0, y1) = (frame.y(base), frame.y(base + rest));
            painter.draw(
                "rest",
                &Rectangle::new([at(x0, y1), at(x0 + width, y0 - 1.0)], REST.filled()),
            )?;
        }
    }
    Ok(())
}

fn hbar_height(data: &ChartData) -> u32 {
    let rows = data
        .series
        .iter()
        .filter(|s| s.values.first().copied().flatten().is_some())
        .count()
        .max(1);
    (16 + rows * 34 + 28) as u32
}

/// Horizontal bars: one period's values, largest first, each named on its left.
fn hbar(painter: &Painter, data: &ChartData, variant: Variant) -> DrawResult {
    let mut rows: Vec<(&Series, f64)> = data
        .series
        .iter()
        .filter_map(|s| s.values.first().copied().flatten().map(|v| (s, v)))
        .collect();
    rows.sort_by(|a, b| b.1.total_cmp(&a.1));
    let name = |s: &Series| match (&s.name_zh, variant) {
        (Some(zh), Variant::Wide) => format!("{} {zh}", s.label),
        _ => s.label.clone(),
    };
    let max_name = painter.width * 0.42;
    let name_width = rows
        .iter()
        .map(|(s, _)| text_width(&name(s), TEXT).min(max_name))
        .fold(0.0, f64::max);
    let hi = rows.iter().map(|(_, v)| *v).fold(0.0, f64::max);
    let lo = rows.iter().map(|(_, v)| *v).fold(0.0, f64::min);
    let Some(ticks) = ticks(lo, hi, if variant == Variant::Narrow { 3 } else { 5 }) else {
        return Err(OFF_THE_SCALE.into());
    };
    let value_room = rows
        .iter()
        .map(|(s, v)| text_width(&data.format(s, *v), SMALL))
        .fold(0.0, f64::max);
    let left = name_width + 12.0;
    let right = painter.width - value_room - 10.0;
    let top = 16.0;
    let bottom = painter.height - 24.0;
    let x = |v: f64| left + (v - ticks.lo()) / (ticks.hi() - ticks.lo()) * (right - left);
    let decimals = ticks.decimals();
    for v in &ticks.values {
        let (class, colour) = grid_line(*v);
        painter.draw(
            class,
            &PathElement::new(
                vec![at(x(*v), top - 6.0), at(x(*v), bottom)],
                colour.stroke_width(1),
            ),
        )?;
        let label = if *v == 0.0 {
            "0".to_string()
        } else {
            data.format_unit(*v, decimals)
        };
        painter.draw(
            "tick",
            &Text::new(
                label,
                at(x(*v), bottom + 6.0),
                style(SMALL, MUTED, HPos::Center, VPos::Top),
            ),
        )?;
    }
    for (i, (s, v)) in rows.iter().enumerate() {
        let y = top + i as f64 * 34.0;
        painter.draw(
            &format!("bar {}", s.class),
            &Rectangle::new(
                [at(x(0.0_f64.min(*v)), y), at(x(v.max(0.0)), y + 22.0)],
                rgb(&s.colour).filled(),
            ),
        )?;
        painter.draw(
            "label",
            &Text::new(
                fit(&name(s), TEXT, max_name),
                at(left - 8.0, y + 11.0),
                style(TEXT, INK, HPos::Right, VPos::Center),
            ),
        )?;
        painter.draw(
            "value",
            &Text::new(
                data.format(s, *v),
                at(x(*v) + 5.0, y + 11.0),
                style(SMALL, INK, HPos::Left, VPos::Center),
            ),
        )?;
    }
    Ok(())
}

/// A donut of one period's shares of a whole, with the part not broken out, and a legend
/// that names each segment with its value.
fn donut(painter: &Painter, data: &ChartData, variant: Variant, prefix: &str) -> DrawResult {
    painter.raw(&pattern_defs(prefix, &data.series));
    let narrow = variant == Variant::Narrow;
    let mut segments: Vec<(Option<usize>, f64)> = data
        .series
        .iter()
        .enumerate()
        .filter_map(|(i, s)| {
            s.values
                .first()
                .copied()
                .flatten()
                .filter(|v| *v > 0.0)
                .map(|v| (Some(i), v))
        })
        .collect();
    if let Some(rest) = data.remainder(0) {
        segments.push((None, rest));
    }
    let total: f64 = segments.iter().map(|(_, v)| v).sum::<f64>().max(100.0);
    let (cx, cy, r) = if narrow {
        (170.0, 120.0, 105.0)
    } else {
        (140.0, 130.0, 115.0)
    };
    let inner = r * 0.58;
    let mut angle = -90.0f64;
    for (s, v) in &segments {
        let sweep = v / total * 360.0;
        let (a0, a1) = (angle + 0.4, angle + sweep - 0.4);
        let steps = ((a1 - a0) / 2.0).ceil().max(1.0) as usize;
        let point = |a: f64, radius: f64| {
            let rad = a.to_radians();
            at(cx + radius * rad.cos(), cy + radius * rad.sin())
        };
        let mut points: Vec<(i32, i32)> = (0..=steps)
            .map(|k| point(a0 + (a1 - a0) * k as f64 / steps as f64, r))
            .collect();
        points.extend(
            (0..=steps)
                .rev()
                .map(|k| point(a0 + (a1 - a0) * k as f64 / steps as f64, inner)),
        );
        match s {
            Some(i) => {
                let series = &data.series[*i];
                let (class, fill) = paint(prefix, *i, "seg", series);
                painter.draw_filled(
                    &class,
                    fill.as_deref(),
                    &Polygon::new(points, rgb(&series.colour).filled()),
                )?;
            }
            None => painter.draw("rest", &Polygon::new(points, REST.filled()))?,
        }
        angle += sweep;
    }
    if let Some(p) = data.periods.first() {
        painter.draw(
            "label",
            &Text::new(
                data.period_label(*p),
                at(cx, cy),
                style(TEXT, INK, HPos::Center, VPos::Center),
            ),
        )?;
    }
    // The legend: a swatch, the name and the value for each segment.
    let (lx, ly) = if narrow {
        (20.0, 250.0)
    } else {
        (300.0, cy - 11.0 * segments.len() as f64 + 6.0)
    };
    let room = painter.width - lx - 24.0;
    for (k, (s, v)) in segments.iter().enumerate() {
        let y = ly + k as f64 * 22.0;
        let text = match s {
            Some(i) => {
                let series = &data.series[*i];
                let name = match &series.name_zh {
                    Some(zh) if !narrow => format!("{} {zh}", series.label),
                    _ => series.label.clone(),
                };
                swatch(painter, data, *i, prefix, lx, y)?;
                data.labelled(&name, &data.format(series, *v))
            }
            None => {
                painter.draw(
                    "rest",
                    &Rectangle::new([at(lx, y - 5.0), at(lx + 9.0, y + 5.0)], REST.filled()),
                )?;
                data.labelled(
                    data.rest_label(),
                    &data.format_unit(*v, data.remainder_decimals(0)),
                )
            }
        };
        painter.draw(
            "label",
            &Text::new(
                fit(&text, TEXT, room),
                at(lx + 16.0, y),
                style(TEXT, INK, HPos::Left, VPos::Center),
            ),
        )?;
    }
    Ok(())
}

/// A card's small line: the first series over the periods, its last point marked.
fn sparkline(painter: &Painter, data: &ChartData) -> DrawResult {
    let Some(s) = data.series.first() else {
        return Ok(());
    };
    let known: Vec<f64> = s.values.iter().flatten().copied().collect();
    let lo = known.iter().copied().fold(f64::INFINITY, f64::min).min(0.0);
    let hi = known.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    if !hi.is_finite() {
        return Ok(());
    }
    if !(hi - lo).is_finite() {
        return Err(OFF_THE_SCALE.into());
    }
    let span = if (hi - lo).abs() < 1e-12 {
        1.0
    } else {
        hi - lo
    };
    let n = s.values.len().max(2);
    let (w, h) = (painter.width - 8.0, painter.height - 8.0);
    let point = |i: usize, v: f64| {
        at(
            4.0 + w * i as f64 / (n - 1) as f64,
            4.0 + h - (v - lo) / span * h,
        )
    };
    let colour = rgb(&s.colour);
    // Runs between gaps; a value alone between two gaps is a dot.
    for run in runs(&s.values, point) {
        match run.as_slice() {
            [] => {}
            [only] => painter.draw(
                &format!("mark {}", s.class),
                &Circle::new(*only, 2, colour.filled()),
            )?,
            _ => painter.draw(
                &format!("line {}", s.class),
                &PathElement::new(run, colour.stroke_width(2)),
            )?,
        }
    }
    // The latest value is marked, unless it already stands alone as a dot.
    let latest = s
        .values
        .iter()
        .enumerate()
        .rev()
        .find_map(|(i, v)| v.map(|v| (i, v)));
    if let Some((i, v)) = latest
        && i > 0
        && s.values.get(i - 1).copied().flatten().is_some()
    {
        painter.draw(
            &format!("mark {}", s.class),
            &Circle::new(point(i, v), 3, colour.filled()),
        )?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostics::Loc;
    use crate::model::{
        ChartSpec, Column, Dataset, Ref, ReferenceLine, Row, SourceFile, Unit, Value,
    };
    use crate::period::{Granularity, Period};

    /// A dataset of two columns, `a` and `b`, with these values in successive quarters.
    fn dataset(values: &[(f64, f64)]) -> Dataset {
        let r = |id: &str| Ref {
            id: id.to_string(),
            at: Loc::default(),
        };
        let column = |id: &str| Column {
            id: id.to_string(),
            label: id.to_uppercase(),
            unit: Unit::Percent,
            precision: None,
            vendor: None,
            part_of: None,
            growth_of: None,
            translations: Default::default(),
            at: Loc::default(),
        };
        let value = |number: f64| {
            Some(Value {
                number,
                source: r("s"),
                firm: None,
                qualifier: None,
                note: None,
                also: Vec::new(),
                translations: Default::default(),
                at: Loc::default(),
            })
        };
        Dataset {
            id: "d".to_string(),
            file: SourceFile::new("content/data/d.yaml", ""),
            title: "D".to_string(),
            description: String::new(),
            translations: Default::default(),
            language: Default::default(),
            granularity: Granularity::Quarter,
            columns: vec![column("a"), column("b")],
            breaks: Vec::new(),
            rows: (1u8..)
                .zip(values)
                .map(|(quarter, (a, b))| Row {
                    period: Period::Quarter {
                        year: 2023,
                        quarter,
                    },
                    note: None,
                    cells: vec![value(*a), value(*b)],
                    translations: Default::default(),
                    at: Loc::default(),
                })
                .collect(),
        }
    }

    fn spec(kind: ChartKind, references: &[f64]) -> ChartSpec {
        let r = |id: &str| Ref {
            id: id.to_string(),
            at: Loc::default(),
        };
        ChartSpec {
            id: None,
            kind,
            title: "T".to_string(),
            caption: None,
            data: r("d"),
            columns: vec![r("a"), r("b")],
            from: None,
            to: None,
            period: None,
            annotations: Vec::new(),
            references: references
                .iter()
                .map(|&value| ReferenceLine {
                    value,
                    label: String::new(),
                })
                .collect(),
            at: Loc::default(),
        }
    }

    #[test]
    fn values_no_axis_can_hold_are_an_error_not_an_overflow() {
        // A second line's square markers at an infinite height once overflowed `i32` (a
        // panic in a debug build), found with these values and that reference line.
        let huge = dataset(&[(1.0, -5.656_593_104_916_786_5e292), (5.0, 1.0)]);
        let wide = dataset(&[(-1e308, 1e308), (1e308, -1e308)]);
        for (data, references) in [(&huge, &[f64::MAX][..]), (&wide, &[][..])] {
            for kind in [
                ChartKind::Line,
                ChartKind::Bar,
                ChartKind::Stacked,
                ChartKind::HBar,
                ChartKind::Sparkline,
            ] {
                let chart = ChartData::resolve(&spec(kind, references), data, &[]);
                for variant in [Variant::Wide, Variant::Narrow, Variant::Spark] {
                    if let Err(problem) = draw(&chart, "c", variant) {
                        assert_eq!(problem, OFF_THE_SCALE, "{kind:?} {variant:?}");
                    }
                }
            }
        }
        let drawn = |kind, data, references: &[f64], variant| {
            draw(
                &ChartData::resolve(&spec(kind, references), data, &[]),
                "c",
                variant,
            )
            .err()
        };
        let off = Some(OFF_THE_SCALE.to_string());
        assert_eq!(
            drawn(ChartKind::Line, &huge, &[f64::MAX], Variant::Wide),
            off
        );
        assert_eq!(drawn(ChartKind::Bar, &wide, &[], Variant::Narrow), off);
        assert_eq!(drawn(ChartKind::HBar, &wide, &[], Variant::Wide), off);
        assert_eq!(drawn(ChartKind::Line, &wide, &[], Variant::Spark), off);
        let fine = dataset(&[(1e300, -1e300), (5.0, 1.0)]);
        assert_eq!(drawn(ChartKind::Line, &fine, &[], Variant::Wide), None);
        assert_eq!(drawn(ChartKind::Line, &fine, &[], Variant::Spark), None);
    }

    #[test]
    fn descriptions_and_labels_are_written_in_the_datasets_language() {
        let mut data = dataset(&[(36.7, 15.7), (34.0, 17.0), (39.0, 15.0)]);
        data.rows[1].cells[1] = None;
        let en = ChartData::resolve(&spec(ChartKind::Line, &[]), &data, &[]);
        assert_eq!(
            en.describe(),
            "Line chart of A and B from Q1 2023 to Q3 2023. A rose from 36.7% in Q1 2023 to \
             39% in Q3 2023. B fell from 15.7% in Q1 2023 to 15% in Q3 2023. No value was \
             published for Q2 2023."
        );
        data.language = Language::ZhHans;
        let zh = ChartData::resolve(&spec(ChartKind::Line, &[]), &data, &[]);
        assert_eq!(
            zh.describe(),
            "折线图：A和B，2023年第一季度至2023年第三季度。A从36.7%升至39%。B从15.7%降至15%。\
             B2023年第二季度的数值未公布。"
        );
        assert_eq!(zh.labelled("阿里云", "39%"), "阿里云：39%");
        let (wide, _, _) = draw(&zh, "c", Variant::Wide).unwrap();
        assert!(
            wide.contains(">2023年第三季度<"),
            "long labels where they fit: {wide}"
        );
        let (narrow, _, _) = draw(&zh, "c", Variant::Narrow).unwrap();
        assert!(narrow.contains(">23年Q3<"), "{narrow}");
        data.rows.truncate(1);
        let one = ChartData::resolve(&spec(ChartKind::HBar, &[]), &data, &[]);
        assert_eq!(
            one.describe(),
            "条形图：A和B，2023年第一季度。A为36.7%，B为15.7%。"
        );
    }

    #[test]
    fn labels_are_spread_apart_and_kept_inside() {
        let placed = spread(vec![(0, 100.0), (1, 101.0), (2, 300.0)], 16.0, 10.0, 290.0);
        let ys: Vec<f64> = placed.iter().map(|p| p.1).collect();
        assert!(ys.windows(2).all(|w| w[1] - w[0] >= 16.0 - 1e-9), "{ys:?}");
        assert!(ys.iter().all(|y| (10.0..=290.0).contains(y)), "{ys:?}");
    }
}
