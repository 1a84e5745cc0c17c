//! Fast path: one clean item, straight from the text to the AST.
//!
//! Input: the text of a file and the offset where an item starts. Output:
//! `Some((item, end))` when the item parses cleanly, `None` when this path
//! gives up; the caller then parses the item with pest (`grammar/ferry.pest`)
//! and the builder ([`super::build`]), which also explain any error.
//!
//! Why: pest's generic combinators and the pair tree cost most of the parse
//! time (issue 2: 5,000 lines in under 25 ms), and nearly every item in a
//! real file is clean. This is a hand-written recursive descent over the
//! same grammar, rule for rule (each function names the rule it mirrors).
//!
//! Invariants:
//! * Same result or none: when it returns an item, pest and the builder
//!   would have produced exactly that item (spans included), the same end
//!   offset, and no diagnostic. It gives up, rather than guess, on anything
//!   it does not mirror exactly: a character outside ASCII outside strings
//!   and comments (pest's Unicode classes), an unterminated comment, a
//!   construct the builder would report on (bad escape, number out of range,
//!   unknown modifier or keep policy, bad reason, chained comparison, dotted
//!   call), and every syntax error. A choice is only made on what the
//!   grammar's alternatives require (a first character, a whole keyword), so
//!   an alternative it rules out would also fail in pest; once it commits to
//!   an alternative, any failure gives up instead of backtracking.
//! * Spans run from the first to the last token of a node: exactly what
//!   [`super::build::Ctx::span`] makes of pest's spans after trimming trivia.
//! * Never panics; nesting deeper than [`MAX_NESTING`] gives up (the
//!   pre-scan's E0117 limit is lower, so valid input never reaches it).
//! * `tests/syntax.rs` (`fast_path_matches_pest`) checks it against the pest
//!   path on every spec, example and error-corpus file and mutations of them.

mod expr;
mod flow;
mod items;

use super::ast::{Ident, Item, StrLit};
#[cfg(doc)]
use super::errors::RESERVED;
use super::scan::is_ident_char;
use super::strings;
use crate::span::Span;

/// Recursion limit of expressions, above the pre-scan's E0117 limit.
const MAX_NESTING: usize = 2 * super::scan::MAX_DEPTH;

/// The fast path gave up: the pest path decides.
#[derive(Debug)]
pub(super) struct GiveUp;

type Res<T> = Result<T, GiveUp>;

/// Parses the item starting at `start` (a token, not trivia).
pub(super) fn item(text: &str, start: usize) -> Option<(Item, usize)> {
    let mut c = Cursor {
        text,
        b: text.as_bytes(),
        pos: start,
        end: start,
        depth: 0,
        parens: Vec::new(),
    };
    let kind = items::item_kind(&mut c).ok()?;
    let span = Span::new(start, c.end);
    Some((Item { kind, span }, c.end))
}

/// Position in the text of one item.
pub(super) struct Cursor<'t> {
    text: &'t str,
    b: &'t [u8],
    /// Where matching continues; trivia may have been skipped up to here.
    pos: usize,
    /// End of the last token taken: where the node being built ends.
    end: usize,
    depth: usize,
    /// Spans of parenthesised expressions, for the chained-comparison rule
    /// (the builder's `Ctx::mark_parenthesised`).
    parens: Vec<Span>,
}

/// The grammar's `reserved` words (also [`RESERVED`]), which are never
/// names. A `match` rather than a list search: every name is checked.
fn is_reserved(word: &str) -> bool {
    matches!(
        word,
        "and"
            | "by"
            | "clear"
            | "else"
            | "false"
            | "flag"
            | "if"
            | "in"
            | "keep"
            | "not"
            | "null"
            | "or"
            | "placeholder"
            | "skip"
            | "then"
            | "true"
            | "where"
    )
}

impl<'t> Cursor<'t> {
    fn at(&self, i: usize) -> u8 {
        self.b.get(i).copied().unwrap_or(0)
    }

    fn peek(&self) -> u8 {
        self.at(self.pos)
    }

