//! `SETUP.md`: the admin's summary of a setup manifest.
//!
//! Input: a [`Setup`] each destination fills in. Output: Markdown. Invariant:
//! one table row per declared custom field, under a `### \`object\`` heading
//! per object in declaration order; notes starting with `⚠` are repeated
//! under "Needs attention", and every `[UNVERIFIED]` note under "Unverified".

use super::{spec_type, UNVERIFIED};
use crate::check::CustomDecl;
use std::fmt::Write as _;

/// How a declared object or field comes to exist in the destination.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum How {
    /// A metadata file of the manifest, deployed as a whole.
    Deploy,
    /// The n-th request (1-based) of the manifest's request file.
    Request(usize),
    /// An item of the manifest's checklist, done in the destination's UI.
    Checklist,
    /// Made by hand in the destination's UI (the notes say why and how).
    ByHand,
    /// The destination creates it with its object.
    Builtin,
    /// The destination cannot hold it (the notes say what happens instead).
    Unsupported,
}

impl How {
    fn cell(&self) -> String {
        match self {
            How::Deploy => "deploy".into(),
            How::Request(n) => format!("request {n}"),
            How::Checklist => "by hand (checklist)".into(),
            How::ByHand => "by hand".into(),
            How::Builtin => "comes with the object".into(),
            How::Unsupported => "cannot be created".into(),
        }
    }
}

/// One declared object that must be created.
pub(crate) struct ObjectRow {
    pub name: String,
    pub how: How,
    pub notes: Vec<String>,
}

/// One declared custom field.
pub(crate) struct Row {
    pub object: String,
    pub field: String,
    pub spec: String,
    /// The destination's type and flags, in the admin's words.
    pub dest: String,
    pub how: How,
    pub notes: Vec<String>,
}

impl Row {
    pub(crate) fn new(object: &str, f: &crate::schema::model::Field) -> Row {
        Row {
            object: object.to_string(),
            field: f.name.clone(),
            spec: spec_type(f),
            dest: String::new(),
            how: How::ByHand,
            notes: Vec::new(),
        }
    }
}

/// Everything `SETUP.md` says, filled in by one destination.
pub(crate) struct Setup {
    /// "Salesforce Sales Cloud", …
    pub title: String,
    pub intro: Vec<String>,
    /// (path, what it is) of the files next to `SETUP.md`.
    pub files: Vec<(String, String)>,
    pub steps: Vec<String>,
    pub objects: Vec<ObjectRow>,
    pub fields: Vec<Row>,
    /// ferry type → destination type, for every type (the destination's table).
    pub mapping: &'static [(&'static str, &'static str)],
    pub after: Vec<String>,
    /// Facts of the destination the manifest relies on and could not confirm.
    pub unverified: Vec<String>,
}

/// What ferry can say once the setup is done (the same for every destination).
pub(crate) const AFTER_COMMON: &str = "ferry does not connect to the destination to \
plan or run: `ferry check` and `ferry run` trust the spec's `custom` declarations. \
The loader (`ferry load`, planned) is to read the destination's field list before the \
first batch and stop when a field listed here is missing or has another type; until \
then, compare by hand with the command below.";

/// The summary for a destination ferry has no writer for.
pub(crate) fn by_hand(destination: &str, custom: &[CustomDecl]) -> Setup {
    let mut objects = Vec::new();
    let mut fields = Vec::new();
    for d in custom {
        if d.new_object {
            objects.push(ObjectRow {
                name: d.object.clone(),
                how: How::ByHand,
                notes: Vec::new(),
            });
        }
        for f in &d.fields {
            let mut row = Row::new(&d.object, f);
            row.dest = "—".into();
            fields.push(row);
        }
    }
    Setup {
        title: destination.to_string(),
        intro: vec![format!(
            "ferry has no setup writer for `{destination}` (a destination from `--schemas`): \
             create every object and field below by hand, with these API names."
        )],
        files: Vec::new(),
        steps: vec![
            "Create the new objects.".into(),
            "Create the custom fields, with the names and types below.".into(),
        ],
        objects,
        fields,
        mapping: &[],
        after: vec![AFTER_COMMON.into()],
        unverified: Vec::new(),
    }
}

