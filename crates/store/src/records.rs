//! The rows the store keeps, as plain values.

use jixiao_domain::budget::FundingSource;
use jixiao_domain::date::Date;
use jixiao_domain::money::Fen;
use rust_decimal::Decimal;
use std::collections::BTreeMap;

/// A department (部门): the budget unit a finance bureau ranks and evaluates.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DepartmentRecord {
    /// The department's code.
    pub code: String,
    /// Its name ('' when the source did not give one).
    pub name: String,
    /// The administrative region's code ('' when unknown).
    pub region_code: String,
}

/// A unit (单位) of a department: its own level or a subordinate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnitRecord {
    /// The unit's code.
    pub code: String,
    /// Its name.
    pub name: String,
    /// The department it belongs to.
    pub department_code: String,
    /// The unit above it, `None` for the department's own level.
    pub parent_code: Option<String>,
    /// The administrative region's code ('' when unknown).
    pub region_code: String,
}

/// Basic (基本支出) or project (项目支出) expenditure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ProjectKind {
    /// 基本支出: staff and running costs.
    Basic,
    /// 项目支出.
    Project,
}

impl ProjectKind {
    /// The identifier used in the store and the interchange files.
    pub fn id(self) -> &'static str {
        match self {
            ProjectKind::Basic => "basic",
            ProjectKind::Project => "project",
        }
    }

    /// The Chinese name.
    pub fn label(self) -> &'static str {
        match self {
            ProjectKind::Basic => "基本支出",
            ProjectKind::Project => "项目支出",
        }
    }

    /// Parses the identifier or the Chinese name.
    pub fn parse(text: &str) -> Option<ProjectKind> {
        [ProjectKind::Basic, ProjectKind::Project]
            .into_iter()
            .find(|k| k.id() == text || k.label() == text)
    }
}

/// A project (or a basic-expenditure line) of one fiscal year, with its budget.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProjectRecord {
    /// The fiscal year.
    pub year: i32,
    /// The project's code, unique within the year.
    pub code: String,
    /// The unit that carries it out.
    pub unit_code: String,
    /// Its name.
    pub name: String,
    /// Basic or project expenditure.
    pub kind: ProjectKind,
    /// The funding source.
    pub fund_source: FundingSource,
    /// The budget as first approved (年初预算).
    pub initial_budget: Fen,
    /// The budget after in-year adjustments (调整后预算).
    pub adjusted_budget: Fen,
}

/// Which way an indicator's value is good.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Direction {
    /// Higher is better (≥ target).
    AtLeast,
    /// Lower is better (≤ target).
    AtMost,
    /// Qualitative: 1 achieved, 0.5 partly, 0 not.
    Qualitative,
}

impl Direction {
    /// The identifier used in the store and the interchange files.
    pub fn id(self) -> &'static str {
        match self {
            Direction::AtLeast => "ge",
            Direction::AtMost => "le",
            Direction::Qualitative => "qual",
        }
    }

    /// The Chinese name.
    pub fn label(self) -> &'static str {
        match self {
            Direction::AtLeast => "正向（≥）",
            Direction::AtMost => "反向（≤）",
            Direction::Qualitative => "定性",
        }
    }

    /// Parses the identifier, the Chinese name or the operator.
    pub fn parse(text: &str) -> Option<Direction> {
        match text {
            "ge" | "≥" | ">=" | "正向" | "正向（≥）" => Some(Direction::AtLeast),
            "le" | "≤" | "<=" | "反向" | "反向（≤）" => Some(Direction::AtMost),
            "qual" | "定性" => Some(Direction::Qualitative),
            _ => None,
        }
    }
}

/// A performance target (绩效目标) of a project: one third-level indicator.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TargetRecord {
    /// The project's code.
    pub project_code: String,
    /// The indicator's code within the project.
    pub code: String,
    /// 一级指标 (产出指标, 效益指标, 满意度指标).
    pub level1: String,
    /// 二级指标 (数量指标, 质量指标, …).
    pub level2: String,
    /// 三级指标: the indicator's name.
    pub name: String,
    /// Which way is good.
    pub direction: Direction,
    /// The target value, exact as written.
    pub target: Decimal,
    /// The actual value, once known.
    pub actual: Option<Decimal>,
    /// The indicator's weight.
    pub weight: Decimal,
}

