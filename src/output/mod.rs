//! Last stage: where the built files go. A build writes each file as soon as it is rendered,
//! into a staging directory beside the output directory; only once the whole site is built
//! and its links check out does the staging directory replace the old output, so a failed
//! build never leaves a half-written or emptied `dist/`. `check` writes nowhere, and the
//! preview server keeps the files in memory.
//!
//! A build into a directory a build made before reads what that build recorded (`record`):
//! page jobs whose inputs did not change are not run again, and only the files whose bytes
//! changed are written, into the staging directory as before. Once the build succeeded they
//! move into the output directory one by one and the files no page makes any more go; the
//! record is dropped first and written again last, so a build stopped halfway leaves no
//! record and the next one makes everything.

pub mod record;

use std::collections::HashSet;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use rustc_hash::{FxHashMap, FxHashSet};

use crate::model::{ImageFile, OutputFile};
use crate::timings::{ImageReport, ReuseReport};
use record::{BuildRecord, JobRecord, PageRecord, Stamp, Target};

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

    /// What the page job `key` made in the build before, when it ran on inputs with the
    /// same `fingerprint` and its files are still as it left them: the job need not run,
    /// and the sink keeps its files. A sink that keeps no record never has any.
    fn reuse(&self, _key: &str, _fingerprint: u128) -> Option<Reused> {
        None
    }

    /// Whether the sink records its builds for the next one, so that fingerprints are
    /// worth taking.
    fn records(&self) -> bool {
        false
    }

    /// A page job that ran, to be recorded for the next build.
    fn ran(&self, _job: RanJob) {}

    /// The pages kept from the build before whose links may have broken (see
    /// [`Staging::reused_pages_at_risk`]).
    fn kept_pages_at_risk(&self) -> Vec<String> {
        Vec::new()
    }

    /// A page kept from the build before, as it is in the output directory.
    fn read_kept(&self, _path: &str) -> Option<String> {
        None
    }
}

/// What a page job that did not run had made, kept from the build before.
pub struct Reused {
    /// Every file it made.
    pub outputs: Vec<String>,
    /// Its pages, its own first.
    pub pages: Vec<String>,
    pub charts: u32,
}

/// A page job that ran, as a sink records it.
pub struct RanJob {
    pub key: String,
    pub fingerprint: u128,
    pub charts: u32,
    pub outputs: Vec<String>,
    /// Each page: its path, a hash of its ids, and what it links to in the site.
    pub pages: Vec<(String, u64, Vec<String>)>,
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

/// The cache folder of the site at `root`, made if it is not there, with the file that
/// tells git to ignore it.
fn cache_folder(root: &Path) -> io::Result<PathBuf> {
    let folder = root.join(CACHE_DIR);
    fs::create_dir_all(&folder)?;
    let ignore = folder.join(".gitignore");
    if !ignore.exists() {
        fs::write(
            ignore,
            "# Made by quarterly: images drawn and builds recorded by earlier builds.\n*\n",
        )?;
    }
    Ok(folder)
}

/// Where a build of the site at `root` into `out` keeps its record (`record`): in the
/// site's cache folder, named by a hash of the output directory's absolute path.
pub fn record_file(root: &Path, out: &Path) -> io::Result<PathBuf> {
    let out = std::path::absolute(out)?;
    let name = xxhash_rust::xxh3::xxh3_64(out.as_os_str().as_encoded_bytes());
    Ok(cache_folder(root)?
        .join("builds")
        .join(format!("{name:016x}.record")))
}

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
            if let Some(root) = self.dir.parent().and_then(Path::parent) {
                cache_folder(root).map_err(|e| e.to_string())?;
            }
            fs::create_dir_all(&self.dir).map_err(|e| e.to_string())
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

    /// What names an image in the cache: a hash of the renderer and its fonts, the scale
    /// and the SVG (a font subset made again with more characters draws differently).
    pub fn key(image: &ImageFile) -> u128 {
        let mut hasher = xxhash_rust::xxh3::Xxh3::new();
        hasher.update(crate::raster::RENDERER.as_bytes());
        hasher.update(&crate::raster::fonts_hash().to_le_bytes());
        hasher.update(&image.scale.to_le_bytes());
        hasher.update(image.svg.as_bytes());
        hasher.digest128()
    }

    /// Removes the cached image `key` unless it still has the size and time of `stamp`,
    /// taken when it was linked into an output.
    fn forget_unless(&self, key: u128, stamp: Stamp) -> io::Result<()> {
        let file = self.dir.join(format!("{key:032x}.png"));
        if file.exists() && !stamp.holds_at(&file) {
            fs::remove_file(&file)?;
        }
        Ok(())
    }

