//! Frontends: one per document format, each turning a vendored document into IR.
//!
//! [`detect`] decides a document's format from its content (never from its file name), and
//! [`read`] hands it to that format's reader. A document of a format the generator knows but
//! cannot read yet is a [`Detection::NotYetSupported`] notice; one of no known format is an
//! error that says what was looked for.
//!
//! The readers stand side by side, one a format: [`openapi`], [`front_matter`], [`kramdown`],
//! [`rst`]. None imports another; what several of them need is a page part they all import:
//! - `page`: the document as a page (provenance lines, front matter, page lines -> sources and
//!   diagnostics);
//! - [`markdown`]: fenced code blocks and a page's blocks in order;
//! - `table`: tables of a page and what their cells say;
//! - `json_example`: JSON examples with the page line of each member;
//! - `shape`: shape inference, object types from declarations and examples;
//! - `shell`: shell scripts of code examples, split into commands with variables expanded;
//! - `curl`: curl commands and the URLs they call;
//! - `endpoint`: operation parts built alike from what a reader found (parameters, server,
//!   JSON bodies).
//!
//! Page parts never import a reader, and they do not decide what a page's headings, labels or
//! keys mean: that is the reader's.

mod curl;
mod endpoint;
pub mod front_matter;
mod json_example;
pub mod kramdown;
pub mod markdown;
pub mod openapi;
mod page;
pub mod rst;
mod shape;
mod shell;
mod table;

use crate::builder::ApiBuilder;
use crate::diagnostic::Diagnostic;

/// A vendored document: its path relative to the workspace root, and its text.
#[derive(Debug, Clone)]
pub struct Document {
    pub path: String,
    pub text: String,
}

/// The document formats the generator recognises.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// A plain OpenAPI file: YAML or JSON; 3.0, 3.1, or Swagger 2.0.
    OpenApi,
    /// OpenAPI YAML in a fenced block of a markdown page (Mintlify, Apifox exports).
    OpenApiMarkdown,
    /// A Jekyll page whose YAML front matter describes the endpoint (`layout: v2endpoint`).
    FrontMatter,
    /// A markdown page with kramdown tables under request and response headings.
    KramdownTables,
    /// A page with reStructuredText `.. list-table::` directives.
    RstListTables,
}

impl Format {
    pub fn describe(self) -> &'static str {
        match self {
            Format::OpenApi => "an OpenAPI file (YAML or JSON)",
            Format::OpenApiMarkdown => "OpenAPI in a markdown fence",
            Format::FrontMatter => "Jekyll front matter (layout: v2endpoint)",
            Format::KramdownTables => "kramdown tables",
            Format::RstListTables => "reStructuredText list-tables",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Detection {
    Supported(Format),
    /// A format the generator recognises but has no reader for yet.
    NotYetSupported(Format),
}

/// Decides the format of `document` from its content.
pub fn detect(document: &Document) -> Result<Detection, Diagnostic> {
    let text = &document.text;
    if text.trim().is_empty() {
        return Err(Diagnostic::file_error(&document.path, "the document is empty"));
    }
    if openapi::is_openapi_document(text) {
        return Ok(Detection::Supported(Format::OpenApi));
    }
    let fences = markdown::fences(text);
    if fences.iter().any(openapi::is_openapi_fence) {
        return Ok(Detection::Supported(Format::OpenApiMarkdown));
    }
    if front_matter_layout(text).as_deref() == Some("v2endpoint") {
        return Ok(Detection::Supported(Format::FrontMatter));
    }
    if text.lines().any(|line| line.trim_start().starts_with(".. list-table::")) {
        return Ok(Detection::Supported(Format::RstListTables));
    }
    if text.lines().any(|line| line.trim_start().starts_with('|')) && text.contains("{: .label") {
        return Ok(Detection::Supported(Format::KramdownTables));
    }
    Err(Diagnostic::file_error(&document.path, "no supported document format found").with_hint(
        "expected an OpenAPI file (YAML or JSON with a root `openapi:` or `swagger:` key), a fenced ```yaml or ```json block holding an `openapi:` document, Jekyll front matter with \
         `layout: v2endpoint`, kramdown tables with `{: .label}` status lines, or `.. list-table::` directives",
    ))
}

/// The `layout:` of a page's YAML front matter, if it has front matter. A provenance line
/// (`# Source: ...`) may precede the opening `---`.
fn front_matter_layout(text: &str) -> Option<String> {
    let mut lines = text.lines().skip_while(|l| l.starts_with("# Source:") || l.trim().is_empty());
    if lines.next()?.trim_end() != "---" {
        return None;
    }
    lines
        .take_while(|l| l.trim_end() != "---")
        .find_map(|l| l.strip_prefix("layout:").map(|v| v.trim().to_owned()))
}

/// Reads `document`, of the supported `format`, into `api`.
pub fn read(document: &Document, format: Format, api: &mut ApiBuilder) -> Result<(), Vec<Diagnostic>> {
    match format {
        Format::OpenApi => openapi::read_file(document, api),
        Format::OpenApiMarkdown => openapi::read_fences(document, &markdown::fences(&document.text), api),
        Format::FrontMatter => front_matter::read(document, api),
        Format::KramdownTables => kramdown::read(document, api),
        Format::RstListTables => rst::read(document, api),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn detected(text: &str) -> Option<Format> {
        match detect(&Document { path: "specs/x/doc".to_owned(), text: text.to_owned() }) {
            Ok(Detection::Supported(format)) => Some(format),
            _ => None,
        }
    }

    #[test]
    fn openapi_files_are_told_from_pages_by_their_content() {
        assert_eq!(detected("openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\n"), Some(Format::OpenApi));
        assert_eq!(detected("# comment\n---\ninfo:\n  title: t\nswagger: '2.0'\n"), Some(Format::OpenApi));
        assert_eq!(detected("  swagger: '2.0'\n  info: {title: t}\n"), Some(Format::OpenApi), "root keys indented alike");
        assert_eq!(detected("{\n  \"openapi\" : \"3.1.0\", \"paths\": {}\n}"), Some(Format::OpenApi));
        assert_eq!(detected("# Title\n\n```yaml\nopenapi: 3.0.0\npaths: {}\n```\n"), Some(Format::OpenApiMarkdown));
        assert_eq!(detected("Intro\n\n```json\n{\"openapi\": \"3.0.0\", \"paths\": {}}\n```\n"), Some(Format::OpenApiMarkdown));
        assert_eq!(
            detected("openapi: 3.0.0\ninfo:\n  description: >-\n    Example:\n    ```\n    curl x\n    ```\n  title: t\npaths: {}\n"),
            Some(Format::OpenApi),
            "a fence in a description is text, not markdown"
        );
        assert_eq!(detected("{\"title\": \"not an API\"}"), None);
        assert_eq!(detected("title: x\ndescription: openapi: no\n"), None, "an `openapi:` that is not a key");
        assert_eq!(detected("---\nlayout: v2endpoint\n---\nBody\n"), Some(Format::FrontMatter));
    }
}
