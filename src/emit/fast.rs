//! The compiled route: a route's payload lines written from compiled
//! fields ([`crate::runtime::compiled`]), without the general executor's
//! per-record bookkeeping.
//!
//! Input: a route [`Unit`] and its [`UnitLayout`]; then, per record, its
//! row and source line. Output: a [`Fast`] (or `None`: the unit is left to
//! the general executor), then per record its lines appended to the
//! chunk's buffers (upsert lines, and update lines for deferred
//! self-references) and its counts (target tallies, owner counts, lines,
//! value-map coverage) added — or [`Wrote::GaveUp`], with nothing written
//! or counted, and the record goes to the general executor.
//!
//! A route compiles when every target has an upsert file (and an update
//! file if it has deferred fields), no dotted field names, and a key and
//! fields the compiled ops cover. Its `where` (any expression) is run by
//! the general evaluator, its value-map counts kept apart until the
//! record is settled.
//!
//! Invariants: the bytes and counts are those the general path
//! (`runtime::exec` into [`super::record::Lines`]) gives for the same
//! record. A value is written here as a text its field takes as it is
//! (`runtime::exec::shape::takes_text`), or conformed by the general executor's `conform_rv`;
//! references as `Lines::reference` writes them; a value that does not
//! conform, or an op that bails, gives the whole record up. `line`
//! writes the lines. The tests run specs both ways and compare the files
//! and tallies.

use super::chunk::Chunk;
use super::json::push_str_body;
use super::layout::UnitLayout;
use crate::plan::{FieldPlan, Plan, TExpr, Unit, UnitKind};
use crate::runtime::compiled::{Op, OpState};
use crate::runtime::eval::truthy;
use crate::runtime::exec::Accept;
use crate::runtime::{Coverage, Ctx, Frame};
use crate::schema::model::FieldType;
use crate::span::Span;
use crate::value::RecRef;

/// A route compiled for writing lines.
pub(crate) struct Fast<'p> {
    /// The route's `where`, run by the general evaluator.
    filter: Option<&'p TExpr>,
    /// The `owners` fallback's email, normalized (owner counts tell it apart).
    fallback: Option<String>,
    source: u32,
    /// The primary key column, when it is one (payload ids are
    /// `<object>:<key>`; other keys are written by the dataset).
    pk: Option<u32>,
    /// `{"id":"<object>:`, escaped.
    id_head: Vec<u8>,
    /// `,"source":{…,"row":`
    source_head: Vec<u8>,
    targets: Vec<Target<'p>>,
}

struct Target<'p> {
    /// Its index among the unit's targets (for the tally).
    index: usize,
    file: usize,
    /// `#<suffix>"`: the id's end (the suffix only for later fan-out targets).
    id_tail: Vec<u8>,
    /// `,"op":"upsert","target":"<Object>","key":`
    upsert_head: Vec<u8>,
    /// `{"<key>":`
    key_json: Vec<u8>,
    key: Field<'p>,
    fields: Vec<Field<'p>>,
    /// Self-references, sent in the update line (layout positions after
    /// `fields`).
    deferred: Vec<Field<'p>>,
    /// The update file and `,"op":"update","target":"<Object>","key":`.
    update: Option<(usize, Vec<u8>)>,
    /// Layout positions of the owner fields.
    owners: Vec<usize>,
}

struct Field<'p> {
    /// Its position in the target's layout (`fields`, then `deferred`).
    at: usize,
    op: Op<'p>,
    dest: &'p FieldType,
    /// The texts `dest` takes as they are, decided once.
    accept: Accept<'p>,
    span: Span,
    /// `,"name":"`
    piece: Vec<u8>,
}

