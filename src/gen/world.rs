//! The generated organisation, decided once before any file is written.
//!
//! Input: the contact count N and the seed. Output: a [`World`] of compact
//! records (workspaces, admins, companies, contacts, groups, campaigns,
//! automations, messages, learning paths, pulses) with every cross-file
//! decision already taken, so each file writer can stream its rows in one
//! pass and every foreign key it writes points at a row another writer
//! writes. Invariants: contacts of a workspace are one contiguous index
//! range; a manager always has a smaller index than the people they manage
//! (no cycles); ids are `ID0 + index`; sizes scale linearly with N.

use super::rng::Rng;
use super::words::*;

pub const NONE: u32 = u32::MAX;

pub const WORKSPACE_ID0: u64 = 20_417;
pub const ADMIN_ID0: u64 = 1_001;
pub const COMPANY_ID0: u64 = 7_001;
pub const CONTACT_ID0: u64 = 4_812_001;
pub const GROUP_ID0: u64 = 88_001;
pub const CAMPAIGN_ID0: u64 = 301;
pub const AUTOMATION_ID0: u64 = 601;
pub const MESSAGE_ID0: u64 = 1_733_001;
pub const MODULE_ID0: u64 = 5_200_001;
pub const PATH_ID0: u64 = 41;
pub const PULSE_ID0: u64 = 11;
pub const QUESTION_ID0: u64 = 1_101;
pub const FILE_ID0: u64 = 600_001;
pub const POST_ID0: u64 = 77_001;
/// A contact id no file defines (deleted and purged, or never existed).
pub const MISSING_CONTACT_ID: u64 = 9_999_999;

pub const DAY: i64 = 86_400;

/// Contact flags.
pub mod flag {
    pub const MANAGER: u16 = 1;
    pub const DELETED: u16 = 1 << 1;
    pub const HAS_EMAIL: u16 = 1 << 2;
    pub const HAS_PHONE: u16 = 1 << 3;
    pub const ALLOW_EMAIL: u16 = 1 << 4;
    pub const ALLOW_SMS: u16 = 1 << 5;
    pub const ALLOW_PUSH: u16 = 1 << 6;
    pub const OPT_OUT: u16 = 1 << 7;
    pub const PART_TIME: u16 = 1 << 8;
    pub const SOCIAL: u16 = 1 << 9;
    pub const NEW_HIRE: u16 = 1 << 10;
    /// Moved from another store: a removed membership row.
    pub const MOVED: u16 = 1 << 11;
    /// Removed from and re-added to the department group.
    pub const READDED: u16 = 1 << 12;
    pub const SHARED: u16 = 1 << 13;
}

pub const STATUS: &[&str] = &["active", "inactive", "invited", "pending"];
pub const EMPLOYMENT: &[&str] = &["Active", "On Leave", "Terminated"];
pub const SOURCE: &[&str] = &[
    "csv_integration",
    "azure_ad",
    "manual",
    "api",
    "contact_form",
];

/// Group kinds within a workspace, in layout order after the stores.
pub const SMART_GROUPS: &[(&str, &str)] = &[
    ("Ledere", "title CONTAINS 'chef' OR title CONTAINS 'leder'"),
    ("Nyansatte", "hire_date > today - 365"),
    ("Deltid", "data6 = 'Deltid'"),
];
/// Departments per workspace, each with a group.
pub const WS_DEPTS: usize = 5;

pub struct Workspace {
    pub lo: u32,
    pub hi: u32,
    pub brand: u8,
    pub country: u8,
    pub name: String,
    pub created: i64,
    /// Companies: legal entity, two regions, then `stores` stores.
    pub company_base: u32,
    pub stores: u32,
    pub group_base: u32,
    pub admin_lo: u32,
    pub admin_hi: u32,
    /// Indices into DEPARTMENTS of this workspace's departments.
    pub depts: [u8; WS_DEPTS],
    pub trainings: Vec<u32>,
}

impl Workspace {
    pub fn size(&self) -> u32 {
        self.hi - self.lo
    }
    pub fn managers(&self) -> u32 {
        (self.size() / 10).max(1)
    }
    pub fn groups(&self) -> u32 {
        self.stores + WS_DEPTS as u32 + SMART_GROUPS.len() as u32 + 1
    }
    pub fn domain(&self) -> &'static str {
        BRANDS[self.brand as usize].1
    }
}

