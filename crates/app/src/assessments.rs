//! 事前绩效评估 of a declared project (issue 18): the finance bureau assigns experts (accounts
//! with the 评价人员 role), each expert scores every dimension of the assessment framework on
//! their own, the panel's score is the trimmed mean of their totals (a wide spread flagged), and
//! the bureau concludes — 予以支持 / 调整后予以支持 / 不予支持 by the framework's bands — with a
//! suggested budget control figure. **The gate:** a project that needs an assessment (a new one,
//! or a continuing one from the framework's amount) cannot be approved without a conclusion that
//! supports it ([`gate`], called by the declaration's approval).

use crate::auth::{Role, User};
use crate::declarations;
use crate::Error;
use jixiao_domain::assessment::{AssessmentFramework, Conclusion, Panel};
use jixiao_domain::money::Fen;
use jixiao_domain::target_flow::Stage;
use jixiao_domain::targets::Declaration;
use jixiao_store::sql::Sql;
use rust_decimal::Decimal;
use std::collections::BTreeMap;
use std::str::FromStr;

/// The framework the assessments are scored under (the shipped project framework).
pub fn framework() -> AssessmentFramework {
    jixiao_formats::assessment::project_default()
}

/// An expert's scores as their form or the API sends them: one field per dimension, named as
/// the dimension (`立项必要性=18`), and a comment.
#[derive(Debug, Clone, serde::Deserialize)]
pub struct ScoreCommand {
    /// The expert's remarks.
    #[serde(default)]
    pub comment: String,
    /// Each dimension's score, as typed.
    #[serde(flatten)]
    pub scores: BTreeMap<String, String>,
}

/// The bureau's conclusion: the suggested budget control figure (万元) and the suggestions.
#[derive(Debug, Clone, serde::Deserialize)]
pub struct ConcludeCommand {
    /// 建议预算控制数, in 万元.
    pub budget: String,
    /// 建议.
    #[serde(default)]
    pub suggestions: String,
}

/// An expert assigned to an assessment, to be named by the bureau.
#[derive(Debug, Clone, serde::Deserialize)]
pub struct AssignCommand {
    /// The expert's account.
    pub username: String,
}

/// One expert's scores.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ExpertScores {
    /// The account.
    pub username: String,
    /// Each dimension's score, in the framework's order (`None` not yet scored).
    pub scores: Vec<(String, Option<Decimal>)>,
    /// The total, once every dimension is scored.
    pub total: Option<Decimal>,
    /// Remarks.
    pub comment: String,
}

/// The conclusion as recorded.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Concluded {
    /// The panel's score when concluded.
    pub score: Decimal,
    /// 予以支持 / 调整后予以支持 / 不予支持 (the stored id).
    pub conclusion: String,
    /// Its Chinese name.
    pub conclusion_label: String,
    /// The suggested budget control figure, in 万元 as these documents write it.
    pub budget_wan: String,
    /// The suggestions.
    pub suggestions: String,
    /// Who concluded, and when (UTC).
    pub by: String,
    /// When.
    pub at: String,
}

/// An assessment as the declaration's page shows it.
#[derive(Debug, Clone, serde::Serialize)]
pub struct View {
    /// Whether the project needs one before approval.
    pub needed: bool,
    /// The framework's dimensions and points.
    pub dimensions: Vec<(String, Decimal, String)>,
    /// The experts and their scores.
    pub experts: Vec<ExpertScores>,
    /// The panel's score from the experts who scored every dimension.
    pub panel_score: Option<Decimal>,
    /// How many totals the trimmed mean dropped.
    pub dropped: usize,
    /// The spread of the experts' totals, and whether it is flagged.
    pub spread: Option<Decimal>,
    /// Whether the spread is at or above the framework's flag.
    pub flagged: bool,
    /// What the panel's score gives, before it is concluded.
    pub indicated: Option<String>,
    /// The conclusion, once recorded.
    pub concluded: Option<Concluded>,
}

fn experts_of(sql: &mut dyn Sql, id: i64) -> Result<Vec<String>, Error> {
    Ok(sql
        .query(
            "SELECT username FROM assessment_experts WHERE declaration_id = $1 ORDER BY assigned_at, username",
            &[id.into()],
        )?
        .iter()
        .map(|r| r[0].text().to_string())
        .collect())
}

/// Whether `user` is an expert assigned to the declaration's assessment.
pub fn is_expert(sql: &mut dyn Sql, user: &User, id: i64) -> Result<bool, Error> {
    Ok(user.role == Some(Role::Evaluator) && experts_of(sql, id)?.contains(&user.username))
}

