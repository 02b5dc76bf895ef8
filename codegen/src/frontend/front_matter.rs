//! Jekyll pages whose YAML front matter describes one endpoint (`layout: v2endpoint`,
//! Smartling's developer docs) -> IR.
//!
//! The front matter (between the `---` lines; a `# Source:` provenance line may precede them)
//! is read with serde_yaml: `title` names the operation, `method` and `endpoint_url` give it,
//! `request`/`response` each hold a `json_markdown` example in a `~~~json` fence and a flat
//! `parameters` list. The example gives the *structure* (Smartling's token fields sit under
//! `response.data` while the list is flat); each parameter is matched by name at any depth
//! and gives its field a description, a declared type and a required flag (see
//! [`super::shape`] for what happens when the declared type contradicts the example).
//! A field is required only where its parameter says `required: true`. The host is not in
//! the front matter: it comes from the curl command of `examples[].code_markdown`.
//! Source lines come from a `PageYaml` over the front matter, shifted to page lines.
//!
//! One reader beside the others: it imports no other format's reader, and what it shares with
//! them comes from the page parts listed in [`super`].

use serde::Deserialize;
use serde_json::Value;

use super::curl;
use super::endpoint;
use super::json_example::{self, JsonExample};
use super::markdown;
use super::page::{self, PageYaml};
use super::shape::{self, Declaration, FieldShape, Shape, ShapeType, TypeNames};
use super::Document;
use crate::builder::ApiBuilder;
use crate::diagnostic::{to_u32, Diagnostic};
use crate::ir::{Method, Operation, Parameter, ParameterLocation, ParameterStyle, Response, Server, Source, Status, TypeRef};
use crate::naming;
use crate::yaml_lines::{child, pointer};

/// The front matter of a `v2endpoint` page, as far as the generator reads it.
#[derive(Debug, Deserialize)]
struct EndpointPage {
    title: Option<String>,
    #[serde(default)]
    categories: Vec<String>,
    endpoint_url: Option<String>,
    method: Option<String>,
    request: Option<Section>,
    response: Option<Section>,
    #[serde(default)]
    examples: Vec<CodeExample>,
}

#[derive(Debug, Default, Deserialize)]
struct Section {
    json_markdown: Option<String>,
    #[serde(default)]
    parameters: Vec<ParameterEntry>,
}

#[derive(Debug, Deserialize)]
struct ParameterEntry {
    title: String,
    #[serde(rename = "type")]
    ty: Option<String>,
    #[serde(default)]
    required: bool,
    description_markdown: Option<String>,
}

#[derive(Debug, Deserialize)]
struct CodeExample {
    code_markdown: Option<String>,
}

/// One page being read: its front matter values, and its front matter's lines (YAML line n is
/// page line `opening ---` + n) to point back into the page.
struct Endpoint<'a> {
    at: PageYaml<'a>,
    front: EndpointPage,
}

impl Endpoint<'_> {
    fn source(&self, pointer: &str) -> Source {
        self.at.source(pointer)
    }

    fn error(&self, pointer: &str, message: impl Into<String>) -> Diagnostic {
        self.at.error(pointer, message)
    }

    /// The JSON in the first `~~~json` fence of the markdown block scalar at `pointer`.
    /// A literal block scalar keeps its lines, so its line n is page line `key line + n`.
    fn fenced_json(&self, api: &mut ApiBuilder, markdown_text: &str, pointer: &str, what: &str) -> Option<JsonExample> {
        let fences = markdown::fences(markdown_text);
        let fence = fences.iter().find(|f| f.language() == "json").or(fences.first())?;
        let key_line = self.at.line(pointer);
        json_example::read_example(api, self.at.page.file(), &fence.content, key_line + fence.content_line, what)
    }
}

/// Reads a `layout: v2endpoint` page into `api`: one operation.
pub fn read(document: &Document, api: &mut ApiBuilder) -> Result<(), Vec<Diagnostic>> {
    let Some(split) = page::front_matter(&document.text) else {
        return Err(vec![Diagnostic::file_error(&document.path, "the page has no front matter between `---` lines")]);
    };
    let at = PageYaml::new(document, split.yaml, split.opening_line);
    let front: EndpointPage = serde_path_to_error::deserialize(serde_yaml::Deserializer::from_str(split.yaml)).map_err(|e| {
        let line = e.inner().location().map_or_else(|| at.lines.line(&page::error_pointer(e.path())), |l| to_u32(l.line()));
        vec![at.page.error(line + at.offset, format!("the front matter does not describe an endpoint at `{}`: {}", e.path(), e.inner()))]
    })?;
    let page = Endpoint { at, front };
    let operation = read_operation(&page, split.body, api)?;
    api.operations.push(operation);
    Ok(())
}

