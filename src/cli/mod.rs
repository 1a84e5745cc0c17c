//! The command line: arguments → stage calls → exit code.
//!
//! Input: `std::env::args`. Output: text on stdout/stderr and an exit code:
//! 0 success, 1 diagnostics with errors, 2 usage or I/O problems.
//! Invariant: the only module that prints or exits.

mod check;
mod explain;
mod fmt;
mod gen;
mod plan;
mod run;
mod schema;
mod setup;
mod stage;

use crate::diagnostics::render::{Format, HumanStyle};
use clap::{Parser, Subcommand};
use std::io::IsTerminal;
use std::process::ExitCode;

/// Exit codes shared by every command.
pub mod exit {
    pub const OK: u8 = 0;
    pub const DIAGNOSTICS: u8 = 1;
    pub const USAGE: u8 = 2;
}

#[derive(Parser, Debug)]
#[command(
    name = "ferry",
    version,
    about = "Move an Actimo export into a CRM under a statically checked mapping spec",
    after_help = "Example:\n  ferry check examples/nordisk-retail/salesforce.ferry"
)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Parse and check specs; exit 1 when any has errors.
    #[command(after_help = "Example:\n  ferry check specs/salesforce.ferry --format github")]
    Check(check::Args),
    /// Rewrite specs in the canonical layout (`--check` only reports).
    #[command(after_help = "Example:\n  ferry fmt --check specs/*.ferry")]
    Fmt(fmt::Args),
    /// Print the long explanation of a diagnostic code.
    #[command(after_help = "Example:\n  ferry explain E0104\n  ferry explain --list")]
    Explain(explain::Args),
    /// Print the load order and, per destination field, where its value comes from.
    #[command(
        after_help = "Example:\n  ferry plan specs/salesforce.ferry --format markdown > mapping.md"
    )]
    Plan(plan::Args),
    /// List the schema descriptors, or show a system's objects and fields.
    #[command(
        after_help = "Examples:\n  ferry schema list\n  ferry schema show salesforce Lead\n  ferry schema show actimo contacts --schemas customer/schemas"
    )]
    Schema(schema::Args),
    /// Write a synthetic Actimo export bundle (deterministic; `--messy` adds real-world defects).
    #[command(
        after_help = "Example:\n  ferry gen --contacts 600 --seed 7 --out /tmp/bundle --messy"
    )]
    Gen(gen::Args),
    /// Read an export bundle for a spec and report row issues, duplicates, orphans and value-map coverage.
    #[command(
        after_help = "Example:\n  ferry stage examples/nordisk-retail/salesforce.ferry --input examples/nordisk-retail/export --out stage/"
    )]
    Stage(stage::Args),
    /// Stage an export and write payloads in load order plus the run report.
    #[command(
        after_help = "Example:\n  ferry run examples/nordisk-retail/salesforce.ferry --input examples/nordisk-retail/export --out out/"
    )]
    Run(run::Args),
    /// Write the destination's setup manifest for the spec's custom fields and objects.
    #[command(
        after_help = "Example:\n  ferry setup specs/salesforce.ferry --out setup/\n  less setup/SETUP.md"
    )]
    Setup(setup::Args),
    /// CSV → JSON lines with no mapping: the floor `bench/run.sh` compares `ferry run` with.
    #[command(hide = true, name = "bench-floor")]
    BenchFloor(run::FloorArgs),
}

/// Entry point of the binary.
pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() {
                exit::USAGE
            } else {
                exit::OK
            });
        }
    };
    let code = match cli.command {
        Command::Check(args) => check::run(args),
        Command::Fmt(args) => fmt::run(args),
        Command::Explain(args) => explain::run(args),
        Command::Plan(args) => plan::run(args),
        Command::Schema(args) => schema::run(args),
        Command::Gen(args) => gen::run(args),
        Command::Stage(args) => stage::run(args),
        Command::Run(args) => run::run(args),
        Command::Setup(args) => setup::run(args),
        Command::BenchFloor(args) => run::floor(args),
    };
    ExitCode::from(code)
}

/// Colour only on a terminal and when NO_COLOR is unset.
pub(crate) fn human_style() -> HumanStyle {
    let color = std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none();
    HumanStyle {
        color,
        width: if color { 120 } else { HumanStyle::PLAIN.width },
    }
}

/// Prints diagnostics: human text to stderr, machine formats to stdout.
pub(crate) fn emit(diags: &[crate::diagnostics::Diagnostic], format: Format) {
    let text = crate::diagnostics::render::render(diags, format, human_style());
    if format == Format::Human {
        eprint!("{text}");
    } else {
        print!("{text}");
    }
}

/// Prints one command-line or file problem as a coded diagnostic (so it
/// has a stable code and `ferry explain` page like any other) and returns
/// the usage exit status.
pub(crate) fn usage_error(code: crate::diagnostics::Code, message: impl Into<String>) -> u8 {
    emit(
        &[crate::diagnostics::Diagnostic::new(code, message.into())],
        Format::Human,
    );
    exit::USAGE
}

/// Compiles the spec of a command that goes on to use its plan: prints the
/// warnings (unless `quiet`) or the errors. `Err` is the exit status.
pub(crate) fn compile_for(
    path: &std::path::Path,
    schemas: Option<&std::path::Path>,
    quiet: bool,
) -> Result<crate::check::Checked, u8> {
    match compile(path, schemas) {
        Ok((checked, warnings)) => {
            if !quiet {
                emit(&warnings.0, Format::Human);
            }
            Ok(checked)
        }
        Err(Compile::Diagnostics(d)) => {
            emit(&d.0, Format::Human);
            Err(exit::DIAGNOSTICS)
        }
        Err(Compile::Io(d)) => {
            emit(&[*d], Format::Human);
            Err(exit::USAGE)
        }
    }
}

/// Why a spec did not compile.
pub(crate) enum Compile {
    /// The spec or a descriptor has errors (all findings, warnings included).
    Diagnostics(crate::diagnostics::Diagnostics),
    /// A file could not be read.
    Io(Box<crate::diagnostics::Diagnostic>),
}

/// Reads, parses and checks a spec (with its imports and tables).
/// `Ok` carries the checked spec and its warnings.
pub(crate) fn compile(
    path: &std::path::Path,
    schemas: Option<&std::path::Path>,
) -> Result<(crate::check::Checked, crate::diagnostics::Diagnostics), Compile> {
    let (project, mut diags) = crate::check::load_project(path).map_err(Compile::Io)?;
    let registry = match schemas {
        Some(dir) => crate::schema::Registry::with_overrides(dir),
        None => crate::check::standard_registry(&project),
    };
    let registry = match registry {
        Ok(r) => r,
        Err(d) => {
            diags.extend(d);
            return Err(Compile::Diagnostics(diags));
        }
    };
    let read = crate::check::reader_beside(&project.main.file.name);
    let (checked, more) = crate::check::check(&project, &registry, &read);
    diags.extend(more);
    match checked {
        Some(c) if !diags.has_errors() => Ok((c, diags)),
        _ => Err(Compile::Diagnostics(diags)),
    }
}
