//! Checking: AST (+ descriptors) → diagnostics (and later, the typed plan).
//!
//! Input: a parsed spec. Output: E02xx–E06xx diagnostics.
//! Invariants: pure; no I/O beyond what the caller passes in.

pub mod names;

use crate::diagnostics::{Diagnostics, SourceFile};
use std::sync::Arc;

/// Parses and checks one file with the checks that need no descriptor.
pub fn check_file(file: &Arc<SourceFile>) -> Diagnostics {
    let (spec, mut diags) = crate::syntax::parse(file);
    diags.extend(names::check(&spec, file));
    diags
}
