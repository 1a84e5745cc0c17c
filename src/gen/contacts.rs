//! Contacts and everything keyed by one contact: relationships, company
//! links, group memberships and tags, written in a single pass.
//!
//! Input: the world. Output: `contacts.csv`, `contact_relationships.csv`,
//! `company_contacts.csv`, `group_memberships.csv`, `contact_tags.csv`.
//! Invariants (clean mode): every reference resolves; each contact has
//! exactly one primary company; `contacts.groups` lists exactly the active
//! memberships and `contacts.tags` exactly the tag rows; membership rows of
//! one (group, contact) never overlap in time.

use super::contact_mess::{mess_contact, CONTACT_MESS};
use super::mangle;
use super::messy::Feature;
use super::out::{CsvOut, FileReport, Row};
use super::rng::Rng;
use super::words::*;
use super::world::*;
use super::Ctx;
use std::io;

static RELATION_MESS: &[(Feature, u32)] = &[(Feature::OrphanReference, 30)];
static COMPANY_LINK_MESS: &[(Feature, u32)] = &[(Feature::BooleanVariant, 300)];
static MEMBERSHIP_MESS: &[(Feature, u32)] = &[
    (Feature::OrphanReference, 30),
    (Feature::DateMixedFormat, 200),
];
static TAG_MESS: &[(Feature, u32)] = &[(Feature::TagCaseVariant, 300)];

struct Files {
    contacts: CsvOut,
    relations: CsvOut,
    links: CsvOut,
    members: CsvOut,
    tags: CsvOut,
}

struct Pickers {
    contacts: super::messy::Picker,
    relations: super::messy::Picker,
    links: super::messy::Picker,
    members: super::messy::Picker,
    tags: super::messy::Picker,
}

pub fn write(ctx: &Ctx, r: &mut Vec<FileReport>) -> io::Result<()> {
    let w = ctx.w;
    let n = u64::from(w.n);
    let mut f = Files {
        contacts: ctx.open("contacts.csv")?,
        relations: ctx.open("contact_relationships.csv")?,
        links: ctx.open("company_contacts.csv")?,
        members: ctx.open("group_memberships.csv")?,
        tags: ctx.open("contact_tags.csv")?,
    };
    let mut p = Pickers {
        contacts: ctx.picker("contacts.csv", n, CONTACT_MESS),
        relations: ctx.picker("contact_relationships.csv", n * 9 / 10, RELATION_MESS),
        links: ctx.picker("company_contacts.csv", n, COMPANY_LINK_MESS),
        members: ctx.picker("group_memberships.csv", n * 2, MEMBERSHIP_MESS),
        tags: ctx.picker("contact_tags.csv", n / 2, TAG_MESS),
    };
    let mut rng = ctx.rng("contacts.csv");
    let mut mess = ctx.rng("contacts.csv/mess");
    let mut row = ctx.row(&f.contacts);
    let mut aux = Row::default();
    let mut tags: Vec<&'static str> = Vec::new();
    let spec = super::columns::spec("contacts.csv");
    // Fixed defects (§5.7): one self-managed contact and a manager cycle A→B→A
    // among the first managers of workspace 0.
    let m0 = w.ws[0].managers();
    let (self_managed, cycle) = if w.messy {
        (m0 + 1, Some((1u32, 2u32)))
    } else {
        (NONE, None)
    };
    for i in 0..w.n {
        let c = &w.contacts[i as usize];
        tags.clear();
        if c.has(flag::MANAGER) {
            tags.push("leder");
        }
        for _ in 0..rng.below(3) {
            let t = rng.pick(TAGS);
            if !tags.contains(&t) {
                tags.push(t);
            }
        }
        contact_row(w, &mut rng, &mut row, i, &tags);
        let feature = p.contacts.next(u64::from(i) + 1);
        let cycle_partner = cycle.and_then(|(a, b)| {
            if i == a {
                Some(b)
            } else if i == b {
                Some(a)
            } else {
                None
            }
        });
        let (mgr, mgr_emp) = (
            spec.col("manager_contact_id"),
            spec.col("manager_employee_id"),
        );
        if let Some(partner) = cycle_partner {
            row.set(mgr, &(CONTACT_ID0 + u64::from(partner)).to_string());
            row.set(mgr_emp, &w.employee_id(partner).unwrap_or_default());
            f.contacts
                .mark(Feature::ManagerCycle, Some("manager_contact_id"));
        } else if i == self_managed {
            row.set(mgr, &(CONTACT_ID0 + u64::from(i)).to_string());
            row.set(mgr_emp, &w.employee_id(i).unwrap_or_default());
            f.contacts
                .mark(Feature::SelfManaged, Some("manager_contact_id"));
        } else if let Some(feat) = feature {
            if let Some(col) = mess_contact(w, &mut mess, &mut row, i, feat) {
                f.contacts.mark(feat, Some(col));
            }
        }
        f.contacts.write(&row)?;
        relations(w, &mut rng, &mut aux, &mut f, &mut p, i)?;
        links(w, &mut rng, &mut mess, &mut aux, &mut f, &mut p, i)?;
        memberships(w, &mut rng, &mut mess, &mut aux, &mut f, &mut p, i)?;
        for t in &tags {
            aux.clear();
            aux.int(CONTACT_ID0 + u64::from(i))
                .s(t)
                .dt(rng.range(c.created, w.taken_at - 60));
            let rec = f.tags.records() + 1;
            if let Some(Feature::TagCaseVariant) = p.tags.next(rec) {
                let mut s: Vec<char> = t.chars().collect();
                if let Some(first) = s.first_mut() {
                    *first = first.to_uppercase().next().unwrap_or(*first);
                }
                aux.set(1, &s.into_iter().collect::<String>());
                f.tags.mark(Feature::TagCaseVariant, Some("tag"));
            }
            f.tags.write(&aux)?;
        }
    }
    for out in [f.contacts, f.relations, f.links, f.members, f.tags] {
        r.push(out.finish()?);
    }
    Ok(())
}

