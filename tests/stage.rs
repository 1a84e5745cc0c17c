//! `ferry stage` on generated bundles: every file found and accounted for
//! (rows = staged + rejected + dropped), the generator's injected defects
//! reported at the lines its manifest gives, typed values checked against
//! the raw cells, source rules, orphans, value-map coverage, fatal errors
//! with their codes and exit codes, and a snapshot of the example report.

use ferry::gen::{generate, Injected, Manifest, Options};
use ferry::plan::Plan;
use ferry::runtime::Dataset;
use ferry::stage::bundle::{self, coverage_rows, dry_run, StageReport, Staged};
use ferry::stage::read::CsvFile;
use ferry::value::{RecRef, Value};
use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::str::FromStr;
use std::sync::OnceLock;

const EXAMPLE: &str = "examples/nordisk-retail/salesforce.ferry";
const SPECS: &[&str] = &[
    EXAMPLE,
    "specs/freshsales.ferry",
    "specs/pipedrive.ferry",
    "specs/salesforce.ferry",
    "specs/twenty.ferry",
    "specs/zoho.ferry",
];

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// A fresh folder under the target's tmp dir, unique to this test process
/// (other test runs may use the same target dir at the same time).
fn scratch(name: &str) -> PathBuf {
    let base = Path::new(env!("CARGO_TARGET_TMPDIR"));
    let d = base.join(format!("stage-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    d
}

fn bundle_once(
    cell: &'static OnceLock<(PathBuf, Manifest)>,
    name: &str,
    opts: Options,
) -> &'static (PathBuf, Manifest) {
    cell.get_or_init(|| {
        let d = scratch(name);
        let m = generate(&opts, &d).expect("bundle written");
        (d, m)
    })
}

fn messy() -> &'static (PathBuf, Manifest) {
    static B: OnceLock<(PathBuf, Manifest)> = OnceLock::new();
    bundle_once(
        &B,
        "messy",
        Options {
            contacts: 300,
            seed: 5,
            messy: true,
        },
    )
}

fn clean() -> &'static (PathBuf, Manifest) {
    static B: OnceLock<(PathBuf, Manifest)> = OnceLock::new();
    bundle_once(
        &B,
        "clean",
        Options {
            contacts: 100,
            seed: 1,
            messy: false,
        },
    )
}

/// Compiles a spec with the standard descriptors.
fn plan(spec: &str) -> Plan {
    let path = root().join(spec);
    let (project, _) = ferry::check::load_project(&path).expect("spec readable");
    let reg = ferry::schema::Registry::standard().expect("descriptors");
    let read = ferry::check::reader_beside(&project.main.file.name);
    let (checked, diags) = ferry::check::check(&project, &reg, &read);
    assert!(!diags.has_errors(), "{spec} has errors");
    checked.expect("checked").plan
}

/// Stages as `ferry stage` does: every column read and checked.
fn stage(plan: &Plan, dir: &Path) -> Staged {
    let opts = bundle::StageOptions {
        all_columns: true,
        ..bundle::StageOptions::standard(plan)
    };
    match bundle::stage_with(plan, dir, &opts) {
        Ok(s) => s,
        Err(d) => panic!(
            "staging failed: {:?}",
            d.iter().map(|d| &d.message).collect::<Vec<_>>()
        ),
    }
}

fn injected<'m>(m: &'m Manifest, feature: &str, file: &str) -> Vec<&'m Injected> {
    m.injected
        .iter()
        .filter(|i| {
            serde_json::to_value(i.feature)
                .ok()
                .and_then(|v| v.as_str().map(str::to_string))
                .as_deref()
                == Some(feature)
                && i.file == file
        })
        .collect()
}

fn lines_of(m: &Manifest, feature: &str, file: &str, column: &str) -> Vec<u32> {
    injected(m, feature, file)
        .into_iter()
        .filter(|i| i.column == Some(column))
        .flat_map(|i| i.lines.iter().map(|&l| l as u32))
        .collect()
}

fn object(plan: &Plan, name: &str) -> u32 {
    plan.sources
        .iter()
        .position(|s| s.name == name)
        .expect("object in plan") as u32
}

