//! Running units: one source record (or merge group) through a route, split
//! or merge → the destination records it becomes, or why it becomes none.
//!
//! Input: a [`Ctx`], a [`Unit`] of the plan, a row of the unit's source (or
//! a [`Group`]). Output: an [`Outcome`].
//!
//! Invariants:
//! - all or nothing per source record: a `skip` or an uncaught error in any
//!   field of any target drops every target of that record;
//! - bad data never aborts: an uncaught error becomes [`Outcome::Failed`],
//!   reported as a skip whose reason is the error code (`E0906`);
//! - payload ids are stable across runs: `<source object>:<primary key>`
//!   (parts joined by `|`), a merge's `<source object>:<key values>`, and a
//!   fan-out's later targets append `#<alias or object>` (or the plan's
//!   `id_suffix`, when set, on any target);
//! - field values: null → not sent; `clear` → sent as null; source records,
//!   fan-out aliases, placeholders and owners → `refs` (`contacts:1007`,
//!   `contacts:1042#note`, `placeholder:Account:1`, `owner:ane@x.example`).

mod shape;
mod staging;

pub use shape::to_json;
pub use staging::{apply_source_rules, group_rows, DropReason, Dropped, Group};

use super::eval::{truthy, Ctx, Frame};
use super::keys::key_text;
use super::{bug, fail, Fault, RecordError};
use crate::diagnostics::codes;
use crate::plan::{FieldPlan, ReferencePlan, SplitOtherwise, TargetPlan, Unit, UnitKind};
use crate::span::Span;
use crate::value::{RecRef, Value};
use indexmap::IndexMap;

/// Field name → value, in assignment order. An `IndexMap` with a fast
/// (non-SipHash) hasher: field names are not attacker-chosen, and hashing
/// them is a measurable share of a record's cost.
pub type FieldMap<V> = IndexMap<String, V, foldhash::fast::FixedState>;

/// What one source record (or merge group) became.
#[derive(Clone, Debug, PartialEq)]
pub enum Outcome {
    /// One record per target (a split arm emits one; a fan-out several).
    Emitted(Vec<Emitted>),
    /// `skip("reason")` fired.
    Skipped { reason: String, span: Span },
    /// A `where` was not true; `rule` names it (`route where`).
    Filtered { rule: String },
    /// An error nothing caught; the record is skipped with the error's code.
    Failed(RecordError),
}

impl Outcome {
    /// The reason code a report lists a dropped record under.
    pub fn reason(&self) -> Option<&str> {
        match self {
            Outcome::Emitted(_) => None,
            Outcome::Skipped { reason, .. } => Some(reason),
            Outcome::Filtered { rule } => Some(rule),
            Outcome::Failed(e) => Some(e.code.id),
        }
    }
}

/// One destination record, values not yet in JSON (see [`to_json`]).
#[derive(Clone, Debug, PartialEq)]
pub struct Emitted {
    /// Destination object (`Contact`).
    pub object: String,
    /// Which target of the unit: fan-out position, or split arm (`else` is
    /// the arm after the last `when`).
    pub target: u32,
    /// Payload id (`contacts:1042`).
    pub id: String,
    /// Key field and value.
    pub key: (String, Value),
    /// Values to send; dotted names (`name.firstName`) stay dotted.
    pub fields: FieldMap<Value>,
    /// Lookup fields pointing at other payload records or owners.
    pub refs: FieldMap<String>,
    /// Self-references sent in the later update pass.
    pub deferred: FieldMap<Value>,
    pub deferred_refs: FieldMap<String>,
    /// `flag(…)` reasons raised while evaluating the source record.
    pub flags: Vec<String>,
}

impl Default for Emitted {
    fn default() -> Self {
        Emitted {
            object: String::new(),
            target: 0,
            id: String::new(),
            key: (String::new(), Value::Null),
            fields: FieldMap::default(),
            refs: FieldMap::default(),
            deferred: FieldMap::default(),
            deferred_refs: FieldMap::default(),
            flags: Vec::new(),
        }
    }
}

