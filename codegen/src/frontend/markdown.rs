//! Markdown structure shared by the formats that live in markdown pages.
//!
//! Parsing is pulldown-cmark's; this module only collects what the readers ask for: fenced code
//! blocks with their info string and the line their content starts on ([`fences`]), and a
//! page's blocks in order (headings, paragraphs, tables, fences: `blocks`), each with its page
//! line, so no reader searches page text by hand.
//!
//! It gives blocks no meaning: which heading opens which section, what a label or a table
//! documents, is each reader's.

use pulldown_cmark::{CodeBlockKind, Event, Options, Parser, Tag, TagEnd};

use super::table::{Row, Table};
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

/// One block of a markdown page, with the page line it starts on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Block {
    Heading { level: u8, text: String, line: u32 },
    /// A paragraph's text; soft line breaks are kept as `\n`, inline code keeps its backticks.
    Paragraph { text: String, line: u32 },
    Table(Table),
    Fence(Fence),
}

impl Block {
    pub fn line(&self) -> u32 {
        match self {
            Block::Heading { line, .. } | Block::Paragraph { line, .. } => *line,
            Block::Table(table) => table.line,
            Block::Fence(fence) => fence.fence_line,
        }
    }
}

/// The blocks of the markdown `text`, whose first line is page line `first_line`, in page order.
/// Code blocks come from [`fences`]; HTML blocks are skipped.
pub(crate) fn blocks(text: &str, first_line: u32) -> Vec<Block> {
    let shift = first_line.saturating_sub(1);
    let line_of = |offset: usize| line_column(text, offset).0 + shift;
    let mut blocks = Vec::new();
    let mut buffer: Option<String> = None;
    let mut heading: Option<(u8, u32)> = None;
    let mut paragraph: Option<u32> = None;
    let mut table: Option<Table> = None;
    let mut row: Option<Row> = None;
    for (event, range) in Parser::new_ext(text, Options::ENABLE_TABLES).into_offset_iter() {
        match event {
            Event::Start(Tag::Heading { level, .. }) => {
                heading = Some((level as u8, line_of(range.start)));
                buffer = Some(String::new());
            }
            Event::End(TagEnd::Heading(_)) => {
                if let (Some((level, line)), Some(text)) = (heading.take(), buffer.take()) {
                    blocks.push(Block::Heading { level, text: text.trim().to_owned(), line });
                }
            }
            Event::Start(Tag::Paragraph) => {
                paragraph = Some(line_of(range.start));
                buffer = Some(String::new());
            }
            Event::End(TagEnd::Paragraph) => {
                if let (Some(line), Some(text)) = (paragraph.take(), buffer.take()) {
                    blocks.push(Block::Paragraph { text: text.trim().to_owned(), line });
                }
            }
            Event::Start(Tag::Table(_)) => table = Some(Table { header: Vec::new(), rows: Vec::new(), line: line_of(range.start) }),
            Event::Start(Tag::TableHead | Tag::TableRow) => row = Some(Row { cells: Vec::new(), line: line_of(range.start) }),
            Event::End(TagEnd::TableHead) => {
                if let (Some(table), Some(row)) = (table.as_mut(), row.take()) {
                    table.header = row.cells;
                }
            }
            Event::End(TagEnd::TableRow) => {
                if let (Some(table), Some(row)) = (table.as_mut(), row.take()) {
                    table.rows.push(row);
                }
            }
            Event::Start(Tag::TableCell) => buffer = Some(String::new()),
            Event::End(TagEnd::TableCell) => {
                if let (Some(row), Some(text)) = (row.as_mut(), buffer.take()) {
                    row.cells.push(text.trim().to_owned());
                }
            }
            Event::End(TagEnd::Table) => blocks.extend(table.take().map(Block::Table)),
            Event::Text(text) => buffer.iter_mut().for_each(|b| b.push_str(&text)),
            Event::Code(code) => buffer.iter_mut().for_each(|b| {
                b.push('`');
                b.push_str(&code);
                b.push('`');
            }),
            Event::SoftBreak | Event::HardBreak => buffer.iter_mut().for_each(|b| b.push('\n')),
            _ => {}
        }
    }
    blocks.extend(fences(text).into_iter().map(|mut fence| {
        fence.fence_line += shift;
        fence.content_line += shift;
        Block::Fence(fence)
    }));
    blocks.sort_by_key(Block::line);
    blocks
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
