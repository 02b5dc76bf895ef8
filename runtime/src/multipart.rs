//! `multipart/form-data` bodies (RFC 7578): text parts, JSON parts and file parts.
//!
//! A generated operation whose body is multipart builds a [`Multipart`] from its body struct:
//! each property is one part, a file property ([`FilePart`]: bytes, file name, media type) a
//! file part. The encoded body is held whole, so a call can be retried.
//!
//! ```
//! use vendor_runtime::{FilePart, Multipart};
//! let logo = FilePart::new(vec![0x89, b'P', b'N', b'G']).file_name("logo.png").content_type("image/png");
//! let form = Multipart::new().field("title", "Our \"logo\"").field("tags", &["a", "b"]).file("upload", &logo);
//! let body = String::from_utf8_lossy(&form.encode("XyZ")).into_owned();
//! assert!(body.starts_with("--XyZ\r\ncontent-disposition: form-data; name=\"title\"\r\n\r\nOur \"logo\"\r\n"));
//! assert!(body.contains("name=\"tags\"\r\n\r\na\r\n--XyZ\r\ncontent-disposition: form-data; name=\"tags\"\r\n\r\nb\r\n"));
//! assert!(body.contains("name=\"upload\"; filename=\"logo.png\"\r\ncontent-type: image/png\r\n\r\n"));
//! assert!(body.ends_with("\r\n--XyZ--\r\n"));
//! ```

use std::fmt;

use bytes::Bytes;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::Value;

/// A file sent in a multipart body: its bytes, and the file name and media type the server
/// is told. Without a media type a file part is `application/octet-stream`.
#[derive(Clone, PartialEq, Eq, Default)]
pub struct FilePart {
    bytes: Bytes,
    file_name: Option<String>,
    content_type: Option<String>,
}

impl FilePart {
    pub fn new(bytes: impl Into<Bytes>) -> Self {
        FilePart { bytes: bytes.into(), file_name: None, content_type: None }
    }

    pub fn file_name(mut self, file_name: impl Into<String>) -> Self {
        self.file_name = Some(file_name.into());
        self
    }

    pub fn content_type(mut self, content_type: impl Into<String>) -> Self {
        self.content_type = Some(content_type.into());
        self
    }

    pub fn bytes(&self) -> &Bytes {
        &self.bytes
    }

    pub fn get_file_name(&self) -> Option<&str> {
        self.file_name.as_deref()
    }

    pub fn get_content_type(&self) -> Option<&str> {
        self.content_type.as_deref()
    }
}

impl From<Vec<u8>> for FilePart {
    fn from(bytes: Vec<u8>) -> Self {
        FilePart::new(bytes)
    }
}

impl From<Bytes> for FilePart {
    fn from(bytes: Bytes) -> Self {
        FilePart::new(bytes)
    }
}

/// The length, not the content: a file may hold anything, credentials included.
impl fmt::Debug for FilePart {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FilePart")
            .field("file_name", &self.file_name)
            .field("content_type", &self.content_type)
            .field("len", &self.bytes.len())
            .finish()
    }
}

/// Outside a multipart body (a document that puts `format: binary` in JSON), a file is its
/// content as text.
impl Serialize for FilePart {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&String::from_utf8_lossy(&self.bytes))
    }
}

impl<'de> Deserialize<'de> for FilePart {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        String::deserialize(deserializer).map(|text| FilePart::new(text.into_bytes()))
    }
}

/// The parts of a `multipart/form-data` body, in order.
#[derive(Clone, Default)]
pub struct Multipart {
    parts: Vec<Part>,
    /// Why a part could not be written: the first such problem, reported when sent.
    pub(crate) problem: Option<String>,
}

#[derive(Clone)]
struct Part {
    name: String,
    file_name: Option<String>,
    content_type: Option<String>,
    bytes: Bytes,
}

impl Multipart {
    pub fn new() -> Self {
        Multipart::default()
    }

    /// A text part.
    pub fn text(mut self, name: &str, value: impl Into<String>) -> Self {
        let value: String = value.into();
        self.push(name, None, None, Bytes::from(value));
        self
    }

    /// A property of any serialisable type: a string, number or boolean is a text part; an
    /// array of them one part per item under the same name; an object (or an array of
    /// objects) one `application/json` part; nothing for `None`.
    pub fn field<T: Serialize + ?Sized>(mut self, name: &str, value: &T) -> Self {
        match serde_json::to_value(value) {
            Ok(value) => self.push_value(name, value),
            Err(e) => {
                self.problem.get_or_insert(format!("multipart field `{name}` does not serialise: {e}"));
            }
        }
        self
    }

