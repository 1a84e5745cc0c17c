//! The environment a spec is checked in: source objects with their staged
//! column layouts and relations (interned on first use, so the plan reads
//! only what the spec needs), and destination objects merged with the
//! spec's `custom` declarations.
//!
//! Input: the source descriptor with the columns the spec declares in
//! `source` blocks, and the destination descriptor's objects with the
//! spec's `custom` fields. Output: a [`SourceEnv`] (objects and relations by
//! index, as the plan stages them) and [`DestObj`]s (fields by name or by
//! composite path). Invariants: an object or relation is interned once and
//! keeps its index; a declared source column replaces a descriptor column
//! of the same name; of two columns with one name the first wins.

use super::types::column_ty;
use crate::plan::{ColumnPlan, RelKind, RelPlan, Ty};
use crate::schema::model::{Descriptor, Field, FieldType, Object, RelationKind};
use crate::span::Span;
use crate::syntax::ast::Ident;
use crate::value::Value;
use indexmap::IndexMap;

/// One source object as the plan stages it.
pub struct SourceObj {
    pub name: String,
    pub file: String,
    pub optional: bool,
    pub primary_key: Vec<String>,
    pub columns: Vec<ColumnPlan>,
    /// The expression type of each column (computed once: enum types share
    /// their values).
    pub tys: Vec<Ty>,
    /// Column index by name.
    index: foldhash::HashMap<String, u32>,
}

impl SourceObj {
    pub fn column(&self, name: &str) -> Option<u32> {
        self.index.get(name).copied()
    }
}

/// A column a spec declares with `source X { column c : T from "H" }`.
pub struct Declared {
    pub name: String,
    pub ty: FieldType,
    pub header: Option<String>,
}

/// Source objects and relations, interned as expressions use them.
pub struct SourceEnv<'d> {
    pub desc: &'d Descriptor,
    pub objects: Vec<SourceObj>,
    pub relations: Vec<RelPlan>,
    /// (gives a list, may be null) of each relation in `relations`.
    shapes: Vec<(bool, bool)>,
    declared: IndexMap<String, Vec<Declared>>,
}

pub fn column_plan(f: &Field) -> ColumnPlan {
    let mut headers = vec![f.name.clone()];
    headers.extend(f.aliases.iter().cloned());
    ColumnPlan {
        name: f.name.clone(),
        headers,
        ty: f.ty.clone(),
        nullable: f.nullable || !f.required,
        formats: f.formats.clone(),
        declared: false,
    }
}

impl<'d> SourceEnv<'d> {
    pub fn new(desc: &'d Descriptor, declared: IndexMap<String, Vec<Declared>>) -> Self {
        SourceEnv {
            desc,
            objects: Vec::new(),
            relations: Vec::new(),
            shapes: Vec::new(),
            declared,
        }
    }

    pub fn object_names(&self) -> impl Iterator<Item = &str> {
        self.desc.objects.keys().map(String::as_str)
    }

    /// The index of source object `name`, staging it on first use.
    pub fn intern(&mut self, name: &str) -> Option<u32> {
        if let Some(i) = self.objects.iter().position(|o| o.name == name) {
            return Some(i as u32);
        }
        let obj: &Object = self.desc.object(name)?;
        let mut columns: Vec<ColumnPlan> = obj.fields.values().map(column_plan).collect();
        for d in self.declared.get(name).into_iter().flatten() {
            let mut headers = vec![d.header.clone().unwrap_or_else(|| d.name.clone())];
            if d.header.is_some() {
                headers.push(d.name.clone());
            }
            let plan = ColumnPlan {
                name: d.name.clone(),
                headers,
                ty: d.ty.clone(),
                nullable: true,
                formats: Vec::new(),
                declared: true,
            };
            // A declaration overrides a descriptor column of the same name.
            match columns.iter().position(|c| c.name == d.name) {
                Some(i) => columns[i] = plan,
                None => columns.push(plan),
            }
        }
        let tys = columns.iter().map(|c| column_ty(&c.ty)).collect();
        // The first column of a name wins, as a linear search would find it.
        let mut index = foldhash::HashMap::default();
        for (i, c) in columns.iter().enumerate() {
            index.entry(c.name.clone()).or_insert(i as u32);
        }
        self.objects.push(SourceObj {
            name: name.to_string(),
            file: obj.file.clone().unwrap_or_else(|| format!("{name}.csv")),
            optional: obj.optional,
            primary_key: obj.primary_key.clone(),
            columns,
            tys,
            index,
        });
        Some((self.objects.len() - 1) as u32)
    }

    pub fn obj(&self, i: u32) -> &SourceObj {
        &self.objects[i as usize]
    }

    pub fn relation_names(&self, object: u32) -> Vec<String> {
        let name = &self.objects[object as usize].name;
        self.desc
            .object(name)
            .map(|o| o.relations.keys().cloned().collect())
            .unwrap_or_default()
    }

