//! The borrowing evaluator: the expressions payload fields are made of,
//! evaluated without cloning cells or allocating texts.
//!
//! Input: a [`TExpr`] and a [`Frame`], as for [`Ctx::eval`]. Output: an
//! [`RV`]: a value borrowed from the dataset or the plan, a slice of a
//! borrowed text, a text in the context's per-record arena, or an owned
//! value.
//!
//! Invariants: this is the one implementation of the kinds it handles
//! ([`borrows`]): `Ctx::eval` runs them through here and materializes the
//! result, so both give the same values (a text slice becomes the same
//! text). Anything else is evaluated by `Ctx::eval` and owned. Arena texts
//! live until the next record starts ([`Ctx::begin`]); `Ctx::eval` drops
//! the ones it made once it has materialized its result.

use super::{truthy, Ctx, Frame, NULL};
use crate::plan::{Func, MapPlan, Outcome as MapOutcome, OwnerFallback, RelKind, TExpr, TExprKind};
use crate::runtime::builtins::{self, dates, text};
use crate::runtime::keys::key_text;
use crate::runtime::{bug, Dataset, Fault};
use crate::span::Span;
use crate::value::{RecRef, Value};
use std::sync::Arc;

/// An evaluated value that may borrow.
///
/// `repr(u64)`: a whole-word tag, so moves copy whole words. With a byte
/// tag, moves (of `Result<RV, _>` too) copy the 7 bytes after it in
/// overlapping pieces, a store-forwarding stall per move.
#[derive(Clone, Debug, PartialEq)]
#[repr(u64)]
pub(crate) enum RV<'r> {
    /// A cell, literal, value-map outcome or table cell.
    Val(&'r Value),
    Own(Value),
    /// Text: a slice of a borrowed text.
    Str(&'r str),
    /// Text: `arena[start..end]`.
    Buf(usize, usize),
    /// An owner (normalized email), borrowed or in the arena.
    OwnerStr(&'r str),
    OwnerBuf(usize, usize),
}

impl RV<'_> {
    #[inline]
    pub(crate) fn null() -> RV<'static> {
        RV::Val(&NULL)
    }

    /// The value, unless this is a text slice or arena text.
    #[inline]
    pub(crate) fn value(&self) -> Option<&Value> {
        match self {
            RV::Val(v) => Some(v),
            RV::Own(v) => Some(v),
            _ => None,
        }
    }

    #[inline]
    pub(crate) fn is_null(&self) -> bool {
        matches!(self.value(), Some(Value::Null))
    }

    /// The text of a plain text (not an owner).
    #[inline]
    pub(crate) fn plain<'s>(&'s self, arena: &'s str) -> Option<&'s str> {
        match self {
            RV::Val(Value::Text(s)) | RV::Own(Value::Text(s)) => Some(s),
            RV::Str(s) => Some(s),
            RV::Buf(a, b) => arena.get(*a..*b),
            _ => None,
        }
    }

    /// The text of a text or an owner (as [`Value::as_str`]).
    #[inline]
    pub(crate) fn text<'s>(&'s self, arena: &'s str) -> Option<&'s str> {
        match self {
            RV::Val(Value::Owner(s)) | RV::Own(Value::Owner(s)) => Some(s),
            RV::OwnerStr(s) => Some(s),
            RV::OwnerBuf(a, b) => arena.get(*a..*b),
            _ => self.plain(arena),
        }
    }

    /// The owner's normalized email, when this is an owner.
    #[inline]
    pub(crate) fn owner<'s>(&'s self, arena: &'s str) -> Option<&'s str> {
        match self {
            RV::Val(Value::Owner(_)) | RV::Own(Value::Owner(_)) => self.text(arena),
            RV::OwnerStr(_) | RV::OwnerBuf(..) => self.text(arena),
            _ => None,
        }
    }

    /// The value as [`Ctx::eval`] gives it.
    pub(crate) fn into_value(self, arena: &str) -> Value {
        match self {
            RV::Val(v) => v.clone(),
            RV::Own(v) => v,
            RV::Str(s) => Value::text(s),
            RV::Buf(a, b) => Value::text(arena.get(a..b).unwrap_or("")),
            RV::OwnerStr(s) => Value::Owner(Arc::from(s)),
            RV::OwnerBuf(a, b) => Value::Owner(Arc::from(arena.get(a..b).unwrap_or(""))),
        }
    }
}

