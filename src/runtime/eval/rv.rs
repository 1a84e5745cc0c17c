//! The borrowing evaluator's value: what [`Ctx::eval_ref`] gives.
//!
//! Input: none (a type). Output: [`RV`], a value that may borrow from the
//! dataset, the plan or the context's per-record arena. Invariants:
//! [`RV::into_value`] gives exactly the value `Ctx::eval` would (a text
//! slice becomes the same text, an arena owner the same owner).
//!
//! [`Ctx::eval_ref`]: super::Ctx::eval_ref

use super::NULL;
use crate::value::Value;
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
