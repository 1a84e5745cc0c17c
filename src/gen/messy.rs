//! `--messy`: which real-world defects go where (actimo-export.md §5).
//!
//! Input: the seed and a file. Output: the file's on-disk [`Layout`] plus its
//! file-level features, and a [`Picker`] that chooses, record by record,
//! which row-level defect (if any) the writer injects. Invariants: choices
//! are deterministic per (seed, file); every feature in a picker's table is
//! forced onto at least one record when the file has enough rows, so small
//! test bundles contain every feature; a record carries at most one
//! picker feature.

use super::columns::FileSpec;
use super::out::{CsvOut, Layout};
use super::rng::Rng;
use serde::Serialize;

/// A defect the generator can inject; the manifest lists them by these names.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Feature {
    // file level
    Bom,
    Windows1252,
    LfLineEndings,
    SemicolonDelimiter,
    SepLine,
    DecimalComma,
    DanishHeader,
    HeaderTrailingSpace,
    HeaderMixedCase,
    DuplicatedHeader,
    TrailingEmptyColumns,
    BlankLinesAtEof,
    ShuffledColumns,
    // row level
    MultilineCell,
    RaggedRow,
    EmployeeIdLostZeros,
    EmployeeIdWhitespace,
    EmployeeIdRehireDuplicate,
    ScientificNotation,
    PhoneMixedFormat,
    PhoneSwedish,
    DuplicateMobile,
    EmailDuplicateCase,
    SharedMailbox,
    NoEmail,
    NoEmailNoPhone,
    NameFullInFirst,
    NameAllCaps,
    NameMismatch,
    EnumVariant,
    BooleanVariant,
    DateMixedFormat,
    DateAmbiguous,
    DateExcelSerial,
    DateZero,
    DatePlaceholder1970,
    DateImplausible,
    HireDateFuture,
    DatetimeDstGap,
    DatetimeDstOverlap,
    DatetimeWithOffset,
    OrphanReference,
    SelfManaged,
    ManagerCycle,
    GroupNameVariant,
    UnknownGroupName,
    GroupNameCaseDuplicate,
    MemberCountMismatch,
    TerminatedButActive,
    OnLeaveFutureHire,
    ZipVariant,
    CountryVariant,
    SamePersonTwoWorkspaces,
    FakeCpr,
    PercentVariant,
    NoRateAvailable,
    ThousandsSeparator,
    TextInNumber,
    OutOfScaleAnswer,
    PulseResponseWithContact,
    AnonymisedWithRecipients,
    CompletedWithoutDate,
    CompletionBeforeStart,
    OverdueWithFutureDue,
    ProgressMismatch,
    DurationAsText,
    FileSizeAsText,
    TagCaseVariant,
}

/// Chooses at most one row-level feature per record.
pub struct Picker {
    rng: Rng,
    /// (feature, frequency per 10,000 records)
    table: &'static [(Feature, u32)],
    /// The record each feature is forced onto.
    forced: Vec<u64>,
    /// Features picked for records they did not fit, waiting for one that does.
    pending: Vec<Feature>,
}

impl Picker {
    /// `expected` is a lower estimate of the file's rows, used to spread
    /// the forced occurrences; clean bundles get an empty picker.
    pub fn new(
        seed: u64,
        file: &str,
        messy: bool,
        expected: u64,
        table: &'static [(Feature, u32)],
    ) -> Picker {
        let table: &'static [(Feature, u32)] = if messy { table } else { &[] };
        let mut rng = Rng::stream(seed, file, 0xFEA7);
        let k = table.len() as u64;
        let forced = (0..k)
            .map(|i| {
                let slot = expected / k.max(1);
                if slot == 0 {
                    1 + i
                } else {
                    1 + i * slot + rng.below(slot)
                }
            })
            .collect();
        Picker {
            rng,
            table,
            forced,
            pending: Vec::new(),
        }
    }

    /// The feature for 1-based data record `record`.
    pub fn next(&mut self, record: u64) -> Option<Feature> {
        if self.table.is_empty() {
            return None;
        }
        if let Some(i) = self.forced.iter().position(|&r| r == record) {
            self.rng.u64();
            return Some(self.table[i].0);
        }
        let mut x = self.rng.below(10_000) as u32;
        for &(f, per) in self.table {
            if x < per {
                return Some(f);
            }
            x -= per;
        }
        None
    }
}

impl Picker {
    /// Like [`Picker::next`], for features that fit only some records: a
    /// feature picked for a record where `fits` is false is carried over to
    /// the next record where it fits, so forced features are not lost.
    pub fn next_where(&mut self, record: u64, fits: impl Fn(Feature) -> bool) -> Option<Feature> {
        if let Some(f) = self.next(record) {
            if self.pending.len() >= 64 {
                self.pending.remove(0);
            }
            self.pending.push(f);
        }
        let i = self.pending.iter().position(|&f| fits(f))?;
        Some(self.pending.remove(i))
    }
}

/// The files that get a fixed defect of their own (the rest may get a BOM).
const CP1252_FILE: &str = "companies.csv";
const SEMICOLON_FILE: &str = "contacts.csv";
const LF_FILE: &str = "tasks.csv";
const SHUFFLED_FILE: &str = "tasks.csv";
const DUP_HEADER_FILE: &str = "admin_users.csv";
const NOISY_HEADER_FILE: &str = "groups.csv";
const TRAILING_COLUMNS_FILE: &str = "activities.csv";
const BLANK_TAIL_FILES: &[&str] = &["activities.csv", "workspaces.csv"];

