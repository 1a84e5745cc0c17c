//! Syntax errors in plain words: a failed item → coded diagnostics.
//!
//! Input: the pest error of one item that failed to parse, the item's region
//! of the file (from its start to where recovery resumes) and the lexical
//! pre-scan. Output: E01xx diagnostics whose primary label is on the exact
//! offending token. Invariants: no pest rule name ever reaches the user
//! (every rule is mapped to prose by [`expected_prose`], or hidden); labels
//! lie within the text.

use super::parser::Rule;
use super::scan::{self, Issue, IssueKind, Scan, ITEM_KEYWORDS};
use crate::diagnostics::{codes, Diagnostic, SourceFile};
use crate::span::Span;
use std::sync::Arc;

/// Reserved words: never names.
pub(crate) const RESERVED: &[&str] = &[
    "and",
    "or",
    "not",
    "in",
    "if",
    "then",
    "else",
    "true",
    "false",
    "null",
    "clear",
    "skip",
    "flag",
    "placeholder",
    "where",
    "by",
    "keep",
];

/// What the expectation is about, to order and filter the list.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Kind {
    /// A construct or a name: said first.
    Thing,
    /// A keyword or punctuation.
    Token,
    /// A token that would continue what came before (`(` of a call, `.`
    /// of a path, `[` of an index): only said when nothing else is.
    Continuation,
    /// An operator: only said when nothing else is expected.
    Operator,
}

/// Plain words for a rule pest reports as expected; `None` hides it.
fn expected_prose(rule: Rule) -> Option<(Kind, &'static str)> {
    use Kind::*;
    use Rule as R;
    Some(match rule {
        R::item => (Thing, "an item such as `route`, `split` or `values`"),
        R::system_name => (Thing, "a schema name such as `actimo`"),
        R::object_name => (Thing, "an object name"),
        R::field_name | R::field_path => (Thing, "a field name"),
        R::column_name | R::member_name => (Thing, "a column name"),
        R::option_name | R::option_entry => (Thing, "an option (`name = value`)"),
        R::type_name | R::type_expr => (Thing, "a type such as `text(80)`"),
        R::modifier_name | R::modifier => (Thing, "a modifier"),
        R::map_name => (Thing, "a value map name"),
        R::table_name => (Thing, "a table name"),
        R::alias_name => (Thing, "an alias"),
        R::attr_name => (Thing, "a user attribute such as `email`"),
        R::keep_name | R::keep_policy => (
            Thing,
            "a keep policy (`latest(…)`, `earliest(…)`, `first` or `last`)",
        ),
        R::stmt | R::key_stmt | R::assign_stmt => (Thing, "a field assignment (`Field = value`)"),
        R::field_init => (Thing, "a field assignment (`field = value`)"),
        R::value_arm => (Thing, "a value map arm (`\"a\" => \"b\"`)"),
        R::outcome => (Thing, "a value, `keep` or `skip(\"reason\")`"),
        R::expr
        | R::expr_nw
        | R::primary
        | R::arg
        | R::path_name
        | R::path
        | R::paren
        | R::list
        | R::if_expr
        | R::call_or_path
        | R::placeholder
        | R::clear => (Thing, "an expression"),
        R::string => (Thing, "a string"),
        R::int | R::float | R::key_int | R::key_float => (Thing, "a number"),
        R::skip_expr => (Token, "`skip(\"reason\")`"),
        R::flag_expr => (Token, "`flag(\"reason\")`"),
        R::kw_migration | R::migration => (Token, "`migration`"),
        R::kw_options | R::options => (Token, "`options`"),
        R::kw_import | R::import => (Token, "`import`"),
        R::kw_source | R::source => (Token, "`source`"),
        R::kw_column | R::column_rule => (Token, "`column`"),
        R::kw_from => (Token, "`from`"),
        R::kw_dedupe | R::dedupe_rule => (Token, "`dedupe`"),
        R::kw_custom | R::custom_item => (Token, "`custom`"),
        R::kw_object => (Token, "`object`"),
        R::kw_values | R::values => (Token, "`values`"),
        R::kw_table | R::table => (Token, "`table`"),
        R::kw_key => (Token, "`key`"),
        R::kw_owners | R::owners => (Token, "`owners`"),
        R::kw_match | R::owner_match => (Token, "`match`"),
        R::kw_fallback | R::owner_fallback => (Token, "`fallback`"),
        R::kw_route | R::route => (Token, "`route`"),
        R::kw_as => (Token, "`as`"),
        R::kw_split | R::split => (Token, "`split`"),
        R::kw_when | R::split_arm => (Token, "`when`"),
        R::kw_merge | R::merge => (Token, "`merge`"),
        R::kw_reference | R::reference => (Token, "`reference`"),
        R::kw_test | R::test => (Token, "`test`"),
        R::kw_given | R::given => (Token, "`given`"),
        R::kw_expect | R::expect => (Token, "`expect`"),
        R::kw_where | R::where_rule => (Token, "`where`"),
        R::kw_by => (Token, "`by`"),
        R::kw_keep => (Token, "`keep`"),
        R::kw_else | R::else_arm | R::split_else => (Token, "`else`"),
        R::kw_if => (Token, "`if`"),
        R::kw_then => (Token, "`then`"),
        R::kw_skip => (Token, "`skip`"),
        R::kw_flag => (Token, "`flag`"),
        R::kw_placeholder => (Token, "`placeholder`"),
        R::kw_true => (Token, "`true`"),
        R::kw_false => (Token, "`false`"),
        R::kw_null => (Token, "`null`"),
        R::lbrace | R::fan_out => (Token, "`{`"),
        R::rbrace => (Token, "`}`"),
        R::lparen | R::call_args => (Continuation, "`(`"),
        R::rparen => (Token, "`)`"),
        R::lbracket => (Continuation, "`[`"),
        R::rbracket => (Token, "`]`"),
        R::langle => (Token, "`<`"),
        R::rangle => (Token, "`>`"),
        R::arrow | R::target => (Token, "`->`"),
        R::fat_arrow => (Token, "`=>`"),
        R::assign => (Token, "`=`"),
        R::colon => (Token, "`:`"),
        R::comma => (Token, "`,`"),
        R::dot => (Continuation, "`.`"),
        R::op_where
        | R::op_coalesce
        | R::op_or
        | R::op_and
        | R::op_not_in
        | R::op_in
        | R::op_eq
        | R::op_ne
        | R::op_le
        | R::op_lt
        | R::op_ge
        | R::op_gt
        | R::op_add
        | R::op_sub
        | R::op_mul
        | R::op_div => (Operator, "an operator"),
        _ => return None,
    })
}

