//! Shape inference: object types read from what a page declares and what its examples show.
//!
//! A reader builds a [`Shape`] (an object type before it has a name) from the document's
//! declarations ([`Shape::from_table`] for a table of fields, [`Shape::declare`] for a flat
//! parameter list) or from a JSON example ([`Shape::from_example`]), settles it against the
//! document's own examples ([`Shape::reconcile`], [`fitting`]), and [`define`]s it: nested
//! objects first, each through the type space with the candidate names the reader gave it
//! ([`TypeNames`]), so equal shapes of two documents become one type. A success example may
//! also show the API's response envelope ([`envelope_of`]).
//!
//! The evidence rule: where a declared type and the example disagree (Smartling declares
//! `expiresIn` a string, its example has `480`), the example wins, the declared type is kept
//! as the field's `also_accepts`, and a warning points at the declaration. An example that
//! cannot round-trip through the settled type (an undocumented member, a missing required one)
//! is left out with a warning, never a failure.
//!
//! This module reads no page syntax (readers find the tables and examples) and decides no
//! operation names or operations.

use serde_json::{Map, Value};

use super::json_example::JsonExample;
use super::page::Page;
use super::table::{near_miss, required_from_cell, Row, Table};
use crate::builder::ApiBuilder;
use crate::ir::{Envelope, Field, Source, TypeDef, TypeKind, TypeRef};
use crate::naming;
use crate::yaml_lines::child;

// ---------------------------------------------------------------------------------------------
// Shapes: object types before they are named

/// Candidate type names for the objects of one operation.
#[derive(Debug, Clone)]
pub(crate) struct TypeNames {
    operation: String,
    group: Option<String>,
}

impl TypeNames {
    /// `operation` is the operation's method name; `group` a word the document files the
    /// operation under (a category, the resource of its path), shared by its sibling documents.
    pub fn new(operation: &str, group: Option<&str>) -> TypeNames {
        TypeNames { operation: naming::camel_ident(operation), group: group.map(naming::camel_ident) }
    }

    /// A body of this operation: `{Operation}{suffix}`, e.g. `RefreshAuthenticationResponse`.
    pub fn body(&self, suffix: &str) -> Vec<String> {
        vec![format!("{}{suffix}", self.operation)]
    }

    /// An object nested in a body at field `path`: named from the group and the last field
    /// (`AuthenticationData`), so sibling documents with the same shape share it, else from
    /// the operation and the whole path.
    pub fn nested(&self, path: &[String]) -> Vec<String> {
        let joined: String = path.iter().map(|s| naming::camel_ident(s)).collect();
        let mut names = Vec::new();
        if let (Some(group), Some(last)) = (&self.group, path.last()) {
            names.push(format!("{group}{}", naming::camel_ident(last)));
        }
        names.push(format!("{}{joined}", self.operation));
        names.dedup();
        names
    }
}

/// The resource an endpoint path acts on: the last segment before the action that is not a
/// version or a placeholder (`/apim-token-service/v2.0/token/refresh` -> `token`).
pub(crate) fn resource_word(path: &str) -> Option<String> {
    let segments: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    let (_action, before) = segments.split_last()?;
    before
        .iter()
        .rev()
        .find(|s| !s.contains('{') && !is_version(s))
        .map(|s| (*s).to_owned())
}

fn is_version(segment: &str) -> bool {
    let digits = segment.strip_prefix(['v', 'V']).unwrap_or(segment);
    !digits.is_empty() && digits.chars().all(|c| c.is_ascii_digit() || c == '.')
}

