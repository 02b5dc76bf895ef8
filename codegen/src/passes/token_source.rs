//! Infers how an API's login and refresh operations become one token source.
//!
//! A pass over the IR once names and decodings are decided, the same for every format. The refresh operation is the one
//! named for refreshing or renewing; the login operation is another whose answer carries an
//! access token. In each answer, the token sits in the first struct (searched from the success
//! value, through the envelope's payload) with an access-token field; its siblings give the
//! refresh token, the token type and the lifetimes (seconds, or RFC 3339 times). Each request
//! field is filled from the current token, a computed value (timestamp, signature) or the
//! caller's credentials: the fields of a JSON body, and the operation's parameters (path,
//! query, header, cookie) alike, a header's `X-` prefix aside (`X-Refresh-Token` is the refresh
//! token, `X-App-Key` the credential `app_key`). A required parameter nothing else fills is a
//! credential when it is a string, number or boolean; an optional one is filled only when
//! something fills it or another field asks for its credential. A call the source cannot fill
//! (a required parameter nothing can fill, a token in a parameter that is no string, one
//! credential of two types) means no token source, and a warning saying why: the emitted
//! source must always compile. The `token_source` section of a sidecar names what the
//! documents do not say; a field that looks like a lifetime but cannot be read as one is an
//! error, never a guess.

use heck::ToSnakeCase;
use serde::Deserialize;
use serde_json::Value;

use crate::diagnostic::Diagnostic;
use crate::ir::{
    Api, Credential, Field, FieldRef, Fill, Lifetime, LifetimeUnit, Operation, Parameter, ParameterLocation, RequestFill, Signature, Source, TokenCall,
    TokenSourceMapping, TypeKind, TypeRef, Warning,
};

/// The `token_source` section of an API sidecar.
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TokenSourceSidecar {
    /// The login operation, when it cannot be inferred.
    pub login: Option<String>,
    /// The refresh operation, when it cannot be inferred.
    pub refresh: Option<String>,
    pub signature: Option<SignatureSidecar>,
    /// Envelope codes that mean a new login is needed.
    #[serde(default)]
    pub relogin_codes: Vec<Value>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SignatureSidecar {
    /// The request field that carries the signature.
    pub field: String,
    /// The request field filled with the current UNIX time in milliseconds.
    pub timestamp: Option<String>,
    /// What is hashed, in order: request fields by wire name, or secrets the caller supplies.
    pub sha256_hex_of: Vec<String>,
}

fn words(name: &str) -> Vec<String> {
    name.to_snake_case().split('_').map(str::to_owned).collect()
}

fn field_ref(field: &Field) -> FieldRef {
    FieldRef {
        wire_name: field.wire_name.clone(),
        rust_name: field.rust_name.clone(),
        ty: field.ty.clone(),
        optional: field.is_option(),
        secret: field.secret,
        source: field.source.clone(),
    }
}

fn struct_fields<'a>(api: &'a Api, ty: &TypeRef) -> Option<(&'a str, &'a [Field])> {
    let TypeRef::Named(name) = ty else { return None };
    let def = api.type_def(name)?;
    match &def.kind {
        TypeKind::Struct { fields, .. } => Some((def.name.as_str(), fields.as_slice())),
        TypeKind::Alias { target } => struct_fields(api, target),
        TypeKind::Enum { .. } | TypeKind::Union { .. } => None,
    }
}

fn named(fields: &[Field], snake: &[&str]) -> Option<FieldRef> {
    fields.iter().find(|f| snake.contains(&f.wire_name.to_snake_case().as_str())).map(field_ref)
}

/// The value a successful call returns (the envelope's payload where there is one, as the
/// analysis pass decided), and the success variant holding it when there are several.
fn success_value(operation: &Operation) -> Option<(TypeRef, Option<String>)> {
    let successes: Vec<_> = operation.success_responses().collect();
    let primary = successes.first()?;
    let value = primary.decoding.as_ref()?.value_type()?.clone();
    let variant = (successes.len() > 1).then(|| primary.variant.clone());
    Some((value, variant))
}