/// A worker's scratch for the compiled route.
#[derive(Default)]
pub(crate) struct FastState {
    ops: OpState,
    /// The record's payload id (`<object>:<key>`).
    id: String,
    /// The current target's `refs` entries, without braces.
    refs: Vec<u8>,
    /// Buffers the record wrote into and their lengths before.
    marks: Vec<(usize, usize)>,
    /// What the route's `where` counted in value maps, kept apart until
    /// the record is settled here (a record given up is counted again by
    /// the general executor).
    coverage: Coverage,
    /// The deferred `fields` and `refs` entries and the id and key JSON an
    /// update line repeats.
    dfields: Vec<u8>,
    drefs: Vec<u8>,
    head: Vec<u8>,
    /// Per target: sent fields, whether an update line was written, and
    /// its owners' range in `owners`.
    done: Vec<Done>,
    ids: Ids,
}

/// The references a record sends: a related record's or an owner's id
/// being written, and the owners sent (for the counts).
#[derive(Default)]
struct Ids {
    id: String,
    /// Layout position and email range in `emails`.
    owners: Vec<(usize, usize, usize)>,
    emails: String,
}

/// One target's record, for the counts.
#[derive(Clone, Copy)]
struct Done {
    sent: u64,
    updated: bool,
    owners: (usize, usize),
}

/// What became of a record.
pub(crate) enum Wrote {
    Emitted,
    /// The route's `where` was not true.
    Filtered,
    /// The general executor must run it (nothing written or counted).
    GaveUp,
}

