//! `jixiao monitor`: byte for byte what ../shared/bench/anchors.py writes (DuckDB), and
//! thresholds that change the warnings as documented.

use crate::{jixiao, root};
use jixiao_store::testing::Scratch;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

fn generate(scratch: &Scratch, scale: &str) -> PathBuf {
    let out = scratch.path(scale);
    let ok = Command::new("python3")
        .arg(root().join("../shared/bench/gen.py"))
        .args(["--scale", scale, "--out", s(&out)])
        .stderr(Stdio::null())
        .status()
        .expect("python3 runs gen.py")
        .success();
    assert!(ok);
    out
}

/// Runs anchors.py with DuckDB; CI installs it (`pip install duckdb`).
fn anchor(data: &Path, out: &Path, as_of: &str) {
    let o = Command::new("python3")
        .arg(root().join("../shared/bench/anchors.py"))
        .args(["duckdb", s(data), s(out), "--as-of", as_of])
        .output()
        .expect("python3 runs anchors.py");
    assert!(
        o.status.success(),
        "anchors.py duckdb failed (pip install duckdb): {}",
        String::from_utf8_lossy(&o.stderr)
    );
}

fn same_files(a: &Path, b: &Path) {
    for f in ["projects_out.csv", "departments_out.csv"] {
        let x = std::fs::read(a.join(f)).unwrap();
        let y = std::fs::read(b.join(f)).unwrap();
        assert!(
            x == y,
            "{f} differs between {} and {}",
            a.display(),
            b.display()
        );
    }
}

#[test]
fn batch_monitor_is_byte_identical_to_the_duckdb_anchor() {
    let scratch = Scratch::new("monitor");
    for (scale, dates) in [
        (
            "tiny",
            &["2021-01-31", "2021-06-30", "2021-09-30", "2021-12-31"][..],
        ),
        ("district", &["2021-09-30"][..]),
    ] {
        let data = generate(&scratch, scale);
        for as_of in dates {
            let ours = scratch.path(&format!("{scale}-{as_of}-jixiao"));
            let theirs = scratch.path(&format!("{scale}-{as_of}-duckdb"));
            let (code, out, err) =
                jixiao(&["monitor", s(&data), "--as-of", as_of, "--out", s(&ours)]);
            assert_eq!(code, 0, "{err}");
            assert!(out.contains("序时进度"), "{out}");
            anchor(&data, &theirs, as_of);
            same_files(&ours, &theirs);
        }
    }
}

/// An independent reading of MONITOR.md for one project: (executed fen, budget fen).
fn figures(data: &Path, as_of: &str) -> std::collections::BTreeMap<String, (i128, i128)> {
    let fen = |t: &str| -> i128 { t.replace('.', "").parse().unwrap() };
    let mut m = std::collections::BTreeMap::new();
    let projects = std::fs::read_to_string(data.join("projects.csv")).unwrap();
    for line in projects.lines().skip(1) {
        let f: Vec<&str> = line.split(',').collect();
        m.insert(f[0].to_string(), (0, fen(f[6])));
    }
    let payments = std::fs::read_to_string(data.join("payments.csv")).unwrap();
    for line in payments.lines().skip(1) {
        let f: Vec<&str> = line.split(',').collect();
        if f[2] <= as_of {
            m.get_mut(f[1]).unwrap().0 += fen(f[3]);
        }
    }
    m
}

#[test]
fn configured_gaps_change_the_warnings_as_documented() {
    let scratch = Scratch::new("gaps");
    let data = generate(&scratch, "tiny");
    let as_of = "2021-06-30"; // day 181 of 365
    let (n, total) = (181i128, 365i128);
    let figures = figures(&data, as_of);
    for (red, yellow, (rp, rq), (yp, yq)) in [
        ("0.20", "0.10", (1, 5), (1, 10)),
        ("0.05", "0.02", (1, 20), (1, 50)),
        ("0.5", "0.3", (1, 2), (3, 10)),
    ] {
        let out = scratch.path(&format!("gaps-{red}-{yellow}"));
        let (code, _, err) = jixiao(&[
            "monitor",
            s(&data),
            "--as-of",
            as_of,
            "--out",
            s(&out),
            "--red-gap",
            red,
            "--yellow-gap",
            yellow,
        ]);
        assert_eq!(code, 0, "{err}");
        let written = std::fs::read_to_string(out.join("projects_out.csv")).unwrap();
        for line in written.lines().skip(1) {
            let f: Vec<&str> = line.split(',').collect();
            let (e, b) = figures[f[0]];
            // behind by more than p/q: n/N − e/b > p/q
            let behind = |p: i128, q: i128| (q * n - p * total) * b > q * total * e;
            let expected = if b == 0 {
                "no_budget"
            } else if e > b {
                "over"
            } else if behind(rp, rq) {
                "red"
            } else if behind(yp, yq) {
                "yellow"
            } else {
                ""
            };
            assert_eq!(f[3], expected, "{red}/{yellow}: {line}");
        }
    }
    // A red gap not above the yellow one is refused, with the reason.
    let (code, _, err) = jixiao(&[
        "monitor",
        s(&data),
        "--as-of",
        as_of,
        "--out",
        s(&scratch.path("x")),
        "--red-gap",
        "0.1",
        "--yellow-gap",
        "0.2",
    ]);
    assert_eq!(code, 2);
    assert!(err.contains("应大于黄色预警"), "{err}");
}
