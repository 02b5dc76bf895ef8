//! The intermediate model: what every frontend produces and every emitter reads.
//!
//! One [`Api`] per folder under `specs/`. It knows nothing of document formats (no OpenAPI,
//! no markdown) and nothing of Rust tokens: frontends translate *into* it, emitters translate
//! *out of* it. Every operation, type and field carries the [`Source`] it came from, so a
//! generated item can point back at the document line, and the whole model serialises to YAML
//! for `cargo xtask ir` and for the IR snapshots.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::Value;

/// A file and a 1-based line in it. The file is relative to the workspace root, so snapshots
/// and generated headers are the same on every machine.
#[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Source {
    pub file: String,
    pub line: u32,
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.file, self.line)
    }
}

impl Serialize for Source {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

fn de_text<'de, D: Deserializer<'de>>(deserializer: D) -> Result<String, D::Error> {
    String::deserialize(deserializer)
}

impl<'de> Deserialize<'de> for Source {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = de_text(deserializer)?;
        match text.rsplit_once(':') {
            Some((file, line)) => match line.parse() {
                Ok(line) => Ok(Source { file: file.to_owned(), line }),
                Err(_) => Ok(Source { file: text.clone(), line: 0 }),
            },
            None => Ok(Source { file: text, line: 0 }),
        }
    }
}

impl<'de> Deserialize<'de> for Status {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = de_text(deserializer)?;
        let invalid = || serde::de::Error::custom(format!("`{text}` is not a status (a code, a class such as `4XX`, or `default`)"));
        if text == "default" {
            return Ok(Status::Default);
        }
        if let Some(class) = text.strip_suffix("XX").or_else(|| text.strip_suffix("xx")) {
            return class.parse().map(Status::Range).map_err(|_| invalid());
        }
        text.parse().map(Status::Code).map_err(|_| invalid())
    }
}

impl TypeRef {
    /// Reads the notation `Display` writes (`string`, `int64`, `array<Token>`, `map<string, any>`).
    pub fn parse(text: &str) -> Option<TypeRef> {
        let text = text.trim();
        if let Some(item) = text.strip_prefix("array<").and_then(|t| t.strip_suffix('>')) {
            return TypeRef::parse(item).map(|item| TypeRef::Array(Box::new(item)));
        }
        if let Some(value) = text.strip_prefix("map<string,").and_then(|t| t.strip_suffix('>')) {
            return TypeRef::parse(value).map(|value| TypeRef::Map(Box::new(value)));
        }
        Some(match text {
            "string" => TypeRef::String,
            "int32" => TypeRef::Integer { bits: 32 },
            "int64" => TypeRef::Integer { bits: 64 },
            "number" => TypeRef::Number,
            "boolean" => TypeRef::Boolean,
            "date-time" => TypeRef::DateTime,
            "any" => TypeRef::Any,
            "binary" => TypeRef::Binary,
            "file" => TypeRef::File,
            name if !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') => TypeRef::Named(name.to_owned()),
            _ => return None,
        })
    }
}

impl<'de> Deserialize<'de> for TypeRef {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = de_text(deserializer)?;
        TypeRef::parse(&text).ok_or_else(|| serde::de::Error::custom(format!("`{text}` is not a type (e.g. `string`, `int64`, `array<Token>`, `map<string, any>`, a type name)")))
    }
}

/// One API: every document of one `specs/<api>/` folder.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Api {
    /// The module name in the generated crate (snake case, from the folder name).
    pub name: String,
    pub title: String,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub description: Option<String>,
    /// The documents this API was read from, relative to the workspace root.
    pub documents: Vec<String>,
    pub servers: Vec<Server>,
    pub operations: Vec<Operation>,
    /// Every named type, in the order emitters write them.
    pub types: Vec<TypeDef>,
    /// How the API wraps every payload, when it does.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub envelope: Option<Envelope>,
    /// The ways the API authenticates callers, which operations' `security` names.
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub security_schemes: Vec<SecurityScheme>,
    /// How the API's login and refresh calls become one token source, when it has them.
    /// Inferred after overlays apply, so an overlay never sets it.
    #[serde(skip_serializing_if = "Option::is_none", skip_deserializing, default)]
    pub token_source: Option<TokenSourceMapping>,
    /// Decisions the generator took that a maintainer should know about.
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub warnings: Vec<Warning>,
    /// The overlay actions in effect (see `overlay.yaml`), in order.
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub fixes: Vec<AppliedFix>,
    /// Where each type sat in `types` when [`Api::index_types`] last ran (not part of the model).
    #[serde(skip)]
    pub type_index: TypeIndex,
}

