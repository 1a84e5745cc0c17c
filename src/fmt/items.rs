//! Items, blocks and statements → lines of the [`Printer`].
//!
//! Input: the AST of one file. Output: calls on the printer in output order.
//! Invariants: every AST node is printed exactly once, in a form the parser
//! reads back as the same node; block bodies are one element per line; the
//! field lists of `given` / `expect` go on one line when they fit in
//! [`MAX_WIDTH`] columns and hold no comment, else one field per line;
//! adjacent `column` rules of a `source` align their `:`.

use super::expr::{
    expr, expr_nw, flat_expr, flat_expr_nw, flat_fields, literal, outcome, reason_call, string,
    type_expr, INDENT, MAX_WIDTH,
};
use super::printer::{Align, Printer};
use crate::span::Span;
use crate::syntax::ast::*;

/// Prints every item, one blank line between items (consecutive `import`s or
/// `table`s keep the blank lines the author had).
pub fn spec(p: &mut Printer, spec: &Spec) {
    let mut prev: Option<&ItemKind> = None;
    for it in &spec.items {
        if let Some(prev) = prev {
            let same_one_liners = matches!(
                (prev, &it.kind),
                (ItemKind::Import(_), ItemKind::Import(_))
                    | (ItemKind::Table(_), ItemKind::Table(_))
            );
            if !same_one_liners {
                p.force_blank();
            }
        }
        item(p, it);
        p.set_prev_end(it.span.end);
        prev = Some(&it.kind);
    }
    if !spec.items.is_empty() {
        p.force_blank();
    }
    p.finish();
}

fn item(p: &mut Printer, it: &Item) {
    let start = it.span.start;
    let end = it.span.end;
    match &it.kind {
        ItemKind::Migration(m) => {
            let text = format!("migration {} -> {}", m.source.name, m.destination.name);
            p.line(start, end, String::new(), Align::No, text);
        }
        ItemKind::Options(o) => {
            let anchor = keyword_end(p, start, "options");
            block(
                p,
                "options".into(),
                start,
                anchor,
                end,
                o.entries.is_empty(),
                |p| {
                    for e in &o.entries {
                        let body = value(p, &e.key.name, " = ", &e.value);
                        p.line(
                            e.span.start,
                            e.span.end,
                            e.key.name.clone(),
                            Align::Yes(" = "),
                            body,
                        );
                    }
                },
            );
        }
        ItemKind::Import(i) => {
            let text = format!("import {}", string(&i.path.value));
            p.line(start, end, String::new(), Align::No, text);
        }
        ItemKind::Source(s) => {
            let header = format!("source {}", s.object.name);
            block(
                p,
                header,
                start,
                s.object.span.end,
                end,
                s.rules.is_empty(),
                |p| {
                    let widths = column_name_widths(&s.rules);
                    for (r, width) in s.rules.iter().zip(widths) {
                        source_rule(p, r, width);
                    }
                },
            );
        }
        ItemKind::Custom(c) => {
            let word = if c.new_object {
                "custom object"
            } else {
                "custom"
            };
            let header = format!("{word} {}", c.object.name);
            block(
                p,
                header,
                start,
                c.object.span.end,
                end,
                c.fields.is_empty(),
                |p| {
                    for f in &c.fields {
                        let mut body = type_expr(&f.ty);
                        for m in &f.modifiers {
                            body.push(' ');
                            body.push_str(&m.name);
                        }
                        let span = f.span;
                        p.line(
                            span.start,
                            span.end,
                            f.name.name.clone(),
                            Align::Yes(" : "),
                            body,
                        );
                    }
                },
            );
        }
        ItemKind::Values(v) => {
            let header = format!("values {}", v.name.name);
            let empty = v.arms.is_empty() && v.else_arm.is_none();
            block(p, header, start, v.name.span.end, end, empty, |p| {
                for arm in &v.arms {
                    let keys: Vec<String> = arm.keys.iter().map(literal).collect();
                    let (s, e) = (arm.span.start, arm.span.end);
                    p.line(
                        s,
                        e,
                        keys.join(", "),
                        Align::Yes(" => "),
                        outcome(&arm.outcome),
                    );
                }
                if let Some(arm) = &v.else_arm {
                    let (s, e) = (arm.span.start, arm.span.end);
                    p.line(
                        s,
                        e,
                        "else".into(),
                        Align::Yes(" => "),
                        outcome(&arm.outcome),
                    );
                }
            });
        }
        ItemKind::Table(t) => {
            let text = format!(
                "table {} from {} key {}",
                t.name.name,
                string(&t.file.value),
                t.key.name
            );
            p.line(start, end, String::new(), Align::No, text);
        }
        ItemKind::Owners(o) => {
            let anchor = keyword_end(p, start, "owners");
            block(
                p,
                "owners".into(),
                start,
                anchor,
                end,
                o.rules.is_empty(),
                |p| {
                    for r in &o.rules {
                        let (word, body) = match &r.kind {
                            OwnerRuleKind::Match(i) => ("match", i.name.clone()),
                            OwnerRuleKind::Fallback(e) => {
                                ("fallback", value(p, "fallback", " ", e))
                            }
                        };
                        let span = r.span;
                        p.line(span.start, span.end, word.into(), Align::Yes(" "), body);
                    }
                },
            );
        }
        ItemKind::Route(r) => route(p, it.span, r),
        ItemKind::Split(s) => {
            let header = format!("split {}", s.source.name);
            let empty = s.arms.is_empty() && s.else_arm.is_none();
            block(p, header, start, s.source.span.end, end, empty, |p| {
                for arm in &s.arms {
                    let head = format!("when {} ", flat_expr(&arm.cond));
                    target(p, head, arm.span, &arm.target);
                }
                if let Some(e) = &s.else_arm {
                    match &e.kind {
                        SplitElseKind::Target(t) => target(p, "else ".into(), e.span, t),
                        SplitElseKind::Skip(r) => {
                            let text = format!("else {}", reason_call("skip", r));
                            p.line(e.span.start, e.span.end, String::new(), Align::No, text);
                        }
                    }
                }
            });
        }
        ItemKind::Merge(m) => {
            let mut header = format!("merge {}", m.source.name);
            if let Some(f) = &m.filter {
                header.push_str(" where ");
                header.push_str(&flat_expr(f));
            }
            let keys: Vec<String> = m.by.iter().map(flat_expr).collect();
            header.push_str(" by ");
            header.push_str(&keys.join(", "));
            target_block(p, header, start, end, &m.target);
        }
        ItemKind::Reference(r) => {
            let mut header = format!("reference {} {}", r.source.name, string(&r.title.value));
            let mut anchor = r.title.span.end;
            if let Some(f) = &r.filter {
                header.push_str(" where ");
                header.push_str(&flat_expr(f));
                anchor = anchor.max(f.span.end);
            }
            block(p, header, start, anchor, end, r.fields.is_empty(), |p| {
                for s in &r.fields {
                    stmt(p, s);
                }
            });
        }
        ItemKind::Test(t) => {
            let header = format!("test {}", string(&t.name.value));
            let empty = t.givens.is_empty() && t.expects.is_empty();
            block(p, header, start, t.name.span.end, end, empty, |p| {
                for g in &t.givens {
                    let header = format!("given {}", g.object.name);
                    record(p, header, g.span, g.object.span.end, &g.fields);
                }
                for e in &t.expects {
                    match &e.kind {
                        ExpectKind::Record { object, fields } => {
                            let header = format!("expect {}", object.name);
                            record(p, header, e.span, object.span.end, fields);
                        }
                        ExpectKind::Skip(r) | ExpectKind::Flag(r) => {
                            let word = if matches!(e.kind, ExpectKind::Skip(_)) {
                                "skip"
                            } else {
                                "flag"
                            };
                            let text = format!("expect {}", reason_call(word, r));
                            p.line(e.span.start, e.span.end, String::new(), Align::No, text);
                        }
                    }
                }
            });
        }
    }
}

