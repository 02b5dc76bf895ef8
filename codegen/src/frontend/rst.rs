//! Markdown pages with reStructuredText `.. list-table::` directives (EnOS/Envision API
//! docs) -> IR.
//!
//! Headings, paragraphs and code blocks are markdown, read with `markdown::blocks`; the
//! tables are RST list-tables, read here line by line as RST defines them: the directive's
//! `:header-rows:` option, then `* -` rows and `-` cells, continuation lines joined. Columns
//! are found by header name (Name, Mandatory/Optional, Data Type, Description; a one-letter
//! slip such as the vendor's `Descritpion` is tolerated), never by position. Each table
//! belongs to the heading above it:
//! - "Request Format": its ```` ```http ```` block `METHOD https://{host}/path` gives the method,
//!   the server (a `{apigw-address}` host is a required server variable) and the path;
//! - "Request Parameters (Body)": the request body; `(Query)`, `(Header)`, `(Path)`: parameters;
//! - "Response Parameters": the body of the 200 response;
//! - "<Name> Struct": the type that `<Name> Struct` and `Array of <Name> Struct` cells name;
//! - "Request Sample" / "Return Sample": the examples (lines before the JSON, such as a sample
//!   request's method and URL, are skipped).
//!
//! Types: String, Integer (32 bits), Long (64 bits), Boolean, Float/Double/Number, structs and
//! arrays of them. `Mandatory` fields are required; in a table without that column, request
//! fields are required and response fields optional.
//!
//! One reader beside the others: it imports no other format's reader, and what it shares with
//! them comes from the page parts listed in [`super`].

use super::curl::Url;
use super::endpoint;
use super::json_example::{self, JsonExample};
use super::markdown::{self, Block, Fence};
use super::page::{self, Page};
use super::shape::{self, FieldColumns, FieldShape, Shape, ShapeType, TypeNames};
use super::table::{Row, Table};
use super::Document;
use crate::builder::ApiBuilder;
use crate::diagnostic::{to_u32, Diagnostic};
use crate::ir::{Method, Operation, Parameter, ParameterLocation, Response, Source, Status, TypeRef};
use crate::naming;

/// Every `.. list-table::` of `text` (page lines), with its header row split off.
fn list_tables(document: &Document) -> Result<Vec<Table>, Diagnostic> {
    let page = Page::new(document);
    let error = |line: usize, message: String| page.error(to_u32(line), message);
    let lines: Vec<&str> = document.text.lines().collect();
    let mut tables = Vec::new();
    let mut index = 0;
    while let Some(&line) = lines.get(index) {
        let trimmed = line.trim_start();
        index += 1;
        if !trimmed.starts_with(".. list-table::") {
            continue;
        }
        let directive_line = index;
        let indent = line.len() - trimmed.len();
        let mut header_rows: usize = 0;
        let mut rows: Vec<Row> = Vec::new();
        // The column of the `-` that starts a cell in the current row; deeper lines continue it.
        let mut cell_column = usize::MAX;
        while let Some(&line) = lines.get(index) {
            let text = line.trim_start();
            let column = line.len() - text.len();
            if !text.is_empty() && column <= indent {
                break;
            }
            index += 1;
            if text.is_empty() {
                continue;
            }
            if let (Some(option), true) = (text.strip_prefix(':'), rows.is_empty()) {
                if let Some((name, value)) = option.split_once(':') {
                    if name.trim() == "header-rows" {
                        header_rows = value.trim().parse().map_err(|_| error(index, format!("`:header-rows: {}` is not a number", value.trim())))?;
                    }
                }
            } else if let Some(rest) = text.strip_prefix('*').filter(|r| r.is_empty() || r.starts_with(' ')) {
                let first_cell = rest.trim_start();
                cell_column = line.len() - first_cell.len();
                let cell = cell_text(first_cell).ok_or_else(|| error(index, "a list-table row must start with `* -`".to_owned()))?;
                rows.push(Row { cells: vec![cell.to_owned()], line: to_u32(index) });
            } else if let (Some(cell), true) = (cell_text(text), column == cell_column) {
                let row = rows.last_mut().ok_or_else(|| error(index, "a list-table cell before any `* -` row".to_owned()))?;
                row.cells.push(cell.to_owned());
            } else if let Some(cell) = rows.last_mut().and_then(|row| row.cells.last_mut()) {
                if !cell.is_empty() {
                    cell.push(' ');
                }
                cell.push_str(text);
            } else {
                return Err(error(index, format!("unexpected line in a list-table: `{text}`")));
            }
        }
        if header_rows == 0 || rows.len() < header_rows {
            return Err(error(directive_line, "the list-table has no header row".to_owned())
                .with_hint("add `:header-rows: 1`: columns are found by their header names"));
        }
        let mut body = rows.split_off(header_rows);
        let header = rows.swap_remove(0).cells;
        for row in &mut body {
            for cell in &mut row.cells {
                *cell = inline_text(cell);
            }
        }
        tables.push(Table { header, rows: body, line: to_u32(directive_line) });
    }
    Ok(tables)
}

