//! Schema descriptors: the six standard ones (snapshots, required fields and
//! picklist values from the reference, model invariants), overrides, and
//! malformed descriptors (`tests/schemas/err/*.yaml`, each with a
//! `# expect: E07xx` header). The Actimo source is tested in schema_actimo.rs,
//! `ferry schema` in schema_cli.rs.

use ferry::diagnostics::render::{render, Format, HumanStyle};
use ferry::diagnostics::{Diagnostics, SourceFile};
use ferry::schema::model::{Descriptor, FieldType, Kind, RelationKind};
use ferry::schema::{load, parse_type, Registry};
use std::collections::BTreeSet;
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

// ── the standard descriptors ────────────────────────────────────────────

#[test]
fn standard_descriptors_snapshot() {
    let reg = standard();
    let names: Vec<&str> = reg.names().collect();
    assert_eq!(
        names,
        [
            "actimo",
            "twenty",
            "zoho",
            "pipedrive",
            "freshsales",
            "salesforce"
        ]
    );
    for d in reg.systems() {
        insta::assert_yaml_snapshot!(format!("descriptor_{}", d.system), d);
    }
}

#[test]
fn standard_descriptors_are_parsed_once() {
    let a = standard();
    let b = standard();
    // Same Arc'd descriptors: the embedded YAML is not parsed again.
    assert!(std::ptr::eq(desc(&a, "salesforce"), desc(&b, "salesforce")));
}

/// Required fields per destination object, from destination-apis.md (and the
/// OpenAPI contracts): exactly these, no more.
#[test]
fn required_fields_match_the_reference() {
    let reg = standard();
    let expect: &[(&str, &str, &[&str])] = &[
        // §2.5: Contact LastName; Lead LastName + Company; Account Name;
        // CampaignMember CampaignId (+ ContactId or LeadId); Campaign Name [UNVERIFIED];
        // Task: none (Status/Priority defaulted).
        ("salesforce", "Contact", &["LastName"]),
        ("salesforce", "Lead", &["LastName", "Company"]),
        ("salesforce", "Account", &["Name"]),
        ("salesforce", "CampaignMember", &["CampaignId"]),
        ("salesforce", "Campaign", &["Name"]),
        ("salesforce", "Task", &[]),
        // §4.2/4.3: Last_Name, Company; Notes need their parent and content.
        ("zoho", "Contacts", &["Last_Name"]),
        ("zoho", "Leads", &["Last_Name", "Company"]),
        ("zoho", "Accounts", &["Account_Name"]),
        ("zoho", "Notes", &["Note_Content", "Parent_Id"]),
        ("zoho", "Tasks", &["Subject"]),
        // §3.2: person `name` effectively required; note `content`.
        ("pipedrive", "persons", &["name"]),
        ("pipedrive", "organizations", &["name"]),
        ("pipedrive", "notes", &["content"]),
        ("pipedrive", "activities", &[]),
        // §5.2: notes need description + targetable_*; contacts have no single required field.
        ("freshsales", "contacts", &[]),
        ("freshsales", "sales_accounts", &["name"]),
        (
            "freshsales",
            "notes",
            &["description", "targetable_type", "targetable_id"],
        ),
        (
            "freshsales",
            "tasks",
            &[
                "title",
                "due_date",
                "owner_id",
                "targetable_type",
                "targetable_id",
            ],
        ),
        // The OpenAPI marks nothing required but WorkspaceMember.userId; targets need their note/task.
        ("twenty", "people", &[]),
        ("twenty", "companies", &[]),
        ("twenty", "notes", &[]),
        ("twenty", "noteTargets", &["noteId"]),
        ("twenty", "taskTargets", &["taskId"]),
        ("twenty", "workspaceMembers", &["userId"]),
    ];
    for (system, object, required) in expect {
        let obj = desc(&reg, system)
            .object(object)
            .unwrap_or_else(|| panic!("{system} has no object {object}"));
        let got: BTreeSet<&str> = obj
            .fields
            .values()
            .filter(|f| f.required)
            .map(|f| f.name.as_str())
            .collect();
        let want: BTreeSet<&str> = required.iter().copied().collect();
        assert_eq!(got, want, "required fields of {system}.{object}");
    }
}

