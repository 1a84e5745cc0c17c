//! The targets of a unit, as one list, and how their payload ids differ.
//!
//! Input: a [`UnitKind`]. Output: its targets in the order the runtime
//! numbers them ([`crate::runtime::Emitted::target`]): a route's targets as
//! written, a split's arms then its `otherwise` target, a merge's target;
//! and a target's id suffix. Invariants: borrows only; the order is the one
//! the emitter's layout and the reports index by, so it must not change.

use super::{SplitOtherwise, TargetPlan, UnitKind};

impl UnitKind {
    /// Every target of the unit, in [`crate::runtime::Emitted::target`] order.
    pub fn targets(&self) -> Vec<&TargetPlan> {
        match self {
            UnitKind::Route { targets } => targets.iter().collect(),
            UnitKind::Merge { target, .. } => vec![target],
            UnitKind::Split { arms, otherwise } => {
                let mut out: Vec<&TargetPlan> = arms.iter().map(|(_, t)| t).collect();
                if let Some(SplitOtherwise::Target(t)) = otherwise {
                    out.push(t);
                }
                out
            }
        }
    }
}

impl TargetPlan {
    /// What follows `#` in the payload id of this target at `position` of
    /// its unit: its `id_suffix` if set, else nothing for the first target
    /// and the alias (or object) for later ones.
    pub fn id_suffix_at(&self, position: usize) -> Option<&str> {
        match (&self.id_suffix, position) {
            (Some(s), _) => Some(s.trim_start_matches('#')),
            (None, 0) => None,
            (None, _) => Some(self.alias.as_deref().unwrap_or(&self.object)),
        }
    }
}
