//! The vendor pages: each vendor's figures over time and every briefing that discusses it,
//! and the index of vendors.

use serde::Serialize;

use super::super::citations::Citations;
use super::super::templates::Ui;
use super::archive;
use super::common::{
    Appearance, BriefingLink, PageError, PageParts, VendorLink, base_context, briefing_link,
    chart_of, chinese_beside, insert_sources, mentions, page_body, vendor_link,
};
use crate::model::{ChartKind, ChartSpec, Ref, Segment, Site, Vendor};
use crate::period::Period;
use crate::routes;

/// A vendor's charts: one per dataset that has a column for it, a line over the periods,
/// or bars where a dataset has a single period.
pub fn vendor_charts(site: &Site, ui: &Ui, vendor: &Vendor) -> Vec<ChartSpec> {
    let mut charts = Vec::new();
    for dataset in &site.data.datasets {
        let Some(column) = dataset
            .columns
            .iter()
            .position(|c| c.vendor.as_ref().is_some_and(|v| v.id == vendor.id))
        else {
            continue;
        };
        let values = dataset
            .rows
            .iter()
            .filter(|r| r.cells.get(column).is_some_and(Option::is_some))
            .count();
        let kind = match values {
            0 => continue,
            1 => ChartKind::Bar,
            _ => ChartKind::Line,
        };
        let mut spec = chart_of(dataset, ui, column, kind, dataset.title.clone());
        // Named by its data, which the site chooses, rather than by a dataset's title.
        spec.id = Some(Ref {
            id: format!("vendor-{}-{}", vendor.id, dataset.id),
            at: Default::default(),
        });
        charts.push(spec);
    }
    charts
}

pub fn vendor(site: &Site, i: usize, ui: &Ui) -> Result<PageParts, PageError> {
    let vendor = &site.data.vendors[i];
    let path = routes::vendor(&vendor.id);
    let title = match chinese_beside(vendor) {
        "" => vendor.name.clone(),
        name_zh => ui.fill(
            "vendor_title",
            &[("name", &vendor.name), ("name_zh", name_zh)],
        ),
    };
    let description = ui.fill("vendor_description", &[("vendor", &vendor.name)]);
    let segments: Vec<Segment> = vendor_charts(site, ui, vendor)
        .into_iter()
        .map(Segment::Chart)
        .collect();
    let mut citations = Citations::new(ui);
    let mut body = page_body(
        site,
        ui,
        &segments,
        &mut citations,
        &routes::chart_prefix(&vendor.id),
        &format!("vendor-{}", vendor.id),
        &path,
        None,
    )?;
    let (years, earlier) = mentions_by_year(site, ui, vendor);
    let mut context = base_context(site, ui, &path, "vendors", &title, &description);
    context.insert("vendor", &vendor_link(vendor, "../"));
    context.insert("body", &body.html);
    context.insert("years", &years);
    context.insert("earlier", &earlier);
    insert_sources(&mut context, site, ui, &citations);
    let mut parts = PageParts::new(path, "vendor.html", context);
    let on = Appearance {
        title: &title,
        path: &parts.path.clone(),
    };
    parts.keep_made(site, ui, &mut body, &on);
    Ok(parts)
}

/// How many of the latest years with briefings that discuss a vendor its page lists in
/// full; earlier ones are counted by decade, with a link to the decade in the archive.
const VENDOR_YEARS: usize = 10;

/// A year of briefings that discuss a vendor.
#[derive(Serialize)]
struct MentionYear {
    year: u16,
    /// The year as the site's language writes it: `2023`; 2023年.
    label: String,
    briefings: Vec<BriefingLink>,
}

/// A decade of earlier briefings that discuss a vendor, linked to the archive.
#[derive(Serialize)]
struct MentionDecade {
    label: String,
    href: String,
    count: usize,
}

/// The briefings that discuss `vendor`: the latest years in full, newest first, and the
/// decades before them.
fn mentions_by_year(
    site: &Site,
    ui: &Ui,
    vendor: &Vendor,
) -> (Vec<MentionYear>, Vec<MentionDecade>) {
    let mut years: Vec<MentionYear> = Vec::new();
    let mut earlier: Vec<MentionDecade> = Vec::new();
    for briefing in site.briefings.iter().rev() {
        if !mentions(site, briefing, vendor) {
            continue;
        }
        let year = briefing.period.year();
        let listed = years.len();
        match years.last_mut() {
            Some(y) if y.year == year => {
                y.briefings.push(briefing_link(site, briefing, "../"));
                continue;
            }
            _ if listed < VENDOR_YEARS => {
                years.push(MentionYear {
                    year,
                    label: site.edition.language.period(Period::Year { year }),
                    briefings: vec![briefing_link(site, briefing, "../")],
                });
                continue;
            }
            _ => {}
        }
        let decade = archive::decade_label(ui, year);
        match earlier.last_mut() {
            Some(d) if d.label == decade => d.count += 1,
            _ => earlier.push(MentionDecade {
                href: format!("../{}#{}", routes::ARCHIVE, archive::decade_id(year)),
                label: decade,
                count: 1,
            }),
        }
    }
    (years, earlier)
}

pub fn vendors(site: &Site, ui: &Ui) -> Result<PageParts, PageError> {
    let path = routes::VENDORS;
    let mut context = base_context(
        site,
        ui,
        path,
        "vendors",
        ui.get("vendors"),
        ui.get("vendors_description"),
    );
    let list: Vec<VendorLink> = site
        .data
        .vendors
        .iter()
        .map(|v| vendor_link(v, ""))
        .collect();
    context.insert("vendors", &list);
    Ok(PageParts::new(path.to_string(), "vendors.html", context))
}
