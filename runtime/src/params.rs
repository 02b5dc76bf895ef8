//! Parameters by OpenAPI style: how one typed value becomes query pairs, a header value, a
//! cookie or a path segment.
//!
//! Generated code passes each parameter as it is typed (`&T`, `&Option<T>`, `&Vec<T>`, a
//! struct, an enum) with the `style` its document gives it, and this module writes its wire
//! form as the [OpenAPI 3.0.3 style table](https://spec.openapis.org/oas/v3.0.3#style-examples)
//! shows it, for a parameter named `color`:
//!
//! | [`QueryStyle`] | `"blue"` | `["blue", "black"]` | `{"R": 100, "G": 200}` |
//! | --- | --- | --- | --- |
//! | `Form { explode: true }` (the query default) | `color=blue` | `color=blue&color=black` | `R=100&G=200` |
//! | `Form { explode: false }` | `color=blue` | `color=blue,black` | `color=R,100,G,200` |
//! | `SpaceDelimited` | `color=blue` | `color=blue%20black` | `color=R%20100%20G%20200` |
//! | `PipeDelimited` | `color=blue` | `color=blue%7Cblack` | `color=R%7C100%7CG%7C200` |
//! | `DeepObject` | `color=blue` | `color%5B%5D=blue&color%5B%5D=black` | `color%5BR%5D=100&color%5BG%5D=200` |
//!
//! Headers ([`Request::header_param`](crate::Request::header_param)) and path segments
//! ([`path_param`]) are `simple` style (`blue,black`, `R,100,G,200`); cookies
//! ([`Request::cookie_param`](crate::Request::cookie_param)) are `form` style, not exploded
//! (`color=blue,black`).
//!
//! # Values
//!
//! * `None`, `()` and JSON `null` are *no value*: the parameter is left out (no pair, no
//!   header, no cookie; an empty path segment). So an optional parameter is passed as its
//!   `&Option<T>` directly. A `null` item of an array, or a `null` property of an object, is
//!   left out of it (as RFC 6570 leaves out undefined values); an array or object with nothing
//!   left gives no pair.
//! * Strings are written unquoted; numbers and booleans as their text (`1.5`, `true`); a unit
//!   enum variant as its serde name, so an enum with `#[serde(rename = "...")]` gives its wire
//!   string; a newtype enum variant as a one-property object. A non-finite float is an error.
//! * Arrays of scalars and objects whose properties are scalars follow the table. Object keys
//!   may be strings, numbers, booleans or unit enum variants (as for JSON); any other key is an
//!   error.
//! * An array or object inside an array or object has no form in `form`, `spaceDelimited`,
//!   `pipeDelimited` or `simple` style: it is an error in those. **`deepObject` nests** by a common extension the OpenAPI
//!   specification does not define (it is what Rails, PHP and `qs` read): an object inside an
//!   object adds one bracketed key per level, `filter[a][b]=v`; the items of an array get empty
//!   brackets, `filter[ids][]=1&filter[ids][]=2`; a top-level array is `filter[]=1`. Servers
//!   disagree on objects inside arrays (`filter[][a]=v`), which follow the same rule.
//!
//! # Percent-encoding
//!
//! In a query string and a path segment everything but RFC 3986's unreserved characters
//! (`A-Z a-z 0-9 - . _ ~`) is percent-encoded, UTF-8 byte by byte (`allowReserved: false`, the
//! default): a space is `%20` (never `+`), a comma inside a value `%2C`. The delimiters the
//! style adds are written so that a strict RFC 3986 parser accepts the URL (OpenAPI issue
//! #1942): the comma, a legal sub-delimiter, stays literal, so a value's own commas (`%2C`)
//! remain distinguishable from it; the space delimiter is `%20`; the pipe, not legal in a
//! query, is `%7C`; `deepObject`'s brackets, not legal either, are `%5B`/`%5D` (Tomcat and other
//! strict servers answer 400 to raw ones, while Rails, PHP, Spring and `qs` decode the key
//! before reading its brackets). The style table above shows these encoded forms.
//!
//! Header values are written as they are (a value a header cannot carry, such as one with a
//! line break, makes the request fail when sent). Cookie values are percent-encoded where RFC
//! 6265 forbids the byte in a `cookie-octet` (controls, space, `"`, `,`, `;`, `\`, non-ASCII)
//! and at `%` itself, so that servers that percent-decode cookies read back the value sent;
//! the comma delimiter of an array stays literal, as OpenAPI's `form` style writes it.
//!
//! # Why a serializer of its own
//!
//! The value is serialised by a small [`serde::Serializer`] that writes the encoded pairs
//! straight into the request's query string (or the header, cookie or segment text), instead
//! of building a `serde_json::Value` first. `to_value` would allocate a tree of maps, owned
//! keys and owned strings for every parameter, then a string per pair; here a scalar or an
//! array of scalars costs no allocation beyond the growth of the one query string (a
//! `deepObject` parameter adds one string for its key path). That keeps a generated call within
//! a few allocations of hand-written `reqwest` code. Displayed values (`collect_str`, e.g. dates
//! and UUIDs) are encoded as they are formatted, without an intermediate `String`.
//!
//! # Errors
//!
//! Nothing here panics. A value that has no form in its style is a [`ParamError`];
//! [`Request`](crate::Request) keeps the first one and reports it as
//! [`Error::InvalidRequest`](crate::Error::InvalidRequest) when the request is sent.

use std::fmt::{self, Display, Write as _};

use serde::ser::{self, Impossible, Serialize};

/// How a query parameter is serialised (OpenAPI 3 `style`, with `explode` where it matters).
///
/// `spaceDelimited` and `pipeDelimited` have no exploded form in the table; `deepObject` is
/// always exploded.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum QueryStyle {
    /// `style: form`, the default of query parameters (whose default `explode` is `true`).
    Form { explode: bool },
    /// `style: spaceDelimited`: array items (or keys and values) joined by `%20`.
    SpaceDelimited,
    /// `style: pipeDelimited`: array items (or keys and values) joined by `|` (sent as `%7C`).
    PipeDelimited,
    /// `style: deepObject`: `name[key]=value` for each property; nests (see the module doc).
    DeepObject,
}

