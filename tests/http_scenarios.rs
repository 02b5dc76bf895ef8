//! Every operation of every API against a real HTTP server on 127.0.0.1, through the same
//! list of answers a real server gives: its documented success and errors, an envelope that
//! reports failure, an undocumented status, an HTML 502 page, an empty body, truncated JSON,
//! an answer slower than the timeout, a refused connection, and 429 with `Retry-After`.
//!
//! The server answers with the documents' own examples (read from the IR), so a document
//! change is exercised here too. Each scenario asserts the exact error variant, and that the
//! status and the raw body are kept.

use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

use codegen::ir::{Api, Status};
use codegen::workspace::Workspace;
use serde_json::{json, Value};
use vendor_clients::ApiClient;
use vendor_clients::runtime::{Config, Credential, RetryPolicy};
use vendor_clients::{cloudreve, enos, enos_app_portal, infisical, pitchpoint, smartling, Error, ResponseValue};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};
use workspace_tests::{generate, workspace_root, Logs};

/// What a call ended in, reduced to what the scenarios assert.
#[derive(Debug, PartialEq)]
enum Outcome {
    Success(u16),
    Api { status: u16, raw: Vec<u8> },
    Envelope { status: u16, code: Value, raw: Vec<u8> },
    Unexpected { status: u16, raw: Vec<u8>, decode_error: bool },
    Timeout,
    Transport,
    InvalidRequest,
}

fn outcome<T, E>(result: Result<ResponseValue<T>, Error<E>>) -> Outcome {
    match result {
        Ok(value) => Outcome::Success(value.status().as_u16()),
        Err(Error::Api { status, raw, .. }) => Outcome::Api { status: status.as_u16(), raw: raw.to_vec() },
        Err(Error::Envelope { status, code, raw, .. }) => Outcome::Envelope { status: status.as_u16(), code, raw: raw.to_vec() },
        Err(Error::UnexpectedResponse { status, raw, decode_error, .. }) => {
            Outcome::Unexpected { status: status.as_u16(), raw: raw.to_vec(), decode_error: decode_error.is_some() }
        }
        Err(Error::Timeout(_)) => Outcome::Timeout,
        Err(Error::Transport(_)) => Outcome::Transport,
        Err(Error::InvalidRequest(_)) => Outcome::InvalidRequest,
        Err(_) => unreachable!("a variant added to Error needs a scenario"),
    }
}

type Call = fn(String, Config) -> Pin<Box<dyn Future<Output = Outcome> + Send>>;

/// One operation: how to call it, and the answers its documents describe.
struct Operation {
    api: &'static str,
    name: &'static str,
    method: &'static str,
    path: &'static str,
    call: Call,
    /// A success body the document gives (or, where it gives none, one that fits its schema).
    success: Value,
    /// Documented error statuses with a body that fits each.
    errors: Vec<(u16, Value)>,
    /// A 2xx body whose envelope reports failure, for APIs with an envelope.
    envelope_failure: Option<(Value, Value)>,
}

fn documented_example(api: &Api, operation: &str, status: u16) -> Option<Value> {
    let operation = api.operations.iter().find(|op| op.name == operation)?;
    let response = operation.responses.iter().find(|r| r.status == Status::Code(status))?;
    response.examples.first().map(|e| e.value.clone())
}

