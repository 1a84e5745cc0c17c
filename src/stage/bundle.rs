//! Staging a whole export bundle for a plan: the CSV files of every source
//! object the plan reads → a typed [`Dataset`] (source rules applied) and a
//! [`StageReport`].
//!
//! Input: a [`Plan`] and the bundle folder. Output: [`Staged`], or fatal
//! diagnostics (a required file or column missing, a file that cannot be
//! read). Invariants: every row of every file is either staged or listed in
//! the report with its file, line and reason (per file, rows = staged +
//! rejected + dropped); bad cells are reported with their code (E08xx),
//! never silently guessed; files are staged in parallel (two workers) but
//! assembled in plan order, so the dataset and the report are deterministic.

use super::cells::Conventions;
use super::file::{stage_file, FileOutcome};
use super::headers::{custom_labels, CustomLabels};
use super::used::Used;
use crate::diagnostics::{codes, did_you_mean, Diagnostic, Diagnostics};
use crate::plan::Plan;
use crate::runtime::data::{Dataset, Table};
use crate::runtime::exec::{apply_source_rules, DropReason};
use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use serde::Serialize;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

pub use super::coverage::{coverage_rows, dry_run, CoverageRow};
pub use super::coverage_enum::{enum_rows, with_enum_rows};

/// A staged bundle: the records the runtime reads, and what staging found.
pub struct Staged {
    /// Typed records after `source` rules (`where`, `dedupe`).
    pub data: Dataset,
    pub report: StageReport,
}

/// What staging found; written as `stage-report.json` / `.md` and folded
/// into the run report.
#[derive(Debug, Default, Serialize)]
pub struct StageReport {
    /// The bundle folder as given.
    pub input: String,
    /// `export.taken_at` (UTC), from `manifest.json` or the folder's date.
    pub taken_at: Option<String>,
    pub files: Vec<FileReport>,
    /// Cell and file problems in plan order, then file order.
    pub issues: Vec<RowIssue>,
    /// Rows not staged: a key or required value is missing or invalid, or
    /// the primary key repeats an earlier record's (E0815).
    pub rejected: Vec<RejectedRecord>,
    pub dropped: Vec<DroppedRecord>,
    pub orphans: Vec<OrphanReport>,
    /// Values value maps met that no arm lists. `stage` leaves this empty;
    /// `ferry stage` fills it from a dry run ([`dry_run`]), `ferry run` from
    /// its real run (both through [`coverage_rows`]).
    pub coverage: Vec<CoverageRow>,
}

/// One source file: how it was read and how many rows it had.
#[derive(Debug, Default, Serialize)]
pub struct FileReport {
    pub object: String,
    pub file: String,
    pub found: bool,
    pub encoding: String,
    pub delimiter: String,
    /// Records read (blank lines not counted): staged + rejected + dropped.
    pub rows: u64,
    pub staged: u64,
    /// Plan column → header it was read from (`first_name` ← `Fornavn`).
    pub headers: Vec<(String, String)>,
    pub notes: Vec<String>,
    pub rejected: u64,
    /// Removed by the object's `source` rules.
    pub dropped: u64,
    pub bytes: u64,
    pub bom: bool,
    /// The file began with Excel's `sep=` line.
    pub sep_line: bool,
    /// `crlf`, `lf` or `none`.
    pub line_ending: String,
}

/// A problem with one cell or row, with its place in the export.
#[derive(Debug, Serialize)]
pub struct RowIssue {
    pub code: String,
    pub file: String,
    /// 1-based physical line; the header line for problems of the whole
    /// file or column, 0 for a file that is not there.
    pub line: u32,
    pub column: String,
    pub value: String,
    pub message: String,
}

/// A row that was not staged.
#[derive(Debug, Serialize)]
pub struct RejectedRecord {
    pub object: String,
    /// `contacts:4812231` from the row's key cells as written.
    pub id: String,
    pub file: String,
    pub line: u32,
    /// The code of the problem that made the row unusable.
    pub code: String,
    pub reason: String,
}

