//! The bad-input corpus (`tests/bad-input/`): one document (or folder of documents) per kind
//! of broken vendor page. Each must yield a diagnostic naming the file, the line and what was
//! wrong, or a documented fallback, and never a panic; a failing document changes nothing
//! under `generated/`.

use std::fs;
use std::path::Path;

use codegen::workspace::{Generation, Workspace};
use codegen::Diagnostic;
use workspace_tests::{copy_tree, workspace_root};

/// Runs the generator over a scratch workspace whose only API, `case`, holds the case's
/// document(s).
fn run(case: &str) -> (tempfile::TempDir, Result<Generation, Vec<Diagnostic>>) {
    let dir = tempfile::tempdir().expect("temporary folder");
    let source = workspace_root().join("tests/bad-input").join(case);
    let api = dir.path().join("specs/case");
    if source.is_dir() {
        copy_tree(&source, &api);
    } else {
        fs::create_dir_all(&api).expect("api folder");
        fs::copy(&source, api.join(source.file_name().expect("name"))).expect("copy case");
    }
    fs::create_dir_all(dir.path().join("generated/src")).expect("generated folder");
    let result = Workspace::new(dir.path()).generate();
    (dir, result)
}

/// What a case must produce.
enum Expect {
    /// Generation fails with an error containing `message` at `file:line`.
    Error { file: &'static str, line: u32, message: &'static str },
    /// Generation succeeds with a warning containing `message` at `file:line`.
    Warning { file: &'static str, line: u32, message: &'static str },
    /// Generation succeeds, and the emitted module contains each of `code`.
    Fallback { code: &'static [&'static str] },
}

