//! The 绩效目标申报表 as a workbook (issue 18): a unit's or a department's declarations, many
//! projects at once — sheet 申报项目 (one row a project) and sheet 申报指标 (one row an
//! indicator, by 项目编号) — read all or nothing: every problem is named with its file, sheet,
//! row and column, and nothing is read when there is any. The same workbook is what
//! [`write`] makes.

use crate::source::{open_sheet, Rows, Workbook};
use crate::tables::{Column, Kind, Table};
use csv::StringRecord;
use jixiao_domain::targets::{read_value, Declaration, DeclaredIndicator, ProjectKind};
use jixiao_formats::{Problem, Problems};
use std::collections::BTreeMap;

const fn column(
    id: &'static str,
    label: &'static str,
    required: bool,
    kind: Kind,
    note: &'static str,
) -> Column {
    Column {
        id,
        label,
        aliases: &[],
        required,
        kind,
        note,
    }
}

/// The 项目编号 that ties an indicator to its project.
const fn project_key(note: &'static str) -> Column {
    column("key", "项目编号", true, Kind::Text, note)
}

/// The projects declared.
pub const PROJECTS: Table = Table {
    id: "declared_projects",
    label: "申报项目",
    columns: &[
        project_key("本表内唯一，申报指标表以此对应项目。"),
        column("year", "年度", true, Kind::Number, "预算年度，如 2027。"),
        column(
            "project",
            "项目名称",
            true,
            Kind::Text,
            "同一部门同一年度内不重复。",
        ),
        column("unit_name", "申报单位", true, Kind::Text, "预算单位名称。"),
        column(
            "kind",
            "项目属性",
            true,
            Kind::Choice(&["新增", "延续"]),
            "新增或延续。",
        ),
        column(
            "funds",
            "年度资金总额（万元）",
            true,
            Kind::Number,
            "单位：万元，最多六位小数。",
        ),
        column(
            "annual_goal",
            "年度目标",
            false,
            Kind::Text,
            "年度绩效目标。",
        ),
        column(
            "period_goal",
            "总目标",
            false,
            Kind::Text,
            "跨年度项目的整个实施期目标。",
        ),
    ],
};

/// The indicators declared.
pub const INDICATORS: Table = Table {
    id: "declared_indicators",
    label: "申报指标",
    columns: &[
        project_key("申报项目表中的项目编号。"),
        column(
            "level1",
            "一级指标",
            true,
            Kind::Choice(&["产出指标", "效益指标", "满意度指标"]),
            "产出指标、效益指标或满意度指标。",
        ),
        column(
            "level2",
            "二级指标",
            false,
            Kind::Text,
            "如 数量指标、社会效益指标。",
        ),
        column("name", "三级指标", true, Kind::Text, "指标名称。"),
        column(
            "value",
            "指标值",
            false,
            Kind::Text,
            "如 ≥63人、100%、≤7工作日。",
        ),
        column(
            "period_value",
            "全周期指标值",
            false,
            Kind::Text,
            "跨年度项目整个实施期的指标值。",
        ),
        column(
            "weight",
            "分值",
            false,
            Kind::Number,
            "各项合计为指标体系给指标的分值。",
        ),
        column(
            "standard",
            "评(扣)分标准",
            false,
            Kind::Text,
            "如 每降低5个百分点扣1分。",
        ),
    ],
};

/// A sheet's rows as text cells in the table's column order, and where each column is in the
/// sheet (for a problem's place); a missing required cell is a problem.
struct Sheet {
    rows: Vec<(u64, Vec<String>)>,
    origin: crate::source::Origin,
    at: Vec<Option<(usize, String)>>,
}

impl Sheet {
    fn problem(&self, row: u64, col: usize, message: String) -> Problem {
        let at = self.at[col].as_ref().map(|(i, h)| (*i, h.as_str()));
        self.origin.problem(row, at, message)
    }
}

fn sheet(book: &Workbook, table: Table, problems: &mut Vec<Problem>) -> Sheet {
    let mut r: Rows = match open_sheet(book, table.label, table, None) {
        Ok(r) => r,
        Err(p) => {
            problems.push(p);
            return Sheet {
                rows: Vec::new(),
                origin: crate::source::Origin::Sheet(book.name.clone(), table.label.into()),
                at: vec![None; table.columns.len()],
            };
        }
    };
    let mut rec = StringRecord::new();
    let mut rows = Vec::new();
    loop {
        match r.next(&mut rec) {
            Ok(Some(n)) => rows.push((
                n,
                (0..table.columns.len())
                    .map(|c| r.cell(&rec, c).to_string())
                    .collect::<Vec<_>>(),
            )),
            Ok(None) => break,
            Err(p) => {
                problems.push(p);
                break;
            }
        }
    }
    let s = Sheet {
        rows,
        origin: r.origin.clone(),
        at: (0..table.columns.len())
            .map(|c| r.at(c).map(|(i, h)| (i, h.to_string())))
            .collect(),
    };
    for (n, cells) in &s.rows {
        for (c, col) in table.columns.iter().enumerate() {
            if col.required && cells[c].is_empty() {
                problems.push(s.problem(*n, c, format!("必须填写“{}”：{}", col.label, col.note)));
            }
        }
    }
    s
}

