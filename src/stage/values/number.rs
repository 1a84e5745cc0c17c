//! Numbers: integers, decimals, percentages, and numeric-looking text keys.
//!
//! Input: a non-blank cell and the column's decimal mark. Output: `i64`,
//! `Decimal`, percent points, or the cell as text; else a [`ValueError`].
//! Invariants: exact decimal arithmetic only (never `f64`); a cell in
//! Excel's scientific notation is [`ValueError::Mangled`], never expanded.
//!
//! Separator rule. The declared mark is the decimal separator; the other
//! of `.`/`,` and spaces are thousands separators. When a cell has both,
//! the last one is the decimal separator (`1.234,5` and `1,234.5` are both
//! 1234.5). A single occurrence of the undeclared mark is a thousands
//! separator only where grouping fits (1–3 digits, then exactly 3), else it
//! is the decimal separator: with `.` declared, `1,234` is 1234 but `0,45`
//! is 0.45. In integer columns a fitting group is always grouping (`1.234`
//! is 1234, since an integer cannot be 1.234).

use super::{is_placeholder, ValueError};
use rust_decimal::Decimal;
use std::str::FromStr;

/// The column's decimal separator.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DecimalMark {
    Point,
    Comma,
}

impl DecimalMark {
    fn byte(self) -> u8 {
        match self {
            DecimalMark::Point => b'.',
            DecimalMark::Comma => b',',
        }
    }
}

/// How a percentage cell without a `%` sign is read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BarePercent {
    /// `45` is 45 % and `0.45` is 0.45 % (Actimo's analytics UI).
    Points,
    /// `0.45` is 45 % (a spreadsheet's fraction).
    Fraction,
}

/// `4.52012E+09`, `1,2e10`: what Excel shows for long numbers.
pub fn is_scientific(s: &str) -> bool {
    let b = s.trim().as_bytes();
    let Some(e) = b.iter().position(|&c| c == b'e' || c == b'E') else {
        return false;
    };
    let (mant, exp) = (&b[..e], &b[e + 1..]);
    let mant = mant
        .strip_prefix(b"-")
        .or_else(|| mant.strip_prefix(b"+"))
        .unwrap_or(mant);
    let exp = exp
        .strip_prefix(b"+")
        .or_else(|| exp.strip_prefix(b"-"))
        .unwrap_or(exp);
    let digits = mant.iter().filter(|c| c.is_ascii_digit()).count();
    let seps = mant.iter().filter(|&&c| c == b'.' || c == b',').count();
    digits > 0
        && digits + seps == mant.len()
        && seps <= 1
        && !exp.is_empty()
        && exp.iter().all(u8::is_ascii_digit)
}

fn is_space(c: char) -> bool {
    c == ' ' || c == '\u{a0}' || c == '\u{202f}'
}

/// Sign, digits and one `.` decimal point: the canonical form of a number cell.
fn canonical(s: &str, mark: DecimalMark, integer: bool) -> Result<String, ValueError> {
    let raw = s.trim();
    let not = || ValueError::NotDecimal {
        value: raw.to_string(),
    };
    if is_scientific(raw) {
        return Err(ValueError::Mangled {
            value: raw.to_string(),
        });
    }
    if is_placeholder(raw) {
        return Err(ValueError::Placeholder {
            value: raw.to_string(),
        });
    }
    let (neg, body) = match raw.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, raw.strip_prefix('+').unwrap_or(raw)),
    };
    let body: String = body.chars().filter(|&c| !is_space(c)).collect();
    if body.is_empty()
        || !body
            .bytes()
            .all(|b| b.is_ascii_digit() || b == b'.' || b == b',')
    {
        return Err(not());
    }
    let points = body.matches('.').count();
    let commas = body.matches(',').count();
    let (decimal, group) = match (points, commas) {
        (0, 0) => (None, None),
        (_, 0) | (0, _) => {
            let c = if points > 0 { b'.' } else { b',' };
            let count = points + commas;
            let fits = groups_fit(&body, c);
            if count > 1 {
                (None, Some(c))
            } else if c == mark.byte() && !(integer && fits) {
                (Some(c), None)
            } else if fits {
                (None, Some(c))
            } else {
                (Some(c), None)
            }
        }
        _ => {
            let last = body
                .bytes()
                .rev()
                .find(|&b| b == b'.' || b == b',')
                .unwrap_or(b'.');
            let other = if last == b'.' { b',' } else { b'.' };
            if body.bytes().filter(|&b| b == last).count() > 1 {
                return Err(not());
            }
            (Some(last), Some(other))
        }
    };
    let mut out = String::with_capacity(body.len() + 1);
    if neg {
        out.push('-');
    }
    let (int, frac) = match decimal {
        Some(d) => body.split_once(d as char).unwrap_or((&body, "")),
        None => (&body[..], ""),
    };
    if let Some(g) = group {
        if !groups_fit(int, g) {
            return Err(not());
        }
    }
    out.extend(int.chars().filter(char::is_ascii_digit));
    if decimal.is_some() {
        if frac.is_empty() || !frac.bytes().all(|b| b.is_ascii_digit()) {
            return Err(not());
        }
        out.push('.');
        out.push_str(frac);
    }
    if out.trim_start_matches('-').is_empty() {
        return Err(not());
    }
    Ok(out)
}

