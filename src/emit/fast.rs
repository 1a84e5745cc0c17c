//! The compiled route: a route's payload lines written from compiled
//! fields ([`crate::runtime::compiled`]), without the general executor's
//! per-record bookkeeping.
//!
//! Input: a route [`Unit`] and its [`UnitLayout`]; then, per record, its
//! row and source line. Output: a [`Fast`] (or `None`: the unit is left to
//! the general executor), then per record its lines appended to the
//! chunk's buffers and its counts (target tallies, lines, value-map
//! coverage) added — or `false`, with nothing written or counted, and the
//! record goes to the general executor.
//!
//! A route compiles when it has no `where`, a one-column primary key, and
//! every target has an upsert file, no deferred, dotted or owner fields,
//! and a key and fields the compiled ops cover.
//!
//! Invariants: the bytes and counts are those the general path
//! (`runtime::exec` into [`super::record::Lines`]) gives for the same
//! record. A record is written here only when its key and every field
//! is a text its field takes as it is ([`takes_text`]), or null (left
//! out); anything else gives the record up. The emitter's tests run
//! specs both ways and compare the files and tallies.

use super::chunk::Chunk;
use super::json::push_str_body;
use super::layout::UnitLayout;
use crate::plan::{Plan, Unit, UnitKind};
use crate::runtime::compiled::{Got, Op, OpState};
use crate::runtime::exec::takes_text;
use crate::runtime::{Ctx, Dataset};
use crate::schema::model::FieldType;
use crate::value::{RecRef, Value};

/// A route compiled for writing lines.
pub(crate) struct Fast<'p> {
    source: u32,
    /// The primary key column (payload ids are `<object>:<key>`).
    pk: u32,
    /// `,"source":{…,"row":`
    source_head: Vec<u8>,
    targets: Vec<Target<'p>>,
}

struct Target<'p> {
    /// Its index among the unit's targets (for the tally).
    index: usize,
    file: usize,
    /// `{"id":"<object>:`
    id_head: Vec<u8>,
    /// `#<suffix>","op":"upsert","target":"<Object>","key":{"<key>":"`
    /// (the suffix only for later fan-out targets).
    key_head: Vec<u8>,
    key: Op<'p>,
    key_dest: &'p FieldType,
    fields: Vec<Field<'p>>,
}

struct Field<'p> {
    op: Op<'p>,
    dest: &'p FieldType,
    /// `,"name":"`
    piece: Vec<u8>,
}

/// A worker's scratch for the compiled route.
#[derive(Default)]
pub(crate) struct FastState {
    ops: OpState,
    /// Buffers the record wrote into and their lengths before.
    marks: Vec<(usize, usize)>,
    /// Per target: which fields were sent (bit k: field k).
    sent: Vec<u64>,
}