/// Type names to their places in [`Api::types`], for [`Api::type_def`] on APIs of thousands
/// of types. Only a hint: a lookup checks the name at the place before it trusts it, so a
/// pass that adds, removes or renames types after indexing costs a scan, never a wrong answer.
#[derive(Clone, Default)]
pub struct TypeIndex(std::collections::HashMap<String, usize>);

impl PartialEq for TypeIndex {
    /// Equal always: the index says nothing about the API that `types` does not.
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

impl fmt::Debug for TypeIndex {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "TypeIndex({} types)", self.0.len())
    }
}

/// An overlay action applied to the IR.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct AppliedFix {
    pub source: Source,
    pub target: String,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub description: Option<String>,
}

/// A wrapper every answer of an API shares: a status field whose value says success or failure,
/// the payload, and a message. Paths are property names from the body's root.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Envelope {
    /// Where the vendor's status code sits, e.g. `[response, code]`.
    pub status: Vec<String>,
    /// The status value that means success, e.g. `SUCCESS` or `0`.
    pub success: Value,
    /// Where the payload sits, e.g. `[response, data]`.
    pub payload: Vec<String>,
    /// Where a human-readable message sits, if anywhere.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<Vec<String>>,
    /// Where the document or sidecar said so.
    #[serde(default = "unknown_source")]
    pub source: Source,
}

fn unknown_source() -> Source {
    Source { file: String::new(), line: 0 }
}

impl Api {
    /// The type named `name`: through the index when it is up to date, by a scan otherwise.
    pub fn type_def(&self, name: &str) -> Option<&TypeDef> {
        let indexed = self.type_index.0.get(name).and_then(|&place| self.types.get(place)).filter(|def| def.name == name);
        indexed.or_else(|| self.types.iter().find(|t| t.name == name))
    }

    /// Indexes the types by name as they are now, for [`Api::type_def`].
    pub fn index_types(&mut self) {
        self.type_index = TypeIndex(self.types.iter().enumerate().map(|(place, def)| (def.name.clone(), place)).collect());
    }

    /// Points every reference to type `before` at `after` (the definition itself is renamed
    /// by the caller).
    pub fn rename_type_references(&mut self, before: &str, after: &str) {
        fn visit(ty: &mut TypeRef, before: &str, after: &str) {
            match ty {
                TypeRef::Named(name) if name == before => *name = after.to_owned(),
                TypeRef::Array(inner) | TypeRef::Map(inner) => visit(inner, before, after),
                _ => {}
            }
        }
        for def in &mut self.types {
            def.kind.referenced_types_mut().into_iter().for_each(|ty| visit(ty, before, after));
        }
        for operation in &mut self.operations {
            operation.parameters.iter_mut().for_each(|p| visit(&mut p.ty, before, after));
            if let Some(body) = &mut operation.request_body {
                visit(&mut body.ty, before, after);
            }
            for response in &mut operation.responses {
                if let Some(body) = &mut response.body {
                    visit(body, before, after);
                }
            }
        }
    }
}

/// Something the generator decided or ignored, worth a maintainer's look; never fatal.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Warning {
    pub source: Source,
    pub message: String,
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.source, self.message)
    }
}

/// A base URL the API is served from; `{name}` parts are [`ServerVariable`]s.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Server {
    /// The URL template, e.g. `https://{apigw-address}`.
    pub url: String,
    /// The client constructor for this server (decided by the names pass).
    #[serde(skip_serializing_if = "String::is_empty", default)]
    pub constructor: String,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub description: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub variables: Vec<ServerVariable>,
    pub source: Source,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct ServerVariable {
    pub name: String,
    /// The constructor argument, when the variable has no default (decided by the names pass).
    #[serde(skip_serializing_if = "String::is_empty", default)]
    pub rust_name: String,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub default: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub description: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub allowed: Vec<String>,
}

