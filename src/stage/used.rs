//! Which staged columns a plan can read.
//!
//! Input: a [`Plan`]. Output: per source object, a flag per column: true
//! when some expression of the plan (routes, splits, merges, references,
//! `source` rules) reads it, or when it is a primary key or relation column.
//! `ferry run` stages only those (plus the required columns, which decide
//! whether a row is rejected), so wide files cost what the spec uses.
//! Invariants: an over-approximation: a column is left out only when no
//! expression can reach it; an expression whose records' object is not
//! known from its type makes every column of every object used.

use crate::plan::{KeepPlan, Plan, SplitOtherwise, TExpr, TExprKind, TargetPlan, Ty, UnitKind};

/// `used[object][column]`.
pub struct Used {
    pub columns: Vec<Vec<bool>>,
}

impl Used {
    /// Every column of every object.
    pub fn all(plan: &Plan) -> Used {
        Used {
            columns: plan
                .sources
                .iter()
                .map(|s| vec![true; s.columns.len()])
                .collect(),
        }
    }

    /// The columns `plan` can read.
    pub fn of(plan: &Plan) -> Used {
        let mut w = Walker {
            used: plan
                .sources
                .iter()
                .map(|s| vec![false; s.columns.len()])
                .collect(),
            unknown: false,
            plan,
        };
        for (o, s) in plan.sources.iter().enumerate() {
            for &c in &s.primary_key {
                w.mark(o as u32, c);
            }
            let o = o as u32;
            if let Some(f) = &s.filter {
                w.expr(f, o);
            }
            if let Some(d) = &s.dedupe {
                for e in &d.by {
                    w.expr(e, o);
                }
                if let KeepPlan::Latest(e) | KeepPlan::Earliest(e) = &d.keep {
                    w.expr(e, o);
                }
            }
        }
        for r in &plan.relations {
            for c in r.references() {
                w.mark(c.child.0, c.child.1);
                w.mark(c.parent.0, c.parent.1);
                if let Some((col, _)) = c.filter {
                    w.mark(c.child.0, *col);
                }
            }
        }
        for u in &plan.units {
            let o = u.source;
            if let Some(f) = &u.filter {
                w.expr(f, o);
            }
            match &u.kind {
                UnitKind::Route { targets } => targets.iter().for_each(|t| w.target(t, o)),
                UnitKind::Split { arms, otherwise } => {
                    for (cond, t) in arms {
                        w.expr(cond, o);
                        w.target(t, o);
                    }
                    if let Some(SplitOtherwise::Target(t)) = otherwise {
                        w.target(t, o);
                    }
                }
                UnitKind::Merge { by, target } => {
                    by.iter().for_each(|e| w.expr(e, o));
                    w.target(target, o);
                }
            }
        }
        for r in &plan.references {
            if let Some(f) = &r.filter {
                w.expr(f, r.source);
            }
            for (_, e) in &r.fields {
                w.expr(e, r.source);
            }
        }
        if w.unknown {
            return Used::all(plan);
        }
        Used { columns: w.used }
    }
}

struct Walker<'p> {
    used: Vec<Vec<bool>>,
    /// An expression reads records of an object its type does not name.
    unknown: bool,
    plan: &'p Plan,
}

/// The object of the records an expression gives, from its type.
fn records_of(ty: &Ty) -> Option<u32> {
    match ty {
        Ty::Record { object } => Some(*object),
        Ty::List { item } => records_of(item),
        _ => None,
    }
}

impl Walker<'_> {
    fn mark(&mut self, object: u32, column: u32) {
        match self
            .used
            .get_mut(object as usize)
            .and_then(|c| c.get_mut(column as usize))
        {
            Some(flag) => *flag = true,
            None => self.unknown = true,
        }
    }

    fn target(&mut self, t: &TargetPlan, o: u32) {
        self.expr(&t.key.expr, o);
        for f in t.fields.iter().chain(&t.deferred) {
            self.expr(&f.expr, o);
        }
    }

    /// Walks `e` evaluated against records of object `o`.
    fn expr(&mut self, e: &TExpr, o: u32) {
        use TExprKind as K;
        match &e.kind {
            K::Column(c) => self.mark(o, *c),
            K::Nav { rel, then } => match self.plan.relations.get(*rel as usize) {
                Some(r) => {
                    if let Some(t) = then {
                        self.expr(t, r.to);
                    }
                }
                None => self.unknown = true,
            },
            K::Filter { list, cond: inner } | K::Map { list, then: inner } => {
                self.expr(list, o);
                match records_of(&list.ty) {
                    Some(element) => self.expr(inner, element),
                    None => self.unknown = true,
                }
            }
            K::Members(inner) => self.expr(inner, o),
            K::List(items) => items.iter().for_each(|i| self.expr(i, o)),
            K::Call { args, .. } => args.iter().for_each(|a| self.expr(a, o)),
            K::Agg {
                list, by, extra, ..
            } => {
                self.expr(list, o);
                if let Some(b) = by {
                    self.expr(b, o);
                }
                extra.iter().for_each(|x| self.expr(x, o));
            }
            K::ValueMap { key, .. } | K::Table { key, .. } => self.expr(key, o),
            K::Not(x) | K::Neg(x) | K::Owner(x) => self.expr(x, o),
            K::Binary { lhs, rhs, .. } | K::Coalesce(lhs, rhs) => {
                self.expr(lhs, o);
                self.expr(rhs, o);
            }
            K::If {
                cond,
                then,
                otherwise,
            } => {
                self.expr(cond, o);
                self.expr(then, o);
                self.expr(otherwise, o);
            }
            K::Lit(_)
            | K::GroupKey(_)
            | K::Produced(_)
            | K::Clear
            | K::Skip(_)
            | K::Flag(_)
            | K::Placeholder(_)
            | K::TakenAt => {}
        }
    }
}
