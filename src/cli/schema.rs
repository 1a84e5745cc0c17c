//! `ferry schema list` and `ferry schema show SYSTEM [OBJECT]`: what an analyst
//! needs while writing a spec (objects, fields, types, required flags, picklist
//! values, relations, export file names and header aliases).
//!
//! Input: the standard descriptors, or those of `--schemas DIR`. Output: aligned
//! tables on stdout (or JSON with `--format json`); unknown names are E0712 /
//! E0713 diagnostics on stderr with "did you mean" and exit 1; an unreadable
//! `--schemas` folder exits 2.

use super::exit;
use crate::diagnostics::render::Format as DiagFormat;
use crate::diagnostics::{codes, did_you_mean, Diagnostic, Diagnostics};
use crate::schema::model::{Descriptor, Field, FieldType, Kind, Object, Relation, RelationKind};
use crate::schema::Registry;
use std::path::PathBuf;

#[derive(clap::Args, Debug)]
pub struct Args {
    #[command(subcommand)]
    action: Action,
    /// A folder of descriptor overrides (`*.yaml`): new systems, replacements,
    /// or `extends: SYSTEM` additions such as a customer's org metadata.
    #[arg(long, global = true, value_name = "DIR")]
    schemas: Option<PathBuf>,
    /// Output format.
    #[arg(long, global = true, value_enum, default_value = "text")]
    format: Format,
}

#[derive(clap::Subcommand, Debug)]
enum Action {
    /// List the loaded descriptors.
    List,
    /// Show a descriptor's objects, or one object's fields and relations.
    #[command(
        after_help = "Examples:\n  ferry schema show salesforce\n  ferry schema show salesforce Lead\n  ferry schema show actimo contacts --format json"
    )]
    Show {
        /// A system name (`ferry schema list` shows them).
        system: String,
        /// An object of that system.
        object: Option<String>,
    },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
enum Format {
    Text,
    Json,
}

pub fn run(args: Args) -> u8 {
    let registry = match &args.schemas {
        Some(dir) => Registry::with_overrides(dir),
        None => Registry::standard(),
    };
    let registry = match registry {
        Ok(r) => r,
        Err(diags) => return fail(&diags),
    };
    match args.action {
        Action::List => {
            print!("{}", list(&registry, args.format));
            exit::OK
        }
        Action::Show { system, object } => {
            let Some(desc) = registry.get(&system) else {
                let names: Vec<&str> = registry.names().collect();
                let d = Diagnostic::new(
                    codes::E0712,
                    format!("no descriptor is loaded for `{system}`"),
                )
                .help(
                    did_you_mean(&system, names.iter().copied())
                        .unwrap_or_else(|| format!("loaded: {}", names.join(", "))),
                );
                return fail(&Diagnostics(vec![d]));
            };
            match object {
                None => print!("{}", show_system(desc, args.format)),
                Some(name) => {
                    let Some(obj) = desc.object(&name) else {
                        let d = Diagnostic::new(
                            codes::E0713,
                            format!("`{}` has no object `{name}`", desc.system),
                        )
                        .help(
                            did_you_mean(&name, desc.objects.keys().map(String::as_str))
                                .unwrap_or_else(|| {
                                    format!("`ferry schema show {}` lists its objects", desc.system)
                                }),
                        );
                        return fail(&Diagnostics(vec![d]));
                    };
                    print!("{}", show_object(desc, obj, args.format));
                }
            }
            exit::OK
        }
    }
}

fn fail(diags: &Diagnostics) -> u8 {
    super::emit(&diags.0, DiagFormat::Human);
    if diags.iter().any(|d| d.code == codes::E1001) {
        exit::USAGE
    } else {
        exit::DIAGNOSTICS
    }
}

fn json(v: &impl serde::Serialize) -> String {
    serde_json::to_string_pretty(v).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}")) + "\n"
}

fn kind_word(k: Kind) -> &'static str {
    match k {
        Kind::Source => "source",
        Kind::Destination => "destination",
    }
}

/// `ferry schema list`.
fn list(reg: &Registry, format: Format) -> String {
    if format == Format::Json {
        let rows: Vec<serde_json::Value> = reg
            .systems()
            .map(|d| serde_json::json!({"system": d.system, "kind": d.kind, "title": d.title, "objects": d.objects.len()}))
            .collect();
        return json(&rows);
    }
    let mut t = Table::new(["SYSTEM", "KIND", "OBJECTS", "TITLE"]);
    for d in reg.systems() {
        t.row([
            d.system.clone(),
            kind_word(d.kind).into(),
            d.objects.len().to_string(),
            d.title.clone(),
        ]);
    }
    t.render()
}

