//! `cargo xtask`: the maintainer's commands, thin over the `codegen` library.
//!
//! - `cargo xtask regenerate`: reads `specs/`, writes `generated/src/` (all files or none).
//! - `cargo xtask check`: fails, naming each file, when `generated/src/` is stale.
//! - `cargo xtask ir [API]`: prints the intermediate model as YAML.
//! - `cargo xtask coverage [API]`: prints each API's coverage line and every warning.

use std::path::PathBuf;
use std::process::ExitCode;

use codegen::coverage::Coverage;
use codegen::ir::Api;
use codegen::workspace::{Generation, Workspace};
use codegen::Diagnostic;

/// The generator allocates and frees millions of small token trees on large documents; a
/// third of its time went to the system allocator (perf, Stripe's document).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

const USAGE: &str = "usage: cargo xtask <regenerate | check | ir [API] | coverage [API]>";
/// How many warnings `regenerate` lists one by one per API before it only counts them.
const LISTED_WARNINGS: usize = 20;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let workspace = Workspace::new(workspace_root());
    match args.iter().map(String::as_str).collect::<Vec<_>>().as_slice() {
        ["regenerate"] => regenerate(&workspace),
        ["check"] => check(&workspace),
        ["ir"] => ir(&workspace, None),
        ["ir", api] => ir(&workspace, Some(api)),
        ["coverage"] => coverage(&workspace, None),
        ["coverage", api] => coverage(&workspace, Some(api)),
        _ => {
            eprintln!("{USAGE}");
            ExitCode::from(2)
        }
    }
}

fn workspace_root() -> PathBuf {
    let manifest = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    manifest.parent().map_or(manifest.clone(), PathBuf::from)
}

/// Runs the generator, printing every diagnostic on failure.
fn generate(workspace: &Workspace) -> Option<Generation> {
    match workspace.generate() {
        Ok(generation) => {
            for notice in &generation.notices {
                eprint!("{notice}");
            }
            Some(generation)
        }
        Err(diagnostics) => {
            report(&diagnostics);
            None
        }
    }
}

fn report(diagnostics: &[Diagnostic]) {
    for diagnostic in diagnostics {
        eprintln!("{diagnostic}");
    }
    let errors = diagnostics.iter().filter(|d| d.is_error()).count();
    eprintln!("error: {errors} error(s); nothing was written");
}

fn regenerate(workspace: &Workspace) -> ExitCode {
    let (generation, summary) = match workspace.regenerate() {
        Ok(done) => done,
        Err(diagnostics) => {
            report(&diagnostics);
            return ExitCode::FAILURE;
        }
    };
    for notice in &generation.notices {
        eprint!("{notice}");
    }
    for api in &generation.apis {
        println!("{}", Coverage::of(api));
        for warning in api.warnings.iter().take(LISTED_WARNINGS) {
            println!("  warning: {warning}");
        }
        if api.warnings.len() > LISTED_WARNINGS {
            println!("  … and {} more warning(s): `cargo xtask coverage {}` lists them all", api.warnings.len() - LISTED_WARNINGS, api.name);
        }
    }
    for path in &summary.written {
        println!("wrote   {path}");
    }
    for path in &summary.removed {
        println!("removed {path}");
    }
    println!("{} file(s) written, {} removed, {} unchanged", summary.written.len(), summary.removed.len(), summary.unchanged);
    ExitCode::SUCCESS
}

fn check(workspace: &Workspace) -> ExitCode {
    let Some(generation) = generate(workspace) else { return ExitCode::FAILURE };
    match workspace.stale(&generation) {
        Ok(stale) if stale.is_empty() => {
            println!("generated/ is up to date ({} files)", generation.files.len());
            ExitCode::SUCCESS
        }
        Ok(stale) => {
            for file in &stale {
                eprintln!("stale: {} {}", file.path, file.reason);
            }
            eprintln!("error: generated/ is stale; run `cargo xtask regenerate` and commit the result");
            ExitCode::FAILURE
        }
        Err(e) => {
            eprintln!("error: reading generated files failed: {e}");
            ExitCode::FAILURE
        }
    }
}

/// The APIs `only` names (all when `None`); `None` after reporting an unknown name.
fn select<'g>(generation: &'g Generation, only: Option<&str>) -> Option<Vec<&'g Api>> {
    let selected: Vec<&Api> = generation.apis.iter().filter(|api| only.is_none_or(|name| api.name == name)).collect();
    if selected.is_empty() {
        let known: Vec<&str> = generation.apis.iter().map(|api| api.name.as_str()).collect();
        eprintln!("error: no API named `{}`; known: {}", only.unwrap_or_default(), known.join(", "));
        return None;
    }
    Some(selected)
}

fn coverage(workspace: &Workspace, only: Option<&str>) -> ExitCode {
    let Some(generation) = generate(workspace) else { return ExitCode::FAILURE };
    let Some(selected) = select(&generation, only) else { return ExitCode::FAILURE };
    for api in selected {
        println!("{}", Coverage::of(api));
        for warning in &api.warnings {
            println!("  warning [{}]: {warning}", codegen::coverage::kind_of(warning));
        }
    }
    ExitCode::SUCCESS
}

fn ir(workspace: &Workspace, only: Option<&str>) -> ExitCode {
    let Some(generation) = generate(workspace) else { return ExitCode::FAILURE };
    let Some(selected) = select(&generation, only) else { return ExitCode::FAILURE };
    for api in selected {
        match serde_yaml::to_string(api) {
            Ok(yaml) => print!("---\n{yaml}"),
            Err(e) => {
                eprintln!("error: cannot print the IR: {e}");
                return ExitCode::FAILURE;
            }
        }
    }
    ExitCode::SUCCESS
}