/// A record a `source` rule removed.
#[derive(Debug, Serialize)]
pub struct DroppedRecord {
    pub id: String,
    pub file: String,
    pub line: u32,
    /// `source where`, `duplicate of contacts:1041`, or a skip reason.
    pub reason: String,
    pub object: String,
    /// `where` or `dedupe`.
    pub rule: String,
}

/// References to records that are not in the staged bundle (E0814).
#[derive(Debug, Serialize)]
pub struct OrphanReport {
    /// `contacts.manager` (relations sharing the same columns are listed once).
    pub relation: String,
    pub count: u64,
    /// How many of them point at records staging removed (rejected rows,
    /// `source` rules); the rest name records the bundle does not have.
    pub removed: u64,
    /// Up to five record ids holding a dangling reference.
    pub examples: Vec<String>,
    /// `contacts.manager_contact_id`
    pub column: String,
    /// `contacts.contact_id`
    pub target: String,
    pub file: String,
    /// Lines of the examples.
    pub lines: Vec<u32>,
    /// Up to five of the dangling values.
    pub values: Vec<String>,
}

/// How to stage: the bundle's conventions, which columns, and an optional
/// progress hook.
pub struct StageOptions<'a> {
    pub conventions: Conventions,
    /// Read and check every column of every file (`ferry stage`). When
    /// false (`ferry run`), only the columns the plan can read are parsed,
    /// plus keys and required columns (which decide whether a row is
    /// rejected); the others stay null and their cells are not checked.
    pub all_columns: bool,
    /// Called after each file is staged (from a worker thread).
    pub progress: Option<&'a (dyn Fn(&FileReport) + Sync)>,
}

impl StageOptions<'_> {
    /// The standard descriptor's conventions for `plan`'s source system.
    pub fn standard(plan: &Plan) -> StageOptions<'static> {
        StageOptions {
            conventions: Conventions::standard(plan),
            all_columns: false,
            progress: None,
        }
    }
}

/// Stages every source object of `plan` from the bundle in `input`.
pub fn stage(plan: &Plan, input: &Path) -> Result<Staged, Diagnostics> {
    stage_with(plan, input, &StageOptions::standard(plan))
}

const WORKERS: usize = 2;

