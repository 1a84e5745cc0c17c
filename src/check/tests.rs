//! `test` blocks: golden cases run at check time through the runtime's
//! evaluator (the same code `ferry run` uses).
//!
//! Input: the plan and the spec's test blocks. Output: E0601 for a failing
//! expectation (expected and actual, field by field), E0602 for a `given`
//! that does not fit the export, E0603 for an `expect` naming no target.
//! Invariant: a test sees records exactly as a run would: source rules
//! (`where`, `dedupe`) apply, and every unit of the spec runs.

use crate::diagnostics::{codes, did_you_mean, Diagnostic, Diagnostics, SourceFile};
use crate::plan::Plan;
use crate::runtime::data::{Dataset, Table};
use crate::runtime::eval::Ctx;
use crate::runtime::exec::{
    apply_source_rules, run_unit, to_json, DropReason, Emitted, Outcome, Subject,
};
use crate::schema::model::FieldType;
use crate::syntax::ast::{self, Expect, ExpectKind, ExprKind, Literal, UnaryOp};
use crate::value::{RecRef, Value};
use chrono::NaiveDate;
use std::sync::Arc;

/// What running a test's records produced.
#[derive(Default)]
struct Produced {
    emitted: Vec<Emitted>,
    /// (reason, record id)
    skipped: Vec<(String, String)>,
}

/// Runs every test block; returns the diagnostics of the failing ones.
pub fn run_tests(plan: &Plan, tests: &[ast::TestBlock], file: &Arc<SourceFile>) -> Diagnostics {
    let mut diags = Diagnostics::new();
    for t in tests {
        if let Some(data) = dataset(plan, t, file, &mut diags) {
            let produced = run(plan, data);
            for e in &t.expects {
                check_expect(plan, t, e, &produced, file, &mut diags);
            }
        }
    }
    diags
}

fn literal(e: &ast::Expr) -> Option<Literal> {
    match &e.kind {
        ExprKind::Literal(l) => Some(l.clone()),
        ExprKind::Unary {
            op: UnaryOp::Neg,
            operand,
        } => match &operand.kind {
            ExprKind::Literal(Literal::Int(i)) => Some(Literal::Int(-i)),
            ExprKind::Literal(Literal::Float(f)) => Some(Literal::Float(-f)),
            _ => None,
        },
        _ => None,
    }
}

/// A given literal as the staged value of a column of type `ty`.
fn staged(l: &Literal, ty: &FieldType) -> Result<Value, String> {
    let text = match l {
        Literal::Null => return Ok(Value::Null),
        Literal::Str(s) => s.clone(),
        Literal::Int(i) => i.to_string(),
        Literal::Float(f) => f.to_string(),
        Literal::Bool(b) => b.to_string(),
    };
    let fail = || format!("{text:?} is not a valid {ty}");
    Ok(match ty {
        FieldType::Integer => Value::Int(text.parse().map_err(|_| fail())?),
        FieldType::Number { .. } | FieldType::Percent | FieldType::Currency => {
            Value::Num(rust_decimal::Decimal::from_str_exact(&text).map_err(|_| fail())?)
        }
        FieldType::Boolean => match l {
            Literal::Bool(b) => Value::Bool(*b),
            _ => return Err(fail()),
        },
        FieldType::Date => {
            Value::Date(NaiveDate::parse_from_str(&text, "%Y-%m-%d").map_err(|_| fail())?)
        }
        FieldType::Datetime => {
            let t = chrono::DateTime::parse_from_rfc3339(&text)
                .map(|t| t.with_timezone(&chrono::Utc))
                .or_else(|_| {
                    chrono::NaiveDateTime::parse_from_str(&text, "%Y-%m-%d %H:%M:%S")
                        .map(|t| t.and_utc())
                })
                .map_err(|_| fail())?;
            Value::DateTime(t)
        }
        FieldType::Picklist { values } => {
            // Messy spellings fold onto the canonical value, as staging does.
            let fold = |s: &str| s.trim().to_lowercase();
            let found = values.iter().find(|v| {
                v.value == text
                    || fold(&v.value) == fold(&text)
                    || v.aliases.iter().any(|a| fold(a) == fold(&text))
            });
            match found {
                Some(v) => Value::text(&v.value),
                None => {
                    let names: Vec<&str> = values.iter().map(|v| v.value.as_str()).collect();
                    return Err(format!("{text:?} is not one of {}", names.join(", ")));
                }
            }
        }
        FieldType::List { .. } | FieldType::Multipicklist { .. } => Value::List(
            text.split(';')
                .map(|p| Value::text(p.trim()))
                .collect::<Vec<_>>()
                .into(),
        ),
        _ => Value::text(&text),
    })
}

