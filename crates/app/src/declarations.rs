//! Performance-target declarations in the store and their review (绩效目标申报与审核, issue 18):
//! a unit saves its declaration (`jixiao-declaration/1`), every save kept as a numbered text;
//! it submits; the 主管部门, the bureau's 业务科室 and its 绩效管理科 pass, return or approve it
//! (the stages and steps are `jixiao_domain::target_flow`). Every save and step checks the
//! version the user saw, is refused when stale, and is one transaction with its audit entry.
//! The approved text is frozen; a later save is an adjustment (目标调整) that needs a reason and
//! its own approval, while the approved text stays in force.

use crate::auth::{Role, User};
use crate::service::{must_edit, must_read};
use crate::workflow::StepCommand;
use crate::Error;
use jixiao_domain::target_flow::{Desk, Stage, Step};
use jixiao_domain::targets::{Declaration, Review};
use jixiao_store::sql::Sql;
use jixiao_store::Store;
use std::path::Path;

/// A declaration's text as a clerk saves it: the one command of the declaration page's form and
/// of `POST /api/declarations` (`id` 0 for a new one).
#[derive(Debug, Clone, serde::Deserialize)]
pub struct SaveCommand {
    /// The department it is declared under.
    pub department: String,
    /// The declaration to save a new text of; 0 (or absent) declares a new project.
    #[serde(default)]
    pub id: i64,
    /// The text (`jixiao-declaration/1`).
    pub body: String,
    /// The version the form was drawn at (a stale one is refused).
    #[serde(default)]
    pub version: i64,
    /// Why, when the text in force is being adjusted (目标调整).
    #[serde(default)]
    pub reason: String,
}

/// Which declarations a list shows: the page's and the API's query (`?year=`).
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct ListQuery {
    /// Only this budget year.
    pub year: Option<i32>,
}

/// A declaration as lists show it.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Summary {
    /// Its id.
    pub id: i64,
    /// The department's code.
    pub department: String,
    /// The budget year.
    pub year: i32,
    /// 项目名称.
    pub project: String,
    /// 申报单位.
    pub unit_name: String,
    /// Where it stands (its id in JSON).
    #[serde(serialize_with = "stage_id")]
    pub stage: Stage,
    /// Moved on by every save and step.
    pub version: i64,
    /// The latest text's number.
    pub text_number: i64,
    /// The approved text's number (0: none yet).
    pub approved_number: i64,
    /// Who submitted the text under review.
    pub submitted_by: String,
    /// Who passed it at the 业务科室.
    pub passed_by: String,
    /// Who changed it last, and when (UTC).
    pub updated_by: String,
    /// When.
    pub updated_at: String,
}

/// One saved text.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Text {
    /// Its number, from 1.
    pub number: i64,
    /// The text.
    pub body: String,
    /// An adjustment's reason.
    pub reason: String,
    /// Who saved it.
    pub saved_by: String,
    /// When (UTC).
    pub saved_at: String,
}

/// One step taken.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Event {
    /// The step's id.
    pub step: String,
    /// From which stage.
    #[serde(serialize_with = "stage_id")]
    pub from: Stage,
    /// To which.
    #[serde(serialize_with = "stage_id")]
    pub to: Stage,
    /// The text it was taken on.
    pub text_number: i64,
    /// Who.
    pub actor: String,
    /// When (UTC).
    pub at: String,
    /// The comment (a return's reasons).
    pub comment: String,
}

/// A declaration with its texts and its steps.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Record {
    /// Where it stands.
    pub summary: Summary,
    /// Every saved text, oldest first.
    pub texts: Vec<Text>,
    /// Every step, oldest first.
    pub events: Vec<Event>,
}

impl Record {
    /// The latest text.
    pub fn latest(&self) -> &Text {
        self.texts
            .last()
            .expect("a declaration has at least one text")
    }

    /// The text of a number.
    pub fn text(&self, number: i64) -> Option<&Text> {
        self.texts.iter().find(|t| t.number == number)
    }
}