/// The struct holding the access token, breadth first from `value`, with the fields leading to it.
fn find_token_struct<'a>(api: &'a Api, value: &TypeRef) -> Option<(Vec<FieldRef>, &'a str, &'a [Field])> {
    let mut queue: Vec<(Vec<FieldRef>, TypeRef)> = vec![(Vec::new(), value.clone())];
    let mut seen: Vec<TypeRef> = Vec::new();
    while !queue.is_empty() {
        let (path, ty) = queue.remove(0);
        if seen.contains(&ty) {
            continue;
        }
        seen.push(ty.clone());
        let Some((name, fields)) = struct_fields(api, &ty) else { continue };
        if named(fields, &["access_token"]).is_some() {
            return Some((path, name, fields));
        }
        for field in fields {
            let mut next = path.clone();
            next.push(field_ref(field));
            queue.push((next, field.ty.clone()));
        }
    }
    None
}

fn is_seconds(ty: &TypeRef) -> bool {
    matches!(ty, TypeRef::Integer { .. } | TypeRef::Number)
}

/// A lifetime among `fields` under one of `names`, as seconds or as an absolute time.
fn lifetime(fields: &[Field], names: &[&str], errors: &mut Vec<Diagnostic>) -> Option<Lifetime> {
    let field = fields.iter().find(|f| names.contains(&f.wire_name.to_snake_case().as_str()))?;
    match &field.ty {
        ty if is_seconds(ty) => Some(Lifetime { unit: LifetimeUnit::Seconds, field: field_ref(field) }),
        TypeRef::DateTime => Some(Lifetime { unit: LifetimeUnit::Rfc3339, field: field_ref(field) }),
        other => {
            errors.push(
                Diagnostic::at(&field.source, format!(
                    "`{}` looks like a token lifetime, but its type `{other}` is neither seconds (a number) nor an RFC 3339 time",
                    field.wire_name
                ))
                .with_hint("correct its type in the API's overlay (`type: int64`, or `type: date-time`)"),
            );
            None
        }
    }
}

const ACCESS_EXPIRY_SECONDS: &[&str] = &["expires_in", "expire", "expires", "expiry", "expires_in_seconds"];
const ACCESS_EXPIRY_AT: &[&str] = &["access_expires", "expires_at", "access_token_expires_at", "access_expires_at"];
const REFRESH_EXPIRY: &[&str] = &["refresh_expires_in", "refresh_expires", "refresh_expires_at", "refresh_token_expires_in"];

fn call(
    api: &Api,
    operation: &Operation,
    is_refresh: bool,
    sidecar: &TokenSourceSidecar,
    errors: &mut Vec<Diagnostic>,
) -> Option<TokenCall> {
    let (value, success_variant) = success_value(operation)?;
    let (token_path, token_type_name, fields) = find_token_struct(api, &value)?;
    let access_token = named(fields, &["access_token"])?;
    let expires = lifetime(fields, ACCESS_EXPIRY_SECONDS, errors)
        .or_else(|| lifetime(fields, ACCESS_EXPIRY_AT, errors));
    if expires.is_none() {
        if let Some(field) = fields.iter().find(|f| {
            let snake = f.wire_name.to_snake_case();
            (snake.contains("expire") || snake.contains("ttl")) && !snake.starts_with("refresh") && !snake.contains("max")
        }) {
            errors.push(Diagnostic::at(&field.source, format!(
                "`{}` looks like the access token's lifetime, but the generator cannot tell how to read it",
                field.wire_name
            )).with_hint("rename it to `expires_in` (seconds) or `expires_at` (an RFC 3339 time) in the API's overlay"));
        }
    }
    let refresh_expires = lifetime(fields, REFRESH_EXPIRY, errors);

    let (request_type, mut request) = match operation.request_body.as_ref().map(|b| &b.ty) {
        Some(ty) => match struct_fields(api, ty) {
            Some((name, request_fields)) => (Some(name.to_owned()), request_fills(request_fields, is_refresh, sidecar)),
            None => (None, Vec::new()),
        },
        None => (None, Vec::new()),
    };
    request.extend(operation.parameters.iter().map(|parameter| parameter_fill(parameter, is_refresh, sidecar)));
    Some(TokenCall {
        operation: operation.name.clone(),
        request_type,
        request,
        success_variant,
        token_path,
        token_type_name: token_type_name.to_owned(),
        refresh_token: named(fields, &["refresh_token"]),
        token_type: named(fields, &["token_type"]),
        access_token,
        expires,
        refresh_expires,
    })
}

