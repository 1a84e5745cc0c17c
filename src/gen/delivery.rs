//! Message delivery: who got each message and what they did with it.
//!
//! Input: the world. Output: `message_recipients.csv`,
//! `message_analytics.csv`, the in-message rows of `survey_responses.csv`
//! (this thread) and `message_events.csv` (the other thread).
//! Invariants: both threads replay the same per-message stream
//! ([`recipients`]), so events, recipient rows and analytics agree: every
//! `opened` event has a recipient row with `opened_on`, analytics counts are
//! the counts of those rows. Anonymised messages have no recipient rows and
//! no contact ids in events or responses (clean mode).

use super::mangle;
use super::messy::Feature;
use super::out::{CsvOut, FileReport, Row};
use super::rng::{coprime_step, Rng};
use super::world::*;
use super::Ctx;
use std::io;

pub const DELIVERY: &[&str] = &["not_notified", "sent", "delivered", "bounced", "failed"];
pub const TRAFFIC: &[&str] = &["push", "email", "sms", "app", "web", "link"];
const NO_CHANNEL: u8 = 3;

/// One recipient of one message.
pub struct Outcome {
    pub contact: u32,
    /// Index into CHANNELS, or NO_CHANNEL.
    pub channel: u8,
    pub status: u8,
    pub notified: i64,
    pub opened: i64,
    pub traffic: u8,
    pub views: u32,
    pub reminded: i64,
    pub clicked: bool,
    pub reacted: bool,
    pub commented: bool,
    pub shared: bool,
    pub answered: bool,
    pub unsubscribed: bool,
}

/// The first module of message `m` with one of `types`.
pub fn module_of(w: &World, m: u32, types: &[u8]) -> Option<u32> {
    (w.module_base[m as usize]..w.module_base[m as usize + 1])
        .find(|&k| types.contains(&w.module_types[k as usize]))
}

/// Replays the recipients of message `m` in a fixed order.
pub fn recipients(w: &World, m: u32, mut f: impl FnMut(&Outcome)) {
    let msg = &w.messages[m as usize];
    if !msg.sent() {
        return;
    }
    let mut rng = Rng::stream(w.seed, "rcpt", u64::from(m));
    let ws = &w.ws[msg.ws as usize];
    let size = u64::from(ws.size());
    // Most messages go to the whole workspace (a few hundred people at any N,
    // so the files grow linearly); some to a targeted part of it.
    let k = if rng.chance(800) {
        size
    } else {
        size * (40 + rng.below(50)) / 100
    };
    let start = rng.below(size);
    let step = coprime_step(&mut rng, size);
    let clickable = module_of(w, m, &[M_BUTTON, 3]).is_some();
    let answerable = matches!(msg.kind, K_SURVEY | K_TRAINING | K_PULSE);
    let last = w.taken_at - 60;
    for j in 0..k {
        let i = ws.lo + ((start + j * step) % size) as u32;
        let c = &w.contacts[i as usize];
        if c.created > msg.published {
            continue;
        }
        let ch = msg.channels;
        let channel = if ch & 1 != 0 && c.has(flag::ALLOW_PUSH) {
            0
        } else if ch & 2 != 0 && c.has(flag::ALLOW_EMAIL) {
            1
        } else if ch & 4 != 0 && c.has(flag::ALLOW_SMS) {
            2
        } else {
            NO_CHANNEL
        };
        let status = if channel == NO_CHANNEL {
            0
        } else {
            match rng.below(100) {
                0..3 => 3,
                3..4 => 4,
                4..20 if channel == 1 => 1,
                _ => 2,
            }
        };
        let notified = if channel == NO_CHANNEL {
            0
        } else {
            (msg.published + rng.range(1, 120)).min(last)
        };
        let opened = if status < 3 && rng.chance(550) {
            (msg.published + rng.range(120, 3 * DAY)).min(last)
        } else {
            0
        };
        let traffic = if opened == 0 {
            0
        } else if channel < NO_CHANNEL && rng.chance(600) {
            channel
        } else {
            3 + rng.below(3) as u8
        };
        let reminded = if opened == 0 && rng.chance(100) && msg.published + 2 * DAY < last {
            msg.published + 2 * DAY
        } else {
            0
        };
        let o = opened != 0;
        f(&Outcome {
            contact: i,
            channel,
            status,
            notified,
            opened,
            traffic,
            views: if o { 1 + rng.below(3) as u32 } else { 0 },
            reminded,
            clicked: o && clickable && rng.chance(150),
            reacted: o && msg.has(mflag::REACTIONS) && rng.chance(80),
            commented: o && msg.has(mflag::COMMENTS) && rng.chance(20),
            shared: o && msg.has(mflag::SHARE) && rng.chance(20),
            answered: o && answerable && rng.chance(600),
            unsubscribed: msg.has(mflag::UNSUBSCRIBE) && rng.chance(5),
        });
    }
}

