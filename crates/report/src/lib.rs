//! The narrative self-evaluation report (部门整体支出绩效自评报告), built from a department's
//! year and its evaluation, in the seed's structure, as a [`document::Document`].
//!
//! Architecture invariant: every figure in the report is computed from domain data here or
//! comes from a placeholder filled from data ([`template`]); prose passages are data too.
//! This crate renders Markdown only; Word and PDF writers take the same document tree.
#![warn(missing_docs)]

pub mod document;
pub mod docx;
pub mod html;
pub mod pdf;
pub mod targets;
pub mod template;
pub mod wording;

use document::{Block, Chart, ChartKind, Document, Series, Table};
use jixiao_domain::dataset::DepartmentYear;
use jixiao_domain::evaluate::{inferred_inputs, Evaluation};
use jixiao_domain::framework::Status;
use jixiao_domain::number::{
    format_percent, format_percent_prose, format_score, format_score_prose,
};
use jixiao_domain::org::UnitKind;
use jixiao_domain::Decimal;
use std::fmt::Write as _;

/// Why a report could not be written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportError(pub String);

impl std::fmt::Display for ReportError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for ReportError {}

fn text<'a>(data: &'a DepartmentYear, key: &str) -> Option<&'a str> {
    data.texts
        .get(key)
        .map(String::as_str)
        .filter(|t| !t.trim().is_empty())
}

fn paragraphs(doc: &mut Document, body: &str, data: &DepartmentYear) -> Result<(), ReportError> {
    for para in body.split("\n\n").filter(|p| !p.trim().is_empty()) {
        let filled = template::fill(para.trim(), data, None).map_err(ReportError)?;
        doc.push(Block::Paragraph(filled));
    }
    Ok(())
}

/// How the report describes a project's execution rate.
fn completion_phrase(rate: Decimal) -> &'static str {
    if rate >= Decimal::ONE {
        "已完成本年度预算"
    } else if rate >= Decimal::new(95, 2) {
        "已基本完成本年度预算"
    } else {
        "未完成本年度预算"
    }
}

/// Builds the report. `projects` are the evaluations of projects that have indicators.
pub fn build(
    data: &DepartmentYear,
    eval: &Evaluation,
    projects: &[Evaluation],
) -> Result<Document, ReportError> {
    build_with(data, eval, projects, &wording::Wording::default())
}

