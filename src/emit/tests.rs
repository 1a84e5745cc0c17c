//! The payload writer over a hand-made export of the §1 example spec:
//! determinism across thread and chunk counts, accounting, the envelope,
//! placeholders, deferred updates and merges.

use super::*;
use crate::runtime::exec::apply_source_rules;
use crate::runtime::fixtures::{at, day, t};
use crate::runtime::Table;
use crate::value::Value;
use std::path::PathBuf;

pub(crate) fn example_plan() -> Plan {
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

fn add(plan: &Plan, tables: &mut [Table], source: &str, cells: &[(&str, Value)]) {
    let i = plan
        .sources
        .iter()
        .position(|s| s.name == source)
        .unwrap_or_else(|| panic!("no source {source}"));
    let s = &plan.sources[i];
    let mut row = vec![Value::Null; s.columns.len()];
    for (name, v) in cells {
        let c = s
            .columns
            .iter()
            .position(|c| c.name == *name)
            .unwrap_or_else(|| panic!("{source} has no column {name}"));
        row[c] = v.clone();
    }
    let line = tables[i].len() as u32 + 2;
    tables[i].push(row, line);
}

/// 40 contacts (leads, contacts, a missing last name every 7th, a
/// duplicate, a deleted one), two companies, enrollments with a value-map
/// miss and an overflowing score, events merged into tasks, automations.
pub(crate) fn example_data(plan: &Plan) -> Dataset {
    let mut tb: Vec<Table> = plan
        .sources
        .iter()
        .map(|s| Table::new(s.file.as_str(), s.columns.len()))
        .collect();
    let x = &mut tb;
    add(
        plan,
        x,
        "companies",
        &[
            ("company_id", t("77")),
            ("name", t("Nordisk Retail A/S")),
            ("country", t("DK")),
        ],
    );
    add(
        plan,
        x,
        "companies",
        &[("company_id", t("78")), ("name", t("Unknown ApS"))],
    );
    add(
        plan,
        x,
        "admin_users",
        &[
            ("admin_user_id", t("5")),
            ("email", t(" Boss@Nordisk.example")),
        ],
    );
    for i in 0..40u32 {
        let id = (1000 + i).to_string();
        let status = match i % 5 {
            0 => "invited",
            1 => "pending",
            _ => "active",
        };
        let mut c = vec![
            ("contact_id", t(&id)),
            ("first_name", t(&format!("First{i}"))),
            ("email", t(&format!(" Person{i}@X.example"))),
            ("status", t(status)),
            ("created_at", at("2021-03-04T08:12:44Z")),
        ];
        if i % 7 != 3 {
            c.push(("last_name", t(&format!("Last{i}"))));
        }
        if i % 3 == 0 {
            c.push(("user_id", t("5")));
        }
        if i > 2 && i % 4 == 0 {
            c.push(("manager_contact_id", t("1002")));
        }
        if i == 12 {
            c.push(("deleted_at", at("2024-01-31T16:02:11Z")));
        }
        add(plan, x, "contacts", &c);
        if i % 2 == 0 {
            add(
                plan,
                x,
                "company_contacts",
                &[
                    ("contact_id", t(&id)),
                    ("company_id", t("77")),
                    ("is_primary", Value::Bool(true)),
                ],
            );
        }
    }
    // A duplicate of contact 1004 by email, updated later: it wins.
    add(
        plan,
        x,
        "contacts",
        &[
            ("contact_id", t("1099")),
            ("last_name", t("Again")),
            ("email", t("person4@x.example")),
            ("status", t("active")),
            ("updated_at", at("2024-05-01T00:00:00Z")),
        ],
    );
    add(
        plan,
        x,
        "learning_paths",
        &[
            ("learning_path_id", t("LP1")),
            ("name", t("Onboarding")),
            ("module_count", Value::Int(4)),
        ],
    );
    for (i, (status, score)) in [
        ("Completed", 87),
        ("Paused", 50),
        ("Overdue", 1_234_567),
        ("In Progress", 12),
    ]
    .into_iter()
    .enumerate()
    {
        add(
            plan,
            x,
            "learning_enrollments",
            &[
                ("enrollment_id", t(&format!("E{i}"))),
                ("learning_path_id", t("LP1")),
                ("contact_id", t("1002")),
                ("start_date", day("2024-03-05")),
                ("status", t(status)),
                ("score", Value::Int(score)),
            ],
        );
    }
    add(
        plan,
        x,
        "messages",
        &[("message_id", t("9")), ("title", t("Welcome"))],
    );
    for (i, (contact, kind)) in [
        ("1002", "opened"),
        ("1005", "opened"),
        ("1002", "clicked"),
        ("1006", "opened"),
    ]
    .into_iter()
    .enumerate()
    {
        add(
            plan,
            x,
            "message_events",
            &[
                ("event_id", t(&format!("ev{i}"))),
                ("message_id", t("9")),
                ("contact_id", t(contact)),
                ("event_type", t(kind)),
                ("occurred_at", at("2024-03-05T07:14:39Z")),
            ],
        );
    }
    add(
        plan,
        x,
        "automations",
        &[
            ("automation_id", t("A1")),
            ("name", t("Welcome flow")),
            ("trigger_type", t("signup")),
        ],
    );
    let data = Dataset::new(plan, tb);
    apply_source_rules(plan, data).0
}

pub(crate) fn tmp(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("ferry-emit-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn files_of(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                let name = p.strip_prefix(dir).unwrap().display().to_string();
                out.push((name, std::fs::read(&p).unwrap()));
            }
        }
    }
    out.sort();
    out
}

