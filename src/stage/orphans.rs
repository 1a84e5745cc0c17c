//! Orphaned references: key values that point at no staged record (E0814).
//!
//! Input: the plan's relations and the staged dataset (after `source`
//! rules, so a reference to a filtered record counts: the run cannot follow
//! it either). Output: one [`OrphanReport`] per referencing column and
//! target column, with the count, the first five record ids, lines and
//! values. Invariants: null and blank references are not orphans; list
//! cells are checked item by item; relations over the same columns are
//! reported once; order follows `plan.relations`; the link rows of a
//! filtered link relation (`where: { parent_type: contact }`) are checked
//! only when they pass its filter (or the filter of another relation over
//! the same columns), so a polymorphic parent column is checked against
//! each parent object for its own rows only. A reference to a record
//! the source rules removed is told apart from one to a record the bundle
//! never had ([`Removed`]). Referenced columns are looked up in the
//! dataset's own indexes (those the run follows relations through), so a
//! key column is indexed once for staging and the run.

use super::bundle::OrphanReport;
use super::keys::key_text;
use crate::plan::Plan;
use crate::runtime::data::{link_filter_matches, ColumnKeys};
use crate::runtime::Dataset;
use crate::value::{RecRef, Value};
use std::borrow::Cow;
use std::sync::Arc;

const EXAMPLES: usize = 5;

/// (child object, child column, parent object, parent column, relation name,
/// the child rows checked: all (`None`) or those passing one of the filters)
type Check = (u32, u32, u32, u32, String, Option<Vec<(u32, Value)>>);

/// Keys of records staging removed (source rules, rejected rows), per
/// (object, column) that a relation targets.
#[derive(Default)]
pub struct Removed {
    keys: Vec<((u32, u32), foldhash::HashSet<String>)>,
}

/// Before the source rules run: the key text of every row of each
/// relation target column whose object has rules (only those lose records).
pub struct PreKeys {
    columns: Vec<KeyColumn>,
}

/// (object, column) and the key text of each of its rows.
type KeyColumn = ((u32, u32), Vec<Option<Box<str>>>);

impl Removed {
    /// Adds a rejected row's key (`column` is the object's one-column key).
    pub fn add(&mut self, object: u32, column: u32, key: &str) {
        let key = key.trim();
        if key.is_empty() {
            return;
        }
        match self.keys.iter_mut().find(|k| k.0 == (object, column)) {
            Some(k) => {
                k.1.insert(key.to_string());
            }
            None => self
                .keys
                .push(((object, column), std::iter::once(key.to_string()).collect())),
        }
    }
}

impl PreKeys {
    pub fn collect(plan: &Plan, data: &Dataset) -> PreKeys {
        let mut columns: Vec<KeyColumn> = Vec::new();
        let mut buf = String::new();
        for (_, _, parent, pcol, _, _) in checks(plan) {
            let ruled = plan
                .sources
                .get(parent as usize)
                .is_some_and(|s| s.filter.is_some() || s.dedupe.is_some());
            if !ruled || columns.iter().any(|c| c.0 == (parent, pcol)) {
                continue;
            }
            let keys = (0..data.len(parent) as u32)
                .map(|row| {
                    key_text(
                        data.cell(
                            RecRef {
                                object: parent,
                                row,
                            },
                            pcol,
                        ),
                        &mut buf,
                    )
                    .map(Box::from)
                })
                .collect();
            columns.push(((parent, pcol), keys));
        }
        PreKeys { columns }
    }

    /// The keys of the dropped rows (`(object, row)` before the rules ran).
    pub fn removed(self, dropped: impl Iterator<Item = (u32, u32)> + Clone) -> Removed {
        let mut out = Removed::default();
        for ((object, col), keys) in self.columns {
            let set = dropped
                .clone()
                .filter(|&(o, _)| o == object)
                .filter_map(|(_, row)| keys.get(row as usize).cloned().flatten())
                .map(String::from)
                .collect();
            out.keys.push(((object, col), set));
        }
        out
    }
}

fn checks(plan: &Plan) -> Vec<Check> {
    let mut out: Vec<Check> = Vec::new();
    let mut add = |c: Check| {
        match out
            .iter_mut()
            .find(|o| (o.0, o.1, o.2, o.3) == (c.0, c.1, c.2, c.3))
        {
            None => out.push(c),
            // Rows of either relation are references: unfiltered wins.
            Some(o) => match (&mut o.5, c.5) {
                (Some(have), Some(more)) => have.extend(more),
                (have, None) => *have = None,
                (None, Some(_)) => {}
            },
        }
    };
    for r in &plan.relations {
        let name = format!(
            "{}.{}",
            plan.sources
                .get(r.from as usize)
                .map_or("?", |s| s.name.as_str()),
            r.name
        );
        for c in r.references() {
            let rows = c.filter.map(|f| vec![f.clone()]);
            add((
                c.child.0,
                c.child.1,
                c.parent.0,
                c.parent.1,
                name.clone(),
                rows,
            ));
        }
    }
    out
}

