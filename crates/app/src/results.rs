//! Results application and disclosure (issue 7): the budget-linkage table, rectifications,
//! who was responsible for each project when, a department's years side by side, the
//! disclosure calendar with its completeness check, and the open data.

use crate::auth::User;
use crate::service::{self, must_edit, must_read};
use crate::Error;
use jixiao_domain::date::Date;
use jixiao_domain::money::Fen;
use jixiao_domain::results::{
    completeness, rectification_due, rectification_status, DisclosureItem, DisclosureRule,
    DisclosureState, Linkage, RectificationStatus, RECTIFICATION_DAYS,
};
use jixiao_store::sql::{Sql, Value};
use jixiao_store::Store;
use rust_decimal::Decimal;

/// Today's date (UTC).
pub fn today() -> Date {
    Date::from_days_since_epoch(crate::auth::now().div_euclid(86_400))
}

fn date(v: &Value) -> Option<Date> {
    v.opt_text().and_then(Date::parse)
}

// ---------------------------------------------------------------- rectifications

/// A tracked rectification.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Rectification {
    /// Its id.
    pub id: i64,
    /// The department.
    pub department: String,
    /// The evaluation year it came from.
    pub year: i32,
    /// The project, or "" for the department as a whole.
    pub project: String,
    /// The problem found.
    pub problem: String,
    /// The measures the unit takes.
    pub measures: String,
    /// The person responsible.
    pub responsible: String,
    /// When the result was sent.
    pub sent_on: String,
    /// When it is due.
    pub due_on: String,
    /// The status as stored.
    pub stored_status: String,
    /// The status today (overdue when past due and not done).
    pub status: String,
    /// The status's name.
    pub status_label: String,
    /// Who verified it, when done and checked by the finance bureau.
    pub verified_by: String,
    /// When.
    pub verified_at: String,
    /// Version for stale-save refusal.
    pub version: i64,
    /// Evidence files: (id, name).
    pub files: Vec<(i64, String)>,
}

const RECT_COLUMNS: &str = "id, department_code, year, project_code, problem, measures, responsible, sent_on, due_on, status, verified_by, verified_at, version";

fn rectification(sql: &mut dyn Sql, r: &[Value], today: Date) -> Result<Rectification, Error> {
    let mut x = rectification_row(r, today);
    x.files = sql
        .query(
            "SELECT id, file_name FROM rectification_files WHERE rectification_id = $1 ORDER BY id",
            &[x.id.into()],
        )?
        .into_iter()
        .map(|f| (f[0].int(), f[1].text().to_string()))
        .collect();
    Ok(x)
}

fn rectification_row(r: &[Value], today: Date) -> Rectification {
    let stored = RectificationStatus::from_id(r[9].text()).unwrap_or(RectificationStatus::Open);
    let due = date(&r[8]).unwrap_or(today);
    let status = rectification_status(stored, due, today);
    let files = Vec::new();
    Rectification {
        id: r[0].int(),
        department: r[1].text().into(),
        year: r[2].int() as i32,
        project: r[3].text().into(),
        problem: r[4].text().into(),
        measures: r[5].text().into(),
        responsible: r[6].text().into(),
        sent_on: r[7].text().into(),
        due_on: r[8].text().into(),
        stored_status: stored.id().into(),
        status: status.id().into(),
        status_label: status.label().into(),
        verified_by: r[10].text().into(),
        verified_at: r[11].text().into(),
        version: r[12].int(),
        files,
    }
}

/// The rectifications of the departments `user` may read, as they stand today.
pub fn rectifications(
    sql: &mut dyn Sql,
    user: &User,
    today: Date,
) -> Result<Vec<Rectification>, Error> {
    let mut out = all_rectifications(sql, today)?;
    out.retain(|r| user.reads(&r.department));
    Ok(out)
}

