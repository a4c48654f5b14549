//! Issue 19: exports of the 预算管理一体化系统 import with no mapping file — recognised from their
//! headers (element names, Chinese headers, older names), rows marked deleted skipped and
//! counted, amounts in 元 or 万元 read to the fen — and a bad export is refused whole, each
//! problem placed. Fixtures in tests/data/yitihua/ (written by hand from the documented
//! elements; its README says what each holds).

use jixiao_domain::money::Fen;
use jixiao_exchange::import::{import, ImportError, Options, Report};
use jixiao_exchange::profile::{Choice, YITIHUA};
use jixiao_exchange::tables::{GOALS, LIBRARY, PAYMENTS, PROJECTS, TARGETS, UNITS};
use jixiao_store::{Location, Store};
use std::path::{Path, PathBuf};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/yitihua")
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("jixiao-yitihua-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn store(dir: &Path) -> Box<dyn Store> {
    jixiao_store::open(&Location::Sqlite(dir.join("store.db"))).unwrap()
}

fn run(store: &mut dyn Store, path: &Path, opts: &Options) -> Result<Report, ImportError> {
    import(store, path, opts, &mut |_| {})
}

fn problems(e: ImportError) -> Vec<String> {
    match e {
        ImportError::Input(p, _) => p.0.iter().map(|p| p.to_string()).collect(),
        ImportError::Store(e) => panic!("the store failed: {e}"),
    }
}

fn payments(store: &mut dyn Store) -> Vec<(String, String, i64)> {
    let mut out = Vec::new();
    store
        .for_each_payment(Some(2022), &mut |p| {
            out.push((p.payment_id.to_string(), p.pay_date.to_string(), p.amount.0))
        })
        .unwrap();
    out.sort();
    out
}

