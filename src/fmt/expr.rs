//! Expressions, literals and types → canonical text.
//!
//! Input: AST expressions. Output: their text, with parentheses exactly where
//! the parser's precedence needs them for the reparse to give the same tree.
//! Invariants: an expression is written on one line, except a `placeholder`
//! whose body does not fit in [`MAX_WIDTH`] columns: it gets one field per line
//! (its continuation lines carry their own indentation); strings are escaped
//! canonically; floats are written so they read back as the same `f64`.

use crate::syntax::ast::{
    Arg, BinaryOp, Expr, ExprKind, FieldInit, Literal, MapOutcome, Reason, TypeArg, TypeExpr,
    UnaryOp,
};

/// The line width the layout aims for.
pub const MAX_WIDTH: usize = 100;

/// One level of indentation.
pub const INDENT: &str = "  ";

// Binding strength, loosest first: the parser's precedence table.
const P_WHERE: u8 = 1;
const P_COALESCE: u8 = 2;
const P_OR: u8 = 3;
const P_AND: u8 = 4;
const P_NOT: u8 = 5;
const P_CMP: u8 = 6;
const P_ADD: u8 = 7;
const P_MUL: u8 = 8;
const P_NEG: u8 = 9;
const P_POSTFIX: u8 = 10;
const P_ATOM: u8 = 11;

/// Writes one expression. `indent` is the level of the line the expression
/// starts on and `col` the column it starts at; both matter only for a
/// placeholder that has to be broken over several lines.
pub fn expr(e: &Expr, indent: usize, col: usize) -> String {
    let mut w = Writer {
        out: String::new(),
        indent,
        col0: col,
        flat: false,
    };
    w.expr(e, 0);
    w.out
}

/// Like [`expr`], for the places where the grammar reads `where` as the start
/// of the next rule (`source` rules): a list filter or an `if` at the top gets
/// parentheses.
pub fn expr_nw(e: &Expr, indent: usize, col: usize) -> String {
    let mut w = Writer {
        out: String::new(),
        indent,
        col0: col,
        flat: false,
    };
    w.expr_nw(e);
    w.out
}

/// [`expr_nw`] on a single line.
pub fn flat_expr_nw(e: &Expr) -> String {
    let mut w = Writer {
        out: String::new(),
        indent: 0,
        col0: 0,
        flat: true,
    };
    w.expr_nw(e);
    w.out
}

/// Writes one expression on a single line, whatever its width.
pub fn flat_expr(e: &Expr) -> String {
    let mut w = Writer {
        out: String::new(),
        indent: 0,
        col0: 0,
        flat: true,
    };
    w.expr(e, 0);
    w.out
}

/// `{ a = 1, b = "x" }` bodies of `given`, `expect` and `placeholder`, flat.
pub fn flat_fields(fields: &[FieldInit]) -> String {
    if fields.is_empty() {
        return "{}".to_string();
    }
    let inner: Vec<String> = fields
        .iter()
        .map(|f| format!("{} = {}", f.field.dotted(), flat_expr(&f.value)))
        .collect();
    format!("{{ {} }}", inner.join(", "))
}

struct Writer {
    out: String,
    indent: usize,
    col0: usize,
    flat: bool,
}

impl Writer {
    fn col(&self) -> usize {
        match self.out.rfind('\n') {
            Some(i) => self.out[i + 1..].chars().count(),
            None => self.col0 + self.out.chars().count(),
        }
    }

    /// A top-level `where` would end the rule, and the `else` branch of a
    /// top-level `if` would swallow a following `where` rule as a filter.
    fn expr_nw(&mut self, e: &Expr) {
        let min = match e.kind {
            ExprKind::Filter { .. } | ExprKind::If { .. } => P_COALESCE,
            _ => 0,
        };
        self.expr(e, min);
    }

    /// Writes `e`, in parentheses when it binds looser than `min`.
    fn expr(&mut self, e: &Expr, min: u8) {
        if needs_parens(e, min) {
            self.out.push('(');
            self.bare(e);
            self.out.push(')');
        } else {
            self.bare(e);
        }
    }

