//! The published contracts for the contract tests: loading
//! `../shared/contracts/`, the stated request-side relaxations, stubs for
//! documents the folder lacks, and request-body validation by operation.

use super::pipeline::root;
use ferry::emit::native::Call;
use serde_json::{json, Value};
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

/// The published contracts, vendored in `tests/contracts/published/` (a
/// copy of `../shared/contracts/`, so CI needs nothing beside the
/// repository); a loud failure when they are missing — these tests never skip.
pub fn contracts_dir() -> PathBuf {
    let dir = root().join("tests/contracts/published");
    assert!(
        dir.join("twenty-openapi-v1.0.3.json").is_file() && dir.join("zoho-crm-v8").is_dir(),
        "the published API contracts are missing: expected {} with twenty-openapi-v1.0.3.json \
         and zoho-crm-v8/",
        dir.display()
    );
    dir
}

/// `../shared/contracts/` when the team's shared folder is beside the
/// repository (it is the source of the vendored copy).
pub fn shared_contracts_dir() -> Option<PathBuf> {
    let dir = root().join("../shared/contracts");
    dir.is_dir().then_some(dir)
}

// ── the contracts ────────────────────────────────────────────────────────

pub const TWENTY: &str = "https://contracts.ferry.invalid/twenty-openapi-v1.0.3.json";
pub const ZOHO: &str =
    "https://raw.githubusercontent.com/Zohocorp-Pvt-Ltd/crm-oas/refs/heads/main/v8.0/";

/// `$ref` targets of the Zoho files whose documents `../shared/contracts/`
/// does not have; they are validated as "anything". Of these only
/// `users.json` `Minified_User` (a note's `Owner`, the server-set
/// `Created_By`/`Modified_By`) and `tags.json` `Tag` (a record's `Tag`) are
/// reachable from the request bodies checked here; the standard Zoho spec
/// sends neither a note Owner nor tags, so nothing ferry sends goes
/// unchecked for lack of a file.
pub const STUBBED: &[&str] = &[
    "custom_views.json#/components/schemas/custom_views",
    "layouts.json#/components/schemas/layouts",
    "profiles.json#/components/schemas/Minified_Profile",
    "related_lists.json#/components/schemas/related_list",
    "tags.json#/components/schemas/Tag",
    "users.json#/components/schemas/Minified_User",
];

/// Note properties the Zoho file marks required that a create request
/// cannot or need not carry: the OAS shares one schema between requests
/// and responses. Set by Zoho: ids, times, authors, `$` state; `Owner`
/// defaults to the calling user. Left required: Parent_Id, Note_Title,
/// Note_Content.
pub const ZOHO_NOTE_SERVER_SET: &[&str] = &[
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

pub struct Contracts {
    pub docs: Arc<HashMap<String, Value>>,
    pub stubbed: Vec<String>,
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

pub fn contracts() -> &'static Contracts {
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

/// Every contract document, registered under the URI its `$ref`s use, so
/// no reference needs fetching.
pub fn registry() -> &'static jsonschema::Registry<'static> {
    static R: OnceLock<jsonschema::Registry<'static>> = OnceLock::new();
    R.get_or_init(|| {
        let docs: &'static HashMap<String, Value> = &contracts().docs;
        jsonschema::Registry::new()
            .retriever(Local(Arc::clone(&contracts().docs)))
            .extend(docs.iter().map(|(uri, doc)| (uri.as_str(), doc)))
            .and_then(|b| b.prepare())
            .unwrap_or_else(|e| panic!("the contract documents do not form a registry: {e}"))
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
pub fn operation(docs: &[&str], method: &str, path: &str) -> Option<String> {
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
                // A JSON pointer in a URI fragment: `~` and `/` escaped,
                // then the braces of path templates percent-encoded.
                let escaped = template
                    .replace('~', "~0")
                    .replace('/', "~1")
                    .replace('{', "%7B")
                    .replace('}', "%7D");
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
pub struct Checker {
    docs: Vec<String>,
    validators: HashMap<String, jsonschema::Validator>,
}

impl Checker {
    pub fn new(docs: Vec<String>) -> Checker {
        Checker {
            docs,
            validators: HashMap::new(),
        }
    }

    /// The schema errors of `call`'s body, or why the call is not a
    /// contract operation.
    pub fn errors(&mut self, method: &str, path: &str, body: &Value) -> Vec<String> {
        let docs: Vec<&str> = self.docs.iter().map(String::as_str).collect();
        let Some(schema) = operation(&docs, method, path) else {
            return vec![format!(
                "{method} {path} is not an operation of the contract"
            )];
        };
        let v = self.validators.entry(schema.clone()).or_insert_with(|| {
            jsonschema::options()
                .with_registry(registry())
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
    pub fn check_all(&mut self, calls: &[Call]) -> BTreeMap<String, usize> {
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

pub fn twenty_checker() -> Checker {
    Checker::new(vec![TWENTY.to_string()])
}

pub fn zoho_checker() -> Checker {
    // notes.json first: its literal /crm/v8/Notes beats record.json's
    // /crm/v8/{module_api_name} anyway, but say which file answers.
    Checker::new(vec![
        format!("{ZOHO}notes.json"),
        format!("{ZOHO}record.json"),
    ])
}
