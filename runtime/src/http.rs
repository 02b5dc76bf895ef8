//! Sending a request and decoding its answer, for every generated operation.
//!
//! One place holds the transport policy: timeouts ([`Config`]), bounded retries with
//! exponential backoff and jitter, the rule that credentials never travel over plain `http://`
//! to a remote host, and one `tracing` span per call. Decoding is [`RawResponse`]'s: a typed
//! body, an envelope's payload, a documented error, or an unexpected answer kept whole.

use std::borrow::Cow;
use std::fmt;
use std::future::Future;
use std::ops::Deref;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use reqwest::header::{HeaderMap, HeaderValue, CONTENT_TYPE, COOKIE, RETRY_AFTER};
use reqwest::{Method, StatusCode};
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;

use super::params::{self, QueryStyle};
use super::{CallOptions, Error, Multipart};
use crate::auth::{Authenticator, Credential, Scheme, Waiting};
use crate::hook::{BoxFuture, Hook, HookError, Issued, Outgoing, Received, Verdict};

mod at_path;
mod call;

pub use call::Call;

/// Transport settings of a client; every field has a default fit for token endpoints.
///
/// ```
/// use std::time::Duration;
/// use vendor_runtime::Config;
/// let config = Config { timeout: Duration::from_secs(5), ..Config::default() };
/// assert_eq!(config.retry.max_attempts, 3);
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Config {
    /// How long connecting may take (per client: it configures the connection pool).
    pub connect_timeout: Duration,
    /// How long a whole request may take, from sending to the last body byte.
    pub timeout: Duration,
    pub retry: RetryPolicy,
    /// Allows sending requests over plain `http://` to hosts other than loopback. Off by
    /// default: every call of these APIs carries a credential.
    pub allow_insecure_http: bool,
    /// The largest answer body read into memory, in bytes; a larger one is
    /// [`Error::ResponseTooLarge`], with its status and headers. 32 MiB by default: far above
    /// any JSON answer, low enough that a broken or hostile server cannot exhaust memory.
    pub max_response_bytes: usize,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            connect_timeout: Duration::from_secs(10),
            timeout: Duration::from_secs(30),
            retry: RetryPolicy::default(),
            allow_insecure_http: false,
            max_response_bytes: 32 * 1024 * 1024,
        }
    }
}

/// When a request is sent again.
///
/// Only answers that prove the server did not act on the request are retried: a connection
/// that was never established, `429 Too Many Requests` and `503 Service Unavailable`. A
/// timeout or a dropped connection after sending is **not** retried for methods that are not
/// idempotent (every token endpoint is a `POST`): a refresh that reached the server may have
/// rotated the refresh token, and replaying it would burn the new one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Attempts in all, the first included; 1 disables retries.
    pub max_attempts: u32,
    /// The delay before the first retry; each further retry doubles it, up to `max_backoff`.
    /// The actual delay is drawn uniformly between half of it and all of it (jitter).
    pub initial_backoff: Duration,
    pub max_backoff: Duration,
    /// The longest `Retry-After` honoured; a server asking for more is not retried.
    pub max_retry_after: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 3,
            initial_backoff: Duration::from_millis(200),
            max_backoff: Duration::from_secs(5),
            max_retry_after: Duration::from_secs(60),
        }
    }
}

impl RetryPolicy {
    /// A policy that never retries.
    pub fn never() -> Self {
        RetryPolicy { max_attempts: 1, ..RetryPolicy::default() }
    }

    /// The backoff before retry number `retry` (1-based), with jitter.
    fn backoff(&self, retry: u32) -> Duration {
        let doubled = self.initial_backoff.saturating_mul(2u32.saturating_pow(retry.saturating_sub(1)));
        let ceiling = doubled.min(self.max_backoff);
        ceiling.mul_f64(0.5 + fastrand::f64() * 0.5)
    }
}

/// A base URL, a `reqwest` client, a [`Config`], the client's credentials and its hooks;
/// shared by every generated `Client`.
#[derive(Clone)]
pub struct HttpClient {
    base_url: String,
    /// `base_url` parsed once, when appending a path is all a call needs of it (it has no query
    /// or fragment): a call then parses only its own path, not the scheme and host again.
    base: Option<reqwest::Url>,
    http: reqwest::Client,
    config: Config,
    auth: Authenticator,
    hooks: Vec<Arc<dyn Hook>>,
    /// The total timeout `http` was built with, if this crate built it: a request whose
    /// timeout is that one needs none of its own (which `reqwest` keeps in a map per request).
    built_timeout: Option<Duration>,
}

impl fmt::Debug for HttpClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HttpClient")
            .field("base_url", &self.base_url)
            .field("config", &self.config)
            .field("auth", &self.auth)
            .field("hooks", &self.hooks.len())
            .finish_non_exhaustive()
    }
}

/// Why one attempt did not get an answer.
/// A failure that carries no operation's typed error body: what the transport returns, made
/// an operation's [`Error`] by [`Error::retype`].
type Untyped = Error<std::convert::Infallible>;

enum Failure {
    Transport(reqwest::Error),
    Hook(HookError),
}

impl Failure {
    fn into_error(self) -> Untyped {
        match self {
            Failure::Transport(e) if e.is_timeout() => Error::Timeout(e),
            Failure::Transport(e) => Error::Transport(e),
            Failure::Hook(HookError::Auth(e)) => Error::Auth(e),
            Failure::Hook(HookError::Other(e)) => Error::Hook(e),
        }
    }
}

impl HttpClient {
    /// A client with its own connection pool, configured from `config`. It follows
    /// redirects within the base URL's origin (scheme, host and port) only: a redirect to
    /// another origin is handed back as the answer it is, so the client's credentials never
    /// travel to a host it was not given.
    pub fn new(base_url: impl Into<String>, config: Config) -> Self {
        let (base_url, parsed) = parse_base(base_url.into());
        let origin = parsed.as_ref().map(reqwest::Url::origin);
        let http = reqwest::Client::builder()
            .connect_timeout(config.connect_timeout)
            .timeout(config.timeout)
            .redirect(reqwest::redirect::Policy::custom(move |attempt| {
                if attempt.previous().len() >= 10 {
                    attempt.error("more than 10 redirects")
                } else if Some(attempt.url().origin()) == origin {
                    attempt.follow()
                } else {
                    attempt.stop()
                }
            }))
            .build();
        let timeout = config.timeout;
        match http {
            Ok(http) => HttpClient { built_timeout: Some(timeout), ..Self::from_parts(base_url, parsed, http, config) },
            Err(_) => Self::from_parts(base_url, parsed, reqwest::Client::new(), config),
        }
    }

    /// A client sending through `http`, configured by the caller; `config` adds the total
    /// timeout, retries and the plain-HTTP rule. Its redirect policy is the caller's: give it
    /// `reqwest::redirect::Policy::none()` (or one that stays within the origin) when the API
    /// takes credentials other than an `Authorization` header.
    pub fn with_http_client(base_url: impl Into<String>, http: reqwest::Client, config: Config) -> Self {
        let (base_url, parsed) = parse_base(base_url.into());
        Self::from_parts(base_url, parsed, http, config)
    }

