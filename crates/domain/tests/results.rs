//! Results application and disclosure: each linkage rule, the rectification deadline and its
//! overdue state, the disclosure calendar and the completeness check. Expected figures are
//! worked by hand in the comments.

use jixiao_domain::date::Date;
use jixiao_domain::money::Fen;
use jixiao_domain::results::*;
use jixiao_domain::Decimal;

fn d(s: &str) -> Date {
    Date::parse(s).unwrap()
}

/// The shipped defaults (frameworks/linkage-default.toml, checked against this in
/// jixiao-formats): 优 priority, 良 keep, 中 −10%, 差 −30%, −5% per overdue rectification.
fn defaults() -> Linkage {
    let rule = |grade: &str, action, percent: i64| LinkageRule {
        when: Condition::Grade(grade.into()),
        action,
        percent: Decimal::from(percent),
    };
    Linkage {
        id: "default".into(),
        title: "默认".into(),
        provisional: true,
        note: String::new(),
        rules: vec![
            rule("excellent", BudgetAction::Priority, 0),
            rule("good", BudgetAction::Keep, 0),
            rule("fair", BudgetAction::Cut, -10),
            rule("poor", BudgetAction::Cut, -30),
        ],
        per_overdue_rectification: Decimal::from(-5),
    }
}

/// 100 万元 = 100,000,000 fen.
const BUDGET: Fen = Fen(100_000_000);

fn check(
    grade: (&str, &str),
    score: i64,
    budget: Fen,
    overdue: u32,
    expect: Option<(BudgetAction, i64, i64)>,
) {
    let got = defaults().suggest(grade.0, grade.1, Decimal::from(score), budget, overdue);
    let got = got.map(|s| {
        assert_eq!(s.next_budget.0, budget.0 + s.change.0, "{}", s.working);
        (
            s.action,
            s.percent.to_string().parse::<i64>().unwrap(),
            s.change.0,
        )
    });
    assert_eq!(got, expect);
}

#[test]
fn excellent_is_funded_first_with_no_change() {
    check(
        ("excellent", "优"),
        95,
        BUDGET,
        0,
        Some((BudgetAction::Priority, 0, 0)),
    );
}

#[test]
fn good_is_kept() {
    check(
        ("good", "良"),
        85,
        BUDGET,
        0,
        Some((BudgetAction::Keep, 0, 0)),
    );
}

#[test]
fn fair_is_cut_by_ten_percent() {
    // 100 万元 × −10% = −10 万元.
    check(
        ("fair", "中"),
        70,
        BUDGET,
        0,
        Some((BudgetAction::Cut, -10, -10_000_000)),
    );
}

#[test]
fn poor_is_cut_by_thirty_percent() {
    check(
        ("poor", "差"),
        50,
        BUDGET,
        0,
        Some((BudgetAction::Cut, -30, -30_000_000)),
    );
}

#[test]
fn each_overdue_rectification_cuts_five_percent_more() {
    // 中 with two overdue: −10% − 2 × 5% = −20%.
    check(
        ("fair", "中"),
        70,
        BUDGET,
        2,
        Some((BudgetAction::Cut, -20, -20_000_000)),
    );
    // Even 优 loses 5% per overdue item.
    check(
        ("excellent", "优"),
        95,
        BUDGET,
        1,
        Some((BudgetAction::Priority, -5, -5_000_000)),
    );
}

#[test]
fn a_cut_never_exceeds_the_budget() {
    // 差 with 20 overdue would be −130%; it stops at −100%.
    check(
        ("poor", "差"),
        10,
        BUDGET,
        20,
        Some((BudgetAction::Cut, -100, -100_000_000)),
    );
}

#[test]
fn the_change_is_rounded_half_away_from_zero_to_the_fen() {
    // 123.45 元 × −10% = −12.345 元 → −12.35 元 (1,234.5 fen → 1,235 fen).
    check(
        ("fair", "中"),
        70,
        Fen(12_345),
        0,
        Some((BudgetAction::Cut, -10, -1_235)),
    );
}

#[test]
fn grades_match_by_label_too() {
    // A region's file may name grades as its documents do (中) rather than by code.
    let mut l = defaults();
    l.rules[2].when = Condition::Grade("中".into());
    let s = l
        .suggest("fair", "中", Decimal::from(70), BUDGET, 0)
        .unwrap();
    assert_eq!((s.action, s.change), (BudgetAction::Cut, Fen(-10_000_000)));
    // The code alone no longer matches that rule; nothing else applies to it.
    assert!(l
        .suggest("fair", "一般", Decimal::from(70), BUDGET, 0)
        .is_none());
}

