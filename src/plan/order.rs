//! Load order: a topological order of destination objects by reference.
//!
//! Input: destination objects in spec order and "A must exist before B"
//! edges (a lookup on B to records that land in A). Output: the objects in
//! load order, or the objects of a cycle. Self-edges are not dependencies:
//! the caller turns them into deferred update passes.

use indexmap::{IndexMap, IndexSet};

/// Orders `objects` so every object comes after the objects it references.
/// Ties keep spec order, so the result is deterministic.
/// `Err` carries one cycle, as the objects in reference order.
pub fn topological(
    objects: &[String],
    edges: &[(String, String)],
) -> Result<Vec<String>, Vec<String>> {
    // before[x] = objects that must be loaded before x
    let mut before: IndexMap<&str, IndexSet<&str>> =
        objects.iter().map(|o| (o.as_str(), IndexSet::new())).collect();
    for (dep, obj) in edges {
        if dep != obj {
            before.entry(obj.as_str()).or_default().insert(dep.as_str());
            before.entry(dep.as_str()).or_default();
        }
    }
    let mut done: IndexSet<&str> = IndexSet::new();
    while done.len() < before.len() {
        let next = before
            .iter()
            .find(|(o, deps)| !done.contains(*o) && deps.iter().all(|d| done.contains(d)))
            .map(|(o, _)| *o);
        match next {
            Some(o) => {
                done.insert(o);
            }
            None => return Err(find_cycle(&before, &done)),
        }
    }
    Ok(done.into_iter().map(str::to_string).collect())
}

fn find_cycle(before: &IndexMap<&str, IndexSet<&str>>, done: &IndexSet<&str>) -> Vec<String> {
    // Walk "depends on" edges among the remaining objects until one repeats.
    let Some(start) = before.keys().find(|o| !done.contains(*o)) else {
        return Vec::new();
    };
    let mut path: Vec<&str> = vec![start];
    loop {
        let cur = path[path.len() - 1];
        let next = before[cur].iter().find(|d| !done.contains(*d)).copied();
        let Some(next) = next else { return path.iter().map(|s| s.to_string()).collect() };
        if let Some(pos) = path.iter().position(|p| *p == next) {
            let mut cycle: Vec<String> = path[pos..].iter().map(|s| s.to_string()).collect();
            cycle.reverse();
            return cycle;
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
        v.iter().map(|(a, b)| (a.to_string(), b.to_string())).collect()
    }

    #[test]
    fn dependencies_come_first_and_ties_keep_spec_order() {
        let order = topological(
            &s(&["Contact", "Account", "Task", "Course__c"]),
            &e(&[("Account", "Contact"), ("Contact", "Task"), ("Contact", "Contact")]),
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
}