    /// A client of `base_url`, already parsed (`parsed`, if it parses).
    fn from_parts(base_url: String, parsed: Option<reqwest::Url>, http: reqwest::Client, config: Config) -> Self {
        let base = parsed.filter(|url| !url.cannot_be_a_base() && url.query().is_none() && url.fragment().is_none());
        HttpClient { base_url, base, http, config, auth: Authenticator::default(), hooks: Vec::new(), built_timeout: None }
    }

    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    pub fn config(&self) -> &Config {
        &self.config
    }

    /// The same client (sharing its connection pool) with another configuration, e.g. a
    /// shorter timeout for one call.
    pub fn with_config(&self, config: Config) -> Self {
        HttpClient { config, ..self.clone() }
    }

    /// The same client, authenticating the operations that name the security scheme `name`
    /// with `credential`, written as `scheme` says (see [`crate::auth`]).
    pub fn with_credential(&self, name: &'static str, scheme: Scheme, credential: Credential) -> Self {
        HttpClient { auth: self.auth.with(name, scheme, credential), ..self.clone() }
    }

    /// The same client, with `hook` seeing every request and answer after the hooks it has.
    pub fn with_hook(&self, hook: impl Hook + 'static) -> Self {
        let mut hooks = self.hooks.clone();
        hooks.push(Arc::new(hook));
        HttpClient { hooks, ..self.clone() }
    }

