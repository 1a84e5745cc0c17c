//! Text functions: `lower upper trim title concat split replace truncate
//! left len`.
//!
//! Input: evaluated arguments. Output: values. Invariants: lengths count
//! Unicode scalar values (characters), never bytes; a function that does not
//! change its input hands back the same shared text (no allocation); on a
//! list the case and trim functions apply to each element.

use super::super::eval::{Ctx, Frame};
use super::super::{bug, Fault};
use crate::plan::TExpr;
use crate::span::Span;
use crate::value::Value;
use std::fmt::Write;
use std::sync::Arc;

/// Applies `f` to a text (or each text of a list). `f` writes the new text
/// into the (cleared) buffer and returns whether it changed anything; an
/// unchanged text hands back the original `Arc`, a changed one costs one
/// allocation.
fn map_text(v: &Value, buf: &mut String, f: &dyn Fn(&str, &mut String) -> bool) -> Value {
    match v {
        Value::Null => Value::Null,
        Value::Text(s) => {
            buf.clear();
            if f(s, buf) {
                Value::Text(Arc::from(buf.as_str()))
            } else {
                Value::Text(s.clone())
            }
        }
        Value::List(items) => Value::List(items.iter().map(|i| map_text(i, buf, f)).collect()),
        other => match other.to_text() {
            None => Value::Null,
            Some(t) => {
                buf.clear();
                if f(&t, buf) {
                    Value::Text(Arc::from(buf.as_str()))
                } else {
                    Value::Text(Arc::from(t))
                }
            }
        },
    }
}

pub fn lower(v: &Value, buf: &mut String) -> Value {
    map_text(v, buf, &lower_into)
}

pub fn upper(v: &Value, buf: &mut String) -> Value {
    map_text(v, buf, &upper_into)
}

/// Appends `s` lower-cased to `out` and returns true, or returns false
/// (appending nothing) when lower-casing would not change it.
pub(crate) fn lower_into(s: &str, out: &mut String) -> bool {
    if s.is_ascii() {
        if !has_ascii_in(s.as_bytes(), b'A', b'Z') {
            return false;
        }
        let start = out.len();
        out.push_str(s);
        out[start..].make_ascii_lowercase();
    } else {
        if s.chars().all(|c| same_char(c, c.to_lowercase())) {
            return false;
        }
        // `str::to_lowercase`, not per char: it knows the final sigma.
        out.push_str(&s.to_lowercase());
    }
    true
}

/// Whether some byte of the ASCII text `b` is in `lo..=hi` (both below
/// 0x80), eight bytes per step: a byte `x` is in range when `x + 0x80 - lo`
/// has its top bit set and `x + 0x7f - hi` has not; with every byte below
/// 0x80 no sum carries into the next byte.
#[inline]
fn has_ascii_in(b: &[u8], lo: u8, hi: u8) -> bool {
    const LO: u64 = 0x0101_0101_0101_0101;
    const HI: u64 = 0x8080_8080_8080_8080;
    let (a, z) = (LO * u64::from(0x80 - lo), LO * u64::from(0x7f - hi));
    let mut words = b.chunks_exact(8);
    for w in &mut words {
        let w = u64::from_le_bytes(<[u8; 8]>::try_from(w).unwrap_or([0; 8]));
        if (w.wrapping_add(a) & !w.wrapping_add(z) & HI) != 0 {
            return true;
        }
    }
    words.remainder().iter().any(|x| (lo..=hi).contains(x))
}

/// `s.trim()`, without looking at characters when the text starts and
/// ends with a visible ASCII character (nearly every cell).
#[inline]
pub(crate) fn trim_str(s: &str) -> &str {
    let visible = |b: Option<&u8>| b.is_some_and(|&b| b > b' ' && b < 0x80);
    if visible(s.as_bytes().first()) && visible(s.as_bytes().last()) {
        s
    } else {
        s.trim()
    }
}

/// Where `left(s, n)` cuts `s`: the byte offset of its `n`-th character,
/// or `None` when it has at most `n` characters.
#[inline]
pub(crate) fn cut_at(s: &str, n: usize) -> Option<usize> {
    if s.len() <= n {
        return None; // bytes ≥ chars, so it already fits
    }
    s.char_indices().nth(n).map(|(at, _)| at)
}

/// As [`lower_into`], upper-casing.
pub(crate) fn upper_into(s: &str, out: &mut String) -> bool {
    if s.is_ascii() {
        if !has_ascii_in(s.as_bytes(), b'a', b'z') {
            return false;
        }
        let start = out.len();
        out.push_str(s);
        out[start..].make_ascii_uppercase();
    } else {
        if s.chars().all(|c| same_char(c, c.to_uppercase())) {
            return false;
        }
        out.push_str(&s.to_uppercase());
    }
    true
}

fn same_char(c: char, mut mapped: impl Iterator<Item = char>) -> bool {
    mapped.next() == Some(c) && mapped.next().is_none()
}

