//! Zoho CRM: custom modules by hand, then the field-creation requests.
//!
//! Input: the spec's custom declarations. Output: `zoho/field-requests.json`,
//! an ordered list of `{object, field, method, path, body}`, one
//! `POST /crm/v8/settings/fields?module=…` per field with body
//! `{"fields": [{field_label, data_type, …}]}`, and the summary, which lists
//! the custom modules to create in Setup first. Invariant: a field whose
//! module is new comes after the instruction to create that module.

use super::summary::{How, ObjectRow, Row, Setup, AFTER_COMMON};
use super::{choice_values, humanize, is_multi_choice, plural, UNVERIFIED};
use crate::check::CustomDecl;
use crate::schema::model::{Field, FieldType, ANY_CUSTOM_OBJECT};
use serde_json::{json, Map, Value};

pub(crate) const FILE: &str = "zoho/field-requests.json";

/// ferry type → Zoho `data_type` (the choices `ferry setup` makes).
pub(crate) const MAPPING: &[(&str, &str)] = &[
    (
        "text, text(n), n ≤ 255",
        "text (Single Line), length n (255 when not given)",
    ),
    ("text(n), n > 255; textarea", "textarea (Multi Line)"),
    ("integer; number(p, 0), p ≤ 9", "integer (Number)"),
    ("number(p, 0), p > 9", "bigint (Long Integer)"),
    (
        "number(p, s), s > 0",
        "double (Decimal), length p, decimal_place s [UNVERIFIED keys]",
    ),
    ("percent / currency", "percent / currency"),
    ("boolean", "boolean (Checkbox)"),
    ("date / datetime", "date / datetime"),
    ("email / phone / url", "email / phone / website"),
    (
        "picklist(…)",
        "picklist; each value is both display_value and actual_value",
    ),
    (
        "multipicklist(…), `list<picklist(…)>`",
        "multiselectpicklist",
    ),
    (
        "`list<T>` (other T)",
        "multiselectpicklist whose options are the data's values: created by hand",
    ),
    ("lookup(X)", "lookup to module X [UNVERIFIED body]"),
    (
        "owner",
        "userlookup (User, single user); a new module's own Owner comes with it",
    ),
    (
        "unique / required",
        "unique [UNVERIFIED body] / mandatory in the layout (by hand)",
    ),
];