/// The objects a row of each destination's seed mapping table lands in.
#[test]
fn destinations_cover_their_seed_objects() {
    let reg = standard();
    let expect: &[(&str, &[&str])] = &[
        (
            "twenty",
            &[
                "people",
                "companies",
                "notes",
                "noteTargets",
                "tasks",
                "taskTargets",
                "workspaceMembers",
            ],
        ),
        (
            "zoho",
            &[
                "Contacts",
                "Accounts",
                "Leads",
                "Notes",
                "Tasks",
                "Attachments",
                "Users",
            ],
        ),
        (
            "pipedrive",
            &["persons", "organizations", "notes", "activities"],
        ),
        (
            "freshsales",
            &["contacts", "leads", "sales_accounts", "notes", "tasks"],
        ),
        (
            "salesforce",
            &[
                "Account",
                "Contact",
                "Lead",
                "Campaign",
                "CampaignMember",
                "Task",
                "User",
                "ContentVersion",
            ],
        ),
    ];
    for (system, objects) in expect {
        let d = desc(&reg, system);
        assert_eq!(d.kind, Kind::Destination);
        let api = d
            .api
            .as_ref()
            .unwrap_or_else(|| panic!("{system} has no api"));
        assert!(api.default_batch_size >= 1);
        for o in *objects {
            let obj = d.object(o).unwrap_or_else(|| panic!("{system} lacks {o}"));
            assert!(
                obj.api.as_ref().is_some_and(|a| !a.endpoint.is_empty()),
                "{system}.{o} has no endpoint"
            );
        }
    }
}

fn values<'a>(reg: &'a Registry, system: &str, object: &str, field: &str) -> Vec<&'a str> {
    let f = desc(reg, system)
        .object(object)
        .and_then(|o| o.field(field))
        .unwrap_or_else(|| panic!("no {system}.{object}.{field}"));
    match &f.ty {
        FieldType::Picklist { values } | FieldType::Multipicklist { values } => {
            values.iter().map(|v| v.value.as_str()).collect()
        }
        FieldType::List { item } => match item.as_ref() {
            FieldType::Picklist { values } => values.iter().map(|v| v.value.as_str()).collect(),
            other => panic!("{system}.{object}.{field} is list<{other}>"),
        },
        other => panic!("{system}.{object}.{field} is {other}, not a picklist"),
    }
}

#[test]
fn picklists_carry_the_real_values() {
    let reg = standard();
    let has = |system: &str, object: &str, field: &str, want: &[&str]| {
        let got = values(&reg, system, object, field);
        for w in want {
            assert!(
                got.contains(w),
                "{system}.{object}.{field} lacks {w:?}: {got:?}"
            );
        }
    };
    has(
        "salesforce",
        "Lead",
        "Status",
        &[
            "Open - Not Contacted",
            "Working - Contacted",
            "Closed - Converted",
            "Closed - Not Converted",
        ],
    );
    has(
        "salesforce",
        "Lead",
        "LeadSource",
        &[
            "Web",
            "Phone Inquiry",
            "Partner Referral",
            "Purchased List",
            "Other",
        ],
    );
    has(
        "salesforce",
        "Task",
        "Status",
        &[
            "Not Started",
            "In Progress",
            "Completed",
            "Waiting on someone else",
            "Deferred",
        ],
    );
    has("salesforce", "Task", "Priority", &["High", "Normal", "Low"]);
    // The §1 example merges events into Tasks of Type "Engagement".
    has(
        "salesforce",
        "Task",
        "Type",
        &["Call", "Email", "Meeting", "Engagement"],
    );
    has(
        "salesforce",
        "Campaign",
        "Status",
        &["Planned", "In Progress", "Completed", "Aborted"],
    );
    has(
        "salesforce",
        "Campaign",
        "Type",
        &["Conference", "Webinar", "Email", "Other"],
    );
    has(
        "salesforce",
        "CampaignMember",
        "Status",
        &["Sent", "Responded"],
    );
    has("salesforce", "Account", "Industry", &["Retail", "Other"]);
    has(
        "zoho",
        "Leads",
        "Lead_Status",
        &[
            "Attempted to Contact",
            "Contacted",
            "Junk Lead",
            "Not Contacted",
            "Pre-Qualified",
        ],
    );
    has(
        "zoho",
        "Tasks",
        "Status",
        &[
            "Not Started",
            "Deferred",
            "In Progress",
            "Completed",
            "Waiting for input",
        ],
    );
    has(
        "zoho",
        "Tasks",
        "Priority",
        &["Highest", "High", "Normal", "Low", "Lowest"],
    );
    has(
        "pipedrive",
        "activities",
        "type",
        &["call", "meeting", "task", "deadline", "email", "lunch"],
    );
    has(
        "pipedrive",
        "persons",
        "marketing_status",
        &["no_consent", "unsubscribed", "subscribed", "archived"],
    );
    assert_eq!(
        values(&reg, "twenty", "tasks", "status"),
        ["TODO", "IN_PROGRESS", "DONE"]
    );
    assert_eq!(
        values(&reg, "actimo", "messages", "channels"),
        ["push", "email", "sms"]
    );
}

