//! The `quarterly` command line: `build`, `check`, `serve`, `new` and `init`. Exit codes:
//! 0 success, 1 content errors, 2 usage errors (clap's own code for bad arguments).

use std::net::{IpAddr, SocketAddr};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use clap::{Parser, Subcommand};
use quarterly::diagnostics::Diagnostics;
use quarterly::period::Period;
use quarterly::{BuildOptions, WARNINGS_SHOWN, build, check};

/// Building a site makes and drops many small strings on several threads at once, which
/// jemalloc handles faster than the system's allocator, and returns to the system sooner
/// than mimalloc: the build benchmark's peak memory is half mimalloc's.
#[cfg(not(target_env = "msvc"))]
#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

#[derive(Parser)]
#[command(
    name = "quarterly",
    version,
    about = "Builds the quarterly report site from content/ into dist/"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Build the site into the output directory (dist/ by default).
    Build {
        /// The site root, holding content/ and templates/.
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// Where to write the site (default: ROOT/dist).
        #[arg(long)]
        out: Option<PathBuf>,
        /// Include briefings marked `draft: true`.
        #[arg(long)]
        drafts: bool,
        /// Print how long each stage took, and the peak memory.
        #[arg(long)]
        timings: bool,
        /// Run every page job again, rather than only those whose inputs changed since the
        /// last build into the same directory (files whose bytes are unchanged are still
        /// not written again, and drawn images still come from the cache).
        #[arg(long)]
        fresh: bool,
    },
    /// Validate everything (data, charts, templates, internal links) without writing anything.
    Check {
        /// The site root, holding content/ and templates/.
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// Also check briefings marked `draft: true`.
        #[arg(long)]
        drafts: bool,
        /// Treat warnings as errors, for publishing pipelines.
        #[arg(long)]
        deny_warnings: bool,
        /// Print how long each stage took, and the peak memory.
        #[arg(long)]
        timings: bool,
    },
    /// Preview the site with drafts, rebuilding and reloading the browser on every change.
    Serve {
        /// The site root, holding content/ and templates/.
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// The port to listen on (0 picks a free one).
        #[arg(long, default_value_t = 1111)]
        port: u16,
        /// The address to listen on. Only this machine can reach the default.
        #[arg(long, default_value = "127.0.0.1")]
        bind: IpAddr,
        /// Open the site in a browser.
        #[arg(long)]
        open: bool,
    },
    /// Start the briefing for a quarter (default: the quarter after the latest briefing).
    New {
        /// The quarter, such as 2026-Q1.
        period: Option<String>,
        /// The site root, holding content/ and templates/.
        #[arg(long, default_value = ".")]
        root: PathBuf,
    },
    /// Start a new site: a small working publication to edit, with copies of the templates.
    Init {
        /// Where to create it; it must not already have content/ or templates/.
        #[arg(default_value = ".")]
        dir: PathBuf,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Build {
            root,
            out,
            drafts,
            timings,
            fresh,
        } => {
            let out = out.unwrap_or_else(|| root.join("dist"));
            if let Err(message) = check_output_dir(&root, &out) {
                eprintln!("error: {message}");
                return ExitCode::from(2);
            }
            let started = Instant::now();
            let options = BuildOptions {
                drafts,
                keep_warnings: Some(WARNINGS_SHOWN),
                fresh,
            };
            match build(&root, &out, options) {
                Ok(site) => {
                    print_some_diagnostics(site.warnings, WARNINGS_SHOWN);
                    println!(
                        "built {} pages with {} charts into {} in {} ms",
                        site.pages,
                        site.charts,
                        out.display(),
                        started.elapsed().as_millis()
                    );
                    if timings {
                        print!("{}", site.timings);
                    }
                    ExitCode::SUCCESS
                }
                Err(diagnostics) => fail(
                    diagnostics,
                    &format!("{} was left unchanged", out.display()),
                ),
            }
        }
        Command::Check {
            root,
            drafts,
            deny_warnings,
            timings,
        } => match check(
            &root,
            BuildOptions {
                drafts,
                keep_warnings: None,
                fresh: false,
            },
        ) {
            Ok(site) if deny_warnings && !site.warnings.is_empty() => fail(
                site.warnings.deny_warnings(),
                "warnings are errors with --deny-warnings",
            ),
            Ok(site) => {
                print_diagnostics(&site.warnings);
                let verdict = match site.warnings.warning_count() {
                    0 => "no problems".to_string(),
                    1 => "no errors, 1 warning".to_string(),
                    n => format!("no errors, {n} warnings"),
                };
                println!(
                    "checked {} pages with {} charts: {verdict}",
                    site.pages, site.charts
                );
                if timings {
                    print!("{}", site.timings);
                }
                ExitCode::SUCCESS
            }
            Err(diagnostics) => fail(diagnostics, "nothing was written"),
        },
        Command::Serve {
            root,
            port,
            bind,
            open,
        } => {
            if !root.join("content").is_dir() {
                eprintln!(
                    "error: no `content/` directory in {}; run from the site root or pass --root",
                    root.display()
                );
                return ExitCode::from(2);
            }
            match quarterly::serve::serve(root, SocketAddr::new(bind, port), open) {
                Ok(()) => ExitCode::SUCCESS,
                Err(message) => {
                    eprintln!("error: {message}");
                    ExitCode::from(2)
                }
            }
        }
        Command::New { period, root } => new(period, &root),
        Command::Init { dir } => init(&dir),
    }
}