pub(super) fn build(custom: &[CustomDecl]) -> (Vec<(String, String)>, Setup) {
    let mut objects = Vec::new();
    for d in custom.iter().filter(|d| d.new_object) {
        objects.push(ObjectRow {
            name: d.object.clone(),
            how: How::ByHand,
            notes: vec![
                format!(
                    "Setup → Customization → Modules and Fields → New Module [UNVERIFIED menu path]: singular label \"{}\", plural label \"{}\"; then give it the API name `{}`, the name ferry writes to.",
                    singular_label(&d.object),
                    humanize(&d.object),
                    d.object
                ),
                format!("{UNVERIFIED} whether Zoho accepts `__c` in a module's API name; if not, rename the module in the spec."),
            ],
        });
    }
    let mut reqs = Vec::new();
    let mut rows = Vec::new();
    for d in custom {
        for f in &d.fields {
            let mut row = Row::new(&d.object, f);
            if d.new_object && builtin(f) {
                row.how = How::Builtin;
                row.dest = if f.name == "Name" {
                    "the module's name field".into()
                } else {
                    "the module's record owner".into()
                };
                row.notes.push(format!(
                    "{UNVERIFIED} every custom module has `Name` and `Owner` fields under these API names."
                ));
                rows.push(row);
                continue;
            }
            match field(&d.object, f) {
                Mapped::Request(body, dest, notes) => {
                    reqs.push(super::field_request(
                        &d.object,
                        &f.name,
                        format!("/crm/v8/settings/fields?module={}", d.object),
                        json!({ "fields": [Value::Object(body)] }),
                    ));
                    row.how = How::Request(reqs.len());
                    row.dest = dest;
                    row.notes = notes;
                }
                Mapped::ByHand(dest, notes) => {
                    row.how = How::ByHand;
                    row.dest = dest;
                    row.notes = notes;
                }
                Mapped::Unsupported(why) => {
                    row.how = How::Unsupported;
                    row.dest = "—".into();
                    row.notes.push(format!("⚠ {why}"));
                }
            }
            if d.object == "Notes" {
                row.notes.push(format!(
                    "{UNVERIFIED} custom fields on Notes (if Zoho refuses them, the loader inserts Notes instead of upserting)."
                ));
            }
            rows.push(row);
        }
    }
    let requests = (!reqs.is_empty()).then(|| super::json_file(&Value::Array(reqs)));
    let (files, listed) = super::one_file(FILE, requests, super::FIELD_REQUESTS);
    let mut steps = Vec::new();
    if !objects.is_empty() {
        steps.push(
            "Create the new modules in Setup (Zoho's module API needs the org's profile ids, so ferry leaves this to the UI), each with the API name shown."
                .to_string(),
        );
    }
    steps.extend([
        "Send the requests of the request file in order, to the org's API domain (`https://www.zohoapis.com`, or the data centre's: `.eu`, `.in`, …), each with `Authorization: Zoho-oauthtoken <token>` of a token with scope `ZohoCRM.settings.fields.CREATE`.".to_string(),
        "Zoho derives a field's API name from its label: after each request, check that the field's API name is the one shown (Setup → Developer Hub → APIs and SDKs → API Names [UNVERIFIED menu path]) and rename it if not.".to_string(),
        "Do the by-hand fields (the table says which), and mark required fields mandatory in the module's layout.".to_string(),
        "Run `ferry check` and `ferry run` as usual.".to_string(),
    ]);
    let setup = Setup {
        title: "Zoho CRM".into(),
        intro: vec![
            "Custom modules are created in Setup; every field is one request of the request file (Zoho's Create Custom Fields API)."
                .into(),
        ],
        files: listed,
        steps,
        objects,
        fields: rows,
        mapping: MAPPING,
        after: vec![
            AFTER_COMMON.into(),
            "Compare with `GET /crm/v8/settings/fields?module=<Module>`: each field's `api_name` and `data_type`.".into(),
        ],
        unverified: vec![
            format!("{UNVERIFIED} that the create request honours `api_name`; where it does not, rename the field in Setup."),
            format!("{UNVERIFIED} Zoho's create page confirms `field_label`, `data_type`, `length` and `pick_list_values`; the `unique` ({{\"casesensitive\": \"false\"}}), `lookup` ({{module: {{api_name}}, display_label}}), `decimal_place` and `textarea` keys follow Zoho's OpenAPI field schema, which describes the fields Zoho returns."),
        ],
    };
    (files, setup)
}

fn singular_label(module: &str) -> String {
    let label = humanize(module);
    match label.strip_suffix('s') {
        Some(s) if plural(s) == label => s.to_string(),
        _ => label,
    }
}

/// Fields every custom module comes with.
fn builtin(f: &Field) -> bool {
    (f.name == "Name" && matches!(f.ty, FieldType::Text { .. }))
        || (f.name == "Owner" && f.ty == FieldType::Owner)
}

enum Mapped {
    Request(Map<String, Value>, String, Vec<String>),
    ByHand(String, Vec<String>),
    Unsupported(String),
}

fn pick_list(values: &[String]) -> Value {
    Value::Array(
        values
            .iter()
            .map(|v| json!({ "display_value": v, "actual_value": v }))
            .collect(),
    )
}