fn operations() -> Vec<Operation> {
    let generation = generate(&Workspace::new(workspace_root()));
    let api = |name: &str| generation.apis.iter().find(|a| a.name == name).unwrap_or_else(|| panic!("no API {name}"));
    let example = |api_name: &str, op: &str, status: u16| {
        documented_example(api(api_name), op, status).unwrap_or_else(|| panic!("{api_name}.{op} documents no {status} example"))
    };
    let infisical_error = |status: u16| json!({"reqId": "req-1", "statusCode": status, "message": "failed", "error": "Error"});
    let pitchpoint_error = example("pitchpoint", "refresh_id_token", 400);
    let enos_success = json!({"status": 0, "msg": "Success", "business": "apim-token-service", "data": {"accessToken": "enos-access", "expire": 7200}});
    let enos_failure = json!({"status": 1002, "msg": "unknown appKey", "business": "apim-token-service", "data": null});
    let smartling_failure = json!({"response": {"code": "VALIDATION_ERROR", "errors": [{"key": "refreshToken", "message": "invalid", "details": null}]}});
    let cloudreve_failure = json!({"code": 40020, "msg": "Incorrect password", "data": null});
    vec![
        Operation {
            api: "infisical",
            name: "renew_identity_access_token",
            method: "POST",
            path: "/api/v1/auth/token/renew",
            call: |base, config| {
                Box::pin(async move {
                    let request = infisical::RenewIdentityAccessTokenRequest { access_token: "old".into() };
                    outcome(infisical::Client::with_config(base, config).renew_identity_access_token(&request).await)
                })
            },
            success: json!({"accessToken": "new", "expiresIn": 7200, "accessTokenMaxTTL": 2592000, "tokenType": "Bearer"}),
            errors: [400, 401, 403, 404, 422, 500].into_iter().map(|s| (s, infisical_error(s))).collect(),
            envelope_failure: None,
        },
        Operation {
            api: "cloudreve",
            name: "refresh_token",
            method: "POST",
            path: "/session/token/refresh",
            call: |base, config| {
                Box::pin(async move {
                    let request = cloudreve::RefreshTokenRequest { refresh_token: "old".into() };
                    outcome(cloudreve::Client::with_config(base, config).refresh_token(&request).await)
                })
            },
            success: example("cloudreve", "refresh_token", 200),
            errors: Vec::new(),
            envelope_failure: Some((cloudreve_failure.clone(), json!(40020))),
        },
        Operation {
            api: "cloudreve",
            name: "password_sign_in",
            method: "POST",
            path: "/session/token",
            call: |base, config| {
                Box::pin(async move {
                    let request = cloudreve::PasswordSignInRequest { captcha: None, ticket: None, email: "a@b.c".to_owned(), password: "pw".into() };
                    outcome(cloudreve::Client::with_config(base, config).password_sign_in(&request).await)
                })
            },
            success: example("cloudreve", "password_sign_in", 200),
            errors: Vec::new(),
            envelope_failure: Some((cloudreve_failure.clone(), json!(40020))),
        },
        Operation {
            api: "enos",
            name: "get_access_token",
            method: "POST",
            path: "/apim-token-service/v2.0/token/get",
            call: |base, config| {
                Box::pin(async move {
                    let request = enos::GetAccessTokenRequest { app_key: "key".to_owned(), encryption: "sig".into(), timestamp: 1 };
                    outcome(enos::Client::with_config(base, config).get_access_token(&request).await)
                })
            },
            success: enos_success.clone(),
            errors: Vec::new(),
            envelope_failure: Some((enos_failure.clone(), json!(1002))),
        },
        Operation {
            api: "enos",
            name: "refresh_access_token",
            method: "POST",
            path: "/apim-token-service/v2.0/token/refresh",
            call: |base, config| {
                Box::pin(async move {
                    let request = enos::RefreshAccessTokenRequest { app_key: "key".to_owned(), encryption: "sig".into(), timestamp: 1, access_token: "old".into() };
                    outcome(enos::Client::with_config(base, config).refresh_access_token(&request).await)
                })
            },
            success: example("enos", "refresh_access_token", 200),
            errors: Vec::new(),
            envelope_failure: Some((enos_failure, json!(1002))),
        },
        Operation {
            api: "pitchpoint",
            name: "refresh_id_token",
            method: "POST",
            path: "/user-management-services-ws/oauth2/002/refreshIdToken",
            call: |base, config| {
                Box::pin(async move {
                    let request = pitchpoint::RefreshIdTokenRequest { refresh_token: "old".into() };
                    outcome(pitchpoint::Client::with_config(base, config).refresh_id_token(&request).await)
                })
            },
            success: example("pitchpoint", "refresh_id_token", 200),
            errors: vec![(400, pitchpoint_error.clone()), (403, pitchpoint_error.clone())],
            envelope_failure: None,
        },
        Operation {
            api: "pitchpoint",
            name: "sign_in_with_password",
            method: "POST",
            path: "/user-management-services-ws/oauth2/002/signInWithPassword",
            call: |base, config| {
                Box::pin(async move {
                    let request = pitchpoint::SignInWithPasswordRequest { username: "u".to_owned(), password: "pw".into(), useralias: None };
                    outcome(pitchpoint::Client::with_config(base, config).sign_in_with_password(&request).await)
                })
            },
            success: example("pitchpoint", "sign_in_with_password", 200),
            errors: vec![(400, pitchpoint_error.clone()), (403, pitchpoint_error)],
            envelope_failure: None,
        },
        Operation {
            api: "smartling",
            name: "authenticate",
            method: "POST",
            path: "/auth-api/v2/authenticate",
            call: |base, config| {
                Box::pin(async move {
                    let request = smartling::AuthenticateRequest { user_identifier: "user".to_owned(), user_secret: "secret".into() };
                    outcome(smartling::Client::with_config(base, config).authenticate(&request).await)
                })
            },
            success: example("smartling", "authenticate", 200),
            errors: Vec::new(),
            envelope_failure: Some((smartling_failure.clone(), json!("VALIDATION_ERROR"))),
        },
        Operation {
            api: "smartling",
            name: "refresh_authentication",
            method: "POST",
            path: "/auth-api/v2/authenticate/refresh",
            call: |base, config| {
                Box::pin(async move {
                    let request = smartling::RefreshAuthenticationRequest { refresh_token: "old".into() };
                    outcome(smartling::Client::with_config(base, config).refresh_authentication(&request).await)
                })
            },
            success: example("smartling", "refresh_authentication", 200),
            errors: Vec::new(),
            envelope_failure: Some((smartling_failure.clone(), json!("VALIDATION_ERROR"))),
        },
        Operation {
            api: "smartling",
            name: "list_files",
            method: "GET",
            path: "/files-api/v2/projects/p-1/files/list",
            call: |base, config| {
                Box::pin(async move {
                    let client = smartling::Client::with_config(base, config).with_bearer(Credential::token("t"));
                    outcome(client.list_files("p-1").await)
                })
            },
            success: example("smartling", "list_files", 200),
            errors: Vec::new(),
            envelope_failure: Some((smartling_failure, json!("VALIDATION_ERROR"))),
        },
        Operation {
            api: "pitchpoint",
            name: "ssa_form89_ecbsv",
            method: "POST",
            path: "/riskinsight-services-ws/resources/v1/sami/SSAForm89ECBSV/PDF-001",
            call: |base, config| {
                Box::pin(async move {
                    let client = pitchpoint::Client::with_config(base, config).with_bearer(Credential::token("t"));
                    let order = pitchpoint::SsaForm89EcbsvRequest {
                        attachments: pitchpoint::SsaForm89EcbsvAttachments::default(),
                        correlation_id: "c-1".to_owned(),
                        preferences: pitchpoint::SsaForm89EcbsvPreferences::default(),
                        terms: pitchpoint::SsaForm89EcbsvTerms::default(),
                    };
                    outcome(client.ssa_form89_ecbsv(&order).await)
                })
            },
            success: json!({"TransactionID": "T-1", "Messages": {"Message": []}, "Status": {"Code": "0"}}),
            errors: Vec::new(),
            envelope_failure: None,
        },
        Operation {
            api: "cloudreve",
            name: "get_preferences",
            method: "GET",
            path: "/user/setting",
            call: |base, config| {
                Box::pin(async move {
                    let client = cloudreve::Client::with_config(base, config).with_bearer(Credential::token("t"));
                    outcome(client.get_preferences().await)
                })
            },
            success: example("cloudreve", "get_preferences", 200),
            errors: Vec::new(),
            envelope_failure: Some((cloudreve_failure, json!(40020))),
        },
        Operation {
            api: "infisical",
            name: "get_user_memberships",
            method: "GET",
            path: "/api/v1/workspace/ws-1/memberships",
            call: |base, config| {
                Box::pin(async move {
                    let client = infisical::Client::with_config(base, config).with_bearer_auth(Credential::token("t"));
                    outcome(client.get_user_memberships("ws-1").await)
                })
            },
            success: json!({"memberships": []}),
            errors: [400, 401, 403, 404, 422, 500].into_iter().map(|s| (s, infisical_error(s))).collect(),
            envelope_failure: None,
        },
        Operation {
            api: "enos_app_portal",
            name: "get_users_applications",
            method: "GET",
            path: "/app-portal-service/v2.0/user/app/list",
            call: |base, config| {
                Box::pin(async move {
                    let client = enos_app_portal::Client::with_config(base, config).with_bearer(Credential::token("t"));
                    outcome(client.get_users_applications().await)
                })
            },
            success: json!({"code": 200, "data": {"apps": []}, "message": ""}),
            errors: Vec::new(),
            envelope_failure: Some((json!({"code": 403, "data": null, "message": "no permission"}), json!(403))),
        },
    ]
}