/// Trims whitespace at both ends (a blank text becomes `""`, not null).
pub fn trim(v: &Value, buf: &mut String) -> Value {
    map_text(v, buf, &|s, out| {
        let t = s.trim();
        out.push_str(t);
        t.len() != s.len()
    })
}

/// Capitalises each word: its first letter upper case, the rest lower case.
/// Words are separated by anything that is not a letter, digit or
/// apostrophe, so `NIELSEN-HOLM` → `Nielsen-Holm`, `o'brien` → `O'brien`.
pub fn title(v: &Value, buf: &mut String) -> Value {
    map_text(v, buf, &|s, out| {
        let mut in_word = false;
        for c in s.chars() {
            if c.is_alphanumeric() || c == '\'' || c == '\u{2019}' {
                if in_word {
                    out.extend(c.to_lowercase());
                } else {
                    out.extend(c.to_uppercase());
                }
                in_word = true;
            } else {
                out.push(c);
                in_word = false;
            }
        }
        out != s
    })
}

/// `concat(a, b, …)`: text of every argument, null as `""`; never null.
pub(crate) fn concat(ctx: &mut Ctx<'_>, args: &[TExpr], frame: Frame<'_>) -> Result<Value, Fault> {
    // The buffer is taken, not borrowed: arguments may use the context too.
    let mut out = std::mem::take(&mut ctx.text_buf);
    out.clear();
    for e in args {
        match ctx.arg(e, frame) {
            Ok(v) => push_text(&mut out, &v),
            Err(fault) => {
                ctx.text_buf = out;
                return Err(fault);
            }
        }
    }
    let v = Value::Text(Arc::from(out.as_str()));
    ctx.text_buf = out;
    Ok(v)
}

fn push_text(out: &mut String, v: &Value) {
    match v {
        Value::Null | Value::Clear => {}
        Value::Text(s) | Value::Owner(s) => out.push_str(s),
        Value::Int(i) => {
            let _ = write!(out, "{i}");
        }
        other => {
            if let Some(t) = other.to_text() {
                out.push_str(&t);
            }
        }
    }
}

/// `split(text, sep)`: trimmed, non-empty parts. Without `sep` the spec's
/// `multi_value_separator`. A list is already split and comes back as is.
pub fn split(v: &Value, sep: Option<&Value>, default_sep: &str) -> Value {
    let text = match v {
        Value::Null => return Value::Null,
        Value::List(_) => return v.clone(),
        Value::Text(s) => s.to_string(),
        other => other.to_text().unwrap_or_default(),
    };
    let sep = match sep {
        Some(Value::Text(s)) => s.to_string(),
        Some(Value::Null) | None => default_sep.to_string(),
        Some(other) => other.to_text().unwrap_or_default(),
    };
    let parts: Vec<Value> = if sep.is_empty() {
        vec![text.trim()]
            .into_iter()
            .filter(|p| !p.is_empty())
            .map(Value::text)
            .collect()
    } else {
        text.split(sep.as_str())
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .map(Value::text)
            .collect()
    };
    Value::List(Arc::from(parts))
}

/// `replace(text, from, to)`: every occurrence; an empty `from` changes nothing.
pub fn replace(v: &Value, from: &Value, to: &Value, buf: &mut String) -> Value {
    let from = from.to_text().unwrap_or_default();
    let to = to.to_text().unwrap_or_default();
    map_text(v, buf, &|s, out| {
        if from.is_empty() || !s.contains(from.as_str()) {
            return false;
        }
        out.push_str(&s.replace(from.as_str(), &to));
        true
    })
}

/// `truncate(text, n)` / `left(text, n)`: the first n characters.
pub fn left(v: &Value, n: &Value, span: Span, buf: &mut String) -> Result<Value, Fault> {
    let n = match n {
        Value::Null => return Ok(Value::Null),
        Value::Int(n) if *n >= 0 => usize::try_from(*n).unwrap_or(usize::MAX),
        other => {
            return bug(
                span,
                format!("a length must be a whole number ≥ 0, not {other:?}"),
            )
        }
    };
    Ok(map_text(v, buf, &|s, out| {
        if s.len() <= n {
            return false; // bytes ≥ chars, so it already fits
        }
        match s.char_indices().nth(n) {
            Some((at, _)) => {
                out.push_str(&s[..at]);
                true
            }
            None => false,
        }
    }))
}