/// Renders `SETUP.md`.
pub(crate) fn render(s: &Setup) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "# Setup: {}\n", s.title);
    out.push_str(
        "Written by `ferry setup` from the spec's `custom` declarations. Create \
         everything below before the first load: ferry writes to these objects and \
         fields by the API names shown.\n\n",
    );
    for p in &s.intro {
        let _ = writeln!(out, "{p}\n");
    }
    attention(&mut out, s);
    if !s.files.is_empty() {
        out.push_str("## Files\n\n| File | What it is |\n| --- | --- |\n");
        for (path, what) in &s.files {
            let _ = writeln!(out, "| `{path}` | {} |", cell(what));
        }
        out.push('\n');
    }
    out.push_str("## Order\n\n");
    for (i, step) in s.steps.iter().enumerate() {
        let _ = writeln!(out, "{}. {step}", i + 1);
    }
    out.push('\n');
    if !s.objects.is_empty() {
        out.push_str("## New objects\n\n| Object | Created by | Notes |\n| --- | --- | --- |\n");
        for o in &s.objects {
            let _ = writeln!(
                out,
                "| `{}` | {} | {} |",
                o.name,
                o.how.cell(),
                cell(&o.notes.join(" "))
            );
        }
        out.push('\n');
    }
    fields(&mut out, s);
    if !s.mapping.is_empty() {
        let _ = writeln!(
            out,
            "## Type mapping\n\n| ferry type | {} |\n| --- | --- |",
            s.title
        );
        for (ferry, dest) in s.mapping {
            let _ = writeln!(out, "| {} | {} |", cell(ferry), cell(dest));
        }
        out.push('\n');
    }
    out.push_str("## After the setup\n\n");
    for a in &s.after {
        let _ = writeln!(out, "{a}\n");
    }
    unverified(&mut out, s);
    out
}

fn attention(out: &mut String, s: &Setup) {
    let mut items = Vec::new();
    for o in &s.objects {
        for n in o.notes.iter().filter(|n| n.starts_with('⚠')) {
            items.push(format!(
                "`{}`: {}",
                o.name,
                n.trim_start_matches('⚠').trim()
            ));
        }
    }
    for r in &s.fields {
        for n in r.notes.iter().filter(|n| n.starts_with('⚠')) {
            items.push(format!(
                "`{}.{}`: {}",
                r.object,
                r.field,
                n.trim_start_matches('⚠').trim()
            ));
        }
    }
    if items.is_empty() {
        return;
    }
    out.push_str("## Needs attention\n\n");
    for i in items {
        let _ = writeln!(out, "- {i}");
    }
    out.push('\n');
}

fn fields(out: &mut String, s: &Setup) {
    out.push_str("## Custom fields\n\n");
    if s.fields.is_empty() {
        out.push_str("The spec declares no custom fields.\n\n");
        return;
    }
    let mut objects: Vec<&str> = Vec::new();
    for r in &s.fields {
        if !objects.contains(&r.object.as_str()) {
            objects.push(&r.object);
        }
    }
    let _ = writeln!(
        out,
        "{} field(s) on {} object(s).\n",
        s.fields.len(),
        objects.len()
    );
    for o in objects {
        let _ = writeln!(
            out,
            "### `{o}`\n\n| Field | Spec type | {} type | Created by | Notes |\n| --- | --- | --- | --- | --- |",
            s.title
        );
        for r in s.fields.iter().filter(|r| r.object == o) {
            let _ = writeln!(
                out,
                "| `{}` | `{}` | {} | {} | {} |",
                r.field,
                r.spec.replace('|', "\\|"),
                cell(&r.dest),
                r.how.cell(),
                cell(&r.notes.join(" "))
            );
        }
        out.push('\n');
    }
}

fn unverified(out: &mut String, s: &Setup) {
    let mut items: Vec<String> = s.unverified.clone();
    let notes = s
        .objects
        .iter()
        .flat_map(|o| o.notes.iter())
        .chain(s.fields.iter().flat_map(|r| r.notes.iter()));
    for n in notes.filter(|n| n.contains(UNVERIFIED)) {
        let n = n.trim_start_matches('⚠').trim().to_string();
        if !items.contains(&n) {
            items.push(n);
        }
    }
    if items.is_empty() {
        return;
    }
    let _ = writeln!(
        out,
        "## Unverified\n\nThese facts could not be confirmed from a primary source; \
         check them in the customer's {} before relying on them.\n",
        s.title
    );
    for i in items {
        let _ = writeln!(out, "- {i}");
    }
    out.push('\n');
}

/// A Markdown table cell: no line breaks, `|` escaped.
fn cell(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', " ")
}