fn field(object: &str, f: &Field) -> Mapped {
    let mut notes = Vec::new();
    let mut b = Map::new();
    b.insert("field_label".into(), json!(humanize(&f.name)));
    b.insert("api_name".into(), json!(f.name));
    // Filled in below; inserted now so it reads early in the request.
    b.insert("data_type".into(), Value::Null);
    let (data_type, mut dest): (&str, String) = match &f.ty {
        FieldType::Text { max } if max.unwrap_or(255) <= 255 => {
            let n = max.unwrap_or(255);
            b.insert("length".into(), json!(n));
            ("text", format!("Single Line ({n})"))
        }
        FieldType::Text { max } | FieldType::Textarea { max } => {
            let size = if max.is_none_or(|n| n > 2000) { "large" } else { "small" };
            b.insert("textarea".into(), json!({ "type": size }));
            notes.push(format!("{UNVERIFIED} `textarea.type` (small: 2,000 characters, large: 32,000)."));
            ("textarea", format!("Multi Line ({size})"))
        }
        FieldType::Integer => ("integer", "Number".into()),
        FieldType::Number { precision, scale } => match (precision.unwrap_or(9), scale.unwrap_or(0)) {
            (p, 0) if p <= 9 => ("integer", "Number".into()),
            (_, 0) => ("bigint", "Long Integer".into()),
            (p, s) => {
                b.insert("length".into(), json!(p));
                b.insert("decimal_place".into(), json!(s));
                notes.push(format!("{UNVERIFIED} `length` and `decimal_place` of a Decimal field."));
                ("double", format!("Decimal ({})", super::places(s)))
            }
        },
        FieldType::Percent => ("percent", "Percent".into()),
        FieldType::Currency => ("currency", "Currency".into()),
        FieldType::Boolean => ("boolean", "Checkbox".into()),
        FieldType::Date => ("date", "Date".into()),
        FieldType::Datetime => ("datetime", "Date/Time".into()),
        FieldType::Email => ("email", "Email".into()),
        FieldType::Phone => ("phone", "Phone".into()),
        FieldType::Url => ("website", "URL".into()),
        FieldType::Picklist { .. } => {
            let values = choice_values(&f.ty).unwrap_or_default();
            b.insert("pick_list_values".into(), pick_list(&values));
            ("picklist", format!("Pick List ({} values)", values.len()))
        }
        ty if is_multi_choice(ty) => {
            let values = choice_values(ty).unwrap_or_default();
            b.insert("pick_list_values".into(), pick_list(&values));
            ("multiselectpicklist", format!("Multi Select ({} values)", values.len()))
        }
        FieldType::List { .. } => {
            return Mapped::ByHand(
                "Multi Select".into(),
                vec![
                    format!(
                        "ferry's choice for a list: a multi-select picklist whose options are the data's own values, so create it by hand in Setup with label \"{}\" and API name `{}`, and add the options from the export before the load.",
                        humanize(&f.name),
                        f.name
                    ),
                    format!("{UNVERIFIED} Zoho rejects multi-select values that are not options."),
                ],
            )
        }
        FieldType::Lookup { objects } => match objects.as_slice() {
            [one] if one != ANY_CUSTOM_OBJECT => {
                b.insert(
                    "lookup".into(),
                    json!({
                        "module": { "api_name": one },
                        "display_label": format!("{} ({})", humanize(object), humanize(&f.name)),
                    }),
                );
                notes.push(format!("{UNVERIFIED} the `lookup` body."));
                ("lookup", format!("Lookup → {one}"))
            }
            _ => {
                return Mapped::Unsupported(format!(
                    "a Zoho lookup points at one module; `{}` names several.",
                    f.ty
                ))
            }
        },
        FieldType::Owner => ("userlookup", "User (single user)".into()),
        FieldType::Id => {
            b.insert("length".into(), json!(255));
            notes.push("An id kept as text.".into());
            ("text", "Single Line (255)".into())
        }
        FieldType::Composite { .. } => {
            return Mapped::Unsupported("Zoho has no custom composite fields: declare one field per part.".into())
        }
        FieldType::Multipicklist { .. } => unreachable!("handled by is_multi_choice"),
    };
    b.insert("data_type".into(), json!(data_type));
    if f.unique {
        b.insert("unique".into(), json!({ "casesensitive": "false" }));
        dest.push_str(", unique");
        notes.push(format!("{UNVERIFIED} the `unique` body."));
        if data_type == "textarea" {
            notes.push(format!("{UNVERIFIED} whether Zoho allows a unique Multi Line field; if not, declare text(255) or shorter."));
        }
        if f.external_id {
            notes.push(
                "The upsert key (`duplicate_check_fields`); it need not be a Zoho External field."
                    .into(),
            );
        }
    }
    if f.required {
        dest.push_str(", mandatory in the layout");
        notes.push("Mark it mandatory in the layout (by hand).".into());
    }
    Mapped::Request(b, dest, notes)
}
