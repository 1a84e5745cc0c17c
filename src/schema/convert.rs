//! Raw YAML values → model, with the checks that need only the item at hand:
//! type strings, picklist values, composite sub-fields, keys that belong to the
//! other kind of descriptor, and the merge of an `extends:` override.
//!
//! Input: a [`RawDescriptor`], its span tree, and for an override the
//! descriptor it extends. Output: a [`Descriptor`] (possibly incomplete when
//! diagnostics were pushed) and the list of items this file declared, which
//! [`super::validate`] checks against the whole descriptor. Invariants: every
//! diagnostic points into this file; nothing here panics on bad input.

use super::model::*;
use super::spans::{Node, Seg};
use super::types::parse_type_detailed;
use super::yaml::*;
use crate::diagnostics::{codes, did_you_mean, Diagnostic, Diagnostics, SourceFile};
use crate::span::Span;
use indexmap::IndexMap;
use std::sync::Arc;

/// What one file declared (so an override is only checked for its own items).
#[derive(Debug, Default)]
pub struct Own {
    /// object → (declared fields, declared relations, declared primary key?)
    pub objects: IndexMap<String, OwnObject>,
}

#[derive(Debug, Default)]
pub struct OwnObject {
    pub fields: Vec<String>,
    pub relations: Vec<String>,
    pub primary_key: bool,
}

/// The diagnostics context of one file.
pub struct Ctx<'a> {
    pub file: &'a Arc<SourceFile>,
    pub tree: &'a Node,
    pub diags: Diagnostics,
}