/// Retries fast enough for tests; the policy itself is unchanged.
fn quick_config() -> Config {
    Config {
        timeout: Duration::from_secs(5),
        retry: RetryPolicy { initial_backoff: Duration::from_millis(10), ..RetryPolicy::default() },
        ..Config::default()
    }
}

async fn server_answering(operation: &Operation, answer: ResponseTemplate) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method(operation.method)).and(path(operation.path)).respond_with(answer).mount(&server).await;
    server
}

async fn call(operation: &Operation, answer: ResponseTemplate) -> Outcome {
    let server = server_answering(operation, answer).await;
    (operation.call)(server.uri(), quick_config()).await
}

fn json_body(value: &Value) -> Vec<u8> {
    serde_json::to_vec(value).expect("JSON")
}

#[test]
fn every_generated_operation_is_in_this_table() {
    let generation = generate(&Workspace::new(workspace_root()));
    // The token APIs, whose every operation this table runs; a large API has its own file
    // (`http_oxide.rs`).
    let apis = ["cloudreve", "enos", "enos_app_portal", "infisical", "pitchpoint", "smartling"];
    let mut generated: Vec<String> = generation
        .apis
        .iter()
        .filter(|api| apis.contains(&api.name.as_str()))
        .flat_map(|api| api.operations.iter().map(move |op| format!("{}.{}", api.name, op.name)))
        .collect();
    let mut covered: Vec<String> = operations().iter().map(|op| format!("{}.{}", op.api, op.name)).collect();
    generated.sort();
    covered.sort();
    assert_eq!(covered, generated, "add the new operation to operations() so every scenario covers it");
}

