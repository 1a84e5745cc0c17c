//! End to end: the §1 example spec (examples/nordisk-retail) compiled by the
//! real checker, run over a small hand-made export through source rules,
//! splits, merges, value maps, tables, owners and placeholders.

use super::exec::{apply_source_rules, run_unit, DropReason, Emitted, Outcome, Subject};
use super::{Ctx, Dataset, Table};
use crate::plan::Plan;
use crate::runtime::fixtures::{at, day, num, t};
use crate::value::Value;
use std::path::Path;

fn example_plan() -> Plan {
    let path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/nordisk-retail/salesforce.ferry");
    let (project, mut diags) = crate::check::load_project(&path).expect("the example is readable");
    let registry = crate::schema::Registry::standard().expect("standard descriptors load");
    let read = crate::check::reader_beside(&project.main.file.name);
    let (checked, more) = crate::check::check(&project, &registry, &read);
    diags.extend(more);
    match checked {
        Some(c) => c.plan,
        None => panic!("the example must check: {diags:?}"),
    }
}

/// Rows by column name, in each source's staged layout.
struct Export<'p> {
    plan: &'p Plan,
    tables: Vec<Table>,
}

impl<'p> Export<'p> {
    fn new(plan: &'p Plan) -> Self {
        let tables = plan
            .sources
            .iter()
            .map(|s| Table::new(s.file.as_str(), s.columns.len()))
            .collect();
        Export { plan, tables }
    }

    fn add(&mut self, source: &str, cells: &[(&str, Value)]) -> &mut Self {
        let (i, s) = self
            .plan
            .sources
            .iter()
            .enumerate()
            .find(|(_, s)| s.name == source)
            .unwrap_or_else(|| panic!("the plan reads no `{source}`"));
        let mut row = vec![Value::Null; s.columns.len()];
        for (name, v) in cells {
            let names: Vec<&str> = s.columns.iter().map(|c| c.name.as_str()).collect();
            let c = names
                .iter()
                .position(|n| n == name)
                .unwrap_or_else(|| panic!("{source} has no staged `{name}`: {names:?}"));
            row[c] = v.clone();
        }
        let line = self.tables[i].len() as u32 + 2;
        self.tables[i].push(row, line);
        self
    }
}

fn export(plan: &Plan) -> Dataset {
    let mut x = Export::new(plan);
    x.add(
        "companies",
        &[
            ("company_id", t("77")),
            ("name", t("Nordisk Retail A/S")),
            ("country", t("DK")),
        ],
    )
    .add(
        "companies",
        &[("company_id", t("78")), ("name", t("Unknown ApS"))],
    );
    let contact = |id: &str, first: &str, last: Option<&str>, email: &str, status: &str| {
        vec![
            ("contact_id", t(id)),
            ("first_name", t(first)),
            ("last_name", last.map_or(Value::Null, t)),
            ("email", t(email)),
            ("status", t(status)),
            ("created_at", at("2021-03-04T08:12:44Z")),
        ]
    };
    x.add(
        "contacts",
        &contact("7", "Ane", Some("Berg"), "Ane@X.example", "invited"),
    );
    x.add(
        "contacts",
        &contact("8", "Bo", None, "bo@x.example", "active"),
    );
    let mut mia = contact("1007", "Mia", Some("Holm"), "mia@x.example", "active");
    mia.push(("engagement_score", num("72.345")));
    x.add("contacts", &mia);
    let mut old = contact(
        "1042",
        "Søren",
        Some("Hansen"),
        " Soren.Hansen@Firma.dk",
        "active",
    );
    old.push(("updated_at", at("2024-01-01T00:00:00Z")));
    x.add("contacts", &old);
    let mut new = contact(
        "1043",
        "Søren",
        Some("Hansen"),
        "soren.hansen@firma.dk ",
        "active",
    );
    new.extend([
        ("updated_at", at("2024-05-01T00:00:00Z")),
        ("manager_contact_id", t("1007")),
        ("user_id", t("5")),
        ("location", t("Store 12")),
    ]);
    x.add("contacts", &new);
    let mut gone = contact("1050", "Ex", Some("Employee"), "ex@x.example", "active");
    gone.push(("deleted_at", at("2024-01-31T16:02:11Z")));
    x.add("contacts", &gone);
    x.add(
        "company_contacts",
        &[
            ("contact_id", t("1043")),
            ("company_id", t("77")),
            ("is_primary", Value::Bool(true)),
        ],
    )
    .add(
        "company_contacts",
        &[
            ("contact_id", t("1007")),
            ("company_id", t("78")),
            ("is_primary", Value::Bool(false)),
        ],
    )
    .add(
        "admin_users",
        &[
            ("admin_user_id", t("5")),
            ("email", t(" Boss@Nordisk.example")),
        ],
    )
    .add(
        "learning_paths",
        &[
            ("learning_path_id", t("LP1")),
            ("name", t(&"Onboarding ".repeat(10))),
            ("module_count", Value::Int(4)),
        ],
    )
    .add(
        "learning_enrollments",
        &[
            ("enrollment_id", t("E1")),
            ("learning_path_id", t("LP1")),
            ("contact_id", t("1043")),
            ("start_date", day("2024-03-05")),
            ("status", t("Not Started")),
            ("score", Value::Int(87)),
        ],
    )
    .add(
        "messages",
        &[("message_id", t("1733754")), ("title", t("Welcome"))],
    );
    for (id, kind, when) in [
        ("ev1", "opened", "2024-03-05T07:14:39Z"),
        ("ev2", "clicked", "2024-03-05T23:30:00Z"),
        ("ev3", "opened", "2024-03-05T08:00:00Z"),
    ] {
        x.add(
            "message_events",
            &[
                ("event_id", t(id)),
                ("message_id", t("1733754")),
                ("contact_id", t("1043")),
                ("event_type", t(kind)),
                ("occurred_at", at(when)),
            ],
        );
    }
    Dataset::new(plan, x.tables)
}

