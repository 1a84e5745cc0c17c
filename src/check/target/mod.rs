//! Checking one target block (`-> Contact { … }`) against its destination
//! object: field names, assignability, required fields, nullability,
//! fallibility, keys and lookups.
//!
//! Input: the AST target and the [`Scope`] its expressions are read in.
//! Output: a [`CheckedTarget`] (the target's plan, the lookups it makes for
//! load ordering, the key's span), or `None` when the object is unknown or
//! the target has no key; diagnostics for everything else. Invariants: every
//! statement's expression is typed even when its field is unknown (so its
//! own errors are reported); a target has exactly one key, which is never
//! empty; a missing required field is reported only when every field name
//! resolved. Assignability lives in `assign`, lookup references in `lookup`.

mod assign;
mod lookup;

use super::env::{DestObj, FieldLookup};
use super::expr::{Infer, Scope};
use super::Checker;
use crate::diagnostics::{codes, did_you_mean, Diagnostic};
use crate::plan::{FieldPlan, Lineage, TExpr, TExprKind, TargetPlan, Ty};
use crate::schema::model::{Field, FieldType};
use crate::span::Span;
use crate::syntax::ast::{self, StmtKind};
use std::borrow::Cow;

/// A reference a target's lookup makes, for load order and deferral.
pub struct LookupRef {
    pub field: String,
    /// Destination objects the referenced records may land in (indices
    /// into the checker's `dest`).
    pub objects: Vec<u32>,
    /// The reference is to a source record (deferrable when self-referencing).
    pub record: bool,
}

/// The result of checking a target block.
pub struct CheckedTarget {
    pub plan: TargetPlan,
    pub lookups: Vec<LookupRef>,
    pub key_span: Span,
}

