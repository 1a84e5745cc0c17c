//! Test fixtures: a small hand-built CRM plan (contacts, companies, a link
//! table, enrollments), its dataset, and short builders for typed
//! expressions, fields, targets and units.

use super::{Ctx, Dataset, Fault, Frame, Table};
use crate::plan::*;
use crate::schema::model::FieldType;
use crate::span::Span;
use crate::value::{RecRef, Value};
use chrono::{DateTime, NaiveDate, Utc};
use rust_decimal::Decimal;
use std::str::FromStr;

pub const CONTACTS: u32 = 0;
pub const COMPANIES: u32 = 1;
pub const COMPANY_CONTACTS: u32 = 2;
pub const ENROLLMENTS: u32 = 3;

// contacts columns
pub const C_ID: u32 = 0;
pub const C_FIRST: u32 = 1;
pub const C_LAST: u32 = 2;
pub const C_EMAIL: u32 = 3;
pub const C_STATUS: u32 = 4;
pub const C_MANAGER: u32 = 5;
pub const C_CREATED: u32 = 6;
pub const C_SCORE: u32 = 7;
pub const C_HIRED: u32 = 8;
pub const C_PHONE: u32 = 9;
// companies columns
pub const CO_NAME: u32 = 1;
// enrollments columns
pub const E_SCORE: u32 = 2;
pub const E_COMPLETED: u32 = 3;
pub const E_STATUS: u32 = 4;

pub const REL_MANAGER: u32 = 0;
pub const REL_ENROLLMENTS: u32 = 1;
pub const REL_PRIMARY_COMPANY: u32 = 2;
pub const REL_COMPANIES: u32 = 3;
pub const REL_CONTACT: u32 = 4;

pub const MAP_STATUS: u32 = 0;
pub const MAP_STATUS_ELSE: u32 = 1;
pub const TABLE_INDUSTRY: u32 = 0;

pub fn rec(object: u32, row: u32) -> RecRef {
    RecRef { object, row }
}

pub fn num(s: &str) -> Value {
    Value::Num(Decimal::from_str(s).expect("decimal literal"))
}

pub fn t(s: &str) -> Value {
    Value::text(s)
}

pub fn day(s: &str) -> Value {
    Value::Date(NaiveDate::from_str(s).expect("date literal"))
}

pub fn at(s: &str) -> Value {
    Value::DateTime(
        DateTime::parse_from_rfc3339(s)
            .expect("datetime literal")
            .with_timezone(&Utc),
    )
}

pub fn list(vs: Vec<Value>) -> Value {
    Value::List(vs.into())
}

fn source(name: &str, columns: &[&str], primary_key: Vec<u32>) -> SourcePlan {
    SourcePlan {
        name: name.into(),
        file: format!("{name}.csv"),
        columns: columns
            .iter()
            .map(|c| ColumnPlan {
                name: c.to_string(),
                headers: vec![c.to_string()],
                ty: FieldType::Text { max: None },
                nullable: true,
                formats: Vec::new(),
                declared: false,
            })
            .collect(),
        primary_key,
        optional: false,
        filter: None,
        dedupe: None,
    }
}

