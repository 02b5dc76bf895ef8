//! The `Client` of an API: constructors per documented server, one `async` method per
//! operation, and each operation's success and error enums.
//!
//! Every documented status decodes to its own type: the method matches the status and hands
//! the body to the matching variant. Statuses the document does not list, and bodies that do
//! not decode, end in `Error::UnexpectedResponse` with the raw body kept. For an API with an
//! envelope, a success answer yields the envelope's payload, and an envelope that reports
//! failure is `Error::Envelope`; a documented alternative answer (Cloudreve's "2FA required")
//! is matched by its own envelope code.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use serde_json::Value;

use super::types::type_tokens;
use super::{docs, ident};
use crate::ir::{Api, Envelope, Operation, ParameterLocation, Response, Server, Status, TypeKind, TypeRef};
use crate::naming;

pub(crate) fn client(api: &Api) -> TokenStream {
    let servers = server_constructors(api);
    let operations = api.operations.iter().map(|op| operation_method(api, op));
    let enums = api.operations.iter().map(|op| operation_enums(api, op));
    let envelope = api.envelope.as_ref().map(envelope_const);
    let doc = docs(&format!(
        "A client for {}.\n\nCreate one with a constructor per documented server, or with [`Client::new`] for any base URL \
         (a proxy, a self-hosted server, a test server). Clones share one connection pool. Timeouts, retries and \
         plain-HTTP rules come from [`crate::runtime::Config`].",
        api.title
    ));
    quote! {
        #doc
        #[derive(Clone, Debug)]
        pub struct Client {
            http: crate::runtime::HttpClient,
        }

        impl Client {
            #(#servers)*

            /// A client for any base URL, e.g. `http://127.0.0.1:8080`, with the default [`crate::runtime::Config`].
            pub fn new(base_url: impl Into<String>) -> Self {
                Self::with_config(base_url, crate::runtime::Config::default())
            }

            /// A client for any base URL with its own timeouts, retries and plain-HTTP rule.
            pub fn with_config(base_url: impl Into<String>, config: crate::runtime::Config) -> Self {
                Client { http: crate::runtime::HttpClient::new(base_url, config) }
            }

            /// A client for any base URL that sends through a `reqwest::Client` you configured
            /// (proxies, TLS roots); `config` still sets the total timeout and retries.
            pub fn with_http_client(base_url: impl Into<String>, http: reqwest::Client, config: crate::runtime::Config) -> Self {
                Client { http: crate::runtime::HttpClient::with_http_client(base_url, http, config) }
            }

            /// This client, sharing its connections, with another configuration: e.g. a shorter
            /// timeout or no retries for one call.
            pub fn reconfigured(&self, config: crate::runtime::Config) -> Self {
                Client { http: self.http.with_config(config) }
            }

            /// The configuration calls use.
            pub fn config(&self) -> &crate::runtime::Config {
                self.http.config()
            }

            /// The base URL requests are sent to.
            pub fn base_url(&self) -> &str {
                self.http.base_url()
            }

            #(#operations)*
        }

        #envelope
        #(#enums)*
    }
}

