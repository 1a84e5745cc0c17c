//! Communication files: campaigns, messages, modules, social posts, files.
//!
//! Input: the world. Output: one [`FileReport`] per file. Invariants:
//! campaign message counts and date ranges are those of the messages that
//! name them; a module's quiz points are [`World::quiz_points`] (the
//! learning files add them up); every file row's parent exists, and the
//! feed and cover images the messages and groups name are written first.

use super::mangle;
use super::messy::Feature;
use super::out::{CsvOut, FileReport, Row};
use super::rng::Rng;
use super::words::*;
use super::world::*;
use super::Ctx;
use std::io;

pub fn write(ctx: &Ctx, r: &mut Vec<FileReport>) -> io::Result<()> {
    r.push(campaigns(ctx)?);
    r.push(messages(ctx)?);
    r.push(modules(ctx)?);
    let (posts, report) = social_posts(ctx)?;
    r.push(report);
    r.push(files(ctx, posts)?);
    Ok(())
}

static CAMPAIGN_MESS: &[(Feature, u32)] = &[(Feature::DateMixedFormat, 1000)];

fn campaigns(ctx: &Ctx) -> io::Result<FileReport> {
    let name = "campaigns.csv";
    let w = ctx.w;
    let mut out = ctx.open(name)?;
    let mut rng = ctx.rng(name);
    let mut pick = ctx.picker(name, w.campaigns.len() as u64, CAMPAIGN_MESS);
    let mut row = ctx.row(&out);
    for (c, cp) in w.campaigns.iter().enumerate() {
        row.clear();
        row.int(CAMPAIGN_ID0 + c as u64)
            .fmt(format_args!(
                "{} {} – {}",
                CATEGORIES[cp.category as usize],
                2023 + c % 2,
                w.ws[cp.ws as usize].name
            ))
            .s(CAMPAIGN_KINDS[cp.kind as usize]);
        if cp.automation == NONE {
            row.empty();
        } else {
            row.int(AUTOMATION_ID0 + u64::from(cp.automation));
        }
        row.s(CATEGORIES[cp.category as usize]);
        let status = if cp.messages == 0 {
            row.empty().empty();
            "draft"
        } else {
            row.date(cp.first.div_euclid(DAY))
                .date(cp.last.div_euclid(DAY));
            if cp.last < w.taken_at - 60 * DAY {
                "completed"
            } else {
                "active"
            }
        };
        row.int(cp.messages).s(status);
        if let Some(Feature::DateMixedFormat) = pick.next(c as u64 + 1) {
            if cp.messages > 0 {
                row.set(5, &mangle::date_variant(&mut rng, cp.first.div_euclid(DAY)));
                out.mark(Feature::DateMixedFormat, Some("start_date"));
            }
        }
        out.write(&row)?;
    }
    out.finish()
}

static MESSAGE_MESS: &[(Feature, u32)] = &[
    (Feature::MultilineCell, 1500),
    (Feature::EnumVariant, 300),
    (Feature::BooleanVariant, 300),
];

fn messages(ctx: &Ctx) -> io::Result<FileReport> {
    let name = "messages.csv";
    let w = ctx.w;
    let mut out = ctx.open(name)?;
    let mut rng = ctx.rng(name);
    let mut pick = ctx.picker(name, w.messages.len() as u64, MESSAGE_MESS);
    let mut row = ctx.row(&out);
    for (m, msg) in w.messages.iter().enumerate() {
        let ws = &w.ws[msg.ws as usize];
        let title = match msg.kind {
            K_TRAINING => TRAINING_TITLES[msg.title as usize],
            K_SURVEY => SURVEY_TITLES[msg.title as usize],
            K_PULSE => "Pulsmåling",
            _ => NEWS_TITLES[msg.title as usize],
        };
        row.clear();
        row.int(MESSAGE_ID0 + m as u64)
            .int(WORKSPACE_ID0 + u64::from(msg.ws))
            .s(title)
            .s(title);
        row.s(rng.pick(PREVIEWS));
        if msg.feed_file == NONE {
            row.empty();
        } else {
            row.int(FILE_ID0 + u64::from(msg.feed_file));
        }
        let cat = match msg.kind {
            K_TRAINING => "Træning;Onboarding",
            K_SURVEY | K_PULSE => "HR",
            _ => rng.pick(&["News", "Nyheder", "News;HR", "Kampagne"]),
        };
        row.s(cat)
            .s(MESSAGE_KINDS[msg.kind as usize])
            .s(MESSAGE_STATUS[msg.status as usize]);
        let mut first = true;
        for (k, ch) in CHANNELS.iter().enumerate() {
            if msg.channels & (1 << k) != 0 {
                if !first {
                    row.raw(";");
                }
                first = false;
                row.raw(ch);
            }
        }
        row.end();
        for f in [
            mflag::PUBLIC,
            mflag::LINKED,
            mflag::UNSUBSCRIBE,
            mflag::ANONYMISED,
            mflag::REACTIONS,
            mflag::COMMENTS,
            mflag::SHARE,
        ] {
            row.bool(msg.has(f));
        }
        let lang = if msg.english {
            "en"
        } else {
            COUNTRIES[ws.country as usize].2
        };
        let modules = w.module_base[m + 1] - w.module_base[m];
        row.s(lang).int(msg.pages).int(modules);
        for id in [
            (msg.campaign, CAMPAIGN_ID0),
            (msg.automation, AUTOMATION_ID0),
            (msg.created_by, ADMIN_ID0),
        ] {
            if id.0 == NONE {
                row.empty();
            } else {
                row.int(id.1 + u64::from(id.0));
            }
        }
        row.dt(msg.created).dt(msg.updated);
        row.opt_dt((msg.scheduled != 0).then_some(msg.scheduled));
        row.opt_dt(msg.sent().then_some(msg.published));
        match pick.next(m as u64 + 1) {
            Some(Feature::MultilineCell) => {
                let v = format!("{}\n\nLæs mere i appen.\nHilsen HR", row.get(4));
                row.set(4, &v);
                out.mark(Feature::MultilineCell, Some("preview_text"));
            }
            Some(Feature::EnumVariant) => {
                let v = match msg.status {
                    2 => rng.pick(&["Published", "PUBLISHED", "Publiceret"]),
                    0 => rng.pick(&["Draft", "Kladde"]),
                    _ => rng.pick(&["Unpublished", "Slettet", "Scheduled "]),
                };
                row.set(8, v);
                out.mark(Feature::EnumVariant, Some("status"));
            }
            Some(Feature::BooleanVariant) => {
                let v = mangle::bool_variant(&mut rng, msg.has(mflag::REACTIONS));
                row.set(14, v);
                out.mark(Feature::BooleanVariant, Some("reactions_enabled"));
            }
            _ => {}
        }
        out.write(&row)?;
    }
    out.finish()
}

