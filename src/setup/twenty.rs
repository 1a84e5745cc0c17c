//! Twenty: the metadata API calls that create the spec's objects and fields.
//!
//! Input: the spec's custom declarations. Output:
//! `twenty/metadata-requests.json`, an ordered list of
//! `{object, field?, method, path, body, note?}`: first a read of the
//! workspace's objects, then one `createOneObject` per new object, then one
//! `createOneField` per field (GraphQL on `POST /metadata`, the form the
//! reference confirms; the REST body of `/rest/metadata/fields` is not).
//! Invariant: every object before every field; ids the requests cannot know
//! are placeholders `<objectMetadataId:NAME>` that the admin (or a script)
//! fills from earlier responses.

use super::summary::{How, ObjectRow, Row, Setup, AFTER_COMMON};
use super::{choice_values, humanize, is_multi_choice, UNVERIFIED};
use crate::check::CustomDecl;
use crate::schema::model::{Field, FieldType, ANY_CUSTOM_OBJECT};
use serde_json::{json, Map, Value};

pub(crate) const FILE: &str = "twenty/metadata-requests.json";

const CREATE_OBJECT: &str = "mutation CreateOneObject($input: CreateOneObjectInput!) { createOneObject(input: $input) { id nameSingular namePlural } }";
const CREATE_FIELD: &str = "mutation CreateOneField($input: CreateOneFieldMetadataInput!) { createOneField(input: $input) { id name type } }";

/// Option colours, in turn (names of Twenty's palette).
const COLORS: &[&str] = &[
    "green",
    "turquoise",
    "sky",
    "blue",
    "purple",
    "pink",
    "red",
    "orange",
    "yellow",
    "gray",
];

/// ferry type → Twenty field type (the choices `ferry setup` makes).
pub(crate) const MAPPING: &[(&str, &str)] = &[
    ("text, text(n), textarea", "TEXT (Twenty keeps no maximum length; ferry checks n)"),
    ("integer", "NUMBER, settings dataType int, 0 decimals"),
    ("number(p, s)", "NUMBER, settings dataType float with s decimals (for s = 0: int, or bigint when p > 9)"),
    ("percent", "NUMBER, settings type percentage, 2 decimals"),
    ("currency", "NUMBER, 2 decimals (ferry sends a plain amount; Twenty's CURRENCY is a composite of amountMicros and currencyCode)"),
    ("boolean", "BOOLEAN"),
    ("date / datetime", "DATE / DATE_TIME"),
    ("email / phone / url", "TEXT (ferry sends a plain string; Twenty's EMAILS, PHONES and LINKS are composites)"),
    ("picklist(…)", "SELECT, one option per value; option values are GraphQL enum names (IN_PROGRESS), labels the spec's values"),
    ("multipicklist(…), `list<picklist(…)>`", "MULTI_SELECT, as SELECT"),
    ("`list<T>` (other T)", "ARRAY (a list of text)"),
    ("lookup(X)", "RELATION, many-to-one to X, named without the trailing Id (Twenty's join column is `<name>Id`)"),
    ("owner", "RELATION, many-to-one to workspaceMembers [UNVERIFIED]"),
    ("required / unique", "isNullable false / isUnique true"),
];

fn id_of(object: &str) -> String {
    format!("<objectMetadataId:{object}>")
}

