//! The hand-written runtime of the generated vendor clients: what every generated API module
//! calls, defined once.
//!
//! The generated modules stay small and declarative: each operation builds a request, sends
//! it through [`HttpClient`], and maps the documented statuses onto [`RawResponse`]'s decoders.
//! Everything a caller handles ([`Error`], [`ResponseValue`], [`Secret`], the [`token`] manager)
//! is defined here once for every API. Nothing in this crate is generated, and nothing in it
//! knows a particular vendor.

// `Error` carries the status, headers and raw body by value so callers can match on them
// directly; at ~150 bytes beside a network round trip its size does not matter.
#![allow(clippy::result_large_err)]

pub mod auth;
mod call;
mod client;
mod error;
pub mod hook;
mod http;
mod multipart;
pub mod object;
pub mod open_enum;
pub mod form;
pub mod lenient;
pub mod params;
mod secret;
pub mod signing;
pub mod token;
pub mod union;

pub use auth::{Credential, KeyLocation, Scheme};
pub use call::CallOptions;
pub use client::ApiClient;
pub use error::Error;
pub use reqwest::Method;
pub use bytes::Bytes;
pub use http::{encode_path_segment, may_match_another, ByteStream, Call, Config, Envelope, HttpClient, PathSegment, RawResponse, Request, ResponseValue, RetryPolicy, Streamed};
pub use multipart::{FilePart, Multipart};
pub use open_enum::UnknownValue;
pub use params::{path_param, query_pairs, try_path_param, ParamError, QueryStyle};
pub use secret::Secret;

/// Checks the generated crate's example tests call; not part of the public interface.
#[cfg(any(test, feature = "testing"))]
#[doc(hidden)]
pub mod testing;