impl<'d> Checker<'d> {
    /// Resolves a destination field path, reporting unknown names.
    pub(super) fn dest_field<'o>(
        &mut self,
        obj: &'o DestObj,
        path: &ast::FieldPath,
    ) -> Option<&'o Field> {
        match obj.resolve(&path.segments) {
            Ok(f) => Some(f),
            Err(FieldLookup::Unknown(i)) => {
                let seg = &path.segments[i];
                let names: Vec<String> = if i == 0 {
                    obj.fields().map(|(n, _)| n.to_string()).collect()
                } else {
                    match obj.field(&path.segments[0].name).map(|f| &f.ty) {
                        Some(FieldType::Composite { fields }) => fields.keys().cloned().collect(),
                        _ => Vec::new(),
                    }
                };
                let what = if i == 0 {
                    obj.name.clone()
                } else {
                    format!("{}.{}", obj.name, path.segments[0].name)
                };
                let d = Diagnostic::new(codes::E0213, format!("`{what}` has no field `{}`", seg.name))
                    .in_file(&self.file)
                    .label(seg.span, "unknown field")
                    .maybe_help(did_you_mean(&seg.name, names.iter().map(String::as_str)))
                    .note(format!(
                        "declare custom fields with `custom {} {{ {} : text(80) }}`; `ferry schema show {} {}` lists the fields",
                        obj.name, seg.name, self.dest_system, obj.name
                    ));
                self.diags.push(d);
                None
            }
            Err(FieldLookup::NotComposite) => {
                let d = Diagnostic::new(
                    codes::E0213,
                    format!("`{}` has no sub-fields", path.segments[0].name),
                )
                .in_file(&self.file)
                .label(path.span, "not a composite field");
                self.diags.push(d);
                None
            }
            Err(FieldLookup::TooDeep) => {
                let d = Diagnostic::new(
                    codes::E0213,
                    "composite fields have one level of sub-fields",
                )
                .in_file(&self.file)
                .label(path.span, "too many parts");
                self.diags.push(d);
                None
            }
        }
    }

    /// Checks a target block in `scope`. `None` when the object is unknown.
    pub(super) fn target(&mut self, t: &ast::Target, scope: &Scope) -> Option<CheckedTarget> {
        let Some(obj) = self.dest.get(&t.object.name).cloned() else {
            let names: Vec<&str> = self.dest.keys().map(String::as_str).collect();
            let d = Diagnostic::new(
                codes::E0212,
                format!("`{}` has no object `{}`", self.dest_system, t.object.name),
            )
            .in_file(&self.file)
            .label(t.object.span, "unknown destination object")
            .maybe_help(did_you_mean(&t.object.name, names))
            .note("declare a new one with `custom object NAME { … }`");
            self.diags.push(d);
            return None;
        };
        let mut key: Option<(FieldPlan, Span)> = None;
        let mut fields = Vec::with_capacity(t.body.len());
        let mut lookups = Vec::new();
        let mut assigned: Vec<Cow<'_, str>> = Vec::with_capacity(t.body.len());
        let mut unresolved = false;
        for stmt in &t.body {
            let path = stmt.kind.field();
            let is_key = matches!(stmt.kind, StmtKind::Key { .. });
            let field = self.dest_field(&obj, path);
            unresolved |= field.is_none();
            let mut inf = self.infer();
            let texpr = inf.expr(stmt.kind.value(), scope);
            let lineage = std::mem::take(&mut inf.lineage);
            let Some(field) = field else { continue };
            let dotted = dotted(path);
            if !field.createable && !is_key {
                let d = Diagnostic::new(
                    codes::E0310,
                    format!("`{}.{dotted}` cannot be set through the API", obj.name),
                )
                .in_file(&self.file)
                .label(path.span, "read-only field");
                self.diags.push(d);
            }
            self.check_assignment(&obj, field, path, &dotted, &texpr, &mut lookups);
            let plan = FieldPlan {
                field: dotted.to_string(),
                expr: texpr,
                dest: field.ty.clone(),
                lineage,
            };
            assigned.push(dotted);
            if is_key {
                self.check_key(&obj, field, path, &plan.expr, key.as_ref().map(|k| k.1));
                if key.is_none() {
                    key = Some((plan, stmt.span));
                }
            } else {
                fields.push(plan);
            }
        }
        // A misspelt field is most likely the missing required one: say it once.
        if !unresolved {
            self.required_fields(&obj, t, &assigned);
        }
        let Some((key, key_span)) = key else {
            let d = Diagnostic::new(codes::E0504, format!("this target into `{}` has no `key`", obj.name))
                .in_file(&self.file)
                .label(t.object.span, "no key")
                .help(format!(
                    "add `key Source_System_ID__c = <source id>` (a field declared `external_id unique` on `{}`): keys make re-runs idempotent and rollback exact",
                    obj.name
                ));
            self.diags.push(d);
            return None;
        };
        Some(CheckedTarget {
            plan: TargetPlan {
                object: obj.name.clone(),
                alias: t.alias.as_ref().map(|a| a.name.clone()),
                id_suffix: None,
                key,
                fields,
                deferred: Vec::new(),
                condition: None,
                span: t.span,
            },
            lookups,
            key_span,
        })
    }

    fn check_key(
        &mut self,
        obj: &DestObj,
        field: &Field,
        path: &ast::FieldPath,
        e: &TExpr,
        earlier: Option<Span>,
    ) {
        if let Some(first) = earlier {
            let d = Diagnostic::new(codes::E0505, "a target has one `key`")
                .in_file(&self.file)
                .label(path.span, "second key")
                .label(first, "first key");
            self.diags.push(d);
        }
        if !(field.external_id || field.unique) {
            let d = Diagnostic::new(codes::E0506, format!("`{}.{}` cannot be a key: it is not unique", obj.name, path.dotted()))
                .in_file(&self.file)
                .label(path.span, "not an external id or unique field")
                .help(format!("declare a key field: `custom {} {{ Source_System_ID__c : text(40) external_id unique }}`", obj.name));
            self.diags.push(d);
        }
        if e.nullable
            || e.fallible
            || matches!(e.ty, Ty::Never) && !matches!(e.kind, TExprKind::Lit(_))
        {
            let d = Diagnostic::new(codes::E0507, "a key must never be empty")
                .in_file(&self.file)
                .label(e.span, "may be empty")
                .help("key on the source's primary key, or add `?? skip(\"missing_key\")`");
            self.diags.push(d);
        }
    }

    fn required_fields(&mut self, obj: &DestObj, t: &ast::Target, assigned: &[Cow<'_, str>]) {
        for (name, f) in obj.fields() {
            if f.required && f.createable && !assigned.iter().any(|a| a == name) {
                // A composite is satisfied by its required sub-fields.
                if let FieldType::Composite { fields } = &f.ty {
                    let sub_ok = fields
                        .iter()
                        .filter(|(_, s)| s.required)
                        .all(|(s, _)| assigned.iter().any(|a| *a == format!("{name}.{s}")));
                    if sub_ok && assigned.iter().any(|a| a.starts_with(&format!("{name}."))) {
                        continue;
                    }
                }
                let d = Diagnostic::new(
                    codes::E0302,
                    format!("required field `{}.{name}` is not assigned", obj.name),
                )
                .in_file(&self.file)
                .label(t.object.span, "this target")
                .help(format!(
                    "add `{name} = …` (`?? skip(\"reason\")` drops records that have no value)"
                ));
                self.diags.push(d);
            }
        }
    }

    pub(super) fn infer(&mut self) -> Infer<'_, 'd> {
        Infer {
            env: &mut self.env,
            symbols: &mut self.symbols,
            diags: &mut self.diags,
            file: &self.file,
            lineage: Lineage::default(),
            texts: &mut self.texts,
            foreign_aliases: &self.aliases,
            route_aliases: &self.route_aliases,
        }
    }
}

/// A destination field path as written (`name.firstName`), borrowed when it
/// has one part.
fn dotted(path: &ast::FieldPath) -> Cow<'_, str> {
    match path.segments.as_slice() {
        [one] => Cow::Borrowed(one.name.as_str()),
        _ => Cow::Owned(path.dotted()),
    }
}
