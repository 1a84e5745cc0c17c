//! Organisation files: workspaces, admin users, contact field definitions,
//! relationship types, companies and groups.
//!
//! Input: the [`World`](super::world::World). Output: one [`FileReport`]
//! per file. Invariants: every id written here is one the world defines;
//! group member counts equal the active rows of `group_memberships.csv`
//! (except where messy mode says otherwise and records it).

use super::mangle;
use super::messy::Feature;
use super::out::FileReport;
use super::words::*;
use super::world::*;
use super::Ctx;
use std::io;

pub fn write(ctx: &Ctx, r: &mut Vec<FileReport>) -> io::Result<()> {
    r.push(workspaces(ctx)?);
    r.push(admin_users(ctx)?);
    r.push(contact_fields(ctx)?);
    r.push(relationship_types(ctx)?);
    r.push(companies(ctx)?);
    r.push(groups(ctx)?);
    Ok(())
}

fn workspaces(ctx: &Ctx) -> io::Result<FileReport> {
    let name = "workspaces.csv";
    let mut out = ctx.open(name)?;
    let mut rng = ctx.rng(name);
    let mut row = ctx.row(&out);
    for (i, ws) in ctx.w.ws.iter().enumerate() {
        let (_, _, lang, zone, _) = COUNTRIES[ws.country as usize];
        row.clear();
        row.int(WORKSPACE_ID0 + i as u64)
            .s(&ws.name)
            .int(COMPANY_ID0 + u64::from(ws.company_base));
        if rng.chance(500) {
            row.fmt(format_args!("medarbejder.{}", ws.domain()));
        } else {
            row.empty();
        }
        row.s(lang).s(zone).s("active").dt(ws.created);
        out.write(&row)?;
    }
    out.finish()
}

static ADMIN_MESS: &[(Feature, u32)] = &[(Feature::EnumVariant, 1500)];

fn admin_users(ctx: &Ctx) -> io::Result<FileReport> {
    let name = "admin_users.csv";
    let w = ctx.w;
    let mut out = ctx.open(name)?;
    let mut rng = ctx.rng(name);
    let mut pick = ctx.picker(name, w.admins.len() as u64, ADMIN_MESS);
    let mut row = ctx.row(&out);
    for (a, ad) in w.admins.iter().enumerate() {
        let admin = rng.chance(300);
        let created = ad.created;
        row.clear();
        row.int(ADMIN_ID0 + a as u64)
            .s(&w.admin_email(a as u32))
            .s(FIRST_NAMES[ad.first as usize])
            .s(LAST_NAMES[ad.last as usize]);
        if rng.chance(600) {
            row.fmt(format_args!(
                "+45{}",
                30_000_000 + (a as u64 * 7_919) % 60_000_000
            ));
        } else {
            row.empty();
        }
        let role = if admin { "admin" } else { "editor" };
        row.s(role);
        row.raw_int(WORKSPACE_ID0 + u64::from(ad.ws));
        if ad.extra_ws != NONE {
            row.raw(";").raw_int(WORKSPACE_ID0 + u64::from(ad.extra_ws));
        }
        row.end();
        let deleted = rng.chance(50);
        row.s(if rng.chance(400) { "sso" } else { "password" })
            .s(if deleted { "deleted" } else { "active" })
            .dt(created)
            .dt(rng.range(created, w.taken_at - 60));
        if let Some(Feature::EnumVariant) = pick.next(a as u64 + 1) {
            let v = if admin {
                rng.pick(&["Admin", "Administrator", "ADMIN"])
            } else {
                rng.pick(&["Editor", "Redaktør", "EDITOR"])
            };
            row.set(5, v);
            out.mark(Feature::EnumVariant, Some("role"));
        }
        out.write(&row)?;
    }
    out.finish()
}

