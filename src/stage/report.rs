//! Rendering a [`StageReport`] for people: a terminal summary and Markdown.
//!
//! Input: a finished report. Output: text. Invariants: deterministic (no
//! clock, no paths beyond the report's own); long lists are cut to their
//! first examples with the total count kept, so a million-row bundle gives
//! a summary of bounded size; the JSON report holds everything.

use super::bundle::{RowIssue, StageReport};
use crate::diagnostics::codes;
use std::collections::BTreeMap;
use std::fmt::Write;

/// Examples shown per issue code in the terminal summary.
const TEXT_EXAMPLES: usize = 3;
/// Examples shown per issue code in the Markdown report.
const MD_EXAMPLES: usize = 10;

fn slug(code: &str) -> &'static str {
    codes::lookup(code).map_or("", |c| c.slug)
}

/// Issues grouped by code (codes in order), each group in file order.
fn by_code(issues: &[RowIssue]) -> BTreeMap<&str, Vec<&RowIssue>> {
    let mut groups: BTreeMap<&str, Vec<&RowIssue>> = BTreeMap::new();
    for i in issues {
        groups.entry(i.code.as_str()).or_default().push(i);
    }
    groups
}

fn place(i: &RowIssue) -> String {
    let mut s = format!("{}:{}", i.file, i.line);
    if !i.column.is_empty() {
        let _ = write!(s, " {}", i.column);
    }
    s
}

fn totals(r: &StageReport) -> (u64, u64, u64, u64) {
    r.files.iter().fold((0, 0, 0, 0), |a, f| {
        (
            a.0 + f.rows,
            a.1 + f.staged,
            a.2 + f.rejected,
            a.3 + f.dropped,
        )
    })
}

/// Dropped records per object and rule: (object, rule) → count.
fn dropped_counts(r: &StageReport) -> BTreeMap<(&str, &str), u64> {
    let mut m = BTreeMap::new();
    for d in &r.dropped {
        *m.entry((d.object.as_str(), d.rule.as_str())).or_insert(0) += 1;
    }
    m
}

