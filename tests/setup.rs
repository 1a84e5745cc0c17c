//! `ferry setup`: the manifests of the bundled specs (snapshots), their
//! well-formedness, exactly one entry per declared custom field, Twenty's
//! request order, every ferry type through every destination, and the
//! command end to end (exit codes, files written, `--force`).

use ferry::check::CustomDecl;
use ferry::schema::model::{EnumValue, Field, FieldType};
use ferry::setup::{for_destination, Manifest};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

const SPECS: &[(&str, &str)] = &[
    ("salesforce", "specs/salesforce.ferry"),
    ("twenty", "specs/twenty.ferry"),
    ("zoho", "specs/zoho.ferry"),
    ("pipedrive", "specs/pipedrive.ferry"),
    ("freshsales", "specs/freshsales.ferry"),
    ("nordisk_retail", "examples/nordisk-retail/salesforce.ferry"),
];

struct Case {
    name: &'static str,
    destination: String,
    custom: Vec<CustomDecl>,
    manifest: Manifest,
}

fn compile(path: &Path) -> ferry::check::Checked {
    let (project, mut diags) = ferry::check::load_project(path).expect("spec is readable");
    let registry = ferry::schema::Registry::standard().expect("standard descriptors load");
    let read = ferry::check::reader_beside(&project.main.file.name);
    let (checked, more) = ferry::check::check(&project, &registry, &read);
    diags.extend(more);
    assert!(!diags.has_errors(), "{} has errors", path.display());
    checked.expect("a spec without errors checks")
}

/// The bundled specs, checked once for all tests.
fn cases() -> &'static [Case] {
    static CASES: OnceLock<Vec<Case>> = OnceLock::new();
    CASES.get_or_init(|| {
        std::env::set_current_dir(env!("CARGO_MANIFEST_DIR")).unwrap();
        SPECS
            .iter()
            .map(|(name, path)| {
                let checked = compile(Path::new(path));
                Case {
                    name,
                    destination: checked.plan.destination.clone(),
                    custom: checked.custom.clone(),
                    manifest: ferry::setup::manifest(&checked),
                }
            })
            .collect()
    })
}

fn file<'m>(m: &'m Manifest, path: &str) -> Option<&'m str> {
    m.files
        .iter()
        .find(|(p, _)| p == path)
        .map(|(_, t)| t.as_str())
}

#[test]
fn manifests_of_the_bundled_specs() {
    for c in cases() {
        let mut text = String::new();
        for (path, contents) in &c.manifest.files {
            text.push_str(&format!("──── {path} ────\n{contents}\n"));
        }
        text.push_str(&format!("──── SETUP.md ────\n{}", c.manifest.summary_md));
        insta::assert_snapshot!(c.name, text);
    }
}

/// A small XML well-formedness check: one root, balanced tags, quoted
/// attributes, known entities, comments and the prolog allowed.
fn well_formed(xml: &str) -> Result<(), String> {
    let mut rest = xml;
    if let Some(r) = rest.strip_prefix("<?xml") {
        let end = r.find("?>").ok_or("unterminated prolog")?;
        rest = &r[end + 2..];
    }
    let mut stack: Vec<&str> = Vec::new();
    let mut roots = 0;
    while !rest.is_empty() {
        let Some(lt) = rest.find('<') else {
            check_text(rest, stack.is_empty())?;
            break;
        };
        check_text(&rest[..lt], stack.is_empty())?;
        rest = &rest[lt..];
        if let Some(r) = rest.strip_prefix("<!--") {
            let end = r.find("-->").ok_or("unterminated comment")?;
            rest = &r[end + 3..];
            continue;
        }
        let gt = rest.find('>').ok_or("unterminated tag")?;
        let tag = &rest[1..gt];
        rest = &rest[gt + 1..];
        if let Some(name) = tag.strip_prefix('/') {
            match stack.pop() {
                Some(open) if open == name.trim() => {}
                other => return Err(format!("</{name}> closes {other:?}")),
            }
            continue;
        }
        let self_closing = tag.ends_with('/');
        let body = tag.trim_end_matches('/');
        let name_end = body.find(char::is_whitespace).unwrap_or(body.len());
        let name = &body[..name_end];
        let name_ok = name
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
            && name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "_:.-".contains(c));
        if !name_ok {
            return Err(format!("bad element name {name:?}"));
        }
        check_attributes(&body[name_end..])?;
        if stack.is_empty() {
            roots += 1;
        }
        if !self_closing {
            stack.push(name);
        }
    }
    match (stack.is_empty(), roots) {
        (true, 1) => Ok(()),
        (false, _) => Err(format!("unclosed {stack:?}")),
        (_, n) => Err(format!("{n} root elements")),
    }
}

