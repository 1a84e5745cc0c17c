//! Items: pest pairs of one parsed item → AST nodes.
//!
//! Input: the `item` pair of a successful parse of `text[base..]` and the
//! offset `base`. Output: an [`Item`] plus diagnostics for problems the
//! grammar accepts on purpose so that the rest still builds (bad escapes
//! E0103, integers out of range E0108, unknown modifiers E0109, bad reason
//! codes E0111, unknown keep policies E0113, chained comparisons E0116).
//! Invariants: spans are file offsets (pair offset + `base`); no panics on
//! any pair shape the grammar can produce (missing children degrade to
//! empty names rather than `unwrap`).

use super::ast::*;
use super::expr::{expr, int_value, literal, reason};
use super::flow::{merge, route, split, stmt, test};
use super::parser::Rule;
use super::scan::Scan;
use super::strings;
use crate::diagnostics::{codes, did_you_mean, Diagnostic, SourceFile};
use crate::span::Span;
use pest::iterators::Pair;
use std::cell::RefCell;
use std::collections::HashSet;
use std::sync::Arc;

/// Modifiers a custom field may carry.
pub(crate) const MODIFIERS: &[&str] = &["required", "unique", "external_id"];

/// Building context of one item.
pub(crate) struct Ctx<'f> {
    file: &'f Arc<SourceFile>,
    scan: &'f Scan,
    base: usize,
    diags: RefCell<Vec<Diagnostic>>,
    parens: RefCell<HashSet<Span>>,
}

impl<'f> Ctx<'f> {
    pub fn new(file: &'f Arc<SourceFile>, scan: &'f Scan, base: usize) -> Self {
        Ctx {
            file,
            scan,
            base,
            diags: RefCell::new(Vec::new()),
            parens: RefCell::new(HashSet::new()),
        }
    }

    /// The file span of a pair, without the blanks and comments pest
    /// includes after a rule that ends in an optional part.
    pub fn span(&self, pair: &Pair<'_, Rule>) -> Span {
        let s = pair.as_span();
        let (start, end) = (self.base + s.start(), self.base + s.end());
        Span::new(
            start,
            self.scan.trim_trivia(self.file.text.as_bytes(), start, end),
        )
    }

    pub fn push(&self, d: Diagnostic) {
        self.diags.borrow_mut().push(d.in_file(self.file));
    }

    pub fn finish(self) -> Vec<Diagnostic> {
        self.diags.into_inner()
    }

    pub fn mark_parenthesised(&self, span: Span) {
        self.parens.borrow_mut().insert(span);
    }

    pub fn is_parenthesised(&self, span: Span) -> bool {
        self.parens.borrow().contains(&span)
    }

    /// Stands in for a child the grammar guarantees; never reached on pairs
    /// pest produced, but cheaper than a panic if the grammar changes.
    pub fn missing(&self, span: Span) -> Expr {
        Expr {
            kind: ExprKind::Literal(Literal::Null),
            span,
        }
    }
}

/// "did you mean …?": close spellings, or a known word that `name` starts
/// (`uniq` → `unique`).
pub(crate) fn suggest(name: &str, candidates: &[&str]) -> Option<String> {
    did_you_mean(name, candidates.iter().copied()).or_else(|| {
        let lower = name.to_lowercase();
        candidates
            .iter()
            .find(|c| lower.len() >= 3 && c.starts_with(lower.as_str()))
            .map(|c| format!("did you mean `{c}`?"))
    })
}

pub(crate) fn ident(ctx: &Ctx, pair: &Pair<'_, Rule>) -> Ident {
    Ident {
        name: pair.as_str().to_string(),
        span: ctx.span(pair),
    }
}

pub(crate) fn empty_ident(span: Span) -> Ident {
    Ident {
        name: String::new(),
        span,
    }
}

/// A string token, unescaped; E0103 for each invalid escape.
pub(crate) fn str_lit(ctx: &Ctx, pair: &Pair<'_, Rule>) -> StrLit {
    let span = ctx.span(pair);
    let (value, bad) = strings::unescape(pair.as_str(), span.start);
    for b in bad {
        ctx.push(
            Diagnostic::new(codes::E0103, format!("`{}` is not a valid escape", b.text))
                .label(b.span, "invalid escape")
                .help(b.help),
        );
    }
    StrLit { value, span }
}

