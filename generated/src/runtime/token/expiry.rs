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

/// Base64url without padding (RFC 4648 §5), as JWT segments are written; trailing `=` and
/// the standard alphabet's `+` and `/` are tolerated.
fn decode_base64url(text: &str) -> Option<Vec<u8>> {
    let text = text.trim_end_matches('=');
    if text.len() % 4 == 1 {
        return None;
    }
    let mut out = Vec::with_capacity(text.len() * 3 / 4);
    let mut buffer: u32 = 0;
    let mut bits = 0;
    for byte in text.bytes() {
        let value = match byte {
            b'A'..=b'Z' => byte - b'A',
            b'a'..=b'z' => byte - b'a' + 26,
            b'0'..=b'9' => byte - b'0' + 52,
            b'-' | b'+' => 62,
            b'_' | b'/' => 63,
            _ => return None,
        };
        buffer = (buffer << 6) | u32::from(value);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((buffer >> bits) as u8);
            buffer &= (1 << bits) - 1;
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::decode_base64url;

    #[test]
    fn base64url_matches_rfc4648_vectors() {
        // RFC 4648 §10, plus the url-safe alphabet's two characters.
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
        assert_eq!(decode_base64url("Zm9v!"), None);
    }
}
