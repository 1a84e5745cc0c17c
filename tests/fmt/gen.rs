//! proptest strategies for random but valid ASTs (every item kind, every
//! operator, literals with escapes, dotted paths), all spans `0..0`.
//!
//! "Valid" means: what the parser can produce from some text without a
//! diagnostic. So names avoid the reserved words (but include contextual
//! words and names that start like a reserved word), reason codes are
//! lower-case snake_case, modifiers and keep policies are the known ones,
//! numbers in expressions are non-negative (`-5` is a negation of `5`), only
//! value-map keys and results hold negative numbers, and the first item is
//! the one `migration` line.

use ferry::span::Span;
use ferry::syntax::ast::*;
use proptest::prelude::*;
use proptest::strategy::BoxedStrategy;

const S: Span = Span::new(0, 0);

/// Ordinary names, contextual keywords, and names that begin with a reserved
/// word (the lexer must not split them).
const NAMES: &[&str] = &[
    "email",
    "status",
    "contact_id",
    "a",
    "b2",
    "_x",
    "Name",
    "Source_System_ID__c",
    "manager",
    "LastName",
    "andy",
    "notes",
    "inbox",
    "iffy",
    "order_by",
    "keeper",
    "nullable",
    "trueish",
    "elsewhere",
    "whereabouts",
    "skipper",
    "flagged",
    "clearance",
    "thenar",
    "bye",
    "source",
    "key",
    "from",
    "table",
    "when",
    "as",
    "test",
    "given",
    "object",
    "match",
    "column",
    "values",
    "route",
];

const REASONS: &[&str] = &["missing_last_name", "x", "a1_b2", "unresolved_owner"];
const MODIFIERS: &[&str] = &["required", "unique", "external_id"];

fn ident() -> BoxedStrategy<Ident> {
    prop::sample::select(NAMES)
        .prop_map(|n| Ident {
            name: n.to_string(),
            span: S,
        })
        .boxed()
}

fn str_value() -> BoxedStrategy<String> {
    let ch = prop_oneof![
        4 => any::<char>(),
        1 => prop::sample::select(vec!['"', '\\', '\n', '\t', '\r', '\0', '\u{7f}', '/', '*', 'å', '{']),
    ];
    prop::collection::vec(ch, 0..8)
        .prop_map(|v| v.into_iter().collect())
        .boxed()
}

fn str_lit() -> BoxedStrategy<StrLit> {
    str_value()
        .prop_map(|value| StrLit { value, span: S })
        .boxed()
}

fn float() -> BoxedStrategy<f64> {
    prop_oneof![
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(f64::abs),
        (0u32..100_000, 1u32..1000).prop_map(|(a, b)| f64::from(a) + 1.0 / f64::from(b)),
        Just(0.0),
        Just(1.0),
    ]
    .boxed()
}

/// A literal as an expression can hold it: numbers are non-negative.
fn literal() -> BoxedStrategy<Literal> {
    prop_oneof![
        str_value().prop_map(Literal::Str),
        (0..=i64::MAX).prop_map(Literal::Int),
        float().prop_map(Literal::Float),
        any::<bool>().prop_map(Literal::Bool),
        Just(Literal::Null),
    ]
    .boxed()
}

/// A value-map key or result: numbers may be negative.
fn map_literal() -> BoxedStrategy<Literal> {
    prop_oneof![
        literal(),
        any::<i64>().prop_map(Literal::Int),
        float().prop_map(|f| Literal::Float(-f)),
    ]
    .boxed()
}

fn reason() -> BoxedStrategy<Reason> {
    prop::sample::select(REASONS)
        .prop_map(|c| Reason {
            code: c.to_string(),
            span: S,
        })
        .boxed()
}

fn field_path() -> BoxedStrategy<FieldPath> {
    prop::collection::vec(ident(), 1..3)
        .prop_map(|segments| FieldPath { segments, span: S })
        .boxed()
}

fn e(kind: ExprKind) -> Expr {
    Expr { kind, span: S }
}

fn b(x: Expr) -> Box<Expr> {
    Box::new(x)
}

const BINARY: &[BinaryOp] = &[
    BinaryOp::Coalesce,
    BinaryOp::Or,
    BinaryOp::And,
    BinaryOp::Eq,
    BinaryOp::Ne,
    BinaryOp::Lt,
    BinaryOp::Le,
    BinaryOp::Gt,
    BinaryOp::Ge,
    BinaryOp::In,
    BinaryOp::NotIn,
    BinaryOp::Add,
    BinaryOp::Sub,
    BinaryOp::Mul,
    BinaryOp::Div,
];