pub struct Admin {
    pub ws: u32,
    pub first: u16,
    pub last: u16,
    pub email_n: u16,
    pub extra_ws: u32,
    pub created: i64,
}

pub const ORG_UNITS: &[&str] = &["legal_entity", "region", "store"];

pub struct Company {
    pub ws: u32,
    pub kind: u8,
    pub parent: u32,
    pub name: String,
}

pub struct Contact {
    pub ws: u32,
    pub store: u32,
    pub second_store: u32,
    pub manager: u32,
    pub emp_no: u32,
    pub created: i64,
    pub updated: i64,
    pub deleted_at: i64,
    pub hire_day: i32,
    pub first: u16,
    pub last: u16,
    pub email_n: u16,
    pub reports: u16,
    pub flags: u16,
    pub dept: u8,
    pub title: u8,
    pub status: u8,
    pub emp: u8,
    pub source: u8,
    pub city: u8,
}

impl Contact {
    pub fn has(&self, f: u16) -> bool {
        self.flags & f != 0
    }
}

pub const GROUP_KINDS: &[&str] = &["static", "smart", "integration", "private_social"];

pub struct Group {
    pub ws: u32,
    pub kind: u8,
    pub name: String,
    pub members: u32,
    pub created: i64,
    pub creator: u32,
    pub cover_file: u32,
    pub social_wall: bool,
}

pub const MESSAGE_KINDS: &[&str] = &[
    "news",
    "training",
    "survey",
    "form",
    "front_page",
    "pulse",
    "other",
];
pub const K_TRAINING: u8 = 1;
pub const K_SURVEY: u8 = 2;
pub const K_PULSE: u8 = 5;
pub const MESSAGE_STATUS: &[&str] = &["draft", "scheduled", "published", "unpublished", "deleted"];

/// Message flags.
pub mod mflag {
    pub const PUBLIC: u8 = 1;
    pub const LINKED: u8 = 1 << 1;
    pub const UNSUBSCRIBE: u8 = 1 << 2;
    pub const ANONYMISED: u8 = 1 << 3;
    pub const REACTIONS: u8 = 1 << 4;
    pub const COMMENTS: u8 = 1 << 5;
    pub const SHARE: u8 = 1 << 6;
}

/// Channel bits: push, email, sms.
pub const CHANNELS: &[&str] = &["push", "email", "sms"];

pub struct Message {
    pub ws: u32,
    pub kind: u8,
    pub status: u8,
    pub channels: u8,
    pub flags: u8,
    pub title: u8,
    pub english: bool,
    pub pages: u8,
    pub campaign: u32,
    pub automation: u32,
    pub created_by: u32,
    pub feed_file: u32,
    pub created: i64,
    pub updated: i64,
    pub scheduled: i64,
    /// 0 when never sent.
    pub published: i64,
}

impl Message {
    pub fn sent(&self) -> bool {
        self.published != 0
    }
    pub fn has(&self, f: u8) -> bool {
        self.flags & f != 0
    }
}

pub const MODULE_TYPES: &[&str] = &[
    "text", "image", "button", "grid", "feed", "video", "audio", "quiz", "confirm", "survey",
    "slider", "upload", "feedback", "nps", "menu",
];
pub const M_TEXT: u8 = 0;
pub const M_BUTTON: u8 = 2;
pub const M_QUIZ: u8 = 7;
pub const M_SURVEY: u8 = 9;
pub const M_SLIDER: u8 = 10;
pub const M_FEEDBACK: u8 = 12;
pub const M_NPS: u8 = 13;

pub const CAMPAIGN_KINDS: &[&str] = &["automation_flow", "category_series", "one_off"];

pub struct Campaign {
    pub ws: u32,
    pub kind: u8,
    pub automation: u32,
    pub category: u8,
    pub messages: u32,
    pub first: i64,
    pub last: i64,
}

pub const TRIGGERS: &[&str] = &[
    "message_sent",
    "message_opened",
    "contact_created",
    "contact_updated",
    "contact_created_or_updated",
];

