//! `ferry check FILE…`.

use super::exit;
use crate::diagnostics::render::Format;
use crate::diagnostics::Diagnostics;
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
    /// A folder of descriptor YAML files that replace or extend the standard ones.
    #[arg(long, value_name = "DIR")]
    schemas: Option<PathBuf>,
}

pub fn run(args: Args) -> u8 {
    let mut all = Diagnostics::new();
    let mut status = exit::OK;
    for path in &args.files {
        match super::compile(path, args.schemas.as_deref()) {
            Ok((_, diags)) | Err(super::Compile::Diagnostics(diags)) => {
                let mut diags = diags;
                if args.strict {
                    diags.promote_warnings();
                }
                if diags.has_errors() {
                    status = status.max(exit::DIAGNOSTICS);
                }
                all.extend(diags);
            }
            Err(super::Compile::Io(d)) => {
                all.push(*d);
                status = exit::USAGE;
            }
        }
    }
    super::emit(&all.0, args.format);
    status
}