/// "a", "a or b", "a, b or c".
fn join_or(items: &[&str]) -> String {
    match items {
        [] => String::new(),
        [one] => (*one).to_string(),
        [init @ .., last] => format!("{} or {last}", init.join(", ")),
    }
}

/// The token found where the parser stopped.
#[derive(Debug, PartialEq)]
enum Found {
    Eof,
    Word(String),
    Str,
    Number(String),
    Punct(&'static str),
    Char(char),
}

impl Found {
    fn describe(&self) -> String {
        match self {
            Found::Eof => "end of file".into(),
            Found::Word(w) if RESERVED.contains(&w.as_str()) => format!("the reserved word `{w}`"),
            Found::Word(w) => format!("`{w}`"),
            Found::Str => "a string".into(),
            Found::Number(n) => format!("the number `{n}`"),
            Found::Punct(p) => format!("`{p}`"),
            Found::Char(c) => format!("`{c}`"),
        }
    }

    fn is(&self, punct: &str) -> bool {
        matches!(self, Found::Punct(p) if *p == punct)
    }
}

const PUNCTS: &[&str] = &[
    "->", "=>", "==", "!=", "<=", ">=", "??", "{", "}", "(", ")", "[", "]", "<", ">", "=", ":",
    ",", ".", "+", "-", "*", "/",
];

/// The token at byte `pos` and its span.
fn token_at(text: &str, pos: usize) -> (Found, Span) {
    let rest = &text[pos..];
    let bytes = rest.as_bytes();
    let Some(&b) = bytes.first() else {
        return (Found::Eof, Span::new(pos, pos));
    };
    if b.is_ascii_alphabetic() || b == b'_' {
        let n = bytes
            .iter()
            .take_while(|c| c.is_ascii_alphanumeric() || **c == b'_')
            .count();
        return (Found::Word(rest[..n].to_string()), Span::new(pos, pos + n));
    }
    if b.is_ascii_digit() {
        let n = bytes
            .iter()
            .take_while(|c| c.is_ascii_alphanumeric() || **c == b'.')
            .count();
        return (
            Found::Number(rest[..n].to_string()),
            Span::new(pos, pos + n),
        );
    }
    if b == b'"' {
        let end = scan::string_end(text.as_bytes(), pos).unwrap_or_else(|eol| eol);
        return (Found::Str, Span::new(pos, end));
    }
    if let Some(p) = PUNCTS.iter().find(|p| rest.starts_with(**p)) {
        return (Found::Punct(p), Span::new(pos, pos + p.len()));
    }
    let c = rest.chars().next().unwrap_or('\u{FFFD}');
    (Found::Char(c), Span::new(pos, pos + c.len_utf8()))
}

/// The item keyword at `pos`, if the text there starts with one.
fn item_word(text: &str, pos: usize) -> Option<&'static str> {
    match token_at(text, pos).0 {
        Found::Word(w) => ITEM_KEYWORDS.iter().copied().find(|k| *k == w),
        _ => None,
    }
}

