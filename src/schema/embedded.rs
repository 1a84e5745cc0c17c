//! The standard descriptors, embedded so `ferry` works from any folder.
//!
//! Input: `specs/schemas/*.yaml` at build time. Output: (file name, text)
//! pairs in load order (the source first). Invariant: each text is loaded by
//! [`super::Registry::standard`] and must load without errors (tested).

pub const STANDARD: &[(&str, &str)] = &[
    (
        "specs/schemas/actimo.yaml",
        include_str!("../../specs/schemas/actimo.yaml"),
    ),
    (
        "specs/schemas/twenty.yaml",
        include_str!("../../specs/schemas/twenty.yaml"),
    ),
    (
        "specs/schemas/zoho.yaml",
        include_str!("../../specs/schemas/zoho.yaml"),
    ),
    (
        "specs/schemas/pipedrive.yaml",
        include_str!("../../specs/schemas/pipedrive.yaml"),
    ),
    (
        "specs/schemas/freshsales.yaml",
        include_str!("../../specs/schemas/freshsales.yaml"),
    ),
    (
        "specs/schemas/salesforce.yaml",
        include_str!("../../specs/schemas/salesforce.yaml"),
    ),
];
