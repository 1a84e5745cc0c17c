//! Schema descriptors: YAML → [`model::Descriptor`].
//!
//! Input: descriptor YAML (the six standard ones embedded in the binary, or a
//! `--schemas DIR` of overrides). Output: validated descriptors in a
//! [`Registry`], or E07xx diagnostics with labels on the YAML. Invariants: see
//! [`model`]; loading never panics on bad input; the standard descriptors are
//! parsed once per process.
//!
//! Loading one file runs: span tree and YAML syntax ([`spans`]) → duplicate
//! keys → serde into the raw shape ([`yaml`]) → types, values and kind checks
//! ([`convert`]) → cross-references ([`validate`]). The embedded standard
//! descriptors, which pass all of that cleanly (tested), skip the first two
//! steps and load only when a command needs them ([`embedded`]).

mod convert;
mod embedded;
mod field;
pub mod model;
mod spans;
mod type_string;
pub mod types;
mod validate;
mod yaml;

pub use types::parse_type;

use crate::diagnostics::{codes, did_you_mean, Diagnostic, Diagnostics, Label, SourceFile};
use crate::span::Span;
use indexmap::IndexMap;
use model::Descriptor;
use std::path::Path;
use std::sync::Arc;

/// The descriptors of a run, by system name.
#[derive(Clone, Debug, Default)]
pub struct Registry {
    systems: IndexMap<String, Arc<Descriptor>>,
}

impl Registry {
    /// The six standard descriptors embedded in the binary (each parsed once per process).
    pub fn standard() -> Result<Registry, Diagnostics> {
        let mut reg = Registry::default();
        let mut diags = Diagnostics::new();
        for i in 0..embedded::STANDARD.len() {
            match embedded::get(i) {
                Ok(desc) => {
                    reg.systems.insert(desc.system.clone(), Arc::clone(desc));
                }
                Err(d) => diags.extend(d.clone()),
            }
        }
        if diags.has_errors() {
            Err(diags)
        } else {
            Ok(reg)
        }
    }

    /// Only the named standard descriptors (in the standard order), loading
    /// no others; `None` when a name is not a standard system or its
    /// descriptor does not load (ask [`Registry::standard`] for the whole
    /// picture then).
    pub fn standard_subset(systems: &[&str]) -> Option<Registry> {
        let mut at: Vec<usize> = systems
            .iter()
            .map(|s| embedded::position(s))
            .collect::<Option<_>>()?;
        at.sort_unstable();
        at.dedup();
        let mut reg = Registry::default();
        for i in at {
            let desc = embedded::get(i).as_ref().ok()?;
            reg.systems.insert(desc.system.clone(), Arc::clone(desc));
        }
        Some(reg)
    }

    /// The standard descriptors, then every `*.yaml`/`*.yml` in `dir` (in name
    /// order): a file with a new `system` adds a descriptor, one with the
    /// `system` of a loaded one replaces it, and one with `extends: X` adds or
    /// replaces objects and fields of `X`. Extending files load after the others.
    pub fn with_overrides(dir: &Path) -> Result<Registry, Diagnostics> {
        let mut reg = Registry::standard()?;
        let mut diags = Diagnostics::new();
        let mut paths = match std::fs::read_dir(dir) {
            Ok(entries) => entries
                .filter_map(Result::ok)
                .map(|e| e.path())
                .filter(|p| p.is_file() && p.extension().is_some_and(|e| e == "yaml" || e == "yml"))
                .collect::<Vec<_>>(),
            Err(e) => {
                diags.push(Diagnostic::new(
                    codes::E1001,
                    format!("cannot read the schema folder `{}`: {e}", dir.display()),
                ));
                return Err(diags);
            }
        };
        paths.sort();
        let mut files = Vec::new();
        for path in paths {
            match std::fs::read_to_string(&path) {
                Ok(text) => files.push(SourceFile::new(path.display().to_string(), text)),
                Err(e) => diags.push(Diagnostic::new(
                    codes::E1001,
                    format!("cannot read `{}`: {e}", path.display()),
                )),
            }
        }
        // A cheap look at `extends:` decides the order; the loader reads it properly.
        let extends = |f: &Arc<SourceFile>| {
            f.text
                .lines()
                .any(|l| l.trim_start().starts_with("extends:") && !l.starts_with(' '))
        };
        let (ext, plain): (Vec<_>, Vec<_>) = files.into_iter().partition(|f| extends(f));
        for file in plain.iter().chain(ext.iter()) {
            if let Err(d) = reg.add(file) {
                diags.extend(d);
            }
        }
        if diags.has_errors() {
            Err(diags)
        } else {
            Ok(reg)
        }
    }

    /// Loads one descriptor text into the registry (an `extends:` names a
    /// descriptor already in it) and returns the stored descriptor.
    pub fn add(&mut self, file: &Arc<SourceFile>) -> Result<&Descriptor, Diagnostics> {
        let desc = load_with(file, Some(self))?;
        let name = desc.system.clone();
        self.systems.insert(name.clone(), Arc::new(desc));
        Ok(self.systems[&name].as_ref())
    }