fn run_into(plan: &Plan, data: &Dataset, dir: &Path, threads: usize, chunk: usize) -> RunOutput {
    let opts = Options {
        threads,
        chunk,
        compiled: true,
    };
    run_with(plan, data, dir, opts)
}

fn run_with(plan: &Plan, data: &Dataset, dir: &Path, opts: Options) -> RunOutput {
    let out = run(plan, data, dir, opts, &mut |_| {}).unwrap();
    let report = crate::report::build(&crate::report::Inputs {
        plan,
        data,
        stage: None,
        run: &out,
        spec: "salesforce.ferry",
        input: "export",
    });
    crate::report::write(dir, &report).unwrap();
    out
}

#[test]
fn output_does_not_depend_on_threads_or_chunks() {
    let plan = example_plan();
    let data = example_data(&plan);
    let base = tmp("det-base");
    run_into(&plan, &data, &base, 1, 10_000);
    let want = files_of(&base);
    assert!(want.iter().any(|(n, _)| n == "report.json"));
    for (threads, chunk) in [(2, 1), (2, 3), (3, 2), (2, 4096)] {
        let d = tmp(&format!("det-{threads}-{chunk}"));
        run_into(&plan, &data, &d, threads, chunk);
        let got = files_of(&d);
        assert_eq!(got.len(), want.len());
        for ((n1, b1), (n2, b2)) in want.iter().zip(&got) {
            assert_eq!(n1, n2);
            assert!(
                b1 == b2,
                "{n1} differs with {threads} threads, chunks of {chunk}"
            );
        }
        std::fs::remove_dir_all(&d).unwrap();
    }
    std::fs::remove_dir_all(&base).unwrap();
}

#[test]
fn every_record_is_accounted_for_and_lines_match_the_tally() {
    let plan = example_plan();
    let data = example_data(&plan);
    let d = tmp("accounting");
    let out = run_into(&plan, &data, &d, 2, 4);
    for (u, unit) in plan.units.iter().enumerate() {
        let t = &out.tally.units[u];
        assert_eq!(t.records, data.len(unit.source) as u64, "{}", unit.label);
        assert_eq!(
            t.emitted + t.skipped + t.filtered,
            t.records,
            "{}",
            unit.label
        );
    }
    for (f, spec) in out.files.iter().enumerate() {
        let text = std::fs::read_to_string(d.join(&spec.name)).unwrap();
        assert_eq!(text.lines().count() as u64, out.lines[f], "{}", spec.name);
        for line in text.lines() {
            let v: serde_json::Value = serde_json::from_str(line).unwrap();
            assert_eq!(v["target"], spec.object.as_str());
        }
    }
    let skipped: u64 = out.tally.units.iter().map(|u| u.skipped).sum();
    assert_eq!(
        skipped,
        out.tally.skips.iter().map(|s| s.records).sum::<u64>()
    );
    std::fs::remove_dir_all(&d).unwrap();
}

