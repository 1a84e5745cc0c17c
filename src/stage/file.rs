//! Staging one file: CSV bytes → the rows of one source object.
//!
//! Input: a source object of the plan, the file's bytes, the bundle's
//! [`Conventions`] and custom-field labels. Output: a [`Table`] in the
//! plan's column order, the file's [`FileReport`], its [`RowIssue`]s and the
//! rows it rejected; or fatal diagnostics (E0801 unreadable, E0802 a
//! non-nullable column missing).
//! Invariants: file-level findings (encoding, quotes, headers) are issues
//! on the header line; files of [`SPLIT_BYTES`] or more are read in
//! [`PARTS`] parts on as many threads (see [`super::rows`]) and merged in
//! file order, so the outcome does not depend on the split.

use super::bundle::{FileReport, RejectedRecord, RowIssue};
use super::cells::{decimal_mark, ColumnReader, Conventions};
use super::encoding::Evidence;
use super::headers::{map_headers, CustomLabels};
use super::quotes::QuoteScan;
use super::read::{CsvFile, TextEncoding};
use super::rows::{line32, Job, Part, PARTS, SPLIT_BYTES};
use crate::diagnostics::{codes, did_you_mean, Code, Diagnostic};
use crate::plan::{Plan, SourcePlan};
use crate::runtime::Table;

/// What staging one file produced.
pub struct FileOutcome {
    pub table: Table,
    pub report: FileReport,
    pub issues: Vec<RowIssue>,
    pub rejected: Vec<RejectedRecord>,
}

pub fn delimiter_name(d: u8) -> String {
    match d {
        b'\t' => "tab".to_string(),
        d => (d as char).to_string(),
    }
}

/// W0801's message: what the Windows-1252 reading rests on.
fn legacy_message(ev: &Evidence) -> String {
    let mut m = format!(
        "the file is not UTF-8 ({} bytes are not); it was decoded as Windows-1252, which is right for Danish text saved by older Excel",
        ev.invalid
    );
    if let Some(line) = ev.first_valid_line {
        m.push_str(&format!(
            "; {} byte sequences that are valid UTF-8 (first on line {line}) were decoded as Windows-1252 too: check them",
            ev.valid_multi
        ));
    }
    m
}

/// Stages `source` (object `object` of `plan`) from `bytes` of file `name`.
pub fn stage_file(
    plan: &Plan,
    source: &SourcePlan,
    name: &str,
    bytes: Vec<u8>,
    conv: &Conventions,
    labels: &CustomLabels,
    used: &[bool],
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
    if let TextEncoding::Utf8Lossy { replaced, .. } = csv.encoding {
        let lines = &csv.evidence.invalid_lines;
        report.notes.push(format!(
            "{replaced} invalid UTF-8 bytes replaced by `\u{fffd}` on {} lines (W0804 on each)",
            lines.len()
        ));
        issues.extend(lines.iter().map(|&line| RowIssue {
            code: codes::W0804.id.to_string(),
            file: name.to_string(),
            line: line32(line),
            column: String::new(),
            value: String::new(),
            message: format!(
                "a byte on this line is not valid UTF-8 and was staged as `\u{fffd}`; the file is UTF-8 ({} valid multi-byte letters)",
                csv.evidence.valid_multi
            ),
        }));
    }
    let quotes = QuoteScan::of(&csv);
    issues.extend(quotes.issues(name, &csv));
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
        TextEncoding::Windows1252 => {
            file_issue(codes::W0801, "", "", legacy_message(&csv.evidence))
        }
        TextEncoding::Utf8Lossy { .. } => {}
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
    let read: Vec<bool> = (0..source.columns.len())
        .map(|ci| required[ci] || used.get(ci).copied().unwrap_or(true))
        .collect();
    let mapped = mapping.columns.iter().filter(|m| m.is_some()).count();
    let skipped = (0..read.len())
        .filter(|&ci| !read[ci] && mapping.columns[ci].is_some())
        .count();
    if skipped > 0 {
        report.notes.push(format!(
            "{} of {mapped} columns read; the spec uses no other (their cells are not checked)",
            mapped - skipped
        ));
    }
    let job = Job {
        source,
        name,
        named: csv.width(),
        mapping: &mapping.columns,
        required: &required,
        read: &read,
        swallowed: &quotes.open_lines(),
    };
    let parts = if size >= SPLIT_BYTES { PARTS } else { 1 };
    // A run that reads under half the columns checks fields one by one.
    let sparse = read.iter().filter(|&&r| r).count() * 2 < read.len();
    let streams: Vec<_> = csv
        .records_split(parts)
        .into_iter()
        .map(|r| r.sparse(sparse))
        .collect();
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
    // The cells own their texts: the file's text goes before the parts are
    // joined, so a large file's text and its joined table never coexist.
    drop(csv);
    let mut parts = done.into_iter();
    let mut all = parts
        .next()
        .unwrap_or_else(|| Part::empty(name, source.columns.len()));
    for p in parts {
        all.merge(p);
    }
    let swallowed = quotes.rejected(name, source, &mapping.columns);
    all.count += swallowed.len() as u64;
    all.rejected.extend(swallowed);
    all.rejected.sort_by_key(|r| r.line);
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