fn check_text(text: &str, outside: bool) -> Result<(), String> {
    if outside && !text.trim().is_empty() {
        return Err(format!("text outside the root: {text:?}"));
    }
    let mut rest = text;
    while let Some(amp) = rest.find('&') {
        let r = &rest[amp + 1..];
        let end = r.find(';').ok_or("unterminated entity")?;
        let ent = &r[..end];
        let known = matches!(ent, "amp" | "lt" | "gt" | "quot" | "apos")
            || ent
                .strip_prefix("#x")
                .is_some_and(|h| u32::from_str_radix(h, 16).is_ok())
            || ent
                .strip_prefix('#')
                .is_some_and(|d| d.parse::<u32>().is_ok());
        if !known {
            return Err(format!("unknown entity &{ent};"));
        }
        rest = &r[end + 1..];
    }
    Ok(())
}

fn check_attributes(mut s: &str) -> Result<(), String> {
    loop {
        s = s.trim_start();
        if s.is_empty() {
            return Ok(());
        }
        let eq = s
            .find('=')
            .ok_or(format!("attribute without value: {s:?}"))?;
        let quote = s[eq + 1..]
            .chars()
            .next()
            .ok_or("attribute without value")?;
        if quote != '"' && quote != '\'' {
            return Err(format!("unquoted attribute: {s:?}"));
        }
        let v = &s[eq + 2..];
        let end = v.find(quote).ok_or("unterminated attribute")?;
        if v[..end].contains('<') {
            return Err("`<` in an attribute".into());
        }
        check_text(&v[..end], false)?;
        s = &v[end + 1..];
    }
}

#[test]
fn the_xml_check_rejects_broken_xml() {
    assert!(well_formed("<a><b>x</b></a>").is_ok());
    assert!(well_formed("<?xml version=\"1.0\"?>\n<a x=\"1\"><!-- c --><b/></a>\n").is_ok());
    assert!(well_formed("<a><b>x</a></b>").is_err());
    assert!(well_formed("<a><b>x</b>").is_err());
    assert!(well_formed("<a>R&D</a>").is_err());
    assert!(well_formed("<a/><b/>").is_err());
    assert!(well_formed("<a x=1></a>").is_err());
}

fn xml_files(m: &Manifest) -> impl Iterator<Item = &(String, String)> {
    m.files.iter().filter(|(p, _)| p.ends_with(".xml"))
}

#[test]
fn salesforce_xml_is_well_formed_and_named_after_its_file() {
    let mut seen = 0;
    for c in cases().iter().filter(|c| c.destination == "salesforce") {
        for (path, text) in xml_files(&c.manifest) {
            well_formed(text).unwrap_or_else(|e| panic!("{path}: {e}\n{text}"));
            if let Some(stem) = path.strip_suffix(".field-meta.xml") {
                let field = stem.rsplit('/').next().unwrap();
                assert!(
                    text.contains(&format!("<fullName>{field}</fullName>")),
                    "{path} names another field"
                );
                assert!(text
                    .contains("<CustomField xmlns=\"http://soap.sforce.com/2006/04/metadata\">"));
            }
            seen += 1;
        }
        let package = file(&c.manifest, "manifest/package.xml").expect("package.xml");
        for (path, _) in c
            .manifest
            .files
            .iter()
            .filter(|(p, _)| p.ends_with(".field-meta.xml"))
        {
            let mut parts = path.rsplit('/');
            let field = parts.next().unwrap().trim_end_matches(".field-meta.xml");
            let object = parts.nth(1).unwrap();
            assert!(
                package.contains(&format!("<members>{object}.{field}</members>")),
                "package.xml lacks {object}.{field}"
            );
        }
        let project: Value =
            serde_json::from_str(file(&c.manifest, "sfdx-project.json").unwrap()).unwrap();
        assert_eq!(project["packageDirectories"][0]["path"], "force-app");
    }
    assert!(seen > 50, "only {seen} XML files checked");
}

