//! Broken inputs: each must fail the build with exit code 1, print a diagnostic naming the
//! file and line, and leave an existing dist/ exactly as it was. The printed text is pinned
//! by snapshots, because error messages are part of the interface.

mod fixture;

use fixture::{Site, snapshot_dir};

/// Builds once to have a dist/, applies `breakage`, builds again, and returns stderr.
fn failing_build(breakage: impl Fn(&Site)) -> String {
    let site = Site::new();
    assert!(site.run(&["build"]).status.success());
    let before = snapshot_dir(&site.dist());
    breakage(&site);
    let out = site.run(&["build"]);
    assert_eq!(out.status.code(), Some(1), "a content error exits 1");
    assert_eq!(
        before,
        snapshot_dir(&site.dist()),
        "dist/ must be left as it was"
    );
    let leftovers: Vec<_> = std::fs::read_dir(site.root())
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with('.') && n != quarterly::output::CACHE_DIR)
        .collect();
    assert!(
        leftovers.is_empty(),
        "no staging directories left behind: {leftovers:?}"
    );
    let check = site.run(&["check"]);
    assert_eq!(
        check.status.code(),
        Some(1),
        "check fails on the same content"
    );
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn bad_yaml_syntax() {
    let err = failing_build(|s| {
        s.edit(
            "content/data/market.yaml",
            "    growth: 6\n",
            "    growth: [6\n",
        )
    });
    insta::assert_snapshot!(err);
}

#[test]
fn wrong_type_in_a_dataset() {
    let err = failing_build(|s| s.edit("content/data/market.yaml", "spend: 7.7", "spend: 7.7bn"));
    insta::assert_snapshot!(err);
}

#[test]
fn percent_sign_in_a_value() {
    let err = failing_build(|s| s.edit("content/data/market.yaml", "growth: 19", "growth: 19%"));
    insta::assert_snapshot!(err);
}

#[test]
fn duplicate_period() {
    let err = failing_build(|s| {
        s.edit(
            "content/data/market.yaml",
            "period: 2023-Q2",
            "period: 2023-Q1",
        )
    });
    insta::assert_snapshot!(err);
}

#[test]
fn duplicate_key() {
    let err = failing_build(|s| {
        s.edit(
            "content/data/market.yaml",
            "    growth: 6\n",
            "    growth: 6\n    spend: 7.8\n",
        )
    });
    insta::assert_snapshot!(err);
}

#[test]
fn unknown_source_with_suggestion() {
    let err = failing_build(|s| {
        s.edit(
            "content/data/market.yaml",
            "source: canalys-2023-q3",
            "source: canalys-2023q3",
        )
    });
    insta::assert_snapshot!(err);
}

#[test]
fn unparseable_period() {
    let err = failing_build(|s| {
        s.edit(
            "content/data/market.yaml",
            "period: 2023-Q3",
            "period: 2023-Q5",
        )
    });
    insta::assert_snapshot!(err);
}

#[test]
fn shares_over_a_hundred_percent() {
    let err = failing_build(|s| {
        s.edit(
            "content/data/vendor-shares.yaml",
            "tencent-cloud: 16",
            "tencent-cloud: 66",
        )
    });
    insta::assert_snapshot!(err);
}

#[test]
fn chart_naming_a_missing_column_and_dataset() {
    let err = failing_build(|s| {
        s.edit("content/briefings/2023-q3.md", "y: spend", "y: spnd");
        s.edit(
            "content/briefings/2023-q3.md",
            "data: vendor-shares",
            "data: vendor-share",
        );
    });
    insta::assert_snapshot!(err);
}

#[test]
fn figure_with_no_value_for_the_period() {
    let err = failing_build(|s| {
        s.edit(
            "content/briefings/2023-q1.md",
            "{{market.spend@2023-Q1}}",
            "{{market.spend@2023-Q2}}",
        )
    });
    insta::assert_snapshot!(err);
}

