//! One chunk of a unit: consecutive source records (or merge groups) →
//! payload bytes per file plus their tally.
//!
//! Input: a worker's [`Ctx`], the unit, its [`UnitLayout`] and a range of
//! subjects. Output: a [`Chunk`]. Invariants: a record's lines are written
//! only once all its targets are known to have a file (all or nothing, as
//! the executor guarantees for values); lines keep subject order; the
//! context's value-map coverage is moved into the chunk, so chunks merged in
//! order count exactly what one sequential pass would.

use super::json::{push_fields, push_key, push_str, push_value};
use super::layout::{TargetLayout, UnitLayout};
use super::tally::{FlagEntry, Scope, SkipEntry, UnitTally};
use crate::plan::Unit;
use crate::runtime::exec::{run_group, run_record, Group};
use crate::runtime::{Coverage, Ctx, Emitted, Outcome};
use crate::span::Span;
use crate::value::RecRef;
use std::ops::Range;
use std::sync::Arc;

/// What a unit is run over.
#[derive(Clone, Copy)]
pub(crate) enum Subjects<'g> {
    /// Rows `0..n` of the unit's source.
    Rows(u32),
    Groups(&'g [Group]),
}

impl Subjects<'_> {
    pub fn len(&self) -> usize {
        match self {
            Subjects::Rows(n) => *n as usize,
            Subjects::Groups(g) => g.len(),
        }
    }
}

/// The output of one chunk.
pub(crate) struct Chunk {
    /// Bytes per payload file (empty for files this chunk does not touch).
    pub bufs: Vec<Vec<u8>>,
    pub lines: Vec<u64>,
    pub tally: UnitTally,
    pub skips: Vec<SkipEntry>,
    pub flags: Vec<FlagEntry>,
    pub coverage: Coverage,
    pub emails: foldhash::HashSet<Box<str>>,
    /// Source records covered, for progress.
    pub records: u64,
    /// Scratch: layout position of each emitted field/ref (see [`Slots`]).
    slots: Slots,
}

/// For one record, the layout position of each entry of its four maps
/// (`fields`, `refs`, `deferred`, `deferred_refs`), so their names are
/// written from the layout's pre-escaped keys; [`NONE`] for a name the
/// layout does not list (written the slow way).
#[derive(Default)]
struct Slots([Vec<u32>; 4]);

const NONE: u32 = u32::MAX;

impl Chunk {
    pub fn new(files: usize, unit: &UnitLayout) -> Chunk {
        Chunk {
            bufs: vec![Vec::new(); files],
            lines: vec![0; files],
            tally: UnitTally::with_targets(&unit.targets),
            skips: Vec::new(),
            flags: Vec::new(),
            coverage: Coverage::default(),
            emails: foldhash::HashSet::default(),
            records: 0,
            slots: Slots::default(),
        }
    }
}

/// Per-run constants a chunk needs besides its unit.
pub(crate) struct Env<'l> {
    pub files: usize,
    pub unit_index: u32,
    pub unit: &'l Unit,
    pub layout: &'l UnitLayout,
    /// `owner:<fallback email>` when the `owners` policy names one.
    pub fallback_ref: Option<&'l str>,
}

