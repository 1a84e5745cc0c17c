//! `ferry schema list` and `ferry schema show`: tables, JSON, unknown names,
//! overrides.

use std::process::{Command, Output};

fn ferry(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_ferry"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("NO_COLOR", "1")
        .output()
        .expect("the ferry binary runs")
}

fn out(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn err(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn schema_list_and_show() {
    let o = ferry(&["schema", "list"]);
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    insta::assert_snapshot!("schema_list", out(&o));
    let o = ferry(&["schema", "show", "salesforce", "Lead"]);
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    insta::assert_snapshot!("schema_show_salesforce_lead", out(&o));
    let o = ferry(&["schema", "show", "actimo", "learning_enrollments"]);
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    insta::assert_snapshot!("schema_show_actimo_learning_enrollments", out(&o));
    let o = ferry(&["schema", "show", "twenty"]);
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    insta::assert_snapshot!("schema_show_twenty", out(&o));
}

#[test]
fn schema_show_json_is_the_model() {
    let o = ferry(&["schema", "show", "actimo", "contacts", "--format", "json"]);
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    let v: serde_json::Value = serde_json::from_str(&out(&o)).expect("JSON");
    assert_eq!(v["file"], "contacts.csv");
    assert_eq!(
        v["relations"]["manager"]["kind"]["column"],
        "manager_contact_id"
    );
    assert_eq!(v["fields"]["status"]["ty"]["type"], "picklist");
    let o = ferry(&["schema", "list", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&out(&o)).expect("JSON");
    assert_eq!(v.as_array().map(Vec::len), Some(6));
}

#[test]
fn schema_show_unknown_names() {
    let o = ferry(&["schema", "show", "salesfroce"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        err(&o).contains("E0712") && err(&o).contains("did you mean `salesforce`?"),
        "{}",
        err(&o)
    );
    let o = ferry(&["schema", "show", "salesforce", "contact"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        err(&o).contains("E0713") && err(&o).contains("did you mean `Contact`?"),
        "{}",
        err(&o)
    );
    let o = ferry(&["schema", "show"]);
    assert_eq!(
        o.status.code(),
        Some(2),
        "missing argument is a usage error"
    );
}

#[test]
fn schema_show_with_overrides() {
    let o = ferry(&[
        "schema",
        "show",
        "salesforce",
        "Course__c",
        "--schemas",
        "tests/schemas/overrides/acme",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    assert!(out(&o).contains("Owner_Contact__c"));
    let o = ferry(&[
        "schema",
        "list",
        "--schemas",
        "tests/schemas/overrides/broken",
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert!(err(&o).contains("E0708"), "{}", err(&o));
    let o = ferry(&[
        "schema",
        "list",
        "--schemas",
        "tests/schemas/no-such-folder",
    ]);
    assert_eq!(o.status.code(), Some(2));
}