/// A payment on its way into the store.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NewPayment<'a> {
    /// The treasury's payment id.
    pub payment_id: &'a str,
    /// The store's id of the project paid from.
    pub project_id: i64,
    /// The day it was paid.
    pub pay_date: Date,
    /// The amount; negative for a refund or correction.
    pub amount: Fen,
}

/// A stored payment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaymentRecord {
    /// The treasury's payment id.
    pub payment_id: String,
    /// The project's code.
    pub project_code: String,
    /// The day it was paid.
    pub pay_date: Date,
    /// The amount; negative for a refund or correction.
    pub amount: Fen,
}

/// A project's budget and its payments summed by month: what monitoring reads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExecutionRow {
    /// The project's code.
    pub project_code: String,
    /// Its unit (shared: many projects name the same one).
    pub unit_code: std::sync::Arc<str>,
    /// Its unit's department.
    pub department_code: std::sync::Arc<str>,
    /// Its unit's region ('' when unknown).
    pub region_code: std::sync::Arc<str>,
    /// Its funding source.
    pub fund_source: FundingSource,
    /// Basic or project expenditure.
    pub kind: ProjectKind,
    /// The adjusted budget.
    pub budget: Fen,
    /// Payments in each month, January first (fen).
    pub months: [i64; 12],
}

/// How likely an indicator's target is met, as a unit judges it during the year.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Likelihood {
    /// 确定能.
    Certain,
    /// 有可能.
    Possible,
    /// 不可能.
    Impossible,
}

impl Likelihood {
    /// The Chinese words, as the monitoring tables write them.
    pub fn label(self) -> &'static str {
        match self {
            Likelihood::Certain => "确定能",
            Likelihood::Possible => "有可能",
            Likelihood::Impossible => "不可能",
        }
    }

    /// Parses the Chinese words (or `certain`, `possible`, `impossible`).
    pub fn parse(text: &str) -> Option<Likelihood> {
        match text.trim() {
            "确定能" | "certain" => Some(Likelihood::Certain),
            "有可能" | "possible" => Some(Likelihood::Possible),
            "不可能" | "impossible" => Some(Likelihood::Impossible),
            _ => None,
        }
    }
}

/// The categories of a deviation's cause in the monitoring tables (财预〔2019〕136号).
pub const REASON_CATEGORIES: [&str; 5] =
    ["经费保障", "制度保障", "人员保障", "硬件条件保障", "其他"];

/// A project's annual performance goal (绩效目标): the 一体化 system's KPI_TARGET.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GoalRecord {
    /// The project's code.
    pub project_code: String,
    /// The goal, as written.
    pub goal: String,
}

/// An indicator of the 指标库 kept in the store: imported, or promoted from a declaration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LibraryRecord {
    /// Its code in the system it came from (PERF_IND_CODE); empty for a promoted one.
    pub code: String,
    /// 一级指标 (产出指标, 效益指标, 满意度指标).
    pub level1: String,
    /// 二级指标.
    pub level2: String,
    /// 三级指标: its name.
    pub name: String,
    /// How its 指标值 is written (指标值说明).
    pub value_hint: String,
    /// Its 评(扣)分标准.
    pub standard: String,
    /// 功能分类科目.
    pub function_subject: String,
    /// 行业/领域.
    pub sector: String,
    /// 资金用途.
    pub purpose: String,
}

impl LibraryRecord {
    /// Whether it names no classification: a 共性 indicator, offered for any project.
    pub fn is_general(&self) -> bool {
        self.function_subject.is_empty() && self.sector.is_empty() && self.purpose.is_empty()
    }
}

/// One indicator's progress reported during the year (双监控).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProgressRecord {
    /// The project's code.
    pub project_code: String,
    /// The indicator's code.
    pub indicator_code: String,
    /// The date the report speaks of.
    pub as_of: Date,
    /// The actual value so far, exact.
    pub actual: Decimal,
    /// How likely the target is met.
    pub likelihood: Likelihood,
    /// The deviation's cause category ('' when certain).
    pub reason_category: String,
    /// The cause in words.
    pub reason: String,
    /// The corrective measures.
    pub measures: String,
}

/// Shares equal strings: one allocation per distinct code, however many rows repeat it.
#[derive(Default)]
pub(crate) struct Interner(std::collections::HashMap<Box<str>, std::sync::Arc<str>>);