fn modules(ctx: &Ctx) -> io::Result<FileReport> {
    let name = "message_modules.csv";
    let w = ctx.w;
    let mut out = ctx.open(name)?;
    let mut rng = ctx.rng(name);
    let mut row = ctx.row(&out);
    for m in 0..w.messages.len() {
        let msg = &w.messages[m];
        let (lo, hi) = (w.module_base[m], w.module_base[m + 1]);
        let domain = w.ws[msg.ws as usize].domain();
        for k in lo..hi {
            let t = w.module_types[k as usize];
            let pos = k - lo;
            row.clear();
            row.int(MODULE_ID0 + u64::from(k))
                .int(MESSAGE_ID0 + m as u64)
                .int(1 + u32::from(msg.pages) * pos / (hi - lo))
                .int(pos + 1)
                .s(MODULE_TYPES[t as usize]);
            let label = match t {
                M_QUIZ => "Spørgsmål",
                M_SURVEY => "Hvad synes du?",
                M_SLIDER => "Giv en karakter",
                M_NPS => "Vil du anbefale os?",
                M_FEEDBACK => "Skriv din kommentar",
                M_BUTTON => "Læs mere",
                _ => "",
            };
            row.s(label);
            if t == M_TEXT {
                row.fmt(format_args!("<p>{}</p>", rng.pick(PREVIEWS)));
            } else {
                row.empty();
            }
            match t {
                M_BUTTON | 3 | 5 => row.fmt(format_args!("https://intra.{domain}/link/{}", m % 97)),
                _ => row.empty(),
            };
            if t == M_QUIZ {
                row.int(World::quiz_points(k)).s(rng.pick(&["A", "B", "C"]));
            } else {
                row.empty().empty();
            }
            match t {
                M_SURVEY => row.int(1).int(5),
                M_SLIDER => row.int(1).int(10),
                M_NPS => row.int(0).int(10),
                _ => row.empty().empty(),
            };
            out.write(&row)?;
        }
    }
    out.finish()
}

static POST_MESS: &[(Feature, u32)] = &[(Feature::MultilineCell, 1000)];

/// Returns the number of posts (file attachments refer to them).
fn social_posts(ctx: &Ctx) -> io::Result<(u32, FileReport)> {
    let name = "social_posts.csv";
    let w = ctx.w;
    let mut out = ctx.open(name)?;
    let mut rng = ctx.rng(name);
    let mut pick = ctx.picker(name, u64::from(w.n) / 4, POST_MESS);
    let mut row = ctx.row(&out);
    let mut post = 0u32;
    for (g, gr) in w.groups.iter().enumerate() {
        if !gr.social_wall {
            continue;
        }
        let count = gr.members / 3 + rng.below(5) as u32;
        for _ in 0..count {
            row.clear();
            row.int(POST_ID0 + u64::from(post))
                .int(GROUP_ID0 + g as u64);
            if rng.chance(800) {
                row.int(CONTACT_ID0 + u64::from(w.contact_of(&mut rng, gr.ws)))
                    .empty();
            } else {
                row.empty()
                    .int(ADMIN_ID0 + u64::from(w.admin_of(&mut rng, gr.ws)));
            }
            row.s(rng.pick(COMMENTS))
                .dt(rng.range(gr.created, w.taken_at - 60))
                .int(rng.below(40))
                .int(rng.below(12))
                .bool(rng.chance(20));
            if let Some(Feature::MultilineCell) = pick.next(u64::from(post) + 1) {
                let v = format!("{}\nSe billederne herunder.\n", row.get(4));
                row.set(4, &v);
                out.mark(Feature::MultilineCell, Some("content"));
            }
            out.write(&row)?;
            post += 1;
        }
    }
    Ok((post, out.finish()?))
}