/// Rows of SETUP.md's field tables: (object, field, "Created by" cell).
fn summary_rows(md: &str) -> Vec<(String, String, String)> {
    let mut rows = Vec::new();
    let mut object = None;
    let mut in_fields = false;
    for line in md.lines() {
        if line.starts_with("## ") {
            in_fields = line == "## Custom fields";
            object = None;
        } else if let Some(o) = line.strip_prefix("### `") {
            object = Some(o.trim_end_matches('`').to_string());
        } else if let (true, Some(o), Some(r)) = (in_fields, &object, line.strip_prefix("| `")) {
            let field = r.split('`').next().unwrap().to_string();
            let how = line.split(" | ").nth(3).unwrap_or_default().to_string();
            rows.push((o.clone(), field, how));
        }
    }
    rows
}

/// Request items of a request file naming this object and field, with their 1-based positions.
fn requests_for(m: &Manifest, path: &str, object: &str, field: &str) -> Vec<usize> {
    let Some(text) = file(m, path) else {
        return Vec::new();
    };
    let v: Value = serde_json::from_str(text).unwrap_or_else(|e| panic!("{path} is not JSON: {e}"));
    let items = v
        .as_array()
        .unwrap_or_else(|| panic!("{path} is not a list"));
    items
        .iter()
        .enumerate()
        .filter(|(_, r)| r["object"] == object && r["field"] == field)
        .map(|(i, _)| i + 1)
        .collect()
}

fn machine_count(
    destination: &str,
    m: &Manifest,
    decl: &CustomDecl,
    f: &Field,
    how: &str,
) -> usize {
    match destination {
        "salesforce" => {
            let dir = if matches!(decl.object.as_str(), "Task" | "Event") {
                "Activity"
            } else {
                decl.object.as_str()
            };
            let suffix = format!("/objects/{dir}/fields/{}.field-meta.xml", f.name);
            let files = m.files.iter().filter(|(p, _)| p.ends_with(&suffix)).count();
            let object_file = format!(
                "force-app/main/default/objects/{0}/{0}.object-meta.xml",
                decl.object
            );
            let name_field = usize::from(
                decl.new_object
                    && f.name == "Name"
                    && file(m, &object_file).is_some_and(|t| t.contains("<nameField>")),
            );
            files + name_field
        }
        "twenty" | "zoho" | "pipedrive" => {
            let path = format!(
                "{destination}/{}",
                match destination {
                    "twenty" => "metadata-requests.json",
                    _ => "field-requests.json",
                }
            );
            let at = requests_for(m, &path, &decl.object, &f.name);
            if let Some(n) = how.strip_prefix("request ") {
                assert_eq!(
                    at,
                    vec![n.parse::<usize>().unwrap()],
                    "{}.{} is not request {n}",
                    decl.object,
                    f.name
                );
            }
            at.len()
        }
        "freshsales" => {
            let list = file(m, "freshsales/checklist.md").unwrap_or_default();
            let section = list
                .split("\n## ")
                .find(|s| {
                    s.lines()
                        .next()
                        .is_some_and(|h| h.ends_with(&format!("(`{}`)", decl.object)))
                })
                .unwrap_or_default();
            let name = format!("`{}`", f.name);
            section
                .lines()
                .filter(|l| l.starts_with("- [ ] **") && l.contains(&name))
                .count()
        }
        other => panic!("no machine files for {other}"),
    }
}

