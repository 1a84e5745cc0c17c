//! Renderers on hand-built envelopes: shapes, batching, and every error
//! path (the contract tests in tests/contracts.rs run real payloads).

use super::*;
use serde_json::json;

/// An upsert line with empty `fields` and `refs` ([`Line`] fills them).
fn upsert(id: &str, target: &str, key: Value) -> Value {
    json!({"id": id, "op": "upsert", "target": target, "key": key, "fields": {},
           "refs": {}, "source": {"object": "t"}})
}

/// An update line with empty `fields` and `refs`.
fn update(id: &str, target: &str, key: Value) -> Value {
    json!({"id": id, "op": "update", "target": target, "key": key, "fields": {},
           "refs": {}, "source": {"object": "t"}})
}

/// Fills a fixture line's parts in place (the key order stays the
/// envelope's).
trait Line {
    fn fields(self, fields: Value) -> Value;
    fn refs(self, refs: Value) -> Value;
}

impl Line for Value {
    fn fields(mut self, fields: Value) -> Value {
        self["fields"] = fields;
        self
    }
    fn refs(mut self, refs: Value) -> Value {
        self["refs"] = refs;
        self
    }
}

/// `Refs` over a resolver and an index.
fn refs<'a>(resolve: &'a dyn Fn(&str) -> Option<String>, index: &'a Index) -> Refs<'a> {
    Refs { resolve, index }
}

/// Resolves everything except refs ending in `:missing`.
fn fake(r: &str) -> Option<String> {
    if r.ends_with(":missing") {
        return None;
    }
    Some(format!("ID<{r}>"))
}

/// Numeric ids (7 × the ref's length + 100: `contacts:1` → 170,
/// `companies:7` → 177, `owner:a@x.example` → 219).
fn digits(r: &str) -> Option<String> {
    (!r.ends_with(":missing")).then(|| (r.len() * 7 + 100).to_string())
}

fn codes_of(r: &Rendered) -> Vec<(&str, &str)> {
    r.errors
        .iter()
        .map(|e| (e.id.as_str(), e.code.id))
        .collect()
}

/// Each call's method and path, in order.
fn endpoints(r: &Rendered) -> Vec<(&str, &str)> {
    r.calls
        .iter()
        .map(|c| (c.request.method, c.request.path.as_str()))
        .collect()
}

#[test]
fn malformed_lines_are_reported_not_sent() {
    let index = Index::new();
    let refs = refs(&fake, &index);
    let lines = vec![
        json!({"op": "upsert"}),
        json!({"id": "a:1", "op": "delete", "target": "people", "key": {}, "fields": {}, "refs": {}}),
        json!({"id": "a:2", "op": "upsert", "target": "people", "key": {}, "fields": {}, "refs": {"x": 5}}),
        json!({"id": "a:3", "op": "upsert", "target": "people", "fields": {}, "refs": {}}),
        upsert("a:4", "people", json!({"k": "4"})),
    ];
    let out = twenty::render(&lines, &refs, &twenty::Options::default());
    assert_eq!(
        codes_of(&out),
        [
            ("?", "E0914"),
            ("a:1", "E0914"),
            ("a:2", "E0914"),
            ("a:3", "E0914")
        ]
    );
    assert_eq!(out.calls.len(), 1);
    assert_eq!(out.calls[0].ids, ["a:4"]);
}

#[test]
fn salesforce_upserts_by_external_id_in_batches_of_200() {
    let index = Index::new();
    let refs = refs(&fake, &index);
    let lines: Vec<Value> = (0..450)
        .map(|i| {
            upsert(
                &format!("contacts:{i}"),
                "Contact",
                json!({"Source_System_ID__c": i.to_string()}),
            )
            .fields(json!({"LastName": "Berg"}))
            .refs(json!({"OwnerId": "owner:a@x.example", "AccountId": "companies:77"}))
        })
        .collect();
    let out = salesforce::render(&lines, &refs, &salesforce::Options::default());
    assert!(out.errors.is_empty());
    let sizes: Vec<usize> = out.calls.iter().map(|c| c.ids.len()).collect();
    assert_eq!(sizes, [200, 200, 50]);
    let c = &out.calls[2];
    assert_eq!(c.request.method, "PATCH");
    assert_eq!(
        c.request.path,
        "/services/data/v62.0/composite/sobjects/Contact/Source_System_ID__c"
    );
    assert_eq!(c.ids[0], "contacts:400");
    assert_eq!(
        c.request.body["records"][0],
        json!({"attributes": {"type": "Contact"}, "Source_System_ID__c": "400",
               "LastName": "Berg", "OwnerId": "ID<owner:a@x.example>",
               "AccountId": "ID<companies:77>"})
    );
    assert_eq!(c.request.body["allOrNone"], json!(false));
}

