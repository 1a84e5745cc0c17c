//! The shared helpers' rules (labels from API names, plurals, XML escaping)
//! and that docs/setup.md shows every destination's type mapping; whole
//! manifests are covered by the snapshot tests under tests/.

use super::*;

#[test]
fn labels_from_api_names() {
    assert_eq!(humanize("Source_System_ID__c"), "Source System ID");
    assert_eq!(humanize("sourceSystemId"), "Source System Id");
    assert_eq!(humanize("cf_actimo_id"), "Actimo Id");
    assert_eq!(humanize("SurveyResponse__c"), "Survey Response");
    assert_eq!(humanize("HTMLParser"), "HTML Parser");
    assert_eq!(humanize("Score2Points"), "Score2 Points");
    assert_eq!(humanize("__c"), "__c");
}

#[test]
fn plurals() {
    assert_eq!(plural("Course"), "Courses");
    assert_eq!(plural("Survey"), "Surveys");
    assert_eq!(plural("Company"), "Companies");
    assert_eq!(plural("Class"), "Classes");
}

#[test]
fn xml_text_is_escaped() {
    assert_eq!(xml_escape(r#"a<b>&"c'"#), "a&lt;b&gt;&amp;&quot;c&apos;");
}

#[test]
fn docs_show_every_type_mapping() {
    let docs = include_str!("../../docs/setup.md");
    let tables = [
        salesforce::MAPPING,
        twenty::MAPPING,
        zoho::MAPPING,
        pipedrive::MAPPING,
        freshsales::MAPPING,
    ];
    for (ferry, dest) in tables.iter().flat_map(|t| t.iter()) {
        let row = format!("| {ferry} | {dest} |");
        assert!(docs.contains(&row), "docs/setup.md lacks the row {row}");
    }
}
