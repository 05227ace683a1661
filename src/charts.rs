//! Charts: a validated chart block plus its dataset become inline SVG, drawn with plotters
//! at build time. Text is measured with the font shipped in `assets/fonts`, never the host's,
//! so every machine lays a chart out the same way.

use std::sync::Once;

use plotters::prelude::*;
use plotters::style::FontStyle;

use crate::html::escape;
use crate::model::{ChartKind, ChartSpec, Dataset, Row, Vendor};
use crate::period::Period;

const WIDTH: u32 = 640;
const HEIGHT: u32 = 360;
/// plotters writes font-size as size / 1.24: 16 gives 12.9 px text.
const FONT_SIZE: f64 = 16.0;
const FONT: &[u8] = include_bytes!("../assets/fonts/DejaVuSans.ttf");
/// Colour-blind-safe defaults (Okabe–Ito, darkened for 3:1 contrast on white) for columns
/// that are not tied to a vendor.
const PALETTE: [&str; 6] = [
    "#0072B2", "#D55E00", "#007A5A", "#AA4499", "#8A5A00", "#5F5F5F",
];

static REGISTER_FONT: Once = Once::new();

fn register_font() {
    REGISTER_FONT.call_once(|| {
        // The font is compiled in, so this cannot fail at run time; a broken font file would
        // show up as charts with no text in the very first test.
        let _ = plotters::style::register_font("sans-serif", FontStyle::Normal, FONT);
    });
}

/// One line or one set of bars.
#[derive(Clone, Debug)]
pub struct Series {
    pub column: usize,
    pub label: String,
    pub colour: String,
    pub values: Vec<Option<f64>>,
}

/// What a chart shows, resolved from its spec and dataset.
#[derive(Clone, Debug)]
pub struct ChartData<'a> {
    pub dataset: &'a Dataset,
    /// The dataset's rows in the chart's range.
    pub rows: &'a [Row],
    pub periods: Vec<Period>,
    pub series: Vec<Series>,
}

impl<'a> ChartData<'a> {
    /// Resolves a validated spec: the periods in range and one series per column.
    pub fn resolve(spec: &ChartSpec, dataset: &'a Dataset, vendors: &[Vendor]) -> Self {
        let from = spec.from.map(|(p, _)| p);
        let to = spec.to.map(|(p, _)| p);
        let rows = dataset.rows_between(from, to);
        let periods = rows.iter().map(|r| r.period).collect();
        let mut palette = PALETTE.iter();
        let series = spec
            .columns
            .iter()
            .filter_map(|c| dataset.column_index(&c.id))
            .map(|index| {
                let column = &dataset.columns[index];
                let vendor = column
                    .vendor
                    .as_ref()
                    .and_then(|v| vendors.iter().find(|x| x.id == v.id));
                let colour = match vendor {
                    Some(v) => v.colour.clone(),
                    None => palette.next().unwrap_or(&PALETTE[5]).to_string(),
                };
                Series {
                    column: index,
                    label: column.label.clone(),
                    colour,
                    values: rows
                        .iter()
                        .map(|r| {
                            r.cells
                                .get(index)
                                .and_then(|c| c.as_ref())
                                .map(|v| v.number)
                        })
                        .collect(),
                }
            })
            .collect();
        ChartData {
            dataset,
            rows,
            periods,
            series,
        }
    }

    pub fn has_values(&self) -> bool {
        self.series
            .iter()
            .any(|s| s.values.iter().any(Option::is_some))
    }

