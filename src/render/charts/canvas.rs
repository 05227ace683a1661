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

use crate::escape::svg;

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

fn hex(c: BackendColor) -> String {
    let (r, g, b) = c.rgb;
    format!("#{r:02X}{g:02X}{b:02X}")
}

impl ClassedSvg {
    fn open(&self, tag: &str) -> String {
        let shared = self.shared.borrow();
        if shared.class.is_empty() {
            format!("<{tag}")
        } else {
            format!("<{tag} class=\"{}\"", shared.class)
        }
    }

    fn fill(&self, colour: BackendColor) -> String {
        self.shared
            .borrow()
            .fill
            .clone()
            .unwrap_or_else(|| hex(colour))
    }

    fn push(&self, element: &str) {
        let mut shared = self.shared.borrow_mut();
        shared.svg.push_str(element);
        shared.svg.push('\n');
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
        let el = format!(
            "{} x=\"{}\" y=\"{}\" width=\"1\" height=\"1\" fill=\"{}\"/>",
            self.open("rect"),
            point.0,
            point.1,
            hex(color)
        );
        self.push(&el);
        Ok(())
    }

    fn draw_line<S: BackendStyle>(
        &mut self,
        from: BackendCoord,
        to: BackendCoord,
        style: &S,
    ) -> Result<(), DrawingErrorKind<CanvasError>> {
        let el = format!(
            "{} d=\"M{} {}L{} {}\" stroke=\"{}\" stroke-width=\"{}\"/>",
            self.open("path"),
            from.0,
            from.1,
            to.0,
            to.1,
            hex(style.color()),
            style.stroke_width()
        );
        self.push(&el);
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
        let paint = if fill {
            format!("fill=\"{}\"", self.fill(style.color()))
        } else {
            format!("fill=\"none\" stroke=\"{}\"", hex(style.color()))
        };
        let el = format!(
            "{} x=\"{x}\" y=\"{y}\" width=\"{w}\" height=\"{h}\" {paint}/>",
            self.open("rect")
        );
        self.push(&el);
        Ok(())
    }

    fn draw_path<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(
        &mut self,
        path: I,
        style: &S,
    ) -> Result<(), DrawingErrorKind<CanvasError>> {
        let mut d = String::new();
        for (i, (x, y)) in path.into_iter().enumerate() {
            let _ = write!(d, "{}{x} {y}", if i == 0 { "M" } else { "L" });
        }
        let el = format!(
            "{} d=\"{d}\" fill=\"none\" stroke=\"{}\" stroke-width=\"{}\"/>",
            self.open("path"),
            hex(style.color()),
            style.stroke_width()
        );
        self.push(&el);
        Ok(())
    }

    fn draw_circle<S: BackendStyle>(
        &mut self,
        center: BackendCoord,
        radius: u32,
        style: &S,
        fill: bool,
    ) -> Result<(), DrawingErrorKind<CanvasError>> {
        let paint = if fill {
            format!("fill=\"{}\"", self.fill(style.color()))
        } else {
            format!("fill=\"none\" stroke=\"{}\"", hex(style.color()))
        };
        let el = format!(
            "{} cx=\"{}\" cy=\"{}\" r=\"{radius}\" {paint}/>",
            self.open("circle"),
            center.0,
            center.1
        );
        self.push(&el);
        Ok(())
    }

    fn fill_polygon<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(
        &mut self,
        vert: I,
        style: &S,
    ) -> Result<(), DrawingErrorKind<CanvasError>> {
        let mut d = String::new();
        for (i, (x, y)) in vert.into_iter().enumerate() {
            let _ = write!(d, "{}{x} {y}", if i == 0 { "M" } else { "L" });
        }
        d.push('Z');
        let el = format!(
            "{} d=\"{d}\" fill=\"{}\"/>",
            self.open("path"),
            self.fill(style.color())
        );
        self.push(&el);
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
        let el = format!(
            "{} x=\"{}\" y=\"{}\"{anchor}{dy} font-size=\"{}\" fill=\"{}\">{}</text>",
            self.open("text"),
            pos.0,
            pos.1,
            style.size(),
            hex(style.color()),
            svg(text)
        );
        self.push(&el);
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
