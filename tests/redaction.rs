//! No token, password or secret reaches a log, a `Debug` or a `Display`: calls run with a
//! tracing subscriber recording everything (spans included, at TRACE), and every request,
//! response and error they produce is printed; none of the secrets may show anywhere.

use serde_json::json;
use tracing_subscriber::fmt::format::FmtSpan;
use vendor_clients::{infisical, pitchpoint, smartling};
use wiremock::matchers::path;
use wiremock::{Mock, MockServer, ResponseTemplate};
use workspace_tests::Logs;

const SECRETS: [&str; 5] = ["old-access-token-5f1e", "new-access-token-9c2d", "hunter2-password", "user-secret-77aa", "refresh-token-31bb"];

#[tokio::test]
async fn secrets_never_reach_logs_debug_or_display() {
    let captured = Logs::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_span_events(FmtSpan::CLOSE)
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let server = MockServer::start().await;
    Mock::given(path("/api/v1/auth/token/renew"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"accessToken": SECRETS[1], "expiresIn": 60, "accessTokenMaxTTL": 0, "tokenType": "Bearer"})))
        .mount(&server)
        .await;
    Mock::given(path("/user-management-services-ws/oauth2/002/signInWithPassword"))
        .respond_with(ResponseTemplate::new(403).set_body_json(json!({"error": "access_denied", "error_description": "Invalid username / password combination"})))
        .mount(&server)
        .await;
    Mock::given(path("/auth-api/v2/authenticate"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"response": {"code": "SUCCESS", "data": {"accessToken": SECRETS[1], "refreshToken": SECRETS[4], "expiresIn": 480}}})))
        .mount(&server)
        .await;
    Mock::given(path("/auth-api/v2/authenticate/refresh"))
        .respond_with(ResponseTemplate::new(401).set_body_json(json!({"response": {"code": "AUTHENTICATION_ERROR", "errors": [{"key": "refreshToken", "message": SECRETS[4]}]}})))
        .mount(&server)
        .await;

    let mut printed = Vec::new();
    let renew_request = infisical::RenewIdentityAccessTokenRequest { access_token: SECRETS[0].into() };
    let renewed = infisical::Client::new(server.uri()).renew_identity_access_token(&renew_request).await;
    printed.push(format!("{renew_request:?} {renewed:?}"));

    let sign_in_request = pitchpoint::SignInWithPasswordRequest { username: "someone".to_owned(), password: SECRETS[2].into(), useralias: None };
    let refused = pitchpoint::Client::new(server.uri()).sign_in_with_password(&sign_in_request).await;
    let error = refused.as_ref().expect_err("403");
    printed.push(format!("{sign_in_request:?} {refused:?} {error}"));

    let smartling = smartling::Client::new(server.uri());
    let authenticate_request = smartling::AuthenticateRequest { user_identifier: "someone".to_owned(), user_secret: SECRETS[3].into() };
    let authenticated = smartling.authenticate(&authenticate_request).await;
    let token = authenticated.as_ref().expect("authenticated");
    printed.push(format!("{authenticate_request:?} {authenticated:?} {:?}", token.access_token));
    let refresh_request = smartling::RefreshAuthenticationRequest { refresh_token: SECRETS[4].into() };
    let failed = smartling.refresh_authentication(&refresh_request).await;
    let error = failed.as_ref().expect_err("401 with the refresh token echoed in its body");
    printed.push(format!("{refresh_request:?} {failed:?} {error}"));

    drop(_guard);
    let logs = captured.text();
    assert!(logs.contains("api_call"), "one span per call is recorded:\n{logs}");
    for field in ["api=\"infisical\"", "operation=\"renew_identity_access_token\"", "method=POST", "path=\"/api/v1/auth/token/renew\"", "status=200", "attempt=1", "duration_ms="] {
        assert!(logs.contains(field), "the span has {field}:\n{logs}");
    }
    let everything = format!("{logs}\n{}", printed.join("\n"));
    for secret in SECRETS {
        assert!(!everything.contains(secret), "a secret leaked:\n{everything}");
    }
    assert!(everything.contains("[redacted]"));
}
