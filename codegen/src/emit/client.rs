//! The `Client` of an API: constructors per documented server, one method per operation,
//! each operation's call builder, and its success and error enums.
//!
//! One calling style scales from no parameter to thirty: the method takes the required
//! parameters (path parameters, required query and header parameters, a required body) and
//! returns a call; the call has a setter per optional parameter, named after it, and
//! `call_options` for per-call headers, timeout and idempotency key; awaiting it sends it.
//! Nothing is positional that could be swapped silently, and a required parameter cannot be
//! forgotten. A call costs the compiler one small struct, its setters and one `async fn`.
//!
//! Every documented status decodes to its own type: the method matches the status and hands
//! the body to the matching variant. Statuses the document does not list, and bodies that do
//! not decode, end in `Error::UnexpectedResponse` with the raw body kept. For an API with an
//! envelope, a success answer yields the envelope's payload, and an envelope that reports
//! failure is `Error::Envelope`; a documented alternative answer (Cloudreve's "2FA required")
//! is matched by its own envelope code.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::types::type_tokens;
use super::{docs, ident};
use crate::ir::{
    path_parts, Api, BodyEncoding, TypeKind, Decoding, Envelope, Operation, Parameter, ParameterLocation, ParameterStyle, PathPart, PropertyStyle, RequestBody, Response, SchemeKind, SecurityScheme, Server, Status, TypeRef,
};
use crate::passes::names;

/// The `Client` struct and its constructors (and the envelope); each operation's method is
/// emitted beside its call by [`operation_items`].
pub(crate) fn client(api: &Api) -> TokenStream {
    let servers = api.servers.iter().map(server_constructor);
    let credentials = api.security_schemes.iter().map(credential_setter);
    let envelope = api.envelope.as_ref().map(envelope_const);
    let doc = docs(&format!(
        "A client for {}.\n\nCreate one with a constructor per documented server, or with [`Client::new`] for any base URL \
         (a proxy, a self-hosted server, a test server); [`vendor_runtime::ApiClient`] adds the constructors and accessors \
         for timeouts, retries and plain-HTTP rules ([`vendor_runtime::Config`]). Clones share one connection pool.",
        api.title
    ));
    let client = ident(names::CLIENT);
    quote! {
        #doc
        #[derive(Clone, Debug)]
        pub struct #client {
            http: rt::HttpClient,
        }

        impl rt::ApiClient for #client {
            fn from_http(http: rt::HttpClient) -> Self {
                #client { http }
            }

            fn http(&self) -> &rt::HttpClient {
                &self.http
            }
        }

        impl #client {
            /// A client for any base URL, e.g. `http://127.0.0.1:8080`, with the default configuration.
            pub fn new(base_url: impl ::std::convert::Into<::std::string::String>) -> Self {
                <Self as rt::ApiClient>::with_config(base_url, <rt::Config as ::std::default::Default>::default())
            }

            #(#servers)*

            #(#credentials)*
        }
        #envelope
    }
}

