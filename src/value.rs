//! Runtime values: what staged cells, expression results and payload fields are.
//!
//! Shared by `check` (literals, test fixtures), `stage` (typed cells) and
//! `runtime` (evaluation). Invariants: numbers are exact decimals (never
//! f64, so `round(72.345, 2)` is 72.35); ids, ZIP codes and phone numbers are
//! `Text`; datetimes are UTC.

use chrono::{DateTime, Datelike, NaiveDate, Timelike, Utc};
use rust_decimal::Decimal;
use serde::Serialize;
use std::cmp::Ordering;
use std::sync::Arc;

/// A reference to a staged source record: object index and row index.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct RecRef {
    pub object: u32,
    pub row: u32,
}

/// `repr(u64)`: a whole-word tag, payloads at offset 8, so moving a value
/// copies whole words (with a byte tag, moves copy bytes 1–7 in
/// overlapping pieces, which stalls the CPU; the size is 24 either way).
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(untagged)]
#[repr(u64)]
pub enum Value {
    Null,
    Bool(bool),
    Int(i64),
    Num(Decimal),
    Text(Arc<str>),
    Date(NaiveDate),
    DateTime(DateTime<Utc>),
    List(Arc<[Value]>),
    /// A source record (a relation's result); becomes a `refs` entry.
    Rec(RecRef),
    /// The record another target of the same fan-out produced (by index).
    Produced(u32),
    /// A placeholder record of the plan (by index).
    Placeholder(u32),
    /// An owner resolved to a destination user key (email or id).
    Owner(Arc<str>),
    /// `clear`: send an explicit empty value.
    Clear,
}

impl Value {
    pub fn text(s: &str) -> Value {
        Value::Text(Arc::from(s))
    }

    pub fn is_null(&self) -> bool {
        matches!(self, Value::Null)
    }

    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::Text(s) | Value::Owner(s) => Some(s),
            _ => None,
        }
    }

    /// A number as a decimal, for arithmetic that mixes ints and decimals.
    pub fn as_decimal(&self) -> Option<Decimal> {
        match self {
            Value::Int(i) => Some(Decimal::from(*i)),
            Value::Num(d) => Some(*d),
            _ => None,
        }
    }

    /// The value as text, the way it is written into a text field.
    pub fn to_text(&self) -> Option<String> {
        let mut out = String::new();
        self.write_text(&mut out).then_some(out)
    }

    /// Appends [`Value::to_text`]'s text to `out`; false (appending
    /// nothing) when the value has none. Dates and whole-second datetimes
    /// of years 0–9999 are written by hand: this runs per record.
    pub fn write_text(&self, out: &mut String) -> bool {
        use std::fmt::Write;
        match self {
            Value::Null | Value::Clear => return false,
            Value::Rec(_) | Value::Produced(_) | Value::Placeholder(_) => return false,
            Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
            Value::Int(i) => out.push_str(itoa::Buffer::new().format(*i)),
            Value::Num(d) => {
                let _ = write!(out, "{}", d.normalize());
            }
            Value::Text(s) | Value::Owner(s) => out.push_str(s),
            Value::Date(d) => {
                if !push_date(out, *d) {
                    let _ = write!(out, "{}", d.format("%Y-%m-%d"));
                }
            }
            Value::DateTime(t) => {
                let time = t.time();
                let start = out.len();
                if time.nanosecond() < 1_000_000_000 && push_date(out, t.date_naive()) {
                    out.push('T');
                    push2(out, time.hour());
                    out.push(':');
                    push2(out, time.minute());
                    out.push(':');
                    push2(out, time.second());
                    out.push('Z');
                } else {
                    out.truncate(start);
                    let _ = write!(out, "{}", t.format("%Y-%m-%dT%H:%M:%SZ"));
                }
            }
            Value::List(items) => {
                let mut first = true;
                for item in items.iter() {
                    let mark = out.len();
                    if !first {
                        out.push(';');
                    }
                    if item.write_text(out) {
                        first = false;
                    } else {
                        out.truncate(mark);
                    }
                }
            }
        }
        true
    }

    /// A total order used by `min`, `max`, `latest`, sorting and comparisons.
    /// Values of different kinds order by kind; null sorts first.
    pub fn total_cmp(&self, other: &Value) -> Ordering {
        use Value::*;
        match (self, other) {
            (Int(a), Int(b)) => a.cmp(b),
            (Int(_) | Num(_), Int(_) | Num(_)) => self.as_decimal().cmp(&other.as_decimal()),
            (Text(a), Text(b)) => a.cmp(b),
            (Bool(a), Bool(b)) => a.cmp(b),
            (Date(a), Date(b)) => a.cmp(b),
            (DateTime(a), DateTime(b)) => a.cmp(b),
            (Date(a), DateTime(b)) => a.and_hms_opt(0, 0, 0).map(|x| x.and_utc()).cmp(&Some(*b)),
            (DateTime(a), Date(b)) => Some(*a).cmp(&b.and_hms_opt(0, 0, 0).map(|x| x.and_utc())),
            (List(a), List(b)) => {
                for (x, y) in a.iter().zip(b.iter()) {
                    let o = x.total_cmp(y);
                    if o != Ordering::Equal {
                        return o;
                    }
                }
                a.len().cmp(&b.len())
            }
            (Rec(a), Rec(b)) => a.cmp(b),
            _ => self.rank().cmp(&other.rank()),
        }
    }

    fn rank(&self) -> u8 {
        match self {
            Value::Null => 0,
            Value::Clear => 1,
            Value::Bool(_) => 2,
            Value::Int(_) | Value::Num(_) => 3,
            Value::Text(_) | Value::Owner(_) => 4,
            Value::Date(_) | Value::DateTime(_) => 5,
            Value::List(_) => 6,
            Value::Rec(_) | Value::Produced(_) | Value::Placeholder(_) => 7,
        }
    }

    /// Equality used by `==`, `in`, value maps and table keys: numbers compare
    /// by value (`1 == 1.0`), everything else structurally.
    pub fn loose_eq(&self, other: &Value) -> bool {
        match (self, other) {
            (Value::Int(_) | Value::Num(_), Value::Int(_) | Value::Num(_)) => {
                self.as_decimal() == other.as_decimal()
            }
            _ => self == other,
        }
    }
}

