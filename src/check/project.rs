//! A spec and the specs it imports, parsed; reading them from disk.
//!
//! Input: the spec's file (or its path). Output: a [`Project`] (the main
//! spec and its imports, parsed) with the parse diagnostics and E0226 for an
//! import that cannot be read; the standard descriptor [`Registry`] it
//! needs. Invariants: imports are relative to the importing file and each
//! path is read once, however often it is imported (so cycles end); an imported
//! file is not asked for a `migration` line (E0110 is dropped for it).

use crate::diagnostics::{codes, Diagnostic, Diagnostics, SourceFile};
use crate::schema::Registry;
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
    // Files whose imports are still to read: `None` is the main spec, `Some(i)`
    // is `imports[i]` (indices, so no spec is copied to be walked).
    let mut queue: Vec<Option<usize>> = vec![None];
    let mut seen: Vec<PathBuf> = vec![PathBuf::from(&file.name)];
    while let Some(at) = queue.pop() {
        let (from, from_spec) = match at {
            None => (file, &spec),
            Some(i) => (&imports[i].file, &imports[i].spec),
        };
        let from = Arc::clone(from);
        let wanted: Vec<(String, crate::span::Span)> = from_spec
            .items
            .iter()
            .filter_map(|item| match &item.kind {
                ItemKind::Import(imp) => Some((imp.path.value.clone(), imp.path.span)),
                _ => None,
            })
            .collect();
        for (rel, span) in wanted {
            let path = dir_of(&from.name).join(&rel);
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
                    queue.push(Some(imports.len()));
                    imports.push(Parsed { file: f, spec: s });
                }
                Err(e) => diags.push(
                    Diagnostic::new(
                        codes::E0226,
                        format!("cannot read imported file {rel:?}: {e}"),
                    )
                    .in_file(&from)
                    .label(span, "unreadable import")
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

/// The standard descriptors `project` needs: only its migration's source and
/// destination when both are standard systems of the right kinds (loading a
/// descriptor is most of what a small `ferry check` costs), otherwise all of
/// them, so that the diagnostics about a wrong name can list the others.
pub fn standard_registry(project: &Project) -> Result<Registry, Diagnostics> {
    use crate::schema::model::Kind;
    let m = project.main.spec.items.iter().find_map(|i| match &i.kind {
        ItemKind::Migration(m) => Some(m),
        _ => None,
    });
    if let Some(m) = m {
        let (source, dest) = (m.source.name.as_str(), m.destination.name.as_str());
        if let Some(reg) = Registry::standard_subset(&[source, dest]) {
            let is = |name: &str, kind| reg.get(name).is_some_and(|d| d.kind == kind);
            if is(source, Kind::Source) && is(dest, Kind::Destination) {
                return Ok(reg);
            }
        }
    }
    Registry::standard()
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

#[cfg(test)]
mod tests {
    use super::*;

    fn systems_for(migration: &str) -> Vec<String> {
        let file = SourceFile::new("t.ferry", format!("{migration}\n"));
        let (project, _) = from_source(&file);
        let reg = standard_registry(&project).expect("standard descriptors load");
        reg.names().map(str::to_string).collect()
    }

    #[test]
    fn a_spec_loads_only_its_two_systems_unless_a_name_is_wrong() {
        assert_eq!(
            systems_for("migration actimo -> salesforce"),
            ["actimo", "salesforce"]
        );
        assert_eq!(systems_for("migration actimo -> zoho"), ["actimo", "zoho"]);
        let all = [
            "actimo",
            "twenty",
            "zoho",
            "pipedrive",
            "freshsales",
            "salesforce",
        ];
        // Unknown names and swapped kinds are reported with every system listed.
        assert_eq!(systems_for("migration actimo -> salesfroce"), all);
        assert_eq!(systems_for("migration salesforce -> actimo"), all);
        assert_eq!(systems_for("options { strict = true }"), all);
    }
}