#[test]
fn salesforce_external_id_references_skip_the_ledger() {
    let company = upsert(
        "companies:77",
        "Account",
        json!({"Source_System_ID__c": "77"}),
    );
    let contact = upsert("contacts:1", "Contact", json!({"Source_System_ID__c": "1"}));
    let index = Index::from_lines([&company, &contact]);
    // Only owners resolve: record refs must not need the ledger.
    let owners_only = |r: &str| r.starts_with("owner:").then(|| "005X".to_string());
    let refs = refs(&owners_only, &index);
    let task = upsert("tasks:9", "Task", json!({"Source_System_ID__c": "t9"})).refs(
        json!({"WhoId": "contacts:1", "WhatId": "companies:77", "Manager__c": "contacts:1",
               "OwnerId": "owner:a@x.example"}),
    );
    let opts = salesforce::Options {
        lookups: salesforce::Lookups::ExternalIds,
        ..Default::default()
    };
    let out = salesforce::render(std::slice::from_ref(&task), &refs, &opts);
    assert!(out.errors.is_empty(), "{:?}", out.errors);
    assert_eq!(
        out.calls[0].request.body["records"][0],
        json!({"attributes": {"type": "Task"}, "Source_System_ID__c": "t9",
               "Who": {"attributes": {"type": "Contact"}, "Source_System_ID__c": "1"},
               "What": {"attributes": {"type": "Account"}, "Source_System_ID__c": "77"},
               "Manager__r": {"Source_System_ID__c": "1"},
               "OwnerId": "005X"})
    );
    // The default (ids) needs the ledger and says so when it has no id.
    let out = salesforce::render(&[task], &refs, &salesforce::Options::default());
    assert_eq!(codes_of(&out), [("tasks:9", "E0911")]);
    assert!(out.calls.is_empty());
}

#[test]
fn unresolved_refs_are_e0911_for_every_destination() {
    let index = Index::from_lines([&upsert("contacts:1", "people", json!({"k": "1"}))]);
    let refs = refs(&fake, &index);
    let l = |target: &str, field: &str| {
        vec![upsert("x:1", target, json!({"k": "1"})).refs(json!({ field: "contacts:missing" }))]
    };
    let none = |_: &str, _: &str| None;
    let all = [
        twenty::render(
            &l("people", "companyId"),
            &refs,
            &twenty::Options::default(),
        ),
        zoho::render(
            &l("Contacts", "Account_Name"),
            &refs,
            &zoho::Options::default(),
        ),
        salesforce::render(
            &l("Contact", "AccountId"),
            &refs,
            &salesforce::Options::default(),
        ),
        pipedrive::render(&l("persons", "org_id"), &refs, &none),
        freshsales::render(
            &l("contacts", "owner_id"),
            &refs,
            &freshsales::Options::default(),
        ),
    ];
    for out in all {
        assert!(out.calls.is_empty());
        assert_eq!(codes_of(&out), [("x:1", "E0911")]);
        assert!(out.errors[0].message.contains("contacts:missing"));
    }
}

