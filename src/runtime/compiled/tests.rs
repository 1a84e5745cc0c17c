//! Every compiled op against the general evaluator, over cells of every
//! kind: where an op gives a value, it is `Ctx::eval`'s, and its value-map
//! counts are those `Ctx::eval` adds; where it is not certain, it bails.

use super::*;
use crate::runtime::fixtures::*;
use crate::runtime::{Ctx, Dataset, Frame, Table};
use chrono::NaiveDate;

fn cells() -> Vec<Value> {
    vec![
        t("Ane"),
        t(" Ane "),
        t("ÅSE Øster "),
        t(""),
        t("   "),
        Value::Null,
        Value::Int(7),
        t("ACTIVE"),
        t("active"),
        t(" pending"),
        t("blocked"),
        t("unknown"),
        t("Acme "),
        t("Nordisk"),
        t("ΣΑΣ"),
        t("a\"b\\c\n"),
        list(vec![t("active")]),
        day("2024-02-29"),
        at("2024-06-01T22:30:00Z"),
        Value::Bool(true),
        Value::Date(NaiveDate::from_ymd_opt(-5, 1, 1).unwrap_or_default()),
        Value::Date(NaiveDate::from_ymd_opt(12_345, 1, 1).unwrap_or_default()),
    ]
}

/// One contact per test cell, the cell in every column.
fn data(plan: &Plan) -> Dataset {
    let mut contacts = Table::new("contacts.csv", 10);
    for (i, v) in cells().into_iter().enumerate() {
        contacts.push(std::iter::repeat_n(v, 10), i as u32 + 2);
    }
    Dataset::new(plan, vec![contacts])
}

fn exprs() -> Vec<TExpr> {
    use crate::plan::BinOp;
    use crate::plan::Func::{Concat, Format, Left, Lower, Trim, Truncate, Upper};
    let c = || col(C_FIRST);
    let map = |map, key| {
        ex(TExprKind::ValueMap {
            map,
            key: Box::new(key),
        })
    };
    let table = |key, column| {
        ex(TExprKind::Table {
            table: TABLE_INDUSTRY,
            key: Box::new(key),
            column: Some(column),
        })
    };
    vec![
        c(),
        txt("x"),
        lit(Value::Null),
        call(Trim, vec![c()]),
        call(Lower, vec![c()]),
        call(Upper, vec![c()]),
        call(Lower, vec![call(Trim, vec![c()])]),
        call(Trim, vec![call(Lower, vec![c()])]),
        call(Upper, vec![call(Lower, vec![c()])]),
        coalesce(c(), txt("(unknown)")),
        coalesce(call(Lower, vec![c()]), txt("z")),
        coalesce(lit(Value::Null), c()),
        map(MAP_STATUS, c()),
        map(MAP_STATUS_ELSE, c()),
        map(MAP_STATUS, call(Lower, vec![c()])),
        map(MAP_STATUS_ELSE, call(Lower, vec![call(Trim, vec![c()])])),
        table(c(), 1),
        table(call(Trim, vec![c()]), 0),
        table(call(Upper, vec![c()]), 1),
        call(Format, vec![col(C_HIRED), txt("%d.%m.%Y")]),
        call(Format, vec![col(C_HIRED), txt("%Y-%m-%d")]),
        call(Concat, vec![txt("c-"), c(), lit(Value::Null), int(4)]),
        call(Concat, vec![call(Lower, vec![c()]), txt("|"), c()]),
        call(Truncate, vec![c(), int(3)]),
        call(Left, vec![call(Upper, vec![c()]), int(2)]),
        call(Truncate, vec![c(), int(0)]),
        int(5),
        coalesce(c(), skip("no_name")),
        nav(REL_MANAGER, None),
        nav(REL_MANAGER, Some(call(Lower, vec![col(C_LAST)]))),
        nav(REL_PRIMARY_COMPANY, Some(col(CO_NAME))),
        ex(TExprKind::Owner(Box::new(c()))),
        ex(TExprKind::Owner(Box::new(call(Trim, vec![c()])))),
        call(crate::plan::Func::Round, vec![c(), int(2)]),
        call(crate::plan::Func::Date, vec![c()]),
        bin(BinOp::Eq, c(), txt("active")),
        bin(BinOp::Ne, c(), lit(Value::Null)),
        bin(BinOp::Lt, c(), txt("M")),
        bin(BinOp::Ge, c(), int(5)),
        bin(
            BinOp::In,
            c(),
            ex(TExprKind::List(vec![txt("active"), txt("Ane"), int(7)])),
        ),
        bin(
            BinOp::NotIn,
            nav(REL_MANAGER, Some(col(C_STATUS))),
            ex(TExprKind::List(vec![txt("x")])),
        ),
        bin(
            BinOp::And,
            bin(BinOp::Eq, c(), txt("Ane")),
            bin(BinOp::Ne, c(), txt("Bo")),
        ),
        bin(BinOp::Or, bin(BinOp::Eq, c(), txt("Ane")), c()),
        ex(TExprKind::Not(Box::new(bin(
            BinOp::Eq,
            c(),
            lit(Value::Null),
        )))),
        ex(TExprKind::Not(Box::new(c()))),
        ex(TExprKind::If {
            cond: Box::new(bin(BinOp::Eq, c(), lit(Value::Null))),
            then: Box::new(flag("missing")),
            otherwise: Box::new(call(Lower, vec![c()])),
        }),
        ex(TExprKind::If {
            cond: Box::new(c()),
            then: Box::new(txt("yes")),
            otherwise: Box::new(lit(Value::Null)),
        }),
        call(
            Concat,
            vec![call(crate::plan::Func::Date, vec![c()]), txt("!")],
        ),
        call(
            Concat,
            vec![call(crate::plan::Func::Round, vec![c(), int(1)]), txt("%")],
        ),
    ]
}

