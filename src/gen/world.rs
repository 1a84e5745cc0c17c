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

use super::out::days_from_civil;
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
    first_ascii: Vec<String>,
    last_ascii: Vec<String>,
    emp_width: usize,
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
    pub fn build(n: u32, seed: u64, messy: bool) -> World {
        let mut rng = Rng::stream(seed, "world", 0);
        // A Monday in June 2024 plus up to half a year, from the seed only.
        let today = days_from_civil(2024, 6, 3) + rng.below(180) as i64;
        let taken_at = today * DAY + 2 * 3600 + rng.below(3600) as i64;
        let mut w = World {
            seed,
            messy,
            n,
            taken_at,
            today,
            ws: Vec::new(),
            admins: Vec::new(),
            companies: Vec::new(),
            contacts: Vec::with_capacity(n as usize),
            groups: Vec::new(),
            campaigns: Vec::new(),
            automations: Vec::new(),
            messages: Vec::new(),
            module_base: Vec::new(),
            module_types: Vec::new(),
            paths: Vec::new(),
            pulses: Vec::new(),
            fixed_files: 0,
            first_ascii: FIRST_NAMES.iter().map(|s| ascii_lower(s)).collect(),
            last_ascii: LAST_NAMES.iter().map(|s| ascii_lower(s)).collect(),
            emp_width: (n.to_string().len() + 1).max(6),
        };
        w.build_workspaces(&mut Rng::stream(seed, "world.ws", 0));
        w.build_contacts(&mut Rng::stream(seed, "world.contacts", 0));
        w.build_groups(&mut Rng::stream(seed, "world.groups", 0));
        w.build_automations(&mut Rng::stream(seed, "world.automations", 0));
        w.build_campaigns(&mut Rng::stream(seed, "world.campaigns", 0));
        w.build_messages(&mut Rng::stream(seed, "world.messages", 0));
        w.build_learning(&mut Rng::stream(seed, "world.learning", 0));
        w.assign_fixed_files(&mut Rng::stream(seed, "world.files", 0));
        w
    }

    fn build_workspaces(&mut self, rng: &mut Rng) {
        let nws = (self.n / 200).max(3);
        let mut admins = 0u32;
        for i in 0..nws {
            let lo = (u64::from(i) * u64::from(self.n) / u64::from(nws)) as u32;
            let hi = (u64::from(i + 1) * u64::from(self.n) / u64::from(nws)) as u32;
            let brand = (i as usize % BRANDS.len()) as u8;
            let country = [0u8, 0, 1, 0, 2, 0, 0][i as usize % 7];
            let mut name = format!(
                "{} – {}",
                BRANDS[brand as usize].0, COUNTRIES[country as usize].0
            );
            if i as usize >= BRANDS.len() {
                name = format!("{name} {}", i as usize / BRANDS.len() + 1);
            }
            let created = (self.today - 8 * 365 + rng.range(0, 2 * 365)) * DAY + rng.range(0, DAY);
            let mut depts = [0u8; WS_DEPTS];
            let first = rng.index(DEPARTMENTS.len());
            for (k, d) in depts.iter_mut().enumerate() {
                *d = ((first + k) % DEPARTMENTS.len()) as u8;
            }
            let size = hi - lo;
            let n_admins = 2 + size / 40;
            let stores = (size / 50).max(2);
            let company_base = self.companies.len() as u32;
            let legal = format!(
                "{} {}{} {}",
                BRANDS[brand as usize].0,
                COUNTRIES[country as usize].0,
                if i as usize >= BRANDS.len() {
                    format!(" {}", i)
                } else {
                    String::new()
                },
                BRANDS[brand as usize].3
            );
            self.companies.push(Company {
                ws: i,
                kind: 0,
                parent: NONE,
                name: legal,
            });
            for r in 0..2 {
                let region = ["Øst", "Vest"][r];
                let name = format!(
                    "{} Region {region}{}",
                    BRANDS[brand as usize].0,
                    if i > 0 {
                        format!(" {i}")
                    } else {
                        String::new()
                    }
                );
                self.companies.push(Company {
                    ws: i,
                    kind: 1,
                    parent: company_base,
                    name,
                });
            }
            for s in 0..stores {
                let number = self.companies.len() as u32 - 3 * (i + 1) + 1;
                let name = format!("{} {number}", BRANDS[brand as usize].2);
                self.companies.push(Company {
                    ws: i,
                    kind: 2,
                    parent: company_base + 1 + s % 2,
                    name,
                });
            }
            self.ws.push(Workspace {
                lo,
                hi,
                brand,
                country,
                name,
                created,
                company_base,
                stores,
                group_base: 0,
                admin_lo: admins,
                admin_hi: admins + n_admins,
                depts,
                trainings: Vec::new(),
            });
            for _ in 0..n_admins {
                let extra_ws = if rng.chance(200) { (i + 1) % nws } else { NONE };
                self.admins.push(Admin {
                    ws: i,
                    first: rng.index(FIRST_NAMES.len()) as u16,
                    last: rng.index(LAST_NAMES.len()) as u16,
                    email_n: 0,
                    extra_ws,
                    created: created + rng.range(DAY, 400 * DAY),
                });
            }
            admins += n_admins;
        }
        // Admin e-mails live on a `hq.` subdomain, so they never collide with contacts'.
        let mut seen = vec![0u16; BRANDS.len() * FIRST_NAMES.len() * LAST_NAMES.len()];
        for a in &mut self.admins {
            let b = self.ws[a.ws as usize].brand as usize;
            let k = (b * FIRST_NAMES.len() + a.first as usize) * LAST_NAMES.len() + a.last as usize;
            seen[k] += 1;
            a.email_n = seen[k];
        }
    }

    fn build_contacts(&mut self, rng: &mut Rng) {
        let mut seen = vec![0u16; BRANDS.len() * FIRST_NAMES.len() * LAST_NAMES.len()];
        let mut emp_no = 0u32;
        for wi in 0..self.ws.len() {
            let (lo, hi, m) = (self.ws[wi].lo, self.ws[wi].hi, self.ws[wi].managers());
            let (brand, stores, cbase) = (
                self.ws[wi].brand as usize,
                self.ws[wi].stores,
                self.ws[wi].company_base,
            );
            let created_floor = self.ws[wi].created / DAY + 120;
            let hr_source = if wi % 4 == 3 { 1 } else { 0 };
            let ncities = cities(self.ws[wi].country).len();
            for i in lo..hi {
                let j = i - lo;
                let manager_flag = j < m;
                let manager = if j == 0 {
                    NONE
                } else if manager_flag {
                    lo + rng.below(u64::from(j)) as u32
                } else {
                    lo + rng.below(u64::from(m)) as u32
                };
                let mut flags = if manager_flag { flag::MANAGER } else { 0 };
                let first = rng.index(FIRST_NAMES.len()) as u16;
                let last = rng.index(LAST_NAMES.len()) as u16;
                let deleted = !manager_flag && rng.chance(67);
                let hire_day = (self.today - 30 - rng.range(0, 15 * 365)) as i32;
                // Staff hired before the workspace existed arrive with the first
                // import; later hires are created shortly before they start.
                let created_day = (i64::from(hire_day) - rng.range(1, 30))
                    .max(created_floor + rng.range(0, 30))
                    .min(self.today - 1);
                let created = created_day * DAY + rng.range(6 * 3600, 18 * 3600);
                let updated = rng.range(created, self.taken_at - 3600);
                let deleted_at = if deleted {
                    rng.range(created + 60, self.taken_at - 60)
                } else {
                    0
                };
                let source_roll = rng.below(100);
                let source = match source_roll {
                    0..83 => hr_source,
                    83..93 => 2,
                    93..97 => 3,
                    _ => 4,
                };
                let emp_no = if source <= 1 {
                    emp_no += 1;
                    emp_no
                } else {
                    0
                };
                if rng.chance(920) {
                    flags |= flag::HAS_EMAIL;
                }
                if rng.chance(950) {
                    flags |= flag::HAS_PHONE;
                }
                let emp = if deleted {
                    2
                } else {
                    match rng.below(100) {
                        0..5 => 2,
                        5..10 => 1,
                        _ => 0,
                    }
                };
                let opt_out = emp != 2 && rng.chance(20);
                let status = if deleted || emp == 2 || opt_out {
                    1
                } else {
                    match rng.below(100) {
                        0..4 => 3,
                        4..12 => 2,
                        _ => 0,
                    }
                };
                for (f, p) in [
                    (
                        flag::ALLOW_EMAIL,
                        950 * u32::from(flags & flag::HAS_EMAIL != 0),
                    ),
                    (
                        flag::ALLOW_SMS,
                        900 * u32::from(flags & flag::HAS_PHONE != 0),
                    ),
                    (flag::ALLOW_PUSH, 800),
                    (flag::PART_TIME, 300),
                    (flag::SOCIAL, 100),
                    (flag::SHARED, 100),
                ] {
                    if rng.chance(p) {
                        flags |= f;
                    }
                }
                if opt_out {
                    flags |= flag::OPT_OUT;
                }
                if i64::from(hire_day) >= self.today - 365 {
                    flags |= flag::NEW_HIRE;
                }
                if stores >= 2 && rng.chance(50) {
                    flags |= flag::MOVED;
                }
                if rng.chance(30) {
                    flags |= flag::READDED;
                }
                let store = cbase + 3 + rng.below(u64::from(stores)) as u32;
                let second_store = if stores >= 2 && rng.chance(80) {
                    cbase
                        + 3
                        + (store - cbase - 3 + 1 + rng.below(u64::from(stores - 1)) as u32) % stores
                } else {
                    NONE
                };
                let dept = if manager != NONE && rng.chance(700) {
                    self.contacts[manager as usize].dept
                } else {
                    rng.index(WS_DEPTS) as u8
                };
                let title = if manager_flag {
                    rng.index(MANAGER_TITLES.len())
                } else {
                    rng.index(TITLES.len())
                } as u8;
                let email_n = if flags & flag::HAS_EMAIL != 0 {
                    let k = (brand * FIRST_NAMES.len() + first as usize) * LAST_NAMES.len()
                        + last as usize;
                    seen[k] += 1;
                    seen[k]
                } else {
                    0
                };
                if manager != NONE {
                    self.contacts[manager as usize].reports += 1;
                }
                self.contacts.push(Contact {
                    ws: wi as u32,
                    store,
                    second_store,
                    manager,
                    emp_no,
                    created,
                    updated,
                    deleted_at,
                    hire_day,
                    first,
                    last,
                    email_n,
                    reports: 0,
                    flags,
                    dept,
                    title,
                    status,
                    emp,
                    source: source as u8,
                    city: rng.index(ncities) as u8,
                });
            }
        }
    }

    fn build_groups(&mut self, rng: &mut Rng) {
        for wi in 0..self.ws.len() {
            let base = self.groups.len() as u32;
            self.ws[wi].group_base = base;
            let ws = &self.ws[wi];
            let creator = |rng: &mut Rng| {
                ws.admin_lo + rng.below(u64::from(ws.admin_hi - ws.admin_lo)) as u32
            };
            let created = |rng: &mut Rng| ws.created + rng.range(DAY, 100 * DAY);
            for s in 0..ws.stores {
                let name = self.companies[(ws.company_base + 3 + s) as usize]
                    .name
                    .clone();
                let kind = if wi % 4 == 3 { 2 } else { 0 };
                let social_wall = rng.chance(500);
                let (c, t) = (creator(rng), created(rng));
                self.groups.push(Group {
                    ws: wi as u32,
                    kind,
                    name,
                    members: 0,
                    created: t,
                    creator: c,
                    cover_file: NONE,
                    social_wall,
                });
            }
            for d in ws.depts {
                let name = format!("{} – {}", DEPARTMENTS[d as usize], ws.name);
                let (c, t) = (creator(rng), created(rng));
                self.groups.push(Group {
                    ws: wi as u32,
                    kind: 0,
                    name,
                    members: 0,
                    created: t,
                    creator: c,
                    cover_file: NONE,
                    social_wall: false,
                });
            }
            for (label, _) in SMART_GROUPS {
                let name = format!("{label} – {}", ws.name);
                let (c, t) = (creator(rng), created(rng));
                self.groups.push(Group {
                    ws: wi as u32,
                    kind: 1,
                    name,
                    members: 0,
                    created: t,
                    creator: c,
                    cover_file: NONE,
                    social_wall: false,
                });
            }
            let name = format!("Fællesskab – {}", ws.name);
            let (c, t) = (creator(rng), created(rng));
            self.groups.push(Group {
                ws: wi as u32,
                kind: 3,
                name,
                members: 0,
                created: t,
                creator: c,
                cover_file: NONE,
                social_wall: true,
            });
        }
        for i in 0..self.contacts.len() {
            for g in self.active_groups(i as u32).into_iter().flatten() {
                self.groups[g as usize].members += 1;
            }
        }
    }

    /// The groups contact `i` is a member of now: store, department, then
    /// the smart groups and the social group it qualifies for.
    pub fn active_groups(&self, i: u32) -> [Option<u32>; 6] {
        let c = &self.contacts[i as usize];
        let ws = &self.ws[c.ws as usize];
        let base = ws.group_base;
        let smart = base + ws.stores + WS_DEPTS as u32;
        [
            Some(base + (c.store - ws.company_base - 3)),
            Some(base + ws.stores + u32::from(c.dept)),
            c.has(flag::MANAGER).then_some(smart),
            c.has(flag::NEW_HIRE).then_some(smart + 1),
            c.has(flag::PART_TIME).then_some(smart + 2),
            c.has(flag::SOCIAL).then_some(smart + 3),
        ]
    }

    fn build_automations(&mut self, rng: &mut Rng) {
        let count = (self.n / 40).max(3) as usize;
        let nws = self.ws.len();
        for a in 0..count {
            let wi = a % nws;
            let ws = &self.ws[wi];
            self.automations.push(Automation {
                ws: wi as u32,
                trigger: rng.index(TRIGGERS.len()) as u8,
                trigger_msg: NONE,
                steps: 2 + rng.below(4) as u8,
                created_by: ws.admin_lo + rng.below(u64::from(ws.admin_hi - ws.admin_lo)) as u32,
                created: ws.created + rng.range(30 * DAY, 2000 * DAY),
            });
        }
    }

    fn build_campaigns(&mut self, rng: &mut Rng) {
        let count = (self.n / 60).max(3) as usize;
        let nws = self.ws.len();
        for c in 0..count {
            let wi = (c % nws) as u32;
            let kind = match rng.below(10) {
                0..3 => 0,
                3..7 => 1,
                _ => 2,
            };
            let automation = if kind == 0 {
                let k = count_of_ws(self.automations.len(), nws, wi);
                if k == 0 {
                    NONE
                } else {
                    nth_of_ws(self.automations.len(), nws, wi, rng.below(k))
                }
            } else {
                NONE
            };
            self.campaigns.push(Campaign {
                ws: wi,
                kind: if automation == NONE && kind == 0 {
                    1
                } else {
                    kind
                },
                automation,
                category: rng.index(CATEGORIES.len()) as u8,
                messages: 0,
                first: 0,
                last: 0,
            });
        }
    }

    fn build_messages(&mut self, rng: &mut Rng) {
        let count = (self.n / 5).max(20) as usize;
        let nws = self.ws.len();
        let pulses = (self.n / 300).max(1) as usize;
        self.module_base.push(0);
        for m in 0..count {
            let wi = (m % nws) as u32;
            let slot = m / nws;
            let pulse_slot = slot >= 2 && nth_of_ws(pulses, nws, wi, (slot - 2) as u64) != NONE;
            let kind = if slot < 2 {
                K_TRAINING
            } else if pulse_slot {
                K_PULSE
            } else {
                match rng.below(100) {
                    0..70 => 0,
                    70..80 => K_TRAINING,
                    80..88 => K_SURVEY,
                    88..93 => 3,
                    93..96 => 4,
                    _ => 6,
                }
            };
            let status = if kind == K_TRAINING || kind == K_PULSE {
                2
            } else {
                match rng.below(100) {
                    0..5 => 0,
                    5..8 => 1,
                    8..90 => 2,
                    90..96 => 3,
                    _ => 4,
                }
            };
            let channels = rng.pick(&[
                0b011u8, 0b011, 0b011, 0b011, 0b001, 0b001, 0b010, 0b100, 0b101, 0b001,
            ]);
            let mut flags = 0;
            for (f, p) in [
                (mflag::PUBLIC, 80),
                (mflag::LINKED, 50),
                (mflag::UNSUBSCRIBE, 300),
                (
                    mflag::ANONYMISED,
                    if kind == 0 || kind == K_SURVEY { 60 } else { 0 },
                ),
                (mflag::REACTIONS, 800),
                (mflag::COMMENTS, 600),
                (mflag::SHARE, 200),
            ] {
                if rng.chance(p) {
                    flags |= f;
                }
            }
            let ws = &self.ws[wi as usize];
            let published = if status >= 2 {
                self.taken_at - rng.range(2 * DAY, 730 * DAY)
            } else {
                0
            };
            let created = if published != 0 {
                published - rng.range(3600, 14 * DAY)
            } else {
                self.taken_at - rng.range(DAY, 60 * DAY)
            };
            let scheduled = if status == 1 {
                self.taken_at + rng.range(DAY, 30 * DAY)
            } else if published != 0 && rng.chance(300) {
                published
            } else {
                0
            };
            let updated = rng.range(
                created,
                if published != 0 {
                    published
                } else {
                    self.taken_at - 60
                },
            );
            let ncamp = count_of_ws(self.campaigns.len(), nws, wi);
            let campaign = if ncamp > 0 && rng.chance(400) {
                nth_of_ws(self.campaigns.len(), nws, wi, rng.below(ncamp))
            } else {
                NONE
            };
            let mut automation = if campaign != NONE {
                self.campaigns[campaign as usize].automation
            } else {
                NONE
            };
            let nauto = count_of_ws(self.automations.len(), nws, wi);
            if automation == NONE && kind == K_TRAINING && nauto > 0 && rng.chance(300) {
                automation = nth_of_ws(self.automations.len(), nws, wi, rng.below(nauto));
            }
            if campaign != NONE {
                let c = &mut self.campaigns[campaign as usize];
                c.messages += 1;
                let t = if published != 0 { published } else { created };
                c.first = if c.first == 0 { t } else { c.first.min(t) };
                c.last = c.last.max(t);
            }
            let titles = match kind {
                K_TRAINING => TRAINING_TITLES.len(),
                K_SURVEY => SURVEY_TITLES.len(),
                _ => NEWS_TITLES.len(),
            };
            self.messages.push(Message {
                ws: wi,
                kind,
                status,
                channels,
                flags,
                title: rng.index(titles) as u8,
                english: rng.chance(100),
                pages: 1 + rng.below(3) as u8,
                campaign,
                automation,
                created_by: ws.admin_lo + rng.below(u64::from(ws.admin_hi - ws.admin_lo)) as u32,
                feed_file: NONE,
                created,
                updated,
                scheduled,
                published,
            });
            if kind == K_TRAINING {
                self.ws[wi as usize].trainings.push(m as u32);
            }
            let modules = 2 + rng.below(5) as usize;
            for p in 0..modules {
                let t = match (kind, p) {
                    (_, 0) => M_TEXT,
                    (K_TRAINING, 1) => M_QUIZ,
                    (K_SURVEY | K_PULSE, 1) => rng.pick(&[M_SURVEY, M_SLIDER, M_NPS, M_FEEDBACK]),
                    (K_TRAINING, _) if rng.chance(400) => M_QUIZ,
                    _ => rng.pick(&[1u8, M_BUTTON, 3, 5, 6, 8, M_BUTTON, 1]),
                };
                self.module_types.push(t);
            }
            self.module_base.push(self.module_types.len() as u32);
        }
        for a in 0..self.automations.len() {
            let auto = &self.automations[a];
            if auto.trigger < 2 {
                let wi = auto.ws;
                let k = count_of_ws(self.messages.len(), nws, wi);
                let pick = rng.below(k);
                self.automations[a].trigger_msg = nth_of_ws(self.messages.len(), nws, wi, pick);
            }
        }
        for p in 0..pulses {
            let wi = (p % nws) as u32;
            let message = nth_of_ws(self.messages.len(), nws, wi, (2 + p / nws) as u64);
            let ws = &self.ws[wi as usize];
            self.pulses.push(Pulse {
                ws: wi,
                message,
                monthly: p % 3 == 2,
                created: ws.created + rng.range(100 * DAY, 900 * DAY),
            });
        }
    }

    fn build_learning(&mut self, rng: &mut Rng) {
        let count = (self.n / 150).max(2) as usize;
        let nws = self.ws.len();
        for l in 0..count {
            let wi = (l % nws) as u32;
            let trainings = &self.ws[wi as usize].trainings;
            let take = trainings.len().min(2 + rng.index(3));
            let rot = l / nws;
            let messages = (0..take)
                .map(|k| trainings[(rot + k) % trainings.len()])
                .collect();
            self.paths.push(LearningPath {
                ws: wi,
                messages,
                due_days: rng.pick(&[14, 30, 60]),
                created: self.ws[wi as usize].created + rng.range(30 * DAY, 600 * DAY),
            });
        }
    }

    fn assign_fixed_files(&mut self, rng: &mut Rng) {
        let mut next = 0u32;
        for m in &mut self.messages {
            if rng.chance(500) {
                m.feed_file = next;
                next += 1;
            }
        }
        for g in &mut self.groups {
            if g.social_wall {
                g.cover_file = next;
                next += 1;
            }
        }
        self.fixed_files = next;
    }

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
