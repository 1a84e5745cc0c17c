//! One field of a descriptor, raw YAML → model: its type string, picklist
//! values, composite sub-fields, and the keys that belong to the other kind of
//! descriptor.
//!
//! Input: a [`RawField`] and its path in the span tree. Output: a [`Field`],
//! or `None` after an E0703/E0705 diagnostic (the caller keeps a placeholder
//! so later checks do not repeat the error). Invariants: picklists come out
//! with at least one value or an E0707; never panics on bad input.

use super::convert::{with_help, Ctx};
use super::model::*;
use super::spans::Seg;
use super::types::parse_type_detailed;
use super::yaml::RawField;
use crate::diagnostics::codes;
use crate::span::Span;
use indexmap::IndexMap;

/// One field (recursively for composite sub-fields).
pub(super) fn field(
    ctx: &mut Ctx<'_>,
    path: &[Seg<'_>],
    name: &str,
    raw: RawField,
    kind: Kind,
) -> Option<Field> {
    let sub = |k: &'static str| {
        let mut p = path.to_vec();
        p.push(Seg::Key(k));
        p
    };
    let Some(ty_text) = raw.r#type.clone() else {
        let span = ctx.key(path);
        ctx.error(
            codes::E0703,
            format!("field `{name}` has no `type`"),
            span,
            "needs `type:`",
        )
        .help = Some("write `{ type: text(80) }` or just `text(80)`".into());
        return None;
    };
    let type_path = if ctx.tree.at(path).is_some_and(|n| n.as_str().is_some()) {
        path.to_vec()
    } else {
        sub("type")
    };
    let mut ty = match parse_type_detailed(&ty_text) {
        Ok(t) => t,
        Err(e) => {
            let span = inner_span(ctx, &type_path, &ty_text, e.at.clone());
            let unknown = e.message.starts_with("unknown type");
            let label = if unknown {
                "not a type ferry knows"
            } else {
                "cannot be read"
            };
            let d = ctx.error(
                codes::E0705,
                format!("field `{name}`: {}", e.message),
                span,
                label,
            );
            let list =
                unknown.then(|| format!("types are {}", super::types::TYPE_NAMES.join(", ")));
            with_help(d, e.help.or(list));
            return None;
        }
    };
    let wrong_kind = |ctx: &mut Ctx<'_>, key: &'static str, span: Span| {
        let other = if kind == Kind::Source {
            "destination"
        } else {
            "source"
        };
        ctx.error(
            codes::E0704,
            format!("`{key}` on field `{name}` belongs to a {other} descriptor"),
            span,
            format!("only {other} descriptors use this"),
        );
    };
    match kind {
        Kind::Source => {
            for (key, given) in [
                ("createable", raw.createable.is_some()),
                ("updateable", raw.updateable.is_some()),
                ("external_id", raw.external_id.is_some()),
                ("commonly_wanted", raw.commonly_wanted.is_some()),
            ] {
                if given {
                    let span = ctx.key(&sub(key));
                    wrong_kind(ctx, key, span);
                }
            }
            if contains(&ty, &|t| matches!(t, FieldType::Owner)) {
                let span = ctx.span(&type_path);
                wrong_kind(ctx, "type owner", span);
            }
        }
        Kind::Destination => {
            for (key, given) in [
                ("aliases", !raw.aliases.is_empty()),
                ("formats", !raw.formats.is_empty()),
                ("nullable", raw.nullable.is_some()),
            ] {
                if given {
                    let span = ctx.key(&sub(key));
                    wrong_kind(ctx, key, span);
                }
            }
            if contains(&ty, &|t| matches!(t, FieldType::Id)) {
                let span = ctx.span(&type_path);
                wrong_kind(ctx, "type id", span);
            }
        }
    }
    // Picklist values.
    let values_path = sub("values");
    match (raw.values, picklist_values(&mut ty)) {
        (Some(vals), Some(slot)) => {
            if !slot.is_empty() {
                let span = ctx.key(&values_path);
                ctx.error(
                    codes::E0703,
                    format!("field `{name}` lists values both in its type and in `values:`"),
                    span,
                    "second list of values",
                )
                .help = Some("keep one: the `values:` list can carry aliases".into());
            }
            let mut seen: IndexMap<String, usize> = IndexMap::new();
            for (i, v) in vals.into_iter().enumerate() {
                if let Some(first) = seen.get(&v.value.0) {
                    let a = ctx.span(&[values_path.as_slice(), &[Seg::Index(*first)]].concat());
                    let b = ctx.span(&[values_path.as_slice(), &[Seg::Index(i)]].concat());
                    ctx.error(
                        codes::E0706,
                        format!("field `{name}` lists the value `{}` twice", v.value.0),
                        b,
                        "listed again here",
                    )
                    .labels
                    .push(crate::diagnostics::Label {
                        span: a,
                        message: "first listed here".into(),
                    });
                    continue;
                }
                seen.insert(v.value.0.clone(), i);
                slot.push(EnumValue {
                    value: v.value.0,
                    aliases: v.aliases.into_iter().map(|a| a.0).collect(),
                });
            }
            if slot.is_empty() {
                let span = ctx.span(&values_path);
                ctx.error(
                    codes::E0707,
                    format!("picklist `{name}` has no values"),
                    span,
                    "empty list",
                );
            }
        }
        (None, Some(slot)) => {
            if slot.is_empty() {
                let span = ctx.span(&type_path);
                ctx.error(
                    codes::E0707,
                    format!("picklist `{name}` has no values"),
                    span,
                    "a picklist needs its values",
                )
                .help = Some("add `values: [a, b]` (or `{ value: a, aliases: [A] }` items)".into());
            }
        }
        (Some(_), None) => {
            let span = ctx.key(&values_path);
            ctx.error(
                codes::E0707,
                format!("field `{name}` has values but its type `{ty_text}` is not a picklist"),
                span,
                "values need a picklist type",
            )
            .help =
                Some("use `type: picklist` (or `enum`, `multipicklist`, `list<picklist>`)".into());
        }
        (None, None) => {}
    }
    // Composite sub-fields.
    let fields_path = sub("fields");
    match (raw.fields, composite_fields(&mut ty)) {
        (Some(subs), Some(slot)) => {
            for (sname, sraw) in subs {
                let sp = [fields_path.as_slice(), &[Seg::Key(&sname)]].concat();
                if let Some(f) = field(ctx, &sp, &sname, sraw, kind) {
                    slot.insert(sname, f);
                }
            }
            if slot.is_empty() {
                let span = ctx.span(&fields_path);
                ctx.error(
                    codes::E0703,
                    format!("composite field `{name}` has no sub-fields"),
                    span,
                    "empty",
                );
            }
        }
        (None, Some(_)) => {
            let span = ctx.span(&type_path);
            ctx.error(
                codes::E0703,
                format!("composite field `{name}` has no `fields:`"),
                span,
                "a composite needs its sub-fields",
            )
            .help = Some("add `fields: { firstName: text, lastName: text }`".into());
        }
        (Some(_), None) => {
            let span = ctx.key(&fields_path);
            ctx.error(
                codes::E0703,
                format!("field `{name}` has sub-fields but its type `{ty_text}` is not composite"),
                span,
                "sub-fields need `type: composite`",
            );
        }
        (None, None) => {}
    }
    let required = raw.required.unwrap_or(false);
    Some(Field {
        name: name.to_string(),
        label: raw.label.unwrap_or_else(|| name.to_string()),
        ty,
        required,
        unique: raw.unique.unwrap_or(false),
        external_id: raw.external_id.unwrap_or(false),
        createable: raw.createable.unwrap_or(true),
        updateable: raw.updateable.unwrap_or(true),
        custom: raw.custom.unwrap_or(false),
        commonly_wanted: raw.commonly_wanted.unwrap_or(false),
        aliases: raw.aliases,
        formats: raw.formats,
        nullable: raw.nullable.unwrap_or(!required),
        unverified: raw.unverified.unwrap_or(false),
        description: raw.description.unwrap_or_default(),
    })
}