#[test]
fn owners_and_polymorphic_lookups() {
    let reg = standard();
    let ty = |s: &str, o: &str, f: &str| {
        desc(&reg, s)
            .object(o)
            .and_then(|o| o.field(f))
            .unwrap_or_else(|| panic!("no {s}.{o}.{f}"))
            .ty
            .clone()
    };
    for (s, o, f) in [
        ("salesforce", "Contact", "OwnerId"),
        ("zoho", "Contacts", "Owner"),
        ("pipedrive", "persons", "owner_id"),
        ("pipedrive", "notes", "user_id"),
        ("freshsales", "contacts", "owner_id"),
        ("twenty", "companies", "accountOwnerId"),
        ("twenty", "tasks", "assigneeId"),
    ] {
        assert_eq!(ty(s, o, f), FieldType::Owner, "{s}.{o}.{f}");
    }
    assert_eq!(
        ty("salesforce", "Task", "WhoId"),
        parse_type("lookup(Contact|Lead)").unwrap()
    );
    assert_eq!(
        ty("twenty", "noteTargets", "target"),
        parse_type("lookup(people|companies)").unwrap()
    );
    assert_eq!(
        ty("twenty", "noteTargets", "targetPersonId"),
        parse_type("lookup(people)").unwrap()
    );
    assert_eq!(
        ty("twenty", "noteTargets", "personId"),
        parse_type("lookup(people)").unwrap()
    );
    let FieldType::Composite { fields } = ty("twenty", "people", "name") else {
        panic!("people.name is not composite")
    };
    assert_eq!(fields.keys().collect::<Vec<_>>(), ["firstName", "lastName"]);
    let FieldType::Composite { fields } = ty("twenty", "companies", "annualRecurringRevenue")
    else {
        panic!()
    };
    assert_eq!(
        fields.keys().collect::<Vec<_>>(),
        ["amountMicros", "currencyCode"]
    );
    let zoho_notes = desc(&reg, "zoho").object("Notes").unwrap();
    assert!(zoho_notes.field("$se_module").is_some_and(|f| f.unverified));
}