#[tokio::test]
async fn documented_success_and_error_answers_decode() {
    for operation in operations() {
        let who = format!("{}.{}", operation.api, operation.name);
        let answer = ResponseTemplate::new(200).set_body_json(&operation.success);
        assert_eq!(call(&operation, answer).await, Outcome::Success(200), "{who}: success");
        for (status, body) in &operation.errors {
            let answer = ResponseTemplate::new(*status).set_body_json(body);
            assert_eq!(call(&operation, answer).await, Outcome::Api { status: *status, raw: json_body(body) }, "{who}: {status}");
        }
    }
}

#[tokio::test]
async fn an_envelope_reporting_failure_is_an_envelope_error() {
    for operation in operations() {
        let Some((body, code)) = &operation.envelope_failure else { continue };
        let answer = ResponseTemplate::new(200).set_body_json(body);
        let expected = Outcome::Envelope { status: 200, code: code.clone(), raw: json_body(body) };
        assert_eq!(call(&operation, answer).await, expected, "{}.{}", operation.api, operation.name);
    }
}

#[tokio::test]
async fn answers_outside_the_document_keep_status_and_raw_body() {
    let html = "<html><body><h1>502 Bad Gateway</h1></body></html>";
    for operation in operations() {
        let who = format!("{}.{}", operation.api, operation.name);
        let teapot = ResponseTemplate::new(418).set_body_string("I'm a teapot");
        assert_eq!(
            call(&operation, teapot).await,
            Outcome::Unexpected { status: 418, raw: b"I'm a teapot".to_vec(), decode_error: false },
            "{who}: undocumented status"
        );
        let gateway = ResponseTemplate::new(502).set_body_raw(html, "text/html");
        assert_eq!(
            call(&operation, gateway).await,
            Outcome::Unexpected { status: 502, raw: html.as_bytes().to_vec(), decode_error: false },
            "{who}: HTML 502"
        );
        let empty = ResponseTemplate::new(200);
        assert_eq!(call(&operation, empty).await, Outcome::Unexpected { status: 200, raw: Vec::new(), decode_error: true }, "{who}: empty body");
        let full = json_body(&operation.success);
        let truncated = full[..full.len() / 2].to_vec();
        let cut = ResponseTemplate::new(200).set_body_raw(truncated.clone(), "application/json");
        assert_eq!(call(&operation, cut).await, Outcome::Unexpected { status: 200, raw: truncated, decode_error: true }, "{who}: truncated JSON");
    }
}

