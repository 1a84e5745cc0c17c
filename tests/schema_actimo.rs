//! The Actimo source descriptor against the export reference: every file and
//! column of actimo-export.md §4 (parsed at test time, or the copy in
//! tests/data), the relation names the language pins, enum aliases, list
//! columns and optional objects.

use ferry::diagnostics::render::{render, Format, HumanStyle};
use ferry::diagnostics::Diagnostics;
use ferry::schema::model::{Descriptor, FieldType, RelationKind};
use ferry::schema::Registry;
use std::collections::BTreeMap;
use std::path::Path;

fn standard() -> Registry {
    match Registry::standard() {
        Ok(r) => r,
        Err(d) => panic!("the standard descriptors do not load:\n{}", human(&d)),
    }
}

fn human(d: &Diagnostics) -> String {
    render(&d.0, Format::Human, HumanStyle::PLAIN)
}

fn desc<'a>(reg: &'a Registry, system: &str) -> &'a Descriptor {
    reg.get(system)
        .unwrap_or_else(|| panic!("no descriptor `{system}`"))
}

/// The relation names the language pins (language.md §1 and §3).
#[test]
fn actimo_relations_the_language_pins() {
    let reg = standard();
    let a = desc(&reg, "actimo");
    let rel = |o: &str, r: &str| {
        a.object(o)
            .and_then(|o| o.relations.get(r))
            .unwrap_or_else(|| panic!("actimo.{o} has no relation {r}"))
            .clone()
    };
    let forward = |o: &str, r: &str, column: &str, target: &str, target_column: &str| {
        let x = rel(o, r);
        assert_eq!(x.target, target, "{o}.{r}");
        assert_eq!(
            x.kind,
            RelationKind::Forward {
                column: column.into(),
                target_column: target_column.into()
            },
            "{o}.{r}"
        );
    };
    forward(
        "contacts",
        "manager",
        "manager_contact_id",
        "contacts",
        "contact_id",
    );
    forward(
        "contacts",
        "creator",
        "user_id",
        "admin_users",
        "admin_user_id",
    );
    forward(
        "learning_enrollments",
        "contact",
        "contact_id",
        "contacts",
        "contact_id",
    );
    forward(
        "learning_enrollments",
        "learning_path",
        "learning_path_id",
        "learning_paths",
        "learning_path_id",
    );
    forward(
        "message_events",
        "message",
        "message_id",
        "messages",
        "message_id",
    );
    forward(
        "message_events",
        "contact",
        "contact_id",
        "contacts",
        "contact_id",
    );
    forward(
        "messages",
        "analytics",
        "message_id",
        "message_analytics",
        "message_id",
    );
    let pc = rel("contacts", "primary_company");
    assert_eq!(pc.target, "companies");
    assert_eq!(
        pc.kind,
        RelationKind::Link {
            via: "company_contacts".into(),
            from_column: "contact_id".into(),
            to_column: "company_id".into(),
            key_column: "contact_id".into(),
            target_column: "company_id".into(),
            filter: Some(("is_primary".into(), "true".into())),
            many: false,
        }
    );
    assert!(rel("contacts", "companies").kind.is_many());
    for (o, r, target, column) in [
        (
            "contacts",
            "enrollments",
            "learning_enrollments",
            "contact_id",
        ),
        ("automations", "steps", "automation_steps", "automation_id"),
        ("messages", "recipients", "message_recipients", "message_id"),
        ("messages", "events", "message_events", "message_id"),
        ("pulse_surveys", "questions", "pulse_questions", "pulse_id"),
        ("contacts", "memberships", "group_memberships", "contact_id"),
    ] {
        let x = rel(o, r);
        assert_eq!(x.target, target);
        assert!(
            matches!(&x.kind, RelationKind::Reverse { column: c, .. } if c == column),
            "{o}.{r}"
        );
    }
    for (o, r) in [
        ("workspaces", "company"),
        ("groups", "workspace"),
        ("companies", "parent_company"),
        ("contact_relationships", "related_contact"),
    ] {
        rel(o, r);
    }
}

