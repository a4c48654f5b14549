//! Performance-target declarations (绩效目标申报表) and their automatic review (智能审核):
//! a project's funds, goals and indicator rows as a unit declares them for next year's budget,
//! and the findings a reviewer would write, each under one of the four criteria of target
//! review — 完整性, 相关性, 适当性, 可行性 — with the rule it applies and where.
//!
//! The criteria and the four grades are those of the central-department rules of target
//! management (财预〔2015〕88号, as recalled; see docs/targets.md); the output categories
//! (数量/质量/时效/成本) follow 财预〔2021〕101号. Every threshold is data
//! ([`ReviewRules`], read from `frameworks/target-review-default.toml`, provisional).

use crate::money::Fen;
use crate::project::{Level1, Operator};
use rust_decimal::Decimal;

/// Whether a project is new this year or continues from earlier years (项目属性).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProjectKind {
    /// 新增项目.
    New,
    /// 延续项目 (常年项目, 持续性项目).
    Continuing,
}

/// One indicator row of a declaration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeclaredIndicator {
    /// 一级指标.
    pub level1: Level1,
    /// 二级指标, e.g. 数量指标.
    pub level2: String,
    /// 三级指标.
    pub name: String,
    /// The 指标值 as the unit wrote it (`≥90%`, `63人`, `2021年1月-12月`, `长期`).
    pub value_text: String,
    /// The value read from it: operator, number and unit, when it has a number.
    pub value: Option<TargetValue>,
    /// Points (分值), when the form weighs its indicators.
    pub weight: Option<Decimal>,
    /// The whole-period value (中期/总目标 指标值) of the same indicator, when given.
    pub period_value: Option<TargetValue>,
    /// Last year's actual for a continuing project (from the store or the declaration).
    pub last_actual: Option<Decimal>,
    /// The indicator's own scoring standard (评(扣)分标准), as written.
    pub standard: String,
}

/// A measurable 指标值: an operator (when written), a number and its unit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TargetValue {
    /// The operator, when the text writes one (≥, ≤, =, >, <).
    pub operator: Option<Operator>,
    /// The number.
    pub number: Decimal,
    /// What follows the number (`%`, `人`, `元/人`, `工作日`).
    pub unit: String,
}

/// A project's performance-target declaration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Declaration {
    /// The budget year it is declared for.
    pub year: i32,
    /// 项目名称.
    pub project: String,
    /// 申报单位 / 预算单位.
    pub unit_name: String,
    /// 新增 or 延续.
    pub kind: ProjectKind,
    /// 年度资金总额.
    pub funds: Fen,
    /// 年度目标.
    pub annual_goal: String,
    /// 总目标 (中期目标) for a project of several years; empty when not given.
    pub period_goal: String,
    /// The indicator rows.
    pub indicators: Vec<DeclaredIndicator>,
}

/// The four criteria of target review.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Criterion {
    /// 完整性: every part of the target is there.
    Completeness,
    /// 相关性: the indicators measure the goal, refined and quantified.
    Relevance,
    /// 适当性: targets neither too low nor too high for the money.
    Appropriateness,
    /// 可行性: the targets can be reached, the annual within the whole.
    Feasibility,
}

impl Criterion {
    /// All four, in the order reviews list them.
    pub const ALL: [Criterion; 4] = [
        Criterion::Completeness,
        Criterion::Relevance,
        Criterion::Appropriateness,
        Criterion::Feasibility,
    ];

    /// The criterion's name (Chinese, English).
    pub fn label(self) -> (&'static str, &'static str) {
        match self {
            Criterion::Completeness => ("完整性", "completeness"),
            Criterion::Relevance => ("相关性", "relevance"),
            Criterion::Appropriateness => ("适当性", "appropriateness"),
            Criterion::Feasibility => ("可行性", "feasibility"),
        }
    }
}

