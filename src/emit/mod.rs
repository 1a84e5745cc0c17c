//! Emitting payloads: a checked plan over a staged dataset → the
//! `NN-<Target>.jsonl` files of architecture.md ("Payloads"), the
//! reference documents, and the [`Tally`] the run report is built from.
//!
//! Input: a [`Plan`], a [`Dataset`] (source rules already applied) and an
//! empty folder to write into. Output: one file per load step (placeholders
//! first in their object's file, then the units' records in spec order,
//! each unit's in source order; deferred self-reference updates in their
//! own later files), `references/<source>.json` and `.md`, and a
//! [`RunOutput`].
//!
//! Invariants:
//! - the bytes depend only on the plan and the data: units are cut into
//!   chunks of consecutive records, workers (each with its own [`Ctx`]) run
//!   chunks `w, w+T, w+2T, …`, and the writer takes chunk `k` from worker
//!   `k mod T`, so files, lists and coverage come out in source order
//!   whatever the number of threads; at most two chunks per worker wait in
//!   memory;
//! - bad data never aborts a run: a record that fails is a [`SkipEntry`];
//!   only I/O errors stop it.
//!
//! Modules: [`json`] (bytes of values and lines), [`layout`] (files and
//! per-target constants), [`chunk`] (running one chunk), [`tally`] (what
//! was counted), [`references`] (rebuild documents), [`outdir`] (the output
//! folder, never presented as complete while partial), [`floor`] (the
//! CSV → JSON-lines baseline of `bench/run.sh`).

mod chunk;
mod fast;
pub mod floor;
pub mod json;
pub mod layout;
pub mod native;
pub mod outdir;
mod record;
mod references;
pub mod tally;

pub use layout::FileSpec;
pub use tally::{FlagEntry, OwnerTally, ReferenceTally, Scope, SkipEntry, Tally, UnitTally};

use crate::plan::{Plan, Unit, UnitKind};
use crate::runtime::exec::{group_rows, Group};
use crate::runtime::{Ctx, Dataset, Fault};
use crate::value::RecRef;
use chunk::{run_chunk, Chunk, Env, Subjects};
use layout::Layout;
use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::Path;
use std::sync::mpsc;

/// How a run uses the machine.
#[derive(Clone, Copy, Debug)]
pub struct Options {
    /// Worker threads per unit (1 runs everything on the calling thread).
    pub threads: usize,
    /// Records (or merge groups) per chunk.
    pub chunk: usize,
    /// Routes whose fields all compile are written by the compiled route
    /// ([`fast`]); false runs every record through the general executor
    /// (same bytes: the tests compare both).
    pub compiled: bool,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            threads: 2,
            chunk: 4096,
            compiled: true,
        }
    }
}

/// Progress of a run, reported on the calling thread.
#[derive(Clone, Copy, Debug)]
pub enum Progress<'a> {
    /// Total source records the units and references will go through.
    Start { records: u64 },
    /// A unit or reference begins.
    Unit { label: &'a str },
    /// This many more source records are done.
    Advance(u64),
}

/// What a run wrote and counted.
#[derive(Debug)]
pub struct RunOutput {
    /// Payload files in load order.
    pub files: Vec<FileSpec>,
    /// Lines per file.
    pub lines: Vec<u64>,
    /// Bytes per file.
    pub bytes: Vec<u64>,
    /// Placeholder lines per file.
    pub placeholders: Vec<u64>,
    pub tally: Tally,
}

