//! Fast path, expressions: `expr`, `expr_nw` and `primary` of the grammar,
//! built as [`super::super::expr`] builds them.
//!
//! Input: a [`Cursor`] before an expression. Output: the [`Expr`], or
//! [`GiveUp`]. Operators are resolved as pest's Pratt parser resolves the
//! flat `prefix* primary postfix* (infix …)*` sequence with the table of
//! `super::super::expr::PRATT`: the binding powers below are the ones pest
//! gives that table (20, 30, … in steps of 10), `??` is right-associative, the others
//! left. Invariant: node spans as the builder makes them (a parenthesised
//! expression spans its parentheses); whatever the builder would report on
//! (E0101 dotted calls, E0108 numbers, E0111 reasons, E0116 chained
//! comparisons) gives up instead.

use super::{Cursor, GiveUp, Res};
use crate::span::Span;
use crate::syntax::ast::*;
use crate::syntax::expr::is_reason_code;

const WHERE: u8 = 20;
const COALESCE: u8 = 30;
const OR: u8 = 40;
const AND: u8 = 50;
const NOT: u8 = 60;
const COMPARE: u8 = 70;
const SUM: u8 = 80;
const PRODUCT: u8 = 90;
const NEG: u8 = 100;
const POSTFIX: u8 = 110;

/// An operator after an operand.
enum Op {
    Index,
    Member,
    Where,
    Binary(BinaryOp),
}

/// `expr`.
pub(super) fn expr(c: &mut Cursor) -> Res<Expr> {
    expr_bp(c, 0, true)
}

/// `expr_nw`: no `where` filter at its top level.
pub(super) fn expr_nw(c: &mut Cursor) -> Res<Expr> {
    expr_bp(c, 0, false)
}

/// Pratt's `expr(rbp)`: an operand, then the operators that bind tighter
/// than `rbp`. `filters`: whether `where` is an operator here (`expr`) or
/// not (`expr_nw`); operands inside brackets are always `expr`.
fn expr_bp(c: &mut Cursor, rbp: u8, filters: bool) -> Res<Expr> {
    c.enter()?;
    let mut lhs = operand(c, filters)?;
    loop {
        c.skip()?;
        let Some((op, len, power)) = next_op(c, filters)? else {
            break;
        };
        if rbp >= power {
            break;
        }
        let op_start = c.pos;
        c.take(len);
        lhs = match op {
            Op::Index => {
                let index = expr(c)?;
                c.expect(b']')?;
                let span = lhs.span.to(c.span_from(op_start));
                let kind = ExprKind::Index {
                    base: Box::new(lhs),
                    index: Box::new(index),
                };
                Expr { kind, span }
            }
            Op::Member => {
                let name = c.expect_name()?;
                let span = lhs.span.to(c.span_from(op_start));
                let kind = ExprKind::Member {
                    base: Box::new(lhs),
                    name,
                };
                Expr { kind, span }
            }
            Op::Where => {
                let cond = expr_bp(c, power, filters)?;
                Expr {
                    span: lhs.span.to(cond.span),
                    kind: ExprKind::Filter {
                        list: Box::new(lhs),
                        cond: Box::new(cond),
                    },
                }
            }
            Op::Binary(op) => {
                let right_assoc = op == BinaryOp::Coalesce;
                let rhs = expr_bp(c, if right_assoc { power - 1 } else { power }, filters)?;
                if is_comparison(op) && chains_comparison(c, &lhs) {
                    return Err(GiveUp);
                }
                Expr {
                    span: lhs.span.to(rhs.span),
                    kind: ExprKind::Binary {
                        op,
                        lhs: Box::new(lhs),
                        rhs: Box::new(rhs),
                    },
                }
            }
        };
    }
    c.leave();
    Ok(lhs)
}

fn is_comparison(op: BinaryOp) -> bool {
    use BinaryOp::*;
    matches!(op, Eq | Ne | Lt | Le | Gt | Ge | In | NotIn)
}

/// E0116: a comparison whose left side is an unparenthesised comparison.
fn chains_comparison(c: &Cursor, lhs: &Expr) -> bool {
    matches!(&lhs.kind, ExprKind::Binary { op, .. } if is_comparison(*op))
        && !c.parens.contains(&lhs.span)
}

