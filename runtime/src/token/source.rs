//! [`TokenSource`]: the vendor-specific half of the token lifecycle — how to log in and how to
//! refresh. The generator emits one implementation per vendor; the manager decides when.

use std::future::Future;

use chrono::{DateTime, Utc};

use super::{Token, TokenError};
use crate::{Error, ResponseValue};

/// What a token source's call answers: a token, or why there is none.
pub type TokenResult = Result<Token, TokenError>;

/// What a generated token source reads from a successful token call: the typed value, when it
/// was received (lifetimes in seconds count from then) and the raw JSON body (kept on the
/// [`Token`] for vendor fields the common model does not have; `Null` when it is not JSON).
pub type Answer<T> = (T, DateTime<Utc>, serde_json::Value);

/// A login call's outcome for a generated token source: its answer, or the failure as a
/// [`TokenError`] (see [`call_failed`](super::call_failed)).
pub fn login_answer<T, E: std::fmt::Debug + Send + Sync + 'static>(outcome: Result<ResponseValue<T>, Error<E>>, relogin_codes: &[&str]) -> Result<Answer<T>, TokenError> {
    outcome.map(received).map_err(|error| super::call_failed(error, relogin_codes))
}

/// A refresh call's outcome for a generated token source: its answer, or the failure as a
/// [`TokenError`] (see [`refresh_failed`](super::refresh_failed)).
pub fn refresh_answer<T, E: std::fmt::Debug + Send + Sync + 'static>(outcome: Result<ResponseValue<T>, Error<E>>, relogin_codes: &[&str]) -> Result<Answer<T>, TokenError> {
    outcome.map(received).map_err(|error| super::refresh_failed(error, relogin_codes))
}

fn received<T>(answer: ResponseValue<T>) -> Answer<T> {
    let received_at = Utc::now();
    let raw = serde_json::from_slice(answer.raw_body()).unwrap_or(serde_json::Value::Null);
    (answer.into_inner(), received_at, raw)
}

/// Gets tokens from one vendor. Implementations only talk to the vendor and normalise its
/// answer into a [`Token`]: they do not cache, retry or schedule (the
/// [`TokenManager`](super::TokenManager) does), and their errors say which
/// [`TokenErrorKind`](super::TokenErrorKind) a failure is.
///
/// Implement the methods with `async fn`; the futures must be `Send`.
pub trait TokenSource: Send + Sync {
    /// Gets a first token from credentials. The default has none and answers
    /// [`TokenErrorKind::LoginRequired`](super::TokenErrorKind::LoginRequired).
    fn login(&self) -> impl Future<Output = Result<Token, TokenError>> + Send {
        std::future::ready(Err(TokenError::login_required(
            "this token source cannot log in: a login needs credentials, and none were given",
        )))
    }

    /// Gets a new token from `current` (its refresh token, or the access token itself for
    /// vendors that renew it). Answer [`TokenErrorKind::LoginRequired`](super::TokenErrorKind::LoginRequired)
    /// or [`TokenErrorKind::CredentialsRejected`](super::TokenErrorKind::CredentialsRejected)
    /// when the session is over, and the manager logs in once instead.
    ///
    /// A returned token without a refresh token keeps `current`'s.
    fn refresh(&self, current: &Token) -> impl Future<Output = Result<Token, TokenError>> + Send;
}

type LoginFuture = std::pin::Pin<Box<dyn Future<Output = Result<Token, TokenError>> + Send>>;

/// A login the vendored documents do not describe, supplied by the caller: e.g. Infisical's
/// universal-auth login, whose page is not vendored. Generated sources without a documented
/// login accept one (`TokenSource::with_login`) and call it when a new login is needed.
#[derive(Clone)]
pub struct LoginFn(std::sync::Arc<dyn Fn() -> LoginFuture + Send + Sync>);

impl LoginFn {
    pub fn new<F, Fut>(login: F) -> Self
    where
        F: Fn() -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<Token, TokenError>> + Send + 'static,
    {
        LoginFn(std::sync::Arc::new(move || Box::pin(login())))
    }

    /// Runs the login.
    pub async fn call(&self) -> Result<Token, TokenError> {
        (self.0)().await
    }
}

impl std::fmt::Debug for LoginFn {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("LoginFn(..)")
    }
}

/// How a generated token source logs in: with the credentials its documented login call needs,
/// with a login the caller supplies, or not at all (it can still refresh the token it is given).
#[derive(Clone, Debug)]
pub enum Login<C> {
    /// The source refreshes but cannot log in.
    Unavailable,
    /// The documented login call, with these credentials.
    Credentials(C),
    /// A login the documents do not describe, performed by the caller's function.
    Custom(LoginFn),
}

impl<C> Login<C> {
    /// The credentials of the documented login call, or `LoginRequired` when none were given.
    pub fn credentials(&self) -> Result<&C, TokenError> {
        match self {
            Login::Credentials(credentials) => Ok(credentials),
            _ => Err(TokenError::login_required(
                "this token source has no credentials: build it with `TokenSource::with_credentials`",
            )),
        }
    }

    /// Runs the caller's login, or answers `LoginRequired` when there is none.
    pub async fn custom(&self) -> Result<Token, TokenError> {
        match self {
            Login::Custom(login) => login.call().await,
            _ => Err(TokenError::login_required(
                "a new login is needed, and this API's login is not documented: build the source with `TokenSource::with_login`",
            )),
        }
    }
}
