//! Checking: parsed spec + descriptors → execution plan.
//!
//! Input: a [`Project`] (the spec and the specs it imports, parsed) and the
//! descriptor [`Registry`]. Output: a [`Checked`] (the [`Plan`] and the
//! spec's test blocks) when there are no errors, and every E02xx–E06xx
//! diagnostic and W-warning found. Invariants: pure apart from reading the
//! table files a spec names (through the caller's `read` function); a spec
//! that checks cannot fail at run time for a reason the spec and the
//! descriptors could have told.

mod assemble;
mod env;
mod expr;
mod funcs;
mod late;
mod lineage;
pub mod names;
mod project;
pub(crate) mod setup;
mod symbols;
mod target;
mod tests;
pub mod types;
mod units;

pub use project::{load_project, reader_beside, standard_registry, Parsed, Project};

use crate::diagnostics::{codes, Diagnostic, Diagnostics, SourceFile};
use crate::plan::{Plan, TExpr, Unit};
use crate::schema::model::Descriptor;
use crate::schema::Registry;
use crate::span::Span;
use crate::syntax::ast::{self, ItemKind};
use env::{DestObj, SourceEnv};
use indexmap::IndexMap;
use std::sync::Arc;
use symbols::Symbols;

/// A spec that passed every check.
#[derive(Debug)]
pub struct Checked {
    pub plan: Plan,
    pub tests: Vec<ast::TestBlock>,
    /// What must exist in the destination before the load (`ferry setup`).
    pub custom: Vec<CustomDecl>,
}

/// Custom fields (and possibly a new object) a spec declares for one
/// destination object, in declaration order.
#[derive(Clone, Debug, serde::Serialize)]
pub struct CustomDecl {
    pub object: String,
    /// Declared with `custom object`: the object itself must be created.
    pub new_object: bool,
    pub fields: Vec<crate::schema::model::Field>,
}

/// Reads a file named by the spec (a table's CSV), relative to the spec.
pub type ReadFile<'a> = &'a dyn Fn(&str) -> Result<String, String>;

/// Parses and checks one file from disk with the standard descriptors.
pub fn check_file(file: &Arc<SourceFile>) -> Diagnostics {
    let (project, mut diags) = project::from_source(file);
    match standard_registry(&project) {
        Ok(reg) => {
            let read = project::reader_beside(&file.name);
            let (_, more) = check(&project, &reg, &read);
            diags.extend(more);
        }
        Err(e) => diags.extend(e),
    }
    diags
}

/// Checks a parsed project. Returns the plan only when there are no errors.
pub fn check(
    project: &Project,
    registry: &Registry,
    read: ReadFile<'_>,
) -> (Option<Checked>, Diagnostics) {
    let main = &project.main;
    let imported: Vec<String> = project
        .imports
        .iter()
        .flat_map(|p| p.spec.items.iter())
        .filter_map(|i| match &i.kind {
            ItemKind::Values(v) => Some(v.name.name.clone()),
            ItemKind::Table(t) => Some(t.name.name.clone()),
            _ => None,
        })
        .collect();
    let mut diags = names::check(&main.spec, &main.file, &imported);
    let Some((source, dest)) = migration(&main.spec, registry, &main.file, &mut diags) else {
        return (None, diags);
    };
    let mut checker = Checker::new(source, dest, Arc::clone(&main.file));
    checker.diags = diags;
    checker.run(project, read);
    let Checker { diags, .. } = &checker;
    if diags.has_errors() {
        let diags = checker.diags;
        return (None, diags);
    }
    checker.into_checked()
}

fn migration<'r>(
    spec: &ast::Spec,
    registry: &'r Registry,
    file: &Arc<SourceFile>,
    diags: &mut Diagnostics,
) -> Option<(&'r Descriptor, &'r Descriptor)> {
    let m = spec.items.iter().find_map(|i| match &i.kind {
        ItemKind::Migration(m) => Some(m),
        _ => None,
    })?;
    let mut get = |id: &ast::Ident, want: crate::schema::model::Kind| {
        let found = registry.get(&id.name).filter(|d| d.kind == want);
        if found.is_none() {
            let names: Vec<&str> = registry
                .systems()
                .filter(|d| d.kind == want)
                .map(|d| d.system.as_str())
                .collect();
            let what = match want {
                crate::schema::model::Kind::Source => "source system",
                crate::schema::model::Kind::Destination => "destination",
            };
            diags.push(
                Diagnostic::new(codes::E0209, format!("there is no {what} `{}`", id.name))
                    .in_file(file)
                    .label(id.span, format!("unknown {what}"))
                    .maybe_help(crate::diagnostics::did_you_mean(
                        &id.name,
                        names.iter().copied(),
                    ))
                    .note(format!("known: {}", names.join(", "))),
            );
        }
        found
    };
    let s = get(&m.source, crate::schema::model::Kind::Source);
    let d = get(&m.destination, crate::schema::model::Kind::Destination);
    Some((s?, d?))
}

