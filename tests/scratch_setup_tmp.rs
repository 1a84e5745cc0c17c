use ferry::check::CustomDecl;
use ferry::schema::model::{EnumValue, Field, FieldType};
use ferry::setup::for_destination;
fn field(name: &str, ty: FieldType) -> Field {
    let mut f = Field::new(name, ty);
    f.custom = true;
    f
}

fn values(vs: &[&str]) -> Vec<EnumValue> {
    vs.iter()
        .map(|v| EnumValue {
            value: v.to_string(),
            aliases: Vec::new(),
        })
        .collect()
}

/// Every ferry type, with awkward names and values, on an existing and a new object.
fn every_type(existing: &str, new: &str, name: &str) -> Vec<CustomDecl> {
    let mut key = field(&format!("{name}key"), FieldType::Text { max: Some(40) });
    key.external_id = true;
    key.unique = true;
    let mut long_key = field(&format!("{name}longkey"), FieldType::Text { max: Some(1000) });
    long_key.unique = true;
    let mut flag = field(&format!("{name}flag"), FieldType::Boolean);
    flag.required = true;
    let mut parent = field(&format!("{name}parentId"), FieldType::Lookup { objects: vec![new.to_string()] });
    parent.required = true;
    let fields = vec![
        key,
        long_key,
        field(&format!("{name}text"), FieldType::Text { max: None }),
        field(&format!("{name}short"), FieldType::Textarea { max: Some(200) }),
        field(&format!("{name}notes"), FieldType::Textarea { max: None }),
        field(&format!("{name}count"), FieldType::Integer),
        field(&format!("{name}big"), FieldType::Number { precision: Some(20), scale: Some(0) }),
        field(&format!("{name}score"), FieldType::Number { precision: Some(5), scale: Some(1) }),
        field(&format!("{name}rate"), FieldType::Percent),
        field(&format!("{name}amount"), FieldType::Currency),
        flag,
        field(&format!("{name}day"), FieldType::Date),
        field(&format!("{name}at"), FieldType::Datetime),
        field(&format!("{name}mail"), FieldType::Email),
        field(&format!("{name}phone"), FieldType::Phone),
        field(&format!("{name}site"), FieldType::Url),
        field(&format!("{name}status"), FieldType::Picklist { values: values(&["In Progress", "R&D <core>", "1st"]) }),
        field(&format!("{name}tags"), FieldType::Multipicklist { values: values(&["a", "b"]) }),
        field(
            &format!("{name}paths"),
            FieldType::List { item: Box::new(FieldType::Text { max: None }) },
        ),
        field(
            &format!("{name}kinds"),
            FieldType::List { item: Box::new(FieldType::Picklist { values: values(&["x", "y"]) }) },
        ),
        parent,
        field(&format!("{name}either"), FieldType::Lookup { objects: vec![existing.to_string(), new.to_string()] }),
        field(&format!("{name}ownerId"), FieldType::Owner),
        field(&format!("{name}ref"), FieldType::Id),
        field(&format!("{name}where"), FieldType::Composite { fields: Default::default() }),
    ];
    vec![
        CustomDecl {
            object: existing.to_string(),
            new_object: false,
            fields,
        },
        CustomDecl {
            object: new.to_string(),
            new_object: true,
            fields: vec![field("Name", FieldType::Text { max: Some(120) }), field("name", FieldType::Text { max: None })],
        },
    ]
}


#[test]
fn show() {
    for (dest, existing, new, prefix) in [
        ("salesforce", "Task", "Course__c", "T_"),
        ("twenty", "people", "trainings", "x"),
        ("zoho", "Contacts", "Actimo_Courses__c", "X_"),
        ("pipedrive", "persons", "courses", "x_"),
        ("freshsales", "contacts", "courses", "cf_x_"),
    ] {
        let m = for_destination(dest, &every_type(existing, new, prefix));
        println!("=================== {dest}\n{}", m.summary_md);
        if dest == "freshsales" { println!("{}", m.files[0].1); }
    }
}
