//! Markdown structure shared by the formats that live in markdown pages.
//!
//! Parsing is pulldown-cmark's; this module only collects what the frontends ask for (fenced
//! code blocks with their info string and the line their content starts on), so no frontend
//! searches page text by hand.

use pulldown_cmark::{CodeBlockKind, Event, Options, Parser, Tag, TagEnd};

use crate::diagnostic::line_column;

/// A fenced code block of a markdown page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fence {
    /// The info string after the opening fence, e.g. `yaml POST /api/v1/auth/token/renew`.
    pub info: String,
    pub content: String,
    /// The 1-based line of the opening fence.
    pub fence_line: u32,
    /// The 1-based line of the first content line.
    pub content_line: u32,
    /// Whether the page ends before the block's closing fence.
    pub unclosed: bool,
}

impl Fence {
    /// The first word of the info string: the block's language.
    pub fn language(&self) -> &str {
        self.info.split_whitespace().next().unwrap_or("")
    }
}

/// Every fenced code block of `text`, in page order.
pub fn fences(text: &str) -> Vec<Fence> {
    let mut fences = Vec::new();
    let mut open: Option<(Fence, std::ops::Range<usize>)> = None;
    for (event, range) in Parser::new_ext(text, Options::empty()).into_offset_iter() {
        match event {
            Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(info))) => {
                let (fence_line, _) = line_column(text, range.start);
                let fence = Fence {
                    info: info.trim().to_owned(),
                    content: String::new(),
                    fence_line,
                    content_line: fence_line + 1,
                    unclosed: false,
                };
                open = Some((fence, range));
            }
            Event::Text(chunk) => {
                if let Some((fence, _)) = open.as_mut() {
                    if fence.content.is_empty() {
                        fence.content_line = line_column(text, range.start).0;
                    }
                    fence.content.push_str(&chunk);
                }
            }
            Event::End(TagEnd::CodeBlock) => {
                if let Some((mut fence, range)) = open.take() {
                    fence.unclosed = !closes_fence(text, range);
                    fences.push(fence);
                }
            }
            _ => {}
        }
    }
    fences
}

/// Whether the block spanning `range` ends with a closing fence line (``` or ~~~), rather
/// than running to the end of the page.
fn closes_fence(text: &str, range: std::ops::Range<usize>) -> bool {
    let block = &text[range];
    let opener: String = block.trim_start().chars().take_while(|c| *c == '`' || *c == '~').collect();
    let last_line = block.trim_end_matches(['\n', '\r']).lines().last().unwrap_or("");
    let body_lines = block.trim_end_matches(['\n', '\r']).lines().count();
    body_lines > 1 && last_line.trim().starts_with(opener.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_fences_with_info_and_content_lines() {
        let page = "# Title\n\n````yaml POST /x\nopenapi: 3.0.3\n````\n\ntext\n```json\n{}\n```\n";
        let found = fences(page);
        assert_eq!(found.len(), 2);
        assert_eq!(found[0].info, "yaml POST /x");
        assert_eq!(found[0].language(), "yaml");
        assert_eq!(found[0].content, "openapi: 3.0.3\n");
        assert_eq!((found[0].fence_line, found[0].content_line), (3, 4));
        assert!(!found[0].unclosed);
        assert_eq!(found[1].content_line, 9);
    }

    #[test]
    fn reports_a_fence_left_open() {
        let found = fences("```yaml\nopenapi: 3.0.3\n");
        assert_eq!(found.len(), 1);
        assert!(found[0].unclosed);
    }
}
