//! Example round-trip tests, emitted beside the types they check.
//!
//! Every example the documents give (request and response bodies, type and field examples)
//! becomes a `#[test]` that decodes it into the generated type and encodes it back to equal
//! JSON. They run with `cargo test --workspace`; a spec change that breaks one shows up both
//! as a failing test and in the code snapshot.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use serde_json::Value;

use super::types::{field_value_tokens, type_tokens};
use crate::ir::{Api, TypeKind, TypeRef};
use crate::naming;

struct Case {
    name: String,
    ty: TokenStream,
    value: Value,
}

pub(crate) fn example_tests(api: &Api) -> TokenStream {
    let mut cases: Vec<Case> = Vec::new();
    for operation in &api.operations {
        if let Some(body) = &operation.request_body {
            for (i, example) in body.examples.iter().enumerate() {
                cases.push(Case { name: format!("{}_request_example_{}", operation.name, i + 1), ty: type_tokens(&body.ty), value: example.value.clone() });
            }
        }
        for response in &operation.responses {
            let Some(ty) = &response.body else { continue };
            for (i, example) in response.examples.iter().enumerate() {
                cases.push(Case {
                    name: format!("{}_{}_example_{}", operation.name, naming::snake_ident(&response.variant), i + 1),
                    ty: type_tokens(ty),
                    value: example.value.clone(),
                });
            }
        }
    }
    for def in &api.types {
        let type_name = naming::snake_ident(&def.name);
        for (i, example) in def.examples.iter().enumerate() {
            cases.push(Case { name: format!("{type_name}_example_{}", i + 1), ty: type_tokens(&TypeRef::Named(def.name.clone())), value: example.value.clone() });
        }
        if let TypeKind::Struct { fields, .. } = &def.kind {
            for field in fields {
                for (i, value) in field.examples.iter().enumerate() {
                    cases.push(Case {
                        name: format!("{type_name}_{}_example_{}", field.rust_name.trim_start_matches("r#"), i + 1),
                        ty: field_value_tokens(field),
                        value: value.clone(),
                    });
                }
            }
        }
    }
    if cases.is_empty() {
        return quote! {};
    }
    let tests = cases.iter().map(|case| {
        let name = format_ident!("{}", case.name.trim_start_matches("r#").trim_start_matches('_'));
        let ty = &case.ty;
        let json = serde_json::to_string(&case.value).unwrap_or_default();
        quote! {
            #[test]
            fn #name() {
                crate::runtime::assert_round_trip::<#ty>(#json);
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
