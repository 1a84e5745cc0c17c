//! Typed, resolved expressions: what `check` compiles every AST expression to
//! and what the runtime's evaluator interprets.
//!
//! Invariants: every name is resolved to an index (column of the current
//! record's staged layout, relation, value map, table, target of the same
//! unit, placeholder); every node has its static type; nothing is "filled in
//! later".

use crate::span::Span;
use crate::value::Value;
use serde::Serialize;
use std::sync::Arc;

/// The static type of an expression.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "ty", rename_all = "lowercase")]
pub enum Ty {
    /// The type of `null` alone.
    Null,
    Bool,
    Int,
    /// A decimal; `scale` is known after `round(x, n)` or from a descriptor.
    Num {
        scale: Option<u8>,
    },
    /// `max` is known for declared lengths and `truncate`/`left`.
    Text {
        max: Option<u32>,
    },
    /// A text whose possible values are known (source enum, literal,
    /// value map result, table column read at check time).
    Enum {
        values: Arc<[String]>,
    },
    Date,
    DateTime,
    List {
        item: Box<Ty>,
    },
    /// A record of a source object (by object index), e.g. `manager`.
    Record {
        object: u32,
    },
    /// A record produced by another target of the same fan-out.
    Produced {
        target: u32,
    },
    /// A placeholder record (by placeholder index) of a destination object.
    Placeholder {
        index: u32,
    },
    /// A resolved owner (`owner(email)`).
    Owner,
    /// `skip(…)`: never produces a value.
    Never,
    /// `clear`
    Clear,
}

impl Ty {
    pub fn text() -> Ty {
        Ty::Text { max: None }
    }

    pub fn list(item: Ty) -> Ty {
        Ty::List {
            item: Box::new(item),
        }
    }

    pub fn is_list(&self) -> bool {
        matches!(self, Ty::List { .. })
    }

    pub fn is_textual(&self) -> bool {
        matches!(self, Ty::Text { .. } | Ty::Enum { .. })
    }

    pub fn is_numeric(&self) -> bool {
        matches!(self, Ty::Int | Ty::Num { .. })
    }
}

impl std::fmt::Display for Ty {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Ty::Null => f.write_str("null"),
            Ty::Bool => f.write_str("boolean"),
            Ty::Int => f.write_str("integer"),
            Ty::Num { scale: Some(s) } => write!(f, "number (scale {s})"),
            Ty::Num { scale: None } => f.write_str("number"),
            Ty::Text { max: Some(n) } => write!(f, "text({n})"),
            Ty::Text { max: None } => f.write_str("text"),
            Ty::Enum { values } => {
                let shown: Vec<String> = values.iter().take(5).map(|v| format!("{v:?}")).collect();
                let more = if values.len() > 5 { ", …" } else { "" };
                write!(f, "one of {}{more}", shown.join(", "))
            }
            Ty::Date => f.write_str("date"),
            Ty::DateTime => f.write_str("datetime"),
            Ty::List { item } => write!(f, "list of {item}"),
            Ty::Record { .. } => f.write_str("a source record"),
            Ty::Produced { .. } => f.write_str("a record of this fan-out"),
            Ty::Placeholder { .. } => f.write_str("a placeholder record"),
            Ty::Owner => f.write_str("an owner"),
            Ty::Never => f.write_str("skip"),
            Ty::Clear => f.write_str("clear"),
        }
    }
}

/// A typed expression.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct TExpr {
    pub kind: TExprKind,
    pub ty: Ty,
    /// May evaluate to null.
    pub nullable: bool,
    /// May fail at run time (a conversion); `??` handles it.
    pub fallible: bool,
    pub span: Span,
}

/// Which record an expression is evaluated against.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub enum TExprKind {
    Lit(Value),
    List(Vec<TExpr>),
    /// A column of the current record (index into its object's staged layout).
    Column(u32),
    /// Follow relation `rel` from the current record. Without `then`, the
    /// related record(s); with it, `then` evaluated against each related
    /// record. A to-many relation gives a list (nested lists flatten).
    Nav {
        rel: u32,
        then: Option<Box<TExpr>>,
    },
    /// Merge: the i-th `by` key of the current group.
    GroupKey(u32),
    /// Merge: `then` evaluated against each member of the group → list.
    Members(Box<TExpr>),
    /// The record produced by target `i` of the current unit (fan-out alias).
    Produced(u32),
    /// `map[key]` for value map `map`.
    ValueMap {
        map: u32,
        key: Box<TExpr>,
    },
    /// `table[key]` (a row) or `table[key].col`.
    Table {
        table: u32,
        key: Box<TExpr>,
        column: Option<u32>,
    },
    /// A scalar built-in function.
    Call {
        func: Func,
        args: Vec<TExpr>,
    },
    /// An aggregate over a list; `by` is the ordering list of `latest(x by t)`.
    Agg {
        func: Agg,
        list: Box<TExpr>,
        by: Option<Box<TExpr>>,
        extra: Vec<TExpr>,
    },
    Not(Box<TExpr>),
    Neg(Box<TExpr>),
    Binary {
        op: BinOp,
        lhs: Box<TExpr>,
        rhs: Box<TExpr>,
    },
    /// `a ?? b`: b when a is null or failed.
    Coalesce(Box<TExpr>, Box<TExpr>),
    If {
        cond: Box<TExpr>,
        then: Box<TExpr>,
        otherwise: Box<TExpr>,
    },
    /// `list where cond`; `cond` is evaluated against each element.
    Filter {
        list: Box<TExpr>,
        cond: Box<TExpr>,
    },
    /// `(list where c).col`: `then` evaluated against each record of `list`
    /// (nested lists flatten one level, as with `Nav`).
    Map {
        list: Box<TExpr>,
        then: Box<TExpr>,
    },
    Clear,
    Skip(String),
    /// `flag(reason)`: evaluates to null and flags the record.
    Flag(String),
    /// Placeholder record `i` of the plan.
    Placeholder(u32),
    /// `owner(email)` under the spec's `owners` policy.
    Owner(Box<TExpr>),
    /// `export.taken_at`
    TakenAt,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum BinOp {
    Or,
    And,
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    In,
    NotIn,
    Add,
    Sub,
    Mul,
    Div,
}

/// Scalar built-ins.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Func {
    Lower,
    Upper,
    Trim,
    Title,
    Concat,
    Split,
    Replace,
    Truncate,
    Left,
    Len,
    E164,
    Round,
    Number,
    Integer,
    Date,
    Datetime,
    Format,
}

/// Aggregates over lists.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Agg {
    Count,
    Sum,
    Avg,
    Min,
    Max,
    First,
    Last,
    Collect,
    Distinct,
    Latest,
    Earliest,
    Any,
    All,
    Join,
}
