//! Raw YAML values → model for a descriptor and its objects and relations (fields:
//! [`super::field`]), with the checks that need only the item at hand (keys that
//! belong to the other kind of descriptor, relation keys that do not fit their
//! kind), and the merge of an `extends:` override.
//!
//! Input: a [`RawDescriptor`], its span tree, and for an override the
//! descriptor it extends. Output: a [`Descriptor`] (possibly incomplete when
//! diagnostics were pushed) and the list of items this file declared, which
//! [`super::validate`] checks against the whole descriptor. Invariants: every
//! diagnostic points into this file; nothing here panics on bad input.

use super::model::*;
use super::spans::{Node, Seg};
use super::yaml::*;
use crate::diagnostics::{codes, did_you_mean, Diagnostic, Diagnostics, SourceFile};
use crate::span::Span;
use indexmap::IndexMap;
use std::sync::Arc;

/// What one file declared (so an override is only checked for its own items).
#[derive(Debug, Default)]
pub struct Own {
    /// Objects the file mentions, with what it declared on each.
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
        let f = super::field::field(ctx, &path, &fname, raw_field, kind)
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

/// "did you mean" among `names`.
pub fn suggest<'a>(name: &str, names: impl IntoIterator<Item = &'a String>) -> Option<String> {
    did_you_mean(name, names.into_iter().map(String::as_str))
}
