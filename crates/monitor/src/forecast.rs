//! Forecasts of the year-end execution rate from the curve so far and a seasonal pattern,
//! and their back-test.
//!
//! The seasonal pattern is the share of a year's spending done by the end of each month,
//! taken from prior years' projects when the store has them. Without prior years it is the
//! even pattern m/12 — an assumption, labelled as inferred wherever a forecast uses it.
//! A project's forecast is what it has spent ÷ the pattern's share at the month's end,
//! never more than its budget (spending cannot normally exceed it), as a rate of its budget.

use crate::levels::Project;
use jixiao_domain::money::{Fen, FenSum};
use rust_decimal::Decimal;
use std::collections::HashMap;

/// Where a seasonal pattern comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// The projects of these prior years, all together.
    PriorYears(Vec<i32>),
    /// No prior years: the even pattern m/12 (推定).
    Even,
}

impl Source {
    /// How the pattern is described to a reader.
    pub fn describe(&self) -> String {
        match self {
            Source::PriorYears(y) => format!(
                "季节模式取自往年（{}）各月末累计支出占全年支出的比例",
                y.iter().map(i32::to_string).collect::<Vec<_>>().join("、")
            ),
            Source::Even => "库中没有往年数据，季节模式按各月均匀支出推定（m/12）（推定）".into(),
        }
    }
}

/// The share of a year's spending done by the end of each month, January first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pattern {
    /// Cumulative shares; the last is 1.
    pub cumulative: [Decimal; 12],
    /// Where they come from.
    pub source: Source,
}

impl Pattern {
    /// The even pattern m/12.
    pub fn even() -> Pattern {
        let mut c = [Decimal::ZERO; 12];
        for (m, x) in c.iter_mut().enumerate() {
            *x = Decimal::from(m as i64 + 1) / Decimal::from(12);
        }
        Pattern {
            cumulative: c,
            source: Source::Even,
        }
    }

    /// The pattern of prior years' projects, all together; `None` when they spent nothing.
    pub fn from_years(projects: &[Project], years: Vec<i32>) -> Option<Pattern> {
        let mut by_month = [0i128; 12];
        for p in projects {
            for (t, m) in by_month.iter_mut().zip(p.months) {
                *t += i128::from(m.0);
            }
        }
        let total: i128 = by_month.iter().sum();
        if total <= 0 {
            return None;
        }
        let mut c = [Decimal::ZERO; 12];
        let mut running = 0i128;
        for (x, m) in c.iter_mut().zip(by_month) {
            running += m;
            *x =
                Decimal::from_i128_with_scale(running, 0) / Decimal::from_i128_with_scale(total, 0);
        }
        Some(Pattern {
            cumulative: c,
            source: Source::PriorYears(years),
        })
    }
}

/// Forecast year-end spending (fen) from `spent` by the end of month `m` (1–12), capped at the
/// budget; `None` when the pattern says nothing is spent by then.
pub fn year_end(spent: FenSum, budget: FenSum, m: usize, pattern: &Pattern) -> Option<FenSum> {
    let share = pattern.cumulative[m - 1];
    if share <= Decimal::ZERO {
        return None;
    }
    let f = FenSum(
        (Decimal::from_i128_with_scale(spent.0, 0) / share)
            .round()
            .mantissa(),
    );
    Some(if budget > FenSum::ZERO {
        f.min(budget)
    } else {
        f
    })
}

/// A rate as an exact decimal; `None` for a zero budget.
pub fn rate(spent: FenSum, budget: FenSum) -> Option<Decimal> {
    spent.ratio_to(budget)
}

/// The back-test at one month's end: mean absolute error of the forecast year-end rate, in
/// percentage points, over projects and over departments (those with a budget).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    /// The month the forecast is made at (its end).
    pub month: usize,
    /// Over projects.
    pub projects: Decimal,
    /// Over departments.
    pub departments: Decimal,
    /// Over everything together (absolute error of the overall rate).
    pub overall: Decimal,
}

