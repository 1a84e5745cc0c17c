//! The output folder of `ferry run`: never half-written output presented
//! as complete, never a stranger's files overwritten by accident.
//!
//! Input: the `--out` path and `--force`. Output: an [`OutDir`] whose
//! [`OutDir::work`] folder (`<out>/.ferry-partial`) the run writes into,
//! then [`OutDir::commit`] moves the results into `<out>`.
//!
//! Invariants:
//! - a folder is writable when it is missing, empty, or holds only names
//!   ferry writes (a previous run's output); anything else needs `--force`;
//! - `report.json` is the completeness marker: commit deletes the old one
//!   first and moves the new one in last, so a reader that finds
//!   `report.json` finds the payloads it describes; a run that fails
//!   midway leaves the previous output untouched (plus `.ferry-partial`);
//! - only names ferry writes are ever deleted.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

/// The completeness marker, written last.
pub const MARKER: &str = "report.json";
const WORK: &str = ".ferry-partial";

/// Why `--out` cannot be used.
#[derive(Debug)]
pub enum OutDirError {
    /// The folder holds files ferry did not write (listed, first few).
    Foreign {
        path: PathBuf,
        names: Vec<String>,
    },
    NotAFolder(PathBuf),
    Io(PathBuf, io::Error),
}

impl std::fmt::Display for OutDirError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            OutDirError::Foreign { path, names } => write!(
                f,
                "{} is not empty and is not the output of an earlier `ferry run` (it holds {}); choose another folder or pass --force",
                path.display(),
                names.join(", ")
            ),
            OutDirError::NotAFolder(p) => write!(f, "{} exists and is not a folder", p.display()),
            OutDirError::Io(p, e) => write!(f, "{}: {e}", p.display()),
        }
    }
}

/// Whether ferry writes a file or folder of this name into an output folder.
pub fn is_ferry_name(name: &str) -> bool {
    if matches!(
        name,
        "plan.json" | "report.json" | "report.md" | "report.html" | "references" | WORK
    ) {
        return true;
    }
    // `NN-<Target>.jsonl` / `NN-<Target>.deferred.jsonl`
    let digits = name.bytes().take_while(u8::is_ascii_digit).count();
    digits >= 2 && name[digits..].starts_with('-') && name.ends_with(".jsonl")
}

pub struct OutDir {
    out: PathBuf,
    work: PathBuf,
}

impl OutDir {
    /// Checks `out` and creates a fresh `<out>/.ferry-partial` to write into.
    pub fn prepare(out: &Path, force: bool) -> Result<OutDir, OutDirError> {
        let io_err = |e| OutDirError::Io(out.to_path_buf(), e);
        if out.exists() {
            if !out.is_dir() {
                return Err(OutDirError::NotAFolder(out.to_path_buf()));
            }
            let mut foreign = Vec::new();
            for entry in fs::read_dir(out).map_err(io_err)? {
                let name = entry.map_err(io_err)?.file_name();
                let name = name.to_string_lossy();
                if !is_ferry_name(&name) {
                    foreign.push(name.into_owned());
                }
            }
            if !foreign.is_empty() && !force {
                foreign.sort();
                foreign.truncate(5);
                return Err(OutDirError::Foreign {
                    path: out.to_path_buf(),
                    names: foreign,
                });
            }
        }
        let work = out.join(WORK);
        if work.exists() {
            fs::remove_dir_all(&work).map_err(|e| OutDirError::Io(work.clone(), e))?;
        }
        fs::create_dir_all(&work).map_err(|e| OutDirError::Io(work.clone(), e))?;
        Ok(OutDir {
            out: out.to_path_buf(),
            work,
        })
    }

    /// Where the run writes.
    pub fn work(&self) -> &Path {
        &self.work
    }

