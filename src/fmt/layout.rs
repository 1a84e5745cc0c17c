//! Logical lines → final text: alignment and trailing comments.
//!
//! Input: the [`Line`]s the printer built, in order. Output: the file text.
//! Invariants: lines of one alignment group have their heads padded to the
//! widest head of the group; the trailing comments of a paragraph (adjacent
//! one-line code lines at one indent) start in one column, three spaces past
//! the widest commented line; no line ends in whitespace; the text ends
//! in exactly one newline (or is empty).

use super::expr::INDENT;

/// Spaces between code and a trailing comment (on the widest line of a run).
const COMMENT_GAP: usize = 3;

/// One logical line: a head that may be aligned, the rest, and comments.
#[derive(Debug, Default)]
pub struct Line {
    pub indent: usize,
    /// Padded to the widest head of its group; `sep` follows it.
    pub head: String,
    pub sep: &'static str,
    /// May hold `\n` followed by continuation lines with their own indentation.
    pub body: String,
    /// Comments that end this line, written in order.
    pub trailing: Vec<String>,
    pub blank_before: bool,
    /// Alignment group; 0 means "not aligned".
    pub group: u32,
    /// A comment on a line of its own (`body` is the comment).
    pub own_comment: bool,
}

impl Line {
    /// Whether a `//` comment already ends this line (nothing may follow it).
    pub fn ends_in_line_comment(&self) -> bool {
        match self.trailing.last() {
            Some(c) => c.starts_with("//"),
            None => self.own_comment && self.body.starts_with("//"),
        }
    }
}

/// Renders the lines to the final text.
pub fn render(lines: &[Line]) -> String {
    let widths = group_widths(lines);
    let code: Vec<String> = lines
        .iter()
        .map(|l| {
            let mut s = INDENT.repeat(l.indent);
            if l.group != 0 || !l.head.is_empty() {
                s.push_str(&l.head);
                let w = widths.get(&l.group).copied().unwrap_or(0);
                if l.group != 0 {
                    for _ in l.head.chars().count()..w {
                        s.push(' ');
                    }
                }
                s.push_str(l.sep);
            }
            s.push_str(&l.body);
            s
        })
        .collect();
    let columns = comment_columns(lines, &code);
    let mut out = String::new();
    for (i, (line, text)) in lines.iter().zip(&code).enumerate() {
        if line.blank_before && i > 0 {
            out.push('\n');
        }
        out.push_str(text);
        if !line.trailing.is_empty() {
            let last = text.rsplit('\n').next().unwrap_or("");
            let width = last.chars().count();
            let target = columns[i].unwrap_or(width + COMMENT_GAP);
            let pad = if last.trim().is_empty() {
                0
            } else {
                target.saturating_sub(width).max(1)
            };
            out.extend(std::iter::repeat_n(' ', pad));
            out.push_str(&line.trailing.join(" "));
        }
        out.push('\n');
    }
    // Comment bodies are kept verbatim, but code lines never end in spaces.
    let trimmed: Vec<&str> = out.lines().map(str::trim_end).collect();
    let mut text = trimmed.join("\n");
    let keep = text.trim_end_matches('\n').len();
    text.truncate(keep);
    if !text.is_empty() {
        text.push('\n');
    }
    text
}

fn group_widths(lines: &[Line]) -> std::collections::HashMap<u32, usize> {
    let mut widths = std::collections::HashMap::new();
    for l in lines.iter().filter(|l| l.group != 0) {
        let w = widths.entry(l.group).or_insert(0);
        *w = (*w).max(l.head.chars().count());
    }
    widths
}

/// For each line with trailing comments, the column they start at.
///
/// A run is a paragraph of one-line code lines at one indent (a blank line,
/// a comment line, a multi-line construct or a change of indent ends it);
/// its comments start three spaces past the widest line of the run that has
/// a comment, so lines without comments do not push them further right.
fn comment_columns(lines: &[Line], code: &[String]) -> Vec<Option<usize>> {
    let mut cols = vec![None; lines.len()];
    let code_line = |i: usize| !lines[i].own_comment && !code[i].contains('\n');
    let mut i = 0;
    while i < lines.len() {
        if !code_line(i) {
            i += 1;
            continue;
        }
        let mut j = i + 1;
        while j < lines.len()
            && code_line(j)
            && !lines[j].blank_before
            && lines[j].indent == lines[i].indent
            // A multi-line block comment ends the run: its later lines are verbatim.
            && !lines[j - 1].trailing.iter().any(|c| c.contains('\n'))
        {
            j += 1;
        }
        let widest = (i..j)
            .filter(|&k| !lines[k].trailing.is_empty())
            .map(|k| code[k].chars().count())
            .max();
        if let Some(widest) = widest {
            for k in (i..j).filter(|&k| !lines[k].trailing.is_empty()) {
                cols[k] = Some(widest + COMMENT_GAP);
            }
        }
        i = j;
    }
    cols
}