/// Every rectification, as it stands today, by due date.
pub fn all_rectifications(sql: &mut dyn Sql, today: Date) -> Result<Vec<Rectification>, Error> {
    let rows = sql.query(
        &format!("SELECT {RECT_COLUMNS} FROM rectifications ORDER BY due_on, id"),
        &[],
    )?;
    let mut files: std::collections::HashMap<i64, Vec<(i64, String)>> =
        std::collections::HashMap::new();
    for f in sql.query(
        "SELECT rectification_id, id, file_name FROM rectification_files ORDER BY id",
        &[],
    )? {
        files
            .entry(f[0].int())
            .or_default()
            .push((f[1].int(), f[2].text().to_string()));
    }
    Ok(rows
        .iter()
        .map(|r| {
            let mut x = rectification_row(r, today);
            x.files = files.remove(&x.id).unwrap_or_default();
            x
        })
        .collect())
}
/// Overdue rectifications counted by (department, project).
pub fn count_overdue(
    rectifications: &[Rectification],
) -> std::collections::HashMap<(String, String), u32> {
    let mut out = std::collections::HashMap::new();
    for r in rectifications
        .iter()
        .filter(|r| r.status == RectificationStatus::Overdue.id())
    {
        *out.entry((r.department.clone(), r.project.clone()))
            .or_insert(0) += 1;
    }
    out
}

/// A date typed into a form or sent to the API; empty means none.
pub fn optional_date(text: &str, what: &str) -> Result<Option<Date>, Error> {
    let t = text.trim();
    if t.is_empty() {
        return Ok(None);
    }
    Date::parse(t).map(Some).ok_or_else(|| {
        Error::invalid(
            format!("{what}“{t}”无法识别：应为 2022-03-15 这样的日期。"),
            format!("Date “{t}” not understood: write it as 2022-03-15."),
        )
    })
}

/// A problem found in an evaluation, to be rectified: the one command the rectifications page's
/// form and `POST /api/rectifications` both read. Dates as 2022-03-15; `sent_on` left out is
/// today, `due_on` left out is [`RECTIFICATION_DAYS`] after it.
#[derive(Debug, Clone, serde::Deserialize)]
pub struct NewRectification {
    /// The department's code.
    pub department: String,
    /// The evaluation's year.
    pub year: i32,
    /// The project's code, or empty for the department as a whole.
    #[serde(default)]
    pub project: String,
    /// The problem found.
    pub problem: String,
    /// When the result was sent (结果送达日).
    #[serde(default)]
    pub sent_on: Option<String>,
    /// The due date (整改期限).
    #[serde(default)]
    pub due_on: Option<String>,
}

/// What the unit reports on a rectification: the command of its form and of
/// `POST /api/rectifications/{id}`, the status by its id (`open`, `in_progress`, …).
#[derive(Debug, Clone, serde::Deserialize)]
pub struct RectificationReport {
    /// Measures taken.
    #[serde(default)]
    pub measures: String,
    /// The person responsible.
    #[serde(default)]
    pub responsible: String,
    /// The new status's id.
    #[serde(default)]
    pub status: String,
    /// The version the form was drawn at.
    #[serde(default)]
    pub version: i64,
}

impl RectificationReport {
    /// The report as [`update_rectification`] takes it: refused when the status is not one.
    pub fn progress(&self) -> Result<Progress<'_>, Error> {
        let status = RectificationStatus::from_id(&self.status).ok_or_else(|| {
            Error::invalid(
                format!("未知的状态“{}”。", self.status),
                format!("Unknown status “{}”.", self.status),
            )
        })?;
        Ok(Progress {
            measures: &self.measures,
            responsible: &self.responsible,
            status,
            version: self.version,
        })
    }
}

/// Opens a rectification for a problem found in a department's evaluation; due
/// [`RECTIFICATION_DAYS`] after it was sent unless the command says otherwise.
pub fn open_rectification(
    sql: &mut dyn Sql,
    user: &User,
    command: &NewRectification,
) -> Result<i64, Error> {
    let NewRectification {
        department,
        year,
        project,
        problem,
        sent_on,
        due_on,
    } = command;
    let (department, year) = (department.as_str(), *year);
    // The finance bureau sends results; a department may also record its own.
    must_edit(user, department)?;
    let sent_on =
        optional_date(sent_on.as_deref().unwrap_or(""), "结果送达日")?.unwrap_or_else(today);
    let due_on = optional_date(due_on.as_deref().unwrap_or(""), "整改期限")?;
    if problem.trim().is_empty() {
        return Err(Error::invalid(
            "请写明发现的问题。",
            "Describe the problem found.",
        ));
    }
    let due = due_on.unwrap_or_else(|| rectification_due(sent_on, RECTIFICATION_DAYS));
    if due < sent_on {
        return Err(Error::invalid(
            format!("整改期限 {due} 早于结果送达日 {sent_on}。"),
            format!("The due date {due} is before the date the result was sent, {sent_on}."),
        ));
    }
    must_be_project_of(sql, department, project)?;
    sql.write(|sql| {
        sql.execute(
            "INSERT INTO rectifications (department_code, year, project_code, problem, sent_on, due_on, status, version, updated_by, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, 'open', 1, $7, $8)",
            &[department.into(), year.into(), project.into(), problem.trim().into(), sent_on.to_string().into(), due.to_string().into(), user.actor().into(), jixiao_store::now_utc().into()],
        )?;
        let id = sql
            .row("SELECT MAX(id) FROM rectifications WHERE department_code = $1", &[department.into()])?
            .map_or(0, |r| r[0].int());
        crate::record_change(sql, &user.actor(), "新建整改事项", &format!("rectification:{id}"), "", &format!("{department}/{year} {problem}（期限 {due}）"))?;
        Ok(id)
    })
}

