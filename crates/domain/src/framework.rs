//! Indicator frameworks (指标体系): versioned data that says what is scored, how, and from
//! which data. The engine reads them; no framework lives in code.

use crate::number::Rounding;
use crate::project::Level1;
use crate::rule::{ObservationKind, Rule};
use rust_decimal::Decimal;
use std::fmt;

/// How sure we are of a rule or weight (RULES.md's tags, reduced to what outputs show).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// A public source states it.
    Confirmed,
    /// The only reading consistent with the seed's figures.
    Inferred,
    /// Not confirmed: a placeholder until the official document is found.
    Provisional,
}

impl Status {
    /// The identifier used in framework files.
    pub fn id(self) -> &'static str {
        match self {
            Status::Confirmed => "confirmed",
            Status::Inferred => "inferred",
            Status::Provisional => "provisional",
        }
    }

    /// Parses the identifier.
    pub fn from_id(id: &str) -> Option<Status> {
        [Status::Confirmed, Status::Inferred, Status::Provisional]
            .into_iter()
            .find(|s| s.id() == id)
    }

    /// The label shown beside anything that uses the rule: empty when confirmed.
    pub fn mark(self) -> &'static str {
        match self {
            Status::Confirmed => "",
            Status::Inferred => "（推定）",
            Status::Provisional => "（暂定）",
        }
    }
}

/// One grade band: scores at or above `min` (and below the next band up) get this grade.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GradeBand {
    /// The lowest score of the band.
    pub min: Decimal,
    /// A stable code (`excellent`, `good`, …) for data exchange.
    pub code: String,
    /// The label a region uses, e.g. 优 or 优秀.
    pub label: String,
}

/// Grade bands, highest first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Grading {
    bands: Vec<GradeBand>,
}

impl Grading {
    /// Bands in any order; they are kept highest first.
    pub fn new(mut bands: Vec<GradeBand>) -> Grading {
        bands.sort_by_key(|b| std::cmp::Reverse(b.min));
        Grading { bands }
    }

    /// The national bands: 优 ≥ 90, 良 ≥ 80, 中 ≥ 60, 差 below (RULES.md §1.7).
    pub fn national() -> Grading {
        let band = |min: i64, code: &str, label: &str| GradeBand {
            min: Decimal::from(min),
            code: code.into(),
            label: label.into(),
        };
        Grading::new(vec![
            band(90, "excellent", "优"),
            band(80, "good", "良"),
            band(60, "fair", "中"),
            band(0, "poor", "差"),
        ])
    }

    /// The bands, highest first.
    pub fn bands(&self) -> &[GradeBand] {
        &self.bands
    }

    /// The band a score falls in (the lowest band for scores below every minimum).
    pub fn grade(&self, score: Decimal) -> &GradeBand {
        self.bands
            .iter()
            .find(|b| score >= b.min)
            .or_else(|| self.bands.last())
            .expect("a grading has at least one band")
    }

    /// Problems with the bands themselves.
    pub fn problems(&self) -> Vec<String> {
        let mut out = Vec::new();
        if self.bands.is_empty() {
            out.push("等级划分至少要有一档".to_string());
        }
        for pair in self.bands.windows(2) {
            if pair[0].min == pair[1].min {
                out.push(format!(
                    "等级“{}”与“{}”的下限相同",
                    pair[0].label, pair[1].label
                ));
            }
        }
        out
    }
}

/// A scored indicator of a department framework.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IndicatorDef {
    /// Stable identifier within the framework.
    pub id: String,
    /// The name as tables print it, e.g. 预算完成率.
    pub name: String,
    /// Points.
    pub weight: Decimal,
    /// How it is scored.
    pub rule: Rule,
    /// The data it reads (see [`crate::metrics`]).
    pub binding: String,
    /// How sure we are of its weight and rule.
    pub status: Status,
    /// Where the rule comes from, or why it is provisional.
    pub basis: String,
}

/// A node of a framework's indicator tree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Node {
    /// A group (一级/二级指标) whose weight is the sum of its children's.
    Group {
        /// The group's name.
        name: String,
        /// Its declared weight.
        weight: Decimal,
        /// Its children.
        children: Vec<Node>,
    },
    /// A scored indicator.
    Indicator(IndicatorDef),
}

impl Node {
    /// The node's name.
    pub fn name(&self) -> &str {
        match self {
            Node::Group { name, .. } => name,
            Node::Indicator(i) => &i.name,
        }
    }

