//! Checks of a scored self-evaluation table (项目支出绩效自评表 and 部门整体支出绩效自评表,
//! RULES.md §1.8 and the variants in it): the execution rate, the execution score, each
//! indicator's score against its weight and its rule, weights against the framework's total,
//! subtotals and the total, and the grade.
//!
//! The layout is found from the header rows: a row naming 分值 (or 权重) and 得分 starts a
//! block, and its other headings (全年预算数, 全年执行数, 执行率, 年度指标值, 实际完成值,
//! 指标性质, 三级指标) say what each column holds until the next such row.

use crate::numbers::{judge, parse_number, show, Judgement};
use crate::read::Grid;
use crate::{Finding, Rules, Severity};
use rust_decimal::Decimal;

#[derive(Debug, Default, Clone)]
struct Columns {
    weight: Option<usize>,
    score: Option<usize>,
    budget: Option<usize>,
    executed: Option<usize>,
    rate: Option<usize>,
    target: Option<usize>,
    actual: Option<usize>,
    operator: Option<usize>,
    name: Option<usize>,
}

fn find(row: &[String], words: &[&str], not: &[&str]) -> Option<usize> {
    words.iter().find_map(|w| {
        row.iter()
            .position(|c| c.contains(w) && !not.iter().any(|n| c.contains(n)))
    })
}

fn header(row: &[String]) -> Option<Columns> {
    let weight = find(row, &["分值", "权重"], &[])?;
    let score = find(row, &["得分"], &["计算", "方法", "说明"])?;
    Some(Columns {
        weight: Some(weight),
        score: Some(score),
        budget: find(
            row,
            &["全年预算数", "调整后预算", "预算数"],
            &["年初", "执行"],
        ),
        executed: find(
            row,
            &["全年执行数", "预算执行数", "执行数", "实际执行"],
            &["执行率"],
        ),
        rate: find(row, &["执行率"], &[]),
        target: find(row, &["年度指标值", "指标值", "目标值"], &["性质"]),
        actual: find(row, &["实际完成值", "完成值", "全年实际值", "实际值"], &[]),
        operator: find(row, &["指标性质"], &[]),
        name: find(row, &["三级指标", "指标名称"], &[]),
    })
}

/// A cell's number, with a trailing note in brackets such as （推定） or （暂定） left aside.
fn number(text: &str) -> Option<(Decimal, u32)> {
    let mut t = text.trim();
    if let Some(at) = t.find(['（', '(']) {
        if t.ends_with(['）', ')']) {
            t = t[..at].trim();
        }
    }
    parse_number(t.trim_end_matches(['%', '％']).trim())
}

/// An indicator's comparison: ≥ (more is better), ≤ (less is better), = .
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Op {
    AtLeast,
    AtMost,
    Equal,
}

/// The operator and number of a target such as `≥95%`, `≤5`, `=0`, `100%`, `356篇`.
fn target(text: &str, operator: Option<&str>) -> Option<(Op, Decimal)> {
    let t = text.trim();
    let (op, rest) = match t.chars().next()? {
        '≥' | '＞' | '>' => (Op::AtLeast, &t[t.chars().next()?.len_utf8()..]),
        '≤' | '＜' | '<' => (Op::AtMost, &t[t.chars().next()?.len_utf8()..]),
        '=' | '＝' => (Op::Equal, &t[t.chars().next()?.len_utf8()..]),
        _ => (
            match operator.map(str::trim) {
                Some("≤" | "<" | "＜" | "<=" | "反向") => Op::AtMost,
                Some("=" | "＝" | "等于") => Op::Equal,
                _ => Op::AtLeast,
            },
            t,
        ),
    };
    let rest = rest.trim_start_matches('=').trim();
    Some((op, leading_number(rest)?))
}

/// The number at the start of `356篇` or `98.5%`.
fn leading_number(text: &str) -> Option<Decimal> {
    let n: String = text
        .trim()
        .chars()
        .take_while(|c| c.is_ascii_digit() || *c == '.' || *c == ',')
        .collect();
    parse_number(&n).map(|(v, _)| v)
}

/// The level of a qualitative actual and its band as shares of the weight (RULES.md §1.5).
fn qualitative(actual: &str) -> Option<(&'static str, Decimal, Decimal)> {
    let (low, high) = (Decimal::new(6, 1), Decimal::new(8, 1));
    if actual.contains("未达成") {
        Some(("未达成年度指标且效果较差", Decimal::ZERO, low))
    } else if actual.contains("部分达成") {
        Some(("部分达成年度指标并具有一定效果", low, high))
    } else if actual.contains("达成年度指标") || actual.trim() == "达成" {
        Some(("达成年度指标", high, Decimal::ONE))
    } else {
        None
    }
}

