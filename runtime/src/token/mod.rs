//! Token lifecycle: getting an access token, keeping it fresh, and keeping it across restarts.
//!
//! Vendor-independent and hand-written (never regenerated). The generator emits one
//! [`TokenSource`] per vendor — how to log in and how to refresh — and everything that does not
//! depend on the vendor lives here:
//!
//! - [`Token`]: the common model every vendor's answer is normalised into (absolute expiries;
//!   [`expiry`] turns `expires_in` seconds, RFC 3339 times or a JWT `exp` claim into one).
//! - [`TokenSource`]: `login()` and `refresh()`, with [`TokenError`] saying whether a failure is
//!   worth retrying.
//! - [`TokenManager`]: hands out a valid access token under load and faults — refresh ahead of
//!   expiry, one refresh at a time, backoff, fallback to login, one retry after a 401.
//! - [`TokenStore`]: where the current token is kept ([`MemoryStore`], or [`FileStore`] written
//!   atomically with owner-only permissions).
//! - [`FleetStore`]: one token shared by several processes, renewed by one at a time under a
//!   lease (`RedisStore`, with the cargo feature `redis`).
//!
//! Nothing in this folder may print a secret: [`Token`], [`TokenError`] and [`TokenManager`]
//! redact in `Debug`, and tracing events carry only kinds, generations and times.

mod error;
pub mod expiry;
mod fleet;
mod manager;
mod model;
mod retry;
mod source;
mod store;
#[cfg(feature = "redis")]
mod redis_store;

pub use error::{call_failed, refresh_failed, required, TokenError, TokenErrorKind};
pub use manager::{AuthFailure, CallError, TokenManager, TokenManagerBuilder};
pub use model::{AccessToken, Token};
pub use source::{login_answer, refresh_answer, Answer, Login, LoginFn, TokenResult, TokenSource};
pub use fleet::{FleetLease, FleetStore, SharedToken};
pub use store::{FileStore, MemoryStore, TokenStore};
#[cfg(feature = "redis")]
pub use redis_store::RedisStore;