pub(super) fn build(custom: &[CustomDecl]) -> (Vec<(String, String)>, Setup) {
    let mut reqs = vec![json!({
        "method": "GET",
        "path": "/rest/metadata/objects",
        "body": null,
        "note": "Read the workspace's objects first: every <objectMetadataId:NAME> below is the id of the object whose namePlural is NAME (for an object created below, the id its createOneObject request returns).",
    })];
    let mut objects = Vec::new();
    for d in custom.iter().filter(|d| d.new_object) {
        let (req, notes) = object_request(&d.object);
        reqs.push(req);
        objects.push(ObjectRow {
            name: d.object.clone(),
            how: How::Request(reqs.len()),
            notes,
        });
    }
    let mut rows = Vec::new();
    for d in custom {
        for f in &d.fields {
            let mut row = Row::new(&d.object, f);
            if d.new_object && f.name == "name" {
                row.how = How::Builtin;
                row.dest = "TEXT (the object's name)".into();
                row.notes.push(format!(
                    "{UNVERIFIED} Twenty gives every new object a `name` field."
                ));
            } else {
                match field_request(&d.object, f) {
                    Ok((req, dest, notes)) => {
                        reqs.push(req);
                        row.how = How::Request(reqs.len());
                        row.dest = dest;
                        row.notes = notes;
                    }
                    Err(why) => {
                        row.how = How::Unsupported;
                        row.dest = "—".into();
                        row.notes.push(format!("⚠ {why}"));
                    }
                }
            }
            rows.push(row);
        }
    }
    // The first request only reads the workspace: alone it is no file.
    let requests = (reqs.len() > 1).then(|| super::json_file(&Value::Array(reqs)));
    let (files, listed) = super::one_file(
        FILE,
        requests,
        "the metadata API calls, in order: `{object, field, method, path, body, note}`",
    );
    let setup = Setup {
        title: "Twenty".into(),
        intro: vec![
            "Send the requests of the request file in order, to the workspace's base URL \
             (`https://api.twenty.com` in the cloud, your own domain when self-hosted), each \
             with `Authorization: Bearer <API key>` and `Content-Type: application/json`. \
             Or create the same objects and fields in Settings → Data model."
                .into(),
        ],
        files: listed,
        steps: vec![
            "Request 1 lists the workspace's objects: note the `id` of every object named in a `<objectMetadataId:…>` placeholder.".into(),
            "Create the new objects (the first `createOneObject` requests) and note the ids they return.".into(),
            "Replace the placeholders with those ids, then send the `createOneField` requests in order.".into(),
            "Run `ferry check` and `ferry run` as usual.".into(),
        ],
        objects,
        fields: rows,
        mapping: MAPPING,
        after: vec![
            AFTER_COMMON.into(),
            "Compare with `GET /rest/metadata/objects`: each object lists its fields with name and type.".into(),
        ],
        unverified: vec![
            format!("{UNVERIFIED} The exact REST body of `POST /rest/metadata/fields`; the manifest uses the GraphQL form (`createOneField(input: {{field}})`), which the reference confirms."),
            format!("{UNVERIFIED} Option colour names ({}).", COLORS.join(", ")),
        ],
    };
    (files, setup)
}

fn singular(plural_name: &str) -> String {
    if let Some(s) = plural_name.strip_suffix("ies") {
        format!("{s}y")
    } else if ["sses", "xes", "ches", "shes"]
        .iter()
        .any(|e| plural_name.ends_with(e))
    {
        plural_name[..plural_name.len() - 2].to_string()
    } else if plural_name.ends_with("ss") {
        format!("{plural_name}Item")
    } else if let Some(s) = plural_name.strip_suffix('s') {
        s.to_string()
    } else {
        format!("{plural_name}Item")
    }
}

fn object_request(name: &str) -> (Value, Vec<String>) {
    let nsing = singular(name);
    let label_plural = humanize(name);
    let label_singular = humanize(&nsing);
    let req = json!({
        "object": name,
        "method": "POST",
        "path": "/metadata",
        "body": {
            "query": CREATE_OBJECT,
            "variables": { "input": { "object": {
                "nameSingular": nsing,
                "namePlural": name,
                "labelSingular": label_singular,
                "labelPlural": label_plural,
                "description": "Created by ferry setup for the Actimo migration.",
            }}},
        },
        "note": format!("The id in data.createOneObject.id replaces {} below.", id_of(name)),
    });
    let notes = vec![format!(
        "Singular name `{nsing}`, labels \"{label_singular}\" / \"{label_plural}\" (ferry's guess; change them in the request if you like)."
    )];
    (req, notes)
}

