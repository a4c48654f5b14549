//! Framework files (`jixiao-framework/1`, TOML): reading, validating, and the shipped set.
//!
//! The format is documented in `docs/framework-format.md`.

use crate::problem::{read_toml, Collector, Problem, Problems};
use crate::value::{decimal, decimal_text};
use jixiao_domain::framework::{
    Framework, GradeBand, Grading, IndicatorDef, Node, ProjectScheme, ReverseVariant, Scheme,
    Status,
};
use jixiao_domain::metrics::binding_reads;
use jixiao_domain::number::Rounding;
use jixiao_domain::rule::{Bound, ChecklistItem, Interval, Rule, Side, StepMode, Tier};
use jixiao_domain::Decimal;
use serde::Deserialize;
use std::path::Path;
use toml::Value;

/// The format tag every framework file starts with.
pub const FORMAT: &str = "jixiao-framework/1";

/// The frameworks shipped with jixiao: (id, file name, text).
pub const SHIPPED: [(&str, &str, &str); 8] = [
    shipped!(id: "gz-dept-2021"),
    shipped!(id: "cn-project-2020"),
    shipped!(id: "cq-coefficient-2021"),
    shipped!(id: "exec20-project-2022"),
    shipped!(id: "ah-exec9-project-2022"),
    shipped!(id: "nx-yinchuan-project-2021"),
    shipped!(id: "nx-zhuanxiang-2022"),
    shipped!(id: "own-points-project"),
];

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FileRaw {
    format: String,
    id: String,
    version: String,
    title: String,
    kind: String,
    provisional: bool,
    #[serde(default)]
    note: String,
    total: Value,
    #[serde(default)]
    score_rounding: Option<String>,
    #[serde(default)]
    round_rate_before_scoring: bool,
    #[serde(default)]
    grades: Vec<GradeRaw>,
    #[serde(default)]
    groups: Vec<GroupRaw>,
    #[serde(default)]
    indicators: Vec<IndicatorRaw>,
    #[serde(default)]
    project: Option<ProjectRaw>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct GradeRaw {
    min: Value,
    code: String,
    label: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct GroupRaw {
    path: String,
    weight: Value,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct IndicatorRaw {
    id: String,
    group: String,
    name: String,
    weight: Value,
    rule: String,
    binding: String,
    status: String,
    #[serde(default)]
    basis: String,
    target: Option<Value>,
    threshold: Option<Value>,
    side: Option<String>,
    deduct: Option<Value>,
    step: Option<Value>,
    steps: Option<String>,
    #[serde(default)]
    tiers: Vec<TierRaw>,
    #[serde(default)]
    items: Vec<ItemRaw>,
    #[serde(default)]
    categories: Vec<CategoryRaw>,
    achieved_floor: Option<Value>,
    partly_floor: Option<Value>,
}

#[derive(Deserialize, Clone)]
#[serde(deny_unknown_fields)]
pub(crate) struct TierRaw {
    when: String,
    score: Value,
}

#[derive(Deserialize, Clone)]
#[serde(deny_unknown_fields)]
pub(crate) struct ItemRaw {
    name: String,
    points: Value,
}

#[derive(Deserialize, Clone)]
#[serde(deny_unknown_fields)]
pub(crate) struct CategoryRaw {
    name: String,
    score: Value,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ProjectRaw {
    execution_weight: Value,
    execution_status: String,
    reverse: String,
    satisfaction_absent_merges_into_benefit: bool,
    achieved_floor: Value,
    partly_floor: Value,
    overachievement_threshold: Value,
    blocks: Vec<BlockRaw>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct BlockRaw {
    level1: String,
    weight: Value,
}

/// Parses an interval such as `[0, 5%]`, `(5%, 10%]` or `(20%, +inf)`.
pub fn parse_interval(text: &str) -> Result<Interval, String> {
    let bad =
        || format!("区间应写成 \"[下限, 上限]\" 或 \"(下限, +inf)\" 的形式，实际为 \"{text}\"");
    let t = text.trim();
    let open = t.chars().next().ok_or_else(bad)?;
    let close = t.chars().last().ok_or_else(bad)?;
    let lower_inclusive = match open {
        '[' => true,
        '(' => false,
        _ => return Err(bad()),
    };
    let upper_inclusive = match close {
        ']' => true,
        ')' => false,
        _ => return Err(bad()),
    };
    let inner = &t[open.len_utf8()..t.len() - close.len_utf8()];
    let (lo, hi) = inner.split_once(',').ok_or_else(bad)?;
    let end = |s: &str, inclusive: bool| -> Result<Option<Bound>, String> {
        match s.trim() {
            "-inf" | "−∞" | "-∞" | "+inf" | "inf" | "+∞" | "∞" => Ok(None),
            other => Ok(Some(Bound {
                value: decimal_text(other)?,
                inclusive,
            })),
        }
    };
    Ok(Interval {
        lower: end(lo, lower_inclusive)?,
        upper: end(hi, upper_inclusive)?,
    })
}

fn status(text: &str) -> Result<Status, String> {
    Status::from_id(text)
        .ok_or_else(|| format!("status 应为 confirmed、inferred 或 provisional，实际为“{text}”"))
}

fn required(v: Option<&Value>, key: &str, rule: &str) -> Result<Decimal, String> {
    match v {
        Some(v) => decimal(v),
        None => Err(format!("评分规则 {rule} 需要参数 {key}")),
    }
}

/// A scoring rule as a file writes it: a framework indicator's `rule` and its parameters, or
/// a project indicator's own `rule` table in a dataset (which overrides the default of its
/// kind, issue 16).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RuleRaw {
    pub(crate) kind: String,
    /// The rule as the published table states it (评(扣)分标准), shown with the score.
    #[serde(default)]
    pub(crate) text: String,
    target: Option<Value>,
    threshold: Option<Value>,
    side: Option<String>,
    deduct: Option<Value>,
    step: Option<Value>,
    steps: Option<String>,
    #[serde(default)]
    tiers: Vec<TierRaw>,
    #[serde(default)]
    items: Vec<ItemRaw>,
    #[serde(default)]
    categories: Vec<CategoryRaw>,
    achieved_floor: Option<Value>,
    partly_floor: Option<Value>,
}

/// A project indicator's own rule.
pub(crate) fn own_rule(raw: &RuleRaw) -> Result<Rule, String> {
    rule_from(raw)
}

/// A framework indicator's rule: its `rule` and parameters, as a [`RuleRaw`].
fn rule_of(raw: &IndicatorRaw) -> Result<Rule, String> {
    rule_from(&RuleRaw {
        kind: raw.rule.clone(),
        text: String::new(),
        target: raw.target.clone(),
        threshold: raw.threshold.clone(),
        side: raw.side.clone(),
        deduct: raw.deduct.clone(),
        step: raw.step.clone(),
        steps: raw.steps.clone(),
        tiers: raw.tiers.clone(),
        items: raw.items.clone(),
        categories: raw.categories.clone(),
        achieved_floor: raw.achieved_floor.clone(),
        partly_floor: raw.partly_floor.clone(),
    })
}

fn rule_from(raw: &RuleRaw) -> Result<Rule, String> {
    let kind = raw.kind.as_str();
    Ok(match kind {
        "proportional_capped" => Rule::ProportionalCapped {
            target: raw.target.as_ref().map(decimal).transpose()?,
        },
        "reverse_linear" => Rule::ReverseLinear {
            target: required(raw.target.as_ref(), "target", kind)?,
        },
        "reverse_inverse" => Rule::ReverseInverse {
            target: required(raw.target.as_ref(), "target", kind)?,
        },
        "threshold_deduction" => Rule::ThresholdDeduction {
            threshold: required(raw.threshold.as_ref(), "threshold", kind)?,
            side: match raw.side.as_deref() {
                Some("below") => Side::Below,
                Some("above") => Side::Above,
                other => {
                    return Err(format!(
                        "side 应为 below（低于阈值扣分）或 above（超过阈值扣分），实际为 {other:?}"
                    ))
                }
            },
            deduct: required(raw.deduct.as_ref(), "deduct", kind)?,
            step: required(raw.step.as_ref(), "step", kind)?,
            mode: match raw.steps.as_deref() {
                None | Some("pro_rata") => StepMode::ProRata,
                Some("whole") => StepMode::WholeSteps,
                Some("complete") => StepMode::CompleteSteps,
                Some(other) => {
                    return Err(format!(
                        "steps 应为 pro_rata、whole 或 complete，实际为“{other}”"
                    ))
                }
            },
        },
        "stepped_tiers" => Rule::SteppedTiers {
            tiers: raw
                .tiers
                .iter()
                .map(|t| {
                    Ok(Tier {
                        when: parse_interval(&t.when)?,
                        score: decimal(&t.score)?,
                    })
                })
                .collect::<Result<_, String>>()?,
        },
        "checklist" => Rule::Checklist {
            items: raw
                .items
                .iter()
                .map(|i| {
                    Ok(ChecklistItem {
                        name: i.name.clone(),
                        points: decimal(&i.points)?,
                    })
                })
                .collect::<Result<_, String>>()?,
        },
        "per_violation_deduction" => Rule::PerViolationDeduction {
            deduct: required(raw.deduct.as_ref(), "deduct", kind)?,
        },
        "categorical" => Rule::Categorical {
            categories: raw
                .categories
                .iter()
                .map(|c| Ok((c.name.clone(), decimal(&c.score)?)))
                .collect::<Result<_, String>>()?,
        },
        "qualitative_band" => Rule::QualitativeBand {
            achieved_floor: raw
                .achieved_floor
                .as_ref()
                .map(decimal)
                .transpose()?
                .unwrap_or(Decimal::new(8, 1)),
            partly_floor: raw
                .partly_floor
                .as_ref()
                .map(decimal)
                .transpose()?
                .unwrap_or(Decimal::new(6, 1)),
        },
        "equals_zero" => Rule::EqualsZero,
        "manual" => Rule::Manual,
        other => {
            return Err(format!(
                "未知的评分规则“{other}”，可用的有：{}",
                Rule::KIND_IDS.join("、")
            ))
        }
    })
}

fn build_tree(raw: &FileRaw, c: &mut Collector) -> Vec<Node> {
    // Groups by path; each indicator hangs under the group its `group` names.
    struct Builder {
        path: String,
        weight: Decimal,
        children: Vec<Node>,
    }
    let mut builders: Vec<Builder> = Vec::new();
    for (i, g) in raw.groups.iter().enumerate() {
        let loc = format!("groups[{}]（{}）", i + 1, g.path);
        if builders.iter().any(|b| b.path == g.path) {
            c.push(loc, "指标组重复声明");
            continue;
        }
        if let Some(weight) = c.take(&format!("{loc}.weight"), decimal(&g.weight)) {
            builders.push(Builder {
                path: g.path.clone(),
                weight,
                children: Vec::new(),
            });
        }
    }
    for (i, ind) in raw.indicators.iter().enumerate() {
        let loc = format!("indicators[{}]（{}）", i + 1, ind.name);
        let weight = c.take(&format!("{loc}.weight"), decimal(&ind.weight));
        let rule = c.take(&format!("{loc}.rule"), rule_of(ind));
        let st = c.take(&format!("{loc}.status"), status(&ind.status));
        let Some(builder) = builders.iter_mut().find(|b| b.path == ind.group) else {
            c.push(
                format!("{loc}.group"),
                format!("指标组“{}”没有在 groups 中声明", ind.group),
            );
            continue;
        };
        if let (Some(weight), Some(rule), Some(status)) = (weight, rule, st) {
            builder.children.push(Node::Indicator(IndicatorDef {
                id: ind.id.clone(),
                name: ind.name.clone(),
                weight,
                rule,
                binding: ind.binding.clone(),
                status,
                basis: ind.basis.clone(),
            }));
        }
    }
    // Attach groups to their parents, deepest first, so that each group is complete when it
    // is moved into its parent.
    builders.sort_by_key(|b| std::cmp::Reverse(b.path.matches('/').count()));
    let mut roots: Vec<(usize, Node)> = Vec::new();
    let order: Vec<String> = raw.groups.iter().map(|g| g.path.clone()).collect();
    let position = |path: &str| order.iter().position(|p| p == path).unwrap_or(usize::MAX);
    while !builders.is_empty() {
        let b = builders.remove(0);
        let name = b.path.rsplit('/').next().unwrap_or(&b.path).to_string();
        let node = Node::Group {
            name,
            weight: b.weight,
            children: b.children,
        };
        match b.path.rsplit_once('/') {
            None => roots.push((position(&b.path), node)),
            Some((parent, _)) => match builders.iter_mut().find(|p| p.path == parent) {
                Some(p) => {
                    // Keep children in file order: groups go where they were declared
                    // relative to sibling groups, after the parent's own indicators.
                    p.children.push(node);
                }
                None => c.push(
                    "groups",
                    format!("指标组“{}”的上级“{parent}”没有声明", b.path),
                ),
            },
        }
    }
    roots.sort_by_key(|(pos, _)| *pos);
    let mut roots: Vec<Node> = roots.into_iter().map(|(_, n)| n).collect();
    for root in &mut roots {
        sort_groups(root, &order, "");
    }
    roots
}

fn sort_groups(node: &mut Node, order: &[String], prefix: &str) {
    if let Node::Group { name, children, .. } = node {
        let path = if prefix.is_empty() {
            name.clone()
        } else {
            format!("{prefix}/{name}")
        };
        children.sort_by_key(|child| match child {
            Node::Indicator(_) => (0, 0),
            Node::Group { name, .. } => (
                1,
                order
                    .iter()
                    .position(|p| *p == format!("{path}/{name}"))
                    .unwrap_or(usize::MAX),
            ),
        });
        for child in children {
            sort_groups(child, order, &path);
        }
    }
}

fn project_scheme(p: &ProjectRaw, c: &mut Collector) -> Option<ProjectScheme> {
    let execution_weight = c.take("project.execution_weight", decimal(&p.execution_weight));
    let execution_status = c.take("project.execution_status", status(&p.execution_status));
    let reverse = c.take(
        "project.reverse",
        match p.reverse.as_str() {
            "linear" => Ok(ReverseVariant::Linear),
            "inverse" => Ok(ReverseVariant::Inverse),
            other => Err(format!("reverse 应为 linear 或 inverse，实际为“{other}”")),
        },
    );
    let achieved_floor = c.take("project.achieved_floor", decimal(&p.achieved_floor));
    let partly_floor = c.take("project.partly_floor", decimal(&p.partly_floor));
    let over = c.take(
        "project.overachievement_threshold",
        decimal(&p.overachievement_threshold),
    );
    let mut blocks = Vec::new();
    for (i, b) in p.blocks.iter().enumerate() {
        let loc = format!("project.blocks[{}]", i + 1);
        let level = c.take(&format!("{loc}.level1"), crate::value::level1(&b.level1));
        let weight = c.take(&format!("{loc}.weight"), decimal(&b.weight));
        if let (Some(level), Some(weight)) = (level, weight) {
            blocks.push((level, weight));
        }
    }
    Some(ProjectScheme {
        execution_weight: execution_weight?,
        execution_status: execution_status?,
        blocks,
        reverse: reverse?,
        satisfaction_absent_merges_into_benefit: p.satisfaction_absent_merges_into_benefit,
        achieved_floor: achieved_floor?,
        partly_floor: partly_floor?,
        overachievement_threshold: over?,
    })
}

/// Reads and validates a framework from its text; `file` names it in messages.
pub fn parse(file: &Path, text: &str) -> Result<Framework, Problems> {
    let raw: FileRaw = read_toml(file, text)?;
    let mut c = Collector::new(file);
    c.expect_format(&raw.format, FORMAT);
    let total = c.take("total", decimal(&raw.total));
    let rounding = c.take(
        "score_rounding",
        match raw.score_rounding.as_deref() {
            None => Ok(Rounding::HalfAwayFromZero),
            Some(id) => Rounding::from_id(id).ok_or_else(|| {
                format!(
                    "score_rounding 应为 half_away_from_zero、half_even 或 truncate，实际为“{id}”"
                )
            }),
        },
    );
    let mut bands = Vec::new();
    for (i, g) in raw.grades.iter().enumerate() {
        if let Some(min) = c.take(&format!("grades[{}].min", i + 1), decimal(&g.min)) {
            bands.push(GradeBand {
                min,
                code: g.code.clone(),
                label: g.label.clone(),
            });
        }
    }
    let grading = if raw.grades.is_empty() {
        Grading::national()
    } else {
        Grading::new(bands)
    };
    let scheme = match raw.kind.as_str() {
        "department" => {
            if raw.project.is_some() {
                c.push("project", "部门整体指标体系不应有 [project] 段");
            }
            Some(Scheme::Department(build_tree(&raw, &mut c)))
        }
        "project" => {
            if !raw.indicators.is_empty() || !raw.groups.is_empty() {
                c.push(
                    "indicators",
                    "项目支出指标体系的三级指标由各项目设定，不应在此列出",
                );
            }
            match &raw.project {
                Some(p) => project_scheme(p, &mut c).map(Scheme::Project),
                None => {
                    c.push("project", "项目支出指标体系需要 [project] 段");
                    None
                }
            }
        }
        other => {
            c.push(
                "kind",
                format!("kind 应为 department 或 project，实际为“{other}”"),
            );
            None
        }
    };
    if let (true, Some(total), Some(rounding), Some(scheme)) =
        (c.is_clean(), total, rounding, scheme)
    {
        let fw = Framework {
            id: raw.id,
            version: raw.version,
            title: raw.title,
            provisional: raw.provisional,
            note: raw.note,
            total,
            score_rounding: rounding,
            round_rate_before_scoring: raw.round_rate_before_scoring,
            grading,
            scheme,
        };
        let problems = fw.problems(binding_reads);
        if problems.is_empty() {
            return Ok(fw);
        }
        return Err(Problems(
            problems
                .into_iter()
                .map(|p| Problem {
                    file: file.to_path_buf(),
                    location: p
                        .indicator
                        .map(|i| format!("指标“{i}”"))
                        .unwrap_or_default(),
                    message: p.message,
                })
                .collect(),
        ));
    }
    Err(Problems(c.into_problems()))
}

/// Whether `id` names a shipped framework.
pub fn is_shipped(id: &str) -> bool {
    SHIPPED.iter().any(|(i, _, _)| *i == id)
}

/// The ids of the shipped frameworks, in their order.
pub fn shipped_ids() -> Vec<&'static str> {
    SHIPPED.iter().map(|(id, _, _)| *id).collect()
}

/// A shipped framework by id, or a framework file by path.
pub fn load(id_or_path: &str) -> Result<Framework, Problems> {
    if let Some((_, file, text)) = SHIPPED.iter().find(|(id, _, _)| *id == id_or_path) {
        return parse(Path::new(file), text);
    }
    let path = Path::new(id_or_path);
    match std::fs::read_to_string(path) {
        Ok(text) => parse(path, &text),
        Err(e) => Err(Problems(vec![Problem {
            file: path.to_path_buf(),
            location: String::new(),
            message: format!(
                "既不是内置指标体系（{}），也无法读取该文件：{e}",
                shipped_ids().join("、")
            ),
        }])),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shipped_frameworks_load() {
        for (id, _, _) in SHIPPED {
            let fw = load(id).unwrap_or_else(|e| panic!("{id}: {e}"));
            assert_eq!(fw.id, id);
        }
    }

    #[test]
    fn department_tree_keeps_file_order() {
        let fw = load("gz-dept-2021").unwrap();
        let names: Vec<&str> = fw
            .indicators()
            .iter()
            .map(|(_, d)| d.name.as_str())
            .collect();
        assert_eq!(
            &names[..3],
            [
                "预算完成率",
                "财政拨款收入预决算差异率",
                "一般公共预算支出年度平均执行率"
            ]
        );
        assert_eq!(names.last(), Some(&"服务对象满意度"));
    }

    fn check_rejected(edit: impl Fn(&str) -> String, expect: &[&str]) {
        let text = edit(SHIPPED[0].2);
        let err = parse(Path::new("bad.toml"), &text).expect_err("should be rejected");
        let shown = err.to_string();
        for e in expect {
            assert!(shown.contains(e), "expected “{e}” in:\n{shown}");
        }
    }

    #[test]
    fn rejects_weights_that_do_not_add_up() {
        check_rejected(
            |t| {
                t.replacen("weight = \"10\"\nrule = \"proportional_capped\"\nbinding = \"projects.execution_rate\"", "weight = \"11\"\nrule = \"proportional_capped\"\nbinding = \"projects.execution_rate\"", 1)
            },
            &[
                "bad.toml",
                "预算执行",
                "下级指标分值合计 17 与本级分值 16 不相等",
            ],
        );
    }

    #[test]
    fn rejects_unknown_rule_kind() {
        check_rejected(
            |t| {
                t.replacen(
                    "rule = \"per_violation_deduction\"",
                    "rule = \"per_violation\"",
                    1,
                )
            },
            &[
                "bad.toml",
                "资金使用合规性",
                "未知的评分规则“per_violation”",
            ],
        );
    }

    #[test]
    fn rejects_binding_to_missing_data() {
        check_rejected(
            |t| {
                t.replacen(
                    "department.budget_completion_rate",
                    "department.budget_done",
                    1,
                )
            },
            &[
                "bad.toml",
                "预算完成率",
                "数据绑定“department.budget_done”不存在",
            ],
        );
    }

    #[test]
    fn rejects_checklist_points_off_weight() {
        check_rejected(
            |t| {
                t.replacen(
                    "{ name = \"绩效信息公开\", points = \"1\" }",
                    "{ name = \"绩效信息公开\", points = \"2\" }",
                    1,
                )
            },
            &["预决算信息公开性", "检查项分值合计 5 与权重 4 不相等"],
        );
    }

    #[test]
    fn rejects_bad_toml_with_line() {
        check_rejected(
            |t| t.replacen("total = \"100\"", "total = ", 1),
            &["bad.toml", "第 "],
        );
    }

    #[test]
    fn parses_intervals() {
        let i = parse_interval("(5%, 10%]").unwrap();
        assert!(!i.contains(Decimal::new(5, 2)));
        assert!(i.contains(Decimal::new(10, 2)));
        assert!(parse_interval("(20%, +inf)")
            .unwrap()
            .contains(Decimal::from(5)));
        assert!(parse_interval("5%-10%").is_err());
    }
}
