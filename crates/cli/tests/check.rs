//! `jixiao check` as a finance bureau runs it: a batch of files in every format, one of them
//! unreadable, read to the end; JSON and a workbook of findings.

use crate::{jixiao, root};
use jixiao_store::testing::Scratch;

#[test]
fn a_batch_is_checked_to_the_end_and_our_own_report_passes() {
    let scratch = Scratch::new("check");
    // The report jixiao writes for the seed's data, as Word and as PDF: the seed's slips are
    // not repeated, so checking it finds no error and no warning.
    let docx = crate::report::seed_report(scratch.dir(), "自评报告.docx");
    let pdf = crate::report::seed_report(scratch.dir(), "自评报告.pdf");
    let broken = scratch.path("损坏.docx");
    std::fs::write(&broken, b"PK\x03\x04 truncated").unwrap();
    let seed = root().join("../shared/seed/baiyun-2021-self-evaluation.txt");
    let table = root().join("crates/check/tests/corpus/table-wrong-total.xlsx");
    let files = [&seed, &broken, &docx, &pdf, &table];
    let mut args = vec!["check", "--format", "json"];
    args.extend(files.iter().map(|p| p.to_str().unwrap()));
    let (code, out, err) = jixiao(&args);
    assert_eq!(code, 1, "an unreadable file gives exit code 1: {err}");
    assert!(err.contains("1 个文件无法读取"), "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).expect("JSON");
    let files = v["files"].as_array().unwrap();
    assert_eq!(files.len(), 5, "every file is reported");
    let checks = |i: usize, severity: &str| -> Vec<String> {
        files[i]["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["severity"] == severity)
            .map(|f| f["check"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(checks(0, "error"), ["sum"], "the seed: 46 + 7 ≠ 52");
    assert!(checks(0, "warning").contains(&"grade".to_string()));
    assert_eq!(files[1]["readable"], false);
    assert!(files[1]["error"].as_str().unwrap().contains(".docx"));
    for i in [2, 3] {
        assert!(
            checks(i, "error").is_empty() && checks(i, "warning").is_empty(),
            "{}: {:#?}",
            files[i]["file"],
            files[i]["findings"]
        );
    }
    assert_eq!(checks(4, "error"), ["total"]);

    // A workbook of findings, one row each, for the reviewers' return-for-revision comments.
    let out = scratch.path("核查结果.xlsx");
    let (code, _, err) = jixiao(&[
        "check",
        seed.to_str().unwrap(),
        "--format",
        "xlsx",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(code, 5, "errors found give exit code 5: {err}");
    let sheet = crate::zip_part(&out, "xl/sharedStrings.xml");
    assert!(
        sheet.contains("修改意见") && sheet.contains("46 + 7 = 53"),
        "{sheet}"
    );
}
