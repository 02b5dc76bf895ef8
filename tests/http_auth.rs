//! The main way to use the crate, per vendor: an application builds a client for an
//! authenticated data operation with the vendor's token manager and never handles a token.
//!
//! Each test runs a local server playing the vendor: it hands out short-lived tokens from its
//! login and refresh endpoints (a refresh must present the current refresh token: rotation is
//! enforced) and its data endpoint admits only the current, unexpired access token. The
//! scenario: the first call logs in, the next reuses the token, a token due for refresh is
//! refreshed before the call, a revoked token (401) leads to exactly one new token and one
//! retry, and no token, refresh token or password shows in the logs (recorded at TRACE) or in
//! any `Debug`. Beside them: a second 401 is the caller's error with both statuses, a redirect
//! to another origin does not carry the credential, a plain-HTTP remote host gets none, and a
//! hook sees every request after authentication.

use std::fmt::Debug;
use std::future::Future;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use chrono::Utc;
use serde_json::{json, Value};
use tracing_subscriber::fmt::format::FmtSpan;
use vendor_clients::runtime::hook::{BoxFuture, Hook, HookError, Outgoing};
use vendor_clients::runtime::token::{LoginFn, Token, TokenError, TokenManager, TokenSource};
use vendor_clients::runtime::{ApiClient, Config, Credential, Error, ResponseValue};
use vendor_clients::{cloudreve, enos, enos_app_portal, infisical, pitchpoint, smartling};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};
use workspace_tests::Logs;

/// How long the vendor's access tokens live. The managers refresh at half of it.
const LIFETIME: Duration = Duration::from_secs(2);

/// What the vendor server has handed out and seen.
#[derive(Default)]
struct Session {
    issued: u32,
    /// The access token the data endpoint admits, and until when.
    access: Option<(String, Instant)>,
    refresh: Option<String>,
    logins: u32,
    refreshes: u32,
    data_calls: u32,
    rejected: u32,
    /// Everything secret that went over the wire, to look for in logs.
    secrets: Vec<String>,
}

#[derive(Clone, Default)]
struct Vendor(Arc<Mutex<Session>>);

/// Counts at one moment: logins, refreshes, data calls, rejected data calls.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Counts {
    logins: u32,
    refreshes: u32,
    data_calls: u32,
    rejected: u32,
}

impl Vendor {
    fn session(&self) -> MutexGuard<'_, Session> {
        self.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// A new access and refresh token, replacing the previous ones.
    fn issue(&self, login: bool) -> (String, String) {
        let mut session = self.session();
        session.issued += 1;
        if login {
            session.logins += 1;
        } else {
            session.refreshes += 1;
        }
        let access = format!("access-{}-0f3c9", session.issued);
        let refresh = format!("refresh-{}-77ab1", session.issued);
        session.access = Some((access.clone(), Instant::now() + LIFETIME));
        session.refresh = Some(refresh.clone());
        session.secrets.extend([access.clone(), refresh.clone()]);
        (access, refresh)
    }

    fn current_refresh_token(&self) -> Option<String> {
        self.session().refresh.clone()
    }

    fn current_access_token(&self) -> Option<String> {
        self.session().access.as_ref().map(|(token, _)| token.clone())
    }

    /// Whether a data request carries the current, unexpired access token as a bearer token.
    fn admits(&self, request: &Request) -> bool {
        let mut session = self.session();
        session.data_calls += 1;
        let given = request.headers.get("authorization").and_then(|v| v.to_str().ok());
        let admitted = match (&session.access, given) {
            (Some((token, until)), Some(given)) => given == format!("Bearer {token}") && Instant::now() < *until,
            _ => false,
        };
        if !admitted {
            session.rejected += 1;
        }
        admitted
    }

    /// The server forgets the access token (a revocation, a restart): the next call gets 401.
    fn revoke(&self) {
        self.session().access = None;
    }

    fn counts(&self) -> Counts {
        let session = self.session();
        Counts { logins: session.logins, refreshes: session.refreshes, data_calls: session.data_calls, rejected: session.rejected }
    }

    fn secrets(&self) -> Vec<String> {
        self.session().secrets.clone()
    }

