//! Freshsales: a checklist, because its custom fields are made in the UI.
//!
//! Input: the spec's custom declarations. Output:
//! `freshsales/checklist.md`, one checkbox per field with the label that
//! gives the spec's `cf_` key, the UI field type and its settings, and the
//! summary. Invariant: every declared field is one checklist item.

use super::summary::{How, ObjectRow, Row, Setup, AFTER_COMMON};
use super::{choice_values, humanize, is_multi_choice, UNVERIFIED};
use crate::check::CustomDecl;
use crate::schema::model::{Field, FieldType};
use std::fmt::Write as _;

pub(crate) const FILE: &str = "freshsales/checklist.md";

/// ferry type → Freshsales UI field type (the choices `ferry setup` makes).
pub(crate) const MAPPING: &[(&str, &str)] = &[
    (
        "text, text(n), n ≤ 255; email; phone; url; id",
        "Text field [UNVERIFIED type names, as every row here]",
    ),
    ("text(n), n > 255; textarea", "Text area"),
    (
        "integer / number(p, s) / percent / currency",
        "Number (with s decimal places)",
    ),
    ("boolean", "Checkbox"),
    ("date / datetime", "Date / Date time"),
    ("picklist(…)", "Dropdown with the spec's values"),
    (
        "multipicklist(…), `list<picklist(…)>`",
        "Multiselect with the spec's values",
    ),
    ("`list<T>` (other T)", "Text area: the values, one per line"),
    ("lookup(X) / owner", "Lookup to X / to users"),
    (
        "unique / required",
        "the field's Unique / Required settings",
    ),
];

fn module_label(object: &str) -> String {
    match object {
        "contacts" => "Contacts".into(),
        "leads" => "Leads".into(),
        "sales_accounts" => "Accounts".into(),
        "deals" => "Deals".into(),
        other => humanize(other),
    }
}

fn ui_type(f: &Field) -> Result<(String, Vec<String>), String> {
    let mut notes = Vec::new();
    let t = match &f.ty {
        FieldType::Text { max } if max.unwrap_or(255) <= 255 => "Text field".to_string(),
        FieldType::Text { .. } | FieldType::Textarea { .. } => "Text area".into(),
        FieldType::Email | FieldType::Phone | FieldType::Url => "Text field".into(),
        FieldType::Id => "Text field".into(),
        FieldType::Integer => "Number".into(),
        FieldType::Number { scale, .. } => match scale.unwrap_or(0) {
            0 => "Number".into(),
            s => format!("Number ({})", super::places(s)),
        },
        FieldType::Percent | FieldType::Currency => "Number (2 decimal places)".into(),
        FieldType::Boolean => "Checkbox".into(),
        FieldType::Date => "Date".into(),
        FieldType::Datetime => {
            notes.push(format!(
                "{UNVERIFIED} a date-time custom field; where only Date is offered, the time of day is dropped."
            ));
            "Date time".into()
        }
        FieldType::Picklist { .. } => format!(
            "Dropdown with {}",
            quoted(&choice_values(&f.ty).unwrap_or_default())
        ),
        ty if is_multi_choice(ty) => format!(
            "Multiselect with {}",
            quoted(&choice_values(ty).unwrap_or_default())
        ),
        FieldType::List { .. } => {
            notes.push("ferry's choice for a list: the values as text, one per line.".into());
            "Text area".into()
        }
        FieldType::Lookup { objects } => match objects.as_slice() {
            [one] => format!("Lookup to {}", module_label(one)),
            _ => {
                return Err(format!(
                    "a Freshsales lookup points at one module; `{}` names several.",
                    f.ty
                ))
            }
        },
        FieldType::Owner => "Lookup to users".into(),
        FieldType::Composite { .. } => {
            return Err(
                "Freshsales has no custom composite fields: declare one field per part.".into(),
            )
        }
        FieldType::Multipicklist { .. } => unreachable!("handled by is_multi_choice"),
    };
    Ok((t, notes))
}

/// The key Freshsales derives from a label ("Actimo Id" → `cf_actimo_id`).
fn derived_key(label: &str) -> String {
    let words: Vec<String> = label.split_whitespace().map(str::to_lowercase).collect();
    format!("cf_{}", words.join("_"))
}

