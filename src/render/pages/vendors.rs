//! The vendor pages: each vendor's figures over time and every briefing that discusses it,
//! and the index of vendors.

use super::super::citations::Citations;
use super::common::{
    BriefingLink, PageError, PageParts, VendorLink, base_context, briefing_link, chart_of,
    insert_sources, mentions, page_body, vendor_link,
};
use crate::model::{ChartKind, Segment, Site};
use crate::routes;

pub fn vendor(site: &Site, i: usize) -> Result<PageParts, PageError> {
    let vendor = &site.data.vendors[i];
    let path = routes::vendor(&vendor.id);
    let title = if vendor.name_zh.is_empty() {
        vendor.name.clone()
    } else {
        format!("{} ({})", vendor.name, vendor.name_zh)
    };
    let description = format!(
        "{}: its share of the market, its growth, and every briefing that discusses it.",
        vendor.name
    );
    // One chart per dataset that has a column for this vendor: a line over the periods, or
    // bars where a dataset has a single period.
    let mut segments = Vec::new();
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
        let spec = chart_of(dataset, column, kind, dataset.title.clone());
        segments.push(Segment::Chart(spec));
    }
    let mut citations = Citations::default();
    let mut body = page_body(
        site,
        &segments,
        &mut citations,
        &routes::chart_prefix(&vendor.id),
        &path,
        None,
    )?;
    let mentioned: Vec<BriefingLink> = site
        .briefings
        .iter()
        .rev()
        .filter(|b| mentions(site, b, vendor))
        .map(|b| briefing_link(b, "../"))
        .collect();
    let mut context = base_context(site, &path, "vendors", &title, &description);
    context.insert("vendor", &vendor_link(vendor, "../"));
    context.insert("body", &body.html);
    context.insert("briefings", &mentioned);
    insert_sources(&mut context, site, &citations);
    let mut parts = PageParts::new(path, "vendor.html", context);
    parts.keep_made(&mut body);
    Ok(parts)
}

pub fn vendors(site: &Site) -> Result<PageParts, PageError> {
    let path = routes::VENDORS;
    let mut context = base_context(
        site,
        path,
        "vendors",
        "Vendors",
        "Every cloud vendor the briefings follow.",
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
