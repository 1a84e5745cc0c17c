//! Reading one export file: bytes → text → header → records.
//!
//! Input: the raw bytes of a CSV file. Output: a [`CsvFile`] that knows the
//! encoding it decoded (UTF-8 with or without BOM, Windows-1252, or UTF-8
//! with invalid bytes replaced), the delimiter (sniffed from the header
//! line or given by an Excel `sep=;` first line), the line ending, the
//! headers (original spelling kept for messages, a normalized key for
//! matching) and duplicated headers; [`CsvFile::records`] then streams the
//! records with the physical line each starts on.
//! Invariants: the file is decoded once, as a whole; records are parsed by
//! the `csv` crate into one reused [`csv::ByteRecord`] (no per-cell
//! allocation); blank lines and rows of empty cells are skipped and
//! counted; line numbers are 1-based and count the `sep=` line, the header
//! and newlines inside quoted cells, so `file:line` points at the text a
//! person sees in an editor.

use super::encoding::Evidence;
use super::split::{Fast, Fields};
use crate::diagnostics::{codes, Code};

/// How the bytes were turned into text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TextEncoding {
    Utf8,
    /// Not valid UTF-8 anywhere it had non-ASCII bytes: a legacy Excel export.
    Windows1252,
    /// Mostly UTF-8, but `replaced` invalid bytes became U+FFFD (first on `first_line`).
    Utf8Lossy {
        replaced: usize,
        first_line: u64,
    },
}

impl TextEncoding {
    pub fn name(self) -> &'static str {
        match self {
            TextEncoding::Utf8 => "UTF-8",
            TextEncoding::Windows1252 => "Windows-1252",
            TextEncoding::Utf8Lossy { .. } => "UTF-8 with invalid bytes",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LineEnding {
    Crlf,
    Lf,
    /// A single line without a terminator.
    None,
}

/// Why a file cannot be read as CSV at all (all E0801).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ReadError {
    #[error("the file is empty")]
    Empty,
    #[error("the file is UTF-16 ({0}); save it as \"CSV UTF-8\" instead")]
    Utf16(&'static str),
    #[error("the file looks binary, not like CSV text (a NUL byte on line {line})")]
    Binary { line: u64 },
    #[error("the file has a `sep=` line but no header line")]
    NoHeader,
}

impl ReadError {
    pub fn code(&self) -> Code {
        codes::E0801
    }
}

/// One header cell.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Header {
    /// As written, for messages (`"Email "`).
    pub original: String,
    /// For matching: see [`normalize_header`] (`"email"`).
    pub key: String,
}

/// Headers that normalize to the same key, with their column positions.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DuplicateHeader {
    pub key: String,
    pub columns: Vec<usize>,
}

/// A decoded CSV file, ready to stream its records.
#[derive(Debug)]
pub struct CsvFile {
    pub encoding: TextEncoding,
    /// For a file that is not valid UTF-8: what decided its encoding and
    /// the lines with invalid bytes (empty for valid UTF-8).
    pub evidence: Evidence,
    pub bom: bool,
    pub delimiter: u8,
    /// The file began with Excel's `sep=X` line.
    pub sep_line: bool,
    pub line_ending: LineEnding,
    pub headers: Vec<Header>,
    /// Columns after the last named header that have no name (trailing
    /// delimiters, as Excel writes them); not counted in [`CsvFile::width`].
    pub trailing_empty_headers: usize,
    pub duplicate_headers: Vec<DuplicateHeader>,
    /// Physical line of the header.
    pub header_line: u64,
    /// False when the body has an odd number of `"`: a quote is probably
    /// unterminated and swallowed the rest of its record.
    pub quotes_balanced: bool,
    /// Every quote of the body is where RFC 4180 puts quotes: records are
    /// split by [`split::Fast`], not the csv crate.
    regular: bool,
    text: String,
    /// Byte offset of the first record after the header.
    body: usize,
    /// Physical line at `body`.
    body_line: u64,
}

