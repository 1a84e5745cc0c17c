//! Quoted cells that never close, or close only after swallowing records.
//!
//! Input: the body of a decoded CSV file (the text after its header), its
//! delimiter, the physical line the body starts on and the header's widths.
//! Output: a [`QuoteScan`]: each quoted cell that spans lines some of which
//! read as records on their own ([`Swallow`], reported as E0822), the
//! quoted cell that never closes (W0803), and the first quote read as a
//! literal character (`5" screen`).
//! Invariants: quotes follow the csv reader's rules — a `"` opens a quoted
//! cell only at the start of a field, `""` inside one is a quote, any other
//! `"` closes it, and a `"` inside an unquoted cell is a literal; the scan
//! jumps from quote to quote (memchr), so it costs next to nothing on files
//! without multi-line cells. The record-like test is the documented
//! heuristic of E0822: a line inside the cell that, split on its own,
//! has exactly the header's number of fields (named, or with Excel's
//! trailing empty ones), for headers of at least [`MIN_WIDTH`] columns;
//! the line with the closing quote counts only when that quote opens a
//! cell of the line read alone (a note's last line `end of note",x` does not).

use super::bundle::{RejectedRecord, RowIssue};
use super::read::CsvFile;
use super::rows::line32;
use crate::diagnostics::{codes, Code};
use crate::plan::SourcePlan;

/// Narrower headers make the test too weak: one comma in a note line would
/// make it look like a two-column record.
pub const MIN_WIDTH: usize = 3;

/// A quoted cell that spans lines which read as records.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Swallow {
    /// Where the quote opens, and the 0-based field of the cell.
    pub open_line: u64,
    pub column: usize,
    /// The last line inside the cell (its closing quote's, or the file's).
    pub last_line: u64,
    pub closed: bool,
    /// The lines inside the cell that read as records, with their fields.
    pub records: Vec<(u64, Vec<String>)>,
}

/// What following the quotes of a file found.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct QuoteScan {
    pub swallows: Vec<Swallow>,
    /// A quoted cell that is never closed: its opening line, field and last line.
    pub unclosed: Option<(u64, usize, u64)>,
    /// The line of the first `"` read as a literal character.
    pub first_literal: Option<u64>,
}

/// Counts lines forward through the body (positions asked in ascending order).
struct Lines {
    at: usize,
    line: u64,
}

impl Lines {
    fn of(&mut self, body: &[u8], pos: usize) -> u64 {
        if pos > self.at {
            self.line += memchr::memchr_iter(b'\n', &body[self.at..pos]).count() as u64;
            self.at = pos;
        }
        self.line
    }
}

/// The fields of one physical line read on its own (quotes stripped, `""` unescaped).
pub fn line_fields(line: &[u8], delimiter: u8) -> Vec<String> {
    let line = line.strip_suffix(b"\r").unwrap_or(line);
    let mut out = Vec::new();
    let mut cell = Vec::new();
    let mut quoted = false;
    let mut i = 0;
    while i < line.len() {
        let b = line[i];
        if quoted {
            if b == b'"' && line.get(i + 1) == Some(&b'"') {
                cell.push(b'"');
                i += 1;
            } else if b == b'"' {
                quoted = false;
            } else {
                cell.push(b);
            }
        } else if b == delimiter {
            out.push(String::from_utf8_lossy(&cell).into_owned());
            cell.clear();
        } else if b == b'"' && cell.is_empty() {
            quoted = true;
        } else {
            cell.push(b);
        }
        i += 1;
    }
    out.push(String::from_utf8_lossy(&cell).into_owned());
    out
}

impl QuoteScan {
    /// Follows the quotes of `csv`'s body.
    pub fn of(csv: &CsvFile) -> QuoteScan {
        let (body, line) = csv.body();
        Self::scan(body, csv.delimiter, line, (csv.width(), csv.headers.len()))
    }

    /// Follows the quotes of `body` (which starts on `body_line`).
    pub fn scan(body: &[u8], delimiter: u8, body_line: u64, widths: (usize, usize)) -> QuoteScan {
        let mut out = QuoteScan::default();
        let mut lines = Lines {
            at: 0,
            line: body_line,
        };
        let mut record_start = 0;
        let mut i = 0;
        while let Some(q) = memchr::memchr(b'"', &body[i..]) {
            let open = i + q;
            if let Some(nl) = memchr::memrchr(b'\n', &body[i..open]) {
                record_start = i + nl + 1;
            }
            let at_field_start =
                open == 0 || matches!(body[open - 1], b'\n' | b'\r') || body[open - 1] == delimiter;
            if !at_field_start {
                if out.first_literal.is_none() {
                    out.first_literal = Some(lines.of(body, open));
                }
                i = open + 1;
                continue;
            }
            let mut j = open + 1;
            let close = loop {
                match memchr::memchr(b'"', &body[j..]) {
                    None => break None,
                    Some(k) if body.get(j + k + 1) == Some(&b'"') => j += k + 2,
                    Some(k) => break Some(j + k),
                }
            };
            let end = close.unwrap_or(body.len());
            if let Some(nl) = memchr::memchr(b'\n', &body[open..end]) {
                let open_line = lines.of(body, open);
                // The text before the quote ends with the delimiter before the cell.
                let column = line_fields(&body[record_start..open], delimiter).len() - 1;
                let mut records = Vec::new();
                let mut start = open + nl + 1;
                let mut line = open_line + 1;
                let mut last_line = open_line;
                while start < body.len() && start <= end {
                    let stop =
                        memchr::memchr(b'\n', &body[start..]).map_or(body.len(), |k| start + k);
                    let fields = line_fields(&body[start..stop], delimiter);
                    let n = fields.len();
                    // On the closing line of a genuine note the closing quote
                    // ends text (`two",x`); where it opens a cell of the line
                    // read alone (`,"Sales;Store 12"`), the line is a record.
                    let closing_opens = match close {
                        Some(c) if c < stop => c == start || body[c - 1] == delimiter,
                        _ => true,
                    };
                    if widths.0 >= MIN_WIDTH && (n == widths.0 || n == widths.1) && closing_opens {
                        records.push((line, fields));
                    }
                    last_line = line;
                    line += 1;
                    start = stop + 1;
                }
                if close.is_none() {
                    out.unclosed = Some((open_line, column, last_line));
                }
                if !records.is_empty() {
                    out.swallows.push(Swallow {
                        open_line,
                        column,
                        last_line,
                        closed: close.is_some(),
                        records,
                    });
                }
            }
            match close {
                Some(c) => i = c + 1,
                None => break,
            }
        }
        out
    }

