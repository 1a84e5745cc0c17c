//! The staged dataset: typed rows per source object plus the indexes the
//! evaluator follows relations through.
//!
//! Input: one [`Table`] per `plan.sources[i]` (rows in that source's staged
//! column layout, each with its origin line), built by the stager from CSV
//! or by `ferry check` from `test { given … }` blocks.
//! Output: an immutable [`Dataset`] (shareable across threads) with
//! relation indexes from `plan.relations` (built once, when first
//! followed), lookup tables and value maps prepared for constant-time
//! matching. Tables store only the columns a run reads (see [`Table`]).
//!
//! Invariants: object index i is `plan.sources[i]` (missing tables are empty
//! — an optional source that was not exported); every row has exactly the
//! source's column count (short rows are padded with null); indexes list
//! rows in file order; keys are normalized by [`crate::runtime::keys`]
//! (ids compare as trimmed text, so `"77"` matches `77`).

use super::keys::key_text;
use super::lookups::Lookups;
use crate::plan::{Plan, RelKind};
use crate::value::{RecRef, Value};
use chrono::{DateTime, Utc};
use std::collections::HashMap;
use std::fmt::Write;
use std::sync::Arc;

static NULL: Value = Value::Null;

/// The rows of one source object, stored flat.
///
/// A table made with [`Table::with_columns`] stores only the columns a run
/// reads (the others read as null): a wide export file of which a spec
/// uses a few columns takes a few cells per row, not all of them.
#[derive(Clone, Debug, Default)]
pub struct Table {
    /// The file the rows came from, for reports (`contacts.csv`).
    pub file: Arc<str>,
    /// Columns of the source (the plan's layout).
    width: usize,
    /// Column → stored position (`ABSENT`: not stored); empty when every
    /// column is stored in order.
    slots: Vec<u32>,
    /// Cells stored per row.
    stored: usize,
    cells: Vec<Value>,
    /// 1-based line of each row in `file`.
    lines: Vec<u32>,
}

const ABSENT: u32 = u32::MAX;

impl Table {
    /// An empty table of `width` columns.
    pub fn new(file: impl Into<Arc<str>>, width: usize) -> Table {
        Table {
            file: file.into(),
            width,
            slots: Vec::new(),
            stored: width,
            cells: Vec::new(),
            lines: Vec::new(),
        }
    }

    pub fn with_capacity(file: impl Into<Arc<str>>, width: usize, rows: usize) -> Table {
        let mut t = Table::new(file, width);
        t.reserve(rows);
        t
    }

    /// An empty table of `keep.len()` columns storing only those `keep`
    /// marks; rows are then pushed with the kept columns' cells, in order.
    pub fn with_columns(file: impl Into<Arc<str>>, keep: &[bool], rows: usize) -> Table {
        let mut t = Table::new(file, keep.len());
        if keep.iter().any(|&k| !k) {
            let mut next = 0;
            t.slots = keep
                .iter()
                .map(|&k| {
                    if k {
                        next += 1;
                        next - 1
                    } else {
                        ABSENT
                    }
                })
                .collect();
            t.stored = next as usize;
        }
        t.reserve(rows);
        t
    }

    fn reserve(&mut self, rows: usize) {
        self.cells.reserve(rows.saturating_mul(self.stored));
        self.lines.reserve(rows);
    }

    /// An empty table with this one's file and columns.
    pub fn empty_like(&self, rows: usize) -> Table {
        let mut t = Table {
            file: self.file.clone(),
            width: self.width,
            slots: self.slots.clone(),
            stored: self.stored,
            cells: Vec::new(),
            lines: Vec::new(),
        };
        t.reserve(rows);
        t
    }

    /// Appends a row read at `line`: the stored columns' cells in order
    /// (every column for a table made with [`Table::new`]). Extra cells
    /// are dropped, missing ones are null, so a ragged row can never shift
    /// the columns after it.
    pub fn push(&mut self, row: impl IntoIterator<Item = Value>, line: u32) {
        let start = self.cells.len();
        self.cells.extend(row.into_iter().take(self.stored));
        self.cells.resize(start + self.stored, Value::Null);
        self.lines.push(line);
    }

    pub fn len(&self) -> usize {
        self.lines.len()
    }

    pub fn is_empty(&self) -> bool {
        self.lines.is_empty()
    }