/// Trimmed, lower-cased, inner whitespace collapsed to one space.
pub fn normalize_header(h: &str) -> String {
    let h = h.trim_start_matches('\u{feff}');
    let mut out = String::with_capacity(h.len());
    for word in h.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.extend(word.chars().flat_map(char::to_lowercase));
    }
    out
}

fn line_of(text: &[u8], offset: usize) -> u64 {
    1 + memchr::memchr_iter(b'\n', &text[..offset.min(text.len())]).count() as u64
}

/// Decodes the whole file: BOM, UTF-16 and binary checks, UTF-8 or Windows-1252.
fn decode(mut bytes: Vec<u8>) -> Result<(String, TextEncoding, bool, Evidence), ReadError> {
    if bytes.is_empty() {
        return Err(ReadError::Empty);
    }
    if bytes.starts_with(&[0xFF, 0xFE]) {
        return Err(ReadError::Utf16("little-endian"));
    }
    if bytes.starts_with(&[0xFE, 0xFF]) {
        return Err(ReadError::Utf16("big-endian"));
    }
    let bom = bytes.starts_with(b"\xEF\xBB\xBF");
    if bom {
        bytes.drain(..3);
    }
    if let Some(at) = memchr::memchr(0, &bytes) {
        return Err(ReadError::Binary {
            line: line_of(&bytes, at),
        });
    }
    let bytes = match String::from_utf8(bytes) {
        Ok(text) => return Ok((text, TextEncoding::Utf8, bom, Evidence::default())),
        Err(e) => e.into_bytes(),
    };
    // The whole file votes (see `Evidence::is_utf8`), not its first bad byte.
    let ev = Evidence::of(&bytes);
    if bom || ev.is_utf8() {
        let text = String::from_utf8_lossy(&bytes).into_owned();
        let encoding = TextEncoding::Utf8Lossy {
            replaced: ev.invalid,
            first_line: ev.invalid_lines.first().copied().unwrap_or(1),
        };
        return Ok((text, encoding, bom, ev));
    }
    let (text, _) = encoding_rs::WINDOWS_1252.decode_without_bom_handling(&bytes);
    Ok((text.into_owned(), TextEncoding::Windows1252, bom, ev))
}

/// The first line's end (the `\n`) or the text's end.
fn first_line_end(text: &[u8]) -> usize {
    memchr::memchr(b'\n', text).unwrap_or(text.len())
}

/// `sep=;` (optionally quoted) → the delimiter.
fn sep_line(line: &[u8]) -> Option<u8> {
    let line = line.strip_suffix(b"\r").unwrap_or(line);
    let line = line
        .strip_prefix(b"\"")
        .and_then(|l| l.strip_suffix(b"\""))
        .unwrap_or(line);
    match line {
        [s, e, p, b'=', d]
            if s.eq_ignore_ascii_case(&b's')
                && e.eq_ignore_ascii_case(&b'e')
                && p.eq_ignore_ascii_case(&b'p') =>
        {
            Some(*d)
        }
        _ => None,
    }
}

/// The delimiter that occurs most often outside quotes in the header line;
/// `,` when nothing else does (a one-column file).
pub fn sniff_delimiter(header_line: &[u8]) -> u8 {
    const CANDIDATES: [u8; 4] = [b',', b';', b'\t', b'|'];
    let mut counts = [0usize; 4];
    let mut quoted = false;
    for &b in header_line {
        if b == b'"' {
            quoted = !quoted;
        } else if !quoted {
            if let Some(i) = CANDIDATES.iter().position(|&c| c == b) {
                counts[i] += 1;
            }
        }
    }
    let best = (0..4)
        .max_by_key(|&i| (counts[i], std::cmp::Reverse(i)))
        .unwrap_or(0);
    if counts[best] == 0 {
        b','
    } else {
        CANDIDATES[best]
    }
}

