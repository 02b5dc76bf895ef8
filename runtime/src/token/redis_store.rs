//! [`RedisStore`]: the [`FleetStore`] on Redis — one token per vendor and credential, shared by
//! every process that points at the same Redis, with a fenced lease so one of them renews it.
//!
//! Three keys per token, in one hash slot (`{…}`) so the scripts work on a Redis Cluster too:
//!
//! - `PREFIX:{VENDOR:ID}:token`: a hash of `fence` (the lease the token was published under)
//!   and `sealed` (the token as JSON, encrypted with XChaCha20-Poly1305 under a key derived from
//!   the store's encryption key, bound to the key name and fence). It expires with the token.
//! - `PREFIX:{VENDOR:ID}:lease`: the fence of the process renewing now, set with `NX PX`.
//! - `PREFIX:{VENDOR:ID}:fence`: the counter fences are drawn from.
//!
//! `ID` is a digest of the credential's identity (e.g. the user name), never the identity or a
//! secret itself. Nothing in a key or a command's arguments reads as a token, so `MONITOR` and
//! the slow log show ciphertext only. Each publication checks its fence against the stored one
//! in one script, so a renewer that stalled past its lease cannot overwrite a later token.

use std::fmt;
use std::sync::Mutex;
use std::time::Duration;

use base64::Engine as _;
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{Key, XChaCha20Poly1305, XNonce};
use chrono::Utc;
use redis::aio::{ConnectionManager, ConnectionManagerConfig};
use redis::Script;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::fleet::{FleetLease, FleetStore, SharedToken};
use super::{Token, TokenError};
use crate::hook::BoxFuture;
use crate::Secret;

/// A token shared through Redis by every process of an application, for one vendor and one
/// credential. Hand it to [`TokenManagerBuilder::fleet_store`](super::TokenManagerBuilder::fleet_store).
///
/// ```no_run
/// use std::time::Duration;
/// use vendor_runtime::token::RedisStore;
/// use vendor_runtime::Secret;
///
/// # fn main() -> Result<(), vendor_runtime::token::TokenError> {
/// let store = RedisStore::open(
///     "redis://127.0.0.1:6379/",
///     "smartling",                    // the vendor
///     "user-identifier-of-the-app",   // whose token: hashed into the key, never stored
///     Secret::new(std::env::var("TOKEN_STORE_KEY").unwrap_or_default()),
/// )?
/// .lease_time(Duration::from_secs(10));
/// # let _ = store; Ok(()) }
/// ```
///
/// Every process of the fleet must use the same URL, vendor, identity and encryption key. It
/// connects on first use (so it can be built before Redis is up) and reconnects by itself.
pub struct RedisStore {
    client: redis::Client,
    connection: Mutex<Option<ConnectionManager>>,
    keys: Keys,
    cipher: XChaCha20Poly1305,
    scripts: Scripts,
    lease_time: Duration,
    timeout: Duration,
    poll_every: Duration,
}

/// The store's Lua scripts, hashed once (they are sent by hash, and loaded when Redis lacks them).
struct Scripts {
    acquire: Script,
    publish: Script,
    release: Script,
}

/// The names of one token's keys.
#[derive(Debug)]
struct Keys {
    token: String,
    lease: String,
    fence: String,
}

/// What `sealed` holds once decrypted; `format` lets a later version read this one's tokens.
#[derive(Serialize, Deserialize)]
struct Sealed {
    format: u32,
    token: Token,
}

const FORMAT: u32 = 1;
const NONCE_LEN: usize = 24;
const DEFAULT_PREFIX: &str = "vendor-token";

/// Takes the lease if it is free: answers its fence, or 0.
const ACQUIRE: &str = r"
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
local fence = redis.call('INCR', KEYS[2])
redis.call('SET', KEYS[1], fence, 'PX', ARGV[1])
return fence
";

/// Stores the token unless one of a later or the same fence is there: answers 1 or 0.
const PUBLISH: &str = r"
local stored = tonumber(redis.call('HGET', KEYS[1], 'fence') or '0')
if stored >= tonumber(ARGV[1]) then return 0 end
redis.call('HSET', KEYS[1], 'fence', ARGV[1], 'sealed', ARGV[2])
if tonumber(ARGV[3]) > 0 then redis.call('PEXPIRE', KEYS[1], ARGV[3]) else redis.call('PERSIST', KEYS[1]) end
return 1
";

/// Deletes the lease only if it is still the caller's.
const RELEASE: &str = r"
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
";

impl RedisStore {
    /// A store for `vendor`'s token of the credential named by `identity` (a user name, an
    /// app id: anything that tells this credential from others of the same vendor), on the
    /// Redis at `url` (`redis://[:password@]host:port/db`, or `rediss://` with TLS enabled
    /// in the `redis` crate). Tokens are encrypted with a key derived from `encryption_key`:
    /// give every process the same random string of at least 32 characters.
    ///
    /// Nothing is connected yet; a malformed URL is the only error.
    pub fn open(url: &str, vendor: &str, identity: &str, encryption_key: Secret<String>) -> Result<Self, TokenError> {
        let client = redis::Client::open(url).map_err(|e| TokenError::store("the Redis URL of the token store is not valid").with_source(e))?;
        Ok(Self::with_client(client, vendor, identity, encryption_key))
    }

