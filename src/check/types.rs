//! Types written in specs (`text(40)`, `picklist("a", "b")`, `lookup(Contact)`;
//! built by the vocabulary descriptors share, [`crate::schema::types`]) and
//! the assignability of expression types to destination field types.
//!
//! Input: a written type, or an expression type and a destination field
//! type. Output: a [`FieldType`] (or the message of E0315), the expression
//! type of a staged column, and `Ok` or a [`Mismatch`] with the [`Risk`]s
//! (truncation, precision) an assignment takes. Invariants: pure; the
//! assignability table is documented in docs/language.md ("Type
//! assignability"), and `assign` below is its single implementation.

use crate::plan::Ty;
use crate::schema::model::{EnumValue, FieldType};
use crate::schema::types::{self, Arg, Notation, Term};
use crate::span::Span;
use crate::syntax::ast::{TypeArg, TypeExpr};

/// Converts a written type (the shared vocabulary, spec rules). `Err` is a
/// message for E0315.
pub fn field_type(t: &TypeExpr) -> Result<FieldType, String> {
    types::build(Notation::Spec, &term(t)).map_err(|e| e.message)
}

/// A spec's type as the vocabulary reads it.
fn term(t: &TypeExpr) -> Term<'_> {
    let range = |s: Span| s.start..s.end;
    Term {
        name: &t.name.name,
        at: range(t.name.span),
        args: t
            .args
            .iter()
            .map(|a| match a {
                TypeArg::Int { value, span } => Arg::Int(i128::from(*value), range(*span)),
                TypeArg::Str(s) => Arg::Str(&s.value, range(s.span)),
                TypeArg::Type(inner) => Arg::Type(term(inner)),
            })
            .collect(),
    }
}

/// The expression type a staged column of this field type has.
pub fn column_ty(ft: &FieldType) -> Ty {
    match ft {
        FieldType::Text { max } | FieldType::Textarea { max } => Ty::Text { max: *max },
        FieldType::Email | FieldType::Phone | FieldType::Url | FieldType::Id => Ty::text(),
        FieldType::Integer => Ty::Int,
        FieldType::Number { scale, .. } => Ty::Num { scale: *scale },
        FieldType::Percent | FieldType::Currency => Ty::Num { scale: None },
        FieldType::Boolean => Ty::Bool,
        FieldType::Date => Ty::Date,
        FieldType::Datetime => Ty::DateTime,
        FieldType::Picklist { values } => Ty::Enum {
            values: values.iter().map(|v| v.value.clone()).collect(),
        },
        FieldType::Multipicklist { values } => Ty::list(Ty::Enum {
            values: values.iter().map(|v| v.value.clone()).collect(),
        }),
        FieldType::List { item } => Ty::list(column_ty(item)),
        FieldType::Lookup { .. } | FieldType::Owner => Ty::text(),
        FieldType::Composite { .. } => Ty::text(),
    }
}

