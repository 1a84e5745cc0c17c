//! Staging: reading an export bundle into typed, validated records.
//!
//! Input: the bytes of the bundle's CSV files and, later, the source
//! descriptor and the spec's `source` rules. Output: staged records and a
//! staging report with E08xx diagnostics (file and line of every problem).
//!
//! This module currently holds the reading primitives, which depend on
//! neither the spec nor the descriptor:
//! - [`read`]: bytes → decoded text (UTF-8 with or without BOM, or
//!   Windows-1252) → delimiter, normalized headers and records with their
//!   physical line numbers;
//! - [`values`]: one cell → a typed value or a precise, reportable
//!   [`values::ValueError`].
//!
//! Invariants: nothing here guesses. An ambiguous date, a number Excel
//! mangled, an unknown enum value or a local time that does not exist is an
//! error value the stage reports, never a silently chosen reading.

pub mod bundle;
pub mod cells;
mod coverage;
mod file;
mod headers;
mod orphans;
pub mod read;
pub mod report;
pub mod values;
