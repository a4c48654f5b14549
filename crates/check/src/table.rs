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
use rust_decimal::{Decimal, RoundingStrategy};

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
    /// 得分系数 (coefficient forms: 得分 = 系数 × 指标权重).
    coefficient: Option<usize>,
    /// 二级指标 (数量指标 and the like: a direction clue).
    level2: Option<usize>,
    /// 调整指标值, which replaces the year's first target when given.
    target_adjusted: Option<usize>,
    /// The points a score column names in its heading (得分 (20 分*执行率)), for a block with
    /// no 分值 column.
    score_weight: Option<Decimal>,
    /// Yuan per unit of the block's bare amounts: 10,000 under (万元), the national form's.
    unit: i64,
}

/// Traditional characters of these tables' headings and labels, as simplified ones: tables
/// published in traditional characters (mirror sites, some counties) are recognised by the
/// same words. Only for recognising; every finding quotes the cells as published.
pub(crate) fn simplify(text: &str) -> String {
    const PAIRS: &[(char, char)] = &[
        ('標', '标'),
        ('際', '际'),
        ('預', '预'),
        ('數', '数'),
        ('執', '执'),
        ('績', '绩'),
        ('項', '项'),
        ('資', '资'),
        ('實', '实'),
        ('級', '级'),
        ('滿', '满'),
        ('產', '产'),
        ('質', '质'),
        ('時', '时'),
        ('經', '经'),
        ('濟', '济'),
        ('會', '会'),
        ('總', '总'),
        ('計', '计'),
        ('額', '额'),
        ('與', '与'),
        ('對', '对'),
        ('結', '结'),
        ('轉', '转'),
        ('撥', '拨'),
        ('當', '当'),
        ('務', '务'),
        ('價', '价'),
        ('評', '评'),
        ('農', '农'),
        ('應', '应'),
        ('態', '态'),
        ('續', '续'),
        ('響', '响'),
        ('調', '调'),
        ('門', '门'),
        ('單', '单'),
        ('來', '来'),
        ('費', '费'),
        ('體', '体'),
        ('間', '间'),
        ('範', '范'),
        ('設', '设'),
        ('權', '权'),
        ('重', '重'),
        ('說', '说'),
        ('明', '明'),
        ('歸', '归'),
        ('據', '据'),
        ('處', '处'),
        ('況', '况'),
        ('進', '进'),
        ('後', '后'),
        ('為', '为'),
        ('業', '业'),
        ('發', '发'),
        ('訴', '诉'),
        ('故', '故'),
        ('餘', '余'),
        ('變', '变'),
        ('動', '动'),
        ('控', '控'),
        ('製', '制'),
        ('內', '内'),
        ('億', '亿'),
        ('萬', '万'),
        ('元', '元'),
        ('並', '并'),
        ('其', '其'),
        ('則', '则'),
        ('準', '准'),
        ('補', '补'),
        ('貼', '贴'),
        ('團', '团'),
        ('機', '机'),
        ('購', '购'),
        ('專', '专'),
        ('區', '区'),
        ('縣', '县'),
        ('鎮', '镇'),
        ('劃', '划'),
        ('達', '达'),
        ('個', '个'),
        ('這', '这'),
        ('開', '开'),
        ('們', '们'),
        ('財', '财'),
        ('報', '报'),
        ('關', '关'),
        ('員', '员'),
        ('將', '将'),
        ('過', '过'),
        ('還', '还'),
        ('運', '运'),
        ('營', '营'),
        ('護', '护'),
        ('險', '险'),
        ('醫', '医'),
        ('療', '疗'),
        ('衛', '卫'),
        ('養', '养'),
        ('戶', '户'),
        ('貧', '贫'),
        ('東', '东'),
        ('場', '场'),
        ('築', '筑'),
        ('橋', '桥'),
        ('環', '环'),
        ('導', '导'),
        ('於', '于'),
        ('從', '从'),
        ('屬', '属'),
        ('現', '现'),
        ('規', '规'),
        ('聯', '联'),
        ('節', '节'),
        ('約', '约'),
        ('賬', '账'),
        ('貸', '贷'),
        ('稅', '税'),
        ('參', '参'),
        ('問', '问'),
        ('題', '题'),
        ('舉', '举'),
        ('師', '师'),
        ('兩', '两'),
        ('點', '点'),
        ('層', '层'),
        ('買', '买'),
        ('獎', '奖'),
        ('勵', '励'),
    ];
    without_pinyin(text)
        .chars()
        .map(|c| PAIRS.iter().find(|(t, _)| *t == c).map_or(c, |(_, s)| *s))
        .collect()
}

