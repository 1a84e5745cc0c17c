//! Built-in functions: dispatch from [`Func`] to the implementations in the
//! submodules (text, numbers, dates, phones) and aggregates over lists.
//!
//! Input: argument expressions, evaluated here against the caller's frame
//! (cells are borrowed, not cloned). Output: a value or a fault.
//! Invariants: a null first argument gives null (except `concat`); a wrong
//! argument count — which the checker rules out — is an E0912 error, never
//! a panic.

pub mod aggregates;
pub mod dates;
pub mod numbers;
pub mod phones;
pub mod text;

use super::eval::{Ctx, Frame, NULL};
use super::{bug, Fault};
use crate::plan::{Func, TExpr};
use crate::span::Span;
use crate::value::Value;
use std::borrow::Cow;

/// Evaluates `func(args…)`.
pub(crate) fn call<'a>(
    ctx: &mut Ctx<'a>,
    func: Func,
    args: &[TExpr],
    frame: Frame<'_>,
    span: Span,
) -> Result<Value, Fault> {
    if func == Func::Concat {
        return text::concat(ctx, args, frame);
    }
    let (min, max) = arity(func);
    if args.len() < min || args.len() > max {
        return bug(
            span,
            format!("{func:?} called with {} arguments", args.len()),
        );
    }
    let mut a: [Cow<'a, Value>; 3] = [
        Cow::Borrowed(&NULL),
        Cow::Borrowed(&NULL),
        Cow::Borrowed(&NULL),
    ];
    for (slot, e) in a.iter_mut().zip(args) {
        *slot = ctx.arg(e, frame)?;
    }
    let opt = |i: usize| (i < args.len()).then(|| &*a[i]);
    let (x, y, z) = (&*a[0], &*a[1], &*a[2]);
    match func {
        Func::Lower => Ok(text::lower(x, &mut ctx.scratch)),
        Func::Upper => Ok(text::upper(x, &mut ctx.scratch)),
        Func::Trim => Ok(text::trim(x, &mut ctx.scratch)),
        Func::Title => Ok(text::title(x, &mut ctx.scratch)),
        Func::Split => Ok(text::split(
            x,
            opt(1),
            &ctx.plan.options.multi_value_separator,
        )),
        Func::Replace => Ok(text::replace(x, y, z, &mut ctx.scratch)),
        Func::Truncate | Func::Left => text::left(x, y, span, &mut ctx.scratch),
        Func::Len => Ok(text::len(x)),
        Func::E164 => phones::e164(x, opt(1), span),
        Func::Round => numbers::round(x, opt(1), span),
        Func::Number => numbers::number(x, span),
        Func::Integer => numbers::integer(x, span),
        Func::Date => dates::date(ctx, x, span),
        Func::Datetime => dates::datetime(ctx, x, span),
        Func::Format => dates::format(ctx, x, y, span),
        Func::Concat => text::concat(ctx, args, frame),
    }
}

/// (minimum, maximum) argument counts.
fn arity(func: Func) -> (usize, usize) {
    match func {
        Func::Lower | Func::Upper | Func::Trim | Func::Title | Func::Len => (1, 1),
        Func::Number | Func::Integer | Func::Date | Func::Datetime => (1, 1),
        Func::Split | Func::Round | Func::E164 => (1, 2),
        Func::Truncate | Func::Left | Func::Format => (2, 2),
        Func::Replace => (3, 3),
        Func::Concat => (0, usize::MAX),
    }
}
