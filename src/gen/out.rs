//! Row building and CSV writing for the generator.
//!
//! Input: rows built field by field in canonical column order, and a
//! [`Layout`] saying how the file is laid out on disk (BOM, encoding,
//! delimiter, line ending, header spelling, column order). Output: the file,
//! streamed through the `csv` crate's quoting, and a [`FileReport`] with row
//! counts and the injected features with their record and line numbers.
//! Invariants: nothing is held in memory except the current row (the one
//! Windows-1252 file is small and encoded at the end); `line` numbers are the
//! physical line a record starts on, counting quoted newlines.

use super::messy::Feature;
use serde::Serialize;
use std::collections::BTreeMap;
use std::fs::File;
use std::io::{self, Write};
use std::path::Path;

/// How many record numbers a feature lists in the manifest (its count is exact).
const LISTED: usize = 1000;

/// One row under construction: fields are byte ranges of one buffer, each
/// followed by the delimiter, so a row costs no allocation once the buffers
/// have grown and a row that needs no quoting is written with one copy.
pub struct Row {
    buf: Vec<u8>,
    /// `ends[i]`: the position just past field i (where its delimiter is).
    ends: Vec<usize>,
    /// The delimiter written after each field.
    pub delimiter: u8,
    /// Write decimals with `,` (a Danish-locale file).
    pub decimal_comma: bool,
    /// Some text field may contain a delimiter, quote or line break.
    needs_check: bool,
    /// Recently formatted days (direct-mapped): timestamps cluster by day.
    days: [(i64, [u8; 10]); 8],
}

/// Bytes that may force quoting in either delimiter the bundle uses.
fn special_byte(b: u8) -> bool {
    matches!(b, b',' | b';' | b'"' | b'\r' | b'\n')
}

impl Default for Row {
    fn default() -> Self {
        Row {
            buf: Vec::with_capacity(512),
            ends: Vec::with_capacity(64),
            delimiter: b',',
            decimal_comma: false,
            needs_check: false,
            days: [(i64::MIN, [0; 10]); 8],
        }
    }
}

impl Row {
    pub fn new(delimiter: u8, decimal_comma: bool) -> Row {
        Row {
            delimiter,
            decimal_comma,
            ..Row::default()
        }
    }

    pub fn clear(&mut self) {
        self.buf.clear();
        self.ends.clear();
        self.needs_check = false;
    }

    fn note(&mut self, text: &[u8]) {
        if !self.needs_check && text.iter().any(|&b| special_byte(b)) {
            self.needs_check = true;
        }
    }