/// `1.234.567`: a first group of 1–3 digits, then groups of exactly 3.
fn groups_fit(s: &str, sep: u8) -> bool {
    let mut parts = s.split(sep as char);
    let first = parts.next().unwrap_or("");
    let mut any = false;
    let rest_ok = parts.all(|p| {
        any = true;
        p.len() == 3 && p.bytes().all(|b| b.is_ascii_digit())
    });
    any && rest_ok && (1..=3).contains(&first.len()) && first.bytes().all(|b| b.is_ascii_digit())
}

/// A decimal number (see the module's separator rule).
pub fn parse_decimal(s: &str, mark: DecimalMark) -> Result<Decimal, ValueError> {
    let t = s.trim();
    if t.is_empty() {
        return Err(ValueError::Empty);
    }
    // Fast path: `-12.5` in the declared mark, no grouping (most cells).
    let digits = t.strip_prefix('-').unwrap_or(t).as_bytes();
    let marks = digits.iter().filter(|&&b| b == mark.byte()).count();
    if t.len() <= 28
        && marks <= 1
        && !digits.is_empty()
        && digits
            .iter()
            .all(|&b| b.is_ascii_digit() || b == mark.byte())
    {
        let mut buf = [0u8; 28];
        for (o, b) in buf.iter_mut().zip(t.bytes()) {
            *o = if b == b',' { b'.' } else { b };
        }
        if let Ok(Ok(d)) = std::str::from_utf8(&buf[..t.len()]).map(Decimal::from_str) {
            return Ok(d);
        }
    }
    let c = canonical(s, mark, false)?;
    Decimal::from_str(&c).map_err(|_| ValueError::OutOfRange {
        value: s.trim().to_string(),
    })
}

/// A whole number; a zero fraction (`12.0`) is accepted, any other is not.
pub fn parse_integer(s: &str, mark: DecimalMark) -> Result<i64, ValueError> {
    let t = s.trim();
    if t.is_empty() {
        return Err(ValueError::Empty);
    }
    // Fast path: plain digits with an optional sign.
    let digits = t.strip_prefix('-').unwrap_or(t);
    if !digits.is_empty() && digits.len() <= 18 && digits.bytes().all(|b| b.is_ascii_digit()) {
        return t.parse::<i64>().map_err(|_| ValueError::OutOfRange {
            value: t.to_string(),
        });
    }
    let c = canonical(t, mark, true).map_err(|e| match e {
        ValueError::NotDecimal { value } => ValueError::NotInteger { value },
        e => e,
    })?;
    let (int, frac) = c.split_once('.').unwrap_or((&c, ""));
    if frac.bytes().any(|b| b != b'0') {
        return Err(ValueError::NotInteger {
            value: t.to_string(),
        });
    }
    int.parse::<i64>().map_err(|_| ValueError::OutOfRange {
        value: t.to_string(),
    })
}

/// A percentage in percent points: `45%`, `45 %`, `45,0 %` and (by `bare`)
/// `45` or `0.45` all give 45.
pub fn parse_percent(s: &str, mark: DecimalMark, bare: BarePercent) -> Result<Decimal, ValueError> {
    let t = s.trim();
    if t.is_empty() {
        return Err(ValueError::Empty);
    }
    let (number, signed) = match t.strip_suffix('%') {
        Some(n) => (n.trim_end(), true),
        None => (t, false),
    };
    let v = parse_decimal(number, mark).map_err(|e| match e {
        ValueError::NotDecimal { .. } => ValueError::NotPercent {
            value: t.to_string(),
        },
        ValueError::Placeholder { .. } => ValueError::Placeholder {
            value: t.to_string(),
        },
        e => e,
    })?;
    Ok(if signed || bare == BarePercent::Points {
        v
    } else {
        v * Decimal::ONE_HUNDRED
    })
}

/// An id, ZIP code or phone number, kept as trimmed text (leading zeros
/// and all); a value in scientific notation is reported as mangled.
pub fn parse_text_key(s: &str) -> Result<&str, ValueError> {
    let t = s.trim();
    if t.is_empty() {
        return Err(ValueError::Empty);
    }
    if is_scientific(t) && t.bytes().any(|b| b == b'.' || b == b',') {
        return Err(ValueError::Mangled {
            value: t.to_string(),
        });
    }
    Ok(t)
}