impl Default for QueryStyle {
    /// `form`, exploded: what OpenAPI assumes of a query parameter without a `style`.
    fn default() -> Self {
        QueryStyle::Form { explode: true }
    }
}

/// Why a parameter value has no wire form in its style.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParamError(String);

impl ParamError {
    fn new(message: impl Into<String>) -> Self {
        ParamError(message.into())
    }
}

impl Display for ParamError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for ParamError {}

impl ser::Error for ParamError {
    fn custom<T: Display>(message: T) -> Self {
        ParamError(message.to_string())
    }
}

/// The query pairs of one parameter, **already percent-encoded**: join each as `key=value`
/// and the pairs with `&` (a key or value never holds a raw `&` or `=`). No pair for no value.
///
/// ```
/// use vendor_runtime::{query_pairs, QueryStyle};
/// let pairs = query_pairs("id", &["a b", "c,d"], QueryStyle::Form { explode: false }).unwrap();
/// assert_eq!(pairs, [("id".to_owned(), "a%20b,c%2Cd".to_owned())]);
/// let none: Option<u32> = None;
/// assert!(query_pairs("limit", &none, QueryStyle::default()).unwrap().is_empty());
/// ```
pub fn query_pairs<T: Serialize + ?Sized>(name: &str, value: &T, style: QueryStyle) -> Result<Vec<(String, String)>, ParamError> {
    let mut query = String::new();
    append_query(&mut query, name, value, style)?;
    Ok(query
        .split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| match pair.split_once('=') {
            Some((key, value)) => (key.to_owned(), value.to_owned()),
            None => (pair.to_owned(), String::new()),
        })
        .collect())
}

/// Appends the pairs of one query parameter to `query`, an encoded query string (`&` between
/// pairs). On error `query` is left as it was.
pub(crate) fn append_query<T: Serialize + ?Sized>(query: &mut String, name: &str, value: &T, style: QueryStyle) -> Result<(), ParamError> {
    let (mode, key) = match style {
        QueryStyle::Form { explode: true } => (Mode::Exploded, String::new()),
        QueryStyle::Form { explode: false } => (Mode::Joined(","), String::new()),
        QueryStyle::SpaceDelimited => (Mode::Joined("%20"), String::new()),
        QueryStyle::PipeDelimited => (Mode::Joined("%7C"), String::new()),
        QueryStyle::DeepObject => {
            let mut key = String::with_capacity(name.len() + 16);
            encode_into(&mut key, name, Rule::Unreserved);
            (Mode::Deep, key)
        }
    };
    let mut cx = Cx { out: query, name: Some((name, Rule::Unreserved)), pair_separator: "&", rule: Rule::Unreserved, mode, key };
    cx.run(value).map(drop)
}

/// Appends one cookie, `name=value` (form style, not exploded), to `cookies`, the text of a
/// `Cookie` header (`; ` between cookies). Nothing for no value; on error `cookies` is left as
/// it was.
pub(crate) fn append_cookie<T: Serialize + ?Sized>(cookies: &mut String, name: &str, value: &T) -> Result<(), ParamError> {
    if !is_token(name) {
        return Err(ParamError::new(format!("`{name}` is not a valid cookie name")));
    }
    let mut cx = Cx { out: cookies, name: Some((name, Rule::Raw)), pair_separator: "; ", rule: Rule::Cookie, mode: Mode::Joined(","), key: String::new() };
    cx.run(value).map(drop)
}

/// The value of a header parameter (simple style), written as it is; `None` for no value.
pub(crate) fn header_value<T: Serialize + ?Sized>(value: &T) -> Result<Option<String>, ParamError> {
    let mut out = String::new();
    let mut cx = Cx { out: &mut out, name: None, pair_separator: "", rule: Rule::Raw, mode: Mode::Joined(","), key: String::new() };
    let present = cx.run(value)?;
    Ok(present.then_some(out))
}

/// A path parameter as a percent-encoded path segment (simple style): a scalar as its text,
/// an array as `a,b,c`, an object as `k1,v1,k2,v2`, the commas literal and everything but
/// RFC 3986's unreserved characters percent-encoded; no value gives an empty segment.
///
/// Made to fill a `{placeholder}` of the template given to [`Request::path`](crate::Request::path):
/// a value without a simple-style form (e.g. nested arrays) gives a marker that
/// `Request::path` recognises, and sending the request then fails with
/// [`Error::InvalidRequest`](crate::Error::InvalidRequest). Use [`try_path_param`] to see the
/// error yourself.
///
/// ```
/// use vendor_runtime::path_param;
/// assert_eq!(path_param(&"a/b c"), "a%2Fb%20c");
/// assert_eq!(path_param(&[1, 2, 3]), "1,2,3");
/// assert_eq!(path_param(&42u64), "42");
/// ```
pub fn path_param<T: Serialize + ?Sized>(value: &T) -> String {
    try_path_param(value).unwrap_or_else(|error| format!("{PATH_ERROR_MARKER}{error}{PATH_ERROR_MARKER}"))
}

/// [`path_param`], with its error.
pub fn try_path_param<T: Serialize + ?Sized>(value: &T) -> Result<String, ParamError> {
    let mut out = String::new();
    let mut cx = Cx { out: &mut out, name: None, pair_separator: "", rule: Rule::Unreserved, mode: Mode::Joined(","), key: String::new() };
    cx.run(value)?;
    Ok(out)
}

/// Brackets the error [`path_param`] puts in place of a segment. An encoded segment never holds
/// a NUL byte (it would be `%00`), so the marker cannot come from a value.
pub(crate) const PATH_ERROR_MARKER: char = '\0';

/// The error a path holds in place of a segment, if [`path_param`] put one there.
pub(crate) fn path_error(path: &str) -> Option<&str> {
    path.contains(PATH_ERROR_MARKER).then(|| path.split(PATH_ERROR_MARKER).nth(1).unwrap_or_default())
}

/// Percent-encodes `value` into `out`: everything but RFC 3986's unreserved characters.
pub(crate) fn encode_unreserved(out: &mut String, value: &str) {
    encode_into(out, value, Rule::Unreserved);
}

