//! Upgrades a Swagger 2.0 document, as a YAML value, into the OpenAPI 3.0.3 that `openapiv3`
//! reads, so that 2.0 documents go through the same reader as 3.0 ones.
//!
//! Swagger 2.0 says most of what 3.0 says, in other places: the server is `host` + `basePath` +
//! `schemes`; reusable parts sit at the root (`definitions`, `parameters`, `responses`,
//! `securityDefinitions`) instead of under `components`; a request body is a parameter
//! (`in: body`, or one `in: formData` parameter per form field); a parameter's type is written
//! on the parameter instead of in a `schema`, and its array serialisation is a
//! `collectionFormat`; media types come from `consumes` and `produces` instead of `content`
//! maps. [`upgrade`] moves each into its 3.0 place. What 3.0 cannot say, or what is read
//! differently, is reported as a [`Note`] at a JSON pointer of the original document, so a
//! diagnostic points into the file the author wrote.
//!
//! The document it leaves is plain 3.0, normalised afterwards like any other
//! ([`super::normalize`]).

use serde_yaml::{Mapping, Value};

use super::normalize::{key_text, Note};
use crate::yaml_lines::{child, pointer};

const JSON: &str = "application/json";
const URLENCODED: &str = "application/x-www-form-urlencoded";
const MULTIPART: &str = "multipart/form-data";

/// The operations of a 2.0 path item.
const METHODS: [&str; 7] = ["get", "put", "post", "delete", "options", "head", "patch"];

/// The fields of a 2.0 parameter, header or items object that belong to its `schema` in 3.0.
const SCHEMA_FIELDS: [&str; 17] = [
    "type",
    "format",
    "items",
    "default",
    "maximum",
    "exclusiveMaximum",
    "minimum",
    "exclusiveMinimum",
    "maxLength",
    "minLength",
    "pattern",
    "maxItems",
    "minItems",
    "uniqueItems",
    "enum",
    "multipleOf",
    "x-nullable",
];

/// Upgrades `document` in place when its root says `swagger: "2.0"`, and returns what it
/// reinterpreted or dropped; any other document is left as it is.
pub fn upgrade(document: &mut Value) -> Vec<Note> {
    if !is_swagger2(document) {
        return Vec::new();
    }
    let Value::Mapping(root) = document else { return Vec::new() };
    let original = std::mem::take(root);
    let mut upgrader = Upgrader::new(&original);
    *root = upgrader.root(original);
    rewrite_refs(document);
    let mut notes: Vec<Note> = Vec::new();
    for note in upgrader.notes {
        // A path-level body parameter is moved into each operation: say so once.
        if !notes.contains(&note) {
            notes.push(note);
        }
    }
    notes
}

/// `swagger: "2.0"`, or the number YAML reads from an unquoted `swagger: 2.0`.
fn is_swagger2(document: &Value) -> bool {
    match document.get("swagger") {
        Some(Value::String(version)) => version == "2.0",
        Some(Value::Number(version)) => version.to_string() == "2.0",
        _ => false,
    }
}

/// A 2.0 parameter as written (perhaps a `$ref`), with the pointer it was written at.
#[derive(Clone)]
struct Written {
    raw: Value,
    at: String,
}

/// What the whole document says that its parts need, and the notes gathered on the way.
struct Upgrader {
    /// The root `parameters`, which `#/parameters/…` references name.
    parameters: Mapping,
    consumes: Vec<String>,
    produces: Vec<String>,
    host: Option<String>,
    base_path: Option<String>,
    notes: Vec<Note>,
}

impl Upgrader {
    fn new(root: &Mapping) -> Self {
        let text = |key: &str| root.get(key).and_then(Value::as_str).map(str::to_owned);
        Upgrader {
            parameters: match root.get("parameters") {
                Some(Value::Mapping(parameters)) => parameters.clone(),
                _ => Mapping::new(),
            },
            consumes: media_types(root.get("consumes")).unwrap_or_else(|| vec![JSON.to_owned()]),
            produces: media_types(root.get("produces")).unwrap_or_else(|| vec![JSON.to_owned()]),
            host: text("host").filter(|h| !h.trim().is_empty()),
            base_path: text("basePath").filter(|p| !p.trim().is_empty()),
            notes: Vec::new(),
        }
    }

    fn note(&mut self, pointer: &str, message: impl Into<String>) {
        self.notes.push(Note { pointer: pointer.to_owned(), message: message.into() });
    }

    /// The 3.0 root: `openapi`, `info`, `servers`, the rest as written, then `components`.
    fn root(&mut self, mut original: Mapping) -> Mapping {
        let mut out = Mapping::new();
        out.insert("openapi".into(), "3.0.3".into());
        if let Some(info) = original.shift_remove("info") {
            out.insert("info".into(), info);
        }
        let schemes = original.get("schemes").cloned();
        let at = if schemes.is_some() { "/schemes" } else { "/host" };
        let servers = self.servers(schemes.as_ref(), at);
        if !servers.is_empty() {
            out.insert("servers".into(), Value::Sequence(servers));
        }
        let mut components = Mapping::new();
        for (key, value) in original {
            match key.as_str() {
                Some("swagger" | "host" | "basePath" | "schemes" | "consumes" | "produces") => {}
                Some("paths") => {
                    let paths = self.paths(value);
                    out.insert(key, paths);
                }
                Some("definitions") => {
                    let schemas = self.definitions(value);
                    components.insert("schemas".into(), schemas);
                }
                Some("parameters") => self.parameter_components(value, &mut components),
                Some("responses") => {
                    let produces = self.produces.clone();
                    let responses = self.responses(value, &produces, "/responses");
                    components.insert("responses".into(), responses);
                }
                Some("securityDefinitions") => {
                    let schemes = self.security_schemes(value);
                    components.insert("securitySchemes".into(), schemes);
                }
                Some("components") => self.note("/components", "`components` is not part of Swagger 2.0; ignored"),
                _ => {
                    out.insert(key, value);
                }
            }
        }
        if !components.is_empty() {
            out.insert("components".into(), Value::Mapping(components));
        }
        out
    }