/// The text of a `- cell` item, or `None` when the line does not start a cell.
fn cell_text(item: &str) -> Option<&str> {
    match item.strip_prefix('-') {
        Some(rest) if rest.is_empty() || rest.starts_with(' ') => Some(rest.trim()),
        _ => None,
    }
}

/// RST inline markup as markdown: ``` ``literal`` ``` and `` `text` `` become code,
/// `` `Title <target>`__ `` links become their title.
fn inline_text(cell: &str) -> String {
    let mut out = String::new();
    let mut rest = cell;
    while let Some(start) = rest.find('`') {
        out.push_str(&rest[..start]);
        let after = &rest[start..];
        let (ticks, inner) = if let Some(inner) = after.strip_prefix("``") { ("``", inner) } else { ("`", &after[1..]) };
        let Some(end) = inner.find(ticks) else {
            out.push_str(after);
            return out;
        };
        let content = &inner[..end];
        let tail = &inner[end + ticks.len()..];
        if ticks == "`" && tail.starts_with('_') {
            let title = content.rfind(" <").filter(|_| content.ends_with('>')).map_or(content, |cut| &content[..cut]);
            out.push_str(title.trim());
            rest = tail.trim_start_matches('_');
        } else {
            out.push('`');
            out.push_str(content);
            out.push('`');
            rest = tail;
        }
    }
    out.push_str(rest);
    out
}

/// The page: its markdown blocks and its list-tables, each table under a heading.
struct Outline<'a> {
    page: Page<'a>,
    blocks: Vec<Block>,
    tables: Vec<Table>,
}

impl Outline<'_> {
    fn source(&self, line: u32) -> Source {
        self.page.source(line)
    }

    fn error(&self, line: u32, message: impl Into<String>) -> Diagnostic {
        self.page.error(line, message)
    }

    fn headings(&self) -> impl Iterator<Item = (&str, u32)> {
        self.blocks.iter().filter_map(|b| match b {
            Block::Heading { text, line, .. } => Some((text.as_str(), *line)),
            _ => None,
        })
    }

    /// The heading a page line sits under, with its line.
    fn heading_above(&self, line: u32) -> Option<(&str, u32)> {
        self.headings().take_while(|(_, l)| *l < line).last()
    }

    /// The line of the heading after `line`, or the end of the page.
    fn next_heading_after(&self, line: u32) -> u32 {
        self.headings().map(|(_, l)| l).find(|l| *l > line).unwrap_or(u32::MAX)
    }

    /// Tables under headings that `wanted` accepts, with the heading's text and line.
    fn tables_under(&self, wanted: impl Fn(&str) -> bool) -> Vec<(&Table, &str, u32)> {
        self.tables
            .iter()
            .filter_map(|t| self.heading_above(t.line).filter(|(h, _)| wanted(&h.to_ascii_lowercase())).map(|(h, l)| (t, h, l)))
            .collect()
    }

    /// The first code block under a heading that `wanted` accepts.
    fn fence_under(&self, wanted: impl Fn(&str) -> bool) -> Option<&Fence> {
        let (_, line) = self.headings().find(|(h, _)| wanted(&h.to_ascii_lowercase()))?;
        let end = self.next_heading_after(line);
        self.blocks.iter().find_map(|b| match b {
            Block::Fence(fence) if fence.fence_line > line && fence.fence_line < end => Some(fence),
            _ => None,
        })
    }
}

