//! The documents of a target declaration (issue 18), as [`Document`]s for the Word and PDF
//! writers: the 绩效目标申报表, the 审核意见 sheet, and the 事前绩效评估报告 (评估对象基本情况;
//! 评估工作开展情况; 综合评估情况与结论, by dimension; 建议; 其他).

use crate::document::{Block, Document, Table};
use jixiao_domain::number::format_score;
use jixiao_domain::targets::{Criterion, Declaration, ProjectKind, Review};
use rust_decimal::Decimal;

fn kind(d: &Declaration) -> &'static str {
    match d.kind {
        ProjectKind::New => "新增项目",
        ProjectKind::Continuing => "延续项目",
    }
}

fn table(caption: &str, header: &[&str], rows: Vec<Vec<String>>) -> Block {
    Block::Table(Table {
        caption: caption.to_string(),
        unit_note: None,
        header: header.iter().map(|h| h.to_string()).collect(),
        rows,
        spans: Vec::new(),
        notes: Vec::new(),
    })
}

fn basics(d: &Declaration, department: &str) -> Vec<Vec<String>> {
    vec![
        vec!["项目名称".into(), d.project.clone()],
        vec!["申报单位".into(), d.unit_name.clone()],
        vec!["主管部门".into(), department.to_string()],
        vec!["项目属性".into(), kind(d).into()],
        vec!["年度资金总额（万元）".into(), d.funds.format_wan()],
        vec!["年度目标".into(), d.annual_goal.clone()],
        vec![
            "总目标".into(),
            if d.period_goal.is_empty() {
                "—".into()
            } else {
                d.period_goal.clone()
            },
        ],
    ]
}

/// The 项目支出绩效目标申报表: the project's header, its goals and every indicator row.
pub fn declaration_form(d: &Declaration, department: &str) -> Document {
    let rows = d
        .indicators
        .iter()
        .map(|i| {
            vec![
                i.level1.label().to_string(),
                i.level2.clone(),
                i.name.clone(),
                i.value_text.clone(),
                i.weight
                    .map(|w| w.normalize().to_string())
                    .unwrap_or_else(|| "—".into()),
                i.standard.clone(),
            ]
        })
        .collect();
    Document {
        blocks: vec![
            Block::Title(format!("{}年度项目支出绩效目标申报表", d.year)),
            table("表1 项目基本情况", &["项目", "内容"], basics(d, department)),
            table(
                "表2 年度绩效指标",
                &[
                    "一级指标",
                    "二级指标",
                    "三级指标",
                    "指标值",
                    "分值",
                    "评(扣)分标准",
                ],
                rows,
            ),
        ],
    }
}

/// One step of a declaration's review, as the 审核意见 sheet lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReviewStep {
    /// The step (报送审核, 退回修改 …).
    pub step: String,
    /// Who took it.
    pub actor: String,
    /// When, as people here read it.
    pub at: String,
    /// The comment.
    pub comment: String,
}

/// The 绩效目标审核意见: each criterion's verdict, the findings to mend, the grade, and the
/// review's steps with their comments.
pub fn review_opinion(
    d: &Declaration,
    department: &str,
    review: &Review,
    steps: &[ReviewStep],
) -> Document {
    let mut blocks = vec![
        Block::Title(format!("{}绩效目标审核意见", d.project)),
        Block::Paragraph(format!(
            "{}（{}）申报的{}年度“{}”绩效目标，经审核，意见如下。",
            d.unit_name, department, d.year, d.project
        )),
        table(
            "表1 审核结论",
            &["审核内容", "结论"],
            Criterion::ALL
                .iter()
                .map(|c| {
                    let met = review
                        .verdicts
                        .iter()
                        .find(|(v, _)| v == c)
                        .is_some_and(|(_, m)| *m);
                    vec![
                        c.label().0.to_string(),
                        if met { "符合" } else { "不符合" }.to_string(),
                    ]
                })
                .chain(std::iter::once(vec![
                    "综合等级".to_string(),
                    format!("{}（{}）", review.grade, review.outcome),
                ]))
                .collect(),
        ),
        Block::Heading {
            level: 1,
            text: "需修改完善的问题".into(),
        },
    ];
    if review.findings.is_empty() {
        blocks.push(Block::Paragraph("未发现问题。".into()));
    }
    for f in &review.findings {
        blocks.push(Block::NumberedParagraph {
            level: 3,
            text: format!("{}：{}（{}）", f.location, f.message, f.criterion.label().0),
        });
    }
    if !steps.is_empty() {
        blocks.push(Block::Heading {
            level: 1,
            text: "审核过程".into(),
        });
        blocks.push(table(
            "表2 审核记录",
            &["环节", "经办人", "时间", "意见"],
            steps
                .iter()
                .map(|s| {
                    vec![
                        s.step.clone(),
                        s.actor.clone(),
                        s.at.clone(),
                        s.comment.clone(),
                    ]
                })
                .collect(),
        ));
    }
    Document { blocks }
}

