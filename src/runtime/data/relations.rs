//! The indexes a dataset follows relations through, and checks keys with.
//!
//! Input: the plan's relations and the dataset's tables. Output: per
//! relation, the rows of its target object a record relates to; per
//! indexed column, the rows holding a key (`ferry stage` reads these for
//! orphaned references and repeated primary keys).
//! Invariants: one index per (object, column), shared by every relation
//! and check that looks keys up in it; each built once, on first use or
//! by [`Dataset::build_indexes`] (on several threads), never rebuilt for
//! the same tables; keys are compared by [`key_text`] and every hit is
//! confirmed against the key cell (indexes store no key text); rows keep
//! file order; a to-one link keeps the first link row (in file order) whose
//! target exists.

use super::index::{KeyIndex, KeyIndexBuilder};
use super::{Dataset, Table};
use crate::plan::{Plan, RelKind};
use crate::runtime::keys::{key_eq, key_text};
use crate::value::{RecRef, Value};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::OnceLock;

/// The indexes of one dataset (see the module header).
#[derive(Debug, Default)]
pub(super) struct Indexes {
    /// (object, column) of each column index, and the index once built.
    columns: Vec<((u32, u32), OnceLock<KeyIndex>)>,
    rels: Vec<RelIndex>,
}

/// How one relation is followed: the key of the `from` record's column,
/// looked up in an index that yields rows of the `to` object.
#[derive(Debug)]
struct RelIndex {
    from: u32,
    to: u32,
    from_column: u32,
    how: How,
}

#[derive(Debug)]
enum How {
    /// Rows of `to` whose `column` holds the key (column index `slot`).
    Column { slot: usize, column: u32 },
    /// Through link object `via`: its rows whose `key_column` holds the key
    /// give the target rows (found in column index `targets`).
    Link {
        via: u32,
        key_column: u32,
        to_column: u32,
        targets: usize,
        target_column: u32,
        filter: Option<(u32, Value)>,
        many: bool,
        index: OnceLock<KeyIndex>,
    },
}

impl Indexes {
    /// The indexes `plan`'s relations and their key checks need, unbuilt:
    /// every referenced column, and the referencing column of a reverse
    /// relation (its records are found by it).
    pub(super) fn new(plan: &Plan) -> Indexes {
        let mut ix = Indexes::default();
        for r in &plan.relations {
            for c in r.references() {
                ix.slot(c.parent);
            }
            let how = match &r.kind {
                RelKind::Forward { target_column, .. } => How::Column {
                    slot: ix.slot((r.to, *target_column)),
                    column: *target_column,
                },
                RelKind::Reverse { column, .. } => How::Column {
                    slot: ix.slot((r.to, *column)),
                    column: *column,
                },
                RelKind::Link {
                    via,
                    from_column,
                    to_column,
                    target_column,
                    filter,
                    many,
                    ..
                } => How::Link {
                    via: *via,
                    key_column: *from_column,
                    to_column: *to_column,
                    targets: ix.slot((r.to, *target_column)),
                    target_column: *target_column,
                    filter: filter.clone(),
                    many: *many,
                    index: OnceLock::new(),
                },
            };
            let from_column = match &r.kind {
                RelKind::Forward { column, .. } => *column,
                RelKind::Reverse { key_column, .. } | RelKind::Link { key_column, .. } => {
                    *key_column
                }
            };
            ix.rels.push(RelIndex {
                from: r.from,
                to: r.to,
                from_column,
                how,
            });
        }
        ix
    }

    fn slot(&mut self, at: (u32, u32)) -> usize {
        match self.columns.iter().position(|c| c.0 == at) {
            Some(i) => i,
            None => {
                self.columns.push((at, OnceLock::new()));
                self.columns.len() - 1
            }
        }
    }
}

/// The rows of one column by key: the dataset's index of it, or one built
/// for the caller when the plan indexes no such column.
pub(crate) struct ColumnKeys<'d> {
    table: Option<&'d Table>,
    column: u32,
    index: Held<'d>,
}

enum Held<'d> {
    Shared(&'d KeyIndex),
    Own(KeyIndex),
}

impl ColumnKeys<'_> {
    fn index(&self) -> &KeyIndex {
        match &self.index {
            Held::Shared(i) => i,
            Held::Own(i) => i,
        }
    }

    /// Rows whose key is `key` (a key text: trimmed), in file order.
    pub(crate) fn rows(&self, key: &str) -> &[u32] {
        let Some(t) = self.table else { return &[] };
        self.index()
            .get(key, |r| key_eq(t.cell(r, self.column), key))
    }

    /// The rows of every key held by more than one row, in file order, in
    /// the order of the keys' first rows.
    pub(crate) fn repeated(&self) -> impl Iterator<Item = &[u32]> {
        self.index().repeated()
    }
}

impl Dataset {
    /// Rows of the relation's target object related to `from`, in file order.
    /// `None` when `rel` is unknown or does not start at `from`'s object.
    pub fn related(&self, rel: u32, from: RecRef, scratch: &mut String) -> Option<(u32, &[u32])> {
        let ri = self.indexes.rels.get(rel as usize)?;
        if ri.from != from.object {
            return None;
        }
        let Some(k) = key_text(self.cell(from, ri.from_column), scratch) else {
            return Some((ri.to, &[]));
        };
        let rows = match &ri.how {
            How::Column { slot, column } => match self.table(ri.to) {
                Some(t) => self
                    .column_index(*slot)
                    .get(k, |r| key_eq(t.cell(r, *column), k)),
                None => &[],
            },
            How::Link {
                via,
                key_column,
                index,
                ..
            } => match self.table(*via) {
                Some(t) => index
                    .get_or_init(|| self.index_link(ri))
                    .get(k, |r| key_eq(t.cell(r, *key_column), k)),
                None => &[],
            },
        };
        Some((ri.to, rows))
    }