    /// A login (`login`) or refresh endpoint answering `answer(access, refresh)`; a refresh
    /// must send the current refresh token in `refresh_field` (or the current access token in
    /// `access_field`), else it is answered 401.
    async fn token_route(&self, server: &MockServer, route: &str, login: bool, presented: Presented, answer: fn(&str, &str) -> Value) {
        let vendor = self.clone();
        Mock::given(method("POST"))
            .and(path(route))
            .respond_with(move |request: &Request| {
                let body: Value = serde_json::from_slice(&request.body).unwrap_or(Value::Null);
                let expected = match presented {
                    Presented::Nothing => None,
                    Presented::RefreshToken(field) => Some((field, vendor.current_refresh_token())),
                    Presented::AccessToken(field) => Some((field, vendor.current_access_token())),
                };
                if let Some((field, current)) = expected {
                    if current.is_none() || body[field].as_str() != current.as_deref() {
                        return ResponseTemplate::new(401).set_body_json(json!({"message": "invalid or reused token"}));
                    }
                }
                let (access, refresh) = vendor.issue(login);
                ResponseTemplate::new(200).set_body_json(answer(&access, &refresh))
            })
            .mount(server)
            .await;
    }

    /// A data endpoint answering `ok` to the current token and `denied` (401) otherwise.
    async fn data_route(&self, server: &MockServer, verb: &str, route: &str, ok: Value, denied: Value) {
        let vendor = self.clone();
        Mock::given(method(verb))
            .and(path(route))
            .respond_with(move |request: &Request| {
                if vendor.admits(request) {
                    ResponseTemplate::new(200).set_body_json(ok.clone())
                } else {
                    ResponseTemplate::new(401).set_body_json(denied.clone())
                }
            })
            .mount(server)
            .await;
    }
}