fn reader(text: &[u8], delimiter: u8) -> csv::Reader<&[u8]> {
    csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(text)
}

impl CsvFile {
    /// Decodes `bytes` and reads the header.
    pub fn from_bytes(bytes: Vec<u8>) -> Result<CsvFile, ReadError> {
        let (text_string, encoding, bom, evidence) = decode(bytes)?;
        let text = text_string.as_bytes();
        let end = first_line_end(text);
        let (sep, mut start, mut line) = match sep_line(&text[..end]) {
            Some(d) => (Some(d), (end + 1).min(text.len()), 2),
            None => (None, 0, 1),
        };
        // Blank lines before the header are skipped, as Excel users leave them.
        while start < text.len() && matches!(text[start], b'\n' | b'\r') {
            if text[start] == b'\n' {
                line += 1;
            }
            start += 1;
        }
        if start >= text.len() {
            return Err(if sep.is_some() {
                ReadError::NoHeader
            } else {
                ReadError::Empty
            });
        }
        let header_end = start + first_line_end(&text[start..]);
        let delimiter = sep.unwrap_or_else(|| sniff_delimiter(&text[start..header_end]));
        let line_ending = match memchr::memchr(b'\n', text) {
            Some(i) if i > 0 && text[i - 1] == b'\r' => LineEnding::Crlf,
            Some(_) => LineEnding::Lf,
            None => LineEnding::None,
        };
        let mut rdr = reader(&text[start..], delimiter);
        let mut rec = csv::StringRecord::new();
        // The text is valid UTF-8 by now, so reading cannot fail.
        let _ = rdr.read_record(&mut rec);
        let pos = rdr.position().clone();
        let headers: Vec<Header> = rec
            .iter()
            .map(|h| Header {
                original: h.to_string(),
                key: normalize_header(h),
            })
            .collect();
        let trailing_empty_headers = headers
            .iter()
            .rev()
            .take_while(|h| h.key.is_empty())
            .count();
        let mut duplicate_headers: Vec<DuplicateHeader> = Vec::new();
        for (i, h) in headers.iter().enumerate() {
            if h.key.is_empty() {
                continue;
            }
            match duplicate_headers.iter_mut().find(|d| d.key == h.key) {
                Some(d) => d.columns.push(i),
                None => duplicate_headers.push(DuplicateHeader {
                    key: h.key.clone(),
                    columns: vec![i],
                }),
            }
        }
        duplicate_headers.retain(|d| d.columns.len() > 1);
        let body = start + pos.byte() as usize;
        let body_line = line + memchr::memchr_iter(b'\n', &text[start..body]).count() as u64;
        let quotes_balanced = memchr::memchr_iter(b'"', &text[body..]).count() % 2 == 0;
        let regular = text_string.is_char_boundary(body)
            && super::split::quotes_regular(&text[body..], delimiter);
        Ok(CsvFile {
            encoding,
            evidence,
            bom,
            delimiter,
            sep_line: sep.is_some(),
            line_ending,
            headers,
            trailing_empty_headers,
            duplicate_headers,
            header_line: line,
            quotes_balanced,
            regular,
            text: text_string,
            body,
            body_line,
        })
    }

    /// The same file read by the csv crate only (tests compare the two).
    #[cfg(test)]
    fn csv_only(mut self) -> CsvFile {
        self.regular = false;
        self
    }

    /// The text after the header and the physical line it starts on.
    pub fn body(&self) -> (&[u8], u64) {
        (&self.text.as_bytes()[self.body..], self.body_line)
    }

    /// Named columns: the headers without the trailing unnamed ones.
    pub fn width(&self) -> usize {
        self.headers.len() - self.trailing_empty_headers
    }