    /// One server per scheme (`scheme://host/basePath`). 2.0's default scheme is the one the
    /// document itself was fetched with, unknown here: `https` is taken. Without a `host` the
    /// server is `basePath` alone, relative to wherever the document is served from.
    fn servers(&mut self, schemes: Option<&Value>, at: &str) -> Vec<Value> {
        let base = self.base_path.clone().unwrap_or_default();
        let Some(host) = self.host.clone() else {
            return if base.is_empty() { Vec::new() } else { vec![server(&base)] };
        };
        let base = base.trim_end_matches('/');
        let host = host.trim().trim_end_matches('/');
        if host.contains("://") {
            self.note("/host", "`host` holds a scheme: the server is `host` + `basePath` as written, and `schemes` is not used");
            return vec![server(&format!("{host}{base}"))];
        }
        let mut schemes = media_types(schemes).unwrap_or_default();
        if schemes.is_empty() {
            self.note(at, "no `schemes`: the server is taken to use https");
            schemes.push("https".to_owned());
        }
        schemes.iter().map(|scheme| server(&format!("{scheme}://{host}{base}"))).collect()
    }

    fn definitions(&mut self, definitions: Value) -> Value {
        let Value::Mapping(mut definitions) = definitions else {
            self.note("/definitions", "`definitions` is not a map; ignored");
            return Value::Mapping(Mapping::new());
        };
        for (name, schema) in definitions.iter_mut() {
            self.schema(schema, &pointer(&["definitions", &key_text(name)]));
        }
        Value::Mapping(definitions)
    }

    /// Root parameters: a body parameter is a reusable request body in 3.0; a form field has
    /// no 3.0 component of its own and is written into each request body that references it.
    fn parameter_components(&mut self, parameters: Value, components: &mut Mapping) {
        let Value::Mapping(parameters) = parameters else {
            self.note("/parameters", "`parameters` is not a map; ignored");
            return;
        };
        let mut plain = Mapping::new();
        let mut bodies = Mapping::new();
        let consumes = self.consumes.clone();
        for (name, parameter) in parameters {
            let at = pointer(&["parameters", &key_text(&name)]);
            let location = parameter.get("in").and_then(Value::as_str).map(str::to_owned);
            match (location.as_deref(), parameter) {
                (Some("formData"), _) => {}
                (Some("body"), Value::Mapping(body)) => {
                    bodies.insert(name, Value::Mapping(self.body(body, &consumes, &at)));
                }
                (_, parameter) => {
                    if let Some(parameter) = self.parameter(parameter, &at) {
                        plain.insert(name, parameter);
                    }
                }
            }
        }
        if !plain.is_empty() {
            components.insert("parameters".into(), Value::Mapping(plain));
        }
        if !bodies.is_empty() {
            components.insert("requestBodies".into(), Value::Mapping(bodies));
        }
    }

    fn paths(&mut self, paths: Value) -> Value {
        let Value::Mapping(paths) = paths else { return paths };
        let mut out = Mapping::new();
        for (path, item) in paths {
            let text = key_text(&path);
            let item = if text.starts_with("x-") { item } else { self.path_item(item, &pointer(&["paths", &text])) };
            out.insert(path, item);
        }
        Value::Mapping(out)
    }

    /// Path-level parameters stay at the path level, but for body and form parameters: 3.0
    /// has no path-level request body, so each operation takes them over.
    fn path_item(&mut self, item: Value, at: &str) -> Value {
        let Value::Mapping(mut item) = item else { return item };
        let parameters = item.shift_remove("parameters");
        let mut kept = Vec::new();
        let mut moved = Vec::new();
        for written in self.written(parameters, &child(at, "parameters")) {
            match self.location(&written.raw).as_deref() {
                Some("body" | "formData") => moved.push(written),
                _ => kept.extend(self.parameter(written.raw, &written.at)),
            }
        }
        let mut out = Mapping::new();
        if !kept.is_empty() {
            out.insert("parameters".into(), Value::Sequence(kept));
        }
        for (key, value) in item {
            let method = key.as_str().filter(|k| METHODS.contains(k)).map(str::to_owned);
            match (method, value) {
                (Some(method), Value::Mapping(operation)) => {
                    let operation = self.operation(operation, &moved, &child(at, &method));
                    out.insert(key, Value::Mapping(operation));
                }
                (_, value) => {
                    out.insert(key, value);
                }
            }
        }
        Value::Mapping(out)
    }

    fn operation(&mut self, mut operation: Mapping, inherited: &[Written], at: &str) -> Mapping {
        let consumes = media_types(operation.get("consumes")).unwrap_or_else(|| self.consumes.clone());
        let produces = media_types(operation.get("produces")).unwrap_or_else(|| self.produces.clone());
        let written = operation.shift_remove("parameters");
        let (parameters, body) = self.operation_parameters(written, inherited, &consumes, at);
        let mut before_responses = Mapping::new();
        if !parameters.is_empty() {
            before_responses.insert("parameters".into(), Value::Sequence(parameters));
        }
        if let Some(body) = body {
            before_responses.insert("requestBody".into(), body);
        }
        let mut out = Mapping::new();
        for (key, value) in operation {
            match key.as_str() {
                Some("consumes" | "produces") => {}
                Some("schemes") => {
                    let servers = self.servers(Some(&value), &child(at, "schemes"));
                    if !servers.is_empty() {
                        out.insert("servers".into(), Value::Sequence(servers));
                    }
                }
                Some("responses") => {
                    out.extend(std::mem::take(&mut before_responses));
                    let responses = self.responses(value, &produces, &child(at, "responses"));
                    out.insert(key, responses);
                }
                _ => {
                    out.insert(key, value);
                }
            }
        }
        out.extend(before_responses);
        out
    }

    /// The operation's 3.0 parameters and request body, from its own parameters and the body
    /// and form parameters of its path that it does not override (same `name` and `in`).
    fn operation_parameters(
        &mut self,
        written: Option<Value>,
        inherited: &[Written],
        consumes: &[String],
        at: &str,
    ) -> (Vec<Value>, Option<Value>) {
        let own = self.written(written, &child(at, "parameters"));
        let overridden: Vec<(String, String)> = own.iter().filter_map(|w| self.identity(&w.raw)).collect();
        let taken_over: Vec<Written> = inherited
            .iter()
            .filter(|w| !self.identity(&w.raw).is_some_and(|id| overridden.contains(&id)))
            .cloned()
            .collect();
        let mut parameters = Vec::new();
        let mut bodies = Vec::new();
        let mut fields = Vec::new();
        for written in own.into_iter().chain(taken_over) {
            match self.location(&written.raw).as_deref() {
                Some("body") => bodies.push(written),
                Some("formData") => fields.push(written),
                _ => parameters.extend(self.parameter(written.raw, &written.at)),
            }
        }
        (parameters, self.request_body(bodies, fields, consumes))
    }

    /// A parameter list as written, each with its pointer.
    fn written(&mut self, parameters: Option<Value>, at: &str) -> Vec<Written> {
        match parameters {
            None => Vec::new(),
            Some(Value::Sequence(parameters)) => parameters
                .into_iter()
                .enumerate()
                .map(|(index, raw)| Written { raw, at: child(at, &index.to_string()) })
                .collect(),
            Some(_) => {
                self.note(at, "`parameters` is not a list; ignored");
                Vec::new()
            }
        }
    }

