//! `ferry gen`: the bundle's files, headers, determinism, referential
//! integrity, sizes, and the messy defects as bytes on disk.
//!
//! The expected headers are copied from actimo-export.md §4 here on
//! purpose, independently of the generator's own table.

use ferry::gen::{generate, Manifest, Options};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};

/// A bundle in a temporary folder, removed when dropped.
struct Bundle {
    dir: PathBuf,
    manifest: Manifest,
}

impl Drop for Bundle {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn bundle(tag: &str, contacts: u32, seed: u64, messy: bool) -> Bundle {
    let dir = std::env::temp_dir().join(format!("ferry-gen-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let manifest = generate(
        &Options {
            contacts,
            seed,
            messy,
        },
        &dir,
    )
    .expect("bundle written");
    Bundle { dir, manifest }
}

#[rustfmt::skip]
const EXPECTED: &[(&str, &[&str])] = &[
    ("workspaces.csv", &["workspace_id", "name", "company_id", "custom_domain", "default_language", "timezone", "status", "created_at"]),
    ("admin_users.csv", &["admin_user_id", "email", "first_name", "last_name", "mobile", "role", "workspace_ids", "login_method", "status", "created_at", "last_login_at"]),
    ("contact_fields.csv", &["field_key", "label", "field_kind", "type", "options", "is_duplicate_key"]),
    ("contacts.csv", &["contact_id", "workspace_id", "user_id", "shared", "employee_id", "first_name", "last_name", "name", "email", "msisdn", "country_code", "phone_number", "title", "department", "company", "location", "addr_line_1", "addr_line_2", "addr_city", "addr_state", "addr_zip", "addr_country", "timezone", "language", "allow_email", "allow_sms", "allow_push", "opt_out", "source_type", "source_data", "status", "employment_status", "hire_date", "manager_contact_id", "manager_employee_id", "engagement_score", "messages_received", "open_rate", "trainings_participated", "training_points", "groups", "tags", "created_at", "updated_at", "last_active_at", "deleted_at"]),
    ("relationship_types.csv", &["relationship_type_id", "name", "created_at"]),
    ("contact_relationships.csv", &["contact_id", "relationship_type_id", "related_contact_id", "source", "updated_at"]),
    ("companies.csv", &["company_id", "name", "org_unit_type", "parent_company_id", "cvr_number", "country", "workspace_id", "derived_from"]),
    ("company_contacts.csv", &["contact_id", "company_id", "is_primary", "title", "start_date", "end_date"]),
    ("groups.csv", &["group_id", "workspace_id", "user_id", "name", "description", "group_type", "smart_rule", "member_count", "source_type", "shared", "social_wall_enabled", "social_wall_kind", "cover_image_file_id", "created_at"]),
    ("group_memberships.csv", &["group_id", "contact_id", "added_at", "removed_at", "removed_by", "membership_source"]),
    ("contact_tags.csv", &["contact_id", "tag", "added_at"]),
    ("campaigns.csv", &["campaign_id", "name", "campaign_type", "automation_id", "category", "start_date", "end_date", "message_count", "status"]),
    ("messages.csv", &["message_id", "workspace_id", "title", "headline", "preview_text", "feed_image_file_id", "categories", "message_kind", "status", "channels", "is_public", "linked_access", "allow_unsubscribe", "anonymise_statistics", "reactions_enabled", "comments_enabled", "share_enabled", "language", "page_count", "module_count", "campaign_id", "automation_id", "created_by", "created_at", "updated_at", "scheduled_at", "published_at"]),
    ("message_modules.csv", &["module_id", "message_id", "page_no", "position", "module_type", "label", "content", "url", "quiz_points", "correct_answer", "scale_min", "scale_max"]),
    ("message_analytics.csv", &["message_id", "published_to", "notified_to", "push_opened", "viewed_by", "not_opened", "open_rate", "total_views", "unique_views", "bounced", "clicks", "click_rate", "reactions_count", "comments_count", "shares_count", "traffic_push", "traffic_email", "traffic_sms", "traffic_app", "traffic_link", "reminders_sent", "message_count", "computed_at"]),
    ("message_recipients.csv", &["message_id", "contact_id", "name", "email", "mobile_phone", "department", "published_at", "notification_channel", "delivery_status", "notified_at", "opened_on", "traffic_source", "view_count", "reminded_at"]),
    ("message_events.csv", &["event_id", "message_id", "contact_id", "event_type", "channel", "module_id", "value", "occurred_at"]),
    ("social_posts.csv", &["post_id", "group_id", "author_contact_id", "author_admin_user_id", "content", "created_at", "reactions_count", "comments_count", "deleted_by_admin"]),
    ("learning_paths.csv", &["learning_path_id", "name", "description", "duration_minutes", "module_count", "message_ids", "automation_id", "total_points", "due_days", "status", "created_at"]),
    ("learning_enrollments.csv", &["enrollment_id", "learning_path_id", "contact_id", "start_date", "due_date", "completion_date", "status", "progress_pct", "quizzes_completed", "quizzes_total", "score", "score_pct", "last_activity_at"]),
    ("quiz_results.csv", &["message_id", "module_id", "contact_id", "attempt", "answer", "is_correct", "points", "answered_at"]),
    ("pulse_surveys.csv", &["pulse_id", "name", "status", "frequency", "question_count", "categories", "start_date", "response_period_days", "anonymity_threshold", "manager_relationship_type_id", "target_group_ids", "message_id", "created_at"]),
    ("pulse_questions.csv", &["question_id", "pulse_id", "category", "position", "question_text", "answer_type", "is_required"]),
    ("survey_responses.csv", &["response_id", "survey_kind", "pulse_id", "question_id", "message_id", "module_id", "period", "contact_id", "answer_numeric", "answer_text", "scale_max", "submitted_at"]),
    ("pulse_results_aggregated.csv", &["pulse_id", "period", "manager_contact_id", "category", "question_id", "respondents", "avg_score", "scale_max", "response_rate"]),
    ("feedback_threads.csv", &["feedback_id", "thread_id", "subject", "content", "from_contact_id", "to_contact_id", "scheduled_date", "status", "source", "created_at"]),
    ("tasks.csv", &["task_id", "subject", "description", "due_date", "assignee_email", "status", "priority", "created_at", "completed_at", "related_contact_id", "related_message_id"]),
    ("activities.csv", &["activity_id", "activity_type", "subject", "contact_id", "owner_email", "occurred_at", "duration_minutes", "outcome", "notes"]),
    ("files.csv", &["file_id", "filename", "mime_type", "size_bytes", "url", "parent_type", "parent_id", "source", "uploaded_by", "uploaded_at"]),
    ("automations.csv", &["automation_id", "name", "status", "trigger_type", "trigger_message_id", "trigger_filter", "override_flow", "step_count", "created_by", "created_at", "updated_at"]),
    ("automation_steps.csv", &["automation_id", "step_no", "parent_step_no", "step_kind", "rule_type", "action_type", "delay_value", "delay_unit", "message_id", "recipient", "recipient_relationship_type_id", "group_id", "params"]),
    ("automation_enrollments.csv", &["automation_id", "contact_id", "entered_at", "current_step_no", "completed_at", "exit_reason"]),
    ("integrations.csv", &["integration_id", "integration_type", "name", "status", "schedule", "unique_key_field", "scope_group_ids", "last_sync_at", "last_sync_status", "created_count", "updated_count", "deleted_count", "rejected_count", "config_summary", "created_at"]),
];

/// A (file, column) pair.
type Column<'a> = (&'a str, &'a str);

/// A clean file, read with the csv crate.
struct Table {
    headers: Vec<String>,
    rows: Vec<Vec<String>>,
}

impl Table {
    fn col(&self, name: &str) -> usize {
        self.headers
            .iter()
            .position(|h| h == name)
            .unwrap_or_else(|| panic!("no column {name}"))
    }
    fn values<'a>(&'a self, name: &str) -> impl Iterator<Item = &'a str> + 'a {
        let c = self.col(name);
        self.rows.iter().map(move |r| r[c].as_str())
    }
    fn keys(&self, name: &str) -> HashSet<&str> {
        self.values(name).collect()
    }
}

fn load(dir: &Path) -> BTreeMap<&'static str, Table> {
    EXPECTED
        .iter()
        .map(|(name, _)| {
            let mut rdr = csv::Reader::from_path(dir.join(name)).expect("readable");
            let headers = rdr
                .headers()
                .expect("header")
                .iter()
                .map(str::to_string)
                .collect();
            let rows = rdr
                .records()
                .map(|r| r.expect("record").iter().map(str::to_string).collect())
                .collect();
            (*name, Table { headers, rows })
        })
        .collect()
}

