//! Excel workbooks laid out as jixiao's templates: a sheet per table with Chinese headers,
//! a note on each header saying what it holds, and cell validation (drop-down lists for
//! choices, numbers for money, dates for dates). `jixiao template` writes them empty;
//! `jixiao export --xlsx` writes them filled. Sheets are read back by `jixiao import`.

use crate::fields::{Field, Record};
use crate::tables::{Kind, Table, TABLES};
use jixiao_domain::date::Date;
use jixiao_domain::money::Fen;
use jixiao_store::{
    GoalRecord, LibraryRecord, PaymentRecord, ProgressRecord, ProjectRecord, TargetRecord,
    UnitRecord,
};
use rust_xlsxwriter::{
    DataValidation, DataValidationRule, ExcelDateTime, Format, FormatAlign, Note, Workbook,
    Worksheet, XlsxError,
};
use std::path::Path;

/// The last data row a sheet can hold (Excel's limit, less the header).
pub const MAX_ROWS: usize = 1_048_575;

/// The rows an export fills a workbook with.
#[derive(Default)]
pub struct Contents {
    /// Units.
    pub units: Vec<UnitRecord>,
    /// Projects.
    pub projects: Vec<ProjectRecord>,
    /// Performance targets.
    pub targets: Vec<TargetRecord>,
    /// Payments.
    pub payments: Vec<PaymentRecord>,
    /// Indicator progress reports.
    pub progress: Vec<ProgressRecord>,
    /// Projects' annual goals.
    pub goals: Vec<GoalRecord>,
    /// The 指标库's stored indicators.
    pub library: Vec<LibraryRecord>,
}

/// The words the template's drop-down lists offer for each choice column.
fn choices(table: Table, column: &str) -> &'static [&'static str] {
    match (table.id, column) {
        ("projects", "kind") => &["基本支出", "项目支出"],
        ("projects", "fund_source") => &[
            "一般公共预算",
            "政府性基金预算",
            "国有资本经营预算",
            "财政专户管理资金",
            "单位资金/其他",
        ],
        ("targets", "direction") => &["正向", "反向", "定性"],
        ("indicator_progress", "likelihood") => &["确定能", "有可能", "不可能"],
        ("indicator_progress", "reason_category") => &jixiao_store::REASON_CATEGORIES,
        ("library", "level1") => &["产出指标", "效益指标", "满意度指标"],
        ("library", "common") => &["是", "否"],
        _ => &[],
    }
}

fn excel_date(d: Date) -> Result<ExcelDateTime, XlsxError> {
    ExcelDateTime::from_ymd(d.year() as u16, d.month() as u8, d.day() as u8)
}

/// Money as Excel's number. Excel has no other kind of number; fen → yuan by one division
/// gives the binary number nearest the exact amount, which reads back as exactly that amount.
fn excel_money(f: Fen) -> f64 {
    f.0 as f64 / 100.0
}

/// Writes a row of text cells from column 0, in `format` when given: a report's header row or
/// one of its lines.
pub fn text_row<S: AsRef<str>>(
    ws: &mut Worksheet,
    row: u32,
    cells: &[S],
    format: Option<&Format>,
) -> Result<(), XlsxError> {
    for (c, v) in cells.iter().enumerate() {
        match format {
            Some(f) => ws.write_string_with_format(row, c as u16, v.as_ref(), f)?,
            None => ws.write_string(row, c as u16, v.as_ref())?,
        };
    }
    Ok(())
}

fn header(ws: &mut Worksheet, table: Table, bold: &Format) -> Result<(), XlsxError> {
    for (i, c) in table.columns.iter().enumerate() {
        let col = i as u16;
        ws.write_string_with_format(0, col, c.label, bold)?;
        let required = if c.required { "必填。" } else { "可空。" };
        ws.insert_note(
            0,
            col,
            &Note::new(format!("{}{required}{}", c.note, c.id)).add_author_prefix(false),
        )?;
        ws.set_column_width(col, (c.label.chars().count() as f64 * 2.2).max(12.0))?;
        let last = MAX_ROWS as u32;
        let validation = match c.kind {
            Kind::Choice(_) => Some(
                DataValidation::new()
                    .allow_list_strings(choices(table, c.id))?
                    .set_error_message(format!("请从下拉列表中选择{}", c.label))?,
            ),
            Kind::Money => Some(
                DataValidation::new()
                    .allow_decimal_number(DataValidationRule::Between(-1e13, 1e13))
                    .set_error_message("请填写金额：以元为单位的数字，最多两位小数")?,
            ),
            Kind::Number => Some(
                DataValidation::new()
                    .allow_decimal_number(DataValidationRule::Between(-1e13, 1e13))
                    .set_error_message("请填写数字")?,
            ),
            Kind::Date => Some(
                DataValidation::new()
                    .allow_date(DataValidationRule::Between(
                        ExcelDateTime::from_ymd(1990, 1, 1)?,
                        ExcelDateTime::from_ymd(2099, 12, 31)?,
                    ))
                    .set_error_message("请填写日期，如 2021-03-04")?,
            ),
            Kind::Text => None,
        };
        if let Some(v) = validation {
            let v = v.set_input_message(c.note)?;
            ws.add_data_validation(1, col, last, col, &v)?;
        }
    }
    ws.set_freeze_panes(1, 0)?;
    Ok(())
}

