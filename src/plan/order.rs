//! Load order: a topological order of destination objects by reference.
//!
//! Input: destination objects in spec order and "A must exist before B"
//! edges (a lookup on B to records that land in A). Output: the objects in
//! load order, or the objects of a cycle. Self-edges are not dependencies:
//! the caller turns them into deferred update passes.

use indexmap::IndexSet;
use std::cmp::Reverse;
use std::collections::BinaryHeap;

/// Insertion-ordered names; order never depends on the hasher, so the fast one will do.
type Names<'a> = IndexSet<&'a str, foldhash::fast::FixedState>;

/// Orders `objects` so every object comes after the objects it references.
/// Ties keep spec order, so the result is deterministic (Kahn's algorithm
/// with the ready set ordered by first appearance).
/// `Err` carries one cycle, as the objects in reference order.
pub fn topological(
    objects: &[String],
    edges: &[(String, String)],
) -> Result<Vec<String>, Vec<String>> {
    // Position of each object: spec order first, then objects only edges name.
    let mut index: Names<'_> = objects.iter().map(String::as_str).collect();
    let ids: Vec<(usize, usize)> = edges
        .iter()
        .map(|(a, b)| (index.insert_full(a).0, index.insert_full(b).0))
        .collect();
    let name = |i: usize| {
        index
            .get_index(i)
            .map(|k| k.to_string())
            .unwrap_or_default()
    };
    match topological_ids(index.len(), &ids) {
        Ok(order) => Ok(order.into_iter().map(name).collect()),
        Err(cycle) => Err(cycle.into_iter().map(name).collect()),
    }
}

/// [`topological`] over objects `0..n` (in spec order) and "`a` before `b`"
/// edges between them.
pub fn topological_ids(n: usize, edges: &[(usize, usize)]) -> Result<Vec<usize>, Vec<usize>> {
    // Each dependency once, in first-seen order; self-edges are not dependencies.
    let mut seen: foldhash::HashSet<(usize, usize)> = foldhash::HashSet::default();
    let deps: Vec<(usize, usize)> = edges
        .iter()
        .copied()
        .filter(|&(d, o)| d != o && d < n && o < n && seen.insert((d, o)))
        .collect();
    // Objects that must wait for each object, as slices of one array.
    let mut start = vec![0usize; n + 1];
    for &(d, _) in &deps {
        start[d + 1] += 1;
    }
    for i in 0..n {
        start[i + 1] += start[i];
    }
    let mut fill = start.clone();
    let mut after = vec![0usize; deps.len()];
    let mut waiting = vec![0usize; n];
    for &(d, o) in &deps {
        after[fill[d]] = o;
        fill[d] += 1;
        waiting[o] += 1;
    }
    let mut ready: BinaryHeap<Reverse<usize>> =
        (0..n).filter(|&i| waiting[i] == 0).map(Reverse).collect();
    let mut order = Vec::with_capacity(n);
    while let Some(Reverse(next)) = ready.pop() {
        order.push(next);
        for &o in &after[start[next]..start[next + 1]] {
            waiting[o] -= 1;
            if waiting[o] == 0 {
                ready.push(Reverse(o));
            }
        }
    }
    if order.len() == n {
        return Ok(order);
    }
    // Walk "depends on" edges among the unordered objects until one repeats.
    let mut done = vec![false; n];
    for &i in &order {
        done[i] = true;
    }
    let before = |o: usize| deps.iter().filter(move |e| e.1 == o).map(|e| e.0);
    let start = (0..n).find(|&i| !done[i]).unwrap_or(0);
    let mut path = vec![start];
    loop {
        let cur = path[path.len() - 1];
        let Some(next) = before(cur).find(|&d| !done[d]) else {
            return Err(path);
        };
        if let Some(p) = path.iter().position(|&x| x == next) {
            let mut cycle = path[p..].to_vec();
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