/// What `got` stands for, as `Ctx::eval` would give it.
fn owned(st: &OpState, got: Got<'_>) -> Value {
    match got {
        Got::Val(v) => v.clone(),
        Got::Rec(r) => Value::Rec(r),
        Got::Num(d) => Value::Num(d),
        Got::Day(d) => Value::Date(d),
        Got::Bool(b) => Value::Bool(b),
        Got::OwnerStr(_) | Got::OwnerBuf(..) => {
            Value::Owner(st.owner(got).unwrap_or_default().into())
        }
        _ => st.resolve(got).map_or(Value::Null, Value::text),
    }
}

/// Runs every expression over every row of `data`'s contacts: where an
/// op gives a value, it must be `Ctx::eval`'s, with the same value-map
/// counts. Returns how many were given and how many bailed.
fn against_eval(plan: &Plan, data: &Dataset, exprs: &[TExpr]) -> (usize, usize) {
    let mut st = OpState::default();
    let (mut given, mut bailed) = (0, 0);
    for e in exprs {
        let op = Op::new(e, plan).unwrap_or_else(|| panic!("compiles: {e:?}"));
        for row in 0..data.len(CONTACTS) as u32 {
            let r = rec(CONTACTS, row);
            st.begin();
            let got = op.eval(data, r, &mut st);
            if got == Got::Bail {
                bailed += 1;
                continue;
            }
            given += 1;
            let mut ctx = Ctx::new(plan, data);
            // As the executor starts a record (misses take its id).
            ctx.begin(Some(r));
            let mut mine = ctx.coverage.clone();
            let want = ctx.eval(e, Frame::Rec(r));
            let ours = owned(&st, got);
            assert_eq!(Ok(ours), want, "{e:?} on row {row}");
            st.count(&mut mine, data, r);
            assert_eq!(mine, ctx.coverage, "coverage of {e:?} on row {row}");
        }
    }
    (given, bailed)
}

#[test]
fn ops_give_what_the_evaluator_gives_or_bail() {
    let plan = crm_plan();
    let (given, bailed) = against_eval(&plan, &data(&plan), &exprs());
    // Most combinations are certain; the rest (numbers, lists, datetimes,
    // misses, skips, far years) are the general evaluator's.
    assert!(given >= 200, "{given} given, {bailed} bailed");
    assert!(bailed >= 100, "{given} given, {bailed} bailed");
}

/// One contact per text, the text in every column: texts as no stager
/// would leave them (untrimmed, Unicode white space at the ends) and case
/// changes that change lengths or need context.
fn raw_data(plan: &Plan) -> Dataset {
    let texts = [
        "\u{a0}Active\u{a0}",
        "\u{2003}active",
        "ACTIVE\u{85}",
        "\u{2028}x\u{3000}",
        "\u{200b}active",
        "\u{feff}Acme",
        " Nordisk\t",
        "Straße",
        "İNVITED",
        "ΌΣΟΣ ΣΑΣ",
        "ǅemal",
        "ﬁ ﬃ",
        "ŉ ᾼ",
        "\u{212a}elvin",
        "a\"b\\c\u{1}\u{7f}",
        "\r\n",
        "",
    ];
    let mut contacts = Table::new("contacts.csv", 10);
    for (i, s) in texts.iter().enumerate() {
        contacts.push(std::iter::repeat_n(t(s), 10), i as u32 + 2);
    }
    Dataset::new(plan, vec![contacts])
}

