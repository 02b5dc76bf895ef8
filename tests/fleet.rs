//! A fleet of replicas sharing one vendor token through Redis: separate OS processes (the
//! `fleet-worker` binary), each calling Smartling's `list_files` from several tasks through
//! the generated client and a token manager with a `RedisStore`.
//!
//! The vendor is a local server with real OAuth-style sessions: a login opens a session, a
//! refresh token works once (rotation: a reused one is refused with 401), and an access token
//! is admitted until it expires. It records who logged in and refreshed, and when. Redis is a
//! real `redis-server` on a loopback port (Debian's package `redis-server`; `.ci/run` installs
//! it). The scenarios:
//!
//! - four replicas × eight tasks across several token lifetimes: one login for the fleet, one
//!   refresh per lifetime, never a reused refresh token, never a failed call;
//! - the replica renewing the token is killed mid-refresh: another takes over once its lease
//!   ends, and no call of the others fails;
//! - Redis is stopped and started again mid-run, or frozen (it keeps its connections but
//!   answers nothing): no call fails, and once Redis is back the fleet goes back to one refresh
//!   per lifetime.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use serde_json::{json, Value};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

/// The scenarios start several processes each: one at a time on a two-core machine.
static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());

fn one_at_a_time() -> MutexGuard<'static, ()> {
    ONE_AT_A_TIME.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).expect("a free loopback port").port()
}

/// A `redis-server` of the test's own on a loopback port, without persistence (a restart
/// loses everything, the harder case), stopped when dropped.
struct Redis {
    port: u16,
    process: Option<Child>,
}

impl Redis {
    fn start() -> Redis {
        let mut redis = Redis { port: free_port(), process: None };
        redis.run();
        redis
    }

    fn url(&self) -> String {
        format!("redis://127.0.0.1:{}/", self.port)
    }

