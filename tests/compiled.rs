//! The compiled route (`emit::Options::compiled`) against the general
//! executor: every shipped spec and the two bench specs, over generated
//! clean and messy bundles and the example export, give the same payload
//! files, reference documents and tallies byte for byte, on one thread and
//! on two with small chunks.

use ferry::emit::{self, Options};
use ferry::plan::Plan;
use std::path::{Path, PathBuf};

#[path = "common/files.rs"]
mod files;
use files::files_of;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn scratch(name: &str) -> PathBuf {
    let d = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("compiled-{name}"));
    let _ = std::fs::remove_dir_all(&d);
    d
}

fn plan(spec: &Path) -> Plan {
    let (project, _) = ferry::check::load_project(spec).expect("spec readable");
    let registry = ferry::schema::Registry::standard().expect("descriptors");
    let read = ferry::check::reader_beside(&project.main.file.name);
    let (checked, diags) = ferry::check::check(&project, &registry, &read);
    checked
        .unwrap_or_else(|| panic!("{} must check: {diags:?}", spec.display()))
        .plan
}

fn bundle(name: &str, messy: bool) -> PathBuf {
    let d = scratch(name);
    let opts = ferry::gen::Options {
        contacts: 300,
        seed: 5,
        messy,
    };
    ferry::gen::generate(&opts, &d).expect("bundle written");
    d
}

/// Runs `spec` over `input` both ways; returns the labels of the units
/// that ran compiled.
fn both_ways(spec: &Path, input: &Path, tag: &str) -> Vec<String> {
    let plan = plan(spec);
    let staged =
        ferry::stage::bundle::stage(&plan, input).unwrap_or_else(|d| panic!("{tag} stages: {d:?}"));
    let data = staged.data;
    let compiled: Vec<String> = emit::compiled_units(&plan, &data)
        .into_iter()
        .map(String::from)
        .collect();
    for (threads, chunk) in [(1, 4096), (2, 7)] {
        let mut runs = Vec::new();
        for on in [false, true] {
            let dir = scratch(&format!("{tag}-{threads}-{chunk}-{on}"));
            std::fs::create_dir_all(&dir).expect("out dir");
            let opts = Options {
                threads,
                chunk,
                compiled: on,
            };
            let out = emit::run(&plan, &data, &dir, opts, &mut |_| {}).expect("run");
            runs.push((files_of(&dir), format!("{:?}", out.tally), out.lines));
            std::fs::remove_dir_all(&dir).expect("cleanup");
        }
        let (general, fast) = (&runs[0], &runs[1]);
        assert_eq!(general.2, fast.2, "{tag}: lines per file");
        assert_eq!(general.0.len(), fast.0.len(), "{tag}: files");
        for ((n1, b1), (n2, b2)) in general.0.iter().zip(&fast.0) {
            assert_eq!(n1, n2, "{tag}");
            assert!(
                b1 == b2,
                "{tag}: {n1} differs ({threads} threads, chunks of {chunk})"
            );
        }
        assert!(general.1 == fast.1, "{tag}: tallies differ");
    }
    compiled
}

#[test]
fn bench_specs_compile_and_write_what_the_general_executor_writes() {
    for messy in [false, true] {
        let input = bundle(if messy { "bench-messy" } else { "bench-clean" }, messy);
        std::fs::copy(root().join("bench/regions.csv"), input.join("regions.csv")).ok();
        for spec in ["contacts", "related"] {
            let tag = format!("{spec}-{messy}");
            let compiled = both_ways(&root().join(format!("bench/{spec}.ferry")), &input, &tag);
            // Related's routes have owners, a deferred self-reference,
            // link-table and to-one references, rounding and a value map.
            let want = match spec {
                "contacts" => 1,
                _ => 4,
            };
            assert_eq!(compiled.len(), want, "{tag}: {compiled:?}");
        }
    }
}

#[test]
fn shipped_specs_write_the_same_either_way() {
    let input = bundle("specs-messy", true);
    let mut compiled = Vec::new();
    for dest in ["twenty", "zoho", "pipedrive", "freshsales", "salesforce"] {
        let spec = root().join(format!("specs/{dest}.ferry"));
        compiled.extend(both_ways(&spec, &input, dest));
    }
    let example = root().join("examples/nordisk-retail");
    compiled.extend(both_ways(
        &example.join("salesforce.ferry"),
        &example.join("export"),
        "example",
    ));
    // Routes of plain fields, numbers, dates, to-one references, owners,
    // deferred self-references, comparisons and conditions compile
    // (aggregates, phone numbers, lists and arithmetic do not, yet).
    assert!(compiled.len() >= 15, "{compiled:?}");
    for route in [
        "route campaigns -> Campaign",
        "route learning_enrollments -> Enrollment__c",
        "route company_contacts where is_primary != true -> AccountContactRelation",
        "route message_recipients where message.status in [\"published\", \"unpublished\"] -> noteTargets",
        "route companies -> Account",
        "route learning_paths -> Course__c",
        "route pulse_surveys -> Survey__c",
        "route survey_responses -> SurveyResponse__c",
        "route feedback_threads -> Task",
        "route companies -> Accounts",
        "route tasks -> Tasks",
    ] {
        assert!(compiled.iter().any(|c| c == route), "{route}: {compiled:?}");
    }
}

/// A route whose `where` reads a value map (counted once per record,
/// whichever path runs it) and whose fields bail on messy values.
const FILTERED: &str = r#"migration actimo -> salesforce

custom Contact {
  Source_System_ID__c : text(40) external_id unique
  Actimo_Status__c    : picklist("Active", "Invited")
}

values kind {
  "active"  => "Active"
  "invited" => "Invited"
  "pending" => skip("pending")
  else      => null
}

values dept {
  "Administration" => "Admin"
  else             => keep
}

route contacts where kind[status] != null and contact_id != "77" -> Contact {
  key Source_System_ID__c = contact_id
  LastName         = last_name ?? "(unknown)"
  FirstName        = truncate(first_name, 3)
  Email            = lower(trim(email))
  Actimo_Status__c = kind[status]
  Title            = concat(title, " / ", hire_date)
  Department       = dept[department]
}
"#;

#[test]
fn a_route_with_where_compiles_and_writes_the_same() {
    let dir = scratch("filtered-spec");
    std::fs::create_dir_all(&dir).expect("dir");
    let spec = dir.join("filtered.ferry");
    std::fs::write(&spec, FILTERED).expect("spec written");
    for messy in [false, true] {
        let input = bundle(&format!("filtered-{messy}"), messy);
        let compiled = both_ways(&spec, &input, &format!("filtered-{messy}"));
        assert_eq!(compiled.len(), 1, "the route compiles");
    }
}
