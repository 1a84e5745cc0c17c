//! Cells: one CSV cell of a plan column → the typed [`Value`] the runtime reads.
//!
//! Input: a [`ColumnPlan`] (its [`FieldType`], formats), the bundle's reading
//! [`Conventions`], the spec's options and the file's decimal mark; then one
//! non-blank cell at a time. Output: a [`Value`] and, for a bad cell, the
//! [`ValueError`]s the stage reports (E08xx).
//! Invariants:
//! - text, ids, e-mails, phones and URLs stay text exactly as written (only
//!   trimmed): never through a number, so leading zeros survive; a value in
//!   Excel's scientific notation is reported (E0811) but kept as written;
//! - an enum cell becomes its canonical value or null (E0810), so no value
//!   outside the enum reaches the runtime;
//! - a bad cell becomes null, never a guess: ambiguous dates (E0808),
//!   placeholder numbers (E0816), bare percentages below 1 that may be
//!   fractions (E0817);
//! - repeated short texts of a column share one `Arc<str>` (see [`Interner`]).
//!
//! Date and datetime formats, the canonical-timestamp fast path and `/`
//! ambiguity are in `dates`.

use super::values::{
    parse_bool, parse_date, parse_decimal, parse_integer, parse_percent, parse_text_key,
    split_multi, BarePercent, BoolAliases, DecimalMark, EnumMap, ValueError, Via, Zone, Zones,
};
use crate::diagnostics::{codes, Code};
use crate::plan::{ColumnPlan, Plan};
use crate::schema::model::{FieldType, SourceDefaults};
use crate::value::Value;
use rust_decimal::Decimal;
use std::sync::Arc;

/// How the bundle is written, from the source descriptor's `source:` block.
#[derive(Clone, Debug)]
pub struct Conventions {
    /// Date formats of the bundle (tried after the column's and the spec's).
    pub date_formats: Vec<String>,
    pub datetime_formats: Vec<String>,
    pub true_values: Vec<String>,
    pub false_values: Vec<String>,
    /// The descriptor's zone of canonical naive timestamps.
    pub canonical_zone: Zone,
}

/// Spellings of true and false accepted in every bundle, on top of the
/// descriptor's (English, Danish, and `X` for a ticked checkbox).
const TRUE: &[&str] = &["true", "1", "yes", "y", "ja", "j", "x", "sand"];
const FALSE: &[&str] = &["false", "0", "no", "n", "nej", "falsk"];

impl Conventions {
    pub fn from_defaults(d: Option<&SourceDefaults>) -> Conventions {
        let mut c = Conventions {
            date_formats: Vec::new(),
            datetime_formats: Vec::new(),
            true_values: TRUE.iter().map(|s| s.to_string()).collect(),
            false_values: FALSE.iter().map(|s| s.to_string()).collect(),
            canonical_zone: d
                .and_then(|d| Zone::parse(&d.timezone))
                .unwrap_or(Zone::Utc),
        };
        if let Some(d) = d {
            c.date_formats = d.date_formats.clone();
            c.datetime_formats = d.datetime_formats.clone();
            push_new(&mut c.true_values, &d.true_values);
            push_new(&mut c.false_values, &d.false_values);
        }
        c
    }

    /// The conventions of the plan's source system in the standard
    /// descriptors (built-in defaults when it is not one of them). Only
    /// that descriptor is loaded, as `ferry check` loads only the spec's two.
    pub fn standard(plan: &Plan) -> Conventions {
        let reg = crate::schema::Registry::standard_subset(&[plan.source_system.as_str()])
            .or_else(|| crate::schema::Registry::standard().ok());
        let defaults = reg
            .as_ref()
            .and_then(|r| r.get(&plan.source_system))
            .and_then(|d| d.source.as_ref());
        Conventions::from_defaults(defaults)
    }
}

fn push_new(to: &mut Vec<String>, from: &[String]) {
    for f in from {
        if !to.iter().any(|t| t.eq_ignore_ascii_case(f.trim())) {
            to.push(f.trim().to_string());
        }
    }
}

