//! A span index of a descriptor's YAML, so diagnostics can point at the exact
//! key or value they are about (serde_yaml gives positions only for its own
//! errors), and a duplicate-key check (serde_yaml keeps the last of two equal
//! map keys without a word).
//!
//! Input: the descriptor text. Output: a [`Node`] tree of mappings, sequences
//! and scalars, each with a byte [`Span`]; or the YAML syntax error. Invariants:
//! spans are byte offsets on char boundaries of the text; every key of every
//! mapping is kept, duplicates included, in document order.

use crate::span::Span;
use saphyr_parser::{Event, Parser, ScanError};

#[derive(Clone, Debug)]
pub struct Node {
    pub span: Span,
    pub kind: NodeKind,
}

#[derive(Clone, Debug)]
pub enum NodeKind {
    Scalar(String),
    /// Entries in document order: (key node, value node).
    Map(Vec<(Node, Node)>),
    Seq(Vec<Node>),
    /// An alias (`*a`): no content of its own.
    Alias,
}

/// One step of a path into the tree.
#[derive(Clone, Copy, Debug)]
pub enum Seg<'a> {
    Key(&'a str),
    Index(usize),
}

impl Node {
    pub fn as_str(&self) -> Option<&str> {
        match &self.kind {
            NodeKind::Scalar(s) => Some(s),
            _ => None,
        }
    }

    /// The value under `key` (the last one when a key is repeated, as serde_yaml does).
    pub fn get(&self, key: &str) -> Option<&Node> {
        self.entry(key).map(|(_, v)| v)
    }

    /// The key node and value node of `key` (the last occurrence).
    pub fn entry(&self, key: &str) -> Option<(&Node, &Node)> {
        match &self.kind {
            NodeKind::Map(entries) => entries
                .iter()
                .rev()
                .find(|(k, _)| k.as_str() == Some(key))
                .map(|(k, v)| (k, v)),
            _ => None,
        }
    }

    pub fn index(&self, i: usize) -> Option<&Node> {
        match &self.kind {
            NodeKind::Seq(items) => items.get(i),
            _ => None,
        }
    }

