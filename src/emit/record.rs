//! One subject's payload lines, written while its fields are evaluated.
//!
//! Input: the executor's calls on [`Out`] for one source record or merge
//! group (see `runtime::exec`), after [`Lines::begin`]; then
//! [`Lines::commit`] when it was emitted.
//! Output: its upsert (and deferred update) lines appended to the chunk's
//! file buffers, and its field and owner counts in the chunk's tally.
//! Invariants: the bytes are what writing the [`Emitted`] records would
//! give (keys pre-escaped by layout position, values as
//! [`super::json::push_value`] writes them). Lines are written straight
//! into the file buffers (no per-record line copied again), and every
//! buffer a subject wrote into is cut back to where it was unless the
//! subject is committed, so a record that fails in its last target leaves
//! no byte behind; no allocation per record once the buffers have grown.
//!
//! [`Emitted`]: crate::runtime::Emitted

use super::chunk::Chunk;
use super::json::{push_key, push_nested, push_str, push_str_body};
use super::layout::{TargetLayout, UnitLayout};
use crate::plan::TargetPlan;
use crate::runtime::eval::RV;
use crate::runtime::exec::{push_json, Out};
use crate::value::Value;

const NONE: u8 = 0;
const VALUE: u8 = 1;
/// `clear`: sent (as null) but not counted as a value.
const CLEAR: u8 = 2;
const REF: u8 = 3;

/// Per target: each field's `,"name":"` (comma, pre-escaped name, and the
/// quote a text value opens with) in one buffer, by layout position.
struct Keys {
    bytes: Vec<u8>,
    /// `bytes[at[k]..at[k + 1]]` is field `k`'s piece.
    at: Vec<usize>,
}

impl Keys {
    fn new(t: &TargetLayout) -> Keys {
        let mut bytes = Vec::new();
        let mut at = vec![0];
        for k in &t.keys {
            bytes.push(b',');
            bytes.extend_from_slice(k);
            bytes.push(b'"');
            at.push(bytes.len());
        }
        Keys { bytes, at }
    }

    /// `,"name":"` of field `k`, if the layout has it.
    #[inline]
    fn get(&self, k: usize) -> Option<&[u8]> {
        let (a, b) = (*self.at.get(k)?, *self.at.get(k + 1)?);
        self.bytes.get(a..b)
    }
}

/// The lines of one subject, target by target.
pub(crate) struct Lines<'l> {
    layout: &'l UnitLayout,
    keys: Vec<Keys>,
    /// The chunk's payload buffers, borrowed for the chunk
    /// ([`Lines::into_bufs`] hands them back).
    bufs: Vec<Vec<u8>>,
    /// Buffers the current subject wrote into, and their length before.
    marks: Vec<(usize, usize)>,
    targets: Vec<Pending<'l>>,
    n: usize,
    /// The subject's source line, and its member count for a merge group.
    row: u32,
    group: Option<usize>,
    /// Why the subject cannot be written (a target without a payload file,
    /// a plan bug), if it cannot.
    pub bad: Option<String>,
}

/// One target's record until the subject is committed.
#[derive(Default)]
struct Pending<'l> {
    target: u32,
    /// Its layout (`None`: a plan bug, see [`Lines::bad`]).
    layout: Option<&'l TargetLayout>,
    /// The upsert file (`None`: nothing is written, see [`Lines::bad`]).
    file: Option<usize>,
    /// The payload id as text (for flags).
    id: String,
    /// Where the id's JSON and the key object start and end in the upsert
    /// buffer (an update line repeats them).
    id_json: (usize, usize),
    key: (usize, usize),
    /// Fields written into the upsert line so far.
    written: usize,
    /// Entries of `refs`, deferred `fields` and `refs`, without braces.
    refs: Vec<u8>,
    dfields: Vec<u8>,
    drefs: Vec<u8>,
    /// A target with dotted field names: its values, nested at the end.
    nested: Vec<(String, Value)>,
    dnested: Vec<(String, Value)>,
    /// Per layout field: NONE, VALUE, CLEAR or REF.
    sent: Vec<u8>,
    /// Reference ids of owner fields: layout position and range in `owner_ids`.
    owners: Vec<(usize, usize, usize)>,
    owner_ids: String,
    /// A deferred update line was written.
    updated: bool,
    /// The id and key JSON, copied for the update line.
    head: Vec<u8>,
}