/// Shares one `Arc<str>` among equal short texts of a column: the previous
/// cell's value (sorted exports repeat ids row after row), then a table of
/// the column's values. The table turns itself off when a window of cells
/// mostly misses it (names, e-mails, ids of a large object), so those pay a
/// few thousand failed lookups, not one per row.
#[derive(Default)]
pub struct Interner {
    last: Option<Arc<str>>,
    map: foldhash::HashMap<Box<str>, Arc<str>>,
    lookups: u32,
    hits: u32,
    off: bool,
}

const INTERN_MAX_LEN: usize = 48;
const INTERN_MAX_VALUES: usize = 4096;
const INTERN_WINDOW: u32 = 4096;

impl Interner {
    pub fn get(&mut self, s: &str) -> Arc<str> {
        if let Some(l) = &self.last {
            if **l == *s {
                return Arc::clone(l);
            }
        }
        let a = self.lookup(s);
        self.last = Some(Arc::clone(&a));
        a
    }

    fn lookup(&mut self, s: &str) -> Arc<str> {
        if self.off || s.len() > INTERN_MAX_LEN {
            return Arc::from(s);
        }
        self.lookups += 1;
        if self.lookups >= INTERN_WINDOW {
            if self.hits < self.lookups / 2 {
                self.off = true;
                self.map = foldhash::HashMap::default();
                return Arc::from(s);
            }
            (self.lookups, self.hits) = (0, 0);
        }
        if let Some(a) = self.map.get(s) {
            self.hits += 1;
            return Arc::clone(a);
        }
        let a: Arc<str> = Arc::from(s);
        if self.map.len() < INTERN_MAX_VALUES {
            self.map.insert(s.into(), Arc::clone(&a));
        }
        a
    }
}

/// What a column's reader keeps between cells.
#[derive(Default)]
struct State {
    intern: Interner,
    /// Cells read as Excel serial dates: count and first lines.
    excel_serials: (u64, Vec<u64>),
    /// UTC offsets of the local days datetimes fell on.
    day: DayOffsets,
}

/// Why a cell was not read as it stands: its code and a sentence.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    pub code: Code,
    pub message: String,
}

impl From<ValueError> for Problem {
    fn from(e: ValueError) -> Problem {
        Problem {
            code: e.code(),
            message: e.to_string(),
        }
    }
}

/// How one column's cells are read.
enum Kind {
    /// Free text; `key` columns (ids, phones, short text) are checked for
    /// Excel's scientific notation.
    Text {
        key: bool,
    },
    Integer,
    Decimal,
    Currency,
    Percent,
    Boolean(BoolAliases),
    Date(Dates),
    Datetime(Dates),
    Enum(EnumMap, Vec<Arc<str>>),
    List(Box<Kind>),
}

/// The reader of one column of one file.
pub struct ColumnReader {
    kind: Kind,
    mark: DecimalMark,
    zone: Zones,
    separator: String,
    state: State,
}

impl ColumnReader {
    /// A reader for `col`; an error names a malformed date format.
    pub fn new(
        col: &ColumnPlan,
        plan: &Plan,
        conv: &Conventions,
        mark: DecimalMark,
    ) -> Result<ColumnReader, String> {
        let kind = kind(&col.ty, col, plan, conv)?;
        Ok(ColumnReader {
            kind,
            mark,
            zone: Zones {
                canonical: conv.canonical_zone,
                local: Zone::parse(&plan.options.timezone).unwrap_or(Zone::Utc),
            },
            separator: plan.options.multi_value_separator.clone(),
            state: State::default(),
        })
    }

    /// Reads one cell read on `line`; problems go to `problems`.
    pub fn read(&mut self, raw: &str, line: u64, problems: &mut Vec<Problem>) -> Value {
        let t = raw.trim();
        if t.is_empty() {
            return Value::Null;
        }
        self.read_trimmed(t, line, problems)
    }

