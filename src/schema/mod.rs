//! Schema descriptors: YAML → [`model::Descriptor`].
//!
//! Input: descriptor YAML (embedded standard ones, or a `--schemas DIR`).
//! Output: validated descriptors. Invariants: see [`model`].

pub mod model;
