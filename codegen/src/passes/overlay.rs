//! Overlays: corrections to what the documents say, kept beside them (`specs/<api>/overlay.yaml`).
//!
//! The file follows the OpenAPI Overlay Specification 1.0 (`overlay`, `info`, `actions`, each
//! action a `target` with an `update` or `remove`), but its targets address the IR, not an
//! OpenAPI document, so one mechanism corrects every format: rename an operation or a type,
//! change a field's type or optionality, mark a field secret, set an envelope or a server.
//!
//! Targets are JSONPath queries (RFC 9535, through `serde_json_path`: filters, wildcards,
//! slices, functions) over the IR as `cargo xtask ir` prints it. An update is merged into each node the target selects (objects
//! field by field, an array gets the value appended); `remove: true` removes each node. A target
//! that selects nothing is an error, so a fix never goes stale silently. Renaming a type renames
//! every reference to it; names must stay valid Rust identifiers.

use serde::Deserialize;
use serde_json::Value;
use serde_json_path::{JsonPath, PathElement};

use crate::diagnostic::{to_u32, Diagnostic};
use crate::ir::{Api, AppliedFix, Source, TypeKind};
use crate::yaml_lines::LineIndex;
use crate::naming;

/// The file name of an API's overlay.
pub const OVERLAY_FILE: &str = "overlay.yaml";

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct OverlayDocument {
    overlay: String,
    #[allow(dead_code)] // read for validation only: an overlay must say what it is
    info: Value,
    actions: Vec<Action>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Action {
    target: String,
    #[serde(default)]
    description: Option<String>,
    #[serde(default)]
    update: Option<Value>,
    #[serde(default)]
    remove: bool,
}

/// One step of a concrete location in the IR's JSON (a normalized path, RFC 9535 §2.7).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Segment {
    Key(String),
    Index(usize),
}

/// Every location `target` selects in `root`, or why `target` is not a JSONPath query.
fn select(root: &Value, target: &str) -> Result<Vec<Vec<Segment>>, String> {
    let path = JsonPath::parse(target.trim()).map_err(|e| e.to_string())?;
    let located = path.query_located(root);
    Ok(located
        .locations()
        .map(|location| {
            location
                .iter()
                .map(|element| match element {
                    PathElement::Name(name) => Segment::Key((*name).to_owned()),
                    PathElement::Index(index) => Segment::Index(*index),
                })
                .collect()
        })
        .collect())
}

fn get_mut<'v>(root: &'v mut Value, path: &[Segment]) -> Option<&'v mut Value> {
    path.iter().try_fold(root, |node, segment| match segment {
        Segment::Key(key) => node.get_mut(key),
        Segment::Index(index) => node.get_mut(index),
    })
}

/// Merges `update` into `node` as the Overlay specification says: objects property by
/// property (recursively), arrays by appending, anything else by replacing.
fn merge(node: &mut Value, update: &Value) {
    match (node, update) {
        (Value::Object(target), Value::Object(changes)) => {
            for (key, change) in changes {
                match target.get_mut(key) {
                    Some(existing) if existing.is_object() && change.is_object() => merge(existing, change),
                    _ => {
                        target.insert(key.clone(), change.clone());
                    }
                }
            }
        }
        (Value::Array(items), Value::Array(more)) => items.extend(more.iter().cloned()),
        (Value::Array(items), one) => items.push(one.clone()),
        (node, replacement) => *node = replacement.clone(),
    }
}

fn remove(root: &mut Value, path: &[Segment]) {
    let Some((last, parent)) = path.split_last() else { return };
    match (get_mut(root, parent), last) {
        (Some(Value::Object(map)), Segment::Key(key)) => {
            map.remove(key);
        }
        (Some(Value::Array(items)), Segment::Index(index)) if *index < items.len() => {
            items.remove(*index);
        }
        _ => {}
    }
}

