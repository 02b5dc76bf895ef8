//! An OpenAPI document's values read into `openapiv3`'s model.
//!
//! On a large document this is one of the generator's longest steps: `openapiv3`'s schemas
//! are untagged enums inside flattened structs, which serde reads by buffering and copying
//! each level. A document's bulk is in two maps whose entries are independent of each other,
//! `components.schemas` and `paths`, so their entries are read on every core and put back in
//! their order; everything else is read as one value. Every invalid entry is reported, not
//! only the first one serde meets, and at the entry (`paths./pets`) where serde, reading the
//! whole, loses the place in `Paths`'s flattened map (`paths`).

use openapiv3::{OpenAPI, PathItem, ReferenceOr, Schema};
use serde::de::DeserializeOwned;
use serde_yaml::{Mapping, Value};

use crate::frontend::page;
use crate::yaml_lines::pointer;

/// A place in the document the model cannot hold, and what serde found wrong there.
pub(super) struct Invalid {
    /// Where, in `serde_path_to_error`'s notation (`components.schemas.Pet.properties`).
    pub path: String,
    /// The same place as a JSON pointer (`/components/schemas/Pet/properties`), for its line.
    pub pointer: String,
    pub message: String,
}

/// Entries read per thread before it takes the next run: enough to make taking one free.
const RUN: usize = 8;

/// The document `value` as `openapiv3`'s model.
pub(super) fn read(mut value: Value) -> Result<OpenAPI, Vec<Invalid>> {
    let schemas = take_entries(&mut value, &["components", "schemas"], |_| true);
    // What `openapiv3` reads as paths; other keys are its extensions, or ignored.
    let paths = take_entries(&mut value, &["paths"], |key| key.starts_with('/'));
    let mut invalid = Vec::new();
    let spec = whole::<OpenAPI>(value, &[]).map_err(|e| invalid.push(e)).ok();
    let schemas = schemas.map(|entries| read_entries::<ReferenceOr<Schema>>(entries, &["components", "schemas"], &mut invalid));
    let paths = paths.map(|entries| read_entries::<ReferenceOr<PathItem>>(entries, &["paths"], &mut invalid));
    let Some(mut spec) = spec.filter(|_| invalid.is_empty()) else { return Err(invalid) };
    if let Some(schemas) = schemas {
        spec.components.get_or_insert_with(Default::default).schemas = schemas.into_iter().collect();
    }
    if let Some(paths) = paths {
        spec.paths.paths = paths.into_iter().collect();
    }
    Ok(spec)
}

/// The entries of the map at `path` in `value` whose keys `take` accepts, taken out (the
/// others stay, to be read with the rest: `paths` holds extensions beside its paths, which
/// `openapiv3` reads apart). `None`, and the map stays whole, when it is not there or has a key
/// that is not a string.
fn take_entries(value: &mut Value, path: &[&str], take: fn(&str) -> bool) -> Option<Vec<(String, Value)>> {
    let mut map = value.as_mapping_mut()?;
    for key in path {
        map = map.get_mut(*key)?.as_mapping_mut()?;
    }
    if !map.keys().all(Value::is_string) {
        return None;
    }
    let mut taken = Vec::new();
    for (key, entry) in std::mem::replace(map, Mapping::new()) {
        match key.as_str().filter(|key| take(key)) {
            Some(name) => taken.push((name.to_owned(), entry)),
            None => {
                map.insert(key, entry);
            }
        }
    }
    Some(taken)
}

/// Every entry of the map at `map` read as `T` on every core, in order; an invalid one goes
/// to `invalid`.
fn read_entries<T: DeserializeOwned + Send>(entries: Vec<(String, Value)>, map: &[&str], invalid: &mut Vec<Invalid>) -> Vec<(String, T)> {
    let read = crate::parallel::map_in_order(entries, RUN, |(key, value)| {
        let at: Vec<&str> = map.iter().copied().chain([key.as_str()]).collect();
        let entry = whole::<T>(value, &at);
        entry.map(|entry| (key, entry))
    });
    read.into_iter().filter_map(|entry| entry.map_err(|e| invalid.push(e)).ok()).collect()
}

