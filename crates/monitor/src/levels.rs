//! Monitoring at any level — project, unit, department, funding source, region, the whole —
//! as of any date: budget, executed, rate, time progress, gap, warning, and the monthly curve.

use crate::config::{months_elapsed, Config};
use crate::rules::{TimeProgress, Warning};
use jixiao_domain::budget::FundingSource;
use jixiao_domain::date::{days_in_month, Date};
use jixiao_domain::money::{Fen, FenSum};
use rust_decimal::Decimal;
use std::collections::HashMap;
use std::sync::Arc;

/// A project as monitoring sees it: where it belongs, its budget, its payments by month.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Project {
    /// The project's code.
    pub code: String,
    /// Its unit's code (shared among its projects).
    pub unit: Arc<str>,
    /// Its department's code.
    pub department: Arc<str>,
    /// Its region's code.
    pub region: Arc<str>,
    /// Its funding source.
    pub fund: FundingSource,
    /// Adjusted budget.
    pub budget: Fen,
    /// Payments in each month, January first.
    pub months: [Fen; 12],
}

/// The level figures are grouped at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Level {
    /// Each project.
    Project,
    /// Each unit.
    Unit,
    /// Each department.
    Department,
    /// Each funding source.
    Fund,
    /// Each region.
    Region,
    /// Everything together.
    All,
}

impl Level {
    /// Every level, with its name on the command line and in Chinese.
    pub const ALL: [(Level, &'static str, &'static str); 6] = [
        (Level::Project, "project", "项目"),
        (Level::Unit, "unit", "单位"),
        (Level::Department, "department", "部门"),
        (Level::Fund, "fund", "资金来源"),
        (Level::Region, "region", "区域"),
        (Level::All, "all", "全部"),
    ];

    /// Parses the command-line name.
    pub fn parse(text: &str) -> Option<Level> {
        Level::ALL
            .iter()
            .find(|(_, id, label)| *id == text || *label == text)
            .map(|(l, ..)| *l)
    }

    /// The Chinese name.
    pub fn label(self) -> &'static str {
        Level::ALL
            .iter()
            .find(|(l, ..)| *l == self)
            .map_or("", |(_, _, label)| label)
    }

    fn key(self, p: &Project) -> &str {
        match self {
            Level::Project => &p.code,
            Level::Unit => &p.unit,
            Level::Department => &p.department,
            Level::Fund => p.fund.label(),
            Level::Region => &p.region,
            Level::All => "全部",
        }
    }
}

/// One line of a monitoring table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    /// The group's key (a code, a funding source, or 全部).
    pub key: String,
    /// Budget.
    pub budget: FenSum,
    /// Executed to the as-of date.
    pub executed: FenSum,
    /// Projects in the group.
    pub projects: u64,
    /// Key projects (重点) in the group.
    pub key_projects: u64,
    /// Projects by their own warning: red, yellow, over, no budget.
    pub red: u64,
    /// Yellow projects.
    pub yellow: u64,
    /// Over-executed projects.
    pub over: u64,
    /// Projects without budget.
    pub no_budget: u64,
    /// The group's own warning, judged on its totals.
    pub warning: Warning,
    /// Executed by the end of each month up to the as-of date: the curve.
    pub curve: Vec<FenSum>,
}

impl Line {
    fn empty(key: &str, months: usize) -> Line {
        Line {
            key: key.to_string(),
            budget: FenSum::ZERO,
            executed: FenSum::ZERO,
            projects: 0,
            key_projects: 0,
            red: 0,
            yellow: 0,
            over: 0,
            no_budget: 0,
            warning: Warning::None,
            curve: vec![FenSum::ZERO; months],
        }
    }

    /// Execution rate, exact.
    pub fn rate(&self) -> Option<Decimal> {
        self.executed.ratio_to(self.budget)
    }
}

/// A monitoring table: time progress and one line per group, ranked by rate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Table {
    /// The as-of date.
    pub as_of: Date,
    /// Time progress under the configured convention.
    pub time: TimeProgress,
    /// Time progress at each month's end up to the as-of date (the curve's yardstick).
    pub time_curve: Vec<TimeProgress>,
    /// The level.
    pub level: Level,
    /// Lines, highest rate first (equal rates by key).
    pub lines: Vec<Line>,
}

impl TimeProgress {
    /// As an exact decimal fraction.
    pub fn fraction(self) -> Decimal {
        Decimal::from(self.n) / Decimal::from(self.total)
    }
}

/// What a project executed by `as_of`: the whole months before it from the monthly sums,
/// plus `partial` — its payments from the first of the as-of month to the date, which the
/// caller reads from the payments when the date is not a month's end.
pub fn executed_by(months: &[Fen; 12], as_of: Date, partial: Fen) -> Fen {
    let whole = months_elapsed(as_of) as usize;
    let before: Fen = months[..whole].iter().copied().sum();
    if whole == as_of.month() as usize {
        before
    } else {
        before + partial
    }
}

/// Whether `as_of` is the last day of its month (monthly sums then suffice).
pub fn is_month_end(as_of: Date) -> bool {
    as_of.day() == days_in_month(as_of.year(), as_of.month())
}

