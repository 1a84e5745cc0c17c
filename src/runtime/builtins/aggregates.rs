//! Aggregates over lists: `count sum avg min max first last collect distinct
//! latest earliest any all join`.
//!
//! Input: the evaluated list (a null list is empty; a single value is a
//! one-element list), the parallel `by` list of `latest`/`earliest`, and the
//! separator of `join`. Output: one value.
//! Invariants: nulls are ignored by every aggregate (`count` counts
//! non-null elements); ties go to the first element in list (file) order;
//! `sum` stays an integer over integers; `avg`, `min`, `max`, `first`,
//! `last`, `latest`, `earliest` of nothing are null, `sum` of nothing is 0,
//! `all` of nothing is true, `join` of nothing is null (the field stays
//! absent rather than sending an empty text).

use super::super::ops::show;
use super::super::{bug, fail, Fault};
use crate::diagnostics::codes;
use crate::plan::Agg;
use crate::span::Span;
use crate::value::Value;
use rust_decimal::Decimal;
use std::cmp::Ordering;
use std::sync::Arc;

fn items(v: &Value) -> &[Value] {
    match v {
        Value::Null => &[],
        Value::List(items) => items,
        one => std::slice::from_ref(one),
    }
}

pub(crate) fn agg(
    func: Agg,
    list: &Value,
    by: Option<&Value>,
    sep: Option<&Value>,
    span: Span,
) -> Result<Value, Fault> {
    let xs = items(list);
    let present = || xs.iter().filter(|v| !v.is_null());
    Ok(match func {
        Agg::Count => Value::Int(present().count() as i64),
        Agg::Sum => sum(xs, span)?,
        Agg::Avg => {
            let n = present().count();
            if n == 0 {
                return Ok(Value::Null);
            }
            let total = sum(xs, span)?.as_decimal().unwrap_or_default();
            match total.checked_div(Decimal::from(n as u64)) {
                Some(avg) => Value::Num(avg),
                None => return fail(codes::E0903, span, "the average is too large"),
            }
        }
        Agg::Min => extreme(present(), Ordering::Less),
        Agg::Max => extreme(present(), Ordering::Greater),
        Agg::First => present().next().cloned().unwrap_or(Value::Null),
        Agg::Last => xs
            .iter()
            .rev()
            .find(|v| !v.is_null())
            .cloned()
            .unwrap_or(Value::Null),
        Agg::Collect => {
            if present().count() == xs.len() {
                match list {
                    Value::List(_) => list.clone(),
                    Value::Null => Value::List(Arc::from([])),
                    one => Value::List(Arc::from([one.clone()])),
                }
            } else {
                Value::List(present().cloned().collect())
            }
        }
        Agg::Distinct => Value::List(distinct(present()).into()),
        Agg::Latest | Agg::Earliest => {
            let Some(by) = by else {
                return bug(span, "latest/earliest without `by`");
            };
            let ts = items(by);
            if ts.len() != xs.len() {
                return bug(
                    span,
                    format!(
                        "latest/earliest over {} values but {} times",
                        xs.len(),
                        ts.len()
                    ),
                );
            }
            let want = if func == Agg::Latest {
                Ordering::Greater
            } else {
                Ordering::Less
            };
            let mut best: Option<usize> = None;
            for (i, t) in ts.iter().enumerate() {
                if t.is_null() {
                    continue;
                }
                if best.is_none_or(|b| t.total_cmp(&ts[b]) == want) {
                    best = Some(i);
                }
            }
            best.map_or(Value::Null, |i| xs[i].clone())
        }
        Agg::Any => Value::Bool(xs.iter().any(holds)),
        Agg::All => Value::Bool(xs.iter().all(holds)),
        Agg::Join => {
            let sep = sep.and_then(Value::to_text).unwrap_or_default();
            let mut out = String::new();
            let mut n = 0;
            for t in present().filter_map(Value::to_text) {
                if n > 0 {
                    out.push_str(&sep);
                }
                out.push_str(&t);
                n += 1;
            }
            if n == 0 {
                Value::Null
            } else {
                Value::Text(Arc::from(out))
            }
        }
    })
}

