//! Expression inference: AST expression → typed [`TExpr`].
//!
//! Input: an AST expression and the scope it is evaluated in (a source
//! record, or a merge group). Output: a typed expression with nullability
//! and fallibility, plus lineage; diagnostics for unknown names, bad
//! operands and unhandled conversions. An expression that failed to check
//! gets type `Never` so it does not cause follow-up errors.
//!
//! This module holds the shared state ([`Infer`], [`Scope`]), the
//! dispatcher [`Infer::expr`] with the small forms (literals, lists, unary
//! operators, `if`, `where`, `clear`, `skip`, `flag`, placeholders), and the
//! type join. The larger forms live in submodules: `paths` (names and
//! relation paths), `lookups` (value maps and tables), `operators` (binary
//! operators) and `calls` (functions and aggregates).

mod calls;
mod lookups;
mod operators;
mod paths;

use super::env::SourceEnv;
use super::lineage::{note, Texts};
use super::symbols::Symbols;
use crate::diagnostics::{codes, Code, Diagnostic, Diagnostics, SourceFile};
use crate::plan::{Lineage, TExpr, TExprKind, Ty};
use crate::span::Span;
use crate::syntax::ast::{Expr, ExprKind, Literal, UnaryOp};
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