    /// Sends `request`, retrying as [`RetryPolicy`] allows, and reads the whole answer.
    ///
    /// Generic in the operation's error type only at the edge ([`Call`]): the transport below
    /// is compiled once for every operation, not once per operation (it was an eighth of
    /// Stripe's module).
    pub fn send<E>(&self, request: Request) -> Call<'_, RawResponse, E> {
        self.call(request, Ok)
    }

    /// Sends `request` as [`send`](Self::send) does, and decodes the answer with `decode`: what
    /// a generated operation does, with its own decoding.
    pub fn call<T, E>(&self, request: Request, decode: fn(RawResponse) -> Result<T, Error<E>>) -> Call<'_, T, E> {
        let (attempts, span) = self.start(request);
        Call::new(attempts, span, decode)
    }

    /// The call's span and its attempts, boxed once (not generic: one copy for every
    /// operation).
    fn start(&self, request: Request) -> (call::Attempts<'_>, tracing::Span) {
        let span = tracing::info_span!(
            "api_call",
            api = request.api,
            operation = request.operation,
            method = %request.method,
            path = request.path_template,
            status = tracing::field::Empty,
            attempt = tracing::field::Empty,
            duration_ms = tracing::field::Empty,
        );
        (Box::pin(self.attempts(request, span.clone())), span)
    }

    /// Sends `request` once (retrying only a connection that was never established, and once
    /// more when a hook asks, e.g. after a `401`) and, for a 2xx answer, hands back its body as
    /// it arrives: for downloads larger than [`Config::max_response_bytes`]. Any other answer
    /// is read whole, for the operation to decode as an error. The total timeout covers the
    /// whole download.
    pub async fn send_streaming<E>(&self, request: Request) -> Result<Streamed, Error<E>> {
        self.send_streaming_untyped(&request).await.map_err(Error::retype)
    }

    async fn send_streaming_untyped(&self, request: &Request) -> Result<Streamed, Untyped> {
        let url = self.checked_url(request)?;
        let body = request.encoded_body()?;
        let policy = &self.config.retry;
        let mut attempt = 1;
        let mut earlier = Vec::new();
        loop {
            let outgoing = self.outgoing(request, url.clone(), body.clone()).await.map_err(Failure::into_error)?;
            let (sending, sent) = self.execute(outgoing).map_err(Failure::into_error)?;
            let response = match sending.await.map_err(Failure::Transport) {
                Err(Failure::Transport(e)) if e.is_connect() && attempt < policy.max_attempts => {
                    tokio::time::sleep(policy.backoff(attempt)).await;
                    attempt += 1;
                    continue;
                }
                Err(failure) => return Err(failure.into_error()),
                Ok(response) => response,
            };
            if response.status().is_success() {
                let received = Received { status: response.status(), headers: response.headers(), body: None, may_send_again: false };
                self.verdict(request.operation, &sent, &received).await;
                return Ok(Streamed::Body(ByteStream { response }));
            }
            let mut whole = match read_whole(std::future::ready(Ok(response)), self.config.max_response_bytes).await {
                Ok(Answer::Whole(whole)) => whole,
                Ok(Answer::TooLarge { status, headers }) => return Err(Error::ResponseTooLarge { status, headers, limit: self.config.max_response_bytes }),
                Err(e) => return Err(Failure::Transport(e).into_error()),
            };
            let received = Received { status: whole.status, headers: &whole.headers, body: Some(&whole.body), may_send_again: earlier.is_empty() };
            if self.verdict(request.operation, &sent, &received).await == Verdict::SendAgain && earlier.is_empty() {
                earlier.push(whole.status);
                continue;
            }
            whole.earlier = earlier;
            return Ok(Streamed::Whole(whole));
        }
    }

    fn url(&self, request: &Request) -> Result<reqwest::Url, Untyped> {
        let path = &request.path;
        let mut url = match &self.base {
            // A path of the document's (already percent-encoded): only the path is parsed.
            Some(base) if path.starts_with('/') && !path.contains(['?', '#']) => {
                let mut url = base.clone();
                match base.path().trim_end_matches('/') {
                    "" => url.set_path(path),
                    prefix => url.set_path(&[prefix, path].concat()),
                }
                url
            }
            // Anything else (a base URL that does not parse, a path with its own query) is
            // parsed whole, as written.
            _ => {
                let text = [self.base_url.as_str(), path].concat();
                reqwest::Url::parse(&text).map_err(|e| Error::InvalidRequest(format!("`{text}` is not a valid URL: {e}")))?
            }
        };
        if url.scheme() == "http" && !self.config.allow_insecure_http && !is_loopback(&url) {
            return Err(Error::InvalidRequest(format!(
                "refusing to send credentials over plain http to {}; use https, or set Config::allow_insecure_http",
                url.host_str().unwrap_or_default()
            )));
        }
        if !request.query.is_empty() {
            // Already percent-encoded by `params`; `set_query` encodes nothing it wrote.
            match url.query().filter(|query| !query.is_empty()) {
                Some(given) => {
                    let whole = format!("{given}&{}", request.query);
                    url.set_query(Some(&whole));
                }
                None => url.set_query(Some(&request.query)),
            }
        }
        Ok(url)
    }

    /// The attempts of one call, each recorded on `span`.
    ///
    /// Its future is what [`Call`] boxes, once per call, so it is kept small (880 bytes, within
    /// the sizes the allocator keeps at hand per thread): across its waits it holds only what
    /// every call needs; an attempt's request is not kept beside what is kept of it once sent
    /// ([`Sent`]); and what only some calls need (a token to wait for, the caller's hooks, a
    /// `401` to renew, a retry) is awaited as a boxed `dyn Future`, so that neither its state
    /// nor its code is inlined here.
    #[allow(
        clippy::manual_async_fn,
        reason = "an `async fn` moves its arguments into places of its own on the first poll: its future would keep `request` and `span` twice (1232 bytes against 880)"
    )]
    fn attempts(&self, request: Request, span: tracing::Span) -> impl Future<Output = Result<RawResponse, Untyped>> + Send + '_ {
        async move {
            let request = &request;
            let mut attempt = 1;
            // Statuses answered before the final one; a hook may have the call sent again once.
            let mut earlier = Vec::new();
            let mut sent_again = false;
            loop {
                span.record("attempt", attempt);
                // The attempt is built in a block of its own, the URL and the body taken anew
                // (the body's bytes are shared), so that none of it is kept across the answer's
                // waits beside what is kept of it (`sent`).
                let (sending, sent) = {
                    let url = self.checked_url(request)?;
                    let (mut outgoing, waiting) = self.prepared(request, url, request.encoded_body()?).map_err(Failure::into_error)?;
                    if waiting.is_some() || !self.hooks.is_empty() {
                        let before_send: BoxFuture<'_, Result<(), Failure>> = Box::pin(self.before_send(&mut outgoing, waiting));
                        before_send.await.map_err(Failure::into_error)?;
                    }
                    // A request the hooks left unsendable is not retried.
                    self.execute(outgoing).map_err(Failure::into_error)?
                };
                // In a block of its own, so that the answer is not kept across the pause.
                let delay = {
                    let outcome = match read_whole(sending, self.config.max_response_bytes).await {
                        Ok(Answer::Whole(response)) => Ok(response),
                        Ok(Answer::TooLarge { status, headers }) => {
                            return Err(Error::ResponseTooLarge { status, headers, limit: self.config.max_response_bytes });
                        }
                        Err(e) => Err(Failure::Transport(e)),
                    };
                    if let Ok(response) = &outcome {
                        let received = Received { status: response.status, headers: &response.headers, body: Some(&response.body), may_send_again: !sent_again };
                        if !self.hooks.is_empty() || Authenticator::may_renew(sent.issued(), &received) {
                            let verdict: BoxFuture<'_, Verdict> = Box::pin(self.verdict(request.operation, &sent, &received));
                            if verdict.await == Verdict::SendAgain && !sent_again {
                                sent_again = true;
                                earlier.push(response.status);
                                continue;
                            }
                        }
                    }
                    match self.retry_delay(request, &outcome, attempt) {
                        Some(delay) => {
                            if let Ok(response) = &outcome {
                                earlier.push(response.status);
                            }
                            delay
                        }
                        None => {
                            return match outcome {
                                Ok(mut response) => {
                                    response.earlier = earlier;
                                    Ok(response)
                                }
                                Err(failure) => Err(failure.into_error()),
                            };
                        }
                    }
                };
                let pause: BoxFuture<'_, ()> = Box::pin(tokio::time::sleep(delay));
                pause.await;
                attempt += 1;
            }
        }
    }

    /// The URL of `request`, once no problem was found while building it.
    fn checked_url(&self, request: &Request) -> Result<reqwest::Url, Untyped> {
        if let Some(why) = &request.problem {
            return Err(Error::InvalidRequest(why.clone()));
        }
        self.url(request)
    }

    /// How long to wait before sending `request` again after attempt number `attempt` had
    /// `outcome`, if it is to be sent again.
    fn retry_delay(&self, request: &Request, outcome: &Result<RawResponse, Failure>, attempt: u32) -> Option<Duration> {
        let policy = &self.config.retry;
        let delay = match outcome {
            Ok(response) => response.retry_delay(policy),
            Err(Failure::Transport(e)) if e.is_connect() => Some(policy.backoff(attempt)),
            Err(Failure::Transport(e)) if (e.is_timeout() || e.is_request()) && (request.replayable || is_idempotent(&request.method)) => {
                Some(policy.backoff(attempt))
            }
            Err(_) => None,
        };
        let delay = delay.filter(|_| attempt < policy.max_attempts)?;
        tracing::debug!(attempt, delay_ms = delay.as_millis() as u64, "retrying");
        Some(delay)
    }

    /// One attempt of `request`, built and passed through every hook's `before_send`:
    /// authentication first, then the caller's hooks in the order they were added.
    async fn outgoing(&self, request: &Request, url: reqwest::Url, body: Option<Body>) -> Result<Outgoing, Failure> {
        let (mut outgoing, waiting) = self.prepared(request, url, body)?;
        self.before_send(&mut outgoing, waiting).await?;
        Ok(outgoing)
    }

    /// One attempt of `request`, built, with the credentials that are at hand written into it;
    /// [`before_send`](Self::before_send) does the rest. (Authentication is called directly
    /// rather than as a `dyn Hook`, which would box its future on every attempt.)
    fn prepared(&self, request: &Request, url: reqwest::Url, body: Option<Body>) -> Result<(Outgoing, Option<Waiting<'_>>), Failure> {
        let built = self.prepare(request, url, body).build().map_err(Failure::Transport)?;
        let mut outgoing = Outgoing { request: built, api: request.api, operation: request.operation, security: request.security, issued: Issued::default() };
        let waiting = self.auth.attach_ready(&mut outgoing).map_err(Failure::Hook)?;
        Ok((outgoing, waiting))
    }

    /// What [`prepared`](Self::prepared) left of the hooks' `before_send`: a token to wait for,
    /// then the caller's hooks in the order they were added.
    async fn before_send(&self, outgoing: &mut Outgoing, waiting: Option<Waiting<'_>>) -> Result<(), Failure> {
        if let Some(waiting) = waiting {
            self.auth.attach_waiting(outgoing, waiting).await.map_err(Failure::Hook)?;
        }
        for hook in &self.hooks {
            hook.before_send(outgoing).await.map_err(Failure::Hook)?;
        }
        Ok(())
    }

    /// Sends one attempt, and hands back what its answer's verdict needs of it.
    fn execute(&self, outgoing: Outgoing) -> Result<(impl Future<Output = Result<reqwest::Response, reqwest::Error>>, Sent), Failure> {
        if self.hooks.is_empty() {
            // No hook of the caller's will see the attempt, and authentication reads only the
            // tokens it issued: the request itself is sent, and only those are kept.
            let Outgoing { request, issued, .. } = outgoing;
            return Ok((self.http.execute(request), Sent::Issued(issued)));
        }
        let Some(copy) = outgoing.request.try_clone() else {
            return Err(Failure::Hook(HookError::other("a hook replaced the request body with one that cannot be sent twice")));
        };
        Ok((self.http.execute(copy), Sent::Attempt(Box::new(outgoing))))
    }

    /// Every hook's verdict on an answer, authentication's first: sent again if any of them asks.
    async fn verdict(&self, operation: &str, sent: &Sent, received: &Received<'_>) -> Verdict {
        let mut verdict = self.auth.renew_rejected(sent.issued(), operation, received).await;
        if let Sent::Attempt(outgoing) = sent {
            for hook in &self.hooks {
                if hook.after_receive(outgoing, received).await == Verdict::SendAgain {
                    verdict = Verdict::SendAgain;
                }
            }
        }
        verdict
    }

    /// The `reqwest` request of `request`: its headers, cookies, body and timeout.
    fn prepare(&self, request: &Request, url: reqwest::Url, body: Option<Body>) -> reqwest::RequestBuilder {
        let mut builder = self.http.request(request.method.clone(), url);
        let timeout = request.timeout.unwrap_or(self.config.timeout);
        if self.built_timeout != Some(timeout) {
            builder = builder.timeout(timeout);
        }
        // One `Cookie` header (RFC 6265 §5.4): cookies set as headers join the cookie parameters.
        let mut set_cookies: Option<String> = None;
        for (name, value) in &request.headers {
            if name.eq_ignore_ascii_case("cookie") && !request.cookies.is_empty() {
                match &mut set_cookies {
                    Some(joined) => {
                        joined.push_str("; ");
                        joined.push_str(value);
                    }
                    None => set_cookies = Some(value.clone()),
                }
                continue;
            }
            builder = builder.header(name.as_str(), value.as_str());
        }
        match set_cookies {
            Some(joined) => builder = builder.header(COOKIE, format!("{joined}; {}", request.cookies)),
            None if !request.cookies.is_empty() => builder = builder.header(COOKIE, request.cookies.as_str()),
            None => {}
        }
        if let Some(body) = body {
            builder = builder.header(CONTENT_TYPE, body.content_type).body(body.bytes);
        }
        builder
    }
}