/// `header {` … `}`, or `header {}` when there is nothing inside.
fn block(
    p: &mut Printer,
    header: String,
    start: usize,
    anchor: usize,
    end: usize,
    empty: bool,
    body: impl FnOnce(&mut Printer),
) {
    if empty && !p.has_comment_in(anchor, end) {
        p.line(
            start,
            end,
            String::new(),
            Align::No,
            format!("{header} {{}}"),
        );
        return;
    }
    p.line(
        start,
        anchor,
        String::new(),
        Align::No,
        format!("{header} {{"),
    );
    p.open();
    body(p);
    let close = p.close_pos(anchor, end);
    p.close(close);
}

fn route(p: &mut Printer, span: Span, r: &Route) {
    let mut header = format!("route {}", r.source.name);
    let mut anchor = r.source.span.end;
    if let Some(f) = &r.filter {
        header.push_str(" where ");
        header.push_str(&flat_expr(f));
        anchor = f.span.end;
    }
    match (r.fan_out, r.targets.as_slice()) {
        (false, [t]) => target_block(p, header, span.start, span.end, t),
        _ => block(
            p,
            header,
            span.start,
            anchor,
            span.end,
            r.targets.is_empty(),
            |p| {
                for t in &r.targets {
                    target(p, String::new(), t.span, t);
                }
            },
        ),
    }
}

/// An item whose header ends in `-> Target [as a] {` and whose block is the
/// target's body.
fn target_block(p: &mut Printer, header: String, start: usize, end: usize, t: &Target) {
    let header = format!("{header} {}", arrow(t));
    let anchor = t.alias.as_ref().map_or(t.object.span.end, |a| a.span.end);
    block(p, header, start, anchor, end, t.body.is_empty(), |p| {
        for s in &t.body {
            stmt(p, s);
        }
    });
}

