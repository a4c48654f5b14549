//! The reads that both backends answer alike, written once over [`Sql`]: departments, units,
//! projects, targets, years, datasets and evaluations. They are small (one row per project or
//! indicator, never per payment), so the plain-value layer costs nothing that matters. The bulk
//! paths — payments, execution sums, progress and every import write — stay per backend, where
//! each engine's own API (prepared statements, COPY, cached statements) makes them fast.
//! PostgreSQL's NUMERIC columns are read as text (`CAST(… AS TEXT)`): the exact decimal as
//! stored, as SQLite keeps it.

use crate::records::{
    self, DepartmentRecord, GoalRecord, LibraryRecord, ProjectRecord, TargetRecord, UnitRecord,
};
use crate::sql::{Backend, Sql, Value};
use crate::{EvaluationItemRecord, EvaluationRecord, Result, StoreError};
use jixiao_domain::money::Fen;
use std::collections::BTreeMap;

/// One row's columns, read with their types checked: a column of the wrong type is an error
/// naming the query's table, never a silent 0 or "".
struct Row<'a> {
    what: &'a str,
    values: &'a [Value],
}

impl Row<'_> {
    fn value(&self, i: usize) -> Result<&Value> {
        self.values
            .get(i)
            .ok_or_else(|| StoreError::other(format!("{}：缺少第 {} 列", self.what, i + 1)))
    }

    fn wrong(&self, i: usize, expected: &str) -> StoreError {
        StoreError::other(format!(
            "{}：第 {} 列应为{expected}，实为 {:?}",
            self.what,
            i + 1,
            self.values.get(i)
        ))
    }

    fn int(&self, i: usize) -> Result<i64> {
        match self.value(i)? {
            Value::Int(n) => Ok(*n),
            _ => Err(self.wrong(i, "整数")),
        }
    }

    fn year(&self, i: usize) -> Result<i32> {
        i32::try_from(self.int(i)?).map_err(|_| self.wrong(i, "年度"))
    }

    fn text(&self, i: usize) -> Result<String> {
        match self.value(i)? {
            Value::Text(s) => Ok(s.clone()),
            _ => Err(self.wrong(i, "文本")),
        }
    }

    fn opt_text(&self, i: usize) -> Result<Option<String>> {
        match self.value(i)? {
            Value::Null => Ok(None),
            Value::Text(s) => Ok(Some(s.clone())),
            _ => Err(self.wrong(i, "文本或空")),
        }
    }
}