/// The word just before `at` (blanks skipped), if it is the first token
/// of its line.
fn word_starting_line_before(text: &str, at: usize) -> Option<(&str, Span)> {
    let before = text.get(..at)?.trim_end_matches([' ', '\t']);
    let start = before
        .rfind(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .map_or(0, |i| i + 1);
    let word = &before[start..];
    let line = before[..start].rsplit('\n').next().unwrap_or("");
    (!word.is_empty() && line.trim().is_empty()).then(|| (word, Span::new(start, before.len())))
}

/// What the previous item was, for E0115 at the start of the next.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub(crate) struct Previous {
    /// The previous item was `route X -> T { … }` with one target.
    pub single_route: bool,
}

/// Diagnostics for a lexical issue.
pub(crate) fn lexical(file: &Arc<SourceFile>, issue: &Issue) -> Diagnostic {
    let d = match &issue.kind {
        IssueKind::UnterminatedString => Diagnostic::new(codes::E0102, "this string is never closed")
            .label(issue.span, "string starts here")
            .help("close the string with `\"` on the same line; strings cannot span lines (write `\\n` for a line break)"),
        IssueKind::UnterminatedComment => Diagnostic::new(codes::E0107, "this block comment is never closed")
            .label(issue.span, "comment starts here")
            .help("close it with `*/`; block comments do not nest, so the first `*/` ends the comment"),
        IssueKind::InvalidChar(c) => {
            let help = match c {
                ';' => "statements need no separator: remove the `;`".to_string(),
                '\'' => "strings use double quotes: `\"text\"`".to_string(),
                '#' => "comments start with `//` (or `/* … */`)".to_string(),
                '&' => "write `and` to combine conditions".to_string(),
                '|' => "write `or` to combine conditions".to_string(),
                '!' => "write `not` to negate, or `!=` for \"not equal\"".to_string(),
                '?' => "write `??` for \"first non-null\", or `if … then … else …`".to_string(),
                '%' => "there is no `%` operator".to_string(),
                c if c.is_alphabetic() => format!(
                    "names use ASCII letters, digits and `_` only; `{c}` may appear in strings"
                ),
                _ => "remove it, or put it inside a string".to_string(),
            };
            Diagnostic::new(codes::E0114, format!(
                "the character `{}` cannot appear here",
                if c.is_control() || c.is_whitespace() { c.escape_unicode().to_string() } else { c.to_string() }
            ))
                .label(issue.span, "invalid character")
                .help(help)
        }
        IssueKind::TooDeep => Diagnostic::new(codes::E0117, "this expression is nested too deeply")
            .label(issue.span, format!("more than {} levels deep", scan::MAX_DEPTH))
            .help("split it into smaller expressions; no real mapping needs this much nesting"),
    };
    d.in_file(file)
}

