//! What a build into a directory leaves for the next build into it: every file it wrote
//! (size, modification time, and a hash of what it holds), and every page job it ran (a
//! fingerprint of everything the job read, the files it made, and what the link check needs
//! of its pages). The next build runs only the jobs whose fingerprint changed, writes only
//! the files whose bytes changed, and trusts a file only while its size and time are still
//! the ones recorded.
//!
//! The record is kept in the site's cache folder, one file per output directory, in a
//! small binary form that names its own version: a record it cannot read is no record, and
//! the build makes everything.

use std::fs;
use std::io;
use std::path::Path;

use rustc_hash::FxHashMap;

/// The first bytes of a record, with the version of its layout.
const MAGIC: &[u8] = b"quarterly build record 2\n";

/// A file as a build left it in the output directory.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Stamp {
    pub size: u64,
    /// Modification time, nanoseconds since the epoch.
    pub modified: i64,
    /// xxh3-128 of the file's bytes; for an image, of what it is drawn from.
    pub hash: u128,
}

impl Stamp {
    /// The stamp of the file `metadata` describes, holding what hashes to `hash`.
    pub fn of(metadata: &fs::Metadata, hash: u128) -> Stamp {
        Stamp {
            size: metadata.len(),
            modified: modified(metadata),
            hash,
        }
    }

    /// Whether the file at `path` still has the size and time recorded.
    pub fn holds_at(&self, path: &Path) -> bool {
        self.modified != i64::MIN
            && fs::symlink_metadata(path)
                .is_ok_and(|m| m.is_file() && m.len() == self.size && modified(&m) == self.modified)
    }
}

fn modified(metadata: &fs::Metadata) -> i64 {
    match metadata.modified() {
        Ok(time) => match time.duration_since(std::time::UNIX_EPOCH) {
            Ok(after) => i64::try_from(after.as_nanos()).unwrap_or(i64::MAX),
            Err(before) => -i64::try_from(before.duration().as_nanos()).unwrap_or(i64::MAX),
        },
        // Without times only sizes would tell: such a stamp never holds (see `holds_at`).
        Err(_) => i64::MIN,
    }
}

/// A file or a fragment of a page that a page links to.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct Target {
    /// The file, as an index into the record's files.
    pub file: u32,
    /// The fragment, or empty for the file itself.
    pub fragment: String,
}

/// One page a job made, as the link check needs it when the job does not run again.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PageRecord {
    /// The page, as an index into the record's files.
    pub path: u32,
    /// A hash of the page's ids, whatever their order.
    pub ids: u64,
    /// What the page links to in the site other than itself, as indices into the record's
    /// targets.
    pub targets: Vec<u32>,
}

/// One page job as a build ran it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct JobRecord {
    pub fingerprint: u128,
    pub charts: u32,
    /// Every file it made, as indices into the record's files.
    pub outputs: Vec<u32>,
    /// Its pages, its own first.
    pub pages: Vec<PageRecord>,
}

/// Everything a build left for the next.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct BuildRecord {
    /// Every file of the output, in path order, and its stamp.
    paths: Vec<String>,
    stamps: Vec<Stamp>,
    /// A hash of each path to its index.
    index: FxHashMap<u64, u32>,
    /// The link targets pages name, each once.
    pub targets: Vec<Target>,
    /// Each job by the name that lasts from build to build.
    pub jobs: FxHashMap<String, JobRecord>,
    /// Every folder of the output (the output directory itself first, as ``), with its
    /// modification time: a file added to or removed from a folder changes it.
    folders: Vec<(String, i64)>,
}

impl BuildRecord {
    /// A record of the files `files`, with no jobs yet.
    pub fn of_files(mut files: Vec<(String, Stamp)>) -> BuildRecord {
        files.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        let (paths, stamps): (Vec<String>, Vec<Stamp>) = files.into_iter().unzip();
        let mut record = BuildRecord {
            paths,
            stamps,
            ..BuildRecord::default()
        };
        record.index_paths();
        record
    }

