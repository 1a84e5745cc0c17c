//! Dates and datetimes.
//!
//! Input: a non-blank cell, the column's declared formats (chrono strftime
//! syntax, tried in order), whether Excel serial numbers are accepted, and
//! for datetimes the zone of naive local times. Output: a `NaiveDate` or a
//! UTC `DateTime`, with [`Via`] saying how it was read; or a
//! [`ValueError`].
//!
//! Rules, in order: blank → `Empty`; all-zero (`0000-00-00 00:00:00`) →
//! `ZeroDate`; ISO 8601 is always accepted (`2024-03-05`,
//! `2024-03-05T08:15:00Z`, `2024-03-05 09:15:00+01:00`); a 5-digit number
//! (optionally with a fraction of a day) is an Excel 1900-system serial when
//! enabled (`45356` = 2024-03-05; 4-digit numbers are left alone, they look
//! like years); then the declared formats. When two declared formats are
//! day/month swaps of each other and both read the cell differently, or no
//! declared format reads it but both `D/M/Y` and `M/D/Y` readings exist and
//! differ, the cell is `AmbiguousDate`; a single declared format settles
//! it. Naive times are converted to UTC from one of two zones ([`Zones`]):
//! the canonical API-style `YYYY-MM-DD HH:MM:SS` (ISO without an offset) is
//! read in the descriptor's zone (UTC for Actimo, actimo-export.md §4.0),
//! every other naive reading (the declared UI formats, Excel serials) in the
//! spec's `timezone`, since only UI exports write local time. A value with
//! an explicit offset keeps it. A local time in the spring-forward gap is
//! `DstGap`, one in the autumn overlap is `DstOverlap` unless the column
//! chose [`Overlap::Earlier`] or [`Overlap::Later`].

mod iso;

use super::ValueError;
use chrono::format::{Item, Parsed as ChronoParsed, StrftimeItems};
use chrono::{DateTime, LocalResult, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Utc};
use iso::{excel_serial, is_zero_date, iso_datetime};

/// The zone of naive (offset-less) timestamps in a column.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Zone {
    Utc,
    Tz(chrono_tz::Tz),
}

impl Zone {
    /// `UTC` or an IANA name such as `Europe/Copenhagen`.
    pub fn parse(name: &str) -> Option<Zone> {
        if name.eq_ignore_ascii_case("utc") {
            return Some(Zone::Utc);
        }
        name.parse::<chrono_tz::Tz>().ok().map(Zone::Tz)
    }
}

/// The zones of naive timestamps: `canonical` for ISO values without an
/// offset (API-style files), `local` for the UI formats and Excel serials.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Zones {
    pub canonical: Zone,
    pub local: Zone,
}

impl From<Zone> for Zones {
    /// One zone for every naive value.
    fn from(zone: Zone) -> Zones {
        Zones {
            canonical: zone,
            local: zone,
        }
    }
}

/// What to do with a local time that happens twice (autumn DST change).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Overlap {
    Reject,
    Earlier,
    Later,
}

/// How a value was read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Via {
    Iso,
    /// The declared format at this index.
    Declared(usize),
    ExcelSerial,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Parsed<T> {
    pub value: T,
    pub via: Via,
}

struct Format {
    text: String,
    items: Vec<Item<'static>>,
    /// The declared format that reads day and month the other way round.
    swap: Option<usize>,
}

/// A column's accepted date (or datetime) formats.
pub struct DateFormats {
    formats: Vec<Format>,
    pub excel_serial: bool,
}

/// Formats tried only to explain a failure (never to accept a value).
const FALLBACK_PAIRS: &[(&str, &str)] = &[
    ("%d/%m/%Y", "%m/%d/%Y"),
    ("%d.%m.%Y", "%m.%d.%Y"),
    ("%d-%m-%Y", "%m-%d-%Y"),
];

fn swap_day_month(f: &str) -> String {
    f.replace("%d", "\u{1}")
        .replace("%m", "%d")
        .replace('\u{1}', "%m")
}

fn items(f: &str) -> Result<Vec<Item<'static>>, String> {
    let items = StrftimeItems::new(f)
        .parse_to_owned()
        .map_err(|_| format!("`{f}` is not a valid date format"))?;
    if items.is_empty() {
        return Err("an empty date format".to_string());
    }
    Ok(items)
}

