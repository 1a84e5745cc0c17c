//! Destination-native requests from payload lines: the last pure step
//! before the loader speaks HTTP.
//!
//! Input: a batch of payload lines (the envelopes of architecture.md,
//! "Payloads", as `serde_json::Value`), a [`Refs`] (the loader's ledger as a
//! `ref → destination id` function, plus an [`Index`] of the run's payload
//! lines that says which object and key each ref names) and per-destination
//! options. Output: [`Rendered`]: the [`Call`]s to make, each a [`Request`]
//! and the payload ids it carries in body order (per-record results come
//! back in that order), and one [`RecordError`] per line that cannot be
//! sent.
//!
//! Invariants:
//! - pure: no I/O, no clock; the same lines and lookups give the same calls;
//! - never a panic on bad input, and never a silent drop: a line that cannot
//!   be rendered (malformed envelope, unresolved ref, unknown custom field,
//!   a link to an object the field cannot take) is left out of every call
//!   and reported once, with a registered code (E0911, E0913–E0915);
//! - batches respect the destination's documented limits (Salesforce 200,
//!   Twenty 60, Zoho 100, Freshsales bulk 100, Pipedrive 1) and keep the
//!   order of the lines; every line lands in exactly one call or one error.
//!
//! One module per destination: [`salesforce`], [`twenty`], [`zoho`],
//! [`pipedrive`], [`freshsales`]; [`envelope`] reads the envelope and
//! indexes refs. `docs/payloads.md` gives the mapping, the batch sizes and
//! what is [UNVERIFIED].

pub mod envelope;
pub mod freshsales;
pub mod pipedrive;
pub mod salesforce;
pub mod twenty;
pub mod zoho;

pub use envelope::{Index, Line, Op, Referent};

use crate::diagnostics::codes::{self, Code};
use serde_json::Value;

/// One HTTP request: method, path (relative to the destination's base URL,
/// query included) and JSON body.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct Request {
    pub method: &'static str,
    pub path: String,
    pub body: Value,
}

/// A request and the payload ids it carries, in the order of the records in
/// its body.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct Call {
    pub request: Request,
    pub ids: Vec<String>,
}

/// Why one payload line cannot be sent.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct RecordError {
    /// The payload line's `id` (`"?"` when the line has none).
    pub id: String,
    pub code: Code,
    pub message: String,
}

impl RecordError {
    pub fn new(id: &str, code: Code, message: impl Into<String>) -> RecordError {
        RecordError {
            id: id.to_string(),
            code,
            message: message.into(),
        }
    }
}

/// The calls for a batch of lines and the lines that cannot be sent.
#[derive(Clone, Debug, Default, PartialEq, serde::Serialize)]
pub struct Rendered {
    pub calls: Vec<Call>,
    pub errors: Vec<RecordError>,
}

/// What a renderer may ask about refs.
pub struct Refs<'a> {
    /// `ref → destination id`: the loader's ledger (owners too:
    /// `owner:<email>` → the user's id).
    pub resolve: &'a dyn Fn(&str) -> Option<String>,
    /// The object and key of each referenced payload line.
    pub index: &'a Index,
}

impl Refs<'_> {
    /// The destination id of `r`, or E0911 for the line `id` whose field
    /// `field` holds it.
    pub(crate) fn id(&self, id: &str, field: &str, r: &str) -> Result<String, RecordError> {
        (self.resolve)(r).ok_or_else(|| unresolved(id, field, r))
    }
}

pub(crate) fn unresolved(id: &str, field: &str, r: &str) -> RecordError {
    RecordError::new(
        id,
        codes::E0911,
        format!("{field} refers to {r}, which has no destination id (not loaded, or failed)"),
    )
}

/// Is `r` an owner ref (`owner:<email>`) rather than a record ref?
pub(crate) fn is_owner(r: &str) -> bool {
    r.starts_with("owner:")
}

/// An id as the destination types it: integers for Pipedrive and
/// Freshsales ids that are all digits, the string otherwise (Pipedrive lead
/// ids are UUIDs).
pub(crate) fn numeric_id(s: &str) -> Value {
    match s.parse::<u64>() {
        Ok(n) if !s.starts_with('0') || s == "0" => Value::from(n),
        _ => Value::String(s.to_string()),
    }
}

/// Parses every line, reporting the malformed ones, in order.
pub(crate) fn parse_all<'v>(lines: &'v [Value], errors: &mut Vec<RecordError>) -> Vec<Line<'v>> {
    let mut out = Vec::with_capacity(lines.len());
    for v in lines {
        match Line::parse(v) {
            Ok(l) => out.push(l),
            Err(e) => errors.push(e),
        }
    }
    out
}

/// A rendered record on its way into a call.
pub(crate) enum Piece<G> {
    /// Joins the records of the same `group` right before and after it.
    Batched { group: G, id: String, record: Value },
    /// A call of its own.
    Single(Call),
}

/// Calls in line order: each run of consecutive [`Piece::Batched`] of one
/// group becomes calls of at most `max` records, built by `make`.
pub(crate) fn assemble<G: PartialEq>(
    pieces: Vec<Piece<G>>,
    max: usize,
    make: impl Fn(&G, Vec<Value>) -> Request,
) -> Vec<Call> {
    let max = max.max(1);
    let mut calls = Vec::new();
    let mut open: Option<(G, Vec<String>, Vec<Value>)> = None;
    let flush = |open: &mut Option<(G, Vec<String>, Vec<Value>)>, calls: &mut Vec<Call>| {
        if let Some((group, ids, records)) = open.take() {
            calls.push(Call {
                request: make(&group, records),
                ids,
            });
        }
    };
    for piece in pieces {
        match piece {
            Piece::Single(call) => {
                flush(&mut open, &mut calls);
                calls.push(call);
            }
            Piece::Batched { group, id, record } => {
                let joins = open
                    .as_ref()
                    .is_some_and(|(g, ids, _)| *g == group && ids.len() < max);
                if !joins {
                    flush(&mut open, &mut calls);
                    open = Some((group, Vec::new(), Vec::new()));
                }
                if let Some((_, ids, records)) = open.as_mut() {
                    ids.push(id);
                    records.push(record);
                }
            }
        }
    }
    flush(&mut open, &mut calls);
    calls
}

#[cfg(test)]
mod tests;
