//! A small document model rendered to Markdown and to standalone HTML, so
//! `report.md` and `report.html` always say the same thing.
//!
//! Input: a [`Doc`] of headings, paragraphs, lists and tables of plain
//! text. Output: Markdown (GitHub flavour) or one HTML page with inline CSS
//! and no scripts. Invariants: every text is escaped for its format (pipes
//! and line breaks in Markdown cells; `<`, `>`, `&`, quotes in HTML); the
//! output depends only on the document.

use std::fmt::Write;

#[derive(Clone, Debug, Default)]
pub struct Doc {
    pub title: String,
    pub blocks: Vec<Block>,
}

#[derive(Clone, Debug)]
pub enum Block {
    /// Level 2 or 3 (the title is level 1).
    Heading(u8, String),
    Para(String),
    List(Vec<String>),
    Table(Table),
}

#[derive(Clone, Debug, Default)]
pub struct Table {
    pub head: Vec<String>,
    /// Columns aligned right (numbers).
    pub numeric: Vec<bool>,
    pub rows: Vec<Vec<String>>,
}

impl Table {
    /// A table whose columns named in `numeric` are right-aligned.
    pub fn new(head: &[&str], numeric: &[&str]) -> Table {
        Table {
            head: head.iter().map(|h| h.to_string()).collect(),
            numeric: head.iter().map(|h| numeric.contains(h)).collect(),
            rows: Vec::new(),
        }
    }

    pub fn row(&mut self, cells: Vec<String>) {
        self.rows.push(cells);
    }
}

impl Doc {
    pub fn new(title: impl Into<String>) -> Doc {
        Doc {
            title: title.into(),
            blocks: Vec::new(),
        }
    }

    pub fn h2(&mut self, s: impl Into<String>) {
        self.blocks.push(Block::Heading(2, s.into()));
    }

    pub fn h3(&mut self, s: impl Into<String>) {
        self.blocks.push(Block::Heading(3, s.into()));
    }

    pub fn para(&mut self, s: impl Into<String>) {
        self.blocks.push(Block::Para(s.into()));
    }

    pub fn list(&mut self, items: Vec<String>) {
        if !items.is_empty() {
            self.blocks.push(Block::List(items));
        }
    }

    pub fn table(&mut self, t: Table) {
        self.blocks.push(Block::Table(t));
    }

    pub fn markdown(&self) -> String {
        let mut out = format!("# {}\n", self.title);
        for b in &self.blocks {
            out.push('\n');
            match b {
                Block::Heading(level, s) => {
                    let _ = writeln!(out, "{} {s}", "#".repeat(usize::from(*level)));
                }
                Block::Para(s) => {
                    let _ = writeln!(out, "{s}");
                }
                Block::List(items) => {
                    for i in items {
                        let _ = writeln!(out, "- {i}");
                    }
                }
                Block::Table(t) => {
                    out.push('|');
                    for h in &t.head {
                        let _ = write!(out, " {} |", md_cell(h));
                    }
                    out.push_str("\n|");
                    for (i, _) in t.head.iter().enumerate() {
                        out.push_str(if t.numeric.get(i) == Some(&true) {
                            " ---: |"
                        } else {
                            " --- |"
                        });
                    }
                    out.push('\n');
                    for r in &t.rows {
                        out.push('|');
                        for c in r {
                            let _ = write!(out, " {} |", md_cell(c));
                        }
                        out.push('\n');
                    }
                }
            }
        }
        out
    }

    pub fn html(&self) -> String {
        let mut out =
            String::from("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
        let _ = writeln!(out, "<title>{}</title>", esc(&self.title));
        out.push_str(
            "<style>\nbody{font:14px/1.45 system-ui,sans-serif;margin:2em auto;max-width:72em;padding:0 1em;color:#222}\n\
             table{border-collapse:collapse;margin:.5em 0 1.5em}\n\
             th,td{border:1px solid #ccc;padding:.25em .6em;text-align:left;vertical-align:top}\n\
             th{background:#f3f3f3}td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}\n\
             h2{border-bottom:1px solid #ddd;padding-bottom:.2em;margin-top:2em}\n\
             </style>\n</head>\n<body>\n",
        );
        let _ = writeln!(out, "<h1>{}</h1>", esc(&self.title));
        for b in &self.blocks {
            match b {
                Block::Heading(level, s) => {
                    let _ = writeln!(out, "<h{level}>{}</h{level}>", esc(s));
                }
                Block::Para(s) => {
                    let _ = writeln!(out, "<p>{}</p>", esc(s));
                }
                Block::List(items) => {
                    out.push_str("<ul>\n");
                    for i in items {
                        let _ = writeln!(out, "<li>{}</li>", esc(i));
                    }
                    out.push_str("</ul>\n");
                }
                Block::Table(t) => {
                    let class = |i: usize| {
                        if t.numeric.get(i) == Some(&true) {
                            " class=\"n\""
                        } else {
                            ""
                        }
                    };
                    out.push_str("<table>\n<thead><tr>");
                    for (i, h) in t.head.iter().enumerate() {
                        let _ = write!(out, "<th{}>{}</th>", class(i), esc(h));
                    }
                    out.push_str("</tr></thead>\n<tbody>\n");
                    for r in &t.rows {
                        out.push_str("<tr>");
                        for (i, c) in r.iter().enumerate() {
                            let _ = write!(out, "<td{}>{}</td>", class(i), esc(c));
                        }
                        out.push_str("</tr>\n");
                    }
                    out.push_str("</tbody>\n</table>\n");
                }
            }
        }
        out.push_str("</body>\n</html>\n");
        out
    }
}

/// A Markdown table cell: pipes escaped, line breaks as `<br>`.
pub fn md_cell(s: &str) -> String {
    s.replace('|', "\\|")
        .replace("\r\n", "<br>")
        .replace('\n', "<br>")
}

/// HTML text and attribute escaping.
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Doc {
        let mut d = Doc::new("Run <report>");
        d.h2("Skipped");
        d.para("2 records & 1 flag");
        let mut t = Table::new(&["Reason", "Records"], &["Records"]);
        t.row(vec!["a|b".into(), "2".into()]);
        t.row(vec!["<script>".into(), "1".into()]);
        d.table(t);
        d.list(vec!["one".into()]);
        d
    }

    #[test]
    fn markdown_escapes_cells_and_aligns_numbers() {
        let md = sample().markdown();
        assert!(md.starts_with("# Run <report>\n\n## Skipped\n"), "{md}");
        assert!(
            md.contains("| Reason | Records |\n| --- | ---: |\n| a\\|b | 2 |"),
            "{md}"
        );
        assert!(md.contains("\n- one\n"), "{md}");
    }

    #[test]
    fn html_escapes_everything() {
        let html = sample().html();
        assert!(html.contains("<h1>Run &lt;report&gt;</h1>"));
        assert!(html.contains("<td>&lt;script&gt;</td><td class=\"n\">1</td>"));
        assert!(html.contains("<p>2 records &amp; 1 flag</p>"));
        assert!(!html.contains("<script>"));
    }
}
