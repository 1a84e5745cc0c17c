//! Messy contacts (actimo-export.md §5, items 6–18 and 25): how one clean
//! `contacts.csv` row is rewritten for a picked defect.
//!
//! Input: the world, the clean row of contact `i` and the picked feature.
//! Output: the rewritten row and the column the defect lives in (`None`
//! when the feature does not apply to this contact, e.g. "no e-mail" for a
//! contact without one). Invariant: only the named feature's cells change.

use super::mangle;
use super::messy::Feature;
use super::out::Row;
use super::rng::Rng;
use super::world::*;

/// Row-level defects of contacts.csv with their frequency per 10,000 rows.
pub static CONTACT_MESS: &[(Feature, u32)] = &[
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

/// Applies a row-level defect; returns the column it touched.
pub fn mess_contact(
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