/// The state of one check run.
pub(crate) struct Checker<'d> {
    pub(crate) env: SourceEnv<'d>,
    pub(crate) dest_desc: &'d Descriptor,
    pub(crate) dest_system: String,
    /// Shared so a target can hold its object while the checker mutates itself.
    pub(crate) dest: IndexMap<String, Arc<DestObj>, foldhash::fast::FixedState>,
    pub(crate) symbols: Symbols,
    pub(crate) diags: Diagnostics,
    pub(crate) file: Arc<SourceFile>,
    /// Source object → (destination object, unit span) for every unit.
    pub(crate) routed: foldhash::HashMap<String, Vec<(String, Span)>>,
    /// Objects of the targets of the unit being checked, by index.
    pub(crate) produced_objects: Vec<String>,
    /// Every fan-out alias name (to explain "unknown name").
    pub(crate) aliases: Vec<String>,
    /// The aliases of the route being checked.
    pub(crate) route_aliases: Vec<String>,
    /// (object in `dest`, key field, literal prefix of the key, span, unit
    /// index) per target.
    pub(crate) keys: Vec<(u32, String, Option<String>, Span, usize)>,
    pub(crate) unit_index: usize,
    /// "A before B" edges between destination objects (indices into `dest`).
    pub(crate) edges: Vec<(u32, u32)>,
    /// Target objects in spec order (indices into `dest`).
    pub(crate) targets_seen: Vec<u32>,
    pub(crate) options: crate::plan::PlanOptions,
    /// Lineage texts, shared by the fields that name the same column.
    pub(crate) texts: lineage::Texts,
    units: Vec<Unit>,
    references: Vec<crate::plan::ReferencePlan>,
    tests: Vec<ast::TestBlock>,
    source_rules: Vec<(String, Vec<ast::SourceRule>, Arc<SourceFile>)>,
    /// Typed `where` rules and `dedupe` per source object index.
    pub(crate) source_filters: IndexMap<u32, (Vec<TExpr>, Option<crate::plan::DedupePlan>)>,
    pub(crate) placeholder_plans: Vec<crate::plan::PlaceholderPlan>,
    /// Lookup targets named in `custom` blocks, checked after all declarations.
    pub(crate) pending_lookups: Vec<(String, Span, Arc<SourceFile>)>,
}

impl<'d> Checker<'d> {
    fn new(source: &'d Descriptor, dest: &'d Descriptor, file: Arc<SourceFile>) -> Self {
        let defaults = source.source.as_ref();
        Checker {
            env: SourceEnv::new(source, IndexMap::new()),
            dest_desc: dest,
            dest_system: dest.system.clone(),
            dest: dest
                .objects
                .values()
                .map(|o| (o.name.clone(), Arc::new(DestObj::from_descriptor(o))))
                .collect(),
            symbols: Symbols::default(),
            diags: Diagnostics::new(),
            file,
            routed: foldhash::HashMap::default(),
            produced_objects: Vec::new(),
            aliases: Vec::new(),
            route_aliases: Vec::new(),
            keys: Vec::new(),
            unit_index: 0,
            edges: Vec::new(),
            targets_seen: Vec::new(),
            options: crate::plan::PlanOptions {
                timezone: defaults.map_or("UTC".into(), |d| d.timezone.clone()),
                date_formats: defaults.map_or_else(Vec::new, |d| d.date_formats.clone()),
                strict: false,
                multi_value_separator: defaults
                    .map_or(";".into(), |d| d.multi_value_separator.clone()),
            },
            texts: lineage::Texts::default(),
            units: Vec::new(),
            references: Vec::new(),
            tests: Vec::new(),
            source_rules: Vec::new(),
            source_filters: IndexMap::new(),
            placeholder_plans: Vec::new(),
            pending_lookups: Vec::new(),
        }
    }

    /// Every item of the project, imports first, with the file it came from.
    fn items(project: &Project) -> Vec<(&Arc<SourceFile>, &ast::Item)> {
        let mut all: Vec<(&Arc<SourceFile>, &ast::Item)> = Vec::new();
        for p in &project.imports {
            all.extend(p.spec.items.iter().map(|i| (&p.file, i)));
        }
        all.extend(
            project
                .main
                .spec
                .items
                .iter()
                .map(|i| (&project.main.file, i)),
        );
        all
    }

