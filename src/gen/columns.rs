//! The files of an Actimo export bundle and their canonical headers, as data.
//!
//! Source: `actimo-export.md` §4.1–§4.33 (one entry per section, in section
//! order). Kept as a table here, independent of the schema descriptor, so a
//! test can cross-check the two. Invariant: names are unique per file.

/// One file of the bundle.
#[derive(Debug)]
pub struct FileSpec {
    pub name: &'static str,
    pub columns: &'static [&'static str],
}

impl FileSpec {
    /// The position of a column; the tables are static, so a miss is a bug
    /// in the generator, caught by its tests.
    pub fn col(&self, column: &str) -> usize {
        self.columns
            .iter()
            .position(|c| *c == column)
            .unwrap_or_else(|| panic!("{} has no column {column}", self.name))
    }
}

macro_rules! files {
    ($( $name:literal => [$($col:literal),* $(,)?] ),* $(,)?) => {
        /// Every file, in `actimo-export.md` §4 order.
        pub static FILES: &[FileSpec] = &[
            $( FileSpec { name: $name, columns: &[$($col),*] } ),*
        ];
    };
}

files! {
    "workspaces.csv" => ["workspace_id", "name", "company_id", "custom_domain", "default_language", "timezone", "status", "created_at"],
    "admin_users.csv" => ["admin_user_id", "email", "first_name", "last_name", "mobile", "role", "workspace_ids", "login_method", "status", "created_at", "last_login_at"],
    "contact_fields.csv" => ["field_key", "label", "field_kind", "type", "options", "is_duplicate_key"],
    "contacts.csv" => [
        "contact_id", "workspace_id", "user_id", "shared", "employee_id", "first_name", "last_name", "name",
        "email", "msisdn", "country_code", "phone_number", "title", "department", "company", "location",
        "addr_line_1", "addr_line_2", "addr_city", "addr_state", "addr_zip", "addr_country", "timezone",
        "language", "allow_email", "allow_sms", "allow_push", "opt_out", "source_type", "source_data",
        "status", "employment_status", "hire_date", "manager_contact_id", "manager_employee_id",
        "engagement_score", "messages_received", "open_rate", "trainings_participated", "training_points",
        "groups", "tags", "created_at", "updated_at", "last_active_at", "deleted_at",
    ],
    "relationship_types.csv" => ["relationship_type_id", "name", "created_at"],
    "contact_relationships.csv" => ["contact_id", "relationship_type_id", "related_contact_id", "source", "updated_at"],
    "companies.csv" => ["company_id", "name", "org_unit_type", "parent_company_id", "cvr_number", "country", "workspace_id", "derived_from"],
    "company_contacts.csv" => ["contact_id", "company_id", "is_primary", "title", "start_date", "end_date"],
    "groups.csv" => [
        "group_id", "workspace_id", "user_id", "name", "description", "group_type", "smart_rule", "member_count",
        "source_type", "shared", "social_wall_enabled", "social_wall_kind", "cover_image_file_id", "created_at",
    ],
    "group_memberships.csv" => ["group_id", "contact_id", "added_at", "removed_at", "removed_by", "membership_source"],
    "contact_tags.csv" => ["contact_id", "tag", "added_at"],
    "campaigns.csv" => ["campaign_id", "name", "campaign_type", "automation_id", "category", "start_date", "end_date", "message_count", "status"],
    "messages.csv" => [
        "message_id", "workspace_id", "title", "headline", "preview_text", "feed_image_file_id", "categories",
        "message_kind", "status", "channels", "is_public", "linked_access", "allow_unsubscribe",
        "anonymise_statistics", "reactions_enabled", "comments_enabled", "share_enabled", "language",
        "page_count", "module_count", "campaign_id", "automation_id", "created_by", "created_at", "updated_at",
        "scheduled_at", "published_at",
    ],
    "message_modules.csv" => [
        "module_id", "message_id", "page_no", "position", "module_type", "label", "content", "url",
        "quiz_points", "correct_answer", "scale_min", "scale_max",
    ],
    "message_analytics.csv" => [
        "message_id", "published_to", "notified_to", "push_opened", "viewed_by", "not_opened", "open_rate",
        "total_views", "unique_views", "bounced", "clicks", "click_rate", "reactions_count", "comments_count",
        "shares_count", "traffic_push", "traffic_email", "traffic_sms", "traffic_app", "traffic_link",
        "reminders_sent", "message_count", "computed_at",
    ],
    "message_recipients.csv" => [
        "message_id", "contact_id", "name", "email", "mobile_phone", "department", "published_at",
        "notification_channel", "delivery_status", "notified_at", "opened_on", "traffic_source", "view_count",
        "reminded_at",
    ],
    "message_events.csv" => ["event_id", "message_id", "contact_id", "event_type", "channel", "module_id", "value", "occurred_at"],
    "social_posts.csv" => [
        "post_id", "group_id", "author_contact_id", "author_admin_user_id", "content", "created_at",
        "reactions_count", "comments_count", "deleted_by_admin",
    ],
    "learning_paths.csv" => [
        "learning_path_id", "name", "description", "duration_minutes", "module_count", "message_ids",
        "automation_id", "total_points", "due_days", "status", "created_at",
    ],
    "learning_enrollments.csv" => [
        "enrollment_id", "learning_path_id", "contact_id", "start_date", "due_date", "completion_date", "status",
        "progress_pct", "quizzes_completed", "quizzes_total", "score", "score_pct", "last_activity_at",
    ],
    "quiz_results.csv" => ["message_id", "module_id", "contact_id", "attempt", "answer", "is_correct", "points", "answered_at"],
    "pulse_surveys.csv" => [
        "pulse_id", "name", "status", "frequency", "question_count", "categories", "start_date",
        "response_period_days", "anonymity_threshold", "manager_relationship_type_id", "target_group_ids",
        "message_id", "created_at",
    ],
    "pulse_questions.csv" => ["question_id", "pulse_id", "category", "position", "question_text", "answer_type", "is_required"],
    "survey_responses.csv" => [
        "response_id", "survey_kind", "pulse_id", "question_id", "message_id", "module_id", "period", "contact_id",
        "answer_numeric", "answer_text", "scale_max", "submitted_at",
    ],
    "pulse_results_aggregated.csv" => [
        "pulse_id", "period", "manager_contact_id", "category", "question_id", "respondents", "avg_score",
        "scale_max", "response_rate",
    ],
    "feedback_threads.csv" => [
        "feedback_id", "thread_id", "subject", "content", "from_contact_id", "to_contact_id", "scheduled_date",
        "status", "source", "created_at",
    ],
    "tasks.csv" => [
        "task_id", "subject", "description", "due_date", "assignee_email", "status", "priority", "created_at",
        "completed_at", "related_contact_id", "related_message_id",
    ],
    "activities.csv" => [
        "activity_id", "activity_type", "subject", "contact_id", "owner_email", "occurred_at", "duration_minutes",
        "outcome", "notes",
    ],
    "files.csv" => [
        "file_id", "filename", "mime_type", "size_bytes", "url", "parent_type", "parent_id", "source",
        "uploaded_by", "uploaded_at",
    ],
    "automations.csv" => [
        "automation_id", "name", "status", "trigger_type", "trigger_message_id", "trigger_filter", "override_flow",
        "step_count", "created_by", "created_at", "updated_at",
    ],
    "automation_steps.csv" => [
        "automation_id", "step_no", "parent_step_no", "step_kind", "rule_type", "action_type", "delay_value",
        "delay_unit", "message_id", "recipient", "recipient_relationship_type_id", "group_id", "params",
    ],
    "automation_enrollments.csv" => ["automation_id", "contact_id", "entered_at", "current_step_no", "completed_at", "exit_reason"],
    "integrations.csv" => [
        "integration_id", "integration_type", "name", "status", "schedule", "unique_key_field", "scope_group_ids",
        "last_sync_at", "last_sync_status", "created_count", "updated_count", "deleted_count", "rejected_count",
        "config_summary", "created_at",
    ],
}

/// The spec of a file by name (a miss is a generator bug).
pub fn spec(name: &str) -> &'static FileSpec {
    FILES
        .iter()
        .find(|f| f.name == name)
        .unwrap_or_else(|| panic!("no bundle file {name}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thirty_three_files_with_unique_columns() {
        assert_eq!(FILES.len(), 33);
        for f in FILES {
            let mut cols: Vec<&str> = f.columns.to_vec();
            cols.sort_unstable();
            cols.dedup();
            assert_eq!(cols.len(), f.columns.len(), "{} repeats a column", f.name);
        }
    }
}
