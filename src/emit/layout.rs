//! Where every emitted record goes and the constant parts of its line,
//! computed once per run from the plan.
//!
//! Input: a [`Plan`] and the [`Dataset`] (for the source file names).
//! Output: a [`Layout`]: the payload files in load order and, per unit and
//! per target (fan-out position or split arm, as [`Emitted::target`]
//! numbers them), the file indexes and pre-escaped JSON fragments.
//! Invariants: one file per load step, numbered as the plan says; a target
//! whose object has no load step has `upsert: None` (a plan bug, reported
//! per record as E0912, never a panic).
//!
//! [`Emitted::target`]: crate::runtime::Emitted::target

use super::json::push_str;
use crate::plan::{Pass, Plan, TargetPlan, Ty, UnitKind};
use crate::runtime::Dataset;

/// One payload file.
#[derive(Clone, Debug)]
pub struct FileSpec {
    /// `03-Contact.jsonl`
    pub name: String,
    pub object: String,
    pub pass: Pass,
}

pub(crate) struct Layout {
    pub files: Vec<FileSpec>,
    pub units: Vec<UnitLayout>,
}

pub(crate) struct UnitLayout {
    /// `,"source":{"object":"contacts","file":"contacts.csv","row":`
    pub source_head: Vec<u8>,
    /// By [`crate::runtime::Emitted::target`].
    pub targets: Vec<TargetLayout>,
}

pub(crate) struct TargetLayout {
    pub upsert: Option<usize>,
    pub deferred: Option<usize>,
    /// `,"op":"upsert","target":"Contact","key":`
    pub upsert_head: Vec<u8>,
    /// `,"op":"update","target":"Contact","key":`
    pub update_head: Vec<u8>,
    /// `{"<key field>":` (escaped once); `None` when the key's name is
    /// dotted (written nested).
    pub key_head: Option<Vec<u8>>,
    /// Some field name is dotted.
    pub nested: bool,
    /// Destination field names, `fields` then `deferred`, in plan order.
    pub fields: Vec<String>,
    /// `"name":` of each of `fields`, escaped once.
    pub keys: Vec<Vec<u8>>,
    /// Positions in `fields` of owner lookups (`owner(…)`), ascending.
    pub owners: Vec<usize>,
}

impl Layout {
    pub fn new(plan: &Plan, data: &Dataset) -> Layout {
        let files: Vec<FileSpec> = plan
            .load_order
            .iter()
            .map(|s| FileSpec {
                name: s.file_name(),
                object: s.object.clone(),
                pass: s.pass,
            })
            .collect();
        let find = |object: &str, pass: Pass| {
            files
                .iter()
                .position(|f| f.object == object && f.pass == pass)
        };
        let units = plan
            .units
            .iter()
            .map(|u| {
                let file = data.table(u.source).map_or("", |t| &*t.file);
                let mut source_head = Vec::with_capacity(64);
                source_head.extend_from_slice(b",\"source\":{\"object\":");
                push_str(&mut source_head, data.object_name(u.source));
                source_head.extend_from_slice(b",\"file\":");
                push_str(&mut source_head, file);
                source_head.extend_from_slice(b",\"row\":");
                let targets = u
                    .kind
                    .targets()
                    .into_iter()
                    .map(|t| target_layout(t, &find))
                    .collect();
                UnitLayout {
                    source_head,
                    targets,
                }
            })
            .collect();
        Layout { files, units }
    }
}

/// A unit's targets in [`crate::runtime::Emitted::target`] order; kept
/// as a name for the callers in `emit/mod.rs` (see [`UnitKind::targets`]).
pub(crate) fn unit_targets(kind: &UnitKind) -> Vec<&TargetPlan> {
    kind.targets()
}

fn target_layout(t: &TargetPlan, find: &dyn Fn(&str, Pass) -> Option<usize>) -> TargetLayout {
    let head = |op: &str| {
        let mut h = Vec::with_capacity(48);
        h.extend_from_slice(b",\"op\":\"");
        h.extend_from_slice(op.as_bytes());
        h.extend_from_slice(b"\",\"target\":");
        push_str(&mut h, &t.object);
        h.extend_from_slice(b",\"key\":");
        h
    };
    let all = || t.fields.iter().chain(&t.deferred);
    TargetLayout {
        upsert: find(&t.object, Pass::Upsert),
        deferred: find(&t.object, Pass::DeferredUpdate),
        upsert_head: head("upsert"),
        key_head: (!t.key.field.contains('.')).then(|| {
            let mut h = Vec::with_capacity(t.key.field.len() + 4);
            h.push(b'{');
            push_str(&mut h, &t.key.field);
            h.push(b':');
            h
        }),
        update_head: head("update"),
        nested: all().any(|f| f.field.contains('.')),
        fields: all().map(|f| f.field.clone()).collect(),
        keys: all()
            .map(|f| {
                let mut k = Vec::with_capacity(f.field.len() + 3);
                push_str(&mut k, &f.field);
                k.push(b':');
                k
            })
            .collect(),
        owners: all()
            .enumerate()
            .filter(|(_, f)| f.expr.ty == Ty::Owner)
            .map(|(i, _)| i)
            .collect(),
    }
}