/// The terminal summary of `ferry stage`.
pub fn text(r: &StageReport) -> String {
    let mut o = String::new();
    let (rows, staged, rejected, dropped) = totals(r);
    let _ = writeln!(o, "Staged `{}`: {rows} rows, {staged} staged, {rejected} rejected, {dropped} dropped by source rules", r.input);
    if let Some(t) = &r.taken_at {
        let _ = writeln!(o, "Export taken at {t}");
    }
    let _ = writeln!(o, "\nFiles");
    let _ = writeln!(
        o,
        "  {:<26} {:<14} {:<5} {:>8} {:>8} {:>8} {:>8}",
        "file", "encoding", "delim", "rows", "staged", "rejected", "dropped"
    );
    for f in &r.files {
        let mut enc = if f.found {
            f.encoding.clone()
        } else {
            "(missing)".into()
        };
        if f.bom {
            enc.push_str(" BOM");
        }
        let delim = if f.sep_line {
            format!("{} sep", f.delimiter)
        } else {
            f.delimiter.clone()
        };
        let _ = writeln!(
            o,
            "  {:<26} {:<14} {:<5} {:>8} {:>8} {:>8} {:>8}",
            f.file, enc, delim, f.rows, f.staged, f.rejected, f.dropped
        );
    }
    for f in &r.files {
        for n in &f.notes {
            let _ = writeln!(o, "  note: {}: {n}", f.file);
        }
    }
    let groups = by_code(&r.issues);
    let _ = writeln!(o, "\nIssues: {} ({} codes)", r.issues.len(), groups.len());
    for (code, list) in &groups {
        let _ = writeln!(o, "  {code} {:<28} {:>7}", slug(code), list.len());
        for i in list.iter().take(TEXT_EXAMPLES) {
            let v = if i.value.is_empty() {
                String::new()
            } else {
                format!(" `{}`", i.value)
            };
            let _ = writeln!(o, "      {}{v}: {}", place(i), i.message);
        }
        if list.len() > TEXT_EXAMPLES {
            let _ = writeln!(o, "      … {} more", list.len() - TEXT_EXAMPLES);
        }
    }
    let _ = writeln!(o, "\nRejected rows: {}", r.rejected.len());
    for x in r.rejected.iter().take(TEXT_EXAMPLES * 2) {
        let _ = writeln!(
            o,
            "  {}:{} {} [{}] {}",
            x.file, x.line, x.id, x.code, x.reason
        );
    }
    if r.rejected.len() > TEXT_EXAMPLES * 2 {
        let _ = writeln!(o, "  … {} more", r.rejected.len() - TEXT_EXAMPLES * 2);
    }
    let _ = writeln!(o, "\nDropped by source rules: {}", r.dropped.len());
    for ((object, rule), n) in dropped_counts(r) {
        let _ = writeln!(o, "  {object} {rule}: {n}");
        let dups = r
            .dropped
            .iter()
            .filter(|d| d.object == object && d.rule == rule);
        for d in dups.take(TEXT_EXAMPLES) {
            let _ = writeln!(o, "      {}:{} {}: {}", d.file, d.line, d.id, d.reason);
        }
    }
    let _ = writeln!(
        o,
        "\nOrphaned references (E0814): {}",
        r.orphans.iter().map(|x| x.count).sum::<u64>()
    );
    for x in &r.orphans {
        let _ = writeln!(
            o,
            "  {} ({} → {}): {}{}",
            x.relation,
            x.column,
            x.target,
            x.count,
            removed_note(x.removed)
        );
        for ((id, line), v) in x.examples.iter().zip(&x.lines).zip(&x.values) {
            let _ = writeln!(o, "      {}:{line} {id} → `{v}`", x.file);
        }
    }
    let _ = writeln!(
        o,
        "\nValue-map coverage: {} uncovered values",
        r.coverage.len()
    );
    for c in &r.coverage {
        let _ = writeln!(
            o,
            "  {}[`{}`] × {} → {} (e.g. {})",
            c.map,
            c.value,
            c.count,
            c.outcome,
            c.examples.join(", ")
        );
    }
    o
}

fn removed_note(n: u64) -> String {
    if n == 0 {
        String::new()
    } else {
        format!(" ({n} to records staging removed)")
    }
}

fn md_cell(s: &str) -> String {
    s.replace('|', "\\|").replace(['\n', '\r'], " ")
}

