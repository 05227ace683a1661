//! Last stage: write the rendered site into the output directory atomically. Files go to a
//! staging directory beside it, which replaces the old output only once everything is
//! written, so a failed build never leaves a half-written or emptied `dist/`.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::model::OutputFile;

/// Writes `files` into `out`, replacing whatever was there only when all writes succeeded.
pub fn write_site_atomically(out: &Path, files: &[OutputFile]) -> io::Result<()> {
    let parent = match out.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    fs::create_dir_all(&parent)?;
    let name = out
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "dist".to_string());
    let staging = parent.join(format!(".{name}.staging-{}", std::process::id()));
    let retired = parent.join(format!(".{name}.old-{}", std::process::id()));
    let _ = fs::remove_dir_all(&staging);
    if let Err(err) = write_all(&staging, files) {
        let _ = fs::remove_dir_all(&staging);
        return Err(err);
    }
    if out.exists() {
        fs::rename(out, &retired)?;
        if let Err(err) = fs::rename(&staging, out) {
            // Put the old site back rather than leave nothing.
            let _ = fs::rename(&retired, out);
            let _ = fs::remove_dir_all(&staging);
            return Err(err);
        }
        let _ = fs::remove_dir_all(&retired);
    } else {
        fs::rename(&staging, out)?;
    }
    Ok(())
}

fn write_all(dir: &Path, files: &[OutputFile]) -> io::Result<()> {
    fs::create_dir_all(dir)?;
    let mut dirs: Vec<PathBuf> = files
        .iter()
        .filter_map(|f| dir.join(&f.path).parent().map(Path::to_path_buf))
        .collect();
    dirs.sort();
    dirs.dedup();
    for d in &dirs {
        fs::create_dir_all(d)?;
    }
    files
        .par_iter()
        .try_for_each(|file| fs::write(dir.join(&file.path), &file.bytes))
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
}