    /// Columns of the source.
    pub fn width(&self) -> usize {
        self.width
    }

    /// The stored cells of row `i` (empty when out of range).
    pub fn row(&self, i: u32) -> &[Value] {
        let start = (i as usize).saturating_mul(self.stored);
        self.cells
            .get(start..start.saturating_add(self.stored))
            .unwrap_or(&[])
    }

    /// One cell; null when the row or column is out of range or not stored.
    #[inline]
    pub fn cell(&self, row: u32, col: u32) -> &Value {
        let slot = if self.slots.is_empty() {
            if col as usize >= self.width {
                return &NULL;
            }
            col
        } else {
            match self.slots.get(col as usize) {
                Some(&s) if s != ABSENT => s,
                _ => return &NULL,
            }
        };
        let at = (row as usize).saturating_mul(self.stored) + slot as usize;
        self.cells.get(at).unwrap_or(&NULL)
    }

    /// The 1-based line of row `i` in [`Table::file`] (0 when unknown).
    pub fn line(&self, i: u32) -> u32 {
        self.lines.get(i as usize).copied().unwrap_or(0)
    }

    /// Moves `other`'s rows after this table's (a file staged in parts).
    pub fn append(&mut self, mut other: Table) {
        if other.width == self.width && other.slots == self.slots {
            self.cells.append(&mut other.cells);
            self.lines.append(&mut other.lines);
        } else {
            for i in 0..other.len() as u32 {
                let row: Vec<Value> = (0..self.width as u32)
                    .filter(|&c| self.stores(c))
                    .map(|c| other.cell(i, c).clone())
                    .collect();
                self.push(row, other.line(i));
            }
        }
    }

    /// Whether column `col` is stored.
    fn stores(&self, col: u32) -> bool {
        if self.slots.is_empty() {
            (col as usize) < self.width
        } else {
            self.slots.get(col as usize).is_some_and(|&s| s != ABSENT)
        }
    }

    /// The rows kept by `keep` (missing flags mean keep), in order.
    /// Cells are moved, not cloned: a million-row table is not doubled.
    fn retain(self, keep: &[bool]) -> Table {
        let mut out = self.empty_like(self.lines.len());
        let Table {
            cells,
            lines,
            stored,
            ..
        } = self;
        let mut cells = cells.into_iter();
        for (i, line) in lines.into_iter().enumerate() {
            let row = cells.by_ref().take(stored);
            if keep.get(i).copied().unwrap_or(true) {
                out.push(row, line);
            } else {
                row.for_each(drop);
            }
        }
        out
    }
}

/// Rows by key text, in file order: a hash from key to a slice of a flat
/// row array (one allocation per distinct key, none per row).
#[derive(Debug, Default)]
pub(crate) struct KeyIndex {
    ids: foldhash::HashMap<Box<str>, u32>,
    starts: Vec<u32>,
    rows: Vec<u32>,
}

impl KeyIndex {
    pub(crate) fn get(&self, key: &str) -> &[u32] {
        let Some(&id) = self.ids.get(key) else {
            return &[];
        };
        let (a, b) = (self.starts[id as usize], self.starts[id as usize + 1]);
        &self.rows[a as usize..b as usize]
    }
}

#[derive(Default)]
pub(crate) struct KeyIndexBuilder {
    ids: foldhash::HashMap<Box<str>, u32>,
    entries: Vec<(u32, u32)>,
}

impl KeyIndexBuilder {
    pub(crate) fn add(&mut self, key: &str, row: u32) {
        let id = match self.ids.get(key) {
            Some(&id) => id,
            None => {
                let id = self.ids.len() as u32;
                self.ids.insert(key.into(), id);
                id
            }
        };
        self.entries.push((id, row));
    }

    /// Counting sort by key id; stable, so rows stay in insertion order.
    pub(crate) fn finish(self) -> KeyIndex {
        let n = self.ids.len();
        let mut starts = vec![0u32; n + 1];
        for &(id, _) in &self.entries {
            starts[id as usize + 1] += 1;
        }
        for i in 0..n {
            starts[i + 1] += starts[i];
        }
        let mut next: Vec<u32> = starts[..n].to_vec();
        let mut rows = vec![0u32; self.entries.len()];
        for (id, row) in self.entries {
            let at = &mut next[id as usize];
            rows[*at as usize] = row;
            *at += 1;
        }
        KeyIndex {
            ids: self.ids,
            starts,
            rows,
        }
    }
}