fn column(plan: &Plan, object: u32, name: &str) -> u32 {
    plan.sources[object as usize]
        .columns
        .iter()
        .position(|c| c.name == name)
        .expect("column") as u32
}

/// The staged row of `object` read from `line`, if it was staged.
fn row_at(data: &Dataset, object: u32, line: u32) -> Option<RecRef> {
    (0..data.len(object) as u32)
        .map(|row| RecRef { object, row })
        .find(|&r| data.origin(r).1 == line)
}

/// Raw cells of a bundle file by line, keyed by normalized header.
fn raw(dir: &Path, file: &str) -> HashMap<u32, HashMap<String, String>> {
    let f = CsvFile::from_bytes(std::fs::read(dir.join(file)).expect("file")).expect("csv");
    let mut out = HashMap::new();
    let mut recs = f.records();
    while let Some(r) = recs.next_record() {
        let cells = f
            .headers
            .iter()
            .enumerate()
            .map(|(i, h)| (h.key.clone(), r.get(i).to_string()))
            .collect();
        out.insert(r.line as u32, cells);
    }
    out
}

fn assert_counts_add_up(r: &StageReport) {
    for f in &r.files {
        assert_eq!(
            f.rows,
            f.staged + f.rejected + f.dropped,
            "{}: rows ≠ staged + rejected + dropped",
            f.file
        );
    }
}

#[test]
fn clean_bundle_stages_completely_for_every_spec() {
    let (dir, manifest) = clean();
    for spec in SPECS {
        let p = plan(spec);
        let s = stage(&p, dir);
        assert_eq!(s.report.files.len(), p.sources.len(), "{spec}");
        assert_counts_add_up(&s.report);
        for f in &s.report.files {
            assert!(f.found, "{spec}: {} not found", f.file);
            let m = manifest
                .files
                .iter()
                .find(|m| m.name == f.file)
                .expect("in manifest");
            assert_eq!(f.rows, m.rows, "{spec}: {}", f.file);
            assert_eq!(f.rejected, 0, "{spec}: {}", f.file);
            let i = object(&p, &f.object) as usize;
            assert_eq!(s.data.len(i as u32) as u64, f.staged);
        }
        // Only the example's undeclared custom field is worth a word.
        let codes: BTreeSet<&str> = s.report.issues.iter().map(|i| i.code.as_str()).collect();
        assert!(codes.iter().all(|c| *c == "W0805"), "{spec}: {codes:?}");
        assert!(
            s.report.orphans.iter().all(|o| o.count == o.removed),
            "{spec}: {:?}",
            s.report.orphans
        );
        assert_eq!(
            s.data
                .taken_at
                .map(|t| t.format("%Y-%m-%d %H:%M:%S").to_string()),
            Some(manifest.taken_at.clone())
        );
    }
}

#[test]
fn messy_bundle_is_accounted_for_with_every_spec() {
    let (dir, manifest) = messy();
    for spec in SPECS {
        let p = plan(spec);
        let s = stage(&p, dir);
        assert_counts_add_up(&s.report);
        for f in &s.report.files {
            let m = manifest
                .files
                .iter()
                .find(|m| m.name == f.file)
                .expect("in manifest");
            assert_eq!(f.rows, m.rows, "{spec}: {}", f.file);
            assert_eq!(
                (f.bom, f.delimiter.as_str()),
                (m.bom, m.delimiter.as_str()),
                "{spec}: {}",
                f.file
            );
            assert_eq!(f.encoding.to_lowercase(), m.encoding, "{spec}: {}", f.file);
            assert_eq!(f.line_ending, m.line_ending, "{spec}: {}", f.file);
        }
        // Every rejected row has an issue with its code on its line.
        for r in &s.report.rejected {
            assert!(
                s.report
                    .issues
                    .iter()
                    .any(|i| i.file == r.file && i.line == r.line && i.code == r.code),
                "{spec}: {r:?} has no issue"
            );
        }
    }
}

