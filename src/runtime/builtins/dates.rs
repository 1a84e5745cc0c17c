//! Date functions: `date datetime format`, and the readers and time-zone
//! conversions behind them (also used by the stager).
//!
//! Input: evaluated arguments, the spec's time zone and `date_format`s.
//! Output: `Date` (a calendar date), `DateTime` (always UTC) or text.
//! Invariants:
//! - a local time is read in the spec's time zone; in the autumn overlap the
//!   earlier instant is taken; in the spring gap (a time that never
//!   happened) the offset before the gap applies, so 02:30 on the last Sunday
//!   of March in Copenhagen is 03:30 CEST (01:30 UTC);
//! - a datetime's date is its local date in the spec's time zone;
//! - `format` validates its pattern first and never panics; datetimes are
//!   formatted in the spec's time zone.

use super::super::eval::Ctx;
use super::super::{bug, fail, Fault};
use crate::diagnostics::codes;
use crate::span::Span;
use crate::value::Value;
use chrono::offset::LocalResult;
use chrono::{DateTime, Duration, NaiveDate, NaiveDateTime, NaiveTime, Offset, TimeZone, Utc};
use chrono_tz::Tz;
use std::fmt::Write;
use std::sync::Arc;

/// `date(x)`: dates pass, datetimes give their local date, text is read.
pub fn date(ctx: &Ctx<'_>, x: &Value, span: Span) -> Result<Value, Fault> {
    match x {
        Value::Null => Ok(Value::Null),
        Value::Date(_) => Ok(x.clone()),
        Value::DateTime(t) => Ok(Value::Date(local_date(*t, ctx.timezone))),
        Value::Text(s) if s.trim().is_empty() => Ok(Value::Null),
        Value::Text(s) => match parse_date(s, &ctx.plan.options.date_formats, ctx.timezone) {
            Some(d) => Ok(Value::Date(d)),
            None => fail(
                codes::E0901,
                span,
                format!("{s:?} is not a date ({})", expected(ctx)),
            ),
        },
        other => fail(codes::E0901, span, format!("{other:?} is not a date")),
    }
}

/// `datetime(x)`: datetimes pass, dates become local midnight, text is read.
pub fn datetime(ctx: &Ctx<'_>, x: &Value, span: Span) -> Result<Value, Fault> {
    match x {
        Value::Null => Ok(Value::Null),
        Value::DateTime(_) => Ok(x.clone()),
        Value::Date(d) => Ok(Value::DateTime(local_to_utc(
            d.and_time(NaiveTime::MIN),
            ctx.timezone,
        ))),
        Value::Text(s) if s.trim().is_empty() => Ok(Value::Null),
        Value::Text(s) => match parse_datetime(s, &ctx.plan.options.date_formats, ctx.timezone) {
            Some(t) => Ok(Value::DateTime(t)),
            None => fail(
                codes::E0901,
                span,
                format!("{s:?} is not a date and time ({})", expected(ctx)),
            ),
        },
        other => fail(
            codes::E0901,
            span,
            format!("{other:?} is not a date and time"),
        ),
    }
}

fn expected(ctx: &Ctx<'_>) -> String {
    let mut s = String::from("expected YYYY-MM-DD");
    for f in &ctx.plan.options.date_formats {
        let _ = write!(s, ", {f:?}");
    }
    s
}

pub(crate) use super::datefmt::{format_fast, FormatCache};

/// `format(d, pattern[, zone])`: a date or datetime as text (chrono
/// strftime); datetimes are shown in `zone` (an IANA name such as "UTC"),
/// by default the spec's time zone.
pub fn format(
    ctx: &mut Ctx<'_>,
    x: &Value,
    pattern: &Value,
    zone: Option<&Value>,
    span: Span,
) -> Result<Value, Fault> {
    let tz: chrono_tz::Tz = match zone {
        None | Some(Value::Null) => ctx.timezone,
        Some(Value::Text(z)) => match z.parse() {
            Ok(tz) => tz,
            Err(_) => {
                return fail(
                    codes::E0905,
                    span,
                    format!("{z:?} is not an IANA time zone"),
                )
            }
        },
        Some(other) => return bug(span, format!("a time zone must be text, not {other:?}")),
    };
    let pattern = match pattern {
        Value::Null => return Ok(Value::Null),
        Value::Text(p) => p,
        other => return bug(span, format!("a date pattern must be text, not {other:?}")),
    };
    if x.is_null() {
        return Ok(Value::Null);
    }
    let Some(items) = ctx.formats.items(pattern) else {
        return fail(
            codes::E0905,
            span,
            format!("{pattern:?} is not a valid date pattern"),
        );
    };
    let mut out = String::with_capacity(pattern.len() + 8);
    let written = match x {
        Value::Date(d) => write!(out, "{}", d.format_with_items(items.iter())),
        Value::DateTime(t) => write!(
            out,
            "{}",
            t.with_timezone(&tz).format_with_items(items.iter())
        ),
        other => {
            return bug(
                span,
                format!("format needs a date or datetime, not {other:?}"),
            )
        }
    };
    match written {
        Ok(()) => Ok(Value::Text(Arc::from(out))),
        Err(_) => fail(
            codes::E0905,
            span,
            format!(
                "{pattern:?} asks for a part a {} does not have",
                if matches!(x, Value::Date(_)) {
                    "date"
                } else {
                    "datetime"
                }
            ),
        ),
    }
}