#[test]
fn twenty_links_follow_the_chosen_generation() {
    let person = upsert("contacts:1", "people", json!({"sourceSystemId": "1"}));
    let company = upsert("companies:c1", "companies", json!({"sourceSystemId": "c1"}));
    let task = upsert("tasks:t1", "tasks", json!({"sourceSystemId": "t1"}));
    let index = Index::from_lines([&person, &company, &task]);
    let refs = refs(&fake, &index);
    // The link of message `m:<n>`.
    let note = |n: u32, refs: Value| {
        let key = json!({ "sourceSystemId": format!("m{n}") });
        upsert(&format!("m:{n}#noteTargets"), "noteTargets", key).refs(refs)
    };
    let links = vec![
        note(1, json!({"noteId": "m:1", "target": "contacts:1"})),
        note(2, json!({"noteId": "m:2", "target": "companies:c1"})),
        note(3, json!({"noteId": "m:3", "personId": "contacts:1"})),
        // flagged message_without_company: no target at all
        note(4, json!({"noteId": "m:4"})),
        upsert(
            "t:1#taskTargets",
            "taskTargets",
            json!({"sourceSystemId": "t1"}),
        )
        .refs(json!({"taskId": "tasks:t1", "target": "tasks:t1"})),
    ];
    let legacy = twenty::Options {
        targets: twenty::Targets::Legacy,
        upsert: false,
    };
    let out = twenty::render(&links, &refs, &legacy);
    assert_eq!(
        codes_of(&out),
        [("m:4#noteTargets", "E0915"), ("t:1#taskTargets", "E0915")]
    );
    assert_eq!(out.calls.len(), 1);
    assert_eq!(out.calls[0].request.path, "/rest/batch/noteTargets");
    assert_eq!(
        out.calls[0].request.body,
        json!([
            {"sourceSystemId": "m1", "noteId": "ID<m:1>", "personId": "ID<contacts:1>"},
            {"sourceSystemId": "m2", "noteId": "ID<m:2>", "companyId": "ID<companies:c1>"},
            {"sourceSystemId": "m3", "noteId": "ID<m:3>", "personId": "ID<contacts:1>"},
        ])
    );
    let out = twenty::render(&links[..3], &refs, &twenty::Options::default());
    assert_eq!(
        out.calls[0].request.path,
        "/rest/batch/noteTargets?upsert=true"
    );
    let body = &out.calls[0].request.body;
    assert_eq!(body[0]["targetPersonId"], json!("ID<contacts:1>"));
    assert_eq!(body[1]["targetCompanyId"], json!("ID<companies:c1>"));
    assert_eq!(body[2]["targetPersonId"], json!("ID<contacts:1>"));
    assert!(body[2].get("personId").is_none());
}

#[test]
fn twenty_batches_60_and_updates_one_by_one() {
    let index = Index::new();
    let refs = refs(&fake, &index);
    let mut lines: Vec<Value> = (0..61)
        .map(|i| {
            upsert(
                &format!("companies:{i}"),
                "companies",
                json!({"sourceSystemId": i.to_string()}),
            )
            .fields(json!({"name": "A", "address": {"addressCountry": "DK"}}))
        })
        .collect();
    lines.push(
        update("companies:2", "companies", json!({"sourceSystemId": "2"}))
            .refs(json!({"parentCompanyId": "companies:1"})),
    );
    lines.push(
        update(
            "companies:missing",
            "companies",
            json!({"sourceSystemId": "9"}),
        )
        .refs(json!({"parentCompanyId": "companies:1"})),
    );
    let out = twenty::render(&lines, &refs, &twenty::Options::default());
    assert_eq!(codes_of(&out), [("companies:missing", "E0911")]);
    let sizes: Vec<usize> = out.calls.iter().map(|c| c.ids.len()).collect();
    assert_eq!(sizes, [60, 1, 1]);
    let patch = &out.calls[2].request;
    assert_eq!(
        (patch.method, patch.path.as_str()),
        ("PATCH", "/rest/companies/ID<companies:2>")
    );
    assert_eq!(patch.body, json!({"parentCompanyId": "ID<companies:1>"}));
    assert_eq!(
        out.calls[0].request.body[0],
        json!({"sourceSystemId": "0", "name": "A", "address": {"addressCountry": "DK"}})
    );
}

