//! [`TokenManager`]: hands out a valid access token to many tasks, refreshing it ahead of
//! expiry, one refresh at a time, through vendor faults.
//!
//! Two locks and a pointer, with different jobs:
//!
//! - `fresh` (an [`ArcSwapOption`]) points at the token being handed out and its refresh
//!   deadline. Every call reads it and, while the token is fresh, returns a shared copy without
//!   taking a lock or awaiting anything: that is the hot path (a clock read, a pointer load, a
//!   reference count).
//! - `published` (a `std::sync::RwLock`) holds the same token with everything the slow path
//!   decides on: its expiries, the backoff and the last failure. `fresh` is replaced under its
//!   write lock, so the two never disagree for long enough to matter: a caller that finds the
//!   token due goes on to `published`.
//! - `refresh` (a `tokio::sync::Mutex`) is held by the one attempt at getting a new token
//!   (load from the store, refresh, login, save). Callers that need a new token queue on it;
//!   when their turn comes they first look at what the attempt before them achieved and share
//!   that result instead of starting another (single flight). Callers whose token is due for
//!   refresh but still valid do not queue: they keep using it while the attempt runs.
//!
//! All freshness decisions use `tokio::time::Instant` deadlines, computed once from the
//! token's absolute expiry when the token is received, so they follow tokio's clock (and its
//! paused clock in tests) and ignore wall-clock jumps.

use std::fmt;
use std::future::Future;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, PoisonError, RwLock, RwLockReadGuard, RwLockWriteGuard};
use std::time::Duration;

use arc_swap::ArcSwapOption;
use chrono::{DateTime, Utc};
use reqwest::StatusCode;
use tokio::sync::{Mutex, OwnedMutexGuard};
use tokio::time::Instant;

use super::retry::Backoff;
use super::fleet::{FleetLease, FleetStore, SharedToken};
use super::{AccessToken, MemoryStore, Token, TokenError, TokenSource, TokenStore};
use crate::{Error, Secret};