    /// The file of an image in the cache, drawn first if it is not there yet.
    pub fn file_of(&self, image: &ImageFile) -> io::Result<PathBuf> {
        self.file_keyed(image, ImageCache::key(image))
    }

    /// [`ImageCache::file_of`] for an image whose key is known.
    fn file_keyed(&self, image: &ImageFile, key: u128) -> io::Result<PathBuf> {
        let file = self.dir.join(format!("{key:032x}.png"));
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
    /// Where this build's record goes, when it keeps one.
    record: Option<PathBuf>,
    /// What the build before recorded, when this one updates its output in place.
    previous: Option<BuildRecord>,
    /// What the build before recorded, when this one makes everything anew: only to find
    /// cached images changed through the output's links to them.
    earlier: Option<BuildRecord>,
    /// Whether page jobs whose inputs did not change are kept rather than run.
    reuse_jobs: bool,
    /// Every file of the site so far, as it will stand in the output directory.
    stamps: Mutex<Vec<(String, Stamp)>>,
    /// Files written to the staging directory while updating in place, to be moved.
    written: Mutex<Vec<String>>,
    /// Jobs that ran, the keys of those reused, and the link targets of the pages made.
    ran: Mutex<Vec<Ran>>,
    reused: Mutex<Vec<String>>,
    targets: Mutex<Interner>,
    /// The files of the build before that this one did not make (see `Staging::gone`).
    gone: std::sync::OnceLock<Vec<u32>>,
}

/// A page job that ran, its pages' targets as indices into the staging's targets.
struct Ran {
    key: String,
    fingerprint: u128,
    charts: u32,
    outputs: Vec<String>,
    pages: Vec<(String, u64, Vec<u32>)>,
}

/// Strings kept once each, by number.
#[derive(Default)]
struct Interner {
    numbers: FxHashMap<String, u32>,
}

impl Interner {
    fn intern(&mut self, text: String) -> u32 {
        let next = u32::try_from(self.numbers.len()).unwrap_or(u32::MAX);
        *self.numbers.entry(text).or_insert(next)
    }