/// Builds the report with the sentence patterns of `w` (see [`wording`]).
pub fn build_with(
    data: &DepartmentYear,
    eval: &Evaluation,
    projects: &[Evaluation],
    w: &wording::Wording,
) -> Result<Document, ReportError> {
    let dept = &data.department;
    let year = data.year;
    let mut doc = Document::default();
    let h = |level: usize, t: &str| Block::Heading {
        level,
        text: t.to_string(),
    };
    doc.push(Block::Title(w.fill(
        "title",
        &[("department", &dept.name), ("year", &year.to_string())],
    )));
    if let Some(t) = text(data, "opening") {
        paragraphs(&mut doc, t, data)?;
    }

    // 一、基本情况
    doc.push(h(1, "基本情况"));
    doc.push(h(2, "部门概况"));
    doc.push(h(3, "部门机构设置"));
    let own = dept
        .units
        .iter()
        .find(|u| u.kind == UnitKind::OwnLevel)
        .map_or_else(|| format!("{}（本级）", dept.name), |u| u.name.clone());
    let mut s = w.fill(
        "organs",
        &[
            ("unit", &own),
            ("count", &dept.organs.len().to_string()),
            ("organs", &dept.organs.join("、")),
        ],
    );
    for kind in [UnitKind::Administrative, UnitKind::Institution] {
        let subs: Vec<&str> = dept
            .subordinates()
            .filter(|u| u.kind == kind)
            .map(|u| u.name.as_str())
            .collect();
        if !subs.is_empty() {
            s.push_str(&w.fill(
                "subordinates",
                &[
                    ("kind", kind.label()),
                    ("count", &subs.len().to_string()),
                    ("units", &subs.join("、")),
                ],
            ));
        }
    }
    doc.push(Block::Paragraph(s));
    doc.push(h(3, "职能配置"));
    for f in &dept.functions {
        doc.push(Block::NumberedParagraph {
            level: 4,
            text: f.clone(),
        });
    }
    doc.push(h(2, "年度总体工作和重点工作任务"));
    for task in &data.tasks {
        paragraphs(&mut doc, &task.description, data)?;
    }
    doc.push(h(2, "部门整体收支情况"));
    let fin = &data.finances;
    // One part of the income or the expenditure sentence: its source and its amount.
    let part = |template: &str, source: &str, amount: jixiao_domain::money::Fen| {
        w.fill(
            template,
            &[("source", source), ("amount", &amount.format_wan_unit())],
        )
    };
    let parts: Vec<String> = fin
        .income
        .iter()
        .map(|i| part("income_part", i.source.label(), i.actual.value))
        .collect();
    let mut s = w.fill(
        "income",
        &[
            ("total", &fin.total_income().format_wan_unit()),
            ("parts", &parts.join("，")),
        ],
    );
    let parts: Vec<String> = fin
        .expenditure
        .iter()
        .map(|e| part("expenditure_part", e.source.label(), e.total.value))
        .collect();
    s.push_str(&w.fill(
        "expenditure",
        &[
            ("total", &fin.total_expenditure().format_wan_unit()),
            ("parts", &parts.join("，")),
        ],
    ));
    if let Some(r) = fin.total_expenditure().ratio_to(fin.total_income()) {
        s.push_str(&w.fill("ratio", &[("ratio", &format_percent(r))]));
    }
    if let Some(t) = text(data, "income_expenditure_comment") {
        s.push_str(t);
    }
    doc.push(Block::Paragraph(s));
    if let Some(c) = execution_chart(data) {
        doc.push(Block::Chart(c));
    }
    if let Some(t) = text(data, "performance_management") {
        doc.push(h(2, "部门整体绩效管理情况"));
        paragraphs(&mut doc, t, data)?;
    }

    // 二、绩效自评情况
    doc.push(h(1, "部门整体支出绩效自评情况"));
    doc.push(h(2, "自评得分情况"));
    let mut s = text(data, "evaluation_opening")
        .unwrap_or_default()
        .to_string();
    s.push_str(&w.fill(
        "result",
        &[
            ("grade", &eval.grade_label),
            ("score", &format_score_prose(eval.total)),
        ],
    ));
    let lost: Vec<String> = eval
        .items
        .iter()
        .filter(|i| i.score < i.weight)
        .map(|i| {
            let mut p = w.fill(
                "lost_item",
                &[("name", &i.name), ("score", &format_score_prose(i.score))],
            );
            if i.status != Status::Provisional {
                if let Some(v) = &i.value {
                    p.push_str(&w.fill(
                        "lost_value",
                        &[("name", &i.name), ("value", &v.to_string())],
                    ));
                }
            }
            if let Some(c) = text(data, &format!("comment.{}", i.id)) {
                let _ = write!(p, "，{c}");
            }
            p
        })
        .collect();
    if !lost.is_empty() {
        s.push_str(&w.fill("lost", &[("items", &lost.join("；"))]));
    }
    doc.push(Block::Paragraph(s));
    doc.push(Block::Chart(score_chart(eval)));
    if eval.provisional || eval.items.iter().any(|i| i.uses_inferred()) {
        let provisional: Vec<&str> = eval
            .items
            .iter()
            .filter(|i| i.status == Status::Provisional && i.score < i.weight)
            .map(|i| i.name.as_str())
            .collect();
        let mut note = w.fill(
            "note",
            &[("title", &eval.framework_title), ("id", &eval.framework_id)],
        );
        if eval.provisional {
            note.push_str(&w.fill("note_provisional", &[]));
        }
        if !provisional.is_empty() {
            note.push_str(&w.fill(
                "note_provisional_rules",
                &[("names", &provisional.join("、"))],
            ));
        }
        note.push_str(&w.fill("note_inferred", &[]));
        doc.push(Block::Paragraph(note));
    }
    let completion = eval
        .items
        .iter()
        .find(|i| i.name == "预算完成率")
        .and_then(|i| i.value.as_ref());
    if completion.is_some_and(|q| q.value < Decimal::ONE) {
        if let Some(t) = text(data, "shortfall_reasons") {
            paragraphs(&mut doc, t, data)?;
        }
    }

    doc.push(h(2, "各项工作任务绩效目标完成情况分析"));
    for p in &data.projects {
        let budget = p.budget.full_year();
        let mut s = format!("{}工作：", p.name);
        if !p.summary.is_empty() {
            s.push_str(&template::fill(&p.summary, data, Some(p)).map_err(ReportError)?);
        }
        s.push_str(&w.fill(
            "project",
            &[
                ("year", &year.to_string()),
                ("budget", &wan_marked(budget)),
                ("executed", &wan_marked(&p.executed)),
            ],
        ));
        if let Some(rate) = p.execution_rate() {
            s.push_str(&w.fill(
                "project_rate",
                &[
                    ("rate", &format_percent_prose(rate)),
                    ("completion", completion_phrase(rate)),
                ],
            ));
        } else {
            s.push('。');
        }
        doc.push(Block::Paragraph(s));
    }

    let key: Vec<_> = data.projects.iter().filter(|p| p.key).collect();
    if !key.is_empty() {
        doc.push(h(2, "各重点任务项目支出完成情况分析"));
        for p in key {
            doc.push(h(3, &format!("{}项目", p.name)));
            let budget = p.budget.full_year();
            let adjusted = if p.budget.initial().is_none() || !p.budget.adjustments().is_empty() {
                "（含年中调整数）"
            } else {
                ""
            };
            let mut s = w.fill(
                "key_project",
                &[
                    ("year", &year.to_string()),
                    ("adjusted", adjusted),
                    ("budget", &wan_marked(budget)),
                    ("executed", &wan_marked(&p.executed)),
                ],
            );
            if let Some(rate) = p.execution_rate() {
                s.push_str(&w.fill("key_project_rate", &[("rate", &format_percent_prose(rate))]));
            }
            s.push('。');
            doc.push(Block::Paragraph(s));
            for para in &p.analysis {
                doc.push(Block::Paragraph(
                    template::fill(para, data, Some(p)).map_err(ReportError)?,
                ));
            }
        }
    }
    if let Some(t) = text(data, "achievements") {
        doc.push(h(2, "主要工作成效"));
        paragraphs(&mut doc, t, data)?;
    }

    // 三、存在的问题
    if !data.problems.is_empty() {
        doc.push(h(1, "存在的问题"));
        for p in &data.problems {
            doc.push(h(2, &p.title));
            doc.push(Block::Paragraph(p.detail.clone()));
        }
    }
    // 四、下一步改进措施
    if !data.measures.is_empty() {
        doc.push(h(1, "下一步改进措施"));
        for m in &data.measures {
            doc.push(Block::NumberedParagraph {
                level: 2,
                text: m.text.clone(),
            });
        }
    }

    doc.push(Block::PlainHeading(
        "附表 部门整体支出绩效自评得分表".into(),
    ));
    doc.push(Block::Table(score_table(eval)));
    for pe in projects {
        doc.push(Block::PlainHeading(format!(
            "附表 项目支出绩效自评表（{}）",
            pe.subject
        )));
        let table = match data.projects.iter().find(|p| pe.subject.contains(&p.name)) {
            Some(p) => project_table(pe, p, data)?,
            None => score_table(pe),
        };
        doc.push(Block::Table(table));
    }
    Ok(doc)
}

