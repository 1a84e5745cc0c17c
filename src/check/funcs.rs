//! Typing of scalar built-in functions (`lower`, `concat`, `number`,
//! `e164`, `format`, …).
//!
//! Input: the function and its typed arguments (their number was checked
//! by the caller, `expr::calls`). Output: the typed call; E0301 for an
//! argument of the wrong type, E0404 for a merge member where one value is
//! needed, E0311 for a date format chrono does not understand. Invariants:
//! a poisoned argument poisons the call without a further report; a
//! conversion that can fail on the data (text to a number or a date,
//! `e164`) makes the call fallible.

use super::expr::{poisoned, Infer};
use crate::diagnostics::{codes, Diagnostic};
use crate::plan::{Func, TExpr, TExprKind, Ty};
use crate::span::Span;
use crate::value::Value;

fn int_literal(t: &TExpr) -> Option<i64> {
    match &t.kind {
        TExprKind::Lit(Value::Int(i)) => Some(*i),
        _ => None,
    }
}

fn text_literal(t: &TExpr) -> Option<&str> {
    match &t.kind {
        TExprKind::Lit(Value::Text(s)) => Some(s),
        _ => None,
    }
}

fn is_scalar(t: &Ty) -> bool {
    !matches!(
        t,
        Ty::List { .. }
            | Ty::Record { .. }
            | Ty::Produced { .. }
            | Ty::Placeholder { .. }
            | Ty::Owner
    )
}

