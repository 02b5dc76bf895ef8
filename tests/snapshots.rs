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
