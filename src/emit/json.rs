//! Payload lines as bytes: values, field objects (dotted names nested) and
//! the envelope of one destination record.
//!
//! Input: emitted records ([`Emitted`]) and the precomputed per-target
//! pieces of [`super::layout`]. Output: JSON text appended to a reusable
//! `Vec<u8>`, one line per record, `\n`-terminated.
//!
//! Invariants: every value is written exactly as
//! [`crate::runtime::exec::to_json`] shapes it (the tests compare the two),
//! only faster: dates and whole-second datetimes are formatted by hand,
//! integers with `itoa`, strings with serde_json's escaper; no map or
//! intermediate `serde_json::Value` is built per record. Field order is the
//! plan's assignment order; a dotted name (`name.firstName`) is nested into
//! an object named by its first part, placed where that part first appears.

mod decimal;

use crate::runtime::exec::{to_json, FieldMap};
use crate::value::Value;
use chrono::{Datelike, NaiveDate, Timelike};
use decimal::push_decimal;
#[cfg(test)]
use decimal::{decimal_text, Stack};

/// Appends `s` as a JSON string (quoted and escaped exactly as serde_json
/// escapes it). Most texts need no escape: a word-at-a-time scan proves
/// that, and the text is copied whole; only texts with `"`, `\\` or a
/// control character take the byte loop.
#[inline]
pub fn push_str(out: &mut Vec<u8>, s: &str) {
    out.push(b'"');
    push_str_body(out, s);
    out.push(b'"');
}

/// [`push_str`] without the quotes: the escaped text alone.
#[inline]
pub fn push_str_body(out: &mut Vec<u8>, s: &str) {
    let b = s.as_bytes();
    if is_clean(b) {
        out.extend_from_slice(b);
    } else {
        push_escaped(out, b);
    }
}

#[inline(never)]
fn push_escaped(out: &mut Vec<u8>, b: &[u8]) {
    out.reserve(b.len() + 8);
    let mut start = 0;
    for (i, &c) in b.iter().enumerate() {
        let esc = ESCAPE[c as usize];
        if esc != 0 {
            out.extend_from_slice(&b[start..i]);
            push_escape(out, c, esc);
            start = i + 1;
        }
    }
    out.extend_from_slice(&b[start..]);
}

/// No byte of `b` needs escaping.
#[inline]
fn is_clean(b: &[u8]) -> bool {
    let mut words = b.chunks_exact(8);
    for w in &mut words {
        // Always 8 bytes; the fallback (all NUL) would only send the text
        // down the exact byte loop.
        let w = <[u8; 8]>::try_from(w).unwrap_or([0; 8]);
        if needs_escape(u64::from_le_bytes(w)) {
            return false;
        }
    }
    let tail = words.remainder();
    if tail.is_empty() {
        return true;
    }
    // A text of 8 bytes or more: its last 8 bytes as one (overlapping)
    // word; a shorter one byte by byte.
    match b.len().checked_sub(8).and_then(|at| b.get(at..)) {
        Some(last) => {
            let w = <[u8; 8]>::try_from(last).unwrap_or([0; 8]);
            !needs_escape(u64::from_le_bytes(w))
        }
        None => tail.iter().all(|&c| ESCAPE[c as usize] == 0),
    }
}

const LO: u64 = 0x0101_0101_0101_0101;
const HI: u64 = 0x8080_8080_8080_8080;

/// Whether any byte of `w` is below 0x20, `"` or `\\` (the classic
/// "has less than" / "has zero byte" word tests, exact for the word).
#[inline]
fn needs_escape(w: u64) -> bool {
    let zero = |x: u64| x.wrapping_sub(LO) & !x & HI;
    let below_space = w.wrapping_sub(LO * 0x20) & !w & HI;
    (below_space | zero(w ^ (LO * u64::from(b'"'))) | zero(w ^ (LO * u64::from(b'\\')))) != 0
}

fn push_escape(out: &mut Vec<u8>, c: u8, esc: u8) {
    out.push(b'\\');
    if esc == b'u' {
        const HEX: &[u8; 16] = b"0123456789abcdef";
        out.extend_from_slice(b"u00");
        out.push(HEX[usize::from(c >> 4)]);
        out.push(HEX[usize::from(c & 0xf)]);
    } else {
        out.push(esc);
    }
}

