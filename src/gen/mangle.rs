//! How messy exports spell clean values (actimo-export.md §5).
//!
//! Input: a clean value (a day number, a boolean, a digit string, a percent
//! in tenths) and the writer's random stream. Output: the text a Danish
//! Excel or UI export would show instead. Pure functions; the writers decide
//! where to use them and record it in the manifest.

use super::out::{civil, push_datetime};
use super::rng::Rng;

/// `4520123456` → `4.52012E+09`: what Excel shows for a long number.
pub fn excel_scientific(digits: &str) -> String {
    let d: Vec<u8> = digits.bytes().filter(u8::is_ascii_digit).collect();
    if d.is_empty() {
        return String::new();
    }
    let mut mantissa: String = d.iter().take(6).map(|&b| b as char).collect();
    while mantissa.len() > 1 && mantissa.ends_with('0') {
        mantissa.pop();
    }
    let (head, tail) = mantissa.split_at(1);
    let sep = if tail.is_empty() { "" } else { "." };
    format!("{head}{sep}{tail}E+{:02}", d.len() - 1)
}

pub fn bool_variant(rng: &mut Rng, b: bool) -> &'static str {
    if b {
        rng.pick(&["1", "yes", "Ja", "X", "TRUE", "Yes"])
    } else {
        rng.pick(&["0", "no", "Nej", "FALSE", "nej"])
    }
}

/// `2024-03-05` as `05-03-2024`, `05.03.2024` or (day > 12 only, so it stays
/// unambiguous) `13/3/2024`.
pub fn date_variant(rng: &mut Rng, day: i64) -> String {
    let (y, m, d) = civil(day);
    match rng.below(3) {
        0 => format!("{d:02}-{m:02}-{y}"),
        1 if d > 12 => format!("{d}/{m}/{y}"),
        _ => format!("{d:02}.{m:02}.{y}"),
    }
}

/// A US-style `MM/DD/YYYY` date whose day and month are both ≤ 12 and
/// differ, so day-first and month-first readings disagree.
pub fn ambiguous_date(day: i64) -> String {
    let (y, m, d) = civil(day);
    let d = if d > 12 || d == m { m % 12 + 1 } else { d };
    format!("{m:02}/{d:02}/{y}")
}

/// Excel's 1900 date system (serial 25569 is 1970-01-01).
pub fn excel_serial(day: i64) -> String {
    (day + 25_569).to_string()
}

/// A UTC timestamp written with an explicit offset or `Z`.
pub fn offset_datetime(rng: &mut Rng, secs: i64) -> String {
    let mut b = Vec::new();
    if rng.chance(500) {
        push_datetime(&mut b, secs);
        b[10] = b'T';
        b.push(b'Z');
    } else {
        push_datetime(&mut b, secs + 3600);
        b.extend_from_slice(b"+01:00");
    }
    String::from_utf8(b).unwrap_or_default()
}

/// A percent given in tenths (`694` = 69.4 %) in one of the spellings of §5.19.
pub fn percent_variant(rng: &mut Rng, tenths: i64) -> String {
    let (whole, frac) = (tenths / 10, tenths % 10);
    match rng.below(5) {
        0 => format!("{}.{:03}", tenths / 1000, tenths % 1000),
        1 => format!("{whole}"),
        2 => format!("{whole}.{frac}%"),
        3 => format!("{whole} %"),
        _ => format!("{whole},{frac} %"),
    }
}

/// `1234` with a thousands separator: `1.234` or `1,234`.
pub fn thousands(rng: &mut Rng, v: i64) -> String {
    let sep = if rng.chance(500) { '.' } else { ',' };
    let s = v.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i) % 3 == 0 {
            out.push(sep);
        }
        out.push(c);
    }
    out
}

/// Free text where a number belongs.
pub fn not_a_number(rng: &mut Rng) -> &'static str {
    rng.pick(&["N/A", "ved ikke", "n/a", "-"])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gen::out::days_from_civil;

    #[test]
    fn excel_spellings() {
        assert_eq!(excel_scientific("4520123456"), "4.52012E+09");
        assert_eq!(excel_scientific("+46 700000000"), "4.67E+10");
        assert_eq!(excel_serial(days_from_civil(2024, 3, 5)), "45356");
    }

    #[test]
    fn ambiguous_dates_have_two_readings() {
        for day in [
            days_from_civil(2024, 3, 5),
            days_from_civil(2024, 3, 3),
            days_from_civil(2024, 12, 31),
        ] {
            let s = ambiguous_date(day);
            let (m, rest) = s.split_at(2);
            let d = &rest[1..3];
            assert!(
                m.parse::<u32>().unwrap() <= 12 && d.parse::<u32>().unwrap() <= 12 && m != d,
                "{s}"
            );
        }
    }

    #[test]
    fn thousands_groups_digits() {
        let mut r = Rng::stream(1, "t", 0);
        let s = thousands(&mut r, 1_234_567);
        assert!(s == "1.234.567" || s == "1,234,567", "{s}");
    }
}
