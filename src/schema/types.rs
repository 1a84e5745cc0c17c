//! Type strings of descriptors: `text(80)`, `number(18, 2)`, `lookup(Contact|Lead)`,
//! `list<text>`, `picklist`, …
//!
//! Input: one type string as written in a descriptor. Output: a
//! [`FieldType`], or a [`TypeError`] with the byte range inside the string that
//! is wrong and, for unknown names, a suggestion. Invariants: picklists come out
//! with the values written inline (`picklist("a", "b")`) or none (the loader
//! adds the `values:` list); composites come out with no sub-fields (the loader
//! adds `fields:`); never panics on any input.

use super::model::{EnumValue, FieldType};
use crate::diagnostics::did_you_mean;
use indexmap::IndexMap;
use std::ops::Range;

/// Every type name a descriptor may use.
pub const TYPE_NAMES: &[&str] = &[
    "text",
    "textarea",
    "integer",
    "decimal",
    "number",
    "percent",
    "currency",
    "boolean",
    "date",
    "datetime",
    "email",
    "phone",
    "url",
    "enum",
    "picklist",
    "multipicklist",
    "list",
    "lookup",
    "owner",
    "id",
    "composite",
];

/// Names from other type vocabularies (the export reference, SQL, JSON Schema)
/// that people type from habit, with the descriptor spelling.
const FOREIGN_NAMES: &[(&str, &str)] = &[
    ("string", "text"),
    ("str", "text"),
    ("varchar", "text"),
    ("int", "integer"),
    ("bigint", "integer"),
    ("bool", "boolean"),
    ("float", "number"),
    ("double", "number"),
    ("numeric", "number"),
    ("timestamp", "datetime"),
    ("uuid", "id"),
    ("id_ref", "id"),
    ("multi", "list"),
    ("array", "list"),
    ("reference", "lookup"),
    ("user", "owner"),
    ("select", "picklist"),
    ("dropdown", "picklist"),
    ("multiselect", "multipicklist"),
    ("object", "composite"),
];

/// A type string that does not parse.
#[derive(Clone, Debug, PartialEq)]
pub struct TypeError {
    pub message: String,
    /// Byte range inside the type string.
    pub at: Range<usize>,
    /// "did you mean …?" or a spelling hint.
    pub help: Option<String>,
}

impl std::fmt::Display for TypeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)?;
        if let Some(h) = &self.help {
            write!(f, " ({h})")?;
        }
        Ok(())
    }
}

/// Parses a type string; see the module docs.
pub fn parse_type(s: &str) -> Result<FieldType, String> {
    parse_type_detailed(s).map_err(|e| e.to_string())
}

/// Like [`parse_type`], with the position of the problem.
pub fn parse_type_detailed(s: &str) -> Result<FieldType, TypeError> {
    let mut p = Parser { s, pos: 0 };
    p.skip_ws();
    let ty = p.ty()?;
    p.skip_ws();
    if p.pos < s.len() {
        return Err(p.error(p.pos..s.len(), "unexpected text after the type"));
    }
    Ok(ty)
}

struct Parser<'a> {
    s: &'a str,
    pos: usize,
}

enum Arg {
    Int(u64, Range<usize>),
    Str(String),
    /// `A|B|C` (or a single name).
    Names(Vec<String>, Range<usize>),
}

impl<'a> Parser<'a> {
    fn error(&self, at: Range<usize>, message: impl Into<String>) -> TypeError {
        TypeError {
            message: message.into(),
            at,
            help: None,
        }
    }

    fn peek(&self) -> Option<char> {
        self.s[self.pos..].chars().next()
    }

    fn skip_ws(&mut self) {
        while let Some(c) = self.peek() {
            if !c.is_whitespace() {
                break;
            }
            self.pos += c.len_utf8();
        }
    }

    fn eat(&mut self, c: char) -> bool {
        self.skip_ws();
        if self.peek() == Some(c) {
            self.pos += c.len_utf8();
            true
        } else {
            false
        }
    }

    fn expect(&mut self, c: char, what: &str) -> Result<(), TypeError> {
        if self.eat(c) {
            return Ok(());
        }
        let at = self.pos..(self.pos + self.peek().map_or(0, char::len_utf8));
        Err(self.error(at, format!("expected `{c}` {what}")))
    }

    fn ident(&mut self) -> Option<(&'a str, Range<usize>)> {
        self.skip_ws();
        let start = self.pos;
        while let Some(c) = self.peek() {
            if c.is_ascii_alphanumeric() || c == '_' {
                self.pos += 1;
            } else {
                break;
            }
        }
        (self.pos > start).then(|| (&self.s[start..self.pos], start..self.pos))
    }

