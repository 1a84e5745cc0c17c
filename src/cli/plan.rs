//! `ferry plan SPEC`: load order and per-field lineage.

use super::exit;
use crate::diagnostics::render::Format;
use std::path::PathBuf;

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum PlanFormat {
    Text,
    Json,
    Markdown,
}

#[derive(clap::Args, Debug)]
pub struct Args {
    /// The spec to plan.
    file: PathBuf,
    /// Output format.
    #[arg(long, value_enum, default_value = "text")]
    format: PlanFormat,
    /// A folder of descriptor YAML files that replace or extend the standard ones.
    #[arg(long, value_name = "DIR")]
    schemas: Option<PathBuf>,
}

pub fn run(args: Args) -> u8 {
    match super::compile(&args.file, args.schemas.as_deref()) {
        Ok((checked, warnings)) => {
            super::emit(&warnings.0, Format::Human);
            let out = match args.format {
                PlanFormat::Text => crate::plan::render::text(&checked.plan),
                PlanFormat::Markdown => crate::plan::render::markdown(&checked.plan),
                PlanFormat::Json => {
                    let s = crate::plan::render::summary(&checked.plan);
                    serde_json::to_string_pretty(&s).expect("plans always serialize") + "\n"
                }
            };
            print!("{out}");
            exit::OK
        }
        Err(super::Compile::Diagnostics(d)) => {
            super::emit(&d.0, Format::Human);
            exit::DIAGNOSTICS
        }
        Err(super::Compile::Io(d)) => {
            super::emit(&[*d], Format::Human);
            exit::USAGE
        }
    }
}