#[test]
fn messy_contacts_report_what_the_generator_injected() {
    let (dir, m) = messy();
    let p = plan(EXAMPLE);
    let s = stage(&p, dir);
    let r = &s.report;
    let issue_lines = |code: &str, file: &str, column: &str| -> BTreeSet<u32> {
        r.issues
            .iter()
            .filter(|i| i.code == code && i.file == file && i.column == column)
            .map(|i| i.line)
            .collect()
    };
    // Ambiguous dates: reported exactly where injected, never guessed.
    let ambiguous: BTreeSet<u32> = lines_of(m, "date_ambiguous", "contacts.csv", "hire_date")
        .into_iter()
        .collect();
    assert!(!ambiguous.is_empty());
    assert_eq!(issue_lines("E0808", "contacts.csv", "hire_date"), ambiguous);
    let contacts = object(&p, "contacts");
    let hire = column(&p, contacts, "hire_date");
    for &l in &ambiguous {
        if let Some(row) = row_at(&s.data, contacts, l) {
            assert_eq!(s.data.cell(row, hire), &Value::Null, "line {l}");
        }
    }
    // Excel's scientific notation: reported, and kept as written.
    let sci = lines_of(m, "scientific_notation", "contacts.csv", "msisdn");
    assert!(!sci.is_empty());
    assert_eq!(
        issue_lines("E0811", "contacts.csv", "msisdn"),
        sci.iter().copied().collect()
    );
    let cells = raw(dir, "contacts.csv");
    let msisdn = column(&p, contacts, "msisdn");
    for &l in &sci {
        if let Some(row) = row_at(&s.data, contacts, l) {
            assert_eq!(
                s.data.cell(row, msisdn).as_str(),
                // The messy bundle writes msisdn under its Danish label.
                Some(cells[&l]["mobilnummer"].trim())
            );
        }
    }
    // Excel serial dates are read as dates.
    for l in lines_of(m, "date_excel_serial", "contacts.csv", "hire_date") {
        if let Some(row) = row_at(&s.data, contacts, l) {
            assert!(matches!(s.data.cell(row, hire), Value::Date(_)), "line {l}");
        }
    }
    // DST gaps in the required created_at reject the row with E0813.
    let gaps = lines_of(m, "datetime_dst_gap", "contacts.csv", "created_at");
    assert!(!gaps.is_empty());
    for l in gaps {
        assert!(
            r.rejected
                .iter()
                .any(|x| x.file == "contacts.csv" && x.line == l && x.code == "E0813"),
            "line {l}"
        );
    }
    // Windows-1252 is detected, decoded and said.
    let companies = r
        .files
        .iter()
        .find(|f| f.file == "companies.csv")
        .expect("companies");
    assert_eq!(companies.encoding, "Windows-1252");
    assert!(r
        .issues
        .iter()
        .any(|i| i.code == "W0801" && i.file == "companies.csv"));
    let co = object(&p, "companies");
    let names: Vec<&str> = (0..s.data.len(co) as u32)
        .filter_map(|row| {
            s.data
                .cell(RecRef { object: co, row }, column(&p, co, "name"))
                .as_str()
        })
        .collect();
    assert!(
        names
            .iter()
            .any(|n| n.contains('Ø') || n.contains('ø') || n.contains('æ') || n.contains('å')),
        "{names:?}"
    );
    // Danish headers are mapped through the descriptor's aliases.
    let c = r
        .files
        .iter()
        .find(|f| f.file == "contacts.csv")
        .expect("contacts");
    assert!(
        c.headers
            .contains(&("first_name".to_string(), "Fornavn".to_string())),
        "{:?}",
        c.headers
    );
    assert!(c.sep_line && c.delimiter == ";");
}

