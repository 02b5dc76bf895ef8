//! Hand-written support for the generated clients (this folder is never regenerated).
//!
//! The generated modules stay small and declarative: each operation builds a request, sends
//! it through [`HttpClient`], and maps the documented statuses onto [`RawResponse`]'s decoders.
//! Everything a caller handles — [`Error`], [`ResponseValue`], [`Secret`] — is defined here once
//! for every API.

// `Error` carries the status, headers and raw body by value so callers can match on them
// directly; at ~150 bytes beside a network round trip its size does not matter.
#![allow(clippy::result_large_err)]

mod error;
mod http;
pub mod lenient;
mod secret;
pub mod signing;
pub mod token;

pub use error::Error;
pub use http::{encode_path_segment, may_match_another, Config, Envelope, HttpClient, RawResponse, Request, ResponseValue, RetryPolicy};
pub use secret::Secret;

#[cfg(test)]
mod round_trip;
#[cfg(test)]
pub(crate) use round_trip::assert_round_trip;
