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

use crate::model::{ImageFile, OutputFile};
use crate::timings::ImageReport;

/// Where rendered files go. Pages render on several threads, so a sink takes files from any.
pub trait Sink: Sync {
    /// Takes one file of the site, its path relative to the output directory.
    fn put(&self, path: &str, bytes: Vec<u8>) -> io::Result<()>;

    /// Takes one image of the site as the SVG it is drawn from. Unless the sink says
    /// otherwise, it is drawn now and taken as a file.
    fn put_image(&self, image: ImageFile) -> io::Result<()> {
        let bytes = draw(&image)?;
        self.put(&image.path, bytes)
    }
}

/// An image drawn as its PNG.
fn draw(image: &ImageFile) -> io::Result<Vec<u8>> {
    crate::raster::png(&image.svg, image.scale)
        .map_err(|e| io::Error::other(format!("the image cannot be drawn: {e}")))
}

/// Keeps every file in memory, for the preview server and for tests. Images are kept as
/// the SVG they are drawn from, to be drawn when they are asked for.
#[derive(Default)]
pub struct Memory {
    files: Mutex<Vec<OutputFile>>,
    images: Mutex<Vec<ImageFile>>,
}

impl Memory {
    /// The files, in path order.
    pub fn into_files(self) -> Vec<OutputFile> {
        self.into_parts().0
    }

    /// The files and the images not yet drawn, each in path order.
    pub fn into_parts(self) -> (Vec<OutputFile>, Vec<ImageFile>) {
        let mut files = self.files.into_inner().unwrap_or_else(|e| e.into_inner());
        files.sort_by(|a, b| a.path.cmp(&b.path));
        let mut images = self.images.into_inner().unwrap_or_else(|e| e.into_inner());
        images.sort_by(|a, b| a.path.cmp(&b.path));
        (files, images)
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

    fn put_image(&self, image: ImageFile) -> io::Result<()> {
        self.images
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(image);
        Ok(())
    }
}

/// Drops every file: `check` builds the whole site and writes nothing.
pub struct Nowhere;

impl Sink for Nowhere {
    fn put(&self, _path: &str, _bytes: Vec<u8>) -> io::Result<()> {
        Ok(())
    }

    fn put_image(&self, _image: ImageFile) -> io::Result<()> {
        Ok(())
    }
}

/// Where drawn images are kept between builds, by a hash of what they are drawn from: a
/// build whose charts did not change draws none. The folder ignores itself for git.
pub struct ImageCache {
    dir: PathBuf,
    /// Whether the folder was made, or why it could not be.
    made: std::sync::OnceLock<Result<(), String>>,
    /// Images drawn, and taken from the cache.
    pub drawn: AtomicU64,
    pub reused: AtomicU64,
    /// Nanoseconds spent drawing, summed over threads.
    pub drawing: AtomicU64,
    /// Social cards drawn, and the nanoseconds they took (the rest are charts' PNGs).
    pub cards: AtomicU64,
    pub card_drawing: AtomicU64,
}

/// The cache folder of a site, in its root.
pub const CACHE_DIR: &str = ".quarterly-cache";

impl ImageCache {
    /// The cache of the site at `root`; its folder is made with the first image drawn.
    pub fn open(root: &Path) -> io::Result<ImageCache> {
        Ok(ImageCache {
            dir: root.join(CACHE_DIR).join("images"),
            made: std::sync::OnceLock::new(),
            drawn: AtomicU64::new(0),
            reused: AtomicU64::new(0),
            drawing: AtomicU64::new(0),
            cards: AtomicU64::new(0),
            card_drawing: AtomicU64::new(0),
        })
    }

    /// Makes the cache folder, which tells git to ignore it, once.
    fn make(&self) -> io::Result<()> {
        let made = self.made.get_or_init(|| {
            fs::create_dir_all(&self.dir).map_err(|e| e.to_string())?;
            let Some(folder) = self.dir.parent() else {
                return Ok(());
            };
            let ignore = folder.join(".gitignore");
            if !ignore.exists() {
                fs::write(
                    ignore,
                    "# Made by quarterly: images drawn by earlier builds.\n*\n",
                )
                .map_err(|e| e.to_string())?;
            }
            Ok(())
        });
        made.clone().map_err(io::Error::other)
    }

    /// Images drawn and reused, and the thread time drawing charts' PNGs and cards.
    pub fn report(&self) -> ImageReport {
        let load = |n: &AtomicU64| n.load(Ordering::Relaxed);
        let (drawn, cards) = (load(&self.drawn), load(&self.cards));
        let (drawing, card_drawing) = (load(&self.drawing), load(&self.card_drawing));
        ImageReport {
            drawn,
            reused: load(&self.reused),
            charts: (
                drawn.saturating_sub(cards),
                Duration::from_nanos(drawing.saturating_sub(card_drawing)),
            ),
            cards: (cards, Duration::from_nanos(card_drawing)),
        }
    }

