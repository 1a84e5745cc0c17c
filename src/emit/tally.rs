//! What a run counted: per unit and target, skipped and flagged records,
//! value-map coverage and owner emails.
//!
//! Input: the chunks of [`super::chunk`], merged in chunk order. Output: a
//! [`Tally`] the report is built from.
//! Invariants: merging chunks in order gives exactly what one sequential
//! pass would (lists keep source order, coverage examples are the first
//! ones seen), so the report does not depend on the number of threads;
//! every source record a unit saw is counted once as emitted, skipped or
//! filtered (a merge group counts its members).

use crate::runtime::Coverage;
use crate::span::Span;
use std::collections::BTreeSet;
use std::sync::Arc;

/// Where a skipped or flagged record was being run.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Scope {
    /// `plan.units[i]`
    Unit(u32),
    /// `plan.references[i]`
    Reference(u32),
}

/// Counts of one unit.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct UnitTally {
    /// Source records the unit saw (its object's staged records).
    pub records: u64,
    /// Records that became destination records.
    pub emitted: u64,
    /// Records skipped by `skip(…)` or an uncaught error.
    pub skipped: u64,
    /// Records a `where` did not select.
    pub filtered: u64,
    /// Merges: the groups formed (each one destination record or skip).
    pub groups: u64,
    /// `where` rule → records it filtered, in first-seen order.
    pub rules: Vec<(String, u64)>,
    /// By [`crate::runtime::Emitted::target`].
    pub targets: Vec<TargetTally>,
}

/// Counts of one target of a unit.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct TargetTally {
    /// Upsert lines written.
    pub records: u64,
    /// Deferred update lines written.
    pub updates: u64,
    /// Per destination field (layout order): records sending a non-null value.
    pub with_value: Vec<u64>,
    /// Per owner field (layout order of `owners`).
    pub owners: Vec<OwnerTally>,
}

/// How one owner lookup was filled over the records of a target.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct OwnerTally {
    /// An email from the record.
    pub email: u64,
    /// The `owners` policy's fallback owner (the record had no email).
    pub fallback: u64,
    /// No owner sent (no email and no fallback).
    pub none: u64,
}

impl OwnerTally {
    /// A record sent owner `email`: the fallback when it is the policy's
    /// `fallback` email, else an email from the record (kept in `emails`).
    pub(crate) fn sent(
        &mut self,
        email: &str,
        fallback: Option<&str>,
        emails: &mut foldhash::HashSet<Box<str>>,
    ) {
        if fallback == Some(email) {
            self.fallback += 1;
        } else {
            self.email += 1;
            if !emails.contains(email) {
                emails.insert(email.into());
            }
        }
    }
}

/// A record that did not become any destination record.
#[derive(Clone, Debug, PartialEq)]
pub struct SkipEntry {
    pub scope: Scope,
    /// The `skip("…")` reason, or the error code (`E0906`).
    pub reason: String,
    /// The error's message (none for a `skip`).
    pub message: Option<String>,
    /// The expression that skipped or failed, in the spec.
    pub span: Span,
    /// `contacts:1042` (a merge group: its first member).
    pub id: String,
    pub file: Arc<str>,
    /// 1-based line in `file`.
    pub row: u32,
    /// Source records it stands for (a merge group's member count).
    pub records: u64,
}

/// A record `flag(…)` marked for review (it was still emitted).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FlagEntry {
    pub scope: Scope,
    pub flag: String,
    pub id: String,
    pub file: Arc<str>,
    pub row: u32,
}

impl UnitTally {
    pub(crate) fn with_targets(targets: &[super::layout::TargetLayout]) -> UnitTally {
        UnitTally {
            targets: targets
                .iter()
                .map(|t| TargetTally {
                    with_value: vec![0; t.fields.len()],
                    owners: vec![OwnerTally::default(); t.owners.len()],
                    ..TargetTally::default()
                })
                .collect(),
            ..UnitTally::default()
        }
    }

    pub fn add_rule(&mut self, rule: &str, n: u64) {
        self.filtered += n;
        match self.rules.iter_mut().find(|(r, _)| r == rule) {
            Some((_, c)) => *c += n,
            None => self.rules.push((rule.to_string(), n)),
        }
    }

    pub fn merge(&mut self, other: &UnitTally) {
        self.records += other.records;
        self.emitted += other.emitted;
        self.skipped += other.skipped;
        self.groups += other.groups;
        for (rule, n) in &other.rules {
            self.add_rule(rule, *n);
        }
        if self.targets.len() < other.targets.len() {
            self.targets
                .resize_with(other.targets.len(), TargetTally::default);
        }
        for (a, b) in self.targets.iter_mut().zip(&other.targets) {
            a.records += b.records;
            a.updates += b.updates;
            add_all(&mut a.with_value, &b.with_value, |x, y| *x += y);
            add_all(&mut a.owners, &b.owners, |x, y| {
                x.email += y.email;
                x.fallback += y.fallback;
                x.none += y.none;
            });
        }
    }
}

fn add_all<T: Clone + Default>(a: &mut Vec<T>, b: &[T], add: impl Fn(&mut T, &T)) {
    if a.len() < b.len() {
        a.resize(b.len(), T::default());
    }
    for (x, y) in a.iter_mut().zip(b) {
        add(x, y);
    }
}

/// Counts of one reference document.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ReferenceTally {
    pub records: u64,
    pub written: u64,
    pub filtered: u64,
    pub skipped: u64,
    /// `references/automations.json`
    pub json: String,
    pub markdown: String,
    /// Values of a field whose credentials were replaced (field, count).
    pub redacted: Vec<(String, u64)>,
}

/// Everything a run counted.
#[derive(Debug, Default)]
pub struct Tally {
    /// By `plan.units` index.
    pub units: Vec<UnitTally>,
    /// By `plan.references` index.
    pub references: Vec<ReferenceTally>,
    /// In run order: units in spec order, source order within each.
    pub skips: Vec<SkipEntry>,
    pub flags: Vec<FlagEntry>,
    pub coverage: Coverage,
    /// Distinct owner emails sent in refs (lower-cased), sorted.
    pub owner_emails: BTreeSet<String>,
}
