//! Built-in functions: dispatch from [`Func`] to the implementations in the
//! submodules (text, numbers, dates, phones) and aggregates over lists.
//!
//! Input: argument expressions, evaluated here against the caller's frame
//! (cells are borrowed, not cloned). Output: a value or a fault.
//! Invariants: a null first argument gives null (except `concat`); a wrong
//! argument count — which the checker rules out — is an E0912 error, never
//! a panic.

pub mod aggregates;
pub(crate) mod datefmt;
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
        Func::Format => dates::format(ctx, x, y, opt(2), span),
        Func::Concat => text::concat(ctx, args, frame),
    }
}

/// (minimum, maximum) argument counts.
fn arity(func: Func) -> (usize, usize) {
    match func {
        Func::Lower | Func::Upper | Func::Trim | Func::Title | Func::Len => (1, 1),
        Func::Number | Func::Integer | Func::Date | Func::Datetime => (1, 1),
        Func::Split | Func::Round | Func::E164 => (1, 2),
        Func::Truncate | Func::Left => (2, 2),
        Func::Format => (2, 3),
        Func::Replace => (3, 3),
        Func::Concat => (0, usize::MAX),
    }
}

#[cfg(test)]
mod tests {
    use super::{numbers, Frame, Func};
    use crate::runtime::fixtures::*;
    use crate::runtime::{Ctx, Dataset};
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

        /// Whatever a cell holds, no text-reading function panics.
        #[test]
        fn text_readers_never_panic(s in "\\PC{0,24}", n in -3i64..40) {
            let plan = crm_plan();
            let data = Dataset::new(&plan, Vec::new());
            let mut ctx = Ctx::new(&plan, &data);
            let r = rec(CONTACTS, 0);
            for func in [
                Func::Lower, Func::Upper, Func::Trim, Func::Title, Func::Len, Func::Number,
                Func::Integer, Func::Date, Func::Datetime, Func::E164, Func::Round, Func::Split,
            ] {
                let _ = ctx.eval(&call(func, vec![txt(&s)]), Frame::Rec(r));
            }
            let _ = ctx.eval(&call(Func::Left, vec![txt(&s), int(n)]), Frame::Rec(r));
            let _ = ctx.eval(&call(Func::E164, vec![txt(&s), txt(&s)]), Frame::Rec(r));
            let _ = ctx.eval(&call(Func::Format, vec![lit(day("2024-03-05")), txt(&s)]), Frame::Rec(r));
            let _ = ctx.eval(&call(Func::Format, vec![lit(at("2024-03-05T08:00:00Z")), txt(&s)]), Frame::Rec(r));
        }

        /// Numbers written with a decimal comma read back exactly.
        #[test]
        fn decimal_commas_round_trip(int in 0u32..1_000_000, frac in 0u32..100) {
            let text = format!("{int},{frac:02}");
            let want = rust_decimal::Decimal::new(i64::from(int) * 100 + i64::from(frac), 2);
            prop_assert_eq!(numbers::parse_number(&text), Some(want));
        }
    }
}
