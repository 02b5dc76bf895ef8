//! What the workspace tests share: where the checkout is, and a generator run over it.

use std::path::PathBuf;

use codegen::workspace::{Generation, Workspace};

/// The workspace root (the folder holding `specs/` and `generated/`).
pub fn workspace_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).parent().map(PathBuf::from).unwrap_or_default()
}

/// Runs the generator over the checkout, failing the test with every diagnostic if it fails.
pub fn generate(workspace: &Workspace) -> Generation {
    match workspace.generate() {
        Ok(generation) => generation,
        Err(diagnostics) => {
            let rendered: Vec<String> = diagnostics.iter().map(ToString::to_string).collect();
            panic!("the generator failed:\n{}", rendered.join("\n"))
        }
    }
}
