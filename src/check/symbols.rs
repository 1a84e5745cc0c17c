//! Declarations expressions refer to: value maps, tables, the owner policy
//! and placeholders; with use tracking for the strict-mode warnings.
//!
//! Input: the `values`, `table`, `owners` items and `placeholder`
//! expressions. Output: [`Symbols`] (each with its plan) and the coverage
//! diagnostics of value maps (E0402, W0404, W0405) and owner policies
//! (E0225). Invariants: a map's output values are shared by every enum type
//! its uses give; each (map, key type) pair is checked for coverage once;
//! identical placeholders share one record.

use crate::diagnostics::{codes, Diagnostic, Diagnostics, SourceFile};
use crate::plan::{MapPlan, Outcome, OwnerFallback, OwnersPlan, TablePlan, Ty};
use crate::span::Span;
use crate::syntax::ast::{self, FieldInit, Ident, Literal, MapOutcome};
use crate::value::Value;
use std::sync::Arc;

pub struct MapInfo {
    pub name: String,
    pub span: Span,
    pub file: Arc<SourceFile>,
    /// Keys as written (texts of the literals), per arm.
    pub arm_keys: Vec<(Vec<String>, Span)>,
    /// Values the map can produce (shared by the enum types of its uses).
    pub outputs: Arc<[String]>,
    pub keeps: bool,
    /// Some arm gives `null`.
    pub gives_null: bool,
    /// Every value the map gives is `true` or `false`.
    pub all_bool: bool,
    pub has_else: bool,
    pub used: bool,
    pub plan: MapPlan,
}

pub struct TableInfo {
    pub name: String,
    pub span: Span,
    pub file: Arc<SourceFile>,
    pub columns: Vec<String>,
    pub used: bool,
    pub plan: TablePlan,
}

/// A `placeholder Obj { … }` expression, checked once all routes are known.
pub struct PendingPlaceholder {
    pub object: Ident,
    pub fields: Vec<FieldInit>,
    pub file: Arc<SourceFile>,
}

#[derive(Default)]
pub struct Symbols {
    pub maps: Vec<MapInfo>,
    pub tables: Vec<TableInfo>,
    pub owners: Option<OwnersPlan>,
    pub has_owners: bool,
    /// `owner(null)` is null only when there is no fallback.
    pub owner_fallback_nullable: bool,
    pub placeholders: Vec<PendingPlaceholder>,
    /// (map, key type) combinations already checked for coverage (few per
    /// map: a linear search beats hashing the type).
    reported: Vec<(u32, Ty)>,
    pub current_file: Option<Arc<SourceFile>>,
}

fn literal_text(l: &Literal) -> String {
    match l {
        Literal::Str(s) => s.clone(),
        Literal::Int(i) => i.to_string(),
        Literal::Float(f) => f.to_string(),
        Literal::Bool(b) => b.to_string(),
        Literal::Null => "null".into(),
    }
}

pub fn literal_value(l: &Literal) -> Value {
    match l {
        Literal::Str(s) => Value::text(s),
        Literal::Int(i) => Value::Int(*i),
        Literal::Float(f) => rust_decimal::Decimal::from_str_exact(&f.to_string())
            .map(Value::Num)
            .unwrap_or(Value::Null),
        Literal::Bool(b) => Value::Bool(*b),
        Literal::Null => Value::Null,
    }
}

fn outcome(o: &MapOutcome) -> Outcome {
    match o {
        MapOutcome::Value(l) => Outcome::Value(literal_value(l)),
        MapOutcome::Keep => Outcome::Keep,
        MapOutcome::Skip(r) => Outcome::Skip(r.code.clone()),
    }
}

