//! No input may crash the pipeline. Property tests feed it what editors write (YAML files,
//! front matter, markdown bodies with `{{…}}` references, chart blocks) of two kinds:
//!
//! - generated: text from a hostile alphabet, and whole sites of almost-valid YAML built from
//!   the real keys, with values of the wrong type, extreme numbers, odd periods, duplicate
//!   keys, anchors and aliases, and bodies that refer to what the generated data holds;
//! - mutated: the shipped site and the test fixture with random edits (lines deleted,
//!   duplicated, swapped or re-indented, hostile text inserted, files cut short, numbers,
//!   periods and ids replaced, files removed or copied).
//!
//! Every case runs the whole pipeline in memory (parse, validate, render, link check, and
//! printing the diagnostics) and must end in a rendered site or in diagnostics, never in a
//! panic; every diagnostic must name a file, and one with a position a line of that file.
//! A smaller test runs the real binary on a site that built, breaks it, builds again, and
//! checks the exit code and that `dist/` was left exactly as it was.
//!
//! A few thousand in-memory cases run by default; `QUARTERLY_PROPTEST_CASES=N` sets how many
//! (all in-memory properties together) for a long run.

mod fixture;

use std::collections::BTreeMap;
use std::fmt;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::Path;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

use proptest::prelude::*;
use proptest::sample::{Index, select};
use proptest::strategy::ValueTree;
use proptest::test_runner::{Config, TestCaseError, TestRunner};
use quarterly::diagnostics::Diagnostics;
use quarterly::load::ContentFiles;
use quarterly::model::SourceFile;
use quarterly::{BuildOptions, render_from_files};

// ---------------------------------------------------------------------------------------
// Case counts

/// In-memory cases of all properties together, unless `QUARTERLY_PROPTEST_CASES` says.
const DEFAULT_CASES: u64 = 2_400;

/// Each in-memory property's share of the cases, out of `WEIGHTS`.
const HOSTILE_WEIGHT: u64 = 4;
const STRUCTURED_WEIGHT: u64 = 5;
const FIXTURE_WEIGHT: u64 = 8;
const SHIPPED_WEIGHT: u64 = 1;
const WEIGHTS: u64 = HOSTILE_WEIGHT + STRUCTURED_WEIGHT + FIXTURE_WEIGHT + SHIPPED_WEIGHT;

fn total_cases() -> u64 {
    match std::env::var("QUARTERLY_PROPTEST_CASES") {
        Ok(n) => n
            .trim()
            .parse()
            .unwrap_or_else(|_| panic!("QUARTERLY_PROPTEST_CASES={n:?} is not a number")),
        Err(_) => DEFAULT_CASES,
    }
}

fn config(cases: u64) -> Config {
    Config {
        cases: u32::try_from(cases.max(1)).unwrap_or(u32::MAX),
        // A failing case is shown whole, with the panic; regression tests go next to the fix.
        failure_persistence: None,
        max_shrink_iters: 1_000_000,
        max_shrink_time: 300_000,
        ..Config::default()
    }
}

// ---------------------------------------------------------------------------------------
// Running the pipeline on a case

type Files = Vec<(String, String)>;

/// A site as files by path, and the paths a case made or changed (shown when it fails).
#[derive(Clone)]
struct Case {
    files: Files,
    changed: Vec<String>,
}

impl fmt::Debug for Case {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "a site of {} files, of which:", self.files.len())?;
        for path in &self.changed {
            match self.files.iter().find(|(p, _)| p == path) {
                Some((_, text)) => writeln!(f, "--- {path}\n{text:?}")?,
                None => writeln!(f, "--- {path} (removed)")?,
            }
        }
        Ok(())
    }
}

/// The files as `load::load_content` would have read them.
fn content_files(files: &[(String, String)]) -> ContentFiles {
    let mut sorted: Vec<&(String, String)> = files.iter().collect();
    sorted.sort_by(|a, b| a.0.cmp(&b.0));
    let mut content = ContentFiles::default();
    for (path, text) in sorted {
        let file = SourceFile::new(path.clone(), text.clone());
        match path.as_str() {
            "content/site.yaml" => content.site = Some(file),
            "content/data/sources.yaml" => content.sources = Some(file),
            "content/data/vendors.yaml" => content.vendors = Some(file),
            p if p.starts_with("content/data/") => content.datasets.push(file),
            p if p.starts_with("content/briefings/") => content.briefings.push(file),
            _ => content.pages.push(file),
        }
    }
    content
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Outcome {
    Built,
    Reported,
}

fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        s.to_string()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "(a panic without a message)".to_string()
    }
}

/// Runs the whole pipeline on `files`, and prints its diagnostics as the binary would. A
/// panic, a failure without an error, or a diagnostic that points nowhere fails the case.
fn run_pipeline(files: &[(String, String)], drafts: bool) -> Result<Outcome, TestCaseError> {
    let content = content_files(files);
    let ran = catch_unwind(AssertUnwindSafe(|| {
        let result = render_from_files(
            &content,
            BuildOptions {
                drafts,
                keep_warnings: None,
                fresh: false,
            },
        );
        let shown = match &result {
            Ok(site) => site.warnings.clone(),
            Err(problems) => problems.clone(),
        }
        .sorted();
        let plain = shown.render(false);
        let styled = shown.render(true);
        (result, plain, styled)
    }));
    let (result, plain, styled) = match ran {
        Ok(ran) => ran,
        Err(payload) => {
            return Err(TestCaseError::fail(format!(
                "the pipeline panicked: {}",
                panic_message(payload.as_ref())
            )));
        }
    };
    if plain.is_empty() != styled.is_empty() {
        return Err(TestCaseError::fail("plain and styled diagnostics differ"));
    }
    match result {
        Ok(site) => {
            check_diagnostics(&site.warnings, files)?;
            if site.files.is_empty() {
                return Err(TestCaseError::fail("a site was built with no files"));
            }
            Ok(Outcome::Built)
        }
        Err(problems) => {
            if !problems.has_errors() {
                return Err(TestCaseError::fail(format!(
                    "the build failed without an error:\n{problems}"
                )));
            }
            check_diagnostics(&problems, files)?;
            Ok(Outcome::Reported)
        }
    }
}

/// Every diagnostic names a file; one with a position points at a line of a file of the
/// site, which the printed diagnostic shows.
fn check_diagnostics(
    diagnostics: &Diagnostics,
    files: &[(String, String)],
) -> Result<(), TestCaseError> {
    for d in diagnostics.iter() {
        if d.file.trim().is_empty() {
            return Err(TestCaseError::fail(format!(
                "a diagnostic names no file:\n{d}"
            )));
        }
        let Some(position) = d.position else {
            continue;
        };
        let Some((_, text)) = files.iter().find(|(p, _)| *p == d.file) else {
            return Err(TestCaseError::fail(format!(
                "a diagnostic points into `{}`, which is not a file of the site:\n{d}",
                d.file
            )));
        };
        let lines = text.lines().count().max(1);
        if position.line == 0 || position.line > lines {
            return Err(TestCaseError::fail(format!(
                "a diagnostic points at line {} of `{}`, which has {lines} lines:\n{d}",
                position.line, d.file
            )));
        }
        if position.column == 0 {
            return Err(TestCaseError::fail(format!(
                "a diagnostic points at column 0:\n{d}"
            )));
        }
    }
    Ok(())
}

/// Runs a property over `cases` cases and reports how many built and how long it took;
/// returns how many built and how many failed with diagnostics.
fn check_property(name: &str, cases: u64, strategy: impl Strategy<Value = Case>) -> (u64, u64) {
    let built = AtomicU64::new(0);
    let reported = AtomicU64::new(0);
    let started = Instant::now();
    // Each property runs the pipeline's parallel stages on a worker of its own: the properties
    // run side by side, and waking the shared pool's workers for every case costs more than
    // the small sites take to build.
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .expect("a thread pool");
    let mut runner = TestRunner::new(config(cases));
    let result = runner.run(&strategy, |case| {
        let outcome = pool.install(|| run_pipeline(&case.files, true))?;
        let counter = match outcome {
            Outcome::Built => &built,
            Outcome::Reported => &reported,
        };
        counter.fetch_add(1, Ordering::Relaxed);
        Ok(())
    });
    if let Err(failure) = result {
        panic!("{name}: {failure}");
    }
    let (built, reported) = (built.into_inner(), reported.into_inner());
    eprintln!(
        "{name}: {} runs ({built} built, {reported} reported problems) in {:.1?}, no panic",
        built + reported,
        started.elapsed()
    );
    assert!(built + reported >= cases, "every case ran");
    (built, reported)
}

/// Edits must break some builds and leave others building, or they test one stage only.
fn assert_mixed(name: &str, (built, reported): (u64, u64)) {
    if built + reported >= 300 {
        assert!(built > 0, "{name}: no edited site built");
        assert!(reported > 0, "{name}: every edited site built");
    }
}

// ---------------------------------------------------------------------------------------
// Hostile text

