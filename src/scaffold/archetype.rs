//! Archetypes: the tera templates `new` renders a briefing from. A site's own
//! `templates/archetypes/briefing.md` replaces the built-in one; either is given the quarter,
//! the quarters around it and the site's datasets, and must render a briefing that parses.

use std::path::Path;

use serde::Serialize;
use tera::{Context, Tera};

use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::load::ARCHETYPES_DIR;
use crate::model::{Content, Dataset, SourceFile};
use crate::parse::parse_one_briefing;
use crate::period::{Granularity, Period};
use crate::render::{TemplateSource, template_diagnostic};

/// The built-in briefing archetype: the China cloud edition's standard briefing.
pub const BUILTIN_BRIEFING: &str = include_str!("../../templates/archetypes/briefing.md");

/// The name tera knows the briefing archetype by; it does not end in `.html`, so tera does
/// not escape what it prints (a briefing is markdown, not HTML).
const BRIEFING_NAME: &str = "archetypes/briefing.md";

/// An archetype's text and the path diagnostics name it by.
#[derive(Clone, Debug)]
pub struct Archetype {
    pub path: String,
    pub text: String,
}

/// The site's own briefing archetype, or the built-in one when it has none.
pub fn briefing_archetype(root: &Path) -> Result<Archetype, Diagnostics> {
    let path = format!("{ARCHETYPES_DIR}briefing.md");
    match std::fs::read_to_string(root.join(&path)) {
        Ok(text) => Ok(Archetype { path, text }),
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => Ok(Archetype {
            path: format!("{path} (built in)"),
            text: BUILTIN_BRIEFING.to_string(),
        }),
        Err(err) => {
            let mut diagnostics = Diagnostics::new();
            diagnostics.push(Diagnostic::error(
                &path,
                format!("cannot read the archetype: {err}"),
            ));
            Err(diagnostics)
        }
    }
}

/// A period as an archetype sees it: `2026-Q1`, `Q1 2026`, `2026-q1`.
#[derive(Serialize)]
struct PeriodView {
    id: String,
    label: String,
    slug: String,
}

impl PeriodView {
    fn of(period: Period) -> PeriodView {
        PeriodView {
            id: period.to_string(),
            label: period.label(),
            slug: period.slug(),
        }
    }
}

#[derive(Serialize)]
struct DatasetView {
    id: String,
    title: String,
    granularity: Granularity,
    columns: Vec<ColumnView>,
}

#[derive(Serialize)]
struct ColumnView {
    id: String,
    label: String,
    unit: &'static str,
    /// The vendor id the column is about, if any.
    vendor: Option<String>,
    /// The figure reference for this column at the new quarter (`{{market.spend@2026-Q1}}`),
    /// ready to print; only quarterly datasets have one.
    reference: Option<String>,
}

#[derive(Serialize)]
struct VendorView {
    id: String,
    name: String,
}

fn dataset_view(dataset: &Dataset, period: Period) -> DatasetView {
    let quarterly = dataset.granularity == Granularity::Quarter;
    DatasetView {
        id: dataset.id.clone(),
        title: dataset.title.clone(),
        granularity: dataset.granularity,
        columns: dataset
            .columns
            .iter()
            .map(|c| ColumnView {
                id: c.id.clone(),
                label: c.label.clone(),
                unit: c.unit.name(),
                vendor: c.vendor.as_ref().map(|v| v.id.clone()),
                reference: quarterly.then(|| format!("{{{{{}.{}@{period}}}}}", dataset.id, c.id)),
            })
            .collect(),
    }
}

/// What an archetype is given. `from` is two years before the quarter, so standard charts
/// show eight quarters of context; it is the quarter itself when that would be before 1000.
fn briefing_context(period: Period, content: Option<&Content>) -> Context {
    let two_years_before = period.year_before().and_then(Period::year_before);
    let mut context = Context::new();
    context.insert("period", &PeriodView::of(period));
    context.insert("previous", &period.previous().map(PeriodView::of));
    context.insert("year_before", &period.year_before().map(PeriodView::of));
    context.insert("from", &PeriodView::of(two_years_before.unwrap_or(period)));
    let datasets: Vec<DatasetView> = content
        .map(|c| c.datasets.iter().map(|d| dataset_view(d, period)).collect())
        .unwrap_or_default();
    context.insert("datasets", &datasets);
    let vendors: Vec<VendorView> = content
        .map(|c| {
            c.vendors
                .iter()
                .map(|v| VendorView {
                    id: v.id.clone(),
                    name: v.name.clone(),
                })
                .collect()
        })
        .unwrap_or_default();
    context.insert("vendors", &vendors);
    context
}

