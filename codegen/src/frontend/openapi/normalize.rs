//! Rewrites an OpenAPI document, as a YAML value, into the OpenAPI 3.0 that `openapiv3` reads.
//!
//! Vendors export dialects: Apifox keeps a response's real shape in `x-apifox-refs` plus
//! `x-apifox-overrides`; many exports use 3.1's `examples` arrays and `type: [X, 'null']`
//! inside 3.0 documents. Each rewrite here is small, documented and reported as a [`Note`]
//! when it drops or reinterprets something, so nothing changes silently.
//!
//! Anchors and aliases are already expanded by serde_yaml when the value is loaded; merge keys
//! (`<<`) are applied here first.

use serde_yaml::{Mapping, Value};

/// Something the normaliser reinterpreted, at a JSON pointer of the original document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Note {
    pub pointer: String,
    pub message: String,
}

/// Normalises `document` in place and returns what it reinterpreted.
pub fn normalize(document: &mut Value) -> Vec<Note> {
    // Merge keys have no meaning past this point; a failure only means there were none to apply.
    let _ = document.apply_merge();
    let schemas = document
        .get("components")
        .and_then(|c| c.get("schemas"))
        .cloned()
        .unwrap_or(Value::Null);
    let mut notes = Vec::new();
    let v3_1 = document.get("openapi").and_then(Value::as_str).is_some_and(|v| v.starts_with("3.1"));
    if let Value::Mapping(root) = document {
        normalize_root(root, &mut notes);
    }
    walk(document, &mut Vec::new(), &schemas, v3_1, &mut notes);
    notes
}

/// 3.1 makes `paths` optional and adds `webhooks` and `jsonSchemaDialect`. A client sends
/// requests and receives none, so webhooks are left out, with a note.
fn normalize_root(root: &mut Mapping, notes: &mut Vec<Note>) {
    if !root.contains_key("paths") {
        root.insert(Value::from("paths"), Value::Mapping(Mapping::new()));
    }
    root.remove("jsonSchemaDialect");
    if let Some(Value::Mapping(webhooks)) = root.remove("webhooks") {
        if !webhooks.is_empty() {
            notes.push(Note {
                pointer: "/webhooks".to_owned(),
                message: format!("{} webhook(s) are not generated: a client sends requests, it does not receive them", webhooks.len()),
            });
        }
    }
}

fn walk(value: &mut Value, path: &mut Vec<String>, schemas: &Value, v3_1: bool, notes: &mut Vec<Note>) {
    match value {
        Value::Mapping(map) => {
            expand_apifox_refs(map, path, schemas, notes);
            rename_schema_examples(map);
            restore_empty_enum_value(map, path, notes);
            split_type_array(map, path, notes);
            read_null_type(map);
            read_const(map);
            read_numeric_exclusive_bounds(map);
            stringify_string_enum(map, path, notes);
            if v3_1 {
                wrap_ref_with_schema_siblings(map);
            }
            strip_ref_siblings(map, path, notes);
            for (key, child) in map.iter_mut() {
                path.push(key_text(key));
                walk(child, path, schemas, v3_1, notes);
                path.pop();
            }
        }
        Value::Sequence(items) => {
            for (index, child) in items.iter_mut().enumerate() {
                path.push(index.to_string());
                walk(child, path, schemas, v3_1, notes);
                path.pop();
            }
        }
        _ => {}
    }
}

/// A mapping key as a JSON pointer segment (unescaped).
pub(super) fn key_text(key: &Value) -> String {
    match key {
        Value::String(s) => s.clone(),
        Value::Number(n) => n.to_string(),
        Value::Bool(b) => b.to_string(),
        _ => String::new(),
    }
}

fn here(path: &[String], extra: &[&str]) -> String {
    let mut segments: Vec<&str> = path.iter().map(String::as_str).collect();
    segments.extend_from_slice(extra);
    crate::yaml_lines::pointer(&segments)
}

/// 3.1 puts an `examples` array in a schema; 3.0 readers drop it. It becomes `x-examples`,
/// which `openapiv3` keeps as an extension. (A media type's `examples` is a map and stays.)
fn rename_schema_examples(map: &mut Mapping) {
    if matches!(map.get("examples"), Some(Value::Sequence(_))) {
        if let Some(examples) = map.remove("examples") {
            map.insert(Value::from("x-examples"), examples);
        }
    }
}

/// Apifox writes the empty string in an enum as `[Empty string]`; the wire value is `""`.
fn restore_empty_enum_value(map: &mut Mapping, path: &[String], notes: &mut Vec<Note>) {
    let Some(Value::Sequence(values)) = map.get_mut("enum") else { return };
    for (index, value) in values.iter_mut().enumerate() {
        if value.as_str() == Some("[Empty string]") {
            *value = Value::from("");
            notes.push(Note {
                pointer: here(path, &["enum", &index.to_string()]),
                message: "Apifox's `[Empty string]` enum value is read as the empty string".to_owned(),
            });
        }
    }
}

