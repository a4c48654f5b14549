//! Projects (项目支出) with their annual goal and three-level performance indicators.

use crate::budget::{Budget, FundingSource};
use crate::money::Fen;
use crate::provenance::Sourced;
use crate::rule::QualitativeLevel;
use rust_decimal::Decimal;

/// The first-level indicator groups of a project (一级指标).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Level1 {
    /// 项目决策 (决策指标): the decision block of the 项目决策/项目管理/项目绩效 forms (Sichuan
    /// 2017–2019, Ningxia) and of department forms (部门决策).
    Decision,
    /// 项目管理 (过程指标): the management or process block of those forms.
    Management,
    /// 产出指标.
    Output,
    /// 效益指标.
    Benefit,
    /// 满意度指标.
    Satisfaction,
}

impl Level1 {
    /// All groups in table order.
    pub const ALL: [Level1; 5] = [
        Level1::Decision,
        Level1::Management,
        Level1::Output,
        Level1::Benefit,
        Level1::Satisfaction,
    ];

    /// The groups of the national project form (财预〔2020〕10号), which a framework that
    /// declares its blocks must declare.
    pub const NATIONAL: [Level1; 3] = [Level1::Output, Level1::Benefit, Level1::Satisfaction];

    /// The Chinese name, as tables print it.
    pub fn label(self) -> &'static str {
        match self {
            Level1::Decision => "项目决策",
            Level1::Management => "项目管理",
            Level1::Output => "产出指标",
            Level1::Benefit => "效益指标",
            Level1::Satisfaction => "满意度指标",
        }
    }

    /// The identifier used in data files.
    pub fn id(self) -> &'static str {
        match self {
            Level1::Decision => "decision",
            Level1::Management => "management",
            Level1::Output => "output",
            Level1::Benefit => "benefit",
            Level1::Satisfaction => "satisfaction",
        }
    }

    /// Other names tables print for it.
    fn aliases(self) -> &'static [&'static str] {
        match self {
            Level1::Decision => &["决策", "决策指标", "部门决策"],
            Level1::Management => &["管理", "过程", "过程指标", "项目过程", "部门管理"],
            Level1::Output => &["项目产出"],
            Level1::Benefit => &["项目效益"],
            Level1::Satisfaction => &[],
        }
    }

    /// Parses the identifier or the Chinese name (with or without 指标, or another name tables
    /// print for it).
    pub fn parse(text: &str) -> Option<Level1> {
        Level1::ALL.into_iter().find(|l| {
            l.id() == text
                || l.label() == text
                || l.label().trim_end_matches("指标") == text
                || l.aliases().contains(&text)
        })
    }
}

/// An indicator's direction (指标性质), as tables record it next to the target.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Operator {
    /// ≥: more is better, the target is a floor.
    AtLeast,
    /// >.
    Above,
    /// =.
    Equal,
    /// ≤: less is better, the target is a ceiling.
    AtMost,
    /// <.
    Below,
    /// 定性: judged in words against three levels.
    Qualitative,
}

impl Operator {
    /// The symbol as tables print it.
    pub fn symbol(self) -> &'static str {
        match self {
            Operator::AtLeast => "≥",
            Operator::Above => ">",
            Operator::Equal => "=",
            Operator::AtMost => "≤",
            Operator::Below => "<",
            Operator::Qualitative => "定性",
        }
    }

    /// Parses a symbol (`>=` and `≥` both work) or 定性.
    pub fn parse(text: &str) -> Option<Operator> {
        Some(match text.trim() {
            "≥" | ">=" => Operator::AtLeast,
            ">" => Operator::Above,
            "=" | "==" => Operator::Equal,
            "≤" | "<=" => Operator::AtMost,
            "<" => Operator::Below,
            "定性" | "qualitative" => Operator::Qualitative,
            _ => return None,
        })
    }
}

/// The qualitative judgement of an indicator: the level reached and the score chosen inside
/// its band (RULES.md §1.5).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QualitativeJudgement {
    /// The level reached.
    pub level: QualitativeLevel,
    /// The score chosen by the evaluator.
    pub score: Sourced<Decimal>,
    /// Why, in words.
    pub rationale: String,
}

/// A third-level performance indicator of a project (三级指标).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Indicator {
    /// First-level group.
    pub level1: Level1,
    /// Second-level category, e.g. 数量指标.
    pub level2: String,
    /// The indicator's name.
    pub name: String,
    /// Direction.
    pub operator: Operator,
    /// The annual target value (年度指标值); `None` for qualitative indicators.
    pub target: Option<Sourced<Decimal>>,
    /// The unit of measure (度量单位), e.g. 件, %, 个.
    pub unit: String,
    /// Points (分值).
    pub weight: Sourced<Decimal>,
    /// The actual value (实际完成值), once known.
    pub actual: Option<Sourced<Decimal>>,
    /// The judgement of a qualitative indicator.
    pub judgement: Option<QualitativeJudgement>,
    /// Reason for a deviation and the corrective measure (偏差原因分析及改进措施).
    pub deviation_note: Option<String>,
    /// The indicator's own scoring rule (its 评(扣)分标准), overriding the default of its kind
    /// under the project framework (issue 16); `None` for the default.
    pub rule: Option<crate::rule::Rule>,
    /// The rule as the table states it, shown with the score (empty for the default).
    pub rule_text: String,
    /// What its own rule reads when that is not the actual value: the items met of a
    /// checklist (1 + 1 + 1), a score given by hand for a rubric row that prints no values.
    pub assessment: Option<crate::dataset::Assessment>,
}

/// A project (项目) of one year.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Project {
    /// Project code.
    pub code: String,
    /// Name as the report uses it, e.g. 机关饭堂.
    pub name: String,
    /// The unit that carries it out (实施单位), by code, when known.
    pub unit: Option<String>,
    /// Funding source.
    pub source: FundingSource,
    /// The project's annual goal (年度总体目标).
    pub goal: String,
    /// Budget.
    pub budget: Budget,
    /// Full-year execution (全年执行数).
    pub executed: Sourced<Fen>,
    /// Three-level indicators, when set.
    pub indicators: Vec<Indicator>,
    /// Whether the report analyses it as a key task project (重点任务项目).
    pub key: bool,
    /// One paragraph on what the money achieved, for the report's task analysis (may be
    /// empty). May quote indicator actuals as `{actual:名称}`.
    pub summary: String,
    /// Paragraphs of the key-project analysis (may be empty).
    pub analysis: Vec<String>,
}

impl Project {
    /// The indicator named `name`.
    pub fn indicator(&self, name: &str) -> Option<&Indicator> {
        self.indicators.iter().find(|i| i.name == name)
    }

    /// Execution ÷ full-year budget, or `None` for a zero budget.
    pub fn execution_rate(&self) -> Option<Decimal> {
        self.executed.value.ratio_to(self.budget.full_year().value)
    }
}

#[cfg(test)]
mod tests {
    use super::Level1;

    #[test]
    fn first_levels_are_read_by_the_names_tables_print() {
        assert_eq!(Level1::parse("产出指标"), Some(Level1::Output));
        assert_eq!(Level1::parse("项目产出"), Some(Level1::Output));
        assert_eq!(Level1::parse("项目决策"), Some(Level1::Decision));
        assert_eq!(Level1::parse("过程指标"), Some(Level1::Management));
        assert_eq!(Level1::parse("management"), Some(Level1::Management));
        assert_eq!(Level1::parse("项目绩效"), None);
        for l in Level1::ALL {
            assert_eq!(Level1::parse(l.id()), Some(l));
            assert_eq!(Level1::parse(l.label()), Some(l));
        }
    }
}
