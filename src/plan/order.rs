//! Load order: a topological order of destination objects by reference.
//!
//! Input: destination objects in spec order and "A must exist before B"
//! edges (a lookup on B to records that land in A). Output: the objects in
//! load order, or the objects of a cycle. Self-edges are not dependencies:
//! the caller turns them into deferred update passes.

use indexmap::IndexSet;
use std::collections::BTreeSet;

/// Insertion-ordered sets; order never depends on the hasher, so the fast one will do.
type Set<T> = IndexSet<T, foldhash::fast::FixedState>;

/// Orders `objects` so every object comes after the objects it references.
/// Ties keep spec order, so the result is deterministic (Kahn's algorithm
/// with the ready set ordered by first appearance).
/// `Err` carries one cycle, as the objects in reference order.
pub fn topological(
    objects: &[String],
    edges: &[(String, String)],
) -> Result<Vec<String>, Vec<String>> {
    // Position of each object: spec order first, then objects only edges name.
    let mut index: Set<&str> = objects.iter().map(String::as_str).collect();
    for (a, b) in edges {
        index.insert(a.as_str());
        index.insert(b.as_str());
    }
    let n = index.len();
    let pos = |s: &str| index.get_index_of(s).expect("indexed above");
    let mut after: Vec<Set<usize>> = vec![Set::default(); n];
    let mut before: Vec<Set<usize>> = vec![Set::default(); n];
    for (dep, obj) in edges {
        let (d, o) = (pos(dep), pos(obj));
        if d != o && after[d].insert(o) {
            before[o].insert(d);
        }
    }
    let mut waiting: Vec<usize> = before.iter().map(Set::len).collect();
    let mut ready: BTreeSet<usize> = (0..n).filter(|&i| waiting[i] == 0).collect();
    let mut order = Vec::with_capacity(n);
    while let Some(next) = ready.pop_first() {
        order.push(next);
        for &o in &after[next] {
            waiting[o] -= 1;
            if waiting[o] == 0 {
                ready.insert(o);
            }
        }
    }
    let name = |i: usize| {
        index
            .get_index(i)
            .map(|k| k.to_string())
            .unwrap_or_default()
    };
    if order.len() == n {
        return Ok(order.into_iter().map(name).collect());
    }
    // Walk "depends on" edges among the unordered objects until one repeats.
    let done: BTreeSet<usize> = order.into_iter().collect();
    let start = (0..n).find(|i| !done.contains(i)).unwrap_or(0);
    let mut path = vec![start];
    loop {
        let cur = path[path.len() - 1];
        let Some(&next) = before[cur].iter().find(|d| !done.contains(*d)) else {
            return Err(path.into_iter().map(name).collect());
        };
        if let Some(p) = path.iter().position(|&x| x == next) {
            let mut cycle: Vec<String> = path[p..].iter().map(|&i| name(i)).collect();
            cycle.reverse();
            return Err(cycle);
        }
        path.push(next);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(v: &[&str]) -> Vec<String> {
        v.iter().map(|x| x.to_string()).collect()
    }

    fn e(v: &[(&str, &str)]) -> Vec<(String, String)> {
        v.iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect()
    }

    #[test]
    fn dependencies_come_first_and_ties_keep_spec_order() {
        let order = topological(
            &s(&["Contact", "Account", "Task", "Course__c"]),
            &e(&[
                ("Account", "Contact"),
                ("Contact", "Task"),
                ("Contact", "Contact"),
            ]),
        );
        assert_eq!(order, Ok(s(&["Account", "Contact", "Task", "Course__c"])));
    }

    #[test]
    fn a_cycle_names_every_object_in_it() {
        let err = topological(
            &s(&["A", "B", "C", "D"]),
            &e(&[("A", "B"), ("B", "C"), ("C", "A"), ("D", "A")]),
        )
        .unwrap_err();
        let mut sorted = err.clone();
        sorted.sort();
        assert_eq!(sorted, s(&["A", "B", "C"]));
    }

    #[test]
    fn large_chains_order_in_linear_time() {
        let objects: Vec<String> = (0..2000).map(|i| format!("O{i}")).collect();
        let edges: Vec<(String, String)> = (1..2000)
            .map(|i| (format!("O{i}"), format!("O{}", i - 1)))
            .collect();
        let order = topological(&objects, &edges).unwrap();
        assert_eq!(order.first().map(String::as_str), Some("O1999"));
        assert_eq!(order.last().map(String::as_str), Some("O0"));
    }
}