    fn ty(&mut self) -> Result<FieldType, TypeError> {
        let Some((name, at)) = self.ident() else {
            let end = (self.pos + self.peek().map_or(0, char::len_utf8)).max(self.pos);
            return Err(self.error(self.pos..end, "expected a type name such as `text(80)`"));
        };
        let lower = name.to_ascii_lowercase();
        if lower == "list" {
            self.expect('<', "after `list` (write `list<text>`)")?;
            let item = self.ty()?;
            if matches!(item, FieldType::List { .. }) {
                return Err(self.error(at, "a list of lists is not supported"));
            }
            self.expect('>', "to close `list<…>`")?;
            return Ok(FieldType::List {
                item: Box::new(item),
            });
        }
        let args = if self.eat('(') {
            Some(self.args()?)
        } else {
            None
        };
        self.build(&lower, name, at, args)
    }

    fn args(&mut self) -> Result<Vec<Arg>, TypeError> {
        let mut args = Vec::new();
        if self.eat(')') {
            return Ok(args);
        }
        loop {
            args.push(self.arg()?);
            if self.eat(')') {
                return Ok(args);
            }
            self.expect(',', "or `)` between arguments")?;
        }
    }

    fn arg(&mut self) -> Result<Arg, TypeError> {
        self.skip_ws();
        let start = self.pos;
        match self.peek() {
            Some(c) if c.is_ascii_digit() => {
                while self.peek().is_some_and(|c| c.is_ascii_digit()) {
                    self.pos += 1;
                }
                let text = &self.s[start..self.pos];
                let n = text
                    .parse::<u64>()
                    .map_err(|_| self.error(start..self.pos, "number too large"))?;
                Ok(Arg::Int(n, start..self.pos))
            }
            Some('"') => {
                self.pos += 1;
                let body_start = self.pos;
                while let Some(c) = self.peek() {
                    if c == '"' {
                        let value = self.s[body_start..self.pos].to_string();
                        self.pos += 1;
                        return Ok(Arg::Str(value));
                    }
                    self.pos += c.len_utf8();
                }
                Err(self.error(start..self.s.len(), "unterminated string"))
            }
            _ => {
                let mut names = Vec::new();
                loop {
                    let Some((n, _)) = self.ident() else {
                        let end = self.pos + self.peek().map_or(0, char::len_utf8);
                        return Err(self.error(
                            self.pos..end,
                            "expected a number, a \"string\" or an object name",
                        ));
                    };
                    names.push(n.to_string());
                    if !self.eat('|') {
                        break;
                    }
                }
                Ok(Arg::Names(names, start..self.pos))
            }
        }
    }

    fn build(
        &self,
        lower: &str,
        name: &str,
        at: Range<usize>,
        args: Option<Vec<Arg>>,
    ) -> Result<FieldType, TypeError> {
        let none = |ty: FieldType| -> Result<FieldType, TypeError> {
            match &args {
                Some(a) if !a.is_empty() => {
                    Err(self.error(at.clone(), format!("`{lower}` takes no arguments")))
                }
                _ => Ok(ty),
            }
        };
        match lower {
            "text" | "textarea" => {
                let max = match args.as_deref() {
                    None | Some([]) => None,
                    Some([Arg::Int(n, r)]) => Some(self.length(*n, r)?),
                    Some(_) => {
                        return Err(
                            self.error(at, format!("`{lower}` takes one length: `{lower}(80)`"))
                        )
                    }
                };
                Ok(if lower == "text" {
                    FieldType::Text { max }
                } else {
                    FieldType::Textarea { max }
                })
            }
            "number" | "decimal" => match args.as_deref() {
                None | Some([]) => Ok(FieldType::Number {
                    precision: None,
                    scale: None,
                }),
                Some([Arg::Int(p, pr)]) => Ok(FieldType::Number {
                    precision: Some(self.digits(*p, pr)?),
                    scale: Some(0),
                }),
                Some([Arg::Int(p, pr), Arg::Int(s, sr)]) => {
                    let p = self.digits(*p, pr)?;
                    let s = u8::try_from(*s).ok().filter(|s| *s <= p).ok_or_else(|| {
                        self.error(
                            sr.clone(),
                            format!("scale must be between 0 and the precision ({p})"),
                        )
                    })?;
                    Ok(FieldType::Number {
                        precision: Some(p),
                        scale: Some(s),
                    })
                }
                Some(_) => Err(self.error(
                    at,
                    format!("`{lower}` takes a precision and a scale: `number(18, 2)`"),
                )),
            },
            "picklist" | "enum" | "multipicklist" => {
                let mut values = Vec::new();
                for a in args.unwrap_or_default() {
                    match a {
                        Arg::Str(v) => values.push(EnumValue {
                            value: v,
                            aliases: Vec::new(),
                        }),
                        Arg::Int(_, r) | Arg::Names(_, r) => {
                            return Err(self.error(
                                r,
                                "picklist values are quoted strings (or a `values:` list)",
                            ))
                        }
                    }
                }
                Ok(if lower == "multipicklist" {
                    FieldType::Multipicklist { values }
                } else {
                    FieldType::Picklist { values }
                })
            }
            "lookup" => {
                let mut objects = Vec::new();
                for a in args.unwrap_or_default() {
                    match a {
                        Arg::Names(ns, _) => objects.extend(ns),
                        Arg::Int(_, r) => {
                            return Err(self.error(r, "a lookup names objects: `lookup(Account)`"))
                        }
                        Arg::Str(s) => objects.push(s),
                    }
                }
                if objects.is_empty() {
                    return Err(self.error(at, "a lookup names its target object: `lookup(Account)` or `lookup(Contact|Lead)`"));
                }
                Ok(FieldType::Lookup { objects })
            }
            "integer" => none(FieldType::Integer),
            "percent" => none(FieldType::Percent),
            "currency" => none(FieldType::Currency),
            "boolean" => none(FieldType::Boolean),
            "date" => none(FieldType::Date),
            "datetime" => none(FieldType::Datetime),
            "email" => none(FieldType::Email),
            "phone" => none(FieldType::Phone),
            "url" => none(FieldType::Url),
            "owner" => none(FieldType::Owner),
            "id" => none(FieldType::Id),
            "composite" => none(FieldType::Composite {
                fields: IndexMap::new(),
            }),
            _ => {
                let help = FOREIGN_NAMES
                    .iter()
                    .find(|(f, _)| *f == lower)
                    .map(|(_, ours)| format!("descriptors spell this type `{ours}`"))
                    .or_else(|| did_you_mean(name, TYPE_NAMES.iter().copied()));
                Err(TypeError {
                    message: format!("unknown type `{name}`"),
                    at,
                    help,
                })
            }
        }
    }

