//! Snapshots of every API's IR and emitted module: a change to a spec or to the generator is
//! reviewed as a diff of these files (`cargo insta review`), never accepted blind.
//!
//! A large API (more than [`LARGE`] operations, such as Oxide's 315) would give snapshots of
//! tens of thousands of lines that nobody reads. It gets one *summary* snapshot instead: its
//! coverage line, one line per operation (method, path, name, parameters, body, answers) and
//! one line per type (name, kind, members). A generator change shows there as a few changed
//! lines; its code is still reviewed in the diff of `generated/`, which is committed.

use codegen::coverage::Coverage;
use codegen::ir::{Api, TypeKind};
use codegen::workspace::Workspace;
use workspace_tests::{generate, workspace_root};

/// APIs with more operations than this are snapshotted as a summary.
const LARGE: usize = 30;

#[test]
fn every_api_has_reviewed_ir_and_code_snapshots() {
    let generation = generate(&Workspace::new(workspace_root()));
    assert!(!generation.apis.is_empty(), "no API was generated from specs/");
    for api in &generation.apis {
        if api.operations.len() > LARGE {
            insta::assert_snapshot!(format!("{}_summary", api.name), summary(api));
            continue;
        }
        insta::assert_yaml_snapshot!(format!("{}_ir", api.name), api);
        let path = format!("generated/src/{}.rs", api.name);
        let module = generation.files.iter().find(|f| f.path == path).map(|f| f.contents.as_str());
        insta::assert_snapshot!(format!("{}_code", api.name), module.unwrap_or("<not generated>"));
    }
}

/// One line per operation and per type, after the coverage line.
fn summary(api: &Api) -> String {
    let mut lines = vec![Coverage::of(api).to_string(), String::new(), "operations:".to_owned()];
    for operation in &api.operations {
        let parameters: Vec<String> = operation.parameters.iter().map(|p| format!("{}: {}{}", p.rust_name, p.ty, if p.required { "" } else { "?" })).collect();
        let body = operation.request_body.as_ref().map(|b| format!(" body {} {}", b.content_type, b.ty)).unwrap_or_default();
        let answers: Vec<String> = operation.responses.iter().map(|r| format!("{} {}", r.status, r.body.as_ref().map_or("-".to_owned(), ToString::to_string))).collect();
        lines.push(format!("  {} {} {}({}){} -> {}", operation.method.as_str(), operation.path, operation.name, parameters.join(", "), body, answers.join(" | ")));
    }
    lines.push(String::new());
    lines.push("types:".to_owned());
    for def in &api.types {
        let members = match &def.kind {
            TypeKind::Struct { fields, additional } => {
                let mut members: Vec<String> = fields.iter().map(|f| format!("{}: {}{}", f.wire_name, f.ty, if f.is_option() { "?" } else { "" })).collect();
                members.extend(additional.iter().map(|a| format!("..: {a}")));
                format!("struct {{ {} }}", members.join(", "))
            }
            TypeKind::Enum { values, .. } => format!("enum [{}]", values.iter().map(|v| v.wire.as_str()).collect::<Vec<_>>().join(", ")),
            TypeKind::Alias { target } => format!("= {target}"),
            TypeKind::Union { tag, variants } => {
                let variants: Vec<String> = variants.iter().map(|v| if v.tags.is_empty() { format!("{}({})", v.name, v.ty) } else { format!("{}({}) = {}", v.name, v.ty, v.tags.join("|")) }).collect();
                format!("union{} [{}]", tag.as_ref().map(|t| format!(" by {t}")).unwrap_or_default(), variants.join(", "))
            }
        };
        lines.push(format!("  {} {members}", def.name));
    }
    lines.join("\n")
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
