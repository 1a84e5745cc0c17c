//! The pipeline in-process for the contract tests: a generated bundle, a
//! standard spec run over it, its payload lines, and a fake ledger.

use ferry::emit::native::{Index, Rendered};
use serde_json::Value;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

pub fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

// ── the pipeline, in-process ─────────────────────────────────────────────

pub fn scratch(name: &str) -> PathBuf {
    let d = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("contracts-{name}"));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).expect("scratch folder");
    d
}

pub fn bundle() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = scratch("bundle");
        let opts = ferry::gen::Options {
            contacts: 120,
            seed: 5,
            messy: false,
        };
        ferry::gen::generate(&opts, &dir).expect("the bundle is generated");
        dir
    })
}

/// The payload files of `specs/<dest>.ferry` over the bundle, in load
/// order: (file name, lines).
pub type Files = Vec<(String, Vec<Value>)>;

pub fn run(dest: &str) -> Files {
    let spec = root().join(format!("specs/{dest}.ferry"));
    let (project, _) = ferry::check::load_project(&spec).expect("the spec loads");
    let registry = ferry::schema::Registry::standard().expect("standard descriptors");
    let read = ferry::check::reader_beside(&project.main.file.name);
    let (checked, diags) = ferry::check::check(&project, &registry, &read);
    let checked = checked.unwrap_or_else(|| panic!("{dest}.ferry does not check: {diags:?}"));
    let staged = ferry::stage::bundle::stage(&checked.plan, bundle()).expect("the bundle stages");
    let out = scratch(dest);
    let opts = ferry::emit::Options {
        threads: 1,
        ..Default::default()
    };
    let written = ferry::emit::run(&checked.plan, &staged.data, &out, opts, &mut |_| {})
        .expect("the run writes its payloads");
    written
        .files
        .iter()
        .map(|f| {
            let text = std::fs::read_to_string(out.join(&f.name)).expect("payload file");
            let lines = text
                .lines()
                .map(|l| serde_json::from_str(l).expect("a payload line is JSON"))
                .collect();
            (f.name.clone(), lines)
        })
        .collect()
}

pub fn payloads(dest: &'static str) -> &'static Files {
    static RUNS: OnceLock<std::sync::Mutex<HashMap<&'static str, &'static Files>>> =
        OnceLock::new();
    let runs = RUNS.get_or_init(Default::default);
    let mut runs = runs.lock().unwrap_or_else(|e| e.into_inner());
    runs.entry(dest)
        .or_insert_with(|| Box::leak(Box::new(run(dest))))
}

pub fn index(files: &Files) -> Index {
    Index::from_lines(files.iter().flat_map(|(_, lines)| lines.iter()))
}

// ── a fake ledger ────────────────────────────────────────────────────────

pub fn fnv(s: &str) -> u64 {
    s.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// A stable UUID per ref (Twenty ids).
pub fn uuid(r: &str) -> Option<String> {
    let (a, b) = (fnv(r), fnv(&format!("{r}#")));
    Some(format!(
        "{:08x}-{:04x}-4{:03x}-8{:03x}-{:012x}",
        a >> 32,
        (a >> 16) & 0xffff,
        a & 0xfff,
        (b >> 48) & 0xfff,
        b & 0xffff_ffff_ffff
    ))
}

/// A stable 19-digit numeric string per ref (Zoho ids).
pub fn zoho_id(r: &str) -> Option<String> {
    Some(format!("57257670{:011}", fnv(r) % 100_000_000_000))
}

/// A stable integer per ref (Pipedrive and Freshsales ids).
pub fn int_id(r: &str) -> Option<String> {
    Some((fnv(r) % 9_000_000 + 1_000_000).to_string())
}

/// A fake 40-hex Pipedrive field hash per (object, name).
pub fn hash_of(object: &str, name: &str) -> Option<String> {
    let both = fnv(&format!("{object}.{name}"));
    Some(format!(
        "{:016x}{:016x}{:08x}",
        fnv(object),
        fnv(name),
        both >> 32
    ))
}

/// Renders every payload file in slices of 250 lines, as a loader reading
/// its files would.
pub fn render_all(files: &Files, render: &dyn Fn(&[Value]) -> Rendered) -> Rendered {
    let mut all = Rendered::default();
    for (_, lines) in files {
        for slice in lines.chunks(250) {
            let r = render(slice);
            all.calls.extend(r.calls);
            all.errors.extend(r.errors);
        }
    }
    all
}
