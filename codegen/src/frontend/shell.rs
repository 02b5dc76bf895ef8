//! Shell scripts of a page's code examples -> the commands they run, with their words expanded.
//!
//! Vendors do not always show a request as one command: the URL or the body may be put in a
//! variable first (`url="https://…"`, `data='{…}'`), with comments between, and a placeholder
//! of the body filled by a pipeline (`data=$(echo "$data" | sed …)`). [`commands`] splits a
//! script as a POSIX shell does (single and double quotes, backslash escapes and line
//! continuations, `#` comments, commands separated by newlines, `;`, `|`, `&`, `&&`, `||`,
//! a `$(…)` or `` `…` `` kept whole) and evaluates what a script can be evaluated for without
//! running anything:
//! - an assignment `name=value` on its own sets the variable for the commands after it, and
//!   `$name` / `${name}` expand to it, unquoted or in double quotes;
//! - a value that needs a command run (`$(…)`, backquotes) is not evaluated: the variable keeps
//!   the value it had (a filter over an example value, such as a `sed` filling a placeholder,
//!   keeps its shape), or, when it had none, gets its text as written;
//! - a variable the script does not set (`$TOKEN`, from the environment) stays as written: it
//!   is a placeholder for the reader to fill in;
//! - a line whose first word is an option (`-H …`) continues the command on the line above:
//!   no program is named `-H`, so the page lost the `\` that ends the line above.
//!
//! Every word keeps the script line its text starts on (for an expanded variable, the line of
//! the variable's value), so readers can point into the page. Redirections and their targets
//! are dropped. This module knows no program's options: [`super::curl`] reads curl's.

use std::collections::HashMap;

use crate::diagnostic::line_column;

/// A word of a command after expansion, with the 1-based script line its text starts on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Word {
    pub text: String,
    pub line: u32,
}

/// One command of a script: its words, program first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Command {
    pub words: Vec<Word>,
}

/// A piece of a word as written, at its byte offset in the script.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Part {
    /// Literal text; `quoted` when it was inside quotes (so it cannot start an assignment).
    Text { text: String, offset: usize, quoted: bool },
    /// `$name` or `${name}`, with its text as written.
    Variable { name: String, written: String, offset: usize },
    /// `$(…)` or `` `…` ``, as written.
    Substitution { written: String, offset: usize },
}

