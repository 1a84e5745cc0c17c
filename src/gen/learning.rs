//! Learning and pulse files: learning paths, enrollments, quiz results,
//! pulse surveys and questions, survey responses, pulse aggregates.
//!
//! Input: the world. Output: one [`FileReport`] per file; the
//! `survey_responses.csv` writer ([`Responder`]) is shared with the
//! delivery writer, which adds the in-message survey answers after the
//! pulse rounds. Invariants (clean mode): enrollment status agrees with its
//! dates and progress (Completed ⇔ completion date and 100 %, Not Started ⇔
//! 0 %, Overdue ⇔ due date passed); scores are the sum of the quiz rows;
//! pulse responses never carry a contact id; an aggregate's average is
//! empty when fewer than three people answered.

use super::mangle;
use super::messy::{Feature, Picker};
use super::out::{civil, days_from_civil, CsvOut, FileReport, Row};
use super::rng::{coprime_step, Rng};
use super::words::*;
use super::world::*;
use super::Ctx;
use std::io;

pub const ENROLLMENT_ID0: u64 = 700_001;

pub fn write(
    ctx: &Ctx,
    r: &mut Vec<FileReport>,
    responses: &mut CsvOut,
    respond: &mut Responder,
) -> io::Result<()> {
    r.push(paths(ctx)?);
    let (enrollments, quiz) = enrollments(ctx)?;
    r.push(enrollments);
    r.push(quiz);
    r.push(pulse_surveys(ctx)?);
    r.push(pulse_questions(ctx)?);
    r.push(pulse_rounds(ctx, responses, respond)?);
    Ok(())
}

static PATH_MESS: &[(Feature, u32)] = &[(Feature::DurationAsText, 2500)];

fn quiz_modules(w: &World, path: &LearningPath) -> Vec<(u32, u32)> {
    let mut out = Vec::new();
    for &m in &path.messages {
        for k in w.module_base[m as usize]..w.module_base[m as usize + 1] {
            if w.module_types[k as usize] == M_QUIZ {
                out.push((m, k));
            }
        }
    }
    out
}

fn paths(ctx: &Ctx) -> io::Result<FileReport> {
    let name = "learning_paths.csv";
    let w = ctx.w;
    let mut out = ctx.open(name)?;
    let mut rng = ctx.rng(name);
    let mut pick = ctx.picker(name, w.paths.len() as u64, PATH_MESS);
    let mut row = ctx.row(&out);
    let nws = w.ws.len();
    for (l, p) in w.paths.iter().enumerate() {
        let minutes = 15 + 5 * rng.below(16) as i64;
        row.clear();
        row.int(PATH_ID0 + l as u64)
            .fmt(format_args!(
                "{} – {}",
                PATH_NAMES[l % PATH_NAMES.len()],
                w.ws[p.ws as usize].name
            ))
            .s("Et forløb med korte lektioner og en quiz efter hver.")
            .int(minutes)
            .int(p.messages.len());
        for (k, m) in p.messages.iter().enumerate() {
            if k > 0 {
                row.raw(";");
            }
            row.raw_int(MESSAGE_ID0 + u64::from(*m));
        }
        row.end();
        let autos = count_of_ws(w.automations.len(), nws, p.ws);
        if autos > 0 {
            row.int(
                AUTOMATION_ID0
                    + u64::from(nth_of_ws(w.automations.len(), nws, p.ws, rng.below(autos))),
            );
        } else {
            row.empty();
        }
        let points: i64 = quiz_modules(w, p)
            .iter()
            .map(|&(_, k)| World::quiz_points(k))
            .sum();
        row.int(points).int(p.due_days).s("active").dt(p.created);
        if let Some(Feature::DurationAsText) = pick.next(l as u64 + 1) {
            let v = if minutes >= 60 {
                format!("{}h {}m", minutes / 60, minutes % 60)
            } else {
                format!("ca. {minutes} min")
            };
            row.set(3, &v);
            out.mark(Feature::DurationAsText, Some("duration_minutes"));
        }
        out.write(&row)?;
    }
    out.finish()
}

pub const ENROLLMENT_STATUS: &[&str] = &["Not Started", "In Progress", "Completed", "Overdue"];

static ENROLL_MESS: &[(Feature, u32)] = &[
    (Feature::CompletedWithoutDate, 100),
    (Feature::CompletionBeforeStart, 100),
    (Feature::OverdueWithFutureDue, 100),
    (Feature::ProgressMismatch, 100),
    (Feature::EnumVariant, 800),
];
static QUIZ_MESS: &[(Feature, u32)] = &[(Feature::BooleanVariant, 300)];

