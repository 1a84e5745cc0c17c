//! The printer's engine: logical lines, blocks, blank lines and comments.
//!
//! Input: calls from [`super::items`] in output order, each naming the source
//! span of what it prints. Output: [`Line`]s for [`super::layout::render`].
//! Invariants: every comment of the source is emitted exactly once, before
//! the first line whose node starts after it, or at the end of the line it
//! trailed in the source (a comment inside a node moves to the end of that
//! node's line); blank lines between elements of a block are kept, at most
//! one, never right after `{` or before `}`.

use super::comments::Comment;
use super::layout::Line;

pub struct Printer<'t> {
    pub text: &'t str,
    comments: Vec<Comment>,
    next: usize,
    pub lines: Vec<Line>,
    pub indent: usize,
    /// Source end of the previous element of the current block; `None` right
    /// after `{` (no blank line there).
    prev_end: Option<usize>,
    /// Source offset past the node of the last line: a comment after it with
    /// no newline in between trails that line.
    anchor: usize,
    /// Force a blank line before the next element (between top-level items).
    blank_next: bool,
    next_group: u32,
}

/// What a line holds, for alignment: lines of one kind in a row share a group.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Align {
    No,
    Yes(&'static str),
}

impl<'t> Printer<'t> {
    pub fn new(text: &'t str, comments: Vec<Comment>) -> Self {
        Printer {
            text,
            comments,
            next: 0,
            lines: Vec::new(),
            indent: 0,
            prev_end: None,
            anchor: 0,
            blank_next: false,
            next_group: 1,
        }
    }

    /// Whether a comment not yet emitted starts inside `start..end`.
    pub fn has_comment_in(&self, start: usize, end: usize) -> bool {
        let rest = &self.comments[self.next..];
        let i = rest.partition_point(|c| c.start < start);
        rest.get(i).is_some_and(|c| c.start < end)
    }

    /// The comment that ends exactly at `end`. Comments never overlap, so
    /// they are sorted by their ends as well as by their starts.
    fn comment_ending_at(&self, end: usize) -> Option<&Comment> {
        let i = self.comments.partition_point(|c| c.end < end);
        self.comments.get(i).filter(|c| c.end == end)
    }

    /// Whether the source has an empty line between `a` and `b`.
    fn blank_between(&self, a: usize, b: usize) -> bool {
        if a >= b || b > self.text.len() {
            return false;
        }
        let gap = &self.text[a..b];
        let mut lines = gap.split('\n');
        // The first piece ends the line `a` is on and the last starts the line
        // `b` is on; any piece between them that is blank is an empty line.
        lines.next();
        let mut middle: Vec<&str> = lines.collect();
        middle.pop();
        middle.iter().any(|l| l.trim().is_empty())
    }

    fn take_blank(&mut self, start: usize) -> bool {
        let source = self.prev_end.is_some_and(|e| self.blank_between(e, start));
        let forced = std::mem::take(&mut self.blank_next);
        (source || forced) && !self.lines.is_empty()
    }

    /// Emits every comment that starts before `pos`.
    pub fn flush(&mut self, pos: usize) {
        while let Some(c) = self.comments.get(self.next).cloned() {
            if c.start >= pos {
                break;
            }
            self.next += 1;
            let text = c.text(self.text).to_string();
            let same_line = c.start < self.anchor
                || self
                    .text
                    .get(self.anchor..c.start)
                    .is_none_or(|gap| !gap.contains('\n'));
            let trails = same_line && self.lines.last().is_some_and(|l| !l.ends_in_line_comment());
            if trails {
                if let Some(l) = self.lines.last_mut() {
                    l.trailing.push(text);
                }
            } else {
                let blank = self.take_blank(c.start);
                self.lines.push(Line {
                    indent: self.indent,
                    body: text,
                    blank_before: blank,
                    own_comment: true,
                    ..Line::default()
                });
            }
            self.anchor = self.anchor.max(c.end);
            self.prev_end = Some(self.prev_end.map_or(c.end, |e| e.max(c.end)));
        }
    }

    /// `end` moved back over white space and comments. A node's span may
    /// include the trivia after it (a pest rule that ends in a repetition
    /// keeps the white space it skipped), and a comment there must count as
    /// after the node, not inside it.
    fn content_end(&self, start: usize, end: usize) -> usize {
        let mut end = end.min(self.text.len());
        loop {
            let trimmed = self.text[start.min(end)..end].trim_end();
            end = start.min(end) + trimmed.len();
            match self.comment_ending_at(end).filter(|c| c.start >= start) {
                Some(c) => end = c.start,
                None => return end,
            }
        }
    }

    /// Adds a line for the node spanning `start..end` (its comments first).
    /// `head` is padded to the widest head of its group when aligned.
    pub fn line(&mut self, start: usize, end: usize, head: String, align: Align, body: String) {
        let end = if end > start {
            self.content_end(start, end)
        } else {
            end
        };
        self.flush(start);
        let blank = self.take_blank(start);
        let (sep, group) = match align {
            Align::No => ("", 0),
            Align::Yes(sep) => {
                let joins = !blank
                    && self
                        .lines
                        .last()
                        .is_some_and(|l| l.group != 0 && l.sep == sep && l.indent == self.indent);
                let group = if joins {
                    self.lines.last().map_or(0, |l| l.group)
                } else {
                    self.next_group += 1;
                    self.next_group
                };
                (sep, group)
            }
        };
        self.lines.push(Line {
            indent: self.indent,
            head,
            sep,
            body,
            trailing: Vec::new(),
            blank_before: blank,
            group,
            own_comment: false,
        });
        self.anchor = end;
        self.prev_end = Some(end);
    }

    /// Opens a block after a header line: deeper indent, no blank line next.
    pub fn open(&mut self) {
        self.indent += 1;
        self.prev_end = None;
        self.blank_next = false;
    }

    /// Closes a block whose `}` is at `close` (comments before it stay inside).
    pub fn close(&mut self, close: usize) {
        self.flush(close);
        self.indent -= 1;
        self.prev_end = None;
        self.line(close, close + 1, String::new(), Align::No, "}".to_string());
    }

    /// The next element gets a blank line before it, whatever the source had.
    pub fn force_blank(&mut self) {
        self.blank_next = true;
    }

    /// Marks the start of a sequence of elements whose blank lines are taken
    /// from the source (after a block's last `}`, between top-level items).
    pub fn set_prev_end(&mut self, end: usize) {
        self.prev_end = Some(end);
    }

    /// Emits the comments left at the end of the file.
    pub fn finish(&mut self) {
        self.flush(usize::MAX);
    }

    /// Position of the `}` that closes the node spanning `start..end`: the last
    /// `}` of the span outside comments, or `end` if there is none.
    pub fn close_pos(&self, start: usize, end: usize) -> usize {
        let end = end.min(self.text.len());
        let bytes = self.text.as_bytes();
        let mut i = end;
        while i > start {
            i -= 1;
            if bytes[i] == b'}' && !self.in_comment(i) {
                return i;
            }
            if !bytes[i].is_ascii_whitespace() && !self.in_comment(i) {
                break;
            }
        }
        end
    }

    fn in_comment(&self, pos: usize) -> bool {
        let i = self.comments.partition_point(|c| c.end <= pos);
        self.comments.get(i).is_some_and(|c| c.start <= pos)
    }
}
