//! Executor tests over the CRM fixture.

use super::*;
use crate::diagnostics::codes;
use crate::plan::{Agg, BinOp, DedupePlan, Func, KeepPlan, ReferencePlan, TExprKind};
use crate::runtime::fixtures::*;
use crate::runtime::Dataset;
use crate::schema::model::FieldType;

fn run_on(plan: &crate::plan::Plan, unit: &Unit, row: u32) -> Outcome {
    let data = crm_data(plan);
    let mut ctx = Ctx::new(plan, &data);
    run_record(&mut ctx, unit, row)
}

fn emitted(o: Outcome) -> Vec<Emitted> {
    match o {
        Outcome::Emitted(e) => e,
        other => panic!("expected records, got {other:?}"),
    }
}

fn contact_target() -> TargetPlan {
    target(
        "Contact",
        col(C_ID),
        vec![
            field("LastName", coalesce(col(C_LAST), skip("missing_last_name"))),
            field("FirstName", col(C_FIRST)),
            field(
                "Email",
                call(Func::Lower, vec![call(Func::Trim, vec![col(C_EMAIL)])]),
            ),
            field("ReportsToId", nav(REL_MANAGER, None)),
            field(
                "AccountId",
                coalesce(
                    nav(REL_PRIMARY_COMPANY, None),
                    ex(TExprKind::Placeholder(0)),
                ),
            ),
            field("OwnerId", ex(TExprKind::Owner(Box::new(col(C_EMAIL))))),
            field("Department", ex(TExprKind::Clear)),
        ],
    )
}

#[test]
fn a_route_emits_fields_refs_and_absent_nulls() {
    let plan = crm_plan();
    let unit = route(CONTACTS, vec![contact_target()]);
    let out = emitted(run_on(&plan, &unit, 1));
    assert_eq!(out.len(), 1);
    let c = &out[0];
    assert_eq!(
        (c.object.as_str(), c.id.as_str(), c.target),
        ("Contact", "contacts:2", 0)
    );
    assert_eq!(
        c.key,
        ("Source_System_ID__c".to_string(), t("2")),
        "a text key field gets text"
    );
    assert_eq!(c.fields.get("LastName"), Some(&t("ØSTERGAARD")));
    assert!(
        !c.fields.contains_key("Email"),
        "null leaves the field absent"
    );
    assert_eq!(c.fields.get("Department"), Some(&Value::Clear));
    assert_eq!(
        c.refs.get("ReportsToId").map(String::as_str),
        Some("contacts:1")
    );
    assert_eq!(
        c.refs.get("AccountId").map(String::as_str),
        Some("companies:10")
    );
    assert_eq!(
        c.refs.get("OwnerId").map(String::as_str),
        Some("owner:migration@nordisk.example")
    );
    assert!(c.flags.is_empty());
    // Contact 3: no primary company → the placeholder; no last name → skipped.
    let mut relaxed = contact_target();
    relaxed.fields[0] = field("LastName", coalesce(col(C_LAST), txt("Unknown")));
    let out = emitted(run_on(&plan, &route(CONTACTS, vec![relaxed]), 2));
    assert_eq!(
        out[0].refs.get("AccountId").map(String::as_str),
        Some("placeholder:Account:1")
    );
    let skipped = run_on(&plan, &unit, 2);
    assert!(matches!(&skipped, Outcome::Skipped { reason, .. } if reason == "missing_last_name"));
    assert_eq!(skipped.reason(), Some("missing_last_name"));
}

#[test]
fn fan_out_ids_and_produced_refs() {
    let plan = crm_plan();
    let mut note = target("Note", col(C_ID), vec![field("title", col(C_FIRST))]);
    note.alias = Some("note".into());
    let mut link = target(
        "NoteTarget",
        col(C_ID),
        vec![
            field("noteId", ex(TExprKind::Produced(1))),
            field("personId", ex(TExprKind::Produced(0))),
        ],
    );
    link.alias = None;
    let unit = route(
        CONTACTS,
        vec![
            target("Person", col(C_ID), vec![field("city", txt("Aarhus"))]),
            note,
            link,
        ],
    );
    let out = emitted(run_on(&plan, &unit, 0));
    let ids: Vec<&str> = out.iter().map(|e| e.id.as_str()).collect();
    assert_eq!(
        ids,
        ["contacts:1", "contacts:1#note", "contacts:1#NoteTarget"]
    );
    assert_eq!(
        out[2].refs.get("noteId").map(String::as_str),
        Some("contacts:1#note")
    );
    assert_eq!(
        out[2].refs.get("personId").map(String::as_str),
        Some("contacts:1")
    );
    assert_eq!(out.iter().map(|e| e.target).collect::<Vec<_>>(), [0, 1, 2]);
}

