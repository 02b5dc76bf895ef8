//! Snapshots of every API's IR and emitted module: a change to a spec or to the generator is
//! reviewed as a diff of these files (`cargo insta review`), never accepted blind.

use codegen::workspace::Workspace;
use workspace_tests::{generate, workspace_root};

#[test]
fn every_api_has_reviewed_ir_and_code_snapshots() {
    let generation = generate(&Workspace::new(workspace_root()));
    assert!(!generation.apis.is_empty(), "no API was generated from specs/");
    for api in &generation.apis {
        insta::assert_yaml_snapshot!(format!("{}_ir", api.name), api);
        let path = format!("generated/src/{}.rs", api.name);
        let module = generation.files.iter().find(|f| f.path == path).map(|f| f.contents.as_str());
        insta::assert_snapshot!(format!("{}_code", api.name), module.unwrap_or("<not generated>"));
    }
}

/// Overlays rewrite the IR through JSON: every API's IR must come back from it unchanged.
#[test]
fn the_ir_of_every_api_round_trips_through_json() {
    let generation = generate(&Workspace::new(workspace_root()));
    for api in &generation.apis {
        let mut expected = api.clone();
        expected.token_source = None; // inferred after overlays, never read back
        let json = serde_json::to_value(api).expect("the IR as JSON");
        let back: codegen::ir::Api = serde_json::from_value(json).expect("the IR from JSON");
        assert_eq!(back, expected, "{}", api.name);
    }
}
