//! Fuzz target: `ferry::syntax::parse` on arbitrary bytes (as UTF-8 text).
//!
//! Input: bytes from libFuzzer. Checked: the parser never panics, never
//! overflows its stack, and every diagnostic label lies within the text on
//! char boundaries; rendering the diagnostics never panics either; the fast
//! path gives exactly what the pest path gives.
#![no_main]

use ferry::diagnostics::render::{render, Format, HumanStyle};
use ferry::diagnostics::SourceFile;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let file = SourceFile::new("fuzz.ferry", text);
    let (spec, diags) = ferry::syntax::parse(&file);
    for d in diags.iter() {
        for l in &d.labels {
            assert!(l.span.start <= l.span.end && l.span.end <= text.len());
            assert!(text.is_char_boundary(l.span.start) && text.is_char_boundary(l.span.end));
        }
    }
    assert!(spec.items.iter().all(|i| i.span.end <= text.len()));
    let _ = render(&diags.0, Format::Human, HumanStyle::PLAIN);
    let (pest_spec, pest_diags) = ferry::syntax::parse_with_pest_only(&file);
    assert_eq!(spec, pest_spec);
    let said = |d: &ferry::diagnostics::Diagnostic| {
        (
            d.code.id,
            d.message.clone(),
            d.labels.clone(),
            d.help.clone(),
        )
    };
    assert!(diags.iter().map(said).eq(pest_diags.iter().map(said)));
});
