//! Integration tests of `ferry::syntax::parse`.
//!
//! Input: the `.ferry` files of the repository (`examples/`, `specs/`,
//! `tests/specs/ok/`, `tests/specs/err/`) and generated text. Checked: AST
//! snapshots of every valid file (which must parse without diagnostics), the
//! codes and rendered diagnostics of every broken spec (each names its codes
//! in a `// expect:` header), operator precedence, spans, recovery, that
//! the fast path gives what pest and the builder give (on every file and on
//! mutations of them), and a property test that no input makes the parser
//! panic, emit a label outside the text, or take the two paths apart.

use ferry::diagnostics::render::{render, Format, HumanStyle};
use ferry::diagnostics::{codes, Diagnostics, SourceFile};
use ferry::syntax::ast::*;
use ferry::syntax::{parse, parse_with_pest_only};
use proptest::prelude::*;
use std::collections::BTreeSet;
use std::path::Path;

fn parse_text(name: &str, text: &str) -> (Spec, Diagnostics) {
    parse(&SourceFile::new(name, text))
}

fn rendered(diags: &Diagnostics) -> String {
    render(&diags.0, Format::Human, HumanStyle::PLAIN)
}

fn codes_of(diags: &Diagnostics) -> Vec<&'static str> {
    diags.iter().map(|d| d.code.id).collect()
}

// ── AST snapshots of every valid file ────────────────────────────────────

/// Every `.ferry` file under `dir` (recursively), sorted.
fn ferry_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<_> = entries.flatten().map(|e| e.path()).collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            ferry_files(&p, out);
        } else if p.extension().is_some_and(|e| e == "ferry") {
            out.push(p);
        }
    }
}

/// Every valid `.ferry` file of the repository parses without diagnostics,
/// with sound spans; its AST is snapshotted as `ast__<path>`.
#[test]
fn ast_of_every_valid_file() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    for dir in ["specs", "examples", "tests/specs/ok"] {
        ferry_files(&root.join(dir), &mut files);
    }
    assert!(files
        .iter()
        .any(|f| f.ends_with("examples/nordisk-retail/salesforce.ferry")));
    for path in files {
        let rel = path
            .strip_prefix(root)
            .unwrap_or(&path)
            .to_string_lossy()
            .replace('\\', "/");
        let text = std::fs::read_to_string(&path).expect("readable spec");
        let (spec, diags) = parse_text(&rel, &text);
        assert!(
            diags.is_empty(),
            "{rel} has diagnostics:\n{}",
            rendered(&diags)
        );
        assert_spans_sound(&spec, &text);
        let name = format!("ast__{}", rel.replace('/', "__"));
        insta::with_settings!({ input_file => &path, omit_expression => true }, {
            insta::assert_yaml_snapshot!(name, spec);
        });
    }
}

#[test]
fn language_md_example_parses_cleanly() {
    let text = include_str!("../examples/nordisk-retail/salesforce.ferry");
    let (spec, diags) = parse_text("salesforce.ferry", text);
    assert!(diags.is_empty(), "{}", rendered(&diags));
    let kinds: Vec<&str> = spec
        .items
        .iter()
        .map(|i| match &i.kind {
            ItemKind::Migration(_) => "migration",
            ItemKind::Options(_) => "options",
            ItemKind::Import(_) => "import",
            ItemKind::Source(_) => "source",
            ItemKind::Custom(_) => "custom",
            ItemKind::Values(_) => "values",
            ItemKind::Table(_) => "table",
            ItemKind::Owners(_) => "owners",
            ItemKind::Route(_) => "route",
            ItemKind::Split(_) => "split",
            ItemKind::Merge(_) => "merge",
            ItemKind::Reference(_) => "reference",
            ItemKind::Test(_) => "test",
        })
        .collect();
    assert_eq!(
        kinds,
        [
            "migration",
            "options",
            "source",
            "custom",
            "custom",
            "custom",
            "custom",
            "custom",
            "custom",
            "values",
            "table",
            "owners",
            "route",
            "split",
            "route",
            "route",
            "merge",
            "reference",
            "test",
            "test"
        ]
    );
}