/// Danish UI labels (§4.0 header aliases) used for contacts.csv.
const DANISH: &[(&str, &str)] = &[
    ("first_name", "Fornavn"),
    ("last_name", "Efternavn"),
    ("department", "Afdeling"),
    ("msisdn", "Mobilnummer"),
    ("title", "Titel"),
];

/// groups.csv headers with stray spaces and Excel-style capitals.
const NOISY: &[(&str, &str, Feature)] = &[
    ("name", "Name ", Feature::HeaderTrailingSpace),
    ("group_type", "Group_Type", Feature::HeaderMixedCase),
    (
        "member_count",
        "member_count  ",
        Feature::HeaderTrailingSpace,
    ),
    ("workspace_id", "WORKSPACE_ID", Feature::HeaderMixedCase),
];

/// Whether `file` carries a UTF-8 BOM: exactly half of the files without a
/// fixed defect, chosen by the seed.
fn has_bom(seed: u64, file: &str, all: &[FileSpec]) -> bool {
    let mut eligible: Vec<&str> = all
        .iter()
        .map(|f| f.name)
        .filter(|n| *n != CP1252_FILE && *n != SEMICOLON_FILE)
        .collect();
    let mut rng = Rng::stream(seed, "bom", 0);
    let half = eligible.len() / 2;
    for i in 0..half {
        let j = i + rng.index(eligible.len() - i);
        eligible.swap(i, j);
    }
    eligible[..half].contains(&file)
}

/// The layout of `spec` and the file-level features it carries.
pub fn layout(
    seed: u64,
    spec: &FileSpec,
    all: &[FileSpec],
    messy: bool,
) -> (Layout, Vec<(Feature, Option<&'static str>)>) {
    let mut l = Layout::clean(spec.columns);
    let mut feats = Vec::new();
    if !messy {
        return (l, feats);
    }
    let name = spec.name;
    if has_bom(seed, name, all) {
        l.bom = true;
        feats.push((Feature::Bom, None));
    }
    if name == CP1252_FILE {
        l.cp1252 = true;
        feats.push((Feature::Windows1252, None));
    }
    if name == SEMICOLON_FILE {
        l.delimiter = b';';
        l.sep_line = true;
        l.decimal_comma = true;
        feats.extend([
            (Feature::SemicolonDelimiter, None),
            (Feature::SepLine, None),
            (Feature::DecimalComma, None),
        ]);
        for (col, label) in DANISH {
            l.headers[spec.col(col)] = label.to_string();
            feats.push((Feature::DanishHeader, Some(*col)));
        }
    }
    if name == LF_FILE {
        l.lf = true;
        feats.push((Feature::LfLineEndings, None));
    }
    if name == SHUFFLED_FILE {
        let mut rng = Rng::stream(seed, "shuffle", 0);
        for i in (1..l.order.len()).rev() {
            let j = rng.index(i + 1);
            l.order.swap(i, j);
        }
        feats.push((Feature::ShuffledColumns, None));
    }
    if name == DUP_HEADER_FILE {
        let email = spec.col("email");
        l.order.push(email);
        l.extra_headers.push("Email".to_string());
        // The copy's header differs only in case, like Excel's "Email" next to "email".
        feats.push((Feature::DuplicatedHeader, Some("email")));
    }
    if name == NOISY_HEADER_FILE {
        for (col, shown, f) in NOISY {
            l.headers[spec.col(col)] = shown.to_string();
            feats.push((*f, Some(*col)));
        }
    }
    if name == TRAILING_COLUMNS_FILE {
        l.trailing_empty = 2;
        feats.push((Feature::TrailingEmptyColumns, None));
    }
    if BLANK_TAIL_FILES.contains(&name) {
        l.blank_lines_at_eof = 2;
        feats.push((Feature::BlankLinesAtEof, None));
    }
    (l, feats)
}

/// Opens a bundle file with its layout and records its file-level features.
pub fn open(
    dir: &std::path::Path,
    seed: u64,
    spec: &'static FileSpec,
    all: &[FileSpec],
    messy: bool,
    write: bool,
) -> std::io::Result<CsvOut> {
    let (layout, feats) = layout(seed, spec, all, messy);
    let mut out = CsvOut::create(dir, spec.name, layout, write)?;
    for (f, c) in feats {
        out.mark_file(f, c);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gen::columns::FILES;

    static TABLE: &[(Feature, u32)] = &[(Feature::NoEmail, 100), (Feature::NameAllCaps, 100)];

    #[test]
    fn picker_forces_every_feature_and_is_deterministic() {
        let run = || {
            let mut p = Picker::new(9, "x.csv", true, 50, TABLE);
            (1..=50).map(|r| p.next(r)).collect::<Vec<_>>()
        };
        let a = run();
        assert_eq!(a, run());
        assert!(a.contains(&Some(Feature::NoEmail)) && a.contains(&Some(Feature::NameAllCaps)));
        let mut clean = Picker::new(9, "x.csv", false, 50, TABLE);
        assert!((1..=50).all(|r| clean.next(r).is_none()));
    }

    #[test]
    fn about_half_the_files_get_a_bom() {
        let n = FILES
            .iter()
            .filter(|f| layout(5, f, FILES, true).0.bom)
            .count();
        assert_eq!(n, (FILES.len() - 2) / 2);
        assert!(FILES.iter().all(|f| !layout(5, f, FILES, false).0.bom));
    }
}