impl DateFormats {
    /// Compiles the declared formats; a malformed one is an error message.
    pub fn new<S: AsRef<str>>(formats: &[S], excel_serial: bool) -> Result<DateFormats, String> {
        let mut out: Vec<Format> = Vec::new();
        for f in formats {
            let f = f.as_ref();
            out.push(Format {
                text: f.to_string(),
                items: items(f)?,
                swap: None,
            });
        }
        for i in 0..out.len() {
            let swapped = swap_day_month(&out[i].text);
            if swapped != out[i].text {
                out[i].swap = out.iter().position(|g| g.text == swapped);
            }
        }
        Ok(DateFormats {
            formats: out,
            excel_serial,
        })
    }

    /// ISO 8601 only.
    pub fn iso() -> DateFormats {
        DateFormats {
            formats: Vec::new(),
            excel_serial: false,
        }
    }

    fn describe(&self) -> String {
        let mut parts = vec!["ISO 8601".to_string()];
        parts.extend(self.formats.iter().map(|f| f.text.clone()));
        if self.excel_serial {
            parts.push("Excel serial".to_string());
        }
        parts.join(", ")
    }
}

fn chrono_parse(items: &[Item<'static>], s: &str) -> Option<ChronoParsed> {
    let mut p = ChronoParsed::new();
    chrono::format::parse(&mut p, s, items.iter())
        .ok()
        .map(|_| p)
}

/// One format's reading of a cell: a local time, or an instant when the
/// format carries an offset.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Reading {
    Local(NaiveDateTime),
    Instant(DateTime<Utc>),
}

impl Reading {
    fn day(self) -> NaiveDate {
        match self {
            Reading::Local(n) => n.date(),
            Reading::Instant(u) => u.date_naive(),
        }
    }
}