#[tokio::test]
async fn a_server_slower_than_the_timeout_is_a_timeout_and_a_post_is_not_replayed() {
    for operation in operations() {
        let slow = ResponseTemplate::new(200).set_body_json(&operation.success).set_delay(Duration::from_secs(2));
        let server = server_answering(&operation, slow).await;
        let config = Config { timeout: Duration::from_millis(200), ..quick_config() };
        assert_eq!((operation.call)(server.uri(), config.clone()).await, Outcome::Timeout, "{}.{}", operation.api, operation.name);
        let received = server.received_requests().await.map_or(0, |r| r.len());
        // A GET may be sent again; a POST that may have reached the server may not.
        let expected = if operation.method == "GET" { config.retry.max_attempts as usize } else { 1 };
        assert_eq!(received, expected, "{}.{}: a request that may have reached the server is sent again only when idempotent", operation.api, operation.name);
    }
}

#[tokio::test]
async fn a_refused_connection_is_a_transport_error() {
    for operation in operations() {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        let address = listener.local_addr().expect("address");
        drop(listener);
        assert_eq!((operation.call)(format!("http://{address}"), quick_config()).await, Outcome::Transport, "{}.{}", operation.api, operation.name);
    }
}

#[tokio::test]
async fn too_many_requests_with_retry_after_is_retried_once_after_the_delay() {
    let mut waits = Vec::new();
    for operation in operations() {
        let server = MockServer::start().await;
        Mock::given(method(operation.method))
            .and(path(operation.path))
            .respond_with(ResponseTemplate::new(429).insert_header("retry-after", "1"))
            .up_to_n_times(1)
            .mount(&server)
            .await;
        Mock::given(method(operation.method)).and(path(operation.path)).respond_with(ResponseTemplate::new(200).set_body_json(&operation.success)).mount(&server).await;
        let started = std::time::Instant::now();
        let result = (operation.call)(server.uri(), quick_config()).await;
        waits.push(started.elapsed());
        assert_eq!(result, Outcome::Success(200), "{}.{}", operation.api, operation.name);
        assert_eq!(server.received_requests().await.map_or(0, |r| r.len()), 2, "{}.{}: one retry", operation.api, operation.name);
    }
    assert!(waits.iter().all(|w| *w >= Duration::from_secs(1)), "Retry-After was not honoured: {waits:?}");
}

#[tokio::test]
async fn credentials_never_go_over_plain_http_to_a_remote_host() {
    for operation in operations() {
        let outcome = (operation.call)("http://api.example.com".to_owned(), quick_config()).await;
        assert_eq!(outcome, Outcome::InvalidRequest, "{}.{}", operation.api, operation.name);
    }
}

#[tokio::test]
async fn enum_values_the_document_does_not_list_are_kept() {
    let server = MockServer::start().await;
    let body = json!({"accessToken": "t", "expiresIn": 60, "accessTokenMaxTTL": 0, "tokenType": "DPoP"});
    Mock::given(method("POST")).respond_with(ResponseTemplate::new(200).set_body_json(body)).mount(&server).await;
    let request = infisical::RenewIdentityAccessTokenRequest { access_token: "old".into() };
    let renewed = infisical::Client::new(server.uri()).renew_identity_access_token(&request).await.expect("renewed");
    assert!(matches!(renewed.token_type, infisical::TokenType::Unknown(_)));
    assert_eq!(renewed.token_type.as_str(), "DPoP");

    let server = MockServer::start().await;
    let mut signed_in = documented_example(
        generate(&Workspace::new(workspace_root())).apis.iter().find(|a| a.name == "cloudreve").expect("cloudreve"),
        "password_sign_in",
        200,
    )
    .expect("sign-in example");
    signed_in["data"]["user"]["status"] = json!("frozen");
    Mock::given(method("POST")).respond_with(ResponseTemplate::new(200).set_body_json(signed_in)).mount(&server).await;
    let request = cloudreve::PasswordSignInRequest { captcha: None, ticket: None, email: "a@b.c".to_owned(), password: "pw".into() };
    let answer = cloudreve::Client::new(server.uri()).password_sign_in(&request).await.expect("signed in");
    let cloudreve::PasswordSignInSuccess::Ok(login) = answer.into_inner() else { panic!("expected the token answer") };
    assert!(matches!(login.user.status, Some(cloudreve::Status::Unknown(_))));
    assert_eq!(login.user.status.as_ref().map(cloudreve::Status::as_str), Some("frozen"));
}