    fn rest(&self) -> &'t [u8] {
        self.b.get(self.pos..).unwrap_or_default()
    }

    /// Takes `len` bytes as (the rest of) a token.
    fn take(&mut self, len: usize) {
        self.pos += len;
        self.end = self.pos;
    }

    fn span_from(&self, start: usize) -> Span {
        Span::new(start, self.end)
    }

    /// `WHITESPACE`: blanks and comments. Gives up on other Unicode white
    /// space (pest skips it, the pre-scan reports it) and on an unterminated
    /// block comment.
    fn skip(&mut self) -> Res<()> {
        // Most calls find a token right away.
        match self.peek() {
            b' ' | b'\t' | b'\r' | b'\n' | b'/' | 0x0B | 0x0C | 0x80.. => self.skip_trivia(),
            _ => Ok(()),
        }
    }

    fn skip_trivia(&mut self) -> Res<()> {
        loop {
            let blanks = self
                .rest()
                .iter()
                .take_while(|b| matches!(b, b' ' | b'\t' | b'\r' | b'\n'));
            self.pos += blanks.count();
            match self.peek() {
                b'/' => match self.at(self.pos + 1) {
                    b'/' => {
                        self.pos = memchr::memchr(b'\n', self.rest())
                            .map_or(self.b.len(), |n| self.pos + n);
                    }
                    b'*' => {
                        let body = self.b.get(self.pos + 2..).unwrap_or_default();
                        let n = memchr::memmem::find(body, b"*/").ok_or(GiveUp)?;
                        self.pos += 2 + n + 2;
                    }
                    _ => return Ok(()),
                },
                0x0B | 0x0C | 0x80.. => return Err(GiveUp),
                _ => return Ok(()),
            }
        }
    }

    /// Skips trivia and returns the next byte (0 at the end).
    fn next(&mut self) -> Res<u8> {
        self.skip()?;
        Ok(self.peek())
    }

    /// The run of ASCII name characters at `pos` (maybe empty). Gives up if
    /// a non-ASCII character follows: pest's XID classes might extend it.
    fn word(&self) -> Res<&'t str> {
        self.word_at(self.pos)
    }

    fn word_at(&self, i: usize) -> Res<&'t str> {
        let rest = self.b.get(i..).unwrap_or_default();
        let n = rest.iter().take_while(|&&b| is_ident_char(b)).count();
        if self.at(i + n) >= 0x80 {
            return Err(GiveUp);
        }
        Ok(&self.text[i..i + n])
    }

    /// The next word, after trivia (not taken).
    fn next_word(&mut self) -> Res<&'t str> {
        self.skip()?;
        self.word()
    }

    /// `kw_* = @{ "kw" ~ !ident_char }`: takes the keyword if it is next.
    fn keyword(&mut self, kw: &str) -> Res<bool> {
        if self.next_word()? == kw {
            self.take(kw.len());
            return Ok(true);
        }
        Ok(false)
    }

    fn expect_keyword(&mut self, kw: &str) -> Res<()> {
        self.keyword(kw)?.then_some(()).ok_or(GiveUp)
    }

    /// A one-byte punctuation token, taken if it is next.
    fn punct(&mut self, p: u8) -> Res<bool> {
        if self.next()? == p {
            self.take(1);
            return Ok(true);
        }
        Ok(false)
    }

    fn expect(&mut self, p: u8) -> Res<()> {
        self.punct(p)?.then_some(()).ok_or(GiveUp)
    }

    /// A two-byte token (`->`, `=>`), which must be next.
    fn expect2(&mut self, p: &[u8; 2]) -> Res<()> {
        self.skip()?;
        if self.b[self.pos..].starts_with(p) {
            self.take(2);
            return Ok(());
        }
        Err(GiveUp)
    }

    /// `assign = @{ "=" ~ !("=" | ">") }`, which must be next.
    fn expect_assign(&mut self) -> Res<()> {
        if self.next()? == b'=' && !matches!(self.at(self.pos + 1), b'=' | b'>') {
            self.take(1);
            return Ok(());
        }
        Err(GiveUp)
    }

    /// A name at `pos` exactly (no trivia skipped): `ident_body`, i.e. not
    /// a reserved word. `None` when there is none.
    fn name_here(&mut self) -> Res<Option<Ident>> {
        match self.peek() {
            b'a'..=b'z' | b'A'..=b'Z' | b'_' => {}
            0x80.. => return Err(GiveUp),
            _ => return Ok(None),
        }
        let word = self.word()?;
        if is_reserved(word) {
            return Ok(None);
        }
        let start = self.pos;
        self.take(word.len());
        Ok(Some(Ident {
            name: word.to_string(),
            span: self.span_from(start),
        }))
    }

    /// Whether a name is next, after trivia (not taken).
    fn name_next(&mut self) -> Res<bool> {
        match self.next()? {
            b'a'..=b'z' | b'A'..=b'Z' | b'_' => Ok(!is_reserved(self.word()?)),
            0x80.. => Err(GiveUp),
            _ => Ok(false),
        }
    }

    /// Any of the grammar's `*_name` rules, after trivia.
    fn name(&mut self) -> Res<Option<Ident>> {
        self.skip()?;
        self.name_here()
    }

    fn expect_name(&mut self) -> Res<Ident> {
        self.name()?.ok_or(GiveUp)
    }

    /// `string`, after trivia; unescaped. Gives up on an invalid escape
    /// (the builder reports E0103) and on a string not closed on its line.
    fn string(&mut self) -> Res<StrLit> {
        if self.next()? != b'"' {
            return Err(GiveUp);
        }
        let start = self.pos;
        let mut i = start + 1;
        loop {
            match self.b.get(i) {
                Some(b'"') => break,
                None | Some(b'\n') => return Err(GiveUp),
                // An escape takes the next character whatever it is (the
                // continuation bytes of a wide one are taken one by one).
                Some(b'\\') => match self.b.get(i + 1) {
                    None | Some(b'\n') => return Err(GiveUp),
                    Some(_) => i += 2,
                },
                Some(_) => i += 1,
            }
        }
        self.take(i + 1 - start);
        let span = self.span_from(start);
        let (value, bad) = strings::unescape(&self.text[start..span.end], start);
        if !bad.is_empty() {
            return Err(GiveUp);
        }
        Ok(StrLit { value, span })
    }

    /// Counts one level of expression nesting.
    fn enter(&mut self) -> Res<()> {
        self.depth += 1;
        if self.depth > MAX_NESTING {
            return Err(GiveUp);
        }
        Ok(())
    }

    fn leave(&mut self) {
        self.depth -= 1;
    }
}

