//! The pest-generated parser for `grammar/ferry.pest`.
//!
//! Input: text. Output: pest pairs (or a pest error, which `errors.rs` turns
//! into plain words). Invariant: nothing outside `src/syntax` sees a `Rule`.

use pest_derive::Parser;

/// Makes edits to the grammar file force a rebuild of this module.
const _GRAMMAR: &str = include_str!("../../grammar/ferry.pest");

#[derive(Parser)]
#[grammar = "../grammar/ferry.pest"]
pub(crate) struct FerryParser;
