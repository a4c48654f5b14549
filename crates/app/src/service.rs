//! What the pages and the API do: one function per operation, each taking the user and
//! checking what that user may do to the record's owner before touching it.

use crate::auth::User;
use crate::workflow;
use crate::Error;
use jixiao_domain::dataset::DepartmentYear;
use jixiao_domain::evaluate::{evaluate_department, Evaluation};
use jixiao_monitor::config::Config;
use jixiao_monitor::levels::{Level, Project, Table};
use jixiao_store::sql::{Backend, Sql};
use jixiao_store::Store;
use rust_decimal::Decimal;
use std::str::FromStr;
use std::sync::Arc;

/// What the data looks like now: changes through the web and imports from anywhere.
pub fn data_version(sql: &mut dyn Sql) -> Result<(i64, i64), Error> {
    let r = sql
        .row(
            "SELECT (SELECT value FROM web_state WHERE key = 'data_version'), \
             (SELECT COALESCE(MAX(id), 0) FROM import_batches)",
            &[],
        )?
        .unwrap_or_default();
    Ok((
        r.first().map_or(0, |v| v.int()),
        r.get(1).map_or(0, |v| v.int()),
    ))
}

/// A department the user may see.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Department {
    /// Its code.
    pub code: String,
    /// Its name.
    pub name: String,
    /// The years it has a self-evaluation dataset for.
    pub datasets: Vec<i32>,
}

/// The departments `user` may read: from the store's departments and the datasets' owners.
pub fn departments(store: &mut dyn Store, user: &User) -> Result<Vec<Department>, Error> {
    let mut out = all_departments(store)?;
    out.retain(|d| user.reads(&d.code));
    Ok(out)
}

/// Every department, from the store's departments and the datasets' owners, by code.
pub fn all_departments(store: &mut dyn Store) -> Result<Vec<Department>, Error> {
    let mut out: Vec<Department> = store
        .departments()?
        .into_iter()
        .map(|d| Department {
            code: d.code,
            name: d.name,
            datasets: Vec::new(),
        })
        .collect();
    for (code, year) in store.datasets()? {
        match out.iter_mut().find(|d| d.code == code) {
            Some(d) => {
                d.datasets.push(year);
                // Departments created from the units table carry no name: the dataset has it.
                if d.name.is_empty() {
                    if let Ok(data) = crate::load_dataset(store, &code, year) {
                        d.name = data.department.name;
                    }
                }
            }
            None => {
                let name = crate::load_dataset(store, &code, year)
                    .map(|d| d.department.name)
                    .unwrap_or_else(|_| code.clone());
                out.push(Department {
                    code,
                    name,
                    datasets: vec![year],
                })
            }
        }
    }
    out.sort_by(|a, b| a.code.cmp(&b.code));
    Ok(out)
}

/// One self-evaluation on the dashboard: department, name, year, state, latest saved score.
#[derive(Debug, Clone)]
pub struct Summary {
    /// The department.
    pub code: String,
    /// Its name.
    pub name: String,
    /// The year.
    pub year: i32,
    /// Where its workflow stands.
    pub state: workflow::State,
    /// The latest saved total and grade.
    pub saved: Option<(String, String)>,
}

/// What the dashboard and the monitoring page show besides execution, for every department,
/// read once per data version and day and filtered per user.
pub struct Overview {
    /// Every department.
    pub departments: Vec<Department>,
    /// Every self-evaluation.
    pub summaries: Vec<Summary>,
    /// Every rectification as it stands on the day.
    pub rectifications: Vec<crate::results::Rectification>,
}

/// (data version, day).
type OverviewKey = ((i64, i64), String);

/// The latest [`Overview`], by data version and day.
#[derive(Default)]
pub struct Overviews {
    latest: std::sync::Mutex<Option<(OverviewKey, Arc<Overview>)>>,
}

impl Overviews {
    /// The overview at this data version on `today`.
    pub fn at(
        &self,
        store: &mut dyn Store,
        version: (i64, i64),
        today: jixiao_domain::date::Date,
    ) -> Result<Arc<Overview>, Error> {
        let key = (version, today.to_string());
        if let Some((k, o)) = self.latest.lock().ok().and_then(|l| l.clone()) {
            if k == key {
                return Ok(o);
            }
        }
        let departments = all_departments(store)?;
        let mut summaries = Vec::new();
        for d in &departments {
            for y in &d.datasets {
                let state = workflow::status(store.sql(), &d.code, *y)?.state;
                let saved = store
                    .evaluations(&d.code, *y)?
                    .into_iter()
                    .next()
                    .map(|e| (e.total, e.grade));
                summaries.push(Summary {
                    code: d.code.clone(),
                    name: d.name.clone(),
                    year: *y,
                    state,
                    saved,
                });
            }
        }
        let rectifications = crate::results::all_rectifications(store.sql(), today)?;
        let o = Arc::new(Overview {
            departments,
            summaries,
            rectifications,
        });
        if let Ok(mut l) = self.latest.lock() {
            *l = Some((key, o.clone()));
        }
        Ok(o)
    }
}

