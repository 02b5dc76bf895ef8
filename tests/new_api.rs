//! Adding an API is dropping a document into `specs/<api>/` and regenerating: a copy of a
//! supported document under a new folder generates a module that compiles, with no code change;
//! so does a document whose every name collides with Rust (`tests/names/awkward-names.md`),
//! with every wire name kept exact.

use std::fs;
use std::process::Command;

use codegen::ir::{Api, TypeKind};
use codegen::workspace::Workspace;
use workspace_tests::{copy_tree, generate, workspace_root};


#[test]
fn a_document_dropped_into_a_new_api_folder_generates_and_compiles() {
    let root = workspace_root();
    let scratch = tempfile::tempdir().expect("temporary folder");
    let dir = scratch.path();
    copy_tree(&root.join("specs"), &dir.join("specs"));
    copy_tree(&root.join("generated/src"), &dir.join("generated/src"));
    copy_tree(&root.join("runtime"), &dir.join("runtime"));
    fs::copy(root.join("generated/Cargo.toml"), dir.join("generated/Cargo.toml")).expect("manifest");
    fs::copy(root.join("Cargo.lock"), dir.join("Cargo.lock")).expect("lock file");
    fs::copy(root.join("README.md"), dir.join("README.md")).expect("readme");
    let manifest = fs::read_to_string(root.join("Cargo.toml")).expect("workspace manifest");
    let members_line = manifest.lines().find(|l| l.starts_with("members")).expect("members line");
    fs::write(dir.join("Cargo.toml"), manifest.replace(members_line, r#"members = ["runtime", "generated"]"#)).expect("scratch manifest");

    fs::create_dir_all(dir.join("specs/acme")).expect("new API folder");
    fs::copy(root.join("specs/pitchpoint/refresh-id-token.md"), dir.join("specs/acme/refresh.md")).expect("dropped document");
    // A folder name that is a Rust keyword, too.
    fs::create_dir_all(dir.join("specs/type")).expect("awkward API folder");
    fs::copy(root.join("tests/names/awkward-names.md"), dir.join("specs/type/awkward-names.md")).expect("awkward document");

    // Public OpenAPI documents as vendors publish them: plain YAML and JSON files, 3.0, 3.1 and
    // Swagger 2.0 (`tests/openapi/README.md`), and every composition case.
    for (api, file) in [
        ("petstore_expanded", "tests/openapi/petstore-expanded.yaml"),
        ("uspto", "tests/openapi/uspto.yaml"),
        ("swagger2", "tests/openapi/swagger2-petstore-simple.json"),
        ("webhooks", "tests/openapi/webhook-example.json"),
        ("composition", "tests/composition/composition.yaml"),
    ] {
        let source = root.join(file);
        fs::create_dir_all(dir.join("specs").join(api)).expect("API folder");
        fs::copy(&source, dir.join("specs").join(api).join(source.file_name().expect("a file name"))).expect("dropped document");
    }

    let workspace = Workspace::new(dir);
    let generation = generate(&workspace);
    assert_composition_typed(generation.apis.iter().find(|api| api.name == "composition").expect("the composition API"));
    let pets = generation.apis.iter().find(|api| api.name == "petstore_expanded").expect("a plain YAML file is an API");
    assert_eq!(struct_fields(pets, "Pet"), ["name", "tag", "id"], "allOf [NewPet, {{id}}] is one struct");
    let swagger = generation.apis.iter().find(|api| api.name == "swagger2").expect("a Swagger 2.0 JSON file is an API");
    assert!(swagger.operations.iter().any(|op| op.request_body.is_some()), "a 2.0 body parameter is a request body");
    let acme = generation.apis.iter().find(|api| api.name == "acme").expect("the new API is generated");
    assert_eq!(acme.operations.len(), 1);
    let awkward = generation.apis.iter().find(|api| api.name == "r#type").expect("the awkward API is generated");
    assert_wire_names_kept(awkward);
    let summary = workspace.write(&generation).expect("write");
    assert!(summary.written.contains(&"generated/src/acme.rs".to_owned()), "{summary:?}");
    let lib = fs::read_to_string(dir.join("generated/src/lib.rs")).expect("lib.rs");
    assert!(lib.contains("pub mod acme;") && lib.contains("pub mod r#type;"), "{lib}");

    let manifest = fs::read_to_string(dir.join("generated/Cargo.toml")).expect("generated manifest");
    assert!(manifest.contains("\nacme = []\n") && manifest.contains("\ntype = []\n"), "each API has its feature:\n{manifest}");

    // Compile it for real: every API, then one API alone (its feature is all it needs).
    // The APIs of `specs/` are checked with warnings denied by CI's clippy step; here, every new
    // one together, then two alone.
    for features in ["acme,type,petstore_expanded,uspto,swagger2,webhooks,composition", "type", "composition"] {
        let status = Command::new(env!("CARGO"))
            .args(["check", "--quiet", "--offline", "--no-default-features", "--features", features, "--package", "vendor-clients"])
            .current_dir(dir)
            // A target folder of its own, so it never waits on this test run's.
            .env("CARGO_TARGET_DIR", root.join("target/new-api-check"))
            // A generated module that warns (a name in the wrong case) fails like one that does not compile.
            .env("RUSTFLAGS", "-D warnings")
            .status()
            .expect("cargo runs");
        assert!(status.success(), "the generated crate does not compile with features `{features}`");
    }
    // The composition document's example test: each documented example decodes into the
    // variant it documents, and every example round-trips.
    let status = Command::new(env!("CARGO"))
        .args(["test", "--quiet", "--offline", "--no-default-features", "--features", "composition", "--package", "vendor-clients", "--lib"])
        .current_dir(dir)
        .env("CARGO_TARGET_DIR", root.join("target/new-api-check"))
        .status()
        .expect("cargo runs");
    assert!(status.success(), "the composition API's documented examples do not decode into their variants");
}

fn struct_fields<'a>(api: &'a Api, name: &str) -> Vec<&'a str> {
    match &api.type_def(name).unwrap_or_else(|| panic!("type {name}")).kind {
        TypeKind::Struct { fields, .. } => fields.iter().map(|f| f.wire_name.as_str()).collect(),
        other => panic!("{name} is a struct, not {other:?}"),
    }
}