/// One quiz answer: (message, module, attempt, correct, answered at).
type Answer = (u32, u32, u32, bool, i64);

fn enrollments(ctx: &Ctx) -> io::Result<(FileReport, FileReport)> {
    let w = ctx.w;
    let mut out = ctx.open("learning_enrollments.csv")?;
    let mut quiz = ctx.open("quiz_results.csv")?;
    let mut rng = ctx.rng("learning_enrollments.csv");
    let mut mess = ctx.rng("learning_enrollments.csv/mess");
    let mut pick = ctx.picker("learning_enrollments.csv", u64::from(w.n) / 2, ENROLL_MESS);
    let mut qpick = ctx.picker("quiz_results.csv", u64::from(w.n) / 2, QUIZ_MESS);
    let mut row = ctx.row(&out);
    let mut qrow = Row::default();
    let mut answers: Vec<Answer> = Vec::new();
    let mut id = ENROLLMENT_ID0;
    for (l, p) in w.paths.iter().enumerate() {
        let ws = &w.ws[p.ws as usize];
        let quizzes = quiz_modules(w, p);
        let total_points: i64 = quizzes.iter().map(|&(_, k)| World::quiz_points(k)).sum();
        let size = u64::from(ws.size());
        let k = (size * 6 / 10).min(150);
        let (start, step) = (rng.below(size), coprime_step(&mut rng, size));
        for j in 0..k {
            let i = ws.lo + ((start + j * step) % size) as u32;
            let c = &w.contacts[i as usize];
            let from = (p.created.max(c.created)).div_euclid(DAY) + 1;
            let start_day = if from < w.today - 1 {
                rng.range(from, w.today - 1)
            } else {
                w.today - 1
            };
            let due = start_day + p.due_days;
            let roll = rng.below(100);
            let total = quizzes.len();
            let (mut status, done) = match roll {
                0..45 => (2, total),
                45..85 if total >= 2 => (1, 1 + rng.index(total - 1)),
                45..85 => (1, 0),
                _ => (0, 0),
            };
            if status != 2 && due < w.today {
                status = 3;
            }
            let end_day = if status == 2 {
                rng.range(start_day, (due + 10).min(w.today)).max(start_day)
            } else {
                w.today
            };
            answers.clear();
            let mut t = start_day * DAY + rng.range(7 * 3600, 20 * 3600);
            let span = ((end_day - start_day).max(0) * DAY) / (total as i64 + 1);
            for &(m, module) in &quizzes[..done] {
                t += rng.range(60, span.max(120));
                let correct = rng.chance(750);
                answers.push((m, module, 1, correct, t));
                if !correct && rng.chance(500) {
                    answers.push((m, module, 2, true, t + 300));
                }
            }
            let score: i64 = answers
                .iter()
                .filter(|a| a.3)
                .map(|a| World::quiz_points(a.1))
                .sum();
            let progress = match (status, total) {
                (2, _) => 1000,
                (_, 0) if status == 1 => 500,
                (_, 0) => 0,
                _ => (done as i64 * 1000) / total as i64,
            };
            row.clear();
            row.int(id)
                .int(PATH_ID0 + l as u64)
                .int(CONTACT_ID0 + u64::from(i))
                .date(start_day)
                .date(due);
            row.opt_date((status == 2).then_some(end_day));
            row.s(ENROLLMENT_STATUS[status])
                .dec(progress, 1)
                .int(done)
                .int(total)
                .int(score);
            if total_points > 0 {
                row.dec(score * 1000 / total_points, 1);
            } else {
                row.empty();
            }
            let last = answers
                .last()
                .map(|a| a.4)
                .unwrap_or(start_day * DAY + 8 * 3600)
                .min(w.taken_at - 60);
            row.dt(last);
            mess_enrollment(
                &mut out,
                &mut pick,
                &mut mess,
                &mut row,
                id - ENROLLMENT_ID0 + 1,
                status,
                start_day,
                w.today,
            );
            out.write(&row)?;
            for &(m, module, attempt, correct, at) in &answers {
                qrow.clear();
                qrow.int(MESSAGE_ID0 + u64::from(m))
                    .int(MODULE_ID0 + u64::from(module))
                    .int(CONTACT_ID0 + u64::from(i))
                    .int(attempt)
                    .s(["A", "B", "C"][(module as usize + usize::from(!correct)) % 3])
                    .bool(correct)
                    .int(if correct {
                        World::quiz_points(module)
                    } else {
                        0
                    })
                    .dt(at.min(w.taken_at - 60));
                if let Some(Feature::BooleanVariant) = qpick.next(quiz.records() + 1) {
                    qrow.set(5, mangle::bool_variant(&mut mess, correct));
                    quiz.mark(Feature::BooleanVariant, Some("is_correct"));
                }
                quiz.write(&qrow)?;
            }
            id += 1;
        }
    }
    Ok((out.finish()?, quiz.finish()?))
}

