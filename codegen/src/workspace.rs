//! The whole job over a checkout: `specs/` in, `generated/src/` out.
//!
//! [`Workspace::generate`] reads every API folder and renders every file in memory; nothing is
//! written unless every document succeeded. [`Workspace::write`] then replaces the files that
//! changed (temporary file, then rename) and removes generated files no spec produces any more;
//! [`Workspace::stale`] compares instead of writing. Write and check share [`Generation`], so
//! what `check` accepts is exactly what `regenerate` writes.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::builder::ApiBuilder;
use crate::diagnostic::{to_u32, Diagnostic};
use crate::emit;
use crate::frontend::{self, Detection, Document};
use crate::ir::{Api, Source};
use crate::passes::{self, Sidecars};

/// Where the generated crate's sources live, relative to the workspace root.
pub const GENERATED_SRC: &str = "generated/src";
/// The generated crate's manifest, relative to the workspace root.
pub const GENERATED_MANIFEST: &str = "generated/Cargo.toml";
/// The API-wide sidecar of a spec folder.
pub const API_SIDECAR: &str = "api.yaml";

pub struct Workspace {
    root: PathBuf,
}

/// Everything one run of the generator produces, in memory.
#[derive(Debug)]
pub struct Generation {
    pub apis: Vec<Api>,
    pub files: Vec<GeneratedFile>,
    /// Warnings that belong to no API: documents skipped because their format is not read yet.
    pub notices: Vec<Diagnostic>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GeneratedFile {
    /// Relative to the workspace root, with `/` separators.
    pub path: String,
    pub contents: String,
}

/// A generated file on disk that differs from what the specs produce now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stale {
    pub path: String,
    pub reason: &'static str,
}

/// What [`Workspace::write`] changed.
#[derive(Debug, Default)]
pub struct WriteSummary {
    pub written: Vec<String>,
    pub removed: Vec<String>,
    pub unchanged: usize,
}

/// The API-wide sidecar (`specs/<api>/api.yaml`): what the documents leave out.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct ApiSidecar {
    title: Option<String>,
    description: Option<String>,
    /// How every answer wraps its payload, when the documents do not say.
    envelope: Option<crate::ir::Envelope>,
    /// What the token source needs beyond what it infers (operations, a signature, codes).
    #[serde(default)]
    token_source: passes::token_source::TokenSourceSidecar,
}