/// Builds one `item` pair.
pub(crate) fn item(ctx: &Ctx, pair: Pair<'_, Rule>) -> Option<Item> {
    let span = ctx.span(&pair);
    let inner = pair.into_inner().next()?;
    let kind = match inner.as_rule() {
        Rule::migration => {
            let mut names = inner
                .into_inner()
                .filter(|p| p.as_rule() == Rule::system_name);
            let source = names
                .next()
                .map_or_else(|| empty_ident(span), |p| ident(ctx, &p));
            let destination = names
                .next()
                .map_or_else(|| empty_ident(span), |p| ident(ctx, &p));
            ItemKind::Migration(Migration {
                source,
                destination,
            })
        }
        Rule::options => ItemKind::Options(Options {
            entries: inner
                .into_inner()
                .filter(|p| p.as_rule() == Rule::option_entry)
                .map(|p| option_entry(ctx, p))
                .collect(),
        }),
        Rule::import => {
            let path = inner
                .into_inner()
                .find(|p| p.as_rule() == Rule::string)
                .map(|p| str_lit(ctx, &p))
                .unwrap_or(StrLit {
                    value: String::new(),
                    span,
                });
            ItemKind::Import(Import { path })
        }
        Rule::source => source(ctx, inner, span),
        Rule::custom_item => custom(ctx, inner, span),
        Rule::values => values(ctx, inner, span),
        Rule::table => {
            let (mut name, mut file, mut key) = (empty_ident(span), None, empty_ident(span));
            for p in inner.into_inner() {
                match p.as_rule() {
                    Rule::table_name => name = ident(ctx, &p),
                    Rule::string => file = Some(str_lit(ctx, &p)),
                    Rule::column_name => key = ident(ctx, &p),
                    _ => {}
                }
            }
            let file = file.unwrap_or(StrLit {
                value: String::new(),
                span,
            });
            ItemKind::Table(Table { name, file, key })
        }
        Rule::owners => ItemKind::Owners(Owners {
            rules: inner
                .into_inner()
                .filter_map(|p| {
                    let rspan = ctx.span(&p);
                    let kind = match p.as_rule() {
                        Rule::owner_match => OwnerRuleKind::Match(
                            p.into_inner()
                                .find(|q| q.as_rule() == Rule::attr_name)
                                .map_or_else(|| empty_ident(rspan), |q| ident(ctx, &q)),
                        ),
                        Rule::owner_fallback => OwnerRuleKind::Fallback(first_expr(ctx, p, rspan)),
                        _ => return None,
                    };
                    Some(OwnerRule { kind, span: rspan })
                })
                .collect(),
        }),
        Rule::route => route(ctx, inner, span),
        Rule::split => split(ctx, inner, span),
        Rule::merge => merge(ctx, inner, span),
        Rule::reference => {
            let (mut source, mut title, mut filter, mut fields) =
                (empty_ident(span), None, None, Vec::new());
            for p in inner.into_inner() {
                match p.as_rule() {
                    Rule::object_name => source = ident(ctx, &p),
                    Rule::string => title = Some(str_lit(ctx, &p)),
                    Rule::expr => filter = Some(expr(ctx, p)),
                    Rule::stmt => fields.push(stmt(ctx, p)),
                    _ => {}
                }
            }
            let title = title.unwrap_or(StrLit {
                value: String::new(),
                span,
            });
            ItemKind::Reference(Reference {
                source,
                title,
                filter,
                fields,
            })
        }
        Rule::test => test(ctx, inner, span),
        _ => return None,
    };
    Some(Item { kind, span })
}

/// The first `expr`/`expr_nw` child of a pair.
fn first_expr(ctx: &Ctx, pair: Pair<'_, Rule>, span: Span) -> Expr {
    pair.into_inner()
        .find(|p| matches!(p.as_rule(), Rule::expr | Rule::expr_nw))
        .map(|p| expr(ctx, p))
        .unwrap_or_else(|| ctx.missing(span))
}

fn option_entry(ctx: &Ctx, pair: Pair<'_, Rule>) -> OptionEntry {
    let span = ctx.span(&pair);
    let mut key = empty_ident(span);
    let mut value = None;
    for p in pair.into_inner() {
        match p.as_rule() {
            Rule::option_name => key = ident(ctx, &p),
            Rule::expr => value = Some(expr(ctx, p)),
            _ => {}
        }
    }
    OptionEntry {
        key,
        value: value.unwrap_or_else(|| ctx.missing(span)),
        span,
    }
}