    /// The file of an image in the cache, drawn first if it is not there yet.
    pub fn file_of(&self, image: &ImageFile) -> io::Result<PathBuf> {
        let mut hasher = xxhash_rust::xxh3::Xxh3::new();
        hasher.update(crate::raster::RENDERER.as_bytes());
        hasher.update(&image.scale.to_le_bytes());
        hasher.update(image.svg.as_bytes());
        let file = self.dir.join(format!("{:032x}.png", hasher.digest128()));
        if file.exists() {
            self.reused.fetch_add(1, Ordering::Relaxed);
            return Ok(file);
        }
        self.make()?;
        let started = Instant::now();
        let bytes = draw(image)?;
        let nanos = u64::try_from(started.elapsed().as_nanos()).unwrap_or(u64::MAX);
        self.drawing.fetch_add(nanos, Ordering::Relaxed);
        self.drawn.fetch_add(1, Ordering::Relaxed);
        if image.path.starts_with(crate::routes::CARDS) {
            self.card_drawing.fetch_add(nanos, Ordering::Relaxed);
            self.cards.fetch_add(1, Ordering::Relaxed);
        }
        // Written whole under another name first: a build stopped halfway never leaves a
        // half-written image under a name a later build would trust.
        static PARTS: AtomicU64 = AtomicU64::new(0);
        let part = PARTS.fetch_add(1, Ordering::Relaxed);
        let partial = file.with_extension(format!("{}-{part}.part", std::process::id()));
        fs::write(&partial, bytes)?;
        fs::rename(&partial, &file)?;
        Ok(file)
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
    /// Where images drawn before are kept; without one, each is drawn.
    cache: Option<ImageCache>,
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
            cache: None,
        })
    }

    /// Takes images from `cache` and keeps those it draws there.
    pub fn with_cache(mut self, cache: ImageCache) -> Staging {
        self.cache = Some(cache);
        self
    }

    /// The image cache, to report what it did.
    pub fn cache(&self) -> Option<&ImageCache> {
        self.cache.as_ref()
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
            remove_in_parallel(&self.retired);
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

    fn put_image(&self, image: ImageFile) -> io::Result<()> {
        let Some(cache) = &self.cache else {
            let bytes = draw(&image)?;
            return self.put(&image.path, bytes);
        };
        let file = cache.file_of(&image)?;
        let started = Instant::now();
        let target = self.dir.join(&image.path);
        self.make_parent(&target)?;
        // A link to the cached file costs no copy; across file systems it is copied.
        let linked = fs::hard_link(&file, &target).or_else(|_| fs::copy(&file, &target).map(drop));
        let nanos = u64::try_from(started.elapsed().as_nanos()).unwrap_or(u64::MAX);
        self.busy.fetch_add(nanos, Ordering::Relaxed);
        linked
    }
}

impl Staging {
    fn write(&self, path: &str, bytes: &[u8]) -> io::Result<()> {
        let target = self.dir.join(path);
        self.make_parent(&target)?;
        fs::write(target, bytes)
    }

    /// Makes the folder `target` goes in, once.
    fn make_parent(&self, target: &Path) -> io::Result<()> {
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
        Ok(())
    }
}

/// Removes the directory `dir` and everything in it, its folders on all cores: the old site
/// of a build that replaced it is tens of thousands of files at 10,000 briefings.
fn remove_in_parallel(dir: &Path) {
    use rayon::prelude::*;
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    let entries: Vec<(PathBuf, bool)> = entries.filter_map(|e| e.ok().map(entry)).collect();
    entries.par_iter().for_each(|(path, is_dir)| {
        // A failure leaves a file behind in a folder no one uses: nothing to report.
        let _ = if *is_dir {
            remove_folder_in_parallel(path)
        } else {
            fs::remove_file(path)
        };
    });
    let _ = fs::remove_dir_all(dir);
}

/// A directory entry's path, and whether it is a folder (from the entry, without a stat
/// where the system says).
fn entry(e: fs::DirEntry) -> (PathBuf, bool) {
    let is_dir = e.file_type().is_ok_and(|t| t.is_dir());
    (e.path(), is_dir)
}

/// A folder's files removed on all cores, then the folder.
fn remove_folder_in_parallel(dir: &Path) -> io::Result<()> {
    use rayon::prelude::*;
    let entries: Vec<(PathBuf, bool)> = fs::read_dir(dir)?
        .filter_map(|e| e.ok().map(entry))
        .collect();
    entries.par_iter().for_each(|(path, is_dir)| {
        let _ = if *is_dir {
            remove_folder_in_parallel(path)
        } else {
            fs::remove_file(path)
        };
    });
    fs::remove_dir(dir)
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
