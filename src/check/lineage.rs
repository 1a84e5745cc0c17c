//! Lineage: where a destination field's value comes from (`contacts.email`,
//! `lower`, `values status_map`), noted while an expression is inferred.
//!
//! Input: the parts of one entry. Output: the entry appended to a field's
//! list once. Invariant: each text is allocated once per check and shared
//! (`Arc<str>`) by every field that names it.

use std::sync::Arc;

/// `a`, `b` and `c` joined into one string of exactly their length.
pub(super) fn concat3(a: &str, b: &str, c: &str) -> String {
    let mut s = String::with_capacity(a.len() + b.len() + c.len());
    s.push_str(a);
    s.push_str(b);
    s.push_str(c);
    s
}

/// Adds the lineage entry `a` `b` `c` to `list` unless it is there.
pub(super) fn note(list: &mut Vec<Arc<str>>, texts: &mut Texts, a: &str, b: &str, c: &str) {
    let len = a.len() + b.len() + c.len();
    let present = list.iter().any(|x| {
        x.len() == len && x.starts_with(a) && x[a.len()..].starts_with(b) && x.ends_with(c)
    });
    if !present {
        list.push(texts.get(a, b, c));
    }
}

/// Lineage texts of one check, each allocated once: every field that reads
/// `contacts.email` shares one `Arc`.
#[derive(Default)]
pub struct Texts {
    set: foldhash::HashSet<Arc<str>>,
    scratch: String,
}

impl Texts {
    /// The text `a` `b` `c`.
    pub fn get(&mut self, a: &str, b: &str, c: &str) -> Arc<str> {
        self.scratch.clear();
        self.scratch.push_str(a);
        self.scratch.push_str(b);
        self.scratch.push_str(c);
        if let Some(t) = self.set.get(self.scratch.as_str()) {
            return Arc::clone(t);
        }
        let t: Arc<str> = Arc::from(self.scratch.as_str());
        self.set.insert(Arc::clone(&t));
        t
    }
}
