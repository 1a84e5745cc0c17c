//! Routing items: pest pairs of `route`, `split`, `merge` and `test`, and
//! the statements and field initialisers inside them → AST nodes.
//!
//! Input: pairs of a successful parse (offsets made absolute by [`Ctx`]).
//! Output: [`Target`]s, [`Stmt`]s, [`FieldInit`]s and the items built from
//! them; diagnostics only through the expressions and reasons they contain.
//! Invariants: as in [`super::build`]: no panics on any pair shape the
//! grammar can produce, every node spanned.

use super::ast::*;
use super::build::{empty_ident, ident, str_lit, Ctx};
use super::expr::{expr, reason};
use super::parser::Rule;
use crate::span::Span;
use pest::iterators::Pair;

fn target(ctx: &Ctx, pair: Pair<'_, Rule>) -> Target {
    let span = ctx.span(&pair);
    let mut object = empty_ident(span);
    let mut alias = None;
    let mut body = Vec::new();
    for p in pair.into_inner() {
        match p.as_rule() {
            Rule::object_name => object = ident(ctx, &p),
            Rule::alias_name => alias = Some(ident(ctx, &p)),
            Rule::stmt => body.push(stmt(ctx, p)),
            _ => {}
        }
    }
    Target {
        object,
        alias,
        body,
        span,
    }
}

pub(crate) fn route(ctx: &Ctx, pair: Pair<'_, Rule>, span: Span) -> ItemKind {
    let mut source = empty_ident(span);
    let mut filter = None;
    let mut targets = Vec::new();
    let mut fan_out = false;
    for p in pair.into_inner() {
        match p.as_rule() {
            Rule::object_name => source = ident(ctx, &p),
            Rule::expr => filter = Some(expr(ctx, p)),
            Rule::target => targets.push(target(ctx, p)),
            Rule::fan_out => {
                fan_out = true;
                targets.extend(
                    p.into_inner()
                        .filter(|q| q.as_rule() == Rule::target)
                        .map(|q| target(ctx, q)),
                );
            }
            _ => {}
        }
    }
    ItemKind::Route(Route {
        source,
        filter,
        targets,
        fan_out,
    })
}

pub(crate) fn split(ctx: &Ctx, pair: Pair<'_, Rule>, span: Span) -> ItemKind {
    let mut source = empty_ident(span);
    let mut arms = Vec::new();
    let mut else_arm = None;
    for p in pair.into_inner() {
        let aspan = ctx.span(&p);
        match p.as_rule() {
            Rule::object_name => source = ident(ctx, &p),
            Rule::split_arm => {
                let (mut cond, mut tgt) = (None, None);
                for q in p.into_inner() {
                    match q.as_rule() {
                        Rule::expr => cond = Some(expr(ctx, q)),
                        Rule::target => tgt = Some(target(ctx, q)),
                        _ => {}
                    }
                }
                let cond = cond.unwrap_or_else(|| ctx.missing(aspan));
                let target = tgt.unwrap_or_else(|| Target {
                    object: empty_ident(aspan),
                    alias: None,
                    body: Vec::new(),
                    span: aspan,
                });
                arms.push(SplitArm {
                    cond,
                    target,
                    span: aspan,
                });
            }
            Rule::split_else => {
                let kind = p.into_inner().find_map(|q| match q.as_rule() {
                    Rule::target => Some(SplitElseKind::Target(target(ctx, q))),
                    Rule::skip_expr => Some(SplitElseKind::Skip(reason(ctx, q, "skip"))),
                    _ => None,
                });
                if let Some(kind) = kind {
                    else_arm = Some(SplitElse { kind, span: aspan });
                }
            }
            _ => {}
        }
    }
    ItemKind::Split(Split {
        source,
        arms,
        else_arm,
    })
}

