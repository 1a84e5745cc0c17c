//! Evaluator tests over the CRM fixture.

use super::*;
use crate::plan::{Agg, BinOp, Func, OwnerFallback, OwnersPlan};
use crate::runtime::fixtures::*;

fn on(e: &TExpr, row: u32) -> Result<Value, Fault> {
    eval_on(e, rec(CONTACTS, row))
}

fn recs(object: u32, rows: &[u32]) -> Value {
    list(
        rows.iter()
            .map(|&row| Value::Rec(rec(object, row)))
            .collect(),
    )
}

#[test]
fn columns_literals_and_lists() {
    assert_eq!(on(&col(C_FIRST), 0), Ok(t("Ane")));
    assert_eq!(on(&col(C_LAST), 2), Ok(Value::Null));
    assert_eq!(on(&col(99), 0), Ok(Value::Null));
    let l = ex(TExprKind::List(vec![int(1), col(C_ID)]));
    assert_eq!(on(&l, 1), Ok(list(vec![Value::Int(1), Value::Int(2)])));
    assert_eq!(
        on(&ex(TExprKind::TakenAt), 0),
        Ok(at("2024-06-01T00:00:00Z"))
    );
}

#[test]
fn forward_navigation_gives_one_record_or_null() {
    let manager = nav(REL_MANAGER, None);
    let manager_name = nav(REL_MANAGER, Some(col(C_FIRST)));
    assert_eq!(on(&manager, 1), Ok(Value::Rec(rec(CONTACTS, 0))));
    assert_eq!(on(&manager_name, 1), Ok(t("Ane")));
    assert_eq!(on(&manager_name, 0), Ok(Value::Null), "no manager");
    assert_eq!(on(&manager_name, 2), Ok(Value::Null), "dangling manager id");
}

#[test]
fn reverse_navigation_gives_lists_in_file_order() {
    assert_eq!(
        on(&nav(REL_ENROLLMENTS, None), 0),
        Ok(recs(ENROLLMENTS, &[0, 1, 2]))
    );
    let scores = nav(REL_ENROLLMENTS, Some(col(E_SCORE)));
    assert_eq!(
        on(&scores, 0),
        Ok(list(vec![num("80"), Value::Null, num("95.5")]))
    );
    assert_eq!(on(&scores, 2), Ok(list(vec![])));
    // Two to-many hops flatten into one list: enrollments.contact.enrollments.score
    let hop = nav(
        REL_ENROLLMENTS,
        Some(nav(
            REL_CONTACT,
            Some(nav(REL_ENROLLMENTS, Some(col(E_SCORE)))),
        )),
    );
    let Ok(Value::List(items)) = on(&hop, 0) else {
        panic!("expected a list")
    };
    assert_eq!(items.len(), 9);
    assert_eq!(items[3], num("80"));
}

#[test]
fn link_navigation_honours_the_primary_filter() {
    let primary = nav(REL_PRIMARY_COMPANY, Some(col(CO_NAME)));
    assert_eq!(on(&primary, 0), Ok(t("Nordisk")));
    assert_eq!(on(&primary, 1), Ok(t("Acme")));
    assert_eq!(on(&primary, 2), Ok(Value::Null));
    let all = nav(REL_COMPANIES, Some(col(CO_NAME)));
    assert_eq!(on(&all, 0), Ok(list(vec![t("Acme"), t("Nordisk")])));
}

#[test]
fn navigation_from_the_wrong_object_is_an_internal_error() {
    let e = nav(REL_CONTACT, None);
    assert_eq!(err_code(on(&e, 0)), "E0912");
}