/// Refuses unless `user` may read `department`.
pub fn must_read(user: &User, department: &str) -> Result<(), Error> {
    if user.reads(department) {
        Ok(())
    } else {
        Err(Error::Forbidden)
    }
}

/// Refuses unless `user` may change `department`'s data.
pub fn must_edit(user: &User, department: &str) -> Result<(), Error> {
    if user.edits(department) {
        Ok(())
    } else {
        Err(Error::Forbidden)
    }
}

/// An indicator's entry made in the browser: its evidence and the version a form must carry.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct Entry {
    /// The evidence described (documents, where kept).
    pub evidence: String,
    /// 0 before the first entry; bumped by each save.
    pub version: i64,
    /// Who saved it last, and when.
    pub updated_by: String,
    /// When (UTC).
    pub updated_at: String,
}

/// A self-evaluation with its live scores.
pub struct SelfEvaluation {
    /// The dataset.
    pub data: DepartmentYear,
    /// The department's evaluation.
    pub department: Evaluation,
    /// Each project's evaluation (projects with indicators).
    pub projects: Vec<Evaluation>,
    /// The projects that cannot be scored yet, with why (an approved project with some of its
    /// actuals still to enter): the page shows them so they can be completed; submitting is
    /// refused until they score.
    pub unscored: Vec<(String, String)>,
    /// Entries by (project code, indicator name).
    pub entries: std::collections::HashMap<(String, String), Entry>,
    /// The workflow.
    pub status: workflow::Status,
    /// The saved evaluations' totals, newest first: (when, total, grade).
    pub saved: Vec<(String, String, String)>,
}

fn evaluation_failure(errors: Vec<jixiao_domain::evaluate::EvalError>) -> Error {
    Error::invalid_data(
        errors
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join("；"),
    )
}

/// Scores a dataset under its frameworks of record (its department.toml's `[frameworks]`).
pub fn score(data: &DepartmentYear) -> Result<(Evaluation, Vec<Evaluation>), Error> {
    let load =
        |id: &str| jixiao_formats::framework::load(id).map_err(|p| Error::Internal(p.to_string()));
    let fw = load(&data.frameworks.department)?;
    let pfw = load(&data.frameworks.project)?;
    let department = evaluate_department(&fw, data).map_err(evaluation_failure)?;
    let projects = crate::project_evaluations(data, &pfw).map_err(evaluation_failure)?;
    Ok((department, projects))
}

/// A department's self-evaluation for `year`, scored now.
pub fn self_evaluation(
    store: &mut dyn Store,
    user: &User,
    department: &str,
    year: i32,
) -> Result<SelfEvaluation, Error> {
    must_read(user, department)?;
    let data = crate::load_dataset(store, department, year)?;
    let fw = jixiao_formats::framework::load(&data.frameworks.department)
        .map_err(|p| Error::Internal(p.to_string()))?;
    let pfw = jixiao_formats::framework::load(&data.frameworks.project)
        .map_err(|p| Error::Internal(p.to_string()))?;
    let evaluation = evaluate_department(&fw, &data).map_err(evaluation_failure)?;
    let mut projects = Vec::new();
    let mut unscored = Vec::new();
    for p in data.projects.iter().filter(|p| {
        p.indicators
            .iter()
            .any(|i| i.actual.is_some() || i.judgement.is_some())
    }) {
        match jixiao_domain::evaluate::evaluate_project(&pfw, p) {
            Ok(e) => projects.push(e),
            Err(errors) => unscored.push((p.code.clone(), evaluation_failure(errors).to_string())),
        }
    }
    let sql = store.sql();
    let entries = sql
        .query(
            "SELECT project_code, indicator, evidence, version, updated_by, updated_at \
             FROM indicator_entries WHERE department_code = $1 AND year = $2",
            &[department.into(), year.into()],
        )?
        .into_iter()
        .map(|r| {
            (
                (r[0].text().to_string(), r[1].text().to_string()),
                Entry {
                    evidence: r[2].text().into(),
                    version: r[3].int(),
                    updated_by: r[4].text().into(),
                    updated_at: r[5].text().into(),
                },
            )
        })
        .collect();
    let status = workflow::status(sql, department, year)?;
    let saved = store
        .evaluations(department, year)?
        .into_iter()
        .map(|e| (e.evaluated_at, e.total, e.grade))
        .collect();
    Ok(SelfEvaluation {
        data,
        department: evaluation,
        projects,
        unscored,
        entries,
        status,
        saved,
    })
}

/// An indicator's actual as a clerk enters it: the one command the evaluation page's form and
/// `POST /api/evaluations/{department}/{year}/actuals` both read.
#[derive(Debug, Clone, serde::Deserialize)]
pub struct ActualEntry {
    /// The project's code, or empty for the department's own indicators.
    pub project: String,
    /// The indicator's name.
    pub indicator: String,
    /// The value as typed (an exact number; thousands separators allowed).
    pub actual: String,
    /// What supports it.
    #[serde(default)]
    pub evidence: String,
    /// The version of the indicator the form was drawn at (a stale one is refused).
    #[serde(default)]
    pub version: i64,
}

