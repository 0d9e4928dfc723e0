//! Shared helpers: loading the example stacks and running the binary.

use petadota::render::Rendered;
use petadota::stack::Stack;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The project root (where stacks/ and terraform-out/ live).
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Every example stack, by file name, sorted.
pub fn example_stacks() -> Vec<(String, Stack)> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(root().join("stacks"))
        .expect("stacks/ exists")
        .map(|entry| entry.expect("readable entry").path())
        .filter(|path| path.extension().is_some_and(|e| e == "yaml"))
        .collect();
    paths.sort();
    assert!(!paths.is_empty(), "stacks/ holds example stacks");
    paths
        .into_iter()
        .map(|path| {
            let text = std::fs::read_to_string(&path).expect("readable stack");
            let name = path
                .file_name()
                .expect("file name")
                .to_string_lossy()
                .into_owned();
            let stack =
                Stack::parse(&text, &format!("stacks/{name}")).unwrap_or_else(|e| panic!("{e}"));
            (name, stack)
        })
        .collect()
}

/// Renders a stack, failing the test on a template error.
pub fn render(stack: &Stack) -> Rendered {
    petadota::render::render(stack).unwrap_or_else(|e| panic!("render failed: {e}"))
}

/// Runs `petadota ARGS` in `dir`.
pub fn petadota(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_petadota"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .expect("the petadota binary runs")
}

/// A scratch project with the example stacks and their committed output copied in.
pub fn scratch_project() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    for tree in ["stacks", "terraform-out", "ansible-out"] {
        copy_dir(&root().join(tree), &dir.path().join(tree));
    }
    dir
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("create dir");
    for entry in std::fs::read_dir(from).expect("read dir") {
        let entry = entry.expect("entry");
        let name = entry.file_name();
        let at_stack_root = from
            .parent()
            .and_then(Path::file_name)
            .is_some_and(|n| n == "ansible-out");
        if name.to_string_lossy().starts_with('.')
            || (at_stack_root && (name == "inventory.yml" || name == "files"))
        {
            continue;
        }
        let target = to.join(name);
        if entry.file_type().expect("file type").is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).expect("copy");
        }
    }
}
