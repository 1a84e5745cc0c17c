//! Routes, fan-outs, splits, merges and references → plan units.
//!
//! Input: the spec's route, split, merge and reference items. Output: plan
//! [`Unit`]s and [`ReferencePlan`]s (`None` when one cannot be planned; its
//! errors are reported); E0210 (unknown source), E0314/E0304
//! (conditions), E0307 (a list as merge key), E0403/W0403 (split coverage)
//! and E0508 (keys of two targets that may collide). Invariants: a fan-out
//! alias is visible only in the later targets of its route; a merge's
//! target is read in a group scope whose keys are the `by` names; a unit's
//! label quotes the spec's own text of its filter and keys.

use super::expr::Scope;
use super::target::CheckedTarget;
use super::Checker;
use crate::diagnostics::{codes, Diagnostic};
use crate::plan::{ReferencePlan, SplitOtherwise, TExpr, TExprKind, Ty, Unit, UnitKind};
use crate::span::Span;
use crate::syntax::ast::{self, ExprKind, SplitElseKind};
use crate::value::Value;

impl Checker<'_> {
    /// The scope of records of source object `name`, or a reported E0210.
    pub(super) fn source_scope(&mut self, name: &ast::Ident) -> Option<Scope> {
        match self.env.intern(&name.name) {
            Some(object) => Some(Scope {
                object,
                group: None,
                aliases: Vec::new(),
            }),
            None => {
                let names: Vec<String> = self.env.object_names().map(str::to_string).collect();
                let d = Diagnostic::new(
                    codes::E0210,
                    format!("the export has no object `{}`", name.name),
                )
                .in_file(&self.file)
                .label(name.span, "unknown source object")
                .maybe_help(crate::diagnostics::did_you_mean(
                    &name.name,
                    names.iter().map(String::as_str),
                ))
                .note("`ferry schema show actimo` lists the export's objects");
                self.diags.push(d);
                None
            }
        }
    }

    pub(super) fn condition(&mut self, e: &ast::Expr, scope: &Scope) -> TExpr {
        let mut inf = self.infer();
        let t = inf.expr(e, scope);
        if !matches!(t.ty, Ty::Bool | Ty::Never) {
            let d = Diagnostic::new(
                codes::E0314,
                format!("a condition must be true or false, this is {}", t.ty),
            )
            .in_file(&self.file)
            .label(t.span, "not a condition");
            self.diags.push(d);
        }
        if t.fallible {
            let d = Diagnostic::new(
                codes::E0304,
                "this condition can fail at run time and is not handled",
            )
            .in_file(&self.file)
            .label(t.span, "may fail")
            .help("handle the failure with `??`");
            self.diags.push(d);
        }
        t
    }

    fn finish(&mut self, checked: CheckedTarget, index: usize) -> crate::plan::TargetPlan {
        let mut plan = checked.plan;
        // A checked target's object is in `dest`.
        let this = self.dest.get_index_of(&plan.object).map(|i| i as u32);
        let mut deferred_fields = Vec::new();
        if let Some(this) = this {
            self.keys.push((
                this,
                plan.key.field.clone(),
                prefix(&plan.key.expr),
                checked.key_span,
                self.unit_index,
            ));
            for l in checked.lookups {
                for &o in &l.objects {
                    if o == this && l.record {
                        deferred_fields.push(l.field.clone());
                    } else {
                        self.edges.push((o, this));
                    }
                }
            }
            self.targets_seen.push(this);
        }
        if !deferred_fields.is_empty() {
            let (deferred, kept) = plan
                .fields
                .into_iter()
                .partition(|f| deferred_fields.contains(&f.field));
            plan.fields = kept;
            plan.deferred = deferred;
        }
        if index > 0 {
            plan.id_suffix = Some(plan.alias.clone().unwrap_or_else(|| plan.object.clone()));
        }
        plan
    }

    pub(super) fn route(&mut self, r: &ast::Route, span: Span) -> Option<Unit> {
        let mut scope = self.source_scope(&r.source)?;
        let filter = r.filter.as_ref().map(|f| self.condition(f, &scope));
        self.produced_objects.clear();
        self.route_aliases = r
            .targets
            .iter()
            .filter_map(|t| t.alias.as_ref().map(|a| a.name.clone()))
            .collect();
        let mut targets = Vec::new();
        for (i, t) in r.targets.iter().enumerate() {
            let checked = self.target(t, &scope);
            self.produced_objects.push(t.object.name.clone());
            if let Some(a) = &t.alias {
                scope
                    .aliases
                    .push((a.name.clone(), i as u32, t.object.name.clone()));
            }
            if let Some(c) = checked {
                targets.push(self.finish(c, i));
            }
        }
        self.route_aliases.clear();
        let filter_text = r
            .filter
            .as_ref()
            .map(|f| format!(" where {}", self.source_text(f.span)))
            .unwrap_or_default();
        let label = format!(
            "route {}{filter_text} -> {}",
            r.source.name,
            r.targets
                .iter()
                .map(|t| t.object.name.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        );
        Some(Unit {
            label,
            source: scope.object,
            filter,
            kind: UnitKind::Route { targets },
            span,
        })
    }

    pub(super) fn split(&mut self, s: &ast::Split, span: Span) -> Option<Unit> {
        let scope = self.source_scope(&s.source)?;
        let mut arms = Vec::new();
        let mut conds = Vec::new();
        for arm in &s.arms {
            let cond = self.condition(&arm.cond, &scope);
            conds.push((cond.clone(), arm.cond.span));
            if let Some(c) = self.target(&arm.target, &scope) {
                let mut t = self.finish(c, 0);
                t.condition = Some(self.source_text(arm.cond.span));
                arms.push((cond, t));
            }
        }
        let otherwise = match &s.else_arm {
            None => None,
            Some(e) => match &e.kind {
                SplitElseKind::Skip(r) => Some(SplitOtherwise::Skip(r.code.clone())),
                SplitElseKind::Target(t) => self
                    .target(t, &scope)
                    .map(|c| SplitOtherwise::Target(self.finish(c, 0))),
            },
        };
        self.split_coverage(s, &conds);
        Some(Unit {
            label: format!("split {}", s.source.name),
            source: scope.object,
            filter: None,
            kind: UnitKind::Split { arms, otherwise },
            span,
        })
    }

    /// W0403 for arms that can never match; E0403 when a split without
    /// `else` cannot be shown to give every record an arm.
    fn split_coverage(&mut self, s: &ast::Split, conds: &[(TExpr, Span)]) {
        let mut column: Option<u32> = None;
        let mut covered: Vec<String> = Vec::new();
        let mut universe: Option<Vec<String>> = None;
        let mut analyzable = true;
        for (cond, span) in conds {
            match enum_set(cond) {
                Some((col, values, all)) if column.is_none_or(|c| c == col) => {
                    column = Some(col);
                    universe = Some(all.clone());
                    let fresh: Vec<&String> =
                        values.iter().filter(|v| !covered.contains(v)).collect();
                    if fresh.is_empty() {
                        let d = Diagnostic::new(codes::W0403, "this split arm can never match")
                            .in_file(&self.file)
                            .label(*span, "every value it accepts is taken by an earlier arm");
                        self.diags.push(d);
                    }
                    covered.extend(values);
                }
                _ => {
                    if is_true(cond) {
                        // `when true` takes everything that is left.
                        return;
                    }
                    analyzable = false;
                }
            }
        }
        if s.else_arm.is_some() {
            return;
        }
        let missing: Vec<String> = match (&universe, analyzable) {
            (Some(all), true) => all
                .iter()
                .filter(|v| !covered.contains(v))
                .cloned()
                .collect(),
            _ => vec![],
        };
        if !analyzable || universe.is_none() || !missing.is_empty() {
            let msg = if missing.is_empty() {
                "this split has no `else` and ferry cannot prove every record matches an arm"
                    .to_string()
            } else {
                let list: Vec<String> = missing.iter().map(|m| format!("{m:?}")).collect();
                format!(
                    "records with {} match no arm of this split",
                    list.join(", ")
                )
            };
            let d = Diagnostic::new(codes::E0403, msg)
                .in_file(&self.file)
                .label(s.source.span, "split without `else`")
                .help("add `else -> Target { … }` or `else skip(\"reason\")` so every record is accounted for");
            self.diags.push(d);
        }
    }

    /// The text a span covers in the current file, on one line.
    pub(super) fn source_text(&self, span: Span) -> String {
        let text = self.file.text.get(span.start..span.end).unwrap_or_default();
        let mut out = String::with_capacity(text.len());
        for word in text.split_whitespace() {
            if !out.is_empty() {
                out.push(' ');
            }
            out.push_str(word);
        }
        out
    }

    pub(super) fn merge(&mut self, m: &ast::Merge, span: Span) -> Option<Unit> {
        let scope = self.source_scope(&m.source)?;
        let filter = m.filter.as_ref().map(|f| self.condition(f, &scope));
        let mut keys = Vec::new();
        let mut by = Vec::new();
        for e in &m.by {
            let mut inf = self.infer();
            let t = inf.expr(e, &scope);
            if t.ty.is_list() {
                let d = Diagnostic::new(codes::E0307, "a merge key must be one value per record")
                    .in_file(&self.file)
                    .label(t.span, "a list");
                self.diags.push(d);
            }
            if let ExprKind::Path(segs) = &e.kind {
                if segs.len() == 1 {
                    keys.push((segs[0].name.clone(), t.clone()));
                }
            }
            by.push(t);
        }
        let group = Scope {
            object: scope.object,
            group: Some(keys),
            aliases: Vec::new(),
        };
        self.produced_objects.clear();
        let target = self.target(&m.target, &group).map(|c| self.finish(c, 0))?;
        Some(Unit {
            label: format!(
                "merge {}{} by {} -> {}",
                m.source.name,
                m.filter
                    .as_ref()
                    .map(|f| format!(" where {}", self.source_text(f.span)))
                    .unwrap_or_default(),
                m.by.iter()
                    .map(|b| self.source_text(b.span))
                    .collect::<Vec<_>>()
                    .join(", "),
                m.target.object.name
            ),
            source: scope.object,
            filter,
            kind: UnitKind::Merge { by, target },
            span,
        })
    }

    pub(super) fn reference(&mut self, r: &ast::Reference) -> Option<ReferencePlan> {
        let scope = self.source_scope(&r.source)?;
        let filter = r.filter.as_ref().map(|f| self.condition(f, &scope));
        let mut fields = Vec::new();
        for stmt in &r.fields {
            let mut inf = self.infer();
            let t = inf.expr(stmt.kind.value(), &scope);
            if t.fallible {
                let d = Diagnostic::new(
                    codes::E0304,
                    "this conversion can fail at run time and is not handled",
                )
                .in_file(&self.file)
                .label(t.span, "may fail")
                .help("handle the failure with `?? …`");
                self.diags.push(d);
            }
            fields.push((stmt.kind.field().dotted(), t));
        }
        Some(ReferencePlan {
            source: scope.object,
            title: r.title.value.clone(),
            filter,
            fields,
        })
    }

    /// E0508: two targets into one object whose keys may produce the same value.
    pub(super) fn key_collisions(&mut self) {
        let keys = std::mem::take(&mut self.keys);
        // Only keys on the same object and field can collide: compare within groups.
        let mut groups: indexmap::IndexMap<(u32, &str), Vec<usize>, foldhash::fast::FixedState> =
            indexmap::IndexMap::default();
        for (i, k) in keys.iter().enumerate() {
            groups.entry((k.0, k.1.as_str())).or_default().push(i);
        }
        for members in groups.values() {
            for (n, &i) in members.iter().enumerate() {
                let a = &keys[i];
                for &j in &members[n + 1..] {
                    let b = &keys[j];
                    if a.4 == b.4 {
                        continue;
                    }
                    let disjoint = match (&a.2, &b.2) {
                        (Some(x), Some(y)) => {
                            !x.starts_with(y.as_str()) && !y.starts_with(x.as_str())
                        }
                        _ => false,
                    };
                    if !disjoint {
                        let object = self
                            .dest
                            .get_index(a.0 as usize)
                            .map_or("", |(n, _)| n.as_str());
                        let d = Diagnostic::new(codes::E0508, format!("two routes write `{object}.{}` keys that may collide", a.1))
                        .in_file(&self.file)
                        .label(b.3, "this key")
                        .label(a.3, "may equal this one")
                        .help("give each route its own prefix: `key F = concat(\"fb-\", feedback_id)`");
                        self.diags.push(d);
                    }
                }
            }
        }
        self.keys = keys;
    }
}