/// Whether `name` is an RFC 9110 token (a header or cookie name).
pub(crate) fn is_token(name: &str) -> bool {
    !name.is_empty()
        && name.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'!' | b'#' | b'$' | b'%' | b'&' | b'\'' | b'*' | b'+' | b'-' | b'.' | b'^' | b'_' | b'`' | b'|' | b'~'))
}

/// Which bytes of a value are written as they are; the others are percent-encoded.
#[derive(Clone, Copy, Debug)]
enum Rule {
    /// RFC 3986 unreserved characters only: query strings and path segments.
    Unreserved,
    /// RFC 6265 `cookie-octet`s, but `%`.
    Cookie,
    /// Every byte: header values, and cookie names (checked to be tokens).
    Raw,
}

impl Rule {
    fn keeps(self, byte: u8) -> bool {
        match self {
            Rule::Unreserved => byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~'),
            Rule::Cookie => matches!(byte, 0x21 | 0x23..=0x24 | 0x26..=0x2B | 0x2D..=0x3A | 0x3C..=0x5B | 0x5D..=0x7E),
            Rule::Raw => true,
        }
    }
}

fn encode_into(out: &mut String, value: &str, rule: Rule) {
    // Writing to a `String` cannot fail.
    let _ = encode_to(out, value, rule);
}

/// [`encode_into`] for any writer (a `String`, or a formatter in [`crate::PathSegment`]).
fn encode_to<W: fmt::Write + ?Sized>(out: &mut W, value: &str, rule: Rule) -> fmt::Result {
    if let Rule::Raw = rule {
        return out.write_str(value);
    }
    // Runs of kept bytes are copied whole. Kept bytes are ASCII, so a run starts and ends on
    // character boundaries; a multi-byte character is encoded byte by byte.
    let mut run_start = 0;
    for (at, byte) in value.bytes().enumerate() {
        if rule.keeps(byte) {
            continue;
        }
        if run_start < at {
            out.write_str(value.get(run_start..at).unwrap_or_default())?;
        }
        out.write_char('%')?;
        out.write_char(hex_digit(byte >> 4))?;
        out.write_char(hex_digit(byte & 0x0F))?;
        run_start = at + 1;
    }
    if run_start < value.len() {
        out.write_str(value.get(run_start..).unwrap_or_default())?;
    }
    Ok(())
}

/// Writes `value` as it formats itself, percent-encoded as a path segment is: everything but
/// RFC 3986's unreserved characters.
pub(crate) fn write_unreserved<W: fmt::Write + ?Sized, T: Display + ?Sized>(out: &mut W, value: &T) -> fmt::Result {
    write!(Encoder { out, rule: Rule::Unreserved }, "{value}")
}

/// The upper-case hex digit of a nibble.
fn hex_digit(nibble: u8) -> char {
    char::from(if nibble < 10 { b'0' + nibble } else { b'A' + (nibble - 10) })
}

/// A `fmt::Write` that percent-encodes what is written through it into `out` (a `String`, or
/// a formatter).
struct Encoder<'o, W: ?Sized> {
    out: &'o mut W,
    rule: Rule,
}

impl<W: fmt::Write + ?Sized> fmt::Write for Encoder<'_, W> {
    fn write_str(&mut self, text: &str) -> fmt::Result {
        encode_to(self.out, text, self.rule)
    }
}

/// One scalar value, borrowed: written (encoded) straight into the output.
enum Scalar<'v> {
    Str(&'v str),
    Display(&'v dyn Display),
}

impl Scalar<'_> {
    fn write(&self, out: &mut String, rule: Rule) -> Result<(), ParamError> {
        match self {
            Scalar::Str(text) => {
                encode_into(out, text, rule);
                Ok(())
            }
            Scalar::Display(value) => write!(Encoder { out, rule }, "{value}").map_err(|_| ParamError::new("a value failed to format itself")),
        }
    }
}

/// How the items of an array, or the properties of an object, become pairs.
#[derive(Clone, Copy, Debug)]
enum Mode {
    /// One pair (or value), its items joined by the delimiter: `form` not exploded, the
    /// delimited styles, `simple`.
    Joined(&'static str),
    /// `form` exploded: a pair per array item (`name=v`), per property (`key=v`).
    Exploded,
    /// `deepObject`: a pair per leaf, keyed by its path.
    Deep,
}

/// Where the output goes and by which rules.
struct Cx<'o, 'n> {
    out: &'o mut String,
    /// The name written before a value, `name=`, with its own rule; `None` for a header or a
    /// path segment, which are the value alone.
    name: Option<(&'n str, Rule)>,
    /// Between two pairs: `&` in a query, `; ` in a cookie header.
    pair_separator: &'static str,
    /// How values (and object keys) are encoded.
    rule: Rule,
    mode: Mode,
    /// `deepObject`: the encoded key of the value being written (`name%5Ba%5D...`).
    key: String,
}

impl Cx<'_, '_> {
    /// Serialises one parameter; `Ok(false)` when it had no value. On error the output is left
    /// as it was.
    fn run<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<bool, ParamError> {
        let mark = self.out.len();
        let position = match self.mode {
            Mode::Deep => Position::Deep,
            Mode::Joined(_) | Mode::Exploded => Position::Top,
        };
        let outcome = value.serialize(ValueSerializer { cx: self, position });
        if outcome.is_err() {
            self.out.truncate(mark);
        }
        outcome
    }

    fn pair_separator(&mut self) {
        if !self.out.is_empty() {
            self.out.push_str(self.pair_separator);
        }
    }

    /// Starts the parameter's own pair: `&name=` (nothing for a header or a path segment).
    fn head(&mut self) {
        if let Some((name, rule)) = self.name {
            self.pair_separator();
            encode_into(self.out, name, rule);
            self.out.push('=');
        }
    }

    /// Writes one scalar at `position`.
    fn scalar(&mut self, position: Position, value: Scalar<'_>) -> Result<bool, ParamError> {
        match (position, self.mode) {
            (Position::Top, _) | (Position::Item { .. }, Mode::Exploded) => self.head(),
            (Position::Item { first }, Mode::Joined(delimiter)) => {
                if !first {
                    self.out.push_str(delimiter);
                }
            }
            (Position::Deep, _) | (Position::Item { .. }, Mode::Deep) => {
                self.pair_separator();
                self.out.push_str(&self.key);
                self.out.push('=');
            }
            (Position::PropertyValue, _) => {}
        }
        value.write(self.out, self.rule)?;
        Ok(true)
    }