/// What the unit reports on a rectification.
pub struct Progress<'a> {
    /// Measures.
    pub measures: &'a str,
    /// Responsible person.
    pub responsible: &'a str,
    /// New status (not `done` by a department without verification; `overdue` is computed).
    pub status: RectificationStatus,
    /// The version the form was drawn at.
    pub version: i64,
}

fn load_one(sql: &mut dyn Sql, id: i64, today: Date) -> Result<Rectification, Error> {
    let r = sql
        .row(
            &format!("SELECT {RECT_COLUMNS} FROM rectifications WHERE id = $1"),
            &[id.into()],
        )?
        .ok_or(Error::not_found())?;
    rectification(sql, &r, today)
}

/// Saves a unit's report on a rectification; a save on an old version is refused.
pub fn update_rectification(
    sql: &mut dyn Sql,
    user: &User,
    id: i64,
    p: Progress<'_>,
) -> Result<(), Error> {
    sql.write(|sql| {
        let before = load_one(sql, id, today())?;
        must_edit(user, &before.department)?;
        if p.status == RectificationStatus::Overdue {
            return Err(Error::invalid("“逾期”由期限自动判定，不能手工选择。", "“Overdue” follows from the due date and cannot be chosen by hand."));
        }
        if p.status == RectificationStatus::Done {
            return Err(Error::invalid(
                "“已完成”须由财政局核验佐证后确认：请上传整改佐证，并报财政局核验。",
                "“Done” is confirmed by the finance bureau after it verifies the evidence: upload the evidence and ask the bureau to verify it.",
            ));
        }
        if before.stored_status == RectificationStatus::Done.id() {
            return Err(Error::invalid("该整改事项已核验完成，不能再修改。", "This rectification has been verified as done and can no longer change."));
        }
        if before.version != p.version {
            return Err(Error::stale("该整改事项已被他人修改，您的修改未保存。请刷新后再填。", "Someone else changed this rectification; your change was not saved. Reload and try again."));
        }
        let changed = sql.execute(
            "UPDATE rectifications SET measures = $1, responsible = $2, status = $3, version = version + 1, updated_by = $4, updated_at = $5 \
             WHERE id = $6 AND version = $7",
            &[p.measures.into(), p.responsible.into(), p.status.id().into(), user.actor().into(), jixiao_store::now_utc().into(), id.into(), p.version.into()],
        )?;
        if changed != 1 {
            return Err(Error::stale("该整改事项刚被他人修改，您的修改未保存。请刷新后再填。", "Someone else just changed this rectification; your change was not saved. Reload and try again."));
        }
        crate::record_change(
            sql,
            &user.actor(),
            "更新整改事项",
            &format!("rectification:{id}"),
            &serde_json::json!({"status": before.stored_status, "measures": before.measures, "responsible": before.responsible}).to_string(),
            &serde_json::json!({"status": p.status.id(), "measures": p.measures, "responsible": p.responsible}).to_string(),
        )
    })
}

