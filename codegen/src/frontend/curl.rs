//! Request examples -> method, URL, headers, body: curl commands and the URLs they call.
//!
//! Pages without a machine-readable endpoint line (Pitchpoint's kramdown pages, Smartling's
//! front matter, which lacks the host) show a curl example instead. The example is read as a
//! shell script by [`super::shell`] (quotes, continuations, variables holding the URL or the
//! body, a line that lost its `\`), and its first curl command is read the way curl reads its
//! arguments. Only what the generator needs is kept; options that do not change the request
//! are skipped. Nothing here reads page syntax or touches the IR's types.

use super::shell::{self, Word};
use crate::ir::{path_parts, Method, PathPart};

/// What a curl command sends.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Curl {
    pub method: Method,
    pub url: Url,
    /// `(name, value)` of each `-H 'Name: value'`, in order.
    pub headers: Vec<(String, String)>,
    /// The `-d`/`--data*`/`--json` body, joined with `&` when given several times (as curl does).
    pub body: Option<String>,
    /// The 1-based line of the example where the body's text starts (the line of the
    /// variable's value when the body is a variable).
    pub body_line: Option<u32>,
}

impl Curl {
    /// The value of the first header called `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }
}

/// A URL split into what a server and an operation need. Hosts may be templates
/// (`{apigw-address}`), so this is a split, not a validating parser.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Url {
    pub scheme: String,
    /// The host with its port, e.g. `api.smartling.com` or `{apigw-address}`.
    pub host: String,
    /// The path, `/` when the URL has none.
    pub path: String,
    pub query: Option<String>,
}

impl Url {
    /// Splits `text`; `None` when it has no `scheme://host`.
    pub fn parse(text: &str) -> Option<Url> {
        let (scheme, rest) = text.trim().split_once("://")?;
        if scheme.is_empty() || !scheme.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.')) {
            return None;
        }
        let rest = rest.split('#').next().unwrap_or_default();
        let (before_query, query) = match rest.split_once('?') {
            Some((before, query)) => (before, Some(query.to_owned())),
            None => (rest, None),
        };
        let (host, path) = match before_query.find('/') {
            Some(slash) => (&before_query[..slash], &before_query[slash..]),
            None => (before_query, "/"),
        };
        if host.is_empty() {
            return None;
        }
        Some(Url { scheme: scheme.to_ascii_lowercase(), host: host.to_owned(), path: path_template(path), query })
    }

    /// `scheme://host`: the server URL.
    pub fn origin(&self) -> String {
        format!("{}://{}", self.scheme, self.host)
    }

    /// The `{name}` placeholders of the host: the server's variables.
    pub fn host_variables(&self) -> Vec<String> {
        placeholders(&self.host)
    }
}

/// A path template in OpenAPI's `{name}` form, from the forms vendor pages also write:
/// `{{name}}` (templating languages) and a whole `:name` segment (Express-style routes).
/// A colon inside a segment (`/{name}:cancel`) is literal text and stays.
pub(crate) fn path_template(path: &str) -> String {
    let mut braces = String::with_capacity(path.len());
    let mut rest = path;
    while let Some((before, after)) = rest.split_once("{{") {
        let Some((name, tail)) = after.split_once("}}") else { break };
        braces.push_str(before);
        braces.push('{');
        braces.push_str(name.trim());
        braces.push('}');
        rest = tail;
    }
    braces.push_str(rest);
    let is_name = |name: &str| {
        let mut chars = name.chars();
        chars.next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_') && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
    };
    braces
        .split('/')
        .map(|segment| match segment.strip_prefix(':') {
            Some(name) if is_name(name) => format!("{{{name}}}"),
            _ => segment.to_owned(),
        })
        .collect::<Vec<_>>()
        .join("/")
}

/// The `{name}` placeholders of a template, in order.
pub(crate) fn placeholders(template: &str) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    for part in path_parts(template) {
        if let PathPart::Placeholder(name) = part {
            if !name.is_empty() && !names.iter().any(|n| n == name) {
                names.push(name.to_owned());
            }
        }
    }
    names
}