/// Saves an indicator's actual value and evidence: refused when the self-evaluation is no
/// longer editable, when the value is not an exact number, or when someone saved the same
/// indicator since the user's form was drawn (`seen_version`). The value is written into the
/// stored dataset, so reports, exports and the command line see it.
pub fn set_actual(
    store: &mut dyn Store,
    user: &User,
    department: &str,
    year: i32,
    entry: &ActualEntry,
) -> Result<i64, Error> {
    let ActualEntry {
        project,
        indicator,
        actual: value,
        evidence,
        version: seen_version,
    } = entry;
    let seen_version = *seen_version;
    must_edit(user, department)?;
    let value = value.trim().replace([',', '，'], "");
    let exact = Decimal::from_str(&value).map_err(|_| {
        Error::invalid(
            format!("指标“{indicator}”的实际完成值“{value}”不是数字：应填写如 4529 或 97.5 的数（不带单位）。"),
            format!("The actual value “{value}” of “{indicator}” is not a number: write one such as 4529 or 97.5, without its unit."),
        )
    })?;
    let sql = store.sql();
    sql.write(|sql| {
        workflow::lock(sql, department, year)?;
        let status = workflow::status(sql, department, year)?;
        if !status.state.editable() {
            return Err(Error::invalid(
                format!(
                    "自评当前为“{}”，不能修改；如需修改，请审核人先退回。",
                    status.state.label().0
                ),
                format!(
                    "The self-evaluation is “{}” and cannot change; to change it, the approver must return it first.",
                    status.state.label().1
                ),
            ));
        }
        let lock = if sql.backend() == Backend::Postgres {
            " FOR UPDATE"
        } else {
            ""
        };
        let file = sql
            .row(
                &format!(
                    "SELECT content FROM dataset_files WHERE department_code = $1 AND year = $2 AND file_name = 'projects.toml'{lock}"
                ),
                &[department.into(), year.into()],
            )?
            .ok_or(Error::not_found())?;
        // The value's one home is the dataset's projects.toml; indicator_entries records the
        // edit (evidence, version, who, when).
        let (text, before) = rewrite_actual(file[0].text(), project, indicator, &exact.to_string())?;
        let old = sql.row(
            "SELECT evidence, version, updated_by, updated_at FROM indicator_entries \
             WHERE department_code = $1 AND year = $2 AND project_code = $3 AND indicator = $4",
            &[department.into(), year.into(), project.into(), indicator.into()],
        )?;
        let current = old.as_ref().map_or(0, |r| r[1].int());
        if current != seen_version {
            return Err(match &old {
                Some(r) => Error::stale(
                    format!(
                        "指标“{indicator}”已被 {} 于 {} 改为 {before}，您的修改未保存。请刷新页面，核对后再填。",
                        r[2].text(),
                        r[3].text(),
                    ),
                    format!(
                        "{} changed “{indicator}” to {before} at {}; your change was not saved. Reload, check and try again.",
                        r[2].text(),
                        r[3].text()
                    ),
                ),
                None => Error::stale(
                    format!("指标“{indicator}”尚无录入，您的表单版本不对，修改未保存。请刷新页面后再填。"),
                    format!("“{indicator}” has no entry yet and your form's version is wrong; nothing was saved. Reload and try again."),
                ),
            });
        }
        let files = store_files(sql, department, year)?;
        store_projects_toml(sql, department, year, files, text)?;
        let at = jixiao_store::now_utc();
        let actor = user.actor();
        let version = current + 1;
        let changed = if current == 0 {
            sql.execute(
                "INSERT INTO indicator_entries (department_code, year, project_code, indicator, evidence, version, updated_by, updated_at) \
                 VALUES ($1, $2, $3, $4, $5, 1, $6, $7) ON CONFLICT DO NOTHING",
                &[department.into(), year.into(), project.into(), indicator.into(), evidence.into(), actor.clone().into(), at.into()],
            )?
        } else {
            sql.execute(
                "UPDATE indicator_entries SET evidence = $1, version = version + 1, updated_by = $2, updated_at = $3 \
                 WHERE department_code = $4 AND year = $5 AND project_code = $6 AND indicator = $7 AND version = $8",
                &[evidence.into(), actor.clone().into(), at.into(), department.into(), year.into(), project.into(), indicator.into(), current.into()],
            )?
        };
        if changed != 1 {
            return Err(Error::stale(
                format!("指标“{indicator}”刚被他人修改，您的修改未保存。请刷新页面，核对后再填。"),
                format!("Someone else just changed “{indicator}”; your change was not saved. Reload, check and try again."),
            ));
        }
        let before_evidence = old.as_ref().map_or("", |r| r[0].text());
        crate::record_change(
            sql,
            &actor,
            "录入实际完成值",
            &format!("indicator:{department}/{year}/{project}/{indicator}"),
            &serde_json::json!({ "actual": before, "evidence": before_evidence }).to_string(),
            &serde_json::json!({ "actual": exact.to_string(), "evidence": evidence }).to_string(),
        )?;
        Ok(version)
    })
}

