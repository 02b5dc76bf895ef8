//! just-the-docs pages with kramdown tables (Pitchpoint's API reference) -> IR.
//!
//! The page is parsed with pulldown-cmark (tables enabled) into [`Block`]s: headings,
//! paragraphs, tables and fenced code, each with its page line. The method and URL are only in
//! the curl example (read by [`super::curl`]); its `-d` body is the request example. Tables are
//! found by the heading above them: "Header Properties", "Request Data Properties", and under
//! "Responses" the status labels: a paragraph `200` followed by a `{: .label ...}` line opens a
//! section, and the table after several labels applies to each of them (Pitchpoint's `400`
//! and `403` share one table and one example). The ```` ```json ```` block after a section's
//! table is that section's example.
//!
//! Columns are found by their header names. A `Default` column becomes the field's default,
//! typed by its `Type` cell. A `Required` column (yes/no/true/false) decides optionality where
//! the table has one; where it has none, request fields are required (a request documents what
//! the caller sends) and response fields optional (an answer may leave any of them out, and a
//! client that fails on a missing field it does not need is worse than one that reports `None`).
//!
//! One reader beside the others: it imports no other format's reader, and what it shares with
//! them comes from the page parts listed in [`super`].

use super::curl::{self, Curl};
use super::endpoint;
use super::json_example::{self, JsonExample};
use super::markdown::{self, Block, Fence};
use super::page::{self, Page};
use super::shape::{self, FieldColumns, FieldShape, Shape, ShapeType, TypeNames};
use super::table::{self, Row, Table};
use super::Document;
use crate::builder::ApiBuilder;
use crate::diagnostic::Diagnostic;
use crate::ir::{Operation, Parameter, RequestBody, Response, Source, Status, TypeRef};
use crate::naming;

/// A paragraph that is a kramdown label: a line of text and a `{: .label ...}` line.
fn label_text(paragraph: &str) -> Option<&str> {
    let mut lines = paragraph.lines();
    let text = lines.next()?.trim();
    lines.any(|l| l.trim_start().starts_with("{:") && l.contains(".label")).then_some(text)
}

/// A status label: `200`, `4XX` or `default` as a label.
fn status_label(paragraph: &str) -> Option<Status> {
    let text = label_text(paragraph)?;
    if text.eq_ignore_ascii_case("default") {
        return Some(Status::Default);
    }
    if text.len() == 3 && text.chars().all(|c| c.is_ascii_digit()) {
        return text.parse::<u16>().ok().filter(|c| (100..600).contains(c)).map(Status::Code);
    }
    let class = text.strip_suffix("XX").or_else(|| text.strip_suffix("xx"))?;
    class.parse::<u16>().ok().filter(|c| (1..6).contains(c)).map(Status::Range)
}

/// The statuses a label group documents, with the table and examples that follow them.
#[derive(Debug, Default)]
struct Section<'a> {
    statuses: Vec<(Status, u32)>,
    table: Option<&'a Table>,
    examples: Vec<&'a Fence>,
}

/// Where in the page a block sits, by the last heading above it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Zone {
    /// Under the page's own heading, before any table or code.
    Intro,
    Headers,
    Request,
    Responses,
    Other,
}

/// A table of the request under a deeper heading that names a field path
/// (`##### Attachments.Attachment`): the fields of the object at that path.
#[derive(Debug)]
struct Part<'a> {
    path: Vec<String>,
    line: u32,
    table: &'a Table,
}

/// What the page says, found by headings and labels.
#[derive(Debug, Default)]
struct Layout<'a> {
    title: Option<(&'a str, u32)>,
    description: Vec<String>,
    curl: Option<&'a Fence>,
    header_table: Option<&'a Table>,
    request_table: Option<&'a Table>,
    request_parts: Vec<Part<'a>>,
    sections: Vec<Section<'a>>,
}

/// The zone a heading opens by its words, if it names one.
fn named_zone(heading: &str) -> Option<Zone> {
    let lower = heading.to_ascii_lowercase();
    if lower.contains("header") {
        Some(Zone::Headers)
    } else if lower.contains("request") {
        Some(Zone::Request)
    } else if lower.contains("response") {
        Some(Zone::Responses)
    } else {
        None
    }
}

