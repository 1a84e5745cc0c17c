//! The execution plan: what `check` proves sound and what `run` interprets.
//!
//! Input: the checker's resolved units (see [`crate::check`]). Output: an
//! immutable, serializable [`Plan`] with the load order computed from
//! references. Invariants: every index points into this plan; targets are
//! listed in load order; self-references are deferred update passes; no
//! cycle between different objects survives (the checker rejects them).

pub mod expr;
pub mod order;
pub mod render;
mod unit;

pub use expr::{Agg, BinOp, Func, TExpr, TExprKind, Ty};

use crate::schema::model::FieldType;
use crate::span::Span;
use crate::value::Value;
use serde::Serialize;
use std::sync::Arc;

#[derive(Clone, Debug, Serialize)]
pub struct Plan {
    pub source_system: String,
    pub destination: String,
    pub options: PlanOptions,
    /// Source objects the plan reads, by object index.
    pub sources: Vec<SourcePlan>,
    /// Relations used by expressions, by relation index.
    pub relations: Vec<RelPlan>,
    pub value_maps: Vec<MapPlan>,
    pub tables: Vec<TablePlan>,
    pub owners: Option<OwnersPlan>,
    pub placeholders: Vec<PlaceholderPlan>,
    /// Routes, splits and merges in spec order.
    pub units: Vec<Unit>,
    pub references: Vec<ReferencePlan>,
    /// Destination objects and passes in the order they must be loaded.
    pub load_order: Vec<LoadStep>,
}

#[derive(Clone, Debug, Serialize)]
pub struct PlanOptions {
    pub timezone: String,
    pub date_formats: Vec<String>,
    pub strict: bool,
    pub multi_value_separator: String,
}

/// How one staged column is read from the export.
#[derive(Clone, Debug, Serialize)]
pub struct ColumnPlan {
    pub name: String,
    /// Header spellings to match (trimmed, case-insensitive), first is canonical.
    pub headers: Vec<String>,
    pub ty: FieldType,
    pub nullable: bool,
    /// Date formats for this column, before the spec's and the bundle's.
    pub formats: Vec<String>,
    /// Declared by the spec (`column … from …`), not the descriptor.
    pub declared: bool,
}

#[derive(Clone, Debug, Serialize)]
pub struct SourcePlan {
    pub name: String,
    pub file: String,
    pub columns: Vec<ColumnPlan>,
    /// Column indices of the primary key.
    pub primary_key: Vec<u32>,
    pub optional: bool,
    /// `source X { where … }`: records for which this is not true are filtered.
    pub filter: Option<TExpr>,
    pub dedupe: Option<DedupePlan>,
}

#[derive(Clone, Debug, Serialize)]
pub struct DedupePlan {
    pub by: Vec<TExpr>,
    pub keep: KeepPlan,
    pub span: Span,
}

#[derive(Clone, Debug, Serialize)]
pub enum KeepPlan {
    Latest(TExpr),
    Earliest(TExpr),
    First,
    Last,
}

#[derive(Clone, Debug, Serialize)]
pub struct RelPlan {
    pub name: String,
    pub from: u32,
    pub to: u32,
    pub kind: RelKind,
}

/// Relations with columns resolved to staged column indices.
#[derive(Clone, Debug, Serialize)]
pub enum RelKind {
    /// `from.column` = `to.target_column`: one record or null.
    Forward { column: u32, target_column: u32 },
    /// `to.column` = `from.key_column`: a list.
    Reverse { column: u32, key_column: u32 },
    /// Through link object `via`: `via.from_column` = `from.key_column` and
    /// `via.to_column` = `to.target_column`, where `via.filter.0 == filter.1`.
    Link {
        via: u32,
        from_column: u32,
        to_column: u32,
        key_column: u32,
        target_column: u32,
        filter: Option<(u32, Value)>,
        many: bool,
    },
}

/// One reference a relation follows: the column holding key values and the
/// column they name (see [`RelPlan::references`]).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ColumnRef<'p> {
    /// The referencing (object, column): `contacts.manager_contact_id`.
    pub child: (u32, u32),
    /// The referenced (object, column): `contacts.contact_id`.
    pub parent: (u32, u32),
    /// A link relation's `where`: only link rows whose column (of the child
    /// object) equals the value are references.
    pub filter: Option<&'p (u32, Value)>,
}

impl RelPlan {
    /// The references the relation follows, from side first: one for a
    /// forward or reverse relation, two for a link (link → from, link → to).
    /// Every column a relation reads is a `child`, a `parent` or a filter's.
    pub fn references(&self) -> Vec<ColumnRef<'_>> {
        match &self.kind {
            RelKind::Forward {
                column,
                target_column,
            } => vec![ColumnRef {
                child: (self.from, *column),
                parent: (self.to, *target_column),
                filter: None,
            }],
            RelKind::Reverse { column, key_column } => vec![ColumnRef {
                child: (self.to, *column),
                parent: (self.from, *key_column),
                filter: None,
            }],
            RelKind::Link {
                via,
                from_column,
                to_column,
                key_column,
                target_column,
                filter,
                ..
            } => vec![
                ColumnRef {
                    child: (*via, *from_column),
                    parent: (self.from, *key_column),
                    filter: filter.as_ref(),
                },
                ColumnRef {
                    child: (*via, *to_column),
                    parent: (self.to, *target_column),
                    filter: filter.as_ref(),
                },
            ],
        }
    }
}