/// Pratt's `nud`: `prefix` operators (`op_not`, `op_neg`), then `primary`.
fn operand(c: &mut Cursor, filters: bool) -> Res<Expr> {
    let prefix = match c.next()? {
        b'n' if c.word()? == "not" => Some((UnaryOp::Not, 3, NOT)),
        b'-' if c.at(c.pos + 1) != b'>' => Some((UnaryOp::Neg, 1, NEG)),
        _ => None,
    };
    let Some((op, len, power)) = prefix else {
        return primary(c);
    };
    let op_start = c.pos;
    c.take(len);
    let operand = expr_bp(c, power - 1, filters)?;
    Ok(Expr {
        span: Span::new(op_start, op_start + len).to(operand.span),
        kind: ExprKind::Unary {
            op,
            operand: Box::new(operand),
        },
    })
}

/// The operator at `pos` (trivia skipped), in the grammar's order of
/// `postfix`, then `infix` (`op_where` first, only in `expr`) or
/// `infix_nw`: `(operator, its length, binding power)`.
fn next_op(c: &Cursor, filters: bool) -> Res<Option<(Op, usize, u8)>> {
    let next = c.at(c.pos + 1);
    let binary = |op, len, power| Ok(Some((Op::Binary(op), len, power)));
    match c.peek() {
        b'[' => Ok(Some((Op::Index, 1, POSTFIX))),
        b'.' => Ok(Some((Op::Member, 1, POSTFIX))),
        b'w' if filters && c.word()? == "where" => Ok(Some((Op::Where, 5, WHERE))),
        b'?' if next == b'?' => binary(BinaryOp::Coalesce, 2, COALESCE),
        b'o' if c.word()? == "or" => binary(BinaryOp::Or, 2, OR),
        b'a' if c.word()? == "and" => binary(BinaryOp::And, 3, AND),
        // `op_not_in = @{ "not" ~ (" " | "\t" | "\r" | "\n")+ ~ "in" ~ !ident_char }`
        b'n' if c.word()? == "not" => {
            let blanks = c.b[c.pos + 3..]
                .iter()
                .take_while(|b| matches!(b, b' ' | b'\t' | b'\r' | b'\n'))
                .count();
            let word_at = c.pos + 3 + blanks;
            if blanks > 0 && c.word_at(word_at)? == "in" {
                return binary(BinaryOp::NotIn, word_at + 2 - c.pos, COMPARE);
            }
            Ok(None)
        }
        b'i' if c.word()? == "in" => binary(BinaryOp::In, 2, COMPARE),
        b'=' if next == b'=' => binary(BinaryOp::Eq, 2, COMPARE),
        b'!' if next == b'=' => binary(BinaryOp::Ne, 2, COMPARE),
        b'<' if next == b'=' => binary(BinaryOp::Le, 2, COMPARE),
        b'<' => binary(BinaryOp::Lt, 1, COMPARE),
        b'>' if next == b'=' => binary(BinaryOp::Ge, 2, COMPARE),
        b'>' => binary(BinaryOp::Gt, 1, COMPARE),
        b'+' => binary(BinaryOp::Add, 1, SUM),
        b'-' if next != b'>' => binary(BinaryOp::Sub, 1, SUM),
        b'*' => binary(BinaryOp::Mul, 1, PRODUCT),
        b'/' if next != b'/' && next != b'*' => binary(BinaryOp::Div, 1, PRODUCT),
        _ => Ok(None),
    }
}

/// `primary`: the first character (or the whole reserved word) picks the
/// only alternative that can match.
fn primary(c: &mut Cursor) -> Res<Expr> {
    let start = c.pos;
    let kind = match c.peek() {
        b'"' => ExprKind::Literal(Literal::Str(c.string()?.value)),
        b'0'..=b'9' => ExprKind::Literal(number(c, start)?),
        b'(' => {
            c.take(1);
            let mut e = expr(c)?;
            c.expect(b')')?;
            e.span = c.span_from(start);
            c.parens.push(e.span);
            return Ok(e);
        }
        b'[' => {
            c.take(1);
            ExprKind::List(exprs_until(c, b']')?)
        }
        b'a'..=b'z' | b'A'..=b'Z' | b'_' => match c.name_here()? {
            Some(first) => call_or_path(c, first)?,
            None => keyword_form(c)?,
        },
        _ => return Err(GiveUp),
    };
    Ok(Expr {
        kind,
        span: c.span_from(start),
    })
}

/// `float` or `int` (`ASCII_DIGIT+ ~ ("." ~ ASCII_DIGIT+)?`, atomic).
fn number(c: &mut Cursor, start: usize) -> Res<Literal> {
    let digits = |from: usize| {
        c.b[from..]
            .iter()
            .take_while(|b| b.is_ascii_digit())
            .count()
    };
    let mut end = start + digits(start);
    let float = c.at(end) == b'.' && c.at(end + 1).is_ascii_digit();
    if float {
        end += 1 + digits(end + 1);
    }
    c.take(end - start);
    literal_number(&c.text[start..end], float)
}

