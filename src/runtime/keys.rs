//! Join keys: the one normalization used for relation indexes, merge groups
//! and dedupe keys.
//!
//! Input: a [`Value`]. Output: its canonical key text, or `None` when the
//! value can never match anything (null, records, clear).
//!
//! The normalization, chosen so that an id read as text in one file matches
//! the same id read as a number in another (`"77"` = `77` = `77.0`):
//! - text: trimmed of surrounding whitespace, otherwise exact (case matters,
//!   leading zeros matter: `"000123"` ≠ `123`, which keeps employee ids
//!   with leading zeros distinct);
//! - integers: decimal digits; decimals: their normalized form (`77.50` →
//!   `"77.5"`, `77.0` → `"77"`);
//! - booleans `true`/`false`; dates `YYYY-MM-DD`; datetimes RFC 3339 UTC.

use crate::value::Value;
use std::fmt::Write;

/// The key text of `v`, written into `buf` when it is not already text.
pub(crate) fn key_text<'v>(v: &'v Value, buf: &'v mut String) -> Option<&'v str> {
    buf.clear();
    match v {
        Value::Text(s) => return Some(s.trim()),
        Value::Int(i) => push_int(buf, *i),
        Value::Num(d) => write!(buf, "{}", d.normalize()).ok()?,
        Value::Bool(b) => buf.push_str(if *b { "true" } else { "false" }),
        Value::Date(d) => write!(buf, "{}", d.format("%Y-%m-%d")).ok()?,
        Value::DateTime(t) => write!(buf, "{}", t.format("%Y-%m-%dT%H:%M:%S%.fZ")).ok()?,
        Value::Owner(s) => return Some(s.trim()),
        Value::Null
        | Value::Clear
        | Value::List(_)
        | Value::Rec(_)
        | Value::Produced(_)
        | Value::Placeholder(_) => return None,
    }
    Some(buf.as_str())
}

/// Whether `v`'s key text is `key` (a key text, so already trimmed);
/// allocates nothing for text and integer cells. Indexes confirm hits with it.
#[inline]
pub(crate) fn key_eq(v: &Value, key: &str) -> bool {
    match v {
        // Equal lengths: equal only when equal as written (a cell with
        // surrounding spaces is longer than its key).
        Value::Text(s) | Value::Owner(s) if s.len() == key.len() => **s == *key,
        Value::Text(s) | Value::Owner(s) => s.len() > key.len() && s.trim() == key,
        Value::Int(i) => itoa::Buffer::new().format(*i) == key,
        other => key_text(other, &mut String::new()) == Some(key),
    }
}

/// Appends the decimal digits of `i` (ids are formatted per record, and
/// `fmt` machinery is a measurable share of that).
pub(crate) fn push_int(out: &mut String, i: i64) {
    out.push_str(itoa::Buffer::new().format(i));
}

/// Appends the key of `v` to a composite key (`by a, b`); null parts are
/// kept distinct from every text so `(null, "x")` ≠ `("", "x")`.
pub(crate) fn push_composite(out: &mut String, v: &Value, scratch: &mut String) {
    if !out.is_empty() {
        out.push('\u{1f}');
    }
    match key_text(v, scratch) {
        Some(k) => out.push_str(k),
        None => out.push('\u{0}'),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal::Decimal;
    use std::str::FromStr;

    fn key(v: &Value) -> Option<String> {
        let mut buf = String::new();
        key_text(v, &mut buf).map(str::to_string)
    }

    #[test]
    fn ids_match_across_text_and_numbers() {
        let n = Value::Num(Decimal::from_str("77.0").unwrap());
        assert_eq!(key(&Value::text(" 77 ")), key(&Value::Int(77)));
        assert_eq!(key(&n), key(&Value::Int(77)));
        assert_eq!(
            key(&Value::Num(Decimal::from_str("77.50").unwrap())).as_deref(),
            Some("77.5")
        );
    }

    #[test]
    fn key_eq_agrees_with_key_text() {
        let values = [
            Value::text(" 77 "),
            Value::text("77"),
            Value::text(" "),
            Value::Int(77),
            Value::Int(-7),
            Value::Num(Decimal::from_str("77.0").unwrap()),
            Value::Bool(true),
            Value::Null,
            Value::Owner(" a@b ".into()),
        ];
        for v in &values {
            for k in ["77", "-7", "", "true", "a@b", "7"] {
                assert_eq!(key_eq(v, k), key(v).as_deref() == Some(k), "{v:?} {k:?}");
            }
        }
    }

    #[test]
    fn integers_print_like_display() {
        for i in [0, 7, -7, 10, 1042, i64::MAX, i64::MIN] {
            let mut s = String::new();
            push_int(&mut s, i);
            assert_eq!(s, i.to_string());
        }
    }

    #[test]
    fn leading_zeros_and_case_are_significant() {
        assert_ne!(key(&Value::text("000123")), key(&Value::Int(123)));
        assert_ne!(key(&Value::text("ABC")), key(&Value::text("abc")));
    }

    #[test]
    fn null_never_has_a_key_and_composites_keep_it_apart() {
        assert_eq!(key(&Value::Null), None);
        let mut scratch = String::new();
        let (mut a, mut b) = (String::new(), String::new());
        push_composite(&mut a, &Value::Null, &mut scratch);
        push_composite(&mut a, &Value::text("x"), &mut scratch);
        push_composite(&mut b, &Value::text(""), &mut scratch);
        push_composite(&mut b, &Value::text("x"), &mut scratch);
        assert_ne!(a, b);
    }
}
