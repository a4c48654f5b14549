//! Issue 18: the 申报表 workbook — declarations written as one and read back unchanged, and a
//! clerk's mistakes each named with its sheet, row and column, nothing read.

use jixiao_exchange::declarations::{read, write};
use jixiao_exchange::source::Workbook;
use jixiao_exchange::workbook::text_row;
use std::path::Path;

fn declarations() -> Vec<jixiao_domain::targets::Declaration> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    [
        "crates/formats/tests/data/declarations/clean.toml",
        "crates/formats/tests/data/declarations/sichuan-zhaohua-teifu-2021.toml",
        "examples/declarations/demo-new-project-2021.toml",
    ]
    .iter()
    .map(|f| jixiao_formats::declaration::load(&root.join(f)).unwrap())
    .collect()
}

#[test]
fn declarations_written_as_a_workbook_read_back_the_same() {
    let mut original = declarations();
    let bytes = write(&original).unwrap();
    let book = Workbook::from_bytes(Path::new("申报表.xlsx"), bytes).unwrap();
    let back = read(&book).unwrap();
    // The workbook keeps no last year's actual (the store has it) nor a period value's text.
    for d in &mut original {
        for i in &mut d.indicators {
            i.last_actual = None;
            i.period_value = None;
        }
    }
    let mut back = back;
    for d in &mut back {
        for i in &mut d.indicators {
            i.period_value = None;
        }
    }
    assert_eq!(back, original);
    // And as text, each reads back as itself.
    for d in &back {
        let text = jixiao_formats::declaration::to_text(d);
        let again = jixiao_formats::declaration::parse(Path::new("t"), &text).unwrap();
        assert_eq!(&again, d);
    }
}

#[test]
fn every_mistake_is_named_with_its_sheet_row_and_column_and_nothing_is_read() {
    use rust_xlsxwriter::Workbook as Book;
    let mut wb = Book::new();
    let p = wb.add_worksheet().set_name("申报项目").unwrap();
    let head = [
        "项目编号",
        "年度",
        "项目名称",
        "申报单位",
        "项目属性",
        "年度资金总额（万元）",
        "年度目标",
        "总目标",
    ];
    text_row(p, 0, &head, None).unwrap();
    text_row(
        p,
        1,
        &["A", "二〇二七", "", "区档案馆", "新建", "30", "", ""],
        None,
    )
    .unwrap();
    let i = wb.add_worksheet().set_name("申报指标").unwrap();
    let head = [
        "项目编号",
        "一级指标",
        "二级指标",
        "三级指标",
        "指标值",
        "全周期指标值",
        "分值",
        "评(扣)分标准",
    ];
    text_row(i, 0, &head, None).unwrap();
    let row = [
        "B",
        "产出",
        "数量指标",
        "档案数字化",
        "≥3000件",
        "",
        "十",
        "",
    ];
    text_row(i, 1, &row, None).unwrap();
    let book =
        Workbook::from_bytes(Path::new("申报表.xlsx"), wb.save_to_buffer().unwrap()).unwrap();
    let problems = read(&book).unwrap_err().to_string();
    for said in [
        "工作表“申报项目”第 2 行 C 列“项目名称”",
        "工作表“申报项目”第 2 行 B 列“年度”",
        "二〇二七",
        "工作表“申报项目”第 2 行 E 列“项目属性”",
        "新建",
        "工作表“申报指标”第 2 行 G 列“分值”",
        "工作表“申报指标”第 2 行 A 列“项目编号”",
    ] {
        assert!(problems.contains(said), "{said} not in:\n{problems}");
    }
}
