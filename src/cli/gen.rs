//! `ferry gen --contacts N --seed S --out DIR [--messy]`.

use super::exit;
use crate::diagnostics::codes;
use crate::gen::{self, Options, MAX_CONTACTS, MIN_CONTACTS};
use std::path::PathBuf;
use std::time::Instant;

#[derive(clap::Args, Debug)]
pub struct Args {
    /// Number of contacts; every other file scales with it.
    #[arg(long, value_parser = clap::value_parser!(u32).range(i64::from(MIN_CONTACTS)..=i64::from(MAX_CONTACTS)))]
    contacts: u32,
    /// Seed: the same seed and count give byte-identical bundles.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Output folder (created if missing; bundle files in it are overwritten).
    #[arg(long)]
    out: PathBuf,
    /// Inject the real-world defects of actimo-export.md §5 (listed in manifest.json).
    #[arg(long)]
    messy: bool,
    /// Write only these files (comma-separated names, e.g.
    /// `contacts.csv,companies.csv`); each is byte for byte the file of the
    /// complete bundle. For benchmarks: a million-contact bundle is 16 GB.
    #[arg(long, value_delimiter = ',', value_name = "FILES")]
    only: Vec<String>,
}

pub fn run(args: Args) -> u8 {
    let opts = Options {
        contacts: args.contacts,
        seed: args.seed,
        messy: args.messy,
    };
    let started = Instant::now();
    let only = (!args.only.is_empty()).then_some(args.only.as_slice());
    match gen::generate_only(&opts, &args.out, only) {
        Ok((m, complete)) => {
            let rows: u64 = m.files.iter().map(|f| f.rows).sum();
            let bytes: u64 = m.files.iter().map(|f| f.bytes).sum();
            eprintln!(
                "wrote {} files ({rows} rows, {:.1} MB{}) to {} in {:.1} s{}",
                m.files.len(),
                bytes as f64 / 1e6,
                if m.messy {
                    format!(", {} injected defects", m.injected.len())
                } else {
                    String::new()
                },
                args.out.display(),
                started.elapsed().as_secs_f64(),
                if only.is_some() {
                    format!("; the complete bundle is {:.1} MB", complete as f64 / 1e6)
                } else {
                    String::new()
                }
            );
            exit::OK
        }
        Err(e) => super::usage_error(
            codes::E1004,
            format!("cannot write the bundle to {}: {e}", args.out.display()),
        ),
    }
}
