//! Scoring rules: the rule kinds of RULES.md §2.5 and what each reads and computes.
//!
//! A rule turns one [`Observation`] into a raw score between 0 and the indicator's weight,
//! with its working written out. Rounding of the score is the framework's business
//! ([`crate::framework::Framework::score_rounding`]), not the rule's.

use crate::number::{format_decimal, format_percent, format_score};
use rust_decimal::Decimal;
use std::fmt;

/// What a measured value is, so that explanations print it the way people read it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum QuantityKind {
    /// A ratio where 1 = 100%, printed as a percentage.
    Ratio,
    /// A plain number with its measure word (件, 个, 天 …).
    Number(String),
}

/// A measured value with its kind.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Quantity {
    /// The exact value.
    pub value: Decimal,
    /// Ratio or number.
    pub kind: QuantityKind,
}

impl Quantity {
    /// A ratio (1 = 100%).
    pub fn ratio(value: Decimal) -> Quantity {
        Quantity {
            value,
            kind: QuantityKind::Ratio,
        }
    }

    /// A plain number with its measure word.
    pub fn number(value: Decimal, unit: impl Into<String>) -> Quantity {
        Quantity {
            value,
            kind: QuantityKind::Number(unit.into()),
        }
    }

    /// Another value of the same kind.
    pub fn with_value(&self, value: Decimal) -> Quantity {
        Quantity {
            value,
            kind: self.kind.clone(),
        }
    }
}

impl fmt::Display for Quantity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.kind {
            QuantityKind::Ratio => f.write_str(&format_percent(self.value)),
            QuantityKind::Number(unit) => {
                write!(f, "{}{}", self.value.normalize(), unit)
            }
        }
    }
}

/// The three achievement levels of a qualitative indicator (RULES.md §1.5).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum QualitativeLevel {
    /// 达成年度指标.
    Achieved,
    /// 部分达成年度指标并具有一定效果.
    Partly,
    /// 未达成年度指标且效果较差.
    NotAchieved,
}

impl QualitativeLevel {
    /// The exact option text.
    pub fn label(self) -> &'static str {
        match self {
            QualitativeLevel::Achieved => "达成年度指标",
            QualitativeLevel::Partly => "部分达成年度指标并具有一定效果",
            QualitativeLevel::NotAchieved => "未达成年度指标且效果较差",
        }
    }

    /// Parses the option text or the identifiers `achieved`, `partly`, `not_achieved`.
    pub fn parse(text: &str) -> Option<QualitativeLevel> {
        Some(match text.trim() {
            "achieved" | "达成年度指标" | "达成" => QualitativeLevel::Achieved,
            "partly" | "部分达成年度指标并具有一定效果" | "部分达成" => {
                QualitativeLevel::Partly
            }
            "not_achieved" | "未达成年度指标且效果较差" | "未达成" => {
                QualitativeLevel::NotAchieved
            }
            _ => return None,
        })
    }
}

/// One item of a checklist observation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChecklistEntry {
    /// The item's name, as the framework declares it.
    pub item: String,
    /// Whether the condition is met.
    pub met: bool,
    /// What shows it (a document, a date, a sentence of the report).
    pub evidence: String,
}

/// What a rule reads: the data an indicator's binding delivers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Observation {
    /// A measured value: a rate, a count, a satisfaction percentage.
    Quantity(Quantity),
    /// Conditions met or not.
    Checklist(Vec<ChecklistEntry>),
    /// The violations found, one description each (none = full marks).
    Violations(Vec<String>),
    /// One category out of those the rule lists.
    Category(String),
    /// A qualitative judgement: level and the score chosen inside its band.
    Qualitative {
        /// The level reached.
        level: QualitativeLevel,
        /// The evaluator's score.
        score: Decimal,
        /// Why.
        rationale: String,
    },
    /// A score given by hand, with its rationale.
    Manual {
        /// The score.
        score: Decimal,
        /// Why; required.
        rationale: String,
    },
}

