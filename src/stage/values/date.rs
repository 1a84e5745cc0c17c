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

use super::ValueError;
use chrono::format::{Item, Parsed as ChronoParsed, StrftimeItems};
use chrono::{DateTime, LocalResult, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Utc};

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

/// A cell of zeros and separators: `0000-00-00`, `00.00.0000 00:00`.
fn is_zero_date(s: &str) -> bool {
    s.bytes().any(|b| b == b'0')
        && s.bytes()
            .all(|b| matches!(b, b'0' | b'-' | b'.' | b'/' | b':' | b' ' | b'T'))
}

fn num(b: &[u8]) -> Option<u32> {
    if b.is_empty() || !b.iter().all(u8::is_ascii_digit) {
        return None;
    }
    Some(b.iter().fold(0u32, |a, &d| a * 10 + u32::from(d - b'0')))
}

/// `YYYY-MM-DD`.
fn iso_date(s: &[u8]) -> Option<Option<NaiveDate>> {
    if s.len() != 10 || s[4] != b'-' || s[7] != b'-' {
        return None;
    }
    let (y, m, d) = (num(&s[..4])?, num(&s[5..7])?, num(&s[8..])?);
    Some(NaiveDate::from_ymd_opt(y as i32, m, d))
}

/// `YYYY-MM-DD[(T| )HH:MM[:SS[.fff]]][ ][Z|±HH[:MM]]`: the local reading and
/// the offset in seconds when one is given. `Some(None)` is ISO-shaped but
/// not a real date or time.
fn iso_datetime(s: &str) -> Option<Option<(NaiveDateTime, Option<i32>)>> {
    let b = s.as_bytes();
    if b.len() < 10 {
        return None;
    }
    let date = iso_date(&b[..10])?;
    let Some(date) = date else { return Some(None) };
    let rest = &b[10..];
    if rest.is_empty() {
        return Some(Some((date.and_time(NaiveTime::MIN), None)));
    }
    if !matches!(rest[0], b'T' | b't' | b' ') || rest.len() < 6 || rest[3] != b':' {
        return None;
    }
    let (h, mi) = (num(&rest[1..3])?, num(&rest[4..6])?);
    let mut i = 6;
    let (mut sec, mut nano) = (0, 0);
    if rest.len() >= 9 && rest[6] == b':' {
        sec = num(&rest[7..9])?;
        i = 9;
        if i < rest.len() && (rest[i] == b'.' || rest[i] == b',') {
            let start = i + 1;
            let mut end = start;
            while end < rest.len() && rest[end].is_ascii_digit() {
                end += 1;
            }
            let digits = &rest[start..end.min(start + 9)];
            nano = num(digits)? * 10u32.pow(9 - digits.len() as u32);
            i = end;
        }
    }
    let Some(time) = NaiveTime::from_hms_nano_opt(h, mi, sec, nano) else {
        return Some(None);
    };
    let mut tail = &rest[i..];
    if tail.first() == Some(&b' ') {
        tail = &tail[1..];
    }
    let offset = match tail {
        [] => None,
        [b'Z' | b'z'] => Some(0),
        [sign @ (b'+' | b'-'), r @ ..] => {
            let (oh, om) = match r {
                [a, b] => (num(&[*a, *b])?, 0),
                [a, b, b':', c, d] | [a, b, c, d] => (num(&[*a, *b])?, num(&[*c, *d])?),
                _ => return None,
            };
            let secs = (oh * 3600 + om * 60) as i32;
            Some(if *sign == b'-' { -secs } else { secs })
        }
        _ => return None,
    };
    Some(Some((date.and_time(time), offset)))
}

