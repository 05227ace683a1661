//! The text the client-side search looks through: a briefing's prose with its figures
//! printed as readers see them, without markdown or chart blocks.

use crate::model::Data;
use crate::model::Segment;

pub fn plain_text(data: &Data, body: &[Segment]) -> String {
    let mut text = String::new();
    for segment in body {
        match segment {
            Segment::Markdown(md) => {
                for event in pulldown_cmark::Parser::new(md) {
                    match event {
                        pulldown_cmark::Event::Text(t) | pulldown_cmark::Event::Code(t) => {
                            text.push_str(&t)
                        }
                        pulldown_cmark::Event::SoftBreak
                        | pulldown_cmark::Event::HardBreak
                        | pulldown_cmark::Event::End(_) => text.push(' '),
                        _ => {}
                    }
                }
            }
            Segment::Figure(f) => {
                let shown = data.dataset(&f.dataset.id).and_then(|d| {
                    let c = d.column_index(&f.column.id)?;
                    let v = d.value(c, f.period)?;
                    let shown = v.version_from(f.source.as_ref().map(|s| s.id.as_str()));
                    Some(d.format_value(c, shown.number, shown.qualifier))
                });
                text.push_str(&shown.unwrap_or_default());
            }
            Segment::Quote(q) => text.push_str(&q.text),
            Segment::Calc(c) => text.push_str(&data.calculate(c).unwrap_or_default()),
            Segment::Cite(_) | Segment::Chart(_) => {}
        }
    }
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}