fn stage_id<S: serde::Serializer>(stage: &Stage, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(stage.id())
}

const COLUMNS: &str = "id, department_code, year, project_name, unit_name, stage, version, \
     text_number, approved_number, submitted_by, passed_by, updated_by, updated_at";

fn summary(r: &[jixiao_store::sql::Value]) -> Summary {
    Summary {
        id: r[0].int(),
        department: r[1].text().into(),
        year: r[2].int() as i32,
        project: r[3].text().into(),
        unit_name: r[4].text().into(),
        stage: Stage::parse(r[5].text()).unwrap_or(Stage::Draft),
        version: r[6].int(),
        text_number: r[7].int(),
        approved_number: r[8].int(),
        submitted_by: r[9].text().into(),
        passed_by: r[10].text().into(),
        updated_by: r[11].text().into(),
        updated_at: r[12].text().into(),
    }
}

/// Reads a declaration's text (the problems name it 申报表).
pub fn parse(body: &str) -> Result<Declaration, Error> {
    jixiao_formats::declaration::parse(Path::new("申报表"), body).map_err(Error::Input)
}

pub(crate) fn load(sql: &mut dyn Sql, id: i64) -> Result<Record, Error> {
    let row = sql
        .row(
            &format!("SELECT {COLUMNS} FROM declarations WHERE id = $1"),
            &[id.into()],
        )?
        .ok_or_else(|| Error::NotFound(format!("找不到编号为 {id} 的绩效目标申报")))?;
    let texts = sql
        .query(
            "SELECT number, body, reason, saved_by, saved_at FROM declaration_texts \
             WHERE declaration_id = $1 ORDER BY number",
            &[id.into()],
        )?
        .iter()
        .map(|r| Text {
            number: r[0].int(),
            body: r[1].text().into(),
            reason: r[2].text().into(),
            saved_by: r[3].text().into(),
            saved_at: r[4].text().into(),
        })
        .collect();
    let events = sql
        .query(
            "SELECT step, from_stage, to_stage, text_number, actor, at, comment FROM declaration_events \
             WHERE declaration_id = $1 ORDER BY seq",
            &[id.into()],
        )?
        .iter()
        .map(|r| Event {
            step: r[0].text().into(),
            from: Stage::parse(r[1].text()).unwrap_or(Stage::Draft),
            to: Stage::parse(r[2].text()).unwrap_or(Stage::Draft),
            text_number: r[3].int(),
            actor: r[4].text().into(),
            at: r[5].text().into(),
            comment: r[6].text().into(),
        })
        .collect();
    Ok(Record {
        summary: summary(&row),
        texts,
        events,
    })
}

/// A declaration, with its texts and steps, for a user who may read its department.
pub fn get(sql: &mut dyn Sql, user: &User, id: i64) -> Result<Record, Error> {
    let r = load(sql, id)?;
    if !crate::assessments::is_expert(sql, user, id)? {
        must_read(user, &r.summary.department)?;
    }
    Ok(r)
}

/// The declarations of `year` (every year when `None`) that `user` may read, by department and
/// project.
pub fn list(sql: &mut dyn Sql, user: &User, year: Option<i32>) -> Result<Vec<Summary>, Error> {
    let rows = match year {
        Some(y) => sql.query(
            &format!("SELECT {COLUMNS} FROM declarations WHERE year = $1 ORDER BY department_code, project_name"),
            &[y.into()],
        )?,
        None => sql.query(
            &format!("SELECT {COLUMNS} FROM declarations ORDER BY year DESC, department_code, project_name"),
            &[],
        )?,
    };
    let assigned = crate::assessments::assigned_to(sql, user)?;
    Ok(rows
        .iter()
        .map(|r| summary(r))
        .filter(|s| user.reads(&s.department) || assigned.contains(&s.id))
        .collect())
}