pub(crate) fn store_files(
    sql: &mut dyn Sql,
    department: &str,
    year: i32,
) -> Result<std::collections::BTreeMap<String, String>, Error> {
    Ok(sql
        .query(
            "SELECT file_name, content FROM dataset_files WHERE department_code = $1 AND year = $2",
            &[department.into(), year.into()],
        )?
        .into_iter()
        .map(|r| (r[0].text().to_string(), r[1].text().to_string()))
        .collect())
}

/// Writes a project's adjusted full-year budget into the department's stored dataset, when
/// the dataset lists the project: `budget.full_year` in the file's own unit (万元 or 元),
/// comments and layout kept; the dataset must still read, whole, before it is stored.
fn sync_dataset_budget(
    sql: &mut dyn Sql,
    department: &str,
    year: i32,
    code: &str,
    new: jixiao_domain::money::Fen,
) -> Result<(), Error> {
    let files = store_files(sql, department, year)?;
    let Some(text) = files
        .get("projects.toml")
        .map(|t| with_budget(t, code, new))
        .transpose()?
        .flatten()
    else {
        return Ok(());
    };
    store_projects_toml(sql, department, year, files, text)
}

/// Stores a rewritten `projects.toml` among the dataset's other `files`: the dataset must
/// still read, whole, before it is stored.
pub(crate) fn store_projects_toml(
    sql: &mut dyn Sql,
    department: &str,
    year: i32,
    mut files: std::collections::BTreeMap<String, String>,
    text: String,
) -> Result<(), Error> {
    files.insert("projects.toml".into(), text.clone());
    jixiao_formats::dataset::parse(&jixiao_formats::dataset::DatasetFiles {
        origin: format!("库:{department}/{year}").into(),
        files,
    })
    .map_err(|p| Error::invalid_data(p.to_string()))?;
    sql.execute(
        "UPDATE dataset_files SET content = $1 WHERE department_code = $2 AND year = $3 AND file_name = 'projects.toml'",
        &[text.into(), department.into(), year.into()],
    )?;
    Ok(())
}

/// `projects.toml` with project `code`'s `budget.full_year` set to `new` in the file's unit;
/// `None` when the file does not list the project or gives it no budget table.
fn with_budget(
    text: &str,
    code: &str,
    new: jixiao_domain::money::Fen,
) -> Result<Option<String>, Error> {
    let mut doc = text
        .parse::<toml_edit::DocumentMut>()
        .map_err(|e| Error::Internal(format!("projects.toml 无法读取：{e}")))?;
    let amount = match doc.get("unit").and_then(|u| u.as_str()) {
        Some("元") => new.to_yuan(),
        _ => new.to_wan(),
    }
    .normalize()
    .to_string();
    let Some(project) = doc
        .get_mut("projects")
        .and_then(|p| p.as_array_of_tables_mut())
        .and_then(|ps| {
            ps.iter_mut()
                .find(|p| p.get("code").and_then(|c| c.as_str()) == Some(code))
        })
    else {
        return Ok(None);
    };
    match project.get_mut("budget") {
        Some(toml_edit::Item::Value(toml_edit::Value::InlineTable(t))) => {
            t.insert("full_year", amount.into());
        }
        Some(toml_edit::Item::Table(t)) => {
            t.insert("full_year", toml_edit::value(amount));
        }
        _ => return Ok(None),
    }
    Ok(Some(doc.to_string()))
}

/// `projects.toml` with one indicator's `actual` replaced (comments and layout kept), and the
/// value it had.
fn rewrite_actual(
    text: &str,
    project: &str,
    indicator: &str,
    value: &str,
) -> Result<(String, String), Error> {
    let mut doc = text
        .parse::<toml_edit::DocumentMut>()
        .map_err(|e| Error::Internal(format!("projects.toml 无法读取：{e}")))?;
    let p = table_where(doc.as_table_mut(), "projects", "code", project)?;
    let i = table_where(p, "indicators", "name", indicator)?;
    let before = match i.get("actual") {
        Some(item) => match item.as_str() {
            Some(s) => s.to_string(),
            None => item.to_string().trim().to_string(),
        },
        None => String::new(),
    };
    // Entered by the department: a stated value, no longer inferred.
    i.insert("actual", toml_edit::value(value));
    Ok((doc.to_string(), before))
}

/// The table of the array of tables `array` in `t` whose `field` is `value`.
fn table_where<'a>(
    t: &'a mut toml_edit::Table,
    array: &str,
    field: &str,
    value: &str,
) -> Result<&'a mut toml_edit::Table, Error> {
    t.get_mut(array)
        .and_then(|a| a.as_array_of_tables_mut())
        .and_then(|a| {
            a.iter_mut()
                .find(|e| e.get(field).and_then(|f| f.as_str()) == Some(value))
        })
        .ok_or(Error::not_found())
}

