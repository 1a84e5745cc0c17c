//! Contacts and everything keyed by one contact: relationships, company
//! links, group memberships and tags, written in a single pass.
//!
//! Input: the world. Output: `contacts.csv`, `contact_relationships.csv`,
//! `company_contacts.csv`, `group_memberships.csv`, `contact_tags.csv`.
//! Invariants (clean mode): every reference resolves; each contact has
//! exactly one primary company; `contacts.groups` lists exactly the active
//! memberships and `contacts.tags` exactly the tag rows; membership rows of
//! one (group, contact) never overlap in time.

use super::mangle;
use super::messy::Feature;
use super::out::{CsvOut, FileReport, Row};
use super::rng::Rng;
use super::words::*;
use super::world::*;
use super::Ctx;
use std::io;

/// Row-level defects of contacts.csv with their frequency per 10,000 rows.
static CONTACT_MESS: &[(Feature, u32)] = &[
    (Feature::EmployeeIdLostZeros, 150),
    (Feature::EmployeeIdWhitespace, 50),
    (Feature::EmployeeIdRehireDuplicate, 30),
    (Feature::ScientificNotation, 50),
    (Feature::PhoneMixedFormat, 500),
    (Feature::PhoneSwedish, 30),
    (Feature::DuplicateMobile, 30),
    (Feature::EmailDuplicateCase, 100),
    (Feature::SharedMailbox, 50),
    (Feature::SharedMailbox, 50),
    (Feature::NoEmail, 400),
    (Feature::NoEmailNoPhone, 100),
    (Feature::NameFullInFirst, 100),
    (Feature::NameAllCaps, 150),
    (Feature::NameMismatch, 100),
    (Feature::EnumVariant, 600),
    (Feature::BooleanVariant, 500),
    (Feature::DateMixedFormat, 500),
    (Feature::DateAmbiguous, 200),
    (Feature::DateExcelSerial, 100),
    (Feature::DateZero, 100),
    (Feature::DatePlaceholder1970, 50),
    (Feature::DateImplausible, 30),
    (Feature::HireDateFuture, 50),
    (Feature::DatetimeDstGap, 20),
    (Feature::DatetimeDstOverlap, 20),
    (Feature::DatetimeWithOffset, 100),
    (Feature::OrphanReference, 50),
    (Feature::GroupNameVariant, 200),
    (Feature::UnknownGroupName, 50),
    (Feature::TerminatedButActive, 100),
    (Feature::OnLeaveFutureHire, 30),
    (Feature::ZipVariant, 150),
    (Feature::CountryVariant, 300),
    (Feature::SamePersonTwoWorkspaces, 50),
    (Feature::FakeCpr, 30),
    (Feature::TextInNumber, 100),
];

static RELATION_MESS: &[(Feature, u32)] = &[(Feature::OrphanReference, 30)];
static COMPANY_LINK_MESS: &[(Feature, u32)] = &[(Feature::BooleanVariant, 300)];
static MEMBERSHIP_MESS: &[(Feature, u32)] = &[
    (Feature::OrphanReference, 30),
    (Feature::DateMixedFormat, 200),
];
static TAG_MESS: &[(Feature, u32)] = &[(Feature::TagCaseVariant, 300)];

/// A contact id no file defines (deleted and purged, or never existed).
pub const MISSING_CONTACT_ID: u64 = 9_999_999;

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

