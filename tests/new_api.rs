//! Adding an API is dropping a document into `specs/<api>/` and regenerating: a copy of a
//! supported document under a new folder generates a module that compiles, with no code change.

use std::fs;
use std::process::Command;

use codegen::workspace::Workspace;
use workspace_tests::{copy_tree, generate, workspace_root};


#[test]
fn a_document_dropped_into_a_new_api_folder_generates_and_compiles() {
    let root = workspace_root();
    let scratch = tempfile::tempdir().expect("temporary folder");
    let dir = scratch.path();
    copy_tree(&root.join("specs"), &dir.join("specs"));
    copy_tree(&root.join("generated/src"), &dir.join("generated/src"));
    fs::copy(root.join("generated/Cargo.toml"), dir.join("generated/Cargo.toml")).expect("manifest");
    fs::copy(root.join("Cargo.lock"), dir.join("Cargo.lock")).expect("lock file");
    fs::copy(root.join("README.md"), dir.join("README.md")).expect("readme");
    let manifest = fs::read_to_string(root.join("Cargo.toml")).expect("workspace manifest");
    let members_line = manifest.lines().find(|l| l.starts_with("members")).expect("members line");
    fs::write(dir.join("Cargo.toml"), manifest.replace(members_line, r#"members = ["generated"]"#)).expect("scratch manifest");
    // Benchmarks are not part of this check; a manifest naming a missing bench file would not load.
    let crate_manifest = fs::read_to_string(dir.join("generated/Cargo.toml")).expect("crate manifest");
    let crate_manifest = crate_manifest.split("\n[[bench]]").next().unwrap_or_default().to_owned();
    fs::write(dir.join("generated/Cargo.toml"), crate_manifest).expect("crate manifest");

    fs::create_dir_all(dir.join("specs/acme")).expect("new API folder");
    fs::copy(root.join("specs/pitchpoint/refresh-id-token.md"), dir.join("specs/acme/refresh.md")).expect("dropped document");

    let workspace = Workspace::new(dir);
    let generation = generate(&workspace);
    let acme = generation.apis.iter().find(|api| api.name == "acme").expect("the new API is generated");
    assert_eq!(acme.operations.len(), 1);
    let summary = workspace.write(&generation).expect("write");
    assert!(summary.written.contains(&"generated/src/acme.rs".to_owned()), "{summary:?}");
    assert!(fs::read_to_string(dir.join("generated/src/lib.rs")).expect("lib.rs").contains("pub mod acme;"));

    // Compile it for real, in a target folder of its own so it never waits on this test run's.
    let status = Command::new(env!("CARGO"))
        .args(["check", "--quiet", "--offline", "--no-default-features", "--package", "vendor-clients"])
        .current_dir(dir)
        .env("CARGO_TARGET_DIR", root.join("target/new-api-check"))
        .status()
        .expect("cargo runs");
    assert!(status.success(), "the generated crate with the new API does not compile");
}
