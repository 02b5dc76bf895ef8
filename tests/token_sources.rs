//! Each vendor's generated token source under a real `TokenManager`, against a local HTTP
//! server playing the vendor: the first token (login from credentials, or a token given),
//! expiry normalised from what the vendor sends, a refresh ahead of expiry, and a rotated
//! refresh token persisted before its access token is handed out.
//!
//! These run on the real clock: the generated clients keep their request timeouts, which a
//! paused clock would fire while a request waits on the server. The manager's own timing,
//! concurrency and fault behaviour is tested with a paused clock in `generated/tests/`.

use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use serde_json::{json, Value};
use vendor_clients::runtime::signing::sha256_hex;
use vendor_clients::runtime::token::{MemoryStore, Token, TokenErrorKind, TokenManager, TokenSource, TokenStore};
use vendor_clients::{cloudreve, enos, infisical, pitchpoint, smartling};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn close_to(actual: Option<DateTime<Utc>>, expected: DateTime<Utc>) -> bool {
    actual.is_some_and(|at| (at - expected).num_seconds().abs() <= 5)
}

async fn answer(server: &MockServer, route: &str, status: u16, body: Value) {
    Mock::given(method("POST")).and(path(route)).respond_with(ResponseTemplate::new(status).set_body_json(body)).mount(server).await;
}

async fn bodies(server: &MockServer, route: &str) -> Vec<Value> {
    let requests = server.received_requests().await.unwrap_or_default();
    requests.iter().filter(|r| r.url.path() == route).map(|r| serde_json::from_slice(&r.body).unwrap_or(Value::Null)).collect()
}

/// A token about to be refreshed: valid for 3 more seconds, refreshed once 90% of that is left.
fn due_token(access: &str, refresh: Option<&str>) -> Token {
    let token = Token::new(access).with_expires_at(Utc::now() + chrono::Duration::seconds(3));
    match refresh {
        Some(refresh) => token.with_refresh_token(refresh),
        None => token,
    }
}