/// `base_url` without its trailing slashes (a path is appended to it), and parsed, if it parses.
fn parse_base(mut base_url: String) -> (String, Option<reqwest::Url>) {
    while base_url.ends_with('/') {
        base_url.pop();
    }
    let parsed = reqwest::Url::parse(&base_url).ok();
    (base_url, parsed)
}

/// Waits for the answer `sending` brings and reads it whole, up to the size cap, `limit` bytes.
async fn read_whole(sending: impl Future<Output = Result<reqwest::Response, reqwest::Error>> + Send, limit: usize) -> Result<Answer, reqwest::Error> {
    let mut response = sending.await?;
    let status = response.status();
    // The headers stay in `response` until it has been read (not kept beside it across the
    // reads), and are then moved out, not copied.
    let headers = |response: &mut reqwest::Response| std::mem::take(response.headers_mut());
    // Read up to the cap, chunk by chunk: a declared length over it fails before reading.
    let declared = response.content_length();
    if declared.is_some_and(|length| length > limit as u64) {
        return Ok(Answer::TooLarge { status, headers: headers(&mut response) });
    }
    // A body that arrives in one chunk (most JSON answers) is kept as that chunk, without a
    // copy; from a second chunk on, they are joined.
    let mut first: Option<Bytes> = None;
    let mut joined: Vec<u8> = Vec::new();
    let mut length = 0usize;
    while let Some(chunk) = response.chunk().await? {
        length = length.saturating_add(chunk.len());
        if length > limit {
            return Ok(Answer::TooLarge { status, headers: headers(&mut response) });
        }
        match first.take() {
            None if joined.is_empty() => first = Some(chunk),
            Some(earlier) => {
                let expected = declared.and_then(|d| usize::try_from(d).ok()).unwrap_or(length).min(limit);
                joined.reserve(expected.max(length));
                joined.extend_from_slice(&earlier);
                joined.extend_from_slice(&chunk);
            }
            None => joined.extend_from_slice(&chunk),
        }
    }
    let body = first.unwrap_or_else(|| Bytes::from(joined));
    Ok(Answer::Whole(RawResponse { status, headers: headers(&mut response), body, earlier: Vec::new() }))
}

/// What [`HttpClient::send_streaming`] received: a success body to read as it arrives, or
/// another answer, whole.
pub enum Streamed {
    Body(ByteStream),
    Whole(RawResponse),
}

/// A success answer whose body is read chunk by chunk, as it arrives.
#[derive(Debug)]
pub struct ByteStream {
    response: reqwest::Response,
}

impl ByteStream {
    pub fn status(&self) -> StatusCode {
        self.response.status()
    }

    pub fn headers(&self) -> &HeaderMap {
        self.response.headers()
    }

    /// The length the server announced, if it did.
    pub fn content_length(&self) -> Option<u64> {
        self.response.content_length()
    }

    /// The next chunk of the body, or `None` at its end.
    pub async fn chunk(&mut self) -> Result<Option<Bytes>, Error<()>> {
        self.response.chunk().await.map_err(|e| if e.is_timeout() { Error::Timeout(e) } else { Error::Transport(e) })
    }
}

/// What one attempt received: the whole answer, or the start of one over the size cap.
/// What is kept of an attempt once it is sent, for the verdict on its answer.
enum Sent {
    /// No hook of the caller's will see the attempt: only the tokens authentication issued for
    /// it, which it renews after a `401`.
    Issued(Issued),
    /// The attempt itself (a copy of its request was sent), for the caller's hooks to see.
    /// Boxed: the usual call has no hooks, and its future need not hold room for this one.
    Attempt(Box<Outgoing>),
}

impl Sent {
    fn issued(&self) -> &Issued {
        match self {
            Sent::Issued(issued) => issued,
            Sent::Attempt(outgoing) => &outgoing.issued,
        }
    }
}

enum Answer {
    Whole(RawResponse),
    TooLarge { status: StatusCode, headers: HeaderMap },
}

/// An encoded request body with its media type.
#[derive(Debug, Clone)]
struct Body {
    content_type: HeaderValue,
    bytes: Bytes,
}

fn is_idempotent(method: &Method) -> bool {
    matches!(*method, Method::GET | Method::HEAD | Method::PUT | Method::DELETE | Method::OPTIONS | Method::TRACE)
}

pub(crate) fn is_loopback(url: &reqwest::Url) -> bool {
    match url.host() {
        Some(url::Host::Domain(name)) => name.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    }
}

/// One request of a generated operation, before it is sent.
#[derive(Debug)]
pub struct Request {
    method: Method,
    /// The template itself until [`Request::path`] fills its parameters.
    path: Cow<'static, str>,
    /// The documented path, with `{parameters}` unfilled: what traces show.
    path_template: &'static str,
    api: &'static str,
    operation: &'static str,
    /// The query string, percent-encoded (`a=1&b=2`), without the `?`.
    query: String,
    headers: Vec<(String, String)>,
    /// The `Cookie` header's value (`a=1; b=2`), empty when there are no cookie parameters.
    cookies: String,
    /// The encoded body, or why it could not be encoded.
    body: Option<Result<Body, String>>,
    /// Why a parameter could not be written: the first such problem, reported by `send`.
    problem: Option<String>,
    /// This call's own total timeout, instead of the client's.
    timeout: Option<Duration>,
    /// Whether the server acts on a repeated request once (an idempotency key was sent), so
    /// that a request that may have reached it can be sent again whatever its method.
    replayable: bool,
    /// The operation's security requirement (see [`Request::security`]).
    security: &'static [&'static [&'static str]],
}

impl Request {
    /// A request to the documented `path_template`, which is also its path until
    /// [`Request::path`] fills the template's parameters.
    pub fn new(method: Method, path_template: &'static str) -> Self {
        Request {
            method,
            path: Cow::Borrowed(path_template),
            path_template,
            api: "",
            operation: "",
            query: String::new(),
            headers: Vec::new(),
            cookies: String::new(),
            body: None,
            problem: None,
            timeout: None,
            replayable: false,
            security: &[],
        }
    }

