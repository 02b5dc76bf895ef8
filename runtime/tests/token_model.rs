//! The token model: expiry normalisation (seconds from now, RFC 3339, JWT `exp`), the
//! persisted form, and redaction in `Debug`/`Display`.
// Test code: a failed unwrap or index is a failed test (the lints guard the library).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

use chrono::{DateTime, TimeDelta, TimeZone, Utc};
use serde_json::json;
use vendor_runtime::token::{expiry, Token, TokenError, TokenErrorKind};

const JWT_EXP_2030: &str =
    "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJ1c2VyLTEiLCJleHAiOjE4OTM0NTYwMDB9.c2lnbmF0dXJl";
const JWT_FRACTIONAL_EXP: &str =
    "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJ1c2VyLTEiLCJleHAiOjE4OTM0NTYwMDAuNzV9.c2lnbmF0dXJl";
const JWT_WITHOUT_EXP: &str = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJ1c2VyLTEifQ.c2lnbmF0dXJl";

fn jan_1_2030() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2030, 1, 1, 0, 0, 0).unwrap()
}

#[test]
fn expires_in_counts_from_when_the_answer_arrived() {
    let received = Utc.with_ymd_and_hms(2025, 3, 1, 12, 0, 0).unwrap();
    assert_eq!(expiry::after_seconds(480, received), Some(received + TimeDelta::seconds(480)));
    assert_eq!(expiry::after_seconds(0, received), Some(received));
    assert_eq!(expiry::after_seconds(-5, received), Some(received), "a negative lifetime is already expired");
    assert_eq!(expiry::after_seconds(i64::MAX, received), None, "too far to represent: no expiry");
}

#[test]
fn rfc3339_times_with_offsets_and_microseconds_become_utc() {
    // Cloudreve's `access_expires`.
    let at = expiry::from_rfc3339("2025-07-31T10:20:30.123456+08:00").unwrap();
    assert_eq!(at, Utc.with_ymd_and_hms(2025, 7, 31, 2, 20, 30).unwrap() + TimeDelta::microseconds(123_456));
    assert_eq!(expiry::from_rfc3339("2025-07-31T02:20:30Z").unwrap(), Utc.with_ymd_and_hms(2025, 7, 31, 2, 20, 30).unwrap());
    let error = expiry::from_rfc3339("next tuesday").unwrap_err();
    assert_eq!(error.kind(), TokenErrorKind::Other);
    assert!(error.to_string().contains("RFC 3339"), "{error}");
}

#[test]
fn jwt_exp_claim_is_read_without_checking_the_signature() {
    assert_eq!(expiry::from_jwt(JWT_EXP_2030), Some(jan_1_2030()));
    assert_eq!(expiry::from_jwt(JWT_FRACTIONAL_EXP), Some(jan_1_2030()), "a fractional NumericDate rounds down");
    assert_eq!(expiry::from_jwt(JWT_WITHOUT_EXP), None);
    for not_a_jwt in ["", "opaque-token", "a.b", "a.b.c.d", "eyJ.!!!.sig", "e30.bm90IGpzb24.sig", "x.eyJleHAiOiJzb29uIn0.y"] {
        assert_eq!(expiry::from_jwt(not_a_jwt), None, "{not_a_jwt}");
    }
}

#[test]
fn jwt_fallback_fills_only_a_missing_expiry() {
    assert_eq!(Token::new(JWT_EXP_2030).with_jwt_expiry_fallback().expires_at(), Some(jan_1_2030()));
    let stated = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap();
    let token = Token::new(JWT_EXP_2030).with_expires_at(stated).with_jwt_expiry_fallback();
    assert_eq!(token.expires_at(), Some(stated), "the vendor's own lifetime wins over the claim");
    assert_eq!(Token::new("opaque").with_jwt_expiry_fallback().expires_at(), None);
}

fn full_token() -> Token {
    Token::new("acc-SECRET-1")
        .with_refresh_token("ref-SECRET-2")
        .with_token_type("Bearer")
        .with_expires_at(jan_1_2030())
        .with_refresh_expires_at(jan_1_2030() + TimeDelta::hours(1))
        .with_raw(json!({"accessToken": "acc-SECRET-1", "refreshToken": "ref-SECRET-2", "note": "raw-SECRET-3"}))
}

#[test]
fn the_persisted_form_keeps_the_secrets_and_round_trips() {
    let token = full_token();
    let stored = serde_json::to_string(&token).unwrap();
    assert!(stored.contains("acc-SECRET-1") && stored.contains("ref-SECRET-2"), "a store must be able to read them back");
    let back: Token = serde_json::from_str(&stored).unwrap();
    assert_eq!(back, token);
    assert_eq!(back.refresh_token().map(|s| s.expose().as_str()), Some("ref-SECRET-2"));
    assert_eq!(back.token_type(), Some("Bearer"));
    assert_eq!(back.raw()["note"], "raw-SECRET-3");

    let minimal: Token = serde_json::from_value(json!({"access_token": "a"})).unwrap();
    assert_eq!(minimal, Token::new("a"));
}

#[test]
fn token_debug_shows_times_but_no_secret() {
    let debug = format!("{:?} {:#?}", full_token(), full_token());
    assert!(!debug.contains("SECRET"), "{debug}");
    assert!(debug.contains("2030-01-01") && debug.contains("Bearer"), "{debug}");
}

/// A cause whose `Debug` would leak (like an HTTP error holding a body), but whose `Display`
/// does not.
struct LeakyCause;

impl std::fmt::Debug for LeakyCause {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("body: {\"accessToken\": \"acc-SECRET-1\"}")
    }
}

impl std::fmt::Display for LeakyCause {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("the vendor answered 500")
    }
}

impl std::error::Error for LeakyCause {}

#[test]
fn token_error_prints_no_secret_and_says_what_to_do() {
    let error = TokenError::transient("refresh failed").with_source(LeakyCause);
    let printed = format!("{error} {error:?} {error:#?}");
    assert!(!printed.contains("SECRET"), "{printed}");
    assert!(printed.contains("the vendor answered 500"), "{printed}");
    assert!(error.is_retryable());
    assert!(std::error::Error::source(&error).is_some());

    for (error, kind) in [
        (TokenError::login_required("x"), TokenErrorKind::LoginRequired),
        (TokenError::credentials_rejected("x"), TokenErrorKind::CredentialsRejected),
        (TokenError::new(TokenErrorKind::SecondFactorRequired, "x"), TokenErrorKind::SecondFactorRequired),
        (TokenError::store("x"), TokenErrorKind::Store),
        (TokenError::other("x"), TokenErrorKind::Other),
    ] {
        assert_eq!(error.kind(), kind);
        assert!(!error.is_retryable(), "{kind:?} must not be retried as is");
    }
}
