//! The ranking notice (通报) as an Excel workbook: the overall position, the ranking with each
//! line's light, the lines below the floor, and the monthly curves (RULES.md §3.4).

use jixiao_domain::money::FenSum;
use jixiao_domain::number::{format_decimal, format_percent};
use jixiao_monitor::config::Config;
use jixiao_monitor::levels::{Line, Table};
use jixiao_monitor::rules::Warning;
use rust_decimal::Decimal;
use rust_xlsxwriter::{Color, Format, FormatAlign, FormatBorder, Workbook, XlsxError};

/// Fen as 万元 with two decimals, exactly (for cells; text keeps the figure as printed).
fn wan(sum: FenSum) -> String {
    sum.format_wan()
}

fn pct(d: Option<Decimal>) -> String {
    d.map(format_percent).unwrap_or_else(|| "—".into())
}

/// The gap to time progress in percentage points, signed: `-12.34`.
fn gap(l: &Line, time: Decimal) -> String {
    match l.rate() {
        Some(r) => format_decimal((r - time) * Decimal::ONE_HUNDRED, 2, true),
        None => "—".into(),
    }
}

/// The light of a line: 红/黄/绿, 超预算, 无预算.
pub fn light(w: Warning) -> &'static str {
    match w {
        Warning::Red => "红",
        Warning::Yellow => "黄",
        Warning::None => "绿",
        Warning::Over => "超预算",
        Warning::NoBudget => "无预算",
    }
}

/// The notice's opening sentence: the overall position, and how many lines are ahead of time
/// progress and below the floor.
pub fn summary(t: &Table, config: &Config) -> String {
    let time = t.time.fraction();
    let total_budget: FenSum = t.lines.iter().map(|l| l.budget).sum();
    let total_exec: FenSum = t.lines.iter().map(|l| l.executed).sum();
    let overall_rate = total_exec.ratio_to(total_budget);
    let below = t
        .lines
        .iter()
        .filter(|l| l.rate().is_some_and(|r| r < config.floor))
        .count();
    let ahead = t
        .lines
        .iter()
        .filter(|l| l.rate().is_some_and(|r| r >= time))
        .count();
    format!(
        "截至 {}，预算 {} 万元，已支出 {} 万元，执行率 {}，序时进度 {}，{}序时进度 {} 个百分点。{}个{}中，{} 个达到序时进度，{} 个执行率低于 {}。",
        t.as_of,
        wan(total_budget),
        wan(total_exec),
        pct(overall_rate),
        format_percent(time),
        if overall_rate.is_some_and(|r| r >= time) { "超过" } else { "低于" },
        overall_rate
            .map(|r| format_decimal(((r - time) * Decimal::ONE_HUNDRED).abs(), 2, true))
            .unwrap_or_else(|| "—".into()),
        t.lines.len(),
        t.level.label(),
        ahead,
        below,
        format_percent(config.floor)
    )
}

/// The notice as a document (for Word and PDF): the opening sentence, the ranking with each
/// line's light, and the lines below the floor.
/// A rectification past its due date and not done, as the notice lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Overdue {
    /// The department.
    pub department: String,
    /// The evaluation year it came from.
    pub year: i32,
    /// The problem.
    pub problem: String,
    /// The due date (ISO).
    pub due: String,
    /// The person responsible, when named.
    pub responsible: String,
}

fn overdue_rows(overdue: &[Overdue]) -> Vec<Vec<String>> {
    overdue
        .iter()
        .map(|o| {
            vec![
                o.department.clone(),
                o.year.to_string(),
                o.problem.clone(),
                o.due.clone(),
                o.responsible.clone(),
            ]
        })
        .collect()
}

const OVERDUE_HEADER: [&str; 5] = ["部门", "评价年度", "问题", "整改期限", "责任人"];