    /// The operation's security requirement: alternatives, each naming the security schemes
    /// it needs together; an empty alternative lets the call go without credentials. The
    /// client's credentials for the first alternative it has them all for are attached when
    /// the request is sent (see [`crate::auth`]).
    pub fn security(mut self, requirement: &'static [&'static [&'static str]]) -> Self {
        self.security = requirement;
        self
    }

    /// The path with the template's parameters filled in, already percent-encoded (see
    /// [`path_param`](crate::path_param) and [`encode_path_segment`]). A segment `path_param`
    /// could not write makes the request fail when sent.
    pub fn path(mut self, path: String) -> Self {
        if let Some(why) = params::path_error(&path) {
            let why = format!("a path parameter of `{}` does not serialise: {why}", self.path_template);
            self.fail(why);
        }
        self.path = Cow::Owned(path);
        self
    }

    /// Applies one call's [`CallOptions`]: its headers, timeout and idempotency key.
    pub fn options(mut self, options: CallOptions) -> Self {
        for (name, value) in options.headers {
            self.push_header(&name, value);
        }
        if let Some(key) = options.idempotency_key {
            self.push_header("Idempotency-Key", key);
            self.replayable = true;
        }
        self.timeout = options.timeout.or(self.timeout);
        self
    }

    /// Names the call for tracing: the API and the operation.
    pub fn operation(mut self, api: &'static str, operation: &'static str) -> Self {
        self.api = api;
        self.operation = operation;
        self
    }

    /// A query parameter from its text: [`Request::query_param`] in `form` style.
    pub fn query(self, name: &str, value: impl ToString) -> Self {
        self.query_param(name, value.to_string().as_str(), QueryStyle::Form { explode: true })
    }

    /// A query parameter of any serialisable type, written in `style` (see [`params`]): no
    /// pair for `None`, so an optional parameter is passed as its `&Option<T>`. A value without
    /// a form in that style makes the request fail when sent ([`Error::InvalidRequest`]).
    pub fn query_param<T: Serialize + ?Sized>(mut self, name: &str, value: &T, style: QueryStyle) -> Self {
        if let Err(why) = params::append_query(&mut self.query, name, value, style) {
            self.fail(format!("query parameter `{name}` does not serialise: {why}"));
        }
        self
    }

    /// A header from its text, sent as it is. A value a header cannot carry (a control
    /// character, a line break) or a name that is not a token makes the request fail when sent.
    pub fn header(mut self, name: &str, value: impl ToString) -> Self {
        let value = value.to_string();
        self.push_header(name, value);
        self
    }

    /// A header parameter of any serialisable type, in OpenAPI `simple` style: an array as
    /// `a,b,c`, an object as `k1,v1,k2,v2`, written as they are; no header for `None`.
    pub fn header_param<T: Serialize + ?Sized>(mut self, name: &str, value: &T) -> Self {
        match params::header_value(value) {
            Ok(Some(value)) => self.push_header(name, value),
            Ok(None) => {}
            Err(why) => self.fail(format!("header parameter `{name}` does not serialise: {why}")),
        }
        self
    }

    /// A cookie parameter of any serialisable type, in OpenAPI `form` style, not exploded
    /// (`name=a,b,c`), its value percent-encoded where RFC 6265 forbids a byte; nothing for
    /// `None`. All cookies of a request are sent in one `Cookie` header, `a=1; b=2`.
    pub fn cookie_param<T: Serialize + ?Sized>(mut self, name: &str, value: &T) -> Self {
        if let Err(why) = params::append_cookie(&mut self.cookies, name, value) {
            self.fail(format!("cookie parameter `{name}` does not serialise: {why}"));
        }
        self
    }

    fn push_header(&mut self, name: &str, value: String) {
        if !params::is_token(name) {
            self.fail(format!("`{name}` is not a valid header name"));
        } else if !value.bytes().all(|b| b == b'\t' || (b >= 0x20 && b != 0x7F)) {
            self.fail(format!("the value of header `{name}` holds a control character"));
        } else {
            self.headers.push((name.to_owned(), value));
        }
    }

    /// The encoded body (cheap to clone for each attempt), or why it could not be encoded.
    fn encoded_body(&self) -> Result<Option<Body>, Untyped> {
        match &self.body {
            Some(Ok(body)) => Ok(Some(body.clone())),
            Some(Err(why)) => Err(Error::InvalidRequest(why.clone())),
            None => Ok(None),
        }
    }

    /// Records why the request cannot be sent; the first reason is the one reported.
    fn fail(&mut self, why: String) {
        self.problem.get_or_insert(why);
    }

    pub fn json<B: Serialize + ?Sized>(mut self, body: &B) -> Self {
        self.body = Some(
            serde_json::to_vec(body)
                .map(|json| Body { content_type: HeaderValue::from_static("application/json"), bytes: Bytes::from(json) })
                .map_err(|e| format!("the body does not serialise: {e}")),
        );
        self
    }

    /// An `application/x-www-form-urlencoded` body from the properties of `body` (see
    /// [`crate::form`]); `styles` are the document's `encoding` styles of some properties.
    pub fn form<B: Serialize + ?Sized>(mut self, body: &B, styles: &[(&str, QueryStyle)]) -> Self {
        self.body = Some(
            crate::form::encode(body, styles)
                .map(|text| Body { content_type: HeaderValue::from_static("application/x-www-form-urlencoded"), bytes: Bytes::from(text) }),
        );
        self
    }

    /// A `multipart/form-data` body; a part that could not be written makes the request
    /// fail when sent.
    pub fn multipart(mut self, form: Multipart) -> Self {
        if let Some(why) = &form.problem {
            self.body = Some(Err(why.clone()));
            return self;
        }
        let boundary = form.boundary();
        let content_type = format!("multipart/form-data; boundary={boundary}");
        self.body = Some(Self::media_type(&content_type).map(|content_type| Body { content_type, bytes: form.encode(&boundary) }));
        self
    }

    /// A body of raw bytes of media type `content_type` (`application/octet-stream`, an image...).
    pub fn bytes(mut self, content_type: &str, body: impl Into<Bytes>) -> Self {
        self.body = Some(Self::media_type(content_type).map(|content_type| Body { content_type, bytes: body.into() }));
        self
    }

    /// A text body of media type `content_type` (`text/plain`, `text/csv`...).
    pub fn text(mut self, content_type: &str, body: impl Into<String>) -> Self {
        let body: String = body.into();
        self.body = Some(Self::media_type(content_type).map(|content_type| Body { content_type, bytes: Bytes::from(body) }));
        self
    }

    fn media_type(content_type: &str) -> Result<HeaderValue, String> {
        HeaderValue::from_str(content_type).map_err(|_| format!("`{content_type}` is not a valid media type"))
    }
}

/// Percent-encodes a path parameter: everything but RFC 3986's unreserved characters. For a
/// value of any type (arrays, objects, enums), see [`path_param`](crate::path_param).
pub fn encode_path_segment(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    params::encode_unreserved(&mut out, value);
    out
}

/// A path parameter of a scalar type, percent-encoded while it is written, as
/// [`encode_path_segment`] does it: `format!("/files/{}", PathSegment(id))` builds the path
/// without a `String` per parameter. `T` is the value or a reference to it.
pub struct PathSegment<T>(pub T);

impl<T: fmt::Display> fmt::Display for PathSegment<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        params::write_unreserved(f, &self.0)
    }
}