/// Writes the payload files and reference documents of `plan` over `data`
/// into `dir` (which must exist).
pub fn run(
    plan: &Plan,
    data: &Dataset,
    dir: &Path,
    opts: Options,
    progress: &mut dyn FnMut(Progress<'_>),
) -> io::Result<RunOutput> {
    let layout = Layout::new(plan, data);
    let mut w = Writers::create(dir, &layout.files)?;
    let placeholders = write_placeholders(plan, &layout, &mut w)?;
    let mut tally = Tally {
        units: layout
            .units
            .iter()
            .map(|u| UnitTally::with_targets(&u.targets))
            .collect(),
        ..Tally::default()
    };
    let total: u64 = plan
        .units
        .iter()
        .map(|u| data.len(u.source) as u64)
        .chain(plan.references.iter().map(|r| data.len(r.source) as u64))
        .sum();
    progress(Progress::Start { records: total });
    let fallback = fallback_ref(plan);
    let mut emails = foldhash::HashSet::default();
    for (i, unit) in plan.units.iter().enumerate() {
        progress(Progress::Unit { label: &unit.label });
        let fast = opts
            .compiled
            .then(|| fast::Fast::new(plan, unit, &layout.units[i]))
            .flatten();
        let env = Env {
            files: layout.files.len(),
            unit_index: i as u32,
            unit,
            layout: &layout.units[i],
            fallback_ref: fallback.as_deref(),
            fast: fast.as_ref(),
        };
        let mut sink = |c: Chunk| -> io::Result<Vec<Vec<u8>>> {
            progress(Progress::Advance(c.records));
            w.absorb(c, i, &mut tally, &mut emails)
        };
        run_unit(plan, data, &env, opts, &mut sink)?;
    }
    tally.owner_emails = emails.into_iter().map(String::from).collect();
    references::write_all(plan, data, dir, &mut tally, progress)?;
    let (lines, bytes) = w.finish()?;
    Ok(RunOutput {
        files: layout.files,
        lines,
        bytes,
        placeholders,
        tally,
    })
}

/// The payload bytes unit `unit` of `plan` gives for every record of its
/// source, run on the calling thread chunk by chunk and dropped (no files,
/// no report): what `ferry run` costs per record without I/O. For
/// benchmarks; returns the bytes and lines written.
pub fn unit_bytes(plan: &Plan, data: &Dataset, unit: usize) -> (u64, u64) {
    let layout = Layout::new(plan, data);
    let (Some(u), Some(unit_layout)) = (plan.units.get(unit), layout.units.get(unit)) else {
        return (0, 0);
    };
    let fallback = fallback_ref(plan);
    let fast = fast::Fast::new(plan, u, unit_layout);
    let env = Env {
        files: layout.files.len(),
        unit_index: unit as u32,
        unit: u,
        layout: unit_layout,
        fallback_ref: fallback.as_deref(),
        fast: fast.as_ref(),
    };
    let (mut bytes, mut lines) = (0, 0);
    let mut sink = |mut c: Chunk| -> io::Result<Vec<Vec<u8>>> {
        for (buf, n) in c.bufs.iter_mut().zip(&c.lines) {
            bytes += buf.len() as u64;
            lines += n;
            buf.clear();
        }
        Ok(c.bufs)
    };
    let opts = Options {
        threads: 1,
        ..Options::default()
    };
    // The sink never fails, so neither does the run.
    let _ = run_unit(plan, data, &env, opts, &mut sink);
    (bytes, lines)
}

/// Labels of the units [`run`] writes through the compiled route
/// ([`fast`]); the others go through the general executor.
pub fn compiled_units<'p>(plan: &'p Plan, data: &Dataset) -> Vec<&'p str> {
    let layout = Layout::new(plan, data);
    plan.units
        .iter()
        .zip(&layout.units)
        .filter(|(u, l)| fast::Fast::new(plan, u, l).is_some())
        .map(|(u, _)| u.label.as_str())
        .collect()
}

/// `owner:<email>` of the `owners` fallback, as the evaluator normalizes it.
fn fallback_ref(plan: &Plan) -> Option<String> {
    Some(format!("owner:{}", plan.owners.as_ref()?.fallback_email()?))
}