#[test]
fn zoho_envelopes_parent_modules_and_updates() {
    let admin = upsert(
        "admin_users:7",
        "Contacts",
        json!({"Source_Actimo_ID__c": "adm-7"}),
    );
    let index = Index::from_lines([&admin]);
    let refs = refs(&fake, &index);
    let lines = vec![
        upsert("messages:1", "Notes", json!({"Source_Actimo_ID__c": "msg-1"})).fields(json!({"Note_Title": "T", "Note_Content": "C"})).refs(json!({"Parent_Id": "admin_users:7"})),
        upsert("messages:2", "Notes", json!({"Source_Actimo_ID__c": "msg-2"})).fields(json!({"Note_Title": "T", "Note_Content": "C"})).refs(json!({"Parent_Id": "placeholder:Contacts:1"})),
        upsert("messages:3", "Notes", json!({"Source_Actimo_ID__c": "msg-3"})).fields(json!({"Note_Content": "C"})).refs(json!({"Parent_Id": "nowhere:3"})),
        upsert("tasks:1", "Tasks", json!({"Source_Actimo_ID__c": "task-1"})).fields(json!({"Subject": "S"})).refs(json!({"Who_Id": "admin_users:7", "What_Id": "admin_users:7", "Owner": "owner:a@x.example"})),
        update("admin_users:7", "Contacts", json!({"Source_Actimo_ID__c": "adm-7"})).refs(json!({"Reporting_To": "admin_users:7"})),
    ];
    let out = zoho::render(&lines, &refs, &zoho::Options::default());
    assert_eq!(codes_of(&out), [("messages:3", "E0915")]);
    assert_eq!(
        endpoints(&out),
        [
            ("POST", "/crm/v8/Notes"),
            ("POST", "/crm/v8/Tasks/upsert"),
            ("PUT", "/crm/v8/Contacts")
        ]
    );
    assert_eq!(
        out.calls[0].request.body["data"][1]["Parent_Id"],
        json!({"module": {"api_name": "Contacts"}, "id": "ID<placeholder:Contacts:1>"})
    );
    assert_eq!(
        out.calls[1].request.body,
        json!({"data": [{"Source_Actimo_ID__c": "task-1", "Subject": "S",
                         "Who_Id": {"id": "ID<admin_users:7>"}, "$se_module": "Contacts",
                         "What_Id": {"id": "ID<admin_users:7>"}, "Owner": {"id": "ID<owner:a@x.example>"}}],
               "trigger": [], "duplicate_check_fields": ["Source_Actimo_ID__c"]})
    );
    assert_eq!(
        out.calls[2].request.body,
        json!({"data": [{"id": "ID<admin_users:7>", "Reporting_To": {"id": "ID<admin_users:7>"}}], "trigger": []})
    );
    let many: Vec<Value> = (0..250)
        .map(|i| {
            upsert(&format!("c:{i}"), "Accounts", json!({"K": i}))
                .fields(json!({"Account_Name": "A"}))
        })
        .collect();
    let sizes: Vec<usize> = zoho::render(&many, &refs, &zoho::Options::default())
        .calls
        .iter()
        .map(|c| c.ids.len())
        .collect();
    assert_eq!(sizes, [100, 100, 50]);
}

#[test]
fn pipedrive_resolves_custom_field_names_and_never_drops_one() {
    let index = Index::new();
    let refs = refs(&digits, &index);
    let keys = |object: &str, name: &str| match (object, name) {
        ("persons", "actimo_id") => Some("a".repeat(40)),
        ("persons", "department") => Some("d".repeat(40)),
        _ => None,
    };
    let person = upsert("contacts:1", "persons", json!({"actimo_id": "1"})).fields(json!({"name": "Ane Berg", "emails": ["ane@x.example", "a2@x.example"], "phones": ["+4520"],
               "department": "Retail", "visible_to": "3"})).refs(json!({"org_id": "companies:7", "owner_id": "owner:a@x.example"}));
    let stray = upsert("contacts:2", "persons", json!({"actimo_id": "2"}))
        .fields(json!({"name": "B", "site_location": "Store 1", "hire_date": "2020-01-01"}));
    let note = upsert("cc:1", "notes", json!({"actimo_id": "cc-1"}))
        .fields(json!({"content": "<p>x</p>"}))
        .refs(json!({"person_id": "contacts:1"}));
    let bad_note = upsert("cc:2", "notes", json!({"actimo_id": "cc-2"}))
        .fields(json!({"content": "x", "mood": "ok"}));
    let deal = upsert("d:1", "deals", json!({"actimo_id": "d1"}));
    let out = pipedrive::render(&[person, stray, note, bad_note, deal], &refs, &keys);
    assert_eq!(
        codes_of(&out),
        [("contacts:2", "E0913"), ("cc:2", "E0913"), ("d:1", "E0914")]
    );
    assert!(
        out.errors[0].message.contains("site_location, hire_date"),
        "{}",
        out.errors[0].message
    );
    assert_eq!(out.calls.len(), 2);
    let p = &out.calls[0].request;
    assert_eq!((p.method, p.path.as_str()), ("POST", "/api/v2/persons"));
    assert_eq!(
        p.body,
        json!({"name": "Ane Berg",
               "emails": [{"value": "ane@x.example", "primary": true, "label": "work"},
                          {"value": "a2@x.example", "primary": false, "label": "work"}],
               "phones": [{"value": "+4520", "primary": true, "label": "mobile"}],
               "visible_to": 3, "org_id": 177, "owner_id": 219,
               "custom_fields": {"a".repeat(40): "1", "d".repeat(40): "Retail"}})
    );
    let n = &out.calls[1].request;
    assert_eq!((n.method, n.path.as_str()), ("POST", "/v1/notes"));
    assert_eq!(n.body, json!({"content": "<p>x</p>", "person_id": 170}));
}

