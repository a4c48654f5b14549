//! Bindings: the named data a framework indicator reads, computed from a department's year.
//!
//! Every binding returns its observation together with the inputs it used, each marked
//! stated or inferred, so that a score can show where its numbers come from.

use crate::budget::FundingSource;
use crate::dataset::DepartmentYear;
use crate::money::Fen;
use crate::provenance::Origin;
use crate::rule::{Observation, ObservationKind, Quantity};
use rust_decimal::Decimal;
use std::fmt;

/// One input of a computed figure, as shown beside a score.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Input {
    /// What it is, e.g. 全年预算数.
    pub label: String,
    /// The value as printed, e.g. 8,086.19万元.
    pub value: String,
    /// Stated or inferred (with the reason).
    pub origin: Origin,
}

impl Input {
    fn money(label: &str, fen: Fen, origin: &Origin) -> Input {
        Input {
            label: label.into(),
            value: fen.format_wan_unit(),
            origin: origin.clone(),
        }
    }
}

/// What a binding delivers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resolved {
    /// The observation the rule scores.
    pub observation: Observation,
    /// The inputs used.
    pub inputs: Vec<Input>,
    /// How the value was computed, in words with numbers.
    pub derivation: String,
}

/// Why a binding could not be computed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BindingError {
    /// No such binding.
    Unknown(String),
    /// The data the binding needs is missing or unusable.
    MissingData(String),
}

impl fmt::Display for BindingError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BindingError::Unknown(name) => write!(f, "数据绑定“{name}”不存在"),
            BindingError::MissingData(what) => write!(f, "缺少数据：{what}"),
        }
    }
}

/// The department bindings jixiao computes, with what each means.
pub const DEPARTMENT_BINDINGS: [(&str, &str); 6] = [
    (
        "department.budget_completion_rate",
        "预算完成率 = 全部支出 ÷ 全年预算数（各资金来源合计）",
    ),
    (
        "department.income_expenditure_ratio",
        "收支比率 = 全部支出 ÷ 全部收入",
    ),
    (
        "department.appropriation_income_variance",
        "财政拨款收入预决算差异率 = |财政拨款决算收入 − 年初预算收入| ÷ 年初预算收入",
    ),
    (
        "department.general_budget_average_execution_rate",
        "一般公共预算支出年度平均执行率 = 各月末（累计支出 ÷ 全年预算）÷ 按月序时进度（上限 100%）的平均值",
    ),
    (
        "projects.execution_rate",
        "项目预算执行率 = 各项目执行数合计 ÷ 各项目全年预算数合计",
    ),
    (
        "projects.indicator_completion_rate",
        "项目绩效指标完成率 = 各项目定量指标完成度（实际 ÷ 目标，上限 100%）的平均值",
    ),
];

/// The prefix of bindings to a recorded [`crate::dataset::Assessment`].
pub const ASSESSMENT_PREFIX: &str = "assessment.";

/// What a binding delivers: `Some(Some(kind))` for computed bindings, `Some(None)` for an
/// assessment (whatever was recorded), `None` for an unknown binding.
pub fn binding_reads(name: &str) -> Option<Option<ObservationKind>> {
    if DEPARTMENT_BINDINGS.iter().any(|(n, _)| *n == name) {
        Some(Some(ObservationKind::Quantity))
    } else if name
        .strip_prefix(ASSESSMENT_PREFIX)
        .is_some_and(|key| !key.is_empty())
    {
        Some(None)
    } else {
        None
    }
}

fn ratio(numerator: Fen, denominator: Fen, what: &str) -> Result<Decimal, BindingError> {
    numerator
        .ratio_to(denominator)
        .ok_or_else(|| BindingError::MissingData(format!("{what}为零")))
}

fn quantity_resolved(value: Decimal, inputs: Vec<Input>, derivation: String) -> Resolved {
    Resolved {
        observation: Observation::Quantity(Quantity::ratio(value)),
        inputs,
        derivation,
    }
}

