//! All integration tests of jixiao in one binary. Where new tests go:
//! - `golden`: figures of the seed report, each next to the seed sentence it comes from;
//! - `cli`: the `jixiao` command: JSON shape, exit codes, messages for bad input;
//! - `report`: the narrative report: structure, and the seed's slips not repeated;
//! - `store`: import, export and evaluation through the store, on SQLite and PostgreSQL;
//! - `monitor`: the monitoring refresh against the DuckDB anchor, and its thresholds;
//! - `check`: `jixiao check` over a batch of files in every format, and its outputs.

mod check;
mod cli;
pub mod golden;
mod monitor;
mod report;
mod store;

use std::path::{Path, PathBuf};

/// The project root.
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The seed dataset folder.
pub fn example() -> PathBuf {
    root().join("examples/baiyun-2021")
}

/// The founding document, beside the project as ../shared.
pub fn seed_text() -> String {
    let path = root().join("../shared/seed/baiyun-2021-self-evaluation.txt");
    std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("the seed must be at {}: {e}", path.display()))
}

/// Runs the jixiao binary; returns (exit code, stdout, stderr).
pub fn jixiao(args: &[&str]) -> (i32, String, String) {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_jixiao"))
        .args(args)
        .current_dir(root())
        .output()
        .expect("jixiao runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// One part of a zip package (.docx, .xlsx), as text.
pub fn zip_part(path: &std::path::Path, name: &str) -> String {
    let mut z = zip::ZipArchive::new(std::fs::File::open(path).unwrap()).unwrap();
    let mut f = z.by_name(name).unwrap();
    let mut s = String::new();
    std::io::Read::read_to_string(&mut f, &mut s).unwrap();
    s
}
