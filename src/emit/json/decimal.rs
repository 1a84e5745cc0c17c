//! Decimals as payload JSON: a JSON number when serde_json would print the
//! same digits back, else a string.
//!
//! Input: a [`rust_decimal::Decimal`]. Output: its JSON appended to a byte
//! buffer. Invariants: byte for byte what `to_json` and serde_json give
//! (the parent module's tests compare them); texts are built on the stack.

use super::{push_json, push_str};
use crate::value::Value;

/// A decimal as `to_json` shapes it (a JSON number when it round-trips
/// exactly through the f64 serde_json would print, else a string), its
/// texts built on the stack.
pub(super) fn push_decimal(out: &mut Vec<u8>, d: rust_decimal::Decimal) {
    use std::fmt::Write;
    let d = d.normalize();
    let mut text = Stack::default();
    if !decimal_text(&mut text, d) {
        return push_json(out, &Value::Num(d));
    }
    let text = text.as_str();
    if d.scale() == 0 || plainly_exact(d) {
        // A whole number that fits an i64 (others took the slow path), or
        // a short decimal the f64 printer writes digit for digit.
        out.extend_from_slice(text.as_bytes());
        return;
    }
    if let Some(n) = text
        .parse::<f64>()
        .ok()
        .and_then(serde_json::Number::from_f64)
    {
        let mut shown = Stack::default();
        if write!(shown, "{n}").is_ok() && shown.as_str() == text {
            out.extend_from_slice(text.as_bytes());
            return;
        }
    }
    push_str(out, text);
}

/// A normalized decimal serde_json is known to print as this same text:
/// at most 15 significant digits (so the shortest f64 digits are exactly
/// these, `f64::DIGITS`) and a magnitude the printer writes without an
/// exponent (its fixed range is 1e-5 to 1e16; this stays well inside).
/// `decimals_match_to_json` checks the rule against serde_json itself.
fn plainly_exact(d: rust_decimal::Decimal) -> bool {
    let m = d.mantissa().unsigned_abs();
    if m == 0 || m >= 1_000_000_000_000_000 {
        return false;
    }
    let digits = m.ilog10() as i32 + 1;
    let exp = digits - d.scale() as i32 - 1;
    (-4..=14).contains(&exp)
}

/// A normalized decimal's text as `Display` writes it, when its mantissa
/// fits an i64 and it is not a whole number beyond i64 (false otherwise).
pub(super) fn decimal_text(out: &mut Stack, d: rust_decimal::Decimal) -> bool {
    let (m, scale) = (d.mantissa(), d.scale() as usize);
    let Ok(m) = i64::try_from(m) else {
        return false;
    };
    let mut digits = itoa::Buffer::new();
    let digits = digits.format(m.unsigned_abs()).as_bytes();
    let mut push = |b: &[u8]| out.push(b);
    if m < 0 {
        push(b"-");
    }
    if scale == 0 {
        push(digits);
    } else if digits.len() > scale {
        let (int, frac) = digits.split_at(digits.len() - scale);
        push(int);
        push(b".");
        push(frac);
    } else {
        push(b"0.");
        for _ in digits.len()..scale {
            push(b"0");
        }
        push(digits);
    }
    !out.full
}

/// A short text on the stack (a decimal or a float needs at most ~32 bytes).
pub(super) struct Stack {
    buf: [u8; 48],
    len: usize,
    /// Something did not fit.
    full: bool,
}

impl Default for Stack {
    fn default() -> Self {
        Stack {
            buf: [0; 48],
            len: 0,
            full: false,
        }
    }
}

impl Stack {
    fn push(&mut self, b: &[u8]) {
        match self.buf.get_mut(self.len..self.len + b.len()) {
            Some(to) => {
                to.copy_from_slice(b);
                self.len += b.len();
            }
            None => self.full = true,
        }
    }

    pub(super) fn as_str(&self) -> &str {
        std::str::from_utf8(&self.buf[..self.len]).unwrap_or("")
    }
}

impl std::fmt::Write for Stack {
    fn write_str(&mut self, s: &str) -> std::fmt::Result {
        self.push(s.as_bytes());
        if self.full {
            Err(std::fmt::Error)
        } else {
            Ok(())
        }
    }
}
