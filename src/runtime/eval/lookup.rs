//! Value maps, lookup tables and relation hops in the borrowing evaluator.
//!
//! Input: an evaluated key (or the frame's record, for a hop). Output: an
//! [`RV`] borrowing the plan's map outcome, the table's cell or what the
//! hop's `then` gives. Invariants: a value map counts its coverage (hits
//! per arm, nulls, misses with up to three example records) exactly once
//! per lookup; a list key maps element by element; to-many hops are left
//! to `Ctx::nav` (they build a list).

use super::rv::RV;
use super::{Ctx, Frame};
use crate::plan::{MapPlan, Outcome as MapOutcome, RelKind, TExpr};
use crate::runtime::builtins::text;
use crate::runtime::keys::key_text;
use crate::runtime::{bug, Dataset, Fault};
use crate::span::Span;
use crate::value::{RecRef, Value};
use std::sync::Arc;

impl<'a> Ctx<'a> {
    /// `map[key]`, counting coverage; a list maps element by element
    /// (elements mapped to null drop out).
    pub(super) fn map_ref<'r>(&mut self, map: u32, key: RV<'r>, span: Span) -> Result<RV<'r>, Fault>
    where
        'a: 'r,
    {
        if let Some(Value::List(items)) = key.value() {
            let items = Arc::clone(items);
            let mut out = Vec::with_capacity(items.len());
            for item in items.iter() {
                let mark = self.arena.len();
                let v = self.map_ref(map, RV::Own(item.clone()), span)?;
                let v = v.into_value(&self.arena);
                self.arena.truncate(mark);
                if !v.is_null() {
                    out.push(v);
                }
            }
            return Ok(RV::Own(Value::List(Arc::from(out))));
        }
        let data: &'a Dataset = self.data;
        let (Some(plan_map), Some(index)) = (
            self.plan.value_maps.get(map as usize),
            data.lookups.maps.get(map as usize),
        ) else {
            return bug(span, format!("value map {map} does not exist"));
        };
        let plan_map: &'a MapPlan = plan_map;
        let cov = self.coverage.map_mut(map);
        if key.is_null() {
            cov.nulls += 1;
            return Ok(RV::null());
        }
        let arena = &self.arena;
        let found = match (key.plain(arena), key.value()) {
            (Some(s), _) => index.find_text(s, &mut self.scratch),
            (None, Some(v)) => index.find(v, &mut self.scratch),
            (None, None) => {
                let v = key.clone().into_value(arena);
                index.find(&v, &mut self.scratch)
            }
        };
        let outcome = match found {
            Some(arm) => {
                cov.hit(arm);
                plan_map.arms.get(arm as usize).map(|(_, o)| o)
            }
            None => {
                let owned;
                let text = match key.text(arena) {
                    Some(s) => s,
                    None => {
                        owned = key.value().and_then(Value::to_text).unwrap_or_default();
                        &owned
                    }
                };
                let current = self.current;
                cov.miss(text, || current.map(|r| data.record_id(r)));
                plan_map.otherwise.as_ref()
            }
        };
        match outcome {
            None => Ok(RV::null()),
            Some(MapOutcome::Value(v)) => Ok(RV::Val(v)),
            Some(MapOutcome::Keep) => Ok(key),
            Some(MapOutcome::Skip(reason)) => crate::runtime::skip(reason, span),
        }
    }

    /// `table[key]` (the row as a list) or `table[key].column`.
    pub(super) fn table_ref<'r>(
        &mut self,
        table: u32,
        key: RV<'r>,
        column: Option<u32>,
        span: Span,
    ) -> Result<RV<'r>, Fault>
    where
        'a: 'r,
    {
        if key.is_null() {
            return Ok(RV::null());
        }
        let data: &'a Dataset = self.data;
        let Some(t) = data.lookups.tables.get(table as usize) else {
            return bug(span, format!("lookup table {table} does not exist"));
        };
        let row = match (key.text(&self.arena), key.value()) {
            (Some(s), _) => t.find_text(text::trim_str(s)),
            (None, Some(v)) => key_text(v, &mut self.scratch).and_then(|k| t.find_text(k)),
            (None, None) => None,
        };
        Ok(match row {
            None => RV::null(),
            Some(r) => RV::Val(match column {
                Some(c) => t.cell_at(r, c),
                None => t.whole_at(r),
            }),
        })
    }

    /// A relation hop; a to-one hop borrows what `then` gives.
    pub(super) fn nav_ref<'r>(
        &mut self,
        rel: u32,
        then: Option<&'r TExpr>,
        frame: Frame<'_>,
        span: Span,
    ) -> Result<RV<'r>, Fault>
    where
        'a: 'r,
    {
        let to_many = match self.plan.relations.get(rel as usize).map(|r| &r.kind) {
            Some(RelKind::Forward { .. }) => false,
            Some(RelKind::Link { many, .. }) => *many,
            // Unknown relations get `nav`'s error.
            Some(RelKind::Reverse { .. }) | None => true,
        };
        if to_many {
            return self.nav(rel, then, frame, span).map(RV::Own);
        }
        let from = self.record(frame, span)?;
        let data: &'a Dataset = self.data;
        let Some((to, rows)) = data.related(rel, from, &mut self.scratch) else {
            return self.nav(rel, then, frame, span).map(RV::Own);
        };
        let rec = |row: u32| RecRef { object: to, row };
        match (rows.first(), then) {
            (None, _) => Ok(RV::null()),
            (Some(&row), None) => Ok(RV::Own(Value::Rec(rec(row)))),
            (Some(&row), Some(t)) => self.eval_ref(t, Frame::Rec(rec(row))),
        }
    }
}
