//! Named types: structs with serde renames, open enums, aliases.
//!
//! Optional and nullable fields are `Option`s that are skipped when `None`; secret fields are
//! `Secret<String>`; enums decode values the document does not list into an opaque
//! `Unknown(UnknownValue)`, so a new server value never fails a call. Structs the client
//! receives (reachable from a response body) keep properties the document does not list in
//! `additional_properties`, so nothing a server sends is lost; structs only sent stay closed and
//! easy to build. Those received structs and the enums decode through small hand-emitted impls
//! over `vendor_runtime::object` and `vendor_runtime::open_enum` rather than serde's buffering
//! `flatten` and `untagged`: faster per call and far cheaper to compile. Every std, serde and runtime item is written as an absolute path, so a type
//! of the document called `String` or `Option` cannot change what the emitted code means.

use proc_macro2::TokenStream;
use quote::quote;

use super::{docs, ident};
use crate::ir::{Api, EnumValue, Field, TypeDef, TypeKind, TypeRef, Variant};
use crate::passes::names;

/// The Rust type of a type expression.
pub(crate) fn type_tokens(ty: &TypeRef) -> TokenStream {
    match ty {
        TypeRef::String => quote! { ::std::string::String },
        TypeRef::Integer { bits: 32 } => quote! { i32 },
        TypeRef::Integer { .. } => quote! { i64 },
        TypeRef::Number => quote! { f64 },
        TypeRef::Boolean => quote! { bool },
        TypeRef::DateTime => quote! { ::chrono::DateTime<::chrono::FixedOffset> },
        TypeRef::Any => quote! { ::serde_json::Value },
        TypeRef::Binary => quote! { rt::Bytes },
        TypeRef::File => quote! { rt::FilePart },
        TypeRef::Named(name) => {
            let name = ident(name);
            quote! { #name }
        }
        TypeRef::Array(item) => {
            let item = type_tokens(item);
            quote! { ::std::vec::Vec<#item> }
        }
        TypeRef::Map(value) => {
            let value = type_tokens(value);
            quote! { ::std::collections::BTreeMap<::std::string::String, #value> }
        }
    }
}

/// The Rust type of a field, before `Option` for optional fields.
pub(crate) fn field_value_tokens(field: &Field) -> TokenStream {
    if field.secret {
        quote! { rt::Secret<::std::string::String> }
    } else {
        type_tokens(&field.ty)
    }
}

pub(crate) fn type_def(api: &Api, def: &TypeDef) -> TokenStream {
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
            let keep = additional.clone().or_else(|| def.received.then_some(TypeRef::Any));
            let structure = structure(api, doc, &name, fields, keep.as_ref());
            let defaults: Vec<TokenStream> = fields.iter().filter_map(default_function).map(|(_, item)| item).collect();
            let defaults = (!defaults.is_empty()).then(|| {
                quote! {
                    impl #name {
                        #(#defaults)*
                    }
                }
            });
            quote! {
                #structure
                #defaults
            }
        }
        TypeKind::Enum { values, integer: false } => open_enum(doc, &name, values),
        TypeKind::Enum { values, integer: true } => integer_enum(doc, &name, values),
        TypeKind::Union { tag, variants } => union(api, def, doc, &name, tag.as_deref(), variants),
        TypeKind::Alias { target } => {
            let target = type_tokens(target);
            quote! {
                #doc
                pub type #name = #target;
            }
        }
    }
}

/// Whether values of `ty` can be compared with `Eq` (no floats or JSON values inside; a
/// received struct keeps unlisted properties as JSON).
fn is_eq(api: &Api, ty: &TypeRef, seen: &mut Vec<String>) -> bool {
    match ty {
        TypeRef::Number | TypeRef::Any => false,
        TypeRef::Array(inner) | TypeRef::Map(inner) => is_eq(api, inner, seen),
        TypeRef::Named(name) => {
            if seen.contains(name) {
                return true;
            }
            seen.push(name.clone());
            let Some(def) = api.type_def(name) else { return false };
            match &def.kind {
                TypeKind::Struct { fields, additional } => {
                    !def.received
                        && fields.iter().all(|f| is_eq(api, &f.ty, seen))
                        && additional.as_ref().is_none_or(|a| is_eq(api, a, seen))
                }
                TypeKind::Alias { target } => is_eq(api, target, seen),
                TypeKind::Enum { .. } => true,
                TypeKind::Union { variants, .. } => !def.received && variants.iter().all(|v| is_eq(api, &v.ty, seen)),
            }
        }
        _ => true,
    }
}

