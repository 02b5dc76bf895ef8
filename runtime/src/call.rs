//! Settings of one call, beside the client's [`Config`](crate::Config): extra headers, a
//! timeout of its own, an idempotency key.
//!
//! Every generated call takes them through its builder's `call_options`:
//!
//! ```
//! use std::time::Duration;
//! use vendor_runtime::CallOptions;
//! let options = CallOptions::new()
//!     .header("X-Request-Id", "7f3c")
//!     .timeout(Duration::from_secs(2))
//!     .idempotency_key("order-6735");
//! assert_eq!(options.get_timeout(), Some(Duration::from_secs(2)));
//! // Header values may be credentials (a signature): `Debug` shows only their names.
//! assert!(!format!("{options:?}").contains("7f3c"));
//! ```

use std::fmt;
use std::time::Duration;

/// Per-call headers, timeout and idempotency key; the default changes nothing.
#[derive(Clone, Default)]
pub struct CallOptions {
    pub(crate) headers: Vec<(String, String)>,
    pub(crate) timeout: Option<Duration>,
    pub(crate) idempotency_key: Option<String>,
}

impl CallOptions {
    pub fn new() -> Self {
        CallOptions::default()
    }

    /// A header sent with this call, after the operation's own; a name or value a header
    /// cannot carry makes the call fail with `Error::InvalidRequest` before anything is sent.
    pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }

    /// How long this call may take in all, instead of [`Config::timeout`](crate::Config::timeout).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// Sends `Idempotency-Key: key` (Stripe's, and the IETF draft's, header). The server then
    /// acts on a repeated request once, so a call with a key is retried after a timeout or a
    /// dropped connection even when its method (`POST`, `PATCH`) is not idempotent.
    pub fn idempotency_key(mut self, key: impl Into<String>) -> Self {
        self.idempotency_key = Some(key.into());
        self
    }

    pub fn get_timeout(&self) -> Option<Duration> {
        self.timeout
    }

    pub fn get_idempotency_key(&self) -> Option<&str> {
        self.idempotency_key.as_deref()
    }
}

impl fmt::Debug for CallOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names: Vec<&str> = self.headers.iter().map(|(name, _)| name.as_str()).collect();
        f.debug_struct("CallOptions")
            .field("headers", &names)
            .field("timeout", &self.timeout)
            .field("idempotency_key", &self.idempotency_key)
            .finish()
    }
}