/// Reads a page with list-tables into `api`: one operation.
pub fn read(document: &Document, api: &mut ApiBuilder) -> Result<(), Vec<Diagnostic>> {
    let (own, first_line) = page::own_text(&document.text);
    let blocks = markdown::blocks(own, first_line);
    let tables = list_tables(document).map_err(|e| vec![e])?;
    let page = Outline { page: Page::new(document), blocks, tables };

    let (method, url, format_line) = request_line(&page)?;
    let title = page
        .blocks
        .iter()
        .find_map(|b| match b {
            Block::Heading { level: 1, text, line } => Some((text.clone(), *line)),
            _ => None,
        })
        .or_else(|| page.headings().next().map(|(t, l)| (t.to_owned(), l)));
    let preferred = match &title {
        Some((text, _)) if text.chars().any(|c| c.is_ascii_alphanumeric()) => naming::snake_ident(text),
        _ => naming::snake_ident(url.path.rsplit('/').next().unwrap_or_default()),
    };
    let name = preferred;
    let names = TypeNames::new(&name, shape::resource_word(&url.path).as_deref());
    let format_source = page.source(format_line);
    api.add_server(endpoint::server(&url, format_source.clone()));

    let mut resolver = Resolver { page: &page, names: &names, visiting: Vec::new() };
    let mut errors = Vec::new();
    let mut parameters = Vec::new();
    let mut request_shape = None;
    let has_body = matches!(method, Method::Post | Method::Put | Method::Patch);
    for (table, heading, _) in page.tables_under(|h| h.starts_with("request parameters")) {
        let location = parameter_location(heading, has_body);
        let shape = match resolver.table_shape(api, table, names.body("Request"), true) {
            Ok(shape) => shape,
            Err(e) => {
                errors.push(e);
                continue;
            }
        };
        match location {
            None => request_shape = Some(shape),
            Some(location) => parameters.extend(shape.fields.into_iter().map(|field| parameter(api, field, location))),
        }
    }
    for placeholder in endpoint::path_parameters(&url.path, &format_source) {
        if !parameters.iter().any(|p: &Parameter| p.location == ParameterLocation::Path && p.name == placeholder.name) {
            parameters.push(placeholder);
        }
    }
    let response_table = page.tables_under(|h| h.starts_with("response parameters") || h == "response").into_iter().next();
    let response_shape = match response_table {
        Some((table, ..)) => match resolver.table_shape(api, table, names.body("Response"), false) {
            Ok(shape) => Some(shape),
            Err(e) => {
                errors.push(e);
                None
            }
        },
        None => None,
    };
    if !errors.is_empty() {
        return Err(errors);
    }

    let request_example = sample(&page, api, |h| h.contains("request sample") || h.contains("request example"), "request");
    let request_body = request_shape.map(|mut shape| {
        let example = request_example.and_then(|e| shape::fitting(api, &mut shape, e, "request sample", "documented tables"));
        endpoint::json_request_body(api, "application/json".to_owned(), &shape, example)
    });

    let status = Status::Code(200);
    let return_example = sample(&page, api, |h| h.contains("return sample") || h.contains("response sample") || h.contains("response example"), "response");
    let mut response = Response::documented(status, response_table.map_or(format_source.clone(), |(_, _, line)| page.source(line)));
    if let Some(mut shape) = response_shape {
        let example = return_example.and_then(|e| shape::fitting(api, &mut shape, e, "response sample", "documented tables"));
        endpoint::json_response_body(api, &mut response, &shape, example);
    }

    let description = title.as_ref().map(|(_, line)| description_after(&page, *line)).unwrap_or_default();
    api.operations.push(Operation {
        name,
        method,
        path: url.path.clone(),
        summary: title.map(|(text, _)| text),
        description: (!description.is_empty()).then_some(description),
        parameters,
        request_body,
        responses: vec![response],
        security: Vec::new(),
        error_enum: String::new(),
        success_enum: String::new(),
        call: String::new(),
        source: format_source,
    });
    Ok(())
}

