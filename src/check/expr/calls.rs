//! Function calls: scalar functions, aggregates and `owner(…)`.
//!
//! Input: the called name and its arguments. Output: a typed call; scalar
//! functions are typed by [`crate::check::funcs::scalar`]. Invariants: the
//! argument count is checked before any argument is typed; `by` is accepted
//! only by `latest` and `earliest` (and required there); an aggregate of a
//! single value is that value's type.

use super::{poisoned, texpr, Infer, Scope};
use crate::diagnostics::{codes, did_you_mean};
use crate::plan::{Agg, Func, TExpr, TExprKind, Ty};
use crate::span::Span;
use crate::syntax::ast::{self, Ident};

const SCALAR_FUNCS: &[(&str, Func, usize, usize)] = &[
    ("lower", Func::Lower, 1, 1),
    ("upper", Func::Upper, 1, 1),
    ("trim", Func::Trim, 1, 1),
    ("title", Func::Title, 1, 1),
    ("concat", Func::Concat, 1, 64),
    ("split", Func::Split, 2, 2),
    ("replace", Func::Replace, 3, 3),
    ("truncate", Func::Truncate, 2, 2),
    ("left", Func::Left, 2, 2),
    ("len", Func::Len, 1, 1),
    ("e164", Func::E164, 2, 2),
    ("round", Func::Round, 2, 2),
    ("number", Func::Number, 1, 1),
    ("integer", Func::Integer, 1, 1),
    ("date", Func::Date, 1, 1),
    ("datetime", Func::Datetime, 1, 1),
    ("format", Func::Format, 2, 3),
];

const AGGREGATES: &[(&str, Agg)] = &[
    ("count", Agg::Count),
    ("sum", Agg::Sum),
    ("avg", Agg::Avg),
    ("min", Agg::Min),
    ("max", Agg::Max),
    ("first", Agg::First),
    ("last", Agg::Last),
    ("collect", Agg::Collect),
    ("distinct", Agg::Distinct),
    ("latest", Agg::Latest),
    ("earliest", Agg::Earliest),
    ("any", Agg::Any),
    ("all", Agg::All),
    ("join", Agg::Join),
];

impl Infer<'_, '_> {
    pub(super) fn call(
        &mut self,
        func: &Ident,
        args: &[ast::Arg],
        scope: &Scope,
        span: Span,
    ) -> TExpr {
        let name = func.name.as_str();
        if name == "owner" {
            return self.owner(func, args, scope, span);
        }
        if let Some((_, agg)) = AGGREGATES.iter().find(|(n, _)| *n == name) {
            return self.aggregate(func, *agg, args, scope, span);
        }
        let Some(&(_, f, min, max)) = SCALAR_FUNCS.iter().find(|(n, ..)| *n == name) else {
            let all = SCALAR_FUNCS
                .iter()
                .map(|s| s.0)
                .chain(AGGREGATES.iter().map(|a| a.0))
                .chain(["owner"]);
            let d = self
                .err(
                    codes::E0214,
                    format!("there is no function `{name}`"),
                    func.span,
                    "unknown function",
                )
                .maybe_help(did_you_mean(name, all))
                .note("docs/language.md lists every function");
            self.report(d);
            return poisoned(span);
        };
        if self.wrong_arity(name, args.len(), min, max, span) {
            return poisoned(span);
        }
        if let Some(a) = args.iter().find(|a| a.by.is_some()) {
            self.unexpected_by(name, a.span);
        }
        let targs: Vec<TExpr> = args.iter().map(|a| self.expr(&a.value, scope)).collect();
        self.func_note(name);
        crate::check::funcs::scalar(self, f, name, targs, span)
    }

    fn owner(&mut self, func: &Ident, args: &[ast::Arg], scope: &Scope, span: Span) -> TExpr {
        if args.len() != 1 {
            let d = self.err(
                codes::E0306,
                "`owner` takes 1 argument: an email",
                span,
                "wrong number of arguments",
            );
            self.report(d);
            return poisoned(span);
        }
        if !self.symbols.has_owners {
            let d = self
                .err(
                    codes::E0224,
                    "`owner(…)` needs an `owners` block",
                    func.span,
                    "no owner policy",
                )
                .help("add `owners { match email  fallback \"owner@example.com\" }`");
            self.report(d);
        }
        let a = self.expr(&args[0].value, scope);
        if !a.ty.is_textual() && !matches!(a.ty, Ty::Never | Ty::Null) {
            let d = self.err(
                codes::E0301,
                format!("`owner` takes an email, not {}", a.ty),
                a.span,
                "not an email",
            );
            self.report(d);
        }
        self.func_note("owner");
        let nullable = self.symbols.owner_fallback_nullable && a.nullable;
        let f = a.fallible;
        texpr(TExprKind::Owner(Box::new(a)), Ty::Owner, nullable, f, span)
    }