#[tokio::test]
async fn documented_defaults_fill_absent_fields() {
    let server = MockServer::start().await;
    Mock::given(method("POST")).respond_with(ResponseTemplate::new(200).set_body_json(json!({"access_token": "a", "refresh_token": "r"}))).mount(&server).await;
    let request = pitchpoint::RefreshIdTokenRequest { refresh_token: "old".into() };
    let token = pitchpoint::Client::new(server.uri()).refresh_id_token(&request).await.expect("refreshed");
    assert_eq!(token.expires_in, 3600.0, "the document's Default column");
    assert_eq!(token.token_type, "Bearer");
}

/// The URL the server receives for each token-API operation with a path parameter: the
/// document's template (`{{projectId}}` on Smartling's page) filled with the value,
/// percent-encoded so that a `/` or a space cannot change the path.
#[tokio::test]
async fn path_parameters_fill_the_documented_template_percent_encoded() {
    let generation = generate(&Workspace::new(workspace_root()));
    let templated: Vec<String> = generation
        .apis
        .iter()
        .filter(|api| ["cloudreve", "enos", "enos_app_portal", "infisical", "pitchpoint", "smartling"].contains(&api.name.as_str()))
        .flat_map(|api| api.operations.iter().filter(|op| op.path.contains('{')).map(move |op| format!("{}.{}", api.name, op.name)))
        .collect();
    assert_eq!(templated, ["infisical.get_user_memberships", "smartling.list_files"], "add the new operation below");

    let value = "proj/1 ü?";
    let encoded = "proj%2F1%20%C3%BC%3F";
    let server = MockServer::start().await;
    Mock::given(method("GET")).respond_with(ResponseTemplate::new(404)).mount(&server).await;
    let smartling = smartling::Client::new(server.uri()).with_bearer(Credential::token("t"));
    let infisical = infisical::Client::new(server.uri()).with_bearer_auth(Credential::token("t"));
    let _ = smartling.list_files(value).await;
    let _ = infisical.get_user_memberships(value).await;
    let paths: Vec<String> = server.received_requests().await.unwrap_or_default().iter().map(|r| r.url.path().to_owned()).collect();
    assert_eq!(paths, [format!("/files-api/v2/projects/{encoded}/files/list"), format!("/api/v1/workspace/{encoded}/memberships")]);
}

#[tokio::test]
async fn a_retry_is_logged_within_the_calls_span() {
    let logs = Logs::default();
    let writer = logs.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::DEBUG)
        .with_span_events(tracing_subscriber::fmt::format::FmtSpan::CLOSE)
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let server = MockServer::start().await;
    // The first attempt is told to come back later; the second succeeds.
    Mock::given(path("/app-portal-service/v2.0/user/app/list")).respond_with(ResponseTemplate::new(503)).up_to_n_times(1).mount(&server).await;
    Mock::given(path("/app-portal-service/v2.0/user/app/list"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"code": 200, "data": {"apps": []}, "message": ""})))
        .mount(&server)
        .await;
    let client = enos_app_portal::Client::with_config(server.uri(), quick_config()).with_bearer(Credential::token("t"));
    assert_eq!(outcome(client.get_users_applications().await), Outcome::Success(200));

    drop(_guard);
    let logs = logs.text();
    let retry = logs.lines().find(|line| line.contains("retrying")).unwrap_or_else(|| panic!("a retry is logged:\n{logs}"));
    assert!(retry.contains("api_call{") && retry.contains("operation=\"get_users_applications\""), "within the call's span: {retry}");
    let closed = logs.lines().find(|line| line.contains("api_call{") && line.contains("close")).unwrap_or_else(|| panic!("the span closes:\n{logs}"));
    for field in ["status=200", "attempt=2", "duration_ms="] {
        assert!(closed.contains(field), "the span records {field}: {closed}");
    }
}
