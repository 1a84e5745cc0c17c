//! Freshsales (Freshworks CRM): resource-wrapped bodies, `cf_` fields under
//! `custom_field`, upsert by the key.
//!
//! Input: payload lines of `contacts`, `sales_accounts`, `deals`, `leads`,
//! `notes`, `tasks`. Output (paths under `/api`, destination-apis.md §5.2):
//! - contacts, sales accounts and deals, [`Options::bulk`] (the default):
//!   `POST /api/<resource>/bulk_upsert` with `{"<resource>":
//!   [{"unique_identifier": {<key>: …}, "<wrapper>": {…}}]}`, at most
//!   [`BATCH`] records; asynchronous (a job id to poll). Body shape and
//!   batch size [UNVERIFIED];
//! - without `bulk`: `POST /api/<resource>/upsert` with
//!   `{"unique_identifier": {…}, "<wrapper>": {…}}` per record
//!   [UNVERIFIED body];
//! - leads, notes, tasks (no upsert documented): `POST /api/<resource>`
//!   with `{"<wrapper>": {…}}` per record;
//! - deferred `update` lines: `PUT /api/<resource>/<id>` with
//!   `{"<wrapper>": {…}}`.
//!
//! Invariants: `cf_*` fields (the key too) go inside `custom_field`; notes
//! and tasks take no custom fields, so their key stays in the ledger and a
//! `cf_` field on them is E0913; ids are integers; a `sales_accounts` ref
//! becomes `[{"id": …, "is_primary": true}]`; `targetable_id` gets its
//! `targetable_type` from the referenced record's object (E0915 when it is
//! none of contacts, sales accounts, deals, leads). The envelope's field
//! names are Freshsales' own, so nothing else is renamed.

use super::{
    assemble, numeric_id, parse_all, Call, Line, Op, Piece, RecordError, Refs, Rendered, Request,
};
use crate::diagnostics::codes;
use serde_json::{json, Map, Value};

/// Records per bulk upsert [UNVERIFIED: a third-party code comment].
pub const BATCH: usize = 100;

#[derive(Clone, Copy, Debug)]
pub struct Options {
    /// Use the asynchronous bulk upsert where it exists. At 1,000 requests
    /// an hour, single upserts load at most 1,000 records an hour.
    pub bulk: bool,
}

impl Default for Options {
    fn default() -> Options {
        Options { bulk: true }
    }
}

struct Resource {
    /// The body's wrapper key: `contact`.
    wrapper: &'static str,
    upsert: bool,
    bulk: bool,
    custom: bool,
}

fn resource(target: &str) -> Option<Resource> {
    let (wrapper, upsert, bulk, custom) = match target {
        "contacts" => ("contact", true, true, true),
        "sales_accounts" => ("sales_account", true, true, true),
        "deals" => ("deal", true, true, true),
        "leads" => ("lead", false, false, true),
        "notes" => ("note", false, false, false),
        "tasks" => ("task", false, false, false),
        _ => return None,
    };
    Some(Resource {
        wrapper,
        upsert,
        bulk,
        custom,
    })
}

/// Renders `lines` as Freshsales calls.
pub fn render(lines: &[Value], refs: &Refs<'_>, opts: &Options) -> Rendered {
    let mut out = Rendered::default();
    let mut pieces = Vec::new();
    for l in parse_all(lines, &mut out.errors) {
        let Some(res) = resource(l.target) else {
            out.errors.push(RecordError::new(
                l.id,
                codes::E0914,
                format!("`{}` is not a Freshsales resource ferry can send", l.target),
            ));
            continue;
        };
        let record = match record(&l, &res, refs) {
            Ok(r) => r,
            Err(e) => {
                out.errors.push(e);
                continue;
            }
        };
        let single = |request| {
            Piece::Single(Call {
                request,
                ids: vec![l.id.to_string()],
            })
        };
        let unique = l.key.filter(|_| res.upsert).map(|(k, v)| json!({ k: v }));
        match (l.op, unique) {
            (Op::Update, _) => match refs.id(l.id, "id", l.id) {
                Ok(own) => pieces.push(single(Request {
                    method: "PUT",
                    path: format!("/api/{}/{own}", l.target),
                    body: json!({ res.wrapper: record }),
                })),
                Err(e) => out.errors.push(e),
            },
            (Op::Upsert, Some(unique)) if res.bulk && opts.bulk => pieces.push(Piece::Batched {
                group: (l.target, res.wrapper),
                id: l.id.to_string(),
                record: json!({ "unique_identifier": unique, res.wrapper: record }),
            }),
            (Op::Upsert, Some(unique)) => pieces.push(single(Request {
                method: "POST",
                path: format!("/api/{}/upsert", l.target),
                body: json!({ "unique_identifier": unique, res.wrapper: record }),
            })),
            (Op::Upsert, None) => pieces.push(single(Request {
                method: "POST",
                path: format!("/api/{}", l.target),
                body: json!({ res.wrapper: record }),
            })),
        }
    }
    out.calls = assemble(pieces, BATCH, |&(target, _), items| Request {
        method: "POST",
        path: format!("/api/{target}/bulk_upsert"),
        body: json!({ target: items }),
    });
    out
}

fn record(l: &Line<'_>, res: &Resource, refs: &Refs<'_>) -> Result<Value, RecordError> {
    let mut m = Map::new();
    let mut custom = Map::new();
    let mut stray: Vec<String> = Vec::new();
    let mut put = |name: &str, value: Value, m: &mut Map<String, Value>| {
        if !name.starts_with("cf_") {
            m.insert(name.into(), value);
        } else if res.custom {
            custom.insert(name.into(), value);
        } else {
            stray.push(name.to_string());
        }
    };
    if let (Some((k, v)), true, Op::Upsert) = (l.key, res.custom, l.op) {
        put(k, v.clone(), &mut m);
    }
    for (k, v) in l.fields {
        put(k, v.clone(), &mut m);
    }
    for &(field, r) in &l.refs {
        let id = numeric_id(&refs.id(l.id, field, r)?);
        match field {
            "sales_accounts" => {
                m.insert(field.into(), json!([{ "id": id, "is_primary": true }]));
            }
            "targetable_id" => {
                let kind = refs.index.target(r).and_then(targetable_type);
                let Some(kind) = kind else {
                    return Err(RecordError::new(
                        l.id,
                        codes::E0915,
                        format!("targetable_id refers to {r}, which is not a contact, sales account, deal or lead"),
                    ));
                };
                if !l.fields.contains_key("targetable_type") {
                    m.insert("targetable_type".into(), json!(kind));
                }
                m.insert(field.into(), id);
            }
            _ => put(field, id, &mut m),
        }
    }
    if !stray.is_empty() {
        return Err(RecordError::new(
            l.id,
            codes::E0913,
            format!(
                "{} take no custom fields, but the record has {}",
                l.target,
                stray.join(", ")
            ),
        ));
    }
    if !custom.is_empty() {
        m.insert("custom_field".into(), Value::Object(custom));
    }
    Ok(Value::Object(m))
}

/// `targetable_type` for a record of `object`.
fn targetable_type(object: &str) -> Option<&'static str> {
    Some(match object {
        "contacts" => "Contact",
        "sales_accounts" => "SalesAccount",
        "deals" => "Deal",
        "leads" => "Lead",
        _ => return None,
    })
}