    /// The strings, each at its number.
    fn into_texts(self) -> Vec<String> {
        let mut texts = vec![String::new(); self.numbers.len()];
        for (text, n) in self.numbers {
            if let Some(slot) = texts.get_mut(n as usize) {
                *slot = text;
            }
        }
        texts
    }
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
            record: None,
            previous: None,
            earlier: None,
            reuse_jobs: false,
            stamps: Mutex::new(Vec::new()),
            written: Mutex::new(Vec::new()),
            ran: Mutex::new(Vec::new()),
            reused: Mutex::new(Vec::new()),
            targets: Mutex::new(Interner::default()),
            gone: std::sync::OnceLock::new(),
        })
    }

    /// Takes images from `cache` and keeps those it draws there.
    pub fn with_cache(mut self, cache: ImageCache) -> Staging {
        self.cache = Some(cache);
        self
    }

    /// Keeps a record of the build in `file` for the next build into the same directory,
    /// and, when the record of the build before is there and the output directory is as it
    /// says, updates that output in place, writing only the files that changed; with
    /// `reuse`, the page jobs whose inputs did not change are not even run.
    pub fn recording(mut self, file: PathBuf, reuse: bool) -> Staging {
        if self.out.is_dir() {
            // A folder of the output changed since (a file added or removed by hand, or
            // the whole directory replaced): what it holds is not known, so everything is
            // made again and the directory replaced.
            match BuildRecord::read(&file) {
                Some(mut record) if record.folders_hold_at(&self.out) => {
                    if !reuse {
                        // No job is kept: what they made is not needed.
                        record.jobs = FxHashMap::default();
                        record.targets = Vec::new();
                    }
                    self.previous = Some(record);
                }
                other => self.earlier = other,
            }
        }
        self.reuse_jobs = reuse;
        self.record = Some(file);
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

    /// How many jobs ran and were reused, and files written; `None` for a build that made
    /// everything anew.
    pub fn reuse_report(&self) -> Option<ReuseReport> {
        let previous = self.previous.as_ref()?;
        Some(ReuseReport {
            jobs_run: lock(&self.ran).len(),
            jobs_reused: lock(&self.reused).len(),
            files_written: lock(&self.written).len(),
            files_removed: self.gone(previous).len(),
        })
    }

    /// The files of the build before that this build did not make, as indices into its
    /// record, in path order. Asked for only once every file is in, and found once.
    fn gone(&self, previous: &BuildRecord) -> &[u32] {
        self.gone.get_or_init(|| {
            let stamps = lock(&self.stamps);
            let now: FxHashSet<&str> = stamps.iter().map(|(p, _)| p.as_str()).collect();
            (0..previous.paths().len())
                .filter_map(|n| u32::try_from(n).ok())
                .filter(|n| !now.contains(previous.path(*n)))
                .collect()
        })
    }

    /// The pages of reused jobs whose links may no longer hold: those that link to a file
    /// the site no longer has, or to a fragment of a page whose ids changed. Their links
    /// are checked again; the other reused pages' links held in the build before and still
    /// lead where they did.
    pub fn reused_pages_at_risk(&self) -> Vec<String> {
        let Some(previous) = &self.previous else {
            return Vec::new();
        };
        let gone: FxHashSet<u32> = self.gone(previous).iter().copied().collect();
        let old_ids: FxHashMap<u32, u64> = previous
            .jobs
            .values()
            .flat_map(|j| j.pages.iter().map(|p| (p.path, p.ids)))
            .collect();
        // Pages made again whose ids are not what they were.
        let changed: FxHashSet<u32> = lock(&self.ran)
            .iter()
            .flat_map(|j| j.pages.iter())
            .filter_map(|(path, ids, _)| {
                let n = previous.find(path)?;
                (old_ids.get(&n) != Some(ids)).then_some(n)
            })
            .collect();
        if gone.is_empty() && changed.is_empty() {
            return Vec::new();
        }
        let at_risk: Vec<bool> = previous
            .targets
            .iter()
            .map(|t| {
                gone.contains(&t.file) || (!t.fragment.is_empty() && changed.contains(&t.file))
            })
            .collect();
        let reused = lock(&self.reused);
        let mut pages: Vec<String> = reused
            .iter()
            .filter_map(|key| previous.jobs.get(key))
            .flat_map(|job| job.pages.iter())
            .filter(|page| {
                page.targets
                    .iter()
                    .any(|t| at_risk.get(*t as usize).copied().unwrap_or(true))
            })
            .map(|page| previous.path(page.path).to_string())
            .collect();
        pages.sort();
        pages
    }

    /// Replaces the output directory with everything written so far, or, updating it in
    /// place, moves in what changed and removes what is gone; then records the build.
    pub fn publish(mut self) -> io::Result<()> {
        let record = self.record.take();
        let previous = self.previous.take();
        let same = previous.as_ref().is_some_and(|p| self.same_as(p));
        if same {
            // Nothing to move, nothing gone, every job reused: the record stands as it is.
            let _ = fs::remove_dir_all(&self.dir);
            return Ok(());
        }
        if let Some(file) = &record {
            // Gone while the output changes: a build stopped halfway leaves no record.
            match fs::remove_file(file) {
                Err(e) if e.kind() != io::ErrorKind::NotFound => return Err(e),
                _ => {}
            }
        }
        match &previous {
            Some(previous) => self.move_in(previous)?,
            None => self.swap()?,
        }
        if let Some(file) = record {
            let mut next = self.next_record(previous);
            next.stamp_folders(&self.out)?;
            next.write(&file)?;
        }
        Ok(())
    }

    /// Whether this build leaves the output and its record exactly as the build before:
    /// no file written, none gone, no job run.
    fn same_as(&self, previous: &BuildRecord) -> bool {
        if !lock(&self.written).is_empty() || !lock(&self.ran).is_empty() {
            return false;
        }
        let stamps = lock(&self.stamps);
        stamps.len() == previous.paths().len() && lock(&self.reused).len() == previous.jobs.len()
    }

    /// Replaces the output directory with the staging directory.
    fn swap(&self) -> io::Result<()> {
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

    /// Moves the files written into the output directory, and removes those of the build
    /// before that no page makes now (and the folders they leave empty).
    fn move_in(&self, previous: &BuildRecord) -> io::Result<()> {
        let written = std::mem::take(&mut *lock(&self.written));
        let mut made: FxHashSet<PathBuf> = FxHashSet::default();
        for path in &written {
            let target = self.out.join(path);
            if let Some(parent) = target.parent()
                && made.insert(parent.to_path_buf())
            {
                fs::create_dir_all(parent)?;
            }
            fs::rename(self.dir.join(path), &target)?;
        }
        for n in self.gone(previous) {
            let file = self.out.join(previous.path(*n));
            match fs::remove_file(&file) {
                Err(e) if e.kind() != io::ErrorKind::NotFound => return Err(e),
                _ => {}
            }
            // Folders emptied on the way up, never the output directory itself.
            let mut folder = file.parent();
            while let Some(dir) = folder.filter(|d| *d != self.out && d.starts_with(&self.out)) {
                if fs::remove_dir(dir).is_err() {
                    break;
                }
                folder = dir.parent();
            }
        }
        let _ = fs::remove_dir_all(&self.dir);
        Ok(())
    }

    /// The record of this build: every file as it now stands, the jobs that ran, and the
    /// jobs reused as the build before recorded them.
    fn next_record(&self, previous: Option<BuildRecord>) -> BuildRecord {
        let mut record = BuildRecord::of_files(std::mem::take(&mut *lock(&self.stamps)));
        let mut table: FxHashMap<Target, u32> = FxHashMap::default();
        let mut intern = |target: Target, targets: &mut Vec<Target>| -> u32 {
            *table.entry(target).or_insert_with_key(|target| {
                targets.push(target.clone());
                u32::try_from(targets.len() - 1).unwrap_or(u32::MAX)
            })
        };
        if let Some(mut previous) = previous {
            // Indices into the old record's files and targets, moved to the new one's.
            let files: Vec<Option<u32>> = previous.paths().iter().map(|p| record.find(p)).collect();
            let file = |n: u32| files.get(n as usize).copied().flatten();
            let mut targets: Vec<Option<u32>> = vec![None; previous.targets.len()];
            for key in std::mem::take(&mut *lock(&self.reused)) {
                let Some(mut job) = previous.jobs.remove(&key) else {
                    continue;
                };
                job.outputs = job.outputs.iter().filter_map(|n| file(*n)).collect();
                job.pages.retain_mut(|page| match file(page.path) {
                    Some(n) => {
                        page.path = n;
                        true
                    }
                    None => false,
                });
                for page in &mut job.pages {
                    page.targets = page
                        .targets
                        .iter()
                        .filter_map(|t| {
                            let slot = targets.get_mut(*t as usize)?;
                            if slot.is_none() {
                                let old = previous.targets.get(*t as usize)?;
                                let moved = Target {
                                    file: file(old.file)?,
                                    fragment: old.fragment.clone(),
                                };
                                *slot = Some(intern(moved, &mut record.targets));
                            }
                            *slot
                        })
                        .collect();
                }
                record.jobs.insert(key, job);
            }
        }
        let texts = std::mem::take(&mut *lock(&self.targets)).into_texts();
        let mut moved: Vec<Option<u32>> = vec![None; texts.len()];
        for job in std::mem::take(&mut *lock(&self.ran)) {
            let pages = job
                .pages
                .into_iter()
                .filter_map(|(path, ids, targets)| {
                    let targets = targets
                        .into_iter()
                        .filter_map(|t| {
                            let slot = moved.get_mut(t as usize)?;
                            if slot.is_none() {
                                let text = texts.get(t as usize)?;
                                let (path, fragment) = text.split_once('#').unwrap_or((text, ""));
                                let target = Target {
                                    file: record.find(path)?,
                                    fragment: fragment.to_string(),
                                };
                                *slot = Some(intern(target, &mut record.targets));
                            }
                            *slot
                        })
                        .collect();
                    Some(PageRecord {
                        path: record.find(&path)?,
                        ids,
                        targets,
                    })
                })
                .collect();
            let outputs = job.outputs.iter().filter_map(|p| record.find(p)).collect();
            record.jobs.insert(
                job.key,
                JobRecord {
                    fingerprint: job.fingerprint,
                    charts: job.charts,
                    outputs,
                    pages,
                },
            );
        }
        record
    }

    /// What the build before recorded of `path`, when the file is still as it left it.
    fn unchanged(&self, path: &str, hash: u128) -> Option<Stamp> {
        let stamp = self.previous.as_ref()?.stamp(path)?;
        (stamp.hash == hash && stamp.holds_at(&self.out.join(path))).then_some(stamp)
    }

    fn stamp(&self, path: &str, stamp: Stamp) {
        lock(&self.stamps).push((path.to_string(), stamp));
    }
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|e| e.into_inner())
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
        // Only a build that keeps a record needs to know what the bytes hash to.
        let hash = match self.record {
            Some(_) => xxhash_rust::xxh3::xxh3_128(&bytes),
            None => 0,
        };
        let written = match self.unchanged(path, hash) {
            Some(stamp) => {
                self.stamp(path, stamp);
                Ok(())
            }
            None => self.write(path, &bytes, hash),
        };
        let nanos = u64::try_from(started.elapsed().as_nanos()).unwrap_or(u64::MAX);
        self.busy.fetch_add(nanos, Ordering::Relaxed);
        written
    }

    fn put_image(&self, image: ImageFile) -> io::Result<()> {
        let Some(cache) = &self.cache else {
            let bytes = draw(&image)?;
            return self.put(&image.path, bytes);
        };
        let key = ImageCache::key(&image);
        if let Some(stamp) = self.unchanged(&image.path, key) {
            self.stamp(&image.path, stamp);
            return Ok(());
        }
        // The same image, linked from the cache by the build before, was changed since. A
        // change written into the output's file (an optimiser run over `dist/`) is written
        // into the cached file it is a link to: that one is drawn again.
        let before = self.previous.as_ref().or(self.earlier.as_ref());
        if let Some(stamp) = before.and_then(|r| r.stamp(&image.path))
            && stamp.hash == key
            && !stamp.holds_at(&self.out.join(&image.path))
        {
            cache.forget_unless(key, stamp)?;
        }
        let file = cache.file_keyed(&image, key)?;
        let started = Instant::now();
        let target = self.dir.join(&image.path);
        self.make_parent(&target)?;
        // A link to the cached file costs no copy; across file systems it is copied.
        let linked = fs::hard_link(&file, &target).or_else(|_| fs::copy(&file, &target).map(drop));
        let stamped = linked.and_then(|()| {
            let metadata = fs::symlink_metadata(&target)?;
            self.stamp(&image.path, Stamp::of(&metadata, key));
            if self.previous.is_some() {
                lock(&self.written).push(image.path.clone());
            }
            Ok(())
        });
        let nanos = u64::try_from(started.elapsed().as_nanos()).unwrap_or(u64::MAX);
        self.busy.fetch_add(nanos, Ordering::Relaxed);
        stamped
    }

    fn reuse(&self, key: &str, fingerprint: u128) -> Option<Reused> {
        let previous = self.previous.as_ref().filter(|_| self.reuse_jobs)?;
        let job = previous.jobs.get(key)?;
        if job.fingerprint != fingerprint {
            return None;
        }
        let outputs: Vec<(String, Stamp)> = job
            .outputs
            .iter()
            .map(|n| {
                let path = previous.path(*n);
                let stamp = previous.stamp_at(*n)?;
                stamp
                    .holds_at(&self.out.join(path))
                    .then(|| (path.to_string(), stamp))
            })
            .collect::<Option<_>>()?;
        let reused = Reused {
            outputs: outputs.iter().map(|(p, _)| p.clone()).collect(),
            pages: job
                .pages
                .iter()
                .map(|p| previous.path(p.path).to_string())
                .collect(),
            charts: job.charts,
        };
        lock(&self.stamps).extend(outputs);
        lock(&self.reused).push(key.to_string());
        Some(reused)
    }

    fn records(&self) -> bool {
        self.record.is_some()
    }

    fn kept_pages_at_risk(&self) -> Vec<String> {
        self.reused_pages_at_risk()
    }

    fn read_kept(&self, path: &str) -> Option<String> {
        fs::read_to_string(self.out.join(path)).ok()
    }

    fn ran(&self, job: RanJob) {
        if self.record.is_none() {
            return;
        }
        let pages = {
            let mut targets = lock(&self.targets);
            job.pages
                .into_iter()
                .map(|(path, ids, links)| {
                    let links = links.into_iter().map(|t| targets.intern(t)).collect();
                    (path, ids, links)
                })
                .collect()
        };
        lock(&self.ran).push(Ran {
            key: job.key,
            fingerprint: job.fingerprint,
            charts: job.charts,
            outputs: job.outputs,
            pages,
        });
    }
}

impl Staging {
    fn write(&self, path: &str, bytes: &[u8], hash: u128) -> io::Result<()> {
        use std::io::Write;
        let target = self.dir.join(path);
        self.make_parent(&target)?;
        let mut file = fs::File::create(target)?;
        file.write_all(bytes)?;
        if self.record.is_some() {
            let metadata = file.metadata()?;
            self.stamp(path, Stamp::of(&metadata, hash));
        }
        if self.previous.is_some() {
            lock(&self.written).push(path.to_string());
        }
        Ok(())
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