#[test]
fn raw_unicode_texts_give_what_the_evaluator_gives() {
    use crate::plan::Func::{Concat, Left, Lower, Trim, Upper};
    let plan = crm_plan();
    let data = raw_data(&plan);
    let c = || col(C_FIRST);
    let mut all = exprs();
    all.extend([
        call(
            Trim,
            vec![call(Concat, vec![txt("\u{a0} "), c(), txt("\u{2003}")])],
        ),
        call(Left, vec![call(Trim, vec![call(Upper, vec![c()])]), int(4)]),
        call(Upper, vec![call(Left, vec![c(), int(1)])]),
        call(Lower, vec![call(Upper, vec![c()])]),
        call(Concat, vec![call(Upper, vec![c()]), call(Lower, vec![c()])]),
        coalesce(call(Trim, vec![c()]), txt("-")),
        ex(TExprKind::ValueMap {
            map: MAP_STATUS_ELSE,
            key: Box::new(call(Concat, vec![c()])),
        }),
    ]);
    let (given, bailed) = against_eval(&plan, &data, &all);
    assert!(given >= 400, "{given} given, {bailed} bailed");
}

#[test]
fn uncertain_values_bail() {
    let plan = crm_plan();
    let data = data(&plan);
    let mut st = OpState::default();
    let row = |v: &Value| cells().iter().position(|c| c == v).unwrap_or(0) as u32;
    // `None`: bailed; else the value given.
    let on = |e: TExpr, v: Value, st: &mut OpState| -> Option<Value> {
        let op = Op::new(&e, &plan).unwrap_or_else(|| panic!("compiles: {e:?}"));
        st.begin();
        let got = op.eval(&data, rec(CONTACTS, row(&v)), st);
        (got != Got::Bail).then(|| owned(st, got))
    };
    let status = |key| {
        ex(TExprKind::ValueMap {
            map: MAP_STATUS,
            key: Box::new(key),
        })
    };
    // A number is handed on as it is; a text function of one converts it
    // (the general evaluator's business).
    assert_eq!(
        on(col(C_FIRST), Value::Int(7), &mut st),
        Some(Value::Int(7))
    );
    let lower = call(crate::plan::Func::Lower, vec![col(C_FIRST)]);
    assert_eq!(on(lower, Value::Int(7), &mut st), None);
    // A miss gives the map's `else` (null without one) and is counted
    // with its key; a skip arm skips.
    assert_eq!(
        on(status(col(C_FIRST)), t("unknown"), &mut st),
        Some(Value::Null)
    );
    assert!(matches!(
        st.hits.as_slice(),
        [(MAP_STATUS, Hit::Miss(0, 7))]
    ));
    assert_eq!(on(status(col(C_FIRST)), t("blocked"), &mut st), None);
    assert!(st.hits.len() == 1, "the skip arm matched before bailing");
    // Datetimes need the spec's zone; far years need chrono.
    let format = |c| call(crate::plan::Func::Format, vec![c, txt("%d.%m.%Y")]);
    assert_eq!(
        on(format(col(C_HIRED)), at("2024-06-01T22:30:00Z"), &mut st),
        None
    );
    let far = cells()[21].clone();
    assert_eq!(on(format(col(C_HIRED)), far, &mut st), None);
    // What the shapes do not cover does not compile.
    let title = call(crate::plan::Func::Title, vec![col(C_FIRST)]);
    assert!(Op::new(&title, &plan).is_none());
    // An owner of a non-ASCII email is lower-cased by Unicode rules: bail.
    let owner = ex(TExprKind::Owner(Box::new(col(C_FIRST))));
    assert_eq!(on(owner.clone(), t("ÅSE Øster "), &mut st), None);
    assert_eq!(
        on(owner, t(" Ane "), &mut st),
        Some(Value::Owner("ane".into()))
    );
    let to_many = nav(REL_ENROLLMENTS, None);
    assert!(Op::new(&to_many, &plan).is_none());
    assert!(Op::new(&format(txt("2024-01-01")), &plan).is_none());
    assert!(Op::new(&format(col(C_HIRED)).clone(), &plan).is_some());
    let time = call(crate::plan::Func::Format, vec![col(C_HIRED), txt("%H:%M")]);
    assert!(Op::new(&time, &plan).is_none());
}