    fn with_file<T>(&mut self, file: &Arc<SourceFile>, f: impl FnOnce(&mut Self) -> T) -> T {
        let saved = std::mem::replace(&mut self.file, Arc::clone(file));
        self.symbols.current_file = Some(Arc::clone(file));
        let out = f(self);
        self.file = saved;
        self.symbols.current_file = Some(Arc::clone(&self.file));
        out
    }

    fn run(&mut self, project: &Project, read: ReadFile<'_>) {
        let items = Self::items(project);
        // Declarations first: they are visible to every route, wherever written.
        for (file, item) in &items {
            self.with_file(file, |c| {
                c.declaration(item, read, !Arc::ptr_eq(file, &project.main.file))
            });
        }
        self.env = SourceEnv::new(self.env.desc, self.declared_columns(&items));
        self.validate_lookups();
        self.collect_routing(&items);
        self.units.reserve(items.len());
        for (file, item) in &items {
            if Arc::ptr_eq(file, &project.main.file) {
                self.with_file(file, |c| c.unit_item(item));
            }
        }
        self.source_plans();
        self.key_collisions();
        self.check_placeholders();
        self.strict_warnings();
    }

    fn unit_item(&mut self, item: &ast::Item) {
        let unit = match &item.kind {
            ItemKind::Route(r) => self.route(r, item.span),
            ItemKind::Split(s) => self.split(s, item.span),
            ItemKind::Merge(m) => self.merge(m, item.span),
            ItemKind::Reference(r) => {
                if let Some(p) = self.reference(r) {
                    self.references.push(p);
                }
                None
            }
            ItemKind::Test(t) => {
                self.tests.push(t.clone());
                None
            }
            _ => None,
        };
        if let Some(u) = unit {
            self.units.push(u);
        }
        self.unit_index += 1;
    }

    /// Which source objects go to which destination objects (for lookups).
    fn collect_routing(&mut self, items: &[(&Arc<SourceFile>, &ast::Item)]) {
        for (_, item) in items {
            let (source, objects): (&ast::Ident, Vec<&ast::Ident>) = match &item.kind {
                ItemKind::Route(r) => {
                    for t in &r.targets {
                        if let Some(a) = &t.alias {
                            self.aliases.push(a.name.clone());
                        }
                    }
                    (&r.source, r.targets.iter().map(|t| &t.object).collect())
                }
                ItemKind::Split(s) => {
                    let mut objs: Vec<&ast::Ident> =
                        s.arms.iter().map(|a| &a.target.object).collect();
                    if let Some(ast::SplitElse {
                        kind: ast::SplitElseKind::Target(t),
                        ..
                    }) = &s.else_arm
                    {
                        objs.push(&t.object);
                    }
                    // Arms of one split are alternatives: one entry per object.
                    let mut seen: Vec<&str> = Vec::new();
                    objs.retain(|o| {
                        let fresh = !seen.contains(&o.name.as_str());
                        seen.push(&o.name);
                        fresh
                    });
                    (&s.source, objs)
                }
                ItemKind::Merge(m) => (&m.source, vec![&m.target.object]),
                _ => continue,
            };
            let routes = match self.routed.get_mut(&source.name) {
                Some(r) => r,
                None => self.routed.entry(source.name.clone()).or_default(),
            };
            routes.extend(objects.iter().map(|o| (o.name.clone(), o.span)));
        }
    }

    fn into_checked(mut self) -> (Option<Checked>, Diagnostics) {
        let plan = match self.build_plan() {
            Some(p) => p,
            None => return (None, self.diags),
        };
        let tests = std::mem::take(&mut self.tests);
        self.diags
            .extend(tests::run_tests(&plan, &tests, &self.file));
        // The checker is done with its objects: move the declared fields out.
        let custom = std::mem::take(&mut self.dest)
            .into_values()
            .filter(|o| o.has_declared() || o.new_object)
            .map(|o| {
                let mut o = Arc::try_unwrap(o).unwrap_or_else(|shared| (*shared).clone());
                CustomDecl {
                    object: std::mem::take(&mut o.name),
                    new_object: o.new_object,
                    fields: o.into_declared(),
                }
            })
            .collect();
        if self.options.strict {
            self.diags.promote_warnings();
        }
        if self.diags.has_errors() {
            return (None, self.diags);
        }
        (
            Some(Checked {
                plan,
                tests,
                custom,
            }),
            self.diags,
        )
    }
}