    /// [`ColumnReader::read`] of a cell the caller already trimmed and
    /// found non-blank (the hot path: each cell is trimmed once).
    pub fn read_trimmed(&mut self, t: &str, line: u64, problems: &mut Vec<Problem>) -> Value {
        if let Kind::List(item) = &self.kind {
            let mut out = Vec::new();
            for part in split_multi(t, &self.separator, false) {
                let v = read_one(
                    item,
                    part,
                    self.mark,
                    self.zone,
                    &mut self.state,
                    problems,
                    line,
                );
                if !v.is_null() {
                    out.push(v);
                }
            }
            return Value::List(Arc::from(out));
        }
        read_one(
            &self.kind,
            t,
            self.mark,
            self.zone,
            &mut self.state,
            problems,
            line,
        )
    }

    /// Cells read as Excel serial dates so far: count and first lines.
    pub fn excel_serials(&self) -> &(u64, Vec<u64>) {
        &self.state.excel_serials
    }

    /// Takes the Excel serial counts (when a part of a file is done).
    pub fn take_excel_serials(&mut self) -> (u64, Vec<u64>) {
        std::mem::take(&mut self.state.excel_serials)
    }
}

fn kind(ty: &FieldType, col: &ColumnPlan, plan: &Plan, conv: &Conventions) -> Result<Kind, String> {
    Ok(match ty {
        FieldType::Text { .. } | FieldType::Id | FieldType::Phone => Kind::Text { key: true },
        FieldType::Textarea { .. }
        | FieldType::Email
        | FieldType::Url
        | FieldType::Lookup { .. }
        | FieldType::Owner
        | FieldType::Composite { .. } => Kind::Text { key: false },
        FieldType::Integer => Kind::Integer,
        FieldType::Number { .. } => Kind::Decimal,
        FieldType::Currency => Kind::Currency,
        FieldType::Percent => Kind::Percent,
        FieldType::Boolean => {
            Kind::Boolean(BoolAliases::new(&conv.true_values, &conv.false_values))
        }
        FieldType::Date => Kind::Date(dates(col, plan, conv, false)?),
        FieldType::Datetime => Kind::Datetime(dates(col, plan, conv, true)?),
        FieldType::Picklist { values } => enum_kind(values),
        FieldType::Multipicklist { values } => Kind::List(Box::new(enum_kind(values))),
        FieldType::List { item } => match kind(item, col, plan, conv)? {
            // A list of lists is not a CSV shape; read the items as text.
            Kind::List(_) => Kind::List(Box::new(Kind::Text { key: false })),
            k => Kind::List(Box::new(k)),
        },
    })
}

fn enum_kind(values: &[crate::schema::model::EnumValue]) -> Kind {
    let canonical: Vec<&str> = values.iter().map(|v| v.value.as_str()).collect();
    let mut map = EnumMap::new(&canonical);
    for v in values {
        for a in &v.aliases {
            // The descriptor loader rejects conflicting aliases; a conflict
            // here keeps the first meaning.
            let _ = map.alias(a, &v.value);
        }
    }
    let arcs = map.values().iter().map(|v| Arc::from(v.as_str())).collect();
    Kind::Enum(map, arcs)
}

