//! No input may crash the pipeline: every fixture file cut short at many points, or with
//! bytes swapped for awkward ones, must give either a site or diagnostics, never a panic.

mod fixture;

use quarterly::load::ContentFiles;
use quarterly::model::SourceFile;

fn files_with(path: &str, text: &str) -> ContentFiles {
    let mut files = ContentFiles::default();
    for (p, t) in fixture::FILES {
        let file = SourceFile::new(p, if p == path { text } else { t });
        match p {
            "content/site.yaml" => files.site = Some(file),
            "content/data/sources.yaml" => files.sources = Some(file),
            "content/data/vendors.yaml" => files.vendors = Some(file),
            p if p.starts_with("content/data/") => files.datasets.push(file),
            p if p.starts_with("content/briefings/") => files.briefings.push(file),
            _ => files.pages.push(file),
        }
    }
    files
}

/// Runs every stage in memory; returns whether the site built.
fn run(files: &ContentFiles) -> bool {
    let options = quarterly::BuildOptions {
        drafts: true,
        ..Default::default()
    };
    quarterly::render_from_files(files, options).is_ok()
}

fn mutations(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let cuts: Vec<usize> = text.char_indices().map(|(i, _)| i).step_by(3).collect();
    for &cut in &cuts {
        out.push(text[..cut].to_string());
    }
    for (i, &at) in cuts.iter().enumerate() {
        let awkward = [
            "\t",
            "\"",
            "{{",
            "- ",
            ": ",
            "阿里云",
            "\n  ",
            "~",
            "1e400",
            "-",
        ][i % 10];
        let mut s = text.to_string();
        s.insert_str(at, awkward);
        out.push(s);
    }
    out
}

#[test]
fn the_intact_fixture_builds_in_memory() {
    assert!(run(&files_with("", "")));
}

#[test]
fn damaged_files_never_panic() {
    // Every file but the page, whose damage the briefings already cover.
    let targets = &fixture::FILES[..6];
    let mut runs = 0;
    let mut failures = 0;
    for &(path, text) in targets {
        for damaged in mutations(text) {
            let files = files_with(path, &damaged);
            let outcome = std::panic::catch_unwind(|| run(&files));
            match outcome {
                Ok(built) => failures += usize::from(!built),
                Err(_) => panic!("panic on {path} damaged to:\n{damaged}"),
            }
            runs += 1;
        }
    }
    assert!(runs > 500, "{runs} runs");
    assert!(
        failures > runs / 4,
        "most damage is reported ({failures} of {runs})"
    );
}