fn lines(dir: &Path, name: &str) -> Vec<serde_json::Value> {
    std::fs::read_to_string(dir.join(name))
        .unwrap_or_else(|e| panic!("{name}: {e}"))
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

fn file_of(out: &RunOutput, object: &str, pass: crate::plan::Pass) -> String {
    out.files
        .iter()
        .find(|f| f.object == object && f.pass == pass)
        .map(|f| f.name.clone())
        .unwrap_or_else(|| panic!("no file for {object}"))
}

#[test]
fn envelope_placeholders_deferred_updates_and_merges() {
    use crate::plan::Pass;
    let plan = example_plan();
    let data = example_data(&plan);
    let d = tmp("envelope");
    let out = run_into(&plan, &data, &d, 2, 8);

    let accounts = lines(&d, &file_of(&out, "Account", Pass::Upsert));
    let ph = &accounts[0];
    assert_eq!(ph["id"], plan.placeholders[0].id.as_str());
    assert_eq!(ph["source"], serde_json::json!({"object": "placeholder"}));
    assert_eq!(ph["fields"]["Name"], "Unassigned (Actimo)");
    assert_eq!(
        ph["key"]["Source_System_ID__c"],
        plan.placeholders[0].id.as_str()
    );

    let contacts = lines(&d, &file_of(&out, "Contact", Pass::Upsert));
    let c = contacts
        .iter()
        .find(|c| c["id"] == "contacts:1002")
        .expect("contact 1002");
    let keys: Vec<&str> = c.as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(
        keys,
        ["id", "op", "target", "key", "fields", "refs", "source"]
    );
    assert_eq!(c["op"], "upsert");
    assert_eq!(c["key"], serde_json::json!({"Source_System_ID__c": "1002"}));
    assert_eq!(c["fields"]["Email"], "person2@x.example");
    assert_eq!(c["refs"]["AccountId"], "companies:77");
    assert_eq!(
        c["source"],
        serde_json::json!({"object": "contacts", "file": "contacts.csv", "row": 4})
    );
    assert!(c["fields"].get("Manager__c").is_none() && c["refs"].get("Manager__c").is_none());

    let updates = lines(&d, &file_of(&out, "Contact", Pass::DeferredUpdate));
    assert!(!updates.is_empty());
    for u in &updates {
        assert_eq!(u["op"], "update");
        assert_eq!(u["refs"]["Manager__c"], "contacts:1002");
    }
    // Source order within the file.
    let rows: Vec<u64> = contacts
        .iter()
        .map(|c| c["source"]["row"].as_u64().unwrap())
        .collect();
    assert!(rows.windows(2).all(|w| w[0] < w[1]), "{rows:?}");

    let tasks = lines(&d, &file_of(&out, "Task", Pass::Upsert));
    let task = tasks
        .iter()
        .find(|t| t["id"] == "message_events:9|1002")
        .expect("merged task");
    assert_eq!(task["source"]["members"], 2);
    assert_eq!(task["fields"]["Engagement_Type__c"], "opened;clicked");

    let reference = std::fs::read_to_string(d.join("references/automations.json")).unwrap();
    assert!(reference.contains("Welcome flow"));
    std::fs::remove_dir_all(&d).unwrap();
}

#[test]
fn report_md_snapshot() {
    let plan = example_plan();
    let data = example_data(&plan);
    let d = tmp("snapshot");
    let out = run(&plan, &data, &d, Options::default(), &mut |_| {}).unwrap();
    let report = crate::report::build(&crate::report::Inputs {
        plan: &plan,
        data: &data,
        stage: None,
        run: &out,
        spec: "salesforce.ferry",
        input: "export",
    });
    insta::assert_snapshot!(crate::report::markdown(&report));
    let contacts =
        std::fs::read_to_string(d.join(file_of(&out, "Contact", crate::plan::Pass::Upsert)))
            .unwrap();
    let head: Vec<&str> = contacts.lines().take(3).collect();
    insta::assert_snapshot!("contact_payload_head", head.join("\n"));
    std::fs::remove_dir_all(&d).unwrap();
}
