//! Zoho CRM v8: upserts in the `data` envelope, Notes inserts, updates by
//! id.
//!
//! Input: payload lines of Zoho modules (standard and custom). Output, at
//! most [`BATCH`] records per call (destination-apis.md §4.2–4.3):
//! - `POST /crm/v8/<Module>/upsert` with `{"data": […],
//!   "duplicate_check_fields": [<key field>], "trigger": […]}`;
//! - Notes: `POST /crm/v8/Notes` with `{"data": […]}` (notes.json has no
//!   upsert; the ledger keeps re-runs from duplicating them);
//! - deferred `update` lines: `PUT /crm/v8/<Module>` with `{"data":
//!   [{"id": …, …}]}`.
//!
//! `Attachments` (files, one multipart upload per parent record) are not
//! rendered: E0914.
//!
//! Invariants: lookups and owners are `{"id": "…"}`; a note's `Parent_Id`
//! is `{"module": {"api_name": <module of the referenced record>}, "id":
//! "…"}` (the v8 form); a task's `What_Id` gets `$se_module` beside it; the
//! module always comes from the referenced line's target object.

use super::{assemble, parse_all, Line, Op, Piece, RecordError, Refs, Rendered, Request};
use crate::diagnostics::codes;
use serde_json::{json, Map, Value};

/// Records per insert, upsert or update call.
pub const BATCH: usize = 100;

#[derive(Clone, Debug, Default)]
pub struct Options {
    /// `trigger` of upserts and updates: empty (the default) runs no
    /// workflow, approval or blueprint for migrated records; add
    /// `"workflow"` etc. to run them.
    pub trigger: Vec<String>,
}

const NOTES: &str = "Notes";

/// Renders `lines` as Zoho calls.
pub fn render(lines: &[Value], refs: &Refs<'_>, opts: &Options) -> Rendered {
    let mut out = Rendered::default();
    let mut pieces = Vec::new();
    for l in parse_all(lines, &mut out.errors) {
        if l.target == "Attachments" {
            out.errors.push(RecordError::new(
                l.id,
                codes::E0914,
                "Attachments carry a file: the loader uploads each to its parent record, not as JSON",
            ));
            continue;
        }
        match record(&l, refs) {
            Ok(record) => pieces.push(Piece::Batched {
                group: (l.target, l.key.map(|k| k.0), l.op),
                id: l.id.to_string(),
                record,
            }),
            Err(e) => out.errors.push(e),
        }
    }
    out.calls = assemble(pieces, BATCH, |&(module, key, op), data| match op {
        Op::Upsert if module == NOTES => Request {
            method: "POST",
            path: format!("/crm/v8/{module}"),
            body: json!({ "data": data }),
        },
        Op::Upsert => {
            let mut body = json!({ "data": data, "trigger": opts.trigger });
            if let Some(k) = key {
                body["duplicate_check_fields"] = json!([k]);
            }
            Request {
                method: "POST",
                path: format!("/crm/v8/{module}/upsert"),
                body,
            }
        }
        Op::Update if module == NOTES => Request {
            method: "PUT",
            path: format!("/crm/v8/{module}"),
            body: json!({ "data": data }),
        },
        Op::Update => Request {
            method: "PUT",
            path: format!("/crm/v8/{module}"),
            body: json!({ "data": data, "trigger": opts.trigger }),
        },
    });
    out
}

fn record(l: &Line<'_>, refs: &Refs<'_>) -> Result<Value, RecordError> {
    let mut m = Map::new();
    match l.op {
        Op::Update => {
            m.insert("id".into(), Value::String(refs.id(l.id, "id", l.id)?));
        }
        Op::Upsert => {
            if let Some((k, v)) = l.key {
                m.insert(k.into(), v.clone());
            }
        }
    }
    for (k, v) in l.fields {
        m.insert(k.clone(), v.clone());
    }
    for &(field, r) in &l.refs {
        let id = refs.id(l.id, field, r)?;
        if super::is_owner(r) {
            m.insert(field.into(), json!({ "id": id }));
            continue;
        }
        let module = || {
            refs.index.target(r).ok_or_else(|| {
                RecordError::new(
                    l.id,
                    codes::E0915,
                    format!("{field} refers to {r}, whose module this run does not know"),
                )
            })
        };
        if field == "Parent_Id" && l.target == NOTES {
            m.insert(
                field.into(),
                json!({ "module": { "api_name": module()? }, "id": id }),
            );
        } else if field == "What_Id" {
            if !l.fields.contains_key("$se_module") {
                m.insert("$se_module".into(), Value::String(module()?.to_string()));
            }
            m.insert(field.into(), json!({ "id": id }));
        } else {
            m.insert(field.into(), json!({ "id": id }));
        }
    }
    Ok(Value::Object(m))
}