/// `true`, or a record (so `any(enrollments where …)` asks "is there one").
fn holds(v: &Value) -> bool {
    matches!(v, Value::Bool(true) | Value::Rec(_))
}

fn sum(xs: &[Value], span: Span) -> Result<Value, Fault> {
    let mut int: Option<i64> = Some(0);
    let mut dec = Decimal::ZERO;
    for x in xs {
        let d = match x {
            Value::Null => continue,
            Value::Int(i) => {
                int = int.and_then(|s| s.checked_add(*i));
                Decimal::from(*i)
            }
            Value::Num(d) => {
                int = None;
                *d
            }
            other => {
                return bug(
                    span,
                    format!("sum over {} which is not a number", show(other)),
                )
            }
        };
        match dec.checked_add(d) {
            Some(s) => dec = s,
            None => return fail(codes::E0903, span, "the sum is too large"),
        }
    }
    let all_ints = xs.iter().all(|x| matches!(x, Value::Null | Value::Int(_)));
    Ok(match int {
        Some(i) if all_ints => Value::Int(i),
        _ if all_ints => return fail(codes::E0903, span, "the sum is too large"),
        _ => Value::Num(dec),
    })
}

/// The first element that no later element beats in direction `want`.
fn extreme<'v>(vs: impl Iterator<Item = &'v Value>, want: Ordering) -> Value {
    let mut best: Option<&Value> = None;
    for v in vs {
        if best.is_none_or(|b| v.total_cmp(b) == want) {
            best = Some(v);
        }
    }
    best.cloned().unwrap_or(Value::Null)
}