/// Forecasts `projects`' year-end rates from each month's end (1–11) and compares them with
/// what the year's full data say.
pub fn backtest(projects: &[Project], pattern: &Pattern) -> Vec<Error> {
    let hundred = Decimal::ONE_HUNDRED;
    (1..12)
        .map(|m| {
            let mut project_err = Decimal::ZERO;
            let mut n = 0i64;
            let mut depts: HashMap<&str, (FenSum, FenSum, FenSum)> = HashMap::new();
            let (mut all_b, mut all_f, mut all_a) = (FenSum::ZERO, FenSum::ZERO, FenSum::ZERO);
            for p in projects.iter().filter(|p| p.budget > Fen::ZERO) {
                let b = FenSum::from(p.budget);
                let spent: FenSum = p.months[..m].iter().copied().sum();
                let actual: FenSum = p.months.iter().copied().sum();
                let f = year_end(spent, b, m, pattern).unwrap_or(spent);
                if let (Some(rf), Some(ra)) = (rate(f, b), rate(actual, b)) {
                    project_err += (rf - ra).abs();
                    n += 1;
                }
                let d = depts.entry(&p.department).or_default();
                d.0 += b;
                d.1 += f;
                d.2 += actual;
                all_b += b;
                all_f += f;
                all_a += actual;
            }
            let dept_err: Decimal = depts
                .values()
                .filter_map(|(b, f, a)| Some((rate(*f, *b)? - rate(*a, *b)?).abs()))
                .sum();
            let mean = |sum: Decimal, count: usize| {
                if count == 0 {
                    Decimal::ZERO
                } else {
                    sum * hundred / Decimal::from(count as i64)
                }
            };
            Error {
                month: m,
                projects: mean(project_err, n as usize),
                departments: mean(dept_err, depts.len()),
                overall: match (rate(all_f, all_b), rate(all_a, all_b)) {
                    (Some(f), Some(a)) => (f - a).abs() * hundred,
                    _ => Decimal::ZERO,
                },
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn project(dept: &str, budget: i64, months: [i64; 12]) -> Project {
        Project {
            code: format!("{dept}{budget}"),
            unit: "u".into(),
            department: dept.into(),
            region: "r".into(),
            fund: jixiao_domain::budget::FundingSource::GeneralPublic,
            budget: Fen(budget),
            months: months.map(Fen),
        }
    }

    #[test]
    fn a_pattern_from_prior_years_forecasts_a_year_that_follows_it_exactly() {
        // Spending bunched at year end, as the seed laments: 4% a month, then 56% in December.
        let shape = [4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 56];
        let prior = vec![
            project("a", 1000, shape),
            project("b", 500, shape.map(|x| x / 2)),
        ];
        let pattern = Pattern::from_years(&prior, vec![2020]).unwrap();
        assert_eq!(pattern.cumulative[11], Decimal::ONE);
        assert_eq!(pattern.cumulative[5], Decimal::new(24, 2));
        // This year spends 90% of the budget in the same shape: forecasts are exact.
        let this = vec![project("a", 1000, shape.map(|x| x * 9))];
        for e in backtest(&this, &pattern) {
            assert_eq!(e.projects, Decimal::ZERO, "month {}", e.month);
        }
        // The even pattern over-forecasts such a year in mid-year, and says it is inferred.
        let even = backtest(&this, &Pattern::even());
        assert!(even[5].projects > Decimal::ZERO);
        assert!(Pattern::even().source.describe().contains("推定"));
    }

    #[test]
    fn forecasts_never_exceed_the_budget() {
        let p = Pattern::even();
        let y = |spent, budget, m| year_end(FenSum(spent), FenSum(budget), m, &p).map(|f| f.0);
        assert_eq!(y(900, 1000, 6), Some(1000));
        assert_eq!(y(300, 1000, 6), Some(600));
        assert_eq!(y(0, 1000, 1), Some(0));
    }
}