pub fn crm_plan() -> Plan {
    let rel = |name: &str, from, to, kind| RelPlan {
        name: name.into(),
        from,
        to,
        kind,
    };
    Plan {
        source_system: "actimo".into(),
        destination: "salesforce".into(),
        options: PlanOptions {
            timezone: "Europe/Copenhagen".into(),
            date_formats: vec!["%d-%m-%Y".into(), "%d.%m.%Y".into()],
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
                    "manager_id",
                    "created_at",
                    "score",
                    "hire_date",
                    "phone",
                ],
                vec![C_ID],
            ),
            source("companies", &["company_id", "name"], vec![0]),
            source(
                "company_contacts",
                &["contact_id", "company_id", "is_primary"],
                vec![0, 1],
            ),
            source(
                "enrollments",
                &[
                    "enrollment_id",
                    "contact_id",
                    "score",
                    "completed_at",
                    "status",
                ],
                vec![0],
            ),
        ],
        relations: vec![
            rel(
                "manager",
                CONTACTS,
                CONTACTS,
                RelKind::Forward {
                    column: C_MANAGER,
                    target_column: C_ID,
                },
            ),
            rel(
                "enrollments",
                CONTACTS,
                ENROLLMENTS,
                RelKind::Reverse {
                    column: 1,
                    key_column: C_ID,
                },
            ),
            rel(
                "primary_company",
                CONTACTS,
                COMPANIES,
                RelKind::Link {
                    via: COMPANY_CONTACTS,
                    from_column: 0,
                    to_column: 1,
                    key_column: C_ID,
                    target_column: 0,
                    filter: Some((2, Value::Bool(true))),
                    many: false,
                },
            ),
            rel(
                "companies",
                CONTACTS,
                COMPANIES,
                RelKind::Link {
                    via: COMPANY_CONTACTS,
                    from_column: 0,
                    to_column: 1,
                    key_column: C_ID,
                    target_column: 0,
                    filter: None,
                    many: true,
                },
            ),
            rel(
                "contact",
                ENROLLMENTS,
                CONTACTS,
                RelKind::Forward {
                    column: 1,
                    target_column: C_ID,
                },
            ),
        ],
        value_maps: vec![
            MapPlan {
                name: "status".into(),
                arms: vec![
                    (vec![t("active")], Outcome::Value(t("Active"))),
                    (vec![t("invited"), t("pending")], Outcome::Value(t("Lead"))),
                    (vec![t("blocked")], Outcome::Skip("blocked".into())),
                ],
                otherwise: None,
            },
            MapPlan {
                name: "status_else".into(),
                arms: vec![(vec![t("active")], Outcome::Keep)],
                otherwise: Some(Outcome::Value(t("Other"))),
            },
        ],
        tables: vec![TablePlan {
            name: "industries".into(),
            file: "industries.csv".into(),
            key: "company".into(),
            columns: vec!["company".into(), "industry".into()],
            rows: vec![
                vec!["Acme".into(), "Manufacturing".into()],
                vec!["Nordisk".into(), "".into()],
            ],
            key_column: 0,
        }],
        owners: Some(OwnersPlan {
            match_on: "email".into(),
            fallback: Some(OwnerFallback::Owner("Migration@Nordisk.example ".into())),
        }),
        placeholders: vec![PlaceholderPlan {
            object: "Account".into(),
            fields: vec![("Name".into(), t("Unassigned (Actimo)"))],
            id: "placeholder:Account:1".into(),
        }],
        units: Vec::new(),
        references: Vec::new(),
        load_order: Vec::new(),
    }
}

/// contacts 1 (Ane, manages 2), 2 (bo, manager "1" as text), 3 (Cy,
/// dangling manager 999); companies 10 Acme, 20 Nordisk; contact 1 links
/// both (20 primary), contact 2 links 10 (primary); enrollments 100–102 of
/// contact 1, 103 of contact 2.
pub fn crm_data(plan: &Plan) -> Dataset {
    let mut contacts = Table::new("contacts.csv", 10);
    contacts.push(
        [
            Value::Int(1),
            t("Ane"),
            t("Berg"),
            t(" Ane.Berg@X.example "),
            t("active"),
            Value::Null,
            at("2024-01-01T10:00:00Z"),
            num("72.345"),
            day("2019-08-01"),
            t("+45 20 12 34 56"),
        ],
        2,
    );
    contacts.push(
        [
            Value::Int(2),
            t("bo"),
            t("ØSTERGAARD"),
            Value::Null,
            t("Invited"),
            t("1"),
            at("2024-02-01T10:00:00Z"),
            Value::Null,
            Value::Null,
            t("20123456"),
        ],
        3,
    );
    contacts.push(
        [
            Value::Int(3),
            t("Cy"),
            Value::Null,
            t("cy@x.example"),
            t("weird"),
            t("999"),
            at("2024-03-01T10:00:00Z"),
            num("10"),
            day("2020-01-01"),
            t("4.52012E+09"),
        ],
        4,
    );
    let mut companies = Table::new("companies.csv", 2);
    companies.push([Value::Int(10), t("Acme")], 2);
    companies.push([Value::Int(20), t("Nordisk")], 3);
    let mut links = Table::new("company_contacts.csv", 3);
    links.push([t("1"), t("10"), Value::Bool(false)], 2);
    links.push([t("1"), t("20"), Value::Bool(true)], 3);
    links.push([t("2"), t("10"), Value::Bool(true)], 4);
    let mut enrollments = Table::new("enrollments.csv", 5);
    enrollments.push(
        [
            Value::Int(100),
            Value::Int(1),
            num("80"),
            at("2024-03-01T00:00:00Z"),
            t("Completed"),
        ],
        2,
    );
    enrollments.push(
        [
            Value::Int(101),
            Value::Int(1),
            Value::Null,
            Value::Null,
            t("In Progress"),
        ],
        3,
    );
    enrollments.push(
        [
            Value::Int(102),
            Value::Int(1),
            num("95.5"),
            at("2024-02-01T00:00:00Z"),
            t("Completed"),
        ],
        4,
    );
    enrollments.push(
        [
            Value::Int(103),
            Value::Int(2),
            num("60"),
            at("2024-01-15T00:00:00Z"),
            t("Completed"),
        ],
        5,
    );
    let mut data = Dataset::new(plan, vec![contacts, companies, links, enrollments]);
    data.taken_at = Some(chrono::DateTime::from_timestamp(1_717_200_000, 0).unwrap_or_default());
    data
}