    /// The node's declared weight.
    pub fn weight(&self) -> Decimal {
        match self {
            Node::Group { weight, .. } => *weight,
            Node::Indicator(i) => i.weight,
        }
    }
}

/// Which reverse-indicator formula a region uses (RULES.md §1.4.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReverseVariant {
    /// Linear penalty, 0 at twice the target.
    Linear,
    /// Target ÷ actual.
    Inverse,
}

/// How a project self-evaluation is scored (财预〔2020〕10号 style): an execution block,
/// then first-level groups whose indicators each project sets for itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProjectScheme {
    /// Points of the budget-execution block (10 in most places, 20 in some).
    pub execution_weight: Decimal,
    /// Status of the execution rule.
    pub execution_status: Status,
    /// Points of each first-level group.
    pub blocks: Vec<(Level1, Decimal)>,
    /// Which reverse formula applies to ≤ and < indicators.
    pub reverse: ReverseVariant,
    /// When a project sets no satisfaction indicator, its points go to the benefit group.
    pub satisfaction_absent_merges_into_benefit: bool,
    /// Lowest share of the weight for 达成 (0.8).
    pub achieved_floor: Decimal,
    /// Lowest share of the weight for 部分达成 (0.6).
    pub partly_floor: Decimal,
    /// An actual at or above this multiple of the target requires a deviation note (1.3).
    pub overachievement_threshold: Decimal,
}

/// What a framework scores.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scheme {
    /// A fixed indicator tree for a department's overall expenditure (部门整体支出).
    Department(Vec<Node>),
    /// Project expenditure, with indicators set per project (项目支出).
    Project(ProjectScheme),
}

/// An indicator framework: identity, regional details, grading and what is scored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Framework {
    /// Identifier, e.g. `gz-dept-2021`.
    pub id: String,
    /// Version of this file's content.
    pub version: String,
    /// Title, e.g. 部门整体支出绩效自评指标体系.
    pub title: String,
    /// Whether anything in it is unconfirmed; shown in every output that uses it.
    pub provisional: bool,
    /// Where it comes from and what is not confirmed.
    pub note: String,
    /// The declared total of all points (100).
    pub total: Decimal,
    /// How each indicator's score is rounded before totals are summed.
    pub score_rounding: Rounding,
    /// Whether a rate is rounded to two decimals of a percent before it is scored.
    pub round_rate_before_scoring: bool,
    /// Grade bands and labels.
    pub grading: Grading,
    /// What is scored.
    pub scheme: Scheme,
}

/// A problem with a framework, naming the indicator when there is one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FrameworkProblem {
    /// The indicator or group concerned, if any.
    pub indicator: Option<String>,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for FrameworkProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.indicator {
            Some(name) => write!(f, "指标“{name}”：{}", self.message),
            None => f.write_str(&self.message),
        }
    }
}

/// Decimal places of every score.
pub const SCORE_DP: u32 = 2;

impl Framework {
    /// Rounds a raw score as this framework says.
    pub fn round_score(&self, raw: Decimal) -> Decimal {
        self.score_rounding.round(raw, SCORE_DP)
    }

