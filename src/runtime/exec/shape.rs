//! Field values in the destination's shape: conformance to the destination
//! field type, and JSON.
//!
//! Input: an evaluated, non-null, non-reference value and the destination
//! [`FieldType`]. Output: the value to send, or the record error that keeps
//! it from being sent (too long, too many digits, not a picklist value).
//! Invariants: ferry never cuts text or drops digits silently; picklist
//! values that differ from a legal value only by case or are a listed alias
//! are sent in their canonical spelling.

use super::super::ops::show;
use super::super::{fail, Fault};
use crate::diagnostics::codes;
use crate::runtime::eval::RV;
use crate::schema::model::{EnumValue, FieldType};
use crate::span::Span;
use crate::value::Value;
use chrono::SecondsFormat;
use rust_decimal::prelude::ToPrimitive;

/// `v` made fit for a field of type `dest`; texts it makes (a number
/// sent as text) go into `arena`.
#[inline]
pub(crate) fn conform_rv<'r>(
    v: RV<'r>,
    dest: &'r FieldType,
    span: Span,
    arena: &mut String,
) -> Result<RV<'r>, Fault> {
    if let (FieldType::Text { max } | FieldType::Textarea { max }, RV::Val(Value::Text(s))) =
        (dest, &v)
    {
        // The common case (a text cell or literal into a text field).
        if max.is_none_or(|max| s.len() <= max as usize) {
            return Ok(v);
        }
    }
    conform_any(v, dest, span, arena)
}

/// Whether a field of type `dest` takes the text `s` unchanged, as
/// [`conform_rv`] would (false: ask `conform_rv`).
#[inline]
pub(crate) fn takes_text(dest: &FieldType, s: &str) -> bool {
    Accept::of(dest).takes(s)
}

/// Which texts a field type takes unchanged ([`takes_text`]), decided
/// once per field type (the compiled route keeps one per field).
#[derive(Clone, Copy, Debug)]
pub(crate) enum Accept<'d> {
    Any,
    /// Texts of at most this many bytes (more may still fit in characters:
    /// `conform_rv` decides).
    Max(usize),
    /// One of these values (any text when there are none).
    Values(&'d [EnumValue]),
    /// None: every value is conformed.
    Never,
}

impl Accept<'_> {
    #[inline]
    pub(crate) fn of(dest: &FieldType) -> Accept<'_> {
        match dest {
            FieldType::Text { max: None } | FieldType::Textarea { max: None } => Accept::Any,
            FieldType::Text { max: Some(m) } | FieldType::Textarea { max: Some(m) } => {
                Accept::Max(*m as usize)
            }
            FieldType::Email | FieldType::Phone | FieldType::Url | FieldType::Id => Accept::Any,
            FieldType::Picklist { values } => Accept::Values(values),
            _ => Accept::Never,
        }
    }

    #[inline]
    pub(crate) fn takes(self, s: &str) -> bool {
        match self {
            Accept::Any => true,
            Accept::Max(m) => s.len() <= m,
            Accept::Values(values) => values.is_empty() || values.iter().any(|e| *e.value == *s),
            Accept::Never => false,
        }
    }
}