    fn index_paths(&mut self) {
        self.index = FxHashMap::default();
        self.index.reserve(self.paths.len());
        for (i, path) in self.paths.iter().enumerate() {
            let n = u32::try_from(i).unwrap_or(u32::MAX);
            // Two paths with one hash (never seen) leave the second unfound: its file is
            // then written again, never wrongly kept.
            self.index.entry(path_hash(path)).or_insert(n);
        }
    }

    /// The index of the file at `path`.
    pub fn find(&self, path: &str) -> Option<u32> {
        let n = *self.index.get(&path_hash(path))?;
        (self.path(n) == path).then_some(n)
    }

    /// The stamp of the file at `path`.
    pub fn stamp(&self, path: &str) -> Option<Stamp> {
        self.find(path).and_then(|n| self.stamp_at(n))
    }

    pub fn stamp_at(&self, n: u32) -> Option<Stamp> {
        self.stamps.get(n as usize).copied()
    }

    /// The path of file `n` (empty when there is none).
    pub fn path(&self, n: u32) -> &str {
        self.paths.get(n as usize).map_or("", String::as_str)
    }

    /// Every file's path, in order.
    pub fn paths(&self) -> &[String] {
        &self.paths
    }

    /// Notes the modification time of every folder of the output directory `out` that
    /// holds the record's files, and of `out` itself.
    pub fn stamp_folders(&mut self, out: &Path) -> io::Result<()> {
        let mut folders: Vec<&str> = vec![""];
        for path in &self.paths {
            let mut rest = path.as_str();
            while let Some((folder, _)) = rest.rsplit_once('/') {
                folders.push(folder);
                rest = folder;
            }
        }
        folders.sort_unstable();
        folders.dedup();
        let stamped = folders
            .into_iter()
            .map(|folder| {
                let metadata = fs::symlink_metadata(out.join(folder))?;
                Ok((folder.to_string(), modified(&metadata)))
            })
            .collect::<io::Result<Vec<_>>>()?;
        self.folders = stamped;
        Ok(())
    }

    /// Whether every folder of the output directory `out` is as this record noted it.
    pub fn folders_hold_at(&self, out: &Path) -> bool {
        !self.folders.is_empty()
            && self.folders.iter().all(|(folder, time)| {
                *time != i64::MIN
                    && fs::symlink_metadata(out.join(folder))
                        .is_ok_and(|m| m.is_dir() && modified(&m) == *time)
            })
    }

    /// The record at `file`, or none when there is none or it cannot be read.
    pub fn read(file: &Path) -> Option<BuildRecord> {
        let bytes = fs::read(file).ok()?;
        decode(&bytes)
    }

    /// Writes the record to `file`, whole or not at all.
    pub fn write(&self, file: &Path) -> io::Result<()> {
        if let Some(folder) = file.parent() {
            fs::create_dir_all(folder)?;
        }
        let partial = file.with_extension(format!("{}.part", std::process::id()));
        fs::write(&partial, self.encode())?;
        fs::rename(&partial, file)
    }

    fn encode(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(80 * self.paths.len() + 1024);
        out.extend_from_slice(MAGIC);
        put_len(&mut out, self.paths.len());
        for (path, stamp) in self.paths.iter().zip(&self.stamps) {
            put_str(&mut out, path);
            out.extend_from_slice(&stamp.size.to_le_bytes());
            out.extend_from_slice(&stamp.modified.to_le_bytes());
            out.extend_from_slice(&stamp.hash.to_le_bytes());
        }
        put_len(&mut out, self.targets.len());
        for target in &self.targets {
            out.extend_from_slice(&target.file.to_le_bytes());
            put_str(&mut out, &target.fragment);
        }
        put_len(&mut out, self.folders.len());
        for (folder, time) in &self.folders {
            put_str(&mut out, folder);
            out.extend_from_slice(&time.to_le_bytes());
        }
        let mut jobs: Vec<(&String, &JobRecord)> = self.jobs.iter().collect();
        jobs.sort_unstable_by(|a, b| a.0.cmp(b.0));
        put_len(&mut out, jobs.len());
        for (key, job) in jobs {
            put_str(&mut out, key);
            out.extend_from_slice(&job.fingerprint.to_le_bytes());
            out.extend_from_slice(&job.charts.to_le_bytes());
            put_numbers(&mut out, &job.outputs);
            put_len(&mut out, job.pages.len());
            for page in &job.pages {
                out.extend_from_slice(&page.path.to_le_bytes());
                out.extend_from_slice(&page.ids.to_le_bytes());
                put_numbers(&mut out, &page.targets);
            }
        }
        out
    }
}

