//! Credentials as configuration: a client is given its credentials once, and every operation
//! that needs one gets it attached here, never through its arguments.
//!
//! The generator emits, for each security scheme a document declares, a client method
//! (`with_bearer_auth`, `with_api_key`, ...) that hands a [`Credential`] and the scheme's
//! [`Scheme`] to [`HttpClient::with_credential`](crate::HttpClient::with_credential); each
//! operation names the schemes it needs (its security requirement). The [`Authenticator`] is
//! a [`Hook`]: before each attempt it attaches the credentials of the first alternative of the
//! requirement the client has credentials for; after a `401` it has every renewable token it
//! attached renewed (once, single-flight, through the token manager) and asks for the request
//! to be sent once more.
//!
//! Credentials stay [`Secret`]s until they are written into the request, and they are not
//! written at all into a request to a plain `http://` URL of a host other than loopback (even
//! with `Config::allow_insecure_http`). The client does not follow a redirect to another origin
//! (see [`HttpClient::new`](crate::HttpClient::new)), so a credential never reaches a host other
//! than the client's base URL.
//!
//! ```
//! use vendor_runtime::auth::{Credential, Scheme};
//! use vendor_runtime::{Config, HttpClient};
//!
//! let http = HttpClient::new("https://api.example.com", Config::default())
//!     .with_credential("bearerAuth", Scheme::Bearer, Credential::token("t0ken"));
//! // The credential is never printed.
//! assert!(!format!("{http:?}").contains("t0ken"));
//! ```

use std::fmt;
use std::sync::Arc;

use base64::Engine as _;
use reqwest::header::{HeaderValue, AUTHORIZATION, COOKIE};
use reqwest::StatusCode;

use crate::hook::{BoxFuture, Hook, HookError, Issued, Outgoing, Received, Verdict};
use crate::token::{AccessToken, TokenError, TokenManager, TokenSource};
use crate::Secret;

/// How a scheme's credential is written into a request (OpenAPI's security scheme types).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scheme {
    /// `Authorization: Bearer <token>`: HTTP bearer, OAuth 2.0 and OpenID Connect.
    Bearer,
    /// `Authorization: Basic <base64(username:password)>`.
    Basic,
    /// `Authorization: <scheme> <credential>` for another HTTP authentication scheme.
    Http(&'static str),
    /// An API key in a header, a query parameter or a cookie of the given name.
    ApiKey { location: KeyLocation, name: &'static str },
}

/// Where an API key goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KeyLocation {
    Header,
    Query,
    Cookie,
}

/// What a client authenticates with, for one scheme.
#[derive(Clone)]
pub struct Credential(Kind);

#[derive(Clone)]
enum Kind {
    /// A fixed token or key.
    Fixed(Secret<String>),
    /// A username and password, for HTTP basic authentication, kept encoded as the header
    /// carries them (`base64(username:password)`).
    Basic { username: String, encoded: Secret<String> },
    /// Tokens that expire and are renewed: a token manager.
    Renewable(Arc<dyn TokenProvider>),
}

impl Credential {
    /// A fixed token or API key.
    pub fn token(value: impl Into<Secret<String>>) -> Self {
        Credential(Kind::Fixed(value.into()))
    }

    /// A username and password for HTTP basic authentication.
    pub fn basic(username: impl Into<String>, password: impl Into<Secret<String>>) -> Self {
        let username = username.into();
        let encoded = base64::engine::general_purpose::STANDARD.encode(format!("{username}:{}", password.into().expose()));
        Credential(Kind::Basic { username, encoded: Secret::new(encoded) })
    }

    /// Tokens from a provider (a [`TokenManager`] is one): fetched for every call, renewed
    /// once when the API answers `401`.
    pub fn provider(provider: impl TokenProvider + 'static) -> Self {
        Credential(Kind::Renewable(Arc::new(provider)))
    }
}

impl From<Secret<String>> for Credential {
    fn from(value: Secret<String>) -> Self {
        Credential::token(value)
    }
}

impl<S: TokenSource + 'static> From<TokenManager<S>> for Credential {
    fn from(manager: TokenManager<S>) -> Self {
        Credential::provider(manager)
    }
}

impl fmt::Debug for Credential {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.0 {
            Kind::Fixed(_) => f.write_str("Credential::Token([redacted])"),
            Kind::Basic { username, .. } => write!(f, "Credential::Basic({username:?}, [redacted])"),
            Kind::Renewable(_) => f.write_str("Credential::Provider"),
        }
    }
}

/// A token handed out by a [`TokenProvider`], with what the provider needs to know which
/// token a `401` rejected.
#[derive(Clone, Debug)]
pub struct IssuedToken {
    pub token: AccessToken,
    /// The provider's count of tokens it has had; a rejected generation is renewed once, however
    /// many calls it failed.
    pub generation: u64,
}

