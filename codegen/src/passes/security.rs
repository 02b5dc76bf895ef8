//! Credentials are configuration, not arguments: this pass takes them out of operations'
//! parameters and into security requirements, whatever format a document is in.
//!
//! - [`lift`] (before overlays, so a sidecar can correct what it decides): a header parameter
//!   that carries a credential (`Authorization`, or an API key header such as `X-API-Key`) in
//!   an operation that declares no security becomes a security scheme (`bearer`, `basic`, or
//!   an API key scheme named after the header) and the operation's requirement. Pages show
//!   credentials this way: a header table row, or a curl example's `-H "Authorization: …"`.
//! - [`settle`] (after overlays): a parameter that a scheme of the operation's requirement
//!   already writes (the `Authorization` header of a bearer scheme, an API key's own
//!   parameter) is dropped, and requirements naming no declared scheme are left out with a
//!   warning.

use crate::ir::{Api, Operation, Parameter, ParameterLocation, SchemeKind, SecurityRequirement, SecurityScheme, Warning};

/// Header names (lower case, without `-` and `_`) that carry an API key.
const API_KEY_HEADERS: &[&str] = &["apikey", "xapikey", "xapitoken", "xauthtoken", "xaccesstoken"];

/// Turns credential header parameters of operations without security into requirements.
pub fn lift(api: &mut Api) {
    let mut schemes = std::mem::take(&mut api.security_schemes);
    for operation in &mut api.operations {
        if !operation.security.is_empty() {
            continue;
        }
        let Some(index) = operation.parameters.iter().position(|p| credential_kind(p).is_some()) else { continue };
        let parameter = operation.parameters.remove(index);
        let Some(kind) = credential_kind(&parameter) else { continue };
        let name = match &kind {
            SchemeKind::Basic => "basic".to_owned(),
            SchemeKind::ApiKey { parameter, .. } => parameter.clone(),
            _ => "bearer".to_owned(),
        };
        if !schemes.iter().any(|s| s.name == name) {
            schemes.push(SecurityScheme { name: name.clone(), method: String::new(), kind, description: parameter.description.clone(), source: parameter.source.clone() });
        }
        operation.security = vec![SecurityRequirement::of(&name)];
        if !parameter.required {
            operation.security.push(SecurityRequirement::default());
        }
    }
    api.security_schemes = schemes;
}

/// The scheme a header parameter's credential implies, if it carries one.
fn credential_kind(parameter: &Parameter) -> Option<SchemeKind> {
    if parameter.location != ParameterLocation::Header {
        return None;
    }
    if parameter.name.eq_ignore_ascii_case("authorization") {
        let basic = parameter.description.as_deref().is_some_and(|d| d.contains("Basic "));
        return Some(if basic { SchemeKind::Basic } else { SchemeKind::Bearer { format: None } });
    }
    let folded: String = parameter.name.chars().filter(|c| *c != '-' && *c != '_').collect::<String>().to_ascii_lowercase();
    API_KEY_HEADERS
        .contains(&folded.as_str())
        .then(|| SchemeKind::ApiKey { location: ParameterLocation::Header, parameter: parameter.name.clone() })
}

/// Drops parameters the requirement's schemes write and requirements naming no scheme.
pub fn settle(api: &mut Api) {
    let mut warnings = Vec::new();
    let schemes = &api.security_schemes;
    for operation in &mut api.operations {
        let before = operation.security.len();
        operation.security.retain(|alternative| alternative.schemes.iter().all(|used| schemes.iter().any(|s| s.name == used.scheme)));
        if operation.security.len() != before {
            warnings.push(Warning {
                source: operation.source.clone(),
                message: format!("`{}` names a security scheme the API does not declare; those alternatives are left out", operation.name),
            });
        }
        if operation.security.iter().all(|alternative| alternative.schemes.is_empty()) {
            operation.security.clear();
        }
        drop_written_parameters(operation, schemes);
    }
    api.warnings.extend(warnings);
}

/// Removes the parameters a scheme of `operation`'s requirement writes itself.
fn drop_written_parameters(operation: &mut Operation, schemes: &[SecurityScheme]) {
    let used: Vec<&SecurityScheme> = operation
        .security
        .iter()
        .flat_map(|alternative| &alternative.schemes)
        .filter_map(|used| schemes.iter().find(|s| s.name == used.scheme))
        .collect();
    operation.parameters.retain(|parameter| !used.iter().any(|scheme| writes(scheme, parameter)));
}

