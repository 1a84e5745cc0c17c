//! The run report: what `ferry run` did with every source record, as
//! `report.json` (everything, for tools and the loader), `report.md` and
//! `report.html` (the same findings for people, long lists cut to the
//! first few per reason with totals).
//!
//! Input: the plan, the staged dataset, the staging report and the
//! [`RunOutput`] of [`crate::emit::run`]. Output: a [`RunReport`] and its
//! three renderings.
//!
//! Invariants:
//! - every source record a unit saw is accounted for: staged = emitted +
//!   skipped + filtered per unit, and the rows of its file = rejected by
//!   staging + dropped by source rules + staged ([`Accounting::balanced`]);
//! - the report depends only on the plan, the data and the command line's
//!   spec and input paths: no clock, no output path, no environment value;
//! - `complete: true` is the last key of `report.json`, which is itself the
//!   last file moved into place (see [`crate::emit::outdir`]).

mod build;
pub mod doc;
pub mod redact;
mod render;

pub use build::{build, Inputs};

use crate::stage::bundle::StageReport;
use serde::Serialize;
use std::io;
use std::path::Path;

/// The first this-many entries per reason are shown in report.md/html.
pub const SHOWN_PER_REASON: usize = 10;

#[derive(Debug, Serialize)]
pub struct RunReport<'a> {
    pub ferry: Meta,
    /// The spec and the bundle folder, as given on the command line.
    pub spec: String,
    pub input: String,
    pub source_system: String,
    pub destination: String,
    pub totals: Totals,
    /// Routes, splits and merges in spec order.
    pub units: Vec<UnitReport>,
    /// Every source object the plan reads.
    pub sources: Vec<SourceReport>,
    /// Destination objects in load order.
    pub targets: Vec<TargetReport>,
    pub files: Vec<PayloadFile>,
    pub skipped: Skipped,
    pub flags: Flags,
    pub owners: Option<Owners>,
    pub value_maps: Vec<MapReport>,
    pub field_coverage: Vec<ObjectCoverage>,
    pub references: Vec<ReferenceReport>,
    pub staging: Option<&'a StageReport>,
    /// Written last: a report without it is not a finished run's.
    pub complete: bool,
}

#[derive(Debug, Serialize)]
pub struct Meta {
    pub version: String,
    /// Bumped when the shape of report.json changes incompatibly.
    pub report_format: u32,
}

#[derive(Debug, Default, Serialize)]
pub struct Totals {
    /// Source records the units saw (staged records of their objects).
    pub records: u64,
    pub emitted: u64,
    pub skipped: u64,
    pub filtered: u64,
    /// Lines in all payload files.
    pub payload_lines: u64,
    pub upserts: u64,
    pub updates: u64,
    pub placeholders: u64,
    pub flagged: u64,
}

#[derive(Debug, Serialize)]
pub struct UnitReport {
    /// `split contacts`
    pub label: String,
    /// `route`, `split` or `merge`.
    pub kind: String,
    pub source: String,
    pub file: String,
    /// Source records the unit saw.
    pub records: u64,
    pub emitted: u64,
    pub skipped: u64,
    pub filtered: u64,
    pub filtered_by: Vec<RuleCount>,
    /// Merges: the groups formed.
    pub groups: Option<u64>,
    pub targets: Vec<UnitTarget>,
    pub accounting: Accounting,
}

#[derive(Debug, Serialize)]
pub struct RuleCount {
    pub rule: String,
    pub records: u64,
}

#[derive(Debug, Serialize)]
pub struct UnitTarget {
    pub object: String,
    /// A split arm's condition (`else` for the last arm).
    pub when: Option<String>,
    pub records: u64,
    pub updates: u64,
}

/// Where every row of a unit's source file went.
#[derive(Debug, Serialize)]
pub struct Accounting {
    pub rows_in_file: u64,
    pub rejected_by_staging: u64,
    pub dropped_by_source_rules: u64,
    pub staged: u64,
    pub emitted: u64,
    pub skipped: u64,
    pub filtered: u64,
    /// rows = rejected + dropped + staged, and staged = emitted + skipped + filtered.
    pub balanced: bool,
}

#[derive(Debug, Serialize)]
pub struct SourceReport {
    pub object: String,
    pub file: String,
    pub found: bool,
    pub rows_in_file: u64,
    pub rejected_by_staging: u64,
    pub dropped_by_source_rules: u64,
    pub staged: u64,
    /// Units (and references) that read it.
    pub read_by: Vec<String>,
}

#[derive(Debug, Serialize)]
pub struct TargetReport {
    pub object: String,
    pub file: String,
    /// Upsert lines (placeholders included).
    pub records: u64,
    pub placeholders: u64,
    /// Lines of its deferred update file.
    pub updates: u64,
    pub from: Vec<String>,
}