    /// The lines where a swallowing cell opens, ascending: their records are rejected.
    pub fn open_lines(&self) -> Vec<u64> {
        self.swallows.iter().map(|s| s.open_line).collect()
    }

    /// E0822 for each swallowing cell and W0803 for a cell that never
    /// closes, at the line where the quote opens.
    pub fn issues(&self, file: &str, csv: &CsvFile) -> Vec<RowIssue> {
        let header = |c: usize| {
            csv.headers
                .get(c)
                .map_or(String::new(), |h| h.original.trim().to_string())
        };
        let issue = |code: Code, line: u64, column: String, message: String| RowIssue {
            code: code.id.to_string(),
            file: file.to_string(),
            line: line32(line),
            column,
            value: String::new(),
            message,
        };
        let mut out = Vec::new();
        for s in &self.swallows {
            let n = s.records.len();
            out.push(issue(
                codes::E0822,
                s.open_line,
                header(s.column),
                format!(
                    "the quoted cell in column {} (`{}`) opens here and {}: lines {}–{} were read into it, {n} of which read as records; this record and those {n} are rejected",
                    s.column + 1,
                    header(s.column),
                    if s.closed { format!("closes only on line {}", s.last_line) } else { "never closes".to_string() },
                    s.open_line + 1,
                    s.last_line,
                ),
            ));
        }
        if let Some((line, column, last)) = self.unclosed {
            out.push(issue(
                codes::W0803,
                line,
                header(column),
                format!(
                    "the quoted cell in column {} (`{}`) opens here and is never closed: lines {}–{last} were read into it",
                    column + 1,
                    header(column),
                    line + 1
                ),
            ));
        } else if let Some(line) = self.first_literal.filter(|_| !csv.quotes_balanced) {
            out.push(issue(
                codes::W0803,
                line,
                String::new(),
                "the file has an odd number of `\"`; every quoted cell closes, and the `\"` first on this line is read as a literal character: check that the record reads right".into(),
            ));
        }
        out
    }

    /// One rejected row per record-like line a cell swallowed (E0822), its
    /// id from the line's own fields.
    pub fn rejected(
        &self,
        file: &str,
        source: &SourcePlan,
        mapping: &[Option<usize>],
    ) -> Vec<RejectedRecord> {
        let mut out = Vec::new();
        for s in &self.swallows {
            for (line, fields) in &s.records {
                let mut id = format!("{}:", source.name);
                for (i, &c) in source.primary_key.iter().enumerate() {
                    if i > 0 {
                        id.push('|');
                    }
                    if let Some(fi) = mapping.get(c as usize).copied().flatten() {
                        id.push_str(fields.get(fi).map_or("", |f| f.trim()));
                    }
                }
                out.push(RejectedRecord {
                    object: source.name.clone(),
                    id,
                    file: file.to_string(),
                    line: line32(*line),
                    code: codes::E0822.id.to_string(),
                    reason: format!(
                        "read into the quoted cell that opens on line {} (E0822)",
                        s.open_line
                    ),
                });
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scan(body: &str) -> QuoteScan {
        QuoteScan::scan(body.as_bytes(), b',', 2, (3, 3))
    }

    #[test]
    fn genuine_multiline_cells_and_literal_quotes_are_not_swallows() {
        let s = scan("1,\"one\r\ntwo, three\",x\r\n2,5\" screen,y\r\n3,\"a \"\"b\"\"\",z\r\n");
        assert_eq!(s.swallows, vec![]);
        assert_eq!((s.unclosed, s.first_literal), (None, Some(4)));
    }

    #[test]
    fn a_quote_closed_late_swallows_the_lines_between() {
        let s = scan("1,\"open,x\n2,b,c\n3,\"\"q\"\",d\n4,\"e\",f\n5,g,h\n");
        assert_eq!(s.unclosed, None);
        assert_eq!(s.swallows.len(), 1);
        let w = &s.swallows[0];
        assert_eq!(
            (w.open_line, w.column, w.last_line, w.closed),
            (2, 1, 5, true)
        );
        let lines: Vec<u64> = w.records.iter().map(|r| r.0).collect();
        assert_eq!(lines, vec![3, 4, 5]);
        assert_eq!(w.records[1].1, vec!["3", "q\"\"", "d"]);
    }

    #[test]
    fn an_unclosed_quote_is_found_at_its_line_and_column() {
        let s = scan("1,a,b\n2,c,\"open\nno record here\n");
        assert_eq!(s.unclosed, Some((3, 2, 4)));
        assert!(s.swallows.is_empty());
        // Too narrow a header: the record test is off.
        let narrow = QuoteScan::scan(b"1,\"open\n2,x\n", b',', 2, (2, 2));
        assert!(narrow.swallows.is_empty() && narrow.unclosed.is_some());
    }
}