/// The monthly execution curve of the first funding source with monthly figures, against
/// time progress by day at each month's end; `None` without monthly figures.
pub fn execution_chart(data: &DepartmentYear) -> Option<Chart> {
    let e = data
        .finances
        .expenditure
        .iter()
        .find(|e| e.monthly_cumulative.len() == 12 && e.budget.is_some())?;
    let budget = e.budget.as_ref()?.full_year();
    let hundred = Decimal::ONE_HUNDRED;
    let rates: Vec<Decimal> = e
        .monthly_cumulative
        .iter()
        .map(|m| m.value.ratio_to(budget.value).unwrap_or_default() * hundred)
        .collect();
    let year = data.year;
    let days_in_year = if jixiao_domain::date::is_leap_year(year) {
        366
    } else {
        365
    };
    let mut elapsed = 0;
    let time: Vec<Decimal> = (1..=12)
        .map(|m| {
            elapsed += jixiao_domain::date::days_in_month(year, m);
            Decimal::from(elapsed) * hundred / Decimal::from(days_in_year)
        })
        .collect();
    let inferred =
        budget.origin.is_inferred() || e.monthly_cumulative.iter().any(|m| m.origin.is_inferred());
    Some(Chart {
        caption: format!("图1 {}支出月度累计执行率与序时进度", e.source.label()),
        kind: ChartKind::Line,
        categories: (1..=12).map(|m| format!("{m}月")).collect(),
        series: vec![
            Series {
                name: "累计执行率".into(),
                values: rates,
            },
            Series {
                name: "序时进度".into(),
                values: time,
            },
        ],
        unit: "%".into(),
        max: hundred,
        note: inferred.then(|| {
            "注：月度累计支出或全年预算含推定数（见数据集说明），执行率随之为推定值。".to_string()
        }),
    })
}

