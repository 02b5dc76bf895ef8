//! Diagnostics: what is wrong with an input document, where, and what would fix it.
//!
//! Frontends and the workspace never panic on bad input; they return [`Diagnostic`]s. One
//! renders like rustc's: severity and message, `--> file:line:column`, the offending source line
//! with a marker under the column, and an optional hint.

use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    Error,
    Warning,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub severity: Severity,
    pub message: String,
    /// The file, relative to the workspace root.
    pub file: String,
    /// 1-based line; 0 when the problem is with the file as a whole.
    pub line: u32,
    /// 1-based column; 0 when unknown.
    pub column: u32,
    /// The text of `line`, for the rendered snippet.
    pub snippet: Option<String>,
    pub hint: Option<String>,
}

impl Diagnostic {
    /// An error at `line`/`column` of `file`, whose text is `text` (for the snippet).
    pub fn error(file: &str, text: &str, line: u32, column: u32, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            message: message.into(),
            file: file.to_owned(),
            line,
            column,
            snippet: source_line(text, line),
            hint: None,
        }
    }

    /// An error about a file as a whole (unreadable, empty, no known format).
    pub fn file_error(file: &str, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            message: message.into(),
            file: file.to_owned(),
            line: 0,
            column: 0,
            snippet: None,
            hint: None,
        }
    }

    /// An error at a source location of the IR (passes over the IR have no document text, so
    /// no snippet).
    pub fn at(source: &crate::ir::Source, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            message: message.into(),
            file: source.file.clone(),
            line: source.line,
            column: 0,
            snippet: None,
            hint: None,
        }
    }

    pub fn warning(mut self) -> Self {
        self.severity = Severity::Warning;
        self
    }

    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

fn source_line(text: &str, line: u32) -> Option<String> {
    let index = usize::try_from(line).ok()?.checked_sub(1)?;
    text.lines().nth(index).map(|l| l.trim_end().to_owned())
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let severity = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        writeln!(f, "{severity}: {}", self.message)?;
        match (self.line, self.column) {
            (0, _) => writeln!(f, "  --> {}", self.file)?,
            (line, 0) => writeln!(f, "  --> {}:{line}", self.file)?,
            (line, column) => writeln!(f, "  --> {}:{line}:{column}", self.file)?,
        }
        if let Some(snippet) = &self.snippet {
            let gutter = self.line.to_string();
            let pad = " ".repeat(gutter.len());
            writeln!(f, "{pad} |")?;
            writeln!(f, "{gutter} | {snippet}")?;
            if self.column > 0 {
                let indent: String = snippet
                    .chars()
                    .take(self.column as usize - 1)
                    .map(|c| if c == '\t' { '\t' } else { ' ' })
                    .collect();
                writeln!(f, "{pad} | {indent}^")?;
            }
        }
        if let Some(hint) = &self.hint {
            writeln!(f, "  = hint: {hint}")?;
        }
        Ok(())
    }
}

/// Line (1-based) and column (1-based, in characters) of a byte offset in `text`.
pub fn line_column(text: &str, offset: usize) -> (u32, u32) {
    let offset = offset.min(text.len());
    let before = text.get(..offset).unwrap_or(text);
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = before[line_start..].chars().count() + 1;
    (to_u32(line), to_u32(column))
}

pub(crate) fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_like_rustc_with_marker_under_the_column() {
        let text = "a: 1\nb: [oops\n";
        let d = Diagnostic::error("specs/x/doc.md", text, 2, 4, "expected a closing `]`")
            .with_hint("close the sequence");
        assert_eq!(
            d.to_string(),
            "error: expected a closing `]`\n  --> specs/x/doc.md:2:4\n  |\n2 | b: [oops\n  |    ^\n  = hint: close the sequence\n"
        );
    }

    #[test]
    fn line_column_counts_from_one() {
        assert_eq!(line_column("ab\ncd", 0), (1, 1));
        assert_eq!(line_column("ab\ncd", 4), (2, 2));
        assert_eq!(line_column("ab\ncd", 99), (2, 3));
    }
}
