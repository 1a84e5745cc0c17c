//! Salesforce: the declarations as Salesforce DX source, ready for
//! `sf project deploy start --manifest manifest/package.xml`.
//!
//! Input: the spec's custom declarations. Output: one
//! `objects/<Object>/<Object>.object-meta.xml` per new object, one
//! `objects/<Object>/fields/<Field>.field-meta.xml` per custom field (Task
//! and Event fields under `Activity`, where Salesforce keeps them), a
//! permission set granting access to every field, `sfdx-project.json`,
//! `manifest/package.xml`, and the summary. Invariant: the XML is
//! well-formed and its elements are those of the Metadata API's
//! CustomObject, CustomField and PermissionSet types.

mod field;
mod xml;

use super::summary::{How, ObjectRow, Row, Setup, AFTER_COMMON};
use super::{humanize, plural, truncate, UNVERIFIED};
use crate::check::CustomDecl;
use crate::schema::model::Field;
use field::{field_xml, name_row};
use std::collections::{BTreeSet, HashSet};
use xml::Node;

/// The API version of the descriptor's endpoints (`/services/data/v62.0`).
const API_VERSION: &str = "62.0";
const ROOT: &str = "force-app/main/default";
const PERMSET: &str = "Ferry_Migration";
const PACKAGE: &str = "manifest/package.xml";

/// ferry type → Salesforce type (the choices `ferry setup` makes).
pub(crate) const MAPPING: &[(&str, &str)] = &[
    ("text(n), n ≤ 255", "Text, length n"),
    ("text", "Text, length 255"),
    (
        "text(n), n > 255",
        "Long Text Area, length n (cannot be unique or an External ID)",
    ),
    ("textarea(n), n ≤ 255", "Text Area (255)"),
    (
        "textarea(n), textarea",
        "Long Text Area, length n (32,768 when not given; at most 131,072)",
    ),
    ("integer", "Number(18, 0)"),
    (
        "number(p, s)",
        "Number(p, s) (p at most 18; number alone is Number(18, 0))",
    ),
    ("percent", "Percent(5, 2)"),
    ("currency", "Currency(18, 2)"),
    ("boolean", "Checkbox, default unchecked"),
    ("date / datetime", "Date / Date/Time"),
    ("email / phone / url", "Email / Phone / URL"),
    ("picklist(…)", "Picklist, restricted to the spec's values"),
    (
        "multipicklist(…), `list<picklist(…)>`",
        "Multi-Select Picklist, restricted to the spec's values",
    ),
    (
        "`list<T>` (other T)",
        "Long Text Area (32,768): the values as text, one per line",
    ),
    (
        "lookup(X)",
        "Lookup(X), clear the value when X is deleted (Restrict when required)",
    ),
    (
        "owner",
        "Lookup(User): a custom owner field; the record's real owner is the standard OwnerId",
    ),
    (
        "Name on a new object",
        "the object's name field (Text, 80), or an Auto Number when the spec does not declare Name",
    ),
    (
        "external_id / unique / required",
        "External ID / Unique (case-insensitive) / Required",
    ),
];

/// The object whose folder holds a field: activity fields live on `Activity`.
fn metadata_object(object: &str) -> &str {
    match object {
        "Task" | "Event" => "Activity",
        o => o,
    }
}