/// Random trees of the compiled shapes (xorshift-chosen, up to four deep)
/// over the raw texts, against `Ctx::eval`.
#[test]
fn random_trees_over_raw_texts_give_what_the_evaluator_gives() {
    use crate::plan::Func::{Concat, Left, Lower, Trim, Truncate, Upper};
    fn tree(seed: &mut u64, depth: u32) -> TExpr {
        *seed ^= *seed << 13;
        *seed ^= *seed >> 7;
        *seed ^= *seed << 17;
        let pick = (*seed >> 32) % if depth == 0 { 3 } else { 12 };
        let sub = |seed: &mut u64| tree(seed, depth.saturating_sub(1));
        match pick {
            0 => col(C_FIRST),
            1 => txt(["\u{a0}", "ß", " Σ ", ""][(*seed % 4) as usize]),
            2 => col(C_LAST),
            3 => call(Trim, vec![sub(seed)]),
            4 => call(Lower, vec![sub(seed)]),
            5 => call(Upper, vec![sub(seed)]),
            6 => coalesce(sub(seed), sub(seed)),
            7 => call(Concat, vec![sub(seed), sub(seed)]),
            8 => call(Truncate, vec![sub(seed), int((*seed % 5) as i64)]),
            9 => call(Left, vec![sub(seed), int(2)]),
            10 => ex(TExprKind::ValueMap {
                map: [MAP_STATUS, MAP_STATUS_ELSE][(*seed % 2) as usize],
                key: Box::new(sub(seed)),
            }),
            _ => ex(TExprKind::Table {
                table: TABLE_INDUSTRY,
                key: Box::new(sub(seed)),
                column: Some(1),
            }),
        }
    }
    let plan = crm_plan();
    let data = raw_data(&plan);
    let mut seed = 0x5eed_u64;
    let trees: Vec<TExpr> = (0..400).map(|_| tree(&mut seed, 4)).collect();
    let (given, bailed) = against_eval(&plan, &data, &trees);
    assert!(given >= 2000, "{given} given, {bailed} bailed");
}

/// `owner(…)` of emails no stager would leave (Unicode white space,
/// upper case, control characters, the fallback's own) and `round` of
/// numbers, under every `owners` policy, against `Ctx::eval`.
#[test]
fn owners_and_rounds_under_every_policy() {
    use crate::plan::Func::{Concat, Left, Lower, Round, Trim, Upper};
    use crate::plan::{OwnerFallback, OwnersPlan};
    let emails = [
        "\u{a0}A@X.DK\u{a0}",
        " a b@c.d ",
        "\u{85}MIGRATION@nordisk.example",
        "migration@nordisk.example",
        "\u{2003}\u{2028}",
        "x@y.z\u{200b}",
        "\u{feff}q@r.s",
        "\u{212a}@x.dk",
        "\tTAB@X.DK\r\n",
        "a\u{1}@b\u{7f}",
        "",
    ];
    let numbers = [num("12.345"), num("-0.005"), Value::Int(7), Value::Null];
    let mut contacts = Table::new("contacts.csv", 10);
    for (i, s) in emails.iter().enumerate() {
        let mut row: Vec<Value> = std::iter::repeat_n(t(s), 10).collect();
        row[C_SCORE as usize] = numbers[i % numbers.len()].clone();
        contacts.push(row, i as u32 + 2);
    }
    let c = || col(C_FIRST);
    let owner = |e| ex(TExprKind::Owner(Box::new(e)));
    let round = |e, n| call(Round, vec![e, int(n)]);
    let exprs = vec![
        owner(c()),
        owner(call(Trim, vec![c()])),
        owner(call(Lower, vec![c()])),
        owner(call(Upper, vec![c()])),
        owner(call(Left, vec![c(), int(3)])),
        owner(call(Concat, vec![txt(" "), c(), txt("\u{a0}")])),
        owner(coalesce(col(C_EMAIL), txt(" Z@Z.Z "))),
        coalesce(owner(c()), owner(txt("B@B.B"))),
        owner(txt("")),
        round(col(C_SCORE), 2),
        round(col(C_SCORE), 0),
        round(round(col(C_SCORE), 3), 1),
        call(Concat, vec![round(col(C_SCORE), 1), txt("/"), c()]),
        coalesce(round(col(C_SCORE), 2), lit(Value::Int(0))),
    ];
    let fallbacks = [
        Some(OwnerFallback::Owner("Migration@Nordisk.example ".into())),
        Some(OwnerFallback::Owner(" ".into())),
        Some(OwnerFallback::Owner("ÜNÏ@X.DK".into())),
        Some(OwnerFallback::Skip("no owner".into())),
        None,
    ];
    for fallback in fallbacks {
        let mut plan = crm_plan();
        plan.owners = Some(OwnersPlan {
            match_on: "email".into(),
            fallback,
        });
        let data = Dataset::new(&plan, vec![contacts.clone()]);
        let (given, bailed) = against_eval(&plan, &data, &exprs);
        assert!(given >= 100, "{given} given, {bailed} bailed");
    }
}
