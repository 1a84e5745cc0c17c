//! Value maps and lookup tables prepared for constant-time matching.
//!
//! Input: `plan.value_maps` and `plan.tables`. Output: [`Lookups`], owned by
//! the [`Dataset`](super::Dataset).
//!
//! Matching rules (documented in docs/language.md by the lead):
//! - value maps: a text key matches an arm key after trimming both, first
//!   exactly, then case-insensitively (Unicode lowercase), because source
//!   enums arrive as `Active`/`active`/`ACTIVE `; numbers match by value
//!   (`1` = `1.0`); other keys (booleans, dates, `null`) by `loose_eq`.
//!   When several arms list the same key the first arm wins.
//! - lookup tables: the key's text (trimmed) must equal the key cell
//!   (trimmed) exactly — case-sensitive, first row wins — because table
//!   keys are names chosen by the analyst, and a silent case-fold could join
//!   `"ACME"` and `"Acme"` that the table keeps apart. Empty cells are null.

use super::eval::NULL;
use crate::plan::Plan;
use crate::value::Value;
use rust_decimal::Decimal;
use std::sync::Arc;

#[derive(Debug, Default)]
pub(crate) struct Lookups {
    pub(crate) maps: Vec<MapIndex>,
    pub(crate) tables: Vec<TableIndex>,
}

impl Lookups {
    pub(crate) fn new(plan: &Plan) -> Lookups {
        Lookups {
            maps: plan
                .value_maps
                .iter()
                .map(|m| MapIndex::new(m.arms.iter().map(|(keys, _)| keys.as_slice())))
                .collect(),
            tables: plan
                .tables
                .iter()
                .map(|t| TableIndex::new(&t.rows, t.key_column, t.columns.len()))
                .collect(),
        }
    }
}

/// Maps with at most this many distinct text keys are searched in order.
const FEW: usize = 8;

/// Arm lookup for one value map.
#[derive(Debug, Default)]
pub(crate) struct MapIndex {
    exact: foldhash::HashMap<Box<str>, u32>,
    /// `exact` as a list, first arm first, when it is short: comparing a
    /// few texts is cheaper than hashing one (most maps list a handful).
    few: Option<Vec<(Box<str>, u32)>>,
    folded: foldhash::HashMap<Box<str>, u32>,
    numbers: foldhash::HashMap<Decimal, u32>,
    others: Vec<(Value, u32)>,
}

impl MapIndex {
    fn new<'a>(arms: impl Iterator<Item = &'a [Value]>) -> MapIndex {
        let mut m = MapIndex::default();
        for (arm, keys) in arms.enumerate() {
            let arm = arm as u32;
            for k in keys {
                match k {
                    Value::Text(s) => {
                        m.exact.entry(s.trim().into()).or_insert(arm);
                        m.folded
                            .entry(s.trim().to_lowercase().into())
                            .or_insert(arm);
                    }
                    Value::Int(_) | Value::Num(_) => {
                        if let Some(d) = k.as_decimal() {
                            m.numbers.entry(d).or_insert(arm);
                        }
                    }
                    other => m.others.push((other.clone(), arm)),
                }
            }
        }
        if m.exact.len() <= FEW {
            let mut few: Vec<(Box<str>, u32)> =
                m.exact.iter().map(|(k, &arm)| (k.clone(), arm)).collect();
            few.sort_by_key(|&(_, arm)| arm);
            m.few = Some(few);
        }
        m
    }

    /// The arm listing exactly the (trimmed) text `t`.
    #[inline]
    fn exact(&self, t: &str) -> Option<u32> {
        match &self.few {
            Some(few) => few
                .iter()
                .find(|(k, _)| k.len() == t.len() && **k == *t)
                .map(|&(_, arm)| arm),
            None => self.exact.get(t).copied(),
        }
    }

    /// The arm listing `key`; `scratch` holds the lowercased key on the slow path.
    pub(crate) fn find(&self, key: &Value, scratch: &mut String) -> Option<u32> {
        match key {
            Value::Text(s) => self.find_text(s, scratch),
            Value::Int(_) | Value::Num(_) => {
                key.as_decimal().and_then(|d| self.numbers.get(&d).copied())
            }
            other => self
                .others
                .iter()
                .find(|(k, _)| k.loose_eq(other))
                .map(|&(_, arm)| arm),
        }
    }

    /// The arm listing the text `s` (see [`MapIndex::find`]).
    pub(crate) fn find_text(&self, s: &str, scratch: &mut String) -> Option<u32> {
        let t = super::builtins::text::trim_str(s);
        if let Some(arm) = self.exact(t) {
            return Some(arm);
        }
        if self.folded.is_empty() {
            return None;
        }
        scratch.clear();
        if t.is_ascii() {
            scratch.push_str(t);
            scratch.make_ascii_lowercase();
        } else {
            scratch.extend(t.chars().flat_map(char::to_lowercase));
        }
        self.folded.get(scratch.as_str()).copied()
    }
}

/// Rows of one lookup table by key, cells ready to hand out.
#[derive(Debug, Default)]
pub(crate) struct TableIndex {
    by_key: foldhash::HashMap<Box<str>, u32>,
    rows: Vec<Vec<Value>>,
    /// The whole row as a list value (for a bare `table[k]`).
    whole: Vec<Value>,
}

