//! Redaction of credentials found in export text.
//!
//! Input: a text copied from the export (a reference field, a skip message).
//! Output: the same text with every credential-looking value replaced by
//! [`REDACTED`], and how many were replaced. Invariants: redacting twice
//! changes nothing more (an already redacted value is not counted again);
//! text without a credential is returned unchanged (borrowed).
//!
//! What counts as a credential (actimo-export.md: integration configs hold
//! SFTP and API logins): the password of a URL's userinfo
//! (`sftp://user:pass@host`), the value after `password`, `passwd`, `pwd`,
//! `secret` (also `client_secret`), `token` (also `access_token`) or
//! `api key` (`api-key`, `api_key`, `apikey`) followed by `:` or `=`, and
//! the credential of an `Authorization:` header or a `Bearer` token. House
//! rule: secrets never appear in reports or reference files; the analyst
//! hands them over separately.

use std::borrow::Cow;

pub const REDACTED: &str = "[redacted]";

/// Names whose `:`/`=` value is a credential (compared case-insensitively).
const KEYS: &[&str] = &[
    "password",
    "passwd",
    "pwd",
    "secret",
    "token",
    "api-key",
    "api_key",
    "api key",
    "apikey",
    "authorization",
];

/// Words that introduce a credential without a separator.
const SCHEMES: &[&str] = &["bearer", "basic"];

/// `s` with credentials replaced, and the number replaced.
pub fn redact(s: &str) -> (Cow<'_, str>, u64) {
    let mut cuts: Vec<(usize, usize)> = Vec::new();
    url_passwords(s, &mut cuts);
    keyed_values(s, &mut cuts);
    if cuts.is_empty() {
        return (Cow::Borrowed(s), 0);
    }
    cuts.sort_unstable();
    let mut out = String::with_capacity(s.len());
    let (mut at, mut n) = (0, 0);
    for (start, end) in cuts {
        if start < at {
            continue; // overlaps a cut already made
        }
        out.push_str(&s[at..start]);
        out.push_str(REDACTED);
        at = end;
        n += 1;
    }
    out.push_str(&s[at..]);
    (Cow::Owned(out), n)
}

fn ends_value(c: char) -> bool {
    c.is_whitespace()
        || matches!(
            c,
            ',' | ';' | '&' | '"' | '\'' | '|' | '<' | '>' | ')' | ']'
        )
}

/// The end of the value starting at `from` (a run of non-separators).
fn value_end(s: &str, from: usize) -> usize {
    s[from..].find(ends_value).map_or(s.len(), |i| from + i)
}

/// Adds the cut `from..value_end` unless it is empty or already redacted.
fn cut_value(s: &str, from: usize, cuts: &mut Vec<(usize, usize)>) -> usize {
    let end = value_end(s, from);
    if end > from && !s[from..].starts_with(REDACTED) {
        cuts.push((from, end));
    }
    end
}

/// `scheme://user:password@host` → the password.
fn url_passwords(s: &str, cuts: &mut Vec<(usize, usize)>) {
    let mut from = 0;
    while let Some(i) = s[from..].find("://") {
        let auth = from + i + 3;
        let end = s[auth..]
            .find(|c: char| c.is_whitespace() || matches!(c, '/' | '?' | '#' | '"'))
            .map_or(s.len(), |j| auth + j);
        if let Some(at) = s[auth..end].rfind('@') {
            let userinfo = &s[auth..auth + at];
            if let Some(colon) = userinfo.find(':') {
                let start = auth + colon + 1;
                if start < auth + at && userinfo[colon + 1..] != *REDACTED {
                    cuts.push((start, auth + at));
                }
            }
        }
        from = end.max(auth);
    }
}

fn skip_spaces(s: &str, from: usize) -> usize {
    s[from..]
        .find(|c: char| c != ' ' && c != '\t')
        .map_or(s.len(), |i| from + i)
}

/// `password=…`, `api-key: …`, `Authorization: Bearer …`, `Bearer …`.
fn keyed_values(s: &str, cuts: &mut Vec<(usize, usize)>) {
    // ASCII lowering keeps byte offsets equal to `s`'s.
    let lower = s.to_ascii_lowercase();
    for key in KEYS {
        let mut from = 0;
        while let Some(i) = lower[from..].find(key) {
            let after = from + i + key.len();
            from = after;
            let sep = skip_spaces(s, after);
            if !matches!(s[sep..].chars().next(), Some(':' | '=')) {
                continue;
            }
            let mut value = skip_spaces(s, sep + 1);
            // `Authorization: Bearer x`: the scheme stays, the credential goes.
            if let Some(scheme) = SCHEMES.iter().find(|w| lower[value..].starts_with(**w)) {
                let next = value + scheme.len();
                if s[next..].starts_with([' ', '\t']) {
                    value = skip_spaces(s, next);
                }
            }
            from = cut_value(s, value, cuts).max(from);
        }
    }
    for scheme in SCHEMES {
        let mut from = 0;
        while let Some(i) = lower[from..].find(scheme) {
            let start = from + i;
            let next = start + scheme.len();
            from = next;
            let word_start = start == 0 || !lower.as_bytes()[start - 1].is_ascii_alphanumeric();
            // Only `Bearer` alone introduces a credential; `Basic` must follow
            // an `Authorization` key (handled above), it is too common a word.
            if *scheme == "bearer" && word_start && s[next..].starts_with([' ', '\t']) {
                let value = skip_spaces(s, next);
                from = cut_value(s, value, cuts).max(from);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn r(s: &str) -> (String, u64) {
        let (t, n) = redact(s);
        (t.into_owned(), n)
    }

    #[test]
    fn credentials_are_replaced() {
        assert_eq!(
            r("sftp://hr:Hunter2Secret!@sftp.nordisk.example/hr.csv api-key: abcd-1234 password=Hunter2Secret!"),
            (
                "sftp://hr:[redacted]@sftp.nordisk.example/hr.csv api-key: [redacted] password=[redacted]".into(),
                3
            )
        );
        assert_eq!(
            r("Authorization: Bearer eyJhbGc.x.y; client_secret=s3cr3t&access_token=abc"),
            (
                "Authorization: Bearer [redacted]; client_secret=[redacted]&access_token=[redacted]"
                    .into(),
                3
            )
        );
        assert_eq!(
            r("PWD : hunter2, API Key=k1"),
            ("PWD : [redacted], API Key=[redacted]".into(), 2)
        );
        assert_eq!(
            r("send with bearer xyz"),
            ("send with bearer [redacted]".into(), 1)
        );
    }

    #[test]
    fn plain_text_and_redacted_text_are_left_alone() {
        for s in [
            "daily 02:00",
            "https://example.com/path?q=1",
            "mailto:someone@example.com",
            "tokens used 12",
            "basic plan",
            "password reset requested",
            "",
        ] {
            assert_eq!(r(s), (s.to_string(), 0), "{s}");
        }
        let once = r("sftp://u:p@h password=x Bearer y").0;
        assert_eq!(r(&once), (once.clone(), 0));
    }
}