/// The thresholds of the automatic review: data, from a review-rules file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReviewRules {
    /// The rules file's id and whether it is provisional.
    pub id: String,
    /// Whether the rules are not confirmed by an official text.
    pub provisional: bool,
    /// 一级指标 every declaration must have.
    pub required_level1: Vec<Level1>,
    /// 二级指标 the 产出指标 must cover (数量指标, 质量指标, 时效指标, 成本指标).
    pub required_output: Vec<String>,
    /// The least share of indicators with a number.
    pub min_quantitative_share: Decimal,
    /// What the weights add up to, when a declaration weighs its indicators.
    pub weight_total: Decimal,
    /// How far a unit cost (资金 ÷ 数量) may be from the stated cost standard, as a share.
    pub unit_cost_tolerance: Decimal,
    /// The grade for 0, 1, 2 and 3 or more criteria not met (优, 良, 中, 差).
    pub grades: Vec<String>,
}

/// One finding of the automatic review.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReviewFinding {
    /// The criterion it fails.
    pub criterion: Criterion,
    /// The rule's id (`level1-present`, `output-categories`, …), as docs/targets.md lists them.
    pub rule: &'static str,
    /// Where: `指标“…”` or the part of the form.
    pub location: String,
    /// What is wrong and what to do, in a sentence a reviewer can paste into a return comment.
    pub message: String,
}

/// The review of one declaration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Review {
    /// Every finding, in the criteria's order.
    pub findings: Vec<ReviewFinding>,
    /// Per criterion, whether it is met.
    pub verdicts: Vec<(Criterion, bool)>,
    /// The grade (优, 良, 中, 差) by the number of criteria not met.
    pub grade: String,
    /// What the grade means for the declaration (进入预算编审 / 修改完善 / 退回).
    pub outcome: &'static str,
}

/// Reads a 指标值 as written: `≥90%`, `63人`, `≤7工作日`, `100%`, `1000元/人`. `None` when it
/// has no number at its head (`长期`, `有效提升`, `2021年1月-12月` has one: read as 2021年…, so
/// dates are left to the caller, who knows the 时效 row).
pub fn read_value(text: &str) -> Option<TargetValue> {
    let t = text.trim();
    let (operator, rest) = [
        ("≥", Operator::AtLeast),
        (">=", Operator::AtLeast),
        ("≤", Operator::AtMost),
        ("<=", Operator::AtMost),
        ("＞", Operator::Above),
        (">", Operator::Above),
        ("＜", Operator::Below),
        ("<", Operator::Below),
        ("=", Operator::Equal),
        ("＝", Operator::Equal),
    ]
    .iter()
    .find_map(|(s, op)| t.strip_prefix(s).map(|r| (Some(*op), r.trim_start())))
    .unwrap_or((None, t));
    let end = rest
        .char_indices()
        .find(|(_, c)| !(c.is_ascii_digit() || *c == '.' || *c == ','))
        .map_or(rest.len(), |(i, _)| i);
    let digits: String = rest[..end].chars().filter(|c| *c != ',').collect();
    if digits.is_empty() || digits.starts_with('.') {
        return None;
    }
    let number: Decimal = digits.parse().ok()?;
    Some(TargetValue {
        operator,
        number,
        unit: rest[end..].trim().to_string(),
    })
}

/// Whether a row's value is a date or period (a 时效 row: `2021年1月-12月`, `12月底到位`).
fn is_time(ind: &DeclaredIndicator) -> bool {
    ind.level2.contains("时效")
        || ind
            .value
            .as_ref()
            .is_some_and(|v| v.unit.starts_with('年') || v.unit.starts_with('月'))
}