/// What a token endpoint requires the client to present.
#[derive(Clone, Copy)]
enum Presented {
    Nothing,
    RefreshToken(&'static str),
    AccessToken(&'static str),
}

/// Records every log line and span of the test (current-thread runtime: the manager's own
/// tasks log here too).
fn record_logs() -> (Logs, tracing::subscriber::DefaultGuard) {
    let captured = Logs::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_span_events(FmtSpan::CLOSE)
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .finish();
    (captured, tracing::subscriber::set_default(subscriber))
}

/// The application's manager: refresh once half of a token's life is left.
fn manager<S: TokenSource + 'static>(source: S) -> TokenManager<S> {
    TokenManager::builder(source).refresh_margin_fraction(0.5).build()
}

/// The whole story of one vendor: login, reuse, refresh ahead of expiry, one renewal after a
/// 401, and no secret in logs or `Debug`. `call` is the application's authenticated call;
/// `printed` is whatever the application might print (clients, managers).
async fn authenticated_calls<T, E, F, Fut>(vendor: &Vendor, logs: &Logs, call: F, printed: impl Fn() -> String, credentials: &[&str])
where
    T: Debug,
    E: Debug,
    F: Fn() -> Fut,
    Fut: Future<Output = Result<ResponseValue<T>, Error<E>>>,
{
    let mut shown = Vec::new();
    let first = call().await.expect("the first call logs in and succeeds");
    shown.push(format!("{first:?}"));
    assert_eq!(vendor.counts(), Counts { logins: 1, refreshes: 0, data_calls: 1, rejected: 0 }, "the first call logs in once");

    let second = call().await.expect("the second call reuses the token");
    shown.push(format!("{second:?}"));
    assert_eq!(vendor.counts(), Counts { logins: 1, refreshes: 0, data_calls: 2, rejected: 0 }, "no new token for the second call");

    tokio::time::sleep(LIFETIME.mul_f64(0.65)).await;
    let third = call().await.expect("a call with the token due for refresh");
    shown.push(format!("{third:?}"));
    assert_eq!(vendor.counts(), Counts { logins: 1, refreshes: 1, data_calls: 3, rejected: 0 }, "the due token was refreshed before the call");

    vendor.revoke();
    let before = vendor.counts();
    let fourth = call().await.expect("a call whose token was revoked is renewed and sent again");
    shown.push(format!("{fourth:?}"));
    let after = vendor.counts();
    assert_eq!(after.logins + after.refreshes, before.logins + before.refreshes + 1, "exactly one new token after the 401");
    assert_eq!((after.data_calls, after.rejected), (before.data_calls + 2, before.rejected + 1), "one rejected call and one retry");
    assert_eq!(fourth.earlier_statuses(), [reqwest::StatusCode::UNAUTHORIZED], "the first answer's status is kept");

    shown.push(printed());
    let logs = logs.text();
    assert!(logs.contains("api_call"), "the calls were traced");
    let mut secrets = vendor.secrets();
    secrets.extend(credentials.iter().map(|c| (*c).to_owned()));
    for secret in &secrets {
        assert!(!logs.contains(secret.as_str()), "`{secret}` reached the logs");
        for text in &shown {
            assert!(!text.contains(secret.as_str()), "`{secret}` shows in Debug: {text}");
        }
    }
}

#[tokio::test]
async fn smartling_list_files_with_the_smartling_token_manager() {
    let (logs, _guard) = record_logs();
    let server = MockServer::start().await;
    let vendor = Vendor::default();
    let answer = |access: &str, refresh: &str| {
        json!({"response": {"code": "SUCCESS", "data": {"accessToken": access, "refreshToken": refresh, "expiresIn": LIFETIME.as_secs(), "refreshExpiresIn": 3660, "tokenType": "Bearer"}}})
    };
    vendor.token_route(&server, "/auth-api/v2/authenticate", true, Presented::Nothing, answer).await;
    vendor.token_route(&server, "/auth-api/v2/authenticate/refresh", false, Presented::RefreshToken("refreshToken"), answer).await;
    let files = json!({"response": {"code": "SUCCESS", "data": {"totalCount": "1", "items": [{"fileUri": "/ui.properties", "lastUploaded": "2016-10-21T08:30:22Z", "fileType": "javaProperties", "hasInstructions": "false"}]}}});
    let denied = json!({"response": {"code": "AUTHENTICATION_ERROR", "errors": [{"key": "invalid_token", "message": "Invalid token", "details": null}]}});
    vendor.data_route(&server, "GET", "/files-api/v2/projects/p-1/files/list", files, denied).await;

    let credentials = smartling::Credentials { user_identifier: "api-user".to_owned(), user_secret: "user-secret-9d1e".into() };
    let tokens = manager(smartling::TokenSource::with_credentials(smartling::Client::new(server.uri()), credentials));
    let client = smartling::Client::new(server.uri()).with_bearer(tokens.clone());
    let call = || async { client.list_files("p-1").file_types(vec!["json".to_owned()]).await };
    authenticated_calls(&vendor, &logs, call, || format!("{client:?} {tokens:?}"), &["user-secret-9d1e"]).await;
    let listed = server.received_requests().await.unwrap_or_default();
    let query = listed.iter().rev().find(|r| r.url.path().ends_with("/files/list")).and_then(|r| r.url.query().map(str::to_owned));
    assert_eq!(query.as_deref(), Some("fileTypes%5B%5D=json"), "the page's query parameter is sent as documented");
}

#[tokio::test]
async fn pitchpoint_sign_in_then_refresh_with_the_pitchpoint_token_manager() {
    let (logs, _guard) = record_logs();
    let server = MockServer::start().await;
    let vendor = Vendor::default();
    let route = "/user-management-services-ws/oauth2/002";
    let answer = |access: &str, refresh: &str| json!({"access_token": access, "refresh_token": refresh, "token_type": "Bearer", "expires_in": LIFETIME.as_secs()});
    vendor.token_route(&server, &format!("{route}/signInWithPassword"), true, Presented::Nothing, answer).await;
    vendor.token_route(&server, &format!("{route}/refreshIdToken"), false, Presented::RefreshToken("refresh_token"), answer).await;
    let order = "/riskinsight-services-ws/resources/v1/sami/SSAForm89ECBSV/PDF-001";
    vendor.data_route(&server, "POST", order, json!({"TransactionID": "T-1", "Status": {"Code": "0"}}), json!({"error": "invalid_token"})).await;

    let credentials = pitchpoint::Credentials { username: "me".to_owned(), password: "hunter2-pw-4c1".into(), useralias: None };
    let tokens = manager(pitchpoint::TokenSource::with_credentials(pitchpoint::Client::new(server.uri()), credentials));
    let client = pitchpoint::Client::new(server.uri()).with_bearer(tokens.clone());
    let order = pitchpoint::SsaForm89EcbsvRequest {
        attachments: pitchpoint::SsaForm89EcbsvAttachments::default(),
        correlation_id: "c-1".to_owned(),
        preferences: pitchpoint::SsaForm89EcbsvPreferences::default(),
        terms: pitchpoint::SsaForm89EcbsvTerms::default(),
    };
    let call = || async { client.ssa_form89_ecbsv(&order).await };
    authenticated_calls(&vendor, &logs, call, || format!("{client:?} {tokens:?}"), &["hunter2-pw-4c1"]).await;
}

#[tokio::test]
async fn cloudreve_get_preferences_with_the_cloudreve_token_manager() {
    let (logs, _guard) = record_logs();
    let server = MockServer::start().await;
    let vendor = Vendor::default();
    let sign_in = |access: &str, refresh: &str| {
        let expires = (Utc::now() + chrono::Duration::from_std(LIFETIME).unwrap_or_default()).to_rfc3339();
        let user = json!({"id": "lpua", "nickname": "n", "created_at": "2023-08-06T19:21:59+08:00", "group": {"id": "g", "name": "Admin", "permission": "/f8B", "direct_link_batch_size": 1, "trash_retention": 1}, "language": "en-US"});
        json!({"code": 0, "msg": "", "data": {"user": user, "token": {"access_token": access, "access_expires": expires, "refresh_token": refresh, "refresh_expires": "2099-10-23T14:58:28.456762+08:00"}}})
    };
    let refreshed = |access: &str, refresh: &str| {
        let expires = (Utc::now() + chrono::Duration::from_std(LIFETIME).unwrap_or_default()).to_rfc3339();
        json!({"code": 0, "msg": "", "data": {"access_token": access, "access_expires": expires, "refresh_token": refresh, "refresh_expires": "2099-10-23T14:58:28.456762+08:00"}})
    };
    vendor.token_route(&server, "/session/token", true, Presented::Nothing, sign_in).await;
    vendor.token_route(&server, "/session/token/refresh", false, Presented::RefreshToken("refresh_token"), refreshed).await;
    let preferences = json!({"code": 0, "msg": "", "data": {"version_retention_enabled": false, "passwordless": false, "two_fa_enabled": true, "storage_packs": [], "credit": 0, "disable_view_sync": false}});
    vendor.data_route(&server, "GET", "/user/setting", preferences, json!({"code": 401, "msg": "Login required"})).await;

    let credentials = cloudreve::Credentials { captcha: None, ticket: None, email: "me@example.com".to_owned(), password: "pw-cloud-5e2b".into() };
    let tokens = manager(cloudreve::TokenSource::with_credentials(cloudreve::Client::new(server.uri()), credentials));
    let client = cloudreve::Client::new(server.uri()).with_bearer(tokens.clone());
    let call = || async { client.get_preferences().await };
    authenticated_calls(&vendor, &logs, call, || format!("{client:?} {tokens:?}"), &["pw-cloud-5e2b"]).await;
}

#[tokio::test]
async fn enos_app_portal_with_the_token_manager_of_the_enos_token_service() {
    let (logs, _guard) = record_logs();
    let server = MockServer::start().await;
    let vendor = Vendor::default();
    let answer = |access: &str, _: &str| json!({"status": 0, "msg": "Success", "business": "apim-token-service", "data": {"accessToken": access, "expire": LIFETIME.as_secs()}});
    let route = "/apim-token-service/v2.0/token";
    vendor.token_route(&server, &format!("{route}/get"), true, Presented::Nothing, answer).await;
    vendor.token_route(&server, &format!("{route}/refresh"), false, Presented::Nothing, answer).await;
    let apps = json!({"code": 200, "data": {"apps": [{"category": {"id": 27, "name": "Electricity Sale"}, "createdTime": "2019-05-28 07:49:39", "id": "accessKey", "isShortcut": false, "name": "Energy assets Mgmt", "order": 4, "status": false, "type": 0}]}, "message": ""});
    vendor.data_route(&server, "GET", "/app-portal-service/v2.0/user/app/list", apps, json!({"code": 401, "message": "token invalid"})).await;

    // Two documents, two modules: the token service logs in, the app portal is authenticated
    // by its manager.
    let credentials = enos::Credentials { app_key: "app-key-1".to_owned(), app_secret: "app-secret-6a0f".into() };
    let tokens = manager(enos::TokenSource::with_credentials(enos::Client::new(server.uri()), credentials));
    let portal = enos_app_portal::Client::new(server.uri()).with_bearer(tokens.clone());
    let call = || async { portal.get_users_applications().await };
    authenticated_calls(&vendor, &logs, call, || format!("{portal:?} {tokens:?}"), &["app-secret-6a0f"]).await;
    let apps = portal.get_users_applications().await.expect("apps");
    assert_eq!(apps.apps.as_ref().map(Vec::len), Some(1), "the envelope's payload, apps as an array");
}

#[tokio::test]
async fn infisical_memberships_with_the_infisical_token_manager_and_an_application_login() {
    let (logs, _guard) = record_logs();
    let server = MockServer::start().await;
    let vendor = Vendor::default();
    let answer = |access: &str, _: &str| json!({"accessToken": access, "expiresIn": LIFETIME.as_secs(), "accessTokenMaxTTL": 2592000, "tokenType": "Bearer"});
    vendor.token_route(&server, "/api/v1/auth/universal-auth/login", true, Presented::Nothing, answer).await;
    // Renew takes the access token itself; a revoked one cannot be renewed (401), so the
    // manager logs in again.
    vendor.token_route(&server, "/api/v1/auth/token/renew", false, Presented::AccessToken("accessToken"), answer).await;
    vendor.data_route(&server, "GET", "/api/v1/workspace/ws-1/memberships", json!({"memberships": []}), json!({"reqId": "r", "statusCode": 401, "message": "Token invalid", "error": "Unauthorized"})).await;

    // Infisical's universal-auth login is not a vendored document: the application supplies it.
    let login_url = format!("{}/api/v1/auth/universal-auth/login", server.uri());
    let login = LoginFn::new(move || {
        let login_url = login_url.clone();
        async move {
            let answer: Value = reqwest::Client::new()
                .post(login_url)
                .json(&json!({"clientId": "id", "clientSecret": "client-secret-3b8e"}))
                .send()
                .await
                .and_then(reqwest::Response::error_for_status)
                .map_err(|e| TokenError::transient("login failed").with_source(e))?
                .json()
                .await
                .map_err(|e| TokenError::other("login answer").with_source(e))?;
            let access = answer["accessToken"].as_str().unwrap_or_default().to_owned();
            Ok(Token::new(access).with_expires_at(Utc::now() + chrono::Duration::from_std(LIFETIME).unwrap_or_default()))
        }
    });
    let tokens = manager(infisical::TokenSource::with_login(infisical::Client::new(server.uri()), login));
    let client = infisical::Client::new(server.uri()).with_bearer_auth(tokens.clone());
    let call = || async { client.get_user_memberships("ws-1").await };
    authenticated_calls(&vendor, &logs, call, || format!("{client:?} {tokens:?}"), &["client-secret-3b8e"]).await;
}

#[tokio::test]
async fn a_renewed_token_rejected_again_is_the_callers_error_with_both_statuses() {
    let server = MockServer::start().await;
    let vendor = Vendor::default();
    let answer = |access: &str, refresh: &str| json!({"response": {"code": "SUCCESS", "data": {"accessToken": access, "refreshToken": refresh, "expiresIn": 480}}});
    vendor.token_route(&server, "/auth-api/v2/authenticate", true, Presented::Nothing, answer).await;
    vendor.token_route(&server, "/auth-api/v2/authenticate/refresh", false, Presented::RefreshToken("refreshToken"), answer).await;
    Mock::given(path("/files-api/v2/projects/p-1/files/list")).respond_with(ResponseTemplate::new(401)).mount(&server).await;

    let credentials = smartling::Credentials { user_identifier: "u".to_owned(), user_secret: "s".into() };
    let tokens = manager(smartling::TokenSource::with_credentials(smartling::Client::new(server.uri()), credentials));
    let client = smartling::Client::new(server.uri()).with_bearer(tokens);
    let error = client.list_files("p-1").await.expect_err("rejected twice");
    assert_eq!(error.status(), Some(reqwest::StatusCode::UNAUTHORIZED));
    assert_eq!(error.earlier_statuses(), [reqwest::StatusCode::UNAUTHORIZED], "both answers' statuses are kept");
    let counts = vendor.counts();
    assert_eq!((counts.logins, counts.refreshes), (1, 1), "one login, then exactly one renewal; no loop");
    let calls = server.received_requests().await.unwrap_or_default().iter().filter(|r| r.url.path().ends_with("/list")).count();
    assert_eq!(calls, 2, "sent once, and once more after the renewal");
}

#[tokio::test]
async fn a_redirect_to_another_origin_does_not_carry_the_credential() {
    let api = MockServer::start().await;
    let elsewhere = MockServer::start().await;
    Mock::given(path("/files-api/v2/projects/p-1/files/list"))
        .respond_with(ResponseTemplate::new(307).insert_header("location", format!("{}/steal", elsewhere.uri())))
        .mount(&api)
        .await;
    Mock::given(path("/files-api/v2/projects/same/files/list"))
        .respond_with(ResponseTemplate::new(307).insert_header("location", format!("{}/moved", api.uri())))
        .mount(&api)
        .await;
    Mock::given(path("/moved"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"response": {"code": "SUCCESS", "data": {"totalCount": "0", "items": []}}})))
        .mount(&api)
        .await;
    Mock::given(path("/steal")).respond_with(ResponseTemplate::new(200)).mount(&elsewhere).await;
    let client = smartling::Client::new(api.uri()).with_bearer(Credential::token("fixed-token-81c2"));

    let error = client.list_files("p-1").await.expect_err("the redirect is not followed");
    assert_eq!(error.status(), Some(reqwest::StatusCode::TEMPORARY_REDIRECT), "the 3xx comes back as it is: {error}");
    assert!(elsewhere.received_requests().await.unwrap_or_default().is_empty(), "the other origin received nothing");

    client.list_files("same").await.expect("a redirect within the origin is followed");
    let moved = api.received_requests().await.unwrap_or_default().into_iter().find(|r| r.url.path() == "/moved").expect("followed");
    assert_eq!(moved.headers.get("authorization").and_then(|v| v.to_str().ok()), Some("Bearer fixed-token-81c2"), "same origin: still authenticated");
}