    pub fn len(&self) -> usize {
        self.ends.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    fn start(&self, i: usize) -> usize {
        if i == 0 {
            0
        } else {
            self.ends[i - 1] + 1
        }
    }

    pub fn field(&self, i: usize) -> &[u8] {
        &self.buf[self.start(i)..self.ends[i]]
    }

    /// The text of field `i` (fields are built from `&str`, so always UTF-8).
    pub fn get(&self, i: usize) -> &str {
        std::str::from_utf8(self.field(i)).unwrap_or_default()
    }

    /// Replaces field `i`; messy mode rewrites a few fields of clean rows.
    pub fn set(&mut self, i: usize, value: &str) {
        self.note(value.as_bytes());
        let (a, b) = (self.start(i), self.ends[i]);
        self.buf.splice(a..b, value.bytes());
        let delta = value.len() as isize - (b - a) as isize;
        for e in &mut self.ends[i..] {
            *e = (*e as isize + delta) as usize;
        }
    }

    /// Ends the field built so far with the `raw_*` methods.
    pub fn end(&mut self) -> &mut Self {
        self.ends.push(self.buf.len());
        self.buf.push(self.delimiter);
        self
    }

    pub fn raw(&mut self, s: &str) -> &mut Self {
        self.note(s.as_bytes());
        self.buf.extend_from_slice(s.as_bytes());
        self
    }

    pub fn raw_int(&mut self, v: impl itoa::Integer) -> &mut Self {
        self.buf
            .extend_from_slice(itoa::Buffer::new().format(v).as_bytes());
        self
    }

    pub fn raw_fmt(&mut self, args: std::fmt::Arguments) -> &mut Self {
        let from = self.buf.len();
        let _ = self.buf.write_fmt(args);
        if !self.needs_check && self.buf[from..].iter().any(|&b| special_byte(b)) {
            self.needs_check = true;
        }
        self
    }

    /// The buffer, for writers that append bytes directly. Only for text
    /// without delimiters, quotes or line breaks (ids, e-mails, numbers):
    /// such a row is copied without a quoting check.
    pub fn raw_plain(&mut self) -> &mut Vec<u8> {
        &mut self.buf
    }

    pub fn s(&mut self, s: &str) -> &mut Self {
        self.raw(s).end()
    }

    pub fn empty(&mut self) -> &mut Self {
        self.end()
    }

    pub fn int(&mut self, v: impl itoa::Integer) -> &mut Self {
        self.raw_int(v).end()
    }

    pub fn opt_int(&mut self, v: Option<i64>) -> &mut Self {
        match v {
            Some(v) => self.int(v),
            None => self.end(),
        }
    }

    pub fn fmt(&mut self, args: std::fmt::Arguments) -> &mut Self {
        self.raw_fmt(args).end()
    }

    pub fn bool(&mut self, b: bool) -> &mut Self {
        self.s(if b { "true" } else { "false" })
    }

    fn push_day(&mut self, day: i64) {
        let slot = &mut self.days[day.rem_euclid(8) as usize];
        if slot.0 != day {
            slot.1 = date_bytes(day);
            slot.0 = day;
        }
        self.buf.extend_from_slice(&slot.1);
    }

    /// `YYYY-MM-DD HH:MM:SS` (UTC) from Unix seconds.
    pub fn dt(&mut self, secs: i64) -> &mut Self {
        self.push_day(secs.div_euclid(86_400));
        self.buf.extend_from_slice(&time_bytes(secs));
        self.end()
    }

    pub fn opt_dt(&mut self, secs: Option<i64>) -> &mut Self {
        match secs {
            Some(s) => self.dt(s),
            None => self.end(),
        }
    }

    /// `YYYY-MM-DD` from days since 1970-01-01.
    pub fn date(&mut self, day: i64) -> &mut Self {
        self.push_day(day);
        self.end()
    }

    pub fn opt_date(&mut self, day: Option<i64>) -> &mut Self {
        match day {
            Some(d) => self.date(d),
            None => self.end(),
        }
    }

    /// A decimal with `places` digits from a scaled integer (`725, 1` → `72.5`).
    pub fn dec(&mut self, scaled: i64, places: u32) -> &mut Self {
        let p = 10i64.pow(places);
        if scaled < 0 {
            self.buf.push(b'-');
        }
        let v = scaled.unsigned_abs();
        self.raw_int(v / p as u64);
        if places > 0 {
            self.needs_check |= self.decimal_comma;
            self.buf.push(if self.decimal_comma { b',' } else { b'.' });
            let frac = v % p as u64;
            let s = itoa::Buffer::new().format(frac).to_string();
            for _ in s.len()..places as usize {
                self.buf.push(b'0');
            }
            self.buf.extend_from_slice(s.as_bytes());
        }
        self.end()
    }
}

/// `DIGITS2[v]` is `v` (0..100) as two decimal digits.
static DIGITS2: [[u8; 2]; 100] = {
    let mut t = [[0u8; 2]; 100];
    let mut i = 0;
    while i < 100 {
        t[i] = [b'0' + (i / 10) as u8, b'0' + (i % 10) as u8];
        i += 1;
    }
    t
};

/// Days since 1970-01-01 → (year, month, day), proleptic Gregorian
/// (Howard Hinnant's `civil_from_days`; chrono's formatter is the slow part
/// of writing a hundred million timestamps).
pub fn civil(day: i64) -> (i64, u32, u32) {
    let z = day + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

/// (year, month, day) → days since 1970-01-01.
pub fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let mp = i64::from((m + 9) % 12);
    let doy = (153 * mp + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// `YYYY-MM-DD` of a day number.
fn date_bytes(day: i64) -> [u8; 10] {
    let (y, m, d) = civil(day);
    let y = y.clamp(0, 9999) as usize;
    let [a, b] = DIGITS2[y / 100];
    let [c, e] = DIGITS2[y % 100];
    let [f, g] = DIGITS2[m as usize];
    let [h, i] = DIGITS2[d as usize];
    [a, b, c, e, b'-', f, g, b'-', h, i]
}

/// ` HH:MM:SS` of Unix seconds.
fn time_bytes(secs: i64) -> [u8; 9] {
    let t = secs.rem_euclid(86_400) as usize;
    let [a, b] = DIGITS2[t / 3600];
    let [c, d] = DIGITS2[t / 60 % 60];
    let [e, f] = DIGITS2[t % 60];
    [b' ', a, b, b':', c, d, b':', e, f]
}

pub fn push_date(out: &mut Vec<u8>, day: i64) {
    out.extend_from_slice(&date_bytes(day));
}

pub fn push_datetime(out: &mut Vec<u8>, secs: i64) {
    push_date(out, secs.div_euclid(86_400));
    out.extend_from_slice(&time_bytes(secs));
}

/// How a file is laid out on disk. `Layout::clean` is §4.0 of the reference.
#[derive(Clone, Debug)]
pub struct Layout {
    pub bom: bool,
    pub cp1252: bool,
    pub lf: bool,
    pub delimiter: u8,
    /// A first line `sep=;` (Excel's delimiter hint).
    pub sep_line: bool,
    pub decimal_comma: bool,
    /// The written header of each canonical column.
    pub headers: Vec<String>,
    /// Output columns as canonical indices (a repeat is a duplicated column).
    pub order: Vec<usize>,
    /// Headers of output columns past the canonical ones (duplicates).
    pub extra_headers: Vec<String>,
    pub trailing_empty: usize,
    pub blank_lines_at_eof: usize,
}

impl Layout {
    pub fn clean(columns: &[&str]) -> Layout {
        Layout {
            bom: false,
            cp1252: false,
            lf: false,
            delimiter: b',',
            sep_line: false,
            decimal_comma: false,
            headers: columns.iter().map(|c| c.to_string()).collect(),
            order: (0..columns.len()).collect(),
            extra_headers: Vec::new(),
            trailing_empty: 0,
            blank_lines_at_eof: 0,
        }
    }

    fn eol(&self) -> &'static [u8] {
        if self.lf {
            b"\n"
        } else {
            b"\r\n"
        }
    }
}

/// A feature placed in a file, as listed in `manifest.json`.
#[derive(Clone, Debug, Serialize)]
pub struct Injected {
    pub feature: Feature,
    pub file: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub column: Option<&'static str>,
    /// How many records carry it (0 for file-level features).
    pub count: u64,
    /// 1-based data record numbers (the header is not a record), at most 1000.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub records: Vec<u64>,
    /// The physical line each listed record starts on (file-level: the header line).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub lines: Vec<u64>,
}

/// What one written file looks like, for `manifest.json`.
#[derive(Clone, Debug, Serialize)]
pub struct FileReport {
    pub name: &'static str,
    pub rows: u64,
    pub bytes: u64,
    pub encoding: &'static str,
    pub bom: bool,
    pub delimiter: String,
    pub line_ending: &'static str,
    #[serde(skip)]
    pub injected: Vec<Injected>,
}

enum Sink {
    File(File),
    /// The Windows-1252 file, encoded when finished.
    Memory(Vec<u8>),
    /// A file not wanted (`ferry gen --only`): bytes counted, not kept.
    Discard(u64),
}

impl Write for Sink {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match self {
            Sink::File(f) => f.write(buf),
            Sink::Memory(v) => v.write(buf),
            Sink::Discard(n) => {
                *n += buf.len() as u64;
                Ok(buf.len())
            }
        }
    }
    fn flush(&mut self) -> io::Result<()> {
        match self {
            Sink::File(f) => f.flush(),
            Sink::Memory(_) | Sink::Discard(_) => Ok(()),
        }
    }
}

/// Output buffer size; flushed to the file when exceeded.
const FLUSH_AT: usize = 1 << 18;

/// A CSV file being written.
///
/// The quoting is written here rather than by `csv::Writer`: profiling a
/// million-contact bundle showed the csv crate's per-byte field state
/// machine at half of the generator's time. The rule is the crate's
/// `QuoteStyle::Necessary`: quote a field that contains the delimiter, a
/// quote, CR or LF; double inner quotes. A row without any of those bytes
/// (almost all of them) is copied field by field without looking inside.
pub struct CsvOut {
    name: &'static str,
    path: std::path::PathBuf,
    sink: Sink,
    buf: Vec<u8>,
    layout: Layout,
    /// Columns are written in canonical order, none repeated.
    identity: bool,
    records: u64,
    next_line: u64,
    header_line: u64,
    hits: BTreeMap<(Feature, Option<&'static str>), Injected>,
}

impl CsvOut {
    /// Creates `dir/name` and writes the preamble and header (`write`
    /// false: the bytes are counted and dropped, no file is made).
    pub fn create(
        dir: &Path,
        name: &'static str,
        layout: Layout,
        write: bool,
    ) -> io::Result<CsvOut> {
        let path = dir.join(name);
        let sink = if !write {
            Sink::Discard(0)
        } else if layout.cp1252 {
            Sink::Memory(Vec::new())
        } else {
            Sink::File(File::create(&path)?)
        };
        let mut buf = Vec::with_capacity(FLUSH_AT + (1 << 16));
        if layout.bom {
            buf.extend_from_slice(b"\xEF\xBB\xBF");
        }
        let mut header_line = 1;
        if layout.sep_line {
            buf.extend_from_slice(b"sep=");
            buf.push(layout.delimiter);
            buf.extend_from_slice(layout.eol());
            header_line = 2;
        }
        let identity =
            layout.order.iter().enumerate().all(|(j, &i)| i == j) && layout.trailing_empty == 0;
        let mut out = CsvOut {
            name,
            path,
            sink,
            buf,
            identity,
            layout,
            records: 0,
            next_line: header_line + 1,
            header_line,
            hits: BTreeMap::new(),
        };
        let mut header = Row::new(out.layout.delimiter, false);
        for h in &out.layout.headers {
            header.s(h);
        }
        let extra = std::mem::take(&mut out.layout.extra_headers);
        out.emit(&header, 0, &extra);
        out.layout.extra_headers = extra;
        Ok(out)
    }

