//! `ferry run SPEC --input DIR --out DIR`: compile, stage, emit payloads and
//! the run report; and the hidden `ferry bench-floor` of `bench/run.sh`.
//!
//! Input: the command line. Output: the files of architecture.md
//! ("Payloads") in `--out`, a one-line summary on stderr, an exit code:
//! 0 when the run finished (skipped records are reported, not failures),
//! 1 when the spec or the export has errors, 2 for usage and I/O problems.
//! Invariants: progress bars only on a terminal and without `--quiet`; the
//! output folder is never left looking complete when it is not (see
//! [`crate::emit::outdir`]); no environment value is ever written.

use super::exit;
use crate::diagnostics::codes;
use crate::diagnostics::render::Format;
use crate::emit::outdir::OutDir;
use crate::emit::{self, Progress};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

#[derive(clap::Args, Debug)]
pub struct Args {
    /// The spec to run.
    spec: PathBuf,
    /// The export bundle folder (the CSV files of an Actimo export).
    #[arg(long, value_name = "DIR")]
    input: PathBuf,
    /// Where to write payloads and the report (created if missing).
    #[arg(long, value_name = "DIR")]
    out: PathBuf,
    /// Write into a non-empty folder that is not an earlier run's output
    /// (only names ferry writes are replaced; other files are kept).
    #[arg(long)]
    force: bool,
    /// No progress bars and no summary.
    #[arg(long, short)]
    quiet: bool,
    /// Worker threads.
    #[arg(long, default_value_t = 2, value_parser = clap::value_parser!(u16).range(1..=64))]
    threads: u16,
    /// Run every record through the general executor, not the compiled
    /// route (same output, slower; for ruling the fast path out).
    #[arg(long)]
    no_compiled: bool,
    /// A folder of descriptor YAML files that replace or extend the standard ones.
    #[arg(long, value_name = "DIR")]
    schemas: Option<PathBuf>,
}

pub fn run(args: Args) -> u8 {
    let started = Instant::now();
    let checked = match super::compile_for(&args.spec, args.schemas.as_deref(), args.quiet) {
        Ok(c) => c,
        Err(status) => return status,
    };
    let plan = &checked.plan;
    if !args.input.is_dir() {
        return super::usage_error(
            codes::E1001,
            format!(
                "`{}` is not a folder; --input names the export bundle folder",
                args.input.display()
            ),
        );
    }
    let out = match OutDir::prepare(&args.out, args.force) {
        Ok(o) => o,
        Err(e) => return super::usage_error(codes::E1004, e.to_string()),
    };
    let show = !args.quiet && std::io::stderr().is_terminal();
    let files = bar(show, Some(plan.sources.len() as u64), "files");
    files.set_message(format!("staging {}", args.input.display()));
    let hook = |f: &crate::stage::bundle::FileReport| {
        files.set_message(format!("staged {}", f.file));
        files.inc(1);
    };
    let stage_opts = crate::stage::bundle::StageOptions {
        progress: Some(&hook),
        ..crate::stage::bundle::StageOptions::standard(plan)
    };
    let staged = crate::stage::bundle::stage_with(plan, &args.input, &stage_opts);
    files.finish_and_clear();
    let mut staged = match staged {
        Ok(s) => s,
        Err(d) => {
            super::emit(&d.0, Format::Human);
            return exit::DIAGNOSTICS;
        }
    };
    let staged_at = Instant::now();
    let opts = emit::Options {
        threads: usize::from(args.threads),
        compiled: !args.no_compiled,
        ..emit::Options::default()
    };
    let progress = bar(show, Some(0), "records");
    let result = emit::run(plan, &staged.data, out.work(), opts, &mut |p| match p {
        Progress::Start { records } => progress.set_length(records),
        Progress::Unit { label } => progress.set_message(label.to_string()),
        Progress::Advance(n) => progress.inc(n),
    });
    progress.finish_and_clear();
    let output = match result {
        Ok(o) => o,
        Err(e) => return io_error(&args.out, &e),
    };
    staged.report.coverage = crate::stage::bundle::with_enum_rows(
        plan,
        crate::stage::bundle::coverage_rows(plan, &output.tally.coverage),
        &staged.report,
        &staged.data,
    );
    let (spec, input) = (
        args.spec.display().to_string(),
        args.input.display().to_string(),
    );
    let report = crate::report::build(&crate::report::Inputs {
        plan,
        data: &staged.data,
        stage: Some(&staged.report),
        run: &output,
        spec: &spec,
        input: &input,
    });
    let written = write_plan(plan, out.work())
        .and_then(|()| crate::report::write(out.work(), &report))
        .and_then(|()| out.commit());
    if let Err(e) = written {
        return io_error(&args.out, &e);
    }
    for x in &report.references {
        for f in &x.redacted {
            eprintln!(
                "warning[W0901]: {} value(s) of `{}` in {} held credentials, written as `[redacted]`; hand the credentials over separately",
                f.values, f.field, x.json
            );
        }
    }
    if !args.quiet {
        let t = &report.totals;
        eprintln!(
            "{} source records → {} emitted, {} skipped, {} filtered; {} payload lines in {} files in {} ({:.1} s: staging {:.1} s, run {:.1} s)",
            t.records,
            t.emitted,
            t.skipped,
            t.filtered,
            t.payload_lines,
            report.files.len(),
            args.out.display(),
            started.elapsed().as_secs_f64(),
            staged_at.duration_since(started).as_secs_f64(),
            staged_at.elapsed().as_secs_f64(),
        );
        if t.skipped > 0 {
            eprintln!(
                "skipped records are listed by reason in {}",
                args.out.join("report.md").display()
            );
        }
    }
    // The process ends here: freeing millions of staged cells one by one
    // would only delay the exit (by a tenth of the run's CPU time).
    drop(report);
    std::mem::forget(staged);
    exit::OK
}

