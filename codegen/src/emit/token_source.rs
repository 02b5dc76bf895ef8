//! The token source of an API: its login and refresh operations as one implementation of
//! `crate::runtime::token::TokenSource`, mapping the vendor's fields onto the common `Token`.
//!
//! Everything vendor-specific is decided in the IR's `TokenSourceMapping` (inferred, or set in
//! a sidecar); this emitter only writes it out, and lists the mapping in the doc comment so the
//! code snapshot shows it.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::types::type_tokens;
use super::{docs, ident};
use crate::ir::{Api, Credential, FieldRef, Fill, Lifetime, LifetimeUnit, Signature, TokenCall, TokenSourceMapping, TypeRef};
use crate::naming;

pub(crate) fn token_source(api: &Api) -> TokenStream {
    let Some(mapping) = &api.token_source else { return quote! {} };
    let credentials = credentials_struct(api, mapping);
    let has_credentials = !mapping.credentials.is_empty();
    let constructors = if has_credentials {
        quote! {
            /// A source without credentials: it refreshes, but cannot log in.
            pub fn new(client: Client) -> Self {
                TokenSource { client, credentials: None }
            }

            /// A source that logs in with `credentials` whenever no valid token is left.
            pub fn with_credentials(client: Client, credentials: Credentials) -> Self {
                TokenSource { client, credentials: Some(credentials) }
            }

            fn credentials(&self) -> Result<&Credentials, crate::runtime::token::TokenError> {
                self.credentials.as_ref().ok_or_else(|| {
                    crate::runtime::token::TokenError::login_required("this token source has no credentials: build it with `TokenSource::with_credentials`")
                })
            }
        }
    } else {
        quote! {
            /// A source that renews the token it is given; it cannot log in.
            pub fn new(client: Client) -> Self {
                TokenSource { client, login: None }
            }

            /// A source that also logs in, with a login the documents do not describe (e.g. one
            /// your application performs), whenever no valid token is left.
            pub fn with_login<F, Fut>(client: Client, login: F) -> Self
            where
                F: Fn() -> Fut + Send + Sync + 'static,
                Fut: std::future::Future<Output = Result<crate::runtime::token::Token, crate::runtime::token::TokenError>> + Send + 'static,
            {
                TokenSource { client, login: Some(crate::runtime::token::LoginFn::new(login)) }
            }
        }
    };
    let credentials_member = if has_credentials {
        quote! { credentials: Option<Credentials>, }
    } else {
        quote! { login: Option<crate::runtime::token::LoginFn>, }
    };
    let login = match mapping.login.as_ref() {
        Some(call) => {
            let body = call_body(api, mapping, call, false);
            quote! {
                async fn login(&self) -> Result<crate::runtime::token::Token, crate::runtime::token::TokenError> {
                    #body
                }
            }
        }
        None if !has_credentials => quote! {
            async fn login(&self) -> Result<crate::runtime::token::Token, crate::runtime::token::TokenError> {
                match &self.login {
                    Some(login) => login.call().await,
                    None => Err(crate::runtime::token::TokenError::login_required(
                        "a new login is needed, and this API's login is not documented: build the source with `TokenSource::with_login`",
                    )),
                }
            }
        },
        None => quote! {},
    };
    let refresh = call_body(api, mapping, &mapping.refresh, true);
    let converters = converters(mapping);
    let error_mapping = error_mapping(mapping);
    let doc = docs(&source_doc(api, mapping));
    quote! {
        #credentials

        #doc
        #[derive(Clone, Debug)]
        pub struct TokenSource {
            client: Client,
            #credentials_member
        }

        impl TokenSource {
            #constructors
        }

        impl crate::runtime::token::TokenSource for TokenSource {
            #login

            async fn refresh(&self, current: &crate::runtime::token::Token) -> Result<crate::runtime::token::Token, crate::runtime::token::TokenError> {
                #refresh
            }
        }

        #converters
        #error_mapping
    }
}

fn field_list(fields: &[&FieldRef]) -> String {
    fields.iter().map(|f| format!("`{}`", f.wire_name)).collect::<Vec<_>>().join(".")
}