/// `part ÷ whole` as a resolved ratio, the division shown in 万元.
fn share_resolved(
    part: Fen,
    whole: Fen,
    what: &str,
    inputs: Vec<Input>,
) -> Result<Resolved, BindingError> {
    let rate = ratio(part, whole, what)?;
    Ok(quantity_resolved(
        rate,
        inputs,
        format!(
            "{} ÷ {} = {}",
            part.format_wan_unit(),
            whole.format_wan_unit(),
            Quantity::ratio(rate)
        ),
    ))
}

/// Computes the binding `name` on `data`.
pub fn resolve(data: &DepartmentYear, name: &str) -> Result<Resolved, BindingError> {
    let fin = &data.finances;
    match name {
        "department.budget_completion_rate" => {
            let mut budget = Fen::ZERO;
            let mut inputs = Vec::new();
            for e in &fin.expenditure {
                let b = e.budget.as_ref().ok_or_else(|| {
                    BindingError::MissingData(format!("{}支出的全年预算数", e.source.label()))
                })?;
                budget = budget + b.full_year().value;
                inputs.push(Input::money(
                    &format!("{}全年预算数", e.source.label()),
                    b.full_year().value,
                    &b.full_year().origin,
                ));
                inputs.push(Input::money(
                    &format!("{}支出", e.source.label()),
                    e.total.value,
                    &e.total.origin,
                ));
            }
            let spent = fin.total_expenditure();
            share_resolved(spent, budget, "全年预算数", inputs)
        }
        "department.income_expenditure_ratio" => {
            let income = fin.total_income();
            let spent = fin.total_expenditure();
            let inputs = fin
                .income
                .iter()
                .map(|i| {
                    Input::money(
                        &format!("{}收入", i.source.label()),
                        i.actual.value,
                        &i.actual.origin,
                    )
                })
                .chain(fin.expenditure.iter().map(|e| {
                    Input::money(
                        &format!("{}支出", e.source.label()),
                        e.total.value,
                        &e.total.origin,
                    )
                }))
                .collect();
            share_resolved(spent, income, "全部收入", inputs)
        }
        "department.appropriation_income_variance" => {
            let mut actual = Fen::ZERO;
            let mut budgeted = Fen::ZERO;
            let mut inputs = Vec::new();
            for i in fin.income.iter().filter(|i| i.source.is_appropriation()) {
                let b = i.budgeted.as_ref().ok_or_else(|| {
                    BindingError::MissingData(format!("{}的年初预算收入", i.source.label()))
                })?;
                actual = actual + i.actual.value;
                budgeted = budgeted + b.value;
                inputs.push(Input::money(
                    &format!("{}年初预算收入", i.source.label()),
                    b.value,
                    &b.origin,
                ));
                inputs.push(Input::money(
                    &format!("{}决算收入", i.source.label()),
                    i.actual.value,
                    &i.actual.origin,
                ));
            }
            let diff = Fen((actual - budgeted).0.abs());
            let rate = ratio(diff, budgeted, "财政拨款年初预算收入")?;
            Ok(quantity_resolved(
                rate,
                inputs,
                format!(
                    "|{} − {}| ÷ {} = {}",
                    actual.format_wan_unit(),
                    budgeted.format_wan_unit(),
                    budgeted.format_wan_unit(),
                    Quantity::ratio(rate)
                ),
            ))
        }
        "department.general_budget_average_execution_rate" => {
            let source = FundingSource::GeneralPublic;
            let e = fin
                .expenditure_of(source)
                .ok_or_else(|| BindingError::MissingData("一般公共预算支出".into()))?;
            let budget = e
                .budget
                .as_ref()
                .ok_or_else(|| BindingError::MissingData("一般公共预算全年预算数".into()))?;
            if e.monthly_cumulative.len() != 12 {
                return Err(BindingError::MissingData(format!(
                    "一般公共预算 12 个月的累计支出（现有 {} 个月）",
                    e.monthly_cumulative.len()
                )));
            }
            let full = budget.full_year().value;
            let mut sum = Decimal::ZERO;
            let mut monthly = Vec::new();
            let mut inputs = vec![Input::money(
                "一般公共预算全年预算数",
                full,
                &budget.full_year().origin,
            )];
            for (i, cum) in e.monthly_cumulative.iter().enumerate() {
                let month = i as u32 + 1;
                let progress = ratio(cum.value, full, "一般公共预算全年预算数")?;
                let time = Decimal::from(month) / Decimal::from(12);
                let relative = (progress / time).min(Decimal::ONE);
                sum += relative;
                monthly.push(Quantity::ratio(relative).to_string());
                inputs.push(Input::money(
                    &format!("{month}月末累计支出"),
                    cum.value,
                    &cum.origin,
                ));
            }
            let average = sum / Decimal::from(12);
            Ok(quantity_resolved(
                average,
                inputs,
                format!(
                    "各月执行率与序时进度之比（上限 100%）：{}；平均 = {}",
                    monthly.join("、"),
                    Quantity::ratio(average)
                ),
            ))
        }
        "projects.execution_rate" => {
            if data.projects.is_empty() {
                return Err(BindingError::MissingData("项目".into()));
            }
            let budget: Fen = data
                .projects
                .iter()
                .map(|p| p.budget.full_year().value)
                .sum();
            let spent: Fen = data.projects.iter().map(|p| p.executed.value).sum();
            let inputs = data
                .projects
                .iter()
                .flat_map(|p| {
                    [
                        Input::money(
                            &format!("{}预算数", p.name),
                            p.budget.full_year().value,
                            &p.budget.full_year().origin,
                        ),
                        Input::money(
                            &format!("{}执行数", p.name),
                            p.executed.value,
                            &p.executed.origin,
                        ),
                    ]
                })
                .collect();
            share_resolved(spent, budget, "项目预算数合计", inputs)
        }
        "projects.indicator_completion_rate" => {
            let mut shares = Vec::new();
            let mut inputs = Vec::new();
            for p in &data.projects {
                for ind in &p.indicators {
                    let (Some(t), Some(a)) = (&ind.target, &ind.actual) else {
                        continue;
                    };
                    let share = crate::evaluate::completion_share(ind.operator, t.value, a.value);
                    let Some(share) = share else { continue };
                    shares.push(share);
                    let inferred = t.origin.is_inferred() || a.origin.is_inferred();
                    inputs.push(Input {
                        label: format!("{}·{}", p.name, ind.name),
                        value: format!(
                            "目标 {}{}{}，实际 {}{}",
                            ind.operator.symbol(),
                            t.value.normalize(),
                            ind.unit,
                            a.value.normalize(),
                            ind.unit,
                        ),
                        origin: if inferred {
                            if t.origin.is_inferred() {
                                t.origin.clone()
                            } else {
                                a.origin.clone()
                            }
                        } else {
                            Origin::Stated
                        },
                    });
                }
            }
            if shares.is_empty() {
                return Err(BindingError::MissingData(
                    "任何项目的定量绩效指标目标值与实际值".into(),
                ));
            }
            let n = Decimal::from(shares.len() as u64);
            let average = shares.iter().copied().sum::<Decimal>() / n;
            Ok(quantity_resolved(
                average,
                inputs,
                format!(
                    "{} 个定量指标完成度的平均值 = {}",
                    shares.len(),
                    Quantity::ratio(average)
                ),
            ))
        }
        other => {
            let key = other
                .strip_prefix(ASSESSMENT_PREFIX)
                .ok_or_else(|| BindingError::Unknown(other.to_string()))?;
            let a = data.assessment(key).ok_or_else(|| {
                BindingError::MissingData(format!("评价事项“{key}”（assessments 中没有这一项）"))
            })?;
            Ok(Resolved {
                observation: a.observation.clone(),
                inputs: vec![Input {
                    label: "依据".into(),
                    value: a.evidence.clone(),
                    origin: a.origin.clone(),
                }],
                derivation: a.evidence.clone(),
            })
        }
    }
}