/// The finance bureau confirms a rectification done.
pub fn verify_rectification(
    sql: &mut dyn Sql,
    user: &User,
    id: i64,
    version: i64,
) -> Result<(), Error> {
    if user.role != Some(crate::auth::Role::BureauAdmin) {
        return Err(Error::Forbidden);
    }
    sql.write(|sql| {
        let before = load_one(sql, id, today())?;
        if before.version != version {
            return Err(Error::stale("该整改事项已被他人修改，请刷新后再核验。", "Someone else changed this rectification; reload before verifying it."));
        }
        if before.files.is_empty() {
            return Err(Error::invalid("尚无整改佐证材料，不能核验为已完成。", "There is no evidence yet, so it cannot be verified as done."));
        }
        let changed = sql.execute(
            "UPDATE rectifications SET status = 'done', verified_by = $1, verified_at = $2, version = version + 1, updated_by = $1, updated_at = $2 WHERE id = $3 AND version = $4",
            &[user.actor().into(), jixiao_store::now_utc().into(), id.into(), version.into()],
        )?;
        if changed != 1 {
            return Err(Error::stale("该整改事项刚被他人修改，请刷新后再核验。", "Someone else just changed this rectification; reload before verifying it."));
        }
        crate::record_change(sql, &user.actor(), "核验整改完成", &format!("rectification:{id}"), &before.stored_status, "done")
    })
}

/// Attaches an evidence file to a rectification.
pub fn attach_file(
    sql: &mut dyn Sql,
    user: &User,
    id: i64,
    name: &str,
    bytes: Vec<u8>,
) -> Result<(), Error> {
    let name = name
        .rsplit(['/', '\\'])
        .next()
        .unwrap_or("")
        .trim()
        .to_string();
    if name.is_empty() || bytes.is_empty() {
        return Err(Error::invalid(
            "请选择要上传的佐证文件。",
            "Choose the evidence file to upload.",
        ));
    }
    if bytes.len() > 20 << 20 {
        return Err(Error::invalid(
            "佐证文件不能超过 20 MB。",
            "Evidence files may be at most 20 MB.",
        ));
    }
    sql.write(|sql| {
        let r = load_one(sql, id, today())?;
        must_edit(user, &r.department)?;
        sql.execute(
            "INSERT INTO rectification_files (rectification_id, file_name, content, uploaded_by, uploaded_at) VALUES ($1, $2, $3, $4, $5)",
            &[id.into(), name.clone().into(), bytes.into(), user.actor().into(), jixiao_store::now_utc().into()],
        )?;
        crate::record_change(sql, &user.actor(), "上传整改佐证", &format!("rectification:{id}"), "", &name)
    })
}

/// An evidence file, for those who may read its department.
pub fn file(sql: &mut dyn Sql, user: &User, file_id: i64) -> Result<(String, Vec<u8>), Error> {
    let r = sql
        .row(
            "SELECT f.file_name, f.content, r.department_code FROM rectification_files f JOIN rectifications r ON r.id = f.rectification_id WHERE f.id = $1",
            &[file_id.into()],
        )?
        .ok_or(Error::not_found())?;
    must_read(user, r[2].text())?;
    Ok((r[0].text().to_string(), r[1].bytes().to_vec()))
}

/// Refuses a project code that is not the department's: neither one of its store projects
/// nor a project of one of its self-evaluation datasets. An empty code (the department as a
/// whole) passes.
pub fn must_be_project_of(sql: &mut dyn Sql, department: &str, project: &str) -> Result<(), Error> {
    if project.is_empty() {
        return Ok(());
    }
    let in_store = sql
        .row(
            "SELECT 1 FROM projects p JOIN units u ON u.code = p.unit_code WHERE p.code = $1 AND u.department_code = $2 LIMIT 1",
            &[project.into(), department.into()],
        )?
        .is_some();
    if in_store {
        return Ok(());
    }
    for r in sql.query(
        "SELECT content FROM dataset_files WHERE department_code = $1 AND file_name = 'projects.toml'",
        &[department.into()],
    )? {
        let Ok(doc) = r[0].text().parse::<toml_edit::DocumentMut>() else { continue };
        let found = doc
            .get("projects")
            .and_then(|p| p.as_array_of_tables())
            .is_some_and(|ps| ps.iter().any(|p| p.get("code").and_then(|c| c.as_str()) == Some(project)));
        if found {
            return Ok(());
        }
    }
    Err(Error::invalid(
        format!("项目“{project}”不是部门“{department}”的项目。"),
        format!("Project “{project}” is not one of department “{department}”'s projects."),
    ))
}

// ---------------------------------------------------------------- responsibility

/// One spell of responsibility for a project.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Spell {
    /// Who.
    pub person: String,
    /// From (ISO date).
    pub since: String,
    /// To (ISO date, the last day), or `None` while current.
    pub until: Option<String>,
    /// Who recorded it, and when.
    pub recorded_by: String,
    /// When.
    pub recorded_at: String,
}

