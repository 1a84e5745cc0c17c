//! Booleans, enums and multi-valued cells.
//!
//! Input: a non-blank cell and the column's aliases or separator. Output: a
//! `bool`, a canonical enum value, or the list of values; else a
//! [`ValueError`]. Invariants: matching is trimmed and case-insensitive;
//! enum keys also treat `_`, `-` and runs of spaces alike (`on_leave`,
//! `On Leave`, `on-leave`); an unknown enum value is an error the stage
//! counts in the column's unknown bucket, never a silent default.

use super::ValueError;
use crate::diagnostics::did_you_mean;

/// The spellings of true and false a column accepts.
#[derive(Clone, Debug)]
pub struct BoolAliases {
    truthy: Vec<String>,
    falsy: Vec<String>,
}

impl Default for BoolAliases {
    /// `true/1/yes/y/ja/j/x/sand` and `false/0/no/n/nej/falsk` (Danish and
    /// English exports; `X` is a ticked checkbox).
    fn default() -> Self {
        BoolAliases::new(
            &["true", "1", "yes", "y", "ja", "j", "x", "sand"],
            &["false", "0", "no", "n", "nej", "falsk"],
        )
    }
}

impl BoolAliases {
    pub fn new<S: AsRef<str>>(true_values: &[S], false_values: &[S]) -> BoolAliases {
        let norm = |v: &[S]| v.iter().map(|s| s.as_ref().trim().to_lowercase()).collect();
        BoolAliases {
            truthy: norm(true_values),
            falsy: norm(false_values),
        }
    }

    fn expected(&self) -> String {
        format!("{} / {}", self.truthy.join(", "), self.falsy.join(", "))
    }
}

fn eq_fold(a: &str, lower: &str) -> bool {
    if a.is_ascii() {
        a.eq_ignore_ascii_case(lower)
    } else {
        a.to_lowercase() == lower
    }
}

pub fn parse_bool(s: &str, aliases: &BoolAliases) -> Result<bool, ValueError> {
    let t = s.trim();
    if t.is_empty() {
        return Err(ValueError::Empty);
    }
    if aliases.truthy.iter().any(|a| eq_fold(t, a)) {
        Ok(true)
    } else if aliases.falsy.iter().any(|a| eq_fold(t, a)) {
        Ok(false)
    } else {
        Err(ValueError::NotBoolean {
            value: t.to_string(),
            expected: aliases.expected(),
        })
    }
}

/// The matching key of an enum value: lower case, `_`/`-`/spaces → one space.
pub fn enum_key(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for word in s
        .split(|c: char| c.is_whitespace() || c == '_' || c == '-')
        .filter(|w| !w.is_empty())
    {
        if !out.is_empty() {
            out.push(' ');
        }
        out.extend(word.chars().flat_map(char::to_lowercase));
    }
    out
}

/// An enum's canonical values and their aliases.
#[derive(Clone, Debug)]
pub struct EnumMap {
    canonical: Vec<String>,
    /// (key, canonical index), sorted by key for binary search.
    keys: Vec<(String, usize)>,
}

impl EnumMap {
    pub fn new<S: AsRef<str>>(canonical: &[S]) -> EnumMap {
        let canonical: Vec<String> = canonical.iter().map(|s| s.as_ref().to_string()).collect();
        let mut keys: Vec<(String, usize)> = canonical
            .iter()
            .enumerate()
            .map(|(i, c)| (enum_key(c), i))
            .collect();
        keys.sort();
        keys.dedup_by(|a, b| a.0 == b.0);
        EnumMap { canonical, keys }
    }

    /// Adds `alias` for `canonical`; an error when `canonical` is not a
    /// value of the enum or the alias already means another value.
    pub fn alias(&mut self, alias: &str, canonical: &str) -> Result<(), String> {
        let Some(i) = self.canonical.iter().position(|c| c == canonical) else {
            return Err(format!("`{canonical}` is not a value of this enum"));
        };
        let key = enum_key(alias);
        match self.keys.binary_search_by(|(k, _)| k.as_str().cmp(&key)) {
            Ok(at) if self.keys[at].1 != i => Err(format!(
                "`{alias}` already means `{}`",
                self.canonical[self.keys[at].1]
            )),
            Ok(_) => Ok(()),
            Err(at) => {
                self.keys.insert(at, (key, i));
                Ok(())
            }
        }
    }

    pub fn values(&self) -> &[String] {
        &self.canonical
    }

