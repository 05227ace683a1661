//! How long each stage of a build took, and the most memory the build held at once, for
//! `build --timings` and `check --timings`.

use std::fmt;
use std::time::{Duration, Instant};

/// What the image cache did in one build.
#[derive(Clone, Copy, Debug, Default)]
pub struct ImageReport {
    pub drawn: u64,
    pub reused: u64,
    /// Charts' PNGs drawn, and the thread time they took.
    pub charts: (u64, Duration),
    /// Social cards drawn, and the thread time they took.
    pub cards: (u64, Duration),
}

/// What a build into a directory it built before reused of that build.
#[derive(Clone, Copy, Debug, Default)]
pub struct ReuseReport {
    pub jobs_run: usize,
    pub jobs_reused: usize,
    pub files_written: usize,
    pub files_removed: usize,
}

/// The stages run so far, in order, with their wall-clock times and the peak memory when
/// each had run.
#[derive(Clone, Debug, Default)]
pub struct Timings {
    stages: Vec<(&'static str, Duration)>,
    peaks: Vec<Option<u64>>,
    /// Time threads spent handing files to the output while pages rendered, summed over
    /// threads: part of the render stage, shown beside it.
    pub writing: Duration,
    /// What the image cache did.
    pub images: Option<ImageReport>,
    /// What the build reused of the one before, when it updated its output in place.
    pub reuse: Option<ReuseReport>,
}

impl Timings {
    /// Runs `stage`, adding its wall-clock time under `name`.
    pub fn time<T>(&mut self, name: &'static str, stage: impl FnOnce() -> T) -> T {
        let started = Instant::now();
        let result = stage();
        self.stages.push((name, started.elapsed()));
        self.peaks.push(peak_memory());
        result
    }

    /// The stages and their times, in the order they ran.
    pub fn stages(&self) -> &[(&'static str, Duration)] {
        &self.stages
    }

    pub fn total(&self) -> Duration {
        self.stages.iter().map(|(_, d)| *d).sum()
    }
}

/// The table `--timings` prints: one line a stage, the total, and the peak memory.
impl fmt::Display for Timings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let ms = |d: Duration| format!("{:.1} ms", d.as_secs_f64() * 1000.0);
        let width = self
            .stages
            .iter()
            .map(|(_, d)| ms(*d).len())
            .chain([ms(self.total()).len()])
            .max()
            .unwrap_or(0);
        for ((name, took), peak) in self.stages.iter().zip(&self.peaks) {
            write!(f, "  {name:<9} {:>width$}", ms(*took))?;
            if let Some(bytes) = peak {
                write!(f, "  {:>7.1} MiB peak", mib(*bytes))?;
            }
            if *name == "render" && !self.writing.is_zero() {
                write!(
                    f,
                    "  (of which {} of thread time handing files to the output)",
                    ms(self.writing)
                )?;
            }
            writeln!(f)?;
        }
        writeln!(f, "  {:<9} {:>width$}", "total", ms(self.total()))?;
        if let Some(images) = self.images {
            write!(
                f,
                "  images: {} drawn, {} from the cache",
                images.drawn, images.reused
            )?;
            let each =
                |(n, took): (u64, Duration)| ms(took / u32::try_from(n.max(1)).unwrap_or(u32::MAX));
            if images.drawn > 0 {
                write!(
                    f,
                    " ({} chart PNGs, {} each; {} cards, {} each; thread time)",
                    images.charts.0,
                    each(images.charts),
                    images.cards.0,
                    each(images.cards)
                )?;
            }
            writeln!(f)?;
        }
        match self.reuse {
            Some(reuse) => writeln!(
                f,
                "  pages: {} jobs run, {} unchanged since the last build; {} files written, {} removed",
                reuse.jobs_run, reuse.jobs_reused, reuse.files_written, reuse.files_removed
            )?,
            None if self.images.is_some() => {
                writeln!(f, "  pages: every job run (no earlier build to update)")?
            }
            None => {}
        }
        match peak_memory() {
            Some(bytes) => writeln!(f, "  peak memory {:.1} MiB", mib(bytes)),
            None => writeln!(f, "  peak memory: not known on this system"),
        }
    }
}

fn mib(bytes: u64) -> f64 {
    bytes as f64 / (1024.0 * 1024.0)
}

/// The most memory this process has held in RAM at once (its peak resident set), where the
/// system tells: Linux's `/proc/self/status`.
pub fn peak_memory() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: u64 = line
        .trim_start_matches("VmHWM:")
        .trim()
        .trim_end_matches("kB")
        .trim()
        .parse()
        .ok()?;
    Some(kib * 1024)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_each_stage_in_order_with_the_total() {
        let mut timings = Timings::default();
        let n = timings.time("load", || 2 + 2);
        assert_eq!(n, 4);
        timings.time("render", || std::thread::sleep(Duration::from_millis(2)));
        let names: Vec<_> = timings.stages().iter().map(|(n, _)| *n).collect();
        assert_eq!(names, ["load", "render"]);
        assert!(timings.total() >= Duration::from_millis(2));
        let text = timings.to_string();
        let lines: Vec<_> = text.lines().collect();
        assert!(lines[0].starts_with("  load "), "{text}");
        assert!(lines[1].starts_with("  render "), "{text}");
        assert!(lines[2].starts_with("  total "), "{text}");
        assert!(lines[3].contains("peak memory"), "{text}");
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn reads_the_peak_memory_on_linux() {
        let peak = peak_memory().expect("Linux reports VmHWM");
        assert!(
            peak > 1024 * 1024,
            "a running test holds over a MiB: {peak}"
        );
    }
}
