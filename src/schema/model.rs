//! The in-memory model of a schema descriptor (source or destination).
//!
//! Built by the loader from YAML (see `docs/descriptors.md`); read by the
//! checker, the stager, the runtime and the loader. Invariants once loaded:
//! every `lookup(X)` and relation names an object of the same descriptor;
//! picklists have at least one value; names are unique per object.

use indexmap::IndexMap;
use serde::Serialize;

/// In a lookup's object list (`lookup(Contacts|Leads|custom)`): any custom
/// object the spec declares (Zoho `Parent_Id`, Salesforce `WhatId`).
pub const ANY_CUSTOM_OBJECT: &str = "custom";

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    Source,
    Destination,
}

/// A whole descriptor: `specs/schemas/<system>.yaml`.
#[derive(Clone, Debug, Serialize)]
pub struct Descriptor {
    /// `actimo`, `salesforce`, … (what `migration S -> D` names).
    pub system: String,
    pub kind: Kind,
    pub title: String,
    /// Source only: bundle-wide reading conventions.
    pub source: Option<SourceDefaults>,
    /// Destination only: API facts the loader needs.
    pub api: Option<DestinationApi>,
    pub objects: IndexMap<String, Object>,
}

impl Descriptor {
    pub fn object(&self, name: &str) -> Option<&Object> {
        self.objects.get(name)
    }
}

/// How a source bundle is read unless a column says otherwise.
#[derive(Clone, Debug, Serialize)]
pub struct SourceDefaults {
    /// strftime formats tried in order for `date` columns (ISO is always tried).
    pub date_formats: Vec<String>,
    pub datetime_formats: Vec<String>,
    /// IANA zone of naive local timestamps.
    pub timezone: String,
    pub multi_value_separator: String,
    pub true_values: Vec<String>,
    pub false_values: Vec<String>,
}

/// Destination-wide API facts.
#[derive(Clone, Debug, Serialize)]
pub struct DestinationApi {
    pub base_url: String,
    pub auth: String,
    /// Names of environment variables holding credentials (never values).
    pub credential_env: Vec<String>,
    pub rate_limit: String,
    pub id_format: String,
    /// How custom fields are named: `suffix:__c`, `prefix:cf_`, `hash`, `api_name`, `camelCase`.
    pub custom_field_naming: String,
    pub default_batch_size: u32,
    pub notes: Vec<String>,
}

#[derive(Clone, Debug, Serialize)]
pub struct Object {
    pub name: String,
    pub label: String,
    /// Source: the export file (`contacts.csv`).
    pub file: Option<String>,
    /// Source: the primary key columns.
    pub primary_key: Vec<String>,
    /// Source: object may be absent from a bundle ([S] objects).
    pub optional: bool,
    /// Destination: a custom object (Salesforce `__c`, Zoho module, …).
    pub custom: bool,
    pub fields: IndexMap<String, Field>,
    /// Source: named relations usable in paths (`manager`, `enrollments`).
    pub relations: IndexMap<String, Relation>,
    /// Destination: per-object API facts.
    pub api: Option<ObjectApi>,
    /// The object itself is marked `[UNVERIFIED]` in the reference.
    pub unverified: bool,
}

impl Object {
    /// An empty, non-optional, non-custom object; callers fill in what they know
    /// (use this instead of a struct literal so new model fields do not break you).
    pub fn new(name: impl Into<String>) -> Object {
        let name = name.into();
        Object {
            label: name.clone(),
            name,
            file: None,
            primary_key: Vec::new(),
            optional: false,
            custom: false,
            fields: IndexMap::new(),
            relations: IndexMap::new(),
            api: None,
            unverified: false,
        }
    }

    pub fn field(&self, name: &str) -> Option<&Field> {
        self.fields.get(name)
    }
}