/// Refreshes `store`'s due token through `source` and checks it happened before expiry, with
/// the new token saved before it was handed out.
async fn refreshes_ahead_of_expiry<S: TokenSource + 'static>(source: S, store: Arc<MemoryStore>) -> Token {
    let manager = TokenManager::builder(source).store(store.clone()).refresh_margin(Duration::from_secs(3600)).refresh_margin_fraction(0.9).build();
    let old = store.load().expect("load").expect("a seeded token");
    let old_expiry = old.expires_at().expect("seeded expiry");
    // The first call loads the stored token, fresh for another 10% of its 3 s.
    assert_eq!(manager.access_token().await.expect("a token").expose(), old.access_token().expose().as_str());
    tokio::time::sleep(Duration::from_millis(600)).await;
    // Due but still valid: this call starts the refresh.
    manager.access_token().await.expect("a token");
    for _ in 0..100 {
        let saved = store.load().expect("load").expect("a saved token");
        if saved.access_token() != old.access_token() {
            assert!(Utc::now() < old_expiry, "the refresh happened ahead of expiry");
            let handed_out = manager.access_token().await.expect("a token");
            assert_eq!(saved.access_token().expose(), handed_out.expose(), "the handed-out token is the saved one");
            return saved;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    panic!("no refreshed token was saved within 2 s")
}

#[tokio::test]
async fn smartling_logs_in_then_refreshes_and_rotates() {
    let server = MockServer::start().await;
    answer(&server, "/auth-api/v2/authenticate", 200, json!({"response": {"code": "SUCCESS", "data": {"accessToken": "A1", "refreshToken": "R1", "expiresIn": 480, "refreshExpiresIn": 3660, "tokenType": "Bearer"}}})).await;
    answer(&server, "/auth-api/v2/authenticate/refresh", 200, json!({"response": {"code": "SUCCESS", "data": {"accessToken": "A2", "refreshToken": "R2", "expiresIn": "480", "refreshExpiresIn": 3660, "tokenType": "Bearer"}}})).await;
    let client = smartling::Client::new(server.uri());
    let credentials = smartling::Credentials { user_identifier: "user".to_owned(), user_secret: "secret".into() };

    let store = Arc::new(MemoryStore::new());
    let manager = TokenManager::builder(smartling::TokenSource::with_credentials(client.clone(), credentials.clone())).store(store.clone()).build();
    let logged_in_at = Utc::now();
    assert_eq!(manager.access_token().await.expect("login").expose(), "A1");
    assert_eq!(bodies(&server, "/auth-api/v2/authenticate").await, [json!({"userIdentifier": "user", "userSecret": "secret"})]);
    let saved = store.load().expect("load").expect("saved");
    assert!(close_to(saved.expires_at(), logged_in_at + chrono::Duration::seconds(480)), "{:?}", saved.expires_at());
    assert!(close_to(saved.refresh_expires_at(), logged_in_at + chrono::Duration::seconds(3660)));
    assert_eq!(saved.token_type(), Some("Bearer"));

    let store = Arc::new(MemoryStore::with_token(due_token("A1", Some("R1"))));
    let refreshed = refreshes_ahead_of_expiry(smartling::TokenSource::with_credentials(client, credentials), store).await;
    assert_eq!(bodies(&server, "/auth-api/v2/authenticate/refresh").await, [json!({"refreshToken": "R1"})]);
    assert_eq!(refreshed.access_token().expose(), "A2");
    assert_eq!(refreshed.refresh_token().map(|t| t.expose().as_str()), Some("R2"), "the rotated refresh token is persisted");
}

#[tokio::test]
async fn pitchpoint_signs_in_then_refreshes_and_rotates() {
    let server = MockServer::start().await;
    let route = "/user-management-services-ws/oauth2/002";
    answer(&server, &format!("{route}/signInWithPassword"), 200, json!({"access_token": "A1", "refresh_token": "R1", "token_type": "Bearer", "expires_in": 3600})).await;
    answer(&server, &format!("{route}/refreshIdToken"), 200, json!({"access_token": "A2", "refresh_token": "R2"})).await;
    let client = pitchpoint::Client::new(server.uri());
    let credentials = pitchpoint::Credentials { username: "me".to_owned(), password: "pw".into(), useralias: None };

    let store = Arc::new(MemoryStore::new());
    let manager = TokenManager::builder(pitchpoint::TokenSource::with_credentials(client.clone(), credentials.clone())).store(store.clone()).build();
    let signed_in_at = Utc::now();
    assert_eq!(manager.access_token().await.expect("sign-in").expose(), "A1");
    assert_eq!(bodies(&server, &format!("{route}/signInWithPassword")).await, [json!({"username": "me", "password": "pw"})]);
    let saved = store.load().expect("load").expect("saved");
    assert!(close_to(saved.expires_at(), signed_in_at + chrono::Duration::seconds(3600)));

    let store = Arc::new(MemoryStore::with_token(due_token("A1", Some("R1"))));
    let refreshed = refreshes_ahead_of_expiry(pitchpoint::TokenSource::with_credentials(client, credentials), store).await;
    assert_eq!(bodies(&server, &format!("{route}/refreshIdToken")).await, [json!({"refresh_token": "R1"})]);
    assert_eq!(refreshed.refresh_token().map(|t| t.expose().as_str()), Some("R2"));
    assert!(close_to(refreshed.expires_at(), Utc::now() + chrono::Duration::seconds(3600)), "the documented default lifetime (3600 s) applies when the answer omits it");
}

#[tokio::test]
async fn cloudreve_signs_in_with_absolute_expiries_and_reports_two_factor_as_its_own_outcome() {
    let server = MockServer::start().await;
    let token = |access: &str, refresh: &str| {
        json!({"access_token": access, "access_expires": "2099-04-26T15:58:28.456762+08:00", "refresh_token": refresh, "refresh_expires": "2099-10-23T14:58:28.456762+08:00"})
    };
    let user = json!({"id": "lpua", "nickname": "n", "created_at": "2023-08-06T19:21:59+08:00", "group": {"id": "g", "name": "Admin", "permission": "/f8B", "direct_link_batch_size": 1, "trash_retention": 1}, "language": "en-US"});
    answer(&server, "/session/token", 200, json!({"code": 0, "msg": "", "data": {"user": user, "token": token("A1", "R1")}})).await;
    answer(&server, "/session/token/refresh", 200, json!({"code": 0, "msg": "", "data": token("A2", "R2")})).await;
    let client = cloudreve::Client::new(server.uri());
    let credentials = cloudreve::Credentials { captcha: None, ticket: None, email: "me@example.com".to_owned(), password: "pw".into() };

    let store = Arc::new(MemoryStore::new());
    let manager = TokenManager::builder(cloudreve::TokenSource::with_credentials(client.clone(), credentials.clone())).store(store.clone()).build();
    assert_eq!(manager.access_token().await.expect("sign-in").expose(), "A1");
    let saved = store.load().expect("load").expect("saved");
    let expected: DateTime<Utc> = "2099-04-26T07:58:28.456762Z".parse().expect("time");
    assert_eq!(saved.expires_at(), Some(expected), "an absolute time with an offset, normalised to UTC");

    let store = Arc::new(MemoryStore::with_token(due_token("A1", Some("R1"))));
    let refreshed = refreshes_ahead_of_expiry(cloudreve::TokenSource::with_credentials(client, credentials.clone()), store).await;
    assert_eq!(bodies(&server, "/session/token/refresh").await, [json!({"refresh_token": "R1"})]);
    assert_eq!(refreshed.refresh_token().map(|t| t.expose().as_str()), Some("R2"));

    let two_factor = MockServer::start().await;
    answer(&two_factor, "/session/token", 200, json!({"code": 203, "msg": "", "data": "1728791b-4e6a-4ac5-adf5-fa717a6b0919"})).await;
    let manager = TokenManager::new(cloudreve::TokenSource::with_credentials(cloudreve::Client::new(two_factor.uri()), credentials));
    let error = manager.access_token().await.expect_err("2FA");
    assert_eq!(error.kind(), TokenErrorKind::SecondFactorRequired, "{error}");
}

#[tokio::test]
async fn enos_signs_every_request_and_normalises_seconds() {
    let server = MockServer::start().await;
    let route = "/apim-token-service/v2.0/token";
    answer(&server, &format!("{route}/get"), 200, json!({"status": 0, "msg": "Success", "business": "apim-token-service", "data": {"accessToken": "A1", "expire": 7200}})).await;
    answer(&server, &format!("{route}/refresh"), 200, json!({"status": 0, "msg": "Success", "business": "apim-token-service", "data": {"accessToken": "A2", "expire": 7200}})).await;
    let client = enos::Client::new(server.uri());
    let credentials = enos::Credentials { app_key: "5acb82e7-a11e-4300-9164-c8b20b638e8b".to_owned(), app_secret: "yourAppSecret".into() };

    let store = Arc::new(MemoryStore::new());
    let manager = TokenManager::builder(enos::TokenSource::with_credentials(client.clone(), credentials.clone())).store(store.clone()).build();
    let got_at = Utc::now();
    assert_eq!(manager.access_token().await.expect("token/get").expose(), "A1");
    assert!(close_to(store.load().expect("load").expect("saved").expires_at(), got_at + chrono::Duration::seconds(7200)));

    let store = Arc::new(MemoryStore::with_token(due_token("A1", None)));
    let refreshed = refreshes_ahead_of_expiry(enos::TokenSource::with_credentials(client, credentials), store).await;
    assert_eq!(refreshed.access_token().expose(), "A2");

    let mut requests = bodies(&server, &format!("{route}/get")).await;
    requests.extend(bodies(&server, &format!("{route}/refresh")).await);
    assert_eq!(requests.len(), 2);
    for body in &requests {
        let timestamp = body["timestamp"].as_i64().expect("a millisecond timestamp");
        assert!((Utc::now().timestamp_millis() - timestamp).abs() < 60_000, "a fresh timestamp");
        let expected = sha256_hex(&["5acb82e7-a11e-4300-9164-c8b20b638e8b", &timestamp.to_string(), "yourAppSecret"]);
        assert_eq!(body["encryption"], json!(expected), "signed by the rule of FACTS.md");
        assert_eq!(body["appKey"], json!("5acb82e7-a11e-4300-9164-c8b20b638e8b"));
    }
    assert_eq!(requests[1]["accessToken"], json!("A1"), "refresh sends the current access token");
    // The rule itself, on FACTS.md's test vector.
    assert_eq!(
        sha256_hex(&["5acb82e7-a11e-4300-9164-c8b20b638e8b", "1572574909697", "yourAppSecret"]),
        "e92092449e6009e4fff1faa9e3988d1ce59f268035e76d101213054013221f6e"
    );
}

#[tokio::test]
async fn enos_envelope_codes_for_an_expired_token_lead_to_a_new_token_get() {
    let server = MockServer::start().await;
    let route = "/apim-token-service/v2.0/token";
    answer(&server, &format!("{route}/refresh"), 200, json!({"status": 1203, "msg": "access token expired", "business": "apim-token-service", "data": null})).await;
    answer(&server, &format!("{route}/get"), 200, json!({"status": 0, "msg": "Success", "data": {"accessToken": "A9", "expire": 7200}})).await;
    let credentials = enos::Credentials { app_key: "key".to_owned(), app_secret: "secret".into() };
    let store = Arc::new(MemoryStore::with_token(due_token("A1", None)));
    let token = refreshes_ahead_of_expiry(enos::TokenSource::with_credentials(enos::Client::new(server.uri()), credentials), store).await;
    assert_eq!(token.access_token().expose(), "A9");
    assert_eq!(bodies(&server, &format!("{route}/refresh")).await.len(), 1);
    assert_eq!(bodies(&server, &format!("{route}/get")).await.len(), 1);
}

#[tokio::test]
async fn infisical_renews_the_access_token_itself_and_stops_at_max_ttl() {
    let server = MockServer::start().await;
    let renew = "/api/v1/auth/token/renew";
    Mock::given(method("POST"))
        .and(path(renew))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"accessToken": "A2", "expiresIn": 7200, "accessTokenMaxTTL": 2592000, "tokenType": "Bearer"})))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(renew))
        .respond_with(ResponseTemplate::new(401).set_body_json(json!({"reqId": "r", "statusCode": 401, "message": "Access token has reached its max TTL", "error": "Unauthorized"})))
        .mount(&server)
        .await;
    let client = infisical::Client::new(server.uri());

    let store = Arc::new(MemoryStore::with_token(due_token("A1", None)));
    let renewed = refreshes_ahead_of_expiry(infisical::TokenSource::new(client.clone()), store).await;
    assert_eq!(bodies(&server, renew).await, [json!({"accessToken": "A1"})], "renew takes the access token itself");
    assert_eq!(renewed.access_token().expose(), "A2");
    assert!(close_to(renewed.expires_at(), Utc::now() + chrono::Duration::seconds(7200)));
    assert_eq!(renewed.token_type(), Some("Bearer"));

    // Renewing past the max TTL is refused with 401 while the token is still valid: callers
    // keep it until it expires; then, with no login document, the source reports that a new
    // login is needed, and the manager does not loop on renew.
    let store = Arc::new(MemoryStore::with_token(Token::new("A3").with_expires_at(Utc::now() + chrono::Duration::seconds(1))));
    let manager = TokenManager::builder(infisical::TokenSource::new(client)).store(store).refresh_margin(Duration::from_secs(3600)).refresh_margin_fraction(0.9).build();
    assert_eq!(manager.access_token().await.expect("loaded").expose(), "A3");
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(manager.access_token().await.expect("still valid").expose(), "A3", "served while valid despite the refused renew");
    tokio::time::sleep(Duration::from_millis(900)).await;
    let error = manager.access_token().await.expect_err("expired, and renew refused");
    assert_eq!(error.kind(), TokenErrorKind::LoginRequired, "{error}");
    assert_eq!(bodies(&server, renew).await.len(), 2, "one refused renew, and no loop");
}

