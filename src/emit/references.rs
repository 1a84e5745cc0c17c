//! Rebuild reference documents: `reference X "title" { … }` → the records
//! of X as `references/<X>.json` (for tools) and `references/<X>.md` (for
//! the person rebuilding them by hand).
//!
//! Input: the plan's references and the dataset. Output: the two files per
//! reference and its [`ReferenceTally`]; records that skip or fail are
//! [`SkipEntry`]s like any unit's. Invariants: records keep source order;
//! a second reference over the same object gets `<X>-2`, so none
//! overwrites another; credentials in the export's text are replaced by
//! `[redacted]` (see [`crate::report::redact`]) and counted per field.

use super::tally::{ReferenceTally, Scope, SkipEntry, Tally};
use super::Progress;
use crate::plan::Plan;
use crate::report::redact::redact;
use crate::runtime::exec::run_reference;
use crate::runtime::{Ctx, Dataset, Fault};
use crate::value::RecRef;
use indexmap::IndexMap;
use serde_json::Value as J;
use std::io;
use std::path::Path;

pub(crate) fn write_all(
    plan: &Plan,
    data: &Dataset,
    dir: &Path,
    tally: &mut Tally,
    progress: &mut dyn FnMut(Progress<'_>),
) -> io::Result<()> {
    if plan.references.is_empty() {
        return Ok(());
    }
    let folder = dir.join("references");
    std::fs::create_dir_all(&folder)?;
    let mut ctx = Ctx::new(plan, data);
    let mut used: Vec<String> = Vec::new();
    for (i, r) in plan.references.iter().enumerate() {
        let label = format!("reference {}", data.object_name(r.source));
        progress(Progress::Unit { label: &label });
        let base = data.object_name(r.source).to_string();
        let mut name = base.clone();
        let mut n = 1;
        while used.contains(&name) {
            n += 1;
            name = format!("{base}-{n}");
        }
        used.push(name.clone());
        let mut t = ReferenceTally {
            json: format!("references/{name}.json"),
            markdown: format!("references/{name}.md"),
            ..ReferenceTally::default()
        };
        let file = data
            .table(r.source)
            .map_or_else(|| std::sync::Arc::from(""), |t| t.file.clone());
        let mut records: Vec<IndexMap<String, J>> = Vec::new();
        let rows = data.len(r.source) as u32;
        for row in 0..rows {
            t.records += 1;
            let rec = RecRef {
                object: r.source,
                row,
            };
            match run_reference(&mut ctx, r, row) {
                Ok(Some(fields)) => {
                    t.written += 1;
                    let mut out = IndexMap::with_capacity(fields.len() + 1);
                    out.insert("id".to_string(), J::String(data.record_id(rec)));
                    out.extend(fields);
                    records.push(out);
                }
                Ok(None) => t.filtered += 1,
                Err(fault) => {
                    t.skipped += 1;
                    let (reason, message, span) = match fault {
                        Fault::Skip(s) => (s.reason, None, s.span),
                        Fault::Error(e) => (e.code.id.to_string(), Some(e.message), e.span),
                    };
                    tally.skips.push(SkipEntry {
                        scope: Scope::Reference(i as u32),
                        reason,
                        message,
                        span,
                        id: data.record_id(rec),
                        file: file.clone(),
                        row: data.origin(rec).1,
                        records: 1,
                    });
                }
            }
        }
        progress(Progress::Advance(u64::from(rows)));
        t.redacted = redact_records(&mut records);
        let doc = serde_json::json!({
            "title": r.title,
            "source": data.object_name(r.source),
            "records": records,
        });
        let mut json = serde_json::to_vec_pretty(&doc).map_err(io::Error::other)?;
        json.push(b'\n');
        std::fs::write(dir.join(&t.json), json)?;
        let columns: Vec<&str> = r.fields.iter().map(|(n, _)| n.as_str()).collect();
        std::fs::write(
            dir.join(&t.markdown),
            markdown(&r.title, &columns, &records),
        )?;
        tally.coverage.merge(&std::mem::take(&mut ctx.coverage));
        tally.references.push(t);
    }
    Ok(())
}

/// Replaces credentials in every text of `records` (house rule: secrets
/// never reach a reference file); the values changed, by field in first
/// appearance order.
fn redact_records(records: &mut [IndexMap<String, J>]) -> Vec<(String, u64)> {
    fn walk(v: &mut J) -> u64 {
        match v {
            J::String(s) => match redact(s) {
                (_, 0) => 0,
                (clean, _) => {
                    *s = clean.into_owned();
                    1
                }
            },
            J::Array(items) => items.iter_mut().map(walk).sum(),
            J::Object(map) => map.values_mut().map(walk).sum(),
            _ => 0,
        }
    }
    let mut out: Vec<(String, u64)> = Vec::new();
    for rec in records {
        for (field, v) in rec.iter_mut() {
            let n = walk(v);
            if n == 0 {
                continue;
            }
            match out.iter_mut().find(|(f, _)| f == field) {
                Some((_, total)) => *total += n,
                None => out.push((field.clone(), n)),
            }
        }
    }
    out
}

/// `# title`, then one table row per record.
fn markdown(title: &str, columns: &[&str], records: &[IndexMap<String, J>]) -> String {
    let mut out = format!("# {title}\n\n{} records.\n\n", records.len());
    out.push_str("| id |");
    for c in columns {
        out.push_str(&format!(" {} |", md_cell(c)));
    }
    out.push_str("\n| --- |");
    out.push_str(&" --- |".repeat(columns.len()));
    out.push('\n');
    for r in records {
        out.push('|');
        for c in std::iter::once("id").chain(columns.iter().copied()) {
            out.push_str(&format!(" {} |", md_cell(&show(r.get(c)))));
        }
        out.push('\n');
    }
    out
}

fn show(v: Option<&J>) -> String {
    match v {
        None | Some(J::Null) => String::new(),
        Some(J::String(s)) => s.clone(),
        Some(J::Array(items)) => items
            .iter()
            .map(|i| show(Some(i)))
            .collect::<Vec<_>>()
            .join(", "),
        Some(other) => other.to_string(),
    }
}

/// A table cell: pipes escaped, line breaks as `<br>`.
pub(crate) fn md_cell(s: &str) -> String {
    s.replace('|', "\\|")
        .replace("\r\n", "<br>")
        .replace('\n', "<br>")
}
