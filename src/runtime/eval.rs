//! Expression evaluation: one typed expression against one record (or merge
//! group) of a [`Dataset`].
//!
//! Input: a [`TExpr`] from the plan and a [`Frame`]. Output: a [`Value`] or a
//! [`Fault`]. Side effects, all on the [`Ctx`]: flags raised by `flag(…)`
//! and value-map coverage counts.
//!
//! Null semantics: most functions return null on null input; `concat`
//! treats null as `""`; `x == null` is true iff x is null; ordering
//! comparisons with a null operand are false; `and`, `or`, `not`, `if` and
//! `where` treat null as false; arithmetic on null is null. `a ?? b` gives b
//! when a is null or failed with an error, never when a skipped.
//!
//! Frames: inside a merge the frame is the group; a column, relation or
//! other record-level read there means the group's first member (the checker
//! only allows that for key columns). Inside `where` and relation hops the
//! frame is the element record.

mod borrowed;
mod lookup;
mod owner;
mod rv;

pub(crate) use rv::RV;

use super::builtins;
use super::exec::{Emitted, Outcome};
use super::ops;
use super::{bug, Dataset, Fault};
use crate::plan::{BinOp, Plan, RelKind, TExpr, TExprKind};
use crate::span::Span;
use crate::value::{RecRef, Value};
use chrono_tz::Tz;
use indexmap::IndexMap;
use std::borrow::Cow;
use std::sync::Arc;

pub(crate) static NULL: Value = Value::Null;

/// The record (or group) an expression is evaluated against.
#[derive(Clone, Copy, Debug)]
pub enum Frame<'f> {
    Rec(RecRef),
    /// A merge group: member rows of `object` in file order, and the values
    /// of the merge's `by` keys.
    Group {
        object: u32,
        members: &'f [u32],
        keys: &'f [Value],
    },
}

impl Frame<'_> {
    /// The record a record-level read uses: the record, or the group's
    /// first member.
    pub fn record(&self) -> Option<RecRef> {
        match *self {
            Frame::Rec(r) => Some(r),
            Frame::Group {
                object, members, ..
            } => members.first().map(|&row| RecRef { object, row }),
        }
    }
}

/// Value-map coverage: how often each arm matched and which values no arm
/// listed (with up to three example record ids each), per map.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Coverage {
    pub maps: Vec<MapCoverage>,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct MapCoverage {
    /// Matches per arm, by arm index.
    pub hits: Vec<u64>,
    /// Null keys (give null without consulting the arms).
    pub nulls: u64,
    /// Values no arm lists (they took `else`, or gave null), by value text.
    pub misses: IndexMap<String, Miss>,
}

impl MapCoverage {
    /// A match of arm `arm`.
    #[inline]
    pub(crate) fn hit(&mut self, arm: u32) {
        let arm = arm as usize;
        if self.hits.len() <= arm {
            self.hits.resize(arm + 1, 0);
        }
        self.hits[arm] += 1;
    }

    /// A key no arm lists (its text as given); `example` names the record
    /// while fewer than three examples are kept.
    pub(crate) fn miss(&mut self, key: &str, example: impl FnOnce() -> Option<String>) {
        let miss = match self.misses.get_index_of(key) {
            Some(i) => &mut self.misses[i],
            None => self.misses.entry(key.to_string()).or_default(),
        };
        miss.count += 1;
        if miss.examples.len() < 3 {
            miss.examples.extend(example());
        }
    }
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Miss {
    pub count: u64,
    /// Up to three record ids (`contacts:1042`), first seen first.
    pub examples: Vec<String>,
}

impl Coverage {
    fn new(plan: &Plan) -> Coverage {
        Coverage {
            maps: plan
                .value_maps
                .iter()
                .map(|m| MapCoverage {
                    hits: vec![0; m.arms.len()],
                    ..MapCoverage::default()
                })
                .collect(),
        }
    }

    /// Map `map`'s counts; a chunk takes the coverage it counted and
    /// leaves it empty, so it grows here.
    #[inline]
    pub(crate) fn map_mut(&mut self, map: u32) -> &mut MapCoverage {
        let map = map as usize;
        if self.maps.len() <= map {
            self.maps.resize_with(map + 1, MapCoverage::default);
        }
        &mut self.maps[map]
    }

