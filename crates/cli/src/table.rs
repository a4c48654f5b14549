//! The score table as a terminal prints it, with CJK-aware column alignment.

use jixiao_domain::dataset::DepartmentYear;
use jixiao_domain::evaluate::{inferred_inputs, Evaluation};
use jixiao_domain::framework::Status;
use jixiao_domain::number::format_score;
use std::fmt::Write as _;

/// Display width: CJK and full-width characters take two columns.
pub fn width(s: &str) -> usize {
    s.chars()
        .map(|c| {
            if (c as u32) >= 0x1100 && !matches!(c, '…' | '×' | '÷' | '−' | '≥' | '≤') {
                2
            } else {
                1
            }
        })
        .sum()
}

pub fn pad(s: &str, w: usize) -> String {
    format!("{s}{}", " ".repeat(w.saturating_sub(width(s))))
}

pub fn pad_left(s: &str, w: usize) -> String {
    format!("{}{s}", " ".repeat(w.saturating_sub(width(s))))
}

/// The score table with a header, each indicator's working, and notes on what is inferred
/// or provisional.
pub fn render(e: &Evaluation, data: &DepartmentYear) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{} {}年 {}", e.subject, data.year, e.framework_title);
    let _ = writeln!(
        out,
        "指标体系 {} 版本 {}{}",
        e.framework_id,
        e.framework_version,
        if e.provisional { "（暂定）" } else { "" }
    );
    let rows: Vec<[String; 5]> = e
        .items
        .iter()
        .map(|i| {
            [
                format!("{}{}", i.name, i.status.mark()),
                format!(
                    "{}{}",
                    i.value_text(),
                    if i.uses_inferred() { "*" } else { "" }
                ),
                format_score(i.weight),
                format_score(i.score),
                format_score(i.lost()),
            ]
        })
        .chain(std::iter::once([
            "总分".to_string(),
            String::new(),
            format_score(e.max_total),
            format_score(e.total),
            format_score(e.lost()),
        ]))
        .collect();
    let header = ["指标", "指标值", "分值", "得分", "扣分"];
    let mut widths = header.map(width);
    for r in &rows {
        for (k, cell) in r.iter().enumerate() {
            widths[k] = widths[k].max(width(cell));
        }
    }
    let line = |cells: [&str; 5]| {
        format!(
            "{}  {}  {}  {}  {}",
            pad(cells[0], widths[0]),
            pad_left(cells[1], widths[1]),
            pad_left(cells[2], widths[2]),
            pad_left(cells[3], widths[3]),
            pad_left(cells[4], widths[4])
        )
    };
    let _ = writeln!(out, "{}", line(header));
    for r in &rows {
        let _ = writeln!(out, "{}", line([&r[0], &r[1], &r[2], &r[3], &r[4]]));
    }
    let _ = writeln!(out, "评价等级：{}", e.grade_label);
    let _ = writeln!(out, "\n计分说明：");
    for i in &e.items {
        let mut s = format!("  {}：", i.name);
        if !i.derivation.is_empty() && i.value.is_some() {
            let _ = write!(s, "{}；", i.derivation);
        }
        s.push_str(&i.working);
        if let Some(r) = &i.loss_reason {
            let _ = write!(s, "；扣 {} 分：{r}", format_score(i.lost()));
        }
        let _ = writeln!(out, "{s}");
    }
    let provisional: Vec<&str> = e
        .items
        .iter()
        .filter(|i| i.status == Status::Provisional)
        .map(|i| i.name.as_str())
        .collect();
    if e.provisional || !provisional.is_empty() {
        let _ = writeln!(out, "\n暂定：{}", e.framework_note);
    }
    let inferred = inferred_inputs(e);
    if !inferred.is_empty() {
        let _ = writeln!(out, "\n* 含推定数：");
        for (values, reason) in inferred {
            let _ = writeln!(out, "  {values}（推定）：{reason}");
        }
    }
    for w in &e.warnings {
        let _ = writeln!(out, "提示：{w}");
    }
    out
}