/// One HTTP endpoint.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Operation {
    /// The client method name (snake case), unique within the API.
    pub name: String,
    pub method: Method,
    /// The path template, e.g. `/api/v1/auth/token/renew` or `/items/{id}`.
    pub path: String,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub summary: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub description: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub parameters: Vec<Parameter>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub request_body: Option<RequestBody>,
    pub responses: Vec<Response>,
    /// The credentials the operation needs: alternatives, each naming the schemes it uses
    /// together; an empty alternative lets the call go without. Empty: it needs none.
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub security: Vec<SecurityRequirement>,
    /// The enum of the documented error answers (decided by the names pass).
    #[serde(skip_serializing_if = "String::is_empty", default)]
    pub error_enum: String,
    /// The enum of the documented success answers when there are several, else empty (decided
    /// by the names pass).
    #[serde(skip_serializing_if = "String::is_empty", default)]
    pub success_enum: String,
    /// The builder type of one call of the operation (decided by the names pass).
    #[serde(skip_serializing_if = "String::is_empty", default)]
    pub call: String,
    pub source: Source,
}

/// One part of a path template: literal text, or a `{placeholder}` a path parameter fills.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PathPart<'a> {
    Literal(&'a str),
    Placeholder(&'a str),
}

/// The parts of a path template, in order; a `{` without a closing `}` is literal text.
pub fn path_parts(template: &str) -> Vec<PathPart<'_>> {
    let mut parts = Vec::new();
    let mut rest = template;
    while let Some((before, after)) = rest.split_once('{') {
        let Some((name, tail)) = after.split_once('}') else { break };
        if !before.is_empty() {
            parts.push(PathPart::Literal(before));
        }
        parts.push(PathPart::Placeholder(name));
        rest = tail;
    }
    if !rest.is_empty() {
        parts.push(PathPart::Literal(rest));
    }
    parts
}

impl Operation {
    /// Responses whose status is 2xx: what the call returns on success.
    pub fn success_responses(&self) -> impl Iterator<Item = &Response> {
        self.responses.iter().filter(|r| r.status.is_success())
    }

    /// Every other documented response: what the call's error carries, typed.
    pub fn error_responses(&self) -> impl Iterator<Item = &Response> {
        self.responses.iter().filter(|r| !r.status.is_success())
    }
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[serde(rename_all = "UPPERCASE")]
pub enum Method {
    Get,
    Put,
    Post,
    Delete,
    Options,
    Head,
    Patch,
    Trace,
}

impl Method {
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Put => "PUT",
            Method::Post => "POST",
            Method::Delete => "DELETE",
            Method::Options => "OPTIONS",
            Method::Head => "HEAD",
            Method::Patch => "PATCH",
            Method::Trace => "TRACE",
        }
    }

    /// Whether requests of this method carry a body by convention (RFC 9110 gives `GET`,
    /// `HEAD`, `DELETE`, `OPTIONS` and `TRACE` bodies no meaning).
    pub fn has_request_body(self) -> bool {
        matches!(self, Method::Post | Method::Put | Method::Patch)
    }

    pub fn parse(word: &str) -> Option<Method> {
        let method = match word.to_ascii_uppercase().as_str() {
            "GET" => Method::Get,
            "PUT" => Method::Put,
            "POST" => Method::Post,
            "DELETE" => Method::Delete,
            "OPTIONS" => Method::Options,
            "HEAD" => Method::Head,
            "PATCH" => Method::Patch,
            "TRACE" => Method::Trace,
            _ => return None,
        };
        Some(method)
    }
}

/// A way the API authenticates callers (an OpenAPI security scheme, or one a page implies by
/// sending an `Authorization` header).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct SecurityScheme {
    /// The scheme's name in the document (`bearerAuth`), which requirements refer to.
    pub name: String,
    /// The client method that gives the scheme its credential (`with_bearer_auth`), decided
    /// by the names pass.
    #[serde(skip_serializing_if = "String::is_empty", default)]
    pub method: String,
    #[serde(flatten)]
    pub kind: SchemeKind,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub description: Option<String>,
    /// Where the scheme is declared; a scheme an overlay adds is sourced at that action.
    #[serde(default)]
    pub source: Source,
}