    /// The parameter `raw` stands for, following a `#/parameters/…` reference, with the
    /// pointer it is written at.
    fn resolve(&self, written: &Written) -> Option<(Mapping, String)> {
        let (found, at) = self.target(&written.raw)?;
        Some((found.clone(), at.unwrap_or_else(|| written.at.clone())))
    }

    /// The parameter object `raw` is or references, and the pointer of a referenced one.
    fn target<'a>(&'a self, raw: &'a Value) -> Option<(&'a Mapping, Option<String>)> {
        match raw.get("$ref") {
            Some(reference) => {
                let escaped = reference.as_str()?.strip_prefix("#/parameters/")?;
                let found = self.parameters.get(unescape(escaped).as_str())?.as_mapping()?;
                Some((found, Some(format!("/parameters/{escaped}"))))
            }
            None => Some((raw.as_mapping()?, None)),
        }
    }

    fn location(&self, raw: &Value) -> Option<String> {
        let (parameter, _) = self.target(raw)?;
        parameter.get("in").and_then(Value::as_str).map(str::to_owned)
    }

    /// A parameter's `name` and `in`, which together identify it.
    fn identity(&self, raw: &Value) -> Option<(String, String)> {
        let (parameter, _) = self.target(raw)?;
        let text = |key: &str| parameter.get(key).and_then(Value::as_str).map(str::to_owned);
        Some((text("name")?, text("in")?))
    }

    /// 2.0 allows one body parameter, or form fields, per operation.
    fn request_body(&mut self, bodies: Vec<Written>, fields: Vec<Written>, consumes: &[String]) -> Option<Value> {
        let mut bodies = bodies.into_iter();
        let Some(body) = bodies.next() else {
            return if fields.is_empty() { None } else { Some(self.form(&fields, consumes)) };
        };
        for extra in bodies {
            self.note(&extra.at, "an operation has one body parameter: this one is ignored");
        }
        for field in &fields {
            self.note(&field.at, "a form field beside a body parameter is ignored: the body parameter is the request body");
        }
        if let Some(reference) = body.raw.get("$ref").and_then(Value::as_str) {
            // A shared body reads the document's `consumes`; an operation with its own reads
            // a copy of it.
            if let Some(name) = reference.strip_prefix("#/parameters/").filter(|_| consumes == self.consumes.as_slice()) {
                let mut to = Mapping::new();
                to.insert("$ref".into(), format!("#/components/requestBodies/{name}").into());
                return Some(Value::Mapping(to));
            }
        }
        let (parameter, at) = self.resolve(&body)?;
        Some(Value::Mapping(self.body(parameter, consumes, &at)))
    }

    /// A body parameter as a request body: its schema for each media type it consumes.
    fn body(&mut self, parameter: Mapping, consumes: &[String], at: &str) -> Mapping {
        let mut schema = parameter.get("schema").cloned();
        match schema.as_mut() {
            Some(schema) => self.schema(schema, &child(at, "schema")),
            None => self.note(at, "a body parameter without a `schema`: the body is any value"),
        }
        let mut content = Mapping::new();
        for media_type in consumes {
            let mut media = Mapping::new();
            if let Some(schema) = &schema {
                media.insert("schema".into(), schema.clone());
            }
            content.insert(media_type.as_str().into(), Value::Mapping(media));
        }
        if let Some(Value::Mapping(examples)) = parameter.get("x-examples") {
            add_examples(&mut content, examples, schema.as_ref());
        }
        let mut out = Mapping::new();
        for (key, value) in parameter {
            match key.as_str() {
                Some("description" | "required") => {
                    out.insert(key, value);
                }
                Some("name") => {
                    out.insert("x-codegen-request-body-name".into(), value);
                }
                Some(extension) if extension.starts_with("x-") && extension != "x-examples" => {
                    out.insert(key, value);
                }
                _ => {}
            }
        }
        out.insert("content".into(), Value::Mapping(content));
        out
    }

    /// Form fields as one request body: an object with a property per field, sent as
    /// `multipart/form-data` when `consumes` says so or a field is a file, else urlencoded.
    fn form(&mut self, fields: &[Written], consumes: &[String]) -> Value {
        let mut properties = Mapping::new();
        let mut required = Vec::new();
        let mut encoding = Mapping::new();
        let mut file = false;
        for written in fields {
            let Some((mut field, at)) = self.resolve(written) else { continue };
            let Some(name) = field.get("name").and_then(Value::as_str).map(str::to_owned) else {
                self.note(&at, "a form field without a `name` is ignored");
                continue;
            };
            file |= field.get("type").and_then(Value::as_str) == Some("file");
            if field.get("required").and_then(Value::as_bool) == Some(true) {
                required.push(Value::from(name.as_str()));
            }
            let collection = field.shift_remove("collectionFormat");
            let mut schema = self.parameter_schema(&mut field, &at);
            if let Some(description) = field.get("description") {
                schema.insert("description".into(), description.clone());
            }
            if let Some((style, explode)) = self.style("formData", collection, &schema, &at) {
                let mut how = Mapping::new();
                how.insert("style".into(), style.into());
                how.insert("explode".into(), explode.into());
                encoding.insert(name.as_str().into(), Value::Mapping(how));
            }
            properties.insert(name.into(), Value::Mapping(schema));
        }
        let any_required = !required.is_empty();
        let mut schema = Mapping::new();
        schema.insert("type".into(), "object".into());
        schema.insert("properties".into(), Value::Mapping(properties));
        if !required.is_empty() {
            schema.insert("required".into(), Value::Sequence(required));
        }
        let mut content = Mapping::new();
        for media_type in form_media_types(consumes, file) {
            let mut media = Mapping::new();
            media.insert("schema".into(), Value::Mapping(schema.clone()));
            if essence(&media_type) == URLENCODED && !encoding.is_empty() {
                media.insert("encoding".into(), Value::Mapping(encoding.clone()));
            }
            content.insert(media_type.into(), Value::Mapping(media));
        }
        let mut body = Mapping::new();
        if any_required {
            body.insert("required".into(), true.into());
        }
        body.insert("content".into(), Value::Mapping(content));
        Value::Mapping(body)
    }

    /// A query, header or path parameter: its type moves into `schema`, its
    /// `collectionFormat` becomes `style` and `explode`. `None` for what is no parameter.
    fn parameter(&mut self, parameter: Value, at: &str) -> Option<Value> {
        let Value::Mapping(mut parameter) = parameter else {
            self.note(at, "a parameter that is not an object is ignored");
            return None;
        };
        if parameter.contains_key("$ref") {
            return Some(Value::Mapping(parameter));
        }
        let location = parameter.get("in").and_then(Value::as_str).unwrap_or_default().to_owned();
        if !matches!(location.as_str(), "query" | "header" | "path" | "cookie") {
            self.note(&child(at, "in"), format!("`in: {location}` is not a parameter location; the parameter is ignored"));
            return None;
        }
        let collection = parameter.shift_remove("collectionFormat");
        let mut schema = self.parameter_schema(&mut parameter, at);
        if let Some(Value::Mapping(written)) = parameter.shift_remove("schema") {
            // Not 2.0, but written by some: a schema of its own, when no type says otherwise.
            if schema.is_empty() {
                let mut written = Value::Mapping(written);
                self.schema(&mut written, &child(at, "schema"));
                schema = written.as_mapping().cloned().unwrap_or_default();
            }
        }
        let style = self.style(&location, collection, &schema, at);
        parameter.insert("schema".into(), Value::Mapping(schema));
        if let Some((style, explode)) = style {
            parameter.insert("style".into(), style.into());
            parameter.insert("explode".into(), explode.into());
        }
        Some(Value::Mapping(parameter))
    }

    /// Moves the schema fields of a 2.0 parameter, header or items object into a schema.
    fn parameter_schema(&mut self, parameter: &mut Mapping, at: &str) -> Mapping {
        let mut schema = Mapping::new();
        for field in SCHEMA_FIELDS {
            if let Some(value) = parameter.shift_remove(field) {
                schema.insert(field.into(), value);
            }
        }
        if let Some(Value::Mapping(items)) = schema.get_mut("items") {
            self.items(items, &child(at, "items"));
        }
        let mut value = Value::Mapping(schema);
        self.schema(&mut value, at);
        match value {
            Value::Mapping(schema) => schema,
            _ => Mapping::new(),
        }
    }

    /// An items object is a schema but for its own `collectionFormat`: how an array inside a
    /// parameter's array is written has no 3.0 form.
    fn items(&mut self, items: &mut Mapping, at: &str) {
        if items.shift_remove("collectionFormat").is_some() {
            self.note(&child(at, "collectionFormat"), "a nested array's `collectionFormat` has no OpenAPI 3.0 form; ignored");
        }
        if let Some(Value::Mapping(inner)) = items.get_mut("items") {
            self.items(inner, &child(at, "items"));
        }
    }

    /// 3.0's `style` and `explode` for an array parameter's `collectionFormat` (2.0's default
    /// is `csv`); `None` for a parameter that is no array.
    fn style(&mut self, location: &str, collection: Option<Value>, schema: &Mapping, at: &str) -> Option<(&'static str, bool)> {
        if schema.get("type").and_then(Value::as_str) != Some("array") {
            return None;
        }
        let at = child(at, "collectionFormat");
        let format = match &collection {
            None => "csv".to_owned(),
            Some(Value::String(format)) => format.clone(),
            Some(_) => {
                self.note(&at, "`collectionFormat` is not a string: read as `csv`");
                "csv".to_owned()
            }
        };
        let query = matches!(location, "query" | "formData");
        let comma = if query { ("form", false) } else { ("simple", false) };
        Some(match (format.as_str(), query) {
            ("csv", _) => comma,
            ("multi", true) => ("form", true),
            ("ssv", true) => ("spaceDelimited", false),
            ("pipes", true) => ("pipeDelimited", false),
            ("tsv", true) => {
                self.note(&at, "tab-separated values (`tsv`) have no OpenAPI 3.0 style: read as comma-separated (`style: form, explode: false`)");
                comma
            }
            (other, _) => {
                self.note(&at, format!("`collectionFormat: {other}` has no OpenAPI 3.0 form in a {location} parameter: read as comma-separated"));
                comma
            }
        })
    }

    fn responses(&mut self, responses: Value, produces: &[String], at: &str) -> Value {
        let Value::Mapping(responses) = responses else { return responses };
        let mut out = Mapping::new();
        for (status, response) in responses {
            let text = key_text(&status);
            let response = if text.starts_with("x-") { response } else { self.response(response, produces, &child(at, &text)) };
            out.insert(status, response);
        }
        Value::Mapping(out)
    }

    /// A response's `schema` is the schema of each media type it produces; its `examples`
    /// (media type -> example) join those media types; its headers get schemas.
    fn response(&mut self, response: Value, produces: &[String], at: &str) -> Value {
        let Value::Mapping(mut response) = response else { return response };
        if response.contains_key("$ref") {
            return Value::Mapping(response);
        }
        if !response.contains_key("description") {
            self.note(at, "a response without a `description`: an empty one is used");
            response.insert("description".into(), "".into());
        }
        let mut schema = response.shift_remove("schema");
        let mut content = Mapping::new();
        if let Some(schema) = schema.as_mut() {
            self.schema(schema, &child(at, "schema"));
            for media_type in produces {
                let mut media = Mapping::new();
                media.insert("schema".into(), schema.clone());
                content.insert(media_type.as_str().into(), Value::Mapping(media));
            }
        }
        match response.shift_remove("examples") {
            Some(Value::Mapping(examples)) => add_examples(&mut content, &examples, schema.as_ref()),
            Some(_) => self.note(&child(at, "examples"), "`examples` is not a map of media types; ignored"),
            None => {}
        }
        if let Some(headers) = response.shift_remove("headers") {
            let headers = self.headers(headers, &child(at, "headers"));
            response.insert("headers".into(), headers);
        }
        if !content.is_empty() {
            response.insert("content".into(), Value::Mapping(content));
        }
        Value::Mapping(response)
    }

    fn headers(&mut self, headers: Value, at: &str) -> Value {
        let Value::Mapping(headers) = headers else {
            self.note(at, "`headers` is not a map; ignored");
            return Value::Mapping(Mapping::new());
        };
        let mut out = Mapping::new();
        for (name, header) in headers {
            let here = child(at, &key_text(&name));
            let Value::Mapping(mut header) = header else {
                self.note(&here, "a header that is not an object is ignored");
                continue;
            };
            let collection = header.shift_remove("collectionFormat");
            let schema = self.parameter_schema(&mut header, &here);
            // A header's style is always `simple`: only the notes matter.
            let _ = self.style("header", collection, &schema, &here);
            header.insert("schema".into(), Value::Mapping(schema));
            out.insert(name, Value::Mapping(header));
        }
        Value::Mapping(out)
    }

    /// The words 2.0 schemas spell otherwise, in `schema` and every schema inside it:
    /// `type: file`, `x-nullable` and a `discriminator` that is a property name.
    fn schema(&mut self, schema: &mut Value, at: &str) {
        let Value::Mapping(map) = schema else { return };
        if map.get("type").and_then(Value::as_str) == Some("file") {
            map.insert("type".into(), "string".into());
            map.insert("format".into(), "binary".into());
        }
        match map.shift_remove("x-nullable") {
            Some(Value::Bool(nullable)) => {
                map.insert("nullable".into(), nullable.into());
            }
            Some(_) => self.note(&child(at, "x-nullable"), "`x-nullable` is not a boolean; ignored"),
            None => {}
        }
        if let Some(Value::String(property)) = map.get("discriminator") {
            let mut discriminator = Mapping::new();
            discriminator.insert("propertyName".into(), property.as_str().into());
            map.insert("discriminator".into(), Value::Mapping(discriminator));
        }
        if matches!(map.get("items"), Some(Value::Sequence(_))) {
            map.shift_remove("items");
            self.note(&child(at, "items"), "a list of `items` schemas (a tuple) has no OpenAPI 3.0 form: the items are any value");
        }
        for key in ["items", "additionalProperties", "not"] {
            if let Some(inner) = map.get_mut(key) {
                self.schema(inner, &child(at, key));
            }
        }
        for key in ["allOf", "anyOf", "oneOf"] {
            if let Some(Value::Sequence(parts)) = map.get_mut(key) {
                for (index, part) in parts.iter_mut().enumerate() {
                    self.schema(part, &child(&child(at, key), &index.to_string()));
                }
            }
        }
        if let Some(Value::Mapping(properties)) = map.get_mut("properties") {
            for (name, property) in properties.iter_mut() {
                self.schema(property, &child(&child(at, "properties"), &key_text(name)));
            }
        }
    }

    fn security_schemes(&mut self, schemes: Value) -> Value {
        let Value::Mapping(schemes) = schemes else {
            self.note("/securityDefinitions", "`securityDefinitions` is not a map; ignored");
            return Value::Mapping(Mapping::new());
        };
        let mut out = Mapping::new();
        for (name, scheme) in schemes {
            if let Some(scheme) = self.security_scheme(scheme, &pointer(&["securityDefinitions", &key_text(&name)])) {
                out.insert(name, Value::Mapping(scheme));
            }
        }
        Value::Mapping(out)
    }

    /// `basic` is 3.0's `http` scheme `basic`; `apiKey` is the same; `oauth2`'s one `flow`
    /// becomes one of 3.0's `flows`. A scheme 3.0 cannot hold is left out, with a note.
    fn security_scheme(&mut self, scheme: Value, at: &str) -> Option<Mapping> {
        let Value::Mapping(scheme) = scheme else {
            self.note(at, "a security scheme that is not an object is ignored");
            return None;
        };
        let mut out = Mapping::new();
        match scheme.get("type").and_then(Value::as_str).unwrap_or_default() {
            "basic" => {
                out.insert("type".into(), "http".into());
                out.insert("scheme".into(), "basic".into());
            }
            "apiKey" => {
                out.insert("type".into(), "apiKey".into());
                for key in ["name", "in"] {
                    let Some(value) = scheme.get(key).filter(|v| v.is_string()) else {
                        self.note(at, format!("an `apiKey` scheme without `{key}` is ignored"));
                        return None;
                    };
                    out.insert(key.into(), value.clone());
                }
            }
            "oauth2" => {
                let flows = self.oauth2_flows(&scheme, at)?;
                out.insert("type".into(), "oauth2".into());
                out.insert("flows".into(), Value::Mapping(flows));
            }
            other => {
                self.note(&child(at, "type"), format!("`type: {other}` is not a Swagger 2.0 security scheme; ignored"));
                return None;
            }
        }
        for (key, value) in &scheme {
            let text = key_text(key);
            if text == "description" || text.starts_with("x-") {
                out.insert(key.clone(), value.clone());
            }
        }
        Some(out)
    }

    /// 2.0's `implicit`, `password`, `application` and `accessCode` flows are 3.0's
    /// `implicit`, `password`, `clientCredentials` and `authorizationCode`.
    fn oauth2_flows(&mut self, scheme: &Mapping, at: &str) -> Option<Mapping> {
        let flow = scheme.get("flow").and_then(Value::as_str).unwrap_or_default();
        let (name, urls): (&str, &[&str]) = match flow {
            "implicit" => ("implicit", &["authorizationUrl"]),
            "password" => ("password", &["tokenUrl"]),
            "application" => ("clientCredentials", &["tokenUrl"]),
            "accessCode" => ("authorizationCode", &["authorizationUrl", "tokenUrl"]),
            other => {
                self.note(&child(at, "flow"), format!("`flow: {other}` is not an OAuth2 flow of Swagger 2.0; the scheme is ignored"));
                return None;
            }
        };
        let mut out = Mapping::new();
        for url in urls {
            let Some(value) = scheme.get(*url).filter(|v| v.is_string()) else {
                self.note(at, format!("an OAuth2 `{flow}` flow without `{url}` is ignored"));
                return None;
            };
            out.insert((*url).into(), value.clone());
        }
        let scopes = match scheme.get("scopes") {
            Some(Value::Mapping(scopes)) => scopes.clone(),
            None => Mapping::new(),
            Some(_) => {
                self.note(&child(at, "scopes"), "`scopes` is not a map; read as no scopes");
                Mapping::new()
            }
        };
        out.insert("scopes".into(), Value::Mapping(scopes));
        let mut flows = Mapping::new();
        flows.insert(name.into(), Value::Mapping(out));
        Some(flows)
    }
}