/// Turns the failure of the item starting at `pos` into diagnostics.
/// `region_end` is where recovery resumes; `reported` marks scan issues
/// already turned into diagnostics.
pub(crate) fn item_failed(
    file: &Arc<SourceFile>,
    scan: &Scan,
    pos: usize,
    region_end: usize,
    error: &pest::error::Error<Rule>,
    prev: Previous,
    reported: &mut [bool],
) -> Vec<Diagnostic> {
    let text = file.text.as_str();
    let at = pos
        + match error.location {
            pest::error::InputLocation::Pos(p) => p,
            pest::error::InputLocation::Span((s, _)) => s,
        };
    let at = at.min(text.len());
    let mut out = Vec::new();
    let mut first_issue = None;
    for (k, issue) in scan.issues_in(pos, region_end) {
        first_issue.get_or_insert(issue.span.start);
        if !reported[k] {
            reported[k] = true;
            out.push(lexical(file, issue));
        }
    }
    if first_issue.is_some_and(|f| f <= at) {
        return out;
    }
    let unclosed = scan::unclosed(text, pos, region_end);
    let before_error = unclosed.as_ref().is_some_and(|u| u.open.start <= at);
    if !before_error {
        out.push(pest_error(file, pos, at, error, prev).in_file(file));
    }
    if let Some(u) = unclosed {
        let close = match u.open_char {
            '(' => ')',
            '[' => ']',
            _ => '}',
        };
        let mut d = Diagnostic::new(
            codes::E0112,
            format!("this `{}` is never closed", u.open_char),
        )
        .label(u.open, format!("`{}` opened here", u.open_char));
        d = match u.wrong_closer {
            Some((span, c)) => d
                .label(
                    span,
                    format!("`{c}` found before the `{close}` that closes it"),
                )
                .help(format!("add `{close}` before this `{c}`")),
            None => d.help(format!("add the missing `{close}`")),
        };
        out.push(d.in_file(file));
    }
    out
}