/// Whether `scheme` writes `parameter` (so the caller must not).
fn writes(scheme: &SecurityScheme, parameter: &Parameter) -> bool {
    match &scheme.kind {
        SchemeKind::ApiKey { location, parameter: name } => {
            *location == parameter.location
                && if *location == ParameterLocation::Header { name.eq_ignore_ascii_case(&parameter.name) } else { *name == parameter.name }
        }
        _ => parameter.location == ParameterLocation::Header && parameter.name.eq_ignore_ascii_case("authorization"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ir::{Method, ParameterStyle, Source, TypeRef};

    fn header(name: &str, required: bool, description: &str) -> Parameter {
        Parameter {
            name: name.to_owned(),
            rust_name: name.to_ascii_lowercase().replace('-', "_"),
            location: ParameterLocation::Header,
            required,
            ty: TypeRef::String,
            description: Some(description.to_owned()),
            style: ParameterStyle::Form,
            source: Source { file: "page.md".to_owned(), line: 7 },
        }
    }

    fn operation(name: &str, parameters: Vec<Parameter>) -> Operation {
        Operation {
            name: name.to_owned(),
            method: Method::Get,
            path: "/things".to_owned(),
            summary: None,
            description: None,
            parameters,
            request_body: None,
            responses: Vec::new(),
            security: Vec::new(),
            error_enum: String::new(),
            success_enum: String::new(),
            call: String::new(),
            source: Source::default(),
        }
    }

    fn api(operations: Vec<Operation>) -> Api {
        let mut api = crate::builder::ApiBuilder::new("vendor").finish();
        api.operations = operations;
        api
    }

    #[test]
    fn credential_headers_become_schemes_and_requirements() {
        let mut api = api(vec![
            operation("list", vec![header("Authorization", true, "The curl example sends `Authorization: Bearer {token}`."), header("X-Trace", false, "")]),
            operation("login", vec![header("authorization", true, "Value: `Basic dXNlcjpwYXNz`.")]),
            operation("search", vec![header("X-API-Key", false, "Your key.")]),
        ]);
        lift(&mut api);
        settle(&mut api);
        let names: Vec<(&str, &SchemeKind)> = api.security_schemes.iter().map(|s| (s.name.as_str(), &s.kind)).collect();
        assert_eq!(
            names,
            [
                ("bearer", &SchemeKind::Bearer { format: None }),
                ("basic", &SchemeKind::Basic),
                ("X-API-Key", &SchemeKind::ApiKey { location: ParameterLocation::Header, parameter: "X-API-Key".to_owned() }),
            ]
        );
        assert_eq!(api.operations[0].security, [SecurityRequirement::of("bearer")]);
        assert_eq!(api.operations[0].parameters.iter().map(|p| p.name.as_str()).collect::<Vec<_>>(), ["X-Trace"], "the credential is no argument");
        assert_eq!(api.operations[1].security, [SecurityRequirement::of("basic")]);
        assert_eq!(api.operations[2].security, [SecurityRequirement::of("X-API-Key"), SecurityRequirement::default()], "an optional key header makes credentials optional");
        assert!(api.operations[2].parameters.is_empty());
    }

    #[test]
    fn declared_security_drops_the_parameters_its_schemes_write_and_unknown_schemes() {
        let mut with_key = operation("list", vec![header("Authorization", true, ""), header("X-Key", true, ""), header("X-Other", true, "")]);
        with_key.security = vec![SecurityRequirement::of("key")];
        let mut unknown = operation("other", vec![header("Authorization", true, "")]);
        unknown.security = vec![SecurityRequirement::of("nowhere")];
        let mut api = api(vec![with_key, unknown]);
        api.security_schemes.push(SecurityScheme {
            name: "key".to_owned(),
            method: String::new(),
            kind: SchemeKind::ApiKey { location: ParameterLocation::Header, parameter: "x-key".to_owned() },
            description: None,
            source: Source::default(),
        });
        lift(&mut api);
        settle(&mut api);
        let left: Vec<&str> = api.operations[0].parameters.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(left, ["Authorization", "X-Other"], "an API key scheme writes only its own header");
        assert!(api.operations[1].security.is_empty());
        assert!(api.warnings.iter().any(|w| w.message.contains("does not declare")));
    }
}
