//! Names and paths: `column`, `relation.column`, group keys, aliases,
//! `export.taken_at`, and `.name` projected from records.
//!
//! Input: the path segments and the [`Scope`] they are read in. Output: a
//! typed column, navigation or projection, with its lineage noted. Invariants:
//! a path through a to-many relation gives a list (never nested); inside a
//! merge, a value that differs within the group becomes the list of members;
//! an unknown name gives a poisoned expression and is reported once (E0211,
//! or E0203 for another route's alias; a later alias of the same route was
//! already reported by the name checks).

use super::{poisoned, texpr, Infer, Scope};
use crate::check::lineage::{concat3, note};
use crate::diagnostics::{codes, did_you_mean, Diagnostic};
use crate::plan::{TExpr, TExprKind, Ty};
use crate::span::Span;
use crate::syntax::ast::Ident;

impl Infer<'_, '_> {
    pub(super) fn path(&mut self, segs: &[Ident], scope: &Scope, span: Span) -> TExpr {
        let first = &segs[0];
        if let Some((_, target, object)) = scope.aliases.iter().find(|(a, _, _)| *a == first.name) {
            if segs.len() == 1 {
                note(&mut self.lineage.columns, self.texts, "→ ", object, "");
                return texpr(
                    TExprKind::Produced(*target),
                    Ty::Produced { target: *target },
                    false,
                    false,
                    span,
                );
            }
        }
        if first.name == "export" && segs.len() == 2 && segs[1].name == "taken_at" {
            note(
                &mut self.lineage.columns,
                self.texts,
                "export.taken_at",
                "",
                "",
            );
            return texpr(TExprKind::TakenAt, Ty::DateTime, false, false, span);
        }
        if let Some(keys) = &scope.group {
            if let Some(k) = keys.iter().position(|(n, _)| *n == first.name) {
                let key = &keys[k].1;
                if segs.len() == 1 {
                    let object = &self.env.obj(scope.object).name;
                    note(
                        &mut self.lineage.columns,
                        self.texts,
                        object,
                        ".",
                        &first.name,
                    );
                    return texpr(
                        TExprKind::GroupKey(k as u32),
                        key.ty.clone(),
                        key.nullable,
                        false,
                        span,
                    );
                }
            }
            // A relation over a key column is the same for the whole group.
            if self.relation_over_key(scope, &first.name) {
                return self.path_in_record(segs, scope.object, span);
            }
            let inner = self.path_in_record(segs, scope.object, span);
            if inner.ty == Ty::Never {
                return inner;
            }
            let ty = read_through(true, &inner.ty);
            let f = inner.fallible;
            return texpr(TExprKind::Members(Box::new(inner)), ty, false, f, span);
        }
        self.path_in_record(segs, scope.object, span)
    }

    fn relation_over_key(&mut self, scope: &Scope, rel: &str) -> bool {
        let Some(keys) = &scope.group else {
            return false;
        };
        let name = self.env.obj(scope.object).name.clone();
        let Some(r) = self
            .env
            .desc
            .object(&name)
            .and_then(|o| o.relations.get(rel))
        else {
            return false;
        };
        match &r.kind {
            crate::schema::model::RelationKind::Forward { column, .. } => {
                keys.iter().any(|(k, _)| k == column)
            }
            _ => false,
        }
    }

    fn path_in_record(&mut self, segs: &[Ident], object: u32, span: Span) -> TExpr {
        self.path_from(segs, object, span, None)
    }