const CASES: &[(&str, Expect)] = &[
    ("truncated-yaml.md", Expect::Error { file: "truncated-yaml.md", line: 17, message: "invalid YAML in the OpenAPI block: did not find expected ',' or '}'" }),
    ("tabs-in-yaml.md", Expect::Error { file: "tabs-in-yaml.md", line: 9, message: "found character that cannot start any token" }),
    ("unclosed-fence.md", Expect::Error { file: "unclosed-fence.md", line: 3, message: "this code fence is never closed" }),
    ("ref-to-nothing.md", Expect::Error { file: "ref-to-nothing.md", line: 15, message: "`$ref: #/components/schemas/Missing` points at no schema" }),
    ("empty.md", Expect::Error { file: "empty.md", line: 0, message: "the document is empty" }),
    ("binary.md", Expect::Error { file: "binary.md", line: 0, message: "the document is not UTF-8 text" }),
    ("same-type-two-shapes", Expect::Error { file: "second.md", line: 18, message: "schema `Thing` has a different shape from the type `Thing`" }),
    ("invalid-json-example.md", Expect::Warning { file: "invalid-json-example.md", line: 9, message: "the request example is not valid JSON" }),
    ("missing-column.md", Expect::Warning { file: "missing-column.md", line: 13, message: "`a` has no type this generator knows" }),
    ("unknown-type-word.md", Expect::Warning { file: "unknown-type-word.md", line: 19, message: "data type `Gizmo` is not known" }),
    ("duplicate-field-names.md", Expect::Warning { file: "duplicate-field-names.md", line: 19, message: "property `user_id` has the same Rust name as another property; it is named `user_id_2`" }),
    ("stale-overlay-target", Expect::Error { file: "overlay.yaml", line: 6, message: "target `$.operations[?(@.name == 'get_nodes')]` matches nothing in the IR of `case`" }),
    ("overlay-invalid-name", Expect::Error { file: "overlay.yaml", line: 0, message: "operation `get node` is not a valid Rust name here" }),
    // Not every `…refresh` operation refreshes a token (Stripe's refresh accounts): a guess that
    // finds no token is a warning and no token source, never a failed run.
    ("refresh-without-token.md", Expect::Warning { file: "refresh-without-token.md", line: 8, message: "1 operation(s) named like a token refresh (`refresh_account`) answer no access token: no token source is generated" }),
    // A token call whose required parameter nothing can fill (a list no credential can be):
    // its source would not compile, so there is none, and a warning names the parameter.
    ("refresh-unfillable-parameter.yaml", Expect::Warning { file: "refresh-unfillable-parameter.yaml", line: 12, message: "the required query parameter `scopes` of token operation `refresh_token` cannot be filled: nothing the token source has can fill it" }),
    // Smartling's page writes its path `/projects/{{projectId}}/…` (a copy of the vendor page
    // `../shared/more-specs/f_smartling-list-files.txt`): the URL sent has the project id in it.
    ("double-brace-path.md", Expect::Fallback { code: &["\"/files-api/v2/projects/{}/files/list\"", "rt::PathSegment(project_id)"] }),
    // A path parameter without its placeholder could not be sent: it is left out, and said so.
    ("stray-path-parameter.yaml", Expect::Warning { file: "stray-path-parameter.yaml", line: 10, message: "path parameter `currentpage` is not in the path `/groups/{groupId}/members`" }),
    ("unfilled-path-placeholder.md", Expect::Error { file: "unfilled-path-placeholder.md", line: 8, message: "the path `/projects/{projectId}/files` has a placeholder `{projectId}` that no path parameter fills" }),
    ("uninterpretable-lifetime.md", Expect::Error { file: "uninterpretable-lifetime.md", line: 19, message: "`expires_at` looks like a token lifetime, but its type `string` is neither seconds (a number) nor an RFC 3339 time" }),
    // Not a fault but the fallback of a fix: renaming a type renames every reference to it.
    ("overlay-renames-a-type", Expect::Fallback { code: &["pub struct GraphNode", "pub node: ::std::boxed::Box<GraphNode>", "pub fn fetch_node<'a>(", "rt::ResponseValue<GraphNode>"] }),
    // An overlay beside operations named with keywords: `r#type` and `r#match` are valid names.
    ("overlay-beside-keywords", Expect::Fallback { code: &["pub fn r#type<'a>(", "pub fn r#match<'a>(", "body: &'a MatchRequest"] }),
    // Found by the pipeline fuzzer: an operation named after a heading that starts with a digit
    // gave an example test a name Rust rejects; names now go through the one naming rule.
    ("fuzz-digit-operation-name.md", Expect::Fallback { code: &["fn _200_source_pitchpoint_solutions"] }),
    // Keywords become raw identifiers, reserved words get a trailing underscore, a leading digit
    // an underscore, and characters outside ASCII are dropped.
    ("awkward-names.md", Expect::Fallback { code: &["pub fn r#type<'a>(", "pub r#type: ::std::option::Option<::std::string::String>", "pub _2fa: ::std::option::Option<bool>", "rename = \"café\"", "pub self_: ::std::option::Option<::std::string::String>"] }),
    // allOf parts that type one property as a string and as an integer: an error naming both
    // lines of the JSON file, never a guess.
    ("allof-conflict.json", Expect::Error { file: "allof-conflict.json", line: 19, message: "allOf parts disagree on property `size`: String at line 10, Number here" }),
    // A Swagger 2.0 document's broken reference points at its line as written (`definitions`).
    ("swagger2-ref-to-nothing.yaml", Expect::Error { file: "swagger2-ref-to-nothing.yaml", line: 20, message: "`$ref: #/definitions/Missing` points at no schema" }),
    // Types that contain each other directly would have infinite size: the fields are boxed.
    // A plain OpenAPI file with two schemas the model cannot hold: each is reported at its
    // own line (the second is checked in `every_invalid_schema_is_reported_at_its_line`).
    ("invalid-schemas.yaml", Expect::Error { file: "invalid-schemas.yaml", line: 23, message: "not a valid OpenAPI 3.0 document at `components.schemas.Shelf`: invalid type: sequence, expected a map" }),
    ("invalid-path-item.yaml", Expect::Error { file: "invalid-path-item.yaml", line: 12, message: "not a valid OpenAPI 3.0 document at `paths./items/{id}`" }),
    ("ref-cycle-required.md", Expect::Fallback { code: &["pub next: ::std::boxed::Box<Link>", "pub node: ::std::boxed::Box<Node>"] }),
];

#[test]
fn every_corpus_case_is_listed() {
    let mut on_disk: Vec<String> = fs::read_dir(workspace_root().join("tests/bad-input"))
        .expect("corpus")
        .map(|e| e.expect("entry").file_name().into_string().expect("name"))
        .collect();
    on_disk.sort();
    let mut listed: Vec<String> = CASES.iter().map(|(case, _)| (*case).to_owned()).collect();
    listed.sort();
    assert_eq!(listed, on_disk);
}