pub(crate) fn merge(ctx: &Ctx, pair: Pair<'_, Rule>, span: Span) -> ItemKind {
    let mut source = empty_ident(span);
    let mut filter = None;
    let mut by = Vec::new();
    let mut tgt = None;
    let mut after_by = false;
    for p in pair.into_inner() {
        match p.as_rule() {
            Rule::object_name => source = ident(ctx, &p),
            Rule::kw_by => after_by = true,
            Rule::expr if after_by => by.push(expr(ctx, p)),
            Rule::expr => filter = Some(expr(ctx, p)),
            Rule::target => tgt = Some(target(ctx, p)),
            _ => {}
        }
    }
    let target = tgt.unwrap_or_else(|| Target {
        object: empty_ident(span),
        alias: None,
        body: Vec::new(),
        span,
    });
    ItemKind::Merge(Merge {
        source,
        filter,
        by,
        target,
    })
}

pub(crate) fn test(ctx: &Ctx, pair: Pair<'_, Rule>, span: Span) -> ItemKind {
    let mut name = StrLit {
        value: String::new(),
        span,
    };
    let mut givens = Vec::new();
    let mut expects = Vec::new();
    for p in pair.into_inner() {
        let pspan = ctx.span(&p);
        match p.as_rule() {
            Rule::string => name = str_lit(ctx, &p),
            Rule::given => {
                let mut object = empty_ident(pspan);
                let mut fields = Vec::new();
                for q in p.into_inner() {
                    match q.as_rule() {
                        Rule::object_name => object = ident(ctx, &q),
                        Rule::field_init => fields.push(field_init(ctx, q)),
                        _ => {}
                    }
                }
                givens.push(Given {
                    object,
                    fields,
                    span: pspan,
                });
            }
            Rule::expect => {
                let mut object = None;
                let mut fields = Vec::new();
                let mut kind = None;
                for q in p.into_inner() {
                    match q.as_rule() {
                        Rule::skip_expr => kind = Some(ExpectKind::Skip(reason(ctx, q, "skip"))),
                        Rule::flag_expr => kind = Some(ExpectKind::Flag(reason(ctx, q, "flag"))),
                        Rule::object_name => object = Some(ident(ctx, &q)),
                        Rule::field_init => fields.push(field_init(ctx, q)),
                        _ => {}
                    }
                }
                let kind = kind.unwrap_or_else(|| ExpectKind::Record {
                    object: object.unwrap_or_else(|| empty_ident(pspan)),
                    fields,
                });
                expects.push(Expect { kind, span: pspan });
            }
            _ => {}
        }
    }
    ItemKind::Test(TestBlock {
        name,
        givens,
        expects,
    })
}

fn field_path(ctx: &Ctx, pair: Pair<'_, Rule>) -> FieldPath {
    let span = ctx.span(&pair);
    let segments = pair
        .into_inner()
        .filter(|p| p.as_rule() == Rule::field_name)
        .map(|p| ident(ctx, &p))
        .collect();
    FieldPath { segments, span }
}

/// `field = expr` with the field path and value of a pair.
fn path_and_value(ctx: &Ctx, pair: Pair<'_, Rule>, span: Span) -> (FieldPath, Expr) {
    let mut field = None;
    let mut value = None;
    for p in pair.into_inner() {
        match p.as_rule() {
            Rule::field_path => field = Some(field_path(ctx, p)),
            Rule::expr => value = Some(expr(ctx, p)),
            _ => {}
        }
    }
    (
        field.unwrap_or(FieldPath {
            segments: Vec::new(),
            span,
        }),
        value.unwrap_or_else(|| ctx.missing(span)),
    )
}

pub(crate) fn field_init(ctx: &Ctx, pair: Pair<'_, Rule>) -> FieldInit {
    let span = ctx.span(&pair);
    let (field, value) = path_and_value(ctx, pair, span);
    FieldInit { field, value, span }
}

pub(crate) fn stmt(ctx: &Ctx, pair: Pair<'_, Rule>) -> Stmt {
    let span = ctx.span(&pair);
    let Some(inner) = pair.into_inner().next() else {
        return Stmt {
            kind: StmtKind::Assign {
                field: FieldPath {
                    segments: Vec::new(),
                    span,
                },
                value: ctx.missing(span),
            },
            span,
        };
    };
    let is_key = inner.as_rule() == Rule::key_stmt;
    let (field, value) = path_and_value(ctx, inner, span);
    let kind = if is_key {
        StmtKind::Key { field, value }
    } else {
        StmtKind::Assign { field, value }
    };
    Stmt { kind, span }
}