#[derive(Clone, Debug, Serialize)]
pub struct MapPlan {
    pub name: String,
    pub arms: Vec<(Vec<Value>, Outcome)>,
    /// Without `else`, an unmatched key gives null (reported as coverage).
    pub otherwise: Option<Outcome>,
}

#[derive(Clone, Debug, Serialize)]
pub enum Outcome {
    Value(Value),
    Keep,
    Skip(String),
}

#[derive(Clone, Debug, Serialize)]
pub struct TablePlan {
    pub name: String,
    /// Path relative to the spec file.
    pub file: String,
    pub key: String,
    pub columns: Vec<String>,
    /// Rows read at check time (tables are small reference data).
    pub rows: Vec<Vec<String>>,
    pub key_column: u32,
}

#[derive(Clone, Debug, Serialize)]
pub struct OwnersPlan {
    /// Attribute of destination users matched (case-insensitive): `email`.
    pub match_on: String,
    pub fallback: Option<OwnerFallback>,
}

#[derive(Clone, Debug, Serialize)]
pub enum OwnerFallback {
    Owner(String),
    Skip(String),
}

impl OwnersPlan {
    /// The fallback owner's email as `owner(…)` normalizes emails
    /// (trimmed, lower-cased), when the policy names one.
    pub fn fallback_email(&self) -> Option<String> {
        match self.fallback.as_ref()? {
            OwnerFallback::Owner(email) => Some(email.trim().to_lowercase()),
            OwnerFallback::Skip(_) => None,
        }
    }
}

/// One shared record created for empty lookups (`placeholder Account { … }`).
#[derive(Clone, Debug, Serialize)]
pub struct PlaceholderPlan {
    pub object: String,
    pub fields: Vec<(String, Value)>,
    /// Stable id of the placeholder in payloads: `placeholder:Account:1`.
    pub id: String,
}

/// A route, split or merge.
#[derive(Clone, Debug, Serialize)]
pub struct Unit {
    /// `route contacts -> Contact`, for reports.
    pub label: String,
    pub source: u32,
    pub filter: Option<TExpr>,
    pub kind: UnitKind,
    pub span: Span,
}

#[derive(Clone, Debug, Serialize)]
pub enum UnitKind {
    /// A route with one target, or a fan-out with several.
    Route { targets: Vec<TargetPlan> },
    /// First matching arm wins.
    Split {
        arms: Vec<(TExpr, TargetPlan)>,
        otherwise: Option<SplitOtherwise>,
    },
    /// Records grouped by `by`; one target record per group.
    Merge { by: Vec<TExpr>, target: TargetPlan },
}

// Built once per spec and never moved in a hot loop: boxing would buy nothing.
#[allow(clippy::large_enum_variant)]
#[derive(Clone, Debug, Serialize)]
pub enum SplitOtherwise {
    Target(TargetPlan),
    Skip(String),
}

/// One destination record per source record (or group) of a unit.
#[derive(Clone, Debug, Serialize)]
pub struct TargetPlan {
    /// Destination object (`Contact`).
    pub object: String,
    pub alias: Option<String>,
    /// Distinguishes several targets of one fan-out in payload ids.
    pub id_suffix: Option<String>,
    pub key: FieldPlan,
    /// Fields sent when the record is created or updated.
    pub fields: Vec<FieldPlan>,
    /// Self-references, sent in a later update pass once every record exists.
    pub deferred: Vec<FieldPlan>,
    /// A split arm's condition as written (`status in ["invited"]`), for
    /// the mapping table; `None` for routes, merges and `else`.
    pub condition: Option<String>,
    pub span: Span,
}

#[derive(Clone, Debug, Serialize)]
pub struct FieldPlan {
    /// Dotted destination field (`name.firstName`).
    pub field: String,
    pub expr: TExpr,
    pub dest: FieldType,
    pub lineage: Lineage,
}

/// Where a destination field's value comes from.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Lineage {
    /// `contacts.email`, `contacts.manager → contacts.email` (shared texts:
    /// many fields read the same column).
    pub columns: Vec<Arc<str>>,
    /// Functions, value maps and tables applied: `lower`, `values enrollment_status`.
    pub functions: Vec<Arc<str>>,
}

#[derive(Clone, Debug, Serialize)]
pub struct ReferencePlan {
    pub source: u32,
    pub title: String,
    pub filter: Option<TExpr>,
    pub fields: Vec<(String, TExpr)>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct LoadStep {
    /// 1-based position: the `NN` of `NN-<Target>.jsonl`.
    pub number: u32,
    pub object: String,
    pub pass: Pass,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Pass {
    /// Create or upsert records.
    Upsert,
    /// Set self-referencing lookups once every record of the object exists.
    DeferredUpdate,
}

impl LoadStep {
    /// `03-Contact.jsonl`, `07-Contact.deferred.jsonl`.
    pub fn file_name(&self) -> String {
        match self.pass {
            Pass::Upsert => format!("{:02}-{}.jsonl", self.number, self.object),
            Pass::DeferredUpdate => format!("{:02}-{}.deferred.jsonl", self.number, self.object),
        }
    }
}
