//! Staging small hand-made bundles that reproduce defects a black-box audit
//! found: a quote that swallows records, a stray Latin-1 byte in a UTF-8
//! file, enum values outside the descriptor in the coverage, two files that
//! differ only in case, and a data file that is not a file. Each test
//! states what must be reported (code, file, line) and that every row is
//! accounted for (rows = staged + rejected + dropped).

use ferry::plan::Plan;
use ferry::stage::bundle::{self, StageReport, Staged};
use ferry::value::{RecRef, Value};
use std::path::{Path, PathBuf};

const SPEC: &str = r#"migration actimo -> salesforce

custom Contact {
  Source_System_ID__c : text(40) external_id unique
}

route contacts -> Contact {
  key Source_System_ID__c = contact_id
  LastName = last_name ?? "Unknown"
  FirstName = first_name
  Title = title
}
"#;

/// A fresh folder holding `files` (name, bytes) and [`SPEC`] beside it.
fn bundle(tag: &str, files: &[(&str, &[u8])]) -> (PathBuf, Plan) {
    bundle_with(tag, SPEC, files)
}

fn bundle_with(tag: &str, spec_text: &str, files: &[(&str, &[u8])]) -> (PathBuf, Plan) {
    let base = Path::new(env!("CARGO_TARGET_TMPDIR"));
    let d = base.join(format!("stage-audit-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    for (name, bytes) in files {
        std::fs::write(d.join(name), bytes).unwrap();
    }
    let spec = d.with_extension("ferry");
    std::fs::write(&spec, spec_text).unwrap();
    let (project, _) = ferry::check::load_project(&spec).expect("spec readable");
    let reg = ferry::schema::Registry::standard().expect("descriptors");
    let read = ferry::check::reader_beside(&project.main.file.name);
    let (checked, diags) = ferry::check::check(&project, &reg, &read);
    assert!(!diags.has_errors(), "spec has errors");
    (d, checked.expect("checked").plan)
}

fn stage(plan: &Plan, dir: &Path) -> Result<Staged, Vec<String>> {
    let opts = bundle::StageOptions {
        all_columns: true,
        ..bundle::StageOptions::standard(plan)
    };
    bundle::stage_with(plan, dir, &opts).map_err(|d| {
        d.iter()
            .map(|d| format!("{} {} {:?}", d.code.id, d.message, d.help))
            .collect()
    })
}

fn assert_counts_add_up(r: &StageReport) {
    for f in &r.files {
        assert_eq!(f.rows, f.staged + f.rejected + f.dropped, "{}", f.file);
    }
}

/// The staged value of `column` for the record on `line` of contacts.
fn cell(s: &Staged, plan: &Plan, line: u32, column: &str) -> Option<Value> {
    let object = plan.sources.iter().position(|o| o.name == "contacts")? as u32;
    let col = plan.sources[object as usize]
        .columns
        .iter()
        .position(|c| c.name == column)?;
    let r = (0..s.data.len(object) as u32)
        .map(|row| RecRef { object, row })
        .find(|&r| s.data.origin(r).1 == line)?;
    Some(s.data.cell(r, col as u32).clone())
}

const HEAD: &str = "contact_id,workspace_id,first_name,last_name,title,status,created_at\n";

/// A contacts line (seven fields, as [`HEAD`]).
fn row(id: u32, first: &str, last: &str, title: &str) -> String {
    format!("{id},20417,{first},{last},{title},active,2021-03-04 05:06:07\n")
}

#[test]
fn a_stray_latin1_byte_early_in_a_utf8_file_is_replaced_and_reported_per_line() {
    let mut csv = HEAD.as_bytes().to_vec();
    csv.extend_from_slice(b"1,20417,L\xE9ne,Hansen,Chef,active,2021-03-04 05:06:07\n");
    for i in 2..6 {
        csv.extend_from_slice(row(i, "S\u{f8}ren", "Gr\u{f8}nb\u{e6}k", "\u{c5}se").as_bytes());
    }
    let (dir, plan) = bundle("latin1", &[("contacts.csv", &csv)]);
    let s = stage(&plan, &dir).expect("stages");
    assert_eq!(s.report.files[0].encoding, "UTF-8 with invalid bytes");
    assert_eq!(
        cell(&s, &plan, 3, "last_name"),
        Some(Value::text("Grønbæk")),
        "later letters stay right"
    );
    assert_eq!(
        cell(&s, &plan, 2, "first_name"),
        Some(Value::text("L\u{fffd}ne"))
    );
    let w: Vec<_> = s
        .report
        .issues
        .iter()
        .filter(|i| i.code == "W0804")
        .collect();
    assert_eq!(w.len(), 1, "{:?}", s.report.issues);
    assert_eq!((w[0].file.as_str(), w[0].line), ("contacts.csv", 2));
    assert!(!s.report.issues.iter().any(|i| i.code == "W0801"));
    assert_counts_add_up(&s.report);
}

#[test]
fn a_quote_that_swallows_records_rejects_and_counts_each_of_them() {
    let mut csv = HEAD.to_string();
    // A genuine two-line title (one comma on its second line) stays one cell.
    csv.push_str("1,20417,Anna,Holm,\"Chef\nfor Store 2, Aalborg\",active,2021-03-04 05:06:07\n");
    csv.push_str(&row(2, "Mads", "Schmidt", "Medarbejder"));
    csv.push_str("3,20417,Lærke,Dyrberg,\"Chef,active,2021-03-04 05:06:07\n");
    for i in 4..8 {
        csv.push_str(&row(i, "Signe", "Iversen", "Medarbejder"));
    }
    let (dir, plan) = bundle("quote", &[("contacts.csv", csv.as_bytes())]);
    let s = stage(&plan, &dir).expect("stages");
    let r = &s.report;
    assert_counts_add_up(r);
    assert_eq!((r.files[0].rows, r.files[0].staged), (7, 2));
    assert_eq!(
        cell(&s, &plan, 2, "title"),
        Some(Value::text("Chef\nfor Store 2, Aalborg"))
    );
    let at = |code: &str| -> Vec<(u32, String)> {
        r.issues
            .iter()
            .filter(|i| i.code == code)
            .map(|i| (i.line, i.column.clone()))
            .collect()
    };
    assert_eq!(
        at("E0822"),
        vec![(5, "title".to_string())],
        "{:?}",
        r.issues
    );
    assert_eq!(at("W0803"), vec![(5, "title".to_string())]);
    assert!(
        at("E0818").is_empty(),
        "no noise from the broken record's cells"
    );
    let e = r.issues.iter().find(|i| i.code == "E0822").unwrap();
    assert!(e.message.contains("lines 6–9"), "{}", e.message);
    let rejected: Vec<(u32, &str, &str)> = r
        .rejected
        .iter()
        .map(|x| (x.line, x.id.as_str(), x.code.as_str()))
        .collect();
    assert_eq!(
        rejected,
        vec![
            (5, "contacts:3", "E0822"),
            (6, "contacts:4", "E0822"),
            (7, "contacts:5", "E0822"),
            (8, "contacts:6", "E0822"),
            (9, "contacts:7", "E0822"),
        ]
    );
}

#[test]
fn the_exact_spelling_wins_and_the_other_spelling_is_named() {
    let exact = format!("{HEAD}{}", row(1, "Lene", "Holm", "Chef"));
    let other = format!("{HEAD}{}", row(1, "ZZZ", "Holm", "Chef"));
    let (dir, plan) = bundle(
        "case",
        &[
            ("contacts.csv", exact.as_bytes()),
            ("Contacts.csv", other.as_bytes()),
        ],
    );
    let s = stage(&plan, &dir).expect("stages");
    assert_eq!(s.report.files[0].file, "contacts.csv");
    assert_eq!(cell(&s, &plan, 2, "first_name"), Some(Value::text("Lene")));
    assert!(
        s.report.files[0]
            .notes
            .iter()
            .any(|n| n.contains("`Contacts.csv` also matches")),
        "{:?}",
        s.report.files[0].notes
    );
}

#[test]
fn a_data_file_that_is_a_directory_or_a_broken_link_is_called_that() {
    let (dir, plan) = bundle("dir", &[]);
    std::fs::create_dir_all(dir.join("contacts.csv")).unwrap();
    std::fs::write(dir.join("contact_tags.csv"), b"contact_id,tag\n").unwrap();
    let err = stage(&plan, &dir).err().expect("fatal").join("\n");
    assert!(err.starts_with("E0821"), "{err}");
    assert!(
        err.contains("`contacts.csv` in the bundle is a directory, not a file"),
        "{err}"
    );
    assert!(!err.contains("did you mean"), "{err}");
    #[cfg(unix)]
    {
        let (dir, plan) = bundle("link", &[]);
        std::os::unix::fs::symlink(dir.join("gone.csv"), dir.join("contacts.csv")).unwrap();
        let err = stage(&plan, &dir).err().expect("fatal").join("\n");
        assert!(
            err.contains("is a broken symbolic link, not a file"),
            "{err}"
        );
    }
}

#[test]
fn unknown_enum_values_a_value_map_indexes_are_in_the_coverage() {
    let spec = r#"migration actimo -> salesforce

custom Contact {
  Source_System_ID__c : text(40) external_id unique
  Emp__c : picklist("A", "L", "T")
}

values emp {
  "Active" => "A"
  "On Leave" => "L"
  "Terminated" => "T"
}

route contacts -> Contact {
  key Source_System_ID__c = contact_id
  LastName = last_name ?? "Unknown"
  Emp__c = emp[employment_status]
}
"#;
    let head = "contact_id,workspace_id,first_name,last_name,status,employment_status,created_at\n";
    let mut csv = head.to_string();
    for (id, status) in [
        (1, "Sygemeldt"),
        (2, "Active"),
        (3, "Sygemeldt"),
        (4, "Ukendt"),
    ] {
        csv.push_str(&format!(
            "{id},20417,Anna,Holm,active,{status},2021-03-04 05:06:07\n"
        ));
    }
    let (dir, plan) = bundle_with("enum", spec, &[("contacts.csv", csv.as_bytes())]);
    let s = stage(&plan, &dir).expect("stages");
    let dry = bundle::coverage_rows(&plan, &bundle::dry_run(&plan, &s.data));
    let rows = bundle::with_enum_rows(&plan, dry, &s.report, &s.data);
    let got: Vec<(&str, &str, u64, Vec<&str>)> = rows
        .iter()
        .map(|r| {
            (
                r.map.as_str(),
                r.value.as_str(),
                r.count,
                r.examples.iter().map(String::as_str).collect(),
            )
        })
        .collect();
    assert_eq!(
        got,
        vec![
            ("emp", "Sygemeldt", 2, vec!["contacts:1", "contacts:3"]),
            ("emp", "Ukendt", 1, vec!["contacts:4"]),
        ]
    );
    assert!(rows.iter().all(|r| r.outcome.contains("E0810")));

    // `ferry run`'s report.json lists them under the map too.
    let out = dir.with_extension("run-out");
    let _ = std::fs::remove_dir_all(&out);
    let spec_path = dir.with_extension("ferry");
    std::fs::write(&spec_path, spec).expect("spec written");
    let status = std::process::Command::new(env!("CARGO_BIN_EXE_ferry"))
        .args(["run", "-q", "--input"])
        .arg(&dir)
        .arg("--out")
        .arg(&out)
        .arg(&spec_path)
        .output()
        .expect("ferry runs");
    assert!(status.status.success(), "{status:?}");
    let report: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("report.json")).expect("report.json"))
            .expect("report.json is JSON");
    let maps = report["value_maps"].as_array().expect("value_maps");
    let emp = maps.iter().find(|m| m["name"] == "emp").expect("map emp");
    let unmatched: Vec<(&str, u64)> = emp["unmatched"]
        .as_array()
        .expect("unmatched")
        .iter()
        .map(|u| (u["value"].as_str().unwrap(), u["records"].as_u64().unwrap()))
        .collect();
    assert_eq!(unmatched, vec![("Sygemeldt", 2), ("Ukendt", 1)]);
}
