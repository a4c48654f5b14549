//! Each rule kind at its edges, and the property that every score lies in [0, weight].

use jixiao_domain::framework::{Framework, Grading, ProjectScheme, ReverseVariant, Scheme, Status};
use jixiao_domain::number::Rounding;
use jixiao_domain::project::Level1;
use jixiao_domain::rule::*;
use jixiao_domain::Decimal;
use proptest::prelude::*;
use std::str::FromStr;

fn d(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap()
}

fn ratio(s: &str) -> Observation {
    Observation::Quantity(Quantity::ratio(d(s)))
}

/// Scores `obs` under `rule` at `weight` and rounds half away from zero to 2 dp.
fn check(rule: &Rule, weight: &str, obs: Observation, expect: &str) {
    let out = rule
        .score(d(weight), &obs)
        .unwrap_or_else(|e| panic!("{rule:?}: {e}"));
    let got = Rounding::HalfAwayFromZero.round(out.raw, 2);
    assert_eq!(
        got,
        d(expect),
        "{rule:?} on {obs:?}: working {}",
        out.working
    );
}

#[test]
fn proportional_capped() {
    let r = Rule::ProportionalCapped { target: None };
    check(&r, "2", ratio("0.9921"), "1.98"); // the seed's 预算完成率
    check(&r, "2", ratio("1.2"), "2"); // over-execution is capped
    check(&r, "2", ratio("0"), "0");
    check(&r, "2", ratio("-0.5"), "0"); // negative actuals are clamped to 0
    check(&r, "10", ratio("0.999944"), "10"); // 179.99/180 → 9.99944 → 10.00
    let t = Rule::ProportionalCapped {
        target: Some(d("200")),
    };
    check(
        &t,
        "10",
        Observation::Quantity(Quantity::number(d("150"), "件")),
        "7.5",
    );
    check(
        &t,
        "10",
        Observation::Quantity(Quantity::number(d("260"), "件")),
        "10",
    );
}

#[test]
fn rounding_midpoints_follow_the_framework() {
    // 0.125 × 1 = 0.125 exactly: half away → 0.13, half even → 0.12, truncate → 0.12.
    let r = Rule::ProportionalCapped { target: None };
    let raw = r.score(d("1"), &ratio("0.125")).unwrap().raw;
    assert_eq!(Rounding::HalfAwayFromZero.round(raw, 2), d("0.13"));
    assert_eq!(Rounding::HalfEven.round(raw, 2), d("0.12"));
    assert_eq!(Rounding::Truncate.round(raw, 2), d("0.12"));
}

#[test]
fn reverse_variants_at_rules_md_example() {
    // RULES.md §1.4.2: T = 5%, A = 6% → linear 0.80·w, inverse 0.833·w.
    let q = ratio("0.06");
    check(
        &Rule::ReverseLinear { target: d("0.05") },
        "10",
        q.clone(),
        "8",
    );
    check(&Rule::ReverseInverse { target: d("0.05") }, "10", q, "8.33");
    check(
        &Rule::ReverseLinear { target: d("0.05") },
        "10",
        ratio("0.05"),
        "10",
    );
    check(
        &Rule::ReverseLinear { target: d("0.05") },
        "10",
        ratio("0.10"),
        "0",
    );
    check(
        &Rule::ReverseLinear { target: d("0.05") },
        "10",
        ratio("0.5"),
        "0",
    );
    check(
        &Rule::ReverseInverse { target: d("0.05") },
        "10",
        ratio("-1"),
        "10",
    );
}

#[test]
fn threshold_deduction_pro_rata_and_whole_steps() {
    let rule = |mode| Rule::ThresholdDeduction {
        threshold: d("1"),
        side: Side::Above,
        deduct: d("1"),
        step: d("0.01"),
        mode,
    };
    // 三公经费控制率 102.4%: 2.4 points over.
    check(&rule(StepMode::ProRata), "6", ratio("1.024"), "3.6");
    check(&rule(StepMode::WholeSteps), "6", ratio("1.024"), "3");
    check(&rule(StepMode::ProRata), "6", ratio("1"), "6");
    check(&rule(StepMode::ProRata), "6", ratio("1.5"), "0"); // 扣完为止
                                                             // 预算完成率: −2 per 5% below 100% (RULES.md §2.4, S19, whose worked example gives
                                                             // 99.27% → 8): 0.73 points is part of one step — pro rata 7.71, whole steps 6, complete
                                                             // steps only 8 (the reading S19's example implies).
    let below = |mode| Rule::ThresholdDeduction {
        threshold: d("1"),
        side: Side::Below,
        deduct: d("2"),
        step: d("0.05"),
        mode,
    };
    check(&below(StepMode::ProRata), "8", ratio("0.9927"), "7.71");
    check(&below(StepMode::WholeSteps), "8", ratio("0.9927"), "6");
    check(&below(StepMode::CompleteSteps), "8", ratio("0.9927"), "8");
    check(&below(StepMode::CompleteSteps), "8", ratio("0.94"), "6");
}

