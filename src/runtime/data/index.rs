//! Hash-only key indexes: key text → rows, storing no key text.
//!
//! Input: (key text, key row, result row) triples in file order, and a test
//! telling whether a key row's cell holds a given key. Output: a
//! [`KeyIndex`] answering "which result rows have this key", in file order.
//!
//! An index stores per distinct key a 32-bit hash tag and a row number,
//! never the key itself: a hit is confirmed by comparing the key with the
//! cell of its key row (which the caller usually reads next anyway), so a
//! million-key index is one 8-byte slot per key and a lookup touches one
//! slot, not a hashed string, a boxed key and a row list. Open addressing
//! with linear probing; at most half the slots are used. The slot of a
//! key is a function of its tag alone, so the table can grow without the
//! keys.
//!
//! Invariants: a lookup never answers rows of another key (tags only
//! select candidates; every candidate is confirmed by the caller's test);
//! rows of one key keep the order they were added in; a key with one row
//! whose key row is its result (a column's own index) costs no group.

use std::hash::BuildHasher;

/// The hash of a key text (the same in every index and every run).
pub(crate) fn hash_key(key: &str) -> u64 {
    foldhash::fast::FixedState::default().hash_one(key)
}

/// `entry` with this bit set is a group (index into `groups`); otherwise it
/// is a row that is both the key row and the only result.
const GROUP: u32 = 1 << 31;
const EMPTY: u32 = u32::MAX;

#[derive(Clone, Copy, Debug)]
struct Slot {
    tag: u32,
    entry: u32,
}

/// Several results, or a result that is not its own key row (a link).
#[derive(Clone, Copy, Debug)]
struct Group {
    /// The row whose key cell holds the key.
    key_row: u32,
    /// The only result while `len == 1`, else the first in `rows`.
    start: u32,
    len: u32,
}

/// Result rows by key; see the module header.
#[derive(Debug)]
pub(crate) struct KeyIndex {
    hash: fn(&str) -> u64,
    mask: usize,
    slots: Vec<Slot>,
    groups: Vec<Group>,
    rows: Vec<u32>,
}

impl Default for KeyIndex {
    fn default() -> KeyIndex {
        KeyIndexBuilder::new(0).finish()
    }
}

impl KeyIndex {
    /// The result rows of `key` (empty when none); `is_key(row)` tells
    /// whether key row `row` holds `key`.
    #[inline]
    pub(crate) fn get(&self, key: &str, mut is_key: impl FnMut(u32) -> bool) -> &[u32] {
        let tag = (self.hash)(key) as u32;
        let mut at = tag as usize & self.mask;
        loop {
            let slot = &self.slots[at];
            if slot.entry == EMPTY {
                return &[];
            }
            if slot.tag == tag {
                if slot.entry & GROUP == 0 {
                    if is_key(slot.entry) {
                        return std::slice::from_ref(&slot.entry);
                    }
                } else {
                    let g = &self.groups[(slot.entry & !GROUP) as usize];
                    if is_key(g.key_row) {
                        return self.results(g);
                    }
                }
            }
            at = (at + 1) & self.mask;
        }
    }

    fn results<'a>(&'a self, g: &'a Group) -> &'a [u32] {
        if g.len == 1 {
            std::slice::from_ref(&g.start)
        } else {
            &self.rows[g.start as usize..(g.start + g.len) as usize]
        }
    }

    /// The result rows of every key with more than one (each key's rows in
    /// the order added; the keys in no order a caller should rely on).
    pub(crate) fn repeated(&self) -> impl Iterator<Item = &[u32]> {
        self.groups
            .iter()
            .filter(|g| g.len > 1)
            .map(|g| self.results(g))
    }
}

/// Builds a [`KeyIndex`]; rows are added in file order.
pub(crate) struct KeyIndexBuilder {
    index: KeyIndex,
    /// Slots in use.
    used: usize,
    /// (group, row) for results after a group's first, in order added.
    more: Vec<(u32, u32)>,
}

impl KeyIndexBuilder {
    /// For about `keys` distinct keys (the table grows past that).
    pub(crate) fn new(keys: usize) -> KeyIndexBuilder {
        KeyIndexBuilder::with_hash(keys, hash_key)
    }

    /// With another hash function (tests force collisions with it).
    pub(crate) fn with_hash(keys: usize, hash: fn(&str) -> u64) -> KeyIndexBuilder {
        KeyIndexBuilder {
            index: KeyIndex {
                hash,
                mask: 0,
                slots: empty_slots(capacity(keys)),
                groups: Vec::new(),
                rows: Vec::new(),
            },
            used: 0,
            more: Vec::new(),
        }
        .masked()
    }

