//! `ferry run` through the binary on generated bundles: accounting on messy
//! data for every spec (recomputed from the payload files, the report and
//! the generator's manifest), byte-for-byte determinism, the output folder
//! rules, secrets, exit codes, and snapshots of report.md and a payload.

use serde_json::Value as J;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

const EXAMPLE: &str = "examples/nordisk-retail/salesforce.ferry";

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn scratch(name: &str) -> PathBuf {
    let d = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("run-{name}"));
    let _ = std::fs::remove_dir_all(&d);
    d
}

fn ferry(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_ferry"))
        .current_dir(root())
        .args(args)
        .output()
        .expect("ferry runs")
}

fn run(spec: &str, input: &Path, out: &Path, extra: &[&str]) -> Output {
    let mut args = vec![
        "run",
        spec,
        "--input",
        input.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--quiet",
    ];
    args.extend_from_slice(extra);
    ferry(&args)
}

fn ok(o: &Output) {
    assert!(
        o.status.code() == Some(0),
        "exit {:?}\nstderr:\n{}",
        o.status.code(),
        String::from_utf8_lossy(&o.stderr)
    );
}

/// The messy bundle of the accounting test, generated once per test binary.
fn messy() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let d = scratch("messy-bundle");
        let opts = ferry::gen::Options {
            contacts: 300,
            seed: 3,
            messy: true,
        };
        ferry::gen::generate(&opts, &d).expect("bundle written");
        d
    })
}

fn clean() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let d = scratch("clean-bundle");
        let opts = ferry::gen::Options {
            contacts: 100,
            seed: 1,
            messy: false,
        };
        ferry::gen::generate(&opts, &d).expect("bundle written");
        d
    })
}

fn json(path: &Path) -> J {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap()
}

fn n(v: &J) -> u64 {
    v.as_u64().unwrap_or_else(|| panic!("not a count: {v}"))
}

