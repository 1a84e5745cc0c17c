//! Streaming the records of a decoded file: whole, or in parts cut at
//! line breaks outside quotes (one large file staged on several threads).
//!
//! Input: a [`CsvFile`]. Output: [`Records`] streams yielding each
//! [`Record`] with the physical line it starts on and its [`Shape`].
//! Invariants: files with regular quotes are split by [`Fast`], others by
//! the csv crate, with the same fields, lines and blank-line counts; a
//! quoted cell with line breaks is never cut; parts read in order give
//! exactly the records of the whole.

use super::{reader, CsvFile};
use crate::stage::split::{Fast, Fields};

impl CsvFile {
    /// Streams the records after the header.
    pub fn records(&self) -> Records<'_> {
        let after_newline = self.body > 0 && self.text.as_bytes()[self.body - 1] == b'\n';
        self.stream(self.body, self.text.len(), self.body_line, after_newline)
    }

    /// The records of `text[from..to]` (`from` starts a record on `line`).
    fn stream(&self, from: usize, to: usize, line: u64, after_newline: bool) -> Records<'_> {
        let bytes = &self.text.as_bytes()[from..to];
        let fast = match (self.regular, self.text.get(from..to)) {
            (true, Some(text)) => Some(Fast::new(text, self.delimiter, line, after_newline)),
            _ => None,
        };
        Records {
            rdr: reader(if fast.is_some() { &[] } else { bytes }, self.delimiter),
            rec: csv::ByteRecord::new(),
            text: bytes,
            at: 0,
            line,
            end: 0,
            end_after_newline: after_newline,
            width: self.width(),
            blank: 0,
            done: false,
            per_field: false,
            fast,
        }
    }

    /// The records in up to `parts` streams of about equal size, in file
    /// order, so one large file can be staged on several threads. A quoted
    /// cell with line breaks is never split: cuts are at line breaks outside
    /// quotes, found by following the quotes (cheap), or, when a quote is
    /// not where RFC 4180 puts quotes, by parsing. Line numbers stay physical.
    pub fn records_split(&self, parts: usize) -> Vec<Records<'_>> {
        let body = &self.text.as_bytes()[self.body..];
        let mut cuts = vec![0usize];
        if parts > 1 {
            let goals: Vec<usize> = (1..parts).map(|k| body.len() / parts * k).collect();
            let found = quote_cuts(body, self.delimiter, &goals).unwrap_or_else(|| {
                let mut rdr = reader(body, self.delimiter);
                let mut rec = csv::ByteRecord::new();
                let mut out = Vec::new();
                for &goal in &goals {
                    while (rdr.position().byte() as usize) < goal {
                        if !matches!(rdr.read_byte_record(&mut rec), Ok(true)) {
                            break;
                        }
                    }
                    out.push((rdr.position().byte() as usize).min(body.len()));
                }
                out
            });
            for at in found {
                if cuts.last().is_some_and(|&c| at > c) && at < body.len() {
                    cuts.push(at);
                }
            }
        }
        cuts.push(body.len());
        cuts.windows(2)
            .map(|w| {
                let before = if w[0] == 0 {
                    self.body > 0 && self.text.as_bytes()[self.body - 1] == b'\n'
                } else {
                    body[w[0] - 1] == b'\n'
                };
                let line =
                    self.body_line + memchr::memchr_iter(b'\n', &body[..w[0]]).count() as u64;
                self.stream(self.body + w[0], self.body + w[1], line, before)
            })
            .collect()
    }
}

/// For each goal, the first position after a line break at or past it that
/// is outside quoted cells, following the quotes from the start; `None`
/// when a quote is not where RFC 4180 allows one (opening a cell, doubled
/// inside one, or closing it before a delimiter or line break): the csv
/// reader reads such a quote literally, and only parsing can tell.
pub(super) fn quote_cuts(body: &[u8], delimiter: u8, goals: &[usize]) -> Option<Vec<usize>> {
    let mut out = Vec::with_capacity(goals.len());
    let mut goals = goals.iter().copied().peekable();
    let mut inside = false;
    let mut skip_next_quote = false;
    for at in memchr::memchr2_iter(b'"', b'\n', body) {
        let Some(&goal) = goals.peek() else { break };
        if body[at] == b'\n' {
            if !inside && at >= goal {
                out.push(at + 1);
                goals.next();
            }
            continue;
        }
        if skip_next_quote {
            skip_next_quote = false;
            continue;
        }
        let prev = at.checked_sub(1).map(|i| body[i]);
        let next = body.get(at + 1).copied();
        if !inside {
            if !matches!(prev, None | Some(b'\n')) && prev != Some(delimiter) {
                return None;
            }
            inside = true;
        } else if next == Some(b'"') {
            skip_next_quote = true;
        } else if matches!(next, None | Some(b'\r' | b'\n')) || next == Some(delimiter) {
            inside = false;
        } else {
            return None;
        }
    }
    // Goals past the last line break outside quotes get no cut.
    out.extend(goals.map(|_| body.len()));
    Some(out)
}

/// How a record's field count compares with the header.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shape {
    /// As many fields as named headers (extra empty fields are ignored).
    Exact,
    /// Fewer fields than headers; the missing ones read as empty.
    Short { fields: usize },
    /// Non-empty fields beyond the last header.
    Long { fields: usize },
}

impl Shape {
    /// The shape of a record of `n` fields under `width` named headers;
    /// `extra_filled` says whether a field past the headers is non-empty.
    fn of(n: usize, width: usize, extra_filled: impl FnOnce() -> bool) -> Shape {
        if n < width {
            Shape::Short { fields: n }
        } else if extra_filled() {
            Shape::Long { fields: n }
        } else {
            Shape::Exact
        }
    }
}