fn describe_call(call: &TokenCall) -> String {
    let mut text = format!("[`Client::{}`]", call.operation.trim_start_matches("r#"));
    let fills: Vec<String> = call
        .request
        .iter()
        .filter(|f| f.from != Fill::Nothing)
        .map(|f| {
            let from = match f.from {
                Fill::Credential => format!("credential `{}`", f.field.rust_name),
                Fill::CurrentAccessToken => "the current access token".to_owned(),
                Fill::CurrentRefreshToken => "the current refresh token".to_owned(),
                Fill::TimestampMillis => "the current UNIX time in milliseconds".to_owned(),
                Fill::Signature => "the signature".to_owned(),
                Fill::Nothing => String::new(),
            };
            format!("`{}` ← {from}", f.field.wire_name)
        })
        .collect();
    if !fills.is_empty() {
        text.push_str(&format!(" with {}", fills.join(", ")));
    }
    let path: Vec<&FieldRef> = call.token_path.iter().collect();
    let at = |field: &FieldRef, path: &[&FieldRef]| {
        let mut full = path.to_vec();
        full.push(field);
        field_list(&full)
    };
    text.push_str(&format!("; access token ← {}", at(&call.access_token, &path)));
    if let Some(field) = &call.refresh_token {
        text.push_str(&format!(", refresh token ← {}", at(field, &path)));
    }
    if let Some(field) = &call.token_type {
        text.push_str(&format!(", token type ← {}", at(field, &path)));
    }
    for (what, lifetime) in [("expiry", &call.expires), ("refresh expiry", &call.refresh_expires)] {
        if let Some(lifetime) = lifetime {
            let unit = match lifetime.unit {
                LifetimeUnit::Seconds => "seconds from receipt",
                LifetimeUnit::Rfc3339 => "RFC 3339 time",
            };
            text.push_str(&format!(", {what} ← {} ({unit})", at(&lifetime.field, &path)));
        }
    }
    if call.expires.is_none() {
        text.push_str(", expiry ← the access token's JWT `exp` claim");
    }
    text
}

fn source_doc(api: &Api, mapping: &TokenSourceMapping) -> String {
    let mut text = format!(
        "{}'s token endpoints as one [`crate::runtime::token::TokenSource`]: give it to a \
         [`crate::runtime::token::TokenManager`], which keeps a token fresh.\n\nThe mapping, inferred from the documents:\n",
        api.title
    );
    match &mapping.login {
        Some(call) => text.push_str(&format!("\n- login: {}", describe_call(call))),
        None => text.push_str("\n- login: none documented; the source renews the token it is given, and logs in with the login given to `with_login`"),
    }
    text.push_str(&format!("\n- refresh: {}", describe_call(&mapping.refresh)));
    if let Some(signature) = &mapping.signature {
        text.push_str(&format!(
            "\n- signature `{}` ← lowercase hex SHA-256 of {} (`{}`)",
            signature.field,
            signature.inputs.iter().map(|i| format!("`{i}`")).collect::<Vec<_>>().join(" + "),
            signature.source.file
        ));
    }
    if !mapping.relogin_codes.is_empty() {
        let codes: Vec<String> = mapping.relogin_codes.iter().map(|c| format!("`{c}`")).collect();
        text.push_str(&format!("\n- envelope codes {} mean a new login is needed", codes.join(", ")));
    }
    text
}

