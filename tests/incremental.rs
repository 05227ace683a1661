//! The preview server's updates: after any sequence of edits, the site `serve` holds is
//! byte for byte what a fresh build of the same content makes, and a save that breaks the
//! build leaves the last good site with a full build's diagnostics. Also which files each
//! kind of edit renders again.
//!
//! The sequences run on a copy of the shipped site. `QUARTERLY_EDIT_CASES` (default 3) and
//! `QUARTERLY_EDIT_STEPS` (default 6) make the property test longer.

mod fixture;

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use fixture::edits::{
    EDITS, Edit, briefings, edit_sequences, make, rewrite, setting, shipped_copy,
    shipped_copy_in_one_language,
};
use proptest::prelude::*;
use quarterly::incremental::{Session, Update};
use quarterly::{BuildOptions, WARNINGS_SHOWN};

/// A fresh build of `root` as the preview builds it: every file, or the printed problems.
fn fresh(root: &Path) -> Result<BTreeMap<String, Vec<u8>>, String> {
    let options = BuildOptions {
        drafts: true,
        keep_warnings: Some(WARNINGS_SHOWN),
        fresh: false,
    };
    quarterly::render_in_memory(root, options)
        .map(|site| {
            let images = site
                .images
                .iter()
                .map(|i| (i.path.clone(), image_source(i)));
            site.files
                .into_iter()
                .map(|f| (f.path, f.bytes))
                .chain(images)
                .collect()
        })
        .map_err(|d| d.sorted().to_string())
}

/// An image not drawn yet, as what it is drawn from: its scale and its SVG.
fn image_source(image: &quarterly::model::ImageFile) -> Vec<u8> {
    format!("{}\n{}", image.scale, image.svg).into_bytes()
}

fn held(session: &Session) -> BTreeMap<String, Vec<u8>> {
    let images = session
        .images()
        .iter()
        .map(|(path, image)| (path.clone(), image_source(image)));
    session
        .files()
        .iter()
        .map(|(path, bytes)| (path.clone(), bytes.to_vec()))
        .chain(images)
        .collect()
}

/// Asserts that two sites are the same, naming the first files that differ.
fn assert_same(served: &BTreeMap<String, Vec<u8>>, built: &BTreeMap<String, Vec<u8>>, step: &str) {
    let differing: Vec<&String> = served
        .keys()
        .chain(built.keys())
        .collect::<BTreeSet<_>>()
        .into_iter()
        .filter(|path| served.get(*path) != built.get(*path))
        .take(5)
        .collect();
    assert!(
        differing.is_empty(),
        "after {step}, the served site differs from a fresh build at {differing:?}"
    );
}