/// Every span lies in the text, on char boundaries, and covers exactly its
/// node's text: no surrounding blanks, names equal to their text.
fn assert_spans_sound(spec: &Spec, text: &str) {
    fn walk(v: &serde_json::Value, text: &str) {
        match v {
            serde_json::Value::Object(map) => {
                if let Some(serde_json::Value::String(s)) = map.get("span") {
                    let (a, b) = s.split_once("..").expect("span format");
                    let (a, b): (usize, usize) = (a.parse().unwrap(), b.parse().unwrap());
                    assert!(a <= b && b <= text.len(), "span {s} outside the text");
                    let slice = text
                        .get(a..b)
                        .unwrap_or_else(|| panic!("span {s} not on char boundaries"));
                    assert!(!slice.is_empty(), "empty span {s}");
                    assert_eq!(slice.trim(), slice, "span {s} has surrounding blanks");
                    if let Some(serde_json::Value::String(name)) = map.get("name") {
                        assert_eq!(slice, name, "name span {s}");
                    }
                }
                map.values().for_each(|x| walk(x, text));
            }
            serde_json::Value::Array(xs) => xs.iter().for_each(|x| walk(x, text)),
            _ => {}
        }
    }
    // The spec itself spans the whole file, blanks included.
    for item in &spec.items {
        walk(&serde_json::to_value(item).expect("AST serializes"), text);
    }
}

// ── the error corpus ─────────────────────────────────────────────────────

/// Rule names of the grammar that could leak into messages: every rule
/// with `_` in its name, and a few bare ones.
fn rule_names() -> Vec<String> {
    let grammar = include_str!("../grammar/ferry.pest");
    let mut names: Vec<String> = grammar
        .lines()
        .filter_map(|l| l.split_once('=').map(|(n, _)| n.trim()))
        .filter(|n| !n.is_empty() && n.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'))
        .filter(|n| n.contains('_'))
        .map(str::to_string)
        .collect();
    names.extend(
        [
            "expr",
            "stmt",
            "primary",
            "EOI",
            "SOI",
            "WHITESPACE",
            "COMMENT",
        ]
        .map(String::from),
    );
    names
}

#[test]
fn error_corpus() {
    let rules = rule_names();
    let mut seen_codes = BTreeSet::new();
    let mut files = 0;
    insta::glob!("specs/err", "*.ferry", |path| {
        files += 1;
        let text = std::fs::read_to_string(path).expect("readable spec");
        let header = text.lines().next().unwrap_or_default();
        let expected: BTreeSet<&str> = header
            .strip_prefix("// expect:")
            .unwrap_or_else(|| panic!("{} lacks a `// expect: CODE` header", path.display()))
            .split(',')
            .map(str::trim)
            .filter(|c| !c.is_empty())
            .collect();
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        let (_, diags) = parse_text(&name, &text);
        let got: BTreeSet<&str> = codes_of(&diags).into_iter().collect();
        assert_eq!(got, expected, "{name}:\n{}", rendered(&diags));
        for d in diags.iter() {
            for l in &d.labels {
                assert!(
                    l.span.end <= text.len() && text.is_char_boundary(l.span.start),
                    "{name}: label out of text"
                );
            }
            let words = std::iter::once(d.message.as_str())
                .chain(d.labels.iter().map(|l| l.message.as_str()))
                .chain(d.help.as_deref());
            for w in words {
                for r in &rules {
                    let leak = w
                        .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                        .any(|t| t == r);
                    assert!(!leak, "{name}: rule name `{r}` shown to the user in {w:?}");
                }
            }
        }
        seen_codes.extend(expected.iter().map(|c| c.to_string()));
        insta::assert_snapshot!(rendered(&diags));
    });
    assert!(files >= 30, "only {files} broken specs");
    for c in codes::ALL.iter().filter(|c| c.id.starts_with("E01")) {
        assert!(seen_codes.contains(c.id), "no broken spec expects {}", c.id);
    }
}

/// The ```ferry blocks of a Markdown section.
fn ferry_blocks<'a>(page: &'a str, section: &str) -> Vec<&'a str> {
    let Some(start) = page.find(section) else {
        return Vec::new();
    };
    let body = &page[start + section.len()..];
    let body = body.find("\n## ").map_or(body, |end| &body[..end]);
    body.split("```ferry\n")
        .skip(1)
        .filter_map(|b| b.split("```").next())
        .collect()
}