/// First occurrences by `loose_eq`; hashed by key text for long lists.
fn distinct<'v>(vs: impl Iterator<Item = &'v Value>) -> Vec<Value> {
    let mut out: Vec<Value> = Vec::new();
    let mut seen: foldhash::HashSet<(u8, String)> = foldhash::HashSet::default();
    let mut scratch = String::new();
    for v in vs {
        // Numbers share one kind so `1` and `1.0` are the same value.
        let kind = match v {
            Value::Int(_) | Value::Num(_) => 0,
            Value::Text(_) => 1,
            Value::Bool(_) => 2,
            Value::Date(_) => 3,
            Value::DateTime(_) => 4,
            _ => 5,
        };
        let key = match (kind, super::super::keys::key_text(v, &mut scratch)) {
            (1, _) => v.as_str().map(str::to_string),
            (5, _) | (_, None) => None,
            (_, Some(k)) => Some(k.to_string()),
        };
        match key {
            Some(k) => {
                if seen.insert((kind, k)) {
                    out.push(v.clone());
                }
            }
            None => {
                if !out.iter().any(|o| o.loose_eq(v)) {
                    out.push(v.clone());
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn num(s: &str) -> Value {
        Value::Num(Decimal::from_str(s).unwrap())
    }
    fn list(vs: Vec<Value>) -> Value {
        Value::List(vs.into())
    }
    fn t(s: &str) -> Value {
        Value::text(s)
    }
    fn run(func: Agg, l: &Value) -> Result<Value, Fault> {
        agg(func, l, None, None, Span::default())
    }

    #[test]
    fn counting_and_summing_ignore_nulls() {
        let l = list(vec![Value::Int(2), Value::Null, Value::Int(3)]);
        assert_eq!(run(Agg::Count, &l), Ok(Value::Int(2)));
        assert_eq!(run(Agg::Sum, &l), Ok(Value::Int(5)));
        assert_eq!(run(Agg::Avg, &l), Ok(num("2.5")));
        let mixed = list(vec![Value::Int(2), num("0.5")]);
        assert_eq!(run(Agg::Sum, &mixed), Ok(num("2.5")));
        assert_eq!(run(Agg::Sum, &Value::Null), Ok(Value::Int(0)));
        assert_eq!(run(Agg::Avg, &list(vec![Value::Null])), Ok(Value::Null));
        assert_eq!(run(Agg::Count, &Value::Null), Ok(Value::Int(0)));
        let big = list(vec![Value::Int(i64::MAX), Value::Int(1)]);
        assert!(matches!(run(Agg::Sum, &big), Err(Fault::Error(e)) if e.code.id == "E0903"));
        assert!(
            matches!(run(Agg::Sum, &list(vec![t("x")])), Err(Fault::Error(e)) if e.code.id == "E0912")
        );
    }

    #[test]
    fn min_max_first_last_skip_nulls_and_keep_first_ties() {
        let l = list(vec![
            Value::Null,
            Value::Int(3),
            num("1.0"),
            Value::Int(1),
            Value::Int(3),
        ]);
        assert_eq!(run(Agg::Min, &l), Ok(num("1.0")));
        assert_eq!(run(Agg::Max, &l), Ok(Value::Int(3)));
        assert_eq!(run(Agg::First, &l), Ok(Value::Int(3)));
        assert_eq!(
            run(Agg::Last, &list(vec![Value::Int(1), Value::Null])),
            Ok(Value::Int(1))
        );
        assert_eq!(run(Agg::Max, &list(vec![])), Ok(Value::Null));
        assert_eq!(run(Agg::First, &t("one")), Ok(t("one")));
    }

    #[test]
    fn collect_and_distinct() {
        let l = list(vec![
            t("open"),
            Value::Null,
            t("click"),
            t("open"),
            Value::Int(1),
            num("1.0"),
        ]);
        assert_eq!(
            run(Agg::Collect, &l),
            Ok(list(vec![
                t("open"),
                t("click"),
                t("open"),
                Value::Int(1),
                num("1.0")
            ]))
        );
        assert_eq!(
            run(Agg::Distinct, &l),
            Ok(list(vec![t("open"), t("click"), Value::Int(1)]))
        );
        assert_eq!(run(Agg::Collect, &Value::Null), Ok(list(vec![])));
    }

    #[test]
    fn latest_and_earliest_pick_by_the_parallel_list() {
        let xs = list(vec![t("a"), t("b"), t("c"), t("d")]);
        let d = |s: &str| Value::Date(chrono::NaiveDate::from_str(s).unwrap());
        let ts = list(vec![
            d("2024-01-01"),
            Value::Null,
            d("2024-03-01"),
            d("2024-03-01"),
        ]);
        let s = Span::default();
        assert_eq!(agg(Agg::Latest, &xs, Some(&ts), None, s), Ok(t("c")));
        assert_eq!(agg(Agg::Earliest, &xs, Some(&ts), None, s), Ok(t("a")));
        let empty = list(vec![Value::Null, Value::Null, Value::Null, Value::Null]);
        assert_eq!(
            agg(Agg::Latest, &xs, Some(&empty), None, s),
            Ok(Value::Null)
        );
        assert!(agg(Agg::Latest, &xs, Some(&list(vec![])), None, s).is_err());
    }

    #[test]
    fn any_all_and_join() {
        let tf = list(vec![Value::Bool(true), Value::Bool(false)]);
        assert_eq!(run(Agg::Any, &tf), Ok(Value::Bool(true)));
        assert_eq!(run(Agg::All, &tf), Ok(Value::Bool(false)));
        assert_eq!(run(Agg::All, &list(vec![])), Ok(Value::Bool(true)));
        assert_eq!(run(Agg::Any, &list(vec![])), Ok(Value::Bool(false)));
        let recs = list(vec![Value::Rec(crate::value::RecRef { object: 0, row: 1 })]);
        assert_eq!(run(Agg::Any, &recs), Ok(Value::Bool(true)));
        assert_eq!(
            run(Agg::All, &list(vec![Value::Bool(true), Value::Null])),
            Ok(Value::Bool(false))
        );
        let l = list(vec![t("open"), Value::Null, Value::Int(2)]);
        let sep = t("; ");
        assert_eq!(
            agg(Agg::Join, &l, None, Some(&sep), Span::default()),
            Ok(t("open; 2"))
        );
        assert_eq!(
            agg(Agg::Join, &list(vec![]), None, Some(&sep), Span::default()),
            Ok(Value::Null)
        );
    }
}