    /// Data records written so far.
    pub fn records(&self) -> u64 {
        self.records
    }

    pub fn decimal_comma(&self) -> bool {
        self.layout.decimal_comma
    }

    pub fn delimiter(&self) -> u8 {
        self.layout.delimiter
    }

    /// Records the feature on the record written next.
    pub fn mark(&mut self, feature: Feature, column: Option<&'static str>) {
        let (record, line) = (self.records + 1, self.next_line);
        let hit = self
            .hits
            .entry((feature, column))
            .or_insert_with(|| Injected {
                feature,
                file: self.name,
                column,
                count: 0,
                records: Vec::new(),
                lines: Vec::new(),
            });
        hit.count += 1;
        if hit.records.len() < LISTED {
            hit.records.push(record);
            hit.lines.push(line);
        }
    }

    /// Records a file-level feature (located at the header line).
    pub fn mark_file(&mut self, feature: Feature, column: Option<&'static str>) {
        let line = self.header_line;
        self.hits
            .entry((feature, column))
            .or_insert_with(|| Injected {
                feature,
                file: self.name,
                column,
                count: 0,
                records: Vec::new(),
                lines: vec![line],
            });
    }

    pub fn write(&mut self, row: &Row) -> io::Result<()> {
        self.write_cut(row, 0)
    }

