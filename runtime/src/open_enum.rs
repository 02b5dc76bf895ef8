//! [`UnknownValue`]: what a generated enum holds when the server sends a value its document
//! does not list.
//!
//! Generated enums are open: every listed value is a variant, and anything else decodes into
//! `Unknown(UnknownValue)` instead of failing the call. The value is opaque (read it with
//! [`UnknownValue::as_str`]), so code cannot match on a particular unlisted string, and a later
//! document that lists it can add a variant without breaking that code.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// An enum value the document does not list, kept exactly as received.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct UnknownValue(String);

impl UnknownValue {
    /// The value as it was on the wire.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// An unlisted value, for sending one the document does not know yet.
    pub fn new(value: impl Into<String>) -> Self {
        UnknownValue(value.into())
    }
}

impl fmt::Debug for UnknownValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.0, f)
    }
}

impl fmt::Display for UnknownValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl Serialize for UnknownValue {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for UnknownValue {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        String::deserialize(deserializer).map(UnknownValue)
    }
}

#[cfg(test)]
mod tests {
    use serde::{Deserialize, Serialize};

    use super::UnknownValue;

    /// The shape the generator emits for an enum with the values `Bearer` and `mac`.
    #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
    enum TokenType {
        #[serde(rename = "Bearer")]
        Bearer,
        #[serde(rename = "mac")]
        Mac,
        #[serde(untagged)]
        Unknown(UnknownValue),
    }

    #[test]
    fn listed_values_decode_to_their_variant_and_others_are_kept() {
        let listed: TokenType = serde_json::from_str(r#""mac""#).expect("listed value");
        assert_eq!(listed, TokenType::Mac);
        let other: TokenType = serde_json::from_str(r#""DPoP""#).expect("unlisted value");
        let TokenType::Unknown(value) = &other else { panic!("expected Unknown, got {other:?}") };
        assert_eq!(value.as_str(), "DPoP");
        assert_eq!(serde_json::to_string(&other).expect("encodes"), r#""DPoP""#);
        assert_eq!(serde_json::to_string(&TokenType::Bearer).expect("encodes"), r#""Bearer""#);
    }

    #[test]
    fn a_value_that_is_not_text_is_an_error() {
        assert!(serde_json::from_str::<TokenType>("42").is_err());
    }
}
