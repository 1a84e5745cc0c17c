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
//! A route compiles when every target has an upsert file, no deferred,
//! dotted or owner fields, and a key and fields the compiled ops cover.
//! Its `where` (any expression) is run by the general evaluator, its
//! value-map counts kept apart until the record is settled.
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
use crate::plan::FieldPlan;
use crate::plan::TExpr;
use crate::plan::{Plan, Unit, UnitKind};
use crate::runtime::builtins::text;
use crate::runtime::compiled::{Got, Op, OpState};
use crate::runtime::eval::truthy;
use crate::runtime::eval::RV;
use crate::runtime::exec::{conform_rv, push_json, takes_text};
use crate::runtime::{Coverage, Ctx, Dataset, Frame};
use crate::schema::model::FieldType;
use crate::span::Span;
use crate::value::{RecRef, Value};

/// A route compiled for writing lines.
pub(crate) struct Fast<'p> {
    /// The route's `where`, run by the general evaluator.
    filter: Option<&'p TExpr>,
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
    /// `#<suffix>","op":"upsert","target":"<Object>","key":{"<key>":`
    /// (the suffix only for later fan-out targets).
    key_head: Vec<u8>,
    key: Field<'p>,
    fields: Vec<Field<'p>>,
}

struct Field<'p> {
    op: Op<'p>,
    dest: &'p FieldType,
    /// The texts `dest` takes as they are, decided once where it can be.
    accept: Accept,
    span: Span,
    /// `,"name":"`
    piece: Vec<u8>,
}

/// [`takes_text`] of a field type, as far as it does not depend on the text.
#[derive(Clone, Copy)]
enum Accept {
    Any,
    /// Texts of at most this many bytes.
    Max(usize),
    /// Ask [`takes_text`].
    Ask,
}

impl Accept {
    fn of(dest: &FieldType) -> Accept {
        match dest {
            FieldType::Text { max: None } | FieldType::Textarea { max: None } => Accept::Any,
            FieldType::Text { max: Some(m) } | FieldType::Textarea { max: Some(m) } => {
                Accept::Max(*m as usize)
            }
            FieldType::Email | FieldType::Phone | FieldType::Url | FieldType::Id => Accept::Any,
            _ => Accept::Ask,
        }
    }

    #[inline]
    fn takes(self, dest: &FieldType, s: &str) -> bool {
        match self {
            Accept::Any => true,
            Accept::Max(m) => s.len() <= m,
            Accept::Ask => takes_text(dest, s),
        }
    }
}

