//! What every check shares: the report of problems, and the lookups that turn an unknown
//! id into a diagnostic with the nearest known one.

use crate::diagnostics::{Diagnostic, Diagnostics, Loc, suggestion};
use crate::model::{Broken, Citation, Data, Dataset, Quotation, Ref, SourceFile};

/// Collects the problems validation finds, and knows which files failed to parse (references
/// into those are not reported again).
pub struct Checker {
    pub diagnostics: Diagnostics,
    pub source_ids: Vec<String>,
    pub vendor_ids: Vec<String>,
    pub broken: Broken,
}

impl Checker {
    pub fn warning(&mut self, file: &SourceFile, at: Loc, message: String, hint: String) {
        self.diagnostics.push(
            Diagnostic::error(&file.path, message)
                .at_loc(&file.text, at)
                .with_hint(hint)
                .warning(),
        );
    }

    pub fn error(&mut self, file: &SourceFile, at: Loc, message: String, hint: String) {
        let mut d = Diagnostic::error(&file.path, message).at_loc(&file.text, at);
        if !hint.is_empty() {
            d = d.with_hint(hint);
        }
        self.diagnostics.push(d);
    }

    /// The dataset `id` names, or an error with the nearest id. Nothing is reported for a
    /// dataset whose file failed to parse.
    pub fn resolve_dataset<'d>(
        &mut self,
        data: &'d Data,
        file: &SourceFile,
        id: &Ref,
    ) -> Option<&'d Dataset> {
        if self.broken.datasets.contains(&id.id) {
            return None;
        }
        let found = data.dataset(&id.id);
        if found.is_none() {
            let hint = suggestion(
                &id.id,
                "dataset",
                data.datasets.iter().map(|d| d.id.as_str()),
            );
            self.error(file, id.at, format!("unknown dataset `{}`", id.id), hint);
        }
        found
    }

    /// The index of the column `column` names in `dataset`, or an error with the nearest
    /// column id, reported at `at`.
    pub fn resolve_column(
        &mut self,
        file: &SourceFile,
        dataset: &Dataset,
        column: &Ref,
        at: Loc,
    ) -> Option<usize> {
        let found = dataset.column_index(&column.id);
        if found.is_none() {
            let hint = suggestion(
                &column.id,
                "column",
                dataset.columns.iter().map(|c| c.id.as_str()),
            );
            self.error(
                file,
                at,
                format!("dataset `{}` has no column `{}`", dataset.id, column.id),
                hint,
            );
        }
        found
    }

    pub fn check_source(&mut self, file: &SourceFile, source: &Ref) {
        if !self.broken.sources && !self.source_ids.contains(&source.id) {
            let hint = suggestion(
                &source.id,
                "source",
                self.source_ids.iter().map(String::as_str),
            );
            let hint = format!("{hint} (sources are defined in content/data/sources.yaml)");
            self.error(
                file,
                source.at,
                format!("unknown source `{}`", source.id),
                hint,
            );
        }
    }

    /// A value, citation or quote is credited to a firm the page reports: the one named, or
    /// the page's only firm. A page that reports several firms' figures must be told which.
    pub fn check_firm(
        &mut self,
        data: &Data,
        file: &SourceFile,
        source: &Ref,
        firm: Option<&Ref>,
        what: &str,
    ) {
        let Some(page) = data.source(&source.id) else {
            return;
        };
        let firms = if page.firms.is_empty() {
            vec![page.publisher.as_str()]
        } else {
            page.firms.iter().map(String::as_str).collect()
        };
        let listed = firms
            .iter()
            .map(|f| format!("`{f}`"))
            .collect::<Vec<_>>()
            .join(", ");
        match firm {
            Some(firm) if !page.reports(&firm.id) => {
                let guess = crate::diagnostics::did_you_mean(&firm.id, firms.iter().copied())
                    .map(|best| format!("did you mean `{best}`? "))
                    .unwrap_or_default();
                self.error(
                    file,
                    firm.at,
                    format!(
                        "source `{}` reports no figures by `{}`",
                        page.id, firm.id
                    ),
                    format!(
                        "{guess}the page reports figures by {listed}; if it also reports this firm's, add the firm to its `firm:` in content/data/sources.yaml"
                    ),
                );
            }
            None if firms.len() > 1 => self.error(
                file,
                source.at,
                format!(
                    "source `{}` reports figures by {listed}: say which firm produced {what}",
                    page.id
                ),
                format!(
                    "add `firm: {}` (or another of its firms) beside the source",
                    firms[0]
                ),
            ),
            _ => {}
        }
    }

    /// Words quoted in prose must be part of a sentence the source entry records, or of
    /// the page's headline.
    pub fn check_quote(&mut self, data: &Data, file: &SourceFile, quote: &Quotation) {
        let source = &quote.citation.source;
        let Some(page) = data.source(&source.id) else {
            return;
        };
        let squash = |t: &str| t.split_whitespace().collect::<Vec<_>>().join(" ");
        let wanted = squash(&quote.text);
        if page
            .quotes
            .iter()
            .chain(std::iter::once(&page.title))
            .any(|q| squash(q).contains(&wanted))
        {
            return;
        }
        let hint = if page.quotes.is_empty() {
            format!(
                "record the sentence these words come from under `quote:` in source `{}` (content/data/sources.yaml), exactly as the page has it; a source's title also counts",
                page.id
            )
        } else {
            format!(
                "the sentences recorded for `{}` are: {}",
                page.id,
                page.quotes
                    .iter()
                    .map(|q| format!("\"{q}\""))
                    .collect::<Vec<_>>()
                    .join("; ")
            )
        };
        self.error(
            file,
            source.at,
            format!(
                "source `{}` records no sentence containing \"{}\"",
                page.id, quote.text
            ),
            hint,
        );
    }

    /// A statement cited to a page should have the sentence that supports it on record.
    pub fn check_cited_statement(&mut self, data: &Data, file: &SourceFile, citation: &Citation) {
        let Some(page) = data.source(&citation.source.id) else {
            return;
        };
        if page.quotes.is_empty() {
            self.warning(
                file,
                citation.source.at,
                format!(
                    "a statement is cited to `{}`, which records no sentence supporting it",
                    page.id
                ),
                format!(
                    "add the sentence from the page under `quote:` in source `{}` (content/data/sources.yaml), so a reader and a checker can see what the page says",
                    page.id
                ),
            );
        }
    }
}
