//! The editor's other commands: `new` on a copy of the shipped site and with a site's own
//! archetype, `init` and the site it starts, and `check` with warnings and `--deny-warnings`.

mod fixture;

use std::path::Path;
use std::process::Command;

use fixture::{Site, copy_dir};

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
    assert_eq!(
        text,
        include_str!("expected/new-2026-q1.md"),
        "the shipped archetype writes the briefing `new` always wrote"
    );

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

#[test]
fn new_writes_the_same_briefing_from_the_built_in_archetype() {
    // Only content/: no templates/archetypes/briefing.md, so the built-in archetype is used.
    let tmp = tempfile::tempdir().unwrap();
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    copy_dir(&repo.join("content"), &tmp.path().join("content"));
    let (code, _, stderr) = run(tmp.path(), &["new", "2026-Q1"]);
    assert_eq!(code, Some(0), "{stderr}");
    assert_eq!(
        std::fs::read_to_string(tmp.path().join("content/briefings/2026-q1.md")).unwrap(),
        include_str!("expected/new-2026-q1.md")
    );
}

#[test]
fn a_sites_own_archetype_names_its_own_datasets() {
    let site = Site::new();
    site.write(
        "templates/archetypes/briefing.md",
        r#"---
title: "{{ period.label }} ({{ period.slug }})"
period: {{ period.id }}
summary: After {{ previous.label }} ({{ previous.id }}), against {{ year_before.label }} ({{ year_before.id }}).
draft: true
---
{% for dataset in datasets %}
{{ dataset.id }} ({{ dataset.title }}, {{ dataset.granularity }}):{% for column in dataset.columns %} {{ column.id }}/{{ column.label }}/{{ column.unit }}/{% if column.vendor %}{{ column.vendor }}{% else %}-{% endif %}={{ column.reference }}{% endfor %}
{%- endfor %}

```chart
kind: line
title: Spend
data: market
y: spend
from: {{ from.id }}
to: {{ period.id }}
```

Vendors: {% for vendor in vendors %}{{ vendor.name }}{% if not loop.last %}, {% endif %}{% endfor %}.
"#,
    );
    let (code, stdout, stderr) = run(site.root(), &["new"]);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(
        stdout.contains("wrote content/briefings/2023-q4.md"),
        "{stdout}"
    );
    assert_eq!(
        site.read("content/briefings/2023-q4.md"),
        r#"---
title: "Q4 2023 (2023-q4)"
period: 2023-Q4
summary: After Q3 2023 (2023-Q3), against Q4 2022 (2022-Q4).
draft: true
---

market (Spend, quarter): spend/Spend/USD bn/-={{market.spend@2023-Q4}} growth/Growth/%/-={{market.growth@2023-Q4}}
vendor-shares (Shares, quarter): alibaba-cloud/Alibaba Cloud/%/alibaba-cloud={{vendor-shares.alibaba-cloud@2023-Q4}} tencent-cloud/Tencent Cloud/%/tencent-cloud={{vendor-shares.tencent-cloud@2023-Q4}}

```chart
kind: line
title: Spend
data: market
y: spend
from: 2021-Q4
to: 2023-Q4
```

Vendors: Alibaba Cloud, Tencent Cloud.
"#
    );
}