/// Pieces of text that mean something to YAML, markdown, the `{{…}}` syntax, HTML or
/// Unicode, and a few that mean nothing to anyone.
const HOSTILE: &[&str] = &[
    "{{",
    "}}",
    "{",
    "}",
    "@",
    "~",
    "\"",
    "'",
    "`",
    "```",
    "```chart\n",
    "~~~",
    "<",
    ">",
    "&",
    "&amp;",
    "&#0;",
    "\\",
    "\\\"",
    "\0",
    "\u{1}",
    "\u{7}",
    "\u{8}",
    "\u{b}",
    "\u{c}",
    "\u{1b}[31m",
    "\u{7f}",
    "\t",
    "\r",
    "\n",
    "\r\n",
    "\n\n",
    "  ",
    "\u{a0}",
    "\u{85}",
    "\u{2028}",
    "\u{2029}",
    "\u{feff}",
    "\u{200b}",
    "\u{200d}",
    "\u{200e}",
    "\u{200f}",
    "\u{202a}",
    "\u{202e}",
    "\u{2066}",
    "\u{2069}",
    "\u{61c}",
    "\u{301}",
    "\u{fffd}",
    "\u{ffff}",
    "\u{10ffff}",
    "\u{1f600}",
    "\u{1f469}\u{200d}\u{1f4bb}",
    "\u{1f1e8}\u{1f1f3}",
    "\u{1d518}",
    "\u{20000}",
    "阿里云",
    "腾讯云",
    "百度智能云",
    "，",
    "。",
    "％",
    "２０２３",
    ": ",
    ":",
    "- ",
    "-",
    "---",
    "...",
    "#",
    "# ",
    "## ",
    "%",
    "!",
    "!!str ",
    "!!binary ",
    "&a ",
    "*a",
    "<<: ",
    "? ",
    "|",
    "|-\n",
    ">-\n",
    "[",
    "]",
    ",",
    "*",
    "_",
    "**",
    "|---|",
    "2023-Q3",
    "2023-Q5",
    "0000-Q1",
    "9999-H3",
    "2023-Q",
    "1e400",
    ".nan",
    "-.inf",
    "-0",
    "18%",
    "9.2bn",
    "12",
    "3.14159",
    "1,207",
    "15 May",
    "market.spend@2023-Q3",
    "market.spend",
    "cite ",
    "quote ",
    "calc ",
    "(",
    ")",
    "+",
    "/",
    "<script>",
    "</script>",
    "<!--",
    "-->",
    "<div>",
    "</div>",
    "<a href=\"#x\">",
    "[x](#y)",
    "[x](../gone.html)",
    "[x](data/charts/z.csv)",
    "![i](x.png)",
    "[^1]",
    "[^1]: note\n",
    "\\{{",
    "https://",
    "javascript:",
    "    ",
];

fn hostile_piece() -> impl Strategy<Value = String> {
    prop_oneof![
        6 => select(HOSTILE).prop_map(str::to_string),
        2 => "[a-z]{1,8}",
        1 => any::<char>().prop_map(String::from),
    ]
}

/// A short run of hostile pieces.
fn hostile() -> impl Strategy<Value = String> {
    prop::collection::vec(hostile_piece(), 1..8).prop_map(|pieces| pieces.concat())
}

/// A longer run, for whole files and bodies.
fn hostile_long() -> impl Strategy<Value = String> {
    prop::collection::vec(hostile_piece(), 0..120).prop_map(|pieces| pieces.concat())
}

/// Text nested 3 to 10,000 deep (or that long): brackets and terms in a calculation, minus
/// signs, markdown quotes and lists, HTML, links, flow YAML in a chart block.
fn deep() -> impl Strategy<Value = String> {
    let depth = select(&[3usize, 30, 200, 1_000, 10_000][..]);
    (select(&[0usize, 1, 2, 3, 4, 5, 6, 7][..]), depth).prop_map(|(kind, n)| match kind {
        0 => format!(
            "{{{{calc {}market.spend@2023-Q3{} }}}}",
            "(".repeat(n),
            ")".repeat(n)
        ),
        1 => format!("{{{{calc 1{} }}}}", " + 1".repeat(n)),
        2 => format!("{{{{calc {}2}}}}", "-".repeat(n)),
        3 => format!("{}deep\n", "> ".repeat(n)),
        4 => (0..n.min(200))
            .map(|i| format!("{}- item\n", "  ".repeat(i)))
            .collect(),
        5 => format!("{}x{}", "<div>".repeat(n), "</div>".repeat(n)),
        6 => format!("{}x{}", "[".repeat(n), "](#a)".repeat(n)),
        _ => format!(
            "\n```chart\ny: {}spend{}\n```\n",
            "[".repeat(n),
            "]".repeat(n)
        ),
    })
}

// ---------------------------------------------------------------------------------------
// YAML as trees, written out as editors might write them

#[derive(Clone, Debug)]
enum Y {
    /// A scalar as written (quoted or not, or anything else).
    Scalar(String),
    Map(Vec<(String, Y)>),
    List(Vec<Y>),
    /// The value in flow style: `{a: 1}`, `[a, b]`.
    Flow(Box<Y>),
    /// The value with an anchor: `&name value`.
    Anchor(String, Box<Y>),
}

fn scalar(text: impl Into<String>) -> Y {
    Y::Scalar(text.into())
}

/// `text` as a double-quoted YAML scalar, escaped so it reads back as `text`.
fn quoted(text: &str) -> String {
    let mut out = String::from("\"");
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() || matches!(c, '\u{2028}' | '\u{2029}' | '\u{feff}') => {
                out.push_str(&format!("\\u{:04X}", u32::from(c)))
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Keeps the first of entries with the same key.
fn unique_keys(entries: Vec<(String, Y)>) -> Vec<(String, Y)> {
    let mut seen = std::collections::BTreeSet::new();
    entries
        .into_iter()
        .filter(|(k, _)| seen.insert(k.clone()))
        .collect()
}

impl Y {
    fn is_block(&self) -> bool {
        match self {
            Y::Map(entries) => !entries.is_empty(),
            Y::List(items) => !items.is_empty(),
            _ => false,
        }
    }

    /// The value on one line.
    fn inline(&self) -> String {
        match self {
            Y::Scalar(s) => s.clone(),
            Y::Map(entries) => format!(
                "{{{}}}",
                entries
                    .iter()
                    .map(|(k, v)| format!("{k}: {}", v.inline()))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            Y::List(items) => format!(
                "[{}]",
                items.iter().map(Y::inline).collect::<Vec<_>>().join(", ")
            ),
            Y::Flow(inner) => inner.inline(),
            Y::Anchor(name, inner) => format!("&{name} {}", inner.inline()),
        }
    }

    /// The value as a block at `indent`.
    fn block(&self, indent: usize, out: &mut String) {
        let pad = " ".repeat(indent);
        match self {
            Y::Map(entries) if !entries.is_empty() => {
                for (key, value) in entries {
                    out.push_str(&pad);
                    out.push_str(key);
                    out.push(':');
                    value.after(indent, out);
                }
            }
            Y::List(items) if !items.is_empty() => {
                for item in items {
                    if let Y::Map(entries) = item
                        && !entries.is_empty()
                    {
                        // `- key: value` with the other keys under the first.
                        let mut inner = String::new();
                        item.block(indent + 2, &mut inner);
                        out.push_str(&pad);
                        out.push_str("- ");
                        out.push_str(&inner[indent + 2..]);
                    } else {
                        out.push_str(&pad);
                        out.push('-');
                        item.after(indent, out);
                    }
                }
            }
            other => {
                out.push_str(&pad);
                out.push_str(&other.inline());
                out.push('\n');
            }
        }
    }

    /// The value after `key:` or `-`: on the same line, or as a block below.
    fn after(&self, indent: usize, out: &mut String) {
        match self {
            y if y.is_block() => {
                out.push('\n');
                y.block(indent + 2, out);
            }
            Y::Anchor(name, inner) if inner.is_block() => {
                out.push_str(" &");
                out.push_str(name);
                out.push('\n');
                inner.block(indent + 2, out);
            }
            other => {
                let text = other.inline();
                if !text.is_empty() {
                    out.push(' ');
                }
                out.push_str(&text);
                out.push('\n');
            }
        }
    }

    fn text(&self) -> String {
        let mut out = String::new();
        self.block(0, &mut out);
        out
    }

    fn get(&self, key: &str) -> Option<&Y> {
        match self {
            Y::Map(entries) => entries.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            Y::Flow(inner) | Y::Anchor(_, inner) => inner.get(key),
            _ => None,
        }
    }

    fn entries(&self) -> &[(String, Y)] {
        match self {
            Y::Map(entries) => entries,
            Y::Flow(inner) | Y::Anchor(_, inner) => inner.entries(),
            _ => &[],
        }
    }

    fn items(&self) -> Vec<&Y> {
        match self {
            Y::List(items) => items.iter().collect(),
            Y::Flow(inner) | Y::Anchor(_, inner) => inner.items(),
            other => vec![other],
        }
    }

    /// A scalar's text as YAML would read it (quotes taken off); none for collections.
    fn plain(&self) -> Option<String> {
        match self {
            Y::Scalar(s) => {
                let s = s.trim();
                let unquoted = s
                    .strip_prefix('"')
                    .and_then(|s| s.strip_suffix('"'))
                    .or_else(|| s.strip_prefix('\'').and_then(|s| s.strip_suffix('\'')))
                    .unwrap_or(s);
                Some(unquoted.to_string())
            }
            Y::Flow(inner) | Y::Anchor(_, inner) => inner.plain(),
            _ => None,
        }
    }
}

/// How carelessly a generated site is written: 0 writes what is expected (so most sites
/// reach rendering), 2 gets much wrong.
type Care = u8;

type Entries = Vec<(String, Y)>;

/// One of `options` by weight; options of weight 0 are never chosen.
fn one_of<T: fmt::Debug + 'static>(options: Vec<(u32, BoxedStrategy<T>)>) -> BoxedStrategy<T> {
    let options: Vec<(u32, BoxedStrategy<T>)> = options
        .into_iter()
        .filter(|(weight, _)| *weight > 0)
        .collect();
    prop::strategy::Union::new_weighted(options).boxed()
}

/// Wrong values for any key: other types, nulls, tags, anchors, aliases, hostile text.
fn wrong_value() -> BoxedStrategy<Y> {
    prop_oneof![
        4 => select(&[
            "~", "null", "", "true", "false", "yes", "12", "-1", "0", "1e400", ".nan", ".inf",
            "\"\"", "''", "{}", "[]", "[1, 2]", "{a: 1}", "*a", "&a 1", "!!binary aGk=",
            "!!str 1", "!!int x", "!!map", "? x", "|\n  text", ">-\n  folded", "- x", "[",
            "{", "\"open", "'open", "a: b", "a #b", "@x", "`x`", "%x", "*undefined",
            "<<: *a", "!custom x", "2023-Q3", "https://example.org/",
        ][..])
        .prop_map(scalar),
        2 => hostile().prop_map(|h| scalar(quoted(&h))),
        1 => hostile().prop_map(|h| scalar(format!("{h:?}"))),
        2 => hostile().prop_map(scalar),
        1 => small_tree(),
    ]
    .boxed()
}

const ALL_KEYS: &[&str] = &[
    "title",
    "description",
    "base_url",
    "language",
    "author",
    "navigation",
    "headline",
    "label",
    "target",
    "publisher",
    "url",
    "published",
    "firm",
    "kind",
    "note",
    "quote",
    "name",
    "name_zh",
    "colour",
    "source",
    "columns",
    "breaks",
    "rows",
    "unit",
    "precision",
    "vendor",
    "part_of",
    "growth_of",
    "period",
    "value",
    "qualifier",
    "also",
    "summary",
    "draft",
    "data",
    "y",
    "from",
    "to",
    "annotate",
    "reference",
    "caption",
    "<<",
];

/// A small YAML tree of anything, keys from the real key sets.
fn small_tree() -> BoxedStrategy<Y> {
    let leaf = prop_oneof![
        select(
            &[
                "1",
                "x",
                "~",
                "2023-Q3",
                "\"#D55E00\"",
                "USD bn",
                "true",
                "-5"
            ][..]
        )
        .prop_map(scalar),
        hostile().prop_map(|h| scalar(quoted(&h))),
    ];
    leaf.prop_recursive(3, 12, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Y::List),
            prop::collection::vec((select(ALL_KEYS).prop_map(str::to_string), inner), 0..4)
                .prop_map(Y::Map),
        ]
    })
    .boxed()
}