/// Renders the briefing for `period` from `archetype` and checks that the result parses as
/// the briefing file `path` (relative to the site root). Nothing is written here.
pub fn render_briefing(
    archetype: &Archetype,
    period: Period,
    path: &str,
    content: Option<&Content>,
) -> Result<String, Diagnostics> {
    let sources = [TemplateSource {
        name: BRIEFING_NAME.to_string(),
        path: archetype.path.clone(),
        text: archetype.text.clone(),
    }];
    let fail = |err: &tera::Error| {
        let mut diagnostics = Diagnostics::new();
        diagnostics.push(template_diagnostic(&sources, BRIEFING_NAME, err));
        diagnostics
    };
    let mut tera = Tera::new();
    tera.add_raw_template(BRIEFING_NAME, &archetype.text)
        .map_err(|e| fail(&e))?;
    let text = tera
        .render(BRIEFING_NAME, &briefing_context(period, content))
        .map_err(|e| fail(&e))?;
    if let Err(problems) = parse_one_briefing(&SourceFile::new(path, text.as_str())) {
        let mut diagnostics = Diagnostics::new();
        for problem in problems.iter() {
            let hint = match &problem.hint {
                Some(hint) => format!("{hint}; "),
                None => String::new(),
            };
            diagnostics.push(problem.clone().with_hint(format!(
                "{hint}this is the file {} renders, and it was not written",
                archetype.path
            )));
        }
        return Err(diagnostics);
    }
    Ok(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn builtin() -> Archetype {
        Archetype {
            path: "templates/archetypes/briefing.md (built in)".to_string(),
            text: BUILTIN_BRIEFING.to_string(),
        }
    }

    fn render(text: &str, period: &str) -> Result<String, Diagnostics> {
        let archetype = Archetype {
            path: "templates/archetypes/briefing.md".to_string(),
            text: text.to_string(),
        };
        let period: Period = period.parse().unwrap();
        let path = format!("content/briefings/{}.md", period.slug());
        render_briefing(&archetype, period, &path, None)
    }

    #[test]
    fn the_builtin_archetype_is_a_valid_draft_for_its_quarter() {
        let period: Period = "2026-Q1".parse().unwrap();
        let text =
            render_briefing(&builtin(), period, "content/briefings/2026-q1.md", None).unwrap();
        assert!(text.starts_with("---\ntitle: \"Q1 2026: \"\nperiod: 2026-Q1\n"));
        assert!(text.contains("draft: true\n"));
        assert!(text.contains("{{market.spend@2026-Q1}}"), "{text}");
        assert!(text.contains("from: 2024-Q1\nto: 2026-Q1"));
        assert!(text.contains("Against Q4 2025 and against Q1 2025."));
        assert_eq!(text.matches("```chart").count(), 3);
    }

    #[test]
    fn a_quarter_with_no_year_before_falls_back_to_words_and_to_itself() {
        let period: Period = "1000-Q1".parse().unwrap();
        let text =
            render_briefing(&builtin(), period, "content/briefings/1000-q1.md", None).unwrap();
        assert!(
            text.contains("Against Q4 999 and against a year earlier."),
            "{text}"
        );
        assert!(text.contains("from: 1000-Q1\nto: 1000-Q1"));
    }

    #[test]
    fn a_template_error_points_into_the_archetype() {
        let err = render("---\ntitle: {{ period.nmae }}\n---\n", "2026-Q1").unwrap_err();
        let shown = err.to_string();
        assert!(
            shown.contains("--> templates/archetypes/briefing.md:2:"),
            "{shown}"
        );
        let err = render("{{ period.id | no_such_filter }}\n", "2026-Q1").unwrap_err();
        let shown = err.to_string();
        assert!(
            shown.contains("--> templates/archetypes/briefing.md:1:"),
            "{shown}"
        );
        assert!(shown.contains("no_such_filter"), "{shown}");
    }

    #[test]
    fn a_rendered_file_that_does_not_parse_points_into_what_was_rendered() {
        let err = render(
            "---\ntitle: \"{{ period.label }}\"\nperiod: {{ period.id }}\nsummary: [unclosed\n---\n",
            "2026-Q1",
        )
        .unwrap_err();
        let shown = err.to_string();
        assert!(
            shown.contains("--> content/briefings/2026-q1.md:4:"),
            "{shown}"
        );
        assert!(
            shown.contains("templates/archetypes/briefing.md renders, and it was not written"),
            "{shown}"
        );
        let err = render("no front matter\n", "2026-Q1").unwrap_err();
        assert!(err.to_string().contains("missing front matter"), "{err}");
    }
}