    /// The canonical value of `s`.
    pub fn parse(&self, s: &str) -> Result<&str, ValueError> {
        let t = s.trim();
        if t.is_empty() {
            return Err(ValueError::Empty);
        }
        // Most cells are spelled canonically: skip building a key for them.
        if let Some(c) = self.canonical.iter().find(|c| c.as_str() == t) {
            return Ok(c);
        }
        let key = enum_key(t);
        match self.keys.binary_search_by(|(k, _)| k.as_str().cmp(&key)) {
            Ok(at) => Ok(&self.canonical[self.keys[at].1]),
            Err(_) => Err(ValueError::UnknownEnum {
                value: t.to_string(),
                expected: self.canonical.clone(),
                suggestion: did_you_mean(t, self.canonical.iter().map(String::as_str)),
            }),
        }
    }
}

/// Splits a multi-valued cell on `sep`, trims, drops empty items and
/// duplicates (keeping the first spelling; `fold_case` compares
/// case-insensitively).
pub fn split_multi<'a>(s: &'a str, sep: &str, fold_case: bool) -> Vec<&'a str> {
    let mut out: Vec<&'a str> = Vec::new();
    if sep.is_empty() {
        let t = s.trim();
        if !t.is_empty() {
            out.push(t);
        }
        return out;
    }
    for item in s.split(sep).map(str::trim).filter(|i| !i.is_empty()) {
        let dup = out.iter().any(|o| {
            if fold_case {
                o.to_lowercase() == item.to_lowercase()
            } else {
                *o == item
            }
        });
        if !dup {
            out.push(item);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn booleans_with_aliases() {
        let a = BoolAliases::default();
        for t in ["true", "TRUE", "1", "yes", "Ja", "X", " x "] {
            assert_eq!(parse_bool(t, &a), Ok(true), "{t}");
        }
        for f in ["false", "FALSE", "0", "no", "Nej"] {
            assert_eq!(parse_bool(f, &a), Ok(false), "{f}");
        }
        assert!(matches!(
            parse_bool("måske", &a),
            Err(ValueError::NotBoolean { .. })
        ));
        assert_eq!(parse_bool("", &a), Err(ValueError::Empty));
        let strict = BoolAliases::new(&["true"], &["false"]);
        assert!(parse_bool("Ja", &strict).is_err());
        let custom = BoolAliases::new(&["Sandt"], &["Falsk"]);
        assert_eq!(parse_bool("SANDT", &custom), Ok(true));
    }

    #[test]
    fn enums_normalize_aliases_and_report_unknowns() {
        let mut m = EnumMap::new(&["Active", "On Leave", "Terminated"]);
        m.alias("Aktiv", "Active").unwrap();
        m.alias("Orlov", "On Leave").unwrap();
        m.alias("Barsel", "On Leave").unwrap();
        m.alias("Fratrådt", "Terminated").unwrap();
        for (cell, want) in [
            ("Active", "Active"),
            (" ACTIVE ", "Active"),
            ("aktiv", "Active"),
            ("on_leave", "On Leave"),
            ("on-leave", "On Leave"),
            ("On  leave", "On Leave"),
            ("Barsel", "On Leave"),
            ("FRATRÅDT", "Terminated"),
        ] {
            assert_eq!(m.parse(cell), Ok(want), "{cell}");
        }
        match m.parse("Activ") {
            Err(ValueError::UnknownEnum {
                value,
                suggestion,
                expected,
            }) => {
                assert_eq!(value, "Activ");
                assert_eq!(suggestion.as_deref(), Some("did you mean `Active`?"));
                assert_eq!(expected.len(), 3);
            }
            other => panic!("{other:?}"),
        }
        assert!(m.alias("aktiv", "Terminated").is_err());
        assert!(m.alias("x", "Retired").is_err());
    }

    #[test]
    fn multi_values_are_trimmed_and_deduped() {
        assert_eq!(
            split_multi("Sales; Store 12;;Onboarding 2024", ";", false),
            vec!["Sales", "Store 12", "Onboarding 2024"]
        );
        assert_eq!(
            split_multi("store 12 ; Sales;Store 12", ";", true),
            vec!["store 12", "Sales"]
        );
        assert_eq!(
            split_multi("store 12 ; Sales;Store 12", ";", false),
            vec!["store 12", "Sales", "Store 12"]
        );
        assert_eq!(split_multi(" ; ", ";", false), Vec::<&str>::new());
        assert_eq!(split_multi("a|b", "|", false), vec!["a", "b"]);
    }
}