/// `[prefix]-> Target [as a] { … }` as an element of a block.
fn target(p: &mut Printer, prefix: String, span: Span, t: &Target) {
    let header = format!("{prefix}{}", arrow(t));
    let anchor = t.alias.as_ref().map_or(t.object.span.end, |a| a.span.end);
    let end = span.end.max(t.span.end);
    block(p, header, span.start, anchor, end, t.body.is_empty(), |p| {
        for s in &t.body {
            stmt(p, s);
        }
    });
}

fn arrow(t: &Target) -> String {
    match &t.alias {
        Some(a) => format!("-> {} as {}", t.object.name, a.name),
        None => format!("-> {}", t.object.name),
    }
}

fn stmt(p: &mut Printer, s: &Stmt) {
    let (start, end) = (s.span.start, s.span.end);
    match &s.kind {
        StmtKind::Key { field, value: v } => {
            let head = format!("key {}", field.dotted());
            let body = value(p, &head, " = ", v);
            p.line(
                start,
                end,
                String::new(),
                Align::No,
                format!("{head} = {body}"),
            );
        }
        StmtKind::Assign { field, value: v } => {
            let head = field.dotted();
            let body = value(p, &head, " = ", v);
            p.line(start, end, head, Align::Yes(" = "), body);
        }
    }
}

/// The text of an expression that follows `head` and `sep` on a line.
fn value(p: &Printer, head: &str, sep: &str, e: &Expr) -> String {
    let col = INDENT.len() * p.indent + head.chars().count() + sep.len();
    expr(e, p.indent, col)
}

/// For each rule, the width its column name is padded to: the widest name
/// of the run of adjacent `column` rules it belongs to (0 for other rules).
fn column_name_widths(rules: &[SourceRule]) -> Vec<usize> {
    let name_width = |r: &SourceRule| match &r.kind {
        SourceRuleKind::Column { name, .. } => Some(name.name.chars().count()),
        _ => None,
    };
    let mut widths = vec![0; rules.len()];
    let mut i = 0;
    while i < rules.len() {
        let mut j = i;
        while j < rules.len() && name_width(&rules[j]).is_some() {
            j += 1;
        }
        let widest = rules[i..j].iter().filter_map(name_width).max().unwrap_or(0);
        widths[i..j].iter_mut().for_each(|w| *w = widest);
        i = j.max(i + 1);
    }
    widths
}

fn source_rule(p: &mut Printer, r: &SourceRule, name_width: usize) {
    let (word, body) = match &r.kind {
        SourceRuleKind::Column { name, ty, from } => {
            let pad = name_width.saturating_sub(name.name.chars().count());
            let mut body = format!("{}{} : {}", name.name, " ".repeat(pad), type_expr(ty));
            if let Some(f) = from {
                body.push_str(" from ");
                body.push_str(&string(&f.value));
            }
            ("column", body)
        }
        SourceRuleKind::Where(e) => {
            let col = INDENT.len() * p.indent + "where ".len();
            ("where", expr_nw(e, p.indent, col))
        }
        SourceRuleKind::Dedupe { by, keep } => {
            let keys: Vec<String> = by.iter().map(flat_expr_nw).collect();
            let keep = match &keep.kind {
                KeepKind::Latest(e) => format!("latest({})", flat_expr(e)),
                KeepKind::Earliest(e) => format!("earliest({})", flat_expr(e)),
                KeepKind::First => "first".to_string(),
                KeepKind::Last => "last".to_string(),
            };
            ("dedupe", format!("by {} keep {keep}", keys.join(", ")))
        }
    };
    p.line(r.span.start, r.span.end, word.into(), Align::Yes(" "), body);
}

/// `given X { … }` / `expect X { … }`: one line if it fits and holds no
/// comment, else one field per line with `=` aligned.
fn record(p: &mut Printer, header: String, span: Span, anchor: usize, fields: &[FieldInit]) {
    let flat = format!("{header} {}", flat_fields(fields));
    let width = INDENT.len() * p.indent + flat.chars().count();
    let has_comment = p.has_comment_in(anchor, span.end);
    if fields.is_empty() || (width <= MAX_WIDTH && !has_comment) {
        p.line(span.start, span.end, String::new(), Align::No, flat);
        return;
    }
    p.line(
        span.start,
        anchor,
        String::new(),
        Align::No,
        format!("{header} {{"),
    );
    p.open();
    for f in fields {
        let head = f.field.dotted();
        let body = value(p, &head, " = ", &f.value);
        p.line(f.span.start, f.span.end, head, Align::Yes(" = "), body);
    }
    let close = p.close_pos(anchor, span.end);
    p.close(close);
}

/// Offset past `word` when the item starts with it (for trailing comments on
/// a header that has no other token).
fn keyword_end(p: &Printer, start: usize, word: &str) -> usize {
    match p.text.get(start..) {
        Some(rest) if rest.starts_with(word) => start + word.len(),
        _ => start,
    }
}
