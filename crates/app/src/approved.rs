//! What an approval (批复) sets going (issue 18): the approved targets become the project's
//! indicators that the year's monitoring (双监控) and self-evaluation use, with no re-keying. In
//! the approval's transaction: the project, with its budget and indicators, is written into the
//! department's stored dataset of the declared year (its `projects.toml`, under the code
//! `SB<id>`; an adjustment replaces the earlier approved block), and into the store's projects
//! and indicators, which monitoring reads. A year whose dataset is not stored yet, or a
//! department with no unit in the store, is said in the approval's record, not refused.

use crate::Error;
use jixiao_domain::money::{Fen, FEN_PER_WAN, FEN_PER_YUAN};
use jixiao_domain::project::Operator;
use jixiao_domain::targets::{Declaration, DeclaredIndicator};
use jixiao_store::sql::Sql;
use rust_decimal::Decimal;
use toml_edit::{value, ArrayOfTables, DocumentMut, InlineTable, Item, Table};

/// The code an approved declaration's project has in the year's data.
pub fn project_code(declaration: i64) -> String {
    format!("SB{declaration}")
}

/// The operator an indicator is read with: as written; a number written without one is read
/// as `=` (what the unit wrote, literally), a value with no number as 定性.
fn operator(i: &DeclaredIndicator) -> Operator {
    match &i.value {
        Some(v) => v.operator.unwrap_or(Operator::Equal),
        None => Operator::Qualitative,
    }
}

fn amount(f: Fen, fen_per_unit: i64) -> String {
    let scale = if fen_per_unit == FEN_PER_WAN { 6 } else { 2 };
    Decimal::new(f.0, scale).normalize().to_string()
}

/// `projects.toml` with the approved project `code` in place of any earlier block of that code.
fn with_project(text: &str, code: &str, d: &Declaration) -> Result<String, Error> {
    let mut doc = text
        .parse::<DocumentMut>()
        .map_err(|e| Error::Internal(format!("projects.toml 无法读取：{e}")))?;
    let per = match doc.get("unit").and_then(|u| u.as_str()) {
        Some("元") => FEN_PER_YUAN,
        _ => FEN_PER_WAN,
    };
    let mut t = Table::new();
    t["code"] = value(code);
    t["name"] = value(d.project.as_str());
    t["source"] = value("一般公共预算");
    t["goal"] = value(d.annual_goal.as_str());
    let mut budget = InlineTable::new();
    budget.insert("full_year", amount(d.funds, per).into());
    t["budget"] = value(budget);
    let mut executed = InlineTable::new();
    executed.insert("value", "0".into());
    executed.insert(
        "inferred",
        "批复时尚无执行数：由支付数据或年终填报替换".into(),
    );
    t["executed"] = value(executed);
    let mut rows = ArrayOfTables::new();
    for i in &d.indicators {
        let mut r = Table::new();
        r["level1"] = value(i.level1.label());
        r["level2"] = value(i.level2.as_str());
        r["name"] = value(i.name.as_str());
        r["operator"] = value(operator(i).symbol());
        if let Some(v) = &i.value {
            r["target"] = value(v.number.normalize().to_string());
            r["unit"] = value(v.unit.as_str());
        }
        let weight = i.weight.ok_or_else(|| {
            Error::invalid(
                format!("指标“{}”没有分值：批复的目标要用于年终自评，每项指标须有分值，请退回补充。", i.name),
                format!("The indicator “{}” has no points: approved targets are scored at year end, so each needs its points; return it.", i.name),
            )
        })?;
        r["weight"] = value(weight.normalize().to_string());
        rows.push(r);
    }
    t["indicators"] = Item::ArrayOfTables(rows);
    let projects = doc
        .entry("projects")
        .or_insert(Item::ArrayOfTables(ArrayOfTables::new()))
        .as_array_of_tables_mut()
        .ok_or_else(|| Error::Internal("projects.toml 的 projects 不是表的数组".into()))?;
    projects.retain(|p| p.get("code").and_then(|c| c.as_str()) != Some(code));
    projects.push(t);
    Ok(doc.to_string())
}