/// Why a type is not assignable; turned into E0301/E0305/E0313 by the caller.
pub enum Mismatch {
    /// Plain type mismatch, with a hint how to convert.
    Type { hint: Option<&'static str> },
    /// Values that the picklist does not have.
    IllegalValues(Vec<String>),
    /// Owner fields take only `owner(…)`.
    NeedsOwner,
    /// A lookup given something that is not a record.
    NotARecord,
}

/// Warnings an otherwise legal assignment can carry.
pub enum Risk {
    Truncation { from: u32, to: u32 },
    Precision { from: u8, to: u8 },
}

fn picklist_check(values: &[EnumValue], have: &[String]) -> Result<(), Mismatch> {
    let bad: Vec<String> = have
        .iter()
        .filter(|h| !values.iter().any(|v| v.value == **h))
        .cloned()
        .collect();
    if bad.is_empty() {
        Ok(())
    } else {
        Err(Mismatch::IllegalValues(bad))
    }
}

/// Is a (non-null, non-skip) value of type `ty` assignable to `dest`?
/// Lookups and records are checked by the caller (they need the routes).
pub fn assign(ty: &Ty, dest: &FieldType, risks: &mut Vec<Risk>) -> Result<(), Mismatch> {
    use FieldType as F;
    match (dest, ty) {
        (_, Ty::Null | Ty::Never | Ty::Clear) => Ok(()),
        (F::Owner, Ty::Owner) => Ok(()),
        (F::Owner, _) => Err(Mismatch::NeedsOwner),
        (_, Ty::Owner) => Err(Mismatch::Type {
            hint: Some("`owner(…)` can only be assigned to an owner field"),
        }),
        (F::Lookup { .. }, Ty::Record { .. } | Ty::Produced { .. } | Ty::Placeholder { .. }) => Ok(()),
        (F::Lookup { .. }, _) => Err(Mismatch::NotARecord),
        (_, Ty::Record { .. } | Ty::Produced { .. } | Ty::Placeholder { .. }) => Err(Mismatch::Type {
            hint: Some("a record can only be assigned to a lookup field; pick a column, e.g. `manager.email`"),
        }),
        (F::Text { max } | F::Textarea { max }, t) => {
            match t {
                Ty::Text { max: Some(m) } => {
                    if let Some(d) = max {
                        if m > d {
                            risks.push(Risk::Truncation { from: *m, to: *d });
                        }
                    }
                }
                Ty::Enum { values } => {
                    let longest = values.iter().map(|v| v.chars().count()).max().unwrap_or(0) as u32;
                    if let Some(d) = max {
                        if longest > *d {
                            risks.push(Risk::Truncation { from: longest, to: *d });
                        }
                    }
                }
                Ty::Text { max: None } | Ty::Int | Ty::Num { .. } | Ty::Bool | Ty::Date | Ty::DateTime => {}
                Ty::List { .. } => {
                    return Err(Mismatch::Type {
                        hint: Some("join the list into one text with `join(list, \";\")`"),
                    })
                }
                _ => return Err(Mismatch::Type { hint: None }),
            }
            Ok(())
        }
        (F::Email | F::Phone | F::Url | F::Id, Ty::Text { .. } | Ty::Enum { .. }) => Ok(()),
        (F::Integer, Ty::Int) => Ok(()),
        // `round(x, 0)`: a whole number (too large for the field is a
        // record error at run time).
        (F::Integer, Ty::Num { scale: Some(0) }) => Ok(()),
        (F::Integer, Ty::Num { .. }) => Err(Mismatch::Type {
            hint: Some("round it first: `round(x, 0)`, or convert with `integer(x)`"),
        }),
        (F::Number { scale, .. }, Ty::Num { scale: s }) => {
            if let (Some(d), Some(s)) = (scale, s) {
                if s > d {
                    risks.push(Risk::Precision { from: *s, to: *d });
                }
            }
            Ok(())
        }
        (F::Number { .. } | F::Percent | F::Currency, Ty::Int | Ty::Num { .. }) => Ok(()),
        (F::Integer | F::Number { .. } | F::Percent | F::Currency, Ty::Text { .. } | Ty::Enum { .. }) => {
            Err(Mismatch::Type {
                hint: Some("convert it with `number(x) ?? …` (the conversion can fail)"),
            })
        }
        (F::Boolean, Ty::Bool) => Ok(()),
        (F::Date, Ty::Date) | (F::Datetime, Ty::DateTime) => Ok(()),
        (F::Date, Ty::DateTime) => Err(Mismatch::Type {
            hint: Some("take the date part with `date(x)`"),
        }),
        (F::Datetime, Ty::Date) => Err(Mismatch::Type {
            hint: Some("a date has no time of day; convert with `datetime(x)` (midnight in the spec's timezone)"),
        }),
        (F::Date | F::Datetime, Ty::Text { .. } | Ty::Enum { .. }) => Err(Mismatch::Type {
            hint: Some("parse it with `date(x) ?? …` or `datetime(x) ?? …`"),
        }),
        (F::Picklist { values }, Ty::Enum { values: have }) => picklist_check(values, have),
        (F::Picklist { .. }, Ty::Text { .. }) => Err(Mismatch::Type {
            hint: Some("map it through a value map (`values name { … }`) so every value is a legal picklist value"),
        }),
        (F::Picklist { values }, Ty::Bool) => picklist_check(values, &["true".into(), "false".into()]),
        (F::Multipicklist { values }, Ty::List { item }) => match item.as_ref() {
            Ty::Enum { values: have } => picklist_check(values, have),
            _ => Err(Mismatch::Type {
                hint: Some("map the items through a value map so every value is legal"),
            }),
        },
        (F::Multipicklist { values }, Ty::Enum { values: have }) => picklist_check(values, have),
        // The runtime emits one reference per lookup field; a list of
        // references has no payload form yet, so it must not pass the check.
        (F::List { item }, Ty::List { .. }) if matches!(item.as_ref(), F::Lookup { .. }) => Err(Mismatch::Type {
            hint: Some("a list of references has no payload form yet: leave this field out and link one record through a single lookup field (e.g. the primary company)"),
        }),
        (F::List { item }, Ty::List { item: have }) => assign(have, item, risks),
        (F::Composite { .. }, _) => Err(Mismatch::Type {
            hint: Some("assign its sub-fields instead, e.g. `name.firstName = …`"),
        }),
        _ => Err(Mismatch::Type { hint: None }),
    }
}