/// How an API wraps every answer: where its status code, payload and message sit, and which
/// code means success. Emitted by the generator for APIs whose documents (or sidecars) say so.
#[derive(Debug, Clone, Copy)]
pub struct Envelope {
    pub status: &'static [&'static str],
    /// The success code, as JSON text (`0`, `"SUCCESS"`).
    pub success: &'static str,
    pub payload: &'static [&'static str],
    pub message: Option<&'static [&'static str]>,
}

impl Envelope {
    fn is_success(&self, code: &Value) -> bool {
        // A string code against a string without escapes: compared as borrowed text, without
        // building a `Value` (and a `String`) per answer.
        if let (Value::String(code), true) = (code, self.success.starts_with('"')) {
            if let Ok(expected) = serde_json::from_str::<&str>(self.success) {
                return code == expected;
            }
        }
        let expected: Value = serde_json::from_str(self.success).unwrap_or(Value::Null);
        match (code, &expected) {
            (Value::Number(a), Value::Number(b)) => a.as_f64() == b.as_f64(),
            _ => *code == expected,
        }
    }
}

/// A whole HTTP answer, not yet decoded.
#[derive(Clone)]
pub struct RawResponse {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Bytes,
    /// Statuses of earlier answers to the same call, after which it was sent again.
    pub earlier: Vec<StatusCode>,
}

impl RawResponse {
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// How long to wait before sending again, when this answer says the request was not acted
    /// on (429, 503) and the policy allows the wait.
    fn retry_delay(&self, policy: &RetryPolicy) -> Option<Duration> {
        if self.status != StatusCode::TOO_MANY_REQUESTS && self.status != StatusCode::SERVICE_UNAVAILABLE {
            return None;
        }
        match self.headers.get(RETRY_AFTER).and_then(|v| v.to_str().ok()).map(parse_retry_after) {
            Some(Some(wait)) if wait <= policy.max_retry_after => Some(wait),
            Some(Some(_)) => None,
            _ => Some(policy.backoff(1)),
        }
    }

    /// Decodes a documented success body.
    pub fn success<T: DeserializeOwned, E>(self) -> Result<ResponseValue<T>, Error<E>> {
        match serde_json::from_slice(&self.body) {
            Ok(inner) => Ok(ResponseValue { inner, status: self.status, headers: self.headers, raw: self.body, earlier: self.earlier }),
            Err(e) => Err(self.undecodable(e.to_string())),
        }
    }

    /// A documented text answer (`text/*`), as a string; a body that is not UTF-8 is
    /// [`Error::UnexpectedResponse`] with the bytes kept.
    pub fn success_text<S, E>(self, variant: fn(String) -> S) -> Result<ResponseValue<S>, Error<E>> {
        match String::from_utf8(self.body.to_vec()) {
            Ok(text) => Ok(ResponseValue { inner: variant(text), status: self.status, headers: self.headers, raw: self.body, earlier: self.earlier }),
            Err(e) => Err(self.undecodable(format!("the text answer is not UTF-8: {e}"))),
        }
    }

    /// A documented binary answer, as its bytes (shared with [`ResponseValue::raw_body`], not copied).
    pub fn success_bytes<S, E>(self, variant: fn(Bytes) -> S) -> Result<ResponseValue<S>, Error<E>> {
        Ok(ResponseValue { inner: variant(self.body.clone()), status: self.status, headers: self.headers, raw: self.body, earlier: self.earlier })
    }

    /// Decodes a documented success body and wraps it in the operation's success variant.
    pub fn success_as<T: DeserializeOwned, S, E>(self, variant: fn(T) -> S) -> Result<ResponseValue<S>, Error<E>> {
        self.success().map(|value: ResponseValue<T>| value.map(variant))
    }

    /// Decodes the payload of an enveloped success body: an envelope that reports failure is
    /// [`Error::Envelope`]; the whole envelope stays in [`ResponseValue::raw_body`].
    ///
    /// A success answer is read once, its code and payload together ([`at_path`]). Any other
    /// is read twice, each time decoding only what is needed (no `serde_json::Value` of the
    /// whole answer): the status code, then the payload straight into `T`.
    pub fn enveloped<T: DeserializeOwned, E>(self, envelope: &Envelope) -> Result<ResponseValue<T>, Error<E>> {
        // A success answer is read once (`at_path`); anything else is read again below.
        if let Some(Ok(found)) = at_path::code_and_payload::<T>(&self.body, envelope.status, envelope.payload) {
            if found.code.is_some_and(|code| code.get() == envelope.success) {
                // A payload that is not there decodes as `null` would (an optional payload).
                if let Some(inner) = found.payload.or_else(|| serde_json::from_value(Value::Null).ok()) {
                    return Ok(ResponseValue { inner, status: self.status, headers: self.headers, raw: self.body, earlier: self.earlier });
                }
            }
        }
        let code = match self.envelope_code(envelope) {
            Ok(code) => code,
            Err(reason) => return Err(self.undecodable(reason)),
        };
        if !envelope.is_success(&code) {
            let message = self.envelope_message(envelope);
            return Err(Error::Envelope { status: self.status, headers: self.headers, code, message, raw: self.body, earlier: self.earlier });
        }
        let payload = match at_path::decode::<T>(&self.body, envelope.payload) {
            Ok(Some(payload)) => Ok(payload),
            // A payload that is not there decodes as `null` would (an optional payload).
            Ok(None) => serde_json::from_value(Value::Null),
            Err(e) => Err(e),
        };
        match payload {
            Ok(inner) => Ok(ResponseValue { inner, status: self.status, headers: self.headers, raw: self.body, earlier: self.earlier }),
            Err(e) => Err(self.undecodable(format!("the payload `{}` does not decode: {e}", envelope.payload.join(".")))),
        }
    }

    /// The envelope's status code, or why the body has none (not JSON, or no such field).
    fn envelope_code(&self, envelope: &Envelope) -> Result<Value, String> {
        match at_path::decode::<Value>(&self.body, envelope.status) {
            Ok(Some(code)) => Ok(code),
            Ok(None) => Err(format!("the envelope has no `{}`", envelope.status.join("."))),
            Err(e) => Err(e.to_string()),
        }
    }

    /// The envelope's message, when it has one and it is a string.
    fn envelope_message(&self, envelope: &Envelope) -> Option<String> {
        match at_path::decode::<Value>(&self.body, envelope.message?) {
            Ok(Some(Value::String(message))) => Some(message),
            _ => None,
        }
    }

    /// Decodes a whole enveloped body as a documented outcome that is not plain success (e.g.
    /// Cloudreve's sign-in answering code 203, "2FA required"): the envelope's code must be
    /// `code` (JSON text), else this is [`Error::Envelope`].
    pub fn outcome_as<T: DeserializeOwned, S, E>(self, envelope: &Envelope, code: &'static str, variant: fn(T) -> S) -> Result<ResponseValue<S>, Error<E>> {
        let outcome = Envelope { success: code, ..*envelope };
        match self.envelope_code(envelope) {
            Ok(found) if outcome.is_success(&found) => self.success_as(variant),
            Ok(found) => {
                let message = self.envelope_message(envelope);
                Err(Error::Envelope { status: self.status, headers: self.headers, code: found, message, raw: self.body, earlier: self.earlier })
            }
            Err(reason) => Err(self.undecodable(reason)),
        }
    }