    /// [`open`](Self::open) with a [`redis::Client`] built by the caller.
    pub fn with_client(client: redis::Client, vendor: &str, identity: &str, encryption_key: Secret<String>) -> Self {
        let mut derived = Sha256::new();
        derived.update(b"vendor-runtime redis token store v1\0");
        derived.update(encryption_key.expose().as_bytes());
        let cipher = XChaCha20Poly1305::new(&Key::from(<[u8; 32]>::from(derived.finalize())));
        RedisStore {
            client,
            connection: Mutex::new(None),
            keys: Keys::new(DEFAULT_PREFIX, vendor, identity),
            cipher,
            scripts: Scripts { acquire: Script::new(ACQUIRE), publish: Script::new(PUBLISH), release: Script::new(RELEASE) },
            lease_time: Duration::from_secs(10),
            timeout: Duration::from_millis(500),
            poll_every: Duration::from_millis(20),
        }
    }

    /// How long a renewing process holds the fleet's lease at most (default 10 s). Make it
    /// longer than a login or refresh can take (the token source's HTTP timeout): a renewal
    /// that outlives its lease may race the next one.
    pub fn lease_time(mut self, lease_time: Duration) -> Self {
        self.lease_time = lease_time.max(Duration::from_millis(1));
        self
    }

    /// How long one Redis command may take before the process renews on its own (default
    /// 500 ms); connecting gets as long.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// The prefix of the store's key names (default `vendor-token`).
    pub fn key_prefix(mut self, prefix: &str) -> Self {
        self.keys = self.keys.with_prefix(prefix);
        self
    }

    /// The connection, made on first use; the manager under it reconnects by itself.
    fn connection(&self) -> Result<ConnectionManager, TokenError> {
        let mut slot = self.connection.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some(connection) = &*slot {
            return Ok(connection.clone());
        }
        let config = ConnectionManagerConfig::new()
            .set_connection_timeout(Some(self.timeout))
            .set_response_timeout(Some(self.timeout))
            .set_number_of_retries(1);
        let connection = ConnectionManager::new_lazy_with_config(self.client.clone(), config).map_err(failed)?;
        *slot = Some(connection.clone());
        Ok(connection)
    }

    /// Runs one exchange with Redis within the timeout.
    async fn exchange<T>(&self, exchange: impl std::future::Future<Output = redis::RedisResult<T>>) -> Result<T, TokenError> {
        match tokio::time::timeout(self.timeout, exchange).await {
            Ok(answer) => answer.map_err(failed),
            Err(_) => Err(TokenError::store(format!("the Redis token store did not answer within {:?}", self.timeout))),
        }
    }

    fn seal(&self, token: &Token, fence: u64) -> Result<String, TokenError> {
        let plain = serde_json::to_vec(&Sealed { format: FORMAT, token: token.clone() })
            .map_err(|e| TokenError::store("the token does not serialise").with_source(e))?;
        let mut nonce = [0u8; NONCE_LEN];
        getrandom::getrandom(&mut nonce).map_err(|e| TokenError::store("no random nonce for the token store").with_source(e))?;
        let aad = self.keys.bound_to(fence);
        let sealed = self
            .cipher
            .encrypt(XNonce::from_slice(&nonce), Payload { msg: &plain, aad: aad.as_bytes() })
            .map_err(|_| TokenError::store("the token could not be encrypted"))?;
        let mut out = Vec::with_capacity(NONCE_LEN + sealed.len());
        out.extend_from_slice(&nonce);
        out.extend_from_slice(&sealed);
        Ok(base64::engine::general_purpose::STANDARD.encode(out))
    }

    fn unseal(&self, sealed: &str, fence: u64) -> Result<Token, TokenError> {
        let unreadable = || TokenError::store(format!("the token in Redis at {} cannot be read with this store's encryption key", self.keys.token));
        let bytes = base64::engine::general_purpose::STANDARD.decode(sealed).map_err(|_| unreadable())?;
        if bytes.len() < NONCE_LEN {
            return Err(unreadable());
        }
        let (nonce, ciphertext) = bytes.split_at(NONCE_LEN);
        let aad = self.keys.bound_to(fence);
        let plain = self.cipher.decrypt(XNonce::from_slice(nonce), Payload { msg: ciphertext, aad: aad.as_bytes() }).map_err(|_| unreadable())?;
        let stored: Sealed = serde_json::from_slice(&plain).map_err(|_| unreadable())?;
        if stored.format != FORMAT {
            return Err(TokenError::store(format!("the token in Redis has format {}, this version reads {FORMAT}", stored.format)));
        }
        Ok(stored.token)
    }