/// A key misspelt, re-cased, padded or made up.
fn misspelt(key: &'static str) -> impl Strategy<Value = String> {
    (0..6usize, hostile()).prop_map(move |(how, h)| match how {
        0 => key.to_uppercase(),
        1 => format!("{key}s"),
        2 => key.chars().rev().collect(),
        3 => format!("\"{key} \""),
        4 => quoted(&h),
        _ => key
            .replace('_', "-")
            .replacen(|c: char| c.is_alphabetic(), "", 1),
    })
}

/// A key with its value: as wanted, or (the less careful, the more often) left out, given
/// twice, given a wrong value, misspelt, anchored, or made an alias.
fn field(
    care: Care,
    key: &'static str,
    value: impl Strategy<Value = Y> + 'static,
) -> BoxedStrategy<Entries> {
    let value = value.boxed();
    let k = || key.to_string();
    let wrong = u32::from(care);
    one_of(vec![
        (2, Just(Vec::new()).boxed()),
        (24, value.clone().prop_map(move |v| vec![(k(), v)]).boxed()),
        (
            wrong,
            (value.clone(), value.clone())
                .prop_map(move |(a, b)| vec![(k(), a), (k(), b)])
                .boxed(),
        ),
        (
            wrong * 3,
            wrong_value().prop_map(move |v| vec![(k(), v)]).boxed(),
        ),
        (
            wrong,
            (misspelt(key), value.clone())
                .prop_map(|(k, v)| vec![(k, v)])
                .boxed(),
        ),
        (
            wrong,
            value
                .clone()
                .prop_map(move |v| vec![(k(), Y::Anchor("a".into(), Box::new(v)))])
                .boxed(),
        ),
        (
            wrong,
            value
                .prop_map(move |v| vec![(k(), Y::Flow(Box::new(v)))])
                .boxed(),
        ),
    ])
}

/// A required key: left out only when careless.
fn required(
    care: Care,
    key: &'static str,
    value: impl Strategy<Value = Y> + 'static,
) -> BoxedStrategy<Entries> {
    if care == 0 {
        value.prop_map(move |v| vec![(key.to_string(), v)]).boxed()
    } else {
        field(care, key, value)
    }
}

fn map_of(parts: Vec<BoxedStrategy<Entries>>) -> BoxedStrategy<Y> {
    parts
        .prop_map(|parts| Y::Map(parts.into_iter().flatten().collect()))
        .boxed()
}

fn list_of(
    item: impl Strategy<Value = Y> + 'static,
    len: std::ops::Range<usize>,
) -> BoxedStrategy<Y> {
    prop::collection::vec(item, len).prop_map(Y::List).boxed()
}

/// Text a value may hold: plain words, quoted, or hostile.
fn words(care: Care) -> BoxedStrategy<Y> {
    let plain = select(
        &[
            "Spend",
            "Quarterly spend on cloud",
            "Shares of the leaders",
            "阿里云 Alibaba Cloud",
            "A note, with a comma",
            "\"Quoted: with a colon\"",
            "'single quoted'",
            "\"Q3 2023: growth holds\"",
            "\"Telcos kept gaining share in the quarter.\"",
            "x",
        ][..],
    )
    .prop_map(scalar);
    if care == 0 {
        plain.boxed()
    } else {
        prop_oneof![
            4 => plain,
            1 => hostile().prop_map(|h| scalar(quoted(&h))),
            1 => hostile().prop_map(scalar),
        ]
        .boxed()
    }
}

const NICE_NUMBERS: &[&str] = &[
    "0", "1", "2.5", "5", "7.7", "9.2", "15", "16", "18", "19", "36", "39", "50", "60.8", "99.9",
    "100", "-4", "-0.5", "0.001", "120.669", "3", "42",
];

/// Numbers YAML reads as finite numbers, at the edges of what a float holds.
const EXTREME_NUMBERS: &[&str] = &[
    "-0",
    "1e308",
    "-1e308",
    "1.7976931348623157e308",
    "-1.7976931348623157e308",
    "5e-324",
    "-5e-324",
    "1e-7",
    "1e-300",
    "99999999999999999999",
    "9223372036854775807",
    "-9223372036854775808",
    "18446744073709551615",
    "0x1F",
    "0o17",
    ".5",
    "+5",
    "12.34567890123456789",
    "100.00000000001",
    "123456789012345",
    "1e15",
    "1e16",
    "1e22",
    "101",
    "200",
    "-100",
    "-1e15",
];

/// Number-like text that is not a finite number to YAML.
const NOT_NUMBERS: &[&str] = &[
    "1e400",
    "-1e400",
    ".nan",
    ".NaN",
    ".inf",
    "-.inf",
    "+.inf",
    "-9223372036854775809",
    "0b101",
    "1_000",
    "1e",
    "1.",
    "１２",
    "NaN",
    "inf",
];

fn number(care: Care) -> BoxedStrategy<Y> {
    let wrong = u32::from(care);
    let words = &[
        "9.2bn",
        "18%",
        "over 5",
        "about 20",
        "~",
        "\"12\"",
        "lots",
        "[1]",
        "{value: 3}",
    ][..];
    one_of(vec![
        (12, select(NICE_NUMBERS).prop_map(scalar).boxed()),
        (2, select(EXTREME_NUMBERS).prop_map(scalar).boxed()),
        (
            1,
            any::<f64>()
                .prop_filter("finite", |f| f.is_finite())
                .prop_map(|f| scalar(format!("{f:?}")))
                .boxed(),
        ),
        (1, any::<i64>().prop_map(|i| scalar(i.to_string())).boxed()),
        (wrong * 2, select(NOT_NUMBERS).prop_map(scalar).boxed()),
        (
            wrong,
            any::<f64>().prop_map(|f| scalar(format!("{f:?}"))).boxed(),
        ),
        (wrong, select(words).prop_map(scalar).boxed()),
    ])
}

const QUARTERS: &[&str] = &[
    "2022-Q1", "2022-Q2", "2022-Q3", "2022-Q4", "2023-Q1", "2023-Q2", "2023-Q3", "2023-Q4",
    "2024-Q1",
];
const HALVES: &[&str] = &["2022-H1", "2022-H2", "2023-H1", "2023-H2", "2024-H1"];
const YEARS: &[&str] = &["2021", "2022", "2023", "2023-FY", "2024"];
const ODD_PERIODS: &[&str] = &[
    "2023-Q5",
    "0000-Q1",
    "9999-H3",
    "2023-Q",
    "9999-Q4",
    "9999-H2",
    "9999",
    "1000-Q1",
    "1000",
    "0999-Q1",
    "2023-Q0",
    "2023-q3",
    "2023-h1",
    "2023-fy",
    "65535",
    "99999-Q1",
    "\"2023-Q3\"",
    "'2023'",
    "2023-Q3 ",
    "２０２３-Q3",
    "2023-Q33",
    "-2023-Q1",
    "2023-",
    "1e3",
    "2023.5",
    "[2023-Q3]",
    "~",
    "2023-Q3~x",
    "2023-Q3@x",
    "Q3 2023",
];

/// A period: of one kind mostly (quarters, halves or years), sometimes any odd one.
fn period(care: Care, kind: usize) -> BoxedStrategy<Y> {
    let pool = [QUARTERS, HALVES, YEARS][kind % 3];
    let wrong = u32::from(care);
    one_of(vec![
        (12, select(pool).prop_map(scalar).boxed()),
        (wrong, select(ODD_PERIODS).prop_map(scalar).boxed()),
        (wrong, select(QUARTERS).prop_map(scalar).boxed()),
        (wrong, select(HALVES).prop_map(scalar).boxed()),
        (wrong, select(YEARS).prop_map(scalar).boxed()),
    ])
}

/// An id from `pool`, or (when careless) an odd one.
fn id(care: Care, pool: &'static [&'static str]) -> BoxedStrategy<String> {
    let wrong = u32::from(care);
    let odd = &[
        "Bad Id",
        "a.b",
        "UPPER",
        "",
        "x y",
        "\"quoted\"",
        "阿里云",
        "a&b",
        "-",
        "_",
    ][..];
    one_of(vec![
        (12, select(pool).prop_map(str::to_string).boxed()),
        (wrong, select(odd).prop_map(str::to_string).boxed()),
        (wrong, hostile().boxed()),
    ])
}

const DATASETS: &[&str] = &["market", "shares", "growth", "annual"];
const ODD_DATASETS: &[&str] = &[
    "Bad Id",
    "a&b",
    "x\"y",
    "阿里云",
    "data",
    "a.b",
    "-",
    "sources2",
];
const COLUMNS: &[&str] = &[
    "spend",
    "growth",
    "alibaba-cloud",
    "tencent-cloud",
    "share",
    "x_y",
];
const SOURCES: &[&str] = &["s1", "s2", "canalys-2023-q3", "blog"];
const VENDORS: &[&str] = &["alibaba-cloud", "tencent-cloud", "v"];
const FIRMS: &[&str] = &["Canalys", "IDC", "Omdia", "Alibaba Group", "Canalys "];
const PAGES: &[&str] = &["about", "methodology", "charts", "notes"];
const ODD_PAGES: &[&str] = &[
    "index",
    "404",
    "data",
    "Bad Page",
    "a_b",
    "",
    "阿里云",
    "x\"y",
];
const TARGETS: &[&str] = &[
    "home",
    "data",
    "vendors",
    "search",
    "about",
    "methodology",
    "nowhere",
];
const GOOD_URLS: &[&str] = &[
    "https://example.org/sub/",
    "https://example.org",
    "http://example.org/a/b/",
    "https://例子.测试/",
];
const SOURCE_URLS: &[&str] = &[
    "https://news.example.com/story",
    "http://example.net/x?y=1&z=2#f",
    "https://新闻.例子/页面",
    "https://example.com/a%20b",
];
const BAD_URLS: &[&str] = &[
    "https://example.org/sub/",
    "https://example.org/sub/gone.html#x",
    "https://example.org/?q=1&r=2#f",
    "ftp://example.org/",
    "example.org",
    "https://exa mple.org/\"<>/",
    "https://",
    "https://exa mple.org/\"<>/",
    "\"https://example.org/\n\"",
];

