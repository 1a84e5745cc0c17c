//! Syntax: `.ferry` text → AST.
//!
//! Input: one [`SourceFile`]. Output: the [`ast::Spec`] of every item that
//! parsed, plus E01xx diagnostics for every item that did not (the parser
//! recovers at the next item). Invariants: never panics on any input; no
//! pest rule name ever reaches a user; every AST node has a span.
//!
//! How it works: a lexical pre-scan ([`scan`]) finds where items may start
//! and the problems pest describes badly (unterminated strings and comments,
//! stray characters, absurd nesting). Then each item is parsed in turn:
//! first by the fast path ([`fast`]), a hand-written parser that takes clean
//! items straight to the AST and gives up on anything else; an item it gives
//! up on goes to the pest grammar (`grammar/ferry.pest`, rule `item`), which
//! stays the definition of the language and the source of every syntax
//! error. A pest success is built into the AST ([`build`], [`flow`],
//! [`expr`]); a failure is turned into plain-word diagnostics ([`errors`])
//! and parsing resumes at the next line that starts with an item keyword.
//! Both paths give the same AST (`tests/syntax.rs` holds them to it).

pub mod ast;
mod build;
mod errors;
mod expr;
mod fast;
mod flow;
mod parser;
mod scan;
mod strings;

use crate::diagnostics::{codes, Diagnostic, Diagnostics, SourceFile};
use crate::span::Span;
use ast::{Item, ItemKind};
use parser::{FerryParser, Rule};
use pest::Parser;
use std::sync::Arc;

/// Parses a whole file. Items that fail to parse are left out of the spec and
/// reported; the rest are returned so later stages can still run.
pub fn parse(file: &Arc<SourceFile>) -> (ast::Spec, Diagnostics) {
    parse_with(file, true)
}

/// [`parse`] without the fast path: every item through pest and the
/// builder. For tests that hold the fast path to the same results.
#[doc(hidden)]
pub fn parse_with_pest_only(file: &Arc<SourceFile>) -> (ast::Spec, Diagnostics) {
    parse_with(file, false)
}

fn parse_with(file: &Arc<SourceFile>, fast_path: bool) -> (ast::Spec, Diagnostics) {
    let text = file.text.as_str();
    let scan = scan::scan(text);
    let mut reported = vec![false; scan.issues.len()];
    let mut diags = Diagnostics::new();
    let mut items: Vec<Item> = Vec::with_capacity(scan.item_starts.len() + 1);
    let mut prev = errors::Previous::default();
    // The first item attempted: (start, parsed?), for E0110.
    let mut first: Option<(usize, bool)> = None;

    let mut pos = skip_trivia(text, 0);
    while pos < text.len() {
        let region_end = scan.next_item_start(pos, text.len());
        // Too-deep nesting is refused before pest and the builder recurse.
        let too_deep: Vec<usize> = scan
            .issues_in(pos, region_end)
            .filter(|(_, i)| i.kind == scan::IssueKind::TooDeep)
            .map(|(k, _)| k)
            .collect();
        if !too_deep.is_empty() {
            for (k, issue) in scan.issues_in(pos, region_end) {
                if !reported[k] {
                    reported[k] = true;
                    diags.push(errors::lexical(file, issue));
                }
            }
            first.get_or_insert((pos, false));
            prev = errors::Previous::default();
            pos = skip_trivia(text, region_end);
            continue;
        }
        // Clean items (nearly all) take the fast path; the others, and any
        // the fast path is unsure of, go through pest, which also explains
        // the errors.
        if let Some((item, end)) = fast_path.then(|| fast::item(text, pos)).flatten() {
            first.get_or_insert((pos, true));
            prev = errors::Previous {
                single_route: matches!(&item.kind, ItemKind::Route(r) if !r.fan_out),
            };
            items.push(item);
            pos = skip_trivia(text, end.max(pos + 1));
            continue;
        }
        match FerryParser::parse(Rule::item, &text[pos..]) {
            Ok(mut pairs) => {
                let Some(pair) = pairs.next() else { break };
                let end = pos + pair.as_span().end();
                let ctx = build::Ctx::new(file, &scan, pos);
                let item = build::item(&ctx, pair);
                diags.extend(ctx.finish());
                first.get_or_insert((pos, true));
                prev = errors::Previous {
                    single_route: matches!(&item, Some(Item { kind: ItemKind::Route(r), .. }) if !r.fan_out),
                };
                items.extend(item);
                // `end > pos` always holds (every item starts with a keyword);
                // the max guards the loop against a grammar change.
                pos = end.max(pos + 1);
            }
            Err(e) => {
                diags.extend(errors::item_failed(
                    file,
                    &scan,
                    pos,
                    region_end,
                    &e,
                    prev,
                    &mut reported,
                ));
                first.get_or_insert((pos, false));
                prev = errors::Previous::default();
                pos = region_end;
            }
        }
        pos = skip_trivia(text, pos);
    }
    // Lexical problems between items (an unterminated comment after the last
    // item, say) were not part of any failed item.
    for (k, issue) in scan.issues.iter().enumerate() {
        if !reported[k] {
            diags.push(errors::lexical(file, issue));
        }
    }
    if let Some(d) = migration_first(file, &items, first) {
        diags.push(d);
    }
    let spec = ast::Spec {
        items,
        span: Span::new(0, text.len()),
    };
    (spec, diags.sorted())
}

