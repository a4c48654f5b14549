//! Issue 20: a clerk's workbook as clerks make them — a sheet renamed (支付 → Sheet1) is still
//! read by its header and said to be, a sheet nobody can place is refused rather than passed
//! over, half-width brackets in a header are the template's, and a computed cell's binary noise
//! (863700.7199999999) is the amount Excel shows.

use jixiao_domain::money::Fen;
use jixiao_exchange::import::{import, ImportError, Options};
use jixiao_store::Location;
use std::path::{Path, PathBuf};

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("jixiao-clerk-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// A workbook of sheets, each a name and rows of cells (a number where the text parses as one).
fn workbook(path: &Path, sheets: &[(&str, &[&[&str]])]) {
    let mut wb = rust_xlsxwriter::Workbook::new();
    for (name, rows) in sheets {
        let ws = wb.add_worksheet();
        ws.set_name(*name).unwrap();
        for (r, row) in rows.iter().enumerate() {
            for (c, cell) in row.iter().enumerate() {
                match cell.strip_prefix('#').and_then(|n| n.parse::<f64>().ok()) {
                    Some(n) => ws.write_number(r as u32, c as u16, n).unwrap(),
                    None => ws.write_string(r as u32, c as u16, *cell).unwrap(),
                };
            }
        }
    }
    wb.save(path).unwrap();
}

const UNITS: &[&[&str]] = &[
    &["单位编码", "单位名称", "部门编码"],
    &["101001", "示例区人民政府办公室", "101"],
];
const PROJECTS: &[&[&str]] = &[
    &[
        "项目编码",
        "单位编码",
        "项目名称",
        "支出类型",
        "资金来源",
        "年初预算(元)",
        "调整后预算(元)",
    ],
    &[
        "P1",
        "101001",
        "机关饭堂运行",
        "项目支出",
        "一般公共预算",
        "#1000000",
        "#1000000",
    ],
];
// 863700.72 as a formula would leave it: one ulp off, printed with 16 digits.
const PAYMENTS: &[&[&str]] = &[
    &["支付流水号", "项目编码", "支付日期", "支付金额(元)"],
    &["Z1", "P1", "2022-03-16", "#863700.7199999999"],
];

#[test]
fn a_renamed_sheet_is_read_by_its_header_and_an_unplaceable_one_refused() {
    let dir = scratch("sheets");
    let mut store = jixiao_store::open(&Location::Sqlite(dir.join("s.db"))).unwrap();
    let book = dir.join("导入.xlsx");
    workbook(
        &book,
        &[
            ("单位", UNITS),
            ("项目", PROJECTS),
            ("Sheet1", PAYMENTS),
            ("备注", &[&["本表由财务科填写"]]),
        ],
    );
    let before = store.digest().unwrap();
    let e = match import(store.as_mut(), &book, &Options::default(), &mut |_| {}) {
        Err(ImportError::Input(p, _)) => p.0.iter().map(|p| p.to_string()).collect::<Vec<_>>(),
        other => panic!("{other:?}"),
    };
    assert_eq!(e.len(), 1, "{e:#?}");
    assert!(
        e[0].contains("工作表“备注”") && e[0].contains("看不出这张工作表是哪张表"),
        "{e:#?}"
    );
    assert_eq!(store.digest().unwrap(), before, "nothing written");

    // Without it: Sheet1 is the payments, said so; the amount is the one Excel shows.
    workbook(
        &book,
        &[("单位", UNITS), ("项目", PROJECTS), ("Sheet1", PAYMENTS)],
    );
    let r = import(store.as_mut(), &book, &Options::default(), &mut |_| {}).unwrap();
    assert!(
        r.recognised
            .iter()
            .any(|w| w.contains("Sheet1") && w.contains("按表头识别为支付表")),
        "{:?}",
        r.recognised
    );
    let mut amounts = Vec::new();
    store
        .for_each_payment(Some(2022), &mut |p| amounts.push(p.amount))
        .unwrap();
    assert_eq!(amounts, vec![Fen(86_370_072)]);
    let p = &store.projects(Some(2022)).unwrap()[0];
    assert_eq!(
        p.adjusted_budget,
        Fen(100_000_000),
        "年初预算(元): the template's header in half-width brackets"
    );
}

#[test]
fn a_missing_file_says_it_is_missing() {
    let dir = scratch("missing");
    let mut store = jixiao_store::open(&Location::Sqlite(dir.join("s.db"))).unwrap();
    let e = match import(
        store.as_mut(),
        &dir.join("没有这个文件.xlsx"),
        &Options::default(),
        &mut |_| {},
    ) {
        Err(ImportError::Input(p, _)) => p.0[0].to_string(),
        other => panic!("{other:?}"),
    };
    assert!(e.contains("找不到"), "{e}");
}
