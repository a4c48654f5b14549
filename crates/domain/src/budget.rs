//! Budgets by funding source, their adjustments, and execution.

use crate::date::Date;
use crate::money::Fen;
use crate::provenance::{Origin, Sourced};
use std::fmt;

/// The funding sources (资金来源) of Chinese public budgets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum FundingSource {
    /// 一般公共预算.
    GeneralPublic,
    /// 政府性基金预算.
    GovernmentFund,
    /// 国有资本经营预算.
    StateCapital,
    /// 财政专户管理资金.
    FiscalSpecialAccount,
    /// 单位资金/其他.
    UnitOwn,
}

impl FundingSource {
    /// All sources in the order budget tables list them.
    pub const ALL: [FundingSource; 5] = [
        FundingSource::GeneralPublic,
        FundingSource::GovernmentFund,
        FundingSource::StateCapital,
        FundingSource::FiscalSpecialAccount,
        FundingSource::UnitOwn,
    ];

    /// The identifier used in data files.
    pub fn id(self) -> &'static str {
        match self {
            FundingSource::GeneralPublic => "general_public",
            FundingSource::GovernmentFund => "government_fund",
            FundingSource::StateCapital => "state_capital",
            FundingSource::FiscalSpecialAccount => "fiscal_special_account",
            FundingSource::UnitOwn => "unit_own",
        }
    }

    /// Parses the identifier used in data files, or the Chinese name.
    pub fn parse(text: &str) -> Option<FundingSource> {
        FundingSource::ALL
            .into_iter()
            .find(|s| s.id() == text || s.label() == text)
    }

    /// The Chinese name.
    pub fn label(self) -> &'static str {
        match self {
            FundingSource::GeneralPublic => "一般公共预算",
            FundingSource::GovernmentFund => "政府性基金预算",
            FundingSource::StateCapital => "国有资本经营预算",
            FundingSource::FiscalSpecialAccount => "财政专户管理资金",
            FundingSource::UnitOwn => "单位资金/其他",
        }
    }

    /// Whether the source is a fiscal appropriation (财政拨款) rather than the unit's own money.
    pub fn is_appropriation(self) -> bool {
        matches!(
            self,
            FundingSource::GeneralPublic
                | FundingSource::GovernmentFund
                | FundingSource::StateCapital
        )
    }
}

impl fmt::Display for FundingSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// One in-year budget adjustment (追加 when positive, 调减 when negative).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Adjustment {
    /// When the adjustment was approved.
    pub date: Date,
    /// The signed amount.
    pub amount: Fen,
    /// Why.
    pub reason: String,
    /// Stated or inferred.
    pub origin: Origin,
}

/// Why a budget's figures do not hold together.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BudgetMismatch {
    /// The start-of-year figure.
    pub initial: Fen,
    /// The sum of the adjustments.
    pub adjustments: Fen,
    /// The full-year figure that was stated.
    pub stated_full_year: Fen,
}

impl fmt::Display for BudgetMismatch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "年初预算 {} 加调整 {} 应为 {}，但全年预算写的是 {}",
            self.initial,
            self.adjustments,
            self.initial + self.adjustments,
            self.stated_full_year
        )
    }
}

/// A budget: the start-of-year figure (年初预算), each adjustment, and the full-year figure
/// (全年预算) that results.
///
/// Some documents state only the full-year figure (e.g. 预算数（含年中调整数）); then the
/// start-of-year figure is unknown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Budget {
    initial: Option<Sourced<Fen>>,
    adjustments: Vec<Adjustment>,
    full_year: Sourced<Fen>,
}

impl Budget {
    /// A budget from its start-of-year figure and adjustments; the full-year figure is their
    /// sum, inferred if any part is.
    pub fn from_initial(initial: Sourced<Fen>, adjustments: Vec<Adjustment>) -> Budget {
        let total = initial.value + adjustments.iter().map(|a| a.amount).sum();
        let inferred =
            initial.origin.is_inferred() || adjustments.iter().any(|a| a.origin.is_inferred());
        let full_year = if inferred {
            Sourced::inferred(total, "由年初预算与调整数相加得出，其中含推定数")
        } else {
            Sourced::stated(total)
        };
        Budget {
            initial: Some(initial),
            adjustments,
            full_year,
        }
    }

    /// A budget for which only the full-year figure is known.
    pub fn full_year_only(full_year: Sourced<Fen>) -> Budget {
        Budget {
            initial: None,
            adjustments: Vec::new(),
            full_year,
        }
    }

    /// A budget with every figure stated; fails when they do not add up.
    pub fn checked(
        initial: Sourced<Fen>,
        adjustments: Vec<Adjustment>,
        stated_full_year: Sourced<Fen>,
    ) -> Result<Budget, BudgetMismatch> {
        let sum: Fen = adjustments.iter().map(|a| a.amount).sum();
        if initial.value + sum != stated_full_year.value {
            return Err(BudgetMismatch {
                initial: initial.value,
                adjustments: sum,
                stated_full_year: stated_full_year.value,
            });
        }
        Ok(Budget {
            initial: Some(initial),
            adjustments,
            full_year: stated_full_year,
        })
    }

    /// The start-of-year figure, when known.
    pub fn initial(&self) -> Option<&Sourced<Fen>> {
        self.initial.as_ref()
    }

    /// The adjustments in the order they were made.
    pub fn adjustments(&self) -> &[Adjustment] {
        &self.adjustments
    }

    /// The full-year (adjusted) figure.
    pub fn full_year(&self) -> &Sourced<Fen> {
        &self.full_year
    }
}

/// Income of one funding source for the year: the budgeted figure and the final account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Income {
    /// The funding source.
    pub source: FundingSource,
    /// Budgeted at the start of the year (年初预算收入), when known.
    pub budgeted: Option<Sourced<Fen>>,
    /// Received, as in the final accounts (决算收入).
    pub actual: Sourced<Fen>,
}

/// Expenditure of one funding source: the total, and the split into basic and project
/// expenditure when known.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Expenditure {
    /// The funding source.
    pub source: FundingSource,
    /// The budget for this source.
    pub budget: Option<Budget>,
    /// Total spent (决算支出).
    pub total: Sourced<Fen>,
    /// Of which basic expenditure (基本支出: 人员经费 + 公用经费), when known.
    pub basic: Option<Sourced<Fen>>,
    /// Of which project expenditure (项目支出), when known.
    pub project: Option<Sourced<Fen>>,
    /// Cumulative spending at each month end, January first, when known.
    pub monthly_cumulative: Vec<Sourced<Fen>>,
}

/// A department's money for one year.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Finances {
    /// Income by source.
    pub income: Vec<Income>,
    /// Expenditure by source.
    pub expenditure: Vec<Expenditure>,
}

impl Finances {
    /// Total income of all sources.
    pub fn total_income(&self) -> Fen {
        self.income.iter().map(|i| i.actual.value).sum()
    }

    /// Total expenditure of all sources.
    pub fn total_expenditure(&self) -> Fen {
        self.expenditure.iter().map(|e| e.total.value).sum()
    }

    /// Income of one source.
    pub fn income_of(&self, source: FundingSource) -> Option<&Income> {
        self.income.iter().find(|i| i.source == source)
    }

    /// Expenditure of one source.
    pub fn expenditure_of(&self, source: FundingSource) -> Option<&Expenditure> {
        self.expenditure.iter().find(|e| e.source == source)
    }
}
