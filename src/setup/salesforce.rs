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

mod xml;

use super::summary::{How, ObjectRow, Row, Setup, AFTER_COMMON};
use super::{choice_values, humanize, is_multi_choice, plural, truncate, UNVERIFIED};
use crate::check::CustomDecl;
use crate::schema::model::{Field, FieldType};
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
    ("text(n), n > 255", "Long Text Area, length n (cannot be unique or an External ID)"),
    ("textarea(n), n ≤ 255", "Text Area (255)"),
    ("textarea(n), textarea", "Long Text Area, length n (32,768 when not given; at most 131,072)"),
    ("integer", "Number(18, 0)"),
    ("number(p, s)", "Number(p, s) (p at most 18; number alone is Number(18, 0))"),
    ("percent", "Percent(5, 2)"),
    ("currency", "Currency(18, 2)"),
    ("boolean", "Checkbox, default unchecked"),
    ("date / datetime", "Date / Date/Time"),
    ("email / phone / url", "Email / Phone / URL"),
    ("picklist(…)", "Picklist, restricted to the spec's values"),
    ("multipicklist(…), `list<picklist(…)>`", "Multi-Select Picklist, restricted to the spec's values"),
    ("`list<T>` (other T)", "Long Text Area (32,768): the values as text, one per line"),
    ("lookup(X)", "Lookup(X), clear the value when X is deleted (Restrict when required)"),
    ("owner", "Lookup(User): a custom owner field; the record's real owner is the standard OwnerId"),
    ("Name on a new object", "the object's name field (Text, 80), or an Auto Number when the spec does not declare Name"),
    ("external_id / unique / required", "External ID / Unique (case-insensitive) / Required"),
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
            files.push((format!("{ROOT}/objects/{0}/{0}.object-meta.xml", d.object), text));
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
            if dir != d.object {
                row.notes.insert(
                    0,
                    format!("Deployed as `{dir}.{}`: Task and Event share activity custom fields.", f.name),
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
            (format!("{ROOT}/objects/"), "CustomObject and CustomField source, one file per object and field".to_string()),
            (format!("{ROOT}/permissionsets/{PERMSET}.permissionset-meta.xml"), "read and edit access to every field and new object, for the user that loads".to_string()),
            ("sfdx-project.json".to_string(), format!("the Salesforce DX project (source API version {API_VERSION})")),
            (PACKAGE.to_string(), "the deploy manifest listing every component".to_string()),
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

/// A field of the manifest: its XML and what the summary says of it.
struct Mapped {
    text: String,
    dest: String,
    notes: Vec<String>,
    required: bool,
}

/// The type-specific part of a field: Salesforce type, extra elements,
/// the summary's words, and whether unique / External ID apply.
struct Typed {
    ty: &'static str,
    elems: Vec<(&'static str, Node)>,
    dest: String,
    notes: Vec<String>,
    keyable: bool,
}

fn typed(ty: &'static str, dest: impl Into<String>, keyable: bool) -> Typed {
    Typed {
        ty,
        elems: Vec::new(),
        dest: dest.into(),
        notes: Vec::new(),
        keyable,
    }
}

fn long_text(n: u32, note: Option<String>) -> Typed {
    let n = n.clamp(256, 131_072);
    let mut t = typed("LongTextArea", format!("Long Text Area({n})"), false);
    t.elems.push(("length", Node::leaf(n)));
    t.elems.push(("visibleLines", Node::leaf(3)));
    t.notes.extend(note);
    t
}

fn number(ty: &'static str, label: &str, p: u8, s: u8) -> Typed {
    let mut t = typed(ty, format!("{label}({p}, {s})"), ty == "Number");
    t.elems.push(("precision", Node::leaf(p)));
    t.elems.push(("scale", Node::leaf(s)));
    t
}

fn picklist(ty: &'static str, label: &str, values: &[String]) -> Typed {
    let mut t = typed(ty, format!("{label} ({} values)", values.len()), false);
    if ty == "MultiselectPicklist" {
        t.elems.push(("visibleLines", Node::leaf(4)));
    }
    let vals = values
        .iter()
        .map(|v| {
            (
                "value",
                Node::tree(vec![
                    ("fullName", Node::text(v)),
                    ("default", Node::leaf(false)),
                    ("label", Node::text(v)),
                ]),
            )
        })
        .collect::<Vec<_>>();
    let mut def = vec![("sorted", Node::leaf(false))];
    def.extend(vals);
    t.elems.push((
        "valueSet",
        Node::tree(vec![
            ("restricted", Node::leaf(true)),
            ("valueSetDefinition", Node::tree(def)),
        ]),
    ));
    if values.is_empty() {
        t.notes.push("⚠ the spec lists no values: add them before deploying.".into());
    }
    t
}

/// A lookup's relationship name: unique among the children of its target.
fn relationship_name(object: &str, field: &str, target: &str, used: &mut HashSet<String>) -> String {
    let base = |s: &str| s.strip_suffix("__c").unwrap_or(s).to_string();
    let raw = format!("{}_{}", base(object), base(field));
    let mut clean = String::new();
    for c in raw.chars() {
        let c = if c.is_ascii_alphanumeric() { c } else { '_' };
        if !(c == '_' && clean.ends_with('_')) {
            clean.push(c);
        }
    }
    let clean = truncate(clean.trim_matches('_'), 36);
    let mut name = clean.clone();
    let mut n = 2;
    while !used.insert(format!("{target}.{name}")) {
        name = format!("{clean}{n}");
        n += 1;
    }
    name
}

fn lookup(object: &str, f: &Field, target: &str, used: &mut HashSet<String>) -> Typed {
    let mut t = typed("Lookup", format!("Lookup({target})"), false);
    t.elems.push(("referenceTo", Node::text(target)));
    let rel = relationship_name(object, &f.name, target, used);
    let label = truncate(
        &format!("{} ({})", plural(&humanize(object)), humanize(&f.name)),
        40,
    );
    t.elems.push(("relationshipLabel", Node::text(&label)));
    t.elems.push(("relationshipName", Node::text(&rel)));
    // A required lookup cannot clear itself when its target is deleted.
    let constraint = if f.required { "Restrict" } else { "SetNull" };
    t.elems.push(("deleteConstraint", Node::text(constraint)));
    t.notes.push(format!(
        "Relationship name `{rel}` (`{rel}__r` from `{target}`)."
    ));
    t
}

fn map_type(object: &str, dir: &str, f: &Field, used: &mut HashSet<String>) -> Result<Typed, String> {
    let activity = dir == "Activity";
    let t = match &f.ty {
        FieldType::Text { max } => match max.unwrap_or(255) {
            n if n <= 255 => {
                let mut t = typed("Text", format!("Text({n})"), true);
                t.elems.push(("length", Node::leaf(n)));
                t
            }
            n => long_text(n, None),
        },
        FieldType::Textarea { max: Some(n) } if *n <= 255 => typed("TextArea", "Text Area(255)", false),
        FieldType::Textarea { max } => long_text(max.unwrap_or(32_768), None),
        FieldType::Integer => number("Number", "Number", 18, 0),
        FieldType::Number { precision, scale } => {
            let s = scale.unwrap_or(0);
            let p = precision.unwrap_or(18);
            let mut t = number("Number", "Number", p.min(18), s.min(p.min(18)));
            if p > 18 {
                t.notes.push(format!("⚠ Salesforce numbers hold 18 digits; the spec allows {p}."));
            }
            t
        }
        FieldType::Percent => {
            let mut t = number("Percent", "Percent", 5, 2);
            t.notes.push("Percent(5, 2) is ferry's choice: up to 999.99 %.".into());
            t
        }
        FieldType::Currency => number("Currency", "Currency", 18, 2),
        FieldType::Boolean => {
            let mut t = typed("Checkbox", "Checkbox", false);
            t.elems.push(("defaultValue", Node::leaf(false)));
            t
        }
        FieldType::Date => typed("Date", "Date", false),
        FieldType::Datetime => typed("DateTime", "Date/Time", false),
        FieldType::Email => typed("Email", "Email", true),
        FieldType::Phone => typed("Phone", "Phone", false),
        FieldType::Url => typed("Url", "URL", false),
        FieldType::Picklist { .. } => {
            picklist("Picklist", "Picklist", &choice_values(&f.ty).unwrap_or_default())
        }
        ty if is_multi_choice(ty) => picklist(
            "MultiselectPicklist",
            "Multi-Select Picklist",
            &choice_values(ty).unwrap_or_default(),
        ),
        FieldType::List { .. } => long_text(
            32_768,
            Some("ferry's choice for a list: the values as text, one per line; the loader (planned) writes them so.".into()),
        ),
        FieldType::Lookup { objects } => {
            if activity {
                return Err("Salesforce activity custom fields cannot be lookups: make it a text field holding the id.".into());
            }
            match objects.as_slice() {
                [one] if one != crate::schema::model::ANY_CUSTOM_OBJECT => lookup(object, f, one, used),
                _ => {
                    return Err(format!(
                        "a custom lookup points at one object; `{}` names several (only Salesforce's own fields such as WhatId are polymorphic).",
                        f.ty
                    ))
                }
            }
        }
        FieldType::Owner => {
            if activity {
                return Err("Salesforce activity custom fields cannot be lookups: use the standard OwnerId.".into());
            }
            let mut t = lookup(object, f, "User", used);
            t.notes.insert(0, "A custom owner field is a Lookup(User); the record's owner stays the standard OwnerId.".into());
            t
        }
        FieldType::Id => {
            let mut t = typed("Text", "Text(255)", true);
            t.elems.push(("length", Node::leaf(255)));
            t.notes.push("An id kept as text.".into());
            t
        }
        FieldType::Composite { .. } => {
            return Err("Salesforce has no custom composite fields: declare one field per part.".into())
        }
        FieldType::Multipicklist { .. } => unreachable!("handled by is_multi_choice"),
    };
    Ok(t)
}

fn field_xml(object: &str, dir: &str, f: &Field, used: &mut HashSet<String>) -> Result<Mapped, String> {
    let Typed {
        ty,
        mut elems,
        mut dest,
        mut notes,
        keyable,
    } = map_type(object, dir, f, used)?;
    elems.push(("label", Node::text(&truncate(&humanize(&f.name), 40))));
    elems.push(("type", Node::text(ty)));
    let description = truncate(&format!("ferry: {}", super::spec_type(f)), 1000);
    elems.push(("description", Node::text(&description)));
    // Checkboxes are never empty, so Salesforce takes no `required` for them.
    let required = f.required && ty != "Checkbox";
    if ty != "Checkbox" {
        elems.push(("required", Node::leaf(required)));
    } else if f.required {
        notes.push("A checkbox is never empty: `required` needs nothing.".into());
    }
    if f.external_id || f.unique {
        if keyable {
            if f.external_id {
                elems.push(("externalId", Node::leaf(true)));
                dest.push_str(", External ID");
            }
            if f.unique {
                elems.push(("unique", Node::leaf(true)));
                elems.push(("caseSensitive", Node::leaf(false)));
                dest.push_str(", Unique");
            }
            if dir == "Activity" {
                notes.push(format!("{UNVERIFIED} External ID and Unique on an activity custom field."));
            }
        } else {
            notes.push(format!(
                "⚠ Salesforce allows External ID and Unique only on Text, Number and Email fields, not on {dest}: the spec's key cannot be kept here."
            ));
        }
    }
    if required {
        dest.push_str(", Required");
    }
    Ok(Mapped {
        text: xml::document("CustomField", &f.name, elems),
        dest,
        notes,
        required,
    })
}

fn name_row(row: &mut Row, f: &Field) {
    row.how = How::Deploy;
    row.dest = "Name field (Text, 80)".into();
    row.notes.push("The object's name field, in its object file.".into());
    if let FieldType::Text { max: Some(n) } = f.ty {
        if n > 80 {
            row.notes.push(format!(
                "⚠ Salesforce name fields hold 80 characters; the spec allows {n}: declare text(80)."
            ));
        }
    } else if !matches!(f.ty, FieldType::Text { .. }) {
        row.notes.push(format!("⚠ a name field is text; the spec declares {}.", f.ty));
    }
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
        ("description", Node::text("Created by ferry setup for the Actimo migration.")),
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
