//! Reading payload envelopes and indexing what refs name.
//!
//! Input: payload lines as `serde_json::Value`. Output: a borrowed [`Line`]
//! view (or an E0914 [`RecordError`]) and an [`Index`] from payload id to
//! the referenced line's target object and key.
//!
//! Invariants: a [`Line`] borrows from the value, copies nothing; the
//! envelope's `fields` are already in the destination's shape (dotted names
//! nested) and are passed on as they are; `refs` values are strings (a ref
//! that is not a string makes the line malformed).

use super::RecordError;
use crate::diagnostics::codes;
use serde_json::{Map, Value};
use std::collections::HashMap;

/// `op` of an envelope.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Op {
    /// Create or update by key (the first pass).
    Upsert,
    /// Update an already loaded record (deferred self-references).
    Update,
}

/// One payload line.
#[derive(Clone, Debug)]
pub struct Line<'v> {
    pub id: &'v str,
    pub op: Op,
    pub target: &'v str,
    /// The key field and its value (`None` for an empty key object).
    pub key: Option<(&'v str, &'v Value)>,
    pub fields: &'v Map<String, Value>,
    /// Destination field → ref, in envelope order.
    pub refs: Vec<(&'v str, &'v str)>,
}

impl<'v> Line<'v> {
    /// Reads an envelope; E0914 when it is not one.
    pub fn parse(v: &'v Value) -> Result<Line<'v>, RecordError> {
        let id = v.get("id").and_then(Value::as_str);
        let bad = |what: &str| {
            RecordError::new(
                id.unwrap_or("?"),
                codes::E0914,
                format!("the payload line {what}"),
            )
        };
        let id = id.ok_or_else(|| bad("has no string `id`"))?;
        let op = match v.get("op").and_then(Value::as_str) {
            Some("upsert") => Op::Upsert,
            Some("update") => Op::Update,
            Some(other) => return Err(bad(&format!("has an unknown op `{other}`"))),
            None => return Err(bad("has no `op`")),
        };
        let target = v
            .get("target")
            .and_then(Value::as_str)
            .ok_or_else(|| bad("has no string `target`"))?;
        let key_obj = v
            .get("key")
            .and_then(Value::as_object)
            .ok_or_else(|| bad("has no `key` object"))?;
        if key_obj.len() > 1 {
            return Err(bad("has a key of more than one field"));
        }
        let key = key_obj.iter().next().map(|(k, v)| (k.as_str(), v));
        let fields = v
            .get("fields")
            .and_then(Value::as_object)
            .ok_or_else(|| bad("has no `fields` object"))?;
        let ref_obj = v
            .get("refs")
            .and_then(Value::as_object)
            .ok_or_else(|| bad("has no `refs` object"))?;
        let mut refs = Vec::with_capacity(ref_obj.len());
        for (name, r) in ref_obj {
            match r.as_str() {
                Some(s) => refs.push((name.as_str(), s)),
                None => return Err(bad(&format!("has a ref `{name}` that is not a string"))),
            }
        }
        Ok(Line {
            id,
            op,
            target,
            key,
            fields,
            refs,
        })
    }
}

/// What a payload id names: the target object of its line and the line's
/// key.
#[derive(Clone, Debug, PartialEq)]
pub struct Referent {
    pub target: String,
    pub key: Option<(String, Value)>,
}

/// Payload id → [`Referent`], built from the run's payload files (upsert
/// lines; deferred updates add nothing new).
#[derive(Clone, Debug, Default)]
pub struct Index {
    map: HashMap<String, Referent>,
}

impl Index {
    pub fn new() -> Index {
        Index::default()
    }

    /// Indexes every upsert line among `lines` (malformed lines are skipped
    /// here; rendering reports them).
    pub fn from_lines<'a>(lines: impl IntoIterator<Item = &'a Value>) -> Index {
        let mut index = Index::new();
        for v in lines {
            index.add(v);
        }
        index
    }

    /// Indexes one line if it is a well-formed upsert line.
    pub fn add(&mut self, v: &Value) {
        if let Ok(l) = Line::parse(v) {
            if l.op == Op::Upsert {
                self.map.insert(
                    l.id.to_string(),
                    Referent {
                        target: l.target.to_string(),
                        key: l.key.map(|(k, v)| (k.to_string(), v.clone())),
                    },
                );
            }
        }
    }

    /// The indexed referent of `r`.
    pub fn get(&self, r: &str) -> Option<&Referent> {
        self.map.get(r)
    }

    /// The target object of `r`. A placeholder the index has not seen still
    /// names its object (`placeholder:<Object>:<n>`).
    pub fn target<'s>(&'s self, r: &'s str) -> Option<&'s str> {
        if let Some(x) = self.map.get(r) {
            return Some(&x.target);
        }
        let (object, _) = r.strip_prefix("placeholder:")?.rsplit_once(':')?;
        Some(object)
    }

    /// The key field and value of the line `r` names.
    pub fn key(&self, r: &str) -> Option<(&str, &Value)> {
        let (k, v) = self.map.get(r)?.key.as_ref()?;
        Some((k.as_str(), v))
    }

    pub fn len(&self) -> usize {
        self.map.len()
    }

    pub fn is_empty(&self) -> bool {
        self.map.is_empty()
    }
}