/// The scores an indicator may have under the rule variants of RULES.md §1.4.2, each with
/// its name, and whether the target was met.
fn expected_scores(
    op: Op,
    t: Decimal,
    a: Decimal,
    w: Decimal,
) -> (Vec<(Decimal, &'static str)>, bool) {
    let a = a.max(Decimal::ZERO);
    let clamp = |s: Decimal| s.max(Decimal::ZERO).min(w);
    match op {
        Op::Equal if t.is_zero() => {
            let met = a <= Decimal::ZERO;
            (
                vec![(
                    if met { w } else { Decimal::ZERO },
                    "等于0：达到得满分，否则0分",
                )],
                met,
            )
        }
        Op::AtLeast | Op::Equal => {
            let met = a >= t;
            let s = if met || t.is_zero() { w } else { a / t * w };
            (
                vec![(clamp(s), "正向：完成值 ÷ 指标值 × 分值，达到得满分")],
                met,
            )
        }
        Op::AtMost => {
            let met = a <= t;
            if met {
                return (vec![(w, "反向：不超过指标值得满分")], true);
            }
            let linear = if a >= t * Decimal::TWO || t.is_zero() {
                Decimal::ZERO
            } else {
                (Decimal::ONE - (a - t) / t) * w
            };
            let inverse = if a.is_zero() { w } else { t / a * w };
            (
                vec![
                    (
                        clamp(linear),
                        "反向（线性扣减）：(1 − (完成值 − 指标值) ÷ 指标值) × 分值",
                    ),
                    (clamp(inverse), "反向（比值）：指标值 ÷ 完成值 × 分值"),
                ],
                false,
            )
        }
    }
}

/// A row of leaves under a subtotal row, or of the table's top.
struct Block {
    row: usize,
    weight: Decimal,
    score: Option<Decimal>,
    leaves_weight: Decimal,
    leaves_score: Decimal,
    leaves: usize,
}

/// Checks one table.
pub fn check(file: &str, grid: &Grid, rules: &Rules) -> Vec<Finding> {
    let mut out = Vec::new();
    let mut cols: Option<Columns> = None;
    let mut weight_sum = Decimal::ZERO;
    let mut score_sum = Decimal::ZERO;
    let mut leaves = 0usize;
    let mut blocks: Vec<Block> = Vec::new();
    // The total row: its row, its stated weight and its stated score.
    type TotalRow = (usize, Option<Decimal>, Option<(Decimal, u32)>);
    let mut total: Option<TotalRow> = None;
    let mut grade: Option<(usize, usize, String)> = None;
    let cell = |r: usize, c: Option<usize>| -> &str {
        c.and_then(|c| grid.rows[r].get(c))
            .map_or("", |s| s.as_str())
    };
    let mut push = |severity,
                    check,
                    location: String,
                    excerpt: String,
                    stated: String,
                    recomputed: String,
                    rule: String| {
        out.push(Finding {
            severity,
            check,
            file: file.to_string(),
            location,
            excerpt,
            stated,
            recomputed,
            rule,
        })
    };
    for (r, row) in grid.rows.iter().enumerate() {
        if let Some(c) = row
            .iter()
            .position(|c| c.contains("评价等级") || c == "等级")
        {
            if let Some(g) = row[c + 1..].iter().find(|s| !s.is_empty()) {
                grade = Some((
                    r,
                    c + 1 + row[c + 1..].iter().position(|s| s == g).unwrap_or(0),
                    g.clone(),
                ));
            }
        }
        if let Some(h) = header(row) {
            cols = Some(h);
            continue;
        }
        let Some(c) = &cols else { continue };
        let first = row
            .iter()
            .find(|s| !s.is_empty())
            .map_or("", String::as_str);
        let weight = number(cell(r, c.weight));
        let score = number(cell(r, c.score));
        if first.contains("总分") || first.starts_with("合计") || first.starts_with("总计") {
            total = Some((r, weight.map(|w| w.0), score));
            continue;
        }
        let Some((w, _)) = weight else {
            // 其中 rows (分值 shown as — or /) only carry a rate.
            if let (Some(b), Some(e), Some((rate, dp))) = (
                number(cell(r, c.budget)),
                number(cell(r, c.executed)),
                number(cell(r, c.rate)),
            ) {
                rate_check(&mut push, grid, r, c, b.0, e.0, rate, dp);
            }
            continue;
        };
        let name = cell(r, c.name).trim();
        let is_subtotal = c.name.is_some()
            && name.is_empty()
            && cell(r, c.target).is_empty()
            && number(cell(r, c.budget)).is_none();
        if is_subtotal {
            blocks.push(Block {
                row: r,
                weight: w,
                score: score.map(|s| s.0),
                leaves_weight: Decimal::ZERO,
                leaves_score: Decimal::ZERO,
                leaves: 0,
            });
            continue;
        }
        weight_sum += w;
        leaves += 1;
        let s = score.map(|s| s.0);
        if let Some(s) = s {
            score_sum += s;
        }
        if let Some(b) = blocks.last_mut() {
            b.leaves_weight += w;
            b.leaves_score += s.unwrap_or_default();
            b.leaves += 1;
        }
        let Some(s) = s else { continue };
        if s > w {
            push(
                Severity::Error,
                "score-cap",
                grid.cell(r, c.score.unwrap_or(0)),
                row_text(row),
                show(s, 2),
                format!("不超过 {}", show(w, 2)),
                format!(
                    "得分不能超过分值 {}（RULES.md §1.4.2：指标得分封顶于分值）",
                    show(w, 2)
                ),
            );
            continue;
        }
        // The execution row: rate and score.
        if let (Some((b, _)), Some((e, _))) =
            (number(cell(r, c.budget)), number(cell(r, c.executed)))
        {
            if let Some((rate, dp)) = number(cell(r, c.rate)) {
                rate_check(&mut push, grid, r, c, b, e, rate, dp);
            }
            if !b.is_zero() {
                let exact = (e / b * w).min(w);
                let (stated, dp) = score.expect("checked above");
                if let Judgement::Wrong(expected) = judge(exact, stated, dp.max(2)) {
                    push(
                        Severity::Error,
                        "execution-score",
                        grid.cell(r, c.score.unwrap_or(0)),
                        row_text(row),
                        show(stated, 2),
                        show(expected, 2),
                        format!(
                            "预算执行得分 = 执行率 × 分值，封顶于分值（RULES.md §1.3）：{} ÷ {} × {}",
                            show(e, 2),
                            show(b, 2),
                            show(w, 2)
                        ),
                    );
                }
            }
            continue;
        }
        // A qualitative indicator: the score must lie in its level's band (RULES.md §1.5).
        if let Some((level, low, high)) = qualitative(cell(r, c.actual)) {
            let (low, high) = (low * w, high * w);
            let inside = s >= low && (s < high || (high == w && s <= w));
            if !inside {
                push(
                    Severity::Error,
                    "score-rule",
                    grid.cell(r, c.score.unwrap_or(0)),
                    row_text(row),
                    show(s, 2),
                    format!("{}–{}", show(low, 2), show(high, 2)),
                    format!("定性指标“{level}”的得分应在其档次内（RULES.md §1.5）"),
                );
            }
            continue;
        }
        // An indicator with a numeric target and actual.
        let Some((op, t)) = target(
            cell(r, c.target),
            Some(cell(r, c.operator)).filter(|s| !s.is_empty()),
        ) else {
            continue;
        };
        let Some(a) = leading_number(cell(r, c.actual)) else {
            continue;
        };
        let (expected, met) = expected_scores(op, t, a, w);
        let fits = |e: Decimal| !matches!(judge(e, s, 2), Judgement::Wrong(_));
        if met && s < w {
            push(
                Severity::Error,
                "met-but-deducted",
                grid.cell(r, c.score.unwrap_or(0)),
                row_text(row),
                show(s, 2),
                show(w, 2),
                format!(
                    "目标已达成（指标值 {}，完成值 {}）却扣分：达成目标应得满分（RULES.md §1.4.2）",
                    cell(r, c.target),
                    cell(r, c.actual)
                ),
            );
        } else if !expected.iter().any(|(e, _)| fits(*e)) {
            push(
                Severity::Error,
                "score-rule",
                grid.cell(r, c.score.unwrap_or(0)),
                row_text(row),
                show(s, 2),
                expected
                    .iter()
                    .map(|(e, _)| show(*e, 2))
                    .collect::<Vec<_>>()
                    .join(" 或 "),
                format!(
                    "{}（指标值 {}，完成值 {}，分值 {}；RULES.md §1.4.2）",
                    expected
                        .iter()
                        .map(|(_, n)| *n)
                        .collect::<Vec<_>>()
                        .join("；"),
                    cell(r, c.target),
                    cell(r, c.actual),
                    show(w, 2)
                ),
            );
        }
    }
    let Some(c) = cols else { return out };

    for b in &blocks {
        if b.leaves == 0 {
            continue;
        }
        let row = &grid.rows[b.row];
        if b.leaves_weight != b.weight {
            push(
                Severity::Error,
                "subtotal",
                grid.cell(b.row, c.weight.unwrap_or(0)),
                row_text(row),
                show(b.weight, 2),
                show(b.leaves_weight, 2),
                "小计的分值应等于其下各指标分值之和".into(),
            );
        }
        if let Some(s) = b.score.filter(|s| *s != b.leaves_score) {
            push(
                Severity::Error,
                "subtotal",
                grid.cell(b.row, c.score.unwrap_or(0)),
                row_text(row),
                show(s, 2),
                show(b.leaves_score, 2),
                "小计的得分应等于其下各指标得分之和（RULES.md §1.6）".into(),
            );
        }
    }
    if leaves == 0 {
        return out;
    }
    if weight_sum != rules.total {
        push(
            Severity::Error,
            "weights",
            grid.name.clone(),
            format!("{leaves} 项指标（含预算执行）"),
            show(weight_sum, 2),
            show(rules.total, 2),
            format!(
                "各项分值之和应为总分 {}（指标体系的结构）",
                show(rules.total, 0)
            ),
        );
    }
    if let Some((r, w, s)) = total {
        if let Some(w) = w.filter(|w| *w != weight_sum) {
            push(
                Severity::Error,
                "total",
                grid.cell(r, c.weight.unwrap_or(0)),
                row_text(&grid.rows[r]),
                show(w, 2),
                show(weight_sum, 2),
                "总分行的分值应等于各项分值之和".into(),
            );
        }
        if let Some((s, _)) = s {
            if s != score_sum {
                push(
                    Severity::Error,
                    "total",
                    grid.cell(r, c.score.unwrap_or(0)),
                    row_text(&grid.rows[r]),
                    show(s, 2),
                    show(score_sum, 2),
                    "总得分应等于各项得分之和（RULES.md §1.6）".into(),
                );
            }
            if let Some((gr, gc, g)) = &grade {
                let expected = rules.grading.grade(s);
                if g.trim() != expected.label && !g.contains(&expected.label) {
                    push(
                        Severity::Warning,
                        "grade",
                        grid.cell(*gr, *gc),
                        g.clone(),
                        g.clone(),
                        expected.label.clone(),
                        format!("{}分对应的等级；{}", show(s, 2), rules.grading_source),
                    );
                }
            }
        }
    }
    out
}

#[allow(clippy::too_many_arguments)]
fn rate_check(
    push: &mut impl FnMut(Severity, &'static str, String, String, String, String, String),
    grid: &Grid,
    r: usize,
    c: &Columns,
    budget: Decimal,
    executed: Decimal,
    rate: Decimal,
    dp: u32,
) {
    if budget.is_zero() {
        return;
    }
    let exact = executed / budget * Decimal::from(100);
    let stated = grid.rows[r][c.rate.unwrap_or(0)].clone();
    let rule = format!(
        "执行率 = 全年执行数 ÷ 全年预算数（RULES.md §1.3）：{} ÷ {} = {}%",
        show(executed, 2),
        show(budget, 2),
        show(exact.round_dp(4), 4)
    );
    match judge(exact, rate, dp) {
        Judgement::Agrees => {}
        Judgement::OnlyBy(modes) => push(
            Severity::Note,
            "rate",
            grid.cell(r, c.rate.unwrap_or(0)),
            row_text(&grid.rows[r]),
            stated,
            format!(
                "{}%",
                show(
                    jixiao_domain::number::Rounding::HalfAwayFromZero.round(exact, dp),
                    dp
                )
            ),
            format!(
                "{rule}；写作的数只有按{}才能得到",
                modes
                    .iter()
                    .map(|m| m.label())
                    .collect::<Vec<_>>()
                    .join("或")
            ),
        ),
        Judgement::Wrong(expected) => push(
            Severity::Error,
            "rate",
            grid.cell(r, c.rate.unwrap_or(0)),
            row_text(&grid.rows[r]),
            stated,
            format!("{}%", show(expected, dp)),
            rule,
        ),
    }
}

/// A row's cells joined, for the excerpt.
fn row_text(row: &[String]) -> String {
    let mut cells: Vec<&str> = Vec::new();
    for c in row.iter().filter(|c| !c.is_empty()) {
        if cells.last() != Some(&c.as_str()) {
            cells.push(c);
        }
    }
    let s = cells.join(" | ");
    if s.chars().count() > 80 {
        format!("{}…", s.chars().take(78).collect::<String>())
    } else {
        s
    }
}
