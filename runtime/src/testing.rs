//! The check behind the generated example tests: a documented example decodes into its
//! generated type and encodes back to the same JSON.

use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;

/// The documented examples of one API module, checked together so that one test reports
/// every example that fails, each with the document line it comes from.
#[derive(Debug, Default)]
pub struct Examples {
    failures: Vec<String>,
}

impl Examples {
    /// Decodes `json` (the example at `source`) as `T`, encodes it again, and records a
    /// failure unless the result equals `json` and none of `secrets` (the example's tokens and
    /// passwords) shows in the value's `Debug`. A `null` member equals an absent one. Numbers compare by value (`400` equals
    /// `400.0`): JSON does not tell them apart.
    pub fn round_trip<T: DeserializeOwned + Serialize + std::fmt::Debug>(&mut self, source: &str, json: &str, secrets: &[&str]) -> &mut Self {
        if let Err(why) = round_trip::<T>(json, secrets) {
            self.failures.push(format!("{source}: {why}"));
        }
        self
    }

    /// Decodes `json` (an example of one alternative of union `T`, documented at `source`) as
    /// `T`, and records a failure unless `is` says it chose that alternative, `variant`: the
    /// union tries its variants in an order meant to give each documented example the variant
    /// the document means.
    pub fn decodes_as<T: DeserializeOwned + std::fmt::Debug>(&mut self, source: &str, json: &str, variant: &str, is: fn(&T) -> bool) -> &mut Self {
        let type_name = std::any::type_name::<T>();
        match serde_json::from_str::<T>(json) {
            Ok(decoded) if is(&decoded) => {}
            Ok(decoded) => self.failures.push(format!("{source}: the example decodes into {type_name} as {decoded:?}, not as variant {variant}")),
            Err(e) => self.failures.push(format!("{source}: the example does not decode into {type_name}: {e}\n{json}")),
        }
        self
    }

    /// Panics listing every failed example, if any failed.
    pub fn assert_all_pass(&self) {
        assert!(self.failures.is_empty(), "{} documented example(s) do not round-trip:\n{}", self.failures.len(), self.failures.join("\n"));
    }
}

fn round_trip<T: DeserializeOwned + Serialize + std::fmt::Debug>(json: &str, secrets: &[&str]) -> Result<(), String> {
    let type_name = std::any::type_name::<T>();
    let original: Value = serde_json::from_str(json).map_err(|e| format!("the example is not JSON: {e}"))?;
    let decoded: T = serde_json::from_value(original.clone()).map_err(|e| format!("the example does not decode into {type_name}: {e}\n{json}"))?;
    let printed = format!("{decoded:?}");
    if secrets.iter().any(|secret| printed.contains(secret)) {
        return Err(format!("a secret of the example shows in the Debug output of {type_name}"));
    }
    let encoded = serde_json::to_value(&decoded).map_err(|e| format!("{type_name} does not encode: {e}"))?;
    if !same_json(&original, &encoded) {
        return Err(format!("the example changed in a round trip through {type_name}\n  before: {original}\n  after:  {encoded}"));
    }
    Ok(())
}

fn same_json(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x.as_f64() == y.as_f64(),
        (Value::Array(x), Value::Array(y)) => x.len() == y.len() && x.iter().zip(y).all(|(x, y)| same_json(x, y)),
        // A member that is `null` on one side may be absent on the other: an optional field
        // that is `None` is left out when encoded.
        (Value::Object(x), Value::Object(y)) => {
            let present = |map: &serde_json::Map<String, Value>| map.values().filter(|v| !v.is_null()).count();
            present(x) == present(y) && x.iter().all(|(k, v)| y.get(k).map_or(v.is_null(), |w| same_json(v, w)))
        }
        _ => a == b,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_failing_example_is_reported_with_its_source() {
        let mut examples = Examples::default();
        examples.round_trip::<u32>("a.md:1", "7", &[]).round_trip::<u32>("a.md:2", "\"x\"", &[]).round_trip::<String>("a.md:3", "[]", &[]);
        assert_eq!(examples.failures.len(), 2);
        assert!(examples.failures[0].starts_with("a.md:2: the example does not decode"), "{:?}", examples.failures);
        assert!(examples.failures[1].starts_with("a.md:3: "), "{:?}", examples.failures);
    }

    #[test]
    fn an_example_decoding_into_another_variant_fails() {
        #[derive(Debug, serde::Deserialize)]
        #[serde(untagged)]
        enum Either {
            Number(#[allow(dead_code)] f64),
            Text(#[allow(dead_code)] String),
        }
        let mut examples = Examples::default();
        examples
            .decodes_as::<Either>("a.md:1", "\"x\"", "Text", |v| matches!(v, Either::Text(_)))
            .decodes_as::<Either>("a.md:2", "1", "Text", |v| matches!(v, Either::Text(_)))
            .decodes_as::<Either>("a.md:3", "[]", "Text", |v| matches!(v, Either::Text(_)));
        assert_eq!(examples.failures.len(), 2, "{:?}", examples.failures);
        assert!(examples.failures[0].starts_with("a.md:2: the example decodes into"), "{:?}", examples.failures);
        assert!(examples.failures[0].contains("not as variant Text"), "{:?}", examples.failures);
        assert!(examples.failures[1].starts_with("a.md:3: the example does not decode"), "{:?}", examples.failures);
    }

    #[test]
    fn a_secret_in_debug_output_fails_the_example() {
        let mut examples = Examples::default();
        examples.round_trip::<String>("a.md:1", "\"hunter2\"", &["hunter2"]);
        assert!(examples.failures[0].contains("a secret of the example shows"), "{:?}", examples.failures);
        let mut examples = Examples::default();
        examples.round_trip::<crate::Secret<String>>("a.md:1", "\"hunter2\"", &["hunter2"]);
        assert!(examples.failures.is_empty(), "{:?}", examples.failures);
    }

    #[test]
    fn numbers_compare_by_value_null_equals_absent_and_everything_else_exactly() {
        let a = serde_json::json!({"n": 400, "s": "x", "l": [1, 2]});
        assert!(same_json(&a, &serde_json::json!({"n": 400.0, "s": "x", "l": [1, 2]})));
        assert!(!same_json(&a, &serde_json::json!({"n": 401, "s": "x", "l": [1, 2]})));
        assert!(!same_json(&a, &serde_json::json!({"n": 400, "s": "x", "l": [2, 1]})));
        assert!(!same_json(&a, &serde_json::json!({"n": 400, "s": "x", "l": [1, 2], "extra": 1})));
        assert!(same_json(&a, &serde_json::json!({"n": 400, "s": "x", "l": [1, 2], "extra": null})), "null equals absent");
    }
}
