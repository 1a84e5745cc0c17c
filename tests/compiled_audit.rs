//! An adversarial audit of the compiled route (`emit::Options::compiled`):
//! small specs whose routes compile (asserted with `compiled_units`), over
//! hand-made bundles full of nasty values — whitespace and non-ASCII in
//! ids and keys, case changes that change lengths, quotes and control
//! characters, quoted empty cells against missing ones, overlong texts,
//! values that need conforming, value-map and table misses, dates out of
//! range, composite keys, fan-outs and relation hops. Each bundle is run
//! with the compiled route on and off, on one thread and on two with tiny
//! chunks: the files, line counts and tallies must be byte for byte equal.

use ferry::emit::{self, Options};
use std::path::{Path, PathBuf};

#[path = "compiled_audit/data.rs"]
mod data;
use data::*;

fn scratch(name: &str) -> PathBuf {
    let d = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("compiled-audit-{name}"));
    let _ = std::fs::remove_dir_all(&d);
    d
}

fn files_of(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).expect("readable") {
            let p = e.expect("entry").path();
            if p.is_dir() {
                stack.push(p);
            } else {
                let name = p.strip_prefix(dir).unwrap_or(&p).display().to_string();
                out.push((name, std::fs::read(&p).expect("readable")));
            }
        }
    }
    out.sort();
    out
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
            runs.push((files_of(&out_dir), format!("{:?}", out.tally), out.lines));
        }
        let (general, fast) = (&runs[0], &runs[1]);
        assert_eq!(general.2, fast.2, "{tag}: lines per file");
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
    let mut contacts = String::from(
        "contact_id,workspace_id,first_name,last_name,status,created_at,manager_contact_id\n",
    );
    let managers = ["", "1", " 2 ", "99", "3", "\"\"", "0004", "4", "x"];
    for i in 0..NASTY.len() {
        let id = match i {
            3 => "0004".to_string(),
            _ => (i + 1).to_string(),
        };
        let first = match NASTY[i].trim() {
            "" => "y",
            s => s,
        };
        let last = match i % 3 {
            0 => String::new(),
            _ => q(NASTY[(i * 5) % NASTY.len()]),
        };
        let mgr = managers[i % managers.len()];
        contacts.push_str(&format!(
            "{id},1,{},{last},active,2024-01-01 10:00:00,{mgr}\n",
            q(first)
        ));
    }
    let companies = "company_id,name,org_unit_type,parent_company_id,derived_from\n\
        7001,Nordisk A/S,legal_entity,,workspace\n\
        7002,\"Ünïcødé Straße GmbH\",region,7001,manual\n\
        7003,\"ΣΑΣ \"\"Q\"\"\",store,7002,manual\n\
        c-4, x ,store,9999,manual\n\
        7005,\"a\\b\",store,c-4,manual\n";
    let links = "contact_id,company_id,is_primary,title,start_date\n\
        1,7001,true,Chef,2020-01-31\n\
        1,7002,false,Other,\n\
        2,7003,true,\"ß\",31.12.1999\n\
        3,c-4,true,,43831\n\
        0004,7005,true,\"İ\",2020-02-29\n\
        4,7005,TRUE,x,2021-01-01\n\
        5,9999,true,dangling,2021-01-01\n\
        999,7001,true,nobody,2021-01-01\n\
        6, 7001 ,true,spaced,2021-01-01\n\
        7,7002,,nullflag,2021-01-01\n\
        8,7003,true,dup1,2021-01-01\n\
        8,7002,true,dup2,2021-01-01\n";
    let files = [
        ("contacts.csv", contacts),
        ("companies.csv", companies.to_string()),
        ("company_contacts.csv", links.to_string()),
    ];
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

/// Two targets into the same payload file; the second fails or skips for
/// some records after the first was written.
const TWICE_SPEC: &str = r#"migration actimo -> salesforce

