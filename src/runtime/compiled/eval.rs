//! Evaluating compiled ops against one record (see the parent module for
//! the invariants).

use super::{Arm, Case, Fallback, Got, Hit, Op, OpState, Operand};
use crate::plan::BinOp;
use crate::runtime::builtins::text;
use crate::runtime::Dataset;
use crate::value::{RecRef, Value};

impl<'p> Op<'p> {
    /// The op's value for record `r`: leaves (most fields are a column)
    /// here, inlined into the caller; the rest in [`Op::eval_node`].
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
                other @ (Got::Null | Got::Bail) => other,
                // A text function of a number, a list or an owner converts
                // it: the general evaluator's.
                _ => Got::Bail,
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
                        Got::Num(d) => {
                            Value::Num(d).write_text(&mut out);
                        }
                        Got::Day(d) => {
                            Value::Date(d).write_text(&mut out);
                        }
                        Got::Bool(b) => {
                            Value::Bool(b).write_text(&mut out);
                        }
                        Got::OwnerStr(s) => out.push_str(s),
                        Got::OwnerBuf(a, b) => out.push_str(st.text.get(a..b).unwrap_or("")),
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
                let cut = |s: &str| text::cut_at(s, *n);
                match got {
                    Got::Str(s) => Got::Str(cut(s).map_or(s, |at| &s[..at])),
                    Got::Buf(a, b) => {
                        let s = st.text.get(a..b).unwrap_or("");
                        Got::Buf(a, cut(s).map_or(b, |at| a + at))
                    }
                    other @ (Got::Null | Got::Bail) => other,
                    _ => Got::Bail,
                }
            }
            Op::Cmp(op, l, rhs) => {
                let (Some(a), Some(b)) = (l.value(data, r, st), rhs.value(data, r, st)) else {
                    return Got::Bail;
                };
                match crate::runtime::ops::binary(*op, a, b, crate::span::Span::default()) {
                    Ok(Value::Bool(b)) => Got::Bool(b),
                    _ => Got::Bail,
                }
            }
            Op::Logic(op, a, b) => {
                let Some(a) = truth(a.eval(data, r, st)) else {
                    return Got::Bail;
                };
                // `and`/`or` stop at the first operand that decides.
                if a == (*op == BinOp::Or) {
                    return Got::Bool(a);
                }
                truth(b.eval(data, r, st)).map_or(Got::Bail, Got::Bool)
            }
            Op::Not(x) => truth(x.eval(data, r, st)).map_or(Got::Bail, |t| Got::Bool(!t)),
            Op::If(cond, then, otherwise) => match truth(cond.eval(data, r, st)) {
                Some(true) => then.eval(data, r, st),
                Some(false) => otherwise.eval(data, r, st),
                None => Got::Bail,
            },
            Op::Day(x, tz) => match x.eval(data, r, st) {
                Got::Null => Got::Null,
                got @ (Got::Val(Value::Date(_)) | Got::Day(_)) => got,
                Got::Val(Value::DateTime(t)) => {
                    Got::Day(crate::runtime::builtins::dates::local_date(*t, *tz))
                }
                // A text is parsed (and may fail): the general evaluator's.
                _ => Got::Bail,
            },
            Op::Round(x, n) => {
                let got = x.eval(data, r, st);
                let v = match got {
                    Got::Null => &Value::Null,
                    Got::Val(v @ (Value::Int(_) | Value::Num(_))) => v,
                    Got::Num(d) => {
                        return round(&Value::Num(d), n);
                    }
                    // A text is parsed (and may fail): the general evaluator's.
                    _ => return Got::Bail,
                };
                round(v, n)
            }
            Op::Owner(x, fallback) => {
                let blank = || match fallback {
                    Fallback::Email(e) => Got::OwnerStr(e),
                    Fallback::Null => Got::Null,
                    Fallback::Skip => Got::Bail,
                };
                match x.eval(data, r, st) {
                    Got::Null => blank(),
                    Got::Str(s) => match email_in(s) {
                        Email::Blank => blank(),
                        Email::Unsure => Got::Bail,
                        Email::Clean(f, n) => Got::OwnerStr(&s[f..f + n]),
                        Email::Upper(f, n) => {
                            let start = st.text.len();
                            st.text.push_str(&s[f..f + n]);
                            st.text[start..].make_ascii_lowercase();
                            Got::OwnerBuf(start, start + n)
                        }
                    },
                    Got::Buf(a, b) => match email_in(st.text.get(a..b).unwrap_or("")) {
                        Email::Blank => blank(),
                        Email::Unsure => Got::Bail,
                        Email::Clean(f, n) => Got::OwnerBuf(a + f, a + f + n),
                        Email::Upper(f, n) => {
                            let start = st.text.len();
                            let mut tmp = std::mem::take(&mut st.cat);
                            tmp.clear();
                            tmp.push_str(st.text.get(a + f..a + f + n).unwrap_or(""));
                            st.text.push_str(&tmp);
                            st.cat = tmp;
                            st.text[start..].make_ascii_lowercase();
                            Got::OwnerBuf(start, start + n)
                        }
                    },
                    _ => Got::Bail,
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
            Op::Map {
                map,
                key,
                arms,
                otherwise,
            } => {
                let got = key.eval(data, r, st);
                let found = match got {
                    Got::Null => {
                        st.hits.push((*map, Hit::Null));
                        return Got::Null;
                    }
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
                    _ => return Got::Bail,
                };
                let arm = match found {
                    Some(arm) => {
                        st.hits.push((*map, Hit::Arm(arm)));
                        arms.get(arm as usize)
                    }
                    None => {
                        // The key as given (not trimmed), as the coverage
                        // report lists it.
                        let key = match got {
                            Got::Str(s) => s,
                            Got::Buf(a, b) => st.text.get(a..b).unwrap_or(""),
                            _ => "",
                        };
                        let a = st.missed.len();
                        st.missed.push_str(key);
                        st.hits.push((*map, Hit::Miss(a, st.missed.len())));
                        Some(otherwise)
                    }
                };
                match arm {
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
                    Got::Str(s) => s,
                    Got::Buf(a, b) => st.text.get(a..b).unwrap_or(""),
                    _ => return Got::Bail,
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

/// Whether a condition holds (only `true` does), `None` for a bail.
fn truth(got: Got<'_>) -> Option<bool> {
    match got {
        Got::Bail => None,
        Got::Bool(b) => Some(b),
        Got::Val(v) => Some(crate::runtime::eval::truthy(v)),
        _ => Some(false),
    }
}

static NULL: Value = Value::Null;

impl<'p> Operand<'p> {
    /// The operand's value for record `r` (`None`: a relation that cannot
    /// be followed).
    fn value<'s>(&'s self, data: &'s Dataset, r: RecRef, st: &mut OpState) -> Option<&'s Value> {
        match self {
            Operand::Cell(c) => Some(data.cell(r, *c)),
            Operand::Const(v) => Some(v),
            Operand::List(v) => Some(v),
            Operand::Hop(rel, then) => {
                let (to, rows) = data.related(*rel, r, &mut st.fold)?;
                match rows.first() {
                    None => Some(&NULL),
                    Some(&row) => then.value(data, RecRef { object: to, row }, st),
                }
            }
        }
    }
}

/// Where the email is in an `owner(…)` argument's text.
enum Email {
    Blank,
    /// Not ASCII: `owner_ref` lower-cases with Unicode rules only where it
    /// must; that is the general evaluator's.
    Unsure,
    /// Offset and length of the trimmed email, already lower case.
    Clean(usize, usize),
    /// The same, with upper-case letters to lower.
    Upper(usize, usize),
}

fn email_in(text: &str) -> Email {
    let email = text::trim_str(text);
    if email.is_empty() {
        return Email::Blank;
    }
    if !email.is_ascii() {
        return Email::Unsure;
    }
    let from = email.as_ptr() as usize - text.as_ptr() as usize;
    if email.bytes().any(|b| b.is_ascii_uppercase()) {
        Email::Upper(from, email.len())
    } else {
        Email::Clean(from, email.len())
    }
}

/// `round(v, n)` as the general evaluator gives it; a failure bails.
fn round<'s>(v: &Value, n: &Value) -> Got<'s> {
    match crate::runtime::builtins::numbers::round(v, Some(n), crate::span::Span::default()) {
        Ok(Value::Null) => Got::Null,
        Ok(Value::Num(d)) => Got::Num(d),
        _ => Got::Bail,
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
