use super::*;
use crate::plan::PlanOptions;
use crate::schema::model::EnumValue;
use crate::stage::values::{parse_datetime, DateFormats, Overlap};
use chrono::NaiveDate;
use std::str::FromStr;

fn plan(date_formats: &[&str]) -> Plan {
    Plan {
        source_system: "actimo".into(),
        destination: "salesforce".into(),
        options: PlanOptions {
            timezone: "Europe/Copenhagen".into(),
            date_formats: date_formats.iter().map(|s| s.to_string()).collect(),
            strict: false,
            multi_value_separator: ";".into(),
        },
        sources: Vec::new(),
        relations: Vec::new(),
        value_maps: Vec::new(),
        tables: Vec::new(),
        owners: None,
        placeholders: Vec::new(),
        units: Vec::new(),
        references: Vec::new(),
        load_order: Vec::new(),
    }
}

fn conv() -> Conventions {
    let mut c = Conventions::from_defaults(None);
    c.date_formats = vec![
        "%Y-%m-%d".into(),
        "%d-%m-%Y".into(),
        "%d.%m.%Y".into(),
        "%d/%m/%Y".into(),
    ];
    c.datetime_formats = vec!["%Y-%m-%d %H:%M:%S".into(), "%d-%m-%Y %H:%M".into()];
    c
}

fn column(ty: FieldType) -> ColumnPlan {
    ColumnPlan {
        name: "c".into(),
        headers: vec!["c".into()],
        ty,
        nullable: true,
        formats: Vec::new(),
        declared: false,
    }
}

/// Reads `cells` with a column of type `ty`: values and problem codes.
fn read_with(
    p: &Plan,
    ty: FieldType,
    mark: DecimalMark,
    cells: &[&str],
) -> Vec<(Value, Vec<&'static str>)> {
    let mut r = ColumnReader::new(&column(ty), p, &conv(), mark).expect("reader");
    cells
        .iter()
        .map(|c| {
            let mut probs = Vec::new();
            let v = r.read(c, 7, &mut probs);
            (v, probs.iter().map(|p| p.code.id).collect())
        })
        .collect()
}

fn read(ty: FieldType, cells: &[&str]) -> Vec<(Value, Vec<&'static str>)> {
    read_with(
        &plan(&["%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y", "%d/%m/%Y"]),
        ty,
        DecimalMark::Point,
        cells,
    )
}

fn num(s: &str) -> Value {
    Value::Num(Decimal::from_str(s).unwrap())
}

#[test]
fn keys_stay_text_and_mangled_numbers_are_reported_but_kept() {
    let got = read(FieldType::Id, &[" 000123 ", "4.52012E+09", "E-5531"]);
    assert_eq!(got[0], (Value::text("000123"), vec![]));
    assert_eq!(got[1], (Value::text("4.52012E+09"), vec!["E0811"]));
    assert_eq!(got[2], (Value::text("E-5531"), vec![]));
    let phones = read(FieldType::Phone, &["+45 20 12 34 56", "4,52012E+09"]);
    assert_eq!(phones[0].0, Value::text("+45 20 12 34 56"));
    assert_eq!(phones[1].1, vec!["E0811"]);
}

#[test]
fn numbers_follow_the_files_decimal_mark() {
    let p = plan(&[]);
    let comma = read_with(
        &p,
        FieldType::Number {
            precision: None,
            scale: None,
        },
        DecimalMark::Comma,
        &["72,5", "1.234,5", "N/A"],
    );
    assert_eq!(comma[0], (num("72.5"), vec![]));
    assert_eq!(comma[1], (num("1234.5"), vec![]));
    assert_eq!(comma[2], (Value::Null, vec!["E0816"]));
    let point = read_with(
        &p,
        FieldType::Integer,
        DecimalMark::Point,
        &["1,234", "ca. 30 min"],
    );
    assert_eq!(point[0], (Value::Int(1234), vec![]));
    assert_eq!(point[1], (Value::Null, vec!["E0805"]));
    let money = read_with(
        &p,
        FieldType::Currency,
        DecimalMark::Comma,
        &["kr. 1.234,50", "99 DKK"],
    );
    assert_eq!(money[0].0, num("1234.50"));
    assert_eq!(money[1].0, num("99"));
}