/// A scalar from `good`, or (when careless) from `bad`.
fn choice(
    care: Care,
    good: &'static [&'static str],
    bad: &'static [&'static str],
) -> BoxedStrategy<Y> {
    one_of(vec![
        (8, select(good).prop_map(scalar).boxed()),
        (u32::from(care), select(bad).prop_map(scalar).boxed()),
    ])
}

/// `firm:` on a row or a value: left out by a careful editor, whose sources report one firm.
fn firm_field(care: Care) -> BoxedStrategy<Entries> {
    if care == 0 {
        Just(Vec::new()).boxed()
    } else {
        field(care, "firm", id(care, FIRMS).prop_map(scalar))
    }
}

fn firm(care: Care) -> BoxedStrategy<Y> {
    if care == 0 {
        return id(care, FIRMS).prop_map(scalar).boxed();
    }
    prop_oneof![
        4 => id(care, FIRMS).prop_map(scalar),
        1 => prop::collection::vec(id(care, FIRMS), 0..3).prop_map(|f| Y::Flow(Box::new(Y::List(f.into_iter().map(scalar).collect())))),
    ]
    .boxed()
}

/// `site.yaml`, whose headline names columns the data has and whose navigation names pages.
fn site_yaml(care: Care, names: &Names) -> BoxedStrategy<Y> {
    let targets: &'static [&'static str] = if care == 0 {
        &["home", "data", "vendors", "search"]
    } else {
        TARGETS
    };
    let nav = map_of(vec![
        required(care, "label", words(care)),
        required(care, "target", id(care, targets).prop_map(scalar)),
    ]);
    let columns: Vec<String> = names
        .datasets
        .iter()
        .flat_map(|d| d.columns.iter().map(|c| format!("{}.{}", d.id, c.id)))
        .collect();
    let known = select(nonempty(&columns, "market.spend"));
    let shape = if care == 0 { 2..3usize } else { 0..4usize };
    let headline = (known, id(care, DATASETS), shape).prop_map(|(known, d, how)| {
        scalar(match how {
            0 => d,
            1 => format!("{known}.x"),
            _ => known,
        })
    });
    map_of(vec![
        required(care, "title", words(care)),
        field(care, "description", words(care)),
        required(care, "base_url", choice(care, GOOD_URLS, BAD_URLS)),
        field(
            care,
            "language",
            choice(care, &["en", "en-GB", "zh-CN"], &["\"><x\"", "\"\""]),
        ),
        field(care, "author", words(care)),
        field(care, "navigation", list_of(nav, 0..5)),
        field(care, "headline", list_of(headline, 0..4)),
    ])
}

fn source_entry(care: Care) -> BoxedStrategy<Y> {
    let quote = prop_oneof![words(care), list_of(words(care), 0..3),];
    map_of(vec![
        required(care, "publisher", words(care)),
        required(care, "title", words(care)),
        required(care, "url", choice(care, SOURCE_URLS, BAD_URLS)),
        field(
            care,
            "published",
            choice(
                care,
                &["2023-11-20", "2023-11", "2023-02-30"],
                &[
                    "2023-13",
                    "20231120",
                    "unknown",
                    "2023-1-1",
                    "2023-11-20T00:00",
                ],
            ),
        ),
        field(care, "firm", firm(care)),
        field(
            care,
            "kind",
            choice(
                care,
                &[
                    "release",
                    "report",
                    "wire",
                    "repost",
                    "aggregator",
                    "opinion",
                ],
                &["blog", "Release", ""],
            ),
        ),
        field(care, "note", words(care)),
        field(care, "quote", quote),
    ])
}

fn sources_yaml(care: Care) -> BoxedStrategy<Y> {
    if care == 0 {
        // Every source a careful editor's data refers to.
        let entries: Vec<_> = SOURCES.iter().map(|_| source_entry(care)).collect();
        return entries
            .prop_map(|e| Y::Map(SOURCES.iter().map(|s| s.to_string()).zip(e).collect()))
            .boxed();
    }
    prop::collection::vec((id(care, SOURCES), source_entry(care)), 0..4)
        .prop_map(move |e| Y::Map(if care == 0 { unique_keys(e) } else { e }))
        .boxed()
}

fn vendors_yaml(care: Care) -> BoxedStrategy<Y> {
    let colour = choice(
        care,
        &["\"#D55E00\"", "\"#0072B2\"", "\"#d55e00\""],
        &[
            "\"#FFF\"",
            "red",
            "\"#ZZZZZZ\"",
            "#D55E00",
            "\"#D55E00 \"",
            "\"＃D55E00\"",
            "\"#D55E0é\"",
            "\"#FFFFFF\"",
        ],
    );
    let entry = map_of(vec![
        required(care, "name", words(care)),
        field(
            care,
            "name_zh",
            choice(care, &["阿里云", "腾讯云", "\"\""], &["", "\"\u{202e}x\""]),
        ),
        required(care, "colour", colour),
    ]);
    if care == 0 {
        let entries: Vec<_> = VENDORS.iter().map(|_| entry.clone()).collect();
        return entries
            .prop_map(|e| Y::Map(VENDORS.iter().map(|s| s.to_string()).zip(e).collect()))
            .boxed();
    }
    prop::collection::vec((id(care, VENDORS), entry), 0..3)
        .prop_map(move |e| Y::Map(if care == 0 { unique_keys(e) } else { e }))
        .boxed()
}

/// A dataset: its columns first, then rows that use them.
/// A column of a dataset whose columns are `ids`.
fn column_yaml(care: Care, ids: Vec<String>) -> BoxedStrategy<Y> {
    let sibling = one_of(vec![
        (8, select(ids).prop_map(scalar).boxed()),
        (u32::from(care), id(care, COLUMNS).prop_map(scalar).boxed()),
    ]);
    let part_of = select(&["market", "market", "whole", "ai-market"][..]).prop_map(scalar);
    let part_of = if care == 0 {
        prop::option::weighted(0.3, part_of)
            .prop_map(|p| {
                p.map(|p| vec![("part_of".to_string(), p)])
                    .unwrap_or_default()
            })
            .boxed()
    } else {
        field(care, "part_of", part_of)
    };
    map_of(vec![
        field(care, "label", words(care)),
        required(
            care,
            "unit",
            choice(
                care,
                &["USD bn", "CNY bn", "\"%\"", "\"%\"", "\"%\"", "'USD bn'"],
                &["bn", "percent", "\"% \""],
            ),
        ),
        field(
            care,
            "precision",
            choice(care, &["0", "1", "2", "6"], &["7", "-1", "1.5", "\"1\""]),
        ),
        field(care, "vendor", id(care, VENDORS).prop_map(scalar)),
        part_of,
        field(care, "growth_of", sibling),
    ])
}

fn dataset_yaml(care: Care) -> BoxedStrategy<Y> {
    let ids = prop::collection::vec(id(care, COLUMNS), 1..5).prop_map(move |mut ids| {
        if care == 0 {
            let mut seen = std::collections::BTreeSet::new();
            ids.retain(|id| seen.insert(id.clone()));
        }
        ids
    });
    let columns = ids.prop_flat_map(move |ids| {
        let maps: Vec<_> = ids.iter().map(|_| column_yaml(care, ids.clone())).collect();
        (Just(ids), maps).prop_map(|(ids, maps)| ids.into_iter().zip(maps).collect::<Vec<_>>())
    });
    (columns, 0..3usize)
        .prop_flat_map(move |(columns, kind)| {
            let ids: Vec<String> = columns.iter().map(|(id, _)| id.clone()).collect();
            let row = row_yaml(care, kind, ids);
            let brk = map_of(vec![
                required(care, "period", period(care, kind)),
                required(care, "label", words(care)),
                field(care, "note", words(care)),
            ]);
            map_of(vec![
                required(care, "title", words(care)),
                field(care, "description", words(care)),
                field(care, "source", id(care, SOURCES).prop_map(scalar)),
                required(care, "columns", Just(Y::Map(columns))),
                field(care, "breaks", list_of(brk, 0..3)),
                required(
                    care,
                    "rows",
                    list_of(row, 0..8).prop_map(move |rows| {
                        if care > 0 {
                            return rows;
                        }
                        // One row per period, as a careful editor writes them.
                        let mut seen = std::collections::BTreeSet::new();
                        Y::List(
                            rows.items()
                                .into_iter()
                                .filter(|r| {
                                    let period = r.get("period").and_then(Y::plain);
                                    seen.insert(period.map(|p| p.to_uppercase().replace("-FY", "")))
                                })
                                .cloned()
                                .collect(),
                        )
                    }),
                ),
            ])
        })
        .boxed()
}

fn row_yaml(care: Care, kind: usize, columns: Vec<String>) -> BoxedStrategy<Y> {
    let mut parts = vec![
        required(care, "period", period(care, kind)),
        required(care, "source", id(care, SOURCES).prop_map(scalar)),
        firm_field(care),
        field(care, "note", words(care)),
    ];
    for column in columns {
        let key: &'static str = Box::leak(column.into_boxed_str());
        parts.push(field(care, key, cell(care)));
    }
    map_of(parts)
}

