//! Swagger 2.0 -> OpenAPI 3.0 (placeholder until the upgrade lands).

use super::normalize::Note;
use serde_yaml::Value;

pub fn upgrade(_document: &mut Value) -> Vec<Note> {
    Vec::new()
}