fn source(ctx: &Ctx, pair: Pair<'_, Rule>, span: Span) -> ItemKind {
    let mut object = empty_ident(span);
    let mut rules = Vec::new();
    for p in pair.into_inner() {
        let rspan = ctx.span(&p);
        let kind = match p.as_rule() {
            Rule::object_name => {
                object = ident(ctx, &p);
                continue;
            }
            Rule::column_rule => {
                let (mut name, mut ty, mut from) = (empty_ident(rspan), None, None);
                for q in p.into_inner() {
                    match q.as_rule() {
                        Rule::column_name => name = ident(ctx, &q),
                        Rule::type_expr => ty = Some(type_expr(ctx, q)),
                        Rule::string => from = Some(str_lit(ctx, &q)),
                        _ => {}
                    }
                }
                let ty = ty.unwrap_or_else(|| TypeExpr {
                    name: empty_ident(rspan),
                    args: Vec::new(),
                    span: rspan,
                });
                SourceRuleKind::Column { name, ty, from }
            }
            Rule::where_rule => SourceRuleKind::Where(first_expr(ctx, p, rspan)),
            Rule::dedupe_rule => {
                let mut by = Vec::new();
                let mut keep = None;
                for q in p.into_inner() {
                    match q.as_rule() {
                        Rule::expr_nw => by.push(expr(ctx, q)),
                        Rule::keep_policy => keep = keep_policy(ctx, q),
                        _ => {}
                    }
                }
                // An unknown policy was reported; the rule cannot be built.
                let Some(keep) = keep else { continue };
                SourceRuleKind::Dedupe { by, keep }
            }
            _ => continue,
        };
        rules.push(SourceRule { kind, span: rspan });
    }
    ItemKind::Source(SourceRules { object, rules })
}

/// `latest(x)`, `earliest(x)`, `first`, `last`; anything else is E0113.
fn keep_policy(ctx: &Ctx, pair: Pair<'_, Rule>) -> Option<Keep> {
    let span = ctx.span(&pair);
    let mut name = empty_ident(span);
    let mut arg = None;
    for p in pair.into_inner() {
        match p.as_rule() {
            Rule::keep_name => name = ident(ctx, &p),
            Rule::expr => arg = Some(expr(ctx, p)),
            _ => {}
        }
    }
    let policies = ["latest", "earliest", "first", "last"];
    let kind = match (name.name.as_str(), arg) {
        ("latest", Some(e)) => KeepKind::Latest(e),
        ("earliest", Some(e)) => KeepKind::Earliest(e),
        ("first", None) => KeepKind::First,
        ("last", None) => KeepKind::Last,
        (n @ ("latest" | "earliest"), None) => {
            ctx.push(
                Diagnostic::new(
                    codes::E0113,
                    format!("`keep {n}` needs the column to compare"),
                )
                .label(span, "no column given")
                .help(format!(
                    "write `keep {n}(updated_at)`: the record with the {} value wins",
                    if n == "latest" {
                        "greatest"
                    } else {
                        "smallest"
                    }
                )),
            );
            return None;
        }
        (n @ ("first" | "last"), Some(_)) => {
            ctx.push(
                Diagnostic::new(codes::E0113, format!("`keep {n}` takes no argument"))
                    .label(span, "unexpected argument")
                    .help(format!(
                        "`keep {n}` keeps the {n} record in file order; to compare a column, use \
                         `keep latest(column)` or `keep earliest(column)`"
                    )),
            );
            return None;
        }
        (n, _) => {
            let help = suggest(n, &policies).map_or_else(
                || "the policies are `latest(column)`, `earliest(column)`, `first` and `last`".to_string(),
                |d| format!("{d} The policies are `latest(column)`, `earliest(column)`, `first` and `last`."),
            );
            ctx.push(
                Diagnostic::new(codes::E0113, format!("`{n}` is not a keep policy"))
                    .label(name.span, "unknown policy")
                    .help(help),
            );
            return None;
        }
    };
    Some(Keep { kind, span })
}

