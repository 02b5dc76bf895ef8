//! The token manager under load and faults, against a real HTTP server on 127.0.0.1
//! (wiremock) and tokio's paused clock.
//!
//! Seed tokens live 120 s, so the default margin is min(60 s, 10 % × 120 s) = 12 s: the
//! refresh is due at 108 s. Each step is awaited to the end before the clock moves, so a
//! request in flight never races the clock.
// Test code: a failed unwrap or index is a failed test (the lints guard the library).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

mod token_support;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::json;
use token_support::{advance_secs, bodies_to, requests_to, seed, HttpSource, Vendor};
use vendor_runtime::token::{
    AuthFailure, CallError, MemoryStore, Token, TokenError, TokenErrorKind, TokenManager, TokenStore,
};
use vendor_runtime::token::AccessToken;
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn manager_with(server: &MockServer, store: impl TokenStore + 'static) -> TokenManager<HttpSource> {
    TokenManager::builder(HttpSource::new(server))
        .store(store)
        .retry_backoff(Duration::from_secs(1), Duration::from_secs(4))
        .build()
}

fn seeded(server: &MockServer, lifetime: i64) -> TokenManager<HttpSource> {
    manager_with(server, MemoryStore::with_token(seed(lifetime)))
}

async fn token_of(manager: &TokenManager<HttpSource>) -> String {
    match manager.access_token().await {
        Ok(token) => token.expose().to_owned(),
        Err(error) => panic!("no token: {error}"),
    }
}

#[tokio::test(start_paused = true)]
async fn a_valid_stored_token_is_used_without_a_login() {
    let server = MockServer::start().await;
    Vendor::tokens(120).mount(&server, "/login").await;
    let manager = seeded(&server, 120);
    assert_eq!(token_of(&manager).await, "seed-access");
    assert_eq!(requests_to(&server, "/login").await, 0);
}

#[tokio::test(start_paused = true)]
async fn without_a_stored_token_the_manager_logs_in_and_saves() {
    let server = MockServer::start().await;
    Vendor::tokens(120).mount(&server, "/login").await;
    let store = Arc::new(MemoryStore::new());
    let manager = manager_with(&server, Arc::clone(&store));
    assert_eq!(token_of(&manager).await, "access-1");
    assert_eq!(token_of(&manager).await, "access-1");
    assert_eq!(requests_to(&server, "/login").await, 1);
    assert_eq!(store.load().unwrap().map(|t| t.access_token().expose().clone()).as_deref(), Some("access-1"));
}

#[tokio::test(start_paused = true)]
async fn refresh_happens_within_the_margin_and_not_before() {
    let server = MockServer::start().await;
    Vendor::tokens(120).mount(&server, "/refresh").await;
    let manager = seeded(&server, 120);
    assert_eq!(token_of(&manager).await, "seed-access");

    advance_secs(107.0).await; // 13 s left: outside the 12 s margin
    assert_eq!(token_of(&manager).await, "seed-access");
    assert_eq!(requests_to(&server, "/refresh").await, 0, "no refresh before the margin");

    advance_secs(2.0).await; // 11 s left: inside the margin, still valid
    assert_eq!(token_of(&manager).await, "access-1");
    assert_eq!(requests_to(&server, "/refresh").await, 1);
    assert_eq!(bodies_to(&server, "/refresh").await, [json!({"refresh_token": "seed-refresh"})]);

    advance_secs(50.0).await;
    assert_eq!(token_of(&manager).await, "access-1", "the new token is fresh: no second refresh");
    assert_eq!(requests_to(&server, "/refresh").await, 1);
}

#[tokio::test(start_paused = true)]
async fn the_margin_is_configurable() {
    let server = MockServer::start().await;
    Vendor::tokens(120).mount(&server, "/refresh").await;
    let manager = TokenManager::builder(HttpSource::new(&server))
        .store(MemoryStore::with_token(seed(120)))
        .refresh_margin(Duration::from_secs(30))
        .refresh_margin_fraction(0.5)
        .build();
    assert_eq!(token_of(&manager).await, "seed-access");
    advance_secs(89.0).await;
    assert_eq!(token_of(&manager).await, "seed-access");
    advance_secs(2.0).await;
    assert_eq!(token_of(&manager).await, "access-1", "refreshed 30 s ahead");
}

