//! Parser throughput: a generated 5,000-line spec (target: under 25 ms).
//!
//! Input: a spec generated here from templates of varied items (routes,
//! splits, merges, value maps, custom objects, tests, comments). Output:
//! criterion timings of `ferry::syntax::parse`. The generated text is
//! checked to parse without diagnostics before timing.

use criterion::{black_box, criterion_group, criterion_main, Criterion};
use ferry::diagnostics::SourceFile;
use std::fmt::Write;

/// One block of varied items, numbered `n` so names stay unique.
fn block(n: usize, out: &mut String) {
    let _ = write!(
        out,
        r#"// block {n}: a route with a filter and typical statements
route companies_{n} where deleted_at == null and country in ["DK", "SE", "NO"] -> Account {{
  key Source_System_ID__c = company_id
  Name           = trim(name)
  BillingCountry = country ?? "DK"
  Industry       = industries[name].industry ?? "Other"
  Description    = concat("Imported from Actimo: ", name, " (", company_id, ")")
  NumberOfEmployees = if employees > 0 then employees else null
}}

/* A split with a skip arm. */
split contacts_{n} {{
  when status in ["invited", "pending"] -> Lead {{
    key Source_System_ID__c = contact_id
    LastName  = last_name ?? skip("missing_last_name")
    Email     = lower(trim(email))
  }}
  when status == "active" and not (department == null) -> Contact as c{n} {{
    key Source_System_ID__c = contact_id
    LastName = last_name ?? skip("missing_last_name")
    OwnerId  = owner(creator.email)
    Score__c = round(engagement_score * 100 / 3, 2)
  }}
  else skip("inactive_contact")
}}

merge message_events_{n} by message_id, contact_id -> Task {{
  key Source_System_ID__c = concat("evt-", message_id, "-", contact_id)
  Subject      = first(message.title)
  ActivityDate = date(max(occurred_at))
  Last         = latest(event_type by occurred_at)
  Completed    = count(events where status == "completed")
}}

values status_{n} {{
  "Not Started" => "In Progress"
  "In Progress", "Started" => "In Progress"
  "Completed"   => "Completed"
  else => skip("unknown_status")
}}

custom object Course_{n}__c {{
  Name                : text(80) required
  Module_Count__c     : number(4, 0)
  Status__c           : picklist("In Progress", "Completed", "Overdue")
  Owner__c            : lookup(Contact) required
}}

test "block {n} lead" {{
  given contacts_{n} {{ contact_id = {n}, first_name = "Ane", last_name = "Berg", status = "invited" }}
  expect Lead {{ LastName = "Berg", Email = null }}
}}

"#
    );
}

/// A spec of at least `lines` lines.
fn generate(lines: usize) -> String {
    let mut text = String::from(
        "migration actimo -> salesforce\n\noptions {\n  timezone = \"Europe/Copenhagen\"\n  strict = true\n}\n\n\
         table industries from \"industries.csv\" key company\n\n",
    );
    let mut n = 0;
    while text.lines().count() < lines {
        block(n, &mut text);
        n += 1;
    }
    text
}

fn bench_parse(c: &mut Criterion) {
    let file = SourceFile::new("generated.ferry", generate(5_000));
    let (spec, diags) = ferry::syntax::parse(&file);
    assert!(diags.is_empty(), "the generated spec must be valid");
    assert!(spec.items.len() > 500);
    c.bench_function("parse 5000-line spec", |b| {
        b.iter(|| ferry::syntax::parse(black_box(&file)))
    });
}

criterion_group!(benches, bench_parse);
criterion_main!(benches);