    fn masked(mut self) -> KeyIndexBuilder {
        self.index.mask = self.index.slots.len() - 1;
        self
    }

    /// Doubles the table: slots move by their tags, keys are not needed.
    fn grow(&mut self) {
        let old = std::mem::replace(
            &mut self.index.slots,
            empty_slots(capacity(self.used.saturating_mul(2))),
        );
        self.index.mask = self.index.slots.len() - 1;
        for s in old.into_iter().filter(|s| s.entry != EMPTY) {
            let mut at = s.tag as usize & self.index.mask;
            while self.index.slots[at].entry != EMPTY {
                at = (at + 1) & self.index.mask;
            }
            self.index.slots[at] = s;
        }
    }

    /// Adds `result` under `key`, whose text is in the cell of `key_row`
    /// (`is_key(row)`: does key row `row` hold `key`). With `many` false a
    /// key keeps its first result and later ones are ignored. Returns
    /// whether `key` was new.
    pub(crate) fn add(
        &mut self,
        key: &str,
        key_row: u32,
        result: u32,
        many: bool,
        mut is_key: impl FnMut(u32) -> bool,
    ) -> bool {
        if (self.used + 1) * 2 > self.index.slots.len() {
            self.grow();
        }
        let tag = (self.index.hash)(key) as u32;
        let at = match self.find(tag, &mut is_key) {
            Err(empty) => empty,
            Ok(_) if !many => return false,
            Ok(at) => {
                let ix = &mut self.index;
                let entry = ix.slots[at].entry;
                let g = if entry & GROUP != 0 {
                    entry & !GROUP
                } else {
                    // A column's key seen again: it becomes a group.
                    let g = ix.groups.len() as u32;
                    ix.groups.push(Group {
                        key_row: entry,
                        start: entry,
                        len: 1,
                    });
                    ix.slots[at].entry = g | GROUP;
                    g
                };
                ix.groups[g as usize].len += 1;
                self.more.push((g, result));
                return false;
            }
        };
        let ix = &mut self.index;
        // Rows at or past bit 31 (two billion) always go through a group.
        let entry = if key_row == result && key_row & GROUP == 0 {
            key_row
        } else {
            let g = ix.groups.len() as u32;
            ix.groups.push(Group {
                key_row,
                start: result,
                len: 1,
            });
            g | GROUP
        };
        ix.slots[at] = Slot { tag, entry };
        self.used += 1;
        true
    }

    /// Whether `key` was added (`is_key` as for [`KeyIndexBuilder::add`]).
    pub(crate) fn contains(&self, key: &str, mut is_key: impl FnMut(u32) -> bool) -> bool {
        self.find((self.index.hash)(key) as u32, &mut is_key)
            .is_ok()
    }

    /// The slot of the key with `tag` that `is_key` confirms, or the empty
    /// slot where it would go.
    fn find(&self, tag: u32, is_key: &mut impl FnMut(u32) -> bool) -> Result<usize, usize> {
        let ix = &self.index;
        let mut at = tag as usize & ix.mask;
        loop {
            let slot = ix.slots[at];
            if slot.entry == EMPTY {
                return Err(at);
            }
            if slot.tag == tag {
                let owner = if slot.entry & GROUP != 0 {
                    ix.groups[(slot.entry & !GROUP) as usize].key_row
                } else {
                    slot.entry
                };
                if is_key(owner) {
                    return Ok(at);
                }
            }
            at = (at + 1) & ix.mask;
        }
    }

    /// Lays out the rows of keys with several: a counting sort by group,
    /// stable, so each key's rows stay in the order they were added.
    pub(crate) fn finish(self) -> KeyIndex {
        let KeyIndexBuilder {
            mut index, more, ..
        } = self;
        let mut next = vec![0u32; index.groups.len()];
        let mut total = 0u32;
        for (g, n) in index.groups.iter_mut().zip(&mut next) {
            if g.len > 1 {
                let first = g.start;
                g.start = total;
                *n = total + 1;
                total += g.len;
                // The first row goes first; `next` is where the second goes.
                index.rows.push(first);
                index.rows.resize(total as usize, 0);
            }
        }
        for (g, row) in more {
            let at = &mut next[g as usize];
            index.rows[*at as usize] = row;
            *at += 1;
        }
        index
    }
}