/// The value of a number token (`int`, `float`, `key_int`, `key_float`);
/// gives up where the builder reports E0108.
pub(super) fn literal_number(text: &str, float: bool) -> Res<Literal> {
    if float {
        match text.parse::<f64>() {
            Ok(v) if v.is_finite() => Ok(Literal::Float(v)),
            _ => Err(GiveUp),
        }
    } else {
        text.parse::<i64>().map(Literal::Int).map_err(|_| GiveUp)
    }
}

/// `call_or_path = { path ~ call_args? }`, `path = ${ path_name ~ (dot ~ path_name)* }`.
fn call_or_path(c: &mut Cursor, first: Ident) -> Res<ExprKind> {
    let mut path = vec![first];
    while c.peek() == b'.' {
        let before = (c.pos, c.end);
        c.pos += 1;
        match c.name_here()? {
            Some(segment) => path.push(segment),
            None => {
                (c.pos, c.end) = before;
                break;
            }
        }
    }
    if c.next()? != b'(' {
        return Ok(ExprKind::Path(path));
    }
    // The builder reports a call of a dotted path (E0101).
    if path.len() > 1 {
        return Err(GiveUp);
    }
    c.take(1);
    let mut args = Vec::new();
    if !c.punct(b')')? {
        loop {
            args.push(arg(c)?);
            if !c.punct(b',')? {
                c.expect(b')')?;
                break;
            }
            if c.punct(b')')? {
                break;
            }
        }
    }
    let func = path.pop().ok_or(GiveUp)?;
    Ok(ExprKind::Call { func, args })
}

/// `arg = { expr ~ (kw_by ~ expr)? }`.
fn arg(c: &mut Cursor) -> Res<Arg> {
    c.skip()?;
    let start = c.pos;
    let value = expr(c)?;
    let by = if c.keyword("by")? {
        Some(expr(c)?)
    } else {
        None
    };
    Ok(Arg {
        value,
        by,
        span: c.span_from(start),
    })
}

/// `expr ~ (comma ~ expr)* ~ comma?` (maybe empty), then `close`, whose
/// opening bracket was just taken.
pub(super) fn exprs_until(c: &mut Cursor, close: u8) -> Res<Vec<Expr>> {
    let mut out = Vec::new();
    if c.punct(close)? {
        return Ok(out);
    }
    loop {
        out.push(expr(c)?);
        if !c.punct(b',')? {
            c.expect(close)?;
            return Ok(out);
        }
        if c.punct(close)? {
            return Ok(out);
        }
    }
}

/// The primaries led by a reserved word (the word is at `pos`).
fn keyword_form(c: &mut Cursor) -> Res<ExprKind> {
    let word = c.word()?;
    c.take(word.len());
    Ok(match word {
        "if" => {
            let cond = expr(c)?;
            c.expect_keyword("then")?;
            let then = expr(c)?;
            c.expect_keyword("else")?;
            let otherwise = expr(c)?;
            ExprKind::If {
                cond: Box::new(cond),
                then: Box::new(then),
                otherwise: Box::new(otherwise),
            }
        }
        "skip" => ExprKind::Skip(reason_args(c)?),
        "flag" => ExprKind::Flag(reason_args(c)?),
        "placeholder" => {
            let object = c.expect_name()?;
            c.expect(b'{')?;
            ExprKind::Placeholder {
                object,
                fields: super::flow::field_inits(c)?,
            }
        }
        "clear" => ExprKind::Clear,
        "true" => ExprKind::Literal(Literal::Bool(true)),
        "false" => ExprKind::Literal(Literal::Bool(false)),
        "null" => ExprKind::Literal(Literal::Null),
        _ => return Err(GiveUp),
    })
}

/// The parenthesised reason of `skip`/`flag` (the keyword was taken): one
/// string literal holding a reason code, or the builder reports E0111.
pub(super) fn reason_args(c: &mut Cursor) -> Res<Reason> {
    c.expect(b'(')?;
    match exprs_until(c, b')')?.as_slice() {
        [Expr {
            kind: ExprKind::Literal(Literal::Str(code)),
            span,
        }] if is_reason_code(code) => Ok(Reason {
            code: code.clone(),
            span: *span,
        }),
        _ => Err(GiveUp),
    }
}