fn quoted(values: &[String]) -> String {
    let q: Vec<String> = values.iter().map(|v| format!("\"{v}\"")).collect();
    q.join(", ")
}

fn flags(f: &Field) -> Vec<&'static str> {
    let mut v = Vec::new();
    if f.unique {
        v.push("unique");
    }
    if f.required {
        v.push("required");
    }
    v
}

pub(super) fn build(custom: &[CustomDecl]) -> (Vec<(String, String)>, Setup) {
    let mut objects = Vec::new();
    let mut rows = Vec::new();
    let mut list = String::new();
    let _ = writeln!(
        list,
        "# Freshsales: custom fields to create\n\n\
         Freshsales custom fields are made in the admin UI (Admin settings → Module \
         customization → the module → Fields → Add field; {UNVERIFIED} menu path and field type \
         names). Freshsales derives each field's key from its label (\"Actimo Id\" → \
         `cf_actimo_id`): use the labels below, then check that every key is the one shown, \
         because ferry writes to these keys.\n"
    );
    for d in custom {
        let label = module_label(&d.object);
        let _ = writeln!(list, "## {label} (`{}`)\n", d.object);
        if d.new_object {
            let _ = writeln!(
                list,
                "- [ ] Create the custom module **{}** first ({UNVERIFIED} custom modules depend on the plan).",
                humanize(&d.object)
            );
            objects.push(ObjectRow {
                name: d.object.clone(),
                how: How::Checklist,
                notes: vec![format!(
                    "{UNVERIFIED} custom modules depend on the Freshsales plan."
                )],
            });
        }
        for f in &d.fields {
            let mut row = Row::new(&d.object, f);
            match ui_type(f) {
                Ok((ty, mut notes)) => {
                    let fl = flags(f);
                    let settings = if fl.is_empty() {
                        String::new()
                    } else {
                        format!("; {}", fl.join(", "))
                    };
                    let label = humanize(&f.name);
                    let derived = derived_key(&label);
                    if derived != f.name {
                        notes.push(format!(
                            "⚠ Freshsales keys are the label in lower case with `cf_` in front: this label gives `{derived}`, so rename the field in the spec to `{derived}`."
                        ));
                    }
                    if f.external_id {
                        notes.push(format!(
                            "The upsert key: mark it unique ({UNVERIFIED} which identifier bulk_upsert matches on)."
                        ));
                    }
                    let _ = writeln!(
                        list,
                        "- [ ] **{label}** → `{}`: {ty}{settings}.{}",
                        f.name,
                        notes.iter().map(|n| format!(" {n}")).collect::<String>()
                    );
                    row.how = How::Checklist;
                    row.dest = format!("{ty}{settings}");
                    row.notes = notes;
                    row.notes.insert(0, format!("Label \"{label}\"."));
                }
                Err(why) => {
                    let _ = writeln!(list, "- ~~`{}`~~ cannot be created: {why}", f.name);
                    row.how = How::Unsupported;
                    row.dest = "—".into();
                    row.notes.push(format!("⚠ {why}"));
                }
            }
            rows.push(row);
        }
        list.push('\n');
    }
    let (files, listed) = super::one_file(
        FILE,
        (!rows.is_empty() || !objects.is_empty()).then_some(list),
        "the checklist of fields to create in the admin UI",
    );
    let setup = Setup {
        title: "Freshsales".into(),
        intro: vec![
            "Freshsales has no API ferry can use to create custom fields, so the manifest is a checklist to work through in the admin UI."
                .into(),
        ],
        files: listed,
        steps: vec![
            "Work through the checklist, module by module.".into(),
            "Check each field's key (`cf_…`) against the checklist.".into(),
            "Run `ferry check` and `ferry run` as usual.".into(),
        ],
        objects,
        fields: rows,
        mapping: MAPPING,
        after: vec![
            AFTER_COMMON.into(),
            format!("Compare with the module's field list in the admin UI, or `GET /api/settings/contacts/fields` ({UNVERIFIED} path)."),
        ],
        unverified: vec![format!(
            "{UNVERIFIED} Freshsales' menu path and field type names in the checklist."
        )],
    };
    (files, setup)
}
