//! Decoding a received object into its generated struct: the documented fields by name, and
//! every other property into the struct's `additional_properties`.
//!
//! serde's derive can only keep "the rest" through `#[serde(flatten)]`, which buffers each
//! unknown property as serde's private `Content` and decodes the map again from that buffer.
//! That path is slower per call, and each struct compiles its own copy of it (Stripe's
//! 885 received structs made it the largest part of the module's LLVM IR). A generated struct
//! instead implements [`FromObject`]: a loop over the keys that sends each documented key to
//! its field's slot and every other key to the rest, in one pass, with serde's own errors for
//! a repeated field (`duplicate field`) and an absent required one (`missing field`).
//!
//! The generated code names no types here: the slots' types are inferred from the struct's
//! fields, so a schema called `Key` or `Object` cannot change what the code means.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fmt;
use std::marker::PhantomData;

use serde::de::{Deserialize, Deserializer, Error, MapAccess, Visitor};

/// A generated struct read from a JSON object, one key at a time ([`Object`]).
pub trait FromObject<'de>: Sized {
    /// Reads the object's properties into the struct.
    fn from_object<M: MapAccess<'de>>(object: Object<'de, M>) -> Result<Self, M::Error>;
}

/// Decodes a `T` from an object. `expecting` ends serde's "invalid type" message
/// (`struct Name`, as the derive writes it).
pub fn deserialize<'de, T: FromObject<'de>, D: Deserializer<'de>>(deserializer: D, expecting: &'static str) -> Result<T, D::Error> {
    deserializer.deserialize_map(ObjectVisitor { expecting, target: PhantomData })
}

struct ObjectVisitor<T> {
    expecting: &'static str,
    target: PhantomData<fn() -> T>,
}

impl<'de, T: FromObject<'de>> Visitor<'de> for ObjectVisitor<T> {
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.expecting)
    }

    fn visit_map<M: MapAccess<'de>>(self, map: M) -> Result<T, M::Error> {
        T::from_object(Object { map, input: PhantomData })
    }
}

/// The properties of one object, read in order by a [`FromObject`] implementation.
pub struct Object<'de, M> {
    map: M,
    input: PhantomData<&'de ()>,
}

impl<'de, M: MapAccess<'de>> Object<'de, M> {
    /// The next property's name, or `None` after the last.
    pub fn next_key(&mut self) -> Result<Option<Key<'de>>, M::Error> {
        self.map.next_key()
    }

    /// Reads the current property's value into a documented field's slot; a second value for
    /// the same field is serde's `duplicate field` error.
    pub fn value<T: Deserialize<'de>>(&mut self, slot: &mut Option<T>, name: &'static str) -> Result<(), M::Error> {
        if slot.is_some() {
            return Err(M::Error::duplicate_field(name));
        }
        *slot = Some(self.map.next_value()?);
        Ok(())
    }

    /// [`Object::value`] for a field that also accepts another wire form: the value is read
    /// as `W` and converted (see [`crate::lenient`]).
    pub fn value_from<W: Wire<'de>>(&mut self, slot: &mut Option<W::Value>, name: &'static str) -> Result<(), M::Error> {
        if slot.is_some() {
            return Err(M::Error::duplicate_field(name));
        }
        *slot = Some(self.map.next_value::<W>()?.into_value());
        Ok(())
    }

    /// Keeps the current property, one the document does not list, under its own name; a
    /// repeated name keeps the last value.
    pub fn rest<T: Deserialize<'de>>(&mut self, rest: &mut BTreeMap<String, T>, key: Key<'de>) -> Result<(), M::Error> {
        let value = self.map.next_value()?;
        rest.insert(key.0.into_owned(), value);
        Ok(())
    }

    /// The value of a required field, or serde's `missing field` error.
    pub fn required<T>(&self, slot: Option<T>, name: &'static str) -> Result<T, M::Error> {
        slot.ok_or_else(|| M::Error::missing_field(name))
    }
}

/// A property's name: borrowed from the input when it holds the name unescaped, owned
/// otherwise.
pub struct Key<'de>(Cow<'de, str>);

impl Key<'_> {
    /// The name, to match against the documented ones.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl<'de> Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct KeyVisitor;

        impl<'de> Visitor<'de> for KeyVisitor {
            type Value = Key<'de>;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a property name")
            }

            fn visit_borrowed_str<E: Error>(self, name: &'de str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Borrowed(name)))
            }

            fn visit_str<E: Error>(self, name: &str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(name.to_owned())))
            }

            fn visit_string<E: Error>(self, name: String) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(name)))
            }
        }

        deserializer.deserialize_str(KeyVisitor)
    }
}

