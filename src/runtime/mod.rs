//! The runtime: one evaluator for `ferry check` (test blocks) and `ferry run`
//! (staged exports of millions of records).
//!
//! Input: a checked [`Plan`](crate::plan::Plan) and a [`Dataset`] of staged
//! records laid out as the plan's source columns. Output: per source record
//! (or merge group) an [`Outcome`]: the destination records it becomes, or
//! why it does not become any.
//!
//! Invariants:
//! - Bad data never aborts a run: a failed conversion is a [`RecordError`]
//!   that `??` can catch; uncaught, it skips just that record.
//! - `skip(…)` is control flow ([`Fault::Skip`]) that `??` does not catch.
//! - Evaluation is deterministic: no wall clock (only `export.taken_at`),
//!   no hash-order iteration in results; lists keep file order.
//! - Nothing here panics on data: out-of-range indexes in a malformed plan
//!   become [`codes::E0912`](crate::diagnostics::codes::E0912) errors.
//!
//! Modules: [`data`] (the staged dataset and its relation indexes),
//! [`eval`] (expressions), [`builtins`] (functions and aggregates),
//! [`exec`] (units → emitted records, source rules, merge groups,
//! reference documents, JSON shapes), `compiled` (the common field shapes
//! evaluated straight from the cells, for the emitter's compiled route).

pub mod builtins;
pub(crate) mod compiled;
pub mod data;
pub mod eval;
pub mod exec;
mod keys;
mod lookups;
mod ops;

#[cfg(test)]
mod e2e;
#[cfg(test)]
pub(crate) mod fixtures;

pub use data::{Dataset, Table};
pub use eval::{Coverage, Ctx, Frame};
pub use exec::{Emitted, Outcome};

use crate::diagnostics::codes::{self, Code};
use crate::span::Span;

/// A failure of one expression for one record: bad data or (E0912) a bug.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RecordError {
    pub code: Code,
    pub message: String,
    /// The expression that failed, in the spec file.
    pub span: Span,
}

impl RecordError {
    pub fn new(code: Code, span: Span, message: impl Into<String>) -> RecordError {
        RecordError {
            code,
            message: message.into(),
            span,
        }
    }

    /// A plan the evaluator cannot run: always a bug in the checker or here.
    pub fn internal(span: Span, message: impl Into<String>) -> RecordError {
        RecordError::new(codes::E0912, span, message)
    }
}

impl std::fmt::Display for RecordError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.code, self.message)
    }
}

/// Why evaluating an expression produced no value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Fault {
    /// `skip("reason")`: drops the whole source record; `??` does not catch it.
    Skip(Box<Skip>),
    /// A failed conversion and the like; `a ?? b` catches it. Boxed: errors
    /// are rare, and a small `Result` keeps every evaluation step cheap.
    Error(Box<RecordError>),
}

/// A `skip("reason")` that fired, and where.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Skip {
    pub reason: String,
    pub span: Span,
}

impl From<RecordError> for Fault {
    fn from(e: RecordError) -> Self {
        Fault::Error(Box::new(e))
    }
}

/// Shorthand for a skip.
pub(crate) fn skip<T>(reason: &str, span: Span) -> Result<T, Fault> {
    Err(Fault::Skip(Box::new(Skip {
        reason: reason.to_string(),
        span,
    })))
}

/// Shorthand for an error result.
pub(crate) fn fail<T>(code: Code, span: Span, message: impl Into<String>) -> Result<T, Fault> {
    Err(Fault::Error(Box::new(RecordError::new(
        code, span, message,
    ))))
}

/// Shorthand for an internal-error result.
pub(crate) fn bug<T>(span: Span, message: impl Into<String>) -> Result<T, Fault> {
    Err(Fault::Error(Box::new(RecordError::internal(span, message))))
}