fn io_error(out: &Path, e: &std::io::Error) -> u8 {
    super::usage_error(
        codes::E1004,
        format!("cannot write the run to {}: {e}", out.display()),
    )
}

fn write_plan(plan: &crate::plan::Plan, dir: &Path) -> std::io::Result<()> {
    let mut json = serde_json::to_vec_pretty(plan).map_err(std::io::Error::other)?;
    json.push(b'\n');
    std::fs::write(dir.join("plan.json"), json)
}

/// A progress bar over `len` `unit`s, drawn only when `show`.
fn bar(show: bool, len: Option<u64>, unit: &str) -> ProgressBar {
    let target = if show {
        ProgressDrawTarget::stderr()
    } else {
        ProgressDrawTarget::hidden()
    };
    let b = ProgressBar::with_draw_target(len, target);
    let template = format!(
        "{{msg:32!}} [{{bar:32}}] {{human_pos}}/{{human_len}} {unit} {{elapsed}}, eta {{eta}}"
    );
    if let Ok(style) = ProgressStyle::with_template(&template) {
        b.set_style(style.progress_chars("=> "));
    }
    if show {
        // Staging a large file shows no progress for a while; keep time moving.
        b.enable_steady_tick(Duration::from_millis(200));
    }
    b
}

/// `ferry bench-floor`: the CSV → JSON-lines baseline of `bench/run.sh`.
#[derive(clap::Args, Debug)]
pub struct FloorArgs {
    /// The export bundle folder.
    #[arg(long, value_name = "DIR")]
    input: PathBuf,
    /// Where to write `<file>.jsonl` (created if missing).
    #[arg(long, value_name = "DIR")]
    out: PathBuf,
    /// Convert only the files this spec reads (default: every `*.csv`).
    #[arg(long)]
    spec: Option<PathBuf>,
    #[arg(long, default_value_t = 2)]
    threads: usize,
}

pub fn floor(args: FloorArgs) -> u8 {
    let names: Vec<String> = match &args.spec {
        Some(spec) => match super::compile_for(spec, None, true) {
            Ok(c) => c.plan.sources.iter().map(|s| s.file.clone()).collect(),
            Err(status) => return status,
        },
        None => match std::fs::read_dir(&args.input) {
            Ok(entries) => {
                let mut v: Vec<String> = entries
                    .filter_map(|e| e.ok())
                    .map(|e| e.file_name().to_string_lossy().into_owned())
                    .filter(|n| n.ends_with(".csv"))
                    .collect();
                v.sort();
                v
            }
            Err(e) => return io_error(&args.input, &e),
        },
    };
    if let Err(e) = std::fs::create_dir_all(&args.out) {
        return io_error(&args.out, &e);
    }
    let started = Instant::now();
    match emit::floor::convert(&args.input, &names, &args.out, args.threads) {
        Ok(s) => {
            println!(
                "{{\"files\":{},\"records\":{},\"bytes_in\":{},\"bytes_out\":{},\"seconds\":{:.3}}}",
                s.files,
                s.records,
                s.bytes_in,
                s.bytes_out,
                started.elapsed().as_secs_f64()
            );
            exit::OK
        }
        Err(e) => io_error(&args.out, &e),
    }
}
