//! Checks that need every unit checked first: placeholders and the
//! strict-mode warnings.
//!
//! Input: the checker after all units (the placeholders expressions
//! registered, the units' targets, the destination objects with their
//! declarations, map and table use). Output: placeholder plans and
//! E0212, E0301, E0302 for bad placeholders; warnings W0303 (declared
//! custom field never assigned), W0304 (commonly wanted field unmapped),
//! W0401/W0402 (unused value map or table). Invariants: each placeholder
//! record is checked once however often it is used; the warnings only
//! report, they never change the plan.

use super::expr::literal;
use super::symbols::literal_value;
use super::types::assign;
use super::Checker;
use crate::diagnostics::{codes, did_you_mean, Diagnostic};
use crate::plan::{PlaceholderPlan, TargetPlan};
use crate::syntax::ast::ExprKind;
use std::sync::Arc;

impl Checker<'_> {
    /// Placeholders: a known object, literal values, legal types, required fields.
    pub(super) fn check_placeholders(&mut self) {
        let pending = std::mem::take(&mut self.symbols.placeholders);
        for (i, p) in pending.iter().enumerate() {
            let file = Arc::clone(&p.file);
            self.with_file(&file, |c| {
                let Some(obj) = c.dest.get(&p.object.name).cloned() else {
                    let names: Vec<&str> = c.dest.keys().map(String::as_str).collect();
                    let d = Diagnostic::new(
                        codes::E0212,
                        format!("`{}` has no object `{}`", c.dest_system, p.object.name),
                    )
                    .in_file(&c.file)
                    .label(p.object.span, "unknown destination object")
                    .maybe_help(did_you_mean(&p.object.name, names));
                    c.diags.push(d);
                    return;
                };
                let mut fields = Vec::new();
                for f in &p.fields {
                    let Some(field) = c.dest_field(&obj, &f.field).cloned() else {
                        continue;
                    };
                    let ExprKind::Literal(l) = &f.value.kind else {
                        let d = Diagnostic::new(
                            codes::E0301,
                            "placeholder fields take fixed values",
                        )
                        .in_file(&c.file)
                        .label(f.value.span, "not a literal")
                        .help("a placeholder is one shared record; write its values as literals");
                        c.diags.push(d);
                        continue;
                    };
                    let t = literal(l, f.value.span);
                    let mut risks = Vec::new();
                    if assign(&t.ty, &field.ty, &mut risks).is_err() {
                        let d = Diagnostic::new(
                            codes::E0301,
                            format!(
                                "{} cannot be assigned to `{}.{}` ({})",
                                t.ty,
                                obj.name,
                                f.field.dotted(),
                                field.ty
                            ),
                        )
                        .in_file(&c.file)
                        .label(f.value.span, "wrong type");
                        c.diags.push(d);
                    }
                    fields.push((f.field.dotted(), literal_value(l)));
                }
                for (name, field) in obj.fields() {
                    if field.required && field.createable && !fields.iter().any(|(n, _)| n == name)
                    {
                        let d = Diagnostic::new(
                            codes::E0302,
                            format!(
                                "required field `{}.{name}` is not set on this placeholder",
                                obj.name
                            ),
                        )
                        .in_file(&c.file)
                        .label(p.object.span, "placeholder")
                        .help(format!("add `{name} = \"…\"`"));
                        c.diags.push(d);
                    }
                }
                c.placeholder_plans.push(PlaceholderPlan {
                    object: obj.name.clone(),
                    fields,
                    id: format!("placeholder:{}:{}", obj.name, i + 1),
                });
            });
        }
        self.symbols.placeholders = pending;
    }

    pub(super) fn strict_warnings(&mut self) {
        for m in &self.symbols.maps {
            if !m.used {
                let d = Diagnostic::new(
                    codes::W0401,
                    format!("value map `{}` is never used", m.name),
                )
                .in_file(&m.file)
                .label(m.span, "unused")
                .help("remove it, or use it as `name[key]`");
                self.diags.push(d);
            }
        }
        for t in &self.symbols.tables {
            if !t.used {
                let d = Diagnostic::new(codes::W0402, format!("table `{}` is never used", t.name))
                    .in_file(&t.file)
                    .label(t.span, "unused")
                    .help("remove it, or use it as `name[key].column`");
                self.diags.push(d);
            }
        }
        let targets: Vec<&TargetPlan> = self.units.iter().flat_map(|u| u.kind.targets()).collect();
        // (object, top-level field) of every assignment, once.
        let set: foldhash::HashSet<(&str, &str)> = targets
            .iter()
            .flat_map(|t| {
                std::iter::once(&t.key)
                    .chain(&t.fields)
                    .chain(&t.deferred)
                    .map(move |f| {
                        (
                            t.object.as_str(),
                            f.field.split('.').next().unwrap_or_default(),
                        )
                    })
            })
            .collect();
        let assigned = |obj: &str, field: &str| set.contains(&(obj, field));
        let mut warnings = Vec::new();
        let used_objects: foldhash::HashSet<&str> =
            targets.iter().map(|t| t.object.as_str()).collect();
        for obj in self.dest.values() {
            let used = used_objects.contains(obj.name.as_str());
            for (name, span) in obj.declared_names() {
                if !assigned(&obj.name, name) {
                    warnings.push(
                        Diagnostic::new(
                            codes::W0303,
                            format!(
                                "custom field `{}.{name}` is declared but never assigned",
                                obj.name
                            ),
                        )
                        .in_file(&self.file)
                        .label(span, "declared here")
                        .help("assign it in a route, or remove the declaration"),
                    );
                }
            }
            if used {
                for (name, f) in obj.fields() {
                    if f.commonly_wanted && !assigned(&obj.name, name) {
                        let span = targets
                            .iter()
                            .find(|t| t.object == obj.name)
                            .map(|t| {
                                crate::span::Span::new(t.span.start, t.span.start + t.object.len())
                            })
                            .unwrap_or_default();
                        warnings.push(
                            Diagnostic::new(
                                codes::W0304,
                                format!(
                                    "`{}.{name}` is usually migrated but no route sets it",
                                    obj.name
                                ),
                            )
                            .in_file(&self.file)
                            .label(span, "this target")
                            .help(format!("add `{name} = …`, or accept the gap")),
                        );
                    }
                }
            }
        }
        self.diags.extend(warnings);
    }
}