/// How one relation is followed: key of the `from` record's column, looked
/// up in an index that yields rows of the `to` object.
#[derive(Debug)]
struct RelIndex {
    from: u32,
    to: u32,
    from_column: u32,
    index: Arc<KeyIndex>,
}

/// Everything the evaluator reads: staged rows, relation indexes, prepared
/// lookups. Built once per plan and run; immutable afterwards.
#[derive(Debug)]
pub struct Dataset {
    pub objects: Vec<Table>,
    /// `export.taken_at`: when the bundle was exported (never the wall clock).
    pub taken_at: Option<DateTime<Utc>>,
    names: Vec<Arc<str>>,
    primary_keys: Vec<Vec<u32>>,
    /// The plan's relations, indexed on first use (a dataset that source
    /// rules replace right away is never indexed).
    relations: Vec<crate::plan::RelPlan>,
    rels: std::sync::OnceLock<Vec<RelIndex>>,
    pub(crate) lookups: Lookups,
}

impl Dataset {
    /// A dataset of `tables` (one per `plan.sources`, in order) for `plan`;
    /// its relation indexes are built when first followed.
    pub fn new(plan: &Plan, mut tables: Vec<Table>) -> Dataset {
        for (i, s) in plan.sources.iter().enumerate() {
            if tables.len() <= i {
                tables.push(Table::new(s.file.as_str(), s.columns.len()));
            }
        }
        Dataset {
            objects: tables,
            taken_at: None,
            names: plan
                .sources
                .iter()
                .map(|s| Arc::from(s.name.as_str()))
                .collect(),
            primary_keys: plan.sources.iter().map(|s| s.primary_key.clone()).collect(),
            relations: plan.relations.clone(),
            rels: std::sync::OnceLock::new(),
            lookups: Lookups::new(plan),
        }
    }

    /// The same dataset without the rows `keep[object][row] == false`
    /// (source `where` filters and dedupe), with fresh indexes.
    pub fn retain(self, plan: &Plan, keep: &[Vec<bool>]) -> Dataset {
        if keep.iter().all(|k| k.iter().all(|&b| b)) {
            // Nothing dropped: the dataset and its indexes stand.
            return self;
        }
        let taken_at = self.taken_at;
        let tables = self
            .objects
            .into_iter()
            .enumerate()
            .map(|(i, t)| match keep.get(i) {
                // Nothing dropped: keep the table as it is (no copy).
                Some(k) if k.iter().all(|&b| b) => t,
                Some(k) => t.retain(k),
                None => t,
            })
            .collect();
        let mut data = Dataset::new(plan, tables);
        data.taken_at = taken_at;
        data
    }

    pub fn table(&self, object: u32) -> Option<&Table> {
        self.objects.get(object as usize)
    }

    /// The number of rows of `object` (0 for an unknown object).
    pub fn len(&self, object: u32) -> usize {
        self.table(object).map_or(0, Table::len)
    }

    pub fn cell(&self, r: RecRef, col: u32) -> &Value {
        self.table(r.object).map_or(&NULL, |t| t.cell(r.row, col))
    }

    /// Source object name (`contacts`).
    pub fn object_name(&self, object: u32) -> &str {
        self.names.get(object as usize).map_or("?", |n| n)
    }

    /// File and 1-based line a record was read from.
    pub fn origin(&self, r: RecRef) -> (&str, u32) {
        self.table(r.object)
            .map_or(("?", 0), |t| (&*t.file, t.line(r.row)))
    }

    /// `contacts:1042`: the record's object and primary key (parts joined
    /// by `|`), the id payloads and refs use for it.
    pub fn record_id(&self, r: RecRef) -> String {
        let mut out = String::with_capacity(24);
        self.write_record_id(r, &mut out);
        out
    }

