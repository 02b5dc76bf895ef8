//! Composed schemas, typed: `allOf` merges into one struct, `oneOf`/`anyOf` become unions.
//!
//! - `allOf`: the properties and `required` lists of every part (through `$ref`s and nested
//!   `allOf`s) merge into one struct, each field pointing at the part that documents it. Parts
//!   that only annotate (a description, `nullable`) add nothing; a part that is one other type
//!   (`allOf: [$ref]` beside `nullable: true`) is that type. Two parts giving one property types
//!   of different kinds (a string here, an object there) is an error naming both lines.
//! - `oneOf` / `anyOf`: `null` alternatives make the value nullable; a single remaining
//!   alternative is simply that type; alternatives that are all string enums are one enum.
//!   Otherwise the result is a union. It is *tagged* when a `discriminator` says which property
//!   tells the alternatives apart (tags from its `mapping`, else the schema names), or when every
//!   alternative is an object whose one required property has a single allowed value of its own
//!   (`type: {enum: [ipv4]}`, as Oxide and many Rust-generated documents write). Untagged unions
//!   try their variants most specific first: objects with more required properties, then other
//!   unions, then closed scalars (enums, integers, booleans, date-times), then open ones
//!   (numbers, strings, arrays), then maps, then anything; equally specific ones keep the
//!   document's order.

use openapiv3::{ReferenceOr, Schema, SchemaData, SchemaKind, Type};

use super::normalize::NULL_TYPE;
use super::schema::{Hint, Property, Read, SchemaReader, Typed};
use crate::builder::ApiBuilder;
use crate::diagnostic::Diagnostic;
use crate::ir::{TypeKind, TypeRef, Variant};
use crate::naming;
use crate::yaml_lines::child;

/// The properties of the object an `allOf` describes, gathered from its parts.
#[derive(Default)]
struct Merged<'s> {
    properties: Vec<Property<'s>>,
    required: Vec<String>,
    additional: Option<&'s openapiv3::AdditionalProperties>,
    /// Whether some part is an object (even one without properties).
    object: bool,
    /// Parts that are neither objects nor mere annotations, with where they are.
    others: Vec<(&'s ReferenceOr<Schema>, String)>,
    description: Option<String>,
}

/// The broad JSON kind a schema accepts, to tell a refinement from a conflict.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Broad {
    String,
    Number,
    Boolean,
    Array,
    Object,
}