    /// Relation `rel` of `object`, interned (with its target and link object).
    /// Returns (relation index, target object, many, nullable).
    pub fn relation(&mut self, object: u32, rel: &str) -> Option<(u32, u32, bool, bool)> {
        if let Some(i) = self
            .relations
            .iter()
            .position(|r| r.from == object && r.name == rel)
        {
            let (many, nullable) = self.shapes[i];
            return Some((i as u32, self.relations[i].to, many, nullable));
        }
        let desc = self.desc;
        let from_name = self.objects[object as usize].name.as_str();
        let relation = desc.object(from_name)?.relations.get(rel)?;
        let shape = shape(desc, from_name, rel)?;
        let to = self.intern(&relation.target)?;
        let col = |env: &Self, o: u32, c: &str| env.obj(o).column(c);
        let kind = match &relation.kind {
            RelationKind::Forward {
                column,
                target_column,
            } => RelKind::Forward {
                column: col(self, object, column)?,
                target_column: col(self, to, target_column)?,
            },
            RelationKind::Reverse { column, key_column } => RelKind::Reverse {
                column: col(self, to, column)?,
                key_column: col(self, object, key_column)?,
            },
            RelationKind::Link {
                via,
                from_column,
                to_column,
                key_column,
                target_column,
                filter,
                many,
            } => {
                let via_i = self.intern(via)?;
                let filter = match filter {
                    Some((c, v)) => {
                        let ci = col(self, via_i, c)?;
                        let value = literal_for(&self.obj(via_i).columns[ci as usize].ty, v);
                        Some((ci, value))
                    }
                    None => None,
                };
                RelKind::Link {
                    via: via_i,
                    from_column: col(self, via_i, from_column)?,
                    to_column: col(self, via_i, to_column)?,
                    key_column: col(self, object, key_column)?,
                    target_column: col(self, to, target_column)?,
                    filter,
                    many: *many,
                }
            }
        };
        self.relations.push(RelPlan {
            name: rel.to_string(),
            from: object,
            to,
            kind,
        });
        self.shapes.push(shape);
        let (many, nullable) = shape;
        Some(((self.relations.len() - 1) as u32, to, many, nullable))
    }
}

/// (gives a list, may be null) of a relation, from the descriptor.
fn shape(desc: &Descriptor, from: &str, rel: &str) -> Option<(bool, bool)> {
    let r = desc.object(from)?.relations.get(rel)?;
    let many = r.kind.is_many();
    let nullable = match &r.kind {
        // A forward relation is as nullable as its column; orphans are a
        // data problem the stager reports, not a type.
        RelationKind::Forward { column, .. } => desc
            .object(from)?
            .field(column)
            .is_none_or(|f| f.nullable || !f.required),
        RelationKind::Reverse { .. } => false,
        RelationKind::Link { many, .. } => !many,
    };
    Some((many, nullable))
}

/// A filter value of a link relation, typed like its column.
fn literal_for(ty: &FieldType, v: &str) -> Value {
    match ty {
        FieldType::Boolean => match v.to_ascii_lowercase().as_str() {
            "true" | "1" | "yes" => Value::Bool(true),
            "false" | "0" | "no" => Value::Bool(false),
            _ => Value::text(v),
        },
        FieldType::Integer => v.parse().map(Value::Int).unwrap_or_else(|_| Value::text(v)),
        _ => Value::text(v),
    }
}

/// Fields by name. Hashed with foldhash: the checker looks fields up for every
/// assignment, and nothing depends on hash order.
pub type FieldMap = IndexMap<String, Field, foldhash::fast::FixedState>;

/// A destination object with the spec's custom fields merged in: the
/// descriptor's fields, then the declared ones in declaration order.
#[derive(Clone)]
pub struct DestObj {
    pub name: String,
    pub custom: bool,
    /// Declared by the spec with `custom object`.
    pub new_object: bool,
    base: FieldMap,
    declared: DeclaredFields,
}

impl DestObj {
    pub fn from_descriptor(o: &Object) -> Self {
        DestObj {
            name: o.name.clone(),
            custom: o.custom,
            new_object: false,
            base: o
                .fields
                .iter()
                .map(|(k, f)| (k.clone(), f.clone()))
                .collect(),
            declared: DeclaredFields::default(),
        }
    }

    /// An object the spec creates with `custom object`.
    pub fn new_custom(name: &str) -> Self {
        DestObj {
            name: name.to_string(),
            custom: true,
            new_object: true,
            base: FieldMap::default(),
            declared: DeclaredFields::default(),
        }
    }

    pub fn field(&self, name: &str) -> Option<&Field> {
        self.base.get(name).or_else(|| self.declared.get(name))
    }

    /// Every field with its name, the descriptor's first.
    pub fn fields(&self) -> impl Iterator<Item = (&str, &Field)> {
        self.base
            .iter()
            .map(|(k, f)| (k.as_str(), f))
            .chain(self.declared.fields.iter().map(|f| (f.name.as_str(), f)))
    }

