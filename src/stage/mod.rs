//! Staging: reading an export bundle into typed, validated records.
//!
//! Input: the bytes of the bundle's CSV files and, later, the source
//! descriptor and the spec's `source` rules. Output: staged records and a
//! staging report with E08xx diagnostics (file and line of every problem).
//!
//! Reading primitives, which depend on neither the spec nor the descriptor:
//! - [`read`]: bytes → decoded text (UTF-8 with or without BOM, or
//!   Windows-1252) → delimiter, normalized headers and records with their
//!   physical line numbers;
//! - [`values`]: one cell → a typed value or a precise, reportable
//!   [`values::ValueError`].
//!
//! Staging a bundle for a plan (see `docs/staging.md`):
//! - [`bundle`]: the folder → a typed `Dataset` with `source` rules applied,
//!   and the [`bundle::StageReport`] (issues, rejected and dropped rows,
//!   orphans, value-map coverage); files staged in parallel;
//! - [`cells`]: a column's type → the parser of its cells;
//! - `split`: records and fields of a file with regular quotes, without
//!   the csv crate (fields are slices of the decoded text);
//! - `headers`, `file`, `rows`, `keys`, `orphans`, `coverage`: header
//!   mapping, one file, its rows (in parallel parts for large files),
//!   repeated keys, dangling references, the coverage dry run, and `used`:
//!   the columns a plan can read (`ferry run` parses only those), `par`:
//!   a parallel map whose results keep job order;
//! - [`report`]: the report as terminal text and Markdown.
//!
//! Invariants: nothing here guesses. An ambiguous date, a number Excel
//! mangled, an unknown enum value or a local time that does not exist is an
//! error value the stage reports, never a silently chosen reading.

pub mod bundle;
pub mod cells;
mod coverage;
mod coverage_enum;
mod encoding;
mod file;
mod headers;
mod keys;
mod lookup;
mod orphans;
mod par;
mod quotes;
pub mod read;
pub mod report;
mod rows;
mod split;
mod used;
pub mod values;