// ── expression builders ────────────────────────────────────────────────

pub fn ex(kind: TExprKind) -> TExpr {
    TExpr {
        kind,
        ty: Ty::Null,
        nullable: true,
        fallible: false,
        span: Span::default(),
    }
}

/// `e` with span `start..end` (to check which expression a fault names).
pub fn spanned(mut e: TExpr, start: usize, end: usize) -> TExpr {
    e.span = Span::new(start, end);
    e
}

pub fn col(c: u32) -> TExpr {
    ex(TExprKind::Column(c))
}

pub fn lit(v: Value) -> TExpr {
    ex(TExprKind::Lit(v))
}

pub fn txt(s: &str) -> TExpr {
    lit(t(s))
}

pub fn int(i: i64) -> TExpr {
    lit(Value::Int(i))
}

pub fn call(func: Func, args: Vec<TExpr>) -> TExpr {
    ex(TExprKind::Call { func, args })
}

pub fn agg(func: Agg, list: TExpr) -> TExpr {
    ex(TExprKind::Agg {
        func,
        list: Box::new(list),
        by: None,
        extra: Vec::new(),
    })
}

pub fn agg_by(func: Agg, list: TExpr, by: TExpr) -> TExpr {
    ex(TExprKind::Agg {
        func,
        list: Box::new(list),
        by: Some(Box::new(by)),
        extra: Vec::new(),
    })
}

pub fn nav(rel: u32, then: Option<TExpr>) -> TExpr {
    ex(TExprKind::Nav {
        rel,
        then: then.map(Box::new),
    })
}

pub fn bin(op: BinOp, l: TExpr, r: TExpr) -> TExpr {
    ex(TExprKind::Binary {
        op,
        lhs: Box::new(l),
        rhs: Box::new(r),
    })
}

pub fn coalesce(a: TExpr, b: TExpr) -> TExpr {
    ex(TExprKind::Coalesce(Box::new(a), Box::new(b)))
}

pub fn skip(reason: &str) -> TExpr {
    ex(TExprKind::Skip(reason.into()))
}

pub fn flag(reason: &str) -> TExpr {
    ex(TExprKind::Flag(reason.into()))
}

// ── plan builders ──────────────────────────────────────────────────────

pub fn field(name: &str, expr: TExpr) -> FieldPlan {
    field_as(name, expr, FieldType::Text { max: None })
}

pub fn field_as(name: &str, expr: TExpr, dest: FieldType) -> FieldPlan {
    FieldPlan {
        field: name.into(),
        expr,
        dest,
        lineage: Lineage::default(),
    }
}

pub fn target(object: &str, key: TExpr, fields: Vec<FieldPlan>) -> TargetPlan {
    TargetPlan {
        object: object.into(),
        alias: None,
        id_suffix: None,
        key: field("Source_System_ID__c", key),
        fields,
        deferred: Vec::new(),
        condition: None,
        span: Span::default(),
    }
}

pub fn unit(source: u32, kind: UnitKind) -> Unit {
    Unit {
        label: "test unit".into(),
        source,
        filter: None,
        kind,
        span: Span::new(1, 2),
    }
}

pub fn route(source: u32, targets: Vec<TargetPlan>) -> Unit {
    unit(source, UnitKind::Route { targets })
}

// ── running ────────────────────────────────────────────────────────────

/// Evaluates `e` against one record of the CRM fixture.
pub fn eval_on(e: &TExpr, r: RecRef) -> Result<Value, Fault> {
    let plan = crm_plan();
    let data = crm_data(&plan);
    let mut ctx = Ctx::new(&plan, &data);
    ctx.begin(Some(r));
    ctx.eval(e, Frame::Rec(r))
}

/// The code of an expected error (panics with the actual result otherwise).
pub fn err_code<T: std::fmt::Debug>(r: Result<T, Fault>) -> &'static str {
    match r {
        Err(Fault::Error(e)) => e.code.id,
        other => panic!("expected an error, got {other:?}"),
    }
}