/// Keeps one vendor session's access token valid for every task that asks.
///
/// - **Refresh ahead of expiry.** A token is refreshed once it is within the refresh margin of
///   its expiry: the smaller of 60 s and 10 % of the lifetime it had when received (so a 5-minute
///   token is refreshed 30 s early, a 2-hour one 60 s early). Change both with
///   [`TokenManagerBuilder::refresh_margin`] and [`TokenManagerBuilder::refresh_margin_fraction`].
/// - **One refresh at a time.** However many tasks find the token due, one refresh request
///   is made; tasks without a valid token wait for it and all get its result. While the token
///   is due but still valid, only the task that starts the refresh waits for it; the others
///   keep getting the current token.
/// - **Faults.** While refreshing fails, callers keep the current token as long as it has not
///   expired, and attempts are spaced by exponential backoff with jitter (1 s doubling to
///   30 s; see [`TokenManagerBuilder::retry_backoff`]), never later than the token's expiry.
///   Once nothing valid is left, callers get the last failure, saying so.
/// - **Login fallback.** When the refresh token has expired, or refreshing answers
///   [`LoginRequired`](super::TokenErrorKind::LoginRequired) or
///   [`CredentialsRejected`](super::TokenErrorKind::CredentialsRejected), the attempt logs in,
///   once. If that fails too, the attempt fails; the next one waits for the backoff.
/// - **Store first.** The manager starts from the token in its [`TokenStore`] (no login if it
///   is still valid). A new token is saved before it is handed out; if saving fails, the new
///   token is held back (not lost: the next attempt saves it before anything else) and callers
///   keep the previous token while it is valid, or get a [`Store`](super::TokenErrorKind::Store)
///   error.
///
/// Clone it to share it: clones use the same token. It needs a tokio runtime (attempts run on
/// their own task, so a caller that gives up cannot cancel a refresh half way). The manager
/// puts no time limit on a login or refresh: give the source's HTTP client a timeout, or
/// callers without a valid token wait as long as the vendor does.
///
/// ```
/// use vendor_runtime::token::{expiry, Token, TokenError, TokenManager, TokenSource};
///
/// /// A vendor whose tokens live five minutes.
/// struct Vendor;
///
/// impl TokenSource for Vendor {
///     async fn login(&self) -> Result<Token, TokenError> {
///         // A real source posts credentials and normalises the answer.
///         Ok(Token::new("access-1")
///             .with_refresh_token("refresh-1")
///             .with_expires_at(expiry::after_seconds(300, chrono::Utc::now())))
///     }
///
///     async fn refresh(&self, current: &Token) -> Result<Token, TokenError> {
///         let _refresh_token = current.refresh_token();
///         Ok(Token::new("access-2").with_expires_at(expiry::after_seconds(300, chrono::Utc::now())))
///     }
/// }
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), TokenError> {
/// let manager = TokenManager::new(Vendor);
/// let token = manager.access_token().await?; // logs in
/// assert_eq!(token.expose(), "access-1");
/// let again = manager.access_token().await?; // still fresh: no request
/// assert_eq!(again.expose(), "access-1");
/// # Ok(())
/// # }
/// ```
pub struct TokenManager<S> {
    inner: Arc<Inner<S>>,
}

impl<S> Clone for TokenManager<S> {
    fn clone(&self) -> Self {
        TokenManager { inner: Arc::clone(&self.inner) }
    }
}

/// Configures a [`TokenManager`]; start from [`TokenManager::builder`].
pub struct TokenManagerBuilder<S> {
    source: S,
    store: Option<Arc<dyn TokenStore>>,
    fleet: Option<Arc<dyn FleetStore>>,
    policy: Policy,
}

impl<S: TokenSource + 'static> TokenManagerBuilder<S> {
    /// Where the token is loaded from at start and saved to on every change; by default a
    /// [`MemoryStore`]. Pass an `Arc` to keep a handle on the store.
    pub fn store(mut self, store: impl TokenStore + 'static) -> Self {
        self.store = Some(Arc::new(store));
        self
    }

    /// Shares the token with the other processes of the fleet through `store` (e.g. a
    /// [`RedisStore`](super::RedisStore)): one process renews it for all of them, under the
    /// store's lease, and publishes it before anyone uses it.
    ///
    /// The store is read only when this process needs a new token, never on the hot path.
    /// When it fails (down, slow), this process renews on its own, as it would without one,
    /// logging it once; it goes back to the fleet when the store answers again.
    pub fn fleet_store(mut self, store: impl FleetStore + 'static) -> Self {
        self.fleet = Some(Arc::new(store));
        self
    }

    /// The longest refresh margin (default 60 s): how long before expiry a token is refreshed.
    pub fn refresh_margin(mut self, max: Duration) -> Self {
        self.policy.margin_max = max;
        self
    }

    /// The margin as a fraction of the token's lifetime (default 0.1), capped by
    /// [`refresh_margin`](Self::refresh_margin); kept between 0 and 0.9 so a short-lived
    /// token is still used before it is refreshed.
    pub fn refresh_margin_fraction(mut self, fraction: f64) -> Self {
        self.policy.margin_fraction = if fraction.is_finite() { fraction.clamp(0.0, 0.9) } else { DEFAULT_MARGIN_FRACTION };
        self
    }

    /// The wait after the first failed attempt (default 1 s), doubled after each further
    /// failure up to `max` (default 30 s), each with up to half of it taken off at random.
    pub fn retry_backoff(mut self, initial: Duration, max: Duration) -> Self {
        self.policy.backoff = Backoff { initial, max: max.max(initial) };
        self
    }

    pub fn build(self) -> TokenManager<S> {
        TokenManager {
            inner: Arc::new(Inner {
                source: self.source,
                store: self.store.unwrap_or_else(|| Arc::new(MemoryStore::new())),
                fleet: self.fleet.map(|store| Fleet { store, failing: AtomicBool::new(false) }),
                policy: self.policy,
                fresh: ArcSwapOption::empty(),
                published: RwLock::new(Published::default()),
                attempts: AtomicU64::new(0),
                refresh: Arc::new(Mutex::new(RefreshState::default())),
            }),
        }
    }
}