    fn aggregate(
        &mut self,
        func: &Ident,
        agg: Agg,
        args: &[ast::Arg],
        scope: &Scope,
        span: Span,
    ) -> TExpr {
        let name = func.name.as_str();
        let (min, max) = if agg == Agg::Join { (2, 2) } else { (1, 1) };
        if self.wrong_arity(name, args.len(), min, max, span) {
            return poisoned(span);
        }
        let by_allowed = matches!(agg, Agg::Latest | Agg::Earliest);
        if by_allowed && args[0].by.is_none() {
            let d = self
                .err(
                    codes::E0306,
                    format!("`{name}` needs an ordering: `{name}(x by t)`"),
                    span,
                    "missing `by`",
                )
                .help("e.g. `latest(enrollments.score by enrollments.completion_date)`");
            self.report(d);
            return poisoned(span);
        }
        if !by_allowed && args[0].by.is_some() {
            self.unexpected_by(name, args[0].span);
        }
        self.func_note(name);
        let list = self.expr(&args[0].value, scope);
        let by = args[0].by.as_ref().map(|b| Box::new(self.expr(b, scope)));
        let extra: Vec<TExpr> = args[1..]
            .iter()
            .map(|a| self.expr(&a.value, scope))
            .collect();
        if list.ty == Ty::Never {
            return poisoned(span);
        }
        // An aggregate of a single value is that value: `first(message.title)`
        // in a merge, where `message` is the same for the whole group.
        let item = match &list.ty {
            Ty::List { item } => (**item).clone(),
            t => t.clone(),
        };
        let numeric_ok = item.is_numeric() || matches!(item, Ty::Null | Ty::Never);
        let (ty, nullable) = match agg {
            Agg::Count => (Ty::Int, false),
            Agg::Sum | Agg::Avg => {
                if !numeric_ok {
                    let d = self.err(
                        codes::E0307,
                        format!("`{name}` adds numbers, this is a list of {item}"),
                        list.span,
                        "not numbers",
                    );
                    self.report(d);
                }
                let ty = if agg == Agg::Sum && item == Ty::Int {
                    Ty::Int
                } else {
                    Ty::Num { scale: None }
                };
                (ty, agg == Agg::Avg)
            }
            Agg::Min | Agg::Max | Agg::First | Agg::Last | Agg::Latest | Agg::Earliest => {
                (item.clone(), true)
            }
            Agg::Collect => (Ty::list(item.clone()), false),
            Agg::Distinct => (Ty::list(item.clone()), false),
            Agg::Any | Agg::All => (Ty::Bool, false),
            Agg::Join => (Ty::text(), false),
        };
        let fallible = list.fallible || by.as_ref().is_some_and(|b| b.fallible);
        texpr(
            TExprKind::Agg {
                func: agg,
                list: Box::new(list),
                by,
                extra,
            },
            ty,
            nullable,
            fallible,
            span,
        )
    }

    /// E0306 when `given` is outside `min..=max`; true when reported.
    fn wrong_arity(
        &mut self,
        name: &str,
        given: usize,
        min: usize,
        max: usize,
        span: Span,
    ) -> bool {
        if (min..=max).contains(&given) {
            return false;
        }
        let want = if min == max {
            format!("{min}")
        } else {
            format!("{min} to {max}")
        };
        let d = self.err(
            codes::E0306,
            format!("`{name}` takes {want} argument(s), {given} given"),
            span,
            "wrong number of arguments",
        );
        self.report(d);
        true
    }

    fn unexpected_by(&mut self, name: &str, span: Span) {
        let d = self.err(
            codes::E0306,
            format!("`by` only goes with `latest` and `earliest`, not `{name}`"),
            span,
            "unexpected `by`",
        );
        self.report(d);
    }
}