#[tokio::test]
async fn credentials_are_never_attached_over_plain_http_to_a_remote_host() {
    let insecure = Config { allow_insecure_http: true, ..Config::default() };
    let client = <smartling::Client as ApiClient>::with_config("http://files.example.invalid", insecure).with_bearer(Credential::token("fixed-token-81c2"));
    let error = client.list_files("p-1").await.expect_err("refused before sending");
    assert!(matches!(error, Error::Auth(_)), "{error:?}");
    assert!(error.to_string().contains("plain http"), "{error}");
}

#[tokio::test]
async fn an_operation_needing_a_credential_the_client_lacks_fails_before_sending() {
    let server = MockServer::start().await;
    let error = smartling::Client::new(server.uri()).list_files("p-1").await.expect_err("no credential");
    assert!(matches!(error, Error::Auth(_)), "{error:?}");
    assert!(error.to_string().contains("with_<scheme>"), "the error says how to give one: {error}");
    assert!(server.received_requests().await.unwrap_or_default().is_empty());
}

/// Adds a request id and notes whether authentication ran before it.
#[derive(Clone, Default)]
struct RequestIds(Arc<Mutex<Vec<bool>>>);

impl Hook for RequestIds {
    fn before_send<'a>(&'a self, request: &'a mut Outgoing) -> BoxFuture<'a, Result<(), HookError>> {
        Box::pin(async move {
            let authenticated = request.headers().contains_key("authorization");
            self.0.lock().map_err(|_| HookError::other("poisoned"))?.push(authenticated);
            let id = format!("{}-{}", request.api(), request.operation()).parse().map_err(HookError::other)?;
            request.headers_mut().insert("x-request-id", id);
            Ok(())
        })
    }
}

#[tokio::test]
async fn a_hook_sees_every_attempt_after_authentication() {
    let server = MockServer::start().await;
    Mock::given(path("/files-api/v2/projects/p-1/files/list"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"response": {"code": "SUCCESS", "data": {"items": []}}})))
        .mount(&server)
        .await;
    let hook = RequestIds::default();
    let client = smartling::Client::new(server.uri()).with_bearer(Credential::token("fixed-token-81c2")).with_hook(hook.clone());
    client.list_files("p-1").await.expect("listed");
    let received = server.received_requests().await.unwrap_or_default();
    assert_eq!(received[0].headers.get("x-request-id").and_then(|v| v.to_str().ok()), Some("smartling-list_files"));
    assert_eq!(*hook.0.lock().expect("lock"), [true], "the hook ran once, after the credential was attached");
}
