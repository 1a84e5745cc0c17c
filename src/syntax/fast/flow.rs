//! Fast path, routing: `route`, `split`, `merge` and `test` items and the
//! targets, statements and field initialisers inside them, built as
//! [`super::super::flow`] builds them.
//!
//! Input: a [`Cursor`] after the item keyword. Output: the [`ItemKind`] (or
//! the part), or [`GiveUp`]. Invariants: as in [`super`].

use super::expr::{expr, reason_args};
use super::items::{optional_filter, token_start};
use super::{Cursor, GiveUp, Res};
use crate::syntax::ast::*;

/// `route`: `object_name ~ (kw_where ~ expr)? ~ (target | fan_out)`,
/// `fan_out = { lbrace ~ target+ ~ rbrace }`.
pub(super) fn route(c: &mut Cursor) -> Res<ItemKind> {
    let source = c.expect_name()?;
    let filter = optional_filter(c)?;
    let (targets, fan_out) = if c.punct(b'{')? {
        let mut targets = vec![target(c)?];
        while !c.punct(b'}')? {
            targets.push(target(c)?);
        }
        (targets, true)
    } else {
        (vec![target(c)?], false)
    };
    Ok(ItemKind::Route(Route {
        source,
        filter,
        targets,
        fan_out,
    }))
}

/// `target = { arrow ~ object_name ~ (kw_as ~ alias_name)? ~ lbrace ~ stmt* ~ rbrace }`.
fn target(c: &mut Cursor) -> Res<Target> {
    let start = token_start(c)?;
    c.expect2(b"->")?;
    let object = c.expect_name()?;
    let alias = if c.keyword("as")? {
        Some(c.expect_name()?)
    } else {
        None
    };
    c.expect(b'{')?;
    let body = stmts(c)?;
    Ok(Target {
        object,
        alias,
        body,
        span: c.span_from(start),
    })
}

/// `stmt* ~ rbrace` (the `{` was taken), `stmt = { key_stmt | assign_stmt }`.
pub(super) fn stmts(c: &mut Cursor) -> Res<Vec<Stmt>> {
    let mut out = Vec::new();
    while !c.punct(b'}')? {
        let start = token_start(c)?;
        // `key_stmt = { kw_key ~ field_path ~ assign ~ expr }`, unless no
        // field follows `key` (`key = x`): then `key` is the field.
        let before = (c.pos, c.end);
        let mut is_key = c.keyword("key")?;
        if is_key && !c.name_next()? {
            (c.pos, c.end) = before;
            is_key = false;
        }
        let field = field_path(c)?;
        c.expect_assign()?;
        let value = expr(c)?;
        let kind = if is_key {
            StmtKind::Key { field, value }
        } else {
            StmtKind::Assign { field, value }
        };
        out.push(Stmt {
            kind,
            span: c.span_from(start),
        });
    }
    Ok(out)
}

/// `field_path = ${ field_name ~ (dot ~ field_name)* }` (no trivia inside).
fn field_path(c: &mut Cursor) -> Res<FieldPath> {
    let start = token_start(c)?;
    let mut segments = vec![c.expect_name()?];
    while c.peek() == b'.' {
        let before = (c.pos, c.end);
        c.pos += 1;
        match c.name_here()? {
            Some(segment) => segments.push(segment),
            None => {
                (c.pos, c.end) = before;
                break;
            }
        }
    }
    Ok(FieldPath {
        segments,
        span: c.span_from(start),
    })
}

/// `(field_init ~ comma?)* ~ rbrace` (the `{` was taken),
/// `field_init = { field_path ~ assign ~ expr }`.
pub(super) fn field_inits(c: &mut Cursor) -> Res<Vec<FieldInit>> {
    let mut out = Vec::new();
    while !c.punct(b'}')? {
        let start = token_start(c)?;
        let field = field_path(c)?;
        c.expect_assign()?;
        let value = expr(c)?;
        out.push(FieldInit {
            field,
            value,
            span: c.span_from(start),
        });
        c.punct(b',')?;
    }
    Ok(out)
}

/// `split`: `object_name ~ lbrace ~ split_arm+ ~ split_else? ~ rbrace`,
/// `split_arm = { kw_when ~ expr ~ target }`, `split_else = { kw_else ~ (target | skip_expr) }`.
pub(super) fn split(c: &mut Cursor) -> Res<ItemKind> {
    let source = c.expect_name()?;
    c.expect(b'{')?;
    let mut arms = Vec::new();
    loop {
        let start = token_start(c)?;
        if !c.keyword("when")? {
            break;
        }
        let cond = expr(c)?;
        let target = target(c)?;
        arms.push(SplitArm {
            cond,
            target,
            span: c.span_from(start),
        });
    }
    if arms.is_empty() {
        return Err(GiveUp);
    }
    let start = token_start(c)?;
    let else_arm = if c.keyword("else")? {
        let kind = if c.keyword("skip")? {
            SplitElseKind::Skip(reason_args(c)?)
        } else {
            SplitElseKind::Target(target(c)?)
        };
        Some(SplitElse {
            kind,
            span: c.span_from(start),
        })
    } else {
        None
    };
    c.expect(b'}')?;
    Ok(ItemKind::Split(Split {
        source,
        arms,
        else_arm,
    }))
}

/// `merge`: `object_name ~ (kw_where ~ expr)? ~ kw_by ~ expr ~ (comma ~ expr)* ~ comma? ~ target`.
pub(super) fn merge(c: &mut Cursor) -> Res<ItemKind> {
    let source = c.expect_name()?;
    let filter = optional_filter(c)?;
    c.expect_keyword("by")?;
    let mut by = vec![expr(c)?];
    // No expression starts with `->` (`op_neg` is `"-" ~ !">"`).
    while c.punct(b',')? && !(c.next()? == b'-' && c.at(c.pos + 1) == b'>') {
        by.push(expr(c)?);
    }
    let target = target(c)?;
    Ok(ItemKind::Merge(Merge {
        source,
        filter,
        by,
        target,
    }))
}

/// `test`: `string ~ lbrace ~ given* ~ expect* ~ rbrace`,
/// `given = { kw_given ~ object_name ~ lbrace ~ (field_init ~ comma?)* ~ rbrace }`,
/// `expect = { kw_expect ~ (skip_expr | flag_expr | (object_name ~ lbrace ~ … ~ rbrace)) }`.
pub(super) fn test(c: &mut Cursor) -> Res<ItemKind> {
    let name = c.string()?;
    c.expect(b'{')?;
    let mut givens = Vec::new();
    loop {
        let start = token_start(c)?;
        if !c.keyword("given")? {
            break;
        }
        let object = c.expect_name()?;
        c.expect(b'{')?;
        let fields = field_inits(c)?;
        givens.push(Given {
            object,
            fields,
            span: c.span_from(start),
        });
    }
    let mut expects = Vec::new();
    loop {
        let start = token_start(c)?;
        if !c.keyword("expect")? {
            break;
        }
        let kind = if c.keyword("skip")? {
            ExpectKind::Skip(reason_args(c)?)
        } else if c.keyword("flag")? {
            ExpectKind::Flag(reason_args(c)?)
        } else {
            let object = c.expect_name()?;
            c.expect(b'{')?;
            ExpectKind::Record {
                object,
                fields: field_inits(c)?,
            }
        };
        expects.push(Expect {
            kind,
            span: c.span_from(start),
        });
    }
    c.expect(b'}')?;
    Ok(ItemKind::Test(TestBlock {
        name,
        givens,
        expects,
    }))
}
