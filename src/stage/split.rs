//! Splitting a file's text into records and fields without the csv crate,
//! for files whose quotes are all where RFC 4180 puts them.
//!
//! Input: decoded text (valid UTF-8) after the header, its delimiter and
//! first physical line. Output: records as the csv crate (flexible, `"`
//! quotes, CR, LF or CRLF ends a record) reads them: the same fields, the
//! same physical lines, the same blank lines skipped. Fields are slices of
//! the text, so they need no second UTF-8 check; only a quoted field with
//! doubled quotes is copied.
//! Invariants: used only when [`quotes_regular`] holds for the whole text
//! (every `"` opens a field, is doubled inside one, or closes one before a
//! delimiter, a line break or the end); anything else is read by the csv
//! crate, which alone knows what it makes of a stray quote. The tests
//! compare the two readers on generated text.

/// Whether every `"` of `body` is where RFC 4180 puts quotes: opening a
/// field (at the start, after a delimiter or a `\n`), doubled inside a
/// quoted field, or closing one before a delimiter, a `\r`, a `\n` or the
/// end; and no quoted field is left open.
pub(crate) fn quotes_regular(body: &[u8], delimiter: u8) -> bool {
    let mut inside = false;
    let mut at = 0;
    while let Some(i) = memchr::memchr(b'"', &body[at..]) {
        let q = at + i;
        if !inside {
            let prev = q.checked_sub(1).map(|p| body[p]);
            if !matches!(prev, None | Some(b'\n')) && prev != Some(delimiter) {
                return false;
            }
            inside = true;
            at = q + 1;
            continue;
        }
        match body.get(q + 1).copied() {
            Some(b'"') => at = q + 2,
            None | Some(b'\r' | b'\n') => {
                inside = false;
                at = q + 1;
            }
            Some(c) if c == delimiter => {
                inside = false;
                at = q + 1;
            }
            Some(_) => return false,
        }
    }
    !inside
}

/// Byte classes of the field scanner.
const PLAIN: u8 = 0;
const DELIM: u8 = 1;
const CR: u8 = 2;
const LF: u8 = 3;

/// One record's fields: byte ranges in the text, or (`OWNED` bit) in
/// `owned` for a quoted field that had doubled quotes.
#[derive(Debug, Default)]
pub(crate) struct Fields {
    ranges: Vec<(u32, u32)>,
    owned: String,
}

const OWNED: u32 = 1 << 31;

impl Fields {
    pub(crate) fn len(&self) -> usize {
        self.ranges.len()
    }

    /// Field `i` (empty when missing).
    pub(crate) fn get<'s>(&'s self, text: &'s str, i: usize) -> &'s str {
        let Some(&(a, b)) = self.ranges.get(i) else {
            return "";
        };
        if a & OWNED != 0 {
            let (a, b) = ((a & !OWNED) as usize, (b & !OWNED) as usize);
            self.owned.get(a..b).unwrap_or("")
        } else {
            text.get(a as usize..b as usize).unwrap_or("")
        }
    }

    /// Every field is empty.
    pub(crate) fn all_empty(&self) -> bool {
        self.ranges.iter().all(|&(a, b)| a == b)
    }
}

/// The record scanner over one stream of text.
pub(crate) struct Fast<'a> {
    text: &'a str,
    pos: usize,
    /// Physical line at `pos`.
    line: u64,
    class: [u8; 256],
    /// The last record's line has not ended yet (it ended in a lone `\r`,
    /// which csv ends a record on but which is no line break): the next
    /// `\n` ends that line, it is no blank line.
    open_line: bool,
    pub(crate) blank: u64,
    pub(crate) fields: Fields,
}