/// Each indicator's score against its points.
pub fn score_chart(eval: &Evaluation) -> Chart {
    let max = eval
        .items
        .iter()
        .map(|i| i.weight)
        .max()
        .unwrap_or(Decimal::ONE_HUNDRED);
    Chart {
        caption: "图2 各项指标得分与分值".into(),
        kind: ChartKind::Bar,
        categories: eval.items.iter().map(|i| i.name.clone()).collect(),
        series: vec![
            Series {
                name: "分值".into(),
                values: eval.items.iter().map(|i| i.weight).collect(),
            },
            Series {
                name: "得分".into(),
                values: eval.items.iter().map(|i| i.score).collect(),
            },
        ],
        unit: "分".into(),
        max,
        note: None,
    }
}

/// An amount in 万元 with its unit, marked （推定） when inferred, as the narrative writes it.
fn wan_marked(f: &jixiao_domain::provenance::Sourced<jixiao_domain::money::Fen>) -> String {
    format!("{}{}", f.value.format_wan_unit(), f.origin.mark())
}

/// A project's self-evaluation table in the layout of the MoF template attached to
/// 财预〔2020〕10号 (RULES.md §1.8): project, department and unit; funds with the execution
/// rate and its score; the annual goal and what was achieved; each three-level indicator with
/// its target, actual value, points, score and the deviation note; the total. How each score
/// was reached follows as notes, so that every number explains itself.
pub fn project_table(
    pe: &Evaluation,
    p: &jixiao_domain::project::Project,
    data: &DepartmentYear,
) -> Result<Table, ReportError> {
    let item = |name: &str| pe.items.iter().find(|i| i.id == name || i.name == name);
    let unit = p
        .unit
        .as_ref()
        .and_then(|u| data.department.unit(u))
        .map_or_else(|| data.department.name.clone(), |u| u.name.clone());
    let wan = |f: &jixiao_domain::provenance::Sourced<jixiao_domain::money::Fen>| {
        format!("{}{}", f.value.format_wan(), f.origin.mark())
    };
    let budget = p.budget.full_year();
    let initial = p.budget.initial().map_or_else(|| "—".to_string(), wan);
    let exec = item("execution_rate");
    let rate = p
        .execution_rate()
        .map_or_else(|| "—".to_string(), format_percent);
    let achieved = if p.summary.is_empty() {
        "见下列绩效指标完成情况".to_string()
    } else {
        template::fill(&p.summary, data, Some(p)).map_err(ReportError)?
    };
    let mut rows: Vec<Vec<String>> = Vec::new();
    let mut spans: Vec<Vec<usize>> = Vec::new();
    let mut push = |cells: Vec<String>, s: Vec<usize>| {
        rows.push(cells);
        spans.push(s);
    };
    push(vec!["项目名称".into(), p.name.clone()], vec![1, 8]);
    push(
        vec![
            "主管部门".into(),
            data.department.name.clone(),
            "实施单位".into(),
            unit,
        ],
        vec![1, 4, 1, 3],
    );
    push(
        [
            "项目资金（万元）",
            "年初预算数",
            "全年预算数",
            "全年执行数",
            "分值",
            "执行率",
            "得分",
        ]
        .map(String::from)
        .to_vec(),
        vec![3, 1, 1, 1, 1, 1, 1],
    );
    push(
        vec![
            "年度资金总额".into(),
            initial,
            wan(budget),
            wan(&p.executed),
            exec.map_or_else(|| "—".into(), |i| format_score(i.weight)),
            rate,
            exec.map_or_else(|| "—".into(), |i| format_score(i.score)),
        ],
        vec![3, 1, 1, 1, 1, 1, 1],
    );
    push(
        ["年度总体目标", "预期目标", "实际完成情况"]
            .map(String::from)
            .to_vec(),
        vec![1, 4, 4],
    );
    push(vec![String::new(), p.goal.clone(), achieved], vec![1, 4, 4]);
    push(
        [
            "绩效指标",
            "一级指标",
            "二级指标",
            "三级指标",
            "年度指标值",
            "实际完成值",
            "分值",
            "得分",
            "偏差原因分析及改进措施",
        ]
        .map(String::from)
        .to_vec(),
        vec![1; 9],
    );
    // A value with its unit, then its inferred mark: ≥4529件（推定）.
    let number = |v: &jixiao_domain::provenance::Sourced<Decimal>, unit: &str| {
        format!("{}{unit}{}", v.value.normalize(), v.origin.mark())
    };
    for ind in &p.indicators {
        let scored = item(&ind.name);
        let target = ind.target.as_ref().map_or_else(
            || "定性".to_string(),
            |t| format!("{}{}", ind.operator.symbol(), number(t, &ind.unit)),
        );
        let actual = match (&ind.actual, &ind.judgement) {
            (Some(a), _) => number(a, &ind.unit),
            (None, Some(j)) => j.level.label().to_string(),
            _ => "—".into(),
        };
        push(
            vec![
                String::new(),
                ind.level1.label().to_string(),
                ind.level2.clone(),
                ind.name.clone(),
                target,
                actual,
                format!(
                    "{}{}",
                    format_score(ind.weight.value),
                    ind.weight.origin.mark()
                ),
                scored.map_or_else(|| "—".into(), |i| format_score(i.score)),
                ind.deviation_note.clone().unwrap_or_default(),
            ],
            vec![1; 9],
        );
    }
    push(
        vec![
            "总分".into(),
            format_score(pe.max_total),
            format_score(pe.total),
            format!("评价等级：{}", pe.grade_label),
        ],
        vec![6, 1, 1, 1],
    );
    let mut notes: Vec<String> = pe
        .items
        .iter()
        .map(|i| {
            let mut n = format!("{}：{}", i.name, i.working);
            if let Some(r) = &i.loss_reason {
                let _ = write!(n, "；扣分原因：{r}");
            }
            n
        })
        .collect();
    notes.extend(score_table(pe).notes);
    Ok(Table {
        caption: format!("项目支出绩效自评表（{}年度）", data.year),
        unit_note: None,
        header: Vec::new(),
        rows,
        spans,
        notes,
    })
}