/// Runs `range` of `subjects` through the unit, writing into `spare`
/// buffers (emptied ones the writer handed back) when there are any.
pub(crate) fn run_chunk(
    ctx: &mut Ctx<'_>,
    env: &Env<'_>,
    subjects: Subjects<'_>,
    range: Range<usize>,
    spare: Option<Vec<Vec<u8>>>,
) -> Chunk {
    let mut out = Chunk::new(env.files, env.layout);
    if let Some(bufs) = spare.filter(|b| b.len() == env.files) {
        out.bufs = bufs;
    }
    let file: Arc<str> = ctx
        .data
        .table(env.unit.source)
        .map_or_else(|| Arc::from(""), |t| t.file.clone());
    for i in range {
        let (outcome, first, members) = match subjects {
            Subjects::Rows(_) => (run_record(ctx, env.unit, i as u32), i as u32, 1),
            Subjects::Groups(groups) => {
                let g = &groups[i];
                let first = g.members.first().copied().unwrap_or(0);
                (run_group(ctx, env.unit, g), first, g.members.len())
            }
        };
        let members_n = members as u64;
        out.records += members_n;
        out.tally.records += members_n;
        if matches!(subjects, Subjects::Groups(_)) {
            out.tally.groups += 1;
        }
        let r = RecRef {
            object: env.unit.source,
            row: first,
        };
        let line = ctx.data.origin(r).1;
        let skip = |out: &mut Chunk, reason: &str, message: Option<String>, span: Span| {
            out.tally.skipped += members_n;
            out.skips.push(SkipEntry {
                scope: Scope::Unit(env.unit_index),
                reason: reason.to_string(),
                message,
                span,
                id: ctx.data.record_id(r),
                file: file.clone(),
                row: line,
                records: members_n,
            });
        };
        match &outcome {
            Outcome::Emitted(list) => match check_targets(list, env.layout) {
                Some(bad) => skip(
                    &mut out,
                    crate::diagnostics::codes::E0912.id,
                    Some(bad),
                    env.unit.span,
                ),
                None => {
                    out.tally.emitted += members_n;
                    let group = matches!(subjects, Subjects::Groups(_)).then_some(members);
                    for e in list {
                        write_record(&mut out, env, e, line, group);
                    }
                    if let Some(e) = list.first() {
                        for f in &e.flags {
                            out.flags.push(FlagEntry {
                                scope: Scope::Unit(env.unit_index),
                                flag: f.clone(),
                                id: e.id.clone(),
                                file: file.clone(),
                                row: line,
                            });
                        }
                    }
                }
            },
            Outcome::Skipped { reason, span } => skip(&mut out, reason, None, *span),
            Outcome::Failed(e) => skip(&mut out, e.code.id, Some(e.message.clone()), e.span),
            Outcome::Filtered { rule } => out.tally.add_rule(rule, members_n),
        }
        ctx.recycle(outcome);
    }
    out.coverage = std::mem::take(&mut ctx.coverage);
    out
}

/// Why the records cannot be written (a plan bug), if they cannot.
fn check_targets(list: &[Emitted], layout: &UnitLayout) -> Option<String> {
    for e in list {
        match layout.targets.get(e.target as usize) {
            Some(t) if t.upsert.is_some() => {}
            _ => {
                return Some(format!(
                    "`{}` (target {}) has no payload file in the load order",
                    e.object, e.target
                ))
            }
        }
    }
    None
}

fn write_record(out: &mut Chunk, env: &Env<'_>, e: &Emitted, line: u32, group: Option<usize>) {
    let Some(t) = env.layout.targets.get(e.target as usize) else {
        return;
    };
    let Some(file) = t.upsert else {
        return;
    };
    let tally = &mut out.tally.targets[e.target as usize];
    tally.records += 1;
    count_fields(
        tally,
        t,
        e,
        env.fallback_ref,
        &mut out.emails,
        &mut out.slots,
    );
    let line_at = Line {
        source_head: &env.layout.source_head,
        line,
        group,
    };
    write_line(&mut out.bufs[file], e, t, false, &line_at, &out.slots);
    out.lines[file] += 1;
    if !(e.deferred.is_empty() && e.deferred_refs.is_empty()) {
        if let Some(file) = t.deferred {
            tally.updates += 1;
            write_line(&mut out.bufs[file], e, t, true, &line_at, &out.slots);
            out.lines[file] += 1;
        }
    }
}

/// Where a line's record came from.
struct Line<'a> {
    source_head: &'a [u8],
    line: u32,
    group: Option<usize>,
}

