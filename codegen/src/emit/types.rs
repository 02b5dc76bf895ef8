//! Named types: structs with serde renames, open enums, aliases.
//!
//! Optional and nullable fields are `Option`s that are skipped when `None`; secret fields are
//! `Secret<String>`; enums decode values the document does not list into `Unknown(String)`,
//! so a new server value never fails a call. Structs the client receives (reachable from a
//! response body) keep properties the document does not list in `additional_properties`, so
//! nothing a server sends is lost; structs only sent stay closed and easy to build.

use std::collections::BTreeSet;

use proc_macro2::TokenStream;
use quote::quote;

use super::{docs, ident};
use crate::ir::{Api, EnumValue, Field, TypeDef, TypeKind, TypeRef};

/// The Rust type of a type expression.
pub(crate) fn type_tokens(ty: &TypeRef) -> TokenStream {
    match ty {
        TypeRef::String => quote! { String },
        TypeRef::Integer { bits: 32 } => quote! { i32 },
        TypeRef::Integer { .. } => quote! { i64 },
        TypeRef::Number => quote! { f64 },
        TypeRef::Boolean => quote! { bool },
        TypeRef::DateTime => quote! { chrono::DateTime<chrono::FixedOffset> },
        TypeRef::Any => quote! { serde_json::Value },
        TypeRef::Named(name) => {
            let name = ident(name);
            quote! { #name }
        }
        TypeRef::Array(item) => {
            let item = type_tokens(item);
            quote! { Vec<#item> }
        }
        TypeRef::Map(value) => {
            let value = type_tokens(value);
            quote! { std::collections::BTreeMap<String, #value> }
        }
    }
}

/// The Rust type of a field, before `Option` for optional fields.
pub(crate) fn field_value_tokens(field: &Field) -> TokenStream {
    if field.secret {
        quote! { crate::runtime::Secret<String> }
    } else {
        type_tokens(&field.ty)
    }
}

/// The struct fields that close a cycle of direct containment (`Node.next: Link`,
/// `Link.node: Node`): such types would have infinite size, so these fields are boxed.
/// Arrays and maps already break a cycle; `Option` does not.
pub(crate) fn cyclic_fields(api: &Api) -> BTreeSet<(String, String)> {
    let direct = |ty: &TypeRef| -> Option<String> {
        let mut ty = ty.clone();
        loop {
            let TypeRef::Named(name) = &ty else { return None };
            match api.type_def(name).map(|d| &d.kind) {
                Some(TypeKind::Alias { target }) => ty = target.clone(),
                Some(TypeKind::Struct { .. }) => return Some(name.clone()),
                _ => return None,
            }
        }
    };
    let edges: Vec<(String, String, String)> = api
        .types
        .iter()
        .filter_map(|def| match &def.kind {
            TypeKind::Struct { fields, .. } => Some(fields.iter().filter_map(|f| direct(&f.ty).map(|to| (def.name.clone(), f.rust_name.clone(), to))).collect::<Vec<_>>()),
            _ => None,
        })
        .flatten()
        .collect();
    let reaches = |from: &str, goal: &str| {
        let mut seen: Vec<String> = Vec::new();
        let mut pending = vec![from.to_owned()];
        while let Some(node) = pending.pop() {
            if node == goal {
                return true;
            }
            if seen.contains(&node) {
                continue;
            }
            pending.extend(edges.iter().filter(|(s, _, _)| *s == node).map(|(_, _, to)| to.clone()));
            seen.push(node);
        }
        false
    };
    edges.iter().filter(|(from, _, to)| reaches(to, from)).map(|(from, field, _)| (from.clone(), field.clone())).collect()
}

/// The names of every type reachable from a response body: what the client decodes.
pub(crate) fn received_types(api: &Api) -> BTreeSet<String> {
    let mut received = BTreeSet::new();
    let mut pending: Vec<&TypeRef> = api.operations.iter().flat_map(|op| op.responses.iter().filter_map(|r| r.body.as_ref())).collect();
    while let Some(ty) = pending.pop() {
        match ty {
            TypeRef::Array(inner) | TypeRef::Map(inner) => pending.push(inner),
            TypeRef::Named(name) if received.insert(name.clone()) => match api.type_def(name).map(|d| &d.kind) {
                Some(TypeKind::Struct { fields, additional }) => {
                    pending.extend(fields.iter().map(|f| &f.ty));
                    pending.extend(additional.iter());
                }
                Some(TypeKind::Alias { target }) => pending.push(target),
                _ => {}
            },
            _ => {}
        }
    }
    received
}

/// What emitting a type needs to know about the whole API.
pub(crate) struct TypeContext<'a> {
    pub api: &'a Api,
    /// Types the client decodes (see [`received_types`]).
    pub received: BTreeSet<String>,
    /// Fields boxed to break a containment cycle (see [`cyclic_fields`]).
    pub boxed: BTreeSet<(String, String)>,
}

impl<'a> TypeContext<'a> {
    pub fn new(api: &'a Api) -> Self {
        TypeContext { api, received: received_types(api), boxed: cyclic_fields(api) }
    }
}

pub(crate) fn type_def(context: &TypeContext<'_>, def: &TypeDef) -> TokenStream {
    let received = &context.received;
    let mut text = def.description.clone().unwrap_or_default();
    if !text.is_empty() {
        text.push_str("\n\n");
    }
    text.push_str(&format!("Source: `{}`.", def.source));
    let doc = docs(&text);
    let name = ident(&def.name);
    match &def.kind {
        TypeKind::Struct { fields, additional } => {
            // A received struct without a documented type for extra properties keeps them as JSON.
            let keep = additional.clone().or_else(|| received.contains(&def.name).then_some(TypeRef::Any));
            let defaults = fields.iter().filter_map(|f| default_function(&def.name, f).map(|(_, item)| item));
            let structure = structure(context, doc, &name, fields, keep.as_ref(), &def.name);
            quote! {
                #structure
                #(#defaults)*
            }
        }
        TypeKind::Enum { values } => open_enum(doc, &name, values),
        TypeKind::Alias { target } => {
            let target = type_tokens(target);
            quote! {
                #doc
                pub type #name = #target;
            }
        }
    }
}

/// Whether values of `ty` can be compared with `Eq` (no floats or JSON values inside).
fn is_eq(api: &Api, ty: &TypeRef, received: &BTreeSet<String>, seen: &mut Vec<String>) -> bool {
    match ty {
        TypeRef::Number | TypeRef::Any => false,
        TypeRef::Array(inner) | TypeRef::Map(inner) => is_eq(api, inner, received, seen),
        TypeRef::Named(name) => {
            if seen.contains(name) {
                return true;
            }
            seen.push(name.clone());
            match api.type_def(name).map(|d| &d.kind) {
                Some(TypeKind::Struct { fields, additional }) => {
                    !received.contains(name)
                        && fields.iter().all(|f| is_eq(api, &f.ty, received, seen))
                        && additional.as_ref().is_none_or(|a| is_eq(api, a, received, seen))
                }
                Some(TypeKind::Alias { target }) => is_eq(api, target, received, seen),
                Some(TypeKind::Enum { .. }) => true,
                None => false,
            }
        }
        _ => true,
    }
}

/// For an optional field with a documented default of a plain type: the name of the function
/// serde calls when the field is absent, and that function.
fn default_function(type_name: &str, field: &Field) -> Option<(String, TokenStream)> {
    if !field.is_defaulted() {
        return None;
    }
    let value = field.default.as_ref()?;
    let body = match (&field.ty, value) {
        (TypeRef::String, serde_json::Value::String(text)) => quote! { String::from(#text) },
        (TypeRef::Integer { bits: 32 }, serde_json::Value::Number(n)) => {
            let n = i32::try_from(n.as_i64()?).ok()?;
            quote! { #n }
        }
        (TypeRef::Integer { .. }, serde_json::Value::Number(n)) => {
            let n = n.as_i64()?;
            quote! { #n }
        }
        (TypeRef::Number, serde_json::Value::Number(n)) => {
            let n = proc_macro2::Literal::f64_suffixed(n.as_f64()?);
            quote! { #n }
        }
        (TypeRef::Boolean, serde_json::Value::Bool(b)) => quote! { #b },
        _ => return None,
    };
    let name = format!("default_{}_{}", heck::ToSnakeCase::to_snake_case(type_name), field.rust_name.trim_start_matches("r#"));
    let function = ident(&name);
    let ty = type_tokens(&field.ty);
    Some((name, quote! {
        fn #function() -> #ty {
            #body
        }
    }))
}

fn structure(
    context: &TypeContext<'_>,
    doc: TokenStream,
    name: &proc_macro2::Ident,
    fields: &[Field],
    additional: Option<&TypeRef>,
    type_name: &str,
) -> TokenStream {
    let (api, received, boxed) = (context.api, &context.received, &context.boxed);
    let eq = if fields.iter().all(|f| is_eq(api, &f.ty, received, &mut Vec::new()))
        && additional.is_none_or(|a| is_eq(api, a, received, &mut Vec::new()))
    {
        quote! { Eq, }
    } else {
        quote! {}
    };
    let members = fields.iter().map(|f| field(type_name, f, boxed.contains(&(type_name.to_owned(), f.rust_name.clone()))));
    let rest = additional.map(|ty| {
        let ty = type_tokens(ty);
        let taken = fields.iter().any(|f| f.rust_name == "additional_properties");
        let member = ident(if taken { "additional_properties_" } else { "additional_properties" });
        quote! {
            /// Properties the document does not list, kept as received.
            #[serde(flatten)]
            pub #member: std::collections::BTreeMap<String, #ty>,
        }
    });
    quote! {
        #doc
        #[derive(Debug, Clone, PartialEq, #eq serde::Serialize, serde::Deserialize)]
        pub struct #name {
            #(#members)*
            #rest
        }
    }
}

fn field(type_name: &str, field: &Field, boxed: bool) -> TokenStream {
    let mut text = field.description.clone().unwrap_or_default();
    let mut facts = Vec::new();
    if !field.allowed.is_empty() {
        let allowed: Vec<String> = field.allowed.iter().map(|v| format!("`{v}`")).collect();
        facts.push(format!("Allowed values: {}.", allowed.join(", ")));
    }
    if let Some(default) = &field.default {
        facts.push(format!("Default: `{default}`."));
    }
    if let Some(format) = &field.format {
        facts.push(format!("Format: `{format}`."));
    }
    if !facts.is_empty() {
        if !text.is_empty() {
            text.push_str("\n\n");
        }
        text.push_str(&facts.join(" "));
    }
    let doc = super::docs(&text);
    let name = ident(&field.rust_name);
    let wire = &field.wire_name;
    let rename = (field.rust_name.trim_start_matches("r#") != wire.as_str()).then(|| quote! { rename = #wire, });
    let value = field_value_tokens(field);
    let value = if boxed { quote! { Box<#value> } } else { value };
    let lenient = lenient_decoder(field).map(|decoder| quote! { deserialize_with = #decoder, });
    if let Some((function, _)) = default_function(type_name, field) {
        return quote! {
            #doc
            #[serde(#rename default = #function)]
            pub #name: #value,
        };
    }
    if field.is_option() {
        quote! {
            #doc
            #[serde(#rename default, skip_serializing_if = "Option::is_none", #lenient)]
            pub #name: Option<#value>,
        }
    } else {
        let attr = (rename.is_some() || lenient.is_some()).then(|| quote! { #[serde(#rename #lenient)] });
        quote! {
            #doc
            #attr
            pub #name: #value,
        }
    }
}

/// The runtime decoder of a field that also accepts another wire form, if it does.
fn lenient_decoder(field: &Field) -> Option<String> {
    let other = field.also_accepts.as_ref()?;
    let scalar = |ty: &TypeRef| matches!(ty, TypeRef::Integer { .. } | TypeRef::Number | TypeRef::Boolean);
    let decoder = match (&field.ty, other) {
        (ty, TypeRef::String) if scalar(ty) => "value_or_text",
        (TypeRef::String, other) if scalar(other) && !field.secret => "text_or_scalar",
        _ => return None,
    };
    let prefix = if field.is_option() { "optional_" } else { "" };
    Some(format!("crate::runtime::lenient::{prefix}{decoder}"))
}

fn open_enum(doc: TokenStream, name: &proc_macro2::Ident, values: &[EnumValue]) -> TokenStream {
    let variants: Vec<_> = values.iter().map(|v| ident(&v.variant)).collect();
    let wires: Vec<&String> = values.iter().map(|v| &v.wire).collect();
    let variant_docs: Vec<String> = wires.iter().map(|w| format!(" `{w}` on the wire.")).collect();
    quote! {
        #doc
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        pub enum #name {
            #(
                #[doc = #variant_docs]
                #variants,
            )*
            /// A value the document does not list, kept as received.
            Unknown(String),
        }

        impl #name {
            /// The value on the wire.
            pub fn as_str(&self) -> &str {
                match self {
                    #( Self::#variants => #wires, )*
                    Self::Unknown(other) => other,
                }
            }
        }

        impl From<&str> for #name {
            fn from(value: &str) -> Self {
                match value {
                    #( #wires => Self::#variants, )*
                    other => Self::Unknown(other.to_owned()),
                }
            }
        }

        impl std::fmt::Display for #name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl serde::Serialize for #name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> serde::Deserialize<'de> for #name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let value = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
                Ok(Self::from(value.as_ref()))
            }
        }
    }
}