fn server(url: &str) -> Value {
    let mut server = Mapping::new();
    server.insert("url".into(), url.into());
    Value::Mapping(server)
}

/// The strings of a `consumes`, `produces` or `schemes` list; `None` when there are none.
fn media_types(list: Option<&Value>) -> Option<Vec<String>> {
    let Some(Value::Sequence(list)) = list else { return None };
    let types: Vec<String> = list.iter().filter_map(Value::as_str).map(str::to_owned).collect();
    if types.is_empty() { None } else { Some(types) }
}

/// A media type without its parameters, in lower case.
fn essence(media_type: &str) -> String {
    media_type.split(';').next().unwrap_or_default().trim().to_ascii_lowercase()
}

fn is_json(media_type: &str) -> bool {
    let essence = essence(media_type);
    essence == JSON || essence.ends_with("+json")
}

/// The form media types a form body is sent as: those `consumes` names, multipart only when
/// a field is a file, urlencoded when `consumes` names neither.
fn form_media_types(consumes: &[String], file: bool) -> Vec<String> {
    let mut types: Vec<String> = consumes
        .iter()
        .filter(|t| {
            let essence = essence(t);
            essence == MULTIPART || (essence == URLENCODED && !file)
        })
        .cloned()
        .collect();
    if types.is_empty() {
        types.push(if file { MULTIPART } else { URLENCODED }.to_owned());
    }
    types
}

