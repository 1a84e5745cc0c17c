//! The type vocabulary (`text(80)`, `number(18, 2)`, `picklist("a", "b")`,
//! `lookup(Contact)`, `list<text>`, …) for both places types are written: a
//! spec's `custom` fields and `column` rules, and a descriptor's type strings.
//!
//! Input: a [`Term`] (a type's name and arguments as written; a spec's come
//! from its syntax tree, a descriptor's from [`parse_type_detailed`]) and the
//! [`Notation`] it was written in. Output: a [`FieldType`] or a [`TypeError`].
//! Invariants: one name-to-type table for both notations; where they differ
//! (see [`Notation`]) the difference is spelled out here, not re-implemented;
//! picklists from a descriptor may come out with no values (the loader adds
//! the `values:` list); composites come out with no sub-fields (the loader
//! adds `fields:`); never panics on any input.

use super::model::{EnumValue, FieldType};
use crate::diagnostics::did_you_mean;
use indexmap::IndexMap;
use std::ops::Range;

pub use super::type_string::{parse_type, parse_type_detailed};

/// Every type name a descriptor may use.
pub const TYPE_NAMES: &[&str] = &[
    "text",
    "textarea",
    "integer",
    "decimal",
    "number",
    "percent",
    "currency",
    "boolean",
    "date",
    "datetime",
    "email",
    "phone",
    "url",
    "enum",
    "picklist",
    "multipicklist",
    "list",
    "lookup",
    "owner",
    "id",
    "composite",
];

/// Type names a spec may write, for "did you mean": all but `composite`.
/// (That `enum` comes before `picklist` here cannot change a suggestion: no
/// name is close enough to both to tie.)
pub fn spec_type_names() -> impl Iterator<Item = &'static str> {
    TYPE_NAMES.iter().copied().filter(|n| *n != "composite")
}

/// Names from other type vocabularies (the export reference, SQL, JSON Schema)
/// that people type from habit, with the descriptor spelling.
const FOREIGN_NAMES: &[(&str, &str)] = &[
    ("string", "text"),
    ("str", "text"),
    ("varchar", "text"),
    ("int", "integer"),
    ("bigint", "integer"),
    ("bool", "boolean"),
    ("float", "number"),
    ("double", "number"),
    ("numeric", "number"),
    ("timestamp", "datetime"),
    ("uuid", "id"),
    ("id_ref", "id"),
    ("multi", "list"),
    ("array", "list"),
    ("reference", "lookup"),
    ("user", "owner"),
    ("select", "picklist"),
    ("dropdown", "picklist"),
    ("multiselect", "multipicklist"),
    ("object", "composite"),
];

/// Where a type is written. The notations share the vocabulary and differ in
/// what they tolerate:
/// - a spec writes names exactly and also accepts `string`, `int` and `bool`;
///   it ignores arguments a type does not use, caps text lengths at 131072,
///   wants picklist values inline, names lookup targets as types
///   (`lookup(Account, Contact)`) and may nest lists;
/// - a descriptor writes names in any case, refuses arguments a type does not
///   take, allows `composite` and value-less picklists, names lookup targets
///   as `Contact|Lead`, and its errors point into the string and carry hints.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Notation {
    Spec,
    Descriptor,
}

/// A type as written: its name and arguments.
#[derive(Clone, Debug)]
pub struct Term<'a> {
    pub name: &'a str,
    /// Where the name is written.
    pub at: Range<usize>,
    pub args: Vec<Arg<'a>>,
}

/// One argument of a [`Term`], with where it is written.
#[derive(Clone, Debug)]
pub enum Arg<'a> {
    Int(i128, Range<usize>),
    Str(&'a str, Range<usize>),
    /// A descriptor's object names: `Contact|Lead`.
    Names(Vec<&'a str>, Range<usize>),
    /// A spec's nested type: the `text` of `list<text>`, the `Account` of
    /// `lookup(Account)`.
    Type(Term<'a>),
}

/// A type that does not build.
#[derive(Clone, Debug, PartialEq)]
pub struct TypeError {
    pub message: String,
    /// Byte range of the problem (inside a descriptor's type string).
    pub at: Range<usize>,
    /// "did you mean …?" or a spelling hint.
    pub help: Option<String>,
}

impl std::fmt::Display for TypeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)?;
        if let Some(h) = &self.help {
            write!(f, " ({h})")?;
        }
        Ok(())
    }
}