fn stale(s: &Summary) -> Error {
    Error::stale(
        format!(
            "该申报已被 {} 于 {} 改动（现为“{}”），您看到的是旧版本，操作未执行。请刷新后再试。",
            s.updated_by,
            s.updated_at,
            s.stage.label().0
        ),
        format!(
            "{} changed this declaration at {} (now “{}”); you saw an older version and nothing was done. Reload and try again.",
            s.updated_by,
            s.updated_at,
            s.stage.label().1
        ),
    )
}

/// Saves a declaration's text: a new declaration (`id` 0) or a new numbered text of one the user
/// may edit, while it is a draft, returned, or approved (then an adjustment: a reason is needed,
/// the stage goes back to draft, and the approved text stays in force until the adjustment is
/// approved). Refused when the text does not read, when another declaration of the department's
/// year has the project's name, or when the user's version is stale. Returns the declaration.
pub fn save(store: &mut dyn Store, user: &User, cmd: &SaveCommand) -> Result<Summary, Error> {
    must_edit(user, &cmd.department)?;
    let declared = parse(&cmd.body)?;
    let actor = user.actor();
    let at = jixiao_store::now_utc();
    store.sql().write(|sql| {
        crate::lock(sql, &format!("declaration/{}", cmd.department))?;
        let same_name = sql
            .row(
                "SELECT id FROM declarations WHERE department_code = $1 AND year = $2 AND project_name = $3",
                &[cmd.department.clone().into(), declared.year.into(), declared.project.clone().into()],
            )?
            .map(|r| r[0].int());
        if same_name.is_some_and(|other| other != cmd.id) {
            return Err(Error::invalid(
                format!(
                    "{}年度已有名为“{}”的项目申报：请在该申报的页面修改，或换一个项目名称。",
                    declared.year, declared.project
                ),
                format!(
                    "A declaration of “{}” for {} exists: change that one, or name the project otherwise.",
                    declared.project, declared.year
                ),
            ));
        }
        let (id, number, before) = if cmd.id == 0 {
            if cmd.version != 0 {
                return Err(Error::stale(
                    "该申报已不存在，操作未执行。请刷新后再试。",
                    "The declaration no longer exists; nothing was done. Reload and try again.",
                ));
            }
            (insert_new(sql, &cmd.department, &declared, &actor, &at)?, 1, String::new())
        } else {
            let now = load(sql, cmd.id)?.summary;
            if now.department != cmd.department {
                return Err(Error::Forbidden);
            }
            if now.version != cmd.version {
                return Err(stale(&now));
            }
            if !now.stage.editable() {
                return Err(Error::invalid(
                    format!("该申报“{}”，审核期间不能修改；如需修改，请审核人退回。", now.stage.label().0),
                    format!("The declaration is “{}”: it cannot change under review; ask the reviewer to return it.", now.stage.label().1),
                ));
            }
            if now.stage == Stage::Approved && cmd.reason.trim().is_empty() {
                return Err(Error::invalid(
                    "该申报已批复：调整绩效目标须写明调整原因，调整后须重新报送审核，批复前原目标继续有效。",
                    "The declaration is approved: adjusting its targets needs a reason, and the adjustment goes through review again; the approved targets stay in force until then.",
                ));
            }
            let number = now.text_number + 1;
            let changed = sql.execute(
                "UPDATE declarations SET project_name = $1, unit_name = $2, stage = 'draft', version = version + 1, \
                 text_number = $3, updated_by = $4, updated_at = $5 WHERE id = $6 AND version = $7",
                &[declared.project.clone().into(), declared.unit_name.clone().into(), number.into(), actor.clone().into(), at.clone().into(), cmd.id.into(), cmd.version.into()],
            )?;
            if changed != 1 {
                return Err(stale(&now));
            }
            (cmd.id, number, format!("第{}版（{}）", now.text_number, now.stage.id()))
        };
        sql.execute(
            "INSERT INTO declaration_texts (declaration_id, number, body, reason, saved_by, saved_at) VALUES ($1, $2, $3, $4, $5, $6)",
            &[id.into(), number.into(), cmd.body.clone().into(), cmd.reason.trim().into(), actor.clone().into(), at.clone().into()],
        )?;
        crate::record_change(
            sql,
            &actor,
            if cmd.reason.trim().is_empty() { "保存绩效目标申报" } else { "调整绩效目标" },
            &format!("declaration:{id}"),
            &before,
            &format!("{}/{} {} 第{number}版{}", cmd.department, declared.year, declared.project,
                if cmd.reason.trim().is_empty() { String::new() } else { format!("：{}", cmd.reason.trim()) }),
        )?;
        Ok(load(sql, id)?.summary)
    })
}

