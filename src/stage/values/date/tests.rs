//! Tests of date and datetime reading: formats, ISO, Excel serials, zones,
//! ambiguity and daylight-saving edges.

use super::*;

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn utc(s: &str) -> DateTime<Utc> {
    NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S")
        .unwrap()
        .and_utc()
}

fn danish() -> DateFormats {
    DateFormats::new(&["%d-%m-%Y", "%d.%m.%Y"], true).unwrap()
}

fn cph() -> Zone {
    Zone::parse("Europe/Copenhagen").unwrap()
}

#[test]
fn iso_is_always_accepted() {
    let f = DateFormats::iso();
    assert_eq!(
        parse_date("2024-03-05", &f),
        Ok(Parsed {
            value: day(2024, 3, 5),
            via: Via::Iso
        })
    );
    assert_eq!(
        parse_date(" 2024-03-05T08:15:00Z ", &f).map(|p| p.value),
        Ok(day(2024, 3, 5))
    );
    assert!(matches!(
        parse_date("2024-02-30", &f),
        Err(ValueError::NotDate { .. })
    ));
}

#[test]
fn declared_formats_in_order() {
    let f = danish();
    assert_eq!(
        parse_date("05-03-2024", &f),
        Ok(Parsed {
            value: day(2024, 3, 5),
            via: Via::Declared(0)
        })
    );
    assert_eq!(
        parse_date("05.03.2024", &f),
        Ok(Parsed {
            value: day(2024, 3, 5),
            via: Via::Declared(1)
        })
    );
    assert_eq!(
        parse_date("5.3.2024", &f).map(|p| p.value),
        Ok(day(2024, 3, 5))
    );
    assert_eq!(
        DateFormats::new(&["%Q"], false).err(),
        Some("`%Q` is not a valid date format".to_string())
    );
}

#[test]
fn excel_serials() {
    let f = danish();
    assert_eq!(
        parse_date("45356", &f),
        Ok(Parsed {
            value: day(2024, 3, 5),
            via: Via::ExcelSerial
        })
    );
    assert_eq!(
        parse_datetime("45356.5", &f, Zone::Utc, Overlap::Reject).map(|p| p.value),
        Ok(utc("2024-03-05 12:00:00"))
    );
    // Without Excel support, or as a 4-digit "year", a number is not a date.
    assert!(matches!(
        parse_date("45356", &DateFormats::iso()),
        Err(ValueError::NotDate { .. })
    ));
    assert!(matches!(
        parse_date("2024", &f),
        Err(ValueError::NotDate { .. })
    ));
}

#[test]
fn ambiguous_dates_are_reported_not_guessed() {
    let f = danish();
    let e = parse_date("03/05/2024", &f).unwrap_err();
    assert_eq!(
        e,
        ValueError::AmbiguousDate {
            value: "03/05/2024".into(),
            readings: vec![
                ("%d/%m/%Y".into(), "2024-05-03".into()),
                ("%m/%d/%Y".into(), "2024-03-05".into())
            ],
        }
    );
    // Only one reading exists: still not accepted, but the hint says how it would read.
    match parse_date("13/5/2024", &f) {
        Err(ValueError::NotDate { hint: Some(h), .. }) => {
            assert!(h.contains("2024-05-13"), "{h}")
        }
        other => panic!("{other:?}"),
    }
    // A declared format settles it.
    let dk = DateFormats::new(&["%d/%m/%Y"], false).unwrap();
    assert_eq!(
        parse_date("03/05/2024", &dk).map(|p| p.value),
        Ok(day(2024, 5, 3))
    );
    // Both orders declared: ambiguous again, unless the readings agree.
    let both = DateFormats::new(&["%d/%m/%Y", "%m/%d/%Y"], false).unwrap();
    assert!(matches!(
        parse_date("03/05/2024", &both),
        Err(ValueError::AmbiguousDate { .. })
    ));
    assert_eq!(
        parse_date("05/05/2024", &both).map(|p| p.value),
        Ok(day(2024, 5, 5))
    );
    assert_eq!(
        parse_date("13/05/2024", &both).map(|p| p.value),
        Ok(day(2024, 5, 13))
    );
}

#[test]
fn zero_dates() {
    let f = danish();
    for z in ["0000-00-00", "0000-00-00 00:00:00", "00.00.0000"] {
        assert_eq!(
            parse_date(z, &f),
            Err(ValueError::ZeroDate { value: z.into() })
        );
    }
    assert!(matches!(
        parse_datetime("0000-00-00 00:00:00", &f, Zone::Utc, Overlap::Reject),
        Err(ValueError::ZeroDate { .. })
    ));
}

