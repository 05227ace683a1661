//! The shipped site in a real HTML validator and a real browser: the W3C Nu HTML Checker
//! reports no errors on any page, and axe-core in headless Chromium reports no violations on
//! each kind of page in light and dark mode, no page scrolls sideways at 360 px, and search
//! works from disk, loading its index only when the reader searches.
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
        "charts/2023-q3-quarterly-spend-on-cloud-infrastructure-services.html",
        "embed/2023-q3-quarterly-spend-on-cloud-infrastructure-services.html",
        "embed/charts-shares-of-spend-quarter-by-quarter.html",
        "embed/charts-shares-of-the-leading-providers-in-q3-2023.html",
        // The Chinese edition's pages of every kind.
        "zh/index.html",
        "zh/briefings/2023-q3.html",
        "zh/briefings/2019-q4.html",
        "zh/vendors/alibaba-cloud.html",
        "zh/vendors.html",
        "zh/data.html",
        "zh/data/market.html",
        "zh/archive.html",
        "zh/about.html",
        "zh/methodology.html",
        "zh/charts.html",
        "zh/search.html",
        "zh/404.html",
        "zh/charts/2023-q3-quarterly-spend-on-cloud-infrastructure-services.html",
        "zh/embed/2023-q3-quarterly-spend-on-cloud-infrastructure-services.html",
    ];
    // The embed pages of one briefing and of every kind in the gallery, each in a 320 px
    // iframe; the standalone SVGs of one briefing's charts against its page.
    let frames: Vec<String> = std::fs::read_dir(dist.join("embed"))
        .expect("embed/")
        .filter_map(|e| e.ok())
        .map(|e| format!("embed/{}", e.file_name().to_string_lossy()))
        .filter(|p| p.starts_with("embed/2023-q3-") || p.starts_with("embed/charts-"))
        .collect();
    let briefing = std::fs::read_to_string(dist.join("briefings/2023-q3.html")).unwrap();
    let svgs: Vec<serde_json::Value> = briefing
        .split("class=\"chart-permalink\"><a href=\"../")
        .skip(1)
        .enumerate()
        .map(|(index, rest)| {
            let page = &rest[..rest.find('"').unwrap()];
            serde_json::json!({
                "svg": page.replace(".html", ".svg"),
                "page": "briefings/2023-q3.html",
                "index": index,
            })
        })
        .collect();
    assert!(svgs.len() >= 2 && frames.len() >= 8, "{svgs:?} {frames:?}");
    let travel = serde_json::json!({ "frames": frames, "svgs": svgs });
    let out = Command::new("node")
        .arg(repo().join("tests/browser/check.mjs"))
        .arg(&dist)
        .args(pages)
        .env("TRAVEL", travel.to_string())
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
    check_search(&report["search"], &dist);
    check_travel(&report, frames.len(), svgs.len());
}

/// What the browser saw of charts that travel: no embed page scrolls sideways in a 320 px
/// iframe, where it shows its narrow variant; each standalone SVG draws every text of the
/// chart its page draws.
fn check_travel(report: &serde_json::Value, frames: usize, svgs: usize) {
    let list = |key: &str| report[key].as_array().cloned().unwrap_or_default();
    assert_eq!(list("frames").len(), frames, "{}", report["frames"]);
    for frame in list("frames") {
        assert!(
            frame["scroll"].as_u64() <= frame["client"].as_u64()
                && frame["client"].as_u64() > Some(0),
            "scrolls sideways in a 320 px iframe: {frame}"
        );
        // A chart with a wide and a narrow variant shows the narrow one (a sparkline has one).
        if frame["hasWide"] == true {
            assert_eq!(frame["narrowShown"], true, "{frame}");
            assert_eq!(frame["wideShown"], false, "{frame}");
        }
    }
    assert_eq!(list("svgs").len(), svgs);
    for svg in list("svgs") {
        let copy = svg["copy"].as_array().cloned().unwrap_or_default();
        let texts: Vec<&str> = copy.iter().filter_map(|t| t["text"].as_str()).collect();
        let page: Vec<&str> = svg["page"]
            .as_array()
            .map(|a| a.iter().filter_map(|t| t.as_str()).collect())
            .unwrap_or_default();
        assert!(!page.is_empty(), "{svg}");
        assert_eq!(texts, page, "{}", svg["svg"]);
        assert!(
            copy.iter().all(|t| t["drawn"] == true),
            "every text is drawn: {svg}"
        );
    }
}

