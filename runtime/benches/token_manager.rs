//! `TokenManager::access_token()` cost: the hot path (a fresh token) from one task and from
//! eight tasks at once on a two-thread runtime, and, for scale, the slow path (a forced
//! refresh after a 401, with an in-memory source and store, so no network).
//!
//! Run: `cargo bench -p vendor-runtime --bench token_manager -- --warm-up-time 1 --measurement-time 3`
//! (results and machine in `BENCHMARKS.md` at the workspace root).
// Test code: a failed unwrap or index is a failed test (the lints guard the library).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

use std::hint::black_box;
use std::time::Instant;

use chrono::Utc;
use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use tokio::runtime::{Builder, Runtime};
use vendor_runtime::token::{expiry, AuthFailure, MemoryStore, Token, TokenError, TokenManager, TokenSource};

/// A source that never leaves the process; its tokens live `lifetime` seconds.
struct Local {
    lifetime: i64,
}

impl Local {
    fn token(&self) -> Token {
        Token::new("bench-access-token-0123456789abcdef")
            .with_refresh_token("bench-refresh-token")
            .with_expires_at(expiry::after_seconds(self.lifetime, Utc::now()))
    }
}

impl TokenSource for Local {
    async fn login(&self) -> Result<Token, TokenError> {
        Ok(self.token())
    }

    async fn refresh(&self, _current: &Token) -> Result<Token, TokenError> {
        Ok(self.token())
    }
}

fn fresh_manager(runtime: &Runtime) -> TokenManager<Local> {
    let manager = TokenManager::builder(Local { lifetime: 3600 }).store(MemoryStore::new()).build();
    // The first call logs in; every measured call after it is on the hot path.
    if let Err(error) = runtime.block_on(manager.access_token()) {
        panic!("the bench source failed: {error}");
    }
    manager
}

fn runtime(threads: usize) -> Runtime {
    let built = if threads == 1 {
        Builder::new_current_thread().enable_time().build()
    } else {
        Builder::new_multi_thread().worker_threads(threads).enable_time().build()
    };
    built.unwrap_or_else(|e| panic!("no tokio runtime: {e}"))
}

fn hot_path_single_task(c: &mut Criterion) {
    let runtime = runtime(1);
    let manager = fresh_manager(&runtime);
    let mut group = c.benchmark_group("access_token");
    group.throughput(Throughput::Elements(1));
    group.bench_function("hot/1_task", |b| {
        b.iter_custom(|iters| {
            runtime.block_on(async {
                let start = Instant::now();
                for _ in 0..iters {
                    let _ = black_box(manager.access_token().await);
                }
                start.elapsed()
            })
        })
    });
    group.finish();
}

const TASKS: u64 = 8;

fn hot_path_contended(c: &mut Criterion) {
    let runtime = runtime(2);
    let manager = fresh_manager(&runtime);
    let mut group = c.benchmark_group("access_token");
    // One iteration is one call from each of the eight tasks.
    group.throughput(Throughput::Elements(TASKS));
    group.bench_function("hot/8_tasks_2_threads", |b| {
        b.iter_custom(|iters| {
            runtime.block_on(async {
                let start = Instant::now();
                let tasks: Vec<_> = (0..TASKS)
                    .map(|_| {
                        let manager = manager.clone();
                        tokio::spawn(async move {
                            for _ in 0..iters {
                                let _ = black_box(manager.access_token().await);
                            }
                        })
                    })
                    .collect();
                for task in tasks {
                    let _ = task.await;
                }
                start.elapsed()
            })
        })
    });
    group.finish();
}

/// An API call that always answers 401.
struct Rejected;

impl AuthFailure for Rejected {
    fn is_auth_failure(&self) -> bool {
        true
    }
}

fn slow_path_refresh_after_401(c: &mut Criterion) {
    // Every iteration: a hot-path token, a 401, one forced refresh (lock, spawned task,
    // in-memory source, save on the blocking pool, publish), and the retried call.
    let runtime = runtime(2);
    let manager = fresh_manager(&runtime);
    let mut group = c.benchmark_group("access_token");
    group.throughput(Throughput::Elements(1));
    group.bench_function("refresh_after_401/1_task", |b| {
        b.iter_custom(|iters| {
            runtime.block_on(async {
                let start = Instant::now();
                for _ in 0..iters {
                    let outcome = manager.with_token(|token| async move { Err::<(), _>(black_box((token, Rejected)).1) }).await;
                    let _ = black_box(outcome.is_err());
                }
                start.elapsed()
            })
        })
    });
    group.finish();
}

criterion_group!(benches, hot_path_single_task, hot_path_contended, slow_path_refresh_after_401);
criterion_main!(benches);