#[test]
fn error_pages_examples_produce_their_code_and_fixes_parse() {
    for code in codes::ALL.iter().filter(|c| c.id.starts_with("E01")) {
        let examples = ferry_blocks(code.page, "## Example");
        assert!(!examples.is_empty(), "{}: no ferry example", code.id);
        if code.id == "E0117" {
            continue; // its example is abbreviated with `…`
        }
        for ex in examples {
            let (_, diags) = parse_text("page.ferry", ex);
            assert!(
                codes_of(&diags).contains(&code.id),
                "{} example gives {:?}",
                code.id,
                codes_of(&diags)
            );
        }
        let fixes = ferry_blocks(code.page, "## Fix");
        assert!(!fixes.is_empty(), "{}: no ferry fix", code.id);
        for fix in fixes {
            let (_, diags) = parse_text("page.ferry", fix);
            assert!(
                diags.is_empty(),
                "{} fix gives {:?}",
                code.id,
                codes_of(&diags)
            );
        }
    }
}

// ── precedence ───────────────────────────────────────────────────────────

/// A fully parenthesised rendering of an expression.
fn show(e: &Expr) -> String {
    match &e.kind {
        ExprKind::Literal(Literal::Str(s)) => format!("{s:?}"),
        ExprKind::Literal(Literal::Int(i)) => i.to_string(),
        ExprKind::Literal(Literal::Float(f)) => format!("{f:?}"),
        ExprKind::Literal(Literal::Bool(b)) => b.to_string(),
        ExprKind::Literal(Literal::Null) => "null".into(),
        ExprKind::List(xs) => format!("[{}]", xs.iter().map(show).collect::<Vec<_>>().join(", ")),
        ExprKind::Path(p) => p
            .iter()
            .map(|i| i.name.as_str())
            .collect::<Vec<_>>()
            .join("."),
        ExprKind::Index { base, index } => format!("{}[{}]", show(base), show(index)),
        ExprKind::Member { base, name } => format!("({}).{}", show(base), name.name),
        ExprKind::Call { func, args } => {
            let args: Vec<String> = args
                .iter()
                .map(|a| match &a.by {
                    Some(by) => format!("{} by {}", show(&a.value), show(by)),
                    None => show(&a.value),
                })
                .collect();
            format!("{}({})", func.name, args.join(", "))
        }
        ExprKind::Unary {
            op: UnaryOp::Not,
            operand,
        } => format!("(not {})", show(operand)),
        ExprKind::Unary {
            op: UnaryOp::Neg,
            operand,
        } => format!("(-{})", show(operand)),
        ExprKind::Binary { op, lhs, rhs } => {
            format!("({} {} {})", show(lhs), op.symbol(), show(rhs))
        }
        ExprKind::If {
            cond,
            then,
            otherwise,
        } => {
            format!(
                "(if {} then {} else {})",
                show(cond),
                show(then),
                show(otherwise)
            )
        }
        ExprKind::Filter { list, cond } => format!("({} where {})", show(list), show(cond)),
        ExprKind::Clear => "clear".into(),
        ExprKind::Skip(r) => format!("skip({:?})", r.code),
        ExprKind::Flag(r) => format!("flag({:?})", r.code),
        ExprKind::Placeholder { object, fields } => {
            let fs: Vec<String> = fields
                .iter()
                .map(|f| format!("{} = {}", f.field.dotted(), show(&f.value)))
                .collect();
            format!("placeholder {} {{ {} }}", object.name, fs.join(", "))
        }
    }
}

/// Parses `text` as the value of an option and renders it.
fn expr_of(text: &str) -> Result<String, String> {
    let src = format!("migration a -> b\noptions {{\n  x = {text}\n}}\n");
    let (spec, diags) = parse_text("expr.ferry", &src);
    if !diags.is_empty() {
        return Err(codes_of(&diags).join(","));
    }
    match &spec.items[1].kind {
        ItemKind::Options(o) if o.entries.len() == 1 => Ok(show(&o.entries[0].value)),
        other => Err(format!("{other:?}")),
    }
}