impl Ctx<'_> {
    /// The span of the value at `path` (or the nearest thing that exists).
    pub fn span(&self, path: &[Seg<'_>]) -> Span {
        self.tree.best_span(path)
    }

    /// The span of the key at the end of `path`.
    pub fn key(&self, path: &[Seg<'_>]) -> Span {
        self.tree.key_span(path).unwrap_or_else(|| self.span(path))
    }

    pub fn error(
        &mut self,
        code: codes::Code,
        message: impl Into<String>,
        span: Span,
        label: impl Into<String>,
    ) -> &mut Diagnostic {
        self.diags.push(
            Diagnostic::new(code, message)
                .in_file(self.file)
                .label(span, label),
        );
        let last = self.diags.0.len() - 1;
        &mut self.diags.0[last]
    }
}

/// Sets the help text of a just-pushed diagnostic.
pub fn with_help(d: &mut Diagnostic, help: Option<String>) {
    if let Some(h) = help {
        d.help = Some(h);
    }
}

const NAMINGS: &str = "`suffix:__c`, `prefix:cf_`, `hash`, `api_name` or `camelCase`";

fn naming_is_known(n: &str) -> bool {
    matches!(n, "hash" | "api_name" | "camelCase")
        || n.strip_prefix("suffix:")
            .or_else(|| n.strip_prefix("prefix:"))
            .is_some_and(|a| !a.is_empty())
}

/// Builds the descriptor of one file. `base` is the descriptor named by `extends:`.
pub fn descriptor(
    ctx: &mut Ctx<'_>,
    raw: RawDescriptor,
    base: Option<&Descriptor>,
) -> (Descriptor, Own) {
    let kind = match (raw.kind, base) {
        (Some(RawKind::Source), _) => Kind::Source,
        (Some(RawKind::Destination), _) => Kind::Destination,
        (None, Some(b)) => b.kind,
        (None, None) => {
            let span = Span::new(0, 0);
            ctx.error(
                codes::E0704,
                "the descriptor does not say its `kind`",
                span,
                "expected `kind: source` or `kind: destination` here",
            )
            .help =
                Some("add `kind: source` (an export bundle) or `kind: destination` (a CRM)".into());
            Kind::Destination
        }
    };
    if let (Some(b), Some(_)) = (base, raw.kind) {
        if b.kind != kind {
            let span = ctx.span(&[Seg::Key("kind")]);
            ctx.error(
                codes::E0704,
                format!(
                    "`{}` is a {} descriptor; an override cannot change its kind",
                    b.system,
                    kind_word(b.kind)
                ),
                span,
                "different from the extended descriptor",
            );
        }
    }
    let system = match (raw.system, base) {
        (Some(s), _) => s,
        (None, Some(b)) => b.system.clone(),
        (None, None) => {
            ctx.error(
                codes::E0703,
                "the descriptor has no `system` name",
                Span::new(0, 0),
                "expected `system: <name>`",
            )
            .help = Some("add `system: salesforce` (the name `migration actimo -> …` uses)".into());
            String::new()
        }
    };
    let mut desc = match base {
        Some(b) => Descriptor {
            system: system.clone(),
            ..b.clone()
        },
        None => Descriptor {
            system: system.clone(),
            kind,
            title: system.clone(),
            source: None,
            api: None,
            objects: IndexMap::new(),
        },
    };
    if let Some(t) = raw.title {
        desc.title = t;
    }
    match (raw.source, kind) {
        (Some(s), Kind::Source) => desc.source = Some(source_defaults(s)),
        (Some(_), Kind::Destination) => {
            let span = ctx.key(&[Seg::Key("source")]);
            ctx.error(
                codes::E0704,
                "`source:` reading conventions belong to a source descriptor",
                span,
                "not allowed with `kind: destination`",
            );
        }
        (None, Kind::Source) if desc.source.is_none() => {
            desc.source = Some(source_defaults(RawSourceDefaults::empty()))
        }
        (None, _) => {}
    }
    match (raw.api, kind) {
        (Some(a), Kind::Destination) => {
            if !naming_is_known(&a.custom_field_naming) {
                let span = ctx.span(&[Seg::Key("api"), Seg::Key("custom_field_naming")]);
                ctx.error(
                    codes::E0703,
                    format!("unknown custom field naming `{}`", a.custom_field_naming),
                    span,
                    "not a naming ferry knows",
                )
                .help = Some(format!("use {NAMINGS}"));
            }
            desc.api = Some(DestinationApi {
                base_url: a.base_url,
                auth: a.auth,
                credential_env: a.credential_env,
                rate_limit: a.rate_limit,
                id_format: a.id_format,
                custom_field_naming: a.custom_field_naming,
                default_batch_size: a.default_batch_size,
                notes: a.notes,
            });
        }
        (Some(_), Kind::Source) => {
            let span = ctx.key(&[Seg::Key("api")]);
            ctx.error(
                codes::E0704,
                "`api:` facts belong to a destination descriptor",
                span,
                "not allowed with `kind: source`",
            );
        }
        (None, Kind::Destination) if desc.api.is_none() => {
            ctx.error(codes::E0703, "a destination descriptor needs an `api:` section", Span::new(0, 0), "no `api:` in this file")
                .help = Some("add `api:` with base_url, auth, id_format, custom_field_naming and default_batch_size".into());
        }
        (None, _) => {}
    }
    let default_batch = desc.api.as_ref().map_or(1, |a| a.default_batch_size);
    let mut own = Own::default();
    for (name, raw_obj) in raw.objects {
        let existing = desc.objects.shift_remove(&name);
        let obj = object(ctx, &name, raw_obj, existing, kind, default_batch, &mut own);
        desc.objects.insert(name, obj);
    }
    (desc, own)
}

fn kind_word(k: Kind) -> &'static str {
    match k {
        Kind::Source => "source",
        Kind::Destination => "destination",
    }
}

impl RawSourceDefaults {
    fn empty() -> Self {
        RawSourceDefaults {
            date_formats: Vec::new(),
            datetime_formats: Vec::new(),
            timezone: None,
            multi_value_separator: None,
            true_values: Vec::new(),
            false_values: Vec::new(),
        }
    }
}