/// What fills a request field other than a credential, if anything: the signature or the
/// timestamp the sidecar names (by wire name), or, in a refresh, the current tokens (by
/// `snake` name).
fn computed_fill(wire_name: &str, snake: &str, is_refresh: bool, sidecar: &TokenSourceSidecar) -> Option<Fill> {
    let signature = sidecar.signature.as_ref();
    if signature.is_some_and(|s| s.field == wire_name) {
        Some(Fill::Signature)
    } else if signature.and_then(|s| s.timestamp.as_ref()).is_some_and(|t| t == wire_name) {
        Some(Fill::TimestampMillis)
    } else if is_refresh && snake == "refresh_token" {
        Some(Fill::CurrentRefreshToken)
    } else if is_refresh && snake == "access_token" {
        Some(Fill::CurrentAccessToken)
    } else {
        None
    }
}

/// Body fields: each is computed, or else a credential of its name.
fn request_fills(fields: &[Field], is_refresh: bool, sidecar: &TokenSourceSidecar) -> Vec<RequestFill> {
    fields
        .iter()
        .map(|field| {
            let from = computed_fill(&field.wire_name, &field.wire_name.to_snake_case(), is_refresh, sidecar).unwrap_or(Fill::Credential);
            RequestFill { field: field_ref(field), from, location: None, credential: None }
        })
        .collect()
}

/// A parameter's name as a field name: snake case, without a header's `x_` prefix.
fn parameter_snake_name(parameter: &Parameter) -> String {
    let snake = parameter.name.to_snake_case();
    match snake.strip_prefix("x_") {
        Some(rest) if parameter.location == ParameterLocation::Header && !rest.is_empty() => rest.to_owned(),
        _ => snake,
    }
}

/// Whether a parameter's value is a string, number or boolean (something a caller can supply
/// as a credential).
fn is_scalar(ty: &TypeRef) -> bool {
    matches!(ty, TypeRef::String | TypeRef::Integer { .. } | TypeRef::Number | TypeRef::Boolean)
}

/// A parameter as the token mapping fills it: optional unless it is a path parameter or
/// required (the client method's arguments); secret when its name says so.
fn parameter_ref(parameter: &Parameter) -> FieldRef {
    FieldRef {
        wire_name: parameter.name.clone(),
        rust_name: parameter.rust_name.clone(),
        ty: parameter.ty.clone(),
        optional: !(parameter.required || parameter.location == ParameterLocation::Path),
        secret: parameter.ty == TypeRef::String && super::secrets::is_secret(&parameter_snake_name(parameter), None),
        source: parameter.source.clone(),
    }
}

/// A parameter: computed like a body field of its name; else a required scalar one is a
/// credential, and anything else is left out for now ([`fill_optional_parameters`] may
/// still fill an optional one, [`unfillable`] rejects a required one).
fn parameter_fill(parameter: &Parameter, is_refresh: bool, sidecar: &TokenSourceSidecar) -> RequestFill {
    let snake = parameter_snake_name(parameter);
    let field = parameter_ref(parameter);
    let from = match computed_fill(&parameter.name, &snake, is_refresh, sidecar) {
        Some(fill) => fill,
        None if field.optional || !is_scalar(&parameter.ty) => Fill::Nothing,
        None => Fill::Credential,
    };
    let credential = crate::naming::snake_ident(&snake);
    let credential = (credential != field.rust_name).then_some(credential);
    RequestFill { field, from, location: Some(parameter.location), credential }
}

/// Fills each optional parameter left out whose credential another field of the token calls
/// already asks for (an optional `X-App-Key` header beside a required `appKey`).
fn fill_optional_parameters(calls: &mut [&mut TokenCall]) {
    let asked: Vec<String> =
        calls.iter().flat_map(|c| c.request.iter()).filter(|f| f.from == Fill::Credential).map(|f| f.credential_name().to_owned()).collect();
    for fill in calls.iter_mut().flat_map(|c| c.request.iter_mut()) {
        if fill.location.is_some() && fill.from == Fill::Nothing && fill.field.optional && asked.iter().any(|name| name == fill.credential_name()) {
            fill.from = Fill::Credential;
        }
    }
}

