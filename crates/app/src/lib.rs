//! Application services: the steps that the command line and the web server both take
//! between the store and the domain. Each reads or writes through a [`Store`] and returns
//! domain types; neither front end repeats them.

pub mod accounts;
pub mod approved;
pub mod assessments;
pub mod audit;
pub mod auth;
pub mod declarations;
pub mod demo;
mod error;
pub mod library;
pub mod notice;
pub mod results;
pub mod service;
pub mod targets;
pub mod uploads;
pub mod workflow;

pub use error::{Error, Msg};

use jixiao_domain::dataset::DepartmentYear;
use jixiao_domain::date::Date;
use jixiao_domain::evaluate::Evaluation;
use jixiao_domain::money::Fen;
use jixiao_domain::number::format_score;
use jixiao_formats::dataset::DatasetFiles;
use jixiao_monitor::config::Config;
use jixiao_monitor::levels::{is_month_end, monitor, Level, Project, Table};
use jixiao_store::{EvaluationItemRecord, EvaluationRecord, Store};
use std::path::PathBuf;

/// Serialises, to the end of the caller's transaction, everything that reads the record named
/// `key` and then writes by it: SQLite's write transactions are serial already; PostgreSQL takes
/// a transaction-scoped advisory lock on the key.
pub(crate) fn lock(sql: &mut dyn jixiao_store::sql::Sql, key: &str) -> Result<(), Error> {
    if sql.backend() == jixiao_store::sql::Backend::Postgres {
        sql.query("SELECT pg_advisory_xact_lock(hashtext($1))", &[key.into()])?;
    }
    Ok(())
}

/// Records a change to the data: appends its audit entry and moves the data version on, so
/// every server's cached views are rebuilt. Call it inside the transaction that makes the
/// change, so the three commit together; it is the one place either happens for data.
pub fn record_change(
    sql: &mut dyn jixiao_store::sql::Sql,
    actor: &str,
    action: &str,
    entity: &str,
    before: &str,
    after: &str,
) -> Result<(), Error> {
    audit::append(sql, actor, action, entity, before, after)?;
    sql.execute(
        "UPDATE web_state SET value = value + 1 WHERE key = 'data_version'",
        &[],
    )?;
    Ok(())
}

/// A department's self-evaluation dataset for `year`, read from the store.
pub fn load_dataset(
    store: &mut dyn Store,
    department: &str,
    year: i32,
) -> Result<DepartmentYear, Error> {
    let Some(files) = store.dataset_files(department, year)? else {
        let known = store
            .datasets()?
            .iter()
            .map(|(c, y)| format!("{c}（{y}）"))
            .collect::<Vec<_>>()
            .join("、");
        return Err(Error::NotFound(format!(
            "库 {} 中没有部门“{department}”{year} 年度的数据集；库中有：{}",
            store.location(),
            if known.is_empty() {
                "（无）"
            } else {
                &known
            }
        )));
    };
    let set = DatasetFiles {
        origin: PathBuf::from(format!("库:{department}/{year}")),
        files,
    };
    jixiao_formats::dataset::parse(&set).map_err(Error::Input)
}

/// An evaluation as the store keeps it: every item's weight, value, score, the points lost
/// and why, and the working.
pub fn evaluation_record(data: &DepartmentYear, eval: &Evaluation) -> EvaluationRecord {
    EvaluationRecord {
        department_code: data.department.code.clone(),
        year: data.year,
        framework: eval.framework_id.clone(),
        total: format_score(eval.total),
        max_total: format_score(eval.max_total),
        grade: eval.grade_label.clone(),
        evaluated_at: jixiao_store::now_utc(),
        items: eval
            .items
            .iter()
            .map(|i| EvaluationItemRecord {
                item_id: i.id.clone(),
                name: i.name.clone(),
                weight: format_score(i.weight),
                value: i.value_text(),
                score: format_score(i.score),
                loss_reason: i.loss_reason.clone().unwrap_or_default(),
                derivation: i.derivation.clone(),
            })
            .collect(),
    }
}

/// Each project with indicators scored under the project framework `fw`, in dataset order.
pub fn project_evaluations(
    data: &DepartmentYear,
    fw: &jixiao_domain::framework::Framework,
) -> Result<Vec<Evaluation>, Vec<jixiao_domain::evaluate::EvalError>> {
    // A project none of whose indicators has its actual yet (an approved declaration early in
    // the year) is not scored yet; one with some actuals and not others is an error to mend
    // (the page lists it: `service::SelfEvaluation::unscored`).
    data.projects
        .iter()
        .filter(|p| !p.indicators.is_empty())
        .filter(|p| {
            p.indicators
                .iter()
                .any(|i| i.actual.is_some() || i.judgement.is_some())
        })
        .map(|p| jixiao_domain::evaluate::evaluate_project(fw, p))
        .collect()
}

/// Saves an evaluation in one transaction.
pub fn save_evaluation(
    store: &mut dyn Store,
    data: &DepartmentYear,
    eval: &Evaluation,
) -> Result<(), Error> {
    let record = evaluation_record(data, eval);
    let mut tx = store.begin(&format!(
        "评价 {} {} {}",
        record.department_code, record.year, record.framework
    ))?;
    tx.save_evaluation(&record)?;
    tx.commit()?;
    Ok(())
}

/// Projects of `year` as monitoring sees them, from the store.
pub fn monitored_projects(store: &mut dyn Store, year: i32) -> Result<Vec<Project>, Error> {
    let rows = store.execution(year)?;
    let mut projects = Vec::with_capacity(rows.len());
    projects.extend(rows.into_iter().map(|r| Project {
        code: r.project_code,
        unit: r.unit_code,
        department: r.department_code,
        region: r.region_code,
        fund: r.fund_source,
        budget: r.budget,
        months: r.months.map(Fen),
    }));
    Ok(projects)
}

/// Monitors `projects` (of `year`, from [`monitored_projects`]) as of a date at a level.
/// Within a month, the monthly sums give the months before it; the rest is read from the
/// payments of that month up to the date.
pub fn monitor_projects(
    store: &mut dyn Store,
    projects: &[Project],
    year: i32,
    as_of: Date,
    level: Level,
    c: &Config,
) -> Result<Table, Error> {
    let partial = if is_month_end(as_of) {
        Default::default()
    } else {
        let first = Date::new(as_of.year(), as_of.month(), 1).expect("the first exists");
        store.payment_sums(year, first, as_of)?
    };
    let part = |i: usize| {
        partial
            .get(&projects[i].code)
            .copied()
            .map_or(Fen::ZERO, Fen)
    };
    Ok(monitor(projects, &part, as_of, level, c))
}

/// Reads the store's execution rows for the year and monitors them.
pub fn monitor_store(
    store: &mut dyn Store,
    year: i32,
    as_of: Date,
    level: Level,
    c: &Config,
) -> Result<Table, Error> {
    let projects = monitored_projects(store, year)?;
    if projects.is_empty() {
        return Err(Error::NotFound(format!(
            "库 {} 中没有 {year} 年度的项目：请先导入（jixiao import）",
            store.location()
        )));
    }
    monitor_projects(store, &projects, year, as_of, level, c)
}