fn source_defaults(s: RawSourceDefaults) -> SourceDefaults {
    let or = |v: Vec<String>, d: &[&str]| {
        if v.is_empty() {
            d.iter().map(|s| s.to_string()).collect()
        } else {
            v
        }
    };
    SourceDefaults {
        date_formats: or(s.date_formats, &["%Y-%m-%d"]),
        datetime_formats: or(
            s.datetime_formats,
            &["%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S%z"],
        ),
        timezone: s.timezone.unwrap_or_else(|| "UTC".into()),
        multi_value_separator: s.multi_value_separator.unwrap_or_else(|| ";".into()),
        true_values: or(s.true_values, &["true", "1", "yes"]),
        false_values: or(s.false_values, &["false", "0", "no"]),
    }
}

fn object(
    ctx: &mut Ctx<'_>,
    name: &str,
    raw: RawObject,
    existing: Option<Object>,
    kind: Kind,
    default_batch: u32,
    own: &mut Own,
) -> Object {
    let at = |k: &'static str| [Seg::Key("objects"), Seg::Key(name), Seg::Key(k)];
    let is_new = existing.is_none();
    let mut obj = existing.unwrap_or_else(|| Object::new(name));
    let mut own_obj = OwnObject::default();
    if let Some(l) = raw.label {
        obj.label = l;
    }
    if let Some(u) = raw.unverified {
        obj.unverified = u;
    }
    let wrong_kind = |ctx: &mut Ctx<'_>, key: &'static str| {
        let span = ctx.key(&at(key));
        let (belongs, here) = match kind {
            Kind::Source => ("a destination", "source"),
            Kind::Destination => ("a source", "destination"),
        };
        ctx.error(
            codes::E0704,
            format!("`{key}:` on object `{name}` belongs to {belongs} descriptor"),
            span,
            format!("not allowed in a {here} descriptor"),
        );
    };
    match kind {
        Kind::Source => {
            if raw.api.is_some() {
                wrong_kind(ctx, "api");
            }
            if raw.custom.is_some() {
                wrong_kind(ctx, "custom");
            }
            if let Some(f) = raw.file {
                obj.file = Some(f);
            } else if obj.file.is_none() {
                obj.file = Some(format!("{name}.csv"));
            }
            if let Some(o) = raw.optional {
                obj.optional = o;
            }
            match raw.primary_key {
                Some(pk) => {
                    obj.primary_key = pk.into_vec();
                    own_obj.primary_key = true;
                    if obj.primary_key.is_empty() {
                        let span = ctx.span(&at("primary_key"));
                        ctx.error(
                            codes::E0703,
                            format!("object `{name}` has an empty primary key"),
                            span,
                            "names no column",
                        );
                    }
                }
                None if is_new => {
                    let span = ctx.key(&[Seg::Key("objects"), Seg::Key(name)]);
                    ctx.error(codes::E0703, format!("source object `{name}` has no `primary_key`"), span, "needs `primary_key: <column>`")
                        .help = Some("name the key column(s): `primary_key: contact_id` or `primary_key: [group_id, contact_id]`".into());
                }
                None => {}
            }
        }
        Kind::Destination => {
            for (key, given) in [
                ("file", raw.file.is_some()),
                ("primary_key", raw.primary_key.is_some()),
                ("optional", raw.optional.is_some()),
                ("relations", !raw.relations.is_empty()),
            ] {
                if given {
                    wrong_kind(ctx, key);
                }
            }
            if let Some(c) = raw.custom {
                obj.custom = c;
            }
            if let Some(a) = raw.api {
                obj.api = Some(ObjectApi {
                    endpoint: a.endpoint,
                    batch_size: a.batch_size.unwrap_or(default_batch),
                    upsert_key: a.upsert_key,
                    notes: a.notes,
                });
            }
        }
    }
    for (fname, raw_field) in raw.fields {
        let path = [
            Seg::Key("objects"),
            Seg::Key(name),
            Seg::Key("fields"),
            Seg::Key(&fname),
        ];
        // A field that failed still gets a placeholder, so relations and keys
        // naming it do not add follow-on errors (the file fails anyway).
        let f = field(ctx, &path, &fname, raw_field, kind)
            .unwrap_or_else(|| Field::new(fname.clone(), FieldType::Text { max: None }));
        obj.fields.insert(fname.clone(), f);
        own_obj.fields.push(fname);
    }
    if kind == Kind::Source {
        for (rname, raw_rel) in raw.relations {
            let path = [
                Seg::Key("objects"),
                Seg::Key(name),
                Seg::Key("relations"),
                Seg::Key(&rname),
            ];
            obj.relations
                .insert(rname.clone(), relation(ctx, &path, &rname, raw_rel));
            own_obj.relations.push(rname);
        }
    }
    own.objects.insert(name.to_string(), own_obj);
    obj
}