/// Builds the test's dataset from its `given` blocks.
fn dataset(
    plan: &Plan,
    t: &ast::TestBlock,
    file: &Arc<SourceFile>,
    diags: &mut Diagnostics,
) -> Option<Dataset> {
    let mut tables: Vec<Table> = plan
        .sources
        .iter()
        .map(|s| Table::new(s.file.as_str(), s.columns.len()))
        .collect();
    let mut ok = true;
    let mut taken_at = None;
    for (line, g) in t.givens.iter().enumerate() {
        // `given export { taken_at = "…" }` sets the bundle timestamp.
        if g.object.name == "export" {
            for f in &g.fields {
                let value = literal(&f.value).map(|l| staged(&l, &FieldType::Datetime));
                match (f.field.dotted().as_str(), value) {
                    ("taken_at", Some(Ok(Value::DateTime(t)))) => taken_at = Some(t),
                    _ => {
                        diags.push(
                            Diagnostic::new(
                                codes::E0602,
                                "`given export` sets only `taken_at`, a datetime literal",
                            )
                            .in_file(file)
                            .label(f.span, "not `taken_at = \"2024-06-01T12:00:00Z\"`"),
                        );
                        ok = false;
                    }
                }
            }
            continue;
        }
        let Some(obj) = plan.sources.iter().position(|s| s.name == g.object.name) else {
            let names: Vec<&str> = plan.sources.iter().map(|s| s.name.as_str()).collect();
            diags.push(
                Diagnostic::new(
                    codes::E0602,
                    format!(
                        "no route, rule or relation of this spec reads `{}`",
                        g.object.name
                    ),
                )
                .in_file(file)
                .label(g.object.span, "records here could not matter")
                .maybe_help(did_you_mean(&g.object.name, names.iter().copied()))
                .note(format!("objects this spec reads: {}", names.join(", "))),
            );
            ok = false;
            continue;
        };
        let source = &plan.sources[obj];
        let mut row = vec![Value::Null; source.columns.len()];
        for f in &g.fields {
            let name = f.field.dotted();
            let Some(c) = source.columns.iter().position(|c| c.name == name) else {
                diags.push(
                    Diagnostic::new(
                        codes::E0602,
                        format!("`{}` has no column `{name}`", source.name),
                    )
                    .in_file(file)
                    .label(f.field.span, "unknown column")
                    .maybe_help(did_you_mean(
                        &name,
                        source.columns.iter().map(|c| c.name.as_str()),
                    )),
                );
                ok = false;
                continue;
            };
            let value = match literal(&f.value) {
                Some(l) => staged(&l, &source.columns[c].ty),
                None => Err("a given value must be a literal".to_string()),
            };
            match value {
                Ok(v) => row[c] = v,
                Err(why) => {
                    diags.push(
                        Diagnostic::new(
                            codes::E0602,
                            format!("this value does not fit `{}.{name}`: {why}", source.name),
                        )
                        .in_file(file)
                        .label(f.value.span, format!("expected {}", source.columns[c].ty)),
                    );
                    ok = false;
                }
            }
        }
        tables[obj].push(row, line as u32 + 1);
    }
    ok.then(|| {
        let mut data = Dataset::new(plan, tables);
        data.taken_at = taken_at;
        data
    })
}

fn run(plan: &Plan, data: Dataset) -> Produced {
    let (data, dropped) = apply_source_rules(plan, data);
    let mut p = Produced::default();
    for d in dropped {
        let reason = match d.why {
            DropReason::Filtered => "source where".to_string(),
            DropReason::Duplicate { .. } => "duplicate".to_string(),
            DropReason::Skipped(r) => r,
            DropReason::Failed(e) => e.code.id.to_string(),
        };
        p.skipped.push((reason, d.id));
    }
    let mut ctx = Ctx::new(plan, &data);
    for unit in &plan.units {
        let id = |s: &Subject| match s {
            Subject::Record(row) => data.record_id(RecRef {
                object: unit.source,
                row: *row,
            }),
            Subject::Group(_) => unit.label.clone(),
        };
        run_unit(&mut ctx, unit, |subject, outcome| match outcome {
            Outcome::Emitted(records) => p.emitted.extend(records),
            Outcome::Skipped { reason, .. } => p.skipped.push((reason, id(&subject))),
            Outcome::Failed(e) => p.skipped.push((e.code.id.to_string(), id(&subject))),
            Outcome::Filtered { .. } => {}
        });
    }
    p
}

/// The value a field of an emitted record has, as JSON (refs as their id).
fn actual(e: &Emitted, field: &str) -> Option<serde_json::Value> {
    if e.key.0 == field {
        return Some(to_json(&e.key.1));
    }
    if let Some(v) = e.fields.get(field).or_else(|| e.deferred.get(field)) {
        return Some(to_json(v));
    }
    e.refs
        .get(field)
        .or_else(|| e.deferred_refs.get(field))
        .map(|r| serde_json::Value::String(r.clone()))
}

/// The expected value of an `expect` field: a literal or a list of literals.
fn expected_value(e: &ast::Expr) -> Option<serde_json::Value> {
    match &e.kind {
        ExprKind::List(items) => items
            .iter()
            .map(expected_value)
            .collect::<Option<Vec<_>>>()
            .map(serde_json::Value::Array),
        _ => literal(e).map(|l| expected(&l)),
    }
}