/// A valid GraphQL enum name, as Twenty requires of option values.
fn enum_name(v: &str) -> String {
    let valid = v
        .chars()
        .next()
        .is_some_and(|c| c == '_' || c.is_ascii_alphabetic())
        && v.chars().all(|c| c == '_' || c.is_ascii_alphanumeric());
    if valid {
        return v.to_string();
    }
    let mut out = String::new();
    for c in v.chars() {
        let c = if c.is_ascii_alphanumeric() {
            c.to_ascii_uppercase()
        } else {
            '_'
        };
        if !(c == '_' && out.ends_with('_')) {
            out.push(c);
        }
    }
    let out = out.trim_matches('_').to_string();
    match out.chars().next() {
        None => "_".into(),
        Some(c) if c.is_ascii_digit() => format!("_{out}"),
        Some(_) => out,
    }
}

fn options(values: &[String], notes: &mut Vec<String>) -> Value {
    let mut renamed = Vec::new();
    let opts: Vec<Value> = values
        .iter()
        .enumerate()
        .map(|(i, v)| {
            let value = enum_name(v);
            if value != *v {
                renamed.push(format!("\"{v}\" → `{value}`"));
            }
            json!({ "value": value, "label": v, "position": i, "color": COLORS[i % COLORS.len()] })
        })
        .collect();
    if !renamed.is_empty() {
        notes.push(format!(
            "⚠ Twenty option values must be GraphQL enum names, so the options are {}; ferry sends the spec's values: write these names in the spec's picklist (map the source values with a `values` block).",
            renamed.join(", ")
        ));
    }
    Value::Array(opts)
}

fn relation(
    object: &str,
    f: &Field,
    target: &str,
    field: &mut Map<String, Value>,
    notes: &mut Vec<String>,
) -> String {
    let name = match f.name.strip_suffix("Id") {
        Some(base) if !base.is_empty() => base.to_string(),
        _ => {
            notes.push(format!(
                "⚠ Twenty keeps a relation's id in `<name>Id`, the column ferry writes: call the spec's field `{}Id`.",
                f.name
            ));
            f.name.clone()
        }
    };
    field.insert("name".into(), json!(name));
    field.insert("label".into(), json!(humanize(&name)));
    let inverse = format!("{} ({})", humanize(object), humanize(&name));
    field.insert(
        "relationCreationPayload".into(),
        json!({
            "targetObjectMetadataId": id_of(target),
            "type": "MANY_TO_ONE",
            "targetFieldLabel": inverse,
            "targetFieldIcon": "IconLink",
        }),
    );
    notes.push(format!(
        "Relation `{name}` (id column `{name}Id`); on `{target}` the inverse list \"{inverse}\". {UNVERIFIED} relationCreationPayload is the current form; older Twenty versions created relations differently."
    ));
    format!("RELATION → {target} (many-to-one)")
}

type Request = (Value, String, Vec<String>);