/// A value: a number, a gap, or a map with its source, firm, qualifier, note and other
/// published versions.
fn cell(care: Care) -> BoxedStrategy<Y> {
    let qualifier = choice(
        care,
        &["over", "under", "about", "just under"],
        &["roughly", "Over"],
    );
    let also = map_of(vec![
        required(care, "value", number(care)),
        required(care, "source", id(care, SOURCES).prop_map(scalar)),
        firm_field(care),
        field(care, "qualifier", qualifier.clone()),
        field(care, "note", words(care)),
    ]);
    let full = map_of(vec![
        required(care, "value", number(care)),
        field(care, "source", id(care, SOURCES).prop_map(scalar)),
        firm_field(care),
        field(care, "qualifier", qualifier),
        field(
            care,
            "note",
            select(&["restated", "not explained", "x"][..]).prop_map(scalar),
        ),
        field(care, "also", list_of(also, 0..3)),
    ]);
    one_of(vec![
        (8, number(care)),
        (1, Just(scalar("~")).boxed()),
        (3, full.clone()),
        (
            u32::from(care),
            full.prop_map(|m| Y::Flow(Box::new(m))).boxed(),
        ),
    ])
}

/// A column of generated data: its id, its unit and the whole it is part of.
#[derive(Clone, Debug)]
struct ColumnName {
    id: String,
    unit: String,
    whole: Option<String>,
}

/// What a generated dataset holds: its columns, the periods of its rows, and which column
/// has a value in which period.
#[derive(Clone, Debug, Default)]
struct DatasetNames {
    id: String,
    columns: Vec<ColumnName>,
    periods: Vec<String>,
    values: Vec<(String, String)>,
}

/// A source of the generated data, with the words it records and the firms it reports.
#[derive(Clone, Debug)]
struct SourceName {
    id: String,
    words: Vec<String>,
    firms: Vec<String>,
}

/// What the generated data holds, for site.yaml and the bodies to refer to.
#[derive(Clone, Debug, Default)]
struct Names {
    datasets: Vec<DatasetNames>,
    sources: Vec<SourceName>,
}

/// A cell that holds a number (not a gap) as a careful editor writes one.
fn has_value(cell: &Y) -> bool {
    match cell {
        Y::Scalar(s) => s.trim() != "~" && !s.trim().is_empty(),
        other => other.get("value").is_some(),
    }
}

impl Names {
    fn of(data: &[(String, Y)]) -> Names {
        let mut names = Names::default();
        for (path, y) in data {
            if path == "content/data/sources.yaml" {
                for (id, entry) in y.entries() {
                    let items = |key| entry.get(key).map(Y::items).unwrap_or_default();
                    let mut words: Vec<String> = items("quote")
                        .into_iter()
                        .chain(entry.get("title"))
                        .filter_map(Y::plain)
                        .flat_map(|t| t.split_whitespace().map(str::to_string).collect::<Vec<_>>())
                        .collect();
                    words.retain(|w| !w.contains('"'));
                    names.sources.push(SourceName {
                        id: id.clone(),
                        words,
                        firms: items("firm").into_iter().filter_map(Y::plain).collect(),
                    });
                }
            } else if let Some(stem) = path
                .strip_prefix("content/data/")
                .and_then(|p| p.strip_suffix(".yaml"))
                .filter(|s| *s != "vendors")
            {
                let columns: Vec<ColumnName> = y
                    .get("columns")
                    .map(Y::entries)
                    .unwrap_or_default()
                    .iter()
                    .map(|(id, c)| ColumnName {
                        id: id.clone(),
                        unit: c.get("unit").and_then(Y::plain).unwrap_or_default(),
                        whole: c.get("part_of").and_then(Y::plain),
                    })
                    .collect();
                let mut dataset = DatasetNames {
                    id: stem.to_string(),
                    ..DatasetNames::default()
                };
                for row in y.get("rows").map(Y::items).unwrap_or_default() {
                    let Some(period) = row.get("period").and_then(Y::plain) else {
                        continue;
                    };
                    for column in &columns {
                        if row.get(&column.id).is_some_and(has_value) {
                            dataset.values.push((column.id.clone(), period.clone()));
                        }
                    }
                    dataset.periods.push(period);
                }
                dataset.columns = columns;
                names.datasets.push(dataset);
            }
        }
        names
    }
}

/// A piece of a markdown body: prose, a figure, a citation, a quote, a calculation, a chart
/// block, a link, a heading, code, or hostile text.
fn body_piece(care: Care, names: &Names) -> BoxedStrategy<String> {
    let wrong = u32::from(care);
    let figure = figure_name(care, names)
        .prop_map(|f| format!("{{{{{f}}}}}"))
        .boxed();
    // A careful editor refers to values the data has; with none, there is nothing to cite.
    let (figures, charts) = if care == 0 && values(names, |_| true).is_empty() {
        (0, 0)
    } else {
        (6, 3)
    };
    let firm = move |firms: Vec<String>| {
        let any: Vec<String> = firms
            .iter()
            .cloned()
            .chain(FIRMS.iter().map(|f| f.to_string()))
            .collect();
        if care == 0 {
            Just(None).boxed()
        } else {
            prop::option::weighted(0.3, select(any)).boxed()
        }
    };
    let sources = if names.sources.is_empty() {
        vec![SourceName {
            id: "x".to_string(),
            words: Vec::new(),
            firms: Vec::new(),
        }]
    } else {
        names.sources.clone()
    };
    let cite = select(sources.clone())
        .prop_flat_map(move |s| (Just(s.id), firm(s.firms)))
        .prop_map(|(s, f)| match f {
            Some(f) => format!("{{{{cite {s} ({f})}}}}"),
            None => format!("{{{{cite {s}}}}}"),
        });
    let quote = select(sources)
        .prop_flat_map(move |s| {
            let words = nonempty(&s.words, "words");
            (Just(s.id), firm(s.firms), select(words))
        })
        .prop_map(|(s, f, q)| match f {
            Some(f) => format!("{{{{quote {s} ({f}) \"{q}\"}}}}"),
            None => format!("{{{{quote {s} \"{q}\"}}}}"),
        });
    let calc = (calc_expr(care, names), any::<bool>())
        .prop_map(|(e, percent)| format!("{{{{calc {e}{}}}}}", if percent { " %" } else { "" }));
    let chart = chart_block(care, names);
    let prose = &[
        "Spend grew ",
        "in the quarter",
        " and ",
        ". ",
        "\n\n",
        "\n",
        "## What changed\n\n",
        "## What changed\n\n",
        "# Title\n",
        "### 阿里云\n",
        "> quoted\n",
        "- item\n",
        "1. first\n",
        "| a | b |\n|---|---|\n| 1 | 2 |\n\n",
        "[out](https://example.com/page)",
        "[mail](mailto:a@b)",
        "<div class=\"x\">\n\n",
        "\n</div>\n",
        "`{{not.a@2023-Q3}}`",
        "\n\n```\ncode {{x}}\n```\n",
        "\n\n    indented code\n",
        "[^1]",
        "\n\n[^1]: a note\n",
        "**bold** ",
        "_it_ ",
        "18%",
        " 9.2bn",
        " 2023 ",
        "15 May",
        " COVID-19 ",
        "1,207亿元",
        "<br>",
        "&copy;",
        "\n\n***\n",
    ][..];
    let links = &[
        "[the method](methodology.html)",
        "[about](about.html#x)",
        "[up](../index.html)",
        "[data](data.html#market)",
        "[data](../data.html#market)",
        "[home](https://example.org/sub/)",
        "[top](#what-changed)",
        "[gone](gone.html)",
        "[csv](data/market.csv)",
        "[csv](../charts/2023-q3-quarterly-spend.csv)",
        "<a href=\"#x\">x</a>",
        "<img src=\"x.png\">",
    ][..];
    let broken = &[
        "{{",
        "}}",
        "{{}}",
        "{{cite}}",
        "{{quote x}}",
        "{{calc}}",
        "{{calc 1 +}}",
        "{{calc (1}}",
        "{{a.b@}}",
        "{{@2023-Q3}}",
        "{{.@2023-Q3}}",
        "{{a@2023-Q3}}",
        "{{quote x \"\"}}",
        "{{cite x (}}",
        "{{calc 1/0}}",
        "{{calc 1e400}}",
        "{{calc -1}}",
        "{{ market.spend @ 2023-Q3 ~ }}",
    ][..];
    one_of(vec![
        (10, select(prose).prop_map(str::to_string).boxed()),
        (figures, figure),
        (2, cite.boxed()),
        (2, quote.boxed()),
        (3, calc.boxed()),
        (charts, chart),
        (wrong * 2, select(links).prop_map(str::to_string).boxed()),
        (wrong * 2, hostile().boxed()),
        (wrong, select(broken).prop_map(str::to_string).boxed()),
        (wrong, deep().boxed()),
    ])
}

fn nonempty(v: &[String], fallback: &str) -> Vec<String> {
    if v.is_empty() {
        vec![fallback.to_string()]
    } else {
        v.to_vec()
    }
}

/// Every (dataset, column, period) with a value in a column `column` accepts.
fn values(names: &Names, column: impl Fn(&ColumnName) -> bool) -> Vec<(String, String, String)> {
    names
        .datasets
        .iter()
        .flat_map(|d| {
            d.values
                .iter()
                .filter(|(c, _)| d.columns.iter().any(|col| col.id == *c && column(col)))
                .map(|(c, p)| (d.id.clone(), c.clone(), p.clone()))
        })
        .collect()
}

/// `dataset.column@PERIOD[~source]`: a value the data holds, or (when careless) any
/// combination of its names, an odd period, or a source that published nothing.
fn figure_name(care: Care, names: &Names) -> BoxedStrategy<String> {
    figure_of(care, names, values(names, |_| true))
}