    /// Writes the row without its last `cut` output fields (a ragged row).
    pub fn write_cut(&mut self, row: &Row, cut: usize) -> io::Result<()> {
        let newlines = self.emit(row, cut, &[]);
        self.records += 1;
        self.next_line += 1 + newlines;
        if self.buf.len() >= FLUSH_AT {
            self.sink.write_all(&self.buf)?;
            self.buf.clear();
        }
        Ok(())
    }

    /// Appends one record; returns the newlines inside its quoted fields.
    /// `extra` replaces the fields past the canonical ones (header spellings).
    fn emit(&mut self, row: &Row, cut: usize, extra: &[String]) -> u64 {
        let d = self.layout.delimiter;
        let special = |b: &[u8]| {
            memchr::memchr3(d, b'"', b'\n', b).is_some() || memchr::memchr(b'\r', b).is_some()
        };
        let order = &self.layout.order;
        let n = (order.len() + self.layout.trailing_empty).saturating_sub(cut);
        // The row's buffer is the record itself when it uses the file's
        // delimiter and none of its text needed a look.
        let plain = !row.needs_check;
        if plain && row.delimiter == d && n == row.len() && extra.is_empty() && self.identity {
            if let Some((_, body)) = row.buf.split_last() {
                self.buf.extend_from_slice(body);
            }
            self.buf.extend_from_slice(self.layout.eol());
            return 0;
        }
        let check = !plain || row.delimiter != d || extra.iter().any(|e| special(e.as_bytes()));
        let mut newlines = 0;
        for j in 0..n {
            if j > 0 {
                self.buf.push(d);
            }
            let field: &[u8] = match order.get(j) {
                Some(_) if j >= row.len() && j - row.len() < extra.len() => {
                    extra[j - row.len()].as_bytes()
                }
                Some(&i) => row.field(i),
                None => b"",
            };
            if check && special(field) {
                newlines += memchr::memchr_iter(b'\n', field).count() as u64;
                self.buf.push(b'"');
                for &b in field {
                    if b == b'"' {
                        self.buf.push(b'"');
                    }
                    self.buf.push(b);
                }
                self.buf.push(b'"');
            } else {
                self.buf.extend_from_slice(field);
            }
        }
        self.buf.extend_from_slice(self.layout.eol());
        newlines
    }