#[test]
fn each_case_yields_its_diagnostic_or_fallback_and_never_panics() {
    for (case, expect) in CASES {
        let (_dir, result) = run(case);
        let rendered = |found: &[Diagnostic]| found.iter().map(ToString::to_string).collect::<Vec<_>>().join("\n");
        match (expect, result) {
            (Expect::Error { file, line, message }, Err(found)) => {
                let path = format!("specs/case/{file}");
                assert!(
                    found.iter().any(|d| d.is_error() && d.file == path && d.line == *line && d.message.contains(message)),
                    "{case}: expected an error at {path}:{line} containing {message:?}, got:\n{}",
                    rendered(&found)
                );
            }
            (Expect::Warning { file, line, message }, Ok(generation)) => {
                let path = format!("specs/case/{file}");
                let warnings: Vec<String> = generation.apis.iter().flat_map(|a| a.warnings.iter().map(ToString::to_string)).collect();
                assert!(
                    generation.apis.iter().flat_map(|a| &a.warnings).any(|w| w.source.file == path && w.source.line == *line && w.message.contains(message)),
                    "{case}: expected a warning at {path}:{line} containing {message:?}, got {warnings:#?}"
                );
            }
            (Expect::Fallback { code }, Ok(generation)) => {
                let module = generation.files.iter().find(|f| f.path == "generated/src/case.rs").map(|f| f.contents.as_str()).unwrap_or_default();
                for expected in *code {
                    assert!(module.contains(expected), "{case}: the module lacks {expected:?}:\n{module}");
                }
            }
            (_, Err(found)) => panic!("{case}: expected generation to succeed, got:\n{}", rendered(&found)),
            (_, Ok(_)) => panic!("{case}: expected an error, but generation succeeded"),
        }
    }
}

#[test]
fn diagnostics_render_the_line_with_a_marker_and_a_hint() {
    let (_dir, result) = run("tabs-in-yaml.md");
    let errors = result.expect_err("an error");
    assert_eq!(
        errors[0].to_string(),
        "error: invalid YAML in the OpenAPI block: found character that cannot start any token, while scanning for the next token\n  --> specs/case/tabs-in-yaml.md:9:1\n  |\n9 | \t/x: {}\n  | ^\n"
    );
    let (_dir, result) = run("ref-to-nothing.md");
    let rendered = result.expect_err("an error")[0].to_string();
    assert!(rendered.ends_with("= hint: references must name a schema under `#/components/schemas/`\n"), "{rendered}");
}

#[test]
fn every_invalid_schema_is_reported_at_its_line() {
    let (_dir, result) = run("invalid-schemas.yaml");
    let errors = result.expect_err("an error");
    let found: Vec<(u32, &str)> = errors.iter().map(|d| (d.line, d.message.as_str())).collect();
    assert_eq!(found.len(), 2, "{found:#?}");
    assert!(found[0].0 == 23 && found[0].1.contains("`components.schemas.Shelf`"), "{found:#?}");
    assert!(found[1].0 == 26 && found[1].1.contains("`components.schemas.Label`"), "{found:#?}");
}

/// A path's key holds `/` and a schema's name `.`: each error is at its own entry's line, not
/// at `paths:` or `schemas:` (the place is found by its segments, not by splitting its text).
#[test]
fn an_invalid_entry_whose_name_has_a_slash_or_a_dot_is_reported_at_its_line() {
    let (_dir, result) = run("invalid-path-item.yaml");
    let errors = result.expect_err("an error");
    let found: Vec<(u32, &str)> = errors.iter().map(|d| (d.line, d.message.as_str())).collect();
    assert_eq!(found.len(), 2, "{found:#?}");
    assert!(found[0].0 == 18 && found[0].1.contains("`components.schemas.item.label`"), "{found:#?}");
    assert!(found[1].0 == 12 && found[1].1.contains("`paths./items/{id}`"), "{found:#?}");
}

fn snapshot(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<(String, Vec<u8>)> = fs::read_dir(dir)
        .expect("generated/src")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.is_file())
        .map(|p| (p.file_name().and_then(|n| n.to_str()).unwrap_or_default().to_owned(), fs::read(&p).expect("read")))
        .collect();
    files.sort();
    files
}

#[test]
fn a_failing_document_leaves_generated_untouched() {
    let dir = tempfile::tempdir().expect("temporary folder");
    copy_tree(&workspace_root().join("specs"), &dir.path().join("specs"));
    copy_tree(&workspace_root().join("generated/src"), &dir.path().join("generated/src"));
    // A spec change that would rewrite a module, next to a broken document of another API.
    let infisical = dir.path().join("specs/infisical/renew-access-token.md");
    let text = fs::read_to_string(&infisical).expect("spec").replace("Renew machine identity access token", "Renews the token");
    fs::write(&infisical, text).expect("edit spec");
    fs::copy(workspace_root().join("tests/bad-input/truncated-yaml.md"), dir.path().join("specs/cloudreve/broken.md")).expect("broken document");

    let before = snapshot(&dir.path().join("generated/src"));
    let errors = Workspace::new(dir.path()).regenerate().expect_err("the broken document fails the run");
    assert!(errors.iter().any(|d| d.file == "specs/cloudreve/broken.md"), "{errors:?}");
    assert_eq!(snapshot(&dir.path().join("generated/src")), before, "nothing under generated/ changed, and no temporary file was left");
}
