//! The specs of the compiled-route audit (`tests/compiled_audit.rs`).

pub const HOPS_SPEC: &str = r#"migration actimo -> salesforce

custom object Co__c {
  Ext__c  : text(40) external_id unique
  Name__c : text(20)
  Up__c   : text(80)
}

custom Contact {
  Ext__c  : text(40) external_id unique
  Boss__c : text(80)
  Co__c   : text(8)
}

custom object Aud2__c {
  Ext__c : text(40) external_id unique
  N__c   : text(80)
}

custom object Link__c {
  Ext__c     : text(80) external_id unique
  Contact__c : lookup(Contact)
  Company__c : lookup(Co__c)
  CoName__c  : text(10)
  Who__c     : text(80)
  Since__c   : text(10)
}

route companies -> Co__c {
  key Ext__c = company_id
  Name__c = name
  Up__c   = parent_company.name ?? upper(name)
}

route contacts {
  -> Contact as c {
    key Ext__c = contact_id
    LastName = last_name ?? "?"
    Boss__c  = manager.first_name
    Co__c    = primary_company.name ?? "none"
  }
  -> Aud2__c as second {
    key Ext__c = concat(contact_id, "-2")
    N__c = upper(manager.last_name) ?? lower(first_name)
  }
}

route company_contacts -> Link__c {
  key Ext__c = concat(contact_id, "/", company_id)
  Contact__c = contact
  Company__c = company
  CoName__c  = company.name
  Who__c     = contact.manager.first_name ?? title
  Since__c   = format(start_date, "%d/%m/%Y")
}
"#;

/// A spec sending contacts to a custom object keyed by `key` (of type
/// `ty`), with one picklist field `pick` set to `expr`.
/// Two targets into the same payload file; the second fails or skips for
/// some records after the first was written.
pub const TWICE_SPEC: &str = r#"migration actimo -> salesforce

custom object Audit__c {
  Ext__c : text(40) external_id unique
  A__c   : text(6)
  B__c   : text(80)
}

values titles_skip {
  "chef"   => "Boss"
  "Straße" => skip("street")
  else     => keep
}

route contacts {
  -> Audit__c {
    key Ext__c = contact_id
    B__c = titles_skip[title] ?? "-"
  }
  -> Audit__c as again {
    key Ext__c = concat(contact_id, "+")
    A__c = upper(first_name)
    B__c = last_name ?? skip("no last name")
  }
}
"#;

pub const CHAINS_SPEC: &str = r#"migration actimo -> salesforce

custom object Audit__c {
  Ext__c : text(40) external_id unique
  A__c   : text(80)
  B__c   : text(80)
  C__c   : text(80)
  D__c   : text(80)
  E__c   : text(80)
  P__c   : picklist("Active", "Inactive", "Invited")
}

custom object Other__c {
  Ext__c : text(40) external_id unique
  A__c   : text(80)
}

custom object Third__c {
  Ext__c : text(40) external_id unique
  Mgr__c : lookup(Third__c)
}

custom object Split__c {
  Ext__c : text(40) external_id unique
  A__c   : text(80)
}

values status_map {
  "active"   => "Active"
  "inactive" => "Inactive"
  "invited"  => "Invited"
  "pending"  => null
}

table regions from "table-regions.csv" key country

route contacts -> Audit__c {
  key Ext__c = manager.employee_id ?? skip("no manager")
  A__c = manager.manager.first_name ?? manager.last_name
  B__c = regions[manager.addr_country].region
  C__c = null ?? null
  D__c = concat(manager.first_name, "/", manager.manager.first_name)
  E__c = "x"
  P__c = status_map[manager.status]
}

route company_contacts -> Other__c {
  key Ext__c = concat(company_id, ":", contact_id)
  A__c = contact.manager.manager.manager.title ?? company.name
}

route contacts -> Third__c {
  key Ext__c = contact_id
  Mgr__c = manager
}

split contacts {
  when status == "active" -> Split__c {
    key Ext__c = contact_id
    A__c = title(first_name)
  }
  else skip("not active")
}
"#;
