//! The run report for people: [`RunReport`] → a [`Doc`] that
//! `report.md` and `report.html` render.
//!
//! Input: a built report. Output: a document in a fixed section order
//! (summary, accounting, payload files, skipped, flags, owners, value maps,
//! field coverage, references, staging). Invariants: long lists show the
//! first [`SHOWN_PER_REASON`] entries per reason (twice as many of
//! staging's rejected and dropped rows) and how many more there are;
//! report.json has all of them; nothing here computes a new count.

use super::doc::{Doc, Table};
use super::*;

pub(super) fn doc(r: &RunReport<'_>) -> Doc {
    let mut d = Doc::new(format!(
        "ferry run: {} → {}",
        r.source_system, r.destination
    ));
    summary(&mut d, r);
    accounting(&mut d, r);
    files(&mut d, r);
    skipped(&mut d, r);
    flags(&mut d, r);
    owners(&mut d, r);
    maps(&mut d, r);
    coverage(&mut d, r);
    references(&mut d, r);
    staging(&mut d, r);
    d
}

fn n(x: u64) -> String {
    x.to_string()
}

/// `1 record`, `2 records`.
fn count(x: u64, noun: &str) -> String {
    if x == 1 {
        format!("1 {noun}")
    } else {
        format!("{x} {noun}s")
    }
}

fn pct(part: u64, whole: u64) -> String {
    if whole == 0 {
        "–".to_string()
    } else {
        format!("{:.1}%", part as f64 * 100.0 / whole as f64)
    }
}

/// A table of the first `shown` of `items`, a row each, then how many more
/// there are (report.json has them all).
fn capped_table<T>(
    d: &mut Doc,
    head: &[&str],
    items: &[T],
    shown: usize,
    row: impl Fn(&T) -> Vec<String>,
) {
    let mut tab = Table::new(head, &[]);
    for x in items.iter().take(shown) {
        tab.row(row(x));
    }
    d.table(tab);
    if items.len() > shown {
        d.para(format!("… and {} more.", items.len() - shown));
    }
}

fn summary(d: &mut Doc, r: &RunReport<'_>) {
    let t = &r.totals;
    d.para(format!(
        "Spec {} over the export in {}: {} → {} emitted, {} skipped, {} filtered; \
         {} ({} upserts, {} deferred updates, {}) in {}; {} flagged.",
        r.spec,
        r.input,
        count(t.records, "source record"),
        t.emitted,
        t.skipped,
        t.filtered,
        count(t.payload_lines, "payload line"),
        t.upserts,
        t.updates,
        count(t.placeholders, "placeholder"),
        count(r.files.len() as u64, "file"),
        t.flagged,
    ));
    d.h2("Units");
    let mut tab = Table::new(
        &[
            "Unit", "Source", "Records", "Emitted", "Skipped", "Filtered", "Sent to",
        ],
        &["Records", "Emitted", "Skipped", "Filtered"],
    );
    for u in &r.units {
        let to: Vec<String> = u
            .targets
            .iter()
            .map(|t| match &t.when {
                Some(w) => format!("{} {} ({w})", t.records, t.object),
                None => format!("{} {}", t.records, t.object),
            })
            .collect();
        let mut filtered = n(u.filtered);
        if !u.filtered_by.is_empty() {
            let rules: Vec<String> = u.filtered_by.iter().map(|f| f.rule.clone()).collect();
            filtered = format!("{filtered} ({})", rules.join(", "));
        }
        tab.row(vec![
            u.label.clone(),
            u.file.clone(),
            n(u.records),
            n(u.emitted),
            n(u.skipped),
            filtered,
            to.join("; "),
        ]);
    }
    d.table(tab);
}

fn accounting(d: &mut Doc, r: &RunReport<'_>) {
    d.h2("Accounting");
    d.para(
        "Every row of a unit's source file is rejected by staging, dropped by a source rule, \
         or staged; every staged record is emitted, skipped or filtered.",
    );
    let mut tab = Table::new(
        &[
            "Unit",
            "Rows in file",
            "Rejected",
            "Dropped by rules",
            "Staged",
            "Emitted",
            "Skipped",
            "Filtered",
            "Adds up",
        ],
        &[
            "Rows in file",
            "Rejected",
            "Dropped by rules",
            "Staged",
            "Emitted",
            "Skipped",
            "Filtered",
        ],
    );
    for u in &r.units {
        let a = &u.accounting;
        tab.row(vec![
            u.label.clone(),
            n(a.rows_in_file),
            n(a.rejected_by_staging),
            n(a.dropped_by_source_rules),
            n(a.staged),
            n(a.emitted),
            n(a.skipped),
            n(a.filtered),
            if a.balanced { "yes" } else { "NO" }.to_string(),
        ]);
    }
    d.table(tab);
}