/// Where an approved project's targets came from, for the self-evaluation page: the approved
/// text and every adjustment (目标调整) approved since the first, with its date and reason.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Provenance {
    /// The declaration.
    pub id: i64,
    /// The number of the text in force.
    pub approved_number: i64,
    /// When it was approved (UTC).
    pub approved_at: String,
    /// The adjustments approved: (text number, when saved, reason).
    pub adjustments: Vec<(i64, String, String)>,
}

/// The approved declarations of a department's year, by their projects' codes in that year.
pub fn approved_in_year(
    sql: &mut dyn Sql,
    user: &User,
    department: &str,
    year: i32,
) -> Result<Vec<(String, Provenance)>, Error> {
    must_read(user, department)?;
    let ids: Vec<i64> = sql
        .query(
            "SELECT id FROM declarations WHERE department_code = $1 AND year = $2 AND approved_number > 0 ORDER BY id",
            &[department.into(), year.into()],
        )?
        .iter()
        .map(|r| r[0].int())
        .collect();
    let mut out = Vec::new();
    for id in ids {
        let r = load(sql, id)?;
        let approvals: Vec<&Event> = r
            .events
            .iter()
            .filter(|e| e.step == Step::Approve.id())
            .collect();
        let adjustments = approvals
            .iter()
            .skip(1)
            .filter_map(|e| r.text(e.text_number))
            .map(|t| (t.number, t.saved_at.clone(), t.reason.clone()))
            .collect();
        out.push((
            crate::approved::project_code(id),
            Provenance {
                id,
                approved_number: r.summary.approved_number,
                approved_at: approvals.last().map(|e| e.at.clone()).unwrap_or_default(),
                adjustments,
            },
        ));
    }
    Ok(out)
}

/// A new declaration's row (a draft at its first text, version 1); its id.
fn insert_new(
    sql: &mut dyn Sql,
    department: &str,
    declared: &Declaration,
    actor: &str,
    at: &str,
) -> Result<i64, Error> {
    sql.execute(
        "INSERT INTO declarations (department_code, year, project_name, unit_name, stage, version, text_number, updated_by, updated_at) \
         VALUES ($1, $2, $3, $4, 'draft', 1, 1, $5, $6)",
        &[department.into(), declared.year.into(), declared.project.clone().into(), declared.unit_name.clone().into(), actor.into(), at.into()],
    )?;
    Ok(sql
        .row(
            "SELECT id FROM declarations WHERE department_code = $1 AND year = $2 AND project_name = $3",
            &[department.into(), declared.year.into(), declared.project.clone().into()],
        )?
        .map_or(0, |r| r[0].int()))
}

