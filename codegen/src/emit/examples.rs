//! Example round-trip tests, emitted beside the types they check.
//!
//! Every example the documents give (request and response bodies, type examples, and field
//! examples of a named or secret type) is checked by one `#[test]` per module: decoded into the
//! generated type, encoded back to equal JSON, and its `Debug` output showing none of the
//! example's secrets. A failure names the document line of each example that failed. They run
//! with `cargo test --workspace`; a spec change that breaks one shows up both as a failing test
//! and in the code snapshot.

use proc_macro2::TokenStream;
use quote::quote;
use serde_json::Value;

use super::types::{field_value_tokens, type_tokens};
use crate::ir::{Api, Field, Source, TypeKind, TypeRef};

struct Case {
    /// Where the example is documented.
    source: String,
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
    fn of(api: &Api, source: &Source, ty: &TypeRef, value: &Value) -> Case {
        let mut secrets = Vec::new();
        secrets_in(api, value, ty, &mut secrets);
        Case { source: source.to_string(), ty: type_tokens(ty), value: value.clone(), secrets }
    }
}

/// Whether a field's example says something about the generated code: a named type (an enum,
/// a struct) decodes through code of ours, and a secret must not print; a plain string or
/// number would only test `serde_json`.
fn field_example_matters(field: &Field) -> bool {
    field.secret || matches!(field.ty, TypeRef::Named(_) | TypeRef::Array(_) | TypeRef::Map(_))
}

/// For every union variant whose type has documented examples: each example, decoded as the
/// union, must choose that variant (the test of an untagged union's order and of its tags).
fn variant_choices(api: &Api) -> Vec<TokenStream> {
    let mut checks = Vec::new();
    for def in &api.types {
        let TypeKind::Union { variants, .. } = &def.kind else { continue };
        let union = super::ident(&def.name);
        for variant in variants {
            let TypeRef::Named(name) = &variant.ty else { continue };
            let Some(variant_def) = api.type_def(name) else { continue };
            let label = &variant.name;
            let member = super::ident(label);
            for example in &variant_def.examples {
                let source = example.source.to_string();
                let json = serde_json::to_string(&example.value).unwrap_or_default();
                checks.push(quote! { .decodes_as::<#union>(#source, #json, #label, |value| matches!(value, #union::#member(_))) });
            }
        }
    }
    checks
}

pub(crate) fn example_tests(api: &Api) -> TokenStream {
    let mut cases: Vec<Case> = Vec::new();
    for operation in &api.operations {
        if let Some(body) = &operation.request_body {
            cases.extend(body.examples.iter().map(|example| Case::of(api, &example.source, &body.ty, &example.value)));
        }
        for response in &operation.responses {
            let Some(ty) = &response.body else { continue };
            cases.extend(response.examples.iter().map(|example| Case::of(api, &example.source, ty, &example.value)));
        }
    }
    for def in &api.types {
        let ty = TypeRef::Named(def.name.clone());
        cases.extend(def.examples.iter().map(|example| Case::of(api, &example.source, &ty, &example.value)));
        if let TypeKind::Struct { fields, .. } = &def.kind {
            for field in fields.iter().filter(|f| field_example_matters(f)) {
                for value in &field.examples {
                    let secrets = match value {
                        Value::String(secret) if field.secret => vec![secret.clone()],
                        _ => Vec::new(),
                    };
                    cases.push(Case { source: field.source.to_string(), ty: field_value_tokens(field), value: value.clone(), secrets });
                }
            }
        }
    }
    let choices = variant_choices(api);
    if cases.is_empty() && choices.is_empty() {
        return quote! {};
    }
    let checks = cases.iter().map(|case| {
        let Case { source, ty, value, secrets } = case;
        let json = serde_json::to_string(value).unwrap_or_default();
        quote! { .round_trip::<#ty>(#source, #json, &[#(#secrets),*]) }
    });
    let checks = checks.chain(choices);
    quote! {
        #[cfg(test)]
        mod examples {
            use super::*;

            /// The documents' examples, each decoded into its generated type and encoded back.
            #[test]
            fn documented_examples_round_trip() {
                rt::testing::Examples::default()
                    #(#checks)*
                    .assert_all_pass();
            }
        }
    }
}