/// A heading that is a field path, `Terms.Term.Person`: names joined by dots, no spaces.
fn field_path(heading: &str) -> Option<Vec<String>> {
    let segments: Vec<String> = heading.split('.').map(str::to_owned).collect();
    let is_name = |s: &String| !s.is_empty() && s.chars().all(|c| c.is_alphanumeric() || c == '_' || c == '-');
    segments.iter().all(is_name).then_some(segments)
}

/// A paragraph without its kramdown attribute-list lines (`{: .before_starting }`): markup,
/// not text.
fn without_attribute_lists(paragraph: &str) -> String {
    let is_list = |line: &&str| line.trim_start().starts_with("{:") && line.trim_end().ends_with('}');
    paragraph.lines().filter(|l| !is_list(l)).collect::<Vec<_>>().join("\n")
}

fn layout<'a>(blocks: &'a [Block], page: &Page<'_>, api: &mut ApiBuilder) -> Layout<'a> {
    let mut found = Layout::default();
    let mut zone = Zone::Other;
    let mut zone_level = 0;
    // The field path of the request heading above, if it names one.
    let mut part: Option<(Vec<String>, u32)> = None;
    for block in blocks {
        match block {
            Block::Heading { text, line, level } => {
                part = None;
                match named_zone(text) {
                    Some(named) => {
                        zone = named;
                        zone_level = *level;
                    }
                    None if zone == Zone::Request && *level > zone_level && field_path(text).is_some() => {
                        part = field_path(text).map(|path| (path, *line));
                    }
                    None if found.title.is_none() => {
                        found.title = Some((text.as_str(), *line));
                        zone = Zone::Intro;
                    }
                    None => zone = Zone::Other,
                }
            }
            Block::Paragraph { text, line } => match zone {
                Zone::Responses => {
                    if let Some(status) = status_label(text) {
                        match found.sections.last_mut() {
                            Some(open) if open.table.is_none() && open.examples.is_empty() => open.statuses.push((status, *line)),
                            _ => found.sections.push(Section { statuses: vec![(status, *line)], ..Section::default() }),
                        }
                    }
                }
                Zone::Intro if label_text(text).is_none() => found.description.push(without_attribute_lists(text)),
                _ => {}
            },
            Block::Table(table) => {
                if zone == Zone::Intro {
                    zone = Zone::Other;
                }
                match zone {
                    Zone::Headers => {
                        found.header_table.get_or_insert(table);
                    }
                    Zone::Request => match &part {
                        Some((path, line)) => found.request_parts.push(Part { path: path.clone(), line: *line, table }),
                        None => {
                            found.request_table.get_or_insert(table);
                        }
                    },
                    Zone::Responses => match found.sections.last_mut() {
                        Some(open) if open.table.is_none() && open.examples.is_empty() => open.table = Some(table),
                        Some(_) => api.warn(page.source(table.line), "a second table after the same status labels is ignored"),
                        None => api.warn(page.source(table.line), "a table under the responses heading before any status label is ignored"),
                    },
                    _ => {}
                }
            }
            Block::Fence(fence) => {
                if zone == Zone::Intro {
                    zone = Zone::Other;
                }
                if found.curl.is_none() && curl::is_curl(&fence.content) {
                    found.curl = Some(fence);
                } else if zone == Zone::Responses && fence.language() == "json" {
                    match found.sections.last_mut() {
                        Some(open) => open.examples.push(fence),
                        None => api.warn(page.source(fence.fence_line), "an example under the responses heading before any status label is ignored"),
                    }
                }
            }
        }
    }
    found
}