/// Views of a public message by people who are not recipients.
fn public_views(w: &World, m: u32) -> (u32, u32) {
    if !w.messages[m as usize].has(mflag::PUBLIC) || !w.messages[m as usize].sent() {
        return (0, 0);
    }
    let mut rng = Rng::stream(w.seed, "public", u64::from(m));
    let unique = 300 + rng.below(1500) as u32;
    (unique + rng.below(u64::from(unique)) as u32, unique)
}

#[derive(Default)]
struct Totals {
    published_to: i64,
    notified_to: i64,
    push_opened: i64,
    viewed_by: i64,
    viewed_live: i64,
    views: i64,
    bounced: i64,
    clicks: i64,
    reactions: i64,
    comments: i64,
    shares: i64,
    traffic: [i64; 6],
    reminders: i64,
}

static RECIPIENT_MESS: &[(Feature, u32)] = &[
    (Feature::OrphanReference, 50),
    (Feature::DateMixedFormat, 200),
];
static ANALYTICS_MESS: &[(Feature, u32)] = &[
    (Feature::PercentVariant, 2500),
    (Feature::ThousandsSeparator, 500),
    (Feature::TextInNumber, 200),
];

/// Recipients, analytics and in-message survey answers.
pub fn write(
    ctx: &Ctx,
    r: &mut Vec<FileReport>,
    responses: &mut CsvOut,
    respond: &mut super::learning::Responder,
) -> io::Result<()> {
    let w = ctx.w;
    let mut rec = ctx.open("message_recipients.csv")?;
    let mut ana = ctx.open("message_analytics.csv")?;
    let mut rpick = ctx.picker("message_recipients.csv", u64::from(w.n) * 5, RECIPIENT_MESS);
    let mut apick = ctx.picker(
        "message_analytics.csv",
        w.messages.len() as u64,
        ANALYTICS_MESS,
    );
    let mut mess = ctx.rng("message_recipients.csv/mess");
    let mut amess = ctx.rng("message_analytics.csv/mess");
    let mut row = ctx.row(&rec);
    let mut arow = ctx.row(&ana);
    let mut thousands_done = false;
    let mut trap_done = false;
    for m in 0..w.messages.len() as u32 {
        let msg = &w.messages[m as usize];
        let mut t = Totals::default();
        // §5.24: one anonymised message that still has per-contact rows.
        let trap = w.messy && !trap_done && msg.has(mflag::ANONYMISED) && msg.sent();
        let write_rows = !msg.has(mflag::ANONYMISED) || trap;
        let mut result = Ok(());
        recipients(w, m, |o| {
            let c = &w.contacts[o.contact as usize];
            let live = c.deleted_at == 0;
            t.published_to += i64::from(live);
            t.notified_to += i64::from(o.channel != NO_CHANNEL);
            t.push_opened += i64::from(o.opened != 0 && o.traffic == 0);
            t.viewed_by += i64::from(o.opened != 0);
            t.viewed_live += i64::from(o.opened != 0 && live);
            t.views += i64::from(o.views);
            t.bounced += i64::from(o.status == 3);
            t.clicks += i64::from(o.clicked);
            t.reactions += i64::from(o.reacted);
            t.comments += i64::from(o.commented);
            t.shares += i64::from(o.shared);
            if o.opened != 0 {
                t.traffic[o.traffic as usize] += 1;
            }
            t.reminders += i64::from(o.reminded != 0);
            if o.answered && msg.kind == K_SURVEY && result.is_ok() {
                let contact = (!msg.has(mflag::ANONYMISED)).then_some(o.contact);
                result = respond.message_survey(w, responses, m, contact, o.opened);
            }
            if write_rows && result.is_ok() {
                recipient_row(w, &mut row, m, o);
                if trap {
                    rec.mark(Feature::AnonymisedWithRecipients, Some("contact_id"));
                }
                mess_recipient(w, &mut rec, &mut rpick, &mut mess, &mut row, o);
                result = rec.write(&row);
            }
        });
        result?;
        trap_done |= trap;
        let (public_total, public_unique) = public_views(w, m);
        analytics_row(
            w,
            &mut arow,
            m,
            &t,
            i64::from(public_total),
            i64::from(public_unique),
        );
        let feature = apick.next(u64::from(m) + 1);
        let total: i64 = arow.get(7).parse().unwrap_or(0);
        if t.published_to == 0 && w.messy {
            arow.set(6, "No rate available");
            ana.mark(Feature::NoRateAvailable, Some("open_rate"));
        } else if feature == Some(Feature::PercentVariant) && t.published_to > 0 {
            let tenths = (t.viewed_live * 1000 + t.published_to / 2) / t.published_to;
            arow.set(6, &mangle::percent_variant(&mut amess, tenths));
            ana.mark(Feature::PercentVariant, Some("open_rate"));
        } else if feature == Some(Feature::TextInNumber) {
            arow.set(10, mangle::not_a_number(&mut amess));
            ana.mark(Feature::TextInNumber, Some("clicks"));
        }
        if w.messy
            && total >= 1000
            && (feature == Some(Feature::ThousandsSeparator) || !thousands_done)
        {
            arow.set(7, &mangle::thousands(&mut amess, total));
            ana.mark(Feature::ThousandsSeparator, Some("total_views"));
            thousands_done = true;
        }
        ana.write(&arow)?;
    }
    r.push(rec.finish()?);
    r.push(ana.finish()?);
    Ok(())
}