/// Every spell for a project, oldest first.
pub fn responsibility(
    sql: &mut dyn Sql,
    department: &str,
    project: &str,
) -> Result<Vec<Spell>, Error> {
    Ok(sql
        .query(
            "SELECT person, since, until, recorded_by, recorded_at FROM responsibilities \
             WHERE department_code = $1 AND project_code = $2 ORDER BY since, id",
            &[department.into(), project.into()],
        )?
        .into_iter()
        .map(|r| Spell {
            person: r[0].text().into(),
            since: r[1].text().into(),
            until: r[2].opt_text().map(str::to_string),
            recorded_by: r[3].text().into(),
            recorded_at: r[4].text().into(),
        })
        .collect())
}

/// Who was responsible on `day`.
pub fn responsible_on(spells: &[Spell], day: Date) -> Option<&Spell> {
    spells.iter().find(|s| {
        Date::parse(&s.since).is_some_and(|from| from <= day)
            && s.until
                .as_deref()
                .and_then(Date::parse)
                .is_none_or(|to| day <= to)
    })
}

/// Makes `person` responsible for a project from `since`: the current spell ends the day
/// before. A start on or before the current spell's start is refused: history is not
/// rewritten.
pub fn assign(
    sql: &mut dyn Sql,
    user: &User,
    department: &str,
    project: &str,
    person: &str,
    since: Date,
) -> Result<(), Error> {
    must_edit(user, department)?;
    let person = person.trim();
    if person.is_empty() {
        return Err(Error::invalid(
            "请填写责任人姓名。",
            "Enter the responsible person's name.",
        ));
    }
    must_be_project_of(sql, department, project)?;
    sql.write(|sql| {
        if sql.backend() == jixiao_store::sql::Backend::Postgres {
            // One change of responsibility for a project at a time, across servers.
            sql.query(
                "SELECT pg_advisory_xact_lock(hashtext($1))",
                &[format!("responsibility/{department}/{project}").into()],
            )?;
        }
        let current = sql.row(
            "SELECT id, person, since FROM responsibilities WHERE department_code = $1 AND project_code = $2 AND until IS NULL",
            &[department.into(), project.into()],
        )?;
        let mut before = String::new();
        if let Some(c) = current {
            let from = date(&c[2]).unwrap_or(since);
            if since <= from {
                return Err(Error::invalid(
                    format!(
                        "新责任人的起始日 {since} 须晚于现任责任人 {} 的起始日 {from}：已有的责任记录不能改写。",
                        c[1].text()
                    ),
                    format!(
                        "The new person's start date {since} must be after {}'s start date {from}: the record of responsibility cannot be rewritten.",
                        c[1].text()
                    ),
                ));
            }
            sql.execute(
                "UPDATE responsibilities SET until = $1 WHERE id = $2",
                &[since.add_days(-1).to_string().into(), c[0].int().into()],
            )?;
            before = format!("{}（自 {from}）", c[1].text());
        }
        sql.execute(
            "INSERT INTO responsibilities (department_code, project_code, person, since, recorded_by, recorded_at) VALUES ($1, $2, $3, $4, $5, $6)",
            &[department.into(), project.into(), person.into(), since.to_string().into(), user.actor().into(), jixiao_store::now_utc().into()],
        )?;
        crate::record_change(sql, &user.actor(), "变更项目责任人", &format!("project:{department}/{project}"), &before, &format!("{person}（自 {since}）"))
    })
}

// ---------------------------------------------------------------- budget linkage

/// One line of the linkage table.
#[derive(Debug, Clone, serde::Serialize)]
pub struct LinkRow {
    /// The department.
    pub department: String,
    /// Its name.
    pub department_name: String,
    /// The year evaluated.
    pub year: i32,
    /// The project, or "" for the department as a whole.
    pub project: String,
    /// The project's name (or the department's).
    pub name: String,
    /// Score.
    pub score: String,
    /// Grade.
    pub grade: String,
    /// This year's budget, fen.
    pub budget: i64,
    /// Whether the budget rests on inferred figures.
    pub budget_inferred: bool,
    /// Overdue rectifications counted.
    pub overdue: u32,
    /// Suggested action.
    pub action: String,
    /// Change in percent.
    pub percent: String,
    /// Change, fen.
    pub change: i64,
    /// Next year's suggested budget, fen.
    pub next_budget: i64,
    /// The working.
    pub working: String,
}

