//! Fuzzes the whole pipeline on one document: format detection, the frontend, the passes
//! over the IR (`codegen::passes::run`) and emission. Never a panic; the emitted module, when
//! there is one, parses as Rust (the emitter checks it with `syn`).
#![no_main]

use codegen::builder::ApiBuilder;
use codegen::frontend::{self, Detection, Document};
use codegen::passes::{self, Sidecars};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let document = Document { path: "specs/fuzz/document.md".to_owned(), text: text.to_owned() };
    let Ok(Detection::Supported(format)) = frontend::detect(&document) else { return };
    let mut builder = ApiBuilder::new("fuzz");
    builder.documents.push(document.path.clone());
    if frontend::read(&document, format, &mut builder).is_err() {
        return;
    }
    let Ok(api) = passes::run(builder.finish(), &Sidecars::default()) else { return };
    if let Err(message) = codegen::emit::api_module(&api) {
        panic!("the emitter produced Rust that does not parse: {message}");
    }
});
