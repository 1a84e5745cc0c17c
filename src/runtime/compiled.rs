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
//! keyed by one; a to-one relation (the related record, or an op on it);
//! `round` by a literal; `date(…)` of a date or datetime; `owner(…)` of
//! an ASCII email; comparisons of cells, literals, literal lists and
//! to-one hops; `and`, `or`, `not`, `if`. `skip(…)` and `flag(…)` give
//! the record up.
//!
//! Invariants: a value (a text, a cell, a number, a related record, an
//! owner) or null is
//! exactly what `Ctx::eval` gives for the same record; whenever that is
//! not certain — a text function of a cell that is not text, a value-map
//! skip, a year chrono must write, a case change of a made text,
//! a relation that cannot be followed, a non-ASCII email, a blank email
//! under a skipping `owners` policy — the op bails and the caller
//! hands the record to the general evaluator. Value-map counts (misses
//! with their keys too) are only collected in [`OpState::hits`]; the
//! caller adds them to the coverage once the record is kept, so a record
//! that bails is counted once, by the general evaluator. `eval` evaluates.

use super::builtins::datefmt::DatePattern;
use super::Dataset;
use crate::plan::{BinOp, Func, Outcome, OwnerFallback, Plan, RelKind, TExpr, TExprKind};
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
        /// What a key no arm lists gives (`else`, or null without one).
        otherwise: Arm<'p>,
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
    /// `date(x)` of a date or datetime (a datetime's day in the spec's
    /// zone, as `Ctx::new` reads it).
    Day(Box<Op<'p>>, chrono_tz::Tz),
    /// `round(x, n)` with a literal `n`, of a number.
    Round(Box<Op<'p>>, &'p Value),
    /// `owner(email)` of an ASCII email, and the policy for a blank one.
    Owner(Box<Op<'p>>, Fallback),
    /// A comparison of two plain operands (`status == "active"`,
    /// `status in ["a", "b"]`, `end_date == null`).
    Cmp(BinOp, Operand<'p>, Operand<'p>),
    /// `a and b`, `a or b` (short-circuit, null as false).
    Logic(BinOp, Box<Op<'p>>, Box<Op<'p>>),
    Not(Box<Op<'p>>),
    If(Box<Op<'p>>, Box<Op<'p>>, Box<Op<'p>>),
    /// `skip(…)` (as the last resort of a `??`) or `flag(…)` (a flag this
    /// path does not report): the general evaluator's.
    Bail,
}

/// A comparison's operand: a value read as it is, never converted.
#[derive(Debug)]
pub(crate) enum Operand<'p> {
    Cell(u32),
    Const(&'p Value),
    /// A list of literals, built once.
    List(Value),
    /// The operand on the record a to-one relation leads to (null when
    /// there is none).
    Hop(u32, Box<Operand<'p>>),
}

/// The `owners` policy for a blank email, as `owner(…)` applies it.
#[derive(Debug)]
pub(crate) enum Fallback {
    /// The fallback owner's email, normalized.
    Email(Box<str>),
    /// `skip(…)`: the general evaluator's.
    Skip,
    /// No policy: null.
    Null,
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
    /// A number `round` made.
    Num(rust_decimal::Decimal),
    /// A date `date(…)` made.
    Day(chrono::NaiveDate),
    /// A condition's outcome.
    Bool(bool),
    /// An owner: a normalized email, borrowed or in `OpState::text`.
    OwnerStr(&'s str),
    OwnerBuf(usize, usize),
    /// Not certain: leave the record to the general evaluator.
    Bail,
}

/// Per-thread scratch of the ops, cleared per record by [`OpState::begin`].
#[derive(Debug, Default)]
pub(crate) struct OpState {
    text: String,
    fold: String,
    /// A `concat` being built (its arguments may be in `text`).
    cat: String,
    /// Value-map lookups of the record, to add to the coverage if the
    /// record is kept.
    hits: Vec<(u32, Hit)>,
    /// The keys of `Hit::Miss`.
    missed: String,
}

/// What one value-map lookup counts.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum Hit {
    /// A null key.
    Null,
    Arm(u32),
    /// A key no arm lists: `missed[a..b]`.
    Miss(usize, usize),
}

impl OpState {
    pub(crate) fn begin(&mut self) {
        self.text.clear();
        self.hits.clear();
        self.missed.clear();
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
            _ => None,
        }
    }

    /// The email of an owner.
    #[inline]
    pub(crate) fn owner<'s>(&'s self, got: Got<'s>) -> Option<&'s str> {
        match got {
            Got::OwnerStr(s) => Some(s),
            Got::OwnerBuf(a, b) => self.text.get(a..b),
            _ => None,
        }
    }

    /// Adds the record's value-map counts to `coverage`, as `Ctx::map_ref`
    /// counts them; a miss's example is the id of `subject`.
    pub(crate) fn count(&self, coverage: &mut super::Coverage, data: &Dataset, subject: RecRef) {
        for &(map, hit) in &self.hits {
            let m = coverage.map_mut(map);
            match hit {
                Hit::Null => m.nulls += 1,
                Hit::Arm(arm) => m.hit(arm),
                Hit::Miss(a, b) => m.miss(self.missed.get(a..b).unwrap_or(""), || {
                    Some(data.record_id(subject))
                }),
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
                (Func::Date, [x]) => Op::Day(
                    Box::new(Op::new(x, plan)?),
                    plan.options.timezone.parse().unwrap_or(chrono_tz::Tz::UTC),
                ),
                (Func::Round, [x, n]) => match &n.kind {
                    K::Lit(n) => Op::Round(Box::new(Op::new(x, plan)?), n),
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
                let arm = |o: &'p Outcome| match o {
                    Outcome::Value(Value::Text(s)) => Arm::Text(s),
                    Outcome::Value(Value::Null) => Arm::Null,
                    Outcome::Keep => Arm::Keep,
                    Outcome::Value(_) | Outcome::Skip(_) => Arm::Bail,
                };
                Op::Map {
                    map: *map,
                    key: Box::new(Op::new(key, plan)?),
                    arms: m.arms.iter().map(|(_, o)| arm(o)).collect(),
                    otherwise: m.otherwise.as_ref().map_or(Arm::Null, arm),
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
                if !to_one(plan, *rel) {
                    return None;
                }
                let then = match then {
                    Some(t) => Some(Box::new(Op::new(t, plan)?)),
                    None => None,
                };
                Op::Hop { rel: *rel, then }
            }
            K::Skip(_) | K::Flag(_) => Op::Bail,
            K::Binary { op, lhs, rhs } => match op {
                BinOp::And | BinOp::Or => Op::Logic(
                    *op,
                    Box::new(Op::new(lhs, plan)?),
                    Box::new(Op::new(rhs, plan)?),
                ),
                BinOp::Eq
                | BinOp::Ne
                | BinOp::Lt
                | BinOp::Le
                | BinOp::Gt
                | BinOp::Ge
                | BinOp::In
                | BinOp::NotIn => Op::Cmp(*op, Operand::new(lhs, plan)?, Operand::new(rhs, plan)?),
                BinOp::Add | BinOp::Sub | BinOp::Mul | BinOp::Div => return None,
            },
            K::Not(x) => Op::Not(Box::new(Op::new(x, plan)?)),
            K::If {
                cond,
                then,
                otherwise,
            } => Op::If(
                Box::new(Op::new(cond, plan)?),
                Box::new(Op::new(then, plan)?),
                Box::new(Op::new(otherwise, plan)?),
            ),
            K::Owner(x) => Op::Owner(
                Box::new(Op::new(x, plan)?),
                match plan.owners.as_ref().and_then(|o| o.fallback.as_ref()) {
                    Some(OwnerFallback::Skip(_)) => Fallback::Skip,
                    _ => plan
                        .owners
                        .as_ref()
                        .and_then(|o| o.fallback_email())
                        .map_or(Fallback::Null, |e| Fallback::Email(e.into())),
                },
            ),
            _ => return None,
        })
    }
}

impl<'p> Operand<'p> {
    fn new(e: &'p TExpr, plan: &'p Plan) -> Option<Operand<'p>> {
        use TExprKind as K;
        Some(match &e.kind {
            K::Column(c) => Operand::Cell(*c),
            K::Lit(v) => Operand::Const(v),
            K::List(items) => Operand::List(Value::List(
                items
                    .iter()
                    .map(|i| match &i.kind {
                        K::Lit(v) => Some(v.clone()),
                        _ => None,
                    })
                    .collect::<Option<Vec<_>>>()?
                    .into(),
            )),
            K::Nav {
                rel,
                then: Some(then),
            } if to_one(plan, *rel) => Operand::Hop(*rel, Box::new(Operand::new(then, plan)?)),
            _ => return None,
        })
    }
}

/// Whether relation `rel` leads to at most one record.
fn to_one(plan: &Plan, rel: u32) -> bool {
    match plan.relations.get(rel as usize).map(|r| &r.kind) {
        Some(RelKind::Forward { .. }) => true,
        Some(RelKind::Link { many, .. }) => !many,
        Some(RelKind::Reverse { .. }) | None => false,
    }
}

mod eval;

#[cfg(test)]
mod tests;
