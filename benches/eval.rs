//! Evaluator throughput: a contacts route of 13 fields (trim/lower, a value
//! map, a date reformat, a relation, a lookup table, rounding, an owner)
//! over 100,000 generated records. Target: ≥ 1,000,000 records/s per core.
//!
//! `contacts_payload_lines_100k` is what `ferry run` does per record (the
//! route straight into payload lines, in memory); `contacts_route_100k`
//! builds `Emitted` records (`ferry check`'s tests, the library API).
//!
//! Run: `cargo bench --bench eval` (criterion prints elements/s).

use criterion::{black_box, criterion_group, Criterion, Throughput};
use ferry::plan::*;
use ferry::runtime::exec::run_record;
use ferry::runtime::{Ctx, Dataset, Frame, Outcome as RunOutcome, Table};
use ferry::schema::model::{EnumValue, FieldType};
use ferry::span::Span;
use ferry::value::Value;
use rust_decimal::Decimal;
use std::time::Duration;

const N: u32 = 100_000;

fn e(kind: TExprKind) -> TExpr {
    TExpr {
        kind,
        ty: Ty::Null,
        nullable: true,
        fallible: false,
        span: Span::default(),
    }
}
fn col(c: u32) -> TExpr {
    e(TExprKind::Column(c))
}
fn txt(s: &str) -> TExpr {
    e(TExprKind::Lit(Value::text(s)))
}
fn call(func: Func, args: Vec<TExpr>) -> TExpr {
    e(TExprKind::Call { func, args })
}
fn field(name: &str, expr: TExpr, dest: FieldType) -> FieldPlan {
    FieldPlan {
        field: name.into(),
        expr,
        dest,
        lineage: Lineage::default(),
    }
}
fn text(max: Option<u32>) -> FieldType {
    FieldType::Text { max }
}

fn source(name: &str, columns: &[&str]) -> SourcePlan {
    SourcePlan {
        name: name.into(),
        file: format!("{name}.csv"),
        columns: columns
            .iter()
            .map(|c| ColumnPlan {
                name: c.to_string(),
                headers: vec![c.to_string()],
                ty: text(None),
                nullable: true,
                formats: Vec::new(),
                declared: false,
            })
            .collect(),
        primary_key: vec![0],
        optional: false,
        filter: None,
        dedupe: None,
    }
}