/// The template's guide sheet, which an import passes over.
pub const GUIDE_SHEET: &str = "说明";

fn guide(wb: &mut Workbook, bold: &Format) -> Result<(), XlsxError> {
    let ws = wb.add_worksheet().set_name(GUIDE_SHEET)?;
    ws.set_column_width(0, 110)?;
    let lines = [
        "jixiao 数据导入模板".to_string(),
        String::new(),
        "1. 每张工作表是一张表：单位、项目、绩效指标、支付、指标进度（双监控）、绩效目标（项目年度绩效目标）、指标库（财政局的指标库，不分年度）。工作表名和第一行的表头请不要改动；用不到的表可以留空或删除。".into(),
        "2. 表头单元格带有批注，说明该列应填什么；选择题列有下拉列表，金额、日期列有格式校验。".into(),
        "3. 金额以元为单位，最多两位小数（到分）；退款、冲销填负数。日期写作 2021-03-04。".into(),
        "4. 导入：jixiao import 本文件.xlsx --year 2021。有任何问题时，jixiao 会逐条列出（文件、工作表、行、列、实际内容、应填什么），并且不写入任何数据。".into(),
        "5. 同一支付流水号重复导入不会重复计数；按月导入新的支付明细即可。".into(),
        "6. 已有导出文件列名不同？写一个映射文件（jixiao-mapping.toml），见 docs/import-export.md。".into(),
        String::new(),
        "各表的列：".into(),
    ];
    let mut row = 0u32;
    for (i, l) in lines.iter().enumerate() {
        if i == 0 {
            ws.write_string_with_format(row, 0, l, bold)?;
        } else {
            ws.write_string(row, 0, l)?;
        }
        row += 1;
    }
    for t in TABLES {
        ws.write_string_with_format(row, 0, format!("【{}】", t.label), bold)?;
        row += 1;
        for c in t.columns {
            let req = if c.required { "必填" } else { "可空" };
            ws.write_string(
                row,
                0,
                format!("  {}（{}，{req}）：{}", c.label, c.id, c.note),
            )?;
            row += 1;
        }
    }
    Ok(())
}

/// Writes a workbook: the guide sheet and the four table sheets, filled with `contents`.
pub fn write(path: &Path, contents: &Contents) -> Result<(), String> {
    if contents.payments.len() > MAX_ROWS {
        return Err(format!(
            "支付明细有 {} 行，超过 Excel 单张工作表的上限 {MAX_ROWS} 行：请导出为 CSV",
            contents.payments.len()
        ));
    }
    write_inner(path, contents).map_err(|e| format!("无法写出 {}：{e}", path.display()))
}

/// The formats the table sheets use.
struct Formats {
    bold: Format,
    money: Format,
    date: Format,
}

/// Writes a table's sheet: its header, then a row for each record.
fn sheet<T: Record>(wb: &mut Workbook, f: &Formats, records: &[T]) -> Result<(), XlsxError> {
    let ws = wb.add_worksheet().set_name(T::TABLE.label)?;
    header(ws, T::TABLE, &f.bold)?;
    for (i, record) in records.iter().enumerate() {
        let r = i as u32 + 1;
        for (col, field) in record.fields().into_iter().enumerate() {
            let col = col as u16;
            match field {
                Field::Text(t) => ws.write_string(r, col, t)?,
                Field::Digits(t) => ws.write_string(r, col, t)?,
                Field::Choice(_, label) => ws.write_string(r, col, label)?,
                Field::Money(m) => ws.write_number_with_format(r, col, excel_money(m), &f.money)?,
                Field::Date(d) => ws.write_datetime_with_format(r, col, excel_date(d)?, &f.date)?,
            };
        }
    }
    Ok(())
}

fn write_inner(path: &Path, c: &Contents) -> Result<(), XlsxError> {
    let mut wb = Workbook::new();
    let f = Formats {
        bold: Format::new()
            .set_bold()
            .set_background_color("#DDEBF7")
            .set_align(FormatAlign::Center),
        money: Format::new().set_num_format("#,##0.00"),
        date: Format::new().set_num_format("yyyy-mm-dd"),
    };
    guide(&mut wb, &f.bold)?;
    sheet(&mut wb, &f, &c.units)?;
    sheet(&mut wb, &f, &c.projects)?;
    sheet(&mut wb, &f, &c.targets)?;
    sheet(&mut wb, &f, &c.payments)?;
    sheet(&mut wb, &f, &c.progress)?;
    sheet(&mut wb, &f, &c.goals)?;
    sheet(&mut wb, &f, &c.library)?;
    wb.save(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_survives_excel() {
        for fen in [1, 7, 10, 99, 123_456_789, -100_001, 999_999_999_999] {
            let text = excel_money(Fen(fen)).to_string();
            assert_eq!(crate::cell::money(&text), Ok(Fen(fen)), "{text}");
        }
    }
}
