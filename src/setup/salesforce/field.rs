//! One Salesforce custom field: the ferry type mapped to a CustomField
//! file, and what the summary says of it.
//!
//! Input: a declared field, its object and the folder it deploys under.
//! Output: the field's XML, or why Salesforce cannot hold it. Invariants:
//! unique / External ID only where Salesforce allows them (Text, Number,
//! Email); no lookups on activity fields; relationship names unique per
//! target object.

use super::xml::{self, Node};
use crate::schema::model::{Field, FieldType};
use crate::setup::summary::{How, Row};
use crate::setup::{choice_values, humanize, is_multi_choice, plural, truncate, UNVERIFIED};
use std::collections::HashSet;

/// A field of the manifest: its XML and what the summary says of it.
pub(super) struct Mapped {
    pub(super) text: String,
    pub(super) dest: String,
    pub(super) notes: Vec<String>,
    pub(super) required: bool,
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
        t.notes
            .push("⚠ the spec lists no values: add them before deploying.".into());
    }
    t
}

/// A lookup's relationship name: unique among the children of its target.
fn relationship_name(
    object: &str,
    field: &str,
    target: &str,
    used: &mut HashSet<String>,
) -> String {
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

fn map_type(
    object: &str,
    dir: &str,
    f: &Field,
    used: &mut HashSet<String>,
) -> Result<Typed, String> {
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

pub(super) fn field_xml(
    object: &str,
    dir: &str,
    f: &Field,
    used: &mut HashSet<String>,
) -> Result<Mapped, String> {
    let Typed {
        ty,
        mut elems,
        mut dest,
        mut notes,
        keyable,
    } = map_type(object, dir, f, used)?;
    elems.push(("label", Node::text(&truncate(&humanize(&f.name), 40))));
    elems.push(("type", Node::text(ty)));
    let description = truncate(&format!("ferry: {}", crate::setup::spec_type(f)), 1000);
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
                notes.push(format!(
                    "{UNVERIFIED} External ID and Unique on an activity custom field."
                ));
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

pub(super) fn name_row(row: &mut Row, f: &Field) {
    row.how = How::Deploy;
    row.dest = "Name field (Text, 80)".into();
    row.notes
        .push("The object's name field, in its object file.".into());
    if let FieldType::Text { max: Some(n) } = f.ty {
        if n > 80 {
            row.notes.push(format!(
                "⚠ Salesforce name fields hold 80 characters; the spec allows {n}: declare text(80)."
            ));
        }
    } else if !matches!(f.ty, FieldType::Text { .. }) {
        row.notes.push(format!(
            "⚠ a name field is text; the spec declares {}.",
            f.ty
        ));
    }
}