fn assert_each_field_once(destination: &str, custom: &[CustomDecl], m: &Manifest) {
    let rows = summary_rows(&m.summary_md);
    let declared: usize = custom.iter().map(|d| d.fields.len()).sum();
    assert_eq!(
        rows.len(),
        declared,
        "{destination}: one summary row per declared field"
    );
    for d in custom {
        for f in &d.fields {
            let mine: Vec<_> = rows
                .iter()
                .filter(|(o, n, _)| *o == d.object && *n == f.name)
                .collect();
            assert_eq!(mine.len(), 1, "{destination}: {}.{} rows", d.object, f.name);
            let how = mine[0].2.as_str();
            let n = machine_count(destination, m, d, f, how);
            let made =
                matches!(how, "deploy" | "by hand (checklist)") || how.starts_with("request ");
            assert_eq!(
                n,
                usize::from(made),
                "{destination}: {}.{} ({how}) appears {n} times",
                d.object,
                f.name
            );
        }
    }
}

#[test]
fn every_declared_custom_field_appears_exactly_once() {
    for c in cases() {
        assert!(!c.custom.is_empty(), "{} declares custom fields", c.name);
        assert_each_field_once(&c.destination, &c.custom, &c.manifest);
    }
}

fn field(name: &str, ty: FieldType) -> Field {
    let mut f = Field::new(name, ty);
    f.custom = true;
    f
}

fn values(vs: &[&str]) -> Vec<EnumValue> {
    vs.iter()
        .map(|v| EnumValue {
            value: v.to_string(),
            aliases: Vec::new(),
        })
        .collect()
}

/// Every ferry type, with awkward names and values, on an existing and a new object.
fn every_type(existing: &str, new: &str, name: &str) -> Vec<CustomDecl> {
    let mut key = field(&format!("{name}key"), FieldType::Text { max: Some(40) });
    key.external_id = true;
    key.unique = true;
    let mut long_key = field(
        &format!("{name}longkey"),
        FieldType::Text { max: Some(1000) },
    );
    long_key.unique = true;
    let mut flag = field(&format!("{name}flag"), FieldType::Boolean);
    flag.required = true;
    let mut parent = field(
        &format!("{name}parentId"),
        FieldType::Lookup {
            objects: vec![new.to_string()],
        },
    );
    parent.required = true;
    let fields = vec![
        key,
        long_key,
        field(&format!("{name}text"), FieldType::Text { max: None }),
        field(
            &format!("{name}short"),
            FieldType::Textarea { max: Some(200) },
        ),
        field(&format!("{name}notes"), FieldType::Textarea { max: None }),
        field(&format!("{name}count"), FieldType::Integer),
        field(
            &format!("{name}big"),
            FieldType::Number {
                precision: Some(20),
                scale: Some(0),
            },
        ),
        field(
            &format!("{name}score"),
            FieldType::Number {
                precision: Some(5),
                scale: Some(1),
            },
        ),
        field(&format!("{name}rate"), FieldType::Percent),
        field(&format!("{name}amount"), FieldType::Currency),
        flag,
        field(&format!("{name}day"), FieldType::Date),
        field(&format!("{name}at"), FieldType::Datetime),
        field(&format!("{name}mail"), FieldType::Email),
        field(&format!("{name}phone"), FieldType::Phone),
        field(&format!("{name}site"), FieldType::Url),
        field(
            &format!("{name}status"),
            FieldType::Picklist {
                values: values(&["In Progress", "R&D <core>", "1st"]),
            },
        ),
        field(
            &format!("{name}tags"),
            FieldType::Multipicklist {
                values: values(&["a", "b"]),
            },
        ),
        field(
            &format!("{name}paths"),
            FieldType::List {
                item: Box::new(FieldType::Text { max: None }),
            },
        ),
        field(
            &format!("{name}kinds"),
            FieldType::List {
                item: Box::new(FieldType::Picklist {
                    values: values(&["x", "y"]),
                }),
            },
        ),
        parent,
        field(
            &format!("{name}either"),
            FieldType::Lookup {
                objects: vec![existing.to_string(), new.to_string()],
            },
        ),
        field(&format!("{name}ownerId"), FieldType::Owner),
        field(&format!("{name}ref"), FieldType::Id),
        field(
            &format!("{name}where"),
            FieldType::Composite {
                fields: Default::default(),
            },
        ),
    ];
    vec![
        CustomDecl {
            object: existing.to_string(),
            new_object: false,
            fields,
        },
        CustomDecl {
            object: new.to_string(),
            new_object: true,
            fields: vec![
                field("Name", FieldType::Text { max: Some(120) }),
                field("name", FieldType::Text { max: None }),
            ],
        },
    ]
}

