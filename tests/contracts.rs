//! Contract tests: the standard Twenty and Zoho specs run in-process on a
//! generated bundle (`gen --contacts 120 --seed 5`), their payload lines
//! rendered into native requests (`ferry::emit::native`) with a fake
//! ledger, and every request checked against the destination's published
//! OpenAPI description in `../shared/contracts/` (beside the repository):
//! the method and path must be an operation of the contract, and the body
//! must validate against that operation's request-body schema. Negative
//! cases prove a wrong type or a missing required property fails. Plus
//! snapshots of a handful of rendered requests for all five destinations.
//!
//! The contracts are data outside the repository. When the folder is
//! missing the tests fail (they never skip): CI must check `shared/` out
//! beside the clone.
//!
//! Validator: the `jsonschema` crate (draft 2020-12, formats checked, so a
//! non-UUID id fails Twenty's `format: uuid`). Zoho's files are OpenAPI 3.0
//! whose `$ref`s name Zoho's GitHub URLs: a retriever serves those URLs from
//! the local files. Two request-side relaxations of the Zoho files are
//! applied and asserted (see [`relax_zoho`]); documents the Zoho files
//! reference but `../shared/contracts/` lacks are stubbed as "anything" and
//! listed exactly ([`STUBBED`]). docs/payloads.md explains both.

use ferry::emit::native::{self, freshsales, pipedrive, salesforce, twenty, zoho};
use ferry::emit::native::{Call, Index, Refs, Rendered};
use serde_json::{json, Value};
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// `../shared/contracts/`, or a loud failure.
fn contracts_dir() -> PathBuf {
    let dir = root().join("../shared/contracts");
    assert!(
        dir.join("twenty-openapi-v1.0.3.json").is_file() && dir.join("zoho-crm-v8").is_dir(),
        "the published API contracts are missing: expected {} with twenty-openapi-v1.0.3.json \
         and zoho-crm-v8/ (CI must check out shared/ beside the repository); \
         these tests never skip",
        dir.display()
    );
    dir
}

// ── the pipeline, in-process ─────────────────────────────────────────────

fn scratch(name: &str) -> PathBuf {
    let d = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("contracts-{name}"));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).expect("scratch folder");
    d
}

fn bundle() -> &'static Path {
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
type Files = Vec<(String, Vec<Value>)>;

