//! The `quarterly` command line: `build` and `check`. Exit codes: 0 success, 1 content
//! errors, 2 usage errors (clap's own code for bad arguments).

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use clap::{Parser, Subcommand};
use quarterly::diagnostics::Diagnostics;
use quarterly::{BuildOptions, build, check};

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
    },
    /// Validate everything (data, charts, templates) without writing anything.
    Check {
        /// The site root, holding content/ and templates/.
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// Also check briefings marked `draft: true`.
        #[arg(long)]
        drafts: bool,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Build { root, out, drafts } => {
            let out = out.unwrap_or_else(|| root.join("dist"));
            if let Err(message) = check_output_dir(&root, &out) {
                eprintln!("error: {message}");
                return ExitCode::from(2);
            }
            let started = Instant::now();
            match build(&root, &out, BuildOptions { drafts }) {
                Ok(site) => {
                    println!(
                        "built {} pages with {} charts into {} in {} ms",
                        site.pages,
                        site.charts,
                        out.display(),
                        started.elapsed().as_millis()
                    );
                    ExitCode::SUCCESS
                }
                Err(diagnostics) => fail(
                    diagnostics,
                    &format!("{} was left unchanged", out.display()),
                ),
            }
        }
        Command::Check { root, drafts } => match check(&root, BuildOptions { drafts }) {
            Ok(site) => {
                println!(
                    "checked {} pages with {} charts: no problems",
                    site.pages, site.charts
                );
                ExitCode::SUCCESS
            }
            Err(diagnostics) => fail(diagnostics, "nothing was written"),
        },
    }
}

fn fail(diagnostics: Diagnostics, note: &str) -> ExitCode {
    eprint!("{}", diagnostics.sorted());
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