/// Runs one unit in chunks, handing them to `sink` in source order; the
/// sink hands back the chunk's emptied buffers for the next chunk of the
/// same worker (no regrowing megabytes per chunk).
fn run_unit(
    plan: &Plan,
    data: &Dataset,
    env: &Env<'_>,
    opts: Options,
    sink: &mut dyn FnMut(Chunk) -> io::Result<Vec<Vec<u8>>>,
) -> io::Result<()> {
    let n = data.len(env.unit.source) as u32;
    let groups;
    let subjects = match &env.unit.kind {
        UnitKind::Merge { by, .. } => {
            let mut ctx = Ctx::new(plan, data);
            let (g, pre) = prepare_merge(&mut ctx, env, by, n);
            sink(pre)?;
            groups = g;
            Subjects::Groups(&groups)
        }
        _ => Subjects::Rows(n),
    };
    let len = subjects.len();
    let size = opts.chunk.max(1);
    let chunks = len.div_ceil(size);
    let range = |k: usize| k * size..((k + 1) * size).min(len);
    let threads = opts.threads.clamp(1, chunks.max(1));
    if threads == 1 {
        let mut ctx = Ctx::new(plan, data);
        let mut spare = None;
        for k in 0..chunks {
            spare = Some(sink(run_chunk(&mut ctx, env, subjects, range(k), spare))?);
        }
        return Ok(());
    }
    std::thread::scope(|s| {
        let mut inbox = Vec::with_capacity(threads);
        let mut returns = Vec::with_capacity(threads);
        for first in 0..threads {
            // Two chunks in flight per worker: enough to keep it busy while
            // the writer copies, little enough to bound memory.
            let (tx, rx) = mpsc::sync_channel::<Chunk>(2);
            let (back_tx, back_rx) = mpsc::channel::<Vec<Vec<u8>>>();
            inbox.push(rx);
            returns.push(back_tx);
            s.spawn(move || {
                let mut ctx = Ctx::new(plan, data);
                for k in (first..chunks).step_by(threads) {
                    let spare = back_rx.try_recv().ok();
                    if tx
                        .send(run_chunk(&mut ctx, env, subjects, range(k), spare))
                        .is_err()
                    {
                        break; // the writer stopped (an I/O error)
                    }
                }
            });
        }
        let mut result = Ok(());
        for k in 0..chunks {
            match inbox[k % threads].recv() {
                Ok(c) => match sink(c) {
                    // A worker that has finished no longer listens.
                    Ok(bufs) => drop(returns[k % threads].send(bufs)),
                    Err(e) => {
                        result = Err(e);
                        break;
                    }
                },
                Err(_) => {
                    result = Err(io::Error::other("a worker thread stopped unexpectedly"));
                    break;
                }
            }
        }
        drop(inbox);
        result
    })
}

/// A merge's `where` (per record, before grouping) and its groups; the
/// records it filters or cannot group are counted in the returned chunk.
fn prepare_merge(
    ctx: &mut Ctx<'_>,
    env: &Env<'_>,
    by: &[crate::plan::TExpr],
    n: u32,
) -> (Vec<Group>, Chunk) {
    let unit: &Unit = env.unit;
    let mut pre = Chunk::new(env.files, env.layout);
    let mut rows = Vec::with_capacity(n as usize);
    let mut failed = Vec::new();
    for row in 0..n {
        let Some(f) = &unit.filter else {
            rows.push(row);
            continue;
        };
        let r = RecRef {
            object: unit.source,
            row,
        };
        ctx.begin(Some(r));
        match ctx.eval(f, crate::runtime::Frame::Rec(r)) {
            Ok(crate::value::Value::Bool(true)) => rows.push(row),
            Ok(_) => pre.tally.add_rule("merge where", 1),
            Err(fault) => failed.push((row, fault)),
        }
    }
    let (groups, more) = group_rows(ctx, unit.source, by, rows);
    failed.extend(more);
    failed.sort_by_key(|(row, _)| *row);
    let file = ctx
        .data
        .table(unit.source)
        .map_or_else(|| std::sync::Arc::from(""), |t| t.file.clone());
    for (row, fault) in failed {
        let r = RecRef {
            object: unit.source,
            row,
        };
        let (reason, message, span) = match fault {
            Fault::Skip(s) => (s.reason, None, s.span),
            Fault::Error(e) => (e.code.id.to_string(), Some(e.message), e.span),
        };
        pre.tally.skipped += 1;
        pre.skips.push(SkipEntry {
            scope: Scope::Unit(env.unit_index),
            reason,
            message,
            span,
            id: ctx.data.record_id(r),
            file: file.clone(),
            row: ctx.data.origin(r).1,
            records: 1,
        });
    }
    pre.tally.records = u64::from(n) - groups.iter().map(|g| g.members.len() as u64).sum::<u64>();
    pre.records = pre.tally.records;
    pre.coverage = std::mem::take(&mut ctx.coverage);
    (groups, pre)
}

