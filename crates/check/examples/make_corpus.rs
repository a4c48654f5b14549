//! Writes the test corpus of `jixiao check` into `crates/check/tests/corpus/`: a correct
//! report and a correct project self-evaluation table, each as the formats departments send
//! (.txt, .docx, .xlsx), and copies with one planted error each. `manifest.toml` lists, for
//! every file, the checks that must fire (none for the correct ones).
//!
//!   cargo run -p jixiao-check --example make_corpus
//!
//! The figures are the seed's (../shared/seed), with its slips corrected; the table is laid
//! out as the MoF template of RULES.md §1.8, its indicators those of 文印后勤 in the seed.

use std::fmt::Write as _;
use std::path::Path;

/// The correct report, one paragraph a line.
const REPORT: &str = "广州市白云区人民政府办公室2021年部门整体支出绩效自评报告
一、基本情况
（一）部门概况
本级设8个内设机构，下属事业单位3个。
（二）部门整体收支情况
部门整体财政资金收入8,024.86万元，其中一般公共预算收入8,024.86万元。部门整体财政资金支出8,022.31万元，其中一般公共预算支出8,022.31万元。收支比率为99.97%。
二、部门整体支出绩效自评情况
（一）自评得分情况
本部门整体支出绩效自评结果为优，绩效自评得分为99.45分。其中，预算完成率得分1.98分，预算完成率达到99.21%。
（二）各项工作任务绩效目标完成情况分析
对外联络、会议及调研工作：2021年该项目预算数85万元，实际执行数85万元，预算执行率达到100%，已完成本年度预算。
文书档案规范化处理入馆工作：2021年该项目预算数69.88万元，实际执行数69.88万元，预算执行率达到100%，已完成本年度预算。
机关大院基础设施维修维护支出工作：2021年该项目预算数180万元，实际执行数179.99万元，预算执行率达到99.99%，已基本完成本年度预算。
文印后勤工作：按目标完成红头文件356篇、会议材料920篇、密件106篇、文件汇编46篇、其他文件材料1936篇，共3364篇。2021年该项目预算数30万元，实际执行数30万元，预算执行率达到100%。
（三）各重点任务项目支出完成情况分析
1．文书档案规范化处理入馆项目
2021年该项目预算数（含年中调整数）为69.88万元，实际执行数为69.88万元，完成预算的100%。
2．机关大院基础设施维修维护支出
本专项预算数为180万元，执行数为179.99万元，完成预算的99.99%。
（四）主要工作成效
严格审核24个行政单位及属下20个事业单位的46套财政经费账务，以及7套专用资金账务，共53套账务处理。
三、存在的问题
（一）预算执行进度不均衡需继续改善。
（二）内部管理还需进一步完善。
四、下一步改进措施
（一）要及时对预算执行情况进行通报和预警。
（二）要加大培训力度，提高预算绩效管理业务素质。
";

/// Planted errors in the report: (file stem, what is replaced, by what, the checks that must
/// fire).
const REPORT_PLANTS: &[(&str, &str, &str, &[&str])] = &[
    (
        "report-wrong-rate",
        "实际执行数179.99万元，预算执行率达到99.99%",
        "实际执行数179.99万元，预算执行率达到99.89%",
        &["rate"],
    ),
    (
        "report-wrong-total",
        "共53套账务处理",
        "共52套账务处理",
        &["sum"],
    ),
    (
        "report-changed-amount",
        "为69.88万元，实际执行数为69.88万元",
        "为69.98万元，实际执行数为69.98万元",
        &["same-quantity"],
    ),
    ("report-grade", "自评结果为优", "自评结果为良好", &["grade"]),
    (
        "report-heading",
        "四、下一步改进措施",
        "五、下一步改进措施",
        &["heading"],
    ),
];

/// The correct table (项目支出绩效自评表, MoF layout), row by row.
fn table() -> Vec<Vec<String>> {
    let rows: Vec<Vec<&str>> = vec![
        vec![
            "项目支出绩效自评表（2021年度）",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
        ],
        vec!["项目名称", "文印后勤", "", "", "", "", "", "", ""],
        vec![
            "主管部门",
            "广州市白云区人民政府办公室",
            "",
            "",
            "实施单位",
            "区政府机关事务管理中心",
            "",
            "",
            "",
        ],
        vec![
            "项目资金（万元）",
            "",
            "年初预算数",
            "全年预算数",
            "全年执行数",
            "分值",
            "执行率",
            "得分",
            "",
        ],
        vec![
            "年度资金总额",
            "",
            "30",
            "30",
            "29.5",
            "10",
            "98.33%",
            "9.83",
            "",
        ],
        vec![
            "其中：当年财政拨款",
            "",
            "30",
            "30",
            "29.5",
            "—",
            "98.33%",
            "—",
            "",
        ],
        vec![
            "绩效指标",
            "一级指标",
            "二级指标",
            "三级指标",
            "年度指标值",
            "实际完成值",
            "分值",
            "得分",
            "偏差原因分析及改进措施",
        ],
        vec![
            "",
            "产出指标",
            "数量指标",
            "红头文件印制",
            "≥350篇",
            "356篇",
            "20",
            "20",
            "",
        ],
        vec![
            "",
            "",
            "数量指标",
            "会议材料印制",
            "≥1000篇",
            "920篇",
            "15",
            "13.8",
            "会议减少",
        ],
        vec![
            "",
            "",
            "质量指标",
            "印制差错率",
            "≤1%",
            "1.2%",
            "15",
            "12",
            "个别文件返工",
        ],
        vec![
            "",
            "效益指标",
            "社会效益指标",
            "保障区委区政府工作正常运转",
            "100%",
            "100%",
            "30",
            "30",
            "",
        ],
        vec![
            "",
            "满意度指标",
            "服务对象满意度指标",
            "干部职工满意度",
            "≥95%",
            "96%",
            "10",
            "10",
            "",
        ],
        vec!["总分", "", "", "", "", "", "100", "95.63", ""],
        vec!["评价等级", "优", "", "", "", "", "", "", ""],
    ];
    rows.into_iter()
        .map(|r| r.into_iter().map(str::to_string).collect())
        .collect()
}

