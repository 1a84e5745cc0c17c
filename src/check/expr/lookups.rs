//! Indexing: `map[key]` (value maps) and `table[key]` / `table[key].column`.
//!
//! Input: the indexed expression, the key and an optional member. Output: a
//! typed value-map or table lookup. Invariants: a value map's result type is
//! its outputs (joined with the key's type when it keeps unmatched keys) and
//! is nullable unless every key is covered; a list key maps element by
//! element; a table lookup is always nullable (the key may be missing).
//! Unknown map or table names were reported by the name checks and give a
//! poisoned expression here.

use super::{join, poisoned, texpr, Infer, Scope};
use crate::check::lineage::note;
use crate::diagnostics::{codes, did_you_mean};
use crate::plan::{TExpr, TExprKind, Ty};
use crate::span::Span;
use crate::syntax::ast::{Expr, ExprKind, Ident};
use std::sync::Arc;

impl Infer<'_, '_> {
    pub(super) fn index(
        &mut self,
        base: &Expr,
        index: &Expr,
        member: Option<&Ident>,
        scope: &Scope,
        span: Span,
    ) -> TExpr {
        let key = self.expr(index, scope);
        let ExprKind::Path(segs) = &base.kind else {
            let d = self.err(
                codes::E0202,
                "only value maps and tables can be indexed",
                base.span,
                "not a value map or table",
            );
            self.report(d);
            return poisoned(span);
        };
        let name = &segs[0];
        if let Some(map) = self.symbols.map_use(&name.name) {
            if let Some(m) = member {
                let d = self.err(
                    codes::E0223,
                    format!("value map `{}` gives a value, not a row", name.name),
                    m.span,
                    "no columns here",
                );
                self.report(d);
            }
            note(
                &mut self.lineage.functions,
                self.texts,
                "values ",
                &name.name,
                "",
            );
            let info = &self.symbols.maps[map as usize];
            // A list key maps element by element.
            let (key_item, list_key) = match &key.ty {
                Ty::List { item } => (&**item, true),
                t => (t, false),
            };
            let mut ty = if info.all_bool && !info.keeps {
                Ty::Bool
            } else {
                Ty::Enum {
                    values: Arc::clone(&info.outputs),
                }
            };
            if info.keeps {
                ty = join(&ty, key_item);
            }
            let nullable = !list_key
                && (key.nullable
                    || info.gives_null
                    || (!info.has_else && !self.symbols.covers(map, key_item)));
            let fallible = key.fallible;
            self.symbols
                .check_coverage(map, key_item, key.span, self.file, self.diags);
            if list_key {
                ty = Ty::list(ty);
            }
            return texpr(
                TExprKind::ValueMap {
                    map,
                    key: Box::new(key),
                },
                ty,
                nullable,
                fallible,
                span,
            );
        }
        if let Some(table) = self.symbols.table_use(&name.name) {
            note(
                &mut self.lineage.functions,
                self.texts,
                "table ",
                &name.name,
                "",
            );
            let Some(m) = member else {
                return texpr(
                    TExprKind::Table {
                        table,
                        key: Box::new(key),
                        column: None,
                    },
                    Ty::text(),
                    true,
                    false,
                    span,
                );
            };
            let columns = self.symbols.tables[table as usize].columns.clone();
            let Some(col) = columns.iter().position(|c| *c == m.name) else {
                let help = did_you_mean(&m.name, columns.iter().map(String::as_str));
                let d = self
                    .err(
                        codes::E0222,
                        format!("table `{}` has no column `{}`", name.name, m.name),
                        m.span,
                        "unknown column",
                    )
                    .maybe_help(help)
                    .note(format!("its columns are: {}", columns.join(", ")));
                self.report(d);
                return poisoned(span);
            };
            let ty = self.symbols.table_column_ty(table, col);
            return texpr(
                TExprKind::Table {
                    table,
                    key: Box::new(key),
                    column: Some(col as u32),
                },
                ty,
                true,
                false,
                span,
            );
        }
        // Unknown names were reported by the descriptor-free name checks (E0202).
        poisoned(span)
    }
}
