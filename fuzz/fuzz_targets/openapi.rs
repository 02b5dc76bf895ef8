//! Fuzzes the openapi frontend: any text in, IR or diagnostics out, never a panic.
#![no_main]

use codegen::builder::ApiBuilder;
use codegen::frontend::{self, Document, Format};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let document = Document { path: "specs/fuzz/document.md".to_owned(), text: text.to_owned() };
        let mut api = ApiBuilder::new("fuzz");
        let _ = frontend::read(&document, Format::OpenApiMarkdown, &mut api);
    }
});
