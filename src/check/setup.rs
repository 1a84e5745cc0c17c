//! Declarations: options, `custom`, value maps, tables, owners and source
//! rules (`where`, `dedupe`, declared columns).
//!
//! Input: the spec's declaration items (its own and its imports') and the
//! table files they name (through the caller's reader). Output: the
//! checker's options, symbols, declared destination fields, declared source
//! columns and typed source rules; diagnostics E0207, E0212, E0215–E0217,
//! E0219–E0221, E0225 and E0315. Invariants: an imported file may declare
//! only `values`, `table`, `custom`, `owners` and `import`; a table is read
//! once, at check time, and a file that cannot be read or parsed is an
//! error, never a panic.

use super::env::{Declared, DestObj};
use super::expr::Scope;
use super::symbols::TableInfo;
use super::types::field_type;
use super::{Checker, ReadFile};
use crate::diagnostics::{codes, did_you_mean, Diagnostic, SourceFile};
use crate::plan::{DedupePlan, KeepPlan, TablePlan};
use crate::schema::model::{Field, FieldType};
use crate::syntax::ast::{self, ExprKind, ItemKind, KeepKind, Literal, SourceRuleKind};
use indexmap::IndexMap;
use std::sync::Arc;

const OPTIONS: &[&str] = &["timezone", "date_format", "strict", "multi_value_separator"];

