//! ferry: a statically checked mapping language for migrating an Actimo
//! export bundle into a CRM (Twenty, Zoho CRM, Pipedrive, Freshsales,
//! Salesforce Sales Cloud).
//!
//! The pipeline, one module per stage (see `docs/architecture.md`):
//!
//! | stage | input | output |
//! | --- | --- | --- |
//! | [`syntax`] | `.ferry` text | [`syntax::ast::Spec`] + diagnostics |
//! | [`fmt`] | AST + original text | canonical text |
//! | [`schema`] | descriptor YAML | [`schema::model::Descriptor`] |
//! | [`diagnostics`] | findings of any stage | rendered text / JSON / SARIF |
//! | [`cli`] | command line | exit code |
#![forbid(unsafe_code)]

pub mod check;
pub mod cli;
pub mod diagnostics;
pub mod emit;
pub mod fmt;
pub mod gen;
pub mod plan;
pub mod report;
pub mod runtime;
pub mod schema;
pub mod setup;
pub mod span;
pub mod stage;
pub mod syntax;
pub mod value;