pub struct Automation {
    pub ws: u32,
    pub trigger: u8,
    pub trigger_msg: u32,
    pub steps: u8,
    pub created_by: u32,
    pub created: i64,
}

pub struct LearningPath {
    pub ws: u32,
    pub messages: Vec<u32>,
    pub due_days: i64,
    pub created: i64,
}

pub struct Pulse {
    pub ws: u32,
    pub message: u32,
    pub monthly: bool,
    pub created: i64,
}

/// Questions per pulse survey (`PULSE_QUESTIONS` order).
pub const QUESTIONS_PER_PULSE: usize = 5;
/// Rounds of each pulse survey in the export.
pub const PULSE_ROUNDS: i64 = 12;

pub struct World {
    pub seed: u64,
    pub messy: bool,
    pub n: u32,
    pub taken_at: i64,
    pub today: i64,
    pub ws: Vec<Workspace>,
    pub admins: Vec<Admin>,
    pub companies: Vec<Company>,
    pub contacts: Vec<Contact>,
    pub groups: Vec<Group>,
    pub campaigns: Vec<Campaign>,
    pub automations: Vec<Automation>,
    pub messages: Vec<Message>,
    /// `module_base[m]..module_base[m + 1]` are message m's modules.
    pub module_base: Vec<u32>,
    pub module_types: Vec<u8>,
    pub paths: Vec<LearningPath>,
    pub pulses: Vec<Pulse>,
    /// File ids below this are feed images and cover images.
    pub fixed_files: u32,
    pub(super) first_ascii: Vec<String>,
    pub(super) last_ascii: Vec<String>,
    pub(super) emp_width: usize,
}

/// Index of the k-th member of workspace w when `count` items are dealt
/// round-robin over `nws` workspaces.
pub fn nth_of_ws(count: usize, nws: usize, w: u32, k: u64) -> u32 {
    let i = w as u64 + k * nws as u64;
    if (i as usize) < count {
        i as u32
    } else {
        NONE
    }
}

pub fn count_of_ws(count: usize, nws: usize, w: u32) -> u64 {
    let w = w as usize;
    if w < count {
        ((count - 1 - w) / nws + 1) as u64
    } else {
        0
    }
}

impl World {
    // ── rendering helpers shared by writers ─────────────────────────────

