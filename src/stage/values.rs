//! Typed cell values: one CSV cell → a value, or a reason a person understands.
//!
//! Input: a cell's text (callers check for blank cells first: a blank cell
//! is a null, which only the stage can judge) and the column's declared
//! conventions. Output: `i64`, [`Decimal`](rust_decimal::Decimal), `bool`,
//! `NaiveDate`, `DateTime<Utc>`, a canonical enum value, a list of
//! multi-values, or a [`ValueError`] that names its E08xx code.
//! Invariants: no value goes through `f64`; ids, ZIP codes and phone
//! numbers stay text; nothing ambiguous is resolved by guessing.
//!
//! - [`number`]: integers, decimals (`.` or `,`, thousands separators),
//!   percentages, text keys (ids, ZIPs, phones) with Excel-mangling checks.
//! - [`date`]: dates and datetimes in declared formats plus ISO 8601, Excel
//!   serial dates, zero dates, ambiguous day/month, local time → UTC.
//! - [`text`]: booleans with aliases, enums with aliases, multi-values.

pub mod date;
pub mod number;
pub mod text;

pub use date::{parse_date, parse_datetime, DateFormats, Overlap, Parsed, Via, Zone, Zones};
pub use number::{
    parse_decimal, parse_integer, parse_percent, parse_text_key, BarePercent, DecimalMark,
};
pub use text::{parse_bool, split_multi, BoolAliases, EnumMap};

use crate::diagnostics::{codes, Code};

/// Why a cell does not hold a value of its column's type.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ValueError {
    #[error("the cell is empty")]
    Empty,
    #[error("`{value}` is not a whole number")]
    NotInteger { value: String },
    #[error("`{value}` is not a number")]
    NotDecimal { value: String },
    #[error("`{value}` is too large")]
    OutOfRange { value: String },
    #[error(
        "`{value}` is a number Excel rewrote in scientific notation; the original digits are lost"
    )]
    Mangled { value: String },
    #[error("`{value}` is a placeholder for a missing value, not a number")]
    Placeholder { value: String },
    #[error("`{value}` is not a percentage")]
    NotPercent { value: String },
    #[error("`{value}` is not a yes/no value (expected one of {expected})")]
    NotBoolean { value: String, expected: String },
    #[error("`{value}` is not a date in an accepted format ({expected}){}", hint.as_ref().map(|h| format!("; {h}")).unwrap_or_default())]
    NotDate {
        value: String,
        expected: String,
        hint: Option<String>,
    },
    #[error("`{value}` is ambiguous: it reads as {}", readings.iter().map(|(f, d)| format!("{d} ({f})")).collect::<Vec<_>>().join(" or "))]
    AmbiguousDate {
        value: String,
        readings: Vec<(String, String)>,
    },
    #[error("`{value}` is a zero date, a placeholder for \"no date\"")]
    ZeroDate { value: String },
    #[error("`{value}` does not exist in {zone}: the clocks jump forward over it")]
    DstGap { value: String, zone: String },
    #[error("`{value}` happens twice in {zone} (clocks go back): {earlier} or {later} UTC")]
    DstOverlap {
        value: String,
        zone: String,
        earlier: String,
        later: String,
    },
    #[error("`{value}` is not one of {}{}", expected.join(", "), suggestion.as_ref().map(|s| format!("; {s}")).unwrap_or_default())]
    UnknownEnum {
        value: String,
        expected: Vec<String>,
        suggestion: Option<String>,
    },
}

impl ValueError {
    /// The diagnostic code the stage reports this with.
    pub fn code(&self) -> Code {
        match self {
            ValueError::Empty => codes::E0818,
            ValueError::NotInteger { .. } | ValueError::OutOfRange { .. } => codes::E0805,
            ValueError::NotDecimal { .. } => codes::E0806,
            ValueError::NotDate { .. } => codes::E0807,
            ValueError::AmbiguousDate { .. } => codes::E0808,
            ValueError::NotBoolean { .. } => codes::E0809,
            ValueError::UnknownEnum { .. } => codes::E0810,
            ValueError::Mangled { .. } => codes::E0811,
            ValueError::ZeroDate { .. } => codes::E0812,
            ValueError::DstGap { .. } | ValueError::DstOverlap { .. } => codes::E0813,
            ValueError::Placeholder { .. } => codes::E0816,
            ValueError::NotPercent { .. } => codes::E0817,
        }
    }
}

/// Texts that mean "no value" in Danish and English exports.
const PLACEHOLDERS: &[&str] = &[
    "n/a",
    "na",
    "n.a.",
    "#n/a",
    "-",
    "--",
    "?",
    "null",
    "none",
    "ved ikke",
    "ukendt",
    "ikke oplyst",
    "no rate available",
    "#value!",
    "#ref!",
    "#div/0!",
];

/// Whether a cell is one of the usual "no value" texts (`N/A`, `ved ikke`, …).
pub fn is_placeholder(s: &str) -> bool {
    let t = s.trim();
    PLACEHOLDERS.iter().any(|p| p.eq_ignore_ascii_case(t))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_read_as_sentences() {
        let e = ValueError::AmbiguousDate {
            value: "03/05/2024".into(),
            readings: vec![
                ("%d/%m/%Y".into(), "2024-05-03".into()),
                ("%m/%d/%Y".into(), "2024-03-05".into()),
            ],
        };
        assert_eq!(
            e.to_string(),
            "`03/05/2024` is ambiguous: it reads as 2024-05-03 (%d/%m/%Y) or 2024-03-05 (%m/%d/%Y)"
        );
        assert_eq!(e.code(), codes::E0808);
        let u = ValueError::UnknownEnum {
            value: "Aktv".into(),
            expected: vec!["Active".into()],
            suggestion: Some("did you mean `Active`?".into()),
        };
        assert_eq!(
            u.to_string(),
            "`Aktv` is not one of Active; did you mean `Active`?"
        );
    }

    #[test]
    fn placeholders() {
        assert!(is_placeholder(" N/A "));
        assert!(is_placeholder("Ved ikke"));
        assert!(is_placeholder("No rate available"));
        assert!(!is_placeholder("0"));
    }
}