/// The words of the first curl command of a script (after a `$ ` prompt, if any), without
/// the program's name; `None` when the script runs no curl.
fn curl_words(script: &str) -> Result<Option<Vec<Word>>, String> {
    let commands = shell::commands(script)?;
    Ok(commands.into_iter().find_map(|command| {
        let mut words = command.words.into_iter().skip_while(|w| w.text == "$");
        words.next().filter(|w| w.text == "curl").map(|_| words.collect())
    }))
}

/// Whether a code block runs a curl command (optionally after a `$ ` prompt).
pub(crate) fn is_curl(script: &str) -> bool {
    curl_words(script).is_ok_and(|words| words.is_some())
}

/// Options that take a value but do not change what the generator reads.
const SKIPPED_WITH_VALUE: &[&str] = &[
    "-u", "--user", "-o", "--output", "-A", "--user-agent", "-e", "--referer", "-b", "--cookie", "-c", "--cookie-jar", "-F", "--form",
    "--connect-timeout", "-m", "--max-time", "-w", "--write-out", "--cacert", "--cert", "--key", "-x", "--proxy", "--retry", "-T",
    "--upload-file", "--resolve", "--data-urlencode",
];

/// Reads the first curl command of a script: `-X`/`--request`, `-H`/`--header`, `-d`/
/// `--data`/`--data-raw`/`--data-binary`/`--json`, `--url` or the first plain argument as the
/// URL. Without `-X`, the method is `POST` when there is a body, else `GET`, as curl does.
pub(crate) fn parse(script: &str) -> Result<Curl, String> {
    let words = curl_words(script)?.ok_or("the example runs no curl command")?;
    let mut words = words.into_iter();
    let mut method: Option<String> = None;
    let mut url: Option<String> = None;
    let mut headers = Vec::new();
    let mut body: Option<String> = None;
    let mut body_line = None;
    let mut json = false;
    while let Some(Word { text: word, line }) = words.next() {
        let (option, attached) = split_option(&word);
        // Where an option's value starts: on the option's own line when attached, else the next word's.
        let value_line = if attached.is_some() { line } else { words.as_slice().first().map_or(line, |w| w.line) };
        let mut value = |what: &str| -> Result<String, String> {
            match &attached {
                Some(value) => Ok(value.clone()),
                None => words.next().map(|w| w.text).ok_or_else(|| format!("`{option}` needs {what}")),
            }
        };
        match option {
            "-X" | "--request" => method = Some(value("a method")?),
            "-H" | "--header" => {
                let header = value("a header")?;
                let (name, text) = header.split_once(':').ok_or_else(|| format!("header `{header}` has no `:`"))?;
                headers.push((name.trim().to_owned(), text.trim().to_owned()));
            }
            "-d" | "--data" | "--data-raw" | "--data-binary" | "--data-ascii" | "--json" => {
                json |= option == "--json";
                let data = value("a body")?;
                body_line = body_line.or(Some(value_line));
                body = Some(match body {
                    Some(earlier) => format!("{earlier}&{data}"),
                    None => data,
                });
            }
            "--url" => url = url.or(Some(value("a URL")?)),
            "-I" | "--head" => method = method.or(Some("HEAD".to_owned())),
            "-G" | "--get" => method = Some("GET".to_owned()),
            skipped if SKIPPED_WITH_VALUE.contains(&skipped) => {
                value("a value")?;
            }
            flag if flag.starts_with('-') && flag.len() > 1 => {}
            _ => url = url.or(Some(word.clone())),
        }
    }
    if json && !headers.iter().any(|(n, _)| n.eq_ignore_ascii_case("content-type")) {
        headers.push(("Content-Type".to_owned(), "application/json".to_owned()));
    }
    let url_text = url.ok_or("the curl command names no URL")?;
    let url = Url::parse(&url_text).ok_or_else(|| format!("`{url_text}` is not a URL with a scheme and a host"))?;
    let method_word = method.unwrap_or_else(|| if body.is_some() { "POST".to_owned() } else { "GET".to_owned() });
    let method = Method::parse(&method_word).ok_or_else(|| format!("`{method_word}` is not an HTTP method"))?;
    Ok(Curl { method, url, headers, body, body_line })
}