pub fn expr() -> BoxedStrategy<Expr> {
    let leaf = prop_oneof![
        3 => literal().prop_map(|l| e(ExprKind::Literal(l))),
        3 => prop::collection::vec(ident(), 1..4).prop_map(|p| e(ExprKind::Path(p))),
        1 => Just(e(ExprKind::Clear)),
        1 => reason().prop_map(|r| e(ExprKind::Skip(r))),
        1 => reason().prop_map(|r| e(ExprKind::Flag(r))),
    ];
    leaf.prop_recursive(4, 24, 3, |inner| {
        let arg = (inner.clone(), prop::option::of(inner.clone()))
            .prop_map(|(value, by)| Arg { value, by, span: S });
        let field = (field_path(), inner.clone()).prop_map(|(field, value)| FieldInit {
            field,
            value,
            span: S,
        });
        prop_oneof![
            1 => prop::collection::vec(inner.clone(), 0..3).prop_map(|v| e(ExprKind::List(v))),
            1 => (inner.clone(), inner.clone())
                .prop_map(|(x, i)| e(ExprKind::Index { base: b(x), index: b(i) })),
            1 => (inner.clone(), ident()).prop_map(|(x, name)| e(ExprKind::Member { base: b(x), name })),
            1 => (ident(), prop::collection::vec(arg, 0..3))
                .prop_map(|(func, args)| e(ExprKind::Call { func, args })),
            1 => (prop::sample::select(vec![UnaryOp::Not, UnaryOp::Neg]), inner.clone())
                .prop_map(|(op, x)| e(ExprKind::Unary { op, operand: b(x) })),
            3 => (prop::sample::select(BINARY), inner.clone(), inner.clone())
                .prop_map(|(op, l, r)| e(ExprKind::Binary { op, lhs: b(l), rhs: b(r) })),
            1 => (inner.clone(), inner.clone(), inner.clone()).prop_map(|(c, t, o)| e(ExprKind::If {
                cond: b(c),
                then: b(t),
                otherwise: b(o),
            })),
            1 => (inner.clone(), inner.clone())
                .prop_map(|(l, c)| e(ExprKind::Filter { list: b(l), cond: b(c) })),
            1 => (ident(), prop::collection::vec(field, 0..3))
                .prop_map(|(object, fields)| e(ExprKind::Placeholder { object, fields })),
        ]
    })
    .boxed()
}

fn field_inits() -> BoxedStrategy<Vec<FieldInit>> {
    prop::collection::vec(
        (field_path(), expr()).prop_map(|(field, value)| FieldInit {
            field,
            value,
            span: S,
        }),
        0..4,
    )
    .boxed()
}

fn type_expr() -> BoxedStrategy<TypeExpr> {
    let leaf = ident().prop_map(|name| TypeExpr {
        name,
        args: Vec::new(),
        span: S,
    });
    leaf.prop_recursive(2, 6, 3, |inner| {
        let name = prop_oneof![
            ident(),
            Just(Ident {
                name: "list".into(),
                span: S
            })
        ];
        let arg = prop_oneof![
            (0..=i64::MAX).prop_map(|value| TypeArg::Int { value, span: S }),
            str_lit().prop_map(TypeArg::Str),
            inner.prop_map(TypeArg::Type),
        ];
        (name, prop::collection::vec(arg, 0..3)).prop_map(|(name, args)| TypeExpr {
            name,
            args,
            span: S,
        })
    })
    .boxed()
}

fn stmt() -> BoxedStrategy<Stmt> {
    (any::<bool>(), field_path(), expr())
        .prop_map(|(key, field, value)| Stmt {
            kind: if key {
                StmtKind::Key { field, value }
            } else {
                StmtKind::Assign { field, value }
            },
            span: S,
        })
        .boxed()
}

fn target() -> BoxedStrategy<Target> {
    (
        ident(),
        prop::option::of(ident()),
        prop::collection::vec(stmt(), 0..4),
    )
        .prop_map(|(object, alias, body)| Target {
            object,
            alias,
            body,
            span: S,
        })
        .boxed()
}

fn item(kind: ItemKind) -> Item {
    Item { kind, span: S }
}

fn source_rule() -> BoxedStrategy<SourceRule> {
    let keep = prop_oneof![
        expr().prop_map(KeepKind::Latest),
        expr().prop_map(KeepKind::Earliest),
        Just(KeepKind::First),
        Just(KeepKind::Last),
    ]
    .prop_map(|kind| Keep { kind, span: S });
    prop_oneof![
        (ident(), type_expr(), prop::option::of(str_lit()))
            .prop_map(|(name, ty, from)| SourceRuleKind::Column { name, ty, from }),
        expr().prop_map(SourceRuleKind::Where),
        (prop::collection::vec(expr(), 1..3), keep)
            .prop_map(|(by, keep)| SourceRuleKind::Dedupe { by, keep }),
    ]
    .prop_map(|kind| SourceRule { kind, span: S })
    .boxed()
}

fn outcome() -> BoxedStrategy<MapOutcome> {
    prop_oneof![
        3 => map_literal().prop_map(MapOutcome::Value),
        1 => Just(MapOutcome::Keep),
        1 => reason().prop_map(MapOutcome::Skip),
    ]
    .boxed()
}