fn error(at: &Range<usize>, message: impl Into<String>) -> TypeError {
    TypeError {
        message: message.into(),
        at: at.clone(),
        help: None,
    }
}

/// Builds the type `t` names, by the rules of `notation`.
pub fn build(notation: Notation, t: &Term<'_>) -> Result<FieldType, TypeError> {
    use Notation::{Descriptor, Spec};
    // A descriptor's names are case-insensitive, a spec's are exact; messages
    // name the type as its notation reads it.
    let lower;
    let name = match notation {
        Spec => t.name,
        Descriptor => {
            lower = t.name.to_ascii_lowercase();
            lower.as_str()
        }
    };
    let bare = |ty: FieldType| match notation {
        Descriptor if !t.args.is_empty() => {
            Err(error(&t.at, format!("`{name}` takes no arguments")))
        }
        _ => Ok(ty),
    };
    match (name, notation) {
        ("text", _) | ("string", Spec) => Ok(FieldType::Text {
            max: length(notation, name, t)?,
        }),
        ("textarea", _) => Ok(FieldType::Textarea {
            max: length(notation, name, t)?,
        }),
        ("number" | "decimal", _) => number(notation, name, t),
        ("picklist" | "enum" | "multipicklist", _) => {
            let values = values(notation, name, t)?;
            Ok(if name == "multipicklist" {
                FieldType::Multipicklist { values }
            } else {
                FieldType::Picklist { values }
            })
        }
        // A descriptor's `list<…>` is read by its string parser.
        ("list", Spec) => match t.args.iter().find_map(nested) {
            Some(item) => Ok(FieldType::List {
                item: Box::new(build(Spec, item)?),
            }),
            None => Err(error(&t.at, "`list` needs an item type: `list<text>`")),
        },
        ("lookup", _) => lookup(notation, t),
        ("integer", _) | ("int", Spec) => bare(FieldType::Integer),
        ("percent", _) => bare(FieldType::Percent),
        ("currency", _) => bare(FieldType::Currency),
        ("boolean", _) | ("bool", Spec) => bare(FieldType::Boolean),
        ("date", _) => bare(FieldType::Date),
        ("datetime", _) => bare(FieldType::Datetime),
        ("email", _) => bare(FieldType::Email),
        ("phone", _) => bare(FieldType::Phone),
        ("url", _) => bare(FieldType::Url),
        ("owner", _) => bare(FieldType::Owner),
        ("id", _) => bare(FieldType::Id),
        ("composite", Descriptor) => bare(FieldType::Composite {
            fields: IndexMap::new(),
        }),
        (_, Spec) => Err(error(&t.at, format!("unknown type `{}`", t.name))),
        (_, Descriptor) => {
            let help = FOREIGN_NAMES
                .iter()
                .find(|(f, _)| *f == name)
                .map(|(_, ours)| format!("descriptors spell this type `{ours}`"))
                .or_else(|| did_you_mean(t.name, TYPE_NAMES.iter().copied()));
            Err(TypeError {
                help,
                ..error(&t.at, format!("unknown type `{}`", t.name))
            })
        }
    }
}

fn int<'t>(a: &'t Arg<'_>) -> Option<(i128, &'t Range<usize>)> {
    match a {
        Arg::Int(n, at) => Some((*n, at)),
        _ => None,
    }
}

fn nested<'t, 'a>(a: &'t Arg<'a>) -> Option<&'t Term<'a>> {
    match a {
        Arg::Type(t) => Some(t),
        _ => None,
    }
}

/// The length of `text(n)` / `textarea(n)`.
fn length(notation: Notation, name: &str, t: &Term<'_>) -> Result<Option<u32>, TypeError> {
    match notation {
        Notation::Spec => match t.args.iter().find_map(int) {
            None => Ok(None),
            Some((n, _)) if (1..=131_072).contains(&n) => Ok(Some(n as u32)),
            Some((n, at)) => Err(error(
                at,
                format!("`{n}` is out of range for `{name}` (1 to 131072)"),
            )),
        },
        Notation::Descriptor => match t.args.as_slice() {
            [] => Ok(None),
            [Arg::Int(n, at)] => u32::try_from(*n)
                .ok()
                .filter(|n| *n > 0)
                .map(Some)
                .ok_or_else(|| error(at, "a length must be between 1 and 4294967295")),
            _ => Err(error(
                &t.at,
                format!("`{name}` takes one length: `{name}(80)`"),
            )),
        },
    }
}

