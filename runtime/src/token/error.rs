//! [`TokenError`]: why no token could be had, sorted by what the caller should do next.
//!
//! Messages are written by token sources and the manager; they describe what failed and
//! never quote a token, a secret or a response body. `Debug` prints a cause through its
//! `Display`, because a cause's own `Debug` may show a body.

use std::error::Error as StdError;
use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use reqwest::header::RETRY_AFTER;
use reqwest::StatusCode;

use crate::Error;

/// What kind of failure a [`TokenError`] is, which decides whether trying again can help.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum TokenErrorKind {
    /// Only a new login can go on: the refresh token is dead, the vendor asked for a login,
    /// or the source has no credentials to log in with. Do not retry the same request.
    LoginRequired,
    /// The vendor refused the credentials or the refresh token. Do not retry the same request.
    CredentialsRejected,
    /// The sign-in needs a step the source cannot take, such as a second factor (Cloudreve
    /// answers a 2FA session instead of a token): finish it elsewhere and put the token in the
    /// manager's store. Do not retry the same request.
    SecondFactorRequired,
    /// A failure that may pass: no answer, a timeout, a 5xx, a rate limit. Retry with backoff.
    Transient,
    /// The token store could not load or save the token.
    Store,
    /// Anything else, e.g. an answer that could not be understood.
    Other,
}

/// A failure to get, refresh or keep a token. Cheap to clone: a refresh's failure is handed
/// to every caller that waited for it.
#[derive(Clone)]
pub struct TokenError {
    kind: TokenErrorKind,
    message: String,
    retry_after: Option<Duration>,
    source: Option<Arc<dyn StdError + Send + Sync>>,
}

impl TokenError {
    /// `message` says what failed; it must not contain a secret.
    pub fn new(kind: TokenErrorKind, message: impl Into<String>) -> Self {
        TokenError { kind, message: message.into(), retry_after: None, source: None }
    }

    pub fn login_required(message: impl Into<String>) -> Self {
        Self::new(TokenErrorKind::LoginRequired, message)
    }

    pub fn credentials_rejected(message: impl Into<String>) -> Self {
        Self::new(TokenErrorKind::CredentialsRejected, message)
    }

    pub fn transient(message: impl Into<String>) -> Self {
        Self::new(TokenErrorKind::Transient, message)
    }

    pub fn store(message: impl Into<String>) -> Self {
        Self::new(TokenErrorKind::Store, message)
    }

    /// A documented success answer of a login that carries no token (e.g. "2FA required"),
    /// named by its `variant`.
    pub fn unexpected_outcome(variant: &str) -> Self {
        TokenError::new(
            TokenErrorKind::SecondFactorRequired,
            format!("the sign-in answered `{variant}` instead of a token: finish it another way, then hand the token to the manager"),
        )
    }

    pub fn other(message: impl Into<String>) -> Self {
        Self::new(TokenErrorKind::Other, message)
    }

    /// Keeps the underlying error, reachable through [`std::error::Error::source`].
    pub fn with_source(mut self, source: impl StdError + Send + Sync + 'static) -> Self {
        self.source = Some(Arc::new(source));
        self
    }

    /// How long the vendor asked to wait (e.g. from `Retry-After`); the manager waits at least
    /// this long before its next attempt.
    pub fn with_retry_after(mut self, wait: Duration) -> Self {
        self.retry_after = Some(wait);
        self
    }

    pub fn kind(&self) -> TokenErrorKind {
        self.kind
    }

    /// How long to wait before trying again, when known.
    pub fn retry_after(&self) -> Option<Duration> {
        self.retry_after
    }

    /// Whether the same request may succeed later ([`TokenErrorKind::Transient`]).
    pub fn is_retryable(&self) -> bool {
        self.kind == TokenErrorKind::Transient
    }

    /// A refresh failure after which only a new login can help.
    pub(crate) fn calls_for_login(&self) -> bool {
        matches!(self.kind, TokenErrorKind::LoginRequired | TokenErrorKind::CredentialsRejected)
    }