#[test]
fn a_skip_in_any_target_drops_every_target() {
    let plan = crm_plan();
    let first = target("Person", col(C_ID), vec![field("name", col(C_FIRST))]);
    let second = target(
        "Note",
        col(C_ID),
        vec![field("body", coalesce(col(C_LAST), skip("no_body")))],
    );
    let unit = route(CONTACTS, vec![first, second]);
    assert!(
        matches!(run_on(&plan, &unit, 2), Outcome::Skipped { reason, .. } if reason == "no_body")
    );
    assert_eq!(emitted(run_on(&plan, &unit, 0)).len(), 2);
}

#[test]
fn uncaught_errors_fail_the_record_with_their_code() {
    let plan = crm_plan();
    let bad = spanned(call(Func::E164, vec![col(C_PHONE), txt("DK")]), 10, 20);
    let unit = route(
        CONTACTS,
        vec![target("Contact", col(C_ID), vec![field("Phone", bad)])],
    );
    let o = run_on(&plan, &unit, 2);
    let Outcome::Failed(e) = &o else {
        panic!("expected a failure, got {o:?}")
    };
    assert_eq!(
        (e.code, e.span),
        (codes::E0904, crate::span::Span::new(10, 20))
    );
    assert_eq!(o.reason(), Some("E0904"));
    assert_eq!(
        emitted(run_on(&plan, &unit, 0))[0].fields["Phone"],
        t("+4520123456")
    );
}

#[test]
fn destination_types_are_enforced() {
    let plan = crm_plan();
    let short = field_as("LastName", col(C_LAST), FieldType::Text { max: Some(4) });
    let unit = route(CONTACTS, vec![target("Contact", col(C_ID), vec![short])]);
    assert_eq!(
        emitted(run_on(&plan, &unit, 0))[0].fields["LastName"],
        t("Berg")
    );
    assert!(matches!(run_on(&plan, &unit, 1), Outcome::Failed(e) if e.code == codes::E0906));
    let null_key = route(CONTACTS, vec![target("Contact", col(C_LAST), vec![])]);
    assert!(matches!(run_on(&plan, &null_key, 2), Outcome::Failed(e) if e.code == codes::E0909));
}

#[test]
fn route_filters_and_flags() {
    let plan = crm_plan();
    let mut unit = route(
        CONTACTS,
        vec![target(
            "Contact",
            col(C_ID),
            vec![field("Email", coalesce(col(C_EMAIL), flag("no_email")))],
        )],
    );
    unit.filter = Some(bin(BinOp::Ne, col(C_STATUS), txt("weird")));
    assert_eq!(
        run_on(&plan, &unit, 2),
        Outcome::Filtered {
            rule: "route where".into()
        }
    );
    let out = emitted(run_on(&plan, &unit, 1));
    assert_eq!(out[0].flags, vec!["no_email".to_string()]);
    assert!(emitted(run_on(&plan, &unit, 0))[0].flags.is_empty());
}

fn status_split(otherwise: Option<SplitOtherwise>) -> Unit {
    let lead = target("Lead", col(C_ID), vec![field("Status", col(C_STATUS))]);
    let first = target("Contact", col(C_ID), vec![field("First", txt("yes"))]);
    let is = |s: &str| bin(BinOp::Eq, call(Func::Lower, vec![col(C_STATUS)]), txt(s));
    unit(
        CONTACTS,
        UnitKind::Split {
            arms: vec![
                (is("invited"), lead),
                (bin(BinOp::Ne, col(C_STATUS), lit(Value::Null)), first),
                (lit(Value::Bool(true)), target("Never", col(C_ID), vec![])),
            ],
            otherwise,
        },
    )
}

#[test]
fn splits_take_the_first_matching_arm() {
    let plan = crm_plan();
    let split = status_split(None);
    let lead = emitted(run_on(&plan, &split, 1));
    assert_eq!(
        (lead[0].object.as_str(), lead[0].target, lead[0].id.as_str()),
        ("Lead", 0, "contacts:2")
    );
    let contact = emitted(run_on(&plan, &split, 0));
    assert_eq!(
        (contact[0].object.as_str(), contact[0].target),
        ("Contact", 1)
    );
}