/// Recomputes every unit's accounting from the payload files, the report's
/// skip list and the generator's manifest, and compares.
fn check_accounting(spec: &str, bundle: &Path, out: &Path) {
    let report = json(&out.join("report.json"));
    let manifest = json(&bundle.join("manifest.json"));
    let manifest_rows: BTreeMap<String, u64> = manifest["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| (f["name"].as_str().unwrap().to_string(), n(&f["rows"])))
        .collect();
    assert_eq!(report["complete"], true);

    // Payload lines by (source object, target object): rows seen and merge members.
    let mut rows: BTreeMap<(String, String), BTreeSet<u64>> = BTreeMap::new();
    let mut members: BTreeMap<(String, String), u64> = BTreeMap::new();
    let mut lines: BTreeMap<(String, String), u64> = BTreeMap::new();
    let mut total_lines = 0;
    for f in report["files"].as_array().unwrap() {
        let name = f["name"].as_str().unwrap();
        let text = std::fs::read_to_string(out.join(name)).unwrap();
        assert_eq!(
            text.lines().count() as u64,
            n(&f["lines"]),
            "{spec}: {name}"
        );
        total_lines += n(&f["lines"]);
        if f["pass"] != "upsert" {
            continue;
        }
        for l in text.lines() {
            let v: J = serde_json::from_str(l).unwrap();
            let src = &v["source"];
            if src["object"] == "placeholder" {
                continue;
            }
            let k = (
                src["object"].as_str().unwrap().to_string(),
                v["target"].as_str().unwrap().to_string(),
            );
            rows.entry(k.clone()).or_default().insert(n(&src["row"]));
            *members.entry(k.clone()).or_default() += src.get("members").map_or(1, n);
            *lines.entry(k).or_default() += 1;
        }
    }
    assert_eq!(n(&report["totals"]["payload_lines"]), total_lines, "{spec}");

    let units = report["units"].as_array().unwrap();
    let entries = report["skipped"]["entries"].as_array().unwrap();
    let staging = &report["staging"];
    for u in units {
        let label = u["label"].as_str().unwrap();
        let a = &u["accounting"];
        let what = format!("{spec}: {label}");
        assert_eq!(a["balanced"], true, "{what}: {a}");
        // Rows: the generator's count, split by staging into rejected, dropped, staged.
        let file = u["file"].as_str().unwrap();
        let object = u["source"].as_str().unwrap();
        assert_eq!(
            Some(&n(&a["rows_in_file"])),
            manifest_rows.get(file),
            "{what}: rows"
        );
        let count = |list: &str| {
            staging[list]
                .as_array()
                .unwrap()
                .iter()
                .filter(|x| x["object"] == object)
                .count() as u64
        };
        assert_eq!(n(&a["rejected_by_staging"]), count("rejected"), "{what}");
        assert_eq!(n(&a["dropped_by_source_rules"]), count("dropped"), "{what}");
        assert_eq!(
            n(&a["rows_in_file"]),
            n(&a["rejected_by_staging"]) + n(&a["dropped_by_source_rules"]) + n(&a["staged"]),
            "{what}"
        );
        assert_eq!(
            n(&a["staged"]),
            n(&a["emitted"]) + n(&a["skipped"]) + n(&a["filtered"]),
            "{what}"
        );
        // Skipped: the listed entries. Filtered: the per-rule counts.
        let listed: u64 = entries
            .iter()
            .filter(|e| e["unit"] == label)
            .map(|e| n(&e["records"]))
            .sum();
        assert_eq!(n(&u["skipped"]), listed, "{what}: skipped");
        let by_rule: u64 = u["filtered_by"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| n(&r["records"]))
            .sum();
        assert_eq!(n(&u["filtered"]), by_rule, "{what}: filtered");
        // Emitted: from the payload lines, when no other unit sends the
        // same source object to the same destination object.
        let targets: BTreeSet<String> = u["targets"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t["object"].as_str().unwrap().to_string())
            .collect();
        let shared = units.iter().any(|o| {
            o["label"] != label
                && o["source"] == object
                && o["targets"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .any(|t| targets.contains(t["object"].as_str().unwrap()))
        });
        if shared {
            continue;
        }
        let merge = u["kind"] == "merge";
        let mut emitted_rows = BTreeSet::new();
        let mut emitted_members = 0;
        for t in &targets {
            let k = (object.to_string(), t.clone());
            emitted_rows.extend(rows.get(&k).into_iter().flatten().copied());
            if merge {
                emitted_members += members.get(&k).copied().unwrap_or(0);
            }
            let sent: u64 = u["targets"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|x| x["object"] == t.as_str())
                .map(|x| n(&x["records"]))
                .sum();
            assert_eq!(
                lines.get(&k).copied().unwrap_or(0),
                sent,
                "{what}: lines of {t}"
            );
        }
        let emitted = if merge {
            emitted_members
        } else {
            emitted_rows.len() as u64
        };
        assert_eq!(
            n(&u["emitted"]),
            emitted,
            "{what}: emitted, from the payloads"
        );
    }
}

fn specs() -> Vec<String> {
    let mut v = vec![EXAMPLE.to_string()];
    let mut std_specs: Vec<String> = std::fs::read_dir(root().join("specs"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "ferry"))
        .map(|p| format!("specs/{}", p.file_name().unwrap().to_string_lossy()))
        .collect();
    std_specs.sort();
    v.extend(std_specs);
    v
}

#[test]
fn every_record_is_accounted_for_on_messy_data_for_every_spec() {
    let bundle = messy();
    for (i, spec) in specs().iter().enumerate() {
        let out = scratch(&format!("acct-{i}"));
        let o = run(spec, bundle, &out, &["--threads", "2"]);
        ok(&o);
        check_accounting(spec, bundle, &out);
        let _ = std::fs::remove_dir_all(&out);
    }
}

fn tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                let name = p.strip_prefix(dir).unwrap().display().to_string();
                out.insert(name, std::fs::read(&p).unwrap());
            }
        }
    }
    out
}

