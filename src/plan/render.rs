//! Rendering a plan for people: text, JSON and a Markdown mapping table.
