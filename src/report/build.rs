//! Building the [`RunReport`] from the plan, the staging report and the
//! run's tally.
//!
//! Input: [`Inputs`]. Output: a [`RunReport`]. Invariants: lists are in a
//! fixed order (spec order, load order, counts descending then name), so
//! the report is byte-identical for identical runs; no count is invented
//! (rows a staging report does not describe count as staged).

use super::*;
use crate::emit::{RunOutput, Scope, SkipEntry};
use crate::plan::{Outcome, OwnerFallback, Pass, Plan, UnitKind};
use crate::runtime::Dataset;
use crate::span::Span;
use crate::value::Value;

/// What a report is built from.
pub struct Inputs<'a> {
    pub plan: &'a Plan,
    pub data: &'a Dataset,
    pub stage: Option<&'a StageReport>,
    pub run: &'a RunOutput,
    pub spec: &'a str,
    pub input: &'a str,
}

pub fn build<'a>(i: &Inputs<'a>) -> RunReport<'a> {
    let (plan, run) = (i.plan, i.run);
    let sources: Vec<SourceReport> = (0..plan.sources.len())
        .map(|o| source_report(i, o as u32))
        .collect();
    let units: Vec<UnitReport> = plan
        .units
        .iter()
        .enumerate()
        .map(|(u, unit)| unit_report(i, &sources, u, unit))
        .collect();
    let skipped = skipped(i);
    let flags = flags(i);
    let files: Vec<PayloadFile> = run
        .files
        .iter()
        .enumerate()
        .map(|(f, s)| PayloadFile {
            name: s.name.clone(),
            object: s.object.clone(),
            pass: s.pass,
            lines: run.lines[f],
            bytes: run.bytes[f],
        })
        .collect();
    let totals = Totals {
        records: units.iter().map(|u| u.records).sum(),
        emitted: units.iter().map(|u| u.emitted).sum(),
        skipped: units.iter().map(|u| u.skipped).sum(),
        filtered: units.iter().map(|u| u.filtered).sum(),
        payload_lines: run.lines.iter().sum(),
        upserts: sum_pass(&files, Pass::Upsert),
        updates: sum_pass(&files, Pass::DeferredUpdate),
        placeholders: run.placeholders.iter().sum(),
        flagged: flags.entries.len() as u64,
    };
    RunReport {
        ferry: Meta {
            version: env!("CARGO_PKG_VERSION").to_string(),
            report_format: 1,
        },
        spec: i.spec.to_string(),
        input: i.input.to_string(),
        source_system: plan.source_system.clone(),
        destination: plan.destination.clone(),
        totals,
        targets: targets(i, &files),
        units,
        sources,
        files,
        skipped,
        flags,
        owners: owners(i),
        value_maps: value_maps(i),
        field_coverage: coverage(i),
        references: plan
            .references
            .iter()
            .zip(&run.tally.references)
            .map(|(r, t)| ReferenceReport {
                title: r.title.clone(),
                source: i.data.object_name(r.source).to_string(),
                records: t.records,
                written: t.written,
                filtered: t.filtered,
                skipped: t.skipped,
                json: t.json.clone(),
                markdown: t.markdown.clone(),
                redacted: t
                    .redacted
                    .iter()
                    .map(|(field, values)| Redacted {
                        field: field.clone(),
                        values: *values,
                    })
                    .collect(),
            })
            .collect(),
        staging: i.stage,
        complete: true,
    }
}

fn sum_pass(files: &[PayloadFile], pass: Pass) -> u64 {
    files
        .iter()
        .filter(|f| f.pass == pass)
        .map(|f| f.lines)
        .sum()
}