/// The literal text a key expression always starts with.
fn prefix(e: &TExpr) -> Option<String> {
    match &e.kind {
        TExprKind::Call {
            func: crate::plan::Func::Concat,
            args,
        } => match args.first().map(|a| &a.kind) {
            Some(TExprKind::Lit(Value::Text(s))) if !s.is_empty() => Some(s.to_string()),
            _ => None,
        },
        _ => None,
    }
}

fn is_true(e: &TExpr) -> bool {
    matches!(e.kind, TExprKind::Lit(Value::Bool(true)))
}

/// For `col == "x"`, `col in ["x", "y"]`, `col not in […]` over an enum
/// column: (column, accepted values, all values).
fn enum_set(e: &TExpr) -> Option<(u32, Vec<String>, Vec<String>)> {
    let TExprKind::Binary { op, lhs, rhs } = &e.kind else {
        return None;
    };
    let TExprKind::Column(col) = lhs.kind else {
        return None;
    };
    let Ty::Enum { values } = &lhs.ty else {
        return None;
    };
    let all: Vec<String> = values.to_vec();
    let lits: Vec<String> = match &rhs.kind {
        TExprKind::Lit(Value::Text(s)) => vec![s.to_string()],
        TExprKind::List(items) => items
            .iter()
            .map(|i| match &i.kind {
                TExprKind::Lit(Value::Text(s)) => Some(s.to_string()),
                _ => None,
            })
            .collect::<Option<Vec<_>>>()?,
        _ => return None,
    };
    use crate::plan::BinOp;
    let accepted = match op {
        BinOp::Eq | BinOp::In => lits.into_iter().filter(|l| all.contains(l)).collect(),
        BinOp::Ne | BinOp::NotIn => all.iter().filter(|v| !lits.contains(v)).cloned().collect(),
        _ => return None,
    };
    Some((col, accepted, all))
}