#[test]
fn the_integrated_systems_exports_import_by_their_element_names_without_a_mapping_file() {
    let dir = scratch("csv");
    let mut s = store(&dir);
    let r = run(s.as_mut(), &fixtures(), &Options::default()).unwrap();
    assert_eq!(r.year, Some(2022));
    assert_eq!(r.recognised.len(), 6, "{:?}", r.recognised);
    assert!(
        r.recognised
            .iter()
            .any(|w| w.contains("pay_voucher_bill.csv") && w.contains("XPAY_AMT→支付金额")),
        "{:?}",
        r.recognised
    );
    // Each table's deleted row skipped and counted.
    let mut skipped = r.skipped.clone();
    skipped.sort();
    let mut want = vec![
        (UNITS.label, 1),
        (PROJECTS.label, 1),
        (TARGETS.label, 1),
        (PAYMENTS.label, 1),
        (GOALS.label, 1),
        (LIBRARY.label, 1),
    ];
    want.sort();
    assert_eq!(skipped, want);

    let units = s.units().unwrap();
    assert_eq!(units.len(), 3);
    assert!(
        units.iter().any(|u| u.code == "001003"),
        "codes are text: leading zeros kept"
    );
    assert!(units.iter().all(|u| u.region_code == "440999000"));
    let projects = s.projects(Some(2022)).unwrap();
    assert_eq!(projects.len(), 4);
    let p = |code: &str| projects.iter().find(|p| p.code == code).unwrap().clone();
    // 年初批复数 and 变动后预算数, to the fen; 项目类别 22 and 31 are 项目支出, 1 基本支出.
    let canteen = p("44099922101P000000001");
    assert_eq!(
        (canteen.initial_budget, canteen.adjusted_budget),
        (Fen(115_000_000), Fen(120_000_000))
    );
    assert_eq!(canteen.kind.label(), "项目支出");
    assert_eq!(p("44099922101P000000002").kind.label(), "基本支出");
    assert_eq!(
        p("44099922101P000000003").fund_source.label(),
        "政府性基金预算"
    );
    assert_eq!(p("44099922101P000000004").adjusted_budget, Fen(35_678_912));
    // 指标值 split into direction and number: ≥120000人次, ≤12元, >=90%, 合格 (定性, target 1), a
    // bare 100000 (正向).
    let targets = s.targets(Some(2022)).unwrap();
    let t = |code: &str| targets.iter().find(|t| t.code == code).unwrap().clone();
    let shown = |code: &str| {
        let x = t(code);
        format!(
            "{} {} {}",
            x.direction.id(),
            x.target.normalize(),
            x.weight.normalize()
        )
    };
    assert_eq!(targets.len(), 5);
    assert_eq!(shown("K000001"), "ge 120000 20");
    assert_eq!(shown("K000002"), "le 12 10");
    assert_eq!(shown("K000003"), "ge 90 10");
    assert_eq!(shown("K000004"), "qual 1 30");
    assert_eq!(shown("K000005"), "ge 100000 40");
    assert_eq!(t("K000004").name, "维修工程验收");
    // The amount actually paid (XPAY_AMT, 249,999.50 where PAY_AMT is 250,000.00), on the day
    // paid (XPAY_DATE, yyyyMMddHHmmss).
    assert_eq!(
        payments(s.as_mut()),
        vec![
            ("W0022000001".into(), "2022-03-16".into(), 12_345_600),
            ("W0022000002".into(), "2022-03-31".into(), 41_666_667),
            ("W0022000003".into(), "2022-04-21".into(), 24_999_950),
            ("W0022000004".into(), "2022-05-11".into(), 10_000_001),
        ]
    );
    // The goal's second version (the first marked deleted), and the library: 共性 ones
    // unclassified, 个性 ones under the older EXPFUNC's 功能分类.
    let goals = s.goals(Some(2022)).unwrap();
    assert_eq!(goals.len(), 2);
    assert!(
        goals[0].goal.contains("人均每餐费用不超过12元"),
        "{goals:?}"
    );
    let library = s.library().unwrap();
    assert_eq!(library.len(), 4, "{library:?}");
    let meals = library.iter().find(|i| i.code == "0101002").unwrap();
    assert_eq!(
        (
            meals.level1.as_str(),
            meals.name.as_str(),
            meals.function_subject.as_str()
        ),
        ("产出指标", "供餐人次", "2010350")
    );
    assert!(library
        .iter()
        .filter(|i| i.code.starts_with("03") || i.code == "0101001")
        .all(|i| i.function_subject.is_empty()));
    // Imported again: the same vouchers are skipped by 支付凭证号, nothing counted twice; the
    // goals and the library are written over, not added.
    let before = s.digest().unwrap();
    let again = run(s.as_mut(), &fixtures(), &Options::default()).unwrap();
    assert_eq!(again.payments.already_stored, 4);
    assert_eq!(payments(s.as_mut()).len(), 4);
    assert_eq!(s.digest().unwrap(), before);
}

/// A sheet with a header row and text rows.
fn text_sheet(wb: &mut rust_xlsxwriter::Workbook, name: &str, header: &[&str], rows: &[&[&str]]) {
    let ws = wb.add_worksheet();
    ws.set_name(name).unwrap();
    for (c, h) in header.iter().enumerate() {
        ws.write_string(0, c as u16, *h).unwrap();
    }
    for (r, cells) in rows.iter().enumerate() {
        for (c, v) in cells.iter().enumerate() {
            ws.write_string(r as u32 + 1, c as u16, *v).unwrap();
        }
    }
}

