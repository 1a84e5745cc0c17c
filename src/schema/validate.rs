//! Cross-reference checks of a whole descriptor: lookup targets, relation
//! objects and columns, primary-key columns, relation names that shadow columns.
//!
//! Input: the merged [`Descriptor`], the items one file declared ([`Own`]) and
//! that file's span tree. Output: E0706/E0708/E0709/E0710 diagnostics, and the
//! relations' defaulted columns filled in (a forward relation's
//! `target_column` defaults to the target's primary key, and so on).
//! Invariants: only the file's own items are reported (a base descriptor was
//! checked when it loaded); on success every invariant of [`super::model`] holds.

use super::convert::{suggest, with_help, Ctx, Own};
use super::model::*;
use super::spans::Seg;
use crate::diagnostics::{codes, Label};

pub fn check(ctx: &mut Ctx<'_>, desc: &mut Descriptor, own: &Own) {
    let names: Vec<String> = desc.objects.keys().cloned().collect();
    for (oname, own_obj) in &own.objects {
        let Some(obj) = desc.objects.get(oname) else {
            continue;
        };
        // Lookups.
        for fname in &own_obj.fields {
            if let Some(f) = obj.fields.get(fname) {
                let path = [
                    Seg::Key("objects"),
                    Seg::Key(oname),
                    Seg::Key("fields"),
                    Seg::Key(fname),
                ];
                lookups(ctx, &path, &f.ty, &names);
            }
        }
        // Primary key columns.
        if own_obj.primary_key {
            for (i, col) in obj.primary_key.iter().enumerate() {
                if !obj.fields.contains_key(col) {
                    let pk = [
                        Seg::Key("objects"),
                        Seg::Key(oname),
                        Seg::Key("primary_key"),
                    ];
                    let item = [pk.as_slice(), &[Seg::Index(i)]].concat();
                    let span = if ctx.tree.at(&item).is_some() {
                        ctx.span(&item)
                    } else {
                        ctx.span(&pk)
                    };
                    let d = ctx.error(
                        codes::E0710,
                        format!("primary key column `{col}` is not a field of `{oname}`"),
                        span,
                        "no such column",
                    );
                    with_help(d, suggest(col, obj.fields.keys()));
                }
            }
        }
    }
    // Relations (resolving defaults needs a mutable pass).
    for (oname, own_obj) in &own.objects {
        for rname in &own_obj.relations {
            let Some(rel) = desc
                .objects
                .get(oname)
                .and_then(|o| o.relations.get(rname))
                .cloned()
            else {
                continue;
            };
            if let Some(resolved) = relation(ctx, desc, oname, rel) {
                if let Some(o) = desc.objects.get_mut(oname) {
                    o.relations.insert(rname.clone(), resolved);
                }
            }
        }
    }
}

fn lookups(ctx: &mut Ctx<'_>, path: &[Seg<'_>], ty: &FieldType, names: &[String]) {
    match ty {
        FieldType::Lookup { objects } => {
            for target in objects {
                // `custom` stands for any custom object a spec declares.
                if target != crate::schema::model::ANY_CUSTOM_OBJECT && !names.contains(target) {
                    let type_path = [path, &[Seg::Key("type")]].concat();
                    let span = if ctx.tree.at(&type_path).is_some() {
                        ctx.span(&type_path)
                    } else {
                        ctx.span(path)
                    };
                    let span = narrow(ctx, span, target);
                    let d = ctx.error(
                        codes::E0708,
                        format!("lookup to `{target}`, which is not an object of this descriptor"),
                        span,
                        "unknown object",
                    );
                    with_help(d, suggest(target, names.iter()));
                }
            }
        }
        FieldType::List { item } => lookups(ctx, path, item, names),
        FieldType::Composite { fields } => {
            for (sname, f) in fields {
                let sp = [path, &[Seg::Key("fields"), Seg::Key(sname)]].concat();
                lookups(ctx, &sp, &f.ty, names);
            }
        }
        _ => {}
    }
}

/// The part of `span` that spells `word`, when it does.
fn narrow(ctx: &Ctx<'_>, span: crate::span::Span, word: &str) -> crate::span::Span {
    let text = ctx.file.text.get(span.start..span.end).unwrap_or_default();
    match text.find(word) {
        Some(i) => crate::span::Span::new(span.start + i, span.start + i + word.len()),
        None => span,
    }
}