impl Observation {
    /// The kind of observation, in words.
    pub fn kind(&self) -> ObservationKind {
        match self {
            Observation::Quantity(_) => ObservationKind::Quantity,
            Observation::Checklist(_) => ObservationKind::Checklist,
            Observation::Violations(_) => ObservationKind::Violations,
            Observation::Category(_) => ObservationKind::Category,
            Observation::Qualitative { .. } => ObservationKind::Qualitative,
            Observation::Manual { .. } => ObservationKind::Manual,
        }
    }
}

/// The kinds of observation a rule can read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ObservationKind {
    /// A measured value.
    Quantity,
    /// A checklist.
    Checklist,
    /// A list of violations.
    Violations,
    /// A category.
    Category,
    /// A qualitative judgement.
    Qualitative,
    /// A score by hand.
    Manual,
}

impl ObservationKind {
    /// The Chinese name.
    pub fn label(self) -> &'static str {
        match self {
            ObservationKind::Quantity => "数值",
            ObservationKind::Checklist => "核对清单",
            ObservationKind::Violations => "违规事项清单",
            ObservationKind::Category => "类别",
            ObservationKind::Qualitative => "定性评价",
            ObservationKind::Manual => "人工评分",
        }
    }
}

/// Which side of a threshold loses points.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    /// Points are lost for each step the value falls below the threshold.
    Below,
    /// Points are lost for each step the value rises above the threshold.
    Above,
}

/// How a partial step is counted ("每超过一个百分点" with 2.4 points over).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StepMode {
    /// 2.4 steps deduct 2.4 × the deduction.
    ProRata,
    /// 2.4 steps count as 3 whole steps.
    WholeSteps,
    /// Only complete steps count: 2.4 steps deduct 2 × the deduction (S19's worked example:
    /// 99.27% scores full marks under "−2 per 5% below").
    CompleteSteps,
}

/// One end of an interval.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Bound {
    /// Where the end is.
    pub value: Decimal,
    /// Whether the end itself belongs to the interval.
    pub inclusive: bool,
}

/// An interval of values; a missing end is unbounded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Interval {
    /// The lower end.
    pub lower: Option<Bound>,
    /// The upper end.
    pub upper: Option<Bound>,
}

impl Interval {
    /// Whether `value` lies in the interval.
    pub fn contains(&self, value: Decimal) -> bool {
        let above_lower = match self.lower {
            None => true,
            Some(b) if b.inclusive => value >= b.value,
            Some(b) => value > b.value,
        };
        let below_upper = match self.upper {
            None => true,
            Some(b) if b.inclusive => value <= b.value,
            Some(b) => value < b.value,
        };
        above_lower && below_upper
    }

    /// The interval written with the given quantity's kind, e.g. `(5.00%, 10.00%]`.
    pub fn display(&self, like: &Quantity) -> String {
        let lower = match self.lower {
            None => "(−∞".to_string(),
            Some(b) => format!(
                "{}{}",
                if b.inclusive { '[' } else { '(' },
                like.with_value(b.value)
            ),
        };
        let upper = match self.upper {
            None => "+∞)".to_string(),
            Some(b) => format!(
                "{}{}",
                like.with_value(b.value),
                if b.inclusive { ']' } else { ')' }
            ),
        };
        format!("{lower}, {upper}")
    }
}

/// One tier of a stepped rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tier {
    /// The values this tier covers.
    pub when: Interval,
    /// The score for a value in it.
    pub score: Decimal,
}

/// One item of a checklist rule, with the points it is worth when met.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChecklistItem {
    /// The condition.
    pub name: String,
    /// Points when met.
    pub points: Decimal,
}