/// The project framework a department's stored year scores its projects under (its framework
/// of record), when that year's dataset is stored.
pub fn year_framework(
    sql: &mut dyn Sql,
    department: &str,
    year: i32,
) -> Result<Option<jixiao_domain::framework::Framework>, Error> {
    let files = crate::service::store_files(sql, department, year)?;
    if files.is_empty() {
        return Ok(None);
    }
    let data = jixiao_formats::dataset::parse(&jixiao_formats::dataset::DatasetFiles {
        origin: format!("库:{department}/{year}").into(),
        files,
    })
    .map_err(|p| Error::invalid_data(p.to_string()))?;
    jixiao_formats::framework::load(&data.frameworks.project)
        .map(Some)
        .map_err(|p| Error::Internal(p.to_string()))
}

/// The points a framework gives a project's indicators: each first level's (its blocks), or
/// their total when the project writes its own (`blocks = []`).
pub fn indicator_points(
    f: &jixiao_domain::framework::Framework,
) -> Option<(Decimal, Vec<(jixiao_domain::project::Level1, Decimal)>)> {
    match &f.scheme {
        jixiao_domain::framework::Scheme::Project(p) => {
            Some((f.total - p.execution_weight, p.blocks.clone()))
        }
        jixiao_domain::framework::Scheme::Department(_) => None,
    }
}

/// Refused unless the declaration's points fit the year's project framework, so that the
/// approved targets can be scored at year end as they are.
fn fits(f: &jixiao_domain::framework::Framework, d: &Declaration) -> Result<(), Error> {
    let Some((total, blocks)) = indicator_points(f) else {
        return Ok(());
    };
    let points = |level: Option<jixiao_domain::project::Level1>| -> Decimal {
        d.indicators
            .iter()
            .filter(|i| level.is_none_or(|l| i.level1 == l))
            .filter_map(|i| i.weight)
            .sum()
    };
    let wrong = blocks
        .iter()
        .map(|(l, p)| (l.label(), points(Some(*l)), *p))
        .chain(std::iter::once(("各项指标", points(None), total)))
        .find(|(_, got, want)| got != want);
    match wrong {
        None => Ok(()),
        Some((what, got, want)) => Err(Error::invalid(
            format!(
                "{what}分值合计 {}，该年度的项目指标体系“{}”（{}）为 {} 分：请退回调整分值后再批复。",
                got.normalize(),
                f.title,
                f.id,
                want.normalize()
            ),
            format!(
                "{what} add up to {} points, but the year's project framework {} gives {}: return it to adjust the points.",
                got.normalize(),
                f.id,
                want.normalize()
            ),
        )),
    }
}

/// Parameter `n` as an exact number: PostgreSQL's indicators keep NUMERIC, SQLite's the text.
fn numeric(sql: &mut dyn Sql, n: usize) -> String {
    if sql.backend() == jixiao_store::sql::Backend::Postgres {
        format!("CAST(CAST(${n} AS TEXT) AS NUMERIC)")
    } else {
        format!("${n}")
    }
}

