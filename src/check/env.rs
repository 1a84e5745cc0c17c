//! The environment a spec is checked in: source objects with their staged
//! column layouts and relations (interned on first use, so the plan reads
//! only what the spec needs), and destination objects merged with the
//! spec's `custom` declarations.

use crate::plan::{ColumnPlan, RelKind, RelPlan};
use crate::schema::model::{Descriptor, Field, FieldType, Object, RelationKind};
use crate::value::Value;
use indexmap::IndexMap;

/// One source object as the plan stages it.
pub struct SourceObj {
    pub name: String,
    pub file: String,
    pub optional: bool,
    pub primary_key: Vec<String>,
    pub columns: Vec<ColumnPlan>,
}

impl SourceObj {
    pub fn column(&self, name: &str) -> Option<u32> {
        self.columns
            .iter()
            .position(|c| c.name == name)
            .map(|i| i as u32)
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
        self.objects.push(SourceObj {
            name: name.to_string(),
            file: obj.file.clone().unwrap_or_else(|| format!("{name}.csv")),
            optional: obj.optional,
            primary_key: obj.primary_key.clone(),
            columns,
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
        let from_name = self.objects[object as usize].name.clone();
        if let Some(i) = self
            .relations
            .iter()
            .position(|r| r.from == object && r.name == rel)
        {
            let r = &self.relations[i];
            let (many, nullable) = self.shape(&from_name, rel)?;
            return Some((i as u32, r.to, many, nullable));
        }
        let relation = self.desc.object(&from_name)?.relations.get(rel)?.clone();
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
        let (many, nullable) = self.shape(&from_name, rel)?;
        Some(((self.relations.len() - 1) as u32, to, many, nullable))
    }

    /// (gives a list, may be null) of a relation, from the descriptor.
    fn shape(&self, from: &str, rel: &str) -> Option<(bool, bool)> {
        let r = self.desc.object(from)?.relations.get(rel)?;
        let many = r.kind.is_many();
        let nullable = match &r.kind {
            // A forward relation is as nullable as its column; orphans are a
            // data problem the stager reports, not a type.
            RelationKind::Forward { column, .. } => self
                .desc
                .object(from)?
                .field(column)
                .is_none_or(|f| f.nullable || !f.required),
            RelationKind::Reverse { .. } => false,
            RelationKind::Link { many, .. } => !many,
        };
        Some((many, nullable))
    }
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

/// A destination object with the spec's custom fields merged in.
#[derive(Clone)]
pub struct DestObj {
    pub name: String,
    pub custom: bool,
    pub fields: IndexMap<String, Field>,
    /// Fields the spec declared in `custom` blocks.
    pub declared: Vec<String>,
}

impl DestObj {
    pub fn from_descriptor(o: &Object) -> Self {
        DestObj {
            name: o.name.clone(),
            custom: o.custom,
            fields: o.fields.clone(),
            declared: Vec::new(),
        }
    }

    /// Resolves a dotted field: a field, or a composite's sub-field.
    pub fn resolve(&self, path: &[&str]) -> Result<&Field, FieldLookup> {
        let Some(first) = self.fields.get(path[0]) else {
            return Err(FieldLookup::Unknown(0));
        };
        match (&first.ty, path.len()) {
            (_, 1) => Ok(first),
            (FieldType::Composite { fields }, 2) => {
                fields.get(path[1]).ok_or(FieldLookup::Unknown(1))
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