fn read_one(
    kind: &Kind,
    t: &str,
    mark: DecimalMark,
    zone: Zones,
    state: &mut State,
    problems: &mut Vec<Problem>,
    line: u64,
) -> Value {
    match kind {
        Kind::Text { key } => {
            if *key && maybe_scientific(t) {
                if let Err(e) = parse_text_key(t) {
                    problems.push(e.into());
                }
            }
            Value::Text(state.intern.get(t))
        }
        Kind::Integer => match parse_integer(t, mark) {
            Ok(n) => Value::Int(n),
            Err(e) => fail(problems, e),
        },
        Kind::Decimal => match parse_decimal(t, mark) {
            Ok(d) => Value::Num(d),
            Err(e) => fail(problems, e),
        },
        Kind::Currency => match parse_decimal(strip_currency(t), mark) {
            Ok(d) => Value::Num(d),
            Err(ValueError::NotDecimal { .. }) => fail(
                problems,
                ValueError::NotDecimal {
                    value: t.to_string(),
                },
            ),
            Err(e) => fail(problems, e),
        },
        Kind::Percent => match parse_percent(t, mark, BarePercent::Points) {
            Ok(d)
                if !t.ends_with('%') && d > Decimal::ZERO && d < Decimal::ONE && d.scale() >= 2 =>
            {
                // `0.694` may be a fraction (69.4 %) or 0.694 %: not guessed.
                problems.push(Problem {
                    code: codes::E0817,
                    message: format!(
                        "`{t}` may be a fraction ({} %) or {d} %; write it with a `%` sign",
                        (d * Decimal::ONE_HUNDRED).normalize()
                    ),
                });
                Value::Null
            }
            Ok(d) => Value::Num(d),
            Err(e) => fail(problems, e),
        },
        // Canonical spellings first: most cells are, and the alias scan is not free.
        Kind::Boolean(_) if t == "true" => Value::Bool(true),
        Kind::Boolean(_) if t == "false" => Value::Bool(false),
        Kind::Boolean(aliases) => match parse_bool(t, aliases) {
            Ok(b) => Value::Bool(b),
            Err(e) => fail(problems, e),
        },
        Kind::Date(d) => match parse_date(t, &d.formats) {
            Ok(p) => {
                if let Some(e) = slash_ambiguity(t, d, p.via) {
                    return fail(problems, e);
                }
                if p.via == Via::ExcelSerial {
                    note_line(&mut state.excel_serials, line);
                }
                Value::Date(p.value)
            }
            Err(e) => fail(problems, e),
        },
        Kind::Datetime(d) => match fast_datetime(t, zone.canonical, &mut state.day) {
            Some(v) => Value::DateTime(v),
            None => datetime(t, d, zone, state, problems, line),
        },
        Kind::Enum(map, arcs) => match map.parse(t) {
            Ok(c) => match map.values().iter().position(|v| v == c) {
                Some(i) => Value::Text(Arc::clone(&arcs[i])),
                None => Value::text(c),
            },
            Err(e) => fail(problems, e),
        },
        // Nested lists are flattened to text items when the reader is built.
        Kind::List(_) => Value::Text(state.intern.get(t)),
    }
}

/// A cheap pre-check for [`parse_text_key`]'s scientific-notation test:
/// digits at both ends and an exponent mark (most ids fail the first byte).
fn maybe_scientific(t: &str) -> bool {
    let b = t.as_bytes();
    matches!(b.first(), Some(c) if c.is_ascii_digit() || *c == b'-' || *c == b'+')
        && b.last().is_some_and(u8::is_ascii_digit)
        && b.iter().any(|&c| c == b'e' || c == b'E')
}

fn fail(problems: &mut Vec<Problem>, e: ValueError) -> Value {
    problems.push(e.into());
    Value::Null
}

fn note_line(acc: &mut (u64, Vec<u64>), line: u64) {
    acc.0 += 1;
    if acc.1.len() < 5 {
        acc.1.push(line);
    }
}

/// `kr 1.234,50`, `1234 DKK`, `€ 12`: the number without its currency.
fn strip_currency(t: &str) -> &str {
    const SIGNS: &[&str] = &[
        "kr.", "kr", "dkk", "sek", "nok", "eur", "usd", "€", "$", "£",
    ];
    let mut s = t.trim();
    for sign in SIGNS {
        if s.len() >= sign.len()
            && s.is_char_boundary(sign.len())
            && s[..sign.len()].eq_ignore_ascii_case(sign)
        {
            s = s[sign.len()..].trim_start();
            break;
        }
    }
    for sign in SIGNS {
        let n = s.len();
        if n >= sign.len()
            && s.is_char_boundary(n - sign.len())
            && s[n - sign.len()..].eq_ignore_ascii_case(sign)
        {
            s = s[..n - sign.len()].trim_end();
            break;
        }
    }
    s
}

/// The decimal mark of a file: `;`-separated files come from a Danish-locale
/// Excel, which writes decimal commas.
pub fn decimal_mark(delimiter: u8) -> DecimalMark {
    if delimiter == b';' {
        DecimalMark::Comma
    } else {
        DecimalMark::Point
    }
}

mod dates;
#[cfg(test)]
mod tests;

use dates::{dates, datetime, fast_datetime, slash_ambiguity, Dates, DayOffsets};
