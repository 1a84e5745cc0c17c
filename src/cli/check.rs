//! `ferry check FILE…`.

use super::exit;
use crate::diagnostics::render::Format;
use crate::diagnostics::{codes, Diagnostic, Diagnostics, SourceFile};
use std::path::PathBuf;

#[derive(clap::Args, Debug)]
pub struct Args {
    /// Spec files to check.
    #[arg(required = true)]
    files: Vec<PathBuf>,
    /// Output format of the diagnostics.
    #[arg(long, value_enum, default_value = "human")]
    format: Format,
    /// Warnings fail the check.
    #[arg(long)]
    strict: bool,
}

pub fn run(args: Args) -> u8 {
    let mut all = Diagnostics::new();
    let mut io_failed = false;
    for path in &args.files {
        let text = match std::fs::read_to_string(path) {
            Ok(t) => t,
            Err(e) => {
                all.push(Diagnostic::new(
                    codes::E1001,
                    format!("cannot read `{}`: {e}", path.display()),
                ));
                io_failed = true;
                continue;
            }
        };
        let file = SourceFile::new(path.display().to_string(), text);
        let mut diags = crate::check::check_file(&file);
        if args.strict {
            diags.promote_warnings();
        }
        all.extend(diags);
    }
    super::emit(&all.0, args.format);
    if io_failed {
        exit::USAGE
    } else if all.has_errors() {
        exit::DIAGNOSTICS
    } else {
        exit::OK
    }
}