    /// `prefix` is the path so far, for lineage (`contacts.creator`); `None`
    /// stands for the name of `object` itself.
    fn path_from(
        &mut self,
        segs: &[Ident],
        object: u32,
        span: Span,
        prefix: Option<&str>,
    ) -> TExpr {
        let first = &segs[0];
        let obj = self.env.obj(object);
        if let Some(c) = obj.column(&first.name) {
            if segs.len() > 1 {
                let d = self
                    .err(
                        codes::E0223,
                        format!(
                            "`{}` is a column of `{}`, it has no `.{}`",
                            first.name,
                            self.env.obj(object).name,
                            segs[1].name
                        ),
                        segs[1].span,
                        "no such part",
                    )
                    .help("only relations can be followed with `.`");
                self.report(d);
                return poisoned(span);
            }
            let (ty, nullable) = (
                obj.tys[c as usize].clone(),
                obj.columns[c as usize].nullable,
            );
            let prefix = prefix.unwrap_or(&obj.name);
            note(
                &mut self.lineage.columns,
                self.texts,
                prefix,
                ".",
                &first.name,
            );
            return texpr(TExprKind::Column(c), ty, nullable, false, span);
        }
        if let Some((rel, to, many, nullable)) = self.env.relation(object, &first.name) {
            let prefix = prefix.unwrap_or(&self.env.obj(object).name);
            if segs.len() == 1 {
                note(
                    &mut self.lineage.columns,
                    self.texts,
                    prefix,
                    ".",
                    &first.name,
                );
                let rec = Ty::Record { object: to };
                let ty = if many { Ty::list(rec) } else { rec };
                return texpr(
                    TExprKind::Nav { rel, then: None },
                    ty,
                    nullable && !many,
                    false,
                    span,
                );
            }
            let nested = concat3(prefix, ".", &first.name);
            let inner = self.path_from(&segs[1..], to, span, Some(&nested));
            if inner.ty == Ty::Never {
                return inner;
            }
            let ty = read_through(many, &inner.ty);
            let nullable = !many && (nullable || inner.nullable);
            let f = inner.fallible;
            return texpr(
                TExprKind::Nav {
                    rel,
                    then: Some(Box::new(inner)),
                },
                ty,
                nullable,
                f,
                span,
            );
        }
        let obj_name = self.env.obj(object).name.clone();
        let mut names: Vec<String> = self
            .env
            .obj(object)
            .columns
            .iter()
            .map(|c| c.name.clone())
            .collect();
        names.extend(self.env.relation_names(object));
        let mut d = self
            .err(
                codes::E0211,
                format!("`{obj_name}` has no column or relation `{}`", first.name),
                first.span,
                "unknown name",
            )
            .maybe_help(did_you_mean(&first.name, names.iter().map(String::as_str)));
        if self.route_aliases.contains(&first.name) {
            return poisoned(span);
        }
        if self.foreign_aliases.contains(&first.name) {
            d = Diagnostic::new(
                codes::E0203,
                format!("alias `{}` belongs to another route", first.name),
            )
            .in_file(self.file)
            .label(first.span, "not visible here")
            .help("an alias is visible only in the later targets of its own fan-out route");
        } else if d.help.is_none() {
            d = d.note(format!(
                "`ferry schema show actimo {obj_name}` lists its columns and relations"
            ));
        }
        self.report(d);
        poisoned(span)
    }

    /// `.name` after an expression that gives records: `(enrollments where …).score`.
    pub(super) fn project(&mut self, base: TExpr, name: &Ident, span: Span) -> TExpr {
        let (object, many) = match &base.ty {
            Ty::Never => return poisoned(span),
            Ty::Record { object } => (Some(*object), false),
            Ty::List { item } => match item.as_ref() {
                Ty::Record { object } => (Some(*object), true),
                _ => (None, true),
            },
            _ => (None, false),
        };
        let Some(object) = object else {
            let d = self
                .err(
                    codes::E0223,
                    format!(
                        "`.{}` needs records on its left, this is {}",
                        name.name, base.ty
                    ),
                    name.span,
                    "no fields here",
                )
                .help("write paths as `relation.column`, and table lookups as `table[key].column`");
            self.report(d);
            return poisoned(span);
        };
        let inner = self.path_from(std::slice::from_ref(name), object, name.span, None);
        if inner.ty == Ty::Never {
            return inner;
        }
        let ty = read_through(many, &inner.ty);
        let nullable = !many && (base.nullable || inner.nullable);
        let fallible = base.fallible || inner.fallible;
        texpr(
            TExprKind::Map {
                list: Box::new(base),
                then: Box::new(inner),
            },
            ty,
            nullable,
            fallible,
            span,
        )
    }
}

/// The type of `ty` read through one record, or through `many`: then a
/// list of it, flat (a list stays one list).
fn read_through(many: bool, ty: &Ty) -> Ty {
    match ty {
        Ty::List { .. } => ty.clone(),
        t if many => Ty::list(t.clone()),
        t => t.clone(),
    }
}