/// Every lookup names an object of its descriptor, every picklist has values,
/// every relation resolves: the model invariants, checked from outside.
#[test]
fn model_invariants_hold() {
    fn check_ty(d: &Descriptor, where_: &str, ty: &FieldType) {
        match ty {
            FieldType::Lookup { objects } => {
                for o in objects {
                    let any_custom = o == ferry::schema::model::ANY_CUSTOM_OBJECT;
                    assert!(
                        any_custom || d.objects.contains_key(o),
                        "{where_}: lookup({o})"
                    );
                }
            }
            FieldType::Picklist { values } | FieldType::Multipicklist { values } => {
                assert!(!values.is_empty(), "{where_}: empty picklist")
            }
            FieldType::List { item } => check_ty(d, where_, item),
            FieldType::Composite { fields } => {
                assert!(!fields.is_empty(), "{where_}: empty composite");
                for (n, f) in fields {
                    check_ty(d, &format!("{where_}.{n}"), &f.ty);
                }
            }
            _ => {}
        }
    }
    let reg = standard();
    for d in reg.systems() {
        for (on, o) in &d.objects {
            for (fname, f) in &o.fields {
                check_ty(d, &format!("{}.{on}.{fname}", d.system), &f.ty);
            }
            for pk in &o.primary_key {
                assert!(o.fields.contains_key(pk), "{on}: primary key {pk}");
            }
            for (rn, r) in &o.relations {
                assert!(!o.fields.contains_key(rn), "{on}.{rn} shadows a column");
                let t = &d.objects[&r.target];
                match &r.kind {
                    RelationKind::Forward {
                        column,
                        target_column,
                    } => {
                        assert!(
                            o.fields.contains_key(column) && t.fields.contains_key(target_column),
                            "{on}.{rn}"
                        );
                    }
                    RelationKind::Reverse { column, key_column } => {
                        assert!(
                            t.fields.contains_key(column) && o.fields.contains_key(key_column),
                            "{on}.{rn}"
                        );
                    }
                    RelationKind::Link {
                        via,
                        from_column,
                        to_column,
                        ..
                    } => {
                        let v = &d.objects[via];
                        assert!(
                            v.fields.contains_key(from_column) && v.fields.contains_key(to_column),
                            "{on}.{rn}"
                        );
                    }
                }
            }
        }
    }
}

// ── malformed descriptors ───────────────────────────────────────────────

#[test]
fn malformed_descriptors_get_coded_diagnostics() {
    let mut files = 0;
    insta::glob!("schemas/err", "*.yaml", |path| {
        files += 1;
        let text = std::fs::read_to_string(path).expect("readable fixture");
        let expected = text
            .lines()
            .next()
            .and_then(|l| l.strip_prefix("# expect:"))
            .unwrap_or_else(|| panic!("{} lacks a `# expect: E07xx` header", path.display()))
            .trim()
            .to_string();
        let name = format!(
            "tests/schemas/err/{}",
            path.file_name().unwrap().to_string_lossy()
        );
        let diags = match load(&SourceFile::new(name, text)) {
            Ok(_) => panic!("{} loaded without errors", path.display()),
            Err(d) => d,
        };
        assert_eq!(
            diags.0[0].code.id,
            expected,
            "{}:\n{}",
            path.display(),
            human(&diags)
        );
        for d in diags.iter() {
            assert!(
                d.code.id.starts_with("E07"),
                "{}: {}",
                path.display(),
                d.code
            );
            assert!(
                !d.labels.is_empty(),
                "{}: {} has no label",
                path.display(),
                d.code
            );
        }
        insta::assert_snapshot!(human(&diags));
    });
    assert!(files >= 20, "only {files} fixtures");
}

/// The first ```yaml block of each E07xx page's `## Example` gives that code.
#[test]
fn error_page_examples_give_their_code() {
    let mut checked = 0;
    for code in ferry::diagnostics::codes::ALL
        .iter()
        .filter(|c| c.id.starts_with("E07"))
    {
        let Some(example) = code.page.split("## Example").nth(1) else {
            panic!("{} has no example", code.id)
        };
        let Some(block) = example
            .split("```yaml\n")
            .nth(1)
            .and_then(|b| b.split("```").next())
        else {
            continue; // E0712/E0713 are command-line examples
        };
        let diags = load(&SourceFile::new(format!("{}.md", code.id), block)).unwrap_err();
        assert_eq!(
            diags.0[0].code.id,
            code.id,
            "{}: {}",
            code.id,
            human(&diags)
        );
        checked += 1;
    }
    assert_eq!(checked, 11);
}