/// The open payload files.
struct Writers {
    files: Vec<BufWriter<File>>,
    lines: Vec<u64>,
    bytes: Vec<u64>,
}

impl Writers {
    fn create(dir: &Path, specs: &[FileSpec]) -> io::Result<Writers> {
        let mut files = Vec::with_capacity(specs.len());
        for s in specs {
            files.push(BufWriter::with_capacity(
                1 << 20,
                File::create(dir.join(&s.name))?,
            ));
        }
        Ok(Writers {
            lines: vec![0; files.len()],
            bytes: vec![0; files.len()],
            files,
        })
    }

    fn write(&mut self, file: usize, bytes: &[u8], lines: u64) -> io::Result<()> {
        if let Some(f) = self.files.get_mut(file) {
            f.write_all(bytes)?;
            self.lines[file] += lines;
            self.bytes[file] += bytes.len() as u64;
        }
        Ok(())
    }

    /// Writes a chunk's bytes and merges its counts; returns its buffers,
    /// emptied, for reuse.
    fn absorb(
        &mut self,
        mut c: Chunk,
        unit: usize,
        tally: &mut Tally,
        emails: &mut foldhash::HashSet<Box<str>>,
    ) -> io::Result<Vec<Vec<u8>>> {
        for (i, buf) in c.bufs.iter_mut().enumerate() {
            if !buf.is_empty() {
                self.write(i, buf, c.lines[i])?;
                buf.clear();
            }
        }
        if let Some(u) = tally.units.get_mut(unit) {
            u.merge(&c.tally);
        }
        tally.skips.extend(c.skips);
        tally.flags.extend(c.flags);
        tally.coverage.merge(&c.coverage);
        emails.extend(c.emails);
        Ok(c.bufs)
    }

    /// Flushes every file. No fsync: completeness is guarded by the
    /// marker moved in last (see [`outdir`]), which covers a killed run,
    /// not a power cut; syncing a run's gigabytes would double its time.
    fn finish(self) -> io::Result<(Vec<u64>, Vec<u64>)> {
        for mut f in self.files {
            f.flush()?;
        }
        Ok((self.lines, self.bytes))
    }
}

/// Placeholder records, first in their object's file: keyed by their id
/// under the key field other records of that object use.
fn write_placeholders(plan: &Plan, layout: &Layout, w: &mut Writers) -> io::Result<Vec<u64>> {
    let mut counts = vec![0; layout.files.len()];
    for p in &plan.placeholders {
        let Some(file) = layout
            .files
            .iter()
            .position(|f| f.object == p.object && f.pass == crate::plan::Pass::Upsert)
        else {
            continue;
        };
        let key = plan
            .units
            .iter()
            .flat_map(|u| layout::unit_targets(&u.kind))
            .find(|t| t.object == p.object)
            .map(|t| t.key.field.as_str());
        let mut buf = Vec::with_capacity(128);
        buf.extend_from_slice(b"{\"id\":");
        json::push_str(&mut buf, &p.id);
        buf.extend_from_slice(b",\"op\":\"upsert\",\"target\":");
        json::push_str(&mut buf, &p.object);
        buf.extend_from_slice(b",\"key\":");
        match key {
            Some(k) => json::push_key(&mut buf, k, &crate::value::Value::text(&p.id)),
            None => buf.extend_from_slice(b"{}"),
        }
        buf.extend_from_slice(b",\"fields\":");
        let entries: Vec<(&str, &crate::value::Value)> =
            p.fields.iter().map(|(k, v)| (k.as_str(), v)).collect();
        json::push_nested(&mut buf, &entries);
        buf.extend_from_slice(b",\"refs\":{},\"source\":{\"object\":\"placeholder\"}}\n");
        w.write(file, &buf, 1)?;
        counts[file] += 1;
    }
    Ok(counts)
}

#[cfg(test)]
mod tests;