#[test]
fn actimo_enums_fold_the_documented_aliases() {
    let reg = standard();
    let a = desc(&reg, "actimo");
    let aliases = |o: &str, f: &str, value: &str| -> Vec<String> {
        match &a.object(o).and_then(|o| o.field(f)).unwrap().ty {
            FieldType::Picklist { values } => values
                .iter()
                .find(|v| v.value == value)
                .map(|v| v.aliases.clone())
                .unwrap_or_default(),
            other => panic!("{o}.{f} is {other}"),
        }
    };
    assert!(aliases("contacts", "status", "active")
        .iter()
        .any(|a| a == "Aktiv"));
    assert!(aliases("contacts", "status", "active")
        .iter()
        .any(|a| a == "ACTIVE"));
    assert!(aliases("learning_enrollments", "status", "Not Started")
        .iter()
        .any(|x| x == "not_started"));
    for a in ["Gennemført", "Afsluttet"] {
        assert!(aliases("learning_enrollments", "status", "Completed")
            .iter()
            .any(|x| x == a));
    }
    assert!(aliases("learning_enrollments", "status", "In Progress")
        .iter()
        .any(|x| x == "In progress"));
    assert!(aliases("learning_enrollments", "status", "Overdue")
        .iter()
        .any(|x| x == "Overskredet"));
    assert!(aliases("admin_users", "role", "editor")
        .iter()
        .any(|x| x == "Redaktør"));
    assert!(aliases("contacts", "employment_status", "On Leave")
        .iter()
        .any(|x| x == "Orlov"));
    // Multi-value columns are lists.
    for (o, f) in [
        ("contacts", "groups"),
        ("contacts", "tags"),
        ("admin_users", "workspace_ids"),
        ("messages", "categories"),
        ("messages", "channels"),
        ("learning_paths", "message_ids"),
        ("contact_fields", "options"),
        ("pulse_surveys", "target_group_ids"),
        ("integrations", "scope_group_ids"),
    ] {
        let ty = &a.object(o).and_then(|x| x.field(f)).unwrap().ty;
        assert!(matches!(ty, FieldType::List { .. }), "{o}.{f} is {ty}");
    }
    // [S] objects are optional; core ones are not.
    for o in [
        "feedback_threads",
        "tasks",
        "activities",
        "tags",
        "contact_access_log",
        "social_posts",
    ] {
        assert!(a.object(o).unwrap().optional, "{o} should be optional");
    }
    assert!(!a.object("contacts").unwrap().optional);
}

/// Files and columns of actimo-export.md §4, read from the markdown when it is
/// beside the repository, else from the copy in tests/data.
fn reference_columns() -> Vec<(String, Vec<String>)> {
    let md = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/reference/actimo-export.md");
    match std::fs::read_to_string(&md) {
        Ok(text) => columns_from_markdown(&text),
        Err(_) => fallback_columns(),
    }
}

fn fallback_columns() -> Vec<(String, Vec<String>)> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/actimo-export-columns.txt");
    let text = std::fs::read_to_string(path).expect("tests/data/actimo-export-columns.txt");
    text.lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|l| {
            let (file, cols) = l.split_once(':').expect("`file: columns`");
            (
                file.to_string(),
                cols.split_whitespace().map(str::to_string).collect(),
            )
        })
        .collect()
}