impl Checker<'_> {
    pub(super) fn declaration(&mut self, item: &ast::Item, read: ReadFile<'_>, imported: bool) {
        if imported
            && !matches!(
                item.kind,
                ItemKind::Values(_)
                    | ItemKind::Table(_)
                    | ItemKind::Custom(_)
                    | ItemKind::Owners(_)
                    | ItemKind::Import(_)
            )
        {
            let d = Diagnostic::new(
                codes::E0219,
                "an imported file may only declare `values`, `table`, `custom` and `owners`",
            )
            .in_file(&self.file)
            .label(item.span, "not allowed in an imported file")
            .help("move this item into the spec that imports the file");
            self.diags.push(d);
            return;
        }
        match &item.kind {
            ItemKind::Options(o) => self.options(o),
            ItemKind::Custom(c) => self.custom(c),
            ItemKind::Values(v) => {
                let f = Arc::clone(&self.file);
                self.symbols.add_map(v, &f);
            }
            ItemKind::Table(t) => self.table(t, read),
            ItemKind::Owners(o) => {
                let p = super::symbols::Symbols::owners_plan(o, &mut self.diags, &self.file);
                self.symbols.set_owners(p);
            }
            ItemKind::Source(s) => {
                let f = Arc::clone(&self.file);
                self.source_rules
                    .push((s.object.name.clone(), s.rules.clone(), f));
            }
            _ => {}
        }
    }

    fn options(&mut self, o: &ast::Options) {
        for e in &o.entries {
            let key = e.key.name.as_str();
            let text = match &e.value.kind {
                ExprKind::Literal(Literal::Str(s)) => Some(s.clone()),
                _ => None,
            };
            let bad = |c: &mut Self, why: String| {
                let d = Diagnostic::new(
                    codes::E0225,
                    format!("invalid value for option `{key}`: {why}"),
                )
                .in_file(&c.file)
                .label(e.value.span, "invalid value");
                c.diags.push(d);
            };
            match key {
                "timezone" => match text {
                    Some(tz) if tz.parse::<chrono_tz::Tz>().is_ok() => self.options.timezone = tz,
                    Some(tz) => bad(
                        self,
                        format!("{tz:?} is not an IANA time zone such as \"Europe/Copenhagen\""),
                    ),
                    None => bad(self, "expected a string".into()),
                },
                "date_format" => match text {
                    Some(f) if super::funcs::valid_strftime(&f) => {
                        self.options.date_formats.insert(0, f)
                    }
                    Some(f) => bad(
                        self,
                        format!("{f:?} is not a strftime format such as \"%d-%m-%Y\""),
                    ),
                    None => bad(self, "expected a string".into()),
                },
                "strict" => match &e.value.kind {
                    ExprKind::Literal(Literal::Bool(b)) => self.options.strict = *b,
                    _ => bad(self, "expected `true` or `false`".into()),
                },
                "multi_value_separator" => match text {
                    Some(s) if !s.is_empty() => self.options.multi_value_separator = s,
                    _ => bad(self, "expected a non-empty string".into()),
                },
                _ => {
                    let d = Diagnostic::new(codes::E0207, format!("there is no option `{key}`"))
                        .in_file(&self.file)
                        .label(e.key.span, "unknown option")
                        .maybe_help(did_you_mean(key, OPTIONS.iter().copied()))
                        .note(format!("options: {}", OPTIONS.join(", ")));
                    self.diags.push(d);
                }
            }
        }
    }

    fn type_of(&mut self, t: &ast::TypeExpr) -> Option<FieldType> {
        match field_type(t) {
            Ok(ft) => {
                if let FieldType::Lookup { objects } = &ft {
                    // Checked once every `custom object` is declared.
                    for o in objects {
                        self.pending_lookups
                            .push((o.clone(), t.span, Arc::clone(&self.file)));
                    }
                }
                Some(ft)
            }
            Err(msg) => {
                let d = Diagnostic::new(codes::E0315, msg)
                    .in_file(&self.file)
                    .label(t.span, "invalid type")
                    .maybe_help(did_you_mean(
                        &t.name.name,
                        crate::schema::types::spec_type_names(),
                    ));
                self.diags.push(d);
                None
            }
        }
    }

    fn custom(&mut self, c: &ast::Custom) {
        let name = &c.object.name;
        let index = if c.new_object {
            if self.dest.contains_key(name) {
                let d = Diagnostic::new(
                    codes::E0216,
                    format!("`{name}` already exists in {}", self.dest_system),
                )
                .in_file(&self.file)
                .label(c.object.span, "declared as new")
                .help(format!(
                    "add fields to it with `custom {name} {{ … }}` (without `object`)"
                ));
                self.diags.push(d);
                return;
            }
            self.dest
                .insert_full(name.clone(), Arc::new(DestObj::new_custom(name)))
                .0
        } else {
            match self.dest.get_index_of(name) {
                Some(i) => i,
                None => {
                    let names: Vec<&str> = self.dest.keys().map(String::as_str).collect();
                    let d = Diagnostic::new(
                        codes::E0212,
                        format!("`{}` has no object `{name}`", self.dest_system),
                    )
                    .in_file(&self.file)
                    .label(c.object.span, "unknown destination object")
                    .maybe_help(did_you_mean(name, names))
                    .help(format!(
                        "to create a new object write `custom object {name} {{ … }}`"
                    ));
                    self.diags.push(d);
                    return;
                }
            }
        };
        let naming: &str = self
            .dest_desc
            .api
            .as_ref()
            .map_or("", |a| a.custom_field_naming.as_str());
        Arc::make_mut(&mut self.dest[index]).reserve_declared(c.fields.len());
        for f in &c.fields {
            let Some(ty) = self.type_of(&f.ty) else {
                continue;
            };
            let obj = &self.dest[index];
            if let Some(existing) = obj.field(&f.name.name) {
                // Declaring a field again is allowed; a descriptor field is not.
                if !existing.custom || obj.is_standard(&f.name.name) {
                    let d = Diagnostic::new(
                        codes::E0215,
                        format!("`{name}.{}` is a standard field", f.name.name),
                    )
                    .in_file(&self.file)
                    .label(f.name.span, "clashes with a standard field")
                    .help(
                        "assign the standard field directly, or give the custom field another name",
                    );
                    self.diags.push(d);
                }
                continue;
            }
            let custom_object = obj.custom;
            self.naming_convention(naming, custom_object, &f.name);
            let m = |n: &str| f.modifiers.iter().any(|x| x.name == n);
            let field = Field {
                name: f.name.name.clone(),
                label: f.name.name.clone(),
                ty,
                required: m("required"),
                unique: m("unique") || m("external_id"),
                external_id: m("external_id"),
                createable: true,
                updateable: true,
                custom: true,
                commonly_wanted: false,
                aliases: Vec::new(),
                formats: Vec::new(),
                nullable: !m("required"),
                unverified: false,
                description: String::new(),
            };
            Arc::make_mut(&mut self.dest[index]).declare(field, f.name.span);
        }
    }

    /// E0217: Salesforce custom fields end in `__c`, Freshsales ones start with `cf_`.
    fn naming_convention(&mut self, naming: &str, custom_object: bool, field: &ast::Ident) {
        let ok = if let Some(suffix) = naming.strip_prefix("suffix:") {
            field.name.ends_with(suffix) || (custom_object && field.name == "Name")
        } else if let Some(prefix) = naming.strip_prefix("prefix:") {
            field.name.starts_with(prefix)
        } else {
            true
        };
        if !ok {
            let fix = naming
                .strip_prefix("suffix:")
                .map(|s| format!("{}{s}", field.name))
                .or_else(|| {
                    naming
                        .strip_prefix("prefix:")
                        .map(|p| format!("{p}{}", field.name))
                })
                .unwrap_or_default();
            let d = Diagnostic::new(
                codes::E0217,
                format!("{} custom fields are named `{naming}`", self.dest_system),
            )
            .in_file(&self.file)
            .label(field.span, "does not follow the convention")
            .help(format!("call it `{fix}`"));
            self.diags.push(d);
        }
    }

    fn table(&mut self, t: &ast::Table, read: ReadFile<'_>) {
        let text = match read(&t.file.value) {
            Ok(text) => text,
            Err(e) => {
                let d = Diagnostic::new(
                    codes::E0220,
                    format!("cannot read table file {:?}: {e}", t.file.value),
                )
                .in_file(&self.file)
                .label(t.file.span, "unreadable")
                .help("table paths are relative to the spec file");
                self.diags.push(d);
                return;
            }
        };
        let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
        let mut rdr = csv::ReaderBuilder::new()
            .flexible(true)
            .from_reader(text.as_bytes());
        let invalid = |e: csv::Error| {
            Diagnostic::new(
                codes::E0220,
                format!("table file {:?} is not valid CSV: {e}", t.file.value),
            )
            .in_file(&self.file)
            .label(t.file.span, "invalid CSV")
        };
        let columns: Vec<String> = match rdr.headers() {
            Ok(h) => h.iter().map(|c| c.trim().to_string()).collect(),
            Err(e) => {
                self.diags.push(invalid(e));
                return;
            }
        };
        let mut rows = Vec::new();
        for r in rdr.records() {
            match r {
                Ok(r) => rows.push(r.iter().map(str::to_string).collect()),
                Err(e) => {
                    self.diags.push(invalid(e));
                    return;
                }
            }
        }
        let Some(key_column) = columns.iter().position(|c| *c == t.key.name) else {
            let d = Diagnostic::new(
                codes::E0221,
                format!(
                    "table file {:?} has no column `{}`",
                    t.file.value, t.key.name
                ),
            )
            .in_file(&self.file)
            .label(t.key.span, "not a column of the file")
            .maybe_help(did_you_mean(
                &t.key.name,
                columns.iter().map(String::as_str),
            ))
            .note(format!("its columns are: {}", columns.join(", ")));
            self.diags.push(d);
            return;
        };
        self.symbols.add_table(TableInfo {
            name: t.name.name.clone(),
            span: t.name.span,
            file: Arc::clone(&self.file),
            columns: columns.clone(),
            used: false,
            plan: TablePlan {
                name: t.name.name.clone(),
                file: t.file.value.clone(),
                key: t.key.name.clone(),
                columns,
                rows,
                key_column: key_column as u32,
            },
        });
    }

    /// Lookups in `custom` blocks point at objects that exist.
    pub(super) fn validate_lookups(&mut self) {
        for (o, span, file) in std::mem::take(&mut self.pending_lookups) {
            if !self.dest.contains_key(&o) {
                let names: Vec<&str> = self.dest.keys().map(String::as_str).collect();
                let d = Diagnostic::new(
                    codes::E0212,
                    format!("`{}` has no object `{o}`", self.dest_system),
                )
                .in_file(&file)
                .label(span, "lookup to an unknown object")
                .maybe_help(did_you_mean(&o, names));
                self.diags.push(d);
            }
        }
    }

    pub(super) fn declared_columns(
        &mut self,
        items: &[(&Arc<SourceFile>, &ast::Item)],
    ) -> IndexMap<String, Vec<Declared>> {
        let mut out: IndexMap<String, Vec<Declared>> = IndexMap::new();
        for (file, item) in items {
            let ItemKind::Source(s) = &item.kind else {
                continue;
            };
            self.with_file(file, |c| {
                if c.env.desc.object(&s.object.name).is_none() {
                    c.source_scope(&s.object);
                    return;
                }
                for rule in &s.rules {
                    if let SourceRuleKind::Column { name, ty, from } = &rule.kind {
                        if let Some(ft) = c.type_of(ty) {
                            out.entry(s.object.name.clone())
                                .or_default()
                                .push(Declared {
                                    name: name.name.clone(),
                                    ty: ft,
                                    header: from.as_ref().map(|f| f.value.clone()),
                                });
                        }
                    }
                }
            });
        }
        out
    }

    /// Types `where` and `dedupe` rules; stages every object they name.
    pub(super) fn source_plans(&mut self) {
        let rules = std::mem::take(&mut self.source_rules);
        for (object, rules, file) in &rules {
            self.with_file(file, |c| {
                let Some(obj) = c.env.intern(object) else {
                    return;
                };
                let scope = Scope {
                    object: obj,
                    group: None,
                    aliases: Vec::new(),
                };
                for rule in rules {
                    match &rule.kind {
                        SourceRuleKind::Where(e) => {
                            let t = c.condition(e, &scope);
                            c.source_filters.entry(obj).or_default().0.push(t);
                        }
                        SourceRuleKind::Dedupe { by, keep } => {
                            let by: Vec<_> = by.iter().map(|e| c.infer().expr(e, &scope)).collect();
                            let keep = match &keep.kind {
                                KeepKind::Latest(e) => KeepPlan::Latest(c.infer().expr(e, &scope)),
                                KeepKind::Earliest(e) => {
                                    KeepPlan::Earliest(c.infer().expr(e, &scope))
                                }
                                KeepKind::First => KeepPlan::First,
                                KeepKind::Last => KeepPlan::Last,
                            };
                            c.source_filters.entry(obj).or_default().1 = Some(DedupePlan {
                                by,
                                keep,
                                span: rule.span,
                            });
                        }
                        SourceRuleKind::Column { .. } => {}
                    }
                }
            });
        }
    }
}