#[test]
fn precedence() {
    let cases = [
        ("a ?? b ?? c", "(a ?? (b ?? c))"),
        ("a or b and c", "(a or (b and c))"),
        ("a and b or c", "((a and b) or c)"),
        ("not a and b", "((not a) and b)"),
        ("not a == b", "(not (a == b))"),
        ("a == b and c != d", "((a == b) and (c != d))"),
        ("a + b * c - d / e", "((a + (b * c)) - (d / e))"),
        ("a - b - c", "((a - b) - c)"),
        ("-a * b", "((-a) * b)"),
        ("-a[0]", "(-a[0])"),
        ("- - 1", "(-(-1))"),
        ("not not a", "(not (not a))"),
        ("a + b < c * d", "((a + b) < (c * d))"),
        (
            "a in [1, 2] or b not in [3]",
            "((a in [1, 2]) or (b not in [3]))",
        ),
        ("not a in b", "(not (a in b))"),
        ("a ?? b or c", "(a ?? (b or c))"),
        ("a or b ?? c", "((a or b) ?? c)"),
        ("xs where a == 1 and b", "(xs where ((a == 1) and b))"),
        ("xs where a ?? b", "(xs where (a ?? b))"),
        ("xs where a where b", "((xs where a) where b)"),
        ("a ?? xs where b", "((a ?? xs) where b)"),
        ("(a ?? b) ?? c", "((a ?? b) ?? c)"),
        ("(a + b) * c", "((a + b) * c)"),
        ("(a == b) == c", "((a == b) == c)"),
        ("if a then b else c ?? d", "(if a then b else (c ?? d))"),
        (
            "if a then b else if c then d else e",
            "(if a then b else (if c then d else e))",
        ),
        ("(if a then b else c) ?? d", "((if a then b else c) ?? d)"),
        (
            "if a or b then c + 1 else d",
            "(if (a or b) then (c + 1) else d)",
        ),
        ("t[k].col ?? \"x\"", "((t[k]).col ?? \"x\")"),
        ("t[a][b].c.d", "((t[a][b]).c).d"),
        ("m.n.o", "m.n.o"),
        ("f(x).y", "(f(x)).y"),
        (
            "latest(score by completed_at)",
            "latest(score by completed_at)",
        ),
        ("f(a, b by c ?? d,)", "f(a, b by (c ?? d))"),
        ("last ?? skip(\"no_last\")", "(last ?? skip(\"no_last\"))"),
        ("a ?? flag(\"f\") ?? clear", "(a ?? (flag(\"f\") ?? clear))"),
        (
            "placeholder A { N = 1, M = x ?? 2 }",
            "placeholder A { N = 1, M = (x ?? 2) }",
        ),
        ("1 + 2.5 * -3", "(1 + (2.5 * (-3)))"),
        ("a/*c*/+//c\nb", "(a + b)"),
        ("a == true or b != null", "((a == true) or (b != null))"),
    ];
    for (src, want) in cases {
        assert_eq!(expr_of(src).as_deref(), Ok(want), "{src}");
    }
}

#[test]
fn comparisons_do_not_chain() {
    for src in [
        "a < b < c",
        "a == b != c",
        "a in b in c",
        "a not in b == c",
        "not a == b == c",
    ] {
        assert_eq!(expr_of(src), Err("E0116".to_string()), "{src}");
    }
}

#[test]
fn parenthesised_span_includes_parentheses() {
    let text = "migration a -> b\noptions { x = (a + b) * c }\n";
    let (spec, diags) = parse_text("p.ferry", text);
    assert!(diags.is_empty());
    let ItemKind::Options(o) = &spec.items[1].kind else {
        panic!("options")
    };
    let ExprKind::Binary { lhs, .. } = &o.entries[0].value.kind else {
        panic!("binary")
    };
    assert_eq!(&text[lhs.span.start..lhs.span.end], "(a + b)");
    assert_eq!(
        &text[o.entries[0].value.span.start..o.entries[0].value.span.end],
        "(a + b) * c"
    );
}

// ── literals ─────────────────────────────────────────────────────────────

