//! The demo's year of one new project (issue 18): declared by a unit, reviewed by its
//! department and the bureau, assessed ex ante by a panel of three experts, approved, written
//! into the year, its actuals entered and scored — through the same functions the pages call,
//! so `jixiao demo --serve` shows every link of the loop. The figures are the demo's own.

use crate::assessments::{self, AssignCommand, ConcludeCommand, ScoreCommand};
use crate::auth::{Role, User};
use crate::declarations::{self, SaveCommand};
use crate::service::{self, ActualEntry};
use crate::workflow::StepCommand;
use crate::Error;
use jixiao_store::Store;

fn person(name: &str, display: &str, role: Role, department: Option<&str>) -> User {
    User {
        id: 0,
        username: name.into(),
        display_name: display.into(),
        role: Some(role),
        department: department.map(str::to_string),
        assigned: Vec::new(),
        must_change: false,
    }
}

/// Runs the year for `department` (whose dataset of the declaration's year is stored) with the
/// declaration `text`; the experts are the demo accounts `expert1`–`expert3`, which must exist.
/// Returns what was done, line by line, for the terminal.
pub fn the_year(store: &mut dyn Store, department: &str, text: &str) -> Result<Vec<String>, Error> {
    let unit = person(
        "demo-unit",
        "演示单位 填报人",
        Role::DeptEditor,
        Some(department),
    );
    let reviewer = person(
        "demo-dept",
        "演示部门 审核人",
        Role::DeptApprover,
        Some(department),
    );
    let section = person("bureau", "财政局 王敏", Role::BureauAdmin, None);
    let performance = person(
        "performance",
        "财政局绩效管理科 刘洋",
        Role::BureauAdmin,
        None,
    );
    let mut said = Vec::new();
    let step =
        |store: &mut dyn Store, who: &User, id: i64, name: &str, version: i64, comment: &str| {
            declarations::step(
                store,
                who,
                id,
                &StepCommand {
                    step: name.into(),
                    version,
                    comment: comment.into(),
                },
            )
        };
    let d = declarations::save(
        store,
        &unit,
        &SaveCommand {
            department: department.into(),
            id: 0,
            body: text.into(),
            version: 0,
            reason: String::new(),
        },
    )?;
    let review = declarations::review(store, &unit, d.id, None)?;
    said.push(format!(
        "申报：{}（第{}版），自动审核 {}，{} 条意见",
        d.project,
        d.text_number,
        review.grade,
        review.findings.len()
    ));
    let d = step(store, &unit, d.id, "submit", d.version, "")?;
    let d = step(store, &reviewer, d.id, "pass", d.version, "")?;
    let d = step(store, &section, d.id, "pass", d.version, "")?;
    let refused = step(store, &performance, d.id, "approve", d.version, "")
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
    said.push(format!("批复前：{refused}"));
    let panel = [
        ("expert1", ["18", "17", "18", "17", "18"]),
        ("expert2", ["16", "15", "16", "15", "16"]),
        ("expert3", ["19", "18", "19", "18", "19"]),
    ];
    let f = assessments::framework();
    for (name, scores) in panel {
        assessments::assign(
            store.sql(),
            &section,
            d.id,
            &AssignCommand {
                username: name.into(),
            },
        )?;
        let expert = person(name, name, Role::Evaluator, None);
        assessments::score(
            store.sql(),
            &expert,
            d.id,
            &ScoreCommand {
                comment: "论证较充分".into(),
                scores: f
                    .dimensions
                    .iter()
                    .zip(scores)
                    .map(|(dim, s)| (dim.name.clone(), s.to_string()))
                    .collect(),
            },
        )?;
    }
    let v = assessments::conclude(
        store.sql(),
        &section,
        d.id,
        &ConcludeCommand {
            budget: "28".into(),
            suggestions: "按每件100元的标准核定数字化费用，建议预算控制数28万元。".into(),
        },
    )?;
    if let Some(c) = &v.concluded {
        said.push(format!(
            "事前绩效评估：3 位专家，得分 {}{}，{}，建议预算控制数 {} 万元",
            jixiao_domain::number::format_score(c.score),
            if v.flagged {
                "（分歧较大，已标注）"
            } else {
                ""
            },
            c.conclusion_label,
            c.budget_wan
        ));
    }
    let d = step(store, &performance, d.id, "approve", d.version, "")?;
    let code = crate::approved::project_code(d.id);
    said.push(format!(
        "批复：第{}版，写入 {} 年度（项目 {code}）",
        d.approved_number, d.year
    ));
    for (indicator, actual) in [
        ("文书档案数字化", "3120"),
        ("数字化合格率", "99.2"),
        ("完成时间", "11"),
        ("每件数字化成本", "96"),
        ("档案查阅平均用时", "8"),
        ("查阅人员满意度", "93"),
    ] {
        service::set_actual(
            store,
            &unit,
            department,
            d.year,
            &ActualEntry {
                project: code.clone(),
                indicator: indicator.into(),
                actual: actual.into(),
                evidence: "演示数据".into(),
                version: 0,
            },
        )?;
    }
    let se = service::self_evaluation(store, &section, department, d.year)?;
    if let Some(e) = se.projects.iter().find(|e| e.subject == d.project) {
        let inferred = se
            .data
            .projects
            .iter()
            .find(|p| p.code == code)
            .is_some_and(|p| p.executed.origin.is_inferred());
        said.push(format!(
            "年终自评：{} 得分 {}（{}）{}",
            d.project,
            jixiao_domain::number::format_score(e.total),
            e.grade_label,
            if inferred {
                "；执行数尚无支付数据，按 0 推定，预算执行一项不得分"
            } else {
                ""
            }
        ));
    }
    Ok(said)
}