#[cfg(test)]
mod tests {
    use super::*;
    use DecimalMark::{Comma, Point};

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    #[test]
    fn integers() {
        assert_eq!(parse_integer(" 42 ", Point), Ok(42));
        assert_eq!(parse_integer("-7", Point), Ok(-7));
        assert_eq!(parse_integer("1.234", Point), Ok(1234));
        assert_eq!(parse_integer("1,234", Point), Ok(1234));
        assert_eq!(parse_integer("1 234 567", Comma), Ok(1_234_567));
        assert_eq!(parse_integer("12.0", Point), Ok(12));
        assert_eq!(
            parse_integer("12,5", Comma),
            Err(ValueError::NotInteger {
                value: "12,5".into()
            })
        );
        assert_eq!(
            parse_integer("abc", Point),
            Err(ValueError::NotInteger {
                value: "abc".into()
            })
        );
        assert_eq!(
            parse_integer("4.52012E+09", Point),
            Err(ValueError::Mangled {
                value: "4.52012E+09".into()
            })
        );
        assert_eq!(
            parse_integer("N/A", Point),
            Err(ValueError::Placeholder {
                value: "N/A".into()
            })
        );
        assert_eq!(
            parse_integer("99999999999999999999", Point),
            Err(ValueError::OutOfRange {
                value: "99999999999999999999".into()
            })
        );
        assert_eq!(parse_integer("  ", Point), Err(ValueError::Empty));
    }

    #[test]
    fn decimals_with_either_mark_and_grouping() {
        assert_eq!(parse_decimal("72.5", Point), Ok(d("72.5")));
        assert_eq!(parse_decimal("72,5", Comma), Ok(d("72.5")));
        assert_eq!(parse_decimal("0,45", Point), Ok(d("0.45")));
        assert_eq!(parse_decimal("1,234", Point), Ok(d("1234")));
        assert_eq!(parse_decimal("1.234", Comma), Ok(d("1234")));
        assert_eq!(parse_decimal("1.234", Point), Ok(d("1.234")));
        assert_eq!(parse_decimal("1.234,56", Point), Ok(d("1234.56")));
        assert_eq!(parse_decimal("1,234.56", Comma), Ok(d("1234.56")));
        assert_eq!(parse_decimal("1.234.567,8", Comma), Ok(d("1234567.8")));
        assert_eq!(parse_decimal("-0.5", Point), Ok(d("-0.5")));
        assert_eq!(parse_decimal("1\u{a0}234,5", Comma), Ok(d("1234.5")));
        assert_eq!(
            parse_decimal("12.34.5", Point),
            Err(ValueError::NotDecimal {
                value: "12.34.5".into()
            })
        );
        assert_eq!(
            parse_decimal("1,2,3.4", Point),
            Err(ValueError::NotDecimal {
                value: "1,2,3.4".into()
            })
        );
        assert_eq!(
            parse_decimal("ved ikke", Comma),
            Err(ValueError::Placeholder {
                value: "ved ikke".into()
            })
        );
        assert_eq!(
            parse_decimal("ca. 30 min", Point),
            Err(ValueError::NotDecimal {
                value: "ca. 30 min".into()
            })
        );
        assert_eq!(
            parse_decimal("1,2e10", Comma),
            Err(ValueError::Mangled {
                value: "1,2e10".into()
            })
        );
        assert_eq!(
            parse_decimal(".", Point),
            Err(ValueError::NotDecimal { value: ".".into() })
        );
    }

    #[test]
    fn percentages() {
        let p = |s| parse_percent(s, Point, BarePercent::Points);
        let f = |s| parse_percent(s, Point, BarePercent::Fraction);
        for s in ["45%", "45 %", "45,0 %", "45"] {
            assert_eq!(p(s), Ok(d("45")), "{s}");
        }
        assert_eq!(f("0.45"), Ok(d("45")));
        assert_eq!(f("45%"), Ok(d("45")));
        assert_eq!(p("0.45"), Ok(d("0.45")));
        assert_eq!(
            parse_percent("69,4%", Comma, BarePercent::Points),
            Ok(d("69.4"))
        );
        assert_eq!(
            p("No rate available"),
            Err(ValueError::Placeholder {
                value: "No rate available".into()
            })
        );
        assert_eq!(
            p("high"),
            Err(ValueError::NotPercent {
                value: "high".into()
            })
        );
    }

    #[test]
    fn text_keys_keep_leading_zeros_and_reject_scientific() {
        assert_eq!(parse_text_key(" 000123 "), Ok("000123"));
        assert_eq!(parse_text_key("+45 20 12 34 56"), Ok("+45 20 12 34 56"));
        assert_eq!(parse_text_key("SW1A 1AA"), Ok("SW1A 1AA"));
        assert_eq!(
            parse_text_key("4.52012E+09"),
            Err(ValueError::Mangled {
                value: "4.52012E+09".into()
            })
        );
        // An id that merely contains an E is not a number.
        assert_eq!(parse_text_key("E-5531"), Ok("E-5531"));
        assert_eq!(parse_text_key("12E4"), Ok("12E4"));
        assert!(is_scientific("4.67E+10") && !is_scientific("E10") && !is_scientific("1.2.3E5"));
    }
}