#[test]
fn two_runs_give_byte_identical_output() {
    let (a, b, c) = (scratch("det-a"), scratch("det-b"), scratch("det-c"));
    ok(&run(EXAMPLE, messy(), &a, &["--threads", "2"]));
    ok(&run(EXAMPLE, messy(), &b, &["--threads", "2"]));
    ok(&run(
        EXAMPLE,
        messy(),
        &c,
        &["--threads", "1", "--no-compiled"],
    ));
    let (ta, tb, tc) = (tree(&a), tree(&b), tree(&c));
    assert!(ta.contains_key("plan.json") && ta.contains_key("report.html"));
    assert!(ta.keys().any(|k| k.starts_with("references")));
    assert_eq!(ta.keys().collect::<Vec<_>>(), tb.keys().collect::<Vec<_>>());
    for (name, bytes) in &ta {
        assert!(bytes == &tb[name], "{name} differs between two runs");
        assert!(
            bytes == &tc[name],
            "{name} differs between 1 and 2 threads, compiled route on and off"
        );
    }
    for d in [a, b, c] {
        let _ = std::fs::remove_dir_all(d);
    }
}

#[test]
fn output_folder_rules() {
    let out = scratch("outdir");
    std::fs::create_dir_all(&out).unwrap();
    std::fs::write(out.join("notes.txt"), "mine").unwrap();
    let o = run(EXAMPLE, clean(), &out, &[]);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("notes.txt") && err.contains("--force"),
        "{err}"
    );
    assert!(!out.join("report.json").exists() && !out.join(".ferry-partial").exists());

    ok(&run(EXAMPLE, clean(), &out, &["--force"]));
    assert_eq!(
        std::fs::read_to_string(out.join("notes.txt")).unwrap(),
        "mine"
    );
    assert!(!out.join(".ferry-partial").exists());
    let report = std::fs::read_to_string(out.join("report.json")).unwrap();
    assert!(
        report.trim_end().ends_with("\"complete\": true\n}"),
        "complete is the last key"
    );

    // An earlier run's output is replaced without --force.
    let again = scratch("outdir-again");
    ok(&run(EXAMPLE, clean(), &again, &[]));
    std::fs::write(again.join("99-Stale.jsonl"), "old").unwrap();
    ok(&run(EXAMPLE, clean(), &again, &[]));
    assert!(
        !again.join("99-Stale.jsonl").exists(),
        "stale payloads are removed"
    );
    assert!(again.join("report.json").exists());

    // A file where the folder should be.
    let file = scratch("outdir-file");
    std::fs::write(&file, "x").unwrap();
    assert_eq!(run(EXAMPLE, clean(), &file, &[]).status.code(), Some(2));
    for d in [out, again] {
        let _ = std::fs::remove_dir_all(d);
    }
    let _ = std::fs::remove_file(file);
}

#[test]
fn no_environment_value_is_written() {
    let out = scratch("secrets");
    let secret = "s3cr3t-9f8e7d6c5b4a";
    let o = Command::new(env!("CARGO_BIN_EXE_ferry"))
        .current_dir(root())
        .env("FERRY_TOKEN", secret)
        .env("SALESFORCE_ACCESS_TOKEN", secret)
        .env("TWENTY_API_KEY", secret)
        .args(["run", EXAMPLE, "--input"])
        .arg(clean())
        .arg("--out")
        .arg(&out)
        .output()
        .unwrap();
    ok(&o);
    for (name, bytes) in tree(&out) {
        let text = String::from_utf8_lossy(&bytes);
        assert!(!text.contains(secret), "{name} holds an environment value");
    }
    let _ = std::fs::remove_dir_all(out);
}

