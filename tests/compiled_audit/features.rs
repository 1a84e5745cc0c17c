//! The compiled-route audit of owners, deferred self-references, route
//! `where` filters and `round` (`tests/compiled_audit.rs`): a bundle of
//! contacts with creators and managers whose emails are blank, spaced,
//! upper case, non-ASCII or the fallback owner's own, run both ways.

use super::both_ways;
use super::data::{checks_in, q, regions, NASTY};
use super::random::Rng;
use super::random_features::feature_spec;

/// Emails that trip owner normalization (CSV, quoted where needed).
const EMAILS: &[&str] = &[
    "a@x.dk",
    "\" B@X.DK \"",
    "",
    "\"\"",
    "\"  \"",
    "\"Ünï@x.dk\"",
    "\"İ@x.dk\"",
    "\"migration@x.example\"",
    "\"MIGRATION@X.EXAMPLE \"",
    "\"a b@c.d\"",
    "\"\u{a0}n@b.sp\u{a0}\"",
    "\"z@y.z\u{200b}\"",
    "\"\u{212a}@x.dk\"",
    "\"\u{feff}bom@x.dk\"",
    "\"UPPER@CASE.DK\"",
    "a@x.dk",
];

/// Contacts (managers chained, looping and dangling; creators present,
/// missing and dangling) and their admin users.
pub fn owners_bundle() -> [(&'static str, String); 2] {
    let mut contacts = String::from(
        "contact_id,workspace_id,first_name,last_name,email,title,status,created_at,manager_contact_id,user_id,engagement_score,messages_received\n",
    );
    let managers = ["2", "3", "1", "", "99", "4", "5", "\"\"", "7", "8", "1"];
    let users = ["u1", "u2", "", "u3", "u9", "u4", "u5", "u6"];
    let scores = [
        "12.345", "99.995", "-0.005", "123456", "", "0", "7.25", "1000", "-99.95", "0.125",
    ];
    let recv = ["3", "", "-1", "2147483647", "0", "42", "999"];
    let statuses = ["active", "pending", "invited", "inactive", "Aktiv"];
    let n = NASTY.len().max(EMAILS.len()) * 2;
    for i in 0..n {
        let first = match NASTY[i % NASTY.len()].trim() {
            "" => "z",
            s => s,
        };
        let last = match i % 4 {
            0 => String::new(),
            _ => q(NASTY[(i * 3) % NASTY.len()]),
        };
        contacts.push_str(&format!(
            "{},1,{},{last},{},{},{},2024-01-01 10:00:00,{},{},{},{}\n",
            i + 1,
            q(first),
            EMAILS[i % EMAILS.len()],
            q(NASTY[(i * 5) % NASTY.len()]),
            statuses[i % statuses.len()],
            managers[i % managers.len()],
            users[i % users.len()],
            scores[i % scores.len()],
            recv[i % recv.len()],
        ));
    }
    let mut admins = String::from("admin_user_id,email,role,workspace_ids\n");
    for (i, e) in EMAILS.iter().skip(1).take(7).enumerate() {
        admins.push_str(&format!("u{},{e},admin,1\n", i + 1));
    }
    [("contacts.csv", contacts), ("admin_users.csv", admins)]
}

const OWNERS: &[&str] = &[
    "owners {\n  match email\n  fallback \"Migration@X.example \"\n}\n",
    "owners {\n  match email\n  fallback skip(\"no owner\")\n}\n",
    "owners {\n  match email\n}\n",
    "owners {\n  match email\n  fallback \"ÜNÏ@X.DK \"\n}\n",
    "owners {\n  match email\n  fallback \" \"\n}\n",
];

fn owner_spec(owners: &str, fields: &[(&str, &str)]) -> String {
    let mut decl = String::new();
    let mut set = String::new();
    for (i, (ty, e)) in fields.iter().enumerate() {
        decl.push_str(&format!("  F{i}__c : {ty}\n"));
        set.push_str(&format!("  F{i}__c = {e}\n"));
    }
    format!(
        "migration actimo -> salesforce\n\n{owners}\ncustom object Own__c {{\n  Ext__c : text(40) external_id unique\n{decl}}}\n\nroute contacts -> Own__c {{\n  key Ext__c = contact_id\n{set}}}\n"
    )
}

#[test]
fn owner_fields_under_every_policy() {
    let files = owners_bundle();
    let fields: &[&[(&str, &str)]] = &[
        &[("owner", "owner(email)")],
        &[
            ("owner", "owner(email)"),
            ("owner", "owner(creator.email)"),
            ("owner", "owner(manager.email ?? creator.email)"),
        ],
        &[
            ("owner", "owner(lower(email))"),
            ("owner", "owner(trim(email))"),
        ],
        &[
            ("owner", "owner(manager.manager.email)"),
            ("text(80)", "email"),
        ],
        &[("owner", "owner(email ?? \"Fallback@X.example\")")],
        &[("owner", "owner(creator.email ?? skip(\"no creator\"))")],
        &[("owner", "owner(concat(first_name, \"@x.dk\"))")],
        &[("owner", "owner(\" MIGRATION@x.example\")")],
        &[("owner", "owner(\"\")")],
        &[("owner", "null"), ("owner", "owner(email)")],
    ];
    for (p, owners) in OWNERS.iter().enumerate() {
        for (i, f) in fields.iter().enumerate() {
            let spec = owner_spec(owners, f);
            let tag = format!("owner-{p}-{i}");
            let out = both_ways(&tag, &spec, &files, &["route contacts -> Own__c"]);
            // `owner("")` under a skipping policy skips every record.
            assert_eq!(out.is_empty(), (p, i) == (1, 8), "{tag}: {out}");
            if (p, i) == (0, 0) {
                // Upper case, spaces and the fallback's own email.
                assert!(out.contains("\"owner:b@x.dk\""), "{out}");
                assert!(out.contains("\"owner:migration@x.example\""), "{out}");
            }
            if std::env::var_os("AUDIT_SHOW").is_some() {
                println!("== {owners} {f:?}\n{out}");
            }
        }
    }
}

/// Owners in a `where` and in a coalesce of owners (the checker takes no
/// owner in `concat`, `upper` and the like).
#[test]
fn owners_in_odd_places() {
    let files = owners_bundle();
    let cases: &[(&str, &str, &str)] = &[
        ("true", "owner", "owner(email) ?? owner(creator.email)"),
        ("owner(email) != null", "owner", "owner(email)"),
        (
            "owner(email) == owner(\"a@x.dk\")",
            "owner",
            "owner(manager.email)",
        ),
    ];
    let mut checked = 0;
    for (p, owners) in OWNERS.iter().enumerate() {
        for (i, (w, ty, e)) in cases.iter().enumerate() {
            let spec = owner_spec(owners, &[(ty, e)])
                .replace("route contacts ->", &format!("route contacts where {w} ->"));
            if !checks_in("check-odd", &spec) {
                continue;
            }
            checked += 1;
            let label = format!("route contacts where {w} -> Own__c");
            both_ways(&format!("odd-{p}-{i}"), &spec, &files, &[&label]);
        }
    }
    assert_eq!(checked, cases.len() * OWNERS.len(), "all check");
}

const DEFERRED: &str = r#"migration actimo -> salesforce

owners {
  match email
  fallback "migration@x.example"
}

custom Contact {
  Ext__c     : text(40) external_id unique
  Manager__c : lookup(Contact)
  Boss__c    : owner
  T__c       : text(8)
}

custom object Peer__c {
  Ext__c  : text(40) external_id unique
  Peer__c : lookup(Peer__c)
  Up__c   : lookup(Peer__c)
  N__c    : text(6)
}

route contacts {
  -> Contact {
    key Ext__c = contact_id
    LastName   = last_name ?? "?"
    Manager__c = MANAGER
    Boss__c    = owner(manager.email)
    T__c       = title
  }
  -> Peer__c {
    key Ext__c = concat("p", contact_id)
    Peer__c = PEER
    Up__c   = manager.manager
    N__c    = upper(first_name)
  }
}
"#;

#[test]
fn deferred_self_references_in_a_fan_out() {
    let files = owners_bundle();
    let cases = [
        ("manager", "manager"),
        ("manager ?? skip(\"no manager\")", "null"),
        ("manager.manager", "manager ?? skip(\"none\")"),
        ("null", "null"),
        ("manager", "null ?? manager"),
    ];
    for (i, (m, p)) in cases.iter().enumerate() {
        let spec = DEFERRED.replace("MANAGER", m).replace("PEER", p);
        let tag = format!("deferred-{i}");
        let out = both_ways(&tag, &spec, &files, &["route contacts -> Contact, Peer__c"]);
        assert!(out.contains("\"op\":\"upsert\""), "{tag}: {out}");
        if *m == "manager" {
            assert!(out.contains("\"op\":\"update\""), "{tag}: {out}");
        }
        if std::env::var_os("AUDIT_SHOW").is_some() {
            println!("== {m} / {p}\n{out}");
        }
    }
}

const FILTERED: &str = r#"migration actimo -> salesforce

custom object Aud__c {
  Ext__c : text(40) external_id unique
  S__c   : picklist("Active", "Inactive", "Invited")
  T__c   : text(80)
  F__c   : text(6)
}

values kind {
  "active"   => "Active"
  "inactive" => "Inactive"
  "invited"  => "Invited"
  "pending"  => null
}

FIRSTS
route contacts where WHERE -> Aud__c, Aud__c as again {
  key Ext__c = contact_id
  S__c = kind[status]
  T__c = title
  F__c = truncate(first_name, 6)
}
"#;

/// A value map without `else`, for the filters that miss.
const FIRSTS: &str = "values firsts {\n  \"Ane\"    => \"a\"\n  \"Straße\" => null\n}\n";

/// A value map with a `skip` arm and `else`.
const SKIPS: &str = "values titles_skip {\n  \"chef\"   => \"Boss\"\n  \"Straße\" => skip(\"street\")\n  else     => keep\n}\n";

#[test]
fn route_filters_of_every_kind() {
    let files = owners_bundle();
    let wheres = [
        "kind[status] != null",
        "kind[status] == \"Active\" or firsts[first_name] != null",
        "titles_skip[first_name] != \"Boss\"",
        "firsts[trim(first_name)] == null",
        "(integer(title) ?? 0) > 3",
        "(number(title) ?? 0) > 1",
        "messages_received > 3",
        "(if email == null then flag(\"no_email\") else true)",
        "(email ?? flag(\"blank\")) != null",
        "(email ?? flag(\"blank\")) == null",
        "manager == null or (if manager.email == null then flag(\"m\") else true) == null",
        "manager.status == \"active\"",
        "creator.email != null and manager != null",
        "round(engagement_score, 0) > 50",
        "messages_received * 1000000000 > 5",
        "false",
        "true",
    ];
    let mut checked = 0;
    for (i, w) in wheres.iter().enumerate() {
        // The maps the filter uses (an unused map does not check).
        let mut maps = String::new();
        for (name, map) in [("firsts", FIRSTS), ("titles_skip", SKIPS)] {
            if w.contains(name) {
                maps.push_str(map);
            }
        }
        let spec = FILTERED
            .replace("WHERE", w)
            .replace("-> Aud__c, Aud__c as again {", "{\n  -> Aud__c {")
            .replace("FIRSTS", &maps)
            .replace("F__c = truncate(first_name, 6)\n}", "F__c = truncate(first_name, 6)\n  }\n  -> Aud__c as again {\n    key Ext__c = concat(contact_id, \"+\")\n    T__c = left(upper(first_name), 6)\n  }\n}");
        if !checks_in("check-where", &spec) {
            println!("does not check: {w}");
            continue;
        }
        checked += 1;
        let tag = format!("where-{i}");
        let label = format!("route contacts where {w} -> Aud__c, Aud__c");
        let out = both_ways(&tag, &spec, &files, &[&label]);
        match *w {
            "false" => assert!(out.is_empty(), "{out}"),
            "true" => assert!(out.lines().count() > 50, "{out}"),
            _ => {}
        }
        if std::env::var_os("AUDIT_SHOW").is_some() {
            println!("== {w}\n{out}");
        }
    }
    assert!(checked >= 8, "only {checked} filters check");
}

#[test]
fn rounding_into_numbers_and_texts() {
    let files = owners_bundle();
    let cases: &[(&str, &str)] = &[
        ("number(5, 2)", "round(engagement_score, 2)"),
        ("number(3, 1)", "round(engagement_score, 1)"),
        ("number(18, 0)", "round(engagement_score, 0)"),
        ("number(6, 3)", "round(engagement_score, 3)"),
        ("integer", "round(engagement_score, 0)"),
        ("number(8, 2)", "round(messages_received, 2)"),
        ("number(4, 1)", "round(messages_received, 1)"),
        ("number(5, 2)", "round(engagement_score, 2) ?? 0"),
        ("number(5, 2)", "round(engagement_score, null)"),
        ("number(5, 2)", "round(null, 2)"),
        ("number(5, 2)", "round(round(engagement_score, 3), 2)"),
        ("number(5, 2)", "round(manager.engagement_score, 2)"),
        ("text(80)", "round(engagement_score, 2)"),
        ("text(6)", "round(engagement_score, 4)"),
        (
            "text(80)",
            "concat(round(engagement_score, 1), \"/\", round(messages_received, 2))",
        ),
        (
            "text(9)",
            "concat(round(engagement_score, 0), round(manager.engagement_score, 3))",
        ),
        ("number(5, 2)", "round(engagement_score, 28)"),
        ("number(5, 2)", "round(engagement_score, -1)"),
        ("text(80)", "round(title, 1)"),
        ("text(80)", "concat(round(title, 0), \"!\")"),
        ("text(80)", "round(manager.title, 2) ?? \"none\""),
        ("number(5, 2)", "round(number(title), 2)"),
        ("number(5, 2)", "round(number(first_name) ?? 1, 1)"),
    ];
    for (i, (ty, e)) in cases.iter().enumerate() {
        let spec = owner_spec(OWNERS[0], &[(ty, e), ("owner", "owner(email)")]);
        if !checks_in("check-round", &spec) {
            println!("does not check: {ty} = {e}");
            continue;
        }
        let tag = format!("round-{i}");
        // `number(…)` is not a compiled shape.
        let units: &[&str] = match e.contains("number(") {
            true => &[],
            false => &["route contacts -> Own__c"],
        };
        let out = both_ways(&tag, &spec, &files, units);
        assert!(out.lines().count() > 3, "{tag}: {out}");
        if std::env::var_os("AUDIT_SHOW").is_some() {
            println!("== {ty} {e}\n{out}");
        }
    }
}

/// Random specs with owners, rounding, filters, deferred self-references
/// and fan-outs (`AUDIT_SEEDS=n` for more).
#[test]
fn random_specs_of_the_newer_shapes() {
    let [contacts, admins] = owners_bundle();
    let files = [contacts, admins, ("table-regions.csv", regions())];
    let seeds: u64 = std::env::var("AUDIT_SEEDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(60);
    let mut checked = 0;
    for seed in 0..seeds {
        let mut rng = Rng::new(seed + 1000);
        let (spec, label) = feature_spec(&mut rng, 3);
        if !checks_in("check-features", &spec) {
            continue;
        }
        checked += 1;
        both_ways(&format!("features-{seed}"), &spec, &files, &[&label]);
    }
    println!("{checked} of {seeds} specs check");
    assert!(
        checked * 3 >= seeds,
        "only {checked} of {seeds} specs check"
    );
}
