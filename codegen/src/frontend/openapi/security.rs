//! OpenAPI's `securitySchemes` and `security` -> the IR's schemes and each operation's
//! requirement.
//!
//! Every declared scheme is read (http bearer, basic and other HTTP schemes, apiKey in a
//! header, query or cookie, oauth2 with its flows, openIdConnect). An operation's requirement
//! is its own `security`, else the document's; `{}` among the alternatives makes credentials
//! optional. A requirement naming a scheme the document does not declare is left out with a
//! warning, so a document's slip costs that alternative, not the run.

use openapiv3::{APIKeyLocation, OAuth2Flows, ReferenceOr, SecurityScheme as Declared};

use super::Context;
use crate::yaml_lines::{child, pointer};
use crate::builder::ApiBuilder;
use crate::ir::{OAuthFlow, ParameterLocation, SchemeKind, SchemeUse, SecurityRequirement, SecurityScheme};

/// Adds the document's security schemes to `api`.
pub fn read_schemes(context: &Context<'_>, api: &mut ApiBuilder) {
    let Some(components) = &context.spec.components else { return };
    for (name, scheme) in &components.security_schemes {
        let at = pointer(&["components", "securitySchemes", name]);
        let ReferenceOr::Item(scheme) = scheme else {
            api.warn(context.source(&at), format!("security scheme `{name}` is a `$ref`, which is not followed; operations needing it get no credential"));
            continue;
        };
        let (kind, description) = scheme_kind(scheme);
        api.add_security_scheme(SecurityScheme {
            name: name.clone(),
            method: String::new(),
            kind,
            description: description.clone().filter(|d| !d.trim().is_empty()),
            source: context.source(&at),
        });
    }
}

fn scheme_kind(scheme: &Declared) -> (SchemeKind, &Option<String>) {
    match scheme {
        Declared::APIKey { location, name, description, .. } => {
            let location = match location {
                APIKeyLocation::Query => ParameterLocation::Query,
                APIKeyLocation::Header => ParameterLocation::Header,
                APIKeyLocation::Cookie => ParameterLocation::Cookie,
            };
            (SchemeKind::ApiKey { location, parameter: name.clone() }, description)
        }
        Declared::HTTP { scheme, bearer_format, description, .. } => {
            let kind = match scheme.to_ascii_lowercase().as_str() {
                "bearer" => SchemeKind::Bearer { format: bearer_format.clone() },
                "basic" => SchemeKind::Basic,
                _ => SchemeKind::Http { scheme: scheme.clone() },
            };
            (kind, description)
        }
        Declared::OAuth2 { flows, description, .. } => (SchemeKind::OAuth2 { flows: oauth_flows(flows) }, description),
        Declared::OpenIDConnect { open_id_connect_url, description, .. } => (SchemeKind::OpenIdConnect { url: open_id_connect_url.clone() }, description),
    }
}

fn oauth_flows(flows: &OAuth2Flows) -> Vec<OAuthFlow> {
    let scopes = |map: &indexmap::IndexMap<String, String>| map.keys().cloned().collect::<Vec<_>>();
    let mut out = Vec::new();
    if let Some(flow) = &flows.authorization_code {
        out.push(OAuthFlow {
            flow: "authorizationCode".to_owned(),
            authorization_url: Some(flow.authorization_url.clone()),
            token_url: Some(flow.token_url.clone()),
            refresh_url: flow.refresh_url.clone(),
            scopes: scopes(&flow.scopes),
        });
    }
    if let Some(flow) = &flows.client_credentials {
        out.push(OAuthFlow { flow: "clientCredentials".to_owned(), authorization_url: None, token_url: Some(flow.token_url.clone()), refresh_url: flow.refresh_url.clone(), scopes: scopes(&flow.scopes) });
    }
    if let Some(flow) = &flows.password {
        out.push(OAuthFlow { flow: "password".to_owned(), authorization_url: None, token_url: Some(flow.token_url.clone()), refresh_url: flow.refresh_url.clone(), scopes: scopes(&flow.scopes) });
    }
    if let Some(flow) = &flows.implicit {
        out.push(OAuthFlow { flow: "implicit".to_owned(), authorization_url: Some(flow.authorization_url.clone()), token_url: None, refresh_url: flow.refresh_url.clone(), scopes: scopes(&flow.scopes) });
    }
    out
}

