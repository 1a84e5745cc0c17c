//! Name checks that need no descriptor.
//!
//! Input: a parsed spec (plus the declarations its imports bring).
//! Output: E02xx/E0401 diagnostics: duplicate items, options set twice,
//! value-map keys listed twice, unknown value maps/tables in `m[x]`, and
//! fan-out aliases that are duplicated, used before their target or used
//! outside their route. Invariant: never reports a name the descriptors
//! could still resolve (columns and relations are the type checker's job).

use crate::diagnostics::{codes, did_you_mean, Diagnostic, Diagnostics, SourceFile};
use crate::span::Span;
use crate::syntax::ast::*;
use foldhash::{HashMap, HashMapExt};
use std::sync::Arc;

/// Names an expression may index with `name[x]`: value maps and tables.
pub type Indexables<'s> = HashMap<&'s str, Span>;

/// Runs every descriptor-free name check. `imported` are value-map and table
/// names declared in imported files.
pub fn check(spec: &Spec, file: &Arc<SourceFile>, imported: &[String]) -> Diagnostics {
    let mut c = Checker {
        file,
        diags: Diagnostics::new(),
    };
    let indexables = c.declarations(spec);
    let mut known: Vec<&str> = indexables.keys().copied().collect();
    known.extend(imported.iter().map(String::as_str));
    let aliases = all_aliases(spec);
    for item in &spec.items {
        c.item_expressions(item, &known, &aliases);
    }
    c.diags
}

struct Checker<'a> {
    file: &'a Arc<SourceFile>,
    diags: Diagnostics,
}

fn item_name(item: &Item) -> Option<(&'static str, &Ident)> {
    match &item.kind {
        ItemKind::Values(v) => Some(("value map", &v.name)),
        ItemKind::Table(t) => Some(("table", &t.name)),
        ItemKind::Custom(c) if c.new_object => Some(("custom object", &c.object)),
        _ => None,
    }
}