/// Monitors `projects` at `level` as of `as_of`; `partial` gives each project's payments in
/// the as-of month up to the date (by project index), needed only when the date is not a
/// month's end.
pub fn monitor(
    projects: &[Project],
    partial: &dyn Fn(usize) -> Fen,
    as_of: Date,
    level: Level,
    config: &Config,
) -> Table {
    let time = config.time_progress(as_of);
    let last_month = as_of.month() as usize;
    let time_curve: Vec<TimeProgress> = (1..=last_month)
        .map(|m| {
            let end = Date::new(
                as_of.year(),
                m as u32,
                days_in_month(as_of.year(), m as u32),
            )
            .expect("a month's last day exists");
            config.time_progress(if end > as_of { as_of } else { end })
        })
        .collect();
    let mut index: HashMap<&str, usize> = HashMap::new();
    let mut lines: Vec<Line> = Vec::new();
    for (i, p) in projects.iter().enumerate() {
        let executed = executed_by(&p.months, as_of, partial(i));
        let key_project = config.big_project.is_some_and(|b| p.budget.0 >= b);
        let mut w = config.thresholds.warning(executed.0, p.budget.0, time);
        if key_project && w != Warning::Red && w != Warning::Over && w != Warning::NoBudget {
            let big = crate::rules::Thresholds {
                red_gap: config.big_red_gap,
                yellow_gap: config.thresholds.yellow_gap,
            };
            if big.warning(executed.0, p.budget.0, time) == Warning::Red {
                w = Warning::Red;
            }
        }
        let slot = *index.entry(level.key(p)).or_insert_with(|| {
            lines.push(Line::empty(level.key(p), last_month));
            lines.len() - 1
        });
        let line = &mut lines[slot];
        line.budget += p.budget;
        line.executed += executed;
        line.projects += 1;
        line.key_projects += u64::from(key_project);
        if level == Level::Project {
            line.warning = w;
        }
        match w {
            Warning::Red => line.red += 1,
            Warning::Yellow => line.yellow += 1,
            Warning::Over => line.over += 1,
            Warning::NoBudget => line.no_budget += 1,
            Warning::None => {}
        }
        let mut running = FenSum::ZERO;
        for (m, c) in line.curve.iter_mut().enumerate() {
            running += p.months[m];
            *c += if m + 1 == last_month {
                FenSum::from(executed)
            } else {
                running
            };
        }
    }
    for l in lines.iter_mut().filter(|_| level != Level::Project) {
        // A group's own light, judged on its totals.
        l.warning = match (l.executed.to_fen(), l.budget.to_fen()) {
            (Some(e), Some(b)) => config.thresholds.warning(e.0, b.0, time),
            _ => Warning::None,
        };
    }
    lines.sort_by(|a, b| {
        crate::rules::by_rate(
            (&a.key, a.budget.0, a.executed.0),
            (&b.key, b.budget.0, b.executed.0),
        )
    });
    Table {
        as_of,
        time,
        time_curve,
        level,
        lines,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Convention;

    fn project(code: &str, dept: &str, budget: i64, per_month: i64) -> Project {
        Project {
            code: code.into(),
            unit: format!("{dept}-u").into(),
            department: dept.into(),
            region: "r".into(),
            fund: FundingSource::GeneralPublic,
            budget: Fen(budget),
            months: [Fen(per_month); 12],
        }
    }

    #[test]
    fn executed_by_month_ends_and_within_months() {
        let m = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12].map(Fen);
        let end_june = Date::new(2021, 6, 30).unwrap();
        assert_eq!(executed_by(&m, end_june, Fen(999)), Fen(21));
        let mid_june = Date::new(2021, 6, 15).unwrap();
        assert_eq!(executed_by(&m, mid_june, Fen(4)), Fen(15 + 4));
    }

    #[test]
    fn levels_group_and_rank() {
        let ps = vec![
            project("p1", "d1", 1200, 100), // on pace
            project("p2", "d1", 1200, 10),  // far behind
            project("p3", "d2", 1200, 90),
        ];
        let as_of = Date::new(2021, 6, 30).unwrap();
        let c = Config::default();
        let t = monitor(&ps, &|_| Fen::ZERO, as_of, Level::Department, &c);
        assert_eq!(t.lines.len(), 2);
        assert_eq!(t.lines[0].key, "d2"); // 540/1200 beats 660/2400
        assert_eq!(t.lines[1].red, 1);
        assert_eq!(
            t.lines[1].curve,
            [110, 220, 330, 440, 550, 660].map(FenSum).to_vec()
        );
        // By month, June's end is exactly 50%: d2 at 45% is 5 points behind, not warned.
        let by_month = Config {
            convention: Convention::Month,
            ..Config::default()
        };
        let t = monitor(&ps, &|_| Fen::ZERO, as_of, Level::Project, &by_month);
        let p3 = t.lines.iter().find(|l| l.key == "p3").unwrap();
        assert_eq!(p3.warning, Warning::None);
        let strict = Config {
            thresholds: crate::rules::Thresholds {
                red_gap: crate::rules::Fraction { p: 4, q: 100 },
                yellow_gap: crate::rules::Fraction { p: 1, q: 100 },
            },
            ..by_month
        };
        let t = monitor(&ps, &|_| Fen::ZERO, as_of, Level::Project, &strict);
        let p3 = t.lines.iter().find(|l| l.key == "p3").unwrap();
        assert_eq!(p3.warning, Warning::Red);
    }

    #[test]
    fn key_projects_have_their_own_red_line() {
        let ps = vec![project("big", "d", 1_200_000, 70_000)]; // 35% at mid-year
        let as_of = Date::new(2021, 6, 30).unwrap();
        let mut c = Config {
            convention: Convention::Month,
            ..Config::default()
        };
        let t = monitor(&ps, &|_| Fen::ZERO, as_of, Level::Project, &c);
        assert_eq!(t.lines[0].yellow, 1); // 15 points behind: yellow by the general lines
        c.big_project = Some(500_000);
        c.big_red_gap = crate::rules::Fraction { p: 1, q: 10 };
        let t = monitor(&ps, &|_| Fen::ZERO, as_of, Level::Project, &c);
        assert_eq!((t.lines[0].red, t.lines[0].key_projects), (1, 1));
        assert_eq!(t.lines[0].warning, Warning::Red);
    }
}