    /// Is `name` a field of the descriptor (not declared by the spec)?
    pub fn is_standard(&self, name: &str) -> bool {
        self.base.contains_key(name)
    }

    pub fn has_declared(&self) -> bool {
        !self.declared.fields.is_empty()
    }

    /// The declared fields' names with their spans, in declaration order.
    pub fn declared_names(&self) -> impl Iterator<Item = (&str, Span)> {
        self.declared
            .fields
            .iter()
            .zip(&self.declared.spans)
            .map(|(f, s)| (f.name.as_str(), *s))
    }

    /// Adds a declared field; the caller has made sure it is new.
    pub fn declare(&mut self, field: Field, span: Span) {
        self.declared.push(field, span);
    }

    pub fn reserve_declared(&mut self, n: usize) {
        self.declared.fields.reserve(n);
        self.declared.spans.reserve(n);
    }

    /// Moves the declared fields out, in declaration order.
    pub fn into_declared(self) -> Vec<Field> {
        self.declared.fields
    }

    /// Resolves a dotted field: a field, or a composite's sub-field.
    pub fn resolve(&self, path: &[Ident]) -> Result<&Field, FieldLookup> {
        let Some(first) = self.field(&path[0].name) else {
            return Err(FieldLookup::Unknown(0));
        };
        match (&first.ty, path.len()) {
            (_, 1) => Ok(first),
            (FieldType::Composite { fields }, 2) => {
                fields.get(&path[1].name).ok_or(FieldLookup::Unknown(1))
            }
            (FieldType::Composite { .. }, _) => Err(FieldLookup::TooDeep),
            _ => Err(FieldLookup::NotComposite),
        }
    }
}

pub enum FieldLookup {
    /// The segment at this index does not exist.
    Unknown(usize),
    NotComposite,
    TooDeep,
}

/// The fields a spec declares on one object, in declaration order. Found by
/// a linear search while there are few (no key strings to allocate), through
/// an index sorted by name once there are many.
#[derive(Clone, Default)]
struct DeclaredFields {
    fields: Vec<Field>,
    /// Where each field's name is written.
    spans: Vec<Span>,
    /// Indices into `fields` ordered by field name; empty until `fields`
    /// outgrows [`DeclaredFields::LINEAR`].
    by_name: Vec<u32>,
}

impl DeclaredFields {
    const LINEAR: usize = 16;

    fn get(&self, name: &str) -> Option<&Field> {
        if self.by_name.is_empty() {
            return self.fields.iter().find(|f| f.name == name);
        }
        let at = self.sorted_position(name).ok()?;
        Some(&self.fields[self.by_name[at] as usize])
    }

    /// Where `name` is (`Ok`) or would go (`Err`) in `by_name`.
    fn sorted_position(&self, name: &str) -> Result<usize, usize> {
        self.by_name
            .binary_search_by(|&i| self.fields[i as usize].name.as_str().cmp(name))
    }

    /// Adds a field whose name is not declared yet.
    fn push(&mut self, field: Field, span: Span) {
        let i = self.fields.len() as u32;
        self.fields.push(field);
        self.spans.push(span);
        if !self.by_name.is_empty() {
            let name = &self.fields[i as usize].name;
            let at = self.sorted_position(name).unwrap_or_else(|at| at);
            self.by_name.insert(at, i);
        } else if self.fields.len() > Self::LINEAR {
            self.by_name = (0..self.fields.len() as u32).collect();
            let fields = &self.fields;
            self.by_name
                .sort_by(|&a, &b| fields[a as usize].name.cmp(&fields[b as usize].name));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn declared_fields_are_found_before_and_after_the_index_is_built() {
        let mut obj = DestObj::new_custom("Thing__c");
        let names: Vec<String> = (0..40).rev().map(|i| format!("F{i}__c")).collect();
        for (n, name) in names.iter().enumerate() {
            obj.declare(
                Field::new(name.as_str(), FieldType::Date),
                Span::new(n, n + 1),
            );
            // Every field declared so far is found, and only those.
            for earlier in &names[..=n] {
                assert_eq!(obj.field(earlier).map(|f| &f.name), Some(earlier));
            }
            assert!(obj.field("Missing__c").is_none());
        }
        // Declaration order is kept for iteration, spans and the manifest.
        let order: Vec<&str> = obj.fields().map(|(n, _)| n).collect();
        assert_eq!(order, names.iter().map(String::as_str).collect::<Vec<_>>());
        let spans: Vec<usize> = obj.declared_names().map(|(_, s)| s.start).collect();
        assert_eq!(spans, (0..40).collect::<Vec<_>>());
        let moved: Vec<String> = obj.into_declared().into_iter().map(|f| f.name).collect();
        assert_eq!(moved, names);
    }
}