#[test]
fn duplicate_keys_label_both_occurrences() {
    let text = "system: x\nkind: source\nobjects:\n  a:\n    primary_key: id\n    fields:\n      id: id\n      id: text\n";
    let d = load(&SourceFile::new("d.yaml", text)).unwrap_err();
    assert_eq!(d.0[0].code.id, "E0706");
    let spans: Vec<_> = d.0[0]
        .labels
        .iter()
        .map(|l| &text[l.span.start..l.span.end])
        .collect();
    assert_eq!(spans, ["id", "id"]);
    assert_ne!(d.0[0].labels[0].span, d.0[0].labels[1].span);
}

mod no_panics {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig { cases: 64, .. ProptestConfig::default() })]

        /// Cutting any slice out of a real descriptor gives diagnostics or a
        /// descriptor, never a panic.
        #[test]
        fn truncated_descriptors(start in 0usize..6000, len in 0usize..400) {
            let text = include_str!("../specs/schemas/pipedrive.yaml");
            let start = (0..=start.min(text.len())).rev().find(|i| text.is_char_boundary(*i)).unwrap_or(0);
            let end = (start + len).min(text.len());
            let end = (end..=text.len()).find(|i| text.is_char_boundary(*i)).unwrap_or(text.len());
            let cut = format!("{}{}", &text[..start], &text[end..]);
            let _ = load(&SourceFile::new("cut.yaml", cut));
        }

        #[test]
        fn arbitrary_yamlish_text(text in "[a-z:{}\\[\\],\"'#&*!|>\\- \n()<]{0,200}") {
            let _ = load(&SourceFile::new("any.yaml", text));
        }
    }
}

// ── overrides ───────────────────────────────────────────────────────────

#[test]
fn overrides_extend_replace_and_add() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/schemas/overrides/acme");
    let reg = match Registry::with_overrides(&dir) {
        Ok(r) => r,
        Err(d) => panic!("{}", human(&d)),
    };
    let sf = desc(&reg, "salesforce");
    let contact = sf.object("Contact").unwrap();
    let badge = contact.field("Badge_Number__c").expect("added field");
    assert!(badge.custom && badge.unique);
    assert_eq!(
        contact.field("Department").unwrap().ty,
        FieldType::Text { max: Some(120) }
    );
    assert!(
        contact.field("LastName").unwrap().required,
        "standard fields stay"
    );
    assert!(values(&reg, "salesforce", "Lead", "Status").contains(&"Nurturing"));
    let course = sf.object("Course__c").expect("added object");
    assert!(course.custom);
    assert_eq!(
        course.field("Owner_Contact__c").unwrap().ty,
        parse_type("lookup(Contact)").unwrap()
    );
    assert!(desc(&reg, "hubspot").object("contacts").is_some());
    let twenty = desc(&reg, "twenty");
    assert_eq!(twenty.title, "Twenty (acme workspace)");
    assert_eq!(
        twenty.objects.len(),
        1,
        "a same-system file replaces the descriptor"
    );
    // The standard registry is untouched.
    assert!(desc(&standard(), "salesforce")
        .object("Course__c")
        .is_none());
}

#[test]
fn a_broken_override_is_reported_in_its_file() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/schemas/overrides/broken");
    let d = Registry::with_overrides(&dir).unwrap_err();
    assert_eq!(d.0[0].code.id, "E0708");
    assert!(d.0[0]
        .file
        .as_ref()
        .unwrap()
        .name
        .ends_with("salesforce-broken.yaml"));
    assert_eq!(
        d.0[0].help.as_deref(),
        None,
        "no close name to suggest for Sites__c"
    );
    let missing = Registry::with_overrides(Path::new("/nonexistent/ferry-schemas")).unwrap_err();
    assert_eq!(missing.0[0].code.id, "E1001");
}

// ── type notations ──────────────────────────────────────────────────────

