//! Runtime values: what staged cells, expression results and payload fields are.
//!
//! Shared by `check` (literals, test fixtures), `stage` (typed cells) and
//! `runtime` (evaluation). Invariants: numbers are exact decimals (never
//! f64, so `round(72.345, 2)` is 72.35); ids, ZIP codes and phone numbers are
//! `Text`; datetimes are UTC.

use chrono::{DateTime, NaiveDate, Utc};
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

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(untagged)]
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
        Some(match self {
            Value::Null | Value::Clear => return None,
            Value::Bool(b) => b.to_string(),
            Value::Int(i) => i.to_string(),
            Value::Num(d) => d.normalize().to_string(),
            Value::Text(s) | Value::Owner(s) => s.to_string(),
            Value::Date(d) => d.format("%Y-%m-%d").to_string(),
            Value::DateTime(t) => t.format("%Y-%m-%dT%H:%M:%SZ").to_string(),
            Value::List(items) => {
                let parts: Vec<String> = items.iter().filter_map(Value::to_text).collect();
                parts.join(";")
            }
            Value::Rec(_) | Value::Produced(_) | Value::Placeholder(_) => return None,
        })
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
