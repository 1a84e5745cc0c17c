//! The command line: arguments → stage calls → exit code.
//!
//! Input: `std::env::args`. Output: text on stdout/stderr and an exit code:
//! 0 success, 1 diagnostics with errors, 2 usage or I/O problems.
//! Invariant: the only module that prints or exits.

mod check;
mod explain;
mod fmt;

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
}

/// Entry point of the binary.
pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { exit::USAGE } else { exit::OK });
        }
    };
    let code = match cli.command {
        Command::Check(args) => check::run(args),
        Command::Fmt(args) => fmt::run(args),
        Command::Explain(args) => explain::run(args),
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
