//! The forms every date column accepts besides its declared formats.
//!
//! Input: a trimmed cell. Output: `None` when the cell is not of the form,
//! `Some(None)` when it is of the form but names no real day or time
//! (`2024-02-30`), `Some(Some(..))` with the reading otherwise. Invariants:
//! no allocation; ISO 8601 dates and datetimes (with or without an offset,
//! `T` or blank between), all-zero placeholders and Excel 1900-system serials.

use chrono::{NaiveDate, NaiveDateTime, NaiveTime};

/// A cell of zeros and separators: `0000-00-00`, `00.00.0000 00:00`.
pub(super) fn is_zero_date(s: &str) -> bool {
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
pub(super) fn iso_datetime(s: &str) -> Option<Option<(NaiveDateTime, Option<i32>)>> {
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
pub(super) fn excel_serial(s: &str) -> Option<NaiveDateTime> {
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