#[test]
fn typed_values_match_the_raw_cells() {
    let (dir, _) = messy();
    let p = plan(EXAMPLE);
    let s = stage(&p, dir);
    let contacts = object(&p, "contacts");
    let cells = raw(dir, "contacts.csv");
    let (emp, score, status) = (
        column(&p, contacts, "employee_id"),
        column(&p, contacts, "engagement_score"),
        column(&p, contacts, "status"),
    );
    let (mut zeros, mut commas) = (0, 0);
    for row in 0..s.data.len(contacts) as u32 {
        let r = RecRef {
            object: contacts,
            row,
        };
        let line = s.data.origin(r).1;
        let cell = &cells[&line];
        // Ids stay text exactly as written (trimmed): leading zeros kept.
        let e = cell["employee_id"].trim();
        match s.data.cell(r, emp) {
            Value::Text(t) => {
                assert_eq!(&**t, e);
                zeros += usize::from(e.starts_with('0'));
            }
            Value::Null => assert!(e.is_empty()),
            other => panic!("employee_id {other:?}"),
        }
        // Decimal commas (a `;` file) are read to the right value.
        let raw_score = cell["engagement_score"].trim();
        if let Some((a, b)) = raw_score.split_once(',') {
            if a.bytes().all(|c| c.is_ascii_digit()) && b.bytes().all(|c| c.is_ascii_digit()) {
                let want = rust_decimal::Decimal::from_str(&format!("{a}.{b}")).unwrap();
                assert_eq!(s.data.cell(r, score), &Value::Num(want), "line {line}");
                commas += 1;
            }
        }
        // Enum values are canonical.
        let st = s.data.cell(r, status).as_str().expect("status is required");
        assert!(
            ["active", "inactive", "invited", "pending"].contains(&st),
            "{st}"
        );
    }
    assert!(zeros > 0 && commas > 0, "zeros {zeros}, commas {commas}");
}

#[test]
fn unknown_enum_values_are_reported_and_never_staged() {
    let (dir, m) = messy();
    let p = plan("specs/zoho.ferry");
    let s = stage(&p, dir);
    let unknown: Vec<_> = s
        .report
        .issues
        .iter()
        .filter(|i| i.code == "E0810")
        .collect();
    assert!(!unknown.is_empty());
    for i in &unknown {
        let lines = lines_of(m, "enum_variant", &i.file, &i.column);
        assert!(lines.contains(&i.line), "{i:?} not injected there");
    }
    // Every staged enum cell is one of its canonical values.
    for (o, src) in p.sources.iter().enumerate() {
        for (c, col) in src.columns.iter().enumerate() {
            let ferry::schema::model::FieldType::Picklist { values } = &col.ty else {
                continue;
            };
            for row in 0..s.data.len(o as u32) as u32 {
                match s.data.cell(
                    RecRef {
                        object: o as u32,
                        row,
                    },
                    c as u32,
                ) {
                    Value::Null => {}
                    Value::Text(t) => assert!(
                        values.iter().any(|v| v.value == **t),
                        "{}.{} = {t}",
                        src.name,
                        col.name
                    ),
                    other => panic!("{other:?}"),
                }
            }
        }
    }
}

#[test]
fn dedupe_drops_the_duplicate_emails_and_where_the_deleted() {
    let (dir, m) = messy();
    let p = plan(EXAMPLE);
    let s = stage(&p, dir);
    let cells = raw(dir, "contacts.csv");
    let rejected: BTreeSet<u32> = s
        .report
        .rejected
        .iter()
        .filter(|r| r.file == "contacts.csv")
        .map(|r| r.line)
        .collect();
    let deleted: BTreeSet<u32> = cells
        .iter()
        .filter(|(l, c)| !c["deleted_at"].trim().is_empty() && !rejected.contains(l))
        .map(|(l, _)| *l)
        .collect();
    let dropped = |rule: &str| -> BTreeSet<u32> {
        s.report
            .dropped
            .iter()
            .filter(|d| d.file == "contacts.csv" && d.rule == rule)
            .map(|d| d.line)
            .collect()
    };
    assert_eq!(dropped("where"), deleted);
    // Live contacts grouped by lower(trim(email)): all but one of each group go.
    let mut groups: HashMap<String, Vec<u32>> = HashMap::new();
    for (l, c) in &cells {
        let e = c["email"].trim().to_lowercase();
        if !e.is_empty() && !deleted.contains(l) && !rejected.contains(l) {
            groups.entry(e).or_default().push(*l);
        }
    }
    let expected: usize = groups.values().map(|g| g.len() - 1).sum();
    let dups = dropped("dedupe");
    assert_eq!(dups.len(), expected);
    let dup_case = lines_of(m, "email_duplicate_case", "contacts.csv", "email");
    assert!(!dup_case.is_empty());
    for l in dup_case {
        let e = cells[&l]["email"].trim().to_lowercase();
        let group = &groups[&e];
        assert!(
            group.len() > 1 && group.iter().filter(|g| dups.contains(g)).count() == group.len() - 1,
            "line {l}"
        );
    }
}

