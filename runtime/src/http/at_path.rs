//! Values at paths of a JSON body (object keys, outermost first), decoded where they lie
//! without a `serde_json::Value` of the whole body.
//!
//! [`decode`] finds one value: an envelope's code, payload or message. [`code_and_payload`]
//! finds an envelope's code and payload together, in one pass, for the common case of a success
//! answer: [`RawResponse::enveloped`](super::RawResponse::enveloped) tries it first, keeping the
//! code as its JSON text borrowed from the body. Anything else (another code, a code written
//! differently, a payload that does not decode, a body that is not JSON) is read again with
//! [`decode`], so every error is the same as with two passes.
//!
//! A path leads nowhere when a key is missing or a value on the way is not an object. A key
//! given twice counts as given last, as in a parsed `serde_json::Value`.

use serde::de::{Deserialize, DeserializeOwned, DeserializeSeed, Deserializer, Error, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::value::RawValue;
use std::fmt;

use crate::object::Key;

/// The value at `path` of the JSON document `body`, decoded as `T`; `None` when the path leads
/// nowhere. Everything else is read only to check it is JSON, not kept.
pub(super) fn decode<T: DeserializeOwned>(body: &[u8], path: &[&str]) -> Result<Option<T>, serde_json::Error> {
    walk(body, None, path).map(|found| found.payload)
}

/// The code's JSON text at `status` and the payload at `payload`, in one pass; `None` where a
/// path leads nowhere. `None` as a whole when the paths overlap (one leads through the other's
/// end), which this reader does not handle.
pub(super) fn code_and_payload<'b, T: DeserializeOwned>(body: &'b [u8], status: &[&str], payload: &[&str]) -> Option<Result<Found<'b, T>, serde_json::Error>> {
    if status.starts_with(payload) || payload.starts_with(status) {
        return None;
    }
    Some(walk(body, Some(status), payload))
}

fn walk<'b, T: DeserializeOwned>(body: &'b [u8], status: Option<&[&str]>, payload: &[&str]) -> Result<Found<'b, T>, serde_json::Error> {
    let mut found = Found { code: None, payload: None };
    let mut deserializer = serde_json::Deserializer::from_slice(body);
    Walk { status, payload: Some(payload), found: &mut found }.deserialize(&mut deserializer)?;
    deserializer.end()?;
    Ok(found)
}

pub(super) struct Found<'b, T> {
    pub(super) code: Option<&'b RawValue>,
    pub(super) payload: Option<T>,
}

/// The rest of each path below the value it is given (`None`: the path does not lead here).
struct Walk<'w, 'p, 'b, T> {
    status: Option<&'p [&'p str]>,
    payload: Option<&'p [&'p str]>,
    found: &'w mut Found<'b, T>,
}

impl<'de, T: DeserializeOwned> DeserializeSeed<'de> for Walk<'_, '_, 'de, T> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        match (self.status, self.payload) {
            (Some([]), None) => self.found.code = Some(<&RawValue>::deserialize(deserializer)?),
            (None, Some([])) => self.found.payload = Some(T::deserialize(deserializer)?),
            (Some([]), Some(_)) | (Some(_), Some([])) => return Err(D::Error::custom("the envelope's paths overlap")),
            _ => deserializer.deserialize_any(self)?,
        }
        Ok(())
    }
}

/// The rest of `path` under `key`, when `path` goes through it.
fn below<'p>(path: Option<&'p [&'p str]>, key: &str) -> Option<&'p [&'p str]> {
    let (first, rest) = path?.split_first()?;
    (*first == key).then_some(rest)
}

impl<'de, T: DeserializeOwned> Visitor<'de> for Walk<'_, '_, 'de, T> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let found = self.found;
        while let Some(key) = map.next_key::<Key<'de>>()? {
            let (status, payload) = (below(self.status, key.as_str()), below(self.payload, key.as_str()));
            if status.is_none() && payload.is_none() {
                map.next_value::<IgnoredAny>()?;
            } else {
                map.next_value_seed(Walk { status, payload, found: &mut *found })?;
            }
        }
        Ok(())
    }

    // Anything but an object has no keys: skipped, and the paths lead nowhere.
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(())
    }

    fn visit_bool<E>(self, _: bool) -> Result<(), E> {
        Ok(())
    }

    fn visit_i64<E>(self, _: i64) -> Result<(), E> {
        Ok(())
    }

    fn visit_u64<E>(self, _: u64) -> Result<(), E> {
        Ok(())
    }

    fn visit_f64<E>(self, _: f64) -> Result<(), E> {
        Ok(())
    }

    fn visit_str<E>(self, _: &str) -> Result<(), E> {
        Ok(())
    }

    fn visit_unit<E>(self) -> Result<(), E> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::{code_and_payload as read, decode};

    const STATUS: &[&str] = &["response", "code"];
    const PAYLOAD: &[&str] = &["response", "data"];

    #[test]
    fn the_code_and_the_payload_are_found_together_in_any_order() {
        for body in [r#"{"response":{"code":"SUCCESS","data":[1,2]}}"#, r#"{"a":{"response":0},"response":{"data":[1,2],"x":{},"code": "SUCCESS" }}"#] {
            let found = read::<Vec<u8>>(body.as_bytes(), STATUS, PAYLOAD).expect("paths apart").expect(body);
            assert_eq!(found.code.map(|c| c.get()), Some(r#""SUCCESS""#), "{body}");
            assert_eq!(found.payload, Some(vec![1, 2]), "{body}");
        }
        let last = read::<u8>(br#"{"response":{"data":1,"code":2,"data":3}}"#, STATUS, PAYLOAD).expect("paths apart").expect("JSON");
        assert_eq!((last.code.map(|c| c.get()), last.payload), (Some("2"), Some(3)));
    }

    #[test]
    fn paths_that_lead_nowhere_are_none_and_overlapping_paths_are_not_read() {
        let found = read::<u8>(br#"{"response":[{"code":1}]}"#, STATUS, PAYLOAD).expect("paths apart").expect("JSON");
        assert!(found.code.is_none() && found.payload.is_none());
        assert!(read::<u8>(b"{}", &["data"], &["data", "code"]).is_none());
        assert!(read::<u8>(b"{}", STATUS, &[]).is_none());
        assert!(read::<u8>(br#"{"response":{"code":1}} x"#, STATUS, PAYLOAD).expect("paths apart").is_err());
    }

    #[test]
    fn one_value_is_found_at_its_path_or_not_at_all() {
        assert_eq!(decode::<u8>(br#"{"a":{"b":1,"b":2},"c":[3]}"#, &["a", "b"]).expect("JSON"), Some(2));
        assert_eq!(decode::<u8>(br#"{"a":[{"b":1}]}"#, &["a", "b"]).expect("JSON"), None);
        assert_eq!(decode::<Vec<u8>>(br#"[1,2]"#, &[]).expect("JSON"), Some(vec![1, 2]));
        assert!(decode::<u8>(br#"{"a":{"b":"x"}}"#, &["a", "b"]).is_err());
    }
}
