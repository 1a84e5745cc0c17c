//! Rendering a plan for people: text, JSON and a Markdown mapping table.
//!
//! Input: a [`Plan`]. Output: the load order and, per destination field, its
//! lineage (source columns and functions). The Markdown form is the mapping
//! table a customer signs off; the JSON form carries the same data.

use super::{FieldPlan, LoadStep, Pass, Plan, SplitOtherwise, TargetPlan, UnitKind};
use serde::Serialize;
use std::fmt::Write;
use std::sync::Arc;

/// One row of the mapping table.
#[derive(Debug, Serialize)]
pub struct Mapping {
    pub field: String,
    pub dest_type: String,
    pub role: &'static str,
    pub columns: Vec<Arc<str>>,
    pub functions: Vec<Arc<str>>,
}

/// One target of one unit, with its rows.
#[derive(Debug, Serialize)]
pub struct TargetMapping {
    pub unit: String,
    pub object: String,
    pub condition: Option<String>,
    pub mappings: Vec<Mapping>,
}

/// The data `ferry plan --format json` prints.
#[derive(Debug, Serialize)]
pub struct Summary {
    pub source: String,
    pub destination: String,
    pub load_order: Vec<LoadStep>,
    pub targets: Vec<TargetMapping>,
    pub placeholders: Vec<String>,
    pub references: Vec<String>,
}

fn rows(t: &TargetPlan) -> Vec<Mapping> {
    let row = |f: &FieldPlan, role: &'static str| Mapping {
        field: f.field.clone(),
        dest_type: f.dest.to_string(),
        role,
        columns: f.lineage.columns.clone(),
        functions: f.lineage.functions.clone(),
    };
    let mut out = vec![row(&t.key, "key")];
    out.extend(t.fields.iter().map(|f| row(f, "")));
    out.extend(t.deferred.iter().map(|f| row(f, "deferred")));
    out
}

/// Every target of the plan with its field lineage, in spec order.
pub fn summary(plan: &Plan) -> Summary {
    let mut targets = Vec::new();
    for u in &plan.units {
        let mut push = |t: &TargetPlan, condition: Option<String>| {
            targets.push(TargetMapping {
                unit: u.label.clone(),
                object: t.object.clone(),
                condition,
                mappings: rows(t),
            })
        };
        match &u.kind {
            UnitKind::Route { targets } => targets.iter().for_each(|t| push(t, None)),
            UnitKind::Merge { target, .. } => push(target, Some("one record per group".into())),
            UnitKind::Split { arms, otherwise } => {
                for (i, (_, t)) in arms.iter().enumerate() {
                    let when = t
                        .condition
                        .as_ref()
                        .map(|c| format!(": when {c}"))
                        .unwrap_or_default();
                    push(t, Some(format!("arm {}{when}", i + 1)));
                }
                if let Some(SplitOtherwise::Target(t)) = otherwise {
                    push(t, Some("else".into()));
                }
            }
        }
    }
    Summary {
        source: plan.source_system.clone(),
        destination: plan.destination.clone(),
        load_order: plan.load_order.clone(),
        targets,
        placeholders: plan
            .placeholders
            .iter()
            .map(|p| format!("{} ({})", p.id, p.object))
            .collect(),
        references: plan.references.iter().map(|r| r.title.clone()).collect(),
    }
}

/// `route a -> B` already names its target; a split arm needs it added.
fn heading(t: &TargetMapping) -> String {
    if t.unit.starts_with("split") {
        format!("{} → {}", t.unit, t.object)
    } else if t
        .unit
        .rsplit("->")
        .next()
        .is_some_and(|targets| targets.contains(','))
    {
        // A fan-out route names every target: say which one this is.
        format!("{} (target {})", t.unit, t.object)
    } else {
        t.unit.clone()
    }
}

fn step_line(s: &LoadStep) -> String {
    match s.pass {
        Pass::Upsert => format!("{:>2}. {} (upsert)", s.number, s.object),
        Pass::DeferredUpdate => format!(
            "{:>2}. {} (deferred update of self-references)",
            s.number, s.object
        ),
    }
}

fn lineage(m: &Mapping) -> String {
    let mut s = m.columns.join(", ");
    if !m.functions.is_empty() {
        if !s.is_empty() {
            s.push_str(" via ");
        }
        s.push_str(&m.functions.join(", "));
    }
    if s.is_empty() {
        s.push_str("(constant)");
    }
    s
}

/// Plain text for a terminal.
pub fn text(plan: &Plan) -> String {
    let s = summary(plan);
    let mut out = format!(
        "migration {} -> {}\n\nload order:\n",
        s.source, s.destination
    );
    for step in &s.load_order {
        let _ = writeln!(out, "  {}", step_line(step));
    }
    for t in &s.targets {
        let cond = t
            .condition
            .as_ref()
            .map(|c| format!(" [{c}]"))
            .unwrap_or_default();
        let _ = writeln!(out, "\n{}{cond}", heading(t));
        let width = t.mappings.iter().map(|m| m.field.len()).max().unwrap_or(0);
        for m in &t.mappings {
            let role = if m.role.is_empty() {
                String::new()
            } else {
                format!("  ({})", m.role)
            };
            let _ = writeln!(out, "  {:<width$} ← {}{role}", m.field, lineage(m));
        }
    }
    if !s.references.is_empty() {
        let _ = writeln!(out, "\nrebuild references: {}", s.references.join("; "));
    }
    out
}

fn md_cell(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', " ")
}

/// A Markdown mapping table a customer can sign off.
pub fn markdown(plan: &Plan) -> String {
    let s = summary(plan);
    let mut out = format!(
        "# Mapping: {} → {}\n\n## Load order\n\n",
        s.source, s.destination
    );
    for step in &s.load_order {
        let _ = writeln!(out, "{}", step_line(step).trim_start());
    }
    for t in &s.targets {
        let cond = t
            .condition
            .as_ref()
            .map(|c| format!(" ({c})"))
            .unwrap_or_default();
        let _ = write!(
            out,
            "\n## {}{cond}\n\n| Destination field | Type | Source | Transform | Note |\n| --- | --- | --- | --- | --- |\n",
            md_cell(&heading(t)),
        );
        for m in &t.mappings {
            let source = if m.columns.is_empty() {
                "(constant)".to_string()
            } else {
                m.columns.join(", ")
            };
            let _ = writeln!(
                out,
                "| `{}` | {} | {} | {} | {} |",
                md_cell(&m.field),
                md_cell(&m.dest_type),
                md_cell(&source),
                md_cell(&m.functions.join(", ")),
                m.role
            );
        }
    }
    if !s.placeholders.is_empty() {
        let _ = writeln!(out, "\n## Placeholders\n");
        for p in &s.placeholders {
            let _ = writeln!(out, "- {p}");
        }
    }
    if !s.references.is_empty() {
        let _ = writeln!(out, "\n## Rebuild references\n");
        for r in &s.references {
            let _ = writeln!(out, "- {r}");
        }
    }
    out
}