    /// Starts an array or an object (or, for `variant`, an externally tagged enum variant
    /// with fields: `{variant: [...]}` or `{variant: {...}}`) at `position`.
    fn begin(&mut self, position: Position, shape: Shape, variant: Option<&'static str>) -> Result<Compound, ParamError> {
        let deep = matches!(position, Position::Deep);
        if variant.is_some() && !deep {
            return Err(ParamError::new("an enum variant with fields nests an array or object, which only deepObject style can carry"));
        }
        let mark = self.out.len();
        let kind = match (position, self.mode) {
            (Position::Deep, _) => {
                let restore = self.key.len();
                if let Some(variant) = variant {
                    self.push_key(Scalar::Str(variant))?;
                }
                let base = self.key.len();
                if let Shape::Array = shape {
                    self.key.push_str("%5B%5D");
                }
                Kind::Deep { restore, base }
            }
            (Position::Top, Mode::Joined(_)) => {
                self.head();
                Kind::Joined
            }
            (Position::Top, _) => Kind::Exploded,
            (Position::Item { .. } | Position::PropertyValue, _) => {
                return Err(ParamError::new("an array or object inside an array or object has a form only in deepObject style"))
            }
        };
        Ok(Compound { kind, mark, any: false, entry: mark })
    }

    /// Appends `[key]` (encoded) to the `deepObject` key path.
    fn push_key(&mut self, key: Scalar<'_>) -> Result<(), ParamError> {
        self.key.push_str("%5B");
        key.write(&mut self.key, Rule::Unreserved)?;
        self.key.push_str("%5D");
        Ok(())
    }
}

/// Where a value sits in its parameter.
#[derive(Clone, Copy, Debug)]
enum Position {
    /// The parameter itself (not `deepObject`).
    Top,
    /// An item of a top-level array; `first` when no item was written before it.
    Item { first: bool },
    /// The value of a property of a top-level object, its key already written.
    PropertyValue,
    /// Anywhere in a `deepObject` parameter, the key path in `Cx::key`.
    Deep,
}

#[derive(Clone, Copy, Debug)]
enum Shape {
    Array,
    Object,
}

/// An array or object being written.
struct Compound {
    kind: Kind,
    /// The output length before it: what is restored when it turns out to have no value.
    mark: usize,
    /// Whether an item or property with a value was written.
    any: bool,
    /// The output length before the current property, restored when its value is `null`.
    entry: usize,
}

#[derive(Clone, Copy, Debug)]
enum Kind {
    Joined,
    Exploded,
    /// `restore`: the key path length before this value; `base`: its length with this value's
    /// own key (properties are appended after it).
    Deep { restore: usize, base: usize },
}

/// The serializer of one value (the parameter, an item, a property value).
struct ValueSerializer<'c, 'o, 'n> {
    cx: &'c mut Cx<'o, 'n>,
    position: Position,
}

/// The serializer of an array or object in progress.
struct CompoundSerializer<'c, 'o, 'n> {
    cx: &'c mut Cx<'o, 'n>,
    state: Compound,
}

impl CompoundSerializer<'_, '_, '_> {
    fn item<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), ParamError> {
        let position = match self.state.kind {
            Kind::Deep { .. } => Position::Deep,
            Kind::Joined | Kind::Exploded => Position::Item { first: !self.state.any },
        };
        self.state.any |= value.serialize(ValueSerializer { cx: &mut *self.cx, position })?;
        Ok(())
    }

    fn key(&mut self, key: Scalar<'_>) -> Result<(), ParamError> {
        let cx = &mut *self.cx;
        self.state.entry = cx.out.len();
        match (self.state.kind, cx.mode) {
            (Kind::Deep { base, .. }, _) => {
                cx.key.truncate(base);
                cx.push_key(key)?;
            }
            (Kind::Joined, Mode::Joined(delimiter)) => {
                if self.state.any {
                    cx.out.push_str(delimiter);
                }
                key.write(cx.out, cx.rule)?;
                cx.out.push_str(delimiter);
            }
            (Kind::Joined | Kind::Exploded, _) => {
                cx.pair_separator();
                key.write(cx.out, cx.rule)?;
                cx.out.push('=');
            }
        }
        Ok(())
    }

    fn value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), ParamError> {
        let position = match self.state.kind {
            Kind::Deep { .. } => Position::Deep,
            Kind::Joined | Kind::Exploded => Position::PropertyValue,
        };
        if value.serialize(ValueSerializer { cx: &mut *self.cx, position })? {
            self.state.any = true;
        } else if !matches!(self.state.kind, Kind::Deep { .. }) {
            // A `null` property is left out, its key with it.
            self.cx.out.truncate(self.state.entry);
        }
        Ok(())
    }

    fn field<T: Serialize + ?Sized>(&mut self, key: &'static str, value: &T) -> Result<(), ParamError> {
        self.key(Scalar::Str(key))?;
        self.value(value)
    }

    fn end(self) -> Result<bool, ParamError> {
        let cx = self.cx;
        if let Kind::Deep { restore, .. } = self.state.kind {
            cx.key.truncate(restore);
        }
        if !self.state.any {
            // Nothing with a value: not even `name=`.
            cx.out.truncate(self.state.mark);
        }
        Ok(self.state.any)
    }
}

macro_rules! display_scalars {
    ($($method:ident: $type:ty),* $(,)?) => {
        $(fn $method(self, value: $type) -> Result<bool, ParamError> {
            self.cx.scalar(self.position, Scalar::Display(&value))
        })*
    };
}

fn finite_float(value: f64) -> Result<(), ParamError> {
    if value.is_finite() {
        Ok(())
    } else {
        Err(ParamError::new(format!("{value} is not a number a parameter can carry")))
    }
}

