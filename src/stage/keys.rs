//! Record keys: the text a key cell compares by, and rows whose primary
//! key repeats an earlier row's.
//!
//! Input: the staged dataset after `source` rules. Output: the dataset
//! without the repeats, each listed as rejected with E0815 and the line of
//! the record that was kept. Invariants: the first record in file order is
//! kept; ids compare as trimmed text (the runtime's key rule); keys are
//! found through hash-only indexes (a one-column key through the index the
//! relations use), so a million ids allocate nothing per id.

use super::bundle::{RejectedRecord, RowIssue, StageReport};
use crate::diagnostics::codes;
use crate::plan::Plan;
use crate::runtime::data::KeyIndexBuilder;
use crate::runtime::Dataset;
use crate::schema::model::FieldType;
use crate::value::{RecRef, Value};

/// The text a key cell compares by (ids are trimmed text).
pub(crate) fn key_text<'v>(v: &'v Value, buf: &'v mut String) -> Option<&'v str> {
    match v {
        Value::Text(s) if !s.trim().is_empty() => Some(s.trim()),
        Value::Null | Value::Text(_) => None,
        Value::Int(n) => {
            buf.clear();
            buf.push_str(itoa::Buffer::new().format(*n));
            Some(buf)
        }
        other => {
            *buf = other.to_text()?;
            Some(buf)
        }
    }
}

/// Rows whose primary key repeats an earlier staged row's are rejected (E0815).
pub(crate) fn reject_duplicate_keys(
    plan: &Plan,
    data: Dataset,
    report: &mut StageReport,
) -> Dataset {
    // Objects are independent: the largest first, on two threads.
    let mut order: Vec<usize> = (0..plan.sources.len()).collect();
    order.sort_by_key(|&o| std::cmp::Reverse(data.len(o as u32)));
    let found = super::par::map(2, &order, |&o| {
        let s = &plan.sources[o];
        let ty = match s.primary_key[..] {
            [c] => s.columns.get(c as usize).map(|c| &c.ty),
            _ => None,
        };
        (o, duplicate_rows(&data, o as u32, &s.primary_key, ty))
    });
    let mut dups_of: Vec<Vec<(u32, u32)>> = vec![Vec::new(); plan.sources.len()];
    for (o, d) in found {
        dups_of[o] = d;
    }
    let mut keep: Vec<Vec<bool>> = Vec::with_capacity(plan.sources.len());
    let mut any = false;
    for (o, (s, dups)) in plan.sources.iter().zip(dups_of).enumerate() {
        let object = o as u32;
        let n = data.len(object);
        let mut k = vec![true; n];
        for (row, first) in dups {
            k[row as usize] = false;
            any = true;
            let r = RecRef { object, row };
            let (file, line) = data.origin(r);
            let first_line = data.origin(RecRef { object, row: first }).1;
            let id = data.record_id(r);
            report.issues.push(RowIssue {
                code: codes::E0815.id.into(),
                file: file.to_string(),
                line,
                column: s
                    .primary_key
                    .iter()
                    .filter_map(|&c| s.columns.get(c as usize).map(|c| c.name.as_str()))
                    .collect::<Vec<_>>()
                    .join(", "),
                value: id.split_once(':').map_or("", |(_, k)| k).to_string(),
                message: format!("{id} is also on line {first_line}; the first record is kept"),
            });
            report.rejected.push(RejectedRecord {
                object: s.name.clone(),
                id,
                file: file.to_string(),
                line,
                code: codes::E0815.id.into(),
                reason: format!("duplicate key of line {first_line}"),
            });
        }
        keep.push(k);
    }
    if any {
        data.retain(plan, &keep)
    } else {
        data
    }
}

/// Whether the runtime's key texts of a column of type `ty` are the ones
/// [`key_text`] gives (not for datetimes, which it writes with fractions of
/// a second, nor lists). Staged key cells are never null: a row without
/// its key is rejected before.
pub(crate) fn indexed_alike(ty: Option<&FieldType>) -> bool {
    !matches!(
        ty,
        None | Some(FieldType::Datetime | FieldType::Multipicklist { .. } | FieldType::List { .. })
    )
}

/// (row, first row with the same key) for every repeated primary key of
/// `object`, by row. A key is its cells' [`key_text`]s joined by `|` (an
/// empty part for a cell without one). A one-column key the dataset
/// indexes for its relations is read from that index; other keys go
/// through a hash-only index of their own, confirmed by comparing texts.
fn duplicate_rows(
    data: &Dataset,
    object: u32,
    pk: &[u32],
    plan_column: Option<&FieldType>,
) -> Vec<(u32, u32)> {
    let mut out = Vec::new();
    let mut add = |rows: &[u32]| out.extend(rows[1..].iter().map(|&r| (r, rows[0])));
    match pk {
        [] => {}
        [c] if indexed_alike(plan_column) => {
            data.column_keys(object, *c).repeated().for_each(&mut add);
        }
        _ => {
            let write = |row: u32, out: &mut String, buf: &mut String| {
                out.clear();
                for (i, &c) in pk.iter().enumerate() {
                    if i > 0 {
                        out.push('|');
                    }
                    out.push_str(key_text(data.cell(RecRef { object, row }, c), buf).unwrap_or(""));
                }
            };
            let n = data.len(object);
            let mut b = KeyIndexBuilder::new(n);
            let (mut key, mut other, mut buf) = (String::new(), String::new(), String::new());
            for row in 0..n as u32 {
                write(row, &mut key, &mut buf);
                b.add(&key, row, row, true, |r| {
                    write(r, &mut other, &mut buf);
                    other == key
                });
            }
            b.finish().repeated().for_each(&mut add);
        }
    }
    out.sort_unstable();
    out
}