fn recipient_row(w: &World, row: &mut Row, m: u32, o: &Outcome) {
    let msg = &w.messages[m as usize];
    let i = o.contact;
    row.clear();
    row.int(MESSAGE_ID0 + u64::from(m))
        .int(CONTACT_ID0 + u64::from(i));
    row.raw(w.first_name(i)).raw(" ").raw(w.last_name(i)).end();
    w.push_email(row.raw_plain(), i);
    row.end();
    w.push_msisdn(row.raw_plain(), i);
    row.end();
    row.s(w.department(i)).dt(msg.published);
    row.s(if o.channel == NO_CHANNEL {
        "none"
    } else {
        CHANNELS[o.channel as usize]
    });
    row.s(DELIVERY[o.status as usize]);
    row.opt_dt((o.notified != 0).then_some(o.notified));
    row.opt_dt((o.opened != 0).then_some(o.opened));
    row.s(if o.opened != 0 {
        TRAFFIC[o.traffic as usize]
    } else {
        ""
    });
    row.int(o.views);
    row.opt_dt((o.reminded != 0).then_some(o.reminded));
}

fn mess_recipient(
    w: &World,
    out: &mut CsvOut,
    pick: &mut super::messy::Picker,
    rng: &mut Rng,
    row: &mut Row,
    o: &Outcome,
) {
    match pick.next(out.records() + 1) {
        Some(Feature::OrphanReference) => {
            // A contact deleted and anonymised after the send (§5.7).
            row.set(
                1,
                &(CONTACT_ID0 + u64::from(w.n) + rng.below(1000)).to_string(),
            );
            row.set(2, "Anonymized");
            for k in 3..6 {
                row.set(k, "");
            }
            out.mark(Feature::OrphanReference, Some("contact_id"));
        }
        Some(Feature::DateMixedFormat) if o.opened != 0 => {
            // The UI's local `DD-MM-YYYY HH:MM` (§4.0).
            let local = o.opened + 3600;
            let (y, mo, d) = super::out::civil(local.div_euclid(DAY));
            let s = local.rem_euclid(DAY);
            row.set(
                10,
                &format!("{d:02}-{mo:02}-{y} {:02}:{:02}", s / 3600, s % 3600 / 60),
            );
            out.mark(Feature::DateMixedFormat, Some("opened_on"));
        }
        _ => {}
    }
}

