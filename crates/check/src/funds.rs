//! The funds head of the older project forms (Hunan 2016 and others): the amounts side by side
//! in one row — 计划安排资金(万元) 170 | 实际到位资金(万元) 170 | 实际支出(万元) 179.6 | 结余(万元) 0 —
//! and, under each, the same 其中 rows (中央财政, 省财政, 市财政, 区财政, 其它) in its column.

use crate::numbers::show;
use crate::read::Grid;
use crate::table::{number, part_name, row_text, simplify};
use crate::{Finding, Severity};
use rust_decimal::Decimal;

/// One amount of the head: its label, the column of its value, the value as printed (None
/// when blank or unreadable, such as an OCR'd `89+82`) and the sum of its 其中 rows.
struct Amount {
    label: String,
    col: usize,
    printed: Option<(Decimal, u32)>,
    raw: String,
    parts: Decimal,
    parts_given: usize,
}

impl Amount {
    /// What the amount is: as printed, else what its parts add up to.
    fn value(&self) -> Option<Decimal> {
        self.printed
            .map(|p| p.0)
            .or((self.parts_given > 0).then_some(self.parts))
    }
}

/// Each amount against its 其中 rows, and 结余 against 到位 less 支出.
pub fn check(file: &str, grid: &Grid) -> Vec<Finding> {
    let mut out = Vec::new();
    for (r, row) in grid.rows.iter().enumerate() {
        let mut amounts: Vec<Amount> = row
            .iter()
            .enumerate()
            .filter(|(_, c)| {
                let t = simplify(c);
                (t.contains("(万元)") || t.contains("（万元）"))
                    && ["资金", "支出", "结余"].iter().any(|w| t.contains(w))
            })
            .map(|(c, label)| {
                let raw = row.get(c + 1).cloned().unwrap_or_default();
                Amount {
                    label: label.clone(),
                    col: c + 1,
                    printed: number(&raw),
                    raw,
                    parts: Decimal::ZERO,
                    parts_given: 0,
                }
            })
            .collect();
        if amounts.len() < 3 {
            continue;
        }
        // The 其中 rows: the same name under every amount's label.
        let mut last = r;
        for (k, next) in grid.rows[r + 1..].iter().enumerate() {
            let names: Vec<String> = amounts
                .iter()
                .map(|a| part_name(&simplify(next.get(a.col - 1).map_or("", |s| s.trim()))))
                .collect();
            if names[0].is_empty() || names.iter().any(|n| *n != names[0]) {
                break;
            }
            last = r + 1 + k;
            for a in amounts.iter_mut() {
                if let Some((v, _)) = next.get(a.col).and_then(|c| number(c)) {
                    a.parts += v;
                    a.parts_given += 1;
                }
            }
        }
        if last == r {
            continue;
        }
        for a in &amounts {
            let Some((v, dp)) = a.printed else { continue };
            if a.parts_given > 0 && a.parts != v {
                out.push(Finding {
                    severity: Severity::Error,
                    check: "subtotal",
                    file: file.to_string(),
                    location: grid.cell(r, a.col),
                    excerpt: format!("{} {}", a.label, a.raw),
                    stated: show(v, dp),
                    recomputed: show(a.parts, dp.max(2)),
                    rule: format!("{}应等于其下“其中”各项之和", a.label),
                });
            }
        }
        let find = |w: &str| amounts.iter().find(|a| simplify(&a.label).contains(w));
        let (Some(arrived), Some(spent), Some(left)) = (
            find("到位").or_else(|| find("安排")),
            find("支出"),
            find("结余"),
        ) else {
            continue;
        };
        let (Some(a), Some(s)) = (arrived.value(), spent.value()) else {
            continue;
        };
        let should = a - s;
        let wrong = match left.printed {
            Some((l, _)) => l != should,
            // Nothing left is written, yet more was spent than arrived.
            None => should < Decimal::ZERO,
        };
        if wrong {
            out.push(Finding {
                severity: Severity::Warning,
                check: "sum",
                file: file.to_string(),
                location: grid.cell(r, left.col),
                excerpt: row_text(row),
                stated: left.raw.clone(),
                recomputed: show(should, 2),
                rule: format!(
                    "结余应等于{}减{}：{} − {} = {}",
                    arrived.label,
                    spent.label,
                    show(a, 2),
                    show(s, 2),
                    show(should, 2)
                ),
            });
        }
    }
    out
}

/// The 年度资金总额 of the Hunan 部门整体支出绩效自评表 split two ways — 按收入性质分 (一般公共预算,
/// 政府性基金, 其他资金) and 按支出性质分 (基本支出, 项目支出): one total, so the two must be
/// equal. Each label carries its amount after a colon in its cell, or in the cell beside it.
pub fn two_ways(file: &str, grid: &Grid) -> Vec<Finding> {
    let labelled = |label: &str| {
        grid.rows.iter().enumerate().find_map(|(r, row)| {
            row.iter().enumerate().find_map(|(c, cell)| {
                let t = simplify(cell);
                let rest = t[t.find(label)? + label.len()..].trim_start_matches([':', '：', ' ']);
                let (value, col) = if rest.is_empty() {
                    (number(row.get(c + 1)?)?, c + 1)
                } else {
                    (number(rest)?, c)
                };
                Some((r, col, cell.clone(), value))
            })
        })
    };
    let (Some(income), Some(spending)) = (labelled("按收入性质分"), labelled("按支出性质分"))
    else {
        return Vec::new();
    };
    if income.3 .0 == spending.3 .0 {
        return Vec::new();
    }
    vec![Finding {
        severity: Severity::Warning,
        check: "same-quantity",
        file: file.to_string(),
        location: grid.cell(spending.0, spending.1),
        excerpt: spending.2.clone(),
        stated: show(spending.3 .0, spending.3 .1),
        recomputed: show(income.3 .0, income.3 .1),
        rule: format!(
            "年度资金总额按收入性质分（{}）与按支出性质分（{}）是同一总数的两种分法，应相等",
            show(income.3 .0, income.3 .1),
            show(spending.3 .0, spending.3 .1)
        ),
    }]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn grid(rows: &[&[&str]]) -> Grid {
        Grid {
            rows: rows
                .iter()
                .map(|r| r.iter().map(|c| c.to_string()).collect())
                .collect(),
            name: "表格".into(),
            a1: false,
        }
    }

    #[test]
    fn a_total_split_two_ways_must_give_one_total() {
        let differ = grid(&[
            &["", "按收入性质分:2030.12", "按支出性质分:1925.67"],
            &["", "其中: 一般公共预算:1325.68", "其中:基本支出:900.47"],
        ]);
        let f = two_ways("t", &differ);
        assert_eq!(f.len(), 1, "{f:?}");
        assert_eq!(
            (f[0].stated.as_str(), f[0].recomputed.as_str()),
            ("1,925.67", "2,030.12")
        );
        // The amount in the cell beside its label, and equal: nothing.
        let equal = grid(&[&["按收入性质分", "2030.12", "按支出性质分：", "2,030.12"]]);
        assert!(two_ways("t", &equal).is_empty());
    }
}
