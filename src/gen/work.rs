//! Working-life files: feedback threads, tasks, activities, automations
//! (with steps and enrollments) and integrations.
//!
//! Input: the world. Output: one [`FileReport`] per file. Invariants (clean
//! mode): feedback goes between a contact and their manager; `completed_at`
//! is set exactly for completed tasks and automation runs; every step,
//! message, group and relationship type an automation names exists.

use super::messy::Feature;
use super::out::FileReport;
use super::rng::coprime_step;
use super::words::*;
use super::world::*;
use super::Ctx;
use std::io;

pub const TASK_ID0: u64 = 30_001;
pub const FEEDBACK_ID0: u64 = 90_001;
pub const ACTIVITY_ID0: u64 = 50_001;
pub const INTEGRATION_ID0: u64 = 201;

pub fn write(ctx: &Ctx, r: &mut Vec<FileReport>) -> io::Result<()> {
    r.push(feedback(ctx)?);
    r.push(tasks(ctx)?);
    r.push(activities(ctx)?);
    r.push(automations(ctx)?);
    r.push(steps(ctx)?);
    r.push(automation_enrollments(ctx)?);
    r.push(integrations(ctx)?);
    Ok(())
}

static FEEDBACK_MESS: &[(Feature, u32)] = &[(Feature::MultilineCell, 1000), (Feature::FakeCpr, 50)];

fn feedback(ctx: &Ctx) -> io::Result<FileReport> {
    let name = "feedback_threads.csv";
    let w = ctx.w;
    let mut out = ctx.open(name)?;
    let mut rng = ctx.rng(name);
    let total = w.feedback_count();
    let mut pick = ctx.picker(name, u64::from(total), FEEDBACK_MESS);
    let mut row = ctx.row(&out);
    let mut id = 0u32;
    while id < total {
        let i = rng.below(u64::from(w.n)) as u32;
        let c = &w.contacts[i as usize];
        if c.manager == NONE || c.deleted_at != 0 {
            continue;
        }
        let thread = rng.u64() & 0xFFFF_FFFF_FFFF;
        let subject = rng.pick(FEEDBACK_SUBJECTS);
        let created = rng.range(c.created, w.taken_at - DAY);
        let replies = if rng.chance(300) { 2 } else { 1 };
        for k in 0..replies {
            if id >= total {
                break;
            }
            let (from, to) = if k == 0 {
                (i, c.manager)
            } else {
                (c.manager, i)
            };
            let at = (created + i64::from(k) * rng.range(3600, 3 * DAY)).min(w.taken_at - 60);
            let status = match rng.below(10) {
                0 => "cancelled",
                1..3 => "scheduled",
                _ => "completed",
            };
            let scheduled = if status == "scheduled" {
                w.today + rng.range(1, 30)
            } else {
                at.div_euclid(DAY)
            };
            row.clear();
            row.int(FEEDBACK_ID0 + u64::from(id))
                .fmt(format_args!("thr_{thread:012x}"))
                .s(subject)
                .s(rng.pick(FEEDBACK_TEXTS))
                .int(CONTACT_ID0 + u64::from(from))
                .int(CONTACT_ID0 + u64::from(to))
                .date(scheduled)
                .s(status)
                .s(rng.pick(&["feedback_module", "pulse_followup", "manual"]))
                .dt(at);
            match pick.next(u64::from(id) + 1) {
                Some(f @ Feature::MultilineCell) => {
                    let v = format!(
                        "{}\n\nAftaler:\n- følg op om 14 dage\n- book kursus",
                        row.get(3)
                    );
                    row.set(3, &v);
                    out.mark(f, Some("content"));
                }
                Some(f @ Feature::FakeCpr) => {
                    let v = format!("{} (CPR 010190-XXXX til lønkontoret)", row.get(3));
                    row.set(3, &v);
                    out.mark(f, Some("content"));
                }
                _ => {}
            }
            out.write(&row)?;
            id += 1;
        }
    }
    out.finish()
}

pub const TASK_STATUS: &[&str] = &["Open", "In Progress", "Completed", "Cancelled"];
static TASK_MESS: &[(Feature, u32)] = &[
    (Feature::EnumVariant, 1000),
    (Feature::OrphanReference, 200),
];