fn contact_fields(ctx: &Ctx) -> io::Result<FileReport> {
    let mut out = ctx.open("contact_fields.csv")?;
    let mut row = ctx.row(&out);
    let sites: Vec<&str> = ctx
        .w
        .companies
        .iter()
        .filter(|c| c.kind == 2)
        .take(20)
        .map(|c| c.name.as_str())
        .collect();
    let sites = sites.join(";");
    let regions = "Region Hovedstaden;Region Sjælland;Region Syddanmark;Region Midtjylland;Region Nordjylland";
    let rows: &[(&str, &str, &str, &str, &str, bool)] = &[
        ("first_name", "First name", "standard", "text", "", false),
        ("last_name", "Last name", "standard", "text", "", false),
        ("email", "Email", "standard", "email", "", true),
        (
            "msisdn",
            "Mobile number",
            "standard",
            "mobile_number",
            "",
            true,
        ),
        ("title", "Title", "standard", "text", "", false),
        ("department", "Department", "standard", "text", "", false),
        ("company", "Company", "standard", "text", "", false),
        ("addr_city", "City", "standard", "text", "", false),
        ("addr_zip", "Postal code", "standard", "text", "", false),
        ("addr_country", "Country", "standard", "text", "", false),
        ("data1", "Hire date", "custom", "date", "", false),
        ("data2", "Site", "custom", "dropdown", &sites, false),
        (
            "data3",
            "Employment status",
            "custom",
            "dropdown",
            "Active;On Leave;Terminated",
            false,
        ),
        ("data4", "Cost center", "custom", "text", "", false),
        ("data5", "Region", "custom", "dropdown", regions, false),
        (
            "data6",
            "Contract type",
            "custom",
            "dropdown",
            "Fuldtid;Deltid;Timelønnet",
            false,
        ),
        ("data7", "Medarbejdernr.", "custom", "text", "", true),
        ("manager", "Manager", "standard", "relationship", "", false),
        ("mentor", "Mentor", "standard", "relationship", "", false),
        (
            "hr_partner",
            "HR partner",
            "standard",
            "relationship",
            "",
            false,
        ),
        ("buddy", "Buddy", "standard", "relationship", "", false),
    ];
    for (key, label, kind, ty, options, dup) in rows {
        row.clear();
        row.s(key).s(label).s(kind).s(ty).s(options).bool(*dup);
        out.write(&row)?;
    }
    out.finish()
}

pub const RELATIONSHIP_TYPES: &[&str] = &["Manager", "Mentor", "HR partner", "Buddy"];

fn relationship_types(ctx: &Ctx) -> io::Result<FileReport> {
    let mut out = ctx.open("relationship_types.csv")?;
    let mut row = ctx.row(&out);
    let first = ctx
        .w
        .ws
        .iter()
        .map(|w| w.created)
        .min()
        .unwrap_or(ctx.w.taken_at);
    for (i, name) in RELATIONSHIP_TYPES.iter().enumerate() {
        row.clear();
        row.int(i + 1).s(name).dt(first + (i as i64 + 1) * 7 * DAY);
        out.write(&row)?;
    }
    out.finish()
}

static COMPANY_MESS: &[(Feature, u32)] = &[(Feature::CountryVariant, 1000)];

fn companies(ctx: &Ctx) -> io::Result<FileReport> {
    let name = "companies.csv";
    let w = ctx.w;
    let mut out = ctx.open(name)?;
    let mut rng = ctx.rng(name);
    let mut pick = ctx.picker(name, w.companies.len() as u64, COMPANY_MESS);
    let mut row = ctx.row(&out);
    for (c, co) in w.companies.iter().enumerate() {
        let (country, iso, ..) = COUNTRIES[w.ws[co.ws as usize].country as usize];
        row.clear();
        row.int(COMPANY_ID0 + c as u64)
            .s(&co.name)
            .s(ORG_UNITS[co.kind as usize]);
        if co.parent == NONE {
            row.empty();
        } else {
            row.int(COMPANY_ID0 + u64::from(co.parent));
        }
        if co.kind == 0 {
            row.int(10_000_000 + (c as u64 * 7_919 + 3) % 89_999_999);
        } else {
            row.empty();
        }
        row.s(iso).int(WORKSPACE_ID0 + u64::from(co.ws)).s([
            "workspace",
            "manual",
            "contact.location",
        ][co.kind as usize]);
        if let Some(Feature::CountryVariant) = pick.next(c as u64 + 1) {
            let v = if rng.chance(500) {
                country.to_string()
            } else {
                iso.to_lowercase()
            };
            row.set(5, &v);
            out.mark(Feature::CountryVariant, Some("country"));
        }
        out.write(&row)?;
    }
    out.finish()
}

