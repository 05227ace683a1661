//! What a page cites, numbered in order of first use: footnote markers in the text, and the
//! list of sources printed at the page's foot.

use crate::escape::url;
use crate::model::{Credit, Data, Value, Version};
use crate::routes::source_anchor;

/// What a page cites, numbered in order of first use; the list is printed at its foot. A
/// page that reports several firms' figures gets a footnote per firm, so each names its own.
#[derive(Debug, Default)]
pub struct Citations {
    pub cited: Vec<Cited>,
    /// Whether a figure on the page was marked as read only at second hand.
    pub secondhand_marked: bool,
    /// What footnote links start with before their `#`: nothing on the page itself, the
    /// page's address where the text is read elsewhere (the feed).
    link_base: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cited {
    pub source: String,
    pub firm: String,
}

/// The mark beside a figure whose only sources are second-hand, explained above the sources.
pub const SECONDHAND_MARK: &str = "†";

impl Citations {
    /// Citations whose footnote links lead to the sources list of the page at `url`.
    pub fn linking_to(url: &str) -> Citations {
        Citations {
            link_base: url.to_string(),
            ..Citations::default()
        }
    }

    pub fn number(&mut self, credit: Credit) -> usize {
        let cited = Cited {
            source: credit.source.id.clone(),
            firm: credit.firm.to_string(),
        };
        match self.cited.iter().position(|c| *c == cited) {
            Some(i) => i + 1,
            None => {
                self.cited.push(cited);
                self.cited.len()
            }
        }
    }

    /// A footnote marker for a figure or statement, numbered in this page's list of sources;
    /// `secondhand_only` adds the mark that says its only sources are second-hand.
    pub fn marker(&mut self, credit: Credit, secondhand_only: bool) -> String {
        format!(
            "<sup class=\"cite\">{}</sup>",
            self.anchor(credit, secondhand_only)
        )
    }

    pub fn anchor(&mut self, credit: Credit, secondhand_only: bool) -> String {
        let n = self.number(credit);
        if secondhand_only {
            self.secondhand_marked = true;
            format!(
                "<a href=\"{}\" aria-label=\"Source {n}, the only source, second-hand\">{n}{SECONDHAND_MARK}</a>",
                self.href(&credit)
            )
        } else {
            format!(
                "<a href=\"{}\" aria-label=\"Source {n}\">{n}</a>",
                self.href(&credit)
            )
        }
    }

    /// The link to a source's entry in the list, as an attribute value.
    fn href(&self, credit: &Credit) -> String {
        url(&format!("{}#{}", self.link_base, source_anchor(credit)))
    }

    /// The marker for one published version of a dataset value.
    pub fn value_marker(&mut self, data: &Data, value: &Value, version: &Version) -> String {
        match data.credit(&version.source.id, version.firm) {
            Some(credit) => self.marker(credit, data.only_secondhand(value, version.number)),
            None => String::new(),
        }
    }
}