/// What a self-evaluation's score rests on: a digest of its stored dataset files (actuals
/// entered in the browser are written into them).
fn fingerprint(sql: &mut dyn Sql, department: &str, year: i32) -> Result<String, Error> {
    let rows = sql.query(
        "SELECT file_name, content FROM dataset_files WHERE department_code = $1 AND year = $2 ORDER BY file_name",
        &[department.into(), year.into()],
    )?;
    let mut all = String::new();
    for r in rows {
        for v in [r[0].text(), r[1].text()] {
            all.push_str(&v.len().to_string());
            all.push(':');
            all.push_str(v);
        }
    }
    Ok(crate::auth::sha256(&all))
}

/// Refuses when the data a score was computed from (`seen`, its [`fingerprint`]) changed
/// before the step's transaction took the self-evaluation's lock: what was scored is not what
/// is stored.
fn unchanged_since(
    sql: &mut dyn Sql,
    department: &str,
    year: i32,
    seen: &str,
) -> Result<(), Error> {
    if fingerprint(sql, department, year)? != seen {
        return Err(Error::stale(
            "数据在评分期间被修改，操作未执行。请刷新页面后再试。",
            "The data changed while it was being scored; nothing was done. Reload and try again.",
        ));
    }
    Ok(())
}

/// The latest saved total of a self-evaluation and the total its data gives now (`live`):
/// equal when the saved score is current, which approving and publishing need.
pub fn saved_and_live(
    store: &mut dyn Store,
    department: &str,
    year: i32,
    live: &Evaluation,
) -> Result<(Option<String>, String), Error> {
    let live = jixiao_domain::number::format_score(live.total);
    let saved = store
        .evaluations(department, year)?
        .into_iter()
        .next()
        .map(|e| e.total);
    Ok((saved, live))
}

/// Scores a self-evaluation and saves the record with its audit entry, the workflow step
/// `step` (when given) in the same transaction: the saved score, the state and the audit trail
/// commit together or not at all. Returns the total.
fn save_scored(
    store: &mut dyn Store,
    user: &User,
    department: &str,
    year: i32,
    step: Option<(workflow::Step, i64, &str)>,
) -> Result<(String, Option<workflow::Status>), Error> {
    let seen = fingerprint(store.sql(), department, year)?;
    let data = crate::load_dataset(store, department, year)?;
    let (evaluation, _) = score(&data)?;
    let record = crate::evaluation_record(&data, &evaluation);
    let total = record.total.clone();
    let mut tx = store.begin(&format!("评价 {department} {year} {}", record.framework))?;
    let status = {
        let mut sql = jixiao_store::sql::InTransaction(tx.as_mut());
        // Serialised with every entry and step of this self-evaluation; then the data must be
        // what was scored.
        workflow::lock(&mut sql, department, year)?;
        unchanged_since(&mut sql, department, year, &seen)?;
        match step {
            Some((step, seen, comment)) => Some(workflow::take(
                &mut sql, user, department, year, step, seen, comment,
            )?),
            None => None,
        }
    };
    tx.save_evaluation(&record)?;
    {
        let mut sql = jixiao_store::sql::InTransaction(tx.as_mut());
        crate::record_change(
            &mut sql,
            &user.actor(),
            if step.is_some() {
                "提交时评分并保存"
            } else {
                "重新评分并保存"
            },
            &format!("evaluation:{department}/{year}"),
            "",
            &format!("{total}（{}）", evaluation.grade_label),
        )?;
    }
    tx.commit()?;
    Ok((total, status))
}

/// Scores the self-evaluation now and saves it, while it is still editable.
pub fn recompute(
    store: &mut dyn Store,
    user: &User,
    department: &str,
    year: i32,
) -> Result<String, Error> {
    must_edit(user, department)?;
    let state = workflow::status(store.sql(), department, year)?.state;
    if !state.editable() {
        return Err(Error::invalid(
            format!(
                "自评当前为“{}”，评分已随提交固定；如需重新评分，请审核人先退回。",
                state.label().0
            ),
            format!(
                "The self-evaluation is “{}”: its score was fixed when it was submitted; to score it again, the approver must return it first.",
                state.label().1
            ),
        ));
    }
    Ok(save_scored(store, user, department, year, None)?.0)
}

/// The narrative report as .docx or .pdf bytes.
pub fn report(data: &DepartmentYear, format: &str) -> Result<Vec<u8>, Error> {
    let (evaluation, projects) = score(data)?;
    let wording = jixiao_report::wording::Wording::default();
    let doc = jixiao_report::build_with(data, &evaluation, &projects, &wording)
        .map_err(|e| Error::Internal(format!("无法生成报告：{e}")))?;
    match format {
        "pdf" => {
            let fonts = jixiao_report::pdf::find_fonts().map_err(Error::Internal)?;
            jixiao_report::pdf::write(&doc, &fonts).map_err(Error::Internal)
        }
        "docx" => jixiao_report::docx::write(&doc, std::io::Cursor::new(Vec::new()))
            .map(|c| c.into_inner())
            .map_err(|e| Error::Internal(e.to_string())),
        _ => Err(Error::not_found()),
    }
}