    /// [`RawResponse::enveloped`], wrapped in the operation's success variant.
    pub fn enveloped_as<T: DeserializeOwned, S, E>(self, envelope: &Envelope, variant: fn(T) -> S) -> Result<ResponseValue<S>, Error<E>> {
        self.enveloped(envelope).map(|value: ResponseValue<T>| value.map(variant))
    }

    /// A documented success without a body.
    pub fn empty_success<S, E>(self, value: S) -> Result<ResponseValue<S>, Error<E>> {
        Ok(ResponseValue { inner: value, status: self.status, headers: self.headers, raw: self.body, earlier: self.earlier })
    }

    /// Decodes a documented error body into the operation's error variant.
    pub fn error<T: DeserializeOwned, E>(self, variant: fn(T) -> E) -> Error<E> {
        match serde_json::from_slice(&self.body) {
            Ok(body) => Error::Api { status: self.status, headers: self.headers, body: variant(body), raw: self.body, earlier: self.earlier },
            Err(e) => self.undecodable(e.to_string()),
        }
    }

    /// A documented error status without a body.
    pub fn error_without_body<E>(self, value: E) -> Error<E> {
        Error::Api { status: self.status, headers: self.headers, body: value, raw: self.body, earlier: self.earlier }
    }

    /// A status the document does not list.
    pub fn unexpected<E>(self) -> Error<E> {
        Error::UnexpectedResponse { status: self.status, headers: self.headers, raw: self.body, decode_error: None, earlier: self.earlier }
    }

    fn undecodable<E>(self, reason: String) -> Error<E> {
        Error::UnexpectedResponse { status: self.status, headers: self.headers, raw: self.body, decode_error: Some(reason), earlier: self.earlier }
    }
}

/// `Retry-After` as delay-seconds or an HTTP date in any of the three forms RFC 9110 §5.6.7
/// obliges recipients to accept (IMF-fixdate, RFC 850, asctime); a date in the past is no wait.
pub(crate) fn parse_retry_after(value: &str) -> Option<Duration> {
    let value = value.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let at = httpdate::parse_http_date(value).ok()?;
    Some(at.duration_since(std::time::SystemTime::now()).unwrap_or(Duration::ZERO))
}

/// Whether a decode attempt failed in a way another documented alternative for the same
/// status may still match: the body did not fit the type, or the envelope code was another.
pub fn may_match_another<T, E>(attempt: &Result<T, Error<E>>) -> bool {
    matches!(attempt, Err(Error::UnexpectedResponse { decode_error: Some(_), .. } | Error::Envelope { .. }))
}

/// The request id of an answer: a header (`x-request-id`, `x-correlation-id`, `request-id`)
/// or a top-level body field (`reqId`, `requestId`, `request_id`, `correlation_id`).
pub(crate) fn request_id(headers: &HeaderMap, body: &[u8]) -> Option<String> {
    const HEADERS: [&str; 4] = ["x-request-id", "x-correlation-id", "request-id", "x-amzn-requestid"];
    const FIELDS: [&str; 4] = ["reqId", "requestId", "request_id", "correlation_id"];
    if let Some(value) = HEADERS.iter().find_map(|name| headers.get(*name)?.to_str().ok()) {
        return Some(value.to_owned());
    }
    let body: Value = serde_json::from_slice(body).ok()?;
    FIELDS.iter().find_map(|field| body.get(*field)?.as_str().map(str::to_owned))
}

/// A decoded success body with the status and headers it came with. Derefs to the body.
#[derive(Clone)]
pub struct ResponseValue<T> {
    inner: T,
    status: StatusCode,
    headers: HeaderMap,
    raw: Bytes,
    earlier: Vec<StatusCode>,
}

impl<T> ResponseValue<T> {
    pub fn into_inner(self) -> T {
        self.inner
    }

    pub fn status(&self) -> StatusCode {
        self.status
    }

    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// The body as received (for an enveloped API: the whole envelope).
    pub fn raw_body(&self) -> &[u8] {
        &self.raw
    }

    /// The request id the server gave this answer, if any.
    pub fn request_id(&self) -> Option<String> {
        request_id(&self.headers, &self.raw)
    }

    /// Statuses of earlier answers to this call after which it was sent again: e.g. `[401]`
    /// when the first token was rejected and a renewed one accepted.
    pub fn earlier_statuses(&self) -> &[StatusCode] {
        &self.earlier
    }

    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> ResponseValue<U> {
        ResponseValue { inner: f(self.inner), status: self.status, headers: self.headers, raw: self.raw, earlier: self.earlier }
    }
}

// The raw body is never printed: a token response carries the token in it.
impl<T: std::fmt::Debug> std::fmt::Debug for ResponseValue<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ResponseValue")
            .field("status", &self.status)
            .field("body", &self.inner)
            .field("raw_len", &self.raw.len())
            .finish_non_exhaustive()
    }
}