/// The clean contacts.csv row of contact `i`.
fn contact_row(w: &World, rng: &mut Rng, row: &mut Row, i: u32, tags: &[&str]) {
    let c = &w.contacts[i as usize];
    let ws = &w.ws[c.ws as usize];
    let (_, iso, lang, zone, cc) = COUNTRIES[ws.country as usize];
    let (city, zip, region) = cities(ws.country)[c.city as usize];
    row.clear();
    row.int(CONTACT_ID0 + u64::from(i))
        .int(WORKSPACE_ID0 + u64::from(c.ws));
    if c.source >= 2 {
        row.int(ADMIN_ID0 + u64::from(w.admin_of(rng, c.ws)));
    } else {
        row.empty();
    }
    row.bool(c.has(flag::SHARED))
        .s(&w.employee_id(i).unwrap_or_default());
    row.s(w.first_name(i))
        .s(w.last_name(i))
        .raw(w.first_name(i))
        .raw(" ")
        .raw(w.last_name(i))
        .end();
    w.push_email(row.raw_plain(), i);
    row.end();
    w.push_msisdn(row.raw_plain(), i);
    row.end();
    if c.has(flag::HAS_PHONE) {
        row.s(cc).int(w.national_number(i));
    } else {
        row.empty().empty();
    }
    row.s(w.title(i)).s(w.department(i));
    row.s(&w.companies[ws.company_base as usize].name)
        .s(&w.companies[c.store as usize].name);
    row.raw(rng.pick(STREETS))
        .raw(" ")
        .raw_int(1 + rng.below(150))
        .end();
    if rng.chance(200) {
        row.fmt(format_args!(
            "{}. {}",
            1 + rng.below(5),
            rng.pick(&["th.", "tv.", "mf."])
        ));
    } else {
        row.empty();
    }
    row.s(city).s(region).s(zip).s(iso).s(zone).s(lang);
    row.bool(c.has(flag::ALLOW_EMAIL))
        .bool(c.has(flag::ALLOW_SMS))
        .bool(c.has(flag::ALLOW_PUSH))
        .bool(c.has(flag::OPT_OUT));
    row.s(SOURCE[c.source as usize]);
    match c.source {
        0 => row.s("hr_export_daily.csv"),
        1 => row.fmt(format_args!(
            "aad:{:08x}",
            (u64::from(i) * 2_654_435_761) as u32
        )),
        3 => row.s("api"),
        _ => row.empty(),
    };
    row.s(STATUS[c.status as usize])
        .s(EMPLOYMENT[c.emp as usize])
        .date(i64::from(c.hire_day));
    if c.manager == NONE {
        row.empty().empty();
    } else {
        row.int(CONTACT_ID0 + u64::from(c.manager))
            .s(&w.employee_id(c.manager).unwrap_or_default());
    }
    let engaged = c.status == 0 || c.status == 1;
    if engaged {
        row.dec(rng.range(50, 1000), 1);
    } else {
        row.empty();
    }
    let received = if c.status == 3 { 0 } else { rng.range(1, 120) };
    row.int(received);
    if received > 0 && c.status != 2 {
        row.dec(rng.range(100, 1000), 1);
    } else {
        row.empty();
    }
    let trainings = rng.range(0, 6);
    row.int(trainings).int(trainings * 10 * rng.range(1, 4));
    let groups = w.active_groups(i);
    let mut first = true;
    for g in groups.into_iter().flatten() {
        if !first {
            row.raw(";");
        }
        first = false;
        row.raw(&w.groups[g as usize].name);
    }
    row.end();
    row.raw(&tags.join(";")).end();
    row.dt(c.created).dt(c.updated);
    if c.status == 0 {
        row.dt(rng.range(c.created, w.taken_at - 60));
    } else {
        row.empty();
    }
    row.opt_dt((c.deleted_at != 0).then_some(c.deleted_at));
}