/// What the public may see: the published self-evaluations, (department, name, year, when).
pub fn published(store: &mut dyn Store) -> Result<Vec<(String, String, i32, String)>, Error> {
    let rows = store.sql().query(
        "SELECT department_code, year, updated_at FROM workflow WHERE state = 'published' ORDER BY department_code, year",
        &[],
    )?;
    let mut out = Vec::new();
    for r in rows {
        let (code, year) = (r[0].text().to_string(), r[1].int() as i32);
        let name = crate::load_dataset(store, &code, year)
            .map(|d| d.department.name)
            .unwrap_or_else(|_| code.clone());
        out.push((code, name, year, r[2].text().to_string()));
    }
    Ok(out)
}

/// A published self-evaluation's dataset; anything unpublished is "not found" to the public.
pub fn published_dataset(
    store: &mut dyn Store,
    department: &str,
    year: i32,
) -> Result<DepartmentYear, Error> {
    let status = workflow::status(store.sql(), department, year)?;
    if status.state != workflow::State::Published {
        return Err(Error::not_found());
    }
    crate::load_dataset(store, department, year)
}

/// The monitoring of a year as of a date, computed once per data version and shared.
pub struct Monitoring {
    /// The as-of date.
    pub as_of: jixiao_domain::date::Date,
    /// Departments ranked by execution rate.
    pub departments: Table,
    /// Every project with its own warning.
    pub projects: Table,
    /// Department code → name.
    pub names: std::collections::HashMap<String, String>,
    /// Project code → (department, name).
    pub project_info: std::collections::HashMap<String, (String, String)>,
}

/// A value read at a data version.
type DataVersion<T> = ((i64, i64), T);

/// (year, as-of date, data version).
type CacheKey = (i32, String, (i64, i64));

/// The cache of the latest monitoring views, by (year, as-of, data version).
#[derive(Default)]
pub struct MonitoringCache {
    entries: std::sync::Mutex<Vec<(CacheKey, Arc<Monitoring>)>>,
    latest: std::sync::Mutex<Option<DataVersion<Option<i32>>>>,
}

impl MonitoringCache {
    /// The view for `year` as of `as_of`, computed when the data changed since last time.
    pub fn get(
        &self,
        store: &mut dyn Store,
        year: i32,
        as_of: jixiao_domain::date::Date,
    ) -> Result<Arc<Monitoring>, Error> {
        let version = data_version(store.sql())?;
        self.get_at(store, year, as_of, version)
    }

    /// The latest year with projects at this data version (looked up once per version).
    pub fn latest_year(
        &self,
        store: &mut dyn Store,
        version: (i64, i64),
    ) -> Result<Option<i32>, Error> {
        if let Some((v, y)) = self.latest.lock().ok().and_then(|l| *l) {
            if v == version {
                return Ok(y);
            }
        }
        let y = store
            .sql()
            .row("SELECT MAX(year) FROM projects", &[])?
            .and_then(|r| r.into_iter().next())
            .filter(|v| *v != jixiao_store::sql::Value::Null)
            .map(|v| v.int() as i32);
        if let Ok(mut l) = self.latest.lock() {
            *l = Some((version, y));
        }
        Ok(y)
    }

    /// The view at a data version the caller has just read.
    pub fn get_at(
        &self,
        store: &mut dyn Store,
        year: i32,
        as_of: jixiao_domain::date::Date,
        version: (i64, i64),
    ) -> Result<Arc<Monitoring>, Error> {
        let key = (year, as_of.to_string(), version);
        if let Some((_, m)) = self
            .entries
            .lock()
            .ok()
            .and_then(|e| e.iter().find(|(k, _)| *k == key).cloned())
        {
            return Ok(m);
        }
        let projects: Vec<Project> = crate::monitored_projects(store, year)?;
        let c = Config::default();
        let departments =
            crate::monitor_projects(store, &projects, year, as_of, Level::Department, &c)?;
        let by_project =
            crate::monitor_projects(store, &projects, year, as_of, Level::Project, &c)?;
        let mut names: std::collections::HashMap<String, String> = store
            .departments()?
            .into_iter()
            .filter(|d| !d.name.is_empty())
            .map(|d| (d.code, d.name))
            .collect();
        // Departments known only by code from the units table: named from their datasets.
        for (code, y) in store.datasets()? {
            if let std::collections::hash_map::Entry::Vacant(slot) = names.entry(code) {
                if let Ok(d) = crate::load_dataset(store, slot.key(), y) {
                    slot.insert(d.department.name);
                }
            }
        }
        let project_info = store
            .projects(Some(year))?
            .into_iter()
            .map(|p| (p.code, (p.unit_code, p.name)))
            .collect::<std::collections::HashMap<_, _>>();
        let dept_of: std::collections::HashMap<&str, &str> = projects
            .iter()
            .map(|p| (p.code.as_str(), &*p.department))
            .collect();
        let project_info = project_info
            .into_iter()
            .map(|(code, (_, name))| {
                let d = dept_of
                    .get(code.as_str())
                    .copied()
                    .unwrap_or("")
                    .to_string();
                (code, (d, name))
            })
            .collect();
        let m = Arc::new(Monitoring {
            as_of,
            departments,
            projects: by_project,
            names,
            project_info,
        });
        if let Ok(mut e) = self.entries.lock() {
            e.retain(|(k, _)| k.2 == version);
            e.push((key, m.clone()));
            if e.len() > 16 {
                e.remove(0);
            }
        }
        Ok(m)
    }
}