impl Symbols {
    pub fn add_map(&mut self, v: &ast::ValueMap, file: &Arc<SourceFile>) {
        let mut outputs = Vec::new();
        let mut keeps = false;
        let mut gives_null = false;
        let mut non_bool = false;
        let mut note = |o: &MapOutcome| match o {
            MapOutcome::Value(Literal::Null) => gives_null = true,
            MapOutcome::Value(l) => {
                non_bool |= !matches!(l, Literal::Bool(_));
                let t = literal_text(l);
                if !outputs.contains(&t) {
                    outputs.push(t);
                }
            }
            MapOutcome::Keep => keeps = true,
            MapOutcome::Skip(_) => {}
        };
        for arm in &v.arms {
            note(&arm.outcome);
        }
        if let Some(e) = &v.else_arm {
            note(&e.outcome);
        }
        let plan = MapPlan {
            name: v.name.name.clone(),
            arms: v
                .arms
                .iter()
                .map(|a| {
                    (
                        a.keys.iter().map(literal_value).collect(),
                        outcome(&a.outcome),
                    )
                })
                .collect(),
            otherwise: v.else_arm.as_ref().map(|e| outcome(&e.outcome)),
        };
        self.maps.push(MapInfo {
            name: v.name.name.clone(),
            span: v.name.span,
            file: Arc::clone(file),
            arm_keys: v
                .arms
                .iter()
                .map(|a| (a.keys.iter().map(literal_text).collect(), a.span))
                .collect(),
            all_bool: !non_bool && !outputs.is_empty(),
            outputs: outputs.into(),
            keeps,
            gives_null,
            has_else: v.else_arm.is_some(),
            used: false,
            plan,
        });
    }

    pub fn add_table(&mut self, info: TableInfo) {
        self.tables.push(info);
    }

    pub fn set_owners(&mut self, plan: OwnersPlan) {
        self.owner_fallback_nullable = plan.fallback.is_none();
        self.has_owners = true;
        self.owners = Some(plan);
    }

    pub fn map_use(&mut self, name: &str) -> Option<u32> {
        let i = self.maps.iter().position(|m| m.name == name)?;
        self.maps[i].used = true;
        Some(i as u32)
    }

    pub fn table_use(&mut self, name: &str) -> Option<u32> {
        let i = self.tables.iter().position(|t| t.name == name)?;
        self.tables[i].used = true;
        Some(i as u32)
    }

    /// Does map `m` give a value for every possible key of type `key`?
    pub fn covers(&self, m: u32, key: &Ty) -> bool {
        let info = &self.maps[m as usize];
        match key {
            Ty::Enum { values } => values
                .iter()
                .all(|v| info.arm_keys.iter().any(|(ks, _)| ks.contains(v))),
            Ty::Bool => ["true", "false"].iter().all(|v| {
                info.arm_keys
                    .iter()
                    .any(|(ks, _)| ks.iter().any(|k| k == v))
            }),
            _ => false,
        }
    }

    /// E0402 (enum not covered, no `else`), W0404 (coverage unprovable),
    /// W0405 (an arm's key is not a value of the key's enum).
    pub fn check_coverage(
        &mut self,
        m: u32,
        key: &Ty,
        key_span: Span,
        file: &Arc<SourceFile>,
        diags: &mut Diagnostics,
    ) {
        if self.reported.iter().any(|(rm, t)| *rm == m && t == key) {
            return;
        }
        self.reported.push((m, key.clone()));
        let info = &self.maps[m as usize];
        let info_file = Arc::clone(&info.file);
        match key {
            Ty::Enum { values } => {
                if !info.has_else {
                    let missing: Vec<&String> = values
                        .iter()
                        .filter(|v| !info.arm_keys.iter().any(|(ks, _)| ks.contains(v)))
                        .collect();
                    if !missing.is_empty() {
                        let list: Vec<String> = missing.iter().map(|v| format!("{v:?}")).collect();
                        diags.push(
                            Diagnostic::new(
                                codes::E0402,
                                format!("value map `{}` does not cover {}", info.name, list.join(", ")),
                            )
                            .in_file(file)
                            .label(key_span, "this key can take those values")
                            .help(format!(
                                "add arms for them, or `else => keep` / `else => \"…\"` / `else => skip(\"reason\")` to `{}`",
                                info.name
                            )),
                        );
                    }
                }
                for (keys, span) in &info.arm_keys {
                    for k in keys {
                        if !values.contains(k) {
                            diags.push(
                                Diagnostic::new(
                                    codes::W0405,
                                    format!(
                                        "arm {k:?} of value map `{}` can never match",
                                        info.name
                                    ),
                                )
                                .in_file(&info_file)
                                .label(*span, "this key")
                                .note(format!(
                                    "the key expression can only be: {}",
                                    values.join(", ")
                                )),
                            );
                        }
                    }
                }
            }
            Ty::Text { .. } if !info.has_else => {
                diags.push(
                    Diagnostic::new(
                        codes::W0404,
                        format!("cannot prove value map `{}` covers every value of this key", info.name),
                    )
                    .in_file(file)
                    .label(key_span, "free text key")
                    .help("add an `else` arm; values it misses are left empty and listed by `ferry stage`"),
                );
            }
            _ => {}
        }
    }

