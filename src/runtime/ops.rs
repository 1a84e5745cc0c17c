//! Operators: comparison, membership and arithmetic on evaluated values.
//!
//! Input: two operand values. Output: the result or a record error.
//! Invariants: `==` is null-aware (`x == null` iff x is null) and otherwise
//! [`Value::loose_eq`]; ordering with a null operand is false; arithmetic on
//! null is null; integers stay integers (checked), anything with a decimal
//! becomes an exact decimal; division always gives a decimal.

use super::{bug, fail, Fault};
use crate::diagnostics::codes;
use crate::plan::BinOp;
use crate::span::Span;
use crate::value::Value;
use chrono::Duration;
use std::cmp::Ordering;

pub(crate) fn binary(op: BinOp, l: &Value, r: &Value, span: Span) -> Result<Value, Fault> {
    Ok(match op {
        BinOp::Eq => Value::Bool(equal(l, r)),
        BinOp::Ne => Value::Bool(!equal(l, r)),
        BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge => {
            if l.is_null() || r.is_null() {
                return Ok(Value::Bool(false));
            }
            let o = l.total_cmp(r);
            Value::Bool(match op {
                BinOp::Lt => o == Ordering::Less,
                BinOp::Le => o != Ordering::Greater,
                BinOp::Gt => o == Ordering::Greater,
                _ => o != Ordering::Less,
            })
        }
        BinOp::In => Value::Bool(member(l, r)),
        BinOp::NotIn => Value::Bool(!member(l, r)),
        BinOp::Add | BinOp::Sub | BinOp::Mul | BinOp::Div => arith(op, l, r, span)?,
        BinOp::And | BinOp::Or => {
            let t = |v: &Value| matches!(v, Value::Bool(true));
            Value::Bool(if op == BinOp::And {
                t(l) && t(r)
            } else {
                t(l) || t(r)
            })
        }
    })
}

fn equal(l: &Value, r: &Value) -> bool {
    match (l, r) {
        (Value::Null, Value::Null) => true,
        (Value::Null, _) | (_, Value::Null) => false,
        _ => l.loose_eq(r),
    }
}

/// `x in list`: a null list has no members; a scalar is a one-element list.
fn member(x: &Value, list: &Value) -> bool {
    match list {
        Value::Null => false,
        Value::List(items) => items.iter().any(|i| i.loose_eq(x)),
        one => one.loose_eq(x),
    }
}

pub(crate) fn neg(v: &Value, span: Span) -> Result<Value, Fault> {
    match v {
        Value::Null => Ok(Value::Null),
        Value::Int(i) => match i.checked_neg() {
            Some(n) => Ok(Value::Int(n)),
            None => fail(codes::E0903, span, format!("-({i}) is too large")),
        },
        Value::Num(d) => Ok(Value::Num(-*d)),
        other => bug(span, format!("cannot negate {other:?}")),
    }
}

fn arith(op: BinOp, l: &Value, r: &Value, span: Span) -> Result<Value, Fault> {
    use Value::{Date, Int, Null};
    let sym = match op {
        BinOp::Add => "+",
        BinOp::Sub => "-",
        BinOp::Mul => "*",
        _ => "/",
    };
    let overflow = || {
        fail(
            codes::E0903,
            span,
            format!("{} {sym} {} is too large", show(l), show(r)),
        )
    };
    match (l, r) {
        (Null, _) | (_, Null) => Ok(Null),
        (Int(a), Int(b)) if op != BinOp::Div => {
            let v = match op {
                BinOp::Add => a.checked_add(*b),
                BinOp::Sub => a.checked_sub(*b),
                _ => a.checked_mul(*b),
            };
            v.map_or_else(overflow, |v| Ok(Int(v)))
        }
        // Dates move by whole days; two dates differ by a number of days.
        (Date(d), Int(n)) if matches!(op, BinOp::Add | BinOp::Sub) => {
            let Some(days) = Duration::try_days(*n) else {
                return overflow();
            };
            let moved = if op == BinOp::Add {
                d.checked_add_signed(days)
            } else {
                d.checked_sub_signed(days)
            };
            moved.map_or_else(overflow, |d| Ok(Date(d)))
        }
        (Date(a), Date(b)) if op == BinOp::Sub => Ok(Int((*a - *b).num_days())),
        _ => {
            let (Some(a), Some(b)) = (l.as_decimal(), r.as_decimal()) else {
                return bug(
                    span,
                    format!("cannot compute {} {sym} {}", show(l), show(r)),
                );
            };
            let v = match op {
                BinOp::Add => a.checked_add(b),
                BinOp::Sub => a.checked_sub(b),
                BinOp::Mul => a.checked_mul(b),
                _ => {
                    if b.is_zero() {
                        return fail(
                            codes::E0902,
                            span,
                            format!("{} / {} divides by zero", show(l), show(r)),
                        );
                    }
                    a.checked_div(b)
                }
            };
            v.map_or_else(overflow, |v| Ok(Value::Num(v)))
        }
    }
}

