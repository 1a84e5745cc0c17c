//! One subject's payload lines, written while its fields are evaluated.
//!
//! Input: the executor's calls on [`Out`] for one source record or merge
//! group (see `runtime::exec`), then [`Lines::commit`] when it was emitted.
//! Output: its upsert (and deferred update) lines appended to the chunk's
//! file buffers, and its field and owner counts in the chunk's tally.
//! Invariants: the bytes are what writing the [`Emitted`] records would
//! give (keys pre-escaped by layout position, values as
//! [`super::json::push_value`] writes them); nothing reaches the chunk
//! unless the subject is committed, so a record that fails in its last
//! target leaves no line behind; no allocation per record once the
//! buffers have grown.
//!
//! [`Emitted`]: crate::runtime::Emitted

use super::chunk::Chunk;
use super::json::{push_key, push_nested, push_str};
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

/// The lines of one subject, target by target.
pub(crate) struct Lines<'l> {
    layout: &'l UnitLayout,
    targets: Vec<Pending<'l>>,
    n: usize,
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
    /// The payload id as text (for flags).
    id: String,
    /// The upsert line so far: `{"id":…,"key":{…},"fields":{` and the
    /// fields written (a nested target's fields wait in `nested`).
    line: Vec<u8>,
    /// Where the id's JSON and the key object are in `line` (an update
    /// line repeats them).
    id_json: (usize, usize),
    key: (usize, usize),
    /// `line` ended its head and key: fields come next.
    fields_from: usize,
    /// Entries of `refs`, deferred `fields` and `refs`, without braces.
    refs: Vec<u8>,
    dfields: Vec<u8>,
    drefs: Vec<u8>,
    /// A target with dotted field names: its values, nested at commit.
    nested: Vec<(String, Value)>,
    dnested: Vec<(String, Value)>,
    /// Per layout field: NONE, VALUE, CLEAR or REF.
    sent: Vec<u8>,
    /// Reference ids of owner fields: layout position and range in `owner_ids`.
    owners: Vec<(usize, usize, usize)>,
    owner_ids: String,
}

impl<'l> Lines<'l> {
    pub(crate) fn new(layout: &'l UnitLayout) -> Lines<'l> {
        Lines {
            layout,
            targets: Vec::new(),
            n: 0,
            bad: None,
        }
    }

    /// Forgets the previous subject.
    pub(crate) fn reset(&mut self) {
        self.n = 0;
        self.bad = None;
    }

    /// The payload id of the subject's first record.
    pub(crate) fn first_id(&self) -> Option<&str> {
        self.targets[..self.n].first().map(|p| p.id.as_str())
    }

    fn current(&mut self) -> Option<&mut Pending<'l>> {
        self.targets[..self.n].last_mut()
    }