    /// A table column's type: the set of its values (read at check time).
    pub fn table_column_ty(&self, t: u32, col: usize) -> Ty {
        let rows = &self.tables[t as usize].plan.rows;
        let mut values: Vec<String> = Vec::new();
        for r in rows {
            if let Some(v) = r.get(col) {
                let v = v.trim();
                if !v.is_empty() && !values.iter().any(|x| x == v) {
                    values.push(v.to_string());
                }
            }
            if values.len() > 500 {
                return Ty::text();
            }
        }
        Ty::Enum {
            values: values.into(),
        }
    }

    /// Registers a placeholder expression; identical ones share one record.
    pub fn placeholder(&mut self, object: &Ident, fields: &[FieldInit]) -> u32 {
        let same = |p: &PendingPlaceholder| {
            p.object.name == object.name
                && p.fields.len() == fields.len()
                && p.fields.iter().zip(fields).all(|(a, b)| {
                    a.field.dotted() == b.field.dotted() && a.value.kind == b.value.kind
                })
        };
        if let Some(i) = self.placeholders.iter().position(same) {
            return i as u32;
        }
        let file = self
            .current_file
            .clone()
            .unwrap_or_else(|| SourceFile::new("", ""));
        self.placeholders.push(PendingPlaceholder {
            object: object.clone(),
            fields: fields.to_vec(),
            file,
        });
        (self.placeholders.len() - 1) as u32
    }

    pub fn owners_plan(
        o: &ast::Owners,
        diags: &mut Diagnostics,
        file: &Arc<SourceFile>,
    ) -> OwnersPlan {
        let mut plan = OwnersPlan {
            match_on: "email".into(),
            fallback: None,
        };
        for r in &o.rules {
            match &r.kind {
                ast::OwnerRuleKind::Match(i) => {
                    if i.name != "email" {
                        diags.push(
                            Diagnostic::new(
                                codes::E0225,
                                format!("owners can only be matched by `email`, not `{}`", i.name),
                            )
                            .in_file(file)
                            .label(i.span, "unsupported match"),
                        );
                    }
                    plan.match_on = i.name.clone();
                }
                ast::OwnerRuleKind::Fallback(e) => match &e.kind {
                    ast::ExprKind::Literal(Literal::Str(s)) => {
                        plan.fallback = Some(OwnerFallback::Owner(s.clone()))
                    }
                    ast::ExprKind::Skip(r) => {
                        plan.fallback = Some(OwnerFallback::Skip(r.code.clone()))
                    }
                    _ => diags.push(
                        Diagnostic::new(
                            codes::E0225,
                            "an owner fallback is an email or `skip(\"reason\")`",
                        )
                        .in_file(file)
                        .label(e.span, "not an email or skip"),
                    ),
                },
            }
        }
        plan
    }
}
