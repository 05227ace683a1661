//! Last stage: where the built files go. A build writes each file as soon as it is rendered,
//! into a staging directory beside the output directory; only once the whole site is built
//! and its links check out does the staging directory replace the old output, so a failed
//! build never leaves a half-written or emptied `dist/`. `check` writes nowhere, and the
//! preview server keeps the files in memory.

use std::collections::HashSet;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use crate::model::OutputFile;

/// Where rendered files go. Pages render on several threads, so a sink takes files from any.
pub trait Sink: Sync {
    /// Takes one file of the site, its path relative to the output directory.
    fn put(&self, path: &str, bytes: Vec<u8>) -> io::Result<()>;
}

/// Keeps every file in memory, for the preview server and for tests.
#[derive(Default)]
pub struct Memory {
    files: Mutex<Vec<OutputFile>>,
}

impl Memory {
    /// The files, in path order.
    pub fn into_files(self) -> Vec<OutputFile> {
        let mut files = self.files.into_inner().unwrap_or_else(|e| e.into_inner());
        files.sort_by(|a, b| a.path.cmp(&b.path));
        files
    }
}

impl Sink for Memory {
    fn put(&self, path: &str, bytes: Vec<u8>) -> io::Result<()> {
        let file = OutputFile {
            path: path.to_string(),
            bytes,
        };
        self.files
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(file);
        Ok(())
    }
}

/// Drops every file: `check` builds the whole site and writes nothing.
pub struct Nowhere;

impl Sink for Nowhere {
    fn put(&self, _path: &str, _bytes: Vec<u8>) -> io::Result<()> {
        Ok(())
    }
}

/// A directory beside the output directory that the build writes into, and that replaces
/// the output directory when the build succeeds. Dropped without [`Staging::publish`], it
/// removes itself and the output directory stays as it was.
pub struct Staging {
    out: PathBuf,
    dir: PathBuf,
    retired: PathBuf,
    /// The directories made so far, so each is made once however many files it holds.
    made: Mutex<HashSet<PathBuf>>,
    /// Nanoseconds spent writing, summed over threads.
    busy: AtomicU64,
}

impl Staging {
    /// Starts a staging directory for `out`, beside it.
    pub fn new(out: &Path) -> io::Result<Staging> {
        let parent = match out.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        fs::create_dir_all(&parent)?;
        let name = out
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "dist".to_string());
        let id = std::process::id();
        let dir = parent.join(format!(".{name}.staging-{id}"));
        let retired = parent.join(format!(".{name}.old-{id}"));
        // Left over from a build of a process with the same id that was killed.
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir)?;
        Ok(Staging {
            out: out.to_path_buf(),
            made: Mutex::new(HashSet::from([dir.clone()])),
            busy: AtomicU64::new(0),
            dir,
            retired,
        })
    }

    /// The time spent writing files so far, summed over the threads that wrote them.
    pub fn busy(&self) -> Duration {
        Duration::from_nanos(self.busy.load(Ordering::Relaxed))
    }

    /// Replaces the output directory with everything written so far.
    pub fn publish(self) -> io::Result<()> {
        if self.out.exists() {
            fs::rename(&self.out, &self.retired)?;
            if let Err(err) = fs::rename(&self.dir, &self.out) {
                // Put the old site back rather than leave nothing.
                let _ = fs::rename(&self.retired, &self.out);
                return Err(err);
            }
            let _ = fs::remove_dir_all(&self.retired);
        } else {
            fs::rename(&self.dir, &self.out)?;
        }
        Ok(())
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        // After `publish` the directory is gone and this does nothing.
        let _ = fs::remove_dir_all(&self.dir);
    }
}

impl Sink for Staging {
    fn put(&self, path: &str, bytes: Vec<u8>) -> io::Result<()> {
        let started = Instant::now();
        let written = self.write(path, &bytes);
        let nanos = u64::try_from(started.elapsed().as_nanos()).unwrap_or(u64::MAX);
        self.busy.fetch_add(nanos, Ordering::Relaxed);
        written
    }
}

impl Staging {
    fn write(&self, path: &str, bytes: &[u8]) -> io::Result<()> {
        let target = self.dir.join(path);
        if let Some(parent) = target.parent() {
            let known = self
                .made
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .contains(parent);
            if !known {
                fs::create_dir_all(parent)?;
                self.made
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .insert(parent.to_path_buf());
            }
        }
        fs::write(target, bytes)
    }
}

/// Writes `files` into `out`, replacing whatever was there only when all writes succeeded.
pub fn write_site_atomically(out: &Path, files: &[OutputFile]) -> io::Result<()> {
    let staging = Staging::new(out)?;
    for file in files {
        staging.put(&file.path, file.bytes.clone())?;
    }
    staging.publish()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(path: &str, text: &str) -> OutputFile {
        OutputFile {
            path: path.to_string(),
            bytes: text.as_bytes().to_vec(),
        }
    }

    #[test]
    fn replaces_the_whole_output_and_leaves_no_staging() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("dist");
        write_site_atomically(&out, &[file("a.html", "1"), file("old.html", "x")]).unwrap();
        write_site_atomically(&out, &[file("a.html", "2"), file("b/c.html", "3")]).unwrap();
        assert_eq!(fs::read_to_string(out.join("a.html")).unwrap(), "2");
        assert_eq!(fs::read_to_string(out.join("b/c.html")).unwrap(), "3");
        assert!(
            !out.join("old.html").exists(),
            "files from the old build are gone"
        );
        let leftovers: Vec<_> = fs::read_dir(tmp.path()).unwrap().collect();
        assert_eq!(leftovers.len(), 1, "only dist/ remains");
    }

    #[test]
    fn a_failed_write_keeps_the_old_output() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("dist");
        write_site_atomically(&out, &[file("a.html", "1")]).unwrap();
        // A file and a directory with the same path cannot both be written.
        let err = write_site_atomically(&out, &[file("x", "1"), file("x/y.html", "2")]);
        assert!(err.is_err());
        assert_eq!(fs::read_to_string(out.join("a.html")).unwrap(), "1");
        assert_eq!(fs::read_dir(tmp.path()).unwrap().count(), 1);
    }

    #[test]
    fn a_staging_directory_dropped_unpublished_leaves_the_output_alone() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("dist");
        write_site_atomically(&out, &[file("a.html", "1")]).unwrap();
        {
            let staging = Staging::new(&out).unwrap();
            staging.put("a.html", b"2".to_vec()).unwrap();
            staging.put("deep/er/b.html", b"3".to_vec()).unwrap();
        }
        assert_eq!(fs::read_to_string(out.join("a.html")).unwrap(), "1");
        assert!(!out.join("deep").exists());
        assert_eq!(fs::read_dir(tmp.path()).unwrap().count(), 1);
    }
}
