//! Number functions: `round number integer`, and the tolerant number reader
//! messy exports need.
//!
//! Input: evaluated arguments. Output: exact decimals or integers (never
//! f64). Invariants: `round` rounds half away from zero and returns exactly
//! `n` decimal places; `integer` never drops a fraction silently; text that
//! is not a number is an E0901 error, blank text is null.

use super::super::{bug, fail, Fault};
use crate::diagnostics::codes;
use crate::span::Span;
use crate::value::Value;
use rust_decimal::prelude::ToPrimitive;
use rust_decimal::{Decimal, RoundingStrategy};

/// `round(x, n)`: n decimal places (0 when omitted), midpoint away from zero.
pub fn round(x: &Value, n: Option<&Value>, span: Span) -> Result<Value, Fault> {
    let places = match n {
        None => 0,
        Some(Value::Null) => return Ok(Value::Null),
        Some(Value::Int(n)) if (0..=28).contains(n) => *n as u32,
        Some(other) => return bug(span, format!("round needs 0 to 28 places, not {other:?}")),
    };
    let d = match x {
        Value::Null => return Ok(Value::Null),
        Value::Int(i) => Decimal::from(*i),
        Value::Num(d) => *d,
        Value::Text(s) => match parse_number(s) {
            Some(d) => d,
            None if s.trim().is_empty() => return Ok(Value::Null),
            None => return not_a_number(s, span),
        },
        other => return bug(span, format!("cannot round {other:?}")),
    };
    let mut r = d.round_dp_with_strategy(places, RoundingStrategy::MidpointAwayFromZero);
    r.rescale(places);
    Ok(Value::Num(r))
}

/// `number(x)`: a number from text (see [`parse_number`]); numbers pass.
pub fn number(x: &Value, span: Span) -> Result<Value, Fault> {
    match x {
        Value::Null => Ok(Value::Null),
        Value::Int(_) | Value::Num(_) => Ok(x.clone()),
        Value::Text(s) => match parse_number(s) {
            Some(d) => Ok(Value::Num(d)),
            None if s.trim().is_empty() => Ok(Value::Null),
            None => not_a_number(s, span),
        },
        other => fail(codes::E0901, span, format!("{other:?} is not a number")),
    }
}

/// `integer(x)`: a whole number; a fraction is an error, never truncated.
pub fn integer(x: &Value, span: Span) -> Result<Value, Fault> {
    let d = match x {
        Value::Null => return Ok(Value::Null),
        Value::Int(_) => return Ok(x.clone()),
        Value::Num(d) => *d,
        Value::Text(s) => match parse_number(s) {
            Some(d) => d,
            None if s.trim().is_empty() => return Ok(Value::Null),
            None => return not_a_number(s, span),
        },
        other => {
            return fail(
                codes::E0901,
                span,
                format!("{other:?} is not a whole number"),
            )
        }
    };
    if !d.fract().is_zero() {
        return fail(
            codes::E0901,
            span,
            format!("{} is not a whole number", d.normalize()),
        );
    }
    match d.to_i64() {
        Some(i) => Ok(Value::Int(i)),
        None => fail(
            codes::E0903,
            span,
            format!("{} is too large for a whole number", d.normalize()),
        ),
    }
}

fn not_a_number<T>(s: &str, span: Span) -> Result<T, Fault> {
    fail(codes::E0901, span, format!("{s:?} is not a number"))
}

/// Reads a number written the way people and spreadsheets write them.
///
/// - surrounding whitespace and a leading `+`/`-` sign;
/// - `.` or `,` as the decimal separator; `.`, `,`, spaces (also no-break
///   and thin spaces) and `'` as thousands separators, in groups of three;
/// - when both `.` and `,` occur, the last one is the decimal separator
///   (`1.234,5` and `1,234.5` are both 1234.5);
/// - a separator that occurs once, alone, is the decimal separator
///   (`1,234` is 1.234, as in Danish exports); one that occurs more than
///   once separates thousands (`1.234.567`);
/// - scientific notation `4.52E+3`.
///
/// Returns `None` for anything else (`"N/A"`, `"45 %"`, `"1h 15m"`).
pub fn parse_number(s: &str) -> Option<Decimal> {
    let s = s.trim();
    let (neg, body) = match s.as_bytes().first()? {
        b'-' => (true, &s[1..]),
        b'+' => (false, &s[1..]),
        _ => (false, s),
    };
    let mut out = String::with_capacity(body.len() + 1);
    if neg {
        out.push('-');
    }
    if let Some(e) = body.find(['e', 'E']) {
        let (mantissa, exp) = (&body[..e], &body[e + 1..]);
        let mantissa = mantissa.replacen(',', ".", 1);
        if !plain_decimal(&mantissa)
            || !exp
                .trim_start_matches(['+', '-'])
                .bytes()
                .all(|b| b.is_ascii_digit())
        {
            return None;
        }
        out.push_str(&mantissa);
        out.push('e');
        out.push_str(exp);
        return Decimal::from_scientific(&out).ok();
    }
    let is_space =
        |c: char| c == ' ' || c == '\u{a0}' || c == '\u{2009}' || c == '\u{202f}' || c == '\'';
    let (dots, commas) = (body.matches('.').count(), body.matches(',').count());
    let decimal = match (dots, commas) {
        (0, 0) => None,
        (_, 0) if dots > 1 => None,
        (0, _) if commas > 1 => None,
        (1, 0) => Some('.'),
        (0, 1) => Some(','),
        _ => {
            // Both occur: the last one separates the decimals, once.
            let last = body.rfind(['.', ',']).map(|i| body.as_bytes()[i] as char)?;
            if body.matches(last).count() != 1 {
                return None;
            }
            Some(last)
        }
    };
    let (int_part, frac) = match decimal {
        Some(c) => {
            let at = body.rfind(c)?;
            (&body[..at], Some(&body[at + 1..]))
        }
        None => (body, None),
    };
    // Thousands groups: first 1–3 digits, then exactly 3 per group.
    let groups: Vec<&str> = int_part
        .split(|c: char| c == '.' || c == ',' || is_space(c))
        .collect();
    if groups.len() > 1 {
        let ok = groups.iter().enumerate().all(|(i, g)| {
            g.bytes().all(|b| b.is_ascii_digit())
                && if i == 0 {
                    (1..=3).contains(&g.len())
                } else {
                    g.len() == 3
                }
        });
        if !ok {
            return None;
        }
    } else if !int_part.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let digits: String = groups.concat();
    match frac {
        Some(f) if f.is_empty() || !f.bytes().all(|b| b.is_ascii_digit()) => return None,
        _ if digits.is_empty() && frac.is_none() => return None,
        _ => {}
    }
    out.push_str(if digits.is_empty() { "0" } else { &digits });
    if let Some(f) = frac {
        out.push('.');
        out.push_str(f);
    }
    Decimal::from_str_exact(&out).ok()
}