    /// A sentence or two saying what the chart shows, from the data: the range and, per
    /// series, where it started and ended.
    pub fn describe(&self, kind: &ChartKind) -> String {
        let (Some(first), Some(last)) = (self.periods.first(), self.periods.last()) else {
            return "The chart has no data.".to_string();
        };
        let what = match kind {
            ChartKind::Line => "Line chart",
            ChartKind::Bar => "Bar chart",
        };
        let names: Vec<&str> = self.series.iter().map(|s| s.label.as_str()).collect();
        let mut text = format!(
            "{what} of {} from {} to {}.",
            join_names(&names),
            first.label(),
            last.label()
        );
        for s in &self.series {
            let known: Vec<(Period, f64)> = self
                .periods
                .iter()
                .zip(&s.values)
                .filter_map(|(p, v)| v.map(|v| (*p, v)))
                .collect();
            let fmt = |v: f64| self.dataset.format_value(s.column, v, None);
            match (known.first(), known.last()) {
                (Some((p0, v0)), Some((p1, v1))) if known.len() > 1 => {
                    let verb = if v1 > v0 {
                        "rose"
                    } else if v1 < v0 {
                        "fell"
                    } else {
                        "was unchanged"
                    };
                    let peak = known
                        .iter()
                        .fold(known[0], |a, b| if b.1 > a.1 { *b } else { a });
                    text.push_str(&format!(
                        " {} {verb} from {} in {} to {} in {}",
                        s.label,
                        fmt(*v0),
                        p0.label(),
                        fmt(*v1),
                        p1.label()
                    ));
                    if peak.0 != *p1 && peak.0 != *p0 {
                        text.push_str(&format!(
                            ", peaking at {} in {}",
                            fmt(peak.1),
                            peak.0.label()
                        ));
                    }
                    text.push('.');
                }
                (Some((p, v)), _) => {
                    text.push_str(&format!(" {} was {} in {}.", s.label, fmt(*v), p.label()))
                }
                _ => text.push_str(&format!(" {} has no values in this range.", s.label)),
            }
            let gaps: Vec<String> = self
                .periods
                .iter()
                .zip(&s.values)
                .filter(|(_, v)| v.is_none())
                .map(|(p, _)| p.label())
                .collect();
            if !known.is_empty() {
                match gaps.len() {
                    0 => {}
                    1 => text.push_str(&format!(" No value was published for {}.", gaps[0])),
                    n if n <= 3 => text.push_str(&format!(
                        " No values were published for {}.",
                        join_names(&gaps.iter().map(String::as_str).collect::<Vec<_>>())
                    )),
                    n => text.push_str(&format!(
                        " No values were published for {n} of the periods shown."
                    )),
                }
            }
        }
        text
    }
}

