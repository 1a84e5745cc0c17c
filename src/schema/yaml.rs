//! The descriptor YAML as written (see `docs/descriptors.md`), before types
//! are parsed and references resolved.
//!
//! Input: YAML text through serde_yaml. Output: `Raw*` values. Invariants:
//! every struct denies unknown keys (a typo is an error, never silently
//! ignored); optional keys stay `Option` so an `extends:` override can tell
//! "not given" from "given"; a field may be written as a bare type string
//! (`Title: text(128)`) or as a mapping.

use indexmap::IndexMap;
use serde::de::{self, MapAccess, Visitor};
use serde::{Deserialize, Deserializer};
use std::fmt;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawDescriptor {
    pub system: Option<String>,
    /// Name of a loaded descriptor this one adds objects and fields to.
    pub extends: Option<String>,
    pub kind: Option<RawKind>,
    pub title: Option<String>,
    pub source: Option<RawSourceDefaults>,
    pub api: Option<RawApi>,
    #[serde(default)]
    pub objects: IndexMap<String, RawObject>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RawKind {
    Source,
    Destination,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawSourceDefaults {
    #[serde(default)]
    pub date_formats: Vec<String>,
    #[serde(default)]
    pub datetime_formats: Vec<String>,
    pub timezone: Option<String>,
    pub multi_value_separator: Option<String>,
    #[serde(default)]
    pub true_values: Vec<String>,
    #[serde(default)]
    pub false_values: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawApi {
    pub base_url: String,
    pub auth: String,
    #[serde(default)]
    pub credential_env: Vec<String>,
    #[serde(default)]
    pub rate_limit: String,
    pub id_format: String,
    pub custom_field_naming: String,
    pub default_batch_size: u32,
    #[serde(default)]
    pub notes: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawObject {
    pub label: Option<String>,
    pub file: Option<String>,
    pub primary_key: Option<OneOrMany>,
    pub optional: Option<bool>,
    pub custom: Option<bool>,
    pub unverified: Option<bool>,
    pub api: Option<RawObjectApi>,
    #[serde(default)]
    pub fields: IndexMap<String, RawField>,
    #[serde(default)]
    pub relations: IndexMap<String, RawRelation>,
}

/// `primary_key: contact_id` or `primary_key: [group_id, contact_id]`.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub enum OneOrMany {
    One(String),
    Many(Vec<String>),
}

impl OneOrMany {
    pub fn into_vec(self) -> Vec<String> {
        match self {
            OneOrMany::One(s) => vec![s],
            OneOrMany::Many(v) => v,
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawObjectApi {
    pub endpoint: String,
    pub batch_size: Option<u32>,
    pub upsert_key: Option<String>,
    #[serde(default)]
    pub notes: Vec<String>,
}

/// A field: a bare type string, or the full mapping.
#[derive(Debug, Default)]
pub struct RawField {
    pub r#type: Option<String>,
    pub label: Option<String>,
    pub description: Option<String>,
    pub required: Option<bool>,
    pub unique: Option<bool>,
    pub external_id: Option<bool>,
    pub createable: Option<bool>,
    pub updateable: Option<bool>,
    pub custom: Option<bool>,
    pub commonly_wanted: Option<bool>,
    pub nullable: Option<bool>,
    pub unverified: Option<bool>,
    pub aliases: Vec<String>,
    pub formats: Vec<String>,
    pub values: Option<Vec<RawValue>>,
    pub fields: Option<IndexMap<String, RawField>>,
}

/// The mapping form of [`RawField`]; kept separate so `deny_unknown_fields`
/// (and its "expected one of" list) applies to it.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFieldMap {
    r#type: Option<String>,
    label: Option<String>,
    description: Option<String>,
    required: Option<bool>,
    unique: Option<bool>,
    external_id: Option<bool>,
    createable: Option<bool>,
    updateable: Option<bool>,
    custom: Option<bool>,
    commonly_wanted: Option<bool>,
    nullable: Option<bool>,
    unverified: Option<bool>,
    #[serde(default)]
    aliases: Vec<String>,
    #[serde(default)]
    formats: Vec<String>,
    values: Option<Vec<RawValue>>,
    fields: Option<IndexMap<String, RawField>>,
}

impl<'de> Deserialize<'de> for RawField {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = RawField;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a type such as `text(80)` or a mapping such as `{ type: text(80), required: true }`")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<RawField, E> {
                Ok(RawField {
                    r#type: Some(v.to_string()),
                    ..RawField::default()
                })
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<RawField, A::Error> {
                let m = RawFieldMap::deserialize(de::value::MapAccessDeserializer::new(map))?;
                Ok(RawField {
                    r#type: m.r#type,
                    label: m.label,
                    description: m.description,
                    required: m.required,
                    unique: m.unique,
                    external_id: m.external_id,
                    createable: m.createable,
                    updateable: m.updateable,
                    custom: m.custom,
                    commonly_wanted: m.commonly_wanted,
                    nullable: m.nullable,
                    unverified: m.unverified,
                    aliases: m.aliases,
                    formats: m.formats,
                    values: m.values,
                    fields: m.fields,
                })
            }
        }
        d.deserialize_any(V)
    }
}

/// A picklist value: `Active` or `{ value: active, aliases: [Active, Aktiv] }`.
#[derive(Debug)]
pub struct RawValue {
    pub value: Scalar,
    pub aliases: Vec<Scalar>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawValueMap {
    value: Scalar,
    #[serde(default)]
    aliases: Vec<Scalar>,
}

impl<'de> Deserialize<'de> for RawValue {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = RawValue;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a value such as `Active` or `{ value: active, aliases: [Aktiv] }`")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<RawValue, E> {
                Ok(RawValue::plain(v.to_string()))
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<RawValue, E> {
                Ok(RawValue::plain(v.to_string()))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<RawValue, E> {
                Ok(RawValue::plain(v.to_string()))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<RawValue, E> {
                Ok(RawValue::plain(v.to_string()))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<RawValue, E> {
                Ok(RawValue::plain(v.to_string()))
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<RawValue, A::Error> {
                let m = RawValueMap::deserialize(de::value::MapAccessDeserializer::new(map))?;
                Ok(RawValue {
                    value: m.value,
                    aliases: m.aliases,
                })
            }
        }
        d.deserialize_any(V)
    }
}

impl RawValue {
    fn plain(value: String) -> RawValue {
        RawValue {
            value: Scalar(value),
            aliases: Vec::new(),
        }
    }
}

/// A scalar written as a string, number or boolean (`1`, `true`, `Mr.`); kept as text.
#[derive(Clone, Debug, PartialEq)]
pub struct Scalar(pub String);

impl<'de> Deserialize<'de> for Scalar {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = Scalar;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string, number or boolean")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Scalar, E> {
                Ok(Scalar(v.to_string()))
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<Scalar, E> {
                Ok(Scalar(v.to_string()))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Scalar, E> {
                Ok(Scalar(v.to_string()))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Scalar, E> {
                Ok(Scalar(v.to_string()))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Scalar, E> {
                Ok(Scalar(v.to_string()))
            }
        }
        d.deserialize_any(V)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RawRelationKind {
    Forward,
    Reverse,
    Link,
}

/// A named relation of a source object (see `docs/descriptors.md`).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawRelation {
    pub kind: RawRelationKind,
    /// The object the relation leads to.
    pub target: String,
    /// forward: this object's column; reverse: the target's column.
    pub column: Option<String>,
    /// forward / link: the target's key column (default: its primary key).
    pub target_column: Option<String>,
    /// reverse / link: this object's key column (default: its primary key).
    pub key: Option<String>,
    /// link: the link object and its two columns.
    pub via: Option<String>,
    pub from: Option<String>,
    pub to: Option<String>,
    /// link: `{ column: value }` rows of the link object must match.
    pub r#where: Option<IndexMap<String, Scalar>>,
    /// link: a list (default) or one-or-null.
    pub many: Option<bool>,
    pub description: Option<String>,
}