// contacts: 0 contact_id, 1 first_name, 2 last_name, 3 email, 4 status,
// 5 company_id, 6 hire_date, 7 created_at, 8 score, 9 department, 10 title
fn plan() -> Plan {
    let statuses = ["Active", "Inactive", "Invited", "Pending"];
    let picklist = FieldType::Picklist {
        values: statuses
            .iter()
            .map(|s| EnumValue {
                value: s.to_string(),
                aliases: Vec::new(),
            })
            .collect(),
    };
    let status_map = MapPlan {
        name: "status".into(),
        arms: vec![
            (
                vec![Value::text("active"), Value::text("aktiv")],
                Outcome::Value(Value::text("Active")),
            ),
            (
                vec![Value::text("inactive"), Value::text("fratrådt")],
                Outcome::Value(Value::text("Inactive")),
            ),
            (
                vec![Value::text("invited")],
                Outcome::Value(Value::text("Invited")),
            ),
            (
                vec![Value::text("pending")],
                Outcome::Value(Value::text("Pending")),
            ),
        ],
        otherwise: Some(Outcome::Value(Value::text("Pending"))),
    };
    let company = || e(TExprKind::Nav { rel: 0, then: None });
    let company_name = e(TExprKind::Nav {
        rel: 0,
        then: Some(Box::new(col(1))),
    });
    let industry = e(TExprKind::Table {
        table: 0,
        key: Box::new(company_name),
        column: Some(1),
    });
    let target = TargetPlan {
        condition: None,
        object: "Contact".into(),
        alias: None,
        id_suffix: None,
        key: field("Source_System_ID__c", col(0), text(Some(40))),
        fields: vec![
            field("FirstName", call(Func::Trim, vec![col(1)]), text(Some(40))),
            field(
                "LastName",
                e(TExprKind::Coalesce(
                    Box::new(col(2)),
                    Box::new(e(TExprKind::Skip("missing_last_name".into()))),
                )),
                text(Some(80)),
            ),
            field(
                "Email",
                call(Func::Lower, vec![call(Func::Trim, vec![col(3)])]),
                FieldType::Email,
            ),
            field(
                "Status__c",
                e(TExprKind::ValueMap {
                    map: 0,
                    key: Box::new(col(4)),
                }),
                picklist,
            ),
            field(
                "AccountId",
                company(),
                FieldType::Lookup {
                    objects: vec!["Account".into()],
                },
            ),
            field(
                "Hire_Date__c",
                call(Func::Format, vec![col(6), txt("%Y-%m-%d")]),
                text(Some(10)),
            ),
            field(
                "Industry",
                e(TExprKind::Coalesce(
                    Box::new(industry),
                    Box::new(txt("Other")),
                )),
                text(Some(40)),
            ),
            field("Department", col(9), text(Some(80))),
            field(
                "Score__c",
                call(Func::Round, vec![col(8), e(TExprKind::Lit(Value::Int(2)))]),
                FieldType::Number {
                    precision: Some(5),
                    scale: Some(2),
                },
            ),
            field(
                "Title",
                call(
                    Func::Truncate,
                    vec![col(10), e(TExprKind::Lit(Value::Int(80)))],
                ),
                text(Some(80)),
            ),
            field(
                "OwnerId",
                e(TExprKind::Owner(Box::new(col(3)))),
                FieldType::Owner,
            ),
            field(
                "Created__c",
                call(Func::Date, vec![col(7)]),
                FieldType::Date,
            ),
        ],
        deferred: Vec::new(),
        span: Span::default(),
    };
    Plan {
        source_system: "actimo".into(),
        destination: "salesforce".into(),
        options: PlanOptions {
            timezone: "Europe/Copenhagen".into(),
            date_formats: vec!["%d-%m-%Y".into()],
            strict: false,
            multi_value_separator: ";".into(),
        },
        sources: vec![
            source(
                "contacts",
                &[
                    "contact_id",
                    "first_name",
                    "last_name",
                    "email",
                    "status",
                    "company_id",
                    "hire_date",
                    "created_at",
                    "score",
                    "department",
                    "title",
                ],
            ),
            source("companies", &["company_id", "name"]),
        ],
        relations: vec![RelPlan {
            name: "company".into(),
            from: 0,
            to: 1,
            kind: RelKind::Forward {
                column: 5,
                target_column: 0,
            },
        }],
        value_maps: vec![status_map],
        tables: vec![TablePlan {
            name: "industries".into(),
            file: "industries.csv".into(),
            key: "company".into(),
            columns: vec!["company".into(), "industry".into()],
            rows: (0..50)
                .map(|i| vec![format!("Company {i}"), format!("Industry {}", i % 7)])
                .collect(),
            key_column: 0,
        }],
        owners: Some(OwnersPlan {
            match_on: "email".into(),
            fallback: Some(OwnerFallback::Owner("owner@x.example".into())),
        }),
        placeholders: Vec::new(),
        units: vec![Unit {
            label: "route contacts -> Contact".into(),
            source: 0,
            filter: None,
            kind: UnitKind::Route {
                targets: vec![target],
            },
            span: Span::default(),
        }],
        references: Vec::new(),
        load_order: vec![LoadStep {
            number: 1,
            object: "Contact".into(),
            pass: Pass::Upsert,
        }],
    }
}

fn data(plan: &Plan) -> Dataset {
    let statuses = [
        "active", "Active", "ACTIVE ", "inactive", "invited", "pending", "Aktiv", "unknown",
    ];
    let first = ["Søren", " Anna", "Mikkel ", "Åse", "Bo"];
    let last = ["Hansen", "Østergaard", "Nielsen-Holm", "Lund", "Berg"];
    let depts = ["Retail", "Logistik", "Sales", "HR"];
    let mut contacts = Table::with_capacity("contacts.csv", 11, N as usize);
    let base = chrono::NaiveDate::from_ymd_opt(2015, 1, 1).unwrap_or_default();
    for i in 0..N {
        let k = i as usize;
        let hire = base + chrono::Duration::days(i64::from(i % 3000));
        let created = hire.and_hms_opt(8, 30, 0).unwrap_or_default().and_utc()
            + chrono::Duration::hours(i64::from(i % 20));
        contacts.push(
            [
                Value::Int(i64::from(i) + 1),
                Value::text(first[k % first.len()]),
                if i % 50 == 0 {
                    Value::Null
                } else {
                    Value::text(last[k % last.len()])
                },
                Value::text(&format!(" User.{i}@Nordisk.example ")),
                Value::text(statuses[k % statuses.len()]),
                Value::text(&(k % 60).to_string()),
                Value::Date(hire),
                Value::DateTime(created),
                Value::Num(Decimal::new(i64::from(i % 10_000) * 7 + 5, 3)),
                Value::text(depts[k % depts.len()]),
                Value::text("Butikschef"),
            ],
            i + 2,
        );
    }
    let mut companies = Table::new("companies.csv", 2);
    for c in 0..60 {
        companies.push(
            [Value::Int(c), Value::text(&format!("Company {c}"))],
            c as u32 + 2,
        );
    }
    Dataset::new(plan, vec![contacts, companies])
}

