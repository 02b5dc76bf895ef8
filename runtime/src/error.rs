//! [`Error`]: everything a generated call can fail with, status and raw body always kept.

use std::fmt;

use bytes::Bytes;
use reqwest::header::HeaderMap;
use reqwest::StatusCode;

/// The error of a generated call. `E` is the operation's error enum: one variant per
/// documented error status, each holding that status's typed body.
///
/// Whatever the server answered, the status, the headers and the raw body stay reachable:
/// a documented error decodes to [`Error::Api`]; an undocumented status, or a body that does
/// not match its documented type, is [`Error::UnexpectedResponse`] with the decode error.
#[non_exhaustive]
pub enum Error<E> {
    /// The server answered a documented error status, and its body decoded as documented.
    Api {
        status: StatusCode,
        headers: HeaderMap,
        /// The typed body of that status.
        body: E,
        /// The body as received.
        raw: Bytes,
        /// Statuses of earlier answers to this call after which it was sent again, oldest
        /// first: a `401` before the credential was renewed, a `429` or `503` retried.
        earlier: Vec<StatusCode>,
    },
    /// The server answered a status the document does not list, or a body that does not
    /// decode as the document says.
    UnexpectedResponse {
        status: StatusCode,
        headers: HeaderMap,
        /// The body as received.
        raw: Bytes,
        /// Why the body did not decode; `None` when the status itself was undocumented.
        decode_error: Option<String>,
        /// Statuses of earlier answers to this call after which it was sent again, oldest
        /// first: a `401` before the credential was renewed, a `429` or `503` retried.
        earlier: Vec<StatusCode>,
    },
    /// The server answered 2xx, but its envelope says the call failed (e.g. EnOS
    /// `status != 0`, Cloudreve `code != 0`).
    Envelope {
        status: StatusCode,
        headers: HeaderMap,
        /// The vendor's status code from the envelope.
        code: serde_json::Value,
        /// The vendor's message from the envelope, if it has one.
        message: Option<String>,
        /// The body as received: the whole envelope.
        raw: Bytes,
        /// Statuses of earlier answers to this call after which it was sent again, oldest
        /// first: a `401` before the credential was renewed, a `429` or `503` retried.
        earlier: Vec<StatusCode>,
    },
    /// No answer within the timeout (connect or total).
    Timeout(reqwest::Error),
    /// No response: connecting, sending or receiving failed.
    Transport(reqwest::Error),
    /// The request could not be built (for example, its body did not serialise).
    InvalidRequest(String),
    /// No credential for the call: the client has none for the operation's security
    /// requirement, or its token provider could not get a token (nothing was sent).
    Auth(crate::token::TokenError),
    /// A hook ([`crate::hook`]) stopped the call before it was sent.
    Hook(Box<dyn std::error::Error + Send + Sync>),
    /// The answer's body is larger than `Config::max_response_bytes`; it was not read whole.
    ResponseTooLarge {
        status: StatusCode,
        headers: HeaderMap,
        /// The cap it went over, in bytes.
        limit: usize,
    },
}

impl Error<std::convert::Infallible> {
    /// This failure as the error of an operation whose documented errors are `E`: a failure
    /// without a typed body (every one but [`Error::Api`]) fits every operation.
    pub(crate) fn retype<E>(self) -> Error<E> {
        match self {
            Error::Api { body, .. } => match body {},
            Error::UnexpectedResponse { status, headers, raw, decode_error, earlier } => Error::UnexpectedResponse { status, headers, raw, decode_error, earlier },
            Error::Envelope { status, headers, code, message, raw, earlier } => Error::Envelope { status, headers, code, message, raw, earlier },
            Error::Timeout(e) => Error::Timeout(e),
            Error::Transport(e) => Error::Transport(e),
            Error::InvalidRequest(why) => Error::InvalidRequest(why),
            Error::Auth(e) => Error::Auth(e),
            Error::Hook(e) => Error::Hook(e),
            Error::ResponseTooLarge { status, headers, limit } => Error::ResponseTooLarge { status, headers, limit },
        }
    }
}

