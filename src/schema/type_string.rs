//! A descriptor's type strings: `text(80)`, `number(18, 2)`,
//! `lookup(Contact|Lead)`, `list<text>`, `picklist`, …
//!
//! Input: one type string as written in a descriptor. Output: a
//! [`FieldType`] (built by [`super::types::build`], the vocabulary a spec's
//! types share), or a [`TypeError`] with the byte range inside the string
//! that is wrong. Invariants: never panics on any input; `list<…>` is read
//! here, so a list of lists is refused before a missing `>` is noticed.

use super::model::FieldType;
use super::types::{build, Arg, Notation, Term, TypeError};
use std::ops::Range;

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
        if name.eq_ignore_ascii_case("list") {
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
            self.args()?
        } else {
            Vec::new()
        };
        build(Notation::Descriptor, &Term { name, at, args })
    }

    fn args(&mut self) -> Result<Vec<Arg<'a>>, TypeError> {
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

    fn arg(&mut self) -> Result<Arg<'a>, TypeError> {
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
                Ok(Arg::Int(i128::from(n), start..self.pos))
            }
            Some('"') => {
                self.pos += 1;
                let body_start = self.pos;
                while let Some(c) = self.peek() {
                    if c == '"' {
                        let value = &self.s[body_start..self.pos];
                        self.pos += 1;
                        return Ok(Arg::Str(value, start..self.pos));
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
                    names.push(n);
                    if !self.eat('|') {
                        break;
                    }
                }
                Ok(Arg::Names(names, start..self.pos))
            }
        }
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