#[test]
fn clean_bundle_has_every_file_with_the_reference_headers_and_format() {
    let b = bundle("headers", 150, 11, false);
    let mut on_disk: Vec<String> = std::fs::read_dir(&b.dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    on_disk.sort();
    let mut want: Vec<String> = EXPECTED
        .iter()
        .map(|(n, _)| n.to_string())
        .chain(["manifest.json".to_string()])
        .collect();
    want.sort();
    assert_eq!(on_disk, want);
    assert!(b.manifest.injected.is_empty());
    let bool_cols: HashSet<&str> = [
        "shared",
        "allow_email",
        "allow_sms",
        "allow_push",
        "opt_out",
        "is_primary",
        "is_public",
        "is_correct",
        "override_flow",
        "social_wall_enabled",
        "deleted_by_admin",
        "is_required",
        "is_duplicate_key",
    ]
    .into();
    for (name, headers) in EXPECTED {
        let bytes = std::fs::read(b.dir.join(name)).unwrap();
        let text = String::from_utf8(bytes).unwrap_or_else(|_| panic!("{name} is not UTF-8"));
        assert!(!text.starts_with('\u{feff}'), "{name} has a BOM");
        let first = text.split("\r\n").next().unwrap();
        assert_eq!(
            first.split(',').collect::<Vec<_>>(),
            headers.to_vec(),
            "{name}"
        );
        assert_eq!(
            text.matches('\n').count(),
            text.matches("\r\n").count(),
            "{name}: LF without CR"
        );
        let mut rdr = csv::Reader::from_reader(text.as_bytes());
        let mut rows = 0;
        for rec in rdr.records() {
            let rec = rec.unwrap();
            rows += 1;
            assert_eq!(rec.len(), headers.len(), "{name} line {rows}");
            for (h, v) in headers.iter().zip(rec.iter()) {
                if v.is_empty() {
                    continue;
                }
                if h.ends_with("_at") || *h == "opened_on" {
                    assert!(is_datetime(v), "{name}.{h} = {v:?}");
                } else if h.ends_with("_date") {
                    assert!(is_date(v), "{name}.{h} = {v:?}");
                } else if bool_cols.contains(h)
                    || h.ends_with("_enabled")
                    || h.starts_with("allow_")
                {
                    assert!(v == "true" || v == "false", "{name}.{h} = {v:?}");
                }
            }
        }
        let listed = b.manifest.files.iter().find(|f| f.name == *name).unwrap();
        assert_eq!(listed.rows, rows, "{name} row count in manifest");
        assert_eq!(
            (listed.encoding, listed.bom, listed.line_ending),
            ("utf-8", false, "crlf")
        );
    }
}

fn is_date(v: &str) -> bool {
    let b = v.as_bytes();
    b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit())
}