fn join_names(names: &[&str]) -> String {
    match names {
        [] => String::new(),
        [one] => one.to_string(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

/// Rounds an axis maximum up to a round number (1, 2, 2.5 or 5 times a power of ten).
pub fn nice_ceiling(value: f64) -> f64 {
    if value <= 0.0 || !value.is_finite() {
        return 1.0;
    }
    let magnitude = 10f64.powf(value.log10().floor());
    for step in [1.0, 2.0, 2.5, 5.0, 10.0] {
        if value <= step * magnitude + 1e-9 {
            return step * magnitude;
        }
    }
    10.0 * magnitude
}

fn rgb(hex: &str) -> RGBColor {
    let channel = |i: usize| {
        hex.get(i..i + 2)
            .and_then(|h| u8::from_str_radix(h, 16).ok())
            .unwrap_or(0)
    };
    RGBColor(channel(1), channel(3), channel(5))
}

/// Draws the chart as an SVG string whose element ids start with `id`.
pub fn render_svg(kind: &ChartKind, title: &str, data: &ChartData, id: &str) -> String {
    register_font();
    let mut svg = String::new();
    let drawn = draw(kind, data, &mut svg);
    if drawn.is_err() {
        svg.clear();
    }
    finish_svg(&svg, title, &data.describe(kind), id)
}

fn draw(
    kind: &ChartKind,
    data: &ChartData,
    out: &mut String,
) -> Result<(), Box<dyn std::error::Error>> {
    let n = data.periods.len().max(1);
    let values = data
        .series
        .iter()
        .flat_map(|s| s.values.iter().flatten().copied());
    let (min, max) = values.fold((0.0f64, 0.0f64), |(lo, hi), v| (lo.min(v), hi.max(v)));
    let y_max = nice_ceiling(max * 1.05);
    let y_min = if min < 0.0 {
        -nice_ceiling(-min * 1.05)
    } else {
        0.0
    };
    let unit = data
        .series
        .first()
        .and_then(|s| data.dataset.columns.get(s.column))
        .map_or("", |c| c.unit.axis_label());

    let root = SVGBackend::with_string(out, (WIDTH, HEIGHT)).into_drawing_area();
    let font = ("sans-serif", FONT_SIZE).into_font();
    let mut chart = ChartBuilder::on(&root)
        .margin_top(14)
        .margin_right(18)
        .margin_left(6)
        .margin_bottom(6)
        .x_label_area_size(34)
        .y_label_area_size(56)
        .build_cartesian_2d(-0.5f64..(n as f64 - 0.5), y_min..y_max)?;

    let periods = data.periods.clone();
    // At most about eight period labels fit a phone-width chart.
    let every = n.div_ceil(8).max(1);
    let x_labels = move |x: &f64| {
        let i = x.round();
        if (x - i).abs() > 1e-6 || i < 0.0 {
            return String::new();
        }
        let i = i as usize;
        if !i.is_multiple_of(every) {
            return String::new();
        }
        periods.get(i).map(|p| p.short_label()).unwrap_or_default()
    };
    let precision = if y_max <= 5.0 { 1 } else { 0 };
    chart
        .configure_mesh()
        .disable_x_mesh()
        .x_labels(n.min(40))
        .x_label_formatter(&x_labels)
        .y_labels(6)
        .y_label_formatter(&|v| crate::model::format_number(*v, precision))
        .y_desc(unit)
        .label_style(font.clone().color(&RGBColor(0x33, 0x33, 0x33)))
        .axis_desc_style(font.clone().color(&RGBColor(0x33, 0x33, 0x33)))
        .bold_line_style(RGBColor(0xDD, 0xDD, 0xDD))
        .light_line_style(TRANSPARENT)
        .axis_style(RGBColor(0x66, 0x66, 0x66))
        .draw()?;

    for b in &data.dataset.breaks {
        if let Some(i) = data.periods.iter().position(|p| *p == b.period) {
            let x = i as f64 - 0.5;
            let grey = RGBColor(0x76, 0x76, 0x76);
            chart.draw_series(std::iter::once(PathElement::new(
                vec![(x, y_min), (x, y_max)],
                grey.stroke_width(1),
            )))?;
            chart.draw_series(std::iter::once(Text::new(
                b.label.clone(),
                (x + 0.1, y_max),
                font.clone()
                    .color(&grey)
                    .pos(plotters::style::text_anchor::Pos::new(
                        plotters::style::text_anchor::HPos::Left,
                        plotters::style::text_anchor::VPos::Top,
                    )),
            )))?;
        }
    }

    match kind {
        ChartKind::Line => {
            for s in &data.series {
                let colour = rgb(&s.colour);
                // A missing value splits the line: gaps are drawn as gaps, never as zeros.
                let mut run: Vec<(f64, f64)> = Vec::new();
                let mut runs = Vec::new();
                for (i, v) in s.values.iter().enumerate() {
                    match v {
                        Some(v) => run.push((i as f64, *v)),
                        None if !run.is_empty() => runs.push(std::mem::take(&mut run)),
                        None => {}
                    }
                }
                if !run.is_empty() {
                    runs.push(run);
                }
                for run in &runs {
                    if run.len() > 1 {
                        chart.draw_series(LineSeries::new(
                            run.iter().copied(),
                            colour.stroke_width(3),
                        ))?;
                    }
                }
                chart.draw_series(
                    runs.iter()
                        .flatten()
                        .map(|&(x, y)| Circle::new((x, y), 4, colour.filled())),
                )?;
            }
        }
        ChartKind::Bar => {
            let m = data.series.len().max(1) as f64;
            let band = 0.8 / m;
            for (j, s) in data.series.iter().enumerate() {
                let colour = rgb(&s.colour);
                chart.draw_series(s.values.iter().enumerate().filter_map(|(i, v)| {
                    let v = (*v)?;
                    let x0 = i as f64 - 0.4 + j as f64 * band;
                    Some(Rectangle::new(
                        [(x0, 0.0), (x0 + band * 0.92, v)],
                        colour.filled(),
                    ))
                }))?;
            }
        }
    }
    root.present()?;
    Ok(())
}

/// Makes plotters' SVG responsive and accessible: no fixed size, `role="img"`, and a
/// `<title>` and `<desc>` the `aria-labelledby` points at.
fn finish_svg(svg: &str, title: &str, desc: &str, id: &str) -> String {
    let body = svg
        .find('>')
        .and_then(|open_end| {
            let close = svg.rfind("</svg>")?;
            svg.get(open_end + 1..close)
        })
        .unwrap_or("");
    let mut out = String::with_capacity(body.len() + 512);
    out.push_str(&format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {WIDTH} {HEIGHT}\" class=\"chart-svg\" role=\"img\" aria-labelledby=\"{id}-title {id}-desc\">\n<title id=\"{id}-title\">{}</title>\n<desc id=\"{id}-desc\">{}</desc>",
        escape(title),
        escape(desc)
    ));
    out.push_str(body.trim_end());
    out.push_str("\n</svg>");
    // Empty lines would end the HTML block the chart sits in.
    out.lines()
        .filter(|l| !l.trim().is_empty())
        .collect::<Vec<_>>()
        .join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn axis_maxima_are_round_numbers() {
        assert_eq!(nice_ceiling(9.7), 10.0);
        assert_eq!(nice_ceiling(14.7), 20.0);
        assert_eq!(nice_ceiling(47.3), 50.0);
        assert_eq!(nice_ceiling(0.0), 1.0);
        assert_eq!(nice_ceiling(2.3), 2.5);
    }

    #[test]
    fn svg_is_responsive_and_labelled() {
        let out = finish_svg(
            "<svg width=\"640\" height=\"360\"><rect/></svg>",
            "A&B <script>",
            "d",
            "c1",
        );
        assert!(
            out.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 640 360\"")
        );
        assert!(!out.contains("width=\"640\""));
        assert!(out.contains("<title id=\"c1-title\">A&amp;B &lt;script&gt;</title>"));
        assert!(out.contains("aria-labelledby=\"c1-title c1-desc\""));
        assert!(out.contains("<rect/>"));
    }
}
