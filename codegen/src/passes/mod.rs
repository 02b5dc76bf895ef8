//! Passes over one API's IR, between reading its documents and emitting its module.
//!
//! [`run`] is the whole list, in order; each pass is a module of its own and none of them
//! reads a document format or writes Rust. Later passes rely on earlier ones: names are decided
//! after overlays change them, and the token source is inferred from final names and decodings.

pub mod analysis;
pub mod names;
pub mod overlay;
pub mod secrets;
pub mod security;
pub mod token_source;

use crate::diagnostic::Diagnostic;
use crate::ir::{Api, Source};

/// What an API folder says beside its documents, for the passes.
#[derive(Debug, Default)]
pub struct Sidecars {
    /// The overlay's text and its path, when the folder has one.
    pub overlay: Option<(String, String)>,
    /// The `token_source` section of `api.yaml`.
    pub token_source: token_source::TokenSourceSidecar,
    /// Where that section is, for diagnostics.
    pub token_source_at: Source,
}

/// Runs every pass over `api`, in order.
pub fn run(mut api: Api, sidecars: &Sidecars) -> Result<Api, Vec<Diagnostic>> {
    security::lift(&mut api);
    let mut api = match &sidecars.overlay {
        Some((text, file)) => overlay::apply(api, text, file)?,
        None => api,
    };
    security::settle(&mut api);
    secrets::mark(&mut api);
    names::assign(&mut api);
    // No pass from here on adds, removes or renames a type: the analysis and the emitters
    // look types up by name through the index.
    api.index_types();
    analysis::annotate(&mut api)?;
    let (mapping, warning) = token_source::infer(&api, &sidecars.token_source, &sidecars.token_source_at)?;
    api.token_source = mapping;
    api.warnings.extend(warning);
    Ok(api)
}