fn source_report(i: &Inputs<'_>, object: u32) -> SourceReport {
    let s = &i.plan.sources[object as usize];
    let staged = i.data.len(object) as u64;
    let file = i
        .stage
        .and_then(|r| r.files.iter().find(|f| f.object == s.name));
    let (rejected, dropped) = file.map_or((0, 0), |f| (f.rejected, f.dropped));
    let mut read_by: Vec<String> = i
        .plan
        .units
        .iter()
        .filter(|u| u.source == object)
        .map(|u| u.label.clone())
        .collect();
    read_by.extend(
        i.plan
            .references
            .iter()
            .filter(|r| r.source == object)
            .map(|_| format!("reference {}", s.name)),
    );
    SourceReport {
        object: s.name.clone(),
        file: file.map_or_else(
            || {
                i.data
                    .table(object)
                    .map_or(s.file.clone(), |t| t.file.to_string())
            },
            |f| f.file.clone(),
        ),
        found: file.is_none_or(|f| f.found),
        // Without a staging report the dataset is all there is.
        rows_in_file: file.map_or(staged, |f| f.rows),
        rejected_by_staging: rejected,
        dropped_by_source_rules: dropped,
        staged,
        read_by,
    }
}

fn unit_report(
    i: &Inputs<'_>,
    sources: &[SourceReport],
    u: usize,
    unit: &crate::plan::Unit,
) -> UnitReport {
    let t = &i.run.tally.units[u];
    let s = &sources[unit.source as usize];
    let kind = match unit.kind {
        UnitKind::Route { .. } => "route",
        UnitKind::Split { .. } => "split",
        UnitKind::Merge { .. } => "merge",
    };
    let plans = unit.kind.targets();
    let is_split = matches!(unit.kind, UnitKind::Split { .. });
    let targets = plans
        .iter()
        .zip(&t.targets)
        .map(|(p, c)| UnitTarget {
            object: p.object.clone(),
            when: is_split.then(|| p.condition.clone().unwrap_or_else(|| "else".into())),
            records: c.records,
            updates: c.updates,
        })
        .collect();
    let accounting = Accounting {
        rows_in_file: s.rows_in_file,
        rejected_by_staging: s.rejected_by_staging,
        dropped_by_source_rules: s.dropped_by_source_rules,
        staged: s.staged,
        emitted: t.emitted,
        skipped: t.skipped,
        filtered: t.filtered,
        balanced: s.staged == t.records
            && t.records == t.emitted + t.skipped + t.filtered
            && s.rows_in_file == s.rejected_by_staging + s.dropped_by_source_rules + s.staged,
    };
    UnitReport {
        label: unit.label.clone(),
        kind: kind.to_string(),
        source: s.object.clone(),
        file: s.file.clone(),
        records: t.records,
        emitted: t.emitted,
        skipped: t.skipped,
        filtered: t.filtered,
        filtered_by: t
            .rules
            .iter()
            .map(|(rule, n)| RuleCount {
                rule: rule.clone(),
                records: *n,
            })
            .collect(),
        groups: matches!(unit.kind, UnitKind::Merge { .. }).then_some(t.groups),
        targets,
        accounting,
    }
}

fn scope_label(i: &Inputs<'_>, scope: Scope) -> String {
    match scope {
        Scope::Unit(u) => i
            .plan
            .units
            .get(u as usize)
            .map_or_else(String::new, |u| u.label.clone()),
        Scope::Reference(r) => i
            .plan
            .references
            .get(r as usize)
            .map_or_else(String::new, |r| {
                format!("reference {}", i.data.object_name(r.source))
            }),
    }
}

/// The destination field whose expression contains `span`.
fn field_of(plan: &Plan, scope: Scope, span: Span) -> Option<String> {
    let Scope::Unit(u) = scope else {
        return None;
    };
    let unit = plan.units.get(u as usize)?;
    for t in unit.kind.targets() {
        for f in std::iter::once(&t.key).chain(&t.fields).chain(&t.deferred) {
            let s = f.expr.span;
            if s.start <= span.start && span.end <= s.end && !s.is_empty() {
                return Some(format!("{}.{}", t.object, f.field));
            }
        }
    }
    None
}

