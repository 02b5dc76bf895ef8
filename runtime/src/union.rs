//! Decoding a tagged union (`oneOf` with a discriminator): the value of one property says
//! which variant the whole object is.
//!
//! serde's internally tagged enums take the tag out of the object before the variant decodes
//! it, but the documents' variant schemas list the tag as a required property of their own.
//! Generated unions therefore decode the object once into JSON, read the tag with [`tag`], and
//! decode the whole object, tag included, into the variant with [`variant`]. A tag the document
//! does not list either lands in the union's `Unknown` variant (for unions the client receives)
//! or is an error naming the tag ([`unknown_tag`]).

use serde::de::{DeserializeOwned, Error};
use serde_json::Value;

/// The text of `property` in `value`, when `value` is an object with a string there.
pub fn tag<'v>(value: &'v Value, property: &str) -> Option<&'v str> {
    value.get(property).and_then(Value::as_str)
}

/// Decodes the whole `value` as `T` and wraps it in its variant.
pub fn variant<T: DeserializeOwned, U, E: Error>(value: Value, wrap: fn(T) -> U) -> Result<U, E> {
    serde_json::from_value(value).map(wrap).map_err(E::custom)
}

/// The error for a value whose tag names no variant of a union that must be one of them.
pub fn unknown_tag<U, E: Error>(value: &Value, property: &str) -> Result<U, E> {
    Err(match tag(value, property) {
        Some(found) => E::custom(format_args!("unknown `{property}` value `{found}`")),
        None => E::custom(format_args!("missing `{property}`, which says which variant the value is")),
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[derive(Debug, PartialEq, serde::Deserialize)]
    struct Cat {
        kind: String,
        lives: u8,
    }

    #[test]
    fn a_variant_decodes_with_its_tag_kept() {
        let value = serde_json::json!({"kind": "cat", "lives": 9});
        assert_eq!(tag(&value, "kind"), Some("cat"));
        let cat: Result<Option<Cat>, serde_json::Error> = variant(value, Some);
        assert_eq!(cat.unwrap(), Some(Cat { kind: "cat".into(), lives: 9 }));
    }

    #[test]
    fn an_unknown_or_missing_tag_is_named_in_the_error() {
        let unknown: Result<(), serde_json::Error> = unknown_tag(&serde_json::json!({"kind": "dog"}), "kind");
        assert!(unknown.unwrap_err().to_string().contains("unknown `kind` value `dog`"));
        let missing: Result<(), serde_json::Error> = unknown_tag(&serde_json::json!({}), "kind");
        assert!(missing.unwrap_err().to_string().contains("missing `kind`"));
    }
}