    /// Adds another context's counts (parallel runs merge per-thread counts).
    pub fn merge(&mut self, other: &Coverage) {
        if self.maps.len() < other.maps.len() {
            self.maps
                .resize_with(other.maps.len(), MapCoverage::default);
        }
        for (mine, theirs) in self.maps.iter_mut().zip(&other.maps) {
            if mine.hits.len() < theirs.hits.len() {
                mine.hits.resize(theirs.hits.len(), 0);
            }
            for (a, b) in mine.hits.iter_mut().zip(&theirs.hits) {
                *a += b;
            }
            mine.nulls += theirs.nulls;
            for (value, m) in &theirs.misses {
                let entry = mine.misses.entry(value.clone()).or_default();
                entry.count += m.count;
                for ex in &m.examples {
                    if entry.examples.len() < 3 {
                        entry.examples.push(ex.clone());
                    }
                }
            }
        }
    }
}

/// Evaluation state for one thread: the plan, the data, per-record flags and
/// reusable buffers. Create one per thread; reuse it across records.
pub struct Ctx<'a> {
    pub plan: &'a Plan,
    pub data: &'a Dataset,
    /// `options { timezone }`: local dates and naive times.
    pub timezone: Tz,
    /// Flags raised for the current record (cleared by [`Ctx::begin`]).
    pub flags: Vec<String>,
    pub coverage: Coverage,
    /// The record being run, for coverage examples.
    current: Option<RecRef>,
    pub(crate) scratch: String,
    /// Builds new texts (`concat`, `format`); taken while in use.
    pub(crate) text_buf: String,
    pub(crate) formats: builtins::dates::FormatCache,
    /// Emitted records handed back by [`Ctx::recycle`], reused by the executor.
    pub(crate) spare: Vec<Emitted>,
    pub(crate) spare_lists: Vec<Vec<Emitted>>,
    /// The current record's payload id while it is being run.
    pub(crate) id_buf: String,
    /// Texts the current record's expressions made (see [`RV::Buf`]);
    /// cleared by [`Ctx::begin`].
    pub(crate) arena: String,
    /// A target's payload id, or a reference's, while it is handed on.
    pub(crate) ref_buf: String,
}

