//! `ferry setup SPEC --out DIR`: write the destination's setup manifest.
//!
//! Input: a spec and an output folder. Output: the manifest's files and
//! `SETUP.md` in the folder; exit 0, 1 when the spec has errors, 2 on usage
//! or I/O problems. Invariant: a folder that is not empty is written into
//! only with `--force` (and then only the manifest's own files are
//! replaced).

use super::exit;
use crate::diagnostics::codes;
use crate::setup::{Manifest, SUMMARY_FILE};
use std::path::{Component, Path, PathBuf};

#[derive(clap::Args, Debug)]
pub struct Args {
    /// The spec whose `custom` declarations to set up.
    spec: PathBuf,
    /// Where to write the manifest (created if missing).
    #[arg(long, value_name = "DIR")]
    out: PathBuf,
    /// Write into a folder that is not empty (files of the same name are
    /// replaced; other files are kept).
    #[arg(long)]
    force: bool,
    /// A folder of descriptor YAML files that replace or extend the standard ones.
    #[arg(long, value_name = "DIR")]
    schemas: Option<PathBuf>,
}

pub fn run(args: Args) -> u8 {
    let checked = match super::compile_for(&args.spec, args.schemas.as_deref(), false) {
        Ok(c) => c,
        Err(status) => return status,
    };
    let manifest = crate::setup::manifest(&checked);
    if let Err(e) = usable(&args.out, args.force) {
        return super::usage_error(codes::E1004, e);
    }
    match write(&args.out, &manifest) {
        Ok(n) => {
            println!(
                "wrote {n} file(s) to {}; start with {}",
                args.out.display(),
                args.out.join(SUMMARY_FILE).display()
            );
            exit::OK
        }
        Err(e) => super::usage_error(codes::E1004, e.to_string()),
    }
}

/// The folder is missing, empty, or `--force` was given.
fn usable(out: &Path, force: bool) -> Result<(), String> {
    if !out.exists() {
        return Ok(());
    }
    if !out.is_dir() {
        return Err(format!("{} exists and is not a folder", out.display()));
    }
    let mut entries = std::fs::read_dir(out).map_err(|e| format!("{}: {e}", out.display()))?;
    if entries.next().is_some() && !force {
        return Err(format!(
            "{} is not empty; choose another folder or pass --force to replace the manifest's files in it",
            out.display()
        ));
    }
    Ok(())
}

/// A manifest path as a safe relative path (no `..`, not absolute).
fn relative(path: &str) -> Result<PathBuf, String> {
    let p = Path::new(path);
    if p.components().all(|c| matches!(c, Component::Normal(_))) {
        Ok(p.to_path_buf())
    } else {
        Err(format!(
            "refusing to write outside the output folder: {path}"
        ))
    }
}

fn write(out: &Path, m: &Manifest) -> Result<usize, String> {
    let summary = (SUMMARY_FILE.to_string(), m.summary_md.clone());
    let all = m.files.iter().chain(std::iter::once(&summary));
    let mut n = 0;
    for (path, text) in all {
        let target = out.join(relative(path)?);
        if let Some(dir) = target.parent() {
            std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        }
        std::fs::write(&target, text).map_err(|e| format!("{}: {e}", target.display()))?;
        n += 1;
    }
    Ok(n)
}

#[cfg(test)]
mod tests {
    use super::relative;

    #[test]
    fn manifest_paths_stay_inside_the_folder() {
        assert!(relative("force-app/main/default/objects/A/A.object-meta.xml").is_ok());
        assert!(relative("../x").is_err());
        assert!(relative("/etc/x").is_err());
        assert!(relative("a/../../x").is_err());
    }
}