fn is_datetime(v: &str) -> bool {
    let b = v.as_bytes();
    b.len() == 19 && is_date(&v[..10]) && b[10] == b' ' && b[13] == b':' && b[16] == b':'
}

#[test]
fn same_seed_gives_identical_bytes_and_another_seed_does_not() {
    for messy in [false, true] {
        let a = bundle(&format!("det-a-{messy}"), 120, 3, messy);
        let b = bundle(&format!("det-b-{messy}"), 120, 3, messy);
        let c = bundle(&format!("det-c-{messy}"), 120, 4, messy);
        let mut differs = 0;
        for name in EXPECTED.iter().map(|(n, _)| *n).chain(["manifest.json"]) {
            let read = |d: &Path| std::fs::read(d.join(name)).unwrap();
            assert_eq!(
                read(&a.dir),
                read(&b.dir),
                "{name} differs between two runs (messy: {messy})"
            );
            differs += usize::from(read(&a.dir) != read(&c.dir));
        }
        assert!(differs > 25, "only {differs} files change with the seed");
    }
}

/// Every value of `from` (non-empty) is a key of `to`.
fn resolves(t: &BTreeMap<&str, Table>, from: (&str, &str), to: (&str, &str)) {
    let keys = t[to.0].keys(to.1);
    let missing: Vec<&str> = t[from.0]
        .values(from.1)
        .filter(|v| !v.is_empty() && !keys.contains(v))
        .take(3)
        .collect();
    assert!(
        missing.is_empty(),
        "{}.{} → {}.{}: {missing:?} do not resolve",
        from.0,
        from.1,
        to.0,
        to.1
    );
}