/// What the 事前绩效评估报告 states of an assessment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AssessmentFacts {
    /// The framework's title, and whether it is provisional (said under 其他).
    pub framework: String,
    /// Whether the framework is provisional.
    pub provisional: bool,
    /// Each dimension: its name, its points, and each expert's score (in the experts' order;
    /// `None` not scored).
    pub dimensions: Vec<(String, Decimal, Vec<Option<Decimal>>)>,
    /// How many experts scored every dimension.
    pub experts: usize,
    /// The panel's score (the trimmed mean of the experts' totals).
    pub score: Option<Decimal>,
    /// How many totals were dropped.
    pub dropped: usize,
    /// The spread of the totals, and whether it was flagged.
    pub spread: Option<Decimal>,
    /// Whether the spread was flagged.
    pub flagged: bool,
    /// The conclusion (予以支持 …), when concluded.
    pub conclusion: Option<String>,
    /// The suggested budget control figure, 万元 as written.
    pub budget: Option<String>,
    /// The suggestions.
    pub suggestions: String,
    /// Who concluded, and when.
    pub concluded: String,
}

/// The 事前绩效评估报告, in its five parts.
pub fn assessment_report(d: &Declaration, department: &str, a: &AssessmentFacts) -> Document {
    let h = |level: usize, text: &str| Block::Heading {
        level,
        text: text.to_string(),
    };
    let mean = |scores: &[Option<Decimal>]| -> String {
        let given: Vec<Decimal> = scores.iter().flatten().copied().collect();
        if given.is_empty() {
            "—".into()
        } else {
            format_score(given.iter().copied().sum::<Decimal>() / Decimal::from(given.len() as u64))
        }
    };
    let mut blocks = vec![
        Block::Title(format!("{}事前绩效评估报告", d.project)),
        h(1, "评估对象基本情况"),
        table("表1 项目基本情况", &["项目", "内容"], basics(d, department)),
        h(1, "评估工作开展情况"),
        Block::Paragraph(format!(
            "本次评估按“{}”，从{}等{}个方面进行。由{}位专家分别独立评分，专家组得分为各专家合计分{}的平均值{}。",
            a.framework,
            a.dimensions
                .iter()
                .map(|(n, _, _)| n.as_str())
                .collect::<Vec<_>>()
                .join("、"),
            a.dimensions.len(),
            a.experts,
            if a.dropped > 0 {
                "去掉最高分和最低分后"
            } else {
                ""
            },
            if a.flagged {
                format!(
                    "；专家评分最高与最低相差 {} 分，分歧较大，已复核",
                    a.spread.map(|s| s.normalize().to_string()).unwrap_or_default()
                )
            } else {
                String::new()
            }
        )),
        h(1, "综合评估情况与评估结论"),
        table(
            "表2 分项评估得分",
            &["评估维度", "分值", "专家平均得分"],
            a.dimensions
                .iter()
                .map(|(n, w, scores)| vec![n.clone(), w.normalize().to_string(), mean(scores)])
                .chain(std::iter::once(vec![
                    "专家组得分".to_string(),
                    a.dimensions
                        .iter()
                        .map(|(_, w, _)| *w)
                        .sum::<Decimal>()
                        .normalize()
                        .to_string(),
                    a.score.map(format_score).unwrap_or_else(|| "—".into()),
                ]))
                .collect(),
        ),
    ];
    blocks.push(Block::Paragraph(match (&a.conclusion, &a.budget) {
        (Some(c), Some(b)) => format!(
            "评估结论：{c}。建议预算控制数 {b} 万元（申报 {} 万元）。",
            d.funds.format_wan()
        ),
        _ => "尚未作出评估结论。".into(),
    }));
    blocks.push(h(1, "相关建议"));
    blocks.push(Block::Paragraph(if a.suggestions.is_empty() {
        "无。".into()
    } else {
        a.suggestions.clone()
    }));
    blocks.push(h(1, "其他需要说明的问题"));
    blocks.push(Block::Paragraph(format!(
        "{}{}",
        if a.concluded.is_empty() {
            String::new()
        } else {
            format!("评估结论由{}作出。", a.concluded)
        },
        if a.provisional {
            "评估所用指标体系为暂定版本：其分值和结论分数线未见正式文件，由财政部门按本地规定调整。"
        } else {
            ""
        }
    )));
    Document { blocks }
}
