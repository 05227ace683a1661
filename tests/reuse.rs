//! Builds into a directory built before: they run only the page jobs whose inputs changed
//! and write only the files that changed, and after any sequence of edits the directory is
//! byte for byte what a build made from nothing writes. A build that fails leaves the
//! directory and its record as they were, with the diagnostics a fresh build gives; a link
//! on a page that was not made again still breaks the build when what it leads to goes.
//!
//! The sequences run on a copy of the shipped site. `QUARTERLY_EDIT_CASES` (default 2) and
//! `QUARTERLY_EDIT_STEPS` (default 6) make the property test longer.

mod fixture;

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::Path;

use fixture::edits::{
    EDITS, Edit, briefings, edit_sequences, make, rewrite, setting, shipped_copy,
};
use proptest::prelude::*;
use quarterly::timings::ReuseReport;
use quarterly::{BuildOptions, WARNINGS_SHOWN};

fn options(fresh: bool) -> BuildOptions {
    BuildOptions {
        drafts: false,
        keep_warnings: Some(WARNINGS_SHOWN),
        fresh,
    }
}

/// Builds `root` into `root/dist` as `quarterly build` does: what it reused, or the
/// printed problems.
fn build(root: &Path) -> Result<Option<ReuseReport>, String> {
    quarterly::build(root, &root.join("dist"), options(false))
        .map(|site| site.timings.reuse)
        .map_err(|d| d.sorted().to_string())
}

/// A build of `root` made from nothing, into `root/fresh`: its files, or the problems.
fn fresh(root: &Path) -> Result<BTreeMap<String, Vec<u8>>, String> {
    let out = root.join("fresh");
    if out.exists() {
        fs::remove_dir_all(&out).unwrap();
    }
    quarterly::build(root, &out, options(true))
        .map(|_| files(&out))
        .map_err(|d| d.sorted().to_string())
}

/// Every file under `dir`, by its path relative to it.
fn files(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .map(|e| e.unwrap())
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let path = e.path().strip_prefix(dir).unwrap();
            (
                path.to_string_lossy().replace('\\', "/"),
                fs::read(e.path()).unwrap(),
            )
        })
        .collect()
}

/// Every folder under `dir` (an emptied folder left behind is a difference too).
fn folders(dir: &Path) -> BTreeSet<String> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .map(|e| e.unwrap())
        .filter(|e| e.file_type().is_dir())
        .map(|e| {
            e.path()
                .strip_prefix(dir)
                .unwrap()
                .to_string_lossy()
                .into_owned()
        })
        .collect()
}

/// Asserts that two sites are the same, naming the first files that differ.
fn assert_same(built: &BTreeMap<String, Vec<u8>>, fresh: &BTreeMap<String, Vec<u8>>, step: &str) {
    let differing: Vec<&String> = built
        .keys()
        .chain(fresh.keys())
        .collect::<BTreeSet<_>>()
        .into_iter()
        .filter(|path| built.get(*path) != fresh.get(*path))
        .take(5)
        .collect();
    assert!(
        differing.is_empty(),
        "after {step}, the updated output differs from a fresh build at {differing:?}"
    );
}

/// The record a build of `root` into `root/dist` keeps.
fn record_of(root: &Path) -> std::path::PathBuf {
    quarterly::output::record_file(root, &root.join("dist")).unwrap()
}

