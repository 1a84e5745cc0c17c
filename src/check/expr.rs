//! Expression inference: AST expression → typed [`TExpr`].
//!
//! Input: an AST expression and the scope it is evaluated in (a source
//! record, or a merge group). Output: a typed expression with nullability
//! and fallibility, plus lineage; diagnostics for unknown names, bad
//! operands and unhandled conversions. An expression that failed to check
//! gets type `Never` so it does not cause follow-up errors.

use super::env::SourceEnv;
use super::lineage::{concat3, note, Texts};
use super::symbols::Symbols;
use crate::diagnostics::{codes, did_you_mean, Code, Diagnostic, Diagnostics, SourceFile};
use crate::plan::{Agg, BinOp, Func, Lineage, TExpr, TExprKind, Ty};
use crate::span::Span;
use crate::syntax::ast::{self, BinaryOp, Expr, ExprKind, Ident, Literal, UnaryOp};
use crate::value::Value;
use rust_decimal::Decimal;
use std::sync::Arc;

/// Where an expression is evaluated.
#[derive(Clone, Default)]
pub struct Scope {
    pub object: u32,
    /// Inside a merge: the `by` keys (column name, typed key).
    pub group: Option<Vec<(String, TExpr)>>,
    /// Fan-out aliases defined before this target: (alias, target index, object).
    pub aliases: Vec<(String, u32, String)>,
}

pub struct Infer<'a, 'd> {
    pub env: &'a mut SourceEnv<'d>,
    pub symbols: &'a mut Symbols,
    pub diags: &'a mut Diagnostics,
    pub file: &'a Arc<SourceFile>,
    pub lineage: Lineage,
    /// Lineage texts shared across fields.
    pub texts: &'a mut Texts,
    /// Names of aliases in other routes, to explain an unknown name.
    pub foreign_aliases: &'a [String],
    /// Aliases of the route being checked (a later one used early is E0204,
    /// reported by the name checks).
    pub route_aliases: &'a [String],
}

const SCALAR_FUNCS: &[(&str, Func, usize, usize)] = &[
    ("lower", Func::Lower, 1, 1),
    ("upper", Func::Upper, 1, 1),
    ("trim", Func::Trim, 1, 1),
    ("title", Func::Title, 1, 1),
    ("concat", Func::Concat, 1, 64),
    ("split", Func::Split, 2, 2),
    ("replace", Func::Replace, 3, 3),
    ("truncate", Func::Truncate, 2, 2),
    ("left", Func::Left, 2, 2),
    ("len", Func::Len, 1, 1),
    ("e164", Func::E164, 2, 2),
    ("round", Func::Round, 2, 2),
    ("number", Func::Number, 1, 1),
    ("integer", Func::Integer, 1, 1),
    ("date", Func::Date, 1, 1),
    ("datetime", Func::Datetime, 1, 1),
    ("format", Func::Format, 2, 3),
];

const AGGREGATES: &[(&str, Agg)] = &[
    ("count", Agg::Count),
    ("sum", Agg::Sum),
    ("avg", Agg::Avg),
    ("min", Agg::Min),
    ("max", Agg::Max),
    ("first", Agg::First),
    ("last", Agg::Last),
    ("collect", Agg::Collect),
    ("distinct", Agg::Distinct),
    ("latest", Agg::Latest),
    ("earliest", Agg::Earliest),
    ("any", Agg::Any),
    ("all", Agg::All),
    ("join", Agg::Join),
];

fn texpr(kind: TExprKind, ty: Ty, nullable: bool, fallible: bool, span: Span) -> TExpr {
    TExpr {
        kind,
        ty,
        nullable,
        fallible,
        span,
    }
}

/// The result of an expression that failed to check.
pub fn poisoned(span: Span) -> TExpr {
    texpr(TExprKind::Lit(Value::Null), Ty::Never, false, false, span)
}