/// `stage-report.md`.
pub fn markdown(r: &StageReport) -> String {
    let mut o = String::new();
    let (rows, staged, rejected, dropped) = totals(r);
    let _ = writeln!(o, "# Staging report\n");
    let _ = writeln!(o, "Bundle `{}`: **{rows}** rows, **{staged}** staged, **{rejected}** rejected, **{dropped}** dropped by source rules.", r.input);
    if let Some(t) = &r.taken_at {
        let _ = writeln!(o, "Export taken at {t}.");
    }
    let _ = writeln!(o, "\n## Files\n");
    let _ = writeln!(o, "| object | file | encoding | delimiter | line endings | rows | staged | rejected | dropped |");
    let _ = writeln!(
        o,
        "| --- | --- | --- | --- | --- | ---: | ---: | ---: | ---: |"
    );
    for f in &r.files {
        let enc = match (f.found, f.bom) {
            (false, _) => "missing".to_string(),
            (true, true) => format!("{} (BOM)", f.encoding),
            (true, false) => f.encoding.clone(),
        };
        let delim = if f.sep_line {
            format!("`{}` (`sep=` line)", f.delimiter)
        } else {
            format!("`{}`", f.delimiter)
        };
        let _ = writeln!(
            o,
            "| {} | `{}` | {enc} | {delim} | {} | {} | {} | {} | {} |",
            f.object, f.file, f.line_ending, f.rows, f.staged, f.rejected, f.dropped
        );
    }
    let notes: Vec<String> = r
        .files
        .iter()
        .flat_map(|f| {
            f.notes
                .iter()
                .map(move |n| format!("- `{}`: {}", f.file, md_cell(n)))
        })
        .collect();
    if !notes.is_empty() {
        let _ = writeln!(o, "\n{}", notes.join("\n"));
    }
    let _ = writeln!(o, "\n## Issues\n");
    let groups = by_code(&r.issues);
    if groups.is_empty() {
        let _ = writeln!(o, "None.");
    }
    for (code, list) in &groups {
        let _ = writeln!(o, "### {code} {} ({})\n", slug(code), list.len());
        let _ = writeln!(o, "| place | value | problem |\n| --- | --- | --- |");
        for i in list.iter().take(MD_EXAMPLES) {
            let _ = writeln!(
                o,
                "| {} | `{}` | {} |",
                place(i),
                md_cell(&i.value),
                md_cell(&i.message)
            );
        }
        if list.len() > MD_EXAMPLES {
            let _ = writeln!(
                o,
                "\n… and {} more (all in `stage-report.json`).",
                list.len() - MD_EXAMPLES
            );
        }
        o.push('\n');
    }
    let _ = writeln!(o, "## Rejected rows ({})\n", r.rejected.len());
    if !r.rejected.is_empty() {
        let _ = writeln!(
            o,
            "| place | record | code | reason |\n| --- | --- | --- | --- |"
        );
        for x in r.rejected.iter().take(MD_EXAMPLES * 5) {
            let _ = writeln!(
                o,
                "| {}:{} | {} | {} | {} |",
                x.file,
                x.line,
                x.id,
                x.code,
                md_cell(&x.reason)
            );
        }
    }
    let _ = writeln!(o, "\n## Dropped by source rules ({})\n", r.dropped.len());
    for ((object, rule), n) in dropped_counts(r) {
        let _ = writeln!(o, "- {object} `{rule}`: {n}");
    }
    let dups: Vec<_> = r.dropped.iter().filter(|d| d.rule == "dedupe").collect();
    if !dups.is_empty() {
        let _ = writeln!(
            o,
            "\nDuplicates:\n\n| place | record | reason |\n| --- | --- | --- |"
        );
        for d in dups.iter().take(MD_EXAMPLES * 5) {
            let _ = writeln!(
                o,
                "| {}:{} | {} | {} |",
                d.file,
                d.line,
                d.id,
                md_cell(&d.reason)
            );
        }
    }
    let _ = writeln!(o, "\n## Orphaned references\n");
    if r.orphans.is_empty() {
        let _ = writeln!(o, "None.");
    } else {
        let _ = writeln!(o, "| relation | column → target | count | to removed records | examples |\n| --- | --- | ---: | ---: | --- |");
        for x in &r.orphans {
            let ex: Vec<String> = x
                .examples
                .iter()
                .zip(&x.lines)
                .zip(&x.values)
                .map(|((id, l), v)| format!("{}:{l} {id} → `{v}`", x.file))
                .collect();
            let _ = writeln!(
                o,
                "| {} | {} → {} | {} | {} | {} |",
                x.relation,
                x.column,
                x.target,
                x.count,
                x.removed,
                ex.join("; ")
            );
        }
    }
    let _ = writeln!(o, "\n## Value-map coverage\n");
    if r.coverage.is_empty() {
        let _ = writeln!(o, "Every value the value maps met is covered by an arm.");
    } else {
        let _ = writeln!(
            o,
            "| map | value | count | outcome | examples |\n| --- | --- | ---: | --- | --- |"
        );
        for c in &r.coverage {
            let _ = writeln!(
                o,
                "| {} | `{}` | {} | {} | {} |",
                c.map,
                md_cell(&c.value),
                c.count,
                c.outcome,
                c.examples.join(", ")
            );
        }
    }
    o
}
