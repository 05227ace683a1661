//! Tells the tests what this machine lacks, so `cargo test` reports a test that cannot run
//! as ignored, with what to install, instead of passing it unseen. The browser and HTML
//! validator tests need Node.js, Java, Chromium and the npm packages in `tests/browser`; the
//! facts test needs `../shared/data/china-cloud-facts.yaml` beside the repository. Under
//! `CI=true` nothing is ignored: the tests run, and fail on what is missing.
//!
//! Cargo reruns this script when `PATH`, `CI` or `CHROMIUM` change, or a file it checked
//! appears, changes or goes. A path that does not exist is never watched itself (Cargo would
//! then rerun the script, and rebuild the crate, on every build); its nearest existing
//! directory is, where that is one of the places the file lives in. So `../shared` is watched
//! only once it exists: one added after a first build needs `touch build.rs`.

use std::collections::BTreeSet;
use std::env;
use std::path::{Path, PathBuf};

/// The npm packages the browser tests run.
const NPM_PACKAGES: [&str; 3] = ["playwright-core", "axe-core", "vnu-jar"];

fn main() {
    println!("cargo::rustc-check-cfg=cfg(quarterly_missing_browser_tools)");
    println!("cargo::rustc-check-cfg=cfg(quarterly_missing_facts)");
    for var in ["PATH", "CI", "CHROMIUM"] {
        println!("cargo::rerun-if-env-changed={var}");
    }
    let repo = PathBuf::from(env::var_os("CARGO_MANIFEST_DIR").expect("set by Cargo"));
    let ci = env::var("CI").as_deref() == Ok("true");
    let mut watched = BTreeSet::new();

    let shared = repo.join("../shared");
    let facts = shared.join("data/china-cloud-facts.yaml");
    if !present(&facts, &[shared.join("data"), shared], &mut watched) && !ci {
        println!("cargo::rustc-cfg=quarterly_missing_facts");
    }

    let mut browser_tools = true;
    for program in ["node", "java"] {
        browser_tools &= on_path(program, &mut watched);
    }
    let chromium =
        env::var_os("CHROMIUM").map_or_else(|| PathBuf::from("/usr/bin/chromium"), PathBuf::from);
    let chromium_dir = chromium.parent().map(Path::to_path_buf);
    browser_tools &= present(&chromium, chromium_dir.as_slice(), &mut watched);
    let browser = repo.join("tests/browser");
    let modules = browser.join("node_modules");
    for package in NPM_PACKAGES {
        let manifest = modules.join(package).join("package.json");
        browser_tools &= present(&manifest, &[modules.clone(), browser.clone()], &mut watched);
    }
    if !browser_tools && !ci {
        println!("cargo::rustc-cfg=quarterly_missing_browser_tools");
    }

    for path in watched {
        println!("cargo::rerun-if-changed={}", path.display());
    }
}

/// Whether `path` exists. Watches it if it does, else the first of `fallbacks` (directories
/// it would appear in, nearest first) that exists.
fn present(path: &Path, fallbacks: &[PathBuf], watched: &mut BTreeSet<PathBuf>) -> bool {
    if path.exists() {
        watched.insert(path.to_path_buf());
        return true;
    }
    if let Some(dir) = fallbacks.iter().find(|d| d.is_dir()) {
        watched.insert(dir.clone());
    }
    false
}

/// Whether `program` is an executable file in a directory of `PATH`. Watches it if it is,
/// else every directory of `PATH`, so installing it reruns this script.
fn on_path(program: &str, watched: &mut BTreeSet<PathBuf>) -> bool {
    let dirs: Vec<PathBuf> = env::var_os("PATH")
        .map(|p| env::split_paths(&p).collect())
        .unwrap_or_default();
    if let Some(found) = dirs.iter().map(|d| d.join(program)).find(|p| executable(p)) {
        watched.insert(found);
        return true;
    }
    watched.extend(dirs.into_iter().filter(|d| d.is_absolute() && d.is_dir()));
    false
}

#[cfg(unix)]
fn executable(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    path.metadata()
        .is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

#[cfg(not(unix))]
fn executable(path: &Path) -> bool {
    path.with_extension("exe").is_file() || path.is_file()
}