/// Every item of a `;`-separated cell is a key of `to`.
fn resolves_multi(t: &BTreeMap<&str, Table>, from: (&str, &str), to: (&str, &str)) {
    let keys = t[to.0].keys(to.1);
    for v in t[from.0].values(from.1) {
        for item in v.split(';').filter(|i| !i.is_empty()) {
            assert!(
                keys.contains(item),
                "{}.{} item {item:?} is not in {}.{}",
                from.0,
                from.1,
                to.0,
                to.1
            );
        }
    }
}

#[test]
fn clean_bundle_keeps_referential_integrity() {
    let b = bundle("integrity", 400, 21, false);
    let t = load(&b.dir);
    #[rustfmt::skip]
    let fks: &[(Column, Column)] = &[
        (("workspaces.csv", "company_id"), ("companies.csv", "company_id")),
        (("contacts.csv", "workspace_id"), ("workspaces.csv", "workspace_id")),
        (("contacts.csv", "user_id"), ("admin_users.csv", "admin_user_id")),
        (("contacts.csv", "manager_contact_id"), ("contacts.csv", "contact_id")),
        (("contacts.csv", "manager_employee_id"), ("contacts.csv", "employee_id")),
        (("contacts.csv", "company"), ("companies.csv", "name")),
        (("contacts.csv", "location"), ("companies.csv", "name")),
        (("contact_relationships.csv", "contact_id"), ("contacts.csv", "contact_id")),
        (("contact_relationships.csv", "related_contact_id"), ("contacts.csv", "contact_id")),
        (("contact_relationships.csv", "relationship_type_id"), ("relationship_types.csv", "relationship_type_id")),
        (("companies.csv", "parent_company_id"), ("companies.csv", "company_id")),
        (("companies.csv", "workspace_id"), ("workspaces.csv", "workspace_id")),
        (("company_contacts.csv", "contact_id"), ("contacts.csv", "contact_id")),
        (("company_contacts.csv", "company_id"), ("companies.csv", "company_id")),
        (("groups.csv", "workspace_id"), ("workspaces.csv", "workspace_id")),
        (("groups.csv", "user_id"), ("admin_users.csv", "admin_user_id")),
        (("groups.csv", "cover_image_file_id"), ("files.csv", "file_id")),
        (("group_memberships.csv", "group_id"), ("groups.csv", "group_id")),
        (("group_memberships.csv", "contact_id"), ("contacts.csv", "contact_id")),
        (("contact_tags.csv", "contact_id"), ("contacts.csv", "contact_id")),
        (("campaigns.csv", "automation_id"), ("automations.csv", "automation_id")),
        (("messages.csv", "workspace_id"), ("workspaces.csv", "workspace_id")),
        (("messages.csv", "feed_image_file_id"), ("files.csv", "file_id")),
        (("messages.csv", "campaign_id"), ("campaigns.csv", "campaign_id")),
        (("messages.csv", "automation_id"), ("automations.csv", "automation_id")),
        (("messages.csv", "created_by"), ("admin_users.csv", "admin_user_id")),
        (("message_modules.csv", "message_id"), ("messages.csv", "message_id")),
        (("message_analytics.csv", "message_id"), ("messages.csv", "message_id")),
        (("message_recipients.csv", "message_id"), ("messages.csv", "message_id")),
        (("message_recipients.csv", "contact_id"), ("contacts.csv", "contact_id")),
        (("message_events.csv", "message_id"), ("messages.csv", "message_id")),
        (("message_events.csv", "contact_id"), ("contacts.csv", "contact_id")),
        (("message_events.csv", "module_id"), ("message_modules.csv", "module_id")),
        (("social_posts.csv", "group_id"), ("groups.csv", "group_id")),
        (("social_posts.csv", "author_contact_id"), ("contacts.csv", "contact_id")),
        (("social_posts.csv", "author_admin_user_id"), ("admin_users.csv", "admin_user_id")),
        (("learning_paths.csv", "automation_id"), ("automations.csv", "automation_id")),
        (("learning_enrollments.csv", "learning_path_id"), ("learning_paths.csv", "learning_path_id")),
        (("learning_enrollments.csv", "contact_id"), ("contacts.csv", "contact_id")),
        (("quiz_results.csv", "message_id"), ("messages.csv", "message_id")),
        (("quiz_results.csv", "module_id"), ("message_modules.csv", "module_id")),
        (("quiz_results.csv", "contact_id"), ("contacts.csv", "contact_id")),
        (("pulse_surveys.csv", "manager_relationship_type_id"), ("relationship_types.csv", "relationship_type_id")),
        (("pulse_surveys.csv", "message_id"), ("messages.csv", "message_id")),
        (("pulse_questions.csv", "pulse_id"), ("pulse_surveys.csv", "pulse_id")),
        (("survey_responses.csv", "pulse_id"), ("pulse_surveys.csv", "pulse_id")),
        (("survey_responses.csv", "question_id"), ("pulse_questions.csv", "question_id")),
        (("survey_responses.csv", "message_id"), ("messages.csv", "message_id")),
        (("survey_responses.csv", "module_id"), ("message_modules.csv", "module_id")),
        (("survey_responses.csv", "contact_id"), ("contacts.csv", "contact_id")),
        (("pulse_results_aggregated.csv", "pulse_id"), ("pulse_surveys.csv", "pulse_id")),
        (("pulse_results_aggregated.csv", "manager_contact_id"), ("contacts.csv", "contact_id")),
        (("pulse_results_aggregated.csv", "question_id"), ("pulse_questions.csv", "question_id")),
        (("feedback_threads.csv", "from_contact_id"), ("contacts.csv", "contact_id")),
        (("feedback_threads.csv", "to_contact_id"), ("contacts.csv", "contact_id")),
        (("tasks.csv", "related_contact_id"), ("contacts.csv", "contact_id")),
        (("tasks.csv", "related_message_id"), ("messages.csv", "message_id")),
        (("activities.csv", "contact_id"), ("contacts.csv", "contact_id")),
        (("activities.csv", "owner_email"), ("admin_users.csv", "email")),
        (("files.csv", "uploaded_by"), ("admin_users.csv", "email")),
        (("automations.csv", "trigger_message_id"), ("messages.csv", "message_id")),
        (("automations.csv", "created_by"), ("admin_users.csv", "admin_user_id")),
        (("automation_steps.csv", "automation_id"), ("automations.csv", "automation_id")),
        (("automation_steps.csv", "message_id"), ("messages.csv", "message_id")),
        (("automation_steps.csv", "recipient_relationship_type_id"), ("relationship_types.csv", "relationship_type_id")),
        (("automation_steps.csv", "group_id"), ("groups.csv", "group_id")),
        (("automation_enrollments.csv", "automation_id"), ("automations.csv", "automation_id")),
        (("automation_enrollments.csv", "contact_id"), ("contacts.csv", "contact_id")),
    ];
    for (from, to) in fks {
        resolves(&t, *from, *to);
    }
    resolves_multi(
        &t,
        ("admin_users.csv", "workspace_ids"),
        ("workspaces.csv", "workspace_id"),
    );
    resolves_multi(&t, ("contacts.csv", "groups"), ("groups.csv", "name"));
    resolves_multi(
        &t,
        ("learning_paths.csv", "message_ids"),
        ("messages.csv", "message_id"),
    );
    resolves_multi(
        &t,
        ("pulse_surveys.csv", "target_group_ids"),
        ("groups.csv", "group_id"),
    );
    resolves_multi(
        &t,
        ("integrations.csv", "scope_group_ids"),
        ("groups.csv", "group_id"),
    );

    // Polymorphic file parents.
    let parents: HashMap<&str, (&str, &str)> = [
        ("message", ("messages.csv", "message_id")),
        ("message_module", ("message_modules.csv", "module_id")),
        ("group", ("groups.csv", "group_id")),
        ("social_post", ("social_posts.csv", "post_id")),
        ("contact", ("contacts.csv", "contact_id")),
        ("learning_path", ("learning_paths.csv", "learning_path_id")),
        ("task", ("tasks.csv", "task_id")),
        ("feedback", ("feedback_threads.csv", "feedback_id")),
    ]
    .into();
    let files = &t["files.csv"];
    for r in &files.rows {
        let (file, col) = parents[r[files.col("parent_type")].as_str()];
        assert!(
            t[file]
                .keys(col)
                .contains(r[files.col("parent_id")].as_str()),
            "file {} has no parent",
            r[0]
        );
    }

    // Tasks are assigned by e-mail to a contact or an admin user.
    let emails: HashSet<String> = t["contacts.csv"]
        .values("email")
        .chain(t["admin_users.csv"].values("email"))
        .map(str::to_lowercase)
        .collect();
    assert!(t["tasks.csv"]
        .values("assignee_email")
        .all(|e| e.is_empty() || emails.contains(&e.to_lowercase())));
    let removers: HashSet<&str> = t["admin_users.csv"].keys("email");
    assert!(t["group_memberships.csv"]
        .values("removed_by")
        .all(|e| e.is_empty() || e == "system" || removers.contains(e)));

    // Keys are unique.
    for (file, key) in [
        ("contacts.csv", "contact_id"),
        ("contacts.csv", "employee_id"),
        ("contacts.csv", "email"),
        ("messages.csv", "message_id"),
        ("groups.csv", "name"),
        ("message_events.csv", "event_id"),
        ("survey_responses.csv", "response_id"),
    ] {
        let vals: Vec<&str> = t[file].values(key).filter(|v| !v.is_empty()).collect();
        assert_eq!(
            vals.len(),
            vals.iter().collect::<HashSet<_>>().len(),
            "{file}.{key} repeats"
        );
    }

    // The manager hierarchy has no cycles.
    let contacts = &t["contacts.csv"];
    let manager: HashMap<&str, &str> = contacts
        .rows
        .iter()
        .map(|r| {
            (
                r[0].as_str(),
                r[contacts.col("manager_contact_id")].as_str(),
            )
        })
        .collect();
    for start in manager.keys() {
        let (mut at, mut steps) = (*start, 0);
        while let Some(m) = manager.get(at).filter(|m| !m.is_empty()) {
            at = m;
            steps += 1;
            assert!(steps <= manager.len(), "manager cycle through {start}");
        }
    }

    // Exactly one primary company per contact, and some contacts with two or more.
    let links = &t["company_contacts.csv"];
    let mut primaries: HashMap<&str, usize> = HashMap::new();
    let mut companies: HashMap<&str, usize> = HashMap::new();
    for r in &links.rows {
        *companies.entry(&r[0]).or_default() += 1;
        if r[links.col("is_primary")] == "true" {
            *primaries.entry(&r[0]).or_default() += 1;
        }
    }
    assert_eq!(primaries.len(), contacts.rows.len());
    assert!(primaries.values().all(|&n| n == 1));
    assert!(companies.values().filter(|&&n| n >= 2).count() >= 5);

    // Group member counts and contacts.groups agree with the active memberships.
    let members = &t["group_memberships.csv"];
    let mut active: HashMap<&str, Vec<&str>> = HashMap::new();
    for r in &members.rows {
        if r[members.col("removed_at")].is_empty() {
            active.entry(&r[0]).or_default().push(&r[1]);
        }
    }
    let groups = &t["groups.csv"];
    let group_name: HashMap<&str, &str> = groups
        .rows
        .iter()
        .map(|r| (r[0].as_str(), r[groups.col("name")].as_str()))
        .collect();
    for r in &groups.rows {
        let n = active.get(r[0].as_str()).map_or(0, Vec::len);
        assert_eq!(
            r[groups.col("member_count")],
            n.to_string(),
            "group {}",
            r[0]
        );
    }
    let mut of_contact: HashMap<&str, HashSet<&str>> = HashMap::new();
    for (g, cs) in &active {
        for c in cs {
            of_contact.entry(c).or_default().insert(group_name[g]);
        }
    }
    for r in &contacts.rows {
        let listed: HashSet<&str> = r[contacts.col("groups")]
            .split(';')
            .filter(|s| !s.is_empty())
            .collect();
        assert_eq!(
            listed,
            of_contact.remove(r[0].as_str()).unwrap_or_default(),
            "contact {}",
            r[0]
        );
    }

    // Campaign message counts, enrollment states, anonymous pulse answers.
    let messages = &t["messages.csv"];
    for r in &t["campaigns.csv"].rows {
        let n = messages
            .values("campaign_id")
            .filter(|c| *c == r[0])
            .count();
        assert_eq!(r[t["campaigns.csv"].col("message_count")], n.to_string());
    }
    let e = &t["learning_enrollments.csv"];
    let taken = &b.manifest.taken_at[..10];
    for r in &e.rows {
        let (status, done, progress) = (
            &r[e.col("status")],
            &r[e.col("completion_date")],
            &r[e.col("progress_pct")],
        );
        assert_eq!(
            status == "Completed",
            !done.is_empty(),
            "enrollment {}",
            r[0]
        );
        assert_eq!(
            status == "Completed",
            progress == "100.0",
            "enrollment {}",
            r[0]
        );
        if status == "Not Started" {
            assert_eq!(progress, "0.0");
        }
        if status == "Completed" {
            assert!(done.as_str() >= r[e.col("start_date")].as_str());
        }
        assert_eq!(
            status == "Overdue",
            status != "Completed" && r[e.col("due_date")].as_str() < taken,
            "enrollment {}",
            r[0]
        );
    }
    let s = &t["survey_responses.csv"];
    assert!(s
        .rows
        .iter()
        .filter(|r| r[1] == "pulse")
        .all(|r| r[s.col("contact_id")].is_empty()));
    let agg = &t["pulse_results_aggregated.csv"];
    for r in &agg.rows {
        let n: u32 = r[agg.col("respondents")].parse().unwrap();
        assert_eq!(
            r[agg.col("avg_score")].is_empty(),
            n < 3 || r[agg.col("scale_max")].is_empty()
        );
    }
    let tasks = &t["tasks.csv"];
    assert!(tasks.rows.iter().all(
        |r| (r[tasks.col("status")] == "Completed") != r[tasks.col("completed_at")].is_empty()
    ));
}

