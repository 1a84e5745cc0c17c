//! Value-map coverage of the values staging refused as unknown enum values.
//!
//! Input: a plan, the stage report (its E0810 issues, rejected and dropped
//! rows) and the staged dataset. Output: one [`CoverageRow`] per value
//! map and unknown value — with its count and up to three example ids —
//! for the maps indexed directly by an enum column (`emp[employment_status]`).
//! Why: staging turns an unknown enum value into null (E0810), so the value
//! map only ever sees null and the dry run never lists the value; but the
//! coverage must list every value in the data that no arm covers.
//! Invariants: the rows say the value is outside the descriptor's enum
//! (outcome [`OUTSIDE`]); maps read through a relation (`manager.status`)
//! are not matched (the column belongs to another record); ordering is
//! the dry run's: map (spec order), count (highest first), value.

use super::bundle::{RowIssue, StageReport};
use super::coverage::CoverageRow;
use crate::plan::Plan;
use crate::runtime::Dataset;
use crate::value::RecRef;
use std::collections::{BTreeSet, HashMap, HashSet};

/// The outcome shown for such values.
pub const OUTSIDE: &str =
    "null: not one of the descriptor's values for the column, so no arm sees it (E0810)";

/// `(map, object, column)` for every `map[column]` read on a unit's own record.
fn indexed_columns(plan: &Plan) -> BTreeSet<(u32, u32, u32)> {
    // The plan's expressions are walked through their serialized form, so
    // the walk needs no list of expression kinds; it stops where the
    // current record changes (relations, merge members, list elements).
    fn walk(v: &serde_json::Value, object: u32, out: &mut BTreeSet<(u32, u32, u32)>) {
        match v {
            serde_json::Value::Object(m) => {
                if let Some(vm) = m.get("ValueMap") {
                    let map = vm.get("map").and_then(serde_json::Value::as_u64);
                    let col = vm
                        .pointer("/key/kind/Column")
                        .and_then(serde_json::Value::as_u64);
                    if let (Some(map), Some(col)) = (map, col) {
                        out.insert((map as u32, object, col as u32));
                    }
                }
                for (k, v) in m {
                    if !matches!(k.as_str(), "Nav" | "Members" | "Map" | "Filter") {
                        walk(v, object, out);
                    }
                }
            }
            serde_json::Value::Array(a) => a.iter().for_each(|v| walk(v, object, out)),
            _ => {}
        }
    }
    let mut out = BTreeSet::new();
    for u in &plan.units {
        if let Ok(v) = serde_json::to_value(u) {
            walk(&v, u.source, &mut out);
        }
    }
    out
}

/// The coverage rows of the unknown enum values that value maps index.
pub fn enum_rows(plan: &Plan, report: &StageReport, data: &Dataset) -> Vec<CoverageRow> {
    let indexed = indexed_columns(plan);
    // The E0810 issues of indexed columns, with their map, first: most runs
    // have none, and then no record id is looked up at all.
    let mut hits: Vec<(usize, &RowIssue)> = Vec::new();
    let mut objects = BTreeSet::new();
    for m in 0..plan.value_maps.len() {
        for &(_, o, c) in indexed.range((m as u32, 0, 0)..(m as u32 + 1, 0, 0)) {
            let source = &plan.sources[o as usize];
            let Some(col) = source.columns.get(c as usize) else {
                continue;
            };
            let before = hits.len();
            hits.extend(
                report
                    .issues
                    .iter()
                    .filter(|i| {
                        i.code == "E0810"
                            && i.column == col.name
                            && i.file.eq_ignore_ascii_case(&source.file)
                    })
                    .map(|i| (m, i)),
            );
            if hits.len() > before {
                objects.insert(o);
            }
        }
    }
    if hits.is_empty() {
        return Vec::new();
    }
    // Record ids of just those (file, line)s: staged, rejected or dropped.
    let wanted: HashSet<(&str, u32)> = hits
        .iter()
        .map(|(_, i)| (i.file.as_str(), i.line))
        .collect();
    let mut ids: HashMap<(&str, u32), String> = HashMap::new();
    for &o in &objects {
        for row in 0..data.len(o) as u32 {
            let r = RecRef { object: o, row };
            let (file, line) = data.origin(r);
            if wanted.contains(&(file, line)) {
                ids.insert((file, line), data.record_id(r));
            }
        }
    }
    let rejected = report.rejected.iter().map(|r| (&r.file, r.line, &r.id));
    let dropped = report.dropped.iter().map(|d| (&d.file, d.line, &d.id));
    for (file, line, id) in rejected.chain(dropped) {
        if wanted.contains(&(file.as_str(), line)) {
            ids.entry((file, line)).or_insert_with(|| id.clone());
        }
    }
    let mut out = Vec::new();
    for (m, map) in plan.value_maps.iter().enumerate() {
        let mut rows: Vec<CoverageRow> = Vec::new();
        for &(_, i) in hits.iter().filter(|(hm, _)| *hm == m) {
            let id = ids
                .get(&(i.file.as_str(), i.line))
                .cloned()
                .unwrap_or_else(|| format!("{}:{}", i.file, i.line));
            match rows.iter_mut().find(|r| r.value == i.value) {
                Some(r) => {
                    r.count += 1;
                    if r.examples.len() < 3 {
                        r.examples.push(id);
                    }
                }
                None => rows.push(CoverageRow {
                    map: map.name.clone(),
                    value: i.value.clone(),
                    count: 1,
                    examples: vec![id],
                    outcome: OUTSIDE.to_string(),
                }),
            }
        }
        rows.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.value.cmp(&b.value)));
        out.extend(rows);
    }
    out
}

/// `rows` (the dry run's or a run's) with the [`enum_rows`] of each map
/// after that map's own rows, maps in spec order.
pub fn with_enum_rows(
    plan: &Plan,
    mut rows: Vec<CoverageRow>,
    report: &StageReport,
    data: &Dataset,
) -> Vec<CoverageRow> {
    rows.extend(enum_rows(plan, report, data));
    let order = |name: &str| plan.value_maps.iter().position(|m| m.name == name);
    rows.sort_by_key(|r| order(&r.map));
    rows
}