/// The composition document's types, as its schemas mean them.
fn assert_composition_typed(api: &Api) {
    let union = |name: &str| match &api.type_def(name).unwrap_or_else(|| panic!("type {name}")).kind {
        TypeKind::Union { tag, variants } => (tag.clone(), variants.iter().map(|v| (v.name.clone(), v.tags.clone())).collect::<Vec<_>>()),
        other => panic!("{name} is a union, not {other:?}"),
    };
    let tags = |values: &[&str]| values.iter().map(|v| (*v).to_owned()).collect::<Vec<_>>();
    assert_eq!(union("Shape"), (Some("shape".to_owned()), vec![("Round".to_owned(), tags(&["round"])), ("Square".to_owned(), tags(&["square"]))]), "mapping");
    assert_eq!(union("Vehicle"), (Some("kind".to_owned()), vec![("Car".to_owned(), tags(&["Car"])), ("Bike".to_owned(), tags(&["Bike"]))]), "no mapping: schema names");
    assert_eq!(union("Destination").0.as_deref(), Some("type"), "a single-value property is an implied tag");
    let names = |name: &str| union(name).1.into_iter().map(|(n, _)| n).collect::<Vec<_>>();
    assert_eq!(names("Summary"), ["Detailed", "Brief"], "more required properties are tried first");
    assert_eq!(names("Quantity"), ["Integer", "String"]);
    let charge = api.type_def("Charge").expect("Charge");
    let TypeKind::Struct { fields, .. } = &charge.kind else { panic!("Charge is a struct") };
    let refunded_by = fields.iter().find(|f| f.wire_name == "refunded_by").expect("refunded_by");
    assert!(refunded_by.nullable && refunded_by.ty == codegen::ir::TypeRef::Named("Customer".to_owned()), "oneOf [Customer, null] is a nullable Customer");
    let sum = api.type_def("Sum").expect("Sum");
    let TypeKind::Struct { fields, .. } = &sum.kind else { panic!("Sum is a struct") };
    assert!(fields.iter().all(|f| f.boxed), "recursion through a union is boxed");
    assert!(matches!(api.type_def("Metadata").map(|d| &d.kind), Some(TypeKind::Alias { target: codegen::ir::TypeRef::Map(_) })), "a free-form object is a map");
    assert!(matches!(api.type_def("Priority").map(|d| &d.kind), Some(TypeKind::Enum { integer: true, values }) if values.len() == 3), "an integer enum is an enum");
    assert!(api.warnings.iter().any(|w| w.message.contains("enum of values of different types")), "a mixed enum is untyped, and says so");
    assert!(matches!(api.type_def("Mode").map(|d| &d.kind), Some(TypeKind::Enum { .. })), "`Mode` is the enum");
    let operation = |name: &str| api.operations.iter().find(|op| op.name == name).unwrap_or_else(|| panic!("operation {name}"));
    let profile = operation("put_profile").request_body.as_ref().expect("a body");
    assert_eq!((profile.content_type.as_str(), profile.alternatives.as_slice()), ("application/json", &["application/x-www-form-urlencoded".to_owned(), "multipart/form-data".to_owned()][..]));
    assert!(api.warnings.iter().any(|w| w.message.contains("the document also offers text/plain")), "a media type of another schema is noted");
    let upload = operation("upload_photo").request_body.as_ref().expect("a body");
    assert_eq!(upload.encoding, codegen::ir::BodyEncoding::Multipart);
    let codegen::ir::TypeRef::Named(upload_type) = &upload.ty else { panic!("a named body") };
    let TypeKind::Struct { fields, .. } = &api.type_def(upload_type).expect("the body type").kind else { panic!("a struct body") };
    assert!(fields.iter().filter(|f| f.ty == codegen::ir::TypeRef::File).count() == 2, "binary properties are files");
    assert!(
        matches!(api.type_def("Mode2").map(|d| &d.kind), Some(TypeKind::Alias { target: codegen::ir::TypeRef::Array(_) })),
        "`Mode[]`, spelled like `Mode`, is a type of its own"
    );
}