/// Sets `example` on the media types of `content`, adding those `examples` (media type ->
/// example) names that are not there yet. A JSON media type's example written as JSON text
/// is read as the value the text holds, which is what 3.0 expects.
fn add_examples(content: &mut Mapping, examples: &Mapping, schema: Option<&Value>) {
    for (media_type, example) in examples {
        let Some(name) = media_type.as_str() else { continue };
        let entry = content.entry(media_type.clone()).or_insert_with(|| {
            let mut media = Mapping::new();
            if let Some(schema) = schema {
                media.insert("schema".into(), schema.clone());
            }
            Value::Mapping(media)
        });
        if let Value::Mapping(media) = entry {
            media.insert("example".into(), example_value(name, example));
        }
    }
}

fn example_value(media_type: &str, example: &Value) -> Value {
    if let (true, Value::String(text)) = (is_json(media_type), example) {
        let parsed = serde_json::from_str::<serde_json::Value>(text).ok().filter(|v| v.is_object() || v.is_array());
        if let Some(value) = parsed.and_then(|v| serde_yaml::to_value(v).ok()) {
            return value;
        }
    }
    example.clone()
}

/// A JSON pointer segment as written in a reference, unescaped.
fn unescape(segment: &str) -> String {
    segment.replace("~1", "/").replace("~0", "~")
}