/// Another wire form of a field's value, decoded as itself and then converted.
pub trait Wire<'de>: Deserialize<'de> {
    /// The field's own type.
    type Value;

    /// The field's value.
    fn into_value(self) -> Self::Value;
}

/// An optional field's wire form: `null` stays `None`.
impl<'de, W: Wire<'de>> Wire<'de> for Option<W> {
    type Value = Option<W::Value>;

    fn into_value(self) -> Option<W::Value> {
        self.map(W::into_value)
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use serde::{Deserialize, Deserializer};

    use super::{FromObject, Object};
    use crate::lenient::ValueOrText;

    /// What the generator emits for a received struct with a required, an optional, a defaulted
    /// and a lenient field.
    #[derive(Debug, PartialEq)]
    struct File {
        uri: String,
        kind: Option<String>,
        count: i64,
        size: Option<i64>,
        additional_properties: BTreeMap<String, serde_json::Value>,
    }

    impl File {
        fn default_count() -> i64 {
            7
        }
    }

    impl<'de> Deserialize<'de> for File {
        fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            super::deserialize(deserializer, "struct File")
        }
    }

    impl<'de> FromObject<'de> for File {
        fn from_object<M: serde::de::MapAccess<'de>>(mut object: Object<'de, M>) -> Result<Self, M::Error> {
            let mut field_uri = None;
            let mut field_kind = None;
            let mut field_count = None;
            let mut field_size = None;
            let mut rest = BTreeMap::new();
            while let Some(key) = object.next_key()? {
                match key.as_str() {
                    "uri" => object.value(&mut field_uri, "uri")?,
                    "kind" => object.value(&mut field_kind, "kind")?,
                    "count" => object.value(&mut field_count, "count")?,
                    "size" => object.value_from::<Option<ValueOrText<i64>>>(&mut field_size, "size")?,
                    _ => object.rest(&mut rest, key)?,
                }
            }
            Ok(File {
                uri: object.required(field_uri, "uri")?,
                kind: field_kind.unwrap_or_default(),
                count: field_count.unwrap_or_else(File::default_count),
                size: field_size.unwrap_or_default(),
                additional_properties: rest,
            })
        }
    }

    fn decode(json: &str) -> Result<File, String> {
        serde_json::from_str(json).map_err(|e| e.to_string())
    }

    #[test]
    fn documented_fields_by_name_and_the_rest_kept() {
        let file = decode(r#"{"extra":{"a":[1]},"size":"12","uri":"a.txt","kind":null,"new":true}"#).unwrap();
        assert_eq!(file.uri, "a.txt");
        assert_eq!(file.kind, None);
        assert_eq!(file.count, 7);
        assert_eq!(file.size, Some(12));
        let rest: Vec<&str> = file.additional_properties.keys().map(String::as_str).collect();
        assert_eq!(rest, ["extra", "new"]);
        assert_eq!(file.additional_properties["extra"], serde_json::json!({"a": [1]}));
    }

    #[test]
    fn escaped_names_match_and_errors_are_serdes() {
        let file = decode(r#"{"u\u0072i":"b","\u0078":1}"#).unwrap();
        assert_eq!(file.uri, "b");
        assert_eq!(file.additional_properties["x"], 1);
        assert_eq!(decode(r#"{"kind":"k"}"#).unwrap_err(), "missing field `uri` at line 1 column 12");
        assert_eq!(decode(r#"{"uri":"a","uri":"b"}"#).unwrap_err(), "duplicate field `uri` at line 1 column 16");
        assert_eq!(decode(r#"{"uri":1}"#).unwrap_err(), "invalid type: integer `1`, expected a string at line 1 column 8");
        assert_eq!(decode("[]").unwrap_err(), "invalid type: sequence, expected struct File at line 1 column 0");
        assert!(decode(r#"{"uri":"a","size":"x"}"#).unwrap_err().starts_with("`x` is not a valid value"));
    }

    #[test]
    fn decodes_from_a_json_value_as_from_text() {
        let value = serde_json::json!({"uri": "a", "size": 3, "other": "kept"});
        let file: File = serde_json::from_value(value).unwrap();
        assert_eq!((file.uri.as_str(), file.size), ("a", Some(3)));
        assert_eq!(file.additional_properties["other"], "kept");
    }
}
