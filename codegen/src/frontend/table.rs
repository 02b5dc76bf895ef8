//! Tables of a page and what their cells say.
//!
//! Readers fill a [`Table`] from whatever syntax the page writes it in (markdown pipe tables,
//! reStructuredText list-tables): header cells and rows, each with its page line. This module
//! reads the cells back by meaning: a column by its header name (a one-letter slip such as
//! `Descritpion` tolerated), a yes/no word as a required flag, a `Default` cell as a value of
//! the field's type.
//!
//! It parses no page syntax, and it builds no shapes or IR types from the rows: turning a table
//! of fields into an object type is [`super::shape`]'s.

use serde_json::Value;

use crate::builder::ApiBuilder;
use crate::ir::{Source, TypeRef};

/// A table of a page: its header cells and its rows, each with its page line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Table {
    pub header: Vec<String>,
    pub rows: Vec<Row>,
    pub line: u32,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Row {
    pub cells: Vec<String>,
    pub line: u32,
}

impl Table {
    /// The column whose header is one of `names`: case, spaces and punctuation are ignored,
    /// and a one-letter slip (`Descritpion`) is tolerated when no header matches exactly.
    pub fn column(&self, names: &[&str]) -> Option<usize> {
        let headers: Vec<String> = self.header.iter().map(|h| normalize_header(h)).collect();
        let wanted: Vec<String> = names.iter().map(|n| normalize_header(n)).collect();
        headers
            .iter()
            .position(|h| wanted.contains(h))
            .or_else(|| headers.iter().position(|h| wanted.iter().any(|w| near_miss(h, w))))
    }
}

impl Row {
    /// The trimmed text of a cell; empty when the column or the cell is missing.
    pub fn cell(&self, column: Option<usize>) -> &str {
        column.and_then(|c| self.cells.get(c)).map_or("", |c| c.trim())
    }
}

fn normalize_header(header: &str) -> String {
    header.chars().filter(char::is_ascii_alphanumeric).map(|c| c.to_ascii_lowercase()).collect()
}

/// A yes/no cell: `yes`, `true`, `required`, `mandatory` or `no`, `false`, `optional`.
pub(crate) fn required_word(cell: &str) -> Option<bool> {
    match cell.trim().to_ascii_lowercase().as_str() {
        "yes" | "y" | "true" | "required" | "mandatory" => Some(true),
        "no" | "n" | "false" | "optional" => Some(false),
        _ => None,
    }
}

/// A description that starts with a required word in parentheses: `(optional) Middle name`.
pub(crate) fn required_in_description(description: &str) -> Option<bool> {
    let (word, _) = description.trim_start().strip_prefix('(')?.split_once(')')?;
    required_word(word)
}

/// Whether a table row's field is required: its required-column word where it has one, else
/// what its description starts with (`(optional) …`), else the table's default (a required
/// cell that is neither is warned about, naming the field).
pub(crate) fn required_from_cell(cell: &str, description: &str, by_default: bool, api: &mut ApiBuilder, source: Source, name: &str) -> bool {
    match required_word(cell) {
        Some(required) => required,
        None => {
            if !cell.trim().is_empty() {
                api.warn(source, format!("`{name}`: `{cell}` says neither required nor optional; the table's default applies"));
            }
            required_in_description(description).unwrap_or(by_default)
        }
    }
}

/// A `Default` cell as a value of the declared type: `3600` is a number for a number field,
/// `Bearer` a string. Empty cells give `None`.
pub(crate) fn default_value(cell: &str, ty: &TypeRef) -> Option<Value> {
    let cell = cell.trim();
    if cell.is_empty() {
        return None;
    }
    let parsed = match ty {
        TypeRef::Integer { .. } | TypeRef::Number => serde_json::from_str::<serde_json::Number>(cell).ok().map(Value::Number),
        TypeRef::Boolean => cell.parse::<bool>().ok().map(Value::Bool),
        _ => None,
    };
    Some(parsed.unwrap_or_else(|| Value::String(cell.to_owned())))
}

/// Whether `a` is `b` with one slip: a letter added, dropped, changed, or two letters swapped
/// (`stauts`/`status`, `descritpion`/`description`). Case is ignored; equal words are not a slip.
pub(crate) fn near_miss(a: &str, b: &str) -> bool {
    let a: Vec<char> = a.to_lowercase().chars().collect();
    let b: Vec<char> = b.to_lowercase().chars().collect();
    if a == b || a.len().min(b.len()) < 4 {
        return false;
    }
    // Optimal string alignment distance: a swap of two neighbours is one slip, not two.
    strsim::osa_distance(&a.iter().collect::<String>(), &b.iter().collect::<String>()) <= 1
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn columns_are_found_by_name_with_a_slip_tolerated() {
        let table = Table {
            header: vec!["Name".into(), "Mandatory/Optional".into(), "Data Type".into(), "Descritpion".into()],
            rows: Vec::new(),
            line: 1,
        };
        assert_eq!(table.column(&["name"]), Some(0));
        assert_eq!(table.column(&["data type", "type"]), Some(2));
        assert_eq!(table.column(&["description"]), Some(3));
        assert_eq!(table.column(&["mandatory/optional", "required"]), Some(1));
        assert_eq!(table.column(&["default"]), None);
        assert!(near_miss("stauts", "status"));
        assert!(!near_miss("status", "status"));
        assert!(!near_miss("msg", "mag"), "short words are never slips");
    }

    #[test]
    fn descriptions_starting_with_a_required_word_decide() {
        let mut api = ApiBuilder::new("t");
        let source = Source { file: "doc.md".to_owned(), line: 1 };
        assert!(!required_from_cell("", "(optional) Middle name", true, &mut api, source.clone(), "m"));
        assert!(required_from_cell("", " (mandatory) First name", false, &mut api, source.clone(), "f"));
        assert!(required_from_cell("", "(see below) Name", true, &mut api, source.clone(), "n"), "another word leaves the default");
        assert!(required_from_cell("yes", "(optional) Name", false, &mut api, source, "n"), "a required column wins");
        assert!(api.warnings.is_empty());
    }

    #[test]
    fn defaults_follow_the_declared_type() {
        assert_eq!(default_value("3600", &TypeRef::Number), Some(json!(3600)));
        assert_eq!(default_value("Bearer", &TypeRef::String), Some(json!("Bearer")));
        assert_eq!(default_value("3600", &TypeRef::String), Some(json!("3600")));
        assert_eq!(default_value(" ", &TypeRef::Number), None);
    }
}