fn credentials_struct(api: &Api, mapping: &TokenSourceMapping) -> TokenStream {
    if mapping.credentials.is_empty() {
        return quote! {};
    }
    let members = mapping.credentials.iter().map(|credential| {
        let name = ident(&credential.rust_name);
        let ty = credential_type(credential);
        quote! { pub #name: #ty, }
    });
    let doc = docs(&format!("What {}'s [`TokenSource`] needs from you, once: it logs in (and signs requests) with these.", api.title));
    quote! {
        #doc
        #[derive(Clone, Debug)]
        pub struct Credentials {
            #(#members)*
        }
    }
}

fn credential_type(credential: &Credential) -> TokenStream {
    let inner = if credential.secret { quote! { crate::runtime::Secret<String> } } else { type_tokens(&credential.ty) };
    if credential.optional {
        quote! { Option<#inner> }
    } else {
        inner
    }
}

/// The body of `login` or `refresh`: build the request, call, and convert the answer.
fn call_body(api: &Api, mapping: &TokenSourceMapping, call: &TokenCall, is_refresh: bool) -> TokenStream {
    let operation = api.operations.iter().find(|op| op.name == call.operation);
    let method = ident(&call.operation);
    let mut steps = Vec::new();
    let uses = |fill: Fill| call.request.iter().any(|f| f.from == fill);
    if uses(Fill::Credential) || uses(Fill::Signature) {
        steps.push(quote! { let credentials = self.credentials()?; });
    }
    if uses(Fill::CurrentRefreshToken) {
        steps.push(quote! {
            let refresh_token = current.refresh_token().ok_or_else(|| {
                crate::runtime::token::TokenError::login_required("the current token has no refresh token")
            })?;
        });
    }
    if uses(Fill::TimestampMillis) || uses(Fill::Signature) {
        steps.push(quote! { let timestamp = chrono::Utc::now().timestamp_millis(); });
    }
    if let Some(signature) = mapping.signature.as_ref().filter(|_| uses(Fill::Signature)) {
        steps.push(signature_step(call, signature));
    }
    let request = call.request_type.as_ref().map(|request_type| {
        let type_name = ident(request_type);
        let members = call.request.iter().map(|fill| {
            let name = ident(&fill.field.rust_name);
            let value = fill_value(fill.from.clone(), &fill.field);
            if name == value.to_string() {
                quote! { #name, }
            } else {
                quote! { #name: #value, }
            }
        });
        quote! { let request = #type_name { #(#members)* }; }
    });
    let argument = match operation.and_then(|op| op.request_body.as_ref()) {
        Some(body) if body.required => quote! { &request },
        Some(_) => quote! { Some(&request) },
        None => quote! {},
    };
    let answer_error = if is_refresh { quote! { refresh_error } } else { quote! { token_error } };
    let unwrap_variant = call.success_variant.as_ref().map(|variant| {
        let success = format_ident!("{}Success", naming::camel_ident(&call.operation));
        let others = operation.into_iter().flat_map(|op| op.success_responses()).filter(|r| &r.variant != variant).map(|r| {
            let other = ident(&r.variant);
            let name = &r.variant;
            let pattern = if r.body.is_some() { quote! { #success::#other(_) } } else { quote! { #success::#other } };
            quote! { #pattern => return Err(unexpected_outcome(#name)), }
        });
        let variant = ident(variant);
        quote! {
            let value = match value {
                #success::#variant(value) => value,
                #(#others)*
            };
        }
    });
    let path = call.token_path.iter().map(|step| {
        let name = ident(&step.rust_name);
        if step.optional {
            let message = format!("the answer has no `{}`", step.wire_name);
            quote! { let value = value.#name.ok_or_else(|| crate::runtime::token::TokenError::other(#message))?; }
        } else {
            quote! { let value = value.#name; }
        }
    });
    let converter = converter_name(&call.token_type_name);
    quote! {
        #(#steps)*
        #request
        let answer = self.client.#method(#argument).await.map_err(#answer_error)?;
        let received_at = chrono::Utc::now();
        let raw: serde_json::Value = serde_json::from_slice(answer.raw_body()).unwrap_or(serde_json::Value::Null);
        let value = answer.into_inner();
        #unwrap_variant
        #(#path)*
        #converter(value, received_at, raw)
    }
}

fn fill_value(from: Fill, field: &FieldRef) -> TokenStream {
    let wrap = |value: TokenStream| if field.optional { quote! { Some(#value) } } else { value };
    match from {
        Fill::Credential => {
            let name = ident(&field.rust_name);
            quote! { credentials.#name.clone() }
        }
        Fill::CurrentAccessToken if field.secret => wrap(quote! { current.access_token().clone() }),
        Fill::CurrentAccessToken => wrap(quote! { current.access_token().expose().clone() }),
        Fill::CurrentRefreshToken if field.secret => wrap(quote! { refresh_token.clone() }),
        Fill::CurrentRefreshToken => wrap(quote! { refresh_token.expose().clone() }),
        Fill::TimestampMillis => match field.ty {
            TypeRef::String => wrap(quote! { timestamp.to_string() }),
            _ => wrap(quote! { timestamp }),
        },
        Fill::Signature if field.secret => wrap(quote! { crate::runtime::Secret::new(signature) }),
        Fill::Signature => wrap(quote! { signature }),
        Fill::Nothing => quote! { None },
    }
}

fn signature_step(call: &TokenCall, signature: &Signature) -> TokenStream {
    let parts = signature.inputs.iter().map(|input| {
        match call.request.iter().find(|f| &f.field.wire_name == input) {
            Some(fill) if fill.from == Fill::TimestampMillis => quote! { timestamp.to_string().as_str() },
            Some(fill) if fill.from == Fill::Credential => {
                let name = ident(&fill.field.rust_name);
                if fill.field.secret {
                    quote! { credentials.#name.expose().as_str() }
                } else {
                    quote! { credentials.#name.as_str() }
                }
            }
            _ => {
                let name = ident(&naming::snake_ident(input));
                quote! { credentials.#name.expose().as_str() }
            }
        }
    });
    quote! { let signature = crate::runtime::signing::sha256_hex(&[#(#parts),*]); }
}

fn converter_name(type_name: &str) -> proc_macro2::Ident {
    format_ident!("token_from_{}", heck::ToSnakeCase::to_snake_case(type_name))
}

/// One function per struct that holds a token: its fields onto the common `Token`.
fn converters(mapping: &TokenSourceMapping) -> TokenStream {
    let mut done: Vec<&str> = Vec::new();
    let mut out = Vec::new();
    for call in mapping.login.iter().chain(std::iter::once(&mapping.refresh)) {
        if done.contains(&call.token_type_name.as_str()) {
            continue;
        }
        done.push(&call.token_type_name);
        out.push(converter(call));
    }
    let needs_outcome = mapping.login.iter().chain(std::iter::once(&mapping.refresh)).any(|c| c.success_variant.is_some());
    let outcome = needs_outcome.then(|| {
        quote! {
            /// A documented success answer that carries no token (e.g. "2FA required").
            fn unexpected_outcome(variant: &str) -> crate::runtime::token::TokenError {
                crate::runtime::token::TokenError::new(
                    crate::runtime::token::TokenErrorKind::SecondFactorRequired,
                    format!("the sign-in answered `{variant}` instead of a token: finish it another way, then hand the token to the manager"),
                )
            }
        }
    });
    quote! { #(#out)* #outcome }
}

fn converter(call: &TokenCall) -> TokenStream {
    let name = converter_name(&call.token_type_name);
    let ty = ident(&call.token_type_name);
    let access = ident(&call.access_token.rust_name);
    let access_value = if call.access_token.optional {
        let message = format!("the answer has no `{}`", call.access_token.wire_name);
        quote! { value.#access.ok_or_else(|| crate::runtime::token::TokenError::other(#message))? }
    } else {
        quote! { value.#access }
    };
    let access_value = if call.access_token.secret { access_value } else { quote! { crate::runtime::Secret::new(#access_value) } };
    let mut steps = Vec::new();
    if let Some(field) = &call.refresh_token {
        let member = ident(&field.rust_name);
        let secret = if field.secret { quote! { refresh_token } } else { quote! { crate::runtime::Secret::new(refresh_token) } };
        steps.push(if field.optional {
            quote! { if let Some(refresh_token) = value.#member { token = token.with_refresh_token(#secret); } }
        } else {
            quote! { let refresh_token = value.#member; token = token.with_refresh_token(#secret); }
        });
    }
    if let Some(field) = &call.token_type {
        let member = ident(&field.rust_name);
        let text = if matches!(field.ty, TypeRef::String) { quote! { token_type } } else { quote! { token_type.to_string() } };
        steps.push(if field.optional {
            quote! { if let Some(token_type) = value.#member { token = token.with_token_type(#text); } }
        } else {
            quote! { let token_type = value.#member; token = token.with_token_type(#text); }
        });
    }
    if let Some(lifetime) = &call.expires {
        let at = lifetime_value(lifetime);
        steps.push(quote! { token = token.with_expires_at(#at); });
    }
    if let Some(lifetime) = &call.refresh_expires {
        let at = lifetime_value(lifetime);
        steps.push(quote! { token = token.with_refresh_expires_at(#at); });
    }
    let uses_receipt = [&call.expires, &call.refresh_expires].into_iter().flatten().any(|l| l.unit == LifetimeUnit::Seconds);
    let received_at = if uses_receipt { format_ident!("received_at") } else { format_ident!("_received_at") };
    quote! {
        /// The token in an answer, on the common model (see [`TokenSource`] for the mapping).
        fn #name(value: #ty, #received_at: chrono::DateTime<chrono::Utc>, raw: serde_json::Value) -> Result<crate::runtime::token::Token, crate::runtime::token::TokenError> {
            let mut token = crate::runtime::token::Token::new(#access_value).with_raw(raw);
            #(#steps)*
            Ok(token.with_jwt_expiry_fallback())
        }
    }
}

/// An `Option<DateTime<Utc>>` expression for a lifetime field of `value`.
fn lifetime_value(lifetime: &Lifetime) -> TokenStream {
    let member = ident(&lifetime.field.rust_name);
    let convert = match (lifetime.unit, &lifetime.field.ty) {
        (LifetimeUnit::Seconds, TypeRef::Integer { bits: 32 }) => {
            quote! { crate::runtime::token::expiry::after_seconds(i64::from(lifetime), received_at) }
        }
        (LifetimeUnit::Seconds, TypeRef::Number) => {
            quote! { crate::runtime::token::expiry::after_seconds(lifetime.round() as i64, received_at) }
        }
        (LifetimeUnit::Seconds, _) => quote! { crate::runtime::token::expiry::after_seconds(lifetime, received_at) },
        (LifetimeUnit::Rfc3339, _) => quote! { Some(lifetime.with_timezone(&chrono::Utc)) },
    };
    if lifetime.field.optional {
        quote! { value.#member.and_then(|lifetime| #convert) }
    } else {
        quote! { { let lifetime = value.#member; #convert } }
    }
}

/// How a failed call becomes a `TokenError`: envelope codes that mean "log in again" do, and a
/// refresh the server answers 401 ends the session (Infisical's max TTL, a revoked token).
fn error_mapping(mapping: &TokenSourceMapping) -> TokenStream {
    let codes: Vec<String> = mapping.relogin_codes.iter().map(ToString::to_string).collect();
    let relogin = (!codes.is_empty()).then(|| {
        quote! {
            if let crate::runtime::Error::Envelope { code, .. } = &error {
                const RELOGIN_CODES: &[&str] = &[#(#codes),*];
                if RELOGIN_CODES.contains(&code.to_string().as_str()) {
                    return crate::runtime::token::TokenError::login_required(format!("the API answered code {code}: a new login is needed")).with_source(error);
                }
            }
        }
    });
    quote! {
        /// A failed token call as a `TokenError`.
        fn token_error<E: std::fmt::Debug + Send + Sync + 'static>(error: crate::runtime::Error<E>) -> crate::runtime::token::TokenError {
            #relogin
            crate::runtime::token::TokenError::from(error)
        }

        /// A failed refresh as a `TokenError`: a 401 means the session is over.
        fn refresh_error<E: std::fmt::Debug + Send + Sync + 'static>(error: crate::runtime::Error<E>) -> crate::runtime::token::TokenError {
            if error.status() == Some(reqwest::StatusCode::UNAUTHORIZED) {
                return crate::runtime::token::TokenError::login_required("the refresh was refused (401): the session is over and a new login is needed").with_source(error);
            }
            token_error(error)
        }
    }
}
