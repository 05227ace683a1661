//! Third stage: cross-check the parsed content and produce a `Site` that later stages can
//! trust: every reference resolves, periods line up, shares add up, figures are credited to
//! firms their pages report. All problems are collected before failing.

mod body;
mod checker;
mod data;

use crate::diagnostics::{Diagnostics, suggestion};
use crate::model::{Briefing, Content, Data, Site};
use body::check_body;
use checker::Checker;
use data::check_dataset;

/// The problems of one briefing's body against a valid site's data: what validating the
/// whole site would report of it, for the preview server, which rechecks only what changed.
pub fn check_briefing(site: &Site, briefing: &Briefing) -> Diagnostics {
    check_one_body(site, &briefing.file, &briefing.body)
}

/// `check_briefing` for a page.
pub fn check_page(site: &Site, page: &crate::model::Page) -> Diagnostics {
    check_one_body(site, &page.file, &page.body)
}

fn check_one_body(
    site: &Site,
    file: &crate::model::SourceFile,
    body: &[crate::model::Segment],
) -> Diagnostics {
    let mut checker = Checker {
        broken: Default::default(),
        diagnostics: Diagnostics::new(),
        source_ids: site.data.sources.iter().map(|s| s.id.clone()).collect(),
        vendor_ids: site.data.vendors.iter().map(|v| v.id.clone()).collect(),
    };
    check_body(&mut checker, &site.data, file, body);
    checker.diagnostics
}

pub fn validate_site(content: Content, drafts: bool) -> Result<Site, Diagnostics> {
    let Content {
        config,
        sources,
        vendors,
        datasets,
        mut briefings,
        pages,
        problems,
        broken,
    } = content;
    let mut checker = Checker {
        broken,
        diagnostics: problems,
        source_ids: sources.iter().map(|s| s.id.clone()).collect(),
        vendor_ids: vendors.iter().map(|v| v.id.clone()).collect(),
    };
    let data = Data::new(sources, vendors, datasets);
    for dataset in &data.datasets {
        check_dataset(&mut checker, &data, dataset);
    }

    if !drafts {
        briefings.retain(|b| !b.draft);
    }
    briefings.sort_by_key(|b| b.period);

    let site = Site {
        config,
        data,
        briefings,
        pages,
        warnings: Diagnostics::new(),
    };
    check_documents(&mut checker, &site);
    if checker.diagnostics.has_errors() {
        return Err(checker.diagnostics);
    }
    let mut site = site;
    site.warnings = checker.diagnostics;
    Ok(site)
}

/// Every check `validate_site` makes, made again on a site built from content that
/// parsed: what a full build would report of it (the preview server's check after an edit
/// to a dataset).
pub fn check_site(site: &Site) -> Diagnostics {
    let mut checker = Checker {
        broken: Default::default(),
        diagnostics: Diagnostics::new(),
        source_ids: site.data.sources.iter().map(|s| s.id.clone()).collect(),
        vendor_ids: site.data.vendors.iter().map(|v| v.id.clone()).collect(),
    };
    for dataset in &site.data.datasets {
        check_dataset(&mut checker, &site.data, dataset);
    }
    check_documents(&mut checker, site);
    checker.diagnostics
}

/// The bodies of briefings and pages, the navigation and the headline figures.
fn check_documents(checker: &mut Checker, site: &Site) {
    for briefing in &site.briefings {
        check_body(checker, &site.data, &briefing.file, &briefing.body);
    }
    for page in &site.pages {
        check_body(checker, &site.data, &page.file, &page.body);
    }
    let page_ids: Vec<&str> = site.pages.iter().map(|p| p.id.as_str()).collect();
    let mut targets = vec!["home"];
    targets.extend(crate::routes::BUILT_IN_TARGETS);
    targets.extend(page_ids.iter().copied());
    for link in &site.config.navigation {
        if !targets.contains(&link.target.id.as_str()) {
            let hint = suggestion(&link.target.id, "target", targets.iter().copied());
            checker.error(
                &site.config.file,
                link.target.at,
                format!("navigation target `{}` is not a page", link.target.id),
                format!("{hint} (a target is `home`, `data`, `vendors`, `search` or the name of a file in content/pages/)"),
            );
        }
    }
    for figure in &site.config.headline {
        if let Some(dataset) =
            checker.resolve_dataset(&site.data, &site.config.file, &figure.dataset)
        {
            checker.resolve_column(&site.config.file, dataset, &figure.column, figure.column.at);
        }
    }
}
