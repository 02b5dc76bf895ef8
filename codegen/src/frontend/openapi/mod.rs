//! OpenAPI documents -> IR: plain files (YAML or JSON; 3.0, 3.1 or Swagger 2.0) and OpenAPI
//! embedded in a markdown page (Mintlify, Apifox exports).
//!
//! A document's text (the whole file, or each fenced `yaml`/`json` block of a page that holds
//! an `openapi:` document) is parsed with serde_yaml (JSON is YAML; anchors and aliases
//! resolved), normalised to plain OpenAPI 3.0 ([`normalize`], after [`swagger2`] for 2.0
//! documents), read with `openapiv3`, and translated into the IR. A Mintlify fence whose info
//! string names one operation (`yaml POST /path`) contributes that operation only. Every item
//! gets its source line from a `PageYaml` over the same text, so a JSON file's items point at
//! their lines too.
//!
//! One reader beside the others: it imports no other format's reader, and what it shares with
//! them comes from the page parts listed in [`super`].

mod compose;
mod model;
mod normalize;
mod schema;
mod security;
mod swagger2;

use openapiv3::{OpenAPI, ReferenceOr};
use serde_yaml::Value;

use super::markdown::Fence;
use super::page::PageYaml;
use super::Document;
use crate::builder::ApiBuilder;
use crate::diagnostic::Diagnostic;
use crate::ir::{BodyEncoding, Example, Method, Operation, ParameterStyle, PropertyStyle, RequestBody, Response, Server, ServerVariable, Source, Status, TypeRef};
use crate::naming;
use crate::yaml_lines::{child, pointer};
use schema::{Hint, SchemaReader};

/// The root keys that declare an OpenAPI document (`swagger` for 2.0).
const VERSION_KEYS: [&str; 2] = ["openapi", "swagger"];

/// Whether a fence holds an OpenAPI document: a YAML fence with a root `openapi:` (or
/// `swagger:`) line, or a JSON fence whose object has such a member.
pub fn is_openapi_fence(fence: &Fence) -> bool {
    match fence.language() {
        "yaml" | "yml" => declares_version_in_yaml(&fence.content),
        "json" => declares_version_in_json(&fence.content),
        _ => false,
    }
}

/// Whether a whole document is an OpenAPI file: a JSON object with an `openapi` (or `swagger`)
/// member, or YAML that starts with a key and has an `openapi:` (or `swagger:`) key as
/// indented as that first one. A page holding OpenAPI in a fence has a fence line, so it is
/// never taken for a file.
pub fn is_openapi_document(text: &str) -> bool {
    let text = text.trim_start_matches('\u{feff}');
    if text.trim_start().starts_with('{') {
        return declares_version_in_json(text);
    }
    let mut significant = text.lines().filter(|line| {
        let trimmed = line.trim();
        !(trimmed.is_empty() || trimmed.starts_with('#') || trimmed == "---" || trimmed.starts_with('%'))
    });
    // The root keys' indentation: most files use none, some indent every root key alike.
    let Some(indent) = significant.next().filter(|line| is_key_line(line)).map(|line| line.len() - line.trim_start().len()) else {
        return false;
    };
    // A markdown fence sits at the root keys' indentation; in a YAML file a fence can only be
    // text of a description, indented deeper than its key.
    let has_fence = text.lines().any(|line| {
        let trimmed = line.trim_start();
        line.len() - trimmed.len() <= indent && (trimmed.starts_with("```") || trimmed.starts_with("~~~"))
    });
    let declares_version = text.lines().any(|line| {
        line.len() - line.trim_start().len() == indent && VERSION_KEYS.iter().any(|key| line.trim_start().strip_prefix(key).is_some_and(|rest| rest.starts_with(':')))
    });
    !has_fence && declares_version
}

/// `key: value` (or `key:`), a bare or quoted key without spaces.
fn is_key_line(line: &str) -> bool {
    let Some((key, _)) = line.trim_start().split_once(':') else { return false };
    let key = key.trim_matches(|c| c == '"' || c == '\'');
    !key.is_empty() && !key.contains(char::is_whitespace)
}

fn declares_version_in_yaml(text: &str) -> bool {
    text.lines().any(|line| VERSION_KEYS.iter().any(|key| line.strip_prefix(key).is_some_and(|rest| rest.starts_with(':'))))
}

