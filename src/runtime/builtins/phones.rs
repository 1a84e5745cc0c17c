//! `e164(phone, default_country)`: phone numbers in international form.
//!
//! Input: a phone number as typed (`+45 20 12 34 56`, `0045 20123456`,
//! `20123456`, `070-123 45 67`) and a default country as ISO code (`"DK"`)
//! or calling code (`"45"`, `45`, `"+45"`). Output: `+<digits>`.
//! Invariants: no guessing beyond the table below — letters, scientific
//! notation (`4.52012E+09`, digits already lost), a wrong length for the
//! country, or a national number with no usable country are E0904 errors.
//! A number that already starts with the country's calling code and has the
//! length of a full international number is not prefixed twice.

use super::super::{fail, Fault};
use crate::diagnostics::codes;
use crate::span::Span;
use crate::value::Value;
use std::sync::Arc;

/// A country's calling code and national number lengths (without the
/// trunk prefix), and whether national numbers are written with a leading 0.
struct Country {
    iso: &'static str,
    code: &'static str,
    min: usize,
    max: usize,
    trunk_zero: bool,
}

const COUNTRIES: &[Country] = &[
    Country {
        iso: "DK",
        code: "45",
        min: 8,
        max: 8,
        trunk_zero: false,
    },
    Country {
        iso: "SE",
        code: "46",
        min: 7,
        max: 9,
        trunk_zero: true,
    },
    Country {
        iso: "NO",
        code: "47",
        min: 8,
        max: 8,
        trunk_zero: false,
    },
    Country {
        iso: "FI",
        code: "358",
        min: 5,
        max: 10,
        trunk_zero: true,
    },
    Country {
        iso: "DE",
        code: "49",
        min: 6,
        max: 11,
        trunk_zero: true,
    },
    Country {
        iso: "PL",
        code: "48",
        min: 9,
        max: 9,
        trunk_zero: false,
    },
    Country {
        iso: "GB",
        code: "44",
        min: 9,
        max: 10,
        trunk_zero: true,
    },
    Country {
        iso: "US",
        code: "1",
        min: 10,
        max: 10,
        trunk_zero: false,
    },
    Country {
        iso: "NL",
        code: "31",
        min: 9,
        max: 9,
        trunk_zero: true,
    },
    Country {
        iso: "IS",
        code: "354",
        min: 7,
        max: 7,
        trunk_zero: false,
    },
    Country {
        iso: "EE",
        code: "372",
        min: 7,
        max: 8,
        trunk_zero: false,
    },
];

/// E.164 allows at most 15 digits; the shortest real numbers have 7.
const MIN_DIGITS: usize = 7;
const MAX_DIGITS: usize = 15;

pub fn e164(phone: &Value, country: Option<&Value>, span: Span) -> Result<Value, Fault> {
    let raw = match phone {
        Value::Null => return Ok(Value::Null),
        Value::Text(s) => s.to_string(),
        Value::Int(i) => i.to_string(),
        other => {
            return fail(
                codes::E0904,
                span,
                format!("{other:?} is not a phone number"),
            )
        }
    };
    let raw = raw.trim();
    if raw.is_empty() {
        return Ok(Value::Null);
    }
    let bad = |why: &str| {
        fail(
            codes::E0904,
            span,
            format!("{raw:?} is not a phone number: {why}"),
        )
    };
    if raw.chars().any(char::is_alphabetic) {
        return bad(if raw.contains(['E', 'e']) && raw.contains('.') {
            "it looks like a spreadsheet turned it into scientific notation, which loses digits"
        } else {
            "it contains letters"
        });
    }
    // `+44 (0)20 …`: the bracketed trunk zero is not dialled internationally.
    let cleaned = if raw.starts_with('+') {
        raw.replace("(0)", "")
    } else {
        raw.to_string()
    };
    let mut plus = false;
    let mut digits = String::with_capacity(cleaned.len());
    for c in cleaned.chars() {
        match c {
            '0'..='9' => digits.push(c),
            '+' if digits.is_empty() && !plus => plus = true,
            ' ' | '-' | '.' | '(' | ')' | '/' | '\u{a0}' | '\u{2009}' | '\u{202f}' => {}
            _ => return bad(&format!("unexpected {c:?}")),
        }
    }
    if !plus {
        if let Some(rest) = digits.strip_prefix("00") {
            digits = rest.to_string();
            plus = true;
        }
    }
    let full = if plus {
        digits
    } else {
        match country.and_then(country_of) {
            Some(Ok(c)) => match national(&digits, c) {
                Ok(full) => full,
                Err(why) => return bad(&why),
            },
            Some(Err(code)) => {
                let national = digits.strip_prefix('0').unwrap_or(&digits);
                format!("{code}{national}")
            }
            None => return bad("it has no country code and no known default country"),
        }
    };
    if !(MIN_DIGITS..=MAX_DIGITS).contains(&full.len()) {
        return bad(&format!(
            "{} digits is not a valid international length",
            full.len()
        ));
    }
    Ok(Value::Text(Arc::from(format!("+{full}"))))
}

