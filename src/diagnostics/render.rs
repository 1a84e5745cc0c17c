//! Renderers for diagnostics: human (miette), JSON, GitHub annotations, SARIF.
//!
//! Input: a slice of [`Diagnostic`]. Output: text. Invariant: renderers never
//! fail; a label outside its file's text is clamped, not a panic.

use super::{Diagnostic, Severity};
use crate::span::{line_col, Span};
use miette::{GraphicalReportHandler, GraphicalTheme, LabeledSpan, SourceCode};
use serde_json::{json, Value};
use std::fmt;

/// Output format of `ferry check` and friends.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Human,
    Json,
    Github,
    Sarif,
}

/// Options of the human renderer.
#[derive(Clone, Copy, Debug)]
pub struct HumanStyle {
    pub color: bool,
    pub width: usize,
}

impl HumanStyle {
    /// No colour, fixed width: what tests and pipes get.
    pub const PLAIN: HumanStyle = HumanStyle {
        color: false,
        width: 100,
    };
}

/// Renders in `format`; human output uses `style`.
pub fn render(diags: &[Diagnostic], format: Format, style: HumanStyle) -> String {
    match format {
        Format::Human => diags.iter().map(|d| human(d, style)).collect(),
        Format::Json => {
            let all: Vec<Value> = diags.iter().map(to_json).collect();
            serde_json::to_string_pretty(&all).expect("JSON values always serialize") + "\n"
        }
        Format::Github => diags.iter().map(github).collect(),
        Format::Sarif => {
            serde_json::to_string_pretty(&sarif(diags)).expect("JSON values always serialize")
                + "\n"
        }
    }
}

/// One diagnostic as rustc-like text: `error[E0213]: message`, then the
/// labelled source snippet and help rendered by miette.
pub fn human(d: &Diagnostic, style: HumanStyle) -> String {
    let theme = if style.color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let handler = GraphicalReportHandler::new_themed(theme)
        .with_width(style.width)
        .with_links(false);
    let mut body = String::new();
    // miette only fails on fmt errors of its own writer; the header suffices then.
    let _ = handler.render_report(&mut body, &Miette(d));
    // miette opens with its own (empty) "×" line; our header carries the message.
    let rest = match body.split_once('\n') {
        Some((first, rest)) if !first.contains('╭') => rest,
        _ => body.as_str(),
    };
    let header = format!("{}[{}]: {}", severity_word(d.severity), d.code, d.message);
    let header = if style.color {
        let color = if d.is_error() {
            "\x1b[1;31m"
        } else {
            "\x1b[1;33m"
        };
        format!("{color}{header}\x1b[0m")
    } else {
        header
    };
    let mut out = format!("{header}\n{rest}");
    for n in &d.notes {
        out.push_str("  = note: ");
        out.push_str(n);
        out.push('\n');
    }
    out
}

fn severity_word(s: Severity) -> &'static str {
    match s {
        Severity::Warning => "warning",
        Severity::Error => "error",
        Severity::Bug => "internal error",
    }
}

fn clamp(d: &Diagnostic, span: Span) -> Span {
    let len = d.file.as_ref().map_or(0, |f| f.text.len());
    let start = span.start.min(len);
    Span::new(start, span.end.clamp(start, len))
}

/// (line, column, end line, end column) of the primary label, 1-based.
fn position(d: &Diagnostic) -> Option<(usize, usize, usize, usize)> {
    let file = d.file.as_ref()?;
    let span = clamp(d, d.primary_span()?);
    let (l, c) = line_col(&file.text, span.start);
    let (el, ec) = line_col(&file.text, span.end);
    Some((l, c, el, ec))
}

/// The JSON object of `--format json`.
pub fn to_json(d: &Diagnostic) -> Value {
    let pos = position(d);
    let labels: Vec<Value> = d
        .labels
        .iter()
        .map(|l| {
            let span = clamp(d, l.span);
            let (line, column) = d
                .file
                .as_ref()
                .map_or((0, 0), |f| line_col(&f.text, span.start));
            json!({"message": l.message, "line": line, "column": column,
                   "start": span.start, "end": span.end})
        })
        .collect();
    json!({
        "code": d.code.id,
        "severity": d.severity,
        "message": d.message,
        "file": d.file.as_ref().map(|f| f.name.clone()),
        "line": pos.map(|p| p.0),
        "column": pos.map(|p| p.1),
        "end_line": pos.map(|p| p.2),
        "end_column": pos.map(|p| p.3),
        "labels": labels,
        "help": d.help,
    })
}