/// Text without the pinyin some mirror sites print after each character (`預(yù)算數(shù)`):
/// a bracket of lowercase letters only, with a tone mark or two letters at least. `(A)`, `(B/A)`
/// and `(万元)` stay.
fn without_pinyin(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.contains('(') {
        return text.into();
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(open) = rest.find('(') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        match after.find(')') {
            Some(close)
                if close > 0
                    && after[..close].chars().all(char::is_lowercase)
                    && (after[..close].chars().count() >= 2 || !after[..close].is_ascii()) =>
            {
                rest = &after[close + 1..];
            }
            _ => {
                out.push('(');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out.into()
}

fn find(row: &[String], words: &[&str], not: &[&str]) -> Option<usize> {
    words.iter().find_map(|w| {
        row.iter()
            .position(|c| c.contains(w) && !not.iter().any(|n| c.contains(n)))
    })
}

fn header(row: &[String]) -> Option<Columns> {
    // Headings are often spaced out to fit their cells (`三级 指标`, `分 值`).
    let row: Vec<String> = row
        .iter()
        .map(|c| simplify(c).chars().filter(|c| !c.is_whitespace()).collect())
        .collect();
    let row = row.as_slice();
    // 参考分值 too, and its letters out of order in an OCR'd scan (`考值参分`): a short heading
    // with both 分 and 值 and nothing of 得分.
    let weight = find(row, &["分值", "权重"], &["系数"]).or_else(|| {
        row.iter().position(|c| {
            c.chars().count() <= 4 && c.contains('分') && c.contains('值') && !c.contains("得")
        })
    });
    let score = find(
        row,
        &["自评得分", "指标得分", "得分"],
        &["计算", "方法", "说明", "系数", "标准", "规则"],
    );
    // A funds block with no score at all (a transfer payment's 绩效目标自评表): its rates are
    // still checked.
    let funds_only = score.is_none()
        && find(row, &["预算数"], &[]).is_some()
        && find(row, &["执行数"], &["执行率"]).is_some()
        && find(row, &["执行率"], &[]).is_some();
    if score.is_none() && !funds_only {
        return None;
    }
    // Without a 分值 column, a heading row still names its score and what is scored (预算数
    // and 执行数, or 三级指标 and its values): the points come from the labels (issue 16, 5).
    if weight.is_none()
        && find(
            row,
            &["三级指标", "预算数", "执行数", "目标值", "指标值"],
            &[],
        )
        .is_none()
    {
        return None;
    }
    Some(Columns {
        weight,
        score,
        // Not from a heading line run into one cell (`…一级指标 二级指标 三级指标 得分 部门决策
        // (25分)…`): its points are a row's, not the score column's.
        score_weight: score
            .filter(|&s| names_one_column(&row[s]))
            .and_then(|s| label_points(&row[s])),
        // 年初预算数 is the budget only where no 全年预算数 column follows it (a department
        // form of 年初预算数 and 全年执行数).
        budget: find(
            row,
            &["全年预算数", "调整后预算", "预算数"],
            &["年初", "执行"],
        )
        .or_else(|| find(row, &["年初预算数"], &[])),
        executed: find(
            row,
            &["全年执行数", "预算执行数", "执行数", "实际执行"],
            &["执行率"],
        ),
        rate: find(row, &["执行率"], &["权重", "得分"]),
        target: find(row, &["年度指标值", "指标值", "目标值"], &["性质", "调整"]),
        target_adjusted: find(row, &["调整指标值"], &[]),
        coefficient: find(row, &["得分系数"], &[]),
        level2: find(row, &["二级指标"], &[]),
        actual: find(row, &["实际完成值", "完成值", "全年实际值", "实际值"], &[]),
        operator: find(row, &["指标性质"], &[]),
        name: find(row, &["三级指标", "指标名称"], &[]),
        unit: if row.iter().any(|c| c.contains("万元")) || !row.iter().any(|c| c.contains('元'))
        {
            10_000
        } else {
            1
        },
    })
}

/// Whether a heading cell names one column: a mirror that runs a heading line together puts
/// 一级指标, 三级指标 and 得分 in one cell.
fn names_one_column(cell: &str) -> bool {
    ["一级指标", "二级指标", "三级指标", "指标名称", "得分"]
        .iter()
        .filter(|w| cell.contains(*w))
        .count()
        < 2
}

/// Columns that number the rows (行次, 序号, 栏次): their figures are not amounts.
fn numbering_columns(grid: &Grid) -> Vec<usize> {
    let mut cols: Vec<usize> = grid
        .rows
        .iter()
        .flat_map(|row| {
            row.iter().enumerate().filter_map(|(i, c)| {
                let c: String = c.chars().filter(|c| !c.is_whitespace()).collect();
                matches!(c.as_str(), "行次" | "序号" | "栏次" | "编号").then_some(i)
            })
        })
        .collect();
    cols.sort_unstable();
    cols.dedup();
    cols
}

/// A row that numbers the columns (`列次 | 0 | 1 | 2 …`, `栏次 | 1 | 2 …`).
fn numbers_columns(row: &[String]) -> bool {
    row.iter()
        .find(|c| !c.trim().is_empty())
        .is_some_and(|c| matches!(c.trim(), "列次" | "栏次" | "栏号"))
}

/// The points a label names: `产出指标 (60 分)`, `年度绩效目标（80分）`, `得分 (20 分*执行率)`.
fn label_points(text: &str) -> Option<Decimal> {
    let t: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    let chars: Vec<char> = t.chars().collect();
    for (i, c) in chars.iter().enumerate() {
        if !matches!(c, '(' | '（') {
            continue;
        }
        let Some(len) = chars[i + 1..].iter().position(|c| matches!(c, ')' | '）')) else {
            continue;
        };
        let inside: String = chars[i + 1..i + 1 + len].iter().collect();
        // `(20分)`, `(特性指标70分)`, `(20 分*执行率)`, and a bare `(10)` when it is all the
        // cell says.
        let before_fen = inside.split('分').next().unwrap_or("");
        let digits: String = before_fen
            .chars()
            .rev()
            .take_while(|c| c.is_ascii_digit() || *c == '.')
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .collect();
        // (a bare number closing the label: `绩效目标(10)`)
        let bare = i + len + 2 == chars.len() && inside.chars().all(|c| c.is_ascii_digit());
        if !digits.is_empty() && (inside.contains('分') || bare) {
            return parse_number(&digits).map(|(v, _)| v);
        }
    }
    None
}

/// A second header row under the first (一级指标 | 二级指标 | 三级指标 | 指标性质 | 指标值 …,
/// with no 分值 of its own): the columns it names that the first left unnamed.
fn sub_header(row: &[String], c: &mut Columns) -> bool {
    let row: Vec<String> = row
        .iter()
        .map(|c| simplify(c).chars().filter(|c| !c.is_whitespace()).collect())
        .collect();
    let named = find(&row, &["三级指标", "指标性质", "度量单位", "二级指标"], &[]).is_some();
    if !named || row.iter().any(|c| number(c).is_some()) {
        return false;
    }
    if c.name.is_none() {
        c.name = find(&row, &["三级指标", "指标名称"], &[]);
    }
    if c.operator.is_none() {
        c.operator = find(&row, &["指标性质"], &[]);
    }
    if c.level2.is_none() {
        c.level2 = find(&row, &["二级指标"], &[]);
    }
    true
}

/// A cell's number, with a trailing note in brackets such as （推定） or （暂定） left aside,
/// and a unit written in the cell (`98%`, `10分`) dropped.
pub(crate) fn number(text: &str) -> Option<(Decimal, u32)> {
    let mut t = text.trim();
    if let Some(at) = t.find(['（', '(']) {
        if t.ends_with(['）', ')']) {
            t = t[..at].trim();
        }
    }
    let t = t.trim_end_matches(['%', '％', '分']).trim();
    // A figure with no digit before its point (`.32`) is one whose leading digits a copy lost
    // (tables print 0.32): not read, so that nothing is checked against what is not there.
    if t.starts_with('.') {
        return None;
    }
    parse_number(t)
}

/// Units an amount cell may write after its number, longest first, with yuan per unit.
const MONEY_UNITS: [(&str, i64); 5] = [
    ("亿元", 100_000_000),
    ("万元", 10_000),
    ("亿", 100_000_000),
    ("万", 10_000),
    ("元", 1),
];

/// Whether a character is a CJK ideograph (of the basic block, where table words are).
fn is_cjk(c: &char) -> bool {
    ('\u{4e00}'..='\u{9fff}').contains(c)
}

/// An amount cell in yuan: its own unit when it writes one (`4,753.66万元`, `12,000元`,
/// `1.2亿元`, `150万`), else the block's (`unit` yuan per bare number). Also whether the cell
/// wrote a unit.
fn amount(text: &str, unit: i64) -> Option<(Decimal, bool)> {
    let t = simplify(text.trim());
    for (suffix, factor) in MONEY_UNITS {
        if let Some(n) = t.strip_suffix(suffix) {
            let (v, _) = parse_number(n.trim())?;
            return Some((v * Decimal::from(factor), true));
        }
    }
    number(&t).map(|(v, _)| (v * Decimal::from(unit), false))
}

/// An indicator's comparison: ≥ (more is better), ≤ (less is better), = .
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Op {
    AtLeast,
    AtMost,
    Equal,
}

/// Names of indicators that are reverse (less is better) although often printed without ≤
/// (issue 16, item 7).
const REVERSE_NAMES: &[&str] = &[
    "变动率",
    "调整率",
    "控制率",
    "结余率",
    "投诉率",
    "事故率",
    "差错率",
    "发生率",
    "超支率",
    "返工率",
    "损耗率",
    "空置率",
    "违规",
    "流失率",
    "误报率",
    "故障率",
];

/// Names of indicators that are positive (more is better), whose direction is therefore known
/// without ≥.
const POSITIVE_NAMES: &[&str] = &[
    "执行率",
    "完成率",
    "覆盖率",
    "合格率",
    "满意度",
    "满意率",
    "及时率",
    "到位率",
    "达标率",
    "知晓率",
    "发放率",
    "利用率",
    "使用率",
    "通过率",
    "验收率",
    "办结率",
    "参保率",
    "入学率",
];

/// How a target's direction is known.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Known {
    /// Written (≥, ≤, =, or the 指标性质 column).
    Stated,
    /// Not written; taken from the indicator's name (…率 that should be low, or high).
    FromName,
    /// Not written: more is better, the default of RULES.md §1.4.2.
    Default,
}

/// The operator and number of a target such as `≥95%`, `≤5`, `=0`, `100%`, `356篇`, and how
/// its direction is known.
fn target(text: &str, operator: Option<&str>, name: &str) -> Option<(Op, Decimal, Known)> {
    let t = text.trim();
    let first = t.chars().next()?;
    let (op, rest, known) = match first {
        '≥' | '＞' | '>' | '≧' => (Op::AtLeast, &t[first.len_utf8()..], Known::Stated),
        '≤' | '＜' | '<' | '≦' => (Op::AtMost, &t[first.len_utf8()..], Known::Stated),
        '=' | '＝' | '﹦' => (Op::Equal, &t[first.len_utf8()..], Known::Stated),
        _ => match operator.map(str::trim) {
            Some("≥" | "≧" | ">" | "＞" | ">=" | "正向") => (Op::AtLeast, t, Known::Stated),
            Some("≤" | "≦" | "<" | "＜" | "<=" | "反向") => (Op::AtMost, t, Known::Stated),
            Some("=" | "＝" | "﹦" | "等于") => (Op::Equal, t, Known::Stated),
            _ if REVERSE_NAMES.iter().any(|n| simplify(name).contains(n)) => {
                (Op::AtMost, t, Known::FromName)
            }
            _ if POSITIVE_NAMES.iter().any(|n| simplify(name).contains(n)) => {
                (Op::AtLeast, t, Known::FromName)
            }
            _ => (Op::AtLeast, t, Known::Default),
        },
    };
    let rest = rest.trim_start_matches(['=', '＝']).trim();
    Some((op, leading_number(rest)?, known))
}

/// A deadline or a duration written as a target (`9月前`, `11月底前`, `2023年12月完成`,
/// `12月31日前`, `≤10个工作日`) or an actual (`7月`, `2023年11月`, `8个工作日`): a time
/// indicator, earlier (less) being better. Returns the point in months (or the count of days)
/// and whether it is a deadline rather than a number.
fn time_value(text: &str) -> Option<Decimal> {
    let t = text.trim().trim_start_matches(['≤', '≦', '<', '＜']).trim();
    // The number written right before its unit (`完成时间为2022年12月30日`).
    let digits = |s: &str| -> Option<Decimal> {
        let n: String = s
            .chars()
            .rev()
            .take_while(|c| c.is_ascii_digit())
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .collect();
        n.parse::<i64>().ok().map(Decimal::from)
    };
    if let Some((y, rest)) = t.split_once('年') {
        let year = digits(y)?;
        let month = rest
            .split_once('月')
            .and_then(|(m, _)| digits(m))
            .unwrap_or(Decimal::from(12));
        return Some(year * Decimal::from(12) + month);
    }
    if let Some((m, rest)) = t.split_once('月') {
        let month = digits(m)?;
        // A day within the month counts as a fraction of it.
        let day = rest
            .split_once('日')
            .and_then(|(d, _)| digits(d))
            .unwrap_or(Decimal::ZERO);
        return Some(month + day / Decimal::from(100));
    }
    if t.contains("工作日") || t.ends_with('天') || t.ends_with('日') {
        return digits(t);
    }
    None
}

/// Whether a target is written as a deadline or a duration (a time indicator).
fn is_deadline(text: &str) -> bool {
    let t = text.trim();
    (t.contains('月') && (t.contains('前') || t.contains("完成") || t.contains("底")))
        || t.contains("工作日")
        || (t.contains('年') && t.contains('月'))
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

/// The fund block's 年度资金总额 row and the rows under it (其中 当年财政拨款, 上年结转, 其他资金),
/// amounts in yuan.
struct Funds {
    row: usize,
    budget: Decimal,
    executed: Decimal,
    weight: Decimal,
    score: Option<(Decimal, u32)>,
    parts_budget: Decimal,
    parts_executed: Decimal,
    parts: usize,
    /// Parts that state a 全年预算数, and a 全年执行数: a column no part fills in is not
    /// compared with the total (the clerk left it blank, not 0).
    parts_budget_given: usize,
    parts_executed_given: usize,
    /// Rows under it with no amounts at all.
    parts_blank: usize,
}

impl Funds {
    fn new(
        row: usize,
        budget: Decimal,
        executed: Decimal,
        weight: Decimal,
        score: Option<(Decimal, u32)>,
    ) -> Funds {
        Funds {
            row,
            budget,
            executed,
            weight,
            score,
            parts_budget: Decimal::ZERO,
            parts_executed: Decimal::ZERO,
            parts: 0,
            parts_budget_given: 0,
            parts_executed_given: 0,
            parts_blank: 0,
        }
    }
}

/// The decimals a table prints its scores with: the most any score cell has. A table that
/// prints whole numbers is judged in whole numbers (issue 16, item 8).
fn score_precision(grid: &Grid) -> u32 {
    let mut cols: Option<Columns> = None;
    let mut dp = 0;
    for row in &grid.rows {
        if let Some(h) = header(row) {
            cols = Some(h);
            continue;
        }
        if let Some(c) = &cols {
            if let Some((_, d)) = c.score.and_then(|i| row.get(i)).and_then(|t| number(t)) {
                dp = dp.max(d);
            }
        }
    }
    dp
}

type Push<'a> = dyn FnMut(Severity, &'static str, String, String, String, String, String) + 'a;

/// A stated sum that is not the sum of its parts (`(stated, sum)`): an error showing both.
fn wrong_sum(
    push: &mut Push,
    check: &'static str,
    location: String,
    excerpt: String,
    (stated, sum): (Decimal, Decimal),
    rule: &str,
) {
    push(
        Severity::Error,
        check,
        location,
        excerpt,
        show(stated, 2),
        show(sum, 2),
        rule.into(),
    );
}

/// Checks one table; `cut` when the table is a transcription that ends before the table does.
pub fn check(file: &str, grid: &Grid, rules: &Rules, cut: bool) -> Vec<Finding> {
    let mut out = Vec::new();
    let mut cols: Option<Columns> = None;
    let mut weight_sum = Decimal::ZERO;
    let mut score_sum = Decimal::ZERO;
    // The most the shown rows can score under their rules (printed scores where no rule could
    // be applied).
    let mut attainable = Decimal::ZERO;
    // Whether some scored rows had no 分值 column (their points are in the labels).
    let mut weightless = false;
    let mut leaves = 0usize;
    let mut blocks: Vec<Block> = Vec::new();
    let mut funds: Vec<Funds> = Vec::new();
    let mut in_funds = false;
    let dp_scores = score_precision(grid);
    // The total row: its row, its stated weight and its stated score.
    type TotalRow = (usize, Option<Decimal>, Option<(Decimal, u32)>);
    let mut total: Option<TotalRow> = None;
    let mut grade: Option<(usize, usize, String)> = None;
    let cell = |r: usize, c: Option<usize>| -> &str {
        c.and_then(|c| grid.rows[r].get(c))
            .map_or("", |s| s.as_str())
    };
    let mut push_to = |severity,
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
    let push: &mut Push = &mut push_to;
    let mut after_header = false;
    // The second-level kind of the rows that follow (数量指标 …), merged cells carried down.
    let mut level2 = String::new();
    for (r, row) in grid.rows.iter().enumerate() {
        // A total given beside its label anywhere (自评总分(分) | 97.6 in a form's head).
        if let Some(c) = row.iter().position(|c| {
            let c = simplify(c);
            c.starts_with("自评总分")
                || c.starts_with("综合得分")
                || c.starts_with("自评得分合计")
                || c == "自评得分"
        }) {
            if let Some(v) = row[c + 1..]
                .iter()
                .find(|v| !v.is_empty())
                .and_then(|v| number(v))
            {
                total = Some((r, None, Some(v)));
            }
        }
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
            after_header = true;
            in_funds = false;
            continue;
        }
        if after_header {
            after_header = false;
            if let Some(c) = cols.as_mut() {
                if sub_header(row, c) {
                    continue;
                }
            }
        }
        let Some(c) = &cols else { continue };
        if let Some(t) = c
            .level2
            .and_then(|i| row.get(i))
            .filter(|t| !t.trim().is_empty())
        {
            level2 = simplify(t);
        }
        let first = simplify(
            row.iter()
                .find(|s| !s.is_empty())
                .map_or("", String::as_str),
        );
        if first.contains("总体目标") || first.contains("绩效指标") || first.contains("一级指标")
        {
            in_funds = false;
        }
        let score = number(cell(r, c.score));
        let weight = number(cell(r, c.weight)).or_else(|| {
            // A block with no 分值 column: its score heading names the points of its row.
            c.weight
                .is_none()
                .then_some(c.score_weight)
                .flatten()
                .map(|w| (w, 0))
        });
        if first.contains("总分")
            || first.starts_with("合计")
            || first.starts_with("总计")
            || first.starts_with("自评得分")
            || first.starts_with("综合得分")
        {
            total = Some((r, weight.map(|w| w.0), score));
            continue;
        }
        let budget = amount(cell(r, c.budget), c.unit);
        let executed = amount(cell(r, c.executed), c.unit);
        // The rows under 年度资金总额: their amounts add up to it, and each has its rate.
        // A row under 年度资金总额 is one of its parts, even when it repeats a 分值 and a score
        // (其中：本年财政拨款 … 10 … 10): counted once, in the total row (issue 16, item 5).
        let part_row = in_funds
            && (weight.is_none()
                || ["其中", "财政拨款", "结转", "其他资金", "上级", "本级"]
                    .iter()
                    .any(|w| first.contains(w)));
        if part_row && budget.is_none() && executed.is_none() {
            if let Some(f) = funds.last_mut() {
                f.parts_blank += 1;
            }
        }
        if part_row && (budget.is_some() || executed.is_some()) {
            if let Some(f) = funds.last_mut() {
                f.parts_budget += budget.map_or(Decimal::ZERO, |b| b.0);
                f.parts_executed += executed.map_or(Decimal::ZERO, |e| e.0);
                f.parts_budget_given += usize::from(budget.is_some());
                f.parts_executed_given += usize::from(executed.is_some());
                f.parts += 1;
            }
            if let (Some(b), Some(e), Some((rate, dp))) =
                (budget, executed, number(cell(r, c.rate)))
            {
                rate_check(push, grid, r, c, b.0, e.0, rate, dp);
            }
            // A 其中 row that repeats 分值 and 得分 (基本支出 985.19 914.97 10 10): its score is
            // not counted, but a reader takes it for its own rate's.
            // One with the total's own amounts repeats the total's finding too: not again.
            let repeats_total = funds
                .last()
                .zip(budget.zip(executed))
                .is_some_and(|(f, (b, e))| f.budget == b.0 && f.executed == e.0);
            if let (false, Some(b), Some(e), Some((w, _)), Some((stated, dp))) =
                (repeats_total, budget, executed, weight, score)
            {
                execution_score(
                    push,
                    grid,
                    r,
                    c,
                    b.0,
                    e.0,
                    w,
                    stated,
                    dp.max(dp_scores),
                    Some("；此为“其中”行所列的分值与得分，不计入总分"),
                );
            }
            continue;
        }
        let Some((w, _)) = weight else {
            // A funds row with no points (a form that scores nothing): its rate.
            if let (None, Some(b), Some(e)) = (c.score, budget, executed) {
                if let Some((rate, dp)) = number(cell(r, c.rate)) {
                    rate_check(push, grid, r, c, b.0, e.0, rate, dp);
                }
                // Its 年度资金总额 row heads the 其中 rows under it, as in a scored form.
                if first.contains("资金总额") || first.starts_with("合计") {
                    funds.push(Funds::new(r, b.0, e.0, Decimal::ZERO, None));
                    in_funds = true;
                }
                continue;
            }
            if c.weight.is_none() && !in_funds {
                if let Some((s, _)) = score {
                    score_sum += s;
                    attainable += s;
                    leaves += 1;
                    weightless = true;
                }
            }
            continue;
        };
        // An execution row that gives only its rate: 执行率 | 执行率权重 | 执行率得分.
        if let (None, None, Some((rate, _)), Some((stated, dp))) =
            (budget, executed, number(cell(r, c.rate)), score)
        {
            if c.name.is_none_or(|n| cell(r, Some(n)).is_empty()) {
                weight_sum += w;
                score_sum += stated;
                attainable += stated.min((rate / Decimal::from(100) * w).min(w));
                leaves += 1;
                let hundred = Decimal::from(100);
                execution_score(
                    push,
                    grid,
                    r,
                    c,
                    hundred,
                    rate,
                    w,
                    stated,
                    dp.max(dp_scores),
                    None,
                );
                continue;
            }
        }
        // The execution row.
        if let (Some(b), Some(e)) = (budget, executed) {
            weight_sum += w;
            leaves += 1;
            if let Some((s, _)) = score {
                score_sum += s;
                attainable += if b.0.is_zero() {
                    s
                } else {
                    s.min((e.0 / b.0 * w).min(w))
                };
            }
            if let Some((rate, dp)) = number(cell(r, c.rate)) {
                rate_check(push, grid, r, c, b.0, e.0, rate, dp);
            }
            funds.push(Funds::new(r, b.0, e.0, w, score));
            in_funds = true;
            continue;
        }
        in_funds = false;
        let name = cell(r, c.name).trim();
        let is_subtotal =
            c.name.is_some() && name.is_empty() && cell(r, c.target).is_empty() && budget.is_none();
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
        let Some(s) = s else {
            attainable += w;
            continue;
        };
        let best = indicator(
            push,
            grid,
            r,
            c,
            w,
            s,
            score.map_or(0, |s| s.1).max(dp_scores),
            funds.last(),
            &level2,
        );
        attainable += best.map_or(s, |b| b.min(s).max(Decimal::ZERO));
    }
    let Some(c) = cols else { return out };
    let push: &mut Push = &mut push_to;

    for f in &funds {
        let row = &grid.rows[f.row];
        let nonzero = !f.parts_budget.is_zero() || !f.parts_executed.is_zero();
        // Parts that are all zero count only when every part row states its zero.
        let parts_given = f.parts > 0 && (nonzero || (f.parts >= 2 && f.parts_blank == 0));
        let budget_differs = f.parts_budget_given > 0 && f.parts_budget != f.budget;
        let executed_differs = f.parts_executed_given > 0 && f.parts_executed != f.executed;
        if parts_given && (budget_differs || executed_differs) {
            let unit = Decimal::from(c.unit);
            // Blank 其中 rows beside filled ones are read as zeros: a reading, so a warning.
            push(
                if nonzero && f.parts_blank == 0 {
                    Severity::Error
                } else {
                    Severity::Warning
                },
                "subtotal",
                grid.row(f.row),
                row_text(row),
                format!(
                    "{} / {}",
                    show(f.budget / unit, 2),
                    show(f.executed / unit, 2)
                ),
                format!(
                    "{} / {}",
                    show(f.parts_budget / unit, 2),
                    show(f.parts_executed / unit, 2)
                ),
                format!(
                    "年度资金总额（全年预算数 / 全年执行数）应等于其下“其中”各项之和{}",
                    if f.parts_blank > 0 {
                        "；空白的“其中”行按 0 计"
                    } else {
                        ""
                    }
                ),
            );
        }
        // The execution score, from the total row's amounts — or, when the total row is
        // empty or zero, from its parts.
        let (b, e) = if f.budget.is_zero() && parts_given {
            (f.parts_budget, f.parts_executed)
        } else {
            (f.budget, f.executed)
        };
        if let Some((stated, dp)) = f.score {
            execution_score(
                push,
                grid,
                f.row,
                &c,
                b,
                e,
                f.weight,
                stated,
                dp.max(dp_scores),
                (f.budget.is_zero() && parts_given).then_some("；总额行为零或空，按其下各项之和计"),
            );
        }
    }
    for b in &blocks {
        if b.leaves == 0 {
            continue;
        }
        let row = &grid.rows[b.row];
        if b.leaves_weight != b.weight {
            wrong_sum(
                push,
                "subtotal",
                grid.cell(b.row, c.weight.unwrap_or(0)),
                row_text(row),
                (b.weight, b.leaves_weight),
                "小计的分值应等于其下各指标分值之和",
            );
        }
        if let Some(s) = b.score.filter(|s| *s != b.leaves_score) {
            wrong_sum(
                push,
                "subtotal",
                grid.cell(b.row, c.score.unwrap_or(0)),
                row_text(row),
                (s, b.leaves_score),
                "小计的得分应等于其下各指标得分之和",
            );
        }
    }
    if leaves == 0 {
        return out;
    }
    let weights_wrong = !weightless && weight_sum != rules.total;
    if weights_wrong {
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
        // A total row that states the framework's total over weights that do not add up to
        // it is the `weights` finding already made, not a second one.
        let same_as_weights = weights_wrong && w == Some(rules.total);
        if let Some(w) = w.filter(|w| *w != weight_sum && !same_as_weights) {
            wrong_sum(
                push,
                "total",
                grid.cell(r, c.weight.unwrap_or(0)),
                row_text(&grid.rows[r]),
                (w, weight_sum),
                "总分行的分值应等于各项分值之和",
            );
        }
        if let Some((s, dp)) = s {
            // Rows not shown can score at most their weights; a total above what the shown rows
            // can attain under their rules plus those weights cannot be right.
            let unseen = (rules.total - weight_sum).max(Decimal::ZERO);
            let most = attainable + if cut { unseen } else { Decimal::ZERO };
            let most_shown =
                jixiao_domain::number::Rounding::HalfAwayFromZero.round(most, dp.max(2));
            if cut && s > most_shown {
                push(
                    Severity::Warning,
                    "max-attainable",
                    grid.cell(r, c.score.unwrap_or(0)),
                    row_text(&grid.rows[r]),
                    show(s, dp),
                    format!("不超过 {}", show(most, 2)),
                    format!(
                        "总分不能超过各项按其规则可得之和{}：{}",
                        if cut {
                            "加上未列出各项的分值"
                        } else {
                            ""
                        },
                        show(most, 2)
                    ),
                );
            }
            if s != score_sum && !cut {
                wrong_sum(
                    push,
                    "total",
                    grid.cell(r, c.score.unwrap_or(0)),
                    row_text(&grid.rows[r]),
                    (s, score_sum),
                    "总得分应等于各项得分之和",
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

/// The blocks whose labels name their points (`年度绩效目标 (80 分)` over `产出指标 (60 分)` and
/// `效益指标 (40 分)`): a block's points against the sum of the blocks under it, and each
/// first-level block against the split a note under the table fixes (注：一级指标分值统一设置为：
/// 产出指标50分、效益指标30分…).
pub fn label_blocks(file: &str, grid: &Grid) -> Vec<Finding> {
    struct Label {
        row: usize,
        col: usize,
        text: String,
        points: Decimal,
        children: Decimal,
        has_children: bool,
        /// Another block at its level or above came after it: its rows are all shown.
        closed: bool,
    }
    let mut labels: Vec<Label> = Vec::new();
    let mut open: Vec<usize> = Vec::new();
    let mut note = String::new();
    // Labels are the indicator columns (一级 … 三级); the columns after them — points, values,
    // 评分标准 — may mention points (`（2分）`) without being blocks.
    let limit = grid
        .rows
        .iter()
        .find_map(|r| header(r))
        .and_then(|h| h.name.map(|n| n + 1).or(h.weight))
        .unwrap_or(usize::MAX);
    for (r, row) in grid.rows.iter().enumerate() {
        for (c, cell) in row.iter().enumerate() {
            let t = simplify(cell);
            if t.starts_with("注") {
                note.push_str(&t);
                continue;
            }
            if c >= limit {
                continue;
            }
            if t.contains("得分")
                || t.contains("分值")
                || t.contains("权重")
                || t.chars().count() > 24
            {
                continue;
            }
            let Some(points) = label_points(&t) else {
                continue;
            };
            while let Some(&i) = open.last().filter(|&&i| labels[i].col >= c) {
                labels[i].closed = true;
                open.pop();
            }
            if let Some(&p) = open.last() {
                labels[p].children += points;
                labels[p].has_children = true;
            }
            open.push(labels.len());
            labels.push(Label {
                row: r,
                col: c,
                text: cell.clone(),
                points,
                children: Decimal::ZERO,
                has_children: false,
                closed: false,
            });
        }
    }
    let mut out = Vec::new();
    let finding = |severity, l: &Label, stated: String, recomputed: String, rule: String| Finding {
        severity,
        check: "weights",
        file: file.to_string(),
        location: grid.cell(l.row, l.col),
        excerpt: l.text.clone(),
        stated,
        recomputed,
        rule,
    };
    for l in labels
        .iter()
        .filter(|l| l.has_children && l.children != l.points)
    {
        out.push(finding(
            Severity::Error,
            l,
            show(l.points, 0),
            show(l.children, 0),
            if l.closed {
                "各部分分值之和应等于其所属部分的分值".into()
            } else {
                "一个部分的分值应等于其下各部分分值之和（此部分至表末）".into()
            },
        ));
    }
    // The split the note fixes.
    let compact: String = note.chars().filter(|c| !c.is_whitespace()).collect();
    for level in ["产出指标", "效益指标", "满意度指标"] {
        let Some(at) = compact.find(level) else {
            continue;
        };
        let rest = &compact[at + level.len()..];
        let digits: String = rest.chars().take_while(|c| c.is_ascii_digit()).collect();
        if digits.is_empty() || !rest[digits.len()..].starts_with('分') {
            continue;
        }
        let Ok(fixed) = digits.parse::<i64>() else {
            continue;
        };
        let fixed = Decimal::from(fixed);
        for l in labels
            .iter()
            .filter(|l| simplify(&l.text).starts_with(level) && l.points != fixed)
        {
            out.push(finding(
                Severity::Warning,
                l,
                show(l.points, 0),
                show(fixed, 0),
                format!(
                    "表下注明{level}统一为 {} 分，表中写作 {} 分",
                    show(fixed, 0),
                    show(l.points, 0)
                ),
            ));
        }
    }
    out
}

/// A form that converts each indicator's own score (百分制) by its weight share: 单项指标得分 ×
/// 权重占比 = 单项指标折算得分. The product is checked, an indicator that met its target must
/// score 100 on its own scale, and a table whose indicators all met their targets must convert
/// to the sum of their shares.
pub fn weighted_form(file: &str, grid: &Grid) -> Vec<Finding> {
    let mut out = Vec::new();
    let rows: Vec<Vec<String>> = grid
        .rows
        .iter()
        .map(|r| r.iter().map(|c| simplify(c)).collect())
        .collect();
    let Some(h) = rows.iter().position(|r| {
        find(r, &["权重占比"], &[]).is_some() && find(r, &["折算得分"], &[]).is_some()
    }) else {
        return out;
    };
    let head = &rows[h];
    let (Some(share), Some(conv)) = (
        find(head, &["权重占比"], &[]),
        find(head, &["折算得分"], &[]),
    ) else {
        return out;
    };
    let Some(raw) = find(head, &["单项指标得分", "得分"], &["折算", "权重"]) else {
        return out;
    };
    let above = if h > 0 { &rows[h - 1] } else { head };
    let pick =
        |words: &[&str], not: &[&str]| find(head, words, not).or_else(|| find(above, words, not));
    let symbol = pick(&["符号"], &[]);
    let actual = pick(&["实际完成值", "完成值"], &[]);
    let name = pick(&["三级指标"], &[]);
    let hundred = Decimal::from(100);
    let (mut all_met, mut shares, mut converted, mut n, mut last) =
        (true, Decimal::ZERO, Decimal::ZERO, 0, h);
    for (r, row) in grid.rows.iter().enumerate().skip(h + 1) {
        let at = |c: Option<usize>| c.and_then(|c| row.get(c)).map_or("", |s| s.as_str());
        let (Some((rs, _)), Some((p, _)), Some((v, dp))) = (
            number(at(Some(raw))),
            number(at(Some(share))),
            number(at(Some(conv))),
        ) else {
            continue;
        };
        n += 1;
        last = r;
        shares += p;
        converted += v;
        if let Judgement::Wrong(e) = judge(rs * p / hundred, v, dp) {
            out.push(Finding {
                severity: Severity::Error,
                check: "coefficient",
                file: file.to_string(),
                location: grid.cell(r, conv),
                excerpt: row_text(row),
                stated: show(v, dp),
                recomputed: show(e, dp),
                rule: format!(
                    "折算得分 = 单项指标得分 × 权重占比：{} × {}%",
                    show(rs, 2),
                    show(p, 2)
                ),
            });
        }
        let met = symbol.and_then(|s| {
            let op = at(Some(s));
            let t = number(at(Some(s + 1)))?.0;
            let a = leading_number(at(actual))?;
            let (_, met) = expected_scores(target(&format!("{op}{t}"), None, "")?.0, t, a, hundred);
            Some(met)
        });
        if met != Some(true) {
            all_met = false;
        }
        if met == Some(true) && rs < hundred {
            out.push(Finding {
                severity: Severity::Warning,
                check: "coefficient",
                file: file.to_string(),
                location: grid.cell(r, raw),
                excerpt: row_text(row),
                stated: show(rs, 2),
                recomputed: "100.00".into(),
                rule: format!(
                    "按权重占比折算的表中，单项指标得分为百分制：“{}”已达成目标（{} {}，完成值 {}），应得 100{}",
                    at(name),
                    at(symbol),
                    symbol.map_or("", |s| at(Some(s + 1))),
                    at(actual),
                    if rs == p { "；写作的得分等于其权重，权重被用了两次" } else { "" }
                ),
            });
        }
    }
    if n >= 2 && all_met && converted < shares {
        out.push(Finding {
            severity: Severity::Warning,
            check: "max-attainable",
            file: file.to_string(),
            location: grid.row(last),
            excerpt: format!("{n} 项指标"),
            stated: show(converted, 2),
            recomputed: show(shares, 2),
            rule: "各项均已达成目标，折算得分之和应等于其权重占比之和".into(),
        });
    }
    out
}

/// A scored block with no 分值 column and no points per row, only the block's (年度绩效目标1
/// (80分) | … | 年初目标值(A) | 实际完成值(B) | 得分), scored actual ÷ target × weight: each row's
/// weight is the one whole number that gives its printed score at the printed decimals. When
/// every row has exactly one and they add up to the block's points, the weights are taken as
/// inferred — and a score above its inferred weight is reported, saying it was inferred.
pub fn inferred_weights(file: &str, grid: &Grid) -> Vec<Finding> {
    let mut out = Vec::new();
    for (h, row) in grid.rows.iter().enumerate() {
        let Some(c) = header(row) else { continue };
        let (None, Some(ts), Some(ac), Some(sc)) = (c.weight, c.target, c.actual, c.score) else {
            continue;
        };
        let Some(points) = row.iter().find_map(|cell| label_points(cell)) else {
            continue;
        };
        // Rows of the block: target, actual and score all numbers; up to a total row.
        let mut rows = Vec::new();
        for (k, r) in grid.rows[h + 1..].iter().enumerate() {
            let cell = |i: usize| r.get(i).map_or("", |s| s.trim());
            if header(r).is_some() || simplify(&r.join("")).contains("总分") {
                break;
            }
            match (number(cell(ts)), number(cell(ac)), number(cell(sc))) {
                (Some((t, _)), Some((a, _)), Some((s, dp))) if !t.is_zero() => {
                    rows.push((h + 1 + k, a / t, s, dp))
                }
                _ => {}
            }
        }
        if rows.len() < 2 {
            continue;
        }
        let mut weights = Vec::new();
        for &(_, q, s, dp) in &rows {
            let whole = points.trunc().to_string().parse::<i64>().unwrap_or(0);
            let fits: Vec<Decimal> = (1..=whole)
                .map(Decimal::from)
                .filter(|w| jixiao_domain::number::Rounding::HalfAwayFromZero.round(q * w, dp) == s)
                .collect();
            if fits.len() != 1 {
                break;
            }
            weights.push(fits[0]);
        }
        if weights.len() != rows.len() || weights.iter().copied().sum::<Decimal>() != points {
            continue;
        }
        for (&(r, q, s, dp), w) in rows.iter().zip(&weights) {
            if s > *w {
                out.push(Finding {
                    severity: Severity::Warning,
                    check: "score-cap",
                    file: file.to_string(),
                    location: grid.cell(r, sc),
                    excerpt: row_text(&grid.rows[r]),
                    stated: show(s, dp),
                    recomputed: show(*w, 0),
                    rule: format!(
                        "得分不应超过分值；表中未列分值，按“完成值 ÷ 目标值 × 分值”由各行得分推定为 {}（各行推定分值之和 {} 与本部分 {} 分相符）：{} × {} = {}，未封顶",
                        show(*w, 0),
                        show(points, 0),
                        show(points, 0),
                        show(q.round_dp(4), 4),
                        show(*w, 0),
                        show((q * w).round_dp(2), 2)
                    ),
                });
            }
        }
    }
    out
}

/// A number and the unit written after it (`425万粒`, `850亩`, `≥2个`): the unit is 万 or 亿 and
/// the character after it, or one character; dates and rates are not quantities here.
fn quantities(text: &str) -> Vec<(usize, Decimal, String)> {
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        if !chars[i].is_ascii_digit()
            || (i > 0 && (chars[i - 1].is_ascii_digit() || chars[i - 1] == '.'))
        {
            i += 1;
            continue;
        }
        let start = i;
        while i < chars.len() && (chars[i].is_ascii_digit() || chars[i] == '.' || chars[i] == ',') {
            i += 1;
        }
        let digits: String = chars[start..i].iter().filter(|c| **c != ',').collect();
        let Some((v, _)) = parse_number(digits.trim_end_matches('.')) else {
            continue;
        };
        let mut unit = String::new();
        if let Some(c) = chars.get(i).filter(|c| matches!(c, '万' | '亿')) {
            unit.push(*c);
            if let Some(n) = chars.get(i + 1).filter(|c| is_cjk(c)) {
                unit.push(*n);
            }
        } else if let Some(c) = chars.get(i).filter(|c| is_cjk(c)) {
            unit.push(*c);
        }
        if !unit.is_empty() && !unit.starts_with(['年', '月', '日', '是', '和', '及', '至'])
        {
            out.push((start, v, unit));
        }
    }
    out
}

/// An indicator's target against the quantity the 年度总体目标 states for it (the goal: 采购
/// 马铃薯原原种425万粒，免费……发放; the indicator 免费发放原原种: 550万粒). Reported only when the
/// goal's other quantities of that unit are the targets of other rows, so that the goal is known
/// to state targets, and exactly one of its quantities of the unit is left over, its clause
/// sharing words with the indicator's name.
pub fn goal_targets(file: &str, grid: &Grid) -> Vec<Finding> {
    let mut out = Vec::new();
    let Some((g, goal)) = grid.rows.iter().enumerate().find_map(|(r, row)| {
        let first = row.iter().position(|c| !c.trim().is_empty())?;
        if !simplify(&row[first]).contains("总体目标") {
            return None;
        }
        // The goal as set at the start of the year: the first long cell, on this row or the next.
        [row, grid.rows.get(r + 1)?].iter().find_map(|row| {
            row.iter()
                .skip(1)
                .find(|c| c.chars().count() >= 20)
                .map(|c| (r, c.clone()))
        })
    }) else {
        return out;
    };
    let Some((h, c)) = grid.rows[g..]
        .iter()
        .enumerate()
        .find_map(|(k, row)| header(row).map(|c| (g + k, c)))
    else {
        return out;
    };
    let (Some(nc), Some(tc)) = (c.name, c.target) else {
        return out;
    };
    let mut targets = Vec::new();
    for (k, row) in grid.rows[h + 1..].iter().enumerate() {
        let (Some(name), Some(t)) = (row.get(nc), row.get(tc)) else {
            continue;
        };
        if let [(_, v, unit)] = quantities(t).as_slice() {
            targets.push((h + 1 + k, name.clone(), *v, unit.clone(), t.clone()));
        }
    }
    let stated = quantities(&goal);
    let chars: Vec<char> = goal.chars().collect();
    let bigrams = |text: &[char]| -> Vec<String> {
        text.windows(2)
            .filter(|w| w.iter().all(is_cjk))
            .map(|w| w.iter().collect::<String>())
            .filter(|b| b != "指标")
            .collect()
    };
    for (r, name, v, unit, cell) in &targets {
        let same_unit: Vec<&(usize, Decimal, String)> =
            stated.iter().filter(|q| q.2 == *unit).collect();
        if same_unit.iter().any(|q| q.1 == *v) {
            continue;
        }
        let confirmed = targets
            .iter()
            .any(|o| o.0 != *r && o.3 == *unit && same_unit.iter().any(|q| q.1 == o.2));
        let left: Vec<&&(usize, Decimal, String)> = same_unit
            .iter()
            .filter(|q| !targets.iter().any(|o| o.3 == *unit && o.2 == q.1))
            .collect();
        let [only] = left.as_slice() else { continue };
        let from = chars[..only.0]
            .iter()
            .rposition(|c| matches!(c, '，' | ',' | '；' | ';' | '。' | ':' | '：'))
            .map_or(0, |p| p + 1);
        let clause = bigrams(&chars[from..only.0]);
        let name_chars: Vec<char> = name.chars().collect();
        let shared = bigrams(&name_chars)
            .iter()
            .filter(|b| clause.contains(b))
            .count();
        if !confirmed || shared < 2 {
            continue;
        }
        out.push(Finding {
            severity: Severity::Warning,
            check: "same-quantity",
            file: file.to_string(),
            location: grid.cell(*r, tc),
            excerpt: row_text(&grid.rows[*r]),
            stated: cell.clone(),
            recomputed: format!("{}{unit}", only.1.normalize()),
            rule: format!(
                "年度总体目标写“{}{unit}”，该指标的指标值却是 {cell}：同一数量两处不一",
                chars[from..only.0].iter().collect::<String>() + &only.1.normalize().to_string()
            ),
        });
    }
    out
}

/// Sums down a column in a table that is not a scored table (fund breakdowns, spending
/// details): items above a 合计/总计 row against it, and a 总额 row against the 其中 rows under
/// it. A column whose items are all blank is not a breakdown.
pub fn column_totals(file: &str, grid: &Grid) -> Vec<Finding> {
    // Only the part before a scored block, which the checks of scored tables read.
    let end = grid
        .rows
        .iter()
        .position(|r| header(r).is_some())
        .unwrap_or(grid.rows.len());
    let rows = &grid.rows[..end];
    let mut out = Vec::new();
    let label = |row: &[String]| -> (usize, String) {
        row.iter()
            .enumerate()
            .find(|(_, c)| !c.trim().is_empty() && number(c).is_none())
            .map(|(i, c)| (i, simplify(c)))
            .unwrap_or((0, String::new()))
    };
    // An amount of the breakdown: a rate (`100%`) is not one; a unit in the cell (`829.3万`)
    // is the column's unit.
    let breakdown = |cell: &str| -> Option<(Decimal, u32)> {
        let t = simplify(cell.trim());
        if t.ends_with(['%', '％']) {
            return None;
        }
        let bare = MONEY_UNITS
            .iter()
            .find_map(|(u, _)| t.strip_suffix(u))
            .unwrap_or(&t);
        number(bare)
    };
    let numbering = numbering_columns(grid);
    let value_after = |row: &[String], from: usize| -> Option<(usize, Decimal, u32)> {
        row.iter()
            .enumerate()
            .skip(from + 1)
            .filter(|(i, _)| !numbering.contains(i))
            .find_map(|(i, c)| breakdown(c).map(|(v, dp)| (i, v, dp)))
    };
    let mut blocks: Vec<Breakdown> = Vec::new();
    for (r, row) in rows.iter().enumerate() {
        let (at, text) = label(row);
        // A 总额 (or 合计) followed by its 其中 rows.
        if (text.contains("总额") || text.ends_with("合计:") || text.ends_with("合计："))
            && rows
                .get(r + 1)
                .is_some_and(|n| label(n).1.starts_with("其中"))
        {
            let Some((col, total, dp)) = value_after(row, at) else {
                continue;
            };
            let mut parts = Vec::new();
            let mut part_rows = Vec::new();
            for (k, next) in rows[r + 1..].iter().enumerate() {
                let (a, t) = label(next);
                if t.contains("总额")
                    || (t.starts_with("其中")
                        && breakdown(next.get(col).map_or("", |s| s)).is_none())
                {
                    break;
                }
                match next.get(col).and_then(|c| breakdown(c)) {
                    Some((v, _)) if a < col => {
                        parts.push(v);
                        part_rows.push((part_name(&t), v, r + 1 + k));
                    }
                    _ => break,
                }
            }
            blocks.push(Breakdown {
                col,
                total,
                dp,
                parts: std::mem::take(&mut part_rows),
            });
            let sum: Decimal = parts.iter().copied().sum();
            if parts.len() >= 2 && sum != total {
                out.push(Finding {
                    severity: Severity::Error,
                    check: "sum",
                    file: file.to_string(),
                    location: grid.cell(r, col),
                    excerpt: row_text(row),
                    stated: show(total, dp),
                    recomputed: show(sum, dp),
                    rule: format!(
                        "总额应等于其下“其中”各项之和：{} = {}",
                        parts
                            .iter()
                            .map(|v| show(*v, dp))
                            .collect::<Vec<_>>()
                            .join(" + "),
                        show(sum, dp)
                    ),
                });
            }
            continue;
        }
        // Items above a 合计 row, back to the heading of their block.
        if text.ends_with("合计") || text.ends_with("总计") {
            for (col, cell) in row.iter().enumerate().skip(at + 1) {
                if numbering.contains(&col) {
                    continue;
                }
                let Some((total, dp)) = number(cell) else {
                    continue;
                };
                let (mut sum, mut items, mut blank) = (Decimal::ZERO, 0, 0);
                let mut from_top = true;
                for prev in rows[..r].iter().rev().filter(|p| !numbers_columns(p)) {
                    match prev.get(col).map(|c| c.trim()).unwrap_or("") {
                        "" => blank += 1,
                        c => match number(c) {
                            Some((v, _)) => {
                                sum += v;
                                items += 1;
                            }
                            None => {
                                from_top = false;
                                break;
                            }
                        },
                    }
                }
                if items >= 2 && sum != total && blank < items * 4 {
                    out.push(Finding {
                        severity: Severity::Warning,
                        check: "subtotal",
                        file: file.to_string(),
                        location: grid.cell(r, col),
                        excerpt: row_text(row),
                        stated: show(total, dp),
                        recomputed: show(sum, dp),
                        rule: if from_top {
                            "合计应等于其上各项之和（各项自表首起）".into()
                        } else {
                            "合计应等于其上各项之和".into()
                        },
                    });
                }
            }
        }
    }
    consolidations(file, grid, &blocks, &mut out);
    out
}

/// A 总额 row of a breakdown and its 其中 rows: (name, amount, row) each.
struct Breakdown {
    col: usize,
    total: Decimal,
    dp: u32,
    parts: Vec<(String, Decimal, usize)>,
}

/// A part's name without the 其中 that introduces it.
pub(crate) fn part_name(label: &str) -> String {
    label
        .trim_start_matches("其中")
        .trim_start_matches([':', '：'])
        .trim()
        .to_string()
}

/// A consolidated block (资金合计: 总额 1084.25, 中央 668, 市级 343, 本级 73.25) followed by the
/// blocks it consolidates (奖励扶助 763: 502, 208, 53; 特别扶助 321.25: 166, 136, 20.25), known by
/// its total being the sum of theirs: each of its parts must be the sum of the parts of the same
/// name below.
fn consolidations(file: &str, grid: &Grid, blocks: &[Breakdown], out: &mut Vec<Finding>) {
    for (i, head) in blocks.iter().enumerate() {
        let mut sum = Decimal::ZERO;
        let mut members = 0;
        for b in blocks[i + 1..].iter().take_while(|b| b.col == head.col) {
            sum += b.total;
            members += 1;
            if sum >= head.total {
                break;
            }
        }
        if members < 2 || sum != head.total || head.parts.len() < 2 {
            continue;
        }
        let members = &blocks[i + 1..i + 1 + members];
        for (name, value, row) in &head.parts {
            let same: Vec<Decimal> = members
                .iter()
                .filter_map(|m| m.parts.iter().find(|p| p.0 == *name).map(|p| p.1))
                .collect();
            if same.len() != members.len() {
                continue;
            }
            let parts_sum: Decimal = same.iter().copied().sum();
            if parts_sum != *value {
                out.push(Finding {
                    severity: Severity::Error,
                    check: "sum",
                    file: file.to_string(),
                    location: grid.cell(*row, head.col),
                    excerpt: format!("{name} {}", show(*value, head.dp)),
                    stated: show(*value, head.dp),
                    recomputed: show(parts_sum, head.dp),
                    rule: format!(
                        "合计（{}）中的“{name}”应等于其下各分项中“{name}”之和：{} = {}",
                        show(head.total, head.dp),
                        same.iter()
                            .map(|v| show(*v, head.dp))
                            .collect::<Vec<_>>()
                            .join(" + "),
                        show(parts_sum, head.dp)
                    ),
                });
            }
        }
    }
}

/// The execution score: rate × points, capped at the points (RULES.md §1.3), judged at the
/// precision the table prints.
#[allow(clippy::too_many_arguments)]
fn execution_score(
    push: &mut Push,
    grid: &Grid,
    r: usize,
    c: &Columns,
    budget: Decimal,
    executed: Decimal,
    w: Decimal,
    stated: Decimal,
    dp: u32,
    // Why a wrong score is a warning, not an error: said after the rule.
    lesser: Option<&str>,
) {
    if budget.is_zero() {
        return;
    }
    let exact = (executed / budget * w).min(w);
    // Only truncation (or half-to-even) gives it: a note that says which (issue 16, item 8).
    if let Judgement::OnlyBy(modes) = judge(exact, stated, dp) {
        let by: Vec<&str> = modes.iter().map(|m| m.label()).collect();
        push(
            Severity::Note,
            "execution-score",
            grid.cell(r, c.score.unwrap_or(0)),
            row_text(&grid.rows[r]),
            show(stated, dp),
            show(
                jixiao_domain::number::Rounding::HalfAwayFromZero.round(exact, dp),
                dp,
            ),
            format!(
                "预算执行得分 = 执行率 × 分值 = {}，写作的数只有按{}才能得到",
                show(exact, 4),
                by.join("或")
            ),
        );
        return;
    }
    if let Judgement::Wrong(expected) = judge(exact, stated, dp) {
        push(
            if lesser.is_some() {
                Severity::Warning
            } else {
                Severity::Error
            },
            "execution-score",
            grid.cell(r, c.score.unwrap_or(0)),
            row_text(&grid.rows[r]),
            show(stated, dp),
            show(expected, dp),
            format!(
                "预算执行得分 = 执行率 × 分值，封顶于分值（财预〔2020〕10号）：{} ÷ {} × {}{}",
                show(executed / Decimal::from(c.unit), 2),
                show(budget / Decimal::from(c.unit), 2),
                show(w, 2),
                lesser.unwrap_or("")
            ),
        );
    }
}

/// One indicator's score against its weight, its level or its rule; returns the highest score
/// its rule gives, when the rule could be applied (for the most a table can attain).
#[allow(clippy::too_many_arguments)]
fn indicator(
    push: &mut Push,
    grid: &Grid,
    r: usize,
    c: &Columns,
    w: Decimal,
    s: Decimal,
    dp: u32,
    funds: Option<&Funds>,
    level2: &str,
) -> Option<Decimal> {
    let row = &grid.rows[r];
    let cell = |c: Option<usize>| -> &str { c.and_then(|c| row.get(c)).map_or("", |s| s.as_str()) };
    let at = grid.cell(r, c.score.unwrap_or(0));
    if s > w {
        push(
            Severity::Error,
            "score-cap",
            at,
            row_text(row),
            show(s, dp),
            format!("不超过 {}", show(w, dp)),
            format!(
                "得分不能超过分值 {}（财预〔2020〕10号：指标得分封顶于分值）",
                show(w, 2)
            ),
        );
        return None;
    }
    // A qualitative indicator: the score must lie in its level's band (RULES.md §1.5).
    if let Some((level, low, high)) = qualitative(cell(c.actual)) {
        let (low, high) = (low * w, high * w);
        let inside = s >= low && (s < high || (high == w && s <= w));
        if !inside {
            push(
                Severity::Error,
                "score-rule",
                at,
                row_text(row),
                show(s, dp),
                format!("{}–{}", show(low, 2), show(high, 2)),
                format!("定性指标“{level}”的得分应在其档次内（财预〔2020〕10号）"),
            );
        }
        return None;
    }
    // A cost indicator whose actual, in money, is more than the project spent.
    if simplify(&row_text(row)).contains("成本") {
        if let (Some(f), Some((a, true))) = (funds, amount(cell(c.actual), c.unit)) {
            let spent = if f.executed.is_zero() {
                f.parts_executed
            } else {
                f.executed
            };
            if !spent.is_zero() && a > spent {
                let unit = Decimal::from(c.unit);
                push(
                    Severity::Warning,
                    "same-quantity",
                    grid.cell(r, c.actual.unwrap_or(0)),
                    row_text(row),
                    cell(c.actual).to_string(),
                    format!("不超过 {}", show(spent / unit, 2)),
                    "成本指标的实际完成值不应超过项目资金的全年执行数（同一笔钱，两处数额不一）"
                        .into(),
                );
            }
        }
    }
    // A time indicator: a deadline or a duration, earlier being better.
    if is_deadline(cell(c.target)) {
        if let (Some(t), Some(a)) = (time_value(cell(c.target)), time_value(cell(c.actual))) {
            if a <= t && s < w {
                push(
                    Severity::Error,
                    "met-but-deducted",
                    at,
                    row_text(row),
                    show(s, dp),
                    show(w, dp),
                    format!(
                        "时效指标按期完成（期限 {}，完成于 {}）却扣分：达成目标应得满分（财预〔2020〕10号）",
                        cell(c.target),
                        cell(c.actual)
                    ),
                );
            }
        }
        return None;
    }
    // A target in words met in the same words (改善学校的办学条件 | 改善学校的办学条件).
    let (t_text, a_text) = (
        simplify(cell(c.target).trim()),
        simplify(cell(c.actual).trim()),
    );
    if !t_text.is_empty()
        && t_text == a_text
        && t_text.chars().count() >= 2
        && !t_text.chars().any(|ch| ch.is_ascii_digit())
        && s < w
    {
        push(
            Severity::Warning,
            "met-but-deducted",
            at,
            row_text(row),
            show(s, dp),
            show(w, dp),
            "实际完成值与指标值文字相同，视为达成目标，却扣分：达成目标应得满分（财预〔2020〕10号）"
                .into(),
        );
        return None;
    }
    // 预算执行率 as an indicator row with no target (Ningxia's form prints `一`): scored as the
    // execution row is, its rate × its points, capped (RULES.md §1.3). With a target it is an
    // indicator like the others, below.
    let name = cell(c.name).trim();
    if simplify(name).contains("预算执行率") && target(cell(c.target), None, name).is_none() {
        if let Some((rate, _)) = number(cell(c.actual)).filter(|_| cell(c.actual).contains('%')) {
            let exact = (rate / Decimal::from(100) * w).min(w);
            if let Judgement::Wrong(expected) = judge(exact, s, dp) {
                push(
                    Severity::Error,
                    "execution-score",
                    at,
                    row_text(row),
                    show(s, dp),
                    show(expected, dp),
                    format!(
                        "预算执行率指标得分 = 执行率 × 分值，封顶于分值（财预〔2020〕10号）：{}% × {}",
                        show(rate, 2),
                        show(w, 2)
                    ),
                );
            }
            return Some(exact);
        }
    }
    // An indicator with a numeric target and actual (the adjusted target when there is one).
    let target_text = Some(cell(c.target_adjusted))
        .filter(|t| !t.trim().is_empty())
        .unwrap_or(cell(c.target));
    let (op, t, known) = target(
        target_text,
        Some(cell(c.operator)).filter(|s| !s.is_empty()),
        name,
    )?;
    // With nothing written and nothing in the name, the indicator's kind is a clue: counts,
    // quality, timeliness, benefits and satisfaction are more-is-better; costs less-is-better.
    let (op, known) = match known {
        Known::Default if level2.contains("成本") => (Op::AtMost, Known::FromName),
        Known::Default
            if ["数量", "质量", "时效", "效益", "满意"]
                .iter()
                .any(|k| level2.contains(k)) =>
        {
            (Op::AtLeast, Known::FromName)
        }
        k => (op, k),
    };
    let a = leading_number(cell(c.actual))?;
    // An actual with more figures after its first (`5=50%`, a misread scan) is not one value.
    let after: String = cell(c.actual)
        .trim()
        .chars()
        .skip_while(|c| c.is_ascii_digit() || *c == '.' || *c == ',')
        .collect();
    if after.chars().any(|c| c.is_ascii_digit()) {
        return None;
    }
    let (expected, met) = expected_scores(op, t, a, w);
    let best = expected.iter().map(|(e, _)| *e).max().unwrap_or(w);
    let fits = |e: Decimal| !matches!(judge(e, s, dp), Judgement::Wrong(_));
    // Without a written direction, the other direction may be the one meant (issue 16, item
    // 7): a direction inferred from the name gives a warning, never an error; with no clue at
    // all, what only the other direction explains is a note.
    let other_fits = known != Known::Stated && {
        let flipped = if op == Op::AtMost {
            Op::AtLeast
        } else {
            Op::AtMost
        };
        let (e, m) = expected_scores(flipped, t, a, w);
        (m && s == w) || e.iter().any(|(e, _)| fits(*e))
    };
    let inferred = match (known, op) {
        (Known::FromName, Op::AtMost) => "；方向按指标名称推定为反向（表中未写 ≤）",
        (Known::FromName, _) => "；方向按指标名称推定为正向（表中未写 ≥）",
        (Known::Default, _) => "；方向未写明，按正向计",
        (Known::Stated, _) => "",
    };
    let severity = match (known, other_fits) {
        (_, false) | (Known::Stated, _) => Severity::Error,
        (Known::FromName, true) => Severity::Warning,
        (Known::Default, true) => Severity::Note,
    };
    // In a coefficient form (得分 = 得分系数 × 指标权重) the coefficient is what is judged.
    let coefficient = number(cell(c.coefficient)).map(|(k, _)| k);
    if let Some(k) = coefficient {
        let hundred = Decimal::from(100);
        let product = w * k / hundred;
        if let Judgement::Wrong(e) = judge(product, s, dp) {
            push(
                Severity::Error,
                "coefficient",
                at.clone(),
                row_text(row),
                show(s, dp),
                show(e, dp),
                format!(
                    "指标得分 = 得分系数 × 指标权重：{}% × {}",
                    show(k, 2),
                    show(w, 2)
                ),
            );
        }
        let shares: Vec<Decimal> = expected.iter().map(|(e, _)| *e / w * hundred).collect();
        let fits_share =
            |e: Decimal| !matches!(judge(e, k, 2), Judgement::Wrong(_)) || (met && k == hundred);
        if !shares.iter().any(|e| fits_share(*e)) {
            push(
                severity.max(Severity::Warning),
                "coefficient",
                grid.cell(r, c.coefficient.unwrap_or(0)),
                row_text(row),
                format!("{}%", show(k, 2)),
                {
                    let mut shown: Vec<String> =
                        shares.iter().map(|e| format!("{}%", show(*e, 2))).collect();
                    shown.dedup();
                    shown.join(" 或 ")
                },
                format!(
                    "得分系数应由指标值与完成值算出：{}（指标值 {}，完成值 {}）{inferred}",
                    expected
                        .iter()
                        .map(|(_, n)| *n)
                        .collect::<Vec<_>>()
                        .join("；"),
                    target_text,
                    cell(c.actual)
                ),
            );
        }
        return Some(best);
    }
    if met && s < w {
        push(
            severity,
            "met-but-deducted",
            at,
            row_text(row),
            show(s, dp),
            show(w, dp),
            format!(
                "目标已达成（指标值 {}，完成值 {}）却扣分：达成目标应得满分（财预〔2020〕10号）{inferred}",
                target_text,
                cell(c.actual)
            ),
        );
    } else if !expected.iter().any(|(e, _)| fits(*e)) {
        push(
            severity,
            "score-rule",
            at,
            row_text(row),
            show(s, dp),
            {
                let mut shown: Vec<String> = expected.iter().map(|(e, _)| show(*e, dp)).collect();
                shown.dedup();
                shown.join(" 或 ")
            },
            format!(
                "{}（指标值 {}，完成值 {}，分值 {}；财预〔2020〕10号）{inferred}",
                expected
                    .iter()
                    .map(|(_, n)| *n)
                    .collect::<Vec<_>>()
                    .join("；"),
                target_text,
                cell(c.actual),
                show(w, 2)
            ),
        );
    }
    Some(best)
}

#[allow(clippy::too_many_arguments)]
fn rate_check(
    push: &mut Push,
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
        "执行率 = 全年执行数 ÷ 全年预算数（财预〔2020〕10号）：{} ÷ {} = {}%",
        show(executed / Decimal::from(c.unit), 2),
        show(budget / Decimal::from(c.unit), 2),
        show(exact.round_dp(4), 4)
    );
    // A rate written as a ratio (1 for 100%, 0.9781 for 97.81%).
    let hundred = Decimal::from(100);
    if rate <= Decimal::ONE && !matches!(judge(exact / hundred, rate, dp), Judgement::Wrong(_)) {
        return;
    }
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
pub(crate) fn row_text(row: &[String]) -> String {
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

/// A 到位率 indicator (资金到位 / 到位率 | 分值 | 得分) against the money the table's head says
/// arrived (计划投资额(万元) 570 · 实际到位资金(万元) 398.88): scored above 到位率 × 分值, the
/// usual rule, it is reported as a warning — the rule is not printed beside it.
/// The head and the scored rows may be read as separate tables: `grids` are all of a document's.
pub fn arrival_rate(file: &str, grids: &[Grid]) -> Vec<Finding> {
    let amount_after = |words: &[&str]| {
        grids.iter().flat_map(|g| &g.rows).find_map(|row| {
            let c = row.iter().position(|c| {
                let t = simplify(c);
                words.iter().any(|w| t.contains(w)) && !t.contains("率")
            })?;
            row.get(c + 1).and_then(|v| number(v)).map(|n| n.0)
        })
    };
    let (Some(planned), Some(arrived)) = (
        amount_after(&["计划投资额", "计划安排资金", "计划投入资金"]),
        amount_after(&["实际到位资金"]),
    ) else {
        return Vec::new();
    };
    if planned <= Decimal::ZERO || arrived >= planned {
        return Vec::new();
    }
    let mut out = Vec::new();
    for (grid, (r, row)) in grids
        .iter()
        .flat_map(|g| g.rows.iter().enumerate().map(move |x| (g, x)))
    {
        let Some(c) = row.iter().position(|c| simplify(c).trim() == "到位率") else {
            continue;
        };
        let numbers: Vec<(Decimal, u32)> = row[c + 1..]
            .iter()
            .filter(|v| !v.trim().is_empty())
            .map_while(|v| number(v))
            .take(2)
            .collect();
        let [(weight, _), (score, dp)] = numbers[..] else {
            continue;
        };
        let rate = arrived / planned;
        let due = rate * weight;
        let shown = due.round_dp_with_strategy(dp, RoundingStrategy::MidpointAwayFromZero);
        if score > shown {
            out.push(Finding {
                severity: Severity::Warning,
                check: "score-rule",
                file: file.to_string(),
                location: grid.row(r),
                excerpt: row_text(row),
                stated: show(score, dp),
                recomputed: show(due, 2),
                rule: format!(
                    "到位率 = 实际到位资金 ÷ 计划数 = {} ÷ {} = {}%；按通行的“到位率 × 分值”计应得 {} 分（表中未印评分规则，此为推定）",
                    show(arrived, 2),
                    show(planned, 2),
                    show(rate * Decimal::from(100), 2),
                    show(due, 2)
                ),
            });
        }
    }
    out
}
