//! Pipedrive: the field-creation requests for persons, organizations,
//! deals and products, and what must be done by hand.
//!
//! Input: the spec's custom declarations. Output:
//! `pipedrive/field-requests.json`, an ordered list of
//! `{object, field, method, path, body}`, one `POST /api/v2/<object>Fields`
//! with `{field_name, field_type, options?, description}` per field, and
//! the summary. Invariant: only objects whose field API can create fields
//! get requests (activity fields are read-only in the API; notes have no
//! custom fields; Pipedrive has no custom objects).

use super::summary::{How, ObjectRow, Row, Setup, AFTER_COMMON};
use super::{choice_values, is_multi_choice, UNVERIFIED};
use crate::check::CustomDecl;
use crate::schema::model::{Field, FieldType};
use serde_json::{json, Map, Value};

pub(crate) const FILE: &str = "pipedrive/field-requests.json";

/// ferry type → Pipedrive `field_type` (the choices `ferry setup` makes).
pub(crate) const MAPPING: &[(&str, &str)] = &[
    ("text, text(n), n ≤ 255; email; url; id", "varchar (text up to 255 characters)"),
    ("text(n), n > 255; textarea", "text (long text, up to 65k characters)"),
    ("integer / number(p, s) / percent", "double (numeric)"),
    ("currency", "monetary (a number and a currency)"),
    ("boolean", "varchar holding true / false (Pipedrive has no yes/no field)"),
    ("date", "date"),
    ("datetime", "varchar holding the ISO date-time (Pipedrive has no date-time field)"),
    ("phone", "phone"),
    ("picklist(…)", "enum, one option per value"),
    ("multipicklist(…), `list<picklist(…)>`", "set, one option per value"),
    ("`list<T>` (other T)", "text: the values, one per line"),
    ("lookup(organizations) / lookup(persons)", "org / people"),
    ("owner", "user"),
    ("unique / external_id / required", "none: Pipedrive keeps no unique fields (ferry's ledger finds records by the key); required is set in the UI"),
];

/// The field API of an object, or why there is none.
fn endpoint(object: &str) -> Result<&'static str, (How, String)> {
    match object {
        "persons" => Ok("personFields"),
        "organizations" => Ok("organizationFields"),
        "deals" => Ok("dealFields"),
        "products" => Ok("productFields"),
        "activities" => Err((
            How::ByHand,
            "Pipedrive's activityFields API only reads, so create it in Company settings → Data fields → Activity; without it the key lives in ferry's ledger only, as for notes.".into(),
        )),
        "notes" => Err((
            How::Unsupported,
            "Pipedrive notes take no custom fields: the key lives in ferry's ledger only (the note's Pipedrive id against its source key), so upserts and rollback of notes go through the ledger.".into(),
        )),
        other => Err((
            How::ByHand,
            format!("ferry knows no field API for `{other}`: create it in Company settings → Data fields."),
        )),
    }
}