/// Applies the overlay `text` (the file `file`) to `api`.
pub fn apply(api: Api, text: &str, file: &str) -> Result<Api, Vec<Diagnostic>> {
    let document: OverlayDocument = serde_yaml::from_str(text).map_err(|e| {
        let (line, column) = e.location().map_or((0, 0), |l| (to_u32(l.line()), to_u32(l.column())));
        vec![Diagnostic::error(file, text, line, column, format!("invalid overlay: {e}"))
            .with_hint("an overlay has `overlay: 1.0.0`, `info` and `actions`, each action a `target` with an `update` or `remove: true`")]
    })?;
    if !document.overlay.starts_with("1.") {
        return Err(vec![Diagnostic::error(file, text, 1, 0, format!("overlay version `{}` is not supported; 1.0.0 is", document.overlay))]);
    }
    let lines = LineIndex::new(text);
    let at = |index: usize| lines.line(&format!("/actions/{index}"));
    let mut value = serde_json::to_value(&api).map_err(|e| vec![Diagnostic::file_error(file, format!("the IR cannot be written as JSON: {e}"))])?;
    let names_before = type_names(&value);
    let mut errors = Vec::new();
    let mut fixes = Vec::new();
    // Where security schemes were added: they carry no source of their own.
    let mut schemes_added_at = None;
    for (index, action) in document.actions.iter().enumerate() {
        let line = at(index);
        if action.update.as_ref().is_some_and(|update| update.get("security_schemes").is_some()) {
            schemes_added_at = Some(Source { file: file.to_owned(), line });
        }
        let error = |message: String| Diagnostic::error(file, text, line, 0, message);
        let mut selected = match select(&value, &action.target) {
            Ok(selected) => selected,
            Err(why) => {
                errors.push(error(format!("target `{}` is not a JSONPath query (RFC 9535): {why}", action.target)));
                continue;
            }
        };
        if selected.is_empty() {
            errors.push(error(format!("target `{}` matches nothing in the IR of `{}`", action.target, api.name)).with_hint(
                "the document or the generator changed since this fix was written; `cargo xtask ir` shows what there is to target",
            ));
            continue;
        }
        match (&action.update, action.remove) {
            (Some(update), false) => {
                for path in &selected {
                    if let Some(node) = get_mut(&mut value, path) {
                        merge(node, update);
                    }
                }
            }
            (None, true) => {
                // Later array elements first, so earlier indexes stay right.
                selected.sort();
                for path in selected.iter().rev() {
                    remove(&mut value, path);
                }
            }
            _ => {
                errors.push(error("an action has either an `update` or `remove: true`".to_owned()));
                continue;
            }
        }
        fixes.push(AppliedFix { source: Source { file: file.to_owned(), line }, target: action.target.clone(), description: action.description.clone() });
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let renames: Vec<(String, String)> = names_before.into_iter().zip(type_names(&value)).filter(|(before, after)| before != after).collect();
    let mut fixed: Api = serde_json::from_value(value).map_err(|e| {
        vec![Diagnostic::file_error(file, format!("after the overlay, the IR is not valid: {e}")).with_hint("an update must keep each property's type, e.g. `required: true`, `type: int64`")]
    })?;
    for (before, after) in &renames {
        fixed.rename_type_references(before, after);
    }
    fixed.fixes.extend(fixes);
    if let Some(added_at) = schemes_added_at {
        for scheme in fixed.security_schemes.iter_mut().filter(|s| s.source.file.is_empty()) {
            scheme.source = added_at.clone();
        }
    }
    check_names(&fixed, file)?;
    Ok(fixed)
}

fn type_names(value: &Value) -> Vec<String> {
    value.get("types").and_then(Value::as_array).into_iter().flatten().map(|t| t.get("name").and_then(Value::as_str).unwrap_or_default().to_owned()).collect()
}

/// Names an overlay set must still be the identifiers the generator would make of them.
fn check_names(api: &Api, file: &str) -> Result<(), Vec<Diagnostic>> {
    let mut errors = Vec::new();
    let mut check = |what: &str, name: &str, proper: String| {
        if name != proper {
            errors.push(Diagnostic::file_error(file, format!("{what} `{name}` is not a valid Rust name here")).with_hint(format!("write `{proper}`")));
        }
    };
    for operation in &api.operations {
        check("operation", &operation.name, naming::snake_ident(operation.name.trim_start_matches("r#")));
    }
    for def in &api.types {
        check("type", &def.name, naming::camel_ident(&def.name));
        if let TypeKind::Struct { fields, .. } = &def.kind {
            for field in fields {
                check("field", &field.rust_name, naming::snake_ident(field.rust_name.trim_start_matches("r#")));
            }
        }
    }
    let mut names: Vec<&str> = api.types.iter().map(|t| t.name.as_str()).collect();
    names.sort_unstable();
    for (name, next) in names.iter().zip(names.iter().skip(1)) {
        if name == next {
            errors.push(Diagnostic::file_error(file, format!("two types are now named `{name}`")));
        }
    }
    if errors.is_empty() { Ok(()) } else { Err(errors) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets_are_rfc_9535_queries_with_filters() {
        let doc: Value = serde_json::json!({"types": [
            {"name": "Token", "fields": [{"wire_name": "access_token", "required": true}, {"wire_name": "expires_in", "required": false}]},
            {"name": "User", "fields": [{"wire_name": "id", "required": true}]}
        ]});
        // A filter on a property, the form the vendored overlays use (parentheses are grouping).
        let found = select(&doc, "$.types[?(@.name == 'Token')].fields[0]").expect("target");
        assert_eq!(found, vec![vec![Segment::Key("types".into()), Segment::Index(0), Segment::Key("fields".into()), Segment::Index(0)]]);
        // Filters beyond equality, and across every type: the optional fields of all types.
        let optional = select(&doc, "$.types[*].fields[?@.required == false]").expect("target");
        assert_eq!(optional, vec![vec![Segment::Key("types".into()), Segment::Index(0), Segment::Key("fields".into()), Segment::Index(1)]]);
        let with_string = select(&doc, "$.types[?length(@.fields) > 1].name").expect("target");
        assert_eq!(with_string.len(), 1);
        assert!(select(&doc, "types").is_err(), "a query starts with `$`");
        assert!(select(&doc, "$.types[?(@.name == ]").is_err());
    }

    #[test]
    fn select_merge_and_remove_follow_the_overlay_rules() {
        let mut doc: Value = serde_json::json!({"ops": [{"name": "a", "x": {"k": 1}}, {"name": "b"}], "list": [1]});
        let found = select(&doc, "$.ops[?(@.name == 'a')].x").expect("target");
        assert_eq!(found, vec![vec![Segment::Key("ops".into()), Segment::Index(0), Segment::Key("x".into())]]);
        merge(get_mut(&mut doc, &found[0]).expect("node"), &serde_json::json!({"j": 2}));
        assert_eq!(doc["ops"][0]["x"], serde_json::json!({"k": 1, "j": 2}));
        merge(&mut doc["list"], &serde_json::json!(2));
        assert_eq!(doc["list"], serde_json::json!([1, 2]));
        let all = select(&doc, "$.ops[*]").expect("target");
        for path in all.iter().rev() {
            remove(&mut doc, path);
        }
        assert_eq!(doc["ops"], serde_json::json!([]));
        assert!(select(&doc, "$.nothing").expect("target").is_empty());
    }
}