#[test]
fn briefing_named_for_another_period() {
    let err = failing_build(|s| {
        s.edit(
            "content/briefings/2023-q1.md",
            "period: 2023-Q1",
            "period: 2023-Q2",
        )
    });
    insta::assert_snapshot!(err);
}

#[test]
fn problems_in_several_files_are_reported_in_one_run() {
    let err = failing_build(|s| {
        s.edit("content/data/market.yaml", "spend: 7.7", "spend: lots");
        s.edit("content/data/vendors.yaml", "\"#0072B2\"", "blue");
        s.edit("content/briefings/2023-q3.md", "kind: bar", "kind: pie");
        s.edit(
            "content/briefings/2023-q3.md",
            "{{cite canalys-2023-q3}}",
            "{{cite nobody}}",
        );
        s.write("content/briefings/2023-q4.md", "No front matter here.\n");
    });
    insta::assert_snapshot!(err);
}

#[test]
fn cross_reference_problems_are_reported_together() {
    let err = failing_build(|s| {
        s.edit(
            "content/briefings/2023-q3.md",
            "{{cite canalys-2023-q3}}",
            "{{cite nobody}}",
        );
        s.edit(
            "content/briefings/2023-q1.md",
            "{{market.spend@2023-Q1}}",
            "{{market.spend@2023-Q1~canalys-2023-q3}}",
        );
        s.edit(
            "content/data/vendor-shares.yaml",
            "vendor: tencent-cloud",
            "vendor: tencent",
        );
        s.edit("content/site.yaml", "target: about", "target: abuot");
    });
    insta::assert_snapshot!(err);
}

#[test]
fn template_errors_point_into_the_template() {
    let err = failing_build(|s| {
        s.write(
            "templates/page.html",
            "{% extends \"base.html\" %}\n{% block content %}\n<h1>{{ titel }}</h1>\n{% endblock content %}\n",
        )
    });
    insta::assert_snapshot!(err);
}

#[test]
fn an_unknown_filter_points_into_the_template() {
    // Tera reports an unknown filter as text rather than as a report with a span.
    let err = failing_build(|s| {
        s.write(
            "templates/page.html",
            "{% extends \"base.html\" %}\n{% block content %}\n<h1>{{ title | shout }}</h1>\n{% endblock content %}\n",
        )
    });
    assert!(
        err.contains("error: template error: Unknown filter `shout`"),
        "{err}"
    );
    assert!(err.contains("--> templates/page.html:3:"), "{err}");
    assert!(err.contains("<h1>{{ title | shout }}</h1>"), "{err}");
}

/// Applies `change`, then checks: warnings alone pass `check`, fail `check --deny-warnings`,
/// and print the same diagnostics either way. Returns what plain `check` printed.
fn warnings_of(change: impl Fn(&Site)) -> String {
    let site = Site::new();
    change(&site);
    let out = site.run(&["check"]);
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.status.code(), Some(0), "warnings alone pass: {stderr}");
    assert!(stderr.contains("warning:"), "{stderr}");
    let denied = site.run(&["check", "--deny-warnings"]);
    assert_eq!(denied.status.code(), Some(1), "--deny-warnings fails");
    stderr
}

#[test]
fn broken_link_is_reported_where_the_markdown_wrote_it() {
    let err = failing_build(|s| {
        s.edit(
            "content/briefings/2023-q1.md",
            "Spend was {{market.spend@2023-Q1}}.",
            "Spend was {{market.spend@2023-Q1}}; see [about](about.html) and [gone](gone.html#x).",
        )
    });
    insta::assert_snapshot!(err);
}

#[test]
fn broken_link_with_escaped_characters_is_reported_where_the_markdown_wrote_it() {
    let err = failing_build(|s| {
        s.edit(
            "content/briefings/2023-q1.md",
            "Spend was {{market.spend@2023-Q1}}.",
            "Spend was {{market.spend@2023-Q1}}; see [q](gone.html?a=1&b=2), [s](<gone page.html>) and [c](关于.html).",
        )
    });
    insta::assert_snapshot!(err);
}

