//! Twenty: REST batch create (upsert) and single-record updates.
//!
//! Input: payload lines of Twenty targets (plural object names: `people`,
//! `companies`, `noteTargets`, …). Output: `POST /rest/batch/<objects>`
//! (`?upsert=true` by default) with a JSON array of at most [`BATCH`]
//! records; deferred `update` lines become `PATCH /rest/<objects>/<id>`,
//! one per record (the REST API has no batch update).
//!
//! Invariants: composite fields arrive nested from the envelope
//! (`{"name": {"firstName": …}}`) and are sent as they are; the key field
//! is sent as an ordinary field; every ref becomes the destination UUID
//! from the ledger; a note or task target's `target` ref becomes the column
//! of the referenced object in the chosen [`Targets`] generation, and
//! explicit columns of either generation are renamed to it.

use super::{assemble, parse_all, Call, Line, Op, Piece, RecordError, Refs, Rendered, Request};
use crate::diagnostics::codes;
use serde_json::{Map, Value};

/// Records per batch request (the docs' safe cloud limit; the code default
/// is 100, destination-apis.md §1.7).
pub const BATCH: usize = 60;

/// Which generation of note/task target columns the workspace has
/// (destination-apis.md §1.5; the loader reads `GET /rest/metadata/objects`
/// to choose).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Targets {
    /// `personId`, `companyId`, `opportunityId`: older workspaces and the
    /// v1.0.3 OpenAPI in `../shared/contracts/`.
    Legacy,
    /// `targetPersonId`, `targetCompanyId`, `targetOpportunityId`: the
    /// morph relation behind `IS_NOTE_TARGET_MIGRATED` /
    /// `IS_TASK_TARGET_MIGRATED`, on by default in current Twenty.
    #[default]
    Current,
}

#[derive(Clone, Copy, Debug)]
pub struct Options {
    pub targets: Targets,
    /// Send batches with `?upsert=true`, so a resent batch updates instead
    /// of failing whole (batches are atomic). Which unique field Twenty
    /// matches on is [UNVERIFIED]; the v1.0.3 OpenAPI predates the flag.
    pub upsert: bool,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            targets: Targets::default(),
            upsert: true,
        }
    }
}

/// Renders `lines` as batch creates and single updates.
pub fn render(lines: &[Value], refs: &Refs<'_>, opts: &Options) -> Rendered {
    let mut out = Rendered::default();
    let mut pieces = Vec::new();
    for l in parse_all(lines, &mut out.errors) {
        let record = match record(&l, refs, opts) {
            Ok(r) => r,
            Err(e) => {
                out.errors.push(e);
                continue;
            }
        };
        match l.op {
            Op::Upsert => pieces.push(Piece::Batched {
                group: l.target,
                id: l.id.to_string(),
                record,
            }),
            Op::Update => match refs.id(l.id, "id", l.id) {
                Ok(own) => pieces.push(Piece::Single(Call {
                    request: Request {
                        method: "PATCH",
                        path: format!("/rest/{}/{own}", l.target),
                        body: record,
                    },
                    ids: vec![l.id.to_string()],
                })),
                Err(e) => out.errors.push(e),
            },
        }
    }
    let query = if opts.upsert { "?upsert=true" } else { "" };
    out.calls = assemble(pieces, BATCH, |target, records| Request {
        method: "POST",
        path: format!("/rest/batch/{target}{query}"),
        body: Value::Array(records),
    });
    out
}

/// The objects whose records link a note or task to one target.
fn is_link(target: &str) -> bool {
    matches!(target, "noteTargets" | "taskTargets")
}

fn record(l: &Line<'_>, refs: &Refs<'_>, opts: &Options) -> Result<Value, RecordError> {
    let mut m = Map::new();
    if l.op == Op::Upsert {
        if let Some((k, v)) = l.key {
            m.insert(k.into(), v.clone());
        }
    }
    for (k, v) in l.fields {
        m.insert(k.clone(), v.clone());
    }
    let mut linked = false;
    for &(field, r) in &l.refs {
        let id = Value::String(refs.id(l.id, field, r)?);
        if !is_link(l.target) {
            m.insert(field.into(), id);
            continue;
        }
        let column = if field == "target" {
            let object = refs.index.target(r).ok_or_else(|| {
                RecordError::new(
                    l.id,
                    codes::E0915,
                    format!("the {} target {r} is not a record of this run", l.target),
                )
            })?;
            column_for(object, opts.targets).ok_or_else(|| {
                RecordError::new(
                    l.id,
                    codes::E0915,
                    format!("a {} record cannot link to {object} ({r})", l.target),
                )
            })?
        } else {
            match explicit_column(field) {
                Some(object) => {
                    column_for(object, opts.targets).unwrap_or_else(|| field.to_string())
                }
                None => field.to_string(),
            }
        };
        linked |= column != "noteId" && column != "taskId";
        m.insert(column, id);
    }
    if is_link(l.target) && l.op == Op::Upsert && !linked {
        return Err(RecordError::new(
            l.id,
            codes::E0915,
            format!("the {} record links to nothing (no target)", l.target),
        ));
    }
    Ok(Value::Object(m))
}

/// The object an explicit target column of either generation names.
fn explicit_column(field: &str) -> Option<&'static str> {
    Some(match field {
        "personId" | "targetPersonId" => "people",
        "companyId" | "targetCompanyId" => "companies",
        "opportunityId" | "targetOpportunityId" => "opportunities",
        _ => return None,
    })
}

/// The target column for a record of `object`.
fn column_for(object: &str, targets: Targets) -> Option<String> {
    let singular = match object {
        "people" => "Person",
        "companies" => "Company",
        "opportunities" => "Opportunity",
        _ => return None,
    };
    Some(match targets {
        Targets::Legacy => {
            let mut s = singular.to_string();
            s[..1].make_ascii_lowercase();
            format!("{s}Id")
        }
        Targets::Current => format!("target{singular}Id"),
    })
}
