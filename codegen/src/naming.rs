//! How a word from a document is *spelled* as a Rust identifier: snake or camel case, keywords,
//! leading digits, characters outside ASCII.
//!
//! Frontends use these spellings to propose names; which name an item finally gets (unique,
//! clear of reserved and emitted names) is decided once, by `passes::names`. Every spelling goes
//! through here, so a keyword or a leading digit is handled the same way everywhere.

use heck::{ToSnakeCase, ToUpperCamelCase};

/// Keywords that can be written as raw identifiers (`r#type`).
const RAW_KEYWORDS: &[&str] = &[
    "abstract", "as", "async", "await", "become", "box", "break", "const", "continue", "do", "dyn",
    "else", "enum", "extern", "false", "final", "fn", "for", "gen", "if", "impl", "in", "let",
    "loop", "macro", "match", "mod", "move", "mut", "override", "priv", "pub", "ref", "return",
    "static", "struct", "trait", "true", "try", "type", "typeof", "unsafe", "unsized", "use",
    "virtual", "where", "while", "yield",
];

/// Keywords that cannot be raw identifiers; they get a trailing underscore instead.
const RESERVED: &[&str] = &["crate", "self", "super", "Self", "_"];

const DIGIT_WORDS: [&str; 10] = ["Zero", "One", "Two", "Three", "Four", "Five", "Six", "Seven", "Eight", "Nine"];

/// Keeps ASCII letters, digits and separators; other characters become word breaks, except an
/// apostrophe inside a word ("User's" is one word, `users`). A raw identifier's `r#` is not
/// part of the word: `r#match` is spelled from `match`.
fn ascii_words(text: &str) -> String {
    let text = text.strip_prefix("r#").unwrap_or(text);
    let chars: Vec<char> = text.chars().collect();
    let inside_word = |i: usize| {
        i.checked_sub(1).and_then(|j| chars.get(j)).is_some_and(char::is_ascii_alphanumeric)
            && chars.get(i + 1).is_some_and(char::is_ascii_alphanumeric)
    };
    chars
        .iter()
        .enumerate()
        .filter(|&(i, c)| !(matches!(c, '\'' | '\u{2019}') && inside_word(i)))
        .map(|(_, &c)| if c.is_ascii_alphanumeric() { c } else { ' ' })
        .collect()
}

/// A snake-case identifier (field, method, module), as written in source: `r#type` for keywords.
pub fn snake_ident(text: &str) -> String {
    let mut name = ascii_words(text).to_snake_case();
    if name.is_empty() {
        name = "value".to_owned();
    }
    if name.starts_with(|c: char| c.is_ascii_digit()) {
        name.insert(0, '_');
    }
    if RESERVED.contains(&name.as_str()) {
        name.push('_');
    } else if RAW_KEYWORDS.contains(&name.as_str()) {
        name.insert_str(0, "r#");
    }
    name
}

/// An upper-camel-case identifier (type, variant). Never a keyword: `Self` becomes `Self_`.
pub fn camel_ident(text: &str) -> String {
    let mut name = ascii_words(text).to_upper_camel_case();
    if name.is_empty() {
        name = "Value".to_owned();
    }
    if let Some(digit) = name.chars().next().and_then(|c| c.to_digit(10)) {
        // "2FA required" reads as `TwoFaRequired`, not `V2faRequired`.
        let rest: String = name.chars().skip(1).collect();
        let word = DIGIT_WORDS.get(digit as usize).copied().unwrap_or("N");
        name = format!("{word}{}", rest.to_upper_camel_case());
    }
    if RESERVED.contains(&name.as_str()) {
        name.push('_');
    }
    name
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snake_ident_handles_keywords_digits_and_non_ascii() {
        assert_eq!(snake_ident("accessTokenMaxTTL"), "access_token_max_ttl");
        assert_eq!(snake_ident("type"), "r#type");
        assert_eq!(snake_ident("self"), "self_");
        assert_eq!(snake_ident("2fa"), "_2fa");
        assert_eq!(snake_ident("café-name"), "caf_name");
        assert_eq!(snake_ident("é"), "value");
        assert_eq!(snake_ident("r#type"), "r#type", "spelling a spelled name changes nothing");
        assert_eq!(snake_ident("Get User's Applications"), "get_users_applications");
        assert_eq!(snake_ident("the 'quoted' word"), "the_quoted_word");
    }

    #[test]
    fn camel_ident_handles_digits_and_reserved() {
        assert_eq!(camel_ident("refresh token"), "RefreshToken");
        assert_eq!(camel_ident("01JSRF"), "Zero1jsrf");
        assert_eq!(camel_ident("2FA required"), "TwoFaRequired");
        assert_eq!(camel_ident("self"), "Self_");
        assert_eq!(camel_ident("r#match"), "Match");
    }
}
