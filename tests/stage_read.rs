//! The stage's reading primitives on a messy generated bundle: every file
//! reads with the layout the manifest reports, record lines match the
//! manifest's, and each injected defect reads as the documented value or
//! error. (Unit tests of each primitive live next to the code.)

use ferry::gen::{generate, Injected, Manifest, Options};
use ferry::stage::read::{CsvFile, LineEnding, Shape, TextEncoding};
use ferry::stage::values::{
    self, BarePercent, BoolAliases, DateFormats, DecimalMark, EnumMap, Overlap, ValueError, Via,
    Zone,
};
use std::collections::HashMap;
use std::path::PathBuf;

/// A messy bundle in a temporary folder, removed when dropped.
struct Bundle {
    dir: PathBuf,
    manifest: Manifest,
}

impl Drop for Bundle {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn bundle(tag: &str) -> Bundle {
    let dir = std::env::temp_dir().join(format!("ferry-stage-read-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let manifest = generate(
        &Options {
            contacts: 600,
            seed: 42,
            messy: true,
        },
        &dir,
    )
    .expect("bundle");
    Bundle { dir, manifest }
}

impl Bundle {
    fn open(&self, name: &str) -> CsvFile {
        CsvFile::from_bytes(std::fs::read(self.dir.join(name)).unwrap())
            .unwrap_or_else(|e| panic!("{name}: {e}"))
    }

    fn injected(&self, feature: &str, file: &str) -> Vec<&Injected> {
        self.manifest
            .injected
            .iter()
            .filter(|i| i.file == file && serde_json::to_value(i.feature).unwrap() == feature)
            .collect()
    }

