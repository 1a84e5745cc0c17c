//! Dates and datetimes of a column: the formats it accepts, the fast path
//! for canonical timestamps, and the `/` dates that stay ambiguous.
//!
//! Input: a column, the spec's options and the bundle's conventions; then
//! one trimmed cell. Output: the parsed value or the problem to report.
//! Invariants: formats are tried column, spec, bundle; a `/` date whose
//! day-first and month-first readings differ is an error unless the spec
//! itself settles the order; a local time on a day with a DST change goes
//! through the general parser (which reports gaps and overlaps).

use super::{fail, note_line, Conventions, Problem, State};
use crate::plan::{ColumnPlan, Plan};
use crate::stage::values::{parse_datetime, DateFormats, Overlap, ValueError, Via, Zone, Zones};
use crate::value::Value;
use chrono::{DateTime, NaiveDate, Utc};

/// Accepted formats, and whether day/month order of `/` dates is settled.
pub(super) struct Dates {
    pub(super) formats: DateFormats,
    texts: Vec<String>,
    /// The spec itself declares a `/` format: a `/` date is read with it.
    /// Otherwise a `/` date whose day-first and month-first readings differ
    /// is ambiguous even when the bundle's conventions list one of them,
    /// since US-locale Excel writes month-first dates with the same `/`.
    slash_settled: bool,
}

fn dedup(list: impl IntoIterator<Item = String>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for f in list {
        if !out.contains(&f) {
            out.push(f);
        }
    }
    out
}

fn is_slash_dm(f: &str) -> bool {
    f.contains('/') && f.contains("%d") && f.contains("%m")
}

/// The column's formats, then the spec's, then the bundle's; datetimes also
/// accept the date formats with a time of day, and a bare date (midnight).
pub(super) fn dates(
    col: &ColumnPlan,
    plan: &Plan,
    conv: &Conventions,
    time: bool,
) -> Result<Dates, String> {
    let spec_own: Vec<&String> = plan
        .options
        .date_formats
        .iter()
        .filter(|f| !conv.date_formats.contains(f))
        .collect();
    let slash_settled = spec_own.iter().any(|f| is_slash_dm(f));
    let date_list = dedup(
        col.formats
            .iter()
            .chain(&plan.options.date_formats)
            .chain(&conv.date_formats)
            .cloned(),
    );
    let texts = if time {
        let mut all = Vec::new();
        all.extend(col.formats.iter().cloned());
        for f in plan.options.date_formats.iter().chain(&conv.date_formats) {
            if !f.contains("%H") {
                all.push(format!("{f} %H:%M:%S"));
                all.push(format!("{f} %H:%M"));
            }
        }
        all.extend(conv.datetime_formats.iter().cloned());
        all.extend(date_list);
        dedup(all)
    } else {
        date_list
    };
    Ok(Dates {
        formats: DateFormats::new(&texts, true)?,
        texts,
        slash_settled,
    })
}

/// A datetime in the column's formats (the general path).
pub(super) fn datetime(
    t: &str,
    d: &Dates,
    zone: Zones,
    state: &mut State,
    problems: &mut Vec<Problem>,
    line: u64,
) -> Value {
    match parse_datetime(t, &d.formats, zone, Overlap::Reject) {
        Ok(p) => {
            if let Some(e) = slash_ambiguity(t, d, p.via) {
                return fail(problems, e);
            }
            if p.via == Via::ExcelSerial {
                note_line(&mut state.excel_serials, line);
            }
            Value::DateTime(p.value)
        }
        Err(e) => fail(problems, e),
    }
}

/// `YYYY-MM-DD HH:MM:SS` (or with `T`), the canonical export timestamp, read
/// without the general parser; `None` for any other shape and on days with
/// a DST change, which the general path reads and reports.
pub(super) fn fast_datetime(t: &str, zone: Zone, day: &mut DayOffsets) -> Option<DateTime<Utc>> {
    let b = t.as_bytes();
    if b.len() != 19
        || b[4] != b'-'
        || b[7] != b'-'
        || !matches!(b[10], b' ' | b'T')
        || b[13] != b':'
        || b[16] != b':'
    {
        return None;
    }
    let n = |r: std::ops::Range<usize>| -> Option<u32> {
        b[r].iter().try_fold(0u32, |a, &c| {
            c.is_ascii_digit().then(|| a * 10 + u32::from(c - b'0'))
        })
    };
    let date = NaiveDate::from_ymd_opt(n(0..4)? as i32, n(5..7)?, n(8..10)?)?;
    let naive = date.and_hms_opt(n(11..13)?, n(14..16)?, n(17..19)?)?;
    let tz = match zone {
        Zone::Utc => return Some(naive.and_utc()),
        Zone::Tz(tz) => tz,
    };
    let offset = day.get(tz, date)?;
    Some(naive.and_utc() - chrono::Duration::seconds(i64::from(offset)))
}

/// The UTC offset of each local day seen (`None`: the day has a DST
/// change), so a column of timestamps looks each day up in the zone once,
/// not per cell (a zone lookup costs more than the rest of the cell).
#[derive(Default)]
pub(super) struct DayOffsets {
    last: Option<(NaiveDate, Option<i32>)>,
    days: foldhash::HashMap<NaiveDate, Option<i32>>,
}

impl DayOffsets {
    fn get(&mut self, tz: chrono_tz::Tz, date: NaiveDate) -> Option<i32> {
        if let Some((d, offset)) = self.last {
            if d == date {
                return offset;
            }
        }
        let offset = match self.days.get(&date) {
            Some(&offset) => offset,
            None => {
                let offset = uniform_offset(tz, date);
                // Bounded: a century of days is 36,525.
                if self.days.len() < 100_000 {
                    self.days.insert(date, offset);
                }
                offset
            }
        };
        self.last = Some((date, offset));
        offset
    }
}

/// The UTC offset (seconds) of a local day in `tz` when it is the same all
/// day (no DST change); checked at the start, middle and end of the day.
fn uniform_offset(tz: chrono_tz::Tz, date: NaiveDate) -> Option<i32> {
    use chrono::{Offset, TimeZone};
    let at = |h, m, s| -> Option<i32> {
        match tz.from_local_datetime(&date.and_hms_opt(h, m, s)?) {
            chrono::LocalResult::Single(d) => Some(d.offset().fix().local_minus_utc()),
            _ => None,
        }
    };
    let first = at(0, 0, 0)?;
    (at(12, 0, 0)? == first && at(23, 59, 59)? == first).then_some(first)
}

/// A `/` date read by a bundle convention whose month-first reading is a
/// different real date: ambiguous unless the spec settled the order.
pub(super) fn slash_ambiguity(t: &str, d: &Dates, via: Via) -> Option<ValueError> {
    let Via::Declared(i) = via else { return None };
    let f = d.texts.get(i)?;
    if d.slash_settled || !is_slash_dm(f) {
        return None;
    }
    let date_part = t.split([' ', 'T']).next().unwrap_or(t);
    let date_fmt = f.split(' ').next().unwrap_or(f);
    let swapped = date_fmt
        .replace("%d", "\u{1}")
        .replace("%m", "%d")
        .replace('\u{1}', "%m");
    let a = NaiveDate::parse_from_str(date_part, date_fmt).ok()?;
    let b = NaiveDate::parse_from_str(date_part, &swapped).ok()?;
    (a != b).then(|| ValueError::AmbiguousDate {
        value: t.to_string(),
        readings: vec![
            (date_fmt.to_string(), a.format("%Y-%m-%d").to_string()),
            (swapped, b.format("%Y-%m-%d").to_string()),
        ],
    })
}