#[test]
fn exit_codes() {
    let out = scratch("exit");
    // Spec errors: 1.
    let bad = scratch("exit-spec.ferry");
    std::fs::write(&bad, "migration actimo -> salesforce\nroute nosuch -> Contact {\n  key Source_System_ID__c = id\n}\n").unwrap();
    let o = run(bad.to_str().unwrap(), clean(), &out, &[]);
    assert_eq!(
        o.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    // A bundle without the files the spec reads: 1 (diagnostics).
    let empty = scratch("exit-empty");
    std::fs::create_dir_all(&empty).unwrap();
    let o = run(EXAMPLE, &empty, &out, &[]);
    assert_eq!(
        o.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(
        !out.join("report.json").exists(),
        "no output presented as complete"
    );
    // No such input folder, a missing spec, a missing option, an output
    // folder holding other files: 2, each with its code.
    let o = run(EXAMPLE, &scratch("exit-none"), &out, &[]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("error[E1001]"));
    let foreign = scratch("exit-foreign");
    std::fs::create_dir_all(&foreign).unwrap();
    std::fs::write(foreign.join("notes.txt"), "mine").unwrap();
    let o = run(EXAMPLE, clean(), &foreign, &[]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("error[E1004]"));
    assert_eq!(
        std::fs::read_to_string(foreign.join("notes.txt")).unwrap(),
        "mine"
    );
    let _ = std::fs::remove_dir_all(&foreign);
    assert_eq!(
        run("no/such.ferry", clean(), &out, &[]).status.code(),
        Some(2)
    );
    assert_eq!(
        ferry(&["run", EXAMPLE, "--input", "x"]).status.code(),
        Some(2)
    );
    // Success with skipped records: 0.
    let o = run(EXAMPLE, messy(), &out, &[]);
    ok(&o);
    assert!(n(&json(&out.join("report.json"))["totals"]["skipped"]) > 0);
    let _ = std::fs::remove_dir_all(out);
    let _ = std::fs::remove_dir_all(empty);
    let _ = std::fs::remove_file(bad);
}

#[test]
fn report_and_payload_snapshots() {
    let out = scratch("snap");
    ok(&run(EXAMPLE, clean(), &out, &[]));
    let md = std::fs::read_to_string(out.join("report.md"))
        .unwrap()
        .replace(clean().to_str().unwrap(), "[bundle]");
    insta::assert_snapshot!("run_report_md", md);
    let contacts = std::fs::read_to_string(out.join("03-Contact.jsonl")).unwrap();
    let head: Vec<&str> = contacts.lines().take(3).collect();
    insta::assert_snapshot!("run_contact_payload_head", head.join("\n"));
    let _ = std::fs::remove_dir_all(out);
}

#[test]
fn the_readme_command_runs_the_bundled_example() {
    let bundle = root().join("examples/nordisk-retail/export");
    let out = scratch("readme");
    ok(&run(EXAMPLE, &bundle, &out, &[]));
    check_accounting(EXAMPLE, &bundle, &out);
    let _ = std::fs::remove_dir_all(out);
}

/// Acceptance item 4 of the standard mappings: every standard spec runs
/// over the bundled example export with every record accounted for.
#[test]
fn every_standard_spec_accounts_for_every_record_of_the_example_bundle() {
    let bundle = root().join("examples/nordisk-retail/export");
    let standard: Vec<String> = specs().into_iter().filter(|s| s != EXAMPLE).collect();
    assert_eq!(standard.len(), 5, "{standard:?}");
    for (i, spec) in standard.iter().enumerate() {
        let out = scratch(&format!("example-{i}"));
        ok(&run(spec, &bundle, &out, &["--threads", "2"]));
        check_accounting(spec, &bundle, &out);
        let report = json(&out.join("report.json"));
        assert!(
            n(&report["totals"]["payload_lines"]) > 0,
            "{spec}: no payload line"
        );
        let _ = std::fs::remove_dir_all(out);
    }
}