    /// Follows `path`; `None` as soon as a step is missing.
    pub fn at(&self, path: &[Seg<'_>]) -> Option<&Node> {
        path.iter().try_fold(self, |node, seg| match seg {
            Seg::Key(k) => node.get(k),
            Seg::Index(i) => node.index(*i),
        })
    }

    /// The span of the key that ends `path` (or of the value for an index step).
    pub fn key_span(&self, path: &[Seg<'_>]) -> Option<Span> {
        let (last, parent) = path.split_last()?;
        let parent = self.at(parent)?;
        match last {
            Seg::Key(k) => parent.entry(k).map(|(k, _)| k.span),
            Seg::Index(i) => parent.index(*i).map(|n| n.span),
        }
    }

    /// The best span for `path`: the value when it exists, else the nearest
    /// existing ancestor's key, else the start of the file.
    pub fn best_span(&self, path: &[Seg<'_>]) -> Span {
        for n in (1..=path.len()).rev() {
            if let Some(node) = self.at(&path[..n]) {
                if matches!(node.kind, NodeKind::Scalar(_)) || n < path.len() {
                    return node.span;
                }
                if let Some(k) = self.key_span(&path[..n]) {
                    return k;
                }
                return node.span;
            }
        }
        Span::new(0, 0)
    }
}

/// A YAML syntax error at a byte offset.
#[derive(Clone, Debug, PartialEq)]
pub struct SyntaxError {
    pub message: String,
    pub at: Span,
}

/// Two equal keys in one mapping.
#[derive(Clone, Debug, PartialEq)]
pub struct Duplicate {
    pub key: String,
    pub first: Span,
    pub second: Span,
}

/// Parses `text` into a tree (the first document; an empty text gives an empty map).
pub fn parse(text: &str) -> Result<Node, SyntaxError> {
    let offsets = ByteOffsets::new(text);
    let mut parser = Parser::new_from_str(text);
    // Stack of open collections: (start span, is_map, children).
    let mut stack: Vec<(Span, bool, Vec<Node>)> = Vec::new();
    let mut root: Option<Node> = None;
    let err = |e: ScanError, offsets: &ByteOffsets| {
        let at = offsets.byte(e.marker().index());
        SyntaxError {
            message: e.info().to_string(),
            at: Span::new(at, at),
        }
    };
    while let Some(next) = parser.next_event() {
        let (event, span) = next.map_err(|e| err(e, &offsets))?;
        let span = Span::new(
            offsets.byte(span.start.index()),
            offsets.byte(span.end.index()),
        );
        let done = match event {
            Event::Scalar(value, ..) => {
                // Quoted scalars in flow context can end with trailing blanks.
                let raw = text.get(span.start..span.end).unwrap_or_default();
                let span = Span::new(span.start, span.start + raw.trim_end().len());
                Some(Node {
                    span,
                    kind: NodeKind::Scalar(value.into_owned()),
                })
            }
            Event::Alias(_) => Some(Node {
                span,
                kind: NodeKind::Alias,
            }),
            Event::MappingStart(..) | Event::SequenceStart(..) => {
                stack.push((span, matches!(event, Event::MappingStart(..)), Vec::new()));
                None
            }
            Event::MappingEnd | Event::SequenceEnd => {
                let Some((start, is_map, children)) = stack.pop() else {
                    continue;
                };
                let span = Span::new(start.start, span.end.max(start.end));
                let kind = if is_map {
                    let mut entries = Vec::with_capacity(children.len() / 2);
                    let mut it = children.into_iter();
                    while let (Some(k), Some(v)) = (it.next(), it.next()) {
                        entries.push((k, v));
                    }
                    NodeKind::Map(entries)
                } else {
                    NodeKind::Seq(children)
                };
                Some(Node { span, kind })
            }
            Event::DocumentEnd if root.is_some() => break,
            _ => None,
        };
        if let Some(node) = done {
            match stack.last_mut() {
                Some((_, _, children)) => children.push(node),
                None => root = root.or(Some(node)),
            }
        }
    }
    Ok(root.unwrap_or(Node {
        span: Span::new(0, 0),
        kind: NodeKind::Map(Vec::new()),
    }))
}

/// Every repeated key of every mapping in the tree, in document order.
pub fn duplicates(root: &Node) -> Vec<Duplicate> {
    let mut out = Vec::new();
    collect_duplicates(root, &mut out);
    out.sort_by_key(|d| d.second.start);
    out
}

fn collect_duplicates(node: &Node, out: &mut Vec<Duplicate>) {
    match &node.kind {
        NodeKind::Map(entries) => {
            for (i, (k, _)) in entries.iter().enumerate() {
                let Some(key) = k.as_str() else { continue };
                if let Some((first, _)) = entries[..i].iter().find(|(p, _)| p.as_str() == Some(key))
                {
                    out.push(Duplicate {
                        key: key.to_string(),
                        first: first.span,
                        second: k.span,
                    });
                }
            }
            for (_, v) in entries {
                collect_duplicates(v, out);
            }
        }
        NodeKind::Seq(items) => items.iter().for_each(|n| collect_duplicates(n, out)),
        NodeKind::Scalar(_) | NodeKind::Alias => {}
    }
}

/// Character index → byte offset (the parser counts characters).
struct ByteOffsets {
    /// Byte offset of each char, plus the text length at the end; empty for ASCII.
    table: Vec<usize>,
    len: usize,
}

impl ByteOffsets {
    fn new(text: &str) -> Self {
        let table = if text.is_ascii() {
            Vec::new()
        } else {
            text.char_indices()
                .map(|(b, _)| b)
                .chain(std::iter::once(text.len()))
                .collect()
        };
        ByteOffsets {
            table,
            len: text.len(),
        }
    }

    fn byte(&self, char_index: usize) -> usize {
        if self.table.is_empty() {
            char_index.min(self.len)
        } else {
            self.table.get(char_index).copied().unwrap_or(self.len)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spans_point_at_keys_and_values() {
        let text = "a:\n  bø: { type: text(80) }\n  c: [x, y]\n";
        let root = parse(text).unwrap();
        let v = root
            .at(&[Seg::Key("a"), Seg::Key("bø"), Seg::Key("type")])
            .unwrap();
        assert_eq!(&text[v.span.start..v.span.end], "text(80)");
        let k = root.key_span(&[Seg::Key("a"), Seg::Key("bø")]).unwrap();
        assert_eq!(&text[k.start..k.end], "bø");
        let y = root
            .at(&[Seg::Key("a"), Seg::Key("c"), Seg::Index(1)])
            .unwrap();
        assert_eq!(&text[y.span.start..y.span.end], "y");
        // Quoted flow scalars come without the blank the parser leaves after them.
        let text = "a: { t: \"x, y\" }\n";
        let q = parse(text)
            .unwrap()
            .at(&[Seg::Key("a"), Seg::Key("t")])
            .unwrap()
            .span;
        assert_eq!(&text[q.start..q.end], "\"x, y\"");
    }

    #[test]
    fn finds_duplicates_with_both_spans() {
        let text = "x: 1\ny:\n  z: 1\n  z: 2\nx: 3\n";
        let d = duplicates(&parse(text).unwrap());
        assert_eq!(d.len(), 2);
        assert_eq!(d[0].key, "z");
        assert_eq!(&text[d[0].first.start..d[0].first.end], "z");
        assert_eq!(d[1].first.start, 0);
        assert_eq!(d[1].second.start, text.rfind('x').unwrap());
    }

    #[test]
    fn syntax_errors_have_a_position() {
        let e = parse("a: [1, 2\nb: 3\n").unwrap_err();
        assert!(e.at.start > 0, "{e:?}");
        assert!(parse("").is_ok());
    }
}