fn declares_version_in_json(text: &str) -> bool {
    VERSION_KEYS.iter().any(|key| {
        let quoted = format!("\"{key}\"");
        text.match_indices(&quoted).any(|(at, _)| text.get(at + quoted.len()..).is_some_and(|rest| rest.trim_start().starts_with(':')))
    })
}

/// Reads every OpenAPI fence of a markdown page into `api`.
pub fn read_fences(document: &Document, fences: &[Fence], api: &mut ApiBuilder) -> Result<(), Vec<Diagnostic>> {
    let mut errors = Vec::new();
    for fence in fences.iter().filter(|f| is_openapi_fence(f)) {
        if let Err(mut found) = read_fence(document, fence, api) {
            errors.append(&mut found);
        }
    }
    if errors.is_empty() { Ok(()) } else { Err(errors) }
}

/// Reads a whole OpenAPI file (YAML or JSON) into `api`.
pub fn read_file(document: &Document, api: &mut ApiBuilder) -> Result<(), Vec<Diagnostic>> {
    read_text(document, &document.text, 0, None, api)
}

/// One OpenAPI document inside one fence, with what is needed to point back into the page.
pub(crate) struct Context<'a> {
    /// The fence's YAML; its offset is the page line of the fence's first content line, minus one.
    pub yaml: PageYaml<'a>,
    pub spec: &'a OpenAPI,
    /// The text is a Swagger 2.0 document: pointers into the upgraded 3.0 form are mapped back
    /// to where 2.0 writes the same item before their lines are looked up.
    pub swagger2: bool,
}

/// Where Swagger 2.0 keeps what OpenAPI 3.0 keeps under `components`.
const SWAGGER2_SECTIONS: [(&str, &str); 4] = [
    ("/components/schemas/", "/definitions/"),
    ("/components/parameters/", "/parameters/"),
    ("/components/responses/", "/responses/"),
    ("/components/securitySchemes/", "/securityDefinitions/"),
];

impl Context<'_> {
    /// The pointer in the document as written for `pointer` into the document as read.
    pub fn written(&self, pointer: &str) -> String {
        if self.swagger2 {
            for (read, written) in SWAGGER2_SECTIONS {
                if let Some(rest) = pointer.strip_prefix(read) {
                    return format!("{written}{rest}");
                }
            }
        }
        pointer.to_owned()
    }

    pub fn source(&self, pointer: &str) -> Source {
        self.yaml.source(&self.written(pointer))
    }

    pub fn error(&self, pointer: &str, message: impl Into<String>) -> Diagnostic {
        self.yaml.error(&self.written(pointer), message)
    }
}

fn read_fence(document: &Document, fence: &Fence, api: &mut ApiBuilder) -> Result<(), Vec<Diagnostic>> {
    let line_offset = fence.content_line.saturating_sub(1);
    if fence.unclosed {
        return Err(vec![Diagnostic::error(
            &document.path,
            &document.text,
            fence.fence_line,
            1,
            "this code fence is never closed",
        )
        .with_hint("end the OpenAPI block with a line holding the same fence it opened with")]);
    }
    let only = mintlify_operation(fence).map(|(method, path)| (method, path, page_title(document, fence)));
    read_text(document, &fence.content, line_offset, only, api)
}

/// The page's title for the one operation its fence documents: the last top-level heading
/// above the fence, leaving out provenance lines (`# Source: …`) that vendoring prepends.
fn page_title(document: &Document, fence: &Fence) -> Option<String> {
    super::markdown::blocks(&document.text, 1)
        .into_iter()
        .take_while(|block| block.line() < fence.fence_line)
        .filter_map(|block| match block {
            super::markdown::Block::Heading { level: 1, text, .. } if !text.trim_start().starts_with("Source:") => Some(text.trim().to_owned()),
            _ => None,
        })
        .filter(|text| text.chars().any(|c| c.is_ascii_alphabetic()))
        .last()
}

