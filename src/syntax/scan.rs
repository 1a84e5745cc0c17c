//! Lexical pre-scan of a whole file, independent of the grammar.
//!
//! Input: the text of one `.ferry` file. Output: where items may start (for
//! error recovery) and the lexical problems pest cannot describe well: an
//! unterminated string (E0102) or block comment (E0107), a character that
//! starts no token (E0114), and nesting too deep to parse safely (E0117).
//! Also answers "which bracket is never closed?" for a region (E0112).
//! Invariants: never panics; every span lies on char boundaries of the text;
//! strings and comments are skipped exactly as the grammar skips them.

use crate::span::Span;

/// Item keywords that may start a line where recovery resumes.
pub(crate) const ITEM_KEYWORDS: &[&str] = &[
    "migration",
    "options",
    "import",
    "source",
    "custom",
    "values",
    "table",
    "owners",
    "route",
    "split",
    "merge",
    "reference",
    "test",
];

/// Deepest expression nesting (operators and brackets along one path) that
/// is parsed; deeper input is rejected before pest and the AST builder,
/// whose recursion it would otherwise exhaust.
pub(crate) const MAX_DEPTH: usize = 200;

#[derive(Clone, Debug, PartialEq)]
pub(crate) enum IssueKind {
    UnterminatedString,
    UnterminatedComment,
    InvalidChar(char),
    TooDeep,
}

#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Issue {
    pub kind: IssueKind,
    pub span: Span,
}

#[derive(Debug, Default)]
pub(crate) struct Scan {
    /// Sorted offsets of lines' first tokens that look like an item start.
    pub item_starts: Vec<usize>,
    /// Sorted by position.
    pub issues: Vec<Issue>,
    /// Every complete comment, sorted (a line comment ends before its `\n`).
    pub comments: Vec<Span>,
}

impl Scan {
    /// Where recovery resumes after a broken item starting at `pos`.
    pub fn next_item_start(&self, pos: usize, len: usize) -> usize {
        let i = self.item_starts.partition_point(|&s| s <= pos);
        self.item_starts.get(i).copied().unwrap_or(len)
    }

    /// `end` moved back over blanks and comments (not before `start`):
    /// pest includes the trivia after a rule that ends in an optional part.
    pub fn trim_trivia(&self, text: &[u8], start: usize, mut end: usize) -> usize {
        // Most spans end in a token: nothing to trim. (A comment ends in `/`
        // or is followed by a blank, unless it ends the file.)
        if end < text.len()
            && !matches!(
                text.get(end.wrapping_sub(1)),
                Some(b' ' | b'\t' | b'\r' | b'\n' | b'/')
            )
        {
            return end;
        }
        loop {
            while end > start && matches!(text.get(end - 1), Some(b' ' | b'\t' | b'\r' | b'\n')) {
                end -= 1;
            }
            // A comment that ends here, or that the blanks just removed
            // ended (a line comment keeps the blanks and `\r` before its
            // `\n`): `end` never lies inside a comment otherwise.
            let i = self.comments.partition_point(|c| c.end < end);
            match self.comments.get(i) {
                Some(c) if c.start < end && c.start >= start => end = c.start,
                _ => return end,
            }
        }
    }

    /// Issues whose start lies in `start..end`.
    pub fn issues_in(&self, start: usize, end: usize) -> impl Iterator<Item = (usize, &Issue)> {
        let from = self.issues.partition_point(|i| i.span.start < start);
        self.issues[from..]
            .iter()
            .enumerate()
            .take_while(move |(_, i)| i.span.start < end)
            .map(move |(k, i)| (from + k, i))
    }
}

fn is_ident_start(b: u8) -> bool {
    b.is_ascii_alphabetic() || b == b'_'
}

/// ASCII letters, digits and `_`: one lookup, as every byte of every name
/// goes through it.
const IDENT_CHARS: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 256 {
        table[b] = (b as u8).is_ascii_alphanumeric() || b == b'_' as usize;
        b += 1;
    }
    table
};

pub(crate) fn is_ident_char(b: u8) -> bool {
    IDENT_CHARS[usize::from(b)]
}

/// End of the string token starting at `start` (a `"`), or `Err(end of
/// line)` when it is not closed on its line.
pub(crate) fn string_end(bytes: &[u8], start: usize) -> Result<usize, usize> {
    let mut i = start + 1;
    while let Some(n) = memchr::memchr3(b'"', b'\\', b'\n', &bytes[i.min(bytes.len())..]) {
        i += n;
        match bytes[i] {
            b'"' => return Ok(i + 1),
            b'\n' => return Err(i),
            b'\\' if bytes.get(i + 1).is_some_and(|&b| b != b'\n') => i += 2,
            _ => i += 1,
        }
    }
    Err(bytes.len())
}