impl<'c, 'o, 'n> ser::Serializer for ValueSerializer<'c, 'o, 'n> {
    /// Whether there was a value (`false` for `None`, `()`, and arrays or objects with nothing
    /// but `null`s).
    type Ok = bool;
    type Error = ParamError;
    type SerializeSeq = CompoundSerializer<'c, 'o, 'n>;
    type SerializeTuple = CompoundSerializer<'c, 'o, 'n>;
    type SerializeTupleStruct = CompoundSerializer<'c, 'o, 'n>;
    type SerializeTupleVariant = CompoundSerializer<'c, 'o, 'n>;
    type SerializeMap = CompoundSerializer<'c, 'o, 'n>;
    type SerializeStruct = CompoundSerializer<'c, 'o, 'n>;
    type SerializeStructVariant = CompoundSerializer<'c, 'o, 'n>;

    display_scalars! {
        serialize_i8: i8, serialize_i16: i16, serialize_i32: i32, serialize_i64: i64, serialize_i128: i128,
        serialize_u8: u8, serialize_u16: u16, serialize_u32: u32, serialize_u64: u64, serialize_u128: u128,
    }

    fn serialize_bool(self, value: bool) -> Result<bool, ParamError> {
        self.cx.scalar(self.position, Scalar::Str(if value { "true" } else { "false" }))
    }

    fn serialize_f32(self, value: f32) -> Result<bool, ParamError> {
        finite_float(f64::from(value))?;
        self.cx.scalar(self.position, Scalar::Display(&value))
    }

    fn serialize_f64(self, value: f64) -> Result<bool, ParamError> {
        finite_float(value)?;
        self.cx.scalar(self.position, Scalar::Display(&value))
    }

    fn serialize_char(self, value: char) -> Result<bool, ParamError> {
        let mut buffer = [0; 4];
        self.cx.scalar(self.position, Scalar::Str(value.encode_utf8(&mut buffer)))
    }

    fn serialize_str(self, value: &str) -> Result<bool, ParamError> {
        self.cx.scalar(self.position, Scalar::Str(value))
    }

    fn collect_str<T: Display + ?Sized>(self, value: &T) -> Result<bool, ParamError> {
        // Wrapped so that a `?Sized` value can be a `dyn Display`.
        struct Shown<'v, T: ?Sized>(&'v T);
        impl<T: Display + ?Sized> Display for Shown<'_, T> {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }
        self.cx.scalar(self.position, Scalar::Display(&Shown(value)))
    }

    /// As JSON has it: an array of numbers.
    fn serialize_bytes(self, value: &[u8]) -> Result<bool, ParamError> {
        let mut array = self.serialize_seq(Some(value.len()))?;
        for byte in value {
            ser::SerializeSeq::serialize_element(&mut array, byte)?;
        }
        ser::SerializeSeq::end(array)
    }

    fn serialize_none(self) -> Result<bool, ParamError> {
        Ok(false)
    }

    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<bool, ParamError> {
        value.serialize(self)
    }

    fn serialize_unit(self) -> Result<bool, ParamError> {
        Ok(false)
    }

    fn serialize_unit_struct(self, _name: &'static str) -> Result<bool, ParamError> {
        Ok(false)
    }

    fn serialize_unit_variant(self, _name: &'static str, _index: u32, variant: &'static str) -> Result<bool, ParamError> {
        self.cx.scalar(self.position, Scalar::Str(variant))
    }

    fn serialize_newtype_struct<T: Serialize + ?Sized>(self, _name: &'static str, value: &T) -> Result<bool, ParamError> {
        value.serialize(self)
    }

    fn serialize_newtype_variant<T: Serialize + ?Sized>(self, _name: &'static str, _index: u32, variant: &'static str, value: &T) -> Result<bool, ParamError> {
        let mut object = self.serialize_map(Some(1))?;
        object.field(variant, value)?;
        object.end()
    }

    fn serialize_seq(self, _len: Option<usize>) -> Result<Self::SerializeSeq, ParamError> {
        let state = self.cx.begin(self.position, Shape::Array, None)?;
        Ok(CompoundSerializer { cx: self.cx, state })
    }

    fn serialize_tuple(self, len: usize) -> Result<Self::SerializeTuple, ParamError> {
        self.serialize_seq(Some(len))
    }

    fn serialize_tuple_struct(self, _name: &'static str, len: usize) -> Result<Self::SerializeTupleStruct, ParamError> {
        self.serialize_seq(Some(len))
    }

    fn serialize_tuple_variant(self, _name: &'static str, _index: u32, variant: &'static str, _len: usize) -> Result<Self::SerializeTupleVariant, ParamError> {
        let state = self.cx.begin(self.position, Shape::Array, Some(variant))?;
        Ok(CompoundSerializer { cx: self.cx, state })
    }

    fn serialize_map(self, _len: Option<usize>) -> Result<Self::SerializeMap, ParamError> {
        let state = self.cx.begin(self.position, Shape::Object, None)?;
        Ok(CompoundSerializer { cx: self.cx, state })
    }

    fn serialize_struct(self, _name: &'static str, len: usize) -> Result<Self::SerializeStruct, ParamError> {
        self.serialize_map(Some(len))
    }

    fn serialize_struct_variant(self, _name: &'static str, _index: u32, variant: &'static str, _len: usize) -> Result<Self::SerializeStructVariant, ParamError> {
        let state = self.cx.begin(self.position, Shape::Object, Some(variant))?;
        Ok(CompoundSerializer { cx: self.cx, state })
    }
}

impl ser::SerializeSeq for CompoundSerializer<'_, '_, '_> {
    type Ok = bool;
    type Error = ParamError;

    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), ParamError> {
        self.item(value)
    }

    fn end(self) -> Result<bool, ParamError> {
        CompoundSerializer::end(self)
    }
}

impl ser::SerializeTuple for CompoundSerializer<'_, '_, '_> {
    type Ok = bool;
    type Error = ParamError;

    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), ParamError> {
        self.item(value)
    }

    fn end(self) -> Result<bool, ParamError> {
        CompoundSerializer::end(self)
    }
}

impl ser::SerializeTupleStruct for CompoundSerializer<'_, '_, '_> {
    type Ok = bool;
    type Error = ParamError;

    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), ParamError> {
        self.item(value)
    }

    fn end(self) -> Result<bool, ParamError> {
        CompoundSerializer::end(self)
    }
}

impl ser::SerializeTupleVariant for CompoundSerializer<'_, '_, '_> {
    type Ok = bool;
    type Error = ParamError;

    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), ParamError> {
        self.item(value)
    }

    fn end(self) -> Result<bool, ParamError> {
        CompoundSerializer::end(self)
    }
}

