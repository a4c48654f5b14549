//! Results application (评价结果应用, RULES.md §4) and the disclosure calendar (§5): from a
//! grade or score to next year's budget action, rectification deadlines and their overdue
//! state, and when a published item falls due.
//!
//! No linkage percentage lives here: the rules are data (`frameworks/linkage-default.toml`,
//! unsourced defaults of RULES.md §4, marked provisional). The 30-day rectification period and
//! the 20-day disclosure period are sourced defaults (§4 S13, §5 S33), both configurable.

use crate::date::Date;
use crate::money::Fen;
use rust_decimal::prelude::ToPrimitive;
use rust_decimal::{Decimal, RoundingStrategy};

/// What a result means for next year's budget.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BudgetAction {
    /// 优先保障: funded first; the percentage may add to it.
    Priority,
    /// 维持: kept as is (or changed by the percentage).
    Keep,
    /// 核减: reduced by the percentage.
    Cut,
    /// 取消或暂停: no budget next year.
    Cancel,
}

impl BudgetAction {
    /// The stable id used in rule files.
    pub fn id(self) -> &'static str {
        match self {
            BudgetAction::Priority => "priority",
            BudgetAction::Keep => "keep",
            BudgetAction::Cut => "cut",
            BudgetAction::Cancel => "cancel",
        }
    }

    /// The action from its id.
    pub fn from_id(id: &str) -> Option<BudgetAction> {
        [
            BudgetAction::Priority,
            BudgetAction::Keep,
            BudgetAction::Cut,
            BudgetAction::Cancel,
        ]
        .into_iter()
        .find(|a| a.id() == id)
    }

    /// Its name in budget documents.
    pub fn label(self) -> &'static str {
        match self {
            BudgetAction::Priority => "优先保障",
            BudgetAction::Keep => "维持",
            BudgetAction::Cut => "核减",
            BudgetAction::Cancel => "取消或暂停",
        }
    }
}

/// When a rule applies.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Condition {
    /// A grade, by its code (`excellent`) or label (优).
    Grade(String),
    /// A score at least `from` and below `to`.
    Score {
        /// Lowest score included.
        from: Decimal,
        /// First score excluded.
        to: Decimal,
    },
}

/// One linkage rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkageRule {
    /// When it applies.
    pub when: Condition,
    /// The action.
    pub action: BudgetAction,
    /// The change to next year's budget in percent of this year's (−10 = cut by 10%).
    pub percent: Decimal,
}

/// A set of linkage rules: the first that applies wins.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Linkage {
    /// Its id.
    pub id: String,
    /// Its title.
    pub title: String,
    /// Whether the rules are unsourced defaults rather than a region's published rule.
    pub provisional: bool,
    /// Where the rules come from, or why they are provisional.
    pub note: String,
    /// The rules, in order.
    pub rules: Vec<LinkageRule>,
    /// Percent taken off (on top of the rule) for each rectification overdue (e.g. −5).
    pub per_overdue_rectification: Decimal,
}

/// A suggestion for one department or project, with its working.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Suggestion {
    /// The action.
    pub action: BudgetAction,
    /// The change in percent, including any for overdue rectifications.
    pub percent: Decimal,
    /// The change to the budget, fen (negative for a cut), rounded half away from zero.
    pub change: Fen,
    /// Next year's suggested budget, fen.
    pub next_budget: Fen,
    /// How it was reached, in words.
    pub working: String,
}

impl Linkage {
    /// The first rule that applies to this grade (code and label) and score.
    pub fn rule_for(
        &self,
        grade_code: &str,
        grade_label: &str,
        score: Decimal,
    ) -> Option<&LinkageRule> {
        self.rules.iter().find(|r| match &r.when {
            Condition::Grade(g) => g == grade_code || g == grade_label,
            Condition::Score { from, to } => score >= *from && score < *to,
        })
    }

