//! The checker's corpus: every spec under `tests/specs/err/check/` names the
//! codes it must produce in a `// expect: E0213, …` header and snapshots the
//! rendered diagnostics; every spec under `examples/` and `specs/` must check
//! without errors and snapshots its plan.

use ferry::diagnostics::render::{render, Format, HumanStyle};
use ferry::diagnostics::Diagnostics;
use std::collections::BTreeSet;
use std::path::Path;

fn check(path: &Path) -> (Option<ferry::check::Checked>, Diagnostics) {
    let rel = path
        .strip_prefix(env!("CARGO_MANIFEST_DIR"))
        .unwrap_or(path);
    let (project, mut diags) = ferry::check::load_project(rel).expect("spec is readable");
    let registry = ferry::schema::Registry::standard().expect("standard descriptors load");
    let read = ferry::check::reader_beside(&project.main.file.name);
    let (checked, more) = ferry::check::check(&project, &registry, &read);
    diags.extend(more);
    (checked, diags)
}

fn expected_codes(text: &str) -> BTreeSet<String> {
    let header = text.lines().next().unwrap_or_default();
    let list = header
        .strip_prefix("// expect:")
        .unwrap_or_else(|| panic!("first line must be `// expect: CODE, …`, found {header:?}"));
    list.split(',')
        .map(|c| c.trim().to_string())
        .filter(|c| !c.is_empty())
        .collect()
}

#[test]
fn error_corpus() {
    std::env::set_current_dir(env!("CARGO_MANIFEST_DIR")).unwrap();
    insta::glob!("specs/err/check/*.ferry", |path| {
        let text = std::fs::read_to_string(path).unwrap();
        let want = expected_codes(&text);
        let (checked, diags) = check(path);
        // Errors must match the header exactly; warnings only where it lists them.
        let got: BTreeSet<String> = diags
            .iter()
            .filter(|d| d.is_error() || want.contains(d.code.id))
            .map(|d| d.code.id.to_string())
            .collect();
        assert_eq!(got, want, "codes of {}", path.display());
        let _ = checked;
        if want.iter().any(|c| c.starts_with('E')) || text.contains("strict = true") {
            assert!(diags.has_errors(), "{} must fail the check", path.display());
        }
        let rendered = render(&diags.sorted().0, Format::Human, HumanStyle::PLAIN);
        insta::assert_snapshot!(rendered);
    });
}

#[test]
fn the_corpus_covers_every_checker_code() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/specs/err/check");
    let mut seen = BTreeSet::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "ferry") {
            continue;
        }
        let text = std::fs::read_to_string(path).unwrap();
        seen.extend(expected_codes(&text));
    }
    let missing: Vec<&str> = ferry::diagnostics::codes::ALL
        .iter()
        .map(|c| c.id)
        .filter(|id| {
            let n: u32 = id[1..].parse().unwrap();
            (200..700).contains(&n)
        })
        .filter(|id| !seen.contains(*id))
        .collect();
    assert!(
        missing.is_empty(),
        "checker codes without an error-corpus case: {missing:?}"
    );
}

/// Every standard spec and example must pass `ferry check --strict`, and its
/// plan (load order and lineage) is snapshotted.
#[test]
fn standard_specs_and_examples_check_clean() {
    std::env::set_current_dir(env!("CARGO_MANIFEST_DIR")).unwrap();
    let mut seen = 0;
    for pattern in [
        "specs/*.ferry",
        "examples/*/*.ferry",
        "tests/specs/ok/check/*.ferry",
    ] {
        for path in glob_paths(pattern) {
            seen += 1;
            let (checked, mut diags) = check(&path);
            diags.promote_warnings();
            let rendered = render(&diags.sorted().0, Format::Human, HumanStyle::PLAIN);
            assert!(
                rendered.is_empty(),
                "{} must check clean under --strict:\n{rendered}",
                path.display()
            );
            let plan = checked.expect("a plan").plan;
            let name = path.display().to_string().replace('/', "__");
            insta::assert_snapshot!(format!("plan__{name}"), ferry::plan::render::text(&plan));
        }
    }
    assert!(seen >= 1, "no spec found");
}

fn glob_paths(pattern: &str) -> Vec<std::path::PathBuf> {
    let (dir, file) = pattern.rsplit_once('/').unwrap();
    let ext = file.trim_start_matches("*.");
    let mut dirs = vec![std::path::PathBuf::from(dir)];
    if let Some(parent) = dir.strip_suffix("/*") {
        dirs = std::fs::read_dir(parent)
            .map(|rd| {
                rd.filter_map(|e| e.ok())
                    .map(|e| e.path())
                    .filter(|p| p.is_dir())
                    .collect()
            })
            .unwrap_or_default();
    }
    let mut out: Vec<std::path::PathBuf> = dirs
        .iter()
        .filter_map(|d| std::fs::read_dir(d).ok())
        .flat_map(|rd| rd.filter_map(|e| e.ok()).map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == ext))
        .collect();
    out.sort();
    out
}

/// `docs/destinations/<name>.md` carries the current mapping table of
/// `specs/<name>.ferry` between `<!-- ferry plan -->` and `<!-- /ferry plan -->`.
#[test]
fn destination_docs_carry_the_current_mapping_table() {
    std::env::set_current_dir(env!("CARGO_MANIFEST_DIR")).unwrap();
    for path in glob_paths("specs/*.ferry") {
        let name = path.file_stem().unwrap().to_string_lossy().into_owned();
        let doc_path = format!("docs/destinations/{name}.md");
        let doc =
            std::fs::read_to_string(&doc_path).unwrap_or_else(|_| panic!("{doc_path} is missing"));
        let (checked, _) = check(&path);
        let table = ferry::plan::render::markdown(&checked.expect("a plan").plan);
        let start = doc
            .find("<!-- ferry plan -->")
            .map(|i| i + "<!-- ferry plan -->".len());
        let end = doc.find("<!-- /ferry plan -->");
        let (Some(start), Some(end)) = (start, end) else {
            panic!("{doc_path} needs the markers <!-- ferry plan --> and <!-- /ferry plan -->")
        };
        assert_eq!(
            doc[start..end].trim(),
            table.trim(),
            "{doc_path} is out of date: paste `ferry plan specs/{name}.ferry --format markdown` between the markers"
        );
    }
}