/// The local calendar date of an instant.
pub fn local_date(t: DateTime<Utc>, tz: Tz) -> NaiveDate {
    t.with_timezone(&tz).date_naive()
}

/// The instant a local wall-clock time denotes in `tz` (see the module
/// header for overlaps and gaps).
pub fn local_to_utc(local: NaiveDateTime, tz: Tz) -> DateTime<Utc> {
    match tz.from_local_datetime(&local) {
        LocalResult::Single(t) => t.with_timezone(&Utc),
        LocalResult::Ambiguous(early, _) => early.with_timezone(&Utc),
        LocalResult::None => {
            // A gap: use the offset in force a day earlier (before the jump).
            // At the ends of the calendar (no gap there) fall back to UTC.
            let before = local.checked_sub_signed(Duration::days(1)).unwrap_or(local);
            let offset = tz.offset_from_utc_datetime(&before).fix();
            let shift = Duration::seconds(i64::from(offset.local_minus_utc()));
            local.checked_sub_signed(shift).unwrap_or(local).and_utc()
        }
    }
}

const NAIVE_DATETIMES: &[&str] = &[
    "%Y-%m-%dT%H:%M:%S%.f",
    "%Y-%m-%d %H:%M:%S%.f",
    "%Y-%m-%dT%H:%M",
    "%Y-%m-%d %H:%M",
];

const OFFSET_DATETIMES: &[&str] = &[
    "%Y-%m-%d %H:%M:%S%.f%#z",
    "%Y-%m-%dT%H:%M:%S%.f%#z",
    "%Y-%m-%d %H:%M%#z",
];

/// Reads a date: `YYYY-MM-DD`, then each of `formats` (a format with a
/// time of day gives that local date), then a timestamp's local date.
pub fn parse_date(s: &str, formats: &[String], tz: Tz) -> Option<NaiveDate> {
    let s = s.trim();
    if let Ok(d) = NaiveDate::parse_from_str(s, "%Y-%m-%d") {
        return Some(d);
    }
    for f in formats {
        if let Ok(d) = NaiveDate::parse_from_str(s, f) {
            return Some(d);
        }
    }
    parse_datetime(s, formats, tz).map(|t| local_date(t, tz))
}