impl<'a> Fast<'a> {
    /// A scanner of `text`, which starts on physical line `line`;
    /// `after_newline`: the byte before `text` was a `\n` (not so after a
    /// header that csv ended at the `\r` of its CRLF).
    pub(crate) fn new(text: &'a str, delimiter: u8, line: u64, after_newline: bool) -> Fast<'a> {
        let mut class = [PLAIN; 256];
        class[usize::from(delimiter)] = DELIM;
        class[usize::from(b'\r')] = CR;
        class[usize::from(b'\n')] = LF;
        Fast {
            text,
            pos: 0,
            line,
            class,
            open_line: !after_newline,
            blank: 0,
            fields: Fields::default(),
        }
    }

    pub(crate) fn text(&self) -> &'a str {
        self.text
    }

    /// The next record that is not blank: its physical line, with its
    /// fields in [`Fast::fields`]; `None` at the end.
    pub(crate) fn next(&mut self) -> Option<u64> {
        let b = self.text.as_bytes();
        loop {
            // Line breaks between records: each `\n` is a blank line.
            while let Some(&c) = b.get(self.pos) {
                match c {
                    b'\n' => {
                        if !std::mem::take(&mut self.open_line) {
                            self.blank += 1;
                        }
                        self.line += 1;
                    }
                    b'\r' => {}
                    _ => break,
                }
                self.pos += 1;
            }
            if self.pos >= b.len() {
                return None;
            }
            let line = self.line;
            self.read_record(b);
            if self.fields.all_empty() {
                // A row of empty cells (`,,,`) counts as blank.
                self.blank += 1;
                continue;
            }
            return Some(line);
        }
    }

    /// Reads the fields of the record at `pos` and its terminator.
    fn read_record(&mut self, b: &[u8]) {
        self.fields.ranges.clear();
        self.fields.owned.clear();
        let mut at = self.pos;
        loop {
            let (start, end, next) = if b.get(at) == Some(&b'"') {
                self.quoted(b, at)
            } else {
                let mut i = at;
                while i < b.len() && self.class[usize::from(b[i])] == PLAIN {
                    i += 1;
                }
                (at as u32, i as u32, i)
            };
            self.fields.ranges.push((start, end));
            match b.get(next).map(|&c| self.class[usize::from(c)]) {
                Some(DELIM) => at = next + 1,
                Some(CR) => {
                    at = next + 1;
                    self.open_line = b.get(at) != Some(&b'\n');
                    if !self.open_line {
                        at += 1;
                        self.line += 1;
                    }
                    break;
                }
                Some(LF) => {
                    at = next + 1;
                    self.open_line = false;
                    self.line += 1;
                    break;
                }
                // The end of the text (with regular quotes nothing else
                // can follow a closing quote).
                _ => {
                    at = b.len();
                    self.open_line = true;
                    break;
                }
            }
        }
        self.pos = at;
    }

    /// A quoted field starting at `at` (its opening quote): the field's
    /// range and the position after the closing quote. Line breaks inside
    /// are counted.
    fn quoted(&mut self, b: &[u8], at: usize) -> (u32, u32, usize) {
        let start = at + 1;
        let mut i = start;
        let mut doubled = false;
        loop {
            match memchr::memchr2(b'"', b'\n', &b[i..]) {
                None => {
                    // Unterminated (not regular): the rest is the field.
                    return (start as u32, b.len() as u32, b.len());
                }
                Some(k) if b[i + k] == b'\n' => {
                    self.line += 1;
                    i += k + 1;
                }
                Some(k) => {
                    let q = i + k;
                    if b.get(q + 1) == Some(&b'"') {
                        doubled = true;
                        i = q + 2;
                        continue;
                    }
                    if !doubled {
                        return (start as u32, q as u32, q + 1);
                    }
                    let from = self.fields.owned.len();
                    let inner = self.text.get(start..q).unwrap_or("");
                    let mut parts = inner.split("\"\"");
                    if let Some(p) = parts.next() {
                        self.fields.owned.push_str(p);
                    }
                    for p in parts {
                        self.fields.owned.push('"');
                        self.fields.owned.push_str(p);
                    }
                    let to = self.fields.owned.len();
                    return (from as u32 | OWNED, to as u32 | OWNED, q + 1);
                }
            }
        }
    }
}