/// Every name of the awkward document is still on the wire exactly as written, however its
/// Rust name had to change, and no two Rust names of one scope are the same.
fn assert_wire_names_kept(api: &Api) {
    let result = api.type_def("Result").expect("a schema named `Result` keeps its name");
    let TypeKind::Struct { fields, .. } = &result.kind else { panic!("`Result` is a struct: {result:?}") };
    let wires: Vec<&str> = fields.iter().map(|f| f.wire_name.as_str()).collect();
    assert_eq!(
        wires,
        ["Ok", "Err", "Some", "None", "Box", "type", "self", "Self", "fooBar", "foo_bar", "a-b", "a_b", "additional_properties", "1st", "match", "Default", "key", "object", "rest", "deserializer", "m", "d", "empty"]
    );
    assert_unique(fields.iter().map(|f| f.rust_name.as_str()).chain(["additional_properties"]));
    let option = api.type_def("Option").expect("an enum named `Option`");
    let TypeKind::Enum { values, .. } = &option.kind else { panic!("`Option` is an enum: {option:?}") };
    assert_eq!(values.iter().map(|v| v.wire.as_str()).collect::<Vec<_>>(), ["Some", "None", "Self", "self", "Unknown", "a-b", "a_b", "1", "Result"]);
    assert_unique(values.iter().map(|v| v.variant.as_str()).chain(["Unknown"]));
    let get = api.operations.iter().find(|op| op.path == "/things/{type}/{self}").expect("the operation named `new`");
    assert_eq!(get.parameters.iter().map(|p| p.name.as_str()).collect::<Vec<_>>(), ["type", "self", "request", "fooBar", "foo_bar", "body", "2fa"]);
    assert_unique(get.parameters.iter().map(|p| p.rust_name.as_str()).chain(codegen::passes::names::OPERATION_LOCALS.iter().copied()));
    let methods = api.operations.iter().map(|op| op.name.as_str()).chain(api.servers.iter().map(|s| s.constructor.as_str()));
    assert_unique(methods.chain(["new", "from_http", "http", "with_config", "with_http_client", "reconfigured", "config", "base_url"]));
    let items = api.types.iter().map(|t| t.name.as_str()).chain(api.operations.iter().flat_map(|op| [op.error_enum.as_str(), op.success_enum.as_str(), op.call.as_str()]).filter(|name| !name.is_empty()));
    assert_unique(items.chain(["Client", "TokenSource", "Credentials"]));
}

fn assert_unique<'a>(names: impl Iterator<Item = &'a str>) {
    let names: Vec<&str> = names.map(|n| n.trim_start_matches("r#")).collect();
    let mut sorted = names.clone();
    sorted.sort_unstable();
    sorted.dedup();
    assert_eq!(sorted.len(), names.len(), "two items of one scope share a name: {names:?}");
}