#[test]
fn splits_without_a_match_use_else_or_fail() {
    let plan = crm_plan();
    let narrow = |otherwise| {
        let mut u = status_split(otherwise);
        if let UnitKind::Split { arms, .. } = &mut u.kind {
            arms.truncate(1);
        }
        u
    };
    let other = target("Other", col(C_ID), vec![]);
    let o = emitted(run_on(
        &plan,
        &narrow(Some(SplitOtherwise::Target(other))),
        0,
    ));
    assert_eq!((o[0].object.as_str(), o[0].target), ("Other", 1));
    let skipped = run_on(
        &plan,
        &narrow(Some(SplitOtherwise::Skip("unsupported".into()))),
        0,
    );
    assert!(matches!(skipped, Outcome::Skipped { reason, .. } if reason == "unsupported"));
    assert!(
        matches!(run_on(&plan, &narrow(None), 0), Outcome::Failed(e) if e.code == codes::E0910)
    );
}

fn enrollment_merge() -> Unit {
    let members = |e| ex(TExprKind::Members(Box::new(e)));
    let task = target(
        "Task",
        call(Func::Concat, vec![txt("evt-"), ex(TExprKind::GroupKey(0))]),
        vec![
            field("WhoId", nav(REL_CONTACT, None)),
            field_as(
                "Count",
                agg(Agg::Count, members(col(0))),
                FieldType::Integer,
            ),
            field_as(
                "Best",
                agg(Agg::Max, members(col(E_SCORE))),
                FieldType::Number {
                    precision: Some(5),
                    scale: Some(2),
                },
            ),
            field(
                "Statuses",
                ex(TExprKind::Agg {
                    func: Agg::Join,
                    list: Box::new(agg(Agg::Distinct, members(col(E_STATUS)))),
                    by: None,
                    extra: vec![txt(";")],
                }),
            ),
        ],
    );
    unit(
        ENROLLMENTS,
        UnitKind::Merge {
            by: vec![col(1)],
            target: task,
        },
    )
}

#[test]
fn merges_group_in_file_order_with_key_ids() {
    let plan = crm_plan();
    let data = crm_data(&plan);
    let mut ctx = Ctx::new(&plan, &data);
    let unit = enrollment_merge();
    let mut seen = Vec::new();
    run_unit(&mut ctx, &unit, |subject, outcome| {
        seen.push((subject, outcome))
    });
    assert_eq!(seen.len(), 2);
    let (Subject::Group(g), o) = &seen[0] else {
        panic!("expected a group")
    };
    assert_eq!(g.members, vec![0, 1, 2]);
    let task = &emitted(o.clone())[0];
    assert_eq!(task.id, "enrollments:1");
    assert_eq!(task.key.1, t("evt-1"));
    assert_eq!(task.fields["Count"], Value::Int(3));
    assert_eq!(task.fields["Best"], num("95.5"));
    assert_eq!(task.fields["Statuses"], t("Completed;In Progress"));
    assert_eq!(task.refs["WhoId"], "contacts:1");
    let second = &emitted(seen[1].1.clone())[0];
    assert_eq!(
        (second.id.as_str(), &second.fields["Count"]),
        ("enrollments:2", &Value::Int(1))
    );
}

#[test]
fn deferred_fields_go_to_their_own_maps() {
    let plan = crm_plan();
    let mut t = target("Contact", col(C_ID), vec![field("LastName", txt("x"))]);
    t.deferred = vec![
        field("ReportsToId", nav(REL_MANAGER, None)),
        field("Note", txt("later")),
    ];
    let out = emitted(run_on(&plan, &route(CONTACTS, vec![t]), 1));
    assert_eq!(out[0].deferred_refs["ReportsToId"], "contacts:1");
    assert_eq!(out[0].deferred["Note"], Value::text("later"));
    assert!(!out[0].refs.contains_key("ReportsToId"));
}