    pub fn get(&self, system: &str) -> Option<&Descriptor> {
        self.systems.get(system).map(Arc::as_ref)
    }

    /// Every descriptor, in load order (the standard ones first).
    pub fn systems(&self) -> impl Iterator<Item = &Descriptor> {
        self.systems.values().map(Arc::as_ref)
    }

    /// The system names, for "did you mean".
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.systems.keys().map(String::as_str)
    }
}

/// Parses and validates one descriptor text; `file` names it in diagnostics.
/// An `extends:` is resolved against the standard descriptors.
pub fn load(file: &Arc<SourceFile>) -> Result<Descriptor, Diagnostics> {
    let standard = Registry::standard().ok();
    load_with(file, standard.as_ref())
}

fn load_with(
    file: &Arc<SourceFile>,
    registry: Option<&Registry>,
) -> Result<Descriptor, Diagnostics> {
    let mut diags = Diagnostics::new();
    let tree = match spans::parse(&file.text) {
        Ok(t) => t,
        Err(e) => {
            let at = widen(&file.text, e.at.start);
            diags.push(
                Diagnostic::new(
                    codes::E0701,
                    format!("the descriptor is not valid YAML: {}", e.message),
                )
                .in_file(file)
                .label(at, "here")
                .help(
                    "check indentation, unclosed `[`/`{` and quotes around values with `:` or `#`",
                ),
            );
            return Err(diags);
        }
    };
    for d in spans::duplicates(&tree) {
        let mut diag = Diagnostic::new(
            codes::E0706,
            format!("`{}` is listed twice in the same mapping", d.key),
        )
        .in_file(file)
        .label(d.second, "listed again here")
        .help("YAML keeps only the last one; remove or rename one of them");
        diag.labels.push(Label {
            span: d.first,
            message: "first listed here".into(),
        });
        diags.push(diag);
    }
    if !diags.is_empty() {
        return Err(diags);
    }
    let raw: yaml::RawDescriptor = match serde_yaml::from_str(&file.text) {
        Ok(r) => r,
        Err(e) => {
            diags.push(serde_error(file, &tree, &e));
            return Err(diags);
        }
    };
    let base = match &raw.extends {
        None => None,
        Some(name) => match registry.and_then(|r| r.get(name)) {
            Some(b) => Some(b),
            None => {
                let span = tree.best_span(&[spans::Seg::Key("extends")]);
                let names: Vec<&str> = registry.map(|r| r.names().collect()).unwrap_or_default();
                diags.push(
                    Diagnostic::new(
                        codes::E0711,
                        format!("`extends: {name}` names no loaded descriptor"),
                    )
                    .in_file(file)
                    .label(span, "unknown system")
                    .maybe_help(
                        did_you_mean(name, names.iter().copied())
                            .or_else(|| Some(format!("loaded descriptors: {}", names.join(", ")))),
                    ),
                );
                return Err(diags);
            }
        },
    };
    let mut ctx = convert::Ctx {
        file,
        tree: &tree,
        diags,
    };
    let (mut desc, own) = convert::descriptor(&mut ctx, raw, base);
    validate::check(&mut ctx, &mut desc, &own);
    if ctx.diags.has_errors() {
        Err(ctx.diags)
    } else {
        Ok(desc)
    }
}

/// serde_yaml's error path (`objects.Contact.fields[2]`) as tree steps.
fn path_segs(path: &str) -> Vec<spans::Seg<'_>> {
    let mut segs = Vec::new();
    for part in path.split('.').filter(|p| !p.is_empty()) {
        let mut pieces = part.split('[');
        if let Some(key) = pieces.next().filter(|k| !k.is_empty()) {
            segs.push(spans::Seg::Key(key));
        }
        for idx in pieces {
            if let Ok(i) = idx.trim_end_matches(']').parse() {
                segs.push(spans::Seg::Index(i));
            }
        }
    }
    segs
}

/// A one-token span at `at` (to the end of the word), so a caret has width.
fn widen(text: &str, at: usize) -> Span {
    let at = at.min(text.len());
    let rest = &text[at..];
    let len = rest
        .char_indices()
        .find(|(_, c)| c.is_whitespace() || matches!(c, ':' | ',' | '[' | ']' | '{' | '}'))
        .map_or(rest.len(), |(i, _)| i);
    let len = if len == 0 {
        rest.chars().next().map_or(0, char::len_utf8)
    } else {
        len
    };
    Span::new(at, at + len)
}