/// An object type before it has a name.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Shape {
    /// Candidate type names, most preferred first.
    pub candidates: Vec<String>,
    pub description: Option<String>,
    pub fields: Vec<FieldShape>,
    pub source: Source,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct FieldShape {
    pub wire_name: String,
    pub ty: ShapeType,
    pub required: bool,
    pub nullable: bool,
    pub default: Option<Value>,
    pub description: Option<String>,
    pub also_accepts: Option<TypeRef>,
    /// The value an example showed for a scalar field, and where: for messages.
    pub shown: Option<(Value, Source)>,
    pub source: Source,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum ShapeType {
    Plain(TypeRef),
    Object(Box<Shape>),
    Array(Box<ShapeType>),
}

/// A declaration of a field by name alone (a flat parameter list), for [`Shape::declare`].
#[derive(Debug, Clone)]
pub(crate) struct Declaration {
    pub name: String,
    /// `None` when the document gives no type, or one this generator does not know.
    pub ty: Option<TypeRef>,
    pub required: bool,
    pub description: Option<String>,
    pub source: Source,
}

/// A JSON-style type word (`string`, `number`, `integer`, `boolean`, `object`, `array`,
/// `array of X`, `X[]`) as a type expression; `None` for a word it does not know.
pub(crate) fn json_type_word(word: &str) -> Option<TypeRef> {
    let word = word.trim();
    let lower = word.to_ascii_lowercase();
    if let Some(item) = lower.strip_prefix("array of ").or_else(|| lower.strip_suffix("[]")) {
        return json_type_word(item).map(|t| TypeRef::Array(Box::new(t)));
    }
    let ty = match lower.as_str() {
        "string" | "str" | "text" => TypeRef::String,
        "integer" | "int" | "long" | "int64" => TypeRef::Integer { bits: 64 },
        "int32" => TypeRef::Integer { bits: 32 },
        "number" | "float" | "double" | "decimal" => TypeRef::Number,
        "boolean" | "bool" => TypeRef::Boolean,
        "date-time" | "datetime" => TypeRef::DateTime,
        "object" | "map" | "json" => TypeRef::Map(Box::new(TypeRef::Any)),
        "array" | "list" => TypeRef::Array(Box::new(TypeRef::Any)),
        "any" => TypeRef::Any,
        // A multipart field a page documents as a file upload.
        "file" | "binary" => TypeRef::File,
        _ => return None,
    };
    Some(ty)
}

impl FieldShape {
    pub fn new(wire_name: &str, ty: ShapeType, source: Source) -> FieldShape {
        FieldShape {
            wire_name: wire_name.to_owned(),
            ty,
            required: false,
            nullable: false,
            default: None,
            description: None,
            also_accepts: None,
            shown: None,
            source,
        }
    }
}

/// How a declared type and the type an example shows settle.
#[derive(Debug, Clone, PartialEq)]
enum Settled {
    /// The example fits the declared type.
    Agrees,
    /// The declaration said nothing precise (`any`, `array`); the example says more.
    Refined(TypeRef),
    /// They contradict each other: the example's type wins.
    Conflict(TypeRef),
}

fn settle(declared: &TypeRef, shown: &TypeRef) -> Settled {
    use TypeRef::*;
    match (declared, shown) {
        (_, Any) => Settled::Agrees,
        (Any, _) => Settled::Refined(shown.clone()),
        (Number, Integer { .. }) | (Integer { .. }, Integer { .. }) | (DateTime, String) | (Named(_), Map(_)) => Settled::Agrees,
        (Array(d), Array(s)) | (Map(d), Map(s)) => match settle(d, s) {
            Settled::Agrees => Settled::Agrees,
            Settled::Refined(_) => Settled::Refined(shown.clone()),
            Settled::Conflict(_) => Settled::Conflict(shown.clone()),
        },
        (d, s) if d == s => Settled::Agrees,
        _ => Settled::Conflict(shown.clone()),
    }
}

/// The type a JSON value shows by itself.
pub(crate) fn value_type(value: &Value) -> TypeRef {
    match value {
        Value::Null => TypeRef::Any,
        Value::Bool(_) => TypeRef::Boolean,
        Value::Number(n) if n.is_i64() || n.is_u64() => TypeRef::Integer { bits: 64 },
        Value::Number(_) => TypeRef::Number,
        Value::String(_) => TypeRef::String,
        Value::Array(items) => TypeRef::Array(Box::new(items.iter().find(|v| !v.is_null()).map_or(TypeRef::Any, value_type))),
        Value::Object(_) => TypeRef::Map(Box::new(TypeRef::Any)),
    }
}

fn describe_type(ty: &TypeRef) -> String {
    match ty {
        TypeRef::Map(_) => "object".to_owned(),
        other => other.to_string(),
    }
}

/// A short rendering of an example value for messages.
fn short(value: &Value) -> String {
    let text = value.to_string();
    if text.chars().count() > 40 {
        format!("{}…", text.chars().take(40).collect::<String>())
    } else {
        text
    }
}

impl Shape {
    pub fn new(candidates: Vec<String>, source: Source) -> Shape {
        Shape { candidates, description: None, fields: Vec::new(), source }
    }

    /// The object an example shows at `at` (a JSON pointer into `example`): every member a
    /// field typed by its value, optional (an example shows what can be there, not what must).
    /// Nested objects are named by `names` from their field path.
    pub fn from_example(example: &JsonExample, object: &Map<String, Value>, at: &str, candidates: Vec<String>, path: &[String], names: &TypeNames) -> Shape {
        let mut shape = Shape::new(candidates, example.source(at));
        for (key, value) in object {
            let field_at = child(at, key);
            let mut field_path = path.to_vec();
            field_path.push(key.clone());
            let ty = shape_of_value(example, value, &field_at, &field_path, names);
            let mut field = FieldShape::new(key, ty, example.source(&field_at));
            field.nullable = value.is_null();
            if !value.is_object() && !value.is_array() {
                field.shown = Some((value.clone(), example.source(&field_at)));
            }
            shape.fields.push(field);
        }
        shape
    }

    /// Applies a declaration (description, type, required flag, source line) to every field
    /// of its name at any depth; returns how many fields it matched. Where the declared type
    /// contradicts the example the field was built from, the example's type stays, the
    /// declared one becomes `also_accepts`, and the decision is a warning at the declaration.
    pub fn declare(&mut self, declaration: &Declaration, api: &mut ApiBuilder) -> usize {
        let mut matched = 0;
        for field in &mut self.fields {
            if field.wire_name == declaration.name {
                apply_declaration(field, declaration, api);
                matched += 1;
            }
            if let Some(inner) = field.ty.object_mut() {
                matched += inner.declare(declaration, api);
            }
        }
        matched
    }

    /// Adds `field` to the object (this one or a nested one) that holds the most fields named
    /// in `names`: where a declared field the example left out most likely belongs.
    pub fn add_beside(&mut self, names: &[String], field: FieldShape) {
        let path = self.best_home(names).1;
        self.push_at(&path, field);
    }

    fn push_at(&mut self, path: &[usize], field: FieldShape) {
        if let Some((first, rest)) = path.split_first() {
            if let Some(next) = self.fields.get_mut(*first).and_then(|f| f.ty.object_mut()) {
                return next.push_at(rest, field);
            }
        }
        self.fields.push(field);
    }

    fn best_home(&self, names: &[String]) -> (usize, Vec<usize>) {
        let own = self.fields.iter().filter(|f| names.contains(&f.wire_name)).count();
        let mut best = (own, Vec::new());
        for (index, field) in self.fields.iter().enumerate() {
            if let Some(inner) = field.ty.object() {
                let (count, mut path) = inner.best_home(names);
                if count > best.0 {
                    path.insert(0, index);
                    best = (count, path);
                }
            }
        }
        best
    }

    /// Settles the declared fields with what an example shows at `at` (see the module docs)
    /// and returns why the example cannot round-trip through this shape: members no field
    /// declares, required fields it lacks. Empty when the example fits.
    pub fn reconcile(&mut self, example: &JsonExample, value: &Value, at: &str, api: &mut ApiBuilder) -> Vec<String> {
        let Value::Object(object) = value else {
            return vec![format!("line {} shows {} where an object is documented", example.source(at).line, short(value))];
        };
        let mut problems = Vec::new();
        for (key, value) in object {
            let field_at = child(at, key);
            match self.fields.iter_mut().find(|f| &f.wire_name == key) {
                Some(field) => problems.extend(reconcile_field(field, example, value, &field_at, api)),
                None => {
                    let hint = self
                        .fields
                        .iter()
                        .find(|f| near_miss(key, &f.wire_name))
                        .map(|f| format!(" (did you mean `{}`?)", f.wire_name))
                        .unwrap_or_default();
                    problems.push(format!("line {} has `{key}`, which the document does not declare{hint}", example.source(&field_at).line));
                }
            }
        }
        for field in self.fields.iter().filter(|f| f.required && !object.contains_key(&f.wire_name)) {
            problems.push(format!("it lacks `{}`, which is required", field.wire_name));
        }
        problems
    }
}

// ---------------------------------------------------------------------------------------------
// Objects a page documents in parts

impl Shape {
    /// Gives each field declared only `object`, `array` or `any` the structure the example
    /// shows at `at` (field path `path`): the declaration says nothing of its members, the
    /// example does. Fields already typed more precisely keep their types.
    pub fn refine_from_example(&mut self, example: &JsonExample, at: &str, path: &[String], names: &TypeNames) {
        for field in &mut self.fields {
            let field_at = child(at, &field.wire_name);
            let Some(value) = example.value.pointer(&field_at) else { continue };
            let mut field_path = path.to_vec();
            field_path.push(field.wire_name.clone());
            let untyped = match &field.ty {
                ShapeType::Plain(TypeRef::Map(inner) | TypeRef::Array(inner)) => **inner == TypeRef::Any,
                ShapeType::Plain(ty) => *ty == TypeRef::Any,
                _ => false,
            };
            match &mut field.ty {
                _ if untyped && (value.is_object() || value.is_array()) => field.ty = shape_of_value(example, value, &field_at, &field_path, names),
                ShapeType::Object(inner) => inner.refine_from_example(example, &field_at, &field_path, names),
                _ => {}
            }
        }
    }

    /// The object that a table under a heading naming the field path `path` (`Terms.Term.Person`)
    /// documents, `rows` being the names the table declares. Each segment is a field of the
    /// object before it (of its items, for an array); a field declared only `object` or
    /// `array` becomes an object of the table's fields. A segment naming no field is the name
    /// of a group the wire does not show (`personOrPropertyOrParticipant`) when what follows it
    /// (the next segment, or the table's rows) is already there, and a new object field, required
    /// when `required`, otherwise. `None` when the path leads into a scalar.
    pub fn object_at(&mut self, path: &[String], rows: &[String], names: &TypeNames, required: bool, source: &Source) -> Option<&mut Shape> {
        self.object_at_from(path, &[], rows, names, required, source)
    }

    fn object_at_from(&mut self, path: &[String], done: &[String], rows: &[String], names: &TypeNames, required: bool, source: &Source) -> Option<&mut Shape> {
        let Some((first, rest)) = path.split_first() else { return Some(self) };
        let mut here = done.to_vec();
        here.push(first.clone());
        let next_is_here = match rest.first() {
            Some(next) => self.fields.iter().any(|f| &f.wire_name == next),
            None => self.fields.iter().any(|f| rows.contains(&f.wire_name)),
        };
        let index = match self.fields.iter().position(|f| &f.wire_name == first) {
            Some(index) => index,
            None if next_is_here => return self.object_at_from(rest, done, rows, names, required, source),
            None => {
                let mut field = FieldShape::new(first, ShapeType::Plain(TypeRef::Any), source.clone());
                field.required = required;
                self.fields.push(field);
                self.fields.len() - 1
            }
        };
        let field = self.fields.get_mut(index)?;
        let open = |candidates: Vec<String>| Box::new(ShapeType::Object(Box::new(Shape::new(candidates, source.clone()))));
        match &field.ty {
            ShapeType::Plain(TypeRef::Any | TypeRef::Map(_)) => field.ty = *open(names.nested(&here)),
            ShapeType::Plain(TypeRef::Array(item)) if **item == TypeRef::Any => {
                let mut item_path = here.clone();
                if let Some(last) = item_path.last_mut() {
                    last.push_str("Item");
                }
                field.ty = ShapeType::Array(open(names.nested(&item_path)));
            }
            _ => {}
        }
        field.ty.object_mut()?.object_at_from(rest, &here, rows, names, required, source)
    }

    /// Applies the fields `declared` (a table of this object's fields) to this object: a field
    /// it has takes the declaration's description, required flag, default and line, and its
    /// type settles as [`Shape::declare`] settles it; a field it lacks is added.
    pub fn merge_declared(&mut self, declared: Shape, api: &mut ApiBuilder) {
        if self.description.is_none() {
            self.description = declared.description;
        }
        for field in declared.fields {
            let Some(own) = self.fields.iter_mut().find(|f| f.wire_name == field.wire_name) else {
                self.fields.push(field);
                continue;
            };
            let ty = match &field.ty {
                ShapeType::Plain(ty) => Some(ty.clone()),
                _ => None,
            };
            let declaration = Declaration { name: field.wire_name.clone(), ty, required: field.required, description: field.description.clone(), source: field.source.clone() };
            apply_declaration(own, &declaration, api);
            if field.default.is_some() {
                own.default = field.default;
            }
        }
    }
}

impl ShapeType {
    fn object(&self) -> Option<&Shape> {
        match self {
            ShapeType::Object(shape) => Some(shape),
            ShapeType::Array(item) => item.object(),
            ShapeType::Plain(_) => None,
        }
    }

    fn object_mut(&mut self) -> Option<&mut Shape> {
        match self {
            ShapeType::Object(shape) => Some(shape),
            ShapeType::Array(item) => item.object_mut(),
            ShapeType::Plain(_) => None,
        }
    }
}

fn shape_of_value(example: &JsonExample, value: &Value, at: &str, path: &[String], names: &TypeNames) -> ShapeType {
    match value {
        Value::Object(object) => ShapeType::Object(Box::new(Shape::from_example(example, object, at, names.nested(path), path, names))),
        Value::Array(items) => match items.iter().position(|v| !v.is_null()) {
            Some(index) => {
                let item = items.get(index).unwrap_or(&Value::Null);
                let mut item_path = path.to_vec();
                if let Some(last) = item_path.last_mut() {
                    last.push_str("Item");
                }
                ShapeType::Array(Box::new(shape_of_value(example, item, &child(at, &index.to_string()), &item_path, names)))
            }
            None => ShapeType::Plain(TypeRef::Array(Box::new(TypeRef::Any))),
        },
        other => ShapeType::Plain(value_type(other)),
    }
}

fn apply_declaration(field: &mut FieldShape, declaration: &Declaration, api: &mut ApiBuilder) {
    if declaration.description.is_some() {
        field.description.clone_from(&declaration.description);
    }
    field.required = declaration.required;
    field.source = declaration.source.clone();
    let Some(declared) = &declaration.ty else { return };
    match &field.ty {
        ShapeType::Plain(shown) => {
            let shown = shown.clone();
            settle_field(field, declared, &shown, api);
        }
        ShapeType::Object(_) | ShapeType::Array(_) => {
            let structural = matches!((declared, &field.ty), (TypeRef::Map(_), ShapeType::Object(_)) | (TypeRef::Array(_), ShapeType::Array(_)));
            if !structural {
                let what = if matches!(field.ty, ShapeType::Object(_)) { "an object" } else { "an array" };
                api.warn(
                    declaration.source.clone(),
                    format!("`{}` is declared `{}`, but the example shows {what}; the example's structure is used", field.wire_name, describe_type(declared)),
                );
            }
        }
    }
}

/// Settles a scalar field declared `declared` whose example shows `shown`.
fn settle_field(field: &mut FieldShape, declared: &TypeRef, shown: &TypeRef, api: &mut ApiBuilder) {
    match settle(declared, shown) {
        Settled::Agrees => field.ty = ShapeType::Plain(declared.clone()),
        Settled::Refined(ty) => field.ty = ShapeType::Plain(ty),
        Settled::Conflict(ty) => {
            let seen = field
                .shown
                .as_ref()
                .map(|(value, source)| format!("the example ({source}) has `{}`", short(value)))
                .unwrap_or_else(|| format!("the example shows {}", describe_type(&ty)));
            api.warn(
                field.source.clone(),
                format!(
                    "`{}` is declared `{}`, but {seen}: the example wins, so it is typed `{}` and also accepts `{}`",
                    field.wire_name,
                    describe_type(declared),
                    describe_type(&ty),
                    describe_type(declared)
                ),
            );
            field.also_accepts = Some(declared.clone());
            field.ty = ShapeType::Plain(ty);
        }
    }
}

fn reconcile_field(field: &mut FieldShape, example: &JsonExample, value: &Value, at: &str, api: &mut ApiBuilder) -> Vec<String> {
    if value.is_null() {
        if !field.nullable {
            field.nullable = true;
            api.warn(field.source.clone(), format!("`{}` is shown `null` by the example ({}); it is nullable", field.wire_name, example.source(at)));
        }
        return Vec::new();
    }
    match (&mut field.ty, value) {
        (ShapeType::Object(shape), Value::Object(_)) => shape.reconcile(example, value, at, api),
        (ShapeType::Array(item), Value::Array(items)) if item.object().is_some() => {
            let mut problems = Vec::new();
            if let Some(shape) = item.object_mut() {
                for (index, item) in items.iter().enumerate().filter(|(_, v)| !v.is_null()) {
                    problems.extend(shape.reconcile(example, item, &child(at, &index.to_string()), api));
                }
            }
            problems
        }
        (ShapeType::Plain(declared), _) => {
            let declared = declared.clone();
            if field.shown.is_none() && !value.is_object() && !value.is_array() {
                field.shown = Some((value.clone(), example.source(at)));
            }
            if field.also_accepts.is_none() {
                settle_field(field, &declared, &value_type(value), api);
            } else if matches!(settle(&declared, &value_type(value)), Settled::Conflict(_)) {
                // Already settled by another example: one that fits neither form cannot round-trip.
                return vec![format!("line {} shows {} for `{}`", example.source(at).line, short(value), field.wire_name)];
            }
            Vec::new()
        }
        _ => vec![format!("line {} shows {} for `{}`, which is documented as {}", example.source(at).line, short(value), field.wire_name, match field.ty {
            ShapeType::Object(_) => "an object",
            _ => "an array",
        })],
    }
}

// ---------------------------------------------------------------------------------------------
// Shapes from tables of fields

/// How a table declares its fields: the columns of the name, the description and the required
/// flag, and whether a field is required where the table does not say.
#[derive(Debug, Clone, Copy)]
pub(crate) struct FieldColumns {
    pub name: usize,
    pub description: Option<usize>,
    pub required: Option<usize>,
    pub required_by_default: bool,
}

impl Shape {
    /// A table of fields as a shape at the table's line: one field per row that names one.
    /// `field_of` makes a row's field from its name and page line (its type, and whatever else
    /// the reader's own columns say); the description and required columns are applied after
    /// it, in that order. The first error of `field_of` is the table's.
    pub fn from_table<E>(
        api: &mut ApiBuilder,
        page: &Page<'_>,
        table: &Table,
        columns: FieldColumns,
        candidates: Vec<String>,
        mut field_of: impl FnMut(&mut ApiBuilder, &Row, &str, Source) -> Result<FieldShape, E>,
    ) -> Result<Shape, E> {
        let mut shape = Shape::new(candidates, page.source(table.line));
        for row in &table.rows {
            let name = row.cell(Some(columns.name));
            if name.is_empty() {
                continue;
            }
            let source = page.source(row.line);
            let mut field = field_of(api, row, name, source.clone())?;
            field.description = Some(row.cell(columns.description)).filter(|d| !d.is_empty()).map(str::to_owned);
            field.required = required_from_cell(row.cell(columns.required), row.cell(columns.description), columns.required_by_default, api, source, name);
            shape.fields.push(field);
        }
        Ok(shape)
    }
}

// ---------------------------------------------------------------------------------------------
// Examples against shapes

/// Keeps `example` when it fits `shape` (settling the shape's types on the way, see
/// [`Shape::reconcile`]); otherwise warns at the example, calling it `subject` (`request
/// example`) and naming what it was held against (`documented table`), and drops it.
pub(crate) fn fitting(api: &mut ApiBuilder, shape: &mut Shape, example: JsonExample, subject: &str, documented: &str) -> Option<JsonExample> {
    let problems = shape.reconcile(&example, &example.value, "", api);
    if problems.is_empty() {
        return Some(example);
    }
    api.warn(example.source(""), format!("the {subject} does not fit the {documented} ({}); it is not used as an example", problems.join("; ")));
    None
}

// ---------------------------------------------------------------------------------------------
// Defining shapes in the type space

/// Adds `shape` (nested objects first) to the type space and returns its type.
pub(crate) fn define(api: &mut ApiBuilder, shape: &Shape) -> TypeRef {
    let mut fields: Vec<Field> = Vec::new();
    for field in &shape.fields {
        let ty = define_type(api, &field.ty);
        // A proposal: `passes::names` makes it unique within the struct.
        let rust_name = naming::snake_ident(&field.wire_name);
        fields.push(Field {
            wire_name: field.wire_name.clone(),
            rust_name,
            ty,
            required: field.required,
            nullable: field.nullable,
            default: field.default.clone(),
            format: None,
            description: field.description.clone(),
            examples: Vec::new(),
            allowed: Vec::new(),
            also_accepts: field.also_accepts.clone(),
            secret: false,
            boxed: false,
            source: field.source.clone(),
        });
    }
    let def = TypeDef {
        name: String::new(),
        description: shape.description.clone(),
        kind: TypeKind::Struct { fields, additional: None },
        examples: Vec::new(),
        received: false,
        source: shape.source.clone(),
    };
    TypeRef::Named(api.types.add(&shape.candidates, def))
}

fn define_type(api: &mut ApiBuilder, ty: &ShapeType) -> TypeRef {
    match ty {
        ShapeType::Plain(ty) => ty.clone(),
        ShapeType::Object(shape) => define(api, shape),
        ShapeType::Array(item) => TypeRef::Array(Box::new(define_type(api, item))),
    }
}

// ---------------------------------------------------------------------------------------------
// Envelopes

const STATUS_KEYS: &[&str] = &["code", "status"];
const MESSAGE_KEYS: &[&str] = &["msg", "message"];
const PAYLOAD_KEY: &str = "data";

/// The envelope a success example shows: an object (the body, or one member of it) with a
/// status member (`code` or `status`) holding a scalar, beside a `data` payload and maybe a
/// `msg`/`message`. Smartling: `response.code` = `SUCCESS`, payload `response.data`; EnOS:
/// `status` = `0`, payload `data`, message `msg`.
pub(crate) fn envelope_of(value: &Value, source: Source) -> Option<Envelope> {
    let root = value.as_object()?;
    let candidates = std::iter::once((Vec::new(), root)).chain(
        root.iter().filter_map(|(key, v)| v.as_object().map(|o| (vec![key.clone()], o))),
    );
    for (prefix, object) in candidates {
        let status = STATUS_KEYS.iter().find(|k| object.get(**k).is_some_and(|v| v.is_string() || v.is_number() || v.is_boolean()));
        let (Some(status), true) = (status, object.contains_key(PAYLOAD_KEY)) else { continue };
        let path = |key: &str| {
            let mut path = prefix.clone();
            path.push(key.to_owned());
            path
        };
        return Some(Envelope {
            status: path(status),
            success: object.get(*status).cloned().unwrap_or(Value::Null),
            payload: path(PAYLOAD_KEY),
            message: MESSAGE_KEYS.iter().find(|k| object.contains_key(**k)).map(|k| path(k)),
            source,
        });
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::frontend::json_example::tests::example;
    use serde_json::json;

    fn source(line: u32) -> Source {
        Source { file: "doc.md".to_owned(), line }
    }

    #[test]
    fn the_example_wins_over_a_contradicting_declaration() {
        let mut api = ApiBuilder::new("t");
        let ex = example("{\"response\": {\"data\": {\"expiresIn\": 480, \"tokenType\": \"Bearer\", \"ratio\": 1}}}");
        let names = TypeNames::new("refresh", Some("authentication"));
        let Value::Object(root) = &ex.value else { panic!("not an object") };
        let mut shape = Shape::from_example(&ex, root, "", names.body("Response"), &[], &names);
        let declare = |name: &str, ty: TypeRef| Declaration { name: name.to_owned(), ty: Some(ty), required: false, description: Some(format!("{name} doc")), source: source(3) };
        assert_eq!(shape.declare(&declare("expiresIn", TypeRef::String), &mut api), 1);
        assert_eq!(shape.declare(&declare("tokenType", TypeRef::String), &mut api), 1);
        assert_eq!(shape.declare(&declare("ratio", TypeRef::Number), &mut api), 1);

        let data = shape.fields[0].ty.object().and_then(|r| r.fields[0].ty.object()).cloned().unwrap_or_else(|| panic!("no data object"));
        assert_eq!(data.candidates, ["AuthenticationData", "RefreshResponseData"]);
        let expires = &data.fields[0];
        assert_eq!(expires.ty, ShapeType::Plain(TypeRef::Integer { bits: 64 }));
        assert_eq!(expires.also_accepts, Some(TypeRef::String));
        assert_eq!(expires.source, source(3), "the field points at its declaration");
        assert_eq!(data.fields[1].also_accepts, None);
        assert_eq!(data.fields[2].ty, ShapeType::Plain(TypeRef::Number), "a number declared and an integer shown agree");
        assert_eq!(api.warnings.len(), 1);
        assert_eq!(api.warnings[0].source, source(3));
        assert!(api.warnings[0].message.contains("`480`"), "{}", api.warnings[0].message);
    }

    #[test]
    fn reconcile_types_from_the_example_and_rejects_undeclared_members() {
        let mut api = ApiBuilder::new("t");
        let mut shape = Shape::new(vec!["T".to_owned()], source(1));
        let mut status = FieldShape::new("status", ShapeType::Plain(TypeRef::Integer { bits: 32 }), source(2));
        status.required = false;
        shape.fields.push(status);
        let mut count = FieldShape::new("count", ShapeType::Plain(TypeRef::String), source(3));
        count.required = true;
        shape.fields.push(count);

        let good = example("{\"status\": 0, \"count\": 5}");
        assert!(shape.reconcile(&good, &good.value, "", &mut api).is_empty());
        assert_eq!(shape.fields[1].ty, ShapeType::Plain(TypeRef::Integer { bits: 64 }));
        assert_eq!(shape.fields[1].also_accepts, Some(TypeRef::String));
        assert_eq!(api.warnings[0].source, source(3));

        let typo = example("{\"stauts\": 0}");
        let problems = shape.reconcile(&typo, &typo.value, "", &mut api);
        assert_eq!(problems.len(), 2, "{problems:?}");
        assert!(problems[0].contains("did you mean `status`"), "{}", problems[0]);
        assert!(problems[1].contains("`count`"), "{}", problems[1]);
    }

    #[test]
    fn envelopes_at_the_root_or_one_level_down() {
        let smartling = json!({"response": {"code": "SUCCESS", "data": {"a": 1}}});
        let found = envelope_of(&smartling, source(4)).unwrap_or_else(|| panic!("no envelope"));
        assert_eq!((found.status, found.success, found.payload, found.message), (vec!["response".to_owned(), "code".to_owned()], json!("SUCCESS"), vec!["response".to_owned(), "data".to_owned()], None));
        let enos = json!({"status": 0, "msg": "SUCCESS", "data": {}});
        let found = envelope_of(&enos, source(4)).unwrap_or_else(|| panic!("no envelope"));
        assert_eq!((found.success, found.message), (json!(0), Some(vec!["msg".to_owned()])));
        assert_eq!(envelope_of(&json!({"access_token": "x", "expires_in": 1}), source(4)), None);
    }

    #[test]
    fn resource_words_skip_versions_and_the_action() {
        assert_eq!(resource_word("/apim-token-service/v2.0/token/refresh").as_deref(), Some("token"));
        assert_eq!(resource_word("/a/v2/{id}/get").as_deref(), Some("a"));
        assert_eq!(resource_word("/refresh"), None);
    }
}
