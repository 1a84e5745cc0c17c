//! The one registry of diagnostic codes.
//!
//! Every code ferry can emit is listed here exactly once, with a slug and a
//! one-line summary; its long explanation is `docs/errors/<CODE>.md`, embedded
//! at compile time (a code without a page does not build). Codes are never
//! reused: retire a code by keeping its line and marking its page "retired".
//!
//! Ranges (architecture.md): E01xx syntax, E02xx names, E03xx types and
//! nullability, E04xx value maps, splits and merges, E05xx references, keys
//! and load order, E06xx tests, E07xx descriptors, E08xx staging (data),
//! E09xx runtime, E10xx command line and files; W-codes mirror the ranges.

use serde::Serialize;

/// A registered diagnostic code.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct Code {
    /// `E0101`
    pub id: &'static str,
    /// `unexpected-token`
    #[serde(skip)]
    pub slug: &'static str,
    /// One line, shown by `ferry explain --list`.
    #[serde(skip)]
    pub summary: &'static str,
    /// The long explanation (Markdown).
    #[serde(skip)]
    pub page: &'static str,
}

impl Code {
    /// Warnings are the W-codes.
    pub fn is_warning(self) -> bool {
        self.id.starts_with('W')
    }
}

impl std::fmt::Display for Code {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.id)
    }
}

macro_rules! registry {
    ($( $(#[$doc:meta])* $id:ident $slug:literal $summary:literal; )*) => {
        $(
            $(#[$doc])*
            pub const $id: Code = Code {
                id: stringify!($id),
                slug: $slug,
                summary: $summary,
                page: include_str!(concat!("../../docs/errors/", stringify!($id), ".md")),
            };
        )*
        /// Every registered code, in registry order.
        pub static ALL: &[Code] = &[$($id),*];
    };
}

registry! {
    // ── E01xx syntax (owned by src/syntax) ─────────────────────────────
    E0101 "unexpected-token" "the parser found something it did not expect";
    E0102 "unterminated-string" "a string literal has no closing quote";
    E0103 "invalid-escape" "a string contains an unknown escape sequence";
    E0104 "arrow-instead-of-fat-arrow" "a value map arm uses `=` or `->` where it needs `=>`";
    E0105 "missing-route-arrow" "a route, split arm or merge is missing `->` before its target";
    E0106 "keyword-as-name" "a reserved word is used where a name is expected";
    E0107 "unterminated-comment" "a block comment has no closing `*/`";
    E0108 "number-out-of-range" "an integer literal does not fit in 64 bits";
    E0109 "unknown-modifier" "a custom field has a modifier ferry does not know";
    E0110 "migration-not-first" "the `migration` line is missing or not the first item";
    E0111 "invalid-skip-reason" "a skip or flag reason is not a plain reason code";
    E0112 "unclosed-block" "a `{`, `(` or `[` is never closed";
    E0113 "unknown-keep-policy" "`keep` names a policy ferry does not know";
    E0114 "invalid-character" "a character that cannot start any token";
    E0115 "fan-out-mixed" "a route mixes a single target with fan-out targets";

    // ── E02xx names (owned by src/check) ───────────────────────────────
    E0201 "duplicate-item" "two items declare the same name";
    E0202 "unknown-value-map" "an expression indexes a value map or table that is not declared";
    E0203 "unknown-alias" "an expression uses a fan-out alias that is not defined";
    E0204 "alias-before-definition" "an alias is used before the target that defines it";
    E0205 "duplicate-alias" "two targets of one fan-out use the same alias";
    E0206 "duplicate-option" "an option is set twice";
    E0207 "unknown-option" "`options` sets a key ferry does not know";
    E0208 "duplicate-field-assignment" "a target assigns the same field twice";

    // ── E04xx value maps, splits and merges ────────────────────────────
    E0401 "duplicate-value-map-key" "a value map lists the same key twice";

    // ── E07xx descriptors (owned by src/schema) ────────────────────────

    // ── E10xx command line and files ───────────────────────────────────
    E1001 "unreadable-file" "a file named on the command line cannot be read";
    E1002 "unknown-code" "`ferry explain` was given a code that is not registered";
    E1003 "not-formatted" "`ferry fmt --check` found a file that is not canonically formatted";
}

/// Look a code up by its id (`E0101`), case-insensitively.
pub fn lookup(id: &str) -> Option<Code> {
    ALL.iter().copied().find(|c| c.id.eq_ignore_ascii_case(id))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn codes_and_slugs_are_unique() {
        let mut ids = HashSet::new();
        let mut slugs = HashSet::new();
        for c in ALL {
            assert!(ids.insert(c.id), "code {} registered twice", c.id);
            assert!(slugs.insert(c.slug), "slug {} registered twice", c.slug);
        }
    }

    #[test]
    fn codes_are_well_formed() {
        for c in ALL {
            let (letter, digits) = c.id.split_at(1);
            assert!(letter == "E" || letter == "W", "{}", c.id);
            assert!(digits.len() == 4 && digits.bytes().all(|b| b.is_ascii_digit()), "{}", c.id);
            assert!(!c.summary.is_empty(), "{} has no summary", c.id);
        }
    }

    #[test]
    fn every_code_has_a_page_that_names_it() {
        for c in ALL {
            let first = c.page.lines().next().unwrap_or_default();
            assert!(first.starts_with("# ") && first.contains(c.id), "docs/errors/{}.md must start with a `# {} …` heading", c.id, c.id);
            assert!(c.page.contains("## Example") || c.page.contains("retired"), "docs/errors/{}.md needs an `## Example` section", c.id);
        }
    }

    #[test]
    fn every_page_belongs_to_a_code() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/docs/errors");
        for entry in std::fs::read_dir(dir).unwrap() {
            let name = entry.unwrap().file_name().into_string().unwrap();
            let Some(id) = name.strip_suffix(".md") else { continue };
            if id == "README" {
                continue;
            }
            assert!(lookup(id).is_some(), "docs/errors/{name} has no registered code");
        }
    }
}
