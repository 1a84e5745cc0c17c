//! The borrowing evaluator: the expressions payload fields are made of,
//! evaluated without cloning cells or allocating texts.
//!
//! Input: a [`TExpr`] and a [`Frame`], as for [`Ctx::eval`]. Output: an
//! [`RV`]: a value borrowed from the dataset or the plan, a slice of a
//! borrowed text, a text in the context's per-record arena, or an owned
//! value.
//!
//! Invariants: this is the one implementation of every kind but those
//! [`owns`] lists (`Ctx::eval_owned` has those): `Ctx::eval` runs them
//! through here and materializes the result, so both give the same values
//! (a text slice becomes the same text). Arena texts live until the next
//! record starts ([`Ctx::begin`]); `Ctx::eval` drops the ones it made once
//! it has materialized its result. The value type is in [`super::rv`],
//! `owner(…)` in [`super::owner`].

use super::rv::RV;
use super::{truthy, Ctx, Frame};
use crate::plan::{Func, TExpr, TExprKind};
use crate::runtime::builtins::{self, dates, text};
use crate::runtime::{Dataset, Fault};
use crate::span::Span;
use crate::value::Value;
use std::sync::Arc;

/// Appends `v`'s text as `concat` writes it (null as nothing).
fn push_text(out: &mut String, v: &RV<'_>, arena: &str) {
    match v.value() {
        Some(Value::Null | Value::Clear) => {}
        Some(Value::Text(s) | Value::Owner(s)) => out.push_str(s),
        Some(Value::Int(i)) => crate::runtime::keys::push_int(out, *i),
        Some(other) => {
            if let Some(t) = other.to_text() {
                out.push_str(&t);
            }
        }
        None => out.push_str(v.text(arena).unwrap_or("")),
    }
}

impl<'a> Ctx<'a> {
    /// Evaluates `e` against `frame`, borrowing where it can. Columns and
    /// literals (most of a spec's leaves) are read here, inlined into the
    /// caller; everything else goes to [`Ctx::eval_node`].
    #[inline(always)]
    pub(crate) fn eval_ref<'r>(&mut self, e: &'r TExpr, frame: Frame<'_>) -> Result<RV<'r>, Fault>
    where
        'a: 'r,
    {
        match (&e.kind, frame) {
            (TExprKind::Column(c), Frame::Rec(r)) => {
                let data: &'a Dataset = self.data;
                Ok(RV::Val(data.cell(r, *c)))
            }
            (TExprKind::Lit(v), _) => Ok(RV::Val(v)),
            _ => self.eval_node(e, frame),
        }
    }

    #[inline(never)]
    fn eval_node<'r>(&mut self, e: &'r TExpr, frame: Frame<'_>) -> Result<RV<'r>, Fault>
    where
        'a: 'r,
    {
        use TExprKind as K;
        Ok(match &e.kind {
            K::Lit(v) => RV::Val(v),
            K::Column(c) => {
                let data: &'a Dataset = self.data;
                RV::Val(data.cell(self.record(frame, e.span)?, *c))
            }
            K::Coalesce(a, b) => match self.eval_ref(a, frame) {
                Ok(v) if v.is_null() => self.eval_ref(b, frame)?,
                Err(Fault::Error(_)) => self.eval_ref(b, frame)?,
                other => other?,
            },
            K::If {
                cond,
                then,
                otherwise,
            } => {
                if truthy(&self.eval(cond, frame)?) {
                    self.eval_ref(then, frame)?
                } else {
                    self.eval_ref(otherwise, frame)?
                }
            }
            K::ValueMap { map, key } => {
                let key = self.eval_ref(key, frame)?;
                self.map_ref(*map, key, e.span)?
            }
            K::Table { table, key, column } => {
                let key = self.eval_ref(key, frame)?;
                self.table_ref(*table, key, *column, e.span)?
            }
            K::Nav { rel, then } => self.nav_ref(*rel, then.as_deref(), frame, e.span)?,
            K::Owner(x) => {
                let v = self.eval_ref(x, frame)?;
                self.owner_ref(v, e.span)?
            }
            K::Call { func, args } => self.call_ref(*func, args, frame, e.span)?,
            K::Not(x) => RV::Own(Value::Bool(!truthy(&self.eval(x, frame)?))),
            K::List(items) => {
                let mut out = Vec::with_capacity(items.len());
                for item in items {
                    out.push(self.eval(item, frame)?);
                }
                RV::Own(Value::List(Arc::from(out)))
            }
            K::Flag(reason) => {
                if !self.flags.iter().any(|f| f == reason) {
                    self.flags.push(reason.clone());
                }
                RV::null()
            }
            K::GroupKey(_)
            | K::Members(_)
            | K::Produced(_)
            | K::Agg { .. }
            | K::Neg(_)
            | K::Binary { .. }
            | K::Filter { .. }
            | K::Map { .. }
            | K::Clear
            | K::Skip(_)
            | K::Placeholder(_)
            | K::TakenAt => RV::Own(self.eval_owned(e, frame)?),
        })
    }