#[test]
fn budgets_goals_and_the_library_with_chinese_headers_and_older_names_read_as_the_csvs() {
    // The CSV fixtures into one store.
    let dir = scratch("chinese-all");
    let mut by_csv = store(&dir);
    run(by_csv.as_mut(), &fixtures(), &Options::default()).unwrap();

    // The same units and payments, then a workbook: budgets with Chinese headers in 万元, goals
    // under the older NDGOAL, the library under its Chinese headers (是否共性指标 as 1 / 2).
    let other = scratch("chinese-all-2");
    let mut by_book = store(&other);
    let setup = scratch("chinese-all-setup");
    for f in [
        "agency_info.csv",
        "pm_perf_indicator.csv",
        "pay_voucher_bill.csv",
    ] {
        std::fs::copy(fixtures().join(f), setup.join(f)).unwrap();
    }
    let book = setup.join("一体化导出.xlsx");
    let mut wb = rust_xlsxwriter::Workbook::new();
    text_sheet(
        &mut wb,
        "项目年度预算",
        &[
            "项目代码",
            "单位代码",
            "项目名称",
            "项目类别代码",
            "资金性质",
            "年初批复数（万元）",
            "变动后预算数（万元）",
            "是否删除",
        ],
        &[
            &[
                "44099922101P000000001",
                "101001",
                "机关饭堂运行",
                "22",
                "111-一般公共预算资金",
                "115",
                "120",
                "2",
            ],
            &[
                "44099922101P000000002",
                "101001",
                "在职人员工资",
                "1",
                "一般公共预算资金",
                "500",
                "500",
                "2",
            ],
            &[
                "44099922101P000000003",
                "101002",
                "机关大院维修改造",
                "31",
                "政府性基金预算资金",
                "80",
                "70",
                "否",
            ],
            &[
                "44099922101P000000004",
                "001003",
                "档案数字化",
                "31",
                "111",
                "35.678912",
                "35.678912",
                "2",
            ],
            &[
                "44099922101P000000009",
                "101002",
                "已删除的示例项目",
                "31",
                "111",
                "1",
                "1",
                "1",
            ],
        ],
    );
    text_sheet(
        &mut wb,
        "Sheet2",
        &["PRO_CODE", "NDGOAL", "IS_DELETED"],
        &[
            &["44099922101P000000001", "保障机关饭堂全年正常运转，供餐12万人次以上，就餐人员满意度不低于90%。", "1"],
            &["44099922101P000000001", "保障机关饭堂全年正常运转，供餐12万人次以上，人均每餐费用不超过12元，就餐人员满意度不低于90%。", "2"],
            &["44099922101P000000003", "完成机关大院维修改造工程，年内通过验收。", "2"],
        ],
    );
    text_sheet(
        &mut wb,
        "指标库导出",
        &[
            "绩效指标代码",
            "一级绩效指标名称",
            "二级绩效指标名称",
            "绩效指标名称",
            "是否共性指标",
            "指标值说明",
            "评（扣）分标准",
            "支出功能分类科目代码",
            "是否删除",
        ],
        &[
            &[
                "0101001",
                "产出指标",
                "时效指标",
                "项目完成及时性",
                "1",
                "按计划时间完成",
                "按期完成得满分，每延期1个月扣20%",
                "",
                "2",
            ],
            &[
                "0301001",
                "满意度指标",
                "服务对象满意度指标",
                "服务对象满意度",
                "1",
                "≥90%",
                "每降低1个百分点扣10%",
                "",
                "2",
            ],
            &[
                "0101002",
                "产出指标",
                "数量指标",
                "供餐人次",
                "2",
                "≥N人次",
                "完成得满分，未完成按比例得分",
                "2010350",
                "2",
            ],
            &[
                "0101003",
                "产出指标",
                "成本指标",
                "人均餐费",
                "2",
                "≤N元",
                "不超过得满分",
                "2010350",
                "2",
            ],
            &[
                "0101009",
                "产出指标",
                "数量指标",
                "已停用的指标",
                "2",
                "≥N",
                "",
                "2010350",
                "1",
            ],
        ],
    );
    wb.save(&book).unwrap();
    let r = run(by_book.as_mut(), &setup, &Options::default()).unwrap();
    assert_eq!(r.recognised.len(), 6, "{:?}", r.recognised);
    assert!(
        r.recognised
            .iter()
            .any(|w| w.contains("NDGOAL→年度绩效目标")),
        "{:?}",
        r.recognised
    );
    assert!(
        r.recognised
            .iter()
            .any(|w| w.contains("年初批复数（万元）→")),
        "{:?}",
        r.recognised
    );
    assert_eq!(
        by_book.digest().unwrap(),
        by_csv.digest().unwrap(),
        "the workbook (万元, Chinese headers, older names) and the CSVs (元, element names) give one store"
    );
}