#[test]
fn references_render_records_as_ids() {
    let plan = crm_plan();
    let data = crm_data(&plan);
    let mut ctx = Ctx::new(&plan, &data);
    let r = ReferencePlan {
        source: CONTACTS,
        title: "people".into(),
        filter: Some(bin(BinOp::Ne, col(C_LAST), lit(Value::Null))),
        fields: vec![
            ("name".into(), col(C_FIRST)),
            ("enrollments".into(), nav(REL_ENROLLMENTS, None)),
            ("hired".into(), col(C_HIRED)),
        ],
    };
    let doc = run_reference(&mut ctx, &r, 0).unwrap().unwrap();
    assert_eq!(doc["name"], serde_json::json!("Ane"));
    assert_eq!(
        doc["enrollments"],
        serde_json::json!(["enrollments:100", "enrollments:101", "enrollments:102"])
    );
    assert_eq!(doc["hired"], serde_json::json!("2019-08-01"));
    assert_eq!(run_reference(&mut ctx, &r, 2), Ok(None));
}

#[test]
fn source_rules_filter_then_dedupe() {
    let mut plan = crm_plan();
    let mut data = crm_data(&plan);
    // A fourth contact duplicating contact 1's email, created later.
    let mut contacts = data.objects[CONTACTS as usize].clone();
    contacts.push(
        [
            Value::Int(4),
            t("Ane"),
            t("Berg"),
            t("ane.berg@x.example"),
            t("active"),
            Value::Null,
            at("2024-05-01T00:00:00Z"),
            Value::Null,
            Value::Null,
            Value::Null,
        ],
        5,
    );
    data.objects[CONTACTS as usize] = contacts;
    let data = Dataset::new(&plan, data.objects);
    let contacts = &mut plan.sources[CONTACTS as usize];
    contacts.filter = Some(bin(BinOp::Ne, col(C_STATUS), txt("weird")));
    contacts.dedupe = Some(DedupePlan {
        by: vec![call(
            Func::Lower,
            vec![call(Func::Trim, vec![col(C_EMAIL)])],
        )],
        keep: KeepPlan::Latest(col(C_CREATED)),
        span: crate::span::Span::default(),
    });
    let (kept, dropped) = apply_source_rules(&plan, data);
    let reasons: Vec<(&str, &DropReason)> =
        dropped.iter().map(|d| (d.id.as_str(), &d.why)).collect();
    assert_eq!(
        reasons,
        vec![
            (
                "contacts:1",
                &DropReason::Duplicate {
                    kept: "contacts:4".into()
                }
            ),
            ("contacts:3", &DropReason::Filtered),
        ]
    );
    let ids: Vec<String> = (0..kept.len(CONTACTS) as u32)
        .map(|r| kept.record_id(rec(CONTACTS, r)))
        .collect();
    // Contact 2 has no email: never a duplicate.
    assert_eq!(ids, ["contacts:2", "contacts:4"]);
    // Contact 2's manager (contact 1) was removed, so the relation is empty now.
    let mut ctx = Ctx::new(&plan, &kept);
    assert_eq!(
        ctx.eval(&nav(REL_MANAGER, None), Frame::Rec(rec(CONTACTS, 0))),
        Ok(Value::Null)
    );
}

#[test]
fn json_of_emitted_values() {
    assert_eq!(to_json(&num("72.35")), serde_json::json!(72.35));
    assert_eq!(to_json(&Value::Clear), serde_json::Value::Null);
}

#[test]
fn recycled_records_equal_fresh_ones() {
    let plan = crm_plan();
    let data = crm_data(&plan);
    let mut relaxed = contact_target();
    relaxed.fields[0] = field("LastName", coalesce(col(C_LAST), txt("Unknown")));
    let mut note = target("Note", col(C_ID), vec![field("body", col(C_EMAIL))]);
    note.alias = Some("note".into());
    let unit = route(CONTACTS, vec![relaxed, note]);
    let fresh: Vec<Outcome> = (0..3)
        .map(|row| run_record(&mut Ctx::new(&plan, &data), &unit, row))
        .collect();
    let mut ctx = Ctx::new(&plan, &data);
    // Rows in an order that makes fields appear and disappear between runs.
    for row in [0, 1, 0, 2, 1, 2, 0] {
        let o = run_record(&mut ctx, &unit, row);
        assert_eq!(o, fresh[row as usize], "row {row}");
        // Field order is part of the payload: compare it too.
        if let (Outcome::Emitted(a), Outcome::Emitted(b)) = (&o, &fresh[row as usize]) {
            for (x, y) in a.iter().zip(b) {
                assert!(x.fields.keys().eq(y.fields.keys()) && x.refs.keys().eq(y.refs.keys()));
            }
        }
        ctx.recycle(o);
    }
}