#[test]
fn an_archetype_that_cannot_make_a_briefing_is_a_diagnostic_and_writes_nothing() {
    let site = Site::new();
    site.write(
        "templates/archetypes/briefing.md",
        "---\ntitle: \"{{ period.lable }}\"\nperiod: {{ period.id }}\nsummary: S.\n---\n",
    );
    let out = site.run(&["new", "2026-Q1"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("--> templates/archetypes/briefing.md:2:"),
        "{stderr}"
    );
    assert!(stderr.contains("no briefing was written"), "{stderr}");
    assert!(!site.root().join("content/briefings/2026-q1.md").exists());

    // It renders, but what it renders is not a briefing.
    site.write(
        "templates/archetypes/briefing.md",
        "---\ntitle: \"{{ period.label }}\"\nperiod: {{ period.id }}\nsummary: [unclosed\n---\n",
    );
    let out = site.run(&["new", "2026-Q1"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("--> content/briefings/2026-q1.md:4:"),
        "{stderr}"
    );
    assert!(
        stderr.contains("summary: [unclosed"),
        "the snippet shows the rendered line"
    );
    assert!(!site.root().join("content/briefings/2026-q1.md").exists());
}

#[test]
fn init_starts_a_site_that_builds_passes_check_and_takes_a_new_quarter() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("my-quarterly");
    let dir_arg = dir.to_str().unwrap();

    let (code, stdout, stderr) = run(tmp.path(), &["init", dir_arg]);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(stdout.contains("wrote a new site of"), "{stdout}");
    for path in [
        "content/site.yaml",
        "content/data/sources.yaml",
        "content/data/vendors.yaml",
        "content/pages/about.md",
        "templates/base.html",
        "templates/static/style.css",
        "templates/static/favicon.svg",
        "templates/archetypes/briefing.md",
    ] {
        assert!(dir.join(path).is_file(), "{path}");
    }
    let (code, _, stderr) = run(tmp.path(), &["build", "--root", dir_arg]);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(dir.join("dist/index.html").exists());
    assert!(dir.join("dist/about.html").exists());
    let (code, stdout, stderr) = run(tmp.path(), &["check", "--root", dir_arg, "--deny-warnings"]);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(stdout.contains("no problems"), "{stdout}");
    assert!(stderr.is_empty(), "{stderr}");

    // The example briefing shows a chart and its figures come from the data.
    let briefing = std::fs::read_to_string(dir.join("dist/briefings/2025-q4.html")).unwrap();
    assert!(briefing.contains("<svg"), "a chart");
    assert!(briefing.contains(">US$13.4bn</span>"), "a figure reference");

    // A second init changes nothing.
    let before = fixture::snapshot_dir(&dir.join("content"));
    let (code, _, stderr) = run(tmp.path(), &["init", dir_arg]);
    assert_eq!(code, Some(2), "{stderr}");
    assert!(stderr.contains("already has a `content/`"), "{stderr}");
    assert_eq!(fixture::snapshot_dir(&dir.join("content")), before);

    // `new` starts the next quarter from the site's archetype, as a draft that checks.
    let (code, stdout, stderr) = run(tmp.path(), &["new", "--root", dir_arg]);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(
        stdout.contains("wrote content/briefings/2026-q1.md"),
        "{stdout}"
    );
    let draft = std::fs::read_to_string(dir.join("content/briefings/2026-q1.md")).unwrap();
    assert!(
        draft.contains(
            "period: 2026-Q1
"
        ),
        "{draft}"
    );
    assert!(draft.contains("{{market.spend@2026-Q1}}"), "{draft}");
    assert!(
        draft.contains(
            "from: 2024-Q1
to: 2026-Q1"
        ),
        "{draft}"
    );
    let (code, _, stderr) = run(
        tmp.path(),
        &["check", "--root", dir_arg, "--drafts", "--deny-warnings"],
    );
    assert_eq!(code, Some(0), "{stderr}");
}

#[test]
fn init_refuses_a_directory_with_templates_and_defaults_to_the_current_one() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::create_dir(tmp.path().join("templates")).unwrap();
    let (code, _, stderr) = run(tmp.path(), &["init"]);
    assert_eq!(code, Some(2), "{stderr}");
    assert!(stderr.contains("already has a `templates/`"), "{stderr}");
    assert!(!tmp.path().join("content").exists());

    let empty = tempfile::tempdir().unwrap();
    let (code, _, stderr) = run(empty.path(), &["init"]);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(empty.path().join("content/site.yaml").is_file());
}
