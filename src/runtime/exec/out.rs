//! Where the records of a subject go: built into [`Emitted`] values (for
//! `ferry check`'s tests, staging's dry run and the library API), or — the
//! emitter's own [`Out`] — written straight into payload bytes.
//!
//! Input: per target of the subject, in order, [`Out::start`], the key, its
//! fields (values and references, in plan order, nulls left out) and
//! [`Out::finish`]. Invariants: a subject whose evaluation faults part-way
//! hands over only part of its targets; an `Out` keeps nothing of it unless
//! the run says the subject was [`Done::Emitted`].

use super::super::eval::{Ctx, RV};
use super::super::Fault;
use super::{settle, Emitted, FieldMap, Outcome};
use crate::plan::TargetPlan;
use crate::value::Value;

use super::Done;

/// Receives one subject's destination records.
pub(crate) trait Out {
    /// A record of target `t` begins; `target` as [`Emitted::target`]
    /// numbers it, `id` its payload id.
    fn start(&mut self, t: &TargetPlan, target: u32, id: &str);
    /// The key field and its conformed value (`arena` holds
    /// [`RV::Buf`] texts).
    fn key(&mut self, name: &str, v: RV<'_>, arena: &str);
    /// Field `k` of the target (its `fields`, then its `deferred`), a
    /// conformed non-null value.
    fn value(&mut self, k: usize, deferred: bool, name: &str, v: RV<'_>, arena: &str);
    /// [`Out::value`] of a field (not deferred) whose value `v` is the
    /// plain text `s`, already conformed.
    #[inline]
    fn text(&mut self, k: usize, name: &str, v: &RV<'_>, s: &str, arena: &str) {
        let _ = s;
        self.value(k, false, name, v.clone(), arena);
    }
    /// Field `k` sent as a reference to the payload record `id`.
    fn reference(&mut self, k: usize, deferred: bool, name: &str, id: &str);
    /// The record is complete.
    fn finish(&mut self);
}

/// Builds [`Emitted`] records, reusing the buffers of recycled ones.
pub(crate) struct EmittedOut {
    list: Vec<Emitted>,
    spare: Vec<Emitted>,
    current: Option<Emitted>,
    /// Entries written so far into `fields`, `refs`, `deferred`,
    /// `deferred_refs` of the current record (the rest are stale).
    n: [usize; 4],
}

impl EmittedOut {
    /// Takes the context's recycled records and lists.
    pub(crate) fn new(ctx: &mut Ctx<'_>) -> EmittedOut {
        let mut list = ctx.spare_lists.pop().unwrap_or_default();
        list.clear();
        EmittedOut {
            list,
            spare: std::mem::take(&mut ctx.spare),
            current: None,
            n: [0; 4],
        }
    }

    /// The subject's outcome; buffers go back to the context.
    pub(crate) fn outcome(mut self, ctx: &mut Ctx<'_>, done: Result<Done, Fault>) -> Outcome {
        let outcome = match done {
            Ok(Done::Emitted) => {
                let mut list = std::mem::take(&mut self.list);
                if !ctx.flags.is_empty() {
                    for e in &mut list {
                        e.flags.clone_from(&ctx.flags);
                    }
                }
                Outcome::Emitted(list)
            }
            Ok(Done::Filtered(rule)) => Outcome::Filtered {
                rule: rule.to_string(),
            },
            Ok(Done::Skipped { reason, span }) => Outcome::Skipped { reason, span },
            Err(fault) => settle(Err(fault)),
        };
        self.spare.append(&mut self.list);
        self.spare.extend(self.current.take());
        if ctx.spare_lists.len() < 16 && self.list.capacity() > 0 {
            ctx.spare_lists.push(std::mem::take(&mut self.list));
        }
        self.spare.truncate(64);
        ctx.spare = self.spare;
        outcome
    }

    fn current(&mut self) -> &mut Emitted {
        self.current.get_or_insert_with(Emitted::default)
    }
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

impl Out for EmittedOut {
    fn start(&mut self, t: &TargetPlan, target: u32, id: &str) {
        let mut e = self.spare.pop().unwrap_or_default();
        e.object.clear();
        e.object.push_str(&t.object);
        e.target = target;
        e.id.clear();
        e.id.push_str(id);
        e.flags.clear();
        self.current = Some(e);
        self.n = [0; 4];
    }

    fn key(&mut self, name: &str, v: RV<'_>, arena: &str) {
        let e = self.current();
        e.key.0.clear();
        e.key.0.push_str(name);
        e.key.1 = v.into_value(arena);
    }

    fn value(&mut self, _k: usize, deferred: bool, name: &str, v: RV<'_>, arena: &str) {
        let [nf, _, nd, _] = &mut self.n;
        let e = self.current.get_or_insert_with(Emitted::default);
        let (map, pos) = if deferred {
            (&mut e.deferred, nd)
        } else {
            (&mut e.fields, nf)
        };
        *slot(map, pos, name, || Value::Null) = v.into_value(arena);
    }

    fn reference(&mut self, _k: usize, deferred: bool, name: &str, id: &str) {
        let [_, nr, _, ndr] = &mut self.n;
        let e = self.current.get_or_insert_with(Emitted::default);
        let (map, pos) = if deferred {
            (&mut e.deferred_refs, ndr)
        } else {
            (&mut e.refs, nr)
        };
        let s = slot(map, pos, name, String::new);
        s.clear();
        s.push_str(id);
    }

    fn finish(&mut self) {
        if let Some(mut e) = self.current.take() {
            let [nf, nr, nd, ndr] = self.n;
            e.fields.truncate(nf);
            e.refs.truncate(nr);
            e.deferred.truncate(nd);
            e.deferred_refs.truncate(ndr);
            self.list.push(e);
        }
    }
}