#[test]
fn every_type_goes_through_every_destination() {
    for (dest, existing, new, prefix) in [
        ("salesforce", "Contact", "Course__c", "X_"),
        ("salesforce", "Task", "Course__c", "T_"),
        ("twenty", "people", "trainings", "x"),
        ("zoho", "Contacts", "Actimo_Courses__c", "X_"),
        ("pipedrive", "persons", "courses", "x_"),
        ("freshsales", "contacts", "courses", "cf_x_"),
    ] {
        let custom = every_type(existing, new, prefix);
        let m = for_destination(dest, &custom);
        assert_each_field_once(dest, &custom, &m);
        for (path, text) in &m.files {
            if path.ends_with(".xml") {
                well_formed(text).unwrap_or_else(|e| panic!("{dest} {path}: {e}\n{text}"));
            } else if path.ends_with(".json") {
                serde_json::from_str::<Value>(text)
                    .unwrap_or_else(|e| panic!("{dest} {path}: {e}"));
            }
        }
        let md = &m.summary_md;
        assert!(
            md.contains("## Needs attention"),
            "{dest}: the composite field needs attention"
        );
        assert!(
            md.contains("cannot be created"),
            "{dest}: some types cannot be created"
        );
        // Unverified notes in the tables are listed again at the end.
        let (tables, listed) = md.split_once("## Unverified").unwrap_or((md, ""));
        for line in tables
            .lines()
            .filter(|l| l.starts_with("| `") && l.contains("[UNVERIFIED]"))
        {
            let note = line.rsplit(" | ").next().unwrap();
            let first = note
                .split("[UNVERIFIED]")
                .nth(1)
                .unwrap()
                .split('.')
                .next()
                .unwrap();
            assert!(
                listed.contains(first),
                "{dest}: {first:?} is not listed under Unverified"
            );
        }
    }
}

#[test]
fn salesforce_edge_cases() {
    let custom = every_type("Contact", "Course__c", "X_");
    let m = for_destination("salesforce", &custom);
    let f = |name: &str| {
        file(
            &m,
            &format!("force-app/main/default/objects/Contact/fields/{name}.field-meta.xml"),
        )
    };
    let status = f("X_status").expect("picklist field");
    assert!(
        status.contains("<fullName>R&amp;D &lt;core&gt;</fullName>"),
        "{status}"
    );
    let flag = f("X_flag").unwrap();
    assert!(flag.contains("<defaultValue>false</defaultValue>") && !flag.contains("<required>"));
    let parent = f("X_parentId").unwrap();
    assert!(
        parent.contains("<deleteConstraint>Restrict</deleteConstraint>"),
        "a required lookup restricts deletes"
    );
    let owner = f("X_ownerId").unwrap();
    assert!(owner.contains("<referenceTo>User</referenceTo>"));
    assert!(
        f("X_either").is_none(),
        "a polymorphic custom lookup cannot exist"
    );
    assert!(f("X_longkey")
        .unwrap()
        .contains("<type>LongTextArea</type>"));
    assert!(m
        .summary_md
        .contains("Salesforce allows External ID and Unique only on Text, Number and Email"));
    let course = file(
        &m,
        "force-app/main/default/objects/Course__c/Course__c.object-meta.xml",
    )
    .unwrap();
    assert!(course.contains("<type>Text</type>") && !course.contains("AutoNumber"));
    assert!(m
        .summary_md
        .contains("Salesforce name fields hold 80 characters"));
    let permset = file(
        &m,
        "force-app/main/default/permissionsets/Ferry_Migration.permissionset-meta.xml",
    )
    .unwrap();
    assert!(permset.contains("<field>Contact.X_key</field>"));
    assert!(
        !permset.contains("<field>Contact.X_parentId</field>"),
        "no field permissions on required fields"
    );
    assert!(permset.contains("<object>Course__c</object>"));
    // Activity fields: under Activity, and no lookups.
    let task = for_destination("salesforce", &every_type("Task", "Course__c", "T_"));
    assert!(file(
        &task,
        "force-app/main/default/objects/Activity/fields/T_key.field-meta.xml"
    )
    .is_some());
    assert!(file(
        &task,
        "force-app/main/default/objects/Activity/fields/T_parentId.field-meta.xml"
    )
    .is_none());
}