impl ser::SerializeMap for CompoundSerializer<'_, '_, '_> {
    type Ok = bool;
    type Error = ParamError;

    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<(), ParamError> {
        key.serialize(KeySerializer { compound: self })
    }

    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), ParamError> {
        self.value(value)
    }

    fn end(self) -> Result<bool, ParamError> {
        CompoundSerializer::end(self)
    }
}

impl ser::SerializeStruct for CompoundSerializer<'_, '_, '_> {
    type Ok = bool;
    type Error = ParamError;

    fn serialize_field<T: Serialize + ?Sized>(&mut self, key: &'static str, value: &T) -> Result<(), ParamError> {
        self.field(key, value)
    }

    fn end(self) -> Result<bool, ParamError> {
        CompoundSerializer::end(self)
    }
}

impl ser::SerializeStructVariant for CompoundSerializer<'_, '_, '_> {
    type Ok = bool;
    type Error = ParamError;

    fn serialize_field<T: Serialize + ?Sized>(&mut self, key: &'static str, value: &T) -> Result<(), ParamError> {
        self.field(key, value)
    }

    fn end(self) -> Result<bool, ParamError> {
        CompoundSerializer::end(self)
    }
}

/// The serializer of an object key: a scalar, written where the object's mode puts it.
struct KeySerializer<'k, 'c, 'o, 'n> {
    compound: &'k mut CompoundSerializer<'c, 'o, 'n>,
}

fn key_error() -> ParamError {
    ParamError::new("an object key must be a string, a number, a boolean or a unit enum variant")
}

macro_rules! display_keys {
    ($($method:ident: $type:ty),* $(,)?) => {
        $(fn $method(self, value: $type) -> Result<(), ParamError> {
            self.compound.key(Scalar::Display(&value))
        })*
    };
}

impl ser::Serializer for KeySerializer<'_, '_, '_, '_> {
    type Ok = ();
    type Error = ParamError;
    type SerializeSeq = Impossible<(), ParamError>;
    type SerializeTuple = Impossible<(), ParamError>;
    type SerializeTupleStruct = Impossible<(), ParamError>;
    type SerializeTupleVariant = Impossible<(), ParamError>;
    type SerializeMap = Impossible<(), ParamError>;
    type SerializeStruct = Impossible<(), ParamError>;
    type SerializeStructVariant = Impossible<(), ParamError>;

    display_keys! {
        serialize_i8: i8, serialize_i16: i16, serialize_i32: i32, serialize_i64: i64, serialize_i128: i128,
        serialize_u8: u8, serialize_u16: u16, serialize_u32: u32, serialize_u64: u64, serialize_u128: u128,
    }

    fn serialize_bool(self, value: bool) -> Result<(), ParamError> {
        self.compound.key(Scalar::Str(if value { "true" } else { "false" }))
    }

    fn serialize_f32(self, value: f32) -> Result<(), ParamError> {
        finite_float(f64::from(value))?;
        self.compound.key(Scalar::Display(&value))
    }

    fn serialize_f64(self, value: f64) -> Result<(), ParamError> {
        finite_float(value)?;
        self.compound.key(Scalar::Display(&value))
    }

    fn serialize_char(self, value: char) -> Result<(), ParamError> {
        let mut buffer = [0; 4];
        self.compound.key(Scalar::Str(value.encode_utf8(&mut buffer)))
    }

    fn serialize_str(self, value: &str) -> Result<(), ParamError> {
        self.compound.key(Scalar::Str(value))
    }

    fn serialize_bytes(self, _value: &[u8]) -> Result<(), ParamError> {
        Err(key_error())
    }

    fn serialize_none(self) -> Result<(), ParamError> {
        Err(key_error())
    }

    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<(), ParamError> {
        value.serialize(self)
    }

    fn serialize_unit(self) -> Result<(), ParamError> {
        Err(key_error())
    }

    fn serialize_unit_struct(self, _name: &'static str) -> Result<(), ParamError> {
        Err(key_error())
    }

    fn serialize_unit_variant(self, _name: &'static str, _index: u32, variant: &'static str) -> Result<(), ParamError> {
        self.compound.key(Scalar::Str(variant))
    }

    fn serialize_newtype_struct<T: Serialize + ?Sized>(self, _name: &'static str, value: &T) -> Result<(), ParamError> {
        value.serialize(self)
    }

    fn serialize_newtype_variant<T: Serialize + ?Sized>(self, _name: &'static str, _index: u32, _variant: &'static str, _value: &T) -> Result<(), ParamError> {
        Err(key_error())
    }

    fn serialize_seq(self, _len: Option<usize>) -> Result<Self::SerializeSeq, ParamError> {
        Err(key_error())
    }

    fn serialize_tuple(self, _len: usize) -> Result<Self::SerializeTuple, ParamError> {
        Err(key_error())
    }

    fn serialize_tuple_struct(self, _name: &'static str, _len: usize) -> Result<Self::SerializeTupleStruct, ParamError> {
        Err(key_error())
    }

    fn serialize_tuple_variant(self, _name: &'static str, _index: u32, _variant: &'static str, _len: usize) -> Result<Self::SerializeTupleVariant, ParamError> {
        Err(key_error())
    }

    fn serialize_map(self, _len: Option<usize>) -> Result<Self::SerializeMap, ParamError> {
        Err(key_error())
    }

    fn serialize_struct(self, _name: &'static str, _len: usize) -> Result<Self::SerializeStruct, ParamError> {
        Err(key_error())
    }

