//! The parts of an operation that the page readers assemble alike from what they found: path
//! parameters of a path's `{placeholders}`, header parameters, the server a URL names, and JSON
//! request and response bodies from a shape and the example that fits it.
//!
//! Readers find things in their pages and hand them over; this module only builds the IR
//! pieces, so the same finding becomes the same IR whatever the format. It must not read page
//! syntax, look for anything in a page, or name operations.

use super::curl::{self, Url};
use super::json_example::JsonExample;
use super::shape::{self, Shape};
use crate::builder::ApiBuilder;
use crate::ir::{BodyEncoding, Parameter, ParameterLocation, ParameterStyle, RequestBody, Response, Server, ServerVariable, Source, TypeRef};
use crate::naming;

/// A required string parameter for each `{placeholder}` of `path`, in path order.
pub(crate) fn path_parameters(path: &str, source: &Source) -> Vec<Parameter> {
    curl::placeholders(path)
        .into_iter()
        .map(|variable| Parameter {
            rust_name: naming::snake_ident(&variable),
            name: variable,
            location: ParameterLocation::Path,
            required: true,
            ty: TypeRef::String,
            description: None,
            style: ParameterStyle::Form,
            source: source.clone(),
        })
        .collect()
}

/// A string header parameter.
pub(crate) fn header_parameter(name: &str, required: bool, description: Option<String>, source: Source) -> Parameter {
    Parameter {
        name: name.to_owned(),
        rust_name: naming::snake_ident(name),
        location: ParameterLocation::Header,
        required,
        ty: TypeRef::String,
        description,
        style: ParameterStyle::Form,
        source,
    }
}

/// A required header parameter that the page's curl example sends with `value`.
pub(crate) fn sent_header(name: &str, value: &str, source: Source) -> Parameter {
    header_parameter(name, true, Some(format!("The curl example sends `{name}: {value}`.")), source)
}

/// The server of `url`'s origin; each `{name}` of a templated host is a server variable
/// without a default.
pub(crate) fn server(url: &Url, source: Source) -> Server {
    let variables = url.host_variables().into_iter().map(|name| ServerVariable { name, rust_name: String::new(), default: None, description: None, allowed: Vec::new() }).collect();
    Server { url: url.origin(), constructor: String::new(), description: None, variables, source }
}

/// A required request body of `shape` (defined in the type space here), with `example` when
/// the reader kept one: JSON, or a form or multipart body of those fields when the page says so.
pub(crate) fn json_request_body(api: &mut ApiBuilder, content_type: String, shape: &Shape, example: Option<JsonExample>) -> RequestBody {
    let encoding = match BodyEncoding::of(&content_type) {
        fields @ (BodyEncoding::Form | BodyEncoding::Multipart) => fields,
        _ => BodyEncoding::Json,
    };
    RequestBody {
        encoding,
        property_styles: Vec::new(),
        content_type,
        ty: shape::define(api, shape),
        required: true,
        description: None,
        examples: example.map(|e| e.to_example()).into_iter().collect(),
        alternatives: Vec::new(),
    }
}

/// Gives `response` a JSON body of `shape` (defined in the type space here) and `example`.
/// While the API has no envelope, the example's envelope (if it shows one) becomes it.
pub(crate) fn json_response_body(api: &mut ApiBuilder, response: &mut Response, shape: &Shape, example: Option<JsonExample>) {
    response.content_type = Some("application/json".to_owned());
    response.body = Some(shape::define(api, shape));
    if let Some(example) = example {
        if api.envelope.is_none() {
            api.envelope = shape::envelope_of(&example.value, example.source(""));
        }
        response.examples.push(example.to_example());
    }
}