/// Slots for `keys` keys at a load of at most one half.
fn capacity(keys: usize) -> usize {
    keys.saturating_mul(2)
        .max(16)
        .checked_next_power_of_two()
        .unwrap_or(usize::MAX / 2 + 1)
}

fn empty_slots(n: usize) -> Vec<Slot> {
    vec![
        Slot {
            tag: 0,
            entry: EMPTY,
        };
        n
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    /// Builds an index of `keys` (one per row; `None`: no key) the way a
    /// column index is built, and checks every lookup against a plain map.
    fn check_column(keys: &[Option<String>], hash: fn(&str) -> u64, hint: usize) {
        let mut b = KeyIndexBuilder::with_hash(hint, hash);
        let mut want: HashMap<&str, Vec<u32>> = HashMap::new();
        for (row, k) in keys.iter().enumerate() {
            let Some(k) = k else { continue };
            let row = row as u32;
            let new = b.add(k, row, row, true, |r| {
                keys[r as usize].as_deref() == Some(k)
            });
            assert_eq!(new, !want.contains_key(k.as_str()), "{k}");
            want.entry(k).or_default().push(row);
        }
        let ix = b.finish();
        for (k, rows) in &want {
            let got = ix.get(k, |r| keys[r as usize].as_deref() == Some(*k));
            assert_eq!(got, &rows[..], "{k}");
        }
        // Keys never added find nothing, whatever their hash.
        for i in 0..200 {
            let k = format!("absent-{i}");
            assert!(ix
                .get(&k, |r| keys[r as usize].as_deref() == Some(&k))
                .is_empty());
        }
        let mut repeated: Vec<Vec<u32>> = ix.repeated().map(<[u32]>::to_vec).collect();
        let mut want_repeated: Vec<Vec<u32>> =
            want.values().filter(|r| r.len() > 1).cloned().collect();
        repeated.sort();
        want_repeated.sort();
        assert_eq!(repeated, want_repeated);
    }

    fn keys(n: usize) -> Vec<Option<String>> {
        (0..n)
            .map(|i| match i % 7 {
                0 => None,
                // Repeats, some far apart.
                1 | 2 => Some(format!("k{}", i % 50)),
                _ => Some(format!("{}", 4_812_000 + i)),
            })
            .collect()
    }

    #[test]
    fn every_key_finds_its_rows_in_order() {
        check_column(&keys(5000), hash_key, 5000);
    }

    #[test]
    fn colliding_hashes_never_match_another_key() {
        // Every key has the same hash: only the confirmation tells them apart.
        check_column(&keys(1500), |_| 0, 1500);
        // Tags equal in the bits that pick the slot, different above.
        check_column(&keys(3000), |k| (k.len() as u64) << 20, 3000);
        // Same tag, different high half (ignored by the index).
        check_column(&keys(1500), |k| (k.len() as u64) << 40, 1500);
    }

    #[test]
    fn the_table_grows_past_its_hint() {
        check_column(&keys(20_000), hash_key, 0);
        check_column(&keys(2000), |k| k.len() as u64 % 3, 1);
    }

    #[test]
    fn links_keep_key_rows_apart_from_results() {
        // Link rows (key row) → target rows (results); a to-one link keeps the first.
        let link_keys = ["a", "b", "a", "c", "b"];
        let targets = [10, 11, 12, 13, 14];
        fn is(k: &'static str) -> impl Fn(u32) -> bool {
            move |r| ["a", "b", "a", "c", "b"][r as usize] == k
        }
        for many in [false, true] {
            let mut b = KeyIndexBuilder::with_hash(2, |_| 7);
            for (row, k) in link_keys.iter().enumerate() {
                let row = row as u32;
                if !many && b.contains(k, is(k)) {
                    continue;
                }
                b.add(k, row, targets[row as usize], many, is(k));
            }
            let ix = b.finish();
            let want: &[&[u32]] = if many {
                &[&[10, 12], &[11, 14], &[13]]
            } else {
                &[&[10], &[11], &[13]]
            };
            for (k, rows) in ["a", "b", "c"].into_iter().zip(want) {
                assert_eq!(ix.get(k, is(k)), *rows, "{k} many={many}");
            }
            assert!(ix.get("d", is("d")).is_empty());
        }
    }

    #[test]
    fn an_empty_index_finds_nothing() {
        let ix = KeyIndex::default();
        assert!(ix.get("x", |_| true).is_empty());
        assert_eq!(ix.repeated().count(), 0);
    }
}
