//! `ferry stage SPEC --input DIR [--out DIR] [--format text|json]`.
//!
//! Compiles the spec, stages the bundle the plan reads, dry-runs the plan
//! for value-map coverage, prints the staging report and, with `--out`,
//! writes `stage-report.json` and `stage-report.md`. Exit 0 when the bundle
//! was staged (row issues are reported, not fatal), 1 on fatal staging or
//! spec errors, 2 on usage and I/O problems.

use super::exit;
use crate::diagnostics::codes;
use crate::diagnostics::render::Format;
use crate::stage::bundle::{self, coverage_rows, dry_run, FileReport, StageOptions};
use crate::stage::cells::Conventions;
use crate::stage::report;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum StageFormat {
    Text,
    Json,
}

#[derive(clap::Args, Debug)]
pub struct Args {
    /// The spec whose source objects are staged.
    spec: PathBuf,
    /// The export bundle folder (one CSV file per object).
    #[arg(long, value_name = "DIR")]
    input: PathBuf,
    /// Write `stage-report.json` and `stage-report.md` into this folder.
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
    /// Format of the report printed on stdout.
    #[arg(long, value_enum, default_value = "text")]
    format: StageFormat,
    /// A folder of descriptor YAML files that replace or extend the standard ones.
    #[arg(long, value_name = "DIR")]
    schemas: Option<PathBuf>,
    /// No progress bar.
    #[arg(long, short)]
    quiet: bool,
}

fn io_error(message: String) -> u8 {
    super::usage_error(codes::E1001, message)
}

/// Bytes of the plan's files in `dir` (for the progress bar's length).
fn bundle_bytes(plan: &crate::plan::Plan, dir: &Path) -> u64 {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return 0;
    };
    let wanted: Vec<String> = plan.sources.iter().map(|s| s.file.to_lowercase()).collect();
    entries
        .filter_map(Result::ok)
        .filter(|e| wanted.contains(&e.file_name().to_string_lossy().to_lowercase()))
        .filter_map(|e| e.metadata().ok())
        .map(|m| m.len())
        .sum()
}

pub fn run(args: Args) -> u8 {
    let checked = match super::compile_for(&args.spec, args.schemas.as_deref(), false) {
        Ok(c) => c,
        Err(status) => return status,
    };
    let plan = &checked.plan;
    if !args.input.is_dir() {
        return io_error(format!(
            "`{}` is not a folder; --input names the export bundle folder",
            args.input.display()
        ));
    }
    let conventions = match &args.schemas {
        Some(dir) => match crate::schema::Registry::with_overrides(dir) {
            Ok(reg) => Conventions::from_defaults(
                reg.get(&plan.source_system).and_then(|d| d.source.as_ref()),
            ),
            Err(d) => {
                super::emit(&d.0, Format::Human);
                return exit::DIAGNOSTICS;
            }
        },
        None => Conventions::standard(plan),
    };
    let bar = (!args.quiet && std::io::stderr().is_terminal()).then(|| {
        let pb = indicatif::ProgressBar::new(bundle_bytes(plan, &args.input));
        if let Ok(style) =
            indicatif::ProgressStyle::with_template("staging {bar:30} {bytes}/{total_bytes} {msg}")
        {
            pb.set_style(style);
        }
        pb
    });
    let tick = |f: &FileReport| {
        if let Some(pb) = &bar {
            pb.inc(f.bytes);
            pb.set_message(f.file.clone());
        }
    };
    let opts = StageOptions {
        conventions,
        all_columns: true,
        progress: Some(&tick),
    };
    let started = std::time::Instant::now();
    let staged = bundle::stage_with(plan, &args.input, &opts);
    let staging = started.elapsed();
    if let Some(pb) = &bar {
        pb.finish_and_clear();
    }
    let mut staged = match staged {
        Ok(s) => s,
        Err(d) => {
            super::emit(&d.0, Format::Human);
            let io = d.iter().all(|x| x.code == codes::E1001);
            return if io { exit::USAGE } else { exit::DIAGNOSTICS };
        }
    };
    let coverage = dry_run(plan, &staged.data);
    staged.report.coverage = bundle::with_enum_rows(
        plan,
        coverage_rows(plan, &coverage),
        &staged.report,
        &staged.data,
    );
    if std::env::var_os("FERRY_TIMINGS").is_some() {
        let bytes: u64 = staged.report.files.iter().map(|f| f.bytes).sum();
        let rows: u64 = staged.report.files.iter().map(|f| f.rows).sum();
        let secs = staging.as_secs_f64().max(1e-9);
        eprintln!(
            "timings: staged {rows} rows, {:.1} MB in {secs:.2} s ({:.0} rows/s, {:.1} MB/s); coverage dry run {:.2} s",
            bytes as f64 / 1e6,
            rows as f64 / secs,
            bytes as f64 / 1e6 / secs,
            (started.elapsed() - staging).as_secs_f64()
        );
    }
    let r = &staged.report;
    match args.format {
        StageFormat::Text => print!("{}", report::text(r)),
        StageFormat::Json => match serde_json::to_string_pretty(r) {
            Ok(s) => println!("{s}"),
            Err(e) => {
                return super::usage_error(
                    codes::E1004,
                    format!("cannot write the report as JSON: {e}"),
                )
            }
        },
    }
    if let Some(out) = &args.out {
        if let Err(e) = write_reports(out, r) {
            return super::usage_error(
                codes::E1004,
                format!(
                    "cannot write the staging report to `{}`: {e}",
                    out.display()
                ),
            );
        }
    }
    exit::OK
}

fn write_reports(out: &Path, r: &bundle::StageReport) -> std::io::Result<()> {
    std::fs::create_dir_all(out)?;
    let json = serde_json::to_string_pretty(r).map_err(std::io::Error::other)?;
    std::fs::write(out.join("stage-report.json"), json + "\n")?;
    std::fs::write(out.join("stage-report.md"), report::markdown(r))
}