    /// The suggestion for a result with this year's `budget` and `overdue` rectifications;
    /// `None` when no rule applies.
    pub fn suggest(
        &self,
        grade_code: &str,
        grade_label: &str,
        score: Decimal,
        budget: Fen,
        overdue: u32,
    ) -> Option<Suggestion> {
        let rule = self.rule_for(grade_code, grade_label, score)?;
        let matched = match &rule.when {
            Condition::Grade(_) => format!("等级“{grade_label}”"),
            Condition::Score { from, to } => format!("得分 {score} 在 [{from}, {to}) 内"),
        };
        if rule.action == BudgetAction::Cancel {
            return Some(Suggestion {
                action: rule.action,
                percent: Decimal::from(-100),
                change: Fen(-budget.0),
                next_budget: Fen(0),
                working: format!("{matched}：{}，下年度不安排预算", rule.action.label()),
            });
        }
        let extra = self.per_overdue_rectification * Decimal::from(overdue);
        // A cut never goes past the whole budget.
        let percent = (rule.percent + extra).max(Decimal::from(-100));
        let change = (Decimal::from(budget.0) * percent / Decimal::ONE_HUNDRED)
            .round_dp_with_strategy(0, RoundingStrategy::MidpointAwayFromZero)
            .to_i64()
            .unwrap_or(0);
        let mut working = format!("{matched}：{}", rule.action.label());
        if rule.percent != Decimal::ZERO {
            working.push_str(&format!(" {}%", rule.percent));
        }
        if overdue > 0 && extra != Decimal::ZERO {
            working.push_str(&format!(
                "；逾期未整改 {overdue} 项，每项 {}%",
                self.per_overdue_rectification
            ));
        }
        working.push_str(&format!(
            "；{} × {}% = {}",
            budget.format_wan_unit(),
            percent,
            Fen(change).format_wan_unit()
        ));
        Some(Suggestion {
            action: rule.action,
            percent,
            change: Fen(change),
            next_budget: Fen(budget.0 + change),
            working,
        })
    }

    /// What is wrong with the rules: overlapping or empty score ranges, percentages that
    /// contradict the action.
    pub fn problems(&self) -> Vec<String> {
        let mut out = Vec::new();
        for (i, r) in self.rules.iter().enumerate() {
            if let Condition::Score { from, to } = &r.when {
                if from >= to {
                    out.push(format!("第 {} 条规则：得分区间 [{from}, {to}) 为空", i + 1));
                }
            }
            match r.action {
                BudgetAction::Cut if r.percent >= Decimal::ZERO => {
                    out.push(format!("第 {} 条规则：核减的比例应为负数，如 -10", i + 1))
                }
                _ if r.percent < Decimal::from(-100) => {
                    out.push(format!("第 {} 条规则：比例不能低于 -100", i + 1))
                }
                _ => {}
            }
        }
        out
    }
}

/// Where a rectification stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RectificationStatus {
    /// Sent to the unit; nothing back yet.
    Open,
    /// The unit filed its measures.
    PlanSubmitted,
    /// Being carried out.
    InProgress,
    /// Done (and, when verified, confirmed by the finance bureau).
    Done,
    /// Past its due date and not done.
    Overdue,
}

impl RectificationStatus {
    /// Every status, in order.
    pub const ALL: [RectificationStatus; 5] = [
        RectificationStatus::Open,
        RectificationStatus::PlanSubmitted,
        RectificationStatus::InProgress,
        RectificationStatus::Done,
        RectificationStatus::Overdue,
    ];

    /// The stored id.
    pub fn id(self) -> &'static str {
        match self {
            RectificationStatus::Open => "open",
            RectificationStatus::PlanSubmitted => "plan_submitted",
            RectificationStatus::InProgress => "in_progress",
            RectificationStatus::Done => "done",
            RectificationStatus::Overdue => "overdue",
        }
    }

    /// The status from its id.
    pub fn from_id(id: &str) -> Option<RectificationStatus> {
        Self::ALL.into_iter().find(|s| s.id() == id)
    }

    /// Its name.
    pub fn label(self) -> &'static str {
        match self {
            RectificationStatus::Open => "待整改",
            RectificationStatus::PlanSubmitted => "已报整改方案",
            RectificationStatus::InProgress => "整改中",
            RectificationStatus::Done => "已完成",
            RectificationStatus::Overdue => "逾期",
        }
    }
}

