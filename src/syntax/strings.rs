//! String literals: quoted source text → value, with escape checking.
//!
//! Input: the text of one `string` token, quotes included, and its offset in
//! the file. Output: the unescaped value and the escapes that are invalid
//! (E0103), each with the exact span of the escape. Invariant: never fails;
//! an invalid escape is kept literally in the value so that building goes on.

use crate::span::Span;

/// An escape sequence that is not valid, with the reason in plain words.
#[derive(Debug, PartialEq)]
pub(crate) struct BadEscape {
    pub span: Span,
    pub text: String,
    pub help: String,
}

/// Unescapes a quoted string token starting at byte `offset` of the file.
pub(crate) fn unescape(quoted: &str, offset: usize) -> (String, Vec<BadEscape>) {
    let inner = quoted
        .strip_prefix('"')
        .and_then(|s| s.strip_suffix('"'))
        .unwrap_or(quoted);
    let inner_offset = offset + 1;
    let mut out = String::with_capacity(inner.len());
    let mut bad = Vec::new();
    let mut chars = inner.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        let Some((j, e)) = chars.next() else {
            // A lone trailing backslash cannot occur in a token the grammar
            // accepted, but keep it rather than fail.
            out.push('\\');
            continue;
        };
        let end = j + e.len_utf8();
        match e {
            '"' => out.push('"'),
            '\\' => out.push('\\'),
            'n' => out.push('\n'),
            't' => out.push('\t'),
            'r' => out.push('\r'),
            'u' => match unicode_escape(&inner[end..]) {
                Ok((ch, used)) => {
                    out.push(ch);
                    for _ in 0..used {
                        chars.next();
                    }
                }
                Err((used, help)) => {
                    let stop = end + used;
                    out.push_str(&inner[i..stop]);
                    for _ in 0..inner[end..stop].chars().count() {
                        chars.next();
                    }
                    bad.push(BadEscape {
                        span: Span::new(inner_offset + i, inner_offset + stop),
                        text: inner[i..stop].to_string(),
                        help,
                    });
                }
            },
            other => {
                out.push('\\');
                out.push(other);
                let help = match other {
                    '\'' => "a single quote needs no escape inside a string: write `'`".to_string(),
                    _ => "the escapes are `\\\"`, `\\\\`, `\\n`, `\\t`, `\\r` and `\\u{…}`; \
                          write `\\\\` for a backslash"
                        .to_string(),
                };
                bad.push(BadEscape {
                    span: Span::new(inner_offset + i, inner_offset + end),
                    text: inner[i..end].to_string(),
                    help,
                });
            }
        }
    }
    (out, bad)
}

/// Parses the `{1F600}` after `\u`. Ok: the char and how many bytes (all
/// ASCII, so also chars) were used; Err: bytes to include in the label.
fn unicode_escape(rest: &str) -> Result<(char, usize), (usize, String)> {
    let help = |what: &str| {
        format!("{what}; a Unicode escape is written `\\u{{1F600}}`: 1 to 6 hex digits in braces")
    };
    if !rest.starts_with('{') {
        return Err((0, help("`\\u` must be followed by `{`")));
    }
    let Some(close) = rest.find('}') else {
        let used = rest
            .chars()
            .take_while(|c| c.is_ascii_hexdigit() || *c == '{')
            .map(char::len_utf8)
            .sum();
        return Err((used, help("this Unicode escape has no closing `}`")));
    };
    let digits = &rest[1..close];
    if digits.is_empty() || digits.len() > 6 || !digits.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err((
            close + 1,
            help(&format!("`{digits}` is not 1 to 6 hex digits")),
        ));
    }
    let value = u32::from_str_radix(digits, 16).unwrap_or(u32::MAX);
    match char::from_u32(value) {
        Some(ch) => Ok((ch, close + 1)),
        None => Err((
            close + 1,
            format!("`{digits}` (hex) is not a Unicode scalar value"),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_and_escaped() {
        let (v, bad) = unescape(r#""a\"b\\c\nd\te\rf""#, 0);
        assert_eq!(v, "a\"b\\c\nd\te\rf");
        assert!(bad.is_empty());
    }

    #[test]
    fn unicode_escapes() {
        let (v, bad) = unescape(r#""x\u{1F600}y\u{e5}""#, 0);
        assert_eq!(v, "x\u{1F600}y\u{e5}");
        assert!(bad.is_empty());
    }

    #[test]
    fn invalid_escape_has_exact_span() {
        // `"ab\qc"` at offset 10: the escape `\q` is bytes 13..15.
        let (v, bad) = unescape(r#""ab\qc""#, 10);
        assert_eq!(v, "ab\\qc");
        assert_eq!(bad.len(), 1);
        assert_eq!(bad[0].span, Span::new(13, 15));
        assert_eq!(bad[0].text, "\\q");
    }

    #[test]
    fn bad_unicode_escapes() {
        for (src, text) in [
            (r#""\u{110000}""#, "\\u{110000}"),
            (r#""\u{D800}""#, "\\u{D800}"),
            (r#""\u{}""#, "\\u{}"),
            (r#""\u{1234567}""#, "\\u{1234567}"),
            (r#""\u41""#, "\\u"),
            (r#""\u{41""#, "\\u{41"),
        ] {
            let (_, bad) = unescape(src, 0);
            assert_eq!(bad.len(), 1, "{src}");
            assert_eq!(bad[0].text, text, "{src}");
        }
    }

    #[test]
    fn non_ascii_content_is_kept() {
        let (v, bad) = unescape("\"Søren \\\"Å\\\"\"", 0);
        assert_eq!(v, "Søren \"Å\"");
        assert!(bad.is_empty());
    }
}