/// Writes the approved declaration `id` into its year, inside the approval's transaction;
/// returns what was written, for the approval's record.
pub fn into_the_year(
    sql: &mut dyn Sql,
    id: i64,
    department: &str,
    d: &Declaration,
) -> Result<String, Error> {
    let code = project_code(id);
    let mut notes = Vec::new();
    let files = crate::service::store_files(sql, department, d.year)?;
    match files.get("projects.toml") {
        Some(text) => {
            let state = crate::workflow::status(sql, department, d.year)?.state;
            if !state.editable() {
                return Err(Error::invalid(
                    format!(
                        "部门 {} 年度自评当前为“{}”，批复的目标不能再写入该年度；请先退回自评。",
                        d.year,
                        state.label().0
                    ),
                    format!(
                        "The department's {} self-evaluation is “{}”: approved targets cannot be written into that year; return it first.",
                        d.year,
                        state.label().1
                    ),
                ));
            }
            if let Some(f) = year_framework(sql, department, d.year)? {
                fits(&f, d)?;
            }
            let text = with_project(text, &code, d)?;
            crate::service::store_projects_toml(sql, department, d.year, files, text)?;
            notes.push(format!("写入 {} 年度数据集（项目 {code}）", d.year));
        }
        None => notes.push(format!("{} 年度数据集尚未入库，目标待入库后写入", d.year)),
    }
    let mut unit = sql
        .row(
            "SELECT code FROM units WHERE department_code = $1 ORDER BY code",
            &[department.into()],
        )?
        .map(|r| r[0].text().to_string());
    // A department with no unit yet declares as its own 部门本级 (the unit of the department's
    // own code), as budgets are drawn up.
    if unit.is_none() {
        if let Some(r) = sql.row(
            "SELECT name FROM departments WHERE code = $1",
            &[department.into()],
        )? {
            sql.execute(
                "INSERT INTO units (code, name, department_code) VALUES ($1, $2, $1)",
                &[department.into(), format!("{}（本级）", r[0].text()).into()],
            )?;
            notes.push("以部门本级为单位".to_string());
            unit = Some(department.to_string());
        }
    }
    match unit {
        Some(unit) => {
            let existing = sql
                .row(
                    "SELECT id FROM projects WHERE year = $1 AND code = $2",
                    &[d.year.into(), code.clone().into()],
                )?
                .map(|r| r[0].int());
            let project = match existing {
                Some(p) => {
                    sql.execute(
                        "UPDATE projects SET name = $1, adjusted_budget = $2 WHERE id = $3",
                        &[d.project.clone().into(), d.funds.0.into(), p.into()],
                    )?;
                    sql.execute("DELETE FROM indicators WHERE project_id = $1", &[p.into()])?;
                    p
                }
                None => {
                    sql.execute(
                        "INSERT INTO projects (year, code, unit_code, name, kind, fund_source, initial_budget, adjusted_budget) \
                         VALUES ($1, $2, $3, $4, 'project', 'general_public', $5, $5)",
                        &[d.year.into(), code.clone().into(), unit.into(), d.project.clone().into(), d.funds.0.into()],
                    )?;
                    sql.row(
                        "SELECT id FROM projects WHERE year = $1 AND code = $2",
                        &[d.year.into(), code.clone().into()],
                    )?
                    .map_or(0, |r| r[0].int())
                }
            };
            for (k, i) in d.indicators.iter().enumerate() {
                let direction = match operator(i) {
                    Operator::AtLeast | Operator::Above | Operator::Equal => "ge",
                    Operator::AtMost | Operator::Below => "le",
                    Operator::Qualitative => "qual",
                };
                let target = i.value.as_ref().map_or(Decimal::ZERO, |v| v.number);
                let insert = format!(
                    "INSERT INTO indicators (project_id, code, level1, level2, name, direction, target, weight) \
                     VALUES ($1, $2, $3, $4, $5, $6, {}, {})",
                    numeric(sql, 7),
                    numeric(sql, 8)
                );
                sql.execute(
                    &insert,
                    &[
                        project.into(),
                        format!("T{:02}", k + 1).into(),
                        i.level1.label().into(),
                        i.level2.clone().into(),
                        i.name.clone().into(),
                        direction.into(),
                        target.normalize().to_string().into(),
                        i.weight.unwrap_or_default().normalize().to_string().into(),
                    ],
                )?;
            }
            notes.push(format!("写入执行监控（{} 项指标）", d.indicators.len()));
        }
        None => notes.push("库中没有该部门的单位，未写入执行监控".into()),
    }
    Ok(notes.join("；"))
}
