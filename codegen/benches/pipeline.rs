//! The whole generator in process: a `specs/` folder read, parsed, lowered to the IR, passed
//! over and emitted as formatted files in memory (nothing is written). One case per vendored
//! API that matters for speed: Stripe (the largest document), Oxide, and the vendor pages of
//! the token APIs together, as `cargo xtask regenerate` reads them. Throughput is bytes of
//! document read.
//!
//! Run: `cargo bench -p codegen --bench pipeline` (results and machine in `BENCHMARKS.md`).
// Bench code: a failed unwrap is a failed bench (the lints guard the library).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

use std::fs;
use std::path::{Path, PathBuf};
use std::time::Duration;

use codegen::workspace::Workspace;
use criterion::{criterion_group, criterion_main, Criterion, Throughput};

/// The same allocator as `cargo xtask`, so the figures are the maintainer's.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// The vendor pages of the token APIs and their data endpoints: small documents, many formats.
const VENDOR_PAGES: &[&str] = &["cloudreve", "enos", "enos-app-portal", "infisical", "pitchpoint", "smartling"];

fn specs() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../specs")
}

/// A workspace root whose `specs/` links only the given API folders of the real one.
struct Subset {
    root: tempfile::TempDir,
    bytes: u64,
}

impl Subset {
    fn of(folders: &[&str]) -> Subset {
        let root = tempfile::tempdir().unwrap();
        fs::create_dir(root.path().join("specs")).unwrap();
        let mut bytes = 0;
        for folder in folders {
            let source = specs().join(folder).canonicalize().unwrap();
            for entry in fs::read_dir(&source).unwrap() {
                bytes += entry.unwrap().metadata().unwrap().len();
            }
            std::os::unix::fs::symlink(&source, root.path().join("specs").join(folder)).unwrap();
        }
        Subset { root, bytes }
    }

    fn workspace(&self) -> Workspace {
        Workspace::new(self.root.path())
    }
}

fn pipeline(c: &mut Criterion) {
    let cases: [(&str, Vec<&str>); 3] = [("vendor_pages", VENDOR_PAGES.to_vec()), ("oxide", vec!["oxide"]), ("stripe", vec!["stripe"])];
    let mut group = c.benchmark_group("generate");
    for (name, folders) in cases {
        let subset = Subset::of(&folders);
        let workspace = subset.workspace();
        // A document that fails is a broken bench, not a fast one.
        let files = workspace.generate().unwrap_or_else(|e| panic!("{name}: {} diagnostic(s), first: {}", e.len(), e[0])).files.len();
        assert!(files > 2, "{name} generated only {files} files");
        group.throughput(Throughput::Bytes(subset.bytes));
        if name == "stripe" {
            group.sample_size(10).measurement_time(Duration::from_secs(15));
        }
        group.bench_function(name, |b| b.iter(|| workspace.generate().unwrap()));
    }
    group.finish();
}

criterion_group!(benches, pipeline);
criterion_main!(benches);