/// Points every local `$ref` at its 3.0 place: `#/definitions/X` is
/// `#/components/schemas/X`, `#/parameters/X` `#/components/parameters/X` and `#/responses/X`
/// `#/components/responses/X`. (References to body parameters were made request body
/// references already.)
fn rewrite_refs(value: &mut Value) {
    match value {
        Value::Mapping(map) => {
            for (key, inner) in map.iter_mut() {
                match (key.as_str(), inner) {
                    (Some("$ref"), Value::String(reference)) => {
                        if let Some(upgraded) = upgraded_ref(reference) {
                            *reference = upgraded;
                        }
                    }
                    (_, inner) => rewrite_refs(inner),
                }
            }
        }
        Value::Sequence(items) => items.iter_mut().for_each(rewrite_refs),
        Value::Tagged(tagged) => rewrite_refs(&mut tagged.value),
        _ => {}
    }
}

fn upgraded_ref(reference: &str) -> Option<String> {
    [
        ("#/definitions/", "#/components/schemas/"),
        ("#/parameters/", "#/components/parameters/"),
        ("#/responses/", "#/components/responses/"),
    ]
    .iter()
    .find_map(|(old, new)| reference.strip_prefix(old).map(|rest| format!("{new}{rest}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn yaml(text: &str) -> Value {
        serde_yaml::from_str(text).expect("test YAML parses")
    }

    /// Upgrades `text` and checks that `openapiv3` reads the result.
    fn upgraded(text: &str) -> (Value, Vec<Note>) {
        let mut document = yaml(text);
        let notes = upgrade(&mut document);
        if let Err(e) = serde_yaml::from_value::<openapiv3::OpenAPI>(document.clone()) {
            panic!("not OpenAPI 3.0: {e}\n{}", serde_yaml::to_string(&document).unwrap_or_default());
        }
        (document, notes)
    }

    fn pointers(notes: &[Note]) -> Vec<&str> {
        notes.iter().map(|n| n.pointer.as_str()).collect()
    }

    /// The OpenAPI-Specification's `petstore-expanded` 2.0 example, descriptions shortened.
    const PETSTORE_EXPANDED: &str = r##"
swagger: "2.0"
info: {version: 1.0.0, title: Swagger Petstore, license: {name: Apache 2.0}}
host: petstore.swagger.io
basePath: /api
schemes: [http]
consumes: [application/json]
produces: [application/json]
paths:
  /pets:
    get:
      operationId: findPets
      parameters:
        - {name: tags, in: query, description: tags to filter by, required: false, type: array, collectionFormat: csv, items: {type: string}}
        - {name: limit, in: query, required: false, type: integer, format: int32}
      responses:
        "200": {description: pet response, schema: {type: array, items: {$ref: '#/definitions/Pet'}}}
        default: {description: unexpected error, schema: {$ref: '#/definitions/Error'}}
    post:
      operationId: addPet
      parameters:
        - {name: pet, in: body, description: Pet to add to the store, required: true, schema: {$ref: '#/definitions/NewPet'}}
      responses:
        "200": {description: pet response, schema: {$ref: '#/definitions/Pet'}}
        default: {description: unexpected error, schema: {$ref: '#/definitions/Error'}}
  /pets/{id}:
    get:
      operationId: find pet by id
      parameters:
        - {name: id, in: path, required: true, type: integer, format: int64}
      responses:
        "200": {description: pet response, schema: {$ref: '#/definitions/Pet'}}
        default: {description: unexpected error, schema: {$ref: '#/definitions/Error'}}
    delete:
      operationId: deletePet
      parameters:
        - {name: id, in: path, required: true, type: integer, format: int64}
      responses:
        "204": {description: pet deleted}
        default: {description: unexpected error, schema: {$ref: '#/definitions/Error'}}
definitions:
  Pet:
    allOf:
      - $ref: '#/definitions/NewPet'
      - {required: [id], type: object, properties: {id: {type: integer, format: int64}}}
  NewPet: {type: object, required: [name], properties: {name: {type: string}, tag: {type: string}}}
  Error: {type: object, required: [code, message], properties: {code: {type: integer, format: int32}, message: {type: string}}}
"##;

    #[test]
    fn upgrades_petstore_expanded() {
        let (doc, notes) = upgraded(PETSTORE_EXPANDED);
        assert!(notes.is_empty(), "{notes:?}");
        assert_eq!(doc["openapi"], yaml("3.0.3"));
        assert!(doc.get("swagger").is_none() && doc.get("definitions").is_none());
        assert_eq!(doc["servers"], yaml("[{url: 'http://petstore.swagger.io/api'}]"));
        assert_eq!(
            doc["paths"]["/pets"]["post"]["requestBody"],
            yaml("{description: Pet to add to the store, required: true, x-codegen-request-body-name: pet, content: {application/json: {schema: {$ref: '#/components/schemas/NewPet'}}}}")
        );
        assert!(doc["paths"]["/pets"]["post"].get("parameters").is_none());
        assert_eq!(
            doc["paths"]["/pets"]["get"]["parameters"][0],
            yaml("{name: tags, in: query, description: tags to filter by, required: false, schema: {type: array, items: {type: string}}, style: form, explode: false}")
        );
        assert_eq!(doc["paths"]["/pets/{id}"]["get"]["parameters"][0]["schema"], yaml("{type: integer, format: int64}"));
        assert_eq!(
            doc["paths"]["/pets"]["get"]["responses"]["200"]["content"]["application/json"]["schema"]["items"],
            yaml("$ref: '#/components/schemas/Pet'")
        );
        assert_eq!(doc["components"]["schemas"]["Pet"]["allOf"][0], yaml("$ref: '#/components/schemas/NewPet'"));
        assert!(doc["paths"]["/pets/{id}"]["delete"]["responses"]["204"].get("content").is_none());
    }

    #[test]
    fn reads_json_documents() {
        let (doc, _) = upgraded(
            r##"{"swagger": "2.0", "info": {"title": "t", "version": "1"}, "host": "api.example.com", "schemes": ["http", "https"],
                "paths": {"/pets": {"get": {"produces": ["application/json"], "responses": {"200": {"description": "pets",
                "schema": {"type": "array", "items": {"$ref": "#/definitions/Pet"}}}}}}}, "definitions": {"Pet": {"type": "object"}}}"##,
        );
        assert_eq!(doc["servers"], yaml("[{url: 'http://api.example.com'}, {url: 'https://api.example.com'}]"));
        assert_eq!(
            doc["paths"]["/pets"]["get"]["responses"]["200"]["content"]["application/json"]["schema"]["items"],
            yaml("$ref: '#/components/schemas/Pet'")
        );
    }

    #[test]
    fn form_fields_with_a_file_are_one_multipart_body() {
        let (doc, notes) = upgraded(
            "swagger: '2.0'\ninfo: {title: t, version: '1'}\npaths:\n  /pets/{id}/photo:\n    parameters:\n      - {name: id, in: path, required: true, type: integer}\n      - {name: note, in: formData, type: string}\n    post:\n      consumes: [application/x-www-form-urlencoded]\n      parameters:\n        - {name: file, in: formData, required: true, type: file, description: the photo}\n        - {name: tags, in: formData, type: array, items: {type: string}, collectionFormat: multi}\n      responses: {'204': {description: stored}}\n",
        );
        assert!(notes.is_empty(), "{notes:?}");
        let item = &doc["paths"]["/pets/{id}/photo"];
        assert_eq!(item["parameters"], yaml("[{name: id, in: path, required: true, schema: {type: integer}}]"));
        assert_eq!(
            item["post"]["requestBody"],
            yaml("{required: true, content: {multipart/form-data: {schema: {type: object, required: [file], properties: {file: {type: string, format: binary, description: the photo}, tags: {type: array, items: {type: string}}, note: {type: string}}}}}}")
        );
    }

    #[test]
    fn urlencoded_form_fields_keep_their_collection_format() {
        let (doc, _) = upgraded(
            "swagger: '2.0'\ninfo: {title: t, version: '1'}\nconsumes: [application/x-www-form-urlencoded]\npaths:\n  /tags:\n    post:\n      parameters: [{name: tag, in: formData, type: array, items: {type: string}, collectionFormat: multi}]\n      responses: {'204': {description: ok}}\n",
        );
        let media = &doc["paths"]["/tags"]["post"]["requestBody"]["content"]["application/x-www-form-urlencoded"];
        assert_eq!(media["encoding"], yaml("{tag: {style: form, explode: true}}"));
    }

    #[test]
    fn collection_formats_become_styles() {
        let (doc, notes) = upgraded(
            "swagger: '2.0'\ninfo: {title: t, version: '1'}\npaths:\n  /search/{ids}:\n    get:\n      parameters:\n        - {name: ids, in: path, required: true, type: array, items: {type: integer}}\n        - {name: tag, in: query, type: array, items: {type: string}, collectionFormat: multi}\n        - {name: words, in: query, type: array, items: {type: string}, collectionFormat: ssv}\n        - {name: cols, in: query, type: array, items: {type: string}, collectionFormat: tsv}\n        - {name: X-Ids, in: header, type: array, items: {type: string}, collectionFormat: pipes}\n        - {name: grid, in: query, type: array, items: {type: array, items: {type: integer}, collectionFormat: pipes}}\n      responses: {'200': {description: ok}}\n",
        );
        let parameters = &doc["paths"]["/search/{ids}"]["get"]["parameters"];
        let style = |index: usize| (parameters[index]["style"].as_str().unwrap_or_default(), parameters[index]["explode"].as_bool());
        assert_eq!(style(0), ("simple", Some(false)));
        assert_eq!(style(1), ("form", Some(true)));
        assert_eq!(style(2), ("spaceDelimited", Some(false)));
        assert_eq!(style(3), ("form", Some(false)));
        assert_eq!(style(4), ("simple", Some(false)));
        assert_eq!(parameters[5]["schema"], yaml("{type: array, items: {type: array, items: {type: integer}}}"));
        let at = "/paths/~1search~1{ids}/get/parameters";
        assert_eq!(
            pointers(&notes),
            [format!("{at}/3/collectionFormat"), format!("{at}/4/collectionFormat"), format!("{at}/5/items/collectionFormat")]
        );
    }

    #[test]
    fn security_definitions_become_security_schemes() {
        let (doc, notes) = upgraded(
            "swagger: '2.0'\ninfo: {title: t, version: '1'}\npaths: {}\nsecurity: [{code: [read]}]\nsecurityDefinitions:\n  code: {type: oauth2, flow: accessCode, authorizationUrl: 'https://a/auth', tokenUrl: 'https://a/token', scopes: {read: Read}}\n  app: {type: oauth2, flow: application, tokenUrl: 'https://a/token'}\n  basic: {type: basic, description: user and password}\n  key: {type: apiKey, name: X-Key, in: header}\n  broken: {type: oauth2, flow: implicit}\n",
        );
        let schemes = &doc["components"]["securitySchemes"];
        assert_eq!(
            schemes["code"],
            yaml("{type: oauth2, flows: {authorizationCode: {authorizationUrl: 'https://a/auth', tokenUrl: 'https://a/token', scopes: {read: Read}}}}")
        );
        assert_eq!(schemes["app"], yaml("{type: oauth2, flows: {clientCredentials: {tokenUrl: 'https://a/token', scopes: {}}}}"));
        assert_eq!(schemes["basic"], yaml("{type: http, scheme: basic, description: user and password}"));
        assert_eq!(schemes["key"], yaml("{type: apiKey, name: X-Key, in: header}"));
        assert!(schemes.get("broken").is_none());
        assert_eq!(pointers(&notes), ["/securityDefinitions/broken"]);
        assert!(doc.get("servers").is_none(), "no host and no basePath: no server");
    }

    #[test]
    fn shared_parts_responses_and_schema_words() {
        let (doc, notes) = upgraded(
            r##"
swagger: '2.0'
info: {title: t, version: '1'}
basePath: /v1
produces: [application/json, application/xml]
parameters:
  Pet: {name: pet, in: body, required: true, schema: {$ref: '#/definitions/Pet'}}
  Limit: {name: limit, in: query, type: integer, x-nullable: true}
responses:
  NotFound: {description: missing, schema: {$ref: '#/definitions/Error'}}
paths:
  /pets:
    post:
      parameters: [{$ref: '#/parameters/Pet'}, {$ref: '#/parameters/Limit'}]
      responses:
        '201':
          description: created
          headers: {X-Rate: {type: integer, format: int32}}
          examples: {application/json: '{"id": 1}'}
          schema: {$ref: '#/definitions/Pet'}
        '404': {$ref: '#/responses/NotFound'}
    put:
      consumes: [application/xml]
      parameters: [{$ref: '#/parameters/Pet'}]
      responses: {'200': {description: ok}}
definitions:
  Pet:
    type: object
    discriminator: kind
    required: [kind]
    properties: {kind: {type: string}, photo: {type: file}, owner: {type: string, x-nullable: true}}
  Error: {type: object}
"##,
        );
        assert!(notes.is_empty(), "{notes:?}");
        assert_eq!(doc["servers"], yaml("[{url: /v1}]"));
        let post = &doc["paths"]["/pets"]["post"];
        assert_eq!(post["requestBody"], yaml("$ref: '#/components/requestBodies/Pet'"));
        assert_eq!(post["parameters"], yaml("[$ref: '#/components/parameters/Limit']"));
        let created = &post["responses"]["201"];
        assert_eq!(created["content"]["application/json"]["example"], yaml("{id: 1}"));
        assert_eq!(created["content"]["application/xml"], yaml("schema: {$ref: '#/components/schemas/Pet'}"));
        assert_eq!(created["headers"]["X-Rate"], yaml("schema: {type: integer, format: int32}"));
        assert_eq!(post["responses"]["404"], yaml("$ref: '#/components/responses/NotFound'"));
        assert_eq!(
            doc["paths"]["/pets"]["put"]["requestBody"]["content"],
            yaml("application/xml: {schema: {$ref: '#/components/schemas/Pet'}}")
        );
        let components = &doc["components"];
        assert_eq!(components["parameters"]["Limit"]["schema"], yaml("{type: integer, nullable: true}"));
        assert_eq!(components["requestBodies"]["Pet"]["content"]["application/json"], yaml("schema: {$ref: '#/components/schemas/Pet'}"));
        assert_eq!(components["responses"]["NotFound"]["content"].as_mapping().map(Mapping::len), Some(2));
        let pet = &components["schemas"]["Pet"];
        assert_eq!(pet["discriminator"], yaml("propertyName: kind"));
        assert_eq!(pet["properties"]["photo"], yaml("{type: string, format: binary}"));
        assert_eq!(pet["properties"]["owner"], yaml("{type: string, nullable: true}"));
    }

    #[test]
    fn path_level_body_goes_to_each_operation_unless_overridden() {
        let (doc, notes) = upgraded(
            "swagger: '2.0'\ninfo: {title: t, version: '1'}\npaths:\n  /x:\n    parameters: [{name: v, in: body}]\n    put: {responses: {'204': {description: ok}}}\n    post:\n      parameters: [{name: v, in: body, schema: {type: string}}]\n      responses: {'204': {description: ok}}\n",
        );
        let item = &doc["paths"]["/x"];
        assert!(item.get("parameters").is_none());
        assert_eq!(item["put"]["requestBody"]["content"], yaml("application/json: {}"));
        assert_eq!(item["post"]["requestBody"]["content"], yaml("application/json: {schema: {type: string}}"));
        assert_eq!(pointers(&notes), ["/paths/~1x/parameters/0"], "the schema-less body is noted once");
    }

    #[test]
    fn a_host_without_schemes_is_served_over_https() {
        let (doc, notes) = upgraded("swagger: '2.0'\ninfo: {title: t, version: '1'}\nhost: api.example.com\nbasePath: /\npaths: {}\n");
        assert_eq!(doc["servers"], yaml("[{url: 'https://api.example.com'}]"));
        assert_eq!(pointers(&notes), ["/host"]);
    }

    #[test]
    fn leaves_other_documents_alone() {
        let text = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\ndefinitions: {A: {type: file}}\n";
        let mut doc = yaml(text);
        assert!(upgrade(&mut doc).is_empty());
        assert_eq!(doc, yaml(text));
    }

    #[test]
    fn malformed_documents_give_notes_not_panics() {
        for text in [
            "swagger: '2.0'\npaths: [1]\n",
            "swagger: 2.0\npaths: {/a: {get: {parameters: 3, responses: [1]}}}\n",
            "swagger: '2.0'\nhost: 7\nschemes: 1\ndefinitions: 3\nresponses: 2\nparameters: {a: 1, b: {in: body}, c: {in: formData}}\nsecurityDefinitions: {a: 1, b: {type: oauth2, flow: 1}, c: {type: apiKey}, d: {type: x}}\n",
            "swagger: '2.0'\npaths:\n  /a:\n    parameters: [{in: body}, 7, {$ref: 5}, {$ref: '#/parameters/none'}]\n    get:\n      parameters: [{in: formData}, {in: nowhere, name: x}, {in: query, type: array, collectionFormat: [1]}, {$ref: '#/parameters/c'}]\n      responses: {'200': {schema: 1, headers: [1], examples: 2}, '201': {headers: {A: 1}}}\nparameters: {c: {in: formData, type: [1]}}\n",
            "swagger: '2.0'\ndefinitions: {A: {items: [{type: file}], x-nullable: 1, properties: 4, allOf: {}}}\n",
            "- swagger\n",
            "swagger: '2.0'\n",
        ] {
            let mut doc = yaml(text);
            let _notes = upgrade(&mut doc);
        }
        let mut doc = yaml("swagger: '2.0'\npaths: {/a: {get: {parameters: [{in: nowhere, name: x}], responses: {'200': {}}}}}\n");
        let notes = upgrade(&mut doc);
        assert_eq!(pointers(&notes), ["/paths/~1a/get/parameters/0/in", "/paths/~1a/get/responses/200"]);
    }
}