/// Reviews a declaration under `rules`.
pub fn review(d: &Declaration, rules: &ReviewRules) -> Review {
    let mut findings = Vec::new();
    let mut push = |criterion, rule, location: String, message: String| {
        findings.push(ReviewFinding {
            criterion,
            rule,
            location,
            message,
        })
    };
    let at = |i: &DeclaredIndicator| format!("指标“{}”", i.name);

    // 完整性.
    if d.annual_goal.trim().is_empty() {
        push(
            Criterion::Completeness,
            "goal-present",
            "年度目标".into(),
            "未填写年度绩效目标：请概括本年度资金拟实现的产出和效果。".into(),
        );
    }
    for l in &rules.required_level1 {
        if !d.indicators.iter().any(|i| i.level1 == *l) {
            push(
                Criterion::Completeness,
                "level1-present",
                "绩效指标".into(),
                format!("缺少一级指标“{}”：请至少设置一项。", l.label()),
            );
        }
    }
    let outputs: Vec<&DeclaredIndicator> = d
        .indicators
        .iter()
        .filter(|i| i.level1 == Level1::Output)
        .collect();
    if !outputs.is_empty() {
        for kind in &rules.required_output {
            if !outputs.iter().any(|i| i.level2.contains(kind.as_str())) {
                push(
                    Criterion::Completeness,
                    "output-categories",
                    "产出指标".into(),
                    format!("产出指标缺少“{kind}”：数量、质量、时效、成本四类均应设置（财预〔2021〕101号）。"),
                );
            }
        }
    }
    for i in &d.indicators {
        if i.value_text.trim().is_empty() {
            push(
                Criterion::Completeness,
                "value-present",
                at(i),
                format!("指标“{}”未填写指标值。", i.name),
            );
        }
    }

    // 相关性.
    let measurable = d
        .indicators
        .iter()
        .filter(|i| i.value.is_some() || is_time(i))
        .count();
    if !d.indicators.is_empty() {
        let share = Decimal::from(measurable) / Decimal::from(d.indicators.len());
        if share < rules.min_quantitative_share {
            push(
                Criterion::Relevance,
                "quantified-share",
                "绩效指标".into(),
                format!(
                    "可量化的指标 {measurable} 项，占 {} 项的 {}%，低于 {}%：请尽量以数值、比率设置指标值。",
                    d.indicators.len(),
                    (share * Decimal::ONE_HUNDRED).round_dp(0),
                    (rules.min_quantitative_share * Decimal::ONE_HUNDRED).round_dp(0)
                ),
            );
        }
    }
    for i in &d.indicators {
        let Some(v) = &i.value else { continue };
        if v.operator.is_none() && !is_time(i) && v.unit != "%" {
            push(
                Criterion::Relevance,
                "operator-present",
                at(i),
                format!(
                    "指标“{}”的指标值“{}”未写明方向（≥、≤ 或 =），完成与否无从判断：请写明，如“≥{}{}”。",
                    i.name, i.value_text, v.number, v.unit
                ),
            );
        }
    }
    for (k, i) in d.indicators.iter().enumerate() {
        if let Some(j) = d.indicators[..k].iter().find(|j| j.name == i.name) {
            let same = j.value_text == i.value_text;
            push(
                Criterion::Relevance,
                if same { "duplicate" } else { "contradictory" },
                at(i),
                if same {
                    format!("指标“{}”重复设置：请删去一项。", i.name)
                } else {
                    format!(
                        "指标“{}”设置了两次且指标值不同（“{}”与“{}”）：请保留一项。",
                        i.name, j.value_text, i.value_text
                    )
                },
            );
        }
    }

    // 适当性.
    let weights: Vec<Decimal> = d.indicators.iter().filter_map(|i| i.weight).collect();
    if !weights.is_empty() {
        let sum: Decimal = weights.iter().copied().sum();
        if weights.len() != d.indicators.len() {
            push(
                Criterion::Appropriateness,
                "weights",
                "绩效指标".into(),
                format!(
                    "{} 项指标中 {} 项设了分值：请为每项指标设定分值。",
                    d.indicators.len(),
                    weights.len()
                ),
            );
        } else if sum != rules.weight_total {
            push(
                Criterion::Appropriateness,
                "weights",
                "绩效指标".into(),
                format!(
                    "各指标分值合计 {} 分，应为 {} 分。",
                    sum.normalize(),
                    rules.weight_total.normalize()
                ),
            );
        }
    }
    if d.kind == ProjectKind::Continuing {
        for i in &d.indicators {
            let (Some(v), Some(last)) = (&i.value, i.last_actual) else {
                continue;
            };
            let lower = match v.operator {
                Some(Operator::AtLeast | Operator::Above) => v.number < last,
                Some(Operator::AtMost | Operator::Below) => v.number > last,
                _ => false,
            };
            if lower {
                push(
                    Criterion::Appropriateness,
                    "below-last-year",
                    at(i),
                    format!(
                        "延续项目的指标“{}”目标 {} 不及上年实际完成 {}{}：目标偏低，请说明理由或调高。",
                        i.name, i.value_text, last.normalize(), v.unit
                    ),
                );
            }
        }
    }
    unit_cost(d, rules, &mut push);

    // 可行性.
    for i in &d.indicators {
        let (Some(v), Some(p)) = (&i.value, &i.period_value) else {
            continue;
        };
        let beyond = v.unit == p.unit
            && v.unit != "%"
            && matches!(v.operator, Some(Operator::AtLeast | Operator::Above))
            && v.number > p.number;
        if beyond {
            push(
                Criterion::Feasibility,
                "annual-within-period",
                at(i),
                format!(
                    "指标“{}”的年度指标值 {} 超过总目标（中期）的 {}{}：年度目标应在总目标之内。",
                    i.name,
                    i.value_text,
                    p.number.normalize(),
                    p.unit
                ),
            );
        }
    }

    findings.sort_by_key(|f| f.criterion);
    let verdicts: Vec<(Criterion, bool)> = Criterion::ALL
        .iter()
        .map(|c| (*c, !findings.iter().any(|f| f.criterion == *c)))
        .collect();
    let failed = verdicts.iter().filter(|(_, ok)| !ok).count();
    let grade = rules
        .grades
        .get(failed.min(rules.grades.len().saturating_sub(1)))
        .cloned()
        .unwrap_or_default();
    let outcome = match failed {
        0 => "进入预算编审",
        1 => "修改完善",
        _ => "退回",
    };
    Review {
        findings,
        verdicts,
        grade,
        outcome,
    }
}