fn init(dir: &Path) -> ExitCode {
    match quarterly::scaffold::init(dir) {
        Ok(written) => {
            println!(
                "wrote a new site of {} files into {}",
                written.len(),
                dir.display()
            );
            let root = if dir == Path::new(".") {
                String::new()
            } else {
                format!(" --root {}", dir.display())
            };
            println!(
                "next: `quarterly serve{root}` to preview it, `quarterly new{root}` to start the next quarter"
            );
            ExitCode::SUCCESS
        }
        Err(quarterly::scaffold::InitError::Refused(message)) => {
            eprintln!("error: {message}");
            ExitCode::from(2)
        }
        Err(quarterly::scaffold::InitError::Failed(diagnostics)) => {
            print_diagnostics(&diagnostics);
            eprintln!("init failed; nothing was left behind");
            ExitCode::from(1)
        }
    }
}

fn new(period: Option<String>, root: &Path) -> ExitCode {
    let period = match period {
        Some(text) => match text.parse::<Period>() {
            Ok(p) => p,
            Err(e) => {
                eprintln!("error: {e}");
                return ExitCode::from(2);
            }
        },
        None => match quarterly::scaffold::next_period(root) {
            Some(p) => p,
            None => {
                eprintln!(
                    "error: no briefing in content/briefings/ to follow; name the quarter, e.g. `quarterly new 2026-Q1`"
                );
                return ExitCode::from(2);
            }
        },
    };
    // The datasets say what the quarter still lacks; a site with errors still gets its file.
    let content = quarterly::load::load_content(root)
        .ok()
        .and_then(|f| quarterly::parse::parse_content(&f).ok());
    match quarterly::scaffold::new_briefing(root, period, content.as_ref()) {
        Ok(done) => {
            println!(
                "wrote {} (a draft: `quarterly serve` shows it, `build` leaves it out until you remove `draft: true`)",
                done.path
            );
            if done.missing.is_empty() {
                println!("every quarterly dataset has {} values", done.period);
            } else {
                println!("data still missing for {}:", done.period);
                for line in &done.missing {
                    println!("  - {line}");
                }
            }
            ExitCode::SUCCESS
        }
        Err(diagnostics) => {
            print_diagnostics(&diagnostics);
            eprintln!("no briefing was written");
            ExitCode::from(1)
        }
    }
}

/// Prints diagnostics to stderr, coloured on a terminal and plain otherwise.
fn print_diagnostics(diagnostics: &Diagnostics) {
    print_some_diagnostics(diagnostics.clone(), usize::MAX);
}

/// Prints every error and the first `warnings` warnings, and how many more there are.
fn print_some_diagnostics(diagnostics: Diagnostics, warnings: usize) {
    if !diagnostics.is_empty() {
        anstream::eprint!("{}", diagnostics.sorted().render_some(true, warnings));
    }
}

fn fail(diagnostics: Diagnostics, note: &str) -> ExitCode {
    print_diagnostics(&diagnostics);
    eprintln!("build failed; {note}");
    ExitCode::from(1)
}

/// Refuses an output directory that would overwrite the site's own sources.
fn check_output_dir(root: &Path, out: &Path) -> Result<(), String> {
    let absolute = |p: &Path| std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf());
    let (root, out_abs) = (absolute(root), absolute(out));
    let protected = [
        root.clone(),
        root.join("content"),
        root.join("templates"),
        root.join("src"),
    ];
    if protected
        .iter()
        .any(|p| p.starts_with(&out_abs) || out_abs.starts_with(p.join("")) && p != &root)
    {
        return Err(format!(
            "refusing to write the site into {}: it would replace the site's own files",
            out.display()
        ));
    }
    Ok(())
}