#[test]
fn filters_and_aggregates_over_relations() {
    let completed = ex(TExprKind::Filter {
        list: Box::new(nav(REL_ENROLLMENTS, None)),
        cond: Box::new(bin(BinOp::Eq, col(E_STATUS), txt("Completed"))),
    });
    assert_eq!(on(&completed, 0), Ok(recs(ENROLLMENTS, &[0, 2])));
    assert_eq!(
        on(&agg(Agg::Count, completed.clone()), 0),
        Ok(Value::Int(2))
    );
    assert_eq!(
        on(&agg(Agg::Any, completed.clone()), 0),
        Ok(Value::Bool(true))
    );
    assert_eq!(on(&agg(Agg::Any, completed), 2), Ok(Value::Bool(false)));
    // A condition that is null (no score) filters the element out.
    let scored = ex(TExprKind::Filter {
        list: Box::new(nav(REL_ENROLLMENTS, None)),
        cond: Box::new(bin(BinOp::Gt, col(E_SCORE), int(50))),
    });
    assert_eq!(on(&scored, 0), Ok(recs(ENROLLMENTS, &[0, 2])));
    let latest = agg_by(
        Agg::Latest,
        nav(REL_ENROLLMENTS, Some(col(E_SCORE))),
        nav(REL_ENROLLMENTS, Some(col(E_COMPLETED))),
    );
    assert_eq!(on(&latest, 0), Ok(num("80")));
    assert_eq!(
        on(&agg(Agg::Max, nav(REL_ENROLLMENTS, Some(col(E_SCORE)))), 0),
        Ok(num("95.5"))
    );
    let join = ex(TExprKind::Agg {
        func: Agg::Join,
        list: Box::new(agg(
            Agg::Distinct,
            nav(REL_ENROLLMENTS, Some(col(E_STATUS))),
        )),
        by: None,
        extra: vec![txt(";")],
    });
    assert_eq!(on(&join, 0), Ok(t("Completed;In Progress")));
}

#[test]
fn coalesce_catches_errors_and_nulls_but_not_skips() {
    let bad = call(Func::Number, vec![col(C_FIRST)]);
    assert_eq!(err_code(on(&bad, 0)), "E0901");
    assert_eq!(on(&coalesce(bad.clone(), int(0)), 0), Ok(Value::Int(0)));
    assert_eq!(
        on(&coalesce(col(C_LAST), txt("Unknown")), 2),
        Ok(t("Unknown"))
    );
    assert_eq!(on(&coalesce(col(C_LAST), txt("Unknown")), 0), Ok(t("Berg")));
    let skipping = coalesce(spanned(skip("nope"), 3, 9), txt("x"));
    assert_eq!(
        on(&skipping, 0),
        Err(Fault::Skip(Box::new(crate::runtime::Skip {
            reason: "nope".into(),
            span: Span::new(3, 9)
        })))
    );
    // The right side's own skip propagates.
    let s = coalesce(col(C_LAST), skip("missing_last_name"));
    assert!(matches!(on(&s, 2), Err(Fault::Skip(s)) if s.reason == "missing_last_name"));
    // `clear` is a value, not null.
    assert_eq!(
        on(&coalesce(ex(TExprKind::Clear), txt("x")), 0),
        Ok(Value::Clear)
    );
}

#[test]
fn flags_are_recorded_once_and_evaluate_to_null() {
    let plan = crm_plan();
    let data = crm_data(&plan);
    let mut ctx = Ctx::new(&plan, &data);
    let e = coalesce(col(C_EMAIL), flag("no_email"));
    let r = rec(CONTACTS, 1);
    ctx.begin(Some(r));
    assert_eq!(ctx.eval(&e, Frame::Rec(r)), Ok(Value::Null));
    assert_eq!(ctx.eval(&e, Frame::Rec(r)), Ok(Value::Null));
    assert_eq!(ctx.flags, vec!["no_email".to_string()]);
    ctx.begin(Some(rec(CONTACTS, 0)));
    assert!(ctx.flags.is_empty());
    assert!(ctx.eval(&e, Frame::Rec(rec(CONTACTS, 0))).is_ok());
    assert!(ctx.flags.is_empty());
}