fn skipped(i: &Inputs<'_>) -> Skipped {
    let skips = &i.run.tally.skips;
    let mut by: Vec<ReasonCount> = Vec::new();
    for s in skips {
        match by.iter_mut().find(|r| r.reason == s.reason) {
            Some(r) => r.records += s.records,
            None => {
                let code = crate::diagnostics::codes::lookup(&s.reason);
                by.push(ReasonCount {
                    reason: s.reason.clone(),
                    kind: if code.is_some() { "error" } else { "skip" }.to_string(),
                    summary: code.map(|c| c.summary.to_string()),
                    records: s.records,
                })
            }
        }
    }
    by.sort_by(|a, b| {
        b.records
            .cmp(&a.records)
            .then_with(|| a.reason.cmp(&b.reason))
    });
    Skipped {
        records: skips.iter().map(|s| s.records).sum(),
        by_reason: by,
        entries: skips.iter().map(|s| skip_row(i, s)).collect(),
    }
}

fn skip_row(i: &Inputs<'_>, s: &SkipEntry) -> SkipRow {
    SkipRow {
        unit: scope_label(i, s.scope),
        reason: s.reason.clone(),
        message: s
            .message
            .as_deref()
            .map(|m| super::redact::redact(m).0.into_owned()),
        field: field_of(i.plan, s.scope, s.span),
        id: s.id.clone(),
        file: s.file.to_string(),
        row: s.row,
        records: s.records,
    }
}

fn flags(i: &Inputs<'_>) -> Flags {
    let entries: Vec<FlagRow> = i
        .run
        .tally
        .flags
        .iter()
        .map(|f| FlagRow {
            unit: scope_label(i, f.scope),
            flag: f.flag.clone(),
            id: f.id.clone(),
            file: f.file.to_string(),
            row: f.row,
        })
        .collect();
    let mut by: Vec<RuleCount> = Vec::new();
    for f in &entries {
        match by.iter_mut().find(|r| r.rule == f.flag) {
            Some(r) => r.records += 1,
            None => by.push(RuleCount {
                rule: f.flag.clone(),
                records: 1,
            }),
        }
    }
    by.sort_by(|a, b| b.records.cmp(&a.records).then_with(|| a.rule.cmp(&b.rule)));
    Flags {
        by_flag: by,
        entries,
    }
}

fn owners(i: &Inputs<'_>) -> Option<Owners> {
    let plan = i.plan;
    let mut fields = Vec::new();
    for (u, unit) in plan.units.iter().enumerate() {
        let t = &i.run.tally.units[u];
        let layout = unit.kind.targets();
        for (p, c) in layout.iter().zip(&t.targets) {
            let all: Vec<&crate::plan::FieldPlan> = p.fields.iter().chain(&p.deferred).collect();
            let owner_fields = all.iter().filter(|f| f.expr.ty == crate::plan::Ty::Owner);
            for (f, o) in owner_fields.zip(&c.owners) {
                fields.push(OwnerField {
                    unit: unit.label.clone(),
                    object: p.object.clone(),
                    field: f.field.clone(),
                    by_email: o.email,
                    fallback: o.fallback,
                    unresolved: o.none,
                });
            }
        }
    }
    if plan.owners.is_none() && fields.is_empty() {
        return None;
    }
    let (fallback, fallback_skip) = match plan.owners.as_ref().and_then(|o| o.fallback.as_ref()) {
        Some(OwnerFallback::Owner(e)) => (Some(e.clone()), None),
        Some(OwnerFallback::Skip(r)) => (None, Some(r.clone())),
        None => (None, None),
    };
    let emails = &i.run.tally.owner_emails;
    Some(Owners {
        match_on: plan
            .owners
            .as_ref()
            .map_or_else(|| "email".to_string(), |o| o.match_on.clone()),
        fallback,
        fallback_skip,
        distinct_emails: emails.len() as u64,
        emails: emails.iter().take(100).cloned().collect(),
        fields,
        note: "ferry run only sees the owner emails the records carry and when the fallback \
               fired; matching them against the destination's users happens at load time, \
               where an email without a user is reported."
            .to_string(),
    })
}

