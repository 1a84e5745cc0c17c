//! Binary operators: logic, equality, ordering, membership, arithmetic and `??`.
//!
//! Input: the two operand expressions. Output: a typed binary expression.
//! Invariants: comparisons and logic give `Bool`, non-nullable; arithmetic
//! gives `Int` only for `Int` operands other than division, and division is
//! fallible; `a ?? b` takes `b`'s nullability; comparing an enum with a text
//! literal it can never equal is E0312.

use super::{join, texpr, Infer, Scope};
use crate::diagnostics::{codes, did_you_mean};
use crate::plan::{BinOp, TExpr, TExprKind, Ty};
use crate::span::Span;
use crate::syntax::ast::{BinaryOp, Expr};
use crate::value::Value;

impl Infer<'_, '_> {
    pub(super) fn binary(
        &mut self,
        op: BinaryOp,
        lhs: &Expr,
        rhs: &Expr,
        scope: &Scope,
        span: Span,
    ) -> TExpr {
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
}
