//! Formatting: AST + original text → canonical text (`ferry fmt`).
//!
//! Input: a parsed [`Spec`] and the text it came from (for comments, blank
//! lines and the spans the AST points into). Output: the canonical layout
//! described in `docs/language.md` ("Formatting"). Invariants: idempotent;
//! parsing the output gives the same AST as the input, spans aside; every
//! comment of the input is in the output, as many as there were.
//!
//! The AST carries no comments, so [`comments::scan`] finds them in the text
//! and the [`printer`] re-attaches each by position: before the first node
//! that starts after it, or at the end of the line it trailed.

pub mod comments;
mod expr;
mod items;
mod layout;
mod printer;

use crate::syntax::ast::Spec;

/// Formats a spec in the canonical layout.
pub fn format(spec: &Spec, text: &str) -> String {
    let mut p = printer::Printer::new(text, comments::scan(text));
    items::spec(&mut p, spec);
    layout::render(&p.lines)
}