#[tokio::test]
async fn infisical_logs_in_again_after_max_ttl_when_given_a_login() {
    let server = MockServer::start().await;
    answer(&server, "/api/v1/auth/token/renew", 401, json!({"reqId": "r", "statusCode": 401, "message": "Access token has reached its max TTL", "error": "Unauthorized"})).await;
    answer(&server, "/api/v1/auth/universal-auth/login", 200, json!({"accessToken": "L1", "expiresIn": 7200, "accessTokenMaxTTL": 2592000, "tokenType": "Bearer"})).await;
    // Infisical's universal-auth login (shared/FACTS.md) is not a vendored document: the
    // application supplies it.
    let login_url = format!("{}/api/v1/auth/universal-auth/login", server.uri());
    let login = vendor_clients::runtime::token::LoginFn::new(move || {
        let login_url = login_url.clone();
        async move {
            let answer: Value = reqwest::Client::new()
                .post(login_url)
                .json(&json!({"clientId": "id", "clientSecret": "secret"}))
                .send()
                .await
                .and_then(reqwest::Response::error_for_status)
                .map_err(|e| vendor_clients::runtime::token::TokenError::transient("login failed").with_source(e))?
                .json()
                .await
                .map_err(|e| vendor_clients::runtime::token::TokenError::other("login answer").with_source(e))?;
            let access = answer["accessToken"].as_str().unwrap_or_default().to_owned();
            let seconds = answer["expiresIn"].as_i64().unwrap_or_default();
            Ok(Token::new(access).with_expires_at(Utc::now() + chrono::Duration::seconds(seconds)))
        }
    });
    let source = infisical::TokenSource::with_login(infisical::Client::new(server.uri()), login);
    let store = Arc::new(MemoryStore::with_token(due_token("A1", None)));
    let token = refreshes_ahead_of_expiry(source, store).await;
    assert_eq!(token.access_token().expose(), "L1", "the max-TTL 401 led to a new login");
    assert_eq!(bodies(&server, "/api/v1/auth/token/renew").await.len(), 1);
    assert_eq!(bodies(&server, "/api/v1/auth/universal-auth/login").await.len(), 1);
}