    fn bare(&mut self, e: &Expr) {
        match &e.kind {
            ExprKind::Literal(lit) => self.out.push_str(&literal(lit)),
            ExprKind::List(items) => {
                self.out.push('[');
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        self.out.push_str(", ");
                    }
                    self.expr(item, 0);
                }
                self.out.push(']');
            }
            ExprKind::Path(segments) => {
                let names: Vec<&str> = segments.iter().map(|s| s.name.as_str()).collect();
                self.out.push_str(&names.join("."));
            }
            ExprKind::Index { base, index } => {
                self.expr(base, P_POSTFIX);
                self.out.push('[');
                self.expr(index, 0);
                self.out.push(']');
            }
            ExprKind::Member { base, name } => {
                self.member_base(base);
                self.out.push('.');
                self.out.push_str(&name.name);
            }
            ExprKind::Call { func, args } => {
                self.out.push_str(&func.name);
                self.out.push('(');
                for (i, arg) in args.iter().enumerate() {
                    if i > 0 {
                        self.out.push_str(", ");
                    }
                    self.arg(arg);
                }
                self.out.push(')');
            }
            ExprKind::Unary { op, operand } => match op {
                // `not (not x)` and `-(-x)` read better than stacked prefixes,
                // and never depend on how the lexer splits `--`.
                UnaryOp::Not => {
                    self.out.push_str("not ");
                    self.expr(operand, P_CMP);
                }
                UnaryOp::Neg => {
                    self.out.push('-');
                    self.expr(operand, P_POSTFIX);
                }
            },
            ExprKind::Binary { op, lhs, rhs } => {
                let p = binary_prec(*op);
                let (l, r) = match op {
                    BinaryOp::Coalesce => (p + 1, p),
                    _ if p == P_CMP => (p + 1, p + 1),
                    _ => (p, p + 1),
                };
                self.expr(lhs, l);
                self.out.push(' ');
                self.out.push_str(op.symbol());
                self.out.push(' ');
                self.expr(rhs, r);
            }
            ExprKind::If {
                cond,
                then,
                otherwise,
            } => {
                self.out.push_str("if ");
                self.expr(cond, 1);
                self.out.push_str(" then ");
                self.expr(then, 1);
                self.out.push_str(" else ");
                // The else branch extends as far right as possible, so an
                // `else if` chain needs no parentheses.
                self.expr(otherwise, 0);
            }
            ExprKind::Filter { list, cond } => {
                self.expr(list, P_COALESCE);
                self.out.push_str(" where ");
                self.expr(cond, P_COALESCE);
            }
            ExprKind::Clear => self.out.push_str("clear"),
            ExprKind::Skip(r) => self.out.push_str(&reason_call("skip", r)),
            ExprKind::Flag(r) => self.out.push_str(&reason_call("flag", r)),
            ExprKind::Placeholder { object, fields } => {
                self.out.push_str("placeholder ");
                self.out.push_str(&object.name);
                self.out.push(' ');
                let flat = flat_fields(fields);
                if self.flat || self.col() + flat.chars().count() <= MAX_WIDTH {
                    self.out.push_str(&flat);
                } else {
                    self.broken_fields(fields);
                }
            }
        }
    }

    fn member_base(&mut self, base: &Expr) {
        // `a.b` would read back as one path, so a path base keeps its parentheses.
        if matches!(base.kind, ExprKind::Path(_)) {
            self.out.push('(');
            self.bare(base);
            self.out.push(')');
        } else {
            self.expr(base, P_POSTFIX);
        }
    }

    fn arg(&mut self, arg: &Arg) {
        self.expr(&arg.value, 0);
        if let Some(by) = &arg.by {
            self.out.push_str(" by ");
            self.expr(by, 0);
        }
    }

    /// One field per line, `=` aligned, closing brace at the starting indent.
    fn broken_fields(&mut self, fields: &[FieldInit]) {
        let width = fields
            .iter()
            .map(|f| f.field.dotted().chars().count())
            .max()
            .unwrap_or(0);
        self.out.push('{');
        for f in fields {
            let name = f.field.dotted();
            self.out.push('\n');
            self.out.push_str(&INDENT.repeat(self.indent + 1));
            self.out.push_str(&name);
            for _ in name.chars().count()..width {
                self.out.push(' ');
            }
            self.out.push_str(" = ");
            let mut inner = Writer {
                out: String::new(),
                indent: self.indent + 1,
                col0: self.col(),
                flat: false,
            };
            inner.expr(&f.value, 0);
            self.out.push_str(&inner.out);
        }
        self.out.push('\n');
        self.out.push_str(&INDENT.repeat(self.indent));
        self.out.push('}');
    }
}

