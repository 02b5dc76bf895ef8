//! The fleet token store (issue 15) in figures:
//!
//! - `fleet/hot/memory_store` and `fleet/hot/redis_store`: `TokenManager::access_token()` on a
//!   valid token, without and with a `RedisStore`. The hot path never touches Redis, so the two
//!   must not differ.
//! - `fleet/converge/4_processes`: four member processes (this binary, started again as
//!   members) share a token through Redis; each iteration tells all four that the API rejected
//!   their token, and measures until every one of them holds the renewed token: one process
//!   takes the lease, renews (an in-process source, so the figure is the coordination alone:
//!   add the vendor's refresh time) and publishes; the other three wait for it and take it up.
//!
//! Needs `redis-server` on the `PATH` (Debian's package `redis-server`); the bench starts its
//! own on a free loopback port and stops it at the end.
//!
//! Run (from the workspace root): `cargo bench -p benchmarks --bench fleet -- --warm-up-time 1 --measurement-time 5`
//! (results in `BENCHMARKS.md`, section 5).
// Bench code: a failed unwrap or index is a broken bench (the lints guard the library).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

use std::hint::black_box;
use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use criterion::{criterion_group, Criterion};
use tokio::runtime::{Builder, Runtime};
use vendor_clients::chrono::Utc;
use vendor_runtime::auth::TokenProvider;
use vendor_runtime::token::{expiry, RedisStore, Token, TokenError, TokenManager, TokenSource};
use vendor_runtime::Secret;

/// A source that never leaves the process; every token it hands out is new and lives an hour.
struct Local {
    issued: AtomicU64,
}

impl Local {
    fn token(&self) -> Token {
        let n = self.issued.fetch_add(1, Ordering::Relaxed);
        Token::new(format!("access-{}-{n}", std::process::id()))
            .with_refresh_token(format!("refresh-{}-{n}", std::process::id()))
            .with_expires_at(expiry::after_seconds(3600, Utc::now()))
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

fn store(url: &str) -> RedisStore {
    RedisStore::open(url, "bench", "bench-identity", Secret::new("bench-encryption-key-6f1d2c0b9a8e7d6c".to_owned())).unwrap()
}

fn manager(redis: Option<&str>) -> TokenManager<Local> {
    let builder = TokenManager::builder(Local { issued: AtomicU64::new(0) });
    match redis {
        Some(url) => builder.fleet_store(store(url)).build(),
        None => builder.build(),
    }
}

fn current_thread() -> Runtime {
    Builder::new_current_thread().enable_all().build().unwrap()
}

/// A `redis-server` of the bench's own.
struct Redis {
    url: String,
    process: Child,
}

impl Redis {
    fn start() -> Redis {
        let port = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let process = Command::new("redis-server")
            .args(["--port", &port.to_string(), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"])
            .stdout(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start redis-server ({e}): install Debian's package `redis-server`"));
        let deadline = Instant::now() + Duration::from_secs(10);
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(Instant::now() < deadline, "redis-server did not start");
            std::thread::sleep(Duration::from_millis(10));
        }
        Redis { url: format!("redis://127.0.0.1:{port}/"), process }
    }
}

impl Drop for Redis {
    fn drop(&mut self) {
        let _ = self.process.kill();
        let _ = self.process.wait();
    }
}

/// A member process: renews on every `renew` line it reads, answering `ok` once it holds a
/// token other than the one it was told was rejected.
fn member(url: &str) {
    let runtime = current_thread();
    let manager = manager(Some(url));
    let mut out = std::io::stdout().lock();
    for line in std::io::stdin().lock().lines() {
        let line = line.unwrap();
        if line != "renew" {
            break;
        }
        runtime.block_on(async {
            let rejected = manager.token().await.unwrap();
            let renewed = manager.renew(&rejected).await.unwrap();
            assert_ne!(renewed.token.expose(), rejected.token.expose());
        });
        writeln!(out, "ok").unwrap();
        out.flush().unwrap();
    }
}

struct Member {
    process: Child,
    input: ChildStdin,
    output: BufReader<ChildStdout>,
}

impl Member {
    fn start(url: &str) -> Member {
        let mut process = Command::new(std::env::current_exe().unwrap())
            .env("FLEET_BENCH_MEMBER", url)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        let input = process.stdin.take().unwrap();
        let output = BufReader::new(process.stdout.take().unwrap());
        Member { process, input, output }
    }

    fn answered(&mut self) {
        let mut line = String::new();
        self.output.read_line(&mut line).unwrap();
        assert_eq!(line.trim(), "ok", "a member failed");
    }
}

impl Drop for Member {
    fn drop(&mut self) {
        let _ = self.process.kill();
        let _ = self.process.wait();
    }
}

fn hot_path(c: &mut Criterion, redis: &Redis) {
    let runtime = current_thread();
    let mut group = c.benchmark_group("fleet");
    for (name, url) in [("hot/memory_store", None), ("hot/redis_store", Some(redis.url.as_str()))] {
        let manager = manager(url);
        runtime.block_on(manager.access_token()).unwrap();
        // As `access_token/hot/1_task` measures it: many calls in one task, no `block_on` each.
        group.bench_function(name, |b| {
            b.iter_custom(|iterations| {
                runtime.block_on(async {
                    let started = Instant::now();
                    for _ in 0..iterations {
                        let _ = black_box(manager.access_token().await);
                    }
                    started.elapsed()
                })
            })
        });
    }
    group.finish();
}

fn convergence(c: &mut Criterion, redis: &Redis) {
    let mut members: Vec<Member> = (0..4).map(|_| Member::start(&redis.url)).collect();
    let mut group = c.benchmark_group("fleet");
    group.sample_size(20);
    group.bench_function("converge/4_processes", |b| {
        b.iter_custom(|iterations| {
            let mut total = Duration::ZERO;
            for _ in 0..iterations {
                let started = Instant::now();
                for member in &mut members {
                    member.input.write_all(b"renew\n").unwrap();
                    member.input.flush().unwrap();
                }
                for member in &mut members {
                    member.answered();
                }
                total += started.elapsed();
            }
            total
        });
    });
    group.finish();
}

fn fleet(c: &mut Criterion) {
    let redis = Redis::start();
    hot_path(c, &redis);
    convergence(c, &redis);
}

criterion_group!(benches, fleet);

fn main() {
    if let Ok(url) = std::env::var("FLEET_BENCH_MEMBER") {
        member(&url);
        return;
    }
    benches();
    Criterion::default().configure_from_args().final_summary();
}
