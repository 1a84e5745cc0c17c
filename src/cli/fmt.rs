//! `ferry fmt [--check] FILE…`.
//!
//! Input: spec files. Output: the files rewritten in the canonical layout, or
//! with `--check` an E1003 per file that would change, showing the first line
//! that differs. Invariant: a file that does not parse cleanly is never
//! rewritten (its diagnostics are printed instead).

use super::exit;
use crate::diagnostics::render::Format;
use crate::diagnostics::{codes, Diagnostic, SourceFile};
use crate::span::Span;
use std::path::PathBuf;

#[derive(clap::Args, Debug)]
pub struct Args {
    /// Spec files to format in place.
    #[arg(required = true)]
    files: Vec<PathBuf>,
    /// Report files that are not formatted; change nothing.
    #[arg(long)]
    check: bool,
}

pub fn run(args: Args) -> u8 {
    let mut status = exit::OK;
    for path in &args.files {
        let text = match std::fs::read_to_string(path) {
            Ok(t) => t,
            Err(e) => {
                status = super::usage_error(
                    codes::E1001,
                    format!("cannot read `{}`: {e}", path.display()),
                );
                continue;
            }
        };
        let file = SourceFile::new(path.display().to_string(), text);
        let (spec, diags) = crate::syntax::parse(&file);
        if diags.has_errors() {
            // Never rewrite a file we could not fully parse: that would drop items.
            super::emit(&diags.0, Format::Human);
            status = status.max(exit::DIAGNOSTICS);
            continue;
        }
        let formatted = crate::fmt::format(&spec, &file.text);
        if formatted == file.text {
            continue;
        }
        if args.check {
            let diff = first_difference(&file.text, &formatted);
            let d = Diagnostic::new(
                codes::E1003,
                format!("`{}` is not formatted", path.display()),
            )
            .in_file(&file)
            .label(diff.span, "first line that `ferry fmt` changes")
            .note(diff.note)
            .help(format!("run `ferry fmt {}` to rewrite it", path.display()));
            super::emit(&[d], Format::Human);
            status = status.max(exit::DIAGNOSTICS);
        } else if let Err(e) = std::fs::write(path, formatted) {
            status = super::usage_error(
                codes::E1004,
                format!("cannot write `{}`: {e}", path.display()),
            );
        }
    }
    status
}

/// Where the formatted text first departs from the original.
struct Difference {
    /// The original line (without its line break), for the label.
    span: Span,
    /// `line N:` then the old and the new line.
    note: String,
}

fn first_difference(old: &str, new: &str) -> Difference {
    let mut offset = 0;
    let mut old_lines = old.split_inclusive('\n');
    let mut new_lines = new.split_inclusive('\n');
    let mut number = 1;
    loop {
        let (o, n) = (old_lines.next(), new_lines.next());
        if o != n || o.is_none() {
            let shown = |l: Option<&str>| {
                l.map_or_else(
                    || "(end of file)".to_string(),
                    |l| {
                        let t = l.trim_end_matches(['\n', '\r']);
                        if t.trim().is_empty() {
                            "(empty line)".to_string()
                        } else if t.len() < l.len() {
                            t.to_string()
                        } else {
                            format!("{t}  (no line break at the end of the file)")
                        }
                    },
                )
            };
            let len = o.map_or(0, |l| l.trim_end_matches(['\n', '\r']).len());
            return Difference {
                span: Span::new(offset, offset + len),
                note: format!("line {number}:\n- {}\n+ {}", shown(o), shown(n)),
            };
        }
        offset += o.map_or(0, str::len);
        number += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::first_difference;

    #[test]
    fn shows_the_first_changed_line() {
        let d = first_difference("a\nb  = 1\nc\n", "a\nb = 1\nc\n");
        assert_eq!(d.span, crate::span::Span::new(2, 8));
        assert_eq!(d.note, "line 2:\n- b  = 1\n+ b = 1");
    }

    #[test]
    fn missing_final_line_break() {
        let d = first_difference("a\nb", "a\nb\n");
        assert_eq!(
            d.note,
            "line 2:\n- b  (no line break at the end of the file)\n+ b"
        );
        let d = first_difference("a\n\n\n", "a\n");
        assert_eq!(d.note, "line 2:\n- (empty line)\n+ (end of file)");
    }
}