/// The default time a unit has to rectify after the result is sent (RULES.md §4, S13).
pub const RECTIFICATION_DAYS: i64 = 30;

/// The due date of a rectification sent on `sent`, given `days` (default [`RECTIFICATION_DAYS`]).
pub fn rectification_due(sent: Date, days: i64) -> Date {
    sent.add_days(days)
}

/// The status to show on `today`: anything not done is overdue once its due date has passed
/// (the due date itself is still in time).
pub fn rectification_status(
    stored: RectificationStatus,
    due: Date,
    today: Date,
) -> RectificationStatus {
    match stored {
        RectificationStatus::Done => RectificationStatus::Done,
        _ if today > due => RectificationStatus::Overdue,
        RectificationStatus::Overdue => RectificationStatus::InProgress,
        s => s,
    }
}

/// How disclosure deadlines are counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DisclosureRule {
    /// Days after approval (default 20, 财预〔2016〕143号).
    pub days: u32,
    /// Whether they are working days (the 2013 central rule) rather than calendar days.
    pub working_days: bool,
}

impl Default for DisclosureRule {
    fn default() -> DisclosureRule {
        DisclosureRule {
            days: 20,
            working_days: false,
        }
    }
}

/// Where a disclosure item stands on a day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DisclosureState {
    /// Not yet approved: no deadline runs.
    NotApproved,
    /// Approved, not published, still in time.
    Due,
    /// Approved, not published, past the deadline.
    Overdue,
    /// Published by the deadline.
    OnTime,
    /// Published after the deadline.
    Late,
}

impl DisclosureState {
    /// Its name.
    pub fn label(self) -> &'static str {
        match self {
            DisclosureState::NotApproved => "未批复",
            DisclosureState::Due => "待公开",
            DisclosureState::Overdue => "逾期未公开",
            DisclosureState::OnTime => "按时公开",
            DisclosureState::Late => "逾期后公开",
        }
    }
}

impl DisclosureRule {
    /// The last day to publish an item approved on `approved`.
    pub fn deadline(self, approved: Date) -> Date {
        if self.working_days {
            approved.add_working_days(self.days)
        } else {
            approved.add_days(i64::from(self.days))
        }
    }

    /// The state of an item on `today`.
    pub fn state(
        self,
        approved: Option<Date>,
        published: Option<Date>,
        today: Date,
    ) -> DisclosureState {
        let Some(approved) = approved else {
            return DisclosureState::NotApproved;
        };
        let deadline = self.deadline(approved);
        match published {
            Some(p) if p <= deadline => DisclosureState::OnTime,
            Some(_) => DisclosureState::Late,
            None if today > deadline => DisclosureState::Overdue,
            None => DisclosureState::Due,
        }
    }
}

/// One item the public must be able to find for a department's year.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DisclosureItem {
    /// What it is, e.g. 部门决算.
    pub name: String,
    /// Whether it is published.
    pub present: bool,
    /// Rows in it (an empty table is allowed only with an explanation).
    pub rows: usize,
    /// Why it is empty, when it is.
    pub empty_explanation: Option<String>,
}

/// What is missing from a disclosure: absent items, and empty tables without an explanation.
pub fn completeness(items: &[DisclosureItem]) -> Vec<String> {
    let mut out = Vec::new();
    for i in items {
        if !i.present {
            out.push(format!("缺少“{}”", i.name));
        } else if i.rows == 0
            && i.empty_explanation
                .as_deref()
                .is_none_or(|e| e.trim().is_empty())
        {
            out.push(format!("“{}”为空表，须说明原因", i.name));
        }
    }
    out
}
