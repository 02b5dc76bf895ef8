//! Turning the ways vendors state a token's lifetime into one absolute expiry.
//!
//! Vendors say it as seconds from now (`expires_in`, `expire`), as an RFC 3339 time
//! (Cloudreve's `access_expires`), or not at all, leaving only the JWT's own `exp` claim.
//! These functions read untrusted input and never panic: an unreadable value is an error or
//! `None`, never a guess.

use chrono::{DateTime, TimeDelta, Utc};

use super::TokenError;

/// The instant `seconds` after `received_at` (pass the time the answer arrived, not the time
/// the request left). A negative lifetime means already expired; a lifetime too large for a
/// date is treated as no expiry.
pub fn after_seconds(seconds: i64, received_at: DateTime<Utc>) -> Option<DateTime<Utc>> {
    let lifetime = TimeDelta::try_seconds(seconds.max(0))?;
    received_at.checked_add_signed(lifetime)
}

/// An RFC 3339 time with any offset (e.g. `2025-01-02T03:04:05.123456+08:00`), in UTC.
pub fn from_rfc3339(text: &str) -> Result<DateTime<Utc>, TokenError> {
    DateTime::parse_from_rfc3339(text.trim())
        .map(|time| time.with_timezone(&Utc))
        .map_err(|e| TokenError::other(format!("the token's expiry is not an RFC 3339 time: {e}")))
}

/// The `exp` claim of a JWT (`header.payload.signature`), if `token` is one and has it.
///
/// The signature is not checked: the claim only tells when to refresh, and the server that
/// issued the token stays the judge of whether it is valid.
pub fn from_jwt(token: &str) -> Option<DateTime<Utc>> {
    let mut segments = token.split('.');
    let (_header, payload, _signature) = (segments.next()?, segments.next()?, segments.next()?);
    if segments.next().is_some() {
        return None;
    }
    let claims: serde_json::Value = serde_json::from_slice(&decode_base64url(payload)?).ok()?;
    let exp = claims.get("exp")?;
    // NumericDate may carry a fraction of a second (RFC 7519 §2); whole seconds are enough.
    let seconds = exp.as_i64().or_else(|| exp.as_f64().filter(|s| s.is_finite()).map(|s| s.floor() as i64))?;
    DateTime::from_timestamp(seconds, 0)
}

/// Base64url (RFC 4648 §5), as JWT segments are written, with or without padding.
fn decode_base64url(text: &str) -> Option<Vec<u8>> {
    use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
    use base64::Engine;
    const JWT_SEGMENT: GeneralPurpose =
        GeneralPurpose::new(&base64::alphabet::URL_SAFE, GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent));
    JWT_SEGMENT.decode(text).ok()
}

/// A token lifetime as a vendor's answer states it: seconds from receipt (any number type) or
/// an absolute RFC 3339 time, possibly absent. Generated token sources hand the field to [`at`]
/// whatever its type.
pub trait Lifetime {
    /// The absolute expiry, counting seconds from `received_at`.
    fn expires_at(self, received_at: DateTime<Utc>) -> Option<DateTime<Utc>>;
}

impl Lifetime for i64 {
    fn expires_at(self, received_at: DateTime<Utc>) -> Option<DateTime<Utc>> {
        after_seconds(self, received_at)
    }
}

impl Lifetime for i32 {
    fn expires_at(self, received_at: DateTime<Utc>) -> Option<DateTime<Utc>> {
        after_seconds(i64::from(self), received_at)
    }
}

impl Lifetime for f64 {
    /// Rounded to whole seconds; a value that is not a finite number is no expiry.
    fn expires_at(self, received_at: DateTime<Utc>) -> Option<DateTime<Utc>> {
        // `as` saturates; a lifetime beyond i64 seconds is no expiry either way.
        self.is_finite().then(|| after_seconds(self.round() as i64, received_at)).flatten()
    }
}

impl Lifetime for DateTime<chrono::FixedOffset> {
    fn expires_at(self, _received_at: DateTime<Utc>) -> Option<DateTime<Utc>> {
        Some(self.with_timezone(&Utc))
    }
}

impl<T: Lifetime> Lifetime for Option<T> {
    fn expires_at(self, received_at: DateTime<Utc>) -> Option<DateTime<Utc>> {
        self.and_then(|lifetime| lifetime.expires_at(received_at))
    }
}

/// The absolute expiry of a lifetime field (see [`Lifetime`]).
pub fn at(lifetime: impl Lifetime, received_at: DateTime<Utc>) -> Option<DateTime<Utc>> {
    lifetime.expires_at(received_at)
}

#[cfg(test)]
mod tests {
    use chrono::{DateTime, TimeZone, Utc};

    use super::{at, decode_base64url};

    #[test]
    fn lifetimes_of_every_documented_type_become_one_expiry() {
        let received = Utc.with_ymd_and_hms(2025, 1, 1, 0, 0, 0).single().expect("a valid time");
        let in_a_minute = Utc.with_ymd_and_hms(2025, 1, 1, 0, 1, 0).single();
        assert_eq!(at(60_i64, received), in_a_minute);
        assert_eq!(at(60_i32, received), in_a_minute);
        assert_eq!(at(59.6_f64, received), in_a_minute);
        assert_eq!(at(Some(60_i64), received), in_a_minute);
        assert_eq!(at(None::<i64>, received), None);
        assert_eq!(at(f64::NAN, received), None);
        let stated = DateTime::parse_from_rfc3339("2025-01-01T08:01:00+08:00").expect("RFC 3339");
        assert_eq!(at(stated, received), Utc.with_ymd_and_hms(2025, 1, 1, 0, 1, 0).single());
    }

    #[test]
    fn base64url_matches_rfc4648_vectors() {
        // RFC 4648 §10, with and without padding, plus the url-safe alphabet's two characters.
        for (encoded, decoded) in [
            ("", ""),
            ("Zg", "f"),
            ("Zm8", "fo"),
            ("Zm9v", "foo"),
            ("Zm9vYg", "foob"),
            ("Zm9vYmE", "fooba"),
            ("Zm9vYmFy", "foobar"),
            ("Zm9vYg==", "foob"),
        ] {
            assert_eq!(decode_base64url(encoded).as_deref(), Some(decoded.as_bytes()), "{encoded}");
        }
        assert_eq!(decode_base64url("-_8"), Some(vec![0xfb, 0xff]));
        assert_eq!(decode_base64url("Zm9vY"), None, "a length of 4n+1 cannot be base64");
        assert_eq!(decode_base64url("+/8"), None, "the standard alphabet is not a JWT's");
        assert_eq!(decode_base64url("Zm9v!"), None);
    }
}
