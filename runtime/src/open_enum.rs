//! [`UnknownValue`]: what a generated enum holds when the server sends a value its document
//! does not list.
//!
//! Generated enums are open: every listed value is a variant, and anything else decodes into
//! `Unknown(UnknownValue)` instead of failing the call. The value is opaque (read it with
//! [`UnknownValue::as_str`]), so code cannot match on a particular unlisted string, and a later
//! document that lists it can add a variant without breaking that code.

use std::fmt;

use serde::de::{Error, Visitor};
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

/// Decodes a generated open enum from its wire string: `from_wire` gives the listed value's
/// variant, or `Unknown` for any other. The string is borrowed where the input allows, so a
/// listed value allocates nothing.
pub fn deserialize<'de, T, D: Deserializer<'de>>(deserializer: D, from_wire: fn(&str) -> T) -> Result<T, D::Error> {
    deserializer.deserialize_str(WireVisitor(from_wire))
}

struct WireVisitor<T>(fn(&str) -> T);

impl<T> Visitor<'_> for WireVisitor<T> {
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string")
    }

    fn visit_str<E: Error>(self, value: &str) -> Result<T, E> {
        Ok((self.0)(value))
    }
}

#[cfg(test)]
mod tests {
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    use super::UnknownValue;

    /// The shape the generator emits for an enum with the values `Bearer` and `mac`.
    #[derive(Debug, Clone, PartialEq)]
    enum TokenType {
        Bearer,
        Mac,
        Unknown(UnknownValue),
    }

    impl TokenType {
        fn as_str(&self) -> &str {
            match self {
                Self::Bearer => "Bearer",
                Self::Mac => "mac",
                Self::Unknown(other) => other.as_str(),
            }
        }

        fn from_wire(value: &str) -> Self {
            match value {
                "Bearer" => Self::Bearer,
                "mac" => Self::Mac,
                other => Self::Unknown(UnknownValue::new(other)),
            }
        }
    }

    impl Serialize for TokenType {
        fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            serializer.serialize_str(self.as_str())
        }
    }

    impl<'de> Deserialize<'de> for TokenType {
        fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            super::deserialize(deserializer, Self::from_wire)
        }
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
    fn escaped_owned_and_buffered_strings_decode_alike() {
        assert_eq!(serde_json::from_str::<TokenType>(r#""m\u0061c""#).expect("escaped"), TokenType::Mac);
        assert_eq!(serde_json::from_value::<TokenType>(serde_json::json!("Bearer")).expect("owned"), TokenType::Bearer);
        // Inside an untagged union, serde hands the value over from its own buffer.
        #[derive(Debug, PartialEq, Deserialize)]
        #[serde(untagged)]
        enum Either {
            Number(i64),
            Kind(TokenType),
        }
        assert_eq!(serde_json::from_str::<Either>(r#""mac""#).expect("buffered"), Either::Kind(TokenType::Mac));
    }

    #[test]
    fn a_value_that_is_not_text_is_an_error() {
        let error = serde_json::from_str::<TokenType>("42").expect_err("a number is no enum value");
        assert_eq!(error.to_string(), "invalid type: integer `42`, expected a string at line 1 column 2");
    }
}