/// Checks one relation and fills in its defaulted columns.
fn relation(
    ctx: &mut Ctx<'_>,
    desc: &Descriptor,
    oname: &str,
    mut rel: Relation,
) -> Option<Relation> {
    let base = [
        Seg::Key("objects"),
        Seg::Key(oname),
        Seg::Key("relations"),
        Seg::Key(rel.name.as_str()),
    ];
    let at = |k: &'static str| [base.as_slice(), &[Seg::Key(k)]].concat();
    let obj = desc.objects.get(oname)?;
    let names: Vec<String> = desc.objects.keys().cloned().collect();
    let mut ok = true;
    if obj.fields.contains_key(&rel.name) {
        let col = [
            Seg::Key("objects"),
            Seg::Key(oname),
            Seg::Key("fields"),
            Seg::Key(rel.name.as_str()),
        ];
        let first = ctx.tree.key_span(&col);
        let span = ctx.key(&base);
        let d = ctx.error(
            codes::E0706,
            format!(
                "relation `{}` has the same name as a column of `{oname}`",
                rel.name
            ),
            span,
            format!("a path like `{}.x` would be ambiguous", rel.name),
        );
        if let Some(first) = first {
            d.labels.push(Label {
                span: first,
                message: "the column".into(),
            });
        }
        d.help =
            Some("rename the relation (paths use relations and columns in one namespace)".into());
        ok = false;
    }
    let Some(target) = desc.objects.get(&rel.target) else {
        let span = ctx.span(&at("target"));
        let d = ctx.error(
            codes::E0709,
            format!(
                "relation `{}` leads to `{}`, which is not an object of this descriptor",
                rel.name, rel.target
            ),
            span,
            "unknown object",
        );
        with_help(d, suggest(&rel.target, names.iter()));
        return None;
    };
    // A column that must exist on `on`; `key` is the YAML key it was written under.
    let need = |ctx: &mut Ctx<'_>,
                on: &Object,
                col: &mut String,
                key: &'static str,
                default_pk: bool|
     -> bool {
        if col.is_empty() {
            if default_pk {
                match on.primary_key.as_slice() {
                    [one] => {
                        *col = one.clone();
                        return true;
                    }
                    _ => {
                        let span = ctx.key(&base);
                        ctx.error(
                            codes::E0703,
                            format!("relation `{}` needs `{key}`: `{}` has no single-column primary key", rel.name, on.name),
                            span,
                            format!("add `{key}:`"),
                        );
                        return false;
                    }
                }
            }
            let span = ctx.key(&base);
            ctx.error(
                codes::E0703,
                format!("relation `{}` needs `{key}`", rel.name),
                span,
                format!("missing `{key}:`"),
            );
            return false;
        }
        if on.fields.contains_key(col.as_str()) {
            return true;
        }
        let span = ctx.span(&at(key));
        let d = ctx.error(
            codes::E0710,
            format!(
                "relation `{}`: `{col}` is not a column of `{}`",
                rel.name, on.name
            ),
            span,
            "no such column",
        );
        with_help(d, suggest(col, on.fields.keys()));
        false
    };
    match &mut rel.kind {
        RelationKind::Forward {
            column,
            target_column,
        } => {
            ok &= need(ctx, obj, column, "column", false);
            ok &= need(ctx, target, target_column, "target_column", true);
        }
        RelationKind::Reverse { column, key_column } => {
            ok &= need(ctx, target, column, "column", false);
            ok &= need(ctx, obj, key_column, "key", true);
        }
        RelationKind::Link {
            via,
            from_column,
            to_column,
            key_column,
            target_column,
            filter,
            ..
        } => {
            ok &= need(ctx, obj, key_column, "key", true);
            ok &= need(ctx, target, target_column, "target_column", true);
            match desc.objects.get(via.as_str()) {
                None if via.is_empty() => {
                    let span = ctx.key(&base);
                    ctx.error(
                        codes::E0703,
                        format!(
                            "link relation `{}` needs `via:` (the link object)",
                            rel.name
                        ),
                        span,
                        "missing `via:`",
                    );
                    ok = false;
                }
                None => {
                    let span = ctx.span(&at("via"));
                    let d = ctx.error(codes::E0709, format!("relation `{}` goes via `{via}`, which is not an object of this descriptor", rel.name), span, "unknown object");
                    with_help(d, suggest(via, names.iter()));
                    ok = false;
                }
                Some(link) => {
                    ok &= need(ctx, link, from_column, "from", false);
                    ok &= need(ctx, link, to_column, "to", false);
                    if let Some((col, _)) = filter {
                        if !link.fields.contains_key(col.as_str()) {
                            let w = at("where");
                            let span = ctx
                                .tree
                                .key_span(&[w.as_slice(), &[Seg::Key(col.as_str())]].concat())
                                .unwrap_or_else(|| ctx.span(&w));
                            let d = ctx.error(codes::E0710, format!("relation `{}` filters on `{col}`, which is not a column of `{via}`", rel.name), span, "no such column");
                            with_help(d, suggest(col, link.fields.keys()));
                            ok = false;
                        }
                    }
                }
            }
        }
    }
    ok.then_some(rel)
}