/// How a scheme's credential travels.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum SchemeKind {
    /// `Authorization: Bearer <token>`.
    Bearer {
        #[serde(skip_serializing_if = "Option::is_none", default)]
        format: Option<String>,
    },
    /// `Authorization: Basic <base64(user:password)>`.
    Basic,
    /// `Authorization: <scheme> <credential>` for another HTTP scheme.
    Http { scheme: String },
    /// A key in a header, query parameter or cookie.
    ApiKey {
        #[serde(rename = "in")]
        location: ParameterLocation,
        parameter: String,
    },
    /// OAuth 2.0: a bearer token got through one of these flows.
    #[serde(rename = "oauth2")]
    OAuth2 { flows: Vec<OAuthFlow> },
    /// OpenID Connect: a bearer token from the provider the discovery URL describes.
    OpenIdConnect { url: String },
}

/// One OAuth 2.0 flow of a scheme.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct OAuthFlow {
    /// `authorizationCode`, `clientCredentials`, `password` or `implicit`.
    pub flow: String,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub authorization_url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub token_url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub refresh_url: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub scopes: Vec<String>,
}

/// One alternative of an operation's security: the schemes used together (none: anonymous).
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(transparent)]
pub struct SecurityRequirement {
    pub schemes: Vec<SchemeUse>,
}

/// A scheme an alternative uses, with the OAuth 2.0 scopes it asks for.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct SchemeUse {
    pub scheme: String,
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub scopes: Vec<String>,
}