#[allow(clippy::too_many_arguments)]
fn mess_enrollment(
    out: &mut CsvOut,
    pick: &mut Picker,
    rng: &mut Rng,
    row: &mut Row,
    record: u64,
    status: usize,
    start: i64,
    today: i64,
) {
    let fits = |f: Feature| match f {
        Feature::CompletedWithoutDate | Feature::CompletionBeforeStart => status == 2,
        Feature::OverdueWithFutureDue => status == 3,
        Feature::ProgressMismatch => status == 1,
        _ => true,
    };
    let date = |day: i64| {
        let (y, m, d) = civil(day);
        format!("{y:04}-{m:02}-{d:02}")
    };
    let (f, col) = match pick.next_where(record, fits) {
        Some(f @ Feature::CompletedWithoutDate) => {
            row.set(5, "");
            (f, "completion_date")
        }
        Some(f @ Feature::CompletionBeforeStart) => {
            row.set(5, &date(start - 1 - rng.range(0, 20)));
            (f, "completion_date")
        }
        Some(f @ Feature::OverdueWithFutureDue) => {
            row.set(4, &date(today + rng.range(1, 30)));
            (f, "due_date")
        }
        Some(f @ Feature::ProgressMismatch) => {
            row.set(
                7,
                if row.get(7).contains(',') {
                    "100,0"
                } else {
                    "100.0"
                },
            );
            (f, "progress_pct")
        }
        Some(f @ Feature::EnumVariant) => {
            let v = match status {
                0 => rng.pick(&["not_started", "Ikke startet"]),
                1 => rng.pick(&["In progress", "in_progress", "I gang"]),
                2 => rng.pick(&["Gennemført", "Afsluttet", "completed"]),
                _ => rng.pick(&["Overskredet", "OVERDUE"]),
            };
            row.set(6, v);
            (f, "status")
        }
        _ => return,
    };
    out.mark(f, Some(col));
}

fn pulse_surveys(ctx: &Ctx) -> io::Result<FileReport> {
    let name = "pulse_surveys.csv";
    let w = ctx.w;
    let mut out = ctx.open(name)?;
    let mut row = ctx.row(&out);
    for (p, pu) in w.pulses.iter().enumerate() {
        let ws = &w.ws[pu.ws as usize];
        row.clear();
        row.int(PULSE_ID0 + p as u64)
            .fmt(format_args!(
                "{} – {}",
                if pu.monthly {
                    "Månedlig pulsmåling"
                } else {
                    "Ugentlig trivselsmåling"
                },
                ws.name
            ))
            .s(if p % 5 == 4 { "paused" } else { "active" })
            .s(if pu.monthly { "monthly" } else { "weekly" })
            .int(QUESTIONS_PER_PULSE)
            .s("Trivsel;Ledelse;Arbejdsmiljø;Udvikling")
            .date(round_day(w, pu, 0))
            .int(7)
            .int(3)
            .int(1);
        for s in 0..ws.stores {
            if s > 0 {
                row.raw(";");
            }
            row.raw_int(GROUP_ID0 + u64::from(ws.group_base + s));
        }
        row.end()
            .int(MESSAGE_ID0 + u64::from(pu.message))
            .dt(pu.created);
        out.write(&row)?;
    }
    out.finish()
}

fn pulse_questions(ctx: &Ctx) -> io::Result<FileReport> {
    let mut out = ctx.open("pulse_questions.csv")?;
    let mut row = ctx.row(&out);
    for p in 0..ctx.w.pulses.len() {
        for (q, (cat, text, kind, _)) in PULSE_QUESTIONS.iter().enumerate() {
            row.clear();
            row.int(QUESTION_ID0 + (p * QUESTIONS_PER_PULSE + q) as u64)
                .int(PULSE_ID0 + p as u64)
                .s(cat)
                .int(q + 1)
                .s(text)
                .s(kind)
                .bool(*kind != "open_text");
            out.write(&row)?;
        }
    }
    out.finish()
}