#[test]
fn percentages_are_points_and_fractions_are_not_guessed() {
    let got = read(
        FieldType::Percent,
        &["69.4%", "69 %", "69", "0.5", "0.694", "No rate available"],
    );
    assert_eq!(got[0].0, num("69.4"));
    assert_eq!(got[1].0, num("69"));
    assert_eq!(got[2].0, num("69"));
    assert_eq!(got[3].0, num("0.5"));
    assert_eq!(got[4], (Value::Null, vec!["E0817"]));
    assert_eq!(got[5], (Value::Null, vec!["E0816"]));
    let comma = read_with(
        &plan(&[]),
        FieldType::Percent,
        DecimalMark::Comma,
        &["36,3 %"],
    );
    assert_eq!(comma[0].0, num("36.3"));
}

#[test]
fn booleans_accept_aliases() {
    let got = read(
        FieldType::Boolean,
        &["Ja", "X", "TRUE", "nej", "0", "måske"],
    );
    let vals: Vec<Value> = got.iter().map(|g| g.0.clone()).collect();
    assert_eq!(
        vals,
        vec![
            Value::Bool(true),
            Value::Bool(true),
            Value::Bool(true),
            Value::Bool(false),
            Value::Bool(false),
            Value::Null
        ]
    );
    assert_eq!(got[5].1, vec!["E0809"]);
}

#[test]
fn dates_in_declared_formats_serials_and_ambiguity() {
    let d = |y, m, dd| Value::Date(NaiveDate::from_ymd_opt(y, m, dd).unwrap());
    let got = read(
        FieldType::Date,
        &[
            "2024-03-05",
            "05-03-2024",
            "05.03.2024",
            "13/3/2024",
            "45356",
            "03/05/2024",
            "0000-00-00",
        ],
    );
    assert_eq!(got[0].0, d(2024, 3, 5));
    assert_eq!(got[1].0, d(2024, 3, 5));
    assert_eq!(got[2].0, d(2024, 3, 5));
    assert_eq!(got[3].0, d(2024, 3, 13));
    assert_eq!(got[4].0, d(2024, 3, 5));
    assert_eq!(got[5], (Value::Null, vec!["E0808"]));
    assert_eq!(got[6], (Value::Null, vec!["E0812"]));
    // The spec itself declaring a `/` format settles the order.
    let settled = plan(&["%d/%m/%Y", "%Y-%m-%d"]);
    let mut c = conv();
    c.date_formats = vec!["%Y-%m-%d".into()];
    let mut r =
        ColumnReader::new(&column(FieldType::Date), &settled, &c, DecimalMark::Point).unwrap();
    let mut probs = Vec::new();
    assert_eq!(r.read("03/05/2024", 2, &mut probs), d(2024, 5, 3));
    assert!(probs.is_empty());
    assert_eq!(r.read("45356", 9, &mut probs), d(2024, 3, 5));
    assert_eq!(r.excel_serials(), &(1, vec![9]));
}

#[test]
fn ui_datetimes_are_local_to_the_spec_zone_and_canonical_ones_utc() {
    let utc = |s: &str| {
        Value::DateTime(
            chrono::NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S")
                .unwrap()
                .and_utc(),
        )
    };
    let got = read(
        FieldType::Datetime,
        &[
            "2024-03-05 09:15:00",
            "05-03-2024 09:15",
            "2024-03-05T08:15:00Z",
            "31-03-2024 02:30",
            "05.03.2024 09:15",
        ],
    );
    // The canonical API-style form is UTC (the descriptor's zone, UTC when
    // there is none); UI forms are Copenhagen time (the plan's `timezone`).
    assert_eq!(got[0].0, utc("2024-03-05 09:15:00"));
    assert_eq!(got[1].0, utc("2024-03-05 08:15:00"));
    assert_eq!(got[2].0, utc("2024-03-05 08:15:00"));
    assert_eq!(got[3], (Value::Null, vec!["E0813"]));
    assert_eq!(got[4].0, utc("2024-03-05 08:15:00"));
}