/// The credentials the caller supplies: every credential-filled request field, once (by
/// credential name; optional only when every field it fills is, secret when any is), and the
/// signature's inputs that are not request fields.
fn credentials(calls: &[&TokenCall], signature: Option<&Signature>) -> Vec<Credential> {
    let mut out: Vec<Credential> = Vec::new();
    for fill in calls.iter().flat_map(|c| c.request.iter()).filter(|f| f.from == Fill::Credential) {
        match out.iter_mut().find(|c| c.rust_name == fill.credential_name()) {
            Some(credential) => {
                credential.optional &= fill.field.optional;
                credential.secret |= fill.field.secret;
            }
            None => out.push(Credential {
                rust_name: fill.credential_name().to_owned(),
                wire_name: fill.field.wire_name.clone(),
                ty: fill.field.ty.clone(),
                optional: fill.field.optional,
                secret: fill.field.secret,
            }),
        }
    }
    for input in signature.map(|s| s.inputs.as_slice()).unwrap_or_default() {
        let in_request = calls.iter().flat_map(|c| c.request.iter()).any(|f| &f.field.wire_name == input);
        let rust_name = crate::naming::snake_ident(input);
        if !in_request && !out.iter().any(|c| c.rust_name == rust_name) {
            out.push(Credential { rust_name, wire_name: input.clone(), ty: TypeRef::String, optional: false, secret: true });
        }
    }
    out
}

/// Why a fill cannot be written as Rust that compiles, if it cannot.
fn fill_problem(fill: &RequestFill, credentials: &[Credential]) -> Option<String> {
    let field = &fill.field;
    let is_string = field.ty == TypeRef::String;
    match fill.from {
        Fill::Nothing if fill.is_required() => Some("nothing the token source has can fill it (it is no string, number or boolean a credential could give)".to_owned()),
        Fill::CurrentAccessToken | Fill::CurrentRefreshToken | Fill::Signature if fill.location.is_some() && !is_string => {
            Some(format!("it takes a token or signature, but its type is `{}`, not a string", field.ty))
        }
        Fill::TimestampMillis if fill.location.is_some() && !matches!(field.ty, TypeRef::String | TypeRef::Integer { bits: 64 }) => {
            Some(format!("it takes a millisecond timestamp, but its type is `{}`, neither a string nor an int64", field.ty))
        }
        Fill::Credential => {
            let credential = credentials.iter().find(|c| c.rust_name == fill.credential_name())?;
            if credential.ty != field.ty {
                Some(format!("it takes the credential `{}`, which another field types `{}`, as `{}`", credential.rust_name, credential.ty, field.ty))
            } else {
                None
            }
        }
        _ => None,
    }
}

/// A warning naming the first field of `calls` the token source cannot fill, if any: such a
/// source would not compile, so none is generated.
fn unfillable(calls: &[&TokenCall], credentials: &[Credential]) -> Option<Warning> {
    calls.iter().find_map(|call| {
        call.request.iter().find_map(|fill| {
            let problem = fill_problem(fill, credentials)?;
            let what = match fill.location {
                Some(location) => format!("{} parameter", location_name(location)),
                None => "body field".to_owned(),
            };
            let required = if fill.is_required() { "required " } else { "" };
            Some(Warning {
                source: fill.field.source.clone(),
                message: format!(
                    "the {required}{what} `{}` of token operation `{}` cannot be filled: {problem}; no token source is generated \
                     (correct the parameter in the API's overlay, or name other token operations in `api.yaml`: `token_source.login`, `token_source.refresh`)",
                    fill.field.wire_name,
                    call.operation.trim_start_matches("r#"),
                ),
            })
        })
    })
}

