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

mod out;
mod reference;
mod shape;
mod staging;

pub(crate) use out::Out;
pub use reference::run_reference;
pub use shape::to_json;
pub(crate) use shape::{conform_rv, push_json, Accept};
pub use staging::{apply_source_rules, group_rows, DropReason, Dropped, Group};

use super::eval::{truthy, Ctx, Frame, RV};
use super::keys::key_text;
use super::{bug, fail, Fault, RecordError};
use crate::diagnostics::codes;
use crate::plan::{FieldPlan, SplitOtherwise, TargetPlan, Unit, UnitKind};
use crate::span::Span;
use crate::value::{RecRef, Value};
use indexmap::IndexMap;
use out::EmittedOut;

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
    let mut out = EmittedOut::new(ctx);
    let done = run_record_with(ctx, unit, row, &mut out);
    out.outcome(ctx, done)
}

/// Runs a merge `unit` over one group (see [`group_rows`]).
pub fn run_group(ctx: &mut Ctx<'_>, unit: &Unit, group: &Group) -> Outcome {
    let mut out = EmittedOut::new(ctx);
    let done = run_group_with(ctx, unit, group, &mut out);
    out.outcome(ctx, done)
}

/// [`run_record`], handing the records to `out`.
pub(crate) fn run_record_with<O: Out>(
    ctx: &mut Ctx<'_>,
    unit: &Unit,
    row: u32,
    out: &mut O,
) -> Result<Done, Fault> {
    let r = RecRef {
        object: unit.source,
        row,
    };
    ctx.begin(Some(r));
    let mut base = std::mem::take(&mut ctx.id_buf);
    base.clear();
    ctx.data.write_record_id(r, &mut base);
    let done = run(ctx, unit, Frame::Rec(r), &base, out);
    ctx.id_buf = base;
    done
}

