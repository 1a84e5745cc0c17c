//! The fast path against the pest path, item by item: every item it takes
//! must be exactly the pest path's, and it must take the valid items of the
//! repository (or it would be correct but useless). Whole files, broken ones
//! and mutations are compared in `tests/syntax.rs`.

use super::item;
use crate::diagnostics::SourceFile;
use crate::syntax::parse_with_pest_only;
use std::path::{Path, PathBuf};

fn ferry_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for p in entries.flatten().map(|e| e.path()) {
        if p.is_dir() {
            ferry_files(&p, out);
        } else if p.extension().is_some_and(|e| e == "ferry") {
            out.push(p);
        }
    }
}

/// Each item of `text` (which must parse cleanly) from the fast path,
/// compared with pest's; returns how many it gave up on.
fn compare_items(name: &str, text: &str) -> usize {
    let (spec, diags) = parse_with_pest_only(&SourceFile::new(name, text));
    assert!(diags.is_empty(), "{name} must be valid");
    let mut gave_up = 0;
    for pest_item in spec.items {
        match item(text, pest_item.span.start) {
            Some((fast_item, end)) => {
                assert_eq!(fast_item, pest_item, "{name}");
                assert_eq!(end, pest_item.span.end, "{name}");
            }
            None => gave_up += 1,
        }
    }
    gave_up
}

#[test]
fn valid_items_of_the_repository_take_the_fast_path_unchanged() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    for dir in ["specs", "examples", "tests/specs/ok"] {
        ferry_files(&root.join(dir), &mut files);
    }
    assert!(files.len() >= 10);
    for f in files {
        let text = std::fs::read_to_string(&f).expect("readable");
        assert_eq!(
            compare_items(&f.display().to_string(), &text),
            0,
            "{}",
            f.display()
        );
    }
}

/// Corners of the grammar: contextual keywords, backtracking choices,
/// operators next to look-alikes, trivia in odd places, CRLF.
const CORNERS: &str = r#"migration a -> b
route x where a .b == 1 and not c in [1, 2,] -> T as t {
  key K = 1.x
  key = 3
  key.y = 4
  keyed = 5
  X = a not  in b
  Z = -a[0].b.c
  W = f (x) + g
(y)
  V = - - 1 + -2 * 3 / 4 - 5 // c
  U = a ?? b ?? c or d and e
  Q = not a == b /* c */
  R = (a == b) == c
  S = ((a < b))
  T = [1, 2.5, "x\n\u{1F600}", true, false, null, clear]
  P = placeholder Account { Name = "x", Id = 1, }
  O = if a then b else c where d
  N = x where y where z
  M = latest(a by b, c by d,)
  L = 1abc = 2
  K2 = a.b .c [0] . d
  J = 00012 + 1.50 - 3.0
  H = a<=b and c>=d or e<f or g>h or i!=j
  G = notes or order or android or in_x or where_y
}
route y {
  -> A { X = 1 }
  -> B as b { }
}
split s {
  when a -> A { }
  when b where c -> B { }
  else skip("x_1")
}
split s2 { when a -> A {} else -> B { Y = 2 } }
merge m where a by b, c, -> T { }
values v {
  "a", "b", => "c"
  -1, -2.5 => 3
  true => keep
  null => skip("nope")
  else => -0
}
values v2 { }
custom object Foo__c { A : text(80) required unique B : list<text, number(4,0),> C : x }
custom Bar { A : t external_id }
custom object { A : t }
source s { column a : text from "x" where a > 1 dedupe by a, b, keep latest(x) dedupe by a keep first where b where c }
table t from "f.csv" key k
owners { match email fallback lookup(x) match name }
reference r "title" where a { X = 1 }
test "t" { given a { x = 1, y = 2 } given b { } expect skip("x") expect flag("y") expect A { } }
import "x.ferry"
options { a = 1, b = "x" c = true }
route crlf -> T {  // c
  A = a // c
  B = "é" /* é */
}
"#;

#[test]
fn corners_of_the_grammar_match_pest() {
    assert_eq!(compare_items("corners.ferry", CORNERS), 0);
    let crlf = CORNERS.replace('\n', "\r\n");
    assert_eq!(compare_items("crlf.ferry", &crlf), 0);
}

/// What the builder reports on, or pest treats with Unicode classes, is
/// left to the pest path.
#[test]
fn gives_up_where_the_pest_path_reports_or_unicode_matters() {
    for body in [
        "A = a < b < c",
        "A = a.b(c)",
        "A = skip(\"Bad Code\")",
        "A = skip()",
        "A = skip(\"a\", \"b\")",
        "A = 99999999999999999999",
        "A = \"\\q\"",
        "A = é",
        "A = a\u{a0}",
        "A = a /* open",
        "A = \"open",
        "A = a\u{b}",
        "A = ",
    ] {
        let text = format!("route x -> T {{ {body} }}");
        assert!(item(&text, 0).is_none(), "{body}");
    }
    for text in [
        "custom C { A : text requird }",
        "source s { dedupe by a keep latest }",
        "source s { dedupe by a keep first(x) }",
        "values v { 1 => 99999999999999999999 }",
    ] {
        assert!(item(text, 0).is_none(), "{text}");
    }
}