/// The requirement of the operation at `at`: its own `security`, else the document's, with
/// alternatives naming undeclared schemes left out (a warning each).
pub fn requirement(context: &Context<'_>, api: &mut ApiBuilder, own: Option<&Vec<openapiv3::SecurityRequirement>>, at: &str) -> Vec<SecurityRequirement> {
    let (declared, declared_at) = match own {
        Some(own) => (own, child(at, "security")),
        None => match &context.spec.security {
            Some(document) => (document, "/security".to_owned()),
            None => return Vec::new(),
        },
    };
    let known = |name: &str| context.spec.components.as_ref().is_some_and(|c| c.security_schemes.contains_key(name));
    let mut alternatives = Vec::new();
    for (index, alternative) in declared.iter().enumerate() {
        if let Some(unknown) = alternative.keys().find(|name| !known(name)) {
            api.warn(
                context.source(&child(&declared_at, &index.to_string())),
                format!("the security requirement names `{unknown}`, which `components.securitySchemes` does not declare; this alternative is left out"),
            );
            continue;
        }
        alternatives.push(SecurityRequirement {
            schemes: alternative.iter().map(|(scheme, scopes)| SchemeUse { scheme: scheme.clone(), scopes: scopes.clone() }).collect(),
        });
    }
    // Only `{}` left, or nothing: no credential is needed.
    if alternatives.iter().all(|a| a.schemes.is_empty()) {
        return Vec::new();
    }
    alternatives
}

#[cfg(test)]
mod tests {
    use crate::builder::ApiBuilder;
    use crate::frontend::{read, Document, Format};
    use crate::ir::{ParameterLocation, SchemeKind, SecurityRequirement};

    const DOCUMENT: &str = "openapi: 3.0.3
info: {title: t, version: '1'}
security: [{bearer: []}]
paths:
  /things:
    get:
      operationId: listThings
      parameters:
        - {name: Authorization, in: header, required: true, schema: {type: string}}
      responses: {'200': {description: ok}}
    post:
      operationId: makeThing
      security: [{oauth: [write]}, {key: [], basic: []}, {}]
      responses: {'200': {description: ok}}
  /public:
    get:
      operationId: status
      security: []
      responses: {'200': {description: ok}}
  /odd:
    get:
      operationId: odd
      security: [{nowhere: []}, {oidc: []}]
      responses: {'200': {description: ok}}
components:
  securitySchemes:
    bearer: {type: http, scheme: bearer, bearerFormat: JWT}
    basic: {type: http, scheme: basic}
    key: {type: apiKey, in: query, name: api_key}
    oauth:
      type: oauth2
      flows:
        clientCredentials: {tokenUrl: 'https://auth.example.com/token', scopes: {write: Write things}}
    oidc: {type: openIdConnect, openIdConnectUrl: 'https://auth.example.com/.well-known/openid-configuration'}
";

    #[test]
    fn schemes_and_requirements_are_read_with_alternatives_optional_and_document_defaults() {
        let mut api = ApiBuilder::new("t");
        read(&Document { path: "specs/t/api.yaml".to_owned(), text: DOCUMENT.to_owned() }, Format::OpenApi, &mut api).expect("read");
        let kinds: Vec<(&str, &SchemeKind)> = api.security_schemes.iter().map(|s| (s.name.as_str(), &s.kind)).collect();
        assert_eq!(kinds[0], ("bearer", &SchemeKind::Bearer { format: Some("JWT".to_owned()) }));
        assert_eq!(kinds[1], ("basic", &SchemeKind::Basic));
        assert_eq!(kinds[2], ("key", &SchemeKind::ApiKey { location: ParameterLocation::Query, parameter: "api_key".to_owned() }));
        let SchemeKind::OAuth2 { flows } = kinds[3].1 else { panic!("oauth2: {:?}", kinds[3]) };
        assert_eq!((flows[0].flow.as_str(), flows[0].token_url.as_deref(), flows[0].scopes.as_slice()), ("clientCredentials", Some("https://auth.example.com/token"), &["write".to_owned()][..]));
        assert!(matches!(kinds[4].1, SchemeKind::OpenIdConnect { url } if url.ends_with("openid-configuration")));

        let security = |name: &str| api.operations.iter().find(|op| op.name == name).map(|op| op.security.clone()).expect(name);
        assert_eq!(security("list_things"), [SecurityRequirement::of("bearer")], "the document's requirement applies");
        let make = security("make_thing");
        assert_eq!(make.len(), 3);
        assert_eq!(make[0].schemes[0].scopes, ["write"]);
        assert_eq!(make[1].schemes.iter().map(|s| s.scheme.as_str()).collect::<Vec<_>>(), ["key", "basic"], "schemes used together");
        assert!(make[2].schemes.is_empty(), "`{{}}`: credentials are optional");
        assert!(security("status").is_empty(), "`security: []` needs none");
        assert_eq!(security("odd"), [SecurityRequirement::of("oidc")], "an undeclared scheme's alternative is left out");
        assert!(api.warnings.iter().any(|w| w.message.contains("`nowhere`")));
    }
}
