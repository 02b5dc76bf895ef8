//! The hook point: one place to touch every request a client sends and every answer it gets
//! (extra headers, tracing, metrics, request signing). The client's own authentication is a
//! hook too ([`crate::auth`]), so whatever a hook can do, it is done the same way.
//!
//! A [`Hook`] sees each attempt as an [`Outgoing`] request just before it is sent (after the
//! operation filled it and after hooks added before it ran), and each answer as a [`Received`]
//! one. It may change the request, fail the call, or ask for the request to be sent once more
//! (what the authentication hook does after a `401`). Hooks run in the order they were added,
//! after authentication; they run again for every attempt, so a signature or a timestamp is
//! always fresh.
//!
//! ```
//! use vendor_runtime::hook::{BoxFuture, Hook, HookError, Outgoing};
//!
//! /// Adds a tenant header to every request.
//! struct Tenant(&'static str);
//!
//! impl Hook for Tenant {
//!     fn before_send<'a>(&'a self, request: &'a mut Outgoing) -> BoxFuture<'a, Result<(), HookError>> {
//!         Box::pin(async move {
//!             request.headers_mut().insert("x-tenant", self.0.parse().map_err(HookError::other)?);
//!             Ok(())
//!         })
//!     }
//! }
//! ```

use std::error::Error as StdError;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use reqwest::header::HeaderMap;
use reqwest::{Method, StatusCode, Url};

use crate::auth::{IssuedToken, TokenProvider};
use crate::token::TokenError;

/// A boxed future that can move between threads: what hook methods return.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// Something that touches every request of a client and every answer to it.
///
/// Both methods have defaults that do nothing, so a hook implements only what it needs. Add
/// one to a client with `ApiClient::with_hook`.
pub trait Hook: Send + Sync {
    /// Called with each attempt just before it is sent: change its URL or headers, or fail
    /// the call (the caller gets `Error::Hook`, or `Error::Auth` for [`HookError::Auth`]).
    fn before_send<'a>(&'a self, request: &'a mut Outgoing) -> BoxFuture<'a, Result<(), HookError>> {
        let _ = request;
        Box::pin(std::future::ready(Ok(())))
    }

    /// Called with each answer (its body read whole, or, for a streamed success, not yet
    /// read). [`Verdict::SendAgain`] asks for the request to be sent once more; a call is sent
    /// again at most once on a hook's request, so this cannot loop.
    fn after_receive<'a>(&'a self, request: &'a Outgoing, answer: &'a Received<'a>) -> BoxFuture<'a, Verdict> {
        let _ = (request, answer);
        Box::pin(std::future::ready(Verdict::Accept))
    }
}

/// What a hook decides about an answer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// Hand the answer to the operation to decode.
    Accept,
    /// Send the request once more (running every hook's `before_send` again), e.g. after
    /// renewing a rejected credential. Honoured once per call.
    SendAgain,
}

/// Why a hook stopped a call.
#[derive(Debug)]
pub enum HookError {
    /// No credential could be had for the call (the token manager failed, or the client has
    /// none for the operation's security requirement).
    Auth(TokenError),
    Other(Box<dyn StdError + Send + Sync>),
}

impl HookError {
    pub fn other(error: impl Into<Box<dyn StdError + Send + Sync>>) -> Self {
        HookError::Other(error.into())
    }
}

impl From<TokenError> for HookError {
    fn from(error: TokenError) -> Self {
        HookError::Auth(error)
    }
}

/// One attempt of a request, about to be sent.
pub struct Outgoing {
    pub(crate) request: reqwest::Request,
    pub(crate) api: &'static str,
    pub(crate) operation: &'static str,
    pub(crate) security: &'static [&'static [&'static str]],
    /// The renewable tokens the authentication hook attached, so that it can renew exactly
    /// those after a `401`.
    pub(crate) issued: Issued,
}

/// The renewable tokens of one attempt: nearly always none or one, which are kept without a
/// heap allocation.
#[derive(Default)]
pub(crate) struct Issued {
    first: Option<(Arc<dyn TokenProvider>, IssuedToken)>,
    more: Vec<(Arc<dyn TokenProvider>, IssuedToken)>,
}

impl Issued {
    pub(crate) fn add(&mut self, provider: Arc<dyn TokenProvider>, token: IssuedToken) {
        match self.first {
            None => self.first = Some((provider, token)),
            Some(_) => self.more.push((provider, token)),
        }
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.first.is_none()
    }

    pub(crate) fn iter(&self) -> impl Iterator<Item = &(Arc<dyn TokenProvider>, IssuedToken)> {
        self.first.iter().chain(&self.more)
    }
}

impl Outgoing {
    pub fn method(&self) -> &Method {
        self.request.method()
    }

    pub fn url(&self) -> &Url {
        self.request.url()
    }

    /// The URL, to add a query parameter or change it otherwise.
    pub fn url_mut(&mut self) -> &mut Url {
        self.request.url_mut()
    }

    pub fn headers(&self) -> &HeaderMap {
        self.request.headers()
    }

    pub fn headers_mut(&mut self) -> &mut HeaderMap {
        self.request.headers_mut()
    }

    /// The encoded body, for hooks that sign it; `None` for a request without one.
    pub fn body(&self) -> Option<&[u8]> {
        self.request.body().and_then(reqwest::Body::as_bytes)
    }

    /// The module name of the API the call belongs to (e.g. `smartling`).
    pub fn api(&self) -> &'static str {
        self.api
    }

    /// The operation's method name (e.g. `list_files`).
    pub fn operation(&self) -> &'static str {
        self.operation
    }

    /// The operation's security requirement: alternatives, each naming the schemes it needs
    /// together (an empty alternative: the call may go without credentials). Empty when the
    /// operation needs none.
    pub fn security(&self) -> &'static [&'static [&'static str]] {
        self.security
    }
}

// Header values may be credentials: only their names are shown.
impl fmt::Debug for Outgoing {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let headers: Vec<&str> = self.request.headers().keys().map(|name| name.as_str()).collect();
        let mut url = self.request.url().clone();
        url.set_query(None);
        f.debug_struct("Outgoing")
            .field("method", self.request.method())
            .field("url", &url.as_str())
            .field("headers", &headers)
            .field("api", &self.api)
            .field("operation", &self.operation)
            .finish_non_exhaustive()
    }
}

/// An answer, as hooks see it.
#[derive(Debug)]
pub struct Received<'a> {
    pub(crate) status: StatusCode,
    pub(crate) headers: &'a HeaderMap,
    pub(crate) body: Option<&'a [u8]>,
    pub(crate) may_send_again: bool,
}

impl Received<'_> {
    pub fn status(&self) -> StatusCode {
        self.status
    }

    pub fn headers(&self) -> &HeaderMap {
        self.headers
    }

    /// The body read whole; `None` for a success being streamed to the caller.
    pub fn body(&self) -> Option<&[u8]> {
        self.body
    }

    /// Whether [`Verdict::SendAgain`] would still be honoured for this call (it is once).
    pub fn may_send_again(&self) -> bool {
        self.may_send_again
    }
}