impl Checker<'_> {
    fn err(&mut self, d: Diagnostic) {
        self.diags.push(d.in_file(self.file));
    }

    /// Duplicate declarations; returns value maps and tables by name.
    fn declarations<'s>(&mut self, spec: &'s Spec) -> Indexables<'s> {
        let mut indexables = Indexables::new();
        let mut objects: HashMap<&str, Span> = HashMap::new();
        let mut singletons: HashMap<&'static str, Span> = HashMap::new();
        let mut tests: HashMap<String, Span> = HashMap::new();
        for item in &spec.items {
            if let Some((what, name)) = item_name(item) {
                let seen = if what == "custom object" {
                    &mut objects
                } else {
                    &mut indexables
                };
                if let Some(first) = seen.get(name.name.as_str()) {
                    let first = *first;
                    self.err(
                        Diagnostic::new(codes::E0201, format!("`{}` is declared twice", name.name))
                            .label(name.span, format!("this {what} reuses the name"))
                            .label(first, "first declared here")
                            .help("value maps and tables share one namespace; rename one of them"),
                    );
                } else {
                    seen.insert(&name.name, name.span);
                }
            }
            let singleton = match &item.kind {
                ItemKind::Migration(_) => Some("migration"),
                ItemKind::Owners(_) => Some("owners"),
                _ => None,
            };
            if let Some(kind) = singleton {
                if let Some(first) = singletons.get(kind) {
                    let first = *first;
                    self.err(
                        Diagnostic::new(
                            codes::E0201,
                            format!("a spec has one `{kind}` item, this is a second"),
                        )
                        .label(item.span, "second one")
                        .label(first, "first one"),
                    );
                } else {
                    singletons.insert(kind, item.span);
                }
            }
            match &item.kind {
                ItemKind::Test(t) => {
                    if let Some(first) = tests.insert(t.name.value.clone(), t.name.span) {
                        self.err(
                            Diagnostic::new(
                                codes::E0201,
                                format!("two tests are named {:?}", t.name.value),
                            )
                            .label(t.name.span, "second test with this name")
                            .label(first, "first one"),
                        );
                    }
                }
                ItemKind::Options(o) => self.options(o),
                ItemKind::Values(v) => self.value_map_keys(v),
                ItemKind::Custom(c) => self.custom_fields(c),
                _ => {}
            }
        }
        indexables
    }

    fn options(&mut self, o: &Options) {
        let mut seen: HashMap<&str, Span> = HashMap::new();
        for e in &o.entries {
            if let Some(first) = seen.insert(&e.key.name, e.key.span) {
                self.err(
                    Diagnostic::new(
                        codes::E0206,
                        format!("option `{}` is set twice", e.key.name),
                    )
                    .label(e.key.span, "set again here")
                    .label(first, "first set here"),
                );
            }
        }
    }

    fn custom_fields(&mut self, c: &Custom) {
        let mut seen: Seen<&str, Span> = Seen::with_capacity(c.fields.len());
        for f in &c.fields {
            if let Some(first) = seen.insert(&f.name.name, f.name.span) {
                self.err(
                    Diagnostic::new(
                        codes::E0201,
                        format!(
                            "field `{}` is declared twice on `{}`",
                            f.name.name, c.object.name
                        ),
                    )
                    .label(f.name.span, "declared again here")
                    .label(first, "first declared here"),
                );
            }
        }
    }

    fn value_map_keys(&mut self, v: &ValueMap) {
        let mut seen: Vec<(&Literal, Span)> = Vec::new();
        for arm in &v.arms {
            for (i, key) in arm.keys.iter().enumerate() {
                // Arms carry one span; point at the arm, which holds the key.
                let span = arm.span;
                if let Some((_, first)) = seen.iter().find(|(k, _)| same_key(k, key)) {
                    let first = *first;
                    self.err(
                        Diagnostic::new(
                            codes::E0401,
                            format!(
                                "value map `{}` lists the key {} twice",
                                v.name.name,
                                show(key)
                            ),
                        )
                        .label(span, "listed again here")
                        .label(first, "first listed here")
                        .help("the first arm would always win; remove or merge the duplicate"),
                    );
                } else if !arm.keys[..i].iter().any(|k| same_key(k, key)) {
                    seen.push((key, span));
                }
            }
        }
    }

    fn item_expressions(&mut self, item: &Item, known: &[&str], aliases: &[(Span, String, Span)]) {
        let mut v = ExprVisitor {
            c: self,
            known,
            aliases,
            local: Vec::new(),
            route: None,
        };
        match &item.kind {
            ItemKind::Route(r) => {
                v.route = Some(item.span);
                v.opt(&r.filter);
                for t in &r.targets {
                    v.body(&t.body);
                    if let Some(a) = &t.alias {
                        if let Some((_, first)) = v.local.iter().find(|(n, _)| *n == a.name) {
                            let first = *first;
                            v.c.err(
                                Diagnostic::new(
                                    codes::E0205,
                                    format!("alias `{}` is defined twice in this route", a.name),
                                )
                                .label(a.span, "defined again here")
                                .label(first, "first defined here"),
                            );
                        }
                        v.local.push((a.name.clone(), a.span));
                    }
                }
            }
            ItemKind::Split(s) => {
                for arm in &s.arms {
                    v.expr(&arm.cond);
                    v.body(&arm.target.body);
                }
                if let Some(SplitElse {
                    kind: SplitElseKind::Target(t),
                    ..
                }) = &s.else_arm
                {
                    v.body(&t.body);
                }
            }
            ItemKind::Merge(m) => {
                v.opt(&m.filter);
                m.by.iter().for_each(|e| v.expr(e));
                v.body(&m.target.body);
            }
            ItemKind::Reference(r) => {
                v.opt(&r.filter);
                v.body(&r.fields);
            }
            ItemKind::Source(s) => {
                for rule in &s.rules {
                    match &rule.kind {
                        SourceRuleKind::Where(e) => v.expr(e),
                        SourceRuleKind::Dedupe { by, keep } => {
                            by.iter().for_each(|e| v.expr(e));
                            if let KeepKind::Latest(e) | KeepKind::Earliest(e) = &keep.kind {
                                v.expr(e);
                            }
                        }
                        SourceRuleKind::Column { .. } => {}
                    }
                }
            }
            ItemKind::Owners(o) => {
                for r in &o.rules {
                    if let OwnerRuleKind::Fallback(e) = &r.kind {
                        v.expr(e);
                    }
                }
            }
            _ => {}
        }
    }
}

/// Every alias of every fan-out: (alias span, name, route span).
fn all_aliases(spec: &Spec) -> Vec<(Span, String, Span)> {
    let mut out = Vec::new();
    for item in &spec.items {
        if let ItemKind::Route(r) = &item.kind {
            for t in &r.targets {
                if let Some(a) = &t.alias {
                    out.push((a.span, a.name.clone(), item.span));
                }
            }
        }
    }
    out
}

struct ExprVisitor<'c, 'a> {
    c: &'c mut Checker<'a>,
    known: &'c [&'c str],
    aliases: &'c [(Span, String, Span)],
    /// Aliases defined so far in the current route.
    local: Vec<(String, Span)>,
    /// The route being visited, if any.
    route: Option<Span>,
}

impl ExprVisitor<'_, '_> {
    fn opt(&mut self, e: &Option<Expr>) {
        if let Some(e) = e {
            self.expr(e);
        }
    }

    fn body(&mut self, stmts: &[Stmt]) {
        let mut seen: Seen<PathKey<'_>, (Span, bool)> = Seen::with_capacity(stmts.len());
        for s in stmts {
            let field = s.kind.field();
            let is_key = matches!(s.kind, StmtKind::Key { .. });
            // Two `key` statements are E0505, reported by the type checker.
            if let Some((first, first_key)) = seen
                .insert(PathKey(&field.segments), (field.span, is_key))
                .filter(|(_, k)| !(*k && is_key))
            {
                let _ = first_key;
                self.c.err(
                    Diagnostic::new(
                        codes::E0208,
                        format!("field `{}` is assigned twice", field.dotted()),
                    )
                    .label(field.span, "assigned again here")
                    .label(first, "first assigned here")
                    .help(
                        "a target sets each field once; combine the expressions with `??` or `if`",
                    ),
                );
            }
            self.expr(s.kind.value());
        }
    }

