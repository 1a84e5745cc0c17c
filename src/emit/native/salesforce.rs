//! Salesforce: sObject Collections upsert by external id.
//!
//! Input: payload lines of any Salesforce target. Output: `PATCH
//! /services/data/<v>/composite/sobjects/<Object>/<ExternalIdField>` calls
//! with `{"allOrNone": false, "records": [{"attributes": {"type": …}, …}]}`,
//! at most [`BATCH`] records each, one object and key field per call
//! (destination-apis.md §2.3).
//!
//! `ContentVersion` (a file) is not rendered: E0914, the loader's file
//! upload sends it.
//!
//! Invariants: the key field and its value are in every record (the
//! collections upsert requires it); owner refs always become user ids from
//! the ledger; record refs become ids ([`Lookups::Ids`], the default) or
//! relationship external-id references ([`Lookups::ExternalIds`]);
//! deferred `update` lines go through the same upsert (by the same key), so
//! they need no ledger lookup of their own id.

use super::{assemble, is_owner, parse_all, Line, Piece, RecordError, Refs, Rendered, Request};
use crate::diagnostics::codes;
use serde_json::{json, Map, Value};

/// Records per sObject Collections request.
pub const BATCH: usize = 200;

/// How record lookups are sent.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Lookups {
    /// `AccountId: "001…"`, the id from the ledger. The default: an
    /// unloaded parent is caught before the request (E0911), and it works
    /// for every lookup, polymorphic ones included.
    #[default]
    Ids,
    /// `Account: {"Source_System_ID__c": "77"}`: Salesforce finds the
    /// parent by its external id, so the load needs no ledger lookup for
    /// it. Used when the field has a relationship name (`…Id` → `…`,
    /// `…__c` → `…__r`) and the referenced line is in the [`super::Index`];
    /// otherwise the id is sent. Polymorphic fields (`WhoId`, `WhatId`)
    /// carry `attributes.type` [UNVERIFIED for collections].
    ExternalIds,
}

#[derive(Clone, Debug)]
pub struct Options {
    /// `v62.0` (the descriptor's version).
    pub api_version: String,
    pub lookups: Lookups,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            api_version: "v62.0".to_string(),
            lookups: Lookups::default(),
        }
    }
}

/// Objects that carry a file body: uploaded one by one (multipart, the file
/// fetched from the URL the payload holds), never as JSON collections.
const FILE_OBJECTS: &[&str] = &["ContentVersion"];

/// Standard lookups that can point at several objects: their external-id
/// reference must name the object.
const POLYMORPHIC: &[&str] = &["WhoId", "WhatId", "FirstPublishLocationId"];

/// Renders `lines` as collections upserts.
pub fn render(lines: &[Value], refs: &Refs<'_>, opts: &Options) -> Rendered {
    let mut out = Rendered::default();
    let mut pieces = Vec::new();
    for l in parse_all(lines, &mut out.errors) {
        if FILE_OBJECTS.contains(&l.target) {
            out.errors.push(RecordError::new(
                l.id,
                codes::E0914,
                format!(
                    "{} carries a file: the loader uploads it as multipart, not as a JSON record",
                    l.target
                ),
            ));
            continue;
        }
        let Some((key_field, key_value)) = l.key else {
            out.errors.push(RecordError::new(
                l.id,
                codes::E0914,
                "the payload line has no key: Salesforce upserts by external id",
            ));
            continue;
        };
        match record(&l, key_field, key_value, refs, opts) {
            Ok(record) => pieces.push(Piece::Batched {
                group: (l.target, key_field),
                id: l.id.to_string(),
                record,
            }),
            Err(e) => out.errors.push(e),
        }
    }
    out.calls = assemble(pieces, BATCH, |(target, key_field), records| Request {
        method: "PATCH",
        path: format!(
            "/services/data/{}/composite/sobjects/{target}/{key_field}",
            opts.api_version
        ),
        body: json!({ "allOrNone": false, "records": records }),
    });
    out
}

fn record(
    l: &Line<'_>,
    key_field: &str,
    key_value: &Value,
    refs: &Refs<'_>,
    opts: &Options,
) -> Result<Value, RecordError> {
    let mut m = Map::new();
    m.insert("attributes".into(), json!({ "type": l.target }));
    m.insert(key_field.into(), key_value.clone());
    for (k, v) in l.fields {
        m.insert(k.clone(), v.clone());
    }
    for &(field, r) in &l.refs {
        if !is_owner(r) && opts.lookups == Lookups::ExternalIds {
            if let Some((name, reference)) = external_reference(field, r, refs) {
                m.insert(name, reference);
                continue;
            }
        }
        m.insert(field.into(), Value::String(refs.id(l.id, field, r)?));
    }
    Ok(Value::Object(m))
}

/// `("Account", {"Source_System_ID__c": "77"})` for `AccountId` →
/// `companies:77`, when the field has a relationship name and the index
/// knows the referenced line's key.
fn external_reference(field: &str, r: &str, refs: &Refs<'_>) -> Option<(String, Value)> {
    let name = relationship(field)?;
    let (key_field, key_value) = refs.index.key(r)?;
    let mut o = Map::new();
    if POLYMORPHIC.contains(&field) {
        o.insert(
            "attributes".into(),
            json!({ "type": refs.index.target(r)? }),
        );
    }
    o.insert(key_field.into(), key_value.clone());
    Some((name, Value::Object(o)))
}

/// The relationship name of a lookup field: `AccountId` → `Account`,
/// `Manager__c` → `Manager__r`.
fn relationship(field: &str) -> Option<String> {
    if let Some(base) = field.strip_suffix("__c") {
        return (!base.is_empty()).then(|| format!("{base}__r"));
    }
    let base = field.strip_suffix("Id")?;
    (!base.is_empty()).then(|| base.to_string())
}