/// Declarations read from a 申报表 workbook, saved as new drafts of `department` in one
/// transaction — all or none: a project whose name the department's year already has, or has
/// twice in the workbook, refuses the whole import, naming each. Returns them, in order.
pub fn import(
    store: &mut dyn Store,
    user: &User,
    department: &str,
    declarations: &[Declaration],
) -> Result<Vec<Summary>, Error> {
    must_edit(user, department)?;
    let actor = user.actor();
    let at = jixiao_store::now_utc();
    store.sql().write(|sql| {
        crate::lock(sql, &format!("declaration/{department}"))?;
        let mut taken: std::collections::HashSet<(i32, String)> = sql
            .query(
                "SELECT year, project_name FROM declarations WHERE department_code = $1",
                &[department.into()],
            )?
            .iter()
            .map(|r| (r[0].int() as i32, r[1].text().to_string()))
            .collect();
        let clashes: Vec<String> = declarations
            .iter()
            .filter(|d| !taken.insert((d.year, d.project.clone())))
            .map(|d| format!("{}年度“{}”", d.year, d.project))
            .collect();
        if !clashes.is_empty() {
            // The first twenty by name, then how many more: a clerk fixes a sheet from a list
            // they can read.
            let shown = clashes.iter().take(20).cloned().collect::<Vec<_>>().join("、");
            let more = match clashes.len() {
                n if n > 20 => format!(" 等 {n} 项"),
                _ => String::new(),
            };
            return Err(Error::invalid(
                format!("以下项目已有申报或在表中重复，未导入任何申报：{shown}{more}"),
                format!("{} projects are declared already or twice; nothing was imported.", clashes.len()),
            ));
        }
        let mut ids = Vec::with_capacity(declarations.len());
        for d in declarations {
            let id = insert_new(sql, department, d, &actor, &at)?;
            sql.execute(
                "INSERT INTO declaration_texts (declaration_id, number, body, reason, saved_by, saved_at) VALUES ($1, 1, $2, '', $3, $4)",
                &[id.into(), jixiao_formats::declaration::to_text(d).into(), actor.clone().into(), at.clone().into()],
            )?;
            ids.push(id);
        }
        crate::record_change(
            sql,
            &actor,
            "导入绩效目标申报表",
            &format!("declarations:{department}"),
            "",
            &format!("{} 个项目（申报 {}–{}）", ids.len(), ids.first().unwrap_or(&0), ids.last().unwrap_or(&0)),
        )?;
        ids.iter().map(|id| Ok(load(sql, *id)?.summary)).collect()
    })
}

/// Whether `user` sits at `desk` for `department`'s declarations.
pub fn sits_at(user: &User, desk: Desk, department: &str) -> bool {
    let own = user.department.as_deref() == Some(department);
    match desk {
        Desk::Unit => user.edits(department),
        Desk::Department => user.role == Some(Role::DeptApprover) && own,
        Desk::Section | Desk::Performance => user.role == Some(Role::BureauAdmin),
    }
}