#[test]
fn write_states_clear_and_placeholders() {
    assert_eq!(on(&ex(TExprKind::Clear), 0), Ok(Value::Clear));
    assert_eq!(
        on(&ex(TExprKind::Placeholder(0)), 0),
        Ok(Value::Placeholder(0))
    );
    assert_eq!(on(&ex(TExprKind::Produced(1)), 0), Ok(Value::Produced(1)));
}

#[test]
fn owners_are_normalized_and_fall_back() {
    let owner = |e: TExpr| ex(TExprKind::Owner(Box::new(e)));
    assert_eq!(
        on(&owner(col(C_EMAIL)), 0),
        Ok(Value::Owner("ane.berg@x.example".into()))
    );
    assert_eq!(
        on(&owner(col(C_EMAIL)), 1),
        Ok(Value::Owner("migration@nordisk.example".into()))
    );
    assert_eq!(
        on(&owner(txt("  ")), 1),
        Ok(Value::Owner("migration@nordisk.example".into()))
    );
    let mut plan = crm_plan();
    plan.owners = Some(OwnersPlan {
        match_on: "email".into(),
        fallback: Some(OwnerFallback::Skip("unresolved_owner".into())),
    });
    let data = crm_data(&plan);
    let mut ctx = Ctx::new(&plan, &data);
    let r = Frame::Rec(rec(CONTACTS, 1));
    assert!(
        matches!(ctx.eval(&owner(col(C_EMAIL)), r), Err(Fault::Skip(s)) if s.reason == "unresolved_owner")
    );
    plan.owners = None;
    let mut ctx = Ctx::new(&plan, &data);
    assert_eq!(ctx.eval(&owner(col(C_EMAIL)), r), Ok(Value::Null));
}

#[test]
fn value_maps_match_keep_skip_and_count_coverage() {
    let plan = crm_plan();
    let data = crm_data(&plan);
    let mut ctx = Ctx::new(&plan, &data);
    let m = |map, key| {
        ex(TExprKind::ValueMap {
            map,
            key: Box::new(key),
        })
    };
    let run = |ctx: &mut Ctx<'_>, e: &TExpr, row| {
        ctx.begin(Some(rec(CONTACTS, row)));
        ctx.eval(e, Frame::Rec(rec(CONTACTS, row)))
    };
    let status = m(MAP_STATUS, col(C_STATUS));
    assert_eq!(run(&mut ctx, &status, 0), Ok(t("Active")));
    assert_eq!(
        run(&mut ctx, &status, 1),
        Ok(t("Lead")),
        "case-insensitive `Invited`"
    );
    assert_eq!(
        run(&mut ctx, &status, 2),
        Ok(Value::Null),
        "no arm, no else"
    );
    assert_eq!(
        run(&mut ctx, &m(MAP_STATUS, txt(" ACTIVE ")), 2),
        Ok(t("Active"))
    );
    assert!(
        matches!(run(&mut ctx, &m(MAP_STATUS, txt("blocked")), 0), Err(Fault::Skip(s)) if s.reason == "blocked")
    );
    assert_eq!(
        run(&mut ctx, &m(MAP_STATUS, col(C_LAST)), 2),
        Ok(Value::Null),
        "null key"
    );
    let with_else = m(MAP_STATUS_ELSE, col(C_STATUS));
    assert_eq!(run(&mut ctx, &with_else, 0), Ok(t("active")), "keep");
    assert_eq!(run(&mut ctx, &with_else, 2), Ok(t("Other")), "else");

    let cov = &ctx.coverage.maps[MAP_STATUS as usize];
    assert_eq!(cov.hits, vec![2, 1, 1]);
    assert_eq!(cov.nulls, 1);
    assert_eq!(cov.misses.len(), 1);
    assert_eq!(cov.misses["weird"].count, 1);
    assert_eq!(cov.misses["weird"].examples, vec!["contacts:3".to_string()]);
    let cov_else = &ctx.coverage.maps[MAP_STATUS_ELSE as usize];
    assert_eq!(cov_else.misses["weird"].count, 1);

    let mut total = Coverage::default();
    total.merge(&ctx.coverage);
    total.merge(&ctx.coverage);
    assert_eq!(total.maps[MAP_STATUS as usize].hits, vec![4, 2, 2]);
    assert_eq!(
        total.maps[MAP_STATUS as usize].misses["weird"]
            .examples
            .len(),
        2
    );
}