/// Runs `edits` on a copy of the shipped site, checking the invariant after each.
fn run(edits: &[(Edit, usize)]) {
    let site = shipped_copy();
    let root = site.path();
    let mut session = Session::build(root).expect("the shipped site builds");
    let mut last_good = fresh(root).expect("the shipped site builds");
    assert_same(&held(&session), &last_good, "the first build");
    for (n, &(edit, pick)) in edits.iter().enumerate() {
        let touched = make(root, edit, n, pick);
        let step = format!("edit {n} ({edit:?})");
        let result = session.update(&touched);
        match fresh(root) {
            Ok(built) => {
                let update = result.unwrap_or_else(|d| panic!("{step}: the update failed\n{d}"));
                assert_same(&held(&session), &built, &step);
                assert!(
                    update.rendered.iter().all(|p| built.contains_key(p)),
                    "{step}"
                );
                last_good = built;
            }
            Err(problems) => {
                let diagnostics = result.err().unwrap_or_else(|| {
                    panic!("{step}: a fresh build fails but the update did not:\n{problems}")
                });
                assert_eq!(diagnostics.sorted().to_string(), problems, "{step}");
                assert_same(&held(&session), &last_good, &format!("{step}, failed"));
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: setting("QUARTERLY_EDIT_CASES", 3),
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn after_any_edits_the_served_site_is_a_fresh_build(edits in edit_sequences()) {
        run(&edits);
    }
}

/// Every kind of edit once, in an order that exercises each path (quick updates, full
/// builds, a broken build and its fix), against fresh builds.
#[test]
fn each_kind_of_edit_in_turn_keeps_the_served_site_a_fresh_build() {
    let edits: Vec<(Edit, usize)> = EDITS.iter().enumerate().map(|(i, e)| (*e, i * 3)).collect();
    run(&edits);
    // And a broken save fixed by the next one.
    run(&[
        (Edit::Error, 2),
        (Edit::Body, 5),
        (Edit::Error, 2),
        (Edit::Title, 2),
    ]);
}

/// Makes `edit` on a fresh copy of the shipped site and returns what the update rendered.
fn update_after(edit: Edit, pick: usize) -> (Update, tempfile::TempDir) {
    let site = shipped_copy_in_one_language();
    let mut session = Session::build(site.path()).unwrap();
    let touched = make(site.path(), edit, 0, pick);
    let update = session.update(&touched).unwrap();
    assert_same(
        &held(&session),
        &fresh(site.path()).unwrap(),
        &format!("{edit:?}"),
    );
    (update, site)
}

/// The pages rendered again, but for the charts' own pages and embed pages (which come with
/// the page their charts are on: see `made_with`).
fn pages(update: &Update) -> Vec<&str> {
    update
        .rendered
        .iter()
        .filter(|p| p.ends_with(".html") && !p.starts_with("charts/") && !p.starts_with("embed/"))
        .map(String::as_str)
        .collect()
}

/// Whether `path` is a file the briefing or page named `document` makes with its own page:
/// its charts' pages, embed pages, files and images, and its card.
fn made_with(document: &str, path: &str) -> bool {
    let chart = |folder: &str| path.starts_with(&format!("{folder}{document}-"));
    chart("charts/")
        || chart("embed/")
        || chart("cards/charts/")
        || path.starts_with(&format!("cards/briefings/{document}."))
}

#[test]
fn an_edit_to_a_briefings_text_renders_its_page_and_what_indexes_its_words() {
    // The oldest briefing: in no list of latest briefings, not in the feed.
    let (update, _site) = update_after(Edit::Body, 0);
    assert!(!update.full);
    assert_eq!(pages(&update), ["briefings/2019-q1.html"]);
    let others: Vec<&String> = update
        .rendered
        .iter()
        .filter(|p| {
            !p.starts_with("briefings/2019-q1")
                && !made_with("2019-q1", p)
                && !p.starts_with("search/t-")
        })
        .collect();
    assert!(others.is_empty(), "{others:?}");
    assert!(
        update.rendered.iter().any(|p| p.starts_with("search/t-")),
        "the new words are indexed"
    );
    assert!(update.removed.is_empty());
}

#[test]
fn an_edit_to_a_briefings_title_renders_the_pages_that_list_it() {
    let (update, _site) = update_after(Edit::Title, 0);
    assert!(!update.full);
    let pages = pages(&update);
    for page in [
        "briefings/2019-q1.html",
        "briefings/2019-q2.html",
        "index.html",
        "archive/2019.html",
        "vendors/alibaba-cloud.html",
    ] {
        assert!(pages.contains(&page), "{page} not in {pages:?}");
    }
    assert!(!pages.contains(&"briefings/2020-q1.html"), "{pages:?}");
    assert!(
        update.rendered.contains("search/d-0.js"),
        "its block of results"
    );
}

#[test]
fn an_edit_to_one_of_the_latest_briefings_renders_the_feed() {
    let last = briefings(Path::new(env!("CARGO_MANIFEST_DIR"))).len() - 1;
    let (update, _site) = update_after(Edit::Body, last);
    assert!(!update.full);
    assert!(
        update.rendered.contains("feed.xml"),
        "{:?}",
        update.rendered
    );
}

#[test]
fn a_save_to_a_site_in_two_languages_is_a_full_build_equal_to_a_fresh_one() {
    let site = shipped_copy();
    let root = site.path();
    let mut session = Session::build(root).unwrap();
    for (n, edit) in [Edit::Body, Edit::Translation, Edit::Translation]
        .into_iter()
        .enumerate()
    {
        let update = session.update(&make(root, edit, n, 3)).unwrap();
        assert!(update.full, "{edit:?}");
        assert_same(&held(&session), &fresh(root).unwrap(), &format!("{edit:?}"));
    }
    assert!(session.files().contains_key("zh/briefings/2019-q4.html"));
}

#[test]
fn an_edit_to_the_sources_is_a_full_build() {
    let (update, _site) = update_after(Edit::Source, 4);
    assert!(update.full);
}

#[test]
fn a_dataset_created_or_deleted_is_a_full_build() {
    let site = shipped_copy_in_one_language();
    let root = site.path();
    let mut session = Session::build(root).unwrap();
    let update = session.update(&make(root, Edit::DatasetAdd, 0, 0)).unwrap();
    assert!(update.full && update.rendered.contains("data/extra-0.html"));
    assert_same(&held(&session), &fresh(root).unwrap(), "a new dataset");
    let update = session
        .update(&make(root, Edit::DatasetDelete, 1, 0))
        .unwrap();
    assert!(update.full && update.removed.contains("data/extra-0.html"));
    assert_same(
        &held(&session),
        &fresh(root).unwrap(),
        "the dataset deleted",
    );
}

#[test]
fn a_temporary_file_that_is_gone_changes_nothing() {
    let site = shipped_copy_in_one_language();
    let mut session = Session::build(site.path()).unwrap();
    let gone = site.path().join("content/briefings/.2019-q1.md.swp");
    let update = session.update(&BTreeSet::from([gone])).unwrap();
    assert_eq!(update, Update::default());
}

#[test]
fn an_edit_to_a_summary_or_the_vendors_discussed_renders_the_pages_that_list_it() {
    for edit in [Edit::Summary, Edit::VendorMention] {
        let (update, _site) = update_after(edit, 0);
        assert!(!update.full, "{edit:?}");
        let pages = pages(&update);
        for page in ["briefings/2019-q1.html", "index.html", "archive/2019.html"] {
            assert!(pages.contains(&page), "{edit:?}: {page} not in {pages:?}");
        }
        assert!(
            !pages.contains(&"vendors.html"),
            "the vendor index lists no briefings"
        );
        if let Edit::VendorMention = edit {
            assert!(pages.contains(&"vendors/volcano-engine.html"), "{pages:?}");
        }
    }
}

#[test]
fn an_edit_to_a_dataset_renders_the_pages_that_show_it() {
    let (update, site) = update_after(Edit::Figure, 0);
    assert!(!update.full);
    let pages = pages(&update);
    for page in [
        "data/market.html",
        "data.html",
        "index.html",
        "briefings/2023-q3.html",
    ] {
        assert!(pages.contains(&page), "{page} not in {pages:?}");
    }
    assert!(update.rendered.contains("data/market.csv"), "its download");
    // `market` holds a headline figure, so every briefing's key figures show it.
    let briefings = briefings(site.path()).len();
    assert_eq!(
        pages.iter().filter(|p| p.starts_with("briefings/")).count(),
        briefings
    );
    assert!(
        !pages.contains(&"archive.html") && !pages.contains(&"search.html"),
        "{pages:?}"
    );
    assert!(
        !pages.iter().any(|p| p.starts_with("vendors/")),
        "market charts no vendor"
    );

    // A vendor's share: its vendor page charts it.
    let site = shipped_copy_in_one_language();
    let root = site.path();
    let mut session = Session::build(root).unwrap();
    let update = session.update(&make(root, Edit::Figure, 1, 0)).unwrap();
    assert!(!update.full);
    assert!(update.rendered.contains("vendors/alibaba-cloud.html"));
    assert_same(&held(&session), &fresh(root).unwrap(), "a vendor's share");
}

#[test]
fn an_edit_to_a_page_renders_that_page_alone() {
    let (update, _site) = update_after(Edit::Page, 0);
    assert!(!update.full);
    assert_eq!(pages(&update), ["about.html"]);
}

#[test]
fn a_new_draft_state_renders_the_briefing_alone() {
    let (update, _site) = update_after(Edit::Draft, 0);
    assert!(!update.full);
    assert_eq!(pages(&update), ["briefings/2019-q1.html"]);
}

#[test]
fn an_edit_to_a_chart_block_renders_the_briefing_and_its_downloads_alone() {
    let (update, _site) = update_after(Edit::ChartBlock, 0);
    assert!(!update.full);
    assert_eq!(pages(&update), ["briefings/2019-q1.html"]);
    let made: Vec<&String> = update
        .rendered
        .iter()
        .filter(|p| made_with("2019-q1", p))
        .collect();
    for extension in [".html", ".csv", ".svg", ".png"] {
        assert!(
            made.iter()
                .any(|p| p.starts_with("charts/") && p.ends_with(extension)),
            "the charts' {extension} files: {made:?}"
        );
    }
    assert!(made.iter().any(|p| p.starts_with("embed/")), "{made:?}");
    assert!(
        made.contains(&&"cards/briefings/2019-q1.png".to_string()),
        "{made:?}"
    );
}

#[test]
fn the_next_quarter_added_and_deleted_renders_what_lists_the_latest_briefings() {
    let site = shipped_copy_in_one_language();
    let root = site.path();
    let mut session = Session::build(root).unwrap();
    let touched = make(root, Edit::Add, 0, 3);
    let update = session.update(&touched).unwrap();
    assert!(!update.full);
    let pages = pages(&update);
    for page in [
        "briefings/2040-q1.html",
        "index.html",
        "archive.html",
        "archive/2040.html",
    ] {
        assert!(pages.contains(&page), "{page} not in {pages:?}");
    }
    assert!(update.rendered.contains("feed.xml") && update.rendered.contains("sitemap.xml"));
    assert!(!pages.contains(&"briefings/2019-q1.html"), "{pages:?}");
    assert_same(&held(&session), &fresh(root).unwrap(), "the new quarter");

    let touched = make(root, Edit::Delete, 1, 0);
    let update = session.update(&touched).unwrap();
    assert!(!update.full);
    for gone in ["briefings/2040-q1.html", "archive/2040.html"] {
        assert!(
            update.removed.contains(gone),
            "{gone} not in {:?}",
            update.removed
        );
    }
    assert_same(&held(&session), &fresh(root).unwrap(), "the deletion");
}

#[test]
fn a_briefing_renamed_for_a_new_period_moves_without_a_full_build() {
    let (update, _site) = update_after(Edit::Rename, 4);
    assert!(!update.full);
    assert!(
        update.removed.contains("briefings/2020-q1.html"),
        "{:?}",
        update.removed
    );
    let pages = pages(&update);
    for page in [
        "briefings/2060-q2.html",
        "briefings/2019-q4.html",
        "briefings/2020-q2.html",
    ] {
        assert!(pages.contains(&page), "{page} not in {pages:?}");
    }
    assert!(update.rendered.contains("sitemap.xml"));
}

#[test]
fn a_briefing_added_before_the_others_moves_them_over_without_a_full_build() {
    let site = shipped_copy_in_one_language();
    let root = site.path();
    let mut session = Session::build(root).unwrap();
    let from = root.join("content/briefings/2019-q1.md");
    let to = root.join("content/briefings/2018-q4.md");
    let text = std::fs::read_to_string(&from).unwrap();
    std::fs::write(&to, text.replacen("period: 2019-Q1", "period: 2018-Q4", 1)).unwrap();
    let update = session.update(&BTreeSet::from([to])).unwrap();
    assert!(!update.full);
    assert!(update.rendered.contains("briefings/2018-q4.html"));
    assert!(
        update.rendered.contains("search/d-0.js"),
        "the blocks of results move over"
    );
    assert_same(&held(&session), &fresh(root).unwrap(), "2018-Q4");
}

#[test]
fn a_broken_save_keeps_the_last_good_site_and_the_next_good_one_recovers() {
    let site = shipped_copy_in_one_language();
    let root = site.path();
    let mut session = Session::build(root).unwrap();
    let good = held(&session);
    let touched = make(root, Edit::Error, 0, 5);
    let problems = session.update(&touched).unwrap_err();
    assert!(problems.has_errors());
    assert_eq!(held(&session), good, "the last good site stays");
    // An unrelated quick edit elsewhere does not hide the error still on disk.
    let elsewhere = make(root, Edit::Body, 1, 9);
    assert!(session.update(&elsewhere).is_err());
    let fixed = make(root, Edit::Error, 2, 5);
    let update = session.update(&fixed).unwrap();
    assert_same(
        &held(&session),
        &fresh(root).unwrap(),
        &format!("the fix ({})", update.full),
    );
}

#[test]
fn a_save_by_writing_a_temporary_file_and_renaming_it_is_a_quick_update() {
    let site = shipped_copy_in_one_language();
    let root = site.path();
    let mut session = Session::build(root).unwrap();
    let target = root.join("content/briefings/2019-q1.md");
    let temporary = root.join("content/briefings/.2019-q1.md.tmp");
    let text = std::fs::read_to_string(&target).unwrap();
    std::fs::write(&temporary, format!("{text}\nSaved through a rename.\n")).unwrap();
    std::fs::rename(&temporary, &target).unwrap();
    let update = session
        .update(&BTreeSet::from([temporary, target]))
        .unwrap();
    assert!(!update.full);
    assert_same(&held(&session), &fresh(root).unwrap(), "the rename");
}

#[test]
fn an_edit_to_a_template_renders_the_pages_made_with_it() {
    let (update, site) = update_after(Edit::Template, 0);
    assert!(!update.full);
    let pages = pages(&update);
    let briefings = briefings(site.path()).len();
    assert_eq!(pages.len(), briefings, "{pages:?}");
    assert!(
        pages.iter().all(|p| p.starts_with("briefings/")),
        "{pages:?}"
    );

    // A template others include: every page made with one of those, and the feed.
    let site = shipped_copy_in_one_language();
    let root = site.path();
    let mut session = Session::build(root).unwrap();
    let sources = root.join("templates/sources.html");
    rewrite(&sources, |t| format!("{t}{{# edited #}}\n"));
    let update = session.update(&BTreeSet::from([sources])).unwrap();
    assert!(!update.full);
    assert!(update.rendered.contains("feed.xml") && update.rendered.contains("index.html"));
    assert!(
        !update.rendered.contains("search.html"),
        "search.html includes no sources"
    );
    assert_same(&held(&session), &fresh(root).unwrap(), "sources.html");

    // The template every page extends: a full build.
    let base = root.join("templates/base.html");
    rewrite(&base, |t| {
        t.replacen("</body>", "<!-- edited --></body>", 1)
    });
    assert!(session.update(&BTreeSet::from([base])).unwrap().full);
    assert_same(&held(&session), &fresh(root).unwrap(), "base.html");
}

#[test]
fn an_edit_to_the_ui_strings_is_a_full_build() {
    let site = shipped_copy_in_one_language();
    let root = site.path();
    let mut session = Session::build(root).unwrap();
    let own = root.join("templates/i18n/en-GB.yaml");
    std::fs::create_dir_all(own.parent().unwrap()).unwrap();
    std::fs::write(&own, "key_figures: \"The numbers\"\n").unwrap();
    assert!(session.update(&BTreeSet::from([own.clone()])).unwrap().full);
    assert_same(&held(&session), &fresh(root).unwrap(), "a catalogue added");
    rewrite(&own, |t| t.replace("The numbers", "Numbers"));
    assert!(session.update(&BTreeSet::from([own])).unwrap().full);
    let served = held(&session);
    assert_same(&served, &fresh(root).unwrap(), "a catalogue edited");
    let page = String::from_utf8_lossy(&served["briefings/2023-q3.html"]).into_owned();
    assert!(
        page.contains(">Numbers</h2>"),
        "the site's own string is used"
    );
}

#[test]
fn an_edit_to_the_templates_of_charts_pages_renders_every_charts_pages() {
    let site = shipped_copy_in_one_language();
    let root = site.path();
    let mut session = Session::build(root).unwrap();
    for (template, from, to) in [
        (
            "chart.html",
            "<h2>{{ ui.what_it_shows }}</h2>",
            "<h2>What this chart shows</h2>",
        ),
        ("embed.html", "<main>", "<main class=\"edited\">"),
    ] {
        let path = root.join("templates").join(template);
        rewrite(&path, |t| t.replacen(from, to, 1));
        let update = session.update(&BTreeSet::from([path])).unwrap();
        assert!(!update.full, "{template}");
        let folder = if template == "chart.html" {
            "charts/"
        } else {
            "embed/"
        };
        assert!(
            update
                .rendered
                .iter()
                .any(|p| p.starts_with(folder) && p.ends_with(".html")),
            "{template}: {:?}",
            update.rendered
        );
        assert_same(&held(&session), &fresh(root).unwrap(), template);
    }
}