/// Takes a step of the review: by the desk that holds the declaration, from the version the user
/// saw, with a comment when returning. Nobody passes or approves a text they submitted, and the
/// 绩效管理科 approval is by someone other than who passed it at the 业务科室.
pub fn step(
    store: &mut dyn Store,
    user: &User,
    id: i64,
    cmd: &StepCommand,
) -> Result<Summary, Error> {
    let step = Step::parse(&cmd.step).ok_or_else(|| {
        Error::invalid(
            format!("未知的操作“{}”。", cmd.step),
            format!("Unknown step “{}”.", cmd.step),
        )
    })?;
    let actor = user.actor();
    store.sql().write(|sql| {
        crate::lock(sql, &format!("declaration/{id}"))?;
        let now = load(sql, id)?.summary;
        must_read(user, &now.department)?;
        if !sits_at(user, now.stage.desk(), &now.department) {
            return Err(Error::Forbidden);
        }
        if now.version != cmd.version {
            return Err(stale(&now));
        }
        let Some(to) = step.to(now.stage) else {
            return Err(Error::invalid(
                format!("该申报现为“{}”，不能“{}”。", now.stage.label().0, step.label().0),
                format!("The declaration is “{}”: “{}” is not possible now.", now.stage.label().1, step.label().1),
            ));
        };
        if matches!(step, Step::Pass | Step::Approve) && now.submitted_by == actor {
            return Err(Error::invalid(
                "不能审核自己报送的申报：请由另一位审核人办理。",
                "You cannot review a declaration you submitted: another reviewer must.",
            ));
        }
        if step == Step::Approve && now.passed_by == actor {
            return Err(Error::invalid(
                "业务科室审核人与绩效管理科批复人须为不同的人：请由绩效管理科另一位同志批复。",
                "The budget section's reviewer cannot also approve: someone of the performance section must.",
            ));
        }
        let mut into_year = String::new();
        if step == Step::Approve {
            let r = load(sql, id)?;
            let declared = parse(&r.latest().body)?;
            crate::assessments::gate(sql, id, &declared)?;
            into_year = crate::approved::into_the_year(sql, id, &now.department, &declared)?;
        }
        if step.needs_comment() && cmd.comment.trim().is_empty() {
            return Err(Error::invalid(
                "退回时请写明修改意见（可粘贴自动审核的意见）。",
                "Write your comments when returning it (the automatic review's findings may be pasted).",
            ));
        }
        let at = jixiao_store::now_utc();
        let submitted_by = if step == Step::Submit { actor.clone() } else { now.submitted_by.clone() };
        let passed_by = match (step, now.stage) {
            (Step::Pass, Stage::AtSection) => actor.clone(),
            (Step::Submit, _) => String::new(),
            _ => now.passed_by.clone(),
        };
        let approved = if step == Step::Approve { now.text_number } else { now.approved_number };
        let changed = sql.execute(
            "UPDATE declarations SET stage = $1, version = version + 1, submitted_by = $2, passed_by = $3, \
             approved_number = $4, updated_by = $5, updated_at = $6 WHERE id = $7 AND version = $8",
            &[to.id().into(), submitted_by.into(), passed_by.into(), approved.into(), actor.clone().into(), at.clone().into(), id.into(), cmd.version.into()],
        )?;
        if changed != 1 {
            return Err(stale(&now));
        }
        let seq = sql
            .row("SELECT COUNT(*) FROM declaration_events WHERE declaration_id = $1", &[id.into()])?
            .map_or(0, |r| r[0].int())
            + 1;
        sql.execute(
            "INSERT INTO declaration_events (declaration_id, seq, step, from_stage, to_stage, text_number, actor, at, comment) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
            &[id.into(), seq.into(), step.id().into(), now.stage.id().into(), to.id().into(), now.text_number.into(), actor.clone().into(), at.into(), cmd.comment.trim().into()],
        )?;
        crate::record_change(
            sql,
            &actor,
            &format!("绩效目标申报：{}", step.label().0),
            &format!("declaration:{id}"),
            now.stage.id(),
            &[to.id(), cmd.comment.trim(), &into_year]
                .iter()
                .filter(|s| !s.is_empty())
                .copied()
                .collect::<Vec<_>>()
                .join("："),
        )?;
        Ok(load(sql, id)?.summary)
    })
}

/// The automatic review of a declaration's text (the latest when `number` is `None`), under the
/// shipped review rules, with last year's actuals from the store for a continuing project.
pub fn review(
    store: &mut dyn Store,
    user: &User,
    id: i64,
    number: Option<i64>,
) -> Result<Review, Error> {
    let r = get(store.sql(), user, id)?;
    let text = match number {
        Some(n) => r
            .text(n)
            .ok_or_else(|| Error::NotFound(format!("该申报没有第{n}版")))?,
        None => r.latest(),
    };
    let mut declared = parse(&text.body)?;
    crate::targets::fill_history(store, &r.summary.department, &mut declared)?;
    let rules = crate::targets::rules_for(
        store,
        &r.summary.department,
        declared.year,
        jixiao_formats::declaration::default_rules(),
    )?;
    Ok(jixiao_domain::targets::review(&declared, &rules))
}

/// One row of two texts side by side: the left line, the right line, and whether they differ.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct DiffRow {
    /// The older text's line (`None`: added on the right).
    pub left: Option<String>,
    /// The newer text's line (`None`: removed).
    pub right: Option<String>,
}

