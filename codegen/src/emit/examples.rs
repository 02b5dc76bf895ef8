//! Example round-trip tests, emitted beside the types they check.
//!
//! Every example the documents give (request and response bodies, type and field examples)
//! becomes a `#[test]` that decodes it into the generated type and encodes it back to equal
//! JSON, and whose `Debug` output shows none of the example's secrets. They run with `cargo test --workspace`; a spec change that breaks one shows up both
//! as a failing test and in the code snapshot.

use proc_macro2::TokenStream;
use quote::quote;
use serde_json::Value;

use super::types::{field_value_tokens, type_tokens};
use crate::ir::{Api, TypeKind, TypeRef};
use crate::naming;

struct Case {
    name: String,
    ty: TokenStream,
    value: Value,
    /// Secret strings inside `value`, which the decoded value must never print.
    secrets: Vec<String>,
}

/// The strings of `value` that sit in secret fields, following `ty` through the API's types.
fn secrets_in(api: &Api, value: &Value, ty: &TypeRef, out: &mut Vec<String>) {
    match (ty, value) {
        (TypeRef::Array(item), Value::Array(items)) => items.iter().for_each(|v| secrets_in(api, v, item, out)),
        (TypeRef::Map(inner), Value::Object(map)) => map.values().for_each(|v| secrets_in(api, v, inner, out)),
        (TypeRef::Named(name), _) => match api.type_def(name).map(|d| &d.kind) {
            Some(TypeKind::Struct { fields, .. }) => {
                for field in fields {
                    let Some(inner) = value.get(&field.wire_name) else { continue };
                    match inner {
                        Value::String(secret) if field.secret => out.push(secret.clone()),
                        _ => secrets_in(api, inner, &field.ty, out),
                    }
                }
            }
            Some(TypeKind::Alias { target }) => secrets_in(api, value, target, out),
            _ => {}
        },
        _ => {}
    }
}

impl Case {
    fn of(api: &Api, name: String, ty: &TypeRef, value: &Value) -> Case {
        let mut secrets = Vec::new();
        secrets_in(api, value, ty, &mut secrets);
        Case { name, ty: type_tokens(ty), value: value.clone(), secrets }
    }
}

pub(crate) fn example_tests(api: &Api) -> TokenStream {
    let mut cases: Vec<Case> = Vec::new();
    for operation in &api.operations {
        if let Some(body) = &operation.request_body {
            for (i, example) in body.examples.iter().enumerate() {
                cases.push(Case::of(api, format!("{}_request_example_{}", operation.name, i + 1), &body.ty, &example.value));
            }
        }
        for response in &operation.responses {
            let Some(ty) = &response.body else { continue };
            for (i, example) in response.examples.iter().enumerate() {
                cases.push(Case::of(api, format!("{}_{}_example_{}", operation.name, naming::snake_ident(&response.variant), i + 1), ty, &example.value));
            }
        }
    }
    for def in &api.types {
        let type_name = naming::snake_ident(&def.name);
        for (i, example) in def.examples.iter().enumerate() {
            cases.push(Case::of(api, format!("{type_name}_example_{}", i + 1), &TypeRef::Named(def.name.clone()), &example.value));
        }
        if let TypeKind::Struct { fields, .. } = &def.kind {
            for field in fields {
                for (i, value) in field.examples.iter().enumerate() {
                    let secrets = match value {
                        Value::String(secret) if field.secret => vec![secret.clone()],
                        _ => Vec::new(),
                    };
                    cases.push(Case {
                        name: format!("{type_name}_{}_example_{}", field.rust_name.trim_start_matches("r#"), i + 1),
                        ty: field_value_tokens(field),
                        value: value.clone(),
                        secrets,
                    });
                }
            }
        }
    }
    if cases.is_empty() {
        return quote! {};
    }
    let tests = cases.iter().map(|case| {
        // Test names are built from document names: made valid like every other identifier
        // (a fuzzer found an operation whose name starts with a digit).
        let name = crate::emit::ident(&naming::snake_ident(&case.name.replace("r#", "")));
        let ty = &case.ty;
        let json = serde_json::to_string(&case.value).unwrap_or_default();
        let secrets = &case.secrets;
        quote! {
            #[test]
            fn #name() {
                crate::runtime::assert_round_trip::<#ty>(#json, &[#(#secrets),*]);
            }
        }
    });
    quote! {
        /// The documents' examples, each decoded into its generated type and encoded back.
        #[cfg(test)]
        mod examples {
            use super::*;
            #(#tests)*
        }
    }
}