#[test]
fn stepped_tiers_edges() {
    let b = |v: &str, inclusive| {
        Some(Bound {
            value: d(v),
            inclusive,
        })
    };
    let tiers = Rule::SteppedTiers {
        tiers: vec![
            Tier {
                when: Interval {
                    lower: b("0", true),
                    upper: b("0.05", true),
                },
                score: d("2"),
            },
            Tier {
                when: Interval {
                    lower: b("0.05", false),
                    upper: b("0.10", true),
                },
                score: d("1.5"),
            },
            Tier {
                when: Interval {
                    lower: b("0.10", false),
                    upper: None,
                },
                score: d("0"),
            },
        ],
    };
    check(&tiers, "2", ratio("0.05"), "2");
    check(&tiers, "2", ratio("0.0500001"), "1.5");
    check(&tiers, "2", ratio("0.10"), "1.5");
    check(&tiers, "2", ratio("0.11"), "0");
    assert!(matches!(
        tiers.score(d("2"), &ratio("-0.01")),
        Err(ScoreError::NoTier(_))
    ));
}

#[test]
fn checklist_violations_categorical() {
    let items = Rule::Checklist {
        items: vec![
            ChecklistItem {
                name: "甲".into(),
                points: d("1"),
            },
            ChecklistItem {
                name: "乙".into(),
                points: d("2"),
            },
        ],
    };
    let entry = |item: &str, met| ChecklistEntry {
        item: item.into(),
        met,
        evidence: String::new(),
    };
    check(
        &items,
        "3",
        Observation::Checklist(vec![entry("甲", true), entry("乙", false)]),
        "1",
    );
    assert_eq!(
        items.score(d("3"), &Observation::Checklist(vec![entry("甲", true)])),
        Err(ScoreError::MissingChecklistItem("乙".into()))
    );
    assert!(items.problems(d("4")).iter().any(|p| p.contains("不相等")));

    let v = Rule::PerViolationDeduction { deduct: d("1") };
    check(&v, "3", Observation::Violations(vec![]), "3");
    check(
        &v,
        "3",
        Observation::Violations(vec!["a".into(), "b".into()]),
        "1",
    );
    check(&v, "3", Observation::Violations(vec!["a".into(); 5]), "0");

    let c = Rule::Categorical {
        categories: vec![("无结余".into(), d("3")), ("超过".into(), d("0"))],
    };
    check(&c, "3", Observation::Category("超过".into()), "0");
    assert!(matches!(
        c.score(d("3"), &Observation::Category("其他".into())),
        Err(ScoreError::UnknownCategory(_))
    ));
}

#[test]
fn qualitative_band_edges() {
    let r = Rule::QualitativeBand {
        achieved_floor: d("0.8"),
        partly_floor: d("0.6"),
    };
    let q = |level, score: &str| Observation::Qualitative {
        level,
        score: d(score),
        rationale: "依据".into(),
    };
    check(&r, "10", q(QualitativeLevel::Achieved, "8"), "8");
    check(&r, "10", q(QualitativeLevel::Partly, "6"), "6");
    assert!(r.score(d("10"), &q(QualitativeLevel::Partly, "8")).is_err()); // 8 belongs to 达成
    assert!(r
        .score(d("10"), &q(QualitativeLevel::Achieved, "7.99"))
        .is_err());
    assert!(r
        .score(d("10"), &q(QualitativeLevel::NotAchieved, "6"))
        .is_err());
    check(&r, "10", q(QualitativeLevel::NotAchieved, "0"), "0");
    let silent = Observation::Qualitative {
        level: QualitativeLevel::Achieved,
        score: d("9"),
        rationale: " ".into(),
    };
    assert_eq!(r.score(d("10"), &silent), Err(ScoreError::MissingRationale));
}

