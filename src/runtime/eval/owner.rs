//! `owner(email)` in the borrowing evaluator: a normalized email (trimmed,
//! lower-cased) borrowed when the text already is one, else in the arena.
//!
//! Input: the evaluated argument. Output: an owner [`RV`], the policy's
//! fallback owner for a blank email, or its `skip`. Invariants: the same
//! owner `Ctx::eval` gave before there was a borrowing path (`trim`, then
//! `to_lowercase`; ASCII lower-cased in place).

use super::rv::RV;
use super::Ctx;
use crate::plan::OwnerFallback;
use crate::runtime::Fault;
use crate::span::Span;
use crate::value::Value;
use std::sync::Arc;

impl Ctx<'_> {
    /// `owner(email)`: a normalized email, or the policy's fallback when blank.
    pub(super) fn owner_ref<'r>(&mut self, v: RV<'r>, span: Span) -> Result<RV<'r>, Fault> {
        // Where the email's text is, and whether it is the whole of a text
        // value (only such a value, already clean, is kept as it stands).
        enum At<'r> {
            Borrowed(&'r str),
            Arena(usize, usize),
            Owned(String, bool),
        }
        let at = match v {
            RV::Val(Value::Text(s) | Value::Owner(s)) => At::Borrowed(s),
            RV::Str(s) | RV::OwnerStr(s) => At::Borrowed(s),
            RV::Buf(a, b) | RV::OwnerBuf(a, b) => At::Arena(a, b),
            RV::Own(Value::Text(s) | Value::Owner(s)) => At::Owned(s.to_string(), true),
            RV::Val(other) => At::Owned(other.to_text().unwrap_or_default(), false),
            RV::Own(other) => At::Owned(other.to_text().unwrap_or_default(), false),
        };
        let (text, whole) = match &at {
            At::Borrowed(s) => (*s, true),
            At::Arena(a, b) => (self.arena.get(*a..*b).unwrap_or(""), true),
            At::Owned(s, whole) => (s.as_str(), *whole),
        };
        let email = text.trim();
        if email.is_empty() {
            let owners = self.plan.owners.as_ref();
            return match owners.and_then(|o| o.fallback.as_ref()) {
                Some(OwnerFallback::Skip(reason)) => crate::runtime::skip(reason, span),
                _ => Ok(owners
                    .and_then(|o| o.fallback_email())
                    .map_or_else(RV::null, |e| RV::Own(Value::Owner(Arc::from(e))))),
            };
        }
        let clean = !email.chars().any(char::is_uppercase);
        let keep = clean && whole && email.len() == text.len();
        let (from, len, ascii) = (
            email.as_ptr() as usize - text.as_ptr() as usize,
            email.len(),
            email.is_ascii(),
        );
        let lowered = |e: &str| {
            if ascii {
                e.to_ascii_lowercase()
            } else {
                e.to_lowercase()
            }
        };
        Ok(match at {
            At::Borrowed(s) if keep => RV::OwnerStr(s),
            At::Borrowed(s) if ascii => self.lower_owner(&s[from..from + len]),
            At::Borrowed(s) => self.push_owner(&lowered(&s[from..from + len])),
            At::Arena(a, b) if keep => RV::OwnerBuf(a, b),
            At::Arena(a, _) => {
                let e = lowered(self.arena.get(a + from..a + from + len).unwrap_or(""));
                self.push_owner(&e)
            }
            At::Owned(s, _) if keep => self.push_owner(&s),
            At::Owned(s, _) => self.push_owner(&lowered(&s[from..from + len])),
        })
    }

    fn push_owner(&mut self, email: &str) -> RV<'static> {
        let start = self.arena.len();
        self.arena.push_str(email);
        RV::OwnerBuf(start, self.arena.len())
    }

    /// An ASCII email lower-cased (borrowed when already lower case).
    fn lower_owner<'r>(&mut self, email: &'r str) -> RV<'r> {
        if !email.bytes().any(|b| b.is_ascii_uppercase()) {
            return RV::OwnerStr(email);
        }
        let start = self.arena.len();
        self.arena.push_str(email);
        self.arena[start..].make_ascii_lowercase();
        RV::OwnerBuf(start, self.arena.len())
    }
}
