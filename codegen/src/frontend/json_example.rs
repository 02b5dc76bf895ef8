//! JSON examples of a page, with the page line of every member.
//!
//! A reader hands over the text of an example it found (a ```` ```json ```` fence, a curl
//! command's `-d` body, a `json_markdown` block) and the page line that text starts on;
//! [`JsonExample`] parses it with serde_json and keeps a JSON pointer -> line index beside the
//! value, so every field inferred from the example can point at its member. An example that is
//! not valid JSON is a warning at the fault's page line, never a failure.
//!
//! This module only parses and locates: it infers no types and settles nothing against a
//! document's declarations (that is [`super::shape`]), and it does not look for examples in a
//! page (the readers do).

use std::collections::HashMap;

use serde_json::Value;

use crate::builder::ApiBuilder;
use crate::diagnostic::to_u32;
use crate::ir::{Example, Source};
use crate::yaml_lines::pointer;

/// A JSON example of a page, with the page line of each member (by JSON pointer).
#[derive(Debug, Clone)]
pub(crate) struct JsonExample {
    pub value: Value,
    file: String,
    /// Page line of the example text's first line.
    first_line: u32,
    /// JSON pointer -> 1-based line within the example text.
    lines: HashMap<String, u32>,
}

impl JsonExample {
    /// Parses `text`, whose first line is page line `first_line` of `file`. On failure, the
    /// page line of the fault and serde_json's message.
    pub fn parse(file: &str, text: &str, first_line: u32) -> Result<JsonExample, (Source, String)> {
        match serde_json::from_str::<Value>(text) {
            Ok(value) => Ok(JsonExample { value, file: file.to_owned(), first_line, lines: json_lines(text) }),
            Err(e) => {
                let line = first_line + to_u32(e.line().max(1)) - 1;
                Err((Source { file: file.to_owned(), line }, e.to_string()))
            }
        }
    }

    /// The page line of the member at `pointer`, or of its nearest ancestor.
    pub fn source(&self, pointer: &str) -> Source {
        let mut current = pointer;
        let line = loop {
            if let Some(line) = self.lines.get(current) {
                break *line;
            }
            match current.rfind('/') {
                Some(cut) => current = &current[..cut],
                None => break 1,
            }
        };
        Source { file: self.file.clone(), line: self.first_line + line - 1 }
    }

    /// The whole example, for a request body or response of the IR.
    pub fn to_example(&self) -> Example {
        Example { value: self.value.clone(), source: self.source("") }
    }
}

/// Parses an example of `what`; one that is not valid JSON is a warning and `None`.
pub(crate) fn read_example(api: &mut ApiBuilder, file: &str, text: &str, first_line: u32, what: &str) -> Option<JsonExample> {
    match JsonExample::parse(file, text, first_line) {
        Ok(example) => Some(example),
        Err((source, message)) => {
            api.warn(source, format!("the {what} example is not valid JSON ({message}); it is not used"));
            None
        }
    }
}

/// Where each member of a JSON text starts: pointer -> 1-based line. Objects' members are at
/// their key, array items at their first character. Only run on text serde_json accepted.
fn json_lines(text: &str) -> HashMap<String, u32> {
    enum Frame {
        Object { key: Option<String> },
        Array { next: usize },
    }
    fn here(frames: &[Frame]) -> String {
        let segments: Vec<String> = frames
            .iter()
            .map(|frame| match frame {
                Frame::Object { key } => key.clone().unwrap_or_default(),
                Frame::Array { next } => next.to_string(),
            })
            .collect();
        pointer(&segments)
    }
    let mut lines = HashMap::new();
    let mut frames: Vec<Frame> = Vec::new();
    let mut expecting_key = false;
    let mut line = 1u32;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\n' => line += 1,
            c if c.is_whitespace() || c == ':' => {}
            ',' => match frames.last_mut() {
                Some(Frame::Object { key }) => {
                    *key = None;
                    expecting_key = true;
                }
                Some(Frame::Array { next }) => *next += 1,
                None => {}
            },
            '}' | ']' => {
                frames.pop();
                expecting_key = false;
            }
            '"' => {
                let mut raw = String::new();
                while let Some(c) = chars.next() {
                    match c {
                        '"' => break,
                        '\\' => {
                            raw.push('\\');
                            raw.extend(chars.next());
                        }
                        c => raw.push(c),
                    }
                }
                if expecting_key {
                    let key = serde_json::from_str::<String>(&format!("\"{raw}\"")).unwrap_or(raw);
                    if let Some(Frame::Object { key: slot }) = frames.last_mut() {
                        *slot = Some(key);
                    }
                    lines.entry(here(&frames)).or_insert(line);
                    expecting_key = false;
                } else {
                    lines.entry(here(&frames)).or_insert(line);
                }
            }
            '{' | '[' => {
                lines.entry(here(&frames)).or_insert(line);
                if c == '{' {
                    frames.push(Frame::Object { key: None });
                    expecting_key = true;
                } else {
                    frames.push(Frame::Array { next: 0 });
                }
            }
            _ => {
                // A number, `true`, `false` or `null`: record it and skip the rest of the word.
                lines.entry(here(&frames)).or_insert(line);
                while chars.peek().is_some_and(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '+' | '-')) {
                    chars.next();
                }
            }
        }
    }
    lines
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    pub(crate) fn example(text: &str) -> JsonExample {
        match JsonExample::parse("doc.md", text, 10) {
            Ok(example) => example,
            Err((_, message)) => panic!("test example is not JSON: {message}"),
        }
    }

    #[test]
    fn json_lines_point_at_keys_and_items() {
        let ex = example("{\n  \"a\": {\n    \"b\": 1,\n    \"c\": [\n      {\"d\": \"x\\\"y\"},\n      2\n    ]\n  },\n  \"e\": null\n}");
        assert_eq!(ex.source("").line, 10);
        assert_eq!(ex.source("/a").line, 11);
        assert_eq!(ex.source("/a/b").line, 12);
        assert_eq!(ex.source("/a/c/0/d").line, 14);
        assert_eq!(ex.source("/a/c/1").line, 15);
        assert_eq!(ex.source("/e").line, 18);
        assert_eq!(ex.source("/a/missing").line, 11, "falls back to the nearest ancestor");
    }

    #[test]
    fn invalid_json_reports_the_page_line() {
        let Err((at, _)) = JsonExample::parse("doc.md", "{\n  \"a\": 1,\n  oops\n}", 5) else { panic!("accepted invalid JSON") };
        assert_eq!(at.line, 7);
    }
}
