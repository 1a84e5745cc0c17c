//! A spec and the specs it imports, parsed; reading them from disk.

use crate::diagnostics::{codes, Diagnostic, Diagnostics, SourceFile};
use crate::syntax::ast::{ItemKind, Spec};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// One parsed file.
#[derive(Debug)]
pub struct Parsed {
    pub file: Arc<SourceFile>,
    pub spec: Spec,
}

/// The spec being checked and every file it imports (transitively, once each).
#[derive(Debug)]
pub struct Project {
    pub main: Parsed,
    pub imports: Vec<Parsed>,
}

fn dir_of(name: &str) -> PathBuf {
    Path::new(name)
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_default()
}

/// A reader for files named relative to the spec `spec_name`.
pub fn reader_beside(spec_name: &str) -> impl Fn(&str) -> Result<String, String> {
    let dir = dir_of(spec_name);
    move |rel: &str| std::fs::read_to_string(dir.join(rel)).map_err(|e| e.to_string())
}

/// Parses `file` and, from disk, the files it imports.
pub fn from_source(file: &Arc<SourceFile>) -> (Project, Diagnostics) {
    let (spec, mut diags) = crate::syntax::parse(file);
    let mut imports: Vec<Parsed> = Vec::new();
    let mut queue: Vec<(Arc<SourceFile>, Spec)> = vec![(Arc::clone(file), spec.clone())];
    let mut seen: Vec<PathBuf> = vec![PathBuf::from(&file.name)];
    while let Some((from, spec)) = queue.pop() {
        for item in &spec.items {
            let ItemKind::Import(imp) = &item.kind else {
                continue;
            };
            let path = dir_of(&from.name).join(&imp.path.value);
            if seen.contains(&path) {
                continue;
            }
            seen.push(path.clone());
            match std::fs::read_to_string(&path) {
                Ok(text) => {
                    let f = SourceFile::new(path.display().to_string(), text);
                    let (s, d) = crate::syntax::parse(&f);
                    // Imported files hold declarations only: no `migration` line.
                    diags.extend(d.into_iter().filter(|d| d.code != codes::E0110));
                    queue.push((Arc::clone(&f), s.clone()));
                    imports.push(Parsed { file: f, spec: s });
                }
                Err(e) => diags.push(
                    Diagnostic::new(
                        codes::E0226,
                        format!("cannot read imported file {:?}: {e}", imp.path.value),
                    )
                    .in_file(&from)
                    .label(imp.path.span, "unreadable import")
                    .help("imports are relative to the importing file"),
                ),
            }
        }
    }
    let main = Parsed {
        file: Arc::clone(file),
        spec,
    };
    (Project { main, imports }, diags)
}

/// Reads and parses a spec file and its imports.
pub fn load_project(path: &Path) -> Result<(Project, Diagnostics), Box<Diagnostic>> {
    let text = std::fs::read_to_string(path).map_err(|e| {
        Box::new(Diagnostic::new(
            codes::E1001,
            format!("cannot read `{}`: {e}", path.display()),
        ))
    })?;
    let file = SourceFile::new(path.display().to_string(), text);
    Ok(from_source(&file))
}