fn pct(row: &mut Row, num: i64, den: i64) {
    if den == 0 {
        row.empty();
    } else {
        row.dec((num * 1000 + den / 2) / den, 1);
    }
}

fn analytics_row(
    w: &World,
    row: &mut Row,
    m: u32,
    t: &Totals,
    public_total: i64,
    public_unique: i64,
) {
    row.clear();
    row.int(MESSAGE_ID0 + u64::from(m))
        .int(t.published_to)
        .int(t.notified_to)
        .int(t.push_opened)
        .int(t.viewed_by)
        .int((t.published_to - t.viewed_live).max(0));
    pct(row, t.viewed_live, t.published_to);
    row.int(t.views + public_total)
        .int(t.viewed_by + public_unique)
        .int(t.bounced)
        .int(t.clicks);
    pct(row, t.clicks, t.viewed_by);
    row.int(t.reactions).int(t.comments).int(t.shares);
    let tr = &t.traffic;
    row.int(tr[0])
        .int(tr[1])
        .int(tr[2])
        .int(tr[3])
        .int(tr[4] + tr[5]);
    row.int(t.reminders).int(t.notified_to + t.reminders);
    let msg = &w.messages[m as usize];
    if msg.sent() {
        row.dt(w.taken_at - 3600);
    } else {
        row.empty();
    }
}

static EVENT_MESS: &[(Feature, u32)] = &[(Feature::DatetimeWithOffset, 20)];

const REACTIONS: &[&str] = &["like", "love", "clap", "celebrate"];

