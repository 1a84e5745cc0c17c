//! One chunk of a unit: consecutive source records (or merge groups) →
//! payload bytes per file plus their tally.
//!
//! Input: a worker's [`Ctx`], the unit, its [`UnitLayout`] and a range of
//! subjects. Output: a [`Chunk`]. Invariants: a record's lines are written
//! only once all its targets are known to have a file (all or nothing, as
//! the executor guarantees for values); lines keep subject order; the
//! context's value-map coverage is moved into the chunk, so chunks merged in
//! order count exactly what one sequential pass would.

use super::fast::{Fast, FastState, Wrote};
use super::layout::UnitLayout;
use super::record::Lines;
use super::tally::{FlagEntry, Scope, SkipEntry, UnitTally};
use crate::plan::Unit;
use crate::runtime::exec::{run_group_with, run_record_with, Done, Group};
use crate::runtime::{Coverage, Ctx, Fault};
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
}

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
    /// The unit compiled, when it compiles (see [`super::fast`]).
    pub fast: Option<&'l Fast<'l>>,
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
    let bufs = match spare.filter(|b| b.len() == env.files) {
        Some(bufs) => bufs,
        None => std::mem::take(&mut out.bufs),
    };
    let file: Arc<str> = ctx
        .data
        .table(env.unit.source)
        .map_or_else(|| Arc::from(""), |t| t.file.clone());
    let mut lines = Lines::new(env.layout, bufs);
    let mut fast = FastState::default();
    for i in range {
        let (first, members) = match subjects {
            Subjects::Rows(_) => (i as u32, 1),
            Subjects::Groups(groups) => {
                let g = &groups[i];
                (g.members.first().copied().unwrap_or(0), g.members.len())
            }
        };
        let r = RecRef {
            object: env.unit.source,
            row: first,
        };
        let line = ctx.data.origin(r).1;
        let group = matches!(subjects, Subjects::Groups(_)).then_some(members);
        lines.begin(line, group);
        let done = match subjects {
            Subjects::Rows(_) => {
                let wrote = match env.fast {
                    Some(f) => f.write(ctx, first, line, lines.bufs_mut(), &mut fast, &mut out),
                    None => Wrote::GaveUp,
                };
                match wrote {
                    Wrote::Emitted => Ok(Done::Emitted),
                    Wrote::Filtered => Ok(Done::Filtered("route where")),
                    Wrote::GaveUp => run_record_with(ctx, env.unit, first, &mut lines),
                }
            }
            Subjects::Groups(groups) => run_group_with(ctx, env.unit, &groups[i], &mut lines),
        };
        let members_n = members as u64;
        out.records += members_n;
        out.tally.records += members_n;
        if group.is_some() {
            out.tally.groups += 1;
        }
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
        match done {
            Ok(Done::Emitted) => match lines.bad.take() {
                Some(bad) => skip(
                    &mut out,
                    crate::diagnostics::codes::E0912.id,
                    Some(bad),
                    env.unit.span,
                ),
                None => {
                    out.tally.emitted += members_n;
                    lines.commit(&mut out, env.fallback_ref);
                    if let Some(id) = lines.first_id() {
                        for f in &ctx.flags {
                            out.flags.push(FlagEntry {
                                scope: Scope::Unit(env.unit_index),
                                flag: f.clone(),
                                id: id.to_string(),
                                file: file.clone(),
                                row: line,
                            });
                        }
                    }
                }
            },
            Ok(Done::Skipped { reason, span }) => skip(&mut out, &reason, None, span),
            Ok(Done::Filtered(rule)) => out.tally.add_rule(rule, members_n),
            Err(Fault::Skip(s)) => skip(&mut out, &s.reason, None, s.span),
            Err(Fault::Error(e)) => skip(&mut out, e.code.id, Some(e.message), e.span),
        }
    }
    out.bufs = lines.into_bufs();
    out.coverage = std::mem::take(&mut ctx.coverage);
    out
}