/// A 成本指标 that states a cost standard per head (`1000元/人`) against the funds and the
/// quantity target in the same unit (`63人`): their product should be the funds.
fn unit_cost(
    d: &Declaration,
    rules: &ReviewRules,
    push: &mut impl FnMut(Criterion, &'static str, String, String),
) {
    for c in d.indicators.iter().filter(|i| i.level2.contains("成本")) {
        // The standard may be inside the words: `严格按照预算标准1000元/人给补助对象兑付补助`.
        let Some((per_yuan, per)) = cost_standard(&c.value_text) else {
            continue;
        };
        let Some(q) = d.indicators.iter().find_map(|i| {
            i.value
                .as_ref()
                .filter(|v| i.level2.contains("数量") && v.unit == per)
                .map(|v| v.number)
        }) else {
            continue;
        };
        let expected = per_yuan * q * Decimal::ONE_HUNDRED; // fen
        let funds = Decimal::from(d.funds.0);
        if funds.is_zero() {
            continue;
        }
        let gap = ((expected - funds) / funds).abs();
        if gap > rules.unit_cost_tolerance {
            push(
                Criterion::Appropriateness,
                "unit-cost",
                format!("指标“{}”", c.name),
                format!(
                    "成本标准 {}元/{per} × {}{per} = {}元，与年度资金 {}元相差 {}%：资金规模与产出不匹配，请核实测算。",
                    per_yuan.normalize(),
                    q.normalize(),
                    (expected / Decimal::ONE_HUNDRED).normalize(),
                    Decimal::new(d.funds.0, 2).normalize(),
                    (gap * Decimal::ONE_HUNDRED).round_dp(1)
                ),
            );
        }
    }
}

/// `…1000元/人…` → (1000, 人).
fn cost_standard(text: &str) -> Option<(Decimal, String)> {
    let at = text.find("元/")?;
    let head = &text[..at];
    let start = head
        .char_indices()
        .rev()
        .take_while(|(_, c)| c.is_ascii_digit() || *c == '.')
        .last()
        .map(|(i, _)| i)?;
    let number: Decimal = head[start..].parse().ok()?;
    let per: String = text[at + "元/".len()..].chars().take(1).collect();
    (!per.is_empty()).then_some((number, per))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_read_as_written() {
        let v = read_value("≥90%").unwrap();
        assert_eq!(
            (v.operator, v.number, v.unit.as_str()),
            (Some(Operator::AtLeast), Decimal::from(90), "%")
        );
        let v = read_value("63人").unwrap();
        assert_eq!((v.operator, v.unit.as_str()), (None, "人"));
        assert_eq!(read_value("≤7工作日").unwrap().unit, "工作日");
        assert!(read_value("长期").is_none());
        assert!(read_value("有效提升").is_none());
        assert_eq!(
            cost_standard("严格按照预算标准1000元/人给补助对象兑付补助"),
            Some((Decimal::from(1000), "人".to_string()))
        );
    }
}