impl SecurityRequirement {
    pub fn of(scheme: &str) -> Self {
        SecurityRequirement { schemes: vec![SchemeUse { scheme: scheme.to_owned(), scopes: Vec::new() }] }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Parameter {
    /// The name on the wire.
    pub name: String,
    /// The Rust argument name.
    pub rust_name: String,
    pub location: ParameterLocation,
    pub required: bool,
    #[serde(rename = "type")]
    pub ty: TypeRef,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub description: Option<String>,
    /// How an array or object value is written (OpenAPI's `style` and `explode`); path, header
    /// and cookie parameters have one style each, so only a query parameter's is recorded.
    #[serde(skip_serializing_if = "ParameterStyle::is_form", default)]
    pub style: ParameterStyle,
    pub source: Source,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum ParameterLocation {
    Path,
    Query,
    Header,
    Cookie,
}

/// OpenAPI's query parameter styles: `form` (exploded: `a=1&a=2`, or not: `a=1,2`),
/// `spaceDelimited`, `pipeDelimited`, `deepObject` (`a[b]=1`).
#[derive(Debug, Clone, Copy, Default, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum ParameterStyle {
    #[default]
    Form,
    FormUnexploded,
    SpaceDelimited,
    PipeDelimited,
    DeepObject,
}

impl ParameterStyle {
    pub fn is_form(&self) -> bool {
        *self == ParameterStyle::Form
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct RequestBody {
    pub content_type: String,
    /// How the body is written on the wire, from its media type.
    #[serde(skip_serializing_if = "BodyEncoding::is_json", default)]
    pub encoding: BodyEncoding,
    /// The style of each property of a form body that the document's `encoding` object sets.
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub property_styles: Vec<PropertyStyle>,
    #[serde(rename = "type")]
    pub ty: TypeRef,
    pub required: bool,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub description: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub examples: Vec<Example>,
    /// Other media types the operation accepts for the same schema, each of another encoding
    /// (JSON, form or multipart): the caller may send the body in one of them instead.
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub alternatives: Vec<String>,
}

impl RequestBody {
    /// Whether a body of `encoding` can be written from the body's type, whatever its media type.
    pub fn is_structured(encoding: BodyEncoding) -> bool {
        matches!(encoding, BodyEncoding::Json | BodyEncoding::Form | BodyEncoding::Multipart)
    }
}

/// How a request body is written.
#[derive(Debug, Clone, Copy, Default, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum BodyEncoding {
    /// `application/json` and `*/*+json`.
    #[default]
    Json,
    /// `application/x-www-form-urlencoded`: nested objects and arrays as `a[b][0][c]=v`.
    Form,
    /// `multipart/form-data`.
    Multipart,
    /// Raw bytes of the body's media type.
    Binary,
    /// `text/*`: a string.
    Text,
}

impl BodyEncoding {
    pub fn is_json(&self) -> bool {
        *self == BodyEncoding::Json
    }

    /// The encoding of media type `content_type`, or `None` for a type no encoding sends.
    pub fn of(content_type: &str) -> BodyEncoding {
        let essence = content_type.split(';').next().unwrap_or_default().trim().to_ascii_lowercase();
        match essence.as_str() {
            "application/json" => BodyEncoding::Json,
            json if json.ends_with("+json") => BodyEncoding::Json,
            "application/x-www-form-urlencoded" => BodyEncoding::Form,
            "multipart/form-data" | "multipart/mixed" => BodyEncoding::Multipart,
            text if text.starts_with("text/") => BodyEncoding::Text,
            _ => BodyEncoding::Binary,
        }
    }

    /// Which of several offered encodings a client sends by default: the most structured.
    pub fn preference(self) -> u8 {
        match self {
            BodyEncoding::Json => 0,
            BodyEncoding::Form => 1,
            BodyEncoding::Multipart => 2,
            BodyEncoding::Binary => 3,
            BodyEncoding::Text => 4,
        }
    }
}

/// A form body property written in a style of its own (the media type's `encoding` object).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct PropertyStyle {
    pub property: String,
    pub style: ParameterStyle,
}

/// What one documented status answers.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Response {
    pub status: Status,
    /// The variant name of this response in the operation's success or error enum.
    pub variant: String,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub description: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub content_type: Option<String>,
    /// The decoded body; `None` when the response documents no body.
    #[serde(rename = "type", skip_serializing_if = "Option::is_none", default)]
    pub body: Option<TypeRef>,
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub examples: Vec<Example>,
    /// How the client turns this answer into a value (computed by the analysis pass).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub decoding: Option<Decoding>,
    pub source: Source,
}

impl Response {
    /// A response for `status` with nothing known yet but where it is documented; its variant
    /// is named after the status until the document says otherwise.
    pub fn documented(status: Status, source: Source) -> Response {
        Response {
            status,
            variant: status.reason_phrase(),
            description: None,
            content_type: None,
            body: None,
            examples: Vec::new(),
            decoding: None,
            source,
        }
    }
}

/// How one answer is decoded into the value a call returns.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "snake_case")]
pub enum Decoding {
    /// No body: the value is `()` or a unit variant.
    Empty,
    /// The whole body is the value.
    Body(TypeRef),
    /// The envelope must report success; its payload is the value.
    Payload(TypeRef),
    /// The envelope must carry `code` (JSON text); the whole body is the value. A documented
    /// alternative answer under a success status, such as "2FA required".
    Outcome {
        code: String,
        #[serde(rename = "type")]
        value: TypeRef,
    },
}

impl Decoding {
    /// The type of the decoded value; `None` for an answer without a body.
    pub fn value_type(&self) -> Option<&TypeRef> {
        match self {
            Decoding::Empty => None,
            Decoding::Body(ty) | Decoding::Payload(ty) | Decoding::Outcome { value: ty, .. } => Some(ty),
        }
    }
}

/// A documented status: one code, a class such as `4XX`, or `default` (anything else).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Status {
    Code(u16),
    /// The hundreds digit: `Range(4)` is `4XX`.
    Range(u16),
    Default,
}

impl Status {
    /// A name for the status: its reason phrase where it has a common one (`NotFound`), else
    /// `Status418` or `Status4xx`.
    pub fn reason_phrase(self) -> String {
        let reason = match self {
            Status::Code(code) => match code {
                200 => "Ok",
                201 => "Created",
                202 => "Accepted",
                204 => "NoContent",
                400 => "BadRequest",
                401 => "Unauthorized",
                402 => "PaymentRequired",
                403 => "Forbidden",
                404 => "NotFound",
                405 => "MethodNotAllowed",
                409 => "Conflict",
                410 => "Gone",
                415 => "UnsupportedMediaType",
                422 => "UnprocessableEntity",
                423 => "Locked",
                429 => "TooManyRequests",
                500 => "InternalServerError",
                502 => "BadGateway",
                503 => "ServiceUnavailable",
                504 => "GatewayTimeout",
                other => return format!("Status{other}"),
            },
            Status::Range(class) => return format!("Status{class}xx"),
            Status::Default => "Default",
        };
        reason.to_owned()
    }

