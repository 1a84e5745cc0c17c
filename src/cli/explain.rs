//! `ferry explain CODE`.

use super::exit;
use crate::diagnostics::codes;

#[derive(clap::Args, Debug)]
pub struct Args {
    /// A diagnostic code such as E0104.
    #[arg(required_unless_present = "list")]
    code: Option<String>,
    /// List every code with its summary.
    #[arg(long)]
    list: bool,
}

pub fn run(args: Args) -> u8 {
    if args.list {
        for c in codes::ALL {
            println!("{}  {:<34} {}", c.id, c.slug, c.summary);
        }
        return exit::OK;
    }
    let id = args.code.unwrap_or_default();
    match codes::lookup(&id.trim().to_ascii_uppercase()) {
        Some(c) => {
            print!("{}", c.page);
            exit::OK
        }
        None => {
            eprintln!(
                "error[{}]: `{id}` is not a ferry diagnostic code",
                codes::E1002.id
            );
            eprintln!("help: `ferry explain --list` shows every code");
            exit::USAGE
        }
    }
}
