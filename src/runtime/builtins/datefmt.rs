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
    /// The byte length of the fast form's text (reserved once per call).
    len: usize,
    /// The fast form as three date numbers and two ASCII separators
    /// (`%d.%m.%Y`, `%Y-%m-%d`, `%m/%d/%Y`): written without the part loop.
    date3: Option<Date3>,
    /// The pattern asks for a time of day.
    time: bool,
}

#[derive(Debug)]
enum Part {
    Lit(Box<str>),
    /// A one-character literal (`.` `-` `/` `:`): pushed without the
    /// call a short string copy costs.
    Char(char),
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
    let len = fast.as_ref().map_or(0, |parts| {
        parts
            .iter()
            .map(|p| match p {
                Part::Lit(s) => s.len(),
                Part::Char(c) => c.len_utf8(),
                Part::Year => 4,
                _ => 2,
            })
            .sum()
    });
    let date3 = fast.as_deref().and_then(date3);
    Some(Compiled {
        items,
        fast,
        len,
        date3,
        time,
    })
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
            parts.push(literal(std::mem::take(&mut lit)));
        }
        parts.push(part);
    }
    if !lit.is_empty() {
        parts.push(literal(lit));
    }
    Some(parts)
}

/// Three date numbers and the two ASCII separators between them.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Date3 {
    fields: [Field; 3],
    seps: [u8; 2],
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Field {
    Year,
    Month,
    Day,
}

fn date3(parts: &[Part]) -> Option<Date3> {
    let field = |p: &Part| match p {
        Part::Year => Some(Field::Year),
        Part::Month => Some(Field::Month),
        Part::Day => Some(Field::Day),
        _ => None,
    };
    // `char::from(u8)` gives back the literal only for ASCII.
    let sep = |p: &Part| match p {
        Part::Char(c) if c.is_ascii() => u8::try_from(*c).ok(),
        _ => None,
    };
    match parts {
        [a, s, b, t, c] => Some(Date3 {
            fields: [field(a)?, field(b)?, field(c)?],
            seps: [sep(s)?, sep(t)?],
        }),
        _ => None,
    }
}

/// A `format` pattern of three date numbers and two ASCII separators
/// (`%d.%m.%Y`), compiled once for the compiled route
/// ([`crate::runtime::compiled`]); it writes what [`format_fast`] writes.
#[derive(Debug, Clone, Copy)]
pub(crate) struct DatePattern(Date3);

impl DatePattern {
    /// `None` when the pattern is not of that form (or not valid).
    pub(crate) fn new(pattern: &str) -> Option<DatePattern> {
        let c = compile(pattern)?;
        c.date3.filter(|_| !c.time).map(DatePattern)
    }

    /// Appends `d` formatted and returns true; false, appending nothing,
    /// for a year outside 0–9999 (chrono's business).
    #[inline]
    pub(crate) fn write(self, d: NaiveDate, out: &mut String) -> bool {
        if !(0..10_000).contains(&d.year()) {
            return false;
        }
        write_date3(self.0, d, out);
        true
    }
}

/// `d` as the parts of `f` write it (the year checked to be 0–9999).
fn write_date3(f: Date3, d: NaiveDate, out: &mut String) {
    // At most three years and two separators.
    let mut b = [0u8; 14];
    let mut i = 0;
    for (n, field) in f.fields.iter().enumerate() {
        if let Some(&sep) = n.checked_sub(1).and_then(|s| f.seps.get(s)) {
            b[i] = sep;
            i += 1;
        }
        let (v, width) = match field {
            Field::Year => (d.year() as u32, 4),
            Field::Month => (d.month(), 2),
            Field::Day => (d.day(), 2),
        };
        if width == 4 {
            b[i] = b'0' + (v / 1000 % 10) as u8;
            b[i + 1] = b'0' + (v / 100 % 10) as u8;
            i += 2;
        }
        b[i] = b'0' + (v / 10 % 10) as u8;
        b[i + 1] = b'0' + (v % 10) as u8;
        i += 2;
    }
    // Digits and ASCII separators: always UTF-8, checked in one pass
    // rather than a `char` push per byte.
    if let Ok(text) = std::str::from_utf8(&b[..i]) {
        out.push_str(text);
    }
}

fn literal(lit: String) -> Part {
    let mut chars = lit.chars();
    match (chars.next(), chars.next()) {
        (Some(c), None) => Part::Char(c),
        _ => Part::Lit(lit.into()),
    }
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
        len,
        date3,
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
    if let Some(f) = date3 {
        write_date3(*f, date, out);
        return true;
    }
    write_parts(parts, *len, date, at, out);
    true
}

/// The general fast form: `parts` one by one (`len` bytes in all).
fn write_parts(
    parts: &[Part],
    len: usize,
    date: NaiveDate,
    at: Option<NaiveTime>,
    out: &mut String,
) {
    let year = date.year();
    let at = at.unwrap_or(NaiveTime::MIN);
    out.reserve(len);
    for p in parts {
        match p {
            Part::Lit(s) => out.push_str(s),
            Part::Char(c) => out.push(*c),
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
            "%d/%m/%Y.",
            "✓%Y年%m",
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
                    let len = cache.compiled(p).map(|c| c.len);
                    assert_eq!(Some(out.len() - 1), len, "reserved length {p:?}");
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

    /// The three-number writer against the part loop, for every order of
    /// year, month and day, several separators and every day of years at
    /// the edges of the four-digit range.
    #[test]
    fn date3_matches_the_part_loop() {
        let fields = ["%Y", "%m", "%d"];
        let mut patterns = Vec::new();
        for a in fields {
            for b in fields {
                for c in fields {
                    for (s, t) in [(".", "."), ("-", "/"), (" ", ":"), ("_", ",")] {
                        patterns.push(format!("{a}{s}{b}{t}{c}"));
                    }
                }
            }
        }
        let mut days = Vec::new();
        for year in [0, 7, 99, 999, 1000, 1970, 2000, 2024, 9999] {
            let mut d = NaiveDate::from_ymd_opt(year, 1, 1).unwrap();
            while d.year() == year {
                days.push(d);
                d = d.succ_opt().unwrap();
            }
        }
        let mut cache = FormatCache::default();
        for p in &patterns {
            let c = cache.compiled(p).unwrap();
            let (Some(f), Some(parts)) = (c.date3, c.fast.as_deref()) else {
                panic!("{p:?} has no three-number form");
            };
            for &d in &days {
                let (mut fast, mut general) = (String::new(), String::new());
                write_date3(f, d, &mut fast);
                write_parts(parts, c.len, d, None, &mut general);
                assert_eq!(fast, general, "{p:?} {d}");
            }
        }
        // Not three numbers with one-character ASCII separators.
        for p in ["%d.%m.%Y.", "%d..%m.%Y", "%d✓%m.%Y", "%d.%m", "%H.%m.%Y"] {
            assert_eq!(cache.compiled(p).and_then(|c| c.date3), None, "{p:?}");
        }
    }
}