static GROUP_MESS: &[(Feature, u32)] = &[
    (Feature::MemberCountMismatch, 300),
    (Feature::EnumVariant, 300),
    (Feature::BooleanVariant, 300),
];

fn groups(ctx: &Ctx) -> io::Result<FileReport> {
    let name = "groups.csv";
    let w = ctx.w;
    let mut out = ctx.open(name)?;
    let mut rng = ctx.rng(name);
    let mut pick = ctx.picker(name, w.groups.len() as u64, GROUP_MESS);
    let mut row = ctx.row(&out);
    for (g, gr) in w.groups.iter().enumerate() {
        let ws = &w.ws[gr.ws as usize];
        let smart = (g as u32)
            .checked_sub(ws.group_base + ws.stores + WS_DEPTS as u32)
            .map(|k| k as usize);
        row.clear();
        row.int(GROUP_ID0 + g as u64)
            .int(WORKSPACE_ID0 + u64::from(gr.ws))
            .int(ADMIN_ID0 + u64::from(gr.creator))
            .s(&gr.name);
        if gr.social_wall {
            row.fmt(format_args!(
                "Væggen for {} – del billeder og nyheder",
                gr.name
            ));
        } else {
            row.empty();
        }
        row.s(GROUP_KINDS[gr.kind as usize]);
        match smart {
            Some(k) if gr.kind == 1 => row.s(SMART_GROUPS[k].1),
            _ => row.empty(),
        };
        row.int(gr.members)
            .s(if gr.kind == 2 {
                "csv_integration"
            } else {
                "manual"
            })
            .bool(gr.kind != 3 && rng.chance(500))
            .bool(gr.social_wall);
        row.s(match (gr.social_wall, gr.kind) {
            (false, _) => "",
            (true, 3) => "private",
            (true, _) => "company",
        });
        if gr.cover_file == NONE {
            row.empty();
        } else {
            row.int(FILE_ID0 + u64::from(gr.cover_file));
        }
        row.dt(gr.created);
        match pick.next(g as u64 + 1) {
            Some(Feature::MemberCountMismatch) => {
                row.set(7, &(gr.members + 1 + rng.below(5) as u32).to_string());
                out.mark(Feature::MemberCountMismatch, Some("member_count"));
            }
            Some(Feature::EnumVariant) => {
                let v = GROUP_KINDS[gr.kind as usize];
                let v = if rng.chance(500) {
                    v.to_uppercase()
                } else {
                    format!("{}{} ", &v[..1].to_uppercase(), &v[1..])
                };
                row.set(5, &v);
                out.mark(Feature::EnumVariant, Some("group_type"));
            }
            Some(Feature::BooleanVariant) => {
                let v = mangle::bool_variant(&mut rng, gr.social_wall);
                row.set(10, v);
                out.mark(Feature::BooleanVariant, Some("social_wall_enabled"));
            }
            _ => {}
        }
        out.write(&row)?;
    }
    if w.messy {
        // Someone created "store 12 " next to "Store 12" (§5.8).
        let first = &w.groups[0];
        row.clear();
        row.int(GROUP_ID0 + w.groups.len() as u64)
            .int(WORKSPACE_ID0)
            .int(ADMIN_ID0)
            .fmt(format_args!("{} ", first.name.to_lowercase()))
            .empty()
            .s("static")
            .empty()
            .int(0)
            .s("manual")
            .bool(false)
            .bool(false)
            .empty()
            .empty()
            .dt(first.created + DAY);
        out.mark(Feature::GroupNameCaseDuplicate, Some("name"));
        out.write(&row)?;
    }
    out.finish()
}