/// `METHOD URL` from the code block under "Request Format", with its page line.
fn request_line(page: &Outline<'_>) -> Result<(Method, Url, u32), Vec<Diagnostic>> {
    let Some(fence) = page.fence_under(|h| h.contains("request format")) else {
        return Err(vec![Diagnostic::file_error(page.page.file(), "the page has no `Request Format` block")
            .with_hint("expected a `## Request Format` heading followed by a ```http block `METHOD https://host/path`")]);
    };
    let mut words = fence.content.split_whitespace();
    let (Some(method_word), Some(url_word)) = (words.next(), words.next()) else {
        return Err(vec![page.error(fence.content_line, "the request format block does not read `METHOD URL`")]);
    };
    let method = Method::parse(method_word).ok_or_else(|| vec![page.error(fence.content_line, format!("`{method_word}` is not an HTTP method"))])?;
    let url = Url::parse(url_word).ok_or_else(|| vec![page.error(fence.content_line, format!("`{url_word}` is not a URL with a scheme and a host"))])?;
    Ok((method, url, fence.content_line))
}

/// Where the fields of a "Request Parameters (...)" table go: `None` for the body.
fn parameter_location(heading: &str, has_body: bool) -> Option<ParameterLocation> {
    let lower = heading.to_ascii_lowercase();
    if lower.contains("(query)") {
        Some(ParameterLocation::Query)
    } else if lower.contains("(header)") {
        Some(ParameterLocation::Header)
    } else if lower.contains("(path)") {
        Some(ParameterLocation::Path)
    } else if lower.contains("(body)") || has_body {
        None
    } else {
        Some(ParameterLocation::Query)
    }
}

fn parameter(api: &mut ApiBuilder, field: FieldShape, location: ParameterLocation) -> Parameter {
    let ty = match field.ty {
        ShapeType::Plain(ty) => ty,
        _ => {
            api.warn(field.source.clone(), format!("parameter `{}` is documented as a struct; it is sent as a string", field.wire_name));
            TypeRef::String
        }
    };
    Parameter {
        rust_name: naming::snake_ident(&field.wire_name),
        name: field.wire_name,
        location,
        required: field.required || location == ParameterLocation::Path,
        ty,
        description: field.description,
        style: crate::ir::ParameterStyle::Form,
        source: field.source,
    }
}

/// The JSON of the code block under a sample heading; lines before the JSON (a sample request's
/// method and URL) are skipped.
fn sample(page: &Outline<'_>, api: &mut ApiBuilder, wanted: impl Fn(&str) -> bool, what: &str) -> Option<JsonExample> {
    let fence = page.fence_under(wanted)?;
    let mut offset = 0;
    for (index, line) in fence.content.split_inclusive('\n').enumerate() {
        if line.trim_start().starts_with(['{', '[']) {
            let first_line = fence.content_line + to_u32(index);
            return json_example::read_example(api, page.page.file(), fence.content.get(offset..).unwrap_or_default(), first_line, what);
        }
        offset += line.len();
    }
    api.warn(page.source(fence.fence_line), format!("the {what} sample holds no JSON; it is not used"));
    None
}

/// The paragraphs between the page title and the next heading.
fn description_after(page: &Outline<'_>, title_line: u32) -> String {
    let end = page.next_heading_after(title_line);
    let paragraphs: Vec<&str> = page
        .blocks
        .iter()
        .filter_map(|b| match b {
            Block::Paragraph { text, line } if *line > title_line && *line < end => Some(text.as_str()),
            _ => None,
        })
        .collect();
    paragraphs.join("\n\n")
}

/// Turns tables into shapes, following `<Name> Struct` types to their tables.
struct Resolver<'a> {
    page: &'a Outline<'a>,
    names: &'a TypeNames,
    /// Struct names being resolved, to refuse a struct that contains itself.
    visiting: Vec<String>,
}

const NAME_COLUMN: &[&str] = &["name", "parameter", "field", "property"];
const REQUIRED_COLUMN: &[&str] = &["mandatory/optional", "required/optional", "mandatory", "required", "optional"];
const TYPE_COLUMN: &[&str] = &["data type", "type"];