    pub fn is_success(self) -> bool {
        match self {
            Status::Code(code) => (200..300).contains(&code),
            Status::Range(class) => class == 2,
            Status::Default => false,
        }
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Status::Code(code) => write!(f, "{code}"),
            Status::Range(class) => write!(f, "{class}XX"),
            Status::Default => f.write_str("default"),
        }
    }
}

impl Serialize for Status {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

/// A value the document gives as an example of a body, a type or a field.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Example {
    pub value: Value,
    pub source: Source,
}

/// A named type of the generated module.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct TypeDef {
    /// The Rust name (upper camel case), unique within the API.
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub description: Option<String>,
    #[serde(flatten)]
    pub kind: TypeKind,
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub examples: Vec<Example>,
    /// Reachable from a response body: the client decodes it, so a struct keeps properties
    /// the document does not list (computed by the analysis pass).
    #[serde(skip_serializing_if = "std::ops::Not::not", default)]
    pub received: bool,
    pub source: Source,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum TypeKind {
    /// A JSON object with known properties.
    Struct {
        fields: Vec<Field>,
        /// The type of properties beyond `fields`, when the document allows them typed.
        #[serde(skip_serializing_if = "Option::is_none", default)]
        additional: Option<TypeRef>,
    },
    /// A closed list of string values (or, with `integer`, whole numbers) on the wire;
    /// generated enums also accept unknown values.
    Enum {
        values: Vec<EnumValue>,
        /// The values are integers (`wire` holds their decimal text).
        #[serde(skip_serializing_if = "std::ops::Not::not", default)]
        integer: bool,
    },
    /// Another name for a type expression (maps, arrays, primitives).
    Alias {
        #[serde(rename = "type")]
        target: TypeRef,
    },
    /// One of several types (`oneOf`, `anyOf`). With a `tag`, the value of that property says
    /// which; without one, variants are tried in order, most specific first.
    Union {
        /// The discriminating property's wire name, when there is one.
        #[serde(skip_serializing_if = "Option::is_none", default)]
        tag: Option<String>,
        variants: Vec<Variant>,
    },
}

/// One alternative of a [`TypeKind::Union`].
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Variant {
    /// The Rust variant name (decided by the names pass).
    pub name: String,
    #[serde(rename = "type")]
    pub ty: TypeRef,
    /// The tag values that select this variant, in a tagged union.
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub tags: Vec<String>,
    /// The pattern a string must match to be this variant, in an untagged union whose
    /// variants are told apart by it (`Ipv4Net` and `Ipv6Net` are both strings).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub pattern: Option<String>,
}

impl TypeKind {
    /// Every type expression the kind refers to (field types, alias target, variant types).
    pub fn referenced_types(&self) -> Vec<&TypeRef> {
        match self {
            TypeKind::Struct { fields, additional } => fields.iter().map(|f| &f.ty).chain(additional.iter()).collect(),
            TypeKind::Alias { target } => vec![target],
            TypeKind::Union { variants, .. } => variants.iter().map(|v| &v.ty).collect(),
            TypeKind::Enum { .. } => Vec::new(),
        }
    }