    /// The same failure, its message prefixed with what it means to the caller.
    pub(crate) fn in_context(&self, context: &str, retry_after: Option<Duration>) -> Self {
        TokenError {
            kind: self.kind,
            message: format!("{context}: {}", self.message),
            retry_after: retry_after.or(self.retry_after),
            source: self.source.clone(),
        }
    }
}

impl fmt::Display for TokenError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)?;
        if let Some(source) = &self.source {
            write!(f, ": {source}")?;
        }
        Ok(())
    }
}

impl fmt::Debug for TokenError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TokenError")
            .field("kind", &self.kind)
            .field("message", &self.message)
            .field("retry_after", &self.retry_after)
            .field("source", &self.source.as_ref().map(|s| s.to_string()))
            .finish()
    }
}

impl StdError for TokenError {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        self.source.as_deref().map(|s| s as &(dyn StdError + 'static))
    }
}

/// Sorts a generated call's failure for a token endpoint: no answer, 408, 429 and 5xx are
/// transient (with `Retry-After` seconds kept), 400, 401 and 403 reject the credentials or
/// refresh token, anything else is [`TokenErrorKind::Other`]. A source that knows better (a
/// vendor code meaning "log in again") builds its own error instead.
impl<E: fmt::Debug + Send + Sync + 'static> From<Error<E>> for TokenError {
    fn from(error: Error<E>) -> Self {
        let kind = match error.status() {
            None => match error {
                Error::InvalidRequest(_) | Error::Hook(_) => TokenErrorKind::Other,
                Error::Auth(inner) => return inner,
                _ => TokenErrorKind::Transient,
            },
            Some(StatusCode::REQUEST_TIMEOUT | StatusCode::TOO_MANY_REQUESTS) => TokenErrorKind::Transient,
            Some(status) if status.is_server_error() => TokenErrorKind::Transient,
            Some(StatusCode::BAD_REQUEST | StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN) => TokenErrorKind::CredentialsRejected,
            Some(_) => TokenErrorKind::Other,
        };
        let retry_after = error
            .headers()
            .and_then(|headers| headers.get(RETRY_AFTER))
            .and_then(|value| value.to_str().ok())
            .and_then(crate::http::parse_retry_after);
        let mut token_error = TokenError::new(kind, "the token endpoint call failed").with_source(error);
        token_error.retry_after = retry_after;
        token_error
    }
}

/// A field of a token answer that the mapping needs but the server left out, as an error that
/// names it (by its wire name).
pub fn required<T>(value: Option<T>, wire_name: &str) -> Result<T, TokenError> {
    value.ok_or_else(|| TokenError::other(format!("the answer has no `{wire_name}`")))
}

/// A failed login or refresh call of a generated token source as a [`TokenError`]: an envelope
/// code in `relogin_codes` (the vendor's "log in again") means [`TokenErrorKind::LoginRequired`];
/// anything else is sorted by [`From<Error<E>>`](TokenError#impl-From<Error<E>>-for-TokenError).
pub fn call_failed<E: fmt::Debug + Send + Sync + 'static>(error: Error<E>, relogin_codes: &[&str]) -> TokenError {
    if let Error::Envelope { code, .. } = &error {
        let code = code.to_string();
        if relogin_codes.contains(&code.as_str()) {
            return TokenError::login_required(format!("the API answered code {code}: a new login is needed")).with_source(error);
        }
    }
    TokenError::from(error)
}

/// A failed refresh call as a [`TokenError`]: a 401 means the session is over (a maximum
/// lifetime reached, a revoked token) and a new login is needed; else as [`call_failed`].
pub fn refresh_failed<E: fmt::Debug + Send + Sync + 'static>(error: Error<E>, relogin_codes: &[&str]) -> TokenError {
    if error.status() == Some(StatusCode::UNAUTHORIZED) {
        return TokenError::login_required("the refresh was refused (401): the session is over and a new login is needed").with_source(error);
    }
    call_failed(error, relogin_codes)
}