fn path_hash(path: &str) -> u64 {
    xxhash_rust::xxh3::xxh3_64(path.as_bytes())
}

fn put_numbers(out: &mut Vec<u8>, numbers: &[u32]) {
    put_len(out, numbers.len());
    for n in numbers {
        out.extend_from_slice(&n.to_le_bytes());
    }
}

fn put_len(out: &mut Vec<u8>, n: usize) {
    out.extend_from_slice(&u32::try_from(n).unwrap_or(u32::MAX).to_le_bytes());
}

fn put_str(out: &mut Vec<u8>, s: &str) {
    put_len(out, s.len());
    out.extend_from_slice(s.as_bytes());
}

/// Reads a record, or nothing when any part of it is not as written.
fn decode(bytes: &[u8]) -> Option<BuildRecord> {
    let mut r = Reader {
        rest: bytes.strip_prefix(MAGIC)?,
    };
    let mut record = BuildRecord::default();
    let files = r.len()?;
    record.paths.reserve(files);
    record.stamps.reserve(files);
    for _ in 0..files {
        record.paths.push(r.string()?);
        record.stamps.push(Stamp {
            size: u64::from_le_bytes(r.array()?),
            modified: i64::from_le_bytes(r.array()?),
            hash: u128::from_le_bytes(r.array()?),
        });
    }
    // Every index below must name a file, a target or a page that is there.
    let file = |n: u32| (n as usize) < files;
    let targets = r.len()?;
    record.targets.reserve(targets);
    for _ in 0..targets {
        let n = u32::from_le_bytes(r.array()?);
        let fragment = r.string()?;
        file(n).then_some(())?;
        record.targets.push(Target { file: n, fragment });
    }
    for _ in 0..r.len()? {
        let folder = r.string()?;
        let time = i64::from_le_bytes(r.array()?);
        record.folders.push((folder, time));
    }
    let jobs = r.len()?;
    record.jobs.reserve(jobs);
    for _ in 0..jobs {
        let key = r.string()?;
        let fingerprint = u128::from_le_bytes(r.array()?);
        let charts = u32::from_le_bytes(r.array()?);
        let outputs = r.numbers(files)?;
        let mut pages = Vec::new();
        for _ in 0..r.len()? {
            let path = u32::from_le_bytes(r.array()?);
            file(path).then_some(())?;
            let ids = u64::from_le_bytes(r.array()?);
            let targets = r.numbers(targets)?;
            pages.push(PageRecord { path, ids, targets });
        }
        let job = JobRecord {
            fingerprint,
            charts,
            outputs,
            pages,
        };
        record.jobs.insert(key, job);
    }
    r.rest.is_empty().then_some(())?;
    record.index_paths();
    Some(record)
}

struct Reader<'a> {
    rest: &'a [u8],
}