/// End of the comment starting at `start` (`//` or `/*`), or `Err` for an
/// unterminated block comment.
fn comment_end(text: &str, start: usize) -> Result<usize, ()> {
    let rest = &text[start..];
    if rest.starts_with("//") {
        Ok(rest.find('\n').map_or(text.len(), |n| start + n))
    } else {
        rest[2..].find("*/").map(|n| start + 2 + n + 2).ok_or(())
    }
}

/// Does the line starting at `i` (first non-blank byte) look like an item
/// start: an item keyword, then a name, a string or `{`?
fn looks_like_item(bytes: &[u8], i: usize) -> bool {
    let word = &bytes[i..i + ident_len(bytes, i)];
    if !ITEM_KEYWORDS.iter().any(|kw| kw.as_bytes() == word) {
        return false;
    }
    let mut j = i + word.len();
    while bytes.get(j).is_some_and(|&b| b == b' ' || b == b'\t') {
        j += 1;
    }
    bytes
        .get(j)
        .is_some_and(|&b| is_ident_start(b) || b == b'"' || b == b'{')
}

/// Length of the run of name characters at `i`.
fn ident_len(bytes: &[u8], i: usize) -> usize {
    bytes[i..].iter().take_while(|&&b| is_ident_char(b)).count()
}

/// Scans the whole file once.
pub(crate) fn scan(text: &str) -> Scan {
    let bytes = text.as_bytes();
    let mut out = Scan::default();
    let mut line_start = true;
    // Depth accounting: `depth` approximates the nesting of the expression
    // tree along the current path; `bases` remembers it at each open bracket.
    let mut depth = 0usize;
    let mut bases: Vec<usize> = Vec::new();
    // Once an expression is reported too deep, stay quiet until its item ends.
    let mut deep_reported = false;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if b == b'\n' {
            line_start = true;
            i += 1;
            continue;
        }
        if b == b' ' || b == b'\t' || b == b'\r' {
            i += 1;
            continue;
        }
        let at_line_start = std::mem::replace(&mut line_start, false);
        if at_line_start && looks_like_item(bytes, i) {
            out.item_starts.push(i);
            deep_reported = false;
            depth = 0;
            bases.clear();
        }
        let mut bump = 0usize;
        let next = match b {
            b'/' if matches!(bytes.get(i + 1), Some(b'/') | Some(b'*')) => {
                match comment_end(text, i) {
                    Ok(end) => {
                        out.comments.push(Span::new(i, end));
                        end
                    }
                    Err(()) => {
                        out.issues.push(Issue {
                            kind: IssueKind::UnterminatedComment,
                            span: Span::new(i, i + 2),
                        });
                        bytes.len()
                    }
                }
            }
            b'"' => match string_end(bytes, i) {
                Ok(end) => end,
                Err(eol) => {
                    out.issues.push(Issue {
                        kind: IssueKind::UnterminatedString,
                        span: Span::new(i, i + 1),
                    });
                    eol
                }
            },
            _ if is_ident_start(b) => {
                let j = i + ident_len(bytes, i);
                if j - i <= 5
                    && matches!(
                        &bytes[i..j],
                        b"and" | b"or" | b"not" | b"in" | b"if" | b"where"
                    )
                {
                    bump = 1;
                }
                j
            }
            _ if b.is_ascii_digit() => {
                let mut j = i + 1;
                while j < bytes.len() && (bytes[j].is_ascii_digit() || bytes[j] == b'.') {
                    j += 1;
                }
                j
            }
            b'(' | b'[' | b'{' => {
                bases.push(depth);
                bump = 1;
                i + 1
            }
            b')' | b']' | b'}' => {
                depth = bases.pop().map_or(0, |d| d + 1);
                if bases.is_empty() {
                    deep_reported = false;
                }
                i + 1
            }
            b'=' | b'!' | b'<' | b'>' if bytes.get(i + 1) == Some(&b'=') => {
                bump = 1;
                i + 2
            }
            b'=' | b',' | b'-' if b != b'-' || bytes.get(i + 1) == Some(&b'>') => {
                // `=`, `=>`, `,`, `->` start a new expression: depth resets
                // to that of the enclosing bracket.
                depth = bases.last().map_or(0, |d| d + 1);
                if b != b',' && bytes.get(i + 1) == Some(&b'>') {
                    i + 2
                } else {
                    i + 1
                }
            }
            b'?' if bytes.get(i + 1) == Some(&b'?') => {
                bump = 1;
                i + 2
            }
            b'<' | b'>' | b'+' | b'-' | b'*' | b'/' | b'.' => {
                bump = 1;
                i + 1
            }
            b':' => i + 1,
            _ => {
                let ch = text[i..].chars().next().unwrap_or('\u{FFFD}');
                out.issues.push(Issue {
                    kind: IssueKind::InvalidChar(ch),
                    span: Span::new(i, i + ch.len_utf8()),
                });
                i + ch.len_utf8()
            }
        };
        if bump > 0 {
            depth += bump;
            if depth > MAX_DEPTH && !deep_reported {
                out.issues.push(Issue {
                    kind: IssueKind::TooDeep,
                    span: Span::new(i, next.min(bytes.len())),
                });
                deep_reported = true;
            }
        }
        i = next;
    }
    out
}