/// `-XPOST` -> (`-X`, `POST`); `--header=X: y` -> (`--header`, `X: y`); others unchanged.
fn split_option(word: &str) -> (&str, Option<String>) {
    if let Some(long) = word.strip_prefix("--") {
        return match long.split_once('=') {
            Some((name, value)) => (&word[..name.len() + 2], Some(value.to_owned())),
            None => (word, None),
        };
    }
    let attachable = ["-X", "-H", "-d"];
    match attachable.iter().find(|o| word.len() > 2 && word.starts_with(*o)) {
        Some(option) => (option, Some(word[2..].to_owned())),
        None => (word, None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_templates_of_every_vendor_form_become_placeholders() {
        assert_eq!(path_template("/files-api/v2/projects/{{projectId}}/file"), "/files-api/v2/projects/{projectId}/file");
        assert_eq!(path_template("/a/{{ id }}/b/{{x}}"), "/a/{id}/b/{x}");
        assert_eq!(path_template("/users/:user_id/repos/:repo"), "/users/{user_id}/repos/{repo}");
        assert_eq!(path_template("/v1/{name}:cancel"), "/v1/{name}:cancel", "a colon inside a segment is literal");
        assert_eq!(path_template("/time/:/x/:1"), "/time/:/x/:1", "a colon not followed by a name is literal");
        assert_eq!(path_template("/plain/{id}"), "/plain/{id}");
        let url = Url::parse("https://api.smartling.com/files-api/v2/projects/{{projectId}}/file?x=1").unwrap();
        assert_eq!(placeholders(&url.path), ["projectId"]);
    }

    #[test]
    fn tokenizes_continuations_quotes_and_multiline_bodies() {
        let command = "curl -X POST https://api.pointservices.com/oauth2/002/refreshIdToken \\\n-H \"Content-Type: application/json\" \\\n-d '{\n  \"refresh_token\": \"AMf\"\n}'\n";
        let curl = parse(command).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(curl.method, Method::Post);
        assert_eq!(curl.url.origin(), "https://api.pointservices.com");
        assert_eq!(curl.url.path, "/oauth2/002/refreshIdToken");
        assert_eq!(curl.header("content-type"), Some("application/json"));
        assert_eq!(curl.body.as_deref(), Some("{\n  \"refresh_token\": \"AMf\"\n}"));
    }

    #[test]
    fn url_after_the_body_and_method_from_the_body() {
        let curl = parse("curl -H 'Content-Type: application/json' -d '{\"a\": 1}' 'https://api.smartling.com/auth-api/v2/authenticate'")
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(curl.method, Method::Post, "a body without -X means POST");
        assert_eq!(curl.url.path, "/auth-api/v2/authenticate");
        let curl = parse("$ curl -XPUT --url=https://h/x?y=1 -u me:pw").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!((curl.method, curl.url.path.as_str(), curl.url.query.as_deref()), (Method::Put, "/x", Some("y=1")));
    }

    #[test]
    fn bad_commands_are_errors_not_panics() {
        assert!(parse("curl -d '{unclosed").is_err());
        assert!(parse("wget https://x/y").is_err());
        assert!(parse("curl -X").is_err());
        assert!(parse("curl -X FETCH https://h/").is_err());
        assert!(parse("curl /relative").is_err());
        assert!(is_curl("curl https://h/"));
        assert!(!is_curl("POST https://h/"));
    }

    #[test]
    fn urls_with_template_hosts() {
        let url = Url::parse("https://{apigw-address}/apim-token-service/v2.0/token/refresh").unwrap_or_else(|| panic!("not split"));
        assert_eq!(url.origin(), "https://{apigw-address}");
        assert_eq!(url.host_variables(), ["apigw-address"]);
        assert_eq!(url.path, "/apim-token-service/v2.0/token/refresh");
        assert_eq!(Url::parse("https://h").map(|u| u.path), Some("/".to_owned()));
        assert_eq!(placeholders("/a/{id}/b/{x}"), ["id", "x"]);
    }
}
