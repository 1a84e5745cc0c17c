//! Assignability of one field: required and fallible values, merge members,
//! type and picklist mismatches, truncation and precision risks.
//!
//! Input: the destination field, its path and the typed expression assigned
//! to it. Output: diagnostics (E0301, E0303–E0305, E0313, E0404, W0301,
//! W0302) and, for lookup fields, the [`LookupRef`]s it makes. Invariants:
//! each leaf of `??` and `if` is checked on its own; the risks of all leaves
//! are reported at the whole expression.

use super::LookupRef;
use crate::check::env::DestObj;
use crate::check::types::{assign, Mismatch, Risk};
use crate::check::Checker;
use crate::diagnostics::{codes, did_you_mean, Diagnostic};
use crate::plan::{TExpr, TExprKind};
use crate::schema::model::{Field, FieldType};
use crate::syntax::ast;

impl Checker<'_> {
    pub(super) fn check_assignment(
        &mut self,
        obj: &DestObj,
        field: &Field,
        path: &ast::FieldPath,
        dotted: &str,
        e: &TExpr,
        lookups: &mut Vec<LookupRef>,
    ) {
        if field.required && e.nullable {
            let d = Diagnostic::new(
                codes::E0303,
                format!("`{}.{dotted}` is required, but this may be empty", obj.name),
            )
            .in_file(&self.file)
            .label(e.span, "may be empty")
            .label(path.span, "required field")
            .help("end it with `?? \"default\"` or `?? skip(\"reason\")`");
            self.diags.push(d);
        }
        if e.fallible {
            let d = Diagnostic::new(
                codes::E0304,
                "this conversion can fail at run time and is not handled",
            )
            .in_file(&self.file)
            .label(e.span, "may fail")
            .help("handle the failure with `?? …`, e.g. `number(x) ?? skip(\"bad_number\")`");
            self.diags.push(d);
        }
        // Most values have one leaf: collect only through `??` and `if`.
        let mut branches = Vec::new();
        let leaves: &[&TExpr] = match e.kind {
            TExprKind::Coalesce(..) | TExprKind::If { .. } => {
                leaves_of(e, &mut branches);
                &branches
            }
            _ => std::slice::from_ref(&e),
        };
        let mut risks = Vec::new();
        for &leaf in leaves {
            if matches!(leaf.kind, TExprKind::Members(_))
                && !matches!(
                    field.ty,
                    FieldType::Multipicklist { .. } | FieldType::List { .. }
                )
            {
                let d = Diagnostic::new(
                    codes::E0404,
                    "in a merge, a field that is not a `by` key needs an aggregate",
                )
                .in_file(&self.file)
                .label(leaf.span, "one value per merged record")
                .help(
                    "aggregate it: `first(x)`, `max(x)`, `count(x)`, `join(distinct(x), \";\")`, …",
                );
                self.diags.push(d);
                continue;
            }
            if let FieldType::Lookup { objects } = &field.ty {
                self.check_lookup(objects, leaf, lookups, dotted);
            }
            if let Err(m) = assign(&leaf.ty, &field.ty, &mut risks) {
                self.mismatch(obj, field, path, leaf, m);
            }
        }
        for r in risks {
            let (code, msg) = match r {
                Risk::Truncation { from, to } => (
                    codes::W0301,
                    format!("values up to {from} characters may be cut to {to} in `{dotted}`"),
                ),
                Risk::Precision { from, to } => (
                    codes::W0302,
                    format!("{from} decimals may be rounded to {to} in `{dotted}`"),
                ),
            };
            let help = match code.id {
                "W0301" => format!(
                    "make it explicit with `truncate(x, {})`",
                    field_max(field).unwrap_or(0)
                ),
                _ => "make it explicit with `round(x, n)`".to_string(),
            };
            self.diags.push(
                Diagnostic::new(code, msg)
                    .in_file(&self.file)
                    .label(e.span, "here")
                    .help(help),
            );
        }
    }

    fn mismatch(
        &mut self,
        obj: &DestObj,
        field: &Field,
        path: &ast::FieldPath,
        leaf: &TExpr,
        m: Mismatch,
    ) {
        let target = format!("`{}.{}` ({})", obj.name, path.dotted(), field.ty);
        let d = match m {
            Mismatch::Type { hint } => Diagnostic::new(codes::E0301, format!("{} cannot be assigned to {target}", leaf.ty))
                .label(leaf.span, format!("this is {}", leaf.ty))
                .label(path.span, format!("expects {}", field.ty))
                .maybe_help(hint.map(str::to_string)),
            Mismatch::IllegalValues(bad) => {
                let legal: Vec<String> = match &field.ty {
                    FieldType::Picklist { values } | FieldType::Multipicklist { values } => values.iter().map(|v| v.value.clone()).collect(),
                    _ => Vec::new(),
                };
                let list: Vec<String> = bad.iter().map(|b| format!("{b:?}")).collect();
                let help = bad
                    .iter()
                    .find_map(|b| did_you_mean(b, legal.iter().map(String::as_str)))
                    .unwrap_or_else(|| "map the values through a value map (`values name { \"a\" => \"A\" }`)".into());
                Diagnostic::new(codes::E0305, format!("{} not a legal value of {target}", list.join(", ") + if bad.len() == 1 { " is" } else { " are" }))
                    .label(leaf.span, "can produce it")
                    .label(path.span, "picklist field")
                    .help(help)
                    .note(format!("legal values: {}", legal.join(", ")))
            }
            Mismatch::NeedsOwner => Diagnostic::new(codes::E0313, format!("{target} is an owner field: assign `owner(email)`"))
                .label(leaf.span, format!("this is {}", leaf.ty))
                .help("owners are resolved by email under the `owners` policy: `OwnerId = owner(creator.email)`"),
            Mismatch::NotARecord => Diagnostic::new(codes::E0301, format!("{target} is a lookup: it takes a related record, not {}", leaf.ty))
                .label(leaf.span, format!("this is {}", leaf.ty))
                .help("assign a relation (e.g. `AccountId = primary_company`) or an alias of an earlier target"),
        };
        self.diags.push(d.in_file(&self.file));
    }
}

fn field_max(f: &Field) -> Option<u32> {
    match f.ty {
        FieldType::Text { max } | FieldType::Textarea { max } => max,
        _ => None,
    }
}

/// The values an assignment can produce: through `??` and `if`.
pub fn leaves_of<'e>(e: &'e TExpr, out: &mut Vec<&'e TExpr>) {
    match &e.kind {
        TExprKind::Coalesce(a, b) => {
            leaves_of(a, out);
            leaves_of(b, out);
        }
        TExprKind::If {
            then, otherwise, ..
        } => {
            leaves_of(then, out);
            leaves_of(otherwise, out);
        }
        _ => out.push(e),
    }
}