#[test]
fn sizes_follow_the_reference_proportions_and_scale_linearly() {
    let big = bundle("size-600", 600, 5, false);
    let double = bundle("size-1200", 1200, 5, false);
    let rows = |b: &Bundle, name: &str| {
        b.manifest
            .files
            .iter()
            .find(|f| f.name == name)
            .unwrap()
            .rows
    };
    // §5 "Suggested dataset sizes" for ~600 contacts.
    assert_eq!(rows(&big, "contacts.csv"), 600);
    assert_eq!(rows(&big, "workspaces.csv"), 3);
    assert_eq!(rows(&big, "messages.csv"), 120);
    assert_eq!(rows(&big, "learning_paths.csv"), 4);
    assert_eq!(rows(&big, "pulse_surveys.csv"), 2);
    assert_eq!(rows(&big, "tasks.csv"), 200);
    assert_eq!(rows(&big, "feedback_threads.csv"), 150);
    assert_eq!(rows(&big, "activities.csv"), 300);
    assert!((35..=45).contains(&rows(&big, "groups.csv")));
    assert!(
        (15_000..=30_000).contains(&rows(&big, "message_recipients.csv")),
        "{}",
        rows(&big, "message_recipients.csv")
    );
    assert!(
        (40_000..=75_000).contains(&rows(&big, "message_events.csv")),
        "{}",
        rows(&big, "message_events.csv")
    );
    let messages = &big.dir.join("messages.csv");
    let training = std::fs::read_to_string(messages)
        .unwrap()
        .matches(",training,")
        .count();
    assert!((10..=25).contains(&training), "{training} trainings");
    for name in [
        "contacts.csv",
        "message_recipients.csv",
        "message_events.csv",
        "group_memberships.csv",
        "survey_responses.csv",
        "messages.csv",
        "files.csv",
    ] {
        // From 600 contacts on, workspaces hold ~200 people each, so every file grows linearly.
        let ratio = rows(&double, name) as f64 / rows(&big, name) as f64;
        assert!(
            (1.6..=2.4).contains(&ratio),
            "{name}: 1200 contacts give {ratio:.2}× the rows of 600"
        );
    }
}