fn bench(c: &mut Criterion) {
    let plan = plan();
    let data = data(&plan);
    let unit = &plan.units[0];
    let mut ctx = Ctx::new(&plan, &data);
    // Sanity: the route really emits (and skips every 50th record).
    let emitted = (0..N)
        .filter(|&r| matches!(run_record(&mut ctx, unit, r), RunOutcome::Emitted(_)))
        .count();
    assert_eq!(emitted, (N - N / 50) as usize);

    let mut g = c.benchmark_group("eval");
    g.throughput(Throughput::Elements(u64::from(N)));
    g.sample_size(10);
    g.warm_up_time(Duration::from_secs(1));
    g.measurement_time(Duration::from_secs(5));
    g.bench_function("contacts_fields_only_100k", |b| {
        b.iter(|| {
            for row in 0..N {
                black_box(eval_fields(&mut ctx, unit, row));
            }
        })
    });
    g.bench_function("contacts_route_100k", |b| {
        b.iter(|| {
            for row in 0..N {
                let o = run_record(&mut ctx, unit, row);
                black_box(&o);
                ctx.recycle(o);
            }
        })
    });
    // What `ferry run` does per record: the route straight into payload
    // lines (in memory, no file I/O).
    assert_eq!(
        ferry::emit::unit_bytes(&plan, &data, 0).1,
        u64::from(N - N / 50)
    );
    g.bench_function("contacts_payload_lines_100k", |b| {
        b.iter(|| black_box(ferry::emit::unit_bytes(&plan, &data, 0)))
    });
    g.bench_function("contacts_route_100k_no_recycle", |b| {
        b.iter(|| {
            for row in 0..N {
                black_box(run_record(&mut ctx, unit, row));
            }
        })
    });
    g.finish();
}

/// Only the expressions of the route (no payload records built).
fn eval_fields(ctx: &mut Ctx<'_>, unit: &Unit, row: u32) -> usize {
    let UnitKind::Route { targets } = &unit.kind else {
        return 0;
    };
    let frame = Frame::Rec(ferry::value::RecRef {
        object: unit.source,
        row,
    });
    ctx.begin(None);
    let mut n = 0;
    for f in std::iter::once(&targets[0].key).chain(&targets[0].fields) {
        if let Ok(v) = ctx.eval(&f.expr, frame) {
            n += usize::from(!v.is_null());
            black_box(v);
        }
    }
    n
}

criterion_group!(benches, bench);

/// `FERRY_EVAL_PASSES=n cargo bench --bench eval` runs n plain passes and
/// prints records/s (wall clock), for profiling under `perf` without
/// criterion's statistics; on a loaded machine compare against the
/// process's CPU time (`perf stat -e task-clock`). `FERRY_EVAL_ONLY=1`
/// evaluates the fields only; `FERRY_EVAL_LINES=1` writes payload lines
/// (`ferry run`'s path) instead of building `Emitted` records.
fn main() {
    if let Some(passes) = std::env::var("FERRY_EVAL_PASSES")
        .ok()
        .and_then(|p| p.parse::<u32>().ok())
    {
        let plan = plan();
        let data = data(&plan);
        let mut ctx = Ctx::new(&plan, &data);
        let eval_only = std::env::var("FERRY_EVAL_ONLY").is_ok();
        let lines = std::env::var("FERRY_EVAL_LINES").is_ok();
        let start = std::time::Instant::now();
        for _ in 0..passes {
            if lines {
                black_box(ferry::emit::unit_bytes(&plan, &data, 0));
                continue;
            }
            for row in 0..N {
                if eval_only {
                    black_box(eval_fields(&mut ctx, &plan.units[0], row));
                } else {
                    let o = run_record(&mut ctx, &plan.units[0], row);
                    black_box(&o);
                    ctx.recycle(o);
                }
            }
        }
        let secs = start.elapsed().as_secs_f64();
        println!(
            "{:.0} records/s over {passes} passes",
            f64::from(passes * N) / secs
        );
        return;
    }
    benches();
    Criterion::default().configure_from_args().final_summary();
}