pub(super) fn build(custom: &[CustomDecl]) -> (Vec<(String, String)>, Setup) {
    let mut files = Vec::new();
    let mut objects = Vec::new();
    let mut rows = Vec::new();
    let mut members_objects = BTreeSet::new();
    let mut members_fields = BTreeSet::new();
    let mut field_perms = BTreeSet::new();
    let mut object_perms = BTreeSet::new();
    let mut rel_names = HashSet::new();
    for d in custom {
        let dir = metadata_object(&d.object);
        if d.new_object {
            let name_field = d.fields.iter().find(|f| f.name == "Name");
            let (text, notes) = object_xml(&d.object, name_field);
            files.push((
                format!("{ROOT}/objects/{0}/{0}.object-meta.xml", d.object),
                text,
            ));
            members_objects.insert(d.object.clone());
            object_perms.insert(d.object.clone());
            objects.push(ObjectRow {
                name: d.object.clone(),
                how: How::Deploy,
                notes,
            });
        }
        for f in &d.fields {
            let mut row = Row::new(&d.object, f);
            if d.new_object && f.name == "Name" {
                name_row(&mut row, f);
                rows.push(row);
                continue;
            }
            match field_xml(&d.object, dir, f, &mut rel_names) {
                Ok(m) => {
                    files.push((
                        format!("{ROOT}/objects/{dir}/fields/{}.field-meta.xml", f.name),
                        m.text,
                    ));
                    members_fields.insert(format!("{dir}.{}", f.name));
                    // Salesforce refuses field permissions on required fields
                    // (everyone sees them anyway).
                    if !m.required {
                        field_perms.insert(format!("{dir}.{}", f.name));
                    }
                    row.dest = m.dest;
                    row.notes = m.notes;
                    row.how = How::Deploy;
                }
                Err(why) => {
                    row.dest = "—".into();
                    row.notes = vec![format!("⚠ {why}")];
                    row.how = How::Unsupported;
                }
            }
            if dir != d.object && row.how == How::Deploy {
                row.notes.insert(
                    0,
                    format!(
                        "Deployed as `{dir}.{}`: Task and Event share activity custom fields.",
                        f.name
                    ),
                );
            }
            rows.push(row);
        }
    }
    let mut files_list = Vec::new();
    if !files.is_empty() {
        files.push((
            format!("{ROOT}/permissionsets/{PERMSET}.permissionset-meta.xml"),
            permission_set(&field_perms, &object_perms),
        ));
        files.push(("sfdx-project.json".into(), sfdx_project()));
        files.push((
            PACKAGE.into(),
            package_xml(&members_objects, &members_fields),
        ));
        files_list = vec![
            (
                format!("{ROOT}/objects/"),
                "CustomObject and CustomField source, one file per object and field".to_string(),
            ),
            (
                format!("{ROOT}/permissionsets/{PERMSET}.permissionset-meta.xml"),
                "read and edit access to every field and new object, for the user that loads"
                    .to_string(),
            ),
            (
                "sfdx-project.json".to_string(),
                format!("the Salesforce DX project (source API version {API_VERSION})"),
            ),
            (
                PACKAGE.to_string(),
                "the deploy manifest listing every component".to_string(),
            ),
        ];
    }
    let mut unverified = Vec::new();
    if members_fields.iter().any(|m| m.starts_with("Activity.")) {
        unverified.push(format!(
            "{UNVERIFIED} the permission set names activity fields `Activity.<Field>`, as the field files do."
        ));
    }
    let setup = Setup {
        title: "Salesforce Sales Cloud".into(),
        intro: vec![
            "The manifest is a Salesforce DX project. Deploy it with the Salesforce CLI; \
             a deploy either creates everything or nothing."
                .into(),
        ],
        files: files_list,
        steps: vec![
            "Deploy into a sandbox first: `sf project deploy start --manifest manifest/package.xml --target-org <sandbox alias>` \
             (from the folder that holds `sfdx-project.json`; add `--dry-run` to validate only)."
                .into(),
            "Deploy the same way into production when the sample migration passed."
                .into(),
            format!("Assign the permission set to the user that loads: `sf org assign permset --name {PERMSET} --on-behalf-of <username> --target-org <alias>`. \
             Without field-level security the API ignores or rejects fields the user cannot see."),
            "Add the new fields to page layouts if people should see them (a deploy does not touch layouts).".into(),
            "Run `ferry check` and `ferry run` as usual.".into(),
        ],
        objects,
        fields: rows,
        mapping: MAPPING,
        after: vec![
            AFTER_COMMON.into(),
            "Compare with `sf sobject describe --sobject <Object> --target-org <alias>`: every field \
             above must be listed with its type, and the External ID fields with `externalId: true`."
                .into(),
        ],
        unverified,
    };
    (files, setup)
}

