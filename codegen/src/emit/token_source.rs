//! The token source of an API: its login and refresh operations as one implementation of
//! `rt::token::TokenSource`, mapping the vendor's fields onto the common `Token`.
//!
//! Everything vendor-specific is decided in the IR's `TokenSourceMapping` (inferred, or set in
//! a sidecar); this emitter only writes it out, and lists the mapping in the doc comment so the
//! code snapshot shows it. Body fields are written into the request struct; parameters go as
//! the client method's arguments when required, through the call's setters when optional.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::types::type_tokens;
use super::{docs, ident};
use crate::ir::{Api, Credential, FieldRef, Fill, Lifetime, LifetimeUnit, Operation, ParameterLocation, RequestFill, Signature, TokenCall, TokenSourceMapping, TypeRef};
use crate::passes::names;

pub(crate) fn token_source(api: &Api) -> TokenStream {
    let Some(mapping) = &api.token_source else { return quote! {} };
    let client = ident(names::CLIENT);
    let source = ident(names::TOKEN_SOURCE);
    let credentials = ident(names::CREDENTIALS);
    let credentials_struct = credentials_struct(api, mapping);
    let has_credentials = !mapping.credentials.is_empty();
    let (login_type, login_constructor) = if has_credentials {
        (
            quote! { #credentials },
            quote! {
                /// A source that logs in with `credentials` whenever no valid token is left.
                pub fn with_credentials(client: #client, credentials: #credentials) -> Self {
                    #source { client, login: rt::token::Login::Credentials(credentials) }
                }
            },
        )
    } else {
        (
            quote! { ::std::convert::Infallible },
            quote! {
                /// A source that also logs in, with a login the documents do not describe (e.g. one
                /// your application performs), whenever no valid token is left.
                pub fn with_login(client: #client, login: rt::token::LoginFn) -> Self {
                    #source { client, login: rt::token::Login::Custom(login) }
                }
            },
        )
    };
    let login = match mapping.login.as_ref() {
        Some(call) => Some(call_body(api, mapping, call, Call::Login)),
        None if !has_credentials => Some(quote! { self.login.custom().await }),
        None => None,
    }
    .map(|body| {
        quote! {
            async fn login(&self) -> rt::token::TokenResult {
                #body
            }
        }
    });
    let refresh = call_body(api, mapping, &mapping.refresh, Call::Refresh);
    let converters = converters(mapping);
    let codes: Vec<String> = mapping.relogin_codes.iter().map(ToString::to_string).collect();
    let relogin_codes = ident(names::RELOGIN_CODES);
    let doc = docs(&source_doc(api, mapping));
    quote! {
        #credentials_struct

        #doc
        #[derive(Clone, Debug)]
        pub struct #source {
            client: #client,
            login: rt::token::Login<#login_type>,
        }

        impl #source {
            /// A source that refreshes the token it is given but cannot log in.
            pub fn new(client: #client) -> Self {
                #source { client, login: rt::token::Login::Unavailable }
            }

            #login_constructor
        }

        /// Envelope codes that mean the session is over and a new login is needed (JSON text).
        const #relogin_codes: &[&str] = &[#(#codes),*];

        impl rt::token::TokenSource for #source {
            #login

            async fn refresh(&self, current: &rt::token::Token) -> rt::token::TokenResult {
                #refresh
            }
        }

        #converters
    }
}

/// Which of the source's two calls a body is for.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Call {
    Login,
    Refresh,
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
                Fill::Credential => format!("credential `{}`", f.credential_name()),
                Fill::CurrentAccessToken => "the current access token".to_owned(),
                Fill::CurrentRefreshToken => "the current refresh token".to_owned(),
                Fill::TimestampMillis => "the current UNIX time in milliseconds".to_owned(),
                Fill::Signature => "the signature".to_owned(),
                Fill::Nothing => String::new(),
            };
            match f.location {
                Some(location) => format!("`{}` ({}) ← {from}", f.field.wire_name, location_name(location)),
                None => format!("`{}` ← {from}", f.field.wire_name),
            }
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
        "{}'s token endpoints as one [`vendor_runtime::token::TokenSource`]: give it to a \
         [`vendor_runtime::token::TokenManager`], which keeps a token fresh.\n\nThe mapping, inferred from the documents:\n",
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
    let name = ident(names::CREDENTIALS);
    let members = mapping.credentials.iter().map(|credential| {
        let name = ident(&credential.rust_name);
        let ty = credential_type(credential);
        quote! { pub #name: #ty, }
    });
    let doc = docs(&format!("What {}'s [`TokenSource`] needs from you, once: it logs in (and signs requests) with these.", api.title));
    quote! {
        #doc
        #[derive(Clone, Debug)]
        pub struct #name {
            #(#members)*
        }
    }
}