    /// The first column whose normalized header is `key` (already normalized).
    pub fn column(&self, key: &str) -> Option<usize> {
        self.headers.iter().position(|h| h.key == key)
    }

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
fn quote_cuts(body: &[u8], delimiter: u8, goals: &[usize]) -> Option<Vec<usize>> {
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
            let shape = if n < self.width {
                Shape::Short { fields: n }
            } else if (self.width..n).any(|i| !fields.get(text, i).is_empty()) {
                Shape::Long { fields: n }
            } else {
                Shape::Exact
            };
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
            let shape = if n < self.width {
                Shape::Short { fields: n }
            } else if self.rec.iter().skip(self.width).any(|f| !f.is_empty()) {
                Shape::Long { fields: n }
            } else {
                Shape::Exact
            };
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

#[cfg(test)]
mod tests {
    use super::*;

    fn file(bytes: &[u8]) -> CsvFile {
        CsvFile::from_bytes(bytes.to_vec()).expect("readable")
    }

    type Read = (Vec<(u64, Shape, Vec<String>)>, u64);

    fn everything(mut r: Records<'_>) -> Read {
        let mut out = Vec::new();
        while let Some(rec) = r.next_record() {
            out.push((
                rec.line,
                rec.shape,
                rec.fields().map(str::to_string).collect(),
            ));
        }
        (out, r.blank_skipped())
    }

    proptest::proptest! {
        /// The splitter reads what the csv crate reads: fields, lines,
        /// shapes, blank lines, whole and in two parts.
        #[test]
        fn the_splitter_reads_what_csv_reads(
            body in proptest::collection::vec(proptest::sample::select(
                vec!["a", "é", ",", ";", "\"", "\"\"", "\n", "\r", "\r\n", " ", "xy"]), 0..40),
            crlf in proptest::bool::ANY,
        ) {
            let head = if crlf { "h1,h2,h3\r\n" } else { "h1,h2,h3\n" };
            let text = format!("{head}{}", body.concat());
            let Ok(f) = CsvFile::from_bytes(text.clone().into_bytes()) else { return Ok(()) };
            if !f.regular {
                return Ok(());
            }
            let fast = everything(f.records());
            let fast_parts: Vec<Read> = f.records_split(2).into_iter().map(everything).collect();
            let f = f.csv_only();
            proptest::prop_assert_eq!(&fast, &everything(f.records()), "{:?}", text);
            let csv_parts: Vec<Read> = f.records_split(2).into_iter().map(everything).collect();
            proptest::prop_assert_eq!(fast_parts, csv_parts, "{:?}", text);
        }
    }

    #[test]
    fn quoted_fields_with_doubled_quotes_and_line_breaks_are_split_alike() {
        let text = "id;note\r\n1;\"a \"\"b\"\"\r\nc\";x\r\n\r\n;;\r\n2;\"\";\r3;z";
        let f = file(text.as_bytes());
        assert!(f.regular);
        let fast = everything(f.records());
        assert_eq!(fast.0[0].2, vec!["1", "a \"b\"\r\nc", "x"]);
        assert_eq!(fast, everything(f.csv_only().records()));
    }

    fn rows(f: &CsvFile) -> Vec<(u64, Vec<String>)> {
        let mut out = Vec::new();
        let mut r = f.records();
        while let Some(rec) = r.next_record() {
            out.push((rec.line, rec.fields().map(str::to_string).collect()));
        }
        out
    }

    #[test]
    fn plain_utf8_crlf() {
        let f = file(b"id,name\r\n1,S\xc3\xb8ren\r\n2,Anna\r\n");
        assert_eq!(
            (f.encoding, f.bom, f.delimiter, f.line_ending),
            (TextEncoding::Utf8, false, b',', LineEnding::Crlf)
        );
        assert_eq!(
            rows(&f),
            vec![
                (2, vec!["1".into(), "Søren".into()]),
                (3, vec!["2".into(), "Anna".into()])
            ]
        );
    }

    #[test]
    fn bom_is_stripped_and_reported() {
        let f = file(b"\xEF\xBB\xBFemail,x\n a@b.example ,1\n");
        assert!(f.bom);
        assert_eq!(f.headers[0].original, "email");
        assert_eq!(f.line_ending, LineEnding::Lf);
        assert_eq!(rows(&f)[0].1[0], " a@b.example ");
    }

    #[test]
    fn windows_1252_is_detected_and_decoded() {
        // "Søren;Århus" in Windows-1252: ø = F8, Å = C5.
        let f = file(b"name;city\r\nS\xF8ren;\xC5rhus\r\n");
        assert_eq!(f.encoding, TextEncoding::Windows1252);
        assert_eq!(f.delimiter, b';');
        assert_eq!(rows(&f)[0].1, vec!["Søren", "Århus"]);
    }

    #[test]
    fn mostly_utf8_with_a_bad_byte_is_lossy_not_1252() {
        let f = file(b"name\nS\xc3\xb8ren\nBj\xF8rn\n");
        assert_eq!(
            f.encoding,
            TextEncoding::Utf8Lossy {
                replaced: 1,
                first_line: 3
            }
        );
        assert_eq!(rows(&f)[0].1[0], "Søren");
    }

    #[test]
    fn unreadable_files() {
        assert_eq!(
            CsvFile::from_bytes(Vec::new()).unwrap_err(),
            ReadError::Empty
        );
        assert_eq!(
            CsvFile::from_bytes(b"\xFF\xFEi\0d\0".to_vec()).unwrap_err(),
            ReadError::Utf16("little-endian")
        );
        assert_eq!(
            CsvFile::from_bytes(b"a,b\n1,\0\n".to_vec()).unwrap_err(),
            ReadError::Binary { line: 2 }
        );
        assert_eq!(
            CsvFile::from_bytes(b"sep=;\r\n".to_vec()).unwrap_err(),
            ReadError::NoHeader
        );
        assert_eq!(ReadError::Empty.code(), codes::E0801);
    }

    #[test]
    fn sep_line_sets_the_delimiter_and_counts_as_a_line() {
        let f = file(b"sep=;\r\nFornavn;Efternavn;score\r\nS\xc3\xb8ren;Hansen;\"72,5\"\r\n");
        assert!(f.sep_line);
        assert_eq!((f.delimiter, f.header_line), (b';', 2));
        assert_eq!(
            rows(&f),
            vec![(3, vec!["Søren".into(), "Hansen".into(), "72,5".into()])]
        );
        let quoted = file(b"\"sep=,\"\na;b,c\n1;2,3\n");
        assert_eq!(quoted.delimiter, b',');
        assert_eq!(quoted.headers.len(), 2);
    }

    #[test]
    fn delimiter_is_sniffed_outside_quotes() {
        assert_eq!(sniff_delimiter(b"a;b;c"), b';');
        assert_eq!(sniff_delimiter(b"\"a,b\";c"), b';');
        assert_eq!(sniff_delimiter(b"a\tb"), b'\t');
        assert_eq!(sniff_delimiter(b"single"), b',');
        assert_eq!(sniff_delimiter(b"a,b;c"), b',');
    }

    #[test]
    fn quoted_multiline_cells_keep_physical_line_numbers() {
        let f =
            file(b"id,text\r\n1,\"first\nsecond\nthird\"\r\n2,plain\r\n3,\"a \"\"quote\"\"\"\r\n");
        let r = rows(&f);
        assert_eq!(r[0], (2, vec!["1".into(), "first\nsecond\nthird".into()]));
        assert_eq!(r[1].0, 5);
        assert_eq!(r[2], (6, vec!["3".into(), "a \"quote\"".into()]));
        assert!(f.quotes_balanced);
        assert!(!file(b"a,b\n1,\"open\n").quotes_balanced);
    }

    #[test]
    fn multi_values_with_the_delimiter_stay_one_cell() {
        let f = file(b"id;groups\n1;\"Sales;Store 12\"\n");
        assert_eq!(rows(&f)[0].1, vec!["1", "Sales;Store 12"]);
    }

    #[test]
    fn headers_are_normalized_and_duplicates_found() {
        let f = file(b"Email ,E-mail,  First   Name,email,,\n");
        let keys: Vec<&str> = f.headers.iter().map(|h| h.key.as_str()).collect();
        assert_eq!(keys, ["email", "e-mail", "first name", "email", "", ""]);
        assert_eq!(f.headers[0].original, "Email ");
        assert_eq!(
            f.duplicate_headers,
            vec![DuplicateHeader {
                key: "email".into(),
                columns: vec![0, 3]
            }]
        );
        assert_eq!((f.trailing_empty_headers, f.width()), (2, 4));
        assert_eq!(f.column("first name"), Some(2));
        assert_eq!(normalize_header("\u{feff}FORNAVN"), "fornavn");
    }

    #[test]
    fn blank_lines_are_skipped_and_ragged_rows_classified() {
        let f = file(b"\r\na,b,c\r\n1,2,3\r\n\r\n,,\r\n4,5\r\n6,7,8,,\r\n9,10,11,12\r\n\r\n\r\n");
        assert_eq!(f.header_line, 2);
        let mut r = f.records();
        let mut got = Vec::new();
        while let Some(rec) = r.next_record() {
            got.push((rec.line, rec.shape, rec.get(2).to_string()));
        }
        assert_eq!(
            got,
            vec![
                (3, Shape::Exact, "3".to_string()),
                (6, Shape::Short { fields: 2 }, String::new()),
                (7, Shape::Exact, "8".to_string()),
                (8, Shape::Long { fields: 4 }, "11".to_string()),
            ]
        );
        assert_eq!(r.blank_skipped(), 4);
    }

    #[test]
    fn header_only_file_has_no_records() {
        let f = file(b"a,b");
        assert_eq!(f.line_ending, LineEnding::None);
        assert!(rows(&f).is_empty());
    }

    #[test]
    fn split_streams_read_the_same_records_and_lines() {
        let mut text = b"sep=;\r\nid;note\r\n".to_vec();
        let quoted_only = text.len();
        for i in 0..40 {
            text.extend_from_slice(format!("{i};\"line one\r\nline two; {i}\"\r\n").as_bytes());
            if i % 7 == 0 {
                text.extend_from_slice(b"\r\n;\r\n");
            }
        }
        // The same records after a stray quote inside an unquoted cell:
        // the cuts then come from the parser.
        let mut stray = text[..quoted_only].to_vec();
        stray.extend_from_slice(b"99;5\" screen\r\n");
        stray.extend_from_slice(&text[quoted_only..]);
        assert!(quote_cuts(&text[quoted_only..], b';', &[text.len() / 2]).is_some());
        assert!(quote_cuts(&stray[quoted_only..], b';', &[stray.len() / 2]).is_none());
        for (crlf, text) in [(true, &text), (false, &text), (true, &stray)] {
            let bytes = if crlf {
                text.clone()
            } else {
                text.iter().copied().filter(|&b| b != b'\r').collect()
            };
            let f = file(&bytes);
            let whole = rows(&f);
            let mut r = f.records();
            while r.next_record().is_some() {}
            let blank = r.blank_skipped();
            for parts in 1..=5 {
                let mut got = Vec::new();
                let mut blanks = 0;
                let streams = f.records_split(parts);
                assert!(streams.len() <= parts && (parts == 1 || streams.len() > 1));
                for mut s in streams {
                    while let Some(rec) = s.next_record() {
                        got.push((
                            rec.line,
                            rec.fields().map(str::to_string).collect::<Vec<_>>(),
                        ));
                    }
                    blanks += s.blank_skipped();
                }
                assert_eq!(got, whole, "parts {parts}, crlf {crlf}");
                assert_eq!(blanks, blank, "parts {parts}, crlf {crlf}");
            }
        }
    }
}