/// A project of the store as its page shows it.
pub struct ProjectView {
    /// The project.
    pub project: jixiao_store::ProjectRecord,
    /// Its department.
    pub department: String,
    /// Its unit's name.
    pub unit_name: String,
    /// Payments by month, fen.
    pub months: [i64; 12],
    /// Its performance targets.
    pub targets: Vec<jixiao_store::TargetRecord>,
    /// The version of its budget, which an adjustment form carries.
    pub budget_version: i64,
    /// Whether its department's self-evaluation of the year is under review or published, so
    /// that its budget stays as reviewed.
    pub locked: bool,
}

/// A store project of `year`, if it belongs to `department` and `user` may read it.
pub fn project_view(
    store: &mut dyn Store,
    user: &User,
    department: &str,
    year: i32,
    code: &str,
) -> Result<ProjectView, Error> {
    must_read(user, department)?;
    let project = store
        .projects(Some(year))?
        .into_iter()
        .find(|p| p.code == code)
        .ok_or(Error::not_found())?;
    let unit = store
        .units()?
        .into_iter()
        .find(|u| u.code == project.unit_code)
        .ok_or(Error::not_found())?;
    // Another department's project is "not found" here, whatever its code.
    if unit.department_code != department {
        return Err(Error::not_found());
    }
    let months = store
        .execution(year)?
        .into_iter()
        .find(|r| r.project_code == code)
        .map_or([0; 12], |r| r.months);
    let targets = store
        .targets(Some(year))?
        .into_iter()
        .filter(|t| t.project_code == code)
        .collect();
    let budget_version =
        jixiao_store::edits::budget(store.sql(), year, code)?.map_or(0, |(_, v)| v);
    let locked =
        jixiao_store::edits::locked_review(store.sql(), &unit.department_code, year)?.is_some();
    Ok(ProjectView {
        project,
        department: unit.department_code,
        unit_name: unit.name,
        months,
        targets,
        budget_version,
        locked,
    })
}

/// 万元 as a clerk types it ("1,234.56", "69.88") to fen, exactly.
pub fn parse_wan(text: &str) -> Result<jixiao_domain::money::Fen, Error> {
    let t = text.trim().replace([',', '，'], "");
    let bad = || {
        Error::invalid(
            format!(
                "金额“{}”无法识别：应为以万元为单位的数，如 69.88，最多到分（小数点后六位）。",
                text.trim()
            ),
            format!(
                "Amount “{}” not understood: write it in 万元 (10,000 yuan), such as 69.88, to the fen at most (six decimals).",
                text.trim()
            ),
        )
    };
    let d = Decimal::from_str(&t).map_err(|_| bad())?;
    if d < Decimal::ZERO {
        return Err(bad());
    }
    // The domain's one exact conversion: a fraction of a fen or an amount out of range is
    // refused there.
    jixiao_domain::money::Fen::from_wan(d).map_err(|_| bad())
}

/// Adjusts a project's full-year budget (年中调整): the finance bureau's work (budgets are
/// approved by the bureau; departments enter actuals, evidence and their self-evaluation).
/// The form carries the budget's version; a change made since is refused with what the budget
/// holds now. Refused while the department's self-evaluation of the year is submitted,
/// approved or published, whose score the budget feeds. A reason is required and recorded in
/// the audit trail with the amounts before and after.
#[allow(clippy::too_many_arguments)]
pub fn adjust_budget(
    store: &mut dyn Store,
    user: &User,
    department: &str,
    year: i32,
    code: &str,
    seen_version: i64,
    new: jixiao_domain::money::Fen,
    reason: &str,
) -> Result<(), Error> {
    if !user.adjusts_budgets() {
        return Err(Error::Forbidden);
    }
    if reason.trim().is_empty() {
        return Err(Error::invalid(
            "请写明调整原因（如 年中追加、调减）。",
            "Give the reason for the adjustment (such as a mid-year addition or cut).",
        ));
    }
    // The project must be this department's.
    project_view(store, user, department, year, code)?;
    store.sql().write(|sql| {
        let state = workflow::status(sql, department, year)?.state;
        if !state.editable() {
            return Err(Error::invalid(
                format!(
                    "部门 {year} 年度自评当前为“{}”，其评分依据的预算不能再调整；如确需调整，请先退回自评。",
                    state.label().0
                ),
                format!(
                    "The department's {year} self-evaluation is “{}”: the budgets its score rests on cannot change now; return it first if they must.",
                    state.label().1
                ),
            ));
        }
        let before = jixiao_store::edits::budget(sql, year, code)?.ok_or(Error::not_found())?;
        match jixiao_store::edits::adjust_budget(sql, year, code, seen_version, new)? {
            jixiao_store::edits::Edit::Saved => {}
            jixiao_store::edits::Edit::Stale(now, _) => {
                return Err(Error::stale(
                    format!(
                        "项目 {code} 的调整后预算已被他人改为 {}，您的修改未保存。请刷新后再改。",
                        now.format_wan_unit()
                    ),
                    format!(
                        "Someone else changed project {code}'s adjusted budget to {}; your change was not saved. Reload and try again.",
                        now.format_wan_unit()
                    ),
                ))
            }
            jixiao_store::edits::Edit::Missing => return Err(Error::not_found()),
        }
        // The self-evaluation reads the dataset: the adjustment reaches it in the same
        // transaction, so the score rests on the budget the bureau approved.
        sync_dataset_budget(sql, department, year, code, new)?;
        crate::record_change(
            sql,
            &user.actor(),
            "调整项目预算",
            &format!("project:{year}/{code}"),
            &before.0.format_wan_unit(),
            &format!("{}（{}）", new.format_wan_unit(), reason.trim()),
        )
    })
}