    /// The cells the manifest lists for `feature` in `file`.
    fn cells(&self, feature: &str, file: &str) -> Vec<String> {
        let f = self.open(file);
        let rows = records(&f);
        let mut out = Vec::new();
        for i in self.injected(feature, file) {
            let c = column(&f, i.column.expect("row-level feature has a column"));
            out.extend(
                i.records
                    .iter()
                    .map(|&r| rows[r as usize - 1].2.get(c).cloned().unwrap_or_default()),
            );
        }
        assert!(!out.is_empty(), "no {feature} in {file}");
        out
    }
}

/// All records of a file: (line, shape, fields).
fn records(f: &CsvFile) -> Vec<(u64, Shape, Vec<String>)> {
    let mut out = Vec::new();
    let mut r = f.records();
    while let Some(rec) = r.next_record() {
        out.push((
            rec.line,
            rec.shape,
            rec.fields().map(str::to_string).collect(),
        ));
    }
    out
}

/// The column of a canonical name, through the Danish labels of contacts.csv.
fn column(f: &CsvFile, canonical: &str) -> usize {
    let danish = [
        ("first_name", "fornavn"),
        ("last_name", "efternavn"),
        ("department", "afdeling"),
        ("msisdn", "mobilnummer"),
        ("title", "titel"),
    ];
    let key = danish
        .iter()
        .find(|(c, _)| *c == canonical)
        .map_or(canonical, |(_, d)| d);
    f.column(key)
        .unwrap_or_else(|| panic!("no column {canonical}"))
}

#[test]
fn every_file_reads_with_the_reported_layout() {
    let b = bundle("layout");
    for info in &b.manifest.files {
        let f = b.open(info.name);
        assert_eq!(f.bom, info.bom, "{}", info.name);
        assert_eq!(
            f.delimiter as char,
            info.delimiter.chars().next().unwrap(),
            "{}",
            info.name
        );
        let encoding = if info.encoding == "windows-1252" {
            TextEncoding::Windows1252
        } else {
            TextEncoding::Utf8
        };
        assert_eq!(f.encoding, encoding, "{}", info.name);
        assert_eq!(
            f.line_ending,
            if info.line_ending == "lf" {
                LineEnding::Lf
            } else {
                LineEnding::Crlf
            },
            "{}",
            info.name
        );
        assert_eq!(records(&f).len() as u64, info.rows, "{}", info.name);
    }
    let contacts = b.open("contacts.csv");
    assert!(contacts.sep_line);
    assert_eq!(contacts.header_line, 2);
    assert_eq!(
        contacts.headers[column(&contacts, "first_name")].original,
        "Fornavn"
    );
    let admins = b.open("admin_users.csv");
    assert_eq!(admins.duplicate_headers.len(), 1);
    assert_eq!(admins.duplicate_headers[0].key, "email");
    let groups = b.open("groups.csv");
    for canonical in ["name", "group_type", "member_count", "workspace_id"] {
        assert!(
            groups.column(canonical).is_some(),
            "groups.csv: {canonical} not found after normalizing"
        );
    }
    let activities = b.open("activities.csv");
    assert_eq!(
        (activities.trailing_empty_headers, activities.width()),
        (2, 9)
    );
    let mut r = activities.records();
    while r.next_record().is_some() {}
    assert_eq!(
        r.blank_skipped(),
        2,
        "blank lines at the end of activities.csv"
    );
    let companies = records(&b.open("companies.csv"));
    assert!(companies.iter().any(|r| r.2[1].contains("Region Øst")));
}

#[test]
fn record_lines_match_the_manifest_including_multiline_cells() {
    let b = bundle("lines");
    let mut checked = 0;
    let mut by_file: HashMap<&str, Vec<&Injected>> = HashMap::new();
    for i in b.manifest.injected.iter().filter(|i| i.count > 0) {
        by_file.entry(i.file).or_default().push(i);
    }
    for (file, hits) in by_file {
        let rows = records(&b.open(file));
        for i in hits {
            for (&rec, &line) in i.records.iter().zip(&i.lines) {
                assert_eq!(
                    rows[rec as usize - 1].0,
                    line,
                    "{file} record {rec} ({:?})",
                    i.feature
                );
                checked += 1;
            }
        }
    }
    assert!(checked > 300, "only {checked} locations checked");
    // Multi-line cells push later records down: the last record of messages.csv
    // starts below line (records + 1).
    let messages = records(&b.open("messages.csv"));
    let last = messages.last().unwrap().0;
    assert!(last > messages.len() as u64 + 1);
    assert!(messages.iter().any(|r| r.2[4].contains('\n')));
    // The ragged row is short.
    let activities = records(&b.open("activities.csv"));
    for i in b.injected("ragged_row", "activities.csv") {
        for &r in &i.records {
            assert!(matches!(activities[r as usize - 1].1, Shape::Short { .. }));
        }
    }
}

#[test]
fn messy_cells_read_as_documented() {
    let b = bundle("cells");
    let dates = DateFormats::new(&["%d-%m-%Y", "%d.%m.%Y"], true).unwrap();
    let local = DateFormats::new(&["%d-%m-%Y %H:%M", "%d.%m.%Y %H:%M"], true).unwrap();
    let cph = Zone::parse("Europe/Copenhagen").unwrap();
    for v in b.cells("date_ambiguous", "contacts.csv") {
        assert!(
            matches!(
                values::parse_date(&v, &dates),
                Err(ValueError::AmbiguousDate { .. })
            ),
            "{v}"
        );
    }
    for v in b.cells("date_excel_serial", "contacts.csv") {
        assert_eq!(
            values::parse_date(&v, &dates).map(|p| p.via),
            Ok(Via::ExcelSerial),
            "{v}"
        );
    }
    for v in b.cells("date_zero", "contacts.csv") {
        assert!(matches!(
            values::parse_datetime(&v, &local, cph, Overlap::Reject),
            Err(ValueError::ZeroDate { .. })
        ));
    }
    for v in b.cells("datetime_dst_gap", "contacts.csv") {
        assert!(
            matches!(
                values::parse_datetime(&v, &local, cph, Overlap::Reject),
                Err(ValueError::DstGap { .. })
            ),
            "{v}"
        );
    }
    for v in b.cells("datetime_dst_overlap", "contacts.csv") {
        assert!(
            matches!(
                values::parse_datetime(&v, &local, cph, Overlap::Reject),
                Err(ValueError::DstOverlap { .. })
            ),
            "{v}"
        );
    }
    for v in b.cells("datetime_with_offset", "contacts.csv") {
        assert_eq!(
            values::parse_datetime(&v, &local, cph, Overlap::Reject).map(|p| p.via),
            Ok(Via::Iso),
            "{v}"
        );
    }
    let with_slash = DateFormats::new(&["%d-%m-%Y", "%d.%m.%Y", "%d/%m/%Y"], true).unwrap();
    for v in b.cells("date_mixed_format", "contacts.csv") {
        assert!(values::parse_date(&v, &with_slash).is_ok(), "{v}");
    }
    for v in b.cells("scientific_notation", "contacts.csv") {
        assert!(
            matches!(values::parse_text_key(&v), Err(ValueError::Mangled { .. })),
            "{v}"
        );
    }
    for v in b.cells("employee_id_lost_zeros", "contacts.csv") {
        assert!(!values::parse_text_key(&v).unwrap().starts_with('0'), "{v}");
    }
    for v in b.cells("text_in_number", "contacts.csv") {
        assert!(
            matches!(
                values::parse_decimal(&v, DecimalMark::Comma),
                Err(ValueError::Placeholder { .. })
            ),
            "{v}"
        );
    }
    let bools = BoolAliases::default();
    for v in b.cells("boolean_variant", "contacts.csv") {
        assert!(values::parse_bool(&v, &bools).is_ok(), "{v}");
    }
    let mut status = EnumMap::new(&["active", "inactive", "invited", "pending"]);
    for (alias, canonical) in [
        ("Aktiv", "active"),
        ("Inaktiv", "inactive"),
        ("Inviteret", "invited"),
        ("Afventer", "pending"),
    ] {
        status.alias(alias, canonical).unwrap();
    }
    let contacts = b.open("contacts.csv");
    let status_col = column(&contacts, "status");
    let rows = records(&contacts);
    for i in b
        .injected("enum_variant", "contacts.csv")
        .into_iter()
        .filter(|i| i.column == Some("status"))
    {
        for &r in &i.records {
            assert!(status.parse(&rows[r as usize - 1].2[status_col]).is_ok());
        }
    }
    // The decimal comma of the Danish-locale file reads as a decimal.
    let score = column(&contacts, "engagement_score");
    let read: Vec<_> = rows
        .iter()
        .map(|r| r.2[score].as_str())
        .filter(|v| v.contains(','))
        .collect();
    assert!(read.len() > 100);
    assert!(read
        .iter()
        .all(|v| values::parse_decimal(v, DecimalMark::Comma).is_ok()));

    for v in b.cells("percent_variant", "message_analytics.csv") {
        assert!(
            values::parse_percent(&v, DecimalMark::Point, BarePercent::Points).is_ok(),
            "{v}"
        );
    }
    for v in b.cells("no_rate_available", "message_analytics.csv") {
        assert!(matches!(
            values::parse_percent(&v, DecimalMark::Point, BarePercent::Points),
            Err(ValueError::Placeholder { .. })
        ));
    }
    for v in b.cells("thousands_separator", "message_analytics.csv") {
        assert!(
            values::parse_integer(&v, DecimalMark::Point).unwrap() >= 1000,
            "{v}"
        );
    }
    for v in b.cells("file_size_as_text", "files.csv") {
        assert!(
            values::parse_integer(&v, DecimalMark::Point).is_err(),
            "{v}"
        );
    }
    for v in b.cells("duration_as_text", "learning_paths.csv") {
        assert!(
            matches!(
                values::parse_integer(&v, DecimalMark::Point),
                Err(ValueError::NotInteger { .. })
            ),
            "{v}"
        );
    }
    for v in b.cells("pulse_response_with_contact", "survey_responses.csv") {
        assert!(!v.is_empty());
    }
}