impl<'a> SchemaReader<'a> {
    /// The schema `schema` stands for, following `$ref`s, with the pointer it is documented at.
    pub(super) fn resolve<'s>(&self, schema: &'s ReferenceOr<Schema>, at: &str) -> Result<(&'s Schema, String), Diagnostic>
    where
        'a: 's,
    {
        match schema {
            ReferenceOr::Item(item) => Ok((item, at.to_owned())),
            ReferenceOr::Reference { reference } => self.component_schema(reference, at),
        }
    }

    fn resolve_boxed<'s>(&self, schema: &'s ReferenceOr<Box<Schema>>, at: &str) -> Result<(&'s Schema, String), Diagnostic>
    where
        'a: 's,
    {
        match schema {
            ReferenceOr::Item(item) => Ok((item, at.to_owned())),
            ReferenceOr::Reference { reference } => self.component_schema(reference, at),
        }
    }

    fn component_schema(&self, reference: &str, at: &str) -> Result<(&'a Schema, String), Diagnostic> {
        let mut reference = reference.to_owned();
        // A component may itself be a reference; follow a bounded chain of them.
        for _ in 0..16 {
            let key = reference.strip_prefix("#/components/schemas/").unwrap_or_default();
            match self.context.spec.components.as_ref().and_then(|c| c.schemas.get(key)) {
                Some(ReferenceOr::Item(found)) => return Ok((found, child("/components/schemas", key))),
                Some(ReferenceOr::Reference { reference: next }) => reference.clone_from(next),
                None => break,
            }
        }
        Err(self.context.error(at, format!("`$ref: #{}` points at no schema of this document", self.context.written(reference.trim_start_matches('#')))))
    }

    /// `allOf`: one struct from every part's properties, or the one type its parts describe.
    pub(super) fn all_of(&mut self, api: &mut ApiBuilder, parts: &[ReferenceOr<Schema>], data: &SchemaData, hint: &Hint, at: &str) -> Result<Read, Diagnostic> {
        let mut merged = Merged::default();
        self.merge_parts(parts, &child(at, "allOf"), &mut merged, 0)?;
        let nullable = data.nullable;
        if merged.others.is_empty() && !merged.properties.is_empty() {
            let kind = self.struct_kind(api, &merged.properties, &merged.required, merged.additional, hint, at)?;
            return Ok(Read::Kind { kind, nullable });
        }
        if merged.properties.is_empty() && !merged.object {
            if let [(only, only_at)] = merged.others.as_slice() {
                let mut typed = self.type_of(api, only, hint, only_at)?;
                let own = Typed::annotated(data);
                typed.nullable |= own.nullable;
                typed.default = own.default.or(typed.default);
                typed.description = own.description.or(typed.description).or(merged.description);
                return Ok(Read::Type(typed));
            }
        }
        if !merged.properties.is_empty() {
            api.warn(
                self.context.source(at),
                format!("allOf combines an object with {} part(s) that are not objects; the object's properties are read and those parts are left out", merged.others.len()),
            );
            let kind = self.struct_kind(api, &merged.properties, &merged.required, merged.additional, hint, at)?;
            return Ok(Read::Kind { kind, nullable });
        }
        let mut typed = Typed::annotated(data);
        if merged.object {
            typed.ty = TypeRef::Map(Box::new(TypeRef::Any));
        } else if !merged.others.is_empty() {
            api.warn(self.context.source(at), format!("allOf of {} parts that are not objects is read as any JSON value", merged.others.len()));
        }
        Ok(Read::Type(typed))
    }

    fn merge_parts<'s>(&self, parts: &'s [ReferenceOr<Schema>], at: &str, merged: &mut Merged<'s>, depth: usize) -> Result<(), Diagnostic>
    where
        'a: 's,
    {
        if depth > 32 {
            return Err(self.context.error(at, "allOf parts refer to each other in a cycle"));
        }
        for (index, part) in parts.iter().enumerate() {
            let (schema, part_at) = self.resolve(part, &child(at, &index.to_string()))?;
            if merged.description.is_none() {
                merged.description.clone_from(&schema.schema_data.description);
            }
            let (properties, required, additional) = match &schema.schema_kind {
                SchemaKind::AllOf { all_of } => {
                    self.merge_parts(all_of, &child(&part_at, "allOf"), merged, depth + 1)?;
                    continue;
                }
                SchemaKind::Type(Type::Object(o)) => (&o.properties, &o.required, o.additional_properties.as_ref()),
                SchemaKind::Any(a) if !a.properties.is_empty() || a.typ.as_deref() == Some("object") => {
                    (&a.properties, &a.required, a.additional_properties.as_ref())
                }
                SchemaKind::Any(a) if is_annotation(a) => continue,
                _ => {
                    merged.others.push((part, part_at));
                    continue;
                }
            };
            merged.object = true;
            merged.additional = merged.additional.or(additional);
            for name in required {
                if !merged.required.contains(name) {
                    merged.required.push(name.clone());
                }
            }
            for property in Property::all(properties, &part_at) {
                match merged.properties.iter().position(|p| p.wire == property.wire) {
                    None => merged.properties.push(property),
                    Some(index) => {
                        let Some(earlier) = merged.properties.get(index) else { continue };
                        let (before, after) = (self.broad(earlier.schema, &earlier.at), self.broad(property.schema, &property.at));
                        if let (Some(b), Some(a)) = (before, after) {
                            if !compatible(b, a) {
                                return Err(self
                                    .context
                                    .error(&property.at, format!("allOf parts disagree on property `{}`: {b:?} at line {}, {a:?} here", property.wire, self.context.yaml.line(&self.context.written(&earlier.at))))
                                    .with_hint("make the parts agree, or correct one of them in the API's overlay"));
                            }
                        }
                        // The later part refines the earlier one (`type: string` -> `enum: [dog]`).
                        if let Some(slot) = merged.properties.get_mut(index) {
                            *slot = property;
                        }
                    }
                }
            }
        }
        Ok(())
    }

    /// The broad kind a property's schema accepts, when it says one.
    fn broad(&self, schema: &ReferenceOr<Box<Schema>>, at: &str) -> Option<Broad> {
        let (schema, _) = self.resolve_boxed(schema, at).ok()?;
        Some(match &schema.schema_kind {
            SchemaKind::Type(Type::String(_)) => Broad::String,
            SchemaKind::Type(Type::Number(_) | Type::Integer(_)) => Broad::Number,
            SchemaKind::Type(Type::Boolean(_)) => Broad::Boolean,
            SchemaKind::Type(Type::Array(_)) => Broad::Array,
            SchemaKind::Type(Type::Object(_)) => Broad::Object,
            SchemaKind::Any(a) if !a.properties.is_empty() => Broad::Object,
            SchemaKind::Any(a) if a.items.is_some() => Broad::Array,
            _ => return None,
        })
    }

    /// `oneOf` / `anyOf` at `at` (the list's pointer).
    pub(super) fn one_of(&mut self, api: &mut ApiBuilder, alternatives: &[ReferenceOr<Schema>], data: &SchemaData, hint: &Hint, at: &str) -> Result<Read, Diagnostic> {
        let mut nullable = data.nullable;
        let mut branches: Vec<(&ReferenceOr<Schema>, String)> = Vec::new();
        for (index, alternative) in alternatives.iter().enumerate() {
            let branch_at = child(at, &index.to_string());
            let (schema, _) = self.resolve(alternative, &branch_at)?;
            if schema.schema_data.extensions.contains_key(NULL_TYPE) {
                nullable = true;
            } else {
                branches.push((alternative, branch_at));
            }
        }
        let own = Typed::annotated(data);
        if let [(only, only_at)] = branches.as_slice() {
            let mut typed = self.type_of(api, only, hint, only_at)?;
            typed.nullable |= nullable;
            typed.default = own.default.or(typed.default);
            typed.description = own.description.or(typed.description);
            return Ok(Read::Type(typed));
        }
        if branches.is_empty() {
            return Ok(Read::Type(Typed { nullable, ..own }));
        }
        if let Some(values) = self.string_enums(&branches) {
            return Ok(Read::Kind { kind: super::schema::enum_kind(&values), nullable });
        }
        let tags = self.explicit_tags(data, &branches).or_else(|| self.implicit_tags(&branches));
        let mut variants: Vec<(Variant, Rank)> = Vec::new();
        for (index, (branch, branch_at)) in branches.iter().enumerate() {
            let branch_tags = tags.as_ref().and_then(|(_, t)| t.get(index)).cloned().unwrap_or_default();
            let word = self.variant_word(branch, branch_at, branch_tags.first().map(String::as_str), index);
            let variant_hint = Hint::named(format!("{}{word}", hint.primary()));
            let ty = self.type_of(api, branch, &variant_hint, branch_at)?.ty;
            let titled = matches!(branch, ReferenceOr::Item(item) if item.schema_data.title.is_some());
            let name = match (&ty, branch_tags.first()) {
                (_, Some(tag)) => naming::camel_ident(tag),
                _ if titled => word,
                (TypeRef::Named(name), None) => name.clone(),
                (other, None) => type_word(other),
            };
            if variants.iter().any(|(v, _)| v.ty == ty) {
                continue;
            }
            let rank = self.rank(branch, branch_at);
            let pattern = self.pattern(branch, branch_at, 0);
            variants.push((Variant { name, ty, tags: branch_tags, pattern }, rank));
        }
        if says_nothing(variants.iter().map(|(v, _)| &v.ty)) {
            return Ok(Read::Type(Typed { nullable, ..own }));
        }
        let tag = tags.map(|(property, _)| property);
        if tag.is_none() {
            variants.sort_by_key(|(_, rank)| *rank);
        }
        let variants = variants.into_iter().map(|(variant, _)| variant).collect();
        Ok(Read::Kind { kind: TypeKind::Union { tag, variants }, nullable })
    }

    /// The values of alternatives that are all inline string enums, merged.
    fn string_enums(&self, branches: &[(&ReferenceOr<Schema>, String)]) -> Option<Vec<Option<String>>> {
        let mut values = Vec::new();
        for (branch, _) in branches {
            let ReferenceOr::Item(Schema { schema_kind: SchemaKind::Type(Type::String(s)), .. }) = branch else { return None };
            if s.enumeration.is_empty() {
                return None;
            }
            values.extend(s.enumeration.iter().cloned());
        }
        Some(values)
    }

    /// The tag property and each branch's tag values from a `discriminator`, when every branch
    /// gets at least one.
    fn explicit_tags(&self, data: &SchemaData, branches: &[(&ReferenceOr<Schema>, String)]) -> Option<(String, Vec<Vec<String>>)> {
        let discriminator = data.discriminator.as_ref()?;
        let mut tags = Vec::new();
        for (branch, branch_at) in branches {
            let mut own: Vec<String> = Vec::new();
            if let ReferenceOr::Reference { reference } = branch {
                let key = reference.rsplit('/').next().unwrap_or_default();
                own.extend(discriminator.mapping.iter().filter(|(_, target)| *target == reference || *target == key).map(|(value, _)| value.clone()));
                if own.is_empty() {
                    own.push(key.to_owned());
                }
            } else if let Some(value) = self.single_value(branch, branch_at, &discriminator.property_name) {
                own.push(value);
            }
            if own.is_empty() {
                return None;
            }
            tags.push(own);
        }
        Some((discriminator.property_name.clone(), tags))
    }

    /// A property every branch requires and allows a single value of, different in each.
    fn implicit_tags(&self, branches: &[(&ReferenceOr<Schema>, String)]) -> Option<(String, Vec<Vec<String>>)> {
        let (first, first_at) = branches.first()?;
        let (schema, schema_at) = self.resolve(first, first_at).ok()?;
        let candidates: Vec<&String> = match &schema.schema_kind {
            SchemaKind::Type(Type::Object(o)) => o.required.iter().collect(),
            SchemaKind::Any(a) => a.required.iter().collect(),
            _ => return None,
        };
        let _ = schema_at;
        candidates.into_iter().find_map(|property| {
            let mut tags: Vec<Vec<String>> = Vec::new();
            for (branch, branch_at) in branches {
                let value = self.single_value(branch, branch_at, property)?;
                if tags.iter().any(|t| t.contains(&value)) {
                    return None;
                }
                tags.push(vec![value]);
            }
            Some((property.clone(), tags))
        })
    }

    /// The one value `property` may have in an object branch that requires it.
    fn single_value(&self, branch: &ReferenceOr<Schema>, at: &str, property: &str) -> Option<String> {
        let (schema, schema_at) = self.resolve(branch, at).ok()?;
        let (properties, required) = match &schema.schema_kind {
            SchemaKind::Type(Type::Object(o)) => (&o.properties, &o.required),
            SchemaKind::Any(a) => (&a.properties, &a.required),
            _ => return None,
        };
        if !required.iter().any(|r| r == property) {
            return None;
        }
        let (value_schema, _) = self.resolve_boxed(properties.get(property)?, &schema_at).ok()?;
        match &value_schema.schema_kind {
            SchemaKind::Type(Type::String(s)) => match s.enumeration.as_slice() {
                [Some(only)] => Some(only.clone()),
                _ => None,
            },
            _ => None,
        }
    }

    /// A word naming an inline branch: its tag, its title, its one required property, or its
    /// position.
    fn variant_word(&self, branch: &ReferenceOr<Schema>, at: &str, tag: Option<&str>, index: usize) -> String {
        if let Some(tag) = tag {
            return naming::camel_ident(tag);
        }
        let Ok((schema, _)) = self.resolve(branch, at) else { return format!("Variant{}", index + 1) };
        if let Some(title) = schema.schema_data.title.as_deref().filter(|t| t.chars().any(char::is_alphanumeric)) {
            return naming::camel_ident(title);
        }
        let required = match &schema.schema_kind {
            SchemaKind::Type(Type::Object(o)) => o.required.as_slice(),
            SchemaKind::Any(a) => a.required.as_slice(),
            _ => &[],
        };
        match required {
            [only] => naming::camel_ident(only),
            _ => format!("Variant{}", index + 1),
        }
    }

    /// The pattern of a string branch (through `$ref`s and one-part `allOf`s).
    fn pattern(&self, branch: &ReferenceOr<Schema>, at: &str, depth: usize) -> Option<String> {
        let (schema, schema_at) = self.resolve(branch, at).ok()?;
        match &schema.schema_kind {
            SchemaKind::Type(Type::String(s)) => s.pattern.clone().or_else(|| match &s.format {
                openapiv3::VariantOrUnknownOrEmpty::Unknown(format) if format == "uuid" => Some(UUID.to_owned()),
                _ => None,
            }),
            SchemaKind::AllOf { all_of } if depth < 8 => {
                let mut merged = Merged::default();
                self.merge_parts(all_of, &child(&schema_at, "allOf"), &mut merged, 0).ok()?;
                match merged.others.as_slice() {
                    [(only, only_at)] if merged.properties.is_empty() => self.pattern(only, only_at, depth + 1),
                    _ => None,
                }
            }
            _ => None,
        }
    }

    /// How early an untagged union tries this branch: lower first.
    fn rank(&self, branch: &ReferenceOr<Schema>, at: &str) -> Rank {
        let Ok((schema, _)) = self.resolve(branch, at) else { return Rank(5, 0, 0) };
        let object = |required: usize, properties: usize| Rank(0, usize::MAX - required, usize::MAX - properties);
        match &schema.schema_kind {
            SchemaKind::Type(Type::Object(o)) if !o.properties.is_empty() => object(o.required.len(), o.properties.len()),
            SchemaKind::Any(a) if !a.properties.is_empty() => object(a.required.len(), a.properties.len()),
            SchemaKind::AllOf { all_of } => {
                let mut merged = Merged::default();
                match self.merge_parts(all_of, at, &mut merged, 0) {
                    Ok(()) if !merged.properties.is_empty() => object(merged.required.len(), merged.properties.len()),
                    Ok(()) => match merged.others.as_slice() {
                        [(only, only_at)] => self.rank(only, only_at),
                        _ => Rank(5, 0, 0),
                    },
                    Err(_) => Rank(5, 0, 0),
                }
            }
            SchemaKind::OneOf { .. } | SchemaKind::AnyOf { .. } => Rank(1, 0, 0),
            SchemaKind::Type(Type::String(s)) if !s.enumeration.is_empty() => Rank(2, 0, 0),
            SchemaKind::Type(Type::String(s)) if matches!(&s.format, openapiv3::VariantOrUnknownOrEmpty::Item(openapiv3::StringFormat::DateTime)) => Rank(2, 0, 0),
            SchemaKind::Type(Type::Integer(_) | Type::Boolean(_)) => Rank(2, 0, 0),
            SchemaKind::Type(Type::Number(_) | Type::String(_) | Type::Array(_)) => Rank(3, 0, 0),
            SchemaKind::Any(a) if a.items.is_some() => Rank(3, 0, 0),
            SchemaKind::Type(Type::Object(_)) => Rank(4, 0, 0),
            SchemaKind::Any(a) if a.typ.as_deref() == Some("object") || a.additional_properties.is_some() => Rank(4, 0, 0),
            _ => Rank(5, 0, 0),
        }
    }
}