fn plain_decimal(s: &str) -> bool {
    let mut parts = s.splitn(2, '.');
    let int = parts.next().unwrap_or("");
    let frac = parts.next();
    !(int.is_empty() && frac.is_none_or(str::is_empty))
        && int.bytes().all(|b| b.is_ascii_digit())
        && frac.is_none_or(|f| f.bytes().all(|b| b.is_ascii_digit()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }
    fn num(s: &str) -> Value {
        Value::Num(d(s))
    }
    fn code<T: std::fmt::Debug>(r: Result<T, Fault>) -> &'static str {
        match r {
            Err(Fault::Error(e)) => e.code.id,
            other => panic!("expected an error, got {other:?}"),
        }
    }
    const S: Span = Span::new(0, 0);

    #[test]
    fn round_is_half_away_from_zero_with_exact_scale() {
        assert_eq!(
            round(&num("72.345"), Some(&Value::Int(2)), S),
            Ok(num("72.35"))
        );
        assert_eq!(round(&num("2.5"), Some(&Value::Int(0)), S), Ok(num("3")));
        assert_eq!(round(&num("-2.5"), None, S), Ok(num("-3")));
        let Ok(Value::Num(r)) = round(&num("72.3"), Some(&Value::Int(2)), S) else {
            panic!()
        };
        assert_eq!((r.to_string(), r.scale()), ("72.30".to_string(), 2));
        assert_eq!(
            round(&Value::Int(7), Some(&Value::Int(1)), S),
            Ok(num("7.0"))
        );
        assert_eq!(
            round(&Value::Null, Some(&Value::Int(1)), S),
            Ok(Value::Null)
        );
        assert_eq!(code(round(&Value::text("abc"), None, S)), "E0901");
    }

    #[test]
    fn parse_number_accepts_human_formats() {
        for (text, want) in [
            ("42", "42"),
            (" -3.5 ", "-3.5"),
            ("0,45", "0.45"),
            ("1.234.567", "1234567"),
            ("1.234,50", "1234.50"),
            ("1,234.50", "1234.50"),
            ("1 234,5", "1234.5"),
            ("1\u{a0}234", "1234"),
            ("1,234", "1.234"),
            (",5", "0.5"),
            ("4.52012E+09", "4520120000"),
            ("+7", "7"),
        ] {
            assert_eq!(parse_number(text), Some(d(want)), "{text}");
        }
    }

    #[test]
    fn parse_number_rejects_non_numbers() {
        for text in [
            "",
            "N/A",
            "45 %",
            "1h 15m",
            "1.2.3,4,5",
            "12,34,5",
            "1,2345.6",
            "5.",
            "-",
            "1e",
            "ca. 30",
            "1..2",
        ] {
            assert_eq!(parse_number(text), None, "{text}");
        }
    }

    #[test]
    fn number_and_integer_conversions() {
        assert_eq!(number(&Value::text("72,5"), S), Ok(num("72.5")));
        assert_eq!(number(&Value::text("  "), S), Ok(Value::Null));
        assert_eq!(number(&Value::Int(3), S), Ok(Value::Int(3)));
        assert_eq!(code(number(&Value::text("ved ikke"), S)), "E0901");
        assert_eq!(integer(&num("3.0"), S), Ok(Value::Int(3)));
        assert_eq!(
            integer(&Value::text("1.234.567"), S),
            Ok(Value::Int(1234567))
        );
        assert_eq!(code(integer(&num("3.7"), S)), "E0901");
        assert_eq!(code(integer(&num("100000000000000000000"), S)), "E0903");
        assert_eq!(integer(&Value::Null, S), Ok(Value::Null));
    }
}