/// A bracket that is never closed in a region, innermost first.
#[derive(Debug, PartialEq)]
pub(crate) struct Unclosed {
    pub open: Span,
    pub open_char: char,
    /// A closer of another kind met while this one was open.
    pub wrong_closer: Option<(Span, char)>,
}

/// Which `{ ( [` in `text[start..end]` is never closed, if any.
pub(crate) fn unclosed(text: &str, start: usize, end: usize) -> Option<Unclosed> {
    let bytes = text.as_bytes();
    let end = end.min(bytes.len());
    let mut stack: Vec<(usize, u8)> = Vec::new();
    let mut i = start;
    while i < end {
        let b = bytes[i];
        match b {
            b'/' if matches!(bytes.get(i + 1), Some(b'/') | Some(b'*')) => {
                i = comment_end(text, i).unwrap_or(bytes.len());
                continue;
            }
            b'"' => {
                i = string_end(bytes, i).unwrap_or_else(|eol| eol);
                continue;
            }
            b'(' | b'[' | b'{' => stack.push((i, b)),
            b')' | b']' | b'}' => {
                let want = match b {
                    b')' => b'(',
                    b']' => b'[',
                    _ => b'{',
                };
                match stack.last() {
                    Some(&(_, open)) if open == want => {
                        stack.pop();
                    }
                    Some(&(pos, open)) => {
                        return Some(Unclosed {
                            open: Span::new(pos, pos + 1),
                            open_char: open as char,
                            wrong_closer: Some((Span::new(i, i + 1), b as char)),
                        });
                    }
                    // A stray closer is for the grammar to report.
                    None => {}
                }
            }
            _ => {}
        }
        i += 1;
    }
    stack.last().map(|&(pos, open)| Unclosed {
        open: Span::new(pos, pos + 1),
        open_char: open as char,
        wrong_closer: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn item_starts_skip_strings_comments_and_fields() {
        let text = "migration a -> b\n/* route x -> y {\n*/ route c -> D {\n  source = 1\n}\n  split s {\n}\n";
        let s = scan(text);
        let starts: Vec<&str> = s.item_starts.iter().map(|&i| &text[i..i + 5]).collect();
        assert_eq!(starts, ["migra", "split"]);
        assert!(s.issues.is_empty());
    }

    #[test]
    fn lexical_issues() {
        let s = scan("a = \"abc\nb = 1 ; c\n/* open");
        let kinds: Vec<&IssueKind> = s.issues.iter().map(|i| &i.kind).collect();
        assert_eq!(
            kinds,
            [
                &IssueKind::UnterminatedString,
                &IssueKind::InvalidChar(';'),
                &IssueKind::UnterminatedComment
            ]
        );
        assert_eq!(s.issues[0].span, Span::new(4, 5));
    }

    #[test]
    fn deep_nesting_is_flagged_once() {
        let text = format!("x = {}1{}", "(".repeat(300), ")".repeat(300));
        let s = scan(&text);
        assert_eq!(s.issues.len(), 1);
        assert_eq!(s.issues[0].kind, IssueKind::TooDeep);
        let chain = format!("x = a{}", " ?? a".repeat(300));
        assert_eq!(scan(&chain).issues.len(), 1);
        let many = "x = a ?? b\n".repeat(300);
        assert!(scan(&many).issues.is_empty());
    }

    #[test]
    fn unclosed_brackets() {
        let text = "route a -> B {\n  X = f(a, b\n}\n";
        let u = unclosed(text, 0, text.len()).expect("unclosed");
        assert_eq!(u.open_char, '(');
        assert_eq!(u.wrong_closer.map(|(_, c)| c), Some('}'));
        let text = "route a -> B {\n  X = \"{\" // {\n";
        let u = unclosed(text, 0, text.len()).expect("unclosed");
        assert_eq!(u.open, Span::new(13, 14));
        assert!(unclosed("a { b ( c ) [ ] }", 0, 17).is_none());
    }
}