#[derive(Clone, Debug, Serialize)]
pub struct ObjectApi {
    /// e.g. `/services/data/v62.0/sobjects/Contact` or `persons`.
    pub endpoint: String,
    pub batch_size: u32,
    /// Field the loader upserts on when the spec does not say (may be empty).
    pub upsert_key: Option<String>,
    pub notes: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Field {
    pub name: String,
    pub label: String,
    pub ty: FieldType,
    pub required: bool,
    pub unique: bool,
    pub external_id: bool,
    pub createable: bool,
    pub updateable: bool,
    /// Declared by a spec's `custom` block or marked custom in the descriptor.
    pub custom: bool,
    /// Strict mode warns when a route leaves this field unmapped.
    pub commonly_wanted: bool,
    /// Source: other header spellings accepted for this column.
    pub aliases: Vec<String>,
    /// Source: strftime formats for this column (override the bundle's).
    pub formats: Vec<String>,
    /// Source: the column may legitimately be empty.
    pub nullable: bool,
    /// Facts marked `[UNVERIFIED]` in the reference.
    pub unverified: bool,
    pub description: String,
}

impl Field {
    /// A plain field: not required, createable and updateable, nullable; callers
    /// set the rest (use this instead of a struct literal so new model fields do
    /// not break you).
    pub fn new(name: impl Into<String>, ty: FieldType) -> Field {
        let name = name.into();
        Field {
            label: name.clone(),
            name,
            ty,
            required: false,
            unique: false,
            external_id: false,
            createable: true,
            updateable: true,
            custom: false,
            commonly_wanted: false,
            aliases: Vec::new(),
            formats: Vec::new(),
            nullable: true,
            unverified: false,
            description: String::new(),
        }
    }
}

/// A field type. Composite fields carry their sub-fields.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "type", rename_all = "lowercase")]
pub enum FieldType {
    /// `text` or `text(n)`.
    Text {
        max: Option<u32>,
    },
    Textarea {
        max: Option<u32>,
    },
    Integer,
    /// `decimal`, `number(p, s)`.
    Number {
        precision: Option<u8>,
        scale: Option<u8>,
    },
    Percent,
    Currency,
    Boolean,
    Date,
    Datetime,
    Email,
    Phone,
    Url,
    /// Source `enum(...)` / destination `picklist(...)`.
    Picklist {
        values: Vec<EnumValue>,
    },
    Multipicklist {
        values: Vec<EnumValue>,
    },
    /// `list<T>`: a multi-valued source column.
    List {
        item: Box<FieldType>,
    },
    /// `lookup(Account)`; several targets for polymorphic fields (`WhoId`).
    Lookup {
        objects: Vec<String>,
    },
    /// The record owner: a destination user id, resolved by `owner(email)`.
    Owner,
    /// Source: a record id (primary or foreign key) kept as text.
    Id,
    /// Twenty `name { firstName lastName }`, `emails`, `address`, …
    Composite {
        fields: IndexMap<String, Field>,
    },
}

/// A picklist or enum value; aliases are source spellings folded onto it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct EnumValue {
    pub value: String,
    pub aliases: Vec<String>,
}

#[derive(Clone, Debug, Serialize)]
pub struct Relation {
    pub name: String,
    pub kind: RelationKind,
    /// The object the relation leads to.
    pub target: String,
    pub description: String,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum RelationKind {
    /// `manager`: this object's `column` holds the target's `target_column`. One or null.
    Forward {
        column: String,
        target_column: String,
    },
    /// `enrollments`: the target's `column` holds this object's `key_column`. A list.
    Reverse { column: String, key_column: String },
    /// `primary_company`: through link object `via`, where `via.from_column`
    /// = this key and `via.to_column` = the target key, optionally filtered
    /// on `filter_column == filter_value`. `many` says list or one-or-null.
    Link {
        via: String,
        from_column: String,
        to_column: String,
        key_column: String,
        target_column: String,
        filter: Option<(String, String)>,
        many: bool,
    },
}

impl RelationKind {
    /// Does a path through this relation give a list?
    pub fn is_many(&self) -> bool {
        match self {
            RelationKind::Forward { .. } => false,
            RelationKind::Reverse { .. } => true,
            RelationKind::Link { many, .. } => *many,
        }
    }
}

impl std::fmt::Display for FieldType {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let list = |vs: &[EnumValue]| {
            let shown: Vec<String> = vs
                .iter()
                .take(6)
                .map(|v| format!("{:?}", v.value))
                .collect();
            let more = if vs.len() > 6 { ", …" } else { "" };
            format!("{}{more}", shown.join(", "))
        };
        match self {
            FieldType::Text { max: Some(n) } => write!(f, "text({n})"),
            FieldType::Text { max: None } => f.write_str("text"),
            FieldType::Textarea { max: Some(n) } => write!(f, "textarea({n})"),
            FieldType::Textarea { max: None } => f.write_str("textarea"),
            FieldType::Integer => f.write_str("integer"),
            FieldType::Number {
                precision: Some(p),
                scale,
            } => write!(f, "number({p}, {})", scale.unwrap_or(0)),
            FieldType::Number { .. } => f.write_str("number"),
            FieldType::Percent => f.write_str("percent"),
            FieldType::Currency => f.write_str("currency"),
            FieldType::Boolean => f.write_str("boolean"),
            FieldType::Date => f.write_str("date"),
            FieldType::Datetime => f.write_str("datetime"),
            FieldType::Email => f.write_str("email"),
            FieldType::Phone => f.write_str("phone"),
            FieldType::Url => f.write_str("url"),
            FieldType::Picklist { values } => write!(f, "picklist({})", list(values)),
            FieldType::Multipicklist { values } => write!(f, "multipicklist({})", list(values)),
            FieldType::List { item } => write!(f, "list<{item}>"),
            FieldType::Lookup { objects } => write!(f, "lookup({})", objects.join("|")),
            FieldType::Owner => f.write_str("owner"),
            FieldType::Id => f.write_str("id"),
            FieldType::Composite { fields } => {
                let names: Vec<&str> = fields.keys().map(String::as_str).collect();
                write!(f, "composite {{ {} }}", names.join(", "))
            }
        }
    }
}