fn expected(l: &Literal) -> serde_json::Value {
    match l {
        Literal::Str(s) => serde_json::Value::String(s.clone()),
        Literal::Int(i) => serde_json::json!(i),
        Literal::Float(f) => serde_json::json!(f),
        Literal::Bool(b) => serde_json::Value::Bool(*b),
        Literal::Null => serde_json::Value::Null,
    }
}

fn same(want: &serde_json::Value, got: Option<&serde_json::Value>) -> bool {
    match (want, got) {
        (serde_json::Value::Null, None | Some(serde_json::Value::Null)) => true,
        (w, Some(g)) if w.is_number() && g.is_number() => w.as_f64() == g.as_f64(),
        (w, Some(g)) if w.is_number() && g.is_string() => g.as_str() == Some(&w.to_string()),
        (w, Some(g)) => w == g,
        _ => false,
    }
}

fn show(v: Option<&serde_json::Value>) -> String {
    v.map_or("(absent)".to_string(), |v| v.to_string())
}

fn check_expect(
    plan: &Plan,
    t: &ast::TestBlock,
    e: &Expect,
    p: &Produced,
    file: &Arc<SourceFile>,
    diags: &mut Diagnostics,
) {
    let fail = |msg: String| {
        Diagnostic::new(
            codes::E0601,
            format!("test {:?} failed: {msg}", t.name.value),
        )
        .in_file(file)
        .label(e.span, "this expectation")
    };
    let produced_summary = || {
        let mut parts: Vec<String> = p
            .emitted
            .iter()
            .map(|r| format!("{} {}", r.object, r.id))
            .collect();
        parts.extend(
            p.skipped
                .iter()
                .map(|(r, id)| format!("skip({r:?}) of {id}")),
        );
        if parts.is_empty() {
            "nothing".to_string()
        } else {
            parts.join(", ")
        }
    };
    match &e.kind {
        ExpectKind::Skip(r) => {
            if !p.skipped.iter().any(|(reason, _)| *reason == r.code) {
                diags.push(
                    fail(format!("no record was skipped with {:?}", r.code))
                        .note(format!("the test produced: {}", produced_summary())),
                );
            }
        }
        ExpectKind::Flag(r) => {
            if !p.emitted.iter().any(|x| x.flags.contains(&r.code)) {
                diags.push(
                    fail(format!("no record was flagged {:?}", r.code))
                        .note(format!("the test produced: {}", produced_summary())),
                );
            }
        }
        ExpectKind::Record { object, fields } => {
            let is_target = plan
                .units
                .iter()
                .any(|u| u.kind.targets().iter().any(|t| t.object == object.name));
            if !is_target {
                diags.push(
                    Diagnostic::new(
                        codes::E0603,
                        format!("no route of this spec produces `{}`", object.name),
                    )
                    .in_file(file)
                    .label(object.span, "not a target of this spec"),
                );
                return;
            }
            let wants: Vec<(String, Option<serde_json::Value>, ast::FieldInit)> = fields
                .iter()
                .map(|f| (f.field.dotted(), expected_value(&f.value), f.clone()))
                .collect();
            for (name, want, f) in &wants {
                if want.is_none() {
                    diags.push(
                        Diagnostic::new(codes::E0603, format!("expected value of `{name}` must be a literal or a list of literals"))
                            .in_file(file)
                            .label(f.value.span, "not a literal"),
                    );
                    return;
                }
            }
            let candidates: Vec<&Emitted> = p
                .emitted
                .iter()
                .filter(|r| r.object == object.name)
                .collect();
            let matches = |r: &Emitted| {
                wants.iter().all(|(n, w, _)| {
                    same(
                        w.as_ref().unwrap_or(&serde_json::Value::Null),
                        actual(r, n).as_ref(),
                    )
                })
            };
            if candidates.iter().any(|r| matches(r)) {
                return;
            }
            let Some(best) = candidates.iter().max_by_key(|r| {
                wants
                    .iter()
                    .filter(|(n, w, _)| {
                        same(
                            w.as_ref().unwrap_or(&serde_json::Value::Null),
                            actual(r, n).as_ref(),
                        )
                    })
                    .count()
            }) else {
                diags.push(
                    fail(format!("no `{}` record was produced", object.name))
                        .note(format!("the test produced: {}", produced_summary())),
                );
                return;
            };
            // Labels on the differing values only: miette cannot nest labels on one line.
            let mut d = Diagnostic::new(
                codes::E0601,
                format!(
                    "test {:?} failed: `{}` {} differs from the expectation",
                    t.name.value, object.name, best.id
                ),
            )
            .in_file(file);
            for (n, w, f) in &wants {
                let got = actual(best, n);
                let w = w.clone().unwrap_or(serde_json::Value::Null);
                if !same(&w, got.as_ref()) {
                    d = d
                        .label(
                            f.value.span,
                            format!("expected {w}, got {}", show(got.as_ref())),
                        )
                        .note(format!("{n}: expected {w}, actual {}", show(got.as_ref())));
                }
            }
            diags.push(d);
        }
    }
}