    /// Every problem of the framework: weights that do not add up, rules whose parameters do
    /// not fit their weight, bindings to data that does not exist, duplicate ids.
    ///
    /// `binding_reads` tells what a binding delivers, or `None` for an unknown binding; a
    /// binding that delivers whatever the data says (an assessment) answers `Some(None)`.
    pub fn problems(
        &self,
        binding_reads: impl Fn(&str) -> Option<Option<ObservationKind>>,
    ) -> Vec<FrameworkProblem> {
        let mut out: Vec<FrameworkProblem> = self
            .grading
            .problems()
            .into_iter()
            .map(|message| FrameworkProblem {
                indicator: None,
                message,
            })
            .collect();
        match &self.scheme {
            Scheme::Department(nodes) => {
                let sum: Decimal = nodes.iter().map(Node::weight).sum();
                if sum != self.total {
                    out.push(FrameworkProblem {
                        indicator: None,
                        message: format!(
                            "一级指标分值合计 {} 与声明的总分 {} 不相等",
                            sum.normalize(),
                            self.total.normalize()
                        ),
                    });
                }
                let mut ids = Vec::new();
                for node in nodes {
                    check_node(node, &binding_reads, &mut ids, &mut out);
                }
            }
            // Without blocks, each project splits its points itself (forms whose first-level
            // points vary by project, or that have no first level at all). A form may score no
            // execution at all (0: the rate shown, worth nothing — Hubei's 广水 form).
            Scheme::Project(p) if p.blocks.is_empty() => {
                if p.execution_weight < Decimal::ZERO || p.execution_weight >= self.total {
                    out.push(FrameworkProblem {
                        indicator: None,
                        message: format!(
                            "预算执行分值 {} 应不小于 0 且小于总分 {}",
                            p.execution_weight.normalize(),
                            self.total.normalize()
                        ),
                    });
                }
            }
            Scheme::Project(p) => {
                let sum = p.execution_weight + p.blocks.iter().map(|(_, w)| *w).sum::<Decimal>();
                if sum != self.total {
                    out.push(FrameworkProblem {
                        indicator: None,
                        message: format!(
                            "预算执行 {} 加各一级指标分值合计 {} 与声明的总分 {} 不相等",
                            p.execution_weight.normalize(),
                            (sum - p.execution_weight).normalize(),
                            self.total.normalize()
                        ),
                    });
                }
                // The national three once each; 项目决策 and 项目管理 at most once.
                for level in Level1::ALL {
                    let n = p.blocks.iter().filter(|(l, _)| *l == level).count();
                    if n > 1 || (n == 0 && Level1::NATIONAL.contains(&level)) {
                        out.push(FrameworkProblem {
                            indicator: Some(level.label().into()),
                            message: format!("一级指标应声明一次，实际声明了 {n} 次"),
                        });
                    }
                }
                let band = Rule::QualitativeBand {
                    achieved_floor: p.achieved_floor,
                    partly_floor: p.partly_floor,
                };
                for message in band.problems(Decimal::ONE) {
                    out.push(FrameworkProblem {
                        indicator: None,
                        message,
                    });
                }
            }
        }
        out
    }

    /// The department indicators in tree order, each with the names of its groups.
    pub fn indicators(&self) -> Vec<(Vec<&str>, &IndicatorDef)> {
        fn walk<'a>(
            node: &'a Node,
            path: &mut Vec<&'a str>,
            out: &mut Vec<(Vec<&'a str>, &'a IndicatorDef)>,
        ) {
            match node {
                Node::Group { name, children, .. } => {
                    path.push(name);
                    for child in children {
                        walk(child, path, out);
                    }
                    path.pop();
                }
                Node::Indicator(def) => out.push((path.clone(), def)),
            }
        }
        let mut out = Vec::new();
        if let Scheme::Department(nodes) = &self.scheme {
            for node in nodes {
                walk(node, &mut Vec::new(), &mut out);
            }
        }
        out
    }
}

fn check_node<'a>(
    node: &'a Node,
    binding_reads: &impl Fn(&str) -> Option<Option<ObservationKind>>,
    ids: &mut Vec<&'a str>,
    out: &mut Vec<FrameworkProblem>,
) {
    match node {
        Node::Group {
            name,
            weight,
            children,
        } => {
            if children.is_empty() {
                out.push(FrameworkProblem {
                    indicator: Some(name.clone()),
                    message: "指标组下没有任何指标".into(),
                });
            }
            let sum: Decimal = children.iter().map(Node::weight).sum();
            if sum != *weight {
                out.push(FrameworkProblem {
                    indicator: Some(name.clone()),
                    message: format!(
                        "下级指标分值合计 {} 与本级分值 {} 不相等",
                        sum.normalize(),
                        weight.normalize()
                    ),
                });
            }
            for child in children {
                check_node(child, binding_reads, ids, out);
            }
        }
        Node::Indicator(def) => {
            let mut problem = |message: String| {
                out.push(FrameworkProblem {
                    indicator: Some(def.name.clone()),
                    message,
                })
            };
            if ids.contains(&def.id.as_str()) {
                problem(format!("指标编号“{}”重复", def.id));
            }
            ids.push(&def.id);
            if def.weight <= Decimal::ZERO {
                problem(format!("分值必须大于 0（现为 {}）", def.weight.normalize()));
            }
            for message in def.rule.problems(def.weight) {
                problem(message);
            }
            match binding_reads(&def.binding) {
                None => problem(format!("数据绑定“{}”不存在", def.binding)),
                Some(Some(kind)) if kind != def.rule.reads() => problem(format!(
                    "数据绑定“{}”提供{}，而评分规则 {} 需要{}",
                    def.binding,
                    kind.label(),
                    def.rule.kind_id(),
                    def.rule.reads().label()
                )),
                Some(_) => {}
            }
        }
    }
}