#[test]
fn equals_zero_and_manual() {
    check(
        &Rule::EqualsZero,
        "5",
        Observation::Quantity(Quantity::number(d("0"), "起")),
        "5",
    );
    check(
        &Rule::EqualsZero,
        "5",
        Observation::Quantity(Quantity::number(d("1"), "起")),
        "0",
    );
    let m = |score: &str, why: &str| Observation::Manual {
        score: d(score),
        rationale: why.into(),
    };
    check(&Rule::Manual, "5", m("4.5", "问卷满意度 92%"), "4.5");
    assert_eq!(
        Rule::Manual.score(d("5"), &m("4", "")),
        Err(ScoreError::MissingRationale)
    );
    assert!(Rule::Manual.score(d("5"), &m("6", "多给")).is_err());
    assert!(Rule::Manual.score(d("5"), &m("-1", "负分")).is_err());
}

#[test]
fn wrong_observation_is_an_error() {
    let r = Rule::ProportionalCapped { target: None };
    assert!(matches!(
        r.score(d("2"), &Observation::Category("x".into())),
        Err(ScoreError::WrongObservation { .. })
    ));
}

#[test]
fn grades_come_from_bands() {
    let g = Grading::national();
    assert_eq!(g.grade(d("99.45")).label, "优"); // the seed says 良好; the bands say 优
    assert_eq!(g.grade(d("90")).label, "优");
    assert_eq!(g.grade(d("89.99")).label, "良");
    assert_eq!(g.grade(d("60")).label, "中");
    assert_eq!(g.grade(d("59.99")).label, "差");
    assert_eq!(g.grade(d("-1")).label, "差");
}

#[test]
fn project_framework_weights_must_add_up() {
    let fw = project_framework(ProjectScheme {
        execution_weight: d("20"),
        ..scheme()
    });
    let problems = fw.problems(|_| Some(None));
    assert!(
        problems
            .iter()
            .any(|p| p.message.contains("110") || p.message.contains("不相等")),
        "{problems:?}"
    );
}

fn decimal_in(lo: i64, hi: i64, scale: u32) -> impl Strategy<Value = Decimal> {
    (lo..hi).prop_map(move |n| Decimal::new(n, scale))
}

fn any_rule() -> impl Strategy<Value = Rule> {
    prop_oneof![
        proptest::option::of(decimal_in(1, 100_000, 2))
            .prop_map(|target| Rule::ProportionalCapped { target }),
        decimal_in(1, 100_000, 2).prop_map(|target| Rule::ReverseLinear { target }),
        decimal_in(1, 100_000, 2).prop_map(|target| Rule::ReverseInverse { target }),
        (
            decimal_in(-1000, 1000, 2),
            any::<bool>(),
            decimal_in(1, 500, 2),
            decimal_in(1, 1000, 3),
            0u8..3
        )
            .prop_map(
                |(threshold, below, deduct, step, mode)| Rule::ThresholdDeduction {
                    threshold,
                    side: if below { Side::Below } else { Side::Above },
                    deduct,
                    step,
                    mode: [
                        StepMode::ProRata,
                        StepMode::WholeSteps,
                        StepMode::CompleteSteps
                    ][mode as usize],
                }
            ),
        Just(Rule::EqualsZero),
    ]
}

proptest! {
    #[test]
    fn every_score_lies_between_zero_and_its_weight(
        rule in any_rule(),
        weight in decimal_in(1, 10_000, 2),
        value in decimal_in(-1_000_000, 1_000_000, 3),
    ) {
        let out = rule.score(weight, &Observation::Quantity(Quantity::ratio(value))).unwrap();
        prop_assert!(out.raw >= Decimal::ZERO && out.raw <= weight, "{:?} → {}", rule, out.raw);
        for mode in [Rounding::HalfAwayFromZero, Rounding::HalfEven, Rounding::Truncate] {
            let s = mode.round(out.raw, 2);
            prop_assert!(s >= Decimal::ZERO && s <= weight);
        }
    }

    #[test]
    fn deductions_never_go_below_zero(
        deduct in decimal_in(1, 500, 2),
        weight in decimal_in(1, 2_000, 2),
        n in 0usize..50,
    ) {
        let out = Rule::PerViolationDeduction { deduct }
            .score(weight, &Observation::Violations(vec!["v".into(); n]))
            .unwrap();
        prop_assert!(out.raw >= Decimal::ZERO && out.raw <= weight);
    }
}

