//! `application/x-www-form-urlencoded` request bodies, encoded the way form APIs read them.
//!
//! A body is an object; each property is one or more `key=value` pairs, percent-encoded by
//! `url`'s form serializer (space as `+`, brackets as `%5B`/`%5D`, which every form parser
//! decodes before reading brackets). Properties that are `null` (an optional field left out)
//! send nothing. Scalars are their text (`true`, `2000`). An array of scalars follows the
//! property's style from the document's `encoding` object: `form` exploded (the default,
//! `a=1&a=2`), `form` not exploded (`a=1,2`), `spaceDelimited`, `pipeDelimited`, or
//! `deepObject` (`a[]=1&a[]=2`). Objects, and arrays holding objects, have no flat form, so they
//! nest in brackets whatever the style, as Stripe documents its API: `metadata[order]=6735`,
//! `items[0][price]=p_1`, `expand[]=customer` inside an object.

use serde::Serialize;
use serde_json::{Map, Value};

use crate::params::QueryStyle;

/// The encoded body of `body`, or why it cannot be one (it is not an object).
pub fn encode<B: Serialize + ?Sized>(body: &B, styles: &[(&str, QueryStyle)]) -> Result<String, String> {
    let value = serde_json::to_value(body).map_err(|e| format!("the body does not serialise: {e}"))?;
    let Value::Object(properties) = value else {
        return Err("a form body must be an object of properties".to_owned());
    };
    let mut out = url::form_urlencoded::Serializer::new(String::new());
    for (name, value) in &properties {
        let style = styles.iter().find(|(property, _)| property == name).map_or(QueryStyle::Form { explode: true }, |(_, style)| *style);
        property(&mut out, name, value, style);
    }
    Ok(out.finish())
}

type Pairs = url::form_urlencoded::Serializer<'static, String>;

fn property(out: &mut Pairs, name: &str, value: &Value, style: QueryStyle) {
    match value {
        Value::Null => {}
        Value::Array(items) if items.iter().all(is_scalar) => {
            let texts: Vec<String> = items.iter().filter_map(scalar_text).collect();
            let joined = |separator: &str| texts.join(separator);
            match style {
                QueryStyle::Form { explode: true } => texts.iter().for_each(|text| {
                    out.append_pair(name, text);
                }),
                QueryStyle::Form { explode: false } if !texts.is_empty() => {
                    out.append_pair(name, &joined(","));
                }
                QueryStyle::SpaceDelimited if !texts.is_empty() => {
                    out.append_pair(name, &joined(" "));
                }
                QueryStyle::PipeDelimited if !texts.is_empty() => {
                    out.append_pair(name, &joined("|"));
                }
                QueryStyle::DeepObject => nested(out, name, value),
                _ => {}
            }
        }
        Value::Array(_) | Value::Object(_) => nested(out, name, value),
        scalar => {
            if let Some(text) = scalar_text(scalar) {
                out.append_pair(name, &text);
            }
        }
    }
}

fn nested(out: &mut Pairs, prefix: &str, value: &Value) {
    flatten(prefix, value, &mut |name, text| {
        out.append_pair(name, text);
    });
}

/// `prefix[key]…=value` for every scalar inside `value`: object members by key, array items
/// as `[]` when they are scalars and `[index]` when they are not. Also how multipart bodies
/// write a `deepObject` property, one part per pair.
pub(crate) fn flatten(prefix: &str, value: &Value, out: &mut dyn FnMut(&str, &str)) {
    match value {
        Value::Object(members) => flatten_members(prefix, members, out),
        Value::Array(items) => {
            for (index, item) in items.iter().enumerate() {
                if is_scalar(item) {
                    flatten(&format!("{prefix}[]"), item, out);
                } else {
                    flatten(&format!("{prefix}[{index}]"), item, out);
                }
            }
        }
        scalar => {
            if let Some(text) = scalar_text(scalar) {
                out(prefix, &text);
            }
        }
    }
}

fn flatten_members(prefix: &str, members: &Map<String, Value>, out: &mut dyn FnMut(&str, &str)) {
    for (key, member) in members {
        flatten(&format!("{prefix}[{key}]"), member, out);
    }
}

fn is_scalar(value: &Value) -> bool {
    !matches!(value, Value::Array(_) | Value::Object(_))
}

fn scalar_text(value: &Value) -> Option<String> {
    match value {
        Value::String(text) => Some(text.clone()),
        Value::Number(number) => Some(number.to_string()),
        Value::Bool(flag) => Some(flag.to_string()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use serde_json::json;

    #[test]
    fn nested_objects_and_arrays_encode_as_stripe_documents_them() {
        let body = json!({
            "amount": 2000,
            "email": null,
            "expand": ["customer", "invoice"],
            "items": [{"price": "p_1", "quantity": 2}],
            // Keys in sorted order: serde_json keeps insertion order only when a crate of the build
            // enables `preserve_order`.
            "metadata": {"note": "a b&c", "order": "6735"},
        });
        let styles = [("expand", QueryStyle::DeepObject)];
        assert_eq!(
            encode(&body, &styles).unwrap(),
            "amount=2000&expand%5B%5D=customer&expand%5B%5D=invoice&items%5B0%5D%5Bprice%5D=p_1&items%5B0%5D%5Bquantity%5D=2\
             &metadata%5Bnote%5D=a+b%26c&metadata%5Border%5D=6735"
        );
    }

    #[test]
    fn arrays_of_scalars_follow_their_style() {
        let body = json!({"a": [1, 2], "b": [1, 2], "c": ["x", "y"], "d": [true], "e": []});
        let styles = [("b", QueryStyle::Form { explode: false }), ("c", QueryStyle::PipeDelimited)];
        assert_eq!(encode(&body, &styles).unwrap(), "a=1&a=2&b=1%2C2&c=x%7Cy&d=true");
    }

    #[test]
    fn a_body_that_is_not_an_object_is_an_error() {
        assert!(encode(&json!([1]), &[]).unwrap_err().contains("must be an object"));
    }
}