#[test]
fn literals_and_escapes() {
    assert_eq!(
        expr_of(r#""a\"b\\c\n\t\r\u{1F600}""#),
        Ok(format!("{:?}", "a\"b\\c\n\t\r\u{1F600}"))
    );
    assert_eq!(
        expr_of("9223372036854775807"),
        Ok("9223372036854775807".into())
    );
    assert_eq!(expr_of("9223372036854775808"), Err("E0108".into()));
    assert_eq!(expr_of("3.5"), Ok("3.5".into()));
    assert_eq!(
        expr_of("[1, \"a\", true, null,]"),
        Ok("[1, \"a\", true, null]".into())
    );
    assert_eq!(expr_of("[]"), Ok("[]".into()));
    assert_eq!(expr_of(r#""bad \q""#), Err("E0103".into()));
    assert_eq!(expr_of("skip(\"Bad Reason\")"), Err("E0111".into()));
    assert_eq!(expr_of("skip(\"1abc\")"), Err("E0111".into()));
    assert_eq!(expr_of("skip(\"a\", \"b\")"), Err("E0111".into()));
    assert_eq!(expr_of("flag()"), Err("E0111".into()));
    assert_eq!(expr_of("skip(\"ok_2\")"), Ok("skip(\"ok_2\")".into()));
}

// ── items and contextual keywords ────────────────────────────────────────

fn parse_ok(text: &str) -> Spec {
    let (spec, diags) = parse_text("t.ferry", text);
    assert!(diags.is_empty(), "{}", rendered(&diags));
    assert_spans_sound(&spec, text);
    spec
}

#[test]
fn contextual_keywords_are_names_elsewhere() {
    let spec = parse_ok(
        "migration source -> table\n\
         source source { column value : text from \"v\"  column key : text  where source == key }\n\
         table match from \"m.csv\" key key\n\
         route route -> test {\n  key = 1\n  key key = source.route\n  source = first(last)\n  as.when = merge\n}\n",
    );
    let ItemKind::Route(r) = &spec.items[3].kind else {
        panic!("route")
    };
    let body = &r.targets[0].body;
    assert!(matches!(&body[0].kind, StmtKind::Assign { field, .. } if field.dotted() == "key"));
    assert!(matches!(&body[1].kind, StmtKind::Key { field, .. } if field.dotted() == "key"));
    assert_eq!(body[3].kind.field().dotted(), "as.when");
}

#[test]
fn custom_fields_and_types() {
    let spec = parse_ok(
        "migration a -> b\ncustom object Course__c {\n  A : lookup(Contact) required\n  B : picklist(\"x\", \"y\",)\n  C : number(5, 2) unique external_id\n  D : list<text>\n}\ncustom object { E : text }\n",
    );
    let ItemKind::Custom(c) = &spec.items[1].kind else {
        panic!("custom")
    };
    assert!(c.new_object);
    assert_eq!(c.object.name, "Course__c");
    let f = &c.fields;
    assert!(
        matches!(&f[0].ty.args[..], [TypeArg::Type(t)] if t.name.name == "Contact" && t.args.is_empty())
    );
    assert_eq!(
        f[0].modifiers
            .iter()
            .map(|m| m.name.as_str())
            .collect::<Vec<_>>(),
        ["required"]
    );
    assert!(
        matches!(&f[1].ty.args[..], [TypeArg::Str(a), TypeArg::Str(b)] if a.value == "x" && b.value == "y")
    );
    assert!(matches!(
        &f[2].ty.args[..],
        [TypeArg::Int { value: 5, .. }, TypeArg::Int { value: 2, .. }]
    ));
    assert_eq!(f[2].modifiers.len(), 2);
    assert!(matches!(&f[3].ty.args[..], [TypeArg::Type(t)] if t.name.name == "text"));
    // `custom object { … }` extends an object named `object`.
    let ItemKind::Custom(c) = &spec.items[2].kind else {
        panic!("custom")
    };
    assert!(!c.new_object);
    assert_eq!(c.object.name, "object");
}

#[test]
fn unknown_modifier_still_builds_the_field() {
    let (spec, diags) = parse_text(
        "t.ferry",
        "migration a -> b\ncustom C {\n  A : text uniqe\n  B : text\n}\n",
    );
    assert_eq!(codes_of(&diags), ["E0109"]);
    assert!(diags.0[0]
        .help
        .as_deref()
        .unwrap_or("")
        .contains("`unique`"));
    let ItemKind::Custom(c) = &spec.items[1].kind else {
        panic!("custom")
    };
    assert_eq!(c.fields.len(), 2);
    assert_eq!(c.fields[0].modifiers[0].name, "uniqe");
}

#[test]
fn source_rules_in_any_order() {
    let spec = parse_ok(
        "migration a -> b\nsource s {\n  where a  where b\n  dedupe by x, y, keep latest(t)\n  column c : text\n  dedupe by z keep first\n}\n",
    );
    let ItemKind::Source(s) = &spec.items[1].kind else {
        panic!("source")
    };
    assert_eq!(s.rules.len(), 5);
    assert!(
        matches!(&s.rules[0].kind, SourceRuleKind::Where(e) if matches!(e.kind, ExprKind::Path(_)))
    );
    assert!(
        matches!(&s.rules[2].kind, SourceRuleKind::Dedupe { by, keep } if by.len() == 2 && matches!(keep.kind, KeepKind::Latest(_)))
    );
    assert!(
        matches!(&s.rules[4].kind, SourceRuleKind::Dedupe { keep, .. } if keep.kind == KeepKind::First)
    );
}

#[test]
fn routes_splits_merges_tests() {
    let spec = parse_ok(
        "migration a -> b\n\
         route s where x { -> T as t { k = 1 } -> U { v = t } }\n\
         split s { when a -> T { } when b -> U as u { } else -> V { } }\n\
         split s { when a -> T { } else skip(\"other\") }\n\
         merge m where c by k1, k2 -> T as agg { n = count(x) }\n\
         test \"t\" { given a { x = 1 y = 2 } given b { } expect T { x = 1 } expect skip(\"r\") expect flag(\"f\") }\n",
    );
    let ItemKind::Route(r) = &spec.items[1].kind else {
        panic!("route")
    };
    assert!(r.fan_out && r.filter.is_some());
    assert_eq!(
        r.targets
            .iter()
            .map(|t| t.alias.as_ref().map(|a| a.name.as_str()))
            .collect::<Vec<_>>(),
        [Some("t"), None]
    );
    let ItemKind::Split(s) = &spec.items[2].kind else {
        panic!("split")
    };
    assert_eq!(s.arms.len(), 2);
    assert!(
        matches!(&s.else_arm, Some(SplitElse { kind: SplitElseKind::Target(t), .. }) if t.object.name == "V")
    );
    let ItemKind::Split(s) = &spec.items[3].kind else {
        panic!("split")
    };
    assert!(
        matches!(&s.else_arm, Some(SplitElse { kind: SplitElseKind::Skip(r), .. }) if r.code == "other")
    );
    let ItemKind::Merge(m) = &spec.items[4].kind else {
        panic!("merge")
    };
    assert!(m.filter.is_some());
    assert_eq!(m.by.len(), 2);
    assert_eq!(
        m.target.alias.as_ref().map(|a| a.name.as_str()),
        Some("agg")
    );
    let ItemKind::Test(t) = &spec.items[5].kind else {
        panic!("test")
    };
    assert_eq!(t.givens.len(), 2);
    assert_eq!(t.givens[0].fields.len(), 2);
    assert_eq!(t.expects.len(), 3);
    assert!(matches!(&t.expects[2].kind, ExpectKind::Flag(r) if r.code == "f"));
}

#[test]
fn values_maps() {
    let spec = parse_ok(
        "migration a -> b\nvalues v {\n  \"a\", \"b\", => \"x\"\n  -1, 2.5 => 3\n  true => false\n  null => skip(\"n\")\n  else => keep\n}\n",
    );
    let ItemKind::Values(v) = &spec.items[1].kind else {
        panic!("values")
    };
    assert_eq!(v.arms.len(), 4);
    assert_eq!(
        v.arms[0].keys,
        [Literal::Str("a".into()), Literal::Str("b".into())]
    );
    assert_eq!(v.arms[1].keys, [Literal::Int(-1), Literal::Float(2.5)]);
    assert_eq!(v.arms[1].outcome, MapOutcome::Value(Literal::Int(3)));
    assert!(matches!(&v.arms[3].outcome, MapOutcome::Skip(r) if r.code == "n"));
    assert!(matches!(
        &v.else_arm,
        Some(ElseArm {
            outcome: MapOutcome::Keep,
            ..
        })
    ));
}

#[test]
fn crlf_and_blank_files() {
    parse_ok("migration a -> b\r\nroute s -> T {\r\n  x = 1\r\n}\r\n");
    // Blank and comment-only files parse to no items, and lack the header.
    for text in ["", "  // only a comment\n/* and a block */\n"] {
        let (spec, diags) = parse_text("t.ferry", text);
        assert!(spec.items.is_empty());
        assert_eq!(codes_of(&diags), ["E0110"], "{text:?}");
    }
}

// ── recovery and E0110 ───────────────────────────────────────────────────

#[test]
fn recovery_keeps_good_items_and_reports_each_bad_one() {
    let text = "migration a -> b\n\
                route s T { x = 1 }\n\
                table t from \"t.csv\" key k\n\
                values v { \"a\" = \"b\" }\n\
                  route s2 -> T2 { y = 2 }\n\
                split s { when -> T { } }\n";
    let (spec, diags) = parse_text("r.ferry", text);
    assert_eq!(codes_of(&diags), ["E0105", "E0104", "E0101"]);
    assert_eq!(
        spec.items.len(),
        3,
        "migration, table and the indented route parse"
    );
    assert!(matches!(&spec.items[2].kind, ItemKind::Route(r) if r.source.name == "s2"));
}

#[test]
fn recovery_does_not_resume_inside_strings_or_comments() {
    let text = "migration a -> b\nroute s T {\n  x = \"\nroute in a string\"\n/*\nroute in a comment\n*/\n}\ntable t from \"f\" key k\n";
    let (spec, diags) = parse_text("r.ferry", text);
    // The string runs to its line's end (E0102); the next item found is the table.
    assert!(codes_of(&diags).contains(&"E0105"));
    assert_eq!(spec.items.len(), 2);
}

#[test]
fn library_files_need_no_migration() {
    parse_ok("values v { \"a\" => \"b\" }\ntable t from \"t.csv\" key k\ncustom C { F : text }\nowners { match email }\nimport \"x.ferry\"\n");
    let (_, diags) = parse_text(
        "x.ferry",
        "table t from \"t.csv\" key k\nroute s -> T { }\n",
    );
    assert_eq!(codes_of(&diags), ["E0110"]);
}

#[test]
fn a_broken_first_item_does_not_also_claim_a_missing_migration() {
    let (_, diags) = parse_text("x.ferry", "migraton a -> b\nroute s -> T { }\n");
    assert_eq!(codes_of(&diags), ["E0101"]);
    assert!(diags.0[0]
        .help
        .as_deref()
        .unwrap_or("")
        .contains("`migration`"));
}

#[test]
fn nesting_up_to_the_limit_parses_and_beyond_it_is_refused() {
    // Deep but legal nesting must not exhaust a test thread's stack.
    let shapes: [fn(usize) -> String; 8] = [
        |n| format!("{}a{}", "(".repeat(n), ")".repeat(n)),
        |n| format!("{}a{}", "[".repeat(n), "]".repeat(n)),
        |n| format!("{}a", "not ".repeat(n)),
        |n| format!("{}a", "- ".repeat(n)),
        |n| format!("a{}", " ?? a".repeat(n)),
        |n| format!("a{}", " + a".repeat(n)),
        |n| format!("{}1", "if a then b else ".repeat(n)),
        |n| format!("x{}", "[k]".repeat(n)),
    ];
    for shape in shapes {
        let ok = shape(190);
        assert!(expr_of(&ok).is_ok(), "{}", &ok[..30]);
        assert_eq!(
            expr_of(&shape(230)),
            Err("E0117".to_string()),
            "{}",
            &ok[..30]
        );
    }
}

// ── the fast path against pest ───────────────────────────────────────────

/// What a diagnostic says, for comparing two parses.
type Said = (
    &'static str,
    String,
    Vec<ferry::diagnostics::Label>,
    Option<String>,
);

fn said(diags: &Diagnostics) -> Vec<Said> {
    diags
        .iter()
        .map(|d| {
            (
                d.code.id,
                d.message.clone(),
                d.labels.clone(),
                d.help.clone(),
            )
        })
        .collect()
}

/// `parse` (fast path first) and the pest-only path give the same AST and
/// the same diagnostics.
fn paths_agree(name: &str, text: &str) -> Result<(), String> {
    let file = SourceFile::new(name, text);
    let (fast, fast_diags) = parse(&file);
    let (pest, pest_diags) = parse_with_pest_only(&file);
    if fast != pest {
        return Err(format!("{name}: the ASTs differ"));
    }
    if said(&fast_diags) != said(&pest_diags) {
        return Err(format!(
            "{name}: the diagnostics differ\nfast: {}\npest: {}",
            rendered(&fast_diags),
            rendered(&pest_diags)
        ));
    }
    Ok(())
}

/// Every `.ferry` file and error-page example of the repository, and
/// mutations of the small ones (a character deleted, a token inserted).
#[test]
fn fast_path_matches_pest() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    for dir in ["specs", "examples", "tests/specs"] {
        ferry_files(&root.join(dir), &mut files);
    }
    let mut texts: Vec<(String, String)> = files
        .iter()
        .map(|f| {
            let text = std::fs::read_to_string(f).expect("readable spec");
            (f.display().to_string(), text)
        })
        .collect();
    for code in codes::ALL.iter().filter(|c| c.id.starts_with("E01")) {
        for section in ["## Example", "## Fix"] {
            for block in ferry_blocks(code.page, section) {
                texts.push((format!("{} {section}", code.id), block.to_string()));
            }
        }
    }
    assert!(texts.len() > 100);
    let mut checked = 0;
    for (name, text) in &texts {
        paths_agree(name, text).unwrap_or_else(|e| panic!("{e}"));
        if text.len() > 4000 {
            continue;
        }
        let cuts: Vec<usize> = text.char_indices().map(|(i, _)| i).collect();
        for (k, &i) in cuts.iter().enumerate().step_by(cuts.len() / 24 + 1) {
            let next = cuts.get(k + 1).copied().unwrap_or(text.len());
            let deleted = format!("{}{}", &text[..i], &text[next..]);
            let token = TOKENS[k % TOKENS.len()];
            let inserted = format!("{}{token}{}", &text[..i], &text[i..]);
            for mutant in [deleted, inserted] {
                paths_agree(&format!("{name}@{i}"), &mutant).unwrap_or_else(|e| panic!("{e}"));
                checked += 1;
            }
        }
    }
    assert!(checked > 1000, "{checked} mutants");
}

/// A line comment keeps the blanks and `\r` before its line break; a node
/// before it still ends at its last token (the pest path used to stop
/// inside such a comment).
#[test]
fn spans_end_before_comments_with_trailing_blanks() {
    for eol in ["\n", "\r\n"] {
        let text = format!(
            "migration a -> b{eol}route s -> T {{{eol}  x = a // c \t{eol}  y = b{eol}}}{eol}"
        );
        for spec in [
            parse_ok(&text),
            parse_with_pest_only(&SourceFile::new("c.ferry", text.as_str())).0,
        ] {
            let ItemKind::Route(r) = &spec.items[1].kind else {
                panic!("a route");
            };
            let x = &r.targets[0].body[0];
            assert_eq!(&text[x.span.start..x.span.end], "x = a");
        }
    }
}

// ── robustness properties ────────────────────────────────────────────────

/// Never panics; labels lie within the text on char boundaries; AST spans
/// too; the fast path and the pest path agree.
fn check_robust(text: &str) -> Result<(), TestCaseError> {
    let (spec, diags) = parse_text("p.ferry", text);
    for d in diags.iter() {
        for l in &d.labels {
            prop_assert!(
                l.span.start <= l.span.end && l.span.end <= text.len(),
                "label {:?} outside",
                l.span
            );
            prop_assert!(text.is_char_boundary(l.span.start) && text.is_char_boundary(l.span.end));
        }
    }
    prop_assert!(spec.items.iter().all(|i| i.span.end <= text.len()));
    let _ = rendered(&diags);
    paths_agree("p.ferry", text).map_err(TestCaseError::fail)
}

/// Tokens valid specs are made of, for mutations.
const TOKENS: &[&str] = &[
    "{",
    "}",
    "(",
    ")",
    "[",
    "]",
    "->",
    "=>",
    "=",
    "==",
    ",",
    ".",
    ":",
    "??",
    "\"",
    "\"s\"",
    "/*",
    "*/",
    "//",
    "route",
    "split",
    "when",
    "else",
    "key",
    "keep",
    "in",
    "not",
    "where",
    "by",
    "skip(\"r\")",
    "x",
    "42",
    "99999999999999999999",
    "\\",
    "\n",
    "é",
    ";",
    "<",
    ">",
    "-",
    "if",
    "then",
    "placeholder",
];

fn valid_specs() -> Vec<String> {
    let mut v = vec![include_str!("../examples/nordisk-retail/salesforce.ferry").to_string()];
    if let Ok(dir) = std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/specs/ok")) {
        for e in dir.flatten() {
            if let Ok(t) = std::fs::read_to_string(e.path()) {
                v.push(t);
            }
        }
    }
    v
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_text_never_panics(text in "\\PC{0,300}") {
        check_robust(&text)?;
    }

    #[test]
    fn token_soup_never_panics(parts in proptest::collection::vec(proptest::sample::select(TOKENS), 0..60)) {
        check_robust(&parts.join(" "))?;
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    #[test]
    fn mutated_specs_never_panic(
        which in 0usize..16,
        edits in proptest::collection::vec((any::<prop::sample::Index>(), 0usize..3, proptest::sample::select(TOKENS)), 1..6),
    ) {
        let specs = valid_specs();
        let mut words: Vec<String> = specs[which % specs.len()]
            .split_inclusive(|c: char| c.is_whitespace())
            .map(str::to_string)
            .collect();
        for (at, op, tok) in edits {
            if words.is_empty() {
                break;
            }
            let i = at.index(words.len());
            match op {
                0 => { words.remove(i); }
                1 => words.insert(i, format!("{tok} ")),
                _ => words[i] = format!("{tok} "),
            }
        }
        check_robust(&words.concat())?;
    }
}
