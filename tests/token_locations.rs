//! Token sources whose calls fill more than a JSON body (`tests/token-locations/`): a refresh
//! token in the query, a credential in a header or a path segment, optional parameters set
//! through the call's setters. The inferred mapping says where each field goes; the emitted
//! sources compile with warnings denied, and run against a local server playing the vendor
//! (`tests/token-locations/exercise.rs`, run as a scratch crate's test).

use std::fs;
use std::process::Command;

use codegen::ir::{Api, Fill, ParameterLocation, TokenCall};
use codegen::workspace::Workspace;
use workspace_tests::{copy_tree, generate, workspace_root};

/// Each fill of `call`: wire name, location (`None` for a body field), what fills it and the
/// credential's name.
fn fills(call: &TokenCall) -> Vec<(&str, Option<ParameterLocation>, Fill, &str)> {
    call.request.iter().map(|f| (f.field.wire_name.as_str(), f.location, f.from.clone(), f.credential_name())).collect()
}

fn credentials(api: &Api) -> Vec<(&str, bool)> {
    let mapping = api.token_source.as_ref().expect("a token source");
    mapping.credentials.iter().map(|c| (c.rust_name.as_str(), c.secret)).collect()
}

fn assert_query_refresh(api: &Api) {
    let mapping = api.token_source.as_ref().unwrap_or_else(|| panic!("a token source; warnings: {:#?}", api.warnings));
    let login = mapping.login.as_ref().expect("a login");
    assert_eq!(fills(login), [("appKey", None, Fill::Credential, "app_key"), ("appSecret", None, Fill::Credential, "app_secret")]);
    assert_eq!(
        fills(&mapping.refresh),
        [
            ("refreshToken", Some(ParameterLocation::Query), Fill::CurrentRefreshToken, "refresh_token"),
            ("X-App-Key", Some(ParameterLocation::Header), Fill::Credential, "app_key"),
            ("lang", Some(ParameterLocation::Query), Fill::Nothing, "lang"),
        ],
        "the header's `X-` prefix aside, `X-App-Key` is the login's `appKey`; `lang` is optional and left out"
    );
    assert_eq!(credentials(api), [("app_key", false), ("app_secret", true)], "one credential per name");
}

fn assert_path_credential(api: &Api) {
    let mapping = api.token_source.as_ref().unwrap_or_else(|| panic!("a token source; warnings: {:#?}", api.warnings));
    let login = mapping.login.as_ref().expect("a login");
    assert_eq!(
        fills(login),
        [("appKey", Some(ParameterLocation::Path), Fill::Credential, "app_key"), ("X-App-Secret", Some(ParameterLocation::Header), Fill::Credential, "app_secret")]
    );
    assert_eq!(
        fills(&mapping.refresh),
        [
            ("appKey", Some(ParameterLocation::Path), Fill::Credential, "app_key"),
            ("refresh_token", Some(ParameterLocation::Query), Fill::CurrentRefreshToken, "refresh_token"),
            ("X-App-Secret", Some(ParameterLocation::Header), Fill::Credential, "app_secret"),
        ],
        "an optional parameter is filled when something fills it, or when the login asks for its credential"
    );
    assert_eq!(credentials(api), [("app_key", false), ("app_secret", true)], "a header named for a secret is a secret credential");
}

#[test]
fn token_sources_fill_query_header_and_path_parameters_compile_and_run() {
    let root = workspace_root();
    let scratch = tempfile::tempdir().expect("temporary folder");
    let dir = scratch.path();
    copy_tree(&root.join("runtime"), &dir.join("runtime"));
    fs::create_dir_all(dir.join("generated/src")).expect("generated folder");
    fs::copy(root.join("Cargo.lock"), dir.join("Cargo.lock")).expect("lock file");
    for (api, file) in [("query_refresh", "query-refresh.yaml"), ("path_credential", "path-credential.yaml")] {
        fs::create_dir_all(dir.join("specs").join(api)).expect("API folder");
        fs::copy(root.join("tests/token-locations").join(file), dir.join("specs").join(api).join(file)).expect("document");
    }
    // A crate beside the generated one that runs the sources against a local server.
    fs::create_dir_all(dir.join("exercise/tests")).expect("exercise folder");
    fs::copy(root.join("tests/token-locations/exercise.rs"), dir.join("exercise/tests/exercise.rs")).expect("exercise test");
    fs::write(
        dir.join("exercise/Cargo.toml"),
        r#"[package]
name = "token-locations-exercise"
version = "0.0.0"
edition.workspace = true
publish = false

[dev-dependencies]
vendor-clients = { path = "../generated", default-features = false, features = ["query_refresh", "path_credential"] }
serde_json.workspace = true
wiremock.workspace = true
tokio = { workspace = true, features = ["macros", "rt-multi-thread"] }
"#,
    )
    .expect("exercise manifest");
    let manifest = fs::read_to_string(root.join("Cargo.toml")).expect("workspace manifest");
    let members_line = manifest.lines().find(|l| l.starts_with("members")).expect("members line");
    fs::write(dir.join("Cargo.toml"), manifest.replace(members_line, r#"members = ["runtime", "generated", "exercise"]"#)).expect("scratch manifest");

    let workspace = Workspace::new(dir);
    let generation = generate(&workspace);
    let api = |name: &str| generation.apis.iter().find(|api| api.name == name).unwrap_or_else(|| panic!("the API {name}"));
    assert_query_refresh(api("query_refresh"));
    assert_path_credential(api("path_credential"));
    workspace.write(&generation).expect("write");
    let module = fs::read_to_string(dir.join("generated/src/query_refresh.rs")).expect("module");
    assert!(module.contains("`refreshToken` (query) ← the current refresh token, `X-App-Key` (header) ← credential `app_key`"), "the mapping is documented");

    // Compiled with warnings denied, then run.
    let cargo = |args: &[&str], rustflags: &str| {
        Command::new(env!("CARGO"))
            .args(args)
            .current_dir(dir)
            .env("CARGO_TARGET_DIR", root.join("target/new-api-check"))
            .env("RUSTFLAGS", rustflags)
            .status()
            .expect("cargo runs")
            .success()
    };
    let features = ["--no-default-features", "--features", "query_refresh,path_credential"];
    assert!(cargo(&[&["check", "--quiet", "--offline", "--package", "vendor-clients"], &features[..]].concat(), "-D warnings"), "the token sources do not compile");
    assert!(cargo(&["test", "--quiet", "--offline", "--package", "token-locations-exercise"], ""), "the token sources do not send their parameters as documented");
}