fn find<'e>(records: &'e [Emitted], id: &str) -> &'e Emitted {
    records.iter().find(|e| e.id == id).unwrap_or_else(|| {
        let ids: Vec<&str> = records.iter().map(|e| e.id.as_str()).collect();
        panic!("no record {id}; emitted {ids:?}")
    })
}

#[test]
fn the_example_spec_runs_end_to_end() {
    let plan = example_plan();
    let (data, dropped) = apply_source_rules(&plan, export(&plan));
    let why: Vec<(&str, &DropReason)> = dropped.iter().map(|d| (d.id.as_str(), &d.why)).collect();
    assert_eq!(
        why,
        [
            (
                "contacts:1042",
                &DropReason::Duplicate {
                    kept: "contacts:1043".into()
                }
            ),
            ("contacts:1050", &DropReason::Filtered)
        ]
    );

    let mut ctx = Ctx::new(&plan, &data);
    let (mut records, mut skipped) = (Vec::new(), Vec::new());
    for unit in &plan.units {
        run_unit(&mut ctx, unit, |subject, outcome| match outcome {
            Outcome::Emitted(e) => records.extend(e),
            other => skipped.push((subject, other.reason().map(str::to_string))),
        });
    }
    assert_eq!(
        skipped,
        [(Subject::Record(1), Some("missing_last_name".to_string()))],
        "contact 8"
    );

    let account = find(&records, "companies:77");
    assert_eq!(account.fields["Industry"], t("Retail"));
    assert_eq!(
        find(&records, "companies:78").fields["Industry"],
        t("Other")
    );

    let lead = find(&records, "contacts:7");
    assert_eq!(lead.object, "Lead");
    assert_eq!(lead.fields["Email"], t("ane@x.example"));
    assert_eq!(lead.fields["Company"], t("Actimo import"));
    assert_eq!(lead.fields["Actimo_Status__c"], t("invited"));

    let soren = find(&records, "contacts:1043");
    assert_eq!(
        (soren.object.as_str(), &soren.key.1),
        ("Contact", &t("1043"))
    );
    assert_eq!(soren.fields["Email"], t("soren.hansen@firma.dk"));
    assert_eq!(soren.fields["Site__c"], t("Store 12"));
    assert_eq!(soren.refs["AccountId"], "companies:77");
    assert_eq!(soren.refs["OwnerId"], "owner:boss@nordisk.example");
    assert_eq!(soren.deferred_refs["Manager__c"], "contacts:1007");
    assert!(
        !soren.fields.contains_key("Engagement_Score__c"),
        "null score stays absent"
    );

    let mia = find(&records, "contacts:1007");
    assert_eq!(mia.fields["Engagement_Score__c"], num("72.35"));
    assert_eq!(
        mia.refs["AccountId"], plan.placeholders[0].id,
        "no primary company"
    );
    assert_eq!(mia.refs["OwnerId"], "owner:migration-owner@nordisk.example");
    assert!(mia.deferred_refs.is_empty());

    let course = find(&records, "learning_paths:LP1");
    assert_eq!(
        course.fields["Name"].as_str().map(|s| s.chars().count()),
        Some(80)
    );
    let enrollment = find(&records, "learning_enrollments:E1");
    assert_eq!(enrollment.fields["Status__c"], t("In Progress"));
    assert_eq!(enrollment.fields["Score__c"], num("87.00"));
    assert_eq!(enrollment.fields["Start_Date__c"], day("2024-03-05"));
    assert_eq!(enrollment.refs["Contact__c"], "contacts:1043");
    assert_eq!(enrollment.refs["Course__c"], "learning_paths:LP1");

    let task = find(&records, "message_events:1733754|1043");
    assert_eq!(task.key.1, t("evt-1733754-1043"));
    assert_eq!(task.fields["Subject"], t("Welcome"));
    assert_eq!(task.fields["Type"], t("Engagement"));
    assert_eq!(task.fields["Engagement_Type__c"], t("opened;clicked"));
    // 23:30 UTC on 5 March is 00:30 on 6 March in Copenhagen.
    assert_eq!(task.fields["ActivityDate"], day("2024-03-06"));
    assert_eq!(task.refs["WhoId"], "contacts:1043");
}