/// `YYYY-MM-DD` for years 0–9999 (false, appending nothing, otherwise).
fn push_date(out: &mut String, d: NaiveDate) -> bool {
    let y = d.year();
    if !(0..10_000).contains(&y) {
        return false;
    }
    push2(out, y as u32 / 100);
    push2(out, y as u32 % 100);
    out.push('-');
    push2(out, d.month());
    out.push('-');
    push2(out, d.day());
    true
}

fn push2(out: &mut String, n: u32) {
    out.push(char::from(b'0' + (n / 10 % 10) as u8));
    out.push(char::from(b'0' + (n % 10) as u8));
}

impl From<&str> for Value {
    fn from(s: &str) -> Self {
        Value::text(s)
    }
}

impl From<i64> for Value {
    fn from(i: i64) -> Self {
        Value::Int(i)
    }
}

impl From<bool> for Value {
    fn from(b: bool) -> Self {
        Value::Bool(b)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn values_stay_three_words() {
        assert_eq!(std::mem::size_of::<Value>(), 24);
    }
    use rust_decimal::Decimal;

    #[test]
    fn texts_are_what_chrono_and_display_write() {
        let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
        let at = Utc.with_ymd_and_hms(2024, 3, 5, 8, 15, 9).unwrap();
        for (v, want) in [
            (Value::Date(day(2024, 3, 5)), "2024-03-05".to_string()),
            (
                Value::Date(day(7, 1, 9)),
                day(7, 1, 9).format("%Y-%m-%d").to_string(),
            ),
            (
                Value::Date(day(-44, 3, 15)),
                day(-44, 3, 15).format("%Y-%m-%d").to_string(),
            ),
            (
                Value::Date(day(12024, 3, 15)),
                day(12024, 3, 15).format("%Y-%m-%d").to_string(),
            ),
            (Value::DateTime(at), "2024-03-05T08:15:09Z".to_string()),
            (
                Value::DateTime(at + chrono::Duration::milliseconds(5)),
                "2024-03-05T08:15:09Z".to_string(),
            ),
            (Value::Num(Decimal::new(72300, 3)), "72.3".to_string()),
            (Value::Int(-42), "-42".to_string()),
            (
                Value::List(vec![Value::Null, Value::text("a"), Value::Null, Value::Int(2)].into()),
                "a;2".to_string(),
            ),
        ] {
            assert_eq!(v.to_text(), Some(want), "{v:?}");
        }
        assert_eq!(Value::Null.to_text(), None);
        assert_eq!(
            Value::List(Vec::new().into()).to_text(),
            Some(String::new())
        );
    }
}
