//! `format` patterns, parsed once per pattern text; the common ones
//! (`%Y %m %d %H %M %S` and literal text) also compiled for writing by hand.
//!
//! Input: a pattern text, then dates and local datetimes. Output: chrono's
//! items for a pattern (or `None`: not a valid pattern), and
//! [`format_fast`]'s text, byte for byte what chrono writes for the same
//! pattern. Invariants: the fast form is used only where chrono cannot fail
//! (a date pattern without time parts, years 0–9999, no leap second);
//! everything else is left to chrono.

use chrono::format::{Item, StrftimeItems};
use chrono::{Datelike, NaiveDate, NaiveTime, Timelike};
use chrono_tz::Tz;

/// Parsed `format` patterns, by pattern text (patterns are nearly always
/// literals, so this stays tiny).
#[derive(Debug, Default)]
pub(crate) struct FormatCache {
    entries: Vec<(Box<str>, Option<Compiled>)>,
}

#[derive(Debug)]
struct Compiled {
    items: Vec<Item<'static>>,
    fast: Option<Vec<Part>>,
    /// The pattern asks for a time of day.
    time: bool,
}

#[derive(Debug)]
enum Part {
    Lit(Box<str>),
    Year,
    Month,
    Day,
    Hour,
    Minute,
    Second,
}

impl FormatCache {
    fn index(&mut self, pattern: &str) -> usize {
        match self.entries.iter().position(|(p, _)| &**p == pattern) {
            Some(at) => at,
            None => {
                if self.entries.len() >= 32 {
                    self.entries.clear();
                }
                self.entries.push((pattern.into(), compile(pattern)));
                self.entries.len() - 1
            }
        }
    }

    fn compiled(&mut self, pattern: &str) -> Option<&Compiled> {
        let at = self.index(pattern);
        self.entries[at].1.as_ref()
    }

    /// chrono's items for `pattern`, `None` when it is not a valid pattern.
    pub(crate) fn items(&mut self, pattern: &str) -> Option<&[Item<'static>]> {
        self.compiled(pattern).map(|c| c.items.as_slice())
    }
}

fn compile(pattern: &str) -> Option<Compiled> {
    let items = StrftimeItems::new(pattern).parse_to_owned().ok()?;
    let fast = fast_parts(pattern);
    let time = fast.as_ref().is_some_and(|parts| {
        parts
            .iter()
            .any(|p| matches!(p, Part::Hour | Part::Minute | Part::Second))
    });
    Some(Compiled { items, fast, time })
}

/// The pattern as parts, when it has only the specifiers written by hand.
fn fast_parts(pattern: &str) -> Option<Vec<Part>> {
    let mut parts = Vec::new();
    let mut lit = String::new();
    let mut chars = pattern.chars();
    while let Some(c) = chars.next() {
        if c != '%' {
            lit.push(c);
            continue;
        }
        let part = match chars.next()? {
            'Y' => Part::Year,
            'm' => Part::Month,
            'd' => Part::Day,
            'H' => Part::Hour,
            'M' => Part::Minute,
            'S' => Part::Second,
            _ => return None,
        };
        if !lit.is_empty() {
            parts.push(Part::Lit(std::mem::take(&mut lit).into()));
        }
        parts.push(part);
    }
    if !lit.is_empty() {
        parts.push(Part::Lit(lit.into()));
    }
    Some(parts)
}

/// Appends `v` (a date, or a datetime shown in `tz`) formatted with
/// `pattern` and returns true; false, appending nothing, when the pattern
/// or value needs chrono.
pub(crate) fn format_fast(
    cache: &mut FormatCache,
    v: &crate::value::Value,
    pattern: &str,
    tz: Tz,
    out: &mut String,
) -> bool {
    use crate::value::Value;
    let Some(Compiled {
        fast: Some(parts),
        time,
        ..
    }) = cache.compiled(pattern)
    else {
        return false;
    };
    let (date, at): (NaiveDate, Option<NaiveTime>) = match v {
        Value::Date(d) if !*time => (*d, None),
        Value::DateTime(t) => {
            let local = t.with_timezone(&tz).naive_local();
            (local.date(), Some(local.time()))
        }
        _ => return false,
    };
    let year = date.year();
    if !(0..10_000).contains(&year) || at.is_some_and(|t| t.nanosecond() >= 1_000_000_000) {
        return false;
    }
    let at = at.unwrap_or(NaiveTime::MIN);
    for p in parts {
        match p {
            Part::Lit(s) => out.push_str(s),
            Part::Year => {
                push2(out, year as u32 / 100);
                push2(out, year as u32 % 100);
            }
            Part::Month => push2(out, date.month()),
            Part::Day => push2(out, date.day()),
            Part::Hour => push2(out, at.hour()),
            Part::Minute => push2(out, at.minute()),
            Part::Second => push2(out, at.second()),
        }
    }
    true
}

fn push2(out: &mut String, n: u32) {
    out.push(char::from(b'0' + (n / 10 % 10) as u8));
    out.push(char::from(b'0' + (n % 10) as u8));
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::value::Value;
    use chrono::TimeZone;

    fn chrono_text(v: &Value, pattern: &str, tz: Tz) -> Option<String> {
        use std::fmt::Write;
        let items = StrftimeItems::new(pattern).parse_to_owned().ok()?;
        let mut s = String::new();
        let ok = match v {
            Value::Date(d) => write!(s, "{}", d.format_with_items(items.iter())),
            Value::DateTime(t) => write!(
                s,
                "{}",
                t.with_timezone(&tz).format_with_items(items.iter())
            ),
            _ => return None,
        };
        ok.ok().map(|()| s)
    }

    #[test]
    fn fast_formats_match_chrono() {
        let tz: Tz = "Europe/Copenhagen".parse().unwrap();
        let values = [
            Value::Date(NaiveDate::from_ymd_opt(2024, 3, 5).unwrap()),
            Value::Date(NaiveDate::from_ymd_opt(7, 12, 31).unwrap()),
            Value::Date(NaiveDate::from_ymd_opt(12024, 1, 1).unwrap()),
            Value::Date(NaiveDate::from_ymd_opt(-5, 1, 1).unwrap()),
            Value::DateTime(chrono::Utc.with_ymd_and_hms(2024, 3, 31, 0, 59, 7).unwrap()),
            Value::DateTime(
                chrono::Utc
                    .with_ymd_and_hms(2023, 10, 29, 1, 30, 0)
                    .unwrap(),
            ),
            Value::DateTime(
                chrono::Utc
                    .with_ymd_and_hms(9999, 12, 31, 23, 0, 0)
                    .unwrap(),
            ),
        ];
        let patterns = [
            "%d.%m.%Y",
            "%Y-%m-%d",
            "%Y-%m-%dT%H:%M:%S",
            "%H:%M",
            "day %d of %m, år %Y ✓",
            "",
            "%",
            "%%",
            "%e %b",
            "%Q",
        ];
        let mut cache = FormatCache::default();
        for v in &values {
            for p in patterns {
                let mut out = String::from("x");
                if format_fast(&mut cache, v, p, tz, &mut out) {
                    assert_eq!(
                        Some(out[1..].to_string()),
                        chrono_text(v, p, tz),
                        "{v:?} {p:?}"
                    );
                } else {
                    assert_eq!(out, "x", "nothing appended for {v:?} {p:?}");
                }
            }
        }
        let mut out = String::new();
        assert!(format_fast(
            &mut cache, &values[0], "%d.%m.%Y", tz, &mut out
        ));
        assert!(!format_fast(&mut cache, &values[0], "%H", tz, &mut out));
        assert!(cache.items("%Q").is_none());
    }
}
