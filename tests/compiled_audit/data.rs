//! The bundles and specs of the compiled-route audit (`tests/compiled_audit.rs`).

/// A CSV field, quoted (`""` inside).
pub fn q(s: &str) -> String {
    format!("\"{}\"", s.replace('"', "\"\""))
}

pub const CONTACTS_HEAD: &str = "contact_id,workspace_id,first_name,last_name,email,title,department,status,hire_date,engagement_score,messages_received,allow_email,tags,addr_country,employee_id,language,created_at\n";

/// A contacts row: id, first, last, email, title, department, status,
/// hire date, score, received, allow_email, tags, country, employee id,
/// language — each already CSV (quote it with [`q`] where needed).
pub fn contact(cells: [&str; 15]) -> String {
    let [id, first, last, email, title, dept, status, hired, score, recv, allow, tags, country, emp, lang] =
        cells;
    format!("{id},1,{first},{last},{email},{title},{dept},{status},{hired},{score},{recv},{allow},{tags},{country},{emp},{lang},2024-01-01 10:00:00\n")
}

/// Texts that trip case changes, lengths, trimming and escaping.
pub const NASTY: &[&str] = &[
    "Ane",
    " Ane ",
    "ÅSE Øster ",
    "Straße",
    "STRASSE",
    "ΣΑΣ",
    "ΌΣΟΣ ΚΑΙ",
    "İstanbul",
    "ǅemal",
    "ﬁ",
    "ﬃx",
    "ŉ",
    "ᾼ",
    "\u{212a}elvin",
    "a\"b\\c\nd\te\u{1}f\u{7f}",
    "x,y",
    "\u{200b}",
    " \u{85} ",
    "\u{a0}x\u{a0}",
    "\u{feff}bom",
    "\u{1f600}\u{1f600}",
    "abcdef",
    "abcde",
    "Søren",
    "Sørens",
    "",
    "  ",
    "dk",
    "DK ",
    " se",
    "chef",
    "CHEF",
    "Ⅻ",
    "<\u{2028}>",
];

/// A contacts file whose rows take the [`NASTY`] texts in turn, with
/// ids, dates, numbers and flags of every shape staging lets through.
pub fn nasty_contacts() -> String {
    let ids = [
        "1",
        " 2",
        "3 ",
        "0004",
        "\"\u{a0}5\u{a0}\"",
        "\"\u{2003}6\"",
        "7",
        "08",
        "9",
        "10",
    ];
    let dates = [
        "2020-01-31",
        "31.01.2020",
        "31/01/2020",
        "43831",
        "0001-01-01",
        "9999-12-31",
        "1",
        "",
        "\"\"",
        "2024-02-29",
        "01-02-0099",
        "2958465",
        "99999999",
        "+10000-01-01",
        "-1",
    ];
    let scores = ["12.5", "99.99", "-0.5", "123456", "", "0", "7.25", "1000"];
    let recv = ["3", "", "-1", "2147483648", "0", "42"];
    let flags = ["true", "false", "", "TRUE", "yes", "0"];
    let statuses = [
        "active", "Aktiv", "INACTIVE", "pending", "Invited", " active ",
    ];
    let langs = ["da", "en", "", "fi", "DA"];
    let tags = [q("a;b"), q(" x ; ß ;"), q(";"), String::new(), q("İ;i")];
    let created = [
        "2024-01-01 10:00:00",
        "2024-03-31 02:30:00",
        "2024-10-27 02:30:00",
        "0001-01-01 00:00:00",
        "2024-06-01T22:30:00Z",
        "2024-02-29 23:59:59.5",
    ];
    let mut s = String::from(CONTACTS_HEAD);
    let n = NASTY.len();
    for i in 0..n * 2 {
        let t = |k: usize| q(NASTY[(i * 7 + k * 3) % n]);
        let first = match NASTY[i % n].trim() {
            "" => q("x"),
            _ => q(NASTY[i % n]),
        };
        let id = if i < ids.len() {
            ids[i].to_string()
        } else {
            (i + 1).to_string()
        };
        let email = if i % 5 == 0 { String::new() } else { t(1) };
        let employee = match i % 4 {
            0 => String::new(),
            1 => "\"\"".into(),
            2 => q(&format!(" 00{i} ")),
            _ => t(5),
        };
        let country = match i % 3 {
            0 => t(6),
            1 => String::new(),
            _ => q(["DK", "dk", " se ", "DE", "\"\""][i % 5]),
        };
        s.push_str(
            &contact([
                &id,
                &first,
                &t(2),
                &email,
                &t(3),
                &t(4),
                statuses[i % statuses.len()],
                dates[i % dates.len()],
                scores[i % scores.len()],
                recv[i % recv.len()],
                flags[i % flags.len()],
                &tags[i % tags.len()],
                &country,
                &employee,
                langs[i % langs.len()],
            ])
            .replace("2024-01-01 10:00:00", created[i % created.len()]),
        );
    }
    s
}