/// A worker's scratch for the compiled route.
#[derive(Default)]
pub(crate) struct FastState {
    ops: OpState,
    /// The record's payload id (`<object>:<key>`), and a related one's.
    id: String,
    rel_id: String,
    /// The current target's `refs` entries, without braces.
    refs: Vec<u8>,
    /// Buffers the record wrote into and their lengths before.
    marks: Vec<(usize, usize)>,
    /// Per target: which fields were sent (bit k: field k).
    sent: Vec<u64>,
    /// What the route's `where` counted in value maps, kept apart until
    /// the record is settled here (a record given up is counted again by
    /// the general executor).
    coverage: Coverage,
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
            let mut fields = Vec::with_capacity(t.fields.len());
            for (f, key) in t.fields.iter().zip(&l.keys) {
                fields.push(Field::new(f, key, plan)?);
            }
            out.push(Target {
                index: i,
                file,
                key_head,
                key: Field::new(&t.key, &[], plan)?,
                fields,
            });
        }
        let mut id_head = b"{\"id\":\"".to_vec();
        push_str_body(&mut id_head, &source.name);
        id_head.push(b':');
        Some(Fast {
            filter: unit.filter.as_ref(),
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
        st.sent.clear();
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
        Wrote::Emitted
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
        // The id's text after `<object>:` (`st.id` holds a composite or
        // number key as the dataset writes it, whole).
        let pk = match self.pk.map(|c| data.cell(r, c)) {
            Some(Value::Text(pk)) => Some(text::trim_str(pk)),
            _ => {
                st.id.clear();
                data.write_record_id(r, &mut st.id);
                None
            }
        };
        for t in &self.targets {
            let Some(buf) = bufs.get_mut(t.file) else {
                return false;
            };
            if !st.marks.iter().any(|&(f, _)| f == t.file) {
                st.marks.push((t.file, buf.len()));
            }
            // Room for a typical line, so the writes below rarely grow it.
            buf.reserve(1024);
            match pk {
                Some(pk) => {
                    buf.extend_from_slice(&self.id_head);
                    push_str_body(buf, pk);
                }
                None => {
                    buf.extend_from_slice(b"{\"id\":\"");
                    push_str_body(buf, &st.id);
                }
            }
            buf.extend_from_slice(&t.key_head);
            let key = t.key.op.eval(data, r, &mut st.ops);
            if !value(&t.key, key, buf, false, &mut st.ops) {
                return false;
            }
            buf.extend_from_slice(b"},\"fields\":{");
            st.refs.clear();
            let mut sent = 0u64;
            let mut first = true;
            for (k, f) in t.fields.iter().enumerate() {
                match f.op.eval(data, r, &mut st.ops) {
                    Got::Null => continue,
                    Got::Bail => return false,
                    Got::Rec(to) => {
                        // As `Lines::reference`: `"name":"<id>"` in `refs`.
                        if !st.refs.is_empty() {
                            st.refs.push(b',');
                        }
                        st.refs.extend_from_slice(&f.piece[1..]);
                        st.rel_id.clear();
                        data.write_record_id(to, &mut st.rel_id);
                        push_str_body(&mut st.refs, &st.rel_id);
                        st.refs.push(b'"');
                    }
                    got => {
                        if !value(f, got, buf, !first, &mut st.ops) {
                            return false;
                        }
                        first = false;
                    }
                }
                sent |= 1 << k;
            }
            buf.extend_from_slice(b"},\"refs\":{");
            buf.extend_from_slice(&st.refs);
            buf.push(b'}');
            buf.extend_from_slice(&self.source_head);
            buf.extend_from_slice(itoa::Buffer::new().format(line).as_bytes());
            buf.extend_from_slice(b"}}\n");
            st.sent.push(sent);
        }
        true
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
    /// `f` compiled; `key` is its `"name":` (empty for the key field).
    fn new(f: &'p FieldPlan, key: &[u8], plan: &'p Plan) -> Option<Field<'p>> {
        let mut piece = Vec::with_capacity(key.len() + 2);
        piece.push(b',');
        piece.extend_from_slice(key);
        piece.push(b'"');
        Some(Field {
            op: Op::new(&f.expr, plan)?,
            dest: &f.dest,
            accept: Accept::of(&f.dest),
            span: f.expr.span,
            piece,
        })
    }
}

/// Writes a non-null value of field `f` as `Lines::value` (after
/// `,"name":` when `piece`, with its comma when `comma`) or, for the key,
/// as `Lines::key` (the JSON alone): a text the field takes as it is
/// directly, anything else conformed by the general executor's
/// [`conform_rv`]. False when it does not conform (the record is then the
/// general executor's, which reports why).
#[inline]
fn value(f: &Field<'_>, got: Got<'_>, buf: &mut Vec<u8>, comma: bool, st: &mut OpState) -> bool {
    // `,"name":"` (with or without its comma), opening quote included.
    let piece = f.piece.get(usize::from(!comma)..).unwrap_or(&[]);
    if let Some(s) = st.resolve(got) {
        if f.accept.takes(f.dest, s) {
            buf.extend_from_slice(piece);
            push_str_body(buf, s);
            buf.push(b'"');
            return true;
        }
    }
    conformed(f, got, buf, piece, st)
}

/// [`value`] of anything but a text the field takes as it is.
#[inline(never)]
fn conformed(
    f: &Field<'_>,
    got: Got<'_>,
    buf: &mut Vec<u8>,
    piece: &[u8],
    st: &mut OpState,
) -> bool {
    let piece = piece.get(..piece.len().saturating_sub(1)).unwrap_or(&[]);
    let rv = match got {
        Got::Str(s) => RV::Str(s),
        Got::Buf(a, b) => RV::Buf(a, b),
        Got::Val(v) => RV::Val(v),
        Got::Null | Got::Bail | Got::Rec(_) => return false,
    };
    let arena = st.arena();
    let Ok(v) = conform_rv(rv, f.dest, f.span, arena) else {
        return false;
    };
    buf.extend_from_slice(piece);
    push_json(buf, &v, arena);
    true
}