/// The notice as a document: the ranking, those below the floor, and the rectifications
/// overdue.
pub fn document(
    t: &Table,
    config: &Config,
    title: &str,
    overdue: &[Overdue],
) -> jixiao_report::document::Document {
    use jixiao_report::document::{Block, Document, Table as DocTable};
    let time = t.time.fraction();
    let mut doc = Document::default();
    doc.push(Block::Title(title.to_string()));
    doc.push(Block::Paragraph(summary(t, config)));
    let row = |i: usize, l: &Line| {
        vec![
            (i + 1).to_string(),
            l.key.clone(),
            wan(l.budget),
            wan(l.executed),
            pct(l.rate()),
            gap(l, time),
            light(l.warning).to_string(),
            format!("{}/{}", l.red, l.yellow),
        ]
    };
    let header = [
        "排名",
        t.level.label(),
        "预算",
        "已支出",
        "执行率",
        "差距（百分点）",
        "预警",
        "红/黄项目",
    ]
    .map(String::from)
    .to_vec();
    doc.push(Block::Heading {
        level: 1,
        text: format!("各{}执行进度排名", t.level.label()),
    });
    doc.push(Block::Table(DocTable {
        caption: String::new(),
        unit_note: Some("单位：万元".into()),
        header: header.clone(),
        rows: t.lines.iter().enumerate().map(|(i, l)| row(i, l)).collect(),
        spans: Vec::new(),
        notes: vec![format!("序时进度 {}。", format_percent(time))],
    }));
    let below: Vec<Vec<String>> = t
        .lines
        .iter()
        .enumerate()
        .filter(|(_, l)| l.rate().is_some_and(|r| r < config.floor))
        .map(|(i, l)| row(i, l))
        .collect();
    doc.push(Block::Heading {
        level: 1,
        text: format!(
            "执行率低于{}的{}",
            format_percent(config.floor),
            t.level.label()
        ),
    });
    if below.is_empty() {
        doc.push(Block::Paragraph("无。".into()));
    } else {
        doc.push(Block::Table(DocTable {
            caption: String::new(),
            unit_note: Some("单位：万元".into()),
            header,
            rows: below,
            spans: Vec::new(),
            notes: Vec::new(),
        }));
    }
    doc.push(Block::Heading {
        level: 1,
        text: "逾期未完成的整改事项".into(),
    });
    if overdue.is_empty() {
        doc.push(Block::Paragraph("无。".into()));
    } else {
        doc.push(Block::Table(DocTable {
            caption: String::new(),
            unit_note: None,
            header: OVERDUE_HEADER.map(String::from).to_vec(),
            rows: overdue_rows(overdue),
            spans: Vec::new(),
            notes: Vec::new(),
        }));
    }
    doc
}

