//! Payload snapshots of the five standard specs (`specs/<d>.ferry`), run
//! through the binary over one small generated messy bundle
//! (`gen --contacts 100 --seed 11 --messy`, the smallest bundle `gen`
//! writes).
//!
//! Per destination and payload file `NN-<Target>[.deferred].jsonl`, one
//! snapshot `<d>__<Target>[.deferred]` holds the file's line count, its first records as
//! written and the destination-native requests those records render to
//! (`ferry::emit::native`, with the fake ledger of the contract tests); per
//! destination one snapshot lists the payload files with their line counts
//! and the reference documents with their titles, entry counts and columns.
//! Reviewing a snapshot diff is reviewing the shape the loader will send.
//!
//! Invariants asserted besides the snapshots: every payload file of the run
//! is snapshotted (a file appearing or vanishing changes the `files`
//! snapshot), every reference comes as JSON and Markdown, and every payload
//! line renders to exactly one request slot or one record error.

#[path = "contracts/pipeline.rs"]
#[allow(dead_code)]
mod pipeline;

use ferry::emit::native::{freshsales, pipedrive, salesforce, twenty, zoho, Index, Refs, Rendered};
use pipeline::{hash_of, int_id, uuid, zoho_id};
use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

/// Records per payload file kept in a snapshot; the count covers the rest.
const HEAD: usize = 5;

const DESTINATIONS: [&str; 5] = ["twenty", "zoho", "pipedrive", "freshsales", "salesforce"];

fn scratch(name: &str) -> PathBuf {
    let d = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("payloads-{name}"));
    let _ = std::fs::remove_dir_all(&d);
    d
}

fn bundle() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let d = scratch("bundle");
        let opts = ferry::gen::Options {
            contacts: ferry::gen::MIN_CONTACTS,
            seed: 11,
            messy: true,
        };
        ferry::gen::generate(&opts, &d).expect("bundle written");
        d
    })
}

/// `ferry run specs/<dest>.ferry` over the bundle; the output folder.
fn run(dest: &str) -> PathBuf {
    let out = scratch(dest);
    let o = Command::new(env!("CARGO_BIN_EXE_ferry"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(["run", &format!("specs/{dest}.ferry"), "--input"])
        .arg(bundle())
        .arg("--out")
        .arg(&out)
        .args(["--quiet", "--threads", "1"])
        .output()
        .expect("ferry runs");
    assert_eq!(
        o.status.code(),
        Some(0),
        "{dest}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    out
}

fn render(dest: &str, lines: &[Value], index: &Index) -> Rendered {
    match dest {
        "twenty" => twenty::render(
            lines,
            &Refs {
                resolve: &uuid,
                index,
            },
            &Default::default(),
        ),
        "zoho" => zoho::render(
            lines,
            &Refs {
                resolve: &zoho_id,
                index,
            },
            &Default::default(),
        ),
        "pipedrive" => pipedrive::render(
            lines,
            &Refs {
                resolve: &int_id,
                index,
            },
            &hash_of,
        ),
        "freshsales" => freshsales::render(
            lines,
            &Refs {
                resolve: &int_id,
                index,
            },
            &Default::default(),
        ),
        "salesforce" => salesforce::render(
            lines,
            &Refs {
                resolve: &int_id,
                index,
            },
            &Default::default(),
        ),
        _ => unreachable!("{dest}"),
    }
}

fn read_lines(path: &Path) -> Vec<Value> {
    std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .lines()
        .map(|l| serde_json::from_str(l).expect("a payload line is JSON"))
        .collect()
}

/// The payload files of a run, in load order: (name, lines).
fn payload_files(out: &Path) -> Vec<(String, Vec<Value>)> {
    let mut names: Vec<String> = std::fs::read_dir(out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".jsonl"))
        .collect();
    names.sort();
    names
        .into_iter()
        .map(|n| {
            let lines = read_lines(&out.join(&n));
            (n, lines)
        })
        .collect()
}

/// Every reference document: name, title, entries, the columns of its
/// first entry.
fn references(out: &Path) -> Vec<Value> {
    let dir = out.join("references");
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .map(|rd| {
            rd.map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
        .iter()
        .map(|n| {
            if !n.ends_with(".json") {
                assert!(
                    n.ends_with(".md") && names.contains(&n.replace(".md", ".json")),
                    "{n}: every reference is a JSON and a Markdown document"
                );
                return json!({ "file": n });
            }
            let doc: Value =
                serde_json::from_str(&std::fs::read_to_string(dir.join(n)).unwrap()).unwrap();
            let records = doc["records"].as_array().expect("records");
            let columns: Vec<&String> = records
                .first()
                .and_then(|r| r.as_object())
                .map(|r| r.keys().collect())
                .unwrap_or_default();
            json!({
                "file": n,
                "title": doc["title"],
                "source": doc["source"],
                "entries": records.len(),
                "columns": columns,
            })
        })
        .collect()
}

fn snapshot_destination(dest: &str) {
    let out = run(dest);
    let files = payload_files(&out);
    assert!(!files.is_empty(), "{dest}: no payload file");
    let index = Index::from_lines(files.iter().flat_map(|(_, l)| l.iter()));

    let listing: Vec<Value> = files
        .iter()
        .map(|(name, lines)| json!({ "file": name, "lines": lines.len() }))
        .collect();
    insta::assert_json_snapshot!(
        format!("{dest}__files"),
        json!({ "payloads": listing, "references": references(&out) })
    );

    for (name, lines) in &files {
        let head = &lines[..lines.len().min(HEAD)];
        let rendered = render(dest, head, &index);
        let slots: usize = rendered.calls.iter().map(|c| c.ids.len()).sum();
        assert_eq!(
            slots + rendered.errors.len(),
            head.len(),
            "{dest}/{name}: every line renders to one request slot or one error"
        );
        // Named by target and pass, not load position, so that a new
        // target does not rename every later snapshot.
        let stem = name
            .trim_end_matches(".jsonl")
            .trim_start_matches(|c: char| c.is_ascii_digit())
            .trim_start_matches('-');
        insta::assert_json_snapshot!(
            format!("{dest}__{stem}"),
            json!({
                "file": name,
                "lines": lines.len(),
                "head": head,
                "requests": rendered.calls,
                "errors": rendered.errors,
            })
        );
    }
    let _ = std::fs::remove_dir_all(out);
}

#[test]
fn twenty_payloads() {
    snapshot_destination(DESTINATIONS[0]);
}

#[test]
fn zoho_payloads() {
    snapshot_destination(DESTINATIONS[1]);
}

#[test]
fn pipedrive_payloads() {
    snapshot_destination(DESTINATIONS[2]);
}

#[test]
fn freshsales_payloads() {
    snapshot_destination(DESTINATIONS[3]);
}

#[test]
fn salesforce_payloads() {
    snapshot_destination(DESTINATIONS[4]);
}

/// The five tests above are every standard spec: a new spec under specs/
/// needs its own.
#[test]
fn every_standard_spec_has_a_payload_snapshot() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("specs");
    let mut specs: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "ferry"))
        .map(|p| p.file_stem().unwrap().to_string_lossy().into_owned())
        .collect();
    specs.sort();
    let mut known = DESTINATIONS.map(String::from).to_vec();
    known.sort();
    assert_eq!(specs, known);
}