/// Takes a workflow step named as forms and the API name it (`submit`, `return`, `approve`,
/// `publish`), for a department the user may read, from the version the user saw.
///
/// One evaluation has one score: submitting scores the self-evaluation and saves it in the
/// same transaction as the step, and approving or publishing is refused when the saved score
/// is no longer what the data gives (it must be returned and submitted again), so the
/// dashboard (saved record), the page, the portal and the open data (live) agree.
pub fn transition(
    store: &mut dyn Store,
    user: &User,
    department: &str,
    year: i32,
    command: &workflow::StepCommand,
) -> Result<workflow::Status, Error> {
    let workflow::StepCommand {
        step,
        version: seen_version,
        comment,
    } = command;
    let seen_version = *seen_version;
    must_read(user, department)?;
    let step = workflow::Step::parse(step).ok_or_else(|| {
        Error::invalid(
            format!("未知的操作“{step}”。"),
            format!("Unknown step “{step}”."),
        )
    })?;
    match step {
        workflow::Step::Submit => {
            if !step.allowed(user, department) {
                return Err(Error::Forbidden);
            }
            let (_, status) = save_scored(
                store,
                user,
                department,
                year,
                Some((step, seen_version, comment)),
            )?;
            status.ok_or_else(|| Error::Internal("提交后没有状态".into()))
        }
        workflow::Step::Approve | workflow::Step::Publish => {
            let state = workflow::status(store.sql(), department, year)?.state;
            let seen = fingerprint(store.sql(), department, year)?;
            if step.allowed(user, department) && step.leaves(state) {
                let data = crate::load_dataset(store, department, year)?;
                let (live, _) = score(&data)?;
                let (saved, live) = saved_and_live(store, department, year, &live)?;
                if saved.as_deref() != Some(live.as_str()) {
                    let saved = saved.unwrap_or_else(|| "—".into());
                    return Err(Error::invalid(
                        format!(
                            "已保存的评分（{saved}）与按当前数据计算的评分（{live}）不一致，不能“{}”：请退回，由填报人核对后重新提交。",
                            step.label().0
                        ),
                        format!(
                            "The saved score ({saved}) is not what the data gives now ({live}), so it cannot be “{}”: return it so that the editor checks and submits again.",
                            step.label().1
                        ),
                    ));
                }
            }
            store.sql().write(|sql| {
                workflow::lock(sql, department, year)?;
                unchanged_since(sql, department, year, &seen)?;
                workflow::take(sql, user, department, year, step, seen_version, comment)
            })
        }
        workflow::Step::Return => store
            .sql()
            .write(|sql| workflow::take(sql, user, department, year, step, seen_version, comment)),
    }
}

#[cfg(test)]
mod tests {
    use super::with_budget;
    use jixiao_domain::money::Fen;

    #[test]
    fn an_adjusted_budget_is_written_into_the_dataset_in_its_unit() {
        let wan = "format = \"jixiao-dataset/1\"\nunit = \"万元\"\n\n# 注释\n[[projects]]\ncode = \"P01\"\nbudget = { initial = \"80\", full_year = \"85\" }\n";
        let out = with_budget(wan, "P01", Fen(90_123_456)).unwrap().unwrap();
        assert!(
            out.contains("budget = { initial = \"80\", full_year = \"90.123456\" }"),
            "{out}"
        );
        assert!(out.contains("# 注释"), "comments kept: {out}");
        let yuan = wan.replace("万元", "元");
        let out = with_budget(&yuan, "P01", Fen(12_345)).unwrap().unwrap();
        assert!(out.contains("full_year = \"123.45\""), "{out}");
        // A project the dataset does not list is left alone.
        assert_eq!(with_budget(wan, "X01", Fen(1)).unwrap(), None);
    }
}