#[test]
fn orphans_are_found_and_told_apart_from_removed_records() {
    let (dir, m) = messy();
    let p = plan(EXAMPLE);
    let s = stage(&p, dir);
    let manager = s
        .report
        .orphans
        .iter()
        .find(|o| o.column == "contacts.manager_contact_id")
        .expect("manager orphans");
    let injected = lines_of(m, "orphan_reference", "contacts.csv", "manager_contact_id");
    assert!(!injected.is_empty());
    assert_eq!(manager.count - manager.removed, injected.len() as u64);
    // With a spec that reads message_recipients (Zoho), its injected orphans are found too.
    let z = plan("specs/zoho.ferry");
    let zs = stage(&z, dir);
    for o in &zs.report.orphans {
        assert!(
            o.count >= o.removed
                && o.examples.len() == o.lines.len()
                && o.lines.len() == o.values.len()
        );
        assert!(o.examples.len() as u64 <= o.count.min(5));
    }
}

#[test]
fn coverage_lists_exactly_the_values_no_arm_covers() {
    let (dir, _) = messy();
    let p = plan("specs/salesforce.ferry");
    let s = stage(&p, dir);
    let rows = coverage_rows(&p, &dry_run(&p, &s.data));
    assert!(!rows.is_empty());
    let mi = p
        .value_maps
        .iter()
        .position(|v| v.name == "campaign_event")
        .expect("map");
    let covered: BTreeSet<String> = p.value_maps[mi]
        .arms
        .iter()
        .flat_map(|(keys, _)| keys.iter().filter_map(|k| k.as_str().map(str::to_string)))
        .collect();
    let ev = object(&p, "message_events");
    let (ty, contact) = (column(&p, ev, "event_type"), column(&p, ev, "contact_id"));
    let seen: BTreeSet<String> = (0..s.data.len(ev) as u32)
        .map(|row| RecRef { object: ev, row })
        .filter(|&r| !s.data.cell(r, contact).is_null())
        .filter_map(|r| s.data.cell(r, ty).as_str().map(str::to_string))
        .collect();
    let want: BTreeSet<String> = seen.difference(&covered).cloned().collect();
    let got: BTreeSet<String> = rows
        .iter()
        .filter(|r| r.map == "campaign_event")
        .map(|r| r.value.clone())
        .collect();
    assert_eq!(got, want);
    for r in &rows {
        assert!(
            r.count > 0 && !r.examples.is_empty() && r.examples.len() <= 3,
            "{r:?}"
        );
        assert_eq!(r.outcome, "else");
    }
}

/// Every unit's outcome for every record, in order.
fn outcomes(p: &Plan, data: &Dataset) -> Vec<String> {
    let mut ctx = ferry::runtime::Ctx::new(p, data);
    let mut out = Vec::new();
    for unit in &p.units {
        ferry::runtime::exec::run_unit(&mut ctx, unit, |subject, outcome| {
            out.push(format!("{subject:?} {outcome:?}"))
        });
    }
    out
}