/// `value` read as `T`; an error's place is prefixed with `at`, the keys `value` was taken
/// from (none for the document itself).
fn whole<T: DeserializeOwned>(value: Value, at: &[&str]) -> Result<T, Invalid> {
    serde_path_to_error::deserialize(value).map_err(|e| {
        let inner = e.path().to_string();
        let path = match (at.join("."), inner.as_str()) {
            (at, _) if at.is_empty() => inner.clone(),
            (at, ".") => at,
            (at, seq) if seq.starts_with('[') => format!("{at}{seq}"),
            (at, inner) => format!("{at}.{inner}"),
        };
        Invalid { path, pointer: format!("{}{}", pointer(at), page::error_pointer(e.path())), message: e.into_inner().to_string() }
    })
}

#[cfg(test)]
mod tests {
    use super::read;

    fn document(schemas: &str, paths: &str) -> serde_yaml::Value {
        let text = format!(
            "openapi: 3.0.3\ninfo: {{title: T, version: '1'}}\npaths:\n{paths}\ncomponents:\n  schemas:\n{schemas}\n"
        );
        serde_yaml::from_str(&text).unwrap_or_else(|e| panic!("test document: {e}"))
    }

    #[test]
    fn the_model_read_in_parts_equals_the_model_read_whole() {
        let schemas: String = (0..40).map(|i| format!("    S{i}: {{type: object, properties: {{a: {{$ref: '#/components/schemas/S{}'}}}}}}\n", (i + 1) % 40)).collect();
        let mut paths: String = (0..30).map(|i| format!("  /p{i}:\n    get: {{responses: {{'200': {{description: ok}}}}}}\n")).collect();
        // An extension and a key that is neither a path nor an extension, between the paths.
        paths.insert_str(0, "  x-note: {kept: true}\n  pets: 7\n");
        let value = document(&schemas, &paths);
        let whole: openapiv3::OpenAPI = serde_yaml::from_value(value.clone()).unwrap_or_else(|e| panic!("{e}"));
        let parts = read(value).unwrap_or_else(|e| panic!("{}", e[0].message));
        assert_eq!(parts, whole);
        let names: Vec<&String> = parts.components.as_ref().map(|c| c.schemas.keys().collect()).unwrap_or_default();
        assert_eq!(names.first().map(|n| n.as_str()), Some("S0"));
        assert_eq!(names.last().map(|n| n.as_str()), Some("S39"));
    }

    #[test]
    fn every_invalid_entry_is_reported_at_its_own_path() {
        let schemas = "    Good: {type: object}\n    Bad: {type: object, properties: [a, b]}\n    AlsoBad: {type: string, maxLength: many}\n";
        let paths = "  /p:\n    get: {responses: {'200': {description: ok}}, parameters: 7}\n";
        let invalid = read(document(schemas, paths)).err().unwrap_or_default();
        let paths: Vec<&str> = invalid.iter().map(|i| i.path.as_str()).collect();
        // A path item is an untagged `ReferenceOr`: serde reports the item, not the field.
        assert_eq!(paths, ["components.schemas.Bad", "components.schemas.AlsoBad", "paths./p"]);
        let pointers: Vec<&str> = invalid.iter().map(|i| i.pointer.as_str()).collect();
        assert_eq!(pointers, ["/components/schemas/Bad", "/components/schemas/AlsoBad", "/paths/~1p"]);
        assert!(invalid.iter().all(|i| !i.message.is_empty()));
    }

    #[test]
    fn one_invalid_entry_is_reported_as_reading_the_whole_document_reports_it() {
        for (schemas, paths) in [
            ("    Good: {type: object}\n    Bad: {type: object, required: {a: 1}}\n", "  /p:\n    get: {responses: {'200': {description: ok}}}\n"),
            ("    Good: {type: object}\n", "  /p:\n    get: {responses: 5}\n"),
        ] {
            let value = document(schemas, paths);
            let whole = serde_path_to_error::deserialize::<_, openapiv3::OpenAPI>(value.clone()).err().map(|e| (e.path().to_string(), e.into_inner().to_string()));
            let (whole_path, whole_message) = whole.unwrap_or_default();
            let parts = read(value).err().unwrap_or_default();
            assert_eq!(parts.len(), 1);
            assert!(parts.iter().all(|i| i.message == whole_message), "{whole_message}");
            // The same place or a nearer one: serde loses the path through `Paths`'s flattened
            // map (`paths`), where the entry read alone is named (`paths./p`).
            assert!(parts.iter().all(|i| i.path.starts_with(&whole_path)), "{} against {whole_path}", parts[0].path);
        }
    }
}