#[test]
fn a_score_rule_can_cancel_and_the_first_rule_wins() {
    let mut l = defaults();
    l.rules.insert(
        0,
        LinkageRule {
            when: Condition::Score {
                from: Decimal::ZERO,
                to: Decimal::from(40),
            },
            action: BudgetAction::Cancel,
            percent: Decimal::ZERO,
        },
    );
    let s = l
        .suggest("poor", "差", Decimal::from(39), BUDGET, 0)
        .unwrap();
    assert_eq!(
        (s.action, s.change, s.next_budget),
        (BudgetAction::Cancel, Fen(-100_000_000), Fen(0))
    );
    assert!(s.working.contains("得分 39 在 [0, 40) 内"), "{}", s.working);
    // 40 is outside [0, 40): the grade rule applies.
    let s = l
        .suggest("poor", "差", Decimal::from(40), BUDGET, 0)
        .unwrap();
    assert_eq!(s.action, BudgetAction::Cut);
}

#[test]
fn no_rule_no_suggestion_and_bad_rules_are_named() {
    let mut l = defaults();
    assert!(l
        .suggest("unknown", "未知", Decimal::from(50), BUDGET, 0)
        .is_none());
    assert!(l.problems().is_empty());
    l.rules[2].percent = Decimal::from(10);
    l.rules.push(LinkageRule {
        when: Condition::Score {
            from: Decimal::from(60),
            to: Decimal::from(60),
        },
        action: BudgetAction::Keep,
        percent: Decimal::ZERO,
    });
    assert_eq!(
        l.problems(),
        vec![
            "第 3 条规则：核减的比例应为负数，如 -10",
            "第 5 条规则：得分区间 [60, 60) 为空"
        ]
    );
}

#[test]
fn rectification_is_due_thirty_days_after_the_result_is_sent() {
    assert_eq!(
        rectification_due(d("2022-03-15"), RECTIFICATION_DAYS),
        d("2022-04-14")
    );
    assert_eq!(
        rectification_due(d("2021-12-20"), RECTIFICATION_DAYS),
        d("2022-01-19")
    );
}

#[test]
fn not_done_after_the_due_date_is_overdue() {
    use RectificationStatus::*;
    let due = d("2022-04-14");
    assert_eq!(
        rectification_status(Open, due, d("2022-04-14")),
        Open,
        "the due date itself is in time"
    );
    assert_eq!(rectification_status(Open, due, d("2022-04-15")), Overdue);
    assert_eq!(
        rectification_status(PlanSubmitted, due, d("2022-05-01")),
        Overdue
    );
    assert_eq!(
        rectification_status(InProgress, due, d("2022-04-01")),
        InProgress
    );
    assert_eq!(
        rectification_status(Done, due, d("2023-01-01")),
        Done,
        "done is never overdue"
    );
    // Marked overdue earlier, then given a later due date: back in progress.
    assert_eq!(
        rectification_status(Overdue, d("2022-06-30"), d("2022-05-01")),
        InProgress
    );
}

#[test]
fn disclosure_falls_due_twenty_days_after_approval() {
    let r = DisclosureRule::default();
    let approved = d("2021-12-20");
    assert_eq!(r.deadline(approved), d("2022-01-09"));
    assert_eq!(
        r.state(Some(approved), Some(d("2022-01-09")), d("2022-02-01")),
        DisclosureState::OnTime
    );
    assert_eq!(
        r.state(Some(approved), Some(d("2022-01-10")), d("2022-02-01")),
        DisclosureState::Late
    );
    assert_eq!(
        r.state(Some(approved), None, d("2022-01-09")),
        DisclosureState::Due
    );
    assert_eq!(
        r.state(Some(approved), None, d("2022-01-10")),
        DisclosureState::Overdue
    );
    assert_eq!(
        r.state(None, None, d("2022-01-10")),
        DisclosureState::NotApproved
    );
    // Counted in working days (the 2013 central rule): Monday 20 Dec + 20 → Monday 17 Jan.
    let w = DisclosureRule {
        days: 20,
        working_days: true,
    };
    assert_eq!(w.deadline(approved), d("2022-01-17"));
}

#[test]
fn completeness_names_missing_items_and_unexplained_empty_tables() {
    let item = |name: &str, present, rows, why: Option<&str>| DisclosureItem {
        name: name.into(),
        present,
        rows,
        empty_explanation: why.map(str::to_string),
    };
    let items = [
        item("部门整体支出绩效自评报告", true, 1, None),
        item("部门决算", false, 0, None),
        item(
            "政府性基金预算支出表",
            true,
            0,
            Some("本部门无政府性基金预算收支"),
        ),
        item("国有资本经营预算支出表", true, 0, None),
    ];
    assert_eq!(
        completeness(&items),
        vec![
            "缺少“部门决算”",
            "“国有资本经营预算支出表”为空表，须说明原因"
        ]
    );
}