    fn referenced_types_mut(&mut self) -> Vec<&mut TypeRef> {
        match self {
            TypeKind::Struct { fields, additional } => fields.iter_mut().map(|f| &mut f.ty).chain(additional.iter_mut()).collect(),
            TypeKind::Alias { target } => vec![target],
            TypeKind::Union { variants, .. } => variants.iter_mut().map(|v| &mut v.ty).collect(),
            TypeKind::Enum { .. } => Vec::new(),
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct EnumValue {
    /// The string on the wire.
    pub wire: String,
    /// The Rust variant name.
    pub variant: String,
}

/// One property of a struct.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Field {
    /// The property name on the wire.
    pub wire_name: String,
    /// The Rust field name (snake case, raw identifier when it is a keyword).
    pub rust_name: String,
    #[serde(rename = "type")]
    pub ty: TypeRef,
    pub required: bool,
    pub nullable: bool,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub default: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub format: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub description: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub examples: Vec<Value>,
    /// Values the document allows when they are not strings (e.g. `statusCode: [400]`).
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub allowed: Vec<Value>,
    /// Another wire form the field also accepts when the document contradicts itself
    /// (declared `string`, example `480`: the field is an integer that also accepts a string).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub also_accepts: Option<TypeRef>,
    /// A token, password or secret: generated as a type that never prints its value.
    #[serde(skip_serializing_if = "std::ops::Not::not", default)]
    pub secret: bool,
    /// Closes a cycle of direct containment, so it is boxed (computed by the analysis pass).
    #[serde(skip_serializing_if = "std::ops::Not::not", default)]
    pub boxed: bool,
    pub source: Source,
}

impl Field {
    /// Whether the field may be absent or null on the wire.
    pub fn is_optional(&self) -> bool {
        !self.required || self.nullable
    }

    /// Whether an absent field takes the document's default value: an optional, non-null,
    /// plain field whose default has the field's own type.
    pub fn is_defaulted(&self) -> bool {
        if self.required || self.nullable || self.secret || self.also_accepts.is_some() {
            return false;
        }
        matches!(
            (&self.ty, &self.default),
            (TypeRef::String, Some(Value::String(_)))
                | (TypeRef::Integer { .. }, Some(Value::Number(_)))
                | (TypeRef::Number, Some(Value::Number(_)))
                | (TypeRef::Boolean, Some(Value::Bool(_)))
        )
    }

    /// Whether the generated field is an `Option`: optional, and without a default to fill in.
    pub fn is_option(&self) -> bool {
        self.is_optional() && !self.is_defaulted()
    }
}

/// A type expression: a primitive, a named type, or a container of them.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum TypeRef {
    String,
    /// A whole number; `bits` is 32 for `int32`, else 64.
    Integer { bits: u8 },
    /// A number that may have a fraction.
    Number,
    Boolean,
    /// An RFC 3339 date-time with its offset.
    DateTime,
    /// Any JSON value: the document says nothing of the type.
    Any,
    /// Raw bytes: a binary request or response body (`application/octet-stream`, images...).
    Binary,
    /// A file in a multipart body (`type: string, format: binary` in a schema): its bytes, file
    /// name and media type.
    File,
    Named(String),
    Array(Box<TypeRef>),
    /// A JSON object used as a map from string keys.
    Map(Box<TypeRef>),
}

impl fmt::Display for TypeRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TypeRef::String => f.write_str("string"),
            TypeRef::Integer { bits } => write!(f, "int{bits}"),
            TypeRef::Number => f.write_str("number"),
            TypeRef::Boolean => f.write_str("boolean"),
            TypeRef::DateTime => f.write_str("date-time"),
            TypeRef::Any => f.write_str("any"),
            TypeRef::Binary => f.write_str("binary"),
            TypeRef::File => f.write_str("file"),
            TypeRef::Named(name) => f.write_str(name),
            TypeRef::Array(item) => write!(f, "array<{item}>"),
            TypeRef::Map(value) => write!(f, "map<string, {value}>"),
        }
    }
}

impl Serialize for TypeRef {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

/// How a vendor's login and refresh operations map onto the common token model.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct TokenSourceMapping {
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub login: Option<TokenCall>,
    pub refresh: TokenCall,
    /// What the caller supplies once: fields of the login or refresh requests that are neither
    /// computed nor taken from the current token, and the secret inputs of a signature.
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub credentials: Vec<Credential>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub signature: Option<Signature>,
    /// Envelope codes that mean the session is over and a new login is needed.
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub relogin_codes: Vec<Value>,
}

/// One operation of a token source: how its request is filled and where its answer's token is.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct TokenCall {
    pub operation: String,
    /// The request body type, filled field by field.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub request_type: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub request: Vec<RequestFill>,
    /// The success variant holding the token, when the operation has several success answers.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub success_variant: Option<String>,
    /// Fields from the success value down to the struct that holds the token.
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub token_path: Vec<FieldRef>,
    /// The struct that holds the token.
    pub token_type_name: String,
    pub access_token: FieldRef,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub refresh_token: Option<FieldRef>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub token_type: Option<FieldRef>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub expires: Option<Lifetime>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub refresh_expires: Option<Lifetime>,
}