    /// An alias of this route used before the target that defines it.
    /// (Aliases of other routes may coincide with column names, so only the
    /// type checker, which knows the columns, can report those.)
    fn alias_use(&mut self, name: &Ident) {
        if self.local.iter().any(|(a, _)| *a == name.name) {
            return;
        }
        let Some(route) = self.route else { return };
        let later = self
            .aliases
            .iter()
            .find(|(span, a, r)| *a == name.name && *r == route && span.start > name.span.start);
        if let Some((span, _, _)) = later {
            self.c.err(
                Diagnostic::new(codes::E0204, format!("alias `{}` is used before its target", name.name))
                    .label(name.span, "used here")
                    .label(*span, "defined by a later target")
                    .help("a target can only reference targets written before it in the same fan-out; reorder the targets"),
            );
        }
    }

    fn expr(&mut self, e: &Expr) {
        match &e.kind {
            ExprKind::Path(segs) => {
                if let Some(first) = segs.first() {
                    self.alias_use(first);
                }
            }
            ExprKind::Index { base, index } => {
                if let ExprKind::Path(segs) = &base.kind {
                    if segs.len() == 1 && !self.known.contains(&segs[0].name.as_str()) {
                        let name = &segs[0];
                        self.c.err(
                            Diagnostic::new(codes::E0202, format!("no value map or table named `{}`", name.name))
                                .label(name.span, "indexed here")
                                .maybe_help(did_you_mean(&name.name, self.known.iter().copied()))
                                .note("declare it with `values NAME { … }` or `table NAME from \"file.csv\" key COLUMN`"),
                        );
                    }
                } else {
                    self.expr(base);
                }
                self.expr(index);
            }
            ExprKind::Member { base, .. } => self.expr(base),
            ExprKind::List(items) => items.iter().for_each(|x| self.expr(x)),
            ExprKind::Call { args, .. } => {
                for a in args {
                    self.expr(&a.value);
                    if let Some(b) = &a.by {
                        self.expr(b);
                    }
                }
            }
            ExprKind::Unary { operand, .. } => self.expr(operand),
            ExprKind::Binary { lhs, rhs, .. } => {
                self.expr(lhs);
                self.expr(rhs);
            }
            ExprKind::If {
                cond,
                then,
                otherwise,
            } => {
                self.expr(cond);
                self.expr(then);
                self.expr(otherwise);
            }
            ExprKind::Filter { list, cond } => {
                self.expr(list);
                self.expr(cond);
            }
            ExprKind::Placeholder { fields, .. } => fields.iter().for_each(|f| self.expr(&f.value)),
            ExprKind::Literal(_) | ExprKind::Clear | ExprKind::Skip(_) | ExprKind::Flag(_) => {}
        }
    }
}

/// The names met so far in one block, with a value each. `insert` replaces
/// and returns the earlier value, like `HashMap::insert`; blocks are usually
/// a handful of lines, where a linear search beats hashing.
enum Seen<K, V> {
    Few(Vec<(K, V)>),
    Many(HashMap<K, V>),
}

impl<K: Eq + std::hash::Hash, V> Seen<K, V> {
    const FEW: usize = 16;

    fn with_capacity(n: usize) -> Self {
        if n <= Self::FEW {
            Seen::Few(Vec::with_capacity(n))
        } else {
            Seen::Many(HashMap::with_capacity(n))
        }
    }

    fn insert(&mut self, k: K, v: V) -> Option<V> {
        match self {
            Seen::Few(list) => match list.iter_mut().find(|(x, _)| *x == k) {
                Some((_, old)) => Some(std::mem::replace(old, v)),
                None => {
                    list.push((k, v));
                    None
                }
            },
            Seen::Many(map) => map.insert(k, v),
        }
    }
}

/// A field path compared by its names (`a.b` is the same field wherever it
/// is written), without joining them into a string.
struct PathKey<'a>(&'a [Ident]);

impl PartialEq for PathKey<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.0.len() == other.0.len() && self.0.iter().zip(other.0).all(|(a, b)| a.name == b.name)
    }
}

impl Eq for PathKey<'_> {}

impl std::hash::Hash for PathKey<'_> {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        for seg in self.0 {
            seg.name.hash(state);
        }
    }
}

fn same_key(a: &Literal, b: &Literal) -> bool {
    match (a, b) {
        (Literal::Int(x), Literal::Float(y)) | (Literal::Float(y), Literal::Int(x)) => {
            (*x as f64) == *y
        }
        _ => a == b,
    }
}

fn show(l: &Literal) -> String {
    match l {
        Literal::Str(s) => format!("{s:?}"),
        Literal::Int(i) => i.to_string(),
        Literal::Float(f) => f.to_string(),
        Literal::Bool(b) => b.to_string(),
        Literal::Null => "null".into(),
    }
}