/// A streaming reader of records; call [`Records::next_record`] in a loop.
pub struct Records<'a> {
    rdr: csv::Reader<&'a [u8]>,
    rec: csv::ByteRecord,
    text: &'a [u8],
    /// A byte offset in `text` and its physical line: csv's own positions
    /// point before skipped line breaks, so lines are counted here.
    at: usize,
    line: u64,
    /// Where the previous record ended, and whether its line break was
    /// already consumed there (csv stops after `\n` but before `\r\n`'s `\n`).
    end: usize,
    end_after_newline: bool,
    width: usize,
    blank: u64,
    done: bool,
    /// Check fields' UTF-8 one by one (see [`Records::sparse`]).
    per_field: bool,
    /// The splitter used instead of the csv crate (regular quotes).
    fast: Option<Fast<'a>>,
}

/// One record, borrowed from the reader until the next call.
#[derive(Debug)]
pub struct Record<'r> {
    /// The physical line the record starts on.
    pub line: u64,
    pub shape: Shape,
    rec: &'r csv::ByteRecord,
    /// The record's fields as one text, validated on the first `get`.
    all: std::cell::OnceCell<&'r str>,
    per_field: bool,
    /// Split by [`Fast`]: the fields and the text they are in.
    fast: Option<(&'r Fields, &'r str)>,
}

impl<'r> Record<'r> {
    /// Field `i`; empty when the record is short.
    pub fn get(&self, i: usize) -> &str {
        if let Some((fields, text)) = self.fast {
            return fields.get(text, i);
        }
        if self.per_field {
            return self.rec.get(i).map_or("", text);
        }
        // One UTF-8 check of the whole record, then slices at field bounds
        // (ASCII delimiters), is cheaper than a check per field.
        let all = self
            .all
            .get_or_init(|| std::str::from_utf8(self.rec.as_slice()).unwrap_or(""));
        self.rec
            .range(i)
            .and_then(|r| all.get(r))
            .unwrap_or_else(|| self.rec.get(i).map_or("", text))
    }

    pub fn len(&self) -> usize {
        match self.fast {
            Some((fields, _)) => fields.len(),
            None => self.rec.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn fields<'s>(&'s self) -> impl Iterator<Item = &'s str> + use<'s, 'r> {
        (0..self.len()).map(move |i| self.get(i))
    }
}

/// A field as text. The file was decoded to valid UTF-8 as a whole and
/// fields are split at ASCII bytes, so this cannot fail; checking only the
/// fields a caller reads is what keeps wide files fast (csv's
/// `StringRecord` validates every field of every non-ASCII record).
fn text(field: &[u8]) -> &str {
    std::str::from_utf8(field).unwrap_or("")
}

impl Records<'_> {
    /// The next record that is not blank, or `None` at the end.
    pub fn next_record(&mut self) -> Option<Record<'_>> {
        if let Some(fast) = &mut self.fast {
            let line = fast.next()?;
            let fields = &fast.fields;
            let n = fields.len();
            let text = fast.text();
            let shape = Shape::of(n, self.width, || {
                (self.width..n).any(|i| !fields.get(text, i).is_empty())
            });
            return Some(Record {
                line,
                shape,
                rec: &self.rec,
                all: std::cell::OnceCell::new(),
                per_field: false,
                fast: Some((fields, text)),
            });
        }
        loop {
            // Decoded text is valid UTF-8 and the reader is flexible, so
            // reading cannot fail; an error ends the stream defensively.
            let more = matches!(self.rdr.read_byte_record(&mut self.rec), Ok(true));
            let mut first = if more {
                self.rec
                    .position()
                    .map_or(self.at, |p| p.byte() as usize)
                    .max(self.at)
            } else {
                self.text.len()
            };
            while first < self.text.len() && matches!(self.text[first], b'\r' | b'\n') {
                first += 1;
            }
            if !self.done {
                let breaks = memchr::memchr_iter(b'\n', &self.text[self.end.min(first)..first])
                    .count() as u64;
                self.blank += if self.end_after_newline {
                    breaks
                } else {
                    breaks.saturating_sub(1)
                };
            }
            let end = (self.rdr.position().byte() as usize).min(self.text.len());
            self.end_after_newline = end > 0 && self.text[end - 1] == b'\n';
            self.end = end;
            if !more {
                self.done = true;
                return None;
            }
            if self.rec.as_slice().is_empty() {
                self.blank += 1;
                continue;
            }
            self.line += memchr::memchr_iter(b'\n', &self.text[self.at..first]).count() as u64;
            self.at = first;
            let line = self.line;
            let n = self.rec.len();
            let shape = Shape::of(n, self.width, || {
                self.rec.iter().skip(self.width).any(|f| !f.is_empty())
            });
            return Some(Record {
                line,
                shape,
                rec: &self.rec,
                all: std::cell::OnceCell::new(),
                per_field: self.per_field,
                fast: None,
            });
        }
    }

    /// The caller reads a few fields of each record: their UTF-8 is then
    /// checked field by field, not the whole record at once (cheaper when
    /// a run reads 10 of a file's 46 columns, dearer when it reads all).
    pub fn sparse(mut self, sparse: bool) -> Self {
        self.per_field = sparse;
        self
    }

    /// Blank lines and rows of only empty cells skipped so far.
    pub fn blank_skipped(&self) -> u64 {
        self.fast.as_ref().map_or(self.blank, |f| f.blank)
    }
}