#[derive(Debug, Serialize)]
pub struct PayloadFile {
    pub name: String,
    pub object: String,
    pub pass: crate::plan::Pass,
    pub lines: u64,
    pub bytes: u64,
}

#[derive(Debug, Default, Serialize)]
pub struct Skipped {
    /// Source records skipped (a merge group counts its members).
    pub records: u64,
    pub by_reason: Vec<ReasonCount>,
    /// Every skipped record or group, in run order.
    pub entries: Vec<SkipRow>,
}

#[derive(Debug, Serialize)]
pub struct ReasonCount {
    /// A `skip("…")` reason or an error code.
    pub reason: String,
    /// `skip` or `error`.
    pub kind: String,
    /// For error codes: what the code means.
    pub summary: Option<String>,
    pub records: u64,
}

#[derive(Debug, Serialize)]
pub struct SkipRow {
    /// `split contacts`, `reference automations`.
    pub unit: String,
    pub reason: String,
    pub message: Option<String>,
    /// The destination field whose value failed (`Contact.LastName`).
    pub field: Option<String>,
    pub id: String,
    pub file: String,
    pub row: u32,
    pub records: u64,
}

#[derive(Debug, Default, Serialize)]
pub struct Flags {
    pub by_flag: Vec<RuleCount>,
    pub entries: Vec<FlagRow>,
}

#[derive(Debug, Serialize)]
pub struct FlagRow {
    pub unit: String,
    pub flag: String,
    pub id: String,
    pub file: String,
    pub row: u32,
}

#[derive(Debug, Serialize)]
pub struct Owners {
    /// Attribute of destination users matched: `email`.
    pub match_on: String,
    pub fallback: Option<String>,
    /// `fallback skip("…")`: records without an owner email are skipped with it.
    pub fallback_skip: Option<String>,
    /// Distinct owner emails the payloads carry.
    pub distinct_emails: u64,
    /// The first of them, sorted (at most 100).
    pub emails: Vec<String>,
    pub fields: Vec<OwnerField>,
    pub note: String,
}

#[derive(Debug, Serialize)]
pub struct OwnerField {
    pub unit: String,
    pub object: String,
    pub field: String,
    /// Records carrying an email from the export.
    pub by_email: u64,
    /// Records given the fallback owner.
    pub fallback: u64,
    /// Records sent without an owner.
    pub unresolved: u64,
}

#[derive(Debug, Serialize)]
pub struct MapReport {
    pub name: String,
    pub arms: Vec<ArmReport>,
    /// Lookups with a null key (null result, no arm consulted).
    pub null_keys: u64,
    /// Keys no arm lists, most frequent first.
    pub unmatched: Vec<UnmatchedReport>,
    /// What an unmatched key gives: `else` outcome or `null`.
    pub otherwise: String,
}

#[derive(Debug, Serialize)]
pub struct ArmReport {
    pub when: Vec<String>,
    pub then: String,
    pub records: u64,
}

#[derive(Debug, Serialize)]
pub struct UnmatchedReport {
    pub value: String,
    pub records: u64,
    pub examples: Vec<String>,
}

#[derive(Debug, Serialize)]
pub struct ObjectCoverage {
    pub object: String,
    /// Records of this object the run sent (placeholders not counted).
    pub records: u64,
    pub fields: Vec<FieldCoverage>,
}

#[derive(Debug, Serialize)]
pub struct FieldCoverage {
    pub field: String,
    /// Records sending a value (not null, not `clear`).
    pub with_value: u64,
    pub deferred: bool,
}

#[derive(Debug, Serialize)]
pub struct ReferenceReport {
    pub title: String,
    pub source: String,
    pub records: u64,
    pub written: u64,
    pub filtered: u64,
    pub skipped: u64,
    pub json: String,
    pub markdown: String,
    /// Credentials replaced by `[redacted]`, by field (W0901).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub redacted: Vec<Redacted>,
}

/// How many values of one reference field held credentials.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Redacted {
    pub field: String,
    pub values: u64,
}

/// Writes `report.md`, `report.html` and `report.json` into `dir`.
pub fn write(dir: &Path, r: &RunReport<'_>) -> io::Result<()> {
    let doc = render::doc(r);
    std::fs::write(dir.join("report.md"), doc.markdown())?;
    std::fs::write(dir.join("report.html"), doc.html())?;
    let mut json = serde_json::to_vec_pretty(r).map_err(io::Error::other)?;
    json.push(b'\n');
    std::fs::write(dir.join("report.json"), json)
}

/// The Markdown rendering alone (for tests and `--format markdown` uses).
pub fn markdown(r: &RunReport<'_>) -> String {
    render::doc(r).markdown()
}
