//! The generator: vendor API documents in, typed Rust client modules out.
//!
//! The pipeline is `frontend` (one reader per document format) -> [`ir`] (one model) ->
//! `emit` (Rust tokens, pretty-printed). [`workspace`] runs it over `specs/` and writes or
//! checks `generated/`; the `xtask` binary is a thin command line over it.

pub mod builder;
pub mod coverage;
pub mod diagnostic;
pub mod emit;
pub mod frontend;
pub mod ir;
pub mod naming;
mod parallel;
pub mod passes;
pub mod typespace;
pub mod workspace;
pub mod yaml_lines;

pub use diagnostic::Diagnostic;
