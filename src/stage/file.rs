//! Staging one file: CSV bytes → the rows of one source object.
//!
//! Input: a source object of the plan, the file's bytes, the bundle's
//! [`Conventions`] and custom-field labels. Output: a [`Table`] in the
//! plan's column order, the file's [`FileReport`], its [`RowIssue`]s and the
//! rows it rejected; or fatal diagnostics (E0801 unreadable, E0802 a
//! non-nullable column missing).
//! Invariants: every record is staged or rejected (rows = table + rejected);
//! a row is rejected only when a key or non-nullable column ends up null;
//! every bad cell is one issue with its file, line and column; nothing is
//! allocated per cell except the final value.

use super::bundle::{FileReport, RejectedRecord, RowIssue};
use super::cells::{decimal_mark, ColumnReader, Conventions, Problem};
use super::headers::{map_headers, CustomLabels};
use super::read::{CsvFile, Records, Shape, TextEncoding};
use crate::diagnostics::{codes, did_you_mean, Code, Diagnostic};
use crate::plan::{Plan, SourcePlan};
use crate::runtime::Table;
use crate::value::Value;

/// What staging one file produced.
pub struct FileOutcome {
    pub table: Table,
    pub report: FileReport,
    pub issues: Vec<RowIssue>,
    pub rejected: Vec<RejectedRecord>,
}

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

fn line32(line: u64) -> u32 {
    u32::try_from(line).unwrap_or(u32::MAX)
}

pub fn delimiter_name(d: u8) -> String {
    match d {
        b'\t' => "tab".to_string(),
        d => (d as char).to_string(),
    }
}

/// Stages `source` (object `object` of `plan`) from `bytes` of file `name`.
pub fn stage_file(
    plan: &Plan,
    source: &SourcePlan,
    name: &str,
    bytes: Vec<u8>,
    conv: &Conventions,
    labels: &CustomLabels,
) -> Result<FileOutcome, Vec<Diagnostic>> {
    let size = bytes.len() as u64;
    let lines = memchr::memchr_iter(b'\n', &bytes).count();
    let csv =
        CsvFile::from_bytes(bytes).map_err(|e| {
            vec![Diagnostic::new(e.code(), format!("`{name}` cannot be read: {e}"))
            .help("export the file again as \"CSV UTF-8\"; `ferry explain E0801` lists the causes")]
        })?;
    let mut issues = Vec::new();
    let mut report = FileReport {
        object: source.name.clone(),
        file: name.to_string(),
        found: true,
        encoding: csv.encoding.name().to_string(),
        delimiter: delimiter_name(csv.delimiter),
        bytes: size,
        bom: csv.bom,
        sep_line: csv.sep_line,
        line_ending: format!("{:?}", csv.line_ending).to_lowercase(),
        ..FileReport::default()
    };
    let header_line = line32(csv.header_line);
    let mut file_issue = |code: Code, column: &str, value: &str, message: String| {
        issues.push(RowIssue {
            code: code.id.to_string(),
            file: name.to_string(),
            line: header_line,
            column: column.to_string(),
            value: value.to_string(),
            message,
        })
    };
    match csv.encoding {
        TextEncoding::Utf8 => {}
        TextEncoding::Windows1252 => file_issue(
            codes::W0801,
            "",
            "",
            "the file is not UTF-8; it was decoded as Windows-1252 (æ, ø and å come out right for Danish text)".into(),
        ),
        TextEncoding::Utf8Lossy { replaced, first_line } => file_issue(
            codes::W0804,
            "",
            "",
            format!("{replaced} bytes are not valid UTF-8 and were replaced by `\u{fffd}` (first on line {first_line})"),
        ),
    }
    if !csv.quotes_balanced {
        file_issue(
            codes::W0803,
            "",
            "",
            "the file has an odd number of `\"`: a quoted cell is probably not closed, and the records after it may have been read as one cell".into(),
        );
    }
    let mapping = map_headers(&source.columns, &csv.headers, csv.width(), labels);
    let mut fatal = Vec::new();
    let required: Vec<bool> = (0..source.columns.len())
        .map(|ci| !source.columns[ci].nullable || source.primary_key.contains(&(ci as u32)))
        .collect();
    for (ci, col) in source.columns.iter().enumerate() {
        if mapping.columns[ci].is_some() {
            continue;
        }
        if required[ci] {
            let names = csv.headers.iter().map(|h| h.original.as_str());
            let suggestion = did_you_mean(&col.name, names);
            fatal.push(
                Diagnostic::new(
                    codes::E0802,
                    format!(
                        "`{name}` has no column for `{}`, which every {} record needs",
                        col.name, source.name
                    ),
                )
                .help(format!(
                    "accepted headers: {}; the file's headers are: {}",
                    col.headers.join(", "),
                    csv.headers
                        .iter()
                        .map(|h| h.original.trim())
                        .collect::<Vec<_>>()
                        .join(", ")
                ))
                .maybe_help(suggestion),
            );
        } else if col.declared {
            file_issue(
                codes::W0805,
                &col.name,
                "",
                format!(
                    "the spec reads `{}` from a header spelled {}, which the file does not have: every value is empty",
                    col.name,
                    col.headers.iter().map(|h| format!("`{h}`")).collect::<Vec<_>>().join(" or ")
                ),
            );
        } else {
            report.notes.push(format!(
                "no column for `{}`: all values are empty",
                col.name
            ));
        }
    }
    if !fatal.is_empty() {
        return Err(fatal);
    }
    report.headers = source
        .columns
        .iter()
        .zip(&mapping.columns)
        .filter_map(|(c, m)| {
            m.map(|fi| (c.name.clone(), csv.headers[fi].original.trim().to_string()))
        })
        .collect();
    for &(ci, fi) in &mapping.duplicates {
        let col = &source.columns[ci];
        let used = mapping.columns[ci].map_or(0, |i| i + 1);
        file_issue(
            codes::E0803,
            &col.name,
            csv.headers[fi].original.trim(),
            format!(
                "column {} (`{}`) also names `{}`; column {used} is read and this one ignored",
                fi + 1,
                csv.headers[fi].original.trim(),
                col.name
            ),
        );
    }
    for &fi in &mapping.unknown {
        let h = csv.headers[fi].original.trim();
        let message = if h.is_empty() {
            format!("column {} has no header; its values are ignored", fi + 1)
        } else {
            format!(
                "`{h}` is not a column of {}; its values are ignored",
                source.name
            )
        };
        file_issue(codes::W0802, h, h, message);
    }
    let mark = decimal_mark(csv.delimiter);
    if csv.delimiter == b';' {
        report
            .notes
            .push("`;`-separated (Danish Excel): numbers are read with a decimal comma".into());
    }
    let make_readers = || -> Result<Vec<ColumnReader>, Vec<Diagnostic>> {
        let mut readers = Vec::with_capacity(source.columns.len());
        for col in &source.columns {
            let r = ColumnReader::new(col, plan, conv, mark).map_err(|e| {
                vec![Diagnostic::new(
                    codes::E0807,
                    format!("column `{}` of {}: {e}", col.name, source.name),
                )]
            })?;
            readers.push(r);
        }
        Ok(readers)
    };
    let job = Job {
        source,
        name,
        named: csv.width(),
        mapping: &mapping.columns,
        required: &required,
    };
    let parts = if size >= SPLIT_BYTES { PARTS } else { 1 };
    let streams = csv.records_split(parts);
    let capacity = lines / streams.len().max(1);
    let mut done: Vec<Part> = Vec::with_capacity(streams.len());
    if streams.len() == 1 {
        for recs in streams {
            done.push(job.rows(recs, make_readers()?, capacity));
        }
    } else {
        let mut readers = Vec::with_capacity(streams.len());
        for _ in &streams {
            readers.push(make_readers()?);
        }
        let job = &job;
        std::thread::scope(|scope| {
            let handles: Vec<_> = streams
                .into_iter()
                .zip(readers)
                .map(|(recs, r)| scope.spawn(move || job.rows(recs, r, capacity)))
                .collect();
            for h in handles {
                // A panic here is a bug in ferry: report it, never a partial file.
                done.push(h.join().map_err(|_| {
                    vec![Diagnostic::new(
                        codes::E0801,
                        format!("internal error while staging `{name}`"),
                    )]
                })?);
            }
            Ok::<(), Vec<Diagnostic>>(())
        })?;
    }
    let mut parts = done.into_iter();
    let mut all = parts
        .next()
        .unwrap_or_else(|| Part::empty(name, source.columns.len()));
    for p in parts {
        all.merge(p);
    }
    report.rows = all.count;
    report.rejected = all.rejected.len() as u64;
    if all.blank > 0 {
        report
            .notes
            .push(format!("{} blank lines skipped", all.blank));
    }
    for (col, (n, lines)) in source.columns.iter().zip(&all.serials) {
        if *n > 0 {
            let lines: Vec<String> = lines.iter().map(u64::to_string).collect();
            report.notes.push(format!(
                "`{}`: {n} Excel serial dates converted (line {}{})",
                col.name,
                lines.join(", "),
                if *n > lines.len() as u64 { ", …" } else { "" }
            ));
        }
    }
    issues.append(&mut all.issues);
    Ok(FileOutcome {
        table: all.table,
        report,
        issues,
        rejected: all.rejected,
    })
}