    /// Replaces the previous output with the work folder's files:
    /// old marker out first, new marker in last.
    pub fn commit(self) -> io::Result<()> {
        let marker = self.out.join(MARKER);
        if marker.exists() {
            fs::remove_file(&marker)?;
        }
        for entry in fs::read_dir(&self.out)? {
            let entry = entry?;
            let name = entry.file_name();
            let name = name.to_string_lossy();
            if name == WORK || !is_ferry_name(&name) {
                continue;
            }
            remove(&entry.path())?;
        }
        let mut names: Vec<String> = fs::read_dir(&self.work)?
            .map(|e| e.map(|e| e.file_name().to_string_lossy().into_owned()))
            .collect::<io::Result<_>>()?;
        names.sort();
        // The marker last: whoever sees it sees everything else.
        names.sort_by_key(|n| n == MARKER);
        for n in &names {
            fs::rename(self.work.join(n), self.out.join(n))?;
        }
        fs::remove_dir(&self.work)
    }
}

fn remove(path: &Path) -> io::Result<()> {
    if path.is_dir() {
        fs::remove_dir_all(path)
    } else {
        fs::remove_file(path)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tmp(name: &str) -> PathBuf {
        let d = std::env::temp_dir().join(format!("ferry-outdir-{name}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&d);
        d
    }

    #[test]
    fn ferry_names() {
        for n in [
            "plan.json",
            "report.md",
            "01-Account.jsonl",
            "12-Contact.deferred.jsonl",
            "references",
        ] {
            assert!(is_ferry_name(n), "{n}");
        }
        for n in [
            "notes.txt",
            "1-Account.jsonl",
            "ledger.sqlite",
            "-Account.jsonl",
            "01-Account.json",
        ] {
            assert!(!is_ferry_name(n), "{n}");
        }
    }

    #[test]
    fn refuses_foreign_folders_unless_forced_and_keeps_their_files() {
        let d = tmp("foreign");
        fs::create_dir_all(&d).unwrap();
        fs::write(d.join("notes.txt"), "mine").unwrap();
        let err = OutDir::prepare(&d, false).err().expect("refused");
        assert!(err.to_string().contains("notes.txt"), "{err}");
        let o = OutDir::prepare(&d, true).unwrap();
        fs::write(o.work().join("report.json"), "{}").unwrap();
        o.commit().unwrap();
        assert_eq!(fs::read_to_string(d.join("notes.txt")).unwrap(), "mine");
        assert!(d.join("report.json").exists());
        fs::remove_dir_all(&d).unwrap();
    }

    #[test]
    fn a_failed_run_leaves_the_previous_output_and_the_next_replaces_it() {
        let d = tmp("replace");
        let o = OutDir::prepare(&d, false).unwrap();
        fs::write(o.work().join("01-A.jsonl"), "old").unwrap();
        fs::write(o.work().join("02-B.jsonl"), "old").unwrap();
        fs::write(o.work().join("report.json"), "old").unwrap();
        o.commit().unwrap();
        // A run that dies before commit: the old output stays whole.
        let o = OutDir::prepare(&d, false).unwrap();
        fs::write(o.work().join("01-A.jsonl"), "half").unwrap();
        drop(o);
        assert_eq!(fs::read_to_string(d.join("01-A.jsonl")).unwrap(), "old");
        assert_eq!(fs::read_to_string(d.join("report.json")).unwrap(), "old");
        // The next run cleans the partial folder and replaces stale files.
        let o = OutDir::prepare(&d, false).unwrap();
        assert!(!o.work().join("01-A.jsonl").exists());
        fs::write(o.work().join("01-A.jsonl"), "new").unwrap();
        fs::write(o.work().join("report.json"), "new").unwrap();
        o.commit().unwrap();
        assert_eq!(fs::read_to_string(d.join("01-A.jsonl")).unwrap(), "new");
        assert!(!d.join("02-B.jsonl").exists());
        assert!(!d.join(WORK).exists());
        fs::remove_dir_all(&d).unwrap();
    }
}
