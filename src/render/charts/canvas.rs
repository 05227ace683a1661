//! A plotters `DrawingBackend` that writes compact SVG whose elements carry classes, so the
//! site's CSS (and its dark mode) styles the charts. Each element also keeps its light-mode
//! colour as a presentation attribute, which CSS overrides, so a chart read without the
//! stylesheet (in a feed reader, say) still shows its colours.

use std::cell::RefCell;
use std::fmt::Write;
use std::rc::Rc;

use plotters::element::{Drawable, PointCollection};
use plotters::prelude::*;
use plotters_backend::{
    BackendColor, BackendCoord, BackendStyle, BackendTextStyle, DrawingErrorKind,
    text_anchor::{HPos, VPos},
};

use crate::escape::svg as svg_text;

/// Writing SVG into a string cannot fail.
type CanvasError = std::convert::Infallible;

/// What the drawing code and the backend share: the SVG written so far and the class the
/// next element gets.
#[derive(Default)]
struct Shared {
    svg: String,
    class: String,
    /// Replaces the fill of filled shapes (a pattern, `url(#…)`), when set.
    fill: Option<String>,
}

pub struct ClassedSvg {
    size: (u32, u32),
    shared: Rc<RefCell<Shared>>,
}

// Charts write tens of numbers per element and thousands of elements per site; these
// append them without the formatting machinery, as `Display` would write them.

/// A colour as SVG writes it: `#RRGGBB`.
fn push_hex(svg: &mut String, colour: BackendColor) {
    const DIGITS: &[u8; 16] = b"0123456789ABCDEF";
    let (r, g, b) = colour.rgb;
    svg.push('#');
    for byte in [r, g, b] {
        for nibble in [byte >> 4, byte & 0xF] {
            svg.push(char::from(DIGITS[usize::from(nibble)]));
        }
    }
}

fn push_int(svg: &mut String, n: impl itoa::Integer) {
    svg.push_str(itoa::Buffer::new().format(n));
}

/// ` name="n"`.
fn push_attr(svg: &mut String, name: &str, n: impl itoa::Integer) {
    svg.push(' ');
    svg.push_str(name);
    svg.push_str("=\"");
    push_int(svg, n);
    svg.push('"');
}

fn push_size(svg: &mut String, size: f64) {
    if size.fract() == 0.0 && size.abs() < 1e9 {
        push_int(svg, size as i64);
    } else {
        let _ = write!(svg, "{size}");
    }
}

impl ClassedSvg {
    /// Writes one element straight into the SVG: `<tag`, the class drawing is under, then
    /// what `rest` writes (the attributes and the end of the element), and a line break.
    fn emit(&self, tag: &str, rest: impl FnOnce(&mut String)) {
        let mut shared = self.shared.borrow_mut();
        let Shared { svg, class, .. } = &mut *shared;
        svg.push('<');
        svg.push_str(tag);
        if !class.is_empty() {
            svg.push_str(" class=\"");
            svg.push_str(class);
            svg.push('"');
        }
        rest(svg);
        svg.push('\n');
    }

    /// The paint of a shape: its fill (the pattern set for filled shapes, else `colour`),
    /// or no fill and a `colour` outline.
    fn paint(&self, colour: BackendColor, fill: bool) -> String {
        let mut paint = String::with_capacity(32);
        if fill {
            paint.push_str("fill=\"");
            paint.push_str(&self.fill(colour));
        } else {
            paint.push_str("fill=\"none\" stroke=\"");
            push_hex(&mut paint, colour);
        }
        paint.push('"');
        paint
    }

    fn fill(&self, colour: BackendColor) -> String {
        match &self.shared.borrow().fill {
            Some(fill) => fill.clone(),
            None => {
                let mut hex = String::with_capacity(7);
                push_hex(&mut hex, colour);
                hex
            }
        }
    }
}

/// A path's `d`: move to the first point, a line to each next one.
fn write_path(svg: &mut String, points: impl IntoIterator<Item = BackendCoord>) {
    for (i, (x, y)) in points.into_iter().enumerate() {
        svg.push(if i == 0 { 'M' } else { 'L' });
        push_int(svg, x);
        svg.push(' ');
        push_int(svg, y);
    }
}

impl DrawingBackend for ClassedSvg {
    type ErrorType = CanvasError;

    fn get_size(&self) -> (u32, u32) {
        self.size
    }

    fn ensure_prepared(&mut self) -> Result<(), DrawingErrorKind<CanvasError>> {
        Ok(())
    }

    fn present(&mut self) -> Result<(), DrawingErrorKind<CanvasError>> {
        Ok(())
    }

    fn draw_pixel(
        &mut self,
        point: BackendCoord,
        color: BackendColor,
    ) -> Result<(), DrawingErrorKind<CanvasError>> {
        self.emit("rect", |svg| {
            push_attr(svg, "x", point.0);
            push_attr(svg, "y", point.1);
            svg.push_str(" width=\"1\" height=\"1\" fill=\"");
            push_hex(svg, color);
            svg.push_str("\"/>");
        });
        Ok(())
    }

    fn draw_line<S: BackendStyle>(
        &mut self,
        from: BackendCoord,
        to: BackendCoord,
        style: &S,
    ) -> Result<(), DrawingErrorKind<CanvasError>> {
        self.emit("path", |svg| {
            svg.push_str(" d=\"");
            write_path(svg, [from, to]);
            svg.push_str("\" stroke=\"");
            push_hex(svg, style.color());
            svg.push('"');
            push_attr(svg, "stroke-width", style.stroke_width());
            svg.push_str("/>");
        });
        Ok(())
    }