/// `number`, `number(p)`, `number(p, s)` (and `decimal`).
fn number(notation: Notation, name: &str, t: &Term<'_>) -> Result<FieldType, TypeError> {
    let number = |precision, scale| FieldType::Number { precision, scale };
    match notation {
        Notation::Spec => {
            let mut ints = t.args.iter().filter_map(int);
            let p = match ints.next() {
                None => None,
                Some((n, _)) if (1..=38).contains(&n) => Some(n as u8),
                Some((n, at)) => {
                    return Err(error(
                        at,
                        format!("`{n}` is out of range for `{name}` (1 to 38)"),
                    ))
                }
            };
            let s = match ints.next() {
                Some((s, _)) if (0..=i128::from(p.unwrap_or(38))).contains(&s) => Some(s as u8),
                Some((s, at)) => {
                    return Err(error(
                        at,
                        format!("scale `{s}` must be between 0 and the precision"),
                    ))
                }
                None => p.map(|_| 0),
            };
            Ok(number(p, s))
        }
        Notation::Descriptor => {
            let digits = |n: i128, at: &Range<usize>| {
                u8::try_from(n)
                    .ok()
                    .filter(|n| (1..=38).contains(n))
                    .ok_or_else(|| error(at, "a precision must be between 1 and 38"))
            };
            match t.args.as_slice() {
                [] => Ok(number(None, None)),
                [Arg::Int(p, pa)] => Ok(number(Some(digits(*p, pa)?), Some(0))),
                [Arg::Int(p, pa), Arg::Int(s, sa)] => {
                    let p = digits(*p, pa)?;
                    let s = u8::try_from(*s).ok().filter(|s| *s <= p).ok_or_else(|| {
                        error(
                            sa,
                            format!("scale must be between 0 and the precision ({p})"),
                        )
                    })?;
                    Ok(number(Some(p), Some(s)))
                }
                _ => Err(error(
                    &t.at,
                    format!("`{name}` takes a precision and a scale: `number(18, 2)`"),
                )),
            }
        }
    }
}

/// The inline values of `picklist("a", "b")`.
fn values(notation: Notation, name: &str, t: &Term<'_>) -> Result<Vec<EnumValue>, TypeError> {
    let value = |v: &str| EnumValue {
        value: v.to_string(),
        aliases: Vec::new(),
    };
    match notation {
        Notation::Spec => {
            let values: Vec<EnumValue> = t
                .args
                .iter()
                .filter_map(|a| match a {
                    Arg::Str(s, _) => Some(value(s)),
                    _ => None,
                })
                .collect();
            if values.is_empty() {
                return Err(error(
                    &t.at,
                    format!("`{name}` needs its values: `{name}(\"a\", \"b\")`"),
                ));
            }
            Ok(values)
        }
        Notation::Descriptor => t
            .args
            .iter()
            .map(|a| match a {
                Arg::Str(s, _) => Ok(value(s)),
                Arg::Int(_, at) | Arg::Names(_, at) | Arg::Type(Term { at, .. }) => Err(error(
                    at,
                    "picklist values are quoted strings (or a `values:` list)",
                )),
            })
            .collect(),
    }
}

/// The target objects of `lookup(…)`.
fn lookup(notation: Notation, t: &Term<'_>) -> Result<FieldType, TypeError> {
    let mut objects = Vec::new();
    for a in &t.args {
        match (a, notation) {
            (Arg::Type(target), _) => objects.push(target.name.to_string()),
            (Arg::Names(names, _), Notation::Descriptor) => {
                objects.extend(names.iter().map(|n| n.to_string()))
            }
            (Arg::Str(s, _), Notation::Descriptor) => objects.push(s.to_string()),
            (Arg::Int(_, at), Notation::Descriptor) => {
                return Err(error(at, "a lookup names objects: `lookup(Account)`"))
            }
            // A spec names its targets as types and ignores anything else.
            (_, Notation::Spec) => {}
        }
    }
    if objects.is_empty() {
        return Err(error(
            &t.at,
            match notation {
                Notation::Spec => "`lookup` needs the object it points to: `lookup(Account)`",
                Notation::Descriptor => {
                    "a lookup names its target object: `lookup(Account)` or `lookup(Contact|Lead)`"
                }
            },
        ));
    }
    Ok(FieldType::Lookup { objects })
}