fn read_operation(page: &Endpoint<'_>, body: &str, api: &mut ApiBuilder) -> Result<Operation, Vec<Diagnostic>> {
    let front = &page.front;
    let mut errors = Vec::new();
    let method = match front.method.as_deref().map(str::trim) {
        Some(word) => Method::parse(word).ok_or_else(|| page.error("/method", format!("`{word}` is not an HTTP method"))),
        None => Err(page.error("", "the front matter has no `method:`")),
    };
    let path = match front.endpoint_url.as_deref().map(str::trim).filter(|p| !p.is_empty()) {
        Some(path) if path.starts_with('/') => Ok(curl::path_template(path)),
        Some(path) => Err(page.error("/endpoint_url", format!("`endpoint_url: {path}` is not a path starting with `/`"))),
        None => Err(page.error("", "the front matter has no `endpoint_url:`")),
    };
    let title = front.title.as_deref().map(str::trim).filter(|t| t.chars().any(|c| c.is_ascii_alphanumeric()));
    let (method, path) = match (method, path) {
        (Ok(method), Ok(path)) => (method, path),
        (method, path) => {
            errors.extend(method.err());
            errors.extend(path.err());
            return Err(errors);
        }
    };
    let preferred = title.map_or_else(|| naming::snake_ident(&format!("{} {path}", method.as_str())), naming::snake_ident);
    let name = preferred;
    let group = front.categories.first().cloned().or_else(|| shape::resource_word(&path));
    let names = TypeNames::new(&name, group.as_deref());

    let curl = read_curl(page, api, &path);
    let mut parameters: Vec<Parameter> = endpoint::path_parameters(&path, &page.source("/endpoint_url"));
    let mut content_type = "application/json".to_owned();
    if let Some((curl, source)) = &curl {
        for (header, value) in &curl.headers {
            if header.eq_ignore_ascii_case("content-type") {
                content_type.clone_from(value);
            } else if !header.eq_ignore_ascii_case("accept") {
                parameters.push(endpoint::sent_header(header, value, source.clone()));
            }
        }
    }

    let request_body = match &front.request {
        // A request without a body (GET, HEAD, DELETE) lists its query parameters.
        Some(section) if !method.has_request_body() => {
            parameters.extend(query_parameters(page, api, section));
            if section.json_markdown.is_some() {
                api.warn(page.source("/request/json_markdown"), format!("a {} request has no body; its JSON example is not used", method.as_str()));
            }
            None
        }
        Some(section) if section.json_markdown.is_some() || !section.parameters.is_empty() => {
            let (shape, example) = read_section(page, api, section, "/request", names.body("Request"), &names, "request");
            Some(endpoint::json_request_body(api, content_type, &shape, example))
        }
        _ => None,
    };

    let status = Status::Code(200);
    let mut response = Response::documented(status, page.source("/response"));
    if let Some(section) = &front.response {
        let (shape, example) = read_section(page, api, section, "/response", names.body("Response"), &names, "response");
        endpoint::json_response_body(api, &mut response, &shape, example);
    }

    let description = body.trim();
    Ok(Operation {
        name,
        method,
        path,
        summary: title.map(str::to_owned),
        description: (!description.is_empty()).then(|| description.to_owned()),
        parameters,
        request_body,
        responses: vec![response],
        security: Vec::new(),
        error_enum: String::new(),
        success_enum: String::new(),
        call: String::new(),
        source: page.source("/endpoint_url"),
    })
}

/// The body a `request:` or `response:` section describes, and its example when the example
/// fits the body (see [`Shape::reconcile`]).
fn read_section(
    page: &Endpoint<'_>,
    api: &mut ApiBuilder,
    section: &Section,
    at: &str,
    candidates: Vec<String>,
    names: &TypeNames,
    what: &str,
) -> (Shape, Option<JsonExample>) {
    let example = section.json_markdown.as_deref().and_then(|text| page.fenced_json(api, text, &child(at, "json_markdown"), what));
    let mut shape = match example.as_ref().map(|e| (e, &e.value)) {
        Some((example, Value::Object(object))) => Shape::from_example(example, object, "", candidates.clone(), &[], names),
        Some((example, _)) => {
            api.warn(example.source(""), format!("the {what} example is not a JSON object; the body is read from the parameter list"));
            Shape::new(candidates.clone(), page.source(at))
        }
        None => Shape::new(candidates.clone(), page.source(at)),
    };
    let listed: Vec<String> = section.parameters.iter().map(|p| p.title.clone()).collect();
    for (index, entry) in section.parameters.iter().enumerate() {
        let entry_at = child(&child(at, "parameters"), &index.to_string());
        let declaration = declaration(page, api, entry, &entry_at);
        if shape.declare(&declaration, api) == 0 {
            if example.is_some() {
                api.warn(declaration.source.clone(), format!("parameter `{}` is not in the {what} example; it is added beside the fields listed with it", entry.title));
            }
            let mut field = FieldShape::new(&declaration.name, ShapeType::Plain(declaration.ty.clone().unwrap_or(TypeRef::Any)), declaration.source.clone());
            field.required = declaration.required;
            field.description = declaration.description;
            shape.add_beside(&listed, field);
        }
    }
    let example = example.and_then(|example| shape::fitting(api, &mut shape, example, &format!("{what} example"), "documented body"));
    (shape, example)
}

