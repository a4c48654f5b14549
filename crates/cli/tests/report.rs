//! The narrative report: its structure, and the seed's slips (RULES.md §6 rows 13, 14, 18)
//! not repeated.

use jixiao_domain::evaluate::evaluate_department;

fn build() -> (jixiao_report::document::Document, String) {
    let data = jixiao_formats::dataset::load(&crate::example()).unwrap();
    let fw = jixiao_formats::framework::load("gz-dept-2021").unwrap();
    let eval = evaluate_department(&fw, &data).unwrap();
    let doc = jixiao_report::build(&data, &eval, &[]).unwrap();
    let md = doc.to_markdown();
    (doc, md)
}

#[test]
fn heading_tree() {
    // The seed's outline (RULES.md §2.1) with its numbering repaired: 二、 and 三、 present,
    // （二） not printed as （2）.
    let expect = "\
广州市白云区人民政府办公室2021年部门整体支出绩效自评报告
  一、基本情况
    （一）部门概况
      1.部门机构设置
      2.职能配置
    （二）年度总体工作和重点工作任务
    （三）部门整体收支情况
    （四）部门整体绩效管理情况
  二、部门整体支出绩效自评情况
    （一）自评得分情况
    （二）各项工作任务绩效目标完成情况分析
    （三）各重点任务项目支出完成情况分析
      1.文书档案规范化处理入馆项目
      2.机关大院基础设施维修维护支出项目
    （四）主要工作成效
  三、存在的问题
    （一）预算执行进度不均衡需继续改善
    （二）内部管理还需进一步完善
    （三）干部队伍的预算绩效管理素质有待优化提升
  四、下一步改进措施
  附表 部门整体支出绩效自评得分表
";
    assert_eq!(build().0.heading_tree(), expect);
}

#[test]
fn grade_is_computed_from_the_score() {
    // Row 13: the seed calls 99.45 良好; the bands say 优.
    let (_, md) = build();
    assert!(md.contains("自评结果为“优”，绩效自评得分为99.45分"));
    assert!(!md.contains("自评结果良好"));
}

#[test]
fn totals_are_summed_from_their_parts() {
    // Row 14: 46 + 7 account sets, stated as 52 in the seed.
    let seed = crate::seed_text();
    assert!(seed.contains("46套财政经费账务，以及7套专用资金账务，共52套账务处理"));
    let (_, md) = build();
    assert!(
        md.contains("46套财政经费账务，以及7套专用资金账务，共53套账务处理"),
        "{md}"
    );
}

#[test]
fn provisional_and_inferred_are_labelled_in_the_report() {
    let (_, md) = build();
    assert!(md.contains("该体系为暂定"));
    assert!(md.contains("财政拨款收入预决算差异率（暂定）"));
    assert!(md.contains("推定数"));
    assert!(md.contains("8,086.19万元"));
}
