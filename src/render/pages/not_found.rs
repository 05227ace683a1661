//! The 404 page, which a host serves at whatever path was asked for, so every link on it is
//! absolute.

use super::super::templates::Ui;
use super::common::{PageError, PageParts, base_context, briefing_link, make_links_absolute};
use crate::model::Site;
use crate::routes;

pub fn not_found(site: &Site, ui: &Ui) -> Result<PageParts, PageError> {
    let path = routes::NOT_FOUND;
    let mut context = base_context(
        site,
        ui,
        path,
        "",
        ui.get("page_not_found"),
        ui.get("not_found_description"),
    );
    make_links_absolute(&mut context, site);
    context.insert(
        "latest",
        &site
            .briefings
            .last()
            .map(|b| briefing_link(site, b, &site.config.base_url)),
    );
    Ok(PageParts::new(path.to_string(), "404.html", context))
}