#[inline(never)]
fn conform_any<'r>(
    v: RV<'r>,
    dest: &'r FieldType,
    span: Span,
    arena: &mut String,
) -> Result<RV<'r>, Fault> {
    match dest {
        FieldType::Text { max } | FieldType::Textarea { max } => {
            let v = as_text(v, arena);
            if let (Some(max), Some(s)) = (max, v.plain(arena)) {
                let max = *max as usize;
                if s.len() > max && s.chars().count() > max {
                    let n = s.chars().count();
                    return fail(
                        codes::E0906,
                        span,
                        format!("{n} characters do not fit a field of {max}"),
                    );
                }
            }
            Ok(v)
        }
        FieldType::Email | FieldType::Phone | FieldType::Url | FieldType::Id => {
            Ok(as_text(v, arena))
        }
        FieldType::Integer => match v.value() {
            Some(Value::Num(d)) if d.fract().is_zero() => match d.to_i64() {
                Some(i) => Ok(RV::Own(Value::Int(i))),
                None => fail(
                    codes::E0907,
                    span,
                    format!("{} is too large for a whole-number field", d.normalize()),
                ),
            },
            Some(Value::Num(d)) => fail(
                codes::E0901,
                span,
                format!("{} is not a whole number", d.normalize()),
            ),
            _ => Ok(v),
        },
        FieldType::Number {
            precision: Some(p),
            scale,
        } => {
            if let Some(d) = v.value().and_then(Value::as_decimal) {
                let allowed = u32::from(*p).saturating_sub(u32::from(scale.unwrap_or(0)));
                let int_digits = int_digits(d);
                if int_digits > allowed {
                    return fail(
                        codes::E0907,
                        span,
                        format!("{} has {int_digits} digits before the decimal point; the field allows {allowed}", d.normalize()),
                    );
                }
            }
            Ok(v)
        }
        FieldType::Picklist { values } => picklist(v, values, span, arena),
        FieldType::Multipicklist { values } => {
            let v = v.into_value(arena);
            let mark = arena.len();
            let out = match v {
                Value::List(items) => {
                    let mut out = Vec::with_capacity(items.len());
                    for item in items.iter() {
                        if !item.is_null() {
                            let one = picklist(RV::Own(item.clone()), values, span, arena)?;
                            out.push(one.into_value(arena));
                        }
                    }
                    Value::List(out.into())
                }
                one => picklist(RV::Own(one), values, span, arena)?.into_value(arena),
            };
            arena.truncate(mark);
            Ok(RV::Own(out))
        }
        _ => Ok(v),
    }
}

/// [`conform_rv`] of an owned value.
#[cfg(test)]
pub(crate) fn conform(
    v: Value,
    dest: &FieldType,
    span: Span,
    buf: &mut String,
) -> Result<Value, Fault> {
    let mark = buf.len();
    let out = conform_rv(RV::Own(v), dest, span, buf).map(|v| v.into_value(buf));
    buf.truncate(mark);
    out
}

/// Digits before the decimal point (0 for |d| < 1).
fn int_digits(d: rust_decimal::Decimal) -> u32 {
    let m = d.mantissa().unsigned_abs();
    let all = if m == 0 { 0 } else { m.ilog10() + 1 };
    all.saturating_sub(d.scale())
}

/// Scalars written into a text field are sent as text (`contact_id` 42 → "42").
fn as_text<'r>(v: RV<'r>, arena: &mut String) -> RV<'r> {
    match v.value() {
        Some(
            x @ (Value::Int(_)
            | Value::Num(_)
            | Value::Bool(_)
            | Value::Date(_)
            | Value::DateTime(_)
            | Value::List(_)),
        ) => {
            let start = arena.len();
            if x.write_text(arena) {
                RV::Buf(start, arena.len())
            } else {
                RV::Own(Value::Null)
            }
        }
        _ => v,
    }
}

fn picklist<'r>(
    v: RV<'r>,
    values: &'r [EnumValue],
    span: Span,
    arena: &mut String,
) -> Result<RV<'r>, Fault> {
    if values.is_empty() {
        return Ok(v);
    }
    let v = as_text(v, arena);
    let Some(s) = v.plain(arena) else {
        return Ok(v);
    };
    if values.iter().any(|e| *e.value == *s) {
        return Ok(v);
    }
    let t = s.trim().to_lowercase();
    let same = |a: &str| a.trim().to_lowercase() == t;
    match values
        .iter()
        .find(|e| same(&e.value) || e.aliases.iter().any(|a| same(a)))
    {
        Some(e) => Ok(RV::Str(&e.value)),
        None => {
            let legal: Vec<String> = values
                .iter()
                .take(6)
                .map(|e| format!("{:?}", e.value))
                .collect();
            let more = if values.len() > 6 { ", …" } else { "" };
            fail(
                codes::E0908,
                span,
                format!(
                    "{} is not one of {}{more}",
                    show(&v.into_value(arena)),
                    legal.join(", ")
                ),
            )
        }
    }
}