impl<T> Deref for ResponseValue<T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.inner
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_segments_keep_only_unreserved_characters() {
        assert_eq!(encode_path_segment("a-b_c.d~e"), "a-b_c.d~e");
        assert_eq!(encode_path_segment("a/b c?é"), "a%2Fb%20c%3F%C3%A9");
        assert_eq!(format!("/f/{}/{}", PathSegment("a/b c?é"), PathSegment(-1.5)), "/f/a%2Fb%20c%3F%C3%A9/-1.5");
    }

    #[test]
    fn backoff_doubles_up_to_the_ceiling_with_jitter() {
        let policy = RetryPolicy { initial_backoff: Duration::from_millis(100), max_backoff: Duration::from_millis(300), ..RetryPolicy::default() };
        for _ in 0..50 {
            let first = policy.backoff(1);
            assert!(first >= Duration::from_millis(50) && first <= Duration::from_millis(100), "{first:?}");
            let third = policy.backoff(3);
            assert!(third >= Duration::from_millis(150) && third <= Duration::from_millis(300), "{third:?}");
        }
    }

    #[test]
    fn retry_after_is_read_as_seconds_or_an_http_date_in_each_form() {
        assert_eq!(parse_retry_after("2"), Some(Duration::from_secs(2)));
        // The three forms of RFC 9110 §5.6.7, for one instant in the past: no wait.
        for past in ["Sun, 06 Nov 1994 08:49:37 GMT", "Sunday, 06-Nov-94 08:49:37 GMT", "Sun Nov  6 08:49:37 1994"] {
            assert_eq!(parse_retry_after(past), Some(Duration::ZERO), "{past}");
        }
        // And for an instant about a minute ahead: a wait of about a minute.
        let ahead = std::time::SystemTime::now() + Duration::from_secs(61);
        let imf = httpdate::fmt_http_date(ahead);
        let wait = parse_retry_after(&imf).expect("an IMF-fixdate");
        assert!(wait > Duration::from_secs(55) && wait <= Duration::from_secs(61), "{wait:?}");
        let rfc850 = chrono::DateTime::<chrono::Utc>::from(ahead).format("%A, %d-%b-%y %H:%M:%S GMT").to_string();
        let asctime = chrono::DateTime::<chrono::Utc>::from(ahead).format("%a %b %e %H:%M:%S %Y").to_string();
        for form in [rfc850, asctime] {
            let wait = parse_retry_after(&form).unwrap_or_else(|| panic!("{form} is an HTTP date"));
            assert!(wait > Duration::from_secs(55) && wait <= Duration::from_secs(61), "{form}: {wait:?}");
        }
        assert_eq!(parse_retry_after("soon"), None);
    }

    #[test]
    fn only_loopback_hosts_may_receive_plain_http() {
        let loopback = |url: &str| is_loopback(&reqwest::Url::parse(url).expect("url"));
        assert!(loopback("http://127.0.0.1:8080/x") && loopback("http://localhost/") && loopback("http://[::1]:1/"));
        assert!(!loopback("http://example.com/") && !loopback("http://10.0.0.1/"));
    }

    #[test]
    fn plain_http_to_a_remote_host_needs_the_explicit_opt_in() {
        let request = Request::new(Method::POST, "/token");
        let remote = HttpClient::new("http://api.example.com", Config::default());
        let refused = remote.url(&request).expect_err("refused without the opt-in");
        assert!(refused.to_string().contains("refusing to send credentials over plain http to api.example.com"), "{refused}");
        let opted_in = remote.with_config(Config { allow_insecure_http: true, ..Config::default() });
        assert_eq!(opted_in.url(&request).expect("allowed").as_str(), "http://api.example.com/token");
        let loopback = HttpClient::new("http://127.0.0.1:8080", Config::default());
        assert!(loopback.url(&request).is_ok(), "loopback needs no opt-in");
        let tls = HttpClient::new("https://api.example.com", Config::default());
        assert!(tls.url(&request).is_ok());
    }

    #[test]
    fn a_path_joins_the_parsed_base_url_as_the_whole_text_would_parse() {
        let bases = ["http://127.0.0.1:8080", "https://api.example.com/v1/", "https://user@Bücher.example:443/a%20b", "https://h.example/x?k=1", "not a url"];
        let paths = ["/files/list", "/a%2Fb/c", "/files/ä ö", "/./x/../y//z", "/search?q=1#top", "relative", "/x\\y"];
        for base in bases {
            let client = HttpClient::new(base, Config::default());
            for path in paths {
                let mut request = Request::new(Method::GET, "/");
                request.path = Cow::Borrowed(path);
                let joined = client.url(&request).map(|url| url.to_string()).map_err(|e| match e {
                    Error::InvalidRequest(why) => why,
                    other => other.to_string(),
                });
                let whole = format!("{}{path}", base.trim_end_matches('/'));
                let parsed = reqwest::Url::parse(&whole).map(|url| url.to_string()).map_err(|e| format!("`{whole}` is not a valid URL: {e}"));
                assert_eq!(joined, parsed, "{base} + {path}");
            }
        }
    }

    const WRAPPED: Envelope = Envelope { status: &["response", "code"], success: "\"SUCCESS\"", payload: &["response", "data"], message: Some(&["response", "message"]) };

    fn answer(body: &str) -> RawResponse {
        RawResponse { status: StatusCode::OK, headers: HeaderMap::new(), body: Bytes::copy_from_slice(body.as_bytes()), earlier: Vec::new() }
    }

    #[derive(Debug, PartialEq, serde::Deserialize)]
    struct Files {
        items: Vec<String>,
    }

    #[test]
    fn an_envelope_payload_decodes_wherever_its_fields_are() {
        let decoded = |body: &str| answer(body).enveloped::<Files, ()>(&WRAPPED).map(ResponseValue::into_inner);
        let files = Files { items: vec!["a".into()] };
        // The payload before or after the code, beside other fields and nested values, under
        // an escaped key, and the last of a key given twice.
        for body in [
            r#"{"response":{"code":"SUCCESS","data":{"items":["a"]}}}"#,
            r#"{"x":[{"response":1}],"response":{"data":{"items":["a"]},"extra":{"code":"no"},"code":"SUCCESS"},"y":null}"#,
            r#"{"respons\u0065":{"code":"SUCC\u0045SS","data":{"items":["a"]}}}"#,
            r#"{"response":{"code":"FAILED","data":{"items":["b"]}},"response":{"code":"SUCCESS","data":{"items":["a"]}}}"#,
        ] {
            assert_eq!(decoded(body).expect(body), files, "{body}");
        }
        // A payload that is not there decodes as null would.
        let absent = answer(r#"{"response":{"code":"SUCCESS"}}"#).enveloped::<Option<Files>, ()>(&WRAPPED).expect("no payload");
        assert_eq!(absent.into_inner(), None);
    }

    #[test]
    fn an_envelope_that_reports_failure_or_has_no_code_is_an_error() {
        let failed = answer(r#"{"response":{"message":"nope","code":"VALIDATION_ERROR","data":null}}"#).enveloped::<Files, ()>(&WRAPPED);
        match failed {
            Err(Error::Envelope { code, message, .. }) => assert_eq!((code, message.as_deref()), (Value::from("VALIDATION_ERROR"), Some("nope"))),
            other => panic!("{:?}", other.map(ResponseValue::into_inner)),
        }
        let reason = |body: &str| match answer(body).enveloped::<Files, ()>(&WRAPPED) {
            Err(Error::UnexpectedResponse { decode_error: Some(reason), .. }) => reason,
            other => panic!("{body}: {:?}", other.map(ResponseValue::into_inner)),
        };
        // The code missing, or under a value that is not an object.
        assert_eq!(reason(r#"{"response":{"data":{"items":[]}}}"#), "the envelope has no `response.code`");
        assert_eq!(reason(r#"{"response":["code"]}"#), "the envelope has no `response.code`");
        assert_eq!(reason(r#"[1]"#), "the envelope has no `response.code`");
        // Not JSON, even after the code; a payload that does not fit.
        assert!(reason(r#"{"response":{"code":"SUCCESS"}} trailing"#).contains("trailing characters"));
        assert!(reason(r#"{"response":{"code":"SUCCESS","data":{"items":[1]}}"#).contains("EOF"));
        assert!(reason(r#"{"response":{"code":"SUCCESS","data":{"items":[1]}}}"#).starts_with("the payload `response.data` does not decode: invalid type: integer `1`"));
    }

    #[test]
    fn success_codes_compare_as_json_values() {
        let numeric = Envelope { status: &["code"], success: "0", payload: &["data"], message: None };
        assert!(numeric.is_success(&serde_json::json!(0)) && numeric.is_success(&serde_json::json!(0.0)));
        assert!(!numeric.is_success(&serde_json::json!("0")));
        assert!(WRAPPED.is_success(&serde_json::json!("SUCCESS")) && !WRAPPED.is_success(&serde_json::json!("SUCCESS ")));
        let escaped = Envelope { success: "\"\\u004fK\"", ..WRAPPED };
        assert!(escaped.is_success(&serde_json::json!("OK")));
    }

    #[test]
    fn request_ids_come_from_headers_then_body_fields() {
        let mut headers = HeaderMap::new();
        assert_eq!(request_id(&headers, br#"{"reqId": "r-1"}"#).as_deref(), Some("r-1"));
        assert_eq!(request_id(&headers, br#"{"correlation_id": "c-1"}"#).as_deref(), Some("c-1"));
        headers.insert("x-request-id", HeaderValue::from_static("h-1"));
        assert_eq!(request_id(&headers, br#"{"reqId": "r-1"}"#).as_deref(), Some("h-1"));
        assert_eq!(request_id(&HeaderMap::new(), b"<html>"), None);
    }
}
