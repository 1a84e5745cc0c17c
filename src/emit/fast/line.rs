//! One record's payload lines, written from its compiled fields (see the
//! parent module for the invariants).

use super::{Done, Fast, FastState, Field, Ids};
use crate::emit::json::push_str_body;
use crate::emit::record::tail;
use crate::runtime::builtins::text;
use crate::runtime::compiled::{Got, OpState};
use crate::runtime::eval::RV;
use crate::runtime::exec::{conform_rv, push_json};
use crate::runtime::Dataset;
use crate::value::{RecRef, Value};

impl Fast<'_> {
    /// The record's lines; false as soon as something is not certain.
    pub(super) fn lines(
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
            let line_start = buf.len();
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
            buf.extend_from_slice(&t.id_tail);
            let id_end = buf.len();
            buf.extend_from_slice(&t.upsert_head);
            let key_start = buf.len();
            buf.extend_from_slice(&t.key_json);
            let key = t.key.op.eval(data, r, &mut st.ops);
            if !value(&t.key, key, buf, false, &mut st.ops) {
                return false;
            }
            buf.push(b'}');
            let key_end = buf.len();
            buf.extend_from_slice(b",\"fields\":{");
            st.refs.clear();
            st.dfields.clear();
            st.drefs.clear();
            let owners_from = st.ids.owners.len();
            let mut sent = 0u64;
            let mut first = true;
            for f in &t.fields {
                match f.op.eval(data, r, &mut st.ops) {
                    Got::Null => continue,
                    Got::Bail => return false,
                    got @ (Got::Rec(_) | Got::OwnerStr(_) | Got::OwnerBuf(..)) => {
                        refer(data, f, got, &mut st.refs, &st.ops, &mut st.ids);
                    }
                    got => {
                        if !value(f, got, buf, !first, &mut st.ops) {
                            return false;
                        }
                        first = false;
                    }
                }
                sent |= 1 << f.at;
            }
            for f in &t.deferred {
                match f.op.eval(data, r, &mut st.ops) {
                    Got::Null => continue,
                    Got::Bail => return false,
                    got @ (Got::Rec(_) | Got::OwnerStr(_) | Got::OwnerBuf(..)) => {
                        refer(data, f, got, &mut st.drefs, &st.ops, &mut st.ids);
                    }
                    got => {
                        let comma = !st.dfields.is_empty();
                        if !value(f, got, &mut st.dfields, comma, &mut st.ops) {
                            return false;
                        }
                    }
                }
                sent |= 1 << f.at;
            }
            buf.extend_from_slice(b"},\"refs\":{");
            buf.extend_from_slice(&st.refs);
            buf.push(b'}');
            tail(buf, &self.source_head, line, None);
            let updated = !(st.dfields.is_empty() && st.drefs.is_empty());
            if let (true, Some((d, update_head))) = (updated, &t.update) {
                // The id and key, copied out: the update goes to another buffer.
                st.head.clear();
                st.head
                    .extend_from_slice(buf.get(line_start + 6..id_end).unwrap_or(b""));
                let id_len = st.head.len();
                st.head
                    .extend_from_slice(buf.get(key_start..key_end).unwrap_or(b""));
                let Some(ubuf) = bufs.get_mut(*d) else {
                    return false;
                };
                if !st.marks.iter().any(|&(f, _)| f == *d) {
                    st.marks.push((*d, ubuf.len()));
                }
                ubuf.extend_from_slice(b"{\"id\":");
                ubuf.extend_from_slice(&st.head[..id_len]);
                ubuf.extend_from_slice(update_head);
                ubuf.extend_from_slice(&st.head[id_len..]);
                ubuf.extend_from_slice(b",\"fields\":{");
                ubuf.extend_from_slice(&st.dfields);
                ubuf.extend_from_slice(b"},\"refs\":{");
                ubuf.extend_from_slice(&st.drefs);
                ubuf.push(b'}');
                tail(ubuf, &self.source_head, line, None);
            }
            st.done.push(Done {
                sent,
                updated: updated && t.update.is_some(),
                owners: (owners_from, st.ids.owners.len()),
            });
        }
        true
    }
}

/// A reference (a related record or an owner) into `refs`, as
/// `Lines::reference` writes it; an owner is noted for the counts.
fn refer(
    data: &Dataset,
    f: &Field<'_>,
    got: Got<'_>,
    refs: &mut Vec<u8>,
    ops: &OpState,
    ids: &mut Ids,
) {
    ids.id.clear();
    if let Got::Rec(to) = got {
        data.write_record_id(to, &mut ids.id);
    } else {
        let email = ops.owner(got).unwrap_or("");
        let at = ids.emails.len();
        ids.emails.push_str(email);
        ids.owners.push((f.at, at, ids.emails.len()));
        ids.id.push_str("owner:");
        ids.id.push_str(email);
    }
    reference(refs, f, &ids.id);
}

/// A `refs` entry `"name":"<id>"`, as `Lines::reference` writes it.
fn reference(refs: &mut Vec<u8>, f: &Field<'_>, id: &str) {
    if !refs.is_empty() {
        refs.push(b',');
    }
    refs.extend_from_slice(f.piece.get(1..).unwrap_or(&[]));
    push_str_body(refs, id);
    refs.push(b'"');
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
        if f.accept.takes(s) {
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
        Got::Num(d) => RV::Own(Value::Num(d)),
        Got::Day(d) => RV::Own(Value::Date(d)),
        Got::Bool(b) => RV::Own(Value::Bool(b)),
        Got::Null | Got::Bail | Got::Rec(_) | Got::OwnerStr(_) | Got::OwnerBuf(..) => return false,
    };
    let arena = st.arena();
    let Ok(v) = conform_rv(rv, f.dest, f.span, arena) else {
        return false;
    };
    buf.extend_from_slice(piece);
    push_json(buf, &v, arena);
    true
}