impl Reader<'_> {
    fn array<const N: usize>(&mut self) -> Option<[u8; N]> {
        let (head, rest) = self.rest.split_first_chunk::<N>()?;
        self.rest = rest;
        Some(*head)
    }

    fn len(&mut self) -> Option<usize> {
        let n = usize::try_from(u32::from_le_bytes(self.array()?)).ok()?;
        // No count can be more than the bytes left: a damaged record fails here rather
        // than asking for a huge allocation.
        (n <= self.rest.len()).then_some(n)
    }

    /// A count and that many numbers, each below `bound`.
    fn numbers(&mut self, bound: usize) -> Option<Vec<u32>> {
        (0..self.len()?)
            .map(|_| {
                let n = u32::from_le_bytes(self.array()?);
                ((n as usize) < bound).then_some(n)
            })
            .collect()
    }

    fn string(&mut self) -> Option<String> {
        let n = self.len()?;
        let (head, rest) = self.rest.split_at_checked(n)?;
        self.rest = rest;
        String::from_utf8(head.to_vec()).ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> BuildRecord {
        let stamp = |size, modified, hash| Stamp {
            size,
            modified,
            hash,
        };
        let mut record = BuildRecord::of_files(vec![
            ("index.html".to_string(), stamp(3, -5, u128::MAX)),
            (
                "briefings/2023-q3.html".to_string(),
                stamp(12, 1_700_000_000_123_456_789, 7),
            ),
        ]);
        record.targets = vec![
            Target {
                file: 1,
                fragment: String::new(),
            },
            Target {
                file: 0,
                fragment: "q3".to_string(),
            },
        ];
        record.jobs.insert(
            "content/briefings/2023-q3.md".to_string(),
            JobRecord {
                fingerprint: 42,
                charts: 2,
                outputs: vec![0],
                pages: vec![PageRecord {
                    path: 0,
                    ids: 9,
                    targets: vec![1, 0],
                }],
            },
        );
        record
    }

    #[test]
    fn finds_files_by_path() {
        let record = sample();
        assert_eq!(record.paths(), ["briefings/2023-q3.html", "index.html"]);
        assert_eq!(record.find("index.html"), Some(1));
        assert_eq!(
            record.stamp("briefings/2023-q3.html").map(|s| s.hash),
            Some(7)
        );
        assert_eq!(record.find("gone.html"), None);
    }

    #[test]
    fn reads_back_what_it_wrote() {
        let tmp = tempfile::tempdir().unwrap();
        let file = tmp.path().join("builds/x.record");
        sample().write(&file).unwrap();
        assert_eq!(BuildRecord::read(&file), Some(sample()));
        assert_eq!(fs::read_dir(tmp.path().join("builds")).unwrap().count(), 1);
    }

    #[test]
    fn a_damaged_record_is_no_record() {
        let bytes = sample().encode();
        for cut in [0, MAGIC.len(), MAGIC.len() + 3, bytes.len() - 1] {
            assert_eq!(decode(&bytes[..cut]), None, "cut at {cut}");
        }
        let mut longer = bytes.clone();
        longer.push(0);
        assert_eq!(decode(&longer), None, "trailing bytes");
        let mut other_version = bytes.clone();
        other_version[MAGIC.len() - 2] = b'9';
        assert_eq!(decode(&other_version), None, "another layout");
        // A target index past the table.
        let mut bad = sample();
        if let Some(job) = bad.jobs.values_mut().next() {
            job.pages[0].targets = vec![5];
        }
        assert_eq!(decode(&bad.encode()), None);
        // A file index past the files.
        let mut bad = sample();
        if let Some(job) = bad.jobs.values_mut().next() {
            job.outputs = vec![2];
        }
        assert_eq!(decode(&bad.encode()), None);
    }

    #[test]
    fn folders_hold_until_a_file_comes_or_goes() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("dist");
        fs::create_dir_all(out.join("briefings")).unwrap();
        fs::write(out.join("index.html"), "1").unwrap();
        fs::write(out.join("briefings/2023-q3.html"), "2").unwrap();
        let mut record = sample();
        assert!(!record.folders_hold_at(&out), "no folders noted yet");
        record.stamp_folders(&out).unwrap();
        assert_eq!(record.folders.len(), 2);
        assert!(record.folders_hold_at(&out));
        fs::write(out.join("briefings/stray.html"), "3").unwrap();
        assert!(!record.folders_hold_at(&out), "a file added");
        record.stamp_folders(&out).unwrap();
        fs::remove_file(out.join("index.html")).unwrap();
        assert!(!record.folders_hold_at(&out), "a file removed");
    }

    #[test]
    fn a_stamp_holds_until_the_file_changes() {
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join("a.html");
        fs::write(&path, "one").unwrap();
        let stamp = Stamp::of(&fs::metadata(&path).unwrap(), 1);
        assert!(stamp.holds_at(&path));
        fs::write(&path, "three").unwrap();
        assert!(!stamp.holds_at(&path), "another size");
        assert!(!stamp.holds_at(&tmp.path().join("gone.html")));
    }
}
