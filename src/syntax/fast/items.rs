//! Fast path, items: the grammar's `item` rule and the items other than
//! the routing ones ([`super::flow`]), with what is inside them (source
//! rules, types, custom fields, value map arms), built as
//! [`super::super::build`] builds them.
//!
//! Input: a [`Cursor`] at an item keyword. Output: the [`ItemKind`], or
//! [`GiveUp`]. Invariants: as in [`super`]; repetitions stop only where the
//! grammar's repetition must stop (the closing token, or a first token that
//! no repeated element can start with).

use super::expr::{expr, expr_nw, literal_number, reason_args};
use super::flow::{merge, route, split, stmts, test};
use super::{Cursor, GiveUp, Res};
use crate::syntax::ast::*;
use crate::syntax::build::MODIFIERS;

/// `item`: its alternatives each start with their own keyword.
pub(super) fn item_kind(c: &mut Cursor) -> Res<ItemKind> {
    let word = c.word()?;
    c.take(word.len());
    Ok(match word {
        "migration" => {
            let source = c.expect_name()?;
            c.expect2(b"->")?;
            let destination = c.expect_name()?;
            ItemKind::Migration(Migration {
                source,
                destination,
            })
        }
        "options" => ItemKind::Options(Options {
            entries: options(c)?,
        }),
        "import" => ItemKind::Import(Import { path: c.string()? }),
        "source" => source(c)?,
        "custom" => custom(c)?,
        "values" => values(c)?,
        "table" => {
            let name = c.expect_name()?;
            c.expect_keyword("from")?;
            let file = c.string()?;
            c.expect_keyword("key")?;
            let key = c.expect_name()?;
            ItemKind::Table(Table { name, file, key })
        }
        "owners" => owners(c)?,
        "route" => route(c)?,
        "split" => split(c)?,
        "merge" => merge(c)?,
        "reference" => {
            let source = c.expect_name()?;
            let title = c.string()?;
            let filter = optional_filter(c)?;
            c.expect(b'{')?;
            ItemKind::Reference(Reference {
                source,
                title,
                filter,
                fields: stmts(c)?,
            })
        }
        "test" => test(c)?,
        _ => return Err(GiveUp),
    })
}

/// The start of the next token.
pub(super) fn token_start(c: &mut Cursor) -> Res<usize> {
    c.skip()?;
    Ok(c.pos)
}

/// `(kw_where ~ expr)?`
pub(super) fn optional_filter(c: &mut Cursor) -> Res<Option<Expr>> {
    if c.keyword("where")? {
        return Ok(Some(expr(c)?));
    }
    Ok(None)
}

/// `lbrace ~ (option_entry ~ comma?)* ~ rbrace`, `option_entry = { option_name ~ assign ~ expr }`.
fn options(c: &mut Cursor) -> Res<Vec<OptionEntry>> {
    c.expect(b'{')?;
    let mut entries = Vec::new();
    while !c.punct(b'}')? {
        let start = token_start(c)?;
        let key = c.expect_name()?;
        c.expect_assign()?;
        let value = expr(c)?;
        entries.push(OptionEntry {
            key,
            value,
            span: c.span_from(start),
        });
        c.punct(b',')?;
    }
    Ok(entries)
}

/// `source`: `object_name ~ lbrace ~ source_rule* ~ rbrace`.
fn source(c: &mut Cursor) -> Res<ItemKind> {
    let object = c.expect_name()?;
    c.expect(b'{')?;
    let mut rules = Vec::new();
    while !c.punct(b'}')? {
        let start = token_start(c)?;
        let word = c.word()?;
        c.take(word.len());
        let kind = match word {
            // `column_rule = { kw_column ~ column_name ~ colon ~ type_expr ~ (kw_from ~ string)? }`
            "column" => {
                let name = c.expect_name()?;
                c.expect(b':')?;
                let ty = type_expr(c)?;
                let from = if c.keyword("from")? {
                    Some(c.string()?)
                } else {
                    None
                };
                SourceRuleKind::Column { name, ty, from }
            }
            "where" => SourceRuleKind::Where(expr_nw(c)?),
            // `dedupe_rule = { kw_dedupe ~ kw_by ~ expr_nw ~ (comma ~ expr_nw)* ~ comma? ~ kw_keep ~ keep_policy }`
            "dedupe" => {
                c.expect_keyword("by")?;
                let mut by = vec![expr_nw(c)?];
                // No expression starts with `keep` (a reserved word).
                while c.punct(b',')? && c.next_word()? != "keep" {
                    by.push(expr_nw(c)?);
                }
                c.expect_keyword("keep")?;
                SourceRuleKind::Dedupe {
                    by,
                    keep: keep_policy(c)?,
                }
            }
            _ => return Err(GiveUp),
        };
        rules.push(SourceRule {
            kind,
            span: c.span_from(start),
        });
    }
    Ok(ItemKind::Source(SourceRules { object, rules }))
}