    fn length(&self, n: u64, r: &Range<usize>) -> Result<u32, TypeError> {
        u32::try_from(n)
            .ok()
            .filter(|n| *n > 0)
            .ok_or_else(|| self.error(r.clone(), "a length must be between 1 and 4294967295"))
    }

    fn digits(&self, n: u64, r: &Range<usize>) -> Result<u8, TypeError> {
        u8::try_from(n)
            .ok()
            .filter(|n| (1..=38).contains(n))
            .ok_or_else(|| self.error(r.clone(), "a precision must be between 1 and 38"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_vocabulary() {
        assert_eq!(
            parse_type("text(80)"),
            Ok(FieldType::Text { max: Some(80) })
        );
        assert_eq!(parse_type("text"), Ok(FieldType::Text { max: None }));
        assert_eq!(
            parse_type("number(18, 2)"),
            Ok(FieldType::Number {
                precision: Some(18),
                scale: Some(2)
            })
        );
        assert_eq!(
            parse_type("decimal"),
            Ok(FieldType::Number {
                precision: None,
                scale: None
            })
        );
        assert_eq!(
            parse_type("lookup(Contact|Lead)"),
            Ok(FieldType::Lookup {
                objects: vec!["Contact".into(), "Lead".into()]
            })
        );
        assert_eq!(
            parse_type(" list< text > "),
            Ok(FieldType::List {
                item: Box::new(FieldType::Text { max: None })
            })
        );
        assert_eq!(
            parse_type("enum"),
            Ok(FieldType::Picklist { values: vec![] })
        );
        let inline = parse_type(r#"picklist("a", "b c")"#).unwrap();
        assert_eq!(inline.to_string(), r#"picklist("a", "b c")"#);
    }

    #[test]
    fn display_round_trips() {
        for s in [
            "text(80)",
            "textarea",
            "number(5, 2)",
            "number",
            "list<id>",
            "lookup(A|B)",
            "owner",
            "date",
        ] {
            let t = parse_type(s).unwrap();
            assert_eq!(parse_type(&t.to_string()).unwrap(), t, "{s}");
        }
    }

    #[test]
    fn errors_point_at_the_problem() {
        let e = parse_type_detailed("txt(80)").unwrap_err();
        assert_eq!(e.at, 0..3);
        assert_eq!(e.help.as_deref(), Some("did you mean `text`?"));
        let e = parse_type_detailed("string").unwrap_err();
        assert_eq!(
            e.help.as_deref(),
            Some("descriptors spell this type `text`")
        );
        let e = parse_type_detailed("number(5, 7)").unwrap_err();
        assert_eq!(e.at, 10..11);
        assert!(parse_type("lookup()").is_err());
        assert!(parse_type("list<text").is_err());
        assert!(parse_type("text(0)").is_err());
        assert!(parse_type("text(80) x").is_err());
        assert!(parse_type("date(3)").is_err());
        assert!(parse_type("list<list<text>>").is_err());
        assert!(parse_type("").is_err());
        assert!(parse_type("picklist(\"a").is_err());
    }
}
