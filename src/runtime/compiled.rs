//! Compiled field expressions: the shapes most payload fields have,
//! recognised once per run and evaluated straight from the cells.
//!
//! Input: a field's [`TExpr`] (and the plan's value maps), then per record
//! a [`RecRef`] of a [`Dataset`]. Output: an [`Op`] (or `None`: the
//! expression is not one of these shapes), then per record a [`Got`]: null,
//! a text, or [`Got::Bail`].
//!
//! The shapes: a text literal; a column; `trim`, `lower` or `upper` of
//! one of these, or `truncate`/`left` by a literal length; `a ?? b` of
//! two (`skip(…)` as `b` bails); a value map keyed by one; a date
//! `format` of a column with a `%d.%m.%Y`-like pattern; a table lookup
//! keyed by one; a to-one relation (the related record, or an op on it).
//!
//! Invariants: a value (a text, a cell, a related record) or null is
//! exactly what `Ctx::eval` gives for the same record; whenever that is
//! not certain — a text function of a cell that is not text, a value-map
//! miss or skip, a year chrono must write, a case change of a made text,
//! a relation that cannot be followed — the op bails and the caller
//! hands the record to the general evaluator. Value-map counts are only
//! collected in [`OpState::hits`]; the caller adds them to the coverage
//! once the record is kept, so a record that bails is counted once, by the
//! general evaluator.

use super::builtins::datefmt::DatePattern;
use super::builtins::text;
use super::Dataset;
use crate::plan::{Func, Outcome, Plan, RelKind, TExpr, TExprKind};
use crate::value::{RecRef, Value};