/// Runs `edits` on a copy of the shipped site, building after each into the same directory
/// and checking it against a fresh build.
fn run(edits: &[(Edit, usize)]) {
    let site = shipped_copy();
    let root = site.path();
    let dist = root.join("dist");
    build(root).expect("the shipped site builds");
    let mut last_good = files(&dist);
    assert_same(&last_good, &fresh(root).unwrap(), "the first build");
    for (n, &(edit, pick)) in edits.iter().enumerate() {
        make(root, edit, n, pick);
        let step = format!("edit {n} ({edit:?})");
        let record = fs::read(record_of(root)).ok();
        let result = build(root);
        match fresh(root) {
            Ok(made) => {
                result.unwrap_or_else(|d| panic!("{step}: the build failed\n{d}"));
                let built = files(&dist);
                assert_same(&built, &made, &step);
                assert_eq!(folders(&dist), folders(&root.join("fresh")), "{step}");
                last_good = built;
            }
            Err(problems) => {
                let diagnostics = result.err().unwrap_or_else(|| {
                    panic!("{step}: a fresh build fails but the build did not:\n{problems}")
                });
                assert_eq!(diagnostics, problems, "{step}");
                assert_same(&files(&dist), &last_good, &format!("{step}, failed"));
                assert_eq!(
                    fs::read(record_of(root)).ok(),
                    record,
                    "{step}: a failed build keeps the record"
                );
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: setting("QUARTERLY_EDIT_CASES", 2),
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn after_any_edits_the_output_is_a_fresh_build(edits in edit_sequences()) {
        run(&edits);
    }
}

/// Every kind of edit once, in an order that exercises each path (briefings added,
/// renamed and deleted, shared inputs, a broken build and its fix).
#[test]
fn each_kind_of_edit_in_turn_leaves_a_fresh_build() {
    let mut edits: Vec<(Edit, usize)> = EDITS.iter().map(|e| (*e, 3)).collect();
    edits.extend([
        (Edit::Error, 2),
        (Edit::Body, 5),
        (Edit::Error, 2),
        (Edit::Title, 2),
        (Edit::Draft, 1),
        (Edit::Draft, 1),
    ]);
    run(&edits);
}

#[test]
fn a_build_with_nothing_changed_runs_no_job_and_writes_nothing() {
    let site = shipped_copy();
    let root = site.path();
    assert!(
        build(root).unwrap().is_none(),
        "the first build makes everything"
    );
    let record = record_of(root);
    let written = fs::metadata(&record).unwrap().modified().unwrap();
    let before = files(&root.join("dist"));
    let report = build(root)
        .unwrap()
        .expect("the second build updates the first");
    assert_eq!(report.jobs_run, 0, "{report:?}");
    assert!(report.jobs_reused > 60, "{report:?}");
    assert_eq!((report.files_written, report.files_removed), (0, 0));
    assert_eq!(files(&root.join("dist")), before);
    assert_eq!(
        fs::metadata(&record).unwrap().modified().unwrap(),
        written,
        "an unchanged build leaves its record alone"
    );
}

#[test]
fn a_fresh_build_runs_every_job_and_still_writes_only_what_changed() {
    let site = shipped_copy();
    let root = site.path();
    let dist = root.join("dist");
    build(root).unwrap();
    let before = files(&dist);
    let fresh = |root: &Path| {
        quarterly::build(root, &dist, options(true))
            .unwrap()
            .timings
            .reuse
            .unwrap()
    };
    let report = fresh(root);
    assert_eq!(report.jobs_reused, 0, "{report:?}");
    assert!(report.jobs_run > 60, "{report:?}");
    assert_eq!((report.files_written, report.files_removed), (0, 0));
    assert_same(&files(&dist), &before, "a fresh build");
    make(root, Edit::Title, 0, 2);
    let report = fresh(root);
    assert_eq!(report.jobs_reused, 0, "{report:?}");
    assert!(report.files_written > 2, "{report:?}");
    assert_same(&files(&dist), &self::fresh(root).unwrap(), "an edit, fresh");
}

#[test]
fn an_edit_to_one_briefing_runs_its_job_and_those_that_list_briefings() {
    let site = shipped_copy();
    let root = site.path();
    build(root).unwrap();
    make(root, Edit::Body, 0, 3);
    let report = build(root).unwrap().unwrap();
    // Its page, its neighbours, and the pages that list or search every briefing; the other
    // briefings and the pages are kept.
    let total = report.jobs_run + report.jobs_reused;
    assert!(report.jobs_run >= 4, "{report:?}");
    assert!(report.jobs_reused >= 25, "{report:?}");
    assert!(report.jobs_run < total, "{report:?}");
    // The page, and the search index's files where its words are; not every page
    // the jobs made again.
    assert!(report.files_written >= 1, "{report:?}");
    assert!(report.files_written < 20, "{report:?}");
    assert_same(
        &files(&root.join("dist")),
        &fresh(root).unwrap(),
        "one edit",
    );
}

#[test]
fn an_output_file_changed_by_hand_is_made_again() {
    let site = shipped_copy();
    let root = site.path();
    let dist = root.join("dist");
    build(root).unwrap();
    let before = files(&dist);
    let page = dist.join("briefings/2023-q3.html");
    let text = fs::read_to_string(&page).unwrap();
    fs::write(&page, text.replacen("<main", "<main data-edited", 1)).unwrap();
    let chart = before
        .keys()
        .find(|p| p.starts_with("charts/") && p.ends_with(".png"))
        .unwrap();
    fs::write(dist.join(chart), b"not a PNG").unwrap();
    let report = build(root).unwrap().expect("the build updates its output");
    assert!(report.jobs_run >= 2, "{report:?}");
    assert!(report.jobs_reused > 20, "{report:?}");
    assert_eq!(report.files_written, 2, "{report:?}");
    assert_same(&files(&dist), &before, "files changed by hand");
    // An image is a link to the cached one: written through, the cached one is drawn again
    // even by a build that makes everything anew.
    fs::write(dist.join(chart), b"not a PNG either").unwrap();
    quarterly::build(root, &dist, options(true)).unwrap();
    assert_same(
        &files(&dist),
        &before,
        "an image changed, then a fresh build",
    );
}

#[test]
fn a_file_added_or_removed_by_hand_makes_the_build_replace_the_output() {
    let site = shipped_copy();
    let root = site.path();
    let dist = root.join("dist");
    build(root).unwrap();
    let before = files(&dist);
    fs::write(dist.join("charts/stray.html"), "left by hand").unwrap();
    assert!(build(root).unwrap().is_none(), "everything made again");
    assert_same(&files(&dist), &before, "a file added");
    fs::remove_file(dist.join("about.html")).unwrap();
    assert!(build(root).unwrap().is_none(), "everything made again");
    assert_same(&files(&dist), &before, "a file removed");
    assert!(build(root).unwrap().is_some(), "and recorded again");
}

#[test]
fn without_its_output_or_with_a_damaged_record_a_build_makes_everything() {
    let site = shipped_copy();
    let root = site.path();
    let dist = root.join("dist");
    build(root).unwrap();
    let before = files(&dist);
    fs::remove_dir_all(&dist).unwrap();
    assert!(build(root).unwrap().is_none(), "no output: everything made");
    assert_same(&files(&dist), &before, "the output removed");
    let record = record_of(root);
    let mut bytes = fs::read(&record).unwrap();
    bytes.truncate(bytes.len() / 2);
    fs::write(&record, bytes).unwrap();
    make(root, Edit::Body, 0, 1);
    assert!(
        build(root).unwrap().is_none(),
        "a damaged record: everything made"
    );
    assert_same(&files(&dist), &fresh(root).unwrap(), "a damaged record");
    assert!(build(root).unwrap().is_some(), "and recorded again");
}

/// Three briefings after the shipped ones, the first linking to the third (which is not
/// its neighbour, so its page is kept when only the third changes).
fn three_more(root: &Path, link: &str) {
    let files = briefings(root);
    let template = fs::read_to_string(files.last().unwrap()).unwrap();
    let period = template
        .lines()
        .find_map(|l| l.strip_prefix("period: "))
        .unwrap()
        .to_string();
    for year in [2041, 2042, 2043] {
        let mut text = template.replacen(
            &format!("period: {period}"),
            &format!("period: {year}-Q1"),
            1,
        );
        if year == 2041 {
            text.push_str(&format!("\nSee [the briefing two years on]({link}).\n"));
        }
        if year == 2043 {
            text.push_str("\n## A heading to link to\n\nText under it.\n");
        }
        fs::write(root.join(format!("content/briefings/{year}-q1.md")), text).unwrap();
    }
}

#[test]
fn a_kept_page_whose_link_target_goes_fails_the_build_as_a_fresh_build_does() {
    let site = shipped_copy();
    let root = site.path();
    three_more(root, "2043-q1.html");
    build(root).unwrap();
    let before = files(&root.join("dist"));
    fs::remove_file(root.join("content/briefings/2043-q1.md")).unwrap();
    let problems = build(root).unwrap_err();
    assert!(
        problems.contains("content/briefings/2041-q1.md") && problems.contains("2043-q1.html"),
        "{problems}"
    );
    assert_eq!(Err(problems), fresh(root).map(|_| ()));
    assert_same(&files(&root.join("dist")), &before, "a failed build");
}

#[test]
fn a_kept_page_linking_to_an_id_that_goes_fails_the_build_as_a_fresh_build_does() {
    let site = shipped_copy();
    let root = site.path();
    three_more(root, "2043-q1.html#a-heading-to-link-to");
    build(root).unwrap();
    let third = root.join("content/briefings/2043-q1.md");
    rewrite(&third, |t| {
        t.replace("## A heading to link to", "## Another heading")
    });
    let problems = build(root).unwrap_err();
    assert!(
        problems.contains("content/briefings/2041-q1.md")
            && problems.contains("a-heading-to-link-to"),
        "{problems}"
    );
    assert_eq!(Err(problems), fresh(root).map(|_| ()));
    // Put back, the build passes and keeps the first briefing's page.
    rewrite(&third, |t| {
        t.replace("## Another heading", "## A heading to link to")
    });
    let report = build(root).unwrap().unwrap();
    assert!(report.jobs_reused > 20, "{report:?}");
    assert_same(
        &files(&root.join("dist")),
        &fresh(root).unwrap(),
        "put back",
    );
}
