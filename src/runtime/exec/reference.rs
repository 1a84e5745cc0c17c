//! Records of a `reference` document: field name → JSON, records written
//! as their payload ids.
//!
//! Input: a [`Ctx`], a [`ReferencePlan`] and a row of its source. Output:
//! the record's fields, or `None` when the reference's `where` is not
//! true. Invariants: values are shaped as payload values ([`to_json`]);
//! records and placeholders become their ids, lists element by element.

use super::to_json;
use crate::plan::ReferencePlan;
use crate::runtime::eval::{truthy, Ctx, Frame};
use crate::runtime::Fault;
use crate::value::{RecRef, Value};
use indexmap::IndexMap;

/// One record of a `reference` document: field name → JSON (records as
/// their ids), or `None` when the reference's `where` is not true.
pub fn run_reference(
    ctx: &mut Ctx<'_>,
    reference: &ReferencePlan,
    row: u32,
) -> Result<Option<IndexMap<String, serde_json::Value>>, Fault> {
    let r = RecRef {
        object: reference.source,
        row,
    };
    ctx.begin(Some(r));
    let frame = Frame::Rec(r);
    if let Some(f) = &reference.filter {
        if !truthy(&ctx.eval(f, frame)?) {
            return Ok(None);
        }
    }
    let mut out = IndexMap::with_capacity(reference.fields.len());
    for (name, e) in &reference.fields {
        let v = ctx.eval(e, frame)?;
        out.insert(name.clone(), reference_json(ctx, &v));
    }
    Ok(Some(out))
}

fn reference_json(ctx: &Ctx<'_>, v: &Value) -> serde_json::Value {
    match v {
        Value::Rec(r) => serde_json::Value::String(ctx.data.record_id(*r)),
        Value::Placeholder(i) => ctx
            .plan
            .placeholders
            .get(*i as usize)
            .map_or(serde_json::Value::Null, |p| p.id.clone().into()),
        Value::List(items) => {
            serde_json::Value::Array(items.iter().map(|i| reference_json(ctx, i)).collect())
        }
        other => to_json(other),
    }
}