#[test]
fn messy_file_level_defects_are_in_the_bytes() {
    let b = bundle("messy-bytes", 600, 8, true);
    let read = |name: &str| std::fs::read(b.dir.join(name)).unwrap();
    let mut boms = 0;
    for f in &b.manifest.files {
        let bytes = read(f.name);
        assert_eq!(bytes.starts_with(b"\xEF\xBB\xBF"), f.bom, "{}", f.name);
        boms += usize::from(f.bom);
    }
    assert!((14..=17).contains(&boms), "{boms} files with a BOM");
    // Windows-1252: invalid as UTF-8, and `Ø` is the single byte D8.
    let companies = read("companies.csv");
    assert!(std::str::from_utf8(&companies).is_err());
    let (text, _, _) = encoding_rs::WINDOWS_1252.decode(&companies);
    assert!(text.contains("Region Øst"));
    assert!(companies.windows(4).any(|w| w == b" \xD8st"));
    let contacts = String::from_utf8(read("contacts.csv")).unwrap();
    assert!(contacts.starts_with("sep=;\r\ncontact_id;workspace_id;"));
    assert!(contacts
        .lines()
        .nth(1)
        .unwrap()
        .contains(";Fornavn;Efternavn;"));
    // §4.0: `Mobilnummer` is the UI label of the mobile number (msisdn), not
    // of the landline `phone_number`, which keeps its API name.
    assert!(contacts.contains(";Mobilnummer;country_code;phone_number;Titel;Afdeling;"));
    assert!(!String::from_utf8(read("tasks.csv")).unwrap().contains('\r'));
    let activities = String::from_utf8(read("activities.csv")).unwrap();
    assert!(activities.lines().next().unwrap().ends_with("notes,,"));
    assert!(activities.ends_with("\r\n\r\n\r\n"));
    let admins = String::from_utf8(read("admin_users.csv")).unwrap();
    assert!(admins
        .lines()
        .next()
        .unwrap()
        .trim_start_matches('\u{feff}')
        .ends_with("last_login_at,Email"));
    let groups = String::from_utf8(read("groups.csv")).unwrap();
    assert!(groups.lines().next().unwrap().contains(",Name ,"));
    let tasks_header = String::from_utf8(read("tasks.csv"))
        .unwrap()
        .lines()
        .next()
        .unwrap()
        .trim_start_matches('\u{feff}')
        .to_string();
    assert_ne!(
        tasks_header,
        EXPECTED
            .iter()
            .find(|e| e.0 == "tasks.csv")
            .unwrap()
            .1
            .join(",")
    );

    let found: HashSet<String> = b
        .manifest
        .injected
        .iter()
        .map(|i| {
            serde_json::to_value(i.feature)
                .unwrap()
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    let required = [
        "bom",
        "windows1252",
        "lf_line_endings",
        "multiline_cell",
        "semicolon_delimiter",
        "sep_line",
        "decimal_comma",
        "danish_header",
        "header_trailing_space",
        "header_mixed_case",
        "duplicated_header",
        "trailing_empty_columns",
        "blank_lines_at_eof",
        "shuffled_columns",
        "ragged_row",
        "employee_id_lost_zeros",
        "scientific_notation",
        "orphan_reference",
        "self_managed",
        "manager_cycle",
        "group_name_variant",
        "group_name_case_duplicate",
        "email_duplicate_case",
        "shared_mailbox",
        "no_email",
        "phone_mixed_format",
        "name_full_in_first",
        "enum_variant",
        "boolean_variant",
        "date_mixed_format",
        "date_ambiguous",
        "date_excel_serial",
        "date_zero",
        "percent_variant",
        "no_rate_available",
        "out_of_scale_answer",
        "text_in_number",
        "pulse_response_with_contact",
        "completed_without_date",
        "completion_before_start",
        "overdue_with_future_due",
        "progress_mismatch",
        "file_size_as_text",
        "duration_as_text",
        "datetime_dst_gap",
        "datetime_dst_overlap",
        "fake_cpr",
        "anonymised_with_recipients",
        "thousands_separator",
        "member_count_mismatch",
    ];
    let missing: Vec<&str> = required
        .iter()
        .copied()
        .filter(|f| !found.contains(*f))
        .collect();
    assert!(missing.is_empty(), "features not injected: {missing:?}");
    // Row-level entries list where they are.
    for i in &b.manifest.injected {
        if i.count == 0 {
            assert!(
                i.records.is_empty() && i.lines.len() == 1,
                "{:?}",
                i.feature
            );
        } else {
            assert_eq!(i.records.len(), i.lines.len());
            assert!(i.count as usize >= i.records.len());
        }
    }
    // Only the fake CPR shape ever appears.
    let all: String = b
        .manifest
        .files
        .iter()
        .map(|f| String::from_utf8_lossy(&read(f.name)).into_owned())
        .collect();
    assert!(all.contains("010190-XXXX"));
    assert!(!all.contains("@nordiskretail.dk") && !all.contains(".com"));
}

#[test]
fn the_cli_writes_a_bundle_and_rejects_out_of_range_counts() {
    let dir = std::env::temp_dir().join(format!("ferry-gen-cli-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let run = |contacts: &str| {
        std::process::Command::new(env!("CARGO_BIN_EXE_ferry"))
            .args(["gen", "--contacts", contacts, "--seed", "2", "--out"])
            .arg(&dir)
            .arg("--messy")
            .output()
            .expect("ferry runs")
    };
    let ok = run("100");
    assert_eq!(
        ok.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&ok.stderr)
    );
    assert!(String::from_utf8_lossy(&ok.stderr).contains("wrote 33 files"));
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.join("manifest.json")).unwrap()).unwrap();
    assert_eq!(manifest["contacts"], 100);
    assert_eq!(manifest["messy"], true);
    let _ = std::fs::remove_dir_all(&dir);
    let too_few = run("99");
    assert_eq!(too_few.status.code(), Some(2));
    assert!(!dir.exists());
}
