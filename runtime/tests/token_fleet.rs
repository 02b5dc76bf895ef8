//! The token manager's fleet path with an in-process [`FleetStore`] that keeps the store's
//! contract (one lease at a time, fenced publications) or fails on demand: what the manager
//! does with the store, apart from Redis. The real multi-process runs, on a real Redis, are
//! in the workspace's `tests/fleet.rs`.
// Test code: a failed unwrap or index is a failed test (the lints guard the library).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

mod token_support;

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use token_support::{advance_secs, requests_to, HttpSource, Vendor};
use vendor_runtime::hook::BoxFuture;
use vendor_runtime::token::{FleetLease, FleetStore, SharedToken, Token, TokenError, TokenManager};
use wiremock::MockServer;

/// A fleet store in memory: the lease never runs out (the tests release it), and `down`
/// makes every operation fail as an unreachable store does.
#[derive(Default)]
struct SharedMemory {
    state: Mutex<Shared>,
    down: AtomicBool,
}

#[derive(Default)]
struct Shared {
    token: Option<SharedToken>,
    lease: Option<u64>,
    fences: u64,
    publications: u32,
}

impl SharedMemory {
    fn check(&self) -> Result<(), TokenError> {
        if self.down.load(Ordering::SeqCst) {
            return Err(TokenError::store("the shared store is down"));
        }
        Ok(())
    }

    fn shared_access(&self) -> Option<String> {
        self.state.lock().unwrap().token.as_ref().map(|s| s.token.access_token().expose().clone())
    }
}

impl FleetStore for SharedMemory {
    fn read(&self) -> BoxFuture<'_, Result<Option<SharedToken>, TokenError>> {
        Box::pin(async move {
            self.check()?;
            Ok(self.state.lock().unwrap().token.clone())
        })
    }

    fn acquire(&self) -> BoxFuture<'_, Result<Option<FleetLease>, TokenError>> {
        Box::pin(async move {
            self.check()?;
            let mut state = self.state.lock().unwrap();
            if state.lease.is_some() {
                return Ok(None);
            }
            state.fences += 1;
            state.lease = Some(state.fences);
            Ok(Some(FleetLease::new(state.fences)))
        })
    }

    fn publish<'a>(&'a self, lease: &'a FleetLease, token: &'a Token) -> BoxFuture<'a, Result<bool, TokenError>> {
        Box::pin(async move {
            self.check()?;
            let mut state = self.state.lock().unwrap();
            if state.token.as_ref().is_some_and(|stored| stored.fence >= lease.fence()) {
                return Ok(false);
            }
            state.token = Some(SharedToken { token: token.clone(), fence: lease.fence() });
            state.publications += 1;
            Ok(true)
        })
    }

    fn release<'a>(&'a self, lease: &'a FleetLease) -> BoxFuture<'a, Result<(), TokenError>> {
        Box::pin(async move {
            self.check()?;
            let mut state = self.state.lock().unwrap();
            if state.lease == Some(lease.fence()) {
                state.lease = None;
            }
            Ok(())
        })
    }

    fn wait_for_change(&self, _seen: u64) -> BoxFuture<'_, Result<(), TokenError>> {
        Box::pin(async move {
            self.check()?;
            tokio::time::sleep(Duration::from_millis(10)).await;
            Ok(())
        })
    }

    fn lease_time(&self) -> Duration {
        Duration::from_secs(5)
    }
}

/// A vendor whose logins answer `access-N` and refreshes `refreshed-N`, and an empty store.
async fn vendor_and_store() -> (MockServer, Arc<SharedMemory>) {
    let server = MockServer::start().await;
    Vendor::tokens(120).mount(&server, "/login").await;
    Vendor::tokens(120).named("refreshed").mount(&server, "/refresh").await;
    (server, Arc::new(SharedMemory::default()))
}

fn member(server: &MockServer, store: &Arc<SharedMemory>) -> TokenManager<HttpSource> {
    TokenManager::builder(HttpSource::new(server)).fleet_store(Arc::clone(store)).retry_backoff(Duration::from_secs(1), Duration::from_secs(4)).build()
}

async fn token_of(manager: &TokenManager<HttpSource>) -> String {
    manager.access_token().await.map(|t| t.expose().to_owned()).unwrap_or_else(|e| panic!("no token: {e}"))
}

#[tokio::test(start_paused = true)]
async fn members_of_a_fleet_share_one_login_and_one_refresh() {
    let (server, store) = vendor_and_store().await;
    let (first, second) = (member(&server, &store), member(&server, &store));

    assert_eq!(token_of(&first).await, "access-1");
    assert_eq!(token_of(&second).await, "access-1", "the second member takes up the published token");
    assert_eq!(requests_to(&server, "/login").await, 1);

    advance_secs(110.0).await; // within the 12 s margin
    assert_eq!(token_of(&second).await, "refreshed-1");
    assert_eq!(token_of(&first).await, "refreshed-1", "the first member takes up the second's refresh");
    assert_eq!(requests_to(&server, "/refresh").await, 1);
    assert_eq!(store.state.lock().unwrap().publications, 2);
}

#[tokio::test(start_paused = true)]
async fn a_member_whose_store_fails_renews_alone_then_shares_again() {
    let (server, store) = vendor_and_store().await;
    store.down.store(true, Ordering::SeqCst);
    let manager = member(&server, &store);

    assert_eq!(token_of(&manager).await, "access-1", "a failing store is no outage");
    assert_eq!(store.shared_access(), None);

    store.down.store(false, Ordering::SeqCst);
    advance_secs(110.0).await;
    assert_eq!(token_of(&manager).await, "refreshed-1", "renewed from its own token, not a new login");
    assert_eq!(requests_to(&server, "/login").await, 1);
    assert_eq!(store.shared_access().as_deref(), Some("refreshed-1"), "published once the store answers again");
}

#[tokio::test(start_paused = true)]
async fn a_rejected_token_is_replaced_by_the_fleets_newer_one_without_a_request() {
    let (server, store) = vendor_and_store().await;
    let (first, second) = (member(&server, &store), member(&server, &store));
    assert_eq!(token_of(&first).await, "access-1");
    assert_eq!(token_of(&second).await, "access-1");

    // The first member is told its token was rejected (a 401) and renews for the fleet; the
    // second, rejected with the same token, takes up that renewal.
    let calls = Arc::new(Mutex::new(Vec::new()));
    for manager in [&first, &second] {
        let calls = Arc::clone(&calls);
        let outcome = manager
            .with_token(|token| {
                let calls = Arc::clone(&calls);
                async move {
                    calls.lock().unwrap().push(token.expose().to_owned());
                    if token.expose() == "access-1" { Err(Rejected) } else { Ok(()) }
                }
            })
            .await;
        assert!(outcome.is_ok());
    }
    assert_eq!(*calls.lock().unwrap(), ["access-1", "refreshed-1", "access-1", "refreshed-1"]);
    assert_eq!(requests_to(&server, "/refresh").await, 1, "one renewal for both rejections");
}

struct Rejected;

impl vendor_runtime::token::AuthFailure for Rejected {
    fn is_auth_failure(&self) -> bool {
        true
    }
}
