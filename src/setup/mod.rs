//! `ferry setup`: the destination's setup manifest for a checked spec.
//!
//! Input: a [`Checked`] spec: its `custom` declarations and its destination.
//! Output: a [`Manifest`]: files in the destination's own form (Salesforce
//! DX source, Twenty metadata requests, Zoho and Pipedrive field requests, a
//! Freshsales checklist) and `SETUP.md`, the summary for the admin.
//!
//! Invariants: pure (no I/O, no clock) and deterministic, so the same spec
//! gives the same bytes; every declared custom field gets exactly one row in
//! the summary and at most one file or request; every fact that was not
//! confirmed from a primary source is marked `[UNVERIFIED]` where it is used.

mod freshsales;
mod pipedrive;
mod salesforce;
mod summary;
mod twenty;
mod zoho;

use crate::check::{Checked, CustomDecl};
use crate::schema::model::{Field, FieldType};

/// Marks a fact the reference could not confirm.
pub(crate) const UNVERIFIED: &str = "[UNVERIFIED]";

/// What `ferry setup` writes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Manifest {
    /// Relative path (always `/`-separated, never `..`) and contents.
    pub files: Vec<(String, String)>,
    /// `SETUP.md`: what to create, in which order, with which types.
    pub summary_md: String,
}

/// The file name of the admin summary.
pub const SUMMARY_FILE: &str = "SETUP.md";

/// The setup manifest for the spec's destination.
pub fn manifest(checked: &Checked) -> Manifest {
    for_destination(&checked.plan.destination, &checked.custom)
}

/// The setup manifest of these declarations for a destination by name
/// (`salesforce`, `twenty`, …; another name gets a by-hand summary only).
pub fn for_destination(destination: &str, custom: &[CustomDecl]) -> Manifest {
    let (files, setup) = match destination {
        "salesforce" => salesforce::build(custom),
        "twenty" => twenty::build(custom),
        "zoho" => zoho::build(custom),
        "pipedrive" => pipedrive::build(custom),
        "freshsales" => freshsales::build(custom),
        other => (Vec::new(), summary::by_hand(other, custom)),
    };
    Manifest {
        files,
        summary_md: summary::render(&setup),
    }
}

/// The spec's type with its flags, as the spec writes it.
pub(crate) fn spec_type(f: &Field) -> String {
    let mut s = f.ty.to_string();
    for (on, flag) in [
        (f.required, "required"),
        (f.external_id, "external_id"),
        (f.unique, "unique"),
    ] {
        if on {
            s.push(' ');
            s.push_str(flag);
        }
    }
    s
}

/// A label from an API name: `Source_System_ID__c` → "Source System ID",
/// `sourceSystemId` → "Source System Id", `cf_actimo_id` → "Actimo Id".
pub(crate) fn humanize(name: &str) -> String {
    let base = name.strip_suffix("__c").unwrap_or(name);
    let base = base.strip_prefix("cf_").unwrap_or(base);
    let chars: Vec<char> = base.chars().collect();
    let mut words: Vec<String> = Vec::new();
    let mut word = String::new();
    for (i, &c) in chars.iter().enumerate() {
        if c == '_' || c == '-' || c == ' ' {
            if !word.is_empty() {
                words.push(std::mem::take(&mut word));
            }
            continue;
        }
        // A new word at lower→Upper ("sourceSystem") and at the last capital
        // of an acronym before a lower-case letter ("HTMLParser").
        let prev = i.checked_sub(1).map(|j| chars[j]);
        let next = chars.get(i + 1).copied();
        let boundary = c.is_uppercase()
            && !word.is_empty()
            && (prev.is_some_and(|p| p.is_lowercase() || p.is_ascii_digit())
                || (prev.is_some_and(char::is_uppercase) && next.is_some_and(char::is_lowercase)));
        if boundary {
            words.push(std::mem::take(&mut word));
        }
        word.push(c);
    }
    if !word.is_empty() {
        words.push(word);
    }
    let titled: Vec<String> = words
        .iter()
        .map(|w| {
            let mut cs = w.chars();
            match cs.next() {
                Some(f) => f.to_uppercase().chain(cs).collect(),
                None => String::new(),
            }
        })
        .collect();
    if titled.is_empty() {
        name.to_string()
    } else {
        titled.join(" ")
    }
}

/// An English plural for a label (a choice the admin can change).
pub(crate) fn plural(label: &str) -> String {
    let lower = label.to_lowercase();
    let before_y = lower.chars().rev().nth(1);
    if lower.ends_with('y') && !before_y.is_some_and(|c| "aeiou".contains(c)) {
        format!("{}ies", &label[..label.len() - 1])
    } else if ["s", "x", "z", "ch", "sh"]
        .iter()
        .any(|e| lower.ends_with(e))
    {
        format!("{label}es")
    } else {
        format!("{label}s")
    }
}

/// "1 decimal place", "2 decimal places".
pub(crate) fn places(n: u8) -> String {
    if n == 1 {
        "1 decimal place".into()
    } else {
        format!("{n} decimal places")
    }
}

/// At most `max` characters.
pub(crate) fn truncate(s: &str, max: usize) -> String {
    s.chars().take(max).collect()
}

/// Escapes text for XML content and attribute values.
pub(crate) fn xml_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c => out.push(c),
        }
    }
    out
}

/// The values of a picklist, a multi-select or a list of picklist values.
pub(crate) fn choice_values(ty: &FieldType) -> Option<Vec<String>> {
    match ty {
        FieldType::Picklist { values } | FieldType::Multipicklist { values } => {
            Some(values.iter().map(|v| v.value.clone()).collect())
        }
        FieldType::List { item } => match item.as_ref() {
            FieldType::Picklist { values } => {
                Some(values.iter().map(|v| v.value.clone()).collect())
            }
            _ => None,
        },
        _ => None,
    }
}

/// Is this a multi-valued choice (a multi-select picklist or a list of picklist values)?
pub(crate) fn is_multi_choice(ty: &FieldType) -> bool {
    match ty {
        FieldType::Multipicklist { .. } => true,
        FieldType::List { item } => matches!(item.as_ref(), FieldType::Picklist { .. }),
        _ => false,
    }
}

/// Pretty JSON with a final newline (request files).
pub(crate) fn json_file(v: &serde_json::Value) -> String {
    serde_json::to_string_pretty(v).unwrap_or_default() + "\n"
}

/// Manifest files (path, contents), or the summary's list of them (path,
/// what it holds).
pub(crate) type Files = Vec<(String, String)>;

/// How a field-request file describes itself in the summary.
pub(crate) const FIELD_REQUESTS: &str =
    "the field-creation requests, in order: `{object, field, method, path, body}`";

/// One request of a field-request file: `POST path` with `body`, creating
/// `field` on `object` (Zoho, Pipedrive).
pub(crate) fn field_request(
    object: &str,
    field: &str,
    path: String,
    body: serde_json::Value,
) -> serde_json::Value {
    serde_json::json!({
        "object": object,
        "field": field,
        "method": "POST",
        "path": path,
        "body": body,
    })
}

/// The manifest's one file `name` and its line in the summary (`what` it
/// holds); neither when there is nothing to write.
pub(crate) fn one_file(name: &str, contents: Option<String>, what: &str) -> (Files, Files) {
    match contents {
        Some(c) => (
            vec![(name.to_string(), c)],
            vec![(name.to_string(), what.to_string())],
        ),
        None => (Vec::new(), Vec::new()),
    }
}

#[cfg(test)]
mod tests;
