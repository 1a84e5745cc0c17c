//! Contract tests: the standard Twenty and Zoho specs run in-process on a
//! generated bundle (`gen --contacts 120 --seed 5`), their payload lines
//! rendered into native requests (`ferry::emit::native`) with a fake
//! ledger, and every request checked against the destination's published
//! OpenAPI description in `tests/contracts/published/` (vendored from `../shared/contracts/`):
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
//! applied and asserted (see `docs::relax_zoho`); documents the Zoho files
//! reference but `../shared/contracts/` lacks are stubbed as "anything" and
//! listed exactly (`docs::STUBBED`). docs/payloads.md explains both.

#[path = "contracts/docs.rs"]
mod docs;
#[path = "contracts/pipeline.rs"]
mod pipeline;

use docs::{
    contracts, contracts_dir, shared_contracts_dir, twenty_checker, zoho_checker, Checker, STUBBED,
};
use ferry::emit::native::{self, freshsales, pipedrive, salesforce, twenty, zoho};
use ferry::emit::native::{Call, Index, Refs, Rendered};
use pipeline::{hash_of, index, int_id, payloads, render_all, uuid, zoho_id, Files};
use serde_json::{json, Value};

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
    // Every note names its parent's module, taken from the parent's line:
    // messages hang on Contacts, group posts on the custom module.
    let lines: std::collections::HashMap<&str, &Value> = files
        .iter()
        .flat_map(|(_, l)| l.iter())
        .filter_map(|l| Some((l["id"].as_str()?, l)))
        .collect();
    let mut modules = std::collections::BTreeSet::new();
    let notes = out
        .calls
        .iter()
        .filter(|c| c.request.path == "/crm/v8/Notes");
    for c in notes {
        let data = c.request.body["data"].as_array().expect("data");
        assert_eq!(data.len(), c.ids.len());
        for (n, id) in data.iter().zip(&c.ids) {
            let module = n["Parent_Id"]["module"]["api_name"]
                .as_str()
                .expect("module");
            let parent = lines[id.as_str()]["refs"]["Parent_Id"].as_str().unwrap();
            assert_eq!(module, lines[parent]["target"], "{n}");
            modules.insert(module.to_string());
        }
    }
    assert_eq!(
        modules.into_iter().collect::<Vec<_>>(),
        ["Actimo_Groups__c", "Contacts"]
    );
    let sent: usize = out.calls.iter().map(|c| c.ids.len()).sum();
    let lines: usize = files.iter().map(|(_, l)| l.len()).sum();
    assert_eq!(sent, lines);
}

/// The first call to `path_prefix` in `out`.
fn first<'a>(out: &'a Rendered, path_prefix: &str) -> &'a native::Request {
    &out.calls
        .iter()
        .find(|c| c.request.path.starts_with(path_prefix))
        .unwrap_or_else(|| panic!("no call to {path_prefix}"))
        .request
}

/// Asserts that `r` validates as rendered and that `mutate`d it does not,
/// for a reason in the body (not an unknown operation); returns the errors.
fn rejects(
    checker: &mut Checker,
    r: &native::Request,
    why: &str,
    mutate: impl FnOnce(&mut Value),
) -> Vec<String> {
    let before = checker.errors(r.method, &r.path, &r.body);
    assert!(
        before.is_empty(),
        "the rendered body must validate: {before:?}"
    );
    let mut body = r.body.clone();
    mutate(&mut body);
    let errors = checker.errors(r.method, &r.path, &body);
    assert!(!errors.is_empty(), "the contract accepted {why}");
    assert!(
        errors.iter().all(|e| !e.contains("is not an operation")),
        "{errors:?}"
    );
    errors
}

#[test]
fn twenty_contract_rejects_wrong_types_and_shapes() {
    let legacy = twenty::Options {
        targets: twenty::Targets::Legacy,
        upsert: true,
    };
    let out = twenty_render(payloads("twenty"), legacy);
    let c = &mut twenty_checker();
    let people = first(&out, "/rest/batch/people");
    rejects(c, people, "a FULL_NAME sent as a string", |b| {
        b[0]["name"] = json!("Sofie Lund")
    });
    rejects(c, people, "a lookup that is a ref, not a UUID", |b| {
        b[0]["companyId"] = json!("companies:7004")
    });
    rejects(c, people, "a record instead of an array", |b| {
        *b = b[0].clone()
    });
    rejects(
        c,
        first(&out, "/rest/batch/companies"),
        "an integer sent as a string",
        |b| b[0]["employees"] = json!("12"),
    );
    rejects(
        c,
        first(&out, "/rest/batch/tasks"),
        "a status outside the enum",
        |b| b[0]["status"] = json!("Open"),
    );
    rejects(
        c,
        first(&out, "/rest/batch/noteTargets"),
        "a numeric note id",
        |b| b[0]["noteId"] = json!(42),
    );
    rejects(
        c,
        first(&out, "/rest/companies/"),
        "a parent update as an array",
        |b| *b = json!([b.clone()]),
    );
}

#[test]
fn zoho_contract_rejects_missing_required_properties_and_wrong_types() {
    let out = zoho_render(payloads("zoho"));
    let c = &mut zoho_checker();
    let notes = first(&out, "/crm/v8/Notes");
    let errors = rejects(c, notes, "a note without Parent_Id", |b| {
        b["data"][0].as_object_mut().map(|n| n.remove("Parent_Id"));
    });
    assert!(
        errors
            .iter()
            .any(|e| e.contains("\"Parent_Id\" is a required property")),
        "{errors:?}"
    );
    rejects(c, notes, "a note without content", |b| {
        b["data"][0]
            .as_object_mut()
            .map(|n| n.remove("Note_Content"));
    });
    rejects(c, notes, "a parent module without api_name", |b| {
        b["data"][0]["Parent_Id"]["module"] = json!({ "id": "1" })
    });
    rejects(c, notes, "a numeric parent id", |b| {
        b["data"][0]["Parent_Id"]["id"] = json!(5725767000000524157u64)
    });
    rejects(c, notes, "notes outside the data envelope", |b| {
        *b = json!({ "records": b["data"].clone() })
    });
    rejects(
        c,
        first(&out, "/crm/v8/Contacts/upsert"),
        "duplicate_check_fields as a string",
        |b| b["duplicate_check_fields"] = json!("Source_Actimo_ID__c"),
    );
    let update = out
        .calls
        .iter()
        .find(|c| c.request.method == "PUT")
        .expect("a deferred update");
    rejects(c, &update.request, "a numeric record id", |b| {
        b["data"][0]["id"] = json!(1)
    });
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

#[test]
fn the_vendored_contracts_match_the_shared_folder() {
    // Where the shared folder is present, the vendored copy must not drift.
    let Some(shared) = shared_contracts_dir() else {
        return;
    };
    let vendored = contracts_dir();
    let mut files = vec![std::path::PathBuf::from("twenty-openapi-v1.0.3.json")];
    for e in std::fs::read_dir(shared.join("zoho-crm-v8")).unwrap() {
        files.push(std::path::Path::new("zoho-crm-v8").join(e.unwrap().file_name()));
    }
    for f in files {
        assert_eq!(
            std::fs::read(shared.join(&f)).unwrap(),
            std::fs::read(vendored.join(&f)).unwrap_or_default(),
            "tests/contracts/published/{} differs from ../shared/contracts",
            f.display()
        );
    }
}