#[cfg(test)]
mod tests {
    use bytes::Bytes;
    use reqwest::header::{HeaderMap, HeaderValue, RETRY_AFTER};
    use reqwest::StatusCode;

    use super::{call_failed, refresh_failed, required, TokenError, TokenErrorKind};
    use crate::Error;

    fn answered(status: u16, headers: HeaderMap) -> Error<()> {
        Error::UnexpectedResponse {
            status: StatusCode::from_u16(status).unwrap(),
            headers,
            raw: Bytes::from_static(br#"{"accessToken":"acc-SECRET"}"#),
            decode_error: None,
            earlier: Vec::new(),
        }
    }

    #[test]
    fn generated_call_failures_are_sorted_by_what_to_do() {
        for (status, kind) in [
            (400, TokenErrorKind::CredentialsRejected),
            (401, TokenErrorKind::CredentialsRejected),
            (403, TokenErrorKind::CredentialsRejected),
            (404, TokenErrorKind::Other),
            (408, TokenErrorKind::Transient),
            (429, TokenErrorKind::Transient),
            (500, TokenErrorKind::Transient),
            (503, TokenErrorKind::Transient),
        ] {
            let error = TokenError::from(answered(status, HeaderMap::new()));
            assert_eq!(error.kind(), kind, "HTTP {status}");
            let printed = format!("{error} {error:?}");
            assert!(!printed.contains("SECRET") && printed.contains(&status.to_string()), "{printed}");
        }
        assert_eq!(TokenError::from(Error::<()>::InvalidRequest("bad".into())).kind(), TokenErrorKind::Other);
    }

    #[test]
    fn relogin_codes_and_a_refused_refresh_mean_a_new_login() {
        let envelope = |code: serde_json::Value| Error::<()>::Envelope {
            status: StatusCode::OK,
            headers: HeaderMap::new(),
            code,
            message: None,
            raw: Bytes::from_static(b"{}"),
            earlier: Vec::new(),
        };
        assert_eq!(call_failed(envelope(serde_json::json!(1203)), &["1203", "1204"]).kind(), TokenErrorKind::LoginRequired);
        assert_eq!(call_failed(envelope(serde_json::json!("EXPIRED")), &["\"EXPIRED\""]).kind(), TokenErrorKind::LoginRequired);
        assert_eq!(call_failed(envelope(serde_json::json!(1500)), &["1203"]).kind(), TokenErrorKind::Other);
        assert_eq!(refresh_failed(answered(401, HeaderMap::new()), &[]).kind(), TokenErrorKind::LoginRequired);
        assert_eq!(call_failed(answered(401, HeaderMap::new()), &[]).kind(), TokenErrorKind::CredentialsRejected);
    }

    #[test]
    fn a_missing_token_field_is_named_by_its_wire_name() {
        assert_eq!(required(Some(7), "expiresIn").ok(), Some(7));
        let error = required::<u8>(None, "accessToken").expect_err("missing");
        assert_eq!(error.kind(), TokenErrorKind::Other);
        assert!(error.to_string().contains("`accessToken`"), "{error}");
    }

    #[test]
    fn retry_after_in_an_http_date_is_kept_too() {
        let mut headers = HeaderMap::new();
        let ahead = std::time::SystemTime::now() + std::time::Duration::from_secs(30);
        headers.insert(RETRY_AFTER, HeaderValue::from_str(&httpdate::fmt_http_date(ahead)).unwrap());
        let wait = TokenError::from(answered(503, headers)).retry_after().expect("a wait");
        assert!(wait > std::time::Duration::from_secs(25) && wait <= std::time::Duration::from_secs(30), "{wait:?}");
    }

    #[test]
    fn retry_after_seconds_are_kept() {
        let mut headers = HeaderMap::new();
        headers.insert(RETRY_AFTER, HeaderValue::from_static("17"));
        let error = TokenError::from(answered(429, headers));
        assert_eq!(error.retry_after(), Some(std::time::Duration::from_secs(17)));
    }
}
