//! Third stage: cross-check the parsed content and produce a `Site` that later stages can
//! trust: every reference resolves, periods line up, shares add up, figures are credited to
//! firms their pages report. All problems are collected before failing.

mod body;
mod checker;
mod data;

use crate::diagnostics::{Diagnostics, suggestion};
use crate::model::{Briefing, ChartSpec, Content, Data, Segment, Site, SourceFile, charts_of};
use body::check_body;
use checker::Checker;
use data::check_dataset;

/// The problems of one briefing's body against a valid site's data: what validating the
/// whole site would report of it, for the preview server, which rechecks only what changed.
/// Chart ids are checked within the briefing, and against the ids other documents give
/// their charts themselves (`id:`); a clash of two derived ids across documents is left to
/// the full build.
pub fn check_briefing(site: &Site, briefing: &Briefing) -> Diagnostics {
    let mut diagnostics = check_one_body(site, &briefing.file, &briefing.body);
    let document = briefing.chart_document();
    check_one_document_charts(
        site,
        &briefing.file,
        &document,
        &briefing.body,
        &mut diagnostics,
    );
    diagnostics
}

/// `check_briefing` for a page.
pub fn check_page(site: &Site, page: &crate::model::Page) -> Diagnostics {
    let mut diagnostics = check_one_body(site, &page.file, &page.body);
    check_one_document_charts(site, &page.file, &page.id, &page.body, &mut diagnostics);
    diagnostics
}

fn check_one_document_charts(
    site: &Site,
    file: &SourceFile,
    document: &str,
    body: &[Segment],
    diagnostics: &mut Diagnostics,
) {
    let mine: Vec<ChartAt> = charts_of(body)
        .map(|spec| ChartAt {
            id: crate::routes::id_of_chart(document, spec),
            spec,
            file,
        })
        .collect();
    if mine.is_empty() {
        return;
    }
    // Everyone else's charts with an id of their own.
    let mut others = Vec::new();
    for (doc, other, body) in documents(site) {
        if other.path == file.path {
            continue;
        }
        for spec in charts_of(body).filter(|s| s.id.is_some()) {
            others.push(ChartAt {
                id: crate::routes::id_of_chart(&doc, spec),
                spec,
                file: other,
            });
        }
    }
    let mut checker = Checker {
        broken: Default::default(),
        diagnostics: Diagnostics::new(),
        source_ids: Default::default(),
        vendor_ids: Default::default(),
    };
    let mut all = mine;
    let first_other = all.len();
    all.extend(others);
    report_chart_clashes(&mut checker, &all, |a, b| {
        a < first_other || b < first_other
    });
    diagnostics.extend(checker.diagnostics);
}

/// A chart block, the id it gets, and the file it is in.
struct ChartAt<'s> {
    id: String,
    spec: &'s ChartSpec,
    file: &'s SourceFile,
}

/// Every briefing and page: the name its chart ids start with, its file and its body.
fn documents(site: &Site) -> impl Iterator<Item = (String, &SourceFile, &[Segment])> {
    site.briefings
        .iter()
        .map(|b| (b.chart_document(), &b.file, b.body.as_slice()))
        .chain(
            site.pages
                .iter()
                .map(|p| (p.id.clone(), &p.file, p.body.as_slice())),
        )
}

/// Every chart has its own page at `charts/<id>.html`, so two different charts may not have
/// one id. The same chart drawn twice on one page is one chart.
fn check_chart_ids(checker: &mut Checker, site: &Site) {
    let mut all = Vec::new();
    for (document, file, body) in documents(site) {
        for spec in charts_of(body) {
            all.push(ChartAt {
                id: crate::routes::id_of_chart(&document, spec),
                spec,
                file,
            });
        }
    }
    report_chart_clashes(checker, &all, |_, _| true);
}

/// Reports each chart whose id an earlier, different chart has; `report(a, b)` says whether
/// a clash between the `a`th and the `b`th chart is to be reported.
fn report_chart_clashes(
    checker: &mut Checker,
    charts: &[ChartAt],
    report: impl Fn(usize, usize) -> bool,
) {
    let mut order: Vec<usize> = (0..charts.len()).collect();
    order.sort_by(|&a, &b| charts[a].id.cmp(&charts[b].id).then(a.cmp(&b)));
    for run in order.chunk_by(|&a, &b| charts[a].id == charts[b].id) {
        let Some((&first, rest)) = run.split_first() else {
            continue;
        };
        for &other in rest {
            let (a, b) = (&charts[first], &charts[other]);
            if a.file.path == b.file.path && a.spec.same_chart(b.spec) {
                continue;
            }
            if !report(first, other) {
                continue;
            }
            let (where_first, how) = if a.file.path == b.file.path {
                (
                    format!("line {} of this file", a.spec.at.line),
                    "a different chart",
                )
            } else {
                (format!("{}:{}", a.file.path, a.spec.at.line), "a chart")
            };
            checker.error(
                b.file,
                b.spec.id.as_ref().map_or(b.spec.at, |r| r.at),
                format!(
                    "two charts would have the id `{}`: this one and {how} at {where_first}",
                    b.id
                ),
                "every chart has its own page, `charts/<id>.html`; give one of them an `id:` of its own (the same chart block twice on one page is one chart)".to_string(),
            );
        }
    }
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
        edition,
        ..
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
        edition,
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
    check_chart_ids(checker, site);
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