#[test]
fn value_credited_to_a_firm_its_source_does_not_report() {
    let err = failing_build(|s| {
        s.edit(
            "content/data/market.yaml",
            "    firm: Canalys\n    spend: 7.7",
            "    firm: Canalis\n    spend: 7.7",
        )
    });
    insta::assert_snapshot!(err);
}

#[test]
fn value_from_a_page_of_several_firms_names_no_firm() {
    let err = failing_build(|s| {
        s.edit(
            "content/data/market.yaml",
            "    firm: Canalys\n    spend: 7.7",
            "    spend: 7.7",
        )
    });
    insta::assert_snapshot!(err);
}

#[test]
fn quoted_words_the_source_does_not_record() {
    let err = failing_build(|s| {
        s.edit(
            "content/briefings/2023-q3.md",
            "\"kept gaining share\"",
            "\"lost share\"",
        );
        s.edit(
            "content/briefings/2023-q1.md",
            "Spend was {{market.spend@2023-Q1}}.",
            "Spend was {{market.spend@2023-Q1}}, {{quote scmp-2023-q2 (Canalys) \"flat\"}}.",
        );
    });
    insta::assert_snapshot!(err);
}

#[test]
fn unknown_source_kind() {
    let err = failing_build(|s| {
        s.edit(
            "content/data/sources.yaml",
            "kind: repost",
            "kind: reposted",
        )
    });
    insta::assert_snapshot!(err);
}

#[test]
fn number_typed_in_prose() {
    let warnings = warnings_of(|s| {
        s.edit(
            "content/briefings/2023-q1.md",
            "Spend was {{market.spend@2023-Q1}}.",
            "Spend was {{market.spend@2023-Q1}}, up 6 per cent, in a quarter of 2023 ending on 31 March.",
        )
    });
    insta::assert_snapshot!(warnings);
}

#[test]
fn statement_cited_to_a_source_that_records_no_sentence() {
    let warnings = warnings_of(|s| {
        s.edit(
            "content/briefings/2023-q1.md",
            "Spend was {{market.spend@2023-Q1}}.",
            "Spend was {{market.spend@2023-Q1}}. Demand came from AI {{cite blog-2023-q1}}.",
        )
    });
    insta::assert_snapshot!(warnings);
}

#[test]
fn growth_against_a_bound_that_cannot_produce_it() {
    // A value published as "over US$8.0bn" a year after US$7.7bn is at least 3.9% growth, so
    // a stated 2% cannot be right unless the base was restated.
    let warnings = warnings_of(|s| {
        s.edit(
            "content/data/market.yaml",
            "    label: Growth\n    unit: \"%\"\n",
            "    label: Growth\n    unit: \"%\"\n    growth_of: spend\n",
        );
        s.edit(
            "content/data/market.yaml",
            "  - period: 2023-Q2\n    source: scmp-2023-q2\n    firm: Canalys\n    spend: ~\n    growth: 19\n",
            "  - period: 2023-Q2\n    source: scmp-2023-q2\n    firm: Canalys\n    spend: ~\n    growth: 19\n  - period: 2024-Q1\n    source: canalys-2023-q3\n    spend: {value: 8.0, qualifier: over}\n    growth: {value: 2, note: The sources read do not explain the difference.}\n",
        );
    });
    insta::assert_snapshot!(warnings);
}

#[test]
fn calculation_that_cannot_be_computed() {
    let err = failing_build(|s| {
        s.edit(
            "content/briefings/2023-q1.md",
            "Spend was {{market.spend@2023-Q1}}.",
            "Spend was {{market.spend@2023-Q1}}, or {{calc market.spend@2023-Q1 + market.growth@2023-Q1}}.",
        )
    });
    insta::assert_snapshot!(err);
}