    fn run(&mut self) {
        let port = self.port.to_string();
        let process = Command::new("redis-server")
            .args(["--port", &port, "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start redis-server ({e}): install Debian's package `redis-server` (.ci/run does)"));
        self.process = Some(process);
        let deadline = Instant::now() + Duration::from_secs(10);
        while !self.answers_ping() {
            assert!(Instant::now() < deadline, "redis-server did not answer on port {port} within 10 s");
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    fn answers_ping(&self) -> bool {
        let Ok(mut stream) = TcpStream::connect(("127.0.0.1", self.port)) else { return false };
        let mut answer = [0u8; 7];
        stream.write_all(b"PING\r\n").is_ok() && stream.read_exact(&mut answer).is_ok() && &answer == b"+PONG\r\n"
    }

    /// Freezes the server (`SIGSTOP`): connections stay open and nothing answers, as in a
    /// network partition or a server stuck on a slow command; `thaw` lets it go on.
    fn freeze(&self, frozen: bool) {
        let pid = self.process.as_ref().expect("redis-server runs").id().to_string();
        let signal = if frozen { "-STOP" } else { "-CONT" };
        let status = Command::new("kill").args([signal, &pid]).status().expect("run kill");
        assert!(status.success(), "kill {signal} {pid} failed");
    }

    fn stop(&mut self) {
        if let Some(mut process) = self.process.take() {
            let _ = Command::new("kill").args(["-CONT", &process.id().to_string()]).status();
            let _ = process.kill();
            let _ = process.wait();
        }
    }

    /// Sends one inline command on a connection of its own, and reads what Redis answers
    /// within 300 ms, as raw RESP text.
    fn command(&self, line: &str) -> String {
        let mut stream = TcpStream::connect(("127.0.0.1", self.port)).expect("connect to redis");
        stream.write_all(format!("{line}\r\n").as_bytes()).expect("send a command");
        stream.set_read_timeout(Some(Duration::from_millis(300))).expect("read timeout");
        let mut text = String::new();
        let _ = stream.read_to_string(&mut text);
        text
    }
}

impl Drop for Redis {
    fn drop(&mut self) {
        self.stop();
    }
}

/// One token event at the vendor: who asked, when, and what came of it.
#[derive(Clone, Debug)]
struct Event {
    at: Instant,
    worker: String,
}

/// The vendor's sessions and what it saw.
#[derive(Default)]
struct Sessions {
    issued: u32,
    /// Access tokens it admits, until when.
    access: Vec<(String, Instant)>,
    /// Refresh tokens, and whether each was used already.
    refresh: Vec<(String, bool)>,
    logins: Vec<Event>,
    refreshes: Vec<Event>,
    reused: Vec<Event>,
    admitted: u64,
    refused: u64,
    /// When set, the next refresh is never answered (its sender is to be killed) and is
    /// recorded here.
    hang_next_refresh: bool,
    hung: Option<Event>,
}

#[derive(Clone)]
struct Vendor {
    lifetime: Duration,
    sessions: Arc<Mutex<Sessions>>,
}

fn worker_of(request: &Request) -> String {
    request.headers.get("x-fleet-worker").and_then(|v| v.to_str().ok()).unwrap_or("?").to_owned()
}

impl Vendor {
    async fn start(lifetime: Duration) -> (Vendor, MockServer) {
        let vendor = Vendor { lifetime, sessions: Arc::default() };
        let server = MockServer::start().await;
        let login = vendor.clone();
        Mock::given(method("POST"))
            .and(path("/auth-api/v2/authenticate"))
            .respond_with(move |request: &Request| {
                let mut sessions = login.sessions();
                sessions.logins.push(Event { at: Instant::now(), worker: worker_of(request) });
                login.issue(&mut sessions)
            })
            .mount(&server)
            .await;
        let refresh = vendor.clone();
        Mock::given(method("POST"))
            .and(path("/auth-api/v2/authenticate/refresh"))
            .respond_with(move |request: &Request| {
                let body: Value = serde_json::from_slice(&request.body).unwrap_or(Value::Null);
                let presented = body["refreshToken"].as_str().unwrap_or_default();
                let event = Event { at: Instant::now(), worker: worker_of(request) };
                let mut sessions = refresh.sessions();
                if sessions.hang_next_refresh {
                    sessions.hang_next_refresh = false;
                    sessions.hung = Some(event);
                    return ResponseTemplate::new(503).set_delay(Duration::from_secs(120));
                }
                match sessions.refresh.iter_mut().find(|(token, _)| token == presented) {
                    Some((_, used)) if !*used => *used = true,
                    _ => {
                        sessions.reused.push(event);
                        return ResponseTemplate::new(401).set_body_json(json!({"response": {"code": "AUTHENTICATION_ERROR", "errors": [{"key": "invalid_token", "message": "refresh token reused or unknown"}]}}));
                    }
                }
                sessions.refreshes.push(event);
                refresh.issue(&mut sessions)
            })
            .mount(&server)
            .await;
        let data = vendor.clone();
        Mock::given(method("GET"))
            .and(path("/files-api/v2/projects/p-1/files/list"))
            .respond_with(move |request: &Request| {
                let given = request.headers.get("authorization").and_then(|v| v.to_str().ok()).unwrap_or_default();
                let mut sessions = data.sessions();
                let now = Instant::now();
                if sessions.access.iter().any(|(token, until)| given.strip_prefix("Bearer ") == Some(token.as_str()) && now < *until) {
                    sessions.admitted += 1;
                    ResponseTemplate::new(200).set_body_json(json!({"response": {"code": "SUCCESS", "data": {"totalCount": "0", "items": []}}}))
                } else {
                    sessions.refused += 1;
                    ResponseTemplate::new(401).set_body_json(json!({"response": {"code": "AUTHENTICATION_ERROR", "errors": [{"key": "invalid_token", "message": "Invalid token"}]}}))
                }
            })
            .mount(&server)
            .await;
        (vendor, server)
    }

    fn sessions(&self) -> MutexGuard<'_, Sessions> {
        self.sessions.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn issue(&self, sessions: &mut Sessions) -> ResponseTemplate {
        sessions.issued += 1;
        let access = format!("access-{}-5d0e", sessions.issued);
        let refresh = format!("refresh-{}-a41c", sessions.issued);
        sessions.access.push((access.clone(), Instant::now() + self.lifetime));
        sessions.refresh.push((refresh.clone(), false));
        ResponseTemplate::new(200).set_body_json(json!({"response": {"code": "SUCCESS", "data": {
            "accessToken": access, "refreshToken": refresh, "expiresIn": self.lifetime.as_secs(),
            "refreshExpiresIn": 3600, "tokenType": "Bearer"}}}))
    }
}

/// How a fleet runs: its size, how long, and the token manager's settings.
struct Fleet {
    workers: usize,
    tasks: usize,
    run_for: Duration,
    lease: Duration,
    margin: f64,
}

/// A running replica and what it printed.
struct Worker {
    name: String,
    process: Child,
}

impl Worker {
    fn kill(&mut self) {
        let _ = self.process.kill();
        let _ = self.process.wait();
    }

    /// Waits for the replica to finish; its report.
    fn report(mut self) -> Value {
        let status = self.process.wait().expect("wait for a worker");
        let mut stderr = String::new();
        if let Some(mut err) = self.process.stderr.take() {
            let _ = err.read_to_string(&mut stderr);
        }
        assert!(status.success(), "worker {} failed ({status}):\n{stderr}", self.name);
        let stdout = self.process.stdout.take().expect("worker stdout");
        let line = BufReader::new(stdout).lines().map_while(Result::ok).last().unwrap_or_default();
        serde_json::from_str(&line).unwrap_or_else(|_| panic!("worker {} printed no report: {line:?}\n{stderr}", self.name))
    }
}

impl Fleet {
    fn start(&self, redis: &Redis, vendor: &str) -> Vec<Worker> {
        (0..self.workers)
            .map(|index| {
                let name = format!("w{index}");
                let process = Command::new(env!("CARGO_BIN_EXE_fleet-worker"))
                    .env("FLEET_REDIS", redis.url())
                    .env("FLEET_VENDOR", vendor)
                    .env("FLEET_NAME", &name)
                    .env("FLEET_TASKS", self.tasks.to_string())
                    .env("FLEET_RUN_MS", self.run_for.as_millis().to_string())
                    .env("FLEET_LEASE_MS", self.lease.as_millis().to_string())
                    .env("FLEET_MARGIN", self.margin.to_string())
                    .env("RUST_LOG", "off")
                    .stdout(Stdio::piped())
                    .stderr(Stdio::piped())
                    .spawn()
                    .expect("start a fleet worker");
                Worker { name, process }
            })
            .collect()
    }
}

/// The succeeded and failed calls of the reports, failing the test on any failed call.
fn no_failed_call(reports: &[Value]) -> u64 {
    for report in reports {
        assert_eq!(report["failed"], 0, "a call failed: {report}");
    }
    reports.iter().map(|r| r["succeeded"].as_u64().unwrap_or(0)).sum()
}

/// The shortest gap between two successive token events (refreshes and logins together).
fn closest_renewals(events: &[Event]) -> Option<Duration> {
    let mut times: Vec<Instant> = events.iter().map(|e| e.at).collect();
    times.sort();
    times.windows(2).map(|pair| pair[1] - pair[0]).min()
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().expect("tokio runtime")
}

#[test]
fn a_fleet_logs_in_once_and_refreshes_once_per_lifetime() {
    let _one = one_at_a_time();
    let redis = Redis::start();
    let runtime = runtime();
    let (vendor, server) = runtime.block_on(Vendor::start(Duration::from_secs(2)));
    // Refreshed when half the 2 s lifetime is left: about once a second, for 7 s.
    let fleet = Fleet { workers: 4, tasks: 8, run_for: Duration::from_secs(7), lease: Duration::from_secs(2), margin: 0.5 };
    let workers = fleet.start(&redis, &server.uri());
    let reports: Vec<Value> = workers.into_iter().map(Worker::report).collect();
    let calls = no_failed_call(&reports);

    let sessions = vendor.sessions();
    assert_eq!(sessions.logins.len(), 1, "one login for the whole fleet: {:?}", sessions.logins);
    assert!(sessions.reused.is_empty(), "a rotated refresh token was reused: {:?}", sessions.reused);
    assert_eq!(sessions.refused, 0, "the vendor refused an access token");
    // One refresh per lifetime: 7 s at one a second, give or take the start-up of the replicas.
    let refreshes = sessions.refreshes.len();
    assert!((4..=8).contains(&refreshes), "{refreshes} refreshes in 7 s: {:?}", sessions.refreshes);
    let renewals: Vec<Event> = sessions.logins.iter().chain(&sessions.refreshes).cloned().collect();
    let closest = closest_renewals(&renewals).expect("several renewals");
    assert!(closest > Duration::from_millis(600), "two renewals {closest:?} apart: more than one process renewed the same token");
    let renewers: std::collections::BTreeSet<&str> = sessions.refreshes.iter().map(|e| e.worker.as_str()).collect();
    assert_eq!(sessions.admitted, calls, "every call the replicas counted reached the vendor");
    eprintln!("{calls} calls, {refreshes} refreshes by {renewers:?}, closest renewals {closest:?} apart");

    // What Redis holds reads as no token: the value is sealed.
    let keys = redis.command("KEYS *");
    let token_key = keys.lines().find(|line| line.ends_with(":token")).expect("the store's token key").to_owned();
    assert!(token_key.starts_with("vendor-token:{smartling:"), "{token_key}");
    assert!(!keys.contains("api-user"), "the credential's identity shows in a key: {keys}");
    let stored = redis.command(&format!("HGETALL {token_key}"));
    for secret in sessions.access.iter().map(|(t, _)| t).chain(sessions.refresh.iter().map(|(t, _)| t)) {
        assert!(!stored.contains(secret.as_str()), "Redis holds a token in clear: {stored}");
    }
}

#[test]
fn a_refresher_killed_mid_refresh_is_taken_over_after_its_lease() {
    let _one = one_at_a_time();
    let redis = Redis::start();
    let runtime = runtime();
    // Tokens live 4 s and are refreshed when 3 s are left: a 1 s lease runs out well before.
    let (vendor, server) = runtime.block_on(Vendor::start(Duration::from_secs(4)));
    vendor.sessions().hang_next_refresh = true;
    let lease = Duration::from_secs(1);
    let fleet = Fleet { workers: 3, tasks: 4, run_for: Duration::from_secs(5), lease, margin: 0.75 };
    let mut workers = fleet.start(&redis, &server.uri());

    let deadline = Instant::now() + Duration::from_secs(8);
    let hung = loop {
        if let Some(hung) = vendor.sessions().hung.clone() {
            break hung;
        }
        assert!(Instant::now() < deadline, "no refresh reached the vendor");
        std::thread::sleep(Duration::from_millis(5));
    };
    let victim = workers.iter().position(|w| w.name == hung.worker).expect("the hung refresh names a worker");
    workers.remove(victim).kill();

    let reports: Vec<Value> = workers.into_iter().map(Worker::report).collect();
    no_failed_call(&reports);
    let sessions = vendor.sessions();
    let takeover = sessions.refreshes.first().expect("another replica refreshed").clone();
    assert_ne!(takeover.worker, hung.worker);
    let waited = takeover.at - hung.at;
    assert!(waited >= lease - Duration::from_millis(50), "took over after {waited:?}, before the {lease:?} lease ended");
    assert!(waited < lease + Duration::from_millis(1500), "took over only after {waited:?} (lease {lease:?})");
    assert_eq!(sessions.logins.len(), 1, "{:?}", sessions.logins);
    assert!(sessions.reused.is_empty(), "{:?}", sessions.reused);
    eprintln!("refresh of {} hung and killed; {} took over {waited:?} later", hung.worker, takeover.worker);
}

#[test]
fn redis_stopped_and_started_again_fails_no_call_and_the_fleet_converges() {
    redis_away_for_a_while(|redis| {
        redis.stop();
        std::thread::sleep(Duration::from_millis(2500));
        redis.run();
    });
}

#[test]
fn redis_frozen_for_a_while_fails_no_call_and_the_fleet_converges() {
    redis_away_for_a_while(|redis| {
        redis.freeze(true);
        std::thread::sleep(Duration::from_millis(2500));
        redis.freeze(false);
    });
}

/// Runs a fleet of three replicas for 11 s; `away` takes Redis away two seconds in, for more
/// than a token's lifetime, and brings it back.
fn redis_away_for_a_while(away: impl FnOnce(&mut Redis)) {
    let _one = one_at_a_time();
    let mut redis = Redis::start();
    let runtime = runtime();
    let (vendor, server) = runtime.block_on(Vendor::start(Duration::from_secs(2)));
    let fleet = Fleet { workers: 3, tasks: 4, run_for: Duration::from_secs(11), lease: Duration::from_secs(2), margin: 0.5 };
    let started = Instant::now();
    let workers = fleet.start(&redis, &server.uri());

    std::thread::sleep(Duration::from_secs(2));
    away(&mut redis);
    let back = Instant::now();

    let reports: Vec<Value> = workers.into_iter().map(Worker::report).collect();
    no_failed_call(&reports);
    let sessions = vendor.sessions();
    assert_eq!(sessions.refused, 0, "the vendor refused an access token");
    // Alone, each replica renews on its own; two lifetimes after Redis is back they share
    // one token again: renewals are a lifetime's half apart, not one per replica.
    let settled = back + Duration::from_secs(3);
    let after: Vec<Event> = sessions.logins.iter().chain(&sessions.refreshes).filter(|e| e.at > settled).cloned().collect();
    assert!(after.len() >= 2, "too few renewals after Redis came back to judge: {after:?}");
    let closest = closest_renewals(&after).unwrap_or_default();
    assert!(closest > Duration::from_millis(600), "renewals {closest:?} apart after Redis came back: the fleet did not converge: {after:?}");
    let renewers_while_down: std::collections::BTreeSet<&str> =
        sessions.logins.iter().chain(&sessions.refreshes).filter(|e| e.at > started + Duration::from_secs(2) && e.at < back).map(|e| e.worker.as_str()).collect();
    eprintln!("while Redis was down, {renewers_while_down:?} renewed; after: {} renewals, closest {closest:?}", after.len());
}

/// Sends `MONITOR` on a raw connection and collects what Redis reports of the other clients'
/// commands until `stop` is set.
fn monitor(redis: &Redis) -> (std::thread::JoinHandle<String>, Arc<std::sync::atomic::AtomicBool>) {
    let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let mut stream = TcpStream::connect(("127.0.0.1", redis.port)).expect("connect to redis");
    stream.write_all(b"MONITOR\r\n").expect("send MONITOR");
    stream.set_read_timeout(Some(Duration::from_millis(50))).expect("read timeout");
    let stopping = stop.clone();
    let watcher = std::thread::spawn(move || {
        let mut seen = Vec::new();
        let mut buffer = [0u8; 4096];
        while !stopping.load(std::sync::atomic::Ordering::Relaxed) {
            if let Ok(read) = stream.read(&mut buffer) {
                seen.extend_from_slice(&buffer[..read]);
            }
        }
        String::from_utf8_lossy(&seen).into_owned()
    });
    (watcher, stop)
}

#[test]
fn the_store_fences_a_stale_renewer_releases_only_its_own_lease_and_never_shows_a_token() {
    use vendor_clients::runtime::token::{FleetStore, RedisStore, Token, TokenErrorKind};
    use vendor_clients::runtime::Secret;

    let _one = one_at_a_time();
    let redis = Redis::start();
    let runtime = runtime();
    let key = || Secret::new("store-test-encryption-key-0b7d2e41c9a3".to_owned());
    let store = RedisStore::open(&redis.url(), "infisical", "machine-identity-7", key()).expect("url").lease_time(Duration::from_millis(200));
    let (watcher, stop) = monitor(&redis);
    runtime.block_on(async {
        let stale = store.acquire().await.expect("acquire").expect("the lease is free");
        assert!(store.acquire().await.expect("acquire").is_none(), "a held lease is not granted twice");
        tokio::time::sleep(Duration::from_millis(250)).await;
        let current = store.acquire().await.expect("acquire").expect("the stale lease ran out");
        assert!(current.fence() > stale.fence());

        let newer = Token::new("access-newer-31f0").with_refresh_token("refresh-newer-31f0");
        assert!(store.publish(&current, &newer).await.expect("publish"));
        let older = Token::new("access-stale-8c2a").with_refresh_token("refresh-stale-8c2a");
        assert!(!store.publish(&stale, &older).await.expect("publish"), "a stale renewer overwrote a later token");
        let shared = store.read().await.expect("read").expect("a token");
        assert_eq!(shared.token.access_token().expose(), "access-newer-31f0");
        assert_eq!(shared.fence, current.fence());

        store.release(&stale).await.expect("release");
        assert!(store.acquire().await.expect("acquire").is_none(), "a stale holder released the current lease");
        store.release(&current).await.expect("release");
        assert!(store.acquire().await.expect("acquire").is_some(), "the holder's release ends the lease");

        let other_key = RedisStore::open(&redis.url(), "infisical", "machine-identity-7", Secret::new("another-key-entirely-2f9c".to_owned())).expect("url");
        let error = other_key.read().await.expect_err("a token sealed with another key does not open");
        assert_eq!(error.kind(), TokenErrorKind::Store);
        assert!(error.to_string().contains("encryption key"), "{error}");
        let other_identity = RedisStore::open(&redis.url(), "infisical", "machine-identity-8", key()).expect("url");
        assert!(other_identity.read().await.expect("read").is_none(), "credentials do not share tokens");
    });
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    let monitored = watcher.join().expect("monitor thread");
    assert!(monitored.contains("HSET") || monitored.contains("EVAL"), "MONITOR saw the store's commands: {monitored}");
    for secret in ["access-newer-31f0", "refresh-newer-31f0", "access-stale-8c2a", "refresh-stale-8c2a", "machine-identity-7", "store-test-encryption-key"] {
        assert!(!monitored.contains(secret), "`{secret}` shows in MONITOR: {monitored}");
    }
}
