//! Source rules and merge groups: which records the units see, and how a
//! merge groups them.
//!
//! Input: a plan and a dataset. Output: the dataset without the records a
//! source `where` filters or a `dedupe` removes (with the reason for each),
//! and merge groups in first-occurrence order.
//! Invariants: rules run before any unit, so a relation never reaches a
//! filtered record; a dedupe key with a null or blank part never makes
//! records duplicates (contacts without an email are not one person);
//! groups and their members keep file order.

use super::super::eval::{truthy, Ctx, Frame};
use super::super::keys::push_composite;
use super::super::{Dataset, Fault, RecordError};
use crate::plan::{KeepPlan, Plan, TExpr};
use crate::value::{RecRef, Value};
use std::cmp::Ordering;

/// A record the source rules removed.
#[derive(Clone, Debug, PartialEq)]
pub struct Dropped {
    pub object: u32,
    /// Row in the dataset the rules ran on.
    pub row: u32,
    /// `contacts:1042`
    pub id: String,
    pub why: DropReason,
}

#[derive(Clone, Debug, PartialEq)]
pub enum DropReason {
    /// `source X { where … }` was not true.
    Filtered,
    /// A duplicate under `dedupe by …`; the record kept instead.
    Duplicate { kept: String },
    /// The rule expression skipped (`skip("…")`).
    Skipped(String),
    /// The rule expression failed.
    Failed(RecordError),
}

/// Applies every source's `where` and `dedupe` (in that order) and returns
/// the remaining dataset with fresh indexes.
pub fn apply_source_rules(plan: &Plan, data: Dataset) -> (Dataset, Vec<Dropped>) {
    let mut keep: Vec<Vec<bool>> = Vec::with_capacity(plan.sources.len());
    let mut dropped = Vec::new();
    {
        let mut ctx = Ctx::new(plan, &data);
        for (object, source) in plan.sources.iter().enumerate() {
            let object = object as u32;
            let n = data.len(object);
            let mut k = vec![true; n];
            if let Some(filter) = &source.filter {
                for row in 0..n as u32 {
                    let r = RecRef { object, row };
                    ctx.begin(Some(r));
                    let why = match ctx.eval(filter, Frame::Rec(r)) {
                        Ok(v) if truthy(&v) => continue,
                        Ok(_) => DropReason::Filtered,
                        Err(Fault::Skip(s)) => DropReason::Skipped(s.reason),
                        Err(Fault::Error(e)) => DropReason::Failed(*e),
                    };
                    k[row as usize] = false;
                    dropped.push(Dropped {
                        object,
                        row,
                        id: data.record_id(r),
                        why,
                    });
                }
            }
            if let Some(d) = &source.dedupe {
                dedupe(&mut ctx, object, &d.by, &d.keep, &mut k, &mut dropped);
            }
            keep.push(k);
        }
    }
    (data.retain(plan, &keep), dropped)
}

fn dedupe(
    ctx: &mut Ctx<'_>,
    object: u32,
    by: &[TExpr],
    keep: &KeepPlan,
    alive: &mut [bool],
    dropped: &mut Vec<Dropped>,
) {
    // key → (kept row, its ordering value)
    let mut winners: foldhash::HashMap<String, (u32, Value)> = foldhash::HashMap::default();
    let mut losers: Vec<(u32, String)> = Vec::new();
    let mut scratch = String::new();
    for row in 0..alive.len() as u32 {
        if !alive[row as usize] {
            continue;
        }
        let r = RecRef { object, row };
        ctx.begin(Some(r));
        let mut key = String::new();
        let mut usable = true;
        for e in by {
            match ctx.eval(e, Frame::Rec(r)) {
                Ok(Value::Null) => usable = false,
                Ok(Value::Text(s)) if s.trim().is_empty() => usable = false,
                Ok(v) => push_composite(&mut key, &v, &mut scratch),
                Err(fault) => {
                    alive[row as usize] = false;
                    let why = match fault {
                        Fault::Skip(s) => DropReason::Skipped(s.reason),
                        Fault::Error(e) => DropReason::Failed(*e),
                    };
                    dropped.push(Dropped {
                        object,
                        row,
                        id: ctx.data.record_id(r),
                        why,
                    });
                    usable = false;
                    break;
                }
            }
        }
        if !usable || !alive[row as usize] {
            continue;
        }
        let order = match keep {
            KeepPlan::Latest(t) | KeepPlan::Earliest(t) => {
                ctx.eval(t, Frame::Rec(r)).unwrap_or(Value::Null)
            }
            KeepPlan::First | KeepPlan::Last => Value::Null,
        };
        match winners.get_mut(&key) {
            None => {
                winners.insert(key, (row, order));
            }
            Some((best, best_order)) => {
                let replace = match keep {
                    KeepPlan::First => false,
                    KeepPlan::Last => true,
                    KeepPlan::Latest(_) => beats(&order, best_order, Ordering::Greater),
                    KeepPlan::Earliest(_) => beats(&order, best_order, Ordering::Less),
                };
                let loser = if replace {
                    std::mem::replace(best, row)
                } else {
                    row
                };
                if replace {
                    *best_order = order;
                }
                losers.push((loser, key));
            }
        }
    }
    for (row, key) in losers {
        alive[row as usize] = false;
        let kept = winners
            .get(&key)
            .map(|&(w, _)| ctx.data.record_id(RecRef { object, row: w }))
            .unwrap_or_default();
        let id = ctx.data.record_id(RecRef { object, row });
        dropped.push(Dropped {
            object,
            row,
            id,
            why: DropReason::Duplicate { kept },
        });
    }
    dropped.sort_by_key(|d| (d.object, d.row));
}

/// A non-null ordering value beats a null one; ties keep the earlier record.
fn beats(candidate: &Value, best: &Value, want: Ordering) -> bool {
    match (candidate.is_null(), best.is_null()) {
        (true, _) => false,
        (false, true) => true,
        _ => candidate.total_cmp(best) == want,
    }
}

/// One merge group: its `by` key values and member rows in file order.
#[derive(Clone, Debug, PartialEq)]
pub struct Group {
    pub keys: Vec<Value>,
    pub members: Vec<u32>,
}

/// Groups `rows` of `object` by the `by` expressions (null keys group
/// together). Records whose key cannot be evaluated are returned apart.
pub fn group_rows(
    ctx: &mut Ctx<'_>,
    object: u32,
    by: &[TExpr],
    rows: impl IntoIterator<Item = u32>,
) -> (Vec<Group>, Vec<(u32, Fault)>) {
    let mut index: foldhash::HashMap<String, usize> = foldhash::HashMap::default();
    let mut groups: Vec<Group> = Vec::new();
    let mut failed = Vec::new();
    let (mut key, mut scratch) = (String::new(), String::new());
    'rows: for row in rows {
        let r = RecRef { object, row };
        ctx.begin(Some(r));
        key.clear();
        let mut values = Vec::with_capacity(by.len());
        for e in by {
            match ctx.eval(e, Frame::Rec(r)) {
                Ok(v) => {
                    push_composite(&mut key, &v, &mut scratch);
                    values.push(v);
                }
                Err(f) => {
                    failed.push((row, f));
                    continue 'rows;
                }
            }
        }
        match index.get(key.as_str()) {
            Some(&g) => groups[g].members.push(row),
            None => {
                index.insert(key.clone(), groups.len());
                groups.push(Group {
                    keys: values,
                    members: vec![row],
                });
            }
        }
    }
    (groups, failed)
}
