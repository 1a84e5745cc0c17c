//! Checking one target block (`-> Contact { … }`) against its destination
//! object: field names, assignability, required fields, nullability,
//! fallibility, keys and lookups.

use super::env::{DestObj, FieldLookup};
use super::expr::{Infer, Scope};
use super::types::{assign, Mismatch, Risk};
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

    fn check_assignment(
        &mut self,
        obj: &DestObj,
        field: &Field,
        path: &ast::FieldPath,
        dotted: &str,
        e: &TExpr,
        lookups: &mut Vec<LookupRef>,
    ) {
        if field.required && e.nullable {
            let d = Diagnostic::new(
                codes::E0303,
                format!("`{}.{dotted}` is required, but this may be empty", obj.name),
            )
            .in_file(&self.file)
            .label(e.span, "may be empty")
            .label(path.span, "required field")
            .help("end it with `?? \"default\"` or `?? skip(\"reason\")`");
            self.diags.push(d);
        }
        if e.fallible {
            let d = Diagnostic::new(
                codes::E0304,
                "this conversion can fail at run time and is not handled",
            )
            .in_file(&self.file)
            .label(e.span, "may fail")
            .help("handle the failure with `?? …`, e.g. `number(x) ?? skip(\"bad_number\")`");
            self.diags.push(d);
        }
        // Most values have one leaf: collect only through `??` and `if`.
        let mut branches = Vec::new();
        let leaves: &[&TExpr] = match e.kind {
            TExprKind::Coalesce(..) | TExprKind::If { .. } => {
                leaves_of(e, &mut branches);
                &branches
            }
            _ => std::slice::from_ref(&e),
        };
        let mut risks = Vec::new();
        for &leaf in leaves {
            if matches!(leaf.kind, TExprKind::Members(_))
                && !matches!(
                    field.ty,
                    FieldType::Multipicklist { .. } | FieldType::List { .. }
                )
            {
                let d = Diagnostic::new(
                    codes::E0404,
                    "in a merge, a field that is not a `by` key needs an aggregate",
                )
                .in_file(&self.file)
                .label(leaf.span, "one value per merged record")
                .help(
                    "aggregate it: `first(x)`, `max(x)`, `count(x)`, `join(distinct(x), \";\")`, …",
                );
                self.diags.push(d);
                continue;
            }
            if let FieldType::Lookup { objects } = &field.ty {
                self.check_lookup(objects, leaf, lookups, dotted);
            }
            if let Err(m) = assign(&leaf.ty, &field.ty, &mut risks) {
                self.mismatch(obj, field, path, leaf, m);
            }
        }
        for r in risks {
            let (code, msg) = match r {
                Risk::Truncation { from, to } => (
                    codes::W0301,
                    format!("values up to {from} characters may be cut to {to} in `{dotted}`"),
                ),
                Risk::Precision { from, to } => (
                    codes::W0302,
                    format!("{from} decimals may be rounded to {to} in `{dotted}`"),
                ),
            };
            let help = match code.id {
                "W0301" => format!(
                    "make it explicit with `truncate(x, {})`",
                    field_max(field).unwrap_or(0)
                ),
                _ => "make it explicit with `round(x, n)`".to_string(),
            };
            self.diags.push(
                Diagnostic::new(code, msg)
                    .in_file(&self.file)
                    .label(e.span, "here")
                    .help(help),
            );
        }
    }

    fn mismatch(
        &mut self,
        obj: &DestObj,
        field: &Field,
        path: &ast::FieldPath,
        leaf: &TExpr,
        m: Mismatch,
    ) {
        let target = format!("`{}.{}` ({})", obj.name, path.dotted(), field.ty);
        let d = match m {
            Mismatch::Type { hint } => Diagnostic::new(codes::E0301, format!("{} cannot be assigned to {target}", leaf.ty))
                .label(leaf.span, format!("this is {}", leaf.ty))
                .label(path.span, format!("expects {}", field.ty))
                .maybe_help(hint.map(str::to_string)),
            Mismatch::IllegalValues(bad) => {
                let legal: Vec<String> = match &field.ty {
                    FieldType::Picklist { values } | FieldType::Multipicklist { values } => values.iter().map(|v| v.value.clone()).collect(),
                    _ => Vec::new(),
                };
                let list: Vec<String> = bad.iter().map(|b| format!("{b:?}")).collect();
                let help = bad
                    .iter()
                    .find_map(|b| did_you_mean(b, legal.iter().map(String::as_str)))
                    .unwrap_or_else(|| "map the values through a value map (`values name { \"a\" => \"A\" }`)".into());
                Diagnostic::new(codes::E0305, format!("{} not a legal value of {target}", list.join(", ") + if bad.len() == 1 { " is" } else { " are" }))
                    .label(leaf.span, "can produce it")
                    .label(path.span, "picklist field")
                    .help(help)
                    .note(format!("legal values: {}", legal.join(", ")))
            }
            Mismatch::NeedsOwner => Diagnostic::new(codes::E0313, format!("{target} is an owner field: assign `owner(email)`"))
                .label(leaf.span, format!("this is {}", leaf.ty))
                .help("owners are resolved by email under the `owners` policy: `OwnerId = owner(creator.email)`"),
            Mismatch::NotARecord => Diagnostic::new(codes::E0301, format!("{target} is a lookup: it takes a related record, not {}", leaf.ty))
                .label(leaf.span, format!("this is {}", leaf.ty))
                .help("assign a relation (e.g. `AccountId = primary_company`) or an alias of an earlier target"),
        };
        self.diags.push(d.in_file(&self.file));
    }

    fn check_lookup(
        &mut self,
        objects: &[String],
        leaf: &TExpr,
        lookups: &mut Vec<LookupRef>,
        field: &str,
    ) {
        // `custom` in a lookup's list admits every custom object of the spec.
        let expanded: Vec<String>;
        let objects = if objects
            .iter()
            .any(|o| o == crate::schema::model::ANY_CUSTOM_OBJECT)
        {
            expanded = objects
                .iter()
                .filter(|o| *o != crate::schema::model::ANY_CUSTOM_OBJECT)
                .cloned()
                .chain(
                    self.dest
                        .values()
                        .filter(|d| d.custom)
                        .map(|d| d.name.clone()),
                )
                .collect();
            &expanded[..]
        } else {
            objects
        };
        match &leaf.ty {
            Ty::Record { object } => {
                // Fields, not methods: the routes stay borrowed while
                // diagnostics are pushed.
                let src = &self.env.obj(*object).name;
                let routes = self.routed.get(src).map(Vec::as_slice).unwrap_or_default();
                let hits: Vec<&(String, Span)> =
                    routes.iter().filter(|(o, _)| objects.contains(o)).collect();
                if hits.is_empty() {
                    let d = Diagnostic::new(
                        codes::E0501,
                        format!("no route sends `{src}` to {}", objects.join(" or ")),
                    )
                    .in_file(&self.file)
                    .label(leaf.span, format!("a `{src}` record"))
                    .help(format!(
                        "add `route {src} -> {} {{ … }}`, or assign a placeholder",
                        objects[0]
                    ));
                    self.diags.push(d);
                    return;
                }
                for o in objects {
                    let mut same = hits.iter().filter(|(x, _)| x == o);
                    if let (Some(first), Some(second)) = (same.next(), same.next()) {
                        let d = Diagnostic::new(codes::E0502, format!("`{src}` reaches `{o}` through two routes: which record is meant?"))
                            .in_file(&self.file)
                            .label(leaf.span, "ambiguous reference")
                            .label(first.1, "one route")
                            .label(second.1, "another route")
                            .help("send the object to this destination through one route (use `split` for alternatives)");
                        self.diags.push(d);
                    }
                }
                lookups.push(LookupRef {
                    field: field.to_string(),
                    objects: hits
                        .iter()
                        .filter_map(|(o, _)| self.dest.get_index_of(o.as_str()))
                        .map(|i| i as u32)
                        .collect(),
                    record: true,
                });
            }
            Ty::Produced { target } => {
                let o = self
                    .produced_objects
                    .get(*target as usize)
                    .map_or("", String::as_str);
                if !objects.iter().any(|x| x == o) {
                    let d = Diagnostic::new(
                        codes::E0301,
                        format!(
                            "this alias makes a `{o}`, the field points to {}",
                            objects.join(" or ")
                        ),
                    )
                    .in_file(&self.file)
                    .label(leaf.span, "wrong object");
                    self.diags.push(d);
                }
                lookups.push(LookupRef {
                    field: field.to_string(),
                    objects: self
                        .dest
                        .get_index_of(o)
                        .map(|i| i as u32)
                        .into_iter()
                        .collect(),
                    record: false,
                });
            }
            Ty::Placeholder { index } => {
                let o = self.symbols.placeholders[*index as usize]
                    .object
                    .name
                    .as_str();
                if !objects.iter().any(|x| x == o) {
                    let d = Diagnostic::new(
                        codes::E0301,
                        format!(
                            "this placeholder is a `{o}`, the field points to {}",
                            objects.join(" or ")
                        ),
                    )
                    .in_file(&self.file)
                    .label(leaf.span, "wrong object");
                    self.diags.push(d);
                }
                lookups.push(LookupRef {
                    field: field.to_string(),
                    objects: self
                        .dest
                        .get_index_of(o)
                        .map(|i| i as u32)
                        .into_iter()
                        .collect(),
                    record: false,
                });
            }
            _ => {}
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

fn field_max(f: &Field) -> Option<u32> {
    match f.ty {
        FieldType::Text { max } | FieldType::Textarea { max } => max,
        _ => None,
    }
}

/// The values an assignment can produce: through `??` and `if`.
pub fn leaves_of<'e>(e: &'e TExpr, out: &mut Vec<&'e TExpr>) {
    match &e.kind {
        TExprKind::Coalesce(a, b) => {
            leaves_of(a, out);
            leaves_of(b, out);
        }
        TExprKind::If {
            then, otherwise, ..
        } => {
            leaves_of(then, out);
            leaves_of(otherwise, out);
        }
        _ => out.push(e),
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