/// A value as it appears in messages.
pub(crate) fn show(v: &Value) -> String {
    match v {
        Value::Text(s) => format!("{s:?}"),
        Value::Null => "null".into(),
        other => other.to_text().unwrap_or_else(|| format!("{other:?}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal::Decimal;
    use std::str::FromStr;

    fn num(s: &str) -> Value {
        Value::Num(Decimal::from_str(s).unwrap())
    }
    fn b(op: BinOp, l: Value, r: Value) -> Result<Value, Fault> {
        binary(op, &l, &r, Span::default())
    }
    fn code(r: Result<Value, Fault>) -> &'static str {
        match r {
            Err(Fault::Error(e)) => e.code.id,
            other => panic!("expected an error, got {other:?}"),
        }
    }

    #[test]
    fn equality_is_null_aware_and_numeric() {
        assert_eq!(
            b(BinOp::Eq, Value::Null, Value::Null),
            Ok(Value::Bool(true))
        );
        assert_eq!(
            b(BinOp::Eq, Value::text("a"), Value::Null),
            Ok(Value::Bool(false))
        );
        assert_eq!(
            b(BinOp::Ne, Value::text("a"), Value::Null),
            Ok(Value::Bool(true))
        );
        assert_eq!(
            b(BinOp::Eq, Value::Int(1), num("1.00")),
            Ok(Value::Bool(true))
        );
        assert_eq!(
            b(BinOp::Eq, Value::text("a"), Value::text("A")),
            Ok(Value::Bool(false))
        );
    }

    #[test]
    fn ordering_with_null_is_false_both_ways() {
        for op in [BinOp::Lt, BinOp::Le, BinOp::Gt, BinOp::Ge] {
            assert_eq!(b(op, Value::Null, Value::Int(1)), Ok(Value::Bool(false)));
            assert_eq!(b(op, Value::Int(1), Value::Null), Ok(Value::Bool(false)));
        }
        assert_eq!(
            b(BinOp::Lt, Value::Int(1), num("1.5")),
            Ok(Value::Bool(true))
        );
        assert_eq!(
            b(BinOp::Ge, Value::text("b"), Value::text("a")),
            Ok(Value::Bool(true))
        );
    }

    #[test]
    fn membership_uses_loose_equality() {
        let list = Value::List(vec![Value::text("invited"), Value::Int(2)].into());
        assert_eq!(
            b(BinOp::In, Value::text("invited"), list.clone()),
            Ok(Value::Bool(true))
        );
        assert_eq!(
            b(BinOp::In, num("2.0"), list.clone()),
            Ok(Value::Bool(true))
        );
        assert_eq!(
            b(BinOp::NotIn, Value::text("active"), list),
            Ok(Value::Bool(true))
        );
        assert_eq!(
            b(BinOp::In, Value::text("x"), Value::Null),
            Ok(Value::Bool(false))
        );
    }

    #[test]
    fn arithmetic_keeps_ints_and_goes_decimal() {
        assert_eq!(
            b(BinOp::Add, Value::Int(2), Value::Int(3)),
            Ok(Value::Int(5))
        );
        assert_eq!(b(BinOp::Mul, Value::Int(2), num("1.5")), Ok(num("3.0")));
        assert_eq!(b(BinOp::Div, Value::Int(7), Value::Int(2)), Ok(num("3.5")));
        assert_eq!(b(BinOp::Sub, Value::Null, Value::Int(2)), Ok(Value::Null));
        assert_eq!(code(b(BinOp::Div, Value::Int(1), Value::Int(0))), "E0902");
        assert_eq!(
            code(b(BinOp::Add, Value::Int(i64::MAX), Value::Int(1))),
            "E0903"
        );
        assert_eq!(
            code(b(BinOp::Add, Value::text("a"), Value::Int(1))),
            "E0912"
        );
        assert_eq!(code(neg(&Value::Int(i64::MIN), Span::default())), "E0903");
    }

    #[test]
    fn dates_move_by_days() {
        let d = |s: &str| Value::Date(chrono::NaiveDate::from_str(s).unwrap());
        assert_eq!(
            b(BinOp::Add, d("2024-02-28"), Value::Int(2)),
            Ok(d("2024-03-01"))
        );
        assert_eq!(
            b(BinOp::Sub, d("2024-03-01"), d("2024-02-28")),
            Ok(Value::Int(2))
        );
    }
}