/// Tells whether an API call failed because the server rejected the access token (a 401),
/// so [`TokenManager::with_token`] refreshes and retries once.
pub trait AuthFailure {
    fn is_auth_failure(&self) -> bool;
}

/// A generated call failed with HTTP 401 Unauthorized.
impl<E> AuthFailure for Error<E> {
    fn is_auth_failure(&self) -> bool {
        self.status() == Some(StatusCode::UNAUTHORIZED)
    }
}

/// The failure of [`TokenManager::with_token`]: no token to call with, or the call's own error.
#[derive(Debug)]
pub enum CallError<E> {
    Token(TokenError),
    Call(E),
}

impl<E: fmt::Display> fmt::Display for CallError<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CallError::Token(e) => write!(f, "no access token for the call: {e}"),
            CallError::Call(e) => e.fmt(f),
        }
    }
}

impl<E: std::error::Error + 'static> std::error::Error for CallError<E> {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            CallError::Token(e) => Some(e),
            CallError::Call(e) => e.source(),
        }
    }
}

impl<S: TokenSource + 'static> TokenManager<S> {
    /// A manager with the default margin and backoff, keeping its token in memory.
    pub fn new(source: S) -> Self {
        Self::builder(source).build()
    }

    pub fn builder(source: S) -> TokenManagerBuilder<S> {
        TokenManagerBuilder { source, store: None, fleet: None, policy: Policy::default() }
    }

    /// A valid access token: the current one while it is fresh (no await, no request), else a
    /// new one — see the type's documentation for when and how.
    pub async fn access_token(&self) -> Result<AccessToken, TokenError> {
        self.lease().await.map(|lease| lease.access)
    }

    /// Runs `call` with a valid access token; if the call fails with an auth failure (see
    /// [`AuthFailure`]), gets a new token and runs it once more.
    ///
    /// The new token is fetched at most once for all callers rejected with the same token: a
    /// caller whose token was already replaced by someone else's refresh just uses the new one.
    pub async fn with_token<F, Fut, T, E>(&self, mut call: F) -> Result<T, CallError<E>>
    where
        F: FnMut(AccessToken) -> Fut,
        Fut: Future<Output = Result<T, E>>,
        E: AuthFailure,
    {
        let lease = self.lease().await.map_err(CallError::Token)?;
        match call(lease.access).await {
            Err(error) if error.is_auth_failure() => {
                tracing::debug!(generation = lease.generation, "the API rejected the access token; renewing it and calling again");
                let renewed = self.renew_after_rejection(lease.generation).await.map_err(CallError::Token)?;
                call(renewed.access).await.map_err(CallError::Call)
            }
            outcome => outcome.map_err(CallError::Call),
        }
    }

    async fn lease(&self) -> Result<Lease, TokenError> {
        if let Some(lease) = self.fresh_lease() {
            return Ok(lease);
        }
        let inner = &self.inner;
        let now = Instant::now();
        let seen_attempts = inner.attempts.load(Ordering::Acquire);
        let still_valid = {
            let published = inner.read();
            match &published.current {
                Some(current) if current.is_fresh(now) => return Ok(current.lease()),
                Some(current) if current.is_valid(now) => {
                    if published.backing_off(now) {
                        return Ok(current.lease());
                    }
                    Some(current.lease())
                }
                _ => None,
            }
        };
        let turn = match still_valid {
            // Due for refresh but still valid: one caller refreshes, the others keep using it
            // rather than wait behind that refresh.
            Some(lease) => match Arc::clone(&inner.refresh).try_lock_owned() {
                Ok(turn) => turn,
                Err(_) => return Ok(lease),
            },
            None => Arc::clone(&inner.refresh).lock_owned().await,
        };
        if let Some(outcome) = inner.settled(Want::Fresh, seen_attempts) {
            return outcome;
        }
        self.attempt(turn, Want::Fresh).await
    }

    /// The hot path: the current token while it is fresh, without a lock or an await.
    fn fresh_lease(&self) -> Option<Lease> {
        let fresh = self.inner.fresh.load();
        let fresh = fresh.as_ref()?;
        fresh.is_fresh(Instant::now()).then(|| fresh.lease.clone())
    }

    async fn renew_after_rejection(&self, rejected: u64) -> Result<Lease, TokenError> {
        let want = Want::NewerThan(rejected);
        let seen_attempts = self.inner.attempts.load(Ordering::Acquire);
        let turn = Arc::clone(&self.inner.refresh).lock_owned().await;
        if let Some(outcome) = self.inner.settled(want, seen_attempts) {
            return outcome;
        }
        self.attempt(turn, want).await
    }

    /// Runs one attempt on its own task: a caller that gives up (a timeout, a dropped request)
    /// must not cancel a refresh whose answer may hold the only copy of a rotated refresh token.
    async fn attempt(&self, turn: OwnedMutexGuard<RefreshState>, want: Want) -> Result<Lease, TokenError> {
        let inner = Arc::clone(&self.inner);
        match tokio::spawn(async move { inner.attempt(turn, want).await }).await {
            Ok(outcome) => outcome,
            Err(_) => Err(TokenError::other("getting a new access token stopped half way: the token source panicked")),
        }
    }
}

