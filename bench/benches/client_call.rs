//! Client call overhead (issue 14, point 3): one generated operation, Smartling `list_files`
//! (`GET /files-api/v2/projects/{projectId}/files/list`, bearer-authenticated, an enveloped
//! JSON answer of three files), against a minimal local HTTP/1.1 server (hyper, keep-alive, a
//! fixed JSON answer), side by side with:
//!
//! - `client_call/hand_written`: the same request written by hand with `reqwest` (a static
//!   `Authorization: Bearer` header, the status checked, the body read as bytes and decoded with
//!   `serde_json::from_slice` into a hand-written struct, the envelope's code checked);
//! - `client_call/generated_static_token`: the generated client with `rt::Credential::token`;
//! - `client_call/generated_token_manager`: the generated client with a `TokenManager` (an
//!   in-memory token source, a token that lives a day: every measured call is on its hot path).
//!
//! Every client is built once and sends over one kept-alive connection; all of them run on the
//! same current-thread tokio runtime, on the bench thread, while the server runs on its own OS
//! thread and runtime. Before criterion runs, the bench prints the heap allocations per call of
//! each variant (a counting global allocator that counts per thread, so only the client side
//! is counted) and of reference variants and parts of a call (a hand-written call with a
//! timeout, the transport alone, the decoding alone) that explain the differences, and the
//! hand-written call once more through a second client, whose ratio to the first is the noise
//! floor of the comparison; then it times
//! all of them interleaved, round by round, and prints each one's median ratio to the
//! hand-written call of the same round and the bench thread's CPU time per call: on a machine
//! other work also runs on, those ratios hold where criterion's one-after-the-other medians
//! drift. The `decode` group times the decoding alone. With `CLIENT_CALL_PROFILE=<variant>` set,
//! the bench instead runs one variant 20 000 times for a profiler (see `profile`).
//!
//! Run (from the workspace root): `cargo bench -p benchmarks --bench client_call -- --warm-up-time 2 --measurement-time 5`
//! (results, how to read them and what they show: `BENCHMARKS.md`, section 2).
// Bench code: a failed unwrap or index is a broken bench (the lints guard the library).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::convert::Infallible;
use std::hint::black_box;
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use criterion::{criterion_group, Criterion, Throughput};
use http_body_util::Full;
use hyper::body::{Bytes, Incoming};
use hyper::header::{HeaderValue, AUTHORIZATION, CONTENT_TYPE};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Response, StatusCode};
use hyper_util::rt::TokioIo;
use serde::Deserialize;
use tokio::runtime::{Builder, Runtime};
use vendor_clients::chrono::Utc;
use vendor_clients::smartling;
use vendor_runtime as rt;
use vendor_runtime::token::{expiry, Token, TokenError, TokenManager, TokenSource};
use vendor_runtime::ApiClient;

// ---------------------------------------------------------------------------------------------
// Counting allocator: per thread, so that the server thread's allocations are not counted.

struct Counting;

thread_local! {
    // `const` initialisers and no destructor: reading them never allocates, so they are safe
    // to touch from inside the allocator.
    static ALLOCS: Cell<u64> = const { Cell::new(0) };
    static REALLOCS: Cell<u64> = const { Cell::new(0) };
    static BYTES: Cell<u64> = const { Cell::new(0) };
}

fn count(cell: &'static std::thread::LocalKey<Cell<u64>>, by: u64) {
    // `try_with`: a thread being torn down has no locals left; its allocations go uncounted.
    let _ = cell.try_with(|c| c.set(c.get().wrapping_add(by)));
}