#[test]
fn run_staging_reads_only_used_columns_with_the_same_results() {
    let (dir, _) = messy();
    for spec in SPECS {
        let p = plan(spec);
        let all = stage(&p, dir);
        // `ferry run`'s staging: only the columns the plan reads.
        let used = bundle::stage(&p, dir).expect("staged");
        // The same rows survive, the same orphans are found, every unit
        // gives the same outcome for every record.
        let counts = |r: &StageReport| -> Vec<(String, u64, u64, u64, u64)> {
            r.files
                .iter()
                .map(|f| (f.file.clone(), f.rows, f.staged, f.rejected, f.dropped))
                .collect()
        };
        assert_eq!(counts(&all.report), counts(&used.report), "{spec}");
        let orphans = |r: &StageReport| serde_json::to_string(&r.orphans).unwrap();
        assert_eq!(orphans(&all.report), orphans(&used.report), "{spec}");
        assert_eq!(outcomes(&p, &all.data), outcomes(&p, &used.data), "{spec}");
        // Issues of the columns read are the same; the others are not checked.
        assert!(used.report.issues.len() <= all.report.issues.len());
    }
    // The contacts route of the benchmark reads a fraction of the columns.
    let p = plan("bench/contacts.ferry");
    let s = bundle::stage(&p, dir).expect("staged");
    let f = s
        .report
        .files
        .iter()
        .find(|f| f.file == "contacts.csv")
        .unwrap();
    assert!(
        f.notes.iter().any(|n| n.contains("columns read")),
        "{:?}",
        f.notes
    );
}

#[test]
fn staging_is_deterministic() {
    let (dir, _) = messy();
    let p = plan("specs/twenty.ferry");
    let a = serde_json::to_string(&stage(&p, dir).report).unwrap();
    let b = serde_json::to_string(&stage(&p, dir).report).unwrap();
    assert_eq!(a, b);
}

// ── the binary ────────────────────────────────────────────────────────────

fn ferry(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_ferry"))
        .current_dir(root())
        .args(args)
        .output()
        .expect("ferry runs")
}

const MINIMAL: &str = r#"migration actimo -> salesforce

custom Contact {
  Source_System_ID__c : text(40) external_id unique
}

route contacts -> Contact {
  key Source_System_ID__c = contact_id
  LastName = last_name ?? "Unknown"
}
"#;

/// A bundle folder with a copy of the clean contacts.csv, changed by `edit`,
/// and a one-route spec that reads only contacts.
fn broken(name: &str, edit: impl FnOnce(&Path)) -> (PathBuf, PathBuf) {
    let d = scratch(name);
    std::fs::create_dir_all(&d).unwrap();
    std::fs::copy(clean().0.join("contacts.csv"), d.join("contacts.csv")).unwrap();
    edit(&d);
    let spec = d.with_extension("ferry");
    std::fs::write(&spec, MINIMAL).unwrap();
    (d, spec)
}