fn files(d: &mut Doc, r: &RunReport<'_>) {
    d.h2("Payload files");
    d.para("In load order; load them top to bottom.");
    let mut tab = Table::new(&["File", "Object", "Pass", "Lines", "From"], &["Lines"]);
    for f in &r.files {
        let from = r
            .targets
            .iter()
            .find(|t| t.object == f.object)
            .map(|t| t.from.join(", "))
            .unwrap_or_default();
        let pass = match f.pass {
            crate::plan::Pass::Upsert => "upsert",
            crate::plan::Pass::DeferredUpdate => "deferred update",
        };
        tab.row(vec![
            f.name.clone(),
            f.object.clone(),
            pass.into(),
            n(f.lines),
            from,
        ]);
    }
    d.table(tab);
}

fn skipped(d: &mut Doc, r: &RunReport<'_>) {
    d.h2("Skipped records");
    let s = &r.skipped;
    if s.records == 0 {
        d.para("No record was skipped.");
        return;
    }
    d.para(format!(
        "{} skipped. Up to {SHOWN_PER_REASON} are listed per reason; report.json lists all.",
        count(s.records, "source record")
    ));
    let mut tab = Table::new(&["Reason", "Kind", "Records", "Meaning"], &["Records"]);
    for b in &s.by_reason {
        tab.row(vec![
            b.reason.clone(),
            b.kind.clone(),
            n(b.records),
            b.summary.clone().unwrap_or_default(),
        ]);
    }
    d.table(tab);
    for b in &s.by_reason {
        d.h3(format!("{} ({})", b.reason, count(b.records, "record")));
        let rows: Vec<&SkipRow> = s.entries.iter().filter(|e| e.reason == b.reason).collect();
        let head = ["Record", "File:row", "Unit", "Field", "Detail"];
        capped_table(d, &head, &rows, SHOWN_PER_REASON, |e| {
            let mut detail = e.message.clone().unwrap_or_default();
            if e.records > 1 {
                detail = format!("group of {} records. {detail}", e.records)
                    .trim()
                    .to_string();
            }
            vec![
                e.id.clone(),
                format!("{}:{}", e.file, e.row),
                e.unit.clone(),
                e.field.clone().unwrap_or_default(),
                detail,
            ]
        });
    }
}

fn flags(d: &mut Doc, r: &RunReport<'_>) {
    d.h2("Flags");
    let f = &r.flags;
    if f.entries.is_empty() {
        d.para("No record was flagged.");
        return;
    }
    d.para("Flagged records were sent; review them.");
    for b in &f.by_flag {
        d.h3(format!("{} ({})", b.rule, count(b.records, "record")));
        let rows: Vec<&FlagRow> = f.entries.iter().filter(|e| e.flag == b.rule).collect();
        let head = ["Record", "File:row", "Unit"];
        capped_table(d, &head, &rows, SHOWN_PER_REASON, |e| {
            vec![
                e.id.clone(),
                format!("{}:{}", e.file, e.row),
                e.unit.clone(),
            ]
        });
    }
}

fn owners(d: &mut Doc, r: &RunReport<'_>) {
    let Some(o) = &r.owners else {
        return;
    };
    d.h2("Owners");
    let policy = match (&o.fallback, &o.fallback_skip) {
        (Some(f), _) => format!("records without an owner email get {f}"),
        (_, Some(s)) => format!("records without an owner email are skipped as {s}"),
        _ => "records without an owner email are sent without an owner".to_string(),
    };
    d.para(format!(
        "Owners are matched by {}; {policy}. {} distinct owner emails. {}",
        o.match_on, o.distinct_emails, o.note
    ));
    let mut tab = Table::new(
        &["Unit", "Field", "By email", "Fallback", "Unresolved"],
        &["By email", "Fallback", "Unresolved"],
    );
    for f in &o.fields {
        tab.row(vec![
            f.unit.clone(),
            format!("{}.{}", f.object, f.field),
            n(f.by_email),
            n(f.fallback),
            n(f.unresolved),
        ]);
    }
    d.table(tab);
}

fn maps(d: &mut Doc, r: &RunReport<'_>) {
    if r.value_maps.is_empty() {
        return;
    }
    d.h2("Value maps");
    for m in &r.value_maps {
        d.h3(format!("values {}", m.name));
        let mut tab = Table::new(&["When", "Then", "Records"], &["Records"]);
        for a in &m.arms {
            tab.row(vec![a.when.join(", "), a.then.clone(), n(a.records)]);
        }
        for u in &m.unmatched {
            tab.row(vec![
                format!("{} (no arm; e.g. {})", u.value, u.examples.join(", ")),
                m.otherwise.clone(),
                n(u.records),
            ]);
        }
        if m.null_keys > 0 {
            tab.row(vec!["(empty)".into(), "null".into(), n(m.null_keys)]);
        }
        d.table(tab);
    }
}