/// 3.1's `type: [string, 'null']` is 3.0's `type: string` + `nullable: true`. Several
/// non-null types have no 3.0 form: the type is dropped (any JSON value) and noted.
fn split_type_array(map: &mut Mapping, path: &[String], notes: &mut Vec<Note>) {
    let Some(Value::Sequence(types)) = map.get("type") else { return };
    let names: Vec<String> = types.iter().filter_map(|t| t.as_str().map(str::to_owned)).collect();
    let nullable = names.iter().any(|t| t == "null");
    let concrete: Vec<&String> = names.iter().filter(|t| *t != "null").collect();
    match concrete.as_slice() {
        [single] => {
            map.insert(Value::from("type"), Value::from(single.as_str()));
        }
        [] if nullable => {
            map.insert(Value::from("type"), Value::from("null"));
            return;
        }
        _ => {
            map.remove("type");
            notes.push(Note {
                pointer: here(path, &["type"]),
                message: format!(
                    "a value of any of the types [{}] is read as any JSON value",
                    names.join(", ")
                ),
            });
        }
    }
    if nullable {
        map.insert(Value::from("nullable"), Value::from(true));
    }
}

/// The extension marking a schema that allows only `null` (3.1's `type: 'null'`), so a
/// `oneOf`/`anyOf` reader can tell "or null" from "or anything".
pub const NULL_TYPE: &str = "x-null-type";

/// 3.1's `type: 'null'` (alone, or left over from a type array) becomes a nullable schema
/// marked [`NULL_TYPE`].
fn read_null_type(map: &mut Mapping) {
    if map.get("type").and_then(Value::as_str) == Some("null") {
        map.remove("type");
        map.insert(Value::from("nullable"), Value::from(true));
        map.insert(Value::from(NULL_TYPE), Value::from(true));
    }
}

/// `const: v` is a one-value enum (a `const: null` stays a null type).
fn read_const(map: &mut Mapping) {
    let Some(value) = map.remove("const") else { return };
    if value.is_null() {
        map.insert(Value::from("nullable"), Value::from(true));
        map.insert(Value::from(NULL_TYPE), Value::from(true));
        return;
    }
    if !map.contains_key("type") {
        let inferred = match &value {
            Value::String(_) => Some("string"),
            Value::Bool(_) => Some("boolean"),
            Value::Number(n) if n.is_i64() || n.is_u64() => Some("integer"),
            Value::Number(_) => Some("number"),
            _ => None,
        };
        if let Some(inferred) = inferred {
            map.insert(Value::from("type"), Value::from(inferred));
        }
    }
    map.insert(Value::from("enum"), Value::Sequence(vec![value]));
}

/// 3.1's `exclusiveMinimum: 5` is 3.0's `minimum: 5, exclusiveMinimum: true` (same for maximum).
fn read_numeric_exclusive_bounds(map: &mut Mapping) {
    for (exclusive, bound) in [("exclusiveMinimum", "minimum"), ("exclusiveMaximum", "maximum")] {
        if let Some(limit) = map.get(exclusive).filter(|v| v.is_number()).cloned() {
            map.insert(Value::from(bound), limit);
            map.insert(Value::from(exclusive), Value::from(true));
        }
    }
}

/// A string schema's enum lists strings on the wire; numbers or booleans written without quotes
/// (`enum: [1, 2]` under `type: string`) are their text.
fn stringify_string_enum(map: &mut Mapping, path: &[String], notes: &mut Vec<Note>) {
    if map.get("type").and_then(Value::as_str) != Some("string") {
        return;
    }
    let Some(Value::Sequence(values)) = map.get_mut("enum") else { return };
    let mut changed = false;
    for value in values.iter_mut() {
        let text = match value {
            Value::Number(n) => n.to_string(),
            Value::Bool(b) => b.to_string(),
            _ => continue,
        };
        *value = Value::from(text);
        changed = true;
    }
    if changed {
        notes.push(Note { pointer: here(path, &["enum"]), message: "unquoted enum values of a string schema are read as their text".to_owned() });
    }
}

/// In 3.1 a `$ref` may have schema keywords beside it (`nullable`, `default`, a narrower
/// `description`...), and they apply. 3.0 ignores them, so they are kept by wrapping the
/// reference in a one-part `allOf`, which reads as the referenced type with those facts.
fn wrap_ref_with_schema_siblings(map: &mut Mapping) {
    let applies = |key: &Value| !matches!(key.as_str(), Some("$ref" | "description" | "summary")) && !key.as_str().is_some_and(|k| k.starts_with("x-"));
    if !map.contains_key("$ref") || !map.keys().any(applies) {
        return;
    }
    if let Some(reference) = map.remove("$ref") {
        let mut only = Mapping::new();
        only.insert(Value::from("$ref"), reference);
        map.insert(Value::from("allOf"), Value::Sequence(vec![Value::Mapping(only)]));
    }
}

/// In OpenAPI 3.0 the siblings of `$ref` are ignored. Apifox puts `x-apifox-overrides` there
/// when a reference is reused through an alias; outside `x-apifox-refs` it has no effect here.
fn strip_ref_siblings(map: &mut Mapping, path: &[String], notes: &mut Vec<Note>) {
    if !map.contains_key("$ref") || map.len() == 1 {
        return;
    }
    if map.contains_key("x-apifox-overrides") {
        notes.push(Note {
            pointer: here(path, &[]),
            message: "`x-apifox-overrides` beside a `$ref` is ignored: the reference is used as is"
                .to_owned(),
        });
    }
    map.retain(|key, _| key.as_str() == Some("$ref"));
}