#[test]
fn datetimes_with_offsets_and_zones() {
    let f = DateFormats::new(&["%d-%m-%Y %H:%M", "%d.%m.%Y %H:%M"], true).unwrap();
    let p = |s| parse_datetime(s, &f, cph(), Overlap::Reject).map(|p| p.value);
    assert_eq!(p("2024-03-05T08:15:00Z"), Ok(utc("2024-03-05 08:15:00")));
    assert_eq!(
        p("2024-03-05 09:15:00+01:00"),
        Ok(utc("2024-03-05 08:15:00"))
    );
    assert_eq!(
        p("2024-03-05 09:15:00.250 +0100").map(|d| d.timestamp_subsec_millis()),
        Ok(250)
    );
    // Naive local times are Copenhagen time: CET in winter, CEST in summer.
    assert_eq!(p("05-03-2024 09:15"), Ok(utc("2024-03-05 08:15:00")));
    assert_eq!(p("05.07.2024 09:15"), Ok(utc("2024-07-05 07:15:00")));
    assert_eq!(p("2024-07-05 09:15:00"), Ok(utc("2024-07-05 07:15:00")));
    let utc_col =
        parse_datetime("2024-07-05 09:15:00", &f, Zone::Utc, Overlap::Reject).map(|p| p.value);
    assert_eq!(utc_col, Ok(utc("2024-07-05 09:15:00")));
    assert!(matches!(
        p("2024-13-05 09:15:00"),
        Err(ValueError::NotDate { .. })
    ));
    assert!(matches!(
        p("03/05/2024 09:15"),
        Err(ValueError::AmbiguousDate { .. })
    ));
}

#[test]
fn canonical_naive_times_are_in_the_descriptor_zone() {
    // actimo-export.md §4.0: API-style `YYYY-MM-DD HH:MM:SS` is UTC, UI
    // exports (`DD-MM-YYYY HH:MM`) are Copenhagen local time.
    let f = DateFormats::new(&["%d-%m-%Y %H:%M"], true).unwrap();
    let zones = Zones {
        canonical: Zone::Utc,
        local: cph(),
    };
    let p = |s| parse_datetime(s, &f, zones, Overlap::Reject).map(|p| p.value);
    assert_eq!(p("2022-10-03 10:48:31"), Ok(utc("2022-10-03 10:48:31")));
    assert_eq!(p("2022-10-03T10:48:31"), Ok(utc("2022-10-03 10:48:31")));
    assert_eq!(p("03-10-2022 10:48"), Ok(utc("2022-10-03 08:48:00")));
    assert_eq!(p("45356.5"), Ok(utc("2024-03-05 11:00:00")));
    assert_eq!(
        p("2022-10-03 10:48:31+02:00"),
        Ok(utc("2022-10-03 08:48:31"))
    );
    // A canonical UTC value never falls in a DST gap; a local one does.
    assert_eq!(p("2024-03-31 02:30:00"), Ok(utc("2024-03-31 02:30:00")));
    assert!(matches!(
        p("31-03-2024 02:30"),
        Err(ValueError::DstGap { .. })
    ));
}

#[test]
fn dst_gaps_and_overlaps_are_reported() {
    let f = DateFormats::new(&["%d-%m-%Y %H:%M"], false).unwrap();
    assert_eq!(
        parse_datetime("31-03-2024 02:30", &f, cph(), Overlap::Reject),
        Err(ValueError::DstGap {
            value: "31-03-2024 02:30".into(),
            zone: "Europe/Copenhagen".into()
        })
    );
    assert_eq!(
        parse_datetime("29-10-2023 02:30", &f, cph(), Overlap::Reject),
        Err(ValueError::DstOverlap {
            value: "29-10-2023 02:30".into(),
            zone: "Europe/Copenhagen".into(),
            earlier: "2023-10-29 00:30:00".into(),
            later: "2023-10-29 01:30:00".into(),
        })
    );
    assert_eq!(
        parse_datetime("29-10-2023 02:30", &f, cph(), Overlap::Later).map(|p| p.value),
        Ok(utc("2023-10-29 01:30:00"))
    );
    assert_eq!(Zone::parse("Mars/Olympus"), None);
}