    /// A property in OpenAPI's `deepObject` style (Stripe's multipart bodies): an object or
    /// array is one text part per scalar inside it, named `name[key]`, `name[]`, `name[0][key]`.
    pub fn deep_field<T: Serialize + ?Sized>(mut self, name: &str, value: &T) -> Self {
        match serde_json::to_value(value) {
            Ok(value @ (Value::Object(_) | Value::Array(_))) => {
                let mut parts = Vec::new();
                crate::form::flatten(name, &value, &mut |name, text| parts.push((name.to_owned(), text.to_owned())));
                for (name, text) in parts {
                    self.push(&name, None, None, Bytes::from(text));
                }
            }
            Ok(value) => self.push_value(name, value),
            Err(e) => {
                self.problem.get_or_insert(format!("multipart field `{name}` does not serialise: {e}"));
            }
        }
        self
    }

    /// Every property of a serialisable object, each by [`Multipart::field`].
    pub fn fields<T: Serialize + ?Sized>(value: &T) -> Self {
        let mut form = Multipart::new();
        match serde_json::to_value(value) {
            Ok(Value::Object(properties)) => {
                for (name, value) in properties {
                    form.push_value(&name, value);
                }
            }
            Ok(Value::Null) => {}
            Ok(other) => {
                form.problem = Some(format!("a multipart body is an object of fields, not `{other}`"));
            }
            Err(e) => form.problem = Some(format!("the multipart body does not serialise: {e}")),
        }
        form
    }

    /// A file part.
    pub fn file(mut self, name: &str, file: &FilePart) -> Self {
        let content_type = file.content_type.clone().or_else(|| Some("application/octet-stream".to_owned()));
        self.push(name, Some(file.file_name.clone().unwrap_or_else(|| name.to_owned())), content_type, file.bytes.clone());
        self
    }

    fn push_value(&mut self, name: &str, value: Value) {
        match value {
            Value::Null => {}
            Value::String(text) => self.push(name, None, None, Bytes::from(text)),
            Value::Array(items) if items.iter().all(|item| !item.is_object() && !item.is_array()) => {
                for item in items {
                    self.push_value(name, item);
                }
            }
            Value::Object(_) | Value::Array(_) => {
                self.push(name, None, Some("application/json".to_owned()), Bytes::from(value.to_string()));
            }
            scalar => self.push(name, None, None, Bytes::from(scalar.to_string())),
        }
    }

    fn push(&mut self, name: &str, file_name: Option<String>, content_type: Option<String>, bytes: Bytes) {
        self.parts.push(Part { name: name.to_owned(), file_name, content_type, bytes });
    }

    /// The body, its parts separated by `boundary` (which must not occur in any part).
    pub fn encode(&self, boundary: &str) -> Bytes {
        let size: usize = self.parts.iter().map(|p| p.bytes.len() + p.name.len() + 128).sum();
        let mut out = Vec::with_capacity(size + boundary.len() * (self.parts.len() + 1));
        for part in &self.parts {
            out.extend_from_slice(format!("--{boundary}\r\ncontent-disposition: form-data; name=\"{}\"", quoted(&part.name)).as_bytes());
            if let Some(file_name) = &part.file_name {
                out.extend_from_slice(format!("; filename=\"{}\"", quoted(file_name)).as_bytes());
            }
            out.extend_from_slice(b"\r\n");
            if let Some(content_type) = &part.content_type {
                out.extend_from_slice(format!("content-type: {}\r\n", content_type.replace(['\r', '\n'], " ")).as_bytes());
            }
            out.extend_from_slice(b"\r\n");
            out.extend_from_slice(&part.bytes);
            out.extend_from_slice(b"\r\n");
        }
        out.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
        Bytes::from(out)
    }

    /// A boundary that occurs in no part: random, and checked.
    pub(crate) fn boundary(&self) -> String {
        loop {
            let boundary = format!("vendor-runtime-{:016x}{:016x}", fastrand::u64(..), fastrand::u64(..));
            let needle = boundary.as_bytes();
            if !self.parts.iter().any(|part| part.bytes.windows(needle.len()).any(|w| w == needle)) {
                return boundary;
            }
        }
    }
}

/// A name in a `content-disposition` parameter, escaped as browsers do (WHATWG): `"` as `%22`,
/// CR and LF as `%0D` and `%0A`.
fn quoted(name: &str) -> String {
    name.replace('"', "%22").replace('\r', "%0D").replace('\n', "%0A")
}

/// Names, file names and sizes of the parts: not their content.
impl fmt::Debug for Multipart {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let parts: Vec<(&str, Option<&str>, usize)> = self.parts.iter().map(|p| (p.name.as_str(), p.file_name.as_deref(), p.bytes.len())).collect();
        f.debug_struct("Multipart").field("parts", &parts).finish()
    }
}