/// What both notations of a type make of the same texts: a spec's `custom`
/// field types (lenient about arguments a type does not use) and a
/// descriptor's type strings (strict, with positions and hints). One table so
/// a change to the shared vocabulary shows in both columns.
#[test]
fn type_notations_snapshot() {
    use ferry::syntax::ast::ItemKind;
    let texts = [
        "text",
        "text(80)",
        "text(0)",
        "text(131072)",
        "text(131073)",
        "text(4294967295)",
        "text(4294967296)",
        "text(\"a\")",
        "text(1, 2)",
        "text()",
        "Text(5)",
        "string(10)",
        "string",
        "str",
        "textarea",
        "textarea(5)",
        "textarea(0)",
        "int",
        "integer",
        "integer(3)",
        "decimal",
        "number",
        "number(18, 2)",
        "number(18)",
        "number(5, 7)",
        "number(39)",
        "number(0)",
        "number(38, 38)",
        "number(1, 2, 3)",
        "number(\"x\")",
        "number(5, 300)",
        "decimal(10, 2)",
        "percent",
        "percent(2)",
        "currency",
        "boolean",
        "bool",
        "bool(1)",
        "date",
        "date(3)",
        "datetime",
        "email",
        "phone",
        "url",
        "picklist",
        "picklist(\"a\", \"b\")",
        "picklist(1)",
        "picklist(\"a\", 2)",
        "picklist(A)",
        "enum(\"x\")",
        "Enum(\"x\")",
        "multipicklist(\"a\")",
        "multipicklist",
        "list<text>",
        "list<text(20)>",
        "list<list<text>>",
        "list<txt>",
        "list",
        "list(text)",
        "list<>",
        "lookup",
        "lookup(Account)",
        "lookup(Account, Contact)",
        "lookup(Account|Contact)",
        "lookup(1)",
        "lookup(\"A\")",
        "lookup(Account(3))",
        "owner",
        "owner(1)",
        "id",
        "id(1)",
        "composite",
        "txt",
        "varchar(9)",
        "timestamp",
        "texts",
        "picklst(\"a\")",
        "",
        "text(80",
        "list<text",
        " list< text > ",
        "picklist(\"a",
        "text(80) x",
        "number(99999999999999999999)",
        "TEXT(80)",
        "Integer(2)",
        "DATE",
        "Composite(1)",
        "number(5, \"x\")",
        "number(\"x\", 5)",
        "text(\"a\", 0)",
        "list<list<txt>>",
        "list<text, date>",
        "list<\"a\">",
        "lookup(A, 1)",
        "lookup(\"A\", B)",
        "lookup(A|1)",
        "picklist(\"a\", B)",
        "picklist(\"a\", \"a\")",
        "enum(1, \"b\")",
        "multipicklist(M)",
        "decimal(0, 0)",
        "number(38, 0)",
        "number(10, 11)",
        "textarea(131073)",
    ];
    let mut out = String::new();
    for t in texts {
        let spec_text =
            format!("migration actimo -> salesforce\ncustom object T__c {{\n  F__c : {t}\n}}\n");
        let file = SourceFile::new("t.ferry", spec_text);
        let (spec, d) = ferry::syntax::parse(&file);
        let in_spec = if d.has_errors() {
            "(does not parse)".to_string()
        } else {
            let ty = spec.items.iter().find_map(|i| match &i.kind {
                ItemKind::Custom(c) => c.fields.first().map(|f| f.ty.clone()),
                _ => None,
            });
            match ty.map(|ty| ferry::check::types::field_type(&ty)) {
                Some(Ok(ft)) => format!("{ft:?}"),
                Some(Err(msg)) => format!("error: {msg}"),
                None => "(no field)".to_string(),
            }
        };
        let in_descriptor = match ferry::schema::types::parse_type_detailed(t) {
            Ok(ft) => format!("{ft:?}"),
            Err(e) => format!("error at {:?}: {} (help: {:?})", e.at, e.message, e.help),
        };
        out.push_str(&format!(
            "{t:?}\n  spec:       {in_spec}\n  descriptor: {in_descriptor}\n"
        ));
    }
    insta::assert_snapshot!(out);
}