/// Skips whitespace and comments from `pos`; an unterminated block comment
/// runs to the end of the text (the pre-scan reports it).
fn skip_trivia(text: &str, mut pos: usize) -> usize {
    let bytes = text.as_bytes();
    while pos < bytes.len() {
        match bytes[pos] {
            b' ' | b'\t' | b'\r' | b'\n' => pos += 1,
            b'/' if bytes.get(pos + 1) == Some(&b'/') => {
                pos = text[pos..].find('\n').map_or(text.len(), |n| pos + n);
            }
            b'/' if bytes.get(pos + 1) == Some(&b'*') => {
                pos = text[pos + 2..]
                    .find("*/")
                    .map_or(text.len(), |n| pos + 2 + n + 2);
            }
            _ => break,
        }
    }
    pos
}

/// Item kinds a shared file may hold (`import` brings these in); a file of
/// only these needs no `migration` line.
fn is_library_item(kind: &ItemKind) -> bool {
    matches!(
        kind,
        ItemKind::Values(_)
            | ItemKind::Table(_)
            | ItemKind::Custom(_)
            | ItemKind::Owners(_)
            | ItemKind::Import(_)
    )
}

/// E0110: the `migration` line must come first (a file of shared
/// declarations, as brought in by `import`, needs none).
fn migration_first(
    file: &Arc<SourceFile>,
    items: &[Item],
    first: Option<(usize, bool)>,
) -> Option<Diagnostic> {
    let text = file.text.as_str();
    let migrations: Vec<&Item> = items
        .iter()
        .filter(|i| matches!(i.kind, ItemKind::Migration(_)))
        .collect();
    // The first item failed to parse: it was reported, and it may well have
    // been the migration line.
    if first.is_some_and(|(_, parsed)| !parsed) {
        return None;
    }
    let Some(first_item) = items.first() else {
        // Nothing but blanks and comments: a spec without its header.
        let end = text.len();
        return Some(
            Diagnostic::new(codes::E0110, "this file has no `migration` line")
                .in_file(file)
                .label(Span::new(end, end), "the file ends without declaring a migration")
                .help("start the file with the schemas it maps between, e.g. `migration actimo -> salesforce`"),
        );
    };
    if matches!(first_item.kind, ItemKind::Migration(_)) {
        if let Some(second) = migrations.get(1) {
            return Some(
                Diagnostic::new(codes::E0110, "a file has only one `migration` line")
                    .in_file(file)
                    .label(keyword_span(text, second.span), "second `migration`")
                    .label(keyword_span(text, first_item.span), "first one here")
                    .help("one `.ferry` file describes one migration; remove this line or move it to its own file"),
            );
        }
        return None;
    }
    match migrations.first() {
        Some(m) => Some(
            Diagnostic::new(codes::E0110, "the `migration` line must come first")
                .in_file(file)
                .label(keyword_span(text, m.span), "`migration` is not the first item")
                .label(keyword_span(text, first_item.span), "this item comes before it")
                .help("move `migration source -> destination` to the top of the file"),
        ),
        None if items.iter().all(|i| is_library_item(&i.kind)) => None,
        None => Some(
            Diagnostic::new(codes::E0110, "this file has no `migration` line")
                .in_file(file)
                .label(keyword_span(text, first_item.span), "expected `migration source -> destination` before this")
                .help("start the file with the schemas it maps between, e.g. `migration actimo -> salesforce`"),
        ),
    }
}

/// The span of the first word of an item (its keyword), for labels.
fn keyword_span(text: &str, item: Span) -> Span {
    let rest = text.get(item.start..item.end).unwrap_or("");
    let n = rest
        .bytes()
        .take_while(|b| b.is_ascii_alphanumeric() || *b == b'_')
        .count();
    Span::new(item.start, item.start + n)
}