#[test]
fn lookup_tables() {
    let cell = |key| {
        ex(TExprKind::Table {
            table: TABLE_INDUSTRY,
            key: Box::new(key),
            column: Some(1),
        })
    };
    assert_eq!(on(&cell(txt("Acme")), 0), Ok(t("Manufacturing")));
    assert_eq!(on(&cell(txt("Nordisk")), 0), Ok(Value::Null), "empty cell");
    assert_eq!(on(&cell(txt("Other")), 0), Ok(Value::Null));
    assert_eq!(
        on(&coalesce(cell(txt("Other")), txt("Other")), 0),
        Ok(t("Other"))
    );
    let company = nav(REL_PRIMARY_COMPANY, Some(col(CO_NAME)));
    assert_eq!(on(&cell(company), 1), Ok(t("Manufacturing")));
    let row = ex(TExprKind::Table {
        table: TABLE_INDUSTRY,
        key: Box::new(txt("Acme")),
        column: None,
    });
    assert_eq!(on(&row, 0), Ok(list(vec![t("Acme"), t("Manufacturing")])));
}

#[test]
fn logic_treats_null_as_false() {
    let null = || lit(Value::Null);
    let yes = || lit(Value::Bool(true));
    assert_eq!(
        on(&bin(BinOp::And, yes(), null()), 0),
        Ok(Value::Bool(false))
    );
    assert_eq!(on(&bin(BinOp::Or, null(), yes()), 0), Ok(Value::Bool(true)));
    assert_eq!(
        on(&ex(TExprKind::Not(Box::new(null()))), 0),
        Ok(Value::Bool(true))
    );
    let cond = ex(TExprKind::If {
        cond: Box::new(null()),
        then: Box::new(int(1)),
        otherwise: Box::new(int(2)),
    });
    assert_eq!(on(&cond, 0), Ok(Value::Int(2)));
    // `and` short-circuits: the right side's skip never runs.
    let short = bin(BinOp::And, lit(Value::Bool(false)), skip("never"));
    assert_eq!(on(&short, 0), Ok(Value::Bool(false)));
    let is_null = bin(BinOp::Eq, col(C_LAST), null());
    assert_eq!(on(&is_null, 2), Ok(Value::Bool(true)));
    assert_eq!(on(&is_null, 0), Ok(Value::Bool(false)));
    let member = bin(
        BinOp::In,
        col(C_STATUS),
        lit(list(vec![t("invited"), t("active")])),
    );
    assert_eq!(on(&member, 0), Ok(Value::Bool(true)));
    assert_eq!(
        on(&member, 1),
        Ok(Value::Bool(false)),
        "`in` is case-sensitive"
    );
}

