//! Sending a request and decoding its answer, for every generated operation.

use std::ops::Deref;

use bytes::Bytes;
use reqwest::header::{HeaderMap, HeaderValue, CONTENT_TYPE};
use reqwest::{Method, StatusCode};
use serde::de::DeserializeOwned;
use serde::Serialize;

use super::Error;

/// A base URL and the `reqwest` client that sends to it; shared by every generated `Client`.
#[derive(Clone, Debug)]
pub struct HttpClient {
    base_url: String,
    http: reqwest::Client,
}

impl HttpClient {
    /// `base_url` is the server root, e.g. `https://us.infisical.com`; a trailing `/` is ignored.
    pub fn new(base_url: impl Into<String>, http: reqwest::Client) -> Self {
        let mut base_url = base_url.into();
        while base_url.ends_with('/') {
            base_url.pop();
        }
        HttpClient { base_url, http }
    }

    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// Sends `request` and reads the whole answer.
    pub async fn send<E>(&self, request: Request) -> Result<RawResponse, Error<E>> {
        let url = format!("{}{}", self.base_url, request.path);
        let mut url = reqwest::Url::parse(&url).map_err(|e| Error::InvalidRequest(format!("`{url}` is not a valid URL: {e}")))?;
        if !request.query.is_empty() {
            url.query_pairs_mut().extend_pairs(&request.query);
        }
        let mut builder = self.http.request(request.method, url);
        for (name, value) in &request.headers {
            builder = builder.header(name.as_str(), value.as_str());
        }
        if let Some(body) = request.body {
            let json = body.map_err(Error::InvalidRequest)?;
            builder = builder.header(CONTENT_TYPE, HeaderValue::from_static("application/json")).body(json);
        }
        let response = builder.send().await.map_err(Error::Transport)?;
        let status = response.status();
        let headers = response.headers().clone();
        let body = response.bytes().await.map_err(Error::Transport)?;
        Ok(RawResponse { status, headers, body })
    }
}

/// One request of a generated operation, before it is sent.
#[derive(Debug)]
pub struct Request {
    method: Method,
    path: String,
    query: Vec<(String, String)>,
    headers: Vec<(String, String)>,
    /// The encoded JSON body, or why it could not be encoded.
    body: Option<Result<Vec<u8>, String>>,
}

impl Request {
    /// `path` is already percent-encoded (see [`encode_path_segment`]).
    pub fn new(method: Method, path: impl Into<String>) -> Self {
        Request { method, path: path.into(), query: Vec::new(), headers: Vec::new(), body: None }
    }

    pub fn query(mut self, name: &str, value: impl ToString) -> Self {
        self.query.push((name.to_owned(), value.to_string()));
        self
    }

    pub fn header(mut self, name: &str, value: impl ToString) -> Self {
        self.headers.push((name.to_owned(), value.to_string()));
        self
    }

    pub fn json<B: Serialize + ?Sized>(mut self, body: &B) -> Self {
        self.body = Some(serde_json::to_vec(body).map_err(|e| format!("the body does not serialise: {e}")));
        self
    }
}

/// Percent-encodes a path parameter: everything but RFC 3986's unreserved characters.
pub fn encode_path_segment(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for byte in value.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// A whole HTTP answer, not yet decoded.
#[derive(Clone)]
pub struct RawResponse {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Bytes,
}

impl RawResponse {
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// Decodes a documented success body.
    pub fn success<T: DeserializeOwned, E>(self) -> Result<ResponseValue<T>, Error<E>> {
        match serde_json::from_slice(&self.body) {
            Ok(inner) => Ok(ResponseValue { inner, status: self.status, headers: self.headers, raw: self.body }),
            Err(e) => Err(self.undecodable(e)),
        }
    }

    /// Decodes a documented success body and wraps it in the operation's success variant.
    pub fn success_as<T: DeserializeOwned, S, E>(self, variant: fn(T) -> S) -> Result<ResponseValue<S>, Error<E>> {
        self.success().map(|value: ResponseValue<T>| value.map(variant))
    }

    /// A documented success without a body.
    pub fn empty_success<S, E>(self, value: S) -> Result<ResponseValue<S>, Error<E>> {
        Ok(ResponseValue { inner: value, status: self.status, headers: self.headers, raw: self.body })
    }

    /// Decodes a documented error body into the operation's error variant.
    pub fn error<T: DeserializeOwned, E>(self, variant: fn(T) -> E) -> Error<E> {
        match serde_json::from_slice(&self.body) {
            Ok(body) => Error::Api { status: self.status, headers: self.headers, body: variant(body), raw: self.body },
            Err(e) => self.undecodable(e),
        }
    }

    /// A documented error status without a body.
    pub fn error_without_body<E>(self, value: E) -> Error<E> {
        Error::Api { status: self.status, headers: self.headers, body: value, raw: self.body }
    }

    /// A status the document does not list.
    pub fn unexpected<E>(self) -> Error<E> {
        Error::UnexpectedResponse { status: self.status, headers: self.headers, raw: self.body, decode_error: None }
    }

    fn undecodable<E>(self, e: serde_json::Error) -> Error<E> {
        Error::UnexpectedResponse {
            status: self.status,
            headers: self.headers,
            raw: self.body,
            decode_error: Some(e.to_string()),
        }
    }
}

/// Whether a decode attempt failed because the body did not match its type (so another
/// documented alternative for the same status may still match).
pub fn is_undecodable<T, E>(attempt: &Result<T, Error<E>>) -> bool {
    matches!(attempt, Err(Error::UnexpectedResponse { decode_error: Some(_), .. }))
}

/// A decoded success body with the status and headers it came with. Derefs to the body.
#[derive(Clone)]
pub struct ResponseValue<T> {
    inner: T,
    status: StatusCode,
    headers: HeaderMap,
    raw: Bytes,
}

impl<T> ResponseValue<T> {
    pub fn into_inner(self) -> T {
        self.inner
    }

    pub fn status(&self) -> StatusCode {
        self.status
    }

    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// The body as received.
    pub fn raw_body(&self) -> &[u8] {
        &self.raw
    }

    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> ResponseValue<U> {
        ResponseValue { inner: f(self.inner), status: self.status, headers: self.headers, raw: self.raw }
    }
}

// The raw body is never printed: a token response carries the token in it.
impl<T: std::fmt::Debug> std::fmt::Debug for ResponseValue<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ResponseValue")
            .field("status", &self.status)
            .field("body", &self.inner)
            .field("raw_len", &self.raw.len())
            .finish_non_exhaustive()
    }
}

impl<T> Deref for ResponseValue<T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.inner
    }
}

#[cfg(test)]
mod tests {
    use super::encode_path_segment;

    #[test]
    fn path_segments_keep_only_unreserved_characters() {
        assert_eq!(encode_path_segment("a-b_c.d~e"), "a-b_c.d~e");
        assert_eq!(encode_path_segment("a/b c?é"), "a%2Fb%20c%3F%C3%A9");
    }
}