/// The common type of two branches (`if`, `??`, list items).
pub fn join(a: &Ty, b: &Ty) -> Ty {
    match (a, b) {
        (Ty::Never | Ty::Null | Ty::Clear, t) | (t, Ty::Never | Ty::Null | Ty::Clear) => t.clone(),
        (Ty::Enum { values: x }, Ty::Enum { values: y }) => {
            let mut all: Vec<String> = x.to_vec();
            all.extend(y.iter().filter(|v| !x.contains(v)).cloned());
            Ty::Enum { values: all.into() }
        }
        (Ty::Enum { .. } | Ty::Text { .. }, Ty::Enum { .. } | Ty::Text { .. }) => Ty::text(),
        (Ty::Int, Ty::Num { .. }) | (Ty::Num { .. }, Ty::Int) => Ty::Num { scale: None },
        (Ty::Num { scale: x }, Ty::Num { scale: y }) => Ty::Num {
            scale: if x == y { *x } else { None },
        },
        (Ty::List { item: x }, Ty::List { item: y }) => Ty::list(join(x, y)),
        (x, _) => x.clone(),
    }
}

impl Infer<'_, '_> {
    fn err(&mut self, code: Code, msg: impl Into<String>, span: Span, label: &str) -> Diagnostic {
        Diagnostic::new(code, msg)
            .in_file(self.file)
            .label(span, label)
    }

    fn report(&mut self, d: Diagnostic) {
        self.diags.push(d);
    }

    fn func_note(&mut self, f: &str) {
        note(&mut self.lineage.functions, self.texts, f, "", "");
    }

    /// Infers `e` in `scope`.
    pub fn expr(&mut self, e: &Expr, scope: &Scope) -> TExpr {
        let span = e.span;
        match &e.kind {
            ExprKind::Literal(l) => literal(l, span),
            ExprKind::List(items) => {
                let items: Vec<TExpr> = items.iter().map(|i| self.expr(i, scope)).collect();
                let item_ty = items.iter().fold(Ty::Never, |acc, i| join(&acc, &i.ty));
                let fallible = items.iter().any(|i| i.fallible);
                texpr(
                    TExprKind::List(items),
                    Ty::list(item_ty),
                    false,
                    fallible,
                    span,
                )
            }
            ExprKind::Path(segs) => self.path(segs, scope, span),
            ExprKind::Index { base, index } => self.index(base, index, None, scope, span),
            ExprKind::Member { base, name } => match &base.kind {
                ExprKind::Index { base: b, index } => self.index(b, index, Some(name), scope, span),
                _ => {
                    let b = self.expr(base, scope);
                    self.project(b, name, span)
                }
            },
            ExprKind::Call { func, args } => self.call(func, args, scope, span),
            ExprKind::Unary { op, operand } => {
                let t = self.expr(operand, scope);
                match op {
                    UnaryOp::Not => {
                        self.expect_bool(&t);
                        texpr(
                            TExprKind::Not(Box::new(t.clone())),
                            Ty::Bool,
                            false,
                            t.fallible,
                            span,
                        )
                    }
                    UnaryOp::Neg => {
                        if !t.ty.is_numeric() && t.ty != Ty::Never {
                            self.operand_error("-", &t);
                        }
                        let (ty, n, f) = (t.ty.clone(), t.nullable, t.fallible);
                        texpr(TExprKind::Neg(Box::new(t)), ty, n, f, span)
                    }
                }
            }
            ExprKind::Binary { op, lhs, rhs } => self.binary(*op, lhs, rhs, scope, span),
            ExprKind::If {
                cond,
                then,
                otherwise,
            } => {
                let c = self.expr(cond, scope);
                self.expect_bool(&c);
                let a = self.expr(then, scope);
                let b = self.expr(otherwise, scope);
                let ty = join(&a.ty, &b.ty);
                let nullable = a.nullable || b.nullable;
                let fallible = c.fallible || a.fallible || b.fallible;
                texpr(
                    TExprKind::If {
                        cond: Box::new(c),
                        then: Box::new(a),
                        otherwise: Box::new(b),
                    },
                    ty,
                    nullable,
                    fallible,
                    span,
                )
            }
            ExprKind::Filter { list, cond } => {
                let l = self.expr(list, scope);
                let elem = match &l.ty {
                    Ty::List { item } => match item.as_ref() {
                        Ty::Record { object } => Some(*object),
                        _ => None,
                    },
                    Ty::Never => return poisoned(span),
                    _ => None,
                };
                let Some(object) = elem else {
                    let d = self
                        .err(codes::E0308, format!("`where` filters a list of records, not {}", l.ty), l.span, "not a list of records")
                        .help("filter a to-many relation, e.g. `enrollments where status == \"Completed\"`");
                    self.report(d);
                    return poisoned(span);
                };
                let inner = Scope {
                    object,
                    group: None,
                    aliases: Vec::new(),
                };
                let c = self.expr(cond, &inner);
                self.expect_bool(&c);
                let (ty, f) = (l.ty.clone(), l.fallible || c.fallible);
                texpr(
                    TExprKind::Filter {
                        list: Box::new(l),
                        cond: Box::new(c),
                    },
                    ty,
                    false,
                    f,
                    span,
                )
            }
            ExprKind::Clear => texpr(TExprKind::Clear, Ty::Clear, false, false, span),
            ExprKind::Skip(r) => texpr(
                TExprKind::Skip(r.code.clone()),
                Ty::Never,
                false,
                false,
                span,
            ),
            ExprKind::Flag(r) => {
                texpr(TExprKind::Flag(r.code.clone()), Ty::Null, true, false, span)
            }
            ExprKind::Placeholder { object, fields } => {
                let index = self.symbols.placeholder(object, fields);
                texpr(
                    TExprKind::Placeholder(index),
                    Ty::Placeholder { index },
                    false,
                    false,
                    span,
                )
            }
        }
    }