/// [`run_group`], handing the record to `out`.
pub(crate) fn run_group_with<O: Out>(
    ctx: &mut Ctx<'_>,
    unit: &Unit,
    group: &Group,
    out: &mut O,
) -> Result<Done, Fault> {
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
    run(ctx, unit, frame, &base, out)
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

/// How a subject ended when no fault stopped it.
#[derive(Debug)]
pub(crate) enum Done {
    /// Its records went to the [`Out`].
    Emitted,
    /// `route where` / `split where` was not true.
    Filtered(&'static str),
    /// A split's `else skip("reason")`.
    Skipped { reason: String, span: Span },
}

fn run<O: Out>(
    ctx: &mut Ctx<'_>,
    unit: &Unit,
    frame: Frame<'_>,
    base: &str,
    out: &mut O,
) -> Result<Done, Fault> {
    // A merge's filter ran on each record before grouping (see `run_unit`).
    let filter = if matches!(unit.kind, UnitKind::Merge { .. }) {
        None
    } else {
        unit.filter.as_ref()
    };
    if let Some(f) = filter {
        if !truthy(&ctx.eval(f, frame)?) {
            return Ok(Done::Filtered(match unit.kind {
                UnitKind::Split { .. } => "split where",
                _ => "route where",
            }));
        }
    }
    let ids = Ids { base };
    match &unit.kind {
        UnitKind::Route { targets } => {
            for (i, t) in targets.iter().enumerate() {
                emit(ctx, t, i as u32, frame, &ids, targets, out)?;
            }
        }
        UnitKind::Merge { target, .. } => {
            emit(
                ctx,
                target,
                0,
                frame,
                &ids,
                std::slice::from_ref(target),
                out,
            )?;
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
                    return Ok(Done::Skipped {
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
            // A split's id is that of its only target (position 0); the
            // record says which arm it came from.
            emit_as(
                ctx,
                t,
                0,
                i as u32,
                frame,
                &ids,
                std::slice::from_ref(t),
                out,
            )?;
        }
    }
    Ok(Done::Emitted)
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
        if let Some(suffix) = t.id_suffix_at(position) {
            out.push('#');
            out.push_str(suffix);
        }
    }
}

fn emit<O: Out>(
    ctx: &mut Ctx<'_>,
    t: &TargetPlan,
    position: u32,
    frame: Frame<'_>,
    ids: &Ids<'_>,
    siblings: &[TargetPlan],
    out: &mut O,
) -> Result<(), Fault> {
    emit_as(ctx, t, position, position, frame, ids, siblings, out)
}

/// Evaluates one target's key and fields into `out`: its id as target
/// `position` of the unit, its record numbered `target` (see
/// [`Emitted::target`]).
#[allow(clippy::too_many_arguments)]
fn emit_as<O: Out>(
    ctx: &mut Ctx<'_>,
    t: &TargetPlan,
    position: u32,
    target: u32,
    frame: Frame<'_>,
    ids: &Ids<'_>,
    siblings: &[TargetPlan],
    out: &mut O,
) -> Result<(), Fault> {
    let span = t.key.expr.span;
    let key = ctx.eval_ref(&t.key.expr, frame)?;
    let key = match key.value() {
        Some(Value::Null) => {
            return fail(
                codes::E0909,
                span,
                format!("the key `{}` is null", t.key.field),
            )
        }
        Some(
            Value::Rec(_)
            | Value::Produced(_)
            | Value::Placeholder(_)
            | Value::Owner(_)
            | Value::Clear,
        ) => return bug(span, "a key must be a plain value"),
        None if key.owner(&ctx.arena).is_some() => return bug(span, "a key must be a plain value"),
        _ => shape::conform_rv(key, &t.key.dest, span, &mut ctx.arena)?,
    };
    let mut id = std::mem::take(&mut ctx.ref_buf);
    ids.write(&mut id, t, position as usize);
    out.start(t, target, &id);
    ctx.ref_buf = id;
    out.key(&t.key.field, key, &ctx.arena);
    for (k, f) in t.fields.iter().enumerate() {
        let v = ctx.eval_ref(&f.expr, frame)?;
        // Most fields are a text that the field takes as it is: no
        // reference to resolve, nothing to conform.
        if let Some(s) = v.plain(&ctx.arena) {
            if shape::takes_text(&f.dest, s) {
                out.text(k, &f.field, &v, s, &ctx.arena);
                continue;
            }
        }
        assign(ctx, f, k, false, v, ids, siblings, out)?;
    }
    let n = t.fields.len();
    for (k, f) in t.deferred.iter().enumerate() {
        let v = ctx.eval_ref(&f.expr, frame)?;
        assign(ctx, f, n + k, true, v, ids, siblings, out)?;
    }
    out.finish();
    Ok(())
}

/// Hands field `k` (fields, then deferred ones) to `out`: a value, or a
/// reference written as its payload id.
#[allow(clippy::too_many_arguments)]
fn assign<O: Out>(
    ctx: &mut Ctx<'_>,
    f: &FieldPlan,
    k: usize,
    deferred: bool,
    v: RV<'_>,
    ids: &Ids<'_>,
    siblings: &[TargetPlan],
    out: &mut O,
) -> Result<(), Fault> {
    let span = f.expr.span;
    let is_ref = match v.value() {
        Some(Value::Null) => return Ok(()),
        Some(Value::Rec(_) | Value::Produced(_) | Value::Placeholder(_) | Value::Owner(_)) => true,
        Some(Value::List(items))
            if items
                .iter()
                .any(|i| matches!(i, Value::Rec(_) | Value::Produced(_))) =>
        {
            return bug(
                span,
                format!("`{}` got a list of records; a lookup takes one", f.field),
            )
        }
        Some(_) => false,
        None => matches!(v, RV::OwnerStr(_) | RV::OwnerBuf(..)),
    };
    if !is_ref {
        let v = shape::conform_rv(v, &f.dest, span, &mut ctx.arena)?;
        out.value(k, deferred, &f.field, v, &ctx.arena);
        return Ok(());
    }
    let mut id = std::mem::take(&mut ctx.ref_buf);
    id.clear();
    let written = match v.value() {
        Some(Value::Rec(r)) => {
            ctx.data.write_record_id(*r, &mut id);
            Ok(())
        }
        Some(Value::Produced(i)) => match siblings.get(*i as usize) {
            Some(t) => {
                ids.write(&mut id, t, *i as usize);
                Ok(())
            }
            None => bug(span, format!("fan-out target {i} does not exist")),
        },
        Some(Value::Placeholder(i)) => match ctx.plan.placeholders.get(*i as usize) {
            Some(p) => {
                id.push_str(&p.id);
                Ok(())
            }
            None => bug(span, format!("placeholder {i} does not exist")),
        },
        _ => {
            id.push_str("owner:");
            id.push_str(v.owner(&ctx.arena).unwrap_or(""));
            Ok(())
        }
    };
    if written.is_ok() {
        out.reference(k, deferred, &f.field, &id);
    }
    ctx.ref_buf = id;
    written
}

#[cfg(test)]
mod tests;