/// Runs `unit` over row `row` of its source object.
pub fn run_record(ctx: &mut Ctx<'_>, unit: &Unit, row: u32) -> Outcome {
    let r = RecRef {
        object: unit.source,
        row,
    };
    ctx.begin(Some(r));
    let mut base = std::mem::take(&mut ctx.id_buf);
    base.clear();
    ctx.data.write_record_id(r, &mut base);
    let outcome = settle(run(ctx, unit, Frame::Rec(r), &base));
    ctx.id_buf = base;
    outcome
}

/// Runs a merge `unit` over one group (see [`group_rows`]).
pub fn run_group(ctx: &mut Ctx<'_>, unit: &Unit, group: &Group) -> Outcome {
    let first = group.members.first().map(|&row| RecRef {
        object: unit.source,
        row,
    });
    ctx.begin(first);
    let mut base = String::with_capacity(32);
    base.push_str(ctx.data.object_name(unit.source));
    base.push(':');
    let mut scratch = String::new();
    for (i, k) in group.keys.iter().enumerate() {
        if i > 0 {
            base.push('|');
        }
        if let Some(t) = key_text(k, &mut scratch) {
            base.push_str(t);
        }
    }
    let frame = Frame::Group {
        object: unit.source,
        members: &group.members,
        keys: &group.keys,
    };
    settle(run(ctx, unit, frame, &base))
}

/// What a whole unit was run over.
#[derive(Clone, Debug, PartialEq)]
pub enum Subject {
    Record(u32),
    Group(Group),
}

/// Runs `unit` over every record of its source (grouping first for a
/// merge), handing each outcome to `sink` in file order.
pub fn run_unit(ctx: &mut Ctx<'_>, unit: &Unit, mut sink: impl FnMut(Subject, Outcome)) {
    let n = ctx.data.len(unit.source) as u32;
    match &unit.kind {
        UnitKind::Merge { by, .. } => {
            // A merge's `where` selects records before they are grouped.
            let mut rows = Vec::with_capacity(n as usize);
            for row in 0..n {
                match &unit.filter {
                    None => rows.push(row),
                    Some(f) => {
                        let r = RecRef {
                            object: unit.source,
                            row,
                        };
                        ctx.begin(Some(r));
                        match ctx.eval(f, Frame::Rec(r)) {
                            Ok(v) if truthy(&v) => rows.push(row),
                            Ok(_) => sink(
                                Subject::Record(row),
                                Outcome::Filtered {
                                    rule: "merge where".into(),
                                },
                            ),
                            Err(fault) => sink(Subject::Record(row), settle(Err(fault))),
                        }
                    }
                }
            }
            let (groups, failed) = group_rows(ctx, unit.source, by, rows);
            for (row, fault) in failed {
                sink(Subject::Record(row), settle(Err(fault)));
            }
            for g in groups {
                let outcome = run_group(ctx, unit, &g);
                sink(Subject::Group(g), outcome);
            }
        }
        _ => {
            for row in 0..n {
                let outcome = run_record(ctx, unit, row);
                sink(Subject::Record(row), outcome);
            }
        }
    }
}

fn settle(r: Result<Outcome, Fault>) -> Outcome {
    match r {
        Ok(o) => o,
        Err(Fault::Skip(s)) => Outcome::Skipped {
            reason: s.reason,
            span: s.span,
        },
        Err(Fault::Error(e)) => Outcome::Failed(*e),
    }
}

