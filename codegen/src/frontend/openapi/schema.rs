//! OpenAPI schemas -> IR types.
//!
//! Components become named types under their own names (through the [`TypeSpace`], so a
//! second document with the same component shares it). Inline objects and string enums become
//! named types from a [`Hint`]: the field or body they sit in. `$ref`s become names, so
//! recursive schemas need nothing special. Schemas the IR cannot type precisely (`{}`,
//! `oneOf` of unrelated shapes) become `any` with a warning, never a failure.
//!
//! [`TypeSpace`]: crate::typespace::TypeSpace

use openapiv3::{AdditionalProperties, ReferenceOr, Schema, SchemaKind, Type, VariantOrUnknownOrEmpty};
use serde_json::Value;

use super::Context;
use crate::builder::ApiBuilder;
use crate::diagnostic::Diagnostic;
use crate::yaml_lines::child;
use crate::ir::{EnumValue, Field, Parameter, ParameterLocation, TypeDef, TypeKind, TypeRef};
use crate::naming;

/// Candidate names for a type that has none of its own, most preferred first.
#[derive(Debug, Clone)]
pub(crate) struct Hint {
    candidates: Vec<String>,
}

impl Hint {
    pub fn named(name: String) -> Hint {
        Hint { candidates: vec![name] }
    }

    /// For a type inside field `field` of type `parent`: `Field`, then `ParentField`.
    fn field(parent: &str, field: &str) -> Hint {
        let own = naming::camel_ident(field);
        Hint { candidates: vec![own.clone(), format!("{parent}{own}")] }
    }

    fn suffixed(&self, suffix: &str) -> Hint {
        Hint { candidates: self.candidates.iter().map(|c| format!("{c}{suffix}")).collect() }
    }

    fn primary(&self) -> &str {
        self.candidates.first().map_or("Type", String::as_str)
    }
}

/// What a schema says about a value: its type and the facts a field records beside it.
#[derive(Debug, Clone)]
pub(crate) struct Typed {
    pub ty: TypeRef,
    pub nullable: bool,
    pub format: Option<String>,
    pub default: Option<Value>,
    pub description: Option<String>,
    /// Examples of the value; empty for named types, whose examples live on the type.
    pub examples: Vec<Value>,
    pub allowed: Vec<Value>,
}

impl Typed {
    fn of(ty: TypeRef) -> Typed {
        Typed { ty, nullable: false, format: None, default: None, description: None, examples: Vec::new(), allowed: Vec::new() }
    }
}

struct Component {
    key: String,
    name: String,
}

pub(crate) struct SchemaReader<'a> {
    pub context: &'a Context<'a>,
    components: Vec<Component>,
}

impl<'a> SchemaReader<'a> {
    pub fn new(context: &'a Context<'a>) -> Self {
        SchemaReader { context, components: Vec::new() }
    }