    /// Appends the subject's lines to `chunk` and counts its fields.
    pub(crate) fn commit(
        &mut self,
        chunk: &mut Chunk,
        line: u32,
        group: Option<usize>,
        fallback: Option<&str>,
    ) {
        let mut row = itoa::Buffer::new();
        let row = row.format(line).as_bytes();
        for p in &mut self.targets[..self.n] {
            let Some(t) = p.layout else { continue };
            let Some(file) = t.upsert else { continue };
            let tally = &mut chunk.tally.targets[p.target as usize];
            tally.records += 1;
            for (k, &s) in p.sent.iter().enumerate() {
                if s == VALUE || s == REF {
                    tally.with_value[k] += 1;
                }
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
                        match id {
                            Some(id) if Some(id) == fallback => counts.fallback += 1,
                            Some(id) => {
                                counts.email += 1;
                                let email = id.strip_prefix("owner:").unwrap_or(id);
                                if !chunk.emails.contains(email) {
                                    chunk.emails.insert(email.into());
                                }
                            }
                            None => {}
                        }
                    }
                    Some(NONE) | None => counts.none += 1,
                    _ => {}
                }
            }
            let tail = |buf: &mut Vec<u8>| {
                buf.extend_from_slice(&self.layout.source_head);
                buf.extend_from_slice(row);
                if let Some(n) = group {
                    buf.extend_from_slice(b",\"members\":");
                    buf.extend_from_slice(itoa::Buffer::new().format(n).as_bytes());
                }
                buf.extend_from_slice(b"}}\n");
            };
            let buf = &mut chunk.bufs[file];
            if t.nested {
                // The line up to `"fields":`, then the nested object.
                buf.extend_from_slice(&p.line[..p.fields_from.saturating_sub(1)]);
                object(buf, true, &[], &p.nested);
                buf.extend_from_slice(b",\"refs\":{");
            } else {
                buf.extend_from_slice(&p.line);
                buf.extend_from_slice(b"},\"refs\":{");
            }
            buf.extend_from_slice(&p.refs);
            buf.push(b'}');
            tail(buf);
            chunk.lines[file] += 1;
            let deferred = !(p.dfields.is_empty() && p.dnested.is_empty() && p.drefs.is_empty());
            if let (true, Some(file)) = (deferred, t.deferred) {
                tally.updates += 1;
                let buf = &mut chunk.bufs[file];
                buf.extend_from_slice(b"{\"id\":");
                buf.extend_from_slice(&p.line[p.id_json.0..p.id_json.1]);
                buf.extend_from_slice(&t.update_head);
                buf.extend_from_slice(&p.line[p.key.0..p.key.1]);
                buf.extend_from_slice(b",\"fields\":");
                object(buf, t.nested, &p.dfields, &p.dnested);
                buf.extend_from_slice(b",\"refs\":{");
                buf.extend_from_slice(&p.drefs);
                buf.push(b'}');
                tail(buf);
                chunk.lines[file] += 1;
            }
        }
    }
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
        if self.bad.is_none() && layout.and_then(|l| l.upsert).is_none() {
            self.bad = Some(format!(
                "`{}` (target {target}) has no payload file in the load order",
                t.object
            ));
        }
        let width = layout.map_or(0, |l| l.fields.len());
        if self.n == self.targets.len() {
            self.targets.push(Pending::default());
        }
        let p = &mut self.targets[self.n];
        self.n += 1;
        p.target = target;
        p.layout = layout;
        p.id.clear();
        p.id.push_str(id);
        for b in [&mut p.line, &mut p.refs, &mut p.dfields, &mut p.drefs] {
            b.clear();
        }
        p.line.extend_from_slice(b"{\"id\":");
        let at = p.line.len();
        push_str(&mut p.line, id);
        p.id_json = (at, p.line.len());
        if let Some(l) = layout {
            p.line.extend_from_slice(&l.upsert_head);
        }
        p.key = (p.line.len(), p.line.len());
        p.fields_from = p.line.len();
        p.nested.clear();
        p.dnested.clear();
        p.sent.clear();
        p.sent.resize(width, NONE);
        p.owners.clear();
        p.owner_ids.clear();
    }

    fn key(&mut self, name: &str, v: RV<'_>, arena: &str) {
        let Some(p) = self.current() else { return };
        let start = p.line.len();
        match p.layout.map(|l| &l.key_head) {
            Some(Some(head)) => {
                p.line.extend_from_slice(head);
                push_json(&mut p.line, &v, arena);
                p.line.push(b'}');
            }
            _ => push_key(&mut p.line, name, &v.into_value(arena)),
        }
        p.key = (start, p.line.len());
        p.line.extend_from_slice(b",\"fields\":{");
        p.fields_from = p.line.len();
    }

    fn value(&mut self, k: usize, deferred: bool, name: &str, v: RV<'_>, arena: &str) {
        let Some(p) = self.current() else { return };
        let Some(t) = p.layout else { return };
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
        } else {
            if p.line.len() > p.fields_from {
                p.line.push(b',');
            }
            key_of(&mut p.line, t, k, name);
            push_json(&mut p.line, &v, arena);
        }
    }

    fn reference(&mut self, k: usize, deferred: bool, name: &str, id: &str) {
        let Some(p) = self.current() else { return };
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

    fn finish(&mut self) {}
}

/// `,"name":` (no comma first), the name pre-escaped by the layout.
fn entry(buf: &mut Vec<u8>, t: &TargetLayout, k: usize, name: &str) {
    if !buf.is_empty() {
        buf.push(b',');
    }
    key_of(buf, t, k, name);
}

/// `"name":`, pre-escaped by the layout.
fn key_of(buf: &mut Vec<u8>, t: &TargetLayout, k: usize, name: &str) {
    match t.keys.get(k) {
        Some(key) => buf.extend_from_slice(key),
        None => {
            push_str(buf, name);
            buf.push(b':');
        }
    }
}
