//! The rows of one file: records → typed rows, rejected rows and issues.
//!
//! Input: record streams of one file (the whole file, or parts of a large
//! one read on parallel threads), its header mapping and a
//! [`ColumnReader`] per column. Output: a [`Part`] per stream, merged in
//! file order. Invariants: every record is pushed to the table or to the
//! rejected list (count = table + rejected); a row is rejected only when a
//! key or non-nullable column ends up null; every bad cell is one issue
//! with its file, line and column; nothing is allocated per cell except the
//! final value.

use super::bundle::{RejectedRecord, RowIssue};
use super::cells::{ColumnReader, Problem};
use super::read::{Record, Records, Shape};
use crate::diagnostics::{codes, Code};
use crate::plan::SourcePlan;
use crate::runtime::Table;
use crate::value::Value;

/// Issue values longer than this are cut (a multi-line note is not a value to show).
const VALUE_MAX: usize = 120;

fn shown(v: &str) -> String {
    let v = v.trim();
    if v.len() <= VALUE_MAX {
        return v.to_string();
    }
    let mut end = VALUE_MAX;
    while !v.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}…", &v[..end])
}

pub(crate) fn line32(line: u64) -> u32 {
    u32::try_from(line).unwrap_or(u32::MAX)
}

/// Files this large are staged in [`PARTS`] parts on as many threads.
pub const SPLIT_BYTES: u64 = 8 << 20;
pub const PARTS: usize = 2;

/// What one file's records need to know, shared by its parts.
pub struct Job<'a> {
    pub source: &'a SourcePlan,
    pub name: &'a str,
    /// Named header columns.
    pub named: usize,
    pub mapping: &'a [Option<usize>],
    pub required: &'a [bool],
    /// Columns to read; the others stay null (the plan never reads them).
    pub read: &'a [bool],
    /// Lines where a quoted cell opens that swallows records (E0822), ascending.
    pub swallowed: &'a [u64],
}

/// The staged rows of one part of a file.
pub struct Part {
    pub table: Table,
    pub rejected: Vec<RejectedRecord>,
    pub issues: Vec<RowIssue>,
    /// Records read and blank lines skipped.
    pub count: u64,
    pub blank: u64,
    /// Per column: Excel serial dates read, first lines.
    pub serials: Vec<(u64, Vec<u64>)>,
}

impl Part {
    pub fn empty(name: &str, width: usize) -> Part {
        Part {
            table: Table::new(name, width),
            rejected: Vec::new(),
            issues: Vec::new(),
            count: 0,
            blank: 0,
            serials: vec![(0, Vec::new()); width],
        }
    }

    /// Appends the next part (parts are merged in file order).
    pub fn merge(&mut self, mut next: Part) {
        self.table.append(next.table);
        self.rejected.append(&mut next.rejected);
        self.issues.append(&mut next.issues);
        self.count += next.count;
        self.blank += next.blank;
        for (mine, (n, lines)) in self.serials.iter_mut().zip(next.serials) {
            mine.0 += n;
            let room = 5usize.saturating_sub(mine.1.len());
            mine.1.extend(lines.into_iter().take(room));
        }
    }
}

impl Job<'_> {
    /// Reads every record of `recs`.
    pub fn rows(
        &self,
        mut recs: Records<'_>,
        mut readers: Vec<ColumnReader>,
        capacity: usize,
    ) -> Part {
        let (source, name, named) = (self.source, self.name, self.named);
        let width = source.columns.len();
        let mut part = Part::empty(name, width);
        // Only the columns read are stored (the others would be null).
        part.table = Table::with_columns(name, self.read, capacity.min(100_000_000));
        let issues = &mut part.issues;
        let mut row: Vec<Value> = Vec::with_capacity(width);
        let mut problems: Vec<Problem> = Vec::new();
        while let Some(rec) = recs.next_record() {
            part.count += 1;
            let line = rec.line;
            if self.swallowed.binary_search(&line).is_ok() {
                // Its cells hold the records that follow: reported once, as E0822.
                part.rejected.push(RejectedRecord {
                    object: source.name.clone(),
                    id: raw_id(source, self.mapping, &rec),
                    file: name.to_string(),
                    line: line32(line),
                    code: codes::E0822.id.to_string(),
                    reason: "a quoted cell opens here and swallows the records after it (E0822)"
                        .into(),
                });
                continue;
            }
            let issue = |issues: &mut Vec<RowIssue>,
                         code: Code,
                         column: &str,
                         value: &str,
                         message: String| {
                issues.push(RowIssue {
                    code: code.id.to_string(),
                    file: name.to_string(),
                    line: line32(line),
                    column: column.to_string(),
                    value: shown(value),
                    message,
                })
            };
            match rec.shape {
                Shape::Exact => {}
                Shape::Short { fields } => issue(
                    issues,
                    codes::E0804,
                    "",
                    "",
                    format!("the row has {fields} fields and the header {named}: the missing cells read as empty"),
                ),
                Shape::Long { fields } => {
                    let extra: Vec<&str> = rec.fields().skip(named).filter(|f| !f.trim().is_empty()).collect();
                    issue(
                        issues,
                        codes::E0804,
                        "",
                        &extra.join(" | "),
                        format!("the row has {fields} fields and the header {named}: the values after the last header are ignored"),
                    )
                }
            }
            row.clear();
            let mut reject: Option<(Code, String)> = None;
            for (ci, col) in source.columns.iter().enumerate() {
                let raw = match self.mapping[ci] {
                    Some(fi) if self.read[ci] => rec.get(fi).trim(),
                    _ => "",
                };
                let v = if raw.is_empty() {
                    Value::Null
                } else {
                    readers[ci].read_trimmed(raw, line, &mut problems)
                };
                let mut first_code = None;
                for p in problems.drain(..) {
                    first_code.get_or_insert(p.code);
                    issue(issues, p.code, &col.name, raw, p.message);
                }
                if v.is_null() && self.required[ci] && reject.is_none() {
                    let code = match first_code {
                        Some(c) => c,
                        None => {
                            if self.mapping[ci].is_some() {
                                issue(
                                    issues,
                                    codes::E0818,
                                    &col.name,
                                    "",
                                    format!(
                                        "`{}` is empty, but every {} record needs it",
                                        col.name, source.name
                                    ),
                                );
                            }
                            codes::E0818
                        }
                    };
                    reject = Some((
                        code,
                        format!("`{}` has no valid value ({})", col.name, code.id),
                    ));
                }
                if self.read[ci] {
                    row.push(v);
                }
            }
            if let Some((code, reason)) = reject {
                part.rejected.push(RejectedRecord {
                    object: source.name.clone(),
                    id: raw_id(source, self.mapping, &rec),
                    file: name.to_string(),
                    line: line32(line),
                    code: code.id.to_string(),
                    reason,
                });
                continue;
            }
            part.table.push(row.drain(..), line32(line));
        }
        part.blank = recs.blank_skipped();
        part.serials = readers
            .iter_mut()
            .map(ColumnReader::take_excel_serials)
            .collect();
        part
    }
}

/// `contacts:4812231` from the raw key cells of a record that was not staged.
fn raw_id(source: &SourcePlan, mapping: &[Option<usize>], rec: &Record<'_>) -> String {
    let mut id = format!("{}:", source.name);
    for (i, &c) in source.primary_key.iter().enumerate() {
        if i > 0 {
            id.push('|');
        }
        if let Some(fi) = mapping.get(c as usize).copied().flatten() {
            id.push_str(rec.get(fi).trim());
        }
    }
    id
}