impl TableIndex {
    fn new(rows: &[Vec<String>], key_column: u32, width: usize) -> TableIndex {
        let mut t = TableIndex::default();
        for (i, row) in rows.iter().enumerate() {
            let cells: Vec<Value> = (0..width.max(row.len()))
                .map(|c| match row.get(c).map(|s| s.trim()) {
                    Some(s) if !s.is_empty() => Value::Text(Arc::from(s)),
                    _ => Value::Null,
                })
                .collect();
            if let Some(k) = row.get(key_column as usize) {
                t.by_key.entry(k.trim().into()).or_insert(i as u32);
            }
            t.whole.push(Value::List(Arc::from(cells.clone())));
            t.rows.push(cells);
        }
        t
    }

    #[cfg(test)]
    fn find(&self, key: &Value, scratch: &mut String) -> Option<usize> {
        self.find_text(super::keys::key_text(key, scratch)?)
    }

    /// The row whose key is `k` (already trimmed).
    pub(crate) fn find_text(&self, k: &str) -> Option<usize> {
        self.by_key.get(k).map(|&r| r as usize)
    }

    /// Cell `column` of row `r` (null when missing).
    pub(crate) fn cell_at(&self, r: usize, column: u32) -> &Value {
        self.rows
            .get(r)
            .and_then(|row| row.get(column as usize))
            .unwrap_or(&NULL)
    }

    /// Row `r` as a list value (null when missing).
    pub(crate) fn whole_at(&self, r: usize) -> &Value {
        self.whole.get(r).unwrap_or(&NULL)
    }

    /// `table[key].col`: the cell, or null when the row or cell is missing.
    #[cfg(test)]
    pub(crate) fn cell(&self, key: &Value, column: u32, scratch: &mut String) -> Value {
        self.find(key, scratch)
            .and_then(|r| self.rows[r].get(column as usize).cloned())
            .unwrap_or(Value::Null)
    }

    /// `table[key]`: the row as a list of cells, or null.
    #[cfg(test)]
    pub(crate) fn row(&self, key: &Value, scratch: &mut String) -> Value {
        self.find(key, scratch)
            .map_or(Value::Null, |r| self.whole[r].clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn map() -> MapIndex {
        let arms = [
            vec![Value::text("Active"), Value::text("Aktiv ")],
            vec![Value::Int(1), Value::text("active")],
            vec![Value::Bool(true)],
        ];
        MapIndex::new(arms.iter().map(Vec::as_slice))
    }

    #[test]
    fn text_keys_match_trimmed_then_case_insensitively() {
        let (m, mut s) = (map(), String::new());
        assert_eq!(m.find(&Value::text(" Aktiv"), &mut s), Some(0));
        assert_eq!(m.find(&Value::text("ACTIVE"), &mut s), Some(0));
        // An exact match beats a case-insensitive one in an earlier arm.
        assert_eq!(m.find(&Value::text("active"), &mut s), Some(1));
        assert_eq!(m.find(&Value::text("ÅBEN"), &mut s), None);
    }

    #[test]
    fn long_maps_match_as_short_ones() {
        let arms: Vec<Vec<Value>> = (0..12)
            .map(|i| {
                vec![
                    Value::text(&format!("Key{i}")),
                    Value::text(&format!("key{}", i % 3)),
                ]
            })
            .collect();
        let long = MapIndex::new(arms.iter().map(Vec::as_slice));
        let short = MapIndex::new(arms[..2].iter().map(Vec::as_slice));
        assert!(long.few.is_none() && short.few.is_some());
        let mut s = String::new();
        for m in [&long, &short] {
            assert_eq!(m.find_text(" Key1 ", &mut s), Some(1));
            // `key1` is listed by arms 1, 4, 7 and 10: the first wins.
            assert_eq!(m.find_text("key1", &mut s), Some(1));
            assert_eq!(m.find_text("KEY0", &mut s), Some(0), "case-insensitive");
            assert_eq!(m.find_text("nope", &mut s), None);
        }
        assert_eq!(long.find_text("key11", &mut s), Some(11));
        assert_eq!(short.find_text("key11", &mut s), None);
    }

    #[test]
    fn numbers_match_by_value_and_others_loosely() {
        let (m, mut s) = (map(), String::new());
        let one = Value::Num(Decimal::new(10, 1));
        assert_eq!(m.find(&one, &mut s), Some(1));
        assert_eq!(m.find(&Value::Bool(true), &mut s), Some(2));
        assert_eq!(m.find(&Value::Bool(false), &mut s), None);
        assert_eq!(m.find(&Value::Null, &mut s), None);
    }

    #[test]
    fn tables_match_exactly_and_empty_cells_are_null() {
        let rows = vec![
            vec!["Acme".to_string(), "Manufacturing".to_string()],
            vec![" Nordisk ".to_string(), "".to_string()],
            vec!["Acme".to_string(), "Duplicate".to_string()],
        ];
        let (t, mut s) = (TableIndex::new(&rows, 0, 2), String::new());
        assert_eq!(
            t.cell(&Value::text("Acme "), 1, &mut s),
            Value::text("Manufacturing")
        );
        assert_eq!(t.cell(&Value::text("acme"), 1, &mut s), Value::Null);
        assert_eq!(t.cell(&Value::text("Nordisk"), 1, &mut s), Value::Null);
        assert_eq!(
            t.row(&Value::text("Nordisk"), &mut s),
            Value::List(Arc::from(vec![Value::text("Nordisk"), Value::Null]))
        );
        assert_eq!(t.row(&Value::Null, &mut s), Value::Null);
    }
}