/// The object file, and the notes of its summary row.
fn object_xml(object: &str, name_field: Option<&Field>) -> (String, Vec<String>) {
    let label = truncate(&humanize(object), 40);
    let plural_label = truncate(&plural(&label), 40);
    let mut notes = vec![format!(
        "Label \"{label}\", plural \"{plural_label}\" (change them in the file if you like); sharing Read/Write; activities and reports allowed."
    )];
    let name = match name_field {
        Some(_) => Node::tree(vec![
            ("label", Node::text(&format!("{label} Name"))),
            ("type", Node::text("Text")),
        ]),
        None => {
            let prefix: String = object
                .chars()
                .filter(char::is_ascii_alphabetic)
                .take(3)
                .collect::<String>()
                .to_uppercase();
            let format = format!("{prefix}-{{000000}}");
            notes.push(format!(
                "The spec declares no `Name`, so the name is an Auto Number `{format}`."
            ));
            Node::tree(vec![
                ("displayFormat", Node::text(&format)),
                ("label", Node::text(&format!("{label} Number"))),
                ("type", Node::text("AutoNumber")),
            ])
        }
    };
    let elems = vec![
        ("deploymentStatus", Node::text("Deployed")),
        (
            "description",
            Node::text("Created by ferry setup for the Actimo migration."),
        ),
        // Tasks point at records of it through WhatId.
        ("enableActivities", Node::leaf(true)),
        ("enableReports", Node::leaf(true)),
        ("label", Node::text(&label)),
        ("nameField", name),
        ("pluralLabel", Node::text(&plural_label)),
        ("sharingModel", Node::text("ReadWrite")),
    ];
    (xml::document("CustomObject", "", elems), notes)
}

fn permission_set(fields: &BTreeSet<String>, objects: &BTreeSet<String>) -> String {
    let mut elems = vec![
        (
            "description",
            Node::text("Read and edit access to the custom objects and fields ferry loads. Assign it to the user that runs the load."),
        ),
        ("label", Node::text("ferry migration")),
    ];
    for f in fields {
        elems.push((
            "fieldPermissions",
            Node::tree(vec![
                ("editable", Node::leaf(true)),
                ("field", Node::text(f)),
                ("readable", Node::leaf(true)),
            ]),
        ));
    }
    for o in objects {
        elems.push((
            "objectPermissions",
            Node::tree(vec![
                ("allowCreate", Node::leaf(true)),
                ("allowDelete", Node::leaf(true)),
                ("allowEdit", Node::leaf(true)),
                ("allowRead", Node::leaf(true)),
                ("modifyAllRecords", Node::leaf(false)),
                ("object", Node::text(o)),
                ("viewAllRecords", Node::leaf(true)),
            ]),
        ));
    }
    xml::document("PermissionSet", "", elems)
}

fn package_xml(objects: &BTreeSet<String>, fields: &BTreeSet<String>) -> String {
    let mut elems = Vec::new();
    for (name, members) in [
        ("CustomField", fields.iter().cloned().collect::<Vec<_>>()),
        ("CustomObject", objects.iter().cloned().collect()),
        ("PermissionSet", vec![PERMSET.to_string()]),
    ] {
        if members.is_empty() {
            continue;
        }
        let mut t: Vec<(&str, Node)> = members.iter().map(|m| ("members", Node::text(m))).collect();
        t.push(("name", Node::text(name)));
        elems.push(("types", Node::tree(t)));
    }
    elems.push(("version", Node::text(API_VERSION)));
    xml::document("Package", "", elems)
}

fn sfdx_project() -> String {
    let v = serde_json::json!({
        "packageDirectories": [{ "path": "force-app", "default": true }],
        "name": "ferry-setup",
        "namespace": "",
        "sourceApiVersion": API_VERSION,
    });
    super::json_file(&v)
}