/// The query parameters a request section lists. One entry may name several parameters of
/// the same kind (`limit & offset`); an array without an item type is an array of strings.
fn query_parameters(page: &Endpoint<'_>, api: &mut ApiBuilder, section: &Section) -> Vec<Parameter> {
    let mut parameters = Vec::new();
    for (index, entry) in section.parameters.iter().enumerate() {
        let declaration = declaration(page, api, entry, &pointer(&["request", "parameters", &index.to_string()]));
        let ty = match declaration.ty {
            Some(TypeRef::Array(item)) if *item == TypeRef::Any => TypeRef::Array(Box::new(TypeRef::String)),
            Some(ty) => ty,
            None => TypeRef::String,
        };
        for name in parameter_names(&declaration.name) {
            parameters.push(Parameter {
                name: name.to_owned(),
                rust_name: naming::snake_ident(name),
                location: ParameterLocation::Query,
                required: declaration.required,
                ty: ty.clone(),
                description: declaration.description.clone(),
                style: ParameterStyle::Form,
                source: declaration.source.clone(),
            });
        }
    }
    parameters
}

/// The parameter names of one list entry's title: `limit & offset`, `from, to` and `a and b`
/// name two each.
fn parameter_names(title: &str) -> Vec<&str> {
    title.split(['&', ',']).flat_map(|part| part.split(" and ")).map(str::trim).filter(|name| !name.is_empty()).collect()
}

fn declaration(page: &Endpoint<'_>, api: &mut ApiBuilder, entry: &ParameterEntry, at: &str) -> Declaration {
    let source = page.source(at);
    let ty = entry.ty.as_deref().and_then(|word| {
        let ty = shape::json_type_word(word);
        if ty.is_none() {
            api.warn(source.clone(), format!("type `{word}` of `{}` is not known; the example decides", entry.title));
        }
        ty
    });
    Declaration {
        name: entry.title.clone(),
        ty,
        required: entry.required,
        description: entry.description_markdown.as_deref().map(str::trim).filter(|d| !d.is_empty()).map(str::to_owned),
        source,
    }
}

/// The curl command of the page's examples, with its page line; it names the server, which
/// is added to `api`. A page without one has no documented host: a warning.
fn read_curl(page: &Endpoint<'_>, api: &mut ApiBuilder, path: &str) -> Option<(curl::Curl, Source)> {
    for (index, example) in page.front.examples.iter().enumerate() {
        let Some(text) = &example.code_markdown else { continue };
        let at = pointer(&["examples", &index.to_string(), "code_markdown"]);
        let key_line = page.at.line(&at);
        for fence in markdown::fences(text).iter().filter(|f| curl::is_curl(&f.content)) {
            let source = page.at.page.source(key_line + fence.content_line);
            match curl::parse(&fence.content) {
                Ok(curl) => {
                    if curl.url.path != path {
                        api.warn(source.clone(), format!("the curl example calls `{}`, not `endpoint_url` `{path}`; `endpoint_url` is used", curl.url.path));
                    }
                    api.add_server(Server { url: curl.url.origin(), constructor: String::new(), description: None, variables: Vec::new(), source: source.clone() });
                    return Some((curl, source));
                }
                Err(message) => api.warn(source, format!("the curl example cannot be read: {message}")),
            }
        }
    }
    api.warn(page.source("/endpoint_url"), "no curl example names the host; the client has no server constructor, only `Client::new`");
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_list_entry_may_name_several_query_parameters() {
        assert_eq!(parameter_names("limit & offset"), ["limit", "offset"]);
        assert_eq!(parameter_names("from, to"), ["from", "to"]);
        assert_eq!(parameter_names("fileTypes[]"), ["fileTypes[]"]);
        assert_eq!(parameter_names("start and end"), ["start", "end"]);
    }

    const PAGE: &str = "---
title: Refresh Authentication
categories:
  - authentication
layout: v2endpoint
endpoint_url: /auth-api/v2/authenticate/refresh
method: POST
request:
  json_markdown: |
    ~~~json
    {\"refreshToken\": \"abc\"}
    ~~~
  parameters:
    - title: refreshToken
      type: string
      required: true
      description_markdown: The refresh token.
response:
  json_markdown: |
    ~~~json
    {
      \"response\": {
        \"code\": \"SUCCESS\",
        \"data\": {
          \"expiresIn\": 480
        }
      }
    }
    ~~~
  parameters:
    - title: expiresIn
      type: string
      description_markdown: Seconds.