fn figure_of(
    care: Care,
    names: &Names,
    known: Vec<(String, String, String)>,
) -> BoxedStrategy<String> {
    let wrong = u32::from(care);
    let mixed = {
        let datasets: Vec<String> = names.datasets.iter().map(|d| d.id.clone()).collect();
        let columns: Vec<String> = names
            .datasets
            .iter()
            .flat_map(|d| d.columns.iter().map(|c| c.id.clone()))
            .collect();
        let periods: Vec<String> = names
            .datasets
            .iter()
            .flat_map(|d| d.periods.clone())
            .collect();
        (
            select(nonempty(&datasets, "market")),
            select(nonempty(&columns, "spend")),
            select(nonempty(&periods, "2023-Q3")),
        )
    };
    let made_up = || {
        (
            "market".to_string(),
            "spend".to_string(),
            "2023-Q3".to_string(),
        )
    };
    let known = if known.is_empty() {
        Just(made_up()).boxed()
    } else {
        select(known).boxed()
    };
    let name = one_of(vec![
        (8, known),
        (wrong * 2, mixed.boxed()),
        (
            wrong,
            (select(DATASETS), select(COLUMNS), select(ODD_PERIODS))
                .prop_map(|(d, c, p)| (d.to_string(), c.to_string(), p.to_string()))
                .boxed(),
        ),
    ]);
    let source = if care == 0 {
        Just(None).boxed()
    } else {
        prop::option::weighted(0.2, select(SOURCES)).boxed()
    };
    (name, source)
        .prop_map(|((d, c, p), source)| match source {
            Some(s) => format!("{d}.{c}@{p}~{s}"),
            None => format!("{d}.{c}@{p}"),
        })
        .boxed()
}

/// A calculation over figures and numbers. A careful one keeps to plain numbers (figures
/// in per cent), which add, multiply and divide with each other.
fn calc_expr(care: Care, names: &Names) -> BoxedStrategy<String> {
    let plain = values(names, |c| c.unit.contains('%'));
    let (figure, figures) = if care == 0 {
        let weight = if plain.is_empty() { 0 } else { 3 };
        (figure_of(care, names, plain), weight)
    } else {
        (figure_name(care, names), 3)
    };
    let numbers: &'static [&'static str] = if care == 0 {
        &["1", "100", "2.5", "0.5", "1e15", "12"]
    } else {
        &[
            "1", "100", "0", "2.5", "1e308", "0.0", "5e-324", "-1", "1e400",
        ]
    };
    let leaf = one_of(vec![
        (figures, figure),
        (2, select(numbers).prop_map(str::to_string).boxed()),
    ]);
    leaf.prop_recursive(4, 16, 2, |inner| {
        prop_oneof![
            (
                inner.clone(),
                select(&["+", "-", "*", "/"][..]),
                inner.clone()
            )
                .prop_map(|(a, op, b)| format!("{a} {op} {b}")),
            inner.prop_map(|e| format!("({e})")),
        ]
    })
    .boxed()
}

/// Columns a chart of `kind` may draw together: one unit, and one whole for the kinds that
/// show parts of one.
fn drawable_together(kind: &str, columns: &[ColumnName], first: &ColumnName) -> Vec<String> {
    let whole = matches!(kind, "donut" | "stacked100");
    columns
        .iter()
        .filter(|c| {
            c.unit == first.unit && (!whole || (c.whole.is_some() && c.whole == first.whole))
        })
        .map(|c| c.id.clone())
        .collect()
}

/// A ```chart block with every key. A careful one draws columns it can draw together, over
/// a range or at a period that holds one of their values.
fn chart_block(care: Care, names: &Names) -> BoxedStrategy<String> {
    let kinds = &[
        "line",
        "bar",
        "grouped",
        "hbar",
        "stacked",
        "stacked100",
        "donut",
        "sparkline",
    ][..];
    let wrong = u32::from(care);
    let kind = one_of(vec![
        (12, select(kinds).boxed()),
        (wrong, select(&["pie", "Line", "", "[line]"][..]).boxed()),
    ]);
    // A careful editor charts datasets that have values.
    let datasets: Vec<DatasetNames> = names
        .datasets
        .iter()
        .filter(|d| care > 0 || !d.values.is_empty())
        .cloned()
        .collect();
    let datasets = if datasets.is_empty() {
        vec![DatasetNames {
            id: "market".into(),
            ..DatasetNames::default()
        }]
    } else {
        datasets
    };
    let shape = if care == 0 { 3..10u8 } else { 0..10u8 };
    (
        select(datasets),
        kind,
        select(&["```", "~~~", "````"][..]),
        shape,
        any::<Index>(),
    )
        .prop_flat_map(move |(dataset, kind, fence, shape, pick)| {
            let whole = |column: &String| {
                dataset
                    .columns
                    .iter()
                    .any(|c| c.id == *column && c.whole.is_some())
            };
            // A careful editor draws shares of a whole only from columns that are parts of one.
            let kind = match kind {
                "donut" | "stacked100"
                    if care == 0 && !dataset.values.iter().any(|(c, _)| whole(c)) =>
                {
                    "stacked"
                }
                kind => kind,
            };
            let anchors: Vec<&(String, String)> = dataset
                .values
                .iter()
                .filter(|(c, _)| !matches!(kind, "donut" | "stacked100") || whole(c))
                .collect();
            // The value the chart is built around, and the columns it may draw with it.
            let (columns, at) = match anchors.get(pick.index(anchors.len().max(1))) {
                Some((column, period)) => {
                    let first = dataset.columns.iter().find(|c| c.id == *column);
                    let together = first
                        .map(|f| drawable_together(kind, &dataset.columns, f))
                        .unwrap_or_default();
                    (nonempty(&together, column), Some(period.clone()))
                }
                None => (
                    nonempty(
                        &dataset
                            .columns
                            .iter()
                            .map(|c| c.id.clone())
                            .collect::<Vec<_>>(),
                        "spend",
                    ),
                    None,
                ),
            };
            let first = columns[0].clone();
            let others: Vec<String> = columns.iter().skip(1).cloned().collect();
            let max = if kind == "sparkline" {
                0
            } else {
                others.len().min(3)
            };
            let y = prop_oneof![
                2 => Just(scalar(first.clone())),
                3 => prop::sample::subsequence(others, 0..=max).prop_map(move |c| {
                    let all = std::iter::once(first.clone()).chain(c).map(scalar).collect();
                    Y::Flow(Box::new(Y::List(all)))
                }),
            ];
            let y = one_of(vec![
                (12, y.boxed()),
                (
                    wrong,
                    prop::collection::vec(
                        select(nonempty(
                            &dataset
                                .columns
                                .iter()
                                .map(|c| c.id.clone())
                                .collect::<Vec<_>>(),
                            "spend",
                        ))
                        .prop_map(scalar),
                        0..5,
                    )
                    .prop_map(|c| Y::Flow(Box::new(Y::List(c))))
                    .boxed(),
                ),
            ]);
            let periods = nonempty(&dataset.periods, "2023-Q3");
            let known_period = one_of(vec![
                (6, select(periods).prop_map(scalar).boxed()),
                (wrong, period(care, 0)),
                (wrong, period(care, 1)),
                (wrong, period(care, 2)),
            ]);
            let annotation = map_of(vec![
                required(care, "period", known_period.clone()),
                required(care, "label", words(care)),
            ]);
            let reference = map_of(vec![
                required(care, "value", number(care)),
                field(care, "label", words(care)),
            ]);
            let single = matches!(kind, "hbar" | "donut");
            // A range or a period around the value: from it, to it, at it, or open.
            let around = |key: &'static str, wanted: bool| {
                let at = at.clone();
                let anywhere = known_period.clone();
                if care == 0 {
                    prop::bool::weighted(0.3)
                        .prop_map(move |on| match (&at, on && wanted) {
                            (Some(p), true) => vec![(key.to_string(), scalar(p.clone()))],
                            _ => Vec::new(),
                        })
                        .boxed()
                } else {
                    prop::option::weighted(0.3, anywhere)
                        .prop_map(move |p| {
                            p.map(|p| vec![(key.to_string(), p)]).unwrap_or_default()
                        })
                        .boxed()
                }
            };
            let data = one_of(vec![
                (8, Just(scalar(dataset.id.clone())).boxed()),
                (wrong, id(care, DATASETS).prop_map(scalar).boxed()),
            ]);
            let spec = map_of(vec![
                required(care, "kind", Just(scalar(kind))),
                required(care, "title", words(care)),
                required(care, "data", data),
                required(care, "y", y),
                around("from", !single),
                around("to", true),
                around("period", single),
                field(care, "annotate", list_of(annotation, 0..3)),
                field(care, "reference", list_of(reference, 0..3)),
                field(care, "caption", words(care)),
            ]);
            spec.prop_map(move |spec| match shape {
                // Unclosed, in a quote, indented in a list, with spaces: blocks as they
                // might be written.
                0 => format!("\n{fence}chart\n{}", spec.text()),
                1 => format!(
                    "\n> {fence}chart\n{}> {fence}\n",
                    indent(&spec.text(), "> ")
                ),
                2 => format!("\n{fence} chart \n{}{fence}\n", spec.text()),
                3 => format!(
                    "\n\n- item\n\n  {fence}chart\n{}  {fence}\n\n",
                    indent(&spec.text(), "  ")
                ),
                _ => format!("\n\n{fence}chart\n{}{fence}\n\n", spec.text()),
            })
        })
        .boxed()
}

fn indent(text: &str, prefix: &str) -> String {
    text.lines().map(|l| format!("{prefix}{l}\n")).collect()
}

fn body(care: Care, names: &Names) -> BoxedStrategy<String> {
    prop::collection::vec(body_piece(care, names), 0..16)
        .prop_map(|pieces| pieces.concat())
        .boxed()
}

fn front_matter(fm: &Y, body: &str, how: u8) -> String {
    let fm = fm.text();
    match how {
        0 => format!("{fm}\n{body}"),
        1 => format!("---\n{fm}"),
        2 => format!("\u{feff}---\n{fm}---\n{body}"),
        3 => format!(
            "---\r\n{}---\r\n{}",
            fm.replace('\n', "\r\n"),
            body.replace('\n', "\r\n")
        ),
        4 => format!("--- \n{fm}---  \n{body}"),
        _ => format!("---\n{fm}---\n{body}"),
    }
}

fn briefing(care: Care, names: &Names) -> BoxedStrategy<(String, String)> {
    let wrong = u32::from(care);
    let fm = map_of(vec![
        required(care, "title", words(care)),
        required(care, "period", period(care, 0)),
        required(care, "summary", words(care)),
        field(
            care,
            "draft",
            choice(care, &["true", "false"], &["yes", "1"]),
        ),
    ]);
    let how = one_of(vec![(20, Just(9u8).boxed()), (wrong, (0..9u8).boxed())]);
    let misnamed = one_of(vec![
        (12, Just(None).boxed()),
        (
            wrong,
            select(&["2023-q4", "2023", "notes", "2023-Q3"][..])
                .prop_map(Some)
                .boxed(),
        ),
    ]);
    (fm, body(care, names), how, misnamed)
        .prop_map(|(fm, body, how, misnamed)| {
            let stem = misnamed.map(str::to_string).unwrap_or_else(|| {
                fm.get("period")
                    .and_then(Y::plain)
                    .map_or("2023-q3".to_string(), |p| p.to_lowercase())
            });
            let stem = if stem.is_empty() || stem.contains('/') {
                "x".to_string()
            } else {
                stem
            };
            (
                format!("content/briefings/{stem}.md"),
                front_matter(&fm, &body, how),
            )
        })
        .boxed()
}