/// Runs `query` and reads each row with `f`.
fn rows<T>(
    sql: &mut dyn Sql,
    what: &str,
    query: &str,
    params: &[Value],
    mut f: impl FnMut(&Row<'_>) -> Result<T>,
) -> Result<Vec<T>> {
    sql.query(query, params)?
        .iter()
        .map(|values| f(&Row { what, values }))
        .collect()
}

/// Codes sort byte by byte on both backends (PostgreSQL's default collation would not).
fn by_code(sql: &dyn Sql, column: &str) -> String {
    match sql.backend() {
        Backend::Postgres => format!("{column} COLLATE \"C\""),
        Backend::Sqlite => column.to_string(),
    }
}

fn year_param(year: Option<i32>) -> Value {
    year.map_or(Value::Null, Value::from)
}

pub(crate) fn departments(sql: &mut dyn Sql) -> Result<Vec<DepartmentRecord>> {
    let q = format!(
        "SELECT code, name, region_code FROM departments ORDER BY {}",
        by_code(sql, "code")
    );
    rows(sql, "departments", &q, &[], |r| {
        Ok(DepartmentRecord {
            code: r.text(0)?,
            name: r.text(1)?,
            region_code: r.text(2)?,
        })
    })
}

pub(crate) fn units(sql: &mut dyn Sql) -> Result<Vec<UnitRecord>> {
    let q = format!(
        "SELECT code, name, department_code, parent_code, region_code FROM units ORDER BY {}",
        by_code(sql, "code")
    );
    rows(sql, "units", &q, &[], |r| {
        Ok(UnitRecord {
            code: r.text(0)?,
            name: r.text(1)?,
            department_code: r.text(2)?,
            parent_code: r.opt_text(3)?,
            region_code: r.text(4)?,
        })
    })
}

pub(crate) fn projects(sql: &mut dyn Sql, year: Option<i32>) -> Result<Vec<ProjectRecord>> {
    let q = format!(
        "SELECT year, code, unit_code, name, kind, fund_source, initial_budget, adjusted_budget
         FROM projects WHERE (CAST($1 AS INTEGER) IS NULL OR year = $1) ORDER BY year, {}",
        by_code(sql, "code")
    );
    rows(sql, "projects", &q, &[year_param(year)], |r| {
        Ok(ProjectRecord {
            year: r.year(0)?,
            code: r.text(1)?,
            unit_code: r.text(2)?,
            name: r.text(3)?,
            kind: records::kind(&r.text(4)?)?,
            fund_source: records::fund_source(&r.text(5)?)?,
            initial_budget: Fen(r.int(6)?),
            adjusted_budget: Fen(r.int(7)?),
        })
    })
}

pub(crate) fn targets(sql: &mut dyn Sql, year: Option<i32>) -> Result<Vec<TargetRecord>> {
    let q = format!(
        "SELECT p.code, i.code, i.level1, i.level2, i.name, i.direction, CAST(i.target AS TEXT),
                CAST(i.actual AS TEXT), CAST(i.weight AS TEXT)
         FROM indicators i JOIN projects p ON p.id = i.project_id
         WHERE (CAST($1 AS INTEGER) IS NULL OR p.year = $1) ORDER BY p.year, {}, {}",
        by_code(sql, "p.code"),
        by_code(sql, "i.code")
    );
    rows(sql, "indicators", &q, &[year_param(year)], |r| {
        Ok(TargetRecord {
            project_code: r.text(0)?,
            code: r.text(1)?,
            level1: r.text(2)?,
            level2: r.text(3)?,
            name: r.text(4)?,
            direction: records::direction(&r.text(5)?)?,
            target: records::decimal(&r.text(6)?)?,
            actual: r.opt_text(7)?.map(|a| records::decimal(&a)).transpose()?,
            weight: records::decimal(&r.text(8)?)?,
        })
    })
}

pub(crate) fn goals(sql: &mut dyn Sql, year: Option<i32>) -> Result<Vec<GoalRecord>> {
    let q = format!(
        "SELECT p.code, g.goal FROM project_goals g JOIN projects p ON p.id = g.project_id
         WHERE (CAST($1 AS INTEGER) IS NULL OR p.year = $1) ORDER BY p.year, {}",
        by_code(sql, "p.code")
    );
    rows(sql, "project_goals", &q, &[year_param(year)], |r| {
        Ok(GoalRecord {
            project_code: r.text(0)?,
            goal: r.text(1)?,
        })
    })
}

pub(crate) fn library(sql: &mut dyn Sql) -> Result<Vec<LibraryRecord>> {
    let q = "SELECT code, level1, level2, name, value_hint, standard, function_subject, sector,
                    purpose FROM library_indicators ORDER BY id";
    rows(sql, "library_indicators", q, &[], |r| {
        Ok(LibraryRecord {
            code: r.text(0)?,
            level1: r.text(1)?,
            level2: r.text(2)?,
            name: r.text(3)?,
            value_hint: r.text(4)?,
            standard: r.text(5)?,
            function_subject: r.text(6)?,
            sector: r.text(7)?,
            purpose: r.text(8)?,
        })
    })
}

pub(crate) fn years(sql: &mut dyn Sql) -> Result<Vec<i32>> {
    rows(
        sql,
        "projects, dataset_files",
        "SELECT year FROM projects UNION SELECT year FROM dataset_files ORDER BY 1",
        &[],
        |r| r.year(0),
    )
}

pub(crate) fn datasets(sql: &mut dyn Sql) -> Result<Vec<(String, i32)>> {
    let q = format!(
        "SELECT department_code, year FROM dataset_files GROUP BY department_code, year
         ORDER BY {}, year",
        by_code(sql, "department_code")
    );
    rows(sql, "dataset_files", &q, &[], |r| {
        Ok((r.text(0)?, r.year(1)?))
    })
}

pub(crate) fn dataset_files(
    sql: &mut dyn Sql,
    department: &str,
    year: i32,
) -> Result<Option<BTreeMap<String, String>>> {
    let files: BTreeMap<String, String> = rows(
        sql,
        "dataset_files",
        "SELECT file_name, content FROM dataset_files WHERE department_code = $1 AND year = $2",
        &[department.into(), year.into()],
        |r| Ok((r.text(0)?, r.text(1)?)),
    )?
    .into_iter()
    .collect();
    Ok((!files.is_empty()).then_some(files))
}

pub(crate) fn evaluations(
    sql: &mut dyn Sql,
    department: &str,
    year: i32,
) -> Result<Vec<EvaluationRecord>> {
    let heads = rows(
        sql,
        "evaluations",
        "SELECT id, framework, total, max_total, grade, evaluated_at FROM evaluations
         WHERE department_code = $1 AND year = $2 ORDER BY id DESC",
        &[department.into(), year.into()],
        |r| {
            Ok((
                r.int(0)?,
                EvaluationRecord {
                    department_code: department.to_string(),
                    year,
                    framework: r.text(1)?,
                    total: r.text(2)?,
                    max_total: r.text(3)?,
                    grade: r.text(4)?,
                    evaluated_at: r.text(5)?,
                    items: Vec::new(),
                },
            ))
        },
    )?;
    let mut out = Vec::new();
    for (id, mut e) in heads {
        e.items = rows(
            sql,
            "evaluation_items",
            "SELECT item_id, name, weight, value, score, loss_reason, derivation
             FROM evaluation_items WHERE evaluation_id = $1 ORDER BY seq",
            &[id.into()],
            |r| {
                Ok(EvaluationItemRecord {
                    item_id: r.text(0)?,
                    name: r.text(1)?,
                    weight: r.text(2)?,
                    value: r.text(3)?,
                    score: r.text(4)?,
                    loss_reason: r.text(5)?,
                    derivation: r.text(6)?,
                })
            },
        )?;
        out.push(e);
    }
    Ok(out)
}