#[test]
fn a_library_row_that_contradicts_itself_is_refused_with_its_cell() {
    let dir = scratch("library-bad");
    let mut s = store(&dir);
    let before = s.digest().unwrap();
    let file = dir.join("bas_perf_indicator.csv");
    std::fs::write(
        &file,
        "PERF_IND_CODE,LV1_PERF_IND_NAME,LV2_PERF_IND_NAME,PERF_IND_NAME,IS_COMMON_IND,EXP_FUNC_CODE
         01,产出指标,数量指标,甲,1,2010350
         02,产出指标,数量指标,乙,2,
         03,决策指标,目标设定,丙,1,
         04,产出指标,数量指标,丁,3,
",
    )
    .unwrap();
    let e = problems(run(s.as_mut(), &file, &Options::default()).unwrap_err());
    assert_eq!(e.len(), 4, "{e:#?}");
    assert!(
        e[0].contains("第 2 行")
            && e[0].contains("IS_COMMON_IND")
            && e[0].contains("共性指标适用于任何项目"),
        "{e:#?}"
    );
    assert!(
        e[1].contains("第 3 行") && e[1].contains("个性指标须至少填写"),
        "{e:#?}"
    );
    assert!(
        e[2].contains("第 4 行") && e[2].contains("LV1_PERF_IND_NAME") && e[2].contains("决策指标"),
        "{e:#?}"
    );
    assert!(
        e[3].contains("第 5 行") && e[3].contains("是 或 否"),
        "{e:#?}"
    );
    assert_eq!(s.digest().unwrap(), before, "nothing written");
}

/// The same payments as a workbook with the Chinese headers a payment screen exports, in 万元,
/// the project under its older name (BIS_CODE).
fn chinese_workbook(path: &Path, rows: &[(&str, &str, &str, f64, &str)]) {
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("Sheet1").unwrap();
    for (c, h) in [
        "支付凭证号",
        "BIS_CODE",
        "凭证日期",
        "支付金额（万元）",
        "是否删除",
    ]
    .iter()
    .enumerate()
    {
        ws.write_string(0, c as u16, *h).unwrap();
    }
    for (i, (id, project, date, wan, deleted)) in rows.iter().enumerate() {
        let r = i as u32 + 1;
        ws.write_string(r, 0, *id).unwrap();
        ws.write_string(r, 1, *project).unwrap();
        ws.write_string(r, 2, *date).unwrap();
        ws.write_number(r, 3, *wan).unwrap();
        ws.write_string(r, 4, *deleted).unwrap();
    }
    wb.save(path).unwrap();
}

#[test]
fn a_workbook_with_chinese_headers_in_wan_reads_the_same_amounts_to_the_fen() {
    let dir = scratch("xlsx");
    let mut s = store(&dir);
    // Units and projects first, from the fixtures' CSVs.
    let setup = scratch("xlsx-setup");
    for f in [
        "agency_info.csv",
        "bgt_pm_annual.csv",
        "pm_perf_indicator.csv",
    ] {
        std::fs::copy(fixtures().join(f), setup.join(f)).unwrap();
    }
    let year = Options {
        year: Some(2022),
        ..Options::default()
    };
    run(s.as_mut(), &setup, &year).unwrap();
    let book = dir.join("国库集中支付明细.xlsx");
    chinese_workbook(
        &book,
        &[
            (
                "W0022000001",
                "44099922101P000000001",
                "20220316",
                12.3456,
                "2",
            ),
            (
                "W0022000002",
                "44099922101P000000002",
                "2022-03-31",
                41.666667,
                "2",
            ),
            (
                "W0022000009",
                "44099922101P000000003",
                "2022-06-02",
                0.0999,
                "1",
            ),
        ],
    );
    let opts = Options {
        year: Some(2022),
        ..Options::default()
    };
    let r = run(s.as_mut(), &book, &opts).unwrap();
    assert!(
        r.recognised[0].contains("支付金额（万元）→支付金额"),
        "{:?}",
        r.recognised
    );
    assert_eq!(r.skipped, vec![(PAYMENTS.label, 1)]);
    assert_eq!(
        payments(s.as_mut()),
        vec![
            ("W0022000001".into(), "2022-03-16".into(), 12_345_600),
            ("W0022000002".into(), "2022-03-31".into(), 41_666_667),
        ]
    );
}

