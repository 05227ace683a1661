//! What a page cites, numbered in order of first use: footnote markers in the text, and the
//! list of sources printed at the page's foot.

use super::templates::{Ui, fill_values};
use crate::escape::{html_attr, url};
use crate::model::{Credit, Data, SourceKind, Value, Version};
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
    /// How a marker's link is read out (`Source {n}`), and that of a figure whose only
    /// sources are second-hand, in the page's language.
    label: String,
    secondhand_label: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cited {
    pub source: String,
    pub firm: String,
}

/// The mark beside a figure whose only sources are second-hand, explained above the sources.
pub const SECONDHAND_MARK: &str = "†";

impl Citations {
    /// Citations for a page whose words are those of `ui`.
    pub fn new(ui: &Ui) -> Citations {
        Citations {
            label: ui.get("source_number").to_string(),
            secondhand_label: ui.get("source_number_secondhand").to_string(),
            ..Citations::default()
        }
    }

    /// Citations whose footnote links lead to the sources list of the page at `url`.
    pub fn linking_to(url: &str, ui: &Ui) -> Citations {
        Citations {
            link_base: url.to_string(),
            ..Citations::new(ui)
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
        let number = n.to_string();
        let label = |template: &str| html_attr(&fill_values(template, &[("n", &number)]));
        if secondhand_only {
            self.secondhand_marked = true;
            format!(
                "<a href=\"{}\" aria-label=\"{}\">{n}{SECONDHAND_MARK}</a>",
                self.href(&credit),
                label(&self.secondhand_label)
            )
        } else {
            format!(
                "<a href=\"{}\" aria-label=\"{}\">{n}</a>",
                self.href(&credit),
                label(&self.label)
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

/// How a page names the kind of a second-hand or wire page, in the language of `ui`
/// (`aggregator`, 聚合网站); none for reports and releases.
pub fn kind_label(ui: &Ui, kind: SourceKind) -> Option<&str> {
    let key = match kind {
        SourceKind::Repost => "source_kind_repost",
        SourceKind::Aggregator => "source_kind_aggregator",
        SourceKind::Opinion => "source_kind_opinion",
        SourceKind::Wire => "source_kind_wire",
        SourceKind::Release | SourceKind::Report => return None,
    };
    Some(ui.get(key))
}