impl<'a> Ctx<'a> {
    /// A context for `plan` over `data`. An unknown time zone name (which
    /// the checker rejects) falls back to UTC rather than failing every record.
    pub fn new(plan: &'a Plan, data: &'a Dataset) -> Ctx<'a> {
        Ctx {
            plan,
            data,
            timezone: plan.options.timezone.parse().unwrap_or(Tz::UTC),
            flags: Vec::new(),
            coverage: Coverage::new(plan),
            current: None,
            scratch: String::new(),
            text_buf: String::new(),
            formats: builtins::dates::FormatCache::default(),
            spare: Vec::new(),
            spare_lists: Vec::new(),
            id_buf: String::new(),
            arena: String::new(),
            ref_buf: String::new(),
        }
    }

    /// Starts a new source record: clears flags, remembers it for reports.
    pub fn begin(&mut self, record: Option<RecRef>) {
        self.flags.clear();
        self.arena.clear();
        self.current = record;
    }

    /// Hands an outcome back once its records are written out, so the next
    /// records reuse their buffers (field names, ids, maps) instead of
    /// allocating them again. Optional; a bounded number is kept.
    pub fn recycle(&mut self, outcome: Outcome) {
        if let Outcome::Emitted(mut list) = outcome {
            if self.spare.len() < 64 {
                self.spare.append(&mut list);
            }
            if self.spare_lists.len() < 16 {
                self.spare_lists.push(list);
            }
        }
    }

    /// Evaluates `e` against `frame`.
    pub fn eval(&mut self, e: &TExpr, frame: Frame<'_>) -> Result<Value, Fault> {
        // `eval_ref` hands the owning kinds to `eval_owned` and gives their
        // value back as it is.
        self.via_ref(e, frame)
    }

    /// The kinds whose result is always a new value;
    /// every other kind has its one implementation in [`Ctx::eval_ref`].
    pub(crate) fn eval_owned(&mut self, e: &TExpr, frame: Frame<'_>) -> Result<Value, Fault> {
        use TExprKind as K;
        Ok(match &e.kind {
            K::GroupKey(i) => match frame {
                Frame::Group { keys, .. } => match keys.get(*i as usize) {
                    Some(v) => v.clone(),
                    None => return bug(e.span, format!("merge key {i} does not exist")),
                },
                Frame::Rec(_) => return bug(e.span, "a merge key read outside a merge"),
            },
            K::Members(inner) => self.members(inner, frame)?,
            K::Produced(i) => Value::Produced(*i),
            K::Agg {
                func,
                list,
                by,
                extra,
            } => {
                let list = self.arg(list, frame)?;
                let by = match by {
                    Some(b) => Some(self.arg(b, frame)?),
                    None => None,
                };
                let sep = match extra.first() {
                    Some(x) => Some(self.arg(x, frame)?),
                    None => None,
                };
                builtins::aggregates::agg(*func, &list, by.as_deref(), sep.as_deref(), e.span)?
            }
            K::Neg(x) => ops::neg(&*self.arg(x, frame)?, e.span)?,
            K::Binary { op, lhs, rhs } => self.binary(*op, lhs, rhs, frame, e.span)?,
            K::Filter { list, cond } => self.filter(list, cond, frame)?,
            K::Map { list, then } => self.map_records(list, then, frame)?,
            K::Clear => Value::Clear,
            K::Skip(reason) => return super::skip(reason, e.span),
            K::Placeholder(i) => Value::Placeholder(*i),
            K::TakenAt => self.data.taken_at.map_or(Value::Null, Value::DateTime),
            // `eval_ref`'s kinds; `eval_node` never sends them here.
            K::Lit(_)
            | K::Column(_)
            | K::List(_)
            | K::ValueMap { .. }
            | K::Table { .. }
            | K::Nav { .. }
            | K::Owner(_)
            | K::Call { .. }
            | K::Not(_)
            | K::Coalesce(..)
            | K::If { .. }
            | K::Flag(_) => return bug(e.span, "a borrowing expression evaluated as owned"),
        })
    }

    fn via_ref(&mut self, e: &TExpr, frame: Frame<'_>) -> Result<Value, Fault> {
        let mark = self.arena.len();
        let v = self.eval_ref(e, frame).map(|v| v.into_value(&self.arena));
        self.arena.truncate(mark);
        v
    }

    /// Evaluates an argument, borrowing cells instead of cloning them.
    pub(crate) fn arg(&mut self, e: &TExpr, frame: Frame<'_>) -> Result<Cow<'a, Value>, Fault> {
        match &e.kind {
            TExprKind::Column(c) => {
                let data: &'a Dataset = self.data;
                Ok(Cow::Borrowed(data.cell(self.record(frame, e.span)?, *c)))
            }
            _ => self.eval(e, frame).map(Cow::Owned),
        }
    }

    fn record(&self, frame: Frame<'_>, span: Span) -> Result<RecRef, Fault> {
        match frame.record() {
            Some(r) => Ok(r),
            None => bug(span, "a record read in an empty merge group"),
        }
    }

    fn nav(
        &mut self,
        rel: u32,
        then: Option<&TExpr>,
        frame: Frame<'_>,
        span: Span,
    ) -> Result<Value, Fault> {
        let from = self.record(frame, span)?;
        let data: &'a Dataset = self.data;
        let Some(rp) = self.plan.relations.get(rel as usize) else {
            return bug(span, format!("relation {rel} does not exist"));
        };
        let Some((to, rows)) = data.related(rel, from, &mut self.scratch) else {
            return bug(
                span,
                format!("relation `{}` followed from the wrong object", rp.name),
            );
        };
        let many = match rp.kind {
            RelKind::Forward { .. } => false,
            RelKind::Reverse { .. } => true,
            RelKind::Link { many, .. } => many,
        };
        let rec = |row: u32| RecRef { object: to, row };
        if !many {
            return match (rows.first(), then) {
                (None, _) => Ok(Value::Null),
                (Some(&row), None) => Ok(Value::Rec(rec(row))),
                (Some(&row), Some(t)) => self.eval(t, Frame::Rec(rec(row))),
            };
        }
        let mut out = Vec::with_capacity(rows.len());
        for &row in rows {
            match then {
                None => out.push(Value::Rec(rec(row))),
                Some(t) => push_flat(&mut out, self.eval(t, Frame::Rec(rec(row)))?),
            }
        }
        Ok(Value::List(Arc::from(out)))
    }

    fn members(&mut self, inner: &TExpr, frame: Frame<'_>) -> Result<Value, Fault> {
        let mut out = Vec::new();
        match frame {
            Frame::Group {
                object, members, ..
            } => {
                out.reserve(members.len());
                for &row in members {
                    push_flat(
                        &mut out,
                        self.eval(inner, Frame::Rec(RecRef { object, row }))?,
                    );
                }
            }
            Frame::Rec(_) => push_flat(&mut out, self.eval(inner, frame)?),
        }
        Ok(Value::List(Arc::from(out)))
    }

    /// `then` over each record of `list`; a record gives one value, a list
    /// of records a flat list.
    fn map_records(
        &mut self,
        list: &TExpr,
        then: &TExpr,
        frame: Frame<'_>,
    ) -> Result<Value, Fault> {
        let list = self.arg(list, frame)?;
        let items: &[Value] = match &*list {
            Value::Null => return Ok(Value::Null),
            Value::Rec(r) => return self.eval(then, Frame::Rec(*r)),
            Value::List(items) => items,
            _ => return bug(then.span, "`.` after a value that is not a record"),
        };
        let mut out = Vec::with_capacity(items.len());
        for item in items {
            match item {
                Value::Rec(r) => match self.eval(then, Frame::Rec(*r))? {
                    Value::List(inner) => out.extend(inner.iter().cloned()),
                    v => out.push(v),
                },
                Value::Null => {}
                _ => return bug(then.span, "`.` after a list that is not of records"),
            }
        }
        Ok(Value::List(Arc::from(out)))
    }

    fn filter(&mut self, list: &TExpr, cond: &TExpr, frame: Frame<'_>) -> Result<Value, Fault> {
        let list = self.arg(list, frame)?;
        let items: &[Value] = match &*list {
            Value::Null => return Ok(Value::Null),
            Value::List(items) => items,
            one => std::slice::from_ref(one),
        };
        let mut out = Vec::with_capacity(items.len());
        for item in items {
            match item {
                Value::Rec(r) => {
                    if truthy(&self.eval(cond, Frame::Rec(*r))?) {
                        out.push(item.clone());
                    }
                }
                Value::Null => {}
                _ => return bug(cond.span, "`where` over a list that is not of records"),
            }
        }
        Ok(Value::List(Arc::from(out)))
    }

    fn binary(
        &mut self,
        op: BinOp,
        lhs: &TExpr,
        rhs: &TExpr,
        frame: Frame<'_>,
        span: Span,
    ) -> Result<Value, Fault> {
        match op {
            BinOp::And => {
                let ok = truthy(&self.eval(lhs, frame)?) && truthy(&self.eval(rhs, frame)?);
                Ok(Value::Bool(ok))
            }
            BinOp::Or => {
                let ok = truthy(&self.eval(lhs, frame)?) || truthy(&self.eval(rhs, frame)?);
                Ok(Value::Bool(ok))
            }
            _ => {
                let l = self.arg(lhs, frame)?;
                let r = self.arg(rhs, frame)?;
                ops::binary(op, &l, &r, span)
            }
        }
    }
}

/// Conditions: only `true` is true (null and everything else are false).
pub(crate) fn truthy(v: &Value) -> bool {
    matches!(v, Value::Bool(true))
}

/// Pushes `v`, or its elements when it is a list (one level of flattening,
/// so `a.b.c` over two to-many hops is one flat list).
fn push_flat(out: &mut Vec<Value>, v: Value) {
    match v {
        Value::List(items) => out.extend(items.iter().cloned()),
        other => out.push(other),
    }
}

#[cfg(test)]
mod tests;
