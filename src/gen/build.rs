//! Building the [`World`]: every cross-file decision, taken once.
//!
//! Input: the contact count, the seed and the mode. Output: the world's
//! records, in the order the writers stream them. Invariants: each part
//! draws from its own seeded stream (`world.ws`, `world.contacts`, …), so
//! changing one part's draws does not reshuffle the others; ids are
//! indices, so references between parts are arithmetic.

use super::out::days_from_civil;
use super::rng::Rng;
use super::words::*;
use super::world::*;

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
}