/// The kinds [`Ctx::eval_ref`] implements itself (besides the trivial
/// literal, column, `??` and `if`); `Ctx::eval` hands these over.
pub(crate) fn borrows(kind: &TExprKind) -> bool {
    match kind {
        TExprKind::ValueMap { .. }
        | TExprKind::Table { .. }
        | TExprKind::Nav { .. }
        | TExprKind::Owner(_) => true,
        TExprKind::Call { func, .. } => matches!(
            func,
            Func::Trim
                | Func::Lower
                | Func::Upper
                | Func::Truncate
                | Func::Left
                | Func::Format
                | Func::Concat
        ),
        _ => false,
    }
}

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
            _ => RV::Own(self.eval(e, frame)?),
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
        let cut = |s: &str| -> Option<usize> {
            if s.len() <= n {
                return None; // bytes ≥ chars, so it already fits
            }
            s.char_indices().nth(n).map(|(at, _)| at)
        };
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

    /// `map[key]`, counting coverage; a list maps element by element
    /// (elements mapped to null drop out).
    fn map_ref<'r>(&mut self, map: u32, key: RV<'r>, span: Span) -> Result<RV<'r>, Fault>
    where
        'a: 'r,
    {
        if let Some(Value::List(items)) = key.value() {
            let items = Arc::clone(items);
            let mut out = Vec::with_capacity(items.len());
            for item in items.iter() {
                let mark = self.arena.len();
                let v = self.map_ref(map, RV::Own(item.clone()), span)?;
                let v = v.into_value(&self.arena);
                self.arena.truncate(mark);
                if !v.is_null() {
                    out.push(v);
                }
            }
            return Ok(RV::Own(Value::List(Arc::from(out))));
        }
        let data: &'a Dataset = self.data;
        let (Some(plan_map), Some(index)) = (
            self.plan.value_maps.get(map as usize),
            data.lookups.maps.get(map as usize),
        ) else {
            return bug(span, format!("value map {map} does not exist"));
        };
        let plan_map: &'a MapPlan = plan_map;
        let maps = &mut self.coverage.maps;
        if maps.len() <= map as usize {
            maps.resize_with(map as usize + 1, Default::default);
        }
        let cov = &mut maps[map as usize];
        if key.is_null() {
            cov.nulls += 1;
            return Ok(RV::null());
        }
        let arena = &self.arena;
        let found = match (key.plain(arena), key.value()) {
            (Some(s), _) => index.find_text(s, &mut self.scratch),
            (None, Some(v)) => index.find(v, &mut self.scratch),
            (None, None) => {
                let v = key.clone().into_value(arena);
                index.find(&v, &mut self.scratch)
            }
        };
        let outcome = match found {
            Some(arm) => {
                if cov.hits.len() <= arm as usize {
                    cov.hits.resize(arm as usize + 1, 0);
                }
                cov.hits[arm as usize] += 1;
                plan_map.arms.get(arm as usize).map(|(_, o)| o)
            }
            None => {
                let owned;
                let text = match key.text(arena) {
                    Some(s) => s,
                    None => {
                        owned = key.value().and_then(Value::to_text).unwrap_or_default();
                        &owned
                    }
                };
                let miss = match cov.misses.get_index_of(text) {
                    Some(i) => &mut cov.misses[i],
                    None => cov.misses.entry(text.to_string()).or_default(),
                };
                miss.count += 1;
                if miss.examples.len() < 3 {
                    if let Some(r) = self.current {
                        miss.examples.push(data.record_id(r));
                    }
                }
                plan_map.otherwise.as_ref()
            }
        };
        match outcome {
            None => Ok(RV::null()),
            Some(MapOutcome::Value(v)) => Ok(RV::Val(v)),
            Some(MapOutcome::Keep) => Ok(key),
            Some(MapOutcome::Skip(reason)) => crate::runtime::skip(reason, span),
        }
    }

    /// `table[key]` (the row as a list) or `table[key].column`.
    fn table_ref<'r>(
        &mut self,
        table: u32,
        key: RV<'r>,
        column: Option<u32>,
        span: Span,
    ) -> Result<RV<'r>, Fault>
    where
        'a: 'r,
    {
        if key.is_null() {
            return Ok(RV::null());
        }
        let data: &'a Dataset = self.data;
        let Some(t) = data.lookups.tables.get(table as usize) else {
            return bug(span, format!("lookup table {table} does not exist"));
        };
        let row = match (key.text(&self.arena), key.value()) {
            (Some(s), _) => t.find_text(text::trim_str(s)),
            (None, Some(v)) => key_text(v, &mut self.scratch).and_then(|k| t.find_text(k)),
            (None, None) => None,
        };
        Ok(match row {
            None => RV::null(),
            Some(r) => RV::Val(match column {
                Some(c) => t.cell_at(r, c),
                None => t.whole_at(r),
            }),
        })
    }

    /// A relation hop; a to-one hop borrows what `then` gives.
    fn nav_ref<'r>(
        &mut self,
        rel: u32,
        then: Option<&'r TExpr>,
        frame: Frame<'_>,
        span: Span,
    ) -> Result<RV<'r>, Fault>
    where
        'a: 'r,
    {
        let to_many = match self.plan.relations.get(rel as usize).map(|r| &r.kind) {
            Some(RelKind::Forward { .. }) => false,
            Some(RelKind::Link { many, .. }) => *many,
            // Unknown relations get `nav`'s error.
            Some(RelKind::Reverse { .. }) | None => true,
        };
        if to_many {
            return self.nav(rel, then, frame, span).map(RV::Own);
        }
        let from = self.record(frame, span)?;
        let data: &'a Dataset = self.data;
        let Some((to, rows)) = data.related(rel, from, &mut self.scratch) else {
            return self.nav(rel, then, frame, span).map(RV::Own);
        };
        let rec = |row: u32| RecRef { object: to, row };
        match (rows.first(), then) {
            (None, _) => Ok(RV::null()),
            (Some(&row), None) => Ok(RV::Own(Value::Rec(rec(row)))),
            (Some(&row), Some(t)) => self.eval_ref(t, Frame::Rec(rec(row))),
        }
    }

    /// `owner(email)`: a normalized email, or the policy's fallback when blank.
    fn owner_ref<'r>(&mut self, v: RV<'r>, span: Span) -> Result<RV<'r>, Fault> {
        // Where the email's text is, and whether it is the whole of a text
        // value (only such a value, already clean, is kept as it stands).
        enum At<'r> {
            Borrowed(&'r str),
            Arena(usize, usize),
            Owned(String, bool),
        }
        let at = match v {
            RV::Val(Value::Text(s) | Value::Owner(s)) => At::Borrowed(s),
            RV::Str(s) | RV::OwnerStr(s) => At::Borrowed(s),
            RV::Buf(a, b) | RV::OwnerBuf(a, b) => At::Arena(a, b),
            RV::Own(Value::Text(s) | Value::Owner(s)) => At::Owned(s.to_string(), true),
            RV::Val(other) => At::Owned(other.to_text().unwrap_or_default(), false),
            RV::Own(other) => At::Owned(other.to_text().unwrap_or_default(), false),
        };
        let (text, whole) = match &at {
            At::Borrowed(s) => (*s, true),
            At::Arena(a, b) => (self.arena.get(*a..*b).unwrap_or(""), true),
            At::Owned(s, whole) => (s.as_str(), *whole),
        };
        let email = text.trim();
        if email.is_empty() {
            return match self.plan.owners.as_ref().and_then(|o| o.fallback.as_ref()) {
                Some(OwnerFallback::Owner(email)) => Ok(RV::Own(Value::Owner(Arc::from(
                    email.trim().to_lowercase(),
                )))),
                Some(OwnerFallback::Skip(reason)) => crate::runtime::skip(reason, span),
                None => Ok(RV::null()),
            };
        }
        let clean = !email.chars().any(char::is_uppercase);
        let keep = clean && whole && email.len() == text.len();
        let (from, len, ascii) = (
            email.as_ptr() as usize - text.as_ptr() as usize,
            email.len(),
            email.is_ascii(),
        );
        let lowered = |e: &str| {
            if ascii {
                e.to_ascii_lowercase()
            } else {
                e.to_lowercase()
            }
        };
        Ok(match at {
            At::Borrowed(s) if keep => RV::OwnerStr(s),
            At::Borrowed(s) if ascii => self.lower_owner(&s[from..from + len]),
            At::Borrowed(s) => self.push_owner(&lowered(&s[from..from + len])),
            At::Arena(a, b) if keep => RV::OwnerBuf(a, b),
            At::Arena(a, _) => {
                let e = lowered(self.arena.get(a + from..a + from + len).unwrap_or(""));
                self.push_owner(&e)
            }
            At::Owned(s, _) if keep => self.push_owner(&s),
            At::Owned(s, _) => self.push_owner(&lowered(&s[from..from + len])),
        })
    }

    fn push_owner(&mut self, email: &str) -> RV<'static> {
        let start = self.arena.len();
        self.arena.push_str(email);
        RV::OwnerBuf(start, self.arena.len())
    }

    /// An ASCII email lower-cased (borrowed when already lower case).
    fn lower_owner<'r>(&mut self, email: &'r str) -> RV<'r> {
        if !email.bytes().any(|b| b.is_ascii_uppercase()) {
            return RV::OwnerStr(email);
        }
        let start = self.arena.len();
        self.arena.push_str(email);
        self.arena[start..].make_ascii_lowercase();
        RV::OwnerBuf(start, self.arena.len())
    }
}