/// Reads one OpenAPI document, `text`, whose line n is line `n + line_offset` of `document`;
/// `only` restricts it to one operation.
/// `only` restricts it to one operation, with the page's title for it.
fn read_text(document: &Document, text: &str, line_offset: u32, only: Option<(Method, String, Option<String>)>, api: &mut ApiBuilder) -> Result<(), Vec<Diagnostic>> {
    let syntax = if text.trim_start().starts_with('{') { "JSON" } else { "YAML" };
    let container = if line_offset == 0 && text.len() == document.text.len() { "document" } else { "block" };
    // The values and the line index are two parses of the same text, independent of each
    // other: on a large document they run side by side.
    let (parsed, lines) = std::thread::scope(|scope| {
        let lines = scope.spawn(|| crate::yaml_lines::LineIndex::new(text));
        let parsed = serde_yaml::from_str::<Value>(text);
        (parsed, lines.join().unwrap_or_default())
    });
    let mut value: Value = parsed.map_err(|e| {
        let (line, column) = e
            .location()
            .map_or((line_offset + 1, 0), |l| (crate::diagnostic::to_u32(l.line()) + line_offset, crate::diagnostic::to_u32(l.column())));
        vec![Diagnostic::error(&document.path, &document.text, line, column, format!("invalid {syntax} in the OpenAPI {container}: {}", without_location(&e.to_string())))]
    })?;
    let yaml = PageYaml::with_lines(document, lines, line_offset);
    let swagger2 = value.get("swagger").is_some();
    let mut notes = swagger2::upgrade(&mut value);
    notes.extend(normalize::normalize(&mut value));
    let spec: OpenAPI = model::read(value).map_err(|invalid| {
        let error = |e: model::Invalid| yaml.error(&e.pointer, format!("not a valid OpenAPI 3.0 document at `{}`: {}", e.path, e.message));
        invalid.into_iter().map(error).collect::<Vec<_>>()
    })?;
    let context = Context { yaml, spec: &spec, swagger2 };
    for note in notes {
        api.warn(context.source(&note.pointer), note.message);
    }
    if api.title.is_none() && !spec.info.title.trim().is_empty() {
        api.title = Some(spec.info.title.trim().to_owned());
    }
    if api.description.is_none() {
        api.description = spec.info.description.clone().filter(|d| !d.trim().is_empty());
    }
    read_servers(&context, api);
    security::read_schemes(&context, api);

    let mut reader = SchemaReader::new(&context);
    reader.declare_components(api);
    let mut errors = Vec::new();
    if let Err(mut found) = reader.define_components(api) {
        errors.append(&mut found);
    }
    for (path, item) in spec.paths.iter() {
        let ReferenceOr::Item(item) = item else {
            errors.push(context.error(&pointer(&["paths", path]), "a `$ref` path item is not supported"));
            continue;
        };
        for (method, operation) in item.iter() {
            let Some(method) = Method::parse(method) else { continue };
            if only.as_ref().is_some_and(|(m, p, _)| *m != method || p != path) {
                continue;
            }
            let title = only.as_ref().and_then(|(_, _, title)| title.as_deref());
            match read_operation(&mut reader, api, method, path, &item.parameters, operation, title) {
                Ok(op) => api.operations.push(op),
                Err(mut found) => errors.append(&mut found),
            }
        }
    }
    if errors.is_empty() { Ok(()) } else { Err(errors) }
}

/// serde_yaml's message without its own `at line N column M`: those count from the start of
/// the block, and the diagnostic already points at the page's line and column.
fn without_location(message: &str) -> String {
    let mut out = message.to_owned();
    while let Some(start) = out.find(" at line ") {
        let rest = &out[start + " at line ".len()..];
        let digits_and_column = rest.find(|c: char| !(c.is_ascii_digit() || c == ' ' || "column".contains(c))).unwrap_or(rest.len());
        out.replace_range(start..start + " at line ".len() + digits_and_column, "");
    }
    out
}

/// Document text that says something: `None` for absent, empty or blank text.
fn non_empty(text: &Option<String>) -> Option<String> {
    text.as_ref().map(|t| t.trim()).filter(|t| !t.is_empty()).map(str::to_owned)
}

/// `yaml POST /api/v1/auth/token/renew` -> the one operation a Mintlify page documents.
fn mintlify_operation(fence: &Fence) -> Option<(Method, String)> {
    let mut words = fence.info.split_whitespace().skip(1);
    let method = Method::parse(words.next()?)?;
    let path = words.next()?.to_owned();
    Some((method, path))
}

