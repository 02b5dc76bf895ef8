//! A vendored document as a page: where its own text starts, its YAML front matter, and how a
//! reader points back into it.
//!
//! Every reader turns page lines into IR [`Source`]s and [`Diagnostic`]s through one [`Page`],
//! and lines of YAML embedded in the page (front matter, a fenced block) through a
//! [`PageYaml`], so a document's file name and text are handled in one place. Pages collected
//! into `specs/` may start with `# Source: ...` provenance lines; [`own_text`] and
//! [`front_matter`] skip them, and page lines still count them.
//!
//! This module knows no document format: it does not decide what a page is, read tables,
//! examples, curl commands or markdown, or build IR beyond a [`Source`].

use super::Document;
use crate::diagnostic::Diagnostic;
use crate::ir::Source;
use crate::yaml_lines::{pointer, LineIndex};
use serde_path_to_error::Segment;

/// A document being read, for pointing back into it by page line (1-based).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Page<'a> {
    pub document: &'a Document,
}

impl<'a> Page<'a> {
    pub fn new(document: &'a Document) -> Self {
        Page { document }
    }

    /// The document's path, as sources and diagnostics name it.
    pub fn file(&self) -> &'a str {
        &self.document.path
    }

    /// The source of an IR item documented at page line `line`.
    pub fn source(&self, line: u32) -> Source {
        Source { file: self.document.path.clone(), line }
    }

    /// An error at page line `line`, quoting that line.
    pub fn error(&self, line: u32, message: impl Into<String>) -> Diagnostic {
        Diagnostic::error(&self.document.path, &self.document.text, line, 0, message)
    }
}

/// YAML embedded in a page, for pointing back into the page by JSON pointer: line n of the
/// YAML is page line `n + offset`.
#[derive(Debug)]
pub(crate) struct PageYaml<'a> {
    pub page: Page<'a>,
    pub lines: LineIndex,
    pub offset: u32,
}

impl<'a> PageYaml<'a> {
    /// Indexes `yaml`, a text of `document` whose line n is page line `n + offset`.
    pub fn new(document: &'a Document, yaml: &str, offset: u32) -> Self {
        PageYaml { page: Page::new(document), lines: LineIndex::new(yaml), offset }
    }

    /// A page YAML whose text is already indexed.
    pub fn with_lines(document: &'a Document, lines: LineIndex, offset: u32) -> Self {
        PageYaml { page: Page::new(document), lines, offset }
    }

    /// The page line of the node at `pointer`, or of its nearest indexed ancestor.
    pub fn line(&self, pointer: &str) -> u32 {
        self.lines.line(pointer) + self.offset
    }

    pub fn source(&self, pointer: &str) -> Source {
        self.page.source(self.line(pointer))
    }

    pub fn error(&self, pointer: &str, message: impl Into<String>) -> Diagnostic {
        self.page.error(self.line(pointer), message)
    }
}

/// The JSON pointer of the place `serde_path_to_error` reports (`request.parameters[0]` ->
/// `/request/parameters/0`), to find its line in a [`LineIndex`]. Built from the path's
/// segments, not its text, so a key with a `.` or a `/` in it (`/pets/{id}`, `pet.owner`)
/// is one segment; a segment serde could not name ends the pointer at its parent.
pub(crate) fn error_pointer(path: &serde_path_to_error::Path) -> String {
    let mut segments = Vec::new();
    for segment in path.iter() {
        segments.push(match segment {
            Segment::Seq { index } => index.to_string(),
            Segment::Map { key } => key.clone(),
            Segment::Enum { variant } => variant.clone(),
            Segment::Unknown => break,
        });
    }
    pointer(&segments)
}

/// The page after its `# Source: ...` provenance lines (added when the document was
/// collected), with the page line it starts on.
pub(crate) fn own_text(text: &str) -> (&str, u32) {
    let mut offset = 0;
    let mut line = 1;
    for chunk in text.split_inclusive('\n') {
        if !chunk.starts_with("# Source:") {
            break;
        }
        offset += chunk.len();
        line += 1;
    }
    (text.get(offset..).unwrap_or_default(), line)
}

/// A page split at its YAML front matter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct FrontMatter<'a> {
    /// The YAML between the `---` lines.
    pub yaml: &'a str,
    /// The page line of the opening `---`: YAML line n is page line `opening_line + n`.
    pub opening_line: u32,
    /// The page after the closing `---`.
    pub body: &'a str,
    /// The page line `body` starts on.
    pub body_line: u32,
}

/// Splits `text` at its front matter; `None` when the page has none (or never closes it).
/// Provenance lines, then blank lines, may precede the opening `---`.
pub(crate) fn front_matter(text: &str) -> Option<FrontMatter<'_>> {
    let (text, start_line) = own_text(text);
    let mut offset = 0;
    let mut line = start_line;
    let mut chunks = text.split_inclusive('\n');
    let opening_line = loop {
        let chunk = chunks.next()?;
        offset += chunk.len();
        line += 1;
        if chunk.trim_end() == "---" {
            break line - 1;
        }
        if !chunk.trim().is_empty() {
            return None;
        }
    };
    let yaml_start = offset;
    for chunk in chunks {
        if chunk.trim_end() == "---" {
            return Some(FrontMatter {
                yaml: text.get(yaml_start..offset)?,
                opening_line,
                body: text.get(offset + chunk.len()..)?,
                body_line: line + 1,
            });
        }
        offset += chunk.len();
        line += 1;
    }
    None
}

/// For the readers' tests: `text` as the document at `path`, read by `read` into a fresh API
/// called `api`.
#[cfg(test)]
pub(crate) fn read_for_test(
    read: fn(&Document, &mut crate::builder::ApiBuilder) -> Result<(), Vec<Diagnostic>>,
    api: &str,
    path: &str,
    text: &str,
) -> Result<crate::ir::Api, Vec<Diagnostic>> {
    let mut builder = crate::builder::ApiBuilder::new(api);
    read(&Document { path: path.to_owned(), text: text.to_owned() }, &mut builder)?;
    Ok(builder.finish())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_after_a_provenance_line() {
        let text = "# Source: repo:path@abc\n---\ntitle: T\nlayout: v2endpoint\n---\n\nBody text.\n";
        let found = front_matter(text).unwrap_or_else(|| panic!("no front matter found"));
        assert_eq!(found.yaml, "title: T\nlayout: v2endpoint\n");
        assert_eq!(found.opening_line, 2);
        assert_eq!(found.body, "\nBody text.\n");
        assert_eq!(found.body_line, 6);
        assert_eq!(own_text(text), (&text[24..], 2));
        assert!(front_matter("no front matter\n---\n").is_none());
        assert!(front_matter("---\nnever: closed\n").is_none());
    }
}