    pub fn write_record_id(&self, r: RecRef, out: &mut String) {
        out.push_str(self.object_name(r.object));
        out.push(':');
        let pk = self
            .primary_keys
            .get(r.object as usize)
            .map_or(&[][..], |p| p);
        for (i, &c) in pk.iter().enumerate() {
            if i > 0 {
                out.push('|');
            }
            // The same text as `key_text`, written in place (ids are hot).
            match self.cell(r, c) {
                Value::Int(n) => super::keys::push_int(out, *n),
                Value::Text(s) => out.push_str(s.trim()),
                other => {
                    let mut scratch = String::new();
                    if let Some(k) = key_text(other, &mut scratch) {
                        out.push_str(k);
                    }
                }
            }
        }
        if pk.is_empty() {
            // No primary key declared: the line keeps ids unique and stable.
            let _ = write!(out, "line{}", self.origin(r).1);
        }
    }

    /// Rows of the relation's target object related to `from`, in file order.
    /// `None` when `rel` is unknown or does not start at `from`'s object.
    pub fn related(&self, rel: u32, from: RecRef, scratch: &mut String) -> Option<(u32, &[u32])> {
        let ri = self
            .rels
            .get_or_init(|| self.index_relations())
            .get(rel as usize)?;
        if ri.from != from.object {
            return None;
        }
        let rows = match key_text(self.cell(from, ri.from_column), scratch) {
            Some(k) => ri.index.get(k),
            None => &[],
        };
        Some((ri.to, rows))
    }

    fn index_relations(&self) -> Vec<RelIndex> {
        let mut shared: HashMap<(u32, u32), Arc<KeyIndex>> = HashMap::new();
        let mut column_index = |object: u32, column: u32| {
            shared
                .entry((object, column))
                .or_insert_with(|| Arc::new(self.index_column(object, column)))
                .clone()
        };
        let mut out = Vec::with_capacity(self.relations.len());
        for r in &self.relations {
            let (from_column, index) = match &r.kind {
                RelKind::Forward {
                    column,
                    target_column,
                } => (*column, column_index(r.to, *target_column)),
                RelKind::Reverse { column, key_column } => {
                    (*key_column, column_index(r.to, *column))
                }
                RelKind::Link {
                    via,
                    from_column,
                    to_column,
                    key_column,
                    target_column,
                    filter,
                    many,
                } => {
                    let targets = column_index(r.to, *target_column);
                    let link = self.index_link(
                        *via,
                        *from_column,
                        *to_column,
                        filter.as_ref(),
                        &targets,
                        *many,
                    );
                    (*key_column, Arc::new(link))
                }
            };
            out.push(RelIndex {
                from: r.from,
                to: r.to,
                from_column,
                index,
            });
        }
        out
    }

    fn index_column(&self, object: u32, column: u32) -> KeyIndex {
        let mut b = KeyIndexBuilder::default();
        let mut scratch = String::new();
        if let Some(t) = self.table(object) {
            for row in 0..t.len() as u32 {
                if let Some(k) = key_text(t.cell(row, column), &mut scratch) {
                    b.add(k, row);
                }
            }
        }
        b.finish()
    }