    fn schemas(&self) -> Option<&'a indexmap::IndexMap<String, ReferenceOr<Schema>>> {
        self.context.spec.components.as_ref().map(|c| &c.schemas)
    }

    /// Gives every component schema its name before any schema is read, so references
    /// (including recursive ones) resolve to it. A name already holding another document's
    /// type is kept tentatively; [`Self::define_components`] checks the shapes agree.
    pub fn declare_components(&mut self, api: &mut ApiBuilder) {
        let Some(schemas) = self.schemas() else { return };
        for key in schemas.keys() {
            let preferred = naming::camel_ident(key);
            let name = if api.types.is_free(&preferred) || api.types.get(&preferred).is_some() {
                preferred
            } else {
                (2..).map(|n| format!("{preferred}{n}")).find(|n| api.types.is_free(n)).unwrap_or(preferred)
            };
            if api.types.is_free(&name) {
                api.types.replace(placeholder(&name, self.context.source(&child("/components/schemas", key))));
            }
            self.components.push(Component { key: key.clone(), name });
        }
    }

    /// Reads every component schema into its named type.
    pub fn define_components(&mut self, api: &mut ApiBuilder) -> Result<(), Vec<Diagnostic>> {
        let Some(schemas) = self.schemas() else { return Ok(()) };
        let mut errors = Vec::new();
        for index in 0..self.components.len() {
            let Some(component) = self.components.get(index) else { continue };
            let (key, name) = (component.key.clone(), component.name.clone());
            let Some(schema) = schemas.get(&key) else { continue };
            let at = child("/components/schemas", &key);
            match self.definition(api, schema, &name, &at) {
                Ok(def) => {
                    let existing = api.types.get(&name).cloned();
                    match existing {
                        Some(old) if !is_placeholder(&old) && !crate::typespace::same_shape(&old.kind, &def.kind) => {
                            errors.push(self.context.error(&at, format!(
                                "schema `{key}` has a different shape from the type `{name}` of {}; both would be named `{name}`",
                                old.source
                            )).with_hint("rename one of them in a sidecar, or make the shapes agree"));
                        }
                        Some(old) if !is_placeholder(&old) => {}
                        _ => api.types.replace(def),
                    }
                }
                Err(e) => errors.push(e),
            }
        }
        if errors.is_empty() { Ok(()) } else { Err(errors) }
    }

    /// The named type a component schema defines.
    fn definition(&mut self, api: &mut ApiBuilder, schema: &ReferenceOr<Schema>, name: &str, at: &str) -> Result<TypeDef, Diagnostic> {
        let source = self.context.source(at);
        let hint = Hint::named(name.to_owned());
        if let ReferenceOr::Item(item) = schema {
            if let Some(kind) = self.own_kind(api, item, &hint, at)? {
                return Ok(TypeDef {
                    name: name.to_owned(),
                    description: item.schema_data.description.clone(),
                    kind,
                    examples: examples(self.context, &item.schema_data, at),
                    received: false,
                    source,
                });
            }
        }
        let typed = self.type_of(api, schema, &hint, at)?;
        Ok(TypeDef {
            name: name.to_owned(),
            description: typed.description,
            kind: TypeKind::Alias { target: typed.ty },
            examples: Vec::new(),
            received: false,
            source,
        })
    }

    /// The struct or enum a schema defines by itself, if it is one.
    fn own_kind(&mut self, api: &mut ApiBuilder, schema: &Schema, hint: &Hint, at: &str) -> Result<Option<TypeKind>, Diagnostic> {
        match &schema.schema_kind {
            SchemaKind::Type(Type::String(s)) if !s.enumeration.is_empty() => Ok(Some(enum_kind(&s.enumeration))),
            SchemaKind::Type(Type::Object(o)) if !o.properties.is_empty() => {
                self.struct_kind(api, &o.properties, &o.required, o.additional_properties.as_ref(), hint, at).map(Some)
            }
            SchemaKind::Any(a) if !a.properties.is_empty() => {
                self.struct_kind(api, &a.properties, &a.required, a.additional_properties.as_ref(), hint, at).map(Some)
            }
            _ => Ok(None),
        }
    }

    /// The type of a value described by `schema`; inline structs and enums are added to the
    /// type space under `hint`.
    pub fn type_of(&mut self, api: &mut ApiBuilder, schema: &ReferenceOr<Schema>, hint: &Hint, at: &str) -> Result<Typed, Diagnostic> {
        let schema = match schema {
            ReferenceOr::Reference { reference } => return self.reference(reference, at).map(Typed::of),
            ReferenceOr::Item(schema) => schema,
        };
        let data = &schema.schema_data;
        let mut typed = Typed::of(TypeRef::Any);
        typed.nullable = data.nullable;
        typed.default = data.default.clone();
        typed.description = data.description.clone().filter(|d| !d.trim().is_empty());

        if let Some(kind) = self.own_kind(api, schema, hint, at)? {
            let nullable_enum = matches!(&schema.schema_kind, SchemaKind::Type(Type::String(s)) if s.enumeration.contains(&None));
            typed.nullable |= nullable_enum;
            let def = TypeDef {
                name: String::new(),
                description: typed.description.clone(),
                kind,
                examples: examples(self.context, data, at),
                received: false,
                source: self.context.source(at),
            };
            typed.ty = TypeRef::Named(api.types.add(&hint.candidates, def));
            return Ok(typed);
        }

        typed.examples = examples(self.context, data, at).into_iter().map(|e| e.value).collect();
        typed.ty = match &schema.schema_kind {
            SchemaKind::Type(Type::String(s)) => {
                typed.format = format_name(&s.format);
                if typed.format.as_deref() == Some("date-time") { TypeRef::DateTime } else { TypeRef::String }
            }
            SchemaKind::Type(Type::Number(n)) => {
                typed.format = format_name(&n.format);
                typed.allowed = n.enumeration.iter().flatten().filter_map(|v| serde_json::Number::from_f64(*v)).map(Value::Number).collect();
                TypeRef::Number
            }
            SchemaKind::Type(Type::Integer(i)) => {
                typed.format = format_name(&i.format);
                typed.allowed = i.enumeration.iter().flatten().map(|v| Value::from(*v)).collect();
                let bits = if matches!(i.format, VariantOrUnknownOrEmpty::Item(openapiv3::IntegerFormat::Int32)) { 32 } else { 64 };
                TypeRef::Integer { bits }
            }
            SchemaKind::Type(Type::Boolean(_)) => TypeRef::Boolean,
            SchemaKind::Type(Type::Array(a)) => self.array(api, a.items.as_ref(), hint, at)?,
            SchemaKind::Type(Type::Object(o)) => self.map(api, o.additional_properties.as_ref(), &o.required, hint, at)?,
            SchemaKind::Any(a) if a.items.is_some() => self.array(api, a.items.as_ref(), hint, at)?,
            SchemaKind::Any(a) if a.additional_properties.is_some() || a.typ.as_deref() == Some("object") => {
                self.map(api, a.additional_properties.as_ref(), &a.required, hint, at)?
            }
            SchemaKind::Any(_) | SchemaKind::Not { .. } => TypeRef::Any,
            SchemaKind::AllOf { all_of } if all_of.len() == 1 => {
                let only = all_of.first().ok_or_else(|| self.context.error(at, "an empty allOf".to_owned()))?;
                let inner = self.type_of(api, only, hint, at)?;
                typed.nullable |= inner.nullable;
                inner.ty
            }
            SchemaKind::OneOf { .. } | SchemaKind::AnyOf { .. } | SchemaKind::AllOf { .. } => {
                api.warn(self.context.source(at), "a composed schema (oneOf/anyOf/allOf) is read as any JSON value");
                TypeRef::Any
            }
        };
        Ok(typed)
    }

    fn reference(&self, reference: &str, at: &str) -> Result<TypeRef, Diagnostic> {
        let key = reference.strip_prefix("#/components/schemas/");
        let found = key.and_then(|key| self.components.iter().find(|c| c.key == key));
        match found {
            Some(component) => Ok(TypeRef::Named(component.name.clone())),
            None => Err(self
                .context
                .error(at, format!("`$ref: {reference}` points at no schema of this document"))
                .with_hint("references must name a schema under `#/components/schemas/`")),
        }
    }

    fn array(&mut self, api: &mut ApiBuilder, items: Option<&ReferenceOr<Box<Schema>>>, hint: &Hint, at: &str) -> Result<TypeRef, Diagnostic> {
        let item = match items {
            Some(items) => self.type_of(api, &unbox(items), &hint.suffixed("Item"), &child(at, "items"))?.ty,
            None => TypeRef::Any,
        };
        Ok(TypeRef::Array(Box::new(item)))
    }

    /// An object without properties: a map from string keys to `additionalProperties`.
    fn map(&mut self, api: &mut ApiBuilder, additional: Option<&AdditionalProperties>, required: &[String], hint: &Hint, at: &str) -> Result<TypeRef, Diagnostic> {
        for key in required {
            api.warn(self.context.source(&child(at, "required")), format!("required property `{key}` is not defined; a map cannot require keys, so it is ignored"));
        }
        let value = match additional {
            Some(AdditionalProperties::Schema(schema)) => {
                self.type_of(api, schema, &hint.suffixed("Value"), &child(at, "additionalProperties"))?.ty
            }
            _ => TypeRef::Any,
        };
        Ok(TypeRef::Map(Box::new(value)))
    }

    fn struct_kind(
        &mut self,
        api: &mut ApiBuilder,
        properties: &indexmap::IndexMap<String, ReferenceOr<Box<Schema>>>,
        required: &[String],
        additional: Option<&AdditionalProperties>,
        hint: &Hint,
        at: &str,
    ) -> Result<TypeKind, Diagnostic> {
        let mut fields: Vec<Field> = Vec::new();
        for (wire, schema) in properties {
            let field_at = child(&child(at, "properties"), wire);
            let typed = self.type_of(api, &unbox(schema), &Hint::field(hint.primary(), wire), &field_at)?;
            // A proposal: `passes::names` makes it unique within the struct.
            let rust_name = naming::snake_ident(wire);
            fields.push(Field {
                wire_name: wire.clone(),
                rust_name,
                ty: typed.ty,
                required: required.contains(wire),
                nullable: typed.nullable,
                default: typed.default,
                format: typed.format,
                description: typed.description,
                examples: typed.examples,
                allowed: typed.allowed,
                also_accepts: None,
                secret: false,
                boxed: false,
                source: self.context.source(&field_at),
            });
        }
        for key in required.iter().filter(|k| !properties.contains_key(*k)) {
            api.warn(self.context.source(&child(at, "required")), format!("required property `{key}` is not defined in `properties`; ignored"));
        }
        let additional = match additional {
            Some(AdditionalProperties::Schema(schema)) => {
                Some(self.type_of(api, schema, &hint.suffixed("Value"), &child(at, "additionalProperties"))?.ty)
            }
            _ => None,
        };
        Ok(TypeKind::Struct { fields, additional })
    }

    pub fn parameter(&mut self, api: &mut ApiBuilder, parameter: &ReferenceOr<openapiv3::Parameter>, base: &str, at: &str) -> Result<Parameter, Diagnostic> {
        let ReferenceOr::Item(parameter) = parameter else {
            return Err(self.context.error(at, "a `$ref` parameter is not supported yet"));
        };
        let (data, location) = match parameter {
            openapiv3::Parameter::Query { parameter_data, .. } => (parameter_data, ParameterLocation::Query),
            openapiv3::Parameter::Header { parameter_data, .. } => (parameter_data, ParameterLocation::Header),
            openapiv3::Parameter::Path { parameter_data, .. } => (parameter_data, ParameterLocation::Path),
            openapiv3::Parameter::Cookie { parameter_data, .. } => {
                return Err(self.context.error(at, format!("cookie parameter `{}` is not supported", parameter_data.name)));
            }
        };
        let ty = match &data.format {
            openapiv3::ParameterSchemaOrContent::Schema(schema) => {
                self.type_of(api, schema, &Hint::field(base, &data.name), &child(at, "schema"))?.ty
            }
            openapiv3::ParameterSchemaOrContent::Content(_) => TypeRef::String,
        };
        Ok(Parameter {
            name: data.name.clone(),
            rust_name: naming::snake_ident(&data.name),
            location,
            required: data.required || location == ParameterLocation::Path,
            ty,
            description: data.description.clone(),
            source: self.context.source(at),
        })
    }
}

