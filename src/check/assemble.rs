//! Assembling the plan once every unit has checked: the load order (with
//! deferred passes for self-references) and the staged source objects.
//!
//! Input: the checker's units, edges, placeholders and interned sources.
//! Output: the [`Plan`], or E0503 when the objects reference each other in a
//! cycle. Invariant: runs only when checking found no errors.

use super::Checker;
use crate::diagnostics::{codes, Diagnostic};
use crate::plan::{order, LoadStep, Pass, Plan, SourcePlan};

impl Checker<'_> {
    /// Assembles the plan: sources, load order, deferred passes.
    pub(super) fn build_plan(&mut self) -> Option<Plan> {
        // Objects by first appearance: placeholders', targets', then any
        // only an edge names. `at[i]` is where `dest[i]` is in `objects`.
        let mut objects: Vec<usize> = Vec::new();
        let mut at: Vec<Option<usize>> = vec![None; self.dest.len()];
        let mut place = |i: usize| match at[i] {
            Some(p) => p,
            None => {
                at[i] = Some(objects.len());
                objects.push(i);
                objects.len() - 1
            }
        };
        for p in &self.placeholder_plans {
            if let Some(i) = self.dest.get_index_of(&p.object) {
                place(i);
            }
        }
        for &t in &self.targets_seen {
            place(t as usize);
        }
        let edges: Vec<(usize, usize)> = self
            .edges
            .iter()
            .map(|&(a, b)| (place(a as usize), place(b as usize)))
            .collect();
        let name = |p: usize| {
            self.dest
                .get_index(objects[p])
                .map_or_else(String::new, |(n, _)| n.clone())
        };
        let order: Vec<String> = match order::topological_ids(objects.len(), &edges) {
            Ok(o) => o.into_iter().map(name).collect(),
            Err(cycle) => {
                let cycle: Vec<String> = cycle.into_iter().map(name).collect();
                let mut shown = cycle.clone();
                if let Some(f) = cycle.first() {
                    shown.push(f.clone());
                }
                let d = Diagnostic::new(codes::E0503, format!("these objects reference each other in a cycle: {}", shown.join(" → ")))
                    .in_file(&self.file)
                    .label(self.units.first().map(|u| u.span).unwrap_or_default(), "no load order exists")
                    .help("break the cycle: make one of the lookups a self-reference, or drop it and set it after the load");
                self.diags.push(d);
                return None;
            }
        };
        let mut load_order: Vec<LoadStep> = order
            .iter()
            .enumerate()
            .map(|(i, o)| LoadStep {
                number: i as u32 + 1,
                object: o.clone(),
                pass: Pass::Upsert,
            })
            .collect();
        let with_deferred: std::collections::HashSet<&str> = self
            .units
            .iter()
            .flat_map(|u| u.kind.targets())
            .filter(|t| !t.deferred.is_empty())
            .map(|t| t.object.as_str())
            .collect();
        let deferred: Vec<String> = order
            .iter()
            .filter(|o| with_deferred.contains(o.as_str()))
            .cloned()
            .collect();
        for o in deferred {
            let number = load_order.len() as u32 + 1;
            load_order.push(LoadStep {
                number,
                object: o,
                pass: Pass::DeferredUpdate,
            });
        }
        let sources = self
            .env
            .objects
            .iter()
            .enumerate()
            .map(|(i, o)| {
                let (filters, dedupe) = self
                    .source_filters
                    .shift_remove(&(i as u32))
                    .unwrap_or_default();
                let filter = filters.into_iter().reduce(|a, b| crate::plan::TExpr {
                    span: a.span.to(b.span),
                    kind: crate::plan::TExprKind::Binary {
                        op: crate::plan::BinOp::And,
                        lhs: Box::new(a),
                        rhs: Box::new(b),
                    },
                    ty: crate::plan::Ty::Bool,
                    nullable: false,
                    fallible: false,
                });
                SourcePlan {
                    name: o.name.clone(),
                    file: o.file.clone(),
                    columns: o.columns.clone(),
                    primary_key: o.primary_key.iter().filter_map(|k| o.column(k)).collect(),
                    optional: o.optional,
                    filter,
                    dedupe,
                }
            })
            .collect();
        Some(Plan {
            source_system: self.env.desc.system.clone(),
            destination: self.dest_system.clone(),
            options: self.options.clone(),
            sources,
            relations: self.env.relations.clone(),
            value_maps: self.symbols.maps.iter().map(|m| m.plan.clone()).collect(),
            tables: self.symbols.tables.iter().map(|t| t.plan.clone()).collect(),
            owners: self.symbols.owners.clone(),
            placeholders: std::mem::take(&mut self.placeholder_plans),
            units: std::mem::take(&mut self.units),
            references: std::mem::take(&mut self.references),
            load_order,
        })
    }
}
