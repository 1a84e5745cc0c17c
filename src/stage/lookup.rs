//! Finding a bundle's data files by name.
//!
//! Input: the bundle folder. Output: a [`Listing`] of its regular files
//! (symbolic links to files count), matched to the names a plan reads
//! ignoring case, and of the entries with a data file's name that are not
//! files (a directory, a broken link), so a missing file is reported as
//! what it is.
//! Invariants: the name spelled exactly as the plan spells it wins over
//! other spellings; otherwise the first in name order wins; the other
//! spellings are never dropped silently: [`Listing::also`] names them.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// The entries of a bundle folder.
#[derive(Debug, Default)]
pub struct Listing {
    /// Lower-cased name → every regular file with that name, in name order.
    spellings: HashMap<String, Vec<(PathBuf, String)>>,
    /// Lower-cased name → the first entry with that name that is not a
    /// file, and what it is.
    not_files: HashMap<String, (String, &'static str)>,
    /// Lower-cased name → the file the other stages read (see [`Listing::find`]).
    pub files: HashMap<String, (PathBuf, String)>,
}

/// What a folder entry is when it is not a file (symbolic links followed).
fn kind(path: &Path, ty: std::fs::FileType) -> &'static str {
    if ty.is_symlink() {
        return match std::fs::metadata(path) {
            Err(_) => "a broken symbolic link",
            Ok(m) if m.is_dir() => "a symbolic link to a directory",
            Ok(_) => "a symbolic link to something that is not a regular file",
        };
    }
    if ty.is_dir() {
        "a directory"
    } else {
        "not a regular file (a device, pipe or socket)"
    }
}

impl Listing {
    /// Lists `dir`.
    pub fn read(dir: &Path) -> std::io::Result<Listing> {
        let mut out = Listing::default();
        for e in std::fs::read_dir(dir)? {
            let e = e?;
            let name = e.file_name().to_string_lossy().into_owned();
            let key = name.to_lowercase();
            let path = e.path();
            if path.is_file() {
                out.spellings.entry(key).or_default().push((path, name));
            } else {
                let what = kind(&path, e.file_type()?);
                let slot = out.not_files.entry(key).or_insert((name.clone(), what));
                if name < slot.0 {
                    *slot = (name, what);
                }
            }
        }
        for (key, v) in &mut out.spellings {
            v.sort_by(|a, b| a.1.cmp(&b.1));
            out.files.insert(key.clone(), v[0].clone());
        }
        Ok(out)
    }

    /// The file read for `wanted`: the exact spelling, else the first in name order.
    pub fn find(&self, wanted: &str) -> Option<&(PathBuf, String)> {
        let v = self.spellings.get(&wanted.to_lowercase())?;
        v.iter().find(|(_, n)| n == wanted).or_else(|| v.first())
    }

    /// A note naming the other files that match `wanted` ignoring case, if any.
    pub fn also(&self, wanted: &str) -> Option<String> {
        let read = &self.find(wanted)?.1;
        let others: Vec<String> = self.spellings[&wanted.to_lowercase()]
            .iter()
            .filter(|(_, n)| n != read)
            .map(|(_, n)| format!("`{n}`"))
            .collect();
        (!others.is_empty()).then(|| {
            format!(
                "`{read}` is read; {} also match{} `{wanted}` ignoring case and {} not read",
                others.join(", "),
                if others.len() == 1 { "es" } else { "" },
                if others.len() == 1 { "is" } else { "are" },
            )
        })
    }

    /// `wanted` is in the folder but is not a file: its name and what it is.
    pub fn not_a_file(&self, wanted: &str) -> Option<&(String, &'static str)> {
        self.not_files.get(&wanted.to_lowercase())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exact_spelling_wins_and_the_others_are_named() {
        let d = std::env::temp_dir().join(format!("ferry-lookup-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&d);
        std::fs::create_dir_all(d.join("companies.csv")).unwrap();
        for n in ["contacts.csv", "Contacts.csv", "Tags.CSV"] {
            std::fs::write(d.join(n), n).unwrap();
        }
        let l = Listing::read(&d).unwrap();
        assert_eq!(l.find("contacts.csv").unwrap().1, "contacts.csv");
        assert_eq!(l.find("CONTACTS.csv").unwrap().1, "Contacts.csv");
        assert_eq!(
            l.also("contacts.csv").unwrap(),
            "`contacts.csv` is read; `Contacts.csv` also matches `contacts.csv` ignoring case and is not read"
        );
        assert_eq!(l.find("tags.csv").unwrap().1, "Tags.CSV");
        assert_eq!(l.also("tags.csv"), None);
        assert!(l.find("companies.csv").is_none());
        assert_eq!(l.not_a_file("companies.csv").unwrap().1, "a directory");
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink(d.join("nowhere.csv"), d.join("users.csv")).unwrap();
            let l = Listing::read(&d).unwrap();
            assert_eq!(
                l.not_a_file("users.csv").unwrap().1,
                "a broken symbolic link"
            );
        }
        let _ = std::fs::remove_dir_all(&d);
    }
}