/// Files this large are staged in [`PARTS`] parts on as many threads.
const SPLIT_BYTES: u64 = 8 << 20;
const PARTS: usize = 2;

/// What one file's records need to know, shared by its parts.
struct Job<'a> {
    source: &'a SourcePlan,
    name: &'a str,
    /// Named header columns.
    named: usize,
    mapping: &'a [Option<usize>],
    required: &'a [bool],
}

/// The staged rows of one part of a file.
struct Part {
    table: Table,
    rejected: Vec<RejectedRecord>,
    issues: Vec<RowIssue>,
    /// Records read and blank lines skipped.
    count: u64,
    blank: u64,
    /// Per column: Excel serial dates read, first lines.
    serials: Vec<(u64, Vec<u64>)>,
}

impl Part {
    fn empty(name: &str, width: usize) -> Part {
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
    fn merge(&mut self, mut next: Part) {
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
    fn rows(&self, mut recs: Records<'_>, mut readers: Vec<ColumnReader>, capacity: usize) -> Part {
        let (source, name, named) = (self.source, self.name, self.named);
        let width = source.columns.len();
        let mut part = Part::empty(name, width);
        part.table = Table::with_capacity(name, width, capacity.min(100_000_000));
        let issues = &mut part.issues;
        let mut row: Vec<Value> = Vec::with_capacity(width);
        let mut problems: Vec<Problem> = Vec::new();
        while let Some(rec) = recs.next_record() {
            part.count += 1;
            let line = rec.line;
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
                let raw = self.mapping[ci].map_or("", |fi| rec.get(fi)).trim();
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
                row.push(v);
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
            .map(|r| std::mem::take(&mut r.excel_serials))
            .collect();
        part
    }
}

/// `contacts:4812231` from the raw key cells of a record that was not staged.
fn raw_id(source: &SourcePlan, mapping: &[Option<usize>], rec: &super::read::Record<'_>) -> String {
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