/// [`stage`] with explicit options.
pub fn stage_with(
    plan: &Plan,
    input: &Path,
    opts: &StageOptions<'_>,
) -> Result<Staged, Diagnostics> {
    let mut fatal = Diagnostics::new();
    let listing = match super::lookup::Listing::read(input) {
        Ok(l) => l,
        Err(e) => {
            fatal.push(Diagnostic::new(
                codes::E1001,
                format!("cannot read the bundle folder `{}`: {e}", input.display()),
            ));
            return Err(fatal);
        }
    };
    let mut report = StageReport {
        input: input.display().to_string(),
        ..StageReport::default()
    };
    // Where each source's file is, in plan order.
    let mut paths: Vec<Option<(PathBuf, String)>> = Vec::with_capacity(plan.sources.len());
    let mut missing: Vec<FileReport> = Vec::new();
    for s in &plan.sources {
        let not_a_file = listing.not_a_file(&s.file);
        match listing.find(&s.file) {
            Some((path, name)) => paths.push(Some((path.clone(), name.clone()))),
            None if s.optional && not_a_file.is_none() => {
                paths.push(None);
                missing.push(FileReport {
                    object: s.name.clone(),
                    file: s.file.clone(),
                    notes: vec![format!(
                        "`{}` is not in the bundle; {} is optional and staged empty",
                        s.file, s.name
                    )],
                    ..FileReport::default()
                });
            }
            None => {
                paths.push(None);
                let names = listing.files.values().map(|(_, n)| n.as_str());
                let what = match not_a_file {
                    Some((name, what)) => format!("`{name}` in the bundle is {what}, not a file"),
                    None => format!("the bundle has no `{}`", s.file),
                };
                fatal.push(
                    Diagnostic::new(
                        codes::E0821,
                        format!("{what}; the spec reads `{}` for {}", s.file, s.name),
                    )
                    .help(format!(
                        "looked in `{}` (file names are matched ignoring case)",
                        input.display()
                    ))
                    .maybe_help(did_you_mean(&s.file, names).filter(|_| not_a_file.is_none())),
                );
            }
        }
    }
    let labels = labels_for(plan, &listing.files);
    let used = if opts.all_columns {
        Used::all(plan)
    } else {
        Used::of(plan)
    };
    let outcomes = stage_files(plan, &paths, &labels, &used, opts);
    let mut tables = Vec::with_capacity(plan.sources.len());
    let mut missing = missing.into_iter();
    for (i, (s, out)) in plan.sources.iter().zip(outcomes).enumerate() {
        match out {
            None => {
                tables.push(Table::new(s.file.as_str(), s.columns.len()));
                if paths[i].is_none() && s.optional {
                    report.files.push(missing.next().unwrap_or_default());
                }
            }
            Some(Err(diags)) => fatal.extend(diags),
            Some(Ok(mut o)) => {
                o.report.notes.extend(listing.also(&s.file));
                tables.push(o.table);
                report.files.push(o.report);
                report.issues.extend(o.issues);
                report.rejected.extend(o.rejected);
            }
        }
    }
    if fatal.has_errors() {
        return Err(fatal);
    }
    let lines: Vec<Vec<u32>> = tables
        .iter()
        .map(|t| (0..t.len() as u32).map(|r| t.line(r)).collect())
        .collect();
    let mut data = Dataset::new(plan, tables);
    let (taken_at, how) = taken_at(input);
    data.taken_at = taken_at;
    report.taken_at = taken_at.map(|t| format!("{} ({how})", t.format("%Y-%m-%d %H:%M:%S UTC")));
    let pre = super::orphans::PreKeys::collect(plan, &data);
    let (data, dropped) = apply_source_rules(plan, data);
    let mut removed = pre.removed(dropped.iter().map(|d| (d.object, d.row)));
    for r in &report.rejected {
        let Some(o) = plan.sources.iter().position(|s| s.name == r.object) else {
            continue;
        };
        if let [pk] = plan.sources[o].primary_key[..] {
            let key = r.id.split_once(':').map_or("", |(_, k)| k);
            removed.add(o as u32, pk, key);
        }
    }
    for d in dropped {
        let s = &plan.sources[d.object as usize];
        let line = lines[d.object as usize]
            .get(d.row as usize)
            .copied()
            .unwrap_or(0);
        let (rule, reason) = match d.why {
            DropReason::Filtered => ("where", "source where".to_string()),
            DropReason::Duplicate { kept } => ("dedupe", format!("duplicate of {kept}")),
            DropReason::Skipped(r) => ("where", r),
            DropReason::Failed(e) => ("where", format!("{}: {}", e.code, e.message)),
        };
        report.dropped.push(DroppedRecord {
            id: d.id,
            file: s.file.clone(),
            line,
            reason,
            object: s.name.clone(),
            rule: rule.into(),
        });
    }
    // Staging's key checks and the run look keys up in the same indexes.
    data.build_indexes(WORKERS);
    let data = super::keys::reject_duplicate_keys(plan, data, &mut report);
    report.orphans = super::orphans::find(plan, &data, &removed);
    for f in &mut report.files {
        let Some(i) = plan.sources.iter().position(|s| s.name == f.object) else {
            continue;
        };
        f.staged = data.len(i as u32) as u64;
        f.dropped = report
            .dropped
            .iter()
            .filter(|d| d.object == f.object)
            .count() as u64;
        f.rejected = report
            .rejected
            .iter()
            .filter(|r| r.object == f.object)
            .count() as u64;
    }
    Ok(Staged { data, report })
}

/// Lower-cased file name → (path, name as on disk).
/// Custom-field labels, read only when a plan column is spelled `dataN`.
fn labels_for(plan: &Plan, listing: &HashMap<String, (PathBuf, String)>) -> CustomLabels {
    let wants = plan
        .sources
        .iter()
        .flat_map(|s| &s.columns)
        .flat_map(|c| &c.headers)
        .any(|h| {
            let h = h.trim().to_lowercase();
            h.len() > 4 && h.starts_with("data") && h[4..].bytes().all(|b| b.is_ascii_digit())
        });
    match listing.get("contact_fields.csv") {
        Some((path, _)) if wants => std::fs::read(path).map(custom_labels).unwrap_or_default(),
        _ => CustomLabels::new(),
    }
}