fn read_servers(context: &Context<'_>, api: &mut ApiBuilder) {
    for (index, server) in context.spec.servers.iter().enumerate() {
        let variables = server
            .variables
            .iter()
            .flatten()
            .map(|(name, variable)| ServerVariable {
                name: name.clone(),
                rust_name: String::new(),
                default: Some(variable.default.clone()).filter(|d| !d.is_empty()),
                description: variable.description.clone(),
                allowed: variable.enumeration.clone(),
            })
            .collect();
        api.add_server(Server {
            url: server.url.clone(),
            constructor: String::new(),
            description: server.description.clone(),
            variables,
            source: context.source(&pointer(&["servers", &index.to_string()])),
        });
    }
}

/// The method name: `operationId` when there is one, else the summary, else method and path.
fn operation_name(method: Method, path: &str, operation: &openapiv3::Operation, page_title: Option<&str>) -> String {
    if let Some(id) = operation.operation_id.as_deref().filter(|id| !id.trim().is_empty()) {
        return naming::snake_ident(id);
    }
    if let Some(summary) = operation.summary.as_deref().or(page_title).filter(|s| s.chars().any(|c| c.is_ascii_alphabetic())) {
        return naming::snake_ident(summary);
    }
    naming::snake_ident(&format!("{} {}", method.as_str(), path))
}

fn read_operation(
    reader: &mut SchemaReader<'_>,
    api: &mut ApiBuilder,
    method: Method,
    path: &str,
    shared: &[ReferenceOr<openapiv3::Parameter>],
    operation: &openapiv3::Operation,
    page_title: Option<&str>,
) -> Result<Operation, Vec<Diagnostic>> {
    let context = reader.context;
    let at = pointer(&["paths", path, &method.as_str().to_ascii_lowercase()]);
    let name = operation_name(method, path, operation, page_title);
    let base = naming::camel_ident(&name);
    let mut errors = Vec::new();

    // The path item's parameters apply to every operation under it, unless the operation
    // declares one of the same name and location.
    let path_at = pointer(&["paths", path, "parameters"]);
    let own = operation.parameters.iter().enumerate().map(|(index, p)| (p, child(&child(&at, "parameters"), &index.to_string())));
    let inherited = shared.iter().enumerate().map(|(index, p)| (p, child(&path_at, &index.to_string())));
    let mut parameters: Vec<crate::ir::Parameter> = Vec::new();
    for (parameter, at) in own.chain(inherited) {
        match reader.parameter(api, parameter, &base, &at) {
            Ok(p) if parameters.iter().any(|q| q.name == p.name && q.location == p.location) => {}
            Ok(p) => parameters.push(p),
            Err(e) => errors.push(e),
        }
    }

    let request_body = match &operation.request_body {
        None => None,
        Some(body) => match read_request_body(reader, api, body, &base, &child(&at, "requestBody")) {
            Ok(body) => body,
            Err(e) => {
                errors.push(e);
                None
            }
        },
    };

    let mut responses = Vec::new();
    let mut documented: Vec<(Status, Option<String>, ReferenceOr<openapiv3::Response>, String)> = operation
        .responses
        .responses
        .iter()
        .map(|(code, r)| {
            let status = match code {
                openapiv3::StatusCode::Code(c) => Status::Code(*c),
                openapiv3::StatusCode::Range(r) => Status::Range(*r),
            };
            (status, None, r.clone(), child(&child(&at, "responses"), &code.to_string()))
        })
        .chain(operation.responses.default.iter().map(|r| (Status::Default, None, r.clone(), child(&child(&at, "responses"), "default"))))
        .collect();
    for (key, value) in &operation.responses.extensions {
        let response_at = child(&child(&at, "responses"), key);
        match alternative_response(key, value) {
            Some(Ok((status, label, response))) => documented.push((status, Some(label), ReferenceOr::Item(response), response_at)),
            Some(Err(e)) => errors.push(context.error(&response_at, format!("alternative response `{key}` is not a valid response: {e}"))),
            None => {}
        }
    }
    let plain_successes = documented.iter().filter(|(s, label, ..)| s.is_success() && label.is_none()).count();
    for (status, label, response, response_at) in &documented {
        let variant = label.as_deref().map_or_else(|| status.reason_phrase(), naming::camel_ident);
        let type_name = if status.is_success() && label.is_none() && plain_successes == 1 {
            format!("{base}Response")
        } else {
            format!("{base}{variant}")
        };
        match read_response(reader, api, *status, variant, response, &type_name, response_at) {
            Ok(r) => responses.push(r),
            Err(e) => errors.push(e),
        }
    }

    if !errors.is_empty() {
        return Err(errors);
    }
    let security = security::requirement(context, api, operation.security.as_ref(), &at);
    Ok(Operation {
        name,
        method,
        path: path.to_owned(),
        summary: non_empty(&operation.summary).or_else(|| page_title.map(str::to_owned)),
        description: non_empty(&operation.description),
        parameters,
        request_body,
        responses,
        security,
        error_enum: String::new(),
        success_enum: String::new(),
        call: String::new(),
        source: context.source(&at),
    })
}

