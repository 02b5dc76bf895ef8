//! What the token runtime tests share: a token source that talks HTTP to a wiremock server on
//! 127.0.0.1, the responders that play the vendor, and seed tokens.
//!
//! The vendor here is generic OAuth-like JSON: `POST /login` and `POST /refresh` answer
//! `{access_token, refresh_token?, expires_in?, refresh_expires_in?}`; 401 means "log in
//! again", 403 "credentials rejected", 5xx "try later".
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

#![allow(dead_code)] // each test file uses its own part of this module

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use chrono::Utc;
use serde_json::{json, Value};
use vendor_runtime::token::{expiry, Token, TokenError, TokenSource};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

/// The in-test vendor client: one POST per login or refresh, nothing cached.
pub struct HttpSource {
    http: reqwest::Client,
    base: String,
}

impl HttpSource {
    pub fn new(server: &MockServer) -> Self {
        // No idle pool: its timer would make tokio's paused clock jump while a request waits
        // on the server's thread.
        let http = reqwest::Client::builder().pool_max_idle_per_host(0).pool_idle_timeout(None).build().unwrap();
        HttpSource { http, base: server.uri() }
    }

    async fn post(&self, route: &str, body: Value) -> Result<Token, TokenError> {
        let response = self
            .http
            .post(format!("{}{route}", self.base))
            .header("content-type", "application/json")
            .body(body.to_string())
            .send()
            .await
            .map_err(|e| TokenError::transient(format!("{route}: no answer")).with_source(e))?;
        let status = response.status().as_u16();
        let body = response.bytes().await.map_err(|e| TokenError::transient(format!("{route}: body cut")).with_source(e))?;
        match status {
            200 => parse_token(&body),
            401 => Err(TokenError::login_required(format!("{route} answered 401: log in again"))),
            403 => Err(TokenError::credentials_rejected(format!("{route} answered 403"))),
            500..=599 => Err(TokenError::transient(format!("{route} answered {status}"))),
            _ => Err(TokenError::other(format!("{route} answered {status}"))),
        }
    }
}

fn parse_token(body: &[u8]) -> Result<Token, TokenError> {
    let raw: Value = serde_json::from_slice(body).map_err(|e| TokenError::other("not JSON").with_source(e))?;
    let received_at = Utc::now();
    let access = raw["access_token"].as_str().ok_or_else(|| TokenError::other("no access_token"))?;
    let mut token = Token::new(access);
    if let Some(refresh) = raw["refresh_token"].as_str() {
        token = token.with_refresh_token(refresh);
    }
    token = token
        .with_expires_at(raw["expires_in"].as_i64().and_then(|s| expiry::after_seconds(s, received_at)))
        .with_refresh_expires_at(raw["refresh_expires_in"].as_i64().and_then(|s| expiry::after_seconds(s, received_at)));
    Ok(token.with_raw(raw).with_jwt_expiry_fallback())
}

impl TokenSource for HttpSource {
    async fn login(&self) -> Result<Token, TokenError> {
        self.post("/login", json!({"client_id": "client", "client_secret": "client-secret"})).await
    }

    async fn refresh(&self, current: &Token) -> Result<Token, TokenError> {
        let Some(refresh_token) = current.refresh_token() else {
            return Err(TokenError::login_required("no refresh token"));
        };
        self.post("/refresh", json!({"refresh_token": refresh_token.expose()})).await
    }
}

/// Answers a new token per request: `access-1`, `access-2`, … (with `refresh-N` when
/// `rotate`), living `lifetime` seconds; the first `failures` requests answer `fail_status`.
#[derive(Clone)]
pub struct Vendor {
    served: Arc<AtomicUsize>,
    lifetime: i64,
    rotate: bool,
    failures: usize,
    fail_status: u16,
    delay: Duration,
    prefix: &'static str,
}

impl Vendor {
    pub fn tokens(lifetime: i64) -> Self {
        Vendor {
            served: Arc::default(),
            lifetime,
            rotate: true,
            failures: 0,
            fail_status: 500,
            delay: Duration::ZERO,
            prefix: "access",
        }
    }

    pub fn failing_first(mut self, failures: usize, status: u16) -> Self {
        self.failures = failures;
        self.fail_status = status;
        self
    }

    pub fn always_failing(self, status: u16) -> Self {
        self.failing_first(usize::MAX, status)
    }

    pub fn without_refresh_token(mut self) -> Self {
        self.rotate = false;
        self
    }

    /// Delays each answer on the server's own (real) clock, so concurrent callers overlap.
    pub fn delayed(mut self, delay: Duration) -> Self {
        self.delay = delay;
        self
    }

    pub fn named(mut self, prefix: &'static str) -> Self {
        self.prefix = prefix;
        self
    }

    pub async fn mount(self, server: &MockServer, route: &str) {
        Mock::given(method("POST")).and(path(route)).respond_with(self).mount(server).await;
    }
}

impl Respond for Vendor {
    fn respond(&self, _request: &Request) -> ResponseTemplate {
        let n = self.served.fetch_add(1, Ordering::SeqCst);
        if n < self.failures {
            return ResponseTemplate::new(self.fail_status).set_body_json(json!({"error": "nope"})).set_delay(self.delay);
        }
        let issued = n - self.failures.min(n) + 1;
        let mut body = json!({
            "access_token": format!("{}-{issued}", self.prefix),
            "expires_in": self.lifetime,
            "token_type": "Bearer",
        });
        if self.rotate {
            body["refresh_token"] = json!(format!("refresh-{issued}"));
            body["refresh_expires_in"] = json!(3600);
        }
        ResponseTemplate::new(200).set_body_json(body).set_delay(self.delay)
    }
}

/// How many requests the server received on `route`.
pub async fn requests_to(server: &MockServer, route: &str) -> usize {
    server.received_requests().await.unwrap_or_default().iter().filter(|r| r.url.path() == route).count()
}

/// The JSON bodies the server received on `route`, in order.
pub async fn bodies_to(server: &MockServer, route: &str) -> Vec<Value> {
    server
        .received_requests()
        .await
        .unwrap_or_default()
        .iter()
        .filter(|r| r.url.path() == route)
        .map(|r| serde_json::from_slice(&r.body).unwrap_or(Value::Null))
        .collect()
}

/// A token as a store would hold it: `seed-access`/`seed-refresh`, dying `lifetime` seconds
/// from now (wall clock; the manager turns it into a tokio deadline when it loads it).
pub fn seed(lifetime: i64) -> Token {
    let now = Utc::now();
    Token::new("seed-access")
        .with_refresh_token("seed-refresh")
        .with_token_type("Bearer")
        .with_expires_at(expiry::after_seconds(lifetime, now))
        .with_refresh_expires_at(expiry::after_seconds(3600, now))
}

/// Moves tokio's paused clock forward.
pub async fn advance_secs(seconds: f64) {
    tokio::time::advance(Duration::from_secs_f64(seconds)).await;
}