fn tasks(ctx: &Ctx) -> io::Result<FileReport> {
    let name = "tasks.csv";
    let w = ctx.w;
    let mut out = ctx.open(name)?;
    let mut rng = ctx.rng(name);
    let mut pick = ctx.picker(name, u64::from(w.task_count()), TASK_MESS);
    let mut row = ctx.row(&out);
    let nws = w.ws.len();
    for t in 0..w.task_count() {
        let wsi = (t as usize % nws) as u32;
        let created = rng.range(w.taken_at - 400 * DAY, w.taken_at - DAY);
        let status = rng.index(TASK_STATUS.len());
        let contact = w.contact_of(&mut rng, wsi);
        row.clear();
        row.int(TASK_ID0 + u64::from(t)).s(rng.pick(TASK_SUBJECTS));
        if rng.chance(600) {
            row.s("Se detaljer i tråden.");
        } else {
            row.empty();
        }
        row.opt_date(
            rng.chance(800)
                .then(|| created.div_euclid(DAY) + rng.range(1, 60)),
        );
        match rng.below(10) {
            0 => row.empty(),
            1..5 => {
                let m = w.contacts[contact as usize].manager;
                if m != NONE && w.contacts[m as usize].has(flag::HAS_EMAIL) {
                    row.s(&w.email(m))
                } else {
                    row.s(&w.admin_email(w.admin_of(&mut rng, wsi)))
                }
            }
            _ => row.s(&w.admin_email(w.admin_of(&mut rng, wsi))),
        };
        row.s(TASK_STATUS[status])
            .s(rng.pick(&["Low", "Normal", "Normal", "High", "Urgent"]))
            .dt(created);
        row.opt_dt((status == 2).then(|| rng.range(created + 60, w.taken_at - 60)));
        if rng.chance(700) {
            row.int(CONTACT_ID0 + u64::from(contact));
        } else {
            row.empty();
        }
        let msgs = count_of_ws(w.messages.len(), nws, wsi);
        if msgs > 0 && rng.chance(300) {
            row.int(
                MESSAGE_ID0 + u64::from(nth_of_ws(w.messages.len(), nws, wsi, rng.below(msgs))),
            );
        } else {
            row.empty();
        }
        match pick.next(u64::from(t) + 1) {
            Some(f @ Feature::EnumVariant) => {
                let v = match status {
                    0 => "open",
                    1 => "I gang",
                    2 => "Afsluttet",
                    _ => "annulleret",
                };
                row.set(5, v);
                out.mark(f, Some("status"));
            }
            Some(f @ Feature::OrphanReference) => {
                row.set(
                    4,
                    &format!("tidligere.medarbejder@{}", w.ws[wsi as usize].domain()),
                );
                out.mark(f, Some("assignee_email"));
            }
            _ => {}
        }
        out.write(&row)?;
    }
    out.finish()
}

static ACTIVITY_MESS: &[(Feature, u32)] = &[
    (Feature::DurationAsText, 200),
    (Feature::FakeCpr, 30),
    (Feature::RaggedRow, 30),
];

fn activities(ctx: &Ctx) -> io::Result<FileReport> {
    let name = "activities.csv";
    let w = ctx.w;
    let mut out = ctx.open(name)?;
    let mut rng = ctx.rng(name);
    let mut pick = ctx.picker(name, u64::from(w.activity_count()), ACTIVITY_MESS);
    let mut row = ctx.row(&out);
    let nws = w.ws.len();
    for a in 0..w.activity_count() {
        let wsi = (a as usize % nws) as u32;
        let kind = rng.pick(&["call", "meeting", "note", "email", "sms"]);
        let minutes = match kind {
            "call" => Some(rng.range(2, 30)),
            "meeting" => Some(15 * rng.range(1, 6)),
            _ => None,
        };
        row.clear();
        row.int(ACTIVITY_ID0 + u64::from(a))
            .s(kind)
            .s(rng.pick(ACTIVITY_SUBJECTS))
            .int(CONTACT_ID0 + u64::from(w.contact_of(&mut rng, wsi)))
            .s(&w.admin_email(w.admin_of(&mut rng, wsi)))
            .dt(rng.range(w.taken_at - 365 * DAY, w.taken_at - 60))
            .opt_int(minutes)
            .s(rng.pick(OUTCOMES))
            .s(rng.pick(&["", "Ringer igen i morgen.", "Aftalt møde næste uge."]));
        let mut cut = 0;
        match pick.next(u64::from(a) + 1) {
            Some(f @ Feature::DurationAsText) => {
                let m = minutes.unwrap_or(30);
                let v = if m >= 60 {
                    format!("{}h {}m", m / 60, m % 60)
                } else {
                    format!("ca. {m} min")
                };
                row.set(6, &v);
                out.mark(f, Some("duration_minutes"));
            }
            Some(f @ Feature::FakeCpr) => {
                row.set(8, "Bad om ny lønseddel, CPR 010190-XXXX");
                out.mark(f, Some("notes"));
            }
            Some(f @ Feature::RaggedRow) => {
                // The row stops after `outcome`: fewer fields than the header.
                cut = 3;
                out.mark(f, Some("notes"));
            }
            _ => {}
        }
        out.write_cut(&row, cut)?;
    }
    out.finish()
}