impl Part {
    fn offset(&self) -> usize {
        match self {
            Part::Text { offset, .. } | Part::Variable { offset, .. } | Part::Substitution { offset, .. } => *offset,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Token {
    Word(Vec<Part>),
    /// Ends a command; `newline` when it is the end of a line.
    Separator { newline: bool },
    /// `<` or `>`: the next word is a file, not an argument.
    Redirect,
}

/// The commands of `script`, in order, with variables expanded (see the module docs).
pub(crate) fn commands(script: &str) -> Result<Vec<Command>, String> {
    let tokens = Lexer::new(script).tokens()?;
    let mut variables: HashMap<String, Word> = HashMap::new();
    let mut commands: Vec<Command> = Vec::new();
    let mut words: Vec<Vec<Part>> = Vec::new();
    let mut after_newline = true;
    let mut skip_next = false;
    for token in tokens {
        match token {
            Token::Word(_) if skip_next => skip_next = false,
            Token::Word(parts) => words.push(parts),
            Token::Redirect => skip_next = true,
            Token::Separator { newline } => {
                finish(script, std::mem::take(&mut words), after_newline, &mut variables, &mut commands);
                after_newline = newline;
            }
        }
    }
    finish(script, words, after_newline, &mut variables, &mut commands);
    Ok(commands)
}

/// Evaluates one command as written: an assignment sets its variable; a line that starts with
/// an option continues the command above it; anything else is a command.
fn finish(script: &str, words: Vec<Vec<Part>>, on_new_line: bool, variables: &mut HashMap<String, Word>, commands: &mut Vec<Command>) {
    let assignments: Vec<(String, Vec<Part>)> = words.iter().map_while(|parts| assignment(parts)).collect();
    if assignments.len() == words.len() {
        for (name, value) in assignments {
            assign(script, name, &value, variables);
        }
        return;
    }
    // Assignments before a program set its environment only.
    let expanded: Vec<Word> = words.iter().skip(assignments.len()).map(|parts| expand(script, parts, variables)).collect();
    let continues = on_new_line && starts_with_option(words.get(assignments.len()..).unwrap_or_default());
    match commands.last_mut() {
        Some(above) if continues => above.words.extend(expanded),
        _ => commands.push(Command { words: expanded }),
    }
}

/// Whether a command's first word is an option written plainly (`-H`, `--data`).
fn starts_with_option(words: &[Vec<Part>]) -> bool {
    match words.first().and_then(|parts| parts.first()) {
        Some(Part::Text { text, quoted: false, .. }) => text.len() > 1 && text.starts_with('-'),
        _ => false,
    }
}

/// `name=value` as the variable's name and the value's parts; `None` for any other word.
fn assignment(parts: &[Part]) -> Option<(String, Vec<Part>)> {
    let (Part::Text { text, offset, quoted: false }, rest) = parts.split_first()? else { return None };
    let (name, value) = text.split_once('=')?;
    let mut chars = name.chars();
    let is_name = chars.next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_') && chars.all(|c| c.is_ascii_alphanumeric() || c == '_');
    if !is_name {
        return None;
    }
    let mut value_parts = Vec::with_capacity(parts.len());
    if !value.is_empty() {
        value_parts.push(Part::Text { text: value.to_owned(), offset: offset + name.len() + 1, quoted: false });
    }
    value_parts.extend(rest.iter().cloned());
    Some((name.to_owned(), value_parts))
}

/// Sets `name` to `value`, unless the value needs a command run and the variable has a value
/// already (see the module docs).
fn assign(script: &str, name: String, value: &[Part], variables: &mut HashMap<String, Word>) {
    let runs_a_command = value.iter().any(|p| matches!(p, Part::Substitution { .. }));
    if runs_a_command && variables.contains_key(&name) {
        return;
    }
    let word = expand(script, value, variables);
    variables.insert(name, word);
}

/// A word's text with its variables expanded; it starts on the line of its first non-empty part.
fn expand(script: &str, parts: &[Part], variables: &HashMap<String, Word>) -> Word {
    let mut text = String::new();
    let mut line = None;
    for part in parts {
        let (piece, piece_line) = match part {
            Part::Text { text, .. } => (text.as_str(), None),
            Part::Variable { name, written, .. } => match variables.get(name) {
                Some(value) => (value.text.as_str(), Some(value.line)),
                None => (written.as_str(), None),
            },
            Part::Substitution { written, .. } => (written.as_str(), None),
        };
        if line.is_none() && !piece.is_empty() {
            line = Some(piece_line.unwrap_or_else(|| line_column(script, part.offset()).0));
        }
        text.push_str(piece);
    }
    let line = line.unwrap_or_else(|| parts.first().map_or(1, |p| line_column(script, p.offset()).0));
    Word { text, line }
}

/// Splits a script into words and separators.
struct Lexer<'a> {
    script: &'a str,
    chars: std::iter::Peekable<std::str::CharIndices<'a>>,
    tokens: Vec<Token>,
    /// The word being read, `None` between words.
    word: Option<Vec<Part>>,
}

impl<'a> Lexer<'a> {
    fn new(script: &'a str) -> Self {
        Lexer { script, chars: script.char_indices().peekable(), tokens: Vec::new(), word: None }
    }

    fn tokens(mut self) -> Result<Vec<Token>, String> {
        while let Some((at, c)) = self.chars.next() {
            match c {
                '\n' => self.separator(true),
                ' ' | '\t' | '\r' => self.end_word(),
                ';' | '|' | '&' | '(' | ')' => self.separator(false),
                '<' | '>' => {
                    // `2>`: the digits name a file descriptor, not an argument.
                    if matches!(self.word.as_deref(), Some([Part::Text { text, quoted: false, .. }]) if text.chars().all(|c| c.is_ascii_digit())) {
                        self.word = None;
                    }
                    self.end_word();
                    self.tokens.push(Token::Redirect);
                    while self.chars.next_if(|(_, c)| matches!(c, '<' | '>' | '&')).is_some() {}
                }
                '#' if self.word.is_none() => while self.chars.next_if(|(_, c)| *c != '\n').is_some() {},
                '\\' => match self.chars.next() {
                    Some((_, '\n')) | None => {}
                    Some((at, c)) => self.text(c, at, false),
                },
                '\'' => self.single_quoted(at)?,
                '"' => self.double_quoted()?,
                '$' | '`' => self.dollar(c, at)?,
                c => self.text(c, at, false),
            }
        }
        self.end_word();
        Ok(self.tokens)
    }

    fn end_word(&mut self) {
        if let Some(parts) = self.word.take() {
            self.tokens.push(Token::Word(parts));
        }
    }

    fn separator(&mut self, newline: bool) {
        self.end_word();
        self.tokens.push(Token::Separator { newline });
    }

    fn part(&mut self, part: Part) {
        self.word.get_or_insert_with(Vec::new).push(part);
    }

    /// Adds `c` to the word's text, starting a new text part when the quoting changes.
    fn text(&mut self, c: char, at: usize, quoted: bool) {
        let parts = self.word.get_or_insert_with(Vec::new);
        match parts.last_mut() {
            Some(Part::Text { text, quoted: q, .. }) if *q == quoted => text.push(c),
            _ => parts.push(Part::Text { text: c.to_string(), offset: at, quoted }),
        }
    }

    fn single_quoted(&mut self, open: usize) -> Result<(), String> {
        let start = open + 1;
        // An empty '' still makes a word.
        self.part(Part::Text { text: String::new(), offset: start, quoted: true });
        while let Some((at, c)) = self.chars.next() {
            if c == '\'' {
                return Ok(());
            }
            self.text(c, at, true);
        }
        Err("the script has an unclosed `'`".to_owned())
    }

    fn double_quoted(&mut self) -> Result<(), String> {
        let mut empty = true;
        while let Some((at, c)) = self.chars.next() {
            match c {
                '"' => {
                    if empty {
                        self.part(Part::Text { text: String::new(), offset: at, quoted: true });
                    }
                    return Ok(());
                }
                '\\' => match self.chars.next() {
                    Some((_, '\n')) => {}
                    Some((at, c)) if matches!(c, '$' | '`' | '"' | '\\') => self.text(c, at, true),
                    Some((at, c)) => {
                        self.text('\\', at - 1, true);
                        self.text(c, at, true);
                    }
                    None => break,
                },
                '$' | '`' => self.dollar(c, at)?,
                c => self.text(c, at, true),
            }
            empty = false;
        }
        Err("the script has an unclosed `\"`".to_owned())
    }

    /// `$name`, `${name}`, `$(…)`, `` `…` ``, or a `$` that is just a dollar sign.
    fn dollar(&mut self, c: char, at: usize) -> Result<(), String> {
        if c == '`' {
            let end = self.script.get(at + 1..).and_then(|rest| rest.find('`')).ok_or("the script has an unclosed backquote")?;
            return self.substitution(at, at + 1 + end + 1);
        }
        match self.chars.peek().map(|(_, c)| *c) {
            Some('(') => {
                let end = closing_paren(self.script, at + 1).ok_or("the script has an unclosed `$(`")?;
                self.substitution(at, end + 1)
            }
            Some('{') => {
                let close = self.script.get(at..).and_then(|rest| rest.find('}')).ok_or("the script has an unclosed `${`")?;
                let written = self.script.get(at..=at + close).unwrap_or_default().to_owned();
                let name = written.trim_start_matches("${").trim_end_matches('}').to_owned();
                self.skip_to(at + close + 1);
                self.part(Part::Variable { name, written, offset: at });
                Ok(())
            }
            Some(first) if first.is_ascii_alphabetic() || first == '_' => {
                let mut name = String::new();
                while let Some((_, c)) = self.chars.next_if(|(_, c)| c.is_ascii_alphanumeric() || *c == '_') {
                    name.push(c);
                }
                self.part(Part::Variable { written: format!("${name}"), name, offset: at });
                Ok(())
            }
            _ => {
                self.text('$', at, false);
                Ok(())
            }
        }
    }

    /// Keeps `script[start..end]` whole as a substitution part.
    fn substitution(&mut self, start: usize, end: usize) -> Result<(), String> {
        let written = self.script.get(start..end).ok_or("the script has an unclosed substitution")?.to_owned();
        self.skip_to(end);
        self.part(Part::Substitution { written, offset: start });
        Ok(())
    }

    fn skip_to(&mut self, end: usize) {
        while self.chars.next_if(|(at, _)| *at < end).is_some() {}
    }
}

/// The offset of the `)` closing the `(` at `open`, skipping quoted text and nested parentheses.
fn closing_paren(script: &str, open: usize) -> Option<usize> {
    let mut depth = 0usize;
    let mut quote: Option<char> = None;
    let mut escaped = false;
    for (at, c) in script.get(open..)?.char_indices() {
        match (quote, c) {
            _ if escaped => escaped = false,
            (Some('\''), '\'') | (Some('"'), '"') => quote = None,
            (Some('"') | None, '\\') => escaped = true,
            (Some(_), _) => {}
            (None, '\'' | '"') => quote = Some(c),
            (None, '(') => depth += 1,
            (None, ')') => {
                depth -= 1;
                if depth == 0 {
                    return Some(open + at);
                }
            }
            _ => {}
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(command: &Command) -> Vec<&str> {
        command.words.iter().map(|w| w.text.as_str()).collect()
    }

    #[test]
    fn splits_words_as_a_shell_does() {
        let found = commands("curl -X POST 'https://h/x' \\\n  -H \"A: b\" -d '{\n \"a\": 1\n}' # note\necho done; ls | wc").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(found.len(), 4);
        assert_eq!(texts(&found[0]), ["curl", "-X", "POST", "https://h/x", "-H", "A: b", "-d", "{\n \"a\": 1\n}"]);
        assert_eq!((found[0].words[6].line, found[0].words[7].line), (2, 2));
        assert_eq!(texts(&found[1]), ["echo", "done"]);
        assert_eq!(texts(&found[3]), ["wc"]);
        assert!(commands("echo 'open").is_err());
        assert!(commands("echo $(open").is_err());
    }

    #[test]
    fn a_line_starting_with_an_option_continues_the_command_above() {
        let found = commands("curl -X POST \"https://h/x\"\n-H \"Authorization: Bearer t\" \n-d '{}'\n\nls -l\n").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(found.len(), 2);
        assert_eq!(texts(&found[0]), ["curl", "-X", "POST", "https://h/x", "-H", "Authorization: Bearer t", "-d", "{}"]);
        assert_eq!(found[0].words[5].line, 2);
        let quoted = commands("echo a\n'-n' b").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(quoted.len(), 2, "a quoted word is an argument, not an option");
        let after_semicolon = commands("echo a; -n b").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(after_semicolon.len(), 2, "only a new line continues");
    }

    #[test]
    fn variables_hold_bodies_and_urls() {
        let script = "url=\"https://h/x\"\n# a comment\nfile=$( base64 -i a.pdf )\ndata='{\n  \"doc\": \"%%FILE%%\"\n}\n\n'\ndata=$(echo \"$data\" | sed \"s#%%FILE%%#$file#g\")\ncurl \"${url}\" -H \"Authorization: Bearer $TOKEN\" -d \"${data}\" -F f=$file";
        let found = commands(script).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(found.len(), 1, "{found:?}");
        let words = &found[0].words;
        assert_eq!(words[1].text, "https://h/x");
        assert_eq!(words[3].text, "Authorization: Bearer $TOKEN", "an unset variable stays as written");
        assert_eq!(words[5].text, "{\n  \"doc\": \"%%FILE%%\"\n}\n\n", "a filter over a value keeps the value");
        assert_eq!(words[5].line, 4, "the body starts on the line of its assignment");
        assert_eq!(words[7].text, "f=$( base64 -i a.pdf )", "a command's output is kept as written");
    }

    #[test]
    fn redirections_and_prefix_assignments_are_not_arguments() {
        let found = commands("LANG=C curl https://h/ > out.json 2>/dev/null").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(texts(&found[0]), ["curl", "https://h/"]);
        let found = commands("$ curl -d \"\" https://h/").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(texts(&found[0]), ["$", "curl", "-d", "", "https://h/"]);
    }
}