/// The linkage table for every department and project `user` may read.
pub fn linkage_table(
    store: &mut dyn Store,
    user: &User,
    rules: &Linkage,
) -> Result<Vec<LinkRow>, Error> {
    let overdue = count_overdue(&all_rectifications(store.sql(), today())?);
    let mut out = Vec::new();
    for d in service::departments(store, user)? {
        for &year in &d.datasets {
            let data = crate::load_dataset(store, &d.code, year)?;
            let (eval, projects) = service::score(&data)?;
            let budgets: Vec<_> = data
                .finances
                .expenditure
                .iter()
                .filter_map(|e| e.budget.as_ref())
                .collect();
            let budget = Fen(budgets.iter().map(|b| b.full_year().value.0).sum());
            let inferred = budgets.iter().any(|b| b.full_year().origin.is_inferred());
            let mut push = |project: &str,
                            name: &str,
                            score: Decimal,
                            code: &str,
                            label: &str,
                            budget: Fen,
                            inferred: bool| {
                let n = overdue
                    .get(&(d.code.clone(), project.to_string()))
                    .copied()
                    .unwrap_or(0);
                let s = rules.suggest(code, label, score, budget, n);
                out.push(LinkRow {
                    department: d.code.clone(),
                    department_name: d.name.clone(),
                    year,
                    project: project.into(),
                    name: name.into(),
                    score: jixiao_domain::number::format_score(score),
                    grade: label.into(),
                    budget: budget.0,
                    budget_inferred: inferred,
                    overdue: n,
                    action: s.as_ref().map_or("（无适用规则）".into(), |s| {
                        s.action.label().to_string()
                    }),
                    percent: s.as_ref().map_or(String::new(), |s| s.percent.to_string()),
                    change: s.as_ref().map_or(0, |s| s.change.0),
                    next_budget: s.as_ref().map_or(budget.0, |s| s.next_budget.0),
                    working: s.map_or(String::new(), |s| s.working),
                });
            };
            push(
                "",
                &data.department.name,
                eval.total,
                &eval.grade_code,
                &eval.grade_label,
                budget,
                inferred,
            );
            for p in data.projects.iter().filter(|p| !p.indicators.is_empty()) {
                if let Some(pe) = projects.iter().find(|e| e.subject == p.name) {
                    let b = p.budget.full_year();
                    push(
                        &p.code,
                        &p.name,
                        pe.total,
                        &pe.grade_code,
                        &pe.grade_label,
                        b.value,
                        b.origin.is_inferred(),
                    );
                }
            }
        }
    }
    Ok(out)
}

/// The linkage table as an .xlsx workbook.
pub fn linkage_xlsx(rows: &[LinkRow], rules: &Linkage) -> Result<Vec<u8>, Error> {
    use rust_xlsxwriter::{Format, Workbook};
    let fail = |e: rust_xlsxwriter::XlsxError| Error::Internal(e.to_string());
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet().set_name("预算挂钩").map_err(fail)?;
    let bold = Format::new().set_bold();
    let money = Format::new().set_num_format("#,##0.00");
    ws.write_with_format(0, 0, rules.title.as_str(), &bold)
        .map_err(fail)?;
    if rules.provisional {
        ws.write(1, 0, format!("暂定：{}", rules.note))
            .map_err(fail)?;
    }
    let headers = [
        "部门编码",
        "部门",
        "年度",
        "项目编码",
        "名称",
        "得分",
        "等级",
        "本年预算（万元）",
        "逾期整改（项）",
        "建议处理",
        "调整比例（%）",
        "调整额（万元）",
        "建议下年预算（万元）",
        "依据",
    ];
    jixiao_exchange::workbook::text_row(ws, 3, &headers, Some(&bold)).map_err(fail)?;
    let wan = |fen: i64| -> f64 {
        // Exact to the fen in the cell's text form: 万元 with at most six decimals.
        Fen(fen)
            .format_wan()
            .replace(',', "")
            .parse::<f64>()
            .unwrap_or(0.0)
    };
    for (i, r) in rows.iter().enumerate() {
        let row = 4 + i as u32;
        ws.write(row, 0, r.department.as_str()).map_err(fail)?;
        ws.write(row, 1, r.department_name.as_str()).map_err(fail)?;
        ws.write(row, 2, r.year).map_err(fail)?;
        ws.write(row, 3, r.project.as_str()).map_err(fail)?;
        ws.write(row, 4, r.name.as_str()).map_err(fail)?;
        ws.write(row, 5, r.score.as_str()).map_err(fail)?;
        ws.write(row, 6, r.grade.as_str()).map_err(fail)?;
        ws.write_with_format(row, 7, wan(r.budget), &money)
            .map_err(fail)?;
        ws.write(row, 8, r.overdue).map_err(fail)?;
        ws.write(row, 9, r.action.as_str()).map_err(fail)?;
        ws.write(row, 10, r.percent.as_str()).map_err(fail)?;
        ws.write_with_format(row, 11, wan(r.change), &money)
            .map_err(fail)?;
        ws.write_with_format(row, 12, wan(r.next_budget), &money)
            .map_err(fail)?;
        ws.write(
            row,
            13,
            if r.budget_inferred {
                format!("{}（预算含推定数）", r.working)
            } else {
                r.working.clone()
            },
        )
        .map_err(fail)?;
    }
    ws.set_column_width(1, 28).map_err(fail)?;
    ws.set_column_width(4, 28).map_err(fail)?;
    ws.set_column_width(13, 60).map_err(fail)?;
    wb.save_to_buffer().map_err(fail)
}