#[test]
fn freshsales_wraps_moves_cf_fields_and_bulk_upserts() {
    let contact = upsert("contacts:1", "contacts", json!({"cf_actimo_id": "ct-1"}));
    let index = Index::from_lines([&contact]);
    let refs = refs(&digits, &index);
    let lines = vec![
        upsert("contacts:1", "contacts", json!({"cf_actimo_id": "ct-1"}))
            .fields(json!({"first_name": "Ane", "tags": ["leder"], "cf_department": "Retail"}))
            .refs(json!({"owner_id": "owner:a@x.example", "sales_accounts": "companies:7"})),
        upsert("n:1", "notes", json!({"cf_actimo_id": "n-1"}))
            .fields(json!({"description": "d"}))
            .refs(json!({"targetable_id": "contacts:1"})),
        upsert("n:2", "notes", json!({"cf_actimo_id": "n-2"}))
            .fields(json!({"description": "d", "cf_x": 1}))
            .refs(json!({"targetable_id": "contacts:1"})),
        update(
            "companies:2",
            "sales_accounts",
            json!({"cf_actimo_id": "co-2"}),
        )
        .refs(json!({"parent_sales_account_id": "companies:1"})),
    ];
    let out = freshsales::render(&lines, &refs, &freshsales::Options::default());
    assert_eq!(codes_of(&out), [("n:2", "E0913")]);
    assert_eq!(
        endpoints(&out),
        [
            ("POST", "/api/contacts/bulk_upsert"),
            ("POST", "/api/notes"),
            ("PUT", "/api/sales_accounts/177")
        ]
    );
    assert_eq!(
        out.calls[0].request.body,
        json!({"contacts": [{"unique_identifier": {"cf_actimo_id": "ct-1"},
                             "contact": {"first_name": "Ane", "tags": ["leder"], "owner_id": 219,
                                         "sales_accounts": [{"id": 177, "is_primary": true}],
                                         "custom_field": {"cf_actimo_id": "ct-1", "cf_department": "Retail"}}}]})
    );
    assert_eq!(
        out.calls[1].request.body,
        json!({"note": {"description": "d", "targetable_type": "Contact", "targetable_id": 170}})
    );
    assert_eq!(
        out.calls[2].request.body,
        json!({"sales_account": {"parent_sales_account_id": 177}})
    );
    let single = freshsales::render(&lines[..1], &refs, &freshsales::Options { bulk: false });
    assert_eq!(single.calls[0].request.path, "/api/contacts/upsert");
    assert_eq!(
        single.calls[0].request.body["unique_identifier"],
        json!({"cf_actimo_id": "ct-1"})
    );
}

#[test]
fn every_line_lands_in_one_call_or_one_error() {
    let index = Index::new();
    let refs = refs(&fake, &index);
    let lines: Vec<Value> = (0..130)
        .map(|i| {
            let parent = if i % 7 == 0 { "x:missing" } else { "x:1" };
            upsert(&format!("a:{i}"), "Accounts", json!({"K": i.to_string()}))
                .refs(json!({"Parent_Account": parent}))
        })
        .collect();
    let out = zoho::render(&lines, &refs, &zoho::Options::default());
    let mut seen: Vec<&str> = out
        .calls
        .iter()
        .flat_map(|c| c.ids.iter().map(String::as_str))
        .collect();
    seen.extend(out.errors.iter().map(|e| e.id.as_str()));
    seen.sort_unstable();
    let mut want: Vec<String> = (0..130).map(|i| format!("a:{i}")).collect();
    want.sort_unstable();
    assert_eq!(seen, want);
    assert_eq!(out.errors.len(), 19);
}