#[test]
fn a_bad_export_is_refused_whole_each_problem_with_its_row_and_column() {
    let dir = scratch("bad");
    let mut s = store(&dir);
    let before = s.digest().unwrap();
    let folder = scratch("bad-input");
    std::fs::copy(
        fixtures().join("agency_info.csv"),
        folder.join("agency_info.csv"),
    )
    .unwrap();
    std::fs::write(
        folder.join("bgt_pm_annual.csv"),
        "FISCAL_YEAR,AGENCY_CODE,PRO_CODE,PRO_NAME,FUND_TYPE_CODE,REPLY_AMT,CUR_AMT\n\
         2022,101001,P1,甲项目,999,100.00,100.00\n\
         2022,101001,P2,乙项目,111,100.001,100.00\n",
    )
    .unwrap();
    let e = problems(
        run(
            s.as_mut(),
            &folder,
            &Options {
                year: Some(2022),
                ..Options::default()
            },
        )
        .unwrap_err(),
    );
    assert_eq!(e.len(), 2, "{e:#?}");
    assert!(
        e[0].contains("bgt_pm_annual.csv")
            && e[0].contains("第 2 行")
            && e[0].contains("FUND_TYPE_CODE")
            && e[0].contains("999"),
        "{e:#?}"
    );
    assert!(
        e[1].contains("第 3 行") && e[1].contains("REPLY_AMT") && e[1].contains("两位小数"),
        "{e:#?}"
    );
    assert_eq!(s.digest().unwrap(), before, "nothing written");

    // --unit 元 over a header that says （万元） is refused, not guessed.
    let conflicting = folder.join("units.xlsx");
    chinese_workbook(&conflicting, &[("W1", "P1", "20220316", 1.5, "2")]);
    let unit = Options {
        year: Some(2022),
        unit: Some("元".into()),
        ..Options::default()
    };
    let e = problems(run(s.as_mut(), &conflicting, &unit).unwrap_err());
    assert!(
        e.iter()
            .any(|p| p.contains("--unit 元") && p.contains("万元")),
        "{e:#?}"
    );
    std::fs::remove_file(&conflicting).unwrap();

    // A sub-fen amount in 万元 is refused too.
    let book = folder.join("pay.xlsx");
    chinese_workbook(&book, &[("W1", "P1", "20220316", 1.2345678, "2")]);
    let e = problems(
        run(
            s.as_mut(),
            &book,
            &Options {
                year: Some(2022),
                ..Options::default()
            },
        )
        .unwrap_err(),
    );
    assert!(
        e.iter()
            .any(|p| p.contains("支付金额（万元）") && p.contains("不足一分")),
        "{e:#?}"
    );
    assert_eq!(s.digest().unwrap(), before);
}

#[test]
fn under_its_profile_a_file_it_does_not_recognise_names_the_closest_table_and_what_it_lacks() {
    let dir = scratch("closest");
    let mut s = store(&dir);
    let file = dir.join("export.csv");
    std::fs::write(&file, "PAY_CERT_NO,PAY_AMT,AGENCY_CODE\nW1,1.00,101001\n").unwrap();
    let opts = Options {
        year: Some(2022),
        profile: Choice::Only(YITIHUA),
        ..Options::default()
    };
    let e = problems(run(s.as_mut(), &file, &opts).unwrap_err());
    assert_eq!(e.len(), 1, "{e:#?}");
    assert!(
        e[0].contains("最接近的是支付表")
            && e[0].contains("PRO_CODE")
            && e[0].contains("XPAY_DATE"),
        "{e:#?}"
    );
    // Without a profile the file is not recognised, and the message says what a file needs.
    let off = Options {
        year: Some(2022),
        profile: Choice::Off,
        ..Options::default()
    };
    let e = problems(run(s.as_mut(), &file, &off).unwrap_err());
    assert!(e[0].contains("看不出这是哪张表"), "{e:#?}");
}