/// E0101 and the specific codes derived from what pest expected.
fn pest_error(
    file: &Arc<SourceFile>,
    pos: usize,
    at: usize,
    error: &pest::error::Error<Rule>,
    prev: Previous,
) -> Diagnostic {
    let text = file.text.as_str();
    let positives: &[Rule] = match &error.variant {
        pest::error::ErrorVariant::ParsingError { positives, .. } => positives,
        pest::error::ErrorVariant::CustomError { .. } => {
            // pest's own recursion or call limits.
            return Diagnostic::new(codes::E0117, "this item is nested too deeply to parse")
                .label(Span::new(at, at), "here")
                .help("split it into smaller expressions");
        }
    };
    let (found, span) = token_at(text, at);
    let has = |r: Rule| positives.contains(&r);
    let item = item_word(text, pos);

    let mut prose: Vec<(Kind, &str)> = positives
        .iter()
        .filter_map(|r| expected_prose(*r))
        .collect();
    prose.sort();
    prose.dedup();
    // Say the most useful expectations: operators and continuations only
    // when nothing else was expected.
    for hide in [Kind::Operator, Kind::Continuation] {
        if prose.iter().any(|(k, _)| *k < hide) {
            prose.retain(|(k, _)| *k != hide);
        }
    }
    let words: Vec<&str> = prose.iter().map(|(_, p)| *p).collect();
    let expected = join_or(&words);
    let found_text = found.describe();

    // `->` after a single-target route: a second target outside the fan-out form.
    if (at == pos && prev.single_route && found.is("->"))
        || (item == Some("route") && found.is("->") && (has(Rule::stmt) || has(Rule::field_name)))
    {
        return Diagnostic::new(
            codes::E0115,
            "a route with one target cannot list further targets",
        )
        .label(span, "another target")
        .help(
            "for several targets per record, use the fan-out form: \
                 `route contacts { -> Contact as c { … }  -> Task { … } }`",
        );
    }
    if at == pos && has(Rule::item) {
        let mut d = Diagnostic::new(
            codes::E0101,
            format!("expected {expected}, found {found_text}"),
        )
        .label(span, "not the start of an item");
        d = match &found {
            Found::Word(w) => d.maybe_help(super::build::suggest(w, ITEM_KEYWORDS).map(|m| {
                format!(
                    "{m} Each item starts with one of: {}.",
                    ITEM_KEYWORDS.join(", ")
                )
            })),
            Found::Punct("}") => d.help("this `}` closes nothing: is there one too many above?"),
            _ => d,
        };
        return d;
    }
    // A reserved word at the start of a line, taken as an operator
    // continuing the previous statement: `in = x` reads as `… in = x`.
    if found.is("=") {
        if let Some((w, wspan)) = word_starting_line_before(text, at) {
            if matches!(w, "in" | "and" | "or" | "where") && !has(Rule::fat_arrow) {
                return Diagnostic::new(
                    codes::E0106,
                    format!("the reserved word `{w}` cannot be used as a name"),
                )
                .label(wspan, "reserved word")
                .help(format!(
                    "`{w}` is a reserved word; choose another name (such as `{w}_value`)"
                ));
            }
        }
    }
    let operator_expected = positives
        .iter()
        .any(|r| expected_prose(*r).is_some_and(|(k, _)| k == Kind::Operator));
    if has(Rule::fat_arrow) && ["=", "->", ":", "==", ">="].iter().any(|p| found.is(p)) {
        return Diagnostic::new(
            codes::E0104,
            format!("expected `=>` in this value map arm, found {found_text}"),
        )
        .label(span, "use `=>` here")
        .help(
            "a value map arm is written `\"a\" => \"b\"` (several keys: `\"a\", \"b\" => \"c\"`)",
        );
    }
    if matches!(item, Some("route" | "split" | "merge"))
        && (has(Rule::arrow) || has(Rule::target))
        && !found.is("->")
        && !(found.is("=") && operator_expected)
    {
        let help = match item {
            Some("route") if has(Rule::rbrace) => {
                "inside a fan-out block, each target is written `-> Object [as alias] { … }`"
            }
            Some("route") => "write the target after `->`: `route contacts -> Contact { … }`",
            Some("split") => "each arm is written `when condition -> Object { … }`",
            _ => "write the target after the keys: `merge events by message_id -> Task { … }`",
        };
        return Diagnostic::new(
            codes::E0105,
            format!("expected `->` before the target object, found {found_text}"),
        )
        .label(span, "expected `->` here")
        .help(help);
    }
    if let Found::Word(w) = &found {
        let wants_name = positives.iter().any(|r| {
            matches!(
                r,
                Rule::system_name
                    | Rule::object_name
                    | Rule::field_name
                    | Rule::field_path
                    | Rule::column_name
                    | Rule::option_name
                    | Rule::type_name
                    | Rule::map_name
                    | Rule::table_name
                    | Rule::alias_name
                    | Rule::attr_name
                    | Rule::member_name
                    | Rule::stmt
                    | Rule::field_init
                    | Rule::option_entry
            )
        }) || (matches!(
            w.as_str(),
            "and" | "or" | "in" | "then" | "else" | "where" | "by" | "keep"
        ) && (has(Rule::expr) || has(Rule::expr_nw) || has(Rule::primary)));
        if RESERVED.contains(&w.as_str()) && wants_name {
            return Diagnostic::new(
                codes::E0106,
                format!("the reserved word `{w}` cannot be used as a name"),
            )
            .label(span, "reserved word")
            .help(format!(
                "`{w}` is a reserved word; choose another name (such as `{w}_value`)"
            ));
        }
    }

    let message = if expected.is_empty() {
        format!("unexpected {found_text}")
    } else {
        format!("expected {expected}, found {found_text}")
    };
    let label = if expected.is_empty() {
        "unexpected".to_string()
    } else {
        format!("expected {expected}")
    };
    let help = if found.is(":") && has(Rule::assign) {
        Some("fields are assigned with `=`; `:` is only used to give a type".to_string())
    } else if found.is("==") && has(Rule::assign) {
        Some("assign with a single `=`; `==` compares".to_string())
    } else if found.is("=") && operator_expected {
        Some("to compare two values, write `==`".to_string())
    } else if found.is(",") && (has(Rule::stmt) || has(Rule::kw_column) || has(Rule::field_name)) {
        Some("statements and fields need no separator: remove the `,`".to_string())
    } else if found == Found::Str && words.iter().any(|w| w.contains("name")) {
        Some("names are written without quotes".to_string())
    } else if found == Found::Eof {
        Some("the file ends in the middle of this item".to_string())
    } else if found.is("=") && has(Rule::colon) {
        Some("a field declaration gives its type after `:`: `Name : text(80)`".to_string())
    } else {
        None
    };
    Diagnostic::new(codes::E0101, message)
        .label(span, label)
        .maybe_help(help)
}