/// A local (naive) or absolute reading of one format.
fn read_with(items: &[Item<'static>], s: &str) -> Option<Reading> {
    let p = chrono_parse(items, s)?;
    if p.offset.is_some() {
        return p
            .to_datetime()
            .ok()
            .map(|d| Reading::Instant(d.with_timezone(&Utc)));
    }
    match p.to_naive_datetime_with_offset(0) {
        Ok(dt) => Some(Reading::Local(dt)),
        Err(_) => p
            .to_naive_date()
            .ok()
            .map(|d| Reading::Local(d.and_time(NaiveTime::MIN))),
    }
}

fn fmt_day(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

/// Why no format read `s`: ambiguous D/M vs M/D, or an undeclared reading.
fn explain(s: &str, f: &DateFormats) -> ValueError {
    let date_part = s.split([' ', 'T']).next().unwrap_or(s);
    let mut hint = None;
    for (a, b) in FALLBACK_PAIRS {
        let read = |fmt: &str| NaiveDate::parse_from_str(date_part, fmt).ok();
        match (read(a), read(b)) {
            (Some(x), Some(y)) if x != y => {
                return ValueError::AmbiguousDate {
                    value: s.to_string(),
                    readings: vec![(a.to_string(), fmt_day(x)), (b.to_string(), fmt_day(y))],
                }
            }
            (Some(x), _) => {
                hint = Some(format!(
                    "it would read as {} with `{a}`, which is not declared",
                    fmt_day(x)
                ))
            }
            (None, Some(y)) => {
                hint = Some(format!(
                    "it would read as {} with `{b}`, which is not declared",
                    fmt_day(y)
                ))
            }
            (None, None) => continue,
        }
        break;
    }
    ValueError::NotDate {
        value: s.to_string(),
        expected: f.describe(),
        hint,
    }
}

/// Reads `s` with the declared formats; `Ok(None)` when none matches.
fn declared(s: &str, f: &DateFormats) -> Result<Option<(Reading, usize)>, ValueError> {
    for (i, fmt) in f.formats.iter().enumerate() {
        let Some(v) = read_with(&fmt.items, s) else {
            continue;
        };
        if let Some(j) = fmt.swap {
            if let Some(other) = read_with(&f.formats[j].items, s) {
                if other != v {
                    return Err(ValueError::AmbiguousDate {
                        value: s.to_string(),
                        readings: vec![
                            (fmt.text.clone(), fmt_day(v.day())),
                            (f.formats[j].text.clone(), fmt_day(other.day())),
                        ],
                    });
                }
            }
        }
        return Ok(Some((v, i)));
    }
    Ok(None)
}

/// A calendar date.
pub fn parse_date(s: &str, f: &DateFormats) -> Result<Parsed<NaiveDate>, ValueError> {
    let t = s.trim();
    if t.is_empty() {
        return Err(ValueError::Empty);
    }
    if is_zero_date(t) {
        return Err(ValueError::ZeroDate {
            value: t.to_string(),
        });
    }
    match iso_datetime(t) {
        Some(Some((dt, _))) => {
            return Ok(Parsed {
                value: dt.date(),
                via: Via::Iso,
            })
        }
        Some(None) => {
            return Err(ValueError::NotDate {
                value: t.to_string(),
                expected: f.describe(),
                hint: Some("no such day".into()),
            })
        }
        None => {}
    }
    if f.excel_serial {
        if let Some(dt) = excel_serial(t) {
            return Ok(Parsed {
                value: dt.date(),
                via: Via::ExcelSerial,
            });
        }
    }
    match declared(t, f)? {
        Some((reading, i)) => Ok(Parsed {
            value: reading.day(),
            via: Via::Declared(i),
        }),
        None => Err(explain(t, f)),
    }
}

/// A naive local time in `zone` → UTC, reporting DST gaps and overlaps.
pub fn localize(
    value: &str,
    naive: NaiveDateTime,
    zone: Zone,
    overlap: Overlap,
) -> Result<DateTime<Utc>, ValueError> {
    let tz = match zone {
        Zone::Utc => return Ok(naive.and_utc()),
        Zone::Tz(tz) => tz,
    };
    match tz.from_local_datetime(&naive) {
        LocalResult::Single(d) => Ok(d.with_timezone(&Utc)),
        LocalResult::None => Err(ValueError::DstGap {
            value: value.to_string(),
            zone: tz.name().to_string(),
        }),
        LocalResult::Ambiguous(a, b) => match overlap {
            Overlap::Earlier => Ok(a.with_timezone(&Utc)),
            Overlap::Later => Ok(b.with_timezone(&Utc)),
            Overlap::Reject => Err(ValueError::DstOverlap {
                value: value.to_string(),
                zone: tz.name().to_string(),
                earlier: a
                    .with_timezone(&Utc)
                    .format("%Y-%m-%d %H:%M:%S")
                    .to_string(),
                later: b
                    .with_timezone(&Utc)
                    .format("%Y-%m-%d %H:%M:%S")
                    .to_string(),
            }),
        },
    }
}

/// A point in time, in UTC; a naive ISO reading is in `zones.canonical`,
/// any other naive reading in `zones.local`.
pub fn parse_datetime(
    s: &str,
    f: &DateFormats,
    zones: impl Into<Zones>,
    overlap: Overlap,
) -> Result<Parsed<DateTime<Utc>>, ValueError> {
    let Zones {
        canonical,
        local: zone,
    } = zones.into();
    let t = s.trim();
    if t.is_empty() {
        return Err(ValueError::Empty);
    }
    if is_zero_date(t) {
        return Err(ValueError::ZeroDate {
            value: t.to_string(),
        });
    }
    match iso_datetime(t) {
        Some(Some((naive, Some(offset)))) => {
            let utc = naive - chrono::Duration::seconds(i64::from(offset));
            return Ok(Parsed {
                value: utc.and_utc(),
                via: Via::Iso,
            });
        }
        Some(Some((naive, None))) => {
            return Ok(Parsed {
                value: localize(t, naive, canonical, overlap)?,
                via: Via::Iso,
            })
        }
        Some(None) => {
            return Err(ValueError::NotDate {
                value: t.to_string(),
                expected: f.describe(),
                hint: Some("no such day or time".into()),
            })
        }
        None => {}
    }
    if f.excel_serial {
        if let Some(naive) = excel_serial(t) {
            return Ok(Parsed {
                value: localize(t, naive, zone, overlap)?,
                via: Via::ExcelSerial,
            });
        }
    }
    match declared(t, f)? {
        Some((Reading::Local(naive), i)) => Ok(Parsed {
            value: localize(t, naive, zone, overlap)?,
            via: Via::Declared(i),
        }),
        Some((Reading::Instant(utc), i)) => Ok(Parsed {
            value: utc,
            via: Via::Declared(i),
        }),
        None => Err(explain(t, f)),
    }
}

#[cfg(test)]
mod tests;
