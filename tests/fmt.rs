//! `ferry fmt`: the formatter keeps meaning and comments, and is idempotent.
//!
//! - corpus: every `.ferry` file of the repository (specs, examples, ok test
//!   specs, this test's inputs) formats to text that parses cleanly to the
//!   same AST (spans aside), with as many comments, and formats to itself;
//! - property: random ASTs print to text that parses back to them;
//! - snapshots of messy inputs; the examples in docs/language.md are
//!   formatted; `ferry fmt [--check]` exit codes end to end.

#[path = "fmt/gen.rs"]
mod gen;

use ferry::diagnostics::SourceFile;
use ferry::fmt::{comments, format};
use ferry::syntax::{ast::Spec, parse};
use proptest::prelude::*;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Parses `text`; panics with the rendered diagnostics if there are any.
fn parse_clean(name: &str, text: &str) -> Spec {
    let file = SourceFile::new(name, text);
    let (spec, diags) = parse(&file);
    assert!(
        diags.is_empty(),
        "{name} does not parse cleanly:\n{diags:#?}\n--- text ---\n{text}"
    );
    spec
}

/// The AST as JSON with every `span` removed.
fn shape(spec: &Spec) -> Value {
    fn strip(v: &mut Value) {
        match v {
            Value::Object(m) => {
                m.remove("span");
                m.values_mut().for_each(strip);
            }
            Value::Array(a) => a.iter_mut().for_each(strip),
            _ => {}
        }
    }
    let mut v = serde_json::to_value(spec).expect("the AST serializes");
    strip(&mut v);
    v
}

/// Checks the formatter's promises on one parsed file; returns the output.
fn check_round_trip(name: &str, text: &str) -> String {
    let spec = parse_clean(name, text);
    let out = format(&spec, text);
    let again = parse_clean(&format!("{name} (formatted)"), &out);
    assert_eq!(
        shape(&spec),
        shape(&again),
        "{name}: formatting changed the AST\n--- formatted ---\n{out}"
    );
    assert_eq!(
        comments::scan(text).len(),
        comments::scan(&out).len(),
        "{name}: formatting lost or split comments\n--- formatted ---\n{out}"
    );
    assert_eq!(
        format(&again, &out),
        out,
        "{name}: formatting is not idempotent"
    );
    out
}

fn ferry_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            ferry_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "ferry") {
            out.push(path);
        }
    }
}

#[test]
fn corpus_round_trips() {
    let mut files = Vec::new();
    for dir in ["specs", "examples", "tests/specs/ok", "tests/fmt"] {
        ferry_files(&root().join(dir), &mut files);
    }
    files.sort();
    // This test's own inputs are always there; the rest of the corpus grows.
    assert!(files.len() >= 4, "corpus too small: {files:?}");
    for path in &files {
        let text = std::fs::read_to_string(path).expect("readable corpus file");
        let name = path
            .strip_prefix(root())
            .unwrap_or(path)
            .display()
            .to_string();
        check_round_trip(&name, &text);
    }
}

/// The specs we ship (standard mappings, the README's example, the bench
/// specs) are what analysts copy: they are in the canonical layout, so
/// `ferry fmt --check` in a customer's CI passes on a fresh copy.
#[test]
fn shipped_specs_are_formatted() {
    let mut files = Vec::new();
    for dir in ["specs", "examples", "bench"] {
        ferry_files(&root().join(dir), &mut files);
    }
    assert!(files.len() >= 8, "too few shipped specs: {files:?}");
    for path in &files {
        let text = std::fs::read_to_string(path).expect("readable spec");
        let file = SourceFile::new("shipped", &text);
        let (spec, _) = parse(&file);
        assert_eq!(
            format(&spec, &text),
            text,
            "{} is not formatted: run `ferry fmt` on it",
            path.display()
        );
    }
}