static AUTOMATION_MESS: &[(Feature, u32)] = &[(Feature::EnumVariant, 1000)];

fn automations(ctx: &Ctx) -> io::Result<FileReport> {
    let name = "automations.csv";
    let w = ctx.w;
    let mut out = ctx.open(name)?;
    let mut rng = ctx.rng(name);
    let mut pick = ctx.picker(name, w.automations.len() as u64, AUTOMATION_MESS);
    let mut row = ctx.row(&out);
    for (a, au) in w.automations.iter().enumerate() {
        let status = rng.pick(&["active", "active", "active", "paused", "draft"]);
        row.clear();
        row.int(AUTOMATION_ID0 + a as u64)
            .fmt(format_args!(
                "{} #{}",
                AUTOMATION_NAMES[a % AUTOMATION_NAMES.len()],
                a + 1
            ))
            .s(status)
            .s(TRIGGERS[au.trigger as usize]);
        if au.trigger_msg == NONE {
            row.empty();
        } else {
            row.int(MESSAGE_ID0 + u64::from(au.trigger_msg));
        }
        if rng.chance(300) {
            row.fmt(format_args!(
                "department = '{}'",
                DEPARTMENTS[w.ws[au.ws as usize].depts[0] as usize]
            ));
        } else {
            row.empty();
        }
        row.bool(rng.chance(100))
            .int(au.steps)
            .int(ADMIN_ID0 + u64::from(au.created_by))
            .dt(au.created)
            .dt(rng.range(au.created, w.taken_at - 60));
        if let Some(f @ Feature::EnumVariant) = pick.next(a as u64 + 1) {
            row.set(
                2,
                if status == "active" {
                    "Aktiv"
                } else {
                    "Paused"
                },
            );
            out.mark(f, Some("status"));
        }
        out.write(&row)?;
    }
    out.finish()
}

fn steps(ctx: &Ctx) -> io::Result<FileReport> {
    let name = "automation_steps.csv";
    let w = ctx.w;
    let mut out = ctx.open(name)?;
    let mut rng = ctx.rng(name);
    let mut row = ctx.row(&out);
    let nws = w.ws.len();
    for (a, au) in w.automations.iter().enumerate() {
        let ws = &w.ws[au.ws as usize];
        for s in 1..=i64::from(au.steps) {
            let rule = s % 2 == 1 && s < i64::from(au.steps);
            row.clear();
            row.int(AUTOMATION_ID0 + a as u64).int(s);
            if s == 1 {
                row.empty();
            } else {
                row.int(s - 1);
            }
            if rule {
                let r = rng.pick(&[
                    "time_delay",
                    "time_delay",
                    "all_quizzes_completed",
                    "media_played",
                    "group_membership",
                    "has_tags",
                ]);
                row.s("rule").s(r).empty();
                if r == "time_delay" {
                    row.int(rng.range(1, 8))
                        .s(rng.pick(&["hours", "days", "weeks"]));
                } else {
                    row.empty().empty();
                }
                row.empty().empty().empty();
                if r == "group_membership" {
                    row.int(
                        GROUP_ID0
                            + u64::from(ws.group_base + rng.below(u64::from(ws.groups())) as u32),
                    );
                } else {
                    row.empty();
                }
                if r == "has_tags" {
                    row.fmt(format_args!("{{\"tags\":[\"{}\"]}}", rng.pick(TAGS)));
                } else {
                    row.empty();
                }
            } else {
                let action = rng.pick(&[
                    "send_message",
                    "send_message",
                    "update_contact",
                    "update_groups",
                    "modify_tags",
                ]);
                row.s("action").empty().s(action).empty().empty();
                if action == "send_message" {
                    let k = count_of_ws(w.messages.len(), nws, au.ws);
                    row.int(
                        MESSAGE_ID0
                            + u64::from(nth_of_ws(w.messages.len(), nws, au.ws, rng.below(k))),
                    );
                    if rng.chance(300) {
                        row.s("relationship").int(1);
                    } else {
                        row.s("contact").empty();
                    }
                } else {
                    row.empty().empty().empty();
                }
                if action == "update_groups" {
                    row.int(
                        GROUP_ID0
                            + u64::from(ws.group_base + rng.below(u64::from(ws.groups())) as u32),
                    );
                } else {
                    row.empty();
                }
                match action {
                    "update_contact" => row.s("{\"field\":\"data3\",\"value\":\"Active\"}"),
                    "modify_tags" => row.fmt(format_args!("{{\"add\":[\"{}\"]}}", rng.pick(TAGS))),
                    _ => row.empty(),
                };
            }
            out.write(&row)?;
        }
    }
    out.finish()
}