/// A compiled expression.
#[derive(Debug)]
pub(crate) enum Op<'p> {
    Lit(&'p str),
    Null,
    /// A literal that is not a text (a number, a boolean…).
    Const(&'p Value),
    Column(u32),
    Case(Case, Box<Op<'p>>),
    Coalesce(Box<Op<'p>>, Box<Op<'p>>),
    Map {
        map: u32,
        key: Box<Op<'p>>,
        arms: Vec<Arm<'p>>,
    },
    Date {
        column: u32,
        pattern: DatePattern,
    },
    Table {
        table: u32,
        key: Box<Op<'p>>,
        column: u32,
    },
    /// `concat(a, b, …)`: the arguments' texts, null as nothing.
    Concat(Vec<Op<'p>>),
    /// `truncate(x, n)` / `left(x, n)`: the first `n` characters.
    Left(Box<Op<'p>>, usize),
    /// A to-one relation: the related record, or `then` on it.
    Hop {
        rel: u32,
        then: Option<Box<Op<'p>>>,
    },
    /// `skip(…)` (as the last resort of a `??`): the general evaluator's.
    Bail,
}

#[derive(Clone, Copy, Debug)]
pub(crate) enum Case {
    Trim,
    Lower,
    Upper,
}

/// What a value map's arm gives.
#[derive(Debug)]
pub(crate) enum Arm<'p> {
    Text(&'p str),
    Null,
    /// `=> keep`: the key itself.
    Keep,
    /// Anything else (a skip, a value that is not text).
    Bail,
}

/// One op's result for one record.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum Got<'s> {
    Null,
    /// A text of the dataset or the plan.
    Str(&'s str),
    /// `OpState::text[a..b]`: a text the op made.
    Buf(usize, usize),
    /// A cell that is not a text (a number, a date, a list…), as it is.
    Val(&'s Value),
    /// A related record (sent as a reference).
    Rec(RecRef),
    /// Not certain: leave the record to the general evaluator.
    Bail,
}

/// Per-thread scratch of the ops, cleared per record by [`OpState::begin`].
#[derive(Debug, Default)]
pub(crate) struct OpState {
    pub(crate) text: String,
    fold: String,
    /// A `concat` being built (its arguments may be in `text`).
    cat: String,
    /// Value-map lookups of the record: (map, matched arm or `None` for a
    /// null key), to add to the coverage if the record is kept.
    pub(crate) hits: Vec<(u32, Option<u32>)>,
}

impl OpState {
    pub(crate) fn begin(&mut self) {
        self.text.clear();
        self.hits.clear();
    }

    /// The scratch text that [`Got::Buf`] ranges index (the arena a
    /// conversion of them writes into).
    pub(crate) fn arena(&mut self) -> &mut String {
        &mut self.text
    }

    /// The text of a [`Got::Str`] or [`Got::Buf`].
    #[inline]
    pub(crate) fn resolve<'s>(&'s self, got: Got<'s>) -> Option<&'s str> {
        match got {
            Got::Str(s) => Some(s),
            Got::Buf(a, b) => self.text.get(a..b),
            Got::Null | Got::Bail | Got::Val(_) | Got::Rec(_) => None,
        }
    }

    /// Adds the record's value-map counts to `coverage`.
    pub(crate) fn count(&self, coverage: &mut super::Coverage) {
        // A chunk takes the coverage it counted, leaving it empty: grow it
        // as `Ctx::map_ref` does.
        for &(map, arm) in &self.hits {
            let maps = &mut coverage.maps;
            if maps.len() <= map as usize {
                maps.resize_with(map as usize + 1, Default::default);
            }
            let m = &mut maps[map as usize];
            match arm {
                None => m.nulls += 1,
                Some(arm) => {
                    if m.hits.len() <= arm as usize {
                        m.hits.resize(arm as usize + 1, 0);
                    }
                    m.hits[arm as usize] += 1;
                }
            }
        }
    }
}

impl<'p> Op<'p> {
    /// `e` compiled, when it is one of the shapes this module knows.
    pub(crate) fn new(e: &'p TExpr, plan: &'p Plan) -> Option<Op<'p>> {
        use TExprKind as K;
        Some(match &e.kind {
            K::Lit(Value::Text(s)) => Op::Lit(s),
            K::Lit(Value::Null) => Op::Null,
            K::Lit(v) => Op::Const(v),
            K::Column(c) => Op::Column(*c),
            K::Coalesce(a, b) => {
                Op::Coalesce(Box::new(Op::new(a, plan)?), Box::new(Op::new(b, plan)?))
            }
            K::Call { func, args } => match (func, args.as_slice()) {
                (Func::Trim, [x]) => Op::Case(Case::Trim, Box::new(Op::new(x, plan)?)),
                (Func::Lower, [x]) => Op::Case(Case::Lower, Box::new(Op::new(x, plan)?)),
                (Func::Upper, [x]) => Op::Case(Case::Upper, Box::new(Op::new(x, plan)?)),
                (Func::Concat, args) => Op::Concat(
                    args.iter()
                        .map(|a| Op::new(a, plan))
                        .collect::<Option<Vec<_>>>()?,
                ),
                (Func::Truncate | Func::Left, [x, n]) => match &n.kind {
                    K::Lit(Value::Int(n)) if *n >= 0 => {
                        Op::Left(Box::new(Op::new(x, plan)?), usize::try_from(*n).ok()?)
                    }
                    _ => return None,
                },
                (Func::Format, [x, p]) => match (&x.kind, &p.kind) {
                    (K::Column(c), K::Lit(Value::Text(p))) => Op::Date {
                        column: *c,
                        pattern: DatePattern::new(p)?,
                    },
                    _ => return None,
                },
                _ => return None,
            },
            K::ValueMap { map, key } => {
                let m = plan.value_maps.get(*map as usize)?;
                let arms = m
                    .arms
                    .iter()
                    .map(|(_, o)| match o {
                        Outcome::Value(Value::Text(s)) => Arm::Text(s),
                        Outcome::Value(Value::Null) => Arm::Null,
                        Outcome::Keep => Arm::Keep,
                        Outcome::Value(_) | Outcome::Skip(_) => Arm::Bail,
                    })
                    .collect();
                Op::Map {
                    map: *map,
                    key: Box::new(Op::new(key, plan)?),
                    arms,
                }
            }
            K::Table {
                table,
                key,
                column: Some(column),
            } => Op::Table {
                table: *table,
                key: Box::new(Op::new(key, plan)?),
                column: *column,
            },
            K::Nav { rel, then } => {
                let to_one = match plan.relations.get(*rel as usize).map(|r| &r.kind) {
                    Some(RelKind::Forward { .. }) => true,
                    Some(RelKind::Link { many, .. }) => !many,
                    Some(RelKind::Reverse { .. }) | None => false,
                };
                if !to_one {
                    return None;
                }
                let then = match then {
                    Some(t) => Some(Box::new(Op::new(t, plan)?)),
                    None => None,
                };
                Op::Hop { rel: *rel, then }
            }
            K::Skip(_) => Op::Bail,
            _ => return None,
        })
    }

    /// The op's value for record `r`.
    /// Leaves (most fields are a column) here, inlined into the caller;
    /// the rest in [`Op::eval_node`].
    #[inline(always)]
    pub(crate) fn eval<'s>(&'s self, data: &'s Dataset, r: RecRef, st: &mut OpState) -> Got<'s> {
        match self {
            Op::Lit(s) => Got::Str(s),
            Op::Column(c) => match data.cell(r, *c) {
                Value::Text(s) => Got::Str(s),
                Value::Null => Got::Null,
                v => Got::Val(v),
            },
            _ => self.eval_node(data, r, st),
        }
    }

    #[inline(never)]
    fn eval_node<'s>(&'s self, data: &'s Dataset, r: RecRef, st: &mut OpState) -> Got<'s> {
        match self {
            Op::Lit(s) => Got::Str(s),
            Op::Null => Got::Null,
            Op::Const(v) => Got::Val(v),
            Op::Column(c) => match data.cell(r, *c) {
                Value::Text(s) => Got::Str(s),
                Value::Null => Got::Null,
                v => Got::Val(v),
            },
            Op::Bail => Got::Bail,
            Op::Case(case, x) => match x.eval(data, r, st) {
                Got::Str(s) => match case {
                    Case::Trim => Got::Str(text::trim_str(s)),
                    Case::Lower => changed(st, s, text::lower_into),
                    Case::Upper => changed(st, s, text::upper_into),
                },
                Got::Buf(a, b) => match (case, st.text.get(a..b)) {
                    (Case::Trim, Some(s)) => {
                        let start = a + (s.len() - s.trim_start().len());
                        Got::Buf(start, start + s.trim().len())
                    }
                    _ => Got::Bail,
                },
                // A text function of a number or a list converts it: the
                // general evaluator's.
                Got::Val(_) | Got::Rec(_) => Got::Bail,
                other @ (Got::Null | Got::Bail) => other,
            },
            Op::Concat(args) => {
                let mut out = std::mem::take(&mut st.cat);
                out.clear();
                for a in args {
                    match a.eval(data, r, st) {
                        Got::Null => {}
                        Got::Str(s) => out.push_str(s),
                        Got::Buf(a, b) => out.push_str(st.text.get(a..b).unwrap_or("")),
                        // As `concat` writes a value: its text, if it has one.
                        Got::Val(v) => {
                            v.write_text(&mut out);
                        }
                        Got::Rec(_) | Got::Bail => {
                            st.cat = out;
                            return Got::Bail;
                        }
                    }
                }
                let start = st.text.len();
                st.text.push_str(&out);
                st.cat = out;
                Got::Buf(start, st.text.len())
            }
            Op::Left(x, n) => {
                let got = x.eval(data, r, st);
                let cut = |s: &str| -> Option<usize> {
                    if s.len() <= *n {
                        return None; // bytes ≥ chars, so it already fits
                    }
                    s.char_indices().nth(*n).map(|(at, _)| at)
                };
                match got {
                    Got::Str(s) => Got::Str(cut(s).map_or(s, |at| &s[..at])),
                    Got::Buf(a, b) => {
                        let s = st.text.get(a..b).unwrap_or("");
                        Got::Buf(a, cut(s).map_or(b, |at| a + at))
                    }
                    Got::Val(_) | Got::Rec(_) => Got::Bail,
                    other @ (Got::Null | Got::Bail) => other,
                }
            }
            Op::Hop { rel, then } => {
                let Some((to, rows)) = data.related(*rel, r, &mut st.fold) else {
                    return Got::Bail;
                };
                match (rows.first(), then) {
                    (None, _) => Got::Null,
                    (Some(&row), None) => Got::Rec(RecRef { object: to, row }),
                    (Some(&row), Some(t)) => t.eval(data, RecRef { object: to, row }, st),
                }
            }
            Op::Coalesce(a, b) => match a.eval(data, r, st) {
                Got::Null => b.eval(data, r, st),
                other => other,
            },
            Op::Map { map, key, arms } => {
                let got = key.eval(data, r, st);
                let found = match got {
                    Got::Null => {
                        st.hits.push((*map, None));
                        return Got::Null;
                    }
                    Got::Bail | Got::Val(_) | Got::Rec(_) => return Got::Bail,
                    Got::Str(s) => data
                        .lookups
                        .maps
                        .get(*map as usize)
                        .and_then(|m| m.find_text(s, &mut st.fold)),
                    Got::Buf(a, b) => {
                        let s = st.text.get(a..b).unwrap_or("");
                        data.lookups
                            .maps
                            .get(*map as usize)
                            .and_then(|m| m.find_text(s, &mut st.fold))
                    }
                };
                // A miss is reported with example records: the general
                // evaluator's business.
                let Some(arm) = found else { return Got::Bail };
                st.hits.push((*map, Some(arm)));
                match arms.get(arm as usize) {
                    Some(Arm::Text(s)) => Got::Str(s),
                    Some(Arm::Null) => Got::Null,
                    Some(Arm::Keep) => got,
                    Some(Arm::Bail) | None => Got::Bail,
                }
            }
            Op::Date { column, pattern } => match data.cell(r, *column) {
                Value::Date(d) => {
                    let start = st.text.len();
                    if pattern.write(*d, &mut st.text) {
                        Got::Buf(start, st.text.len())
                    } else {
                        Got::Bail
                    }
                }
                Value::Null => Got::Null,
                _ => Got::Bail,
            },
            Op::Table { table, key, column } => {
                let got = key.eval(data, r, st);
                let key = match got {
                    Got::Null => return Got::Null,
                    Got::Bail | Got::Val(_) | Got::Rec(_) => return Got::Bail,
                    Got::Str(s) => s,
                    Got::Buf(a, b) => st.text.get(a..b).unwrap_or(""),
                };
                let Some(t) = data.lookups.tables.get(*table as usize) else {
                    return Got::Bail;
                };
                match t
                    .find_text(text::trim_str(key))
                    .map(|row| t.cell_at(row, *column))
                {
                    None | Some(Value::Null) => Got::Null,
                    Some(Value::Text(s)) => Got::Str(s),
                    Some(_) => Got::Bail,
                }
            }
        }
    }
}

/// `s` case-changed by `into`: `s` itself when unchanged, else the
/// changed text in the state's buffer.
#[inline]
fn changed<'s>(st: &mut OpState, s: &'s str, into: fn(&str, &mut String) -> bool) -> Got<'s> {
    let start = st.text.len();
    if into(s, &mut st.text) {
        Got::Buf(start, st.text.len())
    } else {
        Got::Str(s)
    }
}

#[cfg(test)]
mod tests;