static FILE_MESS: &[(Feature, u32)] = &[(Feature::FileSizeAsText, 500)];

struct FileWriter<'a> {
    w: &'a World,
    out: CsvOut,
    row: Row,
    rng: Rng,
    mess: Rng,
    pick: super::messy::Picker,
    next: u32,
}

impl FileWriter<'_> {
    fn emit(&mut self, parent_type: &str, parent_id: u64, ws: u32, after: i64) -> io::Result<()> {
        let (stem, ext, mime) = self.rng.pick(FILE_KINDS);
        let size = 20_000 + self.rng.below(8_000_000);
        let id = FILE_ID0 + u64::from(self.next);
        let row = &mut self.row;
        row.clear();
        row.int(id)
            .fmt(format_args!("{stem}.{ext}"))
            .s(mime)
            .int(size);
        row.fmt(format_args!(
            "https://media.{}/f/{id}",
            self.w.ws[ws as usize].domain()
        ));
        row.s(parent_type).int(parent_id);
        row.s(self.rng.pick(&[
            "upload",
            "upload",
            "media_library",
            "free_image_search",
            "external_url",
        ]));
        row.s(&self.w.admin_email(self.w.admin_of(&mut self.rng, ws)));
        row.dt(self.rng.range(after, self.w.taken_at - 60));
        if let Some(Feature::FileSizeAsText) = self.pick.next(u64::from(self.next) + 1) {
            let mb = (size + 50_000) / 100_000;
            let v = if self.mess.chance(500) {
                format!("{},{} MB", mb / 10, mb % 10)
            } else {
                format!("{}.{}MB", mb / 10, mb % 10)
            };
            row.set(3, &v);
            self.out.mark(Feature::FileSizeAsText, Some("size_bytes"));
        }
        self.next += 1;
        self.out.write(&self.row)
    }
}

fn files(ctx: &Ctx, posts: u32) -> io::Result<FileReport> {
    let name = "files.csv";
    let w = ctx.w;
    let out = ctx.open(name)?;
    let row = ctx.row(&out);
    let mut f = FileWriter {
        w,
        out,
        row,
        rng: ctx.rng(name),
        mess: ctx.rng("files.csv/mess"),
        pick: ctx.picker(name, u64::from(w.fixed_files), FILE_MESS),
        next: 0,
    };
    // Fixed ids first, in the order `World::assign_fixed_files` gave them.
    for (m, msg) in w.messages.iter().enumerate() {
        if msg.feed_file != NONE {
            f.emit("message", MESSAGE_ID0 + m as u64, msg.ws, msg.created)?;
        }
    }
    for (g, gr) in w.groups.iter().enumerate() {
        if gr.cover_file != NONE {
            f.emit("group", GROUP_ID0 + g as u64, gr.ws, gr.created)?;
        }
    }
    let mut rng = ctx.rng("files.csv/extra");
    for (m, msg) in w.messages.iter().enumerate() {
        if rng.chance(200) {
            f.emit("message", MESSAGE_ID0 + m as u64, msg.ws, msg.created)?;
        }
        for k in w.module_base[m]..w.module_base[m + 1] {
            if matches!(w.module_types[k as usize], 1 | 5 | 6) && rng.chance(300) {
                f.emit(
                    "message_module",
                    MODULE_ID0 + u64::from(k),
                    msg.ws,
                    msg.created,
                )?;
            }
        }
    }
    for (l, p) in w.paths.iter().enumerate() {
        f.emit("learning_path", PATH_ID0 + l as u64, p.ws, p.created)?;
    }
    for i in 0..w.n {
        if rng.chance(30) {
            let c = &w.contacts[i as usize];
            f.emit("contact", CONTACT_ID0 + u64::from(i), c.ws, c.created)?;
        }
    }
    for t in 0..w.task_count() {
        if rng.chance(100) {
            let ws = (t as usize % w.ws.len()) as u32;
            f.emit(
                "task",
                super::work::TASK_ID0 + u64::from(t),
                ws,
                w.ws[ws as usize].created,
            )?;
        }
    }
    for b in 0..w.feedback_count() {
        if rng.chance(50) {
            let ws = (b as usize % w.ws.len()) as u32;
            f.emit(
                "feedback",
                super::work::FEEDBACK_ID0 + u64::from(b),
                ws,
                w.ws[ws as usize].created,
            )?;
        }
    }
    for p in 0..posts {
        if rng.chance(200) {
            f.emit("social_post", POST_ID0 + u64::from(p), 0, w.ws[0].created)?;
        }
    }
    f.out.finish()
}
