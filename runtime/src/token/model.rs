//! [`Token`]: the one shape every vendor's token answer is normalised into.
//!
//! Expiries are absolute (UTC) so a token read back from a store hours later still says when
//! it dies; the manager turns them into monotonic deadlines when it receives the token. The
//! secrets serialise in clear (a store must be able to read them back) but never reach `Debug`.

use std::fmt;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::expiry;
use crate::Secret;

/// An access token, what it takes to renew it, and when each dies.
///
/// Built by a [`TokenSource`](super::TokenSource) from a vendor's answer:
///
/// ```
/// use vendor_runtime::token::{expiry, Token};
///
/// let received_at = chrono::Utc::now();
/// let token = Token::new("access")
///     .with_refresh_token("refresh")
///     .with_token_type("Bearer")
///     .with_expires_at(expiry::after_seconds(480, received_at))
///     .with_refresh_expires_at(expiry::after_seconds(3600, received_at));
/// assert_eq!(token.access_token().expose(), "access");
/// assert!(!format!("{token:?}").contains("access\""));
/// ```
///
/// A token without an expiry is treated as valid until an API call rejects it.
#[derive(Clone, PartialEq, Serialize, Deserialize)]
pub struct Token {
    access_token: Secret<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    refresh_token: Option<Secret<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    token_type: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    expires_at: Option<DateTime<Utc>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    refresh_expires_at: Option<DateTime<Utc>>,
    /// The vendor's answer as received, for fields the common model has no place for.
    #[serde(default, skip_serializing_if = "Value::is_null")]
    raw: Value,
}

impl Token {
    /// A token with only its access token; add the rest with the `with_*` methods.
    pub fn new(access_token: impl Into<Secret<String>>) -> Self {
        Token {
            access_token: access_token.into(),
            refresh_token: None,
            token_type: None,
            expires_at: None,
            refresh_expires_at: None,
            raw: Value::Null,
        }
    }

    pub fn with_refresh_token(mut self, refresh_token: impl Into<Secret<String>>) -> Self {
        self.refresh_token = Some(refresh_token.into());
        self
    }

    /// The scheme the vendor names, e.g. `Bearer`.
    pub fn with_token_type(mut self, token_type: impl Into<String>) -> Self {
        self.token_type = Some(token_type.into());
        self
    }

    /// When the access token dies; see [`expiry`] to compute it from what the vendor sent.
    pub fn with_expires_at(mut self, expires_at: impl Into<Option<DateTime<Utc>>>) -> Self {
        self.expires_at = expires_at.into();
        self
    }

    /// When the refresh token dies; `None` when the vendor does not say.
    pub fn with_refresh_expires_at(mut self, refresh_expires_at: impl Into<Option<DateTime<Utc>>>) -> Self {
        self.refresh_expires_at = refresh_expires_at.into();
        self
    }

    /// Keeps the vendor's whole answer beside the normalised fields.
    pub fn with_raw(mut self, raw: Value) -> Self {
        self.raw = raw;
        self
    }

    /// When the answer gave no lifetime, reads it from the access token's JWT `exp` claim
    /// (see [`expiry::from_jwt`]); a token that is not a JWT keeps no expiry.
    pub fn with_jwt_expiry_fallback(mut self) -> Self {
        if self.expires_at.is_none() {
            self.expires_at = expiry::from_jwt(self.access_token.expose());
        }
        self
    }

    pub fn access_token(&self) -> &Secret<String> {
        &self.access_token
    }

    pub fn refresh_token(&self) -> Option<&Secret<String>> {
        self.refresh_token.as_ref()
    }

    /// The refresh token, or `LoginRequired` when this token has none: what a refresh call
    /// that sends it needs.
    pub fn require_refresh_token(&self) -> Result<&Secret<String>, super::TokenError> {
        self.refresh_token().ok_or_else(|| super::TokenError::login_required("the current token has no refresh token"))
    }

    pub fn token_type(&self) -> Option<&str> {
        self.token_type.as_deref()
    }

    pub fn expires_at(&self) -> Option<DateTime<Utc>> {
        self.expires_at
    }

    pub fn refresh_expires_at(&self) -> Option<DateTime<Utc>> {
        self.refresh_expires_at
    }

    /// The vendor's answer as received (`Null` when the source kept none). It holds the
    /// secrets too: never log it.
    pub fn raw(&self) -> &Value {
        &self.raw
    }

    /// A refresh answer that carries no refresh token means "keep using the one you have"
    /// (OAuth 2.0, RFC 6749 §6; Pitchpoint reuses one refresh token for a day): keep it, with
    /// its expiry, rather than lose the session.
    pub(crate) fn keeping_refresh_token_of(mut self, previous: &Token) -> Self {
        if self.refresh_token.is_none() && previous.refresh_token.is_some() {
            self.refresh_token = previous.refresh_token.clone();
            self.refresh_expires_at = previous.refresh_expires_at;
        }
        self
    }
}

// The secrets and the raw answer (which repeats them) print as markers; the times and the
// token type are what a log reader needs.
impl fmt::Debug for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Token")
            .field("access_token", &self.access_token)
            .field("refresh_token", &self.refresh_token)
            .field("token_type", &self.token_type)
            .field("expires_at", &self.expires_at)
            .field("refresh_expires_at", &self.refresh_expires_at)
            .field("raw", &format_args!("[redacted]"))
            .finish()
    }
}

/// An access token as the [`TokenManager`](super::TokenManager) hands it out: the manager keeps
/// one shared copy per token, so handing it to every call costs a reference count, not a copy.
/// Like [`Secret`], its `Debug` and `Display` print a redaction marker; read it with
/// [`expose`](Self::expose) where the value is needed.
///
/// ```
/// use vendor_runtime::token::AccessToken;
/// let token = AccessToken::from("s3cr3t");
/// assert_eq!(token.expose(), "s3cr3t");
/// assert_eq!(format!("{token:?} {token}"), "AccessToken([redacted]) [redacted]");
/// ```
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct AccessToken(std::sync::Arc<str>);

impl AccessToken {
    /// The token itself. Call it only where the value is needed, never to log it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl From<&str> for AccessToken {
    fn from(value: &str) -> Self {
        AccessToken(value.into())
    }
}

impl From<&Secret<String>> for AccessToken {
    fn from(value: &Secret<String>) -> Self {
        AccessToken(value.expose().as_str().into())
    }
}

impl fmt::Debug for AccessToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("AccessToken([redacted])")
    }
}

impl fmt::Display for AccessToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}