/// The first day of round `r` (rounds end before the export).
fn round_day(w: &World, p: &Pulse, r: i64) -> i64 {
    let back = PULSE_ROUNDS - r;
    if p.monthly {
        let (y, m, _) = civil(w.today);
        let months = y * 12 + i64::from(m) - 1 - back;
        days_from_civil(months.div_euclid(12), (months.rem_euclid(12) + 1) as u32, 1)
    } else {
        let monday = w.today - (w.today + 3).rem_euclid(7);
        monday - back * 7
    }
}

/// `2024-W07` (ISO week) or `2024-03`.
fn period(w: &World, p: &Pulse, r: i64) -> String {
    let day = round_day(w, p, r);
    if p.monthly {
        let (y, m, _) = civil(day);
        return format!("{y:04}-{m:02}");
    }
    let thursday = day - (day + 3).rem_euclid(7) + 3;
    let (y, _, _) = civil(thursday);
    let week = (thursday - days_from_civil(y, 1, 1)) / 7 + 1;
    format!("{y:04}-W{week:02}")
}

static RESPONSE_MESS: &[(Feature, u32)] = &[
    (Feature::MultilineCell, 300),
    (Feature::OutOfScaleAnswer, 100),
    (Feature::TextInNumber, 100),
    (Feature::PulseResponseWithContact, 50),
];

/// Writes `survey_responses.csv` rows for both pulse rounds and in-message surveys.
pub struct Responder {
    rng: Rng,
    mess: Rng,
    pick: Picker,
    row: Row,
}

impl Responder {
    pub fn new(ctx: &Ctx) -> Responder {
        Responder {
            rng: ctx.rng("survey_responses.csv"),
            mess: ctx.rng("survey_responses.csv/mess"),
            pick: ctx.picker(
                "survey_responses.csv",
                u64::from(ctx.w.n) * 4,
                RESPONSE_MESS,
            ),
            row: Row::default(),
        }
    }

    /// Answer of `kind` on a 1..=`max` (or 0..=10) scale, or open text.
    #[allow(clippy::too_many_arguments)]
    fn emit(
        &mut self,
        out: &mut CsvOut,
        kind: &str,
        pulse: Option<(u64, u64, &str)>,
        msg: Option<(u64, u64)>,
        contact: Option<u32>,
        answer: Result<(i64, i64), &str>,
        at: i64,
        pulse_member: Option<u32>,
    ) -> io::Result<()> {
        let row = &mut self.row;
        row.clear();
        self.rng.uuid_into(row.raw_plain());
        row.end().s(kind);
        match pulse {
            Some((p, q, _)) => row.int(p).int(q),
            None => row.empty().empty(),
        };
        match msg {
            Some((m, k)) => row.int(m).int(k),
            None => row.empty().empty(),
        };
        row.s(pulse.map(|p| p.2).unwrap_or(""));
        row.opt_int(contact.map(|c| (CONTACT_ID0 + u64::from(c)) as i64));
        match answer {
            Ok((v, max)) => row.int(v).empty().int(max),
            Err(text) => row.empty().s(text).empty(),
        };
        row.dt(at);
        let numeric = answer.is_ok();
        let fits = |f: Feature| match f {
            Feature::MultilineCell => !numeric,
            Feature::OutOfScaleAnswer | Feature::TextInNumber => numeric,
            Feature::PulseResponseWithContact => pulse_member.is_some(),
            _ => false,
        };
        let col = match self.pick.next_where(out.records() + 1, fits) {
            Some(Feature::MultilineCell) => {
                row.set(9, &format!("{}\nOgså: mere tid til pauser.\n", row.get(9)));
                Some((Feature::MultilineCell, "answer_text"))
            }
            Some(Feature::OutOfScaleAnswer) => {
                let max = answer.map(|a| a.1).unwrap_or(10);
                row.set(8, &(max + 1).to_string());
                Some((Feature::OutOfScaleAnswer, "answer_numeric"))
            }
            Some(Feature::TextInNumber) => {
                row.set(8, mangle::not_a_number(&mut self.mess));
                Some((Feature::TextInNumber, "answer_numeric"))
            }
            Some(Feature::PulseResponseWithContact) => {
                let c = pulse_member.unwrap_or(0);
                row.set(7, &(CONTACT_ID0 + u64::from(c)).to_string());
                Some((Feature::PulseResponseWithContact, "contact_id"))
            }
            _ => None,
        };
        if let Some((f, c)) = col {
            out.mark(f, Some(c));
        }
        out.write(&self.row)
    }