fn column_name(plan: &Plan, object: u32, column: u32) -> String {
    let s = plan.sources.get(object as usize);
    format!(
        "{}.{}",
        s.map_or("?", |s| s.name.as_str()),
        s.and_then(|s| s.columns.get(column as usize))
            .map_or("?", |c| c.name.as_str())
    )
}

/// The keys of a referenced column.
enum ParentKeys<'d> {
    /// The dataset's index of the column: the relations' own.
    Index(ColumnKeys<'d>),
    /// The key texts, for a column whose values the runtime writes as
    /// keys differently (datetimes with fractions of a second, lists).
    Set(foldhash::HashSet<Cow<'d, str>>),
}

impl<'d> ParentKeys<'d> {
    fn new(plan: &Plan, data: &'d Dataset, parent: u32, pcol: u32, buf: &mut String) -> Self {
        let ty = plan
            .sources
            .get(parent as usize)
            .and_then(|s| s.columns.get(pcol as usize))
            .map(|c| &c.ty);
        if super::keys::indexed_alike(ty) {
            return ParentKeys::Index(data.column_keys(parent, pcol));
        }
        // Keys borrowed from the cells: ids are text, so this allocates nothing per row.
        let mut keys: foldhash::HashSet<Cow<'_, str>> = foldhash::HashSet::default();
        for row in 0..data.len(parent) as u32 {
            match data.cell(
                RecRef {
                    object: parent,
                    row,
                },
                pcol,
            ) {
                Value::Text(s) if !s.trim().is_empty() => {
                    keys.insert(Cow::Borrowed(s.trim()));
                }
                v => {
                    if let Some(k) = key_text(v, buf) {
                        keys.insert(Cow::Owned(k.to_string()));
                    }
                }
            }
        }
        ParentKeys::Set(keys)
    }

    /// Whether a record holds key `k` (never the empty key: blank cells
    /// are no keys).
    fn contains(&self, k: &str) -> bool {
        match self {
            ParentKeys::Index(ix) => !k.is_empty() && !ix.rows(k).is_empty(),
            ParentKeys::Set(s) => s.contains(k),
        }
    }
}

/// Every orphaned reference of `data`, per referencing column.
/// Checks are independent and run on two threads; reports keep their order.
pub fn find(plan: &Plan, data: &Dataset, removed: &Removed) -> Vec<OrphanReport> {
    let checks = checks(plan);
    super::par::map(2, &checks, |c| check(plan, data, removed, c))
        .into_iter()
        .flatten()
        .collect()
}

/// The orphans of one referencing column, if any.
fn check(plan: &Plan, data: &Dataset, removed: &Removed, c: &Check) -> Option<OrphanReport> {
    let (child, ccol, parent, pcol, relation, rows) = c;
    let (child, ccol, parent, pcol) = (*child, *ccol, *parent, *pcol);
    let mut buf = String::new();
    let keys = ParentKeys::new(plan, data, parent, pcol, &mut buf);
    let gone = removed
        .keys
        .iter()
        .find(|k| k.0 == (parent, pcol))
        .map(|k| &k.1);
    let mut rep = OrphanReport {
        relation: relation.clone(),
        count: 0,
        removed: 0,
        examples: Vec::new(),
        column: column_name(plan, child, ccol),
        target: column_name(plan, parent, pcol),
        file: plan
            .sources
            .get(child as usize)
            .map_or(String::new(), |s| s.file.clone()),
        lines: Vec::new(),
        values: Vec::new(),
    };
    let mut last: Option<(Arc<str>, bool)> = None;
    for row in 0..data.len(child) as u32 {
        let r = RecRef { object: child, row };
        if let Some(filters) = rows {
            let checked = filters
                .iter()
                .any(|(c, v)| link_filter_matches(data.cell(r, *c), v));
            if !checked {
                continue;
            }
        }
        let cell = data.cell(r, ccol);
        let items = match cell {
            Value::List(items) => &items[..],
            v => std::slice::from_ref(v),
        };
        for v in items {
            // Sorted exports repeat a reference row after row, and
            // staging shares the text of repeats: one lookup for them.
            if let (Value::Text(a), Some((b, true))) = (v, &last) {
                if Arc::ptr_eq(a, b) {
                    continue;
                }
            }
            let Some(k) = key_text(v, &mut buf) else {
                continue;
            };
            let found = keys.contains(k);
            if let Value::Text(a) = v {
                last = Some((Arc::clone(a), found));
            }
            if found {
                continue;
            }
            rep.count += 1;
            if gone.is_some_and(|g| g.contains(k)) {
                rep.removed += 1;
            }
            if rep.examples.len() < EXAMPLES {
                rep.values.push(k.to_string());
                rep.examples.push(data.record_id(r));
                rep.lines.push(data.origin(r).1);
            }
        }
    }
    (rep.count > 0).then_some(rep)
}