/// A known country, or the bare calling code of one not in the table.
fn country_of(v: &Value) -> Option<Result<&'static Country, String>> {
    let text = match v {
        Value::Null => return None,
        Value::Int(i) => i.to_string(),
        other => other.to_text()?,
    };
    let t = text.trim();
    let t = t
        .strip_prefix('+')
        .or_else(|| t.strip_prefix("00"))
        .unwrap_or(t);
    if t.is_empty() {
        return None;
    }
    if t.bytes().all(|b| b.is_ascii_digit()) {
        return Some(match COUNTRIES.iter().find(|c| c.code == t) {
            Some(c) => Ok(c),
            None if t.len() <= 3 => Err(t.to_string()),
            None => return None,
        });
    }
    COUNTRIES
        .iter()
        .find(|c| c.iso.eq_ignore_ascii_case(t))
        .map(Ok)
}

/// Digits of a national (or unmarked international) number → full digits.
fn national(digits: &str, c: &Country) -> Result<String, String> {
    let fits = |n: &str| (c.min..=c.max).contains(&n.len());
    if c.trunk_zero {
        if let Some(n) = digits.strip_prefix('0') {
            return if fits(n) {
                Ok(format!("{}{n}", c.code))
            } else {
                Err(length(c, n))
            };
        }
        // Written without the trunk zero: already international if it starts
        // with the calling code and the rest fits.
        if let Some(n) = digits.strip_prefix(c.code) {
            if fits(n) {
                return Ok(digits.to_string());
            }
        }
        return if fits(digits) {
            Ok(format!("{}{digits}", c.code))
        } else {
            Err(length(c, digits))
        };
    }
    if fits(digits) {
        return Ok(format!("{}{digits}", c.code));
    }
    match digits.strip_prefix(c.code) {
        Some(n) if fits(n) => Ok(digits.to_string()),
        _ => Err(length(c, digits)),
    }
}

fn length(c: &Country, n: &str) -> String {
    let want = if c.min == c.max {
        c.min.to_string()
    } else {
        format!("{} to {}", c.min, c.max)
    };
    format!(
        "{} national digits, but {} numbers have {want}",
        n.len(),
        c.iso
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn e(phone: &str, country: &str) -> Result<Value, Fault> {
        e164(
            &Value::text(phone),
            Some(&Value::text(country)),
            Span::default(),
        )
    }
    fn ok(phone: &str, country: &str) -> String {
        match e(phone, country) {
            Ok(Value::Text(s)) => s.to_string(),
            other => panic!("{phone}: {other:?}"),
        }
    }
    fn is_e0904(r: Result<Value, Fault>) -> bool {
        matches!(r, Err(Fault::Error(err)) if err.code.id == "E0904")
    }

    #[test]
    fn danish_numbers_in_every_export_spelling() {
        for p in [
            "+45 20 12 34 56",
            "4520123456",
            "20123456",
            "0045 20123456",
            "+4520123456",
            "20-12-34-56",
            "(+45) 20.12.34.56",
        ] {
            assert_eq!(ok(p, "DK"), "+4520123456", "{p}");
        }
        assert_eq!(ok("20123456", "45"), "+4520123456");
        assert_eq!(ok("20123456", "dk"), "+4520123456");
        // 8 digits starting with 45 are a national Danish number.
        assert_eq!(ok("45201234", "DK"), "+4545201234");
        let n = e164(
            &Value::text("20123456"),
            Some(&Value::Int(45)),
            Span::default(),
        );
        assert_eq!(n, Ok(Value::text("+4520123456")));
    }

    #[test]
    fn trunk_zero_countries() {
        assert_eq!(ok("+46 70-123 45 67", "DK"), "+46701234567");
        assert_eq!(ok("070-123 45 67", "SE"), "+46701234567");
        assert_eq!(ok("46701234567", "SE"), "+46701234567");
        assert_eq!(ok("+44 (0)20 7946 0000", "GB"), "+442079460000");
        assert_eq!(ok("020 7946 0000", "GB"), "+442079460000");
    }

    #[test]
    fn unknown_countries_by_calling_code() {
        assert_eq!(ok("612345678", "33"), "+33612345678");
        assert!(is_e0904(e("612345678", "ZZ")));
    }

    #[test]
    fn broken_numbers_fail() {
        assert!(is_e0904(e("4.52012E+09", "DK")));
        assert!(is_e0904(e("ring mig", "DK")));
        assert!(is_e0904(e("2012345", "DK")));
        assert!(is_e0904(e("+45 20 12 34 56 78 90 12 34", "DK")));
        assert!(is_e0904(e164(
            &Value::text("20123456"),
            None,
            Span::default()
        )));
        assert!(is_e0904(e164(
            &Value::text("20123456"),
            Some(&Value::Null),
            Span::default()
        )));
        assert_eq!(e164(&Value::Null, None, Span::default()), Ok(Value::Null));
        assert_eq!(
            e164(&Value::text("  "), None, Span::default()),
            Ok(Value::Null)
        );
    }
}