impl<'p> Fast<'p> {
    /// `unit` compiled, when it can be (see the module header).
    pub(crate) fn new(plan: &'p Plan, unit: &'p Unit, layout: &UnitLayout) -> Option<Fast<'p>> {
        let UnitKind::Route { targets } = &unit.kind else {
            return None;
        };
        if unit.filter.is_some() {
            return None;
        }
        let source = plan.sources.get(unit.source as usize)?;
        let [pk] = source.primary_key.as_slice() else {
            return None;
        };
        let mut id_head = b"{\"id\":\"".to_vec();
        push_str_body(&mut id_head, &source.name);
        id_head.push(b':');
        let mut out = Vec::with_capacity(targets.len());
        for (i, t) in targets.iter().enumerate() {
            let l = layout.targets.get(i)?;
            let (Some(file), Some(key_json), false, true, true) = (
                l.upsert,
                &l.key_head,
                l.nested,
                t.deferred.is_empty(),
                l.owners.is_empty(),
            ) else {
                return None;
            };
            if t.fields.len() > 64 || l.keys.len() != t.fields.len() {
                return None;
            }
            // The suffix as `Ids::write` in runtime::exec adds it.
            let suffix = match (&t.id_suffix, i) {
                (Some(s), _) => Some(s.trim_start_matches('#')),
                (None, 0) => None,
                (None, _) => Some(t.alias.as_deref().unwrap_or(&t.object)),
            };
            let mut key_head = Vec::new();
            if let Some(s) = suffix {
                key_head.push(b'#');
                push_str_body(&mut key_head, s);
            }
            key_head.push(b'"');
            key_head.extend_from_slice(&l.upsert_head);
            key_head.extend_from_slice(key_json);
            key_head.push(b'"');
            let mut fields = Vec::with_capacity(t.fields.len());
            for (f, key) in t.fields.iter().zip(&l.keys) {
                let mut piece = Vec::with_capacity(key.len() + 2);
                piece.push(b',');
                piece.extend_from_slice(key);
                piece.push(b'"');
                fields.push(Field {
                    op: Op::new(&f.expr, plan)?,
                    dest: &f.dest,
                    piece,
                });
            }
            out.push(Target {
                index: i,
                file,
                id_head: id_head.clone(),
                key_head,
                key: Op::new(&t.key.expr, plan)?,
                key_dest: &t.key.dest,
                fields,
            });
        }
        Some(Fast {
            source: unit.source,
            pk: *pk,
            source_head: layout.source_head.clone(),
            targets: out,
        })
    }

    /// Writes row `row` (source line `line`) into `bufs` and counts it into
    /// `chunk` and the context's coverage; false, writing and counting
    /// nothing, when the general executor must run it.
    pub(crate) fn write(
        &self,
        ctx: &mut Ctx<'_>,
        row: u32,
        line: u32,
        bufs: &mut [Vec<u8>],
        st: &mut FastState,
        chunk: &mut Chunk,
    ) -> bool {
        let data = ctx.data;
        let r = RecRef {
            object: self.source,
            row,
        };
        st.ops.begin();
        st.marks.clear();
        st.sent.clear();
        let written = self.lines(data, r, line, bufs, st);
        if !written {
            for &(file, len) in &st.marks {
                if let Some(b) = bufs.get_mut(file) {
                    b.truncate(len);
                }
            }
            return false;
        }
        for (t, &sent) in self.targets.iter().zip(&st.sent) {
            if let Some(tally) = chunk.tally.targets.get_mut(t.index) {
                tally.records += 1;
                for (k, n) in tally.with_value.iter_mut().enumerate().take(64) {
                    *n += (sent >> k) & 1;
                }
            }
            if let Some(n) = chunk.lines.get_mut(t.file) {
                *n += 1;
            }
        }
        st.ops.count(&mut ctx.coverage);
        true
    }

    /// The record's lines; false as soon as something is not certain.
    fn lines(
        &self,
        data: &Dataset,
        r: RecRef,
        line: u32,
        bufs: &mut [Vec<u8>],
        st: &mut FastState,
    ) -> bool {
        let Value::Text(pk) = data.cell(r, self.pk) else {
            return false;
        };
        let pk = crate::runtime::builtins::text::trim_str(pk);
        for t in &self.targets {
            let Some(buf) = bufs.get_mut(t.file) else {
                return false;
            };
            if !st.marks.iter().any(|&(f, _)| f == t.file) {
                st.marks.push((t.file, buf.len()));
            }
            buf.extend_from_slice(&t.id_head);
            push_str_body(buf, pk);
            buf.extend_from_slice(&t.key_head);
            let key = t.key.eval(data, r, &mut st.ops);
            match st.ops.resolve(key) {
                Some(s) if takes_text(t.key_dest, s) => push_str_body(buf, s),
                _ => return false,
            }
            buf.extend_from_slice(b"\"},\"fields\":{");
            let mut sent = 0u64;
            for (k, f) in t.fields.iter().enumerate() {
                let got = f.op.eval(data, r, &mut st.ops);
                if got == Got::Null {
                    continue;
                }
                let Some(s) = st.ops.resolve(got).filter(|s| takes_text(f.dest, s)) else {
                    return false;
                };
                buf.extend_from_slice(if sent == 0 { &f.piece[1..] } else { &f.piece });
                push_str_body(buf, s);
                buf.push(b'"');
                sent |= 1 << k;
            }
            buf.extend_from_slice(b"},\"refs\":{}");
            buf.extend_from_slice(&self.source_head);
            buf.extend_from_slice(itoa::Buffer::new().format(line).as_bytes());
            buf.extend_from_slice(b"}}\n");
            st.sent.push(sent);
        }
        true
    }
}
