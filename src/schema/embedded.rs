//! The standard descriptors, embedded so `ferry` works from any folder, and
//! loaded one at a time, once per process, when first needed.
//!
//! Input: `specs/schemas/*.yaml` at build time. Output: (file name, text)
//! pairs in load order (the source first), and each one's loaded
//! [`Descriptor`]. Invariants: a file's stem is its `system`; each text loads
//! without diagnostics on the full path (span tree, duplicate keys, serde,
//! conversion, validation), which the tests check. That is why an embedded
//! text is read on a short path that skips the span tree and the duplicate-key
//! scan (they only serve diagnostics): should the short path find anything at
//! all, the full path runs and reports it, so diagnostics never differ.

use super::model::Descriptor;
use super::spans::{Node, NodeKind};
use crate::diagnostics::{Diagnostics, SourceFile};
use crate::span::Span;
use std::sync::{Arc, OnceLock};

pub const STANDARD: &[(&str, &str)] = &[
    (
        "specs/schemas/actimo.yaml",
        include_str!("../../specs/schemas/actimo.yaml"),
    ),
    (
        "specs/schemas/twenty.yaml",
        include_str!("../../specs/schemas/twenty.yaml"),
    ),
    (
        "specs/schemas/zoho.yaml",
        include_str!("../../specs/schemas/zoho.yaml"),
    ),
    (
        "specs/schemas/pipedrive.yaml",
        include_str!("../../specs/schemas/pipedrive.yaml"),
    ),
    (
        "specs/schemas/freshsales.yaml",
        include_str!("../../specs/schemas/freshsales.yaml"),
    ),
    (
        "specs/schemas/salesforce.yaml",
        include_str!("../../specs/schemas/salesforce.yaml"),
    ),
];

/// Each standard descriptor, loaded on first use.
static LOADED: [OnceLock<Result<Arc<Descriptor>, Diagnostics>>; STANDARD.len()] =
    [const { OnceLock::new() }; STANDARD.len()];

/// The position in [`STANDARD`] of the descriptor of `system`.
pub fn position(system: &str) -> Option<usize> {
    STANDARD.iter().position(|(path, _)| stem(path) == system)
}

fn stem(path: &str) -> &str {
    let name = path.rsplit('/').next().unwrap_or(path);
    name.strip_suffix(".yaml").unwrap_or(name)
}

/// The standard descriptor at `i` of [`STANDARD`] (loaded once per process).
pub fn get(i: usize) -> &'static Result<Arc<Descriptor>, Diagnostics> {
    LOADED[i].get_or_init(|| {
        let (name, text) = STANDARD[i];
        let file = SourceFile::new(name, text);
        match load_short(&file) {
            Some(desc) => Ok(Arc::new(desc)),
            None => super::load_with(&file, None).map(Arc::new),
        }
    })
}

/// Serde, conversion and validation without the span tree; `None` when
/// anything at all is reported (or the text extends another descriptor).
pub(super) fn load_short(file: &Arc<SourceFile>) -> Option<Descriptor> {
    let raw: super::yaml::RawDescriptor = serde_yaml::from_str(&file.text).ok()?;
    if raw.extends.is_some() {
        return None;
    }
    // Spans are only looked up to place diagnostics, and there are none on
    // this path: an empty tree serves.
    let tree = Node {
        span: Span::new(0, 0),
        kind: NodeKind::Map(Vec::new()),
    };
    let mut ctx = super::convert::Ctx {
        file,
        tree: &tree,
        diags: Diagnostics::new(),
    };
    let (mut desc, own) = super::convert::descriptor(&mut ctx, raw, None);
    super::validate::check(&mut ctx, &mut desc, &own);
    ctx.diags.is_empty().then_some(desc)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The short path is only sound for texts the full path passes without a
    /// word, and must then give the same descriptor.
    #[test]
    fn embedded_texts_pass_the_full_path_and_the_short_path_agrees() {
        for (i, (name, text)) in STANDARD.iter().enumerate() {
            let file = SourceFile::new(*name, *text);
            let full = match super::super::load_with(&file, None) {
                Ok(d) => d,
                Err(d) => panic!("{name}: {:?}", d.0),
            };
            assert_eq!(stem(name), full.system, "{name}: file stem is the system");
            assert_eq!(position(&full.system), Some(i));
            let short = load_short(&file).unwrap_or_else(|| panic!("{name}: short path"));
            assert_eq!(format!("{short:?}"), format!("{full:?}"), "{name}");
            let cached = get(i).as_ref().expect("loads");
            assert_eq!(format!("{cached:?}"), format!("{full:?}"), "{name}");
        }
    }

    #[test]
    fn the_short_path_gives_up_on_anything_reported() {
        for text in [
            "system: x\nkind: destinaton\n",
            "system: x\nkind: source\nobjects:\n  a:\n    fields:\n      f: txt(80)\n",
            "system: x\nextends: salesforce\n",
            "system: [\n",
        ] {
            assert!(
                load_short(&SourceFile::new("t.yaml", text)).is_none(),
                "{text}"
            );
        }
        let clean = "system: x\nkind: source\ntitle: X\nobjects:\n  a:\n    file: a.csv\n    primary_key: id\n    fields:\n      id: text(80)\n";
        assert!(load_short(&SourceFile::new("t.yaml", clean)).is_some());
    }
}