custom object Audit__c {
  Ext__c : text(40) external_id unique
  A__c   : text(6)
  B__c   : text(80)
}

values titles_skip {
  "chef"   => "Boss"
  "Straße" => skip("street")
  else     => keep
}

route contacts {
  -> Audit__c {
    key Ext__c = contact_id
    B__c = titles_skip[title] ?? "-"
  }
  -> Audit__c as again {
    key Ext__c = concat(contact_id, "+")
    A__c = upper(first_name)
    B__c = last_name ?? skip("no last name")
  }
}
"#;

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

const CHAINS_SPEC: &str = r#"migration actimo -> salesforce

custom object Audit__c {
  Ext__c : text(40) external_id unique
  A__c   : text(80)
  B__c   : text(80)
  C__c   : text(80)
  D__c   : text(80)
  E__c   : text(80)
  P__c   : picklist("Active", "Inactive", "Invited")
}

custom object Other__c {
  Ext__c : text(40) external_id unique
  A__c   : text(80)
}

custom object Third__c {
  Ext__c : text(40) external_id unique
  Mgr__c : lookup(Third__c)
}

custom object Split__c {
  Ext__c : text(40) external_id unique
  A__c   : text(80)
}

values status_map {
  "active"   => "Active"
  "inactive" => "Inactive"
  "invited"  => "Invited"
  "pending"  => null
}

table regions from "table-regions.csv" key country

route contacts -> Audit__c {
  key Ext__c = manager.employee_id ?? skip("no manager")
  A__c = manager.manager.first_name ?? manager.last_name
  B__c = regions[manager.addr_country].region
  C__c = null ?? null
  D__c = concat(manager.first_name, "/", manager.manager.first_name)
  E__c = "x"
  P__c = status_map[manager.status]
}

route company_contacts -> Other__c {
  key Ext__c = concat(company_id, ":", contact_id)
  A__c = contact.manager.manager.manager.title ?? company.name
}

route contacts -> Third__c {
  key Ext__c = contact_id
  Mgr__c = manager
}

split contacts {
  when status == "active" -> Split__c {
    key Ext__c = contact_id
    A__c = title(first_name)
  }
  else skip("not active")
}
"#;

#[test]
fn chains_of_hops_and_what_must_not_compile() {
    let mut contacts = String::from(
        "contact_id,workspace_id,first_name,last_name,status,created_at,manager_contact_id,employee_id,addr_country\n",
    );
    let managers = ["2", "3", "1", "", "99", "4", "5", "6", "7", "8"];
    let statuses = ["active", "pending", "invited", "inactive"];
    for i in 0..NASTY.len() {
        let first = match NASTY[i].trim() {
            "" => "z",
            s => s,
        };
        contacts.push_str(&format!(
            "{},1,{},{},{},2024-01-01 10:00:00,{},{},{}\n",
            i + 1,
            q(first),
            q(NASTY[(i * 3) % NASTY.len()]),
            statuses[i % statuses.len()],
            managers[i % managers.len()],
            if i % 4 == 3 {
                String::new()
            } else {
                q(&format!("E{i}"))
            },
            q(["DK", "se", "", "İstanbul", " DE "][i % 5]),
        ));
    }
    let links = "contact_id,company_id,is_primary\n1,c1,true\n2,c1,false\n3,c2,true\n42,c3,true\n";
    let companies = "company_id,name,org_unit_type,derived_from\nc1,One,store,manual\nc2,\"Tw\"\"o\",store,manual\n";
    let files = [
        ("contacts.csv", contacts),
        ("company_contacts.csv", links.to_string()),
        ("companies.csv", companies.to_string()),
        ("table-regions.csv", regions()),
    ];
    let out = both_ways(
        "chains",
        CHAINS_SPEC,
        &files,
        &[
            "route contacts -> Audit__c",
            "route company_contacts -> Other__c",
        ],
    );
    assert!(out.contains("\"E__c\":\"x\""), "{out}");
}
