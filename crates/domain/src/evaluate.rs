//! Evaluation: a framework applied to data, every score with its explanation.

use crate::dataset::DepartmentYear;
use crate::framework::{Framework, Node, ProjectScheme, ReverseVariant, Scheme, Status};
use crate::metrics::{self, Input};
use crate::number::format_score;
use crate::project::{Level1, Operator, Project};
use crate::provenance::Origin;
use crate::rule::{Observation, Quantity, QuantityKind, Rule};
use rust_decimal::Decimal;
use std::fmt;

/// One scored indicator, with everything needed to explain its score.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ItemResult {
    /// The names of the groups it sits under, outermost first.
    pub groups: Vec<String>,
    /// The indicator's stable id (the framework's id, or the name for project indicators).
    pub id: String,
    /// The indicator's name.
    pub name: String,
    /// Points.
    pub weight: Decimal,
    /// How sure we are of its rule and weight.
    pub status: Status,
    /// Where the rule comes from.
    pub basis: String,
    /// The measured value, when there is one (a rate, a count).
    pub value: Option<Quantity>,
    /// The inputs used, each stated or inferred.
    pub inputs: Vec<Input>,
    /// How the value was computed.
    pub derivation: String,
    /// The rule in words.
    pub rule: String,
    /// The working of the rule with the numbers in.
    pub working: String,
    /// The score before rounding.
    pub raw: Decimal,
    /// The score, rounded as the framework says.
    pub score: Decimal,
    /// Why points were lost, when they were.
    pub loss_reason: Option<String>,
}

impl ItemResult {
    /// Points lost: weight − score.
    pub fn lost(&self) -> Decimal {
        self.weight - self.score
    }

    /// Whether any input was inferred.
    pub fn uses_inferred(&self) -> bool {
        self.inputs.iter().any(|i| i.origin.is_inferred())
    }

    /// The value as tables print it (`99.21%`, `6个`), or empty.
    pub fn value_text(&self) -> String {
        self.value
            .as_ref()
            .map(ToString::to_string)
            .unwrap_or_default()
    }
}

/// The subtotal of one group of the tree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupResult {
    /// Depth: 0 for first-level groups.
    pub depth: usize,
    /// Name.
    pub name: String,
    /// Declared points.
    pub weight: Decimal,
    /// Sum of the scores below it.
    pub score: Decimal,
}

/// A framework applied to one subject.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Evaluation {
    /// What was evaluated, e.g. the department's or project's name.
    pub subject: String,
    /// The framework's id.
    pub framework_id: String,
    /// The framework's version.
    pub framework_version: String,
    /// The framework's title.
    pub framework_title: String,
    /// Whether the framework is provisional.
    pub provisional: bool,
    /// The framework's note on what is unconfirmed.
    pub framework_note: String,
    /// Scored indicators in table order.
    pub items: Vec<ItemResult>,
    /// Group subtotals in table order.
    pub groups: Vec<GroupResult>,
    /// The total: the sum of the item scores as printed.
    pub total: Decimal,
    /// The framework's total points.
    pub max_total: Decimal,
    /// The grade's stable code.
    pub grade_code: String,
    /// The grade's label, e.g. 优.
    pub grade_label: String,
    /// Things a reviewer should look at that do not change the score.
    pub warnings: Vec<String>,
}

impl Evaluation {
    /// The item named `name`.
    pub fn item(&self, name: &str) -> Option<&ItemResult> {
        self.items.iter().find(|i| i.name == name)
    }

    /// Points lost in all.
    pub fn lost(&self) -> Decimal {
        self.max_total - self.total
    }
}

/// Why an evaluation could not be made: the indicator and the problem.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EvalError {
    /// The indicator concerned.
    pub indicator: String,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for EvalError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "指标“{}”：{}", self.indicator, self.message)
    }
}