#[tokio::test(start_paused = true)]
async fn a_hundred_callers_at_expiry_cause_one_refresh_and_all_get_its_token() {
    let server = MockServer::start().await;
    Vendor::tokens(120).delayed(Duration::from_millis(100)).mount(&server, "/refresh").await;
    let manager = seeded(&server, 120);
    assert_eq!(token_of(&manager).await, "seed-access");
    advance_secs(121.0).await; // expired: every caller must wait for the refresh

    let callers: Vec<_> = (0..100)
        .map(|_| {
            let manager = manager.clone();
            tokio::spawn(async move { manager.access_token().await.map(|t| t.expose().to_owned()) })
        })
        .collect();
    for caller in callers {
        assert_eq!(caller.await.unwrap().unwrap(), "access-1");
    }
    assert_eq!(requests_to(&server, "/refresh").await, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hundred_callers_on_two_threads_cause_one_login() {
    let server = MockServer::start().await;
    Vendor::tokens(3600).delayed(Duration::from_millis(50)).mount(&server, "/login").await;
    let manager = manager_with(&server, MemoryStore::new());
    let callers: Vec<_> = (0..100)
        .map(|_| {
            let manager = manager.clone();
            tokio::spawn(async move { manager.access_token().await.map(|t| t.expose().to_owned()) })
        })
        .collect();
    for caller in callers {
        assert_eq!(caller.await.unwrap().unwrap(), "access-1");
    }
    assert_eq!(requests_to(&server, "/login").await, 1);
}

#[tokio::test(start_paused = true)]
async fn while_refresh_fails_callers_keep_the_old_token_then_get_the_new_one() {
    let server = MockServer::start().await;
    Vendor::tokens(120).failing_first(3, 500).mount(&server, "/refresh").await;
    let manager = seeded(&server, 120);
    assert_eq!(token_of(&manager).await, "seed-access");
    advance_secs(109.0).await; // due, 11 s of validity left

    // Backoff 1 s, 2 s, 4 s (each up to halved): the fourth attempt comes within 7 s.
    let mut served_new_at = None;
    for step in 0..40 {
        let token = token_of(&manager).await;
        let refreshes = requests_to(&server, "/refresh").await;
        if refreshes < 4 {
            assert_eq!(token, "seed-access", "step {step}: the old token is valid and must be served");
        } else if token == "access-1" {
            served_new_at.get_or_insert(step);
        }
        if served_new_at.is_some() {
            assert_eq!(token, "access-1", "step {step}: once the new token came, it is served");
        }
        advance_secs(0.25).await;
    }
    let served_new_at = served_new_at.expect("the new token was never served");
    assert!(served_new_at <= 28, "new token served after {served_new_at} steps of 0.25 s, past the old one's expiry");
    assert_eq!(requests_to(&server, "/refresh").await, 4, "three failures, one success, no more");
}

#[tokio::test(start_paused = true)]
async fn once_the_old_token_expired_and_refresh_keeps_failing_callers_get_a_clear_error() {
    let server = MockServer::start().await;
    Vendor::tokens(120).always_failing(503).mount(&server, "/refresh").await;
    let manager = seeded(&server, 120);
    assert_eq!(token_of(&manager).await, "seed-access");
    advance_secs(109.0).await;
    assert_eq!(token_of(&manager).await, "seed-access");
    advance_secs(11.0).await; // the old token has just expired

    let mut errors = 0;
    for _ in 0..100 {
        match manager.access_token().await {
            Ok(_) => panic!("an expired token was handed out"),
            Err(error) => {
                errors += 1;
                assert_eq!(error.kind(), TokenErrorKind::Transient, "{error}");
                assert!(error.is_retryable());
                let message = error.to_string();
                assert!(message.contains("expired") && message.contains("503"), "{message}");
            }
        }
        advance_secs(0.1).await;
    }
    assert_eq!(errors, 100);
    // 10 s of callers: 1 s, 2 s, 4 s, 4 s … apart (each up to halved), not one per call.
    let refreshes = requests_to(&server, "/refresh").await;
    assert!((3..=12).contains(&refreshes), "{refreshes} refresh requests: backoff not applied");
}

#[tokio::test(start_paused = true)]
async fn callers_waiting_on_a_failing_refresh_share_its_failure() {
    let server = MockServer::start().await;
    Vendor::tokens(120).always_failing(500).delayed(Duration::from_millis(100)).mount(&server, "/refresh").await;
    let manager = seeded(&server, 120);
    assert_eq!(token_of(&manager).await, "seed-access");
    advance_secs(121.0).await;

    let callers: Vec<_> = (0..50)
        .map(|_| {
            let manager = manager.clone();
            tokio::spawn(async move { manager.access_token().await })
        })
        .collect();
    for caller in callers {
        let error = caller.await.unwrap().unwrap_err();
        assert_eq!(error.kind(), TokenErrorKind::Transient, "{error}");
    }
    assert_eq!(requests_to(&server, "/refresh").await, 1, "one failed attempt answers everyone who waited for it");
}

#[tokio::test(start_paused = true)]
async fn tokens_that_arrive_expired_do_not_cause_a_refresh_storm() {
    let server = MockServer::start().await;
    Vendor::tokens(0).without_refresh_token().mount(&server, "/login").await;
    let manager = manager_with(&server, MemoryStore::new());
    assert_eq!(token_of(&manager).await, "access-1", "the caller that asked gets what the vendor sent");
    for _ in 0..50 {
        let error = manager.access_token().await.unwrap_err();
        assert!(error.to_string().contains("already expired"), "{error}");
    }
    assert_eq!(requests_to(&server, "/login").await, 1, "no request until the backoff is over");
    advance_secs(1.0).await;
    assert_eq!(token_of(&manager).await, "access-2");
    assert_eq!(requests_to(&server, "/login").await, 2);
}

#[tokio::test(start_paused = true)]
async fn refresh_answering_login_required_falls_back_to_one_login() {
    let server = MockServer::start().await;
    Vendor::tokens(120).always_failing(401).mount(&server, "/refresh").await;
    Vendor::tokens(120).named("login-access").mount(&server, "/login").await;
    let manager = seeded(&server, 120);
    assert_eq!(token_of(&manager).await, "seed-access");
    advance_secs(121.0).await;
    assert_eq!(token_of(&manager).await, "login-access-1");
    assert_eq!((requests_to(&server, "/refresh").await, requests_to(&server, "/login").await), (1, 1));
}

#[tokio::test(start_paused = true)]
async fn a_failing_login_after_refresh_is_not_retried_in_a_loop() {
    let server = MockServer::start().await;
    Vendor::tokens(120).always_failing(401).mount(&server, "/refresh").await;
    Vendor::tokens(120).always_failing(403).mount(&server, "/login").await;
    let manager = seeded(&server, 120);
    assert_eq!(token_of(&manager).await, "seed-access");
    advance_secs(121.0).await;

    let error = manager.access_token().await.unwrap_err();
    assert_eq!(error.kind(), TokenErrorKind::CredentialsRejected, "{error}");
    assert!(!error.is_retryable());
    assert!(error.to_string().contains("logging in failed"), "{error}");
    assert_eq!((requests_to(&server, "/refresh").await, requests_to(&server, "/login").await), (1, 1));

    // Callers during the backoff get the same answer without a request.
    for _ in 0..10 {
        assert_eq!(manager.access_token().await.unwrap_err().kind(), TokenErrorKind::CredentialsRejected);
    }
    assert_eq!((requests_to(&server, "/refresh").await, requests_to(&server, "/login").await), (1, 1));
}

#[tokio::test(start_paused = true)]
async fn an_expired_refresh_token_goes_straight_to_login() {
    let server = MockServer::start().await;
    Vendor::tokens(120).mount(&server, "/refresh").await;
    Vendor::tokens(120).named("login-access").mount(&server, "/login").await;
    let now = chrono::Utc::now();
    let dead_session = Token::new("old-access")
        .with_refresh_token("old-refresh")
        .with_expires_at(now - chrono::TimeDelta::seconds(10))
        .with_refresh_expires_at(now - chrono::TimeDelta::seconds(5));
    let manager = manager_with(&server, MemoryStore::with_token(dead_session));
    assert_eq!(token_of(&manager).await, "login-access-1");
    assert_eq!((requests_to(&server, "/refresh").await, requests_to(&server, "/login").await), (0, 1));
}

#[tokio::test(start_paused = true)]
async fn without_credentials_the_error_says_a_login_is_needed() {
    struct RefreshOnly;
    impl vendor_runtime::token::TokenSource for RefreshOnly {
        async fn refresh(&self, _current: &Token) -> Result<Token, TokenError> {
            Err(TokenError::login_required("the session is over"))
        }
    }
    let error = TokenManager::new(RefreshOnly).access_token().await.unwrap_err();
    assert_eq!(error.kind(), TokenErrorKind::LoginRequired);
    assert!(error.to_string().contains("needs credentials"), "{error}");
}

/// A store that records every save, and can be told to fail.
#[derive(Default)]
struct RecordingStore {
    saved: Mutex<Vec<Token>>,
    failing: Mutex<bool>,
}

impl TokenStore for RecordingStore {
    fn load(&self) -> Result<Option<Token>, TokenError> {
        Ok(self.saved.lock().unwrap().last().cloned())
    }

    fn save(&self, token: &Token) -> Result<(), TokenError> {
        if *self.failing.lock().unwrap() {
            return Err(TokenError::store("the disk is full"));
        }
        self.saved.lock().unwrap().push(token.clone());
        Ok(())
    }
}

impl RecordingStore {
    fn seeded(token: Token) -> Arc<Self> {
        let store = Arc::new(RecordingStore::default());
        store.saved.lock().unwrap().push(token);
        store
    }

    fn stored_refresh_token(&self) -> Option<String> {
        self.saved.lock().unwrap().last().and_then(|t| t.refresh_token()).map(|s| s.expose().clone())
    }

    fn fail(&self, failing: bool) {
        *self.failing.lock().unwrap() = failing;
    }
}

#[tokio::test(start_paused = true)]
async fn a_rotated_refresh_token_is_saved_before_its_access_token_is_handed_out() {
    let server = MockServer::start().await;
    Vendor::tokens(120).mount(&server, "/refresh").await;
    let store = RecordingStore::seeded(seed(120));
    let manager = manager_with(&server, Arc::clone(&store));
    assert_eq!(token_of(&manager).await, "seed-access");

    advance_secs(121.0).await;
    assert_eq!(token_of(&manager).await, "access-1");
    assert_eq!(store.stored_refresh_token().as_deref(), Some("refresh-1"));

    advance_secs(121.0).await;
    assert_eq!(token_of(&manager).await, "access-2");
    assert_eq!(store.stored_refresh_token().as_deref(), Some("refresh-2"));
    assert_eq!(
        bodies_to(&server, "/refresh").await,
        [json!({"refresh_token": "seed-refresh"}), json!({"refresh_token": "refresh-1"})],
        "each refresh uses the refresh token the one before rotated in"
    );
}

#[tokio::test(start_paused = true)]
async fn a_token_that_could_not_be_saved_is_held_back_not_lost() {
    let server = MockServer::start().await;
    Vendor::tokens(120).mount(&server, "/refresh").await;
    let store = RecordingStore::seeded(seed(120));
    let manager = manager_with(&server, Arc::clone(&store));
    assert_eq!(token_of(&manager).await, "seed-access");

    store.fail(true);
    advance_secs(109.0).await;
    assert_eq!(token_of(&manager).await, "seed-access", "the unsaved token is not handed out; the old one still works");
    assert_eq!(requests_to(&server, "/refresh").await, 1);

    advance_secs(11.0).await; // the old token expired; the save still fails
    let error = manager.access_token().await.unwrap_err();
    assert_eq!(error.kind(), TokenErrorKind::Store, "{error}");
    assert!(error.to_string().contains("held back"), "{error}");

    store.fail(false);
    advance_secs(5.0).await; // past the backoff
    assert_eq!(token_of(&manager).await, "access-1", "saved at last, then handed out");
    assert_eq!(store.stored_refresh_token().as_deref(), Some("refresh-1"));
    assert_eq!(requests_to(&server, "/refresh").await, 1, "the held-back token was saved, not fetched again");
}

#[tokio::test(start_paused = true)]
async fn a_refresh_answer_without_a_refresh_token_keeps_the_old_one() {
    let server = MockServer::start().await;
    Vendor::tokens(120).without_refresh_token().mount(&server, "/refresh").await;
    let store = RecordingStore::seeded(seed(120));
    let manager = manager_with(&server, Arc::clone(&store));
    assert_eq!(token_of(&manager).await, "seed-access");
    advance_secs(121.0).await;
    assert_eq!(token_of(&manager).await, "access-1");
    assert_eq!(store.stored_refresh_token().as_deref(), Some("seed-refresh"));
    advance_secs(121.0).await;
    assert_eq!(token_of(&manager).await, "access-2");
    assert_eq!(bodies_to(&server, "/refresh").await[1], json!({"refresh_token": "seed-refresh"}));
}

#[tokio::test(start_paused = true)]
async fn a_caller_giving_up_does_not_cancel_the_refresh() {
    let server = MockServer::start().await;
    Vendor::tokens(120).delayed(Duration::from_millis(200)).mount(&server, "/refresh").await;
    let manager = seeded(&server, 120);
    assert_eq!(token_of(&manager).await, "seed-access");
    advance_secs(121.0).await;

    // The paused clock jumps to the timeout while the request waits on the server.
    let gave_up = tokio::time::timeout(Duration::from_millis(10), manager.access_token()).await;
    assert!(gave_up.is_err(), "the caller was meant to time out");
    assert_eq!(token_of(&manager).await, "access-1");
    assert_eq!(requests_to(&server, "/refresh").await, 1, "the abandoned refresh finished and was shared");
}

/// The API call of the `with_token` tests: 200 only with `Bearer access-1`.
#[derive(Debug, PartialEq)]
enum ApiFailure {
    Unauthorized,
    Other(u16),
}

impl AuthFailure for ApiFailure {
    fn is_auth_failure(&self) -> bool {
        *self == ApiFailure::Unauthorized
    }
}

async fn call_api(http: &reqwest::Client, server: &MockServer, token: AccessToken) -> Result<String, ApiFailure> {
    let response = http
        .get(format!("{}/api", server.uri()))
        .bearer_auth(token.expose())
        .send()
        .await
        .map_err(|_| ApiFailure::Other(0))?;
    match response.status().as_u16() {
        200 => Ok(response.text().await.unwrap_or_default()),
        401 => Err(ApiFailure::Unauthorized),
        status => Err(ApiFailure::Other(status)),
    }
}

async fn mount_api(server: &MockServer) {
    Mock::given(method("GET"))
        .and(path("/api"))
        .and(header("authorization", "Bearer access-1"))
        .respond_with(ResponseTemplate::new(200).set_body_string("data"))
        .with_priority(1)
        .mount(server)
        .await;
    Mock::given(method("GET")).and(path("/api")).respond_with(ResponseTemplate::new(401)).with_priority(2).mount(server).await;
}

fn http() -> reqwest::Client {
    reqwest::Client::builder().pool_max_idle_per_host(0).pool_idle_timeout(None).build().unwrap()
}

#[tokio::test(start_paused = true)]
async fn a_401_forces_one_refresh_and_one_retry() {
    let server = MockServer::start().await;
    Vendor::tokens(120).mount(&server, "/refresh").await;
    mount_api(&server).await;
    let manager = seeded(&server, 120); // fresh, but the API no longer accepts it
    let http = http();
    let answer = manager.with_token(|token| call_api(&http, &server, token)).await.unwrap();
    assert_eq!(answer, "data");
    assert_eq!(requests_to(&server, "/refresh").await, 1);
    assert_eq!(requests_to(&server, "/api").await, 2);
}

#[tokio::test(start_paused = true)]
async fn concurrent_401s_with_the_same_token_cause_one_refresh() {
    let server = MockServer::start().await;
    Vendor::tokens(120).delayed(Duration::from_millis(50)).mount(&server, "/refresh").await;
    mount_api(&server).await;
    let manager = seeded(&server, 120);
    let http = http();
    assert_eq!(token_of(&manager).await, "seed-access");

    let callers: Vec<_> = (0..20)
        .map(|_| {
            let (manager, http, uri) = (manager.clone(), http.clone(), server.uri());
            tokio::spawn(async move {
                manager
                    .with_token(|token| {
                        let (http, uri) = (http.clone(), uri.clone());
                        async move {
                            let response = http.get(format!("{uri}/api")).bearer_auth(token.expose()).send().await;
                            match response.map(|r| r.status().as_u16()) {
                                Ok(200) => Ok(()),
                                Ok(401) => Err(ApiFailure::Unauthorized),
                                Ok(status) => Err(ApiFailure::Other(status)),
                                Err(_) => Err(ApiFailure::Other(0)),
                            }
                        }
                    })
                    .await
            })
        })
        .collect();
    for caller in callers {
        assert!(caller.await.unwrap().is_ok());
    }
    assert_eq!(requests_to(&server, "/refresh").await, 1, "callers rejected with the same token share one refresh");
}

#[tokio::test(start_paused = true)]
async fn a_second_401_is_returned_not_retried() {
    let server = MockServer::start().await;
    Vendor::tokens(120).named("still-wrong").mount(&server, "/refresh").await;
    mount_api(&server).await;
    let manager = seeded(&server, 120);
    let http = http();
    let outcome = manager.with_token(|token| call_api(&http, &server, token)).await;
    assert!(matches!(outcome, Err(CallError::Call(ApiFailure::Unauthorized))), "{outcome:?}");
    assert_eq!(requests_to(&server, "/api").await, 2);
    assert_eq!(requests_to(&server, "/refresh").await, 1);
}

#[tokio::test(start_paused = true)]
async fn other_failures_are_not_retried() {
    let server = MockServer::start().await;
    Mock::given(method("GET")).and(path("/api")).respond_with(ResponseTemplate::new(503)).mount(&server).await;
    let manager = seeded(&server, 120);
    let http = http();
    let outcome = manager.with_token(|token| call_api(&http, &server, token)).await;
    assert!(matches!(outcome, Err(CallError::Call(ApiFailure::Other(503)))), "{outcome:?}");
    assert_eq!(requests_to(&server, "/api").await, 1);
    assert_eq!(requests_to(&server, "/refresh").await, 0);
}

#[tokio::test(start_paused = true)]
async fn the_manager_debug_shows_state_but_no_secret() {
    let server = MockServer::start().await;
    Vendor::tokens(120).always_failing(500).mount(&server, "/refresh").await;
    let manager = seeded(&server, 120);
    assert_eq!(token_of(&manager).await, "seed-access");
    advance_secs(121.0).await;
    let error = manager.access_token().await.unwrap_err();
    let printed = format!("{manager:?} {manager:#?} {error:?} {error}");
    assert!(!printed.contains("seed-access") && !printed.contains("seed-refresh"), "{printed}");
    assert!(printed.contains("generation") && printed.contains("last_error"), "{printed}");
}
