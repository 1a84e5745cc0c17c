//! `ferry fmt [--check] FILE…`.

use super::exit;
use crate::diagnostics::render::Format;
use crate::diagnostics::{codes, Diagnostic, SourceFile};
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
                eprintln!("error[{}]: cannot read `{}`: {e}", codes::E1001.id, path.display());
                status = exit::USAGE;
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
            let d = Diagnostic::new(codes::E1003, format!("`{}` is not formatted", path.display()))
                .help("run `ferry fmt` on it");
            super::emit(&[d], Format::Human);
            status = status.max(exit::DIAGNOSTICS);
        } else if let Err(e) = std::fs::write(path, formatted) {
            eprintln!("error[{}]: cannot write `{}`: {e}", codes::E1001.id, path.display());
            status = exit::USAGE;
        }
    }
    status
}