    fn call_ref<'r>(
        &mut self,
        func: Func,
        args: &'r [TExpr],
        frame: Frame<'_>,
        span: Span,
    ) -> Result<RV<'r>, Fault>
    where
        'a: 'r,
    {
        Ok(match (func, args) {
            (Func::Trim, [x]) => {
                let x = self.eval_ref(x, frame)?;
                self.trim_ref(x)
            }
            (Func::Lower, [x]) => {
                let x = self.eval_ref(x, frame)?;
                self.case_ref(x, text::lower_into, text::lower)
            }
            (Func::Upper, [x]) => {
                let x = self.eval_ref(x, frame)?;
                self.case_ref(x, text::upper_into, text::upper)
            }
            (Func::Truncate | Func::Left, [x, n]) => {
                let x = self.eval_ref(x, frame)?;
                let n = self.eval_ref(n, frame)?;
                self.left_ref(x, n, span)?
            }
            (Func::Format, [x, pattern]) => {
                let x = self.eval_ref(x, frame)?;
                let pattern = self.eval_ref(pattern, frame)?;
                self.format_ref(x, pattern, span)?
            }
            (Func::Concat, _) => self.concat_ref(args, frame)?,
            (Func::Round, [x, n]) => {
                let x = self.eval_ref(x, frame)?;
                let n = self.eval_ref(n, frame)?;
                match (x.value(), n.value()) {
                    (Some(x), Some(n)) => RV::Own(builtins::numbers::round(x, Some(n), span)?),
                    _ => {
                        let (x, n) = (x.into_value(&self.arena), n.into_value(&self.arena));
                        RV::Own(builtins::numbers::round(&x, Some(&n), span)?)
                    }
                }
            }
            (Func::Date, [x]) => {
                let x = self.eval_ref(x, frame)?;
                match x.value() {
                    Some(v) => RV::Own(dates::date(self, v, span)?),
                    None => {
                        let v = x.into_value(&self.arena);
                        RV::Own(dates::date(self, &v, span)?)
                    }
                }
            }
            _ => RV::Own(builtins::call(self, func, args, frame, span)?),
        })
    }

    /// Text in the arena from `start` to its end.
    fn tail(&self, start: usize) -> RV<'static> {
        RV::Buf(start, self.arena.len())
    }

    fn trim_ref<'r>(&mut self, x: RV<'r>) -> RV<'r> {
        match x {
            RV::Val(Value::Text(s)) => {
                let t = text::trim_str(s);
                if t.len() == s.len() {
                    x
                } else {
                    RV::Str(t)
                }
            }
            RV::Str(s) | RV::OwnerStr(s) => RV::Str(text::trim_str(s)),
            RV::Buf(a, b) | RV::OwnerBuf(a, b) => {
                let s = self.arena.get(a..b).unwrap_or("");
                let start = a + (s.len() - s.trim_start().len());
                RV::Buf(start, start + text::trim_str(s).len())
            }
            RV::Val(v) => RV::Own(text::trim(v, &mut self.scratch)),
            RV::Own(v) => RV::Own(text::trim(&v, &mut self.scratch)),
        }
    }

    /// `lower`/`upper`: `into` appends the changed text (or reports no
    /// change); `slow` handles values that are not texts.
    fn case_ref<'r>(
        &mut self,
        x: RV<'r>,
        into: fn(&str, &mut String) -> bool,
        slow: fn(&Value, &mut String) -> Value,
    ) -> RV<'r> {
        let start = self.arena.len();
        match x {
            RV::Val(Value::Text(s)) => {
                if into(s, &mut self.arena) {
                    self.tail(start)
                } else {
                    x
                }
            }
            RV::Str(s) | RV::OwnerStr(s) => {
                if into(s, &mut self.arena) {
                    self.tail(start)
                } else {
                    RV::Str(s)
                }
            }
            RV::Buf(a, b) | RV::OwnerBuf(a, b) => {
                let mut tmp = std::mem::take(&mut self.text_buf);
                tmp.clear();
                tmp.push_str(self.arena.get(a..b).unwrap_or(""));
                let changed = into(&tmp, &mut self.arena);
                self.text_buf = tmp;
                if changed {
                    self.tail(start)
                } else {
                    RV::Buf(a, b)
                }
            }
            RV::Val(v) => RV::Own(slow(v, &mut self.scratch)),
            RV::Own(v) => RV::Own(slow(&v, &mut self.scratch)),
        }
    }

    /// `truncate(x, n)` / `left(x, n)` (see `text::left`).
    fn left_ref<'r>(&mut self, x: RV<'r>, n: RV<'r>, span: Span) -> Result<RV<'r>, Fault> {
        let n = match n.value() {
            Some(Value::Null) => return Ok(RV::Own(Value::Null)),
            Some(Value::Int(n)) if *n >= 0 => usize::try_from(*n).unwrap_or(usize::MAX),
            _ => {
                let (x, n) = (x.into_value(&self.arena), n.into_value(&self.arena));
                return text::left(&x, &n, span, &mut self.scratch).map(RV::Own);
            }
        };
        let cut = |s: &str| text::cut_at(s, n);
        Ok(match x {
            RV::Val(Value::Text(s)) => match cut(s) {
                Some(at) => RV::Str(&s[..at]),
                None => x,
            },
            RV::Str(s) | RV::OwnerStr(s) => RV::Str(cut(s).map_or(s, |at| &s[..at])),
            RV::Buf(a, b) | RV::OwnerBuf(a, b) => {
                let s = self.arena.get(a..b).unwrap_or("");
                RV::Buf(a, cut(s).map_or(b, |at| a + at))
            }
            RV::Val(v) => {
                let n = Value::Int(i64::try_from(n).unwrap_or(i64::MAX));
                RV::Own(text::left(v, &n, span, &mut self.scratch)?)
            }
            RV::Own(v) => {
                let n = Value::Int(i64::try_from(n).unwrap_or(i64::MAX));
                RV::Own(text::left(&v, &n, span, &mut self.scratch)?)
            }
        })
    }

    /// `format(d, pattern)`: common patterns are written straight into the
    /// arena; anything else goes through `dates::format`.
    fn format_ref<'r>(&mut self, x: RV<'r>, pattern: RV<'r>, span: Span) -> Result<RV<'r>, Fault> {
        if let (RV::Val(Value::Text(p)), Some(v @ (Value::Date(_) | Value::DateTime(_)))) =
            (&pattern, x.value())
        {
            let start = self.arena.len();
            if dates::format_fast(&mut self.formats, v, p, self.timezone, &mut self.arena) {
                return Ok(self.tail(start));
            }
        }
        let (x, p) = (x.into_value(&self.arena), pattern.into_value(&self.arena));
        dates::format(self, &x, &p, None, span).map(RV::Own)
    }

    /// `concat(a, b, …)`: texts of the arguments, null as nothing.
    fn concat_ref<'r>(&mut self, args: &'r [TExpr], frame: Frame<'_>) -> Result<RV<'r>, Fault>
    where
        'a: 'r,
    {
        // The buffer is taken, not borrowed: arguments may use it too.
        let mut out = std::mem::take(&mut self.text_buf);
        out.clear();
        for e in args {
            match self.eval_ref(e, frame) {
                Ok(v) => push_text(&mut out, &v, &self.arena),
                Err(fault) => {
                    self.text_buf = out;
                    return Err(fault);
                }
            }
        }
        let start = self.arena.len();
        self.arena.push_str(&out);
        self.text_buf = out;
        Ok(self.tail(start))
    }
}
