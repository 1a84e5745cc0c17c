//! Header mapping: which file column each plan column is read from.
//!
//! Input: the plan columns of one source object, the file's normalized
//! headers, and the labels of Actimo custom fields (`data2` → `Site`, from
//! `contact_fields.csv` when the bundle has it). Output: a [`Mapping`].
//! Invariants: canonical names win over aliases (a file with both `email`
//! and `E-mail` reads `email`); a file column feeds at most one plan column;
//! every file column that feeds none is listed, as a duplicate of a mapped
//! column (E0803) or as unknown (W0802).

use super::read::{normalize_header, Header};
use crate::plan::ColumnPlan;
use std::collections::HashMap;

/// Plan columns ↔ file columns for one file.
#[derive(Debug, Default)]
pub struct Mapping {
    /// For each plan column, the file column it is read from.
    pub columns: Vec<Option<usize>>,
    /// File columns that also match a mapped plan column: (plan column, file column).
    pub duplicates: Vec<(usize, usize)>,
    /// Named file columns that match no plan column.
    pub unknown: Vec<usize>,
}

/// `data2` → the custom field's label key (`site`), from `contact_fields.csv`.
pub type CustomLabels = HashMap<String, String>;

fn spellings(col: &ColumnPlan, labels: &CustomLabels) -> Vec<String> {
    let mut out: Vec<String> = Vec::with_capacity(col.headers.len() + 1);
    for h in col.headers.iter().chain(std::iter::once(&col.name)) {
        let k = normalize_header(h);
        if !k.is_empty() && !out.contains(&k) {
            out.push(k);
        }
    }
    // An Actimo custom field may be exported under its label instead of `dataN`.
    let labelled: Vec<String> = out.iter().filter_map(|k| labels.get(k).cloned()).collect();
    for l in labelled {
        if !out.contains(&l) {
            out.push(l);
        }
    }
    out
}

/// Maps `columns` onto the first `width` `headers`.
pub fn map_headers(
    columns: &[ColumnPlan],
    headers: &[Header],
    width: usize,
    labels: &CustomLabels,
) -> Mapping {
    let headers = &headers[..width.min(headers.len())];
    let spells: Vec<Vec<String>> = columns.iter().map(|c| spellings(c, labels)).collect();
    let mut claimed: Vec<Option<usize>> = vec![None; headers.len()];
    let mut m = Mapping {
        columns: vec![None; columns.len()],
        ..Mapping::default()
    };
    let claim = |ci: usize, key: &str, m: &mut Mapping, claimed: &mut Vec<Option<usize>>| {
        if let Some(fi) =
            (0..headers.len()).find(|&i| claimed[i].is_none() && headers[i].key == key)
        {
            claimed[fi] = Some(ci);
            m.columns[ci] = Some(fi);
        }
    };
    // Canonical spellings first, so an alias never steals another column's header.
    for (ci, s) in spells.iter().enumerate() {
        if let Some(first) = s.first() {
            claim(ci, first, &mut m, &mut claimed);
        }
    }
    for (ci, s) in spells.iter().enumerate() {
        for key in s.iter().skip(1) {
            if m.columns[ci].is_some() {
                break;
            }
            claim(ci, key, &mut m, &mut claimed);
        }
    }
    for (fi, h) in headers.iter().enumerate() {
        if claimed[fi].is_some() {
            continue;
        }
        let owner =
            (0..columns.len()).find(|&ci| m.columns[ci].is_some() && spells[ci].contains(&h.key));
        match owner {
            Some(ci) => m.duplicates.push((ci, fi)),
            None => m.unknown.push(fi),
        }
    }
    m
}

/// `data2` → `site` for every custom field of `contact_fields.csv` (its
/// `field_key` and `label` columns); empty when the file is unusable.
pub fn custom_labels(bytes: Vec<u8>) -> CustomLabels {
    let mut out = CustomLabels::new();
    let Ok(file) = super::read::CsvFile::from_bytes(bytes) else {
        return out;
    };
    let (Some(k), Some(l)) = (file.column("field_key"), file.column("label")) else {
        return out;
    };
    let mut recs = file.records();
    while let Some(r) = recs.next_record() {
        let key = normalize_header(r.get(k));
        let label = normalize_header(r.get(l));
        if key.starts_with("data") && !label.is_empty() {
            out.insert(key, label);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::model::FieldType;

    fn col(name: &str, headers: &[&str]) -> ColumnPlan {
        ColumnPlan {
            name: name.into(),
            headers: headers.iter().map(|h| h.to_string()).collect(),
            ty: FieldType::Text { max: None },
            nullable: true,
            formats: Vec::new(),
            declared: false,
        }
    }

    fn hs(names: &[&str]) -> Vec<Header> {
        names
            .iter()
            .map(|n| Header {
                original: n.to_string(),
                key: normalize_header(n),
            })
            .collect()
    }

    #[test]
    fn canonical_beats_alias_and_leftovers_are_classified() {
        let cols = [
            col("email", &["email", "E-mail"]),
            col("first_name", &["first_name", "Fornavn"]),
            col("title", &["title"]),
        ];
        let h = hs(&["E-mail", " FORNAVN ", "Email", "Medarbejdertype", "title"]);
        let m = map_headers(&cols, &h, h.len(), &CustomLabels::new());
        assert_eq!(m.columns, vec![Some(2), Some(1), Some(4)]);
        assert_eq!(m.duplicates, vec![(0, 0)]);
        assert_eq!(m.unknown, vec![3]);
    }

    #[test]
    fn custom_fields_match_their_label() {
        let cols = [
            col("site", &["data2", "site"]),
            col("location", &["location", "Site"]),
        ];
        let labels: CustomLabels = [("data2".to_string(), "butik".to_string())].into();
        let h = hs(&["Butik", "location"]);
        let m = map_headers(&cols, &h, h.len(), &labels);
        assert_eq!(m.columns, vec![Some(0), Some(1)]);
        let labels = custom_labels(b"field_key,label\r\ndata2,Butik\r\nemail,Email\r\n".to_vec());
        assert_eq!(labels.get("data2").map(String::as_str), Some("butik"));
        assert!(!labels.contains_key("email"));
    }
}