    /// From-key → target rows through the link object, link rows in file
    /// order; a to-one link keeps only the first match.
    fn index_link(
        &self,
        via: u32,
        from_column: u32,
        to_column: u32,
        filter: Option<&(u32, Value)>,
        targets: &KeyIndex,
        many: bool,
    ) -> KeyIndex {
        let mut b = KeyIndexBuilder::default();
        let (mut s1, mut s2) = (String::new(), String::new());
        let mut seen = foldhash::HashSet::default();
        if let Some(t) = self.table(via) {
            for row in 0..t.len() as u32 {
                if let Some((c, v)) = filter {
                    if !link_filter_matches(t.cell(row, *c), v) {
                        continue;
                    }
                }
                let Some(k) = key_text(t.cell(row, from_column), &mut s1) else {
                    continue;
                };
                if !many && seen.contains(k) {
                    continue;
                }
                let Some(tk) = key_text(t.cell(row, to_column), &mut s2) else {
                    continue;
                };
                let Some(&target) = targets.get(tk).first() else {
                    continue;
                };
                if !many {
                    seen.insert(k.to_string());
                }
                b.add(k, target);
            }
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::runtime::fixtures::*;

    #[test]
    fn ragged_rows_are_padded_and_cut() {
        let mut t = Table::new("x.csv", 2);
        t.push([Value::Int(1)], 2);
        t.push([Value::Int(1), Value::Int(2), Value::Int(3)], 3);
        assert_eq!(t.row(0), &[Value::Int(1), Value::Null]);
        assert_eq!(t.row(1), &[Value::Int(1), Value::Int(2)]);
        assert_eq!(t.cell(5, 0), &Value::Null);
        assert_eq!(t.line(1), 3);
    }

    #[test]
    fn tables_store_only_the_columns_asked_for() {
        let mut t = Table::with_columns("x.csv", &[true, false, true], 2);
        t.push([Value::Int(1), Value::Int(3)], 2);
        assert_eq!(t.width(), 3);
        assert_eq!(t.row(0), &[Value::Int(1), Value::Int(3)]);
        assert_eq!(t.cell(0, 0), &Value::Int(1));
        assert_eq!(t.cell(0, 1), &Value::Null);
        assert_eq!(t.cell(0, 2), &Value::Int(3));
        assert_eq!(t.cell(0, 7), &Value::Null);
        let mut all = Table::new("x.csv", 3);
        all.append(t.clone());
        assert_eq!(all.row(0), &[Value::Int(1), Value::Null, Value::Int(3)]);
        let mut more = t.empty_like(1);
        more.append(t);
        assert_eq!(more.cell(0, 2), &Value::Int(3));
    }

    #[test]
    fn datasets_can_be_shared_across_threads() {
        fn shared<T: Send + Sync>() {}
        shared::<Dataset>();
    }

    #[test]
    fn key_index_keeps_file_order() {
        let mut b = KeyIndexBuilder::default();
        for (k, r) in [("a", 0), ("b", 1), ("a", 2), ("a", 3)] {
            b.add(k, r);
        }
        let ix = b.finish();
        assert_eq!(ix.get("a"), &[0, 2, 3]);
        assert_eq!(ix.get("b"), &[1]);
        assert!(ix.get("c").is_empty());
    }

    #[test]
    fn forward_relation_matches_text_fk_against_int_key() {
        let plan = crm_plan();
        let data = crm_data(&plan);
        let mut s = String::new();
        // contacts row 1 (id 2) has manager "1" as text; contact 1 has Int id.
        let (to, rows) = data.related(REL_MANAGER, rec(CONTACTS, 1), &mut s).unwrap();
        assert_eq!((to, rows), (CONTACTS, &[0u32][..]));
        // A dangling manager id finds nothing.
        let (_, rows) = data.related(REL_MANAGER, rec(CONTACTS, 2), &mut s).unwrap();
        assert!(rows.is_empty());
    }

    #[test]
    fn relation_from_the_wrong_object_is_none() {
        let plan = crm_plan();
        let data = crm_data(&plan);
        assert!(data
            .related(REL_MANAGER, rec(COMPANIES, 0), &mut String::new())
            .is_none());
    }

    #[test]
    fn link_relation_honours_its_filter() {
        let plan = crm_plan();
        let data = crm_data(&plan);
        let mut s = String::new();
        let (to, rows) = data
            .related(REL_PRIMARY_COMPANY, rec(CONTACTS, 0), &mut s)
            .unwrap();
        assert_eq!(to, COMPANIES);
        // Contact 1 links to companies 10 (not primary) and 20 (primary).
        assert_eq!(rows, &[1]);
        let (_, rows) = data
            .related(REL_COMPANIES, rec(CONTACTS, 0), &mut s)
            .unwrap();
        assert_eq!(rows, &[0, 1]);
    }

    #[test]
    fn retain_drops_rows_and_reindexes() {
        let plan = crm_plan();
        let data = crm_data(&plan);
        let n = data.len(CONTACTS);
        let mut keep = vec![Vec::new(); plan.sources.len()];
        keep[CONTACTS as usize] = (0..n).map(|i| i != 0).collect();
        let data = data.retain(&plan, &keep);
        assert_eq!(data.len(CONTACTS), n - 1);
        // The manager (old row 0) is gone, so contact 2 has no manager now.
        let (_, rows) = data
            .related(REL_MANAGER, rec(CONTACTS, 0), &mut String::new())
            .unwrap();
        assert!(rows.is_empty());
    }

    #[test]
    fn record_ids_use_the_primary_key() {
        let plan = crm_plan();
        let data = crm_data(&plan);
        assert_eq!(data.record_id(rec(CONTACTS, 0)), "contacts:1");
        assert_eq!(data.origin(rec(CONTACTS, 0)), ("contacts.csv", 2));
    }
}
