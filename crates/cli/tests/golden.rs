//! Every figure of the seed that jixiao computes, exactly as the seed prints it, each checked
//! against the seed sentence it comes from (the sentence must be in the seed file).

use jixiao_domain::evaluate::evaluate_department;
use jixiao_domain::money::Fen;
use jixiao_domain::number::{format_percent, format_percent_prose, format_score_prose};
use jixiao_domain::Decimal;
use std::str::FromStr;

/// `sentence` is quoted from the seed and contains `printed`; jixiao computed `computed`.
fn check(seed: &str, sentence: &str, printed: &str, computed: &str) {
    assert!(seed.contains(sentence), "not a seed sentence: {sentence}");
    assert!(
        sentence.contains(printed),
        "“{printed}” is not in “{sentence}”"
    );
    assert_eq!(computed, printed, "seed: {sentence}");
}

fn wan(text: &str) -> Fen {
    Fen::from_wan(Decimal::from_str(&text.replace(',', "")).unwrap()).unwrap()
}

#[test]
fn seed_figures() {
    let seed = crate::seed_text();
    let data = jixiao_formats::dataset::load(&crate::example()).unwrap();
    let fw = jixiao_formats::framework::load("gz-dept-2021").unwrap();
    let eval = evaluate_department(&fw, &data).unwrap();
    let fin = &data.finances;
    let score = |name: &str| format_score_prose(eval.item(name).unwrap().score);
    let value = |name: &str| eval.item(name).unwrap().value_text();

    check(
        &seed,
        "收支比率为99.97%",
        "99.97%",
        &format_percent(
            fin.total_expenditure()
                .ratio_to(fin.total_income())
                .unwrap(),
        ),
    );
    check(
        &seed,
        "绩效自评得分为99.45分",
        "99.45",
        &format_score_prose(eval.total),
    );
    check(&seed, "预算完成率得分1.98分", "1.98", &score("预算完成率"));
    check(
        &seed,
        "预算完成率达到99.21%",
        "99.21%",
        &value("预算完成率"),
    );
    check(
        &seed,
        "财政拨款收入预决算差异率得分1.5分",
        "1.5",
        &score("财政拨款收入预决算差异率"),
    );
    check(
        &seed,
        "一般公共预算支出年度平均执行率得分1.97分",
        "1.97",
        &score("一般公共预算支出年度平均执行率"),
    );
    // Amounts are compared by value: the seed writes 8,024.86万元 but also 85万元; jixiao
    // prints every amount with two decimals (RULES.md §7.3).
    check(
        &seed,
        "部门整体财政资金收入8,024.86万元",
        "8,024.86",
        &fin.total_income().format_wan(),
    );
    check(
        &seed,
        "部门整体财政资金支出8,022.31万元",
        "8,022.31",
        &fin.total_expenditure().format_wan(),
    );
    check(
        &seed,
        "设8个内设机构",
        "8",
        &data.department.organs.len().to_string(),
    );
    check(
        &seed,
        "下属事业单位3个",
        "3",
        &data.department.subordinates().count().to_string(),
    );

    // The six projects: budget, execution (by value) and the execution rate (as printed).
    let projects = [
        (
            "对外联络、会议及调研",
            "2021年该项目预算数85万元，实际执行数85万元，预算执行率达到100%",
            "85",
            "85",
            "100%",
        ),
        (
            "文书档案规范化处理入馆",
            "2021年该项目预算数69.88万元，实际执行数69.88万元，预算执行率达到100%",
            "69.88",
            "69.88",
            "100%",
        ),
        (
            "机关大院基础设施维修维护支出",
            "2021年该项目预算数180万元，实际执行数179.99万元，预算执行率达到99.99%",
            "180",
            "179.99",
            "99.99%",
        ),
        (
            "机关饭堂",
            "2021年该项目预算数498万元，实际执行数498万元，预算执行率达到100%",
            "498",
            "498",
            "100%",
        ),
        (
            "文印后勤",
            "2021年该项目预算数30万元，实际执行数30万元，预算执行率达到100%",
            "30",
            "30",
            "100%",
        ),
        (
            "智慧白云信息化建设",
            "2021年该项目预算数15.49万元，实际执行数15.49万元，预算执行率达到100%",
            "15.49",
            "15.49",
            "100%",
        ),
    ];
    assert_eq!(data.projects.len(), projects.len());
    for (name, sentence, budget, executed, rate) in projects {
        let p = data.projects.iter().find(|p| p.name == name).unwrap();
        assert!(seed.contains(sentence), "not a seed sentence: {sentence}");
        assert_eq!(p.budget.full_year().value, wan(budget), "{name}");
        assert_eq!(p.executed.value, wan(executed), "{name}");
        check(
            &seed,
            sentence,
            rate,
            &format_percent_prose(p.execution_rate().unwrap()),
        );
    }
    check(
        &seed,
        "执行数为179.99万元，完成预算的99.99%",
        "99.99%",
        &{
            let p = data
                .projects
                .iter()
                .find(|p| p.name == "机关大院基础设施维修维护支出")
                .unwrap();
            format_percent_prose(p.execution_rate().unwrap())
        },
    );
    check(
        &seed,
        "实际执行数为69.88万元，完成预算的100%",
        "100%",
        &{
            let p = data
                .projects
                .iter()
                .find(|p| p.name == "文书档案规范化处理入馆")
                .unwrap();
            format_percent_prose(p.execution_rate().unwrap())
        },
    );
}

#[test]
fn the_full_year_budget_is_inferred_within_the_range_rules_md_derives() {
    // RULES.md §6: 99.21% half-up needs 8,085.79 ≤ B ≤ 8,086.59 万元.
    let data = jixiao_formats::dataset::load(&crate::example()).unwrap();
    let e = &data.finances.expenditure[0];
    let b = e.budget.as_ref().unwrap().full_year();
    assert!(b.origin.is_inferred());
    assert!(
        b.value >= wan("8085.79") && b.value <= wan("8086.59"),
        "{:?}",
        b.value
    );
}

/// Sentences of the seed, each with figures jixiao computes, that its report must state.
pub const REPORT_PHRASES: [&str; 9] = [
    "收支比率为99.97%",
    "绩效自评得分为99.45分",
    "预算完成率得分1.98分，预算完成率达到99.21%",
    "财政拨款收入预决算差异率得分1.5分",
    "一般公共预算支出年度平均执行率得分1.97分",
    "预算执行率达到99.99%",
    "完成预算的99.99%",
    "部门整体财政资金收入8,024.86万元",
    "部门整体财政资金支出8,022.31万元",
];

#[test]
fn the_report_states_the_seed_figures() {
    let seed = crate::seed_text();
    let dir = std::env::temp_dir().join(format!("jixiao-golden-{}", std::process::id()));
    let out = dir.join("r.md");
    let (code, _, err) = crate::jixiao(&[
        "report",
        "examples/baiyun-2021",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{err}");
    let md = std::fs::read_to_string(&out).unwrap();
    for phrase in REPORT_PHRASES {
        assert!(seed.contains(phrase), "not in the seed: {phrase}");
        assert!(md.contains(phrase), "not in the report: {phrase}");
    }
    let _ = std::fs::remove_dir_all(dir);
}