    fn serialize_struct_variant(self, _name: &'static str, _index: u32, _variant: &'static str, _len: usize) -> Result<Self::SerializeStructVariant, ParamError> {
        Err(key_error())
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use serde::Serialize;
    use serde_json::json;

    use super::*;

    const EXPLODED: QueryStyle = QueryStyle::Form { explode: true };
    const JOINED: QueryStyle = QueryStyle::Form { explode: false };

    fn query<T: Serialize + ?Sized>(name: &str, value: &T, style: QueryStyle) -> String {
        let mut out = String::new();
        append_query(&mut out, name, value, style).unwrap();
        out
    }

    fn error<T: Serialize + ?Sized>(value: &T, style: QueryStyle) -> String {
        let mut out = String::from("kept=1");
        let error = append_query(&mut out, "p", value, style).unwrap_err();
        assert_eq!(out, "kept=1", "the query is left as it was");
        error.to_string()
    }

    #[derive(Serialize)]
    struct Color {
        #[serde(rename = "R")]
        r: u8,
        #[serde(rename = "G")]
        g: u8,
        #[serde(rename = "B")]
        b: u8,
    }

    const COLOR: Color = Color { r: 100, g: 200, b: 150 };
    const COLORS: [&str; 3] = ["blue", "black", "brown"];

    #[derive(Serialize)]
    #[serde(rename_all = "SCREAMING_SNAKE_CASE")]
    enum Status {
        InProgress,
        #[serde(rename = "done!")]
        Done,
    }

    /// The rows of the OpenAPI 3.0.3 style table, with delimiters encoded as the module doc says.
    #[test]
    fn the_style_table() {
        let rows: [(QueryStyle, &str, &str, &str); 5] = [
            (EXPLODED, "color=blue", "color=blue&color=black&color=brown", "R=100&G=200&B=150"),
            (JOINED, "color=blue", "color=blue,black,brown", "color=R,100,G,200,B,150"),
            (QueryStyle::SpaceDelimited, "color=blue", "color=blue%20black%20brown", "color=R%20100%20G%20200%20B%20150"),
            (QueryStyle::PipeDelimited, "color=blue", "color=blue%7Cblack%7Cbrown", "color=R%7C100%7CG%7C200%7CB%7C150"),
            (
                QueryStyle::DeepObject,
                "color=blue",
                "color%5B%5D=blue&color%5B%5D=black&color%5B%5D=brown",
                "color%5BR%5D=100&color%5BG%5D=200&color%5BB%5D=150",
            ),
        ];
        for (style, string, array, object) in rows {
            assert_eq!(query("color", "blue", style), string, "{style:?}");
            assert_eq!(query("color", &COLORS, style), array, "{style:?}");
            assert_eq!(query("color", &COLOR, style), object, "{style:?}");
            // The same object as a map, and as JSON.
            let map = BTreeMap::from([("B", 150), ("G", 200), ("R", 100)]);
            let sorted = query("color", &map, style);
            assert_eq!(query("color", &json!({"B": 150, "G": 200, "R": 100}), style), sorted, "{style:?}");
        }
    }

    #[test]
    fn no_value_gives_no_pair() {
        let none: Option<Vec<u32>> = None;
        let empty: [u32; 0] = [];
        for style in [EXPLODED, JOINED, QueryStyle::SpaceDelimited, QueryStyle::PipeDelimited, QueryStyle::DeepObject] {
            assert_eq!(query("p", &none, style), "", "{style:?}");
            assert_eq!(query("p", &(), style), "", "{style:?}");
            assert_eq!(query("p", &json!(null), style), "", "{style:?}");
            assert_eq!(query("p", &empty, style), "", "{style:?}");
            assert_eq!(query("p", &json!({}), style), "", "{style:?}");
            assert_eq!(query("p", &[None::<u8>, None], style), "", "{style:?}");
            assert_eq!(query("p", &json!({"a": null}), style), "", "{style:?}");
        }
        // An empty string is a value.
        assert_eq!(query("p", "", EXPLODED), "p=");
        assert_eq!(query("p", &Some(""), JOINED), "p=");
    }

    #[test]
    fn nulls_inside_arrays_and_objects_are_left_out() {
        assert_eq!(query("p", &[None, Some(1), None, Some(2)], JOINED), "p=1,2");
        assert_eq!(query("p", &[None, Some(1), None, Some(2)], EXPLODED), "p=1&p=2");
        let object = json!({"a": null, "b": 1, "c": null, "d": ""});
        assert_eq!(query("p", &object, JOINED), "p=b,1,d,");
        assert_eq!(query("p", &object, EXPLODED), "b=1&d=");
        assert_eq!(query("p", &object, QueryStyle::DeepObject), "p%5Bb%5D=1&p%5Bd%5D=");
    }

    #[test]
    fn pairs_follow_what_the_query_holds() {
        let mut out = String::new();
        append_query(&mut out, "a", &1, EXPLODED).unwrap();
        append_query(&mut out, "b", &[2, 3], EXPLODED).unwrap();
        append_query(&mut out, "c", &None::<u8>, EXPLODED).unwrap();
        append_query(&mut out, "d", &json!({"x": 4}), QueryStyle::DeepObject).unwrap();
        assert_eq!(out, "a=1&b=2&b=3&d%5Bx%5D=4");
        assert_eq!(
            query_pairs("f", &json!({"k": "a=b&c"}), QueryStyle::DeepObject).unwrap(),
            [("f%5Bk%5D".to_owned(), "a%3Db%26c".to_owned())]
        );
        assert_eq!(query_pairs("e", "", EXPLODED).unwrap(), [("e".to_owned(), String::new())]);
    }

    #[test]
    fn scalars_are_their_text() {
        assert_eq!(query("p", &-12i64, EXPLODED), "p=-12");
        assert_eq!(query("p", &u128::MAX, EXPLODED), "p=340282366920938463463374607431768211455");
        assert_eq!(query("p", &1.5f64, EXPLODED), "p=1.5");
        assert_eq!(query("p", &0.1f32, EXPLODED), "p=0.1");
        assert_eq!(query("p", &true, EXPLODED), "p=true");
        assert_eq!(query("p", &'é', EXPLODED), "p=%C3%A9");
        assert_eq!(query("p", &Status::InProgress, EXPLODED), "p=IN_PROGRESS");
        assert_eq!(query("p", &[Status::Done, Status::InProgress], JOINED), "p=done%21,IN_PROGRESS");
        // Displayed values (chrono, uuid, ...) are encoded as they are formatted.
        let when = chrono::DateTime::parse_from_rfc3339("2024-05-06T07:08:09+02:00").unwrap();
        assert_eq!(query("since", &when, EXPLODED), "since=2024-05-06T07%3A08%3A09%2B02%3A00");
        // Bytes as JSON has them.
        assert_eq!(query("p", &Bytes(&[1, 2]), JOINED), "p=1,2");
    }

    /// Serialises with `serialize_bytes`.
    struct Bytes<'b>(&'b [u8]);