impl Interner {
    pub(crate) fn get(&mut self, s: &str) -> std::sync::Arc<str> {
        if let Some(a) = self.0.get(s) {
            return a.clone();
        }
        let a: std::sync::Arc<str> = s.into();
        self.0.insert(s.into(), a.clone());
        a
    }
}

/// A payment id that occurs twice in one import.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DuplicatePayment {
    /// The row of the repeat.
    pub row: u64,
    /// The row where the id first occurs.
    pub first_row: u64,
    /// The id.
    pub payment_id: String,
}

/// A payment id already stored with other contents.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConflictingPayment {
    /// The row of the import.
    pub row: u64,
    /// The id.
    pub payment_id: String,
}

/// What happened to an import's payments.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PaymentSummary {
    /// New payments written.
    pub inserted: u64,
    /// Payments skipped because an earlier import stored them, unchanged.
    pub already_stored: u64,
    /// Ids repeated within this import (the first few hundred).
    pub duplicates: Vec<DuplicatePayment>,
    /// Ids stored earlier with another project, date or amount (the first few hundred).
    pub conflicts: Vec<ConflictingPayment>,
}

/// How many duplicates or conflicts a summary lists at most.
pub const LISTED_AT_MOST: usize = 200;

/// A saved evaluation: the result of scoring a department's year under a framework.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EvaluationRecord {
    /// The department's code.
    pub department_code: String,
    /// The fiscal year.
    pub year: i32,
    /// The framework's id.
    pub framework: String,
    /// The total as printed.
    pub total: String,
    /// The maximum total as printed.
    pub max_total: String,
    /// The grade.
    pub grade: String,
    /// When it was scored (UTC).
    pub evaluated_at: String,
    /// Its items, in framework order.
    pub items: Vec<EvaluationItemRecord>,
}

/// One scored indicator of an evaluation, with what explains it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EvaluationItemRecord {
    /// The indicator's id.
    pub item_id: String,
    /// Its name.
    pub name: String,
    /// Its weight as printed.
    pub weight: String,
    /// The observed value as printed.
    pub value: String,
    /// The score as printed.
    pub score: String,
    /// Why points were lost ('' when none).
    pub loss_reason: String,
    /// How the value was derived from the inputs.
    pub derivation: String,
}

/// Row counts per table and a digest over every row in a canonical order and form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Digest {
    /// Rows per table.
    pub counts: BTreeMap<&'static str, u64>,
    /// 64-bit FNV-1a over the canonical text of every row.
    pub hash: u64,
}

/// Feeds canonical row text into a digest.
#[derive(Debug, Clone)]
pub(crate) struct Hasher(pub(crate) u64);

impl Hasher {
    pub(crate) fn new() -> Hasher {
        Hasher(0xcbf2_9ce4_8422_2325)
    }

    pub(crate) fn field(&mut self, text: &str) {
        for b in text.bytes().chain([0x1f]) {
            self.0 ^= u64::from(b);
            self.0 = self.0.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
}

/// The funding source stored in a row, or a store error naming the bad value.
pub(crate) fn fund_source(text: &str) -> crate::Result<FundingSource> {
    FundingSource::parse(text)
        .ok_or_else(|| crate::StoreError::other(format!("库中资金来源“{text}”无法识别")))
}

/// The direction stored in a row.
pub(crate) fn direction(text: &str) -> crate::Result<Direction> {
    Direction::parse(text)
        .ok_or_else(|| crate::StoreError::other(format!("库中指标方向“{text}”无法识别")))
}

/// The kind stored in a row.
pub(crate) fn kind(text: &str) -> crate::Result<ProjectKind> {
    ProjectKind::parse(text)
        .ok_or_else(|| crate::StoreError::other(format!("库中支出类型“{text}”无法识别")))
}

/// A date stored in a row.
pub(crate) fn date(text: &str) -> crate::Result<Date> {
    Date::parse(text).ok_or_else(|| crate::StoreError::other(format!("库中日期“{text}”无法识别")))
}

/// A likelihood stored in a row.
pub(crate) fn likelihood(text: &str) -> crate::Result<Likelihood> {
    Likelihood::parse(text)
        .ok_or_else(|| crate::StoreError::other(format!("库中完成目标可能性“{text}”无法识别")))
}

/// A decimal stored in a row.
pub(crate) fn decimal(text: &str) -> crate::Result<Decimal> {
    text.parse()
        .map_err(|_| crate::StoreError::other(format!("库中数值“{text}”无法识别")))
}