/// `len(x)`: characters of a text, elements of a list.
pub fn len(v: &Value) -> Value {
    let n = match v {
        Value::Null => return Value::Null,
        Value::Text(s) => s.chars().count(),
        Value::List(items) => items.len(),
        other => other.to_text().map_or(0, |t| t.chars().count()),
    };
    Value::Int(i64::try_from(n).unwrap_or(i64::MAX))
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        #[test]
        fn word_scans_agree_with_byte_scans(s in "(?s).{0,40}", pad in "[ \t]{0,2}") {
            let s = format!("{pad}{s}{pad}");
            proptest::prop_assert_eq!(trim_str(&s), s.trim());
            if s.is_ascii() {
                let b = s.as_bytes();
                proptest::prop_assert_eq!(has_ascii_in(b, b'A', b'Z'), b.iter().any(u8::is_ascii_uppercase));
                proptest::prop_assert_eq!(has_ascii_in(b, b'a', b'z'), b.iter().any(u8::is_ascii_lowercase));
            }
        }
    }

    #[test]
    fn range_scan_at_the_range_edges() {
        for c in 0u8..0x80 {
            for at in 0..12 {
                let mut b = vec![b'-'; 12];
                b[at] = c;
                assert_eq!(
                    has_ascii_in(&b, b'A', b'Z'),
                    c.is_ascii_uppercase(),
                    "{c} at {at}"
                );
                assert_eq!(
                    has_ascii_in(&b, b'a', b'z'),
                    c.is_ascii_lowercase(),
                    "{c} at {at}"
                );
            }
        }
    }

    fn t(s: &str) -> Value {
        Value::text(s)
    }
    fn lower_(v: &Value) -> Value {
        lower(v, &mut String::new())
    }
    fn upper_(v: &Value) -> Value {
        upper(v, &mut String::new())
    }
    fn trim_(v: &Value) -> Value {
        trim(v, &mut String::new())
    }
    fn title_(v: &Value) -> Value {
        title(v, &mut String::new())
    }
    fn same_arc(a: &Value, b: &Value) -> bool {
        matches!((a, b), (Value::Text(x), Value::Text(y)) if Arc::ptr_eq(x, y))
    }

    #[test]
    fn case_functions_are_unicode_aware_and_reuse_clean_text() {
        assert_eq!(lower_(&t("Søren.HANSEN@X.dk")), t("søren.hansen@x.dk"));
        assert_eq!(upper_(&t("østergaard")), t("ØSTERGAARD"));
        let clean = t("already lower æ");
        assert!(same_arc(&lower_(&clean), &clean));
        assert_eq!(lower_(&Value::Null), Value::Null);
        assert_eq!(lower_(&Value::Int(7)), t("7"));
    }

    #[test]
    fn case_functions_map_over_lists() {
        let l = Value::List(vec![t("A"), Value::Null, t(" b ")].into());
        assert_eq!(
            lower_(&l),
            Value::List(vec![t("a"), Value::Null, t(" b ")].into())
        );
        assert_eq!(
            trim_(&l),
            Value::List(vec![t("A"), Value::Null, t("b")].into())
        );
    }

    #[test]
    fn trim_keeps_blank_as_empty_text() {
        assert_eq!(trim_(&t("  Ane \t")), t("Ane"));
        assert_eq!(trim_(&t("   ")), t(""));
        let clean = t("x");
        assert!(same_arc(&trim_(&clean), &clean));
    }

    #[test]
    fn title_capitalises_words() {
        assert_eq!(title_(&t("ANNA østergaard")), t("Anna Østergaard"));
        assert_eq!(title_(&t("nielsen-holm")), t("Nielsen-Holm"));
        assert_eq!(title_(&t("o'brien")), t("O'brien"));
        assert_eq!(title_(&Value::Null), Value::Null);
    }

    #[test]
    fn split_trims_and_drops_empty_parts() {
        let parts = split(&t("store 12 ; Sales;"), Some(&t(";")), ",");
        assert_eq!(parts, Value::List(vec![t("store 12"), t("Sales")].into()));
        assert_eq!(
            split(&t("a,b"), None, ","),
            Value::List(vec![t("a"), t("b")].into())
        );
        assert_eq!(split(&Value::Null, None, ";"), Value::Null);
    }

    #[test]
    fn replace_left_and_len_count_characters() {
        assert_eq!(
            replace(&t("a-b-c"), &t("-"), &t(""), &mut String::new()),
            t("abc")
        );
        assert_eq!(
            replace(&t("abc"), &t(""), &t("x"), &mut String::new()),
            t("abc")
        );
        assert_eq!(
            left(
                &t("Østergaard"),
                &Value::Int(3),
                Span::default(),
                &mut String::new()
            ),
            Ok(t("Øst"))
        );
        assert_eq!(
            left(
                &t("ab"),
                &Value::Int(5),
                Span::default(),
                &mut String::new()
            ),
            Ok(t("ab"))
        );
        assert!(left(
            &t("ab"),
            &Value::Int(-1),
            Span::default(),
            &mut String::new()
        )
        .is_err());
        assert_eq!(len(&t("Åse")), Value::Int(3));
        assert_eq!(len(&Value::List(vec![t("a")].into())), Value::Int(1));
        assert_eq!(len(&Value::Null), Value::Null);
    }
}