fn run(dest: &str) -> Files {
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

fn payloads(dest: &'static str) -> &'static Files {
    static RUNS: OnceLock<std::sync::Mutex<HashMap<&'static str, &'static Files>>> =
        OnceLock::new();
    let runs = RUNS.get_or_init(Default::default);
    let mut runs = runs.lock().unwrap_or_else(|e| e.into_inner());
    runs.entry(dest)
        .or_insert_with(|| Box::leak(Box::new(run(dest))))
}

fn index(files: &Files) -> Index {
    Index::from_lines(files.iter().flat_map(|(_, lines)| lines.iter()))
}

// ── a fake ledger ────────────────────────────────────────────────────────

fn fnv(s: &str) -> u64 {
    s.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// A stable UUID per ref (Twenty ids).
fn uuid(r: &str) -> Option<String> {
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
fn zoho_id(r: &str) -> Option<String> {
    Some(format!("57257670{:011}", fnv(r) % 100_000_000_000))
}

/// A stable integer per ref (Pipedrive and Freshsales ids).
fn int_id(r: &str) -> Option<String> {
    Some((fnv(r) % 9_000_000 + 1_000_000).to_string())
}

/// Renders every payload file in slices of 250 lines, as a loader reading
/// its files would.
fn render_all(files: &Files, render: &dyn Fn(&[Value]) -> Rendered) -> Rendered {
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

// ── the contracts ────────────────────────────────────────────────────────

const TWENTY: &str = "https://contracts.ferry.invalid/twenty-openapi-v1.0.3.json";
const ZOHO: &str =
    "https://raw.githubusercontent.com/Zohocorp-Pvt-Ltd/crm-oas/refs/heads/main/v8.0/";

/// `$ref` targets of the Zoho files whose documents `../shared/contracts/`
/// does not have; they are validated as "anything". None is a field ferry
/// sends except `Owner` on Notes (users.json `Minified_User`).
const STUBBED: &[&str] = &[
    "custom_views.json#/components/schemas/Minified_Custom_View",
    "profiles.json#/components/schemas/Minified_Profile",
    "related_lists.json#/components/schemas/Related_List",
    "tags.json#/components/schemas/Tag",
    "users.json#/components/schemas/Minified_User",
];

/// Note properties the Zoho file marks required that a create request
/// cannot or need not carry: the OAS shares one schema between requests
/// and responses. Set by Zoho: ids, times, authors, `$` state; `Owner`
/// defaults to the calling user. Left required: Parent_Id, Note_Title,
/// Note_Content.
const ZOHO_NOTE_SERVER_SET: &[&str] = &[
    "Modified_Time",
    "$attachments",
    "Owner",
    "Created_Time",
    "$editable",
    "$is_shared_to_client",
    "Modified_By",
    "$size",
    "$state",
    "$voice_note",
    "id",
    "Created_By",
];

struct Contracts {
    docs: Arc<HashMap<String, Value>>,
    stubbed: Vec<String>,
}

struct Local(Arc<HashMap<String, Value>>);

impl jsonschema::Retrieve for Local {
    fn retrieve(
        &self,
        uri: &jsonschema::Uri<String>,
    ) -> Result<Value, Box<dyn std::error::Error + Send + Sync>> {
        let doc = uri.as_str().split('#').next().unwrap_or_default();
        self.0
            .get(doc)
            .cloned()
            .ok_or_else(|| format!("no local copy of {doc}").into())
    }
}

fn read_json(path: &Path) -> Value {
    let text = std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("cannot read contract {}: {e}", path.display()));
    serde_json::from_str(&text)
        .unwrap_or_else(|e| panic!("contract {} is not JSON: {e}", path.display()))
}

fn contracts() -> &'static Contracts {
    static C: OnceLock<Contracts> = OnceLock::new();
    C.get_or_init(|| {
        let dir = contracts_dir();
        let mut docs = HashMap::new();
        docs.insert(
            TWENTY.to_string(),
            read_json(&dir.join("twenty-openapi-v1.0.3.json")),
        );
        for name in ["record", "notes", "common", "modules"] {
            let path = dir.join(format!("zoho-crm-v8/{name}.json"));
            assert!(path.is_file(), "missing Zoho contract {}", path.display());
        }
        for entry in std::fs::read_dir(dir.join("zoho-crm-v8")).expect("zoho-crm-v8/") {
            let path = entry.expect("a contract file").path();
            if path.extension().is_some_and(|e| e == "json") {
                let name = path.file_name().unwrap_or_default().to_string_lossy();
                docs.insert(format!("{ZOHO}{name}"), read_json(&path));
            }
        }
        relax_zoho(&mut docs);
        let stubbed = stub_missing(&mut docs);
        Contracts {
            docs: Arc::new(docs),
            stubbed,
        }
    })
}

/// The two request-side relaxations, each asserted to apply to the file as
/// published (so a new contract version that changes them is noticed).
fn relax_zoho(docs: &mut HashMap<String, Value>) {
    let notes = docs
        .get_mut(&format!("{ZOHO}notes.json"))
        .expect("notes.json");
    let required = notes["components"]["schemas"]["Note"]["required"]
        .as_array_mut()
        .expect("Note.required in notes.json");
    for name in ZOHO_NOTE_SERVER_SET {
        assert!(
            required.iter().any(|r| r == name),
            "notes.json no longer requires {name}: revisit ZOHO_NOTE_SERVER_SET"
        );
    }
    required.retain(|r| !ZOHO_NOTE_SERVER_SET.iter().any(|s| r == s));
    // Parent_Id.module: the file requires the module's id as well as its
    // api_name; Zoho's Create Notes sample sends only api_name, and the
    // module id is per-org metadata the payload does not have.
    let modules = docs
        .get_mut(&format!("{ZOHO}modules.json"))
        .expect("modules.json");
    let required = modules["components"]["schemas"]["Minified_Module"]["required"]
        .as_array_mut()
        .expect("Minified_Module.required in modules.json");
    assert!(required.iter().any(|r| r == "id") && required.iter().any(|r| r == "api_name"));
    required.retain(|r| r != "id");
}

/// Adds an "anything" schema for every `$ref` into a Zoho document the
/// folder lacks; returns what it stubbed (`<file>#<pointer>`, sorted).
fn stub_missing(docs: &mut HashMap<String, Value>) -> Vec<String> {
    fn refs(v: &Value, out: &mut Vec<String>) {
        match v {
            Value::Object(m) => {
                if let Some(Value::String(r)) = m.get("$ref") {
                    out.push(r.clone());
                }
                m.values().for_each(|x| refs(x, out));
            }
            Value::Array(a) => a.iter().for_each(|x| refs(x, out)),
            _ => {}
        }
    }
    let mut all = Vec::new();
    docs.values().for_each(|d| refs(d, &mut all));
    let mut stubbed = Vec::new();
    for r in all {
        let Some((doc, pointer)) = r.split_once('#') else {
            continue;
        };
        let real = docs
            .get(doc)
            .is_some_and(|d| d.get("x-ferry-stub").is_none());
        if doc.is_empty() || real {
            continue;
        }
        let stub = docs
            .entry(doc.to_string())
            .or_insert_with(|| json!({ "x-ferry-stub": true }));
        let mut at = stub;
        for part in pointer.trim_start_matches('/').split('/') {
            at = at
                .as_object_mut()
                .expect("stub objects")
                .entry(part.to_string())
                .or_insert_with(|| json!({}));
        }
        let short = format!("{}#{pointer}", doc.trim_start_matches(ZOHO));
        if !stubbed.contains(&short) {
            stubbed.push(short);
        }
    }
    stubbed.sort();
    stubbed
}

/// The request-body schema URI of the contract operation `method path`
/// (query ignored): the literal path wins over a templated one.
fn operation(docs: &[&str], method: &str, path: &str) -> Option<String> {
    let path = path.split('?').next().unwrap_or(path);
    let segments: Vec<&str> = path.split('/').collect();
    let c = contracts();
    let mut best: Option<(usize, String)> = None;
    for &uri in docs {
        let Some(paths) = c.docs.get(uri).and_then(|d| d["paths"].as_object()) else {
            continue;
        };
        for (template, ops) in paths {
            let t: Vec<&str> = template.split('/').collect();
            let fits = t.len() == segments.len()
                && t.iter()
                    .zip(&segments)
                    .all(|(a, b)| a == b || a.starts_with('{') && a.ends_with('}'));
            let m = method.to_ascii_lowercase();
            let has_body =
                ops[&m]["requestBody"]["content"]["application/json"]["schema"].is_object();
            if !(fits && has_body) {
                continue;
            }
            let params = t.iter().filter(|s| s.starts_with('{')).count();
            if best.as_ref().is_none_or(|(p, _)| params < *p) {
                let escaped = template.replace('~', "~0").replace('/', "~1");
                best = Some((
                    params,
                    format!(
                        "{uri}#/paths/{escaped}/{m}/requestBody/content/application~1json/schema"
                    ),
                ));
            }
        }
    }
    best.map(|(_, s)| s)
}

/// Validators by schema URI.
struct Checker {
    docs: Vec<String>,
    validators: HashMap<String, jsonschema::Validator>,
}

impl Checker {
    fn new(docs: Vec<String>) -> Checker {
        Checker {
            docs,
            validators: HashMap::new(),
        }
    }

    /// The schema errors of `call`'s body, or why the call is not a
    /// contract operation.
    fn errors(&mut self, method: &str, path: &str, body: &Value) -> Vec<String> {
        let docs: Vec<&str> = self.docs.iter().map(String::as_str).collect();
        let Some(schema) = operation(&docs, method, path) else {
            return vec![format!(
                "{method} {path} is not an operation of the contract"
            )];
        };
        let v = self.validators.entry(schema.clone()).or_insert_with(|| {
            jsonschema::options()
                .with_retriever(Local(Arc::clone(&contracts().docs)))
                .should_validate_formats(true)
                .build(&json!({ "$ref": schema }))
                .unwrap_or_else(|e| panic!("cannot build a validator for {schema}: {e}"))
        });
        v.iter_errors(body)
            .map(|e| format!("{method} {path}: {e} at {}", e.instance_path()))
            .collect()
    }

    /// Checks every call; returns records checked per (method, path
    /// template) — the caller asserts what was covered.
    fn check_all(&mut self, calls: &[Call]) -> BTreeMap<String, usize> {
        let mut covered = BTreeMap::new();
        let mut failures = Vec::new();
        for c in calls {
            let r = &c.request;
            failures.extend(self.errors(r.method, &r.path, &r.body));
            let path = r.path.split('?').next().unwrap_or_default();
            *covered.entry(format!("{} {path}", r.method)).or_insert(0) += c.ids.len();
        }
        assert!(
            failures.is_empty(),
            "{} contract violations, the first: {:#?}",
            failures.len(),
            &failures[..failures.len().min(10)]
        );
        covered
    }
}

fn twenty_checker() -> Checker {
    Checker::new(vec![TWENTY.to_string()])
}

fn zoho_checker() -> Checker {
    // notes.json first: its literal /crm/v8/Notes beats record.json's
    // /crm/v8/{module_api_name} anyway, but say which file answers.
    Checker::new(vec![
        format!("{ZOHO}notes.json"),
        format!("{ZOHO}record.json"),
    ])
}

fn twenty_render(files: &Files, opts: twenty::Options) -> Rendered {
    let index = index(files);
    render_all(files, &|lines| {
        twenty::render(
            lines,
            &Refs {
                resolve: &uuid,
                index: &index,
            },
            &opts,
        )
    })
}

fn zoho_render(files: &Files) -> Rendered {
    let index = index(files);
    render_all(files, &|lines| {
        zoho::render(
            lines,
            &Refs {
                resolve: &zoho_id,
                index: &index,
            },
            &zoho::Options::default(),
        )
    })
}

// ── tests ────────────────────────────────────────────────────────────────

#[test]
fn the_contract_folder_is_complete_and_the_stubs_are_exactly_the_missing_documents() {
    let c = contracts();
    assert_eq!(c.stubbed, STUBBED, "the stubbed Zoho $ref targets changed");
    for s in &c.stubbed {
        let file = s.split('#').next().unwrap_or_default();
        assert!(
            !contracts_dir().join("zoho-crm-v8").join(file).exists(),
            "{file} exists but was stubbed"
        );
    }
}

#[test]
fn twenty_requests_match_the_published_openapi() {
    let files = payloads("twenty");
    // The legacy generation is the one the v1.0.3 file describes.
    let opts = twenty::Options {
        targets: twenty::Targets::Legacy,
        upsert: true,
    };
    let out = twenty_render(files, opts);
    // Task targets of tasks without a person (flagged task_without_person)
    // link to nothing and must not be sent; nothing else fails.
    let targetless: Vec<&str> = files
        .iter()
        .flat_map(|(_, lines)| lines.iter())
        .filter(|l| l["target"] == "taskTargets" || l["target"] == "noteTargets")
        .filter(|l| l["refs"].get("target").is_none())
        .filter_map(|l| l["id"].as_str())
        .collect();
    let errors: Vec<(&str, &str)> = out
        .errors
        .iter()
        .map(|e| (e.id.as_str(), e.code.id))
        .collect();
    assert_eq!(
        errors,
        targetless
            .iter()
            .map(|id| (*id, "E0915"))
            .collect::<Vec<_>>()
    );
    assert!(
        !targetless.is_empty(),
        "the bundle should have a task without a person"
    );
    assert!(out.calls.iter().all(|c| c.ids.len() <= twenty::BATCH));
    let covered = twenty_checker().check_all(&out.calls);
    for op in [
        "POST /rest/batch/companies",
        "POST /rest/batch/people",
        "POST /rest/batch/notes",
        "POST /rest/batch/noteTargets",
        "POST /rest/batch/tasks",
        "POST /rest/batch/taskTargets",
    ] {
        assert!(
            covered.get(op).is_some_and(|n| *n > 0),
            "{op} not exercised: {covered:?}"
        );
    }
    let updates = covered
        .iter()
        .filter(|(k, _)| k.starts_with("PATCH /rest/companies/"))
        .count();
    assert!(updates > 0, "no deferred company update was checked");
    let sent: usize = out.calls.iter().map(|c| c.ids.len()).sum();
    let lines: usize = files.iter().map(|(_, l)| l.len()).sum();
    assert_eq!(sent + out.errors.len(), lines);
}

#[test]
fn twenty_current_target_columns_only_keep_the_note_and_task_ids_checked() {
    // The v1.0.3 file predates targetPersonId/targetCompanyId: it lets them
    // through as unknown properties (no additionalProperties: false), so
    // only noteId/taskId are really checked in this generation.
    let files = payloads("twenty");
    let out = twenty_render(files, twenty::Options::default());
    let links: Vec<&Call> = out
        .calls
        .iter()
        .filter(|c| c.request.path.starts_with("/rest/batch/noteTargets"))
        .collect();
    assert!(!links.is_empty());
    for c in &links {
        for r in c.request.body.as_array().expect("a batch body is an array") {
            assert!(r.get("targetPersonId").is_some() || r.get("targetCompanyId").is_some());
            assert!(r.get("personId").is_none() && r.get("companyId").is_none());
        }
    }
    twenty_checker().check_all(&out.calls);
}

#[test]
fn zoho_requests_match_the_published_openapi() {
    let files = payloads("zoho");
    let out = zoho_render(files);
    assert!(
        out.errors.is_empty(),
        "{:?}",
        &out.errors[..out.errors.len().min(5)]
    );
    assert!(out.calls.iter().all(|c| c.ids.len() <= zoho::BATCH));
    let covered = zoho_checker().check_all(&out.calls);
    for op in [
        "POST /crm/v8/Accounts/upsert",
        "POST /crm/v8/Contacts/upsert",
        "POST /crm/v8/Tasks/upsert",
        "POST /crm/v8/Actimo_Groups__c/upsert",
        "POST /crm/v8/Notes",
        "PUT /crm/v8/Accounts",
        "PUT /crm/v8/Contacts",
    ] {
        assert!(
            covered.get(op).is_some_and(|n| *n > 0),
            "{op} not exercised: {covered:?}"
        );
    }
    // Every note names its parent's module, taken from the parent's line.
    let notes = out
        .calls
        .iter()
        .filter(|c| c.request.path == "/crm/v8/Notes");
    for c in notes {
        for n in c.request.body["data"].as_array().expect("data") {
            let module = n["Parent_Id"]["module"]["api_name"]
                .as_str()
                .expect("module");
            assert_eq!(module, "Contacts", "{n}");
        }
    }
    let sent: usize = out.calls.iter().map(|c| c.ids.len()).sum();
    let lines: usize = files.iter().map(|(_, l)| l.len()).sum();
    assert_eq!(sent, lines);
}

/// The first call to `path_prefix` in `out`.
fn first<'a>(out: &'a Rendered, path_prefix: &str) -> &'a Call {
    out.calls
        .iter()
        .find(|c| c.request.path.starts_with(path_prefix))
        .unwrap_or_else(|| panic!("no call to {path_prefix}"))
}

#[test]
fn twenty_contract_rejects_wrong_types_and_shapes() {
    let files = payloads("twenty");
    let legacy = twenty::Options {
        targets: twenty::Targets::Legacy,
        upsert: true,
    };
    let out = twenty_render(files, legacy);
    let mut checker = twenty_checker();
    let mut must_fail = |path: &str, body: Value, why: &str| {
        let errors = checker.errors("POST", path, &body);
        assert!(!errors.is_empty(), "the contract accepted {why}");
    };
    let people = &first(&out, "/rest/batch/people").request;
    assert!(
        checker_accepts(people),
        "the unmodified people batch must validate"
    );
    let mut b = people.body.clone();
    b[0]["name"] = json!("Sofie Lund");
    must_fail(&people.path, b, "a FULL_NAME sent as a string");
    let mut b = people.body.clone();
    b[0]["companyId"] = json!("companies:7004");
    must_fail(&people.path, b, "a lookup that is a ref, not a UUID");
    must_fail(
        &people.path,
        people.body[0].clone(),
        "a record instead of an array",
    );
    let companies = &first(&out, "/rest/batch/companies").request;
    let mut b = companies.body.clone();
    b[0]["employees"] = json!("12");
    must_fail(&companies.path, b, "an integer sent as a string");
    let tasks = &first(&out, "/rest/batch/tasks").request;
    let mut b = tasks.body.clone();
    b[0]["status"] = json!("Open");
    must_fail(&tasks.path, b, "a status outside the enum");
    let links = &first(&out, "/rest/batch/noteTargets").request;
    let mut b = links.body.clone();
    b[0]["noteId"] = json!(42);
    must_fail(&links.path, b, "a note id that is a number");
}

fn checker_accepts(r: &native::Request) -> bool {
    twenty_checker()
        .errors(r.method, &r.path, &r.body)
        .is_empty()
}

#[test]
fn zoho_contract_rejects_missing_required_properties_and_wrong_types() {
    let files = payloads("zoho");
    let out = zoho_render(files);
    let mut checker = zoho_checker();
    let mut verdict = |r: &native::Request, body: &Value| checker.errors(r.method, &r.path, body);
    let notes = &first(&out, "/crm/v8/Notes").request;
    assert!(verdict(notes, &notes.body).is_empty());
    let mut b = notes.body.clone();
    b["data"][0].as_object_mut().map(|n| n.remove("Parent_Id"));
    let errors = verdict(notes, &b);
    assert!(
        errors
            .iter()
            .any(|e| e.contains("Parent_Id") && e.contains("required")),
        "a note without Parent_Id passed: {errors:?}"
    );
    let mut b = notes.body.clone();
    b["data"][0]
        .as_object_mut()
        .map(|n| n.remove("Note_Content"));
    assert!(
        !verdict(notes, &b).is_empty(),
        "a note without content passed"
    );
    let mut b = notes.body.clone();
    b["data"][0]["Parent_Id"]["module"] = json!({ "id": "1" });
    assert!(
        !verdict(notes, &b).is_empty(),
        "a parent module without api_name passed"
    );
    let mut b = notes.body.clone();
    b["data"][0]["Parent_Id"]["id"] = json!(5725767000000524157u64);
    assert!(!verdict(notes, &b).is_empty(), "a numeric parent id passed");
    assert!(!verdict(notes, &json!({ "records": notes.body["data"] })).is_empty());
    let contacts = &first(&out, "/crm/v8/Contacts/upsert").request;
    let mut b = contacts.body.clone();
    b["duplicate_check_fields"] = json!("Source_Actimo_ID__c");
    assert!(
        !verdict(contacts, &b).is_empty(),
        "duplicate_check_fields as a string passed"
    );
    let update = out
        .calls
        .iter()
        .find(|c| c.request.method == "PUT")
        .expect("a deferred update");
    let mut b = update.request.body.clone();
    b["data"][0]["id"] = json!(1);
    assert!(
        !verdict(&update.request, &b).is_empty(),
        "a numeric record id passed"
    );
}

// ── snapshots: a handful of records per destination ──────────────────────

/// The first two lines of every payload file, rendered, as JSON.
fn sample(dest: &'static str, render: &dyn Fn(&[Value], &Index) -> Rendered) -> Value {
    let files = payloads(dest);
    let index = index(files);
    let per_file: Vec<Value> = files
        .iter()
        .map(|(name, lines)| {
            let r = render(&lines[..lines.len().min(2)], &index);
            json!({ "file": name, "calls": r.calls, "errors": r.errors })
        })
        .collect();
    Value::Array(per_file)
}

fn hash_of(object: &str, name: &str) -> Option<String> {
    Some(format!(
        "{:016x}{:024x}",
        fnv(object),
        u128::from(fnv(name))
    ))
}

#[test]
fn snapshots_of_rendered_requests() {
    let all = [
        (
            "salesforce",
            sample("salesforce", &|l, i| {
                salesforce::render(
                    l,
                    &Refs {
                        resolve: &int_id,
                        index: i,
                    },
                    &Default::default(),
                )
            }),
        ),
        (
            "twenty",
            sample("twenty", &|l, i| {
                twenty::render(
                    l,
                    &Refs {
                        resolve: &uuid,
                        index: i,
                    },
                    &Default::default(),
                )
            }),
        ),
        (
            "zoho",
            sample("zoho", &|l, i| {
                zoho::render(
                    l,
                    &Refs {
                        resolve: &zoho_id,
                        index: i,
                    },
                    &Default::default(),
                )
            }),
        ),
        (
            "pipedrive",
            sample("pipedrive", &|l, i| {
                pipedrive::render(
                    l,
                    &Refs {
                        resolve: &int_id,
                        index: i,
                    },
                    &hash_of,
                )
            }),
        ),
        (
            "freshsales",
            sample("freshsales", &|l, i| {
                freshsales::render(
                    l,
                    &Refs {
                        resolve: &int_id,
                        index: i,
                    },
                    &Default::default(),
                )
            }),
        ),
    ];
    for (dest, value) in all {
        insta::assert_json_snapshot!(format!("native-{dest}"), value);
    }
}