/// `45356` or `45356.5`: Excel's 1900 date system (day 1 = 1900-01-01,
/// with Excel's phantom 1900-02-29, so day 61 onwards is 1899-12-30 + n).
fn excel_serial(s: &str) -> Option<NaiveDateTime> {
    let (int, frac) = match s.split_once(['.', ',']) {
        Some((i, f)) => (i, f),
        None => (s, ""),
    };
    if int.len() != 5 || frac.len() > 9 {
        return None;
    }
    let days = num(int.as_bytes())?;
    let base = NaiveDate::from_ymd_opt(1899, 12, 30)?.and_time(NaiveTime::MIN);
    let mut secs = 0i64;
    if !frac.is_empty() {
        let f = i64::from(num(frac.as_bytes())?);
        let scale = 10i64.pow(frac.len() as u32);
        secs = (f * 86_400 + scale / 2) / scale;
    }
    base.checked_add_signed(
        chrono::Duration::days(i64::from(days)) + chrono::Duration::seconds(secs),
    )
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
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn utc(s: &str) -> DateTime<Utc> {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S")
            .unwrap()
            .and_utc()
    }

    fn danish() -> DateFormats {
        DateFormats::new(&["%d-%m-%Y", "%d.%m.%Y"], true).unwrap()
    }

    fn cph() -> Zone {
        Zone::parse("Europe/Copenhagen").unwrap()
    }

    #[test]
    fn iso_is_always_accepted() {
        let f = DateFormats::iso();
        assert_eq!(
            parse_date("2024-03-05", &f),
            Ok(Parsed {
                value: day(2024, 3, 5),
                via: Via::Iso
            })
        );
        assert_eq!(
            parse_date(" 2024-03-05T08:15:00Z ", &f).map(|p| p.value),
            Ok(day(2024, 3, 5))
        );
        assert!(matches!(
            parse_date("2024-02-30", &f),
            Err(ValueError::NotDate { .. })
        ));
    }

    #[test]
    fn declared_formats_in_order() {
        let f = danish();
        assert_eq!(
            parse_date("05-03-2024", &f),
            Ok(Parsed {
                value: day(2024, 3, 5),
                via: Via::Declared(0)
            })
        );
        assert_eq!(
            parse_date("05.03.2024", &f),
            Ok(Parsed {
                value: day(2024, 3, 5),
                via: Via::Declared(1)
            })
        );
        assert_eq!(
            parse_date("5.3.2024", &f).map(|p| p.value),
            Ok(day(2024, 3, 5))
        );
        assert_eq!(
            DateFormats::new(&["%Q"], false).err(),
            Some("`%Q` is not a valid date format".to_string())
        );
    }

    #[test]
    fn excel_serials() {
        let f = danish();
        assert_eq!(
            parse_date("45356", &f),
            Ok(Parsed {
                value: day(2024, 3, 5),
                via: Via::ExcelSerial
            })
        );
        assert_eq!(
            parse_datetime("45356.5", &f, Zone::Utc, Overlap::Reject).map(|p| p.value),
            Ok(utc("2024-03-05 12:00:00"))
        );
        // Without Excel support, or as a 4-digit "year", a number is not a date.
        assert!(matches!(
            parse_date("45356", &DateFormats::iso()),
            Err(ValueError::NotDate { .. })
        ));
        assert!(matches!(
            parse_date("2024", &f),
            Err(ValueError::NotDate { .. })
        ));
    }

    #[test]
    fn ambiguous_dates_are_reported_not_guessed() {
        let f = danish();
        let e = parse_date("03/05/2024", &f).unwrap_err();
        assert_eq!(
            e,
            ValueError::AmbiguousDate {
                value: "03/05/2024".into(),
                readings: vec![
                    ("%d/%m/%Y".into(), "2024-05-03".into()),
                    ("%m/%d/%Y".into(), "2024-03-05".into())
                ],
            }
        );
        // Only one reading exists: still not accepted, but the hint says how it would read.
        match parse_date("13/5/2024", &f) {
            Err(ValueError::NotDate { hint: Some(h), .. }) => {
                assert!(h.contains("2024-05-13"), "{h}")
            }
            other => panic!("{other:?}"),
        }
        // A declared format settles it.
        let dk = DateFormats::new(&["%d/%m/%Y"], false).unwrap();
        assert_eq!(
            parse_date("03/05/2024", &dk).map(|p| p.value),
            Ok(day(2024, 5, 3))
        );
        // Both orders declared: ambiguous again, unless the readings agree.
        let both = DateFormats::new(&["%d/%m/%Y", "%m/%d/%Y"], false).unwrap();
        assert!(matches!(
            parse_date("03/05/2024", &both),
            Err(ValueError::AmbiguousDate { .. })
        ));
        assert_eq!(
            parse_date("05/05/2024", &both).map(|p| p.value),
            Ok(day(2024, 5, 5))
        );
        assert_eq!(
            parse_date("13/05/2024", &both).map(|p| p.value),
            Ok(day(2024, 5, 13))
        );
    }

    #[test]
    fn zero_dates() {
        let f = danish();
        for z in ["0000-00-00", "0000-00-00 00:00:00", "00.00.0000"] {
            assert_eq!(
                parse_date(z, &f),
                Err(ValueError::ZeroDate { value: z.into() })
            );
        }
        assert!(matches!(
            parse_datetime("0000-00-00 00:00:00", &f, Zone::Utc, Overlap::Reject),
            Err(ValueError::ZeroDate { .. })
        ));
    }

    #[test]
    fn datetimes_with_offsets_and_zones() {
        let f = DateFormats::new(&["%d-%m-%Y %H:%M", "%d.%m.%Y %H:%M"], true).unwrap();
        let p = |s| parse_datetime(s, &f, cph(), Overlap::Reject).map(|p| p.value);
        assert_eq!(p("2024-03-05T08:15:00Z"), Ok(utc("2024-03-05 08:15:00")));
        assert_eq!(
            p("2024-03-05 09:15:00+01:00"),
            Ok(utc("2024-03-05 08:15:00"))
        );
        assert_eq!(
            p("2024-03-05 09:15:00.250 +0100").map(|d| d.timestamp_subsec_millis()),
            Ok(250)
        );
        // Naive local times are Copenhagen time: CET in winter, CEST in summer.
        assert_eq!(p("05-03-2024 09:15"), Ok(utc("2024-03-05 08:15:00")));
        assert_eq!(p("05.07.2024 09:15"), Ok(utc("2024-07-05 07:15:00")));
        assert_eq!(p("2024-07-05 09:15:00"), Ok(utc("2024-07-05 07:15:00")));
        let utc_col =
            parse_datetime("2024-07-05 09:15:00", &f, Zone::Utc, Overlap::Reject).map(|p| p.value);
        assert_eq!(utc_col, Ok(utc("2024-07-05 09:15:00")));
        assert!(matches!(
            p("2024-13-05 09:15:00"),
            Err(ValueError::NotDate { .. })
        ));
        assert!(matches!(
            p("03/05/2024 09:15"),
            Err(ValueError::AmbiguousDate { .. })
        ));
    }

    #[test]
    fn canonical_naive_times_are_in_the_descriptor_zone() {
        // actimo-export.md §4.0: API-style `YYYY-MM-DD HH:MM:SS` is UTC, UI
        // exports (`DD-MM-YYYY HH:MM`) are Copenhagen local time.
        let f = DateFormats::new(&["%d-%m-%Y %H:%M"], true).unwrap();
        let zones = Zones {
            canonical: Zone::Utc,
            local: cph(),
        };
        let p = |s| parse_datetime(s, &f, zones, Overlap::Reject).map(|p| p.value);
        assert_eq!(p("2022-10-03 10:48:31"), Ok(utc("2022-10-03 10:48:31")));
        assert_eq!(p("2022-10-03T10:48:31"), Ok(utc("2022-10-03 10:48:31")));
        assert_eq!(p("03-10-2022 10:48"), Ok(utc("2022-10-03 08:48:00")));
        assert_eq!(p("45356.5"), Ok(utc("2024-03-05 11:00:00")));
        assert_eq!(
            p("2022-10-03 10:48:31+02:00"),
            Ok(utc("2022-10-03 08:48:31"))
        );
        // A canonical UTC value never falls in a DST gap; a local one does.
        assert_eq!(p("2024-03-31 02:30:00"), Ok(utc("2024-03-31 02:30:00")));
        assert!(matches!(
            p("31-03-2024 02:30"),
            Err(ValueError::DstGap { .. })
        ));
    }

    #[test]
    fn dst_gaps_and_overlaps_are_reported() {
        let f = DateFormats::new(&["%d-%m-%Y %H:%M"], false).unwrap();
        assert_eq!(
            parse_datetime("31-03-2024 02:30", &f, cph(), Overlap::Reject),
            Err(ValueError::DstGap {
                value: "31-03-2024 02:30".into(),
                zone: "Europe/Copenhagen".into()
            })
        );
        assert_eq!(
            parse_datetime("29-10-2023 02:30", &f, cph(), Overlap::Reject),
            Err(ValueError::DstOverlap {
                value: "29-10-2023 02:30".into(),
                zone: "Europe/Copenhagen".into(),
                earlier: "2023-10-29 00:30:00".into(),
                later: "2023-10-29 01:30:00".into(),
            })
        );
        assert_eq!(
            parse_datetime("29-10-2023 02:30", &f, cph(), Overlap::Later).map(|p| p.value),
            Ok(utc("2023-10-29 01:30:00"))
        );
        assert_eq!(Zone::parse("Mars/Olympus"), None);
    }
}