#[test]
fn freshsales_keys_come_from_labels() {
    let m = for_destination("freshsales", &every_type("contacts", "courses", "cf_x_"));
    let list = file(&m, "freshsales/checklist.md").unwrap();
    assert!(
        list.contains("- [ ] **X Day** → `cf_x_day`: Date."),
        "{list}"
    );
    assert!(m.summary_md.contains("this label gives `cf_x_parent_id`"));
    assert!(list.contains("~~`cf_x_where`~~ cannot be created"));
    // The bundled spec's keys all follow from their labels.
    let spec = cases().iter().find(|c| c.name == "freshsales").unwrap();
    assert!(
        !spec.manifest.summary_md.contains("## Needs attention"),
        "{}",
        spec.manifest.summary_md
    );
}

#[test]
fn twenty_requests_are_json_with_objects_before_fields() {
    let custom = every_type("people", "trainings", "x");
    let m = for_destination("twenty", &custom);
    let text = file(&m, "twenty/metadata-requests.json").expect("request file");
    let reqs: Vec<Value> = serde_json::from_str(text).expect("valid JSON list");
    for r in &reqs {
        assert!(
            r["method"].is_string() && r["path"].is_string() && r.get("body").is_some(),
            "{r}"
        );
    }
    let query = |r: &Value| r["body"]["query"].as_str().unwrap_or_default().to_string();
    let objects: Vec<usize> = (0..reqs.len())
        .filter(|&i| query(&reqs[i]).contains("createOneObject"))
        .collect();
    let fields: Vec<usize> = (0..reqs.len())
        .filter(|&i| query(&reqs[i]).contains("createOneField"))
        .collect();
    assert_eq!(objects.len(), 1);
    assert!(!fields.is_empty());
    assert!(
        objects.iter().max() < fields.iter().min(),
        "objects first: {objects:?} {fields:?}"
    );
    // The twenty spec has no new object; its fields still come after the read of the objects.
    let spec = cases().iter().find(|c| c.name == "twenty").unwrap();
    let reqs: Vec<Value> =
        serde_json::from_str(file(&spec.manifest, "twenty/metadata-requests.json").unwrap())
            .unwrap();
    assert_eq!(reqs[0]["method"], "GET");
    assert!(reqs[1..]
        .iter()
        .all(|r| query(r).contains("createOneField")));
    // Option values are GraphQL enum names; the relation drops its `Id`.
    let m_text = text.to_string();
    assert!(
        m_text.contains("\"value\": \"IN_PROGRESS\"")
            && m_text.contains("\"value\": \"R_D_CORE\"")
            && m_text.contains("\"value\": \"_1ST\"")
    );
    assert!(
        m_text.contains("\"name\": \"xparent\"") && m_text.contains("<objectMetadataId:trainings>")
    );
    assert!(
        m_text.contains("\"dataType\": \"bigint\""),
        "number(20, 0) needs a bigint"
    );
    assert!(m
        .summary_md
        .contains("option values must be GraphQL enum names"));
}