/// The manager is the token provider of the clients it authenticates: a `401` renews the
/// rejected generation once, however many calls it failed.
impl<S: TokenSource + 'static> crate::auth::TokenProvider for TokenManager<S> {
    fn token(&self) -> crate::hook::BoxFuture<'_, Result<crate::auth::IssuedToken, TokenError>> {
        Box::pin(async move { self.lease().await.map(Lease::issued) })
    }

    fn renew<'a>(&'a self, rejected: &'a crate::auth::IssuedToken) -> crate::hook::BoxFuture<'a, Result<crate::auth::IssuedToken, TokenError>> {
        Box::pin(async move { self.renew_after_rejection(rejected.generation).await.map(Lease::issued) })
    }

    /// The hot path of [`access_token`](TokenManager::access_token), without its future.
    fn ready_token(&self) -> Option<crate::auth::IssuedToken> {
        self.fresh_lease().map(Lease::issued)
    }
}

impl<S> fmt::Debug for TokenManager<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let published = self.inner.read();
        let current = published.current.as_ref();
        f.debug_struct("TokenManager")
            .field("token", &current.map(|c| &c.token))
            .field("generation", &current.map(|c| c.generation))
            .field("last_error", &published.last_error)
            .field("policy", &self.inner.policy)
            .finish_non_exhaustive()
    }
}

const DEFAULT_MARGIN_FRACTION: f64 = 0.1;

#[derive(Clone, Copy, Debug)]
struct Policy {
    margin_max: Duration,
    margin_fraction: f64,
    backoff: Backoff,
}

impl Default for Policy {
    fn default() -> Self {
        Policy { margin_max: Duration::from_secs(60), margin_fraction: DEFAULT_MARGIN_FRACTION, backoff: Backoff::default() }
    }
}

impl Policy {
    fn margin(&self, lifetime: Duration) -> Duration {
        // `margin_fraction` is finite and within [0, 0.9], so this cannot overflow.
        self.margin_max.min(lifetime.mul_f64(self.margin_fraction))
    }
}

struct Inner<S> {
    source: S,
    store: Arc<dyn TokenStore>,
    fleet: Option<Fleet>,
    policy: Policy,
    /// The hot path's view of `published.current`: set with it, under its write lock.
    fresh: ArcSwapOption<Fresh>,
    published: RwLock<Published>,
    /// Attempts finished so far; a caller that saw it change while it queued shares the
    /// outcome of the attempt that ran instead of starting another.
    attempts: AtomicU64,
    refresh: Arc<Mutex<RefreshState>>,
}

/// What callers read: the token handed out and how the last attempt went.
#[derive(Default)]
struct Published {
    current: Option<Received>,
    generations: u64,
    retry_not_before: Option<Instant>,
    last_error: Option<TokenError>,
}

/// What only the attempt holding the refresh lock touches.
#[derive(Default)]
struct RefreshState {
    loaded_store: bool,
    failures: u32,
    /// A new token whose save failed: never handed out, saved first by the next attempt.
    held_back: Option<Received>,
    /// The access token of the fleet's token this process last used or published: a shared
    /// token with another one is news.
    fleet_seen: Option<Secret<String>>,
}