/// `{"id":…,"op":…,"target":…,"key":…,"fields":…,"refs":…,"source":…}\n`
fn write_line(
    buf: &mut Vec<u8>,
    e: &Emitted,
    t: &TargetLayout,
    update: bool,
    at: &Line<'_>,
    slots: &Slots,
) {
    buf.extend_from_slice(b"{\"id\":");
    push_str(buf, &e.id);
    buf.extend_from_slice(if update {
        &t.update_head
    } else {
        &t.upsert_head
    });
    push_key(buf, &e.key.0, &e.key.1);
    buf.extend_from_slice(b",\"fields\":");
    let (fields, refs, fs, rs) = if update {
        (&e.deferred, &e.deferred_refs, &slots.0[2], &slots.0[3])
    } else {
        (&e.fields, &e.refs, &slots.0[0], &slots.0[1])
    };
    if t.nested {
        push_fields(buf, fields, true);
    } else {
        push_object(buf, fields.iter(), fs, &t.keys, push_value);
    }
    buf.extend_from_slice(b",\"refs\":");
    push_object(buf, refs.iter(), rs, &t.keys, |b, v| push_str(b, v));
    buf.extend_from_slice(at.source_head);
    buf.extend_from_slice(itoa::Buffer::new().format(at.line).as_bytes());
    if let Some(n) = at.group {
        buf.extend_from_slice(b",\"members\":");
        buf.extend_from_slice(itoa::Buffer::new().format(n).as_bytes());
    }
    buf.extend_from_slice(b"}}\n");
}

/// `{"name":value,…}` with each name taken pre-escaped from `keys` when
/// its slot is known.
fn push_object<'m, V: 'm>(
    buf: &mut Vec<u8>,
    entries: impl Iterator<Item = (&'m String, &'m V)>,
    slots: &[u32],
    keys: &[Vec<u8>],
    write: impl Fn(&mut Vec<u8>, &V),
) {
    buf.push(b'{');
    for (i, (name, v)) in entries.enumerate() {
        if i > 0 {
            buf.push(b',');
        }
        match slots.get(i).and_then(|&k| keys.get(k as usize)) {
            Some(key) => buf.extend_from_slice(key),
            None => {
                push_str(buf, name);
                buf.push(b':');
            }
        }
        write(buf, v);
    }
    buf.push(b'}');
}

/// Field coverage and owner counts of one record. Emitted fields and refs
/// keep plan order with nulls left out, so one merge-like walk over the
/// layout's names finds them without hashing.
fn count_fields(
    tally: &mut super::tally::TargetTally,
    t: &TargetLayout,
    e: &Emitted,
    fallback: Option<&str>,
    emails: &mut foldhash::HashSet<Box<str>>,
    slots: &mut Slots,
) {
    let [sf, sr, sd, sdr] = &mut slots.0;
    for (s, n) in [
        (&mut *sf, e.fields.len()),
        (&mut *sr, e.refs.len()),
        (&mut *sd, e.deferred.len()),
        (&mut *sdr, e.deferred_refs.len()),
    ] {
        s.clear();
        s.resize(n, NONE);
    }
    let mut owner_at = 0;
    let (mut fi, mut ri) = (0, 0);
    let (mut di, mut dri) = (0, 0);
    let n_fields = t.fields.len() - t.deferred_count;
    for (k, name) in t.fields.iter().enumerate() {
        let (fields, refs, a, b, fs, rs) = if k < n_fields {
            (&e.fields, &e.refs, &mut fi, &mut ri, &mut *sf, &mut *sr)
        } else {
            (
                &e.deferred,
                &e.deferred_refs,
                &mut di,
                &mut dri,
                &mut *sd,
                &mut *sdr,
            )
        };
        let is_owner = t.owners.get(owner_at) == Some(&k);
        if let Some((n, v)) = fields.get_index(*a) {
            if n == name {
                fs[*a] = k as u32;
                *a += 1;
                if !matches!(v, crate::value::Value::Clear) {
                    tally.with_value[k] += 1;
                }
                if is_owner {
                    owner_at += 1;
                }
                continue;
            }
        }
        let sent = match refs.get_index(*b) {
            Some((n, v)) if n == name => {
                rs[*b] = k as u32;
                *b += 1;
                tally.with_value[k] += 1;
                Some(v)
            }
            _ => None,
        };
        if is_owner {
            let o = &mut tally.owners[owner_at];
            owner_at += 1;
            match sent {
                None => o.none += 1,
                Some(v) if Some(v.as_str()) == fallback => o.fallback += 1,
                Some(v) => {
                    o.email += 1;
                    let email = v.strip_prefix("owner:").unwrap_or(v);
                    if !emails.contains(email) {
                        emails.insert(email.into());
                    }
                }
            }
        }
    }
}
