//! The parts of the SDL the fuzzer needs, read with async-graphql's own parser.

use std::collections::BTreeMap;

use anyhow::{Context, Result, bail};
use async_graphql_parser::types::{BaseType, Type, TypeKind, TypeSystemDefinition};

/// A GraphQL type reference: `T`, `T!`, `[T!]`, ...
#[derive(Debug, Clone)]
pub enum Ty {
    /// A named type; `bool` is nullability.
    Named(String, bool),
    /// A list of the inner type; `bool` is nullability.
    List(Box<Ty>, bool),
}

impl Ty {
    fn from_parser(t: &Type) -> Ty {
        match &t.base {
            BaseType::Named(n) => Ty::Named(n.to_string(), t.nullable),
            BaseType::List(inner) => Ty::List(Box::new(Ty::from_parser(inner)), t.nullable),
        }
    }

    /// Whether `null` is allowed.
    pub fn nullable(&self) -> bool {
        match self {
            Ty::Named(_, n) | Ty::List(_, n) => *n,
        }
    }

    /// The named type at the bottom of the lists.
    pub fn base(&self) -> &str {
        match self {
            Ty::Named(n, _) => n,
            Ty::List(inner, _) => inner.base(),
        }
    }

    /// The type as written in SDL (for variable declarations).
    pub fn sdl(&self) -> String {
        let (s, nullable) = match self {
            Ty::Named(n, nullable) => (n.clone(), *nullable),
            Ty::List(inner, nullable) => (format!("[{}]", inner.sdl()), *nullable),
        };
        if nullable { s } else { format!("{s}!") }
    }
}

/// An argument or input field.
#[derive(Debug, Clone)]
pub struct InputValue {
    /// Name.
    pub name: String,
    /// Type.
    pub ty: Ty,
    /// Whether the SDL gives a default (a non-null argument may then be omitted).
    pub has_default: bool,
}

/// A field of an object type.
#[derive(Debug, Clone)]
pub struct Field {
    /// Name.
    pub name: String,
    /// Arguments.
    pub args: Vec<InputValue>,
    /// Return type.
    pub ty: Ty,
}

/// The parts of the SDL the generator needs.
#[derive(Debug, Default)]
pub struct Schema {
    /// Object types by name.
    pub objects: BTreeMap<String, Vec<Field>>,
    /// Input object types by name.
    pub inputs: BTreeMap<String, Vec<InputValue>>,
    /// Enum values by enum name.
    pub enums: BTreeMap<String, Vec<String>>,
    /// The query root's name.
    pub query: String,
    /// The mutation root's name.
    pub mutation: String,
}

fn input_value(v: &async_graphql_parser::types::InputValueDefinition) -> InputValue {
    InputValue {
        name: v.name.node.to_string(),
        ty: Ty::from_parser(&v.ty.node),
        has_default: v.default_value.is_some(),
    }
}

impl Schema {
    /// Parses SDL.
    pub fn parse(sdl: &str) -> Result<Schema> {
        let doc = async_graphql_parser::parse_schema(sdl).context("parsing the SDL")?;
        let mut s = Schema {
            query: "Query".into(),
            mutation: "Mutation".into(),
            ..Schema::default()
        };
        for def in doc.definitions {
            match def {
                TypeSystemDefinition::Schema(d) => {
                    if let Some(q) = d.node.query {
                        s.query = q.node.to_string();
                    }
                    if let Some(m) = d.node.mutation {
                        s.mutation = m.node.to_string();
                    }
                }
                TypeSystemDefinition::Type(t) => {
                    let name = t.node.name.node.to_string();
                    match t.node.kind {
                        TypeKind::Object(o) => {
                            let fields = o
                                .fields
                                .iter()
                                .map(|f| Field {
                                    name: f.node.name.node.to_string(),
                                    args: f
                                        .node
                                        .arguments
                                        .iter()
                                        .map(|a| input_value(&a.node))
                                        .collect(),
                                    ty: Ty::from_parser(&f.node.ty.node),
                                })
                                .collect();
                            s.objects.insert(name, fields);
                        }
                        TypeKind::InputObject(i) => {
                            let fields = i.fields.iter().map(|f| input_value(&f.node)).collect();
                            s.inputs.insert(name, fields);
                        }
                        TypeKind::Enum(e) => {
                            let values = e
                                .values
                                .iter()
                                .map(|v| v.node.value.node.to_string())
                                .collect();
                            s.enums.insert(name, values);
                        }
                        TypeKind::Interface(_) | TypeKind::Union(_) => {
                            bail!("the fuzzer does not handle interfaces or unions yet ({name})")
                        }
                        TypeKind::Scalar => {}
                    }
                }
                TypeSystemDefinition::Directive(_) => {}
            }
        }
        Ok(s)
    }

    /// The fields of the query root.
    pub fn queries(&self) -> &[Field] {
        self.objects
            .get(&self.query)
            .map(Vec::as_slice)
            .unwrap_or_default()
    }

    /// The fields of the mutation root.
    pub fn mutations(&self) -> &[Field] {
        self.objects
            .get(&self.mutation)
            .map(Vec::as_slice)
            .unwrap_or_default()
    }
}