fn relations(
    w: &World,
    rng: &mut Rng,
    row: &mut Row,
    f: &mut Files,
    p: &mut Pickers,
    i: u32,
) -> io::Result<()> {
    let c = &w.contacts[i as usize];
    let source = match c.source {
        0 => "csv_integration",
        1 => "azure_ad",
        3 => "api",
        _ => "manual",
    };
    let mut emit = |kind: u64, other: u32, rng: &mut Rng| -> io::Result<()> {
        row.clear();
        row.int(CONTACT_ID0 + u64::from(i))
            .int(kind)
            .int(CONTACT_ID0 + u64::from(other))
            .s(source)
            .dt(rng.range(c.created, w.taken_at - 60));
        if let Some(Feature::OrphanReference) = p.relations.next(f.relations.records() + 1) {
            row.set(2, &MISSING_CONTACT_ID.to_string());
            f.relations
                .mark(Feature::OrphanReference, Some("related_contact_id"));
        }
        f.relations.write(row)
    };
    if c.manager != NONE {
        emit(1, c.manager, rng)?;
    }
    let ws = &w.ws[c.ws as usize];
    if ws.size() > 1 && rng.chance(50) {
        let other =
            ws.lo + (i - ws.lo + 1 + rng.below(u64::from(ws.size() - 1)) as u32) % ws.size();
        emit(2, other, rng)?;
    }
    if c.has(flag::NEW_HIRE) && ws.size() > 1 && rng.chance(500) {
        let other =
            ws.lo + (i - ws.lo + 1 + rng.below(u64::from(ws.size() - 1)) as u32) % ws.size();
        emit(4, other, rng)?;
    }
    Ok(())
}