fn automation_enrollments(ctx: &Ctx) -> io::Result<FileReport> {
    let name = "automation_enrollments.csv";
    let w = ctx.w;
    let mut out = ctx.open(name)?;
    let mut rng = ctx.rng(name);
    let mut row = ctx.row(&out);
    for (a, au) in w.automations.iter().enumerate() {
        let ws = &w.ws[au.ws as usize];
        let size = u64::from(ws.size());
        let k = (size / 5).min(40);
        let (start, step) = (rng.below(size), coprime_step(&mut rng, size));
        for j in 0..k {
            let i = ws.lo + ((start + j * step) % size) as u32;
            let c = &w.contacts[i as usize];
            let entered = rng.range(c.created.max(au.created), w.taken_at - 3600);
            let steps = i64::from(au.steps);
            row.clear();
            row.int(AUTOMATION_ID0 + a as u64)
                .int(CONTACT_ID0 + u64::from(i))
                .dt(entered);
            if c.deleted_at != 0 {
                row.int(rng.range(1, steps + 1))
                    .empty()
                    .s("contact_deleted");
            } else {
                match rng.below(10) {
                    0..6 => row
                        .int(steps)
                        .dt(rng
                            .range(entered + 60, w.taken_at - 60)
                            .max(entered + 60)
                            .min(w.taken_at - 60))
                        .s("completed"),
                    6 => row.int(rng.range(1, steps)).empty().s("removed"),
                    7 => row.int(rng.range(1, steps)).empty().s("override"),
                    _ => row.int(rng.range(1, steps)).empty().empty(),
                };
            }
            out.write(&row)?;
        }
    }
    out.finish()
}

fn integrations(ctx: &Ctx) -> io::Result<FileReport> {
    let name = "integrations.csv";
    let w = ctx.w;
    let mut out = ctx.open(name)?;
    let mut rng = ctx.rng(name);
    let mut row = ctx.row(&out);
    let mut id = INTEGRATION_ID0;
    for (wi, ws) in w.ws.iter().enumerate() {
        let hr = if wi % 4 == 3 { "azure_ad" } else { "csv_sftp" };
        let mut kinds = vec![hr];
        if rng.chance(500) {
            kinds.push("app_sso_oidc");
        }
        if rng.chance(300) {
            kinds.push("api_key");
        }
        for kind in kinds {
            let created = ws.created + rng.range(DAY, 200 * DAY);
            let failed = rng.chance(50);
            row.clear();
            row.int(id)
                .s(kind)
                .fmt(format_args!("{kind} – {}", ws.name))
                .s(if failed { "error" } else { "active" });
            row.s(if kind == hr { "daily 02:00" } else { "" });
            row.s(if kind == hr { "employee_id" } else { "" });
            if kind == "azure_ad" {
                for s in 0..ws.stores.min(3) {
                    if s > 0 {
                        row.raw(";");
                    }
                    row.raw_int(GROUP_ID0 + u64::from(ws.group_base + s));
                }
            }
            row.end();
            row.dt(w.taken_at - rng.range(3600, DAY)).s(if failed {
                "failed"
            } else {
                rng.pick(&["success", "success", "partial"])
            });
            for scale in [20, 200, 5, 3] {
                row.int(rng.below(scale));
            }
            row.s(if kind == "csv_sftp" {
                "SFTP sftp.nordisk.example:/hr/employees.csv"
            } else {
                ""
            })
            .dt(created);
            out.write(&row)?;
            id += 1;
        }
    }
    out.finish()
}
