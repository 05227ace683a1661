//! The editor's other commands: `new` on a copy of the shipped site, and `check` with
//! warnings and `--deny-warnings`.

mod fixture;

use std::path::Path;
use std::process::Command;

use fixture::Site;

fn copy_dir(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.unwrap();
        let target = to.join(entry.path().strip_prefix(from).unwrap());
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

fn run(root: &Path, args: &[&str]) -> (Option<i32>, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_quarterly"))
        .args(args)
        .current_dir(root)
        .output()
        .unwrap();
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn new_scaffolds_the_next_quarter_on_the_shipped_site_and_never_overwrites() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    copy_dir(&repo.join("content"), &tmp.path().join("content"));
    copy_dir(&repo.join("templates"), &tmp.path().join("templates"));

    let (code, stdout, stderr) = run(tmp.path(), &["new"]);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(
        stdout.contains("wrote content/briefings/2026-q1.md"),
        "{stdout}"
    );
    assert!(
        stdout.contains("data still missing for 2026-Q1:"),
        "{stdout}"
    );
    assert!(stdout.contains("market: no row for 2026-Q1"), "{stdout}");
    assert!(
        !stdout.contains("alibaba-revenue: no row"),
        "Alibaba's 2026-Q1 revenue is in the data: {stdout}"
    );
    let text = std::fs::read_to_string(tmp.path().join("content/briefings/2026-q1.md")).unwrap();
    assert!(text.contains("period: 2026-Q1") && text.contains("draft: true"));

    // The draft is left out of the build, and builds with --drafts.
    let (code, stdout, stderr) = run(tmp.path(), &["build"]);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(
        !tmp.path().join("dist/briefings/2026-q1.html").exists(),
        "{stdout}"
    );
    let (code, _, stderr) = run(tmp.path(), &["build", "--drafts"]);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(tmp.path().join("dist/briefings/2026-q1.html").exists());

    // Never overwrites.
    std::fs::write(
        tmp.path().join("content/briefings/2026-q1.md"),
        "edited by hand",
    )
    .unwrap();
    let (code, _, stderr) = run(tmp.path(), &["new", "2026-Q1"]);
    assert_eq!(code, Some(1));
    assert!(
        stderr.contains("already exists; it was left as it is"),
        "{stderr}"
    );
    assert_eq!(
        std::fs::read_to_string(tmp.path().join("content/briefings/2026-q1.md")).unwrap(),
        "edited by hand"
    );

    // A named quarter, and a bad one.
    let (code, stdout, _) = run(tmp.path(), &["new", "2027-Q3"]);
    assert_eq!(code, Some(0));
    assert!(stdout.contains("content/briefings/2027-q3.md"));
    let (code, _, stderr) = run(tmp.path(), &["new", "2027-Q5"]);
    assert_eq!(code, Some(2));
    assert!(stderr.contains("quarters run from Q1 to Q4"), "{stderr}");
}

#[test]
fn check_warns_about_growth_that_disagrees_with_its_series_and_can_deny_warnings() {
    let site = Site::new();
    site.edit(
        "content/data/market.yaml",
        "    label: Growth\n    unit: \"%\"\n",
        "    label: Growth\n    unit: \"%\"\n    growth_of: spend\n",
    );
    site.edit(
        "content/data/market.yaml",
        "  - period: 2023-Q1\n",
        "  - period: 2022-Q3\n    source: scmp-2023-q2\n    firm: Canalys\n    spend: 8.8\n  - period: 2023-Q1\n",
    );
    let (code, stdout, stderr) = run(site.root(), &["check"]);
    assert_eq!(code, Some(0), "warnings alone pass: {stderr}");
    assert!(stdout.contains("no errors, 1 warning"), "{stdout}");
    insta::assert_snapshot!(stderr);

    let (code, _, stderr) = run(site.root(), &["check", "--deny-warnings"]);
    assert_eq!(code, Some(1));
    assert!(
        stderr.starts_with("error: stated growth of 18% in 2023-Q3"),
        "{stderr}"
    );
    assert!(stderr.contains("warnings are errors with --deny-warnings"));

    // A note that only says the difference is unexplained does not quiet the warning...
    site.edit(
        "content/data/market.yaml",
        "      value: 18\n",
        "      value: 18\n      note: The sources read do not explain the difference.\n",
    );
    let (code, _, stderr) = run(site.root(), &["check", "--deny-warnings"]);
    assert_eq!(code, Some(1), "an unexplained note still warns");
    assert!(
        stderr.contains("says the difference is unexplained; say why the figures differ"),
        "{stderr}"
    );

    // ...one that says why the figures differ does.
    site.edit(
        "content/data/market.yaml",
        "      note: The sources read do not explain the difference.\n",
        "      note: Canalys restated the Q3 2022 total; the growth is on the restated base.\n",
    );
    let (code, stdout, _) = run(site.root(), &["check", "--deny-warnings"]);
    assert_eq!(code, Some(0));
    assert!(stdout.contains("no problems"));
}

#[test]
fn check_fails_on_a_broken_internal_link() {
    let site = Site::new();
    site.edit(
        "content/pages/about.md",
        "This site is a test.",
        "See [the 2019 briefing](briefings/2019-q1.html).",
    );
    let (code, _, stderr) = run(site.root(), &["check"]);
    assert_eq!(code, Some(1));
    assert!(
        stderr.contains(
            "error: broken link `briefings/2019-q1.html`: briefings/2019-q1.html is not in the site"
        ),
        "{stderr}"
    );
    assert!(
        stderr.contains("--> content/pages/about.md:6:5"),
        "reported where the markdown wrote it: {stderr}"
    );
}