    /// The rows of `object` by the key in `column`.
    pub(crate) fn column_keys(&self, object: u32, column: u32) -> ColumnKeys<'_> {
        let slot = self
            .indexes
            .columns
            .iter()
            .position(|c| c.0 == (object, column));
        ColumnKeys {
            table: self.table(object),
            column,
            index: match slot {
                Some(s) => Held::Shared(self.column_index(s)),
                None => Held::Own(self.index_column(object, column)),
            },
        }
    }

    /// Builds every index not built yet, on up to `threads` threads:
    /// columns first (largest table first), then links (which look their
    /// targets up in the column indexes).
    pub fn build_indexes(&self, threads: usize) {
        let mut columns: Vec<usize> = (0..self.indexes.columns.len())
            .filter(|&i| self.indexes.columns[i].1.get().is_none())
            .collect();
        columns.sort_by_key(|&i| {
            let (object, _) = self.indexes.columns[i].0;
            std::cmp::Reverse(self.len(object))
        });
        self.on_threads(threads, &columns, |&i| {
            self.column_index(i);
        });
        let links: Vec<&RelIndex> = self
            .indexes
            .rels
            .iter()
            .filter(|r| matches!(&r.how, How::Link { index, .. } if index.get().is_none()))
            .collect();
        self.on_threads(threads, &links, |ri| {
            if let How::Link { index, .. } = &ri.how {
                index.get_or_init(|| self.index_link(ri));
            }
        });
    }

    /// Runs `f` on each job, spread over up to `threads` scoped threads.
    fn on_threads<J: Sync>(&self, threads: usize, jobs: &[J], f: impl Fn(&J) + Sync) {
        let workers = threads.min(jobs.len());
        if workers <= 1 {
            jobs.iter().for_each(f);
            return;
        }
        let next = AtomicUsize::new(0);
        let work = || {
            while let Some(j) = jobs.get(next.fetch_add(1, Ordering::Relaxed)) {
                f(j);
            }
        };
        std::thread::scope(|s| {
            for _ in 1..workers {
                s.spawn(work);
            }
            // This thread works too; a panicking worker re-panics at the
            // scope's end, as a panic on this thread would.
            work();
        });
    }

    fn column_index(&self, slot: usize) -> &KeyIndex {
        let ((object, column), index) = &self.indexes.columns[slot];
        index.get_or_init(|| self.index_column(*object, *column))
    }

    fn index_column(&self, object: u32, column: u32) -> KeyIndex {
        let Some(t) = self.table(object) else {
            return KeyIndex::default();
        };
        let mut b = KeyIndexBuilder::new(t.len());
        let mut scratch = String::new();
        for row in 0..t.len() as u32 {
            if let Some(k) = key_text(t.cell(row, column), &mut scratch) {
                b.add(k, row, row, true, |r| key_eq(t.cell(r, column), k));
            }
        }
        b.finish()
    }

    /// From-key → target rows through the link object, link rows in file
    /// order; a to-one link keeps only the first match.
    fn index_link(&self, ri: &RelIndex) -> KeyIndex {
        let How::Link {
            via,
            key_column,
            to_column,
            targets,
            target_column,
            filter,
            many,
            ..
        } = &ri.how
        else {
            return KeyIndex::default();
        };
        let (Some(t), Some(to)) = (self.table(*via), self.table(ri.to)) else {
            return KeyIndex::default();
        };
        let targets = self.column_index(*targets);
        let mut b = KeyIndexBuilder::new(t.len());
        let (mut s1, mut s2) = (String::new(), String::new());
        for row in 0..t.len() as u32 {
            if let Some((c, v)) = filter {
                if !link_filter_matches(t.cell(row, *c), v) {
                    continue;
                }
            }
            let Some(k) = key_text(t.cell(row, *key_column), &mut s1) else {
                continue;
            };
            let is_key = |r: u32| key_eq(t.cell(r, *key_column), k);
            if !many && b.contains(k, is_key) {
                continue;
            }
            let Some(tk) = key_text(t.cell(row, *to_column), &mut s2) else {
                continue;
            };
            let found = targets.get(tk, |r| key_eq(to.cell(r, *target_column), tk));
            let Some(&target) = found.first() else {
                continue;
            };
            b.add(k, row, target, *many, is_key);
        }
        b.finish()
    }
}

/// Whether a link row's `cell` passes the link's `where` value: equal, or a
/// boolean filter on a column staged as text. Staging's orphan check uses
/// the same test, so both agree on which link rows count.
pub fn link_filter_matches(cell: &Value, want: &Value) -> bool {
    cell.loose_eq(want) || bool_like_eq(cell, want)
}

/// A link filter like `is_primary == true` must also accept a boolean column
/// that was staged as text (`"true"`, `"1"`).
fn bool_like_eq(cell: &Value, want: &Value) -> bool {
    match (cell, want) {
        (Value::Text(s), Value::Bool(b)) => {
            let s = s.trim();
            let t = ["true", "1", "yes", "ja", "x"]
                .iter()
                .any(|w| s.eq_ignore_ascii_case(w));
            let f = ["false", "0", "no", "nej"]
                .iter()
                .any(|w| s.eq_ignore_ascii_case(w));
            (*b && t) || (!*b && f)
        }
        _ => false,
    }
}
