//! An adversarial audit of the compiled route (`emit::Options::compiled`):
//! small specs whose routes compile (asserted with `compiled_units`), over
//! hand-made bundles full of nasty values — whitespace and non-ASCII in
//! ids and keys, case changes that change lengths, quotes and control
//! characters, quoted empty cells against missing ones, overlong texts,
//! values that need conforming, value-map and table misses, dates out of
//! range, composite keys, fan-outs and relation hops. Each bundle is run
//! with the compiled route on and off, on one thread and on two with tiny
//! chunks: the files, line counts and tallies must be byte for byte equal.
//! Staging trims text cells, so untrimmed and Unicode-spaced texts are
//! covered op by op in `src/runtime/compiled/tests.rs`. `AUDIT_SEEDS=n`
//! runs more random specs; `AUDIT_SHOW=1` prints payloads and diagnostics.
//! Owners, deferred self-references, route filters and `round` are
//! audited in `compiled_audit/features.rs`.

use ferry::emit::{self, Options};
use std::path::{Path, PathBuf};

#[path = "common/files.rs"]
mod files;
use files::files_of;

#[path = "compiled_audit/data.rs"]
mod data;
#[path = "compiled_audit/features.rs"]
mod features;
#[path = "compiled_audit/random.rs"]
mod random;
#[path = "compiled_audit/random_features.rs"]
mod random_features;
#[path = "compiled_audit/specs.rs"]
mod specs;
use data::*;
use specs::*;

fn scratch(name: &str) -> PathBuf {
    let d = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("compiled-audit-{name}"));
    let _ = std::fs::remove_dir_all(&d);
    d
}