/// Apifox keeps the real shape of a schema built from a referenced schema in `x-apifox-refs`:
/// each entry names a `$ref` whose properties are copied in, with `x-apifox-overrides`
/// replacing some (or removing them, for `null`) and `required` adding to the required list.
/// Properties written out in the schema itself take precedence over copied ones.
fn expand_apifox_refs(map: &mut Mapping, path: &[String], schemas: &Value, notes: &mut Vec<Note>) {
    let Some(Value::Mapping(refs)) = map.remove("x-apifox-refs") else { return };
    let mut properties = Mapping::new();
    let mut required: Vec<Value> = Vec::new();
    for (id, entry) in &refs {
        let target = entry.get("$ref").and_then(Value::as_str).unwrap_or_default();
        let Some(referenced) = target
            .strip_prefix("#/components/schemas/")
            .and_then(|name| schemas.get(name))
        else {
            notes.push(Note {
                pointer: here(path, &["x-apifox-refs", &key_text(id)]),
                message: format!("`x-apifox-refs` entry refers to `{target}`, which is not a schema of this document; ignored"),
            });
            continue;
        };
        if let Some(Value::Mapping(copied)) = referenced.get("properties") {
            properties.extend(copied.clone());
        }
        extend_unique(&mut required, referenced.get("required"));
        if let Some(Value::Mapping(overrides)) = entry.get("x-apifox-overrides") {
            for (name, replacement) in overrides {
                if replacement.is_null() {
                    properties.remove(name);
                    required.retain(|r| r != name);
                } else {
                    properties.insert(name.clone(), replacement.clone());
                }
            }
        }
        extend_unique(&mut required, entry.get("required"));
    }
    if let Some(Value::Mapping(own)) = map.get("properties") {
        for (name, schema) in own {
            properties.insert(name.clone(), schema.clone());
        }
    }
    extend_unique(&mut required, map.get("required"));
    required.retain(|name| properties.contains_key(name));
    map.insert(Value::from("properties"), Value::Mapping(properties));
    map.insert(Value::from("required"), Value::Sequence(required));
}

fn extend_unique(into: &mut Vec<Value>, names: Option<&Value>) {
    if let Some(Value::Sequence(names)) = names {
        for name in names {
            if !into.contains(name) {
                into.push(name.clone());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn yaml(text: &str) -> Value {
        serde_yaml::from_str(text).expect("test YAML parses")
    }

    #[test]
    fn expands_apifox_refs_with_overrides_and_removals() {
        let mut doc = yaml(
            "paths:\n  /x:\n    schema:\n      type: object\n      x-apifox-refs:\n        id1:\n          $ref: '#/components/schemas/Envelope'\n          x-apifox-overrides:\n            extra: null\n            data: {type: integer}\n          required: [data]\n      properties:\n        code: {type: integer, description: own}\ncomponents:\n  schemas:\n    Envelope:\n      type: object\n      properties:\n        data: {type: string}\n        code: {type: integer}\n        extra: {type: string}\n      required: [code, extra]\n",
        );
        let notes = normalize(&mut doc);
        assert!(notes.is_empty());
        let schema = &doc["paths"]["/x"]["schema"];
        assert_eq!(schema["properties"]["data"], yaml("{type: integer}"));
        assert_eq!(schema["properties"]["code"], yaml("{type: integer, description: own}"));
        assert!(schema["properties"].get("extra").is_none());
        assert_eq!(schema["required"], yaml("[code, data]"));
        assert!(schema.get("x-apifox-refs").is_none());
    }

    #[test]
    fn rewrites_examples_arrays_and_type_arrays() {
        let mut doc = yaml("e: {enum: ['[Empty string]', all]}\na: {type: [string, 'null'], examples: [x]}\nb: {type: [string, integer]}\nc: {examples: {one: {value: 1}}}\n");
        let notes = normalize(&mut doc);
        assert_eq!(doc["a"], yaml("{type: string, nullable: true, x-examples: [x]}"));
        assert!(doc["b"].get("type").is_none());
        assert_eq!(doc["e"]["enum"], yaml("['', all]"));
        let pointers: Vec<&str> = notes.iter().map(|n| n.pointer.as_str()).collect();
        assert_eq!(pointers, ["/e/enum/0", "/b/type"]);
        assert!(doc["c"].get("examples").is_some(), "media type examples stay");
    }

    #[test]
    fn drops_siblings_of_ref_and_notes_apifox_overrides() {
        let mut doc = yaml("s:\n  $ref: '#/components/schemas/R'\n  x-apifox-overrides: {a: null}\n  required: [a]\n");
        let notes = normalize(&mut doc);
        assert_eq!(doc["s"], yaml("$ref: '#/components/schemas/R'"));
        assert_eq!(notes.len(), 1);
        assert_eq!(notes[0].pointer, "/s");
    }
}