impl<'l> Lines<'l> {
    /// Writes into `bufs` (one per payload file).
    pub(crate) fn new(layout: &'l UnitLayout, bufs: Vec<Vec<u8>>) -> Lines<'l> {
        Lines {
            layout,
            keys: layout.targets.iter().map(Keys::new).collect(),
            bufs,
            marks: Vec::new(),
            targets: Vec::new(),
            n: 0,
            row: 0,
            group: None,
            bad: None,
        }
    }

    /// Drops what an uncommitted subject wrote, then starts the subject
    /// at source line `row` (`group`: a merge group's member count).
    pub(crate) fn begin(&mut self, row: u32, group: Option<usize>) {
        self.rollback();
        self.n = 0;
        self.bad = None;
        self.row = row;
        self.group = group;
    }

    fn rollback(&mut self) {
        for &(file, len) in &self.marks {
            if let Some(b) = self.bufs.get_mut(file) {
                b.truncate(len);
            }
        }
        self.marks.clear();
    }

    /// The payload buffers, for the compiled route (which cuts back what
    /// it wrote itself when it gives a record up).
    pub(crate) fn bufs_mut(&mut self) -> &mut [Vec<u8>] {
        &mut self.bufs
    }

    /// The buffers, without any uncommitted subject's bytes.
    pub(crate) fn into_bufs(mut self) -> Vec<Vec<u8>> {
        self.rollback();
        self.bufs
    }

    /// The payload id of the subject's first record.
    pub(crate) fn first_id(&self) -> Option<&str> {
        self.targets[..self.n].first().map(|p| p.id.as_str())
    }

    /// Remembers `file`'s length before the subject first writes into it.
    fn mark(&mut self, file: usize) {
        if !self.marks.iter().any(|&(f, _)| f == file) {
            let len = self.bufs.get(file).map_or(0, Vec::len);
            self.marks.push((file, len));
        }
    }

    /// The current target and the buffer of its upsert line.
    #[inline]
    fn current(&mut self) -> Option<(&mut Pending<'l>, &mut Vec<u8>)> {
        let p = self.targets[..self.n].last_mut()?;
        let buf = self.bufs.get_mut(p.file?)?;
        Some((p, buf))
    }

    /// Keeps the subject's lines and counts its fields.
    pub(crate) fn commit(&mut self, chunk: &mut Chunk, fallback: Option<&str>) {
        self.marks.clear();
        for p in &self.targets[..self.n] {
            let (Some(t), Some(file)) = (p.layout, p.file) else {
                continue;
            };
            let tally = &mut chunk.tally.targets[p.target as usize];
            tally.records += 1;
            chunk.lines[file] += 1;
            if let (true, Some(d)) = (p.updated, t.deferred) {
                tally.updates += 1;
                chunk.lines[d] += 1;
            }
            for (n, &s) in tally.with_value.iter_mut().zip(&p.sent) {
                *n += u64::from(s == VALUE || s == REF);
            }
            for (o, &k) in t.owners.iter().enumerate() {
                let counts = &mut tally.owners[o];
                match p.sent.get(k).copied() {
                    Some(REF) => {
                        let id = p
                            .owners
                            .iter()
                            .find(|(at, ..)| *at == k)
                            .and_then(|&(_, a, b)| p.owner_ids.get(a..b));
                        if let Some(id) = id {
                            counts.sent(
                                owner_email(id),
                                fallback.map(owner_email),
                                &mut chunk.emails,
                            );
                        }
                    }
                    Some(NONE) | None => counts.none += 1,
                    _ => {}
                }
            }
        }
    }
}

/// The email of an `owner:<email>` reference id.
fn owner_email(id: &str) -> &str {
    id.strip_prefix("owner:").unwrap_or(id)
}

/// `,"source":{…,"row":N[,"members":M]}}` and the newline.
pub(super) fn tail(buf: &mut Vec<u8>, source_head: &[u8], row: u32, group: Option<usize>) {
    buf.extend_from_slice(source_head);
    buf.extend_from_slice(itoa::Buffer::new().format(row).as_bytes());
    if let Some(n) = group {
        buf.extend_from_slice(b",\"members\":");
        buf.extend_from_slice(itoa::Buffer::new().format(n).as_bytes());
    }
    buf.extend_from_slice(b"}}\n");
}

/// A `fields` object: the written entries, or the values nested by name.
fn object(buf: &mut Vec<u8>, nested: bool, entries: &[u8], values: &[(String, Value)]) {
    if nested {
        let entries: Vec<(&str, &Value)> = values.iter().map(|(k, v)| (k.as_str(), v)).collect();
        push_nested(buf, &entries);
    } else {
        buf.push(b'{');
        buf.extend_from_slice(entries);
        buf.push(b'}');
    }
}

impl Out for Lines<'_> {
    fn start(&mut self, t: &TargetPlan, target: u32, id: &str) {
        let layout = self.layout.targets.get(target as usize);
        let file = layout.and_then(|l| l.upsert);
        if self.bad.is_none() && file.is_none() {
            self.bad = Some(format!(
                "`{}` (target {target}) has no payload file in the load order",
                t.object
            ));
        }
        if let Some(f) = file {
            self.mark(f);
        }
        let width = layout.map_or(0, |l| l.fields.len());
        if self.n == self.targets.len() {
            self.targets.push(Pending::default());
        }
        let p = &mut self.targets[self.n];
        self.n += 1;
        p.target = target;
        p.layout = layout;
        p.file = file;
        p.id.clear();
        p.id.push_str(id);
        for b in [&mut p.refs, &mut p.dfields, &mut p.drefs] {
            b.clear();
        }
        p.written = 0;
        p.updated = false;
        p.nested.clear();
        p.dnested.clear();
        p.sent.clear();
        p.sent.resize(width, NONE);
        p.owners.clear();
        p.owner_ids.clear();
        let (Some(l), Some(buf)) = (layout, file.and_then(|f| self.bufs.get_mut(f))) else {
            return;
        };
        buf.extend_from_slice(b"{\"id\":");
        let at = buf.len();
        push_str(buf, id);
        p.id_json = (at, buf.len());
        buf.extend_from_slice(&l.upsert_head);
        p.key = (buf.len(), buf.len());
    }