/// Writes `spec` and `files` into a fresh folder, checks and stages them,
/// asserts that exactly the units `compiled` compile, and runs the spec
/// both ways; returns the payload lines of the general run.
fn both_ways(tag: &str, spec: &str, files: &[(&str, String)], compiled: &[&str]) -> String {
    let dir = scratch(tag);
    let input = dir.join("export");
    std::fs::create_dir_all(&input).expect("dir");
    for (name, text) in files {
        let at = if name.ends_with(".csv") && name.starts_with("table-") {
            dir.join(name)
        } else {
            input.join(name)
        };
        std::fs::write(at, text).expect("written");
    }
    let spec_path = dir.join("audit.ferry");
    std::fs::write(&spec_path, spec).expect("spec written");
    let (project, _) = ferry::check::load_project(&spec_path).expect("spec readable");
    let registry = ferry::schema::Registry::standard().expect("descriptors");
    let read = ferry::check::reader_beside(&project.main.file.name);
    let (checked, diags) = ferry::check::check(&project, &registry, &read);
    let plan = checked
        .unwrap_or_else(|| {
            let d: Vec<String> = diags.iter().map(|d| d.message.clone()).collect();
            panic!("{tag}: spec must check: {d:?}")
        })
        .plan;
    let staged =
        ferry::stage::bundle::stage(&plan, &input).unwrap_or_else(|d| panic!("{tag}: {d:?}"));
    if std::env::var_os("AUDIT_DEBUG").is_some() {
        println!("{:#?}", staged.report);
    }
    let data = staged.data;
    let units = emit::compiled_units(&plan, &data);
    assert_eq!(units, compiled, "{tag}: units that compile");
    let mut payload = String::new();
    for (threads, chunk) in [(1, 4096), (2, 1), (2, 3)] {
        let mut runs = Vec::new();
        for on in [false, true] {
            let out_dir = dir.join(format!("out-{threads}-{chunk}-{on}"));
            std::fs::create_dir_all(&out_dir).expect("out dir");
            let opts = Options {
                threads,
                chunk,
                compiled: on,
            };
            let out = emit::run(&plan, &data, &out_dir, opts, &mut |_| {}).expect("run");
            let counts = (out.lines, out.bytes, out.placeholders);
            runs.push((files_of(&out_dir), format!("{:?}", out.tally), counts));
        }
        let (general, fast) = (&runs[0], &runs[1]);
        assert_eq!(general.2, fast.2, "{tag}: lines, bytes, placeholders");
        assert_eq!(general.0.len(), fast.0.len(), "{tag}: files");
        for ((n1, b1), (n2, b2)) in general.0.iter().zip(&fast.0) {
            assert_eq!(n1, n2, "{tag}");
            assert_eq!(
                String::from_utf8_lossy(b1),
                String::from_utf8_lossy(b2),
                "{tag}: {n1} differs ({threads} threads, chunks of {chunk})"
            );
        }
        assert_eq!(general.1, fast.1, "{tag}: tallies differ");
        if std::env::var_os("AUDIT_DEBUG").is_some() && threads == 1 {
            println!("{}", general.1);
        }
        if payload.is_empty() {
            for (name, bytes) in &general.0 {
                if name.ends_with(".jsonl") {
                    payload.push_str(&String::from_utf8_lossy(bytes));
                }
            }
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
    payload
}

#[test]
fn nasty_cells_into_every_kind_of_field() {
    let cases: &[(&str, &str)] = &[
        ("text(80)", "first_name"),
        ("text(5)", "first_name"),
        ("text(5)", "upper(first_name)"),
        ("text(5)", "lower(first_name)"),
        ("text(5)", "trim(first_name)"),
        ("text(3)", "truncate(upper(first_name), 3)"),
        ("text(4)", "left(lower(trim(first_name)), 4)"),
        ("text(80)", "upper(trim(first_name))"),
        ("text(80)", "trim(upper(first_name))"),
        ("text(80)", "trim(concat(\" \", first_name, \" \"))"),
        ("text(80)", "lower(concat(first_name, last_name))"),
        (
            "text(12)",
            "concat(first_name, engagement_score, hire_date, allow_email, messages_received)",
        ),
        ("text(80)", "concat(contact_id, \"#\", employee_id)"),
        ("text(80)", "email ?? last_name ?? \"none\""),
        ("text(80)", "trim(employee_id) ?? \"x\""),
        ("text(80)", "titles[title]"),
        ("text(80)", "titles[lower(trim(title))]"),
        ("text(80)", "titles[upper(title)] ?? \"fallback\""),
        ("text(80)", "titles_else[title]"),
        ("text(80)", "titles_else[trim(department)] ?? title"),
        ("text(80)", "titles_skip[title]"),
        ("text(80)", "regions[addr_country].region"),
        (
            "text(80)",
            "regions[upper(trim(addr_country))].region ?? \"none\"",
        ),
        ("text(80)", "regions[title].region"),
        ("text(80)", "regions[employee_id].region ?? employee_id"),
        ("text(10)", "format(hire_date, \"%d.%m.%Y\")"),
        ("text(80)", "format(hire_date, \"%Y/%m/%d\")"),
        ("text(80)", "hire_date"),
        ("text(3)", "hire_date"),
        ("text(2)", "messages_received"),
        ("text(4)", "engagement_score"),
        ("number(3, 1)", "engagement_score"),
        ("integer", "messages_received"),
        ("boolean", "allow_email"),
        ("date", "hire_date"),
        ("email", "lower(trim(email))"),
        ("phone", "title"),
        ("url", "email ?? title"),
        (
            "picklist(\"Active\", \"Inactive\", \"Pending\", \"Invited\")",
            "status_map[status]",
        ),
        ("text(80)", "first_name ?? skip(\"no name\")"),
        ("text(80)", "email ?? skip(\"no email\")"),
        ("integer", "42"),
        ("number(5, 2)", "1.5"),
        ("boolean", "true"),
        ("text(80)", "\"lit\\\"eral\""),
        ("text(80)", "null ?? first_name"),
        ("text(1)", "\"ß\""),
        ("text(80)", "created_at"),
        ("datetime", "created_at"),
        ("text(10)", "format(created_at, \"%d.%m.%Y\")"),
        ("text(80)", "concat(created_at)"),
        ("text(80)", "truncate(first_name, 1)"),
        ("text(8)", "upper(status)"),
        ("picklist(\"true\", \"false\")", "allow_email"),
        ("list<text>", "tags"),
        ("list<text>", "lower(tags)"),
        ("text(80)", "concat(first_name, \" \", language)"),
    ];
    let files = [
        ("contacts.csv", nasty_contacts()),
        ("table-regions.csv", regions()),
    ];
    for (i, (ty, expr)) in cases.iter().enumerate() {
        let spec = one_field_spec(ty, expr);
        let tag = format!("field-{i}");
        let out = both_ways(&tag, &spec, &files, &["route contacts -> Audit__c"]);
        assert!(out.lines().count() > 5, "{tag}: {expr}: {out}");
        if std::env::var_os("AUDIT_SHOW").is_some() {
            println!("== {ty} {expr}\n{out}");
        }
    }
}

#[test]
fn relation_hops_fan_outs_and_composite_keys() {
    let files = hops_bundle();
    let out = both_ways(
        "hops",
        HOPS_SPEC,
        &files,
        &[
            "route companies -> Co__c",
            "route contacts -> Contact, Aud2__c",
            "route company_contacts -> Link__c",
        ],
    );
    if std::env::var_os("AUDIT_SHOW").is_some() {
        println!("{out}");
    }
    assert!(out.contains("\"Company__c\":\"companies:c-4\""), "{out}");
}

#[test]
fn keys_and_picklists_that_need_conforming() {
    let pick = "picklist(\"Active\", \"Inactive\", \"Invited\", \"Pending\", \"Mr.\", \"Ms.\")";
    let cases: &[(&str, &str, &str, &str)] = &[
        (
            "text(5)",
            "trim(first_name)",
            pick,
            "status_map[status] ?? \"Pending\"",
        ),
        (
            "text(40)",
            "employee_id ?? skip(\"no key\")",
            pick,
            "sal[title].sal",
        ),
        (
            "integer",
            "messages_received ?? skip(\"no key\")",
            pick,
            "sal[lower(first_name)].sal ?? \"Ms.\"",
        ),
        (
            "number(3, 1)",
            "engagement_score ?? skip(\"no key\")",
            pick,
            "status_map[status]",
        ),
        (
            "text(40)",
            "upper(first_name)",
            pick,
            "sal[upper(trim(last_name))].sal",
        ),
        (
            "text(40)",
            "concat(first_name, hire_date)",
            pick,
            "status_map[status]",
        ),
        (
            "email",
            "lower(email) ?? skip(\"no key\")",
            pick,
            "status_map[status]",
        ),
        (
            "date",
            "hire_date ?? skip(\"no key\")",
            pick,
            "status_map[status]",
        ),
        (
            "boolean",
            "allow_email ?? skip(\"no key\")",
            pick,
            "status_map[status]",
        ),
        (
            "text(40)",
            "format(hire_date, \"%Y.%m.%d\") ?? skip(\"no key\")",
            pick,
            "status_map[status]",
        ),
    ];
    let files = [
        ("contacts.csv", nasty_contacts()),
        ("table-regions.csv", regions()),
        ("table-sal.csv", SAL.to_string()),
    ];
    for (i, (ty, key, pick, expr)) in cases.iter().enumerate() {
        let spec = keyed_spec(ty, key, pick, expr).replace(
            "table regions",
            "table sal from \"table-sal.csv\" key code\ntable regions",
        );
        let tag = format!("keyed-{i}");
        let out = both_ways(&tag, &spec, &files, &["route contacts -> Audit__c"]);
        assert!(out.lines().count() > 5, "{tag}: {key} {expr}: {out}");
        if std::env::var_os("AUDIT_SHOW").is_some() {
            println!("== {ty} {key} / {pick} {expr}\n{out}");
        }
    }
}

#[test]
fn a_fan_out_into_one_file_that_fails_in_its_second_target() {
    let files = [("contacts.csv", nasty_contacts())];
    let out = both_ways(
        "twice",
        TWICE_SPEC,
        &files,
        &["route contacts -> Audit__c, Audit__c"],
    );
    assert!(out.contains("#again\""), "{out}");
}

#[test]
fn chains_of_hops_and_what_must_not_compile() {
    let files = chains_bundle();
    let out = both_ways(
        "chains",
        CHAINS_SPEC,
        &files,
        // The self-lookup compiles (its update lines are written too); the
        // split and `title` do not.
        &[
            "route contacts -> Audit__c",
            "route company_contacts -> Other__c",
            "route contacts -> Third__c",
        ],
    );
    assert!(out.contains("\"E__c\":\"x\""), "{out}");
}

/// Random field expressions of the compiled shapes, nested up to three
/// deep, over the nasty bundle (with managers): specs the checker takes
/// must compile and write the same both ways.
#[test]
fn random_expressions_of_the_compiled_shapes() {
    let mut contacts = nasty_contacts();
    // Every other contact gets a manager, some dangling.
    let mut lines: Vec<String> = contacts.lines().map(str::to_string).collect();
    lines[0].push_str(",manager_contact_id");
    for (i, l) in lines.iter_mut().enumerate().skip(1) {
        l.push_str([",", ",1", ",3", ",999", ",0004", ",7"][i % 6]);
    }
    contacts = lines.join("\n") + "\n";
    let files = [("contacts.csv", contacts), ("table-regions.csv", regions())];
    let (mut checked, mut tried) = (0, 0);
    let seeds: u64 = std::env::var("AUDIT_SEEDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(60);
    for seed in 0..seeds {
        let mut rng = random::Rng::new(seed);
        let spec = random::random_spec(&mut rng, MAPS, 6);
        tried += 1;
        if !checks(&spec) {
            continue;
        }
        checked += 1;
        let tag = format!("random-{seed}");
        let label = match spec.contains("as again") {
            true => "route contacts -> Audit__c, Audit__c",
            false => "route contacts -> Audit__c",
        };
        both_ways(&tag, &spec, &files, &[label]);
    }
    println!("{checked} of {tried} specs check");
    assert!(
        checked * 3 >= tried,
        "only {checked} of {tried} specs check"
    );
}

/// Source rules leave a dataset with rows dropped (their lines kept):
/// the compiled route reads the same rows and lines.
#[test]
fn source_rules_before_a_compiled_route() {
    let rules = "source contacts {\n  where status != \"pending\"\n  dedupe by lower(trim(first_name)) keep latest(hire_date)\n}\n\nroute";
    let files = [
        ("contacts.csv", nasty_contacts()),
        ("table-regions.csv", regions()),
    ];
    for (i, expr) in ["upper(first_name)", "titles_else[title] ?? email"]
        .iter()
        .enumerate()
    {
        let spec = one_field_spec("text(80)", expr).replacen("route", rules, 1);
        let out = both_ways(
            &format!("rules-{i}"),
            &spec,
            &files,
            &["route contacts -> Audit__c"],
        );
        assert!(out.lines().count() > 5, "{out}");
    }
}