/// Reads every declaration of a 申报表 workbook, or every problem in it.
pub fn read(book: &Workbook) -> Result<Vec<Declaration>, Problems> {
    let mut problems = Vec::new();
    let projects = sheet(book, PROJECTS, &mut problems);
    let indicators = sheet(book, INDICATORS, &mut problems);
    let mut declared: BTreeMap<String, (u64, Declaration)> = BTreeMap::new();
    let mut order = Vec::new();
    for (n, c) in &projects.rows {
        let year = c[1]
            .parse::<i32>()
            .ok()
            .filter(|y| (2000..=2100).contains(y));
        if year.is_none() && !c[1].is_empty() {
            problems.push(projects.problem(
                *n,
                1,
                format!("年度应为四位数的年份，如 2027，填的是“{}”", c[1]),
            ));
        }
        let kind = match c[4].as_str() {
            "新增" | "新增项目" => Some(ProjectKind::New),
            "延续" | "延续项目" => Some(ProjectKind::Continuing),
            "" => None,
            other => {
                problems.push(projects.problem(
                    *n,
                    4,
                    format!("项目属性应为“新增”或“延续”，填的是“{other}”"),
                ));
                None
            }
        };
        let funds = crate::cell::number(&c[5])
            .ok()
            .and_then(|d| jixiao_domain::money::Fen::from_wan(d).ok());
        if funds.is_none() && !c[5].is_empty() {
            problems.push(projects.problem(
                *n,
                5,
                format!(
                    "年度资金总额应为以万元计的金额（最多六位小数），填的是“{}”",
                    c[5]
                ),
            ));
        }
        if let Some((first, _)) = declared.get(&c[0]) {
            problems.push(projects.problem(
                *n,
                0,
                format!("项目编号“{}”与第 {first} 行重复", c[0]),
            ));
            continue;
        }
        if let (Some(year), Some(kind), Some(funds)) = (year, kind, funds) {
            order.push(c[0].clone());
            declared.insert(
                c[0].clone(),
                (
                    *n,
                    Declaration {
                        year,
                        project: c[2].clone(),
                        unit_name: c[3].clone(),
                        kind,
                        funds,
                        annual_goal: c[6].clone(),
                        period_goal: c[7].clone(),
                        indicators: Vec::new(),
                    },
                ),
            );
        }
    }
    for (n, c) in &indicators.rows {
        let level1 = jixiao_formats::value::level1(&c[1]);
        if let Err(m) = &level1 {
            if !c[1].is_empty() {
                problems.push(indicators.problem(*n, 1, m.clone()));
            }
        }
        let weight = if c[6].is_empty() {
            Ok(None)
        } else {
            crate::cell::number(&c[6]).map(Some)
        };
        if let Err(m) = &weight {
            problems.push(indicators.problem(*n, 6, m.clone()));
        }
        let Some((_, d)) = declared.get_mut(&c[0]) else {
            if !c[0].is_empty() && !projects.rows.iter().any(|(_, p)| p[0] == c[0]) {
                problems.push(indicators.problem(
                    *n,
                    0,
                    format!("项目编号“{}”不在申报项目表中", c[0]),
                ));
            }
            continue;
        };
        if let (Ok(level1), Ok(weight)) = (level1, weight) {
            d.indicators.push(DeclaredIndicator {
                level1,
                level2: c[2].clone(),
                name: c[3].clone(),
                value_text: c[4].clone(),
                value: read_value(&c[4]),
                weight,
                period_value: read_value(&c[5]),
                last_actual: None,
                standard: c[7].clone(),
            });
        }
    }
    if !problems.is_empty() {
        return Err(Problems(problems));
    }
    Ok(order
        .iter()
        .filter_map(|k| declared.remove(k).map(|(_, d)| d))
        .collect())
}

/// Declarations as a 申报表 workbook (the sheets [`read`] reads), for a unit to fill in or a
/// department to send on.
pub fn write(declarations: &[Declaration]) -> Result<Vec<u8>, String> {
    use rust_xlsxwriter::{Format, Workbook as Book};
    let fail = |e: rust_xlsxwriter::XlsxError| e.to_string();
    let mut wb = Book::new();
    let bold = Format::new().set_bold();
    let head = |ws: &mut rust_xlsxwriter::Worksheet, t: Table| -> Result<(), String> {
        for (c, col) in t.columns.iter().enumerate() {
            ws.write_with_format(0, c as u16, col.label, &bold)
                .map_err(fail)?;
            ws.set_column_width(c as u16, 16).map_err(fail)?;
        }
        Ok(())
    };
    let ws = wb.add_worksheet().set_name(PROJECTS.label).map_err(fail)?;
    head(ws, PROJECTS)?;
    for (k, d) in declarations.iter().enumerate() {
        let row = k as u32 + 1;
        let cells = [
            format!("P{:04}", k + 1),
            d.year.to_string(),
            d.project.clone(),
            d.unit_name.clone(),
            match d.kind {
                ProjectKind::New => "新增".into(),
                ProjectKind::Continuing => "延续".into(),
            },
            d.funds.format_wan().replace(',', ""),
            d.annual_goal.clone(),
            d.period_goal.clone(),
        ];
        for (c, v) in cells.iter().enumerate() {
            ws.write(row, c as u16, v.as_str()).map_err(fail)?;
        }
    }
    let ws = wb
        .add_worksheet()
        .set_name(INDICATORS.label)
        .map_err(fail)?;
    head(ws, INDICATORS)?;
    let mut row = 1u32;
    for (k, d) in declarations.iter().enumerate() {
        for i in &d.indicators {
            let cells = [
                format!("P{:04}", k + 1),
                i.level1.label().to_string(),
                i.level2.clone(),
                i.name.clone(),
                i.value_text.clone(),
                String::new(),
                i.weight
                    .map(|w| w.normalize().to_string())
                    .unwrap_or_default(),
                i.standard.clone(),
            ];
            for (c, v) in cells.iter().enumerate() {
                ws.write(row, c as u16, v.as_str()).map_err(fail)?;
            }
            row += 1;
        }
    }
    wb.save_to_buffer().map_err(fail)
}
