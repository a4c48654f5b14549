//! Reviewing what departments submit (issue 8): read a self-evaluation table or report —
//! .xlsx, .docx, .pdf with a text layer, or .txt — find its figures, recompute the arithmetic
//! it states or implies, and report each disagreement as a [`Finding`]: where it is, the
//! value stated, the value recomputed and the rule, worded for a return-for-revision comment.
//!
//! - [`numbers`]: figures in prose (amounts, rates, scores, counts) and how a stated rounding
//!   is judged (half away from zero, half to even, truncation).
//! - [`narrative`]: rates stated for an amount pair, parts against a stated total, the same
//!   quantity stated twice, the grade against the score, heading numbering, approximations.
//! - [`table`]: the scored tables (项目支出/部门整体支出绩效自评表): rates, execution and
//!   indicator scores, caps, weights against the framework, subtotals and the total.
//! - [`read`]: the file formats, each to paragraphs and tables with their locations.

pub mod funds;
pub mod narrative;
pub mod numbers;
pub mod read;
pub mod table;

use jixiao_domain::framework::Grading;
use rust_decimal::Decimal;
use serde::Serialize;

/// How serious a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// The figures cannot all be right.
    Error,
    /// Probably wrong, or inconsistent with the rules we know.
    Warning,
    /// Worth a look; explainable (a rounding mode, a style).
    Note,
}

impl Severity {
    /// The Chinese word.
    pub fn label(self) -> &'static str {
        match self {
            Severity::Error => "错误",
            Severity::Warning => "警告",
            Severity::Note => "提示",
        }
    }
}

/// One thing a reviewer should look at.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// How serious it is.
    pub severity: Severity,
    /// A stable identifier of the check (`rate`, `sum`, `same-quantity`, `grade`,
    /// `heading`, `approximation`, `score-cap`, `score-rule`, `met-but-deducted`,
    /// `weights`, `subtotal`, `total`, `execution-score`).
    pub check: &'static str,
    /// The file.
    pub file: String,
    /// Where in it: paragraph, sheet and cell, table row and column, page.
    pub location: String,
    /// The words or cells concerned, as written.
    pub excerpt: String,
    /// The value the document states.
    pub stated: String,
    /// The value recomputed.
    pub recomputed: String,
    /// The rule applied.
    pub rule: String,
}

impl Finding {
    /// One line a reviewer can paste into a return-for-revision comment.
    pub fn sentence(&self) -> String {
        let mut s = format!("{}：", self.location);
        if !self.excerpt.is_empty() {
            s.push_str(&format!("“{}”", self.excerpt));
        }
        if !self.stated.is_empty() {
            s.push_str(&format!("写作 {}", self.stated));
        }
        if !self.recomputed.is_empty() {
            s.push_str(&format!("，按规则应为 {}", self.recomputed));
        }
        s.push_str(&format!("（{}）", self.rule));
        s
    }
}

/// What a check is told about the rules: the grade bands, the declared total of points, and
/// whether a framework was named.
#[derive(Debug, Clone)]
pub struct Rules {
    /// Grade bands (national by default: 优 ≥ 90, 良 ≥ 80, 中 ≥ 60, 差).
    pub grading: Grading,
    /// Where the bands come from, for the finding's rule text.
    pub grading_source: String,
    /// The points all weights add up to (100).
    pub total: Decimal,
    /// Points of the budget-execution row (10 under 财预〔2020〕10号), when known.
    pub execution_weight: Option<Decimal>,
}

impl Default for Rules {
    fn default() -> Rules {
        Rules {
            grading: Grading::national(),
            grading_source: "全国通行的等级标准：90分及以上为优，80–90分为良，60–80分为中，60分以下为差（财预〔2020〕10号）".into(),
            total: Decimal::from(100),
            execution_weight: None,
        }
    }
}

impl Rules {
    /// The rules of a framework file or shipped framework.
    pub fn of(framework: &jixiao_domain::framework::Framework) -> Rules {
        let bands = framework
            .grading
            .bands()
            .iter()
            .map(|b| format!("{}分及以上为{}", b.min, b.label))
            .collect::<Vec<_>>()
            .join("，");
        Rules {
            grading: framework.grading.clone(),
            grading_source: format!("指标体系 {} 的等级：{bands}", framework.id),
            total: framework.total,
            execution_weight: match &framework.scheme {
                jixiao_domain::framework::Scheme::Project(p) => Some(p.execution_weight),
                jixiao_domain::framework::Scheme::Department(_) => None,
            },
        }
    }
}

/// Checks one file: its paragraphs as a narrative, its tables as scored tables.
pub fn check_file(path: &std::path::Path, rules: &Rules) -> Result<Vec<Finding>, String> {
    let doc = read::read(path)?;
    let name = path.display().to_string();
    let mut findings = narrative::check(&name, &doc.paragraphs, rules);
    for grid in &doc.tables {
        findings.extend(table::check(&name, grid, rules, doc.is_cut()));
        findings.extend(table::label_blocks(&name, grid));
        findings.extend(table::column_totals(&name, grid));
        findings.extend(funds::check(&name, grid));
        findings.extend(funds::two_ways(&name, grid));
        findings.extend(table::weighted_form(&name, grid));
        findings.extend(table::inferred_weights(&name, grid));
        findings.extend(table::goal_targets(&name, grid));
        // The prose in a table's cells (预期目标, 实际完成情况) says things the checks of prose
        // can verify: its breakdowns, its rates. Its headings are the table's, not a text's.
        let cells = read::prose_cells(grid);
        // (A plan's cell and its outcome's name the same amounts with different values.)
        findings.extend(
            narrative::check(&name, &cells, rules)
                .into_iter()
                .filter(|f| f.check != "heading" && f.check != "same-quantity"),
        );
    }
    findings.extend(table::arrival_rate(&name, &doc.tables));
    // A transcribed excerpt of chosen paragraphs says nothing of the numbering between them.
    if doc.is_excerpt() {
        for f in findings.iter_mut().filter(|f| f.check == "heading") {
            f.severity = Severity::Note;
            f.rule
                .push_str("；这是摘录的段落，段落之间可能另有标题，故仅作提示");
        }
    }
    if doc.is_cut() {
        for f in findings.iter_mut().filter(|f| only_for_want_of_the_end(f)) {
            f.severity = Severity::Note;
            f.rule
                .push_str("；摘录在此之后中断，缺少的行可能补足差额，故仅作提示");
        }
    }
    Ok(findings)
}

/// Findings that the rows missing from a cut excerpt could settle: weights that fall short of
/// the total, and a group's or the total's sum that falls short of what it states.
fn only_for_want_of_the_end(f: &Finding) -> bool {
    let short = |a: &str, b: &str| {
        let n = |t: &str| t.replace(',', "").parse::<Decimal>().ok();
        matches!((n(a), n(b)), (Some(a), Some(b)) if a < b)
    };
    match f.check {
        // A block's label against the blocks under it, when the block runs to the excerpt's end.
        "weights" if f.rule.contains("此部分至表末") => short(&f.recomputed, &f.stated),
        "weights" if f.rule.starts_with("各部分分值之和") => false,
        "weights" => short(&f.stated, &f.recomputed),
        // A 合计 row below its items closes them.
        // (unless its items run from the excerpt's first row, which may not be the table's).
        "subtotal" if f.rule.starts_with("合计应等于其上各项之和") => {
            f.rule.contains("自表首起") && short(&f.recomputed, &f.stated)
        }
        "subtotal" | "total" => short(&f.recomputed, &f.stated),
        _ => false,
    }
}