impl DiffRow {
    /// Whether the two sides differ.
    pub fn changed(&self) -> bool {
        self.left != self.right
    }
}

/// Two texts side by side, line by line, aligned on their longest common subsequence of lines;
/// a line changed in place is one row with both sides.
pub fn side_by_side(old: &str, new: &str) -> Vec<DiffRow> {
    let a: Vec<&str> = old.lines().collect();
    let b: Vec<&str> = new.lines().collect();
    // lcs[i][j]: the common lines of a[i..] and b[j..].
    let mut lcs = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for i in (0..a.len()).rev() {
        for j in (0..b.len()).rev() {
            lcs[i][j] = if a[i] == b[j] {
                lcs[i + 1][j + 1] + 1
            } else {
                lcs[i + 1][j].max(lcs[i][j + 1])
            };
        }
    }
    let (mut i, mut j) = (0, 0);
    let mut rows = Vec::new();
    let mut removed: Vec<&str> = Vec::new();
    let mut added: Vec<&str> = Vec::new();
    let flush = |rows: &mut Vec<DiffRow>, removed: &mut Vec<&str>, added: &mut Vec<&str>| {
        for k in 0..removed.len().max(added.len()) {
            rows.push(DiffRow {
                left: removed.get(k).map(|s| s.to_string()),
                right: added.get(k).map(|s| s.to_string()),
            });
        }
        removed.clear();
        added.clear();
    };
    while i < a.len() || j < b.len() {
        if i < a.len() && j < b.len() && a[i] == b[j] {
            flush(&mut rows, &mut removed, &mut added);
            rows.push(DiffRow {
                left: Some(a[i].to_string()),
                right: Some(b[j].to_string()),
            });
            i += 1;
            j += 1;
        } else if j < b.len() && (i == a.len() || lcs[i][j + 1] >= lcs[i + 1][j]) {
            added.push(b[j]);
            j += 1;
        } else {
            removed.push(a[i]);
            i += 1;
        }
    }
    flush(&mut rows, &mut removed, &mut added);
    rows
}

/// A declaration's document — `form` (绩效目标申报表: .docx, .pdf or .xlsx), `review` (审核意见:
/// .docx or .pdf) or `assessment` (事前绩效评估报告: .docx or .pdf) — as its file name and bytes,
/// of the latest text, for who may read the declaration.
pub fn document(
    store: &mut dyn Store,
    user: &User,
    id: i64,
    kind: &str,
    format: &str,
) -> Result<(String, Vec<u8>), Error> {
    use jixiao_report::targets as docs;
    let r = get(store.sql(), user, id)?;
    let declared = parse(&r.latest().body)?;
    let department = store
        .departments()?
        .into_iter()
        .find(|d| d.code == r.summary.department)
        .map_or_else(|| r.summary.department.clone(), |d| d.name);
    let (name, doc) = match kind {
        "form" => (
            "绩效目标申报表",
            docs::declaration_form(&declared, &department),
        ),
        "review" => {
            let review = review(store, user, id, None)?;
            let steps: Vec<docs::ReviewStep> = r
                .events
                .iter()
                .map(|e| docs::ReviewStep {
                    step: Step::parse(&e.step).map_or(e.step.clone(), |s| s.label().0.to_string()),
                    actor: e.actor.clone(),
                    at: e.at.clone(),
                    comment: e.comment.clone(),
                })
                .collect();
            (
                "审核意见",
                docs::review_opinion(&declared, &department, &review, &steps),
            )
        }
        "assessment" => {
            let v = crate::assessments::view(store.sql(), user, id)?;
            let f = crate::assessments::framework();
            let facts = docs::AssessmentFacts {
                framework: f.title.clone(),
                provisional: f.provisional,
                dimensions: v
                    .dimensions
                    .iter()
                    .enumerate()
                    .map(|(k, (n, w, _))| {
                        (
                            n.clone(),
                            *w,
                            v.experts.iter().map(|e| e.scores[k].1).collect(),
                        )
                    })
                    .collect(),
                experts: v.experts.iter().filter(|e| e.total.is_some()).count(),
                score: v.concluded.as_ref().map(|c| c.score).or(v.panel_score),
                dropped: v.dropped,
                spread: v.spread,
                flagged: v.flagged,
                conclusion: v.concluded.as_ref().map(|c| c.conclusion_label.clone()),
                budget: v.concluded.as_ref().map(|c| c.budget_wan.clone()),
                suggestions: v
                    .concluded
                    .as_ref()
                    .map(|c| c.suggestions.clone())
                    .unwrap_or_default(),
                concluded: v
                    .concluded
                    .as_ref()
                    .map(|c| c.by.clone())
                    .unwrap_or_default(),
            };
            (
                "事前绩效评估报告",
                docs::assessment_report(&declared, &department, &facts),
            )
        }
        _ => return Err(Error::not_found()),
    };
    let bytes = match format {
        "docx" => jixiao_report::docx::write(&doc, std::io::Cursor::new(Vec::new()))
            .map(|c| c.into_inner())
            .map_err(|e| Error::Internal(e.to_string()))?,
        "pdf" => {
            let fonts = jixiao_report::pdf::find_fonts().map_err(Error::Internal)?;
            jixiao_report::pdf::write(&doc, &fonts).map_err(Error::Internal)?
        }
        "xlsx" if kind == "form" => document_xlsx(&doc)?,
        _ => return Err(Error::not_found()),
    };
    Ok((format!("{}-{name}.{format}", declared.project), bytes))
}