pub(super) fn build(custom: &[CustomDecl]) -> (Vec<(String, String)>, Setup) {
    let mut objects = Vec::new();
    let mut reqs = Vec::new();
    let mut rows = Vec::new();
    for d in custom {
        if d.new_object {
            objects.push(ObjectRow {
                name: d.object.clone(),
                how: How::Unsupported,
                notes: vec![
                    "⚠ Pipedrive has no custom objects: nothing can be loaded into it.".into(),
                ],
            });
        }
        for f in &d.fields {
            let mut row = Row::new(&d.object, f);
            let (ty, dest, mut notes) = match field_type(f) {
                Ok(t) => t,
                Err(why) => {
                    row.how = How::Unsupported;
                    row.dest = "—".into();
                    row.notes.push(format!("⚠ {why}"));
                    rows.push(row);
                    continue;
                }
            };
            row.dest = dest;
            if f.unique {
                notes.push(
                    "Pipedrive keeps no unique fields: the loader finds records by this key through its ledger."
                        .into(),
                );
            }
            if f.required {
                notes.push(
                    "Mark it required in the UI if wanted (the request leaves it optional).".into(),
                );
            }
            match (d.new_object, endpoint(&d.object)) {
                (true, _) => {
                    row.how = How::Unsupported;
                    row.dest = "—".into();
                    notes.clear();
                    notes.insert(0, "Its object cannot exist in Pipedrive.".into());
                }
                (false, Ok(api)) => {
                    let mut body = Map::new();
                    body.insert("field_name".into(), json!(f.name));
                    body.insert("field_type".into(), json!(ty));
                    if let Some(values) = choice_values(&f.ty) {
                        let opts: Vec<Value> =
                            values.iter().map(|v| json!({ "label": v })).collect();
                        body.insert("options".into(), Value::Array(opts));
                    }
                    body.insert(
                        "description".into(),
                        json!(format!("ferry: {}", super::spec_type(f))),
                    );
                    reqs.push(super::field_request(
                        &d.object,
                        &f.name,
                        format!("/api/v2/{api}"),
                        Value::Object(body),
                    ));
                    row.how = How::Request(reqs.len());
                }
                (false, Err((how, why))) => {
                    if how == How::ByHand {
                        notes.push(format!(
                            "{UNVERIFIED} the menu path, and whether every plan allows custom {} fields.",
                            d.object
                        ));
                    } else {
                        notes.clear();
                    }
                    row.how = how;
                    notes.insert(0, why);
                }
            }
            row.notes = notes;
            rows.push(row);
        }
    }
    let requests = (!reqs.is_empty()).then(|| super::json_file(&Value::Array(reqs)));
    let (files, listed) = super::one_file(FILE, requests, super::FIELD_REQUESTS);
    let setup = Setup {
        title: "Pipedrive".into(),
        intro: vec![
            "Pipedrive names each custom field by a 40-character key of its own; the spec names fields by \
             their name (`field_name`), and the loader looks the keys up. So the names must be exactly \
             the spec's, and unique per object in the account."
                .into(),
        ],
        files: listed,
        steps: vec![
            "Send the requests of the request file in order, to `https://api.pipedrive.com` (or the company domain), each with `x-api-token: <token>` of an admin user (`POST /v1/personFields` and the other v1 field endpoints take the same fields).".into(),
            "Do the by-hand fields (the table says which).".into(),
            "Run `ferry check` and `ferry run` as usual.".into(),
        ],
        objects,
        fields: rows,
        mapping: MAPPING,
        after: vec![
            AFTER_COMMON.into(),
            "Compare with `GET /api/v2/personFields` (and `organizationFields`, `activityFields`): each custom field's `field_name` and `field_type`; its `field_code` is the key the loader sends values under.".into(),
        ],
        unverified: vec![],
    };
    (files, setup)
}

type Typed = (&'static str, String, Vec<String>);

const OPTION_IDS: &str =
    "Pipedrive stores an option's id, not its label: the loader (planned) maps each value to its id.";

fn field_type(f: &Field) -> Result<Typed, String> {
    let plain = |t: &'static str, d: &str| Ok((t, d.to_string(), Vec::new()));
    match &f.ty {
        FieldType::Text { max } if max.unwrap_or(255) <= 255 => plain("varchar", "Text"),
        FieldType::Text { .. } | FieldType::Textarea { .. } => plain("text", "Large text"),
        FieldType::Email | FieldType::Url => plain("varchar", "Text"),
        FieldType::Id => Ok(("varchar", "Text".into(), vec!["An id kept as text.".into()])),
        FieldType::Integer | FieldType::Number { .. } | FieldType::Percent => plain("double", "Numerical"),
        FieldType::Currency => Ok((
            "monetary",
            "Monetary".into(),
            vec!["Pipedrive adds a companion currency key; the loader sends the amount.".into()],
        )),
        FieldType::Boolean => Ok((
            "varchar",
            "Text".into(),
            vec!["Pipedrive has no yes/no field: ferry's choice is a text field holding true or false.".into()],
        )),
        FieldType::Date => plain("date", "Date"),
        FieldType::Datetime => Ok((
            "varchar",
            "Text".into(),
            vec!["Pipedrive has no date-time field: ferry's choice is a text field holding the ISO date-time.".into()],
        )),
        FieldType::Phone => plain("phone", "Phone"),
        FieldType::Picklist { values } => Ok((
            "enum",
            format!("Single option ({} options)", values.len()),
            vec![OPTION_IDS.into()],
        )),
        ty if is_multi_choice(ty) => Ok((
            "set",
            format!("Multiple options ({} options)", choice_values(ty).map_or(0, |v| v.len())),
            vec![OPTION_IDS.into()],
        )),
        FieldType::List { .. } => Ok((
            "text",
            "Large text".into(),
            vec!["ferry's choice for a list: long text, one value per line.".into()],
        )),
        FieldType::Lookup { objects } => match objects.as_slice() {
            [o] if o == "organizations" => plain("org", "Organization"),
            [o] if o == "persons" => plain("people", "Person"),
            _ => Err(format!(
                "Pipedrive custom fields can point at an organization or a person only, not `{}`.",
                f.ty
            )),
        },
        FieldType::Owner => plain("user", "User"),
        FieldType::Composite { .. } => Err("Pipedrive has no custom composite fields: declare one field per part.".into()),
        FieldType::Multipicklist { .. } => unreachable!("handled by is_multi_choice"),
    }
}