/// `item` itself, or the component of `#/components/{section}/` its `$ref` names, with the
/// pointer it is read at; a `$ref` to nothing is an error at `at` that says it names no `what`.
pub(crate) fn component<'s, T>(
    context: &Context<'s>,
    item: &'s ReferenceOr<T>,
    at: &str,
    section: &str,
    what: &str,
    section_of: impl FnOnce(&'s openapiv3::Components) -> &'s indexmap::IndexMap<String, ReferenceOr<T>>,
) -> Result<(&'s T, String), Diagnostic> {
    match item {
        ReferenceOr::Item(item) => Ok((item, at.to_owned())),
        ReferenceOr::Reference { reference } => {
            let name = reference.strip_prefix(&format!("#/components/{section}/")).unwrap_or_default();
            match context.spec.components.as_ref().and_then(|c| section_of(c).get(name)) {
                Some(ReferenceOr::Item(found)) => Ok((found, pointer(&["components", section, name]))),
                _ => Err(context.error(at, format!("`$ref: {reference}` points at no {what} of this document"))),
            }
        }
    }
}

fn read_request_body(
    reader: &mut SchemaReader<'_>,
    api: &mut ApiBuilder,
    body: &ReferenceOr<openapiv3::RequestBody>,
    base: &str,
    at: &str,
) -> Result<Option<RequestBody>, Diagnostic> {
    let context = reader.context;
    let (body, at) = component(context, body, at, "requestBodies", "request body", |c| &c.request_bodies)?;
    // Of several media types, the most structured one is sent by default (JSON, then form,
    // multipart, binary, text). Others of the same schema and another structured encoding are
    // the caller's alternatives; the rest are noted.
    let Some((content_type, media)) = body.content.iter().min_by_key(|(kind, _)| BodyEncoding::of(kind).preference()) else {
        return Ok(None);
    };
    let encoding = BodyEncoding::of(content_type);
    let mut alternatives: Vec<String> = Vec::new();
    let mut others: Vec<&str> = Vec::new();
    for (kind, other) in body.content.iter().filter(|(kind, _)| *kind != content_type) {
        let other_encoding = BodyEncoding::of(kind);
        let taken = other_encoding == encoding || alternatives.iter().any(|a| BodyEncoding::of(a) == other_encoding);
        if RequestBody::is_structured(encoding) && RequestBody::is_structured(other_encoding) && !taken && other.schema == media.schema {
            alternatives.push(kind.clone());
        } else {
            others.push(kind);
        }
    }
    if !others.is_empty() {
        api.warn(context.source(&at), format!("the request body is sent as `{content_type}`; the document also offers {}", others.join(", ")));
    }
    let at = child(&child(&at, "content"), content_type);
    let hint = Hint::named(format!("{base}Request"));
    let ty = match (&media.schema, encoding) {
        (_, BodyEncoding::Binary) => TypeRef::Binary,
        (_, BodyEncoding::Text) => TypeRef::String,
        (Some(schema), _) => reader.type_of(api, schema, &hint, &child(&at, "schema"))?.ty,
        (None, _) => TypeRef::Any,
    };
    let property_styles = media
        .encoding
        .iter()
        .filter_map(|(property, encoding)| {
            let style = match (encoding.style.as_ref()?, encoding.explode) {
                (openapiv3::QueryStyle::Form, false) => ParameterStyle::FormUnexploded,
                (openapiv3::QueryStyle::Form, _) => ParameterStyle::Form,
                (openapiv3::QueryStyle::SpaceDelimited, _) => ParameterStyle::SpaceDelimited,
                (openapiv3::QueryStyle::PipeDelimited, _) => ParameterStyle::PipeDelimited,
                (openapiv3::QueryStyle::DeepObject, _) => ParameterStyle::DeepObject,
            };
            Some(PropertyStyle { property: property.clone(), style })
        })
        .collect();
    Ok(Some(RequestBody {
        content_type: content_type.to_owned(),
        encoding,
        property_styles,
        ty,
        required: body.required,
        description: non_empty(&body.description),
        examples: if encoding == BodyEncoding::Json { media_examples(context, media, &at) } else { Vec::new() },
        alternatives,
    }))
}