    fn key(&mut self, name: &str, v: RV<'_>, arena: &str) {
        let Some((p, buf)) = self.current() else {
            return;
        };
        let start = buf.len();
        match p.layout.map(|l| &l.key_head) {
            Some(Some(head)) => {
                buf.extend_from_slice(head);
                push_json(buf, &v, arena);
                buf.push(b'}');
            }
            _ => push_key(buf, name, &v.into_value(arena)),
        }
        p.key = (start, buf.len());
        if p.layout.is_some_and(|l| l.nested) {
            buf.extend_from_slice(b",\"fields\":");
        } else {
            buf.extend_from_slice(b",\"fields\":{");
        }
    }

    #[inline]
    fn value(&mut self, k: usize, deferred: bool, name: &str, v: RV<'_>, arena: &str) {
        let Some(p) = self.targets[..self.n].last_mut() else {
            return;
        };
        let (Some(t), Some(buf)) = (p.layout, p.file.and_then(|f| self.bufs.get_mut(f))) else {
            return;
        };
        if let Some(s) = p.sent.get_mut(k) {
            *s = if matches!(v.value(), Some(Value::Clear)) {
                CLEAR
            } else {
                VALUE
            };
        }
        if t.nested {
            let to = if deferred {
                &mut p.dnested
            } else {
                &mut p.nested
            };
            to.push((name.to_string(), v.into_value(arena)));
            return;
        }
        if deferred {
            entry(&mut p.dfields, t, k, name);
            push_json(&mut p.dfields, &v, arena);
            return;
        }
        let first = p.written == 0;
        p.written += 1;
        let keys = self
            .keys
            .get(p.target as usize)
            .and_then(|keys| keys.get(k));
        match (keys, v.plain(arena)) {
            (Some(piece), Some(s)) => {
                // `,"name":"` then the text: the key and both quotes
                // without a call each.
                buf.extend_from_slice(if first { &piece[1..] } else { piece });
                push_str_body(buf, s);
                buf.push(b'"');
            }
            (Some(piece), None) => {
                buf.extend_from_slice(if first { &piece[1..] } else { piece });
                buf.pop();
                push_json(buf, &v, arena);
            }
            (None, _) => {
                if !first {
                    buf.push(b',');
                }
                push_str(buf, name);
                buf.push(b':');
                push_json(buf, &v, arena);
            }
        }
    }

