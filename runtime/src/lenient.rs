//! Decoders for fields whose document contradicts itself (declared `string`, example `480`).
//!
//! The generated field has the type the evidence supports and also accepts the other form:
//! a number field accepts `"480"`, a string field accepts `480`. Encoding always writes the
//! field's own type. The generator marks such fields and reports each decision as a warning.

use std::fmt::Display;
use std::str::FromStr;

use serde::{Deserialize, Deserializer};

use crate::object::Wire;

#[derive(Deserialize)]
#[serde(untagged)]
enum Either<T> {
    Value(T),
    Text(String),
}

impl<T: FromStr> Either<T>
where
    T::Err: Display,
{
    fn into_value<E: serde::de::Error>(self) -> Result<T, E> {
        match self {
            Either::Value(value) => Ok(value),
            Either::Text(text) => text.trim().parse().map_err(|e| E::custom(format!("`{text}` is not a valid value: {e}"))),
        }
    }
}

/// A number or boolean that may also arrive as its text (`480` or `"480"`).
pub fn value_or_text<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de> + FromStr,
    T::Err: Display,
{
    Either::<T>::deserialize(deserializer)?.into_value()
}

/// [`value_or_text`] for an optional field: absent or `null` is `None`.
pub fn optional_value_or_text<'de, D, T>(deserializer: D) -> Result<Option<T>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de> + FromStr,
    T::Err: Display,
{
    Option::<Either<T>>::deserialize(deserializer)?.map(Either::into_value).transpose()
}

/// A string that may also arrive as a bare number or boolean (`"480"` or `480`).
pub fn text_or_scalar<'de, D: Deserializer<'de>>(deserializer: D) -> Result<String, D::Error> {
    scalar_text(serde_json::Value::deserialize(deserializer)?)
}

/// [`text_or_scalar`] for an optional field: absent or `null` is `None`.
pub fn optional_text_or_scalar<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<String>, D::Error> {
    match serde_json::Value::deserialize(deserializer)? {
        serde_json::Value::Null => Ok(None),
        other => scalar_text(other).map(Some),
    }
}

/// [`value_or_text`] as a wire form, for a generated struct that reads its fields itself
/// ([`crate::object::Object::value_from`]).
pub struct ValueOrText<T>(T);

impl<'de, T> Deserialize<'de> for ValueOrText<T>
where
    T: Deserialize<'de> + FromStr,
    T::Err: Display,
{
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        value_or_text(deserializer).map(ValueOrText)
    }
}

impl<'de, T> Wire<'de> for ValueOrText<T>
where
    T: Deserialize<'de> + FromStr,
    T::Err: Display,
{
    type Value = T;

    fn into_value(self) -> T {
        self.0
    }
}

/// [`text_or_scalar`] as a wire form ([`ValueOrText`]'s counterpart for string fields).
pub struct TextOrScalar(String);

impl<'de> Deserialize<'de> for TextOrScalar {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        text_or_scalar(deserializer).map(TextOrScalar)
    }
}

impl Wire<'_> for TextOrScalar {
    type Value = String;

    fn into_value(self) -> String {
        self.0
    }
}

fn scalar_text<E: serde::de::Error>(value: serde_json::Value) -> Result<String, E> {
    match value {
        serde_json::Value::String(text) => Ok(text),
        serde_json::Value::Number(number) => Ok(number.to_string()),
        serde_json::Value::Bool(flag) => Ok(flag.to_string()),
        other => Err(E::custom(format!("expected a string, a number or a boolean, found {other}"))),
    }
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;

    #[derive(Deserialize, Debug, PartialEq)]
    struct Token {
        #[serde(deserialize_with = "super::value_or_text")]
        expires_in: i64,
        #[serde(default, deserialize_with = "super::optional_value_or_text")]
        refresh_expires_in: Option<i64>,
        #[serde(deserialize_with = "super::text_or_scalar")]
        scope: String,
    }

    #[test]
    fn numbers_are_read_from_numbers_or_text_and_text_from_scalars() {
        let from_numbers: Token = serde_json::from_str(r#"{"expires_in": 480, "refresh_expires_in": 3660, "scope": 7}"#).expect("numbers");
        let from_text: Token = serde_json::from_str(r#"{"expires_in": "480", "refresh_expires_in": "3660", "scope": "7"}"#).expect("text");
        assert_eq!(from_numbers, Token { expires_in: 480, refresh_expires_in: Some(3660), scope: "7".to_owned() });
        assert_eq!(from_numbers, from_text);
        let absent: Token = serde_json::from_str(r#"{"expires_in": 1, "refresh_expires_in": null, "scope": "s"}"#).expect("null");
        assert_eq!(absent.refresh_expires_in, None);
        let error = serde_json::from_str::<Token>(r#"{"expires_in": "soon", "scope": "s"}"#).expect_err("not a number");
        assert!(error.to_string().contains("`soon` is not a valid value"), "{error}");
    }
}