/// Relations are only reshaped here (and keys that do not fit their kind
/// reported); [`super::validate`] resolves their names.
fn relation(ctx: &mut Ctx<'_>, path: &[Seg<'_>], name: &str, r: RawRelation) -> Relation {
    let allowed: &[&str] = match r.kind {
        RawRelationKind::Forward => &["column", "target_column"],
        RawRelationKind::Reverse => &["column", "key"],
        RawRelationKind::Link => &["via", "from", "to", "key", "target_column", "where", "many"],
    };
    for (key, given) in [
        ("column", r.column.is_some()),
        ("target_column", r.target_column.is_some()),
        ("key", r.key.is_some()),
        ("via", r.via.is_some()),
        ("from", r.from.is_some()),
        ("to", r.to.is_some()),
        ("where", r.r#where.is_some()),
        ("many", r.many.is_some()),
    ] {
        if given && !allowed.contains(&key) {
            let span = ctx.key(&[path, &[Seg::Key(key)]].concat());
            let kind = format!("{:?}", r.kind).to_lowercase();
            ctx.error(
                codes::E0703,
                format!("`{key}` does not apply to a {kind} relation (`{name}`)"),
                span,
                format!("not used by `kind: {kind}`"),
            )
            .help = Some(format!(
                "a {kind} relation takes `target`, `description` and {}",
                allowed
                    .iter()
                    .map(|k| format!("`{k}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
    }
    if let Some(w) = &r.r#where {
        if w.len() != 1 {
            let span = ctx.span(&[path, &[Seg::Key("where")]].concat());
            ctx.error(
                codes::E0703,
                format!("relation `{name}`: `where` takes exactly one `column: value`"),
                span,
                format!("{} conditions", w.len()),
            );
        }
    }
    let filter = r
        .r#where
        .and_then(|w| w.into_iter().next())
        .map(|(k, v)| (k, v.0));
    let kind = match r.kind {
        RawRelationKind::Forward => RelationKind::Forward {
            column: r.column.unwrap_or_default(),
            target_column: r.target_column.unwrap_or_default(),
        },
        RawRelationKind::Reverse => RelationKind::Reverse {
            column: r.column.unwrap_or_default(),
            key_column: r.key.unwrap_or_default(),
        },
        RawRelationKind::Link => RelationKind::Link {
            via: r.via.unwrap_or_default(),
            from_column: r.from.unwrap_or_default(),
            to_column: r.to.unwrap_or_default(),
            key_column: r.key.unwrap_or_default(),
            target_column: r.target_column.unwrap_or_default(),
            filter,
            many: r.many.unwrap_or(true),
        },
    };
    Relation {
        name: name.to_string(),
        kind,
        target: r.target,
        description: r.description.unwrap_or_default(),
    }
}

/// One field (recursively for composite sub-fields).
fn field(
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

/// "did you mean" among `names`.
pub fn suggest<'a>(name: &str, names: impl IntoIterator<Item = &'a String>) -> Option<String> {
    did_you_mean(name, names.into_iter().map(String::as_str))
}