// ---------------------------------------------------------------- disclosure

/// One line of the disclosure calendar.
#[derive(Debug, Clone, serde::Serialize)]
pub struct CalendarRow {
    /// The department.
    pub department: String,
    /// Its name.
    pub name: String,
    /// The year.
    pub year: i32,
    /// The item.
    pub item: String,
    /// Approved on.
    pub approved_on: Option<String>,
    /// The last day to publish.
    pub deadline: Option<String>,
    /// Published on.
    pub published_on: Option<String>,
    /// The state's name.
    pub state: String,
    /// Whether it is overdue.
    pub overdue: bool,
}

fn step_date(
    sql: &mut dyn Sql,
    department: &str,
    year: i32,
    to: &str,
) -> Result<Option<Date>, Error> {
    Ok(sql
        .row(
            "SELECT at FROM workflow_events WHERE department_code = $1 AND year = $2 AND to_state = $3 ORDER BY seq DESC LIMIT 1",
            &[department.into(), year.into(), to.into()],
        )?
        .and_then(|r| r[0].text().get(..10).and_then(Date::parse)))
}

/// The disclosure calendar of the departments `user` may read, on `today`.
pub fn calendar(
    store: &mut dyn Store,
    user: &User,
    rule: DisclosureRule,
    today: Date,
) -> Result<Vec<CalendarRow>, Error> {
    let mut out = Vec::new();
    for d in service::departments(store, user)? {
        for &year in &d.datasets {
            let sql = store.sql();
            let approved = step_date(sql, &d.code, year, "approved")?;
            let published = step_date(sql, &d.code, year, "published")?;
            let mut items = vec![("部门整体支出绩效自评结果".to_string(), approved, published)];
            for (id, label) in [("budget", "部门预算"), ("final_accounts", "部门决算")] {
                let r = sql.row(
                    "SELECT approved_on, published_on FROM disclosure_dates WHERE department_code = $1 AND year = $2 AND item = $3",
                    &[d.code.clone().into(), year.into(), id.into()],
                )?;
                let (a, p) = r.map_or((None, None), |r| (date(&r[0]), date(&r[1])));
                items.push((label.to_string(), a, p));
            }
            for (item, a, p) in items {
                let state = rule.state(a, p, today);
                out.push(CalendarRow {
                    department: d.code.clone(),
                    name: d.name.clone(),
                    year,
                    item,
                    approved_on: a.map(|x| x.to_string()),
                    deadline: a.map(|x| rule.deadline(x).to_string()),
                    published_on: p.map(|x| x.to_string()),
                    state: state.label().into(),
                    overdue: matches!(state, DisclosureState::Overdue | DisclosureState::Late),
                });
            }
        }
    }
    Ok(out)
}