/// What the browser saw of the search, opened from disk: no part of the index loaded with
/// the page, results newest first once a query loaded its part, Chinese found by part of a
/// name, more results on request, and a missing index reported.
fn check_search(search: &serde_json::Value, dist: &Path) {
    let count = |v: &serde_json::Value| v.as_u64().unwrap_or(u64::MAX);
    assert_eq!(
        (
            count(&search["before"]["requests"]),
            count(&search["before"]["scripts"])
        ),
        (0, 0),
        "nothing of the index is loaded before the reader searches: {search}"
    );
    assert!(
        count(&search["after"]["requests"]) > 0 && count(&search["after"]["scripts"]) > 0,
        "a query loads its part of the index: {search}"
    );
    let hrefs = |query: &str| -> Vec<String> {
        let hrefs: Vec<String> = search[query]["hrefs"]
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|h| h.as_str().map(String::from))
                    .collect()
            })
            .unwrap_or_default();
        for href in &hrefs {
            assert!(
                href.starts_with("briefings/") && dist.join(href).is_file(),
                "{query}: {href} is a briefing of the site"
            );
        }
        assert!(
            hrefs.is_sorted_by(|a, b| a > b),
            "{query}: newest first: {hrefs:?}"
        );
        hrefs
    };
    // The Chinese edition searches its own text: 会计口径 (accounting basis) is in the
    // briefings about Alibaba's accounting change, and found by its character pairs.
    let zh: Vec<String> = search["zh"]["hrefs"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|h| h.as_str().map(String::from))
                .collect()
        })
        .unwrap_or_default();
    assert!(zh.len() >= 3, "{}", search["zh"]);
    for href in &zh {
        assert!(
            href.starts_with("briefings/") && dist.join("zh").join(href).is_file(),
            "{href} is a briefing of the Chinese edition"
        );
    }
    let zh_status = search["zh"]["status"].as_str().unwrap_or_default();
    assert!(
        !zh_status.chars().any(|c| c.is_ascii_alphabetic()),
        "the status is in Chinese: {zh_status}"
    );
    let english = hrefs("english");
    assert!(!english.is_empty(), "{}", search["english"]);
    let status = search["english"]["status"].as_str().unwrap_or_default();
    assert!(status.contains("match"), "{status}");
    // 阿里 is part of 阿里云, Alibaba Cloud's Chinese name; most briefings discuss it.
    let chinese = hrefs("chinese");
    assert!(chinese.len() >= 5, "{}", search["chinese"]);
    let mut pages: Vec<PathBuf> = std::fs::read_dir(dist.join("briefings"))
        .expect("briefings/")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    pages.sort();
    let newest_about_alibaba = pages.iter().rev().find(|page| {
        std::fs::read_to_string(page).is_ok_and(|html| {
            html.split("<p class=\"mentions\">")
                .nth(1)
                .is_some_and(|m| {
                    m.split("</p>")
                        .next()
                        .unwrap_or("")
                        .contains("alibaba-cloud")
                })
        })
    });
    assert_eq!(
        chinese.first().map(|h| dist.join(h)).as_ref(),
        newest_about_alibaba,
        "the newest briefing that discusses Alibaba Cloud comes first"
    );
    let more = &search["more"];
    assert_eq!(count(&more["before"]), 10, "ten results at first: {more}");
    assert_eq!(more["visible"], true, "{more}");
    assert!(
        more["after"].as_array().map_or(0, Vec::len) > 10,
        "\"Show more\" adds results: {more}"
    );
    let broken = search["broken"]["status"].as_str().unwrap_or_default();
    assert!(broken.contains("could not be loaded"), "{broken}");
}