/// A warning naming the first token call whose required body is no struct of fields the
/// source could fill, if any.
fn unsendable_body(api: &Api, calls: &[&TokenCall]) -> Option<Warning> {
    calls.iter().filter(|call| call.request_type.is_none()).find_map(|call| {
        let operation = api.operations.iter().find(|op| op.name == call.operation)?;
        let body = operation.request_body.as_ref().filter(|body| body.required)?;
        Some(Warning {
            source: operation.source.clone(),
            message: format!(
                "the required body of token operation `{}` is `{}`, no object whose fields the token source could fill; no token source is generated \
                 (correct the body in the API's overlay, or name other token operations in `api.yaml`: `token_source.login`, `token_source.refresh`)",
                call.operation.trim_start_matches("r#"),
                body.ty
            ),
        })
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

/// Infers the token source of `api`; `None` when the API has no refresh operation.
/// The token source of `api`, if it has one, and a warning when operations looked like token
/// refreshes but none answers a token. A guess never fails the run; what a sidecar names must hold.
pub fn infer(api: &Api, sidecar: &TokenSourceSidecar, sidecar_source: &Source) -> Result<(Option<TokenSourceMapping>, Option<Warning>), Vec<Diagnostic>> {
    let mut errors = Vec::new();
    let find = |name: &str| api.operations.iter().find(|op| op.name == name);
    let (refresh, mut refresh_call) = match &sidecar.refresh {
        Some(name) => {
            let Some(refresh) = find(name) else {
                return Err(vec![Diagnostic::file_error(&sidecar_source.file, format!("`token_source.refresh` names `{name}`, which is no operation of this API"))]);
            };
            let Some(refresh_call) = call(api, refresh, true, sidecar, &mut errors) else {
                return Err(vec![Diagnostic::at(&refresh.source, format!("refresh operation `{}` answers no access token the generator can find", refresh.name))
                    .with_hint("a token source needs a field named like `access_token` in the refresh answer")]);
            };
            (refresh, refresh_call)
        }
        None => {
            // Operations named for refreshing or renewing; the first whose answer carries a
            // token is the refresh (Stripe's `…_refresh` operations refresh other things).
            let candidates: Vec<&Operation> = api.operations.iter().filter(|op| words(&op.name).iter().any(|w| w == "refresh" || w == "renew")).collect();
            let found = candidates.iter().find_map(|op| call(api, op, true, sidecar, &mut errors).map(|c| (*op, c)));
            match (found, candidates.first()) {
                (Some(found), _) => found,
                (None, None) => return Ok((None, None)),
                (None, Some(first)) => {
                    let names: Vec<String> = candidates.iter().take(3).map(|op| format!("`{}`", op.name)).collect();
                    let warning = Warning {
                        source: first.source.clone(),
                        message: format!(
                            "{} operation(s) named like a token refresh ({}{}) answer no access token: no token source is generated; name the refresh in `api.yaml` (`token_source.refresh`) if there is one",
                            candidates.len(),
                            names.join(", "),
                            if candidates.len() > 3 { ", …" } else { "" }
                        ),
                    };
                    return Ok((None, Some(warning)));
                }
            }
        }
    };
    let mut login = match &sidecar.login {
        Some(name) => match find(name) {
            Some(op) => call(api, op, false, sidecar, &mut errors),
            None => return Err(vec![Diagnostic::file_error(&sidecar_source.file, format!("`token_source.login` names `{name}`, which is no operation of this API"))]),
        },
        None => api.operations.iter().filter(|op| op.name != refresh.name).find_map(|op| call(api, op, false, sidecar, &mut errors)),
    };
    let signature = sidecar.signature.as_ref().map(|s| Signature { field: s.field.clone(), inputs: s.sha256_hex_of.clone(), source: sidecar_source.clone() });
    if let Some(signature) = &signature {
        let filled = login.iter().chain(std::iter::once(&refresh_call)).flat_map(|c| c.request.iter()).any(|f| f.from == Fill::Signature);
        if !filled {
            errors.push(Diagnostic::file_error(&sidecar_source.file, format!("`token_source.signature.field` names `{}`, which no token request has", signature.field)));
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    fill_optional_parameters(&mut login.iter_mut().chain(std::iter::once(&mut refresh_call)).collect::<Vec<_>>());
    let calls: Vec<&TokenCall> = login.iter().chain(std::iter::once(&refresh_call)).collect();
    let credentials = credentials(&calls, signature.as_ref());
    if let Some(warning) = unfillable(&calls, &credentials).or_else(|| unsendable_body(api, &calls)) {
        return Ok((None, Some(warning)));
    }
    Ok((Some(TokenSourceMapping { login, refresh: refresh_call, credentials, signature, relogin_codes: sidecar.relogin_codes.clone() }), None))
}
