//! The check behind the generated example tests: a documented example decodes into its
//! generated type and encodes back to the same JSON.

use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;

/// Decodes `json` as `T`, encodes it again, and asserts the result equals `json`; and asserts
/// that none of `secrets` (the example's tokens and passwords) shows in the value's `Debug`.
/// Numbers compare by value (`400` equals `400.0`): JSON does not tell them apart.
pub(crate) fn assert_round_trip<T: DeserializeOwned + Serialize + std::fmt::Debug>(json: &str, secrets: &[&str]) {
    let original: Value = serde_json::from_str(json).expect("the example is JSON");
    let decoded: T = match serde_json::from_value(original.clone()) {
        Ok(decoded) => decoded,
        Err(e) => panic!("the example does not decode into {}: {e}\n{json}", std::any::type_name::<T>()),
    };
    let printed = format!("{decoded:?}");
    for secret in secrets {
        assert!(!printed.contains(secret), "a secret of the example shows in the Debug output of {}", std::any::type_name::<T>());
    }
    let encoded = serde_json::to_value(&decoded).expect("a decoded value encodes");
    assert!(
        same_json(&original, &encoded),
        "the example changed in a round trip through {}\n  before: {original}\n  after:  {encoded}",
        std::any::type_name::<T>()
    );
}

fn same_json(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x.as_f64() == y.as_f64(),
        (Value::Array(x), Value::Array(y)) => x.len() == y.len() && x.iter().zip(y).all(|(x, y)| same_json(x, y)),
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| same_json(v, w)))
        }
        _ => a == b,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_compare_by_value_and_everything_else_exactly() {
        let a = serde_json::json!({"n": 400, "s": "x", "l": [1, 2]});
        assert!(same_json(&a, &serde_json::json!({"n": 400.0, "s": "x", "l": [1, 2]})));
        assert!(!same_json(&a, &serde_json::json!({"n": 401, "s": "x", "l": [1, 2]})));
        assert!(!same_json(&a, &serde_json::json!({"n": 400, "s": "x", "l": [2, 1]})));
        assert!(!same_json(&a, &serde_json::json!({"n": 400, "s": "x", "l": [1, 2], "extra": null})));
    }
}