/// The span of `at` (a range inside the type string) when the YAML scalar is
/// written plainly, else the whole value.
fn inner_span(ctx: &Ctx<'_>, path: &[Seg<'_>], ty: &str, at: std::ops::Range<usize>) -> Span {
    let whole = ctx.span(path);
    let written = ctx
        .file
        .text
        .get(whole.start..whole.end)
        .unwrap_or_default();
    // Plain, or quoted without escapes: the type string sits at a fixed offset.
    let offset = if written == ty {
        Some(0)
    } else if written.len() == ty.len() + 2 && written.get(1..written.len() - 1) == Some(ty) {
        Some(1)
    } else {
        None
    };
    match offset {
        Some(o) if at.end <= ty.len() => {
            let end = if at.end > at.start {
                at.end
            } else {
                (at.start + 1).min(ty.len())
            };
            Span::new(whole.start + o + at.start, whole.start + o + end)
        }
        _ => whole,
    }
}

fn contains(ty: &FieldType, pred: &dyn Fn(&FieldType) -> bool) -> bool {
    pred(ty)
        || match ty {
            FieldType::List { item } => contains(item, pred),
            _ => false,
        }
}

/// The value list of the (possibly list-wrapped) picklist in `ty`.
fn picklist_values(ty: &mut FieldType) -> Option<&mut Vec<EnumValue>> {
    match ty {
        FieldType::Picklist { values } | FieldType::Multipicklist { values } => Some(values),
        FieldType::List { item } => picklist_values(item),
        _ => None,
    }
}

/// The sub-field map of the (possibly list-wrapped) composite in `ty`.
fn composite_fields(ty: &mut FieldType) -> Option<&mut IndexMap<String, Field>> {
    match ty {
        FieldType::Composite { fields } => Some(fields),
        FieldType::List { item } => composite_fields(item),
        _ => None,
    }
}