/// Applies a row-level defect; returns the column it touched.
fn mess_contact(
    w: &World,
    rng: &mut Rng,
    row: &mut Row,
    i: u32,
    f: Feature,
) -> Option<&'static str> {
    let c = &w.contacts[i as usize];
    let spec = super::columns::spec("contacts.csv");
    let ix = |name: &str| spec.col(name);
    let prev = i.checked_sub(1);
    let column = match f {
        Feature::EmployeeIdLostZeros => {
            let id = w.employee_id(i)?;
            let stripped = id.trim_start_matches('0');
            if stripped.len() == id.len() {
                return None;
            }
            row.set(ix("employee_id"), stripped);
            "employee_id"
        }
        Feature::EmployeeIdWhitespace => {
            let id = w.employee_id(i)?;
            row.set(ix("employee_id"), &format!(" {id} "));
            "employee_id"
        }
        Feature::EmployeeIdRehireDuplicate => {
            let other = w.employee_id(prev?)?;
            row.set(ix("employee_id"), &other);
            "employee_id"
        }
        Feature::ScientificNotation => {
            if !c.has(flag::HAS_PHONE) {
                return None;
            }
            let digits = format!("{}{}", w.calling_code(i), w.national_number(i));
            row.set(ix("msisdn"), &mangle::excel_scientific(&digits));
            "msisdn"
        }
        Feature::PhoneMixedFormat => {
            if !c.has(flag::HAS_PHONE) {
                return None;
            }
            let (cc, nat) = (w.calling_code(i), w.national_number(i).to_string());
            let spaced: String = nat
                .as_bytes()
                .chunks(2)
                .map(|p| String::from_utf8_lossy(p).into_owned())
                .collect::<Vec<_>>()
                .join(" ");
            match rng.below(4) {
                0 => row.set(ix("msisdn"), &format!("+{cc} {spaced}")),
                1 => row.set(ix("msisdn"), &format!("{cc}{nat}")),
                2 => row.set(ix("msisdn"), &format!("00{cc} {nat}")),
                _ => {
                    row.set(ix("msisdn"), &nat);
                    row.set(ix("phone_number"), &format!("{cc}{nat}"));
                }
            }
            "msisdn"
        }
        Feature::PhoneSwedish => {
            let n = 1_000_000 + (u64::from(i) * 7_919) % 8_999_999;
            let s = n.to_string();
            row.set(
                ix("msisdn"),
                &format!("+46 70-{} {} {}", &s[..3], &s[3..5], &s[5..7]),
            );
            row.set(ix("country_code"), "46");
            row.set(ix("phone_number"), &format!("70{s}"));
            "msisdn"
        }
        Feature::DuplicateMobile => {
            let p = prev?;
            if !w.contacts[p as usize].has(flag::HAS_PHONE) {
                return None;
            }
            let mut v = Vec::new();
            w.push_msisdn(&mut v, p);
            row.set(ix("msisdn"), &String::from_utf8_lossy(&v));
            "msisdn"
        }
        Feature::EmailDuplicateCase => {
            let other = w.email(prev?);
            if other.is_empty() {
                return None;
            }
            let mut chars: Vec<char> = other.chars().collect();
            if let Some(ch) = chars.first_mut() {
                *ch = ch.to_ascii_uppercase();
            }
            let mut s: String = chars.into_iter().collect();
            if rng.chance(500) {
                s.push(' ');
            }
            row.set(ix("email"), &s);
            "email"
        }
        Feature::SharedMailbox => {
            row.set(ix("email"), &format!("butik12@{}", w.ws[0].domain()));
            "email"
        }
        Feature::NoEmail => {
            if row.get(ix("email")).is_empty() {
                return None;
            }
            row.set(ix("email"), "");
            "email"
        }
        Feature::NoEmailNoPhone => {
            for k in ["email", "msisdn", "country_code", "phone_number"] {
                row.set(ix(k), "");
            }
            "email"
        }
        Feature::NameFullInFirst => {
            let full = format!("{} {}", w.first_name(i), w.last_name(i));
            row.set(ix("first_name"), &full);
            row.set(ix("last_name"), "");
            "first_name"
        }
        Feature::NameAllCaps => {
            row.set(ix("last_name"), &w.last_name(i).to_uppercase());
            "last_name"
        }
        Feature::NameMismatch => {
            let initial: String = w.last_name(i).chars().take(1).collect();
            row.set(ix("name"), &format!("{} {initial}.", w.first_name(i)));
            "name"
        }
        Feature::EnumVariant => {
            if rng.chance(500) {
                let v = match c.status {
                    0 => rng.pick(&["Active", "ACTIVE", " active", "Aktiv"]),
                    1 => rng.pick(&["Inactive", "INAKTIV", "inaktiv"]),
                    2 => rng.pick(&["Invited", "Inviteret"]),
                    _ => rng.pick(&["Pending", "Afventer"]),
                };
                row.set(ix("status"), v);
                "status"
            } else {
                let v = match c.emp {
                    0 => rng.pick(&["active", "Aktiv", "ACTIVE", ""]),
                    1 => rng.pick(&["on leave", "on_leave", "Orlov", "Barsel"]),
                    _ => rng.pick(&["terminated", "Fratrådt", "Stopped"]),
                };
                row.set(ix("employment_status"), v);
                "employment_status"
            }
        }
        Feature::BooleanVariant => {
            let name = rng.pick(&["allow_email", "allow_sms", "allow_push", "opt_out"]);
            let v = row.get(ix(name)) == "true";
            row.set(ix(name), mangle::bool_variant(rng, v));
            name
        }
        Feature::DateMixedFormat => {
            row.set(
                ix("hire_date"),
                &mangle::date_variant(rng, i64::from(c.hire_day)),
            );
            "hire_date"
        }
        Feature::DateAmbiguous => {
            row.set(
                ix("hire_date"),
                &mangle::ambiguous_date(i64::from(c.hire_day)),
            );
            "hire_date"
        }
        Feature::DateExcelSerial => {
            row.set(
                ix("hire_date"),
                &mangle::excel_serial(i64::from(c.hire_day)),
            );
            "hire_date"
        }
        Feature::DateZero => {
            row.set(ix("updated_at"), "0000-00-00 00:00:00");
            "updated_at"
        }
        Feature::DatePlaceholder1970 => {
            row.set(ix("last_active_at"), "1970-01-01 00:00:00");
            "last_active_at"
        }
        Feature::DateImplausible => {
            row.set(ix("hire_date"), "1900-01-01");
            "hire_date"
        }
        Feature::HireDateFuture => {
            let mut b = Vec::new();
            super::out::push_date(&mut b, w.today + rng.range(7, 60));
            row.set(ix("hire_date"), &String::from_utf8_lossy(&b));
            "hire_date"
        }
        Feature::DatetimeDstGap => {
            row.set(ix("created_at"), "31-03-2024 02:30");
            "created_at"
        }
        Feature::DatetimeDstOverlap => {
            row.set(ix("created_at"), "29-10-2023 02:30");
            "created_at"
        }
        Feature::DatetimeWithOffset => {
            row.set(ix("created_at"), &mangle::offset_datetime(rng, c.created));
            "created_at"
        }
        Feature::OrphanReference => {
            row.set(ix("manager_contact_id"), &MISSING_CONTACT_ID.to_string());
            row.set(ix("manager_employee_id"), "");
            "manager_contact_id"
        }
        Feature::GroupNameVariant => {
            let groups = row.get(ix("groups")).to_string();
            let (head, tail) = groups.split_once(';').unwrap_or((&groups, ""));
            let v = if tail.is_empty() {
                format!("{} ", head.to_lowercase())
            } else {
                format!("{} ;{tail}", head.to_lowercase())
            };
            row.set(ix("groups"), &v);
            "groups"
        }
        Feature::UnknownGroupName => {
            let groups = format!("{};Lager Nat", row.get(ix("groups")));
            row.set(ix("groups"), &groups);
            "groups"
        }
        Feature::TerminatedButActive => {
            row.set(ix("status"), "active");
            row.set(ix("employment_status"), "Terminated");
            "employment_status"
        }
        Feature::OnLeaveFutureHire => {
            let mut b = Vec::new();
            super::out::push_date(&mut b, w.today + rng.range(7, 90));
            row.set(ix("employment_status"), "On Leave");
            row.set(ix("hire_date"), &String::from_utf8_lossy(&b));
            "hire_date"
        }
        Feature::ZipVariant => {
            let zip = row.get(ix("addr_zip")).to_string();
            let v = if rng.chance(300) {
                "SW1A 1AA".to_string()
            } else {
                format!("DK-{zip}")
            };
            row.set(ix("addr_zip"), &v);
            "addr_zip"
        }
        Feature::CountryVariant => {
            let v = match row.get(ix("addr_country")) {
                "DK" => rng.pick(&["Danmark", "Denmark", "dk", "DNK"]),
                "SE" => rng.pick(&["Sverige", "Sweden", "se"]),
                _ => rng.pick(&["Norge", "Norway", "no"]),
            };
            row.set(ix("addr_country"), v);
            "addr_country"
        }
        Feature::SamePersonTwoWorkspaces => {
            let ws = &w.ws[c.ws as usize];
            let other = if c.ws > 0 {
                i - ws.size().min(i)
            } else {
                i + ws.size()
            };
            if other >= w.n || w.contacts[other as usize].ws == c.ws {
                return None;
            }
            row.set(ix("employee_id"), &w.employee_id(other).unwrap_or_default());
            row.set(ix("first_name"), w.first_name(other));
            row.set(ix("last_name"), w.last_name(other));
            row.set(
                ix("name"),
                &format!("{} {}", w.first_name(other), w.last_name(other)),
            );
            row.set(ix("email"), &w.email(other));
            "email"
        }
        Feature::FakeCpr => {
            row.set(ix("source_data"), "legacy HR note: CPR 010190-XXXX");
            "source_data"
        }
        Feature::TextInNumber => {
            row.set(ix("engagement_score"), mangle::not_a_number(rng));
            "engagement_score"
        }
        _ => return None,
    };
    Some(column)
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