type Outcome = Result<FileOutcome, Vec<Diagnostic>>;

/// Stages the files found, largest first, on [`WORKERS`] threads; results in plan order.
fn stage_files(
    plan: &Plan,
    paths: &[Option<(PathBuf, String)>],
    labels: &CustomLabels,
    used: &Used,
    opts: &StageOptions<'_>,
) -> Vec<Option<Outcome>> {
    let mut jobs: Vec<(usize, u64)> = paths
        .iter()
        .enumerate()
        .filter_map(|(i, p)| {
            p.as_ref()
                .map(|(path, _)| (i, std::fs::metadata(path).map_or(0, |m| m.len())))
        })
        .collect();
    jobs.sort_by_key(|&(i, size)| (std::cmp::Reverse(size), i));
    let next = AtomicUsize::new(0);
    let work = || {
        let mut done: Vec<(usize, Outcome)> = Vec::new();
        loop {
            let j = next.fetch_add(1, Ordering::Relaxed);
            let Some(&(i, _)) = jobs.get(j) else { break };
            let Some((path, name)) = &paths[i] else {
                continue;
            };
            let source = &plan.sources[i];
            let out = match std::fs::read(path) {
                Ok(bytes) => {
                    let used = used.columns.get(i).map_or(&[][..], Vec::as_slice);
                    stage_file(plan, source, name, bytes, &opts.conventions, labels, used)
                }
                Err(e) => Err(vec![Diagnostic::new(
                    codes::E0801,
                    format!("`{name}` cannot be read: {e}"),
                )]),
            };
            if let (Some(p), Ok(o)) = (opts.progress, &out) {
                p(&o.report);
            }
            done.push((i, out));
        }
        done
    };
    let mut results: Vec<Option<Outcome>> = (0..paths.len()).map(|_| None).collect();
    std::thread::scope(|s| {
        let handles: Vec<_> = (0..WORKERS.min(jobs.len().max(1)))
            .map(|_| s.spawn(work))
            .collect();
        for h in handles {
            match h.join() {
                Ok(done) => {
                    for (i, out) in done {
                        results[i] = Some(out);
                    }
                }
                Err(_) => {
                    // A worker panicked: a bug in ferry, reported, never a partial result.
                    for (i, r) in results.iter_mut().enumerate() {
                        if r.is_none() && paths[i].is_some() {
                            *r = Some(Err(vec![Diagnostic::new(
                                codes::E0801,
                                format!("internal error while staging `{}`", plan.sources[i].file),
                            )]));
                        }
                    }
                }
            }
        }
    });
    results
}

/// When the export was taken: `manifest.json`'s `taken_at`, else the
/// `_YYYYMMDD` at the end of the folder name (midnight UTC).
fn taken_at(input: &Path) -> (Option<DateTime<Utc>>, &'static str) {
    /// Only the field wanted: the rest of the manifest is skipped, not built.
    #[derive(serde::Deserialize)]
    struct Manifest {
        taken_at: Option<String>,
    }
    if let Ok(text) = std::fs::read_to_string(input.join("manifest.json")) {
        let t = serde_json::from_str::<Manifest>(&text)
            .ok()
            .and_then(|m| m.taken_at);
        if let Some(t) = t.and_then(|t| NaiveDateTime::parse_from_str(&t, "%Y-%m-%d %H:%M:%S").ok())
        {
            return (Some(t.and_utc()), "manifest.json");
        }
    }
    let name = input
        .canonicalize()
        .ok()
        .and_then(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
        .unwrap_or_default();
    let date = name
        .rsplit('_')
        .next()
        .filter(|d| d.len() == 8)
        .and_then(|d| NaiveDate::parse_from_str(d, "%Y%m%d").ok());
    match date {
        Some(d) => (
            Some(d.and_time(chrono::NaiveTime::MIN).and_utc()),
            "folder name",
        ),
        None => (None, ""),
    }
}