/// Appends `v` as JSON in the destination's shape (see [`to_json`]).
pub(crate) fn push_json(out: &mut Vec<u8>, v: &RV<'_>, arena: &str) {
    match v.value() {
        Some(v) => crate::emit::json::push_value(out, v),
        None => crate::emit::json::push_str(out, v.text(arena).unwrap_or("")),
    }
}

/// A value as JSON in the destination's shape: dates `YYYY-MM-DD`,
/// datetimes RFC 3339 UTC (`…Z`), decimals as JSON numbers when they
/// round-trip exactly through one (else as a string), `clear` as `null`.
/// Record references have no JSON form here (the executor turns them into
/// `refs`); they become `null`.
pub fn to_json(v: &Value) -> serde_json::Value {
    use serde_json::Value as J;
    match v {
        Value::Null | Value::Clear => J::Null,
        Value::Bool(b) => J::Bool(*b),
        Value::Int(i) => J::from(*i),
        Value::Num(d) => decimal_json(*d),
        Value::Text(s) | Value::Owner(s) => J::String(s.to_string()),
        Value::Date(d) => J::String(d.format("%Y-%m-%d").to_string()),
        Value::DateTime(t) => J::String(t.to_rfc3339_opts(SecondsFormat::AutoSi, true)),
        Value::List(items) => J::Array(items.iter().map(to_json).collect()),
        Value::Rec(_) | Value::Produced(_) | Value::Placeholder(_) => J::Null,
    }
}