#[test]
fn messy_inputs_snapshots() {
    insta::glob!("fmt/*.ferry", |path| {
        let text = std::fs::read_to_string(path).expect("readable input");
        let out = check_round_trip(&path.display().to_string(), &text);
        insta::assert_snapshot!(out);
    });
}

#[test]
fn crlf_input_formats_like_lf() {
    let lf = std::fs::read_to_string(root().join("tests/fmt/comments.ferry")).expect("input");
    let crlf = lf.replace('\n', "\r\n");
    let expected = check_round_trip("comments.ferry", &lf);
    assert_eq!(check_round_trip("comments.ferry (CRLF)", &crlf), expected);
}

/// Every ```ferry block of the language reference that is a complete set of
/// items is already in the canonical layout, so the docs teach it.
#[test]
fn language_reference_examples_are_formatted() {
    let doc = std::fs::read_to_string(root().join("docs/language.md")).expect("docs/language.md");
    let mut checked = 0;
    let mut rest = doc.as_str();
    while let Some(start) = rest.find("```ferry\n") {
        let body = &rest[start + "```ferry\n".len()..];
        let end = body.find("```").expect("closed code block");
        let block = &body[..end];
        rest = &body[end + 3..];
        let file = SourceFile::new("docs", block);
        let (spec, diags) = parse(&file);
        // Snippets of statements or expressions are not files; whole items
        // (with or without the `migration` line) are.
        let only_first_missing = diags.iter().all(|d| d.code.id == "E0110");
        if spec.items.is_empty() || !only_first_missing {
            continue;
        }
        checked += 1;
        assert_eq!(
            format(&spec, block),
            block,
            "not in the canonical layout:\n{block}"
        );
    }
    assert!(checked >= 15, "only {checked} examples checked");
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn generated_asts_print_and_parse_back(spec in gen::spec()) {
        let printed = format(&spec, "");
        let file = SourceFile::new("generated", printed.clone());
        let (parsed, diags) = parse(&file);
        prop_assert!(diags.is_empty(), "diagnostics {:#?}\n--- printed ---\n{}", diags, printed);
        prop_assert_eq!(shape(&spec), shape(&parsed), "--- printed ---\n{}", printed);
        prop_assert_eq!(format(&parsed, &printed), printed.clone(), "not idempotent");
    }
}

/// Offsets of the spaces and line breaks of `text` where a comment may go:
/// outside strings, and not inside the one operator with a space, `not in`.
fn comment_slots(text: &str) -> Vec<usize> {
    let mut slots = Vec::new();
    let mut in_string = false;
    let mut escaped = false;
    for (i, c) in text.char_indices() {
        if in_string {
            match (escaped, c) {
                (true, _) => escaped = false,
                (false, '\\') => escaped = true,
                (false, '"') => in_string = false,
                _ => {}
            }
        } else if c == '"' {
            in_string = true;
        } else if (c == ' ' || c == '\n') && !text[..i].ends_with("not") {
            slots.push(i);
        }
    }
    slots
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

    /// Comments dropped anywhere between tokens survive formatting, the AST
    /// stays the same and a second formatting changes nothing.
    #[test]
    fn inserted_comments_survive(
        spec in gen::spec(),
        picks in prop::collection::vec((any::<prop::sample::Index>(), 0..4u8), 1..6),
    ) {
        let printed = format(&spec, "");
        let slots = comment_slots(&printed);
        prop_assume!(!slots.is_empty());
        let mut chosen: Vec<(usize, u8)> = picks.iter().map(|(i, k)| (slots[i.index(slots.len())], *k)).collect();
        chosen.sort();
        chosen.dedup_by_key(|(at, _)| *at);
        let mut text = printed.clone();
        for (n, (at, kind)) in chosen.iter().enumerate().rev() {
            let comment = match kind {
                0 => format!(" /* c{n} */ "),
                1 => format!(" // c{n}\n"),
                2 => format!("\n// c{n}\n"),
                _ => format!(" /* c{n}\n     second line */ "),
            };
            text.insert_str(*at, &comment);
        }
        let file = SourceFile::new("commented", text.clone());
        let (parsed, diags) = parse(&file);
        prop_assert!(diags.is_empty(), "diagnostics {:#?}\n--- text ---\n{}", diags, text);
        prop_assert_eq!(shape(&spec), shape(&parsed), "--- text ---\n{}", text);
        let out = format(&parsed, &text);
        prop_assert_eq!(comments::scan(&out).len(), chosen.len(), "--- text ---\n{}\n--- formatted ---\n{}", text, out);
        let file = SourceFile::new("formatted", out.clone());
        let (again, diags) = parse(&file);
        prop_assert!(diags.is_empty(), "diagnostics {:#?}\n--- formatted ---\n{}", diags, out);
        prop_assert_eq!(shape(&spec), shape(&again), "--- formatted ---\n{}", out);
        prop_assert_eq!(format(&again, &out), out.clone(), "not idempotent\n--- text ---\n{}", text);
    }
}

