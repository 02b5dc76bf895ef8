//! Decoding a tagged union (`oneOf` with a discriminator): the value of one property says
//! which variant the whole object is.
//!
//! serde's internally tagged enums take the tag out of the object before the variant decodes
//! it, but the documents' variant schemas list the tag as a required property of their own.
//! Generated unions therefore decode the object once into JSON, read the tag with [`tag`], and
//! decode the whole object, tag included, into the variant with [`variant`]. A tag the document
//! does not list either lands in the union's `Unknown` variant (for unions the client receives)
//! or is an error naming the tag ([`unknown_tag`]).

use std::collections::HashMap;
use std::sync::{OnceLock, RwLock};

use regex_lite::Regex;
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

/// Whether `value` may be a variant whose strings must match `pattern` (an ECMA-262 regular
/// expression as documents write them): true for a matching string, for anything that is not
/// a string (the variant's own decoding decides), and for a pattern this runtime cannot
/// compile (it never blocks a value). Compiled patterns are cached for the process.
pub fn fits(value: &Value, pattern: &'static str) -> bool {
    let Some(text) = value.as_str() else { return true };
    static CACHE: OnceLock<RwLock<HashMap<&'static str, Option<Regex>>>> = OnceLock::new();
    let cache = CACHE.get_or_init(Default::default);
    if let Some(compiled) = cache.read().ok().and_then(|c| c.get(pattern).cloned()) {
        return compiled.is_none_or(|re| re.is_match(text));
    }
    let compiled = Regex::new(pattern).ok();
    let fits = compiled.as_ref().is_none_or(|re| re.is_match(text));
    if let Ok(mut cache) = cache.write() {
        cache.insert(pattern, compiled);
    }
    fits
}

/// One variant's attempt in [`first_fit`]: the pattern its strings match, if any, and its
/// decoder ([`attempt`] wrapped in the variant).
pub type Attempt<U> = (Option<&'static str>, fn(&Value) -> Option<U>);

/// Decodes `value` as the first variant it fits, for an untagged union some of whose variants
/// are patterned strings: `attempts` in the union's order.
pub fn first_fit<U, E: Error>(value: Value, attempts: &[Attempt<U>], unknown: Option<fn(Value) -> U>) -> Result<U, E> {
    for (pattern, decode) in attempts {
        if pattern.is_none_or(|p| fits(&value, p)) {
            if let Some(decoded) = decode(&value) {
                return Ok(decoded);
            }
        }
    }
    match unknown {
        Some(keep) => Ok(keep(value)),
        None => Err(E::custom("the value matches no variant of the union")),
    }
}

/// Decodes `value` as `T` and wraps it, or `None`: one attempt of [`first_fit`].
pub fn attempt<T: DeserializeOwned, U>(value: &Value, wrap: fn(T) -> U) -> Option<U> {
    T::deserialize(value).ok().map(wrap)
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
    fn patterned_variants_take_only_the_strings_they_match() {
        #[derive(Debug, PartialEq)]
        enum Net {
            V4(String),
            V6(String),
        }
        let v4 = r"^\d+\.\d+\.\d+\.\d+/\d+$";
        let attempts: [Attempt<Net>; 2] = [(Some(v4), |v| attempt(v, Net::V4)), (None, |v| attempt(v, Net::V6))];
        let decoded: Result<Net, serde_json::Error> = first_fit(serde_json::json!("fd12::/64"), &attempts, None);
        assert_eq!(decoded.unwrap(), Net::V6("fd12::/64".into()));
        let decoded: Result<Net, serde_json::Error> = first_fit(serde_json::json!("10.0.0.0/8"), &attempts, None);
        assert_eq!(decoded.unwrap(), Net::V4("10.0.0.0/8".into()));
        let decoded: Result<Net, serde_json::Error> = first_fit(serde_json::json!(7), &attempts, None);
        assert!(decoded.unwrap_err().to_string().contains("matches no variant"));
        assert!(fits(&serde_json::json!("x"), "(?<=unsupported lookbehind)"), "a pattern that does not compile never blocks");
    }

    #[test]
    fn an_unknown_or_missing_tag_is_named_in_the_error() {
        let unknown: Result<(), serde_json::Error> = unknown_tag(&serde_json::json!({"kind": "dog"}), "kind");
        assert!(unknown.unwrap_err().to_string().contains("unknown `kind` value `dog`"));
        let missing: Result<(), serde_json::Error> = unknown_tag(&serde_json::json!({}), "kind");
        assert!(missing.unwrap_err().to_string().contains("missing `kind`"));
    }
}
