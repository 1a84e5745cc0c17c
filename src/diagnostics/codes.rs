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
    E0116 "chained-comparison" "two comparison operators are chained, as in `a < b < c`";
    E0117 "nesting-too-deep" "an expression is nested too deeply to parse";

    // ── E02xx names (owned by src/check) ───────────────────────────────
    E0201 "duplicate-item" "two items declare the same name";
    E0202 "unknown-value-map" "an expression indexes a value map or table that is not declared";
    E0203 "unknown-alias" "an expression uses a fan-out alias that is not defined";
    E0204 "alias-before-definition" "an alias is used before the target that defines it";
    E0205 "duplicate-alias" "two targets of one fan-out use the same alias";
    E0206 "duplicate-option" "an option is set twice";
    E0207 "unknown-option" "`options` sets a key ferry does not know";
    E0208 "duplicate-field-assignment" "a target assigns the same field twice";
    E0209 "unknown-system" "`migration` names a system ferry has no descriptor for";
    E0210 "unknown-source-object" "a route or source rule names an object the export does not have";
    E0211 "unknown-column" "an expression names a column or relation the source object does not have";
    E0212 "unknown-destination-object" "a target, lookup or `custom` block names an object the destination does not have";
    E0213 "unknown-destination-field" "a statement assigns a field the destination object does not have";
    E0214 "unknown-function" "an expression calls a function that does not exist";
    E0215 "custom-field-clash" "a `custom` block declares a field the object already has as a standard field";
    E0216 "custom-object-exists" "`custom object X` declares an object the destination already has";
    E0217 "custom-field-naming" "a custom field does not follow the destination's naming convention";
    E0219 "import-item-not-allowed" "an imported file contains an item that only the main spec may have";
    E0220 "table-file-unreadable" "the CSV file of a `table` cannot be read or is not valid CSV";
    E0221 "table-key-unknown" "a table's `key` column is not a column of its CSV file";
    E0222 "unknown-table-column" "`table[key].col` names a column the table's CSV file does not have";
    E0223 "invalid-member-access" "`.name` follows something that has no parts";
    E0224 "owner-without-owners" "`owner(…)` is used but the spec has no `owners` block";
    E0225 "invalid-option-value" "an option or owner policy has a value ferry cannot use";
    E0226 "unreadable-import" "a file named by `import` cannot be read";

    // ── E03xx types and nullability (owned by src/check) ──────────────
    E0301 "type-mismatch" "a value's type cannot be assigned to the destination field";
    E0302 "required-field-missing" "a target does not assign a field the destination requires";
    E0303 "required-field-nullable" "a required field is assigned a value that may be empty";
    E0304 "unhandled-conversion" "a conversion that can fail at run time is not handled";
    E0305 "illegal-picklist-value" "an assignment can produce a value the destination picklist does not have";
    E0306 "wrong-arguments" "a function is called with the wrong number or kind of arguments";
    E0307 "bad-operands" "an operator is applied to values it cannot take";
    E0308 "not-a-list" "an operation that needs a list is given a single value";
    E0310 "read-only-field" "a statement assigns a field the destination does not let the API set";
    E0311 "invalid-date-format" "`format` is given a format string chrono does not understand";
    E0312 "impossible-enum-value" "a comparison uses a value the field can never have";
    E0313 "owner-field" "an owner field is assigned something other than `owner(…)`";
    E0314 "condition-not-boolean" "a condition is not true or false";
    E0315 "invalid-type" "a declared type is unknown or malformed";

    // ── E04xx value maps, splits and merges ────────────────────────────
    E0401 "duplicate-value-map-key" "a value map lists the same key twice";
    E0402 "value-map-not-exhaustive" "a value map does not cover every value its key can take, and has no `else`";
    E0403 "split-not-exhaustive" "a split without `else` may leave records that match no arm";
    E0404 "merge-field-not-aggregated" "in a merge, a field that is not a `by` key is used without an aggregate";

    // ── E05xx references, keys and load order ──────────────────────────
    E0501 "lookup-not-routed" "a lookup is given records that no route sends to the looked-up object";
    E0502 "lookup-ambiguous" "a lookup's records reach the looked-up object through two routes";
    E0503 "load-order-cycle" "destination objects reference each other in a cycle";
    E0504 "missing-key" "a target has no `key`";
    E0505 "duplicate-key" "a target has more than one `key` statement";
    E0506 "key-field-not-unique" "a key field is not an external id or unique field";
    E0507 "key-may-be-empty" "a key expression may be empty or fail";
    E0508 "keys-may-collide" "two routes into one object write keys that may be equal";

    // ── E06xx tests ────────────────────────────────────────────────────
    E0601 "test-failed" "a `test` block's expectation does not hold";
    E0602 "test-given-invalid" "a `given` record does not fit the export";
    E0603 "test-expect-invalid" "an `expect` names an object no route produces, or a non-literal value";

    // ── E07xx descriptors (owned by src/schema) ────────────────────────
    E0701 "descriptor-syntax" "a descriptor is not valid YAML";
    E0702 "unknown-descriptor-key" "a descriptor uses a key ferry does not know";
    E0703 "invalid-descriptor-value" "a descriptor key has a value of the wrong shape, or a required key is missing";
    E0704 "descriptor-kind-mismatch" "`kind` is missing or wrong, or a key belongs to the other kind of descriptor";
    E0705 "unknown-field-type" "a descriptor field has a type ferry does not know";
    E0706 "duplicate-descriptor-entry" "a descriptor lists the same key, value or name twice";
    E0707 "picklist-without-values" "a picklist has no values, or values are given to a type without values";
    E0708 "unknown-lookup-target" "a lookup names an object the descriptor does not have";
    E0709 "unknown-relation-object" "a relation names an object the descriptor does not have";
    E0710 "unknown-descriptor-column" "a relation or primary key names a column the object does not have";
    E0711 "unknown-extended-system" "`extends` names a descriptor that is not loaded";
    E0712 "unknown-schema-system" "no descriptor is loaded for this system name";
    E0713 "unknown-schema-object" "the descriptor has no object of this name";

    // ── E08xx staging data (owned by src/stage) ────────────────────────
    E0801 "unreadable-data-file" "a bundle file cannot be read as CSV text";
    E0802 "missing-column" "a column the source descriptor requires is not in the file";
    E0803 "duplicate-column" "two headers of a file name the same column";
    E0804 "ragged-row" "a row has fewer or more fields than the header";
    E0805 "invalid-integer" "a cell in a whole-number column is not a whole number";
    E0806 "invalid-decimal" "a cell in a number column is not a number";
    E0807 "invalid-date" "a cell is not a date or time in any accepted format";
    E0808 "ambiguous-date" "a date reads differently day-first and month-first";
    E0809 "invalid-boolean" "a cell in a yes/no column is not a known yes/no spelling";
    E0810 "unknown-enum-value" "a cell is not one of the column's values or aliases";
    E0811 "mangled-number" "a number was rewritten by Excel in scientific notation";
    E0812 "zero-date" "a date is all zeros, a placeholder for no date";
    E0813 "dst-gap-or-overlap" "a local time falls in a daylight-saving gap or overlap";
    E0814 "orphaned-reference" "a reference points at a record the bundle does not have";
    E0815 "duplicate-record-key" "two records share a key that must be unique";
    E0816 "placeholder-in-number" "a number cell holds a placeholder such as N/A";
    E0817 "invalid-percent" "a cell in a percentage column is not a percentage";
    E0818 "missing-required-value" "a required cell is empty";
    E0819 "forbidden-personal-data" "a column that must stay empty holds personal data";
    E0820 "reference-cycle" "references form a cycle";
    E0821 "missing-data-file" "a file the spec reads is not in the bundle";
    E0822 "quote-swallows-records" "a quoted cell swallows lines that read as records";
    W0801 "legacy-encoding" "a file is not UTF-8 and was decoded as Windows-1252";
    W0802 "unrecognized-header" "a file has a column the descriptor does not know";
    W0803 "unterminated-quote" "a quoted cell is probably not closed";
    W0804 "invalid-utf8-bytes" "invalid UTF-8 bytes were replaced";
    W0805 "declared-column-missing" "a column the spec declares is not in the file";

    // ── E09xx runtime record errors (owned by src/runtime) ─────────────
    E0901 "conversion-failed" "a value could not be converted to a number, integer, date or datetime";
    E0902 "division-by-zero" "an expression divided by zero";
    E0903 "number-overflow" "arithmetic produced a number too large to represent exactly";
    E0904 "invalid-phone-number" "`e164` could not read a phone number";
    E0905 "invalid-date-pattern" "`format` was given a date pattern it cannot use";
    E0906 "value-too-long" "a text value is longer than its destination field allows";
    E0907 "number-too-large-for-field" "a number has more digits than its destination field allows";
    E0908 "value-not-in-picklist" "a picklist field received a value that is not one of its values";
    E0909 "null-key" "a record's key evaluated to null";
    E0910 "no-split-arm" "no arm of a split matched a record and the split has no `else`";
    E0911 "unresolved-reference" "a lookup points at a source record that was not sent";
    E0912 "internal-evaluation-error" "the evaluator met a plan it cannot run (a bug in ferry)";
    // Destination-native requests (src/emit/native).
    E0913 "unknown-custom-field" "a custom field name has no key in the destination account";
    E0914 "unsendable-payload-line" "a payload line is not an envelope this destination can send";
    E0915 "unsupported-link-target" "a link points at a record the destination field cannot take";

    // ── E10xx command line and files ───────────────────────────────────
    // ── W-codes (warnings; `--strict` makes them errors) ───────────────
    W0301 "truncation-risk" "values may be longer than the destination field";
    W0302 "precision-loss" "numbers may have more decimals than the destination field";
    W0303 "custom-field-unassigned" "a declared custom field is never assigned";
    W0304 "commonly-wanted-unmapped" "a field that migrations usually fill is left unmapped";
    W0401 "value-map-unused" "a value map is declared but never used";
    W0402 "table-unused" "a table is declared but never used";
    W0403 "split-arm-never-matches" "a split arm can never match";
    W0404 "value-map-coverage-unprovable" "a value map indexed with free text has no `else`";
    W0405 "value-map-arm-never-matches" "a value map arm's key is not a value the key expression can have";
    W0901 "credentials-redacted" "a reference copied a credential from the export; it was replaced by `[redacted]`";

    E1001 "unreadable-file" "a file named on the command line cannot be read";
    E1002 "unknown-code" "`ferry explain` was given a code that is not registered";
    E1003 "not-formatted" "`ferry fmt --check` found a file that is not canonically formatted";
    E1004 "unwritable-output" "an output file or folder cannot be written";
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
            assert!(
                digits.len() == 4 && digits.bytes().all(|b| b.is_ascii_digit()),
                "{}",
                c.id
            );
            assert!(!c.summary.is_empty(), "{} has no summary", c.id);
        }
    }

    #[test]
    fn every_code_has_a_page_that_names_it() {
        for c in ALL {
            let first = c.page.lines().next().unwrap_or_default();
            assert!(
                first.starts_with("# ") && first.contains(c.id),
                "docs/errors/{}.md must start with a `# {} …` heading",
                c.id,
                c.id
            );
            assert!(
                c.page.contains("## Example") || c.page.contains("retired"),
                "docs/errors/{}.md needs an `## Example` section",
                c.id
            );
            // A page is the user's explanation: no placeholders, and some
            // prose before the example (what is wrong and why it matters).
            assert!(
                !c.page.contains("TODO") && !c.page.contains("not yet written"),
                "docs/errors/{}.md is a placeholder",
                c.id
            );
            let prose = c.page.split("## Example").next().unwrap_or_default();
            assert!(
                prose.split_whitespace().count() >= 15,
                "docs/errors/{}.md explains too little before its example",
                c.id
            );
        }
    }

    #[test]
    fn every_page_belongs_to_a_code() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/docs/errors");
        for entry in std::fs::read_dir(dir).unwrap() {
            let name = entry.unwrap().file_name().into_string().unwrap();
            let Some(id) = name.strip_suffix(".md") else {
                continue;
            };
            if id == "README" {
                continue;
            }
            assert!(
                lookup(id).is_some(),
                "docs/errors/{name} has no registered code"
            );
        }
    }
}