fn page(care: Care, names: &Names) -> BoxedStrategy<(String, String)> {
    let wrong = u32::from(care);
    let fm = map_of(vec![
        required(care, "title", words(care)),
        field(care, "description", words(care)),
    ]);
    let stem = one_of(vec![
        (12, select(PAGES).boxed()),
        (wrong, select(ODD_PAGES).boxed()),
    ]);
    let how = one_of(vec![(20, Just(9u8).boxed()), (wrong, (0..9u8).boxed())]);
    (stem, fm, body(care, names), how)
        .prop_map(|(stem, fm, body, how)| {
            (
                format!("content/pages/{stem}.md"),
                front_matter(&fm, &body, how),
            )
        })
        .boxed()
}

/// A whole generated site: its data first, then briefings and pages that refer to it.
fn structured_site() -> impl Strategy<Value = Case> {
    select(&[0u8, 0, 1, 2][..]).prop_flat_map(site_of)
}

fn site_of(care: Care) -> BoxedStrategy<Case> {
    {
        let wrong = u32::from(care);
        let dataset_path = one_of(vec![
            (12, select(DATASETS).boxed()),
            (wrong, select(ODD_DATASETS).boxed()),
        ])
        .prop_map(|d| format!("content/data/{d}.yaml"));
        let vendors = if care == 0 {
            vendors_yaml(care).prop_map(Some).boxed()
        } else {
            prop::option::weighted(0.9, vendors_yaml(care)).boxed()
        };
        let data = (
            sources_yaml(care),
            vendors,
            prop::collection::vec((dataset_path, dataset_yaml(care)), 1..4),
        )
            .prop_map(|(sources, vendors, datasets)| {
                let mut data: Vec<(String, Y)> =
                    vec![("content/data/sources.yaml".to_string(), sources)];
                data.extend(vendors.map(|v| ("content/data/vendors.yaml".to_string(), v)));
                for (path, dataset) in datasets {
                    if !data.iter().any(|(p, _)| *p == path) {
                        data.push((path, dataset));
                    }
                }
                data
            });
        data.prop_flat_map(move |data| {
            let names = Names::of(&data);
            let texts: Files = data.iter().map(|(p, y)| (p.clone(), y.text())).collect();
            (
                Just(texts),
                site_yaml(care, &names).prop_map(|y| ("content/site.yaml".to_string(), y.text())),
                prop::collection::vec(briefing(care, &names), 0..3),
                prop::collection::vec(page(care, &names), 0..3),
            )
        })
        .prop_map(|(mut files, site, briefings, pages)| {
            files.insert(0, site);
            for (path, text) in briefings.into_iter().chain(pages) {
                if !files.iter().any(|(p, _)| *p == path) {
                    files.push((path, text));
                }
            }
            let changed = files.iter().map(|(p, _)| p.clone()).collect();
            Case { files, changed }
        })
        .boxed()
    }
}

/// Files where they belong, each of hostile text; or a YAML tree of anything.
fn hostile_site() -> impl Strategy<Value = Case> {
    let yaml_file = prop_oneof![
        2 => hostile_long(),
        1 => small_tree().prop_map(|y| y.text()),
        1 => deep(),
    ];
    let md_file = prop_oneof![
        1 => hostile_long(),
        2 => (hostile_long(), hostile_long()).prop_map(|(fm, body)| format!("---\n{fm}\n---\n{body}")),
        1 => (hostile(), deep()).prop_map(|(fm, body)| format!("---\ntitle: {fm}\n---\n{body}")),
    ];
    let paths = select(
        &[
            "content/site.yaml",
            "content/data/sources.yaml",
            "content/data/vendors.yaml",
            "content/data/market.yaml",
            "content/data/vendor-shares.yaml",
            "content/briefings/2023-q3.md",
            "content/briefings/2023-q1.md",
            "content/pages/about.md",
        ][..],
    );
    (paths, yaml_file, md_file, any::<bool>()).prop_map(|(path, yaml, md, alone)| {
        let text = if path.ends_with(".md") { md } else { yaml };
        // Into the fixture site, so the rest of the pipeline has something to work with, or
        // on its own with only a valid site.yaml.
        let mut files: Files = if alone {
            vec![("content/site.yaml".to_string(), fixture::SITE.to_string())]
        } else {
            fixture_files().clone()
        };
        files.retain(|(p, _)| p != path);
        files.push((path.to_string(), text));
        Case {
            files,
            changed: vec![path.to_string()],
        }
    })
}

// ---------------------------------------------------------------------------------------
// Mutations of real files

