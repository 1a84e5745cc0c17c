//! A tiny writer for Salesforce metadata XML.
//!
//! Input: a root element name and its child elements. Output: an XML
//! document in the layout `sf project retrieve` writes (4-space indent,
//! `fullName` first, then the elements in alphabetical order). Invariant:
//! every text is escaped, so the document is well-formed whatever the spec's
//! names and picklist values hold.

use crate::setup::xml_escape;
use std::fmt::Display;

const NS: &str = "http://soap.sforce.com/2006/04/metadata";

/// An element's content: escaped text, or child elements in order.
pub(crate) enum Node {
    Leaf(String),
    Tree(Vec<(&'static str, Node)>),
}

impl Node {
    pub(crate) fn text(s: &str) -> Node {
        Node::Leaf(xml_escape(s))
    }

    pub(crate) fn leaf(v: impl Display) -> Node {
        Node::Leaf(xml_escape(&v.to_string()))
    }

    pub(crate) fn tree(children: Vec<(&'static str, Node)>) -> Node {
        Node::Tree(children)
    }
}

/// A whole document; `full_name` (when not empty) comes first.
pub(crate) fn document(
    root: &str,
    full_name: &str,
    mut elems: Vec<(&'static str, Node)>,
) -> String {
    // Stable: repeated elements (`fieldPermissions`, `types`) keep their order.
    elems.sort_by(|a, b| a.0.cmp(b.0));
    let mut out = format!("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<{root} xmlns=\"{NS}\">\n");
    if !full_name.is_empty() {
        element(&mut out, "fullName", &Node::text(full_name), 1);
    }
    for (tag, node) in &elems {
        element(&mut out, tag, node, 1);
    }
    out.push_str(&format!("</{root}>\n"));
    out
}

fn element(out: &mut String, tag: &str, node: &Node, depth: usize) {
    let pad = "    ".repeat(depth);
    match node {
        Node::Leaf(text) => out.push_str(&format!("{pad}<{tag}>{text}</{tag}>\n")),
        Node::Tree(children) => {
            out.push_str(&format!("{pad}<{tag}>\n"));
            for (t, n) in children {
                element(out, t, n, depth + 1);
            }
            out.push_str(&format!("{pad}</{tag}>\n"));
        }
    }
}
