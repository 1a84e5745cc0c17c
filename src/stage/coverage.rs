//! Value-map coverage: the values value maps met that no arm lists.
//!
//! Input: a plan and a staged dataset ([`dry_run`]), or the [`Coverage`] a
//! real run collected ([`coverage_rows`]). Output: one [`CoverageRow`] per
//! uncovered value with its count and example record ids. Invariants: the
//! dry run discards every output and changes nothing; rows are ordered by
//! map (spec order), then count (highest first), then value.

use crate::plan::Plan;
use crate::runtime::exec::run_unit;
use crate::runtime::{Coverage, Ctx, Dataset};
use serde::Serialize;

/// A value a value map met that none of its arms lists.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CoverageRow {
    /// The value map (`enrollment_status`).
    pub map: String,
    pub value: String,
    pub count: u64,
    /// Up to three record ids (`learning_enrollments:88012`).
    pub examples: Vec<String>,
    /// What the records got: `else` (the map's else arm) or `null`.
    pub outcome: String,
}

/// Runs every unit of `plan` over `data` and returns the coverage counts;
/// records, skips and errors are discarded.
pub fn dry_run(plan: &Plan, data: &Dataset) -> Coverage {
    let mut ctx = Ctx::new(plan, data);
    for unit in &plan.units {
        run_unit(&mut ctx, unit, |_, outcome| drop(outcome));
    }
    ctx.coverage
}

/// The uncovered values of `cov` as report rows.
pub fn coverage_rows(plan: &Plan, cov: &Coverage) -> Vec<CoverageRow> {
    let mut out = Vec::new();
    for (i, m) in cov.maps.iter().enumerate() {
        let Some(map) = plan.value_maps.get(i) else {
            continue;
        };
        let outcome = if map.otherwise.is_some() {
            "else"
        } else {
            "null"
        };
        let mut rows: Vec<CoverageRow> = m
            .misses
            .iter()
            .map(|(value, miss)| CoverageRow {
                map: map.name.clone(),
                value: value.clone(),
                count: miss.count,
                examples: miss.examples.clone(),
                outcome: outcome.to_string(),
            })
            .collect();
        rows.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.value.cmp(&b.value)));
        out.extend(rows);
    }
    out
}