/// Planted errors in the table: (file stem, [(row, column, new text)], the checks that must
/// fire).
type Edit = (usize, usize, &'static str);
const TABLE_PLANTS: &[(&str, &[Edit], &[&str])] = &[
    ("table-wrong-rate", &[(4, 6, "99.33%")], &["rate"]),
    ("table-wrong-total", &[(12, 7, "96.63")], &["total"]),
    // One weight 10 points up, the total row following it: only the structure is wrong.
    (
        "table-weights-110",
        &[
            (7, 6, "30"),
            (7, 7, "30"),
            (12, 6, "110"),
            (12, 7, "105.63"),
        ],
        &["weights"],
    ),
    // A score above its weight, the total following it.
    (
        "table-score-over-cap",
        &[(11, 7, "12"), (12, 7, "97.63")],
        &["score-cap"],
    ),
    // A score under the rule's: 920 ÷ 1000 × 15 = 13.80, stated 12.80, total following.
    (
        "table-score-rule",
        &[(8, 7, "12.8"), (12, 7, "94.63")],
        &["score-rule"],
    ),
];

fn write_xlsx(rows: &[Vec<String>], path: &Path) {
    let mut wb = rust_xlsxwriter::Workbook::new();
    let sheet = wb.add_worksheet();
    sheet.set_name("自评表").expect("a valid sheet name");
    for (r, row) in rows.iter().enumerate() {
        for (c, v) in row.iter().enumerate() {
            if v.is_empty() {
                continue;
            }
            // Numbers as numbers, as a clerk's workbook has them; the rest as text.
            match v.parse::<f64>() {
                Ok(n) if !v.contains('%') => sheet.write_number(r as u32, c as u16, n),
                _ => sheet.write_string(r as u32, c as u16, v),
            }
            .expect("the cell is written");
        }
    }
    wb.save(path).expect("the workbook is saved");
}

fn write_docx(blocks: Vec<jixiao_report::document::Block>, path: &Path) {
    let doc = jixiao_report::document::Document { blocks };
    let file = std::fs::File::create(path).expect("the file is created");
    jixiao_report::docx::write(&doc, file).expect("the document is written");
}

fn report_docx(text: &str, path: &Path) {
    use jixiao_report::document::Block;
    let mut lines = text.lines();
    let mut blocks = vec![Block::Title(lines.next().unwrap_or_default().to_string())];
    blocks.extend(lines.map(|l| Block::Paragraph(l.to_string())));
    write_docx(blocks, path);
}

fn table_docx(rows: &[Vec<String>], path: &Path) {
    use jixiao_report::document::{Block, Table};
    write_docx(
        vec![Block::Table(Table {
            caption: "项目支出绩效自评表".into(),
            unit_note: Some("单位：万元".into()),
            header: Vec::new(),
            rows: rows.to_vec(),
            spans: Vec::new(),
            notes: Vec::new(),
        })],
        path,
    );
}

fn main() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus");
    std::fs::create_dir_all(&dir).expect("the corpus folder is created");
    let mut manifest = String::from(
        "# What `jixiao check` must find in each corpus file: the checks that must fire (a\n\
         # planted error each), and nothing at all in the correct files. Written by\n\
         # `cargo run -p jixiao-check --example make_corpus`.\n\n",
    );
    let mut entry = |file: &str, checks: &[&str]| {
        let list: Vec<String> = checks.iter().map(|c| format!("\"{c}\"")).collect();
        writeln!(manifest, "\"{file}\" = [{}]", list.join(", ")).expect("a string takes writes");
    };

    std::fs::write(dir.join("report-ok.txt"), REPORT).expect("written");
    entry("report-ok.txt", &[]);
    report_docx(REPORT, &dir.join("report-ok.docx"));
    entry("report-ok.docx", &[]);
    for (stem, from, to, checks) in REPORT_PLANTS {
        assert!(REPORT.contains(from), "{stem}: “{from}” is in the report");
        let text = REPORT.replacen(from, to, 1);
        std::fs::write(dir.join(format!("{stem}.txt")), &text).expect("written");
        entry(&format!("{stem}.txt"), checks);
        if *stem == "report-wrong-rate" || *stem == "report-changed-amount" {
            report_docx(&text, &dir.join(format!("{stem}.docx")));
            entry(&format!("{stem}.docx"), checks);
        }
    }

    let ok = table();
    write_xlsx(&ok, &dir.join("table-ok.xlsx"));
    entry("table-ok.xlsx", &[]);
    table_docx(&ok, &dir.join("table-ok.docx"));
    entry("table-ok.docx", &[]);
    for (stem, edits, checks) in TABLE_PLANTS {
        let mut rows = ok.clone();
        for (r, c, v) in *edits {
            rows[*r][*c] = v.to_string();
        }
        write_xlsx(&rows, &dir.join(format!("{stem}.xlsx")));
        entry(&format!("{stem}.xlsx"), checks);
        if *stem == "table-wrong-total" || *stem == "table-score-over-cap" {
            table_docx(&rows, &dir.join(format!("{stem}.docx")));
            entry(&format!("{stem}.docx"), checks);
        }
    }
    std::fs::write(dir.join("manifest.toml"), manifest).expect("written");
    println!("wrote {}", dir.display());
}
