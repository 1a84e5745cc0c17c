//! Random specs of the newer compiled shapes for the compiled-route audit
//! (`tests/compiled_audit.rs`): an `owners` policy and owner fields, a
//! deferred self-reference, a route `where`, `round` into numbers and
//! texts, and a second target, around the random text fields of
//! [`super::random`].

use super::random::{text_expr, Rng};

const OWNERS: &[&str] = &[
    "owners {\n  match email\n  fallback \" Migration@X.example\"\n}\n",
    "owners {\n  match email\n  fallback \"a@x.dk\"\n}\n",
    "owners {\n  match email\n  fallback skip(\"no owner\")\n}\n",
    "owners {\n  match email\n}\n",
];

const EMAILS: &[&str] = &[
    "email",
    "creator.email",
    "manager.email",
    "manager.manager.email",
    "lower(email)",
    "upper(email)",
    "trim(manager.email)",
    "\" A@X.DK \"",
    "\"\"",
    "concat(first_name, \"@x.dk\")",
    "left(email, 6)",
];

const NUMBERS: &[&str] = &[
    "engagement_score",
    "messages_received",
    "manager.engagement_score",
    "manager.messages_received",
    "null",
];

const WHERES: &[&str] = &[
    "status != \"pending\"",
    "kind[status] != null",
    "firsts[first_name] == null",
    "titles_skip[title] != \"Boss\"",
    "email != null",
    "(if email == null then flag(\"no_email\") else true)",
    "messages_received > 3",
    "manager != null",
    "round(engagement_score, 1) >= 12.3",
];

/// An email expression, perhaps with a fallback of its own.
fn email(rng: &mut Rng) -> String {
    let e = rng.pick(EMAILS).to_string();
    match rng.below(4) {
        0 => format!("{e} ?? {}", rng.pick(EMAILS)),
        1 => format!("{e} ?? skip(\"no email\")"),
        _ => e,
    }
}

/// A number field type and a `round` of a number column into it.
fn rounded(rng: &mut Rng) -> (String, String) {
    let x = match rng.below(4) {
        0 => format!("round({}, {})", rng.pick(NUMBERS), rng.below(4)),
        _ => rng.pick(NUMBERS).to_string(),
    };
    let e = format!("round({x}, {})", rng.below(4));
    let e = match rng.below(5) {
        0 => format!("{e} ?? 0"),
        1 => format!("{e} ?? round({}, 1)", rng.pick(NUMBERS)),
        _ => e,
    };
    match rng.below(4) {
        0 => (
            "text(8)".into(),
            format!("concat({e}, \"/\", round({}, 2))", rng.pick(NUMBERS)),
        ),
        1 => ("text(80)".into(), e),
        _ => {
            let s = rng.below(4);
            (format!("number({}, {s})", s + 1 + rng.below(8)), e)
        }
    }
}

/// A spec routing contacts to `Audit__c` with an owner field, a rounded
/// number, `n` text fields and perhaps a `where`, a deferred
/// self-reference or a second target; and the route's label.
pub fn feature_spec(rng: &mut Rng, n: usize) -> (String, String) {
    let owners = rng.pick(OWNERS);
    let mut decl = String::from("  O__c : owner\n  P__c : owner\n");
    let mut fields = format!("  O__c = owner({})\n", email(rng));
    if rng.below(2) == 0 {
        fields.push_str(&format!("  P__c = owner({})\n", email(rng)));
    }
    let (ty, e) = rounded(rng);
    decl.push_str(&format!("  R__c : {ty}\n"));
    fields.push_str(&format!("  R__c = {e}\n"));
    for i in 0..n {
        decl.push_str(&format!("  F{i}__c : text(80)\n"));
        fields.push_str(&format!("  F{i}__c = {}\n", text_expr(rng, 2)));
    }
    decl.push_str("  Mgr__c : lookup(Audit__c)\n");
    let deferred = rng.below(2) == 0;
    if deferred {
        let m = ["manager", "manager.manager", "manager ?? skip(\"boss\")"];
        fields.push_str(&format!("  Mgr__c = {}\n", rng.pick(&m)));
    }
    let filter = match rng.below(3) {
        0 => String::new(),
        _ => format!(" where {}", rng.pick(WHERES)),
    };
    let second = match rng.below(3) {
        0 => String::new(),
        k => format!(
            "  -> Other__c {{\n    key Ext__c = concat(\"o-\", contact_id)\n    O__c = owner({})\n    R__c = {}\n{}  }}\n",
            email(rng),
            rounded(rng).1,
            match k {
                1 => "    M__c = manager.manager ?? manager\n",
                _ => "",
            }
        ),
    };
    let label = match second.is_empty() {
        true => format!("route contacts{filter} -> Audit__c"),
        false => format!("route contacts{filter} -> Audit__c, Other__c"),
    };
    let spec = format!(
        "migration actimo -> salesforce\n\n{owners}\ncustom object Audit__c {{\n  Ext__c : text(40) external_id unique\n{decl}}}\n\ncustom object Other__c {{\n  Ext__c : text(40) external_id unique\n  O__c : owner\n  R__c : text(80)\n  M__c : lookup(Other__c)\n}}\n{}{MAPS}\nroute contacts{filter} {{\n  -> Audit__c {{\n  key Ext__c = contact_id\n{fields}}}\n{second}}}\n",
        super::data::MAPS
    );
    (spec, label)
}

/// The maps a filter may use, besides the audit's.
const MAPS: &str = r#"
values kind {
  "active"   => "Active"
  "inactive" => "Inactive"
  "invited"  => "Invited"
  "pending"  => null
}

values firsts {
  "Ane"    => "a"
  "Straße" => null
}
"#;