    fn expect_bool(&mut self, t: &TExpr) {
        if !matches!(t.ty, Ty::Bool | Ty::Never | Ty::Null) {
            let d = self
                .err(
                    codes::E0314,
                    format!("a condition must be true or false, this is {}", t.ty),
                    t.span,
                    "not a condition",
                )
                .help("compare it, e.g. `x == \"value\"` or `x != null`");
            self.report(d);
        }
    }

    fn operand_error(&mut self, op: &str, t: &TExpr) {
        let d = self.err(
            codes::E0307,
            format!("`{op}` cannot take {}", t.ty),
            t.span,
            "this operand",
        );
        let d = if op == "+" && t.ty.is_textual() {
            d.help("join texts with `concat(a, b)`")
        } else {
            d
        };
        self.report(d);
    }

    fn path(&mut self, segs: &[Ident], scope: &Scope, span: Span) -> TExpr {
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
            let ty = match &inner.ty {
                Ty::List { item } => Ty::List { item: item.clone() },
                t => Ty::list(t.clone()),
            };
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
            let ty = if many {
                match &inner.ty {
                    Ty::List { item } => Ty::List { item: item.clone() },
                    t => Ty::list(t.clone()),
                }
            } else {
                inner.ty.clone()
            };
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
    fn project(&mut self, base: TExpr, name: &Ident, span: Span) -> TExpr {
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
        let ty = if many {
            match &inner.ty {
                Ty::List { item } => Ty::List { item: item.clone() },
                t => Ty::list(t.clone()),
            }
        } else {
            inner.ty.clone()
        };
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

    fn index(
        &mut self,
        base: &Expr,
        index: &Expr,
        member: Option<&Ident>,
        scope: &Scope,
        span: Span,
    ) -> TExpr {
        let key = self.expr(index, scope);
        let ExprKind::Path(segs) = &base.kind else {
            let d = self.err(
                codes::E0202,
                "only value maps and tables can be indexed",
                base.span,
                "not a value map or table",
            );
            self.report(d);
            return poisoned(span);
        };
        let name = &segs[0];
        if let Some(map) = self.symbols.map_use(&name.name) {
            if let Some(m) = member {
                let d = self.err(
                    codes::E0223,
                    format!("value map `{}` gives a value, not a row", name.name),
                    m.span,
                    "no columns here",
                );
                self.report(d);
            }
            note(
                &mut self.lineage.functions,
                self.texts,
                "values ",
                &name.name,
                "",
            );
            let info = &self.symbols.maps[map as usize];
            // A list key maps element by element.
            let (key_item, list_key) = match &key.ty {
                Ty::List { item } => (&**item, true),
                t => (t, false),
            };
            let mut ty = if info.all_bool && !info.keeps {
                Ty::Bool
            } else {
                Ty::Enum {
                    values: Arc::clone(&info.outputs),
                }
            };
            if info.keeps {
                ty = join(&ty, key_item);
            }
            let nullable = !list_key
                && (key.nullable
                    || info.gives_null
                    || (!info.has_else && !self.symbols.covers(map, key_item)));
            let fallible = key.fallible;
            self.symbols
                .check_coverage(map, key_item, key.span, self.file, self.diags);
            if list_key {
                ty = Ty::list(ty);
            }
            return texpr(
                TExprKind::ValueMap {
                    map,
                    key: Box::new(key),
                },
                ty,
                nullable,
                fallible,
                span,
            );
        }
        if let Some(table) = self.symbols.table_use(&name.name) {
            note(
                &mut self.lineage.functions,
                self.texts,
                "table ",
                &name.name,
                "",
            );
            let Some(m) = member else {
                return texpr(
                    TExprKind::Table {
                        table,
                        key: Box::new(key),
                        column: None,
                    },
                    Ty::text(),
                    true,
                    false,
                    span,
                );
            };
            let columns = self.symbols.tables[table as usize].columns.clone();
            let Some(col) = columns.iter().position(|c| *c == m.name) else {
                let help = did_you_mean(&m.name, columns.iter().map(String::as_str));
                let d = self
                    .err(
                        codes::E0222,
                        format!("table `{}` has no column `{}`", name.name, m.name),
                        m.span,
                        "unknown column",
                    )
                    .maybe_help(help)
                    .note(format!("its columns are: {}", columns.join(", ")));
                self.report(d);
                return poisoned(span);
            };
            let ty = self.symbols.table_column_ty(table, col);
            return texpr(
                TExprKind::Table {
                    table,
                    key: Box::new(key),
                    column: Some(col as u32),
                },
                ty,
                true,
                false,
                span,
            );
        }
        // Unknown names were reported by the descriptor-free name checks (E0202).
        poisoned(span)
    }

    fn binary(&mut self, op: BinaryOp, lhs: &Expr, rhs: &Expr, scope: &Scope, span: Span) -> TExpr {
        let a = self.expr(lhs, scope);
        let b = self.expr(rhs, scope);
        if op == BinaryOp::Coalesce {
            let ty = if a.ty == Ty::Null {
                b.ty.clone()
            } else {
                join(&a.ty, &b.ty)
            };
            let (nullable, fallible) = (b.nullable, b.fallible);
            return texpr(
                TExprKind::Coalesce(Box::new(a), Box::new(b)),
                ty,
                nullable,
                fallible,
                span,
            );
        }
        let fallible = a.fallible || b.fallible;
        let poisoned_operand = a.ty == Ty::Never || b.ty == Ty::Never;
        let (bop, ty, nullable) = match op {
            BinaryOp::Or | BinaryOp::And => {
                self.expect_bool(&a);
                self.expect_bool(&b);
                (
                    if op == BinaryOp::Or {
                        BinOp::Or
                    } else {
                        BinOp::And
                    },
                    Ty::Bool,
                    false,
                )
            }
            BinaryOp::Eq | BinaryOp::Ne => {
                self.enum_literal_check(&a, &b);
                self.enum_literal_check(&b, &a);
                (
                    if op == BinaryOp::Eq {
                        BinOp::Eq
                    } else {
                        BinOp::Ne
                    },
                    Ty::Bool,
                    false,
                )
            }
            BinaryOp::Lt | BinaryOp::Le | BinaryOp::Gt | BinaryOp::Ge => {
                let ok = |t: &Ty| {
                    matches!(
                        t,
                        Ty::Int
                            | Ty::Num { .. }
                            | Ty::Text { .. }
                            | Ty::Enum { .. }
                            | Ty::Date
                            | Ty::DateTime
                            | Ty::Null
                            | Ty::Never
                    )
                };
                let comparable = (a.ty.is_numeric() && b.ty.is_numeric())
                    || (a.ty.is_textual() && b.ty.is_textual())
                    || (matches!(a.ty, Ty::Date | Ty::DateTime)
                        && matches!(b.ty, Ty::Date | Ty::DateTime))
                    || poisoned_operand
                    || a.ty == Ty::Null
                    || b.ty == Ty::Null;
                if !ok(&a.ty) {
                    self.operand_error(op.symbol(), &a);
                } else if !ok(&b.ty) {
                    self.operand_error(op.symbol(), &b);
                } else if !comparable {
                    let d = self.err(
                        codes::E0307,
                        format!("cannot compare {} with {}", a.ty, b.ty),
                        span,
                        "incomparable operands",
                    );
                    self.report(d);
                }
                let bop = match op {
                    BinaryOp::Lt => BinOp::Lt,
                    BinaryOp::Le => BinOp::Le,
                    BinaryOp::Gt => BinOp::Gt,
                    _ => BinOp::Ge,
                };
                (bop, Ty::Bool, false)
            }
            BinaryOp::In | BinaryOp::NotIn => {
                match &b.ty {
                    Ty::List { item } => {
                        let item = (**item).clone();
                        let probe = texpr(TExprKind::Lit(Value::Null), item, false, false, b.span);
                        self.enum_literal_check(&a, &probe);
                    }
                    Ty::Never => {}
                    _ => {
                        let d = self
                            .err(
                                codes::E0308,
                                format!(
                                    "`{}` needs a list on its right, this is {}",
                                    op.symbol(),
                                    b.ty
                                ),
                                b.span,
                                "not a list",
                            )
                            .help("write the values as a list: `x in [\"a\", \"b\"]`");
                        self.report(d);
                    }
                }
                (
                    if op == BinaryOp::In {
                        BinOp::In
                    } else {
                        BinOp::NotIn
                    },
                    Ty::Bool,
                    false,
                )
            }
            BinaryOp::Add | BinaryOp::Sub | BinaryOp::Mul | BinaryOp::Div => {
                for t in [&a, &b] {
                    if !t.ty.is_numeric() && !matches!(t.ty, Ty::Never | Ty::Null) {
                        self.operand_error(op.symbol(), t);
                    }
                }
                let ty = if a.ty == Ty::Int && b.ty == Ty::Int && op != BinaryOp::Div {
                    Ty::Int
                } else {
                    Ty::Num { scale: None }
                };
                let bop = match op {
                    BinaryOp::Add => BinOp::Add,
                    BinaryOp::Sub => BinOp::Sub,
                    BinaryOp::Mul => BinOp::Mul,
                    _ => BinOp::Div,
                };
                // Division by zero is a run-time failure the spec must handle.
                let fallible = fallible || op == BinaryOp::Div;
                return texpr(
                    TExprKind::Binary {
                        op: bop,
                        lhs: Box::new(a.clone()),
                        rhs: Box::new(b.clone()),
                    },
                    ty,
                    a.nullable || b.nullable,
                    fallible,
                    span,
                );
            }
            BinaryOp::Coalesce => unreachable!("handled above"),
        };
        texpr(
            TExprKind::Binary {
                op: bop,
                lhs: Box::new(a),
                rhs: Box::new(b),
            },
            ty,
            nullable,
            fallible,
            span,
        )
    }

    /// `status == "Invited"` where `status` can never be "Invited".
    fn enum_literal_check(&mut self, var: &TExpr, lit: &TExpr) {
        let Ty::Enum { values } = &var.ty else { return };
        if matches!(var.kind, TExprKind::Lit(_) | TExprKind::List(_)) {
            return;
        }
        let literals: Vec<(&str, Span)> = match &lit.kind {
            TExprKind::Lit(Value::Text(s)) => vec![(s, lit.span)],
            TExprKind::List(items) => items
                .iter()
                .filter_map(|i| match &i.kind {
                    TExprKind::Lit(Value::Text(s)) => Some((&**s, i.span)),
                    _ => None,
                })
                .collect(),
            _ => Vec::new(),
        };
        for (s, span) in literals {
            if !values.iter().any(|v| v == s) {
                let help = did_you_mean(s, values.iter().map(String::as_str));
                let d = self
                    .err(
                        codes::E0312,
                        format!("{s:?} is not a value this field can have"),
                        span,
                        "never equal",
                    )
                    .maybe_help(help)
                    .note(format!("its values are: {}", values.join(", ")));
                self.report(d);
            }
        }
    }

    fn call(&mut self, func: &Ident, args: &[ast::Arg], scope: &Scope, span: Span) -> TExpr {
        let name = func.name.as_str();
        if name == "owner" {
            return self.owner(func, args, scope, span);
        }
        if let Some((_, agg)) = AGGREGATES.iter().find(|(n, _)| *n == name) {
            return self.aggregate(func, *agg, args, scope, span);
        }
        let Some(&(_, f, min, max)) = SCALAR_FUNCS.iter().find(|(n, ..)| *n == name) else {
            let all = SCALAR_FUNCS
                .iter()
                .map(|s| s.0)
                .chain(AGGREGATES.iter().map(|a| a.0))
                .chain(["owner"]);
            let d = self
                .err(
                    codes::E0214,
                    format!("there is no function `{name}`"),
                    func.span,
                    "unknown function",
                )
                .maybe_help(did_you_mean(name, all))
                .note("docs/language.md lists every function");
            self.report(d);
            return poisoned(span);
        };
        if args.len() < min || args.len() > max {
            let want = if min == max {
                format!("{min}")
            } else {
                format!("{min} to {max}")
            };
            let d = self.err(
                codes::E0306,
                format!("`{name}` takes {want} argument(s), {} given", args.len()),
                span,
                "wrong number of arguments",
            );
            self.report(d);
            return poisoned(span);
        }
        if let Some(a) = args.iter().find(|a| a.by.is_some()) {
            let d = self.err(
                codes::E0306,
                format!("`by` only goes with `latest` and `earliest`, not `{name}`"),
                a.span,
                "unexpected `by`",
            );
            self.report(d);
        }
        let targs: Vec<TExpr> = args.iter().map(|a| self.expr(&a.value, scope)).collect();
        self.func_note(name);
        super::funcs::scalar(self, f, name, targs, span)
    }

    fn owner(&mut self, func: &Ident, args: &[ast::Arg], scope: &Scope, span: Span) -> TExpr {
        if args.len() != 1 {
            let d = self.err(
                codes::E0306,
                "`owner` takes 1 argument: an email",
                span,
                "wrong number of arguments",
            );
            self.report(d);
            return poisoned(span);
        }
        if !self.symbols.has_owners {
            let d = self
                .err(
                    codes::E0224,
                    "`owner(…)` needs an `owners` block",
                    func.span,
                    "no owner policy",
                )
                .help("add `owners { match email  fallback \"owner@example.com\" }`");
            self.report(d);
        }
        let a = self.expr(&args[0].value, scope);
        if !a.ty.is_textual() && !matches!(a.ty, Ty::Never | Ty::Null) {
            let d = self.err(
                codes::E0301,
                format!("`owner` takes an email, not {}", a.ty),
                a.span,
                "not an email",
            );
            self.report(d);
        }
        self.func_note("owner");
        let nullable = self.symbols.owner_fallback_nullable && a.nullable;
        let f = a.fallible;
        texpr(TExprKind::Owner(Box::new(a)), Ty::Owner, nullable, f, span)
    }

    fn aggregate(
        &mut self,
        func: &Ident,
        agg: Agg,
        args: &[ast::Arg],
        scope: &Scope,
        span: Span,
    ) -> TExpr {
        let name = func.name.as_str();
        let (min, max) = if agg == Agg::Join { (2, 2) } else { (1, 1) };
        if args.len() < min || args.len() > max {
            let d = self.err(
                codes::E0306,
                format!("`{name}` takes {min} argument(s), {} given", args.len()),
                span,
                "wrong number of arguments",
            );
            self.report(d);
            return poisoned(span);
        }
        let by_allowed = matches!(agg, Agg::Latest | Agg::Earliest);
        if by_allowed && args[0].by.is_none() {
            let d = self
                .err(
                    codes::E0306,
                    format!("`{name}` needs an ordering: `{name}(x by t)`"),
                    span,
                    "missing `by`",
                )
                .help("e.g. `latest(enrollments.score by enrollments.completion_date)`");
            self.report(d);
            return poisoned(span);
        }
        if !by_allowed && args[0].by.is_some() {
            let d = self.err(
                codes::E0306,
                format!("`by` only goes with `latest` and `earliest`, not `{name}`"),
                args[0].span,
                "unexpected `by`",
            );
            self.report(d);
        }
        self.func_note(name);
        let list = self.expr(&args[0].value, scope);
        let by = args[0].by.as_ref().map(|b| Box::new(self.expr(b, scope)));
        let extra: Vec<TExpr> = args[1..]
            .iter()
            .map(|a| self.expr(&a.value, scope))
            .collect();
        if list.ty == Ty::Never {
            return poisoned(span);
        }
        // An aggregate of a single value is that value: `first(message.title)`
        // in a merge, where `message` is the same for the whole group.
        let item = match &list.ty {
            Ty::List { item } => (**item).clone(),
            t => t.clone(),
        };
        let numeric_ok = item.is_numeric() || matches!(item, Ty::Null | Ty::Never);
        let (ty, nullable) = match agg {
            Agg::Count => (Ty::Int, false),
            Agg::Sum | Agg::Avg => {
                if !numeric_ok {
                    let d = self.err(
                        codes::E0307,
                        format!("`{name}` adds numbers, this is a list of {item}"),
                        list.span,
                        "not numbers",
                    );
                    self.report(d);
                }
                let ty = if agg == Agg::Sum && item == Ty::Int {
                    Ty::Int
                } else {
                    Ty::Num { scale: None }
                };
                (ty, agg == Agg::Avg)
            }
            Agg::Min | Agg::Max | Agg::First | Agg::Last | Agg::Latest | Agg::Earliest => {
                (item.clone(), true)
            }
            Agg::Collect => (Ty::list(item.clone()), false),
            Agg::Distinct => (Ty::list(item.clone()), false),
            Agg::Any | Agg::All => (Ty::Bool, false),
            Agg::Join => (Ty::text(), false),
        };
        let fallible = list.fallible || by.as_ref().is_some_and(|b| b.fallible);
        texpr(
            TExprKind::Agg {
                func: agg,
                list: Box::new(list),
                by,
                extra,
            },
            ty,
            nullable,
            fallible,
            span,
        )
    }
}

/// The typed form of a literal.
pub fn literal(l: &Literal, span: Span) -> TExpr {
    let (v, ty, nullable) = match l {
        Literal::Str(s) => (
            Value::text(s),
            Ty::Enum {
                values: Arc::from(vec![s.clone()]),
            },
            false,
        ),
        Literal::Int(i) => (Value::Int(*i), Ty::Int, false),
        Literal::Float(f) => {
            let d = Decimal::from_str_exact(&f.to_string()).unwrap_or_default();
            (
                Value::Num(d),
                Ty::Num {
                    scale: Some(d.scale() as u8),
                },
                false,
            )
        }
        Literal::Bool(b) => (Value::Bool(*b), Ty::Bool, false),
        Literal::Null => (Value::Null, Ty::Null, true),
    };
    texpr(TExprKind::Lit(v), ty, nullable, false, span)
}