/// A scoring rule. Each kind is one of RULES.md §2.5.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Rule {
    /// Score = min(value ÷ target, 1) × weight; without a target the value is a ratio and
    /// score = min(value, 100%) × weight.
    ProportionalCapped {
        /// The target; `None` when the value is already a ratio of achievement.
        target: Option<Decimal>,
    },
    /// For "less is better": full when value ≤ target, then linear down to 0 at 2 × target.
    ReverseLinear {
        /// The ceiling.
        target: Decimal,
    },
    /// For "less is better": full when value ≤ target, else target ÷ value × weight.
    ReverseInverse {
        /// The ceiling.
        target: Decimal,
    },
    /// Full marks on the good side of a threshold; a deduction for each step beyond it,
    /// down to 0 (扣完为止).
    ThresholdDeduction {
        /// The threshold.
        threshold: Decimal,
        /// Which side loses points.
        side: Side,
        /// Points deducted per step.
        deduct: Decimal,
        /// The size of one step, in the value's own units (1 percentage point = 0.01).
        step: Decimal,
        /// Pro rata or whole steps.
        mode: StepMode,
    },
    /// The score of the first tier whose interval holds the value.
    SteppedTiers {
        /// Tiers in order.
        tiers: Vec<Tier>,
    },
    /// The points of each condition met, added up.
    Checklist {
        /// The conditions.
        items: Vec<ChecklistItem>,
    },
    /// The weight less a deduction per violation, down to 0.
    PerViolationDeduction {
        /// Points deducted per violation.
        deduct: Decimal,
    },
    /// A fixed score per category.
    Categorical {
        /// Category name and its score, in order.
        categories: Vec<(String, Decimal)>,
    },
    /// A score chosen by the evaluator inside the band of the level reached.
    QualitativeBand {
        /// Lowest share of the weight for 达成 (0.8 by default).
        achieved_floor: Decimal,
        /// Lowest share of the weight for 部分达成 (0.6 by default).
        partly_floor: Decimal,
    },
    /// Full when the value is 0 (or less), otherwise 0 (e.g. accidents = 0).
    EqualsZero,
    /// A score given by hand; a rationale is required.
    Manual,
}

/// The raw result of one rule on one observation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    /// The score before the framework rounds it, between 0 and the weight.
    pub raw: Decimal,
    /// The working, with the numbers put in.
    pub working: String,
    /// Why points were lost, when they were.
    pub loss_reason: Option<String>,
}

/// Why a rule could not score an observation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ScoreError {
    /// The binding delivered another kind of data than the rule reads.
    WrongObservation {
        /// What the rule reads.
        expected: ObservationKind,
        /// What it got.
        got: ObservationKind,
    },
    /// A checklist item the rule lists has no entry in the data.
    MissingChecklistItem(String),
    /// The data names a checklist item the rule does not list.
    UnknownChecklistItem(String),
    /// The category is not one the rule lists.
    UnknownCategory(String),
    /// A hand-given or qualitative score outside what the rule allows.
    ScoreOutOfRange {
        /// The score given.
        score: Decimal,
        /// The lowest allowed.
        min: Decimal,
        /// The highest allowed (inclusive unless `max_exclusive`).
        max: Decimal,
        /// Whether `max` itself is excluded.
        max_exclusive: bool,
    },
    /// A hand-given or qualitative score without a rationale.
    MissingRationale,
    /// No tier holds the value.
    NoTier(String),
    /// The value could not be computed because a base is zero.
    ZeroBase(String),
}

impl fmt::Display for ScoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ScoreError::WrongObservation { expected, got } => write!(
                f,
                "评分规则需要{}，但数据提供的是{}",
                expected.label(),
                got.label()
            ),
            ScoreError::MissingChecklistItem(item) => {
                write!(f, "核对清单缺少“{item}”一项的结论")
            }
            ScoreError::UnknownChecklistItem(item) => {
                write!(f, "核对清单中的“{item}”不是本指标规定的检查项")
            }
            ScoreError::UnknownCategory(c) => write!(f, "“{c}”不是本指标规定的类别"),
            ScoreError::ScoreOutOfRange {
                score,
                min,
                max,
                max_exclusive,
            } => write!(
                f,
                "得分 {} 超出允许范围 [{}, {}{}",
                format_score(*score),
                format_score(*min),
                format_score(*max),
                if *max_exclusive { ")" } else { "]" }
            ),
            ScoreError::MissingRationale => f.write_str("人工评分必须写明理由"),
            ScoreError::NoTier(v) => write!(f, "数值 {v} 不在任何一档评分区间内"),
            ScoreError::ZeroBase(what) => write!(f, "{what}为零，无法计算比率"),
        }
    }
}

/// A problem with a rule's parameters, found before any data is read.
pub type RuleProblem = String;

fn raw_text(value: Decimal) -> String {
    let rounded = value.round_dp(4);
    if rounded == value {
        value.normalize().to_string()
    } else {
        format!("{}…", format_decimal(value, 4, false))
    }
}