    fn draw_rect<S: BackendStyle>(
        &mut self,
        ul: BackendCoord,
        br: BackendCoord,
        style: &S,
        fill: bool,
    ) -> Result<(), DrawingErrorKind<CanvasError>> {
        let (x, y) = (ul.0.min(br.0), ul.1.min(br.1));
        let (w, h) = ((br.0 - ul.0).abs(), (br.1 - ul.1).abs());
        let paint = self.paint(style.color(), fill);
        self.emit("rect", |svg| {
            push_attr(svg, "x", x);
            push_attr(svg, "y", y);
            push_attr(svg, "width", w);
            push_attr(svg, "height", h);
            svg.push(' ');
            svg.push_str(&paint);
            svg.push_str("/>");
        });
        Ok(())
    }

    fn draw_path<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(
        &mut self,
        path: I,
        style: &S,
    ) -> Result<(), DrawingErrorKind<CanvasError>> {
        self.emit("path", |svg| {
            svg.push_str(" d=\"");
            write_path(svg, path);
            svg.push_str("\" fill=\"none\" stroke=\"");
            push_hex(svg, style.color());
            svg.push('"');
            push_attr(svg, "stroke-width", style.stroke_width());
            svg.push_str("/>");
        });
        Ok(())
    }

    fn draw_circle<S: BackendStyle>(
        &mut self,
        center: BackendCoord,
        radius: u32,
        style: &S,
        fill: bool,
    ) -> Result<(), DrawingErrorKind<CanvasError>> {
        let paint = self.paint(style.color(), fill);
        self.emit("circle", |svg| {
            push_attr(svg, "cx", center.0);
            push_attr(svg, "cy", center.1);
            push_attr(svg, "r", radius);
            svg.push(' ');
            svg.push_str(&paint);
            svg.push_str("/>");
        });
        Ok(())
    }

    fn fill_polygon<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(
        &mut self,
        vert: I,
        style: &S,
    ) -> Result<(), DrawingErrorKind<CanvasError>> {
        let fill = self.fill(style.color());
        self.emit("path", |svg| {
            svg.push_str(" d=\"");
            write_path(svg, vert);
            svg.push_str("Z\" fill=\"");
            svg.push_str(&fill);
            svg.push_str("\"/>");
        });
        Ok(())
    }

    fn draw_text<T: BackendTextStyle>(
        &mut self,
        text: &str,
        style: &T,
        pos: BackendCoord,
    ) -> Result<(), DrawingErrorKind<CanvasError>> {
        let anchor = match style.anchor().h_pos {
            HPos::Left => "",
            HPos::Center => " text-anchor=\"middle\"",
            HPos::Right => " text-anchor=\"end\"",
        };
        let dy = match style.anchor().v_pos {
            VPos::Top => " dy=\".8em\"",
            VPos::Center => " dy=\".35em\"",
            VPos::Bottom => "",
        };
        self.emit("text", |svg| {
            push_attr(svg, "x", pos.0);
            push_attr(svg, "y", pos.1);
            svg.push_str(anchor);
            svg.push_str(dy);
            svg.push_str(" font-size=\"");
            push_size(svg, style.size());
            svg.push_str("\" fill=\"");
            push_hex(svg, style.color());
            svg.push_str("\">");
            svg.push_str(&svg_text(text));
            svg.push_str("</text>");
        });
        Ok(())
    }

    fn estimate_text_size<T: BackendTextStyle>(
        &self,
        text: &str,
        style: &T,
    ) -> Result<(u32, u32), DrawingErrorKind<CanvasError>> {
        let w = super::text::text_width(text, style.size());
        Ok((w.ceil() as u32, style.size().ceil() as u32))
    }
}

/// Draws a chart: plotters elements go through `ClassedSvg`, each with the class set by
/// `with_class`; raw SVG (pattern definitions) can be added with `raw`.
pub struct Painter {
    area: DrawingArea<ClassedSvg, plotters::coord::Shift>,
    shared: Rc<RefCell<Shared>>,
    pub width: f64,
    pub height: f64,
}

pub type DrawResult = Result<(), Box<dyn std::error::Error>>;

impl Painter {
    pub fn new(width: u32, height: u32) -> Self {
        let shared = Rc::new(RefCell::new(Shared::default()));
        let backend = ClassedSvg {
            size: (width, height),
            shared: Rc::clone(&shared),
        };
        Painter {
            area: backend.into_drawing_area(),
            shared,
            width: f64::from(width),
            height: f64::from(height),
        }
    }

    /// Draws `element` with `class` on every SVG element it writes.
    pub fn draw<E>(&self, class: &str, element: &E) -> DrawResult
    where
        for<'b> &'b E: PointCollection<'b, (i32, i32)>,
        E: Drawable<ClassedSvg>,
    {
        self.shared.borrow_mut().class = class.to_string();
        self.area.draw(element)?;
        self.shared.borrow_mut().class.clear();
        Ok(())
    }

    /// Like `draw`, with the fill of filled shapes replaced by `fill` (a pattern) when given.
    pub fn draw_filled<E>(&self, class: &str, fill: Option<&str>, element: &E) -> DrawResult
    where
        for<'b> &'b E: PointCollection<'b, (i32, i32)>,
        E: Drawable<ClassedSvg>,
    {
        self.shared.borrow_mut().fill = fill.map(str::to_string);
        let result = self.draw(class, element);
        self.shared.borrow_mut().fill = None;
        result
    }

    pub fn raw(&self, svg: &str) {
        let mut shared = self.shared.borrow_mut();
        shared.svg.push_str(svg);
        shared.svg.push('\n');
    }

    pub fn finish(self) -> String {
        std::mem::take(&mut self.shared.borrow_mut().svg)
    }
}
