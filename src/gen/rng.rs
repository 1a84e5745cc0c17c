//! Deterministic random streams for the generator.
//!
//! Input: the user's seed, a domain name (`"contacts.csv"`, `"rcpt"`) and an
//! index. Output: an independent PCG stream. Invariant: the same triple gives
//! the same numbers on every platform and every run; nothing here reads the
//! clock or the OS entropy pool. Uniform draws are our own (Lemire's
//! multiply-shift) so the bytes do not depend on a `rand` version's
//! distribution code.

use rand_pcg::rand_core::Rng as _;
use rand_pcg::Pcg64Mcg;

/// A seeded generator with the few draws the generator needs.
pub struct Rng(Pcg64Mcg);

/// SplitMix64 finaliser: spreads seed bits before they become PCG state.
fn mix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

fn fnv1a(s: &str) -> u64 {
    s.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

impl Rng {
    /// The stream for `(seed, domain, index)`.
    pub fn stream(seed: u64, domain: &str, index: u64) -> Rng {
        let a = mix(seed ^ mix(fnv1a(domain)));
        let b = mix(a ^ mix(index));
        let state = (u128::from(mix(b ^ 0x5851_F42D_4C95_7F2D)) << 64) | u128::from(b);
        Rng(Pcg64Mcg::new(state))
    }

    pub fn u64(&mut self) -> u64 {
        self.0.next_u64()
    }

    /// Uniform in `0..n` (0 when `n == 0`).
    pub fn below(&mut self, n: u64) -> u64 {
        ((u128::from(self.u64()) * u128::from(n)) >> 64) as u64
    }

    /// Uniform index into a slice of length `n`.
    pub fn index(&mut self, n: usize) -> usize {
        self.below(n as u64) as usize
    }

    /// Uniform in `lo..hi` (`lo` when the range is empty).
    pub fn range(&mut self, lo: i64, hi: i64) -> i64 {
        if hi <= lo {
            return lo;
        }
        lo + self.below((hi - lo) as u64) as i64
    }

    /// True with probability `per_mille / 1000`.
    pub fn chance(&mut self, per_mille: u32) -> bool {
        self.below(1000) < u64::from(per_mille)
    }

    pub fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.index(items.len())]
    }

    /// A random v4 UUID, lower-case hex with dashes, appended to `out`.
    pub fn uuid_into(&mut self, out: &mut Vec<u8>) {
        let hi = (self.u64() & 0xFFFF_FFFF_FFFF_0FFF) | 0x4000;
        let lo = (self.u64() & 0x3FFF_FFFF_FFFF_FFFF) | 0x8000_0000_0000_0000;
        let bytes = ((u128::from(hi) << 64) | u128::from(lo)).to_be_bytes();
        let mut text = [b'-'; 36];
        let mut at = 0;
        for (k, b) in bytes.iter().enumerate() {
            if matches!(k, 4 | 6 | 8 | 10) {
                at += 1;
            }
            text[at..at + 2].copy_from_slice(&HEX_PAIRS[*b as usize]);
            at += 2;
        }
        out.extend_from_slice(&text);
    }
}

/// `HEX_PAIRS[b]` is `b` as two lower-case hex digits.
static HEX_PAIRS: [[u8; 2]; 256] = {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut t = [[0u8; 2]; 256];
    let mut i = 0;
    while i < 256 {
        t[i] = [HEX[i >> 4], HEX[i & 15]];
        i += 1;
    }
    t
};

/// A step in `1..n` coprime with `n`, so `(start + i * step) % n` visits
/// distinct members of `0..n` for `i < n` without a set.
pub fn coprime_step(rng: &mut Rng, n: u64) -> u64 {
    if n <= 2 {
        return 1;
    }
    loop {
        let s = 1 + rng.below(n - 1);
        if gcd(s, n) == 1 {
            return s;
        }
    }
}

fn gcd(mut a: u64, mut b: u64) -> u64 {
    while b != 0 {
        (a, b) = (b, a % b);
    }
    a
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn streams_are_reproducible_and_distinct() {
        let a: Vec<u64> = (0..4).map(|_| Rng::stream(7, "x", 1).u64()).collect();
        assert!(a.windows(2).all(|w| w[0] == w[1]));
        assert_ne!(Rng::stream(7, "x", 1).u64(), Rng::stream(7, "x", 2).u64());
        assert_ne!(Rng::stream(7, "x", 1).u64(), Rng::stream(8, "x", 1).u64());
        assert_ne!(Rng::stream(7, "x", 1).u64(), Rng::stream(7, "y", 1).u64());
    }

    #[test]
    fn below_stays_in_range_and_uuid_is_v4() {
        let mut r = Rng::stream(1, "t", 0);
        assert!((0..1000).all(|_| r.below(7) < 7));
        let mut u = Vec::new();
        r.uuid_into(&mut u);
        let s = String::from_utf8(u).unwrap();
        assert_eq!(s.len(), 36);
        assert_eq!(&s[14..15], "4");
        assert!(matches!(&s[19..20], "8" | "9" | "a" | "b"), "{s}");
    }

    #[test]
    fn coprime_walk_visits_distinct_members() {
        let mut r = Rng::stream(3, "t", 0);
        for n in [1u64, 2, 3, 10, 97, 200] {
            let step = coprime_step(&mut r, n);
            let mut seen: Vec<u64> = (0..n).map(|i| (5 + i * step) % n).collect();
            seen.sort_unstable();
            seen.dedup();
            assert_eq!(seen.len() as u64, n);
        }
    }
}