pub fn regions() -> String {
    "country,region\nDK,Nordics\ndk,\nSE,\"Sverige \"\" \\\\ \"\n DE ,Central\nİstanbul,TR\nchef,\"\"\n".into()
}

pub const MAPS: &str = r#"
values status_map {
  "active"   => "Active"
  "inactive" => "Inactive"
  "invited"  => "Invited"
  "pending"  => null
}

values titles {
  "chef"     => "Boss"
  "straße"   => keep
  "ΣΑΣ"      => "sigma"
  "İstanbul" => "ist"
  "abcde"    => null
  "ǅemal"    => "dz"
}

values titles_else {
  "chef"   => "Boss"
  "ANE"    => keep
  ""       => "empty"
  else     => "other"
}

values titles_skip {
  "chef"   => "Boss"
  "Straße" => skip("street")
  else     => keep
}

table regions from "table-regions.csv" key country
"#;

/// A spec sending contacts to one custom field of type `ty` set to `expr`.
pub fn one_field_spec(ty: &str, expr: &str) -> String {
    format!(
        "migration actimo -> salesforce\n\ncustom object Audit__c {{\n  Ext__c : text(40) external_id unique\n  F__c : {ty}\n}}\n{MAPS}\noptions {{\n  timezone = \"Europe/Copenhagen\"\n}}\n\nroute contacts -> Audit__c {{\n  key Ext__c = contact_id\n  F__c = {expr}\n}}\n"
    )
}

pub const SAL: &str =
    "code,sal\nchef,Mr.\nCHEF,\" Ms. \"\nane,\" Mr.\"\nSTRASSE,Active \nSTRAßE,\n";

pub fn keyed_spec(ty: &str, key: &str, pick: &str, expr: &str) -> String {
    format!(
        "migration actimo -> salesforce\n\ncustom object Audit__c {{\n  K__c : {ty} external_id unique\n  P__c : {pick}\n}}\n{MAPS}\nroute contacts -> Audit__c {{\n  key K__c = {key}\n  P__c = {expr}\n}}\n"
    )
}

