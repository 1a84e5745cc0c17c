//! Record keys: the text a key cell compares by, and rows whose primary
//! key repeats an earlier row's.
//!
//! Input: the staged dataset after `source` rules. Output: the dataset
//! without the repeats, each listed as rejected with E0815 and the line of
//! the record that was kept. Invariants: the first record in file order is
//! kept; ids compare as trimmed text (the runtime's key rule); single-column
//! keys are borrowed from the cells, so a million ids allocate nothing.

use super::bundle::{RejectedRecord, RowIssue, StageReport};
use crate::diagnostics::codes;
use crate::plan::Plan;
use crate::runtime::Dataset;
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
    let mut keep: Vec<Vec<bool>> = Vec::with_capacity(plan.sources.len());
    let mut any = false;
    for (o, s) in plan.sources.iter().enumerate() {
        let object = o as u32;
        let n = data.len(object);
        let mut k = vec![true; n];
        let dups = duplicate_rows(&data, object, &s.primary_key);
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

/// (row, first row with the same key) for every repeated primary key of
/// `object`. A single-column key is found by its 64-bit hash (a small
/// table for millions of ids) and confirmed by comparing the texts; keys
/// whose hash collides with a different key go to an exact table.
fn duplicate_rows(data: &Dataset, object: u32, pk: &[u32]) -> Vec<(u32, u32)> {
    use std::hash::BuildHasher;
    let mut out = Vec::new();
    let n = data.len(object) as u32;
    let mut buf = String::new();
    let key_of = |row: u32, buf: &mut String| -> String {
        let mut key = String::new();
        for (i, &c) in pk.iter().enumerate() {
            if i > 0 {
                key.push('|');
            }
            key.push_str(key_text(data.cell(RecRef { object, row }, c), buf).unwrap_or(""));
        }
        key
    };
    match pk {
        [] => {}
        [c] => {
            // Only for hash hits (duplicates, or rare collisions).
            let text = |row: u32, buf: &mut String| -> String {
                key_text(data.cell(RecRef { object, row }, *c), buf)
                    .unwrap_or("")
                    .to_string()
            };
            let hasher = foldhash::fast::FixedState::default();
            let mut first: foldhash::HashMap<u64, u32> = foldhash::HashMap::default();
            first.reserve(n as usize);
            let mut exact: foldhash::HashMap<String, u32> = foldhash::HashMap::default();
            for row in 0..n {
                let cell = data.cell(RecRef { object, row }, *c);
                let h = hasher.hash_one(key_text(cell, &mut buf).unwrap_or(""));
                let Some(&seen) = first.get(&h) else {
                    first.insert(h, row);
                    continue;
                };
                let key = text(row, &mut buf);
                if text(seen, &mut buf) == key {
                    out.push((row, seen));
                    continue;
                }
                // A different key with the same hash: settle it exactly.
                match exact.get(&key) {
                    Some(&f) => out.push((row, f)),
                    None => {
                        exact.insert(key, row);
                    }
                }
            }
        }
        _ => {
            let mut seen: foldhash::HashMap<String, u32> = foldhash::HashMap::default();
            for row in 0..n {
                let key = key_of(row, &mut buf);
                match seen.get(&key) {
                    Some(&first) => out.push((row, first)),
                    None => {
                        seen.insert(key, row);
                    }
                }
            }
        }
    }
    out
}
