//! Expressions: pest `expr` pairs → [`Expr`], operators resolved by a Pratt
//! parser.
//!
//! Input: an `expr`/`expr_nw` pair of a successful parse. Output: the
//! expression tree. Precedence, lowest to highest: `where` (list filter) <
//! `??` (right-associative) < `or` < `and` < prefix `not` < comparisons
//! (`== != < <= > >= in`, `not in`; not associative: chaining is E0116) <
//! `+ -` < `* /` < prefix `-` < postfix `[i]`, `.name`.
//! Invariants: every node's span covers exactly its text, except that a
//! parenthesised expression's span includes its parentheses (there is no
//! paren node); the builder never panics on pairs the grammar produced.

use super::ast::*;
use super::build::{ident, str_lit, Ctx};
use super::parser::Rule;
use crate::diagnostics::{codes, Diagnostic};
use crate::span::Span;
use pest::iterators::Pair;
use pest::pratt_parser::{Assoc, Op, PrattParser};
use std::sync::LazyLock;

static PRATT: LazyLock<PrattParser<Rule>> = LazyLock::new(|| {
    PrattParser::new()
        .op(Op::infix(Rule::op_where, Assoc::Left))
        .op(Op::infix(Rule::op_coalesce, Assoc::Right))
        .op(Op::infix(Rule::op_or, Assoc::Left))
        .op(Op::infix(Rule::op_and, Assoc::Left))
        .op(Op::prefix(Rule::op_not))
        .op(Op::infix(Rule::op_eq, Assoc::Left)
            | Op::infix(Rule::op_ne, Assoc::Left)
            | Op::infix(Rule::op_lt, Assoc::Left)
            | Op::infix(Rule::op_le, Assoc::Left)
            | Op::infix(Rule::op_gt, Assoc::Left)
            | Op::infix(Rule::op_ge, Assoc::Left)
            | Op::infix(Rule::op_in, Assoc::Left)
            | Op::infix(Rule::op_not_in, Assoc::Left))
        .op(Op::infix(Rule::op_add, Assoc::Left) | Op::infix(Rule::op_sub, Assoc::Left))
        .op(Op::infix(Rule::op_mul, Assoc::Left) | Op::infix(Rule::op_div, Assoc::Left))
        .op(Op::prefix(Rule::op_neg))
        .op(Op::postfix(Rule::index) | Op::postfix(Rule::member))
});

fn binary_op(rule: Rule) -> Option<BinaryOp> {
    Some(match rule {
        Rule::op_coalesce => BinaryOp::Coalesce,
        Rule::op_or => BinaryOp::Or,
        Rule::op_and => BinaryOp::And,
        Rule::op_eq => BinaryOp::Eq,
        Rule::op_ne => BinaryOp::Ne,
        Rule::op_lt => BinaryOp::Lt,
        Rule::op_le => BinaryOp::Le,
        Rule::op_gt => BinaryOp::Gt,
        Rule::op_ge => BinaryOp::Ge,
        Rule::op_in => BinaryOp::In,
        Rule::op_not_in => BinaryOp::NotIn,
        Rule::op_add => BinaryOp::Add,
        Rule::op_sub => BinaryOp::Sub,
        Rule::op_mul => BinaryOp::Mul,
        Rule::op_div => BinaryOp::Div,
        _ => return None,
    })
}

fn is_comparison(op: BinaryOp) -> bool {
    use BinaryOp::*;
    matches!(op, Eq | Ne | Lt | Le | Gt | Ge | In | NotIn)
}

/// Builds an `expr` or `expr_nw` pair.
pub(crate) fn expr(ctx: &Ctx, pair: Pair<'_, Rule>) -> Expr {
    PRATT
        .map_primary(|p| primary(ctx, p))
        .map_prefix(|op, operand| {
            let span = ctx.span(&op).to(operand.span);
            let op = if op.as_rule() == Rule::op_not {
                UnaryOp::Not
            } else {
                UnaryOp::Neg
            };
            Expr {
                kind: ExprKind::Unary {
                    op,
                    operand: Box::new(operand),
                },
                span,
            }
        })
        .map_postfix(|base, op| {
            let span = base.span.to(ctx.span(&op));
            let kind = if op.as_rule() == Rule::index {
                let index = op
                    .into_inner()
                    .find(|p| p.as_rule() == Rule::expr)
                    .map(|p| expr(ctx, p))
                    .unwrap_or_else(|| ctx.missing(span));
                ExprKind::Index {
                    base: Box::new(base),
                    index: Box::new(index),
                }
            } else {
                let name = op
                    .into_inner()
                    .find(|p| p.as_rule() == Rule::member_name)
                    .map(|p| ident(ctx, &p))
                    .unwrap_or_else(|| Ident {
                        name: String::new(),
                        span,
                    });
                ExprKind::Member {
                    base: Box::new(base),
                    name,
                }
            };
            Expr { kind, span }
        })
        .map_infix(|lhs, op, rhs| {
            let span = lhs.span.to(rhs.span);
            if op.as_rule() == Rule::op_where {
                return Expr {
                    kind: ExprKind::Filter {
                        list: Box::new(lhs),
                        cond: Box::new(rhs),
                    },
                    span,
                };
            }
            let Some(bop) = binary_op(op.as_rule()) else {
                return ctx.missing(span);
            };
            if is_comparison(bop) {
                if let ExprKind::Binary { op: inner, .. } = &lhs.kind {
                    if is_comparison(*inner) && !ctx.is_parenthesised(lhs.span) {
                        ctx.push(
                            Diagnostic::new(codes::E0116, "comparisons cannot be chained")
                                .label(
                                    ctx.span(&op),
                                    format!("second comparison `{}`", bop.symbol()),
                                )
                                .label(lhs.span, "this is already a comparison")
                                .help(format!(
                                    "write two comparisons joined by `and` (`a {} b and b {} c`), \
                                     or add parentheses if you mean to compare the result",
                                    inner.symbol(),
                                    bop.symbol()
                                )),
                        );
                    }
                }
            }
            Expr {
                kind: ExprKind::Binary {
                    op: bop,
                    lhs: Box::new(lhs),
                    rhs: Box::new(rhs),
                },
                span,
            }
        })
        .parse(pair.into_inner())
}