impl<'p> Fast<'p> {
    /// `unit` compiled, when it can be (see the module header).
    pub(crate) fn new(plan: &'p Plan, unit: &'p Unit, layout: &UnitLayout) -> Option<Fast<'p>> {
        let UnitKind::Route { targets } = &unit.kind else {
            return None;
        };
        let source = plan.sources.get(unit.source as usize)?;
        let pk = match source.primary_key.as_slice() {
            [pk] => Some(*pk),
            _ => None,
        };
        let mut out = Vec::with_capacity(targets.len());
        for (i, t) in targets.iter().enumerate() {
            let l = layout.targets.get(i)?;
            let (Some(file), Some(key_json), false) = (l.upsert, &l.key_head, l.nested) else {
                return None;
            };
            let width = t.fields.len() + t.deferred.len();
            if width > 64 || l.keys.len() != width {
                return None;
            }
            let update = match (l.deferred, t.deferred.is_empty()) {
                (_, true) => None,
                (Some(d), false) => Some((d, l.update_head.clone())),
                // Deferred fields without an update file: a plan bug the
                // general executor reports.
                (None, false) => return None,
            };
            let mut id_tail = Vec::new();
            if let Some(s) = t.id_suffix_at(i) {
                id_tail.push(b'#');
                push_str_body(&mut id_tail, s);
            }
            id_tail.push(b'"');
            let mut fields = Vec::with_capacity(width);
            for (at, (f, key)) in t.fields.iter().chain(&t.deferred).zip(&l.keys).enumerate() {
                fields.push(Field::new(at, f, key, plan)?);
            }
            let deferred = fields.split_off(t.fields.len());
            out.push(Target {
                index: i,
                file,
                id_tail,
                upsert_head: l.upsert_head.clone(),
                key_json: key_json.clone(),
                key: Field::new(0, &t.key, &[], plan)?,
                fields,
                deferred,
                update,
                owners: l.owners.clone(),
            });
        }
        let mut id_head = b"{\"id\":\"".to_vec();
        push_str_body(&mut id_head, &source.name);
        id_head.push(b':');
        let fallback = plan.owners.as_ref().and_then(|o| o.fallback_email());
        Some(Fast {
            filter: unit.filter.as_ref(),
            fallback,
            source: unit.source,
            pk,
            id_head,
            source_head: layout.source_head.clone(),
            targets: out,
        })
    }

    /// Writes row `row` (source line `line`) into `bufs` and counts it into
    /// `chunk` and the context's coverage, or says it was filtered; or
    /// gives it up, writing and counting nothing.
    pub(crate) fn write(
        &self,
        ctx: &mut Ctx<'_>,
        row: u32,
        line: u32,
        bufs: &mut [Vec<u8>],
        st: &mut FastState,
        chunk: &mut Chunk,
    ) -> Wrote {
        let data = ctx.data;
        let r = RecRef {
            object: self.source,
            row,
        };
        if let Some(f) = self.filter {
            ctx.begin(Some(r));
            std::mem::swap(&mut ctx.coverage, &mut st.coverage);
            let v = ctx.eval(f, Frame::Rec(r));
            std::mem::swap(&mut ctx.coverage, &mut st.coverage);
            // A flag raised here belongs to a record this path does not
            // report flags for.
            let keep = match v {
                Ok(v) if ctx.flags.is_empty() => truthy(&v),
                _ => {
                    st.coverage.maps.clear();
                    return Wrote::GaveUp;
                }
            };
            if !keep {
                settle_coverage(ctx, st);
                return Wrote::Filtered;
            }
        }
        st.ops.begin();
        st.marks.clear();
        st.done.clear();
        st.ids.owners.clear();
        st.ids.emails.clear();
        let written = self.lines(data, r, line, bufs, st);
        if !written {
            for &(file, len) in &st.marks {
                if let Some(b) = bufs.get_mut(file) {
                    b.truncate(len);
                }
            }
            st.coverage.maps.clear();
            return Wrote::GaveUp;
        }
        settle_coverage(ctx, st);
        for (t, done) in self.targets.iter().zip(&st.done) {
            self.count(t, *done, st, chunk);
        }
        st.ops.count(&mut ctx.coverage, data, r);
        Wrote::Emitted
    }

    /// Adds a written target record to the chunk's counts, as
    /// `Lines::commit` does.
    fn count(&self, t: &Target<'_>, done: Done, st: &FastState, chunk: &mut Chunk) {
        if let Some(n) = chunk.lines.get_mut(t.file) {
            *n += 1;
        }
        if let (true, Some((d, _))) = (done.updated, &t.update) {
            if let Some(n) = chunk.lines.get_mut(*d) {
                *n += 1;
            }
        }
        let Some(tally) = chunk.tally.targets.get_mut(t.index) else {
            return;
        };
        tally.records += 1;
        tally.updates += u64::from(done.updated);
        for (k, n) in tally.with_value.iter_mut().enumerate().take(64) {
            *n += (done.sent >> k) & 1;
        }
        let sent = st
            .ids
            .owners
            .get(done.owners.0..done.owners.1)
            .unwrap_or(&[]);
        for (o, &k) in t.owners.iter().enumerate() {
            let Some(counts) = tally.owners.get_mut(o) else {
                continue;
            };
            match sent.iter().find(|&&(at, ..)| at == k) {
                // Not sent at all (a value sent as a value counts nothing).
                None if (done.sent >> k) & 1 == 0 => counts.none += 1,
                None => {}
                Some(&(_, a, b)) => counts.sent(
                    st.ids.emails.get(a..b).unwrap_or(""),
                    self.fallback.as_deref(),
                    &mut chunk.emails,
                ),
            }
        }
    }
}

/// Adds what the `where` counted to the context's coverage.
fn settle_coverage(ctx: &mut Ctx<'_>, st: &mut FastState) {
    if !st.coverage.maps.is_empty() {
        ctx.coverage.merge(&st.coverage);
        st.coverage.maps.clear();
    }
}

impl<'p> Field<'p> {
    /// `f` compiled, at layout position `at`; `key` is its `"name":`
    /// (empty for the key field).
    fn new(at: usize, f: &'p FieldPlan, key: &[u8], plan: &'p Plan) -> Option<Field<'p>> {
        let mut piece = Vec::with_capacity(key.len() + 2);
        piece.push(b',');
        piece.extend_from_slice(key);
        piece.push(b'"');
        Some(Field {
            at,
            op: Op::new(&f.expr, plan)?,
            dest: &f.dest,
            accept: Accept::of(&f.dest),
            span: f.expr.span,
            piece,
        })
    }
}

mod line;