// ── `ferry fmt` end to end ─────────────────────────────────────────────────

struct Run {
    code: i32,
    stderr: String,
}

fn ferry(args: &[&str]) -> Run {
    let out = Command::new(env!("CARGO_BIN_EXE_ferry"))
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .expect("ferry runs");
    Run {
        code: out.status.code().unwrap_or(-1),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

fn temp_dir(name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join("fmt-cli")
        .join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

const MESSY: &str = "migration actimo -> twenty\n\nroute contacts -> person {\n      key actimoId = contact_id  // the key\n  jobTitle=title\n}\n";

#[test]
fn check_fails_on_unformatted_and_leaves_it_alone() {
    let dir = temp_dir("check-unformatted");
    let file = dir.join("a.ferry");
    std::fs::write(&file, MESSY).expect("write");
    let run = ferry(&["fmt", "--check", file.to_str().expect("utf-8 path")]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.contains("E1003"), "{}", run.stderr);
    // The first difference is shown: line 4, old and new text.
    assert!(run.stderr.contains("line 4:"), "{}", run.stderr);
    assert!(
        run.stderr
            .contains("-       key actimoId = contact_id  // the key"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr
            .contains("+   key actimoId = contact_id   // the key"),
        "{}",
        run.stderr
    );
    assert_eq!(std::fs::read_to_string(&file).expect("read"), MESSY);
}

#[test]
fn fmt_rewrites_then_check_passes() {
    let dir = temp_dir("rewrite");
    let file = dir.join("a.ferry");
    std::fs::write(&file, MESSY).expect("write");
    let path = file.to_str().expect("utf-8 path");
    let run = ferry(&["fmt", path]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let formatted = std::fs::read_to_string(&file).expect("read");
    assert_ne!(formatted, MESSY);
    assert!(formatted.contains("  jobTitle = title\n"), "{formatted}");
    let run = ferry(&["fmt", "--check", path]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(std::fs::read_to_string(&file).expect("read"), formatted);
}

#[test]
fn broken_file_is_reported_and_not_rewritten() {
    let dir = temp_dir("broken");
    let file = dir.join("bad.ferry");
    let text = "migration actimo -> twenty\nroute contacts -> person {\n  jobTitle = \n";
    std::fs::write(&file, text).expect("write");
    let path = file.to_str().expect("utf-8 path");
    for args in [vec!["fmt", path], vec!["fmt", "--check", path]] {
        let run = ferry(&args);
        assert_eq!(run.code, 1, "{args:?}: {}", run.stderr);
        assert!(run.stderr.contains("E01"), "{}", run.stderr);
        assert_eq!(std::fs::read_to_string(&file).expect("read"), text);
    }
}

#[test]
fn missing_file_is_a_usage_error() {
    let dir = temp_dir("missing");
    let file = dir.join("nope.ferry");
    let run = ferry(&["fmt", "--check", file.to_str().expect("utf-8 path")]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("E1001"), "{}", run.stderr);
}