    impl Serialize for Bytes<'_> {
        fn serialize<S: ser::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            serializer.serialize_bytes(self.0)
        }
    }

    #[test]
    fn everything_but_unreserved_characters_is_percent_encoded() {
        assert_eq!(query("a b[c]", "x y,z&=+/?#%é😀~-._", EXPLODED), "a%20b%5Bc%5D=x%20y%2Cz%26%3D%2B%2F%3F%23%25%C3%A9%F0%9F%98%80~-._");
        assert_eq!(query("p", &["a,b", "c|d", "e f"], JOINED), "p=a%2Cb,c%7Cd,e%20f");
        assert_eq!(query("p", &json!({"k[1]": "v]"}), QueryStyle::DeepObject), "p%5Bk%5B1%5D%5D=v%5D");
    }

    #[test]
    fn deep_objects_nest_by_the_bracket_extension() {
        // Keys in sorted order: serde_json keeps insertion order when another crate of the
        // build enables its `preserve_order` feature, and sorts them otherwise.
        let filter = json!({
            "birth": {"gte": "1970-01-01", "lt": null},
            "ids": [1, 2],
            "name": "ivan",
            "pairs": [[1, 2]],
            "rows": [{"a": 1}],
            "tags": [],
        });
        assert_eq!(
            query("filter", &filter, QueryStyle::DeepObject),
            "filter%5Bbirth%5D%5Bgte%5D=1970-01-01\
             &filter%5Bids%5D%5B%5D=1&filter%5Bids%5D%5B%5D=2\
             &filter%5Bname%5D=ivan\
             &filter%5Bpairs%5D%5B%5D%5B%5D=1&filter%5Bpairs%5D%5B%5D%5B%5D=2\
             &filter%5Brows%5D%5B%5D%5Ba%5D=1"
        );
    }

    #[test]
    fn enum_variants_with_data_are_one_property_objects() {
        #[derive(Serialize)]
        enum Filter {
            Id(u32),
            Range(u32, u32),
            Named { first: String },
        }
        assert_eq!(query("f", &Filter::Id(7), EXPLODED), "Id=7");
        assert_eq!(query("f", &Filter::Id(7), JOINED), "f=Id,7");
        assert_eq!(query("f", &Filter::Id(7), QueryStyle::DeepObject), "f%5BId%5D=7");
        assert_eq!(query("f", &Filter::Range(1, 2), QueryStyle::DeepObject), "f%5BRange%5D%5B%5D=1&f%5BRange%5D%5B%5D=2");
        assert_eq!(query("f", &Filter::Named { first: "a".into() }, QueryStyle::DeepObject), "f%5BNamed%5D%5Bfirst%5D=a");
        assert!(error(&Filter::Range(1, 2), EXPLODED).contains("only deepObject"));
    }

    #[test]
    fn values_without_a_form_are_errors() {
        assert!(error(&[[1, 2]], JOINED).contains("only in deepObject"));
        assert!(error(&json!({"a": {"b": 1}}), EXPLODED).contains("only in deepObject"));
        assert!(error(&json!({"a": [1]}), QueryStyle::PipeDelimited).contains("only in deepObject"));
        let tuple_keys = BTreeMap::from([((1, 2), "x")]);
        for style in [EXPLODED, JOINED, QueryStyle::DeepObject] {
            assert!(error(&tuple_keys, style).contains("an object key must be"), "{style:?}");
        }
        assert!(error(&f64::NAN, EXPLODED).contains("NaN"));
        assert!(error(&[1.0, f64::INFINITY], JOINED).contains("inf"));
        // Scalar keys are written as their text, as JSON would.
        assert_eq!(query("p", &BTreeMap::from([(1, "a"), (2, "b")]), EXPLODED), "1=a&2=b");
    }

    #[test]
    fn headers_are_simple_style_and_unencoded() {
        assert_eq!(header_value(&COLORS).unwrap().as_deref(), Some("blue,black,brown"));
        assert_eq!(header_value(&COLOR).unwrap().as_deref(), Some("R,100,G,200,B,150"));
        assert_eq!(header_value("a b/c").unwrap().as_deref(), Some("a b/c"));
        assert_eq!(header_value(&Status::InProgress).unwrap().as_deref(), Some("IN_PROGRESS"));
        assert_eq!(header_value(&None::<String>).unwrap(), None);
        assert_eq!(header_value(&Vec::<u8>::new()).unwrap(), None);
        assert!(header_value(&[[1]]).is_err());
    }

    #[test]
    fn cookies_are_form_style_encoded_where_rfc_6265_forbids() {
        let mut cookies = String::new();
        append_cookie(&mut cookies, "session", "a b;c\"d,e%f\\g=h/é").unwrap();
        append_cookie(&mut cookies, "absent", &None::<u8>).unwrap();
        append_cookie(&mut cookies, "ids", &[1, 2]).unwrap();
        append_cookie(&mut cookies, "color", &COLOR).unwrap();
        assert_eq!(cookies, "session=a%20b%3Bc%22d%2Ce%25f%5Cg=h/%C3%A9; ids=1,2; color=R,100,G,200,B,150");
        assert!(append_cookie(&mut cookies, "bad name", &1).is_err());
        assert!(append_cookie(&mut cookies, "nested", &[[1]]).is_err());
        assert!(cookies.ends_with("B,150"), "left as it was: {cookies}");
    }

    #[test]
    fn path_segments_are_simple_style_and_encoded() {
        assert_eq!(path_param("a/b c?é"), "a%2Fb%20c%3F%C3%A9");
        assert_eq!(path_param(&["a,b", "c"]), "a%2Cb,c");
        assert_eq!(path_param(&COLOR), "R,100,G,200,B,150");
        assert_eq!(path_param(&Status::Done), "done%21");
        assert_eq!(path_param(&None::<u8>), "");
        let broken = path_param(&[[1]]);
        assert!(path_error(&broken).is_some_and(|why| why.contains("only in deepObject")), "{broken:?}");
        assert_eq!(path_error(&format!("/a/{}/b", path_param(&3))), None);
        assert!(try_path_param(&[[1]]).is_err());
    }
}