/// The score table of an evaluation: each indicator with its value, weight, score, points
/// lost and the working; notes list provisional rules and inferred inputs.
pub fn score_table(eval: &Evaluation) -> Table {
    let mut rows = Vec::new();
    for item in &eval.items {
        let mut name = item.name.clone();
        name.push_str(item.status.mark());
        let mut explain = item.working.clone();
        if let Some(r) = &item.loss_reason {
            let _ = write!(explain, "；扣分原因：{r}");
        }
        rows.push(vec![
            item.groups.join("/"),
            name,
            format!(
                "{}{}",
                item.value_text(),
                if item.uses_inferred() {
                    "（含推定数）"
                } else {
                    ""
                }
            ),
            format_score(item.weight),
            format_score(item.score),
            format_score(item.lost()),
            explain,
        ]);
    }
    rows.push(vec![
        "合计".into(),
        String::new(),
        String::new(),
        format_score(eval.max_total),
        format_score(eval.total),
        format_score(eval.lost()),
        format!("评价等级：{}", eval.grade_label),
    ]);
    let mut notes = Vec::new();
    if eval.provisional {
        notes.push(format!(
            "指标体系“{}”为暂定：{}",
            eval.framework_id, eval.framework_note
        ));
    }
    for item in &eval.items {
        if item.status == Status::Provisional {
            notes.push(format!("{}（暂定）：{}", item.name, item.basis));
        }
    }
    for (values, reason) in inferred_inputs(eval) {
        notes.push(format!("推定数 {values}：{reason}"));
    }
    notes.extend(eval.warnings.iter().cloned());
    Table {
        spans: Vec::new(),
        caption: format!("{}（{}）", eval.subject, eval.framework_title),
        unit_note: None,
        header: [
            "指标组",
            "指标",
            "指标值",
            "分值",
            "得分",
            "扣分",
            "计分说明",
        ]
        .map(String::from)
        .to_vec(),
        rows,
        notes,
    }
}
