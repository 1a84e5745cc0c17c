//! Comment scanning: source text → every `//` and `/* */` comment with its span.
//!
//! Input: the text of a `.ferry` file (normally one that parsed). Output: the
//! comments in source order. Invariants: string literals are skipped (a `//`
//! inside `"…"` is not a comment); a line comment ends before its newline (and
//! before a `\r` of a CRLF ending); an unterminated block comment runs to the
//! end of the text. The AST has no comments, so the printer re-attaches these
//! by position.

/// One comment as written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Comment {
    /// Byte offset of the first `/`.
    pub start: usize,
    /// Byte offset just past the comment (past `*/`, or before the newline).
    pub end: usize,
    /// `true` for `/* … */`.
    pub block: bool,
}

impl Comment {
    /// The comment text, without trailing whitespace of a line comment.
    pub fn text<'t>(&self, source: &'t str) -> &'t str {
        let raw = &source[self.start..self.end];
        if self.block {
            raw
        } else {
            raw.trim_end()
        }
    }
}

/// Scans `text` for comments, skipping string literals.
pub fn scan(text: &str) -> Vec<Comment> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'"' => i = skip_string(bytes, i),
            b'/' if bytes.get(i + 1) == Some(&b'/') => {
                let end = bytes[i..]
                    .iter()
                    .position(|&b| b == b'\n')
                    .map_or(bytes.len(), |n| i + n);
                // A CRLF file: the `\r` belongs to the line break, not the comment.
                let end = if end > i && bytes[end - 1] == b'\r' {
                    end - 1
                } else {
                    end
                };
                out.push(Comment {
                    start: i,
                    end,
                    block: false,
                });
                i = end;
            }
            b'/' if bytes.get(i + 1) == Some(&b'*') => {
                let end = block_end(bytes, i);
                out.push(Comment {
                    start: i,
                    end,
                    block: true,
                });
                i = end;
            }
            _ => i += 1,
        }
    }
    out
}

/// Offset just past the closing quote of the string starting at `start`.
fn skip_string(bytes: &[u8], start: usize) -> usize {
    let mut i = start + 1;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 2,
            b'"' => return i + 1,
            // Strings do not span lines; stop so one stray quote cannot hide
            // every comment after it.
            b'\n' => return i,
            _ => i += 1,
        }
    }
    bytes.len()
}

/// Offset just past the `*/` that closes the block comment at `start`.
/// Block comments do not nest: the first `*/` ends one, as in the grammar.
fn block_end(bytes: &[u8], start: usize) -> usize {
    bytes[start + 2..]
        .windows(2)
        .position(|w| w == b"*/")
        .map_or(bytes.len(), |n| start + 2 + n + 2)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(src: &str) -> Vec<&str> {
        scan(src).iter().map(|c| c.text(src)).collect()
    }

    #[test]
    fn finds_line_and_block_comments() {
        let src = "a = 1 // one  \n/* two */ b = \"x\"\r\n// three\r\n";
        assert_eq!(texts(src), ["// one", "/* two */", "// three"]);
    }

    #[test]
    fn skips_strings_with_escapes() {
        let src = r#"a = "http://x \" // not" // yes"#;
        assert_eq!(texts(src), ["// yes"]);
    }

    #[test]
    fn block_comments_do_not_nest_and_may_be_unterminated() {
        assert_eq!(texts("/* a /* b */ c */ d"), ["/* a /* b */"]);
        assert_eq!(texts("/**/ x"), ["/**/"]);
        assert_eq!(texts("x /* open"), ["/* open"]);
    }
}
