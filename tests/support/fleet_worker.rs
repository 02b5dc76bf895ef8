//! One replica of an application, for the fleet tests (`tests/fleet.rs`): a separate OS
//! process that calls Smartling's `list_files` from many tasks through the generated client,
//! authenticated by a token manager that shares its token through a `RedisStore`.
//!
//! Configured by environment variables (the test sets them): `FLEET_REDIS` (URL),
//! `FLEET_VENDOR` (the local vendor server), `FLEET_NAME` (sent as `x-fleet-worker` so the
//! server can tell the replicas apart), `FLEET_TASKS`, `FLEET_RUN_MS`, `FLEET_LEASE_MS` and
//! `FLEET_MARGIN` (the refresh margin as a fraction of the lifetime). Prints one JSON line:
//! the calls that succeeded and failed, and the first failure.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use vendor_clients::runtime::hook::{BoxFuture, Hook, HookError, Outgoing};
use vendor_clients::runtime::token::{RedisStore, TokenManager};
use vendor_clients::runtime::{ApiClient, Secret};
use vendor_clients::smartling;

/// Names this replica on every request it sends, token calls included.
struct Named(String);

impl Hook for Named {
    fn before_send<'a>(&'a self, request: &'a mut Outgoing) -> BoxFuture<'a, Result<(), HookError>> {
        Box::pin(async move {
            request.headers_mut().insert("x-fleet-worker", self.0.parse().map_err(HookError::other)?);
            Ok(())
        })
    }
}

fn setting(name: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| panic!("the fleet worker needs {name}"))
}

fn number(name: &str) -> u64 {
    setting(name).parse().unwrap_or_else(|_| panic!("{name} is not a number"))
}

#[tokio::main]
async fn main() {
    let name = setting("FLEET_NAME");
    let vendor = setting("FLEET_VENDOR");
    let run_for = Duration::from_millis(number("FLEET_RUN_MS"));
    let margin: f64 = setting("FLEET_MARGIN").parse().expect("FLEET_MARGIN is a fraction");

    let store = RedisStore::open(&setting("FLEET_REDIS"), "smartling", "api-user", Secret::new("fleet-test-encryption-key-5e1f0c7a9b3d".to_owned()))
        .expect("redis url")
        .lease_time(Duration::from_millis(number("FLEET_LEASE_MS")))
        .timeout(Duration::from_millis(200));
    let credentials = smartling::Credentials { user_identifier: "api-user".to_owned(), user_secret: "user-secret-9d1e".into() };
    let token_client = smartling::Client::new(vendor.clone()).with_hook(Named(name.clone()));
    let tokens = TokenManager::builder(smartling::TokenSource::with_credentials(token_client, credentials))
        .fleet_store(store)
        .refresh_margin(Duration::from_secs(3600))
        .refresh_margin_fraction(margin)
        .retry_backoff(Duration::from_millis(50), Duration::from_millis(200))
        .build();
    let client = Arc::new(smartling::Client::new(vendor).with_bearer(tokens).with_hook(Named(name)));

    let succeeded = Arc::new(AtomicU64::new(0));
    let failed = Arc::new(AtomicU64::new(0));
    let first_failure = Arc::new(Mutex::new(None::<String>));
    let until = tokio::time::Instant::now() + run_for;
    let tasks: Vec<_> = (0..number("FLEET_TASKS"))
        .map(|_| {
            let (client, succeeded, failed, first_failure) = (client.clone(), succeeded.clone(), failed.clone(), first_failure.clone());
            tokio::spawn(async move {
                while tokio::time::Instant::now() < until {
                    match client.list_files("p-1").await {
                        Ok(_) => succeeded.fetch_add(1, Ordering::Relaxed),
                        Err(error) => {
                            first_failure.lock().expect("lock").get_or_insert_with(|| error.to_string());
                            failed.fetch_add(1, Ordering::Relaxed)
                        }
                    };
                    tokio::time::sleep(Duration::from_millis(10)).await;
                }
            })
        })
        .collect();
    for task in tasks {
        task.await.expect("a calling task panicked");
    }
    let report = serde_json::json!({
        "succeeded": succeeded.load(Ordering::Relaxed),
        "failed": failed.load(Ordering::Relaxed),
        "first_failure": first_failure.lock().expect("lock").clone(),
    });
    println!("{report}");
}
