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
use crate::ir::{EnumValue, Field, Parameter, ParameterLocation, ParameterStyle, TypeDef, TypeKind, TypeRef};
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
    pub(super) fn field(parent: &str, field: &str) -> Hint {
        let own = naming::camel_ident(field);
        Hint { candidates: vec![own.clone(), format!("{parent}{own}")] }
    }

    pub(super) fn suffixed(&self, suffix: &str) -> Hint {
        Hint { candidates: self.candidates.iter().map(|c| format!("{c}{suffix}")).collect() }
    }

    pub(super) fn primary(&self) -> &str {
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
    pub(super) fn of(ty: TypeRef) -> Typed {
        Typed { ty, nullable: false, format: None, default: None, description: None, examples: Vec::new(), allowed: Vec::new() }
    }

    /// `any`, with what the schema says beside its type: nullable, default, description.
    pub(super) fn annotated(data: &openapiv3::SchemaData) -> Typed {
        Typed { nullable: data.nullable, default: data.default.clone(), description: description(data), ..Typed::of(TypeRef::Any) }
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
            // Two keys of this document spelled alike (`Type` and `Type[]`) are two types.
            let taken_here = self.components.iter().any(|c| c.name == preferred);
            let name = if !taken_here && (api.types.is_free(&preferred) || api.types.get(&preferred).is_some()) {
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
        let (kind, description, examples) = match schema {
            ReferenceOr::Reference { reference } => (TypeKind::Alias { target: self.reference(reference, at)? }, None, Vec::new()),
            ReferenceOr::Item(item) => match self.read(api, item, &hint, at)? {
                Read::Kind { kind, .. } => (kind, description(&item.schema_data), examples(self.context, &item.schema_data, at)),
                Read::Type(typed) => (TypeKind::Alias { target: typed.ty }, typed.description, examples(self.context, &item.schema_data, at)),
            },
        };
        Ok(TypeDef { name: name.to_owned(), description, kind, examples, received: false, source })
    }

    /// The type of a value described by `schema`; inline structs, enums and unions are added
    /// to the type space under `hint`.
    pub fn type_of(&mut self, api: &mut ApiBuilder, schema: &ReferenceOr<Schema>, hint: &Hint, at: &str) -> Result<Typed, Diagnostic> {
        match schema {
            ReferenceOr::Reference { reference } => self.reference(reference, at).map(Typed::of),
            ReferenceOr::Item(schema) => self.type_of_item(api, schema, hint, at),
        }
    }

    /// [`Self::type_of`] for a schema held in a `Box`, as properties and items are.
    pub fn type_of_boxed(&mut self, api: &mut ApiBuilder, schema: &ReferenceOr<Box<Schema>>, hint: &Hint, at: &str) -> Result<Typed, Diagnostic> {
        match schema {
            ReferenceOr::Reference { reference } => self.reference(reference, at).map(Typed::of),
            ReferenceOr::Item(schema) => self.type_of_item(api, schema, hint, at),
        }
    }

    fn type_of_item(&mut self, api: &mut ApiBuilder, schema: &Schema, hint: &Hint, at: &str) -> Result<Typed, Diagnostic> {
        match self.read(api, schema, hint, at)? {
            Read::Kind { kind, nullable } => {
                let data = &schema.schema_data;
                let mut typed = Typed::annotated(data);
                typed.nullable |= nullable;
                let def = TypeDef {
                    name: String::new(),
                    description: typed.description.clone(),
                    kind,
                    examples: examples(self.context, data, at),
                    received: false,
                    source: self.context.source(at),
                };
                typed.ty = TypeRef::Named(api.types.add(&hint.candidates, def));
                Ok(typed)
            }
            Read::Type(typed) => Ok(typed),
        }
    }

    /// What an inline schema is: a type of its own (struct, enum, union), or a type expression.
    fn read(&mut self, api: &mut ApiBuilder, schema: &Schema, hint: &Hint, at: &str) -> Result<Read, Diagnostic> {
        let data = &schema.schema_data;
        let mut typed = Typed::annotated(data);
        let kind = |kind: TypeKind, nullable: bool| Ok(Read::Kind { kind, nullable: data.nullable || nullable });
        match &schema.schema_kind {
            SchemaKind::Type(Type::String(s)) if !s.enumeration.is_empty() => return kind(enum_kind(&s.enumeration), s.enumeration.contains(&None)),
            SchemaKind::Type(Type::Integer(i)) if !i.enumeration.is_empty() => return kind(integer_enum_kind(&i.enumeration), i.enumeration.contains(&None)),
            SchemaKind::Type(Type::Object(o)) if !o.properties.is_empty() => {
                let properties = Property::all(&o.properties, at);
                return kind(self.struct_kind(api, &properties, &o.required, o.additional_properties.as_ref(), hint, at)?, false);
            }
            SchemaKind::Any(a) if !a.properties.is_empty() => {
                let properties = Property::all(&a.properties, at);
                return kind(self.struct_kind(api, &properties, &a.required, a.additional_properties.as_ref(), hint, at)?, false);
            }
            SchemaKind::Any(a) if !a.enumeration.is_empty() && a.properties.is_empty() => {
                // An enum without a `type`: its values say which kind of enum it is.
                let values = &a.enumeration;
                let nullable = values.iter().any(Value::is_null);
                if values.iter().all(|v| v.is_string() || v.is_null()) {
                    let strings: Vec<Option<String>> = values.iter().map(|v| v.as_str().map(str::to_owned)).collect();
                    return kind(enum_kind(&strings), nullable);
                }
                if values.iter().all(|v| v.is_i64() || v.is_null()) {
                    let numbers: Vec<Option<i64>> = values.iter().map(Value::as_i64).collect();
                    return kind(integer_enum_kind(&numbers), nullable);
                }
                api.warn(self.context.source(at), "an enum of values of different types is read as any JSON value");
            }
            SchemaKind::AllOf { all_of } => return self.all_of(api, all_of, data, hint, at),
            SchemaKind::OneOf { one_of } => return self.one_of(api, one_of, data, hint, &child(at, "oneOf")),
            SchemaKind::AnyOf { any_of } => return self.one_of(api, any_of, data, hint, &child(at, "anyOf")),
            _ => {}
        }
        typed.examples = examples(self.context, data, at).into_iter().map(|e| e.value).collect();
        typed.ty = match &schema.schema_kind {
            SchemaKind::Type(Type::String(s)) => {
                typed.format = format_name(&s.format);
                match typed.format.as_deref() {
                    Some("date-time") => TypeRef::DateTime,
                    Some("binary") => TypeRef::File,
                    _ => TypeRef::String,
                }
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
            _ => TypeRef::Any,
        };
        Ok(Read::Type(typed))
    }

    fn reference(&self, reference: &str, at: &str) -> Result<TypeRef, Diagnostic> {
        let key = reference.strip_prefix("#/components/schemas/");
        let found = key.and_then(|key| self.components.iter().find(|c| c.key == key));
        match found {
            Some(component) => Ok(TypeRef::Named(component.name.clone())),
            None => Err(self
                .context
                .error(at, format!("`$ref: #{}` points at no schema of this document", self.context.written(reference.trim_start_matches('#'))))
                .with_hint(format!("references must name a schema under `#{}`", self.context.written("/components/schemas/")))),
        }
    }

    fn array(&mut self, api: &mut ApiBuilder, items: Option<&ReferenceOr<Box<Schema>>>, hint: &Hint, at: &str) -> Result<TypeRef, Diagnostic> {
        let item = match items {
            Some(items) => self.type_of_boxed(api, items, &hint.suffixed("Item"), &child(at, "items"))?.ty,
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

    pub(super) fn struct_kind(
        &mut self,
        api: &mut ApiBuilder,
        properties: &[Property<'_>],
        required: &[String],
        additional: Option<&AdditionalProperties>,
        hint: &Hint,
        at: &str,
    ) -> Result<TypeKind, Diagnostic> {
        let mut fields: Vec<Field> = Vec::new();
        for Property { wire, schema, at: field_at } in properties {
            let wire = *wire;
            let typed = self.type_of_boxed(api, schema, &Hint::field(hint.primary(), wire), field_at)?;
            // A proposal: `passes::names` makes it unique within the struct.
            let rust_name = naming::snake_ident(wire);
            fields.push(Field {
                wire_name: wire.to_owned(),
                rust_name,
                ty: typed.ty,
                required: required.iter().any(|r| r == wire),
                nullable: typed.nullable,
                default: typed.default,
                format: typed.format,
                description: typed.description,
                examples: typed.examples,
                allowed: typed.allowed,
                also_accepts: None,
                secret: false,
                boxed: false,
                source: self.context.source(field_at),
            });
        }
        for key in required.iter().filter(|k| !properties.iter().any(|p| p.wire == k.as_str())) {
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
        let (parameter, at) = super::component(self.context, parameter, at, "parameters", "parameter", |c| &c.parameters)?;
        let at = at.as_str();
        let (data, location, style) = match parameter {
            openapiv3::Parameter::Query { parameter_data, style, .. } => {
                let style = match style {
                    openapiv3::QueryStyle::Form if parameter_data.explode == Some(false) => ParameterStyle::FormUnexploded,
                    openapiv3::QueryStyle::Form => ParameterStyle::Form,
                    openapiv3::QueryStyle::SpaceDelimited => ParameterStyle::SpaceDelimited,
                    openapiv3::QueryStyle::PipeDelimited => ParameterStyle::PipeDelimited,
                    openapiv3::QueryStyle::DeepObject => ParameterStyle::DeepObject,
                };
                (parameter_data, ParameterLocation::Query, style)
            }
            openapiv3::Parameter::Header { parameter_data, .. } => (parameter_data, ParameterLocation::Header, ParameterStyle::Form),
            openapiv3::Parameter::Path { parameter_data, .. } => (parameter_data, ParameterLocation::Path, ParameterStyle::Form),
            openapiv3::Parameter::Cookie { parameter_data, .. } => (parameter_data, ParameterLocation::Cookie, ParameterStyle::Form),
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
            style,
            source: self.context.source(at),
        })
    }
}

/// A property of a struct being read: its wire name, schema, and where it is documented
/// (for a struct merged from `allOf` parts, each property points into its own part).
pub(super) struct Property<'s> {
    pub wire: &'s str,
    pub schema: &'s ReferenceOr<Box<Schema>>,
    pub at: String,
}

impl<'s> Property<'s> {
    pub fn all(properties: &'s indexmap::IndexMap<String, ReferenceOr<Box<Schema>>>, at: &str) -> Vec<Property<'s>> {
        let under = child(at, "properties");
        properties.iter().map(|(wire, schema)| Property { wire, schema, at: child(&under, wire) }).collect()
    }
}

/// What a schema read on its own turned out to be.
pub(super) enum Read {
    /// A type of its own: named after the component, or after the hint when inline.
    Kind { kind: TypeKind, nullable: bool },
    /// A type expression (a primitive, an array, a map, a reference).
    Type(Typed),
}

fn description(data: &openapiv3::SchemaData) -> Option<String> {
    data.description.clone().filter(|d| !d.trim().is_empty())
}

/// An enum of whole numbers: variants `V1`, `V200`, `Minus1` (the names pass may respell them).
fn integer_enum_kind(values: &[Option<i64>]) -> TypeKind {
    let mut out: Vec<EnumValue> = Vec::new();
    for value in values.iter().flatten() {
        if out.iter().any(|v| v.wire == value.to_string()) {
            continue;
        }
        let variant = if *value < 0 { format!("Minus{}", value.unsigned_abs()) } else { format!("V{value}") };
        out.push(EnumValue { wire: value.to_string(), variant });
    }
    TypeKind::Enum { values: out, integer: true }
}

pub(super) fn enum_kind(values: &[Option<String>]) -> TypeKind {
    let mut out: Vec<EnumValue> = Vec::new();
    for wire in values.iter().flatten() {
        // A proposal: `passes::names` makes it unique within the enum.
        let variant = if wire.is_empty() { "Empty".to_owned() } else { naming::camel_ident(wire) };
        out.push(EnumValue { wire: wire.clone(), variant });
    }
    TypeKind::Enum { values: out, integer: false }
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