fn pct(value: Decimal) -> String {
    format_percent(value)
}

impl Rule {
    /// The identifier used in framework files.
    pub fn kind_id(&self) -> &'static str {
        match self {
            Rule::ProportionalCapped { .. } => "proportional_capped",
            Rule::ReverseLinear { .. } => "reverse_linear",
            Rule::ReverseInverse { .. } => "reverse_inverse",
            Rule::ThresholdDeduction { .. } => "threshold_deduction",
            Rule::SteppedTiers { .. } => "stepped_tiers",
            Rule::Checklist { .. } => "checklist",
            Rule::PerViolationDeduction { .. } => "per_violation_deduction",
            Rule::Categorical { .. } => "categorical",
            Rule::QualitativeBand { .. } => "qualitative_band",
            Rule::EqualsZero => "equals_zero",
            Rule::Manual => "manual",
        }
    }

    /// Every rule kind identifier, for messages that list them.
    pub const KIND_IDS: [&'static str; 11] = [
        "proportional_capped",
        "reverse_linear",
        "reverse_inverse",
        "threshold_deduction",
        "stepped_tiers",
        "checklist",
        "per_violation_deduction",
        "categorical",
        "qualitative_band",
        "equals_zero",
        "manual",
    ];

    /// What kind of observation the rule reads.
    pub fn reads(&self) -> ObservationKind {
        match self {
            Rule::ProportionalCapped { .. }
            | Rule::ReverseLinear { .. }
            | Rule::ReverseInverse { .. }
            | Rule::ThresholdDeduction { .. }
            | Rule::SteppedTiers { .. }
            | Rule::EqualsZero => ObservationKind::Quantity,
            Rule::Checklist { .. } => ObservationKind::Checklist,
            Rule::PerViolationDeduction { .. } => ObservationKind::Violations,
            Rule::Categorical { .. } => ObservationKind::Category,
            Rule::QualitativeBand { .. } => ObservationKind::Qualitative,
            Rule::Manual => ObservationKind::Manual,
        }
    }

    /// Checks the rule's parameters against the indicator's weight; returns every problem.
    pub fn problems(&self, weight: Decimal) -> Vec<RuleProblem> {
        let mut out = Vec::new();
        let positive = |v: Decimal, what: &str, out: &mut Vec<RuleProblem>| {
            if v <= Decimal::ZERO {
                out.push(format!("{what}必须大于 0（现为 {}）", v.normalize()));
            }
        };
        match self {
            Rule::ProportionalCapped { target } => {
                if let Some(t) = target {
                    positive(*t, "目标值", &mut out);
                }
            }
            Rule::ReverseLinear { target } | Rule::ReverseInverse { target } => {
                positive(*target, "目标值", &mut out);
            }
            Rule::ThresholdDeduction { deduct, step, .. } => {
                positive(*deduct, "每步扣分", &mut out);
                positive(*step, "步长", &mut out);
            }
            Rule::SteppedTiers { tiers } => {
                if tiers.is_empty() {
                    out.push("分档规则至少要有一档".into());
                }
                for tier in tiers {
                    if tier.score < Decimal::ZERO || tier.score > weight {
                        out.push(format!(
                            "分档得分 {} 不在 0 到权重 {} 之间",
                            tier.score.normalize(),
                            weight.normalize()
                        ));
                    }
                }
            }
            Rule::Checklist { items } => {
                let sum: Decimal = items.iter().map(|i| i.points).sum();
                if sum != weight {
                    out.push(format!(
                        "检查项分值合计 {} 与权重 {} 不相等",
                        sum.normalize(),
                        weight.normalize()
                    ));
                }
                for item in items {
                    positive(
                        item.points,
                        &format!("检查项“{}”的分值", item.name),
                        &mut out,
                    );
                }
            }
            Rule::PerViolationDeduction { deduct } => positive(*deduct, "每项扣分", &mut out),
            Rule::Categorical { categories } => {
                if categories.is_empty() {
                    out.push("类别规则至少要有一个类别".into());
                }
                for (name, score) in categories {
                    if *score < Decimal::ZERO || *score > weight {
                        out.push(format!(
                            "类别“{name}”的得分 {} 不在 0 到权重 {} 之间",
                            score.normalize(),
                            weight.normalize()
                        ));
                    }
                }
            }
            Rule::QualitativeBand {
                achieved_floor,
                partly_floor,
            } => {
                if !(Decimal::ZERO < *partly_floor
                    && partly_floor < achieved_floor
                    && *achieved_floor < Decimal::ONE)
                {
                    out.push("定性分档比例须满足 0 < 部分达成下限 < 达成下限 < 1".into());
                }
            }
            Rule::EqualsZero | Rule::Manual => {}
        }
        out
    }

    /// The rule in words, for explanations.
    pub fn describe(&self, weight: Decimal) -> String {
        let w = weight.normalize();
        match self {
            Rule::ProportionalCapped { target: None } => {
                format!("按比例计分：得分 = min(比率, 100%) × {w}")
            }
            Rule::ProportionalCapped { target: Some(t) } => format!(
                "按比例计分：实际值达到目标值 {} 得满分 {w}，否则得分 = 实际值 ÷ 目标值 × {w}",
                t.normalize()
            ),
            Rule::ReverseLinear { .. } => format!(
                "反向指标（线性）：不超过目标值得满分 {w}，超出部分按超出比例扣减，达到目标值 2 倍得 0 分"
            ),
            Rule::ReverseInverse { .. } => {
                format!("反向指标（反比）：不超过目标值得满分 {w}，否则得分 = 目标值 ÷ 实际值 × {w}")
            }
            Rule::ThresholdDeduction {
                side, deduct, mode, ..
            } => format!(
                "阈值扣分：{}阈值每一步扣 {} 分（{}），扣完为止",
                match side {
                    Side::Below => "低于",
                    Side::Above => "超过",
                },
                deduct.normalize(),
                match mode {
                    StepMode::ProRata => "不足一步按比例",
                    StepMode::WholeSteps => "不足一步按一步",
                    StepMode::CompleteSteps => "不足一步不扣",
                }
            ),
            Rule::SteppedTiers { .. } => "分档计分：按数值所在区间取该档得分".to_string(),
            Rule::Checklist { .. } => "核对清单：每满足一项得该项分值".to_string(),
            Rule::PerViolationDeduction { deduct } => format!(
                "按违规事项扣分：每发现一项扣 {} 分，扣完为止",
                deduct.normalize()
            ),
            Rule::Categorical { .. } => "按类别计分".to_string(),
            Rule::QualitativeBand { .. } => {
                "定性分档：达成、部分达成、未达成各对应一个得分区间，评价人在区间内打分"
                    .to_string()
            }
            Rule::EqualsZero => format!("零目标：实际值为 0 得满分 {w}，否则 0 分"),
            Rule::Manual => "人工评分：须写明理由".to_string(),
        }
    }

    /// Scores `observation` for an indicator worth `weight`.
    pub fn score(&self, weight: Decimal, observation: &Observation) -> Result<Outcome, ScoreError> {
        if observation.kind() != self.reads() {
            return Err(ScoreError::WrongObservation {
                expected: self.reads(),
                got: observation.kind(),
            });
        }
        let w = weight;
        let wt = w.normalize();
        let outcome = match (self, observation) {
            (Rule::ProportionalCapped { target }, Observation::Quantity(q)) => {
                let a = q.value.max(Decimal::ZERO);
                match target {
                    None => {
                        let share = a.min(Decimal::ONE);
                        let raw = share * w;
                        Outcome {
                            raw,
                            working: format!(
                                "min({}, 100%) × {wt} = {}",
                                pct(q.value),
                                raw_text(raw)
                            ),
                            loss_reason: (share < Decimal::ONE)
                                .then(|| format!("{} 未达到 100%", pct(q.value))),
                        }
                    }
                    Some(t) => {
                        let share = (a / *t).min(Decimal::ONE);
                        let raw = share * w;
                        let target_q = q.with_value(*t);
                        Outcome {
                            raw,
                            working: if share == Decimal::ONE {
                                format!("实际 {q} ≥ 目标 {target_q}，得满分 {wt}")
                            } else {
                                format!("{q} ÷ {target_q} × {wt} = {}", raw_text(raw))
                            },
                            loss_reason: (share < Decimal::ONE)
                                .then(|| format!("实际 {q} 未达到目标 {target_q}")),
                        }
                    }
                }
            }
            (
                rule @ (Rule::ReverseLinear { target } | Rule::ReverseInverse { target }),
                Observation::Quantity(q),
            ) => {
                let a = q.value.max(Decimal::ZERO);
                let t = *target;
                let tq = q.with_value(t);
                let over = Some(format!("实际 {q} 超过目标 {tq}"));
                if a <= t {
                    full(w, format!("实际 {q} ≤ 目标 {tq}，得满分 {wt}"))
                } else if matches!(rule, Rule::ReverseInverse { .. }) {
                    let raw = t / a * w;
                    Outcome {
                        raw,
                        working: format!("{tq} ÷ {q} × {wt} = {}", raw_text(raw)),
                        loss_reason: over,
                    }
                } else if a >= t * Decimal::TWO {
                    Outcome {
                        raw: Decimal::ZERO,
                        working: format!("实际 {q} ≥ 目标的 2 倍，得 0 分"),
                        loss_reason: Some(format!("实际 {q} 达到目标 {tq} 的 2 倍以上")),
                    }
                } else {
                    let raw = (Decimal::ONE - (a - t) / t) * w;
                    Outcome {
                        raw,
                        working: format!("(1 − ({q} − {tq}) ÷ {tq}) × {wt} = {}", raw_text(raw)),
                        loss_reason: over,
                    }
                }
            }
            (
                Rule::ThresholdDeduction {
                    threshold,
                    side,
                    deduct,
                    step,
                    mode,
                },
                Observation::Quantity(q),
            ) => {
                let beyond = match side {
                    Side::Below => *threshold - q.value,
                    Side::Above => q.value - *threshold,
                };
                let tq = q.with_value(*threshold);
                if beyond <= Decimal::ZERO {
                    full(
                        w,
                        format!(
                            "{q} {}阈值 {tq}，得满分 {wt}",
                            if *side == Side::Below {
                                "不低于"
                            } else {
                                "不超过"
                            }
                        ),
                    )
                } else {
                    let steps = beyond / *step;
                    let counted = match mode {
                        StepMode::ProRata => steps,
                        StepMode::WholeSteps => steps.ceil(),
                        StepMode::CompleteSteps => steps.floor(),
                    };
                    let deduction = (counted * *deduct).min(w);
                    let raw = w - deduction;
                    Outcome {
                        raw,
                        working: format!(
                            "{wt} − {} 步 × {} = {}",
                            raw_text(counted),
                            deduct.normalize(),
                            raw_text(raw)
                        ),
                        loss_reason: Some(format!(
                            "{q} {}阈值 {tq}",
                            if *side == Side::Below {
                                "低于"
                            } else {
                                "超过"
                            }
                        )),
                    }
                }
            }
            (Rule::SteppedTiers { tiers }, Observation::Quantity(q)) => {
                let tier = tiers
                    .iter()
                    .find(|t| t.when.contains(q.value))
                    .ok_or_else(|| ScoreError::NoTier(q.to_string()))?;
                Outcome {
                    raw: tier.score,
                    working: format!(
                        "{q} 落在 {} 档，得 {}",
                        tier.when.display(q),
                        tier.score.normalize()
                    ),
                    loss_reason: (tier.score < w)
                        .then(|| format!("{q} 落在 {} 档", tier.when.display(q))),
                }
            }
            (Rule::Checklist { items }, Observation::Checklist(entries)) => {
                for e in entries {
                    if !items.iter().any(|i| i.name == e.item) {
                        return Err(ScoreError::UnknownChecklistItem(e.item.clone()));
                    }
                }
                let mut raw = Decimal::ZERO;
                let mut parts = Vec::new();
                let mut unmet = Vec::new();
                for item in items {
                    let entry = entries
                        .iter()
                        .find(|e| e.item == item.name)
                        .ok_or_else(|| ScoreError::MissingChecklistItem(item.name.clone()))?;
                    if entry.met {
                        raw += item.points;
                        parts.push(format!("{} ✓{}", item.name, item.points.normalize()));
                    } else {
                        parts.push(format!("{} ✗0", item.name));
                        unmet.push(item.name.clone());
                    }
                }
                Outcome {
                    raw,
                    working: format!("{} = {}", parts.join("，"), raw.normalize()),
                    loss_reason: (!unmet.is_empty())
                        .then(|| format!("未满足：{}", unmet.join("、"))),
                }
            }
            (Rule::PerViolationDeduction { deduct }, Observation::Violations(found)) => {
                let n = Decimal::from(found.len() as u64);
                let raw = (w - n * *deduct).max(Decimal::ZERO);
                Outcome {
                    raw,
                    working: format!(
                        "{wt} − {} 项 × {} = {}",
                        found.len(),
                        deduct.normalize(),
                        raw.normalize()
                    ),
                    loss_reason: (!found.is_empty()).then(|| format!("发现：{}", found.join("；"))),
                }
            }
            (Rule::Categorical { categories }, Observation::Category(c)) => {
                let (_, score) = categories
                    .iter()
                    .find(|(name, _)| name == c)
                    .ok_or_else(|| ScoreError::UnknownCategory(c.clone()))?;
                Outcome {
                    raw: *score,
                    working: format!("类别“{c}”得 {}", score.normalize()),
                    loss_reason: (*score < w).then(|| format!("类别为“{c}”")),
                }
            }
            (
                Rule::QualitativeBand {
                    achieved_floor,
                    partly_floor,
                },
                Observation::Qualitative {
                    level,
                    score,
                    rationale,
                },
            ) => {
                if rationale.trim().is_empty() {
                    return Err(ScoreError::MissingRationale);
                }
                // Band edges are rounded to 2 dp, as the vendor systems do (RULES.md §1.5).
                let edge = |share: Decimal| crate::number::DISPLAY_ROUNDING.round(w * share, 2);
                let (min, max, max_exclusive) = match level {
                    QualitativeLevel::Achieved => (edge(*achieved_floor), w, false),
                    QualitativeLevel::Partly => (edge(*partly_floor), edge(*achieved_floor), true),
                    QualitativeLevel::NotAchieved => (Decimal::ZERO, edge(*partly_floor), true),
                };
                let within = *score >= min
                    && if max_exclusive {
                        *score < max
                    } else {
                        *score <= max
                    };
                if !within {
                    return Err(ScoreError::ScoreOutOfRange {
                        score: *score,
                        min,
                        max,
                        max_exclusive,
                    });
                }
                Outcome {
                    raw: *score,
                    working: format!(
                        "{}，区间 [{}, {}{}，评定 {}",
                        level.label(),
                        format_score(min),
                        format_score(max),
                        if max_exclusive { ")" } else { "]" },
                        score.normalize()
                    ),
                    loss_reason: (*score < w).then(|| rationale.clone()),
                }
            }
            (Rule::EqualsZero, Observation::Quantity(q)) => {
                if q.value <= Decimal::ZERO {
                    full(w, format!("实际 {q}，为零，得满分 {wt}"))
                } else {
                    Outcome {
                        raw: Decimal::ZERO,
                        working: format!("实际 {q}，不为零，得 0 分"),
                        loss_reason: Some(format!("目标为零，实际为 {q}")),
                    }
                }
            }
            (Rule::Manual, Observation::Manual { score, rationale }) => {
                if rationale.trim().is_empty() {
                    return Err(ScoreError::MissingRationale);
                }
                if *score < Decimal::ZERO || *score > w {
                    return Err(ScoreError::ScoreOutOfRange {
                        score: *score,
                        min: Decimal::ZERO,
                        max: w,
                        max_exclusive: false,
                    });
                }
                Outcome {
                    raw: *score,
                    working: format!("人工评定 {}：{rationale}", score.normalize()),
                    loss_reason: (*score < w).then(|| rationale.clone()),
                }
            }
            _ => unreachable!("observation kind was checked against the rule"),
        };
        Ok(Outcome {
            raw: outcome.raw.clamp(Decimal::ZERO, w),
            ..outcome
        })
    }
}

fn full(weight: Decimal, working: String) -> Outcome {
    Outcome {
        raw: weight,
        working,
        loss_reason: None,
    }
}
