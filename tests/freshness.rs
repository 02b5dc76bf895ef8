//! `generated/` is exactly what the specs produce now, and the check that says so catches
//! hand edits, missing files and orphans; regeneration is deterministic.

use std::fs;

use codegen::workspace::Workspace;
use workspace_tests::{copy_tree, generate, workspace_root};

#[test]
fn generated_crate_matches_the_specs() {
    let workspace = Workspace::new(workspace_root());
    let stale = workspace.stale(&generate(&workspace)).expect("generated/ is readable");
    assert!(stale.is_empty(), "generated/ is stale, run `cargo xtask regenerate`: {stale:#?}");
}


/// A copy of the checkout's specs and generated crate (manifest and sources) in a temporary folder.
fn scratch_checkout() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temporary folder");
    copy_tree(&workspace_root().join("specs"), &dir.path().join("specs"));
    copy_tree(&workspace_root().join("generated/src"), &dir.path().join("generated/src"));
    fs::copy(workspace_root().join("generated/Cargo.toml"), dir.path().join("generated/Cargo.toml")).expect("generated manifest");
    dir
}

#[test]
fn a_hand_edit_is_reported_by_name_and_regenerate_repairs_it() {
    let dir = scratch_checkout();
    let workspace = Workspace::new(dir.path());
    let edited = dir.path().join("generated/src/infisical.rs");
    let mut text = fs::read_to_string(&edited).expect("generated module");
    text.push_str("\n// a hand edit\n");
    fs::write(&edited, text).expect("edit");

    let generation = generate(&workspace);
    let stale = workspace.stale(&generation).expect("readable");
    let paths: Vec<&str> = stale.iter().map(|s| s.path.as_str()).collect();
    assert_eq!(paths, ["generated/src/infisical.rs"]);

    let summary = workspace.write(&generation).expect("write");
    assert_eq!(summary.written, ["generated/src/infisical.rs"]);
    assert!(workspace.stale(&generation).expect("readable").is_empty());

    let again = workspace.write(&generate(&workspace)).expect("write again");
    assert!(again.written.is_empty() && again.removed.is_empty(), "a second run changed files: {again:?}");
}

#[test]
fn missing_and_orphaned_generated_files_are_stale_and_regenerate_fixes_both() {
    let dir = scratch_checkout();
    let workspace = Workspace::new(dir.path());
    fs::remove_file(dir.path().join("generated/src/cloudreve.rs")).expect("remove");
    let orphan = dir.path().join("generated/src/retired_vendor.rs");
    fs::write(&orphan, format!("{} from specs/retired/x.md.\n", codegen::emit::GENERATED_MARKER)).expect("orphan");
    let handwritten = dir.path().join("generated/src/notes.rs");
    fs::write(&handwritten, "// written by a person\n").expect("hand-written file");

    let generation = generate(&workspace);
    let mut stale: Vec<(String, &str)> = workspace.stale(&generation).expect("readable").into_iter().map(|s| (s.path, s.reason)).collect();
    stale.sort();
    assert_eq!(
        stale,
        [
            ("generated/src/cloudreve.rs".to_owned(), "is missing"),
            ("generated/src/retired_vendor.rs".to_owned(), "is generated from a spec that no longer exists"),
        ]
    );
    let summary = workspace.write(&generation).expect("write");
    assert_eq!(summary.removed, ["generated/src/retired_vendor.rs"]);
    assert!(!orphan.exists());
    assert!(handwritten.exists(), "files without the generated header are never touched");
    assert!(workspace.stale(&generation).expect("readable").is_empty());
}