#[test]
fn builtins_through_the_evaluator() {
    let email = call(Func::Lower, vec![call(Func::Trim, vec![col(C_EMAIL)])]);
    assert_eq!(on(&email, 0), Ok(t("ane.berg@x.example")));
    assert_eq!(on(&email, 1), Ok(Value::Null));
    let name = call(Func::Concat, vec![col(C_FIRST), txt(" "), col(C_LAST)]);
    assert_eq!(on(&name, 2), Ok(t("Cy ")));
    assert_eq!(
        on(&call(Func::Title, vec![col(C_LAST)]), 1),
        Ok(t("Østergaard"))
    );
    assert_eq!(
        on(&call(Func::Round, vec![col(C_SCORE), int(2)]), 0),
        Ok(num("72.35"))
    );
    let phone = call(Func::E164, vec![col(C_PHONE), txt("DK")]);
    assert_eq!(on(&phone, 0), Ok(t("+4520123456")));
    assert_eq!(on(&phone, 1), Ok(t("+4520123456")));
    assert_eq!(err_code(on(&phone, 2)), "E0904");
    let hired = call(Func::Format, vec![col(C_HIRED), txt("%d.%m.%Y")]);
    assert_eq!(on(&hired, 0), Ok(t("01.08.2019")));
    assert_eq!(
        on(&call(Func::Date, vec![col(C_CREATED)]), 0),
        Ok(day("2024-01-01"))
    );
    assert_eq!(err_code(on(&call(Func::Lower, vec![]), 0)), "E0912");
    let parts = call(Func::Split, vec![txt("a; b;;c")]);
    assert_eq!(on(&parts, 0), Ok(list(vec![t("a"), t("b"), t("c")])));
}

#[test]
fn merge_frames_read_keys_members_and_the_first_member() {
    let plan = crm_plan();
    let data = crm_data(&plan);
    let mut ctx = Ctx::new(&plan, &data);
    let keys = [Value::Int(1)];
    let frame = Frame::Group {
        object: ENROLLMENTS,
        members: &[0, 1, 2],
        keys: &keys,
    };
    assert_eq!(
        ctx.eval(&ex(TExprKind::GroupKey(0)), frame),
        Ok(Value::Int(1))
    );
    assert_eq!(
        err_code(ctx.eval(&ex(TExprKind::GroupKey(1)), frame)),
        "E0912"
    );
    assert_eq!(
        ctx.eval(&col(0), frame),
        Ok(Value::Int(100)),
        "first member"
    );
    let scores = ex(TExprKind::Members(Box::new(col(E_SCORE))));
    assert_eq!(
        ctx.eval(&scores, frame),
        Ok(list(vec![num("80"), Value::Null, num("95.5")]))
    );
    assert_eq!(ctx.eval(&agg(Agg::Sum, scores), frame), Ok(num("175.5")));
    let contact = nav(REL_CONTACT, Some(col(C_FIRST)));
    assert_eq!(ctx.eval(&contact, frame), Ok(t("Ane")));
    let outside = Frame::Rec(rec(ENROLLMENTS, 0));
    assert_eq!(
        err_code(ctx.eval(&ex(TExprKind::GroupKey(0)), outside)),
        "E0912"
    );
    let empty = Frame::Group {
        object: ENROLLMENTS,
        members: &[],
        keys: &keys,
    };
    assert_eq!(err_code(ctx.eval(&col(0), empty)), "E0912");
}

#[test]
fn every_function_gives_null_on_null_except_concat() {
    let null = || lit(Value::Null);
    let second = |f: Func| match f {
        Func::Split | Func::Replace => Some(txt(";")),
        Func::Truncate | Func::Left | Func::Round => Some(int(2)),
        Func::E164 => Some(txt("DK")),
        Func::Format => Some(txt("%Y")),
        _ => None,
    };
    let all = [
        Func::Lower,
        Func::Upper,
        Func::Trim,
        Func::Title,
        Func::Split,
        Func::Replace,
        Func::Truncate,
        Func::Left,
        Func::Len,
        Func::E164,
        Func::Round,
        Func::Number,
        Func::Integer,
        Func::Date,
        Func::Datetime,
        Func::Format,
    ];
    for f in all {
        let mut args = vec![null()];
        args.extend(second(f));
        if f == Func::Replace {
            args.push(txt(","));
        }
        assert_eq!(on(&call(f, args), 0), Ok(Value::Null), "{f:?}");
    }
    assert_eq!(on(&call(Func::Concat, vec![null(), null()]), 0), Ok(t("")));
}