/// `keep_policy = { keep_name ~ (lparen ~ expr ~ rparen)? }`; an unknown
/// policy or a wrong argument is the builder's E0113.
fn keep_policy(c: &mut Cursor) -> Res<Keep> {
    let start = token_start(c)?;
    let name = c.expect_name()?;
    let arg = if c.punct(b'(')? {
        let e = expr(c)?;
        c.expect(b')')?;
        Some(e)
    } else {
        None
    };
    let kind = match (name.name.as_str(), arg) {
        ("latest", Some(e)) => KeepKind::Latest(e),
        ("earliest", Some(e)) => KeepKind::Earliest(e),
        ("first", None) => KeepKind::First,
        ("last", None) => KeepKind::Last,
        _ => return Err(GiveUp),
    };
    Ok(Keep {
        kind,
        span: c.span_from(start),
    })
}

/// `custom_item`: `((kw_object ~ object_name) | object_name) ~ lbrace ~ custom_field* ~ rbrace`.
fn custom(c: &mut Cursor) -> Res<ItemKind> {
    // `custom object {` is an object named `object`.
    let before = (c.pos, c.end);
    let mut new_object = c.keyword("object")?;
    let object = match c.name()? {
        Some(name) => name,
        None if new_object => {
            (c.pos, c.end) = before;
            new_object = false;
            c.expect_name()?
        }
        None => return Err(GiveUp),
    };
    c.expect(b'{')?;
    let mut fields = Vec::new();
    while !c.punct(b'}')? {
        fields.push(custom_field(c)?);
    }
    Ok(ItemKind::Custom(Custom {
        object,
        new_object,
        fields,
    }))
}

/// `custom_field = { field_name ~ colon ~ type_expr ~ modifier* }`,
/// `modifier = { modifier_name ~ !colon }`.
fn custom_field(c: &mut Cursor) -> Res<CustomField> {
    let start = token_start(c)?;
    let name = c.expect_name()?;
    c.expect(b':')?;
    let ty = type_expr(c)?;
    let mut modifiers = Vec::new();
    loop {
        let before = (c.pos, c.end);
        let Some(m) = c.name()? else { break };
        if c.next()? == b':' {
            // The name of the next field.
            (c.pos, c.end) = before;
            break;
        }
        // An unknown modifier is the builder's E0109.
        if !MODIFIERS.contains(&m.name.as_str()) {
            return Err(GiveUp);
        }
        modifiers.push(m);
    }
    Ok(CustomField {
        name,
        ty,
        modifiers,
        span: c.span_from(start),
    })
}

/// `type_expr = { type_name ~ ((lparen ~ args ~ rparen) | (langle ~ args ~ rangle))? }`,
/// args `(type_arg ~ (comma ~ type_arg)* ~ comma?)?`, `type_arg = _{ int | string | type_expr }`.
fn type_expr(c: &mut Cursor) -> Res<TypeExpr> {
    c.enter()?;
    let start = token_start(c)?;
    let name = c.expect_name()?;
    let mut args = Vec::new();
    let close = match c.next()? {
        b'(' => b')',
        b'<' => b'>',
        _ => {
            c.leave();
            return Ok(TypeExpr {
                name,
                args,
                span: c.span_from(start),
            });
        }
    };
    c.take(1);
    while !c.punct(close)? {
        let arg_start = c.pos;
        args.push(match c.peek() {
            b'0'..=b'9' => {
                let n = c.b[arg_start..]
                    .iter()
                    .take_while(|b| b.is_ascii_digit())
                    .count();
                c.take(n);
                let Literal::Int(value) = literal_number(&c.text[arg_start..c.pos], false)? else {
                    return Err(GiveUp);
                };
                TypeArg::Int {
                    value,
                    span: c.span_from(arg_start),
                }
            }
            b'"' => TypeArg::Str(c.string()?),
            _ => TypeArg::Type(type_expr(c)?),
        });
        if !c.punct(b',')? {
            c.expect(close)?;
            break;
        }
    }
    c.leave();
    Ok(TypeExpr {
        name,
        args,
        span: c.span_from(start),
    })
}