#[test]
fn what_is_exported_in_the_systems_names_imports_back_as_the_same_store() {
    let dir = scratch("roundtrip");
    let mut first = store(&dir);
    run(first.as_mut(), &fixtures(), &Options::default()).unwrap();
    let out = dir.join("export");
    let exported =
        jixiao_exchange::export::export_csv_as(first.as_mut(), &out, Some(2022), Some(&YITIHUA))
            .unwrap();
    assert!(exported
        .files
        .iter()
        .any(|f| f.ends_with("pay_voucher_bill.csv")));
    let head = std::fs::read_to_string(out.join("bgt_pm_annual.csv")).unwrap();
    assert!(
        head.starts_with(
            "PRO_CODE,AGENCY_CODE,PRO_NAME,支出类型,FUND_TYPE_NAME,REPLY_AMT,CUR_AMT\n"
        ),
        "{head}"
    );
    let second_dir = scratch("roundtrip-back");
    let mut second = store(&second_dir);
    let r = run(second.as_mut(), &out, &Options::default()).unwrap();
    assert_eq!(r.recognised.len(), 6, "{:?}", r.recognised);
    for f in ["pm_perf_goal_info.csv", "bas_perf_indicator.csv"] {
        assert!(exported.files.iter().any(|x| x.ends_with(f)), "{f}");
    }
    assert_eq!(
        second.digest().unwrap(),
        first.digest().unwrap(),
        "import → export --profile yitihua → import is identity"
    );
}

#[test]
fn a_voucher_stored_last_month_and_marked_deleted_now_is_said_not_skipped() {
    let dir = scratch("withdrawn");
    let mut s = store(&dir);
    run(s.as_mut(), &fixtures(), &Options::default()).unwrap();
    let month = scratch("withdrawn-month");
    let opts = Options {
        year: Some(2022),
        ..Options::default()
    };
    // W0022000001 was stored; now marked deleted (是). A new voucher beside it.
    std::fs::write(
        month.join("pay_voucher_bill.csv"),
        "PAY_CERT_NO,PRO_CODE,XPAY_DATE,XPAY_AMT,是否删除\n\
         W0022000001,44099922101P000000001,20220316,123456.00,是\n\
         W0022000010,44099922101P000000001,20220620,100.00,否\n",
    )
    .unwrap();
    let before = s.digest().unwrap();
    let e = problems(run(s.as_mut(), &month, &opts).unwrap_err());
    assert_eq!(e.len(), 1, "{e:#?}");
    assert!(
        e[0].contains("第 2 行") && e[0].contains("W0022000001") && e[0].contains("标记为已删除"),
        "{e:#?}"
    );
    assert_eq!(s.digest().unwrap(), before, "nothing written");
    // A mark that is neither 1/是 nor 2/否 is named, not guessed.
    std::fs::write(
        month.join("pay_voucher_bill.csv"),
        "PAY_CERT_NO,PRO_CODE,XPAY_DATE,XPAY_AMT,IS_DELETED\nW0022000011,44099922101P000000001,20220620,1.00,3\n",
    )
    .unwrap();
    let e = problems(run(s.as_mut(), &month, &opts).unwrap_err());
    assert!(e.iter().any(|p| p.contains("“3”不是删除标记")), "{e:#?}");
}

#[test]
fn under_its_profile_a_workbook_s_empty_and_guide_sheets_are_passed_over() {
    let dir = scratch("guide");
    let mut s = store(&dir);
    let setup = scratch("guide-setup");
    for f in ["agency_info.csv", "bgt_pm_annual.csv"] {
        std::fs::copy(fixtures().join(f), setup.join(f)).unwrap();
    }
    let opts = Options {
        year: Some(2022),
        profile: Choice::Only(YITIHUA),
        ..Options::default()
    };
    run(s.as_mut(), &setup, &opts).unwrap();
    let book = dir.join("pay.xlsx");
    let mut wb = rust_xlsxwriter::Workbook::new();
    wb.add_worksheet()
        .set_name("说明")
        .unwrap()
        .write_string(0, 0, "填写说明")
        .unwrap();
    let ws = wb.add_worksheet().set_name("明细").unwrap();
    for (c, h) in ["PAY_CERT_NO", "PRO_CODE", "XPAY_DATE", "XPAY_AMT"]
        .iter()
        .enumerate()
    {
        ws.write_string(0, c as u16, *h).unwrap();
    }
    for (c, v) in ["W9", "44099922101P000000001", "20220701", "5.00"]
        .iter()
        .enumerate()
    {
        ws.write_string(1, c as u16, *v).unwrap();
    }
    wb.add_worksheet().set_name("Sheet3").unwrap();
    wb.save(&book).unwrap();
    let r = run(s.as_mut(), &book, &opts).unwrap();
    assert_eq!(r.recognised.len(), 1, "{:?}", r.recognised);
    assert_eq!(payments(s.as_mut()).len(), 1);
}