/// A field of a generated struct, as the token mapping reads or writes it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct FieldRef {
    pub wire_name: String,
    pub rust_name: String,
    #[serde(rename = "type")]
    pub ty: TypeRef,
    pub optional: bool,
    pub secret: bool,
    pub source: Source,
}

/// How a request field of a token call is filled: a field of the JSON body, or a parameter
/// (path, query, header or cookie) of the operation.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct RequestFill {
    /// The body field, or the parameter (its wire name and Rust argument name).
    pub field: FieldRef,
    pub from: Fill,
    /// Where a parameter goes; `None` for a body field.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub location: Option<ParameterLocation>,
    /// The credential filling it, when its name is not the field's Rust name (a header
    /// `X-App-Key` filled from the credential `app_key`).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub credential: Option<String>,
}

impl RequestFill {
    /// The Rust name of the credential that fills this field, when [`Fill::Credential`] does.
    pub fn credential_name(&self) -> &str {
        self.credential.as_deref().unwrap_or(&self.field.rust_name)
    }

    /// Whether the call cannot be made without this field: a required body field, a path
    /// parameter, or a required query, header or cookie parameter.
    pub fn is_required(&self) -> bool {
        !self.field.optional
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "snake_case")]
pub enum Fill {
    /// The caller's credential of the same name.
    Credential,
    CurrentAccessToken,
    CurrentRefreshToken,
    /// The current UNIX time in milliseconds.
    TimestampMillis,
    /// The request signature (see [`Signature`]).
    Signature,
    /// Left out: an optional parameter nothing fills (or a required one nothing can fill,
    /// which keeps the API from having a token source).
    Nothing,
}

/// A token lifetime in an answer: which field, read how.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Lifetime {
    pub unit: LifetimeUnit,
    pub field: FieldRef,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum LifetimeUnit {
    /// Seconds from the moment the answer is received.
    Seconds,
    /// An absolute RFC 3339 time.
    Rfc3339,
}

/// A request signature the client computes: lowercase hex SHA-256 over the concatenation of
/// `inputs` (request fields by wire name, or credentials that are never sent).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Signature {
    pub field: String,
    pub inputs: Vec<String>,
    pub source: Source,
}

/// Something the caller supplies once to a token source.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Credential {
    pub rust_name: String,
    /// The wire name it stands for: a request field, or a signature input that is never sent.
    pub wire_name: String,
    #[serde(rename = "type")]
    pub ty: TypeRef,
    pub optional: bool,
    pub secret: bool,
}

#[cfg(test)]
mod type_index_tests {
    use super::Api;

    fn api(types: &[&str]) -> Api {
        let types: Vec<String> = types.iter().map(|name| format!("{{name: {name}, kind: alias, type: string, source: 'a.md:1'}}")).collect();
        let yaml = format!("{{name: a, title: A, documents: [], servers: [], operations: [], types: [{}]}}", types.join(", "));
        serde_yaml::from_str(&yaml).unwrap_or_else(|e| panic!("test API: {e}"))
    }

    #[test]
    fn a_stale_index_answers_as_a_scan_would() {
        let mut api = api(&["Alpha", "Beta", "Gamma"]);
        api.index_types();
        assert_eq!(api.type_def("Beta").map(|t| t.name.as_str()), Some("Beta"));
        // Types moved, renamed and added after indexing.
        api.types.swap(0, 2);
        if let Some(beta) = api.types.get_mut(1) {
            beta.name = "Delta".to_owned();
        }
        let mut more = self::api(&["Epsilon"]).types;
        api.types.append(&mut more);
        for name in ["Alpha", "Gamma", "Delta", "Epsilon"] {
            assert_eq!(api.type_def(name).map(|t| t.name.as_str()), Some(name));
        }
        assert!(api.type_def("Beta").is_none());
        assert_eq!(api, self::api(&["Gamma", "Delta", "Alpha", "Epsilon"]), "the index takes no part in equality");
    }
}
