//! End-to-end tests of the `ferry` binary: exit codes and output.

use std::path::Path;
use std::process::{Command, Output};

fn ferry(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_ferry"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("NO_COLOR", "1")
        .env_remove("RUST_LOG")
        .env_remove("RUST_BACKTRACE")
        .output()
        .expect("the ferry binary runs")
}

fn tmp(name: &str, text: &str) -> String {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("cli");
    std::fs::create_dir_all(&dir).unwrap();
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p.display().to_string()
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

const GOOD: &str = r#"migration actimo -> salesforce

custom Account {
  Source_System_ID__c : text(40) external_id unique
}

route companies -> Account {
  key Source_System_ID__c = company_id
  Name = name
}
"#;

const BAD: &str = r#"migration actimo -> salesforce

custom Account {
  Source_System_ID__c : text(40) external_id unique
}

route companies -> Account {
  key Source_System_ID__c = company_id
  Nmae = name
}
"#;

#[test]
fn check_accepts_the_bundled_example() {
    let o = ferry(&["check", "examples/nordisk-retail/salesforce.ferry"]);
    assert_eq!(o.status.code(), Some(0), "stderr:\n{}", stderr(&o));
}

#[test]
fn check_exit_codes() {
    let good = tmp("good.ferry", GOOD);
    let bad = tmp("bad.ferry", BAD);
    assert_eq!(ferry(&["check", &good]).status.code(), Some(0));
    assert_eq!(ferry(&["check", &bad]).status.code(), Some(1));
    assert_eq!(
        ferry(&["check", "no/such/file.ferry"]).status.code(),
        Some(2)
    );
    assert_eq!(
        ferry(&["check"]).status.code(),
        Some(2),
        "missing argument is a usage error"
    );
    assert_eq!(
        ferry(&["check", "--format", "yaml", &good]).status.code(),
        Some(2)
    );
}

#[test]
fn check_human_output_names_code_span_and_fix() {
    let bad = tmp("bad_human.ferry", BAD);
    let o = ferry(&["check", &bad]);
    let err = stderr(&o);
    assert!(err.contains("E0213"), "{err}");
    assert!(err.contains("did you mean `Name`?"), "{err}");
    assert!(err.contains("bad_human.ferry:9:3"), "{err}");
}

#[test]
fn check_json_is_an_array_of_findings() {
    let bad = tmp("bad_json.ferry", BAD);
    let o = ferry(&["check", "--format", "json", &bad]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("valid JSON");
    let first = &v.as_array().expect("an array")[0];
    for key in [
        "code",
        "severity",
        "message",
        "file",
        "line",
        "column",
        "end_line",
        "end_column",
        "labels",
        "help",
    ] {
        assert!(first.get(key).is_some(), "missing {key} in {first}");
    }
    assert_eq!(first["code"], "E0213");
    assert_eq!(first["line"], 9);
    assert_eq!(first["column"], 3);
}

#[test]
fn check_github_prints_workflow_annotations() {
    let bad = tmp("bad_gh.ferry", BAD);
    let o = ferry(&["check", "--format", "github", &bad]);
    let out = stdout(&o);
    assert!(out.starts_with("::error file="), "{out}");
    assert!(out.contains("line=9,col=3"), "{out}");
    assert!(out.contains("title=E0213::"), "{out}");
}

#[test]
fn check_sarif_is_sarif_2_1_0() {
    let bad = tmp("bad_sarif.ferry", BAD);
    let o = ferry(&["check", "--format", "sarif", &bad]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("valid JSON");
    assert_eq!(v["version"], "2.1.0");
    let run = &v["runs"][0];
    assert_eq!(run["tool"]["driver"]["name"], "ferry");
    assert_eq!(run["results"][0]["ruleId"], "E0213");
    assert_eq!(run["results"][0]["level"], "error");
    let region = &run["results"][0]["locations"][0]["physicalLocation"]["region"];
    assert_eq!(region["startLine"], 9);
    assert_eq!(run["tool"]["driver"]["rules"][0]["id"], "E0213");
}

#[test]
fn explain_prints_pages_and_rejects_unknown_codes() {
    let o = ferry(&["explain", "E0213"]);
    assert_eq!(o.status.code(), Some(0));
    assert!(stdout(&o).starts_with("# E0213"));
    let o = ferry(&["explain", "e0213"]);
    assert_eq!(o.status.code(), Some(0), "codes are case-insensitive");
    let o = ferry(&["explain", "E9999"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("not a ferry diagnostic code"));
    let o = ferry(&["explain", "--list"]);
    assert!(stdout(&o).lines().count() > 50);
}

#[test]
fn plan_prints_load_order_and_lineage() {
    let o = ferry(&["plan", "examples/nordisk-retail/salesforce.ferry"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let out = stdout(&o);
    let account = out.find(". Account").expect("Account in load order");
    let contact = out
        .find(". Contact (upsert)")
        .expect("Contact in load order");
    assert!(account < contact, "Account loads before Contact:\n{out}");
    assert!(
        out.contains("Contact (deferred update"),
        "self-reference deferred:\n{out}"
    );
    assert!(out.contains("contacts.email via trim, lower"), "{out}");
}

#[test]
fn plan_markdown_and_json() {
    let o = ferry(&[
        "plan",
        "--format",
        "markdown",
        "examples/nordisk-retail/salesforce.ferry",
    ]);
    assert_eq!(o.status.code(), Some(0));
    let md = stdout(&o);
    assert!(
        md.contains("| Destination field | Type | Source | Transform | Note |"),
        "{md}"
    );
    let o = ferry(&[
        "plan",
        "--format",
        "json",
        "examples/nordisk-retail/salesforce.ferry",
    ]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("valid JSON");
    assert!(v["load_order"].as_array().is_some_and(|a| !a.is_empty()));
    let bad = tmp("bad_plan.ferry", BAD);
    assert_eq!(ferry(&["plan", &bad]).status.code(), Some(1));
}