/// How many lease times an attempt waits for other processes of the fleet before it renews
/// on its own: each wait ends when a lease ends, so only leases taken and lost without a
/// token (holders dying one after another) use them up.
const FLEET_PATIENCE_LEASES: u32 = 3;

/// The fleet store, and whether it is failing (so that is logged once, not per attempt).
struct Fleet {
    store: Arc<dyn FleetStore>,
    failing: AtomicBool,
}

impl Fleet {
    fn failed(&self, error: &TokenError) {
        if !self.failing.swap(true, Ordering::Relaxed) {
            tracing::warn!(error = %error, "the fleet's token store is unavailable; this process renews its token on its own until it answers again");
        }
    }

    fn answered<T>(&self, answer: T) -> T {
        if self.failing.swap(false, Ordering::Relaxed) {
            tracing::info!("the fleet's token store answers again; this process shares the fleet's token from its next renewal");
        }
        answer
    }

    async fn release(&self, lease: &FleetLease) {
        if let Err(error) = self.store.release(lease).await {
            tracing::debug!(error = %error, fence = lease.fence(), "the fleet's lease was not released; it ends with its time");
        }
    }
}

/// What the hot path needs of the current token: the copy to hand out and until when.
struct Fresh {
    lease: Lease,
    refresh_at: Option<Instant>,
}

impl Fresh {
    fn is_fresh(&self, now: Instant) -> bool {
        before(self.refresh_at, now)
    }
}

/// Whether `now` is before `deadline`; no deadline is never reached.
fn before(deadline: Option<Instant>, now: Instant) -> bool {
    deadline.is_none_or(|at| now < at)
}

/// A token with its deadlines on tokio's clock, fixed when it was received.
#[derive(Clone)]
struct Received {
    token: Token,
    /// The access token as handed out: one shared copy for every caller.
    access: AccessToken,
    /// Which token this is: 1 for the first handed out, then one more per new token.
    generation: u64,
    refresh_at: Option<Instant>,
    expires_at: Option<Instant>,
    refresh_expires_at: Option<Instant>,
}

/// An access token handed out, with the generation it belongs to.
#[derive(Clone)]
struct Lease {
    generation: u64,
    access: AccessToken,
}

impl Lease {
    fn issued(self) -> crate::auth::IssuedToken {
        crate::auth::IssuedToken { token: self.access, generation: self.generation }
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Want {
    /// A token not yet due for refresh (or, failing that, any valid one).
    Fresh,
    /// A token other than this generation, which the API rejected.
    NewerThan(u64),
}

impl Received {
    fn new(token: Token, policy: &Policy) -> Self {
        let now = Instant::now();
        let now_utc = Utc::now();
        // A time too far ahead for the clock is as good as no expiry.
        let deadline = |at: Option<DateTime<Utc>>| at.and_then(|at| now.checked_add((at - now_utc).to_std().unwrap_or_default()));
        let expires_at = deadline(token.expires_at());
        let refresh_at = expires_at.map(|expiry| expiry - policy.margin(expiry.saturating_duration_since(now)));
        let refresh_expires_at = deadline(token.refresh_expires_at());
        let access = AccessToken::from(token.access_token());
        Received { token, access, generation: 0, refresh_at, expires_at, refresh_expires_at }
    }

    fn is_fresh(&self, now: Instant) -> bool {
        before(self.refresh_at, now)
    }

    fn is_valid(&self, now: Instant) -> bool {
        before(self.expires_at, now)
    }

    /// Whether a refresh can work: the refresh token has not expired, or, for vendors that
    /// renew the access token itself, the access token has not.
    fn can_refresh(&self, now: Instant) -> bool {
        match self.token.refresh_token() {
            Some(_) => before(self.refresh_expires_at, now),
            None => self.is_valid(now),
        }
    }

    fn lease(&self) -> Lease {
        Lease { generation: self.generation, access: self.access.clone() }
    }
}

impl Published {
    fn backing_off(&self, now: Instant) -> bool {
        self.retry_not_before.is_some_and(|at| now < at)
    }

    /// The error for a caller left without a usable token, saying why.
    fn unavailable(&self, want: Want, now: Instant) -> TokenError {
        let context = match (want, &self.current) {
            (Want::NewerThan(_), _) => "the API rejected the access token and getting a new one failed",
            (Want::Fresh, Some(_)) => "no valid access token: the last one has expired and getting a new one failed",
            (Want::Fresh, None) => "no access token: getting one failed",
        };
        let retry_in = self.retry_not_before.map(|at| at.saturating_duration_since(now));
        match &self.last_error {
            Some(error) => error.in_context(context, retry_in),
            None => TokenError::other(format!("{context}: the token source answered with a token that had already expired (is the clock right?)")),
        }
    }
}

impl<S> Inner<S> {
    // The lock guards plain data that is replaced whole, so a panic elsewhere cannot leave it
    // half-updated: a poisoned lock is used as is.
    fn read(&self) -> RwLockReadGuard<'_, Published> {
        self.published.read().unwrap_or_else(PoisonError::into_inner)
    }

    fn write(&self) -> RwLockWriteGuard<'_, Published> {
        self.published.write().unwrap_or_else(PoisonError::into_inner)
    }