#[test]
fn zero_targets_are_rejected_or_mapped_to_equals_zero() {
    use jixiao_domain::evaluate::project_rule;
    use jixiao_domain::project::Operator;
    assert!(!Rule::ProportionalCapped {
        target: Some(d("0"))
    }
    .problems(d("5"))
    .is_empty());
    assert!(!Rule::ReverseLinear { target: d("0") }
        .problems(d("5"))
        .is_empty());
    let scheme = scheme();
    assert_eq!(
        project_rule(&scheme, Operator::Equal, Some(d("0"))),
        Rule::EqualsZero
    );
    assert_eq!(
        project_rule(&scheme, Operator::AtMost, Some(d("5"))),
        Rule::ReverseLinear { target: d("5") }
    );
}

fn scheme() -> ProjectScheme {
    ProjectScheme {
        execution_weight: d("10"),
        execution_status: Status::Confirmed,
        blocks: vec![
            (Level1::Output, d("50")),
            (Level1::Benefit, d("30")),
            (Level1::Satisfaction, d("10")),
        ],
        reverse: ReverseVariant::Linear,
        satisfaction_absent_merges_into_benefit: true,
        achieved_floor: d("0.8"),
        partly_floor: d("0.6"),
        overachievement_threshold: d("1.3"),
    }
}

#[test]
fn over_achievement_scores_full_but_asks_for_a_deviation_note() {
    use jixiao_domain::budget::{Budget, FundingSource};
    use jixiao_domain::evaluate::evaluate_project;
    use jixiao_domain::money::Fen;
    use jixiao_domain::project::{Indicator, Operator, Project, QualitativeJudgement};
    use jixiao_domain::provenance::Sourced;
    let indicator =
        |level1, name: &str, op, target: Option<&str>, actual: Option<&str>, weight: &str| {
            Indicator {
                level1,
                level2: String::new(),
                name: name.into(),
                operator: op,
                target: target.map(|t| Sourced::stated(d(t))),
                unit: "件".into(),
                weight: Sourced::stated(d(weight)),
                actual: actual.map(|a| Sourced::stated(d(a))),
                judgement: (op == Operator::Qualitative).then(|| QualitativeJudgement {
                    level: QualitativeLevel::Partly,
                    score: Sourced::stated(d("25")),
                    rationale: "部分达成".into(),
                }),
                deviation_note: None,
                rule: None,
                rule_text: String::new(),
                assessment: None,
            }
        };
    let project = Project {
        code: "T".into(),
        name: "测试项目".into(),
        unit: None,
        source: FundingSource::GeneralPublic,
        goal: String::new(),
        budget: Budget::full_year_only(Sourced::stated(Fen(1_000_000))),
        executed: Sourced::stated(Fen(900_000)),
        indicators: vec![
            indicator(
                Level1::Output,
                "培训人次",
                Operator::AtLeast,
                Some("100"),
                Some("150"),
                "50",
            ),
            indicator(
                Level1::Benefit,
                "效果",
                Operator::Qualitative,
                None,
                None,
                "40",
            ),
        ],
        key: false,
        summary: String::new(),
        analysis: Vec::new(),
    };
    let fw = project_framework(scheme());
    let e = evaluate_project(&fw, &project).unwrap();
    // 9 (execution 90%) + 50 (capped) + 25 (partly achieved, 40 × [0.6, 0.8)) = 84 → 良.
    assert_eq!(e.total, d("84"));
    assert_eq!(e.grade_label, "良");
    assert_eq!(e.warnings.len(), 1, "{:?}", e.warnings);
    assert!(e.warnings[0].contains("培训人次"));
}

fn project_framework(scheme: ProjectScheme) -> Framework {
    Framework {
        id: "p".into(),
        version: "1".into(),
        title: "p".into(),
        provisional: false,
        note: String::new(),
        total: d("100"),
        score_rounding: Rounding::HalfAwayFromZero,
        round_rate_before_scoring: false,
        grading: Grading::national(),
        scheme: Scheme::Project(scheme),
    }
}