/// The declarations whose assessments `user` is assigned to.
pub fn assigned_to(sql: &mut dyn Sql, user: &User) -> Result<Vec<i64>, Error> {
    if user.role != Some(Role::Evaluator) {
        return Ok(Vec::new());
    }
    Ok(sql
        .query(
            "SELECT declaration_id FROM assessment_experts WHERE username = $1 ORDER BY declaration_id",
            &[user.username.clone().into()],
        )?
        .iter()
        .map(|r| r[0].int())
        .collect())
}

/// The accounts the bureau may assign as experts: active 评价人员 accounts, (username, name).
pub fn candidates(sql: &mut dyn Sql, user: &User) -> Result<Vec<(String, String)>, Error> {
    bureau_only(user)?;
    Ok(crate::auth::users(sql)?
        .into_iter()
        .filter(|a| a.active && a.user.role == Some(Role::Evaluator))
        .map(|a| (a.user.username, a.user.display_name))
        .collect())
}

fn panel_of(f: &AssessmentFramework, experts: &[ExpertScores]) -> Option<Panel> {
    let totals: Vec<Decimal> = experts.iter().filter_map(|e| e.total).collect();
    f.panel(&totals)
}

fn read(sql: &mut dyn Sql, id: i64, declared: &Declaration) -> Result<View, Error> {
    let f = framework();
    let mut experts = Vec::new();
    for username in experts_of(sql, id)? {
        let rows = sql.query(
            "SELECT dimension, score, comment FROM assessment_scores WHERE declaration_id = $1 AND username = $2",
            &[id.into(), username.clone().into()],
        )?;
        let scores: Vec<(String, Option<Decimal>)> = f
            .dimensions
            .iter()
            .map(|d| {
                let v = rows
                    .iter()
                    .find(|r| r[0].text() == d.name)
                    .and_then(|r| Decimal::from_str(r[1].text()).ok());
                (d.name.clone(), v)
            })
            .collect();
        let total = scores
            .iter()
            .map(|s| s.1)
            .sum::<Option<Decimal>>()
            .filter(|_| !rows.is_empty());
        let comment = rows
            .first()
            .map(|r| r[2].text().to_string())
            .unwrap_or_default();
        experts.push(ExpertScores {
            username,
            scores,
            total,
            comment,
        });
    }
    let panel = panel_of(&f, &experts);
    let concluded = sql
        .row(
            "SELECT score, conclusion, budget_fen, suggestions, concluded_by, concluded_at FROM assessments WHERE declaration_id = $1",
            &[id.into()],
        )?
        .map(|r| {
            let c = Conclusion::parse(r[1].text()).unwrap_or(Conclusion::NoSupport);
            Concluded {
                score: Decimal::from_str(r[0].text()).unwrap_or_default(),
                conclusion: c.id().into(),
                conclusion_label: c.label().0.into(),
                budget_wan: Fen(r[2].int()).format_wan(),
                suggestions: r[3].text().into(),
                by: r[4].text().into(),
                at: r[5].text().into(),
            }
        });
    Ok(View {
        needed: f.needs(declared.kind, declared.funds),
        dimensions: f
            .dimensions
            .iter()
            .map(|d| (d.name.clone(), d.weight, d.guide.clone()))
            .collect(),
        experts,
        panel_score: panel.as_ref().map(|p| p.score),
        dropped: panel.as_ref().map_or(0, |p| p.dropped),
        spread: panel.as_ref().map(|p| p.spread),
        flagged: panel.as_ref().is_some_and(|p| p.flagged),
        indicated: panel
            .as_ref()
            .map(|p| f.conclusion(p.score).label().0.to_string()),
        concluded,
    })
}

fn latest_declared(
    sql: &mut dyn Sql,
    id: i64,
) -> Result<(declarations::Record, Declaration), Error> {
    let r = declarations::load(sql, id)?;
    let declared = declarations::parse(&r.latest().body)?;
    Ok((r, declared))
}

/// The assessment of a declaration, for who may read the declaration or is one of its experts.
pub fn view(sql: &mut dyn Sql, user: &User, id: i64) -> Result<View, Error> {
    let (r, declared) = latest_declared(sql, id)?;
    if !user.reads(&r.summary.department) && !is_expert(sql, user, id)? {
        return Err(Error::Forbidden);
    }
    read(sql, id, &declared)
}

fn bureau_only(user: &User) -> Result<(), Error> {
    if user.role == Some(Role::BureauAdmin) {
        Ok(())
    } else {
        Err(Error::Forbidden)
    }
}

