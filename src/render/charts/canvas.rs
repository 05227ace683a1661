//! A plotters `DrawingBackend` that writes compact SVG whose elements carry classes, so the
//! site's CSS (and its dark mode) styles the charts. Each element also keeps its light-mode
//! colour as a presentation attribute, which CSS overrides, so a chart read without the
//! stylesheet (in a feed reader, say) still shows its colours.

use std::cell::RefCell;
use std::fmt::{self, Write};
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

/// A colour as SVG writes it: `#RRGGBB`.
struct Hex(BackendColor);

impl fmt::Display for Hex {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (r, g, b) = self.0.rgb;
        write!(f, "#{r:02X}{g:02X}{b:02X}")
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
        if fill {
            format!("fill=\"{}\"", self.fill(colour))
        } else {
            format!("fill=\"none\" stroke=\"{}\"", Hex(colour))
        }
    }

    fn fill(&self, colour: BackendColor) -> String {
        self.shared
            .borrow()
            .fill
            .clone()
            .unwrap_or_else(|| Hex(colour).to_string())
    }
}

/// A path's `d`: move to the first point, a line to each next one.
fn write_path(svg: &mut String, points: impl IntoIterator<Item = BackendCoord>) {
    for (i, (x, y)) in points.into_iter().enumerate() {
        let _ = write!(svg, "{}{x} {y}", if i == 0 { "M" } else { "L" });
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
            let _ = write!(
                svg,
                " x=\"{}\" y=\"{}\" width=\"1\" height=\"1\" fill=\"{}\"/>",
                point.0,
                point.1,
                Hex(color)
            );
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
            let _ = write!(
                svg,
                " d=\"M{} {}L{} {}\" stroke=\"{}\" stroke-width=\"{}\"/>",
                from.0,
                from.1,
                to.0,
                to.1,
                Hex(style.color()),
                style.stroke_width()
            );
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
            let _ = write!(
                svg,
                " x=\"{x}\" y=\"{y}\" width=\"{w}\" height=\"{h}\" {paint}/>"
            );
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
            let _ = write!(
                svg,
                "\" fill=\"none\" stroke=\"{}\" stroke-width=\"{}\"/>",
                Hex(style.color()),
                style.stroke_width()
            );
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
            let _ = write!(
                svg,
                " cx=\"{}\" cy=\"{}\" r=\"{radius}\" {paint}/>",
                center.0, center.1
            );
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
            let _ = write!(svg, "Z\" fill=\"{fill}\"/>");
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
            let _ = write!(
                svg,
                " x=\"{}\" y=\"{}\"{anchor}{dy} font-size=\"{}\" fill=\"{}\">{}</text>",
                pos.0,
                pos.1,
                style.size(),
                Hex(style.color()),
                svg_text(text)
            );
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
