//! The abstract syntax tree of a `.ferry` file.
//!
//! Produced by [`crate::syntax::parse`]; consumed by `fmt` and `check`.
//! Invariants: every node carries the [`Span`] of the text it was built from;
//! the tree is exactly what was written (no name resolution, no defaults
//! filled in). Every type derives `Debug` and `Serialize` for snapshots.

use crate::span::Span;
use serde::Serialize;

/// A name as written, with its span.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Ident {
    pub name: String,
    pub span: Span,
}

/// A string literal after escape processing.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct StrLit {
    pub value: String,
    pub span: Span,
}

/// A whole `.ferry` file.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Spec {
    pub items: Vec<Item>,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Item {
    pub kind: ItemKind,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub enum ItemKind {
    /// `migration actimo -> salesforce`
    Migration(Migration),
    /// `options { timezone = "Europe/Copenhagen" }`
    Options(Options),
    /// `import "shared.ferry"`
    Import(Import),
    /// `source contacts { column … where … dedupe by … keep … }`
    Source(SourceRules),
    /// `custom Contact { … }` and `custom object Course__c { … }`
    Custom(Custom),
    /// `values status { "a" => "b"  else => keep }`
    Values(ValueMap),
    /// `table industries from "industries.csv" key company`
    Table(Table),
    /// `owners { match email  fallback "x@y" }`
    Owners(Owners),
    /// `route X [where c] -> T { … }` or `route X { -> T as a { … } … }`
    Route(Route),
    /// `split X { when c -> T { … } else -> U { … } }`
    Split(Split),
    /// `merge X by k1, k2 -> T { … }`
    Merge(Merge),
    /// `reference X "title" { name = expr }`
    Reference(Reference),
    /// `test "name" { given … expect … }`
    Test(TestBlock),
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Migration {
    pub source: Ident,
    pub destination: Ident,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Options {
    pub entries: Vec<OptionEntry>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct OptionEntry {
    pub key: Ident,
    pub value: Expr,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Import {
    pub path: StrLit,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SourceRules {
    pub object: Ident,
    pub rules: Vec<SourceRule>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SourceRule {
    pub kind: SourceRuleKind,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub enum SourceRuleKind {
    /// `column site : text from "data2"`; without `from`, the header is the name.
    Column {
        name: Ident,
        ty: TypeExpr,
        from: Option<StrLit>,
    },
    /// `where deleted_at == null`
    Where(Expr),
    /// `dedupe by lower(trim(email)) keep latest(updated_at)`
    Dedupe { by: Vec<Expr>, keep: Keep },
}

/// Which record of a duplicate group survives.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Keep {
    pub kind: KeepKind,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub enum KeepKind {
    /// `keep latest(updated_at)`: the greatest value wins.
    Latest(Expr),
    /// `keep earliest(created_at)`: the smallest value wins.
    Earliest(Expr),
    /// `keep first`: the first in file order.
    First,
    /// `keep last`: the last in file order.
    Last,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Custom {
    pub object: Ident,
    /// `custom object X` declares a new object; `custom X` extends one.
    pub new_object: bool,
    pub fields: Vec<CustomField>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CustomField {
    pub name: Ident,
    pub ty: TypeExpr,
    /// `required`, `unique`, `external_id`, … as written.
    pub modifiers: Vec<Ident>,
    pub span: Span,
}

/// A type as written: `text(40)`, `number(5, 2)`, `picklist("a", "b")`,
/// `lookup(Contact)`, `list<text>`.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct TypeExpr {
    pub name: Ident,
    pub args: Vec<TypeArg>,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub enum TypeArg {
    Int { value: i64, span: Span },
    Str(StrLit),
    Type(TypeExpr),
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ValueMap {
    pub name: Ident,
    pub arms: Vec<ValueArm>,
    pub else_arm: Option<ElseArm>,
}

/// `"c", "d" => "e"`
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ValueArm {
    pub keys: Vec<Literal>,
    pub outcome: MapOutcome,
    pub span: Span,
}

/// `else => …`
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ElseArm {
    pub outcome: MapOutcome,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub enum MapOutcome {
    /// A destination value.
    Value(Literal),
    /// `keep`: pass the source value through unchanged.
    Keep,
    /// `skip("reason")`: drop the whole record.
    Skip(Reason),
}

/// A reason code of `skip("…")` / `flag("…")`.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Reason {
    pub code: String,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Table {
    pub name: Ident,
    pub file: StrLit,
    pub key: Ident,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Owners {
    pub rules: Vec<OwnerRule>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct OwnerRule {
    pub kind: OwnerRuleKind,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub enum OwnerRuleKind {
    /// `match email`: the attribute of destination users to match on.
    Match(Ident),
    /// `fallback "owner@x"` or `fallback skip("unresolved_owner")`.
    Fallback(Expr),
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Route {
    pub source: Ident,
    pub filter: Option<Expr>,
    /// One block for `route X -> T { … }`; one or more for a fan-out.
    pub targets: Vec<Target>,
    /// Written as a fan-out (`route X { -> T … }`).
    pub fan_out: bool,
}

/// `-> Target [as alias] { statements }`
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Target {
    pub object: Ident,
    pub alias: Option<Ident>,
    pub body: Vec<Stmt>,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Split {
    pub source: Ident,
    pub arms: Vec<SplitArm>,
    pub else_arm: Option<SplitElse>,
}

/// `when cond -> Target { … }`
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SplitArm {
    pub cond: Expr,
    pub target: Target,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SplitElse {
    pub kind: SplitElseKind,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub enum SplitElseKind {
    /// `else -> U { … }`
    Target(Target),
    /// `else skip("reason")`
    Skip(Reason),
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Merge {
    pub source: Ident,
    pub filter: Option<Expr>,
    pub by: Vec<Expr>,
    pub target: Target,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Reference {
    pub source: Ident,
    pub title: StrLit,
    pub filter: Option<Expr>,
    pub fields: Vec<Stmt>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct TestBlock {
    pub name: StrLit,
    pub givens: Vec<Given>,
    pub expects: Vec<Expect>,
}

/// `given contacts { contact_id = 7, first_name = "Ane" }`
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Given {
    pub object: Ident,
    pub fields: Vec<FieldInit>,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Expect {
    pub kind: ExpectKind,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub enum ExpectKind {
    /// `expect Lead { FirstName = "Ane" }`: a record of that target with at
    /// least these field values (an absent field is written `= null`).
    Record {
        object: Ident,
        fields: Vec<FieldInit>,
    },
    /// `expect skip("reason")`
    Skip(Reason),
    /// `expect flag("reason")`
    Flag(Reason),
}

/// `field = expr` inside `given`, `expect` and `placeholder`.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct FieldInit {
    pub field: FieldPath,
    pub value: Expr,
    pub span: Span,
}

/// A destination field, possibly a composite sub-field: `name.firstName`.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct FieldPath {
    pub segments: Vec<Ident>,
    pub span: Span,
}

impl FieldPath {
    /// The dotted name as written.
    pub fn dotted(&self) -> String {
        let names: Vec<&str> = self.segments.iter().map(|s| s.name.as_str()).collect();
        names.join(".")
    }
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Stmt {
    pub kind: StmtKind,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub enum StmtKind {
    /// `key Source_System_ID__c = contact_id`
    Key { field: FieldPath, value: Expr },
    /// `LastName = last_name ?? skip("missing_last_name")`
    Assign { field: FieldPath, value: Expr },
}

impl StmtKind {
    pub fn field(&self) -> &FieldPath {
        match self {
            StmtKind::Key { field, .. } | StmtKind::Assign { field, .. } => field,
        }
    }

    pub fn value(&self) -> &Expr {
        match self {
            StmtKind::Key { value, .. } | StmtKind::Assign { value, .. } => value,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Expr {
    pub kind: ExprKind,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub enum ExprKind {
    /// `"text"`, `42`, `3.5`, `true`, `null`
    Literal(Literal),
    /// `["a", "b"]`
    List(Vec<Expr>),
    /// A column, a relation then a column, an alias: `email`, `manager.email`.
    Path(Vec<Ident>),
    /// `industries[name]`, `enrollment_status[status]`
    Index {
        base: Box<Expr>,
        index: Box<Expr>,
    },
    /// `.col` after an index: `industries[name].industry`
    Member {
        base: Box<Expr>,
        name: Ident,
    },
    /// `lower(email)`, `latest(score by completed_at)`
    Call {
        func: Ident,
        args: Vec<Arg>,
    },
    Unary {
        op: UnaryOp,
        operand: Box<Expr>,
    },
    Binary {
        op: BinaryOp,
        lhs: Box<Expr>,
        rhs: Box<Expr>,
    },
    /// `if c then a else b`
    If {
        cond: Box<Expr>,
        then: Box<Expr>,
        otherwise: Box<Expr>,
    },
    /// `enrollments where status == "completed"`
    Filter {
        list: Box<Expr>,
        cond: Box<Expr>,
    },
    /// `clear`: send an explicit empty value.
    Clear,
    /// `skip("reason")`: drop the record.
    Skip(Reason),
    /// `flag("reason")`: keep the record, list it in the report.
    Flag(Reason),
    /// `placeholder Account { Name = "Unassigned" }`
    Placeholder {
        object: Ident,
        fields: Vec<FieldInit>,
    },
}

/// A call argument; `by` is the ordering of `latest(x by t)`.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Arg {
    pub value: Expr,
    pub by: Option<Expr>,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub enum Literal {
    Str(String),
    Int(i64),
    Float(f64),
    Bool(bool),
    Null,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum UnaryOp {
    /// `not x`
    Not,
    /// `-x`
    Neg,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum BinaryOp {
    /// `??`
    Coalesce,
    Or,
    And,
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    In,
    NotIn,
    Add,
    Sub,
    Mul,
    Div,
}

impl BinaryOp {
    /// The operator as written.
    pub fn symbol(self) -> &'static str {
        match self {
            BinaryOp::Coalesce => "??",
            BinaryOp::Or => "or",
            BinaryOp::And => "and",
            BinaryOp::Eq => "==",
            BinaryOp::Ne => "!=",
            BinaryOp::Lt => "<",
            BinaryOp::Le => "<=",
            BinaryOp::Gt => ">",
            BinaryOp::Ge => ">=",
            BinaryOp::In => "in",
            BinaryOp::NotIn => "not in",
            BinaryOp::Add => "+",
            BinaryOp::Sub => "-",
            BinaryOp::Mul => "*",
            BinaryOp::Div => "/",
        }
    }
}
