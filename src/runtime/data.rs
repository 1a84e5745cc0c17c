//! The staged dataset: typed rows per source object plus the indexes the
//! evaluator follows relations through.
//!
//! Input: one [`Table`] per `plan.sources[i]` (rows in that source's staged
//! column layout, each with its origin line), built by the stager from CSV
//! or by `ferry check` from `test { given … }` blocks.
//! Output: an immutable [`Dataset`] (shareable across threads) with
//! relation indexes from `plan.relations` (built once, when first
//! followed, or all at once by [`Dataset::build_indexes`]), lookup tables
//! and value maps prepared for constant-time matching. Tables store only
//! the columns a run reads (see [`Table`]).
//!
//! Submodules: `table` (the rows of one object), `index` (hash-only key
//! indexes), `relations` (which index each relation follows, link
//! indexes, the column keys staging checks).
//!
//! Invariants: object index i is `plan.sources[i]` (missing tables are empty
//! — an optional source that was not exported); every row has exactly the
//! source's column count (short rows are padded with null); indexes list
//! rows in file order; keys are normalized by [`crate::runtime::keys`]
//! (ids compare as trimmed text, so `"77"` matches `77`).

mod index;
mod relations;
mod table;

pub(crate) use index::KeyIndexBuilder;
pub use relations::link_filter_matches;
pub(crate) use relations::ColumnKeys;
pub use table::Table;

use super::keys::key_text;
use super::lookups::Lookups;
use crate::plan::Plan;
use crate::value::{RecRef, Value};
use chrono::{DateTime, Utc};
use relations::Indexes;
use std::fmt::Write;
use std::sync::Arc;

static NULL: Value = Value::Null;

/// Everything the evaluator reads: staged rows, relation indexes, prepared
/// lookups. Built once per plan and run; immutable afterwards.
#[derive(Debug)]
pub struct Dataset {
    pub objects: Vec<Table>,
    /// `export.taken_at`: when the bundle was exported (never the wall clock).
    pub taken_at: Option<DateTime<Utc>>,
    names: Vec<Arc<str>>,
    primary_keys: Vec<Vec<u32>>,
    /// Relation and column indexes, each built on first use (a dataset
    /// that source rules replace right away is never indexed).
    indexes: Indexes,
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
            indexes: Indexes::new(plan),
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

    #[inline]
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