    /// Flushes, appends blank lines, encodes the Windows-1252 file.
    pub fn finish(self) -> io::Result<FileReport> {
        let CsvOut {
            name,
            path,
            mut sink,
            mut buf,
            layout,
            records,
            hits,
            ..
        } = self;
        for _ in 0..layout.blank_lines_at_eof {
            buf.extend_from_slice(layout.eol());
        }
        sink.write_all(&buf)?;
        let bytes = match sink {
            Sink::File(mut f) => {
                f.flush()?;
                f.metadata()?.len()
            }
            Sink::Discard(n) => n,
            Sink::Memory(v) => {
                let text = String::from_utf8(v).map_err(io::Error::other)?;
                let (encoded, _, unmappable) = encoding_rs::WINDOWS_1252.encode(&text);
                if unmappable {
                    return Err(io::Error::other(format!(
                        "{name}: text outside Windows-1252"
                    )));
                }
                std::fs::write(&path, &encoded)?;
                encoded.len() as u64
            }
        };
        Ok(FileReport {
            name,
            rows: records,
            bytes,
            encoding: if layout.cp1252 {
                "windows-1252"
            } else {
                "utf-8"
            },
            bom: layout.bom,
            delimiter: (layout.delimiter as char).to_string(),
            line_ending: if layout.lf { "lf" } else { "crlf" },
            injected: hits.into_values().collect(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_round_trips_and_formats() {
        for day in [-1, 0, 59, 11_016, 19_787, 2_932_896] {
            let (y, m, d) = civil(day);
            assert_eq!(days_from_civil(y, m, d), day);
        }
        let mut b = Vec::new();
        push_datetime(&mut b, 1_709_626_500); // 2024-03-05 08:15:00 UTC
        assert_eq!(b, b"2024-03-05 08:15:00");
    }

    #[test]
    fn row_fields_can_be_replaced() {
        let mut r = Row::default();
        r.s("a").int(42).dec(725, 1).dec(5, 2);
        assert_eq!((r.get(1), r.get(2), r.get(3)), ("42", "72.5", "0.05"));
        r.set(1, "forty-two");
        r.set(0, "");
        assert_eq!((r.get(0), r.get(1), r.get(2)), ("", "forty-two", "72.5"));
    }
}