fn coverage(d: &mut Doc, r: &RunReport<'_>) {
    d.h2("Field coverage");
    d.para("Per destination object and field: how many records send a value.");
    for o in &r.field_coverage {
        d.h3(format!("{} ({})", o.object, count(o.records, "record")));
        let mut tab = Table::new(&["Field", "With value", "Share"], &["With value", "Share"]);
        for f in &o.fields {
            let name = if f.deferred {
                format!("{} (deferred)", f.field)
            } else {
                f.field.clone()
            };
            tab.row(vec![name, n(f.with_value), pct(f.with_value, o.records)]);
        }
        d.table(tab);
    }
}

fn references(d: &mut Doc, r: &RunReport<'_>) {
    if r.references.is_empty() {
        return;
    }
    d.h2("Rebuild references");
    let mut tab = Table::new(
        &[
            "Reference",
            "Source",
            "Records",
            "Written",
            "Filtered",
            "Skipped",
            "Files",
        ],
        &["Records", "Written", "Filtered", "Skipped"],
    );
    for x in &r.references {
        tab.row(vec![
            x.title.clone(),
            x.source.clone(),
            n(x.records),
            n(x.written),
            n(x.filtered),
            n(x.skipped),
            format!("{}, {}", x.json, x.markdown),
        ]);
    }
    d.table(tab);
    let notes: Vec<String> = r
        .references
        .iter()
        .flat_map(|x| x.redacted.iter().map(move |f| (x, f)))
        .map(|(x, f)| {
            format!(
                "W0901: {} {} of `{}` in {} held credentials, written as `[redacted]`; hand the credentials over separately",
                n(f.values),
                if f.values == 1 { "value" } else { "values" },
                f.field,
                x.json
            )
        })
        .collect();
    if !notes.is_empty() {
        d.list(notes);
    }
}

fn staging(d: &mut Doc, r: &RunReport<'_>) {
    d.h2("Staging");
    let mut tab = Table::new(
        &[
            "Object",
            "File",
            "Rows",
            "Rejected",
            "Dropped by rules",
            "Staged",
            "Read by",
        ],
        &["Rows", "Rejected", "Dropped by rules", "Staged"],
    );
    for s in &r.sources {
        let file = if s.found {
            s.file.clone()
        } else {
            format!("{} (not in the export)", s.file)
        };
        tab.row(vec![
            s.object.clone(),
            file,
            n(s.rows_in_file),
            n(s.rejected_by_staging),
            n(s.dropped_by_source_rules),
            n(s.staged),
            s.read_by.join(", "),
        ]);
    }
    d.table(tab);
    let Some(st) = r.staging else {
        d.para("No staging report (the data was not read from an export).");
        return;
    };
    if !st.issues.is_empty() {
        d.h3(format!("Cell and row issues ({})", st.issues.len()));
        let mut codes: Vec<(&str, usize)> = Vec::new();
        for i in &st.issues {
            match codes.iter_mut().find(|(c, _)| *c == i.code) {
                Some((_, k)) => *k += 1,
                None => codes.push((&i.code, 1)),
            }
        }
        codes.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(b.0)));
        for (code, count) in codes {
            let rows: Vec<_> = st.issues.iter().filter(|i| i.code == code).collect();
            d.para(format!("{code}: {count} issues."));
            let head = ["File:line", "Column", "Value", "Problem"];
            capped_table(d, &head, &rows, SHOWN_PER_REASON, |i| {
                vec![
                    format!("{}:{}", i.file, i.line),
                    i.column.clone(),
                    i.value.clone(),
                    i.message.clone(),
                ]
            });
        }
    }
    if !st.rejected.is_empty() {
        d.h3(format!("Rejected by staging ({})", st.rejected.len()));
        let head = ["Record", "File:line", "Code", "Reason"];
        capped_table(d, &head, &st.rejected, SHOWN_PER_REASON * 2, |x| {
            vec![
                x.id.clone(),
                format!("{}:{}", x.file, x.line),
                x.code.clone(),
                x.reason.clone(),
            ]
        });
    }
    if !st.dropped.is_empty() {
        d.h3(format!("Dropped by source rules ({})", st.dropped.len()));
        let head = ["Record", "File:line", "Reason"];
        capped_table(d, &head, &st.dropped, SHOWN_PER_REASON * 2, |x| {
            vec![
                x.id.clone(),
                format!("{}:{}", x.file, x.line),
                x.reason.clone(),
            ]
        });
    }
    if !st.orphans.is_empty() {
        d.h3("References to records not in the export");
        let mut tab = Table::new(&["Relation", "Count", "Examples"], &["Count"]);
        for o in &st.orphans {
            tab.row(vec![o.relation.clone(), n(o.count), o.examples.join(", ")]);
        }
        d.table(tab);
    }
}