/// A document's title and tables on one worksheet, each table under its caption, every cell
/// as written (amounts as their text, as the Word form prints them).
fn document_xlsx(doc: &jixiao_report::document::Document) -> Result<Vec<u8>, Error> {
    use jixiao_report::document::Block;
    use rust_xlsxwriter::{Format, Workbook};
    let fail = |e: rust_xlsxwriter::XlsxError| Error::Internal(e.to_string());
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet().set_name("申报表").map_err(fail)?;
    let bold = Format::new().set_bold();
    let wrap = Format::new().set_text_wrap();
    let mut row = 0u32;
    for b in &doc.blocks {
        match b {
            Block::Title(t) => {
                ws.write_with_format(row, 0, t.as_str(), &bold)
                    .map_err(fail)?;
                row += 2;
            }
            Block::Table(t) => {
                ws.write_with_format(row, 0, t.caption.as_str(), &bold)
                    .map_err(fail)?;
                row += 1;
                for (c, h) in t.header.iter().enumerate() {
                    ws.write_with_format(row, c as u16, h.as_str(), &bold)
                        .map_err(fail)?;
                }
                row += 1;
                for r in &t.rows {
                    for (c, v) in r.iter().enumerate() {
                        ws.write_with_format(row, c as u16, v.as_str(), &wrap)
                            .map_err(fail)?;
                    }
                    row += 1;
                }
                row += 1;
            }
            _ => {}
        }
    }
    for (c, w) in [
        (0u16, 14.0),
        (1, 28.0),
        (2, 30.0),
        (3, 22.0),
        (4, 8.0),
        (5, 36.0),
    ] {
        ws.set_column_width(c, w).map_err(fail)?;
    }
    wb.save_to_buffer().map_err(fail)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn two_texts_side_by_side_pair_a_changed_line_and_keep_the_rest() {
        let rows = side_by_side("a\nb\nc\nd\n", "a\nB\nc\nd\ne\n");
        let changed: Vec<(Option<&str>, Option<&str>)> = rows
            .iter()
            .filter(|r| r.changed())
            .map(|r| (r.left.as_deref(), r.right.as_deref()))
            .collect();
        assert_eq!(changed, [(Some("b"), Some("B")), (None, Some("e"))]);
        assert_eq!(rows.len(), 5);
        assert!(side_by_side("x\n", "x\n").iter().all(|r| !r.changed()));
    }
}