fn stage_cli(spec: &Path, input: &Path) -> (Option<i32>, String) {
    let o = ferry(&[
        "stage",
        spec.to_str().unwrap(),
        "--input",
        input.to_str().unwrap(),
        "--quiet",
    ]);
    (
        o.status.code(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

#[test]
fn fatal_problems_have_codes_and_exit_1() {
    let (dir, spec) = broken("missing-file", |d| {
        std::fs::remove_file(d.join("contacts.csv")).unwrap()
    });
    let (code, err) = stage_cli(&spec, &dir);
    assert_eq!(code, Some(1));
    assert!(
        err.contains("E0821") && err.contains("contacts.csv"),
        "{err}"
    );

    let (dir, spec) = broken("missing-key", |d| {
        let p = d.join("contacts.csv");
        let t = std::fs::read_to_string(&p)
            .unwrap()
            .replacen("contact_id", "ident", 1);
        std::fs::write(p, t).unwrap();
    });
    let (code, err) = stage_cli(&spec, &dir);
    assert_eq!(code, Some(1));
    assert!(err.contains("E0802") && err.contains("contact_id"), "{err}");

    let (dir, spec) = broken("binary", |d| {
        std::fs::write(
            d.join("contacts.csv"),
            b"PK\x03\x04\x00\x00\x08\x00garbage\x00\xff",
        )
        .unwrap()
    });
    let (code, err) = stage_cli(&spec, &dir);
    assert_eq!(code, Some(1));
    assert!(err.contains("E0801") && err.contains("binary"), "{err}");

    let (dir, spec) = broken("empty", |d| {
        std::fs::write(d.join("contacts.csv"), b"").unwrap()
    });
    let (code, err) = stage_cli(&spec, &dir);
    assert_eq!(code, Some(1));
    assert!(err.contains("E0801") && err.contains("empty"), "{err}");

    // Renamed case still counts as the file; a missing folder is a usage error.
    let (dir, spec) = broken("case", |d| {
        std::fs::rename(d.join("contacts.csv"), d.join("Contacts.CSV")).unwrap()
    });
    assert_eq!(stage_cli(&spec, &dir).0, Some(0));
    let (code, err) = stage_cli(&spec, &dir.join("nope"));
    assert_eq!(code, Some(2));
    assert!(err.contains("E1001"), "{err}");
}

#[test]
fn repeated_keys_are_rejected_and_optional_files_may_be_missing() {
    // A contact exported twice: the second copy is rejected (E0815).
    let mut dup_line = 0;
    let (dir, spec) = broken("dup-key", |d| {
        let p = d.join("contacts.csv");
        let text = std::fs::read_to_string(&p).unwrap();
        let second = text.split("\r\n").nth(1).unwrap().to_string();
        dup_line = text.matches('\n').count() + 1;
        std::fs::write(p, format!("{text}{second}\r\n")).unwrap();
    });
    let o = ferry(&[
        "stage",
        spec.to_str().unwrap(),
        "--input",
        dir.to_str().unwrap(),
        "--format",
        "json",
        "--quiet",
    ]);
    assert_eq!(o.status.code(), Some(0));
    let r: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let rejected = r["rejected"].as_array().unwrap();
    assert_eq!(rejected.len(), 1, "{rejected:?}");
    assert_eq!(rejected[0]["code"], "E0815");
    assert_eq!(rejected[0]["line"], dup_line as u64);
    assert_eq!(rejected[0]["reason"], "duplicate key of line 2");
    let f = &r["files"][0];
    assert_eq!(
        (
            f["rows"].as_u64(),
            f["staged"].as_u64(),
            f["rejected"].as_u64()
        ),
        (Some(101), Some(100), Some(1))
    );

    // An optional object's file may be absent: staged empty, with a note.
    let p = plan("specs/salesforce.ferry");
    let optional: Vec<&str> = p
        .sources
        .iter()
        .filter(|s| s.optional)
        .map(|s| s.file.as_str())
        .collect();
    assert!(!optional.is_empty());
    let d = scratch("no-optional");
    std::fs::create_dir_all(&d).unwrap();
    for e in std::fs::read_dir(&clean().0).unwrap() {
        let e = e.unwrap();
        let name = e.file_name().to_string_lossy().into_owned();
        if !optional.contains(&name.as_str()) {
            std::fs::copy(e.path(), d.join(&name)).unwrap();
        }
    }
    let s = stage(&p, &d);
    for f in s
        .report
        .files
        .iter()
        .filter(|f| optional.contains(&f.file.as_str()))
    {
        assert!(
            !f.found && f.rows == 0 && f.notes[0].contains("optional"),
            "{f:?}"
        );
    }
    assert_counts_add_up(&s.report);
}

#[test]
fn example_report_snapshot_and_files() {
    let out = scratch("example-out");
    let o = ferry(&[
        "stage",
        EXAMPLE,
        "--input",
        "examples/nordisk-retail/export",
        "--out",
        out.to_str().unwrap(),
        "--quiet",
    ]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let text = String::from_utf8(o.stdout).unwrap();
    // The README's example maps only columns its export has.
    assert!(!text.contains("W0805"), "{text}");
    insta::assert_snapshot!("example_stage_report", text);
    let json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("stage-report.json")).unwrap()).unwrap();
    let files = json["files"].as_array().unwrap();
    let rows: u64 = files.iter().map(|f| f["rows"].as_u64().unwrap()).sum();
    assert!(
        text.starts_with(&format!(
            "Staged `examples/nordisk-retail/export`: {rows} rows"
        )),
        "{text}"
    );
    let md = std::fs::read_to_string(out.join("stage-report.md")).unwrap();
    assert!(md.starts_with("# Staging report") && md.contains("E0808"));
    // The example bundle stays small enough to keep in the repository.
    let size: u64 = std::fs::read_dir(root().join("examples/nordisk-retail/export"))
        .unwrap()
        .map(|e| e.unwrap().metadata().unwrap().len())
        .sum();
    assert!(size < 3_000_000, "{size} bytes");
}