fn open_for_assessment(r: &declarations::Record) -> Result<(), Error> {
    if r.summary.stage == Stage::Approved {
        return Err(Error::invalid(
            "该申报已批复，事前绩效评估不能再改动。",
            "The declaration is approved: its assessment can no longer change.",
        ));
    }
    Ok(())
}

/// Assigns an expert (an account with the 评价人员 role) to the assessment: the bureau only.
pub fn assign(sql: &mut dyn Sql, user: &User, id: i64, cmd: &AssignCommand) -> Result<(), Error> {
    bureau_only(user)?;
    let username = cmd.username.trim().to_string();
    let known = crate::auth::users(sql)?
        .into_iter()
        .any(|a| a.active && a.user.username == username && a.user.role == Some(Role::Evaluator));
    if !known {
        return Err(Error::invalid(
            format!("“{username}”不是评价人员账号：专家须先由安全管理员赋予“评价人员”角色。"),
            format!("“{username}” is not an evaluator's account: the security administrator gives experts that role first."),
        ));
    }
    sql.write(|sql| {
        let r = declarations::load(sql, id)?;
        open_for_assessment(&r)?;
        if experts_of(sql, id)?.contains(&username) {
            return Ok(());
        }
        sql.execute(
            "INSERT INTO assessment_experts (declaration_id, username, assigned_by, assigned_at) VALUES ($1, $2, $3, $4)",
            &[id.into(), username.clone().into(), user.actor().into(), jixiao_store::now_utc().into()],
        )?;
        crate::record_change(sql, &user.actor(), "指派事前评估专家", &format!("declaration:{id}"), "", &username)
    })
}

/// An expert's scores, every dimension within its points: replaces the expert's earlier ones
/// until the bureau concludes.
pub fn score(sql: &mut dyn Sql, user: &User, id: i64, cmd: &ScoreCommand) -> Result<View, Error> {
    if !is_expert(sql, user, id)? {
        return Err(Error::Forbidden);
    }
    let f = framework();
    let mut parsed = Vec::new();
    for d in &f.dimensions {
        let typed = cmd.scores.get(&d.name).map(|s| s.trim()).unwrap_or("");
        let v = Decimal::from_str(typed)
            .ok()
            .filter(|v| *v >= Decimal::ZERO && *v <= d.weight);
        let Some(v) = v else {
            return Err(Error::invalid(
                format!(
                    "“{}”的得分应为 0 到 {} 之间的数，填的是“{typed}”。",
                    d.name,
                    d.weight.normalize()
                ),
                format!(
                    "The score of “{}” must be a number from 0 to {}; “{typed}” was sent.",
                    d.name,
                    d.weight.normalize()
                ),
            ));
        };
        parsed.push((d.name.clone(), v));
    }
    sql.write(|sql| {
        let (r, declared) = latest_declared(sql, id)?;
        if !is_expert(sql, user, id)? {
            return Err(Error::Forbidden);
        }
        open_for_assessment(&r)?;
        if sql.row("SELECT 1 FROM assessments WHERE declaration_id = $1", &[id.into()])?.is_some() {
            return Err(Error::invalid(
                "财政局已作出评估结论，评分不能再改动。",
                "The bureau has concluded the assessment: scores can no longer change.",
            ));
        }
        sql.execute(
            "DELETE FROM assessment_scores WHERE declaration_id = $1 AND username = $2",
            &[id.into(), user.username.clone().into()],
        )?;
        let at = jixiao_store::now_utc();
        for (name, v) in &parsed {
            sql.execute(
                "INSERT INTO assessment_scores (declaration_id, username, dimension, score, comment, scored_at) VALUES ($1, $2, $3, $4, $5, $6)",
                &[id.into(), user.username.clone().into(), name.clone().into(), v.to_string().into(), cmd.comment.trim().into(), at.clone().into()],
            )?;
        }
        let total: Decimal = parsed.iter().map(|p| p.1).sum();
        crate::record_change(
            sql,
            &user.actor(),
            "事前评估专家评分",
            &format!("declaration:{id}"),
            "",
            &format!(
                "{} 合计 {}",
                parsed.iter().map(|(n, v)| format!("{n} {}", v.normalize())).collect::<Vec<_>>().join("、"),
                total.normalize()
            ),
        )?;
        read(sql, id, &declared)
    })
}