fn binary_prec(op: BinaryOp) -> u8 {
    match op {
        BinaryOp::Coalesce => P_COALESCE,
        BinaryOp::Or => P_OR,
        BinaryOp::And => P_AND,
        BinaryOp::Eq
        | BinaryOp::Ne
        | BinaryOp::Lt
        | BinaryOp::Le
        | BinaryOp::Gt
        | BinaryOp::Ge
        | BinaryOp::In
        | BinaryOp::NotIn => P_CMP,
        BinaryOp::Add | BinaryOp::Sub => P_ADD,
        BinaryOp::Mul | BinaryOp::Div => P_MUL,
    }
}

/// How tightly `e` binds as written without parentheses.
fn prec(e: &Expr) -> u8 {
    match &e.kind {
        ExprKind::Filter { .. } => P_WHERE,
        ExprKind::Binary { op, .. } => binary_prec(*op),
        ExprKind::Unary {
            op: UnaryOp::Not, ..
        } => P_NOT,
        ExprKind::Unary {
            op: UnaryOp::Neg, ..
        } => P_NEG,
        // A negative number starts with `-`, so it binds like a negation.
        ExprKind::Literal(Literal::Int(i)) if *i < 0 => P_NEG,
        ExprKind::Literal(Literal::Float(f)) if f.is_sign_negative() => P_NEG,
        ExprKind::Index { .. } | ExprKind::Member { .. } => P_POSTFIX,
        _ => P_ATOM,
    }
}

fn needs_parens(e: &Expr, min: u8) -> bool {
    // `if … else b` swallows everything to its right, so as an operand it is
    // always parenthesised.
    if matches!(e.kind, ExprKind::If { .. }) {
        return min > 0;
    }
    prec(e) < min
}

/// `skip("reason")` / `flag("reason")`.
pub fn reason_call(word: &str, r: &Reason) -> String {
    format!("{word}({})", string(&r.code))
}

/// A value-map outcome: a literal, `keep` or `skip("reason")`.
pub fn outcome(o: &MapOutcome) -> String {
    match o {
        MapOutcome::Value(lit) => literal(lit),
        MapOutcome::Keep => "keep".to_string(),
        MapOutcome::Skip(r) => reason_call("skip", r),
    }
}

pub fn literal(lit: &Literal) -> String {
    match lit {
        Literal::Str(s) => string(s),
        Literal::Int(i) => i.to_string(),
        Literal::Float(f) => float(*f),
        Literal::Bool(b) => b.to_string(),
        Literal::Null => "null".to_string(),
    }
}

/// Rust's `Display` for `f64` is the shortest text that reads back as the same
/// value and never uses an exponent; a `.0` keeps it from reading as an integer.
fn float(f: f64) -> String {
    let s = f.to_string();
    if s.contains(['.', 'N', 'i']) {
        s
    } else {
        format!("{s}.0")
    }
}

/// A string literal with canonical escapes: `\"`, `\\`, `\n`, `\r`, `\t`, and
/// `\u{…}` for any other control character; everything else as itself.
pub fn string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// `text(40)`, `number(5, 2)`, `picklist("a", "b")`, `lookup(Contact)`, `list<text>`.
pub fn type_expr(t: &TypeExpr) -> String {
    let mut out = t.name.name.clone();
    if t.args.is_empty() {
        return out;
    }
    let args: Vec<String> = t
        .args
        .iter()
        .map(|a| match a {
            TypeArg::Int { value, .. } => value.to_string(),
            TypeArg::Str(s) => string(&s.value),
            TypeArg::Type(inner) => type_expr(inner),
        })
        .collect();
    // The parser reads `list<text>` and `list(text)` alike; the angle
    // brackets are how the language reference writes an element type.
    let (open, close) = if t.name.name == "list" {
        ('<', '>')
    } else {
        ('(', ')')
    };
    out.push(open);
    out.push_str(&args.join(", "));
    out.push(close);
    out
}