examples:
  - title: Curl
    code_markdown: |
      ~~~curl
      curl -X POST -H \"Content-Type: application/json\" -d '{}' 'https://api.smartling.com/auth-api/v2/authenticate/refresh'
      ~~~
---

Returns a renewed access token.
";

    fn read_page(text: &str) -> Result<crate::ir::Api, Vec<Diagnostic>> {
        crate::frontend::page::read_for_test(read, "smartling", "specs/smartling/r.md", text)
    }

    #[test]
    fn reads_structure_from_the_example_and_facts_from_the_parameters() {
        let api = read_page(PAGE).unwrap_or_else(|e| panic!("{e:?}"));
        let op = &api.operations[0];
        assert_eq!((op.name.as_str(), op.method, op.path.as_str()), ("refresh_authentication", Method::Post, "/auth-api/v2/authenticate/refresh"));
        assert_eq!(op.source.line, 6);
        assert_eq!(op.description.as_deref(), Some("Returns a renewed access token."));
        assert_eq!(api.servers[0].url, "https://api.smartling.com");
        assert_eq!(api.servers[0].source.line, 38);

        let data = api.type_def("AuthenticationData").unwrap_or_else(|| panic!("no AuthenticationData: {:?}", api.types));
        let crate::ir::TypeKind::Struct { fields, .. } = &data.kind else { panic!("not a struct") };
        assert_eq!(fields[0].ty, TypeRef::Integer { bits: 64 });
        assert_eq!(fields[0].also_accepts, Some(TypeRef::String));
        assert_eq!(fields[0].description.as_deref(), Some("Seconds."));
        assert_eq!(fields[0].source.line, 31, "the declaration's line");
        assert_eq!(data.source.line, 24, "the `data` key in the example");
        assert_eq!(api.warnings.iter().filter(|w| w.message.contains("also accepts")).count(), 1);
        assert_eq!(api.warnings[0].source.line, 31);

        let request = api.type_def("RefreshAuthenticationRequest").unwrap_or_else(|| panic!("no request type"));
        let crate::ir::TypeKind::Struct { fields, .. } = &request.kind else { panic!("not a struct") };
        assert!(fields[0].required);
        assert_eq!(op.request_body.as_ref().map(|b| b.examples[0].source.line), Some(11));
        assert_eq!(op.responses[0].examples[0].source.line, 21);

        let envelope = api.envelope.as_ref().unwrap_or_else(|| panic!("no envelope"));
        assert_eq!(envelope.payload, ["response", "data"]);
        assert_eq!(envelope.success, serde_json::json!("SUCCESS"));
    }

    #[test]
    fn bad_front_matter_is_a_diagnostic() {
        let errors = read_page("---\ntitle: X\nlayout: v2endpoint\nmethod: FETCH\n---\n").err().unwrap_or_default();
        assert_eq!(errors.len(), 2, "{errors:?}");
        assert_eq!(errors[0].line, 4);
        let errors = read_page("---\ntitle: X\nlayout: v2endpoint\nrequest:\n  parameters: 3\n---\n").err().unwrap_or_default();
        assert_eq!(errors.len(), 1);
        assert!(errors[0].message.contains("request.parameters"), "{}", errors[0].message);
    }

    #[test]
    fn invalid_json_example_is_a_warning() {
        let page = PAGE.replace("{\"refreshToken\": \"abc\"}", "{refreshToken: abc}");
        let api = read_page(&page).unwrap_or_else(|e| panic!("{e:?}"));
        assert!(api.warnings.iter().any(|w| w.message.contains("not valid JSON") && w.source.line == 11), "{:?}", api.warnings);
        assert!(api.operations[0].request_body.as_ref().is_some_and(|b| b.examples.is_empty()));
    }
}