    /// After waiting for the refresh lock: the answer, if the token or the attempts changed
    /// meanwhile or attempts are backing off; `None` if this caller should run an attempt.
    fn settled(&self, want: Want, seen_attempts: u64) -> Option<Result<Lease, TokenError>> {
        let now = Instant::now();
        let published = self.read();
        if let Some(current) = &published.current {
            let answers = match want {
                Want::Fresh => current.is_fresh(now),
                Want::NewerThan(rejected) => current.generation != rejected && current.is_valid(now),
            };
            if answers {
                return Some(Ok(current.lease()));
            }
        }
        let attempted_meanwhile = self.attempts.load(Ordering::Acquire) != seen_attempts;
        if !attempted_meanwhile && !published.backing_off(now) {
            return None;
        }
        Some(match &published.current {
            Some(current) if want == Want::Fresh && current.is_valid(now) => Ok(current.lease()),
            _ => Err(published.unavailable(want, now)),
        })
    }
}

impl<S: TokenSource + 'static> Inner<S> {
    /// One attempt at a new token, holding the refresh lock; publishes its outcome.
    async fn attempt(self: Arc<Self>, mut state: OwnedMutexGuard<RefreshState>, want: Want) -> Result<Lease, TokenError> {
        let outcome = self.obtain(&mut state, want).await;
        let now = Instant::now();
        let result = match outcome {
            Ok(mut received) => {
                let expires_in = received.expires_at.map(|at| at.saturating_duration_since(now));
                // A token already due when it arrives (a zero lifetime, or an absolute expiry
                // in the past by our clock) would make every call refresh: space the next
                // attempt as if this one had failed.
                let retry_at = if received.is_fresh(now) {
                    state.failures = 0;
                    None
                } else {
                    state.failures = state.failures.saturating_add(1);
                    tracing::warn!(?expires_in, "the new access token is already due for refresh; is the clock right?");
                    Some(now + self.policy.backoff.delay(state.failures, None))
                };
                let mut published = self.write();
                published.generations += 1;
                received.generation = published.generations;
                let lease = received.lease();
                self.fresh.store(Some(Arc::new(Fresh { lease: lease.clone(), refresh_at: received.refresh_at })));
                published.current = Some(received);
                published.retry_not_before = retry_at;
                published.last_error = None;
                drop(published);
                tracing::debug!(generation = lease.generation, ?expires_in, "new access token");
                Ok(lease)
            }
            Err(error) => {
                state.failures = state.failures.saturating_add(1);
                let delay = self.policy.backoff.delay(state.failures, error.retry_after());
                // Logged before publishing: a slow log writer must not hold up readers.
                tracing::warn!(kind = ?error.kind(), failures = state.failures, error = %error, "getting a new access token failed");
                let mut published = self.write();
                let mut retry_at = now + delay;
                // Once the current token expires, waiting protects nothing: try again then.
                if let Some(expiry) = published.current.as_ref().and_then(|c| c.expires_at).filter(|&at| at > now) {
                    retry_at = retry_at.min(expiry);
                }
                published.retry_not_before = Some(retry_at);
                published.last_error = Some(error);
                match &published.current {
                    Some(current) if want == Want::Fresh && current.is_valid(now) => Ok(current.lease()),
                    _ => Err(published.unavailable(want, now)),
                }
            }
        };
        self.attempts.fetch_add(1, Ordering::Release);
        result
    }

    /// Gets the token to publish next: a held-back one once saved, the stored one if fresh,
    /// else (through the fleet store, when there is one) a refresh of the best token at hand,
    /// else a login — and saves it first.
    async fn obtain(&self, state: &mut RefreshState, want: Want) -> Result<Received, TokenError> {
        let mut base = None;
        if let Some(held_back) = state.held_back.take() {
            if let Err(error) = self.save(&held_back.token).await {
                state.held_back = Some(held_back);
                return Err(error.in_context("the new token is still held back: saving it failed again", None));
            }
            if held_back.is_fresh(Instant::now()) {
                return Ok(held_back);
            }
            base = Some(held_back);
        }
        if !state.loaded_store {
            state.loaded_store = true;
            match self.load().await {
                Ok(Some(token)) => {
                    let stored = Received::new(token, &self.policy);
                    // Judged on the clock read after its deadlines were set: an expired token's
                    // deadline is "now" inside `Received::new`, later than any clock read before.
                    if stored.is_fresh(Instant::now()) {
                        tracing::debug!("using the stored token");
                        return Ok(stored);
                    }
                    base = base.or(Some(stored));
                }
                Ok(None) => {}
                Err(error) => tracing::warn!(error = %error, "the stored token could not be read; getting a new one"),
            }
        }
        let base = base.or_else(|| self.read().current.clone());
        match &self.fleet {
            Some(fleet) => self.obtain_in_fleet(fleet, state, want, base).await,
            None => self.renew_and_keep(state, base.as_ref()).await,
        }
    }

    /// Gets a new token from `base`: a refresh while it can work, else a login.
    async fn renew(&self, base: Option<&Received>) -> Result<Token, TokenError> {
        match base {
            Some(current) if current.can_refresh(Instant::now()) => match self.source.refresh(&current.token).await {
                Ok(token) => Ok(token.keeping_refresh_token_of(&current.token)),
                Err(error) if error.calls_for_login() => {
                    tracing::info!(kind = ?error.kind(), error = %error, "the session cannot be refreshed; logging in");
                    self.login("refreshing needed a new login, and logging in failed").await
                }
                Err(error) => Err(error),
            },
            Some(_) => {
                tracing::debug!("the refresh token has expired; logging in");
                self.login("the refresh token has expired, and logging in failed").await
            }
            None => self.source.login().await,
        }
    }

    /// Saves a new token in the manager's own store before it is handed out; holds it back
    /// when that fails.
    async fn keep(&self, state: &mut RefreshState, received: Received) -> Result<Received, TokenError> {
        if let Err(error) = self.save(&received.token).await {
            tracing::error!(error = %error, "the new token could not be saved; holding it back until a save succeeds");
            state.held_back = Some(received);
            return Err(error.in_context("the new token could not be saved, so it is held back until a save succeeds", None));
        }
        Ok(received)
    }

    /// The fleet's side of [`obtain`](Self::obtain): use the token another process published
    /// if it is new to this one and will do; else take the fleet's lease and renew for
    /// everyone; else wait for the process holding it. Whenever the fleet store fails, or
    /// its lease keeps changing hands without a token, this process renews on its own.
    async fn obtain_in_fleet(&self, fleet: &Fleet, state: &mut RefreshState, want: Want, local: Option<Received>) -> Result<Received, TokenError> {
        let patience = Instant::now() + fleet.store.lease_time().saturating_mul(FLEET_PATIENCE_LEASES);
        loop {
            let shared = match fleet.store.read().await {
                Ok(shared) => fleet.answered(shared),
                Err(error) => return self.obtain_alone(fleet, state, error, local).await,
            };
            let seen_fence = shared.as_ref().map_or(0, |shared| shared.fence);
            let news = self.news(state, shared);
            if let Some(adopted) = self.adopt(state, want, &news).await {
                return adopted;
            }
            if Instant::now() >= patience {
                let error = TokenError::store("the fleet's lease changed hands without a new token being published");
                return self.obtain_alone(fleet, state, error, news.or(local)).await;
            }
            let lease = match fleet.store.acquire().await {
                Ok(Some(lease)) => lease,
                Ok(None) => {
                    tracing::debug!("another process is renewing the fleet's token; waiting for it");
                    if let Err(error) = fleet.store.wait_for_change(seen_fence).await {
                        return self.obtain_alone(fleet, state, error, news.or(local)).await;
                    }
                    continue;
                }
                Err(error) => return self.obtain_alone(fleet, state, error, news.or(local)).await,
            };
            // Someone may have published between the read and the lease.
            let news = match fleet.store.read().await {
                Ok(shared) => self.news(state, shared).or(news),
                Err(_) => news,
            };
            if let Some(adopted) = self.adopt(state, want, &news).await {
                fleet.release(&lease).await;
                return adopted;
            }
            tracing::debug!(fence = lease.fence(), "renewing the fleet's token");
            let renewed = self.renew(news.as_ref().or(local.as_ref())).await;
            let token = match renewed {
                Ok(token) => token,
                Err(error) => {
                    fleet.release(&lease).await;
                    return Err(error);
                }
            };
            // Published before anyone uses it: a rotated refresh token must not be lost.
            match fleet.store.publish(&lease, &token).await {
                Ok(true) => {}
                Ok(false) => tracing::warn!(fence = lease.fence(), "a later lease published the fleet's token first; this process uses its own until it next renews"),
                Err(error) => fleet.failed(&error),
            }
            fleet.release(&lease).await;
            state.fleet_seen = Some(token.access_token().clone());
            return self.keep(state, Received::new(token, &self.policy)).await;
        }
    }

    /// The shared token, as a received one, if this process has not used it yet.
    fn news(&self, state: &RefreshState, shared: Option<SharedToken>) -> Option<Received> {
        shared
            .filter(|shared| state.fleet_seen.as_ref() != Some(shared.token.access_token()))
            .map(|shared| Received::new(shared.token, &self.policy))
    }

    /// Takes up a token another process published, when it answers what this attempt wants.
    async fn adopt(&self, state: &mut RefreshState, want: Want, news: &Option<Received>) -> Option<Result<Received, TokenError>> {
        let news = news.as_ref()?;
        let now = Instant::now();
        let will_do = match want {
            Want::Fresh => news.is_fresh(now),
            Want::NewerThan(_) => news.is_valid(now),
        };
        if !will_do {
            return None;
        }
        tracing::debug!("using the token another process of the fleet published");
        state.fleet_seen = Some(news.token.access_token().clone());
        Some(self.keep(state, news.clone()).await)
    }

    /// Renews without the fleet store, which failed with `error`: this process is on its own
    /// until the store answers again.
    async fn obtain_alone(&self, fleet: &Fleet, state: &mut RefreshState, error: TokenError, base: Option<Received>) -> Result<Received, TokenError> {
        fleet.failed(&error);
        self.renew_and_keep(state, base.as_ref()).await
    }

    async fn renew_and_keep(&self, state: &mut RefreshState, base: Option<&Received>) -> Result<Received, TokenError> {
        let token = self.renew(base).await?;
        self.keep(state, Received::new(token, &self.policy)).await
    }

    async fn login(&self, context: &str) -> Result<Token, TokenError> {
        self.source.login().await.map_err(|error| error.in_context(context, None))
    }

    async fn load(&self) -> Result<Option<Token>, TokenError> {
        let store = Arc::clone(&self.store);
        tokio::task::spawn_blocking(move || store.load())
            .await
            .unwrap_or_else(|_| Err(TokenError::store("the token store panicked while loading")))
    }

    async fn save(&self, token: &Token) -> Result<(), TokenError> {
        let store = Arc::clone(&self.store);
        let token = token.clone();
        tokio::task::spawn_blocking(move || store.save(&token))
            .await
            .unwrap_or_else(|_| Err(TokenError::store("the token store panicked while saving")))
    }
}