fn finish(
    fw: &Framework,
    subject: &str,
    items: Vec<ItemResult>,
    groups: Vec<GroupResult>,
    warnings: Vec<String>,
) -> Evaluation {
    let total: Decimal = items.iter().map(|i| i.score).sum();
    let band = fw.grading.grade(total);
    Evaluation {
        subject: subject.to_string(),
        framework_id: fw.id.clone(),
        framework_version: fw.version.clone(),
        framework_title: fw.title.clone(),
        provisional: fw.provisional,
        framework_note: fw.note.clone(),
        items,
        groups,
        total,
        max_total: fw.total,
        grade_code: band.code.clone(),
        grade_label: band.label.clone(),
        warnings,
    }
}

fn prepare(fw: &Framework, observation: Observation) -> Observation {
    match observation {
        Observation::Quantity(q)
            if fw.round_rate_before_scoring && q.kind == QuantityKind::Ratio =>
        {
            // Two decimals of a percentage are four of a ratio.
            Observation::Quantity(q.with_value(fw.score_rounding.round(q.value, 4)))
        }
        other => other,
    }
}

#[allow(clippy::too_many_arguments)]
fn score_item(
    fw: &Framework,
    groups: Vec<String>,
    id: &str,
    name: &str,
    weight: Decimal,
    status: Status,
    basis: &str,
    rule: &Rule,
    observation: Observation,
    inputs: Vec<Input>,
    derivation: String,
) -> Result<ItemResult, EvalError> {
    let observation = prepare(fw, observation);
    let outcome = rule.score(weight, &observation).map_err(|e| EvalError {
        indicator: name.to_string(),
        message: e.to_string(),
    })?;
    let value = match &observation {
        Observation::Quantity(q) => Some(q.clone()),
        _ => None,
    };
    let score = fw.round_score(outcome.raw);
    Ok(ItemResult {
        groups,
        id: id.to_string(),
        name: name.to_string(),
        weight,
        status,
        basis: basis.to_string(),
        value,
        inputs,
        derivation,
        rule: rule.describe(weight),
        working: outcome.working,
        raw: outcome.raw,
        score,
        // A shortfall that rounds away (9.9999 → 10.00) loses no points and needs no reason.
        loss_reason: outcome.loss_reason.filter(|_| score < weight),
    })
}