fn path_literals(path: &[String]) -> TokenStream {
    quote! { &[#(#path),*] }
}

fn envelope_const(envelope: &Envelope) -> TokenStream {
    let status = path_literals(&envelope.status);
    let payload = path_literals(&envelope.payload);
    let success = envelope.success.to_string();
    let message = match &envelope.message {
        Some(path) => {
            let path = path_literals(path);
            quote! { Some(#path) }
        }
        None => quote! { None },
    };
    let doc = docs(&format!("How every answer of this API is wrapped.\n\nSource: `{}`.", envelope.source));
    quote! {
        #doc
        pub const ENVELOPE: crate::runtime::Envelope = crate::runtime::Envelope {
            status: #status,
            success: #success,
            payload: #payload,
            message: #message,
        };
    }
}

fn server_constructors(api: &Api) -> Vec<TokenStream> {
    const TAKEN: [&str; 7] = ["new", "with_config", "with_http_client", "reconfigured", "config", "base_url", "client"];
    let mut names: Vec<String> = Vec::new();
    api.servers
        .iter()
        .enumerate()
        .map(|(index, server)| {
            let preferred = match server.description.as_deref() {
                Some(description) => naming::snake_ident(description),
                None if api.servers.len() == 1 => "default_server".to_owned(),
                None => format!("server_{}", index + 1),
            };
            let name = if names.contains(&preferred) || TAKEN.contains(&preferred.as_str()) {
                format!("{preferred}_{}", index + 1)
            } else {
                preferred
            };
            names.push(name.clone());
            server_constructor(&name, server)
        })
        .collect()
}

fn server_constructor(name: &str, server: &Server) -> TokenStream {
    let name = ident(name);
    let required: Vec<_> = server.variables.iter().filter(|v| v.default.is_none()).collect();
    let args = required.iter().map(|v| {
        let arg = ident(&naming::snake_ident(&v.name));
        quote! { #arg: &str }
    });
    let substitutions = server.variables.iter().map(|v| {
        let placeholder = format!("{{{}}}", v.name);
        match &v.default {
            Some(default) => quote! { let url = url.replace(#placeholder, #default); },
            None => {
                let arg = ident(&naming::snake_ident(&v.name));
                quote! { let url = url.replace(#placeholder, #arg); }
            }
        }
    });
    let mut text = format!("`{}`", server.url);
    if let Some(description) = &server.description {
        text.push_str(&format!(": {description}"));
    }
    for variable in &required {
        let about = variable.description.as_deref().unwrap_or("a server variable");
        text.push_str(&format!("\n\n`{}`: {about}", naming::snake_ident(&variable.name)));
    }
    text.push_str(&format!("\n\nSource: `{}`.", server.source));
    let doc = docs(&text);
    let url = &server.url;
    quote! {
        #doc
        pub fn #name(#(#args),*) -> Self {
            let url = String::from(#url);
            #(#substitutions)*
            Self::new(url)
        }
    }
}

fn enum_name(operation: &Operation, suffix: &str) -> proc_macro2::Ident {
    format_ident!("{}{}", naming::camel_ident(&operation.name), suffix)
}

/// How one success response is decoded.
enum Decoding {
    /// The whole body is the value.
    Body(TypeRef),
    /// The envelope must report success; its payload is the value.
    Payload(TypeRef),
    /// The envelope must carry this code (JSON text); the whole body is the value.
    Outcome(String, TypeRef),
    /// No body.
    Empty,
}

impl Decoding {
    fn value_type(&self) -> TokenStream {
        match self {
            Decoding::Body(ty) | Decoding::Payload(ty) | Decoding::Outcome(_, ty) => type_tokens(ty),
            Decoding::Empty => quote! { () },
        }
    }
}

/// The type at `path` inside `ty`, following struct fields by wire name.
fn type_at(api: &Api, ty: &TypeRef, path: &[String]) -> Option<TypeRef> {
    let Some((first, rest)) = path.split_first() else { return Some(ty.clone()) };
    let TypeRef::Named(name) = ty else { return None };
    let TypeKind::Struct { fields, .. } = &api.type_def(name)?.kind else { return None };
    let field = fields.iter().find(|f| &f.wire_name == first)?;
    type_at(api, &field.ty, rest)
}

fn value_at<'v>(value: &'v Value, path: &[String]) -> Option<&'v Value> {
    path.iter().try_fold(value, |node, key| node.get(key))
}

fn decoding(api: &Api, operation: &Operation, response: &Response) -> Decoding {
    let Some(body) = &response.body else { return Decoding::Empty };
    let Some(envelope) = api.envelope.as_ref().filter(|_| response.status.is_success()) else {
        return Decoding::Body(body.clone());
    };
    let documented_code = response.examples.iter().find_map(|e| value_at(&e.value, &envelope.status)).cloned();
    let is_primary = operation.success_responses().next().is_some_and(|first| std::ptr::eq(first, response));
    match documented_code {
        Some(code) if code != envelope.success && !is_primary => Decoding::Outcome(code.to_string(), body.clone()),
        _ => match type_at(api, body, &envelope.payload) {
            Some(payload) => Decoding::Payload(payload),
            None => Decoding::Body(body.clone()),
        },
    }
}

/// The success value type of an operation: its one value type, `()`, or its success enum.
fn success_type(api: &Api, operation: &Operation) -> TokenStream {
    let successes: Vec<&Response> = operation.success_responses().collect();
    match successes.as_slice() {
        [] => quote! { () },
        [one] => decoding(api, operation, one).value_type(),
        _ => {
            let name = enum_name(operation, "Success");
            quote! { #name }
        }
    }
}

fn operation_method(api: &Api, operation: &Operation) -> TokenStream {
    let name = ident(&operation.name);
    let success = success_type(api, operation);
    let error = enum_name(operation, "Error");
    let method = format_ident!("{}", operation.method.as_str());

    let mut text = String::new();
    if let Some(summary) = &operation.summary {
        text.push_str(&format!("{summary}\n\n"));
    }
    if let Some(description) = operation.description.as_ref().filter(|d| Some(*d) != operation.summary.as_ref()) {
        text.push_str(&format!("{description}\n\n"));
    }
    if api.envelope.is_some() {
        text.push_str("Returns the envelope's payload; an envelope reporting failure is `Error::Envelope`.\n\n");
    }
    text.push_str(&format!("`{} {}`\n\nSource: `{}`.", operation.method.as_str(), operation.path, operation.source));
    let doc = docs(&text);

    let mut args = Vec::new();
    let mut request_steps = Vec::new();
    for parameter in operation.parameters.iter().filter(|p| p.location == ParameterLocation::Path) {
        let arg = ident(&parameter.rust_name);
        let ty = type_tokens(&parameter.ty);
        args.push(quote! { #arg: &#ty });
    }
    let path = path_expression(operation);
    for parameter in operation.parameters.iter().filter(|p| p.location != ParameterLocation::Path) {
        let arg = ident(&parameter.rust_name);
        let ty = type_tokens(&parameter.ty);
        let wire = &parameter.name;
        let add = match parameter.location {
            ParameterLocation::Query => quote! { query },
            _ => quote! { header },
        };
        if parameter.required {
            args.push(quote! { #arg: &#ty });
            request_steps.push(quote! { let request = request.#add(#wire, #arg); });
        } else {
            args.push(quote! { #arg: Option<&#ty> });
            request_steps.push(quote! {
                let request = match #arg {
                    Some(value) => request.#add(#wire, value),
                    None => request,
                };
            });
        }
    }
    if let Some(body) = &operation.request_body {
        let ty = type_tokens(&body.ty);
        if body.required {
            args.push(quote! { body: &#ty });
            request_steps.push(quote! { let request = request.json(body); });
        } else {
            args.push(quote! { body: Option<&#ty> });
            request_steps.push(quote! {
                let request = match body {
                    Some(body) => request.json(body),
                    None => request,
                };
            });
        }
    }

    let api_name = &api.name;
    let operation_name = operation.name.trim_start_matches("r#");
    let template = &operation.path;
    let arms = status_arms(api, operation);
    quote! {
        #doc
        pub async fn #name(&self, #(#args),*) -> Result<crate::runtime::ResponseValue<#success>, crate::runtime::Error<#error>> {
            let request = crate::runtime::Request::new(reqwest::Method::#method, #path).operation(#api_name, #operation_name, #template);
            #(#request_steps)*
            let response = self.http.send(request).await?;
            match response.status().as_u16() {
                #(#arms)*
            }
        }
    }
}

/// The request path: a literal, or a `format!` that percent-encodes each path parameter.
fn path_expression(operation: &Operation) -> TokenStream {
    let mut template = String::new();
    let mut values = Vec::new();
    let mut rest = operation.path.as_str();
    while let Some(open) = rest.find('{') {
        let Some(close) = rest[open..].find('}') else { break };
        template.push_str(&rest[..open].replace('{', "{{").replace('}', "}}"));
        template.push_str("{}");
        let wire = &rest[open + 1..open + close];
        let rust = operation
            .parameters
            .iter()
            .find(|p| p.location == ParameterLocation::Path && p.name == wire)
            .map_or_else(|| naming::snake_ident(wire), |p| p.rust_name.clone());
        let arg = ident(&rust);
        values.push(quote! { crate::runtime::encode_path_segment(&#arg.to_string()) });
        rest = &rest[open + close + 1..];
    }
    if values.is_empty() {
        let path = &operation.path;
        return quote! { #path };
    }
    template.push_str(&rest.replace('{', "{{").replace('}', "}}"));
    quote! { format!(#template, #(#values),*) }
}

fn status_pattern(status: Status) -> TokenStream {
    match status {
        Status::Code(code) => {
            let code = proc_macro2::Literal::u16_unsuffixed(code);
            quote! { #code }
        }
        Status::Range(class) => {
            let low = proc_macro2::Literal::u16_unsuffixed(class * 100);
            let high = proc_macro2::Literal::u16_unsuffixed(class * 100 + 99);
            quote! { #low..=#high }
        }
        Status::Default => quote! { _ },
    }
}

/// The expression decoding `input` (a `RawResponse`) as `response`.
fn decode_expression(api: &Api, operation: &Operation, response: &Response, input: TokenStream) -> TokenStream {
    let variant = ident(&response.variant);
    if !response.status.is_success() {
        let error_enum = enum_name(operation, "Error");
        return match response.body {
            Some(_) => quote! { Err(#input.error(#error_enum::#variant)) },
            None => quote! { Err(#input.error_without_body(#error_enum::#variant)) },
        };
    }
    let several = operation.success_responses().count() > 1;
    let success_enum = enum_name(operation, "Success");
    match (decoding(api, operation, response), several) {
        (Decoding::Body(_), false) => quote! { #input.success() },
        (Decoding::Body(_), true) => quote! { #input.success_as(#success_enum::#variant) },
        (Decoding::Payload(_), false) => quote! { #input.enveloped(&ENVELOPE) },
        (Decoding::Payload(_), true) => quote! { #input.enveloped_as(&ENVELOPE, #success_enum::#variant) },
        (Decoding::Outcome(code, _), false) => quote! { #input.outcome_as(&ENVELOPE, #code, std::convert::identity) },
        (Decoding::Outcome(code, _), true) => quote! { #input.outcome_as(&ENVELOPE, #code, #success_enum::#variant) },
        (Decoding::Empty, false) => quote! { #input.empty_success(()) },
        (Decoding::Empty, true) => quote! { #input.empty_success(#success_enum::#variant) },
    }
}

fn status_arms(api: &Api, operation: &Operation) -> Vec<TokenStream> {
    // One arm per status; several responses under one status are alternatives, tried in
    // document order until one matches.
    let mut statuses: Vec<Status> = Vec::new();
    for response in &operation.responses {
        if !statuses.contains(&response.status) {
            statuses.push(response.status);
        }
    }
    statuses.sort_by_key(|status| match status {
        Status::Code(_) => 0,
        Status::Range(_) => 1,
        Status::Default => 2,
    });
    let mut arms: Vec<TokenStream> = statuses
        .iter()
        .map(|status| {
            let pattern = status_pattern(*status);
            let alternatives: Vec<&Response> = operation.responses.iter().filter(|r| r.status == *status).collect();
            let body = match alternatives.split_last() {
                Some((last, [])) => decode_expression(api, operation, last, quote! { response }),
                Some((last, first)) => {
                    let attempts = first.iter().map(|r| {
                        let attempt = decode_expression(api, operation, r, quote! { response.clone() });
                        quote! {
                            let attempt = #attempt;
                            if !crate::runtime::may_match_another(&attempt) {
                                return attempt;
                            }
                        }
                    });
                    let last = decode_expression(api, operation, last, quote! { response });
                    quote! { { #(#attempts)* #last } }
                }
                None => quote! { Err(response.unexpected()) },
            };
            quote! { #pattern => #body, }
        })
        .collect();
    if operation.success_responses().next().is_none() {
        arms.insert(0, quote! { 200..=299 => response.empty_success(()), });
    }
    if !operation.responses.iter().any(|r| r.status == Status::Default) {
        arms.push(quote! { _ => Err(response.unexpected()), });
    }
    arms
}

fn operation_enums(api: &Api, operation: &Operation) -> TokenStream {
    let error = enum_name(operation, "Error");
    let error_variants = operation.error_responses().map(|r| variant(r, r.body.as_ref().map(type_tokens)));
    let method = operation.name.trim_start_matches("r#");
    let error_doc = docs(&if operation.error_responses().next().is_some() {
        format!("The documented error answers of [`Client::{method}`], one variant per status, each with that status's body.")
    } else {
        format!(
            "The documented error answers of [`Client::{method}`]: the document lists none, so every error answer \
             is `Error::UnexpectedResponse`, with its status and raw body."
        )
    });
    let successes: Vec<&Response> = operation.success_responses().collect();
    let success = (successes.len() > 1).then(|| {
        let name = enum_name(operation, "Success");
        let variants = successes.iter().map(|r| {
            let value = match decoding(api, operation, r) {
                Decoding::Empty => None,
                other => Some(other.value_type()),
            };
            variant(r, value)
        });
        let doc = docs(&format!("The documented success answers of [`Client::{method}`]."));
        quote! {
            #doc
            #[derive(Debug, Clone, PartialEq)]
            pub enum #name {
                #(#variants)*
            }
        }
    });
    quote! {
        #error_doc
        #[derive(Debug, Clone, PartialEq)]
        pub enum #error {
            #(#error_variants)*
        }
        #success
    }
}

fn variant(response: &Response, value: Option<TokenStream>) -> TokenStream {
    let mut text = format!("HTTP {}", response.status);
    if let Some(description) = &response.description {
        text.push_str(&format!(": {description}"));
    }
    let doc = docs(&text);
    let name = ident(&response.variant);
    match value {
        Some(ty) => quote! { #doc #name(#ty), },
        None => quote! { #doc #name, },
    }
}