/// Contacts with managers, companies with parents, and links between
/// them: dangling, spaced, duplicated and leading-zero ids.
pub fn hops_bundle() -> [(&'static str, String); 3] {
    let mut contacts = String::from(
        "contact_id,workspace_id,first_name,last_name,status,created_at,manager_contact_id\n",
    );
    let managers = ["", "1", " 2 ", "99", "3", "\"\"", "0004", "4", "x"];
    for i in 0..NASTY.len() {
        let id = match i {
            3 => "0004".to_string(),
            _ => (i + 1).to_string(),
        };
        let first = match NASTY[i].trim() {
            "" => "y",
            s => s,
        };
        let last = match i % 3 {
            0 => String::new(),
            _ => q(NASTY[(i * 5) % NASTY.len()]),
        };
        let mgr = managers[i % managers.len()];
        contacts.push_str(&format!(
            "{id},1,{},{last},active,2024-01-01 10:00:00,{mgr}\n",
            q(first)
        ));
    }
    let companies = "company_id,name,org_unit_type,parent_company_id,derived_from\n\
        7001,Nordisk A/S,legal_entity,,workspace\n\
        7002,\"Ünïcødé Straße GmbH\",region,7001,manual\n\
        7003,\"ΣΑΣ \"\"Q\"\"\",store,7002,manual\n\
        c-4, x ,store,9999,manual\n\
        7005,\"a\\b\",store,c-4,manual\n";
    let links = "contact_id,company_id,is_primary,title,start_date\n\
        1,7001,true,Chef,2020-01-31\n\
        1,7002,false,Other,\n\
        2,7003,true,\"ß\",31.12.1999\n\
        3,c-4,true,,43831\n\
        0004,7005,true,\"İ\",2020-02-29\n\
        4,7005,TRUE,x,2021-01-01\n\
        5,9999,true,dangling,2021-01-01\n\
        999,7001,true,nobody,2021-01-01\n\
        6, 7001 ,true,spaced,2021-01-01\n\
        7,7002,,nullflag,2021-01-01\n\
        8,7003,true,dup1,2021-01-01\n\
        8,7002,true,dup2,2021-01-01\n";
    [
        ("contacts.csv", contacts),
        ("companies.csv", companies.to_string()),
        ("company_contacts.csv", links.to_string()),
    ]
}

/// Contacts whose managers chain (some in a loop, some dangling), and
/// links to companies that may not exist.
pub fn chains_bundle() -> [(&'static str, String); 4] {
    let mut contacts = String::from(
        "contact_id,workspace_id,first_name,last_name,status,created_at,manager_contact_id,employee_id,addr_country\n",
    );
    let managers = ["2", "3", "1", "", "99", "4", "5", "6", "7", "8"];
    let statuses = ["active", "pending", "invited", "inactive"];
    for i in 0..NASTY.len() {
        let first = match NASTY[i].trim() {
            "" => "z",
            s => s,
        };
        contacts.push_str(&format!(
            "{},1,{},{},{},2024-01-01 10:00:00,{},{},{}\n",
            i + 1,
            q(first),
            q(NASTY[(i * 3) % NASTY.len()]),
            statuses[i % statuses.len()],
            managers[i % managers.len()],
            if i % 4 == 3 {
                String::new()
            } else {
                q(&format!("E{i}"))
            },
            q(["DK", "se", "", "İstanbul", " DE "][i % 5]),
        ));
    }
    let links = "contact_id,company_id,is_primary\n1,c1,true\n2,c1,false\n3,c2,true\n42,c3,true\n";
    let companies = "company_id,name,org_unit_type,derived_from\nc1,One,store,manual\nc2,\"Tw\"\"o\",store,manual\n";
    [
        ("contacts.csv", contacts),
        ("company_contacts.csv", links.to_string()),
        ("companies.csv", companies.to_string()),
        ("table-regions.csv", regions()),
    ]
}

/// Whether `spec` checks without errors.
pub fn checks(spec: &str) -> bool {
    checks_in("check", spec)
}

/// [`checks`] in a folder of its own (tests run in parallel).
pub fn checks_in(tag: &str, spec: &str) -> bool {
    let dir =
        std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("compiled-audit-{tag}"));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("dir");
    let path = dir.join("audit.ferry");
    std::fs::write(&path, spec).expect("spec written");
    std::fs::write(dir.join("table-regions.csv"), regions()).expect("table written");
    let (project, _) = ferry::check::load_project(&path).expect("spec readable");
    let registry = ferry::schema::Registry::standard().expect("descriptors");
    let read = ferry::check::reader_beside(&project.main.file.name);
    let (checked, diags) = ferry::check::check(&project, &registry, &read);
    if std::env::var_os("AUDIT_SHOW").is_some() && checked.is_none() {
        let d: Vec<String> = diags.iter().map(|d| d.message.clone()).collect();
        println!("{d:?}");
    }
    checked.is_some()
}