/// Builds a `primary` pair.
fn primary(ctx: &Ctx, pair: Pair<'_, Rule>) -> Expr {
    let span = ctx.span(&pair);
    let Some(inner) = pair.into_inner().next() else {
        return ctx.missing(span);
    };
    let kind = match inner.as_rule() {
        Rule::paren => {
            let mut e = inner
                .into_inner()
                .find(|p| p.as_rule() == Rule::expr)
                .map(|p| expr(ctx, p))
                .unwrap_or_else(|| ctx.missing(span));
            e.span = span;
            ctx.mark_parenthesised(span);
            return e;
        }
        Rule::list => ExprKind::List(exprs(ctx, inner)),
        Rule::if_expr => {
            let mut parts = exprs(ctx, inner).into_iter();
            let mut next = || {
                parts
                    .next()
                    .map(Box::new)
                    .unwrap_or_else(|| Box::new(ctx.missing(span)))
            };
            ExprKind::If {
                cond: next(),
                then: next(),
                otherwise: next(),
            }
        }
        Rule::skip_expr => ExprKind::Skip(reason(ctx, inner, "skip")),
        Rule::flag_expr => ExprKind::Flag(reason(ctx, inner, "flag")),
        Rule::placeholder => {
            let mut object = None;
            let mut fields = Vec::new();
            for p in inner.into_inner() {
                match p.as_rule() {
                    Rule::object_name => object = Some(ident(ctx, &p)),
                    Rule::field_init => fields.push(super::flow::field_init(ctx, p)),
                    _ => {}
                }
            }
            let object = object.unwrap_or_else(|| Ident {
                name: String::new(),
                span,
            });
            ExprKind::Placeholder { object, fields }
        }
        Rule::clear => ExprKind::Clear,
        Rule::call_or_path => {
            let mut path = Vec::new();
            let mut args = None;
            for p in inner.into_inner() {
                match p.as_rule() {
                    Rule::path => {
                        path = p
                            .into_inner()
                            .filter(|q| q.as_rule() == Rule::path_name)
                            .map(|q| ident(ctx, &q))
                            .collect::<Vec<_>>()
                    }
                    Rule::call_args => {
                        args = Some(
                            p.into_inner()
                                .filter(|q| q.as_rule() == Rule::arg)
                                .map(|q| arg(ctx, q))
                                .collect(),
                        )
                    }
                    _ => {}
                }
            }
            match args {
                None => ExprKind::Path(path),
                Some(args) => {
                    if path.len() > 1 {
                        let dotted: Vec<&str> = path.iter().map(|i| i.name.as_str()).collect();
                        let pspan = path[0].span.to(path[path.len() - 1].span);
                        ctx.push(
                            Diagnostic::new(
                                codes::E0101,
                                format!("`{}` cannot be called: only a function name can", dotted.join(".")),
                            )
                            .label(pspan, "not a function name")
                            .help("functions are called by name, such as `lower(email)`; to pass a column, write it inside the parentheses"),
                        );
                    }
                    let func = path.pop().unwrap_or_else(|| Ident {
                        name: String::new(),
                        span,
                    });
                    ExprKind::Call { func, args }
                }
            }
        }
        Rule::path => ExprKind::Path(
            inner
                .into_inner()
                .filter(|p| p.as_rule() == Rule::path_name)
                .map(|p| ident(ctx, &p))
                .collect(),
        ),
        _ => ExprKind::Literal(literal(ctx, inner)),
    };
    Expr { kind, span }
}

/// Every `expr` child of a pair, built.
fn exprs(ctx: &Ctx, pair: Pair<'_, Rule>) -> Vec<Expr> {
    pair.into_inner()
        .filter(|p| p.as_rule() == Rule::expr)
        .map(|p| expr(ctx, p))
        .collect()
}