/// For an optional field with a documented default of a plain type: the name of the associated
/// function serde calls when the field is absent (`default_<field>`), and that function.
fn default_function(field: &Field) -> Option<(String, TokenStream)> {
    if !field.is_defaulted() {
        return None;
    }
    let value = field.default.as_ref()?;
    let body = match (&field.ty, value) {
        (TypeRef::String, serde_json::Value::String(text)) => quote! { ::std::string::String::from(#text) },
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
    let name = format!("default_{}", field.rust_name.trim_start_matches("r#"));
    let function = ident(&name);
    let ty = type_tokens(&field.ty);
    Some((name, quote! {
        fn #function() -> #ty {
            #body
        }
    }))
}

fn structure(api: &Api, doc: TokenStream, name: &proc_macro2::Ident, fields: &[Field], additional: Option<&TypeRef>) -> TokenStream {
    let eq = if fields.iter().all(|f| is_eq(api, &f.ty, &mut Vec::new())) && additional.is_none_or(|a| is_eq(api, a, &mut Vec::new()))
    {
        quote! { Eq, }
    } else {
        quote! {}
    };
    // A struct of optional fields only (most request bodies of large APIs) is built as
    // `Type { one: Some(..), ..Default::default() }`.
    let default = fields.iter().all(Field::is_option).then(|| quote! { ::std::default::Default, });
    // A struct that keeps the rest reads its own fields (`from_object`); serde's derive would
    // route every property through `#[serde(flatten)]`'s buffer.
    let keeps_rest = additional.is_some();
    let members = fields.iter().map(|f| field(name, f, keeps_rest));
    let rest = additional.map(|ty| {
        let ty = type_tokens(ty);
        let member = ident(names::ADDITIONAL_PROPERTIES);
        quote! {
            /// Properties the document does not list, kept as received.
            #[serde(flatten)]
            pub #member: ::std::collections::BTreeMap<::std::string::String, #ty>,
        }
    });
    let derive_deserialize = (!keeps_rest).then(|| quote! { ::serde::Deserialize });
    let from_object = keeps_rest.then(|| from_object(name, fields));
    quote! {
        #doc
        #[derive(Debug, Clone, PartialEq, #eq #default ::serde::Serialize, #derive_deserialize)]
        pub struct #name {
            #(#members)*
            #rest
        }
        #from_object
    }
}

/// `Deserialize` for a struct that keeps the properties the document does not list: one pass
/// over the object's keys (`vendor_runtime::object`), each documented key into its field's
/// slot and every other key into `additional_properties`. The slots' types are inferred from
/// the fields, so no type of the document is named inside the generic function.
fn from_object(name: &proc_macro2::Ident, fields: &[Field]) -> TokenStream {
    let expecting = format!("struct {name}");
    let slots = slot_names(fields);
    let arms = fields.iter().zip(&slots).map(|(field, slot)| {
        let wire = &field.wire_name;
        match wire_form(field) {
            Some(wire_form) => quote! { #wire => object.value_from::<#wire_form>(&mut #slot, #wire)?, },
            None => quote! { #wire => object.value(&mut #slot, #wire)?, },
        }
    });
    let values = fields.iter().zip(&slots).map(|(field, slot)| {
        let member = ident(&field.rust_name);
        let wire = &field.wire_name;
        let value = if let Some((function, _)) = default_function(field) {
            let function = ident(&function);
            quote! { #slot.unwrap_or_else(Self::#function) }
        } else if field.is_option() {
            quote! { #slot.unwrap_or_default() }
        } else {
            quote! { object.required(#slot, #wire)? }
        };
        quote! { #member: #value, }
    });
    let rest = ident(names::ADDITIONAL_PROPERTIES);
    // Without documented fields every key is the rest's (a `match` of one arm would be noise).
    let read_key = if fields.is_empty() {
        quote! { object.rest(&mut rest, key)?; }
    } else {
        quote! {
            match key.as_str() {
                #(#arms)*
                _ => object.rest(&mut rest, key)?,
            }
        }
    };
    quote! {
        impl<'de> ::serde::Deserialize<'de> for #name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                rt::object::deserialize(deserializer, #expecting)
            }
        }

        impl<'de> rt::object::FromObject<'de> for #name {
            fn from_object<M: ::serde::de::MapAccess<'de>>(mut object: rt::object::Object<'de, M>) -> ::std::result::Result<Self, M::Error> {
                #( let mut #slots = ::std::option::Option::None; )*
                let mut rest = ::std::collections::BTreeMap::new();
                while let ::std::option::Option::Some(key) = object.next_key()? {
                    #read_key
                }
                ::std::result::Result::Ok(Self {
                    #(#values)*
                    #rest: rest,
                })
            }
        }
    }
}

/// One field; `reads_itself` when the struct decodes through `from_object`, which leaves its
/// fields only the attributes serialization uses.
fn field(type_name: &proc_macro2::Ident, field: &Field, reads_itself: bool) -> TokenStream {
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
    let value = if field.boxed { quote! { ::std::boxed::Box<#value> } } else { value };
    if reads_itself {
        let skip = field.is_option().then(|| quote! { skip_serializing_if = "::std::option::Option::is_none", });
        let value = if field.is_option() { quote! { ::std::option::Option<#value> } } else { value };
        let attr = (rename.is_some() || skip.is_some()).then(|| quote! { #[serde(#rename #skip)] });
        return quote! {
            #doc
            #attr
            pub #name: #value,
        };
    }
    let lenient = lenient_decoder(field).map(|decoder| quote! { deserialize_with = #decoder, });
    if let Some((function, _)) = default_function(field) {
        let function = format!("{type_name}::{function}");
        return quote! {
            #doc
            #[serde(#rename default = #function)]
            pub #name: #value,
        };
    }
    if field.is_option() {
        quote! {
            #doc
            #[serde(#rename default, skip_serializing_if = "::std::option::Option::is_none", #lenient)]
            pub #name: ::std::option::Option<#value>,
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

/// `from_object`'s local for each field: `field_` and the field's name without the raw prefix
/// or leading underscores (`_1st` is `field_1st`, snake case), numbered until it is unique.
fn slot_names(fields: &[Field]) -> Vec<proc_macro2::Ident> {
    let mut taken = std::collections::HashSet::new();
    fields
        .iter()
        .enumerate()
        .map(|(index, field)| {
            let base = format!("field_{}", field.rust_name.trim_start_matches("r#").trim_start_matches('_'));
            let mut name = base.clone();
            let mut suffix = index;
            while !taken.insert(name.clone()) {
                name = format!("{base}_{suffix}");
                suffix += 1;
            }
            ident(&name)
        })
        .collect()
}

/// The other wire form a field also accepts (`vendor_runtime::lenient`).
#[derive(Clone, Copy)]
enum Leniency {
    /// A number or boolean that may arrive as its text.
    ValueOrText,
    /// A string that may arrive as a bare number or boolean.
    TextOrScalar,
}

fn leniency(field: &Field) -> Option<Leniency> {
    let other = field.also_accepts.as_ref()?;
    let scalar = |ty: &TypeRef| matches!(ty, TypeRef::Integer { .. } | TypeRef::Number | TypeRef::Boolean);
    match (&field.ty, other) {
        (ty, TypeRef::String) if scalar(ty) => Some(Leniency::ValueOrText),
        (TypeRef::String, other) if scalar(other) && !field.secret => Some(Leniency::TextOrScalar),
        _ => None,
    }
}

/// The wire form `from_object` reads a field as when it also accepts another one, if it does.
fn wire_form(field: &Field) -> Option<TokenStream> {
    let inner = match leniency(field)? {
        Leniency::TextOrScalar => quote! { rt::lenient::TextOrScalar },
        Leniency::ValueOrText => {
            let ty = type_tokens(&field.ty);
            quote! { rt::lenient::ValueOrText<#ty> }
        }
    };
    Some(if field.is_option() { quote! { ::std::option::Option<#inner> } } else { inner })
}

/// The runtime decoder (`deserialize_with`) of a field that also accepts another wire form, if
/// it does.
fn lenient_decoder(field: &Field) -> Option<String> {
    let decoder = match leniency(field)? {
        Leniency::ValueOrText => "value_or_text",
        Leniency::TextOrScalar => "text_or_scalar",
    };
    let prefix = if field.is_option() { "optional_" } else { "" };
    Some(format!("rt::lenient::{prefix}{decoder}"))
}

/// An open enum: one unit variant per listed value, and `Unknown` that keeps any other string
/// (see `vendor_runtime::UnknownValue`). It is read and written as its wire string by hand:
/// serde's derive would buffer every value (serde's `Content`) to try the untagged `Unknown`
/// after the listed ones, per value decoded and in each enum's compiled code.
fn open_enum(doc: TokenStream, name: &proc_macro2::Ident, values: &[EnumValue]) -> TokenStream {
    let variants: Vec<_> = values.iter().map(|v| ident(&v.variant)).collect();
    let wires: Vec<&String> = values.iter().map(|v| &v.wire).collect();
    let variant_docs: Vec<String> = wires.iter().map(|w| format!(" `{w}` on the wire.")).collect();
    let unknown = ident(names::UNKNOWN_VARIANT);
    quote! {
        #doc
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        pub enum #name {
            #(
                #[doc = #variant_docs]
                #variants,
            )*
            /// A value the document does not list, kept as received.
            #unknown(rt::UnknownValue),
        }

        impl #name {
            /// The value on the wire.
            pub fn as_str(&self) -> &str {
                match self {
                    #( Self::#variants => #wires, )*
                    Self::#unknown(other) => other.as_str(),
                }
            }

            /// The variant of a value on the wire: `Unknown` for one the document does not list.
            pub fn from_wire(value: &str) -> Self {
                match value {
                    #( #wires => Self::#variants, )*
                    other => Self::#unknown(rt::UnknownValue::new(other)),
                }
            }
        }

        impl ::std::fmt::Display for #name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl ::serde::Serialize for #name {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> ::std::result::Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> ::serde::Deserialize<'de> for #name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                rt::open_enum::deserialize(deserializer, Self::from_wire)
            }
        }
    }
}

/// A union: one newtype variant per alternative. Untagged, serde tries the variants in the
/// order the reader chose (most specific first); tagged, the tag property picks the variant and
/// the whole object, tag included, decodes into it (`vendor_runtime::union`). A union the
/// client receives keeps a value no variant takes in `Unknown`, so a new server shape never
/// fails a call.
fn union(api: &Api, def: &TypeDef, doc: TokenStream, name: &proc_macro2::Ident, tag: Option<&str>, variants: &[Variant]) -> TokenStream {
    let eq = if is_eq(api, &TypeRef::Named(def.name.clone()), &mut Vec::new()) { quote! { Eq, } } else { quote! {} };
    let unknown = ident(names::UNKNOWN_VARIANT);
    let members: Vec<TokenStream> = variants.iter().map(|variant| {
        let variant_name = ident(&variant.name);
        let ty = type_tokens(&variant.ty);
        let text = match tag {
            Some(tag) if !variant.tags.is_empty() => {
                let values: Vec<String> = variant.tags.iter().map(|t| format!("`{tag}: {t}`")).collect();
                format!(" {} on the wire.", values.join(" or "))
            }
            _ => format!(" A value that decodes as `{}`.", variant.ty),
        };
        quote! {
            #[doc = #text]
            #variant_name(#ty),
        }
    }).collect();
    let keep_unknown = def.received.then(|| {
        quote! {
            /// A value no documented variant takes, kept as received.
            #unknown(::serde_json::Value),
        }
    });
    let Some(tag) = tag else {
        if variants.iter().any(|v| v.pattern.is_some()) {
            return patterned_union(def, doc, name, &eq, members, keep_unknown, variants);
        }
        return quote! {
            #doc
            #[derive(Debug, Clone, PartialEq, #eq ::serde::Serialize, ::serde::Deserialize)]
            #[serde(untagged)]
            pub enum #name {
                #(#members)*
                #keep_unknown
            }
        };
    };
    let arms = variants.iter().map(|variant| {
        let variant_name = ident(&variant.name);
        let tags = &variant.tags;
        quote! { #(::std::option::Option::Some(#tags))|* => rt::union::variant(value, Self::#variant_name), }
    });
    let otherwise = if def.received {
        quote! { _ => ::std::result::Result::Ok(Self::#unknown(value)), }
    } else {
        quote! { _ => rt::union::unknown_tag(&value, #tag), }
    };
    quote! {
        #doc
        #[derive(Debug, Clone, PartialEq, #eq ::serde::Serialize)]
        #[serde(untagged)]
        pub enum #name {
            #(#members)*
            #keep_unknown
        }

        impl<'de> ::serde::Deserialize<'de> for #name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                let value = <::serde_json::Value as ::serde::Deserialize>::deserialize(deserializer)?;
                match rt::union::tag(&value, #tag) {
                    #(#arms)*
                    #otherwise
                }
            }
        }
    }
}

/// An untagged union some of whose variants are strings told apart by a pattern: serde's
/// untagged enum cannot check one, so the union decodes through `rt::union::first_fit`, trying
/// each variant in order and skipping a patterned one whose pattern a string does not match.
fn patterned_union(
    def: &TypeDef,
    doc: TokenStream,
    name: &proc_macro2::Ident,
    eq: &TokenStream,
    members: Vec<TokenStream>,
    keep_unknown: Option<TokenStream>,
    variants: &[Variant],
) -> TokenStream {
    let attempts = variants.iter().map(|variant| {
        let variant_name = ident(&variant.name);
        let pattern = match &variant.pattern {
            Some(pattern) => quote! { ::std::option::Option::Some(#pattern) },
            None => quote! { ::std::option::Option::None },
        };
        quote! { (#pattern, |value| rt::union::attempt(value, Self::#variant_name)) }
    });
    let unknown = ident(names::UNKNOWN_VARIANT);
    let otherwise = if def.received {
        quote! { ::std::option::Option::Some(Self::#unknown) }
    } else {
        quote! { ::std::option::Option::None }
    };
    quote! {
        #doc
        #[derive(Debug, Clone, PartialEq, #eq ::serde::Serialize)]
        #[serde(untagged)]
        pub enum #name {
            #(#members)*
            #keep_unknown
        }

        impl<'de> ::serde::Deserialize<'de> for #name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                let value = <::serde_json::Value as ::serde::Deserialize>::deserialize(deserializer)?;
                rt::union::first_fit(value, &[#(#attempts),*], #otherwise)
            }
        }
    }
}

/// An open enum of whole numbers: unit variants for the listed values and `Unknown(i64)` for
/// any other, written and read as JSON numbers.
fn integer_enum(doc: TokenStream, name: &proc_macro2::Ident, values: &[EnumValue]) -> TokenStream {
    let listed: Vec<(proc_macro2::Ident, i64)> = values.iter().filter_map(|v| Some((ident(&v.variant), v.wire.parse::<i64>().ok()?))).collect();
    let variants: Vec<&proc_macro2::Ident> = listed.iter().map(|(variant, _)| variant).collect();
    let numbers: Vec<proc_macro2::Literal> = listed.iter().map(|(_, n)| proc_macro2::Literal::i64_unsuffixed(*n)).collect();
    let variant_docs: Vec<String> = listed.iter().map(|(_, n)| format!(" `{n}` on the wire.")).collect();
    let unknown = ident(names::UNKNOWN_VARIANT);
    quote! {
        #doc
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum #name {
            #(
                #[doc = #variant_docs]
                #variants,
            )*
            /// A value the document does not list, kept as received.
            #unknown(i64),
        }

        impl #name {
            /// The value on the wire.
            pub fn value(&self) -> i64 {
                match self {
                    #( Self::#variants => #numbers, )*
                    Self::#unknown(other) => *other,
                }
            }
        }

        impl ::std::convert::From<i64> for #name {
            fn from(value: i64) -> Self {
                match value {
                    #( #numbers => Self::#variants, )*
                    other => Self::#unknown(other),
                }
            }
        }

        impl ::std::fmt::Display for #name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                ::std::fmt::Display::fmt(&self.value(), f)
            }
        }

        impl ::serde::Serialize for #name {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> ::std::result::Result<S::Ok, S::Error> {
                serializer.serialize_i64(self.value())
            }
        }

        impl<'de> ::serde::Deserialize<'de> for #name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                <i64 as ::serde::Deserialize>::deserialize(deserializer).map(Self::from)
            }
        }
    }
}