fn run(ctx: &mut Ctx<'_>, unit: &Unit, frame: Frame<'_>, base: &str) -> Result<Outcome, Fault> {
    let kind = match unit.kind {
        UnitKind::Route { .. } => "route",
        UnitKind::Split { .. } => "split",
        UnitKind::Merge { .. } => "merge",
    };
    // A merge's filter ran on each record before grouping (see `run_unit`).
    let filter = if matches!(unit.kind, UnitKind::Merge { .. }) {
        None
    } else {
        unit.filter.as_ref()
    };
    if let Some(f) = filter {
        if !truthy(&ctx.eval(f, frame)?) {
            return Ok(Outcome::Filtered {
                rule: format!("{kind} where"),
            });
        }
    }
    let mut emitted = ctx.spare_lists.pop().unwrap_or_default();
    emitted.clear();
    let ids = Ids { base };
    match &unit.kind {
        UnitKind::Route { targets } => {
            for (i, t) in targets.iter().enumerate() {
                emitted.push(emit(ctx, t, i as u32, frame, &ids, targets)?);
            }
        }
        UnitKind::Merge { target, .. } => {
            emitted.push(emit(
                ctx,
                target,
                0,
                frame,
                &ids,
                std::slice::from_ref(target),
            )?);
        }
        UnitKind::Split { arms, otherwise } => {
            let mut chosen = None;
            for (i, (cond, t)) in arms.iter().enumerate() {
                if truthy(&ctx.eval(cond, frame)?) {
                    chosen = Some((i, t));
                    break;
                }
            }
            let (i, t) = match (chosen, otherwise) {
                (Some(c), _) => c,
                (None, Some(SplitOtherwise::Target(t))) => (arms.len(), t),
                (None, Some(SplitOtherwise::Skip(reason))) => {
                    return Ok(Outcome::Skipped {
                        reason: reason.clone(),
                        span: unit.span,
                    })
                }
                (None, None) => {
                    return fail(
                        codes::E0910,
                        unit.span,
                        format!("no arm of `{}` matched", unit.label),
                    )
                }
            };
            let mut e = emit(ctx, t, 0, frame, &ids, std::slice::from_ref(t))?;
            e.target = i as u32;
            emitted.push(e);
        }
    }
    if !ctx.flags.is_empty() {
        for e in &mut emitted {
            e.flags.clone_from(&ctx.flags);
        }
    }
    Ok(Outcome::Emitted(emitted))
}

/// Payload ids of a unit's targets: the first target without an
/// `id_suffix` gets the subject's id itself, later ones
/// `<id>#<alias or object>`, any with an `id_suffix` `<id>#<suffix>`.
struct Ids<'b> {
    base: &'b str,
}

impl Ids<'_> {
    fn write(&self, out: &mut String, t: &TargetPlan, position: usize) {
        out.clear();
        out.push_str(self.base);
        let suffix = match (&t.id_suffix, position) {
            (Some(s), _) => s.trim_start_matches('#'),
            (None, 0) => return,
            (None, _) => t.alias.as_deref().unwrap_or(&t.object),
        };
        out.push('#');
        out.push_str(suffix);
    }
}

/// Builds one target's record, reusing a recycled one's buffers (see
/// [`Ctx::recycle`]): field names and texts already in place are
/// overwritten, not reallocated.
fn emit(
    ctx: &mut Ctx<'_>,
    t: &TargetPlan,
    position: u32,
    frame: Frame<'_>,
    ids: &Ids<'_>,
    siblings: &[TargetPlan],
) -> Result<Emitted, Fault> {
    let key = ctx.eval(&t.key.expr, frame)?;
    let key = match key {
        Value::Null => {
            return fail(
                codes::E0909,
                t.key.expr.span,
                format!("the key `{}` is null", t.key.field),
            )
        }
        Value::Rec(_)
        | Value::Produced(_)
        | Value::Placeholder(_)
        | Value::Owner(_)
        | Value::Clear => return bug(t.key.expr.span, "a key must be a plain value"),
        v => shape::conform(v, &t.key.dest, t.key.expr.span, &mut ctx.scratch)?,
    };
    let mut out = ctx.spare.pop().unwrap_or_default();
    out.object.clear();
    out.object.push_str(&t.object);
    out.target = position;
    ids.write(&mut out.id, t, position as usize);
    out.key.0.clear();
    out.key.0.push_str(&t.key.field);
    out.key.1 = key;
    out.flags.clear();
    let (mut nf, mut nr) = (0, 0);
    for f in &t.fields {
        let v = ctx.eval(&f.expr, frame)?;
        let (map, refs) = (&mut out.fields, &mut out.refs);
        assign(ctx, f, v, ids, siblings, (map, &mut nf), (refs, &mut nr))?;
    }
    out.fields.truncate(nf);
    out.refs.truncate(nr);
    let (mut nf, mut nr) = (0, 0);
    for f in &t.deferred {
        let v = ctx.eval(&f.expr, frame)?;
        let (map, refs) = (&mut out.deferred, &mut out.deferred_refs);
        assign(ctx, f, v, ids, siblings, (map, &mut nf), (refs, &mut nr))?;
    }
    out.deferred.truncate(nf);
    out.deferred_refs.truncate(nr);
    Ok(out)
}