/// `ferry schema show SYSTEM`.
fn show_system(d: &Descriptor, format: Format) -> String {
    if format == Format::Json {
        return json(d);
    }
    let mut out = format!("{} — {} ({})\n", d.system, d.title, kind_word(d.kind));
    let mut facts = Table::plain();
    if let Some(s) = &d.source {
        facts.row(["  dates".into(), s.date_formats.join("  ")]);
        facts.row(["  datetimes".into(), s.datetime_formats.join("  ")]);
        facts.row(["  timezone".into(), s.timezone.clone()]);
        facts.row([
            "  multi-value separator".into(),
            format!("{:?}", s.multi_value_separator),
        ]);
        facts.row([
            "  true / false".into(),
            format!(
                "{} / {}",
                s.true_values.join(", "),
                s.false_values.join(", ")
            ),
        ]);
    }
    if let Some(a) = &d.api {
        facts.row(["  base url".into(), a.base_url.clone()]);
        facts.row(["  auth".into(), a.auth.clone()]);
        facts.row(["  credentials (env)".into(), a.credential_env.join(", ")]);
        facts.row(["  batch size".into(), a.default_batch_size.to_string()]);
        facts.row(["  ids".into(), a.id_format.clone()]);
        facts.row(["  custom fields".into(), a.custom_field_naming.clone()]);
        facts.row(["  rate limit".into(), a.rate_limit.clone()]);
        for n in &a.notes {
            facts.row(["  note".into(), n.clone()]);
        }
    }
    out.push_str(&facts.render());
    out.push('\n');
    match d.kind {
        Kind::Source => {
            let mut t = Table::new(["OBJECT", "FILE", "PRIMARY KEY", "FIELDS", "RELATIONS", ""]);
            for o in d.objects.values() {
                t.row([
                    o.name.clone(),
                    o.file.clone().unwrap_or_default(),
                    o.primary_key.join(", "),
                    o.fields.len().to_string(),
                    o.relations.len().to_string(),
                    if o.optional {
                        "optional".into()
                    } else {
                        String::new()
                    },
                ]);
            }
            out.push_str(&t.render());
        }
        Kind::Destination => {
            let mut t = Table::new(["OBJECT", "LABEL", "FIELDS", "ENDPOINT", "REQUIRED"]);
            for o in d.objects.values() {
                let required: Vec<&str> = o
                    .fields
                    .values()
                    .filter(|f| f.required)
                    .map(|f| f.name.as_str())
                    .collect();
                let mut endpoint = o
                    .api
                    .as_ref()
                    .map(|a| format!("{} (batch {})", a.endpoint, a.batch_size))
                    .unwrap_or_default();
                if o.unverified {
                    endpoint.push_str("  [unverified]");
                }
                t.row([
                    o.name.clone(),
                    o.label.clone(),
                    o.fields.len().to_string(),
                    endpoint,
                    required.join(", "),
                ]);
            }
            out.push_str(&t.render());
        }
    }
    out.push_str(&format!(
        "\n`ferry schema show {} OBJECT` shows an object's fields.\n",
        d.system
    ));
    out
}

/// `ferry schema show SYSTEM OBJECT`.
fn show_object(d: &Descriptor, o: &Object, format: Format) -> String {
    if format == Format::Json {
        return json(o);
    }
    let mut out = format!("{} — {} ({})\n", o.name, o.label, d.system);
    let mut facts = Table::plain();
    if let Some(f) = &o.file {
        facts.row(["  file".into(), f.clone()]);
        facts.row(["  primary key".into(), o.primary_key.join(", ")]);
        if o.optional {
            facts.row(["  optional".into(), "a bundle may lack this file".into()]);
        }
    }
    if let Some(a) = &o.api {
        facts.row([
            "  endpoint".into(),
            format!("{} (batch {})", a.endpoint, a.batch_size),
        ]);
        if let Some(k) = &a.upsert_key {
            facts.row(["  upsert key".into(), k.clone()]);
        }
        for n in &a.notes {
            facts.row(["  note".into(), n.clone()]);
        }
    }
    if o.unverified {
        facts.row([
            "  unverified".into(),
            "the reference marks this object [UNVERIFIED]".into(),
        ]);
    }
    out.push_str(&facts.render());
    out.push('\n');
    let source = d.kind == Kind::Source;
    let mut t = Table::new(["FIELD", "TYPE", "REQUIRED", "FLAGS", "DETAILS"]);
    for f in o.fields.values() {
        field_rows(&mut t, f, 0, source);
    }
    out.push_str(&t.render());
    if !o.relations.is_empty() {
        out.push('\n');
        let mut r = Table::new(["RELATION", "TARGET", "KIND", "GIVES", "THROUGH"]);
        for rel in o.relations.values() {
            r.row(relation_row(o, rel));
        }
        out.push_str(&r.render());
    }
    out
}