impl Resolver<'_> {
    fn table_shape(&mut self, api: &mut ApiBuilder, table: &Table, candidates: Vec<String>, required_by_default: bool) -> Result<Shape, Diagnostic> {
        let page = self.page;
        let missing = |what: &str| {
            page.error(table.line, format!("the list-table has no `{what}` column (its columns: {})", table.header.join(", ")))
        };
        let name_column = table.column(NAME_COLUMN).ok_or_else(|| missing("Name"))?;
        let type_column = table.column(TYPE_COLUMN).ok_or_else(|| missing("Data Type"))?;
        let columns = FieldColumns { name: name_column, description: table.column(&["description"]), required: table.column(REQUIRED_COLUMN), required_by_default };
        Shape::from_table(api, &page.page, table, columns, candidates, |api, row, name, source| {
            let ty = self.resolve(api, row.cell(Some(type_column)), &source, required_by_default)?;
            Ok(FieldShape::new(name, ty, source))
        })
    }

    /// The type a `Data Type` cell names.
    fn resolve(&mut self, api: &mut ApiBuilder, word: &str, source: &Source, required_by_default: bool) -> Result<ShapeType, Diagnostic> {
        let word = word.trim();
        let lower = word.to_ascii_lowercase();
        let array_of = lower
            .strip_prefix("array of ")
            .map(|_| &word["array of ".len()..])
            .or_else(|| lower.strip_suffix(" array").map(|_| &word[..word.len() - " array".len()]))
            .or_else(|| word.strip_suffix("[]"));
        if let Some(item) = array_of {
            return Ok(ShapeType::Array(Box::new(self.resolve(api, item, source, required_by_default)?)));
        }
        if lower.ends_with("struct") || lower.ends_with("structs") {
            return self.structure(api, word, source, required_by_default);
        }
        let ty = match lower.as_str() {
            "string" | "str" => TypeRef::String,
            "integer" | "int" => TypeRef::Integer { bits: 32 },
            "long" => TypeRef::Integer { bits: 64 },
            "boolean" | "bool" => TypeRef::Boolean,
            "float" | "double" | "number" | "decimal" => TypeRef::Number,
            "object" | "jsonobject" | "json object" | "map" => TypeRef::Map(Box::new(TypeRef::Any)),
            "array" | "list" => TypeRef::Array(Box::new(TypeRef::Any)),
            _ => {
                api.warn(source.clone(), format!("data type `{word}` is not known; the field is any JSON value"));
                TypeRef::Any
            }
        };
        Ok(ShapeType::Plain(ty))
    }

    /// The shape of the table under the heading `<Name> Struct`.
    fn structure(&mut self, api: &mut ApiBuilder, word: &str, source: &Source, required_by_default: bool) -> Result<ShapeType, Diagnostic> {
        let page = self.page;
        let singular = word.strip_suffix('s').unwrap_or(word);
        let found = page
            .tables_under(|h| h.eq_ignore_ascii_case(word) || h.eq_ignore_ascii_case(singular))
            .into_iter()
            .next();
        let Some((table, heading, heading_line)) = found else {
            return Err(page
                .error(source.line, format!("type `{word}` refers to no table"))
                .with_hint(format!("expected a heading `### {singular}` followed by a `.. list-table::`")));
        };
        if self.visiting.iter().any(|v| v.eq_ignore_ascii_case(heading)) {
            return Err(page.error(source.line, format!("`{heading}` contains itself; recursive structs are not supported")));
        }
        let base = heading.trim();
        let base = base.get(..base.len().saturating_sub("struct".len())).filter(|_| base.to_ascii_lowercase().ends_with("struct")).unwrap_or(base).trim();
        let base = if base.is_empty() { "Struct" } else { base };
        self.visiting.push(heading.to_owned());
        let shape = self.table_shape(api, table, self.names.nested(&[base.to_owned()]), required_by_default);
        self.visiting.pop();
        let mut shape = shape?;
        shape.source = page.source(heading_line);
        Ok(ShapeType::Object(Box::new(shape)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ir::TypeKind;

    const PAGE: &str = "# Refresh Access Token

Refresh the token.

## Request Format

```http
POST https://{apigw-address}/apim-token-service/v2.0/token/refresh
```

## Request Parameters (Body)

.. list-table::
   :widths: auto
   :header-rows: 1

   * - Name
     - Mandatory/Optional
     - Data Type
     - Description
   * - appKey
     - Mandatory
     - String
     - The access key, see `Rule <get_access_token#rule>`__
       and more.
   * - timestamp
     - Optional
     - Long
     - Milliseconds.

## Response Parameters

.. list-table::
   :header-rows: 1

   * - Name
     - Data Type
     - Descritpion
   * - status
     - Integer
     - 0 is success.
   * - data
     - Data Struct
     - The token.

### Data Struct

.. list-table::
   :header-rows: 1

   * - Name
     - Data Type
     - Description
   * - accessToken
     - String
     - The token.

## Sample

### Request Sample

```html
POST
https://{apigw-address}/apim-token-service/v2.0/token/refresh
{
	\"appKey\": \"k\",
	\"timestamp\": 1572574909697
}
```

### Return Sample

```json
{
    \"status\": 0,
    \"data\": {\"accessToken\": \"t\"}
}
```
";

    fn read_page(text: &str) -> Result<crate::ir::Api, Vec<Diagnostic>> {
        crate::frontend::page::read_for_test(read, "enos", "specs/enos/r.md", text)
    }

    fn fields<'a>(api: &'a crate::ir::Api, name: &str) -> &'a [crate::ir::Field] {
        match api.type_def(name).map(|d| &d.kind) {
            Some(TypeKind::Struct { fields, .. }) => fields,
            _ => panic!("no struct {name}: {:?}", api.types),
        }
    }

    #[test]
    fn reads_list_tables_with_continuations() {
        let document = Document { path: "d.md".to_owned(), text: PAGE.to_owned() };
        let tables = list_tables(&document).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(tables.len(), 3);
        assert_eq!(tables[0].header, ["Name", "Mandatory/Optional", "Data Type", "Description"]);
        assert_eq!(tables[0].rows[0].cells[3], "The access key, see Rule and more.");
        assert_eq!(tables[0].rows[0].line, 21);
        assert_eq!(tables[0].line, 13);
        assert_eq!(inline_text("``a`` and `b` and `T <x>`_."), "`a` and `b` and T.");
    }

    #[test]
    fn data_struct_refers_to_the_table_under_its_heading() {
        let api = read_page(PAGE).unwrap_or_else(|e| panic!("{e:?}"));
        let op = &api.operations[0];
        assert_eq!((op.name.as_str(), op.method, op.path.as_str()), ("refresh_access_token", Method::Post, "/apim-token-service/v2.0/token/refresh"));
        assert_eq!(op.description.as_deref(), Some("Refresh the token."));
        assert_eq!(api.servers[0].url, "https://{apigw-address}");
        assert_eq!(api.servers[0].variables[0].name, "apigw-address");
        assert_eq!(api.servers[0].variables[0].default, None);

        let response = fields(&api, "RefreshAccessTokenResponse");
        assert_eq!(response[0].ty, TypeRef::Integer { bits: 32 });
        assert_eq!(response[0].description.as_deref(), Some("0 is success."), "the `Descritpion` column is found");
        assert!(!response[0].required);
        assert_eq!(response[1].ty, TypeRef::Named("TokenData".into()));
        assert_eq!(api.type_def("TokenData").map(|d| d.source.line), Some(46));
        assert_eq!(fields(&api, "TokenData")[0].wire_name, "accessToken");

        let request = fields(&api, "RefreshAccessTokenRequest");
        assert_eq!(request[1].ty, TypeRef::Integer { bits: 64 });
        assert_eq!((request[0].required, request[1].required), (true, false));
        assert_eq!(op.request_body.as_ref().map(|b| b.examples[0].source.line), Some(65));
        assert_eq!(op.responses[0].examples[0].source.line, 74);
        let envelope = api.envelope.as_ref().unwrap_or_else(|| panic!("no envelope"));
        assert_eq!((envelope.status.clone(), envelope.payload.clone()), (vec!["status".to_owned()], vec!["data".to_owned()]));
        assert!(api.warnings.is_empty(), "{:?}", api.warnings);
    }

    #[test]
    fn a_misspelled_sample_member_keeps_the_sample_out() {
        let api = read_page(&PAGE.replace("\"status\": 0", "\"stauts\": 0")).unwrap_or_else(|e| panic!("{e:?}"));
        assert!(api.operations[0].responses[0].examples.is_empty());
        assert!(api.warnings.iter().any(|w| w.message.contains("did you mean `status`")), "{:?}", api.warnings);
        assert_eq!(api.envelope, None);
    }

    #[test]
    fn an_unknown_struct_is_an_error_at_its_row() {
        let errors = read_page(&PAGE.replace("### Data Struct", "### Other")).err().unwrap_or_default();
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].line, 42);
        assert!(errors[0].message.contains("`Data Struct`"), "{}", errors[0].message);
    }

    #[test]
    fn a_table_without_header_rows_is_an_error() {
        let errors = read_page(&PAGE.replacen("   :widths: auto\n   :header-rows: 1\n", "", 1)).err().unwrap_or_default();
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].line, 13);
    }
}