    #[inline]
    fn text(&mut self, k: usize, name: &str, v: &RV<'_>, s: &str, arena: &str) {
        let Some(p) = self.targets[..self.n].last_mut() else {
            return;
        };
        let (Some(t), Some(buf)) = (p.layout, p.file.and_then(|f| self.bufs.get_mut(f))) else {
            return;
        };
        let piece = self
            .keys
            .get(p.target as usize)
            .and_then(|keys| keys.get(k));
        let (false, Some(piece), Some(sent)) = (t.nested, piece, p.sent.get_mut(k)) else {
            return self.value(k, false, name, v.clone(), arena);
        };
        *sent = VALUE;
        // `,"name":"`, the text, `"`: the key and both quotes in two writes.
        buf.extend_from_slice(if p.written == 0 { &piece[1..] } else { piece });
        p.written += 1;
        push_str_body(buf, s);
        buf.push(b'"');
    }

    fn reference(&mut self, k: usize, deferred: bool, name: &str, id: &str) {
        let Some(p) = self.targets[..self.n].last_mut() else {
            return;
        };
        let Some(t) = p.layout else { return };
        if let Some(s) = p.sent.get_mut(k) {
            *s = REF;
        }
        if t.owners.contains(&k) {
            let start = p.owner_ids.len();
            p.owner_ids.push_str(id);
            p.owners.push((k, start, p.owner_ids.len()));
        }
        let buf = if deferred { &mut p.drefs } else { &mut p.refs };
        entry(buf, t, k, name);
        push_str(buf, id);
    }

    fn finish(&mut self) {
        let (layout, row, group) = (self.layout, self.row, self.group);
        let Some(p) = self.targets[..self.n].last_mut() else {
            return;
        };
        let (Some(t), Some(file)) = (p.layout, p.file) else {
            return;
        };
        let Some(buf) = self.bufs.get_mut(file) else {
            return;
        };
        if t.nested {
            object(buf, true, &[], &p.nested);
        } else {
            buf.push(b'}');
        }
        buf.extend_from_slice(b",\"refs\":{");
        buf.extend_from_slice(&p.refs);
        buf.push(b'}');
        tail(buf, &layout.source_head, row, group);
        let deferred = !(p.dfields.is_empty() && p.dnested.is_empty() && p.drefs.is_empty());
        let Some(d) = t.deferred.filter(|_| deferred) else {
            return;
        };
        // The id and key, copied out: the update goes to another buffer.
        p.head.clear();
        p.head
            .extend_from_slice(buf.get(p.id_json.0..p.id_json.1).unwrap_or(b""));
        let id_len = p.head.len();
        p.head
            .extend_from_slice(buf.get(p.key.0..p.key.1).unwrap_or(b""));
        if !self.marks.iter().any(|&(f, _)| f == d) {
            let len = self.bufs.get(d).map_or(0, Vec::len);
            self.marks.push((d, len));
        }
        let Some(buf) = self.bufs.get_mut(d) else {
            return;
        };
        p.updated = true;
        buf.extend_from_slice(b"{\"id\":");
        buf.extend_from_slice(&p.head[..id_len]);
        buf.extend_from_slice(&t.update_head);
        buf.extend_from_slice(&p.head[id_len..]);
        buf.extend_from_slice(b",\"fields\":");
        object(buf, t.nested, &p.dfields, &p.dnested);
        buf.extend_from_slice(b",\"refs\":{");
        buf.extend_from_slice(&p.drefs);
        buf.push(b'}');
        tail(buf, &layout.source_head, row, group);
    }
}

/// `,"name":` (no comma first), the name pre-escaped by the layout.
fn entry(buf: &mut Vec<u8>, t: &TargetLayout, k: usize, name: &str) {
    if !buf.is_empty() {
        buf.push(b',');
    }
    match t.keys.get(k) {
        Some(key) => buf.extend_from_slice(key),
        None => {
            push_str(buf, name);
            buf.push(b':');
        }
    }
}