fn links(
    w: &World,
    rng: &mut Rng,
    mess: &mut Rng,
    row: &mut Row,
    f: &mut Files,
    p: &mut Pickers,
    i: u32,
) -> io::Result<()> {
    let c = &w.contacts[i as usize];
    let title = w.title(i);
    let hire = i64::from(c.hire_day);
    let mut emit = |company: u32,
                    primary: bool,
                    start: i64,
                    end: Option<i64>,
                    rng: &mut Rng|
     -> io::Result<()> {
        row.clear();
        row.int(CONTACT_ID0 + u64::from(i))
            .int(COMPANY_ID0 + u64::from(company))
            .bool(primary)
            .s(title)
            .date(start)
            .opt_date(end);
        if let Some(Feature::BooleanVariant) = p.links.next(f.links.records() + 1) {
            row.set(2, mangle::bool_variant(rng, primary));
            f.links.mark(Feature::BooleanVariant, Some("is_primary"));
        }
        f.links.write(row)
    };
    emit(c.store, true, hire, None, mess)?;
    if c.second_store != NONE {
        let start = rng.range(hire, w.today);
        let end = rng.chance(400).then(|| rng.range(start, w.today + 1));
        emit(c.second_store, false, start, end, mess)?;
    }
    Ok(())
}

fn memberships(
    w: &World,
    rng: &mut Rng,
    mess: &mut Rng,
    row: &mut Row,
    f: &mut Files,
    p: &mut Pickers,
    i: u32,
) -> io::Result<()> {
    let c = &w.contacts[i as usize];
    let ws = &w.ws[c.ws as usize];
    let groups = w.active_groups(i);
    let remover = |rng: &mut Rng| {
        if rng.chance(300) {
            "system".to_string()
        } else {
            w.admin_email(w.admin_of(rng, c.ws))
        }
    };
    let mut emit = |g: u32,
                    added: i64,
                    removed: Option<(i64, String)>,
                    source: &str,
                    mess: &mut Rng|
     -> io::Result<()> {
        row.clear();
        row.int(GROUP_ID0 + u64::from(g))
            .int(CONTACT_ID0 + u64::from(i))
            .dt(added);
        match removed {
            Some((at, by)) => row.dt(at).s(&by),
            None => row.empty().empty(),
        };
        row.s(source);
        match p.members.next(f.members.records() + 1) {
            Some(Feature::OrphanReference) => {
                row.set(1, &MISSING_CONTACT_ID.to_string());
                f.members.mark(Feature::OrphanReference, Some("contact_id"));
            }
            Some(Feature::DateMixedFormat) => {
                let local = mangle::date_variant(mess, added.div_euclid(DAY));
                row.set(
                    2,
                    &format!(
                        "{local} {:02}:{:02}",
                        added.rem_euclid(DAY) / 3600,
                        added.rem_euclid(3600) / 60
                    ),
                );
                f.members.mark(Feature::DateMixedFormat, Some("added_at"));
            }
            _ => {}
        }
        f.members.write(row)
    };
    let joined = |g: u32, rng: &mut Rng| {
        (c.created.max(w.groups[g as usize].created) + rng.range(60, 3 * DAY))
            .min(w.taken_at - 3600)
    };
    // Removals and re-adds stay before the export was taken.
    let later = |rng: &mut Rng, t: i64, span: i64, limit: i64| {
        rng.range(t + 60, (t + span).min(limit)).min(limit)
    };
    let store_source = if w.groups[ws.group_base as usize].kind == 2 {
        "integration"
    } else {
        "import"
    };
    if c.has(flag::MOVED) {
        // An earlier store, left when the contact moved (§4.10: removed rows stay).
        let current = c.store - ws.company_base - 3;
        let old = ws.group_base + (current + 1) % ws.stores;
        let added = joined(old, rng);
        let removed = later(rng, added, 200 * DAY, w.taken_at - 1800);
        emit(
            old,
            added,
            Some((removed, remover(rng))),
            store_source,
            mess,
        )?;
    }
    for (k, g) in groups.into_iter().enumerate() {
        let Some(g) = g else { continue };
        let mut added = joined(g, rng);
        let source = match k {
            0 => store_source,
            1 => "import",
            5 => "manual",
            _ => "smart_rule",
        };
        if k == 1 && c.has(flag::READDED) {
            let removed = later(rng, added, 100 * DAY, w.taken_at - 1800);
            emit(g, added, Some((removed, remover(rng))), "manual", mess)?;
            added = later(rng, removed, 30 * DAY, w.taken_at - 60);
        }
        emit(g, added, None, source, mess)?;
    }
    Ok(())
}