fn read_response(
    reader: &mut SchemaReader<'_>,
    api: &mut ApiBuilder,
    status: Status,
    variant: String,
    response: &ReferenceOr<openapiv3::Response>,
    type_name: &str,
    at: &str,
) -> Result<Response, Diagnostic> {
    let context = reader.context;
    let (response, body_at) = component(context, response, at, "responses", "response", |c| &c.responses)?;
    let description = non_empty(&Some(response.description.clone()));
    let mut result = Response {
        status,
        variant,
        description,
        content_type: None,
        body: None,
        examples: Vec::new(),
        decoding: None,
        source: context.source(at),
    };
    match pick_json(&response.content) {
        Some((content_type, media)) => {
            let media_at = child(&child(&body_at, "content"), content_type);
            result.content_type = Some(content_type.to_owned());
            result.body = Some(match &media.schema {
                Some(schema) => reader.type_of(api, schema, &Hint::named(type_name.to_owned()), &child(&media_at, "schema"))?.ty,
                None => crate::ir::TypeRef::Any,
            });
            result.examples = media_examples(context, media, &media_at);
        }
        None => {
            // A success answer of another media type is a string (`text/*`) or bytes; an
            // error answer of one keeps its raw body in the error.
            let other = response.content.keys().min_by_key(|kind| BodyEncoding::of(kind).preference());
            match other.map(|kind| (kind, BodyEncoding::of(kind))) {
                Some((kind, encoding @ (BodyEncoding::Text | BodyEncoding::Binary))) if status.is_success() => {
                    result.content_type = Some(kind.clone());
                    result.body = Some(if encoding == BodyEncoding::Text { TypeRef::String } else { TypeRef::Binary });
                }
                Some((kind, _)) => {
                    api.warn(result.source.clone(), format!("{status} response of type `{kind}` is not decoded; its raw body stays available"));
                }
                None => {}
            }
        }
    }
    Ok(result)
}

/// A second answer documented under one status, as Apifox exports it: a response extension
/// `x-200:2FA required` is another 200 response, labelled "2FA required".
fn alternative_response(key: &str, value: &serde_json::Value) -> Option<Result<(Status, String, openapiv3::Response), serde_json::Error>> {
    let (code, label) = key.strip_prefix("x-")?.split_once(':')?;
    let code: u16 = code.parse().ok().filter(|c| (100..600).contains(c))?;
    let label = label.trim();
    if label.is_empty() {
        return None;
    }
    Some(serde_json::from_value(value.clone()).map(|response| (Status::Code(code), label.to_owned(), response)))
}

/// The JSON media type of a content map: `application/json`, or any `*/*+json`.
fn pick_json(content: &indexmap::IndexMap<String, openapiv3::MediaType>) -> Option<(&str, &openapiv3::MediaType)> {
    content
        .iter()
        .find(|(kind, _)| {
            let essence = kind.split(';').next().unwrap_or_default().trim();
            essence == "application/json" || essence.ends_with("+json")
        })
        .map(|(kind, media)| (kind.as_str(), media))
}

fn media_examples(context: &Context<'_>, media: &openapiv3::MediaType, at: &str) -> Vec<Example> {
    let mut examples = Vec::new();
    if let Some(value) = &media.example {
        examples.push(Example { value: value.clone(), source: context.source(&child(at, "example")) });
    }
    for (name, example) in &media.examples {
        if let ReferenceOr::Item(example) = example {
            if let Some(value) = &example.value {
                examples.push(Example {
                    value: value.clone(),
                    source: context.source(&child(&child(at, "examples"), name)),
                });
            }
        }
    }
    examples
}