    /// How long Redis keeps a token: until the last of its secrets dies, or for good when
    /// one of them has no known end. `0` means no expiry.
    fn keep_for_ms(token: &Token) -> u64 {
        let end = match token.refresh_token() {
            Some(_) => token.refresh_expires_at().map(|at| at.max(token.expires_at().unwrap_or(at))),
            None => token.expires_at(),
        };
        match end {
            Some(at) => u64::try_from((at - Utc::now()).num_milliseconds()).unwrap_or(0).max(1),
            None => 0,
        }
    }
}

impl Keys {
    fn new(prefix: &str, vendor: &str, identity: &str) -> Self {
        let digest = Sha256::digest(identity.as_bytes());
        let id: String = digest.iter().take(12).map(|b| format!("{b:02x}")).collect();
        let slot = format!("{prefix}:{{{vendor}:{id}}}");
        Keys { token: format!("{slot}:token"), lease: format!("{slot}:lease"), fence: format!("{slot}:fence") }
    }

    fn with_prefix(self, prefix: &str) -> Self {
        let rename = |key: String| match key.split_once(":{") {
            Some((_, rest)) => format!("{prefix}:{{{rest}"),
            None => key,
        };
        Keys { token: rename(self.token), lease: rename(self.lease), fence: rename(self.fence) }
    }

    /// What a sealed token is bound to: moved to another key or fence, it no longer opens.
    fn bound_to(&self, fence: u64) -> String {
        format!("{}#{fence}", self.token)
    }
}

fn failed(error: redis::RedisError) -> TokenError {
    TokenError::store(format!("the Redis token store failed ({:?})", error.kind())).with_source(error)
}

impl FleetStore for RedisStore {
    fn read(&self) -> BoxFuture<'_, Result<Option<SharedToken>, TokenError>> {
        Box::pin(async move {
            let mut connection = self.connection()?;
            let (fence, sealed): (Option<u64>, Option<String>) =
                self.exchange(redis::cmd("HMGET").arg(&self.keys.token).arg("fence").arg("sealed").query_async(&mut connection)).await?;
            match (fence, sealed) {
                (Some(fence), Some(sealed)) => Ok(Some(SharedToken { token: self.unseal(&sealed, fence)?, fence })),
                _ => Ok(None),
            }
        })
    }

    fn acquire(&self) -> BoxFuture<'_, Result<Option<FleetLease>, TokenError>> {
        Box::pin(async move {
            let mut connection = self.connection()?;
            let lease_ms = u64::try_from(self.lease_time.as_millis()).unwrap_or(u64::MAX);
            let mut invocation = self.scripts.acquire.key(&self.keys.lease);
            invocation.key(&self.keys.fence).arg(lease_ms);
            let fence: u64 = self.exchange(invocation.invoke_async(&mut connection)).await?;
            Ok((fence != 0).then(|| FleetLease::new(fence)))
        })
    }

    fn publish<'a>(&'a self, lease: &'a FleetLease, token: &'a Token) -> BoxFuture<'a, Result<bool, TokenError>> {
        Box::pin(async move {
            let sealed = self.seal(token, lease.fence())?;
            let mut connection = self.connection()?;
            let mut invocation = self.scripts.publish.key(&self.keys.token);
            invocation.arg(lease.fence()).arg(sealed).arg(Self::keep_for_ms(token));
            let stored: u8 = self.exchange(invocation.invoke_async(&mut connection)).await?;
            Ok(stored == 1)
        })
    }

    fn release<'a>(&'a self, lease: &'a FleetLease) -> BoxFuture<'a, Result<(), TokenError>> {
        Box::pin(async move {
            let mut connection = self.connection()?;
            let mut invocation = self.scripts.release.key(&self.keys.lease);
            invocation.arg(lease.fence());
            let _: u8 = self.exchange(invocation.invoke_async(&mut connection)).await?;
            Ok(())
        })
    }

    fn wait_for_change(&self, seen: u64) -> BoxFuture<'_, Result<(), TokenError>> {
        Box::pin(async move {
            let until = tokio::time::Instant::now() + self.lease_time;
            let mut connection = self.connection()?;
            // A renewal is usually over in milliseconds: look again soon, then less often.
            let mut pause = Duration::from_millis(1);
            loop {
                let (fence, leased): (Option<u64>, bool) = self
                    .exchange(redis::pipe().hget(&self.keys.token, "fence").exists(&self.keys.lease).query_async(&mut connection))
                    .await?;
                if fence.unwrap_or(0) != seen || !leased || tokio::time::Instant::now() >= until {
                    return Ok(());
                }
                tokio::time::sleep(pause).await;
                pause = (pause * 2).min(self.poll_every);
            }
        })
    }

    fn lease_time(&self) -> Duration {
        self.lease_time
    }
}

impl fmt::Debug for RedisStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RedisStore")
            .field("client", &self.client)
            .field("token_key", &self.keys.token)
            .field("lease_time", &self.lease_time)
            .field("timeout", &self.timeout)
            .finish_non_exhaustive()
    }
}