fn github_escape(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

fn github_prop(s: &str) -> String {
    github_escape(s).replace(':', "%3A").replace(',', "%2C")
}

/// A GitHub Actions workflow command (`::error file=…::message`).
pub fn github(d: &Diagnostic) -> String {
    let level = if d.is_error() { "error" } else { "warning" };
    let mut props = Vec::new();
    if let Some(f) = &d.file {
        props.push(format!("file={}", github_prop(&f.name)));
    }
    if let Some((l, c, el, ec)) = position(d) {
        props.push(format!("line={l},col={c},endLine={el},endColumn={ec}"));
    }
    props.push(format!("title={}", d.code.id));
    let mut msg = d.message.clone();
    if let Some(h) = &d.help {
        msg.push_str("\nhelp: ");
        msg.push_str(h);
    }
    format!("::{level} {}::{}\n", props.join(","), github_escape(&msg))
}

/// A SARIF 2.1.0 log with one run.
pub fn sarif(diags: &[Diagnostic]) -> Value {
    let mut rules: Vec<&super::Code> = diags.iter().map(|d| &d.code).collect();
    rules.sort_by_key(|c| c.id);
    rules.dedup_by_key(|c| c.id);
    let rule_index = |id: &str| rules.iter().position(|c| c.id == id).unwrap_or(0);
    let results: Vec<Value> = diags
        .iter()
        .map(|d| {
            let mut text = d.message.clone();
            if let Some(h) = &d.help {
                text.push_str(" (help: ");
                text.push_str(h);
                text.push(')');
            }
            let mut result = json!({
                "ruleId": d.code.id,
                "ruleIndex": rule_index(d.code.id),
                "level": if d.is_error() { "error" } else { "warning" },
                "message": {"text": text},
            });
            if let (Some(f), Some((l, c, el, ec))) = (&d.file, position(d)) {
                result["locations"] = json!([{
                    "physicalLocation": {
                        "artifactLocation": {"uri": f.name},
                        "region": {"startLine": l, "startColumn": c, "endLine": el, "endColumn": ec}
                    }
                }]);
            }
            result
        })
        .collect();
    let rules: Vec<Value> = rules
        .iter()
        .map(|c| {
            json!({
                "id": c.id,
                "name": c.slug,
                "shortDescription": {"text": c.summary},
                "help": {"text": format!("Run `ferry explain {}` for the long explanation.", c.id)},
            })
        })
        .collect();
    json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "ferry",
                "version": env!("CARGO_PKG_VERSION"),
                "informationUri": "https://example.invalid/ferry",
                "rules": rules,
            }},
            "results": results,
        }]
    })
}

/// Adapter so miette can render our data-driven diagnostic.
struct Miette<'a>(&'a Diagnostic);

impl fmt::Debug for Miette<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0.message)
    }
}

// The message is printed in our own header line, not by miette.
impl fmt::Display for Miette<'_> {
    fn fmt(&self, _: &mut fmt::Formatter<'_>) -> fmt::Result {
        Ok(())
    }
}

impl std::error::Error for Miette<'_> {}

impl miette::Diagnostic for Miette<'_> {
    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.0.severity {
            Severity::Warning => miette::Severity::Warning,
            _ => miette::Severity::Error,
        })
    }

    fn help<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        self.0
            .help
            .as_ref()
            .map(|h| Box::new(h.clone()) as Box<dyn fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        self.0.file.as_ref()?;
        Some(self)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        self.0.file.as_ref()?;
        let d = self.0;
        Some(Box::new(d.labels.iter().enumerate().map(move |(i, l)| {
            let span = clamp(d, l.span);
            let msg = (!l.message.is_empty()).then(|| l.message.clone());
            if i == 0 {
                LabeledSpan::new_primary_with_span(msg, span)
            } else {
                LabeledSpan::new_with_span(msg, span)
            }
        })))
    }
}

impl SourceCode for Miette<'_> {
    fn read_span<'b>(
        &'b self,
        span: &miette::SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn miette::SpanContents<'b> + 'b>, miette::MietteError> {
        let file = self
            .0
            .file
            .as_ref()
            .ok_or(miette::MietteError::OutOfBounds)?;
        let inner =
            file.text
                .as_str()
                .read_span(span, context_lines_before, context_lines_after)?;
        Ok(Box::new(miette::MietteSpanContents::new_named(
            file.name.clone(),
            inner.data(),
            *inner.span(),
            inner.line(),
            inner.column(),
            inner.line_count(),
        )))
    }
}
