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
//! person sees in an editor. Streaming the records (whole or in parts) is
//! in `records`.

use super::encoding::Evidence;
use crate::diagnostics::{codes, Code};

mod records;
#[cfg(test)]
mod tests;

pub use records::{Record, Records, Shape};

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
}
