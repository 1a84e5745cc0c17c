//! Pipedrive: one request per record; custom fields by name → hash.
//!
//! Input: payload lines of `persons`, `organizations`, `activities`,
//! `notes`, and `field_keys(object, name) → hash` (the loader reads
//! `GET /api/v2/personFields`, `organizationFields` at load time).
//! Output: `POST /api/v2/persons` (…organizations, …activities) and
//! `POST /v1/notes`; deferred `update` lines `PATCH /api/v2/<object>/<id>`
//! or `PUT /v1/notes/<id>` (destination-apis.md §3.2).
//!
//! Invariants: a field that is not one of the endpoint's own request
//! fields (pipedrive/client-nodejs v2 `AddPersonRequest`,
//! `AddOrganizationRequest`, `AddActivityRequest`, v1 `AddNoteRequest`) is
//! a custom field: it goes under `custom_fields` by its hash, and a name
//! without a hash, or a custom field on an endpoint that takes none, is an
//! E0913 error for the record, never dropped. The key field is a custom
//! field of persons and organizations; activities and notes take no custom
//! fields, so their key stays in the loader's ledger only. Ids are
//! integers; `emails`/`phones` lists of strings become `[{value, primary,
//! label}]`, the first primary.

use super::{numeric_id, parse_all, Call, Line, Op, RecordError, Refs, Rendered, Request};
use crate::diagnostics::codes;
use serde_json::{json, Map, Value};

/// Records per request: Pipedrive has no bulk create.
pub const BATCH: usize = 1;

struct Endpoint {
    path: &'static str,
    /// The method of an update by id.
    update: &'static str,
    /// The request's own fields.
    standard: &'static [&'static str],
    /// Whether `custom_fields` is accepted.
    custom: bool,
}

fn endpoint(object: &str) -> Option<Endpoint> {
    Some(match object {
        "persons" => Endpoint {
            path: "/api/v2/persons",
            update: "PATCH",
            standard: &[
                "name",
                "owner_id",
                "org_id",
                "add_time",
                "update_time",
                "emails",
                "phones",
                "visible_to",
                "label_ids",
                "marketing_status",
            ],
            custom: true,
        },
        // custom_fields on organizations: destination-apis.md §3.2 (the
        // stored versions of AddOrganizationRequest do not show it).
        "organizations" => Endpoint {
            path: "/api/v2/organizations",
            update: "PATCH",
            standard: &[
                "name",
                "owner_id",
                "add_time",
                "update_time",
                "visible_to",
                "label_ids",
                "address",
            ],
            custom: true,
        },
        "activities" => Endpoint {
            path: "/api/v2/activities",
            update: "PATCH",
            standard: &[
                "subject",
                "type",
                "owner_id",
                "deal_id",
                "lead_id",
                "person_id",
                "org_id",
                "project_id",
                "due_date",
                "due_time",
                "duration",
                "busy",
                "done",
                "location",
                "participants",
                "attendees",
                "public_description",
                "priority",
                "note",
            ],
            custom: false,
        },
        "notes" => Endpoint {
            path: "/v1/notes",
            update: "PUT",
            standard: &[
                "content",
                "lead_id",
                "deal_id",
                "person_id",
                "org_id",
                "project_id",
                "user_id",
                "add_time",
                "pinned_to_lead_flag",
                "pinned_to_deal_flag",
                "pinned_to_person_flag",
                "pinned_to_organization_flag",
                "pinned_to_project_flag",
            ],
            custom: false,
        },
        _ => return None,
    })
}

/// Renders `lines`, one call per record.
pub fn render(
    lines: &[Value],
    refs: &Refs<'_>,
    field_keys: &dyn Fn(&str, &str) -> Option<String>,
) -> Rendered {
    let mut out = Rendered::default();
    for l in parse_all(lines, &mut out.errors) {
        match call(&l, refs, field_keys) {
            Ok(c) => out.calls.push(c),
            Err(e) => out.errors.push(e),
        }
    }
    out
}

fn call(
    l: &Line<'_>,
    refs: &Refs<'_>,
    field_keys: &dyn Fn(&str, &str) -> Option<String>,
) -> Result<Call, RecordError> {
    let ep = endpoint(l.target).ok_or_else(|| {
        RecordError::new(
            l.id,
            codes::E0914,
            format!("`{}` is not a Pipedrive object ferry can send", l.target),
        )
    })?;
    let mut body = Map::new();
    let mut custom = Map::new();
    let mut missing: Vec<String> = Vec::new();
    let mut put = |name: &str, value: Value, body: &mut Map<String, Value>| {
        if ep.standard.contains(&name) {
            body.insert(name.into(), shape(name, value));
        } else if !ep.custom {
            missing.push(name.to_string());
        } else {
            match field_keys(l.target, name) {
                Some(hash) => {
                    custom.insert(hash, value);
                }
                None => missing.push(name.to_string()),
            }
        }
    };
    if let (Some((k, v)), true, Op::Upsert) = (l.key, ep.custom, l.op) {
        put(k, v.clone(), &mut body);
    }
    for (k, v) in l.fields {
        put(k, v.clone(), &mut body);
    }
    for &(field, r) in &l.refs {
        put(field, numeric_id(&refs.id(l.id, field, r)?), &mut body);
    }
    if !missing.is_empty() {
        let why = if ep.custom {
            "has no custom field key in the account"
        } else {
            "is not a field of the endpoint, which takes no custom fields"
        };
        return Err(RecordError::new(
            l.id,
            codes::E0913,
            format!("{} field {} {why}", l.target, missing.join(", ")),
        ));
    }
    if !custom.is_empty() {
        body.insert("custom_fields".into(), Value::Object(custom));
    }
    let request = match l.op {
        Op::Upsert => Request {
            method: "POST",
            path: ep.path.to_string(),
            body: Value::Object(body),
        },
        Op::Update => {
            let own = refs.id(l.id, "id", l.id)?;
            Request {
                method: ep.update,
                path: format!("{}/{own}", ep.path),
                body: Value::Object(body),
            }
        }
    };
    Ok(Call {
        request,
        ids: vec![l.id.to_string()],
    })
}

/// A standard field's value in the request's shape.
fn shape(name: &str, value: Value) -> Value {
    match (name, value) {
        ("emails" | "phones", Value::Array(items)) => {
            let label = if name == "emails" { "work" } else { "mobile" };
            let items = items.into_iter().enumerate().map(|(i, v)| match v {
                Value::String(s) => json!({ "value": s, "primary": i == 0, "label": label }),
                other => other,
            });
            Value::Array(items.collect())
        }
        ("visible_to", Value::String(s)) => numeric_id(&s),
        (_, v) => v,
    }
}