#[test]
fn enums_fold_onto_canonical_values_and_unknowns_become_null() {
    let ty = FieldType::Picklist {
        values: vec![
            EnumValue {
                value: "Active".into(),
                aliases: vec!["Aktiv".into()],
            },
            EnumValue {
                value: "On Leave".into(),
                aliases: vec!["Orlov".into(), "Barsel".into()],
            },
        ],
    };
    let got = read(ty, &["aktiv", "on_leave", " BARSEL ", "Pensioneret"]);
    assert_eq!(got[0].0, Value::text("Active"));
    assert_eq!(got[1].0, Value::text("On Leave"));
    assert_eq!(got[2].0, Value::text("On Leave"));
    assert_eq!(got[3], (Value::Null, vec!["E0810"]));
    // Canonical values are shared, not allocated per cell.
    match (&got[1].0, &got[2].0) {
        (Value::Text(a), Value::Text(b)) => assert!(Arc::ptr_eq(a, b)),
        _ => unreachable!(),
    }
}

#[test]
fn lists_split_trim_and_parse_items() {
    let got = read(
        FieldType::List {
            item: Box::new(FieldType::Text { max: None }),
        },
        &["Store 12 ; Sales;;Onboarding 2024"],
    );
    let items = vec![
        Value::text("Store 12"),
        Value::text("Sales"),
        Value::text("Onboarding 2024"),
    ];
    assert_eq!(got[0].0, Value::List(Arc::from(items)));
    let ints = read(
        FieldType::List {
            item: Box::new(FieldType::Integer),
        },
        &["1;x;3"],
    );
    assert_eq!(
        ints[0],
        (
            Value::List(Arc::from(vec![Value::Int(1), Value::Int(3)])),
            vec!["E0805"]
        )
    );
}

#[test]
fn interner_shares_repeats_and_gives_up_on_distinct_values() {
    let mut i = Interner::default();
    let a = i.get("Retail");
    let b = i.get("Retail");
    assert!(Arc::ptr_eq(&a, &b));
    let mut j = Interner::default();
    for n in 0..(INTERN_WINDOW + 10) {
        let _ = j.get(&format!("person{n}@x.example"));
    }
    assert!(j.off);
    // Repeats of the previous cell are shared even when the table is off.
    let c = j.get("4812001");
    assert!(Arc::ptr_eq(&c, &j.get("4812001")));
}

#[test]
fn fast_datetimes_agree_with_the_general_parser() {
    let formats = DateFormats::new(&["%Y-%m-%d %H:%M:%S"], false).unwrap();
    for zone in [
        "Europe/Copenhagen",
        "Australia/Lord_Howe",
        "America/St_Johns",
        "UTC",
    ] {
        let zone = Zone::parse(zone).unwrap();
        let mut day = DayOffsets::default();
        let (mut fast, mut slow) = (0, 0);
        let start = NaiveDate::from_ymd_opt(2023, 1, 1)
            .unwrap()
            .and_hms_opt(0, 0, 0)
            .unwrap();
        for step in 0..(2 * 365 * 24 * 60 / 37) {
            let t = start + chrono::Duration::minutes(37 * step);
            for sep in [" ", "T"] {
                let text = t.format(&format!("%Y-%m-%d{sep}%H:%M:%S")).to_string();
                let want = parse_datetime(&text, &formats, zone, Overlap::Reject).map(|p| p.value);
                match fast_datetime(&text, zone, &mut day) {
                    Some(got) => {
                        assert_eq!(Ok(got), want, "{text}");
                        fast += 1;
                    }
                    None => slow += 1,
                }
            }
        }
        // Only the days with a DST change take the general path.
        assert!(fast > 50 * slow, "{zone:?}: {fast} fast, {slow} slow");
    }
    assert_eq!(
        fast_datetime("0000-00-00 00:00:00", Zone::Utc, &mut DayOffsets::default()),
        None
    );
    assert_eq!(
        fast_datetime("2024-02-30 10:00:00", Zone::Utc, &mut DayOffsets::default()),
        None
    );
    assert_eq!(
        fast_datetime("2024-03-05 09:15", Zone::Utc, &mut DayOffsets::default()),
        None
    );
}