/// What a `format: uuid` string looks like, so a union can tell it from other strings.
const UUID: &str = "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$";

/// The order of an untagged union's variants: (class, fewer required first inverted, fewer
/// properties first inverted), compared as a tuple.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct Rank(u8, usize, usize);

/// Whether an `allOf` part only annotates (description, nullable, example), typing nothing.
fn is_annotation(any: &openapiv3::AnySchema) -> bool {
    any.typ.is_none()
        && any.properties.is_empty()
        && any.items.is_none()
        && any.additional_properties.is_none()
        && any.one_of.is_empty()
        && any.any_of.is_empty()
        && any.all_of.is_empty()
        && any.enumeration.is_empty()
        && any.format.is_none()
}

fn compatible(a: Broad, b: Broad) -> bool {
    a == b
}

/// Whether alternatives, together, allow any JSON value: untyped arrays and objects beside
/// scalars (`anyOf: [string, number, boolean, array, object]`), so the value is `any`.
fn says_nothing<'t>(types: impl Iterator<Item = &'t TypeRef>) -> bool {
    let (mut array, mut object, mut scalar) = (false, false, false);
    for ty in types {
        match ty {
            TypeRef::Any => return true,
            TypeRef::Array(item) if **item == TypeRef::Any => array = true,
            TypeRef::Map(value) if **value == TypeRef::Any => object = true,
            TypeRef::String | TypeRef::Integer { .. } | TypeRef::Number | TypeRef::Boolean => scalar = true,
            _ => return false,
        }
    }
    array && object && scalar
}

/// The variant name of an alternative that is not a named type.
fn type_word(ty: &TypeRef) -> String {
    match ty {
        TypeRef::String => "String".to_owned(),
        TypeRef::Integer { .. } => "Integer".to_owned(),
        TypeRef::Number => "Number".to_owned(),
        TypeRef::Boolean => "Boolean".to_owned(),
        TypeRef::DateTime => "DateTime".to_owned(),
        TypeRef::Any => "Value".to_owned(),
        TypeRef::Binary => "Bytes".to_owned(),
        TypeRef::File => "File".to_owned(),
        TypeRef::Named(name) => name.clone(),
        TypeRef::Array(item) => format!("{}List", type_word(item)),
        TypeRef::Map(value) => format!("{}Map", type_word(value)),
    }
}