/// One random edit of a file's text.
#[derive(Clone, Debug)]
enum Edit {
    DeleteLine(Index),
    DuplicateLine(Index),
    SwapLines(Index, Index),
    MoveLine(Index, Index),
    ReplaceLine(Index, String),
    Insert(Index, String),
    Truncate(Index),
    DeleteChars(Index, u8),
    Indent(Index, &'static str),
    Outdent(Index, u8),
    ReplaceNumber(Index, &'static str),
    ReplacePeriod(Index, &'static str),
    ReplaceWord(Index, Index),
}

fn edit() -> impl Strategy<Value = Edit> {
    let i = any::<Index>;
    prop_oneof![
        3 => i().prop_map(Edit::DeleteLine),
        2 => i().prop_map(Edit::DuplicateLine),
        2 => (i(), i()).prop_map(|(a, b)| Edit::SwapLines(a, b)),
        1 => (i(), i()).prop_map(|(a, b)| Edit::MoveLine(a, b)),
        1 => (i(), hostile()).prop_map(|(a, h)| Edit::ReplaceLine(a, h)),
        5 => (i(), hostile()).prop_map(|(a, h)| Edit::Insert(a, h)),
        1 => i().prop_map(Edit::Truncate),
        2 => (i(), 1..40u8).prop_map(|(a, n)| Edit::DeleteChars(a, n)),
        2 => (i(), select(&[" ", "  ", "    ", "\t", "- ", "> ", "? "][..])).prop_map(|(a, s)| Edit::Indent(a, s)),
        2 => (i(), 1..5u8).prop_map(|(a, n)| Edit::Outdent(a, n)),
        3 => (i(), select(EXTREME_NUMBERS)).prop_map(|(a, n)| Edit::ReplaceNumber(a, n)),
        2 => (i(), select(NOT_NUMBERS)).prop_map(|(a, n)| Edit::ReplaceNumber(a, n)),
        2 => (i(), select(NICE_NUMBERS)).prop_map(|(a, n)| Edit::ReplaceNumber(a, n)),
        4 => (i(), select(ODD_PERIODS)).prop_map(|(a, p)| Edit::ReplacePeriod(a, p)),
        2 => (i(), select(QUARTERS)).prop_map(|(a, p)| Edit::ReplacePeriod(a, p)),
        3 => (i(), i()).prop_map(|(a, b)| Edit::ReplaceWord(a, b)),
    ]
}

/// The byte offsets of every character boundary, the end included.
fn boundaries(text: &str) -> Vec<usize> {
    text.char_indices()
        .map(|(i, _)| i)
        .chain([text.len()])
        .collect()
}

/// Byte ranges of numbers (digits with inner `.`), of periods (`2023-Q3`, `2023-H1`,
/// `2023-FY`) and of words (ids, names: letters, digits, `-`, `_`, `.`).
fn spans(text: &str, what: fn(&str, usize) -> Option<usize>) -> Vec<std::ops::Range<usize>> {
    let mut found = Vec::new();
    let mut i = 0;
    while i < text.len() {
        let starts = text.is_char_boundary(i)
            && (i == 0 || !text[..i].ends_with(|c: char| c.is_alphanumeric()));
        match what(text, i).filter(|_| starts) {
            Some(len) if len > 0 => {
                found.push(i..i + len);
                i += len;
            }
            _ => i += 1,
        }
    }
    found
}

fn number_at(text: &str, i: usize) -> Option<usize> {
    let rest = text.get(i..)?;
    let len = rest
        .char_indices()
        .take_while(|(j, c)| c.is_ascii_digit() || (*c == '.' && *j > 0))
        .count();
    (len > 0 && rest.starts_with(|c: char| c.is_ascii_digit())).then_some(len)
}

fn period_at(text: &str, i: usize) -> Option<usize> {
    let b = text.get(i..)?.as_bytes();
    let year = b.len() >= 4 && b[..4].iter().all(u8::is_ascii_digit);
    if !year {
        return None;
    }
    match b.get(4..7) {
        Some([b'-', b'Q' | b'H', d]) if d.is_ascii_digit() => Some(7),
        Some([b'-', b'F', b'Y']) => Some(7),
        _ => Some(4),
    }
}

fn word_at(text: &str, i: usize) -> Option<usize> {
    let rest = text.get(i..)?;
    let len: usize = rest
        .chars()
        .take_while(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | '.'))
        .map(char::len_utf8)
        .sum();
    (len > 1).then_some(len)
}

fn replace_span(text: &str, found: &[std::ops::Range<usize>], at: &Index, with: &str) -> String {
    if found.is_empty() {
        return text.to_string();
    }
    let r = &found[at.index(found.len())];
    format!("{}{with}{}", &text[..r.start], &text[r.end..])
}

fn apply_edit(text: &str, edit: &Edit) -> String {
    let mut lines: Vec<&str> = text.split_inclusive('\n').collect();
    let n = lines.len();
    let join = |lines: Vec<&str>| lines.concat();
    let cuts = boundaries(text);
    let at = |i: &Index| cuts[i.index(cuts.len())];
    match edit {
        Edit::DeleteLine(i) if n > 0 => {
            lines.remove(i.index(n));
            join(lines)
        }
        Edit::DuplicateLine(i) if n > 0 => {
            let k = i.index(n);
            lines.insert(k, lines[k]);
            join(lines)
        }
        Edit::SwapLines(a, b) if n > 0 => {
            lines.swap(a.index(n), b.index(n));
            join(lines)
        }
        Edit::MoveLine(a, b) if n > 0 => {
            let line = lines.remove(a.index(n));
            lines.insert(b.index(n), line);
            join(lines)
        }
        Edit::ReplaceLine(i, with) if n > 0 => {
            let k = i.index(n);
            let owned = format!("{with}\n");
            let mut out: Vec<String> = lines.iter().map(|l| l.to_string()).collect();
            out[k] = owned;
            out.concat()
        }
        Edit::Insert(i, with) => {
            let p = at(i);
            format!("{}{with}{}", &text[..p], &text[p..])
        }
        Edit::Truncate(i) => text[..at(i)].to_string(),
        Edit::DeleteChars(i, len) => {
            let k = i.index(cuts.len());
            let end = cuts[(k + usize::from(*len)).min(cuts.len() - 1)];
            format!("{}{}", &text[..cuts[k]], &text[end..])
        }
        Edit::Indent(i, with) if n > 0 => {
            let k = i.index(n);
            let mut out: Vec<String> = lines.iter().map(|l| l.to_string()).collect();
            out[k] = format!("{with}{}", out[k]);
            out.concat()
        }
        Edit::Outdent(i, by) if n > 0 => {
            let k = i.index(n);
            let mut out: Vec<String> = lines.iter().map(|l| l.to_string()).collect();
            let line = &out[k];
            let spaces = line.len() - line.trim_start_matches(' ').len();
            out[k] = line[spaces.min(usize::from(*by))..].to_string();
            out.concat()
        }
        Edit::ReplaceNumber(i, with) => replace_span(text, &spans(text, number_at), i, with),
        Edit::ReplacePeriod(i, with) => replace_span(text, &spans(text, period_at), i, with),
        Edit::ReplaceWord(i, j) => {
            let words = spans(text, word_at);
            if words.is_empty() {
                return text.to_string();
            }
            let other = text[words[j.index(words.len())].clone()].to_string();
            replace_span(text, &words, i, &other)
        }
        _ => text.to_string(),
    }
}

/// A change to a site: edits to one of its files, a file removed, or a file copied under
/// another name.
#[derive(Clone, Debug)]
enum Change {
    Edit(Index, Vec<Edit>),
    Remove(Index),
    Copy(Index, &'static str),
}

fn change() -> impl Strategy<Value = Change> {
    prop_oneof![
        12 => (any::<Index>(), prop::collection::vec(edit(), 1..5)).prop_map(|(f, e)| Change::Edit(f, e)),
        1 => any::<Index>().prop_map(Change::Remove),
        1 => (any::<Index>(), select(&[
            "content/briefings/2023-q4.md",
            "content/briefings/2019-q1.md",
            "content/briefings/notes.md",
            "content/pages/copy.md",
            "content/pages/index.md",
            "content/data/copy.yaml",
            "content/data/sources.yaml",
            "content/site.yaml",
        ][..])).prop_map(|(f, to)| Change::Copy(f, to)),
    ]
}

fn apply_changes(base: &Files, changes: &[Change]) -> Case {
    let mut files = base.clone();
    let mut changed: Vec<String> = Vec::new();
    let note = |changed: &mut Vec<String>, path: &str| {
        if !changed.iter().any(|p| p == path) {
            changed.push(path.to_string());
        }
    };
    for change in changes {
        if files.is_empty() {
            break;
        }
        match change {
            Change::Edit(f, edits) => {
                let k = f.index(files.len());
                for e in edits {
                    files[k].1 = apply_edit(&files[k].1, e);
                }
                note(&mut changed, &files[k].0.clone());
            }
            Change::Remove(f) => {
                let (path, _) = files.remove(f.index(files.len()));
                note(&mut changed, &path);
            }
            Change::Copy(f, to) => {
                let text = files[f.index(files.len())].1.clone();
                files.retain(|(p, _)| p != to);
                files.push((to.to_string(), text));
                note(&mut changed, to);
            }
        }
    }
    Case { files, changed }
}

fn mutated(base: &'static Files) -> impl Strategy<Value = Case> {
    prop::collection::vec(change(), 1..4).prop_map(move |changes| apply_changes(base, &changes))
}

/// The shipped site with two of its briefings (any two, so every briefing is edited in some
/// case), with random edits. Briefings do not link to each other, so two build as well as all.
fn mutated_shipped() -> impl Strategy<Value = Case> {
    let base = shipped_files();
    let briefings: Vec<usize> = (0..base.len())
        .filter(|&i| base[i].0.starts_with("content/briefings/"))
        .collect();
    (
        select(briefings.clone()),
        select(briefings),
        prop::collection::vec(change(), 1..4),
    )
        .prop_map(move |(a, b, changes)| {
            let files: Files = base
                .iter()
                .enumerate()
                .filter(|(i, (path, _))| {
                    !path.starts_with("content/briefings/") || *i == a || *i == b
                })
                .map(|(_, f)| f.clone())
                .collect();
            apply_changes(&files, &changes)
        })
}

fn fixture_files() -> &'static Files {
    static FILES: OnceLock<Files> = OnceLock::new();
    FILES.get_or_init(|| {
        fixture::FILES
            .iter()
            .map(|(p, t)| (p.to_string(), t.to_string()))
            .collect()
    })
}

/// The shipped site's content, as read from disk.
fn shipped_files() -> &'static Files {
    static FILES: OnceLock<Files> = OnceLock::new();
    FILES.get_or_init(|| {
        let loaded = quarterly::load::load_content(Path::new(env!("CARGO_MANIFEST_DIR")))
            .unwrap_or_else(|d| panic!("the shipped site loads:\n{d}"));
        loaded
            .site
            .iter()
            .chain(&loaded.sources)
            .chain(&loaded.vendors)
            .chain(&loaded.datasets)
            .chain(&loaded.briefings)
            .chain(&loaded.pages)
            .map(|f| (f.path.clone(), f.text.to_string()))
            .collect()
    })
}

// ---------------------------------------------------------------------------------------
// The properties

#[test]
fn hostile_text_in_any_file_never_panics() {
    let cases = total_cases() * HOSTILE_WEIGHT / WEIGHTS;
    check_property("hostile files", cases, hostile_site());
}

#[test]
fn generated_sites_never_panic() {
    let cases = total_cases() * STRUCTURED_WEIGHT / WEIGHTS;
    check_property("generated sites", cases, structured_site());
}

#[test]
fn the_fixture_with_random_edits_never_panics() {
    let cases = total_cases() * FIXTURE_WEIGHT / WEIGHTS;
    let outcomes = check_property("edited fixture", cases, mutated(fixture_files()));
    assert_mixed("edited fixture", outcomes);
}

#[test]
fn the_shipped_site_with_random_edits_never_panics() {
    let cases = total_cases() * SHIPPED_WEIGHT / WEIGHTS;
    let outcomes = check_property("edited shipped site", cases, mutated_shipped());
    assert_mixed("edited shipped site", outcomes);
}

/// The generators reach every stage: intact inputs build, and generated sites both build
/// and fail, so the properties above exercise rendering as well as the checks.
#[test]
fn the_generators_reach_rendering() {
    assert_eq!(
        run_pipeline(fixture_files(), true).ok(),
        Some(Outcome::Built)
    );
    assert_eq!(
        run_pipeline(shipped_files(), false).ok(),
        Some(Outcome::Built)
    );
    let mut runner = TestRunner::deterministic();
    let strategy = site_of(0);
    let mut outcomes = BTreeMap::new();
    for _ in 0..100 {
        let case = strategy
            .new_tree(&mut runner)
            .expect("a generated site")
            .current();
        let outcome = run_pipeline(&case.files, true).unwrap_or_else(|e| panic!("{e}\n{case:?}"));

        *outcomes.entry(format!("{outcome:?}")).or_insert(0) += 1;
    }
    let built = outcomes.get("Built").copied().unwrap_or(0);
    eprintln!("careful generated sites: {outcomes:?}");
    assert!(built >= 50, "too few careful sites build: {outcomes:?}");
    assert!(built <= 90, "too few careful sites fail: {outcomes:?}");
}

/// The real binary on a site that built, broken by a random edit: it exits 1, never 101 or
/// by a signal, prints what is wrong, and leaves `dist/` exactly as it was.
#[test]
fn a_broken_build_exits_1_and_leaves_dist_as_it_was() {
    let cases = (total_cases() / 1_000).clamp(30, 2_000);
    let breaking = mutated(fixture_files()).prop_filter("the edit breaks the build", |case| {
        render_from_files(&content_files(&case.files), BuildOptions::default()).is_err()
    });
    let mut runner = TestRunner::new(config(cases));
    let result = runner.run(&breaking, |case| {
        let site = fixture::Site::new();
        let first = site.run(&["build"]);
        prop_assert!(first.status.success(), "the fixture builds");
        let before = fixture::snapshot_dir(&site.dist());
        for path in &case.changed {
            let on_disk = site.root().join(path);
            match case.files.iter().find(|(p, _)| p == path) {
                Some((_, text)) => site.write(path, text),
                None => std::fs::remove_file(&on_disk)
                    .map_err(|e| TestCaseError::fail(format!("{path}: {e}")))?,
            }
        }
        let out = site.run(&["build"]);
        let stderr = String::from_utf8_lossy(&out.stderr);
        prop_assert_eq!(
            out.status.code(),
            Some(1),
            "exit status {:?}, stderr:\n{}",
            out.status,
            stderr
        );
        prop_assert!(
            stderr.contains("error"),
            "the problem is printed:\n{}",
            stderr
        );
        prop_assert!(
            before == fixture::snapshot_dir(&site.dist()),
            "dist/ changed"
        );
        let leftovers: Vec<String> = std::fs::read_dir(site.root())
            .map_err(|e| TestCaseError::fail(e.to_string()))?
            .filter_map(|e| e.ok())
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| n.starts_with('.') && n != quarterly::output::CACHE_DIR)
            .collect();
        prop_assert!(leftovers.is_empty(), "staging left behind: {:?}", leftovers);
        Ok(())
    });
    if let Err(failure) = result {
        panic!("{failure}");
    }
}
