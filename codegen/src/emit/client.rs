//! The `Client` of an API: constructors per documented server, one `async` method per
//! operation, and each operation's success and error enums.
//!
//! Every documented status decodes to its own type: the method matches the status and hands
//! the body to the matching variant. Statuses the document does not list, and bodies that do
//! not decode, end in `Error::UnexpectedResponse` with the raw body kept.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::types::type_tokens;
use super::{docs, ident};
use crate::ir::{Api, Operation, ParameterLocation, Response, Server, Status};
use crate::naming;

pub(crate) fn client(api: &Api) -> TokenStream {
    let servers = server_constructors(api);
    let operations = api.operations.iter().map(operation_method);
    let enums = api.operations.iter().map(operation_enums);
    let doc = docs(&format!(
        "A client for {}.\n\nCreate one with a constructor per documented server, or with [`Client::new`] for any base URL \
         (a proxy, a self-hosted server, a test server). Clones share one connection pool.",
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

            /// A client for any base URL, e.g. `http://127.0.0.1:8080`.
            pub fn new(base_url: impl Into<String>) -> Self {
                Self::with_http_client(base_url, reqwest::Client::new())
            }

            /// A client for any base URL that sends through a `reqwest::Client` you configured
            /// (timeouts, proxies, TLS roots).
            pub fn with_http_client(base_url: impl Into<String>, http: reqwest::Client) -> Self {
                Client { http: crate::runtime::HttpClient::new(base_url, http) }
            }

            /// The base URL requests are sent to.
            pub fn base_url(&self) -> &str {
                self.http.base_url()
            }

            #(#operations)*
        }

        #(#enums)*
    }
}

fn server_constructors(api: &Api) -> Vec<TokenStream> {
    let mut names: Vec<String> = Vec::new();
    api.servers
        .iter()
        .enumerate()
        .map(|(index, server)| {
            let preferred = server.description.as_deref().map(naming::snake_ident).unwrap_or_else(|| format!("server_{}", index + 1));
            let name = if names.contains(&preferred) || preferred == "new" || preferred == "with_http_client" || preferred == "base_url" {
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

/// The success value type of an operation: its one body type, `()`, or its success enum.
fn success_type(operation: &Operation) -> TokenStream {
    let successes: Vec<&Response> = operation.success_responses().collect();
    match successes.as_slice() {
        [] => quote! { () },
        [one] => one.body.as_ref().map_or_else(|| quote! { () }, type_tokens),
        _ => {
            let name = enum_name(operation, "Success");
            quote! { #name }
        }
    }
}

fn operation_method(operation: &Operation) -> TokenStream {
    let name = ident(&operation.name);
    let success = success_type(operation);
    let error = enum_name(operation, "Error");
    let method = format_ident!("{}", operation.method.as_str());

    let mut text = String::new();
    if let Some(summary) = &operation.summary {
        text.push_str(&format!("{summary}\n\n"));
    }
    if let Some(description) = operation.description.as_ref().filter(|d| Some(*d) != operation.summary.as_ref()) {
        text.push_str(&format!("{description}\n\n"));
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

    let arms = status_arms(operation);
    quote! {
        #doc
        pub async fn #name(&self, #(#args),*) -> Result<crate::runtime::ResponseValue<#success>, crate::runtime::Error<#error>> {
            let request = crate::runtime::Request::new(reqwest::Method::#method, #path);
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

fn status_arms(operation: &Operation) -> Vec<TokenStream> {
    let successes: Vec<&Response> = operation.success_responses().collect();
    let success_enum = enum_name(operation, "Success");
    let error_enum = enum_name(operation, "Error");
    // One arm per status; several responses under one status are alternatives, tried in
    // document order until one decodes.
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
    let decode = |response: &Response, input: TokenStream| {
        let variant = ident(&response.variant);
        match (response.status.is_success(), successes.len() > 1, response.body.is_some()) {
            (true, false, true) => quote! { #input.success() },
            (true, false, false) => quote! { #input.empty_success(()) },
            (true, true, true) => quote! { #input.success_as(#success_enum::#variant) },
            (true, true, false) => quote! { #input.empty_success(#success_enum::#variant) },
            (false, _, true) => quote! { Err(#input.error(#error_enum::#variant)) },
            (false, _, false) => quote! { Err(#input.error_without_body(#error_enum::#variant)) },
        }
    };
    let mut arms: Vec<TokenStream> = statuses
        .iter()
        .map(|status| {
            let pattern = status_pattern(*status);
            let alternatives: Vec<&Response> = operation.responses.iter().filter(|r| r.status == *status).collect();
            let body = match alternatives.split_last() {
                Some((last, [])) => decode(last, quote! { response }),
                Some((last, first)) => {
                    let attempts = first.iter().map(|r| {
                        let attempt = decode(r, quote! { response.clone() });
                        quote! {
                            let attempt = #attempt;
                            if !crate::runtime::is_undecodable(&attempt) {
                                return attempt;
                            }
                        }
                    });
                    let last = decode(last, quote! { response });
                    quote! { { #(#attempts)* #last } }
                }
                None => quote! { Err(response.unexpected()) },
            };
            quote! { #pattern => #body, }
        })
        .collect();
    if successes.is_empty() {
        arms.insert(0, quote! { 200..=299 => response.empty_success(()), });
    }
    if !operation.responses.iter().any(|r| r.status == Status::Default) {
        arms.push(quote! { _ => Err(response.unexpected()), });
    }
    arms
}

fn variant_doc(operation: &Operation, response: &Response) -> TokenStream {
    let mut text = format!("HTTP {}", response.status);
    if let Some(description) = &response.description {
        text.push_str(&format!(": {description}"));
    }
    let _ = operation;
    docs(&text)
}

fn operation_enums(operation: &Operation) -> TokenStream {
    let error = enum_name(operation, "Error");
    let error_variants = operation.error_responses().map(|r| variant(operation, r));
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
        let variants = successes.iter().map(|r| variant(operation, r));
        let doc = docs(&format!("The documented success answers of [`Client::{}`].", operation.name.trim_start_matches("r#")));
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

fn variant(operation: &Operation, response: &Response) -> TokenStream {
    let doc = variant_doc(operation, response);
    let name = ident(&response.variant);
    match &response.body {
        Some(ty) => {
            let ty = type_tokens(ty);
            quote! { #doc #name(#ty), }
        }
        None => quote! { #doc #name, },
    }
}