fn arg(ctx: &Ctx, pair: Pair<'_, Rule>) -> Arg {
    let span = ctx.span(&pair);
    let mut parts = exprs(ctx, pair).into_iter();
    let value = parts.next().unwrap_or_else(|| ctx.missing(span));
    Arg {
        value,
        by: parts.next(),
        span,
    }
}

/// A literal token: `string`, `int`, `float`, `key_int`, `key_float`,
/// `kw_true`, `kw_false`, `kw_null`.
pub(crate) fn literal(ctx: &Ctx, pair: Pair<'_, Rule>) -> Literal {
    let span = ctx.span(&pair);
    let text = pair.as_str();
    match pair.as_rule() {
        Rule::string => Literal::Str(str_lit(ctx, &pair).value),
        Rule::int | Rule::key_int => Literal::Int(int_value(ctx, text, span)),
        Rule::float | Rule::key_float => match text.parse::<f64>() {
            Ok(v) if v.is_finite() => Literal::Float(v),
            _ => {
                ctx.push(
                    Diagnostic::new(codes::E0108, format!("the number `{text}` is too large"))
                        .label(span, "out of range")
                        .help("numbers must fit in a 64-bit floating-point value"),
                );
                Literal::Float(0.0)
            }
        },
        Rule::kw_true => Literal::Bool(true),
        Rule::kw_false => Literal::Bool(false),
        _ => Literal::Null,
    }
}

/// The value of an integer token; E0108 when it does not fit in an i64.
pub(crate) fn int_value(ctx: &Ctx, text: &str, span: Span) -> i64 {
    text.parse::<i64>().unwrap_or_else(|_| {
        ctx.push(
            Diagnostic::new(
                codes::E0108,
                format!("the integer `{text}` does not fit in 64 bits"),
            )
            .label(span, "out of range")
            .help(format!(
                "integers range from {} to {}; write a decimal number such as `{text}.0` if \
                     you need a larger value",
                i64::MIN,
                i64::MAX
            )),
        );
        0
    })
}

pub(crate) fn is_reason_code(code: &str) -> bool {
    let mut bytes = code.bytes();
    bytes.next().is_some_and(|b| b.is_ascii_lowercase())
        && bytes.all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
}

/// `Missing Last-Name` → `missing_last_name`, for the help text.
fn suggest_code(text: &str) -> Option<String> {
    let mut out = String::new();
    for c in text.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.is_empty() && !out.ends_with('_') {
            out.push('_');
        }
    }
    let out = out
        .trim_end_matches('_')
        .trim_start_matches(|c: char| c.is_ascii_digit() || c == '_');
    (!out.is_empty()).then(|| out.to_string())
}

/// The reason of a `skip_expr`/`flag_expr` pair (E0111 unless it is one
/// string literal holding a reason code).
pub(crate) fn reason(ctx: &Ctx, pair: Pair<'_, Rule>, word: &str) -> Reason {
    let whole = ctx.span(&pair);
    let args = exprs(ctx, pair);
    let example = format!("{word}(\"missing_last_name\")");
    match args.as_slice() {
        [Expr {
            kind: ExprKind::Literal(Literal::Str(code)),
            span,
        }] => {
            if code.is_empty() {
                ctx.push(
                    Diagnostic::new(codes::E0111, format!("`{word}` needs a reason code"))
                        .label(*span, "empty reason")
                        .help(format!("give the reason as a code such as `{example}`")),
                );
            } else if !is_reason_code(code) {
                let help = match suggest_code(code) {
                    Some(s) => format!(
                        "a reason code is lower-case letters, digits and `_`, starting with a \
                         letter; write `{word}(\"{s}\")`"
                    ),
                    None => format!(
                        "a reason code is lower-case letters, digits and `_`, starting with a \
                         letter, such as `{example}`"
                    ),
                };
                ctx.push(
                    Diagnostic::new(codes::E0111, format!("`{code}` is not a valid reason code"))
                        .label(*span, "not a reason code")
                        .help(help),
                );
            }
            Reason {
                code: code.clone(),
                span: *span,
            }
        }
        [] => {
            ctx.push(
                Diagnostic::new(codes::E0111, format!("`{word}` needs a reason code"))
                    .label(whole, "no reason given")
                    .help(format!("give the reason as one quoted code: `{example}`")),
            );
            Reason {
                code: String::new(),
                span: whole,
            }
        }
        [one] => {
            ctx.push(
                Diagnostic::new(
                    codes::E0111,
                    format!("the reason of `{word}` must be a quoted code"),
                )
                .label(one.span, "not a string literal")
                .help(format!(
                    "reasons are fixed codes, not computed values: `{example}`"
                )),
            );
            Reason {
                code: String::new(),
                span: one.span,
            }
        }
        [first, .., last] => {
            ctx.push(
                Diagnostic::new(
                    codes::E0111,
                    format!("`{word}` takes exactly one reason code"),
                )
                .label(
                    first.span.to(last.span),
                    format!("{} arguments", args.len()),
                )
                .help(format!("give one quoted code: `{example}`")),
            );
            Reason {
                code: String::new(),
                span: first.span,
            }
        }
    }
}