    pub fn first_name(&self, i: u32) -> &'static str {
        FIRST_NAMES[self.contacts[i as usize].first as usize]
    }

    pub fn last_name(&self, i: u32) -> &'static str {
        LAST_NAMES[self.contacts[i as usize].last as usize]
    }

    pub fn department(&self, i: u32) -> &'static str {
        let c = &self.contacts[i as usize];
        DEPARTMENTS[self.ws[c.ws as usize].depts[c.dept as usize] as usize]
    }

    pub fn title(&self, i: u32) -> &'static str {
        let c = &self.contacts[i as usize];
        if c.has(flag::MANAGER) {
            MANAGER_TITLES[c.title as usize]
        } else {
            TITLES[c.title as usize]
        }
    }

    /// Appends the contact's e-mail (nothing when it has none).
    pub fn push_email(&self, out: &mut Vec<u8>, i: u32) {
        let c = &self.contacts[i as usize];
        if !c.has(flag::HAS_EMAIL) {
            return;
        }
        self.push_local(out, c.first, c.last, c.email_n);
        out.push(b'@');
        out.extend_from_slice(self.ws[c.ws as usize].domain().as_bytes());
    }

    pub fn email(&self, i: u32) -> String {
        let mut v = Vec::new();
        self.push_email(&mut v, i);
        String::from_utf8(v).unwrap_or_default()
    }

    fn push_local(&self, out: &mut Vec<u8>, first: u16, last: u16, n: u16) {
        out.extend_from_slice(self.first_ascii[first as usize].as_bytes());
        out.push(b'.');
        out.extend_from_slice(self.last_ascii[last as usize].as_bytes());
        if n > 1 {
            out.extend_from_slice(itoa::Buffer::new().format(n).as_bytes());
        }
    }

    pub fn admin_email(&self, a: u32) -> String {
        let ad = &self.admins[a as usize];
        let mut v = Vec::new();
        self.push_local(&mut v, ad.first, ad.last, ad.email_n);
        v.extend_from_slice(b"@hq.");
        v.extend_from_slice(self.ws[ad.ws as usize].domain().as_bytes());
        String::from_utf8(v).unwrap_or_default()
    }

    pub fn calling_code(&self, i: u32) -> &'static str {
        COUNTRIES[self.ws[self.contacts[i as usize].ws as usize].country as usize].4
    }

    /// The national number (no country code); unique per contact.
    pub fn national_number(&self, i: u32) -> u64 {
        let perm = (u64::from(i) * 48_271 + 12_345) % 10_000_000;
        match self.ws[self.contacts[i as usize].ws as usize].country {
            1 => 700_000_000 + perm,
            2 => 40_000_000 + perm,
            _ => 20_000_000 + (u64::from(i) * 7_919 + 1_234_567) % 80_000_000,
        }
    }

    /// `+4520123456`, empty when the contact has no phone.
    pub fn push_msisdn(&self, out: &mut Vec<u8>, i: u32) {
        if !self.contacts[i as usize].has(flag::HAS_PHONE) {
            return;
        }
        out.push(b'+');
        out.extend_from_slice(self.calling_code(i).as_bytes());
        out.extend_from_slice(
            itoa::Buffer::new()
                .format(self.national_number(i))
                .as_bytes(),
        );
    }

    pub fn employee_id(&self, i: u32) -> Option<String> {
        let n = self.contacts[i as usize].emp_no;
        (n != 0).then(|| format!("{:0w$}", n, w = self.emp_width))
    }

    /// A random admin of workspace `w`.
    pub fn admin_of(&self, rng: &mut Rng, w: u32) -> u32 {
        let ws = &self.ws[w as usize];
        ws.admin_lo + rng.below(u64::from(ws.admin_hi - ws.admin_lo)) as u32
    }

    /// A random contact of workspace `w`.
    pub fn contact_of(&self, rng: &mut Rng, w: u32) -> u32 {
        let ws = &self.ws[w as usize];
        ws.lo + rng.below(u64::from(ws.size())) as u32
    }

    /// Rows of the small [S] files, linear in N.
    pub fn task_count(&self) -> u32 {
        self.n / 3
    }
    pub fn feedback_count(&self) -> u32 {
        self.n / 4
    }
    pub fn activity_count(&self) -> u32 {
        self.n / 2
    }

    pub fn quiz_points(module: u32) -> i64 {
        10 * (1 + i64::from(module % 2))
    }
}

pub fn cities(country: u8) -> &'static [(&'static str, &'static str, &'static str)] {
    match country {
        1 => CITIES_SE,
        2 => CITIES_NO,
        _ => CITIES_DK,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn managers_precede_reports_and_workspaces_tile_contacts() {
        let w = World::build(600, 1, false);
        assert_eq!(w.ws.len(), 3);
        assert_eq!(w.ws[0].lo, 0);
        assert_eq!(w.ws.last().map(|x| x.hi), Some(600));
        for (i, c) in w.contacts.iter().enumerate() {
            if c.manager != NONE {
                assert!((c.manager as usize) < i);
                assert_eq!(w.contacts[c.manager as usize].ws, c.ws);
            }
        }
        assert_eq!(w.messages.len(), 120);
        assert_eq!(w.paths.len(), 4);
        assert_eq!(w.pulses.len(), 2);
        assert!(w
            .pulses
            .iter()
            .all(|p| w.messages[p.message as usize].kind == K_PULSE));
    }

    #[test]
    fn emails_and_phones_are_unique() {
        let w = World::build(2000, 4, false);
        let mut emails: Vec<String> = (0..2000)
            .map(|i| w.email(i))
            .filter(|e| !e.is_empty())
            .collect();
        let n = emails.len();
        emails.sort();
        emails.dedup();
        assert_eq!(emails.len(), n);
        let mut phones: Vec<(u8, u64)> = (0..2000)
            .map(|i| {
                (
                    w.ws[w.contacts[i as usize].ws as usize].country,
                    w.national_number(i),
                )
            })
            .collect();
        phones.sort();
        phones.dedup();
        assert_eq!(phones.len(), 2000);
    }
}