fn is_snake(s: &str) -> bool {
    let mut chars = s.chars();
    chars.next().is_some_and(|c| c.is_ascii_lowercase())
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

/// Column names in backticks of a "Columns: …" sentence: the first word of each
/// backticked item, unless the item is an alternative value ("admin email or
/// `system`"); "(or `group_id`)" names an alternative column and counts.
fn prose_columns(seg: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = seg;
    let mut offset = 0;
    while let Some(open) = rest.find('`') {
        let Some(close) = rest[open + 1..].find('`') else {
            break;
        };
        let item = &rest[open + 1..open + 1 + close];
        let before = seg[..offset + open].trim_end();
        let first = item.split_whitespace().next().unwrap_or_default();
        let alternative_value =
            (before.ends_with(" or") || before == "or") && !before.ends_with("(or");
        if is_snake(first) && !alternative_value {
            out.push(first.to_string());
        }
        let consumed = open + 1 + close + 1;
        offset += consumed;
        rest = &rest[consumed..];
    }
    out
}

fn columns_from_markdown(md: &str) -> Vec<(String, Vec<String>)> {
    let mut files: Vec<(String, Vec<String>)> = Vec::new();
    fn add(files: &mut Vec<(String, Vec<String>)>, file: &str, cols: Vec<String>) {
        let i = match files.iter().position(|(f, _)| f == file) {
            Some(i) => i,
            None => {
                files.push((file.to_string(), Vec::new()));
                files.len() - 1
            }
        };
        for c in cols {
            if !files[i].1.contains(&c) {
                files[i].1.push(c);
            }
        }
    }
    let csv_in = |s: &str| -> Option<(String, usize)> {
        let end = s.find(".csv`")?;
        let start = s[..end].rfind('`')? + 1;
        Some((s[start..end + 4].to_string(), end + 5))
    };
    let mut current: Option<String> = None;
    for line in md.lines() {
        if line.starts_with("## ") || line.starts_with("### ") {
            current = line
                .strip_prefix("### 4.")
                .and_then(|_| csv_in(line))
                .map(|(f, _)| f);
            if let Some(f) = &current {
                add(&mut files, f, Vec::new());
            }
            continue;
        }
        let Some(file) = current.clone() else {
            continue;
        };
        if let Some(row) = line.strip_prefix('|') {
            let first = row.split('|').next().unwrap_or_default().trim();
            if first == "column" || first.chars().all(|c| matches!(c, '-' | ':' | ' ')) {
                continue;
            }
            let cols = first
                .split(['/', ','])
                .map(str::trim)
                .filter(|c| is_snake(c))
                .map(str::to_string)
                .collect();
            add(&mut files, &file, cols);
            continue;
        }
        let (main, optional) = if let Some((_, after)) = line.split_once("Columns:") {
            match after.split_once("Optional `") {
                Some((m, o)) => (Some(m), Some(format!("`{o}"))),
                None => (Some(after), None),
            }
        } else if line.starts_with("Optional") && line.contains(".csv`") {
            (None, Some(line.to_string()))
        } else {
            (None, None)
        };
        if let Some(m) = main {
            add(&mut files, &file, prose_columns(m));
        }
        if let Some(o) = optional {
            if let Some((f, end)) = csv_in(&o) {
                add(&mut files, &f, prose_columns(&o[end..]));
            }
        }
    }
    files
}

#[test]
fn every_actimo_export_column_is_described() {
    let reg = standard();
    let a = desc(&reg, "actimo");
    let reference = reference_columns();
    assert!(
        reference.len() >= 35,
        "parsed only {} files from the reference",
        reference.len()
    );
    let by_file: BTreeMap<&str, &ferry::schema::model::Object> = a
        .objects
        .values()
        .filter_map(|o| o.file.as_deref().map(|f| (f, o)))
        .collect();
    let mut missing = Vec::new();
    for (file, cols) in &reference {
        let Some(obj) = by_file.get(file.as_str()) else {
            missing.push(format!("{file} (whole file)"));
            continue;
        };
        assert_eq!(
            obj.name,
            file.trim_end_matches(".csv"),
            "object names are file names without .csv"
        );
        for c in cols {
            if !obj.fields.contains_key(c) {
                missing.push(format!("{file}: {c}"));
            }
        }
        // And nothing invented: every described column is in the reference.
        for f in obj.fields.keys() {
            assert!(
                cols.contains(f),
                "{file}: `{f}` is not in actimo-export.md §4"
            );
        }
    }
    assert!(missing.is_empty(), "not in actimo.yaml: {missing:#?}");
    for file in by_file.keys() {
        assert!(
            reference.iter().any(|(f, _)| f == file),
            "{file} is not in actimo-export.md §4"
        );
    }
}

#[test]
fn the_fallback_column_list_matches_the_reference() {
    let md = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/reference/actimo-export.md");
    let Ok(text) = std::fs::read_to_string(md) else {
        // Without the shared folder the fallback is what the other test uses.
        assert!(!fallback_columns().is_empty());
        return;
    };
    assert_eq!(
        columns_from_markdown(&text),
        fallback_columns(),
        "regenerate tests/data/actimo-export-columns.txt"
    );
}

#[test]
fn markdown_column_parser_handles_the_prose_forms() {
    let md = "### 4.10 `g.csv` (x)\nColumns: `group_id`, `removed_by email` (admin email or `system`), `a_b datetime (Req)`.\n\
              ### 4.11 `t.csv`\nColumns: `contact_id`, `tag string`. Optional `tags.csv`: `tag` (PK), `contact_count`.\n\
              | column | type |\n|---|---|\n| first_name / last_name | string |\n| x, y | int |\n\
              ### 4.25 `p.csv`\nColumns: `pulse_id`, `manager_contact_id` (or `group_id`), `period` (`2024-W07`).\n\
              Optional real: `log.csv` (`contact_id`, `event enum{a,b}`)\n### 4.34 Relationship sketch\nColumns: `nope`\n";
    let got = columns_from_markdown(md);
    let want: Vec<(String, Vec<String>)> = vec![
        (
            "g.csv".into(),
            vec!["group_id".into(), "removed_by".into(), "a_b".into()],
        ),
        (
            "t.csv".into(),
            ["contact_id", "tag", "first_name", "last_name", "x", "y"]
                .map(String::from)
                .to_vec(),
        ),
        (
            "tags.csv".into(),
            vec!["tag".into(), "contact_count".into()],
        ),
        (
            "p.csv".into(),
            vec![
                "pulse_id".into(),
                "manager_contact_id".into(),
                "group_id".into(),
                "period".into(),
            ],
        ),
        ("log.csv".into(), vec!["contact_id".into(), "event".into()]),
    ];
    assert_eq!(got, want);
}