/// serde_json's escapes: `\\b \\t \\n \\f \\r \\" \\\\`, other controls as `\\u00XX`.
static ESCAPE: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut i = 0;
    while i < 0x20 {
        t[i] = b'u';
        i += 1;
    }
    t[0x08] = b'b';
    t[0x09] = b't';
    t[0x0a] = b'n';
    t[0x0c] = b'f';
    t[0x0d] = b'r';
    t[b'"' as usize] = b'"';
    t[b'\\' as usize] = b'\\';
    t
};

/// Appends a JSON value in the destination's shape (see [`to_json`]).
pub fn push_value(out: &mut Vec<u8>, v: &Value) {
    match v {
        Value::Null | Value::Clear | Value::Rec(_) | Value::Produced(_) | Value::Placeholder(_) => {
            out.extend_from_slice(b"null")
        }
        Value::Bool(true) => out.extend_from_slice(b"true"),
        Value::Bool(false) => out.extend_from_slice(b"false"),
        Value::Int(i) => out.extend_from_slice(itoa::Buffer::new().format(*i).as_bytes()),
        Value::Text(s) | Value::Owner(s) => push_str(out, s),
        Value::Date(d) => {
            out.push(b'"');
            push_date(out, *d);
            out.push(b'"');
        }
        Value::DateTime(t) => {
            let (d, time) = (t.date_naive(), t.time());
            if time.nanosecond() == 0 && (0..=9999).contains(&d.year()) {
                out.push(b'"');
                push_date(out, d);
                out.push(b'T');
                push2(out, time.hour());
                out.push(b':');
                push2(out, time.minute());
                out.push(b':');
                push2(out, time.second());
                out.extend_from_slice(b"Z\"");
            } else {
                push_json(out, v);
            }
        }
        Value::List(items) => {
            out.push(b'[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                push_value(out, item);
            }
            out.push(b']');
        }
        Value::Num(d) => push_decimal(out, *d),
    }
}

pub(super) fn push_json(out: &mut Vec<u8>, v: &Value) {
    let _ = serde_json::to_writer(&mut *out, &to_json(v));
}

fn push_date(out: &mut Vec<u8>, d: NaiveDate) {
    let y = d.year();
    if !(0..=9999).contains(&y) {
        out.extend_from_slice(d.format("%Y-%m-%d").to_string().as_bytes());
        return;
    }
    let y = y as u32;
    push2(out, y / 100);
    push2(out, y % 100);
    out.push(b'-');
    push2(out, d.month());
    out.push(b'-');
    push2(out, d.day());
}

fn push2(out: &mut Vec<u8>, n: u32) {
    out.push(b'0' + (n / 10 % 10) as u8);
    out.push(b'0' + (n % 10) as u8);
}

/// Appends `{"name":value,…}`; `nested` when some name is dotted.
pub fn push_fields(out: &mut Vec<u8>, fields: &FieldMap<Value>, nested: bool) {
    if nested {
        let entries: Vec<(&str, &Value)> = fields.iter().map(|(k, v)| (k.as_str(), v)).collect();
        push_nested(out, &entries);
    } else {
        push_flat(out, fields.iter(), push_value);
    }
}

/// Appends `{"name":"id",…}` (refs are never nested: the loader resolves
/// each by its destination field name).
pub fn push_refs(out: &mut Vec<u8>, refs: &FieldMap<String>) {
    push_flat(out, refs.iter(), |out, v| push_str(out, v));
}

/// Appends `{"name":value}` for one key field (nested when dotted).
pub fn push_key(out: &mut Vec<u8>, name: &str, value: &Value) {
    if name.contains('.') {
        push_nested(out, &[(name, value)]);
    } else {
        out.push(b'{');
        push_str(out, name);
        out.push(b':');
        push_value(out, value);
        out.push(b'}');
    }
}