#[cfg(test)]
mod tests;

#[cfg(test)]
mod cursor_tests {
    use super::*;
    use crate::syntax::errors::RESERVED;

    fn cursor(text: &str) -> Cursor<'_> {
        Cursor {
            text,
            b: text.as_bytes(),
            pos: 0,
            end: 0,
            depth: 0,
            parens: Vec::new(),
        }
    }

    #[test]
    fn trivia_and_words() {
        let mut c = cursor("  // a\n /* b */ where_x");
        assert_eq!(c.next_word().ok(), Some("where_x"));
        assert!(!c.keyword("where").unwrap());
        assert!(c.keyword("where_x").unwrap());
        assert_eq!(c.end, 23);
        assert!(cursor("/* open").skip().is_err());
        assert!(cursor("\u{a0}x").skip().is_err());
        assert!(cursor("naïve").word().is_err());
    }

    #[test]
    fn reserved_words_are_the_grammars() {
        assert!(RESERVED.iter().all(|w| is_reserved(w)));
        assert_eq!(RESERVED.len(), 17);
        assert!(!is_reserved("andx") && !is_reserved("Where") && !is_reserved(""));
    }

    #[test]
    fn names_exclude_reserved_words() {
        assert!(cursor("where").name().unwrap().is_none());
        assert!(cursor("9a").name().unwrap().is_none());
        let n = cursor(" _x9 ").name().unwrap().expect("a name");
        assert_eq!((n.name.as_str(), n.span), ("_x9", Span::new(1, 4)));
    }

    #[test]
    fn strings_give_up_where_the_builder_would_report() {
        let s = cursor(r#""a\"b\u{e9}" x"#).string().expect("a string");
        assert_eq!(s.value, "a\"bé");
        assert_eq!(s.span, Span::new(0, 12));
        assert!(cursor(r#""bad \q""#).string().is_err());
        assert!(cursor("\"open\n\"").string().is_err());
        assert!(cursor("\"open\\").string().is_err());
        assert!(cursor("\"open").string().is_err());
    }
}
