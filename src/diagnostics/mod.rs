//! Diagnostics: what every stage reports when input is wrong.
//!
//! Input: findings of any stage (a [`Code`] from the registry, a message,
//! labelled spans into one [`SourceFile`]). Output: [`Diagnostic`] values,
//! collected in a [`Diagnostics`] list and rendered by [`render`] as human
//! text (miette), JSON, GitHub annotations or SARIF.
//! Invariants: every diagnostic has a registered code; its severity follows
//! the code (E → error, W → warning) unless promoted by `--strict`; stages
//! collect diagnostics instead of stopping at the first.

pub mod codes;
pub mod render;

pub use codes::Code;

use crate::span::Span;
use serde::Serialize;
use std::sync::Arc;

/// A named text that spans point into: a spec, a descriptor, a CSV file.
#[derive(Debug, PartialEq, Eq)]
pub struct SourceFile {
    pub name: String,
    pub text: String,
}

impl SourceFile {
    pub fn new(name: impl Into<String>, text: impl Into<String>) -> Arc<Self> {
        Arc::new(SourceFile {
            name: name.into(),
            text: text.into(),
        })
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Warning,
    Error,
    /// An internal error: ferry itself is wrong.
    Bug,
}

/// A labelled span. The first label of a diagnostic is the primary one.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Label {
    pub span: Span,
    pub message: String,
}

#[derive(Clone, Debug)]
pub struct Diagnostic {
    pub code: Code,
    pub severity: Severity,
    pub message: String,
    pub labels: Vec<Label>,
    pub help: Option<String>,
    pub notes: Vec<String>,
    /// The text the labels point into; `None` for file-less findings.
    pub file: Option<Arc<SourceFile>>,
}

impl Diagnostic {
    /// A diagnostic whose severity follows its code.
    pub fn new(code: Code, message: impl Into<String>) -> Self {
        Diagnostic {
            code,
            severity: if code.is_warning() {
                Severity::Warning
            } else {
                Severity::Error
            },
            message: message.into(),
            labels: Vec::new(),
            help: None,
            notes: Vec::new(),
            file: None,
        }
    }

    pub fn in_file(mut self, file: &Arc<SourceFile>) -> Self {
        self.file = Some(Arc::clone(file));
        self
    }

    pub fn label(mut self, span: Span, message: impl Into<String>) -> Self {
        self.labels.push(Label {
            span,
            message: message.into(),
        });
        self
    }

    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// Appends to the help text (for "did you mean" on top of other help).
    pub fn maybe_help(self, help: Option<String>) -> Self {
        match help {
            Some(h) => self.help(h),
            None => self,
        }
    }

    pub fn note(mut self, note: impl Into<String>) -> Self {
        self.notes.push(note.into());
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity >= Severity::Error
    }

    /// The primary span, if any.
    pub fn primary_span(&self) -> Option<Span> {
        self.labels.first().map(|l| l.span)
    }
}

/// The diagnostics of one run, in the order they were found.
#[derive(Clone, Debug, Default)]
pub struct Diagnostics(pub Vec<Diagnostic>);

impl Diagnostics {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn push(&mut self, d: Diagnostic) {
        self.0.push(d);
    }

    pub fn extend(&mut self, other: impl IntoIterator<Item = Diagnostic>) {
        self.0.extend(other);
    }

    pub fn has_errors(&self) -> bool {
        self.0.iter().any(Diagnostic::is_error)
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn iter(&self) -> std::slice::Iter<'_, Diagnostic> {
        self.0.iter()
    }

    /// `--strict`: warnings become errors.
    pub fn promote_warnings(&mut self) {
        for d in &mut self.0 {
            if d.severity == Severity::Warning {
                d.severity = Severity::Error;
            }
        }
    }

    /// Sorted by file, then position, so output is stable.
    pub fn sorted(mut self) -> Self {
        self.0.sort_by(|a, b| {
            let fa = a.file.as_ref().map(|f| f.name.as_str());
            let fb = b.file.as_ref().map(|f| f.name.as_str());
            fa.cmp(&fb)
                .then(a.primary_span().cmp(&b.primary_span()))
                .then(a.code.id.cmp(b.code.id))
        });
        self
    }
}

impl IntoIterator for Diagnostics {
    type Item = Diagnostic;
    type IntoIter = std::vec::IntoIter<Diagnostic>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter()
    }
}

/// "did you mean …?" for `name` among `candidates` (Damerau-Levenshtein,
/// case-insensitive; only close matches are offered).
pub fn did_you_mean<'a>(
    name: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<String> {
    let lower = name.to_lowercase();
    let mut best: Option<(usize, &str)> = None;
    for cand in candidates {
        let d = strsim::damerau_levenshtein(&lower, &cand.to_lowercase());
        let limit = (name.chars().count().max(3) / 3).max(1);
        if d <= limit && best.is_none_or(|(bd, _)| d < bd) {
            best = Some((d, cand));
        }
    }
    best.map(|(_, c)| format!("did you mean `{c}`?"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn did_you_mean_finds_close_names_only() {
        let names = ["LastName", "FirstName", "Email"];
        assert_eq!(
            did_you_mean("LastNme", names).as_deref(),
            Some("did you mean `LastName`?")
        );
        assert_eq!(
            did_you_mean("lastname", names).as_deref(),
            Some("did you mean `LastName`?")
        );
        assert_eq!(did_you_mean("Phone", names), None);
    }

    #[test]
    fn strict_promotes_warnings() {
        let mut ds = Diagnostics::new();
        ds.push(Diagnostic::new(codes::E0201, "x"));
        ds.0[0].severity = Severity::Warning;
        assert!(!ds.has_errors());
        ds.promote_warnings();
        assert!(ds.has_errors());
    }
}