/// The notice as workbook bytes.
pub fn workbook(
    t: &Table,
    config: &Config,
    title: &str,
    overdue: &[Overdue],
) -> Result<Vec<u8>, XlsxError> {
    let mut wb = Workbook::new();
    let bold = Format::new().set_bold();
    let head = Format::new()
        .set_bold()
        .set_background_color("#DDEBF7")
        .set_align(FormatAlign::Center)
        .set_border(FormatBorder::Thin);
    let cell = Format::new().set_border(FormatBorder::Thin);
    let num = Format::new()
        .set_border(FormatBorder::Thin)
        .set_align(FormatAlign::Right);
    let fill = |w: Warning| match w {
        Warning::Red | Warning::Over => Some(Color::RGB(0xF8CBAD)),
        Warning::Yellow => Some(Color::RGB(0xFFE699)),
        Warning::None => Some(Color::RGB(0xC6EFCE)),
        Warning::NoBudget => None,
    };
    let time = t.time.fraction();

    let ws = wb.add_worksheet().set_name("通报")?;
    ws.set_column_width(0, 8)?;
    ws.set_column_width(1, 22)?;
    for c in 2..10 {
        ws.set_column_width(c, 14)?;
    }
    ws.write_string_with_format(0, 0, title, &bold)?;
    let summary = summary(t, config);
    ws.write_string(1, 0, &summary)?;
    ws.write_string(2, 0, "单位：万元")?;
    let headers = [
        "排名",
        t.level.label(),
        "预算",
        "已支出",
        "执行率",
        "序时进度",
        "差距（百分点）",
        "预警",
        "红色项目",
        "黄色项目",
    ];
    for (c, h) in headers.iter().enumerate() {
        ws.write_string_with_format(3, c as u16, *h, &head)?;
    }
    for (i, l) in t.lines.iter().enumerate() {
        let r = i as u32 + 4;
        ws.write_number_with_format(r, 0, (i + 1) as f64, &num)?;
        ws.write_string_with_format(r, 1, &l.key, &cell)?;
        ws.write_string_with_format(r, 2, wan(l.budget), &num)?;
        ws.write_string_with_format(r, 3, wan(l.executed), &num)?;
        ws.write_string_with_format(r, 4, pct(l.rate()), &num)?;
        ws.write_string_with_format(r, 5, format_percent(time), &num)?;
        ws.write_string_with_format(r, 6, gap(l, time), &num)?;
        let lit = match fill(l.warning) {
            Some(c) => cell.clone().set_background_color(c),
            None => cell.clone(),
        };
        ws.write_string_with_format(r, 7, light(l.warning), &lit)?;
        ws.write_number_with_format(r, 8, l.red as f64, &num)?;
        ws.write_number_with_format(r, 9, l.yellow as f64, &num)?;
    }
    ws.set_freeze_panes(4, 0)?;

    let ws = wb.add_worksheet().set_name("低于下限")?;
    ws.set_column_width(0, 22)?;
    ws.write_string_with_format(
        0,
        0,
        format!(
            "执行率低于 {} 的{}",
            format_percent(config.floor),
            t.level.label()
        ),
        &bold,
    )?;
    for (c, h) in [
        t.level.label(),
        "预算（万元）",
        "已支出（万元）",
        "执行率",
        "差距（百分点）",
    ]
    .iter()
    .enumerate()
    {
        ws.write_string_with_format(1, c as u16, *h, &head)?;
    }
    let below_floor = t
        .lines
        .iter()
        .rev()
        .filter(|l| l.rate().is_some_and(|x| x < config.floor));
    for (r, l) in (2u32..).zip(below_floor) {
        ws.write_string_with_format(r, 0, &l.key, &cell)?;
        ws.write_string_with_format(r, 1, wan(l.budget), &num)?;
        ws.write_string_with_format(r, 2, wan(l.executed), &num)?;
        ws.write_string_with_format(r, 3, pct(l.rate()), &num)?;
        ws.write_string_with_format(r, 4, gap(l, time), &num)?;
    }

    let ws = wb.add_worksheet().set_name("月度曲线")?;
    ws.set_column_width(0, 22)?;
    ws.write_string_with_format(0, 0, "各月末累计执行率与序时进度", &bold)?;
    ws.write_string_with_format(1, 0, t.level.label(), &head)?;
    for (m, tp) in t.time_curve.iter().enumerate() {
        ws.write_string_with_format(1, m as u16 + 1, format!("{}月", m + 1), &head)?;
        ws.write_string_with_format(2, m as u16 + 1, format_percent(tp.fraction()), &num)?;
    }
    ws.write_string_with_format(2, 0, "序时进度", &cell)?;
    for (i, l) in t.lines.iter().enumerate() {
        let r = i as u32 + 3;
        ws.write_string_with_format(r, 0, &l.key, &cell)?;
        for (m, e) in l.curve.iter().enumerate() {
            let rate = e.ratio_to(l.budget);
            ws.write_string_with_format(r, m as u16 + 1, pct(rate), &num)?;
        }
    }
    let ws = wb.add_worksheet().set_name("逾期整改")?;
    ws.set_column_width(0, 16)?;
    ws.set_column_width(2, 60)?;
    ws.set_column_width(3, 12)?;
    for (c, h) in OVERDUE_HEADER.iter().enumerate() {
        ws.write_string_with_format(0, c as u16, *h, &head)?;
    }
    for (i, row) in overdue_rows(overdue).iter().enumerate() {
        for (c, v) in row.iter().enumerate() {
            ws.write_string_with_format(i as u32 + 1, c as u16, v, &cell)?;
        }
    }
    if overdue.is_empty() {
        ws.write_string(1, 0, "无。")?;
    }
    wb.save_to_buffer()
}
