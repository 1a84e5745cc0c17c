//! `ferry check` on a generated 5,000-line spec (target: under 30 ms).

use criterion::{criterion_group, criterion_main, Criterion};
use ferry::check::{check, Parsed, Project};
use ferry::diagnostics::SourceFile;
use std::fmt::Write;

/// A spec of about `lines` lines that checks clean: custom objects and
/// routes from several Actimo objects with text, number, date, enum and
/// lookup fields.
pub fn generated_spec(lines: usize) -> String {
    let mut s = String::from("migration actimo -> salesforce\n\ncustom Account {\n  Source_System_ID__c : text(40) external_id unique\n}\n\nroute companies -> Account {\n  key Source_System_ID__c = company_id\n  Name           = name\n  BillingCountry = country\n}\n\nvalues status_map {\n  \"active\"   => \"A\"\n  \"inactive\" => \"I\"\n  else       => \"P\"\n}\n");
    let mut i = 0;
    while s.lines().count() < lines {
        i += 1;
        let _ = write!(
            s,
            "\ncustom object Obj{i}__c {{\n  Source_System_ID__c : text(40) external_id unique\n  Name                : text(80) required\n  Email__c            : email\n  Score__c            : number(6, 2)\n  Status__c           : picklist(\"A\", \"I\", \"P\")\n  Hired__c            : date\n  Account__c          : lookup(Account)\n  Manager_Email__c    : email\n}}\n\nroute contacts where deleted_at == null -> Obj{i}__c {{\n  key Source_System_ID__c = concat(\"c{i}-\", contact_id)\n  Name             = truncate(concat(first_name, \" \", last_name), 80)\n  Email__c         = lower(trim(email))\n  Score__c         = round(engagement_score ?? 0, 2)\n  Status__c        = status_map[status]\n  Hired__c         = hire_date\n  Account__c       = primary_company\n  Manager_Email__c = manager.email\n}}\n"
        );
    }
    s
}

fn bench(c: &mut Criterion) {
    let text = generated_spec(5_000);
    let registry = ferry::schema::Registry::standard().expect("descriptors load");
    let file = SourceFile::new("generated.ferry", text);
    let read = |_: &str| -> Result<String, String> { Err("no tables".into()) };
    {
        let (spec, d) = ferry::syntax::parse(&file);
        assert!(!d.has_errors(), "generated spec parses");
        let project = Project {
            main: Parsed {
                file: file.clone(),
                spec,
            },
            imports: Vec::new(),
        };
        let (checked, diags) = check(&project, &registry, &read);
        assert!(
            checked.is_some(),
            "generated spec checks: {:?}",
            diags.iter().next().map(|d| &d.message)
        );
    }
    // The descriptors are loaded above, outside the timings (`ferry check`
    // loads them once per process before checking).
    // Freeing the AST and plan is left out of the timing (`iter_with_large_drop`):
    // `ferry check` exits without freeing them.
    c.bench_function("check 5000-line spec (parse + check + plan)", |b| {
        b.iter_with_large_drop(|| {
            let (spec, _) = ferry::syntax::parse(&file);
            let project = Project {
                main: Parsed {
                    file: file.clone(),
                    spec,
                },
                imports: Vec::new(),
            };
            check(&project, &registry, &read)
        })
    });
}

/// Check and plan alone, on a spec parsed once: the share of the first
/// benchmark that `src/check` and `src/plan` own.
fn bench_check_only(c: &mut Criterion) {
    let file = SourceFile::new("generated.ferry", generated_spec(5_000));
    let registry = ferry::schema::Registry::standard().expect("descriptors load");
    let read = |_: &str| -> Result<String, String> { Err("no tables".into()) };
    let (spec, d) = ferry::syntax::parse(&file);
    assert!(!d.has_errors(), "generated spec parses");
    let project = Project {
        main: Parsed { file, spec },
        imports: Vec::new(),
    };
    assert!(
        check(&project, &registry, &read).0.is_some(),
        "generated spec checks"
    );
    c.bench_function("check 5000-line spec (check + plan, pre-parsed)", |b| {
        b.iter_with_large_drop(|| check(&project, &registry, &read))
    });
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(20);
    targets = bench, bench_check_only
}
criterion_main!(benches);