fn items() -> BoxedStrategy<ItemKind> {
    let options = prop::collection::vec(
        (ident(), expr()).prop_map(|(key, value)| OptionEntry {
            key,
            value,
            span: S,
        }),
        0..3,
    )
    .prop_map(|entries| ItemKind::Options(Options { entries }));
    let import = str_lit().prop_map(|path| ItemKind::Import(Import { path }));
    let source = (ident(), prop::collection::vec(source_rule(), 0..4))
        .prop_map(|(object, rules)| ItemKind::Source(SourceRules { object, rules }));
    let custom_field = (
        ident(),
        type_expr(),
        prop::collection::vec(prop::sample::select(MODIFIERS), 0..3),
    )
        .prop_map(|(name, ty, mods)| CustomField {
            name,
            ty,
            modifiers: mods
                .into_iter()
                .map(|m| Ident {
                    name: m.into(),
                    span: S,
                })
                .collect(),
            span: S,
        });
    let custom = (
        ident(),
        any::<bool>(),
        prop::collection::vec(custom_field, 0..4),
    )
        .prop_map(|(object, new_object, fields)| {
            ItemKind::Custom(Custom {
                object,
                new_object,
                fields,
            })
        });
    let arm =
        (prop::collection::vec(map_literal(), 1..3), outcome()).prop_map(|(keys, outcome)| {
            ValueArm {
                keys,
                outcome,
                span: S,
            }
        });
    let values = (
        ident(),
        prop::collection::vec(arm, 0..4),
        prop::option::of(outcome()),
    )
        .prop_map(|(name, arms, else_arm)| {
            ItemKind::Values(ValueMap {
                name,
                arms,
                else_arm: else_arm.map(|outcome| ElseArm { outcome, span: S }),
            })
        });
    let table = (ident(), str_lit(), ident())
        .prop_map(|(name, file, key)| ItemKind::Table(Table { name, file, key }));
    let owner_rule = prop_oneof![
        ident().prop_map(OwnerRuleKind::Match),
        expr().prop_map(OwnerRuleKind::Fallback)
    ]
    .prop_map(|kind| OwnerRule { kind, span: S });
    let owners = prop::collection::vec(owner_rule, 0..3)
        .prop_map(|rules| ItemKind::Owners(Owners { rules }));
    let route = (
        ident(),
        prop::option::of(expr()),
        any::<bool>(),
        prop::collection::vec(target(), 1..3),
    )
        .prop_map(|(source, filter, fan_out, mut targets)| {
            if !fan_out {
                targets.truncate(1);
            }
            ItemKind::Route(Route {
                source,
                filter,
                targets,
                fan_out,
            })
        });
    let split_arm = (expr(), target()).prop_map(|(cond, target)| SplitArm {
        cond,
        target,
        span: S,
    });
    let split_else = prop_oneof![
        target().prop_map(SplitElseKind::Target),
        reason().prop_map(SplitElseKind::Skip)
    ]
    .prop_map(|kind| SplitElse { kind, span: S });
    let split = (
        ident(),
        prop::collection::vec(split_arm, 1..3),
        prop::option::of(split_else),
    )
        .prop_map(|(source, arms, else_arm)| {
            ItemKind::Split(Split {
                source,
                arms,
                else_arm,
            })
        });
    let merge = (
        ident(),
        prop::option::of(expr()),
        prop::collection::vec(expr(), 1..3),
        target(),
    )
        .prop_map(|(source, filter, by, target)| {
            ItemKind::Merge(Merge {
                source,
                filter,
                by,
                target,
            })
        });
    let reference = (
        ident(),
        str_lit(),
        prop::option::of(expr()),
        prop::collection::vec(stmt(), 0..4),
    )
        .prop_map(|(source, title, filter, fields)| {
            ItemKind::Reference(Reference {
                source,
                title,
                filter,
                fields,
            })
        });
    let given = (ident(), field_inits()).prop_map(|(object, fields)| Given {
        object,
        fields,
        span: S,
    });
    let expect = prop_oneof![
        (ident(), field_inits()).prop_map(|(object, fields)| ExpectKind::Record { object, fields }),
        reason().prop_map(ExpectKind::Skip),
        reason().prop_map(ExpectKind::Flag),
    ]
    .prop_map(|kind| Expect { kind, span: S });
    let test = (
        str_lit(),
        prop::collection::vec(given, 0..3),
        prop::collection::vec(expect, 0..3),
    )
        .prop_map(|(name, givens, expects)| {
            ItemKind::Test(TestBlock {
                name,
                givens,
                expects,
            })
        });
    prop_oneof![
        options, import, source, custom, values, table, owners, route, split, merge, reference,
        test
    ]
    .boxed()
}

/// A whole file: the `migration` line, then one to six items of any kind.
pub fn spec() -> BoxedStrategy<Spec> {
    let migration = (ident(), ident()).prop_map(|(source, destination)| {
        item(ItemKind::Migration(Migration {
            source,
            destination,
        }))
    });
    (
        migration,
        prop::collection::vec(items().prop_map(item), 1..7),
    )
        .prop_map(|(first, rest)| {
            let mut items = vec![first];
            items.extend(rest);
            Spec { items, span: S }
        })
        .boxed()
}