/// `map_key` or the literal alternatives of `outcome`, if one is next:
/// `string | key_float | key_int | kw_true | kw_false | kw_null`.
fn map_key(c: &mut Cursor) -> Res<Option<Literal>> {
    let start = token_start(c)?;
    let b = c.peek();
    if b == b'"' {
        return Ok(Some(Literal::Str(c.string()?.value)));
    }
    if b == b'-' || b.is_ascii_digit() {
        // `"-"? ~ ASCII_DIGIT+ ~ ("." ~ ASCII_DIGIT+)?`
        let digits = |from: usize| {
            c.b[from..]
                .iter()
                .take_while(|b| b.is_ascii_digit())
                .count()
        };
        let int_start = start + usize::from(b == b'-');
        let mut end = int_start + digits(int_start);
        if end == int_start {
            return Err(GiveUp);
        }
        let float = c.at(end) == b'.' && c.at(end + 1).is_ascii_digit();
        if float {
            end += 1 + digits(end + 1);
        }
        c.take(end - start);
        return literal_number(&c.text[start..end], float).map(Some);
    }
    let literal = match c.word()? {
        "true" => Literal::Bool(true),
        "false" => Literal::Bool(false),
        "null" => Literal::Null,
        _ => return Ok(None),
    };
    c.take(c.word()?.len());
    Ok(Some(literal))
}

/// `outcome = { kw_keep | skip_expr | <map_key literals> }`.
fn outcome(c: &mut Cursor) -> Res<MapOutcome> {
    match c.next_word()? {
        "keep" => {
            c.take(4);
            Ok(MapOutcome::Keep)
        }
        "skip" => {
            c.take(4);
            Ok(MapOutcome::Skip(reason_args(c)?))
        }
        _ => Ok(MapOutcome::Value(map_key(c)?.ok_or(GiveUp)?)),
    }
}

/// `values`: `map_name ~ lbrace ~ value_arm* ~ else_arm? ~ rbrace`,
/// `value_arm = { map_key ~ (comma ~ map_key)* ~ comma? ~ fat_arrow ~ outcome }`,
/// `else_arm = { kw_else ~ fat_arrow ~ outcome }`.
fn values(c: &mut Cursor) -> Res<ItemKind> {
    let name = c.expect_name()?;
    c.expect(b'{')?;
    let mut arms = Vec::new();
    loop {
        let start = token_start(c)?;
        let Some(first) = map_key(c)? else { break };
        let mut keys = vec![first];
        while c.punct(b',')? {
            match map_key(c)? {
                Some(key) => keys.push(key),
                None => break,
            }
        }
        c.expect2(b"=>")?;
        let outcome = outcome(c)?;
        arms.push(ValueArm {
            keys,
            outcome,
            span: c.span_from(start),
        });
    }
    let else_start = token_start(c)?;
    let else_arm = if c.keyword("else")? {
        c.expect2(b"=>")?;
        let outcome = outcome(c)?;
        Some(ElseArm {
            outcome,
            span: c.span_from(else_start),
        })
    } else {
        None
    };
    c.expect(b'}')?;
    Ok(ItemKind::Values(ValueMap {
        name,
        arms,
        else_arm,
    }))
}

/// `owners`: `lbrace ~ (owner_match | owner_fallback)* ~ rbrace`.
fn owners(c: &mut Cursor) -> Res<ItemKind> {
    c.expect(b'{')?;
    let mut rules = Vec::new();
    while !c.punct(b'}')? {
        let start = token_start(c)?;
        let kind = if c.keyword("match")? {
            OwnerRuleKind::Match(c.expect_name()?)
        } else if c.keyword("fallback")? {
            OwnerRuleKind::Fallback(expr(c)?)
        } else {
            return Err(GiveUp);
        };
        rules.push(OwnerRule {
            kind,
            span: c.span_from(start),
        });
    }
    Ok(ItemKind::Owners(Owners { rules }))
}