/// `message_events.csv`: runs on its own thread.
pub fn events(ctx: &Ctx) -> io::Result<FileReport> {
    let name = "message_events.csv";
    let w = ctx.w;
    let mut out = ctx.open(name)?;
    let mut pick = ctx.picker(name, u64::from(w.n) * 10, EVENT_MESS);
    let mut mess = ctx.rng("message_events.csv/mess");
    let mut row = ctx.row(&out);
    for m in 0..w.messages.len() as u32 {
        let msg = &w.messages[m as usize];
        if !msg.sent() {
            continue;
        }
        let mut rng = Rng::stream(w.seed, "events", u64::from(m));
        let anon = msg.has(mflag::ANONYMISED);
        let click_module = module_of(w, m, &[M_BUTTON, 3]);
        let answer_module = match msg.kind {
            K_TRAINING => module_of(w, m, &[M_QUIZ]),
            _ => module_of(w, m, &[M_SURVEY, M_SLIDER, M_NPS, M_FEEDBACK]),
        };
        let mut result = Ok(());
        let mut emit = |row: &mut Row,
                        rng: &mut Rng,
                        contact: Option<u32>,
                        kind: &str,
                        channel: &str,
                        module: Option<u32>,
                        value: &str,
                        at: i64| {
            if result.is_err() {
                return;
            }
            row.clear();
            rng.uuid_into(row.raw_plain());
            row.end().int(MESSAGE_ID0 + u64::from(m));
            match contact {
                Some(c) if !anon => row.int(CONTACT_ID0 + u64::from(c)),
                _ => row.empty(),
            };
            let at = at.min(w.taken_at - 1);
            row.s(kind)
                .s(channel)
                .opt_int(module.map(|k| (MODULE_ID0 + u64::from(k)) as i64))
                .s(value)
                .dt(at);
            if let Some(Feature::DatetimeWithOffset) = pick.next(out.records() + 1) {
                row.set(7, &mangle::offset_datetime(&mut mess, at));
                out.mark(Feature::DatetimeWithOffset, Some("occurred_at"));
            }
            result = out.write(row);
        };
        emit(
            &mut row,
            &mut rng,
            None,
            "published",
            "",
            None,
            "",
            msg.published,
        );
        recipients(w, m, |o| {
            let c = Some(o.contact);
            if o.channel != NO_CHANNEL {
                let ch = CHANNELS[o.channel as usize];
                emit(&mut row, &mut rng, c, "notified", ch, None, "", o.notified);
                match o.status {
                    2 => emit(
                        &mut row,
                        &mut rng,
                        c,
                        "delivered",
                        ch,
                        None,
                        "",
                        o.notified + 5,
                    ),
                    3 => emit(
                        &mut row,
                        &mut rng,
                        c,
                        "bounced",
                        ch,
                        None,
                        "",
                        o.notified + 5,
                    ),
                    _ => {}
                }
            }
            if o.opened != 0 {
                let via = ["push", "email", "sms", "app", "web", "web"][o.traffic as usize];
                if o.traffic == 0 {
                    emit(
                        &mut row,
                        &mut rng,
                        c,
                        "push_opened",
                        "push",
                        None,
                        "",
                        o.opened,
                    );
                }
                emit(&mut row, &mut rng, c, "opened", via, None, "", o.opened);
                if o.clicked {
                    let url = format!(
                        "https://intra.{}/link/{}",
                        w.ws[msg.ws as usize].domain(),
                        m % 97
                    );
                    emit(
                        &mut row,
                        &mut rng,
                        c,
                        "clicked",
                        via,
                        click_module,
                        &url,
                        o.opened + 30,
                    );
                }
                if o.reacted {
                    let r = REACTIONS[(o.contact % 4) as usize];
                    emit(
                        &mut row,
                        &mut rng,
                        c,
                        "reacted",
                        via,
                        None,
                        r,
                        o.opened + 40,
                    );
                }
                if o.commented {
                    let text = super::words::COMMENTS[(o.contact % 4) as usize];
                    emit(
                        &mut row,
                        &mut rng,
                        c,
                        "commented",
                        via,
                        None,
                        text,
                        o.opened + 90,
                    );
                }
                if o.shared {
                    emit(
                        &mut row,
                        &mut rng,
                        c,
                        "shared",
                        via,
                        None,
                        "",
                        o.opened + 100,
                    );
                }
                if o.answered {
                    let kind = if msg.kind == K_TRAINING {
                        "quiz_answered"
                    } else {
                        "survey_answered"
                    };
                    emit(
                        &mut row,
                        &mut rng,
                        c,
                        kind,
                        via,
                        answer_module,
                        "",
                        o.opened + 120,
                    );
                }
            }
            if o.unsubscribed {
                emit(
                    &mut row,
                    &mut rng,
                    c,
                    "unsubscribed",
                    "app",
                    None,
                    "",
                    msg.published + DAY,
                );
            }
        });
        let (public_total, _) = public_views(w, m);
        // A sample of the anonymous public-link views (the analytics count them all).
        for k in 0..u64::from(public_total).min(20) {
            emit(
                &mut row,
                &mut rng,
                None,
                "opened",
                "web",
                None,
                "",
                msg.published + 600 + k as i64 * 97,
            );
        }
        result?;
    }
    out.finish()
}