impl Workspace {
    pub fn new(root: impl Into<PathBuf>) -> Self {
        Workspace { root: root.into() }
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The API folders under `specs/`, sorted by name.
    fn api_folders(&self) -> Result<Vec<(String, PathBuf)>, Diagnostic> {
        let specs = self.root.join("specs");
        let entries = fs::read_dir(&specs).map_err(|e| Diagnostic::file_error("specs", format!("cannot list the specs folder: {e}")))?;
        let mut folders: Vec<(String, PathBuf)> = entries
            .filter_map(Result::ok)
            .filter(|entry| entry.path().is_dir())
            .filter_map(|entry| entry.file_name().into_string().ok().map(|name| (name, entry.path())))
            .filter(|(name, _)| !name.starts_with('.'))
            .collect();
        folders.sort();
        Ok(folders)
    }

    fn relative(&self, path: &Path) -> String {
        let relative = path.strip_prefix(&self.root).unwrap_or(path);
        relative.components().map(|c| c.as_os_str().to_string_lossy()).collect::<Vec<_>>().join("/")
    }

    /// Reads every API. Errors of all documents are collected, not just the first.
    pub fn load(&self) -> Result<(Vec<Api>, Vec<Diagnostic>), Vec<Diagnostic>> {
        // APIs are independent of each other until their modules are named: they are read on
        // every core, the largest first (so that the last one read is a small one), and put
        // back in folder order.
        let mut folders: Vec<(usize, (String, PathBuf))> = self.api_folders().map_err(|e| vec![e])?.into_iter().enumerate().collect();
        folders.sort_by_cached_key(|(_, (_, path))| std::cmp::Reverse(folder_bytes(path)));
        let mut loaded = crate::parallel::map_in_order(folders, 1, |(place, (folder, path))| {
            let mut notices = Vec::new();
            let api = self.load_api(&folder, &path, &mut notices);
            (place, api, notices)
        });
        loaded.sort_by_key(|(place, ..)| *place);
        let mut apis = Vec::new();
        let mut notices = Vec::new();
        let mut errors = Vec::new();
        for (_, api, mut found_notices) in loaded {
            notices.append(&mut found_notices);
            match api {
                Ok(Some(api)) => apis.push(api),
                Ok(None) => {}
                Err(mut found) => errors.append(&mut found),
            }
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        passes::names::assign_modules(&mut apis);
        Ok((apis, notices))
    }

    /// Reads one API folder; `None` when none of its documents can be read yet.
    fn load_api(&self, folder: &str, path: &Path, notices: &mut Vec<Diagnostic>) -> Result<Option<Api>, Vec<Diagnostic>> {
        let name = crate::naming::snake_ident(folder);
        let mut builder = ApiBuilder::new(&name);
        let mut errors = Vec::new();
        let sidecar = self.read_sidecar(&path.join(API_SIDECAR)).map_err(|e| vec![e])?;
        builder.title = sidecar.title.clone();
        builder.description = sidecar.description.clone();
        builder.envelope = sidecar.envelope.clone();

        let mut files: Vec<PathBuf> = fs::read_dir(path)
            .map_err(|e| vec![Diagnostic::file_error(&self.relative(path), format!("cannot list the folder: {e}"))])?
            .filter_map(Result::ok)
            .map(|entry| entry.path())
            .filter(|p| p.is_file() && is_document(p))
            .collect();
        files.sort();
        for file in files {
            let relative = self.relative(&file);
            let document = match fs::read(&file) {
                Ok(bytes) => match String::from_utf8(bytes) {
                    Ok(text) => Document { path: relative, text },
                    Err(e) => {
                        errors.push(Diagnostic::file_error(&relative, format!("the document is not UTF-8 text (invalid byte at offset {})", e.utf8_error().valid_up_to())));
                        continue;
                    }
                },
                Err(e) => {
                    errors.push(Diagnostic::file_error(&relative, format!("cannot read the document: {e}")));
                    continue;
                }
            };
            match frontend::detect(&document) {
                Ok(Detection::Supported(format)) => {
                    builder.documents.push(document.path.clone());
                    if let Err(mut found) = frontend::read(&document, format, &mut builder) {
                        errors.append(&mut found);
                    }
                }
                Ok(Detection::NotYetSupported(format)) => notices.push(
                    Diagnostic::file_error(&document.path, format!("format not supported yet: {}; the document is skipped", format.describe())).warning(),
                ),
                Err(e) => errors.push(e),
            }
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        if builder.documents.is_empty() {
            return Ok(None);
        }
        let overlay_path = path.join(passes::overlay::OVERLAY_FILE);
        let sidecars = Sidecars {
            overlay: fs::read_to_string(&overlay_path).ok().map(|text| (text, self.relative(&overlay_path))),
            token_source: sidecar.token_source,
            token_source_at: Source { file: self.relative(&path.join(API_SIDECAR)), line: 0 },
        };
        passes::run(builder.finish(), &sidecars).map(Some)
    }

    fn read_sidecar(&self, path: &Path) -> Result<ApiSidecar, Diagnostic> {
        let Ok(text) = fs::read_to_string(path) else { return Ok(ApiSidecar::default()) };
        let relative = self.relative(path);
        let mut sidecar = serde_yaml::from_str::<Option<ApiSidecar>>(&text).map(Option::unwrap_or_default).map_err(|e| {
            let (line, column) = e.location().map_or((0, 0), |l| (to_u32(l.line()), to_u32(l.column())));
            Diagnostic::error(&relative, &text, line, column, format!("invalid API sidecar: {e}"))
                .with_hint("an api.yaml may set `title`, `description`, `envelope` and `token_source`; corrections go in overlay.yaml")
        })?;
        if let Some(envelope) = &mut sidecar.envelope {
            let line = crate::yaml_lines::LineIndex::new(&text).line("/envelope");
            envelope.source = Source { file: relative, line };
        }
        Ok(sidecar)
    }

    /// Reads every API and renders every generated file, in memory.
    pub fn generate(&self) -> Result<Generation, Vec<Diagnostic>> {
        let (apis, notices) = self.load()?;
        let mut files = Vec::new();
        let render_error = |e: String| vec![Diagnostic::file_error(GENERATED_SRC, e)];
        for api in &apis {
            files.push(GeneratedFile { path: format!("{GENERATED_SRC}/{}.rs", api.name.trim_start_matches("r#")), contents: emit::api_module(api).map_err(render_error)? });
        }
        files.push(GeneratedFile { path: format!("{GENERATED_SRC}/lib.rs"), contents: emit::lib_rs(&apis).map_err(render_error)? });
        files.push(GeneratedFile { path: GENERATED_MANIFEST.to_owned(), contents: emit::manifest(&apis) });
        Ok(Generation { apis, files, notices })
    }

    /// The whole `cargo xtask regenerate`: generate everything in memory, then write. A
    /// document that fails stops the run before anything is written.
    pub fn regenerate(&self) -> Result<(Generation, WriteSummary), Vec<Diagnostic>> {
        let generation = self.generate()?;
        let summary = self
            .write(&generation)
            .map_err(|e| vec![Diagnostic::file_error(GENERATED_SRC, format!("writing the generated files failed: {e}"))])?;
        Ok((generation, summary))
    }

    /// Generated files on disk that no spec produces any more.
    fn orphans(&self, generation: &Generation) -> io::Result<Vec<String>> {
        let dir = self.root.join(GENERATED_SRC);
        let mut orphans = Vec::new();
        for entry in fs::read_dir(&dir)? {
            let path = entry?.path();
            let relative = self.relative(&path);
            if path.extension().is_some_and(|e| e == "rs")
                && !generation.files.iter().any(|f| f.path == relative)
                && fs::read_to_string(&path).is_ok_and(|text| text.starts_with(emit::GENERATED_MARKER))
            {
                orphans.push(relative);
            }
        }
        orphans.sort();
        Ok(orphans)
    }

    /// Every generated file that is missing, differs, or is no longer produced.
    pub fn stale(&self, generation: &Generation) -> io::Result<Vec<Stale>> {
        let mut stale = Vec::new();
        for file in &generation.files {
            match fs::read_to_string(self.root.join(&file.path)) {
                Ok(existing) if existing == file.contents => {}
                Ok(_) => stale.push(Stale { path: file.path.clone(), reason: "differs from what the specs generate" }),
                Err(_) => stale.push(Stale { path: file.path.clone(), reason: "is missing" }),
            }
        }
        for path in self.orphans(generation)? {
            stale.push(Stale { path, reason: "is generated from a spec that no longer exists" });
        }
        Ok(stale)
    }

    /// Writes every changed file and removes orphans. Each file is written to a temporary
    /// file first and renamed into place only once all of them are written, so an
    /// interrupted run leaves no half-written file.
    pub fn write(&self, generation: &Generation) -> io::Result<WriteSummary> {
        let mut summary = WriteSummary::default();
        let mut pending: Vec<(PathBuf, PathBuf, String)> = Vec::new();
        let result = (|| {
            for file in &generation.files {
                let target = self.root.join(&file.path);
                if fs::read_to_string(&target).is_ok_and(|existing| existing == file.contents) {
                    summary.unchanged += 1;
                    continue;
                }
                if let Some(parent) = target.parent() {
                    fs::create_dir_all(parent)?;
                }
                let temporary = target.with_extension("rs.regenerate-tmp");
                fs::write(&temporary, &file.contents)?;
                pending.push((temporary, target, file.path.clone()));
            }
            Ok::<(), io::Error>(())
        })();
        if let Err(e) = result {
            for (temporary, ..) in &pending {
                let _ = fs::remove_file(temporary);
            }
            return Err(e);
        }
        for (temporary, target, path) in pending {
            fs::rename(&temporary, &target)?;
            summary.written.push(path);
        }
        for path in self.orphans(generation)? {
            fs::remove_file(self.root.join(&path))?;
            summary.removed.push(path);
        }
        Ok(summary)
    }
}

/// The bytes of the files directly in `folder` (0 for what cannot be listed): how long the
/// folder takes to read, roughly.
fn folder_bytes(folder: &Path) -> u64 {
    let Ok(entries) = fs::read_dir(folder) else { return 0 };
    entries.filter_map(Result::ok).filter_map(|entry| entry.metadata().ok()).filter(fs::Metadata::is_file).map(|m| m.len()).sum()
}

/// Whether a file in a spec folder is a vendored document (not a sidecar or a note).
fn is_document(path: &Path) -> bool {
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or_default();
    !name.starts_with('.') && name != API_SIDECAR && name != passes::overlay::OVERLAY_FILE
}

#[cfg(test)]
mod tests {
    use super::Workspace;

    /// An OpenAPI file with `count` schemas, each nesting `depth` inline objects in property `a`.
    fn nested(count: usize, depth: usize) -> String {
        let mut schema = String::from("{type: string}");
        for _ in 0..depth {
            schema = format!("{{type: object, properties: {{a: {schema}}}}}");
        }
        let schemas: String = (0..count).map(|i| format!("    Deep{i}: {schema}\n")).collect();
        format!(
            "openapi: 3.0.3\ninfo: {{title: Deep, version: '1'}}\npaths:\n  /deep:\n    get:\n      operationId: getDeep\n      responses:\n        '200':\n          description: ok\n          content:\n            application/json:\n              schema: {{$ref: '#/components/schemas/Deep0'}}\ncomponents:\n  schemas:\n{schemas}"
        )
    }

    /// Schemas are read on helper threads, in runs of 8: ones nested as deep as YAML allows
    /// must read there as they would on the main thread.
    #[test]
    fn a_schema_nested_as_deep_as_yaml_allows_reads_on_the_helper_threads() {
        let root = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let api = root.path().join("specs/deep");
        std::fs::create_dir_all(&api).unwrap_or_else(|e| panic!("{e}"));
        // serde_yaml stops at 128 levels; each schema level is two (`properties`, `a`).
        std::fs::write(api.join("deep.yaml"), nested(32, 60)).unwrap_or_else(|e| panic!("{e}"));
        let generation = Workspace::new(root.path()).generate().unwrap_or_else(|e| panic!("{}", e[0]));
        let module = generation.files.iter().find(|f| f.path.ends_with("deep.rs")).map(|f| f.contents.as_str()).unwrap_or_default();
        assert!(module.contains("pub fn get_deep"), "{module}");
    }
}