fn push_flat<'m, V: 'm>(
    out: &mut Vec<u8>,
    entries: impl Iterator<Item = (&'m String, &'m V)>,
    write: impl Fn(&mut Vec<u8>, &V),
) {
    out.push(b'{');
    for (i, (k, v)) in entries.enumerate() {
        if i > 0 {
            out.push(b',');
        }
        push_str(out, k);
        out.push(b':');
        write(out, v);
    }
    out.push(b'}');
}

/// Groups entries by the part of their name before the first dot, in
/// order of first appearance, and writes each group as a nested object.
/// Quadratic in the number of fields of one record (a few dozen at most).
pub fn push_nested(out: &mut Vec<u8>, entries: &[(&str, &Value)]) {
    out.push(b'{');
    let mut done = vec![false; entries.len()];
    let mut first = true;
    for i in 0..entries.len() {
        if done[i] {
            continue;
        }
        if !first {
            out.push(b',');
        }
        first = false;
        let (name, v) = &entries[i];
        match name.split_once('.') {
            None => {
                done[i] = true;
                push_str(out, name);
                out.push(b':');
                push_value(out, v);
            }
            Some((head, _)) => {
                let mut group: Vec<(&str, &Value)> = Vec::new();
                for (j, (n, v)) in entries.iter().enumerate().skip(i) {
                    if let Some((h, rest)) = n.split_once('.') {
                        if h == head && !done[j] {
                            done[j] = true;
                            group.push((rest, v));
                        }
                    }
                }
                push_str(out, head);
                out.push(b':');
                push_nested(out, &group);
            }
        }
    }
    out.push(b'}');
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{TimeZone, Utc};
    use rust_decimal::Decimal;
    use std::str::FromStr;

    fn text(v: &Value) -> String {
        let mut out = Vec::new();
        push_value(&mut out, v);
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn values_match_to_json_exactly() {
        let day = NaiveDate::from_ymd_opt(2024, 3, 5).unwrap();
        let values = vec![
            Value::Null,
            Value::Clear,
            Value::Bool(true),
            Value::Bool(false),
            Value::Int(-42),
            Value::Int(i64::MIN),
            Value::Num(Decimal::from_str("72.350").unwrap()),
            Value::Num(Decimal::from_str("7.00").unwrap()),
            Value::Num(Decimal::from_str("0.1234567890123456789").unwrap()),
            Value::Num(Decimal::from_str("-0.00000123").unwrap()),
            Value::Num(Decimal::from_str("12345678901234567890.5").unwrap()),
            Value::Num(Decimal::from_str("100000000000000000000").unwrap()),
            Value::Num(Decimal::MAX),
            Value::Num(Decimal::MIN),
            Value::Num(Decimal::from_str("0.1").unwrap()),
            Value::Num(Decimal::from_str("1234567.125").unwrap()),
            Value::text("Søren \"Sø\" \\ \n\t\u{1} é"),
            Value::Owner("ane@x.example".into()),
            Value::Date(day),
            Value::Date(NaiveDate::from_ymd_opt(7, 1, 9).unwrap()),
            Value::Date(NaiveDate::from_ymd_opt(-44, 3, 15).unwrap()),
            Value::Date(NaiveDate::from_ymd_opt(12024, 3, 15).unwrap()),
            Value::DateTime(Utc.with_ymd_and_hms(2024, 3, 5, 8, 15, 0).unwrap()),
            Value::DateTime(Utc.with_ymd_and_hms(1999, 12, 31, 23, 59, 59).unwrap()),
            Value::DateTime(
                Utc.with_ymd_and_hms(2024, 3, 5, 8, 15, 0).unwrap()
                    + chrono::Duration::milliseconds(250),
            ),
            Value::List(vec![Value::Int(1), Value::text("a"), Value::Null].into()),
            Value::Rec(crate::value::RecRef { object: 0, row: 1 }),
        ];
        for v in &values {
            let want = serde_json::to_string(&to_json(v)).unwrap();
            assert_eq!(text(v), want, "{v:?}");
        }
    }

    proptest::proptest! {
        #[test]
        fn short_decimals_match_to_json(m in -999_999_999_999_999i64..=999_999_999_999_999, scale in 0u32..=22) {
            let d = Decimal::new(m, scale);
            let want = serde_json::to_string(&to_json(&Value::Num(d))).unwrap();
            proptest::prop_assert_eq!(text(&Value::Num(d)), want);
        }

        #[test]
        fn decimals_match_to_json(m in proptest::num::i64::ANY, scale in 0u32..=28) {
            let d = Decimal::new(m, scale);
            let want = serde_json::to_string(&to_json(&Value::Num(d))).unwrap();
            proptest::prop_assert_eq!(text(&Value::Num(d)), want);
            let mut s = Stack::default();
            if decimal_text(&mut s, d.normalize()) {
                proptest::prop_assert_eq!(s.as_str(), d.normalize().to_string());
            }
        }
    }

    #[test]
    fn decimals_at_the_edges_of_the_plain_range_match_to_json() {
        for digits in 1..=16u32 {
            let m = 10i64.pow(digits) - 3;
            for scale in 0..=24 {
                for m in [m, -m, 1, 7, 10i64.pow(digits - 1) + 1] {
                    let d = Decimal::new(m, scale);
                    let want = serde_json::to_string(&to_json(&Value::Num(d))).unwrap();
                    assert_eq!(text(&Value::Num(d)), want, "{d}");
                }
            }
        }
    }

    #[test]
    fn strings_escape_exactly_like_serde_json() {
        let mut samples: Vec<String> = (0u8..=0x7f)
            .map(|c| format!("ab{}cdefghij", c as char))
            .collect();
        samples.extend(
            [
                "",
                "plain ascii text of some length",
                "Søren Ærø – “quotes” ✓",
                "a\"b\\c\u{7f}\u{2028}",
                "12345678\"",
                "\n\n\n\n\n\n\n\n\n",
                "ééééééééé\u{1}",
            ]
            .map(String::from),
        );
        for s in &samples {
            let mut out = Vec::new();
            push_str(&mut out, s);
            assert_eq!(
                String::from_utf8(out).unwrap(),
                serde_json::to_string(s).unwrap(),
                "{s:?}"
            );
        }
    }

    proptest::proptest! {
        #[test]
        fn any_string_escapes_like_serde_json(s in "(?s).{0,40}", pad in 0usize..9) {
            let s = format!("{}{s}", "x".repeat(pad));
            let mut out = Vec::new();
            push_str(&mut out, &s);
            proptest::prop_assert_eq!(String::from_utf8(out).unwrap(), serde_json::to_string(&s).unwrap());
        }
    }

    #[test]
    fn dotted_fields_nest_in_first_appearance_order() {
        let mut f = FieldMap::default();
        f.insert("name.firstName".to_string(), Value::text("Ane"));
        f.insert("jobTitle".to_string(), Value::text("CEO"));
        f.insert("name.lastName".to_string(), Value::text("Berg"));
        f.insert("emails.primaryEmail".to_string(), Value::Clear);
        f.insert("a.b.c".to_string(), Value::Int(1));
        f.insert("a.b.d".to_string(), Value::Int(2));
        let mut out = Vec::new();
        push_fields(&mut out, &f, true);
        assert_eq!(
            String::from_utf8(out).unwrap(),
            r#"{"name":{"firstName":"Ane","lastName":"Berg"},"jobTitle":"CEO","emails":{"primaryEmail":null},"a":{"b":{"c":1,"d":2}}}"#
        );
        let mut flat = Vec::new();
        push_fields(&mut flat, &f, false);
        assert!(String::from_utf8(flat)
            .unwrap()
            .starts_with(r#"{"name.firstName":"Ane""#));
    }

    #[test]
    fn keys_and_refs() {
        let mut out = Vec::new();
        push_key(&mut out, "Source_System_ID__c", &Value::text("1042"));
        push_key(&mut out, "emails.primaryEmail", &Value::text("a@x"));
        let mut refs = FieldMap::default();
        refs.insert("AccountId".to_string(), "companies:77".to_string());
        refs.insert("OwnerId".to_string(), "owner:a@x".to_string());
        push_refs(&mut out, &refs);
        assert_eq!(
            String::from_utf8(out).unwrap(),
            r#"{"Source_System_ID__c":"1042"}{"emails":{"primaryEmail":"a@x"}}{"AccountId":"companies:77","OwnerId":"owner:a@x"}"#
        );
    }
}