/// Records when a budget or final account was approved and published (the finance bureau).
pub fn record_disclosure(
    sql: &mut dyn Sql,
    user: &User,
    department: &str,
    year: i32,
    item: &str,
    approved_on: Option<Date>,
    published_on: Option<Date>,
) -> Result<(), Error> {
    if user.role != Some(crate::auth::Role::BureauAdmin) {
        return Err(Error::Forbidden);
    }
    if !["budget", "final_accounts"].contains(&item) {
        return Err(Error::invalid(
            format!("未知的公开事项“{item}”。"),
            format!("Unknown disclosure item “{item}”."),
        ));
    }
    if let (Some(a), Some(p)) = (approved_on, published_on) {
        if p < a {
            return Err(Error::invalid(
                format!("公开日 {p} 早于批复日 {a}。"),
                format!("The publication date {p} is before the approval date {a}."),
            ));
        }
    }
    sql.write(|sql| {
        // A date left empty keeps the one recorded.
        let old = sql.row(
            "SELECT approved_on, published_on FROM disclosure_dates WHERE department_code = $1 AND year = $2 AND item = $3",
            &[department.into(), year.into(), item.into()],
        )?;
        let (old_a, old_p) = old.as_ref().map_or((None, None), |r| (date(&r[0]), date(&r[1])));
        let (a, p) = (approved_on.or(old_a), published_on.or(old_p));
        if let (Some(a), Some(p)) = (a, p) {
            if p < a {
                return Err(Error::invalid(format!("公开日 {p} 早于批复日 {a}。"), format!("The publication date {p} is before the approval date {a}.")));
            }
        }
        sql.execute(
            "DELETE FROM disclosure_dates WHERE department_code = $1 AND year = $2 AND item = $3",
            &[department.into(), year.into(), item.into()],
        )?;
        sql.execute(
            "INSERT INTO disclosure_dates (department_code, year, item, approved_on, published_on) VALUES ($1, $2, $3, $4, $5)",
            &[department.into(), year.into(), item.into(), a.map(|d| d.to_string()).as_deref().into(), p.map(|d| d.to_string()).as_deref().into()],
        )?;
        let show = |a: Option<Date>, p: Option<Date>| {
            format!("批复 {} 公开 {}", a.map_or("—".into(), |d| d.to_string()), p.map_or("—".into(), |d| d.to_string()))
        };
        crate::record_change(sql, &user.actor(), "登记公开日期", &format!("disclosure:{department}/{year}/{item}"), &show(old_a, old_p), &show(a, p))
    })
}

/// What a published department-year's disclosure lacks.
pub fn completeness_of(
    store: &mut dyn Store,
    department: &str,
    year: i32,
) -> Result<Vec<String>, Error> {
    let sql = store.sql();
    let published =
        crate::workflow::status(sql, department, year)?.state == crate::workflow::State::Published;
    let item = |name: &str, present: bool, rows: usize, why: Option<String>| DisclosureItem {
        name: name.into(),
        present,
        rows,
        empty_explanation: why,
    };
    let mut items = vec![
        item("部门整体支出绩效自评报告", published, 1, None),
        item("部门整体支出绩效自评表", published, 1, None),
    ];
    for (id, label) in [("budget", "部门预算"), ("final_accounts", "部门决算")] {
        let p = sql
            .row(
                "SELECT published_on FROM disclosure_dates WHERE department_code = $1 AND year = $2 AND item = $3",
                &[department.into(), year.into(), id.into()],
            )?
            .is_some_and(|r| r[0] != Value::Null);
        items.push(item(label, p, 1, None));
    }
    let data = crate::load_dataset(store, department, year)?;
    let scored = data
        .projects
        .iter()
        .filter(|p| !p.indicators.is_empty())
        .count();
    items.push(item(
        "项目支出绩效自评表",
        published,
        scored,
        data.texts.get("no_project_tables").cloned(),
    ));
    Ok(completeness(&items))
}

/// Every rectification overdue on `on`, of every department, for the ranking notice (通报).
pub fn overdue_items(
    sql: &mut dyn Sql,
    on: Date,
) -> Result<Vec<jixiao_exchange::notice::Overdue>, Error> {
    let mut overdue: Vec<Rectification> = all_rectifications(sql, on)?
        .into_iter()
        .filter(|r| r.status == RectificationStatus::Overdue.id())
        .collect();
    // By department, then by due date as read.
    overdue.sort_by(|a, b| a.department.cmp(&b.department));
    Ok(overdue
        .into_iter()
        .map(|r| jixiao_exchange::notice::Overdue {
            department: r.department,
            year: r.year,
            problem: r.problem,
            due: r.due_on,
            responsible: r.responsible,
        })
        .collect())
}