fn show(v: &Value) -> String {
    match v {
        Value::Null => "null".to_string(),
        Value::Text(s) => s.to_string(),
        other => other.to_text().unwrap_or_default(),
    }
}

fn outcome_text(o: &Outcome) -> String {
    match o {
        Outcome::Value(v) => show(v),
        Outcome::Keep => "keep".to_string(),
        Outcome::Skip(r) => format!("skip(\"{r}\")"),
    }
}

fn value_maps(i: &Inputs<'_>) -> Vec<MapReport> {
    let cov = &i.run.tally.coverage;
    // The stage report's conversion, so `ferry stage` and `ferry run` agree.
    let mut rows = crate::stage::bundle::coverage_rows(i.plan, cov);
    // Values staging refused as outside the column's enum never reach a
    // map; they are still data the map does not cover.
    if let Some(stage) = i.stage {
        rows.extend(crate::stage::bundle::enum_rows(i.plan, stage, i.data));
    }
    i.plan
        .value_maps
        .iter()
        .enumerate()
        .map(|(m, map)| {
            let c = cov.maps.get(m);
            let hits = |a: usize| c.and_then(|c| c.hits.get(a)).copied().unwrap_or(0);
            let unmatched = rows
                .iter()
                .filter(|r| r.map == map.name)
                .map(|r| UnmatchedReport {
                    value: r.value.clone(),
                    records: r.count,
                    examples: r.examples.clone(),
                })
                .collect();
            MapReport {
                name: map.name.clone(),
                arms: map
                    .arms
                    .iter()
                    .enumerate()
                    .map(|(a, (keys, o))| ArmReport {
                        when: keys.iter().map(show).collect(),
                        then: outcome_text(o),
                        records: hits(a),
                    })
                    .collect(),
                null_keys: c.map_or(0, |c| c.nulls),
                unmatched,
                otherwise: map
                    .otherwise
                    .as_ref()
                    .map_or_else(|| "null".to_string(), outcome_text),
            }
        })
        .collect()
}

fn coverage(i: &Inputs<'_>) -> Vec<ObjectCoverage> {
    let mut out: Vec<ObjectCoverage> = Vec::new();
    for f in i.run.files.iter().filter(|f| f.pass == Pass::Upsert) {
        let mut oc = ObjectCoverage {
            object: f.object.clone(),
            records: 0,
            fields: Vec::new(),
        };
        for (u, unit) in i.plan.units.iter().enumerate() {
            let tally = &i.run.tally.units[u];
            for (p, c) in unit.kind.targets().iter().zip(&tally.targets) {
                if p.object != f.object {
                    continue;
                }
                oc.records += c.records;
                let names = p
                    .fields
                    .iter()
                    .map(|f| (f, false))
                    .chain(p.deferred.iter().map(|f| (f, true)));
                for ((fp, deferred), n) in names.zip(&c.with_value) {
                    match oc.fields.iter_mut().find(|x| x.field == fp.field) {
                        Some(x) => x.with_value += n,
                        None => oc.fields.push(FieldCoverage {
                            field: fp.field.clone(),
                            with_value: *n,
                            deferred,
                        }),
                    }
                }
            }
        }
        out.push(oc);
    }
    out
}

fn targets(i: &Inputs<'_>, files: &[PayloadFile]) -> Vec<TargetReport> {
    let mut out: Vec<TargetReport> = Vec::new();
    for (f, file) in files.iter().enumerate() {
        if file.pass != Pass::Upsert {
            continue;
        }
        let updates = files
            .iter()
            .filter(|d| d.object == file.object && d.pass == Pass::DeferredUpdate)
            .map(|d| d.lines)
            .sum();
        let from = i
            .plan
            .units
            .iter()
            .filter(|u| u.kind.targets().iter().any(|t| t.object == file.object))
            .map(|u| u.label.clone())
            .collect();
        out.push(TargetReport {
            object: file.object.clone(),
            file: file.name.clone(),
            records: file.lines,
            placeholders: i.run.placeholders.get(f).copied().unwrap_or(0),
            updates,
            from,
        });
    }
    out
}
