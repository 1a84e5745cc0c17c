//! Lookup fields: which destination objects a referenced record lands in.
//!
//! Input: a lookup field's admitted objects and one leaf of the assigned
//! expression (a source record, a fan-out alias or a placeholder). Output:
//! a [`LookupRef`] for load ordering, or E0501 (no route), E0502 (two
//! routes) and E0301 (wrong object). Invariants: `custom` in the admitted
//! list stands for every custom object of the spec; other leaf types add no
//! reference (they were reported by the assignability check).

use super::LookupRef;
use crate::check::Checker;
use crate::diagnostics::{codes, Diagnostic};
use crate::plan::{TExpr, Ty};
use crate::span::Span;

impl Checker<'_> {
    pub(super) fn check_lookup(
        &mut self,
        objects: &[String],
        leaf: &TExpr,
        lookups: &mut Vec<LookupRef>,
        field: &str,
    ) {
        // `custom` in a lookup's list admits every custom object of the spec.
        let expanded: Vec<String>;
        let objects = if objects
            .iter()
            .any(|o| o == crate::schema::model::ANY_CUSTOM_OBJECT)
        {
            expanded = objects
                .iter()
                .filter(|o| *o != crate::schema::model::ANY_CUSTOM_OBJECT)
                .cloned()
                .chain(
                    self.dest
                        .values()
                        .filter(|d| d.custom)
                        .map(|d| d.name.clone()),
                )
                .collect();
            &expanded[..]
        } else {
            objects
        };
        match &leaf.ty {
            Ty::Record { object } => {
                // Fields, not methods: the routes stay borrowed while
                // diagnostics are pushed.
                let src = &self.env.obj(*object).name;
                let routes = self.routed.get(src).map(Vec::as_slice).unwrap_or_default();
                let hits: Vec<&(String, Span)> =
                    routes.iter().filter(|(o, _)| objects.contains(o)).collect();
                if hits.is_empty() {
                    let d = Diagnostic::new(
                        codes::E0501,
                        format!("no route sends `{src}` to {}", objects.join(" or ")),
                    )
                    .in_file(&self.file)
                    .label(leaf.span, format!("a `{src}` record"))
                    .help(format!(
                        "add `route {src} -> {} {{ … }}`, or assign a placeholder",
                        objects[0]
                    ));
                    self.diags.push(d);
                    return;
                }
                for o in objects {
                    let mut same = hits.iter().filter(|(x, _)| x == o);
                    if let (Some(first), Some(second)) = (same.next(), same.next()) {
                        let d = Diagnostic::new(codes::E0502, format!("`{src}` reaches `{o}` through two routes: which record is meant?"))
                            .in_file(&self.file)
                            .label(leaf.span, "ambiguous reference")
                            .label(first.1, "one route")
                            .label(second.1, "another route")
                            .help("send the object to this destination through one route (use `split` for alternatives)");
                        self.diags.push(d);
                    }
                }
                lookups.push(LookupRef {
                    field: field.to_string(),
                    objects: hits
                        .iter()
                        .filter_map(|(o, _)| self.dest.get_index_of(o.as_str()))
                        .map(|i| i as u32)
                        .collect(),
                    record: true,
                });
            }
            Ty::Produced { target } => {
                let o = self
                    .produced_objects
                    .get(*target as usize)
                    .map_or("", String::as_str)
                    .to_string();
                let what = format!("this alias makes a `{o}`");
                self.made_here(&o, &what, objects, leaf, lookups, field);
            }
            Ty::Placeholder { index } => {
                let o = self.symbols.placeholders[*index as usize]
                    .object
                    .name
                    .clone();
                let what = format!("this placeholder is a `{o}`");
                self.made_here(&o, &what, objects, leaf, lookups, field);
            }
            _ => {}
        }
    }

    /// A reference to a record this spec makes (an alias's target or a
    /// placeholder) of object `o`: E0301 unless the field admits `o`; not
    /// deferrable.
    fn made_here(
        &mut self,
        o: &str,
        what: &str,
        objects: &[String],
        leaf: &TExpr,
        lookups: &mut Vec<LookupRef>,
        field: &str,
    ) {
        if !objects.iter().any(|x| x == o) {
            let d = Diagnostic::new(
                codes::E0301,
                format!("{what}, the field points to {}", objects.join(" or ")),
            )
            .in_file(&self.file)
            .label(leaf.span, "wrong object");
            self.diags.push(d);
        }
        lookups.push(LookupRef {
            field: field.to_string(),
            objects: self
                .dest
                .get_index_of(o)
                .map(|i| i as u32)
                .into_iter()
                .collect(),
            record: false,
        });
    }
}