// SAFETY: every method forwards to the system allocator unchanged; the counting beside it
// touches only `const` thread-locals without destructors, which neither allocate nor panic.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        count(&ALLOCS, 1);
        count(&BYTES, layout.size() as u64);
        // SAFETY: the caller's contract, passed on.
        unsafe { System.alloc(layout) }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        count(&ALLOCS, 1);
        count(&BYTES, layout.size() as u64);
        // SAFETY: the caller's contract, passed on.
        unsafe { System.alloc_zeroed(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: the caller's contract, passed on.
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        count(&REALLOCS, 1);
        count(&BYTES, new_size.saturating_sub(layout.size()) as u64);
        // SAFETY: the caller's contract, passed on.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// This thread's allocation counters so far.
#[derive(Clone, Copy)]
struct Counts {
    allocs: u64,
    reallocs: u64,
    bytes: u64,
}

impl Counts {
    fn now() -> Self {
        Counts { allocs: ALLOCS.with(Cell::get), reallocs: REALLOCS.with(Cell::get), bytes: BYTES.with(Cell::get) }
    }
}

// ---------------------------------------------------------------------------------------------
// The server: a fixed answer to every request, after checking the path and the token.

const PROJECT_ID: &str = "a1b2c3d4e";
const PATH: &str = "/files-api/v2/projects/a1b2c3d4e/files/list";
const TOKEN: &str = "bench-access-token-0123456789abcdef";
const BEARER: &str = "Bearer bench-access-token-0123456789abcdef";

/// The documented answer of `list_files`, with three files.
const BODY: &[u8] = br#"{"response":{"code":"SUCCESS","data":{"totalCount":"3","items":[{"fileUri":"/myproject/i18n/ui.properties","lastUploaded":"2016-10-21T08:30:22Z","fileType":"javaProperties","hasInstructions":"false"},{"fileUri":"/myproject/i18n/strings.json","lastUploaded":"2016-10-22T09:12:45Z","fileType":"json","hasInstructions":"true"},{"fileUri":"/myproject/docs/guide.docx","lastUploaded":"2016-10-23T17:03:10Z","fileType":"docx","hasInstructions":"false"}]}}}"#;

async fn answer(request: hyper::Request<Incoming>) -> Result<Response<Full<Bytes>>, Infallible> {
    let authorised = request.headers().get(AUTHORIZATION).is_some_and(|value| value.as_bytes() == BEARER.as_bytes());
    let status = match (request.uri().path() == PATH, authorised) {
        (true, true) => StatusCode::OK,
        (false, _) => StatusCode::NOT_FOUND,
        (true, false) => StatusCode::UNAUTHORIZED,
    };
    let body = if status == StatusCode::OK { Bytes::from_static(BODY) } else { Bytes::new() };
    let mut response = Response::new(Full::new(body));
    *response.status_mut() = status;
    response.headers_mut().insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    Ok(response)
}

/// Starts the server on its own thread and runtime; answers with keep-alive, forever.
fn start_server() -> SocketAddr {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.set_nonblocking(true).unwrap();
    let address = listener.local_addr().unwrap();
    std::thread::Builder::new()
        .name("bench-server".into())
        .spawn(move || {
            let runtime = Builder::new_current_thread().enable_io().build().unwrap();
            runtime.block_on(async move {
                let listener = tokio::net::TcpListener::from_std(listener).unwrap();
                loop {
                    let Ok((stream, _)) = listener.accept().await else { continue };
                    let _ = stream.set_nodelay(true);
                    tokio::spawn(async move {
                        let _ = http1::Builder::new().keep_alive(true).serve_connection(TokioIo::new(stream), service_fn(answer)).await;
                    });
                }
            });
        })
        .unwrap();
    address
}

// ---------------------------------------------------------------------------------------------
// The hand-written call.

#[derive(Deserialize)]
struct HandListFiles {
    response: HandResponse,
}

#[derive(Deserialize)]
struct HandResponse {
    code: String,
    data: HandFilesData,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct HandFilesData {
    total_count: String,
    items: Vec<HandFile>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct HandFile {
    file_uri: String,
    last_uploaded: String,
    file_type: String,
    has_instructions: String,
}

type HandError = Box<dyn std::error::Error + Send + Sync>;

struct HandWritten {
    http: reqwest::Client,
    base_url: String,
}

impl HandWritten {
    fn new(base_url: String) -> Self {
        HandWritten { http: reqwest::Client::new(), base_url }
    }

    /// The request and its answer, without decoding it.
    async fn send(&self, project_id: &str) -> Result<Bytes, HandError> {
        let url = format!("{}/files-api/v2/projects/{project_id}/files/list", self.base_url);
        let response = self.http.get(url).bearer_auth(TOKEN).send().await?;
        if response.status() != StatusCode::OK {
            return Err(format!("unexpected status {}", response.status()).into());
        }
        Ok(response.bytes().await?)
    }

    async fn list_files(&self, project_id: &str) -> Result<HandFilesData, HandError> {
        let body = self.send(project_id).await?;
        decode_hand_written(&body)
    }
}

fn decode_hand_written(body: &[u8]) -> Result<HandFilesData, HandError> {
    let answer: HandListFiles = serde_json::from_slice(body)?;
    if answer.response.code != "SUCCESS" {
        return Err(format!("the API answered {}", answer.response.code).into());
    }
    Ok(answer.response.data)
}

// ---------------------------------------------------------------------------------------------
// The generated clients.

/// A token source that never leaves the process; its tokens live a day.
struct Local;

impl TokenSource for Local {
    async fn login(&self) -> Result<Token, TokenError> {
        Ok(Token::new(TOKEN).with_expires_at(expiry::after_seconds(86_400, Utc::now())))
    }

    async fn refresh(&self, _current: &Token) -> Result<Token, TokenError> {
        self.login().await
    }
}

/// What `smartling::ListFilesCall::send` sends, built the same way, for timing the transport
/// without the decoding.
fn generated_request() -> rt::Request {
    rt::Request::new(rt::Method::GET, "/files-api/v2/projects/{projectId}/files/list")
        .operation("smartling", "list_files")
        .path(format!("/files-api/v2/projects/{}/files/list", rt::encode_path_segment(PROJECT_ID)))
        .security(&[&["bearer"]])
        .options(rt::CallOptions::new())
}

/// Everything the bench measures, built once.
struct Setup {
    runtime: Runtime,
    hand: HandWritten,
    /// The hand-written call through a client with a 30 s total timeout, as the generated
    /// clients have by default (`Config::timeout`): what the timeout alone costs.
    hand_with_timeout: HandWritten,
    /// The hand-written call through a second client, on a connection of its own.
    hand_again: HandWritten,
    static_token: smartling::Client,
    token_manager: smartling::Client,
}

/// What one measured call is.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Variant {
    HandWritten,
    GeneratedStaticToken,
    GeneratedTokenManager,
    /// References, for reading the difference: not in the criterion group.
    HandWrittenWithTimeout,
    HandWrittenTransport,
    GeneratedTransport,
    /// The hand-written call again, through a client and connection of its own: how far two
    /// identical calls land apart in these runs (the bench's noise floor).
    HandAgain,
}

impl Variant {
    const MEASURED: [Variant; 3] = [Variant::HandWritten, Variant::GeneratedStaticToken, Variant::GeneratedTokenManager];
    const ALL: [Variant; 7] = [
        Variant::HandWritten,
        Variant::GeneratedStaticToken,
        Variant::GeneratedTokenManager,
        Variant::HandWrittenWithTimeout,
        Variant::HandWrittenTransport,
        Variant::GeneratedTransport,
        Variant::HandAgain,
    ];

    fn name(self) -> &'static str {
        match self {
            Variant::HandWritten => "hand_written",
            Variant::GeneratedStaticToken => "generated_static_token",
            Variant::GeneratedTokenManager => "generated_token_manager",
            Variant::HandWrittenWithTimeout => "hand_written_with_timeout",
            Variant::HandWrittenTransport => "hand_written_transport",
            Variant::GeneratedTransport => "generated_transport",
            Variant::HandAgain => "hand_written_again",
        }
    }

    fn what(self) -> &'static str {
        match self {
            Variant::HandWritten => "reqwest + serde_json, by hand",
            Variant::GeneratedStaticToken => "generated, rt::Credential::token",
            Variant::GeneratedTokenManager => "generated, TokenManager",
            Variant::HandWrittenWithTimeout => "  by hand, client with a 30 s timeout",
            Variant::HandWrittenTransport => "  by hand, send + bytes, no decoding",
            Variant::GeneratedTransport => "  generated HttpClient::send, no decoding",
            Variant::HandAgain => "  by hand again, another client",
        }
    }
}

impl Setup {
    fn new() -> Self {
        let base_url = format!("http://{}", start_server());
        let runtime = Builder::new_current_thread().enable_all().build().unwrap();
        let with_timeout = reqwest::Client::builder().timeout(Duration::from_secs(30)).build().unwrap();
        let setup = Setup {
            hand: HandWritten::new(base_url.clone()),
            hand_with_timeout: HandWritten { http: with_timeout, base_url: base_url.clone() },
            hand_again: HandWritten::new(base_url.clone()),
            static_token: smartling::Client::new(base_url.clone()).with_bearer(rt::Credential::token(TOKEN)),
            token_manager: smartling::Client::new(base_url).with_bearer(TokenManager::new(Local)),
            runtime,
        };
        setup.check();
        setup
    }

    /// Every variant decodes the three files (and so the server accepted its token).
    fn check(&self) {
        self.runtime.block_on(async {
            for hand in [&self.hand, &self.hand_with_timeout] {
                let files = hand.list_files(PROJECT_ID).await.unwrap();
                assert_eq!((files.total_count.as_str(), files.items.len()), ("3", 3));
                assert!(files.items.iter().all(|f| !f.file_uri.is_empty() && !f.last_uploaded.is_empty() && !f.file_type.is_empty() && !f.has_instructions.is_empty()));
            }
            for client in [&self.static_token, &self.token_manager] {
                let files = client.list_files(PROJECT_ID).await.unwrap();
                assert_eq!(files.total_count.as_deref(), Some("3"));
                assert_eq!(files.items.as_ref().map(Vec::len), Some(3));
                assert!(files.additional_properties.is_empty());
            }
        });
    }

    /// `calls` sequential calls of `variant` on the bench thread; their outputs are dropped one
    /// by one, as a caller would. Returns the time they took.
    fn run(&self, variant: Variant, calls: u64) -> Duration {
        self.runtime.block_on(async {
            let start = Instant::now();
            for _ in 0..calls {
                match variant {
                    Variant::HandWritten => drop(black_box(self.hand.list_files(PROJECT_ID).await.unwrap())),
                    Variant::GeneratedStaticToken => drop(black_box(self.static_token.list_files(PROJECT_ID).await.unwrap())),
                    Variant::GeneratedTokenManager => drop(black_box(self.token_manager.list_files(PROJECT_ID).await.unwrap())),
                    Variant::HandWrittenWithTimeout => drop(black_box(self.hand_with_timeout.list_files(PROJECT_ID).await.unwrap())),
                    Variant::HandWrittenTransport => drop(black_box(self.hand.send(PROJECT_ID).await.unwrap())),
                    Variant::GeneratedTransport => drop(black_box(self.static_token.http().send::<()>(generated_request()).await.unwrap())),
                    Variant::HandAgain => drop(black_box(self.hand_again.list_files(PROJECT_ID).await.unwrap())),
                }
            }
            start.elapsed()
        })
    }
}

// ---------------------------------------------------------------------------------------------
// Allocations per call.

const WARM_UP_CALLS: u64 = 200;
const COUNTED_CALLS: u64 = 1000;

/// Allocations, reallocations and bytes allocated on this thread per call of `call`, after a
/// warm-up.
fn allocations_per_call(call: impl Fn(u64)) -> (f64, f64, f64) {
    call(WARM_UP_CALLS);
    let before = Counts::now();
    call(COUNTED_CALLS);
    let after = Counts::now();
    let per_call = |a: u64, b: u64| (a - b) as f64 / COUNTED_CALLS as f64;
    (per_call(after.allocs, before.allocs), per_call(after.reallocs, before.reallocs), per_call(after.bytes, before.bytes))
}

/// The decoding the generated call does after the transport, on the same answer.
fn generated_decode(headers: &hyper::HeaderMap) -> rt::ResponseValue<smartling::FilesData> {
    let raw = rt::RawResponse { status: StatusCode::OK, headers: headers.clone(), body: Bytes::from_static(BODY), earlier: Vec::new() };
    raw.enveloped::<_, smartling::ListFilesError>(&smartling::ENVELOPE).unwrap()
}

/// `f`, `calls` times: a synchronous step measured on its own.
fn each(f: impl Fn()) -> impl Fn(u64) {
    move |calls| {
        for _ in 0..calls {
            f();
        }
    }
}

fn print_allocations(setup: &Setup) {
    // The answer's headers as the client receives them, for the decode-only row (the
    // `RawResponse` it decodes owns a copy of them: two allocations the call itself does not make).
    let headers = setup.runtime.block_on(async { setup.static_token.http().send::<()>(generated_request()).await.unwrap().headers });
    let mut rows: Vec<(String, (f64, f64, f64))> = Variant::ALL.iter().map(|&v| (format!("{:<26}{}", v.name(), v.what()), allocations_per_call(|calls| { setup.run(v, calls); }))).collect();
    rows.push(("  decode only, by hand (serde_json::from_slice)".into(), allocations_per_call(each(|| drop(black_box(decode_hand_written(BODY).unwrap()))))));
    rows.push(("  decode only, generated (RawResponse::enveloped)".into(), allocations_per_call(each(|| drop(black_box(generated_decode(&headers)))))));
    rows.push(("  decode only, generated types, from_slice".into(), allocations_per_call(each(|| drop(black_box(serde_json::from_slice::<smartling::ListFilesResponse>(BODY).unwrap()))))));
    eprintln!();
    eprintln!("Heap allocations per call on the client thread ({COUNTED_CALLS} calls after {WARM_UP_CALLS} of warm-up):");
    eprintln!("{:<72} {:>7} {:>9} {:>8}", "variant", "allocs", "reallocs", "bytes");
    for (name, (allocs, reallocs, bytes)) in rows {
        eprintln!("{name:<72} {allocs:>7.2} {reallocs:>9.2} {bytes:>8.0}");
    }
    // A generated call is an `rt::Call`: its transport's future is boxed once, inside it.
    eprintln!(
        "Futures: generated `list_files(..)`, an `rt::Call`, {} bytes (its attempts boxed once inside it); hand-written `list_files` {} bytes.",
        std::mem::size_of_val(&setup.static_token.list_files(PROJECT_ID).send()),
        std::mem::size_of_val(&setup.hand.list_files(PROJECT_ID)),
    );
}

// ---------------------------------------------------------------------------------------------
// Interleaved timing: the variants in turns, so that load from elsewhere on the machine falls
// on all of them alike; each round's time of a variant is compared with the hand-written one's
// of the same round.

const ROUNDS: usize = 41;
const CALLS_PER_TURN: u64 = 250;

/// This thread's time on a CPU so far, in nanoseconds (`/proc/thread-self/schedstat`; Linux).
fn thread_cpu_ns() -> Option<u64> {
    std::fs::read_to_string("/proc/thread-self/schedstat").ok()?.split_whitespace().next()?.parse().ok()
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values.get(values.len() / 2).copied().unwrap_or(f64::NAN)
}

fn print_interleaved(setup: &Setup) {
    let variants = Variant::ALL;
    let mut wall: Vec<Vec<f64>> = vec![Vec::new(); variants.len()];
    let mut cpu: Vec<Vec<f64>> = vec![Vec::new(); variants.len()];
    for round in 0..ROUNDS {
        for turn in 0..variants.len() {
            // A different variant starts each round.
            let index = (round + turn) % variants.len();
            let cpu_before = thread_cpu_ns();
            let elapsed = setup.run(variants[index], CALLS_PER_TURN);
            wall[index].push(elapsed.as_secs_f64() * 1e6 / CALLS_PER_TURN as f64);
            if let (Some(before), Some(after)) = (cpu_before, thread_cpu_ns()) {
                cpu[index].push((after - before) as f64 / 1e3 / CALLS_PER_TURN as f64);
            }
        }
    }
    let hand_index = variants.iter().position(|&v| v == Variant::HandWritten).unwrap();
    let hand = wall[hand_index].clone();
    eprintln!();
    eprintln!("Interleaved timing, {ROUNDS} rounds of {CALLS_PER_TURN} calls per variant (medians; \"vs hand\" is the median of each round's ratio):");
    eprintln!("{:<72} {:>9} {:>10} {:>8}", "variant", "µs/call", "client CPU", "vs hand");
    for (index, variant) in variants.iter().enumerate() {
        let ratios: Vec<f64> = wall[index].iter().zip(&hand).map(|(v, h)| v / h).collect();
        let cpu_median = if cpu[index].is_empty() { "-".to_owned() } else { format!("{:.1}", median(cpu[index].clone())) };
        eprintln!(
            "{:<72} {:>9.1} {:>10} {:>+7.1}%",
            format!("{:<26}{}", variant.name(), variant.what()),
            median(wall[index].clone()),
            cpu_median,
            (median(ratios) - 1.0) * 100.0
        );
    }
    eprintln!();
}

// ---------------------------------------------------------------------------------------------
// Criterion.

fn client_call(c: &mut Criterion) {
    let setup = Setup::new();
    print_allocations(&setup);
    print_interleaved(&setup);
    let mut group = c.benchmark_group("client_call");
    group.throughput(Throughput::Elements(1));
    for variant in Variant::MEASURED {
        group.bench_function(variant.name(), |b| b.iter_custom(|iters| setup.run(variant, iters)));
    }
    group.finish();
}

/// The decoding alone, on the same answer, hot in the caches (in a call it is not).
fn decode(c: &mut Criterion) {
    let headers = {
        let mut headers = hyper::HeaderMap::new();
        headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
        headers.insert("content-length", HeaderValue::from(BODY.len()));
        headers.insert("date", HeaderValue::from_static("Thu, 01 Jan 2026 00:00:00 GMT"));
        headers
    };
    let mut group = c.benchmark_group("decode");
    group.throughput(Throughput::Elements(1));
    group.bench_function("hand_written_struct", |b| b.iter(|| decode_hand_written(black_box(BODY)).unwrap()));
    group.bench_function("generated_enveloped", |b| b.iter(|| generated_decode(black_box(&headers))));
    group.bench_function("generated_types_from_slice", |b| b.iter(|| serde_json::from_slice::<smartling::ListFilesResponse>(black_box(BODY)).unwrap()));
    group.finish();
}

/// `CLIENT_CALL_PROFILE=<variant>`: one variant, 20 000 calls, no criterion, for a profiler
/// (`perf record`, `heaptrack`, `strace -c`) to look at.
fn profile(name: &str) {
    let Some(variant) = Variant::ALL.into_iter().find(|v| v.name() == name) else {
        let names: Vec<&str> = Variant::ALL.iter().map(|v| v.name()).collect();
        panic!("CLIENT_CALL_PROFILE: no variant `{name}` ({})", names.join(", "));
    };
    let setup = Setup::new();
    let calls = 20_000;
    let cpu_before = thread_cpu_ns();
    let elapsed = setup.run(variant, calls);
    let cpu = thread_cpu_ns().zip(cpu_before).map(|(after, before)| format!(", client thread on a CPU {:.1} µs per call", (after - before) as f64 / 1e3 / calls as f64));
    eprintln!("{name}: {calls} calls, {:.1} µs per call{}", elapsed.as_secs_f64() * 1e6 / calls as f64, cpu.unwrap_or_default());
}

criterion_group!(benches, client_call, decode);

fn main() {
    if let Ok(variant) = std::env::var("CLIENT_CALL_PROFILE") {
        profile(&variant);
        return;
    }
    benches();
    Criterion::default().configure_from_args().final_summary();
}