/// A serde_yaml error as a coded diagnostic: unknown keys (E0702) and kinds
/// (E0704) get "did you mean"; wrong shapes and missing keys are E0703.
fn serde_error(file: &Arc<SourceFile>, tree: &spans::Node, e: &serde_yaml::Error) -> Diagnostic {
    let full = e.to_string();
    // serde_yaml prints "path: message at line L column C"; the label carries the position.
    let no_pos = full.split(" at line ").next().unwrap_or(&full);
    let (path, msg) = match no_pos.split_once(": ") {
        Some((p, m)) if !p.contains(' ') && !p.contains('`') => (p, m),
        _ => ("", no_pos),
    };
    let span = e
        .location()
        .map_or(Span::new(0, 0), |l| widen(&file.text, l.index()));
    let quoted = |s: &str| -> Vec<String> {
        s.split('`')
            .skip(1)
            .step_by(2)
            .map(str::to_string)
            .collect()
    };
    let place = if path.is_empty() {
        String::new()
    } else {
        format!(" (at `{path}`)")
    };
    if let Some(rest) = msg.strip_prefix("unknown field ") {
        let names = quoted(rest);
        let (bad, expected) = names
            .split_first()
            .map_or(("", &[][..]), |(b, e)| (b.as_str(), e));
        let help = if bad.ends_with(')') || bad.ends_with(")>") {
            // `{ type: number(18, 2) }`: in a flow mapping the comma ends the value.
            "inside `{ … }` a comma ends the value: quote a type that has one, e.g. `type: \"number(18, 2)\"`".to_string()
        } else {
            did_you_mean(bad, expected.iter().map(String::as_str))
                .unwrap_or_else(|| format!("known keys here: {}", expected.join(", ")))
        };
        let mut segs = path_segs(path);
        segs.push(spans::Seg::Key(bad));
        let span = tree.key_span(&segs).unwrap_or(span);
        return Diagnostic::new(codes::E0702, format!("unknown key `{bad}`{place}"))
            .in_file(file)
            .label(span, "not a descriptor key")
            .help(help);
    }
    if let Some(rest) = msg.strip_prefix("unknown variant ") {
        let names = quoted(rest);
        let (bad, expected) = names
            .split_first()
            .map_or(("", &[][..]), |(b, e)| (b.as_str(), e));
        let help = did_you_mean(bad, expected.iter().map(String::as_str))
            .unwrap_or_else(|| format!("expected one of: {}", expected.join(", ")));
        let code = if path == "kind" {
            codes::E0704
        } else {
            codes::E0703
        };
        let span = tree.at(&path_segs(path)).map_or(span, |n| n.span);
        return Diagnostic::new(code, format!("unknown value `{bad}`{place}"))
            .in_file(file)
            .label(span, format!("expected {}", expected.join(" or ")))
            .help(help);
    }
    if msg.starts_with("duplicate field") {
        return Diagnostic::new(codes::E0706, format!("{msg}{place}"))
            .in_file(file)
            .label(span, "listed again");
    }
    let wrong_value = msg.starts_with("invalid type")
        || msg.starts_with("invalid value")
        || msg.starts_with("invalid length");
    if wrong_value {
        let span = tree.at(&path_segs(path)).map_or(span, |n| n.span);
        let label = msg
            .split_once(", expected ")
            .map_or("here".to_string(), |(_, e)| format!("expected {e}"));
        return Diagnostic::new(codes::E0703, format!("{msg}{place}"))
            .in_file(file)
            .label(span, label);
    }
    let code = if msg.starts_with("missing field") {
        codes::E0703
    } else {
        codes::E0701
    };
    Diagnostic::new(code, format!("{msg}{place}"))
        .in_file(file)
        .label(span, "here")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load_str(text: &str) -> Result<Descriptor, Diagnostics> {
        load(&SourceFile::new("t.yaml", text))
    }

    #[test]
    fn standard_descriptors_load() {
        let reg = match Registry::standard() {
            Ok(r) => r,
            Err(d) => panic!(
                "{}",
                crate::diagnostics::render::render(
                    &d.0,
                    crate::diagnostics::render::Format::Human,
                    crate::diagnostics::render::HumanStyle::PLAIN
                )
            ),
        };
        let names: Vec<&str> = reg.names().collect();
        assert_eq!(
            names,
            [
                "actimo",
                "twenty",
                "zoho",
                "pipedrive",
                "freshsales",
                "salesforce"
            ]
        );
    }

    #[test]
    fn a_subset_loads_only_the_named_standard_descriptors() {
        let reg = Registry::standard_subset(&["salesforce", "actimo"]).expect("standard systems");
        let names: Vec<&str> = reg.names().collect();
        assert_eq!(names, ["actimo", "salesforce"]);
        assert!(Registry::standard_subset(&["actimo", "salesfroce"]).is_none());
        assert!(Registry::standard_subset(&[]).is_some_and(|r| r.names().count() == 0));
    }

    #[test]
    fn serde_errors_become_coded_diagnostics() {
        let e = load_str("system: x\nkind: destinaton\n").unwrap_err();
        assert_eq!(e.0[0].code, codes::E0704);
        assert_eq!(e.0[0].help.as_deref(), Some("did you mean `destination`?"));
        let e = load_str("system: x\nkind: source\ntitel: X\n").unwrap_err();
        assert_eq!(e.0[0].code, codes::E0702);
        assert_eq!(e.0[0].help.as_deref(), Some("did you mean `title`?"));
        let span = e.0[0].labels[0].span;
        assert_eq!(
            &"system: x\nkind: source\ntitel: X\n"[span.start..span.end],
            "titel"
        );
    }
}