fn unbox(schema: &ReferenceOr<Box<Schema>>) -> ReferenceOr<Schema> {
    match schema {
        ReferenceOr::Reference { reference } => ReferenceOr::Reference { reference: reference.clone() },
        ReferenceOr::Item(schema) => ReferenceOr::Item((**schema).clone()),
    }
}

fn enum_kind(values: &[Option<String>]) -> TypeKind {
    let mut out: Vec<EnumValue> = Vec::new();
    for wire in values.iter().flatten() {
        // A proposal: `passes::names` makes it unique within the enum.
        let variant = if wire.is_empty() { "Empty".to_owned() } else { naming::camel_ident(wire) };
        out.push(EnumValue { wire: wire.clone(), variant });
    }
    TypeKind::Enum { values: out }
}

fn format_name<T: std::fmt::Debug>(format: &VariantOrUnknownOrEmpty<T>) -> Option<String> {
    match format {
        VariantOrUnknownOrEmpty::Item(known) => {
            // openapiv3's formats are unit variants named after the OpenAPI words.
            let word = format!("{known:?}");
            Some(match word.as_str() {
                "DateTime" => "date-time".to_owned(),
                other => other.to_ascii_lowercase(),
            })
        }
        VariantOrUnknownOrEmpty::Unknown(word) => Some(word.clone()),
        VariantOrUnknownOrEmpty::Empty => None,
    }
}

/// `example` and the `examples` array (kept as `x-examples` by the normaliser) of a schema.
fn examples(context: &Context<'_>, data: &openapiv3::SchemaData, at: &str) -> Vec<crate::ir::Example> {
    let single = data.example.iter().map(|value| (value.clone(), child(at, "example")));
    let listed = data
        .extensions
        .get("x-examples")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .enumerate()
        .map(|(i, value)| (value.clone(), child(&child(at, "examples"), &i.to_string())));
    single
        .chain(listed)
        .map(|(value, pointer)| crate::ir::Example { value, source: context.source(&pointer) })
        .collect()
}

fn placeholder(name: &str, source: crate::ir::Source) -> TypeDef {
    TypeDef {
        name: name.to_owned(),
        description: Some(PLACEHOLDER.to_owned()),
        kind: TypeKind::Alias { target: TypeRef::Any },
        examples: Vec::new(),
        received: false,
        source,
    }
}

const PLACEHOLDER: &str = "\u{0}declared";

fn is_placeholder(def: &TypeDef) -> bool {
    def.description.as_deref() == Some(PLACEHOLDER)
}