/// Reads a kramdown-tables page into `api`: one operation.
pub fn read(document: &Document, api: &mut ApiBuilder) -> Result<(), Vec<Diagnostic>> {
    let text = &document.text;
    let (body, body_line, front) = match page::front_matter(text) {
        Some(front) => {
            let yaml = serde_yaml::from_str::<serde_yaml::Value>(front.yaml).ok();
            let key = |key: &str| yaml.as_ref().and_then(|v| v.get(key)).and_then(serde_yaml::Value::as_str).map(|s| s.trim().to_owned());
            (front.body, front.body_line, FrontTitles { title: key("title"), parent: key("parent") })
        }
        None => {
            let (own, line) = page::own_text(text);
            (own, line, FrontTitles::default())
        }
    };
    let page = Page::new(document);
    let blocks = markdown::blocks(body, body_line);
    let layout = layout(&blocks, &page, api);

    let Some(fence) = layout.curl else {
        let line = layout.title.map_or(body_line, |(_, line)| line);
        return Err(vec![page
            .error(line, "the page has no curl example; a kramdown page gives its method and URL only there")
            .with_hint("add a ```shell block with the `curl -X METHOD URL ...` call")]);
    };
    let curl = curl::parse(&fence.content).map_err(|message| vec![page.error(fence.content_line, format!("the curl example cannot be read: {message}"))])?;
    let curl_source = page.source(fence.content_line);

    let title = front.operation_title(layout.title.map(|(text, _)| text));
    let preferred = match title.as_deref().filter(|t| t.chars().any(|c| c.is_ascii_alphanumeric())) {
        Some(title) => naming::snake_ident(title),
        None => naming::snake_ident(curl.url.path.rsplit('/').next().unwrap_or_default()),
    };
    let name = preferred;
    let names = TypeNames::new(&name, shape::resource_word(&curl.url.path).as_deref());

    api.add_server(endpoint::server(&curl.url, curl_source.clone()));
    if let Some(query) = &curl.url.query {
        api.warn(curl_source.clone(), format!("the query string `?{query}` of the curl example is not read as parameters"));
    }

    let mut errors = Vec::new();
    let (mut parameters, content_type) = match headers(&page, layout.header_table, &curl, &curl_source) {
        Ok(found) => found,
        Err(e) => {
            errors.push(e);
            (Vec::new(), "application/json".to_owned())
        }
    };
    parameters.extend(endpoint::path_parameters(&curl.url.path, &curl_source));

    let request_body = match request_body(&page, api, (layout.request_table, &layout.request_parts), &curl, fence, &names, content_type) {
        Ok(body) => body,
        Err(e) => {
            errors.push(e);
            None
        }
    };
    let single_success = layout.sections.iter().flat_map(|s| &s.statuses).filter(|(s, _)| s.is_success()).count() == 1;
    let mut responses = Vec::new();
    for section in &layout.sections {
        match section_responses(&page, api, section, &names, single_success) {
            Ok(mut found) => responses.append(&mut found),
            Err(e) => errors.push(e),
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let description = layout.description.join("\n\n");
    api.operations.push(Operation {
        name,
        method: curl.method,
        path: curl.url.path.clone(),
        summary: title,
        description: (!description.trim().is_empty()).then_some(description),
        parameters,
        request_body,
        responses,
        security: Vec::new(),
        error_enum: String::new(),
        success_enum: String::new(),
        call: String::new(),
        source: curl_source,
    });
    Ok(())
}

/// The `title` and `parent` of a page's front matter, trimmed.
#[derive(Debug, Default)]
struct FrontTitles {
    title: Option<String>,
    parent: Option<String>,
}

impl FrontTitles {
    /// The operation's title: the page's first heading, unless that heading only repeats the
    /// page's `parent` (the navigation section it sits in, such as `Order` above every order
    /// page); then, as without a heading, the front matter's `title`.
    fn operation_title(&self, heading: Option<&str>) -> Option<String> {
        let repeats_parent = |h: &&str| self.parent.as_deref().is_some_and(|p| p.eq_ignore_ascii_case(h.trim())) && self.title.is_some();
        heading.filter(|h| !repeats_parent(h)).map(str::to_owned).or_else(|| self.title.clone())
    }
}

const NAME_COLUMN: &[&str] = &["property", "name", "field", "parameter", "header"];
const REQUIRED_COLUMN: &[&str] = &["required", "mandatory"];

/// Header parameters from the header table and the curl example; the `Content-Type` they give
/// is the request body's, not a parameter.
fn headers(page: &Page<'_>, table: Option<&Table>, curl: &Curl, curl_source: &Source) -> Result<(Vec<Parameter>, String), Diagnostic> {
    let mut parameters = Vec::new();
    let mut content_type = curl.header("content-type").map(str::to_owned);
    if let Some(table) = table {
        let name_column = table.column(NAME_COLUMN).ok_or_else(|| page.error(table.line, "the header table has no `Property` column"))?;
        let value_column = table.column(&["value"]);
        let required_column = table.column(REQUIRED_COLUMN);
        let description_column = table.column(&["description"]);
        for row in &table.rows {
            let name = row.cell(Some(name_column));
            let value = row.cell(value_column);
            if name.eq_ignore_ascii_case("content-type") {
                if !value.is_empty() {
                    content_type = Some(value.to_owned());
                }
                continue;
            }
            if name.is_empty() || name.eq_ignore_ascii_case("accept") {
                continue;
            }
            let description = Some(row.cell(description_column)).filter(|d| !d.is_empty()).map(str::to_owned).or_else(|| (!value.is_empty()).then(|| format!("Value: `{value}`.")));
            parameters.push(endpoint::header_parameter(name, table::required_word(row.cell(required_column)).unwrap_or(true), description, page.source(row.line)));
        }
    }
    for (name, value) in &curl.headers {
        let known = name.eq_ignore_ascii_case("content-type") || name.eq_ignore_ascii_case("accept") || parameters.iter().any(|p: &Parameter| p.name.eq_ignore_ascii_case(name));
        if !known {
            parameters.push(endpoint::sent_header(name, value, curl_source.clone()));
        }
    }
    Ok((parameters, content_type.unwrap_or_else(|| "application/json".to_owned())))
}

/// A row that opens a section of a table instead of naming a field: no name, and a description
/// `Messages.Message -- A list of messages`. Its field path and its description.
fn section_row(row: &Row, name_column: usize, description_column: Option<usize>) -> Option<(Vec<String>, String)> {
    if !row.cell(Some(name_column)).is_empty() {
        return None;
    }
    let (path, description) = row.cell(description_column).split_once(" -- ")?;
    Some((field_path(path.trim())?, description.trim().to_owned()))
}

/// A table of fields as a shape: one field per row, named by the `Property` column. Rows after
/// a section row (see [`section_row`]) document the object at its path; where it ends and
/// whether it is an object or a list the table does not say, so the section's first field is
/// any JSON value, with its documented members in its description, and a warning.
fn table_shape(page: &Page<'_>, api: &mut ApiBuilder, table: &Table, candidates: Vec<String>, required_by_default: bool) -> Result<Shape, Diagnostic> {
    let name_column = table
        .column(NAME_COLUMN)
        .ok_or_else(|| page.error(table.line, format!("the table has no `Property` or `Name` column (its columns: {})", table.header.join(", "))))?;
    let description_column = table.column(&["description"]);
    let own_rows = table.rows.iter().take_while(|row| section_row(row, name_column, description_column).is_none()).count();
    let (own, sectioned) = table.rows.split_at(own_rows.min(table.rows.len()));
    let mut shape = fields_shape(page, api, &Table { rows: own.to_vec(), ..table.clone() }, name_column, candidates, required_by_default)?;
    let mut sections: Vec<(Vec<String>, String, u32, Vec<String>)> = Vec::new();
    for row in sectioned {
        match (section_row(row, name_column, description_column), sections.last_mut()) {
            (Some((path, description)), _) => sections.push((path, description, row.line, Vec::new())),
            (None, Some(open)) if !row.cell(Some(name_column)).is_empty() => open.3.push(format!("`{}`", row.cell(Some(name_column)))),
            _ => {}
        }
    }
    for (path, description, line, members) in sections {
        section_field(api, &mut shape, &path, &description, page.source(line), &members);
    }
    Ok(shape)
}

/// The field a table section documents (see [`table_shape`]): any JSON value, described.
fn section_field(api: &mut ApiBuilder, shape: &mut Shape, path: &[String], description: &str, source: Source, members: &[String]) {
    let Some(first) = path.first() else { return };
    let joined = path.join(".");
    let text = format!("`{joined}`: {description} Documented members: {}.", members.join(", "));
    api.warn(
        source.clone(),
        format!("the rows after `{joined}` document an object the table does not delimit or say is one object or a list; `{first}` is any JSON value, its members described"),
    );
    match shape.fields.iter_mut().find(|f| &f.wire_name == first) {
        Some(field) => {
            let own = field.description.take().map(|d| format!("{d}\n\n")).unwrap_or_default();
            field.description = Some(format!("{own}{text}"));
        }
        None => {
            let mut field = FieldShape::new(first, ShapeType::Plain(TypeRef::Any), source);
            field.description = Some(text);
            shape.fields.push(field);
        }
    }
}

/// The rows of a table without sections as a shape.
fn fields_shape(page: &Page<'_>, api: &mut ApiBuilder, table: &Table, name_column: usize, candidates: Vec<String>, required_by_default: bool) -> Result<Shape, Diagnostic> {
    let type_column = table.column(&["type", "data type"]);
    let default_column = table.column(&["default"]);
    let columns = FieldColumns { name: name_column, description: table.column(&["description"]), required: table.column(REQUIRED_COLUMN), required_by_default };
    Shape::from_table(api, page, table, columns, candidates, |api, row, name, source| {
        let word = row.cell(type_column);
        let ty = shape::json_type_word(word).unwrap_or_else(|| {
            let said = if word.is_empty() { "no type".to_owned() } else { format!("type `{word}`") };
            api.warn(source.clone(), format!("`{name}` has {said} this generator knows; it is any JSON value unless an example says more"));
            TypeRef::Any
        });
        let mut field = FieldShape::new(name, ShapeType::Plain(ty.clone()), source);
        field.default = table::default_value(row.cell(default_column), &ty);
        Ok(field)
    })
}

fn request_body(
    page: &Page<'_>,
    api: &mut ApiBuilder,
    (table, parts): (Option<&Table>, &[Part<'_>]),
    curl: &Curl,
    fence: &Fence,
    names: &TypeNames,
    content_type: String,
) -> Result<Option<RequestBody>, Diagnostic> {
    let example = curl.body.as_deref().and_then(|body| {
        let line = fence.content_line + curl.body_line.unwrap_or(1) - 1;
        json_example::read_example(api, page.file(), body, line, "request")
    });
    let shape = match (table, &example) {
        (Some(table), _) => Some(table_shape(page, api, table, names.body("Request"), true)?),
        (None, Some(example)) => example.value.as_object().map(|object| Shape::from_example(example, object, "", names.body("Request"), &[], names)),
        (None, None) => None,
    };
    let Some(mut shape) = shape else { return Ok(None) };
    if let Some(example) = &example {
        shape.refine_from_example(example, "", &[], names);
    }
    for part in parts {
        apply_part(page, api, &mut shape, part, names)?;
    }
    let example = example.and_then(|e| shape::fitting(api, &mut shape, e, "request example", "documented table"));
    Ok(Some(endpoint::json_request_body(api, content_type, &shape, example)))
}

/// Applies a table under a field-path heading to the object at that path (see
/// [`Shape::object_at`]). A table without a `Property` column whose first column names a member
/// of that object (`Key` of a key/value list) lists that member's values: they go into its
/// description.
fn apply_part(page: &Page<'_>, api: &mut ApiBuilder, shape: &mut Shape, part: &Part<'_>, names: &TypeNames) -> Result<(), Diagnostic> {
    let source = page.source(part.line);
    let heading = part.path.join(".");
    if part.table.column(NAME_COLUMN).is_none() {
        keyed_values(page, api, shape, part, names);
        return Ok(());
    }
    let declared = table_shape(page, api, part.table, names.nested(&part.path), true)?;
    let rows: Vec<String> = declared.fields.iter().map(|f| f.wire_name.clone()).collect();
    match shape.object_at(&part.path, &rows, names, true, &source) {
        Some(object) => object.merge_declared(declared, api),
        None => api.warn(source, format!("`{heading}` is not an object; the table under it is ignored")),
    }
    Ok(())
}

/// A table keyed by a member of the object at its path: each row a value of that member.
fn keyed_values(page: &Page<'_>, api: &mut ApiBuilder, shape: &mut Shape, part: &Part<'_>, names: &TypeNames) {
    let source = page.source(part.line);
    let member = part.table.header.first().cloned().unwrap_or_default();
    let before = shape.clone();
    let values: Vec<String> = part
        .table
        .rows
        .iter()
        .filter(|row| !row.cell(Some(0)).is_empty())
        .map(|row| format!("`{}`: {}", row.cell(Some(0)), row.cell(part.table.column(&["description"]))))
        .collect();
    let field = shape
        .object_at(&part.path, std::slice::from_ref(&member), names, true, &source)
        .and_then(|object| object.fields.iter_mut().find(|f| f.wire_name.eq_ignore_ascii_case(&member)));
    match field {
        Some(field) => {
            let listed = format!("Documented values: {}.", values.join("; "));
            field.description = Some(match field.description.take() {
                Some(own) => format!("{own}\n\n{listed}"),
                None => listed,
            });
        }
        None => {
            *shape = before;
            let columns = part.table.header.join(", ");
            api.warn(source, format!("the table under `{}` has no `Property` column (its columns: {columns}) and its first column names no member there; it is ignored", part.path.join(".")));
        }
    }
}

/// The responses of one label section: one per status, all with the section's body type.
fn section_responses(page: &Page<'_>, api: &mut ApiBuilder, section: &Section<'_>, names: &TypeNames, single_success: bool) -> Result<Vec<Response>, Diagnostic> {
    let Some(&(first, _)) = section.statuses.first() else { return Ok(Vec::new()) };
    let candidates = if first.is_success() && single_success {
        names.body("Response")
    } else if section.statuses.len() > 1 && section.statuses.iter().all(|(s, _)| !s.is_success()) {
        names.body("ErrorBody")
    } else {
        names.body(&first.reason_phrase())
    };
    let what = section.statuses.iter().map(|(s, _)| s.to_string()).collect::<Vec<_>>().join("/");
    let parsed: Vec<JsonExample> = section
        .examples
        .iter()
        .filter_map(|fence| json_example::read_example(api, page.file(), &fence.content, fence.content_line, &what))
        .collect();
    let shape = match (section.table, parsed.first()) {
        (Some(table), _) => Some(table_shape(page, api, table, candidates, false)?),
        (None, Some(example)) => example.value.as_object().map(|object| Shape::from_example(example, object, "", candidates, &[], names)),
        (None, None) => None,
    };
    let (body, examples) = match shape {
        Some(mut shape) => {
            let subject = format!("{what} example");
            let fitting: Vec<JsonExample> = parsed.into_iter().filter_map(|e| shape::fitting(api, &mut shape, e, &subject, "documented table")).collect();
            (Some(shape::define(api, &shape)), fitting)
        }
        None => (None, Vec::new()),
    };
    if first.is_success() && api.envelope.is_none() {
        api.envelope = examples.iter().find_map(|e| shape::envelope_of(&e.value, e.source("")));
    }
    Ok(section
        .statuses
        .iter()
        .map(|&(status, line)| Response {
            status,
            variant: status.reason_phrase(),
            description: None,
            content_type: body.as_ref().map(|_| "application/json".to_owned()),
            body: body.clone(),
            examples: examples.iter().map(JsonExample::to_example).collect(),
            decoding: None,
            source: page.source(line),
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ir::{Method, TypeKind};

    const PAGE: &str = "---
title: Refresh
layout: default
---
Stable
{: .label .label-green }

## Refresh Id Token

Refresh your access token.

```shell
curl -X POST https://api.example.com/oauth2/002/refreshIdToken \\
-H \"Content-Type: application/json\" \\
-d '{
  \"refresh_token\": \"abc\"
}'
```

#### Header Properties

| Property | Value            | Required? |
|----------|------------------|-----------|
| Content-Type | application/json | true      |

#### Request Data Properties

| Property | Description | Type | Default |
|----------|-------------|------|---------|
| refresh_token | The refresh token | string | |

### Responses

200
{: .label .label-green }

| Property      | Description   | Type   | Default |
|---------------|---------------|--------|---------|
| token_type    | The type      | string | Bearer  |
| expires_in    | Seconds       | number | 3600    |

Example:
```json
{
  \"token_type\": \"Bearer\",
  \"expires_in\": 3600
}
```

400
{: .label .label-red }

403
{: .label .label-red }

| Property | Description | Type | Default |
|----------|-------------|------|---------|
| error    | Error code  | string | |

Example:
```json
{\"error\": \"access_denied\"}
```
";

    fn read_page(text: &str) -> Result<crate::ir::Api, Vec<Diagnostic>> {
        crate::frontend::page::read_for_test(read, "pitchpoint", "specs/p/r.md", text)
    }

    #[test]
    fn finds_headings_labels_tables_and_fences_in_order() {
        let found = markdown::blocks("# T\n\n200\n{: .label }\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n```json\n{}\n```\n", 5);
        assert!(matches!(&found[0], Block::Heading { level: 1, line: 5, .. }));
        assert!(matches!(&found[1], Block::Paragraph { text, line: 7 } if status_label(text) == Some(Status::Code(200))));
        let Block::Table(table) = &found[2] else { panic!("no table: {found:?}") };
        assert_eq!((table.header.clone(), table.rows[0].cells.clone(), table.rows[0].line), (vec!["a".into(), "b".into()], vec!["1".into(), "2".into()], 12));
        assert!(matches!(&found[3], Block::Fence(f) if f.content_line == 15));
        assert_eq!(status_label("Stable\n{: .label .label-green }"), None);
        assert_eq!(status_label("200"), None, "a bare number is no label");
    }

    #[test]
    fn labels_without_a_table_share_the_next_one() {
        let api = read_page(PAGE).unwrap_or_else(|e| panic!("{e:?}"));
        let op = &api.operations[0];
        assert_eq!((op.name.as_str(), op.method, op.path.as_str()), ("refresh_id_token", Method::Post, "/oauth2/002/refreshIdToken"));
        assert_eq!(api.servers[0].url, "https://api.example.com");
        assert_eq!(op.description.as_deref(), Some("Refresh your access token."));
        assert!(op.parameters.is_empty(), "Content-Type is the body's, not a parameter");
        let statuses: Vec<String> = op.responses.iter().map(|r| r.status.to_string()).collect();
        assert_eq!(statuses, ["200", "400", "403"]);
        assert_eq!(op.responses[1].body, op.responses[2].body, "400 and 403 share one table");
        assert_eq!(op.responses[1].body, Some(TypeRef::Named("RefreshIdTokenErrorBody".into())));
        assert_eq!(op.responses[2].examples, op.responses[1].examples, "and one example");
        assert_eq!(op.responses[2].examples.len(), 1);
        assert_eq!((op.responses[1].source.line, op.responses[2].source.line), (50, 53));
        assert_eq!(op.responses[0].examples[0].source.line, 44);
        assert_eq!(op.request_body.as_ref().map(|b| b.examples[0].source.line), Some(15));

        let response = api.type_def("RefreshIdTokenResponse").unwrap_or_else(|| panic!("{:?}", api.types));
        let TypeKind::Struct { fields, .. } = &response.kind else { panic!("not a struct") };
        assert_eq!(fields[0].default, Some(serde_json::json!("Bearer")));
        assert_eq!(fields[1].default, Some(serde_json::json!(3600)));
        assert_eq!(fields[1].ty, TypeRef::Number);
        assert!(!fields[0].required, "response tables without a Required column are optional");
        assert_eq!(fields[1].source.line, 40);
        let request = api.type_def("RefreshIdTokenRequest").unwrap_or_else(|| panic!("{:?}", api.types));
        let TypeKind::Struct { fields, .. } = &request.kind else { panic!("not a struct") };
        assert!(fields[0].required, "request tables without a Required column are required");
        assert!(api.warnings.is_empty(), "{:?}", api.warnings);
    }

    #[test]
    fn a_required_column_decides() {
        let page = PAGE.replace(
            "| Property | Description | Type | Default |\n|----------|-------------|------|---------|\n| refresh_token | The refresh token | string | |",
            "| Property | Description | Type | Required |\n|---|---|---|---|\n| refresh_token | The refresh token | string | yes |\n| alias | An alias | string | no |",
        );
        let api = read_page(&page).unwrap_or_else(|e| panic!("{e:?}"));
        let request = api.type_def("RefreshIdTokenRequest").unwrap_or_else(|| panic!("{:?}", api.types));
        let TypeKind::Struct { fields, .. } = &request.kind else { panic!("not a struct") };
        assert_eq!(fields.iter().map(|f| f.required).collect::<Vec<_>>(), [true, false]);
    }

    #[test]
    fn a_page_without_curl_is_an_error_at_its_heading() {
        let page = PAGE.replace("curl -X POST", "wget -X POST");
        let errors = read_page(&page).err().unwrap_or_default();
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].line, 8);
    }

    const SCRIPT_PAGE: &str = "---
title: Place Order
parent: Order
---
## Order

```bash
url=\"https://api.example.com/v1/orders\"
data='{
  \"Id\": \"a\",
  \"Items\": {\"Item\": [{\"Sku\": \"x\"}]}
}

'
curl -X POST \"${url}\"
-H \"Authorization: Bearer token\"
-d \"${data}\"
```

#### Request Data Properties

| Property | Description | Type |
|---|---|---|
| Id | (mandatory) The id | string |
| Items | (mandatory) See below | object |

##### Items.Item

| Property | Description | Type |
|---|---|---|
| Sku | (mandatory) The SKU | string |
| Note | (optional) A note | string |

### Responses

200
{: .label .label-green }

| Property | Description | Type |
|---|---|---|
| Ref | The reference | string |

```json
{\"Ref\": \"r\", \"(more)\": ...,}
```
";

    #[test]
    fn a_script_with_variables_and_lines_without_continuations() {
        let api = read_page(SCRIPT_PAGE).unwrap_or_else(|e| panic!("{e:?}"));
        let op = &api.operations[0];
        assert_eq!((op.name.as_str(), op.method, op.path.as_str()), ("place_order", Method::Post, "/v1/orders"), "a heading repeating the parent yields to the title");
        assert_eq!(op.parameters.iter().map(|p| p.name.as_str()).collect::<Vec<_>>(), ["Authorization"]);
        let body = op.request_body.as_ref().unwrap_or_else(|| panic!("no body"));
        assert_eq!(body.examples[0].source.line, 9, "the body's line is its assignment's");
        let item = api.type_def("PlaceOrderItemsItemItem").or_else(|| api.types.iter().find(|t| t.name.ends_with("ItemItem"))).unwrap_or_else(|| panic!("{:?}", api.types));
        let TypeKind::Struct { fields, .. } = &item.kind else { panic!("not a struct") };
        let flags: Vec<(&str, bool)> = fields.iter().map(|f| (f.wire_name.as_str(), f.required)).collect();
        assert_eq!(flags, [("Sku", true), ("Note", false)], "the field-path table types the example's list items");
        assert_eq!(api.warnings.len(), 1, "{:?}", api.warnings);
        assert!(api.warnings[0].message.contains("200 example is not valid JSON"), "{}", api.warnings[0].message);
        assert_eq!(api.warnings[0].source.line, 44);
        assert_eq!(op.responses.len(), 1, "an invalid example is a warning, not a refusal");
    }

    #[test]
    fn section_rows_and_key_tables() {
        let page = SCRIPT_PAGE
            .replace("| Ref | The reference | string |", "| Ref | The reference | string |\n| | Status -- The status | |\n| Code | The code | string |")
            .replace("| Property | Description | Type |\n|---|---|---|\n| Sku", "| Sku | Description | Type |\n|---|---|---|\n| A1");
        let api = read_page(&page).unwrap_or_else(|e| panic!("{e:?}"));
        let response = api.type_def("PlaceOrderResponse").unwrap_or_else(|| panic!("{:?}", api.types));
        let TypeKind::Struct { fields, .. } = &response.kind else { panic!("not a struct") };
        assert_eq!((fields[1].wire_name.as_str(), &fields[1].ty), ("Status", &TypeRef::Any));
        assert!(fields[1].description.as_deref().is_some_and(|d| d.contains("`Code`")));
        let item = api.types.iter().find(|t| t.name.ends_with("ItemItem")).unwrap_or_else(|| panic!("{:?}", api.types));
        let TypeKind::Struct { fields, .. } = &item.kind else { panic!("not a struct") };
        assert!(fields[0].description.as_deref().is_some_and(|d| d.contains("`A1`: (mandatory) The SKU")), "{:?}", fields[0].description);
    }
}