/// Hands out access tokens and renews one the API rejected: what [`TokenManager`] does for
/// one vendor session. Implement it to plug in tokens from elsewhere (a vault, a sidecar).
pub trait TokenProvider: Send + Sync {
    /// A valid token.
    fn token(&self) -> BoxFuture<'_, Result<IssuedToken, TokenError>>;

    /// A token other than `rejected`, which the API answered `401` to. Many calls rejected
    /// with the same token share one renewal.
    fn renew<'a>(&'a self, rejected: &'a IssuedToken) -> BoxFuture<'a, Result<IssuedToken, TokenError>>;

    /// A valid token when one is at hand without waiting for anything (no I/O, no lock held
    /// across an `.await`); `None` sends the caller to [`token`](Self::token). A call then
    /// skips `token`'s boxed future: the default says `None`, which is always correct.
    fn ready_token(&self) -> Option<IssuedToken> {
        None
    }
}

/// One scheme's credential on a client.
#[derive(Clone, Debug)]
struct Attached {
    name: &'static str,
    scheme: Scheme,
    credential: Credential,
}

/// The client's credentials, by scheme name: the hook that authenticates its calls.
#[derive(Clone, Debug, Default)]
pub struct Authenticator {
    attached: Vec<Attached>,
}

impl Authenticator {
    /// These credentials, with `credential` for the scheme `name` (replacing an earlier one).
    pub fn with(&self, name: &'static str, scheme: Scheme, credential: Credential) -> Self {
        let mut attached: Vec<Attached> = self.attached.iter().filter(|a| a.name != name).cloned().collect();
        attached.push(Attached { name, scheme, credential });
        Authenticator { attached }
    }

    fn credential(&self, name: &str) -> Option<&Attached> {
        self.attached.iter().find(|a| a.name == name)
    }

    /// The alternative of `security` to authenticate with: the first whose schemes all have a
    /// credential here (an empty alternative always qualifies), or why there is none.
    fn choose(&self, security: &'static [&'static [&'static str]], operation: &str) -> Result<&'static [&'static str], TokenError> {
        if let Some(alternative) = security.iter().find(|alternative| alternative.iter().all(|name| self.credential(name).is_some())) {
            return Ok(alternative);
        }
        let wanted: Vec<String> = security.iter().map(|alternative| alternative.join(" + ")).collect();
        Err(TokenError::other(format!(
            "`{operation}` needs credentials for {}, and the client has none for it: give it one with the client's `with_<scheme>` method",
            wanted.join(" or ")
        )))
    }

    /// Before each attempt: writes the credentials of the chosen alternative into `request`.
    pub(crate) async fn attach(&self, request: &mut Outgoing) -> Result<(), HookError> {
        match self.attach_ready(request)? {
            Some(waiting) => self.attach_waiting(request, waiting).await,
            None => Ok(()),
        }
    }

    /// The part of [`attach`](Self::attach) that needs no waiting: writes the credentials of the
    /// chosen alternative into `request` in their order, up to the first token that is not at
    /// hand (a session's first, or one due for refreshing). Where it stopped is for
    /// [`attach_waiting`](Self::attach_waiting); a call whose credentials are all at hand (the
    /// usual case) then has no future to poll for them.
    pub(crate) fn attach_ready(&self, request: &mut Outgoing) -> Result<Option<Waiting<'_>>, HookError> {
        if request.security.is_empty() {
            return Ok(None);
        }
        let alternative = self.choose(request.security, request.operation)?;
        if alternative.is_empty() {
            return Ok(None);
        }
        if request.url().scheme() == "http" && !crate::http::is_loopback(request.url()) {
            return Err(HookError::Auth(TokenError::other(format!(
                "refusing to send credentials over plain http to {}; use https",
                request.url().host_str().unwrap_or_default()
            ))));
        }
        self.write_from(request, alternative, 0)
    }

    /// Waits for the token [`attach_ready`](Self::attach_ready) stopped at, writes it, and
    /// goes on with the rest of the alternative.
    pub(crate) async fn attach_waiting(&self, request: &mut Outgoing, mut waiting: Waiting<'_>) -> Result<(), HookError> {
        loop {
            let issued = waiting.provider.token().await?;
            issue(request, waiting.scheme, waiting.provider, issued)?;
            match self.write_from(request, waiting.alternative, waiting.next + 1)? {
                Some(next) => waiting = next,
                None => return Ok(()),
            }
        }
    }

    /// Writes the credentials of `alternative` from its `from`th on, each from where it is (not
    /// from a copy of it), until one is a token that must be waited for.
    fn write_from(&self, request: &mut Outgoing, alternative: &'static [&'static str], from: usize) -> Result<Option<Waiting<'_>>, HookError> {
        for (next, name) in alternative.iter().enumerate().skip(from) {
            let Some(attached) = self.credential(name) else { continue };
            match &attached.credential.0 {
                Kind::Fixed(token) => write(request, attached.scheme, token.expose())?,
                Kind::Basic { encoded, .. } => write(request, attached.scheme, encoded.expose())?,
                Kind::Renewable(provider) => match provider.ready_token() {
                    Some(issued) => issue(request, attached.scheme, provider, issued)?,
                    None => return Ok(Some(Waiting { alternative, next, scheme: attached.scheme, provider })),
                },
            }
        }
        Ok(None)
    }

    /// After each answer: a `401` to a request that carried renewable tokens has them renewed
    /// and asks for the request to be sent again (once).
    pub(crate) async fn renew_rejected(&self, issued: &Issued, operation: &str, answer: &Received<'_>) -> Verdict {
        if !Self::may_renew(issued, answer) {
            return Verdict::Accept;
        }
        for (provider, issued) in issued.iter() {
            if let Err(error) = provider.renew(issued).await {
                tracing::debug!(kind = ?error.kind(), "the API rejected the access token and renewing it failed");
                return Verdict::Accept;
            }
        }
        tracing::debug!(operation, "the API rejected the access token; sending again with a renewed one");
        Verdict::SendAgain
    }

    /// Whether [`renew_rejected`](Self::renew_rejected) has anything to do with `answer`: it
    /// is a `401` to renewable tokens, and the call may still be sent again.
    pub(crate) fn may_renew(issued: &Issued, answer: &Received<'_>) -> bool {
        answer.status() == StatusCode::UNAUTHORIZED && !issued.is_empty() && answer.may_send_again()
    }
}

