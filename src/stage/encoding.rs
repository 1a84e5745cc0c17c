//! Choosing between UTF-8 and Windows-1252 for a file that is not valid UTF-8.
//!
//! Input: the bytes of a file (BOM already removed) that failed
//! `std::str::from_utf8` (valid files never come here: that check is the
//! fast path). Output: an [`Evidence`] tally over the whole file — valid
//! multi-byte UTF-8 sequences, invalid sequences and the lines they are on
//! — and the [`Evidence::is_utf8`] verdict.
//! Invariants: one pass over the file, no allocation per byte; an invalid
//! sequence is what `String::from_utf8_lossy` replaces by one U+FFFD, so
//! `invalid` is exactly the number of replacement characters the lossy
//! decoding adds. The verdict never depends on where in the file the
//! first bad byte is (an early stray Latin-1 byte must not turn every
//! later `ø` into `Ã¸`).

/// What the bytes of a file that is not valid UTF-8 say about its encoding.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Evidence {
    /// Valid UTF-8 sequences of two to four bytes (`ø` = C3 B8 counts once).
    pub valid_multi: usize,
    /// The first line with one, when there is one.
    pub first_valid_line: Option<u64>,
    /// Invalid sequences (each becomes one U+FFFD when read as UTF-8).
    pub invalid: usize,
    /// The 1-based physical lines with an invalid sequence, ascending, once each.
    pub invalid_lines: Vec<u64>,
}

impl Evidence {
    /// Tallies the whole of `bytes`.
    pub fn of(bytes: &[u8]) -> Evidence {
        let mut ev = Evidence::default();
        let mut line = 1u64;
        // std's chunks: a valid run, then one maximal invalid sequence (the
        // unit `from_utf8_lossy` replaces by one U+FFFD).
        for chunk in bytes.utf8_chunks() {
            let valid = chunk.valid().as_bytes();
            if let Some(at) = valid.iter().position(|&b| b >= 0xC0) {
                ev.first_valid_line.get_or_insert_with(|| {
                    line + memchr::memchr_iter(b'\n', &valid[..at]).count() as u64
                });
                ev.valid_multi += valid[at..].iter().filter(|&&b| b >= 0xC0).count();
            }
            line += memchr::memchr_iter(b'\n', valid).count() as u64;
            let bad = chunk.invalid();
            if bad.is_empty() {
                continue;
            }
            ev.invalid += 1;
            if ev.invalid_lines.last() != Some(&line) {
                ev.invalid_lines.push(line);
            }
            line += memchr::memchr_iter(b'\n', bad).count() as u64;
        }
        ev
    }

    /// UTF-8 when valid multi-byte sequences are at least as many as the
    /// invalid ones. A Windows-1252 file almost never holds a valid UTF-8
    /// sequence (that needs a capital accented letter followed by a symbol
    /// such as `€` or `–`), while each of its `æ`, `ø`, `å` is invalid; a
    /// UTF-8 file with a few stray bytes has its letters mostly valid. On a
    /// tie UTF-8 wins, because that reading shows and reports every
    /// replaced byte, while reading valid UTF-8 as Windows-1252 garbles
    /// letters (`ø` → `Ã¸`) with nothing to point at.
    pub fn is_utf8(&self) -> bool {
        self.valid_multi > 0 && self.valid_multi >= self.invalid
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_stray_byte_before_many_valid_letters_is_utf8() {
        let mut bytes = b"id,name\n1,L\xE9ne\n".to_vec();
        for i in 0..5 {
            bytes.extend_from_slice(format!("{i},Gr\u{f8}nb\u{e6}k\n").as_bytes());
        }
        let ev = Evidence::of(&bytes);
        assert_eq!((ev.valid_multi, ev.invalid), (10, 1));
        assert_eq!(ev.invalid_lines, vec![2]);
        assert_eq!(ev.first_valid_line, Some(3));
        assert!(ev.is_utf8());
    }

    #[test]
    fn legacy_text_is_not_utf8() {
        let ev = Evidence::of(b"name;city\r\nS\xF8ren;\xC5rhus\r\nM\xE6tte;K\xF8ge\r\n");
        assert_eq!((ev.valid_multi, ev.invalid), (0, 4));
        assert_eq!(ev.invalid_lines, vec![2, 3]);
        assert!(!ev.is_utf8());
        // A stray sequence that happens to be valid UTF-8 does not outvote the rest.
        let ev = Evidence::of(b"a\n\xC3\xB8\nS\xF8ren\n\xC5rhus\n");
        assert_eq!((ev.valid_multi, ev.invalid), (1, 2));
        assert!(!ev.is_utf8());
    }

    #[test]
    fn invalid_sequences_match_the_lossy_replacements() {
        let bytes = b"x\n\xF0\x9F\nab\xC3\n\xFF\xFEz\n\xE2\x82\xAC";
        let ev = Evidence::of(bytes);
        let lossy = String::from_utf8_lossy(bytes);
        assert_eq!(ev.invalid, lossy.matches('\u{fffd}').count());
        assert_eq!(ev.invalid_lines, vec![2, 3, 4]);
        assert_eq!(ev.valid_multi, 1);
    }
}