#[test]
fn pipedrive_and_zoho_requests() {
    let spec = cases().iter().find(|c| c.name == "pipedrive").unwrap();
    let reqs: Vec<Value> =
        serde_json::from_str(file(&spec.manifest, "pipedrive/field-requests.json").unwrap())
            .unwrap();
    assert!(reqs.iter().all(|r| r["method"] == "POST"));
    let paths: std::collections::BTreeSet<&str> =
        reqs.iter().filter_map(|r| r["path"].as_str()).collect();
    assert_eq!(
        paths.into_iter().collect::<Vec<_>>(),
        vec!["/api/v2/organizationFields", "/api/v2/personFields"],
        "notes and activities get no requests"
    );
    assert!(reqs.iter().all(|r| r["body"]["field_name"] == r["field"]));
    assert!(spec
        .manifest
        .summary_md
        .contains("notes take no custom fields"));

    let spec = cases().iter().find(|c| c.name == "zoho").unwrap();
    let reqs: Vec<Value> =
        serde_json::from_str(file(&spec.manifest, "zoho/field-requests.json").unwrap()).unwrap();
    for r in &reqs {
        let module = r["object"].as_str().unwrap();
        assert_eq!(
            r["path"],
            format!("/crm/v8/settings/fields?module={module}")
        );
        let f = &r["body"]["fields"][0];
        assert!(
            f["field_label"].is_string() && f["data_type"].is_string(),
            "{r}"
        );
    }
    let md = &spec.manifest.summary_md;
    assert!(md.contains("## New objects") && md.contains("`Actimo_Workspaces__c` | by hand"));
}

// ── the command ──

fn ferry(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_ferry"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("NO_COLOR", "1")
        .output()
        .expect("the ferry binary runs")
}

fn tmp(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("setup")
        .join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.parent().unwrap()).unwrap();
    dir
}

#[test]
fn the_command_writes_the_manifest_and_guards_the_folder() {
    let out = tmp("nordisk");
    let o = out.to_str().unwrap();
    let spec = "examples/nordisk-retail/salesforce.ferry";
    let r = ferry(&["setup", spec, "--out", o]);
    assert_eq!(
        r.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&r.stderr)
    );
    let want = &cases()
        .iter()
        .find(|c| c.name == "nordisk_retail")
        .unwrap()
        .manifest;
    assert_eq!(
        std::fs::read_to_string(out.join("SETUP.md")).unwrap(),
        want.summary_md
    );
    for (path, text) in &want.files {
        assert_eq!(
            &std::fs::read_to_string(out.join(path)).unwrap(),
            text,
            "{path}"
        );
    }
    assert!(out
        .join("force-app/main/default/objects/Contact/fields/Source_System_ID__c.field-meta.xml")
        .is_file());

    // A folder that is not empty needs --force; other files survive it.
    std::fs::write(out.join("mine.txt"), "keep").unwrap();
    let r = ferry(&["setup", spec, "--out", o]);
    assert_eq!(r.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&r.stderr).contains("--force"));
    let r = ferry(&["setup", spec, "--out", o, "--force"]);
    assert_eq!(r.status.code(), Some(0));
    assert_eq!(
        std::fs::read_to_string(out.join("mine.txt")).unwrap(),
        "keep"
    );

    // --out naming a file is a usage error.
    let r = ferry(&[
        "setup",
        spec,
        "--out",
        out.join("mine.txt").to_str().unwrap(),
    ]);
    assert_eq!(r.status.code(), Some(2));
}

#[test]
fn the_command_fails_on_spec_errors_and_missing_files() {
    let dir = tmp("bad");
    std::fs::create_dir_all(&dir).unwrap();
    let bad = dir.join("bad.ferry");
    std::fs::write(
        &bad,
        "migration actimo -> salesforce\n\ncustom Account {\n  Source_System_ID__c : text(40) external_id unique\n}\n\nroute companies -> Account {\n  key Source_System_ID__c = company_id\n  Nmae = name\n}\n",
    )
    .unwrap();
    let out = dir.join("out");
    let r = ferry(&[
        "setup",
        bad.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(
        r.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&r.stderr)
    );
    assert!(!out.exists(), "nothing is written for a spec with errors");
    let r = ferry(&[
        "setup",
        dir.join("missing.ferry").to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(r.status.code(), Some(2));
    let r = ferry(&["setup", "specs/twenty.ferry"]);
    assert_eq!(r.status.code(), Some(2), "--out is required");
}