fn field_request(object: &str, f: &Field) -> Result<Request, String> {
    let mut notes = Vec::new();
    let mut field = Map::new();
    field.insert("objectMetadataId".into(), json!(id_of(object)));
    field.insert("name".into(), json!(f.name));
    field.insert("label".into(), json!(humanize(&f.name)));
    // Filled in below; inserted now so it reads early in the request.
    field.insert("type".into(), Value::Null);
    field.insert(
        "description".into(),
        json!(format!("ferry: {}", super::spec_type(f))),
    );
    let number = |data_type: &str, decimals: u8, kind: &str| json!({ "dataType": data_type, "decimals": decimals, "type": kind });
    let (ty, mut dest) = match &f.ty {
        FieldType::Text { .. } | FieldType::Textarea { .. } | FieldType::Id => {
            ("TEXT", "TEXT".to_string())
        }
        FieldType::Integer => {
            field.insert("settings".into(), number("int", 0, "number"));
            ("NUMBER", "NUMBER (integer)".into())
        }
        FieldType::Number { precision, scale } => match scale.unwrap_or(0) {
            0 => {
                let data_type = if precision.unwrap_or(18) <= 9 {
                    "int"
                } else {
                    "bigint"
                };
                field.insert("settings".into(), number(data_type, 0, "number"));
                ("NUMBER", format!("NUMBER ({data_type})"))
            }
            s => {
                field.insert("settings".into(), number("float", s, "number"));
                ("NUMBER", format!("NUMBER ({})", super::places(s)))
            }
        },
        FieldType::Percent => {
            field.insert("settings".into(), number("float", 2, "percentage"));
            notes.push(format!("{UNVERIFIED} whether Twenty's percentage display expects 0–100 (what ferry sends) or 0–1."));
            ("NUMBER", "NUMBER (percentage)".into())
        }
        FieldType::Currency => {
            field.insert("settings".into(), number("float", 2, "number"));
            notes.push(
                "A plain number, not Twenty's CURRENCY composite: ferry sends the amount alone."
                    .into(),
            );
            ("NUMBER", "NUMBER (2 decimals)".into())
        }
        FieldType::Boolean => ("BOOLEAN", "BOOLEAN".into()),
        FieldType::Date => ("DATE", "DATE".into()),
        FieldType::Datetime => ("DATE_TIME", "DATE_TIME".into()),
        FieldType::Email | FieldType::Phone | FieldType::Url => {
            notes.push("TEXT: ferry sends a plain string, and Twenty's EMAILS, PHONES and LINKS types are composites.".into());
            ("TEXT", "TEXT".into())
        }
        FieldType::Picklist { .. } => {
            let values = choice_values(&f.ty).unwrap_or_default();
            field.insert("options".into(), options(&values, &mut notes));
            ("SELECT", format!("SELECT ({} options)", values.len()))
        }
        ty if is_multi_choice(ty) => {
            let values = choice_values(ty).unwrap_or_default();
            field.insert("options".into(), options(&values, &mut notes));
            (
                "MULTI_SELECT",
                format!("MULTI_SELECT ({} options)", values.len()),
            )
        }
        FieldType::List { .. } => {
            notes.push("ferry's choice for a list: ARRAY, a list of text.".into());
            ("ARRAY", "ARRAY".into())
        }
        FieldType::Lookup { objects } => match objects.as_slice() {
            [one] if one != ANY_CUSTOM_OBJECT => {
                let dest = relation(object, f, one, &mut field, &mut notes);
                ("RELATION", dest)
            }
            _ => {
                return Err(format!(
                    "a Twenty relation points at one object; `{}` names several.",
                    f.ty
                ))
            }
        },
        FieldType::Owner => {
            let dest = relation(object, f, "workspaceMembers", &mut field, &mut notes);
            notes.insert(0, format!("{UNVERIFIED} an owner as a relation to workspaceMembers; ferry resolves owners by email (the loader, planned, maps them to member ids)."));
            ("RELATION", dest)
        }
        FieldType::Composite { .. } => {
            return Err(
                "custom composite fields are not supported: declare one field per part.".into(),
            )
        }
        FieldType::Multipicklist { .. } => unreachable!("handled by is_multi_choice"),
    };
    field.insert("type".into(), json!(ty));
    field.insert("isNullable".into(), json!(!f.required));
    if f.required {
        dest.push_str(", not nullable");
    }
    if f.unique {
        field.insert("isUnique".into(), json!(true));
        dest.push_str(", unique");
        if f.external_id {
            notes.push("The upsert key: unique, so re-runs update instead of duplicating.".into());
        }
    }
    let req = json!({
        "object": object,
        "field": f.name,
        "method": "POST",
        "path": "/metadata",
        "body": {
            "query": CREATE_FIELD,
            "variables": { "input": { "field": Value::Object(field) } },
        },
    });
    Ok((req, dest, notes))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn option_values_become_enum_names() {
        assert_eq!(enum_name("ACTIVE"), "ACTIVE");
        assert_eq!(enum_name("active"), "active");
        assert_eq!(enum_name("In Progress"), "IN_PROGRESS");
        assert_eq!(enum_name("1st - try"), "_1ST_TRY");
        assert_eq!(enum_name("––"), "_");
    }

    #[test]
    fn singular_names() {
        assert_eq!(singular("trainings"), "training");
        assert_eq!(singular("surveyReplies"), "surveyReply");
        assert_eq!(singular("staff"), "staffItem");
        assert_eq!(singular("classes"), "class");
        assert_eq!(singular("boxes"), "box");
    }
}