fn custom(ctx: &Ctx, pair: Pair<'_, Rule>, span: Span) -> ItemKind {
    let mut object = empty_ident(span);
    let mut new_object = false;
    let mut fields = Vec::new();
    for p in pair.into_inner() {
        match p.as_rule() {
            Rule::kw_object => new_object = true,
            Rule::object_name => object = ident(ctx, &p),
            Rule::custom_field => fields.push(custom_field(ctx, p)),
            _ => {}
        }
    }
    ItemKind::Custom(Custom {
        object,
        new_object,
        fields,
    })
}

fn custom_field(ctx: &Ctx, pair: Pair<'_, Rule>) -> CustomField {
    let span = ctx.span(&pair);
    let mut name = empty_ident(span);
    let mut ty = None;
    let mut modifiers = Vec::new();
    for p in pair.into_inner() {
        match p.as_rule() {
            Rule::field_name => name = ident(ctx, &p),
            Rule::type_expr => ty = Some(type_expr(ctx, p)),
            Rule::modifier => {
                let Some(m) = p.into_inner().next() else {
                    continue;
                };
                let m = ident(ctx, &m);
                if !MODIFIERS.contains(&m.name.as_str()) {
                    let help = suggest(&m.name, MODIFIERS).map_or_else(
                        || "the modifiers are `required`, `unique` and `external_id`".to_string(),
                        |d| {
                            format!("{d} The modifiers are `required`, `unique` and `external_id`.")
                        },
                    );
                    ctx.push(
                        Diagnostic::new(
                            codes::E0109,
                            format!("`{}` is not a field modifier", m.name),
                        )
                        .label(m.span, "unknown modifier")
                        .help(help),
                    );
                }
                modifiers.push(m);
            }
            _ => {}
        }
    }
    let ty = ty.unwrap_or_else(|| TypeExpr {
        name: empty_ident(span),
        args: Vec::new(),
        span,
    });
    CustomField {
        name,
        ty,
        modifiers,
        span,
    }
}

fn type_expr(ctx: &Ctx, pair: Pair<'_, Rule>) -> TypeExpr {
    let span = ctx.span(&pair);
    let mut name = empty_ident(span);
    let mut args = Vec::new();
    for p in pair.into_inner() {
        match p.as_rule() {
            Rule::type_name => name = ident(ctx, &p),
            Rule::int => {
                let s = ctx.span(&p);
                args.push(TypeArg::Int {
                    value: int_value(ctx, p.as_str(), s),
                    span: s,
                });
            }
            Rule::string => args.push(TypeArg::Str(str_lit(ctx, &p))),
            Rule::type_expr => args.push(TypeArg::Type(type_expr(ctx, p))),
            _ => {}
        }
    }
    TypeExpr { name, args, span }
}

fn values(ctx: &Ctx, pair: Pair<'_, Rule>, span: Span) -> ItemKind {
    let mut name = empty_ident(span);
    let mut arms = Vec::new();
    let mut else_arm = None;
    for p in pair.into_inner() {
        let aspan = ctx.span(&p);
        match p.as_rule() {
            Rule::map_name => name = ident(ctx, &p),
            Rule::value_arm => {
                let mut keys = Vec::new();
                let mut outcome = MapOutcome::Keep;
                for q in p.into_inner() {
                    match q.as_rule() {
                        Rule::outcome => outcome = map_outcome(ctx, q),
                        Rule::string
                        | Rule::key_int
                        | Rule::key_float
                        | Rule::kw_true
                        | Rule::kw_false
                        | Rule::kw_null => keys.push(literal(ctx, q)),
                        _ => {}
                    }
                }
                arms.push(ValueArm {
                    keys,
                    outcome,
                    span: aspan,
                });
            }
            Rule::else_arm => {
                let outcome = p
                    .into_inner()
                    .find(|q| q.as_rule() == Rule::outcome)
                    .map_or(MapOutcome::Keep, |q| map_outcome(ctx, q));
                else_arm = Some(ElseArm {
                    outcome,
                    span: aspan,
                });
            }
            _ => {}
        }
    }
    ItemKind::Values(ValueMap {
        name,
        arms,
        else_arm,
    })
}

fn map_outcome(ctx: &Ctx, pair: Pair<'_, Rule>) -> MapOutcome {
    let Some(p) = pair.into_inner().next() else {
        return MapOutcome::Keep;
    };
    match p.as_rule() {
        Rule::kw_keep => MapOutcome::Keep,
        Rule::skip_expr => MapOutcome::Skip(reason(ctx, p, "skip")),
        _ => MapOutcome::Value(literal(ctx, p)),
    }
}