/// Reads an instant: RFC 3339 / ISO 8601 with an offset; without one, a
/// local time in `tz`; each of `formats`; a bare date is local midnight.
pub fn parse_datetime(s: &str, formats: &[String], tz: Tz) -> Option<DateTime<Utc>> {
    let s = s.trim();
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        return Some(t.with_timezone(&Utc));
    }
    if let Some(rest) = s.strip_suffix(['Z', 'z']) {
        if let Some(naive) = NAIVE_DATETIMES
            .iter()
            .find_map(|f| NaiveDateTime::parse_from_str(rest, f).ok())
        {
            return Some(naive.and_utc());
        }
    }
    for f in OFFSET_DATETIMES {
        if let Ok(t) = DateTime::parse_from_str(s, f) {
            return Some(t.with_timezone(&Utc));
        }
    }
    for f in NAIVE_DATETIMES {
        if let Ok(naive) = NaiveDateTime::parse_from_str(s, f) {
            return Some(local_to_utc(naive, tz));
        }
    }
    for f in formats {
        if let Ok(t) = DateTime::parse_from_str(s, f) {
            return Some(t.with_timezone(&Utc));
        }
        if let Ok(naive) = NaiveDateTime::parse_from_str(s, f) {
            return Some(local_to_utc(naive, tz));
        }
    }
    let d = NaiveDate::parse_from_str(s, "%Y-%m-%d").ok().or_else(|| {
        formats
            .iter()
            .find_map(|f| NaiveDate::parse_from_str(s, f).ok())
    })?;
    Some(local_to_utc(d.and_time(NaiveTime::MIN), tz))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::runtime::fixtures::*;
    use crate::runtime::Dataset;

    const CPH: Tz = chrono_tz::Europe::Copenhagen;

    fn utc(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }
    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }
    fn formats() -> Vec<String> {
        vec![
            "%d-%m-%Y".into(),
            "%d.%m.%Y %H:%M".into(),
            "%d.%m.%Y".into(),
        ]
    }

    #[test]
    fn dst_boundaries_in_copenhagen() {
        let local = |s: &str| NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap();
        // Spring forward 2024-03-31 02:00 → 03:00: 02:30 never happened.
        assert_eq!(
            local_to_utc(local("2024-03-31 01:30"), CPH),
            utc("2024-03-31T00:30:00Z")
        );
        assert_eq!(
            local_to_utc(local("2024-03-31 02:30"), CPH),
            utc("2024-03-31T01:30:00Z")
        );
        assert_eq!(
            local_to_utc(local("2024-03-31 03:30"), CPH),
            utc("2024-03-31T01:30:00Z")
        );
        // Fall back 2024-10-27 03:00 → 02:00: 02:30 happened twice; the first wins.
        assert_eq!(
            local_to_utc(local("2024-10-27 02:30"), CPH),
            utc("2024-10-27T00:30:00Z")
        );
        assert_eq!(
            local_to_utc(local("2024-10-27 03:30"), CPH),
            utc("2024-10-27T02:30:00Z")
        );
        // Local midnight is UTC+2 in summer, UTC+1 in winter.
        assert_eq!(
            local_date(utc("2024-03-30T23:30:00Z"), CPH),
            day("2024-03-31")
        );
        assert_eq!(
            local_date(utc("2024-03-31T21:59:00Z"), CPH),
            day("2024-03-31")
        );
        assert_eq!(
            local_date(utc("2024-03-31T22:00:00Z"), CPH),
            day("2024-04-01")
        );
    }

    #[test]
    fn extreme_dates_do_not_panic() {
        let min = NaiveDate::MIN.and_time(NaiveTime::MIN);
        let max = NaiveDate::MAX.and_hms_opt(23, 59, 59).unwrap();
        let _ = local_to_utc(min, CPH);
        let _ = local_to_utc(max, CPH);
        let _ = parse_datetime("+262142-12-31T23:59:59", &[], CPH);
    }

    #[test]
    fn reads_timestamps_with_and_without_offsets() {
        let f = formats();
        for (text, want) in [
            ("2024-03-05T08:15:00Z", "2024-03-05T08:15:00Z"),
            ("2024-03-05 08:15:00Z", "2024-03-05T08:15:00Z"),
            ("2024-03-05 09:15:00+01:00", "2024-03-05T08:15:00Z"),
            ("2024-03-05 09:15:00+0100", "2024-03-05T08:15:00Z"),
            ("2024-03-05 09:15:00", "2024-03-05T08:15:00Z"),
            ("2024-07-05 09:15", "2024-07-05T07:15:00Z"),
            ("05.03.2024 09:15", "2024-03-05T08:15:00Z"),
            ("2024-03-05", "2024-03-04T23:00:00Z"),
            ("05-03-2024", "2024-03-04T23:00:00Z"),
        ] {
            assert_eq!(parse_datetime(text, &f, CPH), Some(utc(want)), "{text}");
        }
        for bad in ["0000-00-00 00:00:00", "45356", "2024-02-30", "yesterday"] {
            assert_eq!(parse_datetime(bad, &f, CPH), None, "{bad}");
        }
    }

    #[test]
    fn reads_dates_in_several_layouts() {
        let f = formats();
        assert_eq!(parse_date("2024-03-05", &f, CPH), Some(day("2024-03-05")));
        assert_eq!(parse_date(" 05-03-2024 ", &f, CPH), Some(day("2024-03-05")));
        assert_eq!(parse_date("05.03.2024", &f, CPH), Some(day("2024-03-05")));
        assert_eq!(
            parse_date("05.03.2024 23:59", &f, CPH),
            Some(day("2024-03-05"))
        );
        // A UTC timestamp late in the evening is the next day in Copenhagen.
        assert_eq!(
            parse_date("2024-02-29T23:30:00Z", &f, CPH),
            Some(day("2024-03-01"))
        );
        assert_eq!(parse_date("5/3/2024", &f, CPH), None);
    }

    #[test]
    fn date_datetime_and_format_functions() {
        let plan = crm_plan();
        let data = Dataset::new(&plan, Vec::new());
        let mut ctx = Ctx::new(&plan, &data);
        let s = Span::default();
        let t = Value::DateTime(utc("2024-10-26T22:30:00Z"));
        assert_eq!(date(&ctx, &t, s), Ok(Value::Date(day("2024-10-27"))));
        assert_eq!(date(&ctx, &Value::text(""), s), Ok(Value::Null));
        assert_eq!(err_code(date(&ctx, &Value::text("31-02-2024"), s)), "E0901");
        let d = Value::Date(day("2024-10-27"));
        assert_eq!(
            datetime(&ctx, &d, s),
            Ok(Value::DateTime(utc("2024-10-26T22:00:00Z")))
        );
        assert_eq!(err_code(datetime(&ctx, &Value::text("N/A"), s)), "E0901");
        let pat = |p: &str| Value::text(p);
        assert_eq!(
            format(&mut ctx, &d, &pat("%d.%m.%Y"), None, s),
            Ok(Value::text("27.10.2024"))
        );
        assert_eq!(
            format(&mut ctx, &t, &pat("%Y-%m-%d %H:%M %Z"), None, s),
            Ok(Value::text("2024-10-27 00:30 CEST"))
        );
        assert_eq!(err_code(format(&mut ctx, &d, &pat("%Q"), None, s)), "E0905");
        assert_eq!(
            err_code(format(&mut ctx, &d, &pat("%H:%M"), None, s)),
            "E0905"
        );
        assert_eq!(
            format(&mut ctx, &Value::Null, &pat("%Y"), None, s),
            Ok(Value::Null)
        );
    }
}