/// The client method that gives a security scheme its credential.
fn credential_setter(scheme: &SecurityScheme) -> TokenStream {
    let method = ident(&scheme.method);
    let name = &scheme.name;
    let (how, written) = match &scheme.kind {
        SchemeKind::Bearer { .. } => (quote! { rt::Scheme::Bearer }, "HTTP bearer: `Authorization: Bearer <token>`".to_owned()),
        SchemeKind::OAuth2 { flows } => {
            let flows: Vec<String> = flows.iter().map(|f| format!("{}{}", f.flow, f.token_url.as_deref().map(|u| format!(" (token URL `{u}`)")).unwrap_or_default())).collect();
            (quote! { rt::Scheme::Bearer }, format!("OAuth 2.0 ({}): `Authorization: Bearer <token>`", flows.join(", ")))
        }
        SchemeKind::OpenIdConnect { url } => (quote! { rt::Scheme::Bearer }, format!("OpenID Connect (`{url}`): `Authorization: Bearer <token>`")),
        SchemeKind::Basic => (quote! { rt::Scheme::Basic }, "HTTP basic: give it `rt::Credential::basic(username, password)`".to_owned()),
        SchemeKind::Http { scheme } => (quote! { rt::Scheme::Http(#scheme) }, format!("`Authorization: {scheme} <credential>`")),
        SchemeKind::ApiKey { location, parameter } => {
            let (place, word) = match location {
                ParameterLocation::Query => (quote! { rt::KeyLocation::Query }, "query parameter"),
                ParameterLocation::Cookie => (quote! { rt::KeyLocation::Cookie }, "cookie"),
                ParameterLocation::Header | ParameterLocation::Path => (quote! { rt::KeyLocation::Header }, "header"),
            };
            (quote! { rt::Scheme::ApiKey { location: #place, name: #parameter } }, format!("an API key in the {word} `{parameter}`"))
        }
    };
    let mut text = format!(
        "This client, authenticating the operations that need `{name}` with `credential`: {written}.\n\n\
         Give it a token manager (`TokenManager`) to have the token kept fresh and renewed once when the API answers 401, \
         or a fixed `rt::Credential::token`. The credential is never printed and never sent to another host or over plain HTTP."
    );
    if let Some(description) = &scheme.description {
        text.push_str(&format!("\n\n{description}"));
    }
    text.push_str(&format!("\n\nSource: `{}`.", scheme.source));
    let doc = docs(&text);
    quote! {
        #doc
        pub fn #method(self, credential: impl ::std::convert::Into<rt::Credential>) -> Self {
            <Self as rt::ApiClient>::from_http(self.http.with_credential(#name, #how, credential.into()))
        }
    }
}

/// `.security(...)` for an operation that needs credentials.
fn security_step(operation: &Operation) -> Option<TokenStream> {
    if operation.security.is_empty() {
        return None;
    }
    let alternatives = operation.security.iter().map(|alternative| {
        let schemes = alternative.schemes.iter().map(|used| &used.scheme);
        quote! { &[#(#schemes),*] }
    });
    Some(quote! { let request = request.security(&[#(#alternatives),*]); })
}

/// What the method's documentation says about credentials.
fn security_doc(api: &Api, operation: &Operation) -> Option<String> {
    if operation.security.is_empty() {
        return None;
    }
    let setter = |name: &str| api.security_schemes.iter().find(|s| s.name == name).map_or_else(|| format!("`{name}`"), |s| format!("[`{}::{}`]", names::CLIENT, s.method.trim_start_matches("r#")));
    let alternatives: Vec<String> = operation
        .security
        .iter()
        .map(|alternative| if alternative.schemes.is_empty() { "none".to_owned() } else { alternative.schemes.iter().map(|u| setter(&u.scheme)).collect::<Vec<_>>().join(" and ") })
        .collect();
    Some(format!("Authenticated with the client's credentials: {}.\n\n", alternatives.join(", or ")))
}

/// One operation: its `Client` method (in an `impl` block of its own), its call builder, and
/// its success and error enums, built once and printed together.
pub(crate) fn operation_items(api: &Api, operation: &Operation) -> TokenStream {
    let (method, call) = operation_method(api, operation);
    let enums = operation_enums(operation);
    let client = ident(names::CLIENT);
    quote! {
        impl #client {
            #method
        }
        #call
        #enums
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
            quote! { ::std::option::Option::Some(#path) }
        }
        None => quote! { ::std::option::Option::None },
    };
    let doc = docs(&format!("How every answer of this API is wrapped.\n\nSource: `{}`.", envelope.source));
    let name = ident(names::ENVELOPE);
    quote! {
        #doc
        pub const #name: rt::Envelope = rt::Envelope {
            status: #status,
            success: #success,
            payload: #payload,
            message: #message,
        };
    }
}

fn server_constructor(server: &Server) -> TokenStream {
    let name = ident(&server.constructor);
    let required: Vec<_> = server.variables.iter().filter(|v| v.default.is_none()).collect();
    let args = required.iter().map(|v| {
        let arg = ident(&v.rust_name);
        quote! { #arg: &str }
    });
    let substitutions = server.variables.iter().map(|v| {
        let placeholder = format!("{{{}}}", v.name);
        match &v.default {
            Some(default) => quote! { let url = url.replace(#placeholder, #default); },
            None => {
                let arg = ident(&v.rust_name);
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
        text.push_str(&format!("\n\n`{}`: {about}", variable.rust_name.trim_start_matches("r#")));
    }
    text.push_str(&format!("\n\nSource: `{}`.", server.source));
    let doc = docs(&text);
    let url = &server.url;
    if server.variables.is_empty() {
        return quote! {
            #doc
            pub fn #name() -> Self {
                Self::new(#url)
            }
        };
    }
    quote! {
        #doc
        pub fn #name(#(#args),*) -> Self {
            let url = ::std::string::String::from(#url);
            #(#substitutions)*
            Self::new(url)
        }
    }
}

/// The Rust type of an answer's decoded value: its type, or `()` without a body.
fn value_type(response: &Response) -> TokenStream {
    match response.decoding.as_ref().and_then(Decoding::value_type) {
        Some(ty) => type_tokens(ty),
        None => quote! { () },
    }
}

/// The success value type of an operation: its one value type, `()`, or its success enum.
fn success_type(operation: &Operation) -> TokenStream {
    let successes: Vec<&Response> = operation.success_responses().collect();
    match successes.as_slice() {
        [] => quote! { () },
        [one] => value_type(one),
        _ => {
            let name = ident(&operation.success_enum);
            quote! { #name }
        }
    }
}

/// One operation: a `Client` method taking the required parameters, which returns the call's
/// builder; the builder has a setter per optional parameter and `send` (or `.await`).
fn operation_method(api: &Api, operation: &Operation) -> (TokenStream, TokenStream) {
    let name = ident(&operation.name);
    let call = ident(&operation.call);
    let success = success_type(operation);
    let error = ident(&operation.error_enum);
    let method = format_ident!("{}", operation.method.as_str());
    let client = ident(names::CLIENT);
    let method_name = operation.name.trim_start_matches("r#");

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
    text.push_str(&format!("`{} {}`\n\n", operation.method.as_str(), operation.path));
    if let Some(security) = security_doc(api, operation) {
        text.push_str(&security);
    }

    // Required parameters are the method's arguments, borrowed for the call's lifetime; optional
    // ones are owned fields of the call, set by name.
    let mut args = Vec::new();
    let mut fields = Vec::new();
    let mut setters = Vec::new();
    let mut request_steps = Vec::new();
    for parameter in operation.parameters.iter().filter(|p| p.location == ParameterLocation::Path) {
        args.push((ident(&parameter.rust_name), argument_type(&parameter.ty)));
    }
    if let Some(path) = path_expression(operation) {
        request_steps.push(quote! { let request = request.path(#path); });
    }
    request_steps.extend(security_step(operation));
    for parameter in operation.parameters.iter().filter(|p| p.location != ParameterLocation::Path) {
        let arg = ident(&parameter.rust_name);
        let ty = type_tokens(&parameter.ty);
        if parameter.required {
            args.push((arg.clone(), argument_type(&parameter.ty)));
            let step = add_parameter(parameter, &quote! { #arg });
            request_steps.push(quote! { let request = #step; });
        } else {
            fields.push((arg.clone(), quote! { ::std::option::Option<#ty> }));
            let doc = docs(&parameter_doc(parameter));
            setters.push(quote! {
                #doc
                pub fn #arg(mut self, value: impl ::std::convert::Into<#ty>) -> Self {
                    self.#arg = ::std::option::Option::Some(value.into());
                    self
                }
            });
            let step = add_parameter(parameter, &quote! { value });
            request_steps.push(quote! {
                let request = match &#arg {
                    ::std::option::Option::Some(value) => #step,
                    ::std::option::Option::None => request,
                };
            });
        }
    }
    // The media type the body goes as, when the document offers several.
    let mut media_choice = None;
    if let Some(body) = &operation.request_body {
        let (ty, mut add) = request_body(api, body);
        if !body.alternatives.is_empty() {
            let (choosers, writer) = body_choice(api, body, add);
            setters.extend(choosers);
            add = writer;
            media_choice = Some(body.content_type.clone());
        }
        let body_name = ident("body");
        if body.required {
            args.push((body_name, ty));
            request_steps.push(quote! { let request = #add; });
        } else {
            fields.push((body_name, quote! { ::std::option::Option<#ty> }));
            let doc = docs(&format!("The request body (`{}`); the document makes it optional.", body.content_type));
            setters.push(quote! {
                #doc
                pub fn body(mut self, body: #ty) -> Self {
                    self.body = ::std::option::Option::Some(body);
                    self
                }
            });
            request_steps.push(quote! {
                let request = match body {
                    ::std::option::Option::Some(body) => #add,
                    ::std::option::Option::None => request,
                };
            });
        }
    }

    let optional: Vec<String> = fields.iter().map(|(name, _)| format!("`{}`", name.to_string().trim_start_matches("r#"))).collect();
    if optional.is_empty() {
        text.push_str("Returns the call: `.await` it (or `.send().await`).");
    } else {
        text.push_str(&format!("Returns the call: set its optional parameters ({}), then `.await` it (or `.send().await`).", optional.join(", ")));
    }
    text.push_str(&format!("\n\nSource: `{}`.", operation.source));
    let doc = docs(&text);

    let api_name = &api.name;
    let template = &operation.path;
    let arms = status_arms(operation);
    let arg_names: Vec<_> = args.iter().map(|(name, _)| name).collect();
    let arg_types = args.iter().map(|(_, ty)| ty);
    let optional_names: Vec<_> = fields.iter().map(|(name, _)| name).collect();
    let field_types = fields.iter().map(|(_, ty)| ty);
    let field_decls = arg_names.iter().copied().zip(args.iter().map(|(_, ty)| ty)).map(|(name, ty)| quote! { #name: #ty, });
    let output = quote! { ::std::result::Result<rt::ResponseValue<#success>, rt::Error<#error>> };
    // A named future (the runtime's), so that `.await` on the builder boxes nothing more.
    let sending = quote! { rt::Call<'a, rt::ResponseValue<#success>, #error> };
    // A binary answer can also be read as it arrives, past the buffered size cap.
    let streams = operation.success_responses().any(|r| matches!(r.decoding, Some(Decoding::Body(TypeRef::Binary))));
    let streaming = streams.then(|| {
        let decode_error = error_decoding(operation);
        quote! {
            /// Sends the request and hands back the success answer's body as it arrives (a large
            /// download is not held in memory); an error answer decodes as with `send`.
            pub async fn send_streaming(self) -> ::std::result::Result<rt::ByteStream, rt::Error<#error>> {
                let (client, request) = self.request();
                match client.http.send_streaming(request).await? {
                    rt::Streamed::Body(stream) => ::std::result::Result::Ok(stream),
                    rt::Streamed::Whole(response) => #decode_error,
                }
            }
        }
    });
    let settings = if optional.is_empty() { "per-call options" } else { "its optional parameters and per-call options" };
    let call_doc = docs(&format!(
        "A call of [`{}::{method_name}`]: set {settings} (headers, a timeout, an idempotency key), then `.await` it \
         or call [`send`](Self::send).",
        names::CLIENT
    ));
    let media_init = media_choice.as_ref().map(|preferred| quote! { body_media_type: #preferred, });
    let media_decl = media_choice.as_ref().map(|_| quote! { body_media_type: &'static str, });
    let media_bind = media_choice.as_ref().map(|_| quote! { body_media_type, });
    let method_fn = quote! {
        #doc
        pub fn #name<'a>(&'a self, #(#arg_names: #arg_types),*) -> #call<'a> {
            #call {
                client: self,
                call_options: rt::CallOptions::new(),
                #(#arg_names,)*
                #(#optional_names: ::std::option::Option::None,)*
                #media_init
            }
        }
    };
    let builder = quote! {
        #call_doc
        #[must_use = "a call does nothing until it is awaited or sent"]
        pub struct #call<'a> {
            client: &'a #client,
            call_options: rt::CallOptions,
            #(#field_decls)*
            #(#optional_names: #field_types,)*
            #media_decl
        }

        impl<'a> #call<'a> {
            #(#setters)*

            /// Headers, a timeout or an idempotency key for this call only.
            pub fn call_options(mut self, options: rt::CallOptions) -> Self {
                self.call_options = options;
                self
            }

            /// The request this call sends, and the client that sends it.
            fn request(self) -> (&'a #client, rt::Request) {
                let #call { client, call_options, #(#arg_names,)* #(#optional_names,)* #media_bind } = self;
                let request = rt::Request::new(rt::Method::#method, #template).operation(#api_name, #method_name);
                #(#request_steps)*
                (client, request.options(call_options))
            }

            /// Sends the request and decodes the answer.
            pub fn send(self) -> #sending {
                let (client, request) = self.request();
                client.http.call(request, |response| match response.status().as_u16() {
                    #(#arms)*
                })
            }

            #streaming
        }

        impl<'a> ::std::future::IntoFuture for #call<'a> {
            type Output = #output;
            type IntoFuture = #sending;

            fn into_future(self) -> Self::IntoFuture {
                self.send()
            }
        }
    };
    (method_fn, builder)
}

/// The type of a required parameter's argument: borrowed for the call, a string as `&str`.
fn argument_type(ty: &TypeRef) -> TokenStream {
    match ty {
        TypeRef::String => quote! { &'a str },
        _ => {
            let ty = type_tokens(ty);
            quote! { &'a #ty }
        }
    }
}

/// A setter's documentation: the parameter's description and where it goes on the wire.
fn parameter_doc(parameter: &Parameter) -> String {
    let location = match parameter.location {
        ParameterLocation::Path => "path",
        ParameterLocation::Query => "query",
        ParameterLocation::Header => "header",
        ParameterLocation::Cookie => "cookie",
    };
    let wire = format!("The `{}` {location} parameter.", parameter.name);
    match &parameter.description {
        Some(description) => format!("{description}\n\n{wire}"),
        None => wire,
    }
}

/// Whether a parameter's value is written by its `Display` (`ToString`): a string, number or
/// boolean. Anything else (a date-time, an enum, a union, an array or an object) is written
/// from its serde form, in the parameter's style.
fn is_scalar(ty: &TypeRef) -> bool {
    matches!(ty, TypeRef::String | TypeRef::Integer { .. } | TypeRef::Number | TypeRef::Boolean)
}

/// The argument type of a request body, and the request with `body` (that argument) added in
/// the body's encoding.
fn request_body(api: &Api, body: &RequestBody) -> (TokenStream, TokenStream) {
    let ty = type_tokens(&body.ty);
    let argument = match body.encoding {
        BodyEncoding::Json | BodyEncoding::Multipart | BodyEncoding::Form => quote! { &'a #ty },
        BodyEncoding::Binary => quote! { rt::Bytes },
        BodyEncoding::Text => quote! { &'a str },
    };
    (argument, body_writer(api, body, &body.content_type, body.encoding))
}

/// The request with `body` added as `content_type`, in `encoding`.
fn body_writer(api: &Api, body: &RequestBody, content_type: &str, encoding: BodyEncoding) -> TokenStream {
    match encoding {
        BodyEncoding::Json => quote! { request.json(body) },
        BodyEncoding::Multipart => {
            let form = multipart_form(api, body);
            quote! { request.multipart(#form) }
        }
        BodyEncoding::Form => {
            let styles = body.property_styles.iter().map(|PropertyStyle { property, style }| {
                let style = query_style(*style);
                quote! { (#property, #style) }
            });
            quote! { request.form(body, &[#(#styles),*]) }
        }
        BodyEncoding::Binary => quote! { request.bytes(#content_type, body) },
        BodyEncoding::Text => quote! { request.text(#content_type, body) },
    }
}

/// For a body the document offers in several encodings: the setters choosing another one,
/// and the writer sending the chosen one (the document's preferred one by default).
fn body_choice(api: &Api, body: &RequestBody, preferred: TokenStream) -> (Vec<TokenStream>, TokenStream) {
    let mut setters = Vec::new();
    let mut arms = Vec::new();
    for alternative in &body.alternatives {
        let encoding = BodyEncoding::of(alternative);
        let setter = ident(match encoding {
            BodyEncoding::Form => "as_form",
            BodyEncoding::Multipart => "as_multipart",
            _ => "as_json",
        });
        let doc = docs(&format!("Sends the body as `{alternative}` instead of `{}`; the document offers both.", body.content_type));
        setters.push(quote! {
            #doc
            pub fn #setter(mut self) -> Self {
                self.body_media_type = #alternative;
                self
            }
        });
        let writer = body_writer(api, body, alternative, encoding);
        arms.push(quote! { #alternative => #writer, });
    }
    (setters, quote! { match body_media_type { #(#arms)* _ => #preferred } })
}

/// The parts of a multipart `body`: one per property of its struct, a file part for each
/// file; a body of another type is written from its serde form.
fn multipart_form(api: &Api, body: &RequestBody) -> TokenStream {
    let deep = |wire: &str| body.property_styles.iter().any(|p| p.property == wire && p.style == ParameterStyle::DeepObject);
    let def = match &body.ty {
        TypeRef::Named(name) => api.type_def(name),
        _ => None,
    };
    let Some((TypeKind::Struct { fields, additional }, received)) = def.map(|def| (&def.kind, def.received)) else {
        return quote! { rt::Multipart::fields(body) };
    };
    let mut parts: Vec<TokenStream> = fields.iter().map(|field| {
        let member = ident(&field.rust_name);
        let wire = &field.wire_name;
        match (&field.ty, field.is_option()) {
            (TypeRef::File, false) => quote! { form.file(#wire, &body.#member) },
            (TypeRef::File, true) => quote! {
                match &body.#member {
                    ::std::option::Option::Some(file) => form.file(#wire, file),
                    ::std::option::Option::None => form,
                }
            },
            (TypeRef::Array(item), false) if **item == TypeRef::File => quote! { body.#member.iter().fold(form, |form, file| form.file(#wire, file)) },
            (TypeRef::Array(item), true) if **item == TypeRef::File => {
                quote! { body.#member.iter().flatten().fold(form, |form, file| form.file(#wire, file)) }
            }
            _ if deep(wire) => quote! { form.deep_field(#wire, &body.#member) },
            _ => quote! { form.field(#wire, &body.#member) },
        }
    }).collect();
    // The member that keeps properties beyond the listed ones, when the struct has one.
    if additional.is_some() || received {
        let member = ident(names::ADDITIONAL_PROPERTIES);
        parts.push(quote! { body.#member.iter().fold(form, |form, (name, value)| form.field(name, value)) });
    }
    // Each part takes the form so far; the last one is the block's value.
    let Some(last) = parts.pop() else { return quote! { rt::Multipart::new() } };
    quote! {
        {
            let form = rt::Multipart::new();
            #(let form = #parts;)*
            #last
        }
    }
}

fn query_style(style: ParameterStyle) -> TokenStream {
    match style {
        ParameterStyle::Form => quote! { rt::QueryStyle::Form { explode: true } },
        ParameterStyle::FormUnexploded => quote! { rt::QueryStyle::Form { explode: false } },
        ParameterStyle::SpaceDelimited => quote! { rt::QueryStyle::SpaceDelimited },
        ParameterStyle::PipeDelimited => quote! { rt::QueryStyle::PipeDelimited },
        ParameterStyle::DeepObject => quote! { rt::QueryStyle::DeepObject },
    }
}

/// The request with one query, header or cookie parameter added; `value` is a reference to it.
fn add_parameter(parameter: &Parameter, value: &TokenStream) -> TokenStream {
    let wire = &parameter.name;
    let scalar = is_scalar(&parameter.ty);
    match parameter.location {
        ParameterLocation::Query if scalar => quote! { request.query(#wire, #value) },
        ParameterLocation::Query => {
            let style = query_style(parameter.style);
            quote! { request.query_param(#wire, #value, #style) }
        }
        ParameterLocation::Header | ParameterLocation::Path if scalar => quote! { request.header(#wire, #value) },
        ParameterLocation::Header | ParameterLocation::Path => quote! { request.header_param(#wire, #value) },
        ParameterLocation::Cookie => quote! { request.cookie_param(#wire, #value) },
    }
}

/// The request path, when the operation's template has parameters: a `format!` that
/// percent-encodes each of them as it writes it (`rt::PathSegment`; other types through
/// `rt::path_param`). `None` when the template is the path.
fn path_expression(operation: &Operation) -> Option<TokenStream> {
    let mut template = String::new();
    let mut values = Vec::new();
    for part in path_parts(&operation.path) {
        match part {
            PathPart::Literal(text) => template.push_str(&text.replace('{', "{{").replace('}', "}}")),
            PathPart::Placeholder(wire) => {
                // The analysis pass made sure every placeholder has its path parameter.
                let Some(parameter) = operation.parameters.iter().find(|p| p.location == ParameterLocation::Path && p.name == wire) else { continue };
                let arg = ident(&parameter.rust_name);
                template.push_str("{}");
                values.push(if is_scalar(&parameter.ty) {
                    quote! { rt::PathSegment(#arg) }
                } else {
                    quote! { rt::path_param(#arg) }
                });
            }
        }
    }
    (!values.is_empty()).then(|| quote! { format!(#template, #(#values),*) })
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
fn decode_expression(operation: &Operation, response: &Response, input: TokenStream) -> TokenStream {
    let variant = ident(&response.variant);
    if !response.status.is_success() {
        let error_enum = ident(&operation.error_enum);
        return match response.body {
            Some(_) => quote! { Err(#input.error(#error_enum::#variant)) },
            None => quote! { Err(#input.error_without_body(#error_enum::#variant)) },
        };
    }
    let envelope = ident(names::ENVELOPE);
    // With several success answers, each is a variant of the success enum the names pass named.
    let wrap = (!operation.success_enum.is_empty()).then(|| {
        let success_enum = ident(&operation.success_enum);
        quote! { #success_enum::#variant }
    });
    let wrap_or_identity = wrap.clone().unwrap_or_else(|| quote! { ::std::convert::identity });
    match (response.decoding.as_ref().unwrap_or(&Decoding::Empty), wrap) {
        (Decoding::Body(TypeRef::Binary), _) => quote! { #input.success_bytes(#wrap_or_identity) },
        (Decoding::Body(TypeRef::String), _) if response.content_type.as_deref().is_some_and(|c| BodyEncoding::of(c) == BodyEncoding::Text) => {
            quote! { #input.success_text(#wrap_or_identity) }
        }
        (Decoding::Body(_), None) => quote! { #input.success() },
        (Decoding::Body(_), Some(wrap)) => quote! { #input.success_as(#wrap) },
        (Decoding::Payload(_), None) => quote! { #input.enveloped(&#envelope) },
        (Decoding::Payload(_), Some(wrap)) => quote! { #input.enveloped_as(&#envelope, #wrap) },
        (Decoding::Outcome { code, .. }, None) => quote! { #input.outcome_as(&#envelope, #code, ::std::convert::identity) },
        (Decoding::Outcome { code, .. }, Some(wrap)) => quote! { #input.outcome_as(&#envelope, #code, #wrap) },
        (Decoding::Empty, None) => quote! { #input.empty_success(()) },
        (Decoding::Empty, Some(wrap)) => quote! { #input.empty_success(#wrap) },
    }
}

/// The distinct statuses of `responses` in the order their match arms must come: exact codes,
/// then ranges, then `default`.
fn statuses_in_order<'r>(responses: impl Iterator<Item = &'r Response>) -> Vec<Status> {
    let mut statuses: Vec<Status> = Vec::new();
    for response in responses {
        if !statuses.contains(&response.status) {
            statuses.push(response.status);
        }
    }
    statuses.sort_by_key(|status| match status {
        Status::Code(_) => 0,
        Status::Range(_) => 1,
        Status::Default => 2,
    });
    statuses
}

fn status_arms(operation: &Operation) -> Vec<TokenStream> {
    // One arm per status; several responses under one status are alternatives, tried in
    // document order until one matches.
    let statuses = statuses_in_order(operation.responses.iter());
    let mut arms: Vec<TokenStream> = statuses
        .iter()
        .map(|status| {
            let pattern = status_pattern(*status);
            let alternatives: Vec<&Response> = operation.responses.iter().filter(|r| r.status == *status).collect();
            let body = match alternatives.split_last() {
                Some((last, [])) => decode_expression(operation, last, quote! { response }),
                Some((last, first)) => {
                    let attempts = first.iter().map(|r| {
                        let attempt = decode_expression(operation, r, quote! { response.clone() });
                        quote! {
                            let attempt = #attempt;
                            if !rt::may_match_another(&attempt) {
                                return attempt;
                            }
                        }
                    });
                    let last = decode_expression(operation, last, quote! { response });
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

/// Decodes a non-2xx `response`: by its documented error status, else as unexpected.
fn error_decoding(operation: &Operation) -> TokenStream {
    let statuses = statuses_in_order(operation.error_responses());
    let arms: Vec<TokenStream> = statuses
        .iter()
        .filter(|status| **status != Status::Default)
        .filter_map(|status| {
            let pattern = status_pattern(*status);
            let response = operation.error_responses().find(|r| r.status == *status)?;
            let decode = decode_expression(operation, response, quote! { response });
            Some(quote! { #pattern => #decode, })
        })
        .collect();
    let fallback = match operation.error_responses().find(|r| r.status == Status::Default) {
        Some(default) => decode_expression(operation, default, quote! { response }),
        None => quote! { Err(response.unexpected()) },
    };
    if arms.is_empty() {
        return fallback;
    }
    quote! {
        match response.status().as_u16() {
            #(#arms)*
            _ => #fallback,
        }
    }
}

fn operation_enums(operation: &Operation) -> TokenStream {
    let error = ident(&operation.error_enum);
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
        let name = ident(&operation.success_enum);
        let variants = successes.iter().map(|r| variant(r, r.decoding.as_ref().and_then(Decoding::value_type).map(type_tokens)));
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