fn decimal_json(d: rust_decimal::Decimal) -> serde_json::Value {
    let d = d.normalize();
    if d.fract().is_zero() {
        if let Some(i) = d.to_i64() {
            return serde_json::Value::from(i);
        }
    }
    let text = d.to_string();
    // An f64 prints its shortest round-trip form: use it only when that is
    // exactly the decimal's text, so no digit is invented or lost.
    match text
        .parse::<f64>()
        .ok()
        .and_then(serde_json::Number::from_f64)
    {
        Some(n) if n.to_string() == text => serde_json::Value::Number(n),
        _ => serde_json::Value::String(text),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal::Decimal;
    use serde_json::json;
    use std::str::FromStr;

    fn num(s: &str) -> Value {
        Value::Num(Decimal::from_str(s).unwrap())
    }
    fn code(r: Result<Value, Fault>) -> &'static str {
        match r {
            Err(Fault::Error(e)) => e.code.id,
            other => panic!("expected an error, got {other:?}"),
        }
    }
    const S: Span = Span::new(0, 0);

    #[test]
    fn text_fields_take_text_and_reject_overlong_values() {
        let dest = FieldType::Text { max: Some(3) };
        assert_eq!(
            conform(Value::Int(42), &dest, S, &mut String::new()),
            Ok(Value::text("42"))
        );
        assert_eq!(
            conform(Value::text("Åse"), &dest, S, &mut String::new()),
            Ok(Value::text("Åse"))
        );
        assert_eq!(
            code(conform(Value::text("Søren"), &dest, S, &mut String::new())),
            "E0906"
        );
        assert_eq!(
            conform(Value::Clear, &dest, S, &mut String::new()),
            Ok(Value::Clear)
        );
    }

    #[test]
    fn numbers_respect_precision() {
        let dest = FieldType::Number {
            precision: Some(5),
            scale: Some(2),
        };
        assert_eq!(
            conform(num("999.99"), &dest, S, &mut String::new()),
            Ok(num("999.99"))
        );
        assert_eq!(
            code(conform(num("1000.5"), &dest, S, &mut String::new())),
            "E0907"
        );
        assert_eq!(
            conform(num("0.5"), &dest, S, &mut String::new()),
            Ok(num("0.5"))
        );
        assert_eq!(
            conform(num("3.0"), &FieldType::Integer, S, &mut String::new()),
            Ok(Value::Int(3))
        );
        assert_eq!(
            code(conform(
                num("3.5"),
                &FieldType::Integer,
                S,
                &mut String::new()
            )),
            "E0901"
        );
    }

    #[test]
    fn picklists_fold_case_and_aliases_to_canonical_values() {
        let values = vec![
            EnumValue {
                value: "In Progress".into(),
                aliases: vec!["in_progress".into()],
            },
            EnumValue {
                value: "Completed".into(),
                aliases: vec![],
            },
        ];
        let dest = FieldType::Picklist {
            values: values.clone(),
        };
        assert_eq!(
            conform(Value::text("Completed"), &dest, S, &mut String::new()),
            Ok(Value::text("Completed"))
        );
        assert_eq!(
            conform(Value::text("completed "), &dest, S, &mut String::new()),
            Ok(Value::text("Completed"))
        );
        assert_eq!(
            conform(Value::text("IN_PROGRESS"), &dest, S, &mut String::new()),
            Ok(Value::text("In Progress"))
        );
        assert_eq!(
            code(conform(
                Value::text("Overdue"),
                &dest,
                S,
                &mut String::new()
            )),
            "E0908"
        );
        let multi = FieldType::Multipicklist { values };
        let l = Value::List(vec![Value::text("completed"), Value::Null].into());
        assert_eq!(
            conform(l, &multi, S, &mut String::new()),
            Ok(Value::List(vec![Value::text("Completed")].into()))
        );
    }

    #[test]
    fn texts_a_field_takes_as_they_are_conform_to_themselves() {
        let values = vec![
            EnumValue {
                value: "Active".into(),
                aliases: vec!["on".into()],
            },
            EnumValue {
                value: "Søren".into(),
                aliases: vec![],
            },
        ];
        let types = [
            FieldType::Text { max: None },
            FieldType::Text { max: Some(5) },
            FieldType::Textarea { max: Some(3) },
            FieldType::Email,
            FieldType::Phone,
            FieldType::Url,
            FieldType::Id,
            FieldType::Integer,
            FieldType::Picklist { values: vec![] },
            FieldType::Picklist {
                values: values.clone(),
            },
            FieldType::Multipicklist { values },
        ];
        let texts = [
            "", "Active", "active", "on", "Søren", "Åse", "Søren!", "12345", "123456", " x ",
        ];
        let mut taken = 0;
        for dest in &types {
            for s in texts {
                if !takes_text(dest, s) {
                    continue;
                }
                taken += 1;
                let mut arena = String::new();
                let got = conform_rv(RV::Str(s), dest, S, &mut arena);
                assert_eq!(
                    got.map(|v| v.into_value(&arena)),
                    Ok(Value::text(s)),
                    "{s:?} into {dest:?}"
                );
            }
        }
        // Not vacuous: most pairs take the fast path, some must not.
        assert!(taken > 40 && taken < types.len() * texts.len(), "{taken}");
        assert!(!takes_text(&FieldType::Text { max: Some(5) }, "Søren!"));
        assert!(!takes_text(&FieldType::Integer, "12"));
    }

    #[test]
    fn json_shapes() {
        let day = chrono::NaiveDate::from_ymd_opt(2024, 3, 5).unwrap();
        let t = day.and_hms_opt(8, 15, 0).unwrap().and_utc();
        assert_eq!(to_json(&Value::Date(day)), json!("2024-03-05"));
        assert_eq!(to_json(&Value::DateTime(t)), json!("2024-03-05T08:15:00Z"));
        assert_eq!(to_json(&num("72.35")), json!(72.35));
        assert_eq!(to_json(&num("72.30")), json!(72.3));
        assert_eq!(to_json(&num("7.00")), json!(7));
        assert_eq!(
            to_json(&num("0.1234567890123456789")),
            json!("0.1234567890123456789")
        );
        assert_eq!(to_json(&Value::Clear), json!(null));
        assert_eq!(
            to_json(&Value::List(vec![Value::Int(1), Value::text("a")].into())),
            json!([1, "a"])
        );
    }
}
