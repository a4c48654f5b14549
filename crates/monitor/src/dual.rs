//! 双监控: budget execution and the progress of performance targets, watched together
//! (RULES.md §3.1–3.3). A project whose spending runs well ahead of its outputs, or whose
//! unit says a target cannot be met, is flagged; a report that is not certain of its target
//! must say why and what will be done.

use rust_decimal::Decimal;
use std::collections::BTreeMap;

/// An indicator of a project's targets, as far as progress needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    /// The project's code.
    pub project: String,
    /// The indicator's code.
    pub code: String,
    /// 一级指标.
    pub level1: String,
    /// 三级指标 (its name).
    pub name: String,
    /// `ge`, `le` or `qual`.
    pub direction: String,
    /// The target value.
    pub target: Decimal,
}

/// A progress report on one indicator.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    /// The project's code.
    pub project: String,
    /// The indicator's code.
    pub code: String,
    /// The actual value so far.
    pub actual: Decimal,
    /// 确定能 / 有可能 / 不可能.
    pub likelihood: String,
    /// Whether the report says why and what will be done when it is not certain.
    pub explained: bool,
}

/// One project's two kinds of progress.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    /// The project's code.
    pub project: String,
    /// Spent ÷ budget, when there is a budget.
    pub spending: Option<Decimal>,
    /// The mean completion of its output indicators (产出) with reports: actual ÷ target,
    /// at most 1, for those where more is better; 1, ½ or 0 for qualitative ones.
    pub outputs: Option<Decimal>,
    /// Indicators with a report / all its indicators.
    pub reported: (usize, usize),
    /// Reports by likelihood: certain, possible, impossible.
    pub likelihood: (usize, usize, usize),
    /// Reports not certain of their target that lack a reason or measures.
    pub unexplained: usize,
    /// Spending ahead of outputs by more than the configured gap.
    pub divergent: bool,
    /// Red: some target cannot be met (不可能).
    pub red: bool,
}

/// Watches spending and targets together. `spending` maps a project to (spent, budget) fen.
pub fn watch(
    spending: &BTreeMap<String, (i128, i128)>,
    targets: &[Target],
    reports: &[Report],
    divergence_gap: Decimal,
) -> Vec<Line> {
    let mut by_project: BTreeMap<&str, Vec<&Target>> = BTreeMap::new();
    for t in targets {
        by_project.entry(&t.project).or_default().push(t);
    }
    let report_of: BTreeMap<(&str, &str), &Report> = reports
        .iter()
        .map(|r| ((r.project.as_str(), r.code.as_str()), r))
        .collect();
    by_project
        .into_iter()
        .map(|(project, ts)| {
            let spending_rate = spending.get(project).and_then(|(e, b)| {
                (*b != 0).then(|| {
                    Decimal::from_i128_with_scale(*e, 0) / Decimal::from_i128_with_scale(*b, 0)
                })
            });
            let mut completions = Vec::new();
            let mut reported = 0;
            let (mut certain, mut possible, mut impossible, mut unexplained) = (0, 0, 0, 0);
            for t in &ts {
                let Some(r) = report_of.get(&(project, t.code.as_str())) else {
                    continue;
                };
                reported += 1;
                match r.likelihood.as_str() {
                    "确定能" => certain += 1,
                    "有可能" => possible += 1,
                    _ => impossible += 1,
                }
                if r.likelihood != "确定能" && !r.explained {
                    unexplained += 1;
                }
                if t.level1.starts_with("产出") {
                    match t.direction.as_str() {
                        "ge" if t.target > Decimal::ZERO => {
                            completions.push((r.actual / t.target).min(Decimal::ONE))
                        }
                        "qual" => completions.push(r.actual.min(Decimal::ONE)),
                        _ => {}
                    }
                }
            }
            let outputs = (!completions.is_empty()).then(|| {
                completions.iter().copied().sum::<Decimal>()
                    / Decimal::from(completions.len() as i64)
            });
            let divergent = match (spending_rate, outputs) {
                (Some(s), Some(o)) => s - o > divergence_gap,
                _ => false,
            };
            Line {
                project: project.to_string(),
                spending: spending_rate,
                outputs,
                reported: (reported, ts.len()),
                likelihood: (certain, possible, impossible),
                unexplained,
                divergent,
                red: impossible > 0,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn target(code: &str, level1: &str, direction: &str, target: i64) -> Target {
        Target {
            project: "P".into(),
            code: code.into(),
            level1: level1.into(),
            name: code.into(),
            direction: direction.into(),
            target: Decimal::from(target),
        }
    }

    fn report(code: &str, actual: i64, likelihood: &str, explained: bool) -> Report {
        Report {
            project: "P".into(),
            code: code.into(),
            actual: Decimal::from(actual),
            likelihood: likelihood.into(),
            explained,
        }
    }

    #[test]
    fn eighty_percent_spent_for_thirty_percent_of_outputs_diverges() {
        let spending: BTreeMap<String, (i128, i128)> = [("P".to_string(), (80, 100))].into();
        let targets = [
            target("I1", "产出指标", "ge", 100),
            target("I2", "产出指标", "ge", 10),
            target("I3", "效益指标", "qual", 1),
        ];
        let reports = [
            report("I1", 30, "有可能", true),
            report("I2", 3, "不可能", false),
            report("I3", 1, "确定能", false),
        ];
        let lines = watch(&spending, &targets, &reports, Decimal::new(30, 2));
        let l = &lines[0];
        assert_eq!(l.outputs, Some(Decimal::new(3, 1)));
        assert!(l.divergent);
        assert!(l.red);
        assert_eq!(l.likelihood, (1, 1, 1));
        assert_eq!(l.unexplained, 1);
        assert_eq!(l.reported, (3, 3));
        // A wider gap tolerates it.
        assert!(!watch(&spending, &targets, &reports, Decimal::new(60, 2))[0].divergent);
    }
}