/// The bureau's conclusion from the panel's score (the framework's bands), with the suggested
/// budget control figure: refused before any expert has scored every dimension.
pub fn conclude(
    sql: &mut dyn Sql,
    user: &User,
    id: i64,
    cmd: &ConcludeCommand,
) -> Result<View, Error> {
    bureau_only(user)?;
    let budget = Decimal::from_str(cmd.budget.trim().replace([',', '，'], "").as_str())
        .ok()
        .and_then(|d| Fen::from_wan(d).ok())
        .filter(|f| f.0 >= 0)
        .ok_or_else(|| {
            Error::invalid(
                format!(
                    "建议预算控制数应为以万元计的金额（如 45.5），填的是“{}”。",
                    cmd.budget.trim()
                ),
                format!(
                    "The suggested budget must be an amount in 万元 (e.g. 45.5); “{}” was sent.",
                    cmd.budget.trim()
                ),
            )
        })?;
    let f = framework();
    sql.write(|sql| {
        let (r, declared) = latest_declared(sql, id)?;
        open_for_assessment(&r)?;
        let view = read(sql, id, &declared)?;
        let Some(panel) = panel_of(&f, &view.experts) else {
            return Err(Error::invalid(
                "还没有专家完成评分，不能作出结论。",
                "No expert has scored every dimension yet: nothing to conclude.",
            ));
        };
        let conclusion = f.conclusion(panel.score);
        sql.execute("DELETE FROM assessments WHERE declaration_id = $1", &[id.into()])?;
        sql.execute(
            "INSERT INTO assessments (declaration_id, framework_id, score, conclusion, budget_fen, suggestions, concluded_by, concluded_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            &[id.into(), f.id.clone().into(), panel.score.to_string().into(), conclusion.id().into(), budget.0.into(), cmd.suggestions.trim().into(), user.actor().into(), jixiao_store::now_utc().into()],
        )?;
        crate::record_change(
            sql,
            &user.actor(),
            "事前绩效评估结论",
            &format!("declaration:{id}"),
            "",
            &format!(
                "{}（{} 位专家，去掉 {} 个，得分 {}），建议预算控制数 {}",
                conclusion.label().0,
                panel.experts,
                panel.dropped,
                jixiao_domain::number::format_score(panel.score),
                budget.format_wan_unit()
            ),
        )?;
        read(sql, id, &declared)
    })
}

/// One action on an assessment, named as its page's and the API's address names it — `experts`
/// ([`AssignCommand`]), `scores` ([`ScoreCommand`]) or `conclusion` ([`ConcludeCommand`]) — with
/// its fields as sent (a form's or a JSON object's): the one entry both front ends call.
pub fn act(
    sql: &mut dyn Sql,
    user: &User,
    id: i64,
    action: &str,
    fields: serde_json::Value,
) -> Result<View, Error> {
    fn read<T: serde::de::DeserializeOwned>(fields: serde_json::Value) -> Result<T, Error> {
        serde_json::from_value(fields).map_err(|e| {
            Error::invalid(
                format!("提交的内容有误：{e}"),
                format!("What was sent is wrong: {e}"),
            )
        })
    }
    match action {
        "experts" => {
            assign(sql, user, id, &read(fields)?)?;
            view(sql, user, id)
        }
        "scores" => score(sql, user, id, &read(fields)?),
        "conclusion" => conclude(sql, user, id, &read(fields)?),
        _ => Err(Error::not_found()),
    }
}

/// **The gate**, inside the approval's transaction: a project that needs an assessment is not
/// approved without a conclusion that supports it.
pub fn gate(sql: &mut dyn Sql, id: i64, declared: &Declaration) -> Result<(), Error> {
    let view = read(sql, id, declared)?;
    if !view.needed {
        return Ok(());
    }
    let (why, why_en) = match &view.concluded {
        None => (
            "尚未作出事前绩效评估结论".to_string(),
            "it has not been concluded yet".to_string(),
        ),
        Some(c) if Conclusion::parse(&c.conclusion).is_some_and(Conclusion::supports) => {
            return Ok(())
        }
        Some(c) => (
            format!("事前绩效评估结论为“{}”", c.conclusion_label),
            format!(
                "its conclusion is “{}”",
                Conclusion::parse(&c.conclusion).map_or("", |c| c.label().1)
            ),
        ),
    };
    let reason = crate::targets::assessment_needed(declared).unwrap_or_default();
    Err(Error::invalid(
        format!("不能批复：该项目（{reason}）须经事前绩效评估并获支持，{why}。"),
        format!(
            "Cannot approve: the project needs an ex-ante assessment that supports it; {why_en}."
        ),
    ))
}