    /// An answer to the survey module of message `m` (contact `None` when anonymised).
    pub fn message_survey(
        &mut self,
        w: &World,
        out: &mut CsvOut,
        m: u32,
        contact: Option<u32>,
        opened: i64,
    ) -> io::Result<()> {
        let Some(module) =
            super::delivery::module_of(w, m, &[M_SURVEY, M_SLIDER, M_NPS, M_FEEDBACK])
        else {
            return Ok(());
        };
        let t = w.module_types[module as usize];
        let (kind, answer) = match t {
            M_SURVEY => ("message_survey", Ok((1 + self.rng.range(0, 5), 5))),
            M_SLIDER => ("slider", Ok((1 + self.rng.range(0, 10), 10))),
            M_NPS => ("nps", Ok((self.rng.range(0, 11), 10))),
            _ => ("feedback", Err(self.rng.pick(OPEN_ANSWERS))),
        };
        let at = (opened + self.rng.range(30, 600)).min(w.taken_at - 60);
        self.emit(
            out,
            kind,
            None,
            Some((MESSAGE_ID0 + u64::from(m), MODULE_ID0 + u64::from(module))),
            contact,
            answer,
            at,
            None,
        )
    }
}

static AGGREGATE_MESS: &[(Feature, u32)] = &[(Feature::PercentVariant, 500)];

fn pulse_rounds(
    ctx: &Ctx,
    responses: &mut CsvOut,
    respond: &mut Responder,
) -> io::Result<FileReport> {
    let name = "pulse_results_aggregated.csv";
    let w = ctx.w;
    let mut out = ctx.open(name)?;
    let mut rng = ctx.rng(name);
    let mut mess = ctx.rng("pulse_results_aggregated.csv/mess");
    let mut pick = ctx.picker(name, u64::from(w.n), AGGREGATE_MESS);
    let mut row = ctx.row(&out);
    let mut answered: Vec<i64> = Vec::new();
    for (p, pu) in w.pulses.iter().enumerate() {
        let ws = &w.ws[pu.ws as usize];
        for r in 0..PULSE_ROUNDS {
            let per = period(w, pu, r);
            let day = round_day(w, pu, r);
            for mgr in ws.lo..ws.lo + ws.managers() {
                let team = u64::from(w.contacts[mgr as usize].reports);
                if team == 0 {
                    continue;
                }
                let respondents = (0..team).filter(|_| rng.chance(500)).count();
                for (q, (cat, _, kind, max)) in PULSE_QUESTIONS.iter().enumerate() {
                    let qid = QUESTION_ID0 + (p * QUESTIONS_PER_PULSE + q) as u64;
                    answered.clear();
                    for k in 0..respondents {
                        let at = ((day + rng.range(0, 7)) * DAY + rng.range(6 * 3600, 22 * 3600))
                            .min(w.taken_at - 60);
                        let (answer, value) = match *kind {
                            "open_text" if rng.chance(500) => continue,
                            "open_text" => (Err(rng.pick(OPEN_ANSWERS)), 0),
                            "scale_0_10" => {
                                let v = rng.range(0, 11);
                                (Ok((v, *max)), v)
                            }
                            _ => {
                                let v = rng.range(1, *max + 1);
                                (Ok((v, *max)), v)
                            }
                        };
                        answered.push(value);
                        // Only used when the privacy trap fires: some colleague in the workspace.
                        let member = Some((ws.lo + ws.managers() + k as u32).min(ws.hi - 1));
                        respond.emit(
                            responses,
                            "pulse",
                            Some((PULSE_ID0 + p as u64, qid, &per)),
                            None,
                            None,
                            answer,
                            at,
                            member,
                        )?;
                    }
                    let n = answered.len() as i64;
                    row.clear();
                    row.int(PULSE_ID0 + p as u64)
                        .s(&per)
                        .int(CONTACT_ID0 + u64::from(mgr))
                        .s(cat)
                        .int(qid)
                        .int(n);
                    if n >= 3 && *kind != "open_text" {
                        row.dec(answered.iter().sum::<i64>() * 100 / n, 2);
                    } else {
                        row.empty();
                    }
                    if *max > 0 {
                        row.int(*max);
                    } else {
                        row.empty();
                    }
                    row.dec(n * 1000 / team as i64, 1);
                    if let Some(Feature::PercentVariant) = pick.next(out.records() + 1) {
                        row.set(
                            8,
                            &mangle::percent_variant(&mut mess, n * 1000 / team as i64),
                        );
                        out.mark(Feature::PercentVariant, Some("response_rate"));
                    }
                    out.write(&row)?;
                }
            }
        }
    }
    out.finish()
}