fn field_rows(t: &mut Table, f: &Field, depth: usize, source: bool) {
    let mut flags = Vec::new();
    if f.unique {
        flags.push("unique");
    }
    if f.external_id {
        flags.push("external id");
    }
    if !f.createable {
        flags.push("read-only");
    } else if !f.updateable {
        flags.push("create-only");
    }
    if f.custom {
        flags.push("custom");
    }
    if f.commonly_wanted {
        flags.push("commonly wanted");
    }
    if source && f.required && f.nullable {
        flags.push("may be empty");
    }
    if f.unverified {
        flags.push("unverified");
    }
    let mut details = Vec::new();
    if let Some(values) = enum_values(&f.ty) {
        let shown: Vec<String> = values
            .iter()
            .map(|v| {
                if v.aliases.is_empty() {
                    v.value.clone()
                } else {
                    format!("{} ({})", v.value, v.aliases.join(", "))
                }
            })
            .collect();
        details.push(format!("values: {}", shown.join(" | ")));
    }
    if !f.aliases.is_empty() {
        details.push(format!("headers: {}", f.aliases.join(", ")));
    }
    if !f.formats.is_empty() {
        details.push(format!("formats: {}", f.formats.join("  ")));
    }
    if f.label != f.name {
        details.push(format!("label: {}", f.label));
    }
    if !f.description.is_empty() {
        details.push(f.description.clone());
    }
    let ty = match &f.ty {
        FieldType::Picklist { .. } => "picklist".to_string(),
        FieldType::Multipicklist { .. } => "multipicklist".to_string(),
        FieldType::List { item } if matches!(**item, FieldType::Picklist { .. }) => {
            "list<picklist>".to_string()
        }
        FieldType::Composite { .. } => "composite".to_string(),
        FieldType::List { item } if matches!(**item, FieldType::Composite { .. }) => {
            "list<composite>".to_string()
        }
        other => other.to_string(),
    };
    let required = if f.required { "yes" } else { "" };
    // Sub-fields show as `  .firstName`, indented by depth.
    let name = if depth == 0 {
        f.name.clone()
    } else {
        format!("{}.{}", "  ".repeat(depth), f.name)
    };
    t.row([
        name,
        ty,
        required.into(),
        flags.join(", "),
        details.join("; "),
    ]);
    let subs = match &f.ty {
        FieldType::Composite { fields } => Some(fields),
        FieldType::List { item } => match item.as_ref() {
            FieldType::Composite { fields } => Some(fields),
            _ => None,
        },
        _ => None,
    };
    for sub in subs.into_iter().flat_map(|s| s.values()) {
        field_rows(t, sub, depth + 1, source);
    }
}

fn enum_values(ty: &FieldType) -> Option<&[crate::schema::model::EnumValue]> {
    match ty {
        FieldType::Picklist { values } | FieldType::Multipicklist { values } => Some(values),
        FieldType::List { item } => enum_values(item),
        _ => None,
    }
}

fn relation_row(o: &Object, rel: &Relation) -> [String; 5] {
    let gives = if rel.kind.is_many() {
        "list"
    } else {
        "one or null"
    };
    let (kind, through) = match &rel.kind {
        RelationKind::Forward {
            column,
            target_column,
        } => (
            "forward",
            format!("{}.{column} → {}.{target_column}", o.name, rel.target),
        ),
        RelationKind::Reverse { column, key_column } => (
            "reverse",
            format!("{}.{key_column} ← {}.{column}", o.name, rel.target),
        ),
        RelationKind::Link {
            via,
            from_column,
            to_column,
            key_column,
            target_column,
            filter,
            ..
        } => {
            let filter = filter
                .as_ref()
                .map(|(c, v)| format!(" where {c} = {v}"))
                .unwrap_or_default();
            (
                "link",
                format!("{}.{key_column} ← {via}.{from_column}, {via}.{to_column} → {}.{target_column}{filter}", o.name, rel.target),
            )
        }
    };
    let mut through = through;
    if !rel.description.is_empty() {
        through = format!("{through}  ({})", rel.description);
    }
    [
        rel.name.clone(),
        rel.target.clone(),
        kind.into(),
        gives.into(),
        through,
    ]
}

/// A left-aligned text table; the last column is not padded.
struct Table {
    rows: Vec<Vec<String>>,
    header: bool,
}

impl Table {
    fn new<const N: usize>(header: [&str; N]) -> Table {
        Table {
            rows: vec![header.iter().map(|s| s.to_string()).collect()],
            header: true,
        }
    }

    fn plain() -> Table {
        Table {
            rows: Vec::new(),
            header: false,
        }
    }

    fn row<const N: usize>(&mut self, cells: [String; N]) {
        self.rows
            .push(cells.into_iter().map(|c| c.replace('\n', " ")).collect());
    }

    fn render(&self) -> String {
        if self.rows.len() <= usize::from(self.header) {
            return String::new();
        }
        let cols = self.rows.iter().map(Vec::len).max().unwrap_or(0);
        let widths: Vec<usize> = (0..cols)
            .map(|i| {
                self.rows
                    .iter()
                    .filter_map(|r| r.get(i))
                    .map(|c| c.chars().count())
                    .max()
                    .unwrap_or(0)
            })
            .collect();
        let mut out = String::new();
        for row in &self.rows {
            let mut line = String::new();
            for (i, cell) in row.iter().enumerate() {
                if i + 1 == row.len() {
                    line.push_str(cell);
                } else {
                    line.push_str(cell);
                    line.push_str(&" ".repeat(widths[i] - cell.chars().count() + 2));
                }
            }
            out.push_str(line.trim_end());
            out.push('\n');
        }
        out
    }
}
