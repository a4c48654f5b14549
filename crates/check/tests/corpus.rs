//! The corpus of `jixiao check` (made by `cargo run -p jixiao-check --example make_corpus`):
//! every planted error is found, nothing is flagged in the correct files; and on the seed,
//! the slips RULES.md §6 lists are found without a false alarm on its correct figures.

use jixiao_check::{check_file, Finding, Rules, Severity};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

fn corpus() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus")
}

#[test]
fn every_planted_error_is_found_and_the_correct_files_are_clean() {
    let manifest: BTreeMap<String, Vec<String>> = toml::from_str(
        &std::fs::read_to_string(corpus().join("manifest.toml")).expect("the manifest is there"),
    )
    .expect("the manifest parses");
    assert!(manifest.len() >= 15, "the corpus has its files");
    let (mut found, mut missed, mut false_alarms, mut planted) = (0usize, 0usize, 0usize, 0usize);
    let mut true_findings = 0usize;
    let mut report = Vec::new();
    for (file, expected) in &manifest {
        let findings = check_file(&corpus().join(file), &Rules::default())
            .unwrap_or_else(|e| panic!("{file}: {e}"));
        let fired: BTreeSet<&str> = findings.iter().map(|f| f.check).collect();
        planted += expected.len();
        for e in expected {
            if fired.contains(e.as_str()) {
                found += 1;
            } else {
                missed += 1;
                report.push(format!("{file}: {e} not found"));
            }
        }
        for f in &findings {
            if expected.iter().any(|e| e == f.check) {
                true_findings += 1;
            } else {
                false_alarms += 1;
                report.push(format!("{file}: false alarm {}", f.sentence()));
            }
        }
    }
    let ratio = |a: usize, b: usize| {
        (rust_decimal::Decimal::from(a) / rust_decimal::Decimal::from(b.max(1))).round_dp(3)
    };
    let precision = ratio(true_findings, true_findings + false_alarms);
    let recall = ratio(found, planted);
    println!(
        "corpus: {} files, {planted} planted errors, {found} found, {missed} missed, \
         {false_alarms} false alarms; precision {precision}, recall {recall}",
        manifest.len()
    );
    assert!(report.is_empty(), "{}", report.join("\n"));
}

fn seed() -> Vec<Finding> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/seed/baiyun-2021-self-evaluation.txt");
    check_file(&path, &Rules::default()).expect("the seed reads")
}

#[test]
fn the_seed_slips_are_found() {
    let findings = seed();
    let of =
        |check: &str| -> Vec<&Finding> { findings.iter().filter(|f| f.check == check).collect() };
    // 46 + 7 stated as 52.
    let sums = of("sum");
    assert_eq!(sums.len(), 1, "{sums:#?}");
    assert_eq!(
        (sums[0].stated.as_str(), sums[0].recomputed.as_str()),
        ("52套", "53")
    );
    assert_eq!(sums[0].severity, Severity::Error);
    // 良好 at 99.45.
    let grades = of("grade");
    assert_eq!(grades.len(), 1, "{grades:#?}");
    assert_eq!(
        (grades[0].stated.as_str(), grades[0].recomputed.as_str()),
        ("良好", "优")
    );
    // （2） twice; 二、 and 三、 missing.
    let headings = of("heading");
    assert!(
        headings
            .iter()
            .any(|f| f.stated == "（2）" && f.rule.contains("重复")),
        "{headings:#?}"
    );
    assert!(
        headings
            .iter()
            .any(|f| f.stated == "四、" && f.rule.contains("缺少二、三、")),
        "{headings:#?}"
    );
}

#[test]
fn the_seed_correct_figures_raise_no_alarm() {
    // 99.97% (收支比率), 99.21%, the six projects' rates and 99.45 are right: no rate, sum,
    // same-quantity or score finding may name them.
    for f in seed() {
        assert!(
            !matches!(
                f.check,
                "rate" | "same-quantity" | "execution-score" | "score-rule"
            ),
            "false alarm: {}",
            f.sentence()
        );
        for figure in [
            "99.97%",
            "99.21%",
            "100%",
            "99.99%",
            "85万元",
            "69.88万元",
            "180万元",
            "179.99万元",
            "498万元",
            "30万元",
            "15.49万元",
        ] {
            assert!(
                f.stated != figure,
                "false alarm on {figure}: {}",
                f.sentence()
            );
        }
    }
}

#[test]
fn a_rounding_only_truncation_explains_is_a_note() {
    let dir = std::env::temp_dir().join(format!("jixiao-check-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("truncated.txt");
    std::fs::write(
        &file,
        "收入8,024.86万元，支出8,022.31万元，收支比率为99.96%。\n该项目预算数180万元，实际执行数179.99万元，预算执行率达到99.98%。\n",
    )
    .unwrap();
    let findings = check_file(&file, &Rules::default()).unwrap();
    let rates: Vec<(Severity, &str)> = findings
        .iter()
        .filter(|f| f.check == "rate")
        .map(|f| (f.severity, f.stated.as_str()))
        .collect();
    // 99.9682% truncates to 99.96 (a note); 99.9944% gives 99.99 under every mode (an error).
    assert_eq!(
        rates,
        [(Severity::Note, "99.96%"), (Severity::Error, "99.98%")]
    );
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn unreadable_files_say_why() {
    let dir = std::env::temp_dir().join(format!("jixiao-check-bad-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let cases = [
        ("empty.txt", &b""[..], "空"),
        ("broken.docx", &b"PK\x03\x04 not really"[..], ".docx"),
        ("broken.xlsx", &b"not a workbook"[..], "工作簿"),
        ("old.doc", &b"\xd0\xcf\x11\xe0"[..], "另存为 .docx"),
        ("notes.rtf", &b"{\\rtf1}"[..], "不支持"),
        ("gbk.txt", &b"\xc4\xe3\xba\xc3"[..], "UTF-8"),
    ];
    for (name, bytes, words) in cases {
        let path = dir.join(name);
        std::fs::write(&path, bytes).unwrap();
        let err = check_file(&path, &Rules::default()).expect_err(name);
        assert!(err.contains(words), "{name}: {err}");
    }
    std::fs::remove_dir_all(&dir).ok();
}