/// Types a call of scalar function `f` with typed arguments.
pub fn scalar(inf: &mut Infer<'_, '_>, f: Func, name: &str, args: Vec<TExpr>, span: Span) -> TExpr {
    if args.iter().any(|a| a.ty == Ty::Never) {
        return poisoned(span);
    }
    let first = &args[0];
    let nullable = first.nullable;
    let mut fallible = args.iter().any(|a| a.fallible);
    let bad = |inf: &mut Infer<'_, '_>, arg: &TExpr, want: &str| {
        let d = if matches!(arg.kind, TExprKind::Members(_)) {
            Diagnostic::new(
                codes::E0404,
                "in a merge, a field that is not a `by` key needs an aggregate",
            )
            .label(arg.span, "one value per merged record")
            .help("aggregate it first: `first(x)`, `max(x)`, `join(distinct(x), \";\")`, …")
        } else {
            Diagnostic::new(
                codes::E0301,
                format!("`{name}` takes {want}, not {}", arg.ty),
            )
            .label(arg.span, "this argument")
        };
        inf.diags.push(d.in_file(inf.file));
    };
    let textual = |t: &Ty| t.is_textual() || matches!(t, Ty::Null);
    let ty = match f {
        Func::Lower | Func::Upper | Func::Trim | Func::Title => {
            // On a list, the function applies to each element.
            let (item, is_list) = match &first.ty {
                Ty::List { item } => ((**item).clone(), true),
                t => (t.clone(), false),
            };
            if !textual(&item) {
                bad(inf, first, "text or a list of texts");
            }
            let mapped = match &item {
                Ty::Enum { values } => {
                    let mapped: Vec<String> = values
                        .iter()
                        .map(|v| match f {
                            Func::Lower => v.to_lowercase(),
                            Func::Upper => v.to_uppercase(),
                            Func::Trim => v.trim().to_string(),
                            _ => title(v),
                        })
                        .collect();
                    Ty::Enum {
                        values: mapped.into(),
                    }
                }
                t @ Ty::Text { .. } => t.clone(),
                _ => Ty::text(),
            };
            if is_list {
                Ty::list(mapped)
            } else {
                mapped
            }
        }
        Func::Concat => {
            for a in &args {
                if !is_scalar(&a.ty) {
                    bad(inf, a, "texts, numbers or dates");
                }
            }
            return TExpr {
                kind: TExprKind::Call { func: f, args },
                ty: Ty::text(),
                nullable: false,
                fallible,
                span,
            };
        }
        Func::Split => {
            if !textual(&first.ty) {
                bad(inf, first, "text");
            }
            Ty::list(Ty::text())
        }
        Func::Replace => {
            for a in &args {
                if !textual(&a.ty) {
                    bad(inf, a, "text");
                }
            }
            Ty::text()
        }
        Func::Truncate | Func::Left => {
            if !textual(&first.ty) {
                bad(inf, first, "text");
            }
            match int_literal(&args[1]) {
                Some(n) if (1..=i64::from(u32::MAX)).contains(&n) => Ty::Text {
                    max: Some(n as u32),
                },
                _ => {
                    bad(
                        inf,
                        &args[1],
                        "a positive whole number literal as its length",
                    );
                    Ty::text()
                }
            }
        }
        Func::Len => {
            if !(textual(&first.ty) || first.ty.is_list()) {
                bad(inf, first, "text or a list");
            }
            Ty::Int
        }
        Func::E164 => {
            if !textual(&first.ty) && first.ty != Ty::Int {
                bad(inf, first, "a phone number");
            }
            if !textual(&args[1].ty) && args[1].ty != Ty::Int {
                bad(
                    inf,
                    &args[1],
                    "a country (ISO code like \"DK\" or calling code like \"45\")",
                );
            }
            fallible = true;
            Ty::text()
        }
        Func::Round => {
            if !first.ty.is_numeric() && first.ty != Ty::Null {
                bad(inf, first, "a number");
            }
            match int_literal(&args[1]) {
                Some(n) if (0..=28).contains(&n) => Ty::Num {
                    scale: Some(n as u8),
                },
                _ => {
                    bad(inf, &args[1], "a number of decimals from 0 to 28");
                    Ty::Num { scale: None }
                }
            }
        }
        Func::Number => {
            if textual(&first.ty) {
                fallible = true;
            } else if !first.ty.is_numeric() {
                bad(inf, first, "text or a number");
            }
            Ty::Num { scale: None }
        }
        Func::Integer => {
            match &first.ty {
                Ty::Int => {}
                t if t.is_textual() || matches!(t, Ty::Num { .. }) => fallible = true,
                Ty::Null => {}
                _ => bad(inf, first, "text or a number"),
            }
            Ty::Int
        }
        Func::Date | Func::Datetime => {
            match &first.ty {
                Ty::Date | Ty::DateTime | Ty::Null => {}
                t if t.is_textual() => fallible = true,
                _ => bad(inf, first, "a date, a datetime or text"),
            }
            if f == Func::Date {
                Ty::Date
            } else {
                Ty::DateTime
            }
        }
        Func::Format => {
            if !matches!(first.ty, Ty::Date | Ty::DateTime | Ty::Null) {
                bad(inf, first, "a date or datetime");
            }
            match text_literal(&args[1]) {
                Some(fmt) if valid_strftime(fmt) => {}
                Some(fmt) => {
                    let d = Diagnostic::new(
                        codes::E0311,
                        format!("{fmt:?} is not a valid date format"),
                    )
                    .in_file(inf.file)
                    .label(args[1].span, "invalid format")
                    .help("use strftime directives, e.g. \"%Y-%m-%d\" or \"%d.%m.%Y %H:%M\"");
                    inf.diags.push(d);
                }
                None => bad(inf, &args[1], "a format string literal"),
            }
            if let Some(zone) = args.get(2) {
                match text_literal(zone) {
                    Some(z) if z.parse::<chrono_tz::Tz>().is_ok() => {}
                    _ => bad(
                        inf,
                        zone,
                        "an IANA time zone literal such as \"UTC\" or \"Europe/Copenhagen\"",
                    ),
                }
            }
            Ty::text()
        }
    };
    TExpr {
        kind: TExprKind::Call { func: f, args },
        ty,
        nullable,
        fallible,
        span,
    }
}

/// Is `fmt` a strftime format chrono accepts?
pub fn valid_strftime(fmt: &str) -> bool {
    use chrono::format::{Item, StrftimeItems};
    !fmt.is_empty() && StrftimeItems::new(fmt).all(|i| !matches!(i, Item::Error))
}

fn title(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut start = true;
    for c in s.chars() {
        if c.is_alphabetic() {
            if start {
                out.extend(c.to_uppercase());
            } else {
                out.extend(c.to_lowercase());
            }
            start = false;
        } else {
            out.push(c);
            start = true;
        }
    }
    out
}