/// Where [`Authenticator::attach_ready`] stopped: at the `next`th credential of `alternative`,
/// a token to wait for from `provider`, to be written as `scheme` says.
pub(crate) struct Waiting<'a> {
    alternative: &'static [&'static str],
    next: usize,
    scheme: Scheme,
    provider: &'a Arc<dyn TokenProvider>,
}

/// Writes an issued token into `request` and keeps it there, with its provider, for renewing
/// it if the API rejects it.
fn issue(request: &mut Outgoing, scheme: Scheme, provider: &Arc<dyn TokenProvider>, issued: IssuedToken) -> Result<(), HookError> {
    write(request, scheme, issued.token.expose())?;
    request.issued.add(Arc::clone(provider), issued);
    Ok(())
}

impl Hook for Authenticator {
    fn before_send<'a>(&'a self, request: &'a mut Outgoing) -> BoxFuture<'a, Result<(), HookError>> {
        Box::pin(self.attach(request))
    }

    fn after_receive<'a>(&'a self, request: &'a Outgoing, answer: &'a Received<'a>) -> BoxFuture<'a, Verdict> {
        Box::pin(self.renew_rejected(&request.issued, request.operation, answer))
    }
}

/// Writes `secret` into `request` as `scheme` says.
fn write(request: &mut Outgoing, scheme: Scheme, secret: &str) -> Result<(), HookError> {
    // The header value takes the text it is given (no copy of it); the same check as
    // `HeaderValue::from_str`.
    let header = |text: String| {
        let mut value = HeaderValue::try_from(text).map_err(|_| HookError::Auth(TokenError::other("the credential holds characters a header cannot carry")))?;
        value.set_sensitive(true);
        Ok::<_, HookError>(value)
    };
    // `<scheme> <credential>`, in a string of exactly its length.
    let authorization = |scheme: &str| {
        let mut text = String::with_capacity(scheme.len() + 1 + secret.len());
        text.push_str(scheme);
        text.push(' ');
        text.push_str(secret);
        header(text)
    };
    match scheme {
        Scheme::Bearer => {
            request.headers_mut().insert(AUTHORIZATION, authorization("Bearer")?);
        }
        Scheme::Basic => {
            request.headers_mut().insert(AUTHORIZATION, authorization("Basic")?);
        }
        Scheme::Http(name) => {
            request.headers_mut().insert(AUTHORIZATION, authorization(name)?);
        }
        Scheme::ApiKey { location: KeyLocation::Header, name } => {
            let name = reqwest::header::HeaderName::from_bytes(name.as_bytes()).map_err(HookError::other)?;
            request.headers_mut().insert(name, header(secret.to_owned())?);
        }
        Scheme::ApiKey { location: KeyLocation::Query, name } => {
            request.url_mut().query_pairs_mut().append_pair(name, secret);
        }
        Scheme::ApiKey { location: KeyLocation::Cookie, name } => {
            let pair = format!("{name}={}", secret);
            let joined = match request.headers().get(COOKIE).and_then(|v| v.to_str().ok()) {
                Some(cookies) if !cookies.is_empty() => format!("{cookies}; {pair}"),
                _ => pair,
            };
            request.headers_mut().insert(COOKIE, header(joined)?);
        }
    }
    Ok(())
}