/// Where the next entry of a reused map goes: overwrite entry `pos` when it
/// has the same name, otherwise drop the rest and insert `init()`.
fn slot<'m, V>(
    map: &'m mut FieldMap<V>,
    pos: &mut usize,
    name: &str,
    init: impl FnOnce() -> V,
) -> &'m mut V {
    let at = *pos;
    *pos += 1;
    if map.get_index(at).is_some_and(|(k, _)| k == name) {
        return &mut map[at];
    }
    map.truncate(at);
    let (i, _) = map.insert_full(name.to_string(), init());
    &mut map[i]
}

fn assign(
    ctx: &mut Ctx<'_>,
    f: &FieldPlan,
    v: Value,
    ids: &Ids<'_>,
    siblings: &[TargetPlan],
    (fields, nf): (&mut FieldMap<Value>, &mut usize),
    (refs, nr): (&mut FieldMap<String>, &mut usize),
) -> Result<(), Fault> {
    let span = f.expr.span;
    match v {
        Value::Null => {}
        Value::Rec(r) => {
            let s = slot(refs, nr, &f.field, String::new);
            s.clear();
            ctx.data.write_record_id(r, s);
        }
        Value::Produced(i) => match siblings.get(i as usize) {
            Some(t) => ids.write(slot(refs, nr, &f.field, String::new), t, i as usize),
            None => return bug(span, format!("fan-out target {i} does not exist")),
        },
        Value::Placeholder(i) => match ctx.plan.placeholders.get(i as usize) {
            Some(p) => {
                let s = slot(refs, nr, &f.field, String::new);
                s.clear();
                s.push_str(&p.id);
            }
            None => return bug(span, format!("placeholder {i} does not exist")),
        },
        Value::Owner(email) => {
            let s = slot(refs, nr, &f.field, String::new);
            s.clear();
            s.push_str("owner:");
            s.push_str(&email);
        }
        Value::List(items)
            if items
                .iter()
                .any(|i| matches!(i, Value::Rec(_) | Value::Produced(_))) =>
        {
            return bug(
                span,
                format!("`{}` got a list of records; a lookup takes one", f.field),
            )
        }
        v => {
            let v = shape::conform(v, &f.dest, span, &mut ctx.scratch)?;
            *slot(fields, nf, &f.field, || Value::Null) = v;
        }
    }
    Ok(())
}

/// One record of a `reference` document: field name → JSON (records as
/// their ids), or `None` when the reference's `where` is not true.
pub fn run_reference(
    ctx: &mut Ctx<'_>,
    reference: &ReferencePlan,
    row: u32,
) -> Result<Option<IndexMap<String, serde_json::Value>>, Fault> {
    let r = RecRef {
        object: reference.source,
        row,
    };
    ctx.begin(Some(r));
    let frame = Frame::Rec(r);
    if let Some(f) = &reference.filter {
        if !truthy(&ctx.eval(f, frame)?) {
            return Ok(None);
        }
    }
    let mut out = IndexMap::with_capacity(reference.fields.len());
    for (name, e) in &reference.fields {
        let v = ctx.eval(e, frame)?;
        out.insert(name.clone(), reference_json(ctx, &v));
    }
    Ok(Some(out))
}

fn reference_json(ctx: &Ctx<'_>, v: &Value) -> serde_json::Value {
    match v {
        Value::Rec(r) => serde_json::Value::String(ctx.data.record_id(*r)),
        Value::Placeholder(i) => ctx
            .plan
            .placeholders
            .get(*i as usize)
            .map_or(serde_json::Value::Null, |p| p.id.clone().into()),
        Value::List(items) => {
            serde_json::Value::Array(items.iter().map(|i| reference_json(ctx, i)).collect())
        }
        other => to_json(other),
    }
}

#[cfg(test)]
mod tests;