/// Evaluates a department's year under a department framework.
pub fn evaluate_department(
    fw: &Framework,
    data: &DepartmentYear,
) -> Result<Evaluation, Vec<EvalError>> {
    let Scheme::Department(nodes) = &fw.scheme else {
        return Err(vec![EvalError {
            indicator: fw.id.clone(),
            message: "这是项目支出指标体系，不能用于部门整体评价".into(),
        }]);
    };
    let mut items = Vec::new();
    let mut errors = Vec::new();
    for (path, def) in fw.indicators() {
        let result = metrics::resolve(data, &def.binding)
            .map_err(|e| EvalError {
                indicator: def.name.clone(),
                message: e.to_string(),
            })
            .and_then(|r| {
                score_item(
                    fw,
                    path.iter().map(|s| s.to_string()).collect(),
                    &def.id,
                    &def.name,
                    def.weight,
                    def.status,
                    &def.basis,
                    &def.rule,
                    r.observation,
                    r.inputs,
                    r.derivation,
                )
            });
        match result {
            Ok(item) => items.push(item),
            Err(e) => errors.push(e),
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let mut groups = Vec::new();
    let mut scores = items.iter().map(|i| i.score);
    for node in nodes {
        subtotal(node, 0, &mut scores, &mut groups);
    }
    Ok(finish(fw, &data.department.name, items, groups, Vec::new()))
}

/// Walks the tree in the same order as [`Framework::indicators`], consuming one score per
/// indicator, and records each group's subtotal before its children.
fn subtotal(
    node: &Node,
    depth: usize,
    scores: &mut impl Iterator<Item = Decimal>,
    out: &mut Vec<GroupResult>,
) -> Decimal {
    match node {
        Node::Indicator(_) => scores.next().unwrap_or_default(),
        Node::Group {
            name,
            weight,
            children,
        } => {
            let at = out.len();
            out.push(GroupResult {
                depth,
                name: name.clone(),
                weight: *weight,
                score: Decimal::ZERO,
            });
            let sum = children
                .iter()
                .map(|c| subtotal(c, depth + 1, scores, out))
                .sum();
            out[at].score = sum;
            sum
        }
    }
}

/// How far an indicator's actual goes towards its target, between 0 and 1; `None` for
/// qualitative indicators.
pub fn completion_share(op: Operator, target: Decimal, actual: Decimal) -> Option<Decimal> {
    let a = actual.max(Decimal::ZERO);
    Some(match op {
        Operator::Qualitative => return None,
        Operator::Equal if target.is_zero() => {
            if a.is_zero() {
                Decimal::ONE
            } else {
                Decimal::ZERO
            }
        }
        Operator::AtLeast | Operator::Above | Operator::Equal => {
            if target <= Decimal::ZERO {
                Decimal::ONE
            } else {
                (a / target).min(Decimal::ONE)
            }
        }
        Operator::AtMost | Operator::Below => {
            if a <= target {
                Decimal::ONE
            } else {
                target / a
            }
        }
    })
}

/// The rule a project framework applies to an indicator of the given direction and target.
pub fn project_rule(scheme: &ProjectScheme, op: Operator, target: Option<Decimal>) -> Rule {
    match (op, target) {
        (Operator::Qualitative, _) | (_, None) => Rule::QualitativeBand {
            achieved_floor: scheme.achieved_floor,
            partly_floor: scheme.partly_floor,
        },
        (Operator::Equal, Some(t)) if t.is_zero() => Rule::EqualsZero,
        (Operator::AtLeast | Operator::Above | Operator::Equal, Some(t)) => {
            Rule::ProportionalCapped { target: Some(t) }
        }
        (Operator::AtMost | Operator::Below, Some(t)) => match scheme.reverse {
            ReverseVariant::Linear => Rule::ReverseLinear { target: t },
            ReverseVariant::Inverse => Rule::ReverseInverse { target: t },
        },
    }
}

/// Checks a project's indicator weights against the framework's groups.
pub fn project_weight_problems(scheme: &ProjectScheme, project: &Project) -> Vec<EvalError> {
    let mut out = Vec::new();
    // 10号: a project without satisfaction indicators scores their points under benefit.
    let merged = scheme.satisfaction_absent_merges_into_benefit
        && !project
            .indicators
            .iter()
            .any(|i| i.level1 == Level1::Satisfaction);
    let satisfaction_weight: Decimal = scheme
        .blocks
        .iter()
        .filter(|(l, _)| *l == Level1::Satisfaction)
        .map(|(_, w)| *w)
        .sum();
    for (level, declared) in &scheme.blocks {
        let expected = match level {
            Level1::Satisfaction if merged => continue,
            Level1::Benefit if merged => *declared + satisfaction_weight,
            _ => *declared,
        };
        let sum: Decimal = project
            .indicators
            .iter()
            .filter(|i| i.level1 == *level)
            .map(|i| i.weight.value)
            .sum();
        if sum != expected {
            out.push(EvalError {
                indicator: level.label().to_string(),
                message: format!(
                    "三级指标分值合计 {} 与该一级指标应有分值 {} 不相等",
                    sum.normalize(),
                    expected.normalize()
                ),
            });
        }
    }
    out
}

/// Scores a project's execution row and each of its indicators under a project framework,
/// without checking how the weights are split: (items scored, items that could not be scored,
/// warnings). What a transcribed excerpt of a table can be checked against, row by row.
pub fn score_project_items(
    fw: &Framework,
    project: &Project,
) -> Result<(Vec<ItemResult>, Vec<EvalError>), Vec<EvalError>> {
    let Scheme::Project(scheme) = &fw.scheme else {
        return Err(vec![EvalError {
            indicator: fw.id.clone(),
            message: "这是部门整体指标体系，不能用于项目评价".into(),
        }]);
    };
    let (items, errors, _) = project_items(fw, scheme, project);
    Ok((items, errors))
}

fn project_items(
    fw: &Framework,
    scheme: &ProjectScheme,
    project: &Project,
) -> (Vec<ItemResult>, Vec<EvalError>, Vec<String>) {
    let mut errors = Vec::new();
    let mut items = Vec::new();
    let mut warnings = Vec::new();

    let budget = project.budget.full_year();
    match project.execution_rate() {
        None => errors.push(EvalError {
            indicator: "预算执行率".into(),
            message: "全年预算数为零，无法计算执行率".into(),
        }),
        Some(rate) => {
            let inputs = vec![
                Input {
                    label: "全年预算数".into(),
                    value: budget.value.format_wan_unit(),
                    origin: budget.origin.clone(),
                },
                Input {
                    label: "全年执行数".into(),
                    value: project.executed.value.format_wan_unit(),
                    origin: project.executed.origin.clone(),
                },
            ];
            let derivation = format!(
                "{} ÷ {} = {}",
                project.executed.value.format_wan_unit(),
                budget.value.format_wan_unit(),
                Quantity::ratio(rate)
            );
            match score_item(
                fw,
                vec!["预算执行".into()],
                "execution_rate",
                "预算执行率",
                scheme.execution_weight,
                scheme.execution_status,
                "预算执行率 = 全年执行数 ÷ 全年预算数；得分 = 执行率 × 分值，不超过分值",
                &Rule::ProportionalCapped { target: None },
                Observation::Quantity(Quantity::ratio(rate)),
                inputs,
                derivation,
            ) {
                Ok(item) => items.push(item),
                Err(e) => errors.push(e),
            }
        }
    }

    let mut ordered: Vec<_> = project.indicators.iter().collect();
    ordered.sort_by_key(|i| i.level1);
    for ind in ordered {
        let target = ind.target.as_ref().map(|t| t.value);
        // The indicator's own rule, when its table states one, else its kind's default.
        let rule = ind
            .rule
            .clone()
            .unwrap_or_else(|| project_rule(scheme, ind.operator, target));
        let mut inputs = vec![Input {
            label: "分值".into(),
            value: ind.weight.value.normalize().to_string(),
            origin: ind.weight.origin.clone(),
        }];
        let observation = if let Some(a) = &ind.assessment {
            // What the indicator's own rule reads (items met, a score by hand), as recorded.
            inputs.push(Input {
                label: "依据".into(),
                value: a.evidence.clone(),
                origin: a.origin.clone(),
            });
            a.observation.clone()
        } else if let Rule::QualitativeBand { .. } = rule {
            let Some(j) = &ind.judgement else {
                errors.push(EvalError {
                    indicator: ind.name.clone(),
                    message: "定性指标缺少评价等级与得分".into(),
                });
                continue;
            };
            inputs.push(Input {
                label: "评价".into(),
                value: format!("{}，{}", j.level.label(), j.rationale),
                origin: j.score.origin.clone(),
            });
            Observation::Qualitative {
                level: j.level,
                score: j.score.value,
                rationale: j.rationale.clone(),
            }
        } else {
            let Some(actual) = &ind.actual else {
                errors.push(EvalError {
                    indicator: ind.name.clone(),
                    message: "未填写实际完成值".into(),
                });
                continue;
            };
            if let Some(t) = &ind.target {
                inputs.push(Input {
                    label: "年度指标值".into(),
                    value: format!(
                        "{}{}{}",
                        ind.operator.symbol(),
                        t.value.normalize(),
                        ind.unit
                    ),
                    origin: t.origin.clone(),
                });
                let over = t.value > Decimal::ZERO
                    && actual.value >= t.value * scheme.overachievement_threshold
                    && matches!(
                        ind.operator,
                        Operator::AtLeast | Operator::Above | Operator::Equal
                    );
                if over
                    && ind
                        .deviation_note
                        .as_deref()
                        .unwrap_or("")
                        .trim()
                        .is_empty()
                {
                    warnings.push(format!(
                        "指标“{}”实际值 {}{} 达到目标值的 {} 倍以上，应填写偏差原因（目标是否偏低）",
                        ind.name,
                        actual.value.normalize(),
                        ind.unit,
                        scheme.overachievement_threshold.normalize()
                    ));
                }
            }
            inputs.push(Input {
                label: "实际完成值".into(),
                value: format!("{}{}", actual.value.normalize(), ind.unit),
                origin: actual.origin.clone(),
            });
            Observation::Quantity(Quantity::number(actual.value, ind.unit.clone()))
        };
        match score_item(
            fw,
            vec![ind.level1.label().to_string(), ind.level2.clone()],
            &ind.name,
            &ind.name,
            ind.weight.value,
            Status::Confirmed,
            if ind.rule_text.is_empty() {
                "指标与分值由项目单位在预算编制时设定"
            } else {
                &ind.rule_text
            },
            &rule,
            observation,
            inputs,
            String::new(),
        ) {
            Ok(item) => items.push(item),
            Err(e) => errors.push(e),
        }
    }
    (items, errors, warnings)
}

/// Evaluates a project under a project framework.
pub fn evaluate_project(fw: &Framework, project: &Project) -> Result<Evaluation, Vec<EvalError>> {
    let Scheme::Project(scheme) = &fw.scheme else {
        return Err(vec![EvalError {
            indicator: fw.id.clone(),
            message: "这是部门整体指标体系，不能用于项目评价".into(),
        }]);
    };
    if project.indicators.is_empty() {
        return Err(vec![EvalError {
            indicator: project.name.clone(),
            message: "项目未设置绩效指标，无法按项目支出指标体系评分".into(),
        }]);
    }
    let mut errors = project_weight_problems(scheme, project);
    if scheme.blocks.is_empty() {
        // No fixed split: the project's own indicators and the execution row make the total.
        let sum = scheme.execution_weight
            + project
                .indicators
                .iter()
                .map(|i| i.weight.value)
                .sum::<Decimal>();
        if sum != fw.total {
            errors.push(EvalError {
                indicator: project.name.clone(),
                message: format!(
                    "预算执行分值 {} 与各三级指标分值之和为 {}，应为总分 {}",
                    scheme.execution_weight.normalize(),
                    sum.normalize(),
                    fw.total.normalize()
                ),
            });
        }
    }
    let (items, item_errors, warnings) = project_items(fw, scheme, project);
    errors.extend(item_errors);
    if !errors.is_empty() {
        return Err(errors);
    }
    let mut groups = Vec::new();
    for name in std::iter::once("预算执行").chain(Level1::ALL.iter().map(|l| l.label())) {
        let members: Vec<&ItemResult> = items.iter().filter(|i| i.groups[0] == name).collect();
        if members.is_empty() {
            continue;
        }
        groups.push(GroupResult {
            depth: 0,
            name: name.to_string(),
            weight: members.iter().map(|i| i.weight).sum(),
            score: members.iter().map(|i| i.score).sum(),
        });
    }
    Ok(finish(fw, &project.name, items, groups, warnings))
}

impl fmt::Display for Evaluation {
    /// A plain-text score table: each indicator's value, weight, score and the points lost.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for item in &self.items {
            writeln!(
                f,
                "{}\t{}\t{}\t{}",
                item.name,
                item.value_text(),
                format_score(item.weight),
                format_score(item.score)
            )?;
        }
        write!(
            f,
            "总分\t\t{}\t{}",
            format_score(self.max_total),
            format_score(self.total)
        )
    }
}

/// Every inferred input of an evaluation, once each, grouped by reason: (labelled values,
/// reason). Twelve monthly figures inferred for one reason make one entry.
pub fn inferred_inputs(eval: &Evaluation) -> Vec<(String, &str)> {
    let mut out: Vec<(Vec<String>, &str)> = Vec::new();
    for item in &eval.items {
        for input in &item.inputs {
            if let Origin::Inferred { reason } = &input.origin {
                let shown = format!("{} {}", input.label, input.value);
                match out.iter_mut().find(|(_, r)| *r == reason.as_str()) {
                    Some((values, _)) if !values.contains(&shown) => values.push(shown),
                    Some(_) => {}
                    None => out.push((vec![shown], reason)),
                }
            }
        }
    }
    out.into_iter()
        .map(|(values, reason)| (values.join("、"), reason))
        .collect()
}
