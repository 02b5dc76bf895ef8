//! A token manager keeping a Smartling token fresh, against a local server playing Smartling.
//!
//! Run it with `cargo run -p workspace-tests --example token_manager`. The server hands out
//! tokens that live 4 seconds and fails the first two refreshes with a 500: the manager logs in,
//! refreshes ahead of expiry, keeps serving the valid token while the refresh fails, then
//! rotates to the refreshed token. Tokens here are fake and labelled, never printed.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use serde_json::json;
use vendor_clients::runtime::token::{MemoryStore, TokenManager, TokenStore};
use vendor_clients::smartling::{Client, Credentials, TokenSource};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

/// Smartling's answer with access and refresh tokens numbered `n`, living 4 seconds.
fn tokens(n: usize) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(json!({"response": {"code": "SUCCESS", "data": {
        "accessToken": format!("access-{n}"), "refreshToken": format!("refresh-{n}"),
        "expiresIn": 4, "refreshExpiresIn": 3600, "tokenType": "Bearer"
    }}}))
}

/// Refresh: the first two attempts fail (500: not retried by the HTTP layer, so the manager
/// sees them), the next ones succeed with new tokens.
struct Refresh(AtomicUsize);

impl Respond for Refresh {
    fn respond(&self, _: &Request) -> ResponseTemplate {
        match self.0.fetch_add(1, Ordering::SeqCst) {
            0 | 1 => ResponseTemplate::new(500).set_body_json(json!({"response": {"code": "GENERAL_ERROR", "errors": []}})),
            n => tokens(n),
        }
    }
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let server = MockServer::start().await;
    Mock::given(method("POST")).and(path("/auth-api/v2/authenticate")).respond_with(tokens(1)).mount(&server).await;
    Mock::given(method("POST")).and(path("/auth-api/v2/authenticate/refresh")).respond_with(Refresh(AtomicUsize::new(0))).mount(&server).await;

    let credentials = Credentials { user_identifier: "user-id".to_owned(), user_secret: "user-secret".into() };
    let source = TokenSource::with_credentials(Client::new(server.uri()), credentials);
    let store = Arc::new(MemoryStore::new());
    let manager = TokenManager::builder(source)
        .store(store.clone())
        .refresh_margin_fraction(0.5)
        .retry_backoff(Duration::from_millis(500), Duration::from_secs(2))
        .build();

    let started = std::time::Instant::now();
    let mut last = String::new();
    while started.elapsed() < Duration::from_secs(7) {
        let token = manager.access_token().await?;
        // The token itself is never printed; its number is enough to follow the story.
        let label = token.expose().trim_start_matches("access-").to_owned();
        if label != last {
            let stored = store.load()?.and_then(|t| t.refresh_token().map(|r| r.expose().trim_start_matches("refresh-").to_owned()));
            println!("{:>5.1} s  access token #{label} (stored refresh token #{})", started.elapsed().as_secs_f64(), stored.unwrap_or_default());
            last = label;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let requests = server.received_requests().await.unwrap_or_default();
    let count = |route: &str| requests.iter().filter(|r| r.url.path() == route).count();
    println!(
        "login requests: {}, refresh requests: {} (the first two answered 500 while the valid token stayed in use)",
        count("/auth-api/v2/authenticate"),
        count("/auth-api/v2/authenticate/refresh")
    );
    Ok(())
}