fn credential_type(credential: &Credential) -> TokenStream {
    let inner = if credential.secret { quote! { rt::Secret<::std::string::String> } } else { type_tokens(&credential.ty) };
    if credential.optional {
        quote! { ::std::option::Option<#inner> }
    } else {
        inner
    }
}

/// The body of `login` or `refresh`: build the request, call, and convert the answer.
fn call_body(api: &Api, mapping: &TokenSourceMapping, call: &TokenCall, which: Call) -> TokenStream {
    let operation = api.operations.iter().find(|op| op.name == call.operation);
    let method = ident(&call.operation);
    let mut steps = Vec::new();
    let uses = |fill: Fill| call.request.iter().any(|f| f.from == fill);
    if uses(Fill::Credential) || uses(Fill::Signature) {
        steps.push(quote! { let credentials = self.login.credentials()?; });
    }
    if uses(Fill::CurrentRefreshToken) {
        steps.push(quote! { let refresh_token = current.require_refresh_token()?; });
    }
    if uses(Fill::TimestampMillis) || uses(Fill::Signature) {
        steps.push(quote! { let timestamp = ::chrono::Utc::now().timestamp_millis(); });
    }
    if let Some(signature) = mapping.signature.as_ref().filter(|_| uses(Fill::Signature)) {
        steps.push(signature_step(mapping, call, signature));
    }
    let request = call.request_type.as_ref().map(|request_type| {
        let type_name = ident(request_type);
        let members = call.request.iter().filter(|fill| fill.location.is_none()).map(|fill| {
            let name = ident(&fill.field.rust_name);
            let value = fill_value(fill, &mapping.credentials);
            if name == value.to_string() {
                quote! { #name, }
            } else {
                quote! { #name: #value, }
            }
        });
        quote! { let request = #type_name { #(#members)* }; }
    });
    // With parameters, the call is built step by step (values, method, setters, body);
    // without, in one expression.
    let has_parameters = call.request.iter().any(|fill| fill.location.is_some());
    let (call_steps, call_expression) = match (operation, has_parameters) {
        (Some(operation), true) => (parameter_call(operation, mapping, call), quote! { call }),
        _ => (
            None,
            match operation.and_then(|op| op.request_body.as_ref()).filter(|_| call.request_type.is_some()) {
                Some(body) if body.required => quote! { self.client.#method(&request) },
                Some(_) => quote! { self.client.#method().body(&request) },
                None => quote! { self.client.#method() },
            },
        ),
    };
    let answer = match which {
        Call::Login => quote! { rt::token::login_answer },
        Call::Refresh => quote! { rt::token::refresh_answer },
    };
    let success_enum = operation.map(|op| op.success_enum.as_str()).filter(|name| !name.is_empty());
    let unwrap_variant = call.success_variant.as_ref().zip(success_enum).map(|(variant, success)| {
        let success = ident(success);
        let others = operation.into_iter().flat_map(|op| op.success_responses()).filter(|r| &r.variant != variant).map(|r| {
            let other = ident(&r.variant);
            let name = &r.variant;
            let pattern = if r.body.is_some() { quote! { #success::#other(_) } } else { quote! { #success::#other } };
            quote! { #pattern => return Err(rt::token::TokenError::unexpected_outcome(#name)), }
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
            quote! { let value = value.#name.ok_or_else(|| rt::token::TokenError::other(#message))?; }
        } else {
            quote! { let value = value.#name; }
        }
    });
    let converter = converter_name(mapping, call);
    let relogin_codes = ident(names::RELOGIN_CODES);
    quote! {
        #(#steps)*
        #request
        #call_steps
        let (value, received_at, raw) = #answer(#call_expression.await, #relogin_codes)?;
        #unwrap_variant
        #(#path)*
        #converter(value, received_at, raw)
    }
}

/// The value of a body field: the struct member's type, from `credentials` as the mapping
/// merged them (a credential may be secret or required where this field is not).
fn fill_value(fill: &RequestFill, credentials: &[Credential]) -> TokenStream {
    let field = &fill.field;
    let wrap = |value: TokenStream| if field.optional { quote! { Some(#value) } } else { value };
    match fill.from {
        Fill::Credential => {
            let name = ident(fill.credential_name());
            let credential = credentials.iter().find(|c| c.rust_name == fill.credential_name());
            let exposes = credential.is_some_and(|c| c.secret && !field.secret);
            let optional = credential.is_some_and(|c| c.optional);
            let value = match (exposes, optional) {
                (true, true) => quote! { credentials.#name.as_ref().map(|value| value.expose().clone()) },
                (true, false) => quote! { credentials.#name.expose().clone() },
                (false, _) => quote! { credentials.#name.clone() },
            };
            if field.optional && !optional {
                quote! { Some(#value) }
            } else {
                value
            }
        }
        Fill::CurrentAccessToken if field.secret => wrap(quote! { current.access_token().clone() }),
        Fill::CurrentAccessToken => wrap(quote! { current.access_token().expose().clone() }),
        Fill::CurrentRefreshToken if field.secret => wrap(quote! { refresh_token.clone() }),
        Fill::CurrentRefreshToken => wrap(quote! { refresh_token.expose().clone() }),
        Fill::TimestampMillis => match field.ty {
            TypeRef::String => wrap(quote! { timestamp.to_string() }),
            _ => wrap(quote! { timestamp }),
        },
        Fill::Signature if field.secret => wrap(quote! { rt::Secret::new(signature) }),
        Fill::Signature => wrap(quote! { signature }),
        Fill::Nothing => quote! { None },
    }
}

/// The owned value of a parameter, of the parameter's type (an `Option` of it when it comes
/// from an optional credential); `None` when nothing fills it.
fn parameter_value(fill: &RequestFill, credentials: &[Credential]) -> Option<(TokenStream, bool)> {
    let value = match fill.from {
        Fill::Credential => {
            let name = ident(fill.credential_name());
            let credential = credentials.iter().find(|c| c.rust_name == fill.credential_name())?;
            let value = match (credential.secret, credential.optional) {
                (true, true) => quote! { credentials.#name.as_ref().map(|value| value.expose().clone()) },
                (true, false) => quote! { credentials.#name.expose().clone() },
                (false, _) => quote! { credentials.#name.clone() },
            };
            return Some((value, credential.optional));
        }
        Fill::CurrentAccessToken => quote! { current.access_token().expose().clone() },
        Fill::CurrentRefreshToken => quote! { refresh_token.expose().clone() },
        Fill::TimestampMillis if fill.field.ty == TypeRef::String => quote! { timestamp.to_string() },
        Fill::TimestampMillis => quote! { timestamp },
        Fill::Signature => quote! { signature.clone() },
        Fill::Nothing => return None,
    };
    Some((value, false))
}

/// The local holding a parameter's value (`…_parameter`: no other local of the body ends so).
fn parameter_local(fill: &RequestFill) -> proc_macro2::Ident {
    format_ident!("{}_parameter", fill.field.rust_name.trim_start_matches("r#"))
}

/// The steps building a call with parameters: each parameter's value in a local, the client
/// method with the required ones (path parameters, then required others, then a required body,
/// as `emit::client` orders its arguments), then a setter per optional one that is filled,
/// and an optional body. The call is left in `call`.
fn parameter_call(operation: &Operation, mapping: &TokenSourceMapping, call: &TokenCall) -> Option<TokenStream> {
    let parameters: Vec<(&RequestFill, TokenStream, bool)> = call
        .request
        .iter()
        .filter(|fill| fill.location.is_some())
        .filter_map(|fill| parameter_value(fill, &mapping.credentials).map(|(value, optional)| (fill, value, optional)))
        .collect();
    let locals = parameters.iter().map(|(fill, value, _)| {
        let local = parameter_local(fill);
        quote! { let #local = #value; }
    });
    let filled = |parameter: &crate::ir::Parameter| parameters.iter().find(|(fill, _, _)| fill.field.rust_name == parameter.rust_name);
    let is_path = |parameter: &&crate::ir::Parameter| parameter.location == ParameterLocation::Path;
    let in_order = operation.parameters.iter().filter(is_path).chain(operation.parameters.iter().filter(|p| !is_path(p) && p.required));
    let mut arguments: Vec<TokenStream> = in_order
        .filter_map(filled)
        .map(|(fill, _, _)| {
            let local = parameter_local(fill);
            quote! { &#local }
        })
        .collect();
    // The body goes when it is the struct the mapping fills (the pass allows no other
    // required body).
    let body = operation.request_body.as_ref().filter(|_| call.request_type.is_some());
    if body.is_some_and(|b| b.required) {
        arguments.push(quote! { &request });
    }
    let setters = parameters.iter().filter(|(fill, _, _)| fill.field.optional).map(|(fill, _, optional)| {
        let setter = ident(&fill.field.rust_name);
        let local = parameter_local(fill);
        if *optional {
            quote! {
                let call = match #local {
                    ::std::option::Option::Some(value) => call.#setter(value),
                    ::std::option::Option::None => call,
                };
            }
        } else {
            quote! { let call = call.#setter(#local); }
        }
    });
    let optional_body = body.filter(|b| !b.required).map(|_| quote! { let call = call.body(&request); });
    let method = ident(&call.operation);
    Some(quote! {
        #(#locals)*
        let call = self.client.#method(#(#arguments),*);
        #(#setters)*
        #optional_body
    })
}

fn location_name(location: ParameterLocation) -> &'static str {
    match location {
        ParameterLocation::Path => "path",
        ParameterLocation::Query => "query",
        ParameterLocation::Header => "header",
        ParameterLocation::Cookie => "cookie",
    }
}

fn signature_step(mapping: &TokenSourceMapping, call: &TokenCall, signature: &Signature) -> TokenStream {
    let parts = signature.inputs.iter().map(|input| {
        match call.request.iter().find(|f| &f.field.wire_name == input) {
            Some(fill) if fill.from == Fill::TimestampMillis => quote! { timestamp.to_string().as_str() },
            Some(fill) if fill.from == Fill::Credential => {
                let name = ident(fill.credential_name());
                if mapping.credentials.iter().any(|c| c.rust_name == fill.credential_name() && c.secret) {
                    quote! { credentials.#name.expose().as_str() }
                } else {
                    quote! { credentials.#name.as_str() }
                }
            }
            _ => match mapping.credentials.iter().find(|c| &c.wire_name == input || c.rust_name == crate::naming::snake_ident(input)) {
                // A secret that is hashed but never sent (EnOS's app secret).
                Some(credential) if credential.secret => {
                    let name = ident(&credential.rust_name);
                    quote! { credentials.#name.expose().as_str() }
                }
                Some(credential) => {
                    let name = ident(&credential.rust_name);
                    quote! { credentials.#name.as_str() }
                }
                // Unreachable: the token-source pass makes every input a request field or a credential.
                None => quote! { "" },
            },
        }
    });
    quote! { let signature = rt::signing::sha256_hex(&[#(#parts),*]); }
}

/// The function turning a call's answer into a `Token`: one per answer type, named after the
/// first call (login, then refresh) that answers with it.
fn converter_name(mapping: &TokenSourceMapping, call: &TokenCall) -> proc_macro2::Ident {
    let shares_login = mapping.login.as_ref().is_some_and(|login| login.token_type_name == call.token_type_name);
    if shares_login {
        ident(names::LOGIN_CONVERTER)
    } else {
        ident(names::REFRESH_CONVERTER)
    }
}

/// One function per struct that holds a token: its fields onto the common `Token`.
fn converters(mapping: &TokenSourceMapping) -> TokenStream {
    let refresh_shares = mapping.login.as_ref().is_some_and(|login| login.token_type_name == mapping.refresh.token_type_name);
    let login = mapping.login.as_ref().map(|call| converter(mapping, call));
    let refresh = (!refresh_shares).then(|| converter(mapping, &mapping.refresh));
    quote! { #login #refresh }
}

fn converter(mapping: &TokenSourceMapping, call: &TokenCall) -> TokenStream {
    let name = converter_name(mapping, call);
    let ty = ident(&call.token_type_name);
    let access = ident(&call.access_token.rust_name);
    let access_value = if call.access_token.optional {
        let wire = &call.access_token.wire_name;
        quote! { rt::token::required(value.#access, #wire)? }
    } else {
        quote! { value.#access }
    };
    let mut steps = Vec::new();
    if let Some(field) = &call.refresh_token {
        let member = ident(&field.rust_name);
        steps.push(if field.optional {
            quote! { if let Some(refresh_token) = value.#member { token = token.with_refresh_token(refresh_token); } }
        } else {
            quote! { token = token.with_refresh_token(value.#member); }
        });
    }
    if let Some(field) = &call.token_type {
        let member = ident(&field.rust_name);
        let text = if matches!(field.ty, TypeRef::String) { quote! { token_type } } else { quote! { token_type.to_string() } };
        steps.push(if field.optional {
            quote! { if let Some(token_type) = value.#member { token = token.with_token_type(#text); } }
        } else {
            let text = if matches!(field.ty, TypeRef::String) { quote! { value.#member } } else { quote! { value.#member.to_string() } };
            quote! { token = token.with_token_type(#text); }
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
    let uses_receipt = call.expires.is_some() || call.refresh_expires.is_some();
    let received_at = if uses_receipt { format_ident!("received_at") } else { format_ident!("_received_at") };
    quote! {
        /// The token in an answer, on the common model (see [`TokenSource`] for the mapping).
        fn #name(value: #ty, #received_at: ::chrono::DateTime<::chrono::Utc>, raw: ::serde_json::Value) -> rt::token::TokenResult {
            let access_token = #access_value;
            let mut token = rt::token::Token::new(access_token).with_raw(raw);
            #(#steps)*
            Ok(token.with_jwt_expiry_fallback())
        }
    }
}

/// An `Option<DateTime<Utc>>` expression for a lifetime field of `value`: the runtime reads
/// seconds of any number type or an RFC 3339 time, present or optional.
fn lifetime_value(lifetime: &Lifetime) -> TokenStream {
    let member = ident(&lifetime.field.rust_name);
    quote! { rt::token::expiry::at(value.#member, received_at) }
}