impl<E> Error<E> {
    /// The HTTP status, when the server answered.
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            Error::Api { status, .. } | Error::UnexpectedResponse { status, .. } | Error::Envelope { status, .. } | Error::ResponseTooLarge { status, .. } => {
                Some(*status)
            }
            Error::Transport(e) | Error::Timeout(e) => e.status(),
            Error::InvalidRequest(_) | Error::Auth(_) | Error::Hook(_) => None,
        }
    }

    /// The statuses of earlier answers to this call after which it was sent again (see
    /// [`Error::Api`]'s `earlier`): e.g. `[401]` when a renewed token was rejected too.
    pub fn earlier_statuses(&self) -> &[StatusCode] {
        match self {
            Error::Api { earlier, .. } | Error::UnexpectedResponse { earlier, .. } | Error::Envelope { earlier, .. } => earlier,
            _ => &[],
        }
    }

    /// The response headers, when the server answered.
    pub fn headers(&self) -> Option<&HeaderMap> {
        match self {
            Error::Api { headers, .. } | Error::UnexpectedResponse { headers, .. } | Error::Envelope { headers, .. } | Error::ResponseTooLarge { headers, .. } => {
                Some(headers)
            }
            _ => None,
        }
    }

    /// The request id the server gave this answer (`x-request-id`, `reqId`, `correlation_id`, ...).
    pub fn request_id(&self) -> Option<String> {
        super::http::request_id(self.headers()?, self.raw_body()?)
    }

    /// The response body as received, when the server answered.
    pub fn raw_body(&self) -> Option<&[u8]> {
        match self {
            Error::Api { raw, .. } | Error::UnexpectedResponse { raw, .. } | Error::Envelope { raw, .. } => Some(raw),
            _ => None,
        }
    }

    /// The typed body of a documented error status.
    pub fn api_body(&self) -> Option<&E> {
        match self {
            Error::Api { body, .. } => Some(body),
            _ => None,
        }
    }
}

fn status_line(status: StatusCode) -> String {
    match status.canonical_reason() {
        Some(reason) => format!("HTTP {} {reason}", status.as_u16()),
        None => format!("HTTP {}", status.as_u16()),
    }
}

// Bodies are never printed: they may carry tokens. Their length is enough to tell an empty
// body from a large HTML page; the bytes stay available through `raw_body`.
impl<E: fmt::Debug> fmt::Debug for Error<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Api { status, body, raw, earlier, .. } => f
                .debug_struct("Api")
                .field("status", status)
                .field("earlier", earlier)
                .field("body", body)
                .field("raw_len", &raw.len())
                .finish_non_exhaustive(),
            Error::UnexpectedResponse { status, raw, decode_error, earlier, .. } => f
                .debug_struct("UnexpectedResponse")
                .field("status", status)
                .field("earlier", earlier)
                .field("raw_len", &raw.len())
                .field("decode_error", decode_error)
                .finish_non_exhaustive(),
            Error::Envelope { status, code, message, raw, .. } => f
                .debug_struct("Envelope")
                .field("status", status)
                .field("code", code)
                .field("message", message)
                .field("raw_len", &raw.len())
                .finish_non_exhaustive(),
            Error::Timeout(e) => f.debug_tuple("Timeout").field(e).finish(),
            Error::Transport(e) => f.debug_tuple("Transport").field(e).finish(),
            Error::InvalidRequest(why) => f.debug_tuple("InvalidRequest").field(why).finish(),
            Error::Auth(e) => f.debug_tuple("Auth").field(e).finish(),
            Error::Hook(e) => f.debug_tuple("Hook").field(e).finish(),
            Error::ResponseTooLarge { status, limit, .. } => {
                f.debug_struct("ResponseTooLarge").field("status", status).field("limit", limit).finish_non_exhaustive()
            }
        }
    }
}

impl<E> fmt::Display for Error<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Api { status, .. } => {
                write!(f, "the API answered {} (a documented error; see its body)", status_line(*status))
            }
            Error::UnexpectedResponse { status, raw, decode_error: None, .. } => write!(
                f,
                "the API answered {}, which its document does not list ({} byte body kept)",
                status_line(*status),
                raw.len()
            ),
            Error::UnexpectedResponse { status, raw, decode_error: Some(why), .. } => write!(
                f,
                "the API answered {} with a body that does not match its document: {why} ({} byte body kept)",
                status_line(*status),
                raw.len()
            ),
            Error::Envelope { status, code, message, .. } => {
                write!(f, "the API answered {} but reported failure code {code}", status_line(*status))?;
                match message.as_deref().filter(|m| !m.is_empty()) {
                    Some(message) => write!(f, ": {message}"),
                    None => Ok(()),
                }
            }
            Error::Timeout(e) => write!(f, "the request timed out: {e}"),
            Error::Transport(e) => write!(f, "the request got no response: {e}"),
            Error::InvalidRequest(why) => write!(f, "the request could not be built: {why}"),
            Error::Auth(e) => write!(f, "no credential for the call: {e}"),
            Error::Hook(e) => write!(f, "a hook stopped the call: {e}"),
            Error::ResponseTooLarge { status, limit, .. } => {
                write!(f, "the API answered {} with a body over the {limit} byte limit (Config::max_response_bytes)", status_line(*status))
            }
        }
    }
}

impl<E: fmt::Debug> std::error::Error for Error<E> {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Transport(e) | Error::Timeout(e) => Some(e),
            Error::Auth(e) => Some(e),
            Error::Hook(e) => Some(e.as_ref()),
            _ => None,
        }
    }
}
