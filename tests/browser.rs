//! The shipped site in a real HTML validator and a real browser: the W3C Nu HTML Checker
//! reports no errors on any page, and axe-core in headless Chromium reports no violations on
//! each kind of page in light and dark mode, and no page scrolls sideways at 360 px.
//!
//! These need Chromium, Java, Node.js and the npm packages in tests/browser; `.ci/run` installs
//! them. Without them the build script marks the tests ignored, so `cargo test` reports them as
//! ignored with what to install; under `CI=true` they run, and fail on what is missing.

use std::path::{Path, PathBuf};
use std::process::Command;

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn chromium() -> PathBuf {
    std::env::var_os("CHROMIUM").map_or_else(|| PathBuf::from("/usr/bin/chromium"), PathBuf::from)
}

fn works(program: &str, arg: &str) -> bool {
    Command::new(program)
        .arg(arg)
        .output()
        .is_ok_and(|o| o.status.success())
}

/// Whether the tools are here; when they are not, says which are missing and how to get them,
/// and fails under `CI=true`. (Outside CI the build script has marked the tests ignored when
/// a tool was missing at build time; this covers one that went since.)
fn tools_present(test: &str) -> bool {
    let modules = repo().join("tests/browser/node_modules");
    let mut missing = Vec::new();
    if !works("node", "--version") {
        missing.push("Node.js (apt-get install nodejs)");
    }
    if !modules.join("playwright-core").exists()
        || !modules.join("axe-core").exists()
        || !modules.join("vnu-jar").exists()
    {
        missing.push("the npm packages (npm ci --prefix tests/browser --ignore-scripts)");
    }
    if !chromium().exists() {
        missing.push("Chromium (apt-get install chromium)");
    }
    if !works("java", "-version") {
        missing.push("Java (apt-get install default-jre-headless)");
    }
    if missing.is_empty() {
        return true;
    }
    let message = format!("{test} needs {}; .ci/run installs them", missing.join(", "));
    assert!(std::env::var("CI").as_deref() != Ok("true"), "{message}");
    eprintln!("skipped: {message}");
    false
}

fn built_site() -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let dist = tmp.path().join("dist");
    quarterly::build(repo(), &dist, Default::default()).unwrap_or_else(|d| panic!("{d}"));
    (tmp, dist)
}

#[test]
#[cfg_attr(
    quarterly_missing_browser_tools,
    ignore = "needs Chromium, Java and the npm packages: sudo apt-get install chromium default-jre-headless nodejs npm && npm ci --prefix tests/browser --ignore-scripts"
)]
fn the_nu_html_checker_reports_no_errors_on_any_page() {
    if !tools_present("the HTML validator test") {
        return;
    }
    let (_tmp, dist) = built_site();
    let jar = repo().join("tests/browser/node_modules/vnu-jar/build/dist/vnu.jar");
    let out = Command::new("java")
        .arg("-jar")
        .arg(&jar)
        .args(["--errors-only", "--format", "json", "--skip-non-html"])
        .arg(&dist)
        .output()
        .expect("run vnu.jar");
    // vnu writes its JSON report to stderr.
    let report: serde_json::Value = serde_json::from_slice(&out.stderr).unwrap_or_else(|e| {
        panic!(
            "vnu printed no JSON ({e}): {}",
            String::from_utf8_lossy(&out.stderr)
        )
    });
    let errors: Vec<String> = report["messages"]
        .as_array()
        .map(|m| {
            m.iter()
                .filter(|m| m["type"] == "error")
                .map(|m| format!("{}: {}", m["url"], m["message"]))
                .collect()
        })
        .unwrap_or_default();
    assert!(
        errors.is_empty(),
        "{} errors:\n{}",
        errors.len(),
        errors.join("\n")
    );
    let pages = walkdir::WalkDir::new(&dist)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.path().extension().and_then(|x| x.to_str()) == Some("html"))
        .count();
    assert!(pages > 40, "{pages} pages checked");
}

#[test]
#[cfg_attr(
    quarterly_missing_browser_tools,
    ignore = "needs Chromium, Java and the npm packages: sudo apt-get install chromium default-jre-headless nodejs npm && npm ci --prefix tests/browser --ignore-scripts"
)]
fn axe_finds_no_violations_in_light_or_dark_and_nothing_scrolls_sideways_at_360px() {
    if !tools_present("the browser test") {
        return;
    }
    let (_tmp, dist) = built_site();
    let pages = [
        "index.html",
        "briefings/2023-q3.html",
        "briefings/2019-q4.html",
        "vendors/alibaba-cloud.html",
        "vendors.html",
        "data.html",
        "about.html",
        "methodology.html",
        "charts.html",
        "search.html",
        "404.html",
    ];
    let out = Command::new("node")
        .arg(repo().join("tests/browser/check.mjs"))
        .arg(&dist)
        .args(pages)
        .env("CHROMIUM", chromium())
        .output()
        .expect("run node");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("a JSON report");
    assert_eq!(
        report["checked"],
        pages.len() * 2,
        "each page in light and dark"
    );
    let violations = report["violations"].as_array().cloned().unwrap_or_default();
    assert!(
        violations.is_empty(),
        "axe violations:\n{}",
        serde_json::to_string_pretty(&violations).unwrap_or_default()
    );
    let overflow = report["overflow"].as_array().cloned().unwrap_or_default();
    assert!(overflow.is_empty(), "pages wider than 360 px: {overflow:?}");
    assert!(
        report["widths"].as_u64().unwrap_or(0) > 40,
        "every page measured at 360 px"
    );
}
