//! Random field expressions of the shapes the compiled route covers, for
//! the compiled-route audit (`tests/compiled_audit.rs`).

/// A small deterministic generator (xorshift64*).
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1)
    }

    pub fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        (self.0.wrapping_mul(0x2545_f491_4f6c_dd1d) >> 33) as usize % n.max(1)
    }

    pub fn pick<'a>(&mut self, from: &[&'a str]) -> &'a str {
        from[self.below(from.len())]
    }
}

const TEXT_COLUMNS: &[&str] = &[
    "first_name",
    "last_name",
    "title",
    "department",
    "email",
    "employee_id",
    "addr_country",
    "status",
];
const OTHER_COLUMNS: &[&str] = &[
    "engagement_score",
    "messages_received",
    "hire_date",
    "allow_email",
    "contact_id",
];
const LITERALS: &[&str] = &[
    "\"\"",
    "\" \"",
    "\"ß\"",
    "\"Σ\"",
    "\"a\\\"b\"",
    "\"İ\"",
    "\"DK\"",
];

/// A text expression at most `depth` deep.
pub fn text_expr(rng: &mut Rng, depth: u32) -> String {
    let leaf = depth == 0 || rng.below(4) == 0;
    if leaf {
        return match rng.below(6) {
            0 => rng.pick(LITERALS).to_string(),
            1 => format!("manager.{}", rng.pick(TEXT_COLUMNS)),
            2 => format!("manager.manager.{}", rng.pick(TEXT_COLUMNS)),
            _ => rng.pick(TEXT_COLUMNS).to_string(),
        };
    }
    let d = depth - 1;
    match rng.below(13) {
        10 => format!("titles[{}]", text_expr(rng, d)),
        11 => format!("titles_skip[{}]", text_expr(rng, d)),
        12 => format!("{} ?? skip(\"r{}\")", text_expr(rng, d), rng.below(3)),
        0 => format!("trim({})", text_expr(rng, d)),
        1 => format!("lower({})", text_expr(rng, d)),
        2 => format!("upper({})", text_expr(rng, d)),
        3 => format!("{} ?? {}", text_expr(rng, d), text_expr(rng, d)),
        4 => {
            let n = 1 + rng.below(3);
            let mut args = Vec::new();
            for _ in 0..n {
                args.push(match rng.below(3) {
                    0 => rng.pick(OTHER_COLUMNS).to_string(),
                    _ => text_expr(rng, d),
                });
            }
            format!("concat({})", args.join(", "))
        }
        5 => format!("truncate({}, {})", text_expr(rng, d), 1 + rng.below(6)),
        6 => format!("left({}, {})", text_expr(rng, d), 1 + rng.below(6)),
        7 => format!("titles_else[{}]", text_expr(rng, d)),
        8 => format!("(regions[{}].region ?? \"-\")", text_expr(rng, d)),
        _ => "format(hire_date, \"%d.%m.%Y\")".to_string(),
    }
}

/// A spec routing contacts to `Audit__c` with `n` random text fields.
pub fn random_spec(rng: &mut Rng, maps: &str, n: usize) -> String {
    let sizes = [
        "text(3)", "text(5)", "text(8)", "text(80)", "textarea", "email",
    ];
    let mut decl = String::new();
    let mut fields = String::new();
    for i in 0..n {
        decl.push_str(&format!("  F{i}__c : {}\n", rng.pick(&sizes)));
        let e = match rng.below(8) {
            0 => rng.pick(OTHER_COLUMNS).to_string(),
            _ => text_expr(rng, 3),
        };
        fields.push_str(&format!("  F{i}__c = {e}\n"));
    }
    let key = match rng.below(3) {
        0 => format!("{} ?? skip(\"no key\")", text_expr(rng, 2)),
        _ => "contact_id".to_string(),
    };
    let second = match rng.below(2) {
        0 => String::new(),
        _ => format!(
            "  -> Audit__c as again {{\n    key Ext__c = concat(\"again-\", contact_id)\n    F0__c = {}\n  }}\n",
            text_expr(rng, 3)
        ),
    };
    format!(
        "migration actimo -> salesforce\n\ncustom object Audit__c {{\n  Ext__c : text(40) external_id unique\n{decl}}}\n{maps}\nroute contacts {{\n  -> Audit__c {{\n  key Ext__c = {key}\n{fields}}}\n{second}}}\n"
    )
}
